"""Malformed items in JSON collections (issue 15), shared by the atheris target
(``fuzz_atheris.py graph-items``) and the hypothesis test (``tests/test_fuzz_readers.py``).

A collection is built from real corpus events: each slot is a corpus event as it is, the same
event with one field (top level or one level down) replaced by a JSON value of another type,
or an item that is not an object at all (null, a string, a number, an array).  It is wrapped
as a list response (``value`` / ``items``), a bare array or JSON Lines.  :func:`check` holds
the contract: the conversion never raises, every item that is not an object is reported under
its place, every report names the file, and the streamed conversion (``io/stream.py``) writes
the same bytes and the same errors as the whole-file one.
"""

from __future__ import annotations

import io
import json
import re
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
FILE = "fuzz.json"
FIELDS = {
    "graph": ["start", "end", "attendees", "isAllDay", "recurrence", "body", "subject", "id", "iCalUId", "type",
              "seriesMasterId", "originalStart", "location", "locations", "organizer", "showAs", "sensitivity",
              "categories", "reminderMinutesBeforeStart", "isReminderOn", "exceptionOccurrences", "cancelledOccurrences",
              "onlineMeeting", "responseStatus", "isCancelled", "@removed", "originalStartTimeZone"],
    "google": ["start", "end", "attendees", "endTimeUnspecified", "recurrence", "description", "summary", "id",
               "iCalUID", "status", "recurringEventId", "originalStartTime", "location", "organizer", "creator",
               "reminders", "conferenceData", "transparency", "visibility", "guestsCanModify", "sequence",
               "extendedProperties", "attachments", "eventType", "colorId"],
}
SCALARS: list[Any] = [None, True, False, 0, -1, 7, 10 ** 30, 1.5, "", "yes", "bob@example.com",
                      "2025-03-10T15:00:00", "2025-03-10", "0001-01-01T00:00:00", "RRULE:FREQ=DAILY", "\u00e9\U0001F600"]
NOT_OBJECTS: list[Any] = [None, "x", 42, -0.5, True, [], [{"subject": "in an array"}], ["a", 1]]


class Chooser(Protocol):
    def __call__(self, lo: int, hi: int) -> int: ...


@lru_cache(maxsize=None)
def corpus_events(source: str) -> tuple[str, ...]:
    """Every event object of the source's corpus, as JSON text (copied per use)."""
    from ics_bridge.io.jsonio import items, loads
    out: list[str] = []
    for path in sorted((CORPUS / source).glob("*.json")):
        try:
            data = loads(path.read_bytes())
        except Exception:  # noqa: BLE001 - invalid seeds are other tests' business
            continue
        out.extend(json.dumps(item) for item in items(data))
    return tuple(out)


def _value(choose: Chooser, depth: int = 0) -> Any:
    kind = choose(0, 3 if depth < 2 else 1)
    if kind <= 1:
        return SCALARS[choose(0, len(SCALARS) - 1)]
    if kind == 2:
        return [_value(choose, depth + 1) for _ in range(choose(0, 3))]
    return {FIELDS["graph"][choose(0, 5)]: _value(choose, depth + 1) for _ in range(choose(0, 2))}


def _item(source: str, choose: Chooser) -> Any:
    events = corpus_events(source)
    how = choose(0, 5)
    if how == 0:
        return NOT_OBJECTS[choose(0, len(NOT_OBJECTS) - 1)]
    event = json.loads(events[choose(0, len(events) - 1)])
    for _ in range(how - 2 if how > 2 else 0):  # 0-3 fields replaced
        fields = FIELDS[source]
        name = fields[choose(0, len(fields) - 1)]
        inner = event.get(name)
        if isinstance(inner, dict) and inner and choose(0, 1):
            key = sorted(inner)[choose(0, len(inner) - 1)]
            inner[key] = _value(choose)
        else:
            event[name] = _value(choose)
    return event


def build(source: str, choose: Chooser) -> tuple[str, bytes, list[Any]]:
    """(shape, the file's bytes, the items) for one collection."""
    shape = ("page", "bare", "lines")[choose(0, 2)]
    # one line is plain JSON, not JSON Lines: a lone null or string there is a whole-file error
    items = [_item(source, choose) for _ in range(choose(2 if shape == "lines" else 1, 6))]
    if shape == "page":
        envelope: Any = {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users('x')/events",
                         "value": items} if source == "graph" else \
            {"kind": "calendar#events", "timeZone": "Europe/Berlin", "items": items}
        data = json.dumps(envelope).encode()
    elif shape == "bare":
        data = json.dumps(items).encode()
    else:
        data = "\n".join(json.dumps(item) for item in items).encode()
    return shape, data, items


def _places(shape: str, source: str, items: list[Any]) -> list[str]:
    """The place of every item that is not an object, as the readers name it."""
    key = "value" if source == "graph" else "items"
    out = []
    for i, item in enumerate(items):
        if isinstance(item, dict):
            continue
        if shape == "page":
            out.append(f"{key}[{i}]")
        elif isinstance(item, list):  # a nested array in a bare array / a line: a page of events
            out.extend(f"{'line ' + str(i + 1) if shape == 'lines' else f'[{i}]'}[{j}]"
                       for j, x in enumerate(item) if not isinstance(x, dict))
        else:
            out.append(f"line {i + 1}" if shape == "lines" else f"[{i}]")
    return out


_DTSTAMP = re.compile(rb"DTSTAMP:\d{8}T\d{6}Z")


def check(source: str, shape: str, data: bytes, items: list[Any], to: str = "ics") -> None:
    """The contract (module doc); an AssertionError or any exception is a finding."""
    import ics_bridge
    from ics_bridge.errors import InputError
    from ics_bridge import pipeline
    from ics_bridge.io import stream
    conv = ics_bridge.convert(data, to=to, source=source, file=FILE)  # type: ignore[arg-type]
    out = conv.to_bytes()
    for err in conv.errors:
        assert isinstance(err, InputError) and err.file == FILE, repr(err)
    reported = {err.item for err in conv.errors}
    for place in _places(shape, source, items):
        assert place in reported, (place, [str(e) for e in conv.errors])
    if to != "ics" or shape == "lines":
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / FILE
        path.write_bytes(data)
        sink = io.BytesIO()
        try:
            streamed = pipeline.convert_file(path, sink, to="ics", source=source,  # type: ignore[arg-type]
                                           fallback=False, spool_report=False)
        except stream.StreamUnsupported:
            return
    assert _DTSTAMP.sub(b"", sink.getvalue()) == _DTSTAMP.sub(b"", out), "streamed bytes differ"
    whole = sorted(str(e).replace(FILE, "F") for e in conv.errors)
    assert sorted(str(e).replace(str(path), "F") for e in streamed.errors) == whole, "streamed errors differ"
