"""Near-miss DATE / DATE-TIME values: one slip of the producer, read as the evident value.

Evidence: an Android sync adapter writes ``DTSTART:20131009T170000T`` (a stray trailing ``T``;
the KDE/DAVx5 bug reports quote it); other producers write ``…Z `` or ``…ZZ``, lower-case
``t``/``z``, no ``T`` (``20131009170000``), no seconds (``20131009T1700``), fractions of a
second (``…T170000.000Z``) or the ISO 8601 extended form (``2013-10-09T17:00:00Z``).  RFC 5545
3.3.4/3.3.5 allow none of them; icalendar refuses each one, which made the whole event an error.
ical.js and libical read most of them as the evident date-time (lenient parsers, they stop at
the slip), so ics-bridge does too, reported each time with the value before and after
(``quirk-repaired``).  A value with no evident reading (``20131009T``, ``2013100T170000``, a
month 13) is not guessed at: it stays an error naming the value (``io/ics.py``).

Runs while the file is parsed (``io/ics.py``, ``_Parser._near_miss``), on the values of the
properties below only, before icalendar sees them: icalendar refuses most of these values, but
reads a stray trailing character after a value with a TZID silently, unreported.
"""

from __future__ import annotations

import re

# The properties whose value is a DATE or DATE-TIME (or a list of them) in RFC 5545.
PROPERTIES = frozenset({"DTSTART", "DTEND", "DUE", "RECURRENCE-ID", "EXDATE", "RDATE", "DTSTAMP", "CREATED",
                        "LAST-MODIFIED", "COMPLETED"})

_NEAR = re.compile(
    r"(?P<y>\d{4})(?P<s1>-?)(?P<m>\d{2})(?P=s1)(?P<d>\d{2})"
    r"(?:(?P<t>[Tt ]?)(?P<hh>\d{2})(?P<s2>:?)(?P<mm>\d{2})(?:(?P=s2)(?P<ss>\d{2})(?:\.\d{1,9})?)?"
    r"(?P<z>[Zz]{0,2}))?"
    r"(?P<stray>[^0-9])?")


def repair_one(value: str) -> str | None:
    """The evident RFC 5545 form of one near-miss DATE or DATE-TIME, or None (no evident
    reading, or nothing to repair)."""
    text = value.strip()
    found = _NEAR.fullmatch(text)
    if found is None:
        return None
    if found["hh"] is None:
        if found["stray"] and found["stray"] in "Tt":
            return None  # "20131009T": a date, or a date-time cut off? Not evident
        fixed = f"{found['y']}{found['m']}{found['d']}"
    else:
        if not found["t"] and not found["s1"] and found["ss"] is None:
            return None  # "201310091700": twelve digits are no evident date-time
        fixed = f"{found['y']}{found['m']}{found['d']}T{found['hh']}{found['mm']}{found['ss'] or '00'}"
        fixed += "Z" if found["z"] else ""
    return fixed if fixed != value else None


_PLAIN = re.compile(r"\d{8}(?:T\d{6}Z?)?(?:,\d{8}(?:T\d{6}Z?)?)*")


def repair(value: str) -> str | None:
    """:func:`repair_one` over a comma-separated list (EXDATE, RDATE); None when any item has
    no evident reading or nothing changes."""
    if _PLAIN.fullmatch(value):
        return None  # the RFC 5545 shape: the common case, decided by one match
    items = value.split(",")
    out = []
    for item in items:
        fixed = repair_one(item)
        if fixed is None and _NEAR.fullmatch(item) is None:
            return None
        out.append(fixed if fixed is not None else item)
    joined = ",".join(out)
    return joined if joined != value else None
