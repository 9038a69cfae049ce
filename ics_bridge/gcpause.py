"""The cyclic garbage collector paused while a conversion step builds many objects (issue 12).

Why: reading or writing 10,000 events allocates millions of container objects (the typed
hub's slotted events and tuples, JSON dicts, pydantic models) that live until the step ends.
CPython runs its cyclic collector every 700 net allocations and, now and then, over every
object alive, so these steps spent 25–50 % of their time in collections that find nothing
(bench/'s 10k file: ICS→Graph 4.2 s → 3.2 s, Graph→ICS 6.6 s → 3.4 s with the collector off).
The hub holds no reference cycles (immutable values, tuples), so nothing is kept longer than it
would be anyway; reference counting still frees everything as usual.

The collector is only paused, never left off: the outermost step turns it back on when it ends
(nested or concurrent steps share one count), and a caller who had turned it off keeps it off.
"""

from __future__ import annotations

import functools
import gc
import threading
from contextlib import contextmanager
from typing import Callable, Iterator, TypeVar

__all__ = ["gc_paused", "paused_gc"]

_lock = threading.Lock()
_depth = 0
_was_enabled = False

F = TypeVar("F", bound=Callable[..., object])


@contextmanager
def paused_gc() -> Iterator[None]:
    """No automatic cyclic collection inside the block (reference counting goes on)."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()


def gc_paused(func: F) -> F:
    """``func`` runs with the collector paused (:func:`paused_gc`)."""

    @functools.wraps(func)
    def run(*args: object, **kwargs: object) -> object:
        with paused_gc():
            return func(*args, **kwargs)

    return run  # type: ignore[return-value]
