"""A date list mixing values in its TZID with UTC (``…Z``) values (RFC 5545 3.3.5 forbids a TZID
on a UTC time).  icalendar read every value in the TZID, so ``20250103T090000Z`` (10:00 in
Berlin, the 3 January occurrence) became 09:00 Berlin time and cancelled nothing: a silent
shift.  Each value is now read as written (the ``Z`` ones in UTC, as ical.js and libical read
them), the line is written back as one line per zone, and the repair is reported."""

from __future__ import annotations

import json

import pytest

import ics_bridge
from ics_bridge.report import LossKind

ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:mixed-1\r\n"
    "DTSTAMP:20250101T000000Z\r\nDTSTART;TZID=Europe/Berlin:20250101T100000\r\n"
    "DTEND;TZID=Europe/Berlin:20250101T110000\r\nRRULE:FREQ=DAILY;COUNT=5\r\n"
    "{line}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)
MIXED = "EXDATE;TZID=Europe/Berlin:20250102T100000,20250103T090000Z"


def _repairs(conversion: ics_bridge.Conversion) -> list[tuple[str, str | None, str | None]]:
    return [(e.field, e.before, e.after) for e in conversion.report if e.kind is LossKind.QUIRK_REPAIRED]


def test_ics_output_keeps_each_value_in_its_own_zone() -> None:
    conv = ics_bridge.convert(ICS.format(line=MIXED).encode(), to="ics")
    lines = conv.to_bytes().decode().splitlines()
    assert [line for line in lines if line.startswith("EXDATE")] == [
        "EXDATE;TZID=Europe/Berlin:20250102T100000", "EXDATE:20250103T090000Z"]
    assert _repairs(conv) == [("EXDATE", "Europe/Berlin", "UTC")]


def test_graph_cancels_both_occurrences() -> None:
    conv = ics_bridge.convert(ICS.format(line=MIXED).encode(), to="graph")
    event = json.loads(conv.to_bytes())
    assert event["cancelledOccurrences"] == ["OID.mixed-1.2025-01-02", "OID.mixed-1.2025-01-03"]
    assert _repairs(conv) == [("EXDATE", "Europe/Berlin", "UTC")]


@pytest.mark.parametrize("to", ["graph", "google"])
def test_mixed_line_means_what_two_lines_mean(to: str) -> None:
    """The same exclusions as the two lines a careful producer writes (no repair there)."""
    two = "EXDATE;TZID=Europe/Berlin:20250102T100000\r\nEXDATE:20250103T090000Z"
    mixed = ics_bridge.convert(ICS.format(line=MIXED).encode(), to=to).to_bytes()
    clean = ics_bridge.convert(ICS.format(line=two).encode(), to=to)
    assert mixed == clean.to_bytes()
    assert _repairs(clean) == []


def test_typed_hub_reads_the_utc_value_as_utc() -> None:
    conv = ics_bridge.convert(ICS.format(line=MIXED).encode(), to="graph")
    (event,) = conv.hub.events
    values = [v.dt for line in event.exdates for v in line.values]
    # 2025-01-02 09:00Z (10:00 in Berlin) and 2025-01-03 09:00Z, not 08:00Z
    assert sorted(v.timestamp() for v in values) == [1735808400.0, 1735894800.0]
