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
"""

from __future__ import annotations

from datetime import date, datetime, time, timezone

from icalendar import Event

from ..report import LossKind, Report


def apply(event: Event, report: Report) -> None:
    start = event.get("DTSTART")
    rules = event.get("RRULE")
    if start is None or rules is None:
        return
    for rule in rules if isinstance(rules, list) else [rules]:
        until = rule.get("UNTIL")
        if not until:
            continue
        value = until[0] if isinstance(until, list) else until
        if isinstance(start.dt, datetime) and not isinstance(value, datetime) and isinstance(value, date):
            end = datetime.combine(value, time(23, 59, 59))
            end = end.replace(tzinfo=start.dt.tzinfo).astimezone(timezone.utc) if start.dt.tzinfo else end
            rule["UNTIL"] = [end]
            report.add(LossKind.QUIRK_REPAIRED, "RRULE;UNTIL", "DATE UNTIL on a timed series read as the end of that day",
                       uid=str(event.get("UID", "")) or None, before=value, after=end)
        elif isinstance(start.dt, datetime) and isinstance(value, datetime) and (
                (start.dt.tzinfo is None) != (value.tzinfo is None)):
            if start.dt.tzinfo is not None:
                fixed = value.replace(tzinfo=start.dt.tzinfo).astimezone(timezone.utc)
                why = "floating UNTIL on a zoned series read in the series zone, written in UTC"
            else:
                fixed = value.replace(tzinfo=None)
                why = "UTC UNTIL on a floating series read as floating (its wall-clock time)"
            rule["UNTIL"] = [fixed]
            report.add(LossKind.QUIRK_REPAIRED, "RRULE;UNTIL", why, uid=str(event.get("UID", "")) or None,
                       before=value, after=fixed)
        elif not isinstance(start.dt, datetime) and isinstance(value, datetime):
            day = value.date()
            rule["UNTIL"] = [day]
            report.add(LossKind.QUIRK_REPAIRED, "RRULE;UNTIL", "DATE-TIME UNTIL on an all-day series read as a date",
                       uid=str(event.get("UID", "")) or None, before=value, after=day)
