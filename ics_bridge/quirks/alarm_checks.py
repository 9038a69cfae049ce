"""VALARM properties RFC 5545 3.6.6 requires: a DISPLAY alarm without DESCRIPTION (Evolution,
ical4j's ``evolution2`` sample) gets the event's SUMMARY as its text, else "Reminder"; the
``ical`` library refuses the whole calendar otherwise, and Graph/Google have no alarm text to
lose.  An alarm without ACTION (or an empty one) is read as DISPLAY, what every client shows it
as; of several ACTIONs the first non-empty one is kept.  Reported."""

from __future__ import annotations

import dataclasses

from .. import model as m
from ..io.lines import unescape_text
from ..report import LossKind, Report

DEFAULT_TEXT = "Reminder"


def apply(event: m.Event, report: Report) -> m.Event:
    if not event.alarms:  # most events: no list, no generator
        return event
    uid = event.uid or None
    alarms = []
    for alarm in event.alarms:
        alarms.append(_alarm(alarm, event, uid, report))
    if all(a is b for a, b in zip(alarms, event.alarms)):
        return event
    return dataclasses.replace(event, alarms=tuple(alarms))


def _alarm(alarm: m.Alarm, event: m.Event, uid: str | None, report: Report) -> m.Alarm:
    repeats = [line for line in alarm.other if line.name == "ACTION"]
    action = alarm.action
    if repeats:  # RFC 5545 3.6.6: exactly one ACTION
        actions = [action or ""] + [unescape_text(line.value) for line in repeats]
        kept = next((a for a in actions if a.strip()), None)
        alarm = dataclasses.replace(alarm, action=kept if kept is not None else "DISPLAY",
                                    other=tuple(line for line in alarm.other if line.name != "ACTION"),
                                    params=tuple((k, p) for k, p in alarm.params if k != "ACTION"))
        report.add(LossKind.QUIRK_REPAIRED, "VALARM;ACTION", f"{len(actions)} ACTIONs; " + ("the first non-empty kept" if kept is not None else "none set: DISPLAY"),
                   uid=uid, before=", ".join(actions), after=alarm.action)
    elif action is None or not action.strip():
        alarm = dataclasses.replace(alarm, action="DISPLAY", params=tuple((k, p) for k, p in alarm.params if k != "ACTION"))
        report.add(LossKind.QUIRK_REPAIRED, "VALARM;ACTION", "alarm without ACTION read as DISPLAY",
                   uid=uid, after="DISPLAY")
    if (alarm.action or "").upper() == "DISPLAY" and alarm.description is None:
        text = event.summary or DEFAULT_TEXT
        alarm = dataclasses.replace(alarm, description=text)
        report.add(LossKind.QUIRK_REPAIRED, "VALARM;DESCRIPTION",
                   "DISPLAY alarm without DESCRIPTION (RFC 5545 3.6.6): the event's summary used", uid=uid,
                   after=text[:80])
    return alarm
