"""The fast paths of reading Graph JSON into the hub (issue 12) give what the reference paths give.

* ``jsonio.nesting_depth`` (the depth counted on the bytes) against ``jsonio.too_deep`` (the
  tree walk), on the corpus JSON, the hostile shapes and generated values whose strings hold
  brackets, quotes and backslashes;
* the Graph model's single ``@odata.*`` drop (skipped when the event's JSON spells none) against
  the forced walk, and against validating the input cleaned by a plain recursive reference;
* ``build.compact_json`` (orjson) against ``json.dumps``; ``build.splice_lines``' plan against the
  straightforward splice; the mapper's memos (attendees, addresses, zone names, date-times)
  against the same conversion with every memo switched off, on the corpus and generated events.
"""

from __future__ import annotations

import json
import math
import random
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from ics_bridge import build, clock
from ics_bridge import model as m
from ics_bridge.errors import InputError
from ics_bridge.io import jsonio
from ics_bridge.io.model_writer import write_calendar
from ics_bridge.providers.graph import model as gm
from ics_bridge.providers.graph import to_ical
from ics_bridge.providers.graph.reader import read_events
from ics_bridge.report import Report
from test_perf_paths import _depth  # the recursive definition of the nesting depth

ROOT = Path(__file__).resolve().parent


def _valid(paths: list[Path]) -> list[Path]:
    """The files that are one JSON value (the corpus also holds Graph's docs' invalid samples)."""
    out = []
    for path in paths:
        try:
            json.loads(path.read_bytes().decode("utf-8-sig"))
        except ValueError:
            continue
        out.append(path)
    return out


GRAPH = _valid(sorted((ROOT / "corpus" / "graph").glob("*.json")))
JSON_FILES = GRAPH + _valid(sorted((ROOT / "corpus" / "google").glob("*.json")))


def _same_verdicts(data: bytes) -> None:
    value = json.loads(data.decode("utf-8-sig"))
    real = _depth(value)
    for limit in sorted({0, 1, 2, real - 1, real, real + 1, 64}):
        if limit < 0:
            continue
        fast = jsonio.nesting_depth(data, limit)
        assert (fast > limit) == jsonio.too_deep(value, limit), (data[:200], limit)
        assert fast == min(real, limit + 1), (data[:200], limit)


@pytest.mark.parametrize("path", JSON_FILES, ids=lambda p: p.name)
def test_depth_on_bytes_is_the_tree_walk_on_the_corpus(path: Path) -> None:
    _same_verdicts(path.read_bytes())


_TRICKY = ['', '[', ']', '{', '}', '"', '\\', '\\"', '\\\\', '"]', '\\[', 'a"b', '{"x": [1]}', '😀', '\\ud83d', 'é',
           '\n', '\\u005c', '[[{{', '}}]]', 'String {9b8e5a3c} Name x', '\\\\"', '""']


def _value(rng: random.Random, depth: int) -> Any:
    kind = rng.random()
    if depth <= 0 or kind < 0.3:
        return rng.choice([rng.choice(_TRICKY) + rng.choice(_TRICKY), rng.randint(-5, 5), 1.5, None, True])
    if kind < 0.65:
        return [_value(rng, depth - 1) for _ in range(rng.randint(0, 3))]
    return {rng.choice(_TRICKY) + str(i): _value(rng, depth - 1) for i in range(rng.randint(0, 3))}


def test_depth_on_bytes_is_the_tree_walk_on_generated_values() -> None:
    rng = random.Random(12)
    for _ in range(600):
        value = _value(rng, rng.randint(0, 9))
        for text in (json.dumps(value), json.dumps(value, ensure_ascii=False, indent=rng.choice([None, 1, 2]))):
            _same_verdicts(text.encode("utf-8"))
    for n in (63, 64, 65, 200):  # around the default limit, objects and arrays mixed
        deep: Any = "x[{\\\"}]"
        for k in range(n):
            deep = [deep] if k % 2 else {"k]": deep}
        _same_verdicts(json.dumps(deep).encode())
    lines = b"\n".join(json.dumps(_value(rng, 5)).encode() for _ in range(20))  # JSON Lines
    found = jsonio.loads(lines)
    assert jsonio.nesting_depth(lines, 64) == min(max(_depth(v) for v in found), 65)


def test_loads_refuses_and_accepts_as_the_walk_does() -> None:
    rng = random.Random(5)
    for _ in range(200):
        value = _value(rng, rng.randint(0, 8))
        text = json.dumps(value).encode()
        limit = rng.randint(1, 6)
        fast = reference = None
        try:
            jsonio.loads(text, max_depth=limit)
        except Exception as exc:  # noqa: BLE001 - the message is compared
            fast = str(exc)
        try:
            jsonio.check_value(json.loads(text), max_depth=limit)
        except Exception as exc:  # noqa: BLE001
            reference = str(exc)
        assert fast == reference


# ------------------------------------------------------------------------------------------------
# @odata.* annotations
# ------------------------------------------------------------------------------------------------

def _reference_clean(cls: type[gm.GraphModel], data: Any) -> Any:
    """Annotations dropped from every object a model reads, the plain recursive way."""
    if not isinstance(data, dict):
        return data
    out = {k: v for k, v in data.items() if not (isinstance(k, str) and "@odata." in k)}
    for name, field in cls.model_fields.items():
        model, many = gm._models_in(field.annotation)
        if model is None or name not in out:
            continue
        value = out[name]
        if many and isinstance(value, (list, tuple)):
            out[name] = [_reference_clean(model, item) for item in value]
        elif not many:
            out[name] = _reference_clean(model, value)
    return out


def _annotate(rng: random.Random, value: Any) -> Any:
    """``value`` with ``@odata.*`` keys sprinkled into its objects (model ones and kept ones)."""
    if isinstance(value, dict):
        out = {k: _annotate(rng, v) for k, v in value.items()}
        if rng.random() < 0.5:
            out[rng.choice(["@odata.type", "@odata.etag", "dateTime@odata.type", "x@odata.navigationLink"])] = \
                rng.choice(["#microsoft.graph.x", {"@odata.id": "y"}, 3])
        return out
    if isinstance(value, list):
        return [_annotate(rng, v) for v in value]
    return value


def _graph_items() -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for path in GRAPH:
        for _where, raw in jsonio.entries(json.loads(path.read_bytes())):
            if isinstance(raw, dict):
                items.append(raw)
    return items + _generated_events(random.Random(7), 150)


def _validated(raw: dict[str, Any]) -> Any:
    try:
        e = gm.Event.model_validate(raw)
    except Exception as exc:  # noqa: BLE001 - the error is compared
        return ("error", str(exc))
    return e.model_dump(mode="json", by_alias=True), sorted(e.model_fields_set)


def test_annotations_dropped_as_the_reference_drops_them(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(3)
    for raw in _graph_items():
        annotated = _annotate(rng, raw)
        before = repr(annotated)
        fast = _validated(annotated)
        assert repr(annotated) == before  # the caller's object is not changed
        assert fast == _validated(_reference_clean(gm.Event, annotated))
    plain = [_validated(raw) for raw in _graph_items() + _legacy_items()]
    monkeypatch.setattr(gm, "_may_hold_annotation", lambda data: True)  # the walk on every event
    monkeypatch.setattr(gm, "_CAMEL_CASE_KEYS", frozenset())  # legacy.normalize_legacy on every event
    assert [_validated(raw) for raw in _graph_items() + _legacy_items()] == plain


def _legacy_items() -> list[dict[str, Any]]:
    """Outlook REST's PascalCase shape (seed 004), some with v1.0 names and annotations mixed in."""
    base = {"Id": "AAMk", "Subject": "legacy", "Start": "2026-03-02T09:00:00Z", "StartTimeZone": "Pacific Standard Time",
            "End": "2026-03-02T10:00:00Z", "EndTimeZone": "Pacific Standard Time", "Reminder": 15,
            "DateTimeCreated": "2026-01-01T00:00:00Z", "@odata.id": "x"}
    return [base, {**base, "subject": "both"}, {"subject": "v1", "Importance": "High"}, {"id": "x", "@removed": {}},
            {"id": "y", "Body": {"ContentType": "HTML", "Content": "<b>x</b>"}}]


def test_enum_is_canonical_enum() -> None:
    from ics_bridge.wire import canonical_enum

    class Sub(str):
        pass

    for vocabulary in (gm.RESPONSES, gm.DAYS, gm.SHOW_AS, gm.EVENT_TYPES, gm.LOCATION_TYPES):
        for word in vocabulary:
            for value in (word, word.upper(), f" {word} ", word.capitalize(), Sub(word), Sub(word.upper())):
                assert gm._enum(value, vocabulary) == canonical_enum(value, vocabulary)
                assert type(gm._enum(value, vocabulary)) is type(canonical_enum(value, vocabulary))
        for other in ("", "unknown-x", None, 3, ["a"]):
            assert gm._enum(other, vocabulary) == canonical_enum(other, vocabulary)


def test_text_line_and_alarm_memos_are_the_builders() -> None:
    for text in ["BUSY", "a,b;c\\d\nx", "x\r\ny", "é" * 300, "", "BUSY"]:
        for params in ((), (m.Param("FMTTYPE", ("text/html",)),)):
            assert build.text_line("X-A", text, params) == build._text_line("X-A", text, params)
    for args in ((15,), (0,), (15.0,), (True,), (10, "EMAIL", "Mail"), (5, "DISPLAY", "Reminder", True)):
        assert build.make_alarm(*args) == build.make_alarm.__wrapped__(*args)
    assert build.make_alarm(1).trigger.text == "-PT1M" and build.make_alarm(1.0).trigger.text == "-PT1.0M"


def test_the_input_object_is_not_changed() -> None:
    raw = {"subject": "s", "@odata.etag": "W/1", "start": {"dateTime": "2026-03-10T09:00:00", "timeZone": "UTC",
                                                          "@odata.type": "t"},
           "attendees": [{"emailAddress": {"address": "a@b", "@odata.type": "t"}}]}
    before = json.dumps(raw)
    e = gm.Event.model_validate(raw)
    assert json.dumps(raw) == before
    assert not e.extras() and not e.start.extras() and not e.attendees[0].emailAddress.extras()


# ------------------------------------------------------------------------------------------------
# stash JSON, kept lines
# ------------------------------------------------------------------------------------------------

def _json_reference(data: Any) -> Any:
    try:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    except (TypeError, ValueError) as exc:
        return type(exc)


def test_compact_json_is_json_dumps() -> None:
    rng = random.Random(9)
    samples: list[Any] = [{"b": 1e-05, "a": 2.5e-7}, {"x": 1e16, "y": -0.0, "z": 0.0001}, {"n": math.nan},
                          {"i": math.inf}, {"big": 2 ** 70}, {"s": "\ud800"}, {1: "int key"}, {"c": "\x00\x1f\x7f\u2028é"},
                          {"z": {"b": [1, {"d": 2, "c": 3}]}, "a": None}, {"t": (1, 2)}, {"f": 123456789.125}]
    samples += [{"k": _value(rng, 4), "f": rng.uniform(-1e20, 1e20), "g": rng.random() / 10 ** rng.randint(0, 9)}
                for _ in range(300)]
    samples += [raw for raw in _graph_items()]
    for data in samples:
        try:
            fast: Any = build.compact_json(data)
        except (TypeError, ValueError) as exc:
            fast = type(exc)
        assert fast == _json_reference(data), data


def _reference_splice(event: build.EventBuilder, text: str) -> bool:
    """The straightforward splice (each text read and walked on every call)."""
    body = text.strip()
    found = build._kept_event(body)
    if found is None:
        return False
    for name in build._names_in(body):
        event.note(name)
    for name in build._LISTS:
        getattr(event, name).extend(getattr(found, name))
    event.other.extend(found.other)
    params = dict(found.params)
    for f in build._SINGLE_FIELDS:
        value = getattr(found, f)
        if value is None:
            continue
        if event.fields.get(f) is None:
            event.fields[f] = value
            prop = build._PROPERTY_OF.get(f)
            if prop and prop in params:
                event.params[prop] = params[prop]
    return True


_KEPT = ["SEQUENCE:3", "SEQUENCE:3\r\nX-FOO;X-P=1:bar", "SUMMARY:kept\r\nLOCATION;LANGUAGE=de:Raum",
         "DTSTART;TZID=Europe/Berlin:20260310T090000\r\nRRULE:FREQ=DAILY;COUNT=2\r\nCOMMENT:c",
         "BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT5M\r\nDESCRIPTION:x\r\nEND:VALARM\r\nX-A:1",
         "ATTENDEE;CN=A:mailto:a@example.com\r\nCATEGORIES:a,b\r\nURL:https://example.com/x",
         "ORGANIZER;CN=O:mailto:o@example.com\r\nGEO:1.5;2.5\r\nCLASS:PRIVATE", "not a content line", ""]


@pytest.mark.parametrize("text", _KEPT)
def test_splice_plan_is_the_straightforward_splice(text: str) -> None:
    for prefilled in (False, True):
        fast, ref = build.EventBuilder(), build.EventBuilder()
        for b in (fast, ref):
            if prefilled:
                b.set("summary", "mine")
                b.set("location", "here", (m.Param("X-P", ("1",)),))
                b.add("COMMENT", "first")
        for _ in range(2):  # the second time from the cached plan
            assert build.splice_lines(fast, text) == _reference_splice(ref, text)
            assert {s: getattr(fast, s) for s in build.EventBuilder.__slots__} == \
                {s: getattr(ref, s) for s in build.EventBuilder.__slots__}


# ------------------------------------------------------------------------------------------------
# the mapper's memos
# ------------------------------------------------------------------------------------------------

class _Forgetful(dict):  # type: ignore[type-arg]
    """A memo that keeps nothing: every call takes the reference path."""

    def __setitem__(self, key: Any, value: Any) -> None:
        pass


_ZONES = ["W. Europe Standard Time", "Pacific Standard Time", "UTC", "Europe/Berlin", "Tokyo Standard Time",
          "Not A Zone", "tzone://Microsoft/Custom", "(UTC+01:00) Amsterdam, Berlin", ""]


def _generated_events(rng: random.Random, n: int) -> list[dict[str, Any]]:
    """Graph events whose people, zones and kept lines repeat (what the memos key on), with
    unknown attendee types and responses (reported, never memoised) among them."""
    out: list[dict[str, Any]] = []
    for i in range(n):
        zone = rng.choice(_ZONES)
        day = 1 + rng.randrange(28)
        hour = rng.choice([8, 9, 9, 10])
        e: dict[str, Any] = {
            "id": f"id{i}", "iCalUId": f"uid-{i % 40}" if rng.random() < 0.2 else f"uid-{i}", "subject": f"s{i}",
            "type": rng.choice(["singleInstance", "singleInstance", "seriesMaster", "exception", "occurrence"]),
            "start": {"dateTime": f"2026-03-{day:02d}T{hour:02d}:00:00.0000000", "timeZone": zone},
            "end": {"dateTime": f"2026-03-{day:02d}T{hour + 1:02d}:30:00.0000000",
                    "timeZone": rng.choice([zone, zone, "UTC"])},
            "originalStartTimeZone": rng.choice([zone, "W. Europe Standard Time", None]),
            "originalEndTimeZone": rng.choice([zone, "Pacific Standard Time", None]),
            "responseRequested": rng.choice([True, False, None]),
            "organizer": {"emailAddress": {"name": rng.choice(["Ana", "Bo", None]), "address": "ana@example.com"}},
            "attendees": [{"type": rng.choice(["required", "Optional", "resource", "weird", None]),
                           "emailAddress": {"name": rng.choice(["Ana", "Zoë", None]),
                                            "address": rng.choice(["a@example.com", "b@example.com", None])},
                           "status": {"response": rng.choice(["accepted", "none", "organizer", "maybe", None]),
                                      "time": rng.choice(["0001-01-01T00:00:00Z", "2026-01-02T03:04:05Z", None])},
                           **({"proposedNewTime": {"start": {"dateTime": "2026-03-02T10:00:00", "timeZone": "UTC"},
                                                   "end": {"dateTime": "2026-03-02T11:00:00", "timeZone": "UTC"}}}
                              if rng.random() < 0.1 else {})}
                          for _ in range(rng.randint(0, 4))],
            "singleValueExtendedProperties": [{"id": "String {9b8e5a3c-1f2d-4c6b-8a7e-3d2f1e0c9b8a} Name ics-bridge.ical",
                                               "value": rng.choice(_KEPT[:7])}],
            "location": {"displayName": "Raum", "coordinates": {"latitude": 1e-05, "longitude": 2.5}}
            if rng.random() < 0.2 else {"displayName": "Raum 3.14"},
        }
        if e["type"] == "seriesMaster":
            e["recurrence"] = {"pattern": {"type": "weekly", "interval": 1, "daysOfWeek": ["Monday"]},
                               "range": {"type": "numbered", "startDate": f"2026-03-{day:02d}",
                                         "numberOfOccurrences": 5, "recurrenceTimeZone": zone}}
        if e["type"] in ("exception", "occurrence"):
            e["seriesMasterId"] = f"id{rng.randrange(max(i, 1))}"
            e["originalStart"] = f"2026-03-{day:02d}T{hour:02d}:00:00Z"
        out.append(e)
    return out


def _convert(payload: Any) -> tuple[bytes, list[Any], list[str]]:
    report = Report()
    errors: list[Any] = []
    events = [e for e in read_events(payload) if not isinstance(e, InputError)]  # models and fastwire stand-ins
    with clock.fixed(datetime(2026, 1, 1, 12, 0, tzinfo=timezone.utc)):
        cal = to_ical.events_to_calendar(events, report, errors)
    return write_calendar(cal), report.entries, [str(e) for e in errors]


def _payloads() -> list[Any]:
    return [json.loads(p.read_bytes()) for p in GRAPH] + [{"value": _generated_events(random.Random(s), 120)}
                                                        for s in range(4)]


def test_memos_give_what_the_reference_path_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    payloads = _payloads()
    fast = [_convert(p) for p in payloads]
    again = [_convert(p) for p in payloads]  # now from the memos' contents
    for memo in ((to_ical, "_attendees"), (to_ical, "_resolved"), (build, "_addresses"), (gm, "_parsed"),
                 (build, "_text_lines")):
        monkeypatch.setattr(*memo, _Forgetful())
    monkeypatch.setattr(build, "_splice_of", build._splice_of.__wrapped__)
    monkeypatch.setattr(to_ical, "make_alarm", build.make_alarm.__wrapped__)
    reference = [_convert(p) for p in payloads]
    assert fast == reference
    assert again == reference


def test_parse_graph_datetime_memo_is_the_parse() -> None:
    for text in ["2026-03-02T17:15:36.3760425Z", "2026-03-02T17:15:36", "0001-01-01T00:00:00Z", " 2026-03-02 ",
                 "2026-03-02T17:15:36+05:30", "2026-03-02T17:15:36.3760425Z"]:
        assert gm.parse_graph_datetime(text) == gm._parse_graph_datetime(text)
    for bad in ["garbage", "2026-13-01T00:00:00", 5]:
        with pytest.raises((ValueError, TypeError, AttributeError)):
            gm.parse_graph_datetime(bad)  # type: ignore[arg-type]
