"""A library caller's own ``icalendar.Calendar`` holding lone UTF-16 surrogates converts as the text
input path converts them: each replaced by U+FFFD and reported, never a ``UnicodeEncodeError``.

Why: a Python string may hold half a UTF-16 pair (``json.loads('"\\\\ud800"')``, ``surrogateescape``);
UTF-8 cannot encode it (RFC 3629 3), so icalendar's writer, which both crossings of the library edge
use (``edge.calendar_to_model``) and which writes a caller's calendar as .ics, failed with a
traceback.  ``edge.without_lone_surrogates`` repairs a copy; the caller's calendar is not changed.
"""

from __future__ import annotations

from datetime import datetime, timezone

import icalendar
import pytest

import ics_bridge

BAD = "\ud800"
TARGETS = ("ics", "graph", "google")


def _calendar(mark: str) -> icalendar.Calendar:
    """A calendar with ``mark`` in a summary, a parameter, a CATEGORIES item, an attendee's name,
    an X- property and an alarm's description."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//t//t//EN")
    cal.add("version", "2.0")
    event = icalendar.Event()
    event.add("uid", "a@b")
    event.add("dtstamp", datetime(2024, 1, 1, tzinfo=timezone.utc))
    event.add("dtstart", datetime(2024, 1, 2, 10, tzinfo=timezone.utc))
    event.add("dtend", datetime(2024, 1, 2, 11, tzinfo=timezone.utc))
    event.add("summary", f"one {mark} two")
    event.add("location", "room", parameters={"ALTREP": f"https://example.com/{mark}"})
    event.add("categories", ["work", f"odd{mark}"])
    event.add("attendee", "mailto:x@example.com", parameters={"CN": f"X {mark}"})
    event.add("x-thing", f"x{mark}")
    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", f"ring {mark}")
    alarm.add("trigger", datetime(2024, 1, 2, 9, tzinfo=timezone.utc))
    event.add_component(alarm)
    cal.add_component(event)
    return cal


def _entries(conversion: ics_bridge.Conversion) -> list[tuple[str, str, str]]:
    return [(loss.kind.value, loss.field, loss.reason) for loss in conversion.report.entries]


@pytest.mark.parametrize("to", TARGETS)
def test_converts_as_with_the_replacement_character(to: str) -> None:
    """Same output as the calendar written with U+FFFD, plus the text path's report entry."""
    got = ics_bridge.convert(_calendar(BAD), to=to)
    expected = ics_bridge.convert(_calendar("\ufffd"), to=to)
    assert got.to_bytes() == expected.to_bytes()
    assert _entries(got) == [("invalid-value", "encoding", "6 lone UTF-16 surrogate(s) replaced by U+FFFD"),
                             *_entries(expected)]


@pytest.mark.parametrize("to", TARGETS)
def test_reported_as_the_text_path_reports_it(to: str) -> None:
    text = _calendar("\ufffd").to_ical().decode().replace("\ufffd", BAD)
    from_text = [e for e in _entries(ics_bridge.convert(text, to=to)) if e[1] == "encoding"]
    conversion = ics_bridge.convert(_calendar(BAD), to=to)
    conversion.to_bytes()  # .ics: the caller's calendar is repaired (and reported) when written
    conversion.to_bytes()  # once
    from_calendar = [e for e in _entries(conversion) if e[1] == "encoding"]
    assert from_text == from_calendar == [("invalid-value", "encoding", "6 lone UTF-16 surrogate(s) replaced by U+FFFD")]


def test_the_callers_calendar_is_not_changed() -> None:
    cal = _calendar(BAD)
    ics_bridge.convert(cal, to="graph")
    event = cal.walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == f"one {BAD} two"
    assert str(event["ATTENDEE"].params["CN"]) == f"X {BAD}"
    assert str(event.walk("VALARM")[0]["DESCRIPTION"]) == f"ring {BAD}"


def test_a_calendar_without_surrogates_is_used_as_given() -> None:
    cal = _calendar("x")
    assert ics_bridge.convert(cal, to="ics").data is cal


@pytest.mark.parametrize("to", TARGETS)
def test_a_surrogate_in_a_property_name_is_an_input_error(to: str) -> None:
    """No value to repair (the name is not text of the event): a clear error, not the encoder's."""
    cal = _calendar("x")
    cal.walk("VEVENT")[0]["X-A" + BAD] = icalendar.vText("v")
    with pytest.raises(ics_bridge.InputError, match="UTF-8 cannot encode"):
        ics_bridge.convert(cal, to=to).to_bytes()
