"""Helpers shared by tests/test_google_*.py: round-trip normalisation and a validator of Google
output against the Calendar v3 discovery document."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

TESTS = Path(__file__).resolve().parent.parent
CORPUS = TESTS / "corpus" / "google"
DISCOVERY = json.loads((TESTS / "schemas" / "google-calendar-v3-discovery.json").read_text())
SCHEMAS = DISCOVERY["schemas"]


def load(name: str) -> Any:
    return json.loads((CORPUS / name).read_text())


def corpus_events() -> list[str]:
    return sorted(p.name for p in CORPUS.glob("*.json")
                  if "pseudo" not in p.name and p.name not in ("gdata-provider__gcalItems.json",
                                                                "gdata-provider__jcalItems.json"))


def _instant(edt: dict[str, Any]) -> Any:
    if "date" in edt:
        return ("date", edt["date"])
    text = edt["dateTime"].replace("Z", "+00:00")
    value = datetime.fromisoformat(re.sub(r"\.\d+", "", text))
    if value.tzinfo is None:
        from zoneinfo import ZoneInfo
        value = value.replace(tzinfo=ZoneInfo(edt.get("timeZone") or "UTC"))
    return ("dateTime", value.astimezone(timezone.utc), edt.get("timeZone"))


def normalise(event: dict[str, Any], *, calendar_zone: str | None = None) -> dict[str, Any]:
    """A Google event reduced to what the mapping table promises to keep: instants instead of
    strings, recurrence as a set, defaults made explicit."""
    from ics_bridge.providers.google.model import Event
    if event.get("status") == "cancelled" and "start" not in event:
        out = json.loads(json.dumps(event))
    else:
        out = Event.model_validate(event).wire()  # the model's quirk fixes (e.g. "self": "False")
    out.pop("kind", None)
    for key in [k for k, v in out.items() if v == [] or v == {}]:
        del out[key]
    if out.get("endTimeUnspecified"):
        out.pop("end", None)
    for key in ("start", "end", "originalStartTime"):
        if key in out:
            edt = dict(out[key])
            if calendar_zone and "dateTime" in edt and "timeZone" not in edt and calendar_zone:
                edt["timeZone"] = calendar_zone
            out[key] = _instant(edt)
    for key in ("created", "updated"):
        if key in out:
            out[key] = datetime.fromisoformat(re.sub(r"\.\d+", "", out[key]).replace("Z", "+00:00"))
    if "recurrence" in out:
        out["recurrence"] = sorted(out["recurrence"])
    for att in out.get("attendees", []):
        if att.get("responseStatus") is None:
            att["responseStatus"] = "needsAction"
    return out


# ---------------------------------------------------------------- discovery validator

def enum_values(prop: dict[str, Any]) -> list[str] | None:
    """The enum of a discovery property: ``enum`` when present, else the quoted values of a
    "Possible values are" list in its description."""
    if "enum" in prop:
        return list(prop["enum"])
    desc = prop.get("description", "")
    if "Possible values are" not in desc:
        return None
    tail = desc.split("Possible values are", 1)[1]
    return re.findall(r'^\s*- "([^"]+)"', tail, flags=re.MULTILINE) or None


def validate(value: Any, schema: dict[str, Any], path: str = "Event") -> list[str]:
    """Type and enum errors of ``value`` against a discovery schema (``$ref`` resolved)."""
    if "$ref" in schema:
        return validate(value, SCHEMAS[schema["$ref"]], path)
    errors: list[str] = []
    kind = schema.get("type")
    if kind == "object":
        if not isinstance(value, dict):
            return [f"{path}: expected object, got {type(value).__name__}"]
        props = schema.get("properties")
        extra = schema.get("additionalProperties")
        for key, item in value.items():
            if props is not None and key in props:
                errors += validate(item, props[key], f"{path}.{key}")
            elif extra is not None:
                errors += validate(item, extra, f"{path}.{key}")
            elif props is not None:
                errors.append(f"{path}.{key}: not in the schema")
        return errors
    if kind == "array":
        if not isinstance(value, list):
            return [f"{path}: expected array"]
        for i, item in enumerate(value):
            errors += validate(item, schema["items"], f"{path}[{i}]")
        return errors
    if kind == "string":
        if not isinstance(value, str):
            return [f"{path}: expected string, got {value!r}"]
        fmt = schema.get("format")
        try:
            if fmt == "date":
                date.fromisoformat(value)
            elif fmt == "date-time":
                parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
                if parsed.tzinfo is None:
                    errors.append(f"{path}: RFC 3339 date-time needs an offset: {value}")
        except ValueError:
            errors.append(f"{path}: bad {fmt} {value!r}")
        allowed = enum_values(schema)
        if allowed and value not in allowed:
            errors.append(f"{path}: {value!r} not in {allowed}")
        return errors
    if kind == "integer":
        if not isinstance(value, int) or isinstance(value, bool):
            return [f"{path}: expected integer, got {value!r}"]
        return []
    if kind == "boolean":
        if not isinstance(value, bool):
            return [f"{path}: expected boolean, got {value!r}"]
    return errors


def required_for(method: str) -> list[str]:
    return [k for k, v in SCHEMAS["Event"]["properties"].items()
            if method in v.get("annotations", {}).get("required", [])]


def validate_event(event: dict[str, Any], profile: str) -> list[str]:
    errors = validate(event, SCHEMAS["Event"])
    if event.get("status") == "cancelled" and "start" not in event:
        return errors
    method = {"insert": "calendar.events.insert", "import": "calendar.events.import"}.get(profile)
    if method and "recurringEventId" not in event:
        errors += [f"missing required {k} for {method}" for k in required_for(method) if k not in event]
    if profile == "insert" and "recurringEventId" not in event:
        if "iCalUID" in event:
            errors.append("insert body carries iCalUID next to id")
        if "id" in event and not re.fullmatch(r"[a-v0-9]{5,1024}", event["id"]):
            errors.append(f"invalid insert id {event['id']!r}")
    if profile == "import" and "id" in event:
        errors.append("import body carries id")
    if event.get("recurrence"):
        for key in ("start", "end"):
            if "dateTime" in event[key] and not event[key].get("timeZone"):
                errors.append(f"recurring event without {key}.timeZone")
        if "dateTime" in event["start"] and event["start"].get("timeZone") != event["end"].get("timeZone"):
            errors.append("recurring event with different start/end zones")
    rem = event.get("reminders", {})
    if len(rem.get("overrides", [])) > 5:
        errors.append("more than 5 overrides")
    for o in rem.get("overrides", []):
        if not 0 <= o["minutes"] <= 40320:
            errors.append(f"reminder minutes {o['minutes']} out of range")
    if rem.get("useDefault") and rem.get("overrides"):
        errors.append("useDefault together with overrides")
    return errors


def items_of(data: Any) -> list[dict[str, Any]]:
    if isinstance(data, dict) and "items" in data:
        return data["items"]
    return [data]
