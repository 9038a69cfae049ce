"""Outlook writes the RECURRENCE-ID of an override of an all-day series as a date-time
(``RECURRENCE-ID;TZID=Asia/Hong_Kong:20040609T000000``: midnight in the event zone) next to a
``DTSTART;VALUE=DATE`` master.  RFC 5545 3.8.4.4 wants the same value type as DTSTART; every
reader tested (ical.js, libical, ical, recurring-ical-events, vobject) then matches no
occurrence and shows the series unchanged.  The value means its local date (interop-notes
case 14), so it is read as that date, reported."""

from __future__ import annotations

from datetime import date, datetime
from functools import partial

from .. import model as m
from ..report import Report
from ..vevent import all_day_recurrence_id
from .model_edit import set_time


def apply(events: list[m.Event], report: Report) -> list[m.Event]:
    all_day_masters = {e.uid for e in events if e.recurrence_id is None and _is_date(e.start)}
    out = []
    for event in events:
        rid = event.recurrence_id
        if rid is None or event.uid not in all_day_masters or not isinstance(rid.value, m.ZonedDateTime):
            out.append(event)
            continue
        value = all_day_recurrence_id(rid.value.dt, True, partial(report.add, uid=event.uid))
        out.append(set_time(event, "RECURRENCE-ID", value))
    return out


def _is_date(value: object) -> bool:
    return isinstance(value, date) and not isinstance(value, (datetime, m.ZonedDateTime))
