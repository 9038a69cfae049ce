"""Google: ``EXDATE;TZID=Europe/Helsinki:20121204T000000`` on an all-day series (gcal_sync
#176; interop-notes case 35) must become ``EXDATE;VALUE=DATE:20121204`` to match anything.

An RDATE is read as a date only in that shape (midnight): an RDATE at another time of day adds
an occurrence at that instant (RFC 5545 3.8.5.2 lets its value type differ from DTSTART's; ical.js
and libical read it so), and making it a date would move it, or merge it into an occurrence of
the rule on that day (issue 17: 12 occurrences became 10).  It is kept as read."""

from __future__ import annotations

from datetime import datetime

from icalendar import Event

from ..report import LossKind, Report


def _midnight(value: datetime) -> bool:
    return (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0)


def apply(event: Event, report: Report) -> None:
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
            timed = [d for d in getattr(item, "dts", []) if isinstance(d.dt, datetime)]
            if prop == "RDATE" and not all(_midnight(d.dt) for d in timed):
                kept += len(timed)  # a list holds one value type: kept as read
                continue
            for d in timed:
                d.dt = d.dt.date()
                d.params.pop("TZID", None)
                d.params["VALUE"] = "DATE"
            if timed:
                fixed += len(timed)
                item.params.pop("TZID", None)
                item.params["VALUE"] = "DATE"
        if fixed:
            report.add(LossKind.QUIRK_REPAIRED, prop, f"{fixed} zoned {prop} value(s) on an all-day series read as dates",
                       uid=uid)
        if kept:
            report.add(LossKind.MAPPING_CHOICE, prop,
                       f"{kept} RDATE value(s) with a time of day on an all-day series kept as timed occurrences "
                       "(ical.js reads them so; libical counts one on a day of the rule as that day's occurrence)",
                       uid=uid)
