"""Journal lines are made durable at most once every ``journal.SYNC_EVERY`` seconds and when an
interrupted batch closes its journal, not once a line (an ``fsync`` costs about as much as
converting a small file; the ``--jobs`` parent paid one per input in its serial part).  What
the interrupted batch wrote is synced before it stops, and ``--resume`` takes it all."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest

from ics_bridge import batch, journal
from ics_bridge.batch import convert_paths

SAMPLES = Path(__file__).parent.parent / "samples" / "ics"


def _inputs(folder: Path, count: int) -> list[Path]:
    folder.mkdir()
    data = (SAMPLES / "google-export.ics").read_bytes()
    paths = [folder / f"cal{k:02d}.ics" for k in range(count)]
    for k, path in enumerate(paths):
        path.write_bytes(data.replace(b"UID:", f"UID:{k}-".encode()))
    return paths


def _syncs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Per ``Journal._sync`` call, how many lines the journal file held then."""
    seen: list[int] = []
    real = journal.Journal._sync

    def sync(self: journal.Journal, fh: object) -> None:
        seen.append(len(self.path.read_bytes().splitlines()) - 1)
        real(self, fh)  # type: ignore[arg-type]

    monkeypatch.setattr(journal.Journal, "_sync", sync)
    return seen


def _normal(result: batch.BatchResult, out: Path) -> object:
    """The batch's report with its output folder named alike."""
    return json.loads(json.dumps(result.report_dict()).replace(str(out), "OUT"))


def _stop_at(path: Path) -> object:
    def on_file(result: batch.FileResult) -> None:
        if result.input == str(path):
            os.kill(os.getpid(), signal.SIGINT)
    return on_file


def test_an_interrupted_batch_syncs_its_lines_once_and_resumes_from_them(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    paths = _inputs(tmp_path / "in", 12)
    ref = convert_paths([tmp_path / "in"], to="graph", output=tmp_path / "ref")
    monkeypatch.setattr(journal, "SYNC_EVERY", 3600.0)
    syncs = _syncs(monkeypatch)
    out = tmp_path / "out"
    first = convert_paths([tmp_path / "in"], to="graph", output=out, on_file=_stop_at(paths[7]))
    assert first.interrupted == signal.SIGINT and len(first.files) == 8
    assert syncs == [8]  # one sync, at the close, of the 8 inputs' lines (the per-line sync made 8)
    converted: list[str] = []
    real = batch._convert_file
    monkeypatch.setattr(batch, "_convert_file", lambda task: converted.append(task.item.name) or real(task))
    again = convert_paths([tmp_path / "in"], to="graph", output=out, resume=True)
    assert converted == [str(p) for p in paths[8:]]  # the 8 synced inputs are taken from the journal
    assert again.exit_code() == 0 and again.resumed == 8
    assert _normal(again, out) == _normal(ref, tmp_path / "ref")
    assert [f.name for f in sorted(out.iterdir())] == [f.name for f in sorted((tmp_path / "ref").iterdir())]
    assert all((out / f.name).read_bytes() == f.read_bytes() for f in (tmp_path / "ref").iterdir())


def test_a_finished_batch_syncs_no_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _inputs(tmp_path / "in", 6)
    monkeypatch.setattr(journal, "SYNC_EVERY", 3600.0)
    syncs = _syncs(monkeypatch)
    done = convert_paths([tmp_path / "in"], to="graph", output=tmp_path / "out")
    assert done.exit_code() == 0 and len(done.files) == 6 and syncs == []
    assert not (tmp_path / "out" / journal.NAME).exists()


def test_lines_are_synced_once_sync_every_has_passed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With no time between syncs, every line is synced as it is written (the old behaviour);
    the held last line is synced at the close."""
    paths = _inputs(tmp_path / "in", 5)
    monkeypatch.setattr(journal, "SYNC_EVERY", 0.0)
    syncs = _syncs(monkeypatch)
    first = convert_paths([tmp_path / "in"], to="graph", output=tmp_path / "out", on_file=_stop_at(paths[3]))
    assert first.interrupted == signal.SIGINT
    assert syncs == [1, 2, 3, 4]


def test_outputs_are_described_from_the_bytes_written_not_read_back(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Each journal line's outputs (path, size, SHA-256) come from the bytes the batch just
    wrote (one output per input, and ``--split``'s several), equal to the files' own."""
    paths = _inputs(tmp_path / "in", 4)
    read_back: list[Path] = []
    real = journal.digest
    monkeypatch.setattr(journal, "digest", lambda path: read_back.append(path) or real(path))
    for split in (False, True):
        out = tmp_path / f"out{split}"
        first = convert_paths([tmp_path / "in"], to="graph", output=out, split=split, on_file=_stop_at(paths[2]))
        assert first.interrupted == signal.SIGINT
        lines = [json.loads(line) for line in (out / journal.NAME).read_bytes().splitlines()[1:]]
        files = [f for line in lines for f in line["files"]]
        assert len(lines) == 3 and len(files) >= 3 and read_back == []
        assert files == [[name, Path(name).stat().st_size, real(Path(name))] for name, _size, _sha in files]
