"""RRULE/EXRULE values icalendar reads but RFC 5545 3.3.10 forbids: no or unknown FREQ,
COUNT or INTERVAL below 1, COUNT together with UNTIL, BYxxx numbers out of range.  A provider
would reject the event (Google) or a mapper would guess; the rule is dropped (the series becomes
its first occurrence) and reported, except COUNT with UNTIL, where UNTIL is kept.  A rule
repeated word for word is kept once (RFC 5545: RRULE SHOULD NOT occur more than once).

Nothing here expands a rule: COUNT=10^9 and an endless FREQ=SECONDLY are valid and cost nothing
(conversion never expands; validation expands within a bounded horizon)."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from icalendar.prop import vRecur

from .. import model as m
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


_TYPED_RANGES = tuple((key.lower(), low, high, signed) for key, (low, high, signed) in _RANGES.items())


def _surely_valid(rule: m.Recur) -> bool:
    """Whether :func:`problem` finds nothing in a typed rule, read off its fields at once: a
    known FREQ, COUNT and INTERVAL integers of at least 1, every BYxxx part a tuple of integers
    in range, no other parts.  False sends the rule to :func:`problem` (a month written as text,
    an odd type): 1 µs a rule where ``problem``'s twelve look-ups through ``_Parts`` took 10."""
    if rule.other or type(rule.freq) is not str or rule.freq not in FREQS:
        return False
    for number in (rule.count, rule.interval):
        if number is not None and (type(number) is not int or number < 1):
            return False
    for attr, low, high, signed in _TYPED_RANGES:
        values = getattr(rule, attr)
        if type(values) is not tuple:
            return False
        for v in values:
            if type(v) is not int or not (low <= v <= high or (signed and -high <= v <= -low)):
                return False
    return True


def _typed_values(rule: m.Recur, key: str) -> list[Any]:
    """A typed rule's values of part ``key`` as icalendar's ``vRecur`` lists them."""
    if key == "FREQ":
        return [rule.freq] if rule.freq is not None else []
    if key == "UNTIL":
        return [rule.until] if rule.until is not None else []
    value = getattr(rule, key.lower(), None)
    if value is None:
        return [v for k, v in rule.other if k == key]
    if key == "BYMONTH":  # RFC 7529 "5L": icalendar's vMonth is the number, leap flag aside
        return [int(v[:-1]) if v[-1:] in "Ll" and v[:-1].isdigit() else v for v in value]
    return list(value) if isinstance(value, tuple) else [value]


class _Parts:
    """``problem``'s view of a typed rule (``rule.get(key)``)."""

    def __init__(self, rule: m.Recur) -> None:
        self.rule = rule

    def get(self, key: str) -> Any:
        values = _typed_values(self.rule, key)
        return values or None


def _ical_text(rule: m.Recur) -> str:
    """The rule as icalendar writes it (what the report has always quoted)."""
    try:
        return vRecur.from_ical(rule.text).to_ical().decode()
    except (ValueError, TypeError, AttributeError):
        return rule.text


_COUNT_PART = re.compile(r"(?i)(^|;)COUNT=[^;]*(;|$)")


def _without_count(rule: m.Recur) -> m.Recur:
    text = _COUNT_PART.sub(lambda found: ";" if found.group(1) and found.group(2) else "", rule.text)
    return dataclasses.replace(rule, count=None, text=text)


def apply(event: m.Event, report: Report) -> m.Event:
    uid = event.uid or None
    changes: dict[str, tuple[m.Recur, ...]] = {}
    for name, key in (("RRULE", "rrules"), ("EXRULE", "exrules")):
        rules: tuple[m.Recur, ...] = getattr(event, key)
        if not rules:
            continue
        kept: list[m.Recur] = []
        seen: set[str] = set()
        changed = False
        for rule in rules:
            text_key = _ical_text(rule) if len(rules) > 1 else None
            if text_key is not None and text_key in seen:
                # The same rule twice (recurring-ical-events' duplicated_rrule): one recurrence
                # set has no duplicates, but ical.js yields every instance twice and ``ical``
                # refuses the calendar; one copy means the same for everyone.
                report.add(LossKind.QUIRK_REPAIRED, name, f"the same {name} twice; one kept", uid=uid, before=text_key)
                changed = True
                continue
            if text_key is not None:
                seen.add(text_key)
            why = None if _surely_valid(rule) else problem(_Parts(rule))
            if why is None:
                if rule.count is not None and rule.until is not None:
                    rule = _without_count(rule)
                    changed = True
                    report.add(LossKind.INVALID_VALUE, f"{name};COUNT", "COUNT and UNTIL both present; UNTIL kept", uid=uid)
                kept.append(rule)
                continue
            changed = True
            tail = "; the series is read as its first occurrence" if name == "RRULE" else ""
            report.add(LossKind.INVALID_VALUE, name, f"invalid {name}: {why}; dropped{tail}", uid=uid,
                       before=_ical_text(rule))
        if changed:
            changes[key] = tuple(kept)
    return dataclasses.replace(event, **changes) if changes else event  # type: ignore[arg-type]
