"""Graph JSON (single event, list/delta response, array) → validated :class:`Event` models."""

from __future__ import annotations

from typing import Any, Iterator

from pydantic import ValidationError

from ...errors import InputError
from ...gcpause import gc_paused
from ...wire import input_error
from ...io.jsonio import entries, not_an_object
from .fastwire import fast_event
from .model import Event


def parse_event(raw: dict[str, Any]) -> Event:
    """One Graph event: of the common shape, read without pydantic (:mod:`.fastwire`, a stand-in
    the mapper cannot tell from the model); else validated, a ValidationError as an
    :class:`InputError` naming the event and the field."""
    fast = fast_event(raw)
    if fast is not None:
        return fast  # type: ignore[no-any-return]
    try:
        return Event.model_validate(raw)
    except ValidationError as exc:
        ident = raw.get("iCalUId") or raw.get("id") or raw.get("Id") or raw.get("subject") or raw.get("Subject")
        raise input_error(exc, ident) from None


@gc_paused
def read_events(data: Any) -> list[Event | InputError]:
    """Every event of a Graph payload; a bad item (not an object, or a field of the wrong type)
    gives its error, naming its place in the collection, and the rest go on.  A list, validated
    with the cyclic collector paused (:mod:`ics_bridge.gcpause`: pydantic's models are many)."""
    return list(_read_events(data))


def _read_events(data: Any) -> Iterator[Event | InputError]:
    for where, raw in entries(data):
        if not isinstance(raw, dict):
            yield not_an_object(where, raw)
            continue
        try:
            yield parse_event(raw)
        except InputError as err:
            yield err.at(where) if where else err
