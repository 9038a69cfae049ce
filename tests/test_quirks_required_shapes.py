"""Invalid shapes producers write that strict readers refuse: repaired on reading, reported.

Each was written as read before (tests/test_interop_output.py named them as xfails: the
``ical`` library refused ical4j's evolution2, ics-parser's issue 343 and recurring-ical-events'
issue 27 samples, khal's mixed-awareness sample was read two ways).  Now each is put in the
shape RFC 5545 requires, keeping what the file means, with a report entry naming the repair.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
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


# ------------------------------------------------------------------ EXRULE and long date lists

def test_exrule_of_a_series_that_ends_becomes_exdates() -> None:
    data = _cal("DTSTART;TZID=Europe/Berlin:20260302T090000", "DTEND;TZID=Europe/Berlin:20260302T100000",
                "RRULE:FREQ=DAILY;COUNT=14", "EXRULE:FREQ=WEEKLY;BYDAY=SA,SU")
    event, report = _event(data)
    assert event.get("EXRULE") is None
    excluded = sorted(d.dt for d in event["EXDATE"].dts)
    berlin = ZoneInfo("Europe/Berlin")
    assert excluded == [datetime(2026, 3, d, 9, 0, tzinfo=berlin) for d in (7, 8, 14, 15)]
    assert "exact" in _repairs(report, "EXRULE")[0].reason
    graph = json.loads(ics_bridge.convert(data, to="graph").to_bytes())
    assert [c.rsplit(".", 1)[1] for c in graph["cancelledOccurrences"]] == [
        "2026-03-07", "2026-03-08", "2026-03-14", "2026-03-15"]
    assert not ics_bridge.roundtrip(data, via="graph").unreported()


def test_exrule_of_an_endless_series_is_kept_and_restated_until_the_horizon() -> None:
    data = _cal("DTSTART:20260302T090000Z", "DTEND:20260302T100000Z", "RRULE:FREQ=DAILY",
                "EXRULE:FREQ=DAILY;BYDAY=MO")
    conv = ics_bridge.convert(data, to="ics")
    text = conv.to_bytes().decode()
    assert "EXRULE:FREQ=DAILY;BYDAY=MO" in text
    event = Calendar.from_ical(conv.to_bytes()).walk("VEVENT")[0]
    exdates = [d.dt for p in event["EXDATE"] for d in p.dts]
    assert all(p.params["X-ICSBRIDGE-EXRULE"] == "TRUE" for p in event["EXDATE"])
    assert exdates[0] == datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)  # DTSTART is a Monday
    assert exdates[-1] < datetime(2046, 3, 3, tzinfo=timezone.utc) and len(exdates) == 1044
    assert all(d.weekday() == 0 for d in exdates)
    assert max(len(p.dts) for p in event["EXDATE"]) <= 100  # lines libical reads whole
    (entry,) = _repairs(list(conv.report), "EXRULE")
    assert "2046-03-02" in entry.reason
    google = json.loads(ics_bridge.convert(data, to="google").to_bytes())
    item = google["items"][0] if "items" in google else google
    assert item["recurrence"] == ["RRULE:FREQ=DAILY", "EXRULE:FREQ=DAILY;BYDAY=MO"]  # the EXRULE carries them
    assert not ics_bridge.roundtrip(data, via="google").unreported()


def test_long_exdate_lists_are_read_whole_by_libical() -> None:
    """libical 3 reads only the first 500 values of one EXDATE line; the writer splits them."""
    from interop import readers
    readers.require("libical")
    days = [date(2020, 1, 1) + timedelta(days=i) for i in range(0, 1400, 2)]
    data = _cal("DTSTART:20200101T090000Z", "DTEND:20200101T100000Z", "RRULE:FREQ=DAILY;COUNT=1400",
                "EXDATE:" + ",".join(d.strftime("%Y%m%dT090000Z") for d in days))
    out = ics_bridge.convert(data, to="ics").to_bytes().decode()
    assert out.count("EXDATE") == 7
    reading = readers.read_libical(out, ("2000-01-01T00:00:00Z", "2031-01-01T00:00:00Z"))
    (occurrences,) = reading.occurrences.values()
    assert len(occurrences) == 700


def test_zones_icalendar_writes_as_utc_lose_their_tzid_not_their_time() -> None:
    """icalendar counts Africa/Abidjan (and every zone that is UTC+0 all year) as UTC and writes
    ``Z``; a TZID beside the ``Z`` is invalid (RFC 5545 3.2.19), so the writer drops it."""
    data = _cal("DTSTART;TZID=Africa/Abidjan:20260101T090000", "DTEND;TZID=Africa/Abidjan:20260101T100000",
                "RRULE:FREQ=WEEKLY;COUNT=3", "EXDATE;TZID=Atlantic/Reykjavik:20260108T090000")
    text = ics_bridge.convert(data, to="ics").to_bytes().decode()
    assert "DTSTART:20260101T090000Z" in text and "EXDATE:20260108T090000Z" in text
    assert "TZID" not in text
    event = Calendar.from_ical(text).walk("VEVENT")[0]
    assert event["DTSTART"].dt == datetime(2026, 1, 1, 9, 0, tzinfo=timezone.utc)
    assert not ics_bridge.roundtrip(data, via="graph").unreported()


def test_exrule_exclusions_after_the_horizon_of_a_series_that_ends_are_kept() -> None:
    """A series that ends is walked to its end, not to the horizon: every exclusion is kept."""
    data = _cal("DTSTART:20200101T100000Z", "RRULE:FREQ=YEARLY;COUNT=40", "EXRULE:FREQ=YEARLY;INTERVAL=2")
    event, report = _event(data)
    assert event.get("EXRULE") is None
    assert sorted(d.dt.year for d in event["EXDATE"].dts) == list(range(2020, 2060, 2))
    assert not ics_bridge.roundtrip(data, via="google").unreported()


def test_an_exrule_that_ends_is_restated_exactly_on_an_endless_series() -> None:
    event, report = _event(_cal("DTSTART:20200101T100000Z", "RRULE:FREQ=DAILY",
                                "EXRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=3"))
    assert event.get("EXRULE") is None
    assert [d.dt.day for d in event["EXDATE"].dts] == [6, 13, 20]
    assert "the EXRULE ends: exact" in _repairs(report, "EXRULE")[0].reason


def test_exrules_dateutil_would_search_for_ever_are_kept_and_reported(rrule_steps: dict[str, int]) -> None:
    """BYMONTH=1;BYYEARDAY=366 matches nothing: dateutil would search every day to 9999."""
    event, report = _event(_cal("DTSTART:20200101T100000Z", "RRULE:FREQ=WEEKLY",
                                "EXRULE:FREQ=MINUTELY;BYMONTH=1;BYYEARDAY=-1"))
    assert str(event["EXRULE"].to_ical().decode()).startswith("FREQ=MINUTELY")
    assert [e for e in report if e.kind is LossKind.RECURRENCE_UNSUPPORTED and e.field == "EXRULE"]
    assert rrule_steps["steps"] < 2000  # the weekly series' 20 years, never the EXRULE's search


def test_exrule_near_the_end_of_time_keeps_the_event() -> None:
    conv = ics_bridge.convert(_cal("DTSTART:99991230T090000Z", "RRULE:FREQ=DAILY", "EXRULE:FREQ=WEEKLY"), to="ics")
    assert not conv.errors
    assert "EXRULE:FREQ=WEEKLY" in conv.to_bytes().decode()
    assert [e for e in conv.report if e.kind is LossKind.RECURRENCE_UNSUPPORTED and e.field == "EXRULE"]


def test_alarm_with_an_empty_or_a_repeated_action() -> None:
    event, report = _event(_cal("DTSTART:20260310T090000Z", "BEGIN:VALARM", "ACTION:", "TRIGGER:-PT5M", "END:VALARM",
                                "BEGIN:VALARM", "ACTION:DISPLAY", "ACTION:AUDIO", "TRIGGER:-PT10M", "END:VALARM"))
    first, second = event.walk("VALARM")
    assert str(first["ACTION"]) == "DISPLAY" and str(first["DESCRIPTION"]) == "Board meeting"
    assert str(second["ACTION"]) == "DISPLAY" and str(second["DESCRIPTION"]) == "Board meeting"
    assert len(_repairs(report, "VALARM;ACTION")) == 2


def test_floating_override_of_a_series_given_a_zone_moves_with_it() -> None:
    """The master's floating start takes its DTEND's zone; its override's floating RECURRENCE-ID
    must name the same occurrence in that zone, or Graph shows the replaced occurrence too."""
    data = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:s\r\nDTSTAMP:20200101T000000Z\r\n"
            b"DTSTART:20200106T090000\r\nDTEND;TZID=America/New_York:20200106T100000\r\nRRULE:FREQ=DAILY;COUNT=5\r\n"
            b"END:VEVENT\r\nBEGIN:VEVENT\r\nUID:s\r\nDTSTAMP:20200101T000000Z\r\nRECURRENCE-ID:20200108T090000\r\n"
            b"DTSTART:20200108T110000\r\nDTEND:20200108T120000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    graph = json.loads(ics_bridge.convert(data, to="graph").to_bytes())
    (exception,) = [i for i in graph["value"] if i["type"] == "exception"]
    assert exception["originalStart"] == "2020-01-08T14:00:00Z"  # 09:00 in New York
    for via in ("graph", "google"):
        result = ics_bridge.roundtrip(data, via=via)
        assert result.lossless and not result.unreported(), via


def test_zoned_exdate_of_a_floating_series_is_its_wall_clock_time() -> None:
    data = _cal("DTSTART:20200106T090000", "DTEND:20200106T100000", "RRULE:FREQ=DAILY;COUNT=5",
                "EXDATE;TZID=Europe/Berlin:20200107T090000")
    event, report = _event(data)
    assert event["EXDATE"].dts[0].dt == datetime(2020, 1, 7, 9, 0) and "TZID" not in event["EXDATE"].params
    google = json.loads(ics_bridge.convert(data, to="google", options=Options(default_zone="Europe/Berlin")).to_bytes())
    item = google["items"][0] if "items" in google else google
    assert "EXDATE;TZID=Europe/Berlin:20200107T090000" in item["recurrence"]
    assert not ics_bridge.roundtrip(data, via="google", options=Options(default_zone="Europe/Berlin")).unreported()


def test_many_exrules_share_one_work_budget(rrule_steps: dict[str, int]) -> None:
    """Ten dense EXRULEs on one event: one budget for all (expansion.MAX_EXRULE_STEPS), so
    conversion and validation stay bounded, and the rules are kept as read, reported."""
    from ics_bridge.expansion import MAX_EXRULE_STEPS
    rules = [f"EXRULE:FREQ=SECONDLY;BYSECOND={','.join(str(s) for s in range(1, 60 - i))}" for i in range(10)]
    data = _cal("DTSTART:20240101T100000Z", "RRULE:FREQ=MINUTELY;COUNT=3300", *rules)
    conv = ics_bridge.convert(data, to="ics")
    assert conv.to_bytes().decode().count("EXRULE:") == 10
    assert rrule_steps["steps"] <= 2 * MAX_EXRULE_STEPS + 10_000
    assert [e for e in conv.report if e.kind is LossKind.RECURRENCE_UNSUPPORTED and e.field == "EXRULE"]
    rrule_steps["steps"] = 0
    assert ics_bridge.roundtrip(_cal("DTSTART:20240101T100000Z", "RRULE:FREQ=YEARLY", "EXRULE:FREQ=SECONDLY"),
                                via="graph").unreported() == []
    assert rrule_steps["steps"] <= 4 * MAX_EXRULE_STEPS


def test_repeated_actions_keep_the_first_non_empty_one() -> None:
    event, _report = _event(_cal("DTSTART:20260310T090000Z", "BEGIN:VALARM", "ACTION:", "ACTION:AUDIO",
                                 "TRIGGER:-PT15M", "END:VALARM"))
    assert str(event.walk("VALARM")[0]["ACTION"]) == "AUDIO"


def test_a_second_master_of_a_uid_is_put_in_its_own_frame() -> None:
    data = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTAMP:20200101T000000Z\r\n"
            b"DTSTART;TZID=Europe/Berlin:20240301T090000\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:a\r\n"
            b"DTSTAMP:20200101T000000Z\r\nDTSTART:20240301T100000\r\nRRULE:FREQ=DAILY;COUNT=5\r\n"
            b"EXDATE;TZID=America/New_York:20240302T100000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    second = Calendar.from_ical(ics_bridge.convert(data, to="ics").to_bytes()).walk("VEVENT")[1]
    assert second["EXDATE"].dts[0].dt == datetime(2024, 3, 2, 10, 0)
    assert ics_bridge.roundtrip(data, via="google").unreported() == []


@pytest.mark.parametrize("lines", [
    ("DTSTART;VALUE=DATE:99991231", "RRULE:FREQ=YEARLY"),
    ("DTSTART:99991231T100000", "DURATION:P2D", "RRULE:FREQ=DAILY"),
    ("DTSTART;TZID=Pacific/Pago_Pago:99991231T230000", "RRULE:FREQ=HOURLY"),
])
def test_the_end_of_time_is_never_a_traceback(lines: tuple[str, ...]) -> None:
    data = _cal(*lines)
    for to in ("ics", "graph", "google"):
        ics_bridge.convert(data, to=to).to_bytes()
    for via in ("ics", "graph", "google"):
        assert ics_bridge.roundtrip(data, via=via).unreported() == []


def test_graph_start_sentinel_is_a_clear_error() -> None:
    item = {"id": "a", "iCalUId": "u", "subject": "s", "type": "seriesMaster",
            "start": {"dateTime": "0001-01-01T00:00:00", "timeZone": "Pacific Standard Time"},
            "end": {"dateTime": "0001-01-01T01:00:00", "timeZone": "Pacific Standard Time"},
            "recurrence": {"pattern": {"type": "daily", "interval": 1}, "range": {"type": "noEnd", "startDate": "0001-01-01"}}}
    conv = ics_bridge.convert(json.dumps({"value": [item]}), to="ics")
    (error,) = conv.errors
    assert "0001-01-01" in str(error) and error.field == "start" and error.uid == "u"


def test_lone_surrogates_in_a_callers_text_or_dict() -> None:
    text = _cal("DTSTART:20260310T090000Z").decode().replace("Board meeting", "Board \ud800 meeting")
    conv = ics_bridge.convert(text, to="graph")
    assert "Board \ufffd meeting" in conv.to_bytes().decode()
    assert [e for e in conv.report if e.field == "encoding"]
    item = {"id": "a", "iCalUId": "u", "subject": "x\udc00y", "start": {"dateTime": "2026-01-01T09:00:00", "timeZone": "UTC"},
            "end": {"dateTime": "2026-01-01T10:00:00", "timeZone": "UTC"}}
    conv = ics_bridge.convert({"value": [item]}, to="ics", source="graph")
    assert "x\ufffdy" in conv.to_bytes().decode()
    assert [e for e in conv.report if e.field == "JSON"]


def test_validation_expands_exrules_with_bysetpos() -> None:
    """A "last Monday of the month" EXRULE must not hide a change of the series from diff()."""
    head = "DTSTART;TZID=Europe/Berlin:20240101T090000"
    weekly = _cal(head, "RRULE:FREQ=WEEKLY;BYDAY=MO", "EXRULE:FREQ=MONTHLY;BYDAY=MO;BYSETPOS=-1")
    daily = _cal(head, "RRULE:FREQ=DAILY", "EXRULE:FREQ=MONTHLY;BYDAY=MO;BYSETPOS=-1")
    assert not ics_bridge.diff(weekly, daily).identical
    assert ics_bridge.roundtrip(weekly, via="google").unreported() == []


def test_graph_all_day_start_sentinel_is_a_clear_error() -> None:
    item = {"id": "1", "iCalUId": "u", "subject": "s", "isAllDay": True,
            "start": {"dateTime": "0001-01-01T00:00:00.0000000", "timeZone": "UTC"},
            "end": {"dateTime": "0001-01-02T00:00:00.0000000", "timeZone": "UTC"}}
    for to in ("ics", "google"):
        (error,) = ics_bridge.convert({"value": [item]}, to=to, source="graph").errors
        assert "0001-01-01" in str(error) and error.uid == "u"


def test_a_zoned_event_in_the_year_one_reads_back() -> None:
    data = _cal("DTSTART;TZID=Asia/Tokyo:00010101T010000", "DTEND;TZID=Asia/Tokyo:00010101T020000")
    ics_bridge.convert(ics_bridge.convert(data, to="ics").to_bytes(), to="ics").to_bytes()
    for via in ("ics", "graph", "google"):
        assert ics_bridge.roundtrip(data, via=via).unreported() == []


def test_a_callers_dict_gets_the_limits_of_json_text() -> None:
    from ics_bridge.errors import InputError
    nested: list = []
    for _ in range(600):
        nested = [nested]
    item = {"id": "a", "iCalUId": "u", "subject": "x\ud800y", "singleValueExtendedProperties": nested,
            "start": {"dateTime": "2026-01-01T09:00:00", "timeZone": "UTC"}}
    with pytest.raises(InputError, match="nested deeper"):
        ics_bridge.convert({"value": [item]}, to="ics", source="graph")
