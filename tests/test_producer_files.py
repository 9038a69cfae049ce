"""Issue 17: files real producers write that the reader used to break or bend.

Each rule is tested on a realistic file (``tests/producers/``, or the shared corpus), and what we
write is read back with ical.js and libical (``tests/interop/readers.py``) where an instant is at
stake.  The behaviour is documented in ``docs/compatibility.md`` ("Producer files").
"""
from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ics_bridge
from ics_bridge.io.ics import parse_calendar
from ics_bridge.report import LossKind, Report
from interop import readers

HERE = Path(__file__).parent
CORPUS = HERE / "corpus" / "ics"
PRODUCERS = HERE / "producers"
WINDOW = ("2000-01-01T00:00:00Z", "2031-01-01T00:00:00Z")


def read(data: bytes | str) -> tuple[list[bytes], Report, list]:
    report, errors = Report(), []
    cal = parse_calendar(data, report, errors=errors)
    return [c.to_ical() for c in cal.subcomponents], report, errors


def interop(text: str, name: str, window: tuple[str, str] = WINDOW) -> readers.Reading:
    readers.require(name)
    reading = readers.read(name, text, window)
    assert not reading.errors, reading.errors
    return reading


# ------------------------------------------------------------------------------------------
# A fold anywhere is a fold (RFC 5545 3.1)
# ------------------------------------------------------------------------------------------

def test_korganizer_fold_after_the_name_reads_every_event():
    """KOrganizer 3.1 folds every property right after its name (``DTSTART`` / `` :2003…``)."""
    data = (CORPUS / "ical4j__korganizer_sample.ics").read_bytes()
    assert b"DTSTART\r\n :20030314T030000Z" in data or b"DTSTART\n :20030314T030000Z" in data
    events, report, errors = read(data)
    assert not errors and len(report) == 0, report.as_text()
    assert len(events) == 2
    result = ics_bridge.convert(data, to="graph")
    series = [e for e in result.data["value"] if "recurrence" in e]
    subjects = sorted(e["subject"] for e in series)
    assert subjects == ["San Gabriel Valley Linux User Group -- DevSIG meeting",
                        "San Gabriel Valley Linux User Group -- general meeting"]
    assert all(e["recurrence"]["range"]["numberOfOccurrences"] == 12 for e in series)
    # both DTSTARTs (UTC) fall off their BYDAY rule: each first instance is a single event of its own
    assert len(result.data["value"]) == 4
    text = ics_bridge.convert(data, to="ics").to_bytes().decode()
    for name in ("icaljs", "libical"):
        reading = interop(text, name)
        assert sorted(len(v) for v in reading.occurrences.values()) == [12, 12], name


def test_mozilla_blank_line_before_a_fold_reads_every_event():
    """Mozilla Calendar 1.0 writes ``DTSTART`` / blank line / `` ;VALUE=DATE`` / `` :20031225``:
    a blank line is no content line, the folds continue the name."""
    events, report, errors = read((CORPUS / "icalendar__multiple_calendar_components.ics").read_bytes())
    assert not errors and len(events) == 3
    assert [e.reason for e in report] == ["several VCALENDARs in one file merged"]
    result = ics_bridge.convert((CORPUS / "icalendar__multiple_calendar_components.ics").read_bytes(), to="graph")
    assert sorted(e["subject"] for e in result.data["value"]) == ["Boxing Day", "Christmas Day", "Christmas again!"]
    assert [e["start"]["dateTime"][:10] for e in result.data["value"] if e["subject"] == "Christmas Day"] == ["2003-12-25"]


# Valid files from several producers that read without a single repair (ASCII and not).
_VALID = ["ical4j__korganizer_sample.ics", "ical-py__apple_ical.ics", "ical-py__languages.ics",
          "ical.net__Language4.ics", "ical-py__office_356_custom_timezone.ics", "icalevents__non_ascii_uid.ics",
          "recurring-ical-events__issue_223_thunderbird.ics", "ical4j__Session6.ics",
          "khal__mult_uids_and_recuid_no_order.ics", "ical.net__Outlook2007LineFolds.ics"]


def fold_at_random(data: bytes, rnd: random.Random, rate: float) -> bytes:
    """Every content line folded (CRLF + space or tab) at random octet positions, anywhere in the
    line: after the name, inside a parameter, inside a UTF-8 sequence."""
    out = []
    for line in re.split(rb"\r\n|\n", data):
        cuts = sorted({k for k in range(1, len(line)) if rnd.random() < rate})
        parts = [line[a:b] for a, b in zip([0, *cuts], [*cuts, len(line)])]
        out.append(b"".join(p if k == 0 else b"\r\n" + rnd.choice([b" ", b"\t"]) + p for k, p in enumerate(parts)))
    return b"\r\n".join(out)


@settings(max_examples=40, deadline=None)
@given(name=st.sampled_from(_VALID), seed=st.integers(0, 2**32), rate=st.sampled_from([0.02, 0.1, 0.5, 1.0]))
def test_any_valid_file_folded_anywhere_reads_the_same(name, seed, rate):
    data = (CORPUS / name).read_bytes()
    folded = fold_at_random(data, random.Random(seed), rate)
    expected, _, _ = read(data)
    events, report, errors = read(folded)
    assert not errors
    assert events == expected
    # the only repair allowed: a fold inside a UTF-8 character (RFC 5545 says a writer must not)
    assert all(e.field == "encoding" and "inside a UTF-8 character" in e.reason for e in report), report.as_text()


def test_a_fold_between_utf8_octets_is_repaired_and_reported():
    data = (CORPUS / "ical-py__languages.ics").read_bytes()
    at = re.search(rb"[\xc2-\xf4]", data).start() + 1  # after the first octet of a character
    folded = data[:at] + b"\r\n " + data[at:]
    events, report, _ = read(folded)
    assert events == read(data)[0]
    assert [e.kind for e in report] == [LossKind.QUIRK_REPAIRED]
    assert "1 fold(s) inside a UTF-8 character" in report.entries[0].reason


# ------------------------------------------------------------------------------------------
# Near-miss DATE-TIME values
# ------------------------------------------------------------------------------------------

def test_near_miss_values_are_read_as_the_evident_date_time_and_reported():
    data = (PRODUCERS / "android_near_miss.ics").read_bytes()
    result = ics_bridge.convert(data, to="graph", options=ics_bridge.Options(graph_zone_names="iana"))
    events = {e["subject"]: e for e in result.data["value"]}
    assert set(events) == {"Chorprobe", "Zahnarzt", "Frühstück"}
    assert events["Chorprobe"]["start"] == {"dateTime": "2013-10-09T17:00:00.0000000", "timeZone": "Europe/Berlin"}
    assert events["Chorprobe"]["end"] == {"dateTime": "2013-10-09T18:30:00.0000000", "timeZone": "Europe/Berlin"}
    assert events["Zahnarzt"]["start"]["dateTime"] == "2013-10-10T15:00:00.0000000"
    assert events["Zahnarzt"]["end"]["dateTime"] == "2013-10-10T16:00:00.0000000"
    assert events["Frühstück"]["start"]["dateTime"] == "2013-10-11T08:00:00.0000000"
    repaired = {(e.uid, e.field, e.before) for e in result.report.of_kind(LossKind.QUIRK_REPAIRED)}
    assert {("6d0e59d4-5f44-4bd8-9d3e-1c8b7b6c0a11", "DTSTART", "20131009T170000T"),
            ("6d0e59d4-5f44-4bd8-9d3e-1c8b7b6c0a11", "DTEND", "20131009T183000T"),
            ("0b5c1e7a-2f7e-4d0a-8e51-6a7f7a0c2b22", "DTSTART", "20131010T150000ZZ"),
            ("0b5c1e7a-2f7e-4d0a-8e51-6a7f7a0c2b22", "DTEND", "20131010t160000z"),
            ("0b5c1e7a-2f7e-4d0a-8e51-6a7f7a0c2b22", "EXDATE", "20131017T150000Z,20131024T150000ZT"),
            ("c4a8d1f2-7e1b-4a55-9a3e-5d2f3b1c9e33", "DTSTART", "2013-10-11T08:00:00Z")} <= repaired
    # the unreadable one stays an error naming the value and the event
    [error] = result.errors
    assert error.uid == "e1f2a3b4-0c9d-4e8f-a7b6-c5d4e3f2a144" and error.field == "DTSTART"
    assert "'2013100T170000'" in str(error)
    # the EXDATEs (one of them a near miss) remove two of three occurrences
    text = ics_bridge.convert(data, to="ics").to_bytes().decode()
    for name in ("icaljs", "libical"):
        reading = interop(text, name)
        assert reading.occurrences["0b5c1e7a-2f7e-4d0a-8e51-6a7f7a0c2b22"] == ["2013-10-10T15:00:00Z"], name
        assert reading.occurrences["6d0e59d4-5f44-4bd8-9d3e-1c8b7b6c0a11"] == ["2013-10-09T15:00:00Z"], name


def test_near_miss_values_in_the_corpus():
    """ical.js's Google birthday file (``RDATE:20131210Z``: a DATE with a stray Z) and vobject's
    ``DTSTART: 20240812T223000Z`` (a leading blank) keep the value instead of dropping it."""
    data = (CORPUS / "ical.js__google_birthday.ics").read_bytes()
    result = ics_bridge.convert(data, to="ics")
    assert [(e.before, e.after) for e in result.report.of_kind(LossKind.QUIRK_REPAIRED) if "near-miss" in e.reason] == [
        ("20131210Z", "20131210"), ("20121210Z", "20121210")]
    assert "RDATE;VALUE=DATE:20131210" in result.to_bytes().decode()
    result = ics_bridge.convert((CORPUS / "vobject__vobject_0050.ics").read_bytes(), to="ics")
    assert {e.before for e in result.report.of_kind(LossKind.QUIRK_REPAIRED) if "near-miss" in e.reason} == {
        " 20240812T223000Z"}
    assert not [e for e in result.report if "unreadable" in e.reason]


@pytest.mark.parametrize("value", ["20131009T", "2013100T170000", "20131309T170000T", "201310091700", "soon"])
def test_values_without_an_evident_reading_stay_an_error_naming_the_value(value):
    data = (PRODUCERS / "android_near_miss.ics").read_text().replace("20131009T170000T", value, 1)
    _, _, errors = read(data)
    assert any(e.uid == "6d0e59d4-5f44-4bd8-9d3e-1c8b7b6c0a11" and e.field == "DTSTART" and repr(value) in str(e)
               for e in errors), errors


# ------------------------------------------------------------------------------------------
# A TZID matches its own VTIMEZONE however it is written
# ------------------------------------------------------------------------------------------

def test_tzid_finds_its_vtimezone_with_blanks_quotes_and_non_ascii():
    """Outlook (German) writes ``TZID:Mitteleuropäische Zeit `` (trailing space); events refer
    to it quoted, unquoted, with and without the space."""
    data = (PRODUCERS / "outlook_de_tzid_spelling.ics").read_bytes()
    result = ics_bridge.convert(data, to="graph")
    starts = {e["subject"]: e["start"] for e in result.data["value"]}
    assert starts == {uid: {"dateTime": f"2024-04-1{k}T09:00:00.0000000", "timeZone": "W. Europe Standard Time"}
                      for k, uid in enumerate("abcd")}
    assert not result.report.of_kind(LossKind.TIMEZONE_UNKNOWN)
    text = ics_bridge.convert(data, to="ics").to_bytes().decode()
    for name in ("icaljs", "libical"):
        reading = interop(text, name)
        assert sorted(e.start for e in reading.events) == [f"2024-04-1{k}T07:00:00Z" for k in range(4)], name


def test_tzid_finds_a_vtimezone_that_matches_no_iana_zone_however_written():
    """The file's own rules are kept (no IANA zone fits +02:45/+03:45); every spelling of the
    TZID uses them, and the .ics written pairs each value with that VTIMEZONE."""
    data = (PRODUCERS / "custom_zone_tzid_spelling.ics").read_bytes()
    result = ics_bridge.convert(data, to="ics")
    unknown = result.report.of_kind(LossKind.TIMEZONE_UNKNOWN)
    assert len(unknown) == 8 and all("matches no IANA zone; its own rules are kept" in e.reason for e in unknown)
    text = result.to_bytes().decode()
    for name in ("icaljs", "libical"):
        reading = interop(text, name)
        assert sorted(e.start for e in reading.events) == [f"2024-04-1{k}T05:15:00Z" for k in range(4)], name


# ------------------------------------------------------------------------------------------
# All-day DTSTART with a TZID; DATE-TIME RDATEs on an all-day series
# ------------------------------------------------------------------------------------------

MULBERRY_TRIP = "20240301T101500Z-4711@mulberry.example.org"
MULBERRY_SERIES = "20231215T080000Z-0815@mulberry.example.org"


def test_all_day_dtstart_with_tzid_stays_all_day():
    data = (PRODUCERS / "mulberry_all_day.ics").read_bytes()
    graph = ics_bridge.convert(data, to="graph")
    trip = next(e for e in graph.data["value"] if e["iCalUId"] == MULBERRY_TRIP)
    assert trip["isAllDay"] is True
    assert (trip["start"]["dateTime"], trip["end"]["dateTime"]) == ("2024-04-10T00:00:00.0000000",
                                                                    "2024-04-11T00:00:00.0000000")
    google = ics_bridge.convert(data, to="google").data
    items = google["items"] if isinstance(google, dict) and "items" in google else google
    trip_g = next(e for e in items if e["iCalUID"] == MULBERRY_TRIP)
    assert trip_g["start"] == {"date": "2024-04-10"} and trip_g["end"] == {"date": "2024-04-11"}
    fixed = [(e.field, e.before) for e in graph.report.of_kind(LossKind.QUIRK_REPAIRED) if e.uid == MULBERRY_TRIP]
    assert fixed == [("DTSTART", "Europe/Berlin"), ("DTEND", "Europe/Berlin")]
    text = ics_bridge.convert(data, to="ics").to_bytes().decode()
    assert "DTSTART;VALUE=DATE:20240410" in text
    for name in ("icaljs", "libical"):
        trip_reading = [e for e in interop(text, name).events if e.uid == MULBERRY_TRIP]
        assert [(e.start, e.end) for e in trip_reading] == [("2024-04-10", "2024-04-11")], name


def test_date_time_rdates_on_an_all_day_series_keep_their_instants():
    """10 monthly all-day occurrences + 2 RDATEs at 10:00Z (one on a day of the rule): 12."""
    data = (PRODUCERS / "mulberry_all_day.ics").read_bytes()
    result = ics_bridge.convert(data, to="ics")
    text = result.to_bytes().decode()
    assert "RDATE:20240601T100000Z,20240715T100000Z" in text
    occurrences = interop(text, "icaljs").occurrences[MULBERRY_SERIES]
    assert len(occurrences) == 12
    assert {"2024-06-01", "2024-06-01T10:00:00Z", "2024-07-15T10:00:00Z"} <= set(occurrences)
    # libical keys an all-day series' occurrences by day: the RDATE on a day of the rule is
    # that day's occurrence there (the report says so)
    occurrences = interop(text, "libical").occurrences[MULBERRY_SERIES]
    assert len(occurrences) == 11 and "2024-07-15T10:00:00Z" in occurrences
    [kept] = [e for e in result.report.of_kind(LossKind.MAPPING_CHOICE) if e.field == "RDATE"]
    assert kept.uid == MULBERRY_SERIES and kept.reason.startswith("2 RDATE value(s) with a time of day")
    graph = ics_bridge.convert(data, to="graph")
    assert [e.reason for e in graph.report.of_kind(LossKind.RECURRENCE_UNSUPPORTED) if e.uid == MULBERRY_SERIES] == [
        "Graph has no extra dates in a series"]


# ------------------------------------------------------------------------------------------
# UTC offsets with seconds
# ------------------------------------------------------------------------------------------

LMT = "20120911T101010Z-1234-1000-1-{}@archive.example.org"


def test_utc_offsets_with_seconds_are_computed_to_the_second_and_read_alike():
    data = (PRODUCERS / "lmt_offset_seconds.ics").read_bytes()
    result = ics_bridge.convert(data, to="ics")
    text = result.to_bytes().decode()
    # the written calendar (``result.calendar`` is the hub as read, zoned, as for every source)
    from icalendar import Calendar
    starts = {str(e["UID"]): e["DTSTART"].dt for e in Calendar.from_ical(text).walk("VEVENT")}
    assert starts[LMT.format(7)].isoformat() == "1884-05-01T07:29:43+00:00"  # 10:00 at +02:30:17
    assert "DTSTART:18840501T072943Z" in text and "DTSTART:18840601T072943Z" in text
    readings = {name: interop(text, name, ("1800-01-01T00:00:00Z", "2000-01-01T00:00:00Z"))
                for name in ("icaljs", "libical")}
    for name, reading in readings.items():
        assert reading.occurrences[LMT.format(7)] == ["1884-05-01T07:29:43Z"], name
        assert reading.occurrences[LMT.format(8)] == ["1884-06-01T07:29:43Z", "1884-06-08T07:29:43Z",
                                                      "1884-06-15T07:29:43Z"], name
    # a series across the change to +02:31:19 keeps its zone (UTC would move the later ones):
    # libical reads it to the second, ical.js to the minute (reported)
    assert readings["libical"].occurrences[LMT.format(9)] == [
        "1916-06-19T07:29:43Z", "1916-06-26T07:29:43Z", "1916-07-03T07:28:41Z", "1916-07-10T07:28:41Z"]
    assert readings["icaljs"].occurrences[LMT.format(9)] == [
        "1916-06-19T07:30:00Z", "1916-06-26T07:30:00Z", "1916-07-03T07:29:00Z", "1916-07-10T07:29:00Z"]
    choices = {e.uid: e.reason for e in result.report.of_kind(LossKind.MAPPING_CHOICE)}
    assert "written in UTC" in choices[LMT.format(7)] and "written in UTC" in choices[LMT.format(8)]
    assert "changes within the series: kept in its zone" in choices[LMT.format(9)]


# ------------------------------------------------------------------------------------------
# Orphan overrides: never two masters with one UID
# ------------------------------------------------------------------------------------------

def _masters(text: str) -> dict[str, int]:
    """UID → VEVENTs without RECURRENCE-ID in an .ics text."""
    from icalendar import Calendar
    counts: dict[str, int] = {}
    for event in Calendar.from_ical(text).walk("VEVENT"):
        if event.get("RECURRENCE-ID") is None:
            counts[str(event["UID"])] = counts.get(str(event["UID"]), 0) + 1
    return counts


def test_graph_exceptions_without_their_master_stay_overrides():
    """A calendarView of a shared calendar holds two changed instances of a series, not the
    series: the .ics written holds two overrides, no (twin) master."""
    data = (PRODUCERS / "graph_exceptions_without_master.json").read_bytes()
    result = ics_bridge.convert(data, to="ics")
    text = result.to_bytes().decode()
    assert _masters(text) == {}
    rids = sorted(str(e["RECURRENCE-ID"].dt) for e in result.calendar.walk("VEVENT"))
    assert rids == ["2024-04-15 10:00:00+02:00", "2024-04-22 10:00:00+02:00"]
    notes = [e for e in result.report.of_kind(LossKind.MAPPING_CHOICE) if e.field == "seriesMasterId"]
    assert len(notes) == 2 and "written as an override only" in notes[0].reason
    uid = "040000008200E00074C5B7101A82E00807E3041550E72F6E8D5AD501000000000000000010000000E1A2B3C4"
    for name in ("icaljs", "libical"):
        reading = interop(text, name)
        assert sorted((e.recurrence_id, e.start) for e in reading.events) == [
            ("2024-04-15T08:00:00Z", "2024-04-16T07:00:00Z"), ("2024-04-22T08:00:00Z", "2024-04-22T08:00:00Z")], name
        assert reading.occurrences[uid] == ["2024-04-16T07:00:00Z", "2024-04-22T08:00:00Z"], name


def test_ics_overrides_without_master_survive_a_graph_round_trip_without_twin_masters():
    data = (CORPUS / "khal__event_dt_multi_recuid_no_master.ics").read_bytes()
    graph = ics_bridge.convert(data, to="graph").data
    back = ics_bridge.convert(graph, to="ics", source="graph")
    assert _masters(back.to_bytes().decode()) == {}
    assert ics_bridge.roundtrip(data, via="graph").unreported() == []


# ------------------------------------------------------------------------------------------
# Non-Gregorian RSCALE (RFC 7529)
# ------------------------------------------------------------------------------------------

YAHRZEIT = "7E2B9C4A-5D1F-4F0E-9B8A-3C2D1E0F9A8B"


def test_hebrew_rscale_is_kept_in_ics_and_reported_by_name_for_graph_and_google():
    data = (PRODUCERS / "rscale_hebrew.ics").read_bytes()
    ics = ics_bridge.convert(data, to="ics")
    text = ics.to_bytes().decode()
    assert "RRULE:RSCALE=HEBREW;FREQ=YEARLY;BYMONTHDAY=6;BYMONTH=8" in text
    assert ics_bridge.roundtrip(data, via="ics").lossless
    # libical expands the Hebrew calendar: 6 Iyar of each year
    assert interop(text, "libical").occurrences[YAHRZEIT] == ["2024-05-14", "2025-05-04", "2026-04-23",
                                                               "2027-05-13", "2028-05-02", "2029-04-21", "2030-05-09"]
    interop(text, "icaljs")  # reads the file (it ignores RSCALE: a reader difference, docs/compatibility.md)
    for target in ("graph", "google"):
        result = ics_bridge.convert(data, to=target)
        [entry] = result.report.of_kind(LossKind.RECURRENCE_UNSUPPORTED)
        assert entry.uid == YAHRZEIT and "RSCALE=HEBREW" in entry.reason, target
        back = ics_bridge.convert(result.data, to="ics", source=target)
        assert "RSCALE=HEBREW;FREQ=YEARLY" in back.to_bytes().decode(), target
    google = ics_bridge.convert(data, to="google").data  # one event: the resource itself
    assert "recurrence" not in google


# ------------------------------------------------------------------------------------------
# DTSTART that is not an occurrence of its RRULE → its own Graph event
# ------------------------------------------------------------------------------------------

NOTES_UID = "C1258A9E0034F2D5C1258A9E0034F2D6-Lotus_Notes_Generated"


def _graph_starts(items: list[dict]) -> list[str]:
    """Every start Outlook shows: the single events and the series' expanded pattern."""
    from ics_bridge.recurrence import expand_graph_dates
    from datetime import date, timedelta
    starts = []
    for item in items:
        if "recurrence" not in item:
            starts.append(item["start"]["dateTime"][:16])
            continue
        rec = item["recurrence"]
        first = date.fromisoformat(rec["range"]["startDate"])
        for day in expand_graph_dates(rec["pattern"], rec["range"], first, first + timedelta(days=400), limit=50):
            starts.append(f"{day.isoformat()}T{item['start']['dateTime'][11:16]}")
    return sorted(starts)


@pytest.mark.parametrize("profile", ["resource", "request"])
def test_off_rule_dtstart_becomes_its_own_graph_event(profile):
    """Lotus Notes writes a weekly Thursday series starting on a Tuesday: ics-bridge reads the
    Tuesday as the first instance (RFC 5545 3.8.5.3; recurring_ical_events and vobject too; ical.js
    and libical leave it out), a Graph series would not show it."""
    data = (PRODUCERS / "lotus_notes_off_rule_start.ics").read_bytes()
    expected = ["2024-04-02T10:00", "2024-04-04T10:00", "2024-04-11T10:00", "2024-04-18T10:00", "2024-04-25T10:00"]
    result = ics_bridge.convert(data, to="graph", options=ics_bridge.Options(profile=profile))
    items = result.data["value"]
    assert len(items) == 2 and _graph_starts(items) == expected
    single = next(i for i in items if "recurrence" not in i)
    assert single["subject"] == "Projektrunde Lieferkette"
    assert {"id": "String {9b8e5a3c-1f2d-4c6b-8a7e-3d2f1e0c9b8a} Name ics-bridge.firstOf",
            "value": NOTES_UID} in single["singleValueExtendedProperties"]
    assert not result.report.of_kind(LossKind.RECURRENCE_UNSUPPORTED)
    assert any("written as a single event of its own" in e.reason for e in result.report.of_kind(LossKind.MAPPING_CHOICE))


def test_off_rule_first_instance_is_folded_back_from_graph():
    data = (PRODUCERS / "lotus_notes_off_rule_start.ics").read_bytes()
    graph = ics_bridge.convert(data, to="graph").data
    back = ics_bridge.convert(graph, to="ics", source="graph")
    [event] = list(back.calendar.walk("VEVENT"))
    assert event["DTSTART"].dt.isoformat() == "2024-04-02T10:00:00+02:00"
    assert ics_bridge.roundtrip(data, via="graph").lossless
    # moved in Outlook: the single comes back as the override of the first instance
    graph["value"][1]["start"]["dateTime"] = "2024-04-02T14:00:00.0000000"
    graph["value"][1]["end"]["dateTime"] = "2024-04-02T15:00:00.0000000"
    back = ics_bridge.convert(graph, to="ics", source="graph")
    text = back.to_bytes().decode()
    assert "firstOf" not in text
    # the moved first instance is where Outlook had it (libical); ical.js leaves an off-rule DTSTART
    # and its override out, as it reads the Lotus Notes file itself
    occurrences = interop(text, "libical").occurrences[NOTES_UID]
    assert "2024-04-02T12:00:00Z" in occurrences and "2024-04-02T08:00:00Z" not in occurrences
    original = ics_bridge.convert(data, to="ics").to_bytes().decode()
    assert interop(text, "icaljs").occurrences == interop(original, "icaljs").occurrences


@pytest.mark.parametrize("reverse", [False, True])
def test_streamed_graph_to_ics_folds_the_first_instance_and_keeps_orphans_as_the_whole_file_does(tmp_path, reverse):
    import io
    import json
    graph = ics_bridge.convert((PRODUCERS / "lotus_notes_off_rule_start.ics").read_bytes(), to="graph").data["value"]
    orphans = json.loads((PRODUCERS / "graph_exceptions_without_master.json").read_text())["value"]
    items = graph + orphans
    path = tmp_path / "events.json"
    path.write_text(json.dumps({"value": list(reversed(items)) if reverse else items}))
    out = io.BytesIO()
    streamed = ics_bridge.convert_stream(path, out, to="ics", source="graph")
    assert streamed.streamed
    whole = ics_bridge.convert(json.loads(path.read_text()), to="ics", source="graph").to_bytes()
    stamp = re.compile(rb"DTSTAMP:\d{8}T\d{6}Z")  # "now" when the JSON has none: may tick between the two
    assert stamp.sub(b"", out.getvalue()) == stamp.sub(b"", whole)
    assert _masters(whole.decode()) == {NOTES_UID: 1}
