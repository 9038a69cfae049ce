"""JSON input shapes shared by the providers: a single resource, a list response, a bare array,
JSON Lines.  Provider detection looks at content, never at the file name."""

from __future__ import annotations

import json
from typing import Any, Iterator, Literal

from ..errors import InputError

Format = Literal["ics", "graph", "google"]


def loads(text: str, *, file: str | None = None) -> Any:
    """Parse JSON, or JSON Lines (one value per line), with an error naming the position."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as first:
        lines = [ln for ln in text.splitlines() if ln.strip()]
        if len(lines) > 1:
            try:
                return [json.loads(ln) for ln in lines]
            except json.JSONDecodeError:
                pass
        raise InputError(f"invalid JSON at line {first.lineno} column {first.colno}: {first.msg}", file=file) from None


def items(data: Any) -> Iterator[dict[str, Any]]:
    """The resources inside a response: ``value`` (Graph list/delta), ``items`` (Google
    events.list), a bare array, or one resource."""
    if isinstance(data, list):
        for entry in data:
            yield from items(entry)
        return
    if not isinstance(data, dict):
        raise InputError(f"expected a JSON object or array, found {type(data).__name__}")
    for key in ("value", "items"):
        if isinstance(data.get(key), list):
            for entry in data[key]:
                if not isinstance(entry, dict):
                    raise InputError(f"{key}[] entry is {type(entry).__name__}, not an object", field=key)
                yield entry
            return
    yield data


def detect_json(data: Any) -> Format | None:
    """Graph or Google, from the shape of the first resource."""
    if isinstance(data, dict):
        kind = str(data.get("kind", ""))
        if kind.startswith("calendar#"):
            return "google"
        ctx = str(data.get("@odata.context", ""))
        if "graph.microsoft.com" in ctx or "outlook.office" in ctx:
            return "graph"
    try:
        first = next(items(data), None)
    except InputError:
        return None
    if not first:
        return None
    keys = set(first)
    if keys & {"subject", "Subject", "isAllDay", "IsAllDay", "showAs", "ShowAs", "iCalUId", "@removed",
               "bodyPreview", "BodyPreview", "changeKey", "ChangeKey", "seriesMasterId", "StartTimeZone"}:
        return "graph"
    if keys & {"summary", "iCalUID", "htmlLink", "recurringEventId", "originalStartTime", "etag",
               "conferenceData", "hangoutLink", "transparency", "visibility", "colorId"}:
        return "google"
    if str(first.get("kind", "")).startswith("calendar#"):
        return "google"
    start = first.get("start")
    if isinstance(start, dict) and ("date" in start or isinstance(start.get("dateTime"), str) and "timeZone" not in start):
        return "google"
    if isinstance(start, dict) and "timeZone" in start and "dateTime" in start:
        # Graph and Google both use {dateTime, timeZone}; Graph's dateTime has no offset.
        text = str(start["dateTime"])
        return "google" if (text.endswith("Z") or "+" in text[10:] or text[10:].count("-")) else "graph"
    return None
