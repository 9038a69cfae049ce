"""Bounded expansion of iCalendar rules with dateutil: the one place RRULE/EXRULE values become
``dateutil.rrule`` objects, for validation (``validate.expand_series``) and for the EXRULE
repair (``quirks/exrule.py``).

Why not ``rrulestr`` on the raw line: UNTIL must be aligned to the series start (a floating
UNTIL on a zoned start and the reverse are read as RFC 5545 3.3.10 means them), RSCALE/SKIP
(RFC 7529) are reduced to what dateutil can do, and INTERVAL/COUNT below 1 would loop forever.
"""

from __future__ import annotations

import warnings
from datetime import date, datetime, time
from typing import Any

from dateutil.rrule import rrule, rrulestr
from icalendar.prop import vRecur


class ExpansionError(ValueError):
    """A rule dateutil cannot expand (or would expand forever: INTERVAL=0)."""


def align(value: Any, base: datetime) -> datetime | None:
    """An RDATE/EXDATE/UNTIL value in the shape of the series start (aware ↔ naive, date)."""
    if isinstance(value, tuple):
        value = value[0] if value else None
    if value is None:
        return None
    if not isinstance(value, datetime):
        if not isinstance(value, date):
            return None
        value = datetime.combine(value, time())
    if base.tzinfo is not None:
        if value.tzinfo is None:
            return value.replace(tzinfo=base.tzinfo)
        return value.astimezone(base.tzinfo)
    if value.tzinfo is not None:
        return value.replace(tzinfo=None)
    return value


_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _impossible(rule: vRecur) -> bool:
    """A BYMONTH/BYMONTHDAY pair that no year has (Feb 30): dateutil would search to year 9999."""
    months = [int(m) for m in (rule.get("BYMONTH") or [])]
    days = [int(d) for d in (rule.get("BYMONTHDAY") or [])]
    if not months or not days:
        return False
    for month in months:
        if not 1 <= month <= 12:
            continue
        length = _MONTH_DAYS[month - 1]
        if any((1 <= d <= length) or (-length <= d <= -1) for d in days):
            return False
    return True


def dateutil_rule(recur: vRecur, base: datetime) -> rrule | None:
    parts = {k.upper(): v for k, v in recur.items()}
    until = parts.pop("UNTIL", None)
    parts.pop("RSCALE", None)  # only GREGORIAN is expanded
    skip_value = parts.pop("SKIP", None)
    if isinstance(skip_value, list):
        skip_value = skip_value[0] if skip_value else None
    if str(skip_value or "OMIT").upper() == "BACKWARD" and not parts.get("BYDAY"):
        # RFC 7529 SKIP=BACKWARD on a month-end day = "that day or the month's last day".
        days = [int(d) for d in (parts.get("BYMONTHDAY") or [])]
        if len(days) == 1 and days[0] >= 29 and not parts.get("BYSETPOS"):
            parts["BYMONTHDAY"] = list(range(28, days[0] + 1))
            parts["BYSETPOS"] = [-1]
    for name, low in (("INTERVAL", 1), ("COUNT", 1)):
        value = parts.get(name)
        value = value[0] if isinstance(value, list) and value else value
        try:
            if value is not None and int(value) < low:
                raise ExpansionError(f"{name}={value} is invalid")  # INTERVAL=0 loops forever in dateutil
        except (TypeError, ValueError):
            raise ExpansionError(f"{name}={value!r} is invalid") from None
    if _impossible(vRecur(parts)):
        return None
    text = vRecur(parts).to_ical().decode()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = rrulestr(text, dtstart=base)
        except (ValueError, TypeError, KeyError, IndexError) as exc:
            raise ExpansionError(f"unreadable RRULE {text!r}: {exc}") from None
        if isinstance(until, list):
            until = until[0] if until else None
        if until is not None:
            if isinstance(until, date) and not isinstance(until, datetime):
                until = datetime.combine(until, time(23, 59, 59))
            aligned = align(until, base)
            if aligned is not None:
                try:
                    result = result.replace(until=aligned, count=None)
                except (ValueError, TypeError) as exc:
                    raise ExpansionError(f"unusable UNTIL: {exc}") from None
    assert isinstance(result, rrule)
    return result
