"""The pydantic-free reading of Graph events of the common shape (``providers/graph/fastwire``,
issue 12 round 6) held to ``Event.model_validate``: on every Graph JSON of tests/corpus, the
Graph documentation examples (tests/seeds), samples and tests/producers, on generated events
and on mutations of them (each member removed or replaced by values of every JSON type and by
the spellings the models repair: enum case variants, ``0001-01-01`` sentinels, 7-digit
fractions, booleans as strings, an unknown member and an ``@odata.*`` annotation in each
object, legacy PascalCase names), an event the fast path takes must be the model pydantic makes
— every field to the type of every leaf, nested objects included, extras, fields set,
``model_dump`` as the mapper calls it, equality both ways and the model methods the mapper
calls — and whole conversions (output bytes, loss report, errors) must not change when the fast
path is switched off."""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path
from typing import Any, Iterator

import pytest
from pydantic import BaseModel, ValidationError

import ics_bridge
from fastwire_paths import same_both_ways
from ics_bridge.providers.graph import reader
from ics_bridge.providers.graph.fastwire import fast_event
from ics_bridge.providers.graph.model import Event
from test_googlein3_fastwire import _edit, _get, _paths
from test_graphin3_shared import _items
from test_graphin_fastpath import _generated_events

ROOT = Path(__file__).resolve().parent
FILES = sorted([*(ROOT / "corpus" / "graph").glob("*.json"), *(ROOT / "seeds" / "graph").glob("*.json"),
                *(ROOT.parent / "samples" / "graph").glob("*.json"), ROOT / "producers" / "graph_exceptions_without_master.json"])


def _load(path: Path) -> Any:
    try:
        return json.loads(path.read_bytes().decode("utf-8-sig"))
    except ValueError:
        return None  # the docs' invalid samples


CORPUS_EVENTS = [e for path in FILES for e in _items(_load(path)) if isinstance(e, dict)]

_PEOPLE = [{"type": "required", "emailAddress": {"name": "Ana 0", "address": "ana.0@example.org"},
            "status": {"response": "accepted", "time": "0001-01-01T00:00:00Z"}},
           {"type": "optional", "emailAddress": {"name": "Zoë", "address": "zoe@example.org"},
            "status": {"response": "tentativelyAccepted", "time": "2026-01-02T03:04:05.1234567Z"},
            "proposedNewTime": {"start": {"dateTime": "2026-03-02T10:00:00.0000000", "timeZone": "UTC"},
                                "end": {"dateTime": "2026-03-02T11:00:00", "timeZone": "UTC"}}},
           {"type": "resource", "emailAddress": {"address": "room@example.org"}, "status": {"response": "none"}}]
# bench/'s shape (tests of the speed work: these must all take the fast path)
BENCH = {"iCalUId": "0000002-f06edd031018@bench.ics-bridge.example", "subject": "Roadmap équipe",
         "body": {"contentType": "text", "content": "réunion\nplanning"}, "isAllDay": False,
         "start": {"dateTime": "2025-02-07T14:45:00.0000000", "timeZone": "Tokyo Standard Time"},
         "end": {"dateTime": "2025-02-07T15:45:00.0000000", "timeZone": "Tokyo Standard Time"},
         "originalStartTimeZone": "Tokyo Standard Time", "originalEndTimeZone": "Tokyo Standard Time",
         "recurrence": {"pattern": {"interval": 1, "type": "weekly", "daysOfWeek": ["friday"], "firstDayOfWeek": "monday",
                                    "month": 0, "dayOfMonth": 0, "index": "first"},
                        "range": {"type": "numbered", "numberOfOccurrences": 7, "startDate": "2025-02-07",
                                  "recurrenceTimeZone": "Tokyo Standard Time", "endDate": "0001-01-01"}},
         "location": {"displayName": "Salle Émile"},
         "organizer": {"emailAddress": {"name": "Tomás", "address": "toms@example.com"}},
         "attendees": _PEOPLE[:1], "responseRequested": True, "isReminderOn": False, "showAs": "busy",
         "isCancelled": False, "type": "seriesMaster",
         "singleValueExtendedProperties": [{"id": "String {9b8e5a3c-1f2d-4c6b-8a7e-3d2f1e0c9b8a} Name ics-bridge.ical",
                                            "value": "SEQUENCE:3"}]}
BENCH_EXCEPTION = {**BENCH, "type": "exception", "originalStart": "2025-02-14T05:45:00Z", "recurrence": None,
                   "start": {"dateTime": "2025-02-14T15:45:00.0000000", "timeZone": "Tokyo Standard Time"},
                   "end": {"dateTime": "2025-02-14T16:45:00.0000000", "timeZone": "Tokyo Standard Time"}}
BENCH_SINGLE = {k: v for k, v in BENCH.items() if k != "recurrence"} | {
    "type": "singleInstance", "iCalUId": "single@bench", "isReminderOn": True, "reminderMinutesBeforeStart": 15,
    "categories": ["Blue", "Rot"]}
RICH = {
    "id": "AAMk=", "changeKey": "ck", "uid": "series-uid", "iCalUId": "040000008200E0", "transactionId": "t1",
    "subject": "Rich", "bodyPreview": "x", "body": {"contentType": "html", "content": "<b>x</b>"},
    "start": {"dateTime": "2026-03-02T09:00:00.0000000", "timeZone": "Pacific Standard Time"},
    "end": {"dateTime": "2026-03-02T10:30:00", "timeZone": "Eastern Standard Time"},
    "originalStartTimeZone": "Pacific Standard Time", "originalEndTimeZone": "Eastern Standard Time",
    "isAllDay": False, "isOrganizer": True, "responseRequested": False, "isReminderOn": True,
    "reminderMinutesBeforeStart": 1440, "showAs": "tentative", "importance": "high", "sensitivity": "personal",
    "categories": ["A"], "isCancelled": False, "isDraft": False, "createdDateTime": "2026-01-02T03:04:05.3760425Z",
    "lastModifiedDateTime": "2026-01-03T03:04:05Z", "webLink": "https://outlook.office365.com/x",
    "isOnlineMeeting": True, "onlineMeetingProvider": "teamsForBusiness", "onlineMeetingUrl": None,
    "onlineMeeting": {"joinUrl": "https://teams.microsoft.com/l/x", "conferenceId": "123", "tollNumber": "+1 555",
                      "tollFreeNumbers": ["+1 800"], "phones": [{"number": "+1 555", "type": "business"}],
                      "quickDial": "+1 555,,123#"},
    "allowNewTimeProposals": True, "hideAttendees": False, "hasAttachments": False,
    "responseStatus": {"response": "organizer", "time": "0001-01-01T00:00:00Z"},
    "location": {"displayName": "HQ", "locationType": "conferenceRoom", "locationUri": "room@x", "uniqueId": "u",
                 "uniqueIdType": "directory", "locationEmailAddress": "room@x",
                 "address": {"street": "1 Main", "city": "C", "state": "S", "countryOrRegion": "US", "postalCode": "1"},
                 "coordinates": {"latitude": 47.6, "longitude": -122.1, "accuracy": 1.5, "altitude": 0.0,
                                 "altitudeAccuracy": 2.0}},
    "locations": [{"displayName": "HQ", "locationType": "default"}, {"displayName": "Annex", "uniqueId": "a"}],
    "organizer": {"emailAddress": {"name": "O", "address": "o@example.com"}}, "attendees": _PEOPLE,
    "type": "seriesMaster", "cancelledOccurrences": ["OID.AAMk=.2026-03-09"],
    "recurrence": {"pattern": {"type": "relativeMonthly", "interval": 2, "daysOfWeek": ["monday", "friday"],
                               "firstDayOfWeek": "sunday", "index": "last"},
                   "range": {"type": "endDate", "startDate": "2026-03-02", "endDate": "2026-12-31T00:00:00"}},
    "@odata.etag": None, "extensions": [{"@odata.type": "#microsoft.graph.openTypeExtension", "x": 1}],
}
ALL_DAY = {"id": "d1", "subject": "Day", "isAllDay": True, "start": {"dateTime": "2026-02-28T00:00:00.0000000", "timeZone": "UTC"},
           "end": {"dateTime": "2026-03-01T00:00:00.0000000", "timeZone": "UTC"},
           "recurrence": {"pattern": {"type": "absoluteYearly", "month": 2, "dayOfMonth": 28},
                          "range": {"type": "noEnd", "startDate": "2026-02-28", "recurrenceTimeZone": "UTC"}}}
BASES = [BENCH, BENCH_EXCEPTION, BENCH_SINGLE, {k: v for k, v in RICH.items() if not k.startswith("@")}, RICH, ALL_DAY]

# Values of every JSON type and the spellings the models repair (or refuse).
ODD: list[Any] = [None, "", " ", "x", "true", "False", "yes", 0, 1, -5, 2 ** 70, 1.0, 1.5, True, False, [], ["x"], {},
                  {"dateTime": "2026-01-01T00:00:00"}, "REQUIRED", "Accepted", " tentativelyaccepted ", "HTML", "Monday",
                  "\ud800", "0001-01-01", "0001-01-01T00:00:00Z", "2026-03-02T17:15:36.3760425Z", "2026-03-02T17:15:36",
                  "2026-03-02", "20260302", "2026-13-01", "2026-03-02T25:00:00", "W. Europe Standard Time"]


def _mutations(raw: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """``raw`` with each member removed and replaced by each odd value, at every level, plus an
    unknown member, an annotation and a PascalCase name in each object."""
    yield raw
    for path in _paths(raw):
        yield _edit(raw, path, delete=True)
        for odd in ODD:
            yield _edit(raw, path, value=odd)
    for path in [()] + [p for p in _paths(raw) if isinstance(_get(raw, p), dict)]:
        for name in ("surprise", "@odata.type", "Name", "@removed", "removed"):
            yield _edit(raw, (*path, name), value="extra")
    yield {k[:1].upper() + k[1:]: v for k, v in raw.items()}  # legacy PascalCase


GENERATED = [m for base in BASES for m in _mutations(base)]


# ---------------------------------------------------------------- the comparison

def _same(fast: Any, model: Any, where: str) -> None:
    """Every field of ``model`` (a pydantic model) read the same from ``fast``, recursively."""
    assert isinstance(model, BaseModel) and not isinstance(fast, BaseModel), where
    assert fast.extras() == model.extras() and (fast.__pydantic_extra__ or {}) == (model.__pydantic_extra__ or {}), where
    for name in type(model).model_fields:
        _same_value(getattr(fast, name), getattr(model, name), f"{where}.{name}")
    for mode in ("python", "json"):
        for exclude_none in (True, False):
            a = fast.model_dump(mode=mode, exclude_none=exclude_none)
            b = model.model_dump(mode=mode, exclude_none=exclude_none)
            assert a == b and list(a) == list(b), (where, mode, exclude_none)
            assert repr(a) == repr(b), (where, mode)  # to the type of every leaf
    assert fast == model and model == fast and not fast != model, where
    for method in ("naive", "is_empty"):
        if hasattr(model, method):
            assert getattr(fast, method)() == getattr(model, method)(), (where, method)


def _same_value(fast: Any, model: Any, where: str) -> None:
    if isinstance(model, BaseModel):
        _same(fast, model, where)
    elif isinstance(model, list):
        assert type(fast) is list and len(fast) == len(model), where
        for index, (a, b) in enumerate(zip(fast, model)):
            _same_value(a, b, f"{where}[{index}]")
    else:
        assert type(fast) is type(model) and repr(fast) == repr(model), (where, fast, model)  # NaN too


def _check(raw: Any) -> bool:
    """True when the fast path took ``raw`` (and then matched pydantic)."""
    before = copy.deepcopy(raw)
    fast = fast_event(raw)
    assert raw == before  # the input is not changed
    try:
        model = Event.model_validate(raw)
    except ValidationError:
        assert fast is None, raw  # pydantic refuses: the error is pydantic's to word
        return False
    if fast is None:
        return False
    _same(fast, model, "event")
    assert fast.model_fields_set == model.model_fields_set
    assert set(fast.__dict__) <= set(model.__dict__)  # what the mapper reads (stash) in __dict__
    for name in ("createdDateTime", "lastModifiedDateTime", "originalStart"):
        assert fast.timestamp(name) == model.timestamp(name)
    return True


def test_corpus_and_documentation_events_read_as_pydantic_reads_them() -> None:
    taken = [_check(raw) for raw in CORPUS_EVENTS]
    assert sum(taken) >= len(taken) // 2  # the common shape is the common case


def test_generated_events_read_as_pydantic_reads_them() -> None:
    events = _generated_events(random.Random(3), 400)
    taken = [_check(raw) for raw in events]
    assert all(taken)  # odd enums, sentinels, zones, kept lines: all of the common shape


def test_mutated_events_read_as_pydantic_reads_them() -> None:
    taken = [_check(raw) for raw in GENERATED]
    assert sum(taken) > 1000 and sum(not t for t in taken) > 1000


def test_library_callers_dicts_read_as_pydantic_reads_them() -> None:
    """Parsed JSON handed in by a library caller may hold what JSON text cannot: keys that are
    not strings, subclasses of str, dict and list, NaN."""
    class Text(str):
        pass

    class Mapping(dict):  # type: ignore[type-arg]
        pass

    class Items(list):  # type: ignore[type-arg]
        pass

    for raw in (BENCH, RICH):
        _check(_edit(raw, ("subject",), value=Text("s")))
        _check(_edit(raw, ("organizer",), value=Mapping(emailAddress={"address": "a@b"})))
        _check(_edit(raw, ("organizer", "emailAddress", "name"), value=Text("Ana")))
        _check(_edit(raw, ("attendees",), value=Items(_PEOPLE)))
        _check(_edit(raw, ("attendees", 0, "emailAddress"), value={1: "x"}))
        _check({**raw, 7: "x"})
    _check(_edit(RICH, ("location", "coordinates", "latitude"), value=float("nan")))


def test_a_shared_object_read_from_the_memo_is_the_first_one() -> None:
    """People and places are read once per distinct JSON text; ``1``/``1.0``/``True``/``"1"``
    are other texts, read for themselves."""
    first = fast_event(BENCH)
    again = fast_event(copy.deepcopy(BENCH))
    assert first.attendees[0] is again.attendees[0] and first.organizer is again.organizer
    for odd in ("1", 1, 1.0, True, None):
        _check(_edit(BENCH, ("organizer", "emailAddress", "name"), value=odd))
        _check(_edit(BENCH, ("attendees", 0, "status", "time"), value=odd))


def test_bench_shaped_events_all_take_the_fast_path() -> None:
    """The shape of bench/'s calendar (and of a plain Graph events list): none left to pydantic."""
    assert all(_check(raw) for raw in (BENCH, BENCH_EXCEPTION, BENCH_SINGLE, ALL_DAY))
    assert _check(RICH)  # annotations dropped as pydantic drops them


# ---------------------------------------------------------------- whole conversions

def _both(data: bytes, monkeypatch: pytest.MonkeyPatch, target: str = "ics", profile: str = "resource") -> None:
    same_both_ways(data, reader, "graph", monkeypatch, target, profile)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_corpus_conversions_unchanged(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = path.read_bytes()
    _both(data, monkeypatch)
    _both(data, monkeypatch, "graph", "resource")
    _both(data, monkeypatch, "google", "import")


def _dumps(items: list[Any]) -> bytes:
    return json.dumps({"value": items}).encode("utf-8", "surrogatepass")


@pytest.mark.parametrize("base", range(len(BASES)))
def test_generated_conversions_unchanged(base: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each mutation of a series (master, exception, single) converted with and without the
    fast path, beside the other bases, in lists of a few dozen events."""
    mutated = list(_mutations(BASES[base]))
    others = [b for b in BASES if b is not BASES[base]]
    for start in range(0, len(mutated), 40):
        _both(_dumps(mutated[start:start + 40] + others), monkeypatch)


def test_generated_calendars_convert_unchanged(monkeypatch: pytest.MonkeyPatch) -> None:
    for seed in range(4):
        data = _dumps(_generated_events(random.Random(seed), 150))
        _both(data, monkeypatch)
        _both(data, monkeypatch, "google", "import")


def test_extended_properties_not_an_array_are_stashed_not_a_crash() -> None:
    """``singleValueExtendedProperties`` of another JSON type (an unknown shape to the mapper)
    made the whole conversion raise a TypeError (``to_ical._first_of`` iterated it); it is
    stashed as sent, as ``restore_ical_lines`` already let it be."""
    for odd in (1, "x", {"id": "x"}, True):
        conv = ics_bridge.convert(_dumps([{**BENCH_SINGLE, "singleValueExtendedProperties": odd}]), to="ics",
                                  source="graph")
        assert not conv.errors and b"X-ICSBRIDGE-GRAPH-JSON" in conv.to_bytes()
        assert any(loss.field == "singleValueExtendedProperties" for loss in conv.report)
