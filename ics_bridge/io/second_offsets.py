"""Date-times whose zone's UTC offset has seconds (local mean time: Moscow +02:30:17 until
1916), written in UTC — on the typed hub (issue 12; ``io/ics.utc_for_second_offsets`` does the
same on a library caller's icalendar calendar).

Why: ical.js 2.2 drops the seconds of a UTC offset (it reads ``+023017`` as ``+02:30``), libical
keeps them, so a zoned value reads 17 s apart in the two (measured with tests/interop); in UTC
both read the instant to the second.  A series is written in UTC only where UTC expands it to
the same instants (its occurrences keep one offset, the first :data:`SERIES_CHECK`); otherwise
it keeps its zone (ical.js reads it up to 59 s early).  Both reported.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timezone
from typing import Any

from .. import expansion
from .. import model as m
from ..report import LossKind, Report
from .model_reader import UTC_ZONE

SERIES_CHECK = 1000  # occurrences looked at when deciding whether a series keeps one offset


def odd_offset(value: Any) -> bool:
    """A zoned date-time (``ZonedDateTime`` or aware ``datetime``) whose UTC offset has seconds."""
    dt = value.dt if isinstance(value, m.ZonedDateTime) else value
    if not isinstance(dt, datetime) or dt.tzinfo is None:
        return False
    try:
        offset = dt.utcoffset()
    except (ValueError, OverflowError):
        return False
    return offset is not None and offset.total_seconds() % 60 != 0


def needed(cal: m.Calendar) -> bool:
    """Whether a date-time of the hub is in a zone whose UTC offset has seconds (rare: the
    pipeline looks before it rewrites).  :func:`odd_offset` of every value, written out in one
    loop without a list, a generator and a call per value (the pipeline asks for every
    calendar: 30 → ~20 ms at 10k events); held to :func:`needed_reference` by
    tests/test_writer7_second_offsets.py."""
    zoned, utc = m.ZonedDateTime, timezone.utc
    for series in cal.series:
        for event in series.events:
            rid = event.recurrence_id
            for value in (event.start, event.end, rid.value if rid else None):
                dt = value.dt if isinstance(value, zoned) else value
                if not isinstance(dt, datetime) or dt.tzinfo is None or dt.tzinfo is utc:
                    continue
                try:
                    offset = dt.utcoffset()
                except (ValueError, OverflowError):
                    continue
                if offset is not None and offset.total_seconds() % 60 != 0:
                    return True
            if (event.rdates or event.exdates) and _odd_list(event):
                return True
    return False


def _odd_list(event: m.Event) -> bool:
    """Whether an RDATE/EXDATE value (a PERIOD's start) of ``event`` has a second offset."""
    for lists in (event.rdates, event.exdates):
        for line in lists:
            if any(odd_offset(v.start if isinstance(v, m.Period) else v) for v in line.values):
                return True
    return False


def needed_reference(cal: m.Calendar) -> bool:
    """:func:`needed` as it was written first: every value through :func:`odd_offset`."""
    for event in cal.events:
        values: list[Any] = [event.start, event.end, event.recurrence_id.value if event.recurrence_id else None]
        for lists in (event.rdates, event.exdates):
            for line in lists:
                values.extend(v.start if isinstance(v, m.Period) else v for v in line.values)
        if any(odd_offset(value) for value in values):
            return True
    return False


def utc_for_second_offsets(cal: m.Calendar, report: Report) -> m.Calendar:
    """``cal`` with its date-times of a second offset in UTC where the series allows it (module
    docstring), reported per event as ``io/ics.utc_for_second_offsets`` reports it, events in
    the order written."""
    changed: dict[int, m.Event] = {}
    for event in cal.events_in_file_order():
        new = _event_in_utc(event, report)
        if new is not event:
            changed[id(event)] = new
    if not changed:
        return cal
    return dataclasses.replace(cal, series=tuple(dataclasses.replace(
        s, master=changed.get(id(s.master), s.master) if s.master is not None else None,
        overrides=tuple(changed.get(id(o), o) for o in s.overrides)) for s in cal.series))


def _event_in_utc(event: m.Event, report: Report) -> m.Event:
    start = event.start
    if isinstance(start, m.ZonedDateTime) and odd_offset(start) and not _one_offset(event, start.dt):
        report.add(LossKind.MAPPING_CHOICE, "DTSTART",
                   f"the zone's UTC offset {start.dt.utcoffset()} has seconds and changes within the series: "
                   "kept in its zone (ical.js drops the seconds of an offset, libical keeps them)", uid=event.uid)
        return event
    moved: list[str] = []
    changes: dict[str, Any] = {}
    for name, attr in (("DTSTART", "start"), ("DTEND", "end")):
        value = _utc(getattr(event, attr))
        if value is not None:
            changes[attr] = value
            moved.append(name)
    rid = event.recurrence_id
    if rid is not None and (value := _utc(rid.value)) is not None:
        changes["recurrence_id"] = rid._replace(value=value)
        moved.append("RECURRENCE-ID")
    for name, attr in (("EXDATE", "exdates"), ("RDATE", "rdates")):
        lines = getattr(event, attr)
        new_lines = tuple(_line_in_utc(line) for line in lines)
        if any(a is not b for a, b in zip(lines, new_lines)):
            changes[attr] = new_lines
            moved.append(name)
    if not moved:
        return event
    report.add(LossKind.MAPPING_CHOICE, ", ".join(dict.fromkeys(moved)),
               "the zone's UTC offset has seconds (local mean time): written in UTC, the same instant "
               "(ical.js drops the seconds of an offset, libical keeps them)", uid=event.uid)
    return dataclasses.replace(event, **changes)


def _utc(value: Any) -> m.ZonedDateTime | None:
    """A date-time of a second offset in UTC; None when it is not one, or has no UTC form (the
    year 1 east of UTC: Asia/Tokyo's LMT)."""
    if not isinstance(value, m.ZonedDateTime) or not odd_offset(value):
        return None
    try:
        return m.ZonedDateTime(value.dt.astimezone(timezone.utc), UTC_ZONE)
    except OverflowError:
        return None


def _line_in_utc(line: m.DateList) -> m.DateList:
    """An EXDATE/RDATE line with a value of a second offset: every value in UTC (one line has
    one zone, RFC 5545 3.8.5.1); a line holding a DATE or a PERIOD, or a value without a UTC
    form, as it is."""
    if not any(odd_offset(v) for v in line.values):
        return line
    if not all(isinstance(v, m.ZonedDateTime) for v in line.values):
        return line
    try:
        values = tuple(m.ZonedDateTime(v.dt.astimezone(timezone.utc), UTC_ZONE) for v in line.values)
    except OverflowError:
        return line
    return line._replace(values=values)


def _one_offset(event: m.Event, start: datetime) -> bool:
    """Whether every occurrence of the series (the first :data:`SERIES_CHECK`) has the offset of
    its start, so the series expands to the same instants in UTC."""
    if not event.rrules and not event.rdates:
        return True
    try:
        offset = start.utcoffset()
        for k, value in enumerate(expansion.series_set(event, start)):
            if k >= SERIES_CHECK or value.utcoffset() != offset:
                return k >= SERIES_CHECK
    except (ValueError, TypeError, OverflowError):
        return False
    return True
