"""The library edge (ics_bridge/edge.py): the typed hub and icalendar's objects cross into each
other without changing meaning, on the hub calendars of every corpus file and sample."""

from __future__ import annotations

from pathlib import Path

import pytest
from icalendar import Calendar as ICalendar

from ics_bridge import edge, model as m
from ics_bridge.errors import InputError
from ics_bridge.io import ics as ics_io
from ics_bridge.io.model_writer import write_calendar
from ics_bridge.report import Report

ROOT = Path(__file__).parent
FILES = sorted([*(ROOT / "corpus" / "ics").glob("*.ics"), *(ROOT.parent / "samples").glob("*.ics")])


def _hub(path: Path) -> ICalendar:
    try:
        return ics_io.parse_calendar(path.read_bytes(), Report())
    except InputError:
        pytest.xfail("not a readable calendar (held by test_hostile_ics)")


def _canonical(events: list[m.Event]) -> list[bytes]:
    """Each event in icalendar's own order of properties and parameters."""
    cal = m.Calendar(series=tuple(m.Series(uid=e.uid or "", master=e) for e in events))
    return [e.to_ical() for e in ICalendar.from_ical(write_calendar(cal)).walk("VEVENT")]


def _key(uid: str | None, rid: object) -> tuple[str | None, bool]:
    return uid, rid is not None


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_hub_calendar_crosses_to_the_model_and_back_unchanged(path: Path) -> None:
    hub = _hub(path)
    typed = edge.calendar_to_model(hub)
    hub_events = hub.walk("VEVENT")
    assert sorted(_key(str(e.get("UID")), e.get("RECURRENCE-ID")) for e in hub_events) == \
        sorted(_key(e.uid, e.recurrence_id) for e in typed.events)
    back = edge.calendar_from_model(typed)
    assert len(back.walk("VEVENT")) == len(hub_events)
    assert _canonical(list(edge.calendar_to_model(back).events)) == _canonical(list(typed.events))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_hub_events_cross_one_by_one_in_order(path: Path) -> None:
    hub = _hub(path)
    events = hub.walk("VEVENT")
    typed = edge.events_to_model(events, hub.walk("VTIMEZONE"))
    assert [_key(str(e.get("UID")), e.get("RECURRENCE-ID")) for e in events] == \
        [_key(t.uid, t.recurrence_id) for t in typed]
    again = edge.events_from_model(typed, edge.calendar_to_model(hub).timezones)
    assert _canonical(edge.events_to_model(again, hub.walk("VTIMEZONE"))) == _canonical(typed)


def test_a_hub_built_in_memory_keeps_the_crs_of_its_texts_crossing_as_a_calendar() -> None:
    """A hub built from Graph or Google JSON holds bodies with CR LF, which RFC 5545 TEXT cannot
    write (3.3.11): the crossing takes each such text back from its VEVENT, paired by UID and
    RECURRENCE-ID (twins with one UID in file order), so a mapper copies the body as it came."""
    from datetime import datetime, timezone

    from icalendar import Event
    from icalendar.prop import vText

    from ics_bridge.vevent import get_description
    cal = ICalendar()
    cal.add("VERSION", "2.0")
    cal.add("PRODID", "-//t//EN")
    for uid, text, rid in (("a", "one\r\ntwo", None), ("b", "plain", None), ("a", "x\r\ny", None),
                           ("a", "moved\r\nhere", datetime(2026, 5, 4, 9, tzinfo=timezone.utc))):
        event = Event()
        event.add("UID", uid)
        event.add("DTSTART", datetime(2026, 5, 1, 9, tzinfo=timezone.utc))
        if rid is not None:
            event.add("RECURRENCE-ID", rid)
        event.add("DESCRIPTION", text)
        event.add("X-ALT-DESC", vText(f"<p>{text}</p>"), parameters={"FMTTYPE": "text/html"})  # as set_description
        cal.add_component(event)
    typed = edge.calendar_to_model(cal)
    got = [(s.uid, [get_description(e) for e in s.events]) for s in typed.series]
    assert got == [("a", [("one\r\ntwo", "<p>one\r\ntwo</p>"), ("moved\r\nhere", "<p>moved\r\nhere</p>")]),
                   ("b", [("plain", "<p>plain</p>")]), ("a", [("x\r\ny", "<p>x\r\ny</p>")])]
