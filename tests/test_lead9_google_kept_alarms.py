"""ICS → Google → ICS gives back the alarms Google's reminders cannot hold (lead9).

Google keeps at most five reminder overrides, one per method and minutes, up to four weeks
before the start (Events resource ``reminders.overrides``); the alarms beyond that were reported
as dropped and lost on the way back.  They now travel as VALARM blocks (RFC 5545 3.6.6) after
the kept lines in ``extendedProperties.private["ics-bridge.ical"]`` while the value fits
Google's 1024 characters, each reported ``stashed``, as Graph's extended property carries the
alarms its one reminder cannot."""

from __future__ import annotations

from pathlib import Path

import pytest

import ics_bridge
from ics_bridge import model as m
from ics_bridge.providers.google import tables
from ics_bridge.report import LossKind

ROOT = Path(__file__).resolve().parent.parent
_ALARM = "BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:{text}\r\nTRIGGER:-PT{minutes}M\r\nEND:VALARM\r\n"


def _ics(minutes: list[int], text: str = "r") -> bytes:
    alarms = "".join(_ALARM.format(minutes=n, text=text) for n in minutes)
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:a1\r\n"
            "DTSTAMP:20260101T000000Z\r\nDTSTART:20260105T100000Z\r\nDTEND:20260105T110000Z\r\nSUMMARY:x\r\n"
            f"{alarms}END:VEVENT\r\nEND:VCALENDAR\r\n").encode()


def _events(cal: m.Calendar) -> list[m.Event]:
    return [e for s in cal.series for e in ([s.master] if s.master else []) + list(s.overrides)]


def _minutes(event: m.Event) -> list[int]:
    return sorted(int(-a.trigger.offset.total_seconds() // 60) for a in event.alarms)  # type: ignore[union-attr]


def _stashed(conv: ics_bridge.Conversion) -> list[str | None]:
    return [e.before for e in conv.report if e.kind is LossKind.STASHED and e.field == "VALARM"]


@pytest.mark.parametrize("minutes", [[15, 15], [5, 10, 15, 20, 25, 30], [5, 10, 15, 15, 20, 25, 30, 60000],
                                     [60000], [15, 15, 15]], ids=str)
def test_alarms_google_cannot_hold_come_back(minutes: list[int]) -> None:
    there = ics_bridge.convert(_ics(minutes), to="google")
    item = there.data  # one event: the Events resource itself
    overrides = item["reminders"].get("overrides", [])
    assert len(overrides) <= tables.MAX_OVERRIDES
    kept = item["extendedProperties"]["private"][tables.ICAL_LINES_KEY]
    assert kept.count("BEGIN:VALARM") == len(minutes) - len(overrides) == len(_stashed(there))
    back = ics_bridge.convert(there.to_bytes(), to="ics")
    (event,) = _events(back.hub)
    assert _minutes(event) == sorted(minutes)


def test_each_kept_alarm_is_reported_beside_its_drop() -> None:
    there = ics_bridge.convert(_ics([5, 10, 15, 15, 20, 25, 30, 60000]), to="google")
    dropped = [e.before for e in there.report if e.kind is LossKind.ALARM_DROPPED]
    assert dropped == ["popup 15", "popup 30", "60000"]
    assert _stashed(there) == ["popup 15", "popup 30", "popup 60000"]


def test_alarms_beyond_the_private_value_limit_stay_dropped() -> None:
    """Eight alarms of 600-character descriptions: five are overrides; of the three left, one
    block fits the 1024 characters, the other two stay reported as dropped only."""
    there = ics_bridge.convert(_ics([1, 2, 3, 4, 5, 6, 7, 8], text="y" * 600), to="google")
    item = there.data  # one event: the Events resource itself
    kept = (item.get("extendedProperties") or {}).get("private", {}).get(tables.ICAL_LINES_KEY, "")
    assert len(kept) <= tables.MAX_EXTENDED_VALUE
    assert kept.count("BEGIN:VALARM") == len(_stashed(there)) == 1
    assert len([e for e in there.report if e.kind is LossKind.ALARM_DROPPED]) == 3
    back = ics_bridge.convert(there.to_bytes(), to="ics")
    assert len(_events(back.hub)[0].alarms) == 6


def test_roundtrip_restored_view_is_lossless_and_native_view_says_private() -> None:
    result = ics_bridge.roundtrip(_ics([5, 10, 15, 15, 20, 25, 30]), via="google")
    assert result.restored_lossless
    (verdict,) = result.events
    (difference,) = verdict.differences
    assert difference.field == "alarms" and difference.kept_privately and not difference.restored_only


@pytest.mark.parametrize("name", ["ical.net__Trigger1.ics", "icalevents__basic_latin1.ics",
                                  "recurring-ical-events__issue_151_macos_linux_difference.ics"])
def test_corpus_alarm_counts_survive_google(name: str) -> None:
    """The corpus files whose Google output changed: every event has its alarms back."""
    data = (ROOT / "tests" / "corpus" / "ics" / name).read_bytes()
    before = {(e.uid, e.recurrence_id): len(e.alarms) for e in _events(ics_bridge.convert(data, to="ics").hub)}
    there = ics_bridge.convert(data, to="google")
    assert _stashed(there)
    back = {(e.uid, e.recurrence_id): len(e.alarms) for e in _events(ics_bridge.convert(there.to_bytes(), to="ics").hub)}
    assert sum(back.values()) == sum(before.values())
