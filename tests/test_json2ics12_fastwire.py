"""Round 12's fast paths of the pydantic-free Graph and Google reading (``providers/*/fastwire``)
held to the paths they replace: Graph's ``_dtz`` and Google's ``_date_time`` (``start``/``end``
read in line) to the general object readers ``_dtz_any`` and ``_date_time_any``, and Graph's the shared objects' memo key (the JSON text made in the check) to
``model._key``'s rule — a text holding ``null`` (NaN is written so) is never remembered, so
``NaN`` and ``null`` coordinates, and every other pair of values one text could stand for, are
each read for themselves."""

from __future__ import annotations

import copy
import random
from typing import Any, Iterator

from ics_bridge.providers.fastwire_checks import NO
from ics_bridge.providers.google import fastwire as google_fastwire
from ics_bridge.providers.graph import fastwire
from ics_bridge.providers.graph.model import Location, _key
import test_googlein3_fastwire as google
from test_graphfast6_fastwire import BASES, CORPUS_EVENTS, GENERATED, ODD, _check, _same
from test_graphin_fastpath import _generated_events


def _dtz_values(events: list[Any]) -> Iterator[Any]:
    """Every ``start``/``end`` value of the events (any type), and the proposed new times'."""
    for raw in events:
        if not isinstance(raw, dict):
            continue
        for name in ("start", "end"):
            if name in raw:
                yield raw[name]
        attendees = raw.get("attendees")
        for att in attendees if isinstance(attendees, list) else []:
            slot = att.get("proposedNewTime") if isinstance(att, dict) else None
            if isinstance(slot, dict):
                yield from (slot.get("start"), slot.get("end"))


GRAPH_TIME = {"dateTime": "2026-03-02T09:00:00.0000000", "timeZone": "W. Europe Standard Time"}
GOOGLE_TIME = {"dateTime": "2026-03-02T09:00:00+01:00", "timeZone": "Europe/Berlin"}


def _odd_dtz(base: dict[str, Any] = GRAPH_TIME) -> Iterator[Any]:
    """The provider's shape with each member replaced by each odd value, removed, doubled by an
    extra member or an annotation, in both member orders."""
    yield base
    yield {"timeZone": base["timeZone"], "dateTime": base["dateTime"]}
    for name in base:
        yield {k: v for k, v in base.items() if k != name}
        for odd in ODD:
            yield {**base, name: odd}
            yield {name: odd, **{k: v for k, v in base.items() if k != name}}
        yield {**base, "@odata.type": "x"}
        yield {**base, "surprise": "x"}
    yield {"dateTime": "2026-03-02T09:00:00.0000000", "timeZone": None}
    yield {"dateTime": "not a time", "timeZone": "UTC"}


def _same_reading(value: Any, fast_path: Any = fastwire._dtz, general_path: Any = fastwire._dtz_any) -> None:
    fast, general = fast_path(copy.deepcopy(value)), general_path(copy.deepcopy(value))
    if general is NO:
        assert fast is NO, value
        return
    assert type(fast) is type(general), value
    assert list(fast.__dict__.items()) == list(general.__dict__.items()), value  # member order too
    if hasattr(general, "model_dump"):  # Graph's stand-ins dump and compare as models do
        assert repr(fast.model_dump()) == repr(general.model_dump()) and fast == general, value
    if hasattr(general, "naive"):
        assert fast.naive() == general.naive(), value


def test_start_and_end_read_as_the_general_reader_reads_them() -> None:
    generated = _generated_events(random.Random(12), 300)
    values = [*_dtz_values(CORPUS_EVENTS), *_dtz_values(generated), *_dtz_values(GENERATED), *_odd_dtz()]
    assert len(values) > 1000
    for value in values:
        _same_reading(value)


def test_events_with_odd_start_and_end_still_read_as_pydantic_reads_them() -> None:
    for base in BASES:
        for name in ("start", "end"):
            for value in _odd_dtz():
                _check({**base, name: value})


def _location(latitude: Any) -> dict[str, Any]:
    return {"displayName": "HQ", "coordinates": {"latitude": latitude, "longitude": 1.5}}


def test_a_shared_object_whose_text_holds_null_is_read_for_itself() -> None:
    """``NaN`` and ``null`` give one JSON text: whichever comes first, the other is its own."""
    nan = float("nan")
    for order in ((nan, None), (None, nan), (None, None, nan, nan)):
        for latitude in order:
            raw = _location(latitude)
            got = fastwire._location(raw)
            _same(got, Location.model_validate(raw), f"location {latitude!r}")
    assert _key(_location(None)) == repr(_location(None))  # model._key's rule: not a remembered text


def test_shared_objects_are_remembered_by_model_key_text() -> None:
    """An object of plain JSON types (no null) is read once: the next equal one is that object."""
    for raw in ({"emailAddress": {"name": "Ana", "address": "ana@example.org"}},):
        assert type(_key(raw)) is bytes
        assert fastwire._recipient(raw) is fastwire._recipient(copy.deepcopy(raw))
    for odd in (1, 1.0, True, "1"):  # one hashable text each, read for itself
        raw = {"emailAddress": {"name": odd, "address": "a@example.org"}}
        got = fastwire._recipient(raw)
        assert got is NO or got.emailAddress.name == odd and type(got.emailAddress.name) is type(odd)


def test_google_start_and_end_read_as_the_general_reader_reads_them() -> None:
    values = [e.get(name) for e in [*google.CORPUS_EVENTS, *google.GENERATED] for name in ("start", "end",
                                                                                            "originalStartTime")]
    values += [*_odd_dtz(GOOGLE_TIME), {"dateTime": "2026-03-02T09:00:00Z", "timeZone": "UTC"},
               {"dateTime": "2026-03-02", "timeZone": "UTC"}, {"date": "2026-03-02", "timeZone": "UTC"}]
    assert len(values) > 500
    for value in values:
        _same_reading(value, google_fastwire._date_time, google_fastwire._date_time_any)


def test_google_events_with_odd_start_and_end_still_read_as_pydantic_reads_them() -> None:
    for base in google.BASES:
        for name in ("start", "end"):
            for value in _odd_dtz(GOOGLE_TIME):
                google._check({**base, name: value})
