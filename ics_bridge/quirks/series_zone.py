"""The date-times of one series in the shape of its DTSTART: floating where it floats, in its
zone where it has one.

Why: RFC 5545 wants EXDATE and RDATE (3.8.5.1, 3.8.5.2) and an override's RECURRENCE-ID
(3.8.4.4) in the value type of the master's DTSTART, and producers mix them: a floating
RECURRENCE-ID under a zoned master (ownCloud's floating DTSTART becomes zoned by
:mod:`dtend_checks`), a zoned EXDATE on a floating series.  The meaning the validator gives such
a value (``expansion.align``) is its wall-clock time in the series' frame, which is also how
ical.js reads it; a provider writer that converts each value by its own zone would name
another instant instead (a Graph exception whose ``originalStart`` misses its occurrence, a
Google EXDATE an hour off).  So, per series (a master and the overrides with its UID):

* **zoned (or UTC) master**: a floating EXDATE/RDATE of the master, and a floating
  RECURRENCE-ID of an override (with that override's floating DTSTART/DTEND), take the
  master's zone, same wall-clock time;
* **floating master**: a zoned EXDATE/RDATE/RECURRENCE-ID becomes its wall-clock time,
  floating.

Each change is reported.  All-day series are left to :mod:`all_day_exdate` and
:mod:`all_day_recurrence_id`; a list mixing floating and zoned values is left as it is.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, tzinfo

from .. import model as m
from .. import timezones
from ..report import LossKind, Report
from .model_edit import date_list, in_zone, set_time


def _datetimes(values: tuple[object, ...]) -> list[datetime] | None:
    """The date-times of a value (None: something else in it, a date or a PERIOD)."""
    items = [v.dt for v in values if isinstance(v, m.ZonedDateTime)]
    return items if items and len(items) == len(values) else None


def _why(values: list[datetime], tz: tzinfo | None) -> str | None:
    if tz is not None and all(v.tzinfo is None for v in values):
        return "floating value in a zoned series read in the series zone"
    if tz is None and all(v.tzinfo is not None for v in values):
        return "zoned value in a floating series read as its wall-clock time, floating"
    return None


def _aligned(values: tuple[object, ...], frame: m.ZonedDateTime | None, field: str, uid: str, report: Report,
             rid: str | None = None) -> tuple[object, ...] | None:
    """The values in the frame of the series' start (None: floating), reported; None when they
    are left as they are."""
    plain = _datetimes(values)
    if plain is None:
        return None
    tz = frame.dt.tzinfo if frame is not None else None
    zone = frame.zone if frame is not None else None
    why = _why(plain, tz)
    if why is None:
        return None
    report.add(LossKind.QUIRK_REPAIRED, field, why, uid=uid, recurrence_id=rid,
               before=", ".join(v.isoformat() for v in plain[:3]), after=timezones.tzid_of(tz) if tz else "floating")
    return tuple(in_zone(v, tz, zone) for v in plain)


def _frame(event: m.Event) -> m.ZonedDateTime | None:
    start = event.start
    return start if start.dt.tzinfo is not None else None  # type: ignore[union-attr,return-value]


def apply(events: list[m.Event], report: Report) -> list[m.Event]:
    zones: dict[str, m.ZonedDateTime | None] = {}
    out = []
    for event in events:
        if event.recurrence_id is not None or not isinstance(event.start, m.ZonedDateTime):
            out.append(event)
            continue
        uid = str(event.uid)
        zone = _frame(event)
        zones.setdefault(uid, zone)  # overrides belong to the first master of their UID
        if not event.exdates and not event.rdates:  # most masters: nothing of their own to align
            out.append(event)
            continue
        changes: dict[str, object] = {}
        for name, key in (("EXDATE", "exdates"), ("RDATE", "rdates")):  # every master's own lists
            lines = []
            for line in getattr(event, key):
                moved = _aligned(line.values, zone, name, uid, report)
                lines.append(line if moved is None else date_list(moved, line.params))
                if moved is not None:
                    changes[key] = True
            if key in changes:
                changes[key] = tuple(lines)
        out.append(dataclasses.replace(event, **changes) if changes else event)  # type: ignore[arg-type]
    result = []
    for event in out:
        uid = str(event.uid)
        rid = event.recurrence_id
        if rid is None or uid not in zones or not isinstance(rid.value, m.ZonedDateTime):
            result.append(event)
            continue
        zone = zones[uid]
        first = rid.value.dt
        was_floating = first.tzinfo is None
        moved = _aligned((rid.value,), zone, "RECURRENCE-ID", uid, report, first.isoformat())
        if moved is not None:
            event = set_time(event, "RECURRENCE-ID", moved[0])
        if zone is not None and was_floating:  # the override's own floating times, in the same frame
            for name in ("DTSTART", "DTEND"):
                value = event.start if name == "DTSTART" else event.end
                if isinstance(value, m.ZonedDateTime):
                    moved = _aligned((value,), zone, name, uid, report, first.isoformat())
                    if moved is not None:
                        event = set_time(event, name, moved[0])
        result.append(event)
    return result
