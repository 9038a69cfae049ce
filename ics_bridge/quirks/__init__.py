"""Producer quirks of .ics input, one small module each, every repair reported.

Why named modules (after allenporter/ical ``compat/``): each quirk is a fact about a producer
(Google's DATE UNTIL, Outlook's floating all-day pairs…) with its own evidence; keeping them
apart makes each one testable and keeps the mappers free of special cases.  They run in order
on the parsed calendar, before any provider mapping.
"""

from __future__ import annotations

from icalendar import Calendar

from ..report import Report
from . import all_day_exdate, dtend_checks, dtstart_until, outlook_all_day, x_wr_timezone


def apply_read_quirks(cal: Calendar, report: Report, *, x_wr_timezone_policy: bool = True) -> None:
    """Repair known producer quirks in place; each repair adds a report entry."""
    if x_wr_timezone_policy:
        x_wr_timezone.apply(cal, report)
    for event in cal.walk("VEVENT"):
        outlook_all_day.apply(event, report)
        dtend_checks.apply(event, report)
        dtstart_until.apply(event, report)
        all_day_exdate.apply(event, report)
