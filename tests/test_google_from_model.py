"""The Google writer on the typed hub (issue 12): what it reads from ``model.Calendar`` itself.

The mapping is held to its old outputs by the goldens and the Google tests (through
``convert``); these tests hold the model-facing entry: calendar lines, kept X- lines, series
given without their calendar, and the edge crossing that keeps a JSON-born hub's CRs.
"""

from __future__ import annotations

from datetime import datetime, timezone

from icalendar import Calendar, Event

from ics_bridge import LossKind
from ics_bridge.edge import calendar_to_model
from ics_bridge.io.model_reader import read_calendar
from ics_bridge.providers.google import tables
from ics_bridge.providers.google.from_ical import GoogleWriteOptions, calendar_to_events, google_id
from ics_bridge.report import Report

HEAD = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n"


def _cal(body: str, head: str = "") -> bytes:
    return f"{HEAD}{head}{body}END:VCALENDAR\r\n".encode()


WEEKLY = ("BEGIN:VEVENT\r\nUID:w1@example.com\r\nSUMMARY:Weekly\r\n"
          "DTSTART;TZID=Europe/Berlin:20260105T090000\r\nDTEND;TZID=Europe/Berlin:20260105T100000\r\n"
          "RRULE:FREQ=WEEKLY;COUNT=4\r\nEXDATE;TZID=Europe/Berlin:20260112T090000\r\n"
          "X-ICSBRIDGE-GOOGLE-ID:abcdef123\r\nCOLOR:tomato\r\nEND:VEVENT\r\n"
          "BEGIN:VEVENT\r\nUID:w1@example.com\r\nRECURRENCE-ID;TZID=Europe/Berlin:20260119T090000\r\n"
          "SUMMARY:Moved\r\nDTSTART;TZID=Europe/Berlin:20260119T110000\r\n"
          "DTEND;TZID=Europe/Berlin:20260119T120000\r\nEND:VEVENT\r\n")


def test_calendar_zone_comes_from_x_wr_timezone():
    cal = read_calendar(_cal(WEEKLY, "X-WR-TIMEZONE:Europe/Berlin\r\n"))
    items, fields = calendar_to_events(cal, Report(), GoogleWriteOptions(profile="resource"))
    assert fields["timeZone"] == "Europe/Berlin"
    master, override = items
    assert master["id"] == "abcdef123"  # the kept X-ICSBRIDGE-GOOGLE-ID line
    assert master["colorId"] == tables.css_to_color_id("tomato")[0]  # COLOR is a kept line
    assert master["recurrence"] == ["RRULE:FREQ=WEEKLY;COUNT=4", "EXDATE;TZID=Europe/Berlin:20260112T090000"]
    assert override["recurringEventId"] == "abcdef123"
    assert override["originalStartTime"] == {"dateTime": "2026-01-19T09:00:00+01:00", "timeZone": "Europe/Berlin"}
    assert override["start"] == {"dateTime": "2026-01-19T11:00:00+01:00", "timeZone": "Europe/Berlin"}


def test_series_without_their_calendar_take_the_options_zone():
    cal = read_calendar(_cal(WEEKLY, "X-WR-TIMEZONE:Europe/Berlin\r\n"))
    items, fields = calendar_to_events(cal.series, Report(),
                                       GoogleWriteOptions(profile="insert", calendar_zone="America/New_York"))
    assert fields == {"timeZone": "America/New_York"}
    assert items[0]["id"] == "abcdef123"  # insert keeps a kept id that Google accepts (base32hex)
    assert items[1]["id"] == "abcdef123_20260119T080000Z"
    invalid = read_calendar(_cal(WEEKLY.replace("X-ICSBRIDGE-GOOGLE-ID:abcdef123", "X-ICSBRIDGE-GOOGLE-ID:Not-Valid")))
    items, _ = calendar_to_events(invalid.series, Report(), GoogleWriteOptions(profile="insert"))
    assert items[0]["id"] == google_id("w1@example.com")


def test_exdate_naming_no_occurrence_is_reported_not_written():
    body = WEEKLY.replace("EXDATE;TZID=Europe/Berlin:20260112T090000", "EXDATE:20260112T090000Z")
    report = Report()
    items, _ = calendar_to_events(read_calendar(_cal(body)), report, GoogleWriteOptions(profile="import"))
    assert items[0]["recurrence"] == ["RRULE:FREQ=WEEKLY;COUNT=4"]
    (entry,) = [e for e in report if e.field == "EXDATE"]
    assert entry.kind is LossKind.INVALID_VALUE and entry.uid == "w1@example.com"


def test_unmapped_properties_are_kept_and_reported_with_their_text():
    body = ("BEGIN:VEVENT\r\nUID:u2\r\nDTSTART:20260105T090000Z\r\nDTEND:20260105T100000Z\r\n"
            "PRIORITY:1\r\nGEO:48.85;2.35\r\nRESOURCES:Projector\\, large\r\nEND:VEVENT\r\n")
    report = Report()
    items, _ = calendar_to_events(read_calendar(_cal(body)), report, GoogleWriteOptions(profile="import"))
    kept = items[0]["extendedProperties"]["private"]["ics-bridge.ical"].split("\r\n")
    assert kept == ["PRIORITY:1", "GEO:48.85;2.35", "RESOURCES:Projector\\, large"]
    befores = {e.field: e.before for e in report if e.kind is LossKind.UNSUPPORTED_FIELD}
    assert befores == {"PRIORITY": "1", "GEO": "vGeo((48.85, 2.35))", "RESOURCES": "Projector, large"}


def test_the_edge_keeps_the_crs_of_a_json_born_hub():
    """A hub built from Graph JSON holds CR LF bodies; RFC 5545 TEXT has none, so the crossing
    into the model takes them back from the VEVENT, as ``events_to_model`` does."""
    cal = Calendar()
    cal.add("VERSION", "2.0")
    cal.add("PRODID", "-//t//t//EN")
    event = Event()
    event.add("UID", "cr1")
    event.add("DTSTART", datetime(2026, 1, 5, 9, tzinfo=timezone.utc))
    event.add("DESCRIPTION", "line one\r\nline two")
    event.add("SUMMARY", "no CR here")
    cal.add_component(event)
    (typed,) = calendar_to_model(cal).events
    assert typed.description == "line one\r\nline two"
    assert typed.summary == "no CR here"
    items, _ = calendar_to_events(calendar_to_model(cal), Report(), GoogleWriteOptions(profile="import"))
    assert items[0]["description"] == "line one\r\nline two"
