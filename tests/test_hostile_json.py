"""Hostile and broken Graph / Google JSON input (issue 6): a Conversion with the bad event in
``errors`` (file, event, field), or an InputError for the whole file — nothing else."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hostile.cases import TARGETS, bad_json_event, google_available, json_list, run
from ics_bridge.errors import InputError
from ics_bridge.limits import Limits
from ics_bridge.options import Options

FILE = "hostile.json"
SEEDS = Path(__file__).parent / "seeds" / "graph"
SOURCES = ("graph", "google")


def _skip_google(*names: str) -> None:
    if "google" in names and not google_available():
        pytest.skip("ics_bridge.providers.google is not there yet")


@pytest.fixture(params=TARGETS)
def target(request: pytest.FixtureRequest) -> str:
    _skip_google(request.param)
    return request.param


@pytest.fixture(params=SOURCES)
def source(request: pytest.FixtureRequest) -> str:
    _skip_google(request.param)
    return request.param


def convert(data, target: str, source: str, **kw):
    return run(data, target, source, FILE, **kw)


def ok(data, target, source, **kw):
    conv = convert(data, target, source, **kw)
    assert not isinstance(conv, InputError), f"unexpected InputError: {conv}"
    return conv


def refused(data, target, source, *words, **kw) -> InputError:
    err = convert(data, target, source, **kw)
    assert isinstance(err, InputError), "expected the whole file to be refused"
    assert err.file == FILE
    for word in words:
        assert word in str(err), str(err)
    return err


def good_only(conv, target: str) -> None:
    """Only the good event arrived."""
    events = conv.calendar.walk("VEVENT")
    assert [str(e["UID"]) for e in events] == ["good-1"]


def bad_error(conv, field_part: str):
    assert len(conv.errors) == 1, [str(e) for e in conv.errors]
    err = conv.errors[0]
    assert err.file == FILE and err.uid == "bad-1", str(err)
    assert err.field and field_part in err.field, str(err)
    assert FILE in str(err) and "bad-1" in str(err)
    return err


# ------------------------------------------------------------------------------ whole-file

def test_trailing_comma_seed_from_graph_docs(target: str) -> None:
    data = (SEEDS / "001_v1.0-create_ex6.response.invalid.json").read_bytes()
    refused(data, target, "graph", "invalid JSON at line", "column")


def test_trailing_comma(target: str, source: str) -> None:
    text = json.dumps(json_list(source))[:-2] + ",]}"
    refused(text, target, source, "invalid JSON")


def test_deeply_nested_json(target: str, source: str) -> None:
    refused("[" * 100_000 + "]" * 100_000, target, source, "nested too deeply", "max_json_depth")


def test_moderately_nested_json_over_the_limit(target: str, source: str) -> None:
    event = bad_json_event(source, extensions=json.loads("[" * 200 + "]" * 200))
    refused(json.dumps(json_list(source, event)), target, source, "nested deeper than 64")


def test_non_utf8_json(target: str, source: str) -> None:
    data = json.dumps(json_list(source, bad_json_event(source, subject="Café", summary="Café")),
                      ensure_ascii=False).encode("latin-1")
    refused(data, target, source, "not UTF-8")


def test_nan_is_not_json(target: str, source: str) -> None:
    refused('{"value": [{"id": "x", "reminderMinutesBeforeStart": NaN}]}', target, source, "NaN")


@pytest.mark.parametrize("text, words", [("null", "found null"), ('"hello"', 'found the string "hello"'),
                                         ("42", "found the number 42"), ("", "invalid JSON")])
def test_not_an_object(target: str, source: str, text: str, words: str) -> None:
    refused(text, target, source, words)


def test_huge_array_over_the_event_limit_is_refused_before_any_event_is_read(target: str, source: str,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    good = json_list(source)
    key = "value" if source == "graph" else "items"
    good[key] = [dict(good[key][0], id=f"i{i}") for i in range(100_000)]
    from ics_bridge.providers.google import model as google_model
    from ics_bridge.providers.graph import model as graph_model
    validated: list[int] = []
    for model in (graph_model.Event, google_model.Event):
        original = model.model_validate
        monkeypatch.setattr(model, "model_validate",
                            classmethod(lambda cls, *a, _o=original, **k: validated.append(1) or _o(*a, **k)))
    refused(json.dumps(good), target, source, "100000 events", "max_events",
            options=Options(limits=Limits(max_events=50_000)))
    assert validated == []  # refused on the count, before any event was built


def test_many_events_all_convert(source: str) -> None:
    """Thousands of tiny events all arrive (their speed is measured by bench/, not here)."""
    key = "value" if source == "graph" else "items"
    data = json_list(source)
    data[key] = [dict(data[key][0], id=f"i{i}", iCalUId=f"u{i}", iCalUID=f"u{i}") for i in range(4000)]
    conv = ok(json.dumps(data), "ics", source)
    assert len(conv.calendar.walk("VEVENT")) == 4000
    assert len({str(e["UID"]) for e in conv.calendar.walk("VEVENT")}) == 4000


# ------------------------------------------------------------------------------ per event

def test_start_is_a_string(target: str, source: str) -> None:
    conv = ok(json_list(source, bad_json_event(source, start="yes")), target, source)
    good_only(conv, target)
    bad_error(conv, "start")


def test_attendees_is_an_object(target: str, source: str) -> None:
    conv = ok(json_list(source, bad_json_event(source, attendees={})), target, source)
    good_only(conv, target)
    bad_error(conv, "attendees")


def test_attendee_is_a_string(target: str, source: str) -> None:
    conv = ok(json_list(source, bad_json_event(source, attendees=["bob@example.com"])), target, source)
    good_only(conv, target)
    bad_error(conv, "attendees")


def test_number_where_a_string_is_expected(target: str, source: str) -> None:
    name = "subject" if source == "graph" else "summary"
    conv = ok(json_list(source, bad_json_event(source, **{name: 5})), target, source)
    good_only(conv, target)
    bad_error(conv, name)


def test_missing_start_and_end(target: str, source: str) -> None:
    conv = ok(json_list(source, bad_json_event(source, start=None, end=None)), target, source)
    good_only(conv, target)
    err = conv.errors[0]
    assert len(conv.errors) == 1 and err.uid == "bad-1" and "start" in str(err)


def test_invalid_date(target: str, source: str) -> None:
    start = ({"dateTime": "2026-13-45T99:00:00", "timeZone": "UTC"} if source == "graph"
             else {"dateTime": "2026-13-45T99:00:00Z"})
    conv = ok(json_list(source, bad_json_event(source, start=start)), target, source)
    good_only(conv, target)
    bad_error(conv, "start")


def test_graph_unknown_enum_values(target: str) -> None:
    bad = bad_json_event("graph", showAs="sleeping", importance="extreme", sensitivity="secret")
    conv = ok(json_list("graph", bad), target, "graph")
    assert not conv.errors
    reported = {e.field for e in conv.report if e.uid == "bad-1"}
    assert {"showAs", "importance", "sensitivity"} <= reported


def test_google_unknown_enum_values(target: str) -> None:
    _skip_google("google")
    bad = bad_json_event("google", transparency="glass", visibility="nope")
    conv = convert(json_list("google", bad), target, "google")
    if isinstance(conv, InputError):
        pytest.fail(f"one bad event refused the whole file: {conv}")
    assert "good-1" in [str(e["UID"]) for e in conv.calendar.walk("VEVENT")]
    named = [e for e in conv.errors if e.uid == "bad-1"] + [e for e in conv.report if e.uid == "bad-1"
                                                             and e.field in ("transparency", "visibility")]
    assert named, "the unknown values were neither an error nor reported"


def test_graph_bad_recurrence_pattern(target: str) -> None:
    bad = bad_json_event("graph", recurrence={"pattern": {"type": "hourly", "interval": -1}, "range": {"type": "x"}})
    conv = ok(json_list("graph", bad), target, "graph")
    good_only(conv, target)
    bad_error(conv, "recurrence")


def test_google_bad_recurrence_lines(target: str) -> None:
    _skip_google("google")
    bad = bad_json_event("google", recurrence=["RRULE:FREQ=FOO", "EXDATE:nonsense"])
    conv = ok(json_list("google", bad), target, "google")
    assert "good-1" in [str(e["UID"]) for e in conv.calendar.walk("VEVENT")]


def test_null_everywhere(target: str, source: str) -> None:
    base = bad_json_event(source)
    nulls = {key: None for key in base}
    nulls["id"] = "bad1"
    key = "value" if source == "graph" else "items"
    data = json_list(source)
    data[key].append(nulls)
    conv = ok(data, target, source)
    good_only(conv, target)
    assert len(conv.errors) == 1 and "start" in str(conv.errors[0])


# ------------------------------------------------------------------------------ per item (issue 15)

NOT_OBJECTS = [(None, "found null"), ("bob@example.com", 'found the string "bob@example.com"'),
               (42, "found the number 42"), ([{"subject": "x"}], "found an array")]


@pytest.mark.parametrize("bad, words", NOT_OBJECTS, ids=["null", "string", "number", "array"])
def test_item_that_is_not_an_object_costs_only_itself(target: str, source: str, bad: object, words: str) -> None:
    """One ``null`` in ``value``/``items`` used to refuse the whole file; now it is one error
    naming its place, and the event beside it (and after it) converts."""
    data = json_list(source, bad, bad_json_event(source))
    key = "value" if source == "graph" else "items"
    conv = ok(data, target, source)
    uids = sorted(str(e["UID"]) for e in conv.calendar.walk("VEVENT"))
    assert uids == ["bad-1", "good-1"]
    assert [str(e) for e in conv.errors] == [f"{FILE}: {key}[1]: expected an event object, {words}"]
    assert conv.errors[0].item == f"{key}[1]"


WRONG_TYPES = {
    "graph": [("start", "2025-03-10T15:00:00", "start", 'expected an object (DateTimeTimeZone), found the string'),
              ("attendees", "bob@example.com", "attendees", 'expected an array, found the string "bob@example.com"'),
              ("isAllDay", "yes", "isAllDay", 'expected true or false, found the string "yes"'),
              ("recurrence", 7, "recurrence", "expected an object (PatternedRecurrence), found the number 7"),
              ("body", ["<p>hi</p>"], "body", "expected an object (ItemBody), found an array")],
    "google": [("start", "2025-03-10T15:00:00", "start", "expected an object (EventDateTime), found the string"),
               ("attendees", "bob@example.com", "attendees", 'expected an array, found the string "bob@example.com"'),
               ("endTimeUnspecified", "yes", "endTimeUnspecified", 'expected true or false, found the string "yes"'),
               ("recurrence", 7, "recurrence", "expected an array, found the number 7"),
               ("description", ["hi"], "description", "expected a string, found an array")],
}


@pytest.mark.parametrize("case", range(5))
def test_item_with_a_field_of_the_wrong_type(target: str, source: str, case: int) -> None:
    """The issue's examples: the error names file, place, event, field and what was expected;
    ``"yes"`` is no longer read as true (pydantic's lax booleans)."""
    name, value, field, words = WRONG_TYPES[source][case]
    data = json_list(source, bad_json_event(source, **{name: value}))
    conv = ok(data, target, source)
    good_only(conv, target)
    err = bad_error(conv, field)
    key = "value" if source == "graph" else "items"
    assert err.item == f"{key}[1]" and err.field == field
    assert str(err).startswith(f"{FILE}: {key}[1]: event bad-1: field {field}: {words}"), str(err)


@pytest.mark.parametrize("spelled, expected", [(True, True), ("false", False), ("TRUE", True)])
def test_booleans_as_json_or_as_true_false_strings(source: str, spelled: object, expected: bool) -> None:
    """JSON booleans and the strings "true"/"false" are the booleans they spell; only other
    values ("yes", 1) are refused."""
    name = "isAllDay" if source == "graph" else "guestsCanModify"
    conv = ok(json_list(source, bad_json_event(source, **{name: spelled})), "ics", source)
    assert not conv.errors


def test_bare_array_and_json_lines_name_the_item(source: str) -> None:
    good = json_list(source)["value" if source == "graph" else "items"][0]
    conv = ok([good, None, bad_json_event(source)], "ics", source)
    assert [str(e) for e in conv.errors] == [f"{FILE}: [1]: expected an event object, found null"]
    assert len(conv.calendar.walk("VEVENT")) == 2
    lines = "\n".join([json.dumps(good), "", "7", json.dumps(bad_json_event(source, attendees="bob@example.com"))])
    conv = ok(lines, "ics", source)
    assert [e.item for e in conv.errors] == ["line 3", "line 4"]
    assert "found the number 7" in str(conv.errors[0])
    assert [str(e["UID"]) for e in conv.calendar.walk("VEVENT")] == ["good-1"]


def test_only_bad_items_is_no_whole_file_error(target: str, source: str) -> None:
    key = "value" if source == "graph" else "items"
    conv = ok({key: [None, "x"]} if source == "graph" else {"kind": "calendar#events", key: [None, "x"]},
              target, source)
    assert len(conv.errors) == 2 and not conv.calendar.walk("VEVENT")


@pytest.mark.parametrize("source_name", SOURCES)
def test_huge_integers(target: str, source_name: str) -> None:
    _skip_google(source_name)
    bad = bad_json_event(source_name, reminderMinutesBeforeStart=10**30,
                         reminders={"useDefault": False, "overrides": [{"method": "popup", "minutes": 10**30}]})
    conv = ok(json_list(source_name, bad), target, source_name)
    if source_name == "google":  # the override cannot be a date: dropped and reported
        assert any(loss.field == "reminders.overrides.minutes" for loss in conv.report), conv.report.as_text()


def test_lone_surrogate_becomes_the_replacement_character(target: str, source: str) -> None:
    """JSON may escape half a UTF-16 pair alone (``"\\ud800"``); no UTF-8 output can hold it.
    It becomes U+FFFD, reported, and every event still arrives."""
    data = json_list(source)
    key = "value" if source == "graph" else "items"
    field = "subject" if source == "graph" else "summary"
    data[key][0][field] = "Plan \ud800 review"
    conv = ok(json.dumps(data), target, source)  # json.dumps escapes the surrogate, as a producer would
    out = conv.to_bytes().decode("utf-8")
    assert "Plan \ufffd review" in out.replace("\\ufffd", "\ufffd")
    assert any("lone UTF-16 surrogate" in e.reason for e in conv.report)


def test_lone_surrogate_is_reported_when_the_format_is_detected(source: str, tmp_path: Path) -> None:
    """Without ``--from``, the JSON is parsed once to tell Graph from Google (``pipeline.sniff``);
    the surrogate that parse repairs is still reported, by the library and by the CLI's batch
    (which used to parse without a report: "0 losses")."""
    from ics_bridge import convert
    from ics_bridge.batch import convert_paths

    data = json_list(source)
    key = "value" if source == "graph" else "items"
    field = "subject" if source == "graph" else "summary"
    data[key][0][field] = "Plan \ud800 review"
    text = json.dumps(data)
    conv = convert(text.encode(), to="ics")
    assert [e.field for e in conv.report if "lone UTF-16 surrogate" in e.reason] == ["JSON"]
    (tmp_path / "in.json").write_text(text)
    result = convert_paths([tmp_path / "in.json"], to="ics", output=tmp_path / "out.ics")
    assert result.exit_code() == 0
    assert [e.field for e in result.entries if "lone UTF-16 surrogate" in e.reason] == ["JSON"]
    assert result.losses == 1
    assert "Plan \ufffd review" in (tmp_path / "out.ics").read_text(encoding="utf-8")


def test_bad_inline_exception_occurrence_costs_only_itself(target: str) -> None:
    """Found by ``fuzz_atheris.py graph-items``: a beta ``exceptionOccurrences`` entry with a
    field of the wrong type raised pydantic's ValidationError out of the whole conversion."""
    master = bad_json_event("graph", type="seriesMaster",
                            recurrence={"pattern": {"type": "daily", "interval": 1},
                                        "range": {"type": "numbered", "startDate": "2024-01-08",
                                                  "numberOfOccurrences": 3}},
                            exceptionOccurrences=[{"id": "x1", "attendees": False}])
    conv = ok(json_list("graph", master), target, "graph")
    assert sorted({str(e["UID"]) for e in conv.calendar.walk("VEVENT")}) == ["bad-1", "good-1"]
    assert [(e.uid, e.field) for e in conv.errors] == [("bad-1", "exceptionOccurrences.0.attendees")]
    assert "expected an array, found false" in str(conv.errors[0])
