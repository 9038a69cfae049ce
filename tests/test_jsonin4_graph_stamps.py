"""Graph's CREATED / LAST-MODIFIED / DTSTAMP values memoised per fixed-offset instant
(``graph.to_ical._utc_stamp``, issue 12 round 4) give what converting each value gives:
``time_value(value.astimezone(UTC).replace(microsecond=0))``.

Held on generated instants (fixed offsets, UTC, zoneinfo zones at ambiguous wall times with
both folds — equal as datetimes, different instants — and fractions) read twice (the second
time from the memo), and on the conversion of every Graph JSON of the corpus and generated
events with the memo forgetting everything (the same bytes, report and errors).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from ics_bridge.build import time_value
from ics_bridge.providers.graph import to_ical
from test_graphin_fastpath import _Forgetful, _convert, _payloads


def _reference(value: datetime) -> Any:
    return time_value(value.astimezone(timezone.utc).replace(microsecond=0))


def _instants(rng: random.Random, n: int) -> list[datetime]:
    zones: list[Any] = [timezone.utc, timezone(timedelta(hours=2)), timezone(timedelta(hours=-5, minutes=-30)),
                        ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York")]
    out = []
    for _ in range(n):
        wall = datetime(2026, 10, 25, 2, 30) if rng.random() < 0.2 else \
            datetime(2020, 1, 1) + timedelta(seconds=rng.randrange(10 ** 9), microseconds=rng.choice([0, 0, 999999]))
        out.append(wall.replace(tzinfo=rng.choice(zones), fold=rng.choice([0, 1])))
    return out


def test_stamp_memo_gives_the_reference() -> None:
    values = _instants(random.Random(4), 5000)
    values += [datetime(2026, 10, 25, 2, 30, tzinfo=ZoneInfo("Europe/Berlin"), fold=f) for f in (0, 1, 0, 1)]
    for _ in range(2):  # the second time from the memo
        for value in values:
            got, want = to_ical._utc_stamp(value), _reference(value)
            assert (got, got.dt.tzinfo, got.zone) == (want, want.dt.tzinfo, want.zone), value


def test_conversions_without_the_memo_are_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    payloads = _payloads()
    fast = [_convert(p) for p in payloads]
    monkeypatch.setattr(to_ical, "_stamps", _Forgetful())
    assert [_convert(p) for p in payloads] == fast
