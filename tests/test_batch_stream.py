"""A single large input written to one file is converted series by series (bounded memory);
the bytes are the same as the whole-file path's (issue 7)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ics_bridge import batch
from ics_bridge.batch import convert_paths

SAMPLES = Path(__file__).parent.parent / "samples"


@pytest.mark.parametrize("source,to", [("ics/outlook-export.ics", "graph"), ("ics/google-export.ics", "google"),
                                       ("graph/events-list.json", "ics"), ("google/events-list.json", "ics")])
def test_large_single_input_is_streamed_to_the_same_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          source: str, to: str) -> None:
    src = SAMPLES / source
    normal = convert_paths([src], to=to, output=tmp_path / "normal.out")
    monkeypatch.setattr(batch, "STREAM_BYTES", 1)  # every file counts as large
    streamed = convert_paths([src], to=to, output=tmp_path / "streamed.out")
    assert streamed.files[0].notes == ["converted series by series (large input)"]
    assert normal.files[0].notes == []
    a, b = (tmp_path / "normal.out").read_bytes(), (tmp_path / "streamed.out").read_bytes()
    if to == "ics":  # DTSTAMP is "now" where the JSON has no timestamp
        a, b = (b"\n".join(l for l in x.splitlines() if not l.startswith(b"DTSTAMP")) for x in (a, b))
    assert a == b
    assert streamed.files[0].events == normal.files[0].events
    assert sorted((e.kind, e.field, e.uid) for e in streamed.files[0].entries) == \
        sorted((e.kind, e.field, e.uid) for e in normal.files[0].entries)


def test_streamed_output_is_never_written_over_an_existing_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch, "STREAM_BYTES", 1)
    out = tmp_path / "out.json"
    out.write_text("keep me")
    result = convert_paths([SAMPLES / "ics/outlook-export.ics"], to="graph", output=out)
    assert result.files[0].failed and "exists" in result.files[0].errors[0].as_text()
    assert out.read_text() == "keep me"


# ------------------------------------------------------------------------------------------------
# Limits stated once (issue 15): --max-bytes caps what is held in memory whole, never a stream
# ------------------------------------------------------------------------------------------------

def test_max_bytes_does_not_cap_a_streamed_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The 256 MB default refused exactly the exports streaming exists for: a large input
    written to its own file (-o FILE, and each input under -o DIR) now streams whatever
    --max-bytes says; where the input is held whole (--merge, stdin) the cap holds."""
    from ics_bridge.options import Options
    src = SAMPLES / "ics/outlook-export.ics"
    size = src.stat().st_size
    monkeypatch.setattr(batch, "STREAM_BYTES", size)
    small = Options(max_bytes=size // 2)
    one = convert_paths([src], to="graph", output=tmp_path / "one.json", options=small)
    assert one.exit_code() == 0 and one.files[0].notes == ["converted series by series (large input)"]
    many = convert_paths([src, SAMPLES / "ics/google-export.ics"], to="graph", output=tmp_path / "dir", options=small)
    assert many.files[0].ok and many.files[0].notes == ["converted series by series (large input)"]
    assert (tmp_path / "dir" / "outlook-export.json").read_bytes() == (tmp_path / "one.json").read_bytes()
    merged = convert_paths([src], to="graph", output=tmp_path / "all.json", merge=True, options=small)
    assert merged.files[0].failed
    assert f"input is {size} bytes, over the limit of {size // 2} for an input read into memory whole" in \
        merged.files[0].errors[0].message
    piped = convert_paths(["-"], to="graph", output=tmp_path / "piped.json", stdin=src.read_bytes(), options=small)
    assert piped.files[0].failed and "read into memory whole" in piped.files[0].errors[0].message


def test_stream_fallback_keeps_the_in_memory_cap(tmp_path: Path) -> None:
    """A file that does not stream after all (JSON Lines) is read whole: --max-bytes holds."""
    import json

    from ics_bridge.errors import InputError
    from ics_bridge.pipeline import convert_file
    from ics_bridge.options import Options
    items = json.loads((SAMPLES / "graph/events-list.json").read_text())["value"]
    lines = tmp_path / "events.jsonl"
    lines.write_text("\n".join(json.dumps(i) for i in items) + "\n")
    with pytest.raises(InputError, match="read into memory whole"):
        convert_file(lines, tmp_path / "out.ics", to="ics", options=Options(max_bytes=100))
    assert convert_file(lines, tmp_path / "out.ics", to="ics").streamed is False
