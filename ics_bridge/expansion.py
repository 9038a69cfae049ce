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

from dateutil.rrule import rrule, rruleset, rrulestr
from icalendar.prop import vRecur

from .vevent import props


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


# Instances one series' EXRULEs may generate before expansion gives up (all rules together).
MAX_EXRULE_STEPS = 200_000
# dateutil searches day by day (to the year 9999) for the next instance of a rule that matches
# nothing, and UNTIL does not stop that search; these parts make such rules easy to write
# (BYMONTH=1;BYYEARDAY=366), so the EXRULE repair does not expand a rule using them.
SEARCH_PARTS = ("BYYEARDAY", "BYWEEKNO")


def exrule_exclusions(exrules: list[vRecur], base: datetime, last: datetime, *,
                      refuse_search: bool = True) -> tuple[set[datetime], bool]:
    """Every instance of ``exrules`` (RFC 2445 EXRULE) up to ``last``, the last occurrence that
    matters, and whether every rule has ended by then (COUNT reached or UNTIL ≤ ``last``).

    Each rule gets ``UNTIL`` ≤ ``last``, and all rules together may generate at most
    :data:`MAX_EXRULE_STEPS` instances; with ``refuse_search`` a rule with a :data:`SEARCH_PARTS`
    part is refused (validation expands it: a meaning must not hide differences).  Over
    either bound: :class:`ExpansionError`, so the callers keep (quirks/exrule.py) or report
    (validate.py) the rule instead of expanding it for minutes."""
    found: set[datetime] = set()
    ended = True
    steps = 0
    for recur in exrules:
        if refuse_search and any(recur.get(part) for part in SEARCH_PARTS):
            raise ExpansionError(f"an EXRULE with {'/'.join(SEARCH_PARTS)} is not expanded")
        rule = dateutil_rule(recur, base)
        if rule is None:
            continue  # a rule no date satisfies excludes nothing
        own_until = rule._until  # noqa: SLF001 - dateutil keeps UNTIL (aligned to DTSTART) here
        count = rule._count  # noqa: SLF001
        produced = 0
        for value in rule.replace(until=min(own_until, last) if own_until else last):
            steps += 1
            if steps > MAX_EXRULE_STEPS:
                raise ExpansionError(f"EXRULE instances over {MAX_EXRULE_STEPS}")
            found.add(value)
            produced += 1
        ended = ended and ((own_until is not None and own_until <= last) or (count is not None and produced == count))
    return found, ended


def series_set(event: Any, base: datetime) -> rruleset:
    """The starts of a series as dateutil sees them: its RRULEs, DTSTART (RFC 5545 3.8.5.3
    always counts it) and its RDATEs aligned to the start; no EXRULE or EXDATE."""
    series = rruleset()
    for recur in props(event, "RRULE"):
        rule = dateutil_rule(recur, base)
        if rule is not None:
            series.rrule(rule)
    series.rdate(base)
    for prop in props(event, "RDATE"):
        for item in getattr(prop, "dts", []):
            value = align(getattr(item, "dt", None), base)
            if value is not None:
                series.rdate(value)
    return series
