"""A streamed .ics file reads its VTIMEZONEs one by one through ``io.ics.checked_timezone``, as
the whole-file reader does, instead of parsing and checking them all through icalendar for every
file: the verdict and entries of a VTIMEZONE text are remembered per process, so a batch of
small files streamed (``--stream-from``) pays for each zone once (200 files of 50 events: 78 →
40 ms a file).  ``tests/test_stream.py`` holds the streamed report and bytes to the whole-file
ones on every corpus file; here: the splitting, and that a second file reads no zone again."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ics_bridge import pipeline
from ics_bridge.io import ics as ics_io
from ics_bridge.io import stream

SAMPLES = Path(__file__).parent.parent / "samples"


def test_vtimezone_texts_gives_each_top_level_vtimezone_with_its_folds() -> None:
    first = ("BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\nX-LONG:ab\r\n cd\r\nBEGIN:STANDARD\r\n"
             "DTSTART:19701025T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n")
    second = "begin:vtimezone \nTZID:X\nend:VTIMEZONE\n"
    text = f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{first}BEGIN:VEVENT\r\nUID:1\r\nEND:VEVENT\r\n{second}END:VCALENDAR\r\n"
    assert list(stream._vtimezone_texts(text)) == [first, second]
    assert list(stream._vtimezone_texts("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")) == []


def test_a_second_streamed_file_reads_no_vtimezone_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = SAMPLES / "ics/outlook-export.ics"
    zones = src.read_bytes().count(b"BEGIN:VTIMEZONE")
    assert zones >= 1
    read: list[object] = []  # VTIMEZONEs judged (read by icalendar, round trip of _yearly_only)
    original = ics_io._check_timezone

    def counting(component: object, report: object) -> bool:
        read.append(component)
        return original(component, report)  # type: ignore[arg-type]

    monkeypatch.setattr(ics_io, "_CHECKED", {})
    monkeypatch.setattr(ics_io, "_check_timezone", counting)
    first = pipeline.convert_file(src, tmp_path / "one.json", to="graph", fallback=False)
    assert len(read) >= zones  # the file's zones (and the group reader's own text of them)
    seen = len(read)
    second = pipeline.convert_file(src, tmp_path / "two.json", to="graph", fallback=False)
    assert len(read) == seen  # remembered: the second file's VTIMEZONEs are not read again
    assert [e.as_text() for e in second.report] == [e.as_text() for e in first.report]
    assert (tmp_path / "one.json").read_bytes() == (tmp_path / "two.json").read_bytes()
    assert os.path.getsize(tmp_path / "one.json") > 0
