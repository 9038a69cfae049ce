"""Equal VALARMs through Graph and Google and back (alarms6).

Graph keeps one reminder and carries the other alarms back in its extended property: the alarms
kept there are the dropped ones *by position*, so of two equal ``TRIGGER:-PT15M`` alarms one rides
in the reminder and one in the extended property (they came back as three when the extended
property took every alarm equal to a dropped one).  Google keeps one override per method and
minutes: an equal alarm merged into another is reported (it was dropped silently).  Round-trip
validation shows what the real conversion there and back gives (its restored view), so a
difference only that view has changes the verdict.

Checked on the library (``ics_bridge.convert``, ``ics_bridge.roundtrip``) and on the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

import ics_bridge
from ics_bridge import model as m
from ics_bridge.providers.graph.from_ical import ICAL_LINES_PROPERTY
from ics_bridge.report import LossKind
from ics_bridge.validate import calendar_meanings, compare_calendars

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"

_D15 = "ACTION:DISPLAY\r\nDESCRIPTION:r\r\nTRIGGER:-PT15M\r\n"
_D30 = "ACTION:DISPLAY\r\nDESCRIPTION:r\r\nTRIGGER:-PT30M\r\n"
_A15 = "ACTION:AUDIO\r\nTRIGGER:-PT15M\r\n"
_OUTLOOK15 = "ACTION:DISPLAY\r\nDESCRIPTION:Reminder\r\nTRIGGER:-PT15M\r\n"  # what build.make_alarm writes

# alarm bodies of one event: equal ones, equal ones with another between, an unreadable one
CASES = {
    "two equal": [_D15, _D15],
    "three equal": [_D15, _D15, _D15],
    "two equal and one other": [_D15, _D30, _D15],
    "two equal after a later one": [_D30, _D15, _D15],
    "equal to Graph's own reminder": [_OUTLOOK15, _OUTLOOK15],
    "equal audio and display": [_A15, _D15, _A15],
    "two equal and a bad one": [_D15, "ACTION:DISPLAY\r\nTRIGGER:PT5M\r\n", _D15, "ACTION:DISPLAY\r\nTRIGGER:PT5M\r\n"],
}


def _ics(alarms: list[str]) -> bytes:
    blocks = "".join(f"BEGIN:VALARM\r\n{a}END:VALARM\r\n" for a in alarms)
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:a1\r\n"
            "DTSTAMP:20260101T000000Z\r\nDTSTART:20260105T100000Z\r\nDTEND:20260105T110000Z\r\nSUMMARY:x\r\n"
            f"{blocks}END:VEVENT\r\nEND:VCALENDAR\r\n").encode()


def _alarms(cal: m.Calendar) -> list[m.Alarm]:
    events = [e for s in cal.series for e in ([s.master] if s.master else []) + list(s.overrides)]
    assert len(events) == 1
    return list(events[0].alarms)


def _there_and_back(data: bytes, via: str) -> tuple[m.Calendar, Any, Any]:
    there = ics_bridge.convert(data, to=via)
    back = ics_bridge.convert(there.to_bytes(), to="ics")
    assert isinstance(back.data, m.Calendar)
    return back.data, there, back


@pytest.mark.parametrize("case", sorted(CASES))
def test_graph_gives_back_every_alarm_once(case: str) -> None:
    data = _ics(CASES[case])
    source = ics_bridge.convert(data, to="ics").data
    back, there, _ = _there_and_back(data, "graph")
    assert there.data.get("isReminderOn") is True
    # every alarm comes back exactly once: the reminder (made again) and the kept ones (verbatim)
    assert len(_alarms(back)) == len(_alarms(source))
    kept = [p["value"] for p in there.data.get("singleValueExtendedProperties", []) if p["id"] == ICAL_LINES_PROPERTY]
    assert sum(v.count("BEGIN:VALARM") for v in kept) == len(_alarms(source)) - 1


@pytest.mark.parametrize("case", sorted(CASES))
def test_graph_keeps_the_dropped_alarms_in_the_event_order(case: str) -> None:
    """The extended property holds every alarm but the reminder's, as the event had them."""
    data = _ics(CASES[case])
    source = _alarms(ics_bridge.convert(data, to="ics").data)
    back = _alarms(_there_and_back(data, "graph")[0])
    chosen = _reminder_index(source)
    assert back[0].trigger.offset == source[chosen].trigger.offset  # Graph's reminder, written first
    assert back[1:] == source[:chosen] + source[chosen + 1:]


def _reminder_index(alarms: list[m.Alarm]) -> int:
    """Which alarm Graph's one reminder is: the first of the earliest readable before-start ones
    (no EMAIL alarm in these cases)."""
    before = {i: -a.trigger.offset for i, a in enumerate(alarms)
              if a.trigger is not None and a.trigger.offset is not None and -a.trigger.offset >= timedelta(0)}
    return max(before, key=before.__getitem__)


def test_graph_to_ics_to_graph_is_stable() -> None:
    """Graph → ICS → Graph, three times: one reminder and one kept alarm, equal to the alarm
    Graph's reminder is read back as (``DESCRIPTION:Reminder``), stay one and one."""
    data = {"iCalUId": "a1", "subject": "x", "isAllDay": False,
            "start": {"dateTime": "2026-01-05T10:00:00.0000000", "timeZone": "UTC"},
            "end": {"dateTime": "2026-01-05T11:00:00.0000000", "timeZone": "UTC"},
            "isReminderOn": True, "reminderMinutesBeforeStart": 15,
            "singleValueExtendedProperties": [{"id": ICAL_LINES_PROPERTY,
                                               "value": f"BEGIN:VALARM\r\n{_OUTLOOK15}END:VALARM"}]}
    first = ics_bridge.convert(ics_bridge.convert(json.dumps(data).encode(), to="ics").to_bytes(), to="ics").data
    assert len(_alarms(first)) == 2 and _alarms(first)[0] == _alarms(first)[1]  # as read from the .ics
    for _ in range(3):
        back = ics_bridge.convert(json.dumps(data).encode(), to="ics")
        again = ics_bridge.convert(back.to_bytes(), to="graph").data
        assert again["reminderMinutesBeforeStart"] == 15
        assert again["singleValueExtendedProperties"] == data["singleValueExtendedProperties"]
        data = again


@pytest.mark.parametrize("case", sorted(CASES))
def test_google_reports_every_alarm_it_does_not_keep(case: str) -> None:
    """Google keeps one override per method and minutes: each alarm not among the overrides
    is in the loss report (an equal alarm merged into another was silent), and (lead9) is kept
    in the private extended property, so every alarm is read back."""
    data = _ics(CASES[case])
    source = _alarms(ics_bridge.convert(data, to="ics").data)
    back, there, _ = _there_and_back(data, "google")
    dropped = [e for e in there.report if e.kind == LossKind.ALARM_DROPPED]
    stashed = [e for e in there.report if e.kind == LossKind.STASHED and e.field == "VALARM"]
    overrides = there.data["reminders"].get("overrides", [])
    assert len(source) - len(overrides) == len(dropped) == len(stashed)
    assert len(_alarms(back)) == len(source)
    result = ics_bridge.roundtrip(data, via="google")
    assert result.unreported() == []


@pytest.mark.parametrize("via", ["graph", "google"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_roundtrip_restored_view_is_the_real_conversion(case: str, via: str) -> None:
    """``roundtrip``'s restored view compares what ``convert`` there and back gives, and every
    difference it has is in the verdicts (the CLI's view)."""
    data = _ics(CASES[case])
    back, _there, _ = _there_and_back(data, via)
    real = compare_calendars(calendar_meanings(ics_bridge.convert(data, to="ics").data),
                             calendar_meanings(back))
    result = ics_bridge.roundtrip(data, via=via)
    restored = {(d.field, d.before, d.after) for v in result.restored for d in v.differences}
    assert restored == {(d.field, d.before, d.after) for v in real for d in v.differences}
    assert restored <= {(d.field, d.before, d.after) for v in result.events for d in v.differences}


def test_graph_roundtrip_of_equal_alarms_agrees_with_the_conversion() -> None:
    """Two equal alarms: Outlook shows one (reported), ics-bridge gives both back."""
    result = ics_bridge.roundtrip(_ics([_D15, _D15]), via="graph")
    assert result.restored_lossless
    (verdict,) = result.events
    (difference,) = verdict.differences
    assert difference.field == "alarms" and difference.kept_privately and difference.reported
    assert not difference.restored_only


_RESTORED_DIFFERS = [CORPUS / "ics" / "icalevents__basic_latin1.ics",
                     CORPUS / "ics" / "recurring-ical-events__issue_75_range_parameter.ics"]


@pytest.mark.parametrize("path", _RESTORED_DIFFERS, ids=lambda p: p.name)
def test_roundtrip_verdicts_hold_the_restored_differences(path: Path) -> None:
    """Corpus files whose restored view differs from the native one (an AUDIO alarm kept as
    DISPLAY by Graph's reminder; a RANGE series): each restored difference is in the verdicts,
    marked ``restored_only`` where the native view has no such difference."""
    result = ics_bridge.roundtrip(path, via="graph")
    native = {id(v.meaning): v for v in result.events if v.meaning is not None}
    marked = 0
    for v in result.restored:
        other = native.get(id(v.meaning))
        if other is None:
            continue
        shown = {(d.field, d.before, d.after): d for d in other.differences}
        for d in v.differences:
            assert (d.field, d.before, d.after) in shown
            found = shown[(d.field, d.before, d.after)]
            marked += found.restored_only
            assert found.as_dict().get("restored_only", False) == found.restored_only
            assert ("when read back by ics-bridge" in found.note()) == found.restored_only
        assert other.status != "lossless" or not v.differences
    assert marked >= 1


# ------------------------------------------------------------------------------------------ CLI

def _cli(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ics_bridge", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


@pytest.mark.parametrize("case", ["two equal", "three equal", "two equal and one other"])
def test_cli_ics_graph_ics_keeps_the_alarm_count(tmp_path: Path, case: str) -> None:
    (tmp_path / "dup.ics").write_bytes(_ics(CASES[case]))
    first = _cli("convert", "dup.ics", "--to", "graph", "-o", "a.json", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    second = _cli("convert", "a.json", "--to", "ics", "-o", "a.ics", cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert (tmp_path / "a.ics").read_text().count("BEGIN:VALARM") == len(CASES[case])


def test_cli_roundtrip_says_what_the_conversion_gives(tmp_path: Path) -> None:
    """``roundtrip --via graph``: Outlook shows one of the two alarms, and ics-bridge's private
    data brings the other back; no line of a different read-back."""
    (tmp_path / "dup.ics").write_bytes(_ics([_D15, _D15]))
    proc = _cli("roundtrip", "dup.ics", "--via", "graph", "--json", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr  # Outlook shows one reminder: changed, as it shows it
    files = json.loads(proc.stdout)["files"]
    (difference,) = files[0]["events"][0]["differences"]
    assert difference["field"] == "alarms" and difference["kept_only_in_private_data"]
    assert "restored_only" not in difference
    assert files[0]["restored"]["lossless"]


def test_cli_roundtrip_via_google_reports_the_merged_alarm(tmp_path: Path) -> None:
    (tmp_path / "dup.ics").write_bytes(_ics([_D15, _D15]))
    proc = _cli("roundtrip", "dup.ics", "--via", "google", cwd=tmp_path)
    assert "not in the loss report" not in proc.stdout + proc.stderr
    assert "reported: alarm-dropped" in proc.stdout
