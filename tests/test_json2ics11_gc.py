"""The .ics writer runs outside a ``gcpause`` pause when a full collection is owed (round 11,
json2ics11), paused otherwise.

Why a test: paused, ``write_calendar`` began with the full collection a conversion's own pause
leaves owed (``gcpause._promote_young``), which walked the whole hub it was about to write
(0.10 CPU s of ``convert(…).to_bytes()`` at 10k Graph events); running, the collector met a
hub read without a pause (``read_calendar``) in a full collection (0.19 s at 10k events).  These
tests fail when the writer is paused while a collection is owed, or runs when none is.
"""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any, Iterator

import pytest

import ics_bridge
from ics_bridge import gcpause
from ics_bridge.io import model_writer
from ics_bridge.io.model_reader import read_calendar

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = [ROOT / "samples" / "graph" / "events-list.json", *sorted((ROOT / "samples" / "google").glob("*.json"))]


@pytest.fixture()
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    gc.collect()  # pays what a test left owed
    if not was:
        gc.disable()


def _full_collections(run: Any) -> tuple[Any, int]:
    """``run()``'s result and how many full (generation 2) collections ran inside it."""
    seen: list[int] = []

    def note(phase: str, info: dict[str, int]) -> None:
        if phase == "start" and info.get("generation") == 2:
            seen.append(1)

    gc.callbacks.append(note)
    try:
        return run(), len(seen)
    finally:
        gc.callbacks.remove(note)


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_write_does_not_pay_the_owed_full_collection(path: Path, collector_on: None) -> None:
    conv = ics_bridge.convert(path.read_bytes(), to="ics")
    gcpause._owed = True  # as after a pause that promoted its objects (a 10k-event conversion)
    out, full = _full_collections(conv.to_bytes)
    assert out.startswith(b"BEGIN:VCALENDAR\r\n")
    assert full == 0
    assert gcpause._owed  # still owed: the next pause pays it


@pytest.mark.parametrize("owed", [True, False])
def test_the_write_is_paused_unless_a_collection_is_owed(owed: bool, collector_on: None,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    cal = read_calendar((ROOT / "samples" / "ics" / sorted(p.name for p in (ROOT / "samples" / "ics").glob("*.ics"))[0]
                         ).read_bytes())
    running: list[bool] = []
    write = model_writer._write_calendar

    def noted(*args: Any, **kwargs: Any) -> bytes:
        running.append(gc.isenabled())
        return write(*args, **kwargs)

    monkeypatch.setattr(model_writer, "_write_calendar", noted)
    gcpause._owed = owed
    assert model_writer.write_calendar(cal).startswith(b"BEGIN:VCALENDAR\r\n")
    assert running == [owed]
    assert gc.isenabled()
