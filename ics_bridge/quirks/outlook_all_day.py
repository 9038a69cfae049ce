"""Outlook: floating midnight DTSTART/DTEND with ``X-MICROSOFT-CDO-ALLDAYEVENT:TRUE`` is an
all-day event (MS-OXCICAL 2.1.3.1.1.20.28; interop-notes case 17).  A zoned midnight pair
without the flag stays a timed event (MS-OXPROPS 2.31: never infer all-day from 24 h)."""

from __future__ import annotations

from datetime import datetime, time

from icalendar import Event

from ..report import LossKind, Report


def apply(event: Event, report: Report) -> None:
    if str(event.get("X-MICROSOFT-CDO-ALLDAYEVENT", "")).upper() != "TRUE":
        return
    changed = False
    for prop in ("DTSTART", "DTEND", "RECURRENCE-ID"):
        item = event.get(prop)
        if item is None or not isinstance(item.dt, datetime):
            continue
        value = item.dt
        if value.time() != time(0):
            return
        item.dt = value.date()
        item.params.pop("TZID", None)
        item.params["VALUE"] = "DATE"
        changed = True
    if changed:
        report.add(LossKind.QUIRK_REPAIRED, "DTSTART", "midnight pair with X-MICROSOFT-CDO-ALLDAYEVENT read as all-day",
                   uid=str(event.get("UID", "")) or None)
