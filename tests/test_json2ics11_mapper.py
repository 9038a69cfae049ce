"""Round 11 (json2ics11) shortcuts of the Graph mapper (``providers/graph/to_ical.py``) held to
what they replace, on the Graph JSON of the corpus, the documentation examples, samples,
producers and generated (mutated) events: ``_sent`` (the stash's fields sent, without the set
``model_fields_set`` makes) to ``model_fields_set`` of the stand-in and of pydantic's model;
``build.with_zone`` (``datetime.combine``) to ``replace(tzinfo=…)`` and Google's
``EventDateTime.instant`` that uses it to the one it replaces, on generated date-times (folds,
DST gaps and repeats, offsets that disagree with the zone, a subclass)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from ics_bridge.build import with_zone
from ics_bridge.providers.google.model import EventDateTime, parse_rfc3339
from ics_bridge.providers.graph import model as gm
from ics_bridge.providers.graph import to_ical
from ics_bridge.providers.graph.fastwire import fast_event
from ics_bridge.providers.graph.model import Event
from test_graphfast6_fastwire import CORPUS_EVENTS, GENERATED


def _events() -> list[tuple[Any, Event]]:
    """(stand-in, pydantic's model) of every event the fast path takes."""
    out = []
    for raw in [*CORPUS_EVENTS, *GENERATED]:
        fast = fast_event(raw)
        if fast is not None:
            out.append((fast, Event.model_validate(raw)))
    return out


EVENTS = _events()


def test_sent_fields_are_the_fields_set_the_stash_asks_for() -> None:
    assert len(EVENTS) > 500
    for fast, model in EVENTS:
        fields = set(Event.model_fields)
        assert fields.intersection(to_ical._sent(fast)) == fields & model.model_fields_set == fields & fast.model_fields_set
        assert to_ical._STASHED_SET.intersection(to_ical._sent(fast)) == to_ical._STASHED_SET & model.model_fields_set
        assert to_ical._sent(model) == model.model_fields_set


def _datetimes(rnd: random.Random, count: int) -> list[datetime]:
    """Naive and aware date-times, folds 0 and 1 (the repeated hour of a DST end), a subclass."""
    out: list[datetime] = []
    for _ in range(count):
        value = datetime(rnd.choice([1, 1900, 2024, 2025, 9999]), rnd.randint(1, 12), rnd.randint(1, 28),
                         rnd.randint(0, 23), rnd.choice([0, 30, 59]), rnd.choice([0, 1]), rnd.choice([0, 123456]),
                         fold=rnd.choice([0, 1]))
        kind = rnd.random()
        if kind < 0.3:
            value = value.replace(tzinfo=rnd.choice(_ZONES))
        elif kind < 0.4:
            value = _Sub.fromisoformat(value.isoformat())
        out.append(value)
    out += [datetime(2025, 10, 26, 2, 30, fold=1), datetime(2025, 3, 30, 2, 30)]  # Berlin: the hour repeated, skipped
    return out


class _Sub(datetime):
    """A caller's datetime subclass: ``replace`` keeps its type."""


_ZONES = [timezone.utc, timezone(timedelta(hours=5, minutes=30)), ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York"),
          ZoneInfo("Asia/Tokyo")]


def test_with_zone_is_replace() -> None:
    for value in _datetimes(random.Random(11), 3000):
        for tz in _ZONES:
            got, want = with_zone(value, tz), value.replace(tzinfo=tz)
            assert (type(got), got.fold, got.tzinfo, got.replace(tzinfo=None)) == \
                (type(want), want.fold, want.tzinfo, want.replace(tzinfo=None))


def _instant_reference(edt: EventDateTime, zone: tzinfo | None) -> tuple[datetime, str | None]:
    """``EventDateTime.instant`` as written before round 11 (keyword ``replace`` calls)."""
    assert edt.dateTime is not None
    parsed = parse_rfc3339(edt.dateTime)
    if parsed.microsecond:
        parsed = parsed.replace(microsecond=0)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=zone or timezone.utc), None
    if zone is None:
        return parsed.astimezone(timezone.utc), None
    local = parsed.astimezone(zone)
    note = None
    wall = parsed.replace(tzinfo=zone)
    if wall.utcoffset() != parsed.utcoffset():
        note = (f"offset {parsed.isoformat()} disagrees with {edt.timeZone}; the instant is taken from the offset "
                f"({local.isoformat()})")
    return local, note


def test_google_instant_is_the_reference() -> None:
    rnd = random.Random(5)
    texts = [v.replace(tzinfo=None).isoformat() for v in _datetimes(rnd, 500)]
    texts += [f"{t}{rnd.choice(['Z', '+01:00', '+02:00', '-05:00', '+09:00'])}" for t in texts]
    texts += ["2025-10-26T02:30:00+01:00", "2025-10-26T02:30:00+02:00", "2025-03-30T02:30:00+01:00", "2026-01-02T03:04:05.5Z"]
    for text in texts:
        edt = EventDateTime(dateTime=text, timeZone="Europe/Berlin")
        for zone in [None, *_ZONES]:
            assert _outcome(edt.instant, zone) == _outcome(lambda z: _instant_reference(edt, z), zone), (text, zone)


def _outcome(instant: Any, zone: tzinfo | None) -> tuple[Any, ...]:
    """The value, its zone object and fold, and the note; or the error raised (years 1 and 9999)."""
    try:
        value, note = instant(zone)
    except (OverflowError, ValueError) as err:
        return ("raised", type(err).__name__)
    return value, id(value.tzinfo), value.fold, note


def test_graph_datetime_memo_is_the_parse() -> None:
    """``parse_graph_datetime`` (a memo looked up without a KeyError) is ``_parse_graph_datetime``,
    at first sight and again; the sentinel's None is remembered as a value."""
    rnd = random.Random(3)
    texts = [f"{v.replace(tzinfo=None).isoformat(timespec=rnd.choice(['seconds', 'microseconds']))}"
             f"{rnd.choice(['', '0', 'Z', '+02:00'])}" for v in _datetimes(rnd, 400)]
    texts += ["0001-01-01T00:00:00Z", "0001-01-01T00:00:00.0000000", "2026-03-02T09:00:00.0000000", " 2026-03-02T09:00:00Z "]
    for text in [*texts, *texts]:
        assert _parsed_or_error(gm.parse_graph_datetime, text) == _parsed_or_error(gm._parse_graph_datetime, text), text


def _parsed_or_error(parse: Any, text: str) -> Any:
    try:
        value = parse(text)
    except ValueError as err:
        return ("raised", str(err))
    return value, None if value is None else value.tzinfo
