"""DTEND sanity (RFC 5545 3.6.1): an all-day DTEND on or before DTSTART means one day (ical
``same_day_dtend`` compat, interop-notes case 15); DTEND together with DURATION is invalid
(DTEND kept); a timed DTEND before DTSTART becomes a zero-length event.  All reported."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from icalendar import Event

from ..report import LossKind, Report


def apply(event: Event, report: Report) -> None:
    uid = str(event.get("UID", "")) or None
    start_prop, end_prop = event.get("DTSTART"), event.get("DTEND")
    if end_prop is not None and event.get("DURATION") is not None:
        del event["DURATION"]
        report.add(LossKind.INVALID_VALUE, "DURATION", "DTEND and DURATION both present; DTEND kept", uid=uid)
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
        try:
            backwards = end < start
        except TypeError:  # floating vs zoned
            return
        if backwards:
            end_prop.dt = start
            report.add(LossKind.INVALID_VALUE, "DTEND", "DTEND before DTSTART; zero duration used",
                       uid=uid, before=end, after=start)
