"""Google: ``EXDATE;TZID=Europe/Helsinki:20121204T000000`` on an all-day series (gcal_sync
#176; interop-notes case 35) must become ``EXDATE;VALUE=DATE:20121204`` to match anything."""

from __future__ import annotations

from datetime import datetime

from icalendar import Event

from ..report import LossKind, Report


def apply(event: Event, report: Report) -> None:
    start = event.get("DTSTART")
    if start is None or isinstance(start.dt, datetime):
        return
    for prop in ("EXDATE", "RDATE"):
        raw = event.get(prop)
        if raw is None:
            continue
        fixed = 0
        for item in raw if isinstance(raw, list) else [raw]:
            for d in getattr(item, "dts", []):
                if isinstance(d.dt, datetime):
                    d.dt = d.dt.date()
                    d.params.pop("TZID", None)
                    d.params["VALUE"] = "DATE"
                    fixed += 1
            if fixed:
                item.params.pop("TZID", None)
                item.params["VALUE"] = "DATE"
        if fixed:
            report.add(LossKind.QUIRK_REPAIRED, prop, f"{fixed} zoned {prop} value(s) on an all-day series read as dates",
                       uid=str(event.get("UID", "")) or None)
