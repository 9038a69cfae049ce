"""Conventions of the hub: the iCalendar properties every mapper agrees on.

The hub is an :class:`icalendar.Calendar` whose VEVENTs carry zone-aware datetimes
(``zoneinfo.ZoneInfo`` for every zone that resolved to IANA, UTC for ``Z`` values) or dates.
A series is one master VEVENT plus overrides with the same UID and a RECURRENCE-ID
(RFC 5545 3.8.4.4); cancelled occurrences are EXDATEs on the master.

Provider identities and values that have no standard property travel in the X- properties
named here, so a Graph→ICS→Graph or Google→ICS→Google round trip restores them.  Names
already used by Outlook or Google exports are reused (X-MICROSOFT-*, X-GOOGLE-*); ours carry
the ``X-ICSBRIDGE-`` prefix.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from icalendar import Component

# Provider record identities (not the series UID, which is UID).
X_GRAPH_ID = "X-ICSBRIDGE-GRAPH-ID"
X_GRAPH_CHANGEKEY = "X-ICSBRIDGE-GRAPH-CHANGEKEY"
X_GOOGLE_ID = "X-ICSBRIDGE-GOOGLE-ID"
X_GOOGLE_ETAG = "X-ICSBRIDGE-GOOGLE-ETAG"
X_GOOGLE_RECURRING_EVENT_ID = "X-ICSBRIDGE-GOOGLE-RECURRINGEVENTID"
# On a removal tombstone (Graph ``@removed``): its reason.
X_REMOVED = "X-ICSBRIDGE-REMOVED"
# On an EXDATE that restates an endless series' EXRULE for clients that ignore EXRULE
# (quirks/exrule.py): provider writers leave it to the EXRULE.
PARAM_FROM_EXRULE = "X-ICSBRIDGE-EXRULE"

# Provider fields without a standard home, kept as JSON for that provider's way back.
X_GRAPH_STASH = "X-ICSBRIDGE-GRAPH-JSON"
X_GOOGLE_STASH = "X-ICSBRIDGE-GOOGLE-JSON"

# Availability as Outlook writes it (MS-OXCICAL 2.1.3.1.1.20.x).
X_BUSYSTATUS = "X-MICROSOFT-CDO-BUSYSTATUS"
X_INTENDEDSTATUS = "X-MICROSOFT-CDO-INTENDEDSTATUS"
X_IMPORTANCE = "X-MICROSOFT-CDO-IMPORTANCE"
X_ALLDAY = "X-MICROSOFT-CDO-ALLDAYEVENT"
X_DISALLOW_COUNTER = "X-MICROSOFT-DISALLOW-COUNTER"
X_TEAMS_URL = "X-MICROSOFT-SKYPETEAMSMEETINGURL"
X_SENSITIVITY = "X-ICSBRIDGE-SENSITIVITY"

# Google's own export extensions.
X_GOOGLE_CONFERENCE = "X-GOOGLE-CONFERENCE"
X_GOOGLE_EVENT_TYPE = "X-ICSBRIDGE-GOOGLE-EVENT-TYPE"
# On a VALARM: this alarm came from the calendar's defaultReminders (reminders.useDefault).
X_GOOGLE_DEFAULT_ALARM = "X-ICSBRIDGE-GOOGLE-DEFAULT-REMINDER"

# The marker line that carries a join link in DESCRIPTION for clients that ignore CONFERENCE.
JOIN_LINE_PREFIX = "Join online meeting: "


def event_uid(event: Component) -> str | None:
    uid = event.get("UID")
    return str(uid) if uid is not None else None


def recurrence_id_text(event: Component) -> str | None:
    rid = event.get("RECURRENCE-ID")
    if rid is None:
        return None
    value = rid.dt
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
