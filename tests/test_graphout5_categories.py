"""Graph ``categories`` (graphout5: the list is built only for an event with CATEGORIES lines)
is what it was: every category of every CATEGORIES line in order, and no key when there is none
(no line, or lines holding no value), in both profiles."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pytest

from ics_bridge import model as m
from ics_bridge.providers.graph import from_ical
from ics_bridge.report import Report

from test_graphout_fastpath import OPTIONS

_START = m.ZonedDateTime(datetime(2026, 3, 2, 9, tzinfo=timezone.utc), m.Zone("utc", "UTC", "UTC"))
_LISTS = [(), ("Work",), ("Work", "Zoë"), ("a,b", ""), ("",)]


@pytest.mark.parametrize("seed", range(2))
def test_categories_are_every_value_of_every_line(seed: int) -> None:
    rng = random.Random(seed)
    written = absent = 0
    for i in range(400):
        lines = tuple(m.TextList(rng.choice(_LISTS)) for _ in range(rng.choice([0, 0, 1, 2, 3])))
        event = m.Event(uid=f"c{i}", start=_START, duration=timedelta(hours=1), categories=lines)
        want = [value for line in lines for value in line.values]
        for options in OPTIONS:
            item = from_ical.calendar_to_events([m.Series(f"c{i}", event)], Report(), options)[0]
            assert item.get("categories") == (want or None) and ("categories" in item) == bool(want), lines
        written += bool(want)
        absent += bool(lines) and not want
    assert written > 100 and absent > 10  # lines without values were among them
