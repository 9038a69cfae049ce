"""Size-bounded memos for values a calendar repeats (issue 12's speed work).

Why: parameter lists, addresses, zone names, date-time texts repeat thousands of times in one
file; the readers, mappers and writers remember what they made of each.  A plain dict emptied
when full bounds the memory of a long batch without an LRU's per-hit bookkeeping (the memos
hold what a calendar repeats, so a refill is cheap).  Everything remembered is immutable or
copied by its user.
"""

from __future__ import annotations

from typing import Any, TypeVar

__all__ = ["remember"]

V = TypeVar("V")


def remember(memo: dict[Any, Any], key: Any, value: V, limit: int) -> V:
    """``value``, kept in ``memo`` under ``key``; a memo holding ``limit`` entries is emptied first."""
    if len(memo) >= limit:
        memo.clear()
    memo[key] = value
    return value
