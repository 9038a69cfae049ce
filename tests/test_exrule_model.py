"""EXRULE restated as EXDATEs on the typed hub (``quirks/exrule.restate``, issue 12): exactly for
a series that ends, up to the horizon (EXDATEs marked, the EXRULE kept) for an endless one."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from ics_bridge import hub
from ics_bridge import model as m
from ics_bridge.io.model_reader import read_calendar
from ics_bridge.quirks.exrule import HORIZON_YEARS, restate
from ics_bridge.report import LossKind, Report


def _event(rrule: str, exrule: str, start: str = "DTSTART;TZID=Europe/Berlin:20260105T090000") -> m.Event:
    data = (f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x@example.com\r\n{start}\r\n"
            f"RRULE:{rrule}\r\nEXRULE:{exrule}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n").encode()
    return next(read_calendar(data).events)


def test_a_series_that_ends_gets_exact_exdates_and_loses_its_exrule() -> None:
    report = Report()
    done = restate(_event("FREQ=WEEKLY;COUNT=6", "FREQ=WEEKLY;INTERVAL=2"), report)
    assert done.exrules == ()
    (line,) = done.exdates
    berlin = ZoneInfo("Europe/Berlin")
    assert [m.plain(v) for v in line.values] == [datetime(2026, 1, d, 9, tzinfo=berlin) for d in (5, 19)] + \
        [datetime(2026, 2, 2, 9, tzinfo=berlin)]
    assert line.params == ()
    assert [(e.kind, e.after) for e in report] == [(LossKind.QUIRK_REPAIRED, "3")]


def test_an_endless_series_keeps_its_exrule_and_marks_the_exdates() -> None:
    report = Report()
    done = restate(_event("FREQ=DAILY", "FREQ=WEEKLY;BYDAY=SA,SU", start="DTSTART;VALUE=DATE:20260101"), report)
    assert len(done.exrules) == 1
    (line,) = done.exdates
    assert m.param(line.params, hub.PARAM_FROM_EXRULE) == "TRUE"
    assert line.values[0] == date(2026, 1, 3) and all(isinstance(v, date) for v in line.values)
    assert report.entries[0].after == date(2026 + HORIZON_YEARS, 1, 1).isoformat()


def test_nothing_to_do_without_exrule() -> None:
    event = m.Event(uid="y", start=date(2026, 1, 1))
    assert restate(event, Report()) is event
