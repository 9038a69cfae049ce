"""Graph's shared sub-objects (``model.shared``: attendees, organizer, location,
responseStatus validated once per distinct content) give what validating every object in place
gives (issue 12, speed round 3).

Held on every Graph JSON of the repository (corpus, seeds, samples, producers), on generated
events, and on mutations of all of them (case variants, ``0001-01-01`` sentinels, 7-digit
fractions, legacy PascalCase, missing and extra keys, ``@odata.*`` annotations, values of every
JSON type in every place): the same models — types, fields, extras, fields set, to the type of
every leaf — or the same error text; and the same conversion bytes, report and errors.
"""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path
from typing import Any, Iterator

import pytest
from pydantic import BaseModel, ValidationError

from ics_bridge.providers.graph import model as gm
from ics_bridge.providers.graph import reader
from ics_bridge.providers.graph.reader import parse_event
from ics_bridge.errors import InputError
from ics_bridge.providers.graph import to_ical
from test_graphin_fastpath import _Forgetful, _convert, _generated_events

ROOT = Path(__file__).resolve().parent


@pytest.fixture(autouse=True)
def _pydantic_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """This module holds the pydantic path's memo (``model.shared``): the stand-ins of the common
    shape (``graph/fastwire``, held to pydantic by tests/test_graphfast6_fastwire.py) are off."""
    monkeypatch.setattr(reader, "fast_event", lambda raw: None)


def _json_files() -> list[Path]:
    paths = [*sorted((ROOT / "corpus" / "graph").glob("*.json")), *sorted((ROOT / "seeds" / "graph").glob("*.json")),
             *sorted((ROOT.parent / "samples" / "graph").glob("*.json")), ROOT / "producers" / "graph_exceptions_without_master.json"]
    out = []
    for path in paths:
        try:
            out.append(json.loads(path.read_bytes().decode("utf-8-sig")))
        except ValueError:
            continue  # Graph's docs' invalid samples
    return out


def _items(payload: Any) -> Iterator[Any]:
    if isinstance(payload, list):
        for item in payload:
            yield from _items(item)
    elif isinstance(payload, dict) and isinstance(payload.get("value"), list):
        yield from payload["value"]
    else:
        yield payload


def _base_events() -> list[dict[str, Any]]:
    events = [e for p in _json_files() for e in _items(p) if isinstance(e, dict)]
    return events + _generated_events(random.Random(7), 150)


# ------------------------------------------------------------------------------------------------
# Mutations
# ------------------------------------------------------------------------------------------------

_ODD_VALUES: list[Any] = [1, 0, 1.0, True, False, None, "1", "", "true", [], {}, ["x"], {"x": 1}, 2 ** 70,
                          "0001-01-01T00:00:00Z", "0001-01-01", "2026-03-02T17:15:36.3760425Z", "garbage",
                          "REQUIRED", "Accepted", " tentativelyaccepted ", "W. Europe Standard Time"]


def _places(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every key path inside ``value`` (objects and arrays)."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield (*path, key)
            yield from _places(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield (*path, i)
            yield from _places(item, (*path, i))


def _at(value: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        value = value[key]
    return value


def _mutate(event: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """One change somewhere in a copy of ``event``, weighted towards the shared objects."""
    e = copy.deepcopy(event)
    shared = [p for p in _places(e) if p[0] in gm.SHARED_FIELDS]
    paths = shared if shared and rng.random() < 0.8 else list(_places(e))
    if not paths or rng.random() < 0.05:
        return {k[:1].upper() + k[1:]: v for k, v in e.items()}  # legacy PascalCase
    path = rng.choice(paths)
    parent, key = _at(e, path[:-1]), path[-1]
    what = rng.randrange(7)
    if what == 0 and isinstance(parent, dict):
        del parent[key]
    elif what == 1 and isinstance(parent, dict):
        parent[rng.choice(["@odata.type", "extra", "@odata.etag", "proposedNewTime", "Name"])] = rng.choice(_ODD_VALUES)
    elif what == 2 and isinstance(parent[key], str):
        text = parent[key]
        parent[key] = rng.choice([text.upper(), text.lower(), f" {text} ", text + "0", text[:-1]])
    elif what == 3 and isinstance(parent, dict):
        parent[1] = "x"  # a key no JSON text has (a library caller's dict)
    else:
        parent[key] = copy.deepcopy(rng.choice(_ODD_VALUES))
    return e


def _cases() -> list[dict[str, Any]]:
    rng = random.Random(12)
    base = _base_events()
    return base + [_mutate(rng.choice(base), rng) for _ in range(4000)]


# ------------------------------------------------------------------------------------------------
# Comparison
# ------------------------------------------------------------------------------------------------

def _snapshot(value: Any) -> Any:
    """``value`` to the type of every leaf: models with their fields, extras and fields set."""
    if isinstance(value, BaseModel):
        return (type(value).__name__, [(k, _snapshot(v)) for k, v in value.__dict__.items()],
                _snapshot(value.__pydantic_extra__), sorted(value.model_fields_set, key=str))
    if isinstance(value, dict):
        return ("dict", [(_snapshot(k), _snapshot(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [_snapshot(v) for v in value])
    return (type(value).__name__, repr(value))


def _read(raw: dict[str, Any]) -> Any:
    try:
        return _snapshot(parse_event(raw))
    except InputError as err:
        return ("error", str(err))
    except (ValidationError, ValueError, TypeError, AttributeError) as exc:  # what the reader lets through (a non-string key in a legacy event)
        return ("raised", type(exc).__name__, str(exc))


def test_shared_objects_are_the_objects_validated_in_place(monkeypatch: pytest.MonkeyPatch) -> None:
    cases = _cases()
    shared = [_read(copy.deepcopy(c)) for c in cases]
    again = [_read(copy.deepcopy(c)) for c in cases]  # now from the memo's entries
    assert len(gm._shared) > 100  # the memo was used: a test of the shared path, not of the reference
    assert sum(s[0] == "error" for s in shared) > 200 and sum(s[0] == "Event" for s in shared) > 2000
    monkeypatch.setattr(gm, "SHARING", False)
    reference = [_read(copy.deepcopy(c)) for c in cases]
    for case, got, got_again, want in zip(cases, shared, again, reference):
        assert got == want, case
        assert got_again == want, case


def test_shared_objects_convert_as_in_place(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(5)
    base = _base_events()
    payloads = _json_files() + [{"value": _generated_events(random.Random(s), 120)} for s in range(3)] + \
        [{"value": [_mutate(rng.choice(base), rng) for _ in range(150)]} for _ in range(4)]
    shared = [_converted(p) for p in payloads]
    assert sum(isinstance(s, tuple) and len(s) == 3 for s in shared) > len(payloads) // 2
    monkeypatch.setattr(gm, "SHARING", False)
    assert shared == [_converted(p) for p in payloads]


def _converted(payload: Any) -> Any:
    try:
        return _convert(payload)
    except AttributeError as exc:  # a non-string key in a legacy event (legacy._camel), either way
        return ("raised", str(exc))


def test_a_shared_object_is_the_one_validated_before() -> None:
    raw = {"type": "required", "emailAddress": {"name": "Ana", "address": "ana@example.com"},
           "status": {"response": "Accepted", "time": "0001-01-01T00:00:00Z"}}
    first = gm.Event.model_validate({"attendees": [raw]}).attendees
    second = gm.Event.model_validate({"attendees": [dict(raw)]}).attendees
    assert first is not None and second is not None and first[0] is second[0]
    assert first[0].status is not None and first[0].status.response == "accepted" and first[0].status.time is None


@pytest.mark.parametrize("odd", ["1", 1, 1.0, True, None])
def test_values_equal_in_python_are_not_one_key(odd: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """``1 == 1.0 == True``: after the string ``"1"`` was shared, each is read by pydantic as itself."""
    def organizer(name: Any) -> Any:
        try:
            return _snapshot(gm.Event.model_validate({"organizer": {"emailAddress": {"name": name, "address": "a@b"}}}))
        except ValidationError as exc:
            return str(exc)

    organizer("1")
    got = organizer(odd)
    monkeypatch.setattr(gm, "SHARING", False)
    assert got == organizer(odd)


def test_identity_memos_give_what_the_mapper_gives_without_them(monkeypatch: pytest.MonkeyPatch) -> None:
    """``to_ical._by_attendee`` (an attendee's ATTENDEE by its shared model and RSVP) and
    ``to_ical._dumps`` (a stashed model's dump by object) against the mapper without them."""
    rng = random.Random(9)
    base = _base_events()
    payloads = _json_files() + [{"value": _generated_events(random.Random(s), 150)} for s in range(3)] + \
        [{"value": [_mutate(rng.choice(base), rng) for _ in range(150)]} for _ in range(3)]
    first = [_converted(p) for p in payloads]
    again = [_converted(p) for p in payloads]  # from the memos' entries
    assert len(to_ical._by_attendee) > 50 and len(to_ical._dumps) > 5
    monkeypatch.setattr(to_ical, "_by_attendee", _Forgetful())
    monkeypatch.setattr(to_ical, "_dumps", _Forgetful())
    reference = [_converted(p) for p in payloads]
    assert first == reference
    assert again == reference
