"""Building typed hub events (:mod:`ics_bridge.model`) from provider data (issue 12).

Why one module: the Graph and Google mappers build the same pieces the same way — alarms,
descriptions with an HTML alternative, conference links, people, provider stashes, kept
iCalendar lines — so Graph and Google cannot drift apart.  Provider *vocabularies* stay in
their tables.  :class:`EventBuilder` is the one mutable step: a mapper fills it in any order
(and may add an EXDATE to a master after mapping its instances), then :func:`calendar_of`
freezes every builder into immutable events grouped in series, each with its ``position`` in
the provider's list so the .ics writer keeps the order the mappers have always written.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Any, Callable, Iterable

import orjson
from icalendar.timezone.tzid import tzid_from_dt

from . import hub
from . import model as m
from .memo import remember  # noqa: F401 - the mappers import it from here too
from .io.fastics import escape_text
from .io.model_reader import _new_event, _zoned, read_calendar
from .report import LossKind, Report
from .text import add_join_line, html_to_text, looks_like_html, sanitize_html, text_to_html

FLOATING = m.Zone("floating")
UTC_ZONE = m.Zone("utc")
_zones: dict[Any, m.Zone] = {}


def zone_of(value: datetime) -> m.Zone:
    """The :class:`model.Zone` of an aware or naive ``datetime``: UTC, floating, or the zone its
    tzinfo names (a tzdata zone's key is its TZID, as icalendar writes it)."""
    tz = value.tzinfo
    if tz is None:
        return FLOATING
    if tz is timezone.utc:
        return UTC_ZONE
    found = _zones.get(tz)
    if found is None:
        found = _zone_for(tz, value)
        if len(_zones) < 4096:
            _zones[tz] = found
    return found


def _zone_for(tz: tzinfo, value: datetime) -> m.Zone:
    from .timezones import _iana_for_output
    tzid = getattr(tz, "key", None) or tzid_from_dt(value)
    if not tzid or tzid == "UTC":
        return UTC_ZONE
    iana = _iana_for_output(tzid, tz)
    return m.Zone("iana" if iana else "unknown", tzid=tzid, iana=iana, tzinfo=tz)


def with_zone(wall: datetime, tz: tzinfo) -> datetime:
    """``wall.replace(tzinfo=tz)`` (its fold kept): ``datetime.combine`` takes its arguments by
    position, ``replace`` parses keywords (0.3-0.6 against 1.5-2.7 µs: for each of 20k starts
    and ends at 10k Graph or Google events).  A subclass of ``datetime`` keeps ``replace``,
    which keeps its type."""
    return _combine(wall, wall.time(), tz) if type(wall) is datetime else wall.replace(tzinfo=tz)


_combine = datetime.combine


def time_value(value: date | datetime) -> m.TimeValue:
    """A ``date`` as it is, a ``datetime`` as a :class:`model.ZonedDateTime` in its zone."""
    if isinstance(value, datetime):
        return _zoned((value, zone_of(value)))
    return value


_params: dict[tuple[str, str], m.Param] = {}


def _param(name: str, value: str) -> m.Param:
    """One single-valued parameter, shared (the same ones repeat on every attendee)."""
    found = _params.get((name, value))
    if found is None:
        found = m.Param(name.upper(), (value,))
        if len(_params) < 65536:
            _params[(name, value)] = found
    return found


def params_of(items: dict[str, str] | Iterable[tuple[str, str]]) -> m.Params:
    pairs = items.items() if isinstance(items, dict) else items
    return tuple([_param(name, value) for name, value in pairs])


_text_lines: dict[tuple[str, str, m.Params], m.Line] = {}


def text_line(name: str, text: str, params: m.Params = ()) -> m.Line:
    """A property without a typed field holding TEXT (RFC 5545 3.3.11), escaped as icalendar
    escapes it (unknown X- names are TEXT).  Short ones are memoised (immutable lines: the same
    busy status, importance and stash repeat on many events)."""
    if len(text) > 256:
        return _text_line(name, text, params)
    key = (name, text, params)
    found = _text_lines.get(key)
    return found if found is not None else remember(_text_lines, key, _text_line(name, text, params), 16384)


def _text_line(name: str, text: str, params: m.Params) -> m.Line:
    value = escape_text(text)
    return m.Line(name, params, value, f"{name}:{value}", text if "\r" in text else None)


def uri_line(name: str, uri: str, params: m.Params = ()) -> m.Line:
    """A property without a typed field holding a URI, written as it is."""
    return m.Line(name, params, uri, f"{name}:{uri}")


class EventBuilder:
    """One VEVENT under construction: typed single-value fields in ``fields`` (the names of
    :class:`model.Event`), repeated ones in lists; :meth:`event` freezes it.

    The lists most events leave empty (:data:`_RARE`: RRULE, EXDATE, CATEGORIES, CONFERENCE,
    ATTACH, COMMENT…) are made at their first use (:meth:`__getattr__`), not per builder: nine
    lists made and freed per event were ~3 µs of every Graph and Google event.  ``made`` names
    those made (a dict: order-free, so two builders with the same lists compare equal)."""

    __slots__ = ("fields", "other", "attendees", "alarms", "rrules", "exrules", "rdates", "exdates", "categories",
                 "conferences", "attachments", "comments", "components", "params", "position", "order", "made")

    def __init__(self) -> None:
        self.fields: dict[str, Any] = {}
        self.other: list[m.Line] = []
        self.attendees: list[m.Address] = []
        self.alarms: list[m.Alarm] = []
        self.params: dict[str, m.Params] = {}
        self.position: int | None = None
        self.order: dict[str, None] = {}
        self.made: dict[str, None] | None = None

    def __getattr__(self, name: str) -> Any:
        """A list of :data:`_RARE` read before anything was added to it: made now (Python calls
        this only when a slot is unset)."""
        if name not in _RARE:
            raise AttributeError(name)
        made: list[Any] = []
        object.__setattr__(self, name, made)
        if self.made is None:
            self.made = {}
        self.made[name] = None
        return made

    def note(self, name: str, *, last: bool = False) -> None:
        """Property ``name`` was added (``last``: replaced, so it moves to the end)."""
        if last:
            self.order.pop(name, None)
        self.order.setdefault(name, None)

    def get(self, name: str) -> Any:
        return self.fields.get(name)

    def set(self, name: str, value: Any, params: m.Params = (), *, replace: bool = False) -> None:
        """A typed single-value field (``summary``…); ``replace``: a value set before is
        replaced and the property counts as added last."""
        self.fields[name] = value
        prop = _PROPERTY_OF[name]
        if params:
            self.params[prop] = params
        if replace:
            self.order.pop(prop, None)
        self.order.setdefault(prop, None)  # note(), inline: called per property of every event

    def time(self, name: str, value: date | datetime) -> None:
        """``start``, ``end``, ``stamp``, ``created``, ``last_modified`` from a Python value."""
        self.fields[name] = time_value(value)
        self.order.setdefault(_PROPERTY_OF[name], None)  # note(), inline

    def text(self, name: str, text: str, params: m.Params = ()) -> None:
        """A TEXT property without a typed field (X- properties, COLOR…)."""
        self.add(name, text_line(name, text, params))

    def add(self, name: str, item: Any) -> None:
        """One more line of a repeatable property (an :class:`model.Address` for ATTENDEE, a
        :class:`model.Line` for a property without a typed field…) or a VALARM."""
        getattr(self, _LIST_OF.get(name, "other")).append(item)
        if name != "VALARM":
            self.order.setdefault(name, None)  # note(), inline

    def exdate(self, values: Iterable[date | datetime], params: m.Params = ()) -> None:
        """One EXDATE line (RFC 5545 3.8.5.1)."""
        self.add("EXDATE", m.DateList(tuple(time_value(v) for v in values), params))

    def event(self) -> m.Event:
        """The frozen event (``model_reader._new_event``: ``m.Event(...)`` without a frozen
        dataclass's ``object.__setattr__`` per field, 36 of them); a list of :data:`_RARE`
        never made is the event's default, the empty tuple."""
        made = self.made
        rare = {name: tuple(getattr(self, name)) for name in made} if made else _NONE_MADE
        return _new_event(
            **self.fields, **rare, attendees=tuple(self.attendees), alarms=tuple(self.alarms),
            params=tuple(self.params.items()), other=tuple(self.other), position=self.position,
            order=tuple(self.order))


#: The builder's lists made at first use (:meth:`EventBuilder.__getattr__`).
_RARE = frozenset({"rrules", "exrules", "rdates", "exdates", "categories", "conferences", "attachments", "comments",
                   "components"})
_NONE_MADE: dict[str, tuple[Any, ...]] = {}


_PROPERTY_OF = {"uid": "UID", "summary": "SUMMARY", "description": "DESCRIPTION", "location": "LOCATION",
                "status": "STATUS", "transparency": "TRANSP", "classification": "CLASS", "url": "URL",
                "priority": "PRIORITY", "sequence": "SEQUENCE", "geo": "GEO", "start": "DTSTART", "end": "DTEND",
                "stamp": "DTSTAMP", "created": "CREATED", "last_modified": "LAST-MODIFIED",
                "recurrence_id": "RECURRENCE-ID", "organizer": "ORGANIZER", "duration": "DURATION"}
_LIST_OF = {"ATTENDEE": "attendees", "RRULE": "rrules", "EXRULE": "exrules", "RDATE": "rdates", "EXDATE": "exdates",
            "CATEGORIES": "categories", "CONFERENCE": "conferences", "ATTACH": "attachments", "COMMENT": "comments",
            "VALARM": "alarms"}


def calendar_of(builders: Iterable[EventBuilder], *, prodid: str, other: Iterable[m.Line] = ()) -> m.Calendar:
    """The builders, frozen, as a calendar: grouped by UID into series as
    :func:`ics_bridge.series.group_series` groups a file's events (first-seen order; a second
    master with the same UID is its own series, the overrides stay with the first), so a hub
    built from JSON has the series its .ics text reads as; each event keeps its place in the
    list as ``position``."""
    from .series import group_series
    return m.Calendar(prodid=prodid, version="2.0", other=tuple(other), series=tuple(group_series(frozen_events(builders))))


#: ``mark(step, event)``: what a provider mapper's ``_builders`` calls as each event's step of
#: the mapping begins (singles and masters 1, exceptions 2, cancellations 3), so a streamed group,
#: mapped alone, can put each report entry where the whole file reports it (``pipeline._JsonGroups``)
Mark = Callable[[int, Any], None]


def no_mark(step: int, event: Any) -> None:
    """The ``mark`` of a mapping no caller follows step by step (the whole file)."""


def frozen_events(builders: Iterable[EventBuilder]) -> list[m.Event]:
    """The builders frozen, each with its place in the list as ``position``: the events of
    :func:`calendar_of` in ``position`` order, without the grouping into series (a streamed
    group's events are one series' already, written in this order)."""
    events = []
    for index, builder in enumerate(builders):
        builder.position = index
        events.append(builder.event())
    return events


# ---------------------------------------------------------------- description

def set_description(event: EventBuilder, content: str | None, *, is_html: bool, report: Report, uid: str | None) -> None:
    """HTML bodies become readable DESCRIPTION text plus ``X-ALT-DESC;FMTTYPE=text/html``
    (MS-OXCICAL 2.1.3.1.1.20.27; Outlook ignores X-ALT-DESC without that FMTTYPE), sanitised."""
    if not content:
        return
    html = (m.Param("FMTTYPE", ("text/html",)),)
    if is_html:
        text = html_to_text(content)
        clean, changed = sanitize_html(content)
        if changed:
            report.add(LossKind.HTML_SANITIZED, "body", "scripts, event handlers or unsafe links removed", uid=uid)
        else:
            clean = content  # nothing dangerous: keep the document as sent, byte for byte
        if text:
            event.set("description", text)
        event.text("X-ALT-DESC", clean, html)
    else:
        event.set("description", content)
        if looks_like_html(content):
            # Plain text that an HTML reader takes as markup (``<b>`` in a Graph text body): an
            # HTML alternative that shows it as written, for targets that read HTML (Google's
            # description); ``vevent.is_plain_alternative`` recognises it on the way back.
            event.text("X-ALT-DESC", text_to_html(content), html)


# ---------------------------------------------------------------- alarms

@lru_cache(maxsize=4096, typed=True)  # typed: 1 and 1.0 write -PT1M and -PT1.0M
def make_alarm(minutes_before: int, action: str = "DISPLAY", description: str = "Reminder",
               default_marker: bool = False) -> m.Alarm:
    """A VALARM with ``TRIGGER:-PT{n}M``, also for 0 (MS-STANOICAL V0060: Outlook ignores a
    VALARM without TRIGGER; DavMail omitted it for 0), the form Outlook and Google write.
    Memoised (an immutable alarm; a calendar uses a few reminder times)."""
    trigger = m.Trigger(timedelta(minutes=-minutes_before), text=f"-PT{minutes_before}M")
    return m.Alarm(action=action, trigger=trigger, description=description,
                   summary=description if action == "EMAIL" else None,
                   other=(text_line(hub.X_GOOGLE_DEFAULT_ALARM, "TRUE"),) if default_marker else ())


# ---------------------------------------------------------------- people

_addresses: dict[tuple[Any, ...], m.Address] = {}


def make_address(email: str | None, name: str | None, params: dict[str, str] | None = None) -> m.Address:
    """An ATTENDEE/ORGANIZER: ``mailto:`` the address (``invalid:nomail`` without one), CN the
    name, then ``params`` (ROLE, PARTSTAT…).  Memoised per input: the same people recur on
    every event of a calendar, and a shared (immutable) address shares its ``params`` tuple,
    which the .ics writer's per-``Params`` memo (``model_reader.address_fields``) then finds."""
    key = (email, name, *params.items()) if params else (email, name)
    try:
        found = _addresses.get(key)
    except TypeError:  # a value that cannot be a key: built each time
        return _make_address(email, name, params)
    return found if found is not None else remember(_addresses, key, _make_address(email, name, params), 65536)


def _make_address(email: str | None, name: str | None, params: dict[str, str] | None) -> m.Address:
    items = {"CN": name} if name else {}
    items.update(params or {})
    rsvp = items.get("RSVP")
    return m.Address(f"mailto:{email}" if email else "invalid:nomail", cn=items.get("CN"), role=items.get("ROLE"),
                     partstat=items.get("PARTSTAT"), rsvp=None if rsvp is None else rsvp.upper() == "TRUE",
                     cutype=items.get("CUTYPE"), params=params_of(items))


# ---------------------------------------------------------------- conference links

def add_conference(event: EventBuilder, uri: str, *, label: str | None, features: str = "AUDIO,VIDEO") -> None:
    """RFC 7986 5.11 CONFERENCE (one per entry point)."""
    items = {"VALUE": "URI", "FEATURE": features}
    if label:
        items["LABEL"] = label
    event.add("CONFERENCE", m.Conference(uri, params_of(items)))


def add_join_link(event: EventBuilder, url: str) -> None:
    """Thunderbird, Outlook and Apple ignore CONFERENCE (nextcloud PR #5381), so the join link
    also goes into DESCRIPTION as a marked line that the readers remove again."""
    event.set("description", add_join_line(event.get("description"), url), replace=True)


# ---------------------------------------------------------------- stash

def put_stash(event: EventBuilder, name: str, data: dict[str, Any]) -> None:
    """Provider fields with no standard home, as compact JSON in one X- property."""
    if data:
        event.text(name, compact_json(data))


def compact_json(data: Any) -> str:
    """``json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)``, byte for
    byte, written by orjson (C) where orjson spells it the same: not a float below 1e-4 in size
    (orjson ``0.00001``, ``2.5e-7``; json ``1e-05``), not NaN or an infinity (orjson ``null``),
    not what orjson refuses (an integer beyond 64 bits, a key that is not a string, a lone
    surrogate, a date or a dataclass, which ``json`` refuses too).  An output that may hold any
    of these (``0.0000``, ``e-``, ``null`` anywhere, strings included) is written by ``json``."""
    try:
        out = orjson.dumps(data, option=_ORJSON_COMPACT)
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return _json_compact(data)
    if b"0.0000" in out or b"e-" in out or b"null" in out:
        return _json_compact(data)
    return out.decode("utf-8")


def _json_compact(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


_ORJSON_COMPACT = orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


# ---------------------------------------------------------------- kept lines

_NAME = re.compile(r"^([A-Za-z0-9-]+)[;:]", re.M)


def _names_in(text: str) -> list[str]:
    """The property names of content lines, in order (a component's own lines left out)."""
    out: list[str] = []
    depth = 0
    for name in _NAME.findall(text.replace("\r\n ", "").replace("\n ", "")):
        upper = name.upper()
        if upper == "BEGIN":
            depth += 1
        elif upper == "END":
            depth -= 1
        elif depth == 0:
            out.append(upper)
    return out


_LISTS = ("comments", "attendees", "alarms", "rrules", "exrules", "rdates", "exdates", "categories", "conferences",
          "attachments", "components")


@lru_cache(maxsize=1024)
def _kept_event(body: str) -> m.Event | None:
    """Kept content lines read as one VEVENT (immutable, so shared: kept lines repeat across
    the events of a series); None when they are not all content lines."""
    try:
        cal = read_calendar(f"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n{body}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    except ValueError:
        return None
    kept = list(cal.events)
    if len(kept) != 1 or any(not p.property for p in kept[0].problems) or cal.problems:
        return None
    return kept[0]


_SINGLE_FIELDS = ("uid", "recurrence_id", "start", "end", "duration", "stamp", "created", "last_modified", "summary",
                  "description", "location", "status", "transparency", "classification", "priority", "sequence",
                  "url", "organizer", "geo")


class _Splice:
    """What splicing one kept text adds, worked out once per text (:func:`_splice_of`)."""

    __slots__ = ("names", "lists", "other", "fields")

    def __init__(self, body: str, found: m.Event) -> None:
        self.names = _names_in(body)
        self.lists = [(name, getattr(found, name)) for name in _LISTS if getattr(found, name)]
        self.other = found.other
        params = dict(found.params)
        # (field, value, (property, its parameters) or None), the fields the text has
        self.fields = [(f, value, (prop, params[prop]) if (prop := _PROPERTY_OF.get(f)) and prop in params else None)
                       for f in _SINGLE_FIELDS if (value := getattr(found, f)) is not None]


@lru_cache(maxsize=1024)
def _splice_of(body: str) -> _Splice | None:
    found = _kept_event(body)
    return None if found is None else _Splice(body, found)


def splice_lines(event: EventBuilder, text: str) -> bool:
    """Add the properties and components that ``text`` (content lines kept by a provider mapper
    for the way back) holds to ``event``; False when the text cannot be read.  A single-value
    property the event already has is kept as a line of its own, as icalendar added it."""
    plan = _splice_of(text.strip())
    if plan is None:
        return False
    order = event.order
    for name in plan.names:
        order.setdefault(name, None)  # EventBuilder.note
    for name, values in plan.lists:
        getattr(event, name).extend(values)
    event.other.extend(plan.other)
    fields = event.fields
    for f, value, param in plan.fields:
        if fields.get(f) is None:
            fields[f] = value
            if param is not None:
                event.params[param[0]] = param[1]
    return True
