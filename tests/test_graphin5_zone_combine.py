"""Graph→hub date-times put in a zone with ``datetime.combine`` instead of the keyword
``replace`` (``graph.to_ical._with_zone`` / ``_on_day``, issue 12, speed round 5) are the
values ``replace`` gives: equal, the same tzinfo object, the same fold (an ambiguous wall time
names another instant with fold=1) and the same type; and whole conversions of the corpus and
generated Graph events give the same bytes, report and errors with the reference expressions."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from ics_bridge.providers.graph import to_ical
from test_graphin_fastpath import _convert, _payloads


class _Moment(datetime):
    pass


_ZONES: list[tzinfo | None] = [None, timezone.utc, timezone(timedelta(hours=5, minutes=30)), ZoneInfo("Europe/Berlin"),
                               ZoneInfo("America/New_York"), ZoneInfo("Australia/Lord_Howe")]


def _walls(rng: random.Random, n: int) -> list[datetime]:
    out: list[datetime] = []
    for _ in range(n):
        wall = datetime(2026, 10, 25, 2, 30) if rng.random() < 0.2 else \
            datetime(1, 1, 2) + timedelta(seconds=rng.randrange(10 ** 11), microseconds=rng.randrange(10 ** 6))
        wall = wall.replace(fold=rng.choice([0, 1]), tzinfo=rng.choice(_ZONES))
        out.append(_Moment.combine(wall, wall.timetz()) if rng.random() < 0.1 else wall)
    return out


def _same(got: datetime, want: datetime) -> None:
    assert (got, got.tzinfo, got.fold, type(got), got.replace(tzinfo=None)) == \
        (want, want.tzinfo, want.fold, type(want), want.replace(tzinfo=None)), (got, want)
    assert got.tzinfo is want.tzinfo


def test_with_zone_is_replace() -> None:
    rng = random.Random(5)
    for wall in _walls(rng, 5000):
        tz = rng.choice(_ZONES)
        _same(to_ical._with_zone(wall, tz), wall.replace(tzinfo=tz))  # type: ignore[arg-type]


def test_on_day_is_the_two_replaces() -> None:
    rng = random.Random(6)
    for start in _walls(rng, 5000):
        day: date = rng.choice([date(2026, 10, 25), date(2024, 2, 29), start.date(), datetime(2026, 3, 29, 7)])
        want = datetime.combine(day, start.timetz().replace(tzinfo=None)).replace(tzinfo=start.tzinfo)
        _same(to_ical._on_day(day, start), want)


def _reference_with_zone(wall: datetime, tz: Any) -> datetime:
    return wall.replace(tzinfo=tz)


def _reference_on_day(day: date, start: datetime) -> datetime:
    return datetime.combine(day, start.timetz().replace(tzinfo=None)).replace(tzinfo=start.tzinfo)


def test_conversions_with_the_reference_expressions_are_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    payloads = _payloads()
    fast = [_convert(p) for p in payloads]
    monkeypatch.setattr(to_ical, "_with_zone", _reference_with_zone)
    monkeypatch.setattr(to_ical, "_on_day", _reference_on_day)
    assert [_convert(p) for p in payloads] == fast
