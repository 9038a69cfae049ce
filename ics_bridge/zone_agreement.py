"""Where a file's VTIMEZONE and tzdata give the same UTC offset, worked out once per TZID.

Why: a TZID read with tzdata although the file has a VTIMEZONE for it (``timezones``'
``_Resolution.compare_with``: an IANA name with a stale or altered definition, a name that fits,
a zone matched by rules) has every value, and the first 50 occurrences of every series,
converted by both readings to see whether an instant moves.  At 10k events that was most of the
zone step (docs/performance.md).  Both readings are step functions of the wall-clock time: the
VTIMEZONE's offset changes only near its onsets (RFC 5545 3.6.5), tzdata's only near its
transitions (RFC 8536).  Away from those windows both are constant, so one comparison per
stretch settles every value in it; a value inside a window (a skipped or repeated local time,
where ``fold`` matters) or outside the stretches worked out still gets the per-value comparison,
which the caller makes.  So the answers are the per-value path's, only cheaper to reach
(``tests/test_zones_fastpath.py`` holds the two to each other).

Times here are *local seconds*: the wall-clock time as if it were UTC, in seconds since
1970-01-01T00:00 (``timezones._seconds``' scale), whole seconds rounded down.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Callable, Iterable

from .model import WEEKDAYS

DAY = 86400
#: Added on both sides of every window: the readings' own rounding (``int()`` of seconds before
#: 1970 rounds up) and sub-second values stay well inside a window.
MARGIN = 60
#: Spacing of the extra checks inside a stretch (tzdata read by ``zoneinfo`` and by our own
#: TZif reader must agree there; any DST period is longer than this).
SAMPLE_EVERY = 7 * DAY
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
#: RFC 5545 weekday codes → ``date.weekday()`` (also read by ``timezones._simple_occurrences``)
WEEKDAY_NUMBERS = {code: number for number, code in enumerate(WEEKDAYS)}


def local_seconds(local: datetime) -> int:
    """A wall-clock time in local seconds (microseconds dropped, rounded down)."""
    return (local.toordinal() - _EPOCH_ORDINAL) * DAY + local.hour * 3600 + local.minute * 60 + local.second


@dataclass(frozen=True)
class Agreement:
    """The stretches ``[starts[i], ends[i])`` of local seconds where both readings give one
    and the same offset, inside the span ``[lo, hi)`` that was examined."""

    starts: tuple[int, ...]
    ends: tuple[int, ...]
    lo: int
    hi: int

    def holds_at(self, local: datetime) -> bool:
        """Whether both readings surely give ``local`` the same instant (False: compare it)."""
        seconds = (local.toordinal() - _EPOCH_ORDINAL) * DAY + local.hour * 3600 + local.minute * 60 + local.second
        i = bisect.bisect_right(self.starts, seconds) - 1
        return i >= 0 and seconds < self.ends[i]

    def holds_for_series(self, rule: str | None, start: datetime, occurrences: int) -> bool:
        """Whether none of the first ``occurrences`` occurrences of ``rule`` from ``start``
        (DTSTART; only its wall clock is read) can lie where the readings differ.  Only rules whose
        occurrences keep DTSTART's time of day on days this module can enumerate are judged
        (FREQ, INTERVAL, COUNT, UNTIL, WKST; BYDAY for a weekly rule); False otherwise."""
        shape = _shape(rule) if rule is not None else None
        if shape is None or occurrences < 1:
            return False
        freq, step, weekdays = shape
        first = start.toordinal()
        time_of_day = start.hour * 3600 + start.minute * 60 + start.second
        last = _last_day(freq, step, weekdays, start, occurrences)
        if last is None:
            return False
        begin = (first - _EPOCH_ORDINAL) * DAY + time_of_day
        end = (last - _EPOCH_ORDINAL) * DAY + time_of_day
        if begin < self.lo or end >= self.hi:
            return False
        # the regions between stretches that overlap [begin, end]
        i = bisect.bisect_right(self.starts, begin) - 1
        if i < 0 or begin >= self.ends[i]:
            return False  # DTSTART itself lies where the readings may differ: compare them
        for j in range(i, len(self.ends)):
            region_start = self.ends[j]
            if region_start > end:
                return True
            region_end = self.starts[j + 1] if j + 1 < len(self.starts) else self.hi
            first_day = region_start // DAY + _EPOCH_ORDINAL
            last_day = (min(region_end, end + 1) - 1) // DAY + _EPOCH_ORDINAL
            if last_day - first_day > 3:
                return False  # a long disagreement (a stale VTIMEZONE): compare one by one
            for day in range(max(first_day, first), min(last_day, last) + 1):
                at = (day - _EPOCH_ORDINAL) * DAY + time_of_day
                if region_start <= at < region_end and _may_occur(freq, step, weekdays, start, first, day):
                    return False
        return True


def agreement(windows: Iterable[tuple[int, int]], lo: int, hi: int,
              offsets_at: Callable[[int], tuple[int, int]]) -> Agreement:
    """The stretches of ``[lo, hi)`` outside every window ``(a, b)`` (local seconds, both
    ends included; :data:`MARGIN` added) where the two readings agree: ``offsets_at(s)`` gives
    (the VTIMEZONE's offset, tzdata's offset) at local second ``s``.  The windows must hold
    every local time where either reading's offset changes; each stretch is then compared at
    its ends and every :data:`SAMPLE_EVERY` seconds (a stretch that fails is left out)."""
    merged: list[list[int]] = []
    for a, b in sorted(windows):
        a, b = a - MARGIN, b + MARGIN
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    gaps: list[tuple[int, int]] = []
    cursor = lo
    for a, b in merged:
        if a > cursor:
            gaps.append((cursor, min(a, hi)))
        cursor = max(cursor, b + 1)
        if cursor >= hi:
            break
    if cursor < hi:
        gaps.append((cursor, hi))
    starts: list[int] = []
    ends: list[int] = []
    for a, b in gaps:
        if a >= b:
            continue
        points = list(range(a, b, SAMPLE_EVERY)) + [b - 1]
        seen = {offsets_at(p) for p in points}
        if len(seen) == 1 and len(set(next(iter(seen)))) == 1:
            starts.append(a)
            ends.append(b)
    return Agreement(tuple(starts), tuple(ends), lo, hi)


_RULE_PART = re.compile(r"(FREQ)=(DAILY|WEEKLY|MONTHLY|YEARLY)|(INTERVAL)=([1-9][0-9]{0,3})|(COUNT)=([0-9]{1,9})"
                        r"|(UNTIL)=([0-9TZ]{8,16})|(WKST)=(MO|TU|WE|TH|FR|SA|SU)|(BYDAY)=((?:MO|TU|WE|TH|FR|SA|SU)"
                        r"(?:,(?:MO|TU|WE|TH|FR|SA|SU))*)")


@lru_cache(maxsize=4096)
def _shape(rule: str) -> tuple[str, int, frozenset[int] | None] | None:
    """(FREQ, INTERVAL, BYDAY weekdays) of a rule whose occurrences all fall at DTSTART's time
    of day (RFC 5545 3.3.10: no BYHOUR/BYMINUTE/BYSECOND, FREQ of a day or more) on days
    :func:`_may_occur` names; BYDAY only for WEEKLY.  None for any other rule."""
    parts: dict[str, str] = {}
    for part in rule.split(";"):
        found = _RULE_PART.fullmatch(part)
        if found is None:
            return None
        key, value = [g for g in found.groups() if g is not None]
        if key in parts:
            return None
        parts[key] = value
    freq = parts.get("FREQ")
    if freq is None or ("BYDAY" in parts and freq != "WEEKLY"):
        return None
    weekdays = frozenset(WEEKDAY_NUMBERS[d] for d in parts["BYDAY"].split(",")) if "BYDAY" in parts else None
    return freq, int(parts.get("INTERVAL", "1")), weekdays


def _last_day(freq: str, step: int, weekdays: frozenset[int] | None, start: datetime, occurrences: int) -> int | None:
    """An ordinal no earlier than the day of occurrence number ``occurrences``; None where the
    bound is not simple (a monthly day past the 28th, 29 February, past the year 9990)."""
    first = start.toordinal()
    if freq == "DAILY":
        return first + (occurrences - 1) * step
    if freq == "WEEKLY":
        # with BYDAY every period of ``step`` weeks after DTSTART's holds at least one occurrence
        return first + 7 * step * (occurrences - 1 if weekdays is None else occurrences + 1) + 7 * (weekdays is not None)
    if freq == "MONTHLY":
        if start.day > 28:
            return None
        months = start.month - 1 + (occurrences - 1) * step
        year, month = start.year + months // 12, months % 12 + 1
    else:
        if (start.month, start.day) == (2, 29):
            return None
        year, month = start.year + (occurrences - 1) * step, start.month
    return date(year, month, start.day).toordinal() if year <= 9990 else None


def _may_occur(freq: str, step: int, weekdays: frozenset[int] | None, start: datetime, first: int, day: int) -> bool:
    """Whether a rule of :func:`_shape` may have an occurrence on ordinal ``day`` (≥ DTSTART's
    day; a superset: WEEKLY with BYDAY ignores INTERVAL and WKST)."""
    if freq == "DAILY":
        return (day - first) % step == 0
    if freq == "WEEKLY":
        if weekdays is None:
            return (day - first) % (7 * step) == 0
        return (day - 1) % 7 in weekdays  # ordinal 1 (0001-01-01) is a Monday
    found = date.fromordinal(day)
    if found.day != start.day:
        return False
    if freq == "MONTHLY":
        return ((found.year - start.year) * 12 + found.month - start.month) % step == 0
    return found.month == start.month and (found.year - start.year) % step == 0
