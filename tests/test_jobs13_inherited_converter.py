"""``--jobs N`` on one .ics file: the parent builds the file's converter once (its VTIMEZONE
checks and zone resolutions) and forked workers start with it, instead of each building its own
before its first batch (``pipeline._pool_map``'s ``built``).  Where workers are not forked
(spawn, forkserver), each builds its own as before, with the same bytes."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path
from typing import Any

import pytest

from ics_bridge import pipeline

ROOT = Path(__file__).resolve().parent.parent
# a corpus file with several UID groups and a VTIMEZONE (Outlook's "(UTC+01:00) …" style names)
SOURCE = ROOT / "tests" / "corpus" / "ics"


def _several_groups() -> Path:
    from ics_bridge.io import stream
    from ics_bridge.report import Report
    for path in sorted(SOURCE.glob("*.ics")):
        try:
            idx = stream.index_ics(path, Report())
        except Exception:  # noqa: BLE001 - a file the streamed path refuses is not this test's
            continue
        if idx.series_count >= 4 and idx.vtimezone_blocks:
            return path
    raise AssertionError("no corpus file with four UID groups and a VTIMEZONE")


@pytest.fixture
def built_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A file that gets one line per ``_GroupConverter`` built, naming the process that built it
    (the patched class reaches forked workers with the parent's memory)."""
    log = tmp_path / "built.log"
    original = pipeline._GroupConverter.__init__

    def logged(self: Any, job: Any) -> None:
        original(self, job)
        with open(log, "a") as fh:
            fh.write(f"{os.getpid()}\n")

    monkeypatch.setattr(pipeline._GroupConverter, "__init__", logged)
    monkeypatch.setattr(pipeline, "BATCH_GROUPS", 1)  # several batches: the pool runs
    return log


@pytest.mark.skipif(multiprocessing.get_start_method() != "fork", reason="workers are forked only where fork is the start method")
def test_forked_workers_start_with_the_parents_converter(built_in: Path, tmp_path: Path) -> None:
    path = _several_groups()
    one = pipeline.convert_file(path, tmp_path / "one.json", to="graph", jobs=1)
    built_in.unlink()
    two = pipeline.convert_file(path, tmp_path / "two.json", to="graph", jobs=2)
    assert (tmp_path / "two.json").read_bytes() == (tmp_path / "one.json").read_bytes()
    assert [e.as_dict() for e in two.report] == [e.as_dict() for e in one.report]
    # built once, in the parent: no worker built its own
    assert built_in.read_text().split() == [str(os.getpid())]


def test_spawned_workers_build_their_own(built_in: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _several_groups()
    pipeline.convert_file(path, tmp_path / "one.json", to="google", jobs=1)
    spawn = multiprocessing.get_context("spawn")
    monkeypatch.setattr(multiprocessing, "get_context", lambda method=None: spawn)
    built_in.unlink()
    pipeline.convert_file(path, tmp_path / "two.json", to="google", jobs=2)
    assert (tmp_path / "two.json").read_bytes() == (tmp_path / "one.json").read_bytes()
    # a spawned worker imports the package afresh (no patch): only the parent's line is written,
    # and the workers converted with converters of their own (the bytes above)
    assert built_in.read_text().split() == [str(os.getpid())]
