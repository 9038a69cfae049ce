"""Issue 13 (part A): EXDATE and RECURRENCE-ID name an occurrence by instant (RFC 5545 3.8.5.1,
3.8.4.4) in the Graph and Google writers and in the validator; a DATE value on a timed series is
read at the series' time of day; cancellation in Graph request bodies and Graph occurrence items;
a yearly Feb 29 series as Graph absoluteYearly every 4 years.

Inputs are corpus files and hand-written files in the shape real producers write them (Outlook's
UTC EXDATEs, Apple's DATE EXDATEs, Graph documentation bodies)."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from icalendar import Calendar

import ics_bridge
from ics_bridge import LossKind
from ics_bridge.recurrence import expand_graph_dates
from ics_bridge.edge import calendar_to_model
from ics_bridge.series import group_series
from ics_bridge.validate import Horizon, expand_series
from interop import readers

CORPUS = Path(__file__).parent / "corpus"
BERLIN = ZoneInfo("Europe/Berlin")

# Outlook 2016 writes EXDATEs of a zoned series in UTC; the second one is an hour off (11:00
# CET): it names no occurrence.  Apple Calendar writes a DATE EXDATE and a DATE RECURRENCE-ID.
OUTLOOK_UTC_EXDATES = b"""BEGIN:VCALENDAR\r
PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN\r
VERSION:2.0\r
BEGIN:VEVENT\r
UID:040000008200E00074C5B7101A82E00800000000A0B1C2D3E4F5A601000000000000000010000000\r
DTSTAMP:20251220T101500Z\r
DTSTART;TZID=Europe/Berlin:20260105T100000\r
DTEND;TZID=Europe/Berlin:20260105T110000\r
RRULE:FREQ=WEEKLY;COUNT=8;BYDAY=MO\r
EXDATE:20260112T090000Z\r
EXDATE:20260119T100000Z\r
SUMMARY:Weekly sync\r
END:VEVENT\r
END:VCALENDAR\r
"""

APPLE_DATE_VALUES = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Apple Inc.//macOS 14.4//EN\r
BEGIN:VEVENT\r
UID:6F1E5A0C-2B8D-4C11-9E3A-7D5B2C8A1F00\r
DTSTAMP:20251220T101500Z\r
DTSTART;TZID=Europe/Berlin:20260105T100000\r
DTEND;TZID=Europe/Berlin:20260105T110000\r
RRULE:FREQ=WEEKLY;COUNT=8\r
EXDATE;VALUE=DATE:20260126\r
SUMMARY:Team lunch\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:6F1E5A0C-2B8D-4C11-9E3A-7D5B2C8A1F00\r
DTSTAMP:20251220T101500Z\r
RECURRENCE-ID;VALUE=DATE:20260202\r
DTSTART;TZID=Europe/Berlin:20260202T140000\r
DTEND;TZID=Europe/Berlin:20260202T150000\r
SUMMARY:Team lunch (moved)\r
END:VEVENT\r
END:VCALENDAR\r
"""


def _graph(data, **opts):
    conv = ics_bridge.convert(data, to="graph", options=ics_bridge.Options(**opts))
    items = conv.data["value"] if isinstance(conv.data, dict) and "value" in conv.data else [conv.data]
    return conv, items


def _items(data):
    if isinstance(data, dict):
        return data.get("items", data.get("value", [data]))
    return list(data)


def _google(data, **opts):
    conv = ics_bridge.convert(data, to="google", options=ics_bridge.Options(**opts))
    return conv, _items(conv.data)


def _ignored(conv, field="EXDATE"):
    return [e for e in conv.report.of_kind(LossKind.INVALID_VALUE) if e.field == field and "no occurrence" in e.reason]


# ---------------------------------------------------------------- EXDATE by instant

def test_utc_exdate_cancels_the_occurrence_at_that_instant_only_in_graph():
    conv, (master,) = _graph(OUTLOOK_UTC_EXDATES)
    # 09:00Z is 10:00 CET (12 Jan); 10:00Z is 11:00 CET (19 Jan), which is no occurrence
    assert [c.rsplit(".", 1)[1] for c in master["cancelledOccurrences"]] == ["2026-01-12"]
    (ignored,) = _ignored(conv)
    assert ignored.before.startswith("2026-01-19 10:00:00")


def test_utc_exdate_matching_nothing_is_not_sent_to_google():
    conv, (master,) = _google(OUTLOOK_UTC_EXDATES, profile="import")
    assert master["recurrence"] == ["RRULE:FREQ=WEEKLY;COUNT=8;BYDAY=MO", "EXDATE:20260112T090000Z"]
    assert len(_ignored(conv)) == 1


@pytest.mark.parametrize("via", ["graph", "google"])
def test_round_trip_keeps_every_occurrence_of_the_outlook_series(via):
    result = ics_bridge.roundtrip(OUTLOOK_UTC_EXDATES, via=via)
    assert result.lossless, [d.as_text() for v in result.events for d in v.differences]


def test_exdate_in_another_zone_than_dtstart_corpus():
    """node-ical's file: a series at 12:00 Eastern with EXDATEs at 12:00 Los Angeles (15:00
    Eastern): they name no occurrence and cancel nothing, in Graph and in Google alike."""
    data = (CORPUS / "ics" / "node-ical__windows-quoted-tz-rrule.ics").read_bytes()
    conv, (master,) = _graph(data)
    assert "cancelledOccurrences" not in master
    assert len(_ignored(conv)) == 2
    gconv, (gmaster,) = _google(data, profile="insert")
    assert gmaster["recurrence"] == ["RRULE:FREQ=DAILY;COUNT=10"]
    assert len(_ignored(gconv)) == 2
    meaning = ics_bridge.roundtrip(data, via="google")
    assert meaning.lossless


def test_exdate_past_the_series_end_corpus():
    """ics-parser's CLDR test: COUNT=15 weekly from 9 April 2016 ends on 16 July; the EXDATE of
    23 July cancels nothing and is reported, not sent as a cancelled occurrence."""
    data = (CORPUS / "ics" / "ics-parser__ICal.ics").read_bytes()
    conv, items = _graph(data)
    master = next(i for i in items if i.get("subject") == "Microsoft Unicode CLDR EXDATE Test")
    assert [c.rsplit(".", 1)[1] for c in master["cancelledOccurrences"]] == ["2016-05-28", "2016-06-25", "2016-07-09"]
    assert any(e.before.startswith("2016-07-23") for e in _ignored(conv))


# ---------------------------------------------------------------- DATE on a timed series

def test_date_exdate_and_recurrence_id_are_read_at_the_series_time_of_day_in_graph():
    conv, (master, exception) = _graph(APPLE_DATE_VALUES)
    assert [c.rsplit(".", 1)[1] for c in master["cancelledOccurrences"]] == ["2026-01-26"]
    assert exception["originalStart"] == "2026-02-02T09:00:00Z"  # 10:00 CET, not midnight
    repaired = {e.field for e in conv.report.of_kind(LossKind.QUIRK_REPAIRED)}
    assert {"EXDATE", "RECURRENCE-ID"} <= repaired


def test_date_exdate_and_recurrence_id_are_read_at_the_series_time_of_day_in_google():
    conv, (master, instance) = _google(APPLE_DATE_VALUES, profile="insert")
    assert master["recurrence"][1] == "EXDATE;TZID=Europe/Berlin:20260126T100000"
    assert instance["originalStartTime"] == {"dateTime": "2026-02-02T10:00:00+01:00", "timeZone": "Europe/Berlin"}
    assert instance["id"].endswith("_20260202T090000Z")


def test_date_values_written_to_ics_in_the_series_type_and_read_alike_by_ical_js_and_libical():
    conv = ics_bridge.convert(APPLE_DATE_VALUES, to="ics")
    text = conv.to_bytes().decode()
    assert "EXDATE;TZID=Europe/Berlin:20260126T100000" in text
    assert "RECURRENCE-ID;TZID=Europe/Berlin:20260202T100000" in text
    window = ("2026-01-01T00:00:00Z", "2026-03-01T00:00:00Z")
    series = next(group_series(calendar_to_model(conv.calendar).events))
    ours, _ = expand_series(series.master, series.overrides, Horizon())
    expected = sorted(ours)
    assert "2026-01-26T09:00:00Z" not in expected and "2026-02-02T13:00:00Z" in expected
    for name in ("icaljs", "libical"):
        readers.require(name)
        reading = readers.read(name, text, window)
        assert not reading.errors, reading.errors
        assert reading.occurrences["6F1E5A0C-2B8D-4C11-9E3A-7D5B2C8A1F00"] == expected, name


def test_validator_reads_a_date_exdate_at_the_series_time_not_the_whole_day():
    """Two occurrences a day (09:00 and 15:00): the DATE EXDATE is the 09:00 one (DTSTART's time)."""
    cal = Calendar.from_ical(b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//test//EN\r
BEGIN:VEVENT\r
UID:twice-a-day\r
DTSTAMP:20260101T000000Z\r
DTSTART;TZID=Europe/Berlin:20260105T090000\r
RRULE:FREQ=DAILY;COUNT=4;BYHOUR=9,15\r
EXDATE;VALUE=DATE:20260105\r
END:VEVENT\r
END:VCALENDAR\r
""")
    (master,) = calendar_to_model(cal).events
    starts, _ = expand_series(master, (), Horizon())
    assert sorted(starts) == ["2026-01-05T14:00:00Z", "2026-01-06T08:00:00Z", "2026-01-06T14:00:00Z"]


# ---------------------------------------------------------------- cancellation in Graph bodies

def test_request_profile_never_sends_a_cancelled_exception_corpus():
    """khal's file: the 14 July occurrence is cancelled by a full override.  Graph's update API
    cannot set isCancelled, so the body would show it moved, not cancelled: it is reported the
    way an EXDATE is (delete it after import) and not sent."""
    data = (CORPUS / "ics" / "khal__event_rrule_recuid_cancelled.ics").read_bytes()
    conv, items = _graph(data, profile="request")
    assert not any("isCancelled" in i for i in items)
    assert [i.get("originalStart") for i in items] == [None, "2014-07-07T05:00:00Z"]
    (entry,) = [e for e in conv.report.of_kind(LossKind.UNSUPPORTED_FIELD) if "delete it after import" in e.reason]
    assert entry.field == "RECURRENCE-ID" and entry.before.startswith("2014-07-14 05:00:00+00:00")
    resource, items = _graph(data)
    assert [c.rsplit(".", 1)[1] for c in items[0].get("cancelledOccurrences", [])] == [] and items[2]["isCancelled"]


def test_request_profile_reports_a_cancelled_event_instead_of_sending_is_cancelled_corpus():
    data = (CORPUS / "ics" / "node-ical__tentative-apple-calendar.ics").read_bytes()
    conv, items = _graph(data, profile="request")
    assert not any("isCancelled" in i for i in items)
    assert any(e.field == "STATUS" and e.before == "CANCELLED" for e in conv.report.of_kind(LossKind.UNSUPPORTED_FIELD))


def _instances_with_master(cancel_day: str) -> dict:
    """The Graph documentation's ``/instances`` response, with its series master (the same
    weekly Monday 20:30 UTC meeting) and one occurrence cancelled."""
    page = json.loads((CORPUS / "graph" / "v1.0__event-list-instances__get_instances.response.json").read_text())
    for item in page["value"]:
        item["iCalUId"] = "040000008200E00074C5B7101A82E00800000000D0F8C4A2C6F3D40100000000000000001000000"
        if item["type"] == "occurrence" and item["start"]["dateTime"].startswith(cancel_day):
            item["isCancelled"] = True
    page["value"].insert(0, {
        "id": "AAMkAGUzYRgWAAA=", "iCalUId": page["value"][0]["iCalUId"], "type": "seriesMaster",
        "subject": "Review strategy for Q3",
        "start": {"dateTime": "2019-04-08T20:30:00.0000000", "timeZone": "UTC"},
        "end": {"dateTime": "2019-04-08T21:00:00.0000000", "timeZone": "UTC"},
        "recurrence": {"pattern": {"type": "weekly", "interval": 1, "daysOfWeek": ["monday"], "firstDayOfWeek": "sunday"},
                       "range": {"type": "endDate", "startDate": "2019-04-08", "endDate": "2019-05-13",
                                 "recurrenceTimeZone": "UTC"}},
    })
    return page


def test_graph_cancelled_occurrence_beside_its_master_cancels_it_in_ics_and_google():
    page = _instances_with_master("2019-04-22")
    conv = ics_bridge.graph_to_ics(page)
    master = next(v for v in conv.calendar.walk("VEVENT") if v.get("RECURRENCE-ID") is None)
    assert [d.dt for d in master["EXDATE"].dts] == [datetime(2019, 4, 22, 20, 30, tzinfo=ZoneInfo("UTC"))]
    assert any(e.field == "isCancelled" for e in conv.report.of_kind(LossKind.EVENT_REMOVED))
    series = next(group_series(calendar_to_model(conv.calendar).events))
    starts, _ = expand_series(series.master, series.overrides, Horizon())
    assert "2019-04-22T20:30:00Z" not in starts and "2019-04-29T20:30:00Z" in starts
    google = _items(ics_bridge.convert(page, to="google", options=ics_bridge.Options(profile="import")).data)
    assert "EXDATE:20190422T203000Z" in google[0]["recurrence"]


def test_graph_exception_without_its_master_is_reported_corpus():
    """A calendarView / instances page holds an exception whose master is not there."""
    data = (CORPUS / "graph" / "v1.0__event-list-instances__get_instances.response.json").read_bytes()
    conv = ics_bridge.graph_to_ics(data)
    entries = [e for e in conv.report.of_kind(LossKind.MAPPING_CHOICE) if "exception without its series master" in e.reason]
    assert [e.uid for e in entries] == ["AAMkAGUzYAgI1sE1TatAAEYAAAAAlNFb2CNPe0ucP9you@graph.microsoft.com"]


# ---------------------------------------------------------------- Feb 29 yearly

APPLE_LEAP_DAY = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Apple Inc.//macOS 14.4//EN\r
BEGIN:VEVENT\r
UID:0B9E4F2A-77C1-4D0B-8E57-3A1F6C2D9B11\r
DTSTAMP:20240101T120000Z\r
DTSTART;VALUE=DATE:20240229\r
DTEND;VALUE=DATE:20240301\r
RRULE:FREQ=YEARLY\r
SUMMARY:Leap day birthday\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:0B9E4F2A-77C1-4D0B-8E57-3A1F6C2D9B12\r
DTSTAMP:20240101T120000Z\r
DTSTART;TZID=America/New_York:20240229T090000\r
DTEND;TZID=America/New_York:20240229T093000\r
RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;COUNT=5\r
SUMMARY:Leap day review\r
END:VEVENT\r
END:VCALENDAR\r
"""


def test_yearly_feb_29_is_absolute_yearly_every_four_years():
    conv, (birthday, review) = _graph(APPLE_LEAP_DAY)
    for item in (birthday, review):
        pattern = item["recurrence"]["pattern"]
        assert (pattern["type"], pattern["interval"], pattern["month"], pattern["dayOfMonth"]) == ("absoluteYearly", 4, 2, 29)
    # the endless series reaches 2100, where Outlook would show Feb 28: reported by year
    (loss,) = conv.report.of_kind(LossKind.RECURRENCE_UNSUPPORTED)
    assert loss.uid == "0B9E4F2A-77C1-4D0B-8E57-3A1F6C2D9B11" and "2100" in loss.reason
    # the five-occurrence one ends in 2040: Graph's dates are the rule's dates
    rng = review["recurrence"]["range"]
    graph_days = list(expand_graph_dates(review["recurrence"]["pattern"], rng, date(2024, 2, 29), date(2100, 1, 1)))
    rule = rrulestr("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;COUNT=5", dtstart=datetime(2024, 2, 29))
    assert graph_days == [d.date() for d in rule]


def test_yearly_feb_29_with_count_past_2100_names_that_year():
    data = APPLE_LEAP_DAY.replace(b"COUNT=5", b"COUNT=25").replace(b"RRULE:FREQ=YEARLY\r\n", b"RRULE:FREQ=YEARLY;COUNT=3\r\n")
    conv, _ = _graph(data)
    (loss,) = conv.report.of_kind(LossKind.RECURRENCE_UNSUPPORTED)
    assert loss.uid.endswith("B12") and "2100" in loss.reason and "2200" not in loss.reason


@pytest.mark.parametrize("via", ["graph", "google"])
def test_yearly_feb_29_round_trip_keeps_its_occurrences(via):
    result = ics_bridge.roundtrip(APPLE_LEAP_DAY, via=via)
    assert result.lossless


def test_feb_29_with_rfc_7529_skip_forward_is_not_written_every_four_years_corpus():
    """SKIP=FORWARD means 1 March in common years (RFC 7529): not leap years only."""
    data = (CORPUS / "ics" / "icalendar__rfc_7529.ics").read_bytes()
    _, items = _graph(data)
    leap = next(i for i in items if i["iCalUId"] == "4.3.4")
    assert "recurrence" not in leap


# ---------------------------------------------------------------- RANGE=THISANDFUTURE

RANGE_FILE = CORPUS / "ics" / "recurring-ical-events__issue_75_range_parameter.ics"
RANGE_WINDOW = ("2024-01-01T00:00:00Z", "2024-10-05T00:00:00Z")


def _all_starts(cal: Calendar, window=RANGE_WINDOW) -> list[str]:
    """Every occurrence start of every series of a calendar, in the window (UTC text)."""
    out: list[str] = []
    for series in group_series(calendar_to_model(cal).events):
        if series.master is None:
            continue
        starts, _ = expand_series(series.master, series.overrides, Horizon(years=80))
        out.extend(s for s in starts if window[0] <= s < window[1])
    return sorted(out)


def _source_reading() -> list[str]:
    readers.require("icaljs")
    reading = readers.read("icaljs", RANGE_FILE.read_text(), RANGE_WINDOW)
    assert not reading.errors
    return reading.occurrences["210"]


def test_validator_applies_thisandfuture_to_every_later_occurrence_as_ical_js_does():
    cal = ics_bridge.convert(RANGE_FILE.read_bytes(), to="ics").calendar
    assert _all_starts(cal) == _source_reading()
    assert "2024-09-17T09:00:00Z" in _source_reading()  # moved -3 h with 13 September


@pytest.mark.parametrize("target, profile", [("google", "resource"), ("google", "import"), ("graph", "resource")])
def test_thisandfuture_splits_the_series_so_the_provider_shows_every_occurrence_moved(target, profile):
    conv = ics_bridge.convert(RANGE_FILE.read_bytes(), to=target, options=ics_bridge.Options(profile=profile))
    items = _items(conv.data)
    uid_key = "iCalUID" if target == "google" else "iCalUId"
    masters = [i for i in items if "recurrence" in i]
    assert [m[uid_key] for m in masters] == ["210", "210_R20240913T120000Z", "210_R20240921T120000Z"]
    assert [m["summary" if target == "google" else "subject"] for m in masters] == \
        ["ORIGINAL EVENT", "MODIFIED EVENT", "EDITED EVENT"]
    split = [e for e in conv.report.of_kind(LossKind.VALUE_COLLAPSED) if "RANGE=THISANDFUTURE" in e.reason]
    assert {e.uid for e in split} >= {"210", "210_R20240913T120000Z", "210_R20240921T120000Z"}
    # read back, the three series together show what ical.js shows for the original file
    back = ics_bridge.convert(conv.data, to="ics", source=target).calendar
    assert _all_starts(back) == _source_reading()


def test_thisandfuture_round_trip_differences_are_all_reported():
    for via in ("graph", "google"):
        result = ics_bridge.roundtrip(RANGE_FILE.read_bytes(), via=via)
        assert result.changed and not result.unreported(), via


def test_thisandfuture_survives_ics_to_ics():
    text = ics_bridge.convert(RANGE_FILE.read_bytes(), to="ics").to_bytes().decode()
    assert text.count("RECURRENCE-ID;RANGE=THISANDFUTURE:") == 2


# Apple Calendar: a weekly Berlin meeting moved one hour later "for this and future events"
# across the change to summer time, with a COUNT and an EXDATE after the change.
APPLE_THISANDFUTURE = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Apple Inc.//macOS 14.4//EN\r
BEGIN:VEVENT\r
UID:A1C0FFEE-5D3B-4E0A-9C61-2F7E8B9D0A12\r
DTSTAMP:20260301T080000Z\r
DTSTART;TZID=Europe/Berlin:20260302T090000\r
DTEND;TZID=Europe/Berlin:20260302T100000\r
RRULE:FREQ=WEEKLY;COUNT=8\r
EXDATE;TZID=Europe/Berlin:20260413T090000\r
SUMMARY:Planning\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:A1C0FFEE-5D3B-4E0A-9C61-2F7E8B9D0A12\r
DTSTAMP:20260301T080000Z\r
RECURRENCE-ID;RANGE=THISANDFUTURE;TZID=Europe/Berlin:20260323T090000\r
DTSTART;TZID=Europe/Berlin:20260323T100000\r
DTEND;TZID=Europe/Berlin:20260323T113000\r
SUMMARY:Planning (new slot)\r
END:VEVENT\r
END:VCALENDAR\r
"""


def test_thisandfuture_split_keeps_count_exdate_and_wall_clock_across_dst():
    conv, items = _graph(APPLE_THISANDFUTURE)
    head, tail = items
    assert head["recurrence"]["range"]["endDate"] == "2026-03-16"
    assert tail["start"] == {"dateTime": "2026-03-23T10:00:00.0000000", "timeZone": "W. Europe Standard Time"}
    assert tail["end"]["dateTime"] == "2026-03-23T11:30:00.0000000"
    assert tail["recurrence"]["range"]["numberOfOccurrences"] == 5  # 8 minus the three before
    assert [c.rsplit(".", 1)[1] for c in tail["cancelledOccurrences"]] == ["2026-04-13"]
    window = ("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z")
    back = ics_bridge.convert(conv.data, to="ics", source="graph").calendar
    source = ics_bridge.convert(APPLE_THISANDFUTURE, to="ics").calendar
    assert _all_starts(back, window) == _all_starts(source, window) == [
        "2026-03-02T08:00:00Z", "2026-03-09T08:00:00Z", "2026-03-16T08:00:00Z",  # 09:00 CET
        "2026-03-23T09:00:00Z", "2026-03-30T08:00:00Z", "2026-04-06T08:00:00Z",  # 10:00 CET, then CEST
        "2026-04-20T08:00:00Z"]


def test_thisandfuture_the_rule_cannot_follow_is_reported_and_not_applied_to_one_occurrence():
    """Moved from Monday to Tuesday under BYDAY=MO: the rest cannot follow by rule; the change is
    named in the report and not sent as an exception of that one Monday."""
    data = APPLE_THISANDFUTURE.replace(b"RRULE:FREQ=WEEKLY;COUNT=8", b"RRULE:FREQ=WEEKLY;COUNT=8;BYDAY=MO").replace(
        b"DTSTART;TZID=Europe/Berlin:20260323T100000", b"DTSTART;TZID=Europe/Berlin:20260324T100000").replace(
        b"DTEND;TZID=Europe/Berlin:20260323T113000", b"DTEND;TZID=Europe/Berlin:20260324T113000")
    for target in ("graph", "google"):
        conv = ics_bridge.convert(data, to=target)
        items = _items(conv.data)
        assert len(items) == 1 and "originalStart" not in items[0] and "originalStartTime" not in items[0]
        (entry,) = [e for e in conv.report.of_kind(LossKind.RECURRENCE_UNSUPPORTED) if "THISANDFUTURE" in e.reason]
        assert "BYDAY" in entry.reason and entry.recurrence_id.startswith("2026-03-23T09:00:00")


def test_thisandfuture_cancellation_ends_the_series_before_it():
    """RFC 5546 4.2.9 CANCEL with RANGE=THISANDFUTURE: that occurrence and every later one are gone."""
    data = APPLE_THISANDFUTURE.replace(b"SUMMARY:Planning (new slot)\r\n", b"SUMMARY:Planning\r\nSTATUS:CANCELLED\r\n")
    window = ("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z")
    source = ics_bridge.convert(data, to="ics").calendar
    assert _all_starts(source, window) == ["2026-03-02T08:00:00Z", "2026-03-09T08:00:00Z", "2026-03-16T08:00:00Z"]
    conv, items = _graph(data)
    assert len(items) == 1 and items[0]["recurrence"]["range"]["endDate"] == "2026-03-16"
    assert any("THISANDFUTURE cancellation" in e.reason for e in conv.report.of_kind(LossKind.EVENT_REMOVED))
    gconv, gitems = _google(data, profile="import")
    assert len(gitems) == 1 and gitems[0]["recurrence"][0].startswith("RRULE:FREQ=WEEKLY;UNTIL=20260316T080000Z")
    for target in ("graph", "google"):
        back = ics_bridge.convert(ics_bridge.convert(data, to=target).data, to="ics", source=target).calendar
        assert _all_starts(back, window) == _all_starts(source, window)


# ---------------------------------------------------------------- the .ics written, read by ical.js and libical

def _written_cases():
    """(name, .ics bytes we write, window, expected starts of all series together)."""
    split_back = ics_bridge.convert(ics_bridge.convert(RANGE_FILE.read_bytes(), to="google").data,
                                    to="ics", source="google")
    leap_back = ics_bridge.convert(ics_bridge.convert(APPLE_LEAP_DAY, to="graph").data, to="ics", source="graph")
    cancelled = ics_bridge.graph_to_ics(_instances_with_master("2019-04-22"))
    return {
        "thisandfuture-split-from-google": (split_back, RANGE_WINDOW),
        "feb-29-from-graph": (leap_back, ("2024-01-01T00:00:00Z", "2100-12-31T00:00:00Z")),
        "graph-cancelled-occurrence": (cancelled, ("2019-01-01T00:00:00Z", "2020-01-01T00:00:00Z")),
    }


@pytest.mark.parametrize("reader", ["icaljs", "libical"])
@pytest.mark.parametrize("case", ["thisandfuture-split-from-google", "feb-29-from-graph", "graph-cancelled-occurrence"])
def test_written_ics_reads_the_same_in_ical_js_and_libical(case, reader):
    readers.require(reader)
    conv, window = _written_cases()[case]
    reading = readers.read(reader, conv.to_bytes().decode(), window)
    assert not reading.errors, reading.errors
    theirs = sorted(s for starts in reading.occurrences.values() for s in starts)
    assert theirs == _all_starts(conv.calendar, window)
    if case == "thisandfuture-split-from-google":
        assert theirs == _source_reading()
    if case == "feb-29-from-graph":
        assert [s[:10] for s in theirs if s.startswith("2024-02") or s.startswith("2028")] == \
            ["2024-02-29", "2024-02-29", "2028-02-29", "2028-02-29"]
