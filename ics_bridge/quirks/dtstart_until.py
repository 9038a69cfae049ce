"""UNTIL in the shape RFC 5545 3.3.10 requires for the series start, every repair reported.

* Google writes ``UNTIL=20220420`` (a DATE) on a DATE-TIME DTSTART (allenporter/ical
  ``dtstart_until_compat``; interop-notes case 21): the end of that date in the series zone is
  used, so the last day's occurrence is kept.
* A DATE-TIME UNTIL on an all-day series: its date.
* A floating UNTIL on a zoned series (``UNTIL=20200429T000000`` with ``DTSTART;TZID=…``):
  read in the series zone and written in UTC, as the RFC requires; the ``ical`` library
  refuses to expand the series otherwise.
* A UTC UNTIL on a floating series (Exchange, ics-parser issue 343): its wall-clock time,
  floating, which is how ical.js and libical read it; dateutil and ``ical`` refuse the rule.

:func:`repair` holds the rule on plain values; :func:`fix_event` applies it to a typed event,
:func:`apply` to an icalendar VEVENT (io/ics.py's read path and Google's recurrence lines, until
they move onto the model).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timezone

from icalendar import Event

from .. import model as m
from ..report import LossKind, Report

_FIELD = "RRULE;UNTIL"


def repair(start: date | datetime, until: date | datetime) -> tuple[date | datetime, str] | None:
    """The UNTIL in the shape of ``start`` and why, or None when it already has it."""
    if isinstance(start, datetime) and not isinstance(until, datetime):
        end = datetime.combine(until, time(23, 59, 59))
        end = end.replace(tzinfo=start.tzinfo).astimezone(timezone.utc) if start.tzinfo else end
        return end, "DATE UNTIL on a timed series read as the end of that day"
    if isinstance(start, datetime) and isinstance(until, datetime) and (start.tzinfo is None) != (until.tzinfo is None):
        if start.tzinfo is not None:
            return (until.replace(tzinfo=start.tzinfo).astimezone(timezone.utc),
                    "floating UNTIL on a zoned series read in the series zone, written in UTC")
        return until.replace(tzinfo=None), "UTC UNTIL on a floating series read as floating (its wall-clock time)"
    if not isinstance(start, datetime) and isinstance(until, datetime):
        return until.date(), "DATE-TIME UNTIL on an all-day series read as a date"
    return None


def fix_event(event: m.Event, report: Report) -> m.Event:
    """The typed event with every RRULE's UNTIL in the shape of its DTSTART."""
    start = m.plain(event.start)
    if start is None or not any(rule.until is not None for rule in event.rrules):
        return event
    from ..build import time_value
    rules = []
    for rule in event.rrules:
        until = m.plain(rule.until)
        fixed = repair(start, until) if until is not None else None
        if fixed is None:
            rules.append(rule)
            continue
        report.add(LossKind.QUIRK_REPAIRED, _FIELD, fixed[1], uid=event.uid or None, before=until, after=fixed[0])
        rules.append(replace(rule, until=time_value(fixed[0]), text=""))
    return replace(event, rrules=tuple(rules))


def apply(event: Event, report: Report) -> None:
    """:func:`repair` on an icalendar VEVENT's RRULEs, in place."""
    start = event.get("DTSTART")
    rules = event.get("RRULE")
    if start is None or rules is None:
        return
    for rule in rules if isinstance(rules, list) else [rules]:
        until = rule.get("UNTIL")
        if not until:
            continue
        value = until[0] if isinstance(until, list) else until
        if not isinstance(value, date):
            continue
        fixed = repair(start.dt, value)
        if fixed is not None:
            rule["UNTIL"] = [fixed[0]]
            report.add(LossKind.QUIRK_REPAIRED, _FIELD, fixed[1], uid=str(event.get("UID", "")) or None,
                       before=value, after=fixed[0])
