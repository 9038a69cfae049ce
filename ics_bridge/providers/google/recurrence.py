"""Google ``recurrence[]`` lines → the typed hub's RRULE/EXRULE/RDATE/EXDATE (issue 12).

Why here: each line used to be parsed by icalendar, put on a scratch VEVENT, repaired by the
icalendar versions of three quirks and carried into the model through the library edge (an
.ics text written and read again per event: half the cost of Google → hub).  Now a line of
the shapes Google writes (``RRULE:FREQ=…``, ``EXDATE;TZID=Area/City:…``, ``EXDATE;VALUE=DATE:…``)
is read by the typed value parsers (``io/model_reader``), the quirks run on the model
(:mod:`ics_bridge.quirks`), and the values come out as the edge gave them:

* rules are spelled as icalendar spells them (its canonical part order) and read back with
  :func:`~ics_bridge.io.model_reader.parse_recur`, so ``Recur.text`` is what it was;
* date lists get the parameters icalendar's writer gave a list of those Python values (TZID of
  the last zoned value, ``VALUE=DATE`` when all are dates) and each value the reading
  ``model_reader`` gives that text (:func:`carry`).

A line of any other shape (lower case, quoted or unknown TZIDs, periods, durations, broken
values) is still parsed by icalendar's content-line reader, on its own, so its reading and the
message of its report stay icalendar's; it then takes the same model path.
``tests/test_google_fastpath.py`` holds this module to the old icalendar path on every corpus
line and on generated ones, except where that reading was wrong and the .ics path is followed
instead (``tests/test_google_recurrence_fixes.py``): a DATE or floating UNTIL on a timed series
is repaired (:mod:`~ics_bridge.quirks.dtstart_until`), not dropped by dateutil first; an RDATE
period stays a period in its TZID; a duration, a period ending before it starts or an EXDATE
period (kept as written) is reported by its line, never a TypeError failing the event; a ``Z``
value is UTC even beside a TZID (RFC 5545 3.3.5, reported as io/ics reports it), and a line
mixing zones is carried as one line per zone.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import Any, Callable, Iterable

from icalendar.prop import vRecur

from ... import model as m
from ...build import FLOATING, UTC_ZONE
from ...io.model_reader import IcsReader, parse_recur
from ...quirks import all_day_exdate, dtstart_until, exrule
from ...report import LossKind, Report
from ...timezones import UTC_NAMES, resolve_name, tzid_of
from ...memo import remember

Note = Callable[..., None]

_RRULE_DATE = re.compile(r"^RRULE:DATE(?=[;:])", re.IGNORECASE)
_MISSING_SEMICOLON = re.compile(r"^(EXDATE|RDATE):(VALUE|TZID)=", re.IGNORECASE)
_NAMES = ("RRULE", "EXRULE", "RDATE", "EXDATE")
RECURRENCE_FIELDS = {"RRULE": "rrules", "EXRULE": "exrules", "RDATE": "rdates", "EXDATE": "exdates"}

# The shapes read without icalendar: an upper-case rule of plain parts, a date list of plain
# DATE / DATE-TIME values with at most a tzdata TZID or a VALUE parameter.
_PLAIN_RULE = re.compile(r"[A-Z0-9=;,+-]*\Z")
_PLAIN_DATES = re.compile(r"(?:;TZID=([A-Za-z]+/[A-Za-z0-9_/+-]+)|;VALUE=DATE(?:-TIME)?)?\Z")
_PLAIN_VALUES = re.compile(r"\d{8}(?:T\d{6}Z?)?(?:,\d{8}(?:T\d{6}Z?)?)*\Z")

#: zone lookups only: a TZID of a Google line names tzdata or nothing (no VTIMEZONE)
_READER = IcsReader(b"")

#: icalendar's canonical RECUR part order (``vRecur.canonical_order``), which it writes
_CANONICAL = ("RSCALE", "FREQ", "UNTIL", "COUNT", "INTERVAL", "BYSECOND", "BYMINUTE", "BYHOUR", "BYDAY", "BYWEEKDAY",
              "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYMONTH", "BYSETPOS", "WKST", "SKIP")


_CANONICAL_INDEX = {key: i for i, key in enumerate(_CANONICAL)}


class _Unplain(Exception):
    """A line not of the plain shapes: icalendar reads it."""


def read_recurrence(lines: Iterable[str], start: date | datetime, report: Report, uid: str,
                    *, quiet: bool = False) -> m.Event:
    """Google ``recurrence[]`` lines of a series starting at ``start`` → an event holding only
    its RRULE/EXRULE/RDATE/EXDATE (``order``: their names in the order the lines gave them).

    Each line is read on its own, so one bad line is reported and skipped, never fatal
    (home-assistant/core #81568).  Quirks absorbed, each reported: ``RRULE:DATE;TZID=…`` that is
    really an RDATE (gcal_sync #327), ``EXDATE:VALUE=DATE:…`` missing its semicolon (gcsa),
    parameters on RRULE (``X-EVOLUTION-ENDDATE``, home-assistant/core #81409), COUNT with UNTIL
    or COUNT ≤ 0 (case 28), ``YEARLY;BYMONTHDAY`` without BYMONTH (Google expands it in
    DTSTART's month; gcal_sync), DATE UNTIL on a timed series and zoned EXDATE/RDATE on an
    all-day series (the shared quirks of :mod:`ics_bridge.quirks`), floating or unresolvable
    values.  ``quiet``: nothing reported (a writer comparing lines)."""
    def note(kind: LossKind, field: str, reason: str, **kw: Any) -> None:
        if not quiet:
            report.add(kind, field, reason, uid=uid, **kw)

    zone = start.tzinfo if isinstance(start, datetime) else None
    found: dict[str, list[Any]] = {}
    kept: list[m.Line] = []
    for raw in lines:
        line = (raw or "").strip()
        if not line:
            continue
        fixed = _RRULE_DATE.sub("RDATE", line)
        fixed = _MISSING_SEMICOLON.sub(lambda g: f"{g.group(1)};{g.group(2)}=", fixed)
        if fixed != line:
            note(LossKind.QUIRK_REPAIRED, "recurrence", "malformed recurrence line repaired", before=line, after=fixed)
            line = fixed
        head, sep, body = line.partition(":")
        name = head.split(";", 1)[0].strip().upper()
        if not sep or name not in _NAMES:
            note(LossKind.INVALID_VALUE, "recurrence", "not an RRULE/EXRULE/RDATE/EXDATE line; dropped", before=line)
            continue
        if name in ("RRULE", "EXRULE"):
            if ";" in head:
                note(LossKind.QUIRK_REPAIRED, "recurrence", f"parameters on {name} dropped (RFC 5545 defines none)",
                     before=head)
                line = f"{name}:{body}"
                head = name
            rule = _rule(name, head, body, line, start, note)
            if rule is not None:
                found.setdefault(name, []).append(rule)
            continue
        read = _dates(name, head, body, line, note)
        if read is None:
            continue
        tzid, items = read
        if name == "EXDATE" and any(isinstance(item, tuple) for item in items):
            # RFC 5545 3.8.5.1: an EXDATE is DATE-TIME or DATE; the .ics path keeps such a line
            # as written (``other``), so here too, said
            kept.append(_as_written(line))
            note(LossKind.INVALID_VALUE, name, "EXDATE holding a PERIOD (RFC 5545 3.8.5.1: DATE-TIME or DATE "
                 "only) kept as written; most readers ignore it, so it may exclude nothing", before=line)
            continue
        if tzid and _ZONED_Z.search(body):
            # the wording of io/ics (``_utc_with_tzid``), which reads the .ics line so
            note(LossKind.QUIRK_REPAIRED, name, f"TZID {str(tzid)[:60]!r} beside a UTC time (…Z) ignored "
                 "(RFC 5545 3.3.5); read in UTC as ical.js and libical do", before=str(tzid), after="UTC")
        values = []
        durations = backwards = False
        for item in items:
            value = item
            if isinstance(value, timedelta):
                durations = True  # not a value an RDATE/EXDATE may hold (RFC 5545 3.8.5.1, 3.8.5.2)
                continue
            if isinstance(value, tuple):  # an RDATE period (RFC 5545 3.3.9): kept as one, in its zone
                begin, end = value
                value = (_zoned(begin, tzid, zone, name, note),
                         _zoned(end, tzid, zone, name, note) if isinstance(end, datetime) else end)
                if isinstance(value[1], datetime) and isinstance(value[0], datetime) and value[1] < value[0]:
                    backwards = True  # RFC 5545 3.3.9: a period ends after it starts
                    continue
                values.append(value)
                continue
            value = _zoned(value, tzid, zone, name, note)
            if isinstance(start, datetime) and not isinstance(value, datetime):
                value = datetime.combine(value, start.timetz().replace(tzinfo=None)).replace(tzinfo=zone)
                note(LossKind.QUIRK_REPAIRED, name, f"DATE {name} on a timed series read at the series start time",
                     before=item, after=value)
            values.append(value)
        if backwards:
            note(LossKind.INVALID_VALUE, name, "a period ending before it starts (RFC 5545 3.3.9); dropped",
                 before=line)
        if durations:
            note(LossKind.INVALID_VALUE, name, f"a duration is not a value of {name} (RFC 5545 3.8.5.1, 3.8.5.2: "
                 "DATE-TIME, DATE or PERIOD); dropped", before=line)
        if values:
            found.setdefault(name, [])
            for group in _by_zone(values):  # one line per zone: a line has one TZID
                carried = carry(group, name=name)
                if carried is not None:
                    found[name].append(carried)
    event = m.Event(uid=uid, start=carry([start], value_type=False).values[0],  # type: ignore[union-attr]
                    **{RECURRENCE_FIELDS[name]: tuple(items) for name, items in found.items()}, order=tuple(found),
                    other=tuple(kept))
    return _quirks(event, start, report if not quiet else Report())


def _zoned(value: Any, tzid: str | None, zone: tzinfo | None, name: str, note: Note) -> Any:
    """A naive date-time in its line's TZID, else the series zone (reported when the TZID names
    no zone); other values as they are."""
    if not isinstance(value, datetime) or value.tzinfo is not None:
        return value
    resolved = resolve_name(str(tzid)) if tzid else None
    if resolved is not None:
        return value.replace(tzinfo=resolved.tz)
    if tzid:
        note(LossKind.TIMEZONE_UNKNOWN, name, f"unknown TZID {tzid!r}; the series zone is used", before=tzid)
    return value.replace(tzinfo=zone or timezone.utc)


_ZONED_Z = re.compile(r"\d{8}T\d{6}Z", re.IGNORECASE)


def _by_zone(values: list[Any]) -> list[list[Any]]:
    """The values in runs of one written zone (a period by its start; dates join any run): a
    UTC value beside zoned ones is written on a line of its own, never under their TZID."""
    groups: list[list[Any]] = []
    last: object = None
    for value in values:
        first = value[0] if isinstance(value, tuple) else value
        key = _written_tzid(first) if isinstance(first, datetime) and first.tzinfo is not None else None
        if groups and (key is None or last is None or key == last):
            groups[-1].append(value)
        else:
            groups.append([value])
        if key is not None:
            last = key
    return groups


def _as_written(line: str) -> m.Line:
    """A recurrence line the model has no typed field for, kept as written (``Event.other``)."""
    from ...io.lines import split
    name, params, value = split(line)
    return m.Line(name, params, value, line)


# ---------------------------------------------------------------- rules

def _rule(name: str, head: str, body: str, line: str, start: date | datetime, note: Note) -> m.Recur | None:
    """One RRULE/EXRULE line, checked (:func:`_checked`); None when it is dropped (reported)."""
    try:
        if head != name or not _PLAIN_RULE.match(body):
            raise _Unplain
        rule = _plain_rule(body)
    except (_Unplain, ValueError, TypeError):
        prop = _by_icalendar(name, line, note)
        if prop is None:
            return None
        text = prop.to_ical().decode()
        rule = parse_recur(text)
    return _checked(rule, start, note, line)


_plain_rules: dict[str, m.Recur] = {}


def _plain_rule(body: str) -> m.Recur:
    """A plain rule read in icalendar's spelling (what the edge carried); the reading depends
    on the text alone, so it is done once per text (series repeat a few rules; Recur is
    immutable).  ValueError/TypeError as :func:`parse_recur` raises them (never remembered)."""
    found = _plain_rules.get(body)
    if found is None:
        found = parse_recur(body)
        text = spelled(found)
        if text != body:
            found = parse_recur(text)
        remember(_plain_rules, body, found, 4096)
    return found


def spelled(rule: m.Recur) -> str:
    """The rule as icalendar's ``vRecur.to_ical`` spells it (what the edge wrote)."""
    return rule_text(rule, None)


def _until_value(until: m.TimeValue | None, zone: tzinfo | None) -> str:
    """UNTIL as icalendar writes it (``vDDDTypes``), a floating date-time read in ``zone`` and
    written in UTC: a Google event always has a zone, and RFC 5545 3.3.10 wants UTC UNTIL then
    (a floating series is given ``--default-zone``, reported by the start)."""
    value = m.plain(until)
    if not isinstance(value, datetime):
        return value.strftime("%Y%m%d")  # type: ignore[union-attr]
    if value.tzinfo is None and zone is not None:
        value = value.replace(tzinfo=zone).astimezone(timezone.utc)
    return value.strftime("%Y%m%dT%H%M%SZ" if tzid_of(value.tzinfo) == "UTC" else "%Y%m%dT%H%M%S")


_NUMBER_PARTS = (("BYSECOND", "bysecond"), ("BYMINUTE", "byminute"), ("BYHOUR", "byhour"))
_DAY_NUMBER_PARTS = (("BYMONTHDAY", "bymonthday"), ("BYYEARDAY", "byyearday"), ("BYWEEKNO", "byweekno"))


def rule_text(rule: m.Recur, zone: tzinfo | None) -> str:
    """A RECUR value from the rule's typed parts, in the spelling Google has always been sent
    (icalendar's ``vRecur.to_ical``: its canonical part order, numbers without leading zeros),
    so a rule that ``thisandfuture.split_series`` ended is written with its new UNTIL.  A rule
    with parts the typed fields do not spell back exactly (``+1MO``, RFC 7529 RSCALE/SKIP,
    unknown parts) is read again by icalendar: rare, and never a guess."""
    if rule.other or rule.rscale is not None or rule.skip is not None or "+" in rule.text:
        found = vRecur.from_ical(rule.text)
        until = found.get("UNTIL")
        value = until[0] if isinstance(until, list) and until else until
        if zone is not None and isinstance(value, datetime) and value.tzinfo is None:
            found["UNTIL"] = [value.replace(tzinfo=zone).astimezone(timezone.utc)]
        return found.to_ical().decode()
    parts = []
    if rule.freq:
        parts.append(f"FREQ={rule.freq}")
    if rule.until is not None:
        parts.append(f"UNTIL={_until_value(rule.until, zone)}")
    if rule.count is not None:
        parts.append(f"COUNT={rule.count}")
    if rule.interval is not None:
        parts.append(f"INTERVAL={rule.interval}")
    for key, attr in _NUMBER_PARTS:
        values = getattr(rule, attr)
        if values:
            parts.append(f"{key}={','.join(str(v) for v in values)}")
    if rule.byday:
        parts.append("BYDAY=" + ",".join(f"{d.n}{d.day}" if d.n else d.day for d in rule.byday))
    for key, attr in _DAY_NUMBER_PARTS:
        values = getattr(rule, attr)
        if values:
            parts.append(f"{key}={','.join(str(v) for v in values)}")
    if rule.bymonth:
        parts.append("BYMONTH=" + ",".join(str(int(v)) if v.isdigit() else v for v in rule.bymonth))
    if rule.bysetpos:
        parts.append(f"BYSETPOS={','.join(str(v) for v in rule.bysetpos)}")
    if rule.wkst:
        parts.append(f"WKST={rule.wkst}")
    return ";".join(parts)


def _parts(text: str) -> list[list[str]]:
    return [part.split("=", 1) for part in text.split(";") if part]


def _join(parts: list[list[str]]) -> str:
    """Parts of a canonical spelling, in icalendar's canonical order (others after, in order)."""
    order = _CANONICAL_INDEX
    known = sorted((p for p in parts if p[0] in order), key=lambda p: order[p[0]])
    return ";".join("=".join(p) for p in known + [p for p in parts if p[0] not in order])


def _checked(rule: m.Recur, start: date | datetime, note: Note, line: str) -> m.Recur | None:
    """A rule read from icalendar's spelling (``rule.text``) → the typed rule, or None: without
    FREQ; COUNT with UNTIL or COUNT ≤ 0 loses COUNT; ``YEARLY;BYMONTHDAY`` without BYMONTH gets
    DTSTART's month; a rule dateutil rejects is dropped."""
    text = rule.text
    if not rule.freq:
        note(LossKind.INVALID_VALUE, "recurrence", "rule without FREQ; dropped", before=line)
        return None
    parts = _parts(text)
    if rule.count is not None and (rule.until is not None or rule.count <= 0):
        note(LossKind.INVALID_VALUE, "recurrence", "COUNT with UNTIL, or COUNT not positive; COUNT dropped",
             before=line)
        parts = [p for p in parts if p[0] != "COUNT"]
    if rule.freq == "YEARLY" and rule.bymonthday and not rule.bymonth and not rule.byyearday and not rule.byweekno:
        parts.append(["BYMONTH", str(start.month)])
        note(LossKind.QUIRK_REPAIRED, "recurrence",
             "YEARLY;BYMONTHDAY without BYMONTH: Google expands it in the start month; BYMONTH added",
             before=line, after=f"BYMONTH={start.month}")
    changed = _join(parts)
    anchor = start if isinstance(start, datetime) else datetime.combine(start, time())
    until = rule.until is not None
    if until:  # dateutil wants UNTIL and DTSTART alike (aware/naive)
        anchor = anchor if anchor.tzinfo is not None else anchor.replace(tzinfo=timezone.utc)
    check = changed
    if isinstance(start, date) and not isinstance(start, datetime) and until:
        check = re.sub(r"UNTIL=(\d{8})(?:T\d{6}Z?)?", r"UNTIL=\1T235959Z", check)
    elif until:
        # judged as the repair of :func:`_quirks` will write it (a DATE or floating UNTIL on a
        # zoned series, RFC 5545 3.3.10), not as dateutil would refuse it before that repair
        fixed = dtstart_until.repair(start, m.plain(rule.until))  # type: ignore[arg-type]
        if fixed is not None:
            check = _join([p if p[0] != "UNTIL" else ["UNTIL", _until_text(fixed[0])] for p in _parts(check)])
    problem = _rejected(check, anchor, rule.freq)
    if problem is not None:
        note(LossKind.INVALID_VALUE, "recurrence", f"rule rejected ({problem}); dropped", before=line)
        return None
    return rule if changed == text else parse_recur(changed)


_verdicts: dict[tuple[Any, ...], str | None] = {}


def _rejected(text: str, anchor: datetime, freq: str | None) -> str | None:
    """Why dateutil refuses the rule from ``anchor`` (None: it takes it).  Memoised: only the
    text, whether the anchor is aware, and (for rules finer than a day, whose BYHOUR/BYMINUTE/
    BYSECOND sets start from it) its time of day decide."""
    key = (text, anchor.tzinfo is not None, anchor.time() if freq in ("HOURLY", "MINUTELY", "SECONDLY") else None)
    if key in _verdicts:
        return _verdicts[key]
    try:
        from dateutil.rrule import rrulestr
        rrulestr(text, dtstart=anchor)
        verdict = None
    except (ValueError, TypeError) as exc:
        verdict = str(exc)
    remember(_verdicts, key, verdict, 8192)
    return verdict


def _until_text(value: date | datetime) -> str:
    """An UNTIL as icalendar writes it (``vDDDTypes.to_ical``)."""
    if not isinstance(value, datetime):
        return f"{value.year:04}{value.month:02}{value.day:02}"
    z = "Z" if value.tzinfo is not None and _written_tzid(value) == "UTC" else ""
    return f"{value.year:04}{value.month:02}{value.day:02}T{value.hour:02}{value.minute:02}{value.second:02}{z}"


# ---------------------------------------------------------------- date lists

def _dates(name: str, head: str, body: str, line: str, note: Note) -> tuple[str | None, list[Any]] | None:
    """An RDATE/EXDATE line → (its TZID, its values as icalendar gives them: ``date``,
    ``datetime`` aware in the TZID's zone, UTC for ``Z``, naive when floating or the TZID names
    no zone; periods as tuples); None when it is dropped (reported)."""
    shape = _PLAIN_DATES.match(head, len(name)) if head.startswith(name) else None
    if shape is not None and _PLAIN_VALUES.match(body):
        tzid = shape.group(1)
        tz: tzinfo | None = None
        if tzid is not None:
            zone = _READER.zone(tzid)
            if zone.kind == "iana" and zone.iana == tzid and tzid.lower() not in UTC_NAMES:
                tz = zone.tzinfo
            else:
                shape = None
        if shape is not None:
            try:
                return tzid, [_value(item, tz) for item in body.split(",")]
            except ValueError:
                pass  # icalendar reads it and says why not
    prop = _by_icalendar(name, line, note)
    if prop is None:
        return None
    tzid = prop.params.get("TZID")
    values = [item.dt for item in prop.dts]
    return tzid, _utc_as_written(body, values) if tzid else values


_UTC_TEXT = re.compile(r"\s*\d{8}T\d{6}Z\s*\Z", re.IGNORECASE)


def _utc_as_written(body: str, values: list[Any]) -> list[Any]:
    """icalendar's values of a line with a TZID, each ``Z`` value (or period bound) as written:
    UTC (RFC 5545 3.3.5; icalendar reads it as the TZID's wall clock, a silent shift)."""
    texts = body.split(",")
    if len(texts) != len(values):
        return values
    out = []
    for text, value in zip(texts, values):
        if isinstance(value, tuple):
            bounds = text.split("/")
            value = tuple(_as_utc(v) if i < len(bounds) and _UTC_TEXT.match(bounds[i]) else v
                          for i, v in enumerate(value))
        elif _UTC_TEXT.match(text):
            value = _as_utc(value)
        out.append(value)
    return out


def _as_utc(value: Any) -> Any:
    return value.replace(tzinfo=timezone.utc) if isinstance(value, datetime) else value


def _value(text: str, tz: tzinfo | None) -> date | datetime:
    """A plain DATE or DATE-TIME as icalendar reads it (a DATE with a TZID: midnight there),
    except a ``Z`` beside a TZID: UTC, as written (RFC 5545 3.3.5; :func:`_utc_as_written`)."""
    if len(text) == 8:
        day = date(int(text[:4]), int(text[4:6]), int(text[6:8]))
        return datetime(day.year, day.month, day.day, tzinfo=tz) if tz is not None else day
    wall = datetime(int(text[:4]), int(text[4:6]), int(text[6:8]), int(text[9:11]), int(text[11:13]),
                    int(text[13:15]))
    if len(text) == 16:
        return wall.replace(tzinfo=timezone.utc)
    return wall.replace(tzinfo=tz) if tz is not None else wall


def _by_icalendar(name: str, line: str, note: Note) -> Any:
    """icalendar's reading of one line of another shape (its property), or None: reported with
    icalendar's own words."""
    from icalendar import Event as VEvent
    from icalendar.prop import vBroken

    from ...io.contentlines import read_component
    try:
        comp = read_component(VEvent, f"BEGIN:VEVENT\r\n{line}\r\nEND:VEVENT\r\n")
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        note(LossKind.INVALID_VALUE, "recurrence", f"unreadable line ({exc}); dropped", before=line)
        return None
    prop = comp.get(name)
    if prop is None or isinstance(prop, vBroken) or getattr(comp, "errors", None):
        detail = "; ".join(str(e[1]) for e in getattr(comp, "errors", []) or [])
        note(LossKind.INVALID_VALUE, "recurrence", f"invalid {name} line{': ' + detail if detail else ''}; dropped",
             before=line)
        return None
    return prop


_tzids: dict[tzinfo, str | None] = {}


def _written_tzid(value: datetime) -> str | None:
    """The TZID icalendar writes for an aware value (``tzid_from_dt``; ``"UTC"``: a ``Z``)."""
    tz = value.tzinfo
    assert tz is not None
    found = _tzids.get(tz, "")
    if found == "":
        from icalendar.timezone.tzid import tzid_from_tzinfo
        found = tzid_from_tzinfo(tz)
        if len(_tzids) < 4096:
            _tzids[tz] = found
    return found if found is not None else value.tzname()


def carry(values: list[Any], *, name: str = "EXDATE", value_type: bool = True,
          params: m.Params = ()) -> m.DateList | None:
    """A list of Python values as the edge carried it: the line icalendar writes for
    ``add(name, values)`` (``value_type``: with the ``VALUE=DATE`` its ``add`` infers for
    dates; ``params`` after its own), read by ``model_reader``.  None: the line does not read
    back (a duration; a period in an EXDATE), so it was lost."""
    tzid = None
    for value in values:
        if isinstance(value, tuple):  # a period's TZID is its start's
            value = value[0]
        if isinstance(value, datetime) and value.tzinfo is not None:
            written = _written_tzid(value)
            if written and written != "UTC":
                tzid = written
    head: list[m.Param] = [m.Param("TZID", (tzid,))] if tzid else []
    if value_type and values and all(not isinstance(v, datetime) and isinstance(v, date) for v in values):
        head.append(m.Param("VALUE", ("DATE",)))
    zone = _READER.zone(tzid) if tzid else None
    out: list[Any] = []
    for value in values:
        if isinstance(value, datetime):
            out.append(_read_back(value, zone))
        elif isinstance(value, date):
            out.append(value)
        elif isinstance(value, tuple) and name == "RDATE":
            out.append(_period(value, zone))
        else:
            return None
    return m.DateList(tuple(out), (*head, *params))


def _read_back(value: datetime, zone: m.Zone | None) -> m.ZonedDateTime:
    """``vDatetime.to_ical`` (the wall clock, ``Z`` for UTC) read by ``model_reader`` on a
    line whose TZID is ``zone``'s (a ``Z`` beside a TZID is read in that zone)."""
    wall = value.replace(tzinfo=None, microsecond=0)
    utc = value.tzinfo is not None and _written_tzid(value) == "UTC"
    if zone is not None:
        if zone.tzinfo is not None:
            return m.ZonedDateTime(wall.replace(tzinfo=zone.tzinfo), zone)
        if not utc:
            return m.ZonedDateTime(wall, zone)
    if utc:
        return m.ZonedDateTime(wall.replace(tzinfo=timezone.utc), UTC_ZONE)
    return m.ZonedDateTime(wall, FLOATING)


def _period(value: tuple[Any, Any], zone: m.Zone | None) -> m.Period:
    """An RDATE period (icalendar's tuple) as written (``vPeriod``, which refuses an end before
    its start) and read back."""
    begin, end = value
    if isinstance(end, timedelta):
        return m.Period(_read_back(begin, zone), None, end)
    if begin > end:
        raise ValueError("Start time is greater than end time")
    return m.Period(_read_back(begin, zone), _read_back(end, zone), None)


# ---------------------------------------------------------------- the shared quirks, on the model

def _quirks(event: m.Event, start: date | datetime, report: Report) -> m.Event:
    """UNTIL in the shape of DTSTART, zoned EXDATE/RDATE of an all-day series as dates, EXRULE
    restated as EXDATEs (:mod:`ics_bridge.quirks`), in that order, each value as the edge
    carried it."""
    if event.rrules and any(rule.until is not None for rule in event.rrules):
        rules = []
        for rule in event.rrules:
            until = m.plain(rule.until)
            fixed = dtstart_until.repair(start, until) if until is not None else None
            if fixed is not None:
                report.add(LossKind.QUIRK_REPAIRED, "RRULE;UNTIL", fixed[1], uid=event.uid or None, before=until,
                           after=fixed[0])
                parts = [p if p[0] != "UNTIL" else ["UNTIL", _until_text(fixed[0])] for p in _parts(rule.text)]
                rule = parse_recur(_join(parts))
            rules.append(rule)
        event = replace(event, rrules=tuple(rules))
    if not isinstance(event.start, m.ZonedDateTime) and (event.exdates or event.rdates):
        done = all_day_exdate.fix_event(event, report)
        if done is not event:
            event = replace(done, **{field: tuple(_again(new, prop) if new is not old else old
                                                  for new, old in zip(getattr(done, field), getattr(event, field)))
                                     for field, prop in (("exdates", "EXDATE"), ("rdates", "RDATE"))})
    if event.exrules:
        known = len(event.exdates)
        done = exrule.restate(event, report, start=start)
        added = []
        for line in done.exdates[known:]:
            carried = carry([m.plain(v) for v in line.values], value_type=False, params=line.params)
            if carried is not None:
                added.append(carried)
        order = event.order if "EXDATE" in event.order else (*event.order, "EXDATE")
        if not done.exrules:
            order = tuple(name for name in order if name != "EXRULE")
        event = replace(done, exdates=(*event.exdates, *added), order=order)
    return event


def _again(line: m.DateList, name: str) -> m.DateList:
    """A line the all-day quirk changed, carried again: its date-times are dates now, and it
    says ``VALUE=DATE`` (as the icalendar version of the quirk set it, periods or not)."""
    values = [(m.plain(v.start), v.end.dt if v.end is not None else v.duration) if isinstance(v, m.Period)
              else m.plain(v) for v in line.values]
    carried = carry(values, name=name, value_type=False, params=(m.Param("VALUE", ("DATE",)),))
    assert carried is not None
    return carried
