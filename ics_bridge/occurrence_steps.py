"""Whether a value is an occurrence of a series, by arithmetic, for the common rules.

Why: matching an EXDATE to its occurrence (``occurrences.Occurrences.match``, RFC 5545
3.8.5.1) built dateutil's rule set and expanded it up to the value, for each series with an
EXDATE — most of the time the Graph writer spent on cancellations.  A rule with nothing but
FREQ (DAILY to YEARLY), INTERVAL, COUNT or UNTIL (and WKST, and a WEEKLY BYDAY naming DTSTART's
own day, which change nothing then) is DTSTART stepped by whole periods (RFC 5545 3.3.10: the
missing parts are taken from DTSTART), so membership is a division.  Monthly steps from a day
every month has (≤ 28) and yearly ones not from 29 February only: otherwise dateutil skips
periods and COUNT counts differently.

The answer is dateutil's, value for value: comparisons are of wall-clock times in the series
zone (aware values in one tzinfo compare so: a DST gap's wall time is an occurrence as dateutil
yields it), UNTIL aligned as ``expansion.dateutil_rule`` aligns it, the occurrence returned as
dateutil builds it (DTSTART's time in its tzinfo, ``fold`` 0), DTSTART itself for the first.
``tests/test_graphout_fastpath.py`` holds it to the expansion on generated rules and values.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from . import model as m
from .expansion import align

#: Returned when the arithmetic cannot tell: the caller expands the rule.
UNKNOWN: Any = object()
# Steps whose next occurrence could pass year 9999 (dateutil's end) are left to dateutil.
_MAX_INTERVAL = {"DAILY": 36_500, "WEEKLY": 5_200, "MONTHLY": 1_200, "YEARLY": 100}
_LAST_YEAR = 9_000


class Steps:
    """The occurrences of a one-rule series as DTSTART stepped by ``interval`` periods."""

    __slots__ = ("base", "freq", "interval", "count", "until", "wall", "limit")

    def __init__(self, base: datetime, freq: str, interval: int, count: int | None, until: datetime | None,
                 limit: int) -> None:
        self.base = base
        self.wall = base.replace(tzinfo=None)
        self.freq = freq
        self.interval = interval
        self.count = count
        self.until = until  # wall-clock, as dateutil compares it
        self.limit = limit  # the expansion's bound: a value past that many occurrences is unknown

    @classmethod
    def of(cls, master: m.Event, base: datetime, limit: int) -> "Steps | None":
        """The steps of ``master`` expanded from ``base`` (``occurrences.series_base``), or None
        when its recurrence is not one rule of the common shape."""
        if len(master.rrules) != 1 or master.rdates or base.microsecond:
            return None
        rule = master.rrules[0]
        freq = rule.freq
        if freq not in _MAX_INTERVAL or rule.bysecond or rule.byminute or rule.byhour or rule.bymonthday \
                or rule.byyearday or rule.byweekno or rule.bymonth or rule.bysetpos or rule.rscale or rule.skip \
                or rule.other or (rule.wkst is not None and rule.wkst not in m.WEEKDAYS):
            return None
        if rule.byday and (freq != "WEEKLY" or rule.byday != (m.WeekdayNum(0, m.WEEKDAYS[base.weekday()]),)):
            return None
        interval = 1 if rule.interval is None else rule.interval
        if not 1 <= interval <= _MAX_INTERVAL[freq] or (rule.count is not None and rule.count < 1):
            return None
        if (freq == "MONTHLY" and base.day > 28) or (freq == "YEARLY" and (base.month, base.day) == (2, 29)):
            return None
        until = m.plain(rule.until)
        aligned = None
        if until is not None:  # as expansion.dateutil_rule: a DATE is its last second; COUNT is then dropped
            if not isinstance(until, datetime):
                until = datetime.combine(until, time(23, 59, 59))
            aligned = align(until, base)
        if aligned is not None and (aligned.tzinfo is None) != (base.tzinfo is None):
            return None
        return cls(base, freq, interval, None if aligned is not None else rule.count,
                   aligned.replace(tzinfo=None) if aligned is not None else None, limit)

    def match(self, target: datetime) -> Any:
        """The occurrence at ``target`` (a value ``Occurrences.instant`` aligned), None when there
        is none, :data:`UNKNOWN` when the arithmetic leaves it to the expansion."""
        if (target.tzinfo is None) != (self.base.tzinfo is None) or target.year > _LAST_YEAR:
            return UNKNOWN
        wall, first = target.replace(tzinfo=None), self.wall
        if wall == first:
            return self.base  # DTSTART is always an occurrence (RFC 5545 3.8.5.3)
        if wall < first:
            return None
        day, start, freq = wall.date(), first.date(), self.freq
        if freq == "DAILY" or freq == "WEEKLY":
            periods, off = divmod((day - start).days, 7 if freq == "WEEKLY" else 1)
        elif freq == "MONTHLY":
            periods, off = (day.year - start.year) * 12 + day.month - start.month, day.day != start.day
        else:
            periods, off = day.year - start.year, (day.month, day.day) != (start.month, start.day)
        k, rest = divmod(periods, self.interval)
        if k >= self.limit - 2 and (self.count is None or self.count >= self.limit - 2):
            return UNKNOWN  # as many occurrences before it as the expansion walks: not told there
        if off or rest or wall.time() != first.time():
            return None
        if self.until is not None:
            if wall > self.until:
                return None
        elif self.count is not None and k >= self.count:
            return None
        return datetime(wall.year, wall.month, wall.day, first.hour, first.minute, first.second,
                        tzinfo=self.base.tzinfo)
