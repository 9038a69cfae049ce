"""Hypothesis strategies that build VALID events over the mappable space (issue 6, "Property-based
round trips"), in the three shapes ics-bridge reads:

* :func:`graph_payloads` — Graph event lists: singles, series masters (every pattern and range
  Graph has, start on its first occurrence as Outlook writes it) with ``exception`` items
  (``seriesMasterId`` + ``originalStart`` on real occurrences) and beta ``cancelledOccurrences``;
* :func:`google_payloads` — ``events.list`` pages: ``date``/``dateTime`` + ``timeZone``,
  ``recurrence[]`` lines, instances (``recurringEventId`` + ``originalStartTime``), cancelled
  tombstones, reminders, attendees, transparency, visibility, colorId;
* :func:`ics_texts` — VCALENDAR texts: RRULEs in the exactly mappable forms, EXDATEs and
  RECURRENCE-ID overrides on real occurrences, ATTENDEE PARTSTAT/ROLE/CUTYPE, ``-PTnM`` alarms.

``exact_for`` narrows a strategy to what the named target maps *exactly* (docs/graph.md,
docs/google.md mapping tables), so a round trip through it must be lossless; ``None`` draws from
the wider valid space, where a round trip may lose things but must report every one.  Every
corner excluded from the exact space says why next to the exclusion.
"""

from __future__ import annotations

import calendar as _calendar
import hashlib
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Literal
from zoneinfo import ZoneInfo, available_timezones

from dateutil.rrule import rrulestr
from hypothesis import strategies as st
from icalendar import Alarm, Calendar, Event, vCalAddress

from ics_bridge.recurrence import GRAPH_DAYS, WEEKDAYS, expand_graph_dates
from ics_bridge.timezones import iana_to_windows, resolve_name

Target = Literal["graph", "google", "ics"] | None

# ---------------------------------------------------------------- zones

def _written_as_utc(zone: str) -> bool:
    """icalendar writes the zones that are UTC+0 forever (Africa/Abidjan and its links,
    Atlantic/Reykjavik) as ``…Z`` without their TZID: every instant is exact, only the zone's
    name is gone.  That happens in the hub's serialisation (ics_bridge/io), not in a mapper, so
    these zones are left out here until io keeps (or reports) the name."""
    from icalendar import Event as _Event
    probe = _Event()
    probe.add("DTSTART", datetime(2001, 1, 1, tzinfo=ZoneInfo(zone)))
    return b"TZID" not in probe.to_ical()


# Every tzdata zone with a Windows name (CLDR): Graph and Outlook can hold it by either name.
ZONES: tuple[str, ...] = tuple(sorted(
    z for z in available_timezones()
    if "/" in z and not z.startswith(("Etc/", "SystemV/", "posix/", "right/")) and iana_to_windows(z)
    and not _written_as_utc(z)))
# Zones with odd offsets, DST on unusual dates, southern-hemisphere DST, date-line jumps: drawn
# more often than their share of ZONES.
TRICKY_ZONES = ("Europe/Paris", "America/New_York", "Australia/Lord_Howe", "Pacific/Chatham", "Asia/Kathmandu",
                "America/St_Johns", "Pacific/Apia", "Africa/Casablanca", "Asia/Tehran", "Pacific/Kiritimati",
                "America/Santiago", "Europe/London", "Asia/Kolkata", "Pacific/Auckland", "America/Los_Angeles",
                "Europe/Dublin", "Asia/Tokyo", "America/Sao_Paulo")
zones = st.one_of(st.sampled_from(TRICKY_ZONES), st.sampled_from(ZONES))

# ---------------------------------------------------------------- text

# Characters that need escaping or care somewhere: iCalendar TEXT (, ; \ newline), JSON ("), HTML
# detection (< > &), line folding (multi-byte UTF-8, emoji with ZWJ and variation selectors), scripts.
_SPECIAL = [",", ";", "\\", "\n", '"', "'", ":", "\t", "=", "&", "%", "#", "@", "/",
            "😀", "👩‍👩‍👧", "🇫🇷", "é", "ß", "ﬁ", "日本語", "中文", "한국어", "עברית", "العربية", "Ελληνικά",
            "Русский", "हिन्दी", "ไทย", "\u00a0", "\u200b", "€", "™"]
_atoms = st.one_of(st.sampled_from(_SPECIAL),
                   st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Co", "Cn", "Zl", "Zp")),
                           min_size=1, max_size=12))
# RFC 5545 3.3.11: TEXT cannot hold control characters other than HTAB (and the escaped newline);
# the hostile-input tests cover them.  ``<``/``>`` are left out of plain texts because a text that
# looks like HTML is read as HTML by design (docs/google.md, "description").


@st.composite
def texts(draw: st.DrawFn, *, min_size: int = 1, long: bool = True) -> str:
    parts = draw(st.lists(_atoms, min_size=min_size, max_size=8))
    text = "".join(parts)
    if long and draw(st.integers(0, 9)) == 0:  # very long lines: folding at 75 octets, mid-character
        text += draw(st.sampled_from(["x", "é", "😀", "日", ", ;"])) * draw(st.integers(60, 400))
    text = text.replace("<", "").replace(">", "")
    if not text.strip():
        text = "x" + text
    return text


summaries = texts()
one_line = texts(long=False).map(lambda s: s.replace("\n", " ").replace("\t", " "))
emails = st.builds(lambda local, n, dom: f"{local}{n}@{dom}",
                   st.sampled_from(["ann", "bob", "chloé", "d.o'neil", "x+tag", "zoë"]),
                   st.integers(0, 99), st.sampled_from(["example.com", "example.org", "xn--bcher-kva.example"]))

# ---------------------------------------------------------------- times


@st.composite
def local_starts(draw: st.DrawFn) -> datetime:
    day = draw(st.dates(date(2001, 1, 1), date(2034, 12, 31)))
    minute = draw(st.sampled_from([0, 15, 30, 45]) | st.integers(0, 59))
    hour = draw(st.integers(0, 23))
    return datetime.combine(day, time(hour, minute))


def _real_wall(wall: datetime, zone: str) -> datetime:
    """The wall time as it really exists in the zone (a DST-gap time moves forward)."""
    tz = ZoneInfo(zone)
    return wall.replace(tzinfo=tz).astimezone(timezone.utc).astimezone(tz).replace(tzinfo=None)


durations = st.sampled_from([0, 15, 30, 45, 60, 90, 120, 480]) | st.integers(0, 3 * 24 * 60)

# ---------------------------------------------------------------- recurrence (Graph's space)

INDEXES = ("first", "second", "third", "fourth", "last")


@st.composite
def graph_patterns(draw: st.DrawFn, start: date) -> dict[str, Any]:
    kind = draw(st.sampled_from(["daily", "weekly", "absoluteMonthly", "relativeMonthly", "absoluteYearly",
                                 "relativeYearly"]))
    days = draw(st.lists(st.sampled_from(GRAPH_DAYS), min_size=1, max_size=7, unique=True))
    pattern: dict[str, Any] = {"type": kind}
    if kind == "daily":
        pattern["interval"] = draw(st.integers(1, 10))
    elif kind == "weekly":
        pattern.update(interval=draw(st.integers(1, 4)), daysOfWeek=days,
                       firstDayOfWeek=draw(st.sampled_from(GRAPH_DAYS)))
    elif kind == "absoluteMonthly":
        pattern.update(interval=draw(st.integers(1, 12)), dayOfMonth=draw(st.integers(1, 31)))
    elif kind == "relativeMonthly":
        pattern.update(interval=draw(st.integers(1, 12)), daysOfWeek=days, index=draw(st.sampled_from(INDEXES)))
    elif kind == "absoluteYearly":
        month = draw(st.integers(1, 12))
        longest = 29 if month == 2 else _calendar.monthrange(2001, month)[1]
        pattern.update(interval=draw(st.integers(1, 3)), month=month, dayOfMonth=draw(st.integers(1, longest)))
    else:
        pattern.update(interval=draw(st.integers(1, 3)), month=draw(st.integers(1, 12)), daysOfWeek=days,
                       index=draw(st.sampled_from(INDEXES)))
    return pattern


@st.composite
def graph_ranges(draw: st.DrawFn, start: date) -> dict[str, Any]:
    kind = draw(st.sampled_from(["noEnd", "endDate", "numbered"]))
    if kind == "endDate":
        return {"type": "endDate", "endDate": (start + timedelta(days=draw(st.integers(0, 1500)))).isoformat()}
    if kind == "numbered":
        return {"type": "numbered", "numberOfOccurrences": draw(st.integers(1, 60))}
    return {"type": "noEnd"}


def first_occurrences(pattern: dict[str, Any], rng: dict[str, Any], start: date, count: int = 40) -> list[date]:
    return list(expand_graph_dates(pattern, rng, start, start + timedelta(days=366 * 5), limit=count))


# ---------------------------------------------------------------- Graph events

RESPONSES = ("none", "organizer", "tentativelyAccepted", "accepted", "declined", "notResponded")
SHOW_AS = ("free", "tentative", "busy", "oof", "workingElsewhere")


def _graph_dt(wall: datetime | date, zone_field: str) -> dict[str, str]:
    if not isinstance(wall, datetime):
        wall = datetime.combine(wall, time())
    return {"dateTime": wall.isoformat(timespec="seconds") + ".0000000", "timeZone": zone_field}


def _ident(*parts: Any) -> str:
    return hashlib.sha256("\x00".join(map(str, parts)).encode()).hexdigest()[:24]


@st.composite
def graph_common(draw: st.DrawFn, exact_for: Target) -> dict[str, Any]:
    """The non-time fields of a Graph event."""
    google = exact_for == "google"
    out: dict[str, Any] = {"subject": draw(summaries)}
    if draw(st.booleans()):
        if draw(st.integers(0, 4)) == 0:
            out["body"] = {"contentType": "html",
                           "content": f"<html><body><p>{_html_escape(draw(one_line))}</p></body></html>"}
        else:
            out["body"] = {"contentType": "text", "content": draw(texts())}
    if draw(st.booleans()):
        out["location"] = {"displayName": draw(one_line)}
    if draw(st.booleans()):
        out["organizer"] = {"emailAddress": {"name": draw(one_line), "address": draw(emails)}}
    people = draw(st.lists(emails, max_size=4, unique_by=str.lower))
    attendees = []
    for email in people:
        kind = draw(st.sampled_from(("required", "optional", "resource")))
        response = draw(st.sampled_from(RESPONSES))
        if google and response in ("notResponded", "organizer"):
            # Google has one "needsAction" for Graph's none/notResponded (read back as none, the
            # same "no answer yet") and no "organizer" response (an acceptance).
            response = "none" if response == "notResponded" else "accepted"
        attendees.append({"type": kind, "status": {"response": response, "time": "0001-01-01T00:00:00Z"},
                          "emailAddress": {"name": draw(one_line), "address": email}})
    if attendees:
        out["attendees"] = attendees
    on = draw(st.booleans())
    out["isReminderOn"] = on
    out["reminderMinutesBeforeStart"] = draw(st.sampled_from([0, 5, 15, 1440, 40320]) | st.integers(0, 40320))
    show = draw(st.sampled_from(SHOW_AS))
    if google and show in ("tentative", "workingElsewhere", "oof"):
        # Google has transparency only (oof needs eventType properties): collapsed, reported.
        show = draw(st.sampled_from(("free", "busy")))
    out["showAs"] = show
    if not google:  # Google has no importance
        out["importance"] = draw(st.sampled_from(("low", "normal", "high")))
    sens = draw(st.sampled_from(("normal", "personal", "private", "confidential")))
    if google and sens == "personal":
        sens = "private"  # personal is PRIVATE + an X- marker Google has no place for (reported)
    out["sensitivity"] = sens
    if not google and draw(st.booleans()):  # Google has no categories (reported)
        out["categories"] = draw(st.lists(one_line.map(str.strip).filter(bool), min_size=1, max_size=3, unique=True))
    return out


def _html_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@st.composite
def graph_payloads(draw: st.DrawFn, exact_for: Target = "ics") -> list[dict[str, Any]]:
    """A list of Graph events: one single event or one series (master, exceptions, cancelled
    occurrences), sometimes with an unrelated single beside it."""
    events = [draw(graph_series(exact_for))] if draw(st.integers(0, 3)) else []
    series = events[0] if events else None
    out: list[dict[str, Any]] = []
    if series is not None:
        out.extend(series)
    if not out or draw(st.booleans()):
        out.append(draw(graph_single(exact_for)))
    return out


def _zone_field(draw: st.DrawFn, zone: str) -> tuple[str, str]:
    """Graph names zones by their Windows name (what it returns) or IANA (what it accepts).
    Returns (the name, the IANA zone it means): a Windows name means CLDR's zone for it, whose
    history may differ from ``zone``'s (America/Araguaina → E. South America Standard Time →
    America/Sao_Paulo)."""
    name = draw(st.sampled_from([iana_to_windows(zone) or zone, zone]))
    resolved = resolve_name(name)
    assert resolved is not None and resolved.iana, name
    return name, resolved.iana


@st.composite
def graph_single(draw: st.DrawFn, exact_for: Target) -> dict[str, Any]:
    event = draw(graph_common(exact_for))
    event.update(id=f"AAMk{_ident('single', draw(st.integers(0, 10**9)))}", type="singleInstance")
    event["iCalUId"] = f"0400000082{event['id']}"
    if draw(st.integers(0, 3)) == 0:
        day = draw(st.dates(date(2001, 1, 1), date(2034, 12, 31)))
        length = draw(st.integers(1, 5))
        event.update(isAllDay=True, start=_graph_dt(day, "UTC"), end=_graph_dt(day + timedelta(days=length), "UTC"))
    else:
        name, zone = _zone_field(draw, draw(zones))
        wall = _real_wall(draw(local_starts()), zone)
        end = wall + timedelta(minutes=draw(durations))
        event.update(isAllDay=False, start=_graph_dt(wall, name), end=_graph_dt(end, name),
                     originalStartTimeZone=name, originalEndTimeZone=name)
    return event


@st.composite
def graph_series(draw: st.DrawFn, exact_for: Target) -> list[dict[str, Any]]:
    master = draw(graph_common(exact_for))
    master_id = f"AAMkMaster{_ident('master', draw(st.integers(0, 10**9)))}"
    master.update(id=master_id, type="seriesMaster", iCalUId=f"040000008200E0{master_id}")
    all_day = draw(st.integers(0, 3)) == 0
    zone_name, zone = _zone_field(draw, draw(zones))
    wall = draw(local_starts())
    pattern = draw(graph_patterns(wall.date()))
    rng = draw(graph_ranges(wall.date()))
    # Outlook's masters start on their first occurrence (a start off the pattern is moved and
    # reported: covered by tests/test_graph_recurrence_e2e.py).
    dates = first_occurrences(pattern, rng, wall.date())
    if not dates:  # e.g. an endDate before the first match: draw the range again from the match
        dates = first_occurrences(pattern, {"type": "noEnd"}, wall.date())
        rng = {"type": "numbered", "numberOfOccurrences": draw(st.integers(1, 30))}
        dates = first_occurrences(pattern, rng, dates[0])
    first = dates[0]
    if rng["type"] == "endDate" and date.fromisoformat(rng["endDate"]) < first:
        rng["endDate"] = first.isoformat()
    rng["startDate"] = first.isoformat()
    rng["recurrenceTimeZone"] = zone_name
    master["recurrence"] = {"pattern": pattern, "range": rng}
    if all_day:
        length = draw(st.integers(1, 3))
        master.update(isAllDay=True, start=_graph_dt(first, "UTC"), end=_graph_dt(first + timedelta(days=length), "UTC"))
        start_of = lambda d: datetime.combine(d, time()).replace(tzinfo=ZoneInfo(zone))  # noqa: E731
        duration = timedelta(days=length)
    else:
        start_wall = _real_wall(datetime.combine(first, wall.time()), zone)
        if start_wall.date() != first:  # a DST gap at midnight pushed the time to the next day
            start_wall = datetime.combine(first, time(12))
        duration = timedelta(minutes=draw(st.integers(0, 23 * 60)))
        master.update(isAllDay=False, start=_graph_dt(start_wall, zone_name),
                      end=_graph_dt(start_wall + duration, zone_name),
                      originalStartTimeZone=zone_name, originalEndTimeZone=zone_name)
        start_of = lambda d: datetime.combine(d, start_wall.time()).replace(tzinfo=ZoneInfo(zone))  # noqa: E731
    out = [master]
    # Exceptions and cancellations on real occurrences (not the first: Graph's series start).
    later = dates[1:]
    chosen = draw(st.lists(st.sampled_from(later), max_size=min(4, len(later)), unique=True)) if later else []
    split = draw(st.integers(0, len(chosen)))
    moved, cancelled = chosen[:split], chosen[split:]
    if cancelled:
        master["cancelledOccurrences"] = [f"OID.{master_id}.{d.isoformat()}" for d in cancelled]
    for day in moved:
        exc = draw(graph_common(exact_for))
        original = start_of(day).astimezone(timezone.utc)
        if all_day:
            shift = timedelta(days=draw(st.integers(-1, 3)))
            new_day = day + shift
            exc.update(isAllDay=True, start=_graph_dt(new_day, "UTC"), end=_graph_dt(new_day + duration, "UTC"))
        else:
            shift = timedelta(minutes=draw(st.sampled_from([-60, 0, 30, 120, 24 * 60]) | st.integers(-2000, 2000)))
            new = (start_of(day) + shift).astimezone(ZoneInfo(zone)).replace(tzinfo=None)
            new = _real_wall(new, zone)
            exc.update(isAllDay=False, start=_graph_dt(new, zone_name), end=_graph_dt(new + duration, zone_name),
                       originalStartTimeZone=zone_name, originalEndTimeZone=zone_name)
        exc.update(id=f"{master_id}_{day.isoformat()}", type="exception", seriesMasterId=master_id,
                   iCalUId=master["iCalUId"],
                   originalStart=original.strftime("%Y-%m-%dT%H:%M:%SZ"), originalStartTimeZone=zone_name)
        out.append(exc)
    return out


# ---------------------------------------------------------------- RRULEs (the exactly mappable forms)


@st.composite
def rrules(draw: st.DrawFn, *, all_day: bool) -> dict[str, Any]:
    """vRecur parts of the forms docs/graph.md lists as exact (so every target maps them)."""
    form = draw(st.sampled_from(["daily", "weekly", "monthday", "lastday", "nthday", "setpos", "yearday",
                                 "yearnth"]))
    days = draw(st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=7, unique=True))
    rule: dict[str, Any] = {}
    if form == "daily":
        rule.update(FREQ="DAILY", INTERVAL=draw(st.integers(1, 10)))
    elif form == "weekly":
        rule.update(FREQ="WEEKLY", INTERVAL=draw(st.integers(1, 4)), BYDAY=days, WKST=draw(st.sampled_from(WEEKDAYS)))
    elif form == "monthday":
        rule.update(FREQ="MONTHLY", INTERVAL=draw(st.integers(1, 12)), BYMONTHDAY=[draw(st.integers(1, 28))])
    elif form == "lastday":
        rule.update(FREQ="MONTHLY", INTERVAL=draw(st.integers(1, 12)), BYMONTHDAY=[-1])
    elif form == "nthday":
        pos = draw(st.sampled_from([1, 2, 3, 4, -1]))
        rule.update(FREQ="MONTHLY", INTERVAL=draw(st.integers(1, 12)), BYDAY=[f"{pos}{days[0]}"])
    elif form == "setpos":
        rule.update(FREQ="MONTHLY", INTERVAL=draw(st.integers(1, 6)), BYDAY=days,
                    BYSETPOS=[draw(st.sampled_from([1, 2, 3, 4, -1]))])
    elif form == "yearday":
        month = draw(st.integers(1, 12))
        day = draw(st.integers(1, 28 if month == 2 else _calendar.monthrange(2001, month)[1]))
        rule.update(FREQ="YEARLY", INTERVAL=draw(st.integers(1, 3)), BYMONTH=[month], BYMONTHDAY=[day])
    else:
        pos = draw(st.sampled_from([1, 2, 3, 4, -1]))
        rule.update(FREQ="YEARLY", INTERVAL=draw(st.integers(1, 3)), BYMONTH=[draw(st.integers(1, 12))],
                    BYDAY=[f"{pos}{days[0]}"])
    if rule.get("INTERVAL") == 1 and draw(st.booleans()):
        del rule["INTERVAL"]
    end = draw(st.sampled_from(["none", "count", "until"]))
    if end == "count":
        rule["COUNT"] = draw(st.integers(1, 60))
    elif end == "until":
        rule["UNTIL"] = draw(st.integers(0, 1500))  # days after DTSTART; made a value by the caller
    return rule


def _rule_text(rule: dict[str, Any]) -> str:
    parts = []
    for key, value in rule.items():
        if isinstance(value, list):
            value = ",".join(map(str, value))
        elif isinstance(value, (date, datetime)):
            value = value.strftime("%Y%m%dT%H%M%SZ") if isinstance(value, datetime) else value.strftime("%Y%m%d")
        parts.append(f"{key}={value}")
    return ";".join(parts)


def expand_rule(rule: dict[str, Any], start: datetime | date, count: int = 40) -> list[Any]:
    """The first occurrences of an RRULE (dateutil), in the shape of ``start``."""
    all_day = not isinstance(start, datetime)
    base = datetime.combine(start, time()) if all_day else start
    text = _rule_text({k: v for k, v in rule.items() if k != "UNTIL"})
    found = []
    until = rule.get("UNTIL")
    for occ in rrulestr(text, dtstart=base.replace(tzinfo=None)):
        if len(found) >= count or occ.year > base.year + 6:
            break
        if until is not None:
            limit = datetime.combine(until, time(23, 59, 59)) if not isinstance(until, datetime) else until
            local = occ.replace(tzinfo=base.tzinfo)
            if isinstance(until, datetime) and (local.astimezone(timezone.utc) > until):
                break
            if not isinstance(until, datetime) and occ > limit:
                break
        found.append(occ.date() if all_day else occ.replace(tzinfo=base.tzinfo))
    return found


@st.composite
def aligned_series(draw: st.DrawFn, *, all_day: bool, zone: str | None) -> tuple[Any, dict[str, Any], list[Any]]:
    """(DTSTART on the rule's first occurrence, RRULE parts with a real UNTIL, occurrences)."""
    rule = draw(rrules(all_day=all_day))
    wall = draw(local_starts())
    tz = ZoneInfo(zone) if zone else timezone.utc
    probe = {k: v for k, v in rule.items() if k not in ("UNTIL", "COUNT")}
    first = expand_rule(probe, datetime.combine(wall.date(), time()), count=1)[0].date()
    if all_day:
        start: Any = first
    else:
        start = datetime.combine(first, wall.time()).replace(tzinfo=tz)
        start = start.astimezone(timezone.utc).astimezone(tz)  # DST gap: the real instant
        if start.date() != first or start.time() != wall.time():
            start = datetime.combine(first, time(12)).replace(tzinfo=tz)
    if "UNTIL" in rule:
        day = first + timedelta(days=rule["UNTIL"])
        if all_day:
            rule["UNTIL"] = day
        else:  # RFC 5545 3.3.10: a UTC UNTIL on a zoned series; the end of that local day
            rule["UNTIL"] = datetime.combine(day, time(23, 59, 59)).replace(tzinfo=tz).astimezone(timezone.utc)
    occurrences = expand_rule(rule, start)
    return start, rule, occurrences


# ---------------------------------------------------------------- Google events

G_RESPONSES = ("needsAction", "declined", "tentative", "accepted")
_B32HEX = "abcdefghijklmnopqrstuv0123456789"


def _gid(*parts: Any) -> str:
    digest = hashlib.sha256("\x00".join(map(str, parts)).encode()).digest()
    return "".join(_B32HEX[b % 32] for b in digest[:20])


def _rfc3339(value: datetime) -> str:
    text = value.isoformat(timespec="seconds")
    return text[:-6] + "Z" if text.endswith("+00:00") else text


@st.composite
def google_common(draw: st.DrawFn, exact_for: Target) -> dict[str, Any]:
    graph = exact_for == "graph"
    out: dict[str, Any] = {"kind": "calendar#event", "summary": draw(summaries)}
    if draw(st.booleans()):
        out["description"] = draw(texts())
    if draw(st.booleans()):
        out["location"] = draw(one_line)
    if draw(st.booleans()):
        out["organizer"] = {"email": draw(emails), "displayName": draw(one_line)}
    people = draw(st.lists(emails, max_size=4, unique_by=str.lower))
    attendees = []
    for email in people:
        att: dict[str, Any] = {"email": email, "responseStatus": draw(st.sampled_from(G_RESPONSES))}
        if draw(st.booleans()):
            att["displayName"] = draw(one_line)
        flag = draw(st.sampled_from(["none", "optional", "resource"]))
        if flag == "optional":
            att["optional"] = True
        elif flag == "resource":
            att["resource"] = True
        attendees.append(att)
    if attendees:
        out["attendees"] = attendees
    if graph:
        # Graph keeps one pop-up reminder: at most one override, a popup (email → reported).
        overrides = draw(st.lists(st.builds(lambda m: {"method": "popup", "minutes": m}, st.integers(0, 40320)),
                                  max_size=1))
    else:
        overrides = draw(st.lists(st.builds(lambda meth, m: {"method": meth, "minutes": m},
                                            st.sampled_from(["popup", "email"]),
                                            st.sampled_from([0, 10, 30, 1440, 40320]) | st.integers(0, 40320)),
                                  max_size=5, unique_by=lambda r: (r["method"], r["minutes"])))
    out["reminders"] = {"useDefault": False, **({"overrides": overrides} if overrides else {})}
    out["transparency"] = draw(st.sampled_from(["opaque", "transparent"]))
    vis = draw(st.sampled_from(["default", "public", "private", "confidential"]))
    if graph and vis in ("default", "public"):
        # Graph has one "normal" for default and public (reported as a mapping choice).
        vis = draw(st.sampled_from(["private", "confidential"]))
    out["visibility"] = vis
    if not graph and draw(st.booleans()):  # Graph has no colour (reported)
        out["colorId"] = str(draw(st.integers(1, 11)))
    status = draw(st.sampled_from(["confirmed", "tentative"]))
    if graph:
        status = "confirmed"  # Graph has no tentative event status (reported)
    out["status"] = status
    return out


def _g_edt(value: date | datetime, zone: str) -> dict[str, str]:
    if not isinstance(value, datetime):
        return {"date": value.isoformat()}
    return {"dateTime": _rfc3339(value), "timeZone": zone}


@st.composite
def google_payloads(draw: st.DrawFn, exact_for: Target = "ics") -> dict[str, Any]:
    zone = draw(zones)
    items: list[dict[str, Any]] = []
    if draw(st.integers(0, 3)):
        items.extend(draw(google_series(exact_for, zone)))
    if not items or draw(st.booleans()):
        items.append(draw(google_single(exact_for, zone)))
    return {"kind": "calendar#events", "timeZone": zone, "items": items}


@st.composite
def google_single(draw: st.DrawFn, exact_for: Target, zone: str) -> dict[str, Any]:
    event = draw(google_common(exact_for))
    gid = _gid("single", draw(st.integers(0, 10**9)))
    event.update(id=gid, iCalUID=f"{gid}@google.com")
    if draw(st.integers(0, 3)) == 0:
        day = draw(st.dates(date(2001, 1, 1), date(2034, 12, 31)))
        event.update(start={"date": day.isoformat()}, end={"date": (day + timedelta(days=draw(st.integers(1, 5)))).isoformat()})
    else:
        own = draw(st.one_of(st.just(zone), zones))
        tz = ZoneInfo(own)
        start = _real_wall(draw(local_starts()), own).replace(tzinfo=tz)
        end = (start + timedelta(minutes=draw(durations))).astimezone(tz)
        event.update(start=_g_edt(start, own), end=_g_edt(end, own))
    return event


@st.composite
def google_series(draw: st.DrawFn, exact_for: Target, zone: str) -> list[dict[str, Any]]:
    master = draw(google_common(exact_for))
    gid = _gid("master", draw(st.integers(0, 10**9)))
    master.update(id=gid, iCalUID=f"{gid}@google.com")
    all_day = draw(st.integers(0, 3)) == 0
    own = draw(st.one_of(st.just(zone), zones))
    start, rule, occurrences = draw(aligned_series(all_day=all_day, zone=None if all_day else own))
    length = timedelta(days=draw(st.integers(1, 3))) if all_day else timedelta(minutes=draw(st.integers(0, 23 * 60)))
    master.update(start=_g_edt(start, own), end=_g_edt(start + length if all_day else (start + length).astimezone(ZoneInfo(own)), own))
    lines = [f"RRULE:{_rule_text(rule)}"]
    later = occurrences[1:]
    chosen = draw(st.lists(st.sampled_from(later), max_size=min(4, len(later)), unique=True)) if later else []
    split = draw(st.integers(0, len(chosen)))
    moved, gone = chosen[:split], chosen[split:]
    # Cancelled occurrences as EXDATE lines and as tombstones (both shapes Google returns).
    as_lines = gone[: draw(st.integers(0, len(gone)))]
    tombs = gone[len(as_lines):]
    if as_lines:
        if all_day:
            lines.append("EXDATE;VALUE=DATE:" + ",".join(d.strftime("%Y%m%d") for d in as_lines))
        else:
            lines.append(f"EXDATE;TZID={own}:" + ",".join(d.strftime("%Y%m%dT%H%M%S") for d in as_lines))
    master["recurrence"] = lines
    out = [master]
    for occ in tombs:
        out.append({"kind": "calendar#event", "id": _instance_id(gid, occ), "status": "cancelled",
                    "recurringEventId": gid, "originalStartTime": _g_edt(occ, own)})
    for occ in moved:
        inst = draw(google_common(exact_for))
        if all_day:
            new = occ + timedelta(days=draw(st.integers(-1, 3)))
            inst.update(start=_g_edt(new, own), end=_g_edt(new + length, own))
        else:
            shift = timedelta(minutes=draw(st.sampled_from([-60, 0, 30, 24 * 60]) | st.integers(-2000, 2000)))
            new = (occ + shift).astimezone(ZoneInfo(own))
            inst.update(start=_g_edt(new, own), end=_g_edt((new + length).astimezone(ZoneInfo(own)), own))
        inst.update(id=_instance_id(gid, occ), iCalUID=master["iCalUID"], recurringEventId=gid,
                    originalStartTime=_g_edt(occ, own))
        out.append(inst)
    return out


def _instance_id(master: str, occ: date | datetime) -> str:
    if isinstance(occ, datetime):
        return f"{master}_{occ.astimezone(timezone.utc).strftime('%Y%m%dT%H%M%SZ')}"
    return f"{master}_{occ.strftime('%Y%m%d')}"


# ---------------------------------------------------------------- iCalendar texts

PARTSTATS_EXACT = ("NEEDS-ACTION", "ACCEPTED", "DECLINED", "TENTATIVE")


@st.composite
def ics_properties(draw: st.DrawFn, v: Event, exact_for: Target) -> None:
    graph, google = exact_for == "graph", exact_for == "google"
    v.add("SUMMARY", draw(summaries))
    if draw(st.booleans()):
        v.add("DESCRIPTION", draw(texts()))
    if draw(st.booleans()):
        v.add("LOCATION", draw(one_line))
    if draw(st.booleans()):
        org = vCalAddress(f"mailto:{draw(emails)}")
        org.params["CN"] = draw(one_line)
        v.add("ORGANIZER", org)
    for email in draw(st.lists(emails, max_size=4, unique_by=str.lower)):
        att = vCalAddress(f"mailto:{email}")
        if draw(st.booleans()):
            att.params["CN"] = draw(one_line)
        kind = draw(st.sampled_from(["req", "opt", "resource", "room"]))
        if kind == "resource" or kind == "room":
            att.params["CUTYPE"] = "RESOURCE" if kind == "resource" else "ROOM"
            att.params["ROLE"] = draw(st.sampled_from(["NON-PARTICIPANT", "REQ-PARTICIPANT"]))
        else:
            att.params["CUTYPE"] = "INDIVIDUAL"
            att.params["ROLE"] = "REQ-PARTICIPANT" if kind == "req" else "OPT-PARTICIPANT"
        att.params["PARTSTAT"] = draw(st.sampled_from(PARTSTATS_EXACT))
        if draw(st.booleans()):
            att.params["RSVP"] = "TRUE"
        v.add("ATTENDEE", att)
    if graph:
        alarms = draw(st.lists(st.integers(0, 40320), max_size=1))  # Graph keeps one reminder
        actions = ["DISPLAY"] * len(alarms)
    else:
        alarms = draw(st.lists(st.sampled_from([0, 15, 1440]) | st.integers(0, 40320), max_size=5, unique=True))
        actions = [draw(st.sampled_from(["DISPLAY", "EMAIL"] if google else ["DISPLAY"])) for _ in alarms]
    for minutes, action in zip(alarms, actions):
        alarm = Alarm()
        alarm.add("ACTION", action)
        alarm.add("TRIGGER", timedelta(minutes=-minutes))
        alarm.add("DESCRIPTION", "Reminder")
        if action == "EMAIL":
            alarm.add("SUMMARY", "Reminder")
            alarm.add("ATTENDEE", f"mailto:{draw(emails)}")
        v.add_component(alarm)
    cls = draw(st.sampled_from(["PUBLIC", "PRIVATE", "CONFIDENTIAL", None]))
    if google and cls == "PUBLIC":
        cls = None  # CLASS:PUBLIC becomes Google "default" by design (docs/google.md decision 2)
    if cls:
        v.add("CLASS", cls)
    v.add("TRANSP", draw(st.sampled_from(["OPAQUE", "TRANSPARENT"])))
    if not google and draw(st.booleans()):  # Google has no categories (reported)
        v.add("CATEGORIES", draw(st.lists(one_line.map(str.strip).filter(bool), min_size=1, max_size=3, unique=True)))
    if not graph and draw(st.booleans()):  # Graph has no tentative event status (reported)
        v.add("STATUS", "TENTATIVE")


@st.composite
def ics_texts(draw: st.DrawFn, exact_for: Target = "graph") -> bytes:
    cal = Calendar()
    cal.add("PRODID", "-//ics-bridge tests//hypothesis//EN")
    cal.add("VERSION", "2.0")
    n = draw(st.integers(0, 99999))
    if draw(st.integers(0, 3)):
        for v in draw(ics_series(exact_for, n)):
            cal.add_component(v)
    if not cal.subcomponents or draw(st.booleans()):
        cal.add_component(draw(ics_single(exact_for, n)))
    cal.add_missing_timezones()
    return cal.to_ical()


def _stamp(v: Event) -> None:
    v.add("DTSTAMP", datetime(2025, 1, 1, tzinfo=timezone.utc))


@st.composite
def ics_single(draw: st.DrawFn, exact_for: Target, n: int) -> Event:
    v = Event()
    v.add("UID", f"single-{n}@hypothesis.example")
    _stamp(v)
    if draw(st.integers(0, 3)) == 0:
        day = draw(st.dates(date(2001, 1, 1), date(2034, 12, 31)))
        v.add("DTSTART", day)
        v.add("DTEND", day + timedelta(days=draw(st.integers(1, 5))))
    else:
        zone = draw(st.one_of(zones, st.just("UTC")))
        tz = ZoneInfo(zone)
        start = _real_wall(draw(local_starts()), zone).replace(tzinfo=tz)
        v.add("DTSTART", start)
        v.add("DTEND", (start + timedelta(minutes=draw(durations))).astimezone(tz))
    draw(ics_properties(v, exact_for))
    return v


@st.composite
def ics_series(draw: st.DrawFn, exact_for: Target, n: int) -> list[Event]:
    uid = f"series-{n}@hypothesis.example"
    all_day = draw(st.integers(0, 3)) == 0
    zone = draw(zones)
    start, rule, occurrences = draw(aligned_series(all_day=all_day, zone=None if all_day else zone))
    length = timedelta(days=draw(st.integers(1, 3))) if all_day else timedelta(minutes=draw(st.integers(0, 23 * 60)))
    master = Event()
    master.add("UID", uid)
    _stamp(master)
    master.add("DTSTART", start)
    master.add("DTEND", start + length)
    master.add("RRULE", rule)
    draw(ics_properties(master, exact_for))
    later = occurrences[1:]
    chosen = draw(st.lists(st.sampled_from(later), max_size=min(4, len(later)), unique=True)) if later else []
    split = draw(st.integers(0, len(chosen)))
    moved, gone = chosen[:split], chosen[split:]
    if gone:
        master.add("EXDATE", gone)
    out = [master]
    for occ in moved:
        o = Event()
        o.add("UID", uid)
        _stamp(o)
        o.add("RECURRENCE-ID", occ)
        if all_day:
            new = occ + timedelta(days=draw(st.integers(-1, 3)))
        else:
            shift = timedelta(minutes=draw(st.sampled_from([-60, 0, 30, 24 * 60]) | st.integers(-2000, 2000)))
            new = (occ + shift).astimezone(occ.tzinfo)
        o.add("DTSTART", new)
        o.add("DTEND", new + length)
        draw(ics_properties(o, exact_for))
        out.append(o)
    return out
