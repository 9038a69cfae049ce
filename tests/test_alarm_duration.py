"""Events given by DTSTART + DURATION (issue 13): an end-relative alarm counts from
DTSTART + DURATION (RFC 5545 3.8.6.3), and a negative DURATION is repaired and reported like a
DTEND before DTSTART (RFC 5545 3.8.2.5: a positive duration)."""

from __future__ import annotations

from ics_bridge import LossKind, Options, convert, roundtrip

# An appointment given by DURATION (Apple Calendar, ical.net write them) with an alarm counted
# from its end: 45 minutes before the end of a 30-minute event is 15 minutes before its start.
END_ALARM = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Apple Inc.//macOS 14.4//EN\r
BEGIN:VEVENT\r
UID:C3A1F6E2-7D44-4B1A-9E0B-3F2D1C0B9A88\r
DTSTAMP:20260401T090000Z\r
DTSTART;TZID=America/New_York:20260415T140000\r
DURATION:PT30M\r
SUMMARY:Dentist\r
BEGIN:VALARM\r
ACTION:DISPLAY\r
DESCRIPTION:Leave soon\r
TRIGGER;RELATED=END:-PT45M\r
END:VALARM\r
END:VEVENT\r
END:VCALENDAR\r
"""


def test_end_relative_alarm_with_duration_becomes_graph_reminder():
    conv = convert(END_ALARM, to="graph", source="ics")
    assert conv.data["isReminderOn"] is True
    assert conv.data["reminderMinutesBeforeStart"] == 15
    assert not conv.report.of_kind(LossKind.ALARM_DROPPED)
    [converted] = conv.report.of_kind(LossKind.ALARM_CONVERTED)
    assert "end-relative" in converted.reason


def test_end_relative_alarm_with_duration_becomes_google_reminder():
    for profile in ("resource", "insert"):
        conv = convert(END_ALARM, to="google", source="ics", options=Options(profile=profile))
        assert conv.data["reminders"] == {"useDefault": False, "overrides": [{"method": "popup", "minutes": 15}]}
        assert not conv.report.of_kind(LossKind.ALARM_DROPPED)


def test_end_relative_alarm_round_trip_keeps_the_reminder():
    for via in ("graph", "google"):
        result = roundtrip(END_ALARM, via=via, source="ics")
        alarms = [d for e in result.events for d in e.differences if d.field == "alarms"]
        assert not alarms, via


NEGATIVE = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN\r
BEGIN:VEVENT\r
UID:neg-duration-1@example.com\r
DTSTAMP:20260401T090000Z\r
DTSTART;TZID=Europe/Paris:20260420T100000\r
DURATION:-PT1H\r
SUMMARY:Backwards meeting\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:neg-duration-2@example.com\r
DTSTAMP:20260401T090000Z\r
DTSTART;VALUE=DATE:20260421\r
DURATION:-P1D\r
SUMMARY:Backwards holiday\r
END:VEVENT\r
END:VCALENDAR\r
"""


def test_negative_duration_repaired_and_reported():
    conv = convert(NEGATIVE, to="graph", source="ics")
    timed, all_day = conv.data["value"]
    assert timed["start"]["dateTime"] == timed["end"]["dateTime"] == "2026-04-20T10:00:00.0000000"
    assert (all_day["start"]["dateTime"], all_day["end"]["dateTime"]) == (
        "2026-04-21T00:00:00.0000000", "2026-04-22T00:00:00.0000000")
    entries = {e.uid: e for e in conv.report.for_field("DURATION")}
    assert entries["neg-duration-1@example.com"].kind is LossKind.INVALID_VALUE
    assert entries["neg-duration-1@example.com"].before == "-PT1H"
    assert entries["neg-duration-2@example.com"].kind is LossKind.QUIRK_REPAIRED
    google = convert(NEGATIVE, to="google", source="ics").data["items"]
    assert google[0]["end"]["dateTime"] == google[0]["start"]["dateTime"]
    assert google[1]["end"] == {"date": "2026-04-22"}
    ics = convert(NEGATIVE, to="ics", source="ics").to_bytes()
    assert b"DURATION:-" not in ics
