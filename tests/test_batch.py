"""ics_bridge.batch as a library: discovery, planning, safe names, atomic writes, error isolation."""

from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path

import pytest

from ics_bridge import batch
from ics_bridge.batch import BatchUsageError, atomic_write, convert_paths, discover, plan, safe_name
from ics_bridge.errors import OutputError

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
OUTLOOK = SAMPLES / "ics" / "outlook-export.ics"


@pytest.mark.parametrize("uid", ["../../etc/passwd", "a/b", "a\\b", "CON", "con", "nul.txt", "LPT1", "..", ".",
                                 "", " ", ".bashrc", "x" * 1000, "ä/ö", "\x00evil", "C:\\Windows\\system32",
                                 "foo\nbar", "id@example.com"])
def test_safe_name_never_leaves_the_directory(tmp_path: Path, uid: str) -> None:
    name = safe_name(uid)
    assert name and len(name) <= batch.MAX_NAME + 13
    assert "/" not in name and "\\" not in name and "\x00" not in name and ":" not in name
    assert not name.startswith(".") and name not in (".", "..")
    assert name.split(".")[0].upper() not in ("CON", "NUL", "LPT1", "PRN", "AUX")
    assert (tmp_path / (name + ".ics")).resolve().parent == tmp_path.resolve()


def test_safe_name_keeps_plain_uids_and_separates_changed_ones() -> None:
    assert safe_name("id@example.com") == "id@example.com"
    assert safe_name("a/b") != safe_name("a_b")  # changed names carry a hash of the UID
    assert safe_name("x" * 200) != safe_name("x" * 201)


def test_names_are_unique_case_insensitively() -> None:
    names = batch._Names()
    got = [names.claim(stem, ".ics") for stem in ("A", "a", "a", "b")]
    assert got == ["A.ics", "a~2.ics", "a~3.ics", "b.ics"]


def test_discover_recurses_sorted_and_dedupes(tmp_path: Path) -> None:
    (tmp_path / "d" / "sub").mkdir(parents=True)
    for rel in ("d/b.json", "d/a.ics", "d/sub/c.ndjson", "d/skip.txt", "d/.tmp.ics"):
        (tmp_path / rel).write_text("x")
    found = discover([tmp_path / "d", tmp_path / "d" / "a.ics", "-"], stdin=b"data")
    assert [f.rel.as_posix() for f in found] == ["a.ics", "b.json", "sub/c.ndjson", "stdin"]
    assert found[-1].data == b"data" and found[-1].name == "<stdin>"
    with pytest.raises(BatchUsageError):
        discover(["-", "-"])


def test_plan_modes(tmp_path: Path) -> None:
    one = discover([OUTLOOK])
    two = discover([SAMPLES / "ics"])
    assert plan(one, to="graph", output=None).mode == "stdout"
    assert plan(two, to="graph", output=None, merge=True).mode == "merge-stdout"
    assert plan(one, to="graph", output=tmp_path / "x.json").mode == "file"
    assert plan(two, to="graph", output=tmp_path / "new").mode == "dir"
    assert plan(one, to="graph", output=tmp_path).mode == "dir"
    assert plan(two, to="graph", output=tmp_path / "s", split=True).mode == "split"
    for kwargs in ({"output": None}, {"output": "-"}, {"output": None, "split": True},
                   {"output": tmp_path, "merge": True}, {"output": tmp_path / "x", "merge": True, "split": True}):
        with pytest.raises(BatchUsageError):
            plan(two, to="graph", **kwargs)
    with pytest.raises(BatchUsageError):
        plan([], to="graph", output=None)
    with pytest.raises(BatchUsageError, match="refusing"):
        plan(one, to="ics", output=OUTLOOK)


def test_atomic_write_no_clobber_and_force(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "out.json"
    atomic_write(target, b"one")
    assert target.read_bytes() == b"one"
    with pytest.raises(OutputError, match="exists"):
        atomic_write(target, b"two")
    atomic_write(target, b"two", force=True)
    assert target.read_bytes() == b"two"
    assert sorted(p.name for p in target.parent.iterdir()) == ["out.json"]  # no temporary left
    src = tmp_path / "in.ics"
    src.write_bytes(b"input")
    with pytest.raises(OutputError, match="is an input"):
        atomic_write(src, b"x", force=True, protect=discover([src]))
    symlink = tmp_path / "alias.ics"
    symlink.symlink_to(src)
    with pytest.raises(OutputError, match="is an input"):
        atomic_write(symlink, b"x", force=True, protect=discover([src]))
    assert src.read_bytes() == b"input"


def test_unexpected_exception_is_an_internal_error_for_that_file(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from ics_bridge import pipeline

    real = pipeline.read_hub

    def flaky(data, source, options, *, file=None, target=None, parsed=None):  # type: ignore[no-untyped-def]
        if file and file.endswith("boom.ics"):
            raise RuntimeError("kaboom\nsecond line")
        return real(data, source, options, file=file, target=target, parsed=parsed)

    monkeypatch.setattr(pipeline, "read_hub", flaky)
    shutil.copy(OUTLOOK, tmp_path / "boom.ics")
    shutil.copy(OUTLOOK, tmp_path / "fine.ics")
    result = convert_paths([tmp_path / "boom.ics", tmp_path / "fine.ics"], to="graph", output=tmp_path / "out")
    assert result.exit_code() == 1
    [error] = result.all_errors
    assert error.internal and error.as_text() == f"{tmp_path / 'boom.ics'}: internal error: RuntimeError: kaboom second line"
    assert (tmp_path / "out" / "fine.json").exists()
    assert "1 with errors" in result.summary()


def test_convert_paths_to_a_stream_and_report(tmp_path: Path) -> None:
    stream = io.BytesIO()
    result = convert_paths([SAMPLES / "graph"], to="ics", merge=True, stdout=stream)
    assert result.exit_code() == 0 and result.events == 3
    assert stream.getvalue().count(b"BEGIN:VEVENT") == 3
    batch.write_report(tmp_path / "r.json", result)
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["summary"]["files"] == 2 and data["summary"]["events"] == 3


def test_strict_exit_code(tmp_path: Path) -> None:
    result = batch.BatchResult()
    result.files.append(batch.FileResult("x"))
    assert result.exit_code(strict=True) == 0
    from ics_bridge.report import Loss, LossKind
    result.files[0].entries.append(Loss(LossKind.ALARM_DROPPED, "VALARM", "one reminder"))
    assert result.exit_code() == 0 and result.exit_code(strict=True) == 3
    result.files[0].errors.append(batch.FileError("x", "bad"))
    assert result.exit_code(strict=True) == 1


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_written_files_follow_the_umask(tmp_path: Path) -> None:
    target = tmp_path / "perm.json"
    atomic_write(target, b"{}")
    assert target.stat().st_mode & 0o777 == 0o666 & ~batch._umask()


# ------------------------------------------------------------------------------------------------
# One bad item never costs the others (issue 15), in every way a batch reads a file
# ------------------------------------------------------------------------------------------------

def _with_bad_items(folder: Path) -> tuple[Path, Path]:
    """The Graph and Google samples with a null, a string and an event whose field has the
    wrong type inserted between their events."""
    folder.mkdir(parents=True, exist_ok=True)
    graph = json.loads((SAMPLES / "graph" / "events-list.json").read_text())
    good = len(graph["value"])
    graph["value"][1:1] = [None, "bob@example.com", {**graph["value"][0], "id": "bad", "iCalUId": "bad-uid",
                                                     "isAllDay": "yes"}]
    google = json.loads((SAMPLES / "google" / "events-list.json").read_text())
    google["items"][1:1] = [7, {**google["items"][0], "id": "gbad", "iCalUID": "gbad-uid",
                                "attendees": "bob@example.com"}]
    (folder / "graph.json").write_text(json.dumps(graph))
    (folder / "google.json").write_text(json.dumps(google))
    assert good >= 2
    return folder / "graph.json", folder / "google.json"


def _item_errors(result: batch.BatchResult) -> list[str]:
    return sorted(e.as_text().replace(str(e.file), Path(str(e.file)).name) for e in result.all_errors)


EXPECTED_ITEM_ERRORS = sorted([
    "graph.json: value[1]: expected an event object, found null",
    'graph.json: value[2]: expected an event object, found the string "bob@example.com"',
    'graph.json: value[3]: event bad-uid: field isAllDay: expected true or false, found the string "yes"',
    "google.json: items[1]: expected an event object, found the number 7",
    'google.json: items[2]: event gbad-uid: field attendees: expected an array, found the string "bob@example.com"',
])


@pytest.mark.parametrize("jobs", [1, 2])
def test_bad_items_in_a_batch_cost_only_themselves(tmp_path: Path, jobs: int) -> None:
    graph, google = _with_bad_items(tmp_path / "in")
    whole_graph = json.loads((SAMPLES / "graph" / "events-list.json").read_text())
    result = convert_paths([graph, google], to="ics", output=tmp_path / "out", jobs=jobs)
    assert _item_errors(result) == EXPECTED_ITEM_ERRORS
    assert result.exit_code() == 1 and not any(f.failed for f in result.files)
    written = (tmp_path / "out" / "graph.ics").read_bytes()
    assert written.count(b"BEGIN:VEVENT") >= len(whole_graph["value"])
    report = result.report_dict()
    assert {e["item"] for e in report["errors"]} == {"value[1]", "value[2]", "value[3]", "items[1]", "items[2]"}


def test_bad_items_from_stdin_and_streamed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    graph, _google = _with_bad_items(tmp_path / "in")
    piped = convert_paths(["-"], to="ics", output=tmp_path / "piped.ics", stdin=graph.read_bytes())
    assert [e.as_text() for e in piped.all_errors][0] == "<stdin>: value[1]: expected an event object, found null"
    assert piped.exit_code() == 1 and (tmp_path / "piped.ics").exists()
    monkeypatch.setattr(batch, "STREAM_BYTES", 1)
    streamed = convert_paths([graph], to="ics", output=tmp_path / "streamed.ics", jobs=2)
    assert streamed.files[0].notes == ["converted series by series (large input)"]
    assert _item_errors(streamed) == [e for e in EXPECTED_ITEM_ERRORS if e.startswith("graph.json")]
    assert streamed.exit_code() == 1


def test_bad_items_on_the_command_line(tmp_path: Path) -> None:
    import subprocess
    import sys
    graph, _google = _with_bad_items(tmp_path / "in")
    done = subprocess.run([sys.executable, "-m", "ics_bridge", "convert", str(graph), "--to", "google"],
                          capture_output=True, cwd=ROOT)
    assert done.returncode == 1
    err = done.stderr.decode()
    assert f"error: {graph}: value[1]: expected an event object, found null" in err
    assert f'error: {graph}: value[3]: event bad-uid: field isAllDay: expected true or false, found the string "yes"' in err
    assert json.loads(done.stdout)["items"]


def test_a_fifo_or_device_output_is_written_where_it_is_never_replaced(tmp_path: Path) -> None:
    """``-o /dev/null --force`` (or a named pipe) must not rename a regular file over the device:
    as root that replaced the machine's /dev/null with a file.  The output is written into it."""
    import stat
    import subprocess
    import sys
    import threading

    fifo = tmp_path / "pipe.ics"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    proc = subprocess.run([sys.executable, "-m", "ics_bridge", "convert", str(SAMPLES / "graph" / "single-event.json"),
                           "--to", "ics", "-o", str(fifo), "--force", "-q"], capture_output=True, timeout=120)
    reader.join(timeout=30)
    assert proc.returncode == 0, proc.stderr
    assert stat.S_ISFIFO(fifo.stat().st_mode), "the FIFO was replaced by a regular file"
    assert received and received[0].startswith(b"BEGIN:VCALENDAR")
    assert [p.name for p in tmp_path.iterdir()] == ["pipe.ics"]  # no temporary file left beside it
