"""Outlook writes the RECURRENCE-ID of an override of an all-day series as a date-time
(``RECURRENCE-ID;TZID=Asia/Hong_Kong:20040609T000000``: midnight in the event zone) next to a
``DTSTART;VALUE=DATE`` master.  RFC 5545 3.8.4.4 wants the same value type as DTSTART; every
reader tested (ical.js, libical, ical, recurring-ical-events, vobject) then matches no
occurrence and shows the series unchanged.  The value means its local date (interop-notes
case 14), so it is read as that date, reported."""

from __future__ import annotations

from datetime import date, datetime
from functools import partial

from icalendar import Calendar

from ..report import Report
from ..vevent import all_day_recurrence_id


def apply(cal: Calendar, report: Report) -> None:
    events = list(cal.walk("VEVENT"))
    all_day_masters = {str(e.get("UID")) for e in events if e.get("RECURRENCE-ID") is None
                       and _is_date(_dt(e.get("DTSTART")))}
    for event in events:
        prop = event.get("RECURRENCE-ID")
        if prop is None or str(event.get("UID")) not in all_day_masters or not isinstance(_dt(prop), datetime):
            continue
        uid = str(event.get("UID"))
        prop.dt = all_day_recurrence_id(prop.dt, True, partial(report.add, uid=uid))
        prop.params.pop("TZID", None)
        prop.params["VALUE"] = "DATE"


def _dt(prop: object) -> object:
    """The value of a date property, or None for an unreadable one (left to the writers to report)."""
    try:
        return getattr(prop, "dt", None)
    except ValueError:  # icalendar's BrokenCalendarProperty
        return None


def _is_date(value: object) -> bool:
    return isinstance(value, date) and not isinstance(value, datetime)
