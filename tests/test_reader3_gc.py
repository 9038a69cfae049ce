"""``gcpause._promote_young``: what a large pause made moves to the oldest generation
unwalked, and the cycles among it are collected when the next pause starts.

* The promotion: objects made inside a large pause are no longer in the youngest generation
  after it (the collection that would walk them all does not run); a small pause, an
  application's frozen objects and a collector turned off are left as before.
* The debt: a reference cycle made inside a large pause is freed when the next pause starts,
  not later, and a full collection meanwhile (anyone's) pays it.
* The reader's share: converting a generated calendar (bench/generate.py) to Graph and Google
  makes no cyclic garbage at all (``timezones._retag_value`` and ``retag`` had recursive
  closures: 1,153 cycles per 10k-event file); the check sees one when a closure is put back.
"""

from __future__ import annotations

import gc
import sys
import weakref
from pathlib import Path
from typing import Any, Iterable

import pytest

import ics_bridge
from ics_bridge import gcpause
from ics_bridge.gcpause import PROMOTE_AT, paused_gc

ROOT = Path(__file__).resolve().parent.parent


class _Marker:
    """A tracked object of a type nothing else makes."""


class _Cycle:
    """An object that refers to itself: only the cyclic collector frees it."""

    def __init__(self) -> None:
        self.me = self


@pytest.fixture()
def collector_on() -> Iterable[None]:
    was = gc.isenabled()
    gc.enable()
    gc.collect()
    yield
    gc.collect()
    if not was:
        gc.disable()


def _young_markers() -> int:
    """Markers in the two young generations (a young collection moves survivors to the second)."""
    return sum(type(o) is _Marker for gen in (0, 1) for o in gc.get_objects(generation=gen))


def _many() -> list[_Marker]:
    return [_Marker() for _ in range(PROMOTE_AT + 10)]


def test_a_large_pause_leaves_the_young_generation(collector_on: None) -> None:
    with paused_gc():
        made = _many()
        assert _young_markers() == len(made)  # still young while paused
    assert _young_markers() == 0
    assert gc.isenabled() and gc.get_freeze_count() == 0
    del made


def test_a_small_pause_is_left_to_the_collector(collector_on: None) -> None:
    with paused_gc():
        made = [_Marker() for _ in range(100)]
    assert _young_markers() == 100
    assert not gcpause._owed
    del made


def test_a_frozen_application_stays_frozen(collector_on: None) -> None:
    kept = [_Marker()]
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with paused_gc():
            made = _many()
        assert gc.get_freeze_count() == frozen  # not unfrozen by the pause
        assert _young_markers() == len(made)  # left where the collector put them
    finally:
        gc.unfreeze()
    del made, kept


def test_nested_pauses_promote_once_at_the_outermost_end(collector_on: None) -> None:
    with paused_gc():
        with paused_gc():
            inner = _many()
        assert _young_markers() == len(inner)  # the outer step still runs
    assert _young_markers() == 0
    del inner


def test_the_collector_off_is_left_alone() -> None:
    was = gc.isenabled()
    gc.disable()
    try:
        gc.collect()
        with paused_gc():
            made = _many()
        assert not gc.isenabled()
        assert _young_markers() == len(made)  # a caller's own choice: untouched
    finally:
        if was:
            gc.enable()
    del made


def test_a_cycle_of_a_large_pause_is_freed_when_the_next_pause_starts(collector_on: None) -> None:
    with paused_gc():
        made = _many()
        cycle = _Cycle()
        alive = weakref.ref(cycle)
        del cycle
    del made
    gc.collect(0)
    gc.collect(1)  # the young collections do not see it any more: it was promoted
    assert alive() is not None and gcpause._owed
    with paused_gc():
        assert alive() is None  # the owed full collection ran as the pause began
    assert not gcpause._owed


def test_a_full_collection_meanwhile_pays_the_debt(collector_on: None) -> None:
    with paused_gc():
        made = _many()
    del made
    assert gcpause._owed
    gc.collect()
    assert not gcpause._owed
    fulls: list[int] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start" and info["generation"] == 2:
            fulls.append(1)

    gc.callbacks.append(count)
    try:
        with paused_gc():
            pass
    finally:
        gc.callbacks.remove(count)
    assert fulls == []  # nothing owed: no collection at the start


# ------------------------------------------------------------------------------------------
# The reader's share: no cyclic garbage from ICS→Graph and ICS→Google
# ------------------------------------------------------------------------------------------

def _generated(tmp: Path, seed: int) -> bytes:
    sys.path.insert(0, str(ROOT / "bench"))
    import generate
    path = tmp / f"bench{seed}.ics"
    generate.write_ics(path, 400, seed=seed)
    return path.read_bytes()


def _cyclic_garbage(data: bytes, to: str) -> list[str]:
    """The types of the objects only the cyclic collector frees after one conversion."""
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        conv = ics_bridge.convert(data, to=to, source="ics")  # type: ignore[arg-type]
        assert conv.to_bytes() and not conv.errors
        del conv
        gc.collect()
        found = [type(o).__name__ for o in gc.garbage]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    return found


@pytest.mark.parametrize("to", ["graph", "google"])
@pytest.mark.parametrize("seed", [5, 11])
def test_ics_to_provider_makes_no_cyclic_garbage(tmp_path: Path, collector_on: None, to: str, seed: int) -> None:
    assert _cyclic_garbage(_generated(tmp_path, seed), to) == []


def test_the_check_sees_a_cycle(tmp_path: Path, collector_on: None) -> None:
    """The check above is not blind: a closure that refers to itself, put back where
    ``timezones._retag_value`` had one, is found."""
    import ics_bridge.timezones as tz
    real = tz._retag_value
    calls: list[int] = []

    def cyclic(*args: Any, **kw: Any) -> None:
        def again() -> Any:
            return again
        calls.append(1)
        real(*args, **kw)
        again()

    tz._retag_value = cyclic  # type: ignore[assignment]
    try:
        found = _cyclic_garbage(_generated(tmp_path, 5), "graph")
    finally:
        tz._retag_value = real  # type: ignore[assignment]
    assert calls and "function" in found
