"""The fast paths of issue 12's speed round give what the straightforward code gives.

* ``gcpause``: the collector is paused inside, and its state is what it was afterwards (nested,
  on an exception, when the caller had turned it off).
* ``timezones._simple_occurrences``: the occurrences dateutil's ``rrulestr`` gives, for every
  rule it accepts (checked on generated rules, the years 1 and 9999 and days 29–31 included).
* ``jsonio.too_deep``: the verdict of the recursive definition on generated values.
"""

from __future__ import annotations

import gc
import random
from datetime import datetime, timedelta
from typing import Any, Iterable

import pytest
from dateutil.rrule import rrulestr

from ics_bridge.gcpause import gc_paused, paused_gc
from ics_bridge.io.jsonio import too_deep
from ics_bridge.timezones import _simple_occurrences


@pytest.fixture()
def collector_on() -> Iterable[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_paused_inside_and_restored_after(collector_on: None) -> None:
    with paused_gc():
        assert not gc.isenabled()
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer step is still running
    assert gc.isenabled()


def test_restored_after_an_exception(collector_on: None) -> None:
    @gc_paused
    def fails() -> None:
        assert not gc.isenabled()
        raise ValueError("boom")

    with pytest.raises(ValueError):
        fails()
    assert gc.isenabled()


def test_a_caller_who_turned_it_off_keeps_it_off(collector_on: None) -> None:
    gc.disable()
    with paused_gc():
        pass
    assert not gc.isenabled()


def _first(items: Iterable[datetime], n: int = 50) -> list[Any]:
    """What ``timezones._moved_occurrences`` looks at: the first ``n`` occurrences, up to an
    error (which ends its comparison like the end of the rule does)."""
    out: list[Any] = []
    try:
        for count, item in enumerate(items):
            if count >= n:
                break
            out.append(item)
    except (ValueError, TypeError, OverflowError):
        pass
    return out


def _rules(rnd: random.Random, count: int) -> Iterable[tuple[str, datetime]]:
    for _ in range(count):
        parts = [f"FREQ={rnd.choice(['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'])}"]
        if rnd.random() < 0.5:
            parts.append(f"INTERVAL={rnd.randint(1, 30)}")
        start = datetime(rnd.choice([1, 2, 1999, 2024, 9998, 9999]), rnd.randint(1, 12), rnd.randint(1, 28),
                         rnd.randint(0, 23), rnd.choice([0, 30]), rnd.choice([0, 15]))
        if rnd.random() < 0.1:
            try:
                start = start.replace(day=rnd.choice([29, 30, 31]))
            except ValueError:
                pass
        kind = rnd.random()
        if kind < 0.4:
            parts.append(f"COUNT={rnd.randint(1, 80)}")
        elif kind < 0.8:
            try:
                until = start + timedelta(days=rnd.randint(-5, 3000))
            except OverflowError:
                until = datetime(9999, 12, 31, 23, 59, 59)
            parts.append(f"UNTIL={until.year:04}{until.month:02}{until.day:02}T{until:%H%M%S}")
        if rnd.random() < 0.2:
            parts.append("WKST=SU")
        rnd.shuffle(parts)
        yield ";".join(parts), start


def test_stepped_rules_give_dateutils_occurrences() -> None:
    checked = 0
    for text, start in _rules(random.Random(12), 3000):
        simple = _simple_occurrences(text, start)
        if simple is None:
            continue
        checked += 1
        assert _first(simple) == _first(rrulestr(text, dtstart=start)), (text, start)
    assert checked > 2500


@pytest.mark.parametrize("text", ["FREQ=WEEKLY;BYDAY=MO,WE", "FREQ=MONTHLY;BYMONTHDAY=-1", "FREQ=HOURLY;COUNT=3",
                                  "FREQ=DAILY;COUNT=3;UNTIL=20250101T000000", "FREQ=DAILY;COUNT=2;COUNT=3",
                                  "freq=daily;count=3", "FREQ=YEARLY;BYMONTH=2"])
def test_other_rules_are_left_to_dateutil(text: str) -> None:
    assert _simple_occurrences(text, datetime(2024, 1, 31, 9)) is None


def test_a_month_end_or_leap_day_start_is_left_to_dateutil() -> None:
    assert _simple_occurrences("FREQ=MONTHLY;COUNT=5", datetime(2024, 1, 29, 9)) is None
    assert _simple_occurrences("FREQ=YEARLY;COUNT=5", datetime(2024, 2, 29, 9)) is None
    assert _simple_occurrences("FREQ=MONTHLY;COUNT=5", datetime(2024, 1, 28, 9)) is not None


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


def test_too_deep_is_the_nesting_depth_over_the_limit() -> None:
    rnd = random.Random(3)

    def make(depth: int) -> Any:
        if depth == 0:
            return rnd.choice([1, "x", None, [], {}])
        kind = rnd.random()
        if kind < 0.4:
            return [make(depth - 1) for _ in range(rnd.randint(0, 3))]
        if kind < 0.8:
            return {str(i): make(depth - 1) for i in range(rnd.randint(0, 3))}
        return 5

    for _ in range(2000):
        value, limit = make(rnd.randint(0, 9)), rnd.randint(0, 8)
        assert too_deep(value, limit) == (_depth(value) > limit), (value, limit)
