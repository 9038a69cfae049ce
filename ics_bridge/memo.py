"""Size-bounded memos for values a calendar repeats (issue 12's speed work).

Why: parameter lists, addresses, zone names, date-time texts repeat thousands of times in one
file; the readers, mappers and writers remember what they made of each.  A plain dict emptied
when full bounds the memory of a long batch without an LRU's per-hit bookkeeping (the memos
hold what a calendar repeats, so a refill is cheap).  Everything remembered is immutable or
copied by its user.

A memo's own limit suits the whole-file path, which holds every event anyway (some memos must
outlast the whole file: Graph date-times are parsed when validated and again, ten thousand
events later, when mapped).  A streamed conversion handles a few hundred series at a time, so
there :func:`capped` bounds every memo far lower: its memory then stays flat however long the
file (issue 12: 100k events within 1.2× of 10k).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Callable, TypeVar

__all__ = ["capped", "recalled", "remember"]

V = TypeVar("V")

# set by :func:`capped`: no memo grows past it (a context variable: a streamed conversion in one
# thread leaves another thread's whole-file conversion its memos)
_cap: ContextVar[int | None] = ContextVar("ics_bridge_memo_cap", default=None)


def remember(memo: dict[Any, Any], key: Any, value: V, limit: int) -> V:
    """``value``, kept in ``memo`` under ``key``; a memo holding ``limit`` entries (or the
    :func:`capped` bound, if lower) is emptied first."""
    size = len(memo)
    if size >= limit or ((cap := _cap.get()) is not None and size >= cap):
        memo.clear()
    memo[key] = value
    return value


_UNSEEN = object()  # not in a memo (None may be a value there)


def recalled(memo: dict[Any, Any], key: Any, make: Callable[[Any], V], limit: int) -> V:
    """``memo[key]``, else ``make(key)`` remembered (:func:`remember`).  Looked up with ``get``
    and a sentinel: no ``KeyError`` raised at each first sight (16k of 44k date-times at 10k
    Graph events).  A key that cannot be hashed is made each time, so ``make`` raises for it as
    it would unmemoised."""
    try:
        found = memo.get(key, _UNSEEN)
    except TypeError:
        return make(key)
    if found is _UNSEEN:
        return remember(memo, key, make(key), limit)
    return found  # type: ignore[no-any-return]


@contextmanager
def capped(entries: int) -> Iterator[None]:
    """Within the block, every memo is emptied when it reaches ``entries`` (or its own lower
    limit).  Only a bound on caches: results are the same with any bound."""
    before = _cap.get()
    token = _cap.set(entries if before is None else min(before, entries))
    try:
        yield
    finally:
        _cap.reset(token)
