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

from datetime import date, datetime, timedelta
from typing import Any

from icalendar import Event

from .. import timezones
from ..report import LossKind, Report


def apply(event: Event, report: Report) -> None:
    uid = str(event.get("UID", "")) or None
    start_prop, end_prop = event.get("DTSTART"), event.get("DTEND")
    if end_prop is not None and event.get("DURATION") is not None:
        del event["DURATION"]
        report.add(LossKind.INVALID_VALUE, "DURATION", "DTEND and DURATION both present; DTEND kept", uid=uid)
    if start_prop is not None and end_prop is None and event.get("DURATION") is not None:
        _negative_duration(event, start_prop.dt, uid, report)
    if start_prop is None or end_prop is None:
        return
    start, end = start_prop.dt, end_prop.dt
    if not isinstance(start, datetime) and isinstance(start, date):
        end_day = end.date() if isinstance(end, datetime) else end
        if end_day <= start:
            end_prop.dt = start + timedelta(days=1)
            report.add(LossKind.QUIRK_REPAIRED, "DTEND", "all-day DTEND not after DTSTART; one day used",
                       uid=uid, before=end_day, after=end_prop.dt)
        return
    if isinstance(start, datetime) and isinstance(end, datetime):
        if (start.tzinfo is None) != (end.tzinfo is None):
            floating, zoned = (start_prop, end_prop) if start.tzinfo is None else (end_prop, start_prop)
            _adopt_zone(floating, zoned.dt.tzinfo, zoned.params.get("TZID"))
            report.add(LossKind.QUIRK_REPAIRED, "DTSTART" if floating is start_prop else "DTEND",
                       "floating value beside a zoned one (RFC 5545 3.8.2.2) read in the other's zone",
                       uid=uid, before=(start if floating is start_prop else end).isoformat(),
                       after=floating.dt.isoformat())
            start, end = start_prop.dt, end_prop.dt
        try:
            backwards = end < start
        except TypeError:  # floating vs zoned
            return
        if backwards:
            end_prop.dt = start
            report.add(LossKind.INVALID_VALUE, "DTEND", "DTEND before DTSTART; zero duration used",
                       uid=uid, before=end, after=start)


def _adopt_zone(prop: Any, tz: Any, tzid: Any) -> None:
    """Give a floating date-time value the zone ``tz`` (same wall-clock time) and its TZID;
    a UTC value carries no TZID (RFC 5545 3.3.5)."""
    timezones.retag(prop, tz, None if not tzid or timezones.is_utc_zone(tz) else str(tzid))


def _negative_duration(event: Event, start: date | datetime, uid: str | None, report: Report) -> None:
    duration = event["DURATION"]
    if isinstance(duration, list):
        duration = duration[0]
    value = getattr(duration, "dt", None)
    if not isinstance(value, timedelta) or value >= timedelta(0):
        return
    del event["DURATION"]
    if isinstance(start, datetime):
        event.add("DURATION", timedelta(0))
        report.add(LossKind.INVALID_VALUE, "DURATION", "negative DURATION (end before start); zero duration used",
                   uid=uid, before=duration.to_ical().decode(), after="P0D")
    else:
        event.add("DURATION", timedelta(days=1))
        report.add(LossKind.QUIRK_REPAIRED, "DURATION", "negative DURATION on an all-day event; one day used",
                   uid=uid, before=duration.to_ical().decode(), after="P1D")
