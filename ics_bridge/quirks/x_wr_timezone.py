"""Google exports: UTC values plus ``X-WR-TIMEZONE`` (interop-notes case 7, section 5).

A weekly series written as ``DTSTART:20211104T160000Z`` expands in UTC and drifts an hour after
a DST change; Google itself means "12:00 in America/New_York".  By default UTC date-times are
re-expressed in the X-WR-TIMEZONE zone (same instants, DST-stable expansion), reported once;
``--keep-utc`` turns this off.  Zoned values are left alone (x-wr-timezone package semantics).
"""

from __future__ import annotations

from datetime import datetime

from icalendar import Calendar

from ..report import LossKind, Report
from ..timezones import resolve_name, tzid_of

_PROPS = ("DTSTART", "DTEND", "RECURRENCE-ID", "EXDATE", "RDATE")


def _is_utc(value: object) -> bool:
    return isinstance(value, datetime) and value.tzinfo is not None and tzid_of(value.tzinfo) in ("UTC", "Etc/UTC")


def apply(cal: Calendar, report: Report) -> None:
    name = cal.get("X-WR-TIMEZONE")
    if name is None:
        return
    resolved = resolve_name(str(name))
    if resolved is None:
        report.add(LossKind.TIMEZONE_UNKNOWN, "X-WR-TIMEZONE",
                   f"X-WR-TIMEZONE {str(name)[:60]!r} names no known zone; UTC values kept in UTC", before=str(name)[:60])
        return
    if resolved.iana == "UTC":
        return
    changed = 0
    for event in cal.walk("VEVENT"):
        for prop in _PROPS:
            raw = event.get(prop)
            if raw is None:
                continue
            for item in (raw if isinstance(raw, list) else [raw]):
                try:
                    changed += _convert(item, resolved.tz)
                except (ValueError, TypeError, AttributeError, OverflowError):
                    continue  # an unreadable or out-of-range value: left as it is
    if changed:
        report.add(LossKind.QUIRK_REPAIRED, "X-WR-TIMEZONE",
                   f"{changed} UTC value(s) read in the calendar zone {resolved.iana} (use --keep-utc to keep UTC)",
                   after=resolved.iana)


def _convert(item: object, tz: object) -> int:
    count = 0
    if hasattr(item, "dts"):
        for d in item.dts:  # type: ignore[attr-defined]
            if _is_utc(d.dt):
                d.dt = d.dt.astimezone(tz)
                d.params["TZID"] = str(getattr(tz, "key", tz))
                count += 1
        if count:  # the TZID of a list (EXDATE, RDATE) is written from the property's parameters
            item.params["TZID"] = str(getattr(tz, "key", tz))  # type: ignore[attr-defined]
        return count
    if hasattr(item, "dt") and _is_utc(item.dt):  # type: ignore[attr-defined]
        item.dt = item.dt.astimezone(tz)  # type: ignore[attr-defined]
        item.params["TZID"] = str(getattr(tz, "key", tz))  # type: ignore[attr-defined]
        count += 1
    return count
