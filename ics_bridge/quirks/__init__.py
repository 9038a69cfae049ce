"""Producer quirks of .ics input, one small module each, every repair reported.

Why named modules (after allenporter/ical ``compat/``): each quirk is a fact about a producer
(Google's DATE UNTIL, Outlook's floating all-day pairs…) with its own evidence; keeping them
apart makes each one testable and keeps the mappers free of special cases.  They run in order
on the parsed calendar, before any provider mapping.

Each quirk runs on one event at a time: a value a quirk cannot handle makes that event an
:class:`~ics_bridge.errors.InputError` (returned, the event removed from the calendar) and the
other events go on.
"""

from __future__ import annotations

from icalendar import Calendar

from ..errors import InputError
from ..report import Report
from . import (alarm_checks, all_day_exdate, all_day_recurrence_id, date_on_timed_series, dtend_checks, dtstart_until,
               exrule, outlook_all_day, rdate_period, rrule_checks, series_zone, x_wr_timezone)

# What a quirk may raise on a hostile value it did not foresee (BrokenCalendarProperty is a
# ValueError); anything else is a bug and propagates.
QUIRK_ERRORS = (ValueError, TypeError, AttributeError, KeyError, IndexError, OverflowError)


def apply_read_quirks(cal: Calendar, report: Report, *, x_wr_timezone_policy: bool = True) -> list[InputError]:
    """Repair known producer quirks in place; each repair adds a report entry.  Returns the
    events that could not be processed (already removed from ``cal``)."""
    errors: list[InputError] = []
    failed: set[int] = set()
    if x_wr_timezone_policy:
        x_wr_timezone.apply(cal, report)
    for event in cal.walk("VEVENT"):
        for quirk in (rrule_checks, outlook_all_day, dtend_checks, dtstart_until, all_day_exdate, alarm_checks, exrule):
            try:
                quirk.apply(event, report)
            except QUIRK_ERRORS as exc:
                uid = event.get("UID")
                errors.append(InputError(f"cannot be read ({quirk.__name__.rsplit('.', 1)[-1]}): {str(exc)[:160]}",
                                         uid=str(uid) if uid is not None else None, field=None))
                failed.add(id(event))
                break
    if failed:
        _remove(cal, failed)
    all_day_recurrence_id.apply(cal, report)  # needs each series' master: runs over the calendar
    rdate_period.apply(cal, report)  # adds overrides beside their master
    series_zone.apply(cal, report)
    date_on_timed_series.apply(cal, report)
    return errors


def _remove(cal: Calendar, ids: set[int]) -> None:
    stack = [cal]
    while stack:
        component = stack.pop()
        component.subcomponents = [c for c in component.subcomponents if id(c) not in ids]
        stack.extend(component.subcomponents)
