"""A Graph master's pattern and range dumped once an event (``_EventMapper.recurrence_dumps``,
shared by ``synchronized`` and ``recurrence``, issue 12 round 4) give what dumping them for each
reader gives: the same .ics bytes, report and errors on every Graph JSON of the corpus and on
generated masters of every pattern type (starts on and off the rule, ranges of each kind).
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from ics_bridge.providers.graph import to_ical
from test_graphin_fastpath import _convert, _payloads

_PATTERNS: list[dict[str, Any]] = [
    {"type": "daily", "interval": 2},
    {"type": "weekly", "interval": 1, "daysOfWeek": ["monday", "thursday"], "firstDayOfWeek": "sunday"},
    {"type": "absoluteMonthly", "interval": 1, "dayOfMonth": 31},
    {"type": "relativeMonthly", "interval": 2, "daysOfWeek": ["friday"], "index": "last"},
    {"type": "absoluteYearly", "interval": 1, "month": 2, "dayOfMonth": 29},
    {"type": "relativeYearly", "interval": 1, "month": 3, "daysOfWeek": ["sunday"], "index": "second"},
    {"type": "hourly", "interval": 1},
]


def _masters(rng: random.Random, n: int) -> list[dict[str, Any]]:
    out = []
    for i in range(n):
        day = 1 + rng.randrange(28)
        all_day = rng.random() < 0.2
        start = f"2026-03-{day:02d}T" + ("00:00:00.0000000" if all_day else "09:30:00.0000000")
        end = f"2026-03-{day:02d}T" + ("00:00:00.0000000" if all_day else "10:00:00.0000000")
        kind = rng.choice(["numbered", "endDate", "noEnd"])
        rng_obj: dict[str, Any] = {"type": kind, "startDate": f"2026-03-{rng.choice([day, 1]):02d}",
                                   "recurrenceTimeZone": rng.choice(["W. Europe Standard Time", "UTC", None, "Nowhere"])}
        if kind == "numbered":
            rng_obj["numberOfOccurrences"] = rng.randint(1, 9)
        elif kind == "endDate":
            rng_obj["endDate"] = rng.choice(["2026-06-30", "2027-01-01"])
        out.append({"id": f"m{i}", "iCalUId": f"m{i}@example.com", "subject": "s", "type": "seriesMaster",
                    "isAllDay": all_day, "start": {"dateTime": start, "timeZone": "W. Europe Standard Time"},
                    "end": {"dateTime": end.replace("T00", "T00") if not all_day else
                            f"2026-03-{day:02d}T00:00:00.0000000", "timeZone": "W. Europe Standard Time"},
                    "recurrence": {"pattern": dict(rng.choice(_PATTERNS)), "range": rng_obj},
                    "cancelledOccurrences": [f"OID.m{i}.2026-04-0{rng.randint(1, 9)}"] if rng.random() < 0.3 else []})
    return out


def _fresh_dumps(self: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The reference: dumped anew for each reader, as before."""
    rec = self.e.recurrence
    return rec.pattern.model_dump(exclude_none=True), rec.range.model_dump(mode="json", exclude_none=True)


def test_dumped_once_gives_dumped_for_each(monkeypatch: pytest.MonkeyPatch) -> None:
    payloads = _payloads() + [{"value": _masters(random.Random(s), 200)} for s in range(3)]
    fast = [_convert(p) for p in payloads]
    assert sum(b"RRULE:" in out[0] for out in fast) > 5
    monkeypatch.setattr(to_ical._EventMapper, "recurrence_dumps", _fresh_dumps)
    assert [_convert(p) for p in payloads] == fast
