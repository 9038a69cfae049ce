"""``--jobs`` with ``-o DIR``: a worker writes its output to a temporary file beside the planned
output (``io.files.stage``) and sends back only its size and hash; the parent renames it into
place in input order (``io.files.commit``: synced, never over an input, no clobber without
``--force``).  Before, each 150 KB output went through a 64 KiB pipe, the worker waiting for the
parent to read it, and the parent wrote and hashed every file itself.

Held here: the same bytes as one job; no temporary file left by an interruption, by a worker
killed mid-write, or by a failed rename; a write failure in a worker named like one in the
parent; the journal's sizes and hashes (from the worker) good enough for ``--resume``."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest

from ics_bridge import batch
from ics_bridge.batch import convert_paths
from ics_bridge.errors import OutputError
from ics_bridge.io import files

SAMPLES = Path(__file__).parent.parent / "samples" / "ics"


def _inputs(folder: Path, copies: int = 2) -> Path:
    folder.mkdir()
    samples = sorted(p for p in SAMPLES.glob("*.ics"))
    for k in range(copies):
        for sample in samples:
            (folder / f"{k}-{sample.name}").write_bytes(sample.read_bytes())
    return folder


def _temporary(folder: Path) -> list[str]:
    return sorted(name for _, _, names in os.walk(folder) for name in names if name.endswith(".tmp"))


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_workers_stage_the_outputs_and_the_parent_renames_them(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _inputs(tmp_path / "in")
    one = convert_paths([folder], to="graph", output=tmp_path / "one", jobs=1)
    committed: list[tuple[str, str]] = []
    real = files.commit

    def recording(tmp: Path, path: Path, **kw: Any) -> None:
        committed.append((tmp.name, path.name))
        real(tmp, path, **kw)

    monkeypatch.setattr(batch, "commit", recording)
    two = convert_paths([folder], to="graph", output=tmp_path / "two", jobs=2)
    assert one.exit_code() == two.exit_code() and len(two.files) == len(one.files) >= 4
    assert _tree(tmp_path / "two") == _tree(tmp_path / "one")
    assert [f.outputs for f in two.files] == [[o.replace("one", "two") for o in f.outputs] for f in one.files]
    # every output went through a worker's temporary file, renamed in input order
    assert [path for _tmp, path in committed] == [Path(f.outputs[0]).name for f in two.files]
    assert all(tmp.startswith(f".{path}.") and tmp.endswith(".tmp") for tmp, path in committed)
    assert _temporary(tmp_path / "two") == []


_REAL_CONVERT = batch._convert_file
_FIRST_INPUT = f"0-{min(p.name for p in SAMPLES.glob('*.ics'))}"  # in the order _inputs gives


def _slow_first(task: Any) -> Any:
    """In a worker: the first input late, so the others are staged before it is delivered."""
    if task.item.name.endswith(_FIRST_INPUT):
        time.sleep(1.5)
    return _REAL_CONVERT(task)


def test_an_interrupted_batch_leaves_no_staged_file_and_resumes(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _inputs(tmp_path / "in")
    monkeypatch.setattr(batch, "_convert_file", _slow_first)
    staged: list[list[str]] = []

    def stop(result: Any) -> None:  # Ctrl-C once the first input is written
        staged.append(_temporary(tmp_path / "out"))
        raise KeyboardInterrupt

    out = tmp_path / "out"
    done = convert_paths([folder], to="graph", output=out, jobs=2, on_file=stop)
    assert done.interrupted is not None and len(done.files) == 1
    assert staged[0], "the other worker had staged outputs when the first was delivered"
    assert _temporary(out) == []  # removed once the pool was gone
    assert [p.name for p in out.glob("*.json")] == [Path(done.files[0].outputs[0]).name]
    # the journal holds the worker's size and hash: a resume takes that output as complete
    monkeypatch.setattr(batch, "_convert_file", _REAL_CONVERT)
    again = convert_paths([folder], to="graph", output=out, jobs=2, resume=True)
    assert again.resumed == 1 and again.exit_code() == 0
    assert _tree(out) == _tree_of_one_job(folder, tmp_path / "one")


def _tree_of_one_job(folder: Path, out: Path) -> dict[str, bytes]:
    convert_paths([folder], to="graph", output=out, jobs=1)
    return _tree(out)


def _dying_stage(path: Path, tmp: Path, data: bytes) -> None:
    """In a worker: half the output written, then the process dies (an OOM kill, say)."""
    if path.name.startswith("1-"):
        tmp.write_bytes(data[: len(data) // 2])
        os._exit(1)
    files.stage(path, tmp, data)


def test_a_worker_dying_mid_write_leaves_no_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _inputs(tmp_path / "in")
    monkeypatch.setattr(batch, "stage", _dying_stage)
    done = convert_paths([folder], to="graph", output=tmp_path / "out", jobs=2)
    assert done.exit_code() != 0
    failed = [f for f in done.files if f.failed]
    assert failed and all(f.errors for f in failed)
    assert _temporary(tmp_path / "out") == []
    for f in done.files:  # what was written is complete: the bytes one job writes
        for output in f.outputs:
            assert Path(output).read_bytes() == _one_job_bytes(f.input, tmp_path)


def _one_job_bytes(name: str, tmp_path: Path) -> bytes:
    out = tmp_path / "single" / Path(name).name
    convert_paths([name], to="graph", output=out.with_suffix(".json"), force=True)
    return out.with_suffix(".json").read_bytes()


def test_a_write_failure_in_a_worker_reads_as_one_in_the_parent(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.ics").write_bytes((SAMPLES / "google-export.ics").read_bytes())
    (folder / "sub" / "b.ics").write_bytes((SAMPLES / "google-export.ics").read_bytes())
    results = {}
    for jobs in (1, 2):
        out = tmp_path / f"out{jobs}"
        out.mkdir()
        (out / "sub").write_bytes(b"a file where the folder for sub/b.json would go")
        done = convert_paths([folder], to="graph", output=out, jobs=jobs)
        results[jobs] = [(f.failed, [e.as_text().replace(f"out{jobs}", "out") for e in f.errors]) for f in done.files]
        assert (out / "a.json").is_file() and _temporary(out) == []
    assert results[1] == results[2]
    assert results[2][1][0] and "sub/b.json" in results[2][1][1][0] and "cannot write" in results[2][1][1][0]


def test_commit_keeps_the_rules_of_atomic_write(tmp_path: Path) -> None:
    source = tmp_path / "in.ics"
    source.write_bytes(b"input")
    existing = tmp_path / "old.json"
    existing.write_bytes(b"old")
    for path, force, protect, message in ((existing, False, (), "exists"), (source, True, [batch.InputFile(
            "in.ics", source, Path("in.ics"))], "is an input")):
        tmp = files.staging_name(path, "t1")
        files.stage(path, tmp, b"new")
        with pytest.raises(OutputError, match=message):
            files.commit(tmp, path, force=force, protect=protect)
        assert not tmp.exists()
    assert source.read_bytes() == b"input" and existing.read_bytes() == b"old"
    tmp = files.staging_name(existing, "t2")
    files.stage(existing, tmp, b"new")
    files.commit(tmp, existing, force=True)
    assert existing.read_bytes() == b"new" and not tmp.exists()
    assert oct(existing.stat().st_mode & 0o777) == oct(0o666 & ~files._umask())
    with pytest.raises(OutputError, match="cannot write"):  # a name taken: nothing overwritten
        files.stage(existing, tmp.with_name(source.name), b"x")
    assert source.read_bytes() == b"input"


def test_two_inputs_planned_to_one_name_are_staged_apart(tmp_path: Path) -> None:
    """``x.ics`` and ``x.ical`` both plan ``x.json``: each worker stages under its own name and
    the parent claims ``x.json`` and the next free name in input order, as one job does."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "x.ics").write_bytes((SAMPLES / "google-export.ics").read_bytes())
    (folder / "x.ical").write_bytes((SAMPLES / "outlook-export.ics").read_bytes())
    one = convert_paths([folder], to="graph", output=tmp_path / "one", jobs=1)
    two = convert_paths([folder], to="graph", output=tmp_path / "two", jobs=2)
    assert [f.notes for f in two.files] == [f.notes for f in one.files] and any(f.notes for f in two.files)
    assert _tree(tmp_path / "two") == _tree(tmp_path / "one") and len(_tree(tmp_path / "two")) == 2
    assert _temporary(tmp_path / "two") == []
