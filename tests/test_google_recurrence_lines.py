"""Google ``recurrence[]`` lines written from the typed hub (issue 12).

The Google writer spells each rule from the model's typed parts (``rule_text``), so a rule that
``thisandfuture.split_series`` ended carries its new UNTIL; the spelling is the one Google has
always been sent (icalendar's ``vRecur.to_ical``), held here to icalendar on every corpus rule.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar.prop import vRecur

from ics_bridge import model as m
from ics_bridge.io.model_reader import read_calendar
from ics_bridge.providers.google.from_ical import render_recurrence, rule_text

ROOT = Path(__file__).resolve().parent.parent
CORPUS = sorted((ROOT / "tests" / "corpus").rglob("*.ics")) + sorted((ROOT / "samples").rglob("*.ics"))


def _event(body: str) -> m.Event:
    cal = read_calendar(f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:u1\r\n"
                        f"{body}END:VEVENT\r\nEND:VCALENDAR\r\n".encode())
    (event,) = cal.events
    return event


def _corpus_rules() -> list[tuple[str, m.Recur]]:
    out = []
    for path in CORPUS:
        try:
            cal = read_calendar(path.read_bytes())
        except ValueError:
            continue
        for event in cal.events:
            out.extend((path.name, rule) for rule in event.rrules + event.exrules)
    return out


def test_rule_text_is_icalendars_spelling_of_every_corpus_rule():
    rules = _corpus_rules()
    assert len(rules) > 50
    compared = 0
    for name, rule in rules:
        try:
            want = vRecur.from_ical(rule.text).to_ical().decode()
        except ValueError:
            continue  # icalendar cannot read it (an escaped ``\;``): nothing to compare with
        assert rule_text(rule, None) == want, (name, rule.text)
        compared += 1
    assert compared > 50


@pytest.mark.parametrize("text, want", [
    ("BYDAY=MO,WE;FREQ=WEEKLY;INTERVAL=02;BYMONTH=05", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;BYMONTH=5"),
    ("FREQ=MONTHLY;BYDAY=+1MO,-1FR", "FREQ=MONTHLY;BYDAY=+1MO,-1FR"),
    ("freq=daily;count=3", "FREQ=DAILY;COUNT=3"),
    ("FREQ=YEARLY;X-NAME=a;BYMONTHDAY=1", "FREQ=YEARLY;BYMONTHDAY=1;X-NAME=a"),
])
def test_rule_text_spells_parts_in_canonical_order(text, want):
    event = _event(f"DTSTART:20260105T090000Z\r\nRRULE:{text}\r\n")
    assert rule_text(event.rrules[0], None) == want


def test_floating_until_is_read_in_the_series_zone_and_written_in_utc():
    event = _event("DTSTART:20260105T090000\r\nRRULE:FREQ=DAILY;UNTIL=20260110T090000\r\n")
    assert rule_text(event.rrules[0], ZoneInfo("Europe/Berlin")) == "FREQ=DAILY;UNTIL=20260110T080000Z"
    assert rule_text(event.rrules[0], None) == "FREQ=DAILY;UNTIL=20260110T090000"


def test_a_changed_rule_is_written_with_its_typed_parts_not_its_old_text():
    event = _event("DTSTART:20260105T090000Z\r\nRRULE:FREQ=WEEKLY;COUNT=10\r\n")
    ended = dataclasses.replace(event.rrules[0], count=None,
                                until=m.ZonedDateTime(datetime(2026, 1, 19, 9, tzinfo=timezone.utc),
                                                      m.Zone("utc")))
    assert rule_text(ended, None) == "FREQ=WEEKLY;UNTIL=20260119T090000Z"


def test_render_recurrence_groups_dates_by_zone_and_keeps_period_starts():
    event = _event("DTSTART;TZID=Europe/Berlin:20260105T090000\r\n"
                   "RRULE:FREQ=DAILY;COUNT=30\r\n"
                   "EXDATE;TZID=Europe/Berlin:20260106T090000,20260107T090000\r\n"
                   "EXDATE:20260108T080000Z\r\n"
                   "EXDATE;VALUE=DATE:20260109\r\n"
                   "EXDATE;X-ICSBRIDGE-GOOGLE-ID=abc_20260110T080000Z:20260110T080000Z\r\n"
                   "RDATE;VALUE=PERIOD:20260201T080000Z/PT2H\r\n")
    periods: list = []
    lines = render_recurrence(event, ZoneInfo("Europe/Berlin"), skip_tombstones=True, periods=periods)
    assert lines == ["RRULE:FREQ=DAILY;COUNT=30",
                     "RDATE:20260201T080000Z",
                     "EXDATE;TZID=Europe/Berlin:20260106T090000,20260107T090000",
                     "EXDATE:20260108T080000Z",
                     "EXDATE;VALUE=DATE:20260109"]
    assert [str(p[0]) for p in periods] == ["2026-02-01 08:00:00+00:00"]
    with_tombstones = render_recurrence(event, ZoneInfo("Europe/Berlin"), skip_tombstones=False)
    assert "EXDATE:20260108T080000Z,20260110T080000Z" in with_tombstones  # one line per parameter set


def test_render_recurrence_reports_unreadable_lines_as_broken():
    event = _event("DTSTART:20260105T090000Z\r\nRRULE:FREQ=DAILY;COUNT=3\r\nEXDATE:notadate\r\n")
    broken: list[str] = []
    lines = render_recurrence(event, None, skip_tombstones=False, broken=broken)
    assert lines == ["RRULE:FREQ=DAILY;COUNT=3"]
    assert broken == ["EXDATE:notadate"]
