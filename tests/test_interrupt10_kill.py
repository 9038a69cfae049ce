"""Ctrl-C while worker processes are busy: the parent ends them at once (``interrupt.end_pool``
kills them; they ignore SIGTERM, so a ``terminate`` left the shutdown waiting for the work in
hand) and none is left behind.  A batch of files (``--jobs``), the series batches of one large
file, and the parts of its pass 1 (``tests/test_index10_parts.py``)."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from pathlib import Path
from typing import Any, Callable

import pytest

from ics_bridge import batch, pipeline
from ics_bridge.batch import convert_paths

SAMPLES = Path(__file__).parent.parent / "samples" / "ics"


def _sleepy_file(task: Any) -> Any:
    time.sleep(60)


def _sleepy_batch(groups: Any) -> Any:
    time.sleep(60)


def _interrupted(run: Callable[[], Any]) -> tuple[Any, float]:
    """``run()`` with a SIGINT to this process half a second in: its result (or the
    KeyboardInterrupt it raised) and how long it took."""
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
    started = time.monotonic()
    timer.start()
    try:
        try:
            out = run()
        except KeyboardInterrupt as exc:
            out = exc
    finally:
        timer.cancel()
    return out, time.monotonic() - started


def test_a_batch_interrupted_ends_its_busy_workers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for k in range(4):
        (folder / f"cal{k}.ics").write_bytes((SAMPLES / "google-export.ics").read_bytes())
    monkeypatch.setattr(batch, "_convert_file", _sleepy_file)
    done, took = _interrupted(lambda: convert_paths([folder], to="graph", output=tmp_path / "out", jobs=2))
    assert done.interrupted == signal.SIGINT and done.files == []
    assert took < 20 and multiprocessing.active_children() == []


def test_a_streamed_file_interrupted_ends_its_busy_workers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = (SAMPLES / "google-export.ics").read_bytes()
    head, rest = data.split(b"BEGIN:VEVENT", 1)
    event = b"BEGIN:VEVENT" + rest[:rest.index(b"END:VEVENT") + len(b"END:VEVENT\r\n")]
    path = tmp_path / "large.ics"  # 600 one-event series: three batches of groups
    path.write_bytes(head + b"".join(event.replace(b"UID:", f"UID:{k}-".encode(), 1) for k in range(600))
                     + b"END:VCALENDAR\r\n")
    monkeypatch.setattr(pipeline, "_convert_batch", _sleepy_batch)
    raised, took = _interrupted(lambda: pipeline.convert_file(path, tmp_path / "out.json", to="graph", jobs=2))
    assert isinstance(raised, KeyboardInterrupt)
    assert took < 20 and multiprocessing.active_children() == []
    assert not (tmp_path / "out.json").exists()


def test_an_interruption_while_a_pool_starts_is_the_interruption(monkeypatch: pytest.MonkeyPatch) -> None:
    """A signal landing in a pool's first submit, after its manager thread is made and before it
    starts: the interruption goes on as itself (``interrupt.submitted`` holds it until the submit
    returns), not as ``shutdown``'s "cannot join thread before it is started" (seen in CI: a
    SIGTERM during a large file's pool start-up exited 1 with an internal error, not 143)."""
    from concurrent.futures import ProcessPoolExecutor, process

    from ics_bridge.interrupt import end_pool, submitted
    start = process._ExecutorManagerThread.start

    def interrupted_start(self: Any) -> None:
        os.kill(os.getpid(), signal.SIGINT)  # raises here, before the thread starts, unless held
        start(self)

    monkeypatch.setattr(process._ExecutorManagerThread, "start", interrupted_start)
    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
    futures: list[Any] = []
    with pytest.raises(KeyboardInterrupt):
        try:
            futures.append(submitted(pool, abs, -1))
        finally:
            end_pool(pool, futures)
