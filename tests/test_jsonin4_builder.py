"""The builder's lists made at first use (``build.EventBuilder.__getattr__``, issue 12 round 4)
give the events that builders making every list up front give.

Held on every Graph and Google JSON of the repository (corpus, seeds, samples, producers) and
on generated Graph events: the same hub events — every field, ``order`` and ``position``
(neither compared by ``Event.__eq__``) — the same .ics bytes, report and errors.
"""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path
from typing import Any

import pytest

import ics_bridge
from ics_bridge import build, clock
from ics_bridge import model as m
from ics_bridge.io.model_reader import _new_event
from test_graphin_fastpath import _generated_events

ROOT = Path(__file__).resolve().parent
_FILES = [p for d in ("graph", "google") for base in (ROOT / "corpus", ROOT / "seeds", ROOT.parent / "samples")
          for p in sorted((base / d).glob("*.json"))] + sorted((ROOT / "producers").glob("*.json"))


def _eager_init(self: build.EventBuilder) -> None:
    """The builder as it was: every list made up front."""
    _lazy_init(self)
    for name in sorted(build._RARE):
        setattr(self, name, [])


_lazy_init = build.EventBuilder.__init__


def _eager_event(self: build.EventBuilder) -> m.Event:
    """The builder's freezing as it was: every list frozen."""
    lists = {name: tuple(getattr(self, name)) for name in build._RARE}
    return _new_event(**self.fields, **lists, attendees=tuple(self.attendees), alarms=tuple(self.alarms),
                      params=tuple(self.params.items()), other=tuple(self.other), position=self.position,
                      order=tuple(self.order))


def _fields(event: m.Event) -> tuple[Any, ...]:
    return tuple(getattr(event, f.name) for f in dataclasses.fields(event))


def _convert(data: Any) -> tuple[Any, ...]:
    from datetime import datetime, timezone
    with clock.fixed(datetime(2026, 1, 1, 12, 0, tzinfo=timezone.utc)):
        try:
            done = ics_bridge.convert(data, to="ics")
        except Exception as exc:  # an input the converter refuses: refused the same way
            return (type(exc), str(exc))
    events = [_fields(e) for s in done.hub.series for e in (*([s.master] if s.master else []), *s.overrides)]
    return events, done.to_bytes(), [e.as_dict() for e in done.report.entries], \
        [str(e) for e in done.errors]


def _inputs() -> list[Any]:
    return [p.read_bytes() for p in _FILES] + [{"value": _generated_events(random.Random(s), 150)} for s in range(3)]


def test_lazy_lists_give_what_eager_lists_give(monkeypatch: pytest.MonkeyPatch) -> None:
    inputs = _inputs()
    assert len(inputs) > 20
    lazy = [_convert(d) for d in inputs]
    monkeypatch.setattr(build.EventBuilder, "__init__", _eager_init)
    monkeypatch.setattr(build.EventBuilder, "event", _eager_event)
    eager = [_convert(d) for d in inputs]
    for path, one, other in zip([*_FILES, "generated"], lazy, eager):
        assert one == other, path
    assert sum(1 for one in lazy if isinstance(one[0], list) and one[0]) > 20  # conversions, not refusals


def test_a_rare_list_is_made_once_and_frozen() -> None:
    b = build.EventBuilder()
    b.set("uid", "u")
    assert b.made is None
    assert b.comments == [] and b.comments is b.comments
    b.add("COMMENT", "c")
    b.add("CATEGORIES", m.TextList(("a",)))
    assert b.made == {"comments": None, "categories": None}
    event = b.event()
    assert event.comments == ("c",) and event.categories == (m.TextList(("a",)),) and event.rdates == ()
    with pytest.raises(AttributeError):
        b.no_such_list  # noqa: B018
