"""``RDATE;VALUE=PERIOD`` (RFC 5545 3.8.5.2): an extra occurrence with its own start and end.

Why a repair of a valid value: readers and targets cannot hold it.  ical.js 2.2.1 (Thunderbird,
Nextcloud) crashes expanding it ("next.toUnixTime is not a function") and cuts the series
there; ``ical`` refuses the calendar; vobject drops the occurrence; Google recurrence lines hold
start instants only.  The same meaning in the shape every one of them reads: the period's start
as a plain RDATE and, where the period is not the event's own length, an override of that
occurrence (RECURRENCE-ID = the start, RFC 5545 3.8.4.4) carrying the period's end.  Reported.
"""

from __future__ import annotations

import copy
from datetime import datetime, timedelta
from typing import Any

from icalendar import Calendar, Event

from ..report import LossKind, Report
from ..vevent import dt_value, props, span_end

# What an override does not take from its master.
_SERIES_ONLY = frozenset({"RRULE", "RDATE", "EXDATE", "EXRULE", "DTSTART", "DTEND", "DURATION", "RECURRENCE-ID"})


def apply(cal: Calendar, report: Report) -> None:
    for override in [c for c in cal.subcomponents if c.name == "VEVENT" and c.get("RECURRENCE-ID") is not None]:
        _in_override(override, report)
    for master in [c for c in cal.subcomponents if c.name == "VEVENT" and c.get("RECURRENCE-ID") is None]:
        rdates = props(master, "RDATE")
        if not any(_has_period(p) for p in rdates):
            continue
        start = dt_value(master, "DTSTART")
        end = span_end(start, dt_value(master, "DTEND"), getattr(master.get("DURATION"), "dt", None))  # vevent.event_end's rule on icalendar values until this quirk moves (issue 12)
        if not isinstance(start, datetime) or not isinstance(end, datetime):
            continue
        length = end - start
        uid = str(master.get("UID", "")) or None
        plain: list[list[Any]] = []
        extra: list[tuple[datetime, datetime]] = []
        for prop in rdates:
            group: list[Any] = []
            for item in prop.dts:
                value = item.dt
                if isinstance(value, tuple):
                    first, last = value
                    last = first + last if isinstance(last, timedelta) else last
                    group.append(first)
                    if last - first != length:
                        extra.append((first, last))
                else:
                    group.append(value)
            plain.append(group)
        del master["RDATE"]
        for group in plain:
            master.add("RDATE", group)
        taken = {o["RECURRENCE-ID"].dt for o in cal.subcomponents if o.name == "VEVENT"
                 and str(o.get("UID", "")) == (uid or "") and o.get("RECURRENCE-ID") is not None}
        position = cal.subcomponents.index(master) + 1
        for first, last in extra:
            if first in taken:  # an override of that occurrence already says what it is
                continue
            cal.subcomponents.insert(position, _override(master, first, last))
            position += 1
        report.add(LossKind.QUIRK_REPAIRED, "RDATE;VALUE=PERIOD",
                   "periods written as RDATE starts, with an override for each period of another length "
                   "(ical.js, ical, vobject and Google cannot read PERIOD)", uid=uid,
                   before=f"{len(extra)} of other length" if extra else None)


def _in_override(override: Event, report: Report) -> None:
    """An override restating its own occurrence as a period (Lotus Notes: ``RDATE;VALUE=PERIOD``
    equal to its DTSTART/DTEND) says nothing more: that period is dropped; any other period
    keeps its start, which means the same when it has the override's length (another length
    cannot be kept: reported as a loss)."""
    rdates = props(override, "RDATE")
    if not any(_has_period(p) for p in rdates):
        return
    start = dt_value(override, "DTSTART")
    own = (start, span_end(start, dt_value(override, "DTEND"), getattr(override.get("DURATION"), "dt", None)))  # vevent.event_end's rule on icalendar values until this quirk moves (issue 12)
    kept: list[list[Any]] = []
    dropped = collapsed = total = 0
    for prop in rdates:
        group: list[Any] = []
        for item in prop.dts:
            value = item.dt
            if isinstance(value, tuple):
                total += 1
                first, last = value
                last = first + last if isinstance(last, timedelta) else last
                if (first, last) == own:
                    dropped += 1
                    continue
                if own[0] is None or own[1] is None or last - first != own[1] - own[0]:
                    collapsed += 1  # another length: its end cannot be kept
                value = first
            group.append(value)
        if group:
            kept.append(group)
    del override["RDATE"]
    for group in kept:
        override.add("RDATE", group)
    report.add(LossKind.QUIRK_REPAIRED if not collapsed else LossKind.VALUE_COLLAPSED, "RDATE;VALUE=PERIOD",
               "periods in an override written as their starts (the override's own span dropped)"
               + ("" if not collapsed else f"; {collapsed} of another length lose their end"),
               uid=str(override.get("UID", "")) or None, recurrence_id=override["RECURRENCE-ID"].dt.isoformat(),
               before=f"{total} period(s)")


def _has_period(prop: Any) -> bool:
    return any(isinstance(item.dt, tuple) for item in getattr(prop, "dts", []))


def _override(master: Event, start: datetime, end: datetime) -> Event:
    override = Event()
    for name, value in master.items():
        if name not in _SERIES_ONLY:
            override[name] = copy.deepcopy(value)
    override.add("RECURRENCE-ID", start)
    override.add("DTSTART", start)
    override.add("DTEND", end)
    for component in master.subcomponents:
        override.add_component(copy.deepcopy(component))
    return override
