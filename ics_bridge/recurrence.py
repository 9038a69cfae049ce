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
import math
from dataclasses import dataclass, field
from enum import Enum
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import Any, Iterator


from . import model as m
from .memo import recalled
from .errors import InputError

WEEKDAYS = m.WEEKDAYS  # datetime.weekday() order
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
    # where the written recurrence differs from the rule (it is still written): each a loss
    losses: list[str] = field(default_factory=list)


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
                   series_tz: tzinfo | None) -> tuple[m.Recur, list[str]]:
    """Graph pattern + range → a typed RRULE (RFC 5545 3.3.10; the model's :class:`Recur`, its
    text left to the writer).  Returns notes on documented re-expressions.

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
    from .build import time_value  # build → io → timezones; recurrence is imported first
    until = rule.get("UNTIL")
    return m.Recur(
        text="", freq=rule["FREQ"], until=None if until is None else time_value(until), count=rule.get("COUNT"),
        interval=rule.get("INTERVAL"), byday=tuple(_weekday_num(d) for d in rule.get("BYDAY", ())),
        bymonthday=tuple(rule.get("BYMONTHDAY", ())), bymonth=tuple(str(v) for v in rule.get("BYMONTH", ())),
        bysetpos=tuple(rule.get("BYSETPOS", ())), wkst=rule.get("WKST")), notes


def _weekday_num(text: str) -> m.WeekdayNum:
    """``"-1TH"`` → ``WeekdayNum(-1, "TH")`` (RFC 5545 3.3.10 weekdaynum)."""
    return m.WeekdayNum(int(text[:-2]) if len(text) > 2 else 0, text[-2:])


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


def end_date_from_until(until: date | datetime, series_tz: tzinfo | None,
                        dtstart: date | datetime | None = None) -> date:
    """UNTIL → the inclusive local end date in the series zone (not the UTC date).

    RFC 5545 3.3.10: UNTIL bounds the recurrence *inclusively* and is compared with each
    occurrence's start.  Given ``dtstart``, an UNTIL that falls on a local date before the
    series' start time of that day (e.g. ``T000000Z`` written by some exporters) excludes that
    day's occurrence, so the end date is the day before: the last occurrence is neither lost nor
    gained (interop-notes case 20)."""
    if not isinstance(until, datetime):
        return until
    zone = series_tz
    if zone is None and isinstance(dtstart, datetime) and until.tzinfo is not None:
        zone = dtstart.tzinfo
    if until.tzinfo is not None and zone is not None:
        local = until.astimezone(zone)
    else:
        local = until
    end = local.date()
    if isinstance(dtstart, datetime):
        wall = dtstart.astimezone(zone) if (dtstart.tzinfo is not None and zone is not None) else dtstart
        start_that_day = datetime.combine(end, wall.time().replace(tzinfo=None))
        if until.tzinfo is not None and zone is not None:
            later = start_that_day.replace(tzinfo=zone) > until  # aware: DST gaps resolve alike
        else:
            later = start_that_day > local.replace(tzinfo=None)
        if later:
            end -= timedelta(days=1)
    return end


# ---------------------------------------------------------------- RRULE → Graph

KNOWN_PARTS = ("FREQ", "UNTIL", "COUNT", "INTERVAL", "BYSECOND", "BYMINUTE", "BYHOUR", "BYDAY",
               "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYMONTH", "BYSETPOS", "WKST", "RSCALE", "SKIP")


class _Bad(Exception):
    """An unreadable rule part (turned into a problem, never raised out of this module)."""


def _values(rule: Any, key: str) -> list[Any]:
    try:
        value = rule.get(key)
    except Exception:  # a mapping that misbehaves: treated as absent
        return []
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    if isinstance(value, (str, bytes)) and key not in ("UNTIL",):
        text = value.decode("utf-8", "replace") if isinstance(value, bytes) else value
        return [v for v in text.split(",") if v != ""] if text else []
    return [value]


def rscale(rule: Any) -> str:
    """The calendar scale of a rule (RFC 7529 RSCALE), upper case; GREGORIAN when absent or
    unreadable."""
    try:
        return _text(_one(rule, "RSCALE") or "GREGORIAN")
    except _Bad:
        return "GREGORIAN"


def _one(rule: Any, key: str) -> Any:
    values = _values(rule, key)
    if len(values) > 1:
        raise _Bad(f"{key} has several values")
    return values[0] if values else None


def _text(value: Any) -> str:
    if isinstance(value, Enum):  # icalendar's vSkip and friends
        value = value.value
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return str(value).strip().upper()


def _int(key: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool):
        raise _Bad(f"{key}={value!r} is not a number")
    if isinstance(value, int):
        number = value
    else:
        text = _text(value)
        if not text.lstrip("+-").isdigit() or not text.isascii():
            raise _Bad(f"{key}={value!r} is not a number")
        number = int(text)
    if not low <= number <= high:
        raise _Bad(f"{key}={number} is out of range")
    return number


def _split_byday(item: Any) -> tuple[int | None, str]:
    text = _text(item)
    day, prefix = text[-2:], text[:-2]
    if day not in WEEKDAYS:
        raise _Bad(f"BYDAY={item!r} is not a weekday")
    if prefix in ("", "+"):
        return None, day
    position = _int("BYDAY", prefix, -53, 53)
    if position == 0:
        raise _Bad(f"BYDAY={item!r} has position 0")
    return position, day


def _until(value: Any) -> date | datetime:
    if isinstance(value, (date, datetime)):
        return value
    text = _text(value)
    try:
        if len(text) == 8 and text.isdigit():
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
        if len(text) in (15, 16) and text[8] == "T":
            moment = datetime.strptime(text[:15], "%Y%m%dT%H%M%S")
            return moment.replace(tzinfo=timezone.utc) if text.endswith("Z") else moment
    except ValueError:
        pass
    raise _Bad(f"UNTIL={value!r} is not a date or date-time")


def rrule_to_graph(rule: m.Recur, dtstart: date | datetime, series_tz: tzinfo | None) -> RuleResult:
    """An RRULE of the typed hub → Graph pattern + range, or the reasons it has no exact Graph
    form (never guessed).  ``dtstart``: the series start as Python has it (``m.plain``).

    Never raises on a malformed rule (the reader keeps what icalendar accepts, so values can be
    out of range, ``BYMONTH=5L``, unknown parts): each unreadable part is a problem.

    Memoised per rule and the part of DTSTART the translation reads (:func:`_start_key`): a
    calendar repeats a few rules (bench/'s 1,906 series: ~100), and one translation costs ~18 µs.
    Each call gets its own copy (:func:`_copied`): callers put the pattern in their output."""
    key = _start_key(rule, dtstart)
    if key is None:
        return _translated(rule, dtstart, series_tz)
    # a rule built with an unhashable value (a list) is translated each time, not remembered
    return _copied(recalled(_GRAPH_RULES, key, lambda _key: _translated(rule, dtstart, series_tz), 4096))


def _translated(rule: m.Recur, dtstart: date | datetime, series_tz: tzinfo | None) -> RuleResult:
    """:func:`rrule_to_graph` without the memo (the reference ``tests/test_ics2json11_rules.py``
    holds the memo to)."""
    try:
        return _rrule_to_graph(_rule_parts(rule), dtstart, series_tz)
    except _Bad as bad:
        return RuleResult(None, [str(bad)])


#: (rule, DTSTART's part) → the translation, handed out as copies
_GRAPH_RULES: dict[tuple[m.Recur, tuple[int, ...]], RuleResult] = {}


def _start_key(rule: m.Recur, dtstart: date | datetime) -> tuple[m.Recur, tuple[int, ...]] | None:
    """The memo key of a translation: the rule and what :func:`_rrule_to_graph` reads of DTSTART
    for its FREQ — nothing for DAILY, the weekday for WEEKLY (the default BYDAY), the day for
    MONTHLY (the default BYMONTHDAY), the whole date otherwise (YEARLY's month, day and leap
    years).  None (not remembered) with an UNTIL, whose end date is read in the series zone, or
    with parts RFC 5545 does not define (``other`` may spell an UNTIL)."""
    if rule.until is not None or rule.other:
        return None
    freq = rule.freq
    if freq == "DAILY":
        return rule, ()
    if freq == "WEEKLY":
        return rule, (dtstart.weekday(),)
    if freq == "MONTHLY":
        return rule, (dtstart.day,)
    return rule, (dtstart.year, dtstart.month, dtstart.day)


def _copied(result: RuleResult) -> RuleResult:
    """A remembered translation as a caller may change it: its lists, dicts and the pattern's
    lists (``daysOfWeek``) fresh."""
    found = result.recurrence
    recurrence = None if found is None else GraphRecurrence(
        {k: (list(v) if type(v) is list else v) for k, v in found.pattern.items()}, dict(found.range))
    return RuleResult(recurrence, list(result.problems), list(result.notes), list(result.losses))


def _rule_parts(rule: m.Recur) -> dict[str, list[Any]]:
    """The rule's parts by RFC 5545 name, each a list of values as the checks below take them
    (BYDAY as its text: a position 0 is no position, as the reader reads it)."""
    parts: dict[str, list[Any]] = {}
    if rule.freq is not None:
        parts["FREQ"] = [rule.freq]
    if rule.until is not None:
        parts["UNTIL"] = [m.plain(rule.until)]
    if rule.count is not None:
        parts["COUNT"] = [rule.count]
    if rule.interval is not None:
        parts["INTERVAL"] = [rule.interval]
    for key, values in (("BYSECOND", rule.bysecond), ("BYMINUTE", rule.byminute), ("BYHOUR", rule.byhour),
                        ("BYDAY", [f"{d.n}{d.day}" if d.n else d.day for d in rule.byday]),
                        ("BYMONTHDAY", rule.bymonthday), ("BYYEARDAY", rule.byyearday),
                        ("BYWEEKNO", rule.byweekno), ("BYMONTH", [_month(v) for v in rule.bymonth]),
                        ("BYSETPOS", rule.bysetpos)):
        if values:
            parts[key] = list(values)
    for key, value in (("WKST", rule.wkst), ("RSCALE", rule.rscale), ("SKIP", rule.skip)):
        if value is not None:
            parts[key] = [value]
    for key, text in rule.other:  # parts RFC 5545 does not define: refused by name below
        parts[key] = [v for v in text.split(",") if v != ""]
    return parts


def _month(value: str) -> str:
    """A BYMONTH value without RFC 7529's leap-month ``L`` (``5L`` is month 5 of a leap year of
    a calendar scale Graph has not: the RSCALE is refused by name, as icalendar's ``vMonth``
    reads the number)."""
    return value[:-1] if value[-1:] in ("L", "l") and value[:-1].isdigit() else value


def _rrule_to_graph(rule: dict[str, list[Any]], dtstart: date | datetime, series_tz: tzinfo | None) -> RuleResult:
    problems: list[str] = []
    notes: list[str] = []
    for key in map(_text, rule):
        if key not in KNOWN_PARTS:
            problems.append(f"{key} is not an RFC 5545 rule part; it has no Graph equivalent")
    freq = _text(_one(rule, "FREQ") or "")
    for part in UNSUPPORTED_PARTS:
        if _values(rule, part):
            problems.append(f"{part} has no Graph equivalent")
    if freq not in ("DAILY", "WEEKLY", "MONTHLY", "YEARLY"):
        problems.append(f"FREQ={freq or '?'} has no Graph equivalent")
    rscale = _text(_one(rule, "RSCALE") or "GREGORIAN")
    if rscale != "GREGORIAN":
        problems.append(f"RSCALE={rscale} has no Graph equivalent")
    skip = _text(_one(rule, "SKIP") or "OMIT")
    if skip not in ("OMIT", "BACKWARD", "FORWARD"):
        problems.append(f"SKIP={skip} is invalid (RFC 7529)")
    raw_interval = _one(rule, "INTERVAL")
    interval = _int("INTERVAL", raw_interval, 1, 10**6) if raw_interval is not None else 1
    bymonth = [_int("BYMONTH", month, 1, 12) for month in _values(rule, "BYMONTH")]
    bymonthday = [_int("BYMONTHDAY", d, -31, 31) for d in _values(rule, "BYMONTHDAY")]
    if 0 in bymonthday:
        problems.append("BYMONTHDAY=0 is invalid")
    bysetpos = [_int("BYSETPOS", p, -366, 366) for p in _values(rule, "BYSETPOS")]
    byday = [_split_byday(d) for d in _values(rule, "BYDAY")]
    raw_wkst = _one(rule, "WKST")
    wkst = _text(raw_wkst) if raw_wkst is not None else "MO"  # RFC 5545 default
    if wkst not in WEEKDAYS:
        problems.append(f"WKST={wkst} is not a weekday")
        wkst = "MO"
    first_day = GRAPH_DAYS[WEEKDAYS.index(wkst)]
    raw_count = _one(rule, "COUNT")
    count = _int("COUNT", raw_count, -10**9, 10**9) if raw_count is not None else None
    raw_until = _one(rule, "UNTIL")
    until = _until(raw_until) if raw_until is not None else None
    if count is not None and count < 1:
        if until is not None:
            notes.append(f"COUNT={count} is invalid (RFC 5545 3.3.10); ignored, UNTIL kept")
            count = None
        else:
            problems.append(f"COUNT={count} is invalid (RFC 5545 3.3.10)")
    if count is not None and until is not None:
        problems.append("COUNT and UNTIL together are invalid (RFC 5545 3.3.10)")
    pattern: dict[str, Any] = {"interval": interval}
    if raw_wkst is not None:
        pattern["firstDayOfWeek"] = first_day
    if problems:
        return RuleResult(None, problems, notes)

    def graph_days(days: list[str]) -> list[str]:
        return [GRAPH_DAYS[WEEKDAYS.index(d)] for d in dict.fromkeys(days)]

    def relative(setpos: int, days: list[str]) -> None:
        if setpos not in INDEX_GRAPH:
            problems.append(f"position {setpos} has no Graph index (first..fourth, last)")
            return
        pattern["daysOfWeek"] = graph_days(days)
        pattern["index"] = INDEX_GRAPH[setpos]

    def monthday(days: list[int], month: int | None) -> None:
        """Outlook's day d (29–31 → the last day of shorter months) from the exact RRULE forms."""
        distinct = sorted(set(days))
        last = _longest_month(month) if month else 31
        if bysetpos and not (bysetpos == [-1] and len(distinct) > 1) and not (
                len(distinct) == 1 and bysetpos in ([1], [-1])):
            problems.append(f"BYMONTHDAY with BYSETPOS={','.join(map(str, bysetpos))} has no Graph equivalent")
        elif distinct == [-1]:
            pattern["dayOfMonth"] = last
            notes.append(f"BYMONTHDAY=-1 (last day of the month) is Outlook's day {last}")
        elif len(distinct) == 1 and 1 <= distinct[0] <= 31:
            day = distinct[0]
            if month and day > _longest_month(month):
                problems.append(f"BYMONTHDAY={day} never occurs in month {month}")
            elif (yearly and month == 2 and day == 29 and skip == "OMIT" and not bysetpos
                  and (dtstart.month, dtstart.day) == (2, 29)):
                pattern["dayOfMonth"] = day  # every leap year: absoluteYearly every 4 years (_leap_day_range)
                leap_day.append(True)
            elif day > (_shortest_month(month) if month else 28) and skip != "BACKWARD":
                problems.append(f"BYMONTHDAY={day} skips shorter months (RFC 5545 3.3.10); Graph would use their last day")
            else:
                pattern["dayOfMonth"] = day
                if skip == "BACKWARD" and not rule_has("RSCALE"):
                    notes.append("SKIP=BACKWARD without RSCALE (RFC 7529 requires it) read as Outlook's last-day fallback")
        elif (distinct[0] == 28 and distinct == _month_end_days(max(distinct)) and max(distinct) >= 29
              and bysetpos == [-1]):
            day = min(max(distinct), last)
            pattern["dayOfMonth"] = day
        else:
            problems.append(f"BYMONTHDAY={','.join(map(str, days))} has no Graph equivalent")

    def rule_has(key: str) -> bool:
        return bool(_values(rule, key))

    if bysetpos and not (byday or bymonthday):
        problems.append("BYSETPOS without BYDAY or BYMONTHDAY has no Graph equivalent")
    leap_day: list[bool] = []
    yearly = freq == "YEARLY"
    if freq == "DAILY":
        if byday:
            if interval != 1 or any(n is not None for n, _ in byday) or bysetpos:
                problems.append("FREQ=DAILY with BYDAY and INTERVAL>1, positions or BYSETPOS has no Graph equivalent")
            else:
                pattern.update(type="weekly", daysOfWeek=graph_days([d for _, d in byday]),
                               firstDayOfWeek=first_day)
                notes.append("FREQ=DAILY;BYDAY=… written as a weekly pattern")
        else:
            pattern["type"] = "daily"
        if bymonth or bymonthday:
            problems.append("FREQ=DAILY with BYMONTH/BYMONTHDAY has no Graph equivalent")
    elif freq == "WEEKLY":
        if any(n is not None for n, _ in byday) or bymonth or bymonthday or bysetpos:
            problems.append("FREQ=WEEKLY with positions, BYMONTH, BYMONTHDAY or BYSETPOS has no Graph equivalent")
        days = [d for _, d in byday] or [WEEKDAYS[dtstart.weekday()]]
        pattern.update(type="weekly", daysOfWeek=graph_days(days), firstDayOfWeek=first_day)
    elif freq in ("MONTHLY", "YEARLY"):
        yearly = freq == "YEARLY"
        month: int | None = None
        if yearly:
            if len(set(bymonth)) > 1:
                problems.append("several BYMONTH values have no Graph equivalent")
            month = bymonth[0] if bymonth else None
        elif bymonth:
            problems.append("FREQ=MONTHLY with BYMONTH has no Graph equivalent")
        if byday and bymonthday:
            problems.append("BYDAY with BYMONTHDAY has no Graph equivalent")
        elif byday:
            pattern["type"] = "relativeYearly" if yearly else "relativeMonthly"
            prefixes = {n for n, _ in byday}
            days = [d for _, d in byday]
            position: int | None = None
            if len(byday) == 1 and byday[0][0] is not None and not bysetpos:
                position = byday[0][0]
            elif prefixes == {None} and len(bysetpos) == 1:
                position = bysetpos[0]
            elif prefixes == {None} and not bysetpos:
                problems.append("every matching weekday of the month has no Graph equivalent")
            else:
                problems.append("this BYDAY/BYSETPOS combination has no Graph equivalent")
            if position is not None:
                if yearly and month is None:
                    # RFC 5545 3.3.10: without BYMONTH the position counts in the whole year.
                    if position > 0 and position in INDEX_GRAPH:
                        month = 1
                    elif position == -1:
                        month = 12
                    else:
                        problems.append(f"position {position} in the year has no Graph index")
                    if month is not None:
                        notes.append(f"FREQ=YEARLY;BYDAY without BYMONTH counts in the year: month {month}")
                relative(position, days)
        else:
            pattern["type"] = "absoluteYearly" if yearly else "absoluteMonthly"
            if yearly and month is None:
                month = dtstart.month
                if bymonthday:
                    notes.append(f"FREQ=YEARLY;BYMONTHDAY without BYMONTH read as month {month} of DTSTART "
                                 "(libical, ical.js, gcal_sync); RFC 5545 readers such as dateutil repeat it monthly")
            monthday(bymonthday or [dtstart.day], month)
        if yearly and month is not None:
            pattern["month"] = month
    if problems:
        return RuleResult(None, problems, notes)
    rng: dict[str, Any] = {"type": "noEnd"}
    if count is not None:
        rng = {"type": "numbered", "numberOfOccurrences": count}
    elif until is not None:
        end = end_date_from_until(until, series_tz, dtstart)
        if end.year >= FAR_FUTURE_YEAR:
            notes.append(f"UNTIL in year {end.year} read as no end")
        else:
            start_day = dtstart.date() if isinstance(dtstart, datetime) else dtstart
            if end < start_day:
                return RuleResult(None, [f"UNTIL {end.isoformat()} is before the series start"], notes)
            rng = {"type": "endDate", "endDate": end.isoformat()}
    losses: list[str] = []
    if leap_day:
        losses = _leap_day_range(pattern, rng, dtstart, count, notes)
    return RuleResult(GraphRecurrence(pattern, rng), problems, notes, losses)


def _leap_day_range(pattern: dict[str, Any], rng: dict[str, Any], dtstart: date | datetime, count: int | None,
                    notes: list[str]) -> list[str]:
    """A yearly Feb 29 series occurs in leap years only (RFC 5545 3.3.10: invalid dates are
    ignored), which Graph cannot say: its absoluteYearly day 29 falls back to Feb 28 in common
    years.  From a leap year, every lcm(INTERVAL, 4) years is every occurrence, exactly until a
    century year that is not a leap year (2100, 2200, 2300): there Outlook shows Feb 28 where
    the rule has nothing (and a COUNT runs out one occurrence earlier).  Those years within the
    series are returned as losses; the pattern's interval is set."""
    interval = int(pattern.get("interval") or 1)
    step = math.lcm(interval, 4)
    pattern["interval"] = step
    notes.append(f"Feb 29 every {interval} year(s) occurs in leap years only: written as absoluteYearly every {step} years")
    first = dtstart.year
    if rng.get("type") == "endDate":
        last = _as_date(rng["endDate"]).year
    elif count is not None:
        last, seen, year = first, 0, first
        while seen < count and year <= 9999:
            if _calendar.isleap(year):
                seen, last = seen + 1, year
            year += step
    else:
        last = first + 400
    common = [y for y in range(first, last + 1, step) if not _calendar.isleap(y)]
    if not common:
        return []
    shown = ", ".join(map(str, common[:3])) + (" …" if rng.get("type") == "noEnd" else "")
    return [f"Feb 29 has no date in {shown}: Graph shows Feb 28 in those years, where the rule skips them"
            + (" (and the count ends that many occurrences earlier)" if count is not None else "")]


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
