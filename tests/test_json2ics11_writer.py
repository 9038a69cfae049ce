"""Round 11 (json2ics11) changes to the .ics writer (``io/model_writer.py``) held to what they
replace: the year table of DATE/DATE-TIME texts (``_YEARS``) to the formatting it replaces; the
zone record of the fast path, which skips ``_Writer.use`` when it would change nothing, to the
general path (``fast=False``: ``use`` for every value), on the corpus, samples and generated
hubs whose values use zones in many years, in every order; ``_event_tzids`` (the per-event walk
of ``kept_line_zones``) to ``_kept_tzids``."""

from __future__ import annotations

import random
import warnings
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from ics_bridge import model as m
from ics_bridge.errors import InputError
from ics_bridge.io import model_writer as mw
from ics_bridge.io.model_reader import read_calendar
from ics_bridge.options import Options
from ics_bridge.pipeline import detect_json, load_json, read_hub

ROOT = Path(__file__).resolve().parent.parent
ICS = sorted([*(ROOT / "tests" / "corpus" / "ics").glob("*.ics"), *(ROOT / "samples" / "ics").glob("*.ics"),
              *(ROOT / "tests" / "producers").glob("*.ics")])
JSON = sorted([*(ROOT / "tests" / "corpus" / "graph").glob("*.json"), *(ROOT / "tests" / "corpus" / "google").glob("*.json"),
               *(ROOT / "samples" / "graph").glob("*.json"), *(ROOT / "samples" / "google").glob("*.json"),
               *(ROOT / "tests" / "producers").glob("*.json")])


def _hubs() -> list[m.Calendar]:
    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for path in ICS:
            out.append(read_calendar(path.read_bytes()))
        for path in JSON:
            try:
                payload = load_json(path.read_bytes())
            except InputError:
                continue
            cal, _report, _errors = read_hub(payload, detect_json(payload) or path.parent.name, Options(), target="ics")
            assert isinstance(cal, m.Calendar)
            out.append(cal)
    return out


HUBS = _hubs()


def test_year_table_is_the_formatting_it_replaces() -> None:
    for year in range(1, 10000):
        want = str(year) if year >= 1000 else f"{year:04}"
        assert mw._date_text(date(year, 2, 3)) == want + "0203"
        assert mw._dt_text(datetime(year, 12, 31, 23, 5, 9)) == want + "1231T230509"


def _record(events: list[m.Event], fast: bool, style: str) -> tuple[object, ...]:
    writer = mw._Writer(style, fast=fast, folded=fast)
    out: list[str] = []
    for event in events:
        writer.event(event, out)
    return writer.used, writer.shared, writer.shared_read


def _zoned_events(rnd: random.Random, count: int) -> list[m.Event]:
    """Events in a few zones (one zone object shared, and equal ones apart; two IANA zones with
    one Windows name), in years up and down, so the earliest year of a TZID moves."""
    berlin = m.Zone("iana", "Europe/Berlin", "Europe/Berlin")
    zones = [(berlin, ZoneInfo("Europe/Berlin")), (berlin, ZoneInfo("Europe/Berlin")),
             (m.Zone("iana", "Europe/Berlin", "Europe/Berlin"), ZoneInfo("Europe/Berlin")),
             (m.Zone("iana", "Europe/Rome", "Europe/Rome"), ZoneInfo("Europe/Rome")),
             (m.Zone("iana", "Tokyo Standard Time", "Asia/Tokyo"), ZoneInfo("Asia/Tokyo"))]
    events = []
    for i in range(count):
        zone, tz = rnd.choice(zones)
        start = m.ZonedDateTime(datetime(rnd.choice([1, 1899, 1970, 2024, 2025, 9999]), rnd.randint(1, 12), 1, 9, tzinfo=tz), zone)
        end_zone, end_tz = rnd.choice(zones)
        end = m.ZonedDateTime(datetime(rnd.choice([1950, 2024, 2026]), 1, 1, 10, tzinfo=end_tz), end_zone)
        events.append(m.Event(uid=f"e{i}@example.com", start=start, end=end))
    return events


@pytest.mark.parametrize("style", ["iana", "windows"])
def test_zone_record_fast_is_general_on_corpus_and_samples(style: str) -> None:
    for cal in HUBS:
        events = [event for event in cal.events if event.start is not None]
        assert _record(events, True, style) == _record(events, False, style)


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("style", ["iana", "windows"])
def test_zone_record_fast_is_general_on_generated_events(seed: int, style: str) -> None:
    events = _zoned_events(random.Random(seed), 30)
    assert _record(events, True, style) == _record(events, False, style)


def _reference_tzids(event: m.Event) -> dict[str, None]:
    """The walk ``_kept_tzids`` made of one event before ``_event_tzids``: every part looked at."""
    found: dict[str, None] = {}
    mw._line_tzids(event.other, found)
    for alarm in event.alarms:
        mw._line_tzids(alarm.other, found)
        mw._component_tzids(alarm.components, found)
    mw._component_tzids(event.components, found)
    return found


def _with_kept_tzids(rnd: random.Random) -> m.Event:
    """An event whose X- lines, alarms' lines and unknown components name TZIDs (or not)."""
    def line(name: str) -> m.Line:
        params = (m.Param("TZID", (rnd.choice(["A/B", "Europe/Paris", "W. Europe Standard Time"]),)),) if rnd.random() < 0.5 else ()
        return m.Line(name, params, "20250101T090000", f"{name}:20250101T090000")
    comp = m.RawComponent("X-THING", ("BEGIN:X-THING", f"DTSTART;TZID={rnd.choice(['C/D', 'Asia/Tokyo'])}:20250101T090000",
                                      "END:X-THING"))
    alarms = tuple(m.Alarm(action="DISPLAY", other=tuple(line("X-WHEN") for _ in range(rnd.randint(0, 2))),
                           components=(comp,) if rnd.random() < 0.3 else ()) for _ in range(rnd.randint(0, 2)))
    return m.Event(uid="k@example.com", other=tuple(line("X-AT") for _ in range(rnd.randint(0, 3))), alarms=alarms,
                   components=(comp,) if rnd.random() < 0.3 else ())


def test_event_tzids_are_the_walk_they_replace() -> None:
    events = [event for cal in HUBS for event in cal.events] + [_with_kept_tzids(random.Random(i)) for i in range(300)]
    named = 0
    for event in events:
        found: dict[str, None] = {}
        mw._event_tzids(event, found)
        assert list(found) == list(_reference_tzids(event))
        assert mw.kept_line_zones(event, mw._Writer())[1] == [] or found
        named += bool(found)
    assert named > 100


def _addresses(rnd: random.Random, count: int) -> list[m.Address]:
    """Attendees: one object met again and again, equal objects apart, objects that differ in
    one field (parameters, CN, PARTSTAT, RSVP…), under ATTENDEE and ORGANIZER."""
    pool = []
    for i in range(count):
        params = (m.Param("CN", (f"N{i % 3}",)), m.Param("PARTSTAT", (rnd.choice(["ACCEPTED", "DECLINED"]),)))
        pool.append(m.Address(f"mailto:p{i % 4}@example.org", cn=f"N{i % 3}", partstat=params[1].values[0],
                              rsvp=rnd.choice([None, True, False]), params=params))
    return [rnd.choice(pool) for _ in range(count * 3)] + pool


@pytest.mark.parametrize("seed", range(10))
def test_address_lines_by_object_are_the_general_lines(seed: int) -> None:
    people = _addresses(random.Random(seed), 40)
    rnd = random.Random(seed)
    events = [m.Event(uid=f"a{i}@example.com", start=date(2025, 1, 1), organizer=rnd.choice(people),
                      attendees=tuple(rnd.sample(people, 4))) for i in range(60)]
    for _ in range(2):  # cold, then with every memo warm
        for folded in (True, False):
            assert _lines(events, fast=True, folded=folded) == _lines(events, fast=False, folded=folded)


def _lines(events: list[m.Event], *, fast: bool, folded: bool) -> list[object]:
    writer = mw._Writer(fast=fast, folded=folded)
    out: list[object] = []
    for event in events:
        writer.event(event, out)  # type: ignore[arg-type]
    return [line if isinstance(line, bytes) else mw.fold(line) for line in out]  # type: ignore[arg-type]
