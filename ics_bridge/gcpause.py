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

__all__ = ["collection_owed", "gc_paused", "paused_gc"]

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
            if _was_enabled and _owed:
                gc.collect()  # the promoted objects' cycles (``_promote_young``); clears ``_owed``
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                _promote_young()
                gc.enable()


#: A pause that made at least this many tracked objects has them promoted (``_promote_young``).
PROMOTE_AT = 100_000
_owed = False  # objects were promoted and no full collection has run since


def _promote_young() -> None:
    """After a large pause, move its objects to the oldest generation without walking them.

    Why: no collection runs while paused, so every object the step made (a 10k-event hub:
    millions) is still in the youngest generation, and the first collection after the pause
    walks them all (0.11 CPU s after bench/'s 10k ICS→Graph, finding a few cycles).
    ``gc.freeze`` then ``gc.unfreeze`` moves every tracked object to the oldest generation in
    O(1).  The cycles among them (icalendar's objects, caught exceptions' frames) are then
    owed a full collection: the next pause starts with one (the hub of the last step is freed
    by then, so it walks little), unless one has run meanwhile (``_full_collection``).  So a
    step's cyclic garbage lives at most until the next step starts.  Small pauses, and an
    application that froze objects itself (``gc.freeze`` before forking), are left as before."""
    global _owed
    if gc.get_count()[0] >= PROMOTE_AT and gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()
        _owed = True


def _full_collection(phase: str, info: dict[str, int]) -> None:
    """A full collection (anyone's) has visited the promoted objects: nothing is owed."""
    global _owed
    if phase == "stop" and info.get("generation") == 2:
        _owed = False


gc.callbacks.append(_full_collection)


def collection_owed() -> bool:
    """Whether a paused step promoted its objects and no full collection has run since (the
    next pause begins with one, ``_promote_young``): a step that makes few tracked objects and
    works on what the last pause built (the .ics writer after a conversion) then runs unpaused
    rather than pay that collection over the objects it is about to use."""
    return _owed


def gc_paused(func: F) -> F:
    """``func`` runs with the collector paused (:func:`paused_gc`)."""

    @functools.wraps(func)
    def run(*args: object, **kwargs: object) -> object:
        with paused_gc():
            return func(*args, **kwargs)

    return run  # type: ignore[return-value]
