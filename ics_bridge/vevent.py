"""Reading hub VEVENT pieces that every provider maps the same way.

Why shared: alarms, descriptions with an HTML alternative, conference links, people and
provider stashes mean the same thing whichever provider they come from; one implementation
keeps Graph and Google from drifting apart.  Provider *vocabularies* stay in their tables.
Building them on the typed hub is :mod:`ics_bridge.build`'s (issue 12).
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any, Callable, Iterable
from urllib.parse import unquote_to_bytes

from icalendar.prop import vDDDTypes

from . import hub
from . import model as m
from .memo import remember
from .io.fastics import fold
from .io import param_quoting  # noqa: F401  (installs icalendar's mended parameter quoting)
from .io.model_writer import event_lines
from .report import LossKind, Report
from .text import looks_like_html, strip_join_line, text_to_html




# ---------------------------------------------------------------- description

def is_plain_alternative(text: str | None, html: str | None) -> bool:
    """Whether an HTML alternative is only the escaped plain text that ``build.set_description``
    adds to text that looks like markup (an HTML body's own alternative is kept as HTML)."""
    return text is not None and html is not None and looks_like_html(text) and html == text_to_html(text)


def get_description(event: m.Event) -> tuple[str | None, str | None]:
    """(plain text, html) of a VEVENT; html from X-ALT-DESC (FMTTYPE=text/html, Outlook) or,
    without one, from ``DESCRIPTION;ALTREP="data:text/html,…"`` (Thunderbird, DavMail; RFC 5545
    3.2.1 with an RFC 2397 data URL).  Other ALTREP URLs (http:, cid:) are never fetched."""
    text = event.description
    html = None
    for line in event.other_lines("X-ALT-DESC"):  # the last text/html one wins
        if (m.param(line.params, "FMTTYPE") or "text/html").lower() == "text/html":
            html = line.raw if line.raw is not None else _unescape_text(line.value)  # raw: a mapper's CRs
    if html is None and text is not None:
        html = altrep_html(m.param(event.params_of("DESCRIPTION"), "ALTREP"))
    return text, html


_DATA_URL_RE = re.compile(r"^data:(?P<type>[^,;]*)(?P<params>(?:;[^,;]*)*),(?P<data>.*)\Z", re.DOTALL | re.IGNORECASE)


def altrep_html(altrep: Any) -> str | None:
    """The HTML of an ``ALTREP="data:text/html[;charset=…][;base64],…"`` parameter, else None."""
    if not altrep:
        return None
    match = _DATA_URL_RE.match(str(altrep).strip().strip('"'))
    if match is None or match.group("type").strip().lower() != "text/html":
        return None
    params = [p.strip().lower() for p in match.group("params").split(";") if p.strip()]
    charset = next((p.split("=", 1)[1].strip('"') for p in params if p.startswith("charset=")), "utf-8")
    try:
        if "base64" in params:
            raw = base64.b64decode(unquote_to_bytes(match.group("data")), validate=False)
        else:
            raw = unquote_to_bytes(match.group("data"))
        return raw.decode(charset, errors="replace") or None
    except (ValueError, LookupError):
        return None


# ---------------------------------------------------------------- identity

def report_duplicate_uids(series_list: Iterable[m.Series], report: Report) -> None:
    """Several VEVENTs with one UID and no RECURRENCE-ID (versions of one event: iTIP REQUEST,
    COUNTER and CANCEL messages concatenated into one file) are each written as an event of
    their own; a calendar keeps one event per UID, so an import keeps only one: reported.
    ``series_list``: series as :func:`ics_bridge.series.group_series` makes them (a twin master is
    a series of its own)."""
    seen: dict[str, int] = {}
    for series in series_list:
        if series.master is None or not series.uid:
            continue
        seen[series.uid] = seen.get(series.uid, 0) + 1
        if seen[series.uid] > 1:
            report.add(LossKind.INVALID_VALUE, "UID",
                       "another VEVENT has this UID without RECURRENCE-ID (versions of one event, e.g. iTIP "
                       "messages); written as an event of its own, but a calendar keeps one event per UID",
                       uid=series.uid, before=series.master.summary)


# ---------------------------------------------------------------- alarms

# The furthest ahead a reminder can be and still be a date (about 1,900 years); Graph's Int32 and
# Google's 40320 are far below it, but hostile input is not.
MAX_ALARM_MINUTES = 10**9


@dataclass(frozen=True)
class AlarmReading:
    """A VALARM read as "minutes before start", or why it cannot be."""

    action: str
    minutes_before: int | None
    converted: str | None = None  # why the value was re-expressed
    problem: str | None = None    # why it has no "minutes before start" form
    default_marker: bool = False


def alarm_reading(alarm: m.Alarm, event: m.Event) -> AlarmReading:
    """:func:`read_alarm` of an alarm of ``event``, what the mappers call.  An alarm whose
    trigger is a duration from the start (``TRIGGER:-PT15M``, RELATED=START, RFC 5545 3.8.6.3)
    reads the same whatever the event's times: its reading is remembered by the whole alarm
    (its ACTION, and lines such as Google's default-reminder marker, are part of the reading;
    a reading is immutable, so events share it), and the event's start and end are worked out
    only when the memo misses.  Why: bench/'s 10k events have 6,245 alarms and a handful of
    different ones; a reading built costs ~3 us, hashing an alarm a third of that."""
    trigger = alarm.trigger
    if trigger is None or trigger.offset is None or trigger.related.upper() == "END":
        return read_event_alarm(alarm, event)  # the reading depends on the event's times
    try:
        found = _READINGS.get(alarm)
    except TypeError:  # a caller's hub with a list inside: not hashable
        return read_event_alarm(alarm, event)
    if found is None:
        found = remember(_READINGS, alarm, read_event_alarm(alarm, event), 4096)
    return found


# A start-relative VALARM → its reading (alarm_reading)
_READINGS: dict[m.Alarm, AlarmReading] = {}


def read_event_alarm(alarm: m.Alarm, event: m.Event) -> AlarmReading:
    """:func:`read_alarm` with the event's start and end (RFC 5545 3.6.1), read afresh."""
    start = m.plain(event.start)
    return read_alarm(alarm, start, event_end(event, start))


def read_alarm(alarm: m.Alarm, dtstart: date | datetime | None, dtend: date | datetime | None) -> AlarmReading:
    """TRIGGER → minutes before DTSTART.  End-relative and absolute triggers are converted
    (MS-OXCICAL VALARM; CalDavSync); a trigger after the start is refused, never turned into
    "minutes before" by absolute value (interop-notes case 43).  Read afresh; the mappers call
    :func:`alarm_reading`."""
    action = (alarm.action if alarm.action is not None else "DISPLAY").upper()
    marker = next((line.value.upper() == "TRUE" for line in alarm.other if line.name == hub.X_GOOGLE_DEFAULT_ALARM), False)
    trigger = alarm.trigger
    if trigger is None:
        raw = next((line.value for line in alarm.other if line.name == "TRIGGER"), None)
        if raw is not None:  # kept as a line: the reader could not read it (alarm.problems says why)
            return AlarmReading(action, None, problem=f"unreadable TRIGGER {raw!r}", default_marker=marker)
        return AlarmReading(action, None, problem="VALARM without TRIGGER", default_marker=marker)
    related = trigger.related.upper()
    converted = None
    if trigger.offset is not None:
        value = trigger.offset
        offset = value
        if related == "END":
            if dtstart is None or dtend is None:
                return AlarmReading(action, None, problem="end-relative trigger on an event without start", default_marker=marker)
            offset = value + (_as_dt(dtend) - _as_dt(dtstart))
            converted = f"end-relative trigger {value} converted to start-relative"
    elif trigger.at is not None:
        at = trigger.at.dt
        if dtstart is None:
            return AlarmReading(action, None, problem="absolute trigger without DTSTART", default_marker=marker)
        offset = _as_dt(at) - _as_dt(dtstart)
        converted = f"absolute trigger {at.isoformat()} converted to minutes before start"
    else:
        return AlarmReading(action, None, problem=f"unreadable TRIGGER {trigger!r}", default_marker=marker)
    seconds = -offset.total_seconds()
    if seconds < 0:
        return AlarmReading(action, None, problem=f"trigger {offset} is after the start", default_marker=marker)
    minutes, rest = divmod(int(seconds), 60)
    if rest:
        converted = (converted + "; " if converted else "") + f"{rest} s rounded down to whole minutes"
    return AlarmReading(action, minutes, converted=converted, default_marker=marker)


def event_end(event: m.Event, start: date | datetime | None = None) -> date | datetime | None:
    """Where an event ends (RFC 5545 3.6.1), :func:`span_end` of its DTSTART (or ``start``, the
    caller's reading of it), DTEND and DURATION.  What ``TRIGGER;RELATED=END`` counts from (3.8.6.3)."""
    if start is None:
        start = m.plain(event.start)
    return span_end(start, m.plain(event.end), event.duration)


def span_end(start: date | datetime | None, end: date | datetime | None,
             duration: timedelta | None) -> date | datetime | None:
    """RFC 5545 3.6.1: DTEND, else DTSTART + DURATION, else DTSTART for a date-time and the
    next day for a date (values as Python has them, for code on either side of the edge)."""
    if end is not None:
        return end
    if duration is not None and start is not None:
        try:
            return start + duration
        except (TypeError, AttributeError, ValueError, OverflowError):
            return None
    if start is None:
        return None
    if isinstance(start, datetime):
        return start
    try:
        return start + timedelta(days=1)
    except OverflowError:  # 9999-12-31: the end of time
        return start


def _as_dt(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)
    return datetime(value.year, value.month, value.day, tzinfo=timezone.utc)


# ---------------------------------------------------------------- people

# A URI scheme before the first colon (``urn:``, ``http:``, ``invalid:``); a bare address has none.
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
# What Google and Graph take as an address: one ``@``, no spaces, brackets or separators.
_EMAIL = re.compile(r"^[^@\s<>()\[\]\\,;:\"]+@[^@\s<>()\[\]\\,;:\"]+\Z")


def address_email(value: m.Address | None) -> str | None:
    """The e-mail address of a CAL-ADDRESS (RFC 5545 3.3.3): the ``mailto:`` value (scheme
    matched case-insensitively), or a bare address; for any other URI (``urn:uuid:`` of CalDAV
    servers, ``http:`` principals) the RFC 7986 6.2 ``EMAIL`` parameter, which exists for that
    case.  None when neither is an e-mail address (``invalid:nomail``, empty, a name): Google
    refuses a whole insert over one such attendee, so callers report the person instead."""
    if value is None:
        return None
    return _email_of(value.address, value.email)[0]


@lru_cache(maxsize=4096)
def _email_of(address: str, email: str | None) -> tuple[str | None, str | None]:
    """(:func:`address_email` of these two texts, the URI when the address is one other than
    ``mailto:``); memoised: the same people recur across a calendar's events."""
    text = address.strip()
    uri = None
    if text.lower().startswith("mailto:"):
        text = text[7:].strip()
    elif _SCHEME.match(text):
        uri, text = text, ""
    if _EMAIL.match(text):
        return text, uri
    param = (email or "").strip()
    if param.lower().startswith("mailto:"):
        param = param[7:].strip()
    return (param if _EMAIL.match(param) else None), uri


def address_problem(value: m.Address | None) -> str | None:
    """Why a CAL-ADDRESS gives no e-mail address (None when it gives one, or when it is the
    ``invalid:nomail`` placeholder that says so itself)."""
    if address_email(value) is not None:
        return None
    text = value.address.strip() if value is not None else ""
    if not text or text.lower() == "invalid:nomail":
        return None
    return f"{text[:80]} is not an e-mail address and has no EMAIL parameter (RFC 7986 6.2)"


def person_email(prop: m.Address, add: Callable[..., None], field: str) -> str | None:
    """:func:`address_email` for a mapper: an address taken from ``EMAIL`` is reported (the
    URI itself has no provider slot); None is left to the caller, who knows whether the person
    is dropped or kept by name (reason: :func:`address_problem`)."""
    email, uri = _email_of(prop.address, prop.email)
    if email is not None and uri is not None:
        add(LossKind.MAPPING_CHOICE, field, "address taken from the EMAIL parameter (RFC 7986 6.2); "
            "the URI value has no provider field", before=uri, after=email)
    return email


# ---------------------------------------------------------------- conference links

def props(component: Any, name: str) -> list[Any]:
    """Every value of a property of an *icalendar* component, one per content line: icalendar
    gives one value, or a list when the property repeats (``ATTENDEE``, ``EXDATE``…), or
    nothing.  For code not yet on the model (io/ics.py, quirks; issue 12); model code reads fields."""
    raw = component.get(name)
    return raw if isinstance(raw, list) else [raw] if raw is not None else []


def conferences(event: m.Event) -> list[tuple[str, dict[str, str]]]:
    """RFC 7986 5.11 CONFERENCE: (URI, parameters by upper-case name, values comma-joined)."""
    return [(c.uri, {p.name: p.value for p in c.params}) for c in event.conferences]


def description_without_join(event: m.Event, url: str | None) -> str | None:
    text, _ = get_description(event)
    cleaned, _removed = strip_join_line(text, url)
    return cleaned


# ---------------------------------------------------------------- stash

def get_stash(event: m.Event, name: str) -> dict[str, Any]:
    """The JSON object ``build.put_stash`` wrote in X- property ``name``; {} when absent or unreadable."""
    line = next(event.other_lines(name), None)
    if line is None:
        return {}
    text = line.value
    for candidate in (text, _unescape_text(text)):  # the kept value is still TEXT-escaped
        try:
            data = json.loads(candidate)
        except ValueError:
            continue
        return data if isinstance(data, dict) else {}
    return {}


# ---------------------------------------------------------------- values

def property_lines(event: m.Event, name: str) -> list[str]:
    """The content lines of one property (every value, with its parameters), as the hub writes
    them (folded at 75 octets, as icalendar's ``content_line(...).to_ical()`` did)."""
    lines = _written_lines(event)
    head = len(name)
    return [fold(line).decode("utf-8") for line in lines
            if line[:head].upper() == name and line[head:head + 1] in (":", ";")]


def folded_line(line: str) -> str:
    """A content line folded at 75 octets (RFC 5545 3.1), as icalendar folds it."""
    return line if len(line) < 75 and line.isascii() else fold(line).decode("utf-8")


_NAME_END = re.compile("[;:]")


def properties_and_blocks(written: list[str], blocks: list[list[str]]) -> list[tuple[str, str]]:
    """The writer's lines of a VEVENT's content as (property name, line), its components'
    lines (folded) appended to ``blocks``, one list per component: what a provider keeps for
    the way back (Graph's extended property, Google's private extended property)."""
    pairs: list[tuple[str, str]] = []
    depth = 0
    for line in written:
        head = line[:6].upper()
        if depth or head == "BEGIN:":
            if head == "BEGIN:":
                if not depth:
                    blocks.append([])
                depth += 1
            elif line[:4].upper() == "END:":
                depth -= 1
            blocks[-1].append(folded_line(line))
            continue
        pairs.append((_NAME_END.split(line, 1)[0], line))
    return pairs


def alarm_blocks(alarms: tuple[m.Alarm, ...]) -> list[str]:
    """Each alarm as the hub writes it: one block of folded content lines, CRLF-joined, from
    BEGIN:VALARM to END:VALARM (RFC 5545 3.6.6)."""
    blocks: list[list[str]] = []
    properties_and_blocks(event_lines(m.Event(alarms=alarms))[0][1:-1], blocks)
    return ["\r\n".join(block) for block in blocks]


_last_written: tuple[m.Event | None, list[str]] = (None, [])


def _written_lines(event: m.Event) -> list[str]:
    """The event's own lines (no VALARM or other component), written once per event: a mapper
    asks :func:`property_lines` for several names of the same event in a row."""
    global _last_written
    last, lines = _last_written
    if last is not event:
        lines, _zones = event_lines(replace(event, alarms=(), components=()))
        _last_written = (event, lines)
    return lines


def _unescape_text(text: str) -> str:
    """RFC 5545 3.3.11 TEXT unescaping, for X- properties icalendar reads as vUnknown."""
    out: list[str] = []
    chars = iter(text)
    for ch in chars:
        if ch == "\\":
            nxt = next(chars, "")
            out.append("\n" if nxt in "nN" else nxt)
        else:
            out.append(ch)
    return "".join(out)


def all_day_recurrence_id(rid: date | datetime | None, all_day_series: bool,
                          add: Callable[..., None]) -> date | datetime | None:
    """Both providers name an all-day occurrence by its date; a date-time RECURRENCE-ID on an
    all-day series (Outlook: midnight in the event zone) means its local date, never the UTC one."""
    if all_day_series and isinstance(rid, datetime):
        add(LossKind.QUIRK_REPAIRED, "RECURRENCE-ID", "date-time RECURRENCE-ID of an all-day series read as its local date",
            before=rid.isoformat(), after=rid.date().isoformat())
        return rid.date()
    return rid


def dt_value(event: Any, name: str) -> date | datetime | None:
    """The first date/date-time value of a property of an *icalendar* component (for code not
    yet on the model, issue 12; model code uses ``m.plain(event.start)``…)."""
    prop = event.get(name)
    if prop is None:
        return None
    if isinstance(prop, list):
        prop = prop[0]
    return prop.dt if isinstance(prop, vDDDTypes) or hasattr(prop, "dt") else None


def text_value(event: Any, name: str) -> str | None:
    """The first value of a property of an *icalendar* component, as text (for code not yet on
    the model, issue 12)."""
    prop = event.get(name)
    if prop is None:
        return None
    if isinstance(prop, list):
        prop = prop[0]
    return str(prop)


def categories(event: m.Event) -> list[str]:
    """Every CATEGORIES text, over all CATEGORIES lines, in order."""
    return list(event.all_categories)
