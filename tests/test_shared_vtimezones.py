"""A VTIMEZONE text read once is handed out shared, never copied (``io.ics.checked_timezone``):
its readers only read it.  This holds them to that: after every corpus and producer file is
converted in each direction, whole and streamed, each remembered VTIMEZONE still writes as the
text it was read as; and a second reading of a text gives the very same object."""

from __future__ import annotations

from pathlib import Path

import pytest

import ics_bridge
from ics_bridge import pipeline
from ics_bridge.io import ics as ics_io
from ics_bridge.io import stream
from ics_bridge.report import Report

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted((ROOT / "tests" / "corpus" / "ics").glob("*.ics")) + sorted((ROOT / "tests" / "producers").rglob("*.ics"))

ZONE = ("BEGIN:VTIMEZONE\r\nTZID:W. Europe Standard Time\r\nBEGIN:STANDARD\r\nDTSTART:16010101T030000\r\n"
        "TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\nEND:STANDARD\r\n"
        "BEGIN:DAYLIGHT\r\nDTSTART:16010101T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\n"
        "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n")


def test_a_text_read_again_gives_the_same_vtimezone() -> None:
    first, second = Report(file="a.ics"), Report(file="b.ics")
    vtz = ics_io.checked_timezone(ZONE, first)
    assert vtz is not None and vtz.name == "VTIMEZONE" and str(vtz["TZID"]) == "W. Europe Standard Time"
    assert ics_io.checked_timezone(ZONE, second) is vtz
    assert [e.as_dict() | {"file": None} for e in first] == [e.as_dict() | {"file": None} for e in second]


@pytest.mark.parametrize("to", ["graph", "google", "ics"])
def test_conversions_leave_every_remembered_vtimezone_as_read(to: str, tmp_path: Path) -> None:
    ics_io._CHECKED.clear()
    converted = 0
    for path in FILES:
        data = path.read_bytes()
        try:
            ics_bridge.convert(data, to=to, source="ics", file=str(path)).to_bytes()
            converted += 1
        except ics_bridge.InputError:
            continue
        if to != "ics":
            try:
                pipeline.convert_file(path, tmp_path / "out", to=to, fallback=False)
            except (stream.StreamUnsupported, ics_bridge.InputError):
                pass
    remembered = [(vtz, written) for vtz, _entries, written in ics_io._CHECKED.values() if vtz is not None]
    assert converted >= 0.8 * len(FILES) and len(remembered) >= 20
    for vtz, written in remembered:
        assert vtz.to_ical() == written, str(vtz.get("TZID"))
