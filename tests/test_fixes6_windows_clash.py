"""``--tzid-style windows``: two zones one Windows name cannot describe together keep apart.

``iana_to_windows`` names a zone CLDR does not list by a listed zone with the same recent rules,
so America/Indiana/Marengo is "Eastern Standard Time", as America/New_York is.  A calendar with
events in both wrote one TZID and one VTIMEZONE for the two (RFC 5545 3.2.19: a TZID names one
VTIMEZONE), generated from either zone's tzdata: in 2001 Marengo kept EST all year, so a summer
event of one of them moved an hour for every reader (found by
tests/test_icsics_ics_to_ics.py::test_generated_calendars_same_bytes, which failed at random on
main: the two paths picked different zones).  Now (``timezones.windows_name_clashes``, both .ics
writers) the zone CLDR lists for the name keeps it and the other is written under its IANA name;
zones whose VTIMEZONEs agree over the years used still share the Windows name.  The judge is
meaning: ical.js and libical read the windows-style file as the iana-style one.
"""

from __future__ import annotations

import pytest

from interop import readers
from test_fixes6_kept_tzids import _fixed_clock, _icalendars_path, _new  # noqa: F401  (the clock: autouse)

WINDOW = ("2000-01-01T00:00:00Z", "2031-01-01T00:00:00Z")


def _event(uid: str, tzid: str, when: str) -> str:
    return (f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20250101T000000Z\r\nDTSTART;TZID={tzid}:{when}\r\n"
            f"DTEND;TZID={tzid}:{when[:-6]}{int(when[-6:-4]) + 1:02}0000\r\nSUMMARY:{uid}\r\nEND:VEVENT\r\n")


def _calendar(*events: str) -> bytes:
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n" + "".join(events) + "END:VCALENDAR\r\n").encode()


CLASH = _calendar(_event("marengo", "America/Indiana/Marengo", "20010701T090000"),
                  _event("new-york", "America/New_York", "20010701T090000"),
                  _event("new-york-winter", "America/New_York", "20010115T090000"))
AGREE = _calendar(_event("berlin", "Europe/Berlin", "20240701T090000"),
                  _event("amsterdam", "Europe/Amsterdam", "20240702T090000"))


def _tzids(written: bytes) -> tuple[list[str], list[str]]:
    lines = written.decode().replace("\r\n ", "").split("\r\n")
    named = sorted({line.split("TZID=", 1)[1].split(":", 1)[0] for line in lines if ";TZID=" in line})
    defined = sorted(line[len("TZID:"):] for line in lines if line.startswith("TZID:"))
    return named, defined


@pytest.mark.parametrize("reader", ["icaljs", "libical"])
def test_windows_style_means_what_iana_style_means(reader: str) -> None:
    readers.require(reader)
    read = readers.read_icaljs if reader == "icaljs" else readers.read_libical
    iana = read(_new(CLASH, "iana").decode(), WINDOW)
    windows = read(_new(CLASH, "windows").decode(), WINDOW)
    assert sorted((e.uid, e.start, e.end) for e in windows.events) == sorted((e.uid, e.start, e.end) for e in iana.events)
    assert {e.uid: e.start for e in iana.events}["marengo"] == "2001-07-01T14:00:00Z"  # EST all year then


def test_the_cldr_zone_keeps_the_windows_name_the_other_its_own() -> None:
    named, defined = _tzids(_new(CLASH, "windows"))
    assert named == defined == ["America/Indiana/Marengo", "Eastern Standard Time"]


def test_zones_that_agree_share_the_windows_name() -> None:
    named, defined = _tzids(_new(AGREE, "windows"))
    assert named == defined == ["W. Europe Standard Time"]


@pytest.mark.parametrize("style", ["iana", "windows"])
@pytest.mark.parametrize("data", [CLASH, AGREE], ids=["clash", "agree"])
def test_both_writers_agree(data: bytes, style: str) -> None:
    assert _new(data, style) == _icalendars_path(data, style)


#: Africa/Monrovia is UTC only since 1972 (-00:44:30 before): by its recent rules its Windows
#: name is "UTC", and ``TZID=UTC`` is no TZID to icalendar's writer, so the model writer wrote
#: its values floating and icalendar's path the wall time as UTC (found by
#: test_generated_calendars_same_bytes with seed 3, on main too).  It keeps its IANA name.
UTC_BY_RULES = _calendar(_event("monrovia", "Africa/Monrovia", "20010101T090000"),
                         _event("monrovia-1971", "Africa/Monrovia", "19710601T090000"))


@pytest.mark.parametrize("reader", ["icaljs", "libical"])
def test_a_zone_utc_by_its_rules_only_is_not_written_floating(reader: str) -> None:
    readers.require(reader)
    read = readers.read_icaljs if reader == "icaljs" else readers.read_libical
    written = _new(UTC_BY_RULES, "windows")
    assert b"DTSTART;TZID=Africa/Monrovia:20010101T090000" in written
    iana = read(_new(UTC_BY_RULES, "iana").decode(), ("1970-01-01T00:00:00Z", "2031-01-01T00:00:00Z"))
    windows = read(written.decode(), ("1970-01-01T00:00:00Z", "2031-01-01T00:00:00Z"))
    assert sorted((e.uid, e.start) for e in windows.events) == sorted((e.uid, e.start) for e in iana.events)
    assert {e.uid: e.start for e in windows.events}["monrovia"] == "2001-01-01T09:00:00Z"
    # both writers alike (the 1971 value has an offset with seconds: UTC on the typed hub only)
    recent = _calendar(_event("monrovia", "Africa/Monrovia", "20010101T090000"))
    assert _new(recent, "windows") == _icalendars_path(recent, "windows")


def test_no_file_vtimezone_left_that_nothing_names() -> None:
    """Africa/Ceuta and Europe/Malta share "W. Europe Standard Time" (their VTIMEZONEs agree from
    2001); each file VTIMEZONE is replaced by the shared one, not kept beside it unnamed (found by
    test_generated_calendars_same_bytes with seed 4, on main too)."""
    from ics_bridge.timezones import vtimezone_lines
    zones = "".join("\r\n".join(vtimezone_lines(z)) + "\r\n" for z in ("Europe/Malta", "Africa/Ceuta"))
    data = _calendar(zones + _event("ceuta", "Africa/Ceuta", "20130831T090000"),
                     _event("malta", "Europe/Malta", "20010101T090000"))
    named, defined = _tzids(_new(data, "windows"))
    assert named == defined == ["W. Europe Standard Time"]
    assert _new(data, "windows") == _icalendars_path(data, "windows")
