"""Bounded expansion of iCalendar rules with dateutil: the one place RRULE/EXRULE values become
``dateutil.rrule`` objects, for validation (``validate.expand_series``) and for the EXRULE
repair (``quirks/exrule.py``).

Why not ``rrulestr`` on the raw line: UNTIL must be aligned to the series start (a floating
UNTIL on a zoned start and the reverse are read as RFC 5545 3.3.10 means them), RSCALE/SKIP
(RFC 7529) are reduced to what dateutil can do, and INTERVAL/COUNT below 1 would loop forever.
"""

from __future__ import annotations

import warnings
from dataclasses import replace
from datetime import date, datetime, time
from typing import Any, Iterable

from dateutil.rrule import rrule, rruleset, rrulestr

from . import model as m
from .io.model_writer import recur_text


class ExpansionError(ValueError):
    """A rule dateutil cannot expand (or would expand forever: INTERVAL=0)."""


def align(value: Any, base: datetime) -> datetime | None:
    """An RDATE/EXDATE/UNTIL value in the shape of the series start (aware ↔ naive, date); a
    typed value (``m.ZonedDateTime``, a PERIOD by its start) or a Python one."""
    if isinstance(value, m.Period):
        value = value.start
    elif isinstance(value, tuple) and not isinstance(value, m.ZonedDateTime):
        value = value[0] if value else None
    value = m.plain(value)
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


def _impossible(rule: m.Recur) -> bool:
    """A BYMONTH/BYMONTHDAY pair that no year has (Feb 30): dateutil would search to year 9999."""
    if not rule.bymonth or not rule.bymonthday:
        return False
    for text in rule.bymonth:
        try:
            month = int(text)
        except ValueError:  # RFC 7529 leap month ("5L"): not Gregorian, dateutil refuses it later
            return False
        if not 1 <= month <= 12:
            continue
        length = _MONTH_DAYS[month - 1]
        if any((1 <= d <= length) or (-length <= d <= -1) for d in rule.bymonthday):
            return False
    return True


def dateutil_rule(recur: m.Recur, base: datetime) -> rrule | None:
    """``recur`` as a dateutil rule from ``base``: RSCALE dropped (only GREGORIAN is expanded),
    RFC 7529 SKIP=BACKWARD on a month-end day as "that day or the month's last day", UNTIL
    aligned to the start; None for a rule no date satisfies."""
    changes: dict[str, Any] = {"until": None, "rscale": None, "skip": None}
    if (recur.skip or "OMIT").upper() == "BACKWARD" and not recur.byday:
        days = recur.bymonthday
        if len(days) == 1 and days[0] >= 29 and not recur.bysetpos:
            changes.update(bymonthday=tuple(range(28, days[0] + 1)), bysetpos=(-1,))
    for name, value in (("INTERVAL", recur.interval), ("COUNT", recur.count)):
        if value is not None and value < 1:
            raise ExpansionError(f"{name}={value} is invalid")  # INTERVAL=0 loops forever in dateutil
    parts = replace(recur, **changes)
    if _impossible(parts):
        return None
    text = recur_text(parts)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = rrulestr(text, dtstart=base)
        except (ValueError, TypeError, KeyError, IndexError) as exc:
            raise ExpansionError(f"unreadable RRULE {text!r}: {exc}") from None
        until = m.plain(recur.until)
        if until is not None:
            if not isinstance(until, datetime):
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


def exrule_exclusions(exrules: Iterable[m.Recur], base: datetime, last: datetime, *,
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
        if refuse_search and (recur.byyearday or recur.byweekno):
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


def series_set(event: m.Event, base: datetime) -> rruleset:
    """The starts of a series as dateutil sees them: its RRULEs, DTSTART (RFC 5545 3.8.5.3
    always counts it) and its RDATEs aligned to the start; no EXRULE or EXDATE."""
    series = rruleset()
    for recur in event.rrules:
        rule = dateutil_rule(recur, base)
        if rule is not None:
            series.rrule(rule)
    series.rdate(base)
    for line in event.rdates:
        for item in line.values:
            value = align(item, base)
            if value is not None:
                series.rdate(value)
    return series
