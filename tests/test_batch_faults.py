"""Faults during a batch, caused for real (issue 15): a full disk (a small tmpfs), an output
folder turned read-only mid-batch (a tmpfs remounted read-only), SIGINT and SIGTERM sent to
``python -m ics_bridge`` mid-batch (also with ``--jobs 2`` and on one large streamed file), and
``--resume`` after the interruption.

What must hold each time: every output written is complete (byte-equal to an undisturbed
run's), none is partial or empty, no temporary file is left, the inputs are untouched, the
summary and ``--report`` say what was done and what was not, and the exit code says why.

Mounting a tmpfs needs root (CAP_SYS_ADMIN), which CI has (``.ci/run`` runs as root); where the
mount is refused those tests skip and say so.  Root ignores permission bits, so a read-only
folder is made by remounting, not by ``chmod``.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Iterator

import pytest

from ics_bridge import batch
from ics_bridge.batch import convert_paths

ROOT = Path(__file__).resolve().parent.parent
TZ = "Europe/Berlin"


# ------------------------------------------------------------------------------------------------
# Inputs: realistic calendars (a weekly series with an exception, a zoned meeting with
# attendees, an all-day event), large enough that a few fill a small disk
# ------------------------------------------------------------------------------------------------

def _calendar(n: int, events: int = 12, text: int = 1500) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//ics-bridge tests//faults//EN"]
    for k in range(events):
        uid = f"f{n}-e{k}@example.com"
        lines += ["BEGIN:VEVENT", f"UID:{uid}", "DTSTAMP:20250101T000000Z",
                  f"DTSTART;TZID={TZ}:202503{10 + k % 15:02d}T{9 + k % 8:02d}0000",
                  f"DTEND;TZID={TZ}:202503{10 + k % 15:02d}T{10 + k % 8:02d}0000",
                  f"SUMMARY:Planning {n}.{k}",
                  "DESCRIPTION:" + ("Agenda item, notes and decisions. " * (text // 34))[:text],
                  "ORGANIZER;CN=Alice:mailto:alice@example.com",
                  "ATTENDEE;CN=Bob;PARTSTAT=ACCEPTED:mailto:bob@example.com",
                  "ATTENDEE;CN=Carol;PARTSTAT=TENTATIVE:mailto:carol@example.com"]
        if k == 0:
            lines.append("RRULE:FREQ=WEEKLY;COUNT=10")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


def _inputs(folder: Path, count: int, **kw: Any) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        (folder / f"cal{n:03d}.ics").write_bytes(_calendar(n, **kw))
    return folder


def _hashes(folder: Path) -> dict[str, str]:
    """The visible files (the hidden resume journal aside)."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.name.startswith(".")}


def _leftovers(folder: Path) -> list[str]:
    """Temporary or empty files: what a half-done write would leave."""
    if not folder.exists():
        return []
    return [p.name for p in folder.rglob("*") if p.is_file() and (p.name.endswith(".tmp") or p.stat().st_size == 0)]


def _cli(*args: str, **kw: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ics_bridge", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=600, **kw)


@pytest.fixture
def reference(tmp_path: Path) -> Iterator[Any]:
    """An undisturbed run of the same inputs: outputs and report to compare with."""
    def make(indir: Path, *extra: str) -> tuple[dict[str, bytes], dict[str, Any]]:
        out = tmp_path / f"ref-{indir.name}"
        report = tmp_path / f"ref-{indir.name}.json"
        done = _cli("convert", str(indir), "--to", "graph", "-o", str(out), "--report", str(report), *extra)
        assert done.returncode == 0, done.stderr
        files = {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
        return files, json.loads(report.read_text().replace(str(out), "OUT"))
    yield make


# ------------------------------------------------------------------------------------------------
# A small file system, for real
# ------------------------------------------------------------------------------------------------

@pytest.fixture
def small_fs(tmp_path: Path) -> Iterator[Any]:
    mounted: list[Path] = []

    def mount(size: str) -> Path:
        point = tmp_path / f"mnt{len(mounted)}"
        point.mkdir()
        if os.geteuid() != 0:
            pytest.skip("mounting a small tmpfs (a disk that fills, a folder turned read-only) needs root; "
                        "CI runs as root")
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(point)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip() or done.returncode}): "
                        "this environment has no CAP_SYS_ADMIN")
        mounted.append(point)
        return point

    yield mount
    for point in mounted:
        subprocess.run(["umount", "-l", str(point)], capture_output=True)


def test_full_disk_mid_batch(tmp_path: Path, small_fs: Any, reference: Any) -> None:
    """ENOSPC after a few outputs: each later input is an error naming its output, nothing
    partial or empty is left, the outputs written are complete, inputs untouched, the report
    (written elsewhere) and the summary say what happened; exit 1."""
    indir = _inputs(tmp_path / "in", 12)
    before = _hashes(indir)
    ref_files, _ref_report = reference(indir)
    assert sum(map(len, ref_files.values())) > 3 * 128 * 1024  # the disk cannot hold them all
    disk = small_fs("128k")
    out, report = disk / "out", tmp_path / "report.json"
    done = _cli("convert", str(indir), "--to", "graph", "-o", str(out), "--report", str(report))
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    written = _hashes(out)
    assert 0 < len(written) < len(ref_files)
    for name in written:
        assert (out / name).read_bytes() == ref_files[name], f"{name} is not complete"
    assert _leftovers(out) == []
    assert _hashes(indir) == before
    failed = [f for f in json.loads(report.read_text())["errors"]]
    assert len(failed) == len(ref_files) - len(written)
    for error in failed:
        assert "No space left on device" in error["message"] and str(out) in error["message"]
    assert f"{len(written)} written" in done.stderr.splitlines()[-1]
    assert "error:" in done.stderr and "No space left on device" in done.stderr


def test_output_folder_turned_read_only_mid_batch(tmp_path: Path, small_fs: Any) -> None:
    """The output folder turns read-only after the second output (a read-only bind mount over
    it): the rest are errors naming their output (``Read-only file system``), no partial file,
    the first two complete; the report still goes where it can."""
    indir = _inputs(tmp_path / "in", 6, events=3)
    out = tmp_path / "out"
    out.mkdir()
    small_fs("64k")  # only to skip, with its reason, where mounting is not allowed
    seen: list[str] = []

    def on_file(result: batch.FileResult) -> None:
        seen.append(result.input)
        if len(seen) == 2:
            subprocess.run(["mount", "--bind", str(out), str(out)], check=True)
            subprocess.run(["mount", "-o", "remount,bind,ro", str(out)], check=True)

    try:
        result = convert_paths([indir], to="graph", output=out, on_file=on_file)
        assert (out / "probe").exists() is False
        with pytest.raises(OSError):
            (out / "probe").write_bytes(b"x")  # it really was read-only
    finally:
        subprocess.run(["umount", str(out)], capture_output=True)
    assert [f.ok for f in result.files] == [True, True, False, False, False, False]
    for failed in result.files[2:]:
        assert len(failed.errors) == 1 and "Read-only file system" in failed.errors[0].message
        assert str(out / Path(failed.input).with_suffix(".json").name) in failed.errors[0].message
    assert result.exit_code() == 1
    assert "6 files (4 with errors)" in result.summary()
    # the journal could not be removed from a read-only folder; it is hidden and never an input
    assert sorted(p.name for p in out.iterdir()) == [".ics-bridge-journal.jsonl", "cal000.json", "cal001.json"]
    expected = convert_paths([indir], to="graph", output=tmp_path / "ref")
    for name in ("cal000.json", "cal001.json"):
        assert (out / name).read_bytes() == (tmp_path / "ref" / name).read_bytes()
    assert _leftovers(out) == [] and expected.exit_code() == 0
    batch.write_report(tmp_path / "report.json", result)
    assert len(json.loads((tmp_path / "report.json").read_text())["errors"]) == 4


# ------------------------------------------------------------------------------------------------
# Signals
# ------------------------------------------------------------------------------------------------

def _interrupt(args: list[str], out: Path, sig: int, group: bool, appears: str = "*.json",
               timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run the CLI, send ``sig`` once ``appears`` exists in ``out`` (to the process group, as
    Ctrl-C does, when ``group``), return the finished process."""
    proc = subprocess.Popen([sys.executable, "-m", "ics_bridge", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT, start_new_session=True)
    deadline = time.monotonic() + timeout
    try:
        while not (out.exists() and any(out.glob(appears))):
            assert proc.poll() is None, f"finished before it could be interrupted: {proc.communicate()}"
            assert time.monotonic() < deadline, "no output appeared"
            time.sleep(0.02)
        if group:
            os.killpg(proc.pid, sig)
        else:
            proc.send_signal(sig)
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    time.sleep(0.2)
    try:  # every worker process ended with the parent
        os.killpg(proc.pid, 0)
        alive = True
    except ProcessLookupError:
        alive = False
    assert not alive, "worker processes outlived the interrupted batch"
    return subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)


@pytest.mark.parametrize("sig, jobs, group", [(signal.SIGINT, 1, True), (signal.SIGTERM, 1, False),
                                              (signal.SIGINT, 2, True), (signal.SIGTERM, 2, False)],
                         ids=["sigint", "sigterm", "sigint-jobs2", "sigterm-jobs2"])
def test_interrupted_batch_then_resume(tmp_path: Path, reference: Any, sig: int, jobs: int, group: bool) -> None:
    indir = _inputs(tmp_path / "in", 40)
    before = _hashes(indir)
    ref_files, ref_report = reference(indir)
    out, report = tmp_path / "out", tmp_path / "report.json"
    args = ["convert", str(indir), "--to", "graph", "-o", str(out), "--report", str(report), "--jobs", str(jobs)]
    done = _interrupt(args, out, sig, group)
    assert done.returncode == 128 + sig, done.stderr
    assert "Traceback" not in done.stderr
    written = _hashes(out)
    assert 0 < len(written) < len(ref_files), "the batch was not interrupted mid-way"
    for name in written:
        assert (out / name).read_bytes() == ref_files[name], f"{name} is not complete"
    assert _leftovers(out) == []
    assert (out / ".ics-bridge-journal.jsonl").is_file()
    summary = done.stderr.strip().splitlines()[-1]
    name = signal.Signals(sig).name
    assert f"interrupted by {name}" in summary and "not converted:" in summary and "--resume" in summary
    data = json.loads(report.read_text())
    assert data["interrupted"]["signal"] == name
    not_converted = data["interrupted"]["not_converted"]
    assert len(data["files"]) + len(not_converted) == len(ref_files)
    assert {Path(p).stem for p in not_converted} == {Path(n).stem for n in ref_files} - {Path(n).stem for n in written}

    # Outputs with a journal line are taken as they are; one renamed into place in the instant
    # before its line was written is converted again and found identical (_write_output).
    journaled = len((out / ".ics-bridge-journal.jsonl").read_text().splitlines()) - 1
    assert len(written) - jobs <= journaled <= len(written)  # at most one in flight per job
    again = _cli(*args, "--resume")
    assert again.returncode == 0, again.stderr
    if journaled:
        assert f"{journaled} complete from the interrupted run" in again.stderr
    else:
        assert "complete from the interrupted run" not in again.stderr
    assert {n: (out / n).read_bytes() for n in _hashes(out)} == ref_files
    assert json.loads(report.read_text().replace(str(out), "OUT")) == ref_report
    assert not (out / ".ics-bridge-journal.jsonl").exists()  # a finished batch removes its journal
    assert _hashes(indir) == before


def test_resume_without_journal_accepts_identical_outputs_only(tmp_path: Path, reference: Any) -> None:
    """An output renamed into place just before the interruption has no journal line: it is
    converted again and, holding those very bytes, accepted; an output that differs is not
    overwritten without --force."""
    indir = _inputs(tmp_path / "in", 3, events=2)
    ref_files, ref_report = reference(indir)
    out = tmp_path / "out"
    out.mkdir()
    (out / "cal000.json").write_bytes(ref_files["cal000.json"])
    (out / "cal001.json").write_bytes(b"{}\n")
    report = tmp_path / "r.json"
    done = _cli("convert", str(indir), "--to", "graph", "-o", str(out), "--report", str(report), "--resume")
    assert done.returncode == 1
    assert "cal001.json: exists (use --force to overwrite)" in done.stderr
    assert (out / "cal001.json").read_bytes() == b"{}\n"
    assert (out / "cal002.json").read_bytes() == ref_files["cal002.json"]


def test_resume_needs_outputs_of_its_own(tmp_path: Path) -> None:
    indir = _inputs(tmp_path / "in", 2, events=1)
    done = _cli("convert", str(indir), "--to", "graph", "--merge", "-o", str(tmp_path / "all.json"), "--resume")
    assert done.returncode == 2 and "--resume needs -o" in done.stderr


def _large_ics(path: Path, size: int) -> None:
    block = _calendar(0, events=1, text=4000).split(b"BEGIN:VEVENT", 1)[1].rsplit(b"END:VCALENDAR", 1)[0]
    with open(path, "wb") as fh:
        fh.write(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//ics-bridge tests//large//EN\r\n")
        n = 0
        while fh.tell() < size:
            fh.write(b"BEGIN:VEVENT" + block.replace(b"f0-e0@", f"big-{n}@".encode()))
            n += 1
        fh.write(b"END:VCALENDAR\r\n")


@pytest.mark.parametrize("jobs", [1, 2])
def test_interrupted_large_streamed_file_leaves_nothing(tmp_path: Path, jobs: int) -> None:
    """One input over the stream threshold (16 MiB, no --max-bytes cap): SIGTERM while its
    output is being written leaves no output and no temporary file; the summary names it as
    not converted; exit 143."""
    big = tmp_path / "in" / "big.ics"
    big.parent.mkdir()
    _large_ics(big, batch.STREAM_BYTES + 1024 * 1024)
    before = hashlib.sha256(big.read_bytes()).hexdigest()
    out = tmp_path / "out"
    out.mkdir()
    target = out / "big.json"
    done = _interrupt(["convert", str(big), "--to", "graph", "-o", str(target), "--jobs", str(jobs)], out,
                      signal.SIGTERM, False, appears=".big.json.*.tmp")
    assert done.returncode == 143, done.stderr
    assert "Traceback" not in done.stderr
    assert list(out.iterdir()) == []
    summary = done.stderr.strip().splitlines()[-1]
    assert "interrupted by SIGTERM: 0 of 1 input done, not converted: " + str(big) in summary
    assert hashlib.sha256(big.read_bytes()).hexdigest() == before


def test_split_interrupted_by_a_real_sigint_then_resumed(tmp_path: Path) -> None:
    """In the library: SIGINT (sent to this process after the first input) stops
    ``convert_paths`` with a result saying so; ``resume=True`` finishes it with the file names
    (counters for clashing UIDs included) and report of one uninterrupted run."""
    indir = _inputs(tmp_path / "in", 4, events=3)
    (indir / "twin.ics").write_bytes(_calendar(0, events=2))  # the same UIDs: ~2 names
    ref = convert_paths([indir], to="graph", output=tmp_path / "ref", split=True)
    assert ref.exit_code() == 0 and any("~2" in p for p in ref.written)
    out = tmp_path / "out"

    def stop_after_first(result: batch.FileResult) -> None:
        if result.input.endswith("cal000.ics"):
            os.kill(os.getpid(), signal.SIGINT)

    first = convert_paths([indir], to="graph", output=out, split=True, on_file=stop_after_first)
    assert first.interrupted == signal.SIGINT and first.exit_code() == 130
    assert [Path(p).name for p in first.pending] == ["cal001.ics", "cal002.ics", "cal003.ics", "twin.ics"]
    second = convert_paths([indir], to="graph", output=out, split=True, resume=True)
    assert second.exit_code() == 0 and second.resumed == 1
    assert _hashes(out) == _hashes(tmp_path / "ref")
    norm = lambda r: json.loads(json.dumps(r.report_dict()).replace(str(tmp_path / "ref"), "OUT").replace(str(out), "OUT"))  # noqa: E731
    assert norm(second) == norm(ref)
