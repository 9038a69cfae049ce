"""The model writer's per-event line shortcuts (``io/model_writer._Writer.event``, issue 12) write
what its general path (``_write_calendar(..., fast=False)``: no memo) writes, byte for byte:

* ``last_times``: a DTSTAMP/DTSTART/… value object written again takes the line it had — one
  stamp object on every event (Graph's and Google's mappers), UTC, zoned (its VTIMEZONE still
  written, by every writer), a DATE; with parameters on one event, not taken;
* ``_SIMPLE_LINES``: LOCATION/STATUS/TRANSP/CLASS texts and SEQUENCE/PRIORITY numbers memoised
  per (name, value) — escapes, parameters on one event, a bool or a float where an int was.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ics_bridge import model as m
from ics_bridge.io import model_writer as mw
from ics_bridge.io.model_reader import read_calendar

_BASE = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//t//t//EN\r
BEGIN:VEVENT\r
UID:a\r
DTSTAMP:20240101T000000Z\r
DTSTART;TZID=Europe/Paris:20240105T100000\r
DTEND;TZID=Europe/Paris:20240105T110000\r
SUMMARY:one\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:b\r
DTSTAMP:20240101T000000Z\r
DTSTART:20240106T100000Z\r
SUMMARY:two\r
LOCATION;LANGUAGE=fr:Salle\r
SEQUENCE;X-A=1:2\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:c\r
DTSTAMP;X-P=1:20240101T000000Z\r
DTSTART;VALUE=DATE:20240107\r
SUMMARY:three\r
END:VEVENT\r
END:VCALENDAR\r
"""

_VALUES = (
    m.ZonedDateTime(datetime(2024, 1, 1, tzinfo=timezone.utc), m.Zone("utc")),
    m.ZonedDateTime(datetime(2019, 3, 4, 5, 6, 7, tzinfo=ZoneInfo("Europe/Paris")),
                    m.Zone("iana", "Europe/Paris", "Europe/Paris", tzinfo=ZoneInfo("Europe/Paris"))),
    m.ZonedDateTime(datetime(2019, 3, 4, 5, 6, 7), m.Zone("floating")),
    date(2020, 2, 29),
)


def _events(cal: m.Calendar) -> list[m.Event]:
    return [event for series in cal.series for event in series.events]


def _calendar(**changes: object) -> m.Calendar:
    """``_BASE`` with every event changed by ``changes`` (one object shared by all)."""
    cal = read_calendar(_BASE)
    series = tuple(dataclasses.replace(s, master=dataclasses.replace(s.master, **changes)) for s in cal.series)
    return dataclasses.replace(cal, series=series)


def _assert_same(cal: m.Calendar) -> None:
    for style in ("iana", "windows"):
        general = mw._write_calendar(cal, style, False, False, fast=False)
        assert mw.write_calendar(cal, tzid_style=style) == general, style
        assert mw.write_calendar(cal, tzid_style=style) == general, style  # memos warm
    for event in _events(cal):
        writer = mw._Writer("iana", fast=False)
        out: list[str] = []
        writer.event(event, out)
        assert mw.event_lines(event) == (out, writer.used)


def test_base_calendar_reads_as_meant() -> None:
    """The calendar the tests change: three events, one with parameters on DTSTAMP, LOCATION, SEQUENCE."""
    events = _events(read_calendar(_BASE))
    assert [e.uid for e in events] == ["a", "b", "c"]
    assert "DTSTAMP" in dict(events[2].params) and "LOCATION" in dict(events[1].params)


@pytest.mark.parametrize("value", _VALUES, ids=["utc", "zoned", "floating", "date"])
@pytest.mark.parametrize("attr", ["stamp", "start", "end", "created", "last_modified"])
def test_one_time_object_on_every_event(attr: str, value: object) -> None:
    _assert_same(_calendar(**{attr: value}))


def test_shared_zoned_stamp_gets_its_vtimezone_from_every_writer() -> None:
    """The remembered line skips ``use``: each writer must still note the zone the first time."""
    zoned = _VALUES[1]
    cal = _calendar(stamp=zoned, start=_VALUES[0], end=None)
    for _ in range(2):
        out = mw.write_calendar(cal)
        assert b"BEGIN:VTIMEZONE\r\nTZID:Europe/Paris" in out
        assert out.count(b"DTSTAMP;TZID=Europe/Paris:20190304T050607") == 2  # the third has X-P=1
    _assert_same(cal)


@pytest.mark.parametrize("text", ["Salle", "a;b,c\\d\ne", "é" * 40, "x" * 64, "x" * 65, "", "Salle\r\n"])
@pytest.mark.parametrize("attr", ["location", "status", "transparency", "classification", "summary"])
def test_repeated_texts(attr: str, text: str) -> None:
    _assert_same(_calendar(**{attr: text}))


@pytest.mark.parametrize("number", [0, 1, 2, True, False, 2.0, 10**20, -1])
@pytest.mark.parametrize("attr", ["sequence", "priority"])
def test_repeated_numbers(attr: str, number: object) -> None:
    """A bool or a float equal to an int memoised before is written as itself."""
    _assert_same(_calendar(**{attr: 1}))
    _assert_same(_calendar(**{attr: number}))


def test_memo_is_not_taken_across_equal_keys_of_other_types() -> None:
    mw.write_calendar(_calendar(sequence=1, location="1"))
    out = mw.write_calendar(_calendar(sequence=True))
    assert b"SEQUENCE:True" in out and b"SEQUENCE:1\r\n" not in out.replace(b"SEQUENCE;X-A=1:True", b"")
    _assert_same(_calendar(sequence=True))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(range(len(_VALUES))), st.text(max_size=80), st.integers(-3, 3)),
                min_size=1, max_size=6))
def test_generated_shared_values(picks: list[tuple[int, str, int]]) -> None:
    """Calendars of several events sharing value objects in varied patterns."""
    cal = read_calendar(_BASE)
    template = _events(cal)
    series = []
    for i, (which, text, number) in enumerate(picks):
        base = template[i % len(template)]
        event = dataclasses.replace(base, uid=f"u{i}", stamp=_VALUES[which], location=text, status=text[:3],
                                    sequence=number)
        series.append(m.Series(uid=f"u{i}", master=event))
    _assert_same(dataclasses.replace(cal, series=tuple(series)))


_PEOPLE = (
    m.Address("mailto:a@example.org", cn="A b", partstat="ACCEPTED", rsvp=True),
    m.Address("mailto:a@example.org", cn="A b", partstat="ACCEPTED", rsvp=True,
              params=(m.Param("CN", ("Other",)), m.Param("X-Y", ("1",)))),
    m.Address("mailto:a@example.org", cn="A b"),
    m.Address("mailto:" + "long" * 30 + "@example.org", cn="Zoë " * 10, role="CHAIR"),
)


@pytest.mark.parametrize("organizer", [None, *_PEOPLE])
def test_repeated_attendees_and_organizer(organizer: m.Address | None) -> None:
    """The attendee lines looked up in ``address``'s memo in ``tail``: one value as organizer and
    attendee, equal addresses with other parameters, on every event, twice."""
    _assert_same(_calendar(attendees=_PEOPLE + _PEOPLE[:2], organizer=organizer))
    out = mw.write_calendar(_calendar(attendees=_PEOPLE[:1], organizer=_PEOPLE[0]))
    assert out.count(b"ORGANIZER;CN=\"A b\"") == 3 and out.count(b"ATTENDEE;CN=\"A b\"") == 3


@pytest.mark.parametrize("name", ["Africa/Abidjan", "Etc/GMT-1", "Europe/Paris"])
def test_utc_like_zone_first_seen_in_a_value(name: str) -> None:
    """``when`` asks ``_utc_like`` itself: a zone UTC all year (written with Z), ones that are not."""
    tz = ZoneInfo(name)
    mw._utc_like.pop(tz, None)
    value = m.ZonedDateTime(datetime(2024, 5, 1, 9, tzinfo=tz), m.Zone("iana", name, name, tzinfo=tz))
    out = mw.write_calendar(_calendar(start=value))
    # icalendar's reading (``is_utc``): a zone UTC+0 all year is UTC, written with Z and no TZID
    utc = name == "Africa/Abidjan"
    assert (b"DTSTART:20240501T090000Z\r\n" in out) is utc
    assert (b"DTSTART;TZID=" + name.encode() in out) is not utc
    mw._utc_like.pop(tz, None)
    _assert_same(_calendar(start=value))
    mw._utc_like.pop(tz, None)
    _assert_same(_calendar(start=value, stamp=value))
