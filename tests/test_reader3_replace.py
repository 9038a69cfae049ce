"""``model.replaced`` (the zone normalisation's and the streamed reading's new event:
attrgetter, positional call of the reader's fast constructor; it was ``timezones._replaced``)
makes what ``dataclasses.replace`` makes: the same class, every field the same (``position`` and
``order`` too, which equality skips), still frozen.  On every event of the corpus, producer and sample files and of a generated calendar, with the changes the
normalisation makes (times, parameters, EXDATE/RDATE lines) and with the fields equality skips."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest

from ics_bridge import model as m
from ics_bridge.io.model_reader import IcsReader

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted([*ROOT.glob("tests/corpus/ics/*.ics"), *ROOT.glob("tests/producers/*.ics"), *ROOT.glob("samples/**/*.ics")])


def _events(data: bytes) -> Iterator[m.Event]:
    try:
        reader = IcsReader(data)
    except ValueError:
        return
    for calendar in range(len(reader.calendars)):
        yield from reader.events(calendar)


def _changes(event: m.Event) -> list[dict[str, Any]]:
    return [{},
            {"start": event.end, "end": event.start, "params": tuple(reversed(event.params))},
            {"exdates": event.rdates, "rdates": event.exdates, "recurrence_id": None},
            {"position": 7, "order": ("X",), "uid": "changed"}]


def _same(made: Any, expected: Any) -> None:
    assert type(made) is type(expected)
    for f in dataclasses.fields(expected):
        assert getattr(made, f.name) is getattr(expected, f.name), f.name
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(made, dataclasses.fields(expected)[0].name, "x")


def _generated(tmp: Path) -> bytes:
    sys.path.insert(0, str(ROOT / "bench"))
    import generate
    path = tmp / "bench.ics"
    generate.write_ics(path, 300, seed=3)
    return path.read_bytes()


def test_replaced_makes_what_dataclasses_replace_makes(tmp_path: Path) -> None:
    seen = 0
    for data in [p.read_bytes() for p in FILES] + [_generated(tmp_path)]:
        for event in _events(data):
            for changes in _changes(event):
                _same(m.replaced(event, changes), dataclasses.replace(event, **changes))
                seen += 1
    assert seen > 2000


def test_replaced_on_other_model_classes() -> None:
    alarm = m.Alarm(action="DISPLAY", description="d")
    _same(m.replaced(alarm, {"summary": "s"}), dataclasses.replace(alarm, summary="s"))
    rule = m.Recur("FREQ=DAILY", freq="DAILY")
    _same(m.replaced(rule, {"count": 3}), dataclasses.replace(rule, count=3))
