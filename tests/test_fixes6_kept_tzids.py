"""TZIDs named by lines the typed hub keeps as read, written as consistently as the values'.

Round 5 moved .ics → .ics onto the model writer, which renamed and described (VTIMEZONE) only
the TZIDs of values and of other components.  A TZID parameter on a kept line — the
calendar's ``X-MS-OLK-WKHRSTART;TZID=…`` (Outlook), an event's or an alarm's X- property, an
event's unknown subcomponent — was not renamed under ``--tzid-style windows`` (the calendar
then named two VTIMEZONEs for one zone), and on an event or alarm got no VTIMEZONE at all
(RFC 5545 3.2.19: a TZID names a VTIMEZONE of the calendar).  A VTODO's ``DUE;TZID=`` whose
file VTIMEZONE the events' zone replaces kept the old name while its VTIMEZONE was dropped:
readers then read the DUE floating.  Now every such TZID is written as the values' are, and
the bytes are the icalendar path's again (``io/ics.parse_calendar`` + ``serialize``, which
``timezones.add_vtimezones`` gave every property).

``X-WR-TIMEZONE`` is a value, not a TZID; its readers look its IANA name up in tzdata, so it
is kept under ``windows`` style (``model_writer._named_zones``'s docstring).
"""

from __future__ import annotations

import re

import pytest

import ics_bridge
from ics_bridge import Options
from ics_bridge.io import ics as ics_io
from ics_bridge.report import Report

BERLIN = ("BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\nBEGIN:STANDARD\r\nDTSTART:19701025T030000\r\n"
          "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\n"
          "BEGIN:DAYLIGHT\r\nDTSTART:19700329T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n"
          "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n")
TODO = "BEGIN:VTODO\r\nUID:t1\r\nDTSTAMP:20240101T000000Z\r\nDUE;TZID=Europe/Berlin:20240105T090000\r\nEND:VTODO\r\n"


def _calendar(vtimezone: bool = False, calendar: str = "", event: str = "", alarm: str = "", after: str = "",
              sub: str = "") -> bytes:
    valarm = f"BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:r\r\nTRIGGER:-PT5M\r\n{alarm}END:VALARM\r\n" if alarm else ""
    xsub = f"BEGIN:X-THING\r\n{sub}END:X-THING\r\n" if sub else ""
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n" + calendar + (BERLIN if vtimezone else "")
            + "BEGIN:VEVENT\r\nUID:e1\r\nDTSTAMP:20240101T000000Z\r\nDTSTART;TZID=Europe/Berlin:20240105T090000\r\n"
            + event + valarm + xsub + "END:VEVENT\r\n" + after + "END:VCALENDAR\r\n").encode()


CASES = {
    "calendar X- line": _calendar(calendar="X-MS-OLK-WKHRSTART;TZID=Europe/Berlin:080000\r\n"),
    "calendar X- line, file VTIMEZONE": _calendar(True, calendar="X-MS-OLK-WKHRSTART;TZID=Europe/Berlin:080000\r\n"),
    "calendar X- line, other zone": _calendar(calendar="X-MS-OLK-WKHRSTART;TZID=America/New_York:080000\r\n"),
    "calendar X- line, quoted": _calendar(calendar='X-A;TZID="America/New_York":1\r\n'),
    "event X- line": _calendar(event="X-FOO;TZID=America/New_York:20240105T090000\r\n"),
    "event X- line, events' zone": _calendar(event="X-FOO;TZID=Europe/Berlin:20240105T090000\r\n"),
    "event X- line, file VTIMEZONE": _calendar(True, event="X-FOO;TZID=Europe/Berlin:20240105T090000\r\n"),
    "alarm X- line": _calendar(alarm="X-BAR;TZID=Asia/Tokyo:20240105T090000\r\n"),
    "event subcomponent": _calendar(sub="X-AT;TZID=Asia/Tokyo:20240105T090000\r\n"),
    "VTODO, file VTIMEZONE": _calendar(True, after=TODO),
    "zone names nothing": _calendar(calendar="X-A;TZID=Nowhere/City:1\r\n", event="X-B;TZID=Mars/Base:2\r\n"),
    "X-WR-TIMEZONE": _calendar(calendar="X-WR-TIMEZONE:America/Chicago\r\n"),
}


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")


def _new(data: bytes, style: str) -> bytes:
    options = Options(tzid_style=style)  # type: ignore[arg-type]
    return ics_bridge.convert(data, to="ics", source="ics", options=options).to_bytes(options)


def _icalendars_path(data: bytes, style: str) -> bytes:
    """icalendar's reading and writer with ``timezones.add_vtimezones`` (the path .ics → .ics
    took before the typed hub; tests/test_icsics_ics_to_ics.py holds the rest to it)."""
    report = Report()
    cal = ics_io.parse_calendar(data, report, ics_io.IcsReadOptions(), [])
    return ics_io.serialize(cal, tzid_style=style)


_TZID = re.compile(r';TZID=("[^"]*"|[^;:]*)')


def _named_and_defined(written: bytes) -> tuple[set[str], set[str]]:
    lines = written.decode().replace("\r\n ", "").split("\r\n")
    named = {t.strip('"') for line in lines for t in _TZID.findall(line.split(":", 1)[0] + ":")}
    defined = {line[len("TZID:"):] for line in lines if line.startswith("TZID:")}
    return named, defined


@pytest.mark.parametrize("style", ["iana", "windows"])
@pytest.mark.parametrize("case", list(CASES))
def test_same_bytes_as_icalendars_path(case: str, style: str) -> None:
    data = CASES[case]
    assert _new(data, style) == _icalendars_path(data, style)


@pytest.mark.parametrize("style", ["iana", "windows"])
@pytest.mark.parametrize("case", [c for c in CASES if c != "zone names nothing"])
def test_every_tzid_names_a_vtimezone_written(case: str, style: str) -> None:
    """RFC 5545 3.2.19; and under ``windows`` no IANA name is left where tzdata has a Windows one."""
    named, defined = _named_and_defined(_new(CASES[case], style))
    assert named <= defined, (case, named - defined)
    if style == "windows":
        assert not named & {"Europe/Berlin", "America/New_York", "Asia/Tokyo"}, (case, named)
        assert "Europe/Berlin" not in defined, case  # one zone, one VTIMEZONE (the Windows-named one)


def test_x_wr_timezone_keeps_its_iana_name() -> None:
    written = _new(CASES["X-WR-TIMEZONE"], "windows")
    assert b"\r\nX-WR-TIMEZONE:America/Chicago\r\n" in written
    assert b"TZID=W. Europe Standard Time:" in written
