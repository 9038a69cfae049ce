"""Graph → ICS → Graph through the public API: every pattern type and range type comes back equal.

The recurrence is compared field by field (pattern type, interval, daysOfWeek, firstDayOfWeek,
index, month, dayOfMonth; range type, startDate, endDate, numberOfOccurrences,
recurrenceTimeZone).  The resource profile fills Graph's defaults (month 0, dayOfMonth 0,
firstDayOfWeek sunday, index first, endDate 0001-01-01, numberOfOccurrences 0), so the input is
written in that full shape, as GET returns it.
"""
from __future__ import annotations

from typing import Any

import pytest

import ics_bridge

ZONES = {"Romance Standard Time": "Europe/Paris", "Eastern Standard Time": "America/New_York",
         "AUS Eastern Standard Time": "Australia/Sydney"}
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday"]


def full_pattern(**fields: Any) -> dict[str, Any]:
    return {"type": "daily", "interval": 1, "month": 0, "dayOfMonth": 0, "daysOfWeek": [],
            "firstDayOfWeek": "sunday", "index": "first", **fields}


# (name, first occurrence date, pattern): each start is the pattern's first occurrence, as Graph keeps it
CASES: list[tuple[str, str, dict[str, Any]]] = [
    ("daily", "2026-03-02", full_pattern(type="daily", interval=2)),
    ("weekly", "2026-03-02", full_pattern(type="weekly", interval=2, daysOfWeek=["monday", "wednesday", "sunday"],
                                          firstDayOfWeek="monday")),
    ("weekly_sunday_first", "2026-03-01", full_pattern(type="weekly", daysOfWeek=["sunday", "saturday"])),
    ("absoluteMonthly", "2026-03-15", full_pattern(type="absoluteMonthly", dayOfMonth=15)),
    ("absoluteMonthly_30", "2026-03-30", full_pattern(type="absoluteMonthly", interval=2, dayOfMonth=30)),
    ("absoluteMonthly_31", "2026-03-31", full_pattern(type="absoluteMonthly", dayOfMonth=31)),
    ("relativeMonthly", "2026-03-26", full_pattern(type="relativeMonthly", daysOfWeek=["thursday"], index="last")),
    ("relativeMonthly_second", "2026-03-10", full_pattern(type="relativeMonthly", interval=3,
                                                         daysOfWeek=["tuesday"], index="second")),
    ("relativeMonthly_last_weekday", "2026-03-31", full_pattern(type="relativeMonthly", daysOfWeek=WEEKDAYS,
                                                               index="last")),
    ("absoluteYearly", "2026-07-04", full_pattern(type="absoluteYearly", month=7, dayOfMonth=4)),
    ("absoluteYearly_feb_29", "2028-02-29", full_pattern(type="absoluteYearly", month=2, dayOfMonth=29)),
    ("relativeYearly", "2026-11-26", full_pattern(type="relativeYearly", month=11, daysOfWeek=["thursday"],
                                                  index="fourth")),
]
RANGES = {
    "endDate": lambda start: {"type": "endDate", "endDate": "2029-09-30", "numberOfOccurrences": 0},
    "noEnd": lambda start: {"type": "noEnd", "endDate": "0001-01-01", "numberOfOccurrences": 0},
    "numbered": lambda start: {"type": "numbered", "endDate": "0001-01-01", "numberOfOccurrences": 12},
}


def event(start: str, pattern: dict[str, Any], rng: dict[str, Any], windows_zone: str, all_day: bool) -> dict[str, Any]:
    if all_day:
        from datetime import date, timedelta
        end = (date.fromisoformat(start) + timedelta(days=1)).isoformat()
        times = {"start": {"dateTime": f"{start}T00:00:00.0000000", "timeZone": windows_zone},
                 "end": {"dateTime": f"{end}T00:00:00.0000000", "timeZone": windows_zone}, "isAllDay": True}
    else:
        times = {"start": {"dateTime": f"{start}T18:30:00.0000000", "timeZone": windows_zone},
                 "end": {"dateTime": f"{start}T19:00:00.0000000", "timeZone": windows_zone}, "isAllDay": False}
    return {
        "id": "AAMkSeries1", "iCalUId": "040000008200E00074C5B7101A82E0080000000011223344", "type": "seriesMaster",
        "subject": "Series", **times,
        "recurrence": {"pattern": pattern,
                       "range": {**rng, "startDate": start, "recurrenceTimeZone": windows_zone}},
    }


def round_trip(data: dict[str, Any]) -> dict[str, Any]:
    there = ics_bridge.graph_to_ics(data)
    back = ics_bridge.ics_to_graph(there.to_bytes())
    out = back.data
    if isinstance(out, dict) and "value" in out:
        masters = [e for e in out["value"] if e.get("recurrence")]
        assert len(masters) == 1, out
        out = masters[0]
    assert isinstance(out, dict)
    return out


@pytest.mark.parametrize("all_day", [False, True], ids=["timed", "all_day"])
@pytest.mark.parametrize("zone", list(ZONES))
@pytest.mark.parametrize("range_kind", list(RANGES))
@pytest.mark.parametrize("name, start, pattern", CASES, ids=[c[0] for c in CASES])
def test_recurrence_round_trips(name: str, start: str, pattern: dict[str, Any], range_kind: str, zone: str,
                                all_day: bool) -> None:
    data = event(start, pattern, RANGES[range_kind](start), zone, all_day)
    out = round_trip(data)
    assert "recurrence" in out, out
    pattern = dict(out["recurrence"]["pattern"])
    pattern.setdefault("daysOfWeek", [])  # see test_resource_profile_restores_empty_days_of_week
    assert pattern == data["recurrence"]["pattern"]
    assert out["recurrence"]["range"] == data["recurrence"]["range"]


def test_resource_profile_restores_empty_days_of_week() -> None:
    name, start, pattern = CASES[0]
    data = event(start, pattern, RANGES["noEnd"](start), "Romance Standard Time", False)
    assert round_trip(data)["recurrence"]["pattern"] == data["recurrence"]["pattern"]


def test_unexpressible_rrule_is_reported_not_guessed() -> None:
    text = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:u1\r\n"
            "DTSTAMP:20260101T000000Z\r\nDTSTART;TZID=Europe/Paris:20260131T090000\r\n"
            "DTEND;TZID=Europe/Paris:20260131T100000\r\nRRULE:FREQ=MONTHLY;BYMONTHDAY=31\r\n"
            "SUMMARY:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    back = ics_bridge.ics_to_graph(text.encode())
    out = back.data["value"][0] if "value" in back.data else back.data
    assert "recurrence" not in out
    assert any(e.field == "RRULE" and "BYMONTHDAY=31" in e.reason for e in back.report.entries), back.report
