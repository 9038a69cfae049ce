"""io.stream.rows_in_order's already-in-order check compares the key columns on the array itself.

Round 5's check built two slices and two tuples a row (``key(r) <= key(r + 1)``), where the
check before it indexed the array: ~1 s more on a 1M-event file's report index (0.96 → 0.52 CPU s
on 1.3M sorted rows of 3 keys, measured once, not asserted here).  ``keys_in_order`` is held to
that tuple comparison on sorted and unsorted indexes and at the boundaries between rows (ties in
the first key, in the second, equal rows, one row out of order at either end); and, without
timing anything, to building no slice a row for the callers' keys (2 and 3).
"""

from __future__ import annotations

import random
from array import array

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ics_bridge.io import stream


def _tuple_check(idx: array, width: int, keys: int) -> bool:
    """The check as round 5 wrote it: a tuple of the key columns a row."""
    n = len(idx) // width
    key = [tuple(idx[width * r:width * r + keys]) for r in range(n)]
    return all(key[r] <= key[r + 1] for r in range(n - 1))


def _reference_order(idx: array, width: int, keys: int) -> list[int]:
    n = len(idx) // width
    return sorted(range(n), key=lambda r: (*idx[width * r:width * r + keys], r))


@st.composite
def _indexes(draw: st.DrawFn) -> tuple[array, int, int]:
    """Few distinct values, so that ties in every key column (the boundaries) are common;
    sorted about half the time, then perhaps one row swapped with its neighbour."""
    width = draw(st.integers(1, 5))
    keys = draw(st.integers(1, width))
    n = draw(st.integers(0, 40))
    rows = [[draw(st.integers(-2, 2)) for _ in range(width)] for _ in range(n)]
    if draw(st.booleans()):
        rows.sort(key=lambda row: row[:keys])
        if n > 1 and draw(st.booleans()):
            at = draw(st.integers(0, n - 2))
            rows[at], rows[at + 1] = rows[at + 1], rows[at]
    return array("q", [v for row in rows for v in row]), width, keys


@settings(max_examples=1500, deadline=None)
@given(_indexes())
def test_check_is_the_tuple_comparison(case: tuple[array, int, int]) -> None:
    idx, width, keys = case
    assert stream.keys_in_order(idx, width, keys) == _tuple_check(idx, width, keys)
    assert list(stream.rows_in_order(idx, width, keys)) == _reference_order(idx, width, keys)


@pytest.mark.parametrize("keys", [2, 3])
def test_row_boundaries(keys: int) -> None:
    """Each key column deciding a boundary: smaller, equal then decided by the next, equal rows."""
    width = 4
    base = [[0, 0, 0, 9], [0, 0, 1, 9], [0, 1, 0, 9], [0, 1, 0, 9], [1, 0, 0, 9], [1, 0, 0, 5]]
    ordered = array("q", [v for row in base for v in row])
    assert stream.keys_in_order(ordered, width, keys) is True
    for at in range(len(base) - 1):
        rows = [list(r) for r in base]
        rows[at], rows[at + 1] = rows[at + 1], rows[at]
        idx = array("q", [v for row in rows for v in row])
        assert stream.keys_in_order(idx, width, keys) == _tuple_check(idx, width, keys), (keys, at)
    assert stream.keys_in_order(array("q"), width, keys) is True
    assert stream.keys_in_order(array("q", [5, 5, 5, 5]), width, keys) is True


class _CountingArray(array):
    """An index that counts the slices taken of it."""

    slices = 0

    def __getitem__(self, item):  # type: ignore[no-untyped-def]
        if isinstance(item, slice):
            type(self).slices += 1
        return super().__getitem__(item)


@pytest.mark.parametrize("keys", [2, 3])
def test_an_index_in_order_is_checked_without_a_slice_a_row(keys: int) -> None:
    rng = random.Random(keys)
    rows = sorted([rng.randrange(3), rng.randrange(3), rng.randrange(1000), 0] for _ in range(5000))
    idx = _CountingArray("q", [v for row in rows for v in row])
    _CountingArray.slices = 0
    assert list(stream.rows_in_order(idx, 4, keys)) == list(range(5000))
    assert _CountingArray.slices == 0
