"""The model-side reading of Google ``recurrence[]`` lines (``providers/google/recurrence.py``,
issue 12) held to the reading it replaced: each line parsed by icalendar onto a scratch VEVENT,
repaired by the icalendar versions of the quirks, carried into the model through the library
edge (kept below, for this test only).  Every recurrence line of the corpus Google JSON and
generated lines (DATE / DATE-TIME / TZID / UTC EXDATEs, RDATE periods, EXRULE, odd UNTIL forms,
lower case, whitespace, broken values) must give the same typed values (zones and parameters
included), in the same order, with the same report entries, or the same error."""

from __future__ import annotations

import itertools
import json
import re
import warnings
from datetime import date, datetime, time, timezone
from pathlib import Path
from typing import Any, Iterable
from zoneinfo import ZoneInfo

import pytest
from icalendar import Event as VEvent
from icalendar.prop import vBroken, vRecur

from ics_bridge import model as m
from ics_bridge.edge import events_to_model
from ics_bridge.io.contentlines import read_component
from ics_bridge.providers.google.recurrence import RECURRENCE_FIELDS, read_recurrence
from ics_bridge.quirks import all_day_exdate, dtstart_until, exrule
from ics_bridge.report import LossKind, Report
from ics_bridge.timezones import resolve_name

ROOT = Path(__file__).resolve().parent


# ---------------------------------------------------------------- the reference: the old reading, verbatim

_RRULE_DATE = re.compile(r"^RRULE:DATE(?=[;:])", re.IGNORECASE)
_MISSING_SEMICOLON = re.compile(r"^(EXDATE|RDATE):(VALUE|TZID)=", re.IGNORECASE)
_NAMES = ("RRULE", "EXRULE", "RDATE", "EXDATE")


def parse_recurrence(v: VEvent, lines: Iterable[str], start: date | datetime, report: Report, uid: str,
                     *, quiet: bool = False) -> None:
    """Google ``recurrence[]`` lines → RRULE/EXRULE/RDATE/EXDATE on ``v`` (which has DTSTART).

    Each line is parsed by icalendar on its own, so one bad line is reported and skipped, never
    fatal (home-assistant/core #81568).  Quirks absorbed, each reported: ``RRULE:DATE;TZID=…``
    that is really an RDATE (gcal_sync #327), ``EXDATE:VALUE=DATE:…`` missing its semicolon
    (gcsa), parameters on RRULE (``X-EVOLUTION-ENDDATE``, home-assistant/core #81409), COUNT with
    UNTIL or COUNT ≤ 0 (case 28), ``YEARLY;BYMONTHDAY`` without BYMONTH (Google expands it in
    DTSTART's month; gcal_sync), DATE UNTIL on a timed series and zoned EXDATE/RDATE on an all-day
    series (the shared quirks of :mod:`ics_bridge.quirks`), floating or unresolvable values."""
    def note(kind: LossKind, field: str, reason: str, **kw: Any) -> None:
        if not quiet:
            report.add(kind, field, reason, uid=uid, **kw)

    zone = start.tzinfo if isinstance(start, datetime) else None
    for raw in lines:
        line = (raw or "").strip()
        if not line:
            continue
        fixed = _RRULE_DATE.sub("RDATE", line)
        fixed = _MISSING_SEMICOLON.sub(lambda m: f"{m.group(1)};{m.group(2)}=", fixed)
        if fixed != line:
            note(LossKind.QUIRK_REPAIRED, "recurrence", "malformed recurrence line repaired", before=line, after=fixed)
            line = fixed
        head, sep, body = line.partition(":")
        name = head.split(";", 1)[0].strip().upper()
        if not sep or name not in _NAMES:
            note(LossKind.INVALID_VALUE, "recurrence", "not an RRULE/EXRULE/RDATE/EXDATE line; dropped", before=line)
            continue
        if name in ("RRULE", "EXRULE") and ";" in head:
            note(LossKind.QUIRK_REPAIRED, "recurrence", f"parameters on {name} dropped (RFC 5545 defines none)",
                 before=head)
            line = f"{name}:{body}"
        try:
            comp = read_component(VEvent, f"BEGIN:VEVENT\r\n{line}\r\nEND:VEVENT\r\n")
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            note(LossKind.INVALID_VALUE, "recurrence", f"unreadable line ({exc}); dropped", before=line)
            continue
        prop = comp.get(name)
        if prop is None or isinstance(prop, vBroken) or getattr(comp, "errors", None):
            detail = "; ".join(str(e[1]) for e in getattr(comp, "errors", []) or [])
            note(LossKind.INVALID_VALUE, "recurrence", f"invalid {name} line{': ' + detail if detail else ''}; dropped",
                 before=line)
            continue
        if name in ("RRULE", "EXRULE"):
            rule = _check_rule(prop, start, note, line)
            if rule is not None:
                v.add(name, rule)
            continue
        values = []
        tzid = prop.params.get("TZID")
        for item in prop.dts:
            value = item.dt
            if isinstance(value, datetime) and value.tzinfo is None:
                resolved = resolve_name(str(tzid)) if tzid else None
                if resolved is not None:
                    value = value.replace(tzinfo=resolved.tz)
                else:
                    if tzid:
                        note(LossKind.TIMEZONE_UNKNOWN, name, f"unknown TZID {tzid!r}; the series zone is used",
                             before=tzid)
                    value = value.replace(tzinfo=zone or timezone.utc)
            if isinstance(start, datetime) and not isinstance(value, datetime):
                value = datetime.combine(value, start.timetz().replace(tzinfo=None)).replace(tzinfo=zone)
                note(LossKind.QUIRK_REPAIRED, name, f"DATE {name} on a timed series read at the series start time",
                     before=item.dt, after=value)
            values.append(value)
        if values:
            v.add(name, values)
    shared = report if not quiet else Report()  # the quirks the .ics reader applies too
    for quirk in (dtstart_until, all_day_exdate, exrule):
        quirk.apply(v, shared)


def _check_rule(rule: vRecur, start: date | datetime, note: Any, line: str) -> vRecur | None:
    if not rule.get("FREQ"):
        note(LossKind.INVALID_VALUE, "recurrence", "rule without FREQ; dropped", before=line)
        return None
    count = rule.get("COUNT")
    count_value = count[0] if isinstance(count, list) else count
    if count is not None and (rule.get("UNTIL") or (isinstance(count_value, int) and count_value <= 0)):
        note(LossKind.INVALID_VALUE, "recurrence", "COUNT with UNTIL, or COUNT not positive; COUNT dropped",
             before=line)
        del rule["COUNT"]
    freq = str(rule["FREQ"][0] if isinstance(rule["FREQ"], list) else rule["FREQ"]).upper()
    if freq == "YEARLY" and rule.get("BYMONTHDAY") and not rule.get("BYMONTH") and not rule.get("BYYEARDAY") \
            and not rule.get("BYWEEKNO"):
        rule["BYMONTH"] = [start.month]
        note(LossKind.QUIRK_REPAIRED, "recurrence",
             "YEARLY;BYMONTHDAY without BYMONTH: Google expands it in the start month; BYMONTH added",
             before=line, after=f"BYMONTH={start.month}")
    try:
        from dateutil.rrule import rrulestr
        anchor = start if isinstance(start, datetime) else datetime.combine(start, time())
        until = rule.get("UNTIL")
        if until:  # dateutil wants UNTIL and DTSTART alike (aware/naive)
            anchor = anchor if anchor.tzinfo is not None else anchor.replace(tzinfo=timezone.utc)
        text = rule.to_ical().decode()
        if isinstance(start, date) and not isinstance(start, datetime) and until:
            text = re.sub(r"UNTIL=(\d{8})(?:T\d{6}Z?)?", r"UNTIL=\1T235959Z", text)
        rrulestr(text, dtstart=anchor)
    except (ValueError, TypeError) as exc:
        note(LossKind.INVALID_VALUE, "recurrence", f"rule rejected ({exc}); dropped", before=line)
        return None
    return rule



def _reference(lines: list[str], start: date | datetime, uid: str) -> tuple[list[tuple[str, Any]], Report]:
    report = Report()
    scratch = VEvent()
    scratch.add("UID", uid)
    scratch.add("DTSTART", start)
    parse_recurrence(scratch, lines, start, report, uid)
    (typed,) = events_to_model([scratch])
    out = [(name, item) for name in scratch.keys() if name in RECURRENCE_FIELDS
           for item in getattr(typed, RECURRENCE_FIELDS[name])]
    return out, report


def _new(lines: list[str], start: date | datetime, uid: str) -> tuple[list[tuple[str, Any]], Report]:
    report = Report()
    typed = read_recurrence(lines, start, report, uid)
    return [(name, item) for name in typed.order for item in getattr(typed, RECURRENCE_FIELDS[name])], report


# ---------------------------------------------------------------- comparing strictly

def _strict(value: Any) -> Any:
    """Values compared with their zones: an aware datetime's equality is its instant only."""
    if isinstance(value, datetime):
        return ("dt", value.isoformat(), repr(value.tzinfo))
    if isinstance(value, m.Zone):
        return ("zone", value.kind, value.tzid, value.iana, value.rules, repr(value.tzinfo))
    if isinstance(value, m.Recur):
        return ("recur", *(_strict(getattr(value, f)) for f in value.__dataclass_fields__))
    if isinstance(value, tuple):
        return tuple(_strict(v) for v in value)
    return value


def _outcome(reader: Any, lines: list[str], start: date | datetime) -> Any:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            items, report = reader(lines, start, "u1@example.com")
    except Exception as exc:  # the event fails (``to_ical.events_to_calendar`` reports it)
        return ("error", type(exc).__name__, str(exc))
    return ([(name, _strict(item)) for name, item in items],
            [(e.kind, e.field, e.reason, e.uid, e.before, e.after) for e in report])


_DATE_OR_FLOATING_UNTIL = re.compile(r"UNTIL=\d{8}(?:T\d{6})?(?![TZ\d])", re.IGNORECASE)
_DURATION = re.compile(r"(?:^|[,/])\s*[+-]?P", re.IGNORECASE)
_ZONED_UTC = re.compile(r"TZID=.*[:,]\d{8}T\d{6}Z", re.IGNORECASE)


def _fixed_since(lines: list[str], start: date | datetime) -> bool:
    """Lines whose old reading was wrong and is fixed (tests/test_google_recurrence_fixes.py
    holds the new reading to the .ics path): a DATE or floating UNTIL on a timed series (dropped
    by dateutil before its repair), a period or duration in an RDATE/EXDATE (a TypeError on a
    timed series, TZID or the whole line lost on an all-day one), a ``Z`` value beside a TZID
    (read in that zone), a ``Z`` value beside floating ones (written under their TZID)."""
    for line in lines:
        name = line.strip().split(";", 1)[0].split(":", 1)[0].strip().upper()
        if name in ("RRULE", "EXRULE") and isinstance(start, datetime) and _DATE_OR_FLOATING_UNTIL.search(line):
            return True
        if name in ("RDATE", "EXDATE") or line.upper().startswith("RRULE:DATE"):
            body = line.rpartition(":")[2]
            times = re.findall(r"\d{8}T\d{6}Z?", body, re.IGNORECASE)
            if "/" in body or _DURATION.search(body) or _ZONED_UTC.search(line) or \
                    len({t.upper().endswith("Z") for t in times}) > 1:
                return True
    return False


def _same(lines: list[str], start: date | datetime) -> None:
    new = _outcome(_new, lines, start)
    if _fixed_since(lines, start):
        assert new[0] != "error" or "combine()" not in new[2], (lines, start, new)
        lines = [line for line in lines if not _fixed_since([line], start)]  # the others still read as before
        if not lines:
            return
        new = _outcome(_new, lines, start)
    assert new == _outcome(_reference, lines, start), (lines, start)


# ---------------------------------------------------------------- inputs

BERLIN = ZoneInfo("Europe/Berlin")
STARTS = [datetime(2022, 4, 1, 9, tzinfo=BERLIN), datetime(2022, 4, 1, 9, tzinfo=timezone.utc),
          datetime(2022, 4, 1, 23, 30, tzinfo=ZoneInfo("America/New_York")), date(2022, 4, 1)]


def _recurrence_lists() -> list[list[str]]:
    out: list[list[str]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "recurrence" and isinstance(value, list):
                    out.append([v for v in value if isinstance(v, str)])
                else:
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for path in sorted((ROOT / "corpus" / "google").glob("*.json")) + sorted((ROOT / "google_fixtures").rglob("*.json")):
        try:
            walk(json.loads(path.read_text(encoding="utf-8")))
        except ValueError:
            continue  # a pseudo-JSON page of the docs
    for path in sorted(ROOT.glob("test_google_*.py")) + [ROOT / "test_quirks_google_export.py"]:
        text = path.read_text(encoding="utf-8")
        found = re.findall(r'"((?:RRULE|EXRULE|RDATE|EXDATE)[;:][^"\\]*)"', text)
        out.extend([line] for line in found)
    return out


TZIDS = ["Europe/Berlin", "America/New_York", "US/Eastern", "Asia/Kolkata", "UTC", "Etc/UTC", "GMT",
         "W. Europe Standard Time", "/mozilla.org/20050126_1/Europe/Berlin", "Nowhere/Land", "europe/berlin",
         '"Europe/Berlin"', '"(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna"', ""]
VALUES = ["20220422", "20220422T090000", "20220422T090000Z", "20220401T090000", "20220401T070000Z",
          "20220422T000000", "20221030T023000", "20220230", "20220422T250000", "notadate", ""]
RULES = ["FREQ=DAILY;COUNT=5", "FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20220501T000000Z", "FREQ=DAILY;UNTIL=20220420",
         "FREQ=DAILY;UNTIL=20220420T090000", "FREQ=DAILY;UNTIL=20220420T215959Z;COUNT=3", "FREQ=YEARLY;BYMONTHDAY=7",
         "FREQ=YEARLY;BYMONTHDAY=7;BYMONTH=5", "FREQ=MONTHLY;BYDAY=+1MO;COUNT=0", "FREQ=MONTHLY;BYDAY=-1FR;COUNT=-1",
         "BYDAY=MO,WE;FREQ=WEEKLY;INTERVAL=02;BYMONTH=05", "freq=daily;count=3", "Freq=Weekly;Until=20220501",
         "FREQ=DAILY;X-NAME=a", "FREQ=DAILY;RSCALE=GREGORIAN", "FREQ=SOMETIMES", "", "COUNT=3",
         "FREQ=DAILY;COUNT=x", "FREQ=DAILY;BYMONTH=13", "FREQ=DAILY;BYSECOND=99", "FREQ=DAILY;INTERVAL=0",
         "FREQ=DAILY;BYDAY=XX", "FREQ=DAILY;UNTIL=2022", "FREQ=DAILY;;COUNT=2", "FREQ=DAILY;COUNT=2;",
         "FREQ=DAILY ; COUNT=2", "FREQ=WEEKLY;WKST=SU;BYDAY=SU;COUNT=20", "FREQ=DAILY;FREQ=WEEKLY;COUNT=2",
         "FREQ=MONTHLY;BYSETPOS=-1;BYDAY=MO,TU,WE,TH,FR;UNTIL=20230101", "FREQ=YEARLY;BYYEARDAY=100;BYMONTHDAY=7",
         "FREQ=HOURLY;BYHOUR=9,10;BYMINUTE=0,30;COUNT=4", "FREQ=WEEKLY;BYWEEKNO=20;BYMONTHDAY=+5"]


def _generated() -> list[list[str]]:
    out: list[list[str]] = []
    for name in ("EXDATE", "RDATE"):
        for tzid, value in itertools.product(TZIDS, VALUES):
            head = f"{name};TZID={tzid}" if tzid else name
            out.append([f"{head}:{value}"])
        for value in VALUES:
            out.append([f"{name};VALUE=DATE:{value}"])
            out.append([f"{name};VALUE=DATE-TIME:{value}"])
        out += [[f"{name}:20220422T090000Z,20220423T090000,20220424"],
                [f"{name};TZID=Europe/Berlin:20220422T090000,20220423T090000Z,20220424"],
                [f"{name};TZID=Asia/Tokyo:20220422T000000,20220423T000000"],
                [f"{name};TZID=Europe/Berlin;X-FOO=1:20220422T090000"], [f"{name};X-FOO=1:20220422T090000Z"],
                [f"{name.lower()};tzid=Europe/Berlin:20220422T090000"], [f" {name}:20220422T090000Z "],
                [f"{name} :20220422T090000Z"], [f"{name}:20220422T090000Z "], [f"{name}:20220422T090000,,20220423"],
                [f"{name}:VALUE=DATE:20220422,20220423"], [f"{name}:TZID=Europe/Berlin:20220422T090000"],
                [f"{name}:P1D"], [f"{name}:20220422T090000Z/PT1H"]]
    for value in ("20220422T090000Z/PT2H", "20220422T090000Z/20220422T100000Z", "20220422T090000Z/20220422T080000Z",
                  "20220422T090000/PT1H,20220423T100000", "20220422T090000Z/PT2H,20220423"):
        out += [[f"RDATE;VALUE=PERIOD:{value}"], [f"RDATE;VALUE=PERIOD;TZID=America/New_York:{value}"],
                [f"RDATE:{value}"]]
    for rule in RULES:
        out += [[f"RRULE:{rule}"], [f"EXRULE:{rule}"], [f"RRULE;X-EVOLUTION-ENDDATE=20240101T000000Z:{rule}"]]
    out += [["rrule:freq=daily;count=3"], ["RRULE :FREQ=DAILY"], ["RRULE"], ["FOO:bar"], ["RRULE:DATE;TZID=Europe/Warsaw:"
            "20230818T020000,20230915T020000"], ["RRULE:DATE:20230818"], ["", "  "],
            # several lines together: order of the names, EXRULE restated into EXDATEs beside others
            ["EXDATE;TZID=Europe/Berlin:20220405T090000", "RRULE:FREQ=DAILY;COUNT=10", "EXRULE:FREQ=DAILY;INTERVAL=3",
             "RDATE;VALUE=DATE:20220420"],
            ["RRULE:FREQ=DAILY", "EXRULE:FREQ=WEEKLY;BYDAY=SA,SU", "RDATE:20220420T120000Z"],
            ["RRULE:FREQ=DAILY;COUNT=10", "EXRULE:FREQ=DAILY;INTERVAL=2;COUNT=2", "EXDATE:20220402T070000Z"],
            ["RRULE:FREQ=WEEKLY;UNTIL=20220601T000000Z", "RRULE:FREQ=MONTHLY;COUNT=2", "EXDATE;VALUE=DATE:20220408",
             "EXDATE;TZID=Europe/Helsinki:20220415T000000", "RDATE;TZID=Europe/Helsinki:20220420T000000,"
             "20220421T100000"]]
    return out


# ---------------------------------------------------------------- the tests

def test_every_corpus_recurrence_line_reads_as_before() -> None:
    lists = _recurrence_lists()
    assert sum(len(x) for x in lists) > 40
    for lines, start in itertools.product(lists, STARTS):
        _same(lines, start)


@pytest.mark.parametrize("start", STARTS, ids=str)
def test_generated_recurrence_lines_read_as_before(start: date | datetime) -> None:
    for lines in _generated():
        _same(lines, start)


def test_the_corpus_lines_of_a_file_read_as_before_together() -> None:
    """All lines of one payload on one series: the quirks see every line at once."""
    lists = [x for x in _recurrence_lists() if len(x) > 1]
    everything = [line for x in _recurrence_lists() for line in x]
    for lines, start in itertools.product(lists + [everything], STARTS):
        _same(lines, start)


def test_plain_lines_do_not_touch_icalendar(monkeypatch: pytest.MonkeyPatch) -> None:
    """The shapes Google writes are read by the typed parsers, the edge is not crossed."""
    from ics_bridge.providers.google import recurrence

    def refuse(*args: Any, **kw: Any) -> Any:
        raise AssertionError("icalendar used for a plain line")
    monkeypatch.setattr(recurrence, "_by_icalendar", refuse)
    monkeypatch.setattr("ics_bridge.edge.events_to_model", refuse)
    typed = read_recurrence(["RRULE:FREQ=WEEKLY;COUNT=7;BYDAY=FR", "EXDATE;TZID=Australia/Sydney:20240530T133000,"
                             "20240620T133000", "EXDATE;VALUE=DATE:20220422", "RDATE:20240701T090000Z",
                             "EXRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=2"],
                            datetime(2024, 5, 2, 13, 30, tzinfo=ZoneInfo("Australia/Sydney")), Report(), "u")
    assert typed.order == ("RRULE", "EXDATE", "RDATE")
    assert len(typed.exdates) == 3 and typed.exrules == ()
