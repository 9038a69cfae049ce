"""VALARM properties RFC 5545 3.6.6 requires: a DISPLAY alarm without DESCRIPTION (Evolution,
ical4j's ``evolution2`` sample) gets the event's SUMMARY as its text, else "Reminder"; the
``ical`` library refuses the whole calendar otherwise, and Graph/Google have no alarm text to
lose.  An alarm without ACTION (or an empty one) is read as DISPLAY, what every client shows it
as; of several ACTIONs the first non-empty one is kept.  Reported."""

from __future__ import annotations

from icalendar import Event

from ..report import LossKind, Report

DEFAULT_TEXT = "Reminder"


def apply(event: Event, report: Report) -> None:
    uid = str(event.get("UID", "")) or None
    for alarm in event.subcomponents:
        if alarm.name != "VALARM":
            continue
        action = alarm.get("ACTION")
        if isinstance(action, list):  # RFC 5545 3.6.6: exactly one ACTION
            kept = next((a for a in action if str(a).strip()), None)
            del alarm["ACTION"]
            alarm.add("ACTION", kept if kept is not None else "DISPLAY")
            report.add(LossKind.QUIRK_REPAIRED, "VALARM;ACTION", f"{len(action)} ACTIONs; " + ("the first non-empty kept" if kept is not None else "none set: DISPLAY"),
                       uid=uid, before=", ".join(str(a) for a in action), after=str(alarm["ACTION"]))
        elif action is None or not str(action).strip():
            if action is not None:
                del alarm["ACTION"]
            alarm.add("ACTION", "DISPLAY")
            report.add(LossKind.QUIRK_REPAIRED, "VALARM;ACTION", "alarm without ACTION read as DISPLAY",
                       uid=uid, after="DISPLAY")
        if str(alarm.get("ACTION")).upper() == "DISPLAY" and alarm.get("DESCRIPTION") is None:
            summary = event.get("SUMMARY")
            if isinstance(summary, list):  # a duplicated SUMMARY: the first
                summary = summary[0] if summary else None
            text = str(summary or "") or DEFAULT_TEXT
            alarm.add("DESCRIPTION", text)
            report.add(LossKind.QUIRK_REPAIRED, "VALARM;DESCRIPTION",
                       "DISPLAY alarm without DESCRIPTION (RFC 5545 3.6.6): the event's summary used", uid=uid,
                       after=text[:80])
