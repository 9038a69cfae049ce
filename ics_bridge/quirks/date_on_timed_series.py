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

import dataclasses
from datetime import date

from .. import model as m
from ..occurrences import at_series_time
from ..report import LossKind, Report
from .model_edit import date_list, set_time


def _dates(values: tuple[object, ...]) -> list[date] | None:
    """The values when every one is a DATE (else None: left as it is)."""
    items = [v for v in values if isinstance(v, date) and not isinstance(v, m.ZonedDateTime)]
    return items if items and len(items) == len(values) else None  # type: ignore[return-value]


def _at(day: date, start: m.ZonedDateTime) -> m.ZonedDateTime:
    return m.ZonedDateTime(at_series_time(day, start.dt), start.zone)


def apply(events: list[m.Event], report: Report) -> list[m.Event]:
    starts: dict[str, m.ZonedDateTime] = {}
    out = []
    for event in events:
        start = event.start
        if event.recurrence_id is not None or not isinstance(start, m.ZonedDateTime):
            out.append(event)
            continue
        uid = str(event.uid)
        starts.setdefault(uid, start)  # overrides belong to the first master of their UID
        lines = []
        for line in event.exdates:
            days = _dates(line.values)
            if days is None:
                lines.append(line)
                continue
            lines.append(date_list(tuple(_at(d, start) for d in days), line.params))
            report.add(LossKind.QUIRK_REPAIRED, "EXDATE",
                       "DATE EXDATE on a timed series read at the series' time of day (RFC 5545 3.8.5.1 wants DTSTART's type)",
                       uid=uid, before=", ".join(d.isoformat() for d in days[:3]),
                       after=at_series_time(days[0], start.dt).isoformat())
        out.append(dataclasses.replace(event, exdates=tuple(lines)) if lines != list(event.exdates) else event)
    result = []
    for event in out:
        rid = event.recurrence_id
        uid = str(event.uid)
        if rid is None or uid not in starts:
            result.append(event)
            continue
        days = _dates((rid.value,))
        if days is None:
            result.append(event)
            continue
        start = starts[uid]
        result.append(set_time(event, "RECURRENCE-ID", _at(days[0], start)))
        report.add(LossKind.QUIRK_REPAIRED, "RECURRENCE-ID",
                   "DATE RECURRENCE-ID of a timed series read at the series' time of day (RFC 5545 3.8.4.4)",
                   uid=uid, recurrence_id=days[0].isoformat(), before=days[0].isoformat(),
                   after=at_series_time(days[0], start.dt).isoformat())
    return result
