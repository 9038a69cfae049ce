"""``vevent.alarm_reading``'s memo of start-relative alarms (graphout5; since alarms6 the one
memo both mappers use, keyed by the whole alarm) held to a fresh reading of each alarm
(``vevent.read_event_alarm``): the readings themselves, and the Graph and Google mappings (items
and loss reports, every profile) with the memo on against it off, on the corpus and on
generated events whose alarms repeat within an event (equal alarms share one reading: Graph's
choice of its one reminder goes by position) and across events, with every kind of trigger."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from ics_bridge import hub, vevent
from ics_bridge import model as m
from ics_bridge.providers.google import from_ical as google_out
from ics_bridge.providers.graph import from_ical

from test_graphout_fastpath import OPTIONS, SOURCES, _hub
from test_mapout3_fastpath import GOOGLE_OPTIONS, _google, _graph

_ZONE = ZoneInfo("America/New_York")
_ACTIONS = [None, "DISPLAY", "AUDIO", "EMAIL", "display", "X-ODD"]
_OFFSETS = [timedelta(minutes=-15), timedelta(0), timedelta(minutes=10), timedelta(hours=-1, seconds=-30),
            timedelta(days=-2), timedelta(minutes=-15)]


def _trigger(rng: random.Random) -> m.Trigger | None:
    kind = rng.random()
    if kind < 0.6:
        return m.Trigger(rng.choice(_OFFSETS), related=rng.choice(["START", "START", "END", "start"]))
    if kind < 0.8:
        at = datetime(2026, 3, 2, rng.choice([7, 8, 10]), 0, tzinfo=timezone.utc)
        return m.Trigger(None, at=m.ZonedDateTime(at, m.Zone("utc", "UTC", "UTC")))
    return None


def _alarm(rng: random.Random) -> m.Alarm:
    other: tuple[m.Line, ...] = ()
    if rng.random() < 0.15:
        other = (m.Line(hub.X_GOOGLE_DEFAULT_ALARM, (), rng.choice(["TRUE", "false"]), ""),)
    elif rng.random() < 0.05:
        other = (m.Line("TRIGGER", (), "bogus", "TRIGGER:bogus"),)
    return m.Alarm(action=rng.choice(_ACTIONS), trigger=_trigger(rng), description="x", other=other)


def _generated(n: int, seed: int) -> list[m.Series]:
    rng = random.Random(seed)
    pool = [_alarm(rng) for _ in range(12)]  # alarms repeat, as objects and as equal values
    out = []
    for i in range(n):
        uid = f"alarm-{seed}-{i}@example.com"
        start: Any = m.ZonedDateTime(datetime(2026, 3, 2, 9, 0, tzinfo=_ZONE), m.Zone("iana", "America/New_York",
                                                                                      "America/New_York"))
        if rng.random() < 0.2:
            start = date(2026, 3, 2)
        alarms = tuple(rng.choice(pool) if rng.random() < 0.7 else _alarm(rng) for _ in range(rng.choice([0, 1, 1, 2, 3])))
        duration = rng.choice([None, timedelta(hours=1), timedelta(days=1)])
        out.append(m.Series(uid, m.Event(uid=uid, start=start, duration=duration, summary="alarm", alarms=alarms)))
    return out


def _fresh(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(from_ical, "alarm_reading", vevent.read_event_alarm)
    mp.setattr(google_out, "alarm_reading", vevent.read_event_alarm)


def _compare(cal: m.Calendar | list[m.Series], monkeypatch: pytest.MonkeyPatch, label: str) -> None:
    for mapper, all_options in ((_graph, OPTIONS), (_google, GOOGLE_OPTIONS)):
        for options in all_options:
            vevent._READINGS.clear()
            fast, again = mapper(cal, options), mapper(cal, options)
            with monkeypatch.context() as mp:
                _fresh(mp)
                reference = mapper(cal, options)
            assert fast == reference, f"{label} {options}"
            assert again == fast, f"{label} {options}: a second run differs"


@pytest.mark.parametrize("fmt,path", SOURCES, ids=[f"{f}:{p.name}" for f, p in SOURCES])
def test_mappings_equal_fresh_readings_on_corpus(fmt: str, path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _compare(_hub(fmt, path), monkeypatch, path.name)


@pytest.mark.parametrize("seed", range(3))
def test_mappings_equal_fresh_readings_on_generated(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    _compare(_generated(300, seed), monkeypatch, f"generated {seed}")


@pytest.mark.parametrize("seed", range(3))
def test_memoised_reading_equals_fresh_reading(seed: int) -> None:
    """Each alarm against every event time (the memo filled by other events first), and the
    memo answers for most of them (not vacuous)."""
    rng = random.Random(seed)
    zoned = m.Zone("iana", "America/New_York", "America/New_York")
    floating = m.Zone("floating")
    events = [m.Event(uid="none"),
              m.Event(uid="day", start=date(2026, 3, 2), end=date(2026, 3, 3)),
              m.Event(uid="zoned", start=m.ZonedDateTime(datetime(2026, 3, 2, 9, tzinfo=_ZONE), zoned),
                      end=m.ZonedDateTime(datetime(2026, 3, 2, 10, tzinfo=_ZONE), zoned)),
              m.Event(uid="floating", start=m.ZonedDateTime(datetime(2026, 3, 2, 9), floating)),
              m.Event(uid="duration", start=m.ZonedDateTime(datetime(2026, 3, 2, 9, tzinfo=_ZONE), zoned),
                      duration=timedelta(hours=2))]
    vevent._READINGS.clear()
    hits = 0
    for _ in range(3000):
        alarm, event = _alarm(rng), rng.choice(events)
        hits += alarm in vevent._READINGS
        assert vevent.alarm_reading(alarm, event) == vevent.read_event_alarm(alarm, event), (alarm, event)
    assert hits > 1000, hits
