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
