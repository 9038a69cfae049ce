"""The .ics writer's kept lines (``model_writer._Writer.kept``, issue 12, speed round 5),
memoised per ``Line`` value, are the lines the general path writes (``fast=False``): equal
lines that are distinct objects share one output; lines that differ in name, parameters or
value only (the same ``text``) each get their own; long values (not memoised), unhashable
parameters and a value that is no text are written as the general path writes them; in a
VEVENT and in a VALARM, folded (whole calendars) and not (``event_lines``), twice (memo warm)."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from ics_bridge import model as m
from ics_bridge.io import model_writer as mw


def _calendar(lines: list[m.Line]) -> m.Calendar:
    alarm = m.Alarm(action="DISPLAY", trigger=m.Trigger(timedelta(minutes=-5), text="-PT5M"), description="d",
                    other=tuple(lines[:3]))
    events = [m.Event(uid=f"k{i}@example.com", start=date(2026, 1, 1) + timedelta(days=i), summary="s",
                      other=tuple(lines[i:i + 4]), alarms=(alarm,) if i % 3 == 0 else ())
              for i in range(len(lines))]
    return m.Calendar(series=tuple(m.Series(ev.uid, ev) for ev in events))  # type: ignore[arg-type]


def _assert_general(cal: m.Calendar) -> None:
    for _ in range(2):  # the second time from the memo
        assert mw.write_calendar(cal) == mw._write_calendar(cal, "iana", False, False, fast=False)
        for event in cal.events:
            writer = mw._Writer("iana", fast=False)
            general: list[str] = []
            writer.event(event, general)
            assert mw.event_lines(event)[0] == general


_NAMES = ["X-MICROSOFT-CDO-BUSYSTATUS", "X-A", "COLOR", "X-ICSBRIDGE-GRAPH-JSON", "TRANSP", "X-Ü"]
_VALUES = ["BUSY", "FREE", "a\\,b", "Zoë 日本語 " * 12, "x" * 300, "é" * 257, "", "{\"a\":1}"]
_PARAMS: list[m.Params] = [(), (m.Param("X-P", ("1",)),), (m.Param("X-P", ("2",)),),
                           (m.Param("LANGUAGE", ("de",)), m.Param("X-Q", ("a b", "c:d")))]


def _line(rng: random.Random) -> m.Line:
    name, value = rng.choice(_NAMES), rng.choice(_VALUES)
    return m.Line(name, rng.choice(_PARAMS), str(value), f"{name}:{value}")


def test_generated_kept_lines_are_the_general_paths() -> None:
    rng = random.Random(5)
    for _ in range(30):
        _assert_general(_calendar([_line(rng) for _ in range(25)]))


def test_equal_lines_share_and_differing_lines_do_not() -> None:
    a = m.Line("X-A", (), "v", "X-A:v")
    same = m.Line("X-A", (), "v", "X-A:v")
    others = [m.Line("X-B", (), "v", "X-A:v"), m.Line("X-A", (m.Param("X-P", ("1",)),), "v", "X-A:v"),
              m.Line("X-A", (), "w", "X-A:v")]
    cal = _calendar([a, same, *others])
    _assert_general(cal)
    text = mw.write_calendar(cal)
    for wanted in (b"\r\nX-A:v\r\n", b"\r\nX-B:v\r\n", b"\r\nX-A;X-P=1:v\r\n", b"\r\nX-A:w\r\n"):
        assert wanted in text


def test_odd_lines_are_written_as_general() -> None:
    odd = [m.Line("X-N", (), None, "X-N:"),  # type: ignore[arg-type]
           m.Line("X-A", (), "v", "X-A:v")]
    cal = _calendar(odd)
    _assert_general(cal)
    assert b"X-N:None" in mw.write_calendar(cal)


def test_unhashable_parameters_fail_as_on_the_general_path() -> None:
    cal = _calendar([m.Line("X-L", (m.Param("X-P", ["a", "b"]),), "v", "X-L:v")])  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        mw._write_calendar(cal, "iana", False, False, fast=False)
    with pytest.raises(TypeError):
        mw.write_calendar(cal)
