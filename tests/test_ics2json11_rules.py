"""``recurrence.rrule_to_graph``'s memo (ics2json11): a translation remembered per rule and the part
of DTSTART it reads for the rule's FREQ (``_start_key``) is the translation made afresh
(``_translated``) for every DTSTART — on generated rules (every FREQ, default and given BYDAY /
BYMONTHDAY / BYMONTH, positions, COUNT, UNTIL, unknown parts) over starts on every weekday, day of
the month, month end and leap day, dates and zoned date-times; on the rules of the corpus,
samples and producer files with their own and shifted starts.  A caller that edits what it got
does not change what the next caller gets."""

from __future__ import annotations

import itertools
import random
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from ics_bridge import model as m
from ics_bridge import recurrence as R
from ics_bridge.io.model_reader import IcsReader, parse_recur

ROOT = Path(__file__).resolve().parent.parent
_PARIS = ZoneInfo("Europe/Paris")

_PARTS = {
    "FREQ": ["DAILY", "WEEKLY", "MONTHLY", "YEARLY", "HOURLY", "daily"],
    "INTERVAL": [None, "1", "2", "3"],
    "COUNT": [None, "1", "5", "40"],
    "BYDAY": [None, "MO", "MO,WE,FR", "2TU", "-1FR", "SU,SA", "1MO,3MO"],
    "BYMONTHDAY": [None, "1", "15", "29", "31", "-1", "28,29,30,31"],
    "BYMONTH": [None, "2", "6", "2,3"],
    "BYSETPOS": [None, "1", "-1", "2"],
    "WKST": [None, "SU", "MO"],
    "UNTIL": [None, "20261231", "20270115T100000Z"],
    "X-NAME": [None, "1"],
}


def _rules(n: int, seed: int) -> list[str]:
    """Every FREQ alone and with each single part, then ``n`` random combinations."""
    rng = random.Random(seed)
    out = {f"FREQ={freq}" + (f";{key}={value}" if key else "") for freq in _PARTS["FREQ"]
           for key, values in [("", [None]), *_PARTS.items()] if key != "FREQ" for value in values if value or not key}
    n += len(out)
    while len(out) < n:
        parts = [f"{key}={value}" for key, values in _PARTS.items() if (value := rng.choice(values)) is not None]
        out.add(";".join(parts))
    return sorted(out)


def _starts() -> list[date | datetime]:
    """Every weekday, day of the month and month end over two years (one a leap year), as dates
    and as date-times in a zone."""
    leap_days = [date(2028, 2, 29), date(2024, 2, 29), date(2096, 2, 29), date(2196, 2, 29)]  # 2100, 2200 are not
    days = [date(2027, 12, 20) + timedelta(days=i) for i in range(0, 800, 3)] + leap_days
    return days + [datetime(d.year, d.month, d.day, 9, 30, tzinfo=_PARIS) for d in days[::2]]


def _zone_of(start: date | datetime) -> ZoneInfo | None:
    return start.tzinfo if isinstance(start, datetime) else None  # type: ignore[return-value]


def _check(rule: m.Recur, starts: list[date | datetime]) -> int:
    """Each start's memoised translation is the fresh one; returns how many were memo hits."""
    hits = 0
    for start in starts:
        key = R._start_key(rule, start)
        hits += key is not None and key in R._GRAPH_RULES
        assert R.rrule_to_graph(rule, start, _zone_of(start)) == R._translated(rule, start, _zone_of(start)), \
            (rule.text, start)
    return hits


def test_generated_rules_memoised_as_translated() -> None:
    R._GRAPH_RULES.clear()
    starts = _starts()
    hits = sum(_check(parse_recur(text), starts) for text in _rules(150, 11))
    assert hits > 5_000  # the memo answered many of them: what is compared is its answer


def _corpus_events() -> list[m.Event]:
    files = [p for folder in ("tests/corpus/ics", "samples/ics", "tests/producers")
             for p in sorted((ROOT / folder).rglob("*.ics"))]
    assert len(files) > 20
    events = []
    for path in files:
        try:
            reader = IcsReader(path.read_bytes())
        except ValueError:
            continue
        for calendar in range(len(reader.calendars)):
            events += [e for e in reader.events(calendar) if e.rrules and e.start is not None]
    return events


def test_corpus_rules_memoised_as_translated() -> None:
    R._GRAPH_RULES.clear()
    events = _corpus_events()
    assert len(events) > 50
    for event in events:
        start = m.plain(event.start)
        assert start is not None
        shifted = [start + timedelta(days=k) for k in (0, 1, 3, 17, 366)]
        for rule in event.rrules:
            _check(rule, shifted * 2)  # the second round is answered by the memo


def test_copies_handed_out() -> None:
    R._GRAPH_RULES.clear()
    rule = parse_recur("FREQ=WEEKLY;BYDAY=MO,WE;COUNT=4")
    start = date(2026, 3, 2)
    first = R.rrule_to_graph(rule, start, None)
    assert first.recurrence is not None
    first.recurrence.pattern["daysOfWeek"].append("sunday")
    first.recurrence.range["numberOfOccurrences"] = 99
    first.notes.append("edited")
    again = R.rrule_to_graph(rule, start, None)
    assert again == R._translated(rule, start, None)
    assert again.recurrence is not None and again.recurrence.pattern["daysOfWeek"] == ["monday", "wednesday"]


@pytest.mark.parametrize("text", ["FREQ=DAILY;UNTIL=20261231", "FREQ=WEEKLY;X-NAME=1"])
def test_not_remembered(text: str) -> None:
    """An UNTIL (read in the series zone) or an unknown part: no key, translated each time."""
    assert R._start_key(parse_recur(text), date(2026, 3, 2)) is None


def test_keys_differ_where_the_translation_reads_the_start() -> None:
    """The key projection is not wider than what FREQ needs (else the memo would not pay)."""
    weekly, monthly, daily = (parse_recur(f"FREQ={f}") for f in ("WEEKLY", "MONTHLY", "DAILY"))
    a, b = date(2026, 3, 2), date(2026, 3, 9)  # same weekday, other day of the month
    assert R._start_key(weekly, a) == R._start_key(weekly, b)
    assert R._start_key(monthly, a) != R._start_key(monthly, b)
    assert R._start_key(daily, a) == R._start_key(daily, date(2030, 1, 1))
    assert all(R._start_key(weekly, d) != R._start_key(weekly, a) for d in itertools.islice(
        (a + timedelta(days=k) for k in range(1, 7)), 6))
