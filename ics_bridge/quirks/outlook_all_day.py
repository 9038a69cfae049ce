"""Outlook: floating midnight DTSTART/DTEND with ``X-MICROSOFT-CDO-ALLDAYEVENT:TRUE`` is an
all-day event (MS-OXCICAL 2.1.3.1.1.20.28; interop-notes case 17).  A zoned midnight pair
without the flag stays a timed event (MS-OXPROPS 2.31: never infer all-day from 24 h)."""

from __future__ import annotations

from datetime import time

from .. import model as m
from ..io.lines import unescape_text
from ..report import LossKind, Report
from .model_edit import set_time


def apply(event: m.Event, report: Report) -> m.Event:
    if not event.other:  # no kept line, so no flag (most events: one test, not a generator)
        return event
    flags = list(event.other_lines("X-MICROSOFT-CDO-ALLDAYEVENT"))
    if len(flags) != 1 or unescape_text(flags[0].value).upper() != "TRUE":
        return event
    changed = False
    for name in ("DTSTART", "DTEND", "RECURRENCE-ID"):
        value = event.start if name == "DTSTART" else event.end if name == "DTEND" else (
            event.recurrence_id.value if event.recurrence_id is not None else None)
        if not isinstance(value, m.ZonedDateTime):
            continue
        if value.dt.time() != time(0):
            return event  # the values changed so far stay changed, unreported (as before issue 12)
        event = set_time(event, name, value.dt.date())
        changed = True
    if changed:
        report.add(LossKind.QUIRK_REPAIRED, "DTSTART", "midnight pair with X-MICROSOFT-CDO-ALLDAYEVENT read as all-day",
                   uid=event.uid or None)
    return event
