"""Builders for hostile inputs (kept in code, not as files: a 10 MB line or 10 000 nested
components are made on demand).  Used by tests/test_hostile_*.py and tests/fuzz/."""

from __future__ import annotations

import json
from typing import Any

HEAD = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//ics-bridge tests//hostile//EN\r\n"
FOOT = "END:VCALENDAR\r\n"


def vevent(uid: str | None = "good-1", *extra: str, start: str | None = "DTSTART:20260310T090000Z",
           end: str | None = "DTEND:20260310T100000Z", summary: str = "SUMMARY:fine") -> str:
    lines = ["BEGIN:VEVENT"]
    if uid is not None:
        lines.append(f"UID:{uid}")
    lines += [p for p in (start, end, summary) if p]
    lines += list(extra)
    lines.append("END:VEVENT")
    return "\r\n".join(lines) + "\r\n"


GOOD = vevent("good-1")


def calendar(*events: str) -> str:
    """A VCALENDAR holding the good event first, then ``events``."""
    return HEAD + GOOD + "".join(events) + FOOT


GRAPH_EVENT: dict[str, Any] = {
    "id": "AAMk-good", "iCalUId": "good-1", "subject": "fine",
    "start": {"dateTime": "2026-03-10T09:00:00.0000000", "timeZone": "UTC"},
    "end": {"dateTime": "2026-03-10T10:00:00.0000000", "timeZone": "UTC"},
}
GOOGLE_EVENT: dict[str, Any] = {
    "kind": "calendar#event", "id": "good1", "iCalUID": "good-1", "summary": "fine",
    "start": {"dateTime": "2026-03-10T09:00:00Z"}, "end": {"dateTime": "2026-03-10T10:00:00Z"},
}


def json_list(source: str, *bad: dict[str, Any]) -> dict[str, Any]:
    """A Graph list response / Google events.list holding the good event, then ``bad``."""
    good = GRAPH_EVENT if source == "graph" else GOOGLE_EVENT
    key = "value" if source == "graph" else "items"
    out: dict[str, Any] = {key: [json.loads(json.dumps(good)), *bad]}
    if source == "google":
        out["kind"] = "calendar#events"
        out["timeZone"] = "UTC"
    return out


def bad_json_event(source: str, **changes: Any) -> dict[str, Any]:
    """The good event with ``changes`` (None deletes a key) and the UID ``bad-1``."""
    event = json.loads(json.dumps(GRAPH_EVENT if source == "graph" else GOOGLE_EVENT))
    event["id"] = "bad1"
    event["iCalUId" if source == "graph" else "iCalUID"] = "bad-1"
    for key, value in changes.items():
        if value is None:
            event.pop(key, None)
        else:
            event[key] = value
    return event


TARGETS = ("ics", "graph", "google")


def google_available() -> bool:
    try:
        import ics_bridge.providers.google.api  # noqa: F401
    except ImportError:
        return False
    return True


def run(data: Any, to: str, source: str, file: str = "hostile.ics", **kw: Any) -> Any:
    """The contract: a Conversion whose output serialises, or InputError — nothing else."""
    import ics_bridge
    from ics_bridge.errors import InputError

    try:
        conv = ics_bridge.convert(data, to=to, source=source, file=file, **kw)
    except InputError as err:
        return err
    conv.to_bytes()
    for err in conv.errors:
        assert isinstance(err, InputError), err
        assert err.file == file, err
    return conv
