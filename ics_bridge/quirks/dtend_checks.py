"""DTEND sanity (RFC 5545 3.6.1): an all-day DTEND on or before DTSTART means one day (ical
``same_day_dtend`` compat, interop-notes case 15); DTEND together with DURATION is invalid
(DTEND kept); a timed DTEND before DTSTART becomes a zero-length event, and so does a negative
DURATION (RFC 5545 3.8.2.5: "positive duration of time"; an all-day one becomes one day, as a
DTEND before its DTSTART does; ical.js reads ``-PT1H`` as an end before the start).  All reported.

A floating DTSTART with a zoned DTEND, or the reverse (ownCloud, khal's
``event_dt_mixed_awareness``), is forbidden by RFC 5545 3.8.2.2 ("the same value type", and
both local or both zoned by 3.3.5).  Readers split: ``ical`` refuses the calendar,
recurring-ical-events turns the floating value into UTC.  The floating value is read in the
zone of the other, the only zone the event states (reported), so both ends are instants."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta

from icalendar.prop import vDuration

from .. import model as m
from ..report import LossKind, Report
from .model_edit import in_zone, set_time


def apply(event: m.Event, report: Report) -> m.Event:
    uid = event.uid or None
    if event.end is not None and event.duration is not None:
        event = dataclasses.replace(event, duration=None, params=tuple((k, p) for k, p in event.params if k != "DURATION"))
        report.add(LossKind.INVALID_VALUE, "DURATION", "DTEND and DURATION both present; DTEND kept", uid=uid)
    if event.start is not None and event.end is None and event.duration is not None:
        event = _negative_duration(event, uid, report)
    if event.start is None or event.end is None:
        return event
    start, end = m.plain(event.start), m.plain(event.end)
    if not isinstance(start, datetime) and isinstance(start, date):
        end_day = end.date() if isinstance(end, datetime) else end
        if end_day <= start:
            new = start + timedelta(days=1)
            event = set_time(event, "DTEND", new)
            report.add(LossKind.QUIRK_REPAIRED, "DTEND", "all-day DTEND not after DTSTART; one day used",
                       uid=uid, before=end_day, after=new)
        return event
    if isinstance(start, datetime) and isinstance(end, datetime):
        if (start.tzinfo is None) != (end.tzinfo is None):
            floating_is_start = start.tzinfo is None
            zoned = event.end if floating_is_start else event.start
            floating = start if floating_is_start else end
            assert isinstance(zoned, m.ZonedDateTime)
            moved = in_zone(floating, zoned.dt.tzinfo, zoned.zone)
            event = set_time(event, "DTSTART" if floating_is_start else "DTEND", moved)
            report.add(LossKind.QUIRK_REPAIRED, "DTSTART" if floating_is_start else "DTEND",
                       "floating value beside a zoned one (RFC 5545 3.8.2.2) read in the other's zone",
                       uid=uid, before=floating.isoformat(), after=moved.dt.isoformat())
            start, end = m.plain(event.start), m.plain(event.end)
        try:
            backwards = end < start  # type: ignore[operator]
        except TypeError:  # floating vs zoned
            return event
        if backwards:
            event = dataclasses.replace(event, end=event.start)
            report.add(LossKind.INVALID_VALUE, "DTEND", "DTEND before DTSTART; zero duration used",
                       uid=uid, before=end, after=start)
    return event


def _negative_duration(event: m.Event, uid: str | None, report: Report) -> m.Event:
    value = event.duration
    if value is None or value >= timedelta(0):
        return event
    before = vDuration(value).to_ical().decode()
    params = tuple((k, p) for k, p in event.params if k != "DURATION")
    if isinstance(m.plain(event.start), datetime):
        report.add(LossKind.INVALID_VALUE, "DURATION", "negative DURATION (end before start); zero duration used",
                   uid=uid, before=before, after="P0D")
        return dataclasses.replace(event, duration=timedelta(0), params=params)
    report.add(LossKind.QUIRK_REPAIRED, "DURATION", "negative DURATION on an all-day event; one day used",
               uid=uid, before=before, after="P1D")
    return dataclasses.replace(event, duration=timedelta(days=1), params=params)
