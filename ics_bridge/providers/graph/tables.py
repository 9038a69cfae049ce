"""One table per mapped Graph concept: the only place each Graph↔iCalendar value pair lives.

Sources: MS-OXCICAL 2.1.3.1.1.20.x (Microsoft's own iCalendar conversion rules), RFC 5545,
and the decisions recorded in docs/graph.md (interop-notes section 5).
"""

from __future__ import annotations

# showAs → (TRANSP, X-MICROSOFT-CDO-BUSYSTATUS).  MS-OXCICAL 2.1.3.1.1.20.25: only ``busy`` and
# ``oof`` are OPAQUE... the spec's table writes TRANSPARENT for free and workingElsewhere (footnote
# 202) and OPAQUE for tentative, busy, oof.  We follow the spec and always write BUSYSTATUS so
# Outlook and our own reader restore the exact value (interop-notes section 5, first bullet).
SHOW_AS_TO_ICAL: dict[str, tuple[str, str]] = {
    "free": ("TRANSPARENT", "FREE"),
    "tentative": ("OPAQUE", "TENTATIVE"),
    "busy": ("OPAQUE", "BUSY"),
    "oof": ("OPAQUE", "OOF"),
    "workingElsewhere": ("TRANSPARENT", "WORKINGELSEWHERE"),
}
BUSYSTATUS_TO_SHOW_AS: dict[str, str] = {v[1]: k for k, v in SHOW_AS_TO_ICAL.items()}
# Without BUSYSTATUS, TRANSP alone decides (RFC 5545 3.8.2.7: default OPAQUE → busy).
TRANSP_TO_SHOW_AS: dict[str, str] = {"TRANSPARENT": "free", "OPAQUE": "busy"}

# importance ↔ PRIORITY (MS-OXCICAL 2.1.3.1.1.20.32: high 1, normal 5, low 9; back 1-4 high,
# 5 normal, 6-9 low, 0 undefined) and X-MICROSOFT-CDO-IMPORTANCE 0/1/2.
IMPORTANCE_TO_PRIORITY: dict[str, int] = {"high": 1, "normal": 5, "low": 9}
IMPORTANCE_TO_CDO: dict[str, str] = {"low": "0", "normal": "1", "high": "2"}
CDO_TO_IMPORTANCE: dict[str, str] = {v: k for k, v in IMPORTANCE_TO_CDO.items()}


def priority_to_importance(priority: int) -> str | None:
    if priority <= 0:
        return None
    if priority <= 4:
        return "high"
    if priority == 5:
        return "normal"
    return "low"


# sensitivity ↔ CLASS (MS-OXCICAL 2.1.3.1.1.20.6).  ``personal`` has no CLASS: written as
# PRIVATE plus X-ICSBRIDGE-SENSITIVITY:PERSONAL so our reader restores it (section 5 bullet 3).
SENSITIVITY_TO_CLASS: dict[str, str] = {
    "normal": "PUBLIC",
    "personal": "PRIVATE",
    "private": "PRIVATE",
    "confidential": "CONFIDENTIAL",
}
CLASS_TO_SENSITIVITY: dict[str, str] = {"PUBLIC": "normal", "PRIVATE": "private", "CONFIDENTIAL": "confidential"}

# attendee status.response ↔ PARTSTAT (RFC 5545 3.2.12).  none and notResponded both mean "no
# answer yet"; organizer is the organizer's own acceptance.
RESPONSE_TO_PARTSTAT: dict[str, str] = {
    "none": "NEEDS-ACTION",
    "notResponded": "NEEDS-ACTION",
    "organizer": "ACCEPTED",
    "accepted": "ACCEPTED",
    "declined": "DECLINED",
    "tentativelyAccepted": "TENTATIVE",
}
PARTSTAT_TO_RESPONSE: dict[str, str] = {
    "NEEDS-ACTION": "none",
    "ACCEPTED": "accepted",
    "DECLINED": "declined",
    "TENTATIVE": "tentativelyAccepted",
}

# attendee type ↔ (ROLE, CUTYPE).  Resources: MS-OXCICAL ROLE=NON-PARTICIPANT;CUTYPE=RESOURCE.
ATTENDEE_TYPE_TO_ICAL: dict[str, tuple[str, str]] = {
    "required": ("REQ-PARTICIPANT", "INDIVIDUAL"),
    "optional": ("OPT-PARTICIPANT", "INDIVIDUAL"),
    "resource": ("NON-PARTICIPANT", "RESOURCE"),
}
RESOURCE_CUTYPES = frozenset({"RESOURCE", "ROOM"})

# onlineMeetingProvider ↔ CONFERENCE LABEL.
PROVIDER_LABEL: dict[str, str] = {
    "teamsForBusiness": "Microsoft Teams",
    "skypeForBusiness": "Skype for Business",
    "skypeForConsumer": "Skype",
}
