"""The typed hub's reading with repairs (``io/ics_model.read_model``) means what
``io/ics.parse_calendar`` means, on every .ics file we hold (issue 12).

For each file: the same events (every field the model types, compared as tests/model_compare.py
compares a model reading with icalendar's, and the same set of other properties), the same
report entries in the same order, and the same :class:`InputError`\\ s (message, UID, field).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from icalendar.timezone import tzp

from ics_bridge import model as m
from ics_bridge.errors import InputError
from ics_bridge.io import ics as ics_io
from ics_bridge.io.ics_model import group_series, read_model
from ics_bridge.report import Report
from model_compare import icalendar_event, model_event

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted([*ROOT.glob("tests/corpus/ics/*.ics"), *ROOT.glob("tests/producers/*.ics"),
                *ROOT.glob("tests/hostile/**/*.ics"), *ROOT.glob("samples/**/*.ics")])


def _ical_series_order(cal: Any) -> list[Any]:
    """icalendar's VEVENTs grouped as the model groups them (by UID, first seen)."""
    order: list[str] = []
    groups: dict[str, list[Any]] = {}
    masters: list[list[Any]] = []
    for ev in cal.walk("VEVENT"):
        uid = str(ev.get("UID"))
        has_rid = ev.get("RECURRENCE-ID") is not None
        if uid not in groups:
            groups[uid] = [ev]
            order.append(uid)
            masters.append(groups[uid])
        elif has_rid or all(e.get("RECURRENCE-ID") is not None for e in groups[uid]):
            groups[uid].append(ev)
        else:
            groups[uid + f"#{len(masters)}"] = [ev]
            masters.append(groups[uid + f"#{len(masters)}"])
    out = []
    for group in masters:
        head = [e for e in group if e.get("RECURRENCE-ID") is None]
        out += head + [e for e in group if e.get("RECURRENCE-ID") is not None]
    return out


def _errors(found: list[InputError]) -> list[tuple[str, Any, Any]]:
    return [(e.message, e.uid, e.field) for e in found]


def readings(data: bytes) -> tuple[Any, Any]:
    """(ours, theirs): each (events or the refusal, report entries, errors)."""
    results = []
    for read in (lambda d, r, e: read_model(d, r, errors=e), lambda d, r, e: ics_io.parse_calendar(d, r, errors=e)):
        tzp.use_default()  # icalendar's process-wide VTIMEZONE cache: no earlier file decides
        report = Report()
        errors: list[InputError] = []
        try:
            cal = read(data, report, errors)
        except InputError as exc:
            cal = exc
        results.append((cal, list(report.entries), _errors(errors)))
    return results[0], results[1]


def assert_same(data: bytes) -> None:
    (ours, our_report, our_errors), (theirs, their_report, their_errors) = readings(data)
    assert our_errors == their_errors
    assert our_report == their_report
    if isinstance(theirs, InputError) or isinstance(ours, InputError):
        assert str(ours) == str(theirs)
        return
    mine = [e for s in ours.series for e in s.events]
    their_events = _ical_series_order(theirs)
    assert len(mine) == len(their_events)
    for a, b in zip(mine, their_events):
        shape = model_event(a)
        assert shape == icalendar_event(b, a), a.uid
        kept = {line.name for line in a.other} | {name for name, v in shape.items() if v not in (None, [], ())}
        assert {n.upper() for n in b.keys()} - {"VALARM"} <= kept, a.uid
    for name, value in (("PRODID", ours.prodid), ("METHOD", ours.method), ("VERSION", ours.version)):
        if theirs.get(name) is not None and not isinstance(theirs.get(name), list):
            assert value == str(theirs.get(name)) or any(line.name == name for line in ours.other)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_read_model_means_what_parse_calendar_means(path: Path) -> None:
    assert_same(path.read_bytes())


def test_series_grouping_keeps_far_overrides_with_their_master() -> None:
    data = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n"
            b"BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20240101T100000Z\r\nRRULE:FREQ=DAILY;COUNT=3\r\nEND:VEVENT\r\n"
            b"BEGIN:VEVENT\r\nUID:b\r\nDTSTART:20240101T100000Z\r\nEND:VEVENT\r\n"
            b"BEGIN:VEVENT\r\nUID:a\r\nRECURRENCE-ID:20240102T100000Z\r\nDTSTART:20240102T110000Z\r\nEND:VEVENT\r\n"
            b"END:VCALENDAR\r\n")
    cal = read_model(data, Report())
    assert [(s.uid, s.master is not None, len(s.overrides)) for s in cal.series] == [("a", True, 1), ("b", True, 0)]
    assert group_series(list(cal.events)) == list(cal.series)
    assert isinstance(cal.series[0].overrides[0].recurrence_id.value, m.ZonedDateTime)
