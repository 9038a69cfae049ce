"""A DATE-valued EXDATE or RECURRENCE-ID on a timed series, read at the series' time of day.

Evidence: RFC 5545 wants both in the value type of DTSTART (3.8.4.4 "MUST", 3.8.5.1), yet
``EXDATE;VALUE=DATE:20260126`` and ``RECURRENCE-ID;VALUE=DATE:20260202`` under a
``DTSTART;TZID=…T100000`` master turn up in exports (hand-edited files, old Lotus Notes and
Apple exports; interop-notes section on RECURRENCE-ID).  Strictly such a value names no
occurrence; libical (``icalproperty_recurrence_is_excluded``) and ical.js (``RecurExpansion``
compares date-only) both read a DATE EXDATE as that day, which for a series with one occurrence
a day is the occurrence at the series' time of day.  The providers need an instant (Graph
``originalStart`` and ``OID.<id>.<date>``, Google ``originalStartTime`` and instance ids), so
the value is rewritten once, here, to that day at DTSTART's local time in DTSTART's zone, and
reported: every writer and the validator then read the same occurrence.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from icalendar import Calendar

from .. import timezones
from ..occurrences import at_series_time
from ..report import LossKind, Report
from ..vevent import props


def _dates(prop: Any) -> list[date] | None:
    """The values of a property when every one is a DATE (else None: left as it is)."""
    try:
        items = [d.dt for d in prop.dts] if hasattr(prop, "dts") else [prop.dt]
    except (AttributeError, ValueError):
        return None
    return items if items and all(isinstance(v, date) and not isinstance(v, datetime) for v in items) else None


def _retime(prop: Any, start: datetime) -> None:
    for item in getattr(prop, "dts", None) or [prop]:
        item.dt = at_series_time(item.dt, start).replace(tzinfo=None)
        getattr(item, "params", {}).pop("VALUE", None)
    prop.params.pop("VALUE", None)
    tz = start.tzinfo
    timezones.retag(prop, tz, None if tz is None or timezones.is_utc_zone(tz) else timezones.tzid_of(tz))


def apply(cal: Calendar, report: Report) -> None:
    events = list(cal.walk("VEVENT"))
    starts: dict[str, datetime] = {}
    for event in events:
        if event.get("RECURRENCE-ID") is not None:
            continue
        try:
            start = event.get("DTSTART").dt if event.get("DTSTART") is not None else None
        except (AttributeError, ValueError):
            continue
        if not isinstance(start, datetime):
            continue
        uid = str(event.get("UID"))
        starts.setdefault(uid, start)  # overrides belong to the first master of their UID
        for prop in props(event, "EXDATE"):
            days = _dates(prop)
            if days is None:
                continue
            _retime(prop, start)
            report.add(LossKind.QUIRK_REPAIRED, "EXDATE",
                       "DATE EXDATE on a timed series read at the series' time of day (RFC 5545 3.8.5.1 wants DTSTART's type)",
                       uid=uid, before=", ".join(d.isoformat() for d in days[:3]),
                       after=at_series_time(days[0], start).isoformat())
    for event in events:
        rid = event.get("RECURRENCE-ID")
        uid = str(event.get("UID"))
        if rid is None or uid not in starts or isinstance(rid, list):
            continue
        days = _dates(rid)
        if days is None:
            continue
        start = starts[uid]
        _retime(rid, start)
        report.add(LossKind.QUIRK_REPAIRED, "RECURRENCE-ID",
                   "DATE RECURRENCE-ID of a timed series read at the series' time of day (RFC 5545 3.8.4.4)",
                   uid=uid, recurrence_id=days[0].isoformat(), before=days[0].isoformat(),
                   after=at_series_time(days[0], start).isoformat())
