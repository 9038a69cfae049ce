"""Stopping a long run on SIGINT (Ctrl-C) or SIGTERM without leaving anything half done.

Why one module: the batch (:mod:`ics_bridge.batch`) and the streamed conversion
(:mod:`ics_bridge.pipeline`) both run worker processes, and both must stop the same way.
In the parent a signal becomes an exception (:class:`KeyboardInterrupt`, or :class:`Terminated`
for SIGTERM, whose default action would end the process without running any ``finally``), so
every temporary output is removed on the way out and the summary can say what was done.
Workers ignore both signals (a Ctrl-C reaches the whole process group): they hold no output,
and the parent ends them (:func:`end_pool`) instead of waiting for their work.
"""

from __future__ import annotations

import gc
import signal
import threading
from contextlib import contextmanager
from typing import Any, Callable, Iterator


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C's KeyboardInterrupt so that cleanups run."""


def signal_number(exc: BaseException) -> int:
    """The signal an interruption stands for (exit status 128 + it, as shells report it)."""
    return int(signal.SIGTERM if isinstance(exc, Terminated) else signal.SIGINT)


def _raise_terminated(signum: int, frame: Any) -> None:
    raise Terminated()


@contextmanager
def raising_on_signals() -> Iterator[None]:
    """SIGINT and SIGTERM raise in the main thread while inside (the CLI's whole run)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old_int = signal.signal(signal.SIGINT, signal.default_int_handler)
    old_term = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old_int)
        signal.signal(signal.SIGTERM, old_term)


@contextmanager
def deferred_signals() -> Iterator[None]:
    """SIGINT and SIGTERM held while inside and raised on the way out, for steps that must
    happen together or not at all: a temporary file made and its removal armed, an output
    renamed into place and recorded in the summary and journal.  A signal landing between two
    such steps left a hidden temporary file, or a complete output the report called "not
    converted" (tests/test_batch_faults.py, test_distributed.py, under load).  Holds only where
    the signals raise (the main thread, :func:`raising_on_signals` or Python's default Ctrl-C);
    keep the inside short: the interruption waits for it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    current = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    if current[signal.SIGINT] is not signal.default_int_handler and current[signal.SIGTERM] is not _raise_terminated:
        yield  # nothing raises here (a worker, or an outer deferral already holding)
        return
    held: list[int] = []

    def hold(signum: int, frame: Any) -> None:
        held.append(signum)

    for s in current:
        signal.signal(s, hold)
    try:
        yield
    finally:
        for s, handler in current.items():
            signal.signal(s, handler)
        if held:
            if signal.SIGTERM in held and current[signal.SIGTERM] is _raise_terminated:
                raise Terminated()
            if current[signal.SIGINT] is signal.default_int_handler:
                raise KeyboardInterrupt
            raise Terminated()


@contextmanager
def ignored_by_started_processes() -> Iterator[None]:
    """SIGINT and SIGTERM ignored while inside, so that worker processes started meanwhile (a
    Dask ``LocalCluster``'s, whose start this process does not control) inherit the ignoring
    (kept across exec: POSIX ``execve``; Python then installs no handler of its own); the
    parent ends them.  A signal arriving inside is lost: keep it short."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = {s: signal.signal(s, signal.SIG_IGN) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)


def ignore_in_worker() -> None:
    """Pool initializer part: a worker process ignores SIGINT and SIGTERM (the parent decides).
    Outside the main thread (a Dask worker's task thread, ``distributed._stream_batch``) nothing
    can be set, and nothing needs to be: that process's signals are its own (see
    :func:`ignored_by_started_processes`)."""
    if threading.current_thread() is not threading.main_thread():
        return
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


def started_worker() -> None:
    """Pool initializer of a forked worker process: :func:`ignore_in_worker`, and every object
    it inherited from the parent frozen (``gc.freeze``).  Why: the parent's objects (its
    modules, the batch's plan) are never garbage in the worker, yet each full collection walked
    them, writing into every inherited page (a copy-on-write fault each): two full collections
    per worker cost ~0.13 CPU s on 200 files × 50 events, ~0.01 s frozen."""
    ignore_in_worker()
    gc.freeze()


def submitted(pool: Any, fn: Callable[..., Any], *args: Any) -> Any:
    """``pool.submit(fn, *args)`` with SIGINT and SIGTERM held (:func:`deferred_signals`).  Why:
    a ``ProcessPoolExecutor``'s first submit creates its manager thread, then starts it; an
    interruption between the two left a thread that ``shutdown`` (:func:`end_pool`) cannot join,
    and its RuntimeError was reported instead of the interruption (a SIGTERM during a large
    file's pool start-up, once under load: exit 1, "internal error", where 143 was due)."""
    with deferred_signals():
        return pool.submit(fn, *args)


def end_pool(pool: Any, futures: Any = ()) -> None:
    """Shut a ``ProcessPoolExecutor`` down; when some work is still queued or running (the
    parent is being interrupted), its workers are ended first rather than waited for: their
    results would be thrown away, and only the parent renames outputs into place (a worker's
    staged temporary files are removed after: ``batch._discard_staged``).  Killed
    (SIGKILL): they ignore SIGTERM (:func:`ignore_in_worker`), so a ``terminate`` left the
    shutdown waiting for the work in hand (a part of pass 1 on a large file: seconds)."""
    unfinished = any(not f.done() for f in futures)
    for future in futures:
        future.cancel()
    if unfinished:
        # ProcessPoolExecutor has no public terminate(); its worker map is the only handle.
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            process.kill()
    pool.shutdown(wait=True, cancel_futures=True)
