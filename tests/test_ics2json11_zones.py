"""``timezones._simple_occurrences``' yearly rule with one BYMONTH and one positioned BYDAY
(ics2json11's ``_nth_weekdays``: a VTIMEZONE's onset rule, RFC 5545 3.6.5) against dateutil's
expansion (``rrulestr``): on generated rules (every position -5..5 but 0, weekday, month,
INTERVAL, COUNT, UNTIL, starts before, on and after the year's occurrence, at any time of day)
and on every VTIMEZONE rule of the corpus, samples and producer files, read the way
``timezones._onsets`` reads them (a local UNTIL, ``between(start, until, inc=True)``)."""

from __future__ import annotations

import itertools
import random
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from dateutil.rrule import rrulestr
from icalendar import Calendar

from ics_bridge.timezones import _simple_occurrences

ROOT = Path(__file__).resolve().parent.parent
_DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def _generated(n: int, seed: int) -> list[tuple[str, datetime]]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        nth = rng.choice([k for k in range(-5, 6) if k])
        parts = ["FREQ=YEARLY", f"BYMONTH={rng.randint(1, 12)}",
                 f"BYDAY={rng.choice(['', '+']) if nth > 0 else ''}{nth}{rng.choice(_DAYS)}"]
        if rng.random() < 0.3:
            parts.append(f"INTERVAL={rng.randint(1, 5)}")
        start = datetime(rng.randint(1601, 2100), rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23),
                         rng.randint(0, 59), rng.randint(0, 59))
        end = rng.random()
        if end < 0.3:
            parts.append(f"COUNT={rng.randint(1, 30)}")
        elif end < 0.6:
            parts.append(f"UNTIL={start + timedelta(days=rng.randint(-40, 9000)):%Y%m%dT%H%M%S}")
        if rng.random() < 0.2:
            parts.append("WKST=SU")
        rng.shuffle(parts)
        out.append((";".join(parts), start))
    return out


@pytest.mark.parametrize("seed", range(3))
def test_generated_yearly_weekday_rules_as_dateutil(seed: int) -> None:
    for text, start in _generated(700, seed):
        simple = _simple_occurrences(text, start)
        assert simple is not None, text
        assert list(itertools.islice(simple, 80)) == list(itertools.islice(rrulestr(text, dtstart=start), 80)), \
            (text, start)


@pytest.mark.parametrize("text", ["FREQ=YEARLY;BYDAY=-1SU", "FREQ=YEARLY;BYMONTH=10;BYDAY=SU",
                                  "FREQ=MONTHLY;BYMONTH=10;BYDAY=-1SU", "FREQ=YEARLY;BYMONTH=10,3;BYDAY=-1SU",
                                  "FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU,1SU", "FREQ=YEARLY;BYMONTH=13;BYDAY=1SU",
                                  "FREQ=YEARLY;BYMONTH=10;BYDAY=0SU", "FREQ=YEARLY;BYMONTH=10;BYDAY=6SU"])
def test_other_shapes_left_to_dateutil(text: str) -> None:
    assert _simple_occurrences(text, datetime(2024, 1, 31, 2)) is None


def _vtimezone_rules() -> list[tuple[str, datetime]]:
    """(rule text with a local UNTIL, naive DTSTART) of every observance with an RRULE, as
    ``timezones._onsets`` prepares them."""
    files = [p for folder in ("tests/corpus/ics", "samples/ics", "tests/producers")
             for p in sorted((ROOT / folder).rglob("*.ics"))]
    found = []
    for path in files:
        try:
            cal = Calendar.from_ical(path.read_bytes())
        except (ValueError, KeyError, IndexError):
            continue
        for obs in cal.walk():
            if obs.name not in ("STANDARD", "DAYLIGHT") or obs.get("RRULE") is None or obs.get("DTSTART") is None:
                continue
            start = obs["DTSTART"]
            start = (start[0] if isinstance(start, list) else start).dt
            if not isinstance(start, datetime):
                continue
            text = obs["RRULE"].to_ical().decode()
            text = re.sub(r"UNTIL=(\d{8})(?:T(\d{6}))?Z?", lambda m: f"UNTIL={m.group(1)}T{m.group(2) or '235959'}", text)
            found.append((text, start.replace(tzinfo=None)))
    return found


def test_corpus_vtimezone_rules_as_onsets_reads_them() -> None:
    rules = _vtimezone_rules()
    simple_ones = 0
    for text, start in rules:
        simple = _simple_occurrences(text, start)
        if simple is None:
            continue
        simple_ones += 1
        until = datetime(2051, 1, 2)
        assert list(itertools.takewhile(lambda o: o <= until, simple)) == \
            list(rrulestr(text, dtstart=start, cache=False).between(start, until, inc=True)), (text, start)
    assert simple_ones > 30, (simple_ones, len(rules))
