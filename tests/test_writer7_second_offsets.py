"""``io/second_offsets.needed`` (one loop, written out) says what :func:`needed_reference` (every
value through ``odd_offset``) says: on the .ics corpus and on generated calendars whose values
(DTSTART, DTEND, RECURRENCE-ID, RDATE incl. PERIOD, EXDATE) are DATEs, floating, UTC, zoned in
zones with and without seconds in their offset (local mean time), fixed offsets of seconds
and microseconds."""

from __future__ import annotations

import dataclasses
import warnings
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ics_bridge import model as m
from ics_bridge.io import second_offsets as so
from ics_bridge.io.model_reader import read_calendar

CORPUS = Path(__file__).resolve().parent / "corpus"
_BASE = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTAMP:20240101T000000Z\r\n" \
        b"DTSTART:20240105T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"


@pytest.mark.parametrize("path", sorted((CORPUS / "ics").glob("*.ics")), ids=lambda p: p.name)
def test_corpus(path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cal = read_calendar(path.read_bytes())
    assert so.needed(cal) == so.needed_reference(cal)


_ZONES = [timezone.utc, ZoneInfo("Europe/Moscow"), ZoneInfo("Africa/Monrovia"), ZoneInfo("Europe/Amsterdam"),
          ZoneInfo("Asia/Tokyo"), timezone(timedelta(seconds=30)), timezone(timedelta(microseconds=-1)), timezone(timedelta(microseconds=500000)),
          timezone(timedelta(hours=-3, minutes=-30)), None]
_YEARS = [1880, 1900, 1925, 1960, 1975, 2024]


@st.composite
def _values(draw: st.DrawFn) -> object:
    kind = draw(st.sampled_from(["date", "zoned", "bare", "none"]))
    if kind == "none":
        return None
    if kind == "date":
        return date(draw(st.sampled_from(_YEARS)), 6, 1)
    dt = datetime(draw(st.sampled_from(_YEARS)), draw(st.integers(1, 12)), 1, 12)
    tz = draw(st.sampled_from(_ZONES))
    dt = dt.replace(tzinfo=tz)
    if kind == "bare":  # a library caller's aware datetime where a ZonedDateTime belongs
        return dt
    zone = m.Zone("utc") if tz is timezone.utc else m.Zone("floating") if tz is None else \
        m.Zone("iana", str(tz), str(tz), tzinfo=tz)
    return m.ZonedDateTime(dt, zone)


def _event(base: m.Event, i: int, start: object, end: object, rid: object, rdates: list, exdates: list) -> m.Event:
    rdate_line = m.DateList(tuple(m.Period(v, None, timedelta(hours=1)) if isinstance(v, m.ZonedDateTime) and k % 2
                                      else v for k, v in enumerate(rdates) if v is not None))
    return dataclasses.replace(
        base, uid=f"u{i}", start=start, end=end,
        recurrence_id=m.RecurrenceId(rid) if rid is not None else None,
        rdates=(rdate_line,) if rdate_line.values else (),
        exdates=(m.DateList(tuple(v for v in exdates if v is not None)),) if any(exdates) else ())


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_values(), _values(), _values(), st.lists(_values(), max_size=3),
                          st.lists(_values(), max_size=3)), min_size=1, max_size=5))
def test_generated(events: list) -> None:
    cal = read_calendar(_BASE)
    base = cal.series[0].master
    series = tuple(m.Series(uid=f"u{i}", master=_event(base, i, *parts)) for i, parts in enumerate(events))
    cal = dataclasses.replace(cal, series=series)
    assert so.needed(cal) == so.needed_reference(cal)


def test_second_offsets_found() -> None:
    """The generated values do reach both answers (Moscow's +02:30:17 in 1900)."""
    cal = read_calendar(_BASE)
    base = cal.series[0].master
    moscow = ZoneInfo("Europe/Moscow")
    odd = m.ZonedDateTime(datetime(1900, 1, 1, 12, tzinfo=moscow), m.Zone("iana", "Europe/Moscow", "Europe/Moscow",
                                                                          tzinfo=moscow))
    for changes in ({"start": odd}, {"end": odd}, {"recurrence_id": m.RecurrenceId(odd)},
                    {"exdates": (m.DateList((odd,)),)}, {"rdates": (m.DateList((m.Period(odd, None, timedelta(1)),)),)}):
        cal2 = dataclasses.replace(cal, series=(m.Series(uid="a", master=dataclasses.replace(base, **changes)),))
        assert so.needed(cal2) is True and so.needed_reference(cal2) is True, changes
    assert so.needed(cal) is False


@pytest.mark.parametrize("tz", _ZONES, ids=str)
@pytest.mark.parametrize("year", _YEARS)
@pytest.mark.parametrize("field", ["start", "end", "recurrence_id", "exdates", "rdates"])
def test_each_zone_and_year_alone(tz: object, year: int, field: str) -> None:
    """One value in one field of one event: every zone of the generated test, every year."""
    cal = read_calendar(_BASE)
    base = cal.series[0].master
    dt = datetime(year, 1, 1, 12, tzinfo=tz)
    value = m.ZonedDateTime(dt, m.Zone("floating") if tz is None else m.Zone("iana", str(tz), str(tz), tzinfo=tz))
    changes = {"start": {"start": value}, "end": {"end": value}, "recurrence_id": {"recurrence_id": m.RecurrenceId(value)},
               "exdates": {"exdates": (m.DateList((value,)),)},
               "rdates": {"rdates": (m.DateList((m.Period(value, None, timedelta(1)),)),)}}[field]
    if field != "start":
        changes["start"] = None
    cal = dataclasses.replace(cal, series=(m.Series(uid="a", master=dataclasses.replace(base, **changes)),))
    assert so.needed(cal) == so.needed_reference(cal)
