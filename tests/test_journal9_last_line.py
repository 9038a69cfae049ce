"""The last input's journal line is held, not written (``journal.Journal.record(last=True)``):
a finished batch removes its journal right after that line, so writing it only cost time (a
streamed 10k-event file's line ~0.3 s, the ``--jobs`` parent's serial step after the
conversion).  An interrupted batch writes it when the journal is closed, so ``--resume`` takes
that input from the journal as before."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path
from typing import Any

import pytest

from ics_bridge import batch, journal
from ics_bridge.batch import convert_paths
from ics_bridge.options import Options

SAMPLES = Path(__file__).parent.parent / "samples" / "ics"


def _inputs(folder: Path) -> list[Path]:
    folder.mkdir()
    paths = []
    for name in ("outlook-export.ics", "google-export.ics"):
        (folder / name).write_bytes((SAMPLES / name).read_bytes())
        paths.append(folder / name)
    return paths


def _lines(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / journal.NAME).read_bytes().splitlines()[1:]]


def _written(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The inputs whose journal line is written, in order."""
    written: list[str] = []
    real = journal.Journal._write

    def write(self: journal.Journal, entry: dict[str, Any]) -> None:
        written.append(entry["input"])
        real(self, entry)

    monkeypatch.setattr(journal.Journal, "_write", write)
    return written


@pytest.mark.parametrize("stream", [False, True])
def test_a_finished_batch_writes_no_line_for_its_last_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            stream: bool) -> None:
    paths = _inputs(tmp_path / "in")
    written = _written(monkeypatch)
    options = Options(stream_bytes=0) if stream else Options()
    done = convert_paths([tmp_path / "in"], to="graph", output=tmp_path / "out", options=options)
    assert done.exit_code() == 0 and len(done.files) == 2
    assert written == [str(paths[1])]  # discovery order: google-export first, outlook-export last
    assert not (tmp_path / "out" / journal.NAME).exists()  # a finished batch removes its journal
    one = convert_paths([paths[0]], to="graph", output=tmp_path / "one.json", options=options)
    assert one.exit_code() == 0 and written == [str(paths[1])]  # one input: no line at all


def test_interrupted_at_the_last_input_the_held_line_is_written_and_resumed(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """SIGINT while the last input is handed on (``on_file``): the batch stops with its journal,
    which holds every input's line, the held last one included; ``resume=True`` converts
    nothing again and gives the report of one uninterrupted run."""
    paths = _inputs(tmp_path / "in")
    ref = convert_paths([tmp_path / "in"], to="graph", output=tmp_path / "ref")
    written = _written(monkeypatch)
    out = tmp_path / "out"

    def stop_at_last(result: batch.FileResult) -> None:
        if result.input == str(paths[0]):
            os.kill(os.getpid(), signal.SIGINT)

    first = convert_paths([tmp_path / "in"], to="graph", output=out, on_file=stop_at_last)
    assert first.interrupted == signal.SIGINT and first.pending == []
    assert written == [str(paths[1]), str(paths[0])]  # the held line, written on the interruption
    assert [line["input"] for line in _lines(out)] == [str(paths[1]), str(paths[0])]
    second = convert_paths([tmp_path / "in"], to="graph", output=out, resume=True)
    assert second.exit_code() == 0 and second.resumed == 2
    norm = lambda r: json.loads(json.dumps(r.report_dict()).replace(str(tmp_path / "ref"), "OUT").replace(  # noqa: E731
        str(out), "OUT"))
    assert norm(second) == norm(ref)
