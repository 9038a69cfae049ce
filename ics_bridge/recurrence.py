"""Recurrence: Graph ``patternedRecurrence`` ↔ RFC 5545 RRULE, and bounded expansion.

Why here and not in the Graph mapper: the rules (which RRULEs have an exact Graph form, how an
end date becomes UNTIL) are the hardest mapping knowledge in the project and are tested on their
own, by expanding both sides independently (dateutil for the RRULE, :func:`expand_graph_dates`
for the Graph pattern, written from the Graph/Outlook semantics, not from the RRULE).

Exactness rules (interop-notes cases 19–31):

* ``absoluteMonthly`` day 29–31 follows Outlook: a shorter month uses its last day, where RFC 5545
  (3.3.10: "invalid dates are ignored") skips the month.  Day 31 is written ``BYMONTHDAY=-1``
  (the last day of every month, read alike by dateutil, ical.js, libical, ical and vobject); days
  29 and 30 are written ``BYMONTHDAY=28,…,d;BYSETPOS=-1``, which ical.js 2.x misreads (it applies
  BYSETPOS only to BYDAY sets and yields every listed day: reported as a note).  Read back:
  that form, ``BYMONTHDAY=-1`` and RFC 7529 ``RSCALE=GREGORIAN;SKIP=BACKWARD`` (not written:
  dateutil/vobject reject RSCALE and ical.js/ical ignore SKIP).
* ``absoluteYearly`` uses a plain BYMONTHDAY when the month always has that day, else
  ``BYMONTHDAY=-1`` (Feb 29 → the last day of February, Outlook's Feb 28 in common years).
* ``BYDAY=-1TH`` and ``BYDAY=TH;BYSETPOS=-1`` are the same ``relativeMonthly``; several days
  with an index use BYSETPOS (not DavMail's per-day prefix, which means something else).
* ``FREQ=DAILY;BYDAY=MO,…`` with interval 1 is ``weekly``; with interval > 1 it has no form.
* ``FREQ=YEARLY`` without BYMONTH: RFC 5545 *expands* BYMONTHDAY over every month (dateutil, ical,
  vobject) while libical and ical.js keep DTSTART's month; Graph gets DTSTART's month (interop case
  27, gcal_sync) and a note says so.  ``BYDAY=1MO`` without BYMONTH is the first Monday of the *year*
  (all readers agree): January for positive positions, December for ``-1``, else no form.
* ``range.endDate`` is an inclusive local date in the series zone; UNTIL is the end of that day
  in UTC for zoned series (RFC 5545 3.3.10) and a DATE for all-day series.  Back, UNTIL becomes
  the local date in the series zone, so the last occurrence is neither lost nor gained — and one
  day earlier when UNTIL falls on that date before the series' start time (``T000000Z`` UNTILs).
* ``rrule_to_graph`` never raises on a malformed rule: unknown parts, unreadable values and
  invalid combinations come back as ``problems`` (the recurrence is then None).
"""

from __future__ import annotations

import calendar as _calendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import Any, Iterator

from icalendar.prop import vRecur

from .errors import InputError

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")  # datetime.weekday() order
GRAPH_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
GRAPH_INDEX = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1}
INDEX_GRAPH = {v: k for k, v in GRAPH_INDEX.items()}
FAR_FUTURE_YEAR = 4500  # Outlook writes UNTIL=45001231T235959Z for "no end" (OGCS)
UNSUPPORTED_PARTS = ("BYSECOND", "BYMINUTE", "BYHOUR", "BYWEEKNO", "BYYEARDAY")


class PatternError(InputError, ValueError):
    """A Graph pattern Graph itself would reject (unknown type, day, index; interval < 1).

    An :class:`InputError` so the mapper reports the event instead of aborting the file, and a
    ValueError for callers that catch that."""


@dataclass
class GraphRecurrence:
    """A provider-neutral holder of Graph's pattern + range (plain dicts, wire names)."""

    pattern: dict[str, Any]
    range: dict[str, Any]


@dataclass
class RuleResult:
    """An RRULE → Graph translation: the recurrence, or None and the reasons it has no form."""

    recurrence: GraphRecurrence | None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- Graph → RRULE

def _month_end_days(day: int) -> list[int]:
    return list(range(28, day + 1))


def _shortest_month(month: int) -> int:
    return 28 if month == 2 else _calendar.monthrange(2001, month)[1]


def _longest_month(month: int) -> int:
    return 29 if month == 2 else _calendar.monthrange(2001, month)[1]


def _graph_days(pattern: dict[str, Any]) -> list[str]:
    days = []
    for name in pattern.get("daysOfWeek") or []:
        key = str(name).strip().lower()
        if key not in GRAPH_DAYS:
            raise PatternError(f"unknown day of week {name!r}", field="recurrence.pattern.daysOfWeek")
        days.append(WEEKDAYS[GRAPH_DAYS.index(key)])
    return days


def _graph_index(pattern: dict[str, Any]) -> int:
    name = str(pattern.get("index") or "first").strip().lower()
    if name not in GRAPH_INDEX:
        raise PatternError(f"unknown week index {pattern.get('index')!r}", field="recurrence.pattern.index")
    return GRAPH_INDEX[name]


def _graph_first_day(pattern: dict[str, Any]) -> str:
    name = str(pattern.get("firstDayOfWeek") or "sunday").strip().lower()
    if name not in GRAPH_DAYS:
        raise PatternError(f"unknown first day of week {pattern.get('firstDayOfWeek')!r}",
                           field="recurrence.pattern.firstDayOfWeek")
    return WEEKDAYS[GRAPH_DAYS.index(name)]


def graph_to_rrule(pattern: dict[str, Any], rng: dict[str, Any], dtstart: date | datetime,
                   series_tz: tzinfo | None) -> tuple[vRecur, list[str]]:
    """Graph pattern + range → vRecur (RFC 5545 3.3.10).  Returns notes on documented re-expressions.

    Raises :class:`PatternError` for a pattern Graph itself would reject (unknown type, day or index)."""
    notes: list[str] = []
    kind = pattern["type"]
    interval = int(pattern.get("interval") or 1)
    if interval < 1:
        raise PatternError(f"recurrence interval {interval} is invalid", field="recurrence.pattern.interval")
    rule: dict[str, Any] = {}
    days = _graph_days(pattern)
    if kind == "daily":
        rule["FREQ"] = "DAILY"
    elif kind == "weekly":
        rule["FREQ"] = "WEEKLY"
        rule["BYDAY"] = days or [WEEKDAYS[dtstart.weekday()]]
    elif kind == "absoluteMonthly":
        rule["FREQ"] = "MONTHLY"
        day = int(pattern.get("dayOfMonth") or dtstart.day)
        if day >= 31:
            rule["BYMONTHDAY"] = [-1]
            notes.append(f"day {day} written as BYMONTHDAY=-1: Outlook uses the last day of shorter months, "
                         "where a plain BYMONTHDAY skips them")
        elif day >= 29:
            rule["BYMONTHDAY"] = _month_end_days(day)
            rule["BYSETPOS"] = [-1]
            notes.append(f"day {day} written as BYMONTHDAY={','.join(map(str, _month_end_days(day)))};BYSETPOS=-1: "
                         "Outlook uses the last day of shorter months, where a plain BYMONTHDAY skips them; "
                         "ical.js 2.x (Thunderbird) ignores BYSETPOS here and shows every listed day")
        else:
            rule["BYMONTHDAY"] = [day]
    elif kind == "absoluteYearly":
        rule["FREQ"] = "YEARLY"
        month = int(pattern.get("month") or dtstart.month)
        if not 1 <= month <= 12:
            raise PatternError(f"recurrence month {month} is invalid", field="recurrence.pattern.month")
        rule["BYMONTH"] = [month]
        day = int(pattern.get("dayOfMonth") or dtstart.day)
        if day <= _shortest_month(month):
            rule["BYMONTHDAY"] = [day]
        else:  # Feb 29 (or a day past the month's end): Outlook's last day of the month
            rule["BYMONTHDAY"] = [-1]
            notes.append(f"{_calendar.month_abbr[month]} {day} written as BYMONTHDAY=-1: Outlook uses the "
                         "month's last day in years without that day, where a plain BYMONTHDAY skips the year")
    elif kind in ("relativeMonthly", "relativeYearly"):
        rule["FREQ"] = "MONTHLY" if kind == "relativeMonthly" else "YEARLY"
        if kind == "relativeYearly":
            rule["BYMONTH"] = [int(pattern.get("month") or dtstart.month)]
        index = _graph_index(pattern)
        days = days or [WEEKDAYS[dtstart.weekday()]]
        if len(days) == 1:
            rule["BYDAY"] = [f"{index}{days[0]}"]
        else:
            rule["BYDAY"] = days
            rule["BYSETPOS"] = [index]
    else:
        raise PatternError(f"unknown recurrence pattern type {kind!r}", field="recurrence.pattern.type")
    if interval != 1:
        rule["INTERVAL"] = interval
    if kind == "weekly" or pattern.get("firstDayOfWeek"):
        # WKST only changes weekly expansion, but carrying it keeps Graph's firstDayOfWeek.
        rule["WKST"] = _graph_first_day(pattern)
    rtype = rng.get("type") or "noEnd"
    if rtype == "numbered" and rng.get("numberOfOccurrences"):
        rule["COUNT"] = int(rng["numberOfOccurrences"])
    elif rtype == "endDate" and rng.get("endDate"):
        rule["UNTIL"] = until_from_end_date(_as_date(rng["endDate"]), dtstart, series_tz)
    ordered = {k: rule[k] for k in ("FREQ", "UNTIL", "COUNT", "INTERVAL", "BYMONTH", "BYMONTHDAY",
                                     "BYDAY", "BYSETPOS", "WKST") if k in rule}
    return vRecur(ordered), notes


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def until_from_end_date(end: date, dtstart: date | datetime, series_tz: tzinfo | None) -> date | datetime:
    """Inclusive local end date → UNTIL (RFC 5545 3.3.10): a DATE for all-day series, else the
    last second of that day in the series zone, in UTC (interop-notes case 20)."""
    if not isinstance(dtstart, datetime):
        return end
    last = datetime.combine(end, time(23, 59, 59))
    zone = series_tz or dtstart.tzinfo
    if zone is None:
        return last  # floating series: floating UNTIL
    return last.replace(tzinfo=zone).astimezone(timezone.utc)


def end_date_from_until(until: date | datetime, series_tz: tzinfo | None) -> date:
    """UNTIL → the inclusive local date in the series zone (not the UTC date)."""
    if not isinstance(until, datetime):
        return until
    if until.tzinfo is not None and series_tz is not None:
        return until.astimezone(series_tz).date()
    return until.date()


# ---------------------------------------------------------------- RRULE → Graph

def _first(rule: vRecur, key: str) -> Any:
    value = rule.get(key)
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _list(rule: vRecur, key: str) -> list[Any]:
    value = rule.get(key)
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _split_byday(item: str) -> tuple[int | None, str]:
    text = str(item).upper()
    day = text[-2:]
    prefix = text[:-2]
    return (int(prefix) if prefix not in ("", "+") else None), day


def rrule_to_graph(rule: vRecur, dtstart: date | datetime, series_tz: tzinfo | None) -> RuleResult:
    """vRecur → Graph pattern + range, or the reasons it has no exact Graph form (never guessed)."""
    problems: list[str] = []
    notes: list[str] = []
    freq = str(_first(rule, "FREQ") or "").upper()
    for part in UNSUPPORTED_PARTS:
        if rule.get(part):
            problems.append(f"{part} has no Graph equivalent")
    if freq not in ("DAILY", "WEEKLY", "MONTHLY", "YEARLY"):
        problems.append(f"FREQ={freq or '?'} has no Graph equivalent")
    if rule.get("COUNT") is not None and rule.get("UNTIL") is not None:
        problems.append("COUNT and UNTIL together are invalid (RFC 5545 3.3.10)")
    rscale = str(_first(rule, "RSCALE") or "GREGORIAN").upper()
    if rscale != "GREGORIAN":
        problems.append(f"RSCALE={rscale} has no Graph equivalent")
    skip = str(_first(rule, "SKIP") or "OMIT").upper()
    interval = int(_first(rule, "INTERVAL") or 1)
    if interval < 1:
        problems.append(f"INTERVAL={interval} is invalid")
    bymonth = [int(m) for m in _list(rule, "BYMONTH")]
    bymonthday = [int(d) for d in _list(rule, "BYMONTHDAY")]
    bysetpos = [int(p) for p in _list(rule, "BYSETPOS")]
    byday = [_split_byday(d) for d in _list(rule, "BYDAY")]
    wkst = str(_first(rule, "WKST") or "MO").upper()
    first_day = GRAPH_DAYS[WEEKDAYS.index(wkst)] if wkst in WEEKDAYS else "monday"
    pattern: dict[str, Any] = {"interval": interval}
    if rule.get("WKST"):
        pattern["firstDayOfWeek"] = first_day
    if problems:
        return RuleResult(None, problems)

    def relative(setpos: int, days: list[str]) -> None:
        if setpos not in INDEX_GRAPH:
            problems.append(f"position {setpos} has no Graph index (first..fourth, last)")
            return
        pattern["daysOfWeek"] = [GRAPH_DAYS[WEEKDAYS.index(d)] for d in days]
        pattern["index"] = INDEX_GRAPH[setpos]

    def monthday(days: list[int]) -> None:
        if len(days) == 1 and days[0] == -1:
            pattern["dayOfMonth"] = 31
            notes.append("BYMONTHDAY=-1 (last day of the month) is Outlook's day 31")
        elif len(days) == 1 and 1 <= days[0] <= 31:
            pattern["dayOfMonth"] = days[0]
            if days[0] >= 29 and skip != "BACKWARD":
                problems.append(f"BYMONTHDAY={days[0]} skips shorter months; Graph would use their last day")
        elif days and days == _month_end_days(max(days)) and max(days) >= 29 and bysetpos == [-1]:
            pattern["dayOfMonth"] = max(days)
        else:
            problems.append(f"BYMONTHDAY={','.join(map(str, days))} has no Graph equivalent")

    if bysetpos and not (byday or bymonthday):
        problems.append("BYSETPOS without BYDAY has no Graph equivalent")
    if freq == "DAILY":
        if byday:
            if interval != 1 or any(n is not None for n, _ in byday):
                problems.append("FREQ=DAILY with BYDAY and INTERVAL>1 has no Graph equivalent")
            else:
                pattern.update(type="weekly", daysOfWeek=[GRAPH_DAYS[WEEKDAYS.index(d)] for _, d in byday],
                               firstDayOfWeek=first_day)
                notes.append("FREQ=DAILY;BYDAY=… written as a weekly pattern")
        else:
            pattern["type"] = "daily"
        if bymonth or bymonthday:
            problems.append("FREQ=DAILY with BYMONTH/BYMONTHDAY has no Graph equivalent")
    elif freq == "WEEKLY":
        if any(n is not None for n, _ in byday) or bymonth or bymonthday or bysetpos:
            problems.append("FREQ=WEEKLY with positions, BYMONTH or BYMONTHDAY has no Graph equivalent")
        days = [d for _, d in byday] or [WEEKDAYS[dtstart.weekday()]]
        pattern.update(type="weekly", daysOfWeek=[GRAPH_DAYS[WEEKDAYS.index(d)] for d in days],
                       firstDayOfWeek=first_day)
    elif freq in ("MONTHLY", "YEARLY"):
        yearly = freq == "YEARLY"
        if yearly:
            if len(bymonth) > 1:
                problems.append("several BYMONTH values have no Graph equivalent")
            pattern["month"] = bymonth[0] if bymonth else dtstart.month
        elif bymonth:
            problems.append("FREQ=MONTHLY with BYMONTH has no Graph equivalent")
        if byday and bymonthday:
            problems.append("BYDAY with BYMONTHDAY has no Graph equivalent")
        elif byday:
            pattern["type"] = "relativeYearly" if yearly else "relativeMonthly"
            prefixes = {n for n, _ in byday}
            days = [d for _, d in byday]
            if len(byday) == 1 and byday[0][0] is not None and not bysetpos:
                relative(byday[0][0], days)
            elif prefixes == {None} and len(bysetpos) == 1:
                relative(bysetpos[0], days)
            elif prefixes == {None} and not bysetpos:
                problems.append("every matching weekday of the month has no Graph equivalent")
            else:
                problems.append("this BYDAY/BYSETPOS combination has no Graph equivalent")
        else:
            pattern["type"] = "absoluteYearly" if yearly else "absoluteMonthly"
            monthday(bymonthday or [dtstart.day])
    if problems:
        return RuleResult(None, problems, notes)
    rng: dict[str, Any] = {"type": "noEnd"}
    until = rule.get("UNTIL")
    if isinstance(until, list):
        until = until[0] if until else None
    count = _first(rule, "COUNT")
    if count is not None:
        if int(count) < 1:
            return RuleResult(None, [f"COUNT={count} is invalid"], notes)
        rng = {"type": "numbered", "numberOfOccurrences": int(count)}
    elif until is not None:
        end = end_date_from_until(until, series_tz)
        if end.year >= FAR_FUTURE_YEAR:
            notes.append(f"UNTIL in year {end.year} read as no end")
        else:
            rng = {"type": "endDate", "endDate": end.isoformat()}
    return RuleResult(GraphRecurrence(pattern, rng), problems, notes)


# ---------------------------------------------------------------- independent expansion

def _months_between(a: date, b: date) -> int:
    return (b.year - a.year) * 12 + b.month - a.month


def _nth_weekday_dates(year: int, month: int, days: set[int], index: int) -> list[date]:
    last = _calendar.monthrange(year, month)[1]
    matching = [date(year, month, d) for d in range(1, last + 1) if date(year, month, d).weekday() in days]
    if not matching:
        return []
    if index == -1:
        return [matching[-1]]
    return [matching[index - 1]] if index <= len(matching) else []


def expand_graph_dates(pattern: dict[str, Any], rng: dict[str, Any], start: date,
                       horizon: date, limit: int = 5000) -> Iterator[date]:
    """Occurrence dates of a Graph pattern, from Outlook's semantics (not via RRULE).

    Used by tests and by validation to check :func:`graph_to_rrule` independently."""
    kind = pattern["type"]
    interval = int(pattern.get("interval") or 1)
    days = {GRAPH_DAYS.index(d) for d in pattern.get("daysOfWeek") or []}
    first_day = GRAPH_DAYS.index(pattern.get("firstDayOfWeek") or "sunday")
    index = GRAPH_INDEX.get(pattern.get("index") or "first", 1)
    rtype = rng.get("type") or "noEnd"
    end = _as_date(rng["endDate"]) if rtype == "endDate" and rng.get("endDate") else None
    count = int(rng.get("numberOfOccurrences") or 0) if rtype == "numbered" else 0
    week0 = start - timedelta(days=(start.weekday() - first_day) % 7)
    produced = 0
    day = start
    while day < horizon and produced < limit:
        if end is not None and day > end:
            return
        hit = False
        if kind == "daily":
            hit = (day - start).days % interval == 0
        elif kind == "weekly":
            week = day - timedelta(days=(day.weekday() - first_day) % 7)
            hit = day.weekday() in days and ((week - week0).days // 7) % interval == 0
        elif kind in ("absoluteMonthly", "absoluteYearly"):
            months = _months_between(start, day)
            step_ok = months % interval == 0 if kind == "absoluteMonthly" else (
                day.month == int(pattern.get("month") or start.month) and (day.year - start.year) % interval == 0)
            want = min(int(pattern.get("dayOfMonth") or start.day), _calendar.monthrange(day.year, day.month)[1])
            hit = step_ok and day.day == want
        elif kind in ("relativeMonthly", "relativeYearly"):
            months = _months_between(start, day)
            step_ok = months % interval == 0 if kind == "relativeMonthly" else (
                day.month == int(pattern.get("month") or start.month) and (day.year - start.year) % interval == 0)
            hit = step_ok and day in _nth_weekday_dates(day.year, day.month, days, index)
        if hit:
            yield day
            produced += 1
            if count and produced >= count:
                return
        day += timedelta(days=1)
