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
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any, Callable, Iterable
from urllib.parse import unquote_to_bytes

from icalendar import Alarm, Event
from icalendar.parser import parameter as _ical_parameter
from icalendar.prop import vDDDTypes

from . import hub
from .report import LossKind, Report
from .text import looks_like_html, strip_join_line, text_to_html


# icalendar 7's parameter reader takes ``\,`` ``\;`` ``\:`` ``\\`` as escapes (RFC 5545 has none in
# parameters) while its writer writes a backslash as it is: ``CN=\`` then swallowed the next
# parameter (``CN=\;CUTYPE=INDIVIDUAL`` → CN ";CUTYPE=INDIVIDUAL") and ``CN="a\,b"`` came back
# "a,b" (found by tests/test_property_roundtrip.py).  Every hub serialisation therefore quotes a
# parameter value holding a backslash and doubles the backslashes that icalendar would take as
# an escape, so names read back exactly; other readers see such a backslash doubled, only in
# those rare values.
_PARAM_ESCAPED = re.compile(r"\\(?=[\\,;:])")
_ical_dquote = _ical_parameter.dquote


def _dquote(val: str, always_quote: bool = False) -> str:
    if "\\" in val:
        return _ical_dquote(_PARAM_ESCAPED.sub(r"\\\\", val), always_quote=True)
    return _ical_dquote(val, always_quote=always_quote)


if getattr(_ical_parameter.dquote, "__module__", None) != __name__:
    _ical_parameter.dquote = _dquote


# ---------------------------------------------------------------- description

def is_plain_alternative(text: str | None, html: str | None) -> bool:
    """Whether an HTML alternative is only the escaped plain text that :func:`set_description`
    adds to text that looks like markup (an HTML body's own alternative is kept as HTML)."""
    return text is not None and html is not None and looks_like_html(text) and html == text_to_html(text)


def get_description(event: Event) -> tuple[str | None, str | None]:
    """(plain text, html) of a VEVENT; html from X-ALT-DESC (FMTTYPE=text/html, Outlook) or,
    without one, from ``DESCRIPTION;ALTREP="data:text/html,…"`` (Thunderbird, DavMail; RFC 5545
    3.2.1 with an RFC 2397 data URL).  Other ALTREP URLs (http:, cid:) are never fetched."""
    text = event.get("DESCRIPTION")
    if isinstance(text, list):
        text = text[0] if text else None
    html = None
    alt = event.get("X-ALT-DESC")
    for item in (alt if isinstance(alt, list) else [alt] if alt is not None else []):
        if str(item.params.get("FMTTYPE", "text/html")).lower() == "text/html":
            html = _unescape_text(str(item)) if type(item).__name__ == "vUnknown" else str(item)
    if html is None and text is not None:
        html = altrep_html(getattr(text, "params", {}).get("ALTREP"))
    return (str(text) if text is not None else None), html


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

def report_duplicate_uids(series_list: Iterable[Any], report: Report) -> None:
    """Several VEVENTs with one UID and no RECURRENCE-ID (versions of one event: iTIP REQUEST,
    COUNTER and CANCEL messages concatenated into one file) are each written as an event of
    their own; a calendar keeps one event per UID, so an import keeps only one: reported.
    ``series_list``: :class:`ics_bridge.series.Series` items, twins as :func:`group_series` makes them."""
    seen: dict[str, int] = {}
    for series in series_list:
        if series.master is None or not series.uid:
            continue
        seen[series.uid] = seen.get(series.uid, 0) + 1
        if seen[series.uid] > 1:
            report.add(LossKind.INVALID_VALUE, "UID",
                       "another VEVENT has this UID without RECURRENCE-ID (versions of one event, e.g. iTIP "
                       "messages); written as an event of its own, but a calendar keeps one event per UID",
                       uid=series.uid, before=text_value(series.master, "SUMMARY"))


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


def read_alarm(alarm: Alarm, dtstart: date | datetime | None, dtend: date | datetime | None) -> AlarmReading:
    """TRIGGER → minutes before DTSTART.  End-relative and absolute triggers are converted
    (MS-OXCICAL VALARM; CalDavSync); a trigger after the start is refused, never turned into
    "minutes before" by absolute value (interop-notes case 43)."""
    action = str(alarm.get("ACTION", "DISPLAY")).upper()
    marker = str(alarm.get(hub.X_GOOGLE_DEFAULT_ALARM, "")).upper() == "TRUE"
    trigger = alarm.get("TRIGGER")
    if trigger is None:
        return AlarmReading(action, None, problem="VALARM without TRIGGER", default_marker=marker)
    value = trigger.dt
    related = str(trigger.params.get("RELATED", "START")).upper()
    converted = None
    if isinstance(value, timedelta):
        offset = value
        if related == "END":
            if dtstart is None or dtend is None:
                return AlarmReading(action, None, problem="end-relative trigger on an event without start", default_marker=marker)
            offset = value + (_as_dt(dtend) - _as_dt(dtstart))
            converted = f"end-relative trigger {value} converted to start-relative"
    elif isinstance(value, datetime):
        if dtstart is None:
            return AlarmReading(action, None, problem="absolute trigger without DTSTART", default_marker=marker)
        offset = _as_dt(value) - _as_dt(dtstart)
        converted = f"absolute trigger {value.isoformat()} converted to minutes before start"
    else:
        return AlarmReading(action, None, problem=f"unreadable TRIGGER {value!r}", default_marker=marker)
    seconds = -offset.total_seconds()
    if seconds < 0:
        return AlarmReading(action, None, problem=f"trigger {offset} is after the start", default_marker=marker)
    minutes, rest = divmod(int(seconds), 60)
    if rest:
        converted = (converted + "; " if converted else "") + f"{rest} s rounded down to whole minutes"
    return AlarmReading(action, minutes, converted=converted, default_marker=marker)


def event_end(event: Event, start: date | datetime | None = None) -> date | datetime | None:
    """Where an event ends (RFC 5545 3.6.1): DTEND, else DTSTART + DURATION, else DTSTART for a
    date-time and the next day for a date.  What ``TRIGGER;RELATED=END`` counts from (3.8.6.3)."""
    if start is None:
        start = dt_value(event, "DTSTART")
    end = dt_value(event, "DTEND")
    if end is not None:
        return end
    duration = event.get("DURATION")
    if duration is not None and start is not None:
        try:
            return start + duration.dt
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


def address_email(value: Any) -> str | None:
    """The e-mail address of a CAL-ADDRESS (RFC 5545 3.3.3): the ``mailto:`` value (scheme
    matched case-insensitively), or a bare address; for any other URI (``urn:uuid:`` of CalDAV
    servers, ``http:`` principals) the RFC 7986 6.2 ``EMAIL`` parameter, which exists for that
    case.  None when neither is an e-mail address (``invalid:nomail``, empty, a name): Google
    refuses a whole insert over one such attendee, so callers report the person instead."""
    text = str(value or "").strip()
    if text.lower().startswith("mailto:"):
        text = text[7:].strip()
    elif _SCHEME.match(text):
        text = ""
    if _EMAIL.match(text):
        return text
    param = str(getattr(value, "params", {}).get("EMAIL") or "").strip()
    if param.lower().startswith("mailto:"):
        param = param[7:].strip()
    return param if _EMAIL.match(param) else None


def address_problem(value: Any) -> str | None:
    """Why a CAL-ADDRESS gives no e-mail address (None when it gives one, or when it is the
    ``invalid:nomail`` placeholder that says so itself)."""
    if address_email(value) is not None:
        return None
    text = str(value or "").strip()
    if not text or text.lower() == "invalid:nomail":
        return None
    return f"{text[:80]} is not an e-mail address and has no EMAIL parameter (RFC 7986 6.2)"


def person_email(prop: Any, add: Callable[..., None], field: str) -> str | None:
    """:func:`address_email` for a mapper: an address taken from ``EMAIL`` is reported (the
    URI itself has no provider slot); None is left to the caller, who knows whether the person
    is dropped or kept by name (reason: :func:`address_problem`)."""
    email = address_email(prop)
    text = str(prop or "").strip()
    if email is not None and _SCHEME.match(text) and not text.lower().startswith("mailto:"):
        add(LossKind.MAPPING_CHOICE, field, "address taken from the EMAIL parameter (RFC 7986 6.2); "
            "the URI value has no provider field", before=text, after=email)
    return email


# ---------------------------------------------------------------- conference links

def props(component: Any, name: str) -> list[Any]:
    """Every value of a property, one per content line: icalendar gives one value, or a list
    when the property repeats (``ATTENDEE``, ``EXDATE``…), or nothing."""
    raw = component.get(name)
    return raw if isinstance(raw, list) else [raw] if raw is not None else []


def conferences(event: Event) -> list[tuple[str, dict[str, str]]]:
    items = props(event, "CONFERENCE")
    return [(str(item), {k.upper(): str(v) for k, v in item.params.items()}) for item in items]


def description_without_join(event: Event, url: str | None) -> str | None:
    text, _ = get_description(event)
    cleaned, _removed = strip_join_line(text, url)
    return cleaned


# ---------------------------------------------------------------- stash

def get_stash(event: Event, name: str) -> dict[str, Any]:
    raw = event.get(name)
    if raw is None:
        return {}
    text = str(raw)
    for candidate in (text, _unescape_text(text)):  # icalendar leaves unknown X- values escaped
        try:
            data = json.loads(candidate)
        except ValueError:
            continue
        return data if isinstance(data, dict) else {}
    return {}


# ---------------------------------------------------------------- values

def property_lines(event: Event, name: str) -> list[str]:
    """The content lines of one property (every value, with its parameters), as written."""
    values = props(event, name)
    return [event.content_line(name, value).to_ical().decode() for value in values]


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


def dt_value(event: Event, name: str) -> date | datetime | None:
    prop = event.get(name)
    if prop is None:
        return None
    if isinstance(prop, list):
        prop = prop[0]
    return prop.dt if isinstance(prop, vDDDTypes) or hasattr(prop, "dt") else None


def text_value(event: Event, name: str) -> str | None:
    prop = event.get(name)
    if prop is None:
        return None
    if isinstance(prop, list):
        prop = prop[0]
    return str(prop)


def categories(event: Event) -> list[str]:
    items = props(event, "CATEGORIES")
    out: list[str] = []
    for item in items:
        out.extend(str(c) for c in getattr(item, "cats", [item]))
    return out
