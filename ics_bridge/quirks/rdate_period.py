"""``RDATE;VALUE=PERIOD`` (RFC 5545 3.8.5.2): an extra occurrence with its own start and end.

Why a repair of a valid value: readers and targets cannot hold it.  ical.js 2.2.1 (Thunderbird,
Nextcloud) crashes expanding it ("next.toUnixTime is not a function") and cuts the series
there; ``ical`` refuses the calendar; vobject drops the occurrence; Google recurrence lines hold
start instants only.  The same meaning in the shape every one of them reads: the period's start
as a plain RDATE and, where the period is not the event's own length, an override of that
occurrence (RECURRENCE-ID = the start, RFC 5545 3.8.4.4) carrying the period's end.  Reported.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from typing import Any

from .. import model as m
from ..report import LossKind, Report
from ..vevent import event_end
from .model_edit import date_list, moved_last, set_time

# What an override does not take from its master (typed fields; their parameters go too).
_SERIES_ONLY = frozenset({"RRULE", "RDATE", "EXDATE", "EXRULE", "DTSTART", "DTEND", "DURATION", "RECURRENCE-ID"})


def _span(period: m.Period) -> tuple[m.ZonedDateTime, datetime]:
    last = period.end.dt if period.end is not None else period.start.dt + (period.duration or timedelta(0))
    return period.start, last


def apply(events: list[m.Event], report: Report) -> list[m.Event]:
    events = [_in_override(e, report) if e.recurrence_id is not None else e for e in events]
    out = list(events)
    for master in events:
        if master.recurrence_id is not None or not any(_has_period(line) for line in master.rdates):
            continue
        start = m.plain(master.start)
        end = event_end(master, start)
        if not isinstance(start, datetime) or not isinstance(end, datetime):
            continue
        length = end - start
        uid = master.uid or None
        lines: list[m.DateList] = []
        extra: list[tuple[m.ZonedDateTime, datetime]] = []
        for line in master.rdates:
            group: list[Any] = []
            for value in line.values:
                if isinstance(value, m.Period):
                    first, last = _span(value)
                    group.append(first)
                    if last - first.dt != length:
                        extra.append((first, last))
                else:
                    group.append(value)
            lines.append(date_list(tuple(group), tuple(p for p in line.params if p.name != "VALUE")))
        position = next(i for i, e in enumerate(out) if e is master)
        new_master = dataclasses.replace(master, rdates=tuple(lines), order=moved_last(master, "RDATE"))
        out[position] = new_master
        taken = {m.plain(o.recurrence_id.value) for o in out
                 if o.recurrence_id is not None and (o.uid or "") == (uid or "")}
        position += 1
        for first, last in extra:
            if first.dt in taken:  # an override of that occurrence already says what it is
                continue
            out.insert(position, _override(new_master, first, last))
            position += 1
        report.add(LossKind.QUIRK_REPAIRED, "RDATE;VALUE=PERIOD",
                   "periods written as RDATE starts, with an override for each period of another length "
                   "(ical.js, ical, vobject and Google cannot read PERIOD)", uid=uid,
                   before=f"{len(extra)} of other length" if extra else None)
    return out


def _in_override(override: m.Event, report: Report) -> m.Event:
    """An override restating its own occurrence as a period (Lotus Notes: ``RDATE;VALUE=PERIOD``
    equal to its DTSTART/DTEND) says nothing more: that period is dropped; any other period
    keeps its start, which means the same when it has the override's length (another length
    cannot be kept: reported as a loss)."""
    if not any(_has_period(line) for line in override.rdates):
        return override
    own = (m.plain(override.start), event_end(override, m.plain(override.start)))
    kept: list[m.DateList] = []
    dropped = collapsed = total = 0
    for line in override.rdates:
        group: list[Any] = []
        for value in line.values:
            if isinstance(value, m.Period):
                total += 1
                first, last = _span(value)
                if (first.dt, last) == own:
                    dropped += 1
                    continue
                if own[0] is None or own[1] is None or last - first.dt != own[1] - own[0]:  # type: ignore[operator]
                    collapsed += 1  # another length: its end cannot be kept
                value = first
            group.append(value)
        if group:
            kept.append(date_list(tuple(group), tuple(p for p in line.params if p.name != "VALUE")))
    report.add(LossKind.QUIRK_REPAIRED if not collapsed else LossKind.VALUE_COLLAPSED, "RDATE;VALUE=PERIOD",
               "periods in an override written as their starts (the override's own span dropped)"
               + ("" if not collapsed else f"; {collapsed} of another length lose their end"),
               uid=override.uid or None, recurrence_id=m.plain(override.recurrence_id.value).isoformat(),  # type: ignore[union-attr]
               before=f"{total} period(s)")
    return dataclasses.replace(override, rdates=tuple(kept),
                               order=moved_last(override, "RDATE") if kept else override.order)


def _has_period(line: m.DateList) -> bool:
    return any(isinstance(v, m.Period) for v in line.values)


def _override(master: m.Event, start: m.ZonedDateTime, end: datetime) -> m.Event:
    """The occurrence at ``start`` with its own end: the master's other properties, no rule."""
    params = tuple((k, p) for k, p in master.params if k not in _SERIES_ONLY)
    override = dataclasses.replace(master, params=params, rrules=(), exrules=(), rdates=(), exdates=(),
                                   duration=None, recurrence_id=m.RecurrenceId(start), start=start,
                                   end=m.ZonedDateTime(end, start.zone),
                                   order=tuple(n for n in master.order if n not in _SERIES_ONLY) + (
                                       "RECURRENCE-ID", "DTSTART", "DTEND"))
    for name, value in (("RECURRENCE-ID", start), ("DTSTART", start), ("DTEND", override.end)):
        override = set_time(override, name, value)
    return override
