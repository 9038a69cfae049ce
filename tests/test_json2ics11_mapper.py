"""Round 11 (json2ics11) shortcuts of the Graph mapper (``providers/graph/to_ical.py``) held to
what they replace, on the Graph JSON of the corpus, the documentation examples, samples,
producers and generated (mutated) events: ``_sent`` (the stash's fields sent, without the set
``model_fields_set`` makes) to ``model_fields_set`` of the stand-in and of pydantic's model."""

from __future__ import annotations

from typing import Any

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
