"""``--stream-from SIZE`` (``Options.stream_bytes``): the size from which an input converted to
its own output file streams series by series.  Issue 12 asked that every file stream, for memory
flat in any file's length; streaming costs more CPU per event than reading a small file whole,
so the default is 16 MiB (below it a file read whole stays under ~200 MiB; 64 MiB until speed
round 9) and a user who needs the least memory asks for ``--stream-from 0``.
The bytes are the whole-file path's either way (``tests/test_stream.py`` holds that on every
corpus file); here: the choice reaches the conversion, from the CLI and from the library, and
the sizes are read as ``--max-bytes`` reads them."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from ics_bridge import batch
from ics_bridge.batch import convert_paths
from ics_bridge.cli import cli as cli_main
from ics_bridge.options import Options

SAMPLES = Path(__file__).parent.parent / "samples"
STREAMED = "converted series by series (large input)"


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli_main, list(args), standalone_mode=False)
    assert result.exception is None, result.output
    return result.return_value, result.output


@pytest.mark.parametrize("source, to", [("ics/outlook-export.ics", "graph"), ("ics/google-export.ics", "google"),
                                        ("graph/events-list.json", "ics"), ("google/events-list.json", "ics")])
def test_stream_from_zero_streams_a_small_file_to_the_same_bytes(source: str, to: str, tmp_path: Path) -> None:
    src = SAMPLES / source
    code, output = _cli("convert", str(src), "--to", to, "-o", str(tmp_path / "whole.out"))
    assert code == 0 and STREAMED not in output
    code, output = _cli("convert", str(src), "--to", to, "-o", str(tmp_path / "streamed.out"), "--stream-from", "0")
    assert code == 0 and f"note: {src}: {STREAMED}" in output
    whole, streamed = ((tmp_path / name).read_bytes() for name in ("whole.out", "streamed.out"))
    if to == "ics":  # DTSTAMP is "now" where the JSON has no timestamp
        whole, streamed = (b"\n".join(x for x in data.splitlines() if not x.startswith(b"DTSTAMP")) for data in
                           (whole, streamed))
    assert streamed == whole


def test_stream_from_takes_a_size_and_places_the_line(tmp_path: Path) -> None:
    """``--stream-from`` reads sizes as ``--max-bytes`` does (suffixes k, M, G); a file exactly
    at the size streams, one byte under it is read whole."""
    src = SAMPLES / "ics/outlook-export.ics"
    size = src.stat().st_size
    for given, streams in ((str(size), True), (str(size + 1), False), ("1k", size >= 1024), ("64M", False)):
        code, output = _cli("convert", str(src), "--to", "graph", "-o", str(tmp_path / f"{given}.json"),
                            "--stream-from", given)
        assert code == 0 and (STREAMED in output) is streams, given


def test_stream_from_refuses_a_negative_size() -> None:
    result = CliRunner().invoke(cli_main, ["convert", str(SAMPLES / "ics/outlook-export.ics"), "--to", "graph",
                                           "--stream-from", "-1"])
    assert result.exit_code == 2 and "must be at least 0 bytes" in result.output


def test_library_stream_bytes_streams_and_lifts_the_in_memory_cap(tmp_path: Path) -> None:
    """``Options(stream_bytes=0)``: every input written to its own file streams, so the in-memory
    cap (``max_bytes``) no longer refuses a file larger than it; None keeps ``batch.STREAM_BYTES``."""
    src = SAMPLES / "ics/outlook-export.ics"
    small = Options(max_bytes=src.stat().st_size // 2)
    refused = convert_paths([src], to="graph", output=tmp_path / "refused.json", options=small)
    assert refused.files[0].failed and "read into memory whole" in refused.files[0].errors[0].message
    streamed = convert_paths([src], to="graph", output=tmp_path / "streamed.json",
                             options=Options(max_bytes=small.max_bytes, stream_bytes=0))
    assert streamed.exit_code() == 0 and streamed.files[0].notes == [STREAMED]
    assert Options().stream_bytes is None and batch.STREAM_BYTES == 16 * 1024 * 1024


def test_a_streamed_file_of_one_batch_converts_without_a_pool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``--jobs 2 --stream-from 0`` over many small files started a pool of workers per file (200
    files of 50 events: 56 s against 18 s in one process); a file whose series make one batch
    now converts in process, one of several batches still goes to the pool."""
    from ics_bridge import pipeline
    pools: list[int] = []
    original = pipeline._pool_map

    def spy(*args: object, **kwargs: object) -> object:
        pools.append(1)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "_pool_map", spy)
    src = SAMPLES / "ics/outlook-export.ics"
    one = convert_paths([src], to="graph", output=tmp_path / "one.json", options=Options(stream_bytes=0), jobs=2)
    assert one.files[0].notes == [STREAMED] and pools == []
    monkeypatch.setattr(pipeline, "BATCH_GROUPS", 1)
    two = convert_paths([src], to="graph", output=tmp_path / "two.json", options=Options(stream_bytes=0), jobs=2)
    assert two.files[0].notes == [STREAMED] and pools == [1]
    assert (tmp_path / "one.json").read_bytes() == (tmp_path / "two.json").read_bytes()
    pools.clear()  # JSON → .ics: the same rule over the list's groups (four singles here)
    listing = SAMPLES / "google/events-list.json"
    monkeypatch.setattr(pipeline, "BATCH_GROUPS", 256)
    assert convert_paths([listing], to="ics", output=tmp_path / "one.ics", options=Options(stream_bytes=0),
                         jobs=2).files[0].notes == [STREAMED] and pools == []
    monkeypatch.setattr(pipeline, "BATCH_GROUPS", 1)
    assert convert_paths([listing], to="ics", output=tmp_path / "two.ics", options=Options(stream_bytes=0),
                         jobs=2).files[0].notes == [STREAMED] and pools == [1]


def test_default_streams_a_file_of_16_mib(tmp_path: Path) -> None:
    """The default threshold (speed round 9: 16 MiB, was 64): a file just over it, written to its
    own output, streams with no option given, to the bytes and report of reading it whole (the
    small sample files above are read whole by default).  Why 16 MiB: read whole, a file takes ~7-10× its size in
    memory, so below it every conversion stays under ~200 MiB."""
    block = (b"BEGIN:VEVENT\r\nUID:big-{n}@example.com\r\nDTSTAMP:20240101T000000Z\r\n"
             b"DTSTART;TZID=Europe/Berlin:20240301T090000\r\nDTEND;TZID=Europe/Berlin:20240301T100000\r\n"
             b"SUMMARY:meeting {n}\r\nDESCRIPTION:" + b"x" * 60 + b"\r\n" + b" " + b"y" * 74 + b"\r\n"
             b"SEQUENCE:2\r\nEND:VEVENT\r\n")

    def calendar(path: Path, size: int) -> Path:
        with open(path, "wb") as fh:
            fh.write(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//ics-bridge tests//threshold//EN\r\n")
            n = 0
            while fh.tell() < size:
                fh.write(block.replace(b"{n}", str(n).encode()))
                n += 1
            fh.write(b"END:VCALENDAR\r\n")
        return path

    big = calendar(tmp_path / "big.ics", 16 * 1024 * 1024)
    assert 16 * 1024 * 1024 <= big.stat().st_size < 17 * 1024 * 1024
    streamed = convert_paths([big], to="graph", output=tmp_path / "big.json")
    whole = convert_paths([big], to="graph", output=tmp_path / "whole.json", options=Options(stream_bytes=1 << 30))
    assert streamed.files[0].notes == [STREAMED] and whole.files[0].notes == []
    assert (tmp_path / "big.json").read_bytes() == (tmp_path / "whole.json").read_bytes()
    assert [e.as_text() for e in streamed.files[0].entries] == [e.as_text() for e in whole.files[0].entries]
    assert streamed.files[0].entries  # SEQUENCE has no Graph property: every event leaves an entry
