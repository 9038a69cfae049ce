"""The pydantic-free reading of Google Events of the common shape (``providers/google/fastwire``,
issue 12 round 3) held to ``Event.model_validate``: on every Google JSON of tests/corpus and
samples, and on generated and mutated events (missing fields, values of other JSON types, odd
enum spellings, booleans as strings, all-day and timed starts, recurrence, attendees, reminders,
conferenceData, extendedProperties…), an event the fast path takes must be the model pydantic
makes — every field, nested objects included, ``wire()``, ``extras()`` and the model methods the
mapper calls — and whole conversions (output bytes, loss report, errors) must not change when
the fast path is switched off."""

from __future__ import annotations

import copy
import json
from datetime import timezone
from pathlib import Path
from typing import Any, Iterator
from zoneinfo import ZoneInfo

import pytest
from pydantic import BaseModel, ValidationError

from fastwire_paths import same_both_ways
from ics_bridge.errors import InputError
from ics_bridge.io.jsonio import entries
from ics_bridge.providers.google import reader
from ics_bridge.providers.google.fastwire import fast_event
from ics_bridge.providers.google.model import Event

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted([*(ROOT / "tests" / "corpus" / "google").glob("*.json"), *(ROOT / "samples" / "google").glob("*.json")])


def _events_of(path: Path) -> list[Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return []
    try:
        return [raw for _, raw in entries(data)]
    except (InputError, ValueError, TypeError):
        return []


CORPUS_EVENTS = [raw for path in FILES for raw in _events_of(path) if isinstance(raw, dict)]

RICH: dict[str, Any] = {
    "kind": "calendar#event", "etag": "\"3181161784712000\"", "id": "abc123", "status": "confirmed",
    "htmlLink": "https://www.google.com/calendar/event?eid=abc", "created": "2020-11-25T14:53:46.000Z",
    "updated": "2020-11-25T14:53:46.123Z", "summary": "Rich", "description": "<b>x</b>", "location": "Room",
    "colorId": "3", "creator": {"email": "c@example.com", "self": True},
    "organizer": {"email": "o@example.com", "displayName": "O", "id": "o1"},
    "start": {"dateTime": "2024-03-10T01:30:00-08:00", "timeZone": "America/Los_Angeles"},
    "end": {"dateTime": "2024-03-10T03:30:00-07:00", "timeZone": "America/Los_Angeles"},
    "recurrence": ["RRULE:FREQ=WEEKLY;COUNT=5", "EXDATE;TZID=America/Los_Angeles:20240317T013000"],
    "iCalUID": "abc123@google.com", "sequence": 2, "transparency": "transparent", "visibility": "private",
    "attendees": [
        {"email": "a@example.com", "displayName": "A", "responseStatus": "accepted", "optional": True},
        {"email": "room@resource.calendar.google.com", "resource": True, "responseStatus": "needsAction"},
        {"email": "b@example.com", "responseStatus": "declined", "comment": "no", "additionalGuests": 2,
         "organizer": False, "self": True, "id": "b1"},
    ],
    "guestsCanModify": True, "anyoneCanAddSelf": False, "attendeesOmitted": False, "privateCopy": False,
    "locked": False, "endTimeUnspecified": False, "hangoutLink": "https://meet.google.com/abc",
    "eventType": "default", "eventLabelId": "l1",
    "reminders": {"useDefault": False, "overrides": [{"method": "popup", "minutes": 10},
                                                      {"method": "email", "minutes": 1440}]},
    "extendedProperties": {"private": {"ics-bridge.categories": "[\"A\"]", "k": "v"}, "shared": {"s": "t"}},
}
ALL_DAY = {"id": "d1", "summary": "Day", "start": {"date": "2024-02-28"}, "end": {"date": "2024-02-29"},
           "recurrence": ["RRULE:FREQ=YEARLY"], "reminders": {"useDefault": True}}
INSTANCE = {"id": "abc123_20240317T093000Z", "recurringEventId": "abc123", "status": "confirmed",
            "originalStartTime": {"dateTime": "2024-03-17T01:30:00-07:00", "timeZone": "America/Los_Angeles"},
            "start": {"dateTime": "2024-03-17T02:30:00-07:00"}, "end": {"dateTime": "2024-03-17T03:30:00-07:00"}}
TOMBSTONE = {"id": "abc123_20240324T083000Z", "status": "cancelled", "recurringEventId": "abc123",
             "originalStartTime": {"dateTime": "2024-03-24T01:30:00-07:00", "timeZone": "America/Los_Angeles"}}
CONFERENCE = {"id": "c1", "start": {"date": "2024-01-01"}, "conferenceData": {
    "entryPoints": [{"entryPointType": "video", "uri": "https://meet.google.com/x"}],
    "conferenceSolution": {"name": "Google Meet"}}}
BASES = [RICH, ALL_DAY, INSTANCE, TOMBSTONE, CONFERENCE]

# Values of every JSON type and of the spellings the models repair (or refuse).
ODD = [None, "", " ", "x", "TRUE", "true", "False", "yes", 0, 1, -5, 2 ** 70, 1.0, 1.5, True, False, [], ["x"], {},
       {"date": "2024-01-01"}, "CONFIRMED", " confirmed", "Opaque", "confidential", "POPUP", "Accepted", "\ud800",
       "2024-01-01", "2024-01-01T10:00:00", "2024-01-01T10:00:00.123456789Z", "2024-13-01", "2024-01-01T25:00:00Z",
       "RRULE:FREQ=DAILY"]


def _mutations(raw: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """``raw`` with each member removed and replaced by each odd value, at every level (the
    members of start/organizer/reminders…, of each attendee, override and recurrence line),
    plus one unknown member in each object."""
    yield raw
    for path in _paths(raw):
        yield _edit(raw, path, delete=True)
        for odd in ODD:
            yield _edit(raw, path, value=odd)
    for path in [()] + [p for p in _paths(raw) if isinstance(_get(raw, p), dict)]:
        yield _edit(raw, (*path, "surprise"), value="extra")


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*prefix, key)
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield (*prefix, index)
            yield from _paths(item, (*prefix, index))


def _get(node: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        node = node[step]
    return node


def _edit(raw: dict[str, Any], path: tuple[Any, ...], *, value: Any = None, delete: bool = False) -> dict[str, Any]:
    out = copy.deepcopy(raw)
    parent = _get(out, path[:-1])
    if delete:
        del parent[path[-1]]
    else:
        parent[path[-1]] = copy.deepcopy(value)
    return out


GENERATED = [m for base in BASES for m in _mutations(base)]


# ---------------------------------------------------------------- the comparison

def _same(fast: Any, model: Any, where: str) -> None:
    """Every field of ``model`` (a pydantic model) read the same from ``fast``, recursively."""
    assert isinstance(model, BaseModel), where
    assert not model.__pydantic_extra__, where  # the fast path takes no unknown member
    assert not fast.__pydantic_extra__ and fast.extras() == model.extras() == {}, where
    for name in type(model).model_fields:
        _same_value(getattr(fast, name), getattr(model, name), f"{where}.{name}")
    assert fast.wire() == model.wire(), where
    assert list(fast.wire()) == list(model.wire()), where  # the same order (the UID seed prints it)


def _same_value(fast: Any, model: Any, where: str) -> None:
    if isinstance(model, BaseModel):
        _same(fast, model, where)
    elif isinstance(model, list):
        assert isinstance(fast, list) and len(fast) == len(model), where
        for index, (a, b) in enumerate(zip(fast, model)):
            _same_value(a, b, f"{where}[{index}]")
    else:
        assert type(fast) is type(model) and fast == model, (where, fast, model)


def _same_methods(fast: Any, model: Event) -> None:
    """What the mapper asks of an Event and its times besides the fields."""
    assert (fast.is_cancelled, fast.is_instance) == (model.is_cancelled, model.is_instance)
    for name in ("created", "updated"):
        assert fast.timestamp(name) == model.timestamp(name)
    for name in ("start", "end", "originalStartTime"):
        a, b = getattr(fast, name), getattr(model, name)
        if b is None:
            continue
        assert (a.all_day, a.has_offset()) == (b.all_day, b.has_offset())
        if b.all_day:
            assert a.day() == b.day()
        else:
            for zone in (None, timezone.utc, ZoneInfo("Europe/Berlin")):
                assert a.instant(zone) == b.instant(zone)


def _check(raw: Any) -> bool:
    """True when the fast path took ``raw`` (and then matched pydantic)."""
    fast = fast_event(raw)
    try:
        model = Event.model_validate(raw)
    except ValidationError:
        assert fast is None, raw  # pydantic refuses: the error is pydantic's to word
        return False
    if fast is None:
        return False
    _same(fast, model, "event")
    _same_methods(fast, model)
    return True


def test_corpus_events_read_as_pydantic_reads_them() -> None:
    taken = [_check(raw) for raw in CORPUS_EVENTS]
    assert sum(taken) >= len(taken) // 2  # the common shape is the common case


def test_generated_events_read_as_pydantic_reads_them() -> None:
    taken = [_check(raw) for raw in GENERATED]
    assert sum(taken) > 100 and not all(taken)  # both paths exercised


def test_library_callers_dicts_read_as_pydantic_reads_them() -> None:
    """Parsed JSON handed in by a library caller may hold what JSON text cannot: keys that are
    not strings, subclasses of str, dict and list."""
    class Text(str):
        pass

    class Mapping(dict):  # type: ignore[type-arg]
        pass

    odd = [{1: "x"}, {"k": Text("v")}, Mapping({"k": "v"})]
    for value in odd:
        _check(_edit(RICH, ("extendedProperties", "private"), value=value))
        _check(_edit(RICH, ("extendedProperties",), value=Mapping(private={"k": "v"})))
    _check(_edit(RICH, ("summary",), value=Text("s")))
    _check(_edit(RICH, ("attendees",), value=[Mapping(email="a@example.com")]))
    _check({**RICH, 7: "x"})


def test_bench_shaped_events_all_take_the_fast_path() -> None:
    """The shape of bench/'s calendars (and of a plain events.list): no event left to pydantic."""
    assert all(_check(raw) for raw in (RICH, ALL_DAY, INSTANCE, TOMBSTONE))


# ---------------------------------------------------------------- whole conversions

def _both(data: bytes, monkeypatch: pytest.MonkeyPatch, target: str = "ics", profile: str = "resource") -> None:
    same_both_ways(data, reader, "google", monkeypatch, target, profile)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_corpus_conversions_unchanged(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = path.read_bytes()
    _both(data, monkeypatch)
    _both(data, monkeypatch, "graph", "resource")
    _both(data, monkeypatch, "google", "import")


@pytest.mark.parametrize("base", range(len(BASES)))
def test_generated_conversions_unchanged(base: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each mutation of a series (master, instance, tombstone) and of the others converted with
    and without the fast path, as one events.list each."""
    for mutated in _mutations(BASES[base]):
        items = [mutated] + [b for b in BASES if b is not BASES[base]]
        data = json.dumps({"kind": "calendar#events", "timeZone": "Europe/Paris", "items": items}).encode(
            "utf-8", "surrogatepass")
        _both(data, monkeypatch)
