"""Invalid shapes producers write that strict readers refuse: repaired on reading, reported.

Each was written as read before (tests/test_interop_output.py named them as xfails: the
``ical`` library refused ical4j's evolution2, ics-parser's issue 343 and recurring-ical-events'
issue 27 samples, khal's mixed-awareness sample was read two ways).  Now each is put in the
shape RFC 5545 requires, keeping what the file means, with a report entry naming the repair.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from icalendar import Calendar

import ics_bridge
from ics_bridge import Options
from ics_bridge.report import LossKind


def _cal(*lines: str) -> bytes:
    body = "\r\n".join(lines)
    return (f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:u1\r\n"
            f"DTSTAMP:20260101T000000Z\r\nSUMMARY:Board meeting\r\n{body}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n").encode()


def _event(data: bytes) -> tuple[object, list[object]]:
    conv = ics_bridge.convert(data, to="ics")
    cal = Calendar.from_ical(conv.to_bytes())
    return cal.walk("VEVENT")[0], list(conv.report)


def _repairs(report: list[object], field: str) -> list[object]:
    return [e for e in report if e.kind is LossKind.QUIRK_REPAIRED and e.field == field]


def test_display_alarm_without_description_gets_the_summary() -> None:
    event, report = _event(_cal("DTSTART:20260310T090000Z", "DTEND:20260310T100000Z",
                                "BEGIN:VALARM", "ACTION:DISPLAY", "TRIGGER:-PT15M", "END:VALARM"))
    alarm = event.walk("VALARM")[0]
    assert str(alarm["DESCRIPTION"]) == "Board meeting"
    assert alarm["TRIGGER"].dt.total_seconds() == -15 * 60
    assert _repairs(report, "VALARM;DESCRIPTION")[0].after == "Board meeting"


def test_alarm_without_action_is_a_display_alarm() -> None:
    event, report = _event(_cal("DTSTART:20260310T090000Z", "BEGIN:VALARM", "TRIGGER:-PT5M",
                                "DESCRIPTION:Go", "END:VALARM"))
    alarm = event.walk("VALARM")[0]
    assert str(alarm["ACTION"]) == "DISPLAY" and str(alarm["DESCRIPTION"]) == "Go"
    assert _repairs(report, "VALARM;ACTION")


def test_floating_until_on_a_zoned_series_is_written_in_utc() -> None:
    event, report = _event(_cal("DTSTART;TZID=Europe/Berlin:20200427T000000", "DTEND;TZID=Europe/Berlin:20200427T010000",
                                "RRULE:FREQ=DAILY;UNTIL=20200429T000000"))
    until = event["RRULE"]["UNTIL"][0]
    # midnight in Berlin (CEST, UTC+2) is 22:00 UTC the day before: the 29th's occurrence stays
    assert until == datetime(2020, 4, 28, 22, 0, tzinfo=timezone.utc)
    assert _repairs(report, "RRULE;UNTIL")


def test_utc_until_on_a_floating_series_keeps_its_wall_clock() -> None:
    event, report = _event(_cal("DTSTART:20240923T100000", "DTEND:20240923T103000",
                                "RRULE:FREQ=WEEKLY;UNTIL=20241007T080000Z;INTERVAL=2;BYDAY=MO"))
    assert event["RRULE"]["UNTIL"][0] == datetime(2024, 10, 7, 8, 0)
    assert event["DTSTART"].dt.tzinfo is None
    assert _repairs(report, "RRULE;UNTIL")


def test_floating_start_beside_a_zoned_end_takes_its_zone() -> None:
    event, report = _event(_cal("DTSTART:20150530T120000", "DTEND;TZID=Europe/Berlin:20150530T160000"))
    assert event["DTSTART"].dt == datetime(2015, 5, 30, 12, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert event["DTEND"].dt - event["DTSTART"].dt == timedelta(hours=4)
    assert _repairs(report, "DTSTART")


def test_floating_end_beside_a_utc_start_is_utc() -> None:
    event, report = _event(_cal("DTSTART:20150602T120000Z", "DTEND:20150602T160000"))
    assert event["DTEND"].dt == datetime(2015, 6, 2, 16, 0, tzinfo=timezone.utc)
    assert "TZID" not in event["DTEND"].params
    assert _repairs(report, "DTEND")


def test_floating_series_to_google_has_utc_until_in_its_given_zone() -> None:
    """A valid floating series (floating UNTIL, floating EXDATE) gets ``--default-zone`` on
    the way to Google; its UNTIL and EXDATE must move with it, or Google (and our own reader)
    reject the rule."""
    data = _cal("DTSTART:20260302T090000", "DTEND:20260302T100000", "RRULE:FREQ=WEEKLY;UNTIL=20260330T090000",
                "EXDATE:20260316T090000")
    conv = ics_bridge.convert(data, to="google", options=Options(default_zone="Europe/Berlin"))
    item = json.loads(conv.to_bytes())
    item = item["items"][0] if "items" in item else item
    assert item["start"] == {"dateTime": "2026-03-02T09:00:00+01:00", "timeZone": "Europe/Berlin"}
    assert "RRULE:FREQ=WEEKLY;UNTIL=20260330T070000Z" in item["recurrence"]
    assert "EXDATE;TZID=Europe/Berlin:20260316T090000" in item["recurrence"]
    back = ics_bridge.convert(conv.to_bytes(), to="ics")
    assert not [e for e in back.report if e.kind is LossKind.INVALID_VALUE]
    result = ics_bridge.roundtrip(data, via="google", options=Options(default_zone="Europe/Berlin"))
    assert not result.unreported()
