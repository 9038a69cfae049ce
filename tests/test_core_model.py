"""The shared core on the typed hub (issue 12): grouping into series, cancellations, the
THISANDFUTURE split and the native view, on calendars read by the model reader."""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from ics_bridge import hub
from ics_bridge import model as m
from ics_bridge.io.model_reader import read_calendar
from ics_bridge.native import strip_calendar
from ics_bridge.occurrences import Occurrences
from ics_bridge.report import LossKind, Report
from ics_bridge.series import exdates, group_series
from ics_bridge.thisandfuture import split_series

BERLIN = ZoneInfo("Europe/Berlin")


def _cal(*events: str) -> m.Calendar:
    body = "".join(f"BEGIN:VEVENT\r\n{e.strip()}\r\nEND:VEVENT\r\n" for e in events)
    return read_calendar(f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n{body}END:VCALENDAR\r\n")


def test_group_series_keeps_twin_masters_apart_and_overrides_with_the_first() -> None:
    cal = _cal("UID:a\r\nDTSTART:20260101T100000Z\r\nSUMMARY:v1",
               "UID:b\r\nDTSTART:20260101T100000Z",
               "UID:a\r\nDTSTART:20260101T110000Z\r\nSUMMARY:v2",
               "UID:a\r\nRECURRENCE-ID:20260108T100000Z\r\nDTSTART:20260108T120000Z",
               "DTSTART:20260101T100000Z", "DTSTART:20260102T100000Z")
    shapes = [(s.uid, s.master.summary if s.master else None, len(s.overrides)) for s in group_series(cal.events)]
    assert shapes == [("a", "v1", 1), ("b", None, 0), ("a", "v2", 0), ("", None, 0), ("", None, 0)]
    assert [(s.uid, len(s.overrides)) for s in group_series(cal.events)] == \
        [(s.uid, len(s.overrides)) for s in cal.series]  # as the model reader groups


def test_exdates_leave_out_exrule_restatements_and_cancelled_overrides() -> None:
    cal = _cal("UID:s\r\nDTSTART;TZID=Europe/Berlin:20260105T090000\r\nRRULE:FREQ=DAILY;COUNT=5\r\n"
               "EXDATE;TZID=Europe/Berlin:20260106T090000\r\n"
               f"EXDATE;{hub.PARAM_FROM_EXRULE}=TRUE;TZID=Europe/Berlin:20260107T090000",
               "UID:s\r\nRECURRENCE-ID;TZID=Europe/Berlin:20260108T090000\r\nSTATUS:CANCELLED")
    [series] = cal.series
    assert exdates(series) == [datetime(2026, 1, 6, 9, tzinfo=BERLIN)]
    found = Occurrences(series.master)
    assert found.match(datetime(2026, 1, 6, 8, tzinfo=timezone.utc)) == datetime(2026, 1, 6, 9, tzinfo=BERLIN)
    assert found.match(series.overrides[0].recurrence_id.value) is not None
    assert found.match(date(2026, 1, 9)) == datetime(2026, 1, 9, 9, tzinfo=BERLIN)  # a DATE at the series' time
    assert found.match(datetime(2026, 1, 9, 10, tzinfo=BERLIN)) is None


def test_thisandfuture_split_builds_two_model_series() -> None:
    cal = _cal("UID:w\r\nDTSTART;TZID=Europe/Berlin:20260105T090000\r\nDTEND;TZID=Europe/Berlin:20260105T100000\r\n"
               "RRULE:FREQ=WEEKLY;COUNT=6\r\nEXDATE;TZID=Europe/Berlin:20260202T090000",
               "UID:w\r\nRECURRENCE-ID;RANGE=THISANDFUTURE;TZID=Europe/Berlin:20260119T090000\r\n"
               "DTSTART;TZID=Europe/Berlin:20260119T110000\r\nDTEND;TZID=Europe/Berlin:20260119T120000\r\nSUMMARY:later")
    report = Report()
    head, tail = split_series(cal.series[0], report)
    assert head.uid == "w" and head.overrides == () and head.master.rrule.count is None
    assert m.plain(head.master.rrule.until) == datetime(2026, 1, 12, 8, tzinfo=timezone.utc)
    assert head.master.exdates == ()  # the EXDATE lies after the cut: it goes with the new series
    assert tail.uid == "w_R20260119T080000Z" and tail.master.recurrence_id is None
    assert tail.master.summary == "later" and tail.master.rrule.count == 4  # 6 minus the two before
    assert [m.plain(v) for line in tail.master.exdates for v in line.values] == \
        [datetime(2026, 2, 2, 11, tzinfo=BERLIN)]  # shifted by the change, in the series' zone
    assert tail.master.rrule.text == "FREQ=WEEKLY;COUNT=4"
    assert [e.kind for e in report] == [LossKind.VALUE_COLLAPSED, LossKind.VALUE_COLLAPSED]


def test_strip_calendar_removes_private_lines_and_parameters_everywhere() -> None:
    cal = _cal("UID:p\r\nDTSTART:20260101T100000Z\r\nX-ICSBRIDGE-GRAPH-JSON:{}\r\nX-OTHER:kept\r\n"
               "ATTENDEE;X-ICSBRIDGE-RESPONSE=accepted;CN=Ann:mailto:ann@example.com\r\n"
               "BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT5M\r\nX-ICSBRIDGE-GOOGLE-DEFAULT-REMINDER:TRUE\r\nEND:VALARM")
    native = strip_calendar(cal)
    [event] = native.events
    assert [line.name for line in event.other] == ["X-OTHER"]
    assert event.attendees[0].params == (m.Param("CN", ("Ann",)),) and event.attendees[0].cn == "Ann"
    assert event.alarms[0].other == ()
    assert next(cal.events).other[0].name == "X-ICSBRIDGE-GRAPH-JSON"  # the input is not changed
