"""``--tzid-style windows`` renames kept lines' TZIDs, keeps X-WR-TIMEZONE's IANA name, and keeps
apart two zones one Windows name cannot describe together — as docs/cli.md says, whole-file.

Inputs: America/Indiana/Marengo and America/New_York share ``Eastern Standard Time``
(``iana_to_windows``), but in 2001 Marengo kept EST all year (timezones.windows_name_clashes,
commit 837d565); an X- property with a TZID, kept through Graph's and Google's kept lines, names a
zone no event uses (commit 0f3e4aa: it gets its VTIMEZONE and the Windows name).
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any

import pytest

import ics_bridge
from ics_bridge import Options

WINDOWS = Options(tzid_style="windows")
DOC = Path(__file__).resolve().parent.parent / "docs" / "cli.md"
X_LINE = "X-FOO;TZID=Asia/Tokyo:20010702T100000"
_KEPT = "ics-bridge.ical"


def graph_events() -> dict[str, Any]:
    """A Graph collection: one event in each clashing zone in 2001, one with a zoned X- line."""
    def event(i: int, zone: str, kept: str | None = None) -> dict[str, Any]:
        item: dict[str, Any] = {"id": f"id{i}", "iCalUId": f"u{i}@x", "subject": f"s{i}",
                                "start": {"dateTime": "2001-07-02T10:00:00.0000000", "timeZone": zone},
                                "end": {"dateTime": "2001-07-02T11:00:00.0000000", "timeZone": zone}}
        if kept:
            item["singleValueExtendedProperties"] = [
                {"id": f"String {{9b8e5a3c-1f2d-4c6b-8a7e-3d2f1e0c9b8a}} Name {_KEPT}", "value": kept}]
        return item
    return {"value": [event(1, "America/Indiana/Marengo"), event(2, "America/New_York"),
                      event(3, "Europe/Berlin", X_LINE)]}


def google_events() -> dict[str, Any]:
    """The same three events as a Google list whose calendar zone is Marengo (X-WR-TIMEZONE)."""
    def event(i: int, zone: str, kept: str | None = None) -> dict[str, Any]:
        item: dict[str, Any] = {"kind": "calendar#event", "id": f"id{i}x", "iCalUID": f"u{i}@x",
                                "summary": f"s{i}", "status": "confirmed",
                                "start": {"dateTime": "2001-07-02T10:00:00", "timeZone": zone},
                                "end": {"dateTime": "2001-07-02T11:00:00", "timeZone": zone}}
        if kept:
            item["extendedProperties"] = {"private": {_KEPT: kept}}
        return item
    return {"kind": "calendar#events", "timeZone": "America/Indiana/Marengo",
            "items": [event(1, "America/Indiana/Marengo"), event(2, "America/New_York"),
                      event(3, "Europe/Berlin", X_LINE)]}


def graph_windows_named() -> dict[str, Any]:
    """Graph's own spelling: New York as ``Eastern Standard Time`` beside Marengo."""
    data = graph_events()
    data["value"][1]["start"]["timeZone"] = data["value"][1]["end"]["timeZone"] = "Eastern Standard Time"
    return data


INPUTS = {"graph": graph_events, "google": google_events}
SOURCES = {**INPUTS, "graph-windows-names": graph_windows_named}


def _lines(ics: bytes) -> list[str]:
    return ics.decode().replace("\r\n ", "").split("\r\n")


@pytest.mark.parametrize("source", sorted(INPUTS))
def test_whole_file_does_what_the_docs_say(source: str) -> None:
    lines = _lines(ics_bridge.convert(INPUTS[source](), to="ics", source=source).to_bytes(WINDOWS))
    tzids = [line[5:] for line in lines if line.startswith("TZID:")]
    assert "X-FOO;TZID=Tokyo Standard Time:20010702T100000" in lines  # renamed, with its VTIMEZONE
    assert "Tokyo Standard Time" in tzids
    assert "DTSTART;TZID=America/Indiana/Marengo:20010702T100000" in lines  # the clash: IANA name kept
    assert "DTSTART;TZID=Eastern Standard Time:20010702T100000" in lines
    assert sorted(tzids) == sorted({"America/Indiana/Marengo", "Eastern Standard Time", "Tokyo Standard Time",
                                    "W. Europe Standard Time"})
    if source == "google":
        assert "X-WR-TIMEZONE:America/Indiana/Marengo" in lines


def test_cli_docs_say_it() -> None:
    row = next(line for line in DOC.read_text(encoding="utf-8").splitlines() if line.startswith("| `--tzid-style"))
    text = re.sub(r"[`|]", "", row)
    for said in ("TZIDs of X- properties and other kept lines are renamed too (each gets its VTIMEZONE)",
                 "X-WR-TIMEZONE keeps its IANA name (Google, Apple and the x-wr-timezone library look it up in tzdata)",
                 "a zone that shares its Windows name with another zone the file uses but differs from it in the "
                 "years used keeps its IANA name"):
        assert said in text



# -- the streamed JSON → .ics path (inputs over 16 MiB: io/stream._IcsSpool, render_event)

_DTSTAMP = re.compile(rb"DTSTAMP:\d{8}T\d{6}Z")


def _streamed(source: str, data: dict[str, Any], tmp_path: Path, style: str, jobs: int) -> tuple[bytes, list[Any]]:
    from ics_bridge import pipeline
    src = tmp_path / "in.json"
    src.write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "out.ics"
    result = pipeline.convert_file(src, out, to="ics", source=source, fallback=False,
                                   options=Options(tzid_style=style), jobs=jobs)
    assert result.streamed
    return _DTSTAMP.sub(b"DTSTAMP:X", out.read_bytes()), result.report.entries


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("style", ["windows", "iana"])
@pytest.mark.parametrize("name", sorted(SOURCES))
def test_streamed_output_is_the_whole_file_output(name: str, style: str, jobs: int, tmp_path: Path) -> None:
    """Same bytes and report as ``convert``: the clash (found only when every event is written:
    written again with Marengo under its IANA name) and the X- line's TZID (its VTIMEZONE, its
    Windows name).  Before: one ``Eastern Standard Time`` for both zones, no Tokyo VTIMEZONE and
    ``X-FOO;TZID=Asia/Tokyo`` in the windows file."""
    data, source = SOURCES[name](), name.split("-")[0]
    whole = ics_bridge.convert(data, to="ics", source=source)
    streamed, entries = _streamed(source, data, tmp_path, style, jobs)
    assert streamed == _DTSTAMP.sub(b"DTSTAMP:X", whole.to_bytes(Options(tzid_style=style)))
    assert [dataclasses.replace(e, file=None) for e in entries] == whole.report.entries


@pytest.mark.parametrize("source", sorted(INPUTS))
def test_streamed_zones_that_agree_share_the_windows_name(source: str, tmp_path: Path) -> None:
    """Marengo in 2010 has New York's rules: no clash, one VTIMEZONE, as whole-file."""
    data = json.loads(json.dumps(INPUTS[source]()).replace("2001-07-02", "2010-07-02"))
    whole = ics_bridge.convert(data, to="ics", source=source).to_bytes(WINDOWS)
    streamed, _ = _streamed(source, data, tmp_path, "windows", 1)
    assert streamed == _DTSTAMP.sub(b"DTSTAMP:X", whole)
    assert b"TZID=America/Indiana/Marengo" not in streamed
