"""``RDATE;VALUE=PERIOD`` and a repeated RRULE (issue 13: every .ics we write reads the same in
ical.js and libical).  A period becomes its start as an RDATE plus an override carrying its end
(quirks/rdate_period.py); a rule written twice is kept once (quirks/rrule_checks.py).  The
readers themselves are run on the whole corpus by tests/test_interop_output.py."""

from __future__ import annotations

from pathlib import Path

from ics_bridge import LossKind, convert

CORPUS = Path(__file__).parent / "corpus" / "ics"


def test_period_becomes_rdate_and_override_everywhere():
    data = (CORPUS / "icalendar__period_with_timezone.ics").read_bytes()
    ics = convert(data, to="ics", source="ics").to_bytes().decode()
    assert "VALUE=PERIOD" not in ics
    assert "RDATE;TZID=America/Vancouver:20231213T120000" in ics
    override = ics[ics.index("RECURRENCE-ID;TZID=America/Vancouver:20231213T120000") - 600:]
    assert "DTEND;TZID=America/Vancouver:20231213T150000" in override  # the period's end, 3 h
    google = convert(data, to="google", source="ics")
    exception = [i for i in google.data["items"] if i.get("originalStartTime")]
    assert [(e["start"]["dateTime"], e["end"]["dateTime"]) for e in exception] == [
        ("2023-12-13T12:00:00-08:00", "2023-12-13T15:00:00-08:00")]
    assert not google.report.of_kind(LossKind.VALUE_COLLAPSED)  # the period's end is no longer lost
    [entry] = google.report.for_field("RDATE;VALUE=PERIOD")
    assert entry.kind is LossKind.QUIRK_REPAIRED


def test_period_of_the_event_length_needs_no_override():
    data = (CORPUS / "icalendar__period_with_timezone.ics").read_bytes().replace(
        b"20231213T120000/20231213T150000", b"20231213T120000/PT2H")
    ics = convert(data, to="ics", source="ics").to_bytes().decode()
    assert "RECURRENCE-ID" not in ics and "RDATE;TZID=America/Vancouver:20231213T120000" in ics


def test_duplicated_rrule_written_once():
    conv = convert((CORPUS / "recurring-ical-events__duplicated_rrule.ics").read_bytes(), to="ics", source="ics")
    assert conv.to_bytes().decode().count("RRULE:FREQ=WEEKLY;COUNT=20;BYDAY=TH") == 1
    [entry] = conv.report.for_field("RRULE")
    assert entry.kind is LossKind.QUIRK_REPAIRED and "twice" in entry.reason
    graph = convert((CORPUS / "recurring-ical-events__duplicated_rrule.ics").read_bytes(), to="graph", source="ics")
    assert graph.data["recurrence"]["range"]["numberOfOccurrences"] == 20


def test_utc_stamps_carry_no_tzid():
    # ics-parser's sample: DTSTAMP;TZID=America/Los_Angeles:19410512T195741Z (RFC 5545 3.8.7.2 wants
    # UTC, 3.2.19 forbids TZID beside Z): the TZID is not written again
    ics = convert((CORPUS / "ics-parser__ICal.ics").read_bytes(), to="ics", source="ics").to_bytes().decode()
    assert "DTSTAMP:19410512T195741Z" in ics
    assert not [line for line in ics.splitlines() if line.startswith(("DTSTAMP;", "CREATED;", "LAST-MODIFIED;"))
                and "TZID=" in line]


def test_period_in_override_written_as_start():
    # Lotus Notes (CalConnect 7): an override restating its own span as RDATE;VALUE=PERIOD; read
    # back through Graph (its kept lines) ical.js crashed on it ("next.toUnixTime is not a function")
    data = (CORPUS / "ical4j__calconnect7.ics").read_bytes()
    assert b"VALUE=PERIOD" in data
    ics = convert(data, to="ics", source="ics").to_bytes().decode()
    assert "VALUE=PERIOD" not in ics
    graph = convert(data, to="graph", source="ics")
    back = convert(graph.to_bytes(), to="ics", source="graph").to_bytes().decode()
    assert "VALUE=PERIOD" not in back


def test_override_of_a_series_graph_cannot_hold_is_reported_not_sent_as_an_exception():
    # DTSTART + one PERIOD RDATE, no RRULE: Graph gets a single event (the RDATE reported); the
    # override carrying the period's end would be an exception of a series Graph does not have,
    # which Graph refuses: it is reported by name and not written.
    data = (CORPUS / "icalendar__period_with_timezone.ics").read_bytes()
    for profile in ("resource", "request"):
        from ics_bridge import Options
        graph = convert(data, to="graph", source="ics", options=Options(profile=profile))
        items = graph.data["value"] if "value" in graph.data else [graph.data]
        assert [i.get("type", "singleInstance") for i in items] == ["singleInstance"]
        assert not any("originalStart" in i for i in items)
        [skipped] = graph.report.of_kind(LossKind.EVENT_SKIPPED)
        assert skipped.field == "RECURRENCE-ID" and skipped.recurrence_id is not None
        assert graph.report.of_kind(LossKind.RECURRENCE_UNSUPPORTED)  # the RDATE itself
