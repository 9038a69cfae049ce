"""The legacy PascalCase Event resource (Outlook REST v1/v2, Graph alpha; seed 004) → v1.0 shape.

Differences handled (seed 004's property table):

* every property name is PascalCase (``Subject``, ``Body.ContentType``, ``EmailAddress.Address``);
* ``Start``/``End`` are ``Edm.DateTimeOffset`` strings, with the zone in ``StartTimeZone``/
  ``EndTimeZone``.  The offset gives the instant, the zone the TZID (interop-notes case 52:
  python-o365 replaced the offset with the local zone and shifted events);
* ``Reminder`` (minutes) instead of ``isReminderOn`` + ``reminderMinutesBeforeStart``;
* ``DateTimeCreated``/``DateTimeLastModified`` instead of ``createdDateTime``/
  ``lastModifiedDateTime``.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

from ...timezones import resolve_name

_RENAMES = {
    "dateTimeCreated": "createdDateTime",
    "dateTimeLastModified": "lastModifiedDateTime",
}


def is_legacy(data: dict[str, Any]) -> bool:
    """PascalCase top-level names (other than annotations and ``iCalUId``) mark the old shape."""
    for k in data:  # a plain loop: this runs on every Graph event
        if type(k) is str and k[:1].isupper():
            return True
    return False


def _camel(key: str) -> str:
    if not key or key.startswith("@") or not key[0].isupper():
        return key
    return key[0].lower() + key[1:]


def _camel_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {_camel(k): _camel_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_camel_keys(v) for v in value]
    return value


def _offset_to_zone(value: str, zone_name: str | None) -> dict[str, str]:
    """An ``Edm.DateTimeOffset`` + zone name → ``dateTimeTimeZone`` with the same instant."""
    text = re.sub(r"(\.\d{1,6})\d*", r"\1", value.strip()).replace("Z", "+00:00")
    instant = datetime.fromisoformat(text)
    if instant.tzinfo is None:  # no offset: already wall time in the named zone
        return {"dateTime": instant.isoformat(), "timeZone": zone_name or "UTC"}
    resolved = resolve_name(zone_name) if zone_name else None
    if resolved is None:
        utc = instant.astimezone(timezone.utc).replace(tzinfo=None)
        return {"dateTime": utc.isoformat(), "timeZone": "UTC"}
    wall = instant.astimezone(resolved.tz).replace(tzinfo=None)
    return {"dateTime": wall.isoformat(), "timeZone": zone_name or "UTC"}


def normalize_legacy(data: dict[str, Any]) -> dict[str, Any]:
    """Return the v1.0-shaped dict for a legacy event; other shapes are returned unchanged."""
    if not is_legacy(data):
        return data
    out = _camel_keys(data)
    for old, new in _RENAMES.items():
        if old in out and new not in out:
            out[new] = out.pop(old)
    for end in ("start", "end"):
        value = out.get(end)
        if isinstance(value, str):
            zone = out.pop(f"{end}TimeZone", None)
            out[end] = _offset_to_zone(value, zone)
    if "reminder" in out and "reminderMinutesBeforeStart" not in out:
        minutes = out.pop("reminder")
        out["isReminderOn"] = minutes is not None
        if minutes is not None:
            out["reminderMinutesBeforeStart"] = minutes
    return out
