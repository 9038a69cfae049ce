"""The round-trip / diff engine (ics_bridge.validate) on constructed calendars and corpus files."""

from __future__ import annotations

from pathlib import Path

import pytest
from icalendar import Calendar

import ics_bridge
from ics_bridge import validate
from ics_bridge.report import LossKind, Report
from ics_bridge.validate import Difference, Horizon, calendar_meanings, diff, roundtrip

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
CORPUS = ROOT / "tests" / "corpus"

SERIES = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//test//EN\r
BEGIN:VEVENT\r
UID:series-1\r
DTSTAMP:20240101T000000Z\r
DTSTART;TZID=Europe/Berlin:20240305T100000\r
DTEND;TZID=Europe/Berlin:20240305T110000\r
RRULE:FREQ=WEEKLY;COUNT=6\r
EXDATE;TZID=Europe/Berlin:20240319T100000\r
SUMMARY:Weekly\r
ORGANIZER:mailto:anna@example.com\r
ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED:mailto:Bob@Example.com\r
ATTENDEE;ROLE=OPT-PARTICIPANT;PARTSTAT=TENTATIVE:mailto:carla@example.com\r
BEGIN:VALARM\r
ACTION:DISPLAY\r
TRIGGER:-PT15M\r
DESCRIPTION:x\r
END:VALARM\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:series-1\r
DTSTAMP:20240101T000000Z\r
RECURRENCE-ID;TZID=Europe/Berlin:20240326T100000\r
DTSTART;TZID=Europe/Berlin:20240326T140000\r
DTEND;TZID=Europe/Berlin:20240326T150000\r
SUMMARY:Weekly (moved)\r
END:VEVENT\r
END:VCALENDAR\r
"""


def cal(text: str) -> Calendar:
    return Calendar.from_ical(text)


def master(meanings: list[validate.EventMeaning]) -> validate.EventMeaning:
    return next(m for m in meanings if m.recurrence_id is None)


def test_expansion_applies_exdate_and_override() -> None:
    m = master(calendar_meanings(cal(SERIES)))
    # 6 weekly starts (COUNT), 19 March excluded, 26 March moved to 14:00 (CET, +01:00 until 31 March)
    assert m.values["occurrences"] == frozenset({
        "2024-03-05T09:00:00Z", "2024-03-12T09:00:00Z", "2024-03-26T13:00:00Z",
        "2024-04-02T08:00:00Z", "2024-04-09T08:00:00Z"})
    assert m.values["attendees"]["bob@example.com"] == {"role": "REQ-PARTICIPANT", "status": "ACCEPTED",
                                                        "type": "INDIVIDUAL", "name": ""}
    assert m.values["alarms"] == ("DISPLAY 15 min before start",)
    assert m.values["busy"] == "BUSY" and m.values["status"] == "CONFIRMED" and m.values["class"] == "PUBLIC"


def test_identical_calendars_are_lossless() -> None:
    result = diff(SERIES.encode(), SERIES.encode())
    assert result.identical
    assert len(result.same) == 2 and not result.changed and not result.missing and not result.extra


def test_altered_occurrence_is_detected() -> None:
    changed = SERIES.replace("DTSTART;TZID=Europe/Berlin:20240326T140000", "DTSTART;TZID=Europe/Berlin:20240326T150000")
    result = diff(SERIES.encode(), changed.encode())
    assert not result.identical
    by_rid = {e.recurrence_id: e for e in result.changed}
    series = by_rid[None]
    assert [d.field for d in series.differences] == ["occurrences"]
    assert series.differences[0].as_text() == "occurrences: 2024-03-26T13:00:00Z → 2024-03-26T14:00:00Z"
    override = by_rid["2024-03-26T09:00:00Z"]
    assert [d.as_text() for d in override.differences] == ["start: 2024-03-26T13:00:00Z → 2024-03-26T14:00:00Z"]


def test_dropped_exdate_is_detected() -> None:
    changed = SERIES.replace("EXDATE;TZID=Europe/Berlin:20240319T100000\r\n", "")
    result = diff(SERIES.encode(), changed.encode())
    [event] = result.changed
    assert event.differences == [Difference("occurrences", None, "2024-03-19T09:00:00Z")]


def test_dropped_attendee_status_is_detected() -> None:
    changed = SERIES.replace("PARTSTAT=ACCEPTED:mailto:Bob", "ROLE=REQ-PARTICIPANT:mailto:Bob", 1)
    [event] = diff(SERIES.encode(), changed.encode()).changed
    assert [d.as_text() for d in event.differences] == ["attendees[bob@example.com].status: ACCEPTED → NEEDS-ACTION"]


def test_missing_attendee_alarm_and_busy_are_detected() -> None:
    changed = (SERIES.replace("ATTENDEE;ROLE=OPT-PARTICIPANT;PARTSTAT=TENTATIVE:mailto:carla@example.com\r\n", "")
               .replace("TRIGGER:-PT15M", "TRIGGER:-PT30M")
               .replace("SUMMARY:Weekly\r\n", "SUMMARY:Weekly\r\nTRANSP:TRANSPARENT\r\n"))
    [event] = diff(SERIES.encode(), changed.encode()).changed
    texts = [d.as_text() for d in event.differences]
    assert "attendees[carla@example.com]: OPT-PARTICIPANT, TENTATIVE, INDIVIDUAL → (none)" in texts
    assert "alarms: DISPLAY 15 min before start → DISPLAY 30 min before start" in texts
    assert "busy: BUSY → FREE" in texts


def test_missing_and_extra_events_and_fallback_matching() -> None:
    left = cal(SERIES)
    right = cal(SERIES.replace("UID:series-1", "UID:other-uid"))  # same events under another UID
    result = diff(left, right)
    assert result.identical, [d.as_text() for e in result.changed for d in e.differences]
    only_left = SERIES.replace("END:VCALENDAR", "BEGIN:VEVENT\r\nUID:solo\r\nDTSTART:20240101T100000Z\r\n"
                               "SUMMARY:Solo\r\nEND:VEVENT\r\nEND:VCALENDAR")
    result = diff(only_left.encode(), SERIES.encode())
    assert [e.uid for e in result.missing] == ["solo"] and not result.extra
    result = diff(SERIES.encode(), only_left.encode())
    assert [e.uid for e in result.extra] == ["solo"]


def test_join_line_and_whitespace_are_not_differences() -> None:
    base = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:j\r\nDTSTART:20240101T100000Z\r\n"
            "CONFERENCE;VALUE=URI:https://meet.example/abc\r\nDESCRIPTION:{}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    plain = base.format("Hello\\n  world")
    marked = base.format("Hello world\\n\\nJoin online meeting: https://meet.example/abc")
    assert diff(plain.encode(), marked.encode()).identical


def test_endless_secondly_rule_is_bounded(rrule_steps: dict[str, int]) -> None:
    text = SERIES.replace("RRULE:FREQ=WEEKLY;COUNT=6", "RRULE:FREQ=SECONDLY")
    m = master(calendar_meanings(cal(text), Horizon(years=5, max_count=1000)))
    assert rrule_steps["steps"] <= 2000, rrule_steps  # the horizon's count, not five years of seconds
    # at most max_count expanded starts, plus the one moved override
    assert isinstance(m.values["occurrences"], frozenset) and len(m.values["occurrences"]) <= 1001
    assert m.truncated


@pytest.mark.parametrize("rule", ["FREQ=MINUTELY;INTERVAL=0", "FREQ=DAILY;COUNT=0",
                                  "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "FREQ=YEARLY;INTERVAL=100000"])
def test_pathological_rules_do_not_hang(rule: str, rrule_steps: dict[str, int]) -> None:
    text = SERIES.replace("RRULE:FREQ=WEEKLY;COUNT=6", f"RRULE:{rule}")
    meanings = calendar_meanings(cal(text))
    assert meanings and rrule_steps["steps"] <= 2000, rrule_steps


def test_horizon_limits_years() -> None:
    text = SERIES.replace("RRULE:FREQ=WEEKLY;COUNT=6", "RRULE:FREQ=YEARLY")
    m = master(calendar_meanings(cal(text), Horizon(years=3)))
    # 2024, 2025, 2026 and 2027 (the horizon end is inclusive), plus the moved override of 26 March
    assert sorted(m.values["occurrences"]) == ["2024-03-05T09:00:00Z", "2024-03-26T13:00:00Z",
                                              "2025-03-05T09:00:00Z", "2026-03-05T09:00:00Z", "2027-03-05T09:00:00Z"]
    assert m.truncated


def test_all_day_series_with_midnight_recurrence_id() -> None:
    text = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n"
            "BEGIN:VEVENT\r\nUID:d\r\nDTSTART;VALUE=DATE:20020610\r\nRRULE:FREQ=YEARLY;COUNT=3\r\nEND:VEVENT\r\n"
            "BEGIN:VEVENT\r\nUID:d\r\nRECURRENCE-ID;TZID=Asia/Hong_Kong:20030610T000000\r\n"
            "DTSTART;VALUE=DATE:20030609\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    m = master(calendar_meanings(cal(text)))
    assert m.values["occurrences"] == frozenset({"2002-06-10", "2003-06-09", "2004-06-10"})


# ------------------------------------------------------------------------------------------ round trips

def test_roundtrip_via_ics_of_every_sample_is_lossless() -> None:
    for path in sorted(SAMPLES.rglob("*.*")):
        if path.suffix not in (".ics", ".json"):
            continue
        result = roundtrip(path, via="ics")
        assert result.lossless, (path, [d.as_text() for e in result.changed for d in e.differences])
        assert result.events


def test_public_api_wrappers() -> None:
    result = ics_bridge.roundtrip(SERIES.encode(), via="ics")
    assert isinstance(result, validate.RoundtripResult) and result.lossless
    assert result.as_dict()["lossless"] is True
    d = ics_bridge.diff(SERIES.encode(), SERIES.encode(), max_occurrences=10)
    assert isinstance(d, validate.DiffResult) and d.identical
    assert "roundtrip" in ics_bridge.__all__ and "diff" in ics_bridge.__all__


def test_differences_are_matched_to_report_entries() -> None:
    report = Report()
    report.add(LossKind.ALARM_DROPPED, "VALARM", "Graph keeps one reminder", uid="series-1")
    report.add(LossKind.MAPPING_CHOICE, "ATTENDEE", "an info entry explains nothing", uid="series-1")
    verdict = validate.EventVerdict("series-1", None, "Weekly", None, "changed",
                                    [Difference("alarms", "a", None),
                                     Difference("attendees[bob@example.com].status", "ACCEPTED", "NEEDS-ACTION")])
    [annotated] = validate.annotate([verdict], report)
    assert annotated.differences[0].reported_by == ("alarm-dropped: VALARM",)
    assert not annotated.differences[1].reported
    assert annotated.unreported() == [annotated.differences[1]]


# Graph round trips of corpus files whose differences are all announced by the loss report.
# A new entry here is a promise: the Graph mapping of that file never loses anything silently.
GRAPH_CLEAN = [
    "ics/ical4j__EXDATE.ics",
    "ics/icalevents__recurrenceid_google.ics",
    "ics/icalendar__rfc_7986_conferences.ics",
    "ics/ical.net__Trigger1.ics",
    "ics/icalendar__alarm_google_future.ics",
    "ics/recurring-ical-events__daylight_saving_time.ics",
    "ics/khal__event_dt_partstat.ics",
    "graph/beta__event-get__get_event_seriesMaster_expansion.response.json",
    "graph/v1.0__user-list-events__ex1.response.json",
    "graph/v1.0__group-list-events__ex1.response.json",
]


@pytest.mark.parametrize("name", GRAPH_CLEAN)
def test_graph_roundtrip_of_corpus_is_lossless_or_reported(name: str) -> None:
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"{name} is not in the corpus")
    result = roundtrip(path, via="graph")
    assert result.events or result.errors
    silent = [(e.label, e.status, d.as_text() if d else None) for e, d in result.unreported()]
    assert silent == [], silent
    for event in result.changed:
        for d in event.differences:
            assert d.reported_by, d  # every difference names the entry that announced it


# Silent losses the engine found in the providers, fixed since: they stay as regression tests.
def test_graph_round_trip_keeps_overrides_of_a_series_without_graph_id() -> None:
    result = roundtrip(SAMPLES / "ics" / "outlook-export.ics", via="graph")
    assert result.unreported() == []


def test_google_round_trip_keeps_a_resource_attendee() -> None:
    result = roundtrip(SAMPLES / "graph" / "single-event.json", via="google")
    assert result.unreported() == []


def test_a_changed_attendee_name_is_a_difference() -> None:
    from ics_bridge import diff
    base = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:n1\r\nDTSTAMP:20260101T000000Z\r\n"
            "DTSTART:20260501T090000Z\r\nSUMMARY:x\r\nATTENDEE;CN={name};PARTSTAT=ACCEPTED:mailto:a@example.com\r\n"
            "END:VEVENT\r\nEND:VCALENDAR\r\n")
    result = diff(base.format(name="Ann Smith").encode(), base.format(name="Ann Jones").encode())
    assert not result.identical
