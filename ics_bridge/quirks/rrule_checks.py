"""RRULE/EXRULE values icalendar reads but RFC 5545 3.3.10 forbids: no or unknown FREQ,
COUNT or INTERVAL below 1, COUNT together with UNTIL, BYxxx numbers out of range.  A provider
would reject the event (Google) or a mapper would guess; the rule is dropped (the series becomes
its first occurrence) and reported, except COUNT with UNTIL, where UNTIL is kept.  A rule
repeated word for word is kept once (RFC 5545: RRULE SHOULD NOT occur more than once).

Nothing here expands a rule: COUNT=10^9 and an endless FREQ=SECONDLY are valid and cost nothing
(conversion never expands; validation expands within a bounded horizon)."""

from __future__ import annotations

from typing import Any

from icalendar import Event

from ..report import LossKind, Report

FREQS = frozenset({"SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY"})
_RANGES = {
    "BYSECOND": (0, 60, False), "BYMINUTE": (0, 59, False), "BYHOUR": (0, 23, False),
    "BYMONTH": (1, 12, False), "BYMONTHDAY": (1, 31, True), "BYYEARDAY": (1, 366, True),
    "BYWEEKNO": (1, 53, True), "BYSETPOS": (1, 366, True),
}


def _values(rule: Any, key: str) -> list[Any]:
    value = rule.get(key)
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def problem(rule: Any) -> str | None:
    """Why a parsed rule is invalid, or None."""
    freqs = _values(rule, "FREQ")
    if not freqs:
        return "no FREQ"
    if str(freqs[0]).upper() not in FREQS:
        return f"FREQ={freqs[0]} is unknown"
    for key in ("COUNT", "INTERVAL"):
        for value in _values(rule, key):
            try:
                number = int(value)
            except (TypeError, ValueError):
                return f"{key}={value} is not a number"
            if number < 1:
                return f"{key}={value} is below 1"
    for key, (low, high, signed) in _RANGES.items():
        for value in _values(rule, key):
            try:
                number = int(value)
            except (TypeError, ValueError):
                return f"{key}={value} is not a number"
            if not (low <= number <= high or (signed and -high <= number <= -low)):
                return f"{key}={value} is out of range"
    return None


def _key(rule: Any) -> bytes | None:
    try:
        return bytes(rule.to_ical())
    except (ValueError, TypeError, AttributeError):
        return None


def apply(event: Event, report: Report) -> None:
    uid = str(event.get("UID", "")) or None
    for name in ("RRULE", "EXRULE"):
        raw = event.get(name)
        if raw is None:
            continue
        rules = raw if isinstance(raw, list) else [raw]
        kept = []
        seen: set[bytes] = set()
        for rule in rules:
            text_key = _key(rule)
            if text_key is not None and text_key in seen:
                # The same rule twice (recurring-ical-events' duplicated_rrule): one recurrence
                # set has no duplicates, but ical.js yields every instance twice and ``ical``
                # refuses the calendar; one copy means the same for everyone.
                report.add(LossKind.QUIRK_REPAIRED, name, f"the same {name} twice; one kept", uid=uid,
                           before=text_key.decode(errors="replace"))
                continue
            if text_key is not None:
                seen.add(text_key)
            why = problem(rule)
            if why is None:
                if _values(rule, "COUNT") and _values(rule, "UNTIL"):
                    rule.pop("COUNT", None)
                    report.add(LossKind.INVALID_VALUE, f"{name};COUNT", "COUNT and UNTIL both present; UNTIL kept", uid=uid)
                kept.append(rule)
                continue
            try:
                text = rule.to_ical().decode()
            except (ValueError, TypeError, AttributeError):
                text = str(dict(rule))
            tail = "; the series is read as its first occurrence" if name == "RRULE" else ""
            report.add(LossKind.INVALID_VALUE, name, f"invalid {name}: {why}; dropped{tail}", uid=uid, before=text)
        if len(kept) != len(rules):
            del event[name]
            for rule in kept:
                event.add(name, rule)
