"""The last input's journal line is written only when the batch is interrupted (``journal``'s
module doc), and so is the description of its outputs: a streamed output was read back and
hashed for that line (~25 ms on the 10k bench file, seconds for a million events), a serial
step of every one-file run, and thrown away with the journal when the run finished."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ics_bridge import batch, journal
from ics_bridge.batch import convert_paths

SAMPLE = Path(__file__).parent.parent / "samples" / "ics" / "google-export.ics"


@pytest.fixture
def digests(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every output read back and hashed for the journal."""
    seen: list[str] = []
    real = journal.digest

    def recording(path: Path) -> str:
        seen.append(Path(path).name)
        return real(path)

    monkeypatch.setattr(journal, "digest", recording)
    return seen


def test_a_finished_streamed_run_never_reads_its_output_back(tmp_path: Path, digests: list[str],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch, "STREAM_BYTES", 0)  # the sample streams, as a large file does
    done = convert_paths([SAMPLE], to="graph", output=tmp_path / "out.json")
    assert done.exit_code() == 0 and done.files[0].notes == ["converted series by series (large input)"]
    assert digests == []
    assert not list(tmp_path.glob(".*jsonl"))  # the journal is gone, as before


def test_an_interrupted_run_describes_the_held_line_and_resumes_from_it(tmp_path: Path, digests: list[str],
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch, "STREAM_BYTES", 0)
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a.ics", "b.ics"):
        (folder / name).write_bytes(SAMPLE.read_bytes())
    delivered: list[str] = []

    def stop_after_the_last(result: Any) -> None:
        delivered.append(result.input)
        if len(delivered) == 2:
            raise KeyboardInterrupt

    out = tmp_path / "out"
    done = convert_paths([folder], to="graph", output=out, on_file=stop_after_the_last)
    assert done.interrupted is not None and len(done.files) == 2
    assert digests == ["a.json", "b.json"]  # the first when its line was written, the held one on close
    lines = (out / journal.NAME).read_text().splitlines()
    described = [entry["files"] for entry in map(json.loads, lines[1:])]
    assert [[Path(p).name for p, _size, _sha in files] for files in described] == [["a.json"], ["b.json"]]
    again = convert_paths([folder], to="graph", output=out, resume=True)
    assert again.resumed == 2 and again.exit_code() == 0
