"""``convert --dask`` / ``ics_bridge.convert_many`` on a real ``LocalCluster`` (2 worker processes,
one per module): the outputs and the report are those of ``--jobs 1`` byte for byte on samples/
and the corpus, in every mode; a worker killed during the batch loses nothing; ``file://`` URLs
for inputs and outputs; the faults of issue 16 (retried tasks, never two contents)."""

from __future__ import annotations

import io
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

import pytest
from distributed import Client, LocalCluster

import ics_bridge
from ics_bridge import batch, distributed, storage
from ics_bridge.batch import BatchResult, BatchUsageError, convert_paths
from ics_bridge.errors import OutputError
from ics_bridge.options import Options

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
CORPUS = ROOT / "tests" / "corpus"
CORPUS_DIRS = [CORPUS / "ics", CORPUS / "graph", CORPUS / "google"]
EPOCH = "1735689600"  # DTSTAMP "now" where a source has none, the same in both runs


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      worker_dashboard_address=None, silence_logs=logging.ERROR) as cluster, Client(cluster) as c:
        yield c


@pytest.fixture(autouse=True)
def _epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def files(folder: Path) -> dict[str, bytes]:
    """Every visible file under ``folder`` by relative path (temporary files are hidden)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)}


def report(result: BatchResult, *folders: str) -> str:
    """The ``--report`` JSON with the output folders of the two runs made alike."""
    text = json.dumps(result.report_dict(), indent=2, ensure_ascii=False)
    for folder in folders:
        text = text.replace(folder, "OUT")
    return text


def both(client: Client, tmp_path: Path, inputs: list[Any], **kw: Any) -> tuple[BatchResult, BatchResult, Path, Path]:
    one, dask = tmp_path / "jobs1", tmp_path / "dask"
    out_one = kw.pop("output", None)
    ref = convert_paths(inputs, output=one / out_one if out_one else one, jobs=1, **kw)
    got = ics_bridge.convert_many(inputs, output=dask / out_one if out_one else dask, client=client, **kw)
    return ref, got, one, dask


# ------------------------------------------------------------------------------------------ same bytes

@pytest.mark.parametrize("to", ["ics", "graph", "google"])
@pytest.mark.parametrize("where", ["samples", "corpus"])
def test_outputs_and_report_are_those_of_jobs_1(client: Client, tmp_path: Path, to: str, where: str) -> None:
    inputs = [SAMPLES] if where == "samples" else CORPUS_DIRS
    ref, got, one, dask = both(client, tmp_path, inputs, to=to)
    assert len(got.files) == len(ref.files) > 4
    assert files(dask) == files(one) and files(one)
    assert report(got, str(dask)) == report(ref, str(one))
    assert got.exit_code(strict=True) == ref.exit_code(strict=True)
    assert got.summary() == ref.summary()


@pytest.mark.parametrize("to", ["ics", "graph", "google"])
def test_merge_is_gathered_in_input_order(client: Client, tmp_path: Path, to: str) -> None:
    ref, got, one, dask = both(client, tmp_path, [SAMPLES / "ics", SAMPLES / "graph", SAMPLES / "google"], to=to,
                               merge=True, output="all.out")
    assert (dask / "all.out").read_bytes() == (one / "all.out").read_bytes()
    assert report(got, str(dask)) == report(ref, str(one))


def test_stdin_and_stdout(client: Client) -> None:
    """One input to stdout, and --merge to stdout, from stdin too."""
    data = (SAMPLES / "ics" / "outlook-export.ics").read_bytes()
    for inputs, merge in ((["-"], False), ([SAMPLES, "-"], True)):
        ref_out, got_out = io.BytesIO(), io.BytesIO()
        ref = convert_paths(inputs, to="graph", merge=merge, stdin=data, stdout=ref_out)
        got = ics_bridge.convert_many(inputs, to="graph", merge=merge, stdin=data, stdout=got_out, client=client)
        assert got_out.getvalue() == ref_out.getvalue() and ref_out.getvalue()
        assert report(got) == report(ref)


def test_split_names_and_bytes(client: Client, tmp_path: Path) -> None:
    ref, got, one, dask = both(client, tmp_path, [SAMPLES, CORPUS / "google"], to="graph", split=True)
    assert files(dask) == files(one) and len(files(one)) > 20
    assert report(got, str(dask)) == report(ref, str(one))


def test_clashing_names_and_profiles(client: Client, tmp_path: Path) -> None:
    """Two inputs named alike: the second is renamed in input order (the bytes come back to the
    client); a provider profile holds."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    shutil.copy(SAMPLES / "ics" / "outlook-export.ics", tmp_path / "a" / "cal.ics")
    shutil.copy(SAMPLES / "ics" / "google-export.ics", tmp_path / "b" / "cal.ics")
    inputs = [tmp_path / "a" / "cal.ics", tmp_path / "b" / "cal.ics"]
    ref, got, one, dask = both(client, tmp_path, inputs, to="google", options=Options(profile="import"))
    assert sorted(files(dask)) == ["cal.json", "cal~2.json"]
    assert files(dask) == files(one)
    assert got.files[1].notes == ref.files[1].notes != []


def test_fail_fast_and_errors_are_those_of_jobs_1(client: Client, tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SAMPLES / "ics" / "outlook-export.ics", src / "a.ics")
    (src / "b.ics").write_bytes(b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:garbage\r\n")
    (src / "c.json").write_bytes(b"{not json")
    shutil.copy(SAMPLES / "graph" / "events-list.json", src / "d.json")
    for fail_fast in (False, True):
        ref, got, one, dask = both(client, tmp_path / str(fail_fast), [src], to="ics", fail_fast=fail_fast)
        assert report(got, str(dask)) == report(ref, str(one))
        assert files(dask) == files(one)
        assert got.exit_code() == ref.exit_code() == 1
        assert got.stopped == ref.stopped == fail_fast


def test_existing_outputs_need_force(client: Client, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "outlook-export.json").write_text("keep me")
    got = ics_bridge.convert_many([SAMPLES / "ics"], to="graph", output=out, client=client)
    assert got.exit_code() == 1
    assert "exists (use --force to overwrite)" in got.files[1].errors[0].as_text()
    assert (out / "outlook-export.json").read_text() == "keep me"
    again = ics_bridge.convert_many([SAMPLES / "ics"], to="graph", output=out, client=client, force=True)
    assert again.exit_code() == 0 and (out / "outlook-export.json").read_text() != "keep me"


def test_an_input_is_never_an_output(client: Client, tmp_path: Path) -> None:
    src = tmp_path / "cal.json"
    shutil.copy(SAMPLES / "graph" / "events-list.json", src)
    got = ics_bridge.convert_many([src], to="google", output=tmp_path, client=client, force=True)
    assert got.exit_code() == 1 and "is an input" in got.files[0].errors[0].as_text()
    assert src.read_bytes() == (SAMPLES / "graph" / "events-list.json").read_bytes()


# ------------------------------------------------------------------------------------------ the CLI

def cli(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SOURCE_DATE_EPOCH": EPOCH}
    return subprocess.run([sys.executable, "-m", "ics_bridge", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, timeout=300)


def test_cli_dask_local_2_is_jobs_1(tmp_path: Path) -> None:
    one = cli("convert", SAMPLES, "--to", "ics", "-o", "one", "--report", "one.json", cwd=tmp_path)
    two = cli("convert", SAMPLES, "--to", "ics", "-o", "two", "--report", "two.json", "--dask", "local:2",
              cwd=tmp_path)
    assert one.returncode == two.returncode == 0, two.stderr
    assert files(tmp_path / "one") == files(tmp_path / "two")
    # the output folders' names only (a checkout path may hold "one/" too, e.g. /tmp/ci_clone/)
    assert (tmp_path / "one.json").read_text().replace('"one/', '"X/') == \
        (tmp_path / "two.json").read_text().replace('"two/', '"X/')
    assert one.stderr.splitlines()[-1] == two.stderr.splitlines()[-1]  # the summary
    assert b"Traceback" not in two.stderr


def test_cli_on_a_running_cluster_strict_and_urls(client: Client, tmp_path: Path) -> None:
    address = client.scheduler.address
    lossy = tmp_path / "lossy"  # converted without errors, with losses
    lossy.mkdir()
    for name in ("beta__calendar-post-events__ex1.response.json", "beta__group-get-event__ex1.response.json",
                 "beta__event-delta__event_delta_calendarview.response.json"):
        shutil.copy(CORPUS / "graph" / name, lossy / name)
    ref = cli("convert", lossy, "--to", "google", "-o", "one", "--strict", cwd=tmp_path)
    got = cli("convert", lossy, "--to", "google", "-o", (tmp_path / "two").as_uri(), "--strict", "--dask", address,
              "--report", (tmp_path / "r.json").as_uri(), cwd=tmp_path)
    assert ref.returncode == got.returncode == 3, got.stderr
    assert files(tmp_path / "one") == files(tmp_path / "two")
    assert json.loads((tmp_path / "r.json").read_text())["summary"]["files"] == len(list(lossy.glob("*.json")))
    assert cli("convert", lossy, "--to", "ics", "--dask", address, "--jobs", "2", "-o", "x",
               cwd=tmp_path).returncode == 2
    no_dask = cli("convert", (tmp_path / "two").as_uri(), "--to", "ics", "-o", "x", cwd=tmp_path)
    assert no_dask.returncode == 2 and b"need --dask" in no_dask.stderr


def test_without_the_extra_dask_says_what_to_install(tmp_path: Path) -> None:
    code = ("import sys; sys.modules['distributed'] = None\n"
            "from ics_bridge.cli import main\n"
            f"sys.exit(main(['convert', {str(SAMPLES)!r}, '--to', 'ics', '-o', 'x', '--dask', 'local:2']))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 2
    assert b"pip install 'ics-bridge[dask]'" in proc.stderr and b"Traceback" not in proc.stderr
    assert not (tmp_path / "x").exists()


def test_a_cluster_that_cannot_be_reached_is_one_error_line(tmp_path: Path) -> None:
    proc = cli("convert", SAMPLES, "--to", "ics", "-o", "x", "--dask", "no-port-here", cwd=tmp_path)
    assert proc.returncode == 1 and b"Traceback" not in proc.stderr
    assert proc.stderr.decode().strip().startswith("error: cannot reach the Dask cluster no-port-here")
    assert not (tmp_path / "x").exists()


# ------------------------------------------------------------------------------------------ URLs

def test_file_urls_for_inputs_and_outputs(client: Client, tmp_path: Path) -> None:
    src = tmp_path / "in"
    shutil.copytree(SAMPLES, src)
    (src / "ics" / ".hidden.ics").write_text("skipped like a hidden local file")
    ref = convert_paths([src], to="graph", output=tmp_path / "one")
    got = ics_bridge.convert_many([src.as_uri()], to="graph", output=(tmp_path / "two").as_uri(), client=client)
    assert files(tmp_path / "two") == files(tmp_path / "one")
    assert [f.input for f in got.files] == [src.as_uri() + "/" + Path(f.input).relative_to(src).as_posix()
                                            for f in ref.files]
    assert got.written == [(tmp_path / "two").as_uri() + "/" + Path(w).relative_to(tmp_path / "one").as_posix()
                           for w in ref.written]
    assert [(e.kind, e.uid, e.field) for e in got.entries] == [(e.kind, e.uid, e.field) for e in ref.entries]
    # merge and split into URLs
    merged = ics_bridge.convert_many([src.as_uri()], to="ics", merge=True,
                                     output=(tmp_path / "all.ics").as_uri(), client=client)
    convert_paths([src], to="ics", merge=True, output=tmp_path / "all-ref.ics")
    assert merged.exit_code() == 0
    assert (tmp_path / "all.ics").read_bytes() == (tmp_path / "all-ref.ics").read_bytes()
    split = ics_bridge.convert_many([src.as_uri()], to="google", split=True,
                                    output=(tmp_path / "split").as_uri(), client=client)
    convert_paths([src], to="google", split=True, output=tmp_path / "split-ref")
    assert split.exit_code() == 0 and files(tmp_path / "split") == files(tmp_path / "split-ref")
    # --force rules hold for URLs
    again = ics_bridge.convert_many([src.as_uri()], to="graph", output=(tmp_path / "two").as_uri(), client=client)
    assert again.exit_code() == 0  # the same bytes: see test_a_task_run_twice_writes_once
    (tmp_path / "two" / "ics" / "outlook-export.json").write_text("keep me")
    refused = ics_bridge.convert_many([src.as_uri()], to="graph", output=(tmp_path / "two").as_uri(), client=client)
    assert refused.exit_code() == 1 and (tmp_path / "two" / "ics" / "outlook-export.json").read_text() == "keep me"
    forced = ics_bridge.convert_many([src.as_uri()], to="graph", output=(tmp_path / "two").as_uri(), client=client,
                                     force=True)
    assert forced.exit_code() == 0 and files(tmp_path / "two") == files(tmp_path / "one")


def test_missing_url_input_is_an_error_line(client: Client, tmp_path: Path) -> None:
    got = ics_bridge.convert_many([(tmp_path / "nope.ics").as_uri(), SAMPLES / "ics" / "outlook-export.ics"],
                                  to="graph", output=tmp_path / "out", client=client)
    assert got.files[0].failed and "cannot read" in got.files[0].errors[0].as_text()
    assert got.files[1].ok and (tmp_path / "out" / "outlook-export.json").exists()


def test_urls_never_leave_the_output_folder(tmp_path: Path) -> None:
    base = (tmp_path / "out").as_uri()
    assert storage.child(base, "sub/a.json") == base + "/sub/a.json"
    for name in ("../a.json", "/etc/passwd", "sub/../../a.json", ".."):
        with pytest.raises(OutputError, match="outside"):
            storage.child(base, name)
    with pytest.raises(OutputError, match="outside"):
        storage.child(str(tmp_path / "out"), "../a.json")


def test_url_output_that_is_an_input_is_refused(tmp_path: Path) -> None:
    src = tmp_path / "cal.ics"
    shutil.copy(SAMPLES / "ics" / "outlook-export.ics", src)
    found = storage.discover([src.as_uri()])
    with pytest.raises(BatchUsageError, match="is one of the inputs"):
        storage.plan(found, to="ics", output=src.as_uri())
    os.link(src, tmp_path / "hard-link.ics")  # the same file under another name
    with pytest.raises(BatchUsageError, match="is one of the inputs"):
        storage.plan(found, to="ics", output=(tmp_path / "hard-link.ics").as_uri())
    with pytest.raises(BatchUsageError, match="is a directory"):
        storage.plan(found, to="ics", output=tmp_path.as_uri(), merge=True)


# ------------------------------------------------------------------------------------------ large files

def test_large_single_file_is_streamed_with_series_batches_on_the_workers(
        client: Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from distributed import get_task_stream
    from ics_bridge import pipeline
    monkeypatch.setattr(batch, "STREAM_BYTES", 1)  # every file counts as large
    monkeypatch.setattr(pipeline, "BATCH_GROUPS", 1)  # a batch per series: several tasks
    for src, to in [(CORPUS / "ics" / "recurring-ical-events__Germany.ics", "graph"),
                    (CORPUS / "ics" / "ical-py__google_calendar_public_holidays.ics", "google"),
                    (CORPUS / "graph" / "v1.0__group-list-calendarview__ex1.response.json", "ics")]:  # two groups: a
        # file of one batch converts without the cluster's workers (pipeline._pool_pays)
        one = convert_paths([src], to=to, output=tmp_path / f"{src.name}.one", jobs=1)
        with get_task_stream(client) as ts:
            got = ics_bridge.convert_many([src], to=to, output=tmp_path / f"{src.name}.dask", client=client)
        assert got.files[0].notes == one.files[0].notes == ["converted series by series (large input)"]
        assert (tmp_path / f"{src.name}.dask").read_bytes() == (tmp_path / f"{src.name}.one").read_bytes()
        assert report(got, f"{src.name}.dask") == report(one, f"{src.name}.one")
        ran = [t["key"] for t in ts.data]
        assert sum("_stream_batch" in str(k) for k in ran) >= (2 if src.suffix == ".ics" else 1), ran


# ------------------------------------------------------------------------------------------ faults

def test_a_task_run_twice_writes_once(tmp_path: Path) -> None:
    """A retried task (its worker died after writing) finds its own output and does not fail;
    "now" is the batch's, so the bytes are the same; another content is refused."""
    src = tmp_path / "in" / "event.json"  # no lastModifiedDateTime: DTSTAMP is "now"
    src.parent.mkdir()
    src.write_text(json.dumps({"id": "AAMkAGI2TG93AAA=", "subject": "Sync", "iCalUId": "sync-1",
                               "start": {"dateTime": "2024-03-04T09:00:00.0000000", "timeZone": "UTC"},
                               "end": {"dateTime": "2024-03-04T09:30:00.0000000", "timeZone": "UTC"}}))
    item = batch.discover([src])[0]
    dest = tmp_path / "out.ics"
    work = distributed._Work(batch._Task(item, "ics", "auto", Options(), "bytes", False), str(dest), False,
                             datetime(2031, 5, 6, 7, 8, 9, tzinfo=timezone.utc))
    first = distributed._run(work)
    data = dest.read_bytes()
    assert first.ok and b"DTSTAMP:20310506T070809Z" in data
    second = distributed._run(work)
    assert second.ok and dest.read_bytes() == data
    dest.write_bytes(data.replace(b"20310506T070809Z", b"20310506T070810Z"))
    third = distributed._run(work)
    assert third.failed and "exists" in third.errors[0].as_text()
    forced = distributed._run(replace(work, force=True))
    assert forced.ok and dest.read_bytes() == data
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "out.ics"]  # no temporary file left


def test_a_worker_killed_during_the_batch_loses_nothing(client: Client, tmp_path: Path) -> None:
    src = tmp_path / "in"
    for n in range(40):
        shutil.copytree(SAMPLES, src / f"copy{n:02d}")
    ref = convert_paths([src], to="graph", output=tmp_path / "one")
    killed: list[int] = []
    in_flight: list[int] = []
    finished: list[int] = []

    def kill_one() -> None:  # at the first finished task: kill a worker that has tasks running
        finished.append(1)
        if killed:
            return
        busy = {addr: keys for addr, keys in client.processing().items() if keys}
        pids = client.run(os.getpid)
        addr = next(iter(busy)) if busy else next(iter(pids))
        in_flight.append(len(busy.get(addr, ())))
        killed.append(pids[addr])
        os.kill(pids[addr], signal.SIGKILL)

    got = ics_bridge.convert_many([src], to="graph", output=tmp_path / "two", client=client,
                                  on_progress=kill_one)
    assert killed and in_flight[0] > 0
    assert files(tmp_path / "two") == files(tmp_path / "one") and len(files(tmp_path / "one")) == 200
    assert report(got, str(tmp_path / "two")) == report(ref, str(tmp_path / "one"))
    assert [f.input for f in got.files] == [f.input for f in ref.files]  # each input once, in order
    assert len(finished) == 200  # the progress: one per input, retried or not
    client.wait_for_workers(2, timeout=60)  # the nanny restarts the worker
    assert killed[0] not in client.run(os.getpid).values()



# ------------------------------------------------------------------------------------------ interruption and --resume

def _copies(tmp_path: Path, n: int) -> Path:
    src = tmp_path / "in"
    for k in range(n):
        shutil.copytree(SAMPLES, src / f"copy{k:02d}")
    return src


@pytest.mark.parametrize("split", [False, True], ids=["dir", "split"])
def test_interrupted_then_resumed_is_one_uninterrupted_run(client: Client, tmp_path: Path, split: bool) -> None:
    """SIGINT (sent to this process as the third input is handed on) stops ``convert_many``:
    exit 130, the inputs not converted named, every output complete, the journal kept; then
    ``resume=True`` converts only the rest (outputs written by the workers, and by the client
    for --split) and the outputs and report are those of one uninterrupted run."""
    src = _copies(tmp_path, 6)  # 30 inputs
    ref = convert_paths([src], to="graph", output=tmp_path / "ref", split=split)
    out = tmp_path / "out"
    seen: list[str] = []

    def stop_at_third(result: batch.FileResult) -> None:
        seen.append(result.input)
        if len(seen) == 3:
            os.kill(os.getpid(), signal.SIGINT)

    first = ics_bridge.convert_many([src], to="graph", output=out, split=split, client=client, on_file=stop_at_third)
    assert first.interrupted == signal.SIGINT and first.exit_code() == 130
    assert [f.input for f in first.files] == seen[:3]
    assert first.pending == [f.input for f in ref.files][3:]
    assert "interrupted by SIGINT: 3 of 30 inputs done" in first.summary() and "--resume" in first.summary()
    journal = out / ".ics-bridge-journal.jsonl"
    assert len(journal.read_text().splitlines()) == 1 + 3
    done = files(out)
    assert done and all(data == files(tmp_path / "ref")[name] for name, data in done.items())  # none partial
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]

    counted: list[str] = []
    second = ics_bridge.convert_many([src], to="graph", output=out, split=split, client=client, resume=True,
                                     on_file=lambda r: counted.append(r.input))
    assert second.exit_code() == 0 and second.resumed == 3
    assert counted == [f.input for f in ref.files]  # each input once, in input order
    assert files(out) == files(tmp_path / "ref")
    assert report(second, str(out)) == report(ref, str(tmp_path / "ref"))
    assert not journal.exists()  # a finished batch removes its journal


def test_resume_takes_a_local_runs_journal_and_converts_only_the_rest(client: Client, tmp_path: Path) -> None:
    """The journal of a plain ``--jobs 1`` run interrupted by a real SIGINT is the same journal:
    ``--dask`` with ``resume`` sends only the inputs it does not hold to the cluster."""
    src = _copies(tmp_path, 2)  # 10 inputs
    ref = convert_paths([src], to="ics", output=tmp_path / "ref")
    out = tmp_path / "out"

    def stop_at_fourth(result: batch.FileResult) -> None:
        if result.input == ref.files[3].input:
            os.kill(os.getpid(), signal.SIGINT)

    first = convert_paths([src], to="ics", output=out, on_file=stop_at_fourth)
    assert first.interrupted == signal.SIGINT and len(first.files) == 4
    os.remove(first.files[3].outputs[0])  # as if stopped before the fourth output was renamed into place
    lines = (out / ".ics-bridge-journal.jsonl").read_text().splitlines()
    (out / ".ics-bridge-journal.jsonl").write_text("\n".join(lines[:-1]) + "\n" + lines[-1][:20])  # a torn line
    sent: list[int] = []
    second = ics_bridge.convert_many([src], to="ics", output=out, client=client, resume=True,
                                     on_progress=lambda: sent.append(1))
    assert second.exit_code() == 0 and second.resumed == 3
    assert len(sent) == 10  # the progress covers every input, resumed or converted
    assert files(out) == files(tmp_path / "ref")
    assert report(second, str(out)) == report(ref, str(tmp_path / "ref"))


def test_resume_with_url_outputs_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BatchUsageError, match="--resume with --dask needs plain paths.*object stores cannot"):
        ics_bridge.convert_many([SAMPLES], to="ics", output=(tmp_path / "out").as_uri(), client="local:1",
                                resume=True)
    assert not (tmp_path / "out").exists()
    got = cli("convert", (SAMPLES / "ics").as_uri(), "--to", "graph", "-o", "out", "--dask", "local:1", "--resume",
              cwd=tmp_path)
    assert got.returncode == 2 and b"--resume with --dask needs plain paths" in got.stderr


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["sigint-group", "sigterm"])
def test_cli_interrupted_on_local_2_then_resumed(tmp_path: Path, sig: int) -> None:
    """A real signal to ``convert --dask local:2`` (SIGINT to the whole process group, as
    Ctrl-C sends it; SIGTERM to the command): exit 130/143, a summary naming what was not
    converted, every output there complete, no temporary file, no worker left running, no
    traceback; ``--resume`` then gives the outputs and report of one uninterrupted run."""
    src = _copies(tmp_path, 30)  # 150 inputs
    ref = convert_paths([src], to="graph", output=tmp_path / "ref")
    out = tmp_path / "out"
    args = ["convert", src, "--to", "graph", "-o", out, "--report", tmp_path / "r.json", "--dask", "local:2"]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SOURCE_DATE_EPOCH": EPOCH}
    proc = subprocess.Popen([sys.executable, "-m", "ics_bridge", *map(str, args)], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        while not (out.exists() and any(out.rglob("*.json"))):
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.02)
        os.killpg(proc.pid, sig) if sig == signal.SIGINT else proc.send_signal(sig)
        _stdout, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 128 + sig, stderr
    name = signal.Signals(sig).name
    summary = stderr.decode().strip().splitlines()[-1]
    assert f"interrupted by {name}" in summary and "not converted:" in summary and "--resume" in summary
    assert b"Traceback" not in stderr, stderr.decode(errors="replace")
    assert json.loads((tmp_path / "r.json").read_text())["interrupted"]["signal"] == name
    reference = files(tmp_path / "ref")
    assert all(data == reference[rel] for rel, data in files(out).items())  # what is there is complete
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]
    time.sleep(0.5)
    running = subprocess.run(["ps", "-o", "stat=", "-s", str(proc.pid)], capture_output=True, text=True).stdout
    assert [s for s in running.split() if not s.startswith("Z")] == [], "worker processes outlived the batch"

    again = cli(*args, "--resume", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert files(out) == reference
    assert json.loads((tmp_path / "r.json").read_text().replace(str(out), "OUT")) == \
        json.loads(report(ref, str(tmp_path / "ref")))
