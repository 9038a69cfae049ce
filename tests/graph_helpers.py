"""Helpers for Graph tests: load example bodies, compare Graph events by meaning."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar

import ics_bridge
from ics_bridge.providers.graph.model import Event, parse_graph_datetime
from ics_bridge.timezones import resolve_name

TESTS = Path(__file__).parent
SEEDS = TESTS / "seeds" / "graph"
CORPUS = TESTS / "corpus" / "graph"

# Values Graph itself fills in when a property is absent: equal to "absent" for comparisons.
GRAPH_DEFAULTS: dict[str, Any] = {
    "isAllDay": False, "isCancelled": False, "isReminderOn": False, "showAs": "busy",
    "type": "singleInstance", "categories": [], "attendees": [], "locations": [],
    "importance": "normal", "sensitivity": "normal",
}


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def items(payload: Any) -> list[dict[str, Any]]:
    if isinstance(payload, dict) and "value" in payload:
        return payload["value"]
    return payload if isinstance(payload, list) else [payload]


def instant(dtz: dict[str, str]) -> datetime:
    wall = parse_graph_datetime(dtz["dateTime"])
    assert wall is not None
    if wall.tzinfo is not None:
        return wall.astimezone(timezone.utc)
    zone = resolve_name(dtz.get("timeZone") or "UTC")
    assert zone is not None, dtz
    return wall.replace(tzinfo=zone.tz).astimezone(timezone.utc)


def meaning(raw: dict[str, Any]) -> dict[str, Any]:
    """A Graph event reduced to what it means: instants instead of zone renderings, seconds
    precision (ICS has no fractions), CRLF folded, Graph defaults dropped."""
    e = Event.model_validate(raw).model_dump(mode="json", exclude_none=True, by_alias=True)
    for key in ("start", "end"):
        if key in e:
            e[key] = e[key]["dateTime"][:10] if raw.get("isAllDay") else instant(e[key]).isoformat()
    for key in ("originalStartTimeZone", "originalEndTimeZone", "@odata.etag", "@odata.context"):
        e.pop(key, None)
    for key in ("createdDateTime", "lastModifiedDateTime"):
        if key in e:
            e[key] = e[key][:19]
    if "body" in e:
        content = (e["body"].get("content") or "").replace("\r\n", "\n")
        if not content:
            e.pop("body")
        else:
            e["body"] = {"contentType": e["body"]["contentType"], "content": content}
    for att in e.get("attendees", []):
        status = att.get("status", {})
        if status.get("time", "").startswith("0001"):
            status.pop("time")
        if status.get("response") in (None, "none"):
            att.pop("status", None)
    rec = e.get("recurrence")
    if rec:
        for key, default in {"month": 0, "dayOfMonth": 0, "firstDayOfWeek": "sunday", "index": "first"}.items():
            if rec["pattern"].get(key) == default:
                rec["pattern"].pop(key)
        rng = rec["range"]
        rng.pop("recurrenceTimeZone", None)
        if rng.get("numberOfOccurrences") == 0:
            rng.pop("numberOfOccurrences")
    for key, default in GRAPH_DEFAULTS.items():
        if e.get(key) == default:
            e.pop(key)
    return e


def graph_roundtrip(raw: Any, options: ics_bridge.Options = ics_bridge.Options()) -> tuple[ics_bridge.Conversion, ics_bridge.Conversion]:
    there = ics_bridge.graph_to_ics(raw, options)
    back = ics_bridge.ics_to_graph(there.to_bytes(options), options)
    return there, back


def vevents(conv: ics_bridge.Conversion) -> list[Any]:
    return list(Calendar.from_ical(conv.to_bytes()).walk("VEVENT"))


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo("Europe/Paris"))
