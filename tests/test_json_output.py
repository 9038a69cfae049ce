"""JSON output is written by orjson (``io/jsonio.dumps``) with exactly the bytes of
``json.dumps(value, indent=2, ensure_ascii=False)``, which every Graph and Google golden holds."""

from __future__ import annotations

import json
from typing import Any

import orjson
import pytest

from ics_bridge import convert
from ics_bridge.io import jsonio


def reference(value: Any) -> bytes:
    return json.dumps(value, indent=2, ensure_ascii=False).encode("utf-8")


EVENT = {
    "subject": "Weekly sync — Zürich 😀",
    "body": {"contentType": "html", "content": "<p>Line\none\ttab \"quoted\" back\\slash \u2028 \x00\x1f\x7f</p>"},
    "start": {"dateTime": "2026-03-02T09:00:00.0000000", "timeZone": "W. Europe Standard Time"},
    "isAllDay": False,
    "reminderMinutesBeforeStart": 15,
    "categories": [],
    "singleValueExtendedProperties": [{"id": "String {…} Name X-ICSBRIDGE", "value": "{}"}],
    "location": {"displayName": "Room 1", "coordinates": {"latitude": 47.3769, "longitude": 8.5417,
                                                         "accuracy": 0.0, "altitude": -12.5}},
    "recurrence": None,
    "attendees": [{"emailAddress": {"address": "a@example.com", "name": ""}, "type": "required"}],
    "empty": {},
    "tuple": (1, "two"),
    "big": 2**62,
}


def test_a_provider_item_is_written_by_orjson_with_json_dumps_bytes() -> None:
    assert jsonio.dumps(EVENT) == reference(EVENT) == orjson.dumps(EVENT, option=orjson.OPT_INDENT_2)
    assert jsonio.dumps({"value": [EVENT, EVENT]}) == reference({"value": [EVENT, EVENT]})


@pytest.mark.parametrize("odd", [1e-05, 7.294865710679082e-05, float("nan"), float("inf"), 2**70, -(2**70)])
def test_values_orjson_spells_otherwise_take_the_json_writer(odd: Any) -> None:
    value = {"value": [{"x": [odd, None]}]}
    assert jsonio.dumps(value) == reference(value)


def test_non_string_keys_take_the_json_writer() -> None:
    value = {1: "a", None: "b", False: [], 2.5: {}}
    assert jsonio.dumps(value) == reference(value)


def test_a_date_is_refused_as_json_refuses_it() -> None:
    from datetime import date
    with pytest.raises(TypeError, match="not JSON serializable"):
        jsonio.dumps({"start": date(2026, 3, 2)})


def test_a_lone_surrogate_still_fails_when_encoded() -> None:
    with pytest.raises(UnicodeEncodeError):
        jsonio.dumps({"subject": "\ud800"})


def test_a_conversion_writes_the_same_bytes_as_json_dumps() -> None:
    ics = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:u1\r\n"
           b"DTSTAMP:20260101T000000Z\r\nDTSTART:20260302T090000Z\r\nDTEND:20260302T100000Z\r\n"
           b"SUMMARY:Caf\xc3\xa9 \xe2\x80\x94 planning\r\nGEO:47.3769;8.5417\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    for to in ("graph", "google"):
        conv = convert(ics, to=to)  # type: ignore[arg-type]
        assert conv.to_bytes() == reference(conv.data) + b"\n"


@pytest.mark.parametrize("value", [EVENT, {"value": [{"x": [1e-05, None]}]}, {1: "a"}, [], {}, "text"])
def test_newline_is_one_line_feed_after_the_document_on_both_writers(value: Any) -> None:
    """``dumps(newline=True)``: orjson's OPT_APPEND_NEWLINE, or the json writer's text plus "\\n"
    (the conversion's output file ends with one line feed, as every golden does)."""
    assert jsonio.dumps(value, newline=True) == reference(value) + b"\n"
    assert jsonio.dumps(value) == reference(value)


@pytest.mark.parametrize("tiny", [1.5e-07, -2.5e-08, 9e-09, 1e-07, 1.25e-09, 3e-10, 1e-300])
def test_one_digit_exponents_are_written_as_json_writes_them(tiny: float) -> None:
    """orjson writes 1.5e-07 as ``1.5e-7``; the output must hold json's ``1.5e-07``."""
    for value in ({"coordinates": {"latitude": tiny}}, [tiny], {"a": [1, tiny]}, {"x": tiny, "y": "z"}):
        assert jsonio.dumps(value) == reference(value)
        assert jsonio.dumps(value, newline=True) == reference(value) + b"\n"


def test_exponent_like_text_in_strings_keeps_orjson() -> None:
    """A GUID (``…8a7e-3d…``) or text ``e-7,`` in a string is not a number: orjson's bytes stand."""
    value = {"id": "String {9b8e5a3c-1f2d-4c6b-8a7e-3d2f1e0c9b8a} Name X", "text": "see e-7, then 2e-7]"}
    assert jsonio.dumps(value) == reference(value)
    assert not jsonio._short_exponent(orjson.dumps({"id": value["id"]}, option=orjson.OPT_INDENT_2))
    assert jsonio._short_exponent(orjson.dumps({"v": 1.5e-07}, option=orjson.OPT_INDENT_2))
