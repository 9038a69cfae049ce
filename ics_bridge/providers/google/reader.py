"""Google JSON (one Event, an events.list response, an array, JSON Lines, several list pages) →
validated :class:`Event` models plus the calendar-level :class:`EventList` defaults."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from ...errors import InputError
from ...io.jsonio import entries, not_an_object
from ...wire import input_error
from .fastwire import fast_event
from .model import Event, EventList

_LIST_KEYS = ("timeZone", "defaultReminders", "summary", "description", "accessRole", "nextPageToken",
              "nextSyncToken", "updated", "etag")


def parse_event(raw: dict[str, Any]) -> Event:
    """One Event: of the common shape, read without pydantic (:mod:`.fastwire`, a stand-in the
    mapper cannot tell from the model); else validated, a ValidationError as an InputError."""
    fast = fast_event(raw)
    if fast is not None:
        return fast
    try:
        return Event.model_validate(raw)
    except ValidationError as exc:
        ident = raw.get("iCalUID") or raw.get("id") or raw.get("summary")
        raise input_error(exc, ident) from None


def read_payload(data: Any) -> tuple[EventList, list[Event | InputError]]:
    """Every event of a Google payload; a bad item yields its error and the rest go on.
    Several list pages (a JSON array of events.list responses) share one calendar: the first
    ``timeZone``/``defaultReminders`` found win."""
    info: dict[str, Any] = {}
    out: list[Event | InputError] = []

    def page(node: dict[str, Any]) -> None:
        for key in _LIST_KEYS:
            if key in node and key not in info:
                info[key] = node[key]

    for where, raw in entries(data, on_page=page):
        if not isinstance(raw, dict):
            out.append(not_an_object(where, raw))
            continue
        try:
            out.append(parse_event(raw))
        except InputError as err:
            out.append(err.at(where) if where else err)
    try:
        calendar = EventList.model_validate({"kind": "calendar#events", **info})
    except ValidationError as exc:
        raise input_error(exc, None) from None
    return calendar, out
