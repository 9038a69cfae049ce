"""Google Events resources → typed hub events (:mod:`ics_bridge.model`, issue 12).

Contract (what maps, what is stashed, what is refused), as for Graph:

* every field in docs/google.md's table maps to a standard, Google-export or Outlook iCalendar
  property;
* Google-only detail (creator, guestsCan*, extendedProperties, eventType properties,
  conferenceData details, attachments' file ids, unknown fields…) is stashed as JSON in
  ``X-ICSBRIDGE-GOOGLE-JSON`` so Google→ICS→Google restores it;
* a master, its modified instances and its cancelled instances become one UID with
  RECURRENCE-ID overrides (full properties) and EXDATEs; a cancelled instance never becomes an
  event of its own, and without its master it is reported as ``event-removed``.
"""

from __future__ import annotations

import json

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any, Iterable

from ...gcpause import gc_paused
from ... import clock, hub
from ... import model as m
from ...build import (EventBuilder, add_conference, add_join_link, calendar_of, compact_json, make_address, make_alarm,
                      Mark, frozen_events, no_mark, params_of, set_description, splice_lines, text_line, time_value,
                      uri_line)
from ...errors import InputError
from ...report import LossKind, Report
from ...text import looks_like_html
from ...timezones import resolve_name
from ...vevent import MAX_ALARM_MINUTES
from . import tables
from .model import Event, EventDateTime, EventList
from .recurrence import RECURRENCE_FIELDS, read_recurrence
from ...memo import remember

# Fields with no standard home: stashed as they came (wire JSON) for Google→ICS→Google.
_STASHED_FIELDS = ("kind", "creator", "guestsCanInviteOthers", "guestsCanModify", "guestsCanSeeOtherGuests",
                   "anyoneCanAddSelf", "privateCopy", "locked", "attendeesOmitted", "extendedProperties",
                   "outOfOfficeProperties", "focusTimeProperties", "workingLocationProperties",
                   "birthdayProperties", "gadget", "eventLabelId", "endTimeUnspecified", "hangoutLink",
                   "conferenceData", "attachments")
_STASHED_SET = frozenset(_STASHED_FIELDS)
ALARM_TEXT = "This is an event reminder"  # what Google's own export writes


def _without_categories(value: dict[str, Any]) -> dict[str, Any]:
    """extendedProperties without the keys ics-bridge wrote (read back as properties)."""
    ours = (tables.CATEGORIES_KEY, tables.ICAL_LINES_KEY)
    private = {k: v for k, v in (value.get("private") or {}).items() if k not in ours}
    out = {k: v for k, v in value.items() if k != "private"}
    if private:
        out["private"] = private
    return out


@dataclass
class ReadContext:
    """What every event of one payload shares: the calendar's defaults and the report."""

    calendar: EventList
    report: Report
    calendar_zone: tzinfo | None = None
    calendar_zone_name: str | None = None
    errors: list[InputError] | None = None
    _now: m.TimeValue | None = None

    def now(self) -> m.TimeValue:
        """DTSTAMP of the events without ``updated``/``created``: one "now" for the payload
        (:func:`clock.now_utc`, read once: it looks at the environment on every call), one
        hub value shared by those events."""
        if self._now is None:
            self._now = time_value(clock.now_utc())
        return self._now


@dataclass
class Mapped:
    """A mapped event and the facts its instances need."""

    event: Event
    vevent: EventBuilder
    uid: str
    start: date | datetime
    zone: tzinfo | None
    exdates: list[Any] = field(default_factory=list)


_alarms: dict[tuple[int, str, bool], m.Alarm] = {}
_zones: dict[str, Any] = {}


def _resolved(name: str) -> Any:
    """:func:`timezones.resolve_name`, memoised (a payload names a handful of zones, each event
    twice); the report entries stay the caller's."""
    try:
        return _zones[name]
    except KeyError:
        return remember(_zones, name, resolve_name(name), 4096)


_stash_lines: dict[tuple[tuple[str, Any], ...], m.Line] = {}


def _stash_line(stash: dict[str, Any]) -> m.Line:
    """:func:`build.put_stash`'s line, once per distinct stash of text values (most events
    stash the same few: ``{"kind": "calendar#event"}``)."""
    for value in stash.values():
        if type(value) is not str:  # True == 1 == 1.0 as keys, and lists cannot be: written each time
            return text_line(hub.X_GOOGLE_STASH, compact_json(stash))
    key = tuple(stash.items())
    found = _stash_lines.get(key)
    if found is None:
        found = remember(_stash_lines, key, text_line(hub.X_GOOGLE_STASH, compact_json(stash)), 4096)
    return found


_addresses: dict[tuple[Any, ...], m.Address] = {}


def _address(email: str, name: str | None, params: dict[str, str]) -> m.Address:
    """:func:`build.make_address`, shared: the same people recur on every event of a calendar,
    and one immutable Address (one ``params`` tuple) lets the .ics writer's per-parameters memo
    hit as well."""
    key = (email, name, *params.items())
    found = _addresses.get(key)
    if found is None:
        found = remember(_addresses, key, make_address(email, name, params), 65536)
    return found


_attendees: dict[tuple[Any, ...], tuple[m.Address, str | None]] = {}


def _attendee(att: Any) -> tuple[m.Address, str | None]:
    """An attendee's ATTENDEE, and its responseStatus when unknown (the caller reports it; the
    result is shared by every event the same attendee is on)."""
    params: dict[str, str] = {}
    resource = bool(att.resource) or att.email.lower().endswith(tables.RESOURCE_DOMAIN)
    params["CUTYPE"] = "RESOURCE" if resource else "INDIVIDUAL"
    # Resources: NON-PARTICIPANT, the hub's one form for them whichever provider they come
    # from (MS-OXCICAL; Google's own export writes REQ-PARTICIPANT, which we also read).
    params["ROLE"] = (tables.ROLE_RESOURCE if resource else
                      tables.ROLE_OPTIONAL if att.optional else tables.ROLE_REQUIRED)
    response = att.responseStatus or "needsAction"
    partstat = tables.RESPONSE_TO_PARTSTAT.get(response)
    unknown = None
    if partstat is None:
        unknown, partstat = response, "NEEDS-ACTION"
    params["PARTSTAT"] = partstat
    if att.additionalGuests is not None:
        params[tables.PARAM_NUM_GUESTS] = str(att.additionalGuests)
    if att.comment:
        params[tables.PARAM_COMMENT] = att.comment
    if att.organizer is not None:
        params[tables.PARAM_ORGANIZER] = "TRUE" if att.organizer else "FALSE"
    if att.self_ is not None:
        params[tables.PARAM_SELF] = "TRUE" if att.self_ else "FALSE"
    if att.id:
        params[tables.PARAM_ATTENDEE_ID] = att.id
    if att.resource is None and resource:
        params["X-ICSBRIDGE-GOOGLE-RESOURCE"] = "IMPLIED"
    if att.optional is False:
        params["X-ICSBRIDGE-GOOGLE-OPTIONAL"] = "FALSE"
    if att.resource is False:
        params["X-ICSBRIDGE-GOOGLE-RESOURCE"] = "FALSE"
    return _address(att.email, att.displayName, params), unknown


_by_stand_in: dict[Any, tuple[m.Address, str | None]] = {}


def _mapped_attendee(att: Any) -> tuple[m.Address, str | None]:
    """:func:`_attendee`, memoised: by the object for fastwire's stand-ins (shared per content,
    never changed), by its fields for pydantic's (unhashable) models."""
    try:
        found = _by_stand_in.get(att)
    except TypeError:
        found = None
    else:
        if found is None:
            found = remember(_by_stand_in, att, _attendee_of_fields(att), 65536)
        return found
    return _attendee_of_fields(att)


def _attendee_of_fields(att: Any) -> tuple[m.Address, str | None]:
    key = (att.email, att.displayName, att.resource, att.optional, att.responseStatus, att.additionalGuests,
           att.comment, att.organizer, att.self_, att.id)
    found = _attendees.get(key)
    if found is None:
        found = remember(_attendees, key, _attendee(att), 65536)
    return found


def _resource_calendar(e: Event) -> bool:
    for person in (e.organizer, e.creator):
        if person is not None and person.email and person.email.lower().endswith(tables.RESOURCE_DOMAIN):
            return True
    return False


_UNREADABLE = m.TextList(("unreadable",))
#: The CATEGORIES line of each kept-categories text (one immutable ``TextList``): a calendar
#: uses a few category sets on thousands of events, each read with ``json.loads`` before.
_categories: dict[str, m.TextList] = {}


def _category_list(raw: str) -> m.TextList:
    """The kept categories (a JSON array of strings, tables.CATEGORIES_KEY) as one CATEGORIES
    line (its values empty for ``[]``), or :data:`_UNREADABLE`."""
    try:
        names = json.loads(raw)
    except ValueError:
        return _UNREADABLE
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        return _UNREADABLE
    return m.TextList(tuple(names))


class _EventMapper:
    def __init__(self, e: Event, ctx: ReadContext, uid: str) -> None:
        self.e = e
        self.ctx = ctx
        self.uid = uid
        self.v = EventBuilder()
        self.stash: dict[str, Any] = {}
        self.zone: tzinfo | None = None
        self.recurrence_id: str | None = None

    def add(self, kind: LossKind, field: str, reason: str, **kw: Any) -> None:
        self.ctx.report.add(kind, field, reason, uid=self.uid, recurrence_id=self.recurrence_id, **kw)

    # -- time -------------------------------------------------------------------------------
    def zone_for(self, edt: EventDateTime, field: str) -> tzinfo | None:
        """``timeZone`` of the value, else of the start, else the calendar's (list ``timeZone``
        or ``Options.calendar_zone``); None keeps the instant in UTC (reported by the caller)."""
        name = edt.timeZone or (self.e.start.timeZone if self.e.start else None)
        if name:
            resolved = _resolved(name)
            if resolved is not None:
                if resolved.reason:
                    self.add(LossKind.TIMEZONE_GUESSED if resolved.guessed else LossKind.MAPPING_CHOICE,
                             f"{field}.timeZone", resolved.reason)
                return resolved.tz
            self.add(LossKind.TIMEZONE_UNKNOWN, f"{field}.timeZone", f"unknown zone {name!r}; calendar zone or UTC used",
                     before=name)
        return self.ctx.calendar_zone

    def value(self, edt: EventDateTime, field: str, zone: tzinfo | None = None) -> date | datetime:
        if edt.all_day:
            return edt.day()
        tz = zone if zone is not None else self.zone_for(edt, field)
        value, note = edt.instant(tz)
        if note:
            self.add(LossKind.QUIRK_REPAIRED, f"{field}.dateTime", note)
        if tz is None:
            if (edt.dateTime or "").strip().upper().endswith("Z"):
                pass  # ``…Z`` names a UTC instant (RFC 3339): kept in UTC, nothing assigned or guessed
            elif edt.has_offset():
                self.add(LossKind.TIMEZONE_ASSIGNED, f"{field}.timeZone",
                         "no timeZone on the event or the calendar; the exact instant is kept in UTC", after="UTC")
            else:
                self.add(LossKind.TIMEZONE_ASSIGNED, f"{field}.dateTime",
                         "dateTime without offset or timeZone read as UTC", before=edt.dateTime, after="UTC")
        elif edt.timeZone is None and not (self.e.start and self.e.start.timeZone):
            if "timeZone" not in self.stash.setdefault("_absent", []):
                self.stash["_absent"].append("timeZone")
            self.add(LossKind.MAPPING_CHOICE, f"{field}.timeZone",
                     f"no timeZone on the event; the calendar's {self.ctx.calendar_zone_name} is used")
        return value

    def times(self) -> None:
        e, v = self.e, self.v
        assert e.start is not None
        start = self.value(e.start, "start")
        end: date | datetime | None = self.value(e.end, "end") if e.end is not None else None
        if (isinstance(start, datetime) and isinstance(end, datetime) and start.time() == time(0)
                and end.time() == time(0) and end > start and _resource_calendar(e)):
            # gcal_sync: resource calendars return all-day events as midnight date-times
            # (interop-notes case 16); only under that known quirk, never as a general rule.
            self.add(LossKind.QUIRK_REPAIRED, "start", "resource calendar midnight date-times read as an all-day event",
                     before=f"{start.isoformat()}/{end.isoformat()}")
            start, end = start.date(), end.date()
        if isinstance(start, datetime):
            self.zone = start.tzinfo
        if not isinstance(start, datetime):
            if isinstance(end, datetime):
                self.add(LossKind.INVALID_VALUE, "end", "all-day start with a dateTime end; its date used", before=end)
                end = end.date()
            if end is not None and end <= start:
                self.add(LossKind.QUIRK_REPAIRED, "end.date", "all-day end not after start; one day used",
                         before=end, after=start + timedelta(days=1))
                end = start + timedelta(days=1)
        else:
            if end is not None and not isinstance(end, datetime):
                self.add(LossKind.INVALID_VALUE, "end", "dateTime start with a date end; zero duration used", before=end)
                end = start
            if end is not None and end < start:
                self.add(LossKind.INVALID_VALUE, "end", "end before start; zero duration used", before=end, after=start)
                end = start
        self.start = start
        v.time("start", start)
        if e.endTimeUnspecified:
            # The API still sends an end "for compatibility"; RFC 5545 3.6.1: no DTEND.
            return
        if end is not None:
            v.time("end", end)

    # -- the mapping ------------------------------------------------------------------------
    def build(self) -> EventBuilder:
        e, v = self.e, self.v
        v.set("uid", self.uid)
        absent = self.stash.setdefault("_absent", [])
        if e.id is None:
            absent.append("id")
        if e.iCalUID is None:
            absent.append("iCalUID")
        if e.id:
            v.text(hub.X_GOOGLE_ID, e.id)
        if e.etag:
            v.text(hub.X_GOOGLE_ETAG, e.etag)
        if e.recurringEventId:
            v.text(hub.X_GOOGLE_RECURRING_EVENT_ID, e.recurringEventId)
        if e.summary is not None:
            v.set("summary", e.summary)
        self.times()
        if e.description:
            set_description(v, e.description, is_html=looks_like_html(e.description), report=self.ctx.report,
                            uid=self.uid)
        if e.location:
            v.set("location", e.location)
        self.status()
        self.recurrence()
        self.people()
        self.reminders()
        self.availability()
        self.classification()
        self.timestamps()
        if e.htmlLink:
            v.set("url", e.htmlLink)
        if e.source is not None and e.source.url:
            params = {"VALUE": "URI", "LINKREL": tables.LINK_REL_SOURCE}
            if e.source.title:
                params["LABEL"] = e.source.title
            v.add("LINK", uri_line("LINK", e.source.url, params_of(params)))
        elif e.source is not None:
            self.stash["source"] = e.source.wire()
        self.conference()
        self.attachments()
        self.categories()
        self.kept_lines()
        self.finish_stash()
        return v

    def categories(self) -> None:
        """``extendedProperties.private["ics-bridge.categories"]`` → CATEGORIES (see tables)."""
        private = (self.e.extendedProperties.private if self.e.extendedProperties else None) or {}
        raw = private.get(tables.CATEGORIES_KEY)
        if raw is None:
            return
        found = _categories.get(raw) if type(raw) is str else None
        if found is None:
            found = _category_list(raw)
            if found is not _UNREADABLE and type(raw) is str:
                remember(_categories, raw, found, 4096)
        if found is _UNREADABLE:
            self.add(LossKind.INVALID_VALUE, "extendedProperties.private", "unreadable kept categories", before=raw)
            return
        if found.values:
            self.v.add("CATEGORIES", found)

    def kept_lines(self) -> None:
        """``extendedProperties.private["ics-bridge.ical"]`` → the properties kept there."""
        private = (self.e.extendedProperties.private if self.e.extendedProperties else None) or {}
        raw = private.get(tables.ICAL_LINES_KEY)
        if raw is None:
            return
        if not splice_lines(self.v, raw):
            self.add(LossKind.INVALID_VALUE, "extendedProperties.private", "unreadable kept iCalendar lines", before=raw)

    def status(self) -> None:
        status = self.e.status
        if status is None:
            return
        if status in tables.STATUS_TO_ICAL:
            self.v.set("status", tables.STATUS_TO_ICAL[status])
        else:
            self.add(LossKind.INVALID_VALUE, "status", f"unknown status {status!r}", before=status)

    def recurrence(self) -> None:
        lines = self.e.recurrence
        if not lines or self.e.is_instance:
            if lines:
                self.add(LossKind.INVALID_VALUE, "recurrence", "an instance carries recurrence lines; ignored")
            return
        typed = read_recurrence(lines, self.start, self.ctx.report, self.uid)
        for name in typed.order:  # in the order the lines gave them
            for item in getattr(typed, RECURRENCE_FIELDS[name]):
                self.v.add(name, item)
        for line in typed.other:  # a line without a typed reading, kept as written (reported)
            self.v.other.append(line)
            self.v.note(line.name)
        self.stash["recurrence"] = list(lines)
        if isinstance(self.start, datetime) and not (self.e.start and self.e.start.timeZone):
            self.add(LossKind.INVALID_VALUE, "start.timeZone",
                     "a recurring event needs a timeZone (seed 003); the series expands in "
                     f"{getattr(self.zone, 'key', 'UTC')}")

    def people(self) -> None:
        e, v = self.e, self.v
        org = e.organizer
        if org is not None:
            if org.email:
                v.set("organizer", _address(org.email, org.displayName, {}))
            if org.email is None or org.id is not None or org.self_ is not None or \
                    (org.__pydantic_extra__ and any(value is not None for value in org.__pydantic_extra__.values())):
                self.stash["organizer"] = org.wire()  # more than ORGANIZER holds (wire() leaves out None)
        if not e.attendees:
            return
        added = v.attendees  # EventBuilder.add, inline: ~3.5 attendees an event
        count = len(added)
        for att in e.attendees:
            if not att.email:
                self.add(LossKind.DROPPED, "attendees.email", "attendee without email has no ATTENDEE form",
                         before=att.displayName or att.id)
                continue
            address, unknown = _mapped_attendee(att)
            if unknown is not None:
                self.add(LossKind.INVALID_VALUE, "attendees.responseStatus", f"unknown responseStatus {unknown!r}",
                         before=unknown, after="NEEDS-ACTION")
            if att.__pydantic_extra__:
                for name, value in att.extras().items():
                    self.add(LossKind.DROPPED, f"attendees.{name}", "unknown attendee property not kept",
                             before=value)
            added.append(address)
        if len(added) > count:
            v.note("ATTENDEE")

    def reminders(self) -> None:
        r = self.e.reminders
        absent = self.stash.setdefault("_absent", [])
        if r is None:
            absent.append("reminders")
            return
        overrides = r.overrides or []
        if r.useDefault:
            defaults = self.ctx.calendar.defaultReminders
            if overrides:
                self.add(LossKind.QUIRK_REPAIRED, "reminders",
                         "useDefault true together with overrides (the API rejects this on write); both kept")
            if defaults is None:
                self.add(LossKind.MAPPING_CHOICE, "reminders.useDefault",
                         "the calendar's defaultReminders are not in the input; no VALARM for them (restored as useDefault)")
                self.stash["reminders"] = {"useDefault": True}
            else:
                for item in defaults:
                    self.alarm(item.method, item.minutes, default=True)
                if not defaults:
                    self.stash["reminders"] = {"useDefault": True}
        elif r.useDefault is None:
            absent.append("reminders.useDefault")
        if len(overrides) > tables.MAX_OVERRIDES:
            self.add(LossKind.INVALID_VALUE, "reminders.overrides",
                     f"{len(overrides)} overrides, Google allows {tables.MAX_OVERRIDES}; all kept in iCalendar")
        for item in overrides:
            self.alarm(item.method, item.minutes, default=False)

    def alarm(self, method: str, minutes: int, *, default: bool) -> None:
        action = tables.METHOD_TO_ACTION.get(method)
        if action is None:
            self.add(LossKind.ALARM_DROPPED, "reminders.overrides.method", f"unknown reminder method {method!r}",
                     before=method)
            return
        if minutes < 0:
            self.add(LossKind.ALARM_DROPPED, "reminders.overrides.minutes", "negative reminder minutes", before=minutes)
            return
        if minutes > MAX_ALARM_MINUTES:
            self.add(LossKind.ALARM_DROPPED, "reminders.overrides.minutes", "reminder too far ahead to be a date",
                     before=minutes)
            return
        if minutes > tables.MAX_REMINDER_MINUTES:
            self.add(LossKind.INVALID_VALUE, "reminders.overrides.minutes",
                     f"{minutes} minutes is over Google's {tables.MAX_REMINDER_MINUTES}; kept", before=minutes)
        key = (minutes, action, default)
        alarm = _alarms.get(key)
        if alarm is None:  # immutable, so shared by every event with that reminder
            alarm = remember(_alarms, key, make_alarm(minutes, action, ALARM_TEXT, default_marker=default), 4096)
        self.v.add("VALARM", alarm)

    def availability(self) -> None:
        e, v = self.e, self.v
        kind = e.eventType
        if kind is not None:
            if kind not in tables.EVENT_TYPES:
                self.add(LossKind.STASHED, "eventType", f"unknown eventType {kind!r} kept for a Google round trip",
                         before=kind)
            v.text(hub.X_GOOGLE_EVENT_TYPE, kind)
        implied = tables.EVENT_TYPE_TO_BUSY.get(kind or "")
        if implied is not None:
            v.text(hub.X_BUSYSTATUS, implied[0])
        if e.transparency is not None:
            if e.transparency in tables.TRANSPARENCY_TO_ICAL:
                v.set("transparency", tables.TRANSPARENCY_TO_ICAL[e.transparency])
            else:
                self.add(LossKind.INVALID_VALUE, "transparency", f"unknown transparency {e.transparency!r}",
                         before=e.transparency)
        elif implied is not None:
            v.set("transparency", implied[1])
            self.stash.setdefault("_absent", []).append("transparency")

    def classification(self) -> None:
        e, v = self.e, self.v
        vis = e.visibility
        if vis is not None:
            if vis in tables.VISIBILITY_TO_CLASS:
                cls = tables.VISIBILITY_TO_CLASS[vis]
                if cls:
                    v.set("classification", cls)
                if vis in ("default", "public"):
                    self.stash["visibility"] = vis
            else:
                self.add(LossKind.INVALID_VALUE, "visibility", f"unknown visibility {vis!r}", before=vis)
        if e.colorId is not None:
            css = tables.COLOR_ID_TO_CSS.get(e.colorId)
            if css:
                v.text("COLOR", css)
            else:
                self.stash["colorId"] = e.colorId
                self.add(LossKind.STASHED, "colorId",
                         f"colorId {e.colorId!r} is not in the event palette (1-11); kept for a Google round trip",
                         before=e.colorId)
        if e.sequence is not None:
            v.set("sequence", int(e.sequence))

    def timestamps(self) -> None:
        e, v = self.e, self.v
        created = e.timestamp("created")
        updated = e.timestamp("updated")
        if created:
            v.time("created", created)
        if updated:
            v.time("last_modified", updated)
        if updated or created:
            v.time("stamp", updated or created)
        else:
            v.set("stamp", self.ctx.now())

    def conference(self) -> None:
        """Entry points → CONFERENCE (RFC 7986, one each), the video link also as
        X-GOOGLE-CONFERENCE (Google's export) and as a marked DESCRIPTION line.  The
        solution's ``name`` labels an entry point without a label of its own; Google's
        ConferenceSolution.name is a string, anything else is reported and not used."""
        e, v = self.e, self.v
        cd = e.conferenceData
        solution = (cd.conferenceSolution or {}).get("name") if cd else None
        if solution is not None and not isinstance(solution, str):
            self.add(LossKind.INVALID_VALUE, "conferenceData.conferenceSolution.name",
                     f"not text ({type(solution).__name__}): not used as the conference label")
            solution = None
        primary = None
        seen: set[str] = set()
        for ep in (cd.entryPoints or []) if cd else []:
            if not ep.uri:
                continue
            kind = ep.entryPointType or "video"
            features = tables.ENTRY_POINT_FEATURES.get(kind, "AUDIO,VIDEO")
            add_conference(v, ep.uri, label=ep.label or solution or None, features=features)
            seen.add(ep.uri)
            if kind == "video" and primary is None:
                primary = ep.uri
        if e.hangoutLink and e.hangoutLink not in seen:
            add_conference(v, e.hangoutLink, label=tables.DEFAULT_CONFERENCE_LABEL)
            primary = primary or e.hangoutLink
        if primary:
            v.add(hub.X_GOOGLE_CONFERENCE, uri_line(hub.X_GOOGLE_CONFERENCE, primary))
            add_join_link(v, primary)

    def attachments(self) -> None:
        for att in self.e.attachments or []:
            if not att.fileUrl:
                self.add(LossKind.STASHED, "attachments", "attachment without fileUrl kept in the stash only")
                continue
            params: dict[str, str] = {}
            if att.mimeType:
                params["FMTTYPE"] = att.mimeType
            if att.title:
                params["FILENAME"] = att.title  # RFC 8607 3.4
            self.v.add("ATTACH", m.Attachment(att.fileUrl, None, params_of(params)))

    def finish_stash(self) -> None:
        e = self.e
        fields = e.__dict__  # a pydantic model's fields, a stand-in's members (no alias among these names)
        # the names the event has, in one C call (a stand-in holds what the JSON sent: a few of
        # the 20); in any order: the stash is written with sorted keys (``compact_json``)
        for name in _STASHED_SET.intersection(fields):
            value = fields[name]
            if value is None:
                continue
            if hasattr(value, "wire"):
                value = value.wire()
            if name == "extendedProperties":  # the categories key became CATEGORIES
                value = _without_categories(value)
                if not value:
                    continue
            elif isinstance(value, list):
                value = [x.wire() if hasattr(x, "wire") else x for x in value]
            if name == "kind" and value == "calendar#event":
                self.stash[name] = value
                continue
            self.stash[name] = value
        for name, value in e.extras().items():
            self.stash[name] = value
            self.add(LossKind.STASHED, name, "property with no iCalendar mapping kept for a Google round trip")
        if not self.stash.get("_absent"):
            self.stash.pop("_absent", None)
        if self.stash:
            self.v.add(hub.X_GOOGLE_STASH, _stash_line(self.stash))


# ---------------------------------------------------------------- the whole payload

def _uid_of(e: Event) -> tuple[str, bool]:
    if e.iCalUID:
        return e.iCalUID, False
    ident = e.recurringEventId if e.is_instance else e.id
    if ident:
        return f"{ident}@google.com", True
    # neither id nor iCalUID (a request body): a stable UID from what the event says
    import hashlib
    seed = f"{e.summary or ''}\x00{e.start.wire() if e.start else ''}"
    return f"{hashlib.sha256(seed.encode()).hexdigest()[:32]}@ics-bridge", True


def single_keys(raw: dict[str, Any]) -> tuple[str | None, str] | None:
    """(``id``, UID as :func:`_uid_of` gives it) of an event object that, if
    :func:`reader.parse_event` reads it, is a single (not an instance) that is not a cancelled
    entry without a start: no ``originalStartTime``, ``status`` as sent among the others, ``id``
    and ``iCalUID`` strings (read as they are) one of which names it.  None: read it to know.
    For a streamed file's pass 1, which reads only the singles some instance names."""
    ident, uid = raw.get("id"), raw.get("iCalUID")
    if raw.get("originalStartTime") is not None or raw.get("status") not in (None, "confirmed", "tentative") \
            or not (ident is None or type(ident) is str) or not (uid is None or type(uid) is str):
        return None
    if uid:
        return ident, uid
    return (ident, f"{ident}@google.com") if ident else None


def _rid_value(orig: EventDateTime, master: Mapped | None, mapper: _EventMapper) -> date | datetime:
    if master is not None and not isinstance(master.start, datetime):
        if orig.all_day:
            return orig.day()
        value, _ = orig.instant(master.zone)
        return value.date()
    zone = master.zone if master is not None else None
    if orig.all_day:
        day = orig.day()
        if master is not None and isinstance(master.start, datetime):
            return datetime.combine(day, master.start.timetz().replace(tzinfo=None)).replace(tzinfo=master.zone)
        return day
    if zone is None:
        zone = mapper.zone_for(orig, "originalStartTime")
    value, _ = orig.instant(zone)
    return value.astimezone(zone) if zone is not None else value


@gc_paused
def events_to_calendar(events: Iterable[Event], calendar: EventList, report: Report,
                       errors: list[InputError] | None = None, *, calendar_zone: str | None = None) -> m.Calendar:
    """Google events (any mix of singles, masters, instances, tombstones) → the typed hub, its
    events in the order the mapper makes them (``Event.position``): singles and masters, then
    instances.

    An event that cannot be mapped is appended to ``errors`` (raised when None); the rest go on."""
    head: list[m.Line] = []
    cal = _builders(events, calendar, report, errors, calendar_zone, head)
    return calendar_of(cal, prodid="-//ics-bridge//Google Calendar//EN", other=head)


def events_in_order(events: Iterable[Event], calendar: EventList, report: Report,
                    errors: list[InputError] | None = None, *, calendar_zone: str | None = None,
                    mark: Mark | None = None) -> list[m.Event]:
    """The events of :func:`events_to_calendar` in the order its calendar writes them
    (``model_writer._in_order``), without the calendar: a streamed JSON group (one series)
    mapped as the whole file maps it, no series grouping per group.  ``mark``: as
    :func:`_builders` takes it; with it the calendar's own entry (an unknown calendar zone) is
    not made: the streamed file reports it once, with its header."""
    return frozen_events(_builders(events, calendar, report, errors, calendar_zone, [], mark))


def _builders(events: Iterable[Event], calendar: EventList, report: Report, errors: list[InputError] | None,
              calendar_zone: str | None, head: list[m.Line],
              mark: Mark | None = None) -> list[EventBuilder]:
    """The mapped events in the mapper's order (singles and masters, then instances); the
    calendar's own lines (X-WR-TIMEZONE, X-WR-CALNAME) into ``head``.  The report follows that
    order in three steps: singles' and masters' entries (1), instances' (2), cancelled entries'
    (3), each in input order; ``mark(step, event)`` is called as each event's step begins
    (``pipeline._JsonGroups``, which maps one series at a time and keys every entry by it)."""
    cal: list[EventBuilder] = []
    note = mark if mark is not None else no_mark
    zone_name = calendar.timeZone or calendar_zone
    ctx = ReadContext(calendar=calendar, report=report, errors=errors)
    if zone_name:
        resolved = resolve_name(zone_name)
        if resolved is None:
            if mark is None:  # a streamed file (mark) reports it once, with its header
                report.add(LossKind.TIMEZONE_UNKNOWN, "timeZone", f"unknown calendar zone {zone_name!r}",
                           before=zone_name)
        else:
            ctx.calendar_zone, ctx.calendar_zone_name = resolved.tz, resolved.iana or zone_name
            head.append(text_line("X-WR-TIMEZONE", ctx.calendar_zone_name))
    if calendar.summary:
        head.append(text_line("X-WR-CALNAME", calendar.summary))

    def run(mapper: _EventMapper, rid: Any = None) -> EventBuilder | None:
        try:
            vevent = mapper.build()
            if rid is not None:
                vevent.set("recurrence_id", m.RecurrenceId(time_value(rid)))
            return vevent
        except InputError as err:
            failure = err
        except (ValueError, TypeError, KeyError, OverflowError) as exc:
            failure = InputError(str(exc), uid=mapper.uid)
        if errors is None:
            raise failure
        errors.append(failure)
        return None

    items = list(events)
    singles: list[Event] = []
    instances: list[Event] = []
    tombstones: list[Event] = []
    for e in items:
        if e.is_cancelled and (e.is_instance or e.start is None):
            tombstones.append(e)
        elif e.is_instance:
            instances.append(e)
        else:
            singles.append(e)
    mapped: dict[str, Mapped] = {}
    by_uid: dict[str, Mapped] = {}

    def master_of(e: Event) -> Mapped | None:
        if e.recurringEventId:
            return mapped.get(e.recurringEventId)
        found = by_uid.get(e.iCalUID or "")
        return found if found is not None and found.vevent.rrules else None

    for e in singles:
        note(1, e)
        uid, derived = _uid_of(e)
        mapper = _EventMapper(e, ctx, uid)
        if derived:
            report.add(LossKind.MAPPING_CHOICE, "iCalUID", "no iCalUID; UID derived from the id as Google does "
                       "(from summary and start when there is no id either)",
                       uid=uid)
        vevent = run(mapper)
        if vevent is None:
            continue
        cal.append(vevent)
        info = Mapped(e, vevent, uid, mapper.start, mapper.zone)
        if e.id:
            mapped[e.id] = info
        by_uid.setdefault(uid, info)
    for e in instances:
        note(2, e)
        master = master_of(e)
        uid = master.uid if master else _uid_of(e)[0]
        mapper = _EventMapper(e, ctx, uid)
        assert e.originalStartTime is not None
        try:
            rid = _rid_value(e.originalStartTime, master, mapper)
        except ValueError as exc:
            (errors.append(InputError(str(exc), uid=uid, field="originalStartTime")) if errors is not None
             else _raise(InputError(str(exc), uid=uid, field="originalStartTime")))
            continue
        mapper.recurrence_id = rid.isoformat()
        if master is None:
            report.add(LossKind.MAPPING_CHOICE, "recurringEventId",
                       "instance without its master in the input; written as an override only", uid=uid,
                       recurrence_id=rid.isoformat())
        elif e.iCalUID and e.iCalUID != master.uid:
            report.add(LossKind.MAPPING_CHOICE, "iCalUID", "instance's own iCalUID ignored; the master's UID groups the series",
                       uid=uid, before=e.iCalUID)
        vevent = run(mapper, rid)
        if vevent is not None:
            cal.append(vevent)
    for e in tombstones:
        note(3, e)
        master = master_of(e) if e.is_instance else None
        if master is None:
            where = "its master is not in the input" if e.is_instance else "a deleted event"
            report.add(LossKind.EVENT_REMOVED, "status", f"cancelled entry ({where}); nothing written",
                       uid=e.iCalUID or (f"{e.recurringEventId or e.id}@google.com"), before=e.id)
            continue
        assert e.originalStartTime is not None
        helper = _EventMapper(e, ctx, master.uid)
        rid = _rid_value(e.originalStartTime, master, helper)
        params = {tables.PARAM_TOMBSTONE_ID: e.id} if e.id else {}
        master.vevent.exdate([rid], params_of(params))
        if e.start is not None or e.summary:
            report.add(LossKind.DROPPED, "status", "details of a cancelled instance not kept (EXDATE only)",
                       uid=master.uid, recurrence_id=rid.isoformat())
    return cal


def _raise(err: Exception) -> None:
    raise err
