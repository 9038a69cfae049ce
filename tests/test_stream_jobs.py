"""``--jobs N`` on one large file (issue 7): the streaming path converts the UID groups of an ICS
input in N worker processes and writes the very bytes, report entries and errors of one job
(and so of ``ics_bridge.convert``), in bounded memory; a worker that dies is an error line."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from bench_generator import generator
from click.testing import CliRunner

import ics_bridge
from ics_bridge import batch
from ics_bridge.cli import cli as cli_main
from ics_bridge.report import Report
from ics_bridge import pipeline
from ics_bridge.io import stream

ROOT = Path(__file__).resolve().parent.parent
CORPUS = sorted((ROOT / "tests" / "corpus" / "ics").glob("*.ics"))

BROKEN = (b"BEGIN:VEVENT\r\nUID:broken-1\r\nDTSTAMP:20240101T000000Z\r\nDTSTART:notadate\r\nSUMMARY:bad\r\n"
          b"END:VEVENT\r\n"
          b"BEGIN:VEVENT\r\nUID:broken-2\r\nDTSTAMP:20240101T000000Z\r\nDTSTART;TZID=Nowhere/Zone:20240301T100000\r\n"
          b"RRULE:FREQ=BOGUS\r\nSUMMARY:bad rule\r\nEND:VEVENT\r\n")


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """400 events of the benchmark's generator (zones, series, far overrides, non-ASCII), with
    two broken series in the middle: one event that cannot be read, one unreadable RRULE."""
    path = tmp_path_factory.mktemp("gen") / "generated.ics"
    generator().write_ics(path, 400, seed=11)
    data = path.read_bytes()
    middle = data.index(b"BEGIN:VEVENT", len(data) // 2)
    path.write_bytes(data[:middle] + BROKEN + data[middle:])
    return path


def _run(path: Path, to: str, jobs: int, out: Path) -> tuple[bytes | str, list[dict[str, Any]], list[str]]:
    try:
        result = pipeline.convert_file(path, out, to=to, fallback=False, jobs=jobs)  # type: ignore[arg-type]
    except stream.StreamUnsupported:
        return "unsupported", [], []
    except Exception as exc:  # noqa: BLE001 - both job counts must fail the same way
        return f"{type(exc).__name__}: {exc}", [], []
    assert result.streamed
    return out.read_bytes(), [e.as_dict() for e in result.report], [str(e) for e in result.errors]


@pytest.fixture
def pool_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the conversions that went through the worker pool (the parent's side of it)."""
    calls: list[int] = []
    original = pipeline._groups_in_pool

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(pipeline, "_groups_in_pool", spy)
    return calls


@pytest.mark.parametrize("to", ["graph", "google"])
def test_corpus_same_bytes_reports_and_errors_with_two_jobs(to: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             pool_calls: list[int]) -> None:
    # one group per batch: even small corpus files are split over several batches and both workers
    # (a file that makes one batch converts without a pool: pipeline._pool_pays)
    monkeypatch.setattr(pipeline, "BATCH_GROUPS", 1)
    converted = several = 0
    for path in CORPUS:
        one = _run(path, to, 1, tmp_path / "one")
        two = _run(path, to, 2, tmp_path / "two")
        assert two == one, path.name
        if isinstance(one[0], bytes):
            converted += 1
            several += stream.index_ics(path, Report()).series_count > 1
    assert converted >= 0.8 * len(CORPUS) and several >= 30
    assert len(pool_calls) >= several  # a file of one UID group (one batch) needs no pool


@pytest.mark.parametrize("to", ["graph", "google"])
@pytest.mark.parametrize("batch_groups", [1, 7, 256])
def test_generated_calendar_same_as_one_job_and_convert(generated: Path, to: str, batch_groups: int, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch, pool_calls: list[int]) -> None:
    monkeypatch.setattr(pipeline, "BATCH_GROUPS", batch_groups)
    one = _run(generated, to, 1, tmp_path / "one")
    two = _run(generated, to, 2, tmp_path / "two")
    three = _run(generated, to, 3, tmp_path / "three")
    assert pool_calls == [1, 1]
    assert isinstance(one[0], bytes)
    assert two == one and three == one
    whole = ics_bridge.convert(generated.read_bytes(), to=to, source="ics", file=str(generated))  # type: ignore[arg-type]
    assert two[0] == whole.to_bytes()
    assert len(json.loads(two[0])["value" if to == "graph" else "items"]) > 300
    # errors of one series stay in the error list and the report, as with one job
    assert [e for e in two[2] if "broken-1" in e and "DTSTART" in e]
    assert any(e["uid"] == "broken-2" and e["field"] == "RRULE" for e in two[1])
    assert sorted(json.dumps(e, sort_keys=True) for e in two[1]) == \
        sorted(json.dumps(e.as_dict(), sort_keys=True) for e in whole.report)


def test_at_most_two_batches_per_job_in_flight(generated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The parent reads ahead at most 2 × jobs batches: memory does not grow with the file."""
    monkeypatch.setattr(pipeline, "BATCH_GROUPS", 1)
    drawn: list[int] = []
    original = pipeline._batches

    def counting(idx: stream.IcsIndex) -> Any:
        for b in original(idx):
            drawn.append(1)
            yield b

    monkeypatch.setattr(pipeline, "_batches", counting)
    report = stream.spooled_report(str(generated))
    idx = stream.index_ics(generated, report)
    job = pipeline._IcsJob(stream._without_blocks(idx), "graph", ics_bridge.Options(), report.file, True)
    consumed = 0
    for _group in pipeline._groups_in_pool(idx, job, stream.KeyedEntries(), 2):
        consumed += 1
        assert len(drawn) <= consumed + 2 * 2
    assert consumed == idx.series_count > 300


def _cli(*args: str) -> tuple[int, str]:
    """``ics-bridge ARGS`` in process (as the console script runs it: the command's return value
    is the exit code), its stdout and stderr together."""
    result = CliRunner().invoke(cli_main, list(args), standalone_mode=False)
    assert result.exception is None, result.output
    return result.return_value, result.output


def _die(batch_: Any) -> Any:
    os._exit(7)  # a worker killed mid-batch (OOM killer, kill -9)


def test_worker_crash_is_a_clear_error(generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "_convert_batch", _die)
    with pytest.raises(pipeline.StreamWorkerError, match="worker process died"):
        pipeline.convert_file(generated, tmp_path / "out.json", to="graph", jobs=2)
    assert list(tmp_path.iterdir()) == []  # the library call leaves no partial file either
    monkeypatch.setattr(batch, "STREAM_BYTES", 1)
    out = tmp_path / "cli.json"
    code, output = _cli("convert", str(generated), "--to", "graph", "-o", str(out), "--jobs", "2")
    assert code == 1
    assert "internal error: a worker process died" in output
    assert "Traceback" not in output
    assert not out.exists()  # the atomic write leaves nothing behind


@pytest.mark.parametrize("to", ["graph", "google"])
def test_cli_jobs_on_one_large_file(generated: Path, to: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    pool_calls: list[int]) -> None:
    monkeypatch.setattr(batch, "STREAM_BYTES", 1)  # the generated file counts as large
    monkeypatch.setattr(pipeline, "BATCH_GROUPS", 16)
    outputs = {}
    for jobs in (1, 2):
        out, report = tmp_path / "out.json", tmp_path / "report.json"  # the report names the output
        code, output = _cli("convert", str(generated), "--to", to, "-o", str(out), "--jobs", str(jobs),
                            "--report", str(report), "-v", "--force")
        assert code == 1, output  # broken-1 is an error line; the rest is converted
        assert f"note: {generated}: converted series by series (large input)" in output
        assert "Traceback" not in output
        outputs[jobs] = (out.read_bytes(), json.loads(report.read_text()), output)
    assert pool_calls == [1]  # --jobs 2 used the pool, --jobs 1 did not
    assert outputs[2] == outputs[1]
    assert outputs[2][0] == ics_bridge.convert(generated.read_bytes(), to=to).to_bytes()  # type: ignore[arg-type]
    assert outputs[2][1]["summary"]["errors"] == 1 and outputs[2][1]["entries"]


# ------------------------------------------------------------------------------------------------
# Graph / Google JSON → ICS
# ------------------------------------------------------------------------------------------------

_DTSTAMP = re.compile(rb"DTSTAMP:\d{8}T\d{6}Z")


def _json_run(path: Path, source: str, jobs: int, out: Path) -> tuple[bytes | str, list[dict[str, Any]], list[str]]:
    """As :func:`_run`, to ICS; DTSTAMP masked: the readers set it to "now" where the JSON has none."""
    try:
        result = pipeline.convert_file(path, out, to="ics", source=source, fallback=False, jobs=jobs)  # type: ignore[arg-type]
    except Exception as exc:  # noqa: BLE001 - both job counts must fail the same way
        return f"{type(exc).__name__}: {exc}", [], []
    assert result.streamed
    return _DTSTAMP.sub(b"DTSTAMP:X", out.read_bytes()), [e.as_dict() for e in result.report], \
        [str(e) for e in result.errors]


@pytest.mark.parametrize("source", ["graph", "google"])
def test_json_corpus_and_generated_same_with_two_jobs(source: str, generated: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "BATCH_GROUPS", 3)
    made = tmp_path / f"generated.{source}.json"
    pipeline.convert_file(generated, made, to=source)  # type: ignore[arg-type]
    files = sorted((ROOT / "tests" / "corpus" / source).glob("*.json")) + [made]
    converted = 0
    for path in files:
        one = _json_run(path, source, 1, tmp_path / "one.ics")
        two = _json_run(path, source, 2, tmp_path / "two.ics")
        assert two == one, path.name
        converted += isinstance(one[0], bytes)
    assert converted >= 5  # many corpus files are single resources, which are not streamed
    whole = ics_bridge.convert(made.read_bytes(), to="ics", source=source).to_bytes()  # type: ignore[arg-type]
    assert two[0] == _DTSTAMP.sub(b"DTSTAMP:X", whole) and two[0].count(b"BEGIN:VEVENT") > 300


def test_cli_jobs_on_one_large_json_file(generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    made = tmp_path / "graph.json"
    pipeline.convert_file(generated, made, to="graph")
    monkeypatch.setattr(batch, "STREAM_BYTES", 1)
    outputs = {}
    for jobs in (1, 2):
        out, report = tmp_path / "out.ics", tmp_path / "report.json"
        code, output = _cli("convert", str(made), "--to", "ics", "-o", str(out), "--jobs", str(jobs),
                            "--report", str(report), "-v", "--force")
        assert code == 0, output
        assert "converted series by series (large input)" in output
        outputs[jobs] = (_DTSTAMP.sub(b"DTSTAMP:X", out.read_bytes()), json.loads(report.read_text()), output)
    assert outputs[2] == outputs[1]


def test_library_convert_stream_takes_jobs(generated: Path, tmp_path: Path) -> None:
    """``ics_bridge.convert_stream(..., jobs=2)``: the public call passes ``jobs`` through."""
    one = ics_bridge.convert_stream(generated, tmp_path / "one.json", to="graph")
    two = ics_bridge.convert_stream(generated, tmp_path / "two.json", to="graph", jobs=2)
    assert one.streamed and two.streamed
    assert (tmp_path / "one.json").read_bytes() == (tmp_path / "two.json").read_bytes()
    assert [e.as_dict() for e in one.report] == [e.as_dict() for e in two.report]
    assert len(json.loads((tmp_path / "two.json").read_bytes())["value"]) == two.items


@pytest.mark.parametrize("jobs", [1, 2])
def test_streamed_files_keep_the_event_limit(generated: Path, tmp_path: Path, jobs: int) -> None:
    """``--max-events`` refuses a streamed file as it refuses a whole one, writing nothing."""
    from ics_bridge import Options
    from ics_bridge.errors import InputError
    from ics_bridge.limits import Limits
    small = Options(limits=Limits(max_events=50))
    with pytest.raises(InputError, match="more than 50 events"):
        pipeline.convert_file(generated, tmp_path / "out.json", to="graph", options=small, jobs=jobs)
    graph = tmp_path / "in.json"
    graph.write_bytes(ics_bridge.convert(generated.read_bytes(), to="graph").to_bytes())
    with pytest.raises(InputError, match="more than 50 events"):
        pipeline.convert_file(graph, tmp_path / "out.ics", to="ics", options=small, jobs=jobs)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.json"]


def _graph_list(tmp_path: Path, count: int) -> Path:
    items = [{"id": f"a{i}", "iCalUId": f"u{i}", "subject": "s", "start": {"dateTime": "2026-01-01T09:00:00",
              "timeZone": "UTC"}, "end": {"dateTime": "2026-01-01T10:00:00", "timeZone": "UTC"}} for i in range(count)]
    path = tmp_path / f"list{count}.json"
    path.write_text(json.dumps({"value": items}))
    return path


def test_streamed_json_event_limit_is_exact(tmp_path: Path) -> None:
    import io

    from ics_bridge import Options
    from ics_bridge.errors import InputError
    from ics_bridge.limits import Limits
    three = Options(limits=Limits(max_events=3))
    assert pipeline.convert_file(_graph_list(tmp_path, 3), io.BytesIO(), to="ics", options=three, fallback=False).items == 3
    with pytest.raises(InputError, match="more than 3 events"):
        pipeline.convert_file(_graph_list(tmp_path, 4), io.BytesIO(), to="ics", options=three, fallback=False)


def test_output_paths_are_written_whole_and_safely(tmp_path: Path) -> None:
    """A directory or a missing folder is a clear error; a link is written through; an existing
    file keeps its permissions; os.devnull stays a device."""
    from ics_bridge.errors import OutputError
    src = _graph_list(tmp_path, 2)
    with pytest.raises(OutputError, match="is a directory"):
        pipeline.convert_file(src, tmp_path, to="ics")
    with pytest.raises(OutputError, match="no such folder"):
        pipeline.convert_file(src, tmp_path / "missing" / "out.ics", to="ics")
    real, link = tmp_path / "real.ics", tmp_path / "link.ics"
    real.write_text("old")
    link.symlink_to(real)
    pipeline.convert_file(src, link, to="ics")
    assert link.is_symlink() and real.read_text().startswith("BEGIN:VCALENDAR")
    private = tmp_path / "private.ics"
    private.write_text("x")
    private.chmod(0o600)
    pipeline.convert_file(src, private, to="ics")
    assert private.stat().st_mode & 0o777 == 0o600 and private.read_text().startswith("BEGIN:VCALENDAR")
    pipeline.convert_file(src, os.devnull, to="ics")
    assert not Path(os.devnull).is_file()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]


def test_bare_arrays_have_the_depth_limit_of_convert(tmp_path: Path) -> None:
    """A bare top-level array is one level of envelope, not two: the same answer as convert()."""
    import io

    deep: Any = []
    for _ in range(61):
        deep = [deep]
    item = {"id": "a", "iCalUId": "u", "subject": "s", "x": deep,
            "start": {"dateTime": "2026-01-01T09:00:00", "timeZone": "UTC"},
            "end": {"dateTime": "2026-01-01T10:00:00", "timeZone": "UTC"}}
    path = tmp_path / "bare.json"
    path.write_text(json.dumps([item]))
    whole = ics_bridge.convert(path.read_bytes(), to="ics", source="graph").to_bytes()
    buffer = io.BytesIO()
    pipeline.convert_file(path, buffer, to="ics", source="graph", fallback=False)
    assert buffer.getvalue().split(b"DTSTAMP")[0] == whole.split(b"DTSTAMP")[0]


def test_dev_stdout_is_written_through_and_appended_to(tmp_path: Path) -> None:
    """``/dev/stdout`` under a shell's ``>>`` keeps what the file held; it is never replaced."""
    import subprocess
    import sys
    src = _graph_list(tmp_path, 2)
    target = tmp_path / "appended.ics"
    target.write_text("PREFIX\n")
    code = ("import sys; from ics_bridge.pipeline import convert_file; "
            f"convert_file({str(src)!r}, '/dev/stdout', to='ics')")
    with open(target, "ab") as out:
        subprocess.run([sys.executable, "-c", code], stdout=out, check=True, cwd=ROOT)
    text = target.read_text()
    assert text.startswith("PREFIX\nBEGIN:VCALENDAR") and text.count("BEGIN:VEVENT") == 2
    assert Path("/dev/stdout").is_symlink() or not Path("/dev/stdout").is_file()
