"""The date-times of one series in the shape of its DTSTART: floating where it floats, in its
zone where it has one.

Why: RFC 5545 wants EXDATE and RDATE (3.8.5.1, 3.8.5.2) and an override's RECURRENCE-ID
(3.8.4.4) in the value type of the master's DTSTART, and producers mix them: a floating
RECURRENCE-ID under a zoned master (ownCloud's floating DTSTART becomes zoned by
:mod:`dtend_checks`), a zoned EXDATE on a floating series.  The meaning the validator gives such
a value (``expansion.align``) is its wall-clock time in the series' frame, which is also how
ical.js reads it; a provider writer that converts each value by its own zone would name
another instant instead (a Graph exception whose ``originalStart`` misses its occurrence, a
Google EXDATE an hour off).  So, per series (a master and the overrides with its UID):

* **zoned (or UTC) master**: a floating EXDATE/RDATE of the master, and a floating
  RECURRENCE-ID of an override (with that override's floating DTSTART/DTEND), take the
  master's zone, same wall-clock time;
* **floating master**: a zoned EXDATE/RDATE/RECURRENCE-ID becomes its wall-clock time,
  floating.

Each change is reported.  All-day series are left to :mod:`all_day_exdate` and
:mod:`all_day_recurrence_id`; a list mixing floating and zoned values is left as it is.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from icalendar import Calendar

from .. import timezones
from ..report import LossKind, Report
from ..vevent import props


def _datetimes(prop: Any) -> list[datetime] | None:
    """The date-times of a value (None: something else in it, a date or a PERIOD or unreadable)."""
    try:
        items = [d.dt for d in prop.dts] if hasattr(prop, "dts") else [prop.dt]
    except (AttributeError, ValueError):
        return None
    return items if items and all(isinstance(v, datetime) for v in items) else None


def _align(prop: Any, tz: tzinfo | None, field: str, uid: str, report: Report, rid: str | None = None) -> None:
    values = _datetimes(prop)
    if values is None:
        return
    if tz is not None and all(v.tzinfo is None for v in values):
        why = "floating value in a zoned series read in the series zone"
    elif tz is None and all(v.tzinfo is not None for v in values):
        why = "zoned value in a floating series read as its wall-clock time, floating"
    else:
        return
    timezones.retag(prop, tz, None if tz is None or timezones.is_utc_zone(tz) else timezones.tzid_of(tz))
    report.add(LossKind.QUIRK_REPAIRED, field, why, uid=uid, recurrence_id=rid,
               before=", ".join(v.isoformat() for v in values[:3]), after=timezones.tzid_of(tz) if tz else "floating")


def apply(cal: Calendar, report: Report) -> None:
    events = list(cal.walk("VEVENT"))
    zones: dict[str, tzinfo | None] = {}
    for event in events:
        start = _datetimes(event["DTSTART"]) if event.get("RECURRENCE-ID") is None and event.get("DTSTART") is not None \
            else None
        uid = str(event.get("UID"))
        if start is None:
            continue
        zones.setdefault(uid, start[0].tzinfo)  # overrides belong to the first master of their UID
        for name in ("EXDATE", "RDATE"):  # every master's own lists, a second one's too
            for prop in props(event, name):
                _align(prop, start[0].tzinfo, name, uid, report)
    for event in events:
        uid = str(event.get("UID"))
        rid = event.get("RECURRENCE-ID")
        if rid is None or uid not in zones:
            continue
        rid_values = _datetimes(rid)
        if rid_values is None:
            continue
        tz = zones[uid]
        was_floating = rid_values[0].tzinfo is None
        _align(rid, tz, "RECURRENCE-ID", uid, report, rid_values[0].isoformat())
        if tz is not None and was_floating:  # the override's own floating times, in the same frame
            for name in ("DTSTART", "DTEND"):
                for prop in props(event, name):
                    _align(prop, tz, name, uid, report, rid_values[0].isoformat())
