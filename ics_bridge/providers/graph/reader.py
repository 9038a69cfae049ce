"""Graph JSON (single event, list/delta response, array) → validated :class:`Event` models."""

from __future__ import annotations

from typing import Any, Iterator

from pydantic import ValidationError

from ...errors import InputError
from ...wire import input_error
from ...io.jsonio import items
from .model import Event


def parse_event(raw: dict[str, Any]) -> Event:
    """One Graph event, or an :class:`InputError` naming the event and the field."""
    try:
        return Event.model_validate(raw)
    except ValidationError as exc:
        ident = raw.get("iCalUId") or raw.get("id") or raw.get("Id") or raw.get("subject") or raw.get("Subject")
        raise input_error(exc, ident) from None


def read_events(data: Any) -> Iterator[Event | InputError]:
    """Every event of a Graph payload; a bad item yields its error and the rest go on."""
    for raw in items(data):
        try:
            yield parse_event(raw)
        except InputError as err:
            yield err
