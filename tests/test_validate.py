"""The round-trip / diff engine (ics_bridge.validate) on constructed calendars and corpus files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from icalendar import Calendar

import ics_bridge
from ics_bridge import validate
from ics_bridge.report import LossKind, Report
from ics_bridge.io.model_reader import read_calendar
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
    m = master(calendar_meanings(read_calendar(SERIES)))
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
    m = master(calendar_meanings(read_calendar(text), Horizon(years=5, max_count=1000)))
    assert rrule_steps["steps"] <= 2000, rrule_steps  # the horizon's count, not five years of seconds
    # at most max_count expanded starts, plus the one moved override
    assert isinstance(m.values["occurrences"], frozenset) and len(m.values["occurrences"]) <= 1001
    assert m.truncated


@pytest.mark.parametrize("rule", ["FREQ=MINUTELY;INTERVAL=0", "FREQ=DAILY;COUNT=0",
                                  "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "FREQ=YEARLY;INTERVAL=100000"])
def test_pathological_rules_do_not_hang(rule: str, rrule_steps: dict[str, int]) -> None:
    text = SERIES.replace("RRULE:FREQ=WEEKLY;COUNT=6", f"RRULE:{rule}")
    meanings = calendar_meanings(read_calendar(text))
    assert meanings and rrule_steps["steps"] <= 2000, rrule_steps


def test_horizon_limits_years() -> None:
    text = SERIES.replace("RRULE:FREQ=WEEKLY;COUNT=6", "RRULE:FREQ=YEARLY")
    m = master(calendar_meanings(read_calendar(text), Horizon(years=3)))
    # 2024, 2025, 2026 and 2027 (the horizon end is inclusive), plus the moved override of 26 March
    assert sorted(m.values["occurrences"]) == ["2024-03-05T09:00:00Z", "2024-03-26T13:00:00Z",
                                              "2025-03-05T09:00:00Z", "2026-03-05T09:00:00Z", "2027-03-05T09:00:00Z"]
    assert m.truncated


def test_all_day_series_with_midnight_recurrence_id() -> None:
    text = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n"
            "BEGIN:VEVENT\r\nUID:d\r\nDTSTART;VALUE=DATE:20020610\r\nRRULE:FREQ=YEARLY;COUNT=3\r\nEND:VEVENT\r\n"
            "BEGIN:VEVENT\r\nUID:d\r\nRECURRENCE-ID;TZID=Asia/Hong_Kong:20030610T000000\r\n"
            "DTSTART;VALUE=DATE:20030609\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    m = master(calendar_meanings(read_calendar(text)))
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


# ------------------------------------------------------------------------------------------ native view
# The verdict follows what the provider itself shows: the target document without ics-bridge's
# private data (Graph singleValueExtendedProperties, Google extendedProperties.private, X-ICSBRIDGE-*).

def _ics(body: str) -> bytes:
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nDTSTAMP:20240101T000000Z\r\n"
            + body.replace("\n", "\r\n") + "END:VEVENT\r\nEND:VCALENDAR\r\n").encode()


BYHOUR = _ics("UID:byhour-1\nDTSTART;TZID=Europe/Berlin:20240304T090000\nDTEND;TZID=Europe/Berlin:20240304T093000\n"
              "RRULE:FREQ=DAILY;BYHOUR=9,15;COUNT=6\nSUMMARY:Twice daily\n")
RDATE_TWO_ALARMS = _ics("UID:rdate-1\nDTSTART;TZID=Europe/Berlin:20240304T090000\nDTEND;TZID=Europe/Berlin:20240304T093000\n"
                        "RRULE:FREQ=WEEKLY;COUNT=4\nRDATE;TZID=Europe/Berlin:20240307T140000\nSUMMARY:Weekly plus one\n"
                        "BEGIN:VALARM\nACTION:DISPLAY\nTRIGGER:-PT15M\nDESCRIPTION:r\nEND:VALARM\n"
                        "BEGIN:VALARM\nACTION:DISPLAY\nTRIGGER:-PT1H\nDESCRIPTION:r\nEND:VALARM\n")


def _texts(verdict: validate.EventVerdict) -> list[tuple[str, str]]:
    return [(d.as_text(), d.note()) for d in verdict.differences]


def test_byhour_series_via_graph_is_judged_as_outlook_shows_it() -> None:
    from ics_bridge.options import Options
    result = roundtrip(BYHOUR, via="graph")
    assert not result.lossless and result.restored_lossless  # only the stash brings the rule back
    [event] = result.events
    note = "kept only in ics-bridge's private data; Outlook does not show it; reported: recurrence-unsupported: RRULE"
    assert _texts(event) == [
        ("occurrences: 2024-03-04T14:00:00Z, 2024-03-05T08:00:00Z, 2024-03-05T14:00:00Z, 2024-03-06T08:00:00Z, "
         "2024-03-06T14:00:00Z → (none)", note),
        ("series_end: COUNT → (none)", note)]
    assert result.unreported() == []
    # the request profile stashes the same way and is judged the same way
    assert not roundtrip(BYHOUR, via="graph", options=Options(profile="request")).lossless


def test_rdate_and_second_alarm_via_graph_request_profile() -> None:
    from ics_bridge.options import Options
    result = roundtrip(RDATE_TWO_ALARMS, via="graph", options=Options(profile="request"))
    assert not result.lossless and result.restored_lossless
    [event] = result.events
    assert _texts(event) == [
        ("occurrences: 2024-03-07T13:00:00Z → (none)",
         "kept only in ics-bridge's private data; Outlook does not show it; reported: recurrence-unsupported: RDATE"),
        ("alarms: DISPLAY 15 min before start, DISPLAY 60 min before start → DISPLAY 60 min before start",
         "kept only in ics-bridge's private data; Outlook does not show it; reported: alarm-dropped: VALARM")]


def test_categories_via_google_are_not_shown_by_google() -> None:
    result = roundtrip(SAMPLES / "graph" / "events-list.json", via="google")
    assert not result.lossless and result.restored_lossless
    assert {d.as_text() for e in result.events for d in e.differences} == {"categories: Project Falcon → (none)"}
    assert all(d.not_shown_by == "Google Calendar" and d.reported_by == ("unsupported-field: CATEGORIES",)
               for e in result.events for d in e.differences)
    as_json = result.as_dict()
    assert as_json["lossless"] is False and as_json["restored"]["lossless"] is True
    assert as_json["events"][0]["differences"][0]["kept_only_in_private_data"] is True


def test_diff_does_not_count_a_field_only_in_the_stash() -> None:
    import json
    graph = (SAMPLES / "graph" / "events-list.json").read_bytes()
    google = json.dumps(ics_bridge.convert(graph, to="google").data).encode()  # categories only in the stash
    result = diff(graph, google)
    assert not result.identical
    assert {d.as_text() for e in result.changed for d in e.differences} == {"categories: Project Falcon → (none)"}


# ------------------------------------------------------------------------------------------ series bounds

HORIZON_LEFT = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
                "BEGIN:VEVENT\r\nUID:h-1\r\nDTSTAMP:20240101T000000Z\r\nDTSTART:20240305T090000Z\r\n"
                "DTEND:20240305T100000Z\r\nRRULE:FREQ=YEARLY\r\nSUMMARY:Anniversary\r\nEND:VEVENT\r\n"
                "BEGIN:VEVENT\r\nUID:h-2\r\nDTSTAMP:20240101T000000Z\r\nDTSTART:20240305T090000Z\r\n"
                "DTEND:20240305T100000Z\r\nRRULE:FREQ=YEARLY;COUNT=20\r\nSUMMARY:Review\r\nEND:VEVENT\r\n"
                "END:VCALENDAR\r\n")
HORIZON_RIGHT = (HORIZON_LEFT.replace("RRULE:FREQ=YEARLY\r\n", "RRULE:FREQ=YEARLY;UNTIL=20320101T000000Z\r\n")
                 .replace("COUNT=20", "COUNT=6"))


def test_series_that_differ_only_past_the_horizon_are_changed() -> None:
    result = diff(HORIZON_LEFT.encode(), HORIZON_RIGHT.encode())
    assert not result.identical
    by_uid = {e.uid: [d.as_text() for d in e.differences] for e in result.changed}
    # every expanded occurrence (five years) matches; the ends do not
    assert by_uid == {"h-1": ["series_end: none → UNTIL; last occurrence 2031-03-05T09:00:00Z"],
                      "h-2": ["series_end: COUNT; last occurrence 2043-03-05T09:00:00Z → COUNT"]}
    assert diff(HORIZON_LEFT.encode(), HORIZON_LEFT.encode()).identical


def test_horizon_as_a_date() -> None:
    horizon = Horizon.parse("2040-01-01")
    assert horizon.until is not None and horizon.as_text() == "until 2040-01-01, at most 1000 occurrences"
    assert Horizon.parse("10y") == Horizon(10) and Horizon.parse("3") == Horizon(3)
    with pytest.raises(ValueError):
        Horizon.parse("soon")
    result = diff(HORIZON_LEFT.encode(), HORIZON_RIGHT.encode(), horizon=horizon)
    by_uid = {e.uid: [d.as_text() for d in e.differences] for e in result.changed}
    # inside the horizon the occurrences themselves differ; both series end before it
    assert by_uid["h-1"][1:] == ["series_end: none → UNTIL"]
    assert by_uid["h-1"][0].startswith("occurrences: 2032-03-05T09:00:00Z, 2033-03-05T09:00:00Z")
    assert by_uid["h-2"][1] == "series_end: COUNT; last occurrence 2043-03-05T09:00:00Z → COUNT"
    assert ics_bridge.diff(HORIZON_LEFT.encode(), HORIZON_RIGHT.encode(), horizon=date(2040, 1, 1)).as_dict()[
        "horizon"]["until"] == "2040-01-01"


# ------------------------------------------------------------------------------------------ pairing

MOVED = _ics("UID:moved-1\nDTSTART;TZID=Europe/Berlin:20240303T090000\nDTEND;TZID=Europe/Berlin:20240303T100000\n"
             "RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=4\nSUMMARY:Planning\n")


def test_master_moved_to_its_first_occurrence_stays_paired_without_uid() -> None:
    from ics_bridge.options import Options
    # a Sunday start of a Monday series: Graph starts it on Monday; the request body has no UID.
    # The Sunday instance travels as a single event linked to its series (issue 17), which the
    # way back folds in by the series' transactionId: one event, every instance kept.
    result = roundtrip(MOVED, via="graph", options=Options(profile="request"))
    [event] = result.events
    assert event.status == "lossless" and event.uid == "moved-1"
    assert any(loss.field == "DTSTART" and loss.kind == LossKind.MAPPING_CHOICE for loss in result.report)
    assert result.unreported() == []


def test_override_sent_as_an_exception_item_pairs_with_its_override() -> None:
    from ics_bridge.options import Options
    result = roundtrip(SERIES.encode(), via="graph", options=Options(profile="request"))
    by_rid = {e.recurrence_id: e for e in result.events}
    assert set(by_rid) == {None, "2024-03-26T09:00:00Z"}
    assert by_rid["2024-03-26T09:00:00Z"].lossless  # patched onto the occurrence it overrides
    # the master only misses what the request profile reports it cannot create
    assert [(d.as_text(), d.reported_by) for d in by_rid[None].differences if d.field == "occurrences"] == [
        ("occurrences: (none) → 2024-03-19T09:00:00Z", ("unsupported-field: EXDATE",))]
    assert result.unreported() == []


# ------------------------------------------------------------------------------------------ command line

def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    from ics_bridge.cli import main
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_verdict_and_exit_code_follow_the_native_view(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json
    src = tmp_path / "byhour.ics"
    src.write_bytes(BYHOUR)
    code, out, err = _cli(capsys, "roundtrip", str(src), "--via", "graph")
    assert code == 1
    assert out.splitlines()[1] == (
        "  occurrences: 2024-03-04T14:00:00Z, 2024-03-05T08:00:00Z, 2024-03-05T14:00:00Z, 2024-03-06T08:00:00Z, "
        "2024-03-06T14:00:00Z → (none)  [kept only in ics-bridge's private data; Outlook does not show it; "
        "reported: recurrence-unsupported: RRULE]")
    assert err.splitlines()[-1] == (
        "roundtrip via graph (horizon: 5 years after each series start, at most 1000 occurrences): 1 file, 1 events: "
        "0 lossless, 1 changed, 0 lost, 0 gained, 0 errors; 2 differences kept only in ics-bridge's private data")
    code, out, _ = _cli(capsys, "roundtrip", str(src), "--via", "graph", "--json", "--horizon", "2026-12-31")
    data = json.loads(out)
    assert code == 1 and data["view"] == "native" and data["horizon"]["until"] == "2026-12-31"
    [result] = data["files"]
    assert result["lossless"] is False and result["restored"] == {
        "lossless": True, "events": [dict(result["events"][0], status="lossless", differences=[])]}
    assert data["summary"]["kept_only_in_private_data"] == 2 and data["summary"]["unreported_differences"] == 0


def test_cli_horizon_option_on_diff(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    left, right = tmp_path / "left.ics", tmp_path / "right.ics"
    left.write_text(HORIZON_LEFT)
    right.write_text(HORIZON_RIGHT)
    code, out, err = _cli(capsys, "diff", str(left), str(right))
    assert code == 1 and "  series_end: none → UNTIL; last occurrence 2031-03-05T09:00:00Z" in out.splitlines()
    assert err.splitlines()[-1] == "0 same, 2 changed, 0 missing, 0 extra (horizon: 5 years after each series start, " \
                                   "at most 1000 occurrences)"
    code, _, err = _cli(capsys, "diff", str(left), str(right), "--horizon", "30", "--max-occurrences", "40")
    assert err.splitlines()[-1].endswith("(horizon: 30 years after each series start, at most 40 occurrences)")
    code, _, err = _cli(capsys, "diff", str(left), str(right), "--horizon-years", "7")  # the older spelling
    assert err.splitlines()[-1].endswith("(horizon: 7 years after each series start, at most 1000 occurrences)")
    code, _, err = _cli(capsys, "diff", str(left), str(right), "--horizon", "next year")
    assert code == 2 and "neither a number of years nor a date" in err
