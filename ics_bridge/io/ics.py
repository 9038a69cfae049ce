"""Reading and writing .ics bytes.

Reading: decode (BOM, UTF-8, else Windows-1252 reported), accept a bare VEVENT without its
VCALENDAR, parse with icalendar, resolve every TZID to a zoneinfo zone
(:func:`timezones.normalize_calendar_zones`) and apply the producer quirks of
:mod:`ics_bridge.quirks`, each reported.  Writing: a VTIMEZONE for every TZID used
(RFC 5545 3.6.5; interop-notes case 51), CRLF line endings and folding by icalendar.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from icalendar import Calendar, Event

from .. import timezones
from ..errors import InputError
from ..quirks import apply_read_quirks
from ..report import LossKind, Report

MAX_ICS_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class IcsReadOptions:
    """``x_wr_timezone``: read Google's UTC values in the calendar's X-WR-TIMEZONE (default,
    reported) or keep them in UTC (``False``)."""

    x_wr_timezone: bool = True
    max_bytes: int = MAX_ICS_BYTES


def decode(data: bytes | str, report: Report) -> str:
    if isinstance(data, str):
        return data.lstrip("\ufeff")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        report.add(LossKind.QUIRK_REPAIRED, "encoding",
                   f"not UTF-8 (byte {exc.start}); read as Windows-1252")
        return data.decode("cp1252", errors="replace")


def parse_calendar(data: bytes | str, report: Report, options: IcsReadOptions = IcsReadOptions()) -> Calendar:
    """Bytes → one hub Calendar (several VCALENDARs in one file are merged)."""
    size = len(data)
    if size > options.max_bytes:
        raise InputError(f"file is {size} bytes, over the limit of {options.max_bytes} (raise it with --max-bytes)")
    text = decode(data, report)
    if "BEGIN:VCALENDAR" not in text.upper():
        if "BEGIN:VEVENT" in text.upper():
            report.add(LossKind.QUIRK_REPAIRED, "VCALENDAR", "bare VEVENT without VCALENDAR wrapped")
            text = f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//ics-bridge//wrapped//EN\r\n{text.strip()}\r\nEND:VCALENDAR\r\n"
        else:
            raise InputError("not an iCalendar file (no BEGIN:VCALENDAR)")
    try:
        calendars = Calendar.from_ical(text, multiple=True)
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise InputError(f"unreadable iCalendar: {exc}") from None
    if not calendars:
        raise InputError("no VCALENDAR in the file")
    cal = calendars[0]
    for extra in calendars[1:]:
        report.add(LossKind.QUIRK_REPAIRED, "VCALENDAR", "several VCALENDARs in one file merged")
        for component in extra.subcomponents:
            cal.add_component(component)
    timezones.normalize_calendar_zones(cal, report)
    apply_read_quirks(cal, report, x_wr_timezone_policy=options.x_wr_timezone)
    return cal


def vevents(cal: Calendar) -> Iterator[Event]:
    yield from (c for c in cal.walk("VEVENT"))


def new_calendar(prodid: str = "-//ics-bridge//ics-bridge 0.1//EN") -> Calendar:
    cal = Calendar()
    cal.add("PRODID", prodid)
    cal.add("VERSION", "2.0")
    return cal


def serialize(cal: Calendar, *, tzid_style: str = "iana") -> bytes:
    """Calendar → bytes with one VTIMEZONE per TZID used (generated from tzdata)."""
    timezones.add_vtimezones(cal, tzid_style=tzid_style)
    return cal.to_ical()
