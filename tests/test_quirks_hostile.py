"""The read quirks on hostile values: each quirk is isolated per event, RRULE sanity checks,
an unknown X-WR-TIMEZONE is reported."""

from __future__ import annotations

import pytest
from icalendar import Calendar
from icalendar.prop import vRecur

from hostile.cases import calendar, vevent
from ics_bridge import model as m
from ics_bridge.io.model_reader import read_calendar
from ics_bridge.quirks import apply_model_quirks, apply_read_quirks, rrule_checks
from ics_bridge.report import LossKind, Report


@pytest.mark.parametrize("rule, why", [
    ({"FREQ": ["DAILY"], "COUNT": [0]}, "COUNT=0 is below 1"),
    ({"COUNT": [3]}, "no FREQ"),
    ({"FREQ": ["WEEKLY"], "INTERVAL": [-2]}, "INTERVAL=-2 is below 1"),
    ({"FREQ": ["YEARLY"], "BYMONTH": [13]}, "BYMONTH=13 is out of range"),
    ({"FREQ": ["MONTHLY"], "BYMONTHDAY": [-32]}, "BYMONTHDAY=-32 is out of range"),
    ({"FREQ": ["DAILY"], "BYHOUR": [24]}, "BYHOUR=24 is out of range"),
])
def test_rrule_problems(rule: dict, why: str) -> None:
    assert rrule_checks.problem(vRecur(rule)) == why


@pytest.mark.parametrize("rule", [{"FREQ": ["SECONDLY"]}, {"FREQ": ["DAILY"], "COUNT": [10**9]},
                                  {"FREQ": ["MONTHLY"], "BYMONTHDAY": [-1]}, {"FREQ": ["YEARLY"], "BYSETPOS": [-1]}])
def test_valid_rules_pass(rule: dict) -> None:
    assert rrule_checks.problem(vRecur(rule)) is None


def test_count_and_until_keeps_until() -> None:
    cal = read_calendar(calendar(vevent("bad-1", "RRULE:FREQ=DAILY;COUNT=3;UNTIL=20260320T000000Z")))
    report = Report()
    events, errors = apply_model_quirks(cal, list(cal.events), report)
    assert errors == []
    (rule,) = [e for e in events if e.uid == "bad-1"][0].rrules
    assert rule.count is None and rule.until is not None and rule.text == "FREQ=DAILY;UNTIL=20260320T000000Z"
    assert report.for_field("RRULE;COUNT")[0].kind is LossKind.INVALID_VALUE


def test_count_and_until_keeps_until_on_icalendar_events() -> None:
    """``apply_read_quirks`` (parse_calendar's, until it reads the typed hub) repairs the VEVENT in place."""
    cal = Calendar.from_ical(calendar(vevent("bad-1", "RRULE:FREQ=DAILY;COUNT=3;UNTIL=20260320T000000Z")))
    good = cal.walk("VEVENT")[0]
    assert apply_read_quirks(cal, Report()) == []
    assert cal.walk("VEVENT")[0] is good  # an event no quirk changed stays the same object
    event = [e for e in cal.walk("VEVENT") if str(e["UID"]) == "bad-1"][0]
    assert "COUNT" not in event["RRULE"] and "UNTIL" in event["RRULE"]


def test_a_failing_quirk_removes_only_its_event(monkeypatch: pytest.MonkeyPatch) -> None:
    from ics_bridge.quirks import dtend_checks

    original = dtend_checks.apply

    def explode(event: m.Event, report: Report) -> m.Event:  # the quirks work on the typed hub (issue 12)
        if event.uid == "bad-1":
            raise ValueError("boom")
        return original(event, report)

    monkeypatch.setattr(dtend_checks, "apply", explode)
    cal = read_calendar(calendar(vevent("bad-1")))
    events, errors = apply_model_quirks(cal, list(cal.events), Report())
    assert [e.uid for e in events] == ["good-1"]
    assert len(errors) == 1 and errors[0].uid == "bad-1" and "boom" in errors[0].message


def test_unknown_x_wr_timezone_is_reported() -> None:
    text = calendar().replace("VERSION:2.0", "VERSION:2.0\r\nX-WR-TIMEZONE:Nowhere/Zone")
    report = Report()
    apply_read_quirks(Calendar.from_ical(text), report)
    (entry,) = report.for_field("X-WR-TIMEZONE")
    assert entry.kind is LossKind.TIMEZONE_UNKNOWN and "Nowhere/Zone" in entry.reason
