"""io.stream.rows_in_order: a spool index's rows in key order without a list of tuple keys (the
1M-event CLI run peaked at 364 MiB sorting its 1.3M report entries that way).  Held to the sort
it replaces, ``sorted(range(n), key=(key columns..., row))``, on generated indexes with runs
small enough that the run merge is exercised, ties and already-sorted indexes included."""

from __future__ import annotations

import random
from array import array

import pytest

from ics_bridge.io import stream


def _reference(idx: array, width: int, keys: int) -> list[int]:
    n = len(idx) // width
    return sorted(range(n), key=lambda r: (*idx[width * r:width * r + keys], r))


def _index(rng: random.Random, n: int, width: int, spread: int, ordered: bool) -> array:
    rows = [[rng.randrange(spread) for _ in range(width)] for _ in range(n)]
    if ordered:
        rows.sort()
    return array("q", [v for row in rows for v in row])


@pytest.mark.parametrize("run", [1, 2, 7, 64, stream.SORT_RUN])
@pytest.mark.parametrize("seed", range(6))
def test_rows_come_in_the_order_of_the_stable_sort(monkeypatch, run, seed):
    monkeypatch.setattr(stream, "SORT_RUN", run)
    rng = random.Random(seed)
    for width, keys in ((4, 3), (4, 2)):
        for ordered in (False, True):
            for n in (0, 1, 2, 5, 200):
                idx = _index(rng, n, width, spread=rng.choice([2, 5, 1000]), ordered=ordered)
                assert list(stream.rows_in_order(idx, width, keys)) == _reference(idx, width, keys)


def test_keyed_entries_come_back_phase_then_position_then_arrival(monkeypatch):
    monkeypatch.setattr(stream, "SORT_RUN", 3)
    from ics_bridge.report import LossKind, Report
    keyed = stream.KeyedEntries()
    keys = [(5, 9, 0), (2, 4, 1), (5, 1, 0), (2, 4, 0), (2, 4, 1), (9, 0, 0), (5, 1, 0)]
    for n, key in enumerate(keys):
        report = Report()
        report.add(LossKind.DROPPED, "X", f"entry {n}")
        keyed.add(key, report.entries[0])
    out = Report()
    keyed.into(out, [])
    expected = sorted(range(len(keys)), key=lambda n: (*keys[n], n))
    assert [e.reason for e in out.entries] == [f"entry {n}" for n in expected]
