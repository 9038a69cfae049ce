"""Google exports: UTC values plus ``X-WR-TIMEZONE`` (interop-notes case 7, section 5).

A weekly series written as ``DTSTART:20211104T160000Z`` expands in UTC and drifts an hour after
a DST change; Google itself means "12:00 in America/New_York".  By default UTC date-times are
re-expressed in the X-WR-TIMEZONE zone (same instants, DST-stable expansion), reported once;
``--keep-utc`` turns this off.  Zoned values are left alone (x-wr-timezone package semantics).
"""

from __future__ import annotations

import dataclasses

from .. import model as m
from ..io.lines import unescape_text
from ..report import LossKind, Report
from ..timezones import resolve_name
from .model_edit import time_params


def apply(cal: m.Calendar, events: list[m.Event], report: Report) -> list[m.Event]:
    """``events`` (the calendar's, in file order) with their UTC values in X-WR-TIMEZONE's zone."""
    line = next(cal.other_lines("X-WR-TIMEZONE"), None)
    if line is None:
        return events
    name = unescape_text(line.value)
    resolved = resolve_name(name)
    if resolved is None:
        report.add(LossKind.TIMEZONE_UNKNOWN, "X-WR-TIMEZONE",
                   f"X-WR-TIMEZONE {name[:60]!r} names no known zone; UTC values kept in UTC", before=name[:60])
        return events
    if resolved.iana == "UTC":
        return events
    tz = resolved.tz
    key = str(getattr(tz, "key", tz))
    zone = m.Zone("iana", key, key, None, tz)
    changed = 0
    out = []
    for event in events:
        new, count = _convert(event, zone)
        changed += count
        out.append(new)
    if changed:
        report.add(LossKind.QUIRK_REPAIRED, "X-WR-TIMEZONE",
                   f"{changed} UTC value(s) read in the calendar zone {resolved.iana} (use --keep-utc to keep UTC)",
                   after=resolved.iana)
    return out


def _in(value: object, zone: m.Zone) -> object:
    if isinstance(value, m.ZonedDateTime) and value.zone.kind == "utc":
        return m.ZonedDateTime(value.dt.astimezone(zone.tzinfo), zone)
    return value


def _convert(event: m.Event, zone: m.Zone) -> tuple[m.Event, int]:
    """DTSTART, DTEND, RECURRENCE-ID, EXDATE and RDATE values in UTC → ``zone`` (same instant)."""
    changes: dict[str, object] = {}
    params = dict(event.params)
    count = 0
    for name, key in (("DTSTART", "start"), ("DTEND", "end")):
        value = getattr(event, key)
        new = _in(value, zone)
        if new is not value:
            changes[key] = new
            params[name] = time_params(params.get(name, ()), new)
            count += 1
    rid = event.recurrence_id
    if rid is not None:
        new = _in(rid.value, zone)
        if new is not rid.value:
            changes["recurrence_id"] = m.RecurrenceId(new, rid.range)  # type: ignore[arg-type]
            params["RECURRENCE-ID"] = time_params(params.get("RECURRENCE-ID", ()), new)
            count += 1
    for key in ("exdates", "rdates"):
        lines = []
        for line in getattr(event, key):
            values = tuple(_in(v, zone) for v in line.values)
            moved = sum(a is not b for a, b in zip(values, line.values))
            if moved:  # the TZID of a list is written from the line's parameters
                count += moved
                line = m.DateList(values, tuple(p for p in line.params if p.name != "TZID")
                                  + (m.Param("TZID", (zone.tzid,)),))  # type: ignore[arg-type]
                changes[key] = True
            lines.append(line)
        if changes.get(key) is True:
            changes[key] = tuple(lines)
    if not changes:
        return event, 0
    return dataclasses.replace(event, params=tuple(params.items()), **changes), count  # type: ignore[arg-type]
