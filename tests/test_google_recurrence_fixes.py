"""Google ``recurrence[]`` lines the typed reading used to drop, fail or shift (issue 12 follow-up).

Each case is a Google Events resource converted end to end (``ics_bridge.convert(…, to="ics")``)
and held to the .ics path reading the same VEVENT lines: the same occurrences, and every repair
or loss in the report — nothing goes missing or shifts silently.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

from ics_bridge import convert
from ics_bridge import model as m
from ics_bridge.expansion import align, series_set
from ics_bridge.io.model_reader import read_calendar

BERLIN_10 = {"dateTime": "2025-01-01T10:00:00+01:00", "timeZone": "Europe/Berlin"}
BERLIN_11 = {"dateTime": "2025-01-01T11:00:00+01:00", "timeZone": "Europe/Berlin"}
ALL_DAY = ({"date": "2025-01-01"}, {"date": "2025-01-02"})


def _google(lines: list[str], start: dict = BERLIN_10, end: dict = BERLIN_11) -> bytes:
    """A Google Events list holding one series, as the API returns it."""
    event = {"kind": "calendar#event", "etag": "\"3461234567890000\"", "id": "4eq8k2v7p0s1",
             "status": "confirmed", "htmlLink": "https://www.google.com/calendar/event?eid=NGVxOGsydjdwMHMx",
             "created": "2024-12-20T08:00:00.000Z", "updated": "2024-12-20T08:00:00.000Z",
             "summary": "Standup", "creator": {"email": "ana@example.com", "self": True},
             "organizer": {"email": "ana@example.com", "self": True}, "start": start, "end": end,
             "recurrence": lines, "iCalUID": "4eq8k2v7p0s1@google.com", "sequence": 0,
             "reminders": {"useDefault": True}, "eventType": "default"}
    return json.dumps({"kind": "calendar#events", "summary": "ana@example.com", "timeZone": "Europe/Berlin",
                       "items": [event]}).encode()


def _ics(lines: list[str], dtstart: str = "DTSTART;TZID=Europe/Berlin:20250101T100000") -> bytes:
    body = "".join(f"{line}\r\n" for line in lines)
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:4eq8k2v7p0s1@google.com\r\n"
            f"DTSTAMP:20241220T080000Z\r\nSUMMARY:Standup\r\n{dtstart}\r\n{body}END:VEVENT\r\nEND:VCALENDAR\r\n").encode()


def _both(lines: list[str], *, all_day: bool = False):
    """(Google → .ics result, .ics → .ics result) for the same lines."""
    if all_day:
        return convert(_google(lines, *ALL_DAY), to="ics"), convert(_ics(lines, "DTSTART;VALUE=DATE:20250101"), to="ics")
    return convert(_google(lines), to="ics"), convert(_ics(lines), to="ics")


def _master(result) -> m.Event:
    assert not result.errors, result.errors
    events = [e for e in read_calendar(result.to_bytes()).events if e.recurrence_id is None]
    assert len(events) == 1
    return events[0]


def _occurrences(result, limit: int = 40) -> list[date | datetime]:
    """The series' starts (UTC, or dates) after its EXDATEs, as dateutil expands the written .ics."""
    event = _master(result)
    start = m.plain(event.start)
    base = start if isinstance(start, datetime) else datetime.combine(start, datetime.min.time())
    excluded = {align(v, base) for line in event.exdates for v in line.values}
    out = []
    for value in series_set(event, base):
        if value not in excluded:
            out.append(value.astimezone(timezone.utc) if value.tzinfo else value.date())
        if len(out) >= limit:
            break
    return out


def _entries(result, field: str) -> list:
    return [e for e in result.report.entries if e.field == field]


def _lines(result, name: str) -> list[str]:
    """The master VEVENT's ``name`` lines as written (not its VTIMEZONE's, nor an override's)."""
    out, inside, seen = [], False, False
    for line in result.to_bytes().decode().splitlines():
        if line == "BEGIN:VEVENT":
            inside = not seen
            seen = True
        elif line == "END:VEVENT":
            inside = False
        elif inside and line.split(":")[0].split(";")[0] == name:
            out.append(line)
    return out


# ---------------------------------------------------------------- 1. DATE UNTIL on a timed series

def test_date_until_on_a_timed_series_is_repaired_not_dropped():
    lines = ["RRULE:FREQ=DAILY;UNTIL=20250105"]
    google, ics = _both(lines)
    assert _lines(google, "RRULE") == ["RRULE:FREQ=DAILY;UNTIL=20250105T225959Z"] == _lines(ics, "RRULE")
    assert not [e for e in google.report.entries if "rejected" in e.reason]
    (entry,) = _entries(google, "RRULE;UNTIL")
    (want,) = _entries(ics, "RRULE;UNTIL")
    assert (entry.kind, entry.reason, entry.before, entry.after) == (want.kind, want.reason, want.before, want.after)
    assert entry.reason == "DATE UNTIL on a timed series read as the end of that day"
    occurrences = _occurrences(google)
    assert occurrences == _occurrences(ics)
    assert occurrences[-1] == datetime(2025, 1, 5, 9, tzinfo=timezone.utc) and len(occurrences) == 5


def test_floating_until_on_a_zoned_series_is_repaired_not_dropped():
    lines = ["RRULE:FREQ=WEEKLY;UNTIL=20250115T100000"]
    google, ics = _both(lines)
    assert _lines(google, "RRULE") == ["RRULE:FREQ=WEEKLY;UNTIL=20250115T090000Z"] == _lines(ics, "RRULE")
    assert [e.reason for e in _entries(google, "RRULE;UNTIL")] == [e.reason for e in _entries(ics, "RRULE;UNTIL")]
    assert _occurrences(google) == _occurrences(ics) and len(_occurrences(google)) == 3


# ---------------------------------------------------------------- 2. periods and durations on a timed series

def test_rdate_periods_on_a_timed_series_convert_and_stay_periods():
    lines = ["RRULE:FREQ=WEEKLY;COUNT=3", "RDATE;VALUE=PERIOD:20250110T100000Z/20250110T120000Z",
             "RDATE;TZID=Europe/Berlin;VALUE=PERIOD:20250111T100000/PT2H"]
    google, ics = _both(lines)
    assert not google.errors and not [e for e in google.report.entries if "combine()" in e.reason]
    # kept as periods, in their zones (the .ics path's reading also splits them into starts and
    # overrides, quirks/rdate_period; the Google reading keeps the hub's m.Period)
    assert _lines(google, "RDATE") == ["RDATE;VALUE=PERIOD:20250110T100000Z/20250110T120000Z",
                                       "RDATE;TZID=Europe/Berlin;VALUE=PERIOD:20250111T100000/PT2H"]
    assert not [e for e in google.report.entries if e.field.startswith("RDATE")]
    occurrences = _occurrences(google)
    assert occurrences == _occurrences(ics)
    assert datetime(2025, 1, 10, 10, tzinfo=timezone.utc) in occurrences
    assert datetime(2025, 1, 11, 9, tzinfo=timezone.utc) in occurrences  # 10:00 Berlin
    assert len(occurrences) == 5


def test_an_rdate_period_is_kept_as_a_period_on_the_hub():
    from ics_bridge.providers.google.recurrence import read_recurrence
    from ics_bridge.report import Report
    from zoneinfo import ZoneInfo
    start = datetime(2025, 1, 1, 10, tzinfo=ZoneInfo("Europe/Berlin"))
    report = Report()
    typed = read_recurrence(["RDATE;TZID=Europe/Berlin;VALUE=PERIOD:20250111T100000/PT2H",
                             "RDATE;VALUE=PERIOD:20250110T100000Z/20250110T120000Z"], start, report, "u1")
    first, second = (line.values[0] for line in typed.rdates)
    assert isinstance(first, m.Period) and first.duration == timedelta(hours=2)
    assert first.start.zone.tzid == "Europe/Berlin" and m.plain(first.start) == datetime(2025, 1, 11, 10,
                                                                                       tzinfo=ZoneInfo("Europe/Berlin"))
    assert isinstance(second, m.Period) and m.plain(second.end) == datetime(2025, 1, 10, 12, tzinfo=timezone.utc)
    assert not report.entries


def test_a_bare_duration_is_reported_by_its_line_not_a_type_error():
    lines = ["RRULE:FREQ=WEEKLY;COUNT=3", "RDATE;VALUE=DURATION:PT2H", "EXDATE:P1D"]
    google = convert(_google(lines), to="ics")
    assert not google.errors
    assert _lines(google, "RRULE") == ["RRULE:FREQ=WEEKLY;COUNT=3"]
    reasons = {e.before: (e.kind.value, e.field, e.reason) for e in google.report.entries}
    for line in lines[1:]:
        assert line in reasons, (line, google.report.entries)
        assert "combine()" not in reasons[line][2] and "must be" not in reasons[line][2]
        assert reasons[line][2].endswith("dropped")
    assert len(_occurrences(google)) == 3


def test_a_period_ending_before_it_starts_is_reported_by_its_line_not_failing_the_event():
    lines = ["RRULE:FREQ=DAILY;COUNT=2", "RDATE;VALUE=PERIOD:20250110T090000Z/20250110T080000Z,20250111T090000Z/PT1H"]
    google = convert(_google(lines), to="ics")
    assert not google.errors
    (entry,) = _entries(google, "RDATE")
    assert (entry.kind.value, entry.before) == ("invalid-value", lines[1]) and "ending before it starts" in entry.reason
    assert _lines(google, "RDATE") == ["RDATE;VALUE=PERIOD:20250111T090000Z/PT1H"]
    assert datetime(2025, 1, 11, 9, tzinfo=timezone.utc) in _occurrences(google)


def test_an_exdate_period_on_a_timed_series_is_kept_and_reported():
    lines = ["RRULE:FREQ=DAILY;COUNT=3", "EXDATE;VALUE=PERIOD:20250102T090000Z/PT1H"]
    google, ics = _both(lines)
    assert not google.errors
    assert _lines(google, "EXDATE") == _lines(ics, "EXDATE") == ["EXDATE;VALUE=PERIOD:20250102T090000Z/PT1H"]
    (entry,) = [e for e in google.report.entries if e.field == "EXDATE"]
    assert entry.before == lines[1] and "PERIOD" in entry.reason and "kept as written" in entry.reason
    assert _occurrences(google) == _occurrences(ics)


# ---------------------------------------------------------------- 3. periods on an all-day series

def test_an_all_day_rdate_period_keeps_its_tzid():
    lines = ["RRULE:FREQ=WEEKLY;COUNT=3", "RDATE;TZID=Europe/Berlin;VALUE=PERIOD:20250110T100000/PT2H"]
    google, ics = _both(lines, all_day=True)
    assert _lines(google, "RDATE") == _lines(ics, "RDATE") == [
        "RDATE;TZID=Europe/Berlin;VALUE=PERIOD:20250110T100000/PT2H"]
    (period,) = _master(google).rdates[0].values
    assert m.plain(period.start).utcoffset() == timedelta(hours=1)  # 10:00 Berlin, not floating
    assert _occurrences(google) == _occurrences(ics)


def test_an_all_day_exdate_period_is_kept_as_written_and_reported():
    lines = ["RRULE:FREQ=WEEKLY;COUNT=3", "EXDATE;VALUE=PERIOD:20250108T000000Z/PT1H",
             "EXDATE;VALUE=DATE:20250115"]
    google, ics = _both(lines, all_day=True)
    assert sorted(_lines(google, "EXDATE")) == sorted(_lines(ics, "EXDATE")) == [  # their order means nothing
        "EXDATE;VALUE=DATE:20250115", "EXDATE;VALUE=PERIOD:20250108T000000Z/PT1H"]
    (entry,) = [e for e in google.report.entries if e.field == "EXDATE"]
    assert entry.kind.value == "invalid-value" and entry.before == lines[1] and "kept as written" in entry.reason
    assert _occurrences(google) == _occurrences(ics) == [date(2025, 1, 1), date(2025, 1, 8)]


# ---------------------------------------------------------------- 4. a Z value beside a TZID

_UTC_BESIDE_TZID = "TZID 'Europe/Berlin' beside a UTC time (…Z) ignored (RFC 5545 3.3.5); read in UTC as ical.js and libical do"


def test_a_utc_value_beside_a_tzid_is_read_in_utc_as_the_ics_path_reads_it():
    lines = ["RRULE:FREQ=DAILY;COUNT=5", "EXDATE;TZID=Europe/Berlin:20250102T090000Z"]
    google, ics = _both(lines)
    assert _lines(google, "EXDATE") == _lines(ics, "EXDATE") == ["EXDATE:20250102T090000Z"]
    got = [(e.kind, e.field, e.reason, e.before, e.after) for e in _entries(google, "EXDATE")]
    assert got == [(e.kind, e.field, e.reason, e.before, e.after) for e in _entries(ics, "EXDATE")]
    assert got[0][2] == _UTC_BESIDE_TZID
    assert _occurrences(google) == _occurrences(ics) and len(_occurrences(google)) == 4


def test_a_line_mixing_zones_reads_each_value_as_written():
    lines = ["RRULE:FREQ=DAILY;COUNT=5", "EXDATE;TZID=Europe/Berlin:20250101T100000,20250102T090000Z"]
    google = convert(_google(lines), to="ics")
    # the same values, each on a line of its own kind, as the .ics path reads them
    split = convert(_ics(["RRULE:FREQ=DAILY;COUNT=5", "EXDATE;TZID=Europe/Berlin:20250101T100000",
                          "EXDATE:20250102T090000Z"]), to="ics")
    assert _lines(google, "EXDATE") == ["EXDATE;TZID=Europe/Berlin:20250101T100000", "EXDATE:20250102T090000Z"]
    assert _occurrences(google) == _occurrences(split) == [datetime(2025, 1, d, 9, tzinfo=timezone.utc)
                                                           for d in (3, 4, 5)]
    (entry,) = _entries(google, "EXDATE")
    assert (entry.kind.value, entry.reason, entry.before, entry.after) == (
        "quirk-repaired", _UTC_BESIDE_TZID, "Europe/Berlin", "UTC")


def test_a_utc_value_beside_floating_ones_is_not_moved_into_the_series_zone():
    lines = ["RRULE:FREQ=DAILY;COUNT=5", "RDATE:20250110T120000Z,20250111T120000"]
    google = convert(_google(lines), to="ics")
    occurrences = _occurrences(google)
    assert datetime(2025, 1, 10, 12, tzinfo=timezone.utc) in occurrences  # the Z value as written
    assert datetime(2025, 1, 11, 11, tzinfo=timezone.utc) in occurrences  # 12:00 in the series zone (Berlin)
    assert len(occurrences) == 7


def test_a_utc_period_start_beside_a_tzid_is_read_in_utc():
    lines = ["RRULE:FREQ=WEEKLY;COUNT=2", "RDATE;TZID=Europe/Berlin;VALUE=PERIOD:20250110T120000Z/PT1H"]
    google = convert(_google(lines), to="ics")
    assert datetime(2025, 1, 10, 12, tzinfo=timezone.utc) in _occurrences(google)
    assert [e.reason for e in _entries(google, "RDATE")] == [_UTC_BESIDE_TZID]
