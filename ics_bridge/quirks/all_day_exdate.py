"""Google: ``EXDATE;TZID=Europe/Helsinki:20121204T000000`` on an all-day series (gcal_sync
#176; interop-notes case 35) must become ``EXDATE;VALUE=DATE:20121204`` to match anything.

An RDATE is read as a date only in that shape (midnight): an RDATE at another time of day adds
an occurrence at that instant (RFC 5545 3.8.5.2 lets its value type differ from DTSTART's; ical.js
and libical read it so), and making it a date would move it, or merge it into an occurrence of
the rule on that day (issue 17: 12 occurrences became 10).  It is kept as read.

:func:`repair` holds the rule for one line's values; :func:`fix_event` applies it to a typed
event, :func:`apply` to an icalendar VEVENT (io/ics.py's read path and Google's recurrence
lines, until they move onto the model)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from icalendar import Event

from .. import model as m
from ..report import LossKind, Report


def _midnight(value: datetime) -> bool:
    return (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0)


def repair(prop: str, values: list[Any]) -> tuple[bool, int]:
    """For one EXDATE/RDATE line of an all-day series: whether its date-times become their
    dates (their local date), and how many date-times it holds (a list holds one value type:
    an RDATE with a time of day other than midnight is kept as read)."""
    timed = [v for v in values if isinstance(v, datetime)]
    if prop == "RDATE" and not all(_midnight(v) for v in timed):
        return False, len(timed)
    return bool(timed), len(timed)


def _report(report: Report, prop: str, fixed: int, kept: int, uid: str | None) -> None:
    if fixed:
        report.add(LossKind.QUIRK_REPAIRED, prop, f"{fixed} zoned {prop} value(s) on an all-day series read as dates",
                   uid=uid)
    if kept:
        report.add(LossKind.MAPPING_CHOICE, prop,
                   f"{kept} RDATE value(s) with a time of day on an all-day series kept as timed occurrences "
                   "(ical.js reads them so; libical counts one on a day of the rule as that day's occurrence)",
                   uid=uid)


def fix_event(event: m.Event, report: Report) -> m.Event:
    """The typed event with its EXDATE/RDATE date-times as dates when DTSTART is a date."""
    if event.start is None or isinstance(event.start, m.ZonedDateTime):
        return event
    changes: dict[str, tuple[m.DateList, ...]] = {}
    for prop, field in (("EXDATE", "exdates"), ("RDATE", "rdates")):
        fixed = kept = 0
        lines = []
        for line in getattr(event, field):
            plain = [m.plain(v) if isinstance(v, m.ZonedDateTime) else v for v in line.values]
            dated, count = repair(prop, plain)
            if not dated:
                kept += count
                lines.append(line)
                continue
            fixed += count
            lines.append(m.DateList(tuple(v.date() if isinstance(v, datetime) else v for v in plain),
                                    tuple(p for p in line.params if p.name not in ("TZID", "VALUE"))))
        if fixed:
            changes[field] = tuple(lines)
        _report(report, prop, fixed, kept, event.uid or None)
    return replace(event, **changes) if changes else event


def apply(event: Event, report: Report) -> None:
    """:func:`repair` on an icalendar VEVENT's EXDATE/RDATE lines, in place."""
    start = event.get("DTSTART")
    if start is None or isinstance(start.dt, datetime):
        return
    uid = str(event.get("UID", "")) or None
    for prop in ("EXDATE", "RDATE"):
        raw = event.get(prop)
        if raw is None:
            continue
        fixed = kept = 0
        for item in raw if isinstance(raw, list) else [raw]:
            dts = getattr(item, "dts", [])
            dated, count = repair(prop, [d.dt for d in dts])
            if not dated:
                kept += count
                continue
            fixed += count
            for d in dts:
                if isinstance(d.dt, datetime):
                    d.dt = d.dt.date()
                    d.params.pop("TZID", None)
                    d.params["VALUE"] = "DATE"
            item.params.pop("TZID", None)
            item.params["VALUE"] = "DATE"
        _report(report, prop, fixed, kept, uid)
