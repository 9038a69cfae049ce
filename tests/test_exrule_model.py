"""EXRULE restated as EXDATEs on the typed hub (``quirks/exrule.restate``, issue 12): exactly for
a series that ends, up to the horizon (EXDATEs marked, the EXRULE kept) for an endless one."""

from __future__ import annotations

from datetime import date, datetime, timezone
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


# ---------------------------------------------------------------- the other write-side quirks on the model

def test_until_in_the_shape_of_the_start() -> None:
    from ics_bridge.quirks.dtstart_until import fix_event
    report = Report()
    event = _event("FREQ=DAILY;UNTIL=20260110", "FREQ=WEEKLY")
    done = fix_event(event, report)
    assert m.plain(done.rrule.until) == datetime(2026, 1, 10, 22, 59, 59, tzinfo=timezone.utc)  # Berlin's day end
    assert done.rrule.until.zone.kind == "utc"
    assert [e.reason for e in report] == ["DATE UNTIL on a timed series read as the end of that day"]
    all_day = _event("FREQ=DAILY;UNTIL=20260110T120000Z", "FREQ=WEEKLY", start="DTSTART;VALUE=DATE:20260105")
    assert fix_event(all_day, Report()).rrule.until == date(2026, 1, 10)
    assert fix_event(done, Report()) == done  # nothing left to repair


def test_zoned_exdates_on_an_all_day_series_become_dates() -> None:
    from ics_bridge.io.model_writer import write_calendar
    from ics_bridge.quirks.all_day_exdate import fix_event
    data = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:a@example.com\r\nDTSTART;VALUE=DATE:20121201\r\n"
            b"RRULE:FREQ=DAILY;COUNT=9\r\nEXDATE;TZID=Europe/Helsinki:20121204T000000\r\n"
            b"RDATE;TZID=Europe/Helsinki:20121220T100000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    report = Report()
    done = fix_event(next(read_calendar(data).events), report)
    assert done.exdates[0].values == (date(2012, 12, 4),)
    assert isinstance(done.rdates[0].values[0], m.ZonedDateTime)  # a time of day: kept as read
    assert [e.kind for e in report] == [LossKind.QUIRK_REPAIRED, LossKind.MAPPING_CHOICE]
    out = write_calendar(m.Calendar(series=(m.Series("a@example.com", done),))).decode()
    assert "EXDATE;VALUE=DATE:20121204\r\n" in out
