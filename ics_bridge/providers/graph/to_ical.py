"""Graph events → typed hub events (:mod:`ics_bridge.model`, issue 12).

Contract (what maps, what is stashed, what is refused), after io-msgraph's module doc:

* every property in docs/graph.md's table maps to a standard or Outlook iCalendar property;
* Graph-only detail (full ``location``/``locations`` objects, ``onlineMeeting`` details,
  ``transactionId``, response times, unknown properties) is stashed as JSON in
  ``X-ICSBRIDGE-GRAPH-JSON`` so Graph→ICS→Graph restores it;
* a series master, its ``exception`` items and beta ``cancelledOccurrences`` become one UID
  with RECURRENCE-ID overrides and EXDATEs; ``occurrence`` items add nothing;
* delta ``@removed`` entries become ``STATUS:CANCELLED`` VEVENTs and are reported.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Any, Collection, Iterable

from pydantic import ValidationError

from ...gcpause import gc_paused
from ... import clock, hub
from ... import model as m
from ...build import (EventBuilder, add_conference, add_join_link, calendar_of, make_address, make_alarm, put_stash,
                      Mark, frozen_events, no_mark, remember, set_description, splice_lines, time_value)
from ...build import with_zone as _with_zone  # moved to build (Google's too); the name the tests patch
from ...errors import InputError
from ...recurrence import expand_graph_dates, graph_to_rrule
from ...report import LossKind, Report
from ...timezones import ResolvedZone, resolve_name
from ...vevent import MAX_ALARM_MINUTES
from ...wire import input_error
from . import tables
from .fastwire import FastEvent
from .model import Attendee, Event, parse_graph_datetime

# Fields carried by standard properties; everything else known but not listed is stashed.
_STASHED_FIELDS = ("location", "locations", "onlineMeeting", "onlineMeetingUrl", "transactionId",
                   "isOnlineMeeting", "onlineMeetingProvider",
                   "isOrganizer", "responseStatus", "bodyPreview", "hasAttachments", "isDraft",
                   "hideAttendees", "originalEndTimeZone", "exceptionOccurrences")

_STASHED_SET = frozenset(_STASHED_FIELDS)

#: Types a stashed field's value is written as it is (no ``model_dump``, not a list).
_PLAIN = frozenset((str, bool, int, float))

_resolved: dict[str, ResolvedZone | None] = {}


def _resolve(name: str) -> ResolvedZone | None:
    """:func:`timezones.resolve_name`, memoised per name: a file names a handful of zones on
    every event (start, end, original zones: 46k calls at 10k events), and the answer depends
    on the name alone (tzdata and CLDR tables; ``ResolvedZone`` is frozen)."""
    try:
        return _resolved[name]
    except KeyError:
        pass
    return remember(_resolved, name, resolve_name(name), 4096)


_UTC_ZONE = ResolvedZone(timezone.utc, "UTC")


def _on_day(day: date, start: datetime) -> datetime:
    """``start``'s wall time (and fold) and zone on ``day``: ``combine(day, start.timetz().replace(
    tzinfo=None)).replace(tzinfo=start.tzinfo)`` without the two keyword ``replace`` calls."""
    return _combine(day, start.time(), start.tzinfo)


_combine = datetime.combine


def _zone(name: str | None, report: Report, uid: str, field: str) -> ResolvedZone:
    if not name:
        return _UTC_ZONE
    if name.lower() == "tzone://microsoft/custom":
        raise InputError("custom time zone with no definition (tzone://Microsoft/Custom)", uid=uid, field=field)
    resolved = _resolve(name)
    if resolved is None:
        raise InputError(f"unknown time zone {name!r}", uid=uid, field=field)
    return resolved


# ATTENDEE by (address, name, type, response, response time, RSVP): people recur on every event
_attendees: dict[tuple[str | None, ...], m.Address] = {}
# the same, by (id of the attendee's model, RSVP): a shared model (model.shared) is read once
_by_attendee: dict[tuple[int, str | None], tuple[Attendee, m.Address]] = {}


class _EventMapper:
    """Maps one Graph event; holds the report and the event's identity for messages."""

    def __init__(self, event: Event, report: Report, master: Event | None = None) -> None:
        self.e = event
        self.report = report
        self.master = master
        self.uid = _uid_for(master or event)
        self.v = EventBuilder()
        self.stash_extra: dict[str, Any] = {}
        self.keep_start = False  # the series' off-rule first instance is in the input (_first_instance)
        self.dumps: tuple[dict[str, Any], dict[str, Any]] | None = None  # recurrence_dumps()

    def add(self, kind: LossKind, field: str, reason: str, **kw: Any) -> None:
        self.report.add(kind, field, reason, uid=self.uid, **kw)

    # -- time -------------------------------------------------------------------------------
    def home_zone(self) -> ResolvedZone:
        """The zone the event lives in.  ``originalStartTimeZone`` is the home zone when the
        response was rendered in a ``Prefer: outlook.timezone`` zone (interop-notes case 1)."""
        e = self.e
        view = e.start.timeZone if e.start else None
        home = e.originalStartTimeZone
        if home:
            if home.lower() != "tzone://microsoft/custom":
                resolved = _resolve(home)
                if resolved is not None:
                    return resolved
            else:
                self.add(LossKind.TIMEZONE_GUESSED, "originalStartTimeZone",
                         "custom zone has no definition in Graph JSON; the response zone is used", before=home, after=view)
        series_zone = e.recurrence.range.recurrenceTimeZone if e.recurrence else None
        if series_zone and _resolve(series_zone) is not None and e.type not in ("exception", "occurrence"):
            return _resolve(series_zone)  # type: ignore[return-value]  # the zone the series expands in
        return _zone(view, self.report, self.uid, "start.timeZone")

    def instant(self, which: str) -> datetime | None:
        value = getattr(self.e, which)
        if value is None:
            return None
        wall = value.naive()
        if wall is None:
            return None
        zone = _zone(value.timeZone, self.report, self.uid, f"{which}.timeZone")
        return _with_zone(wall, zone.tz)

    def times(self) -> tuple[Any, Any, ResolvedZone | None]:
        e = self.e
        if e.start is None:
            raise InputError("event has no start", uid=self.uid, field="start")
        if e.isAllDay:
            start_wall = e.start.naive()
            end_wall = e.end.naive() if e.end else None
            if start_wall is None:
                raise InputError("start is Graph's 0001-01-01 'no value' sentinel", uid=self.uid, field="start")
            start_d = start_wall.date()
            # the zone all-day instants are midnight in (Graph: usually UTC), for the way back
            if e.start.timeZone and e.start.timeZone != "UTC":
                self.stash_extra["@allDayZone"] = e.start.timeZone
            if e.recurrence and e.recurrence.range.recurrenceTimeZone:
                self.stash_extra["@recurrenceTimeZone"] = e.recurrence.range.recurrenceTimeZone
            end_d = end_wall.date() if end_wall else start_d + timedelta(days=1)
            if end_d <= start_d:
                self.add(LossKind.INVALID_VALUE, "end", "all-day end not after start; one day assumed",
                         before=end_d, after=start_d + timedelta(days=1))
                end_d = start_d + timedelta(days=1)
            return start_d, end_d, None
        home = self.home_zone()
        start = self.instant("start")
        end = self.instant("end")
        if start is None:  # the 0001-01-01 sentinel (parse_graph_datetime) on a timed event
            raise InputError("start is Graph's 0001-01-01 'no value' sentinel", uid=self.uid, field="start")
        start = start.astimezone(home.tz)
        end_zone = home
        end_name = e.originalEndTimeZone
        resolved_end = _resolve(end_name) if end_name and end_name != e.originalStartTimeZone else None
        if resolved_end is not None:
            end_zone = resolved_end
        elif e.end and e.end.timeZone and e.start.timeZone and e.end.timeZone != e.start.timeZone:
            end_zone = _zone(e.end.timeZone, self.report, self.uid, "end.timeZone")
        if end is not None:
            end = end.astimezone(end_zone.tz)
            if end < start:
                self.add(LossKind.INVALID_VALUE, "end", "end before start; zero duration assumed", before=end, after=start)
                end = start
        if home.reason:
            self.add(LossKind.MAPPING_CHOICE, "start.timeZone", home.reason)
        return start, end, home

    # -- the mapping ------------------------------------------------------------------------
    def build(self) -> EventBuilder:
        e, v = self.e, self.v
        v.set("uid", self.uid)
        if e.id:
            v.text(hub.X_GRAPH_ID, e.id)
        if e.changeKey:
            v.text(hub.X_GRAPH_CHANGEKEY, e.changeKey)
        if e.subject is not None:
            v.set("summary", e.subject)
        start, end, zone = self.times()
        start, end = self.synchronized(start, end)
        self.zone = zone
        self.start = start
        v.time("start", start)
        if end is not None:
            v.time("end", end)
        if e.isAllDay:
            v.text(hub.X_ALLDAY, "TRUE")
        if e.body is not None and e.body.content:
            set_description(v, e.body.content, is_html=e.body.contentType == "html", report=self.report, uid=self.uid)
        self.recurrence(start, zone)
        if self.e.type not in ("exception", "occurrence"):
            self.cancelled(start)
            if self.e.recurrence is None and (self.e.cancelledOccurrences or self.e.exceptionOccurrences):
                self.add(LossKind.UNSUPPORTED_FIELD, "recurrence",
                         "series master without its recurrence (not $selected); exceptions and cancellations kept")
        self.location()
        self.people()
        self.reminder()
        self.availability()
        self.classification()
        self.timestamps()
        self.online_meeting()
        if e.webLink:
            v.set("url", e.webLink)
        if e.allowNewTimeProposals is not None:
            v.text(hub.X_DISALLOW_COUNTER, "FALSE" if e.allowNewTimeProposals else "TRUE")
        self.stash()
        return v

    def synchronized(self, start: Any, end: Any) -> tuple[Any, Any]:
        """Graph's first occurrence is the first matching date on or after the start; RFC 5545
        3.8.5.3 leaves a DTSTART off the rule undefined (readers disagree), so a master's start
        moves to its first occurrence, with the same wall-clock time and duration (as Outlook
        exports do), reported."""
        rec = self.e.recurrence
        if rec is None or self.e.type in ("exception", "occurrence") or self.keep_start:
            return start, end
        local = start.date() if isinstance(start, datetime) else start
        pattern, rng = self.recurrence_dumps()
        try:
            first = next(iter(expand_graph_dates(pattern, rng, local, local + timedelta(days=366 * 8), limit=1)), None)
        except (ValueError, KeyError, OverflowError):
            return start, end  # the pattern itself is reported by recurrence()
        if first is None or first == local:
            return start, end
        shift = first - local
        if isinstance(start, datetime):
            new_start = _on_day(first, start)
            new_end = end if end is None else new_start + (end - start)
        else:
            new_start, new_end = first, (end + shift if end is not None else None)
        self.add(LossKind.MAPPING_CHOICE, "start", "series start is not an occurrence; DTSTART moved to the first one",
                 before=local, after=first)
        return new_start, new_end

    def recurrence_dumps(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """The master's pattern and range as the plain dicts :mod:`ics_bridge.recurrence` reads
        (which only reads them): :meth:`synchronized` and :meth:`recurrence` both need them, so
        they are dumped once an event (two ``model_dump`` calls less a master, ~6 µs)."""
        if self.dumps is None:
            rec = self.e.recurrence
            assert rec is not None
            self.dumps = (rec.pattern.model_dump(exclude_none=True), rec.range.model_dump(mode="json", exclude_none=True))
        return self.dumps

    def recurrence(self, start: Any, zone: ResolvedZone | None) -> None:
        rec = self.e.recurrence
        if rec is None or self.e.type in ("exception", "occurrence"):
            return
        rtz = rec.range.recurrenceTimeZone
        series_tz: tzinfo | None = zone.tz if zone else None
        if rtz:
            resolved = _resolve(rtz)
            if resolved is None:
                self.add(LossKind.TIMEZONE_UNKNOWN, "recurrence.range.recurrenceTimeZone",
                         "unknown zone; the start zone is used", before=rtz)
            elif zone is not None:
                series_tz = resolved.tz
        pattern, rng = self.recurrence_dumps()
        pattern = {k: v for k, v in pattern.items() if k in ("type", "interval", "month", "dayOfMonth",
                                                               "daysOfWeek", "firstDayOfWeek", "index")}
        if pattern.get("type") not in ("daily", "weekly", "absoluteMonthly", "relativeMonthly",
                                       "absoluteYearly", "relativeYearly"):
            raise InputError(f"unknown recurrence pattern type {pattern.get('type')!r}", uid=self.uid,
                             field="recurrence.pattern.type")
        rule, notes = graph_to_rrule(pattern, rng, start, series_tz)
        for note in notes:
            self.add(LossKind.MAPPING_CHOICE, "recurrence.pattern", note)
        self.v.add("RRULE", rule)
        if rec.range.startDate and isinstance(start, (date, datetime)):
            local = start if not isinstance(start, datetime) else start.date()
            if rec.range.startDate != local:
                self.add(LossKind.MAPPING_CHOICE, "recurrence.range.startDate",
                         "range startDate differs from the start date; DTSTART governs", before=rec.range.startDate, after=local)

    def cancelled(self, start: Any) -> None:
        """beta ``cancelledOccurrences`` (``OID.<masterId>.<yyyy-mm-dd>``) → EXDATE at the series
        start time on that local date (interop-notes case 33)."""
        for item in self.e.cancelledOccurrences or []:
            day_text = item.rsplit(".", 1)[-1]
            try:
                day = date.fromisoformat(day_text)
            except ValueError:
                self.add(LossKind.INVALID_VALUE, "cancelledOccurrences", f"unreadable entry {item!r}")
                continue
            if isinstance(start, datetime):
                self.v.exdate([_on_day(day, start)])
            else:
                self.v.exdate([day])

    def location(self) -> None:
        e = self.e
        text = e.location.displayName if e.location and e.location.displayName else None
        if not text and e.locations:
            names = [loc.displayName for loc in e.locations if loc.displayName]
            text = "; ".join(names) if names else None
        if text:
            self.v.set("location", text)
            if e.location and e.location.displayName != text:
                self.stash_extra["@locationText"] = text  # how the stashed locations were shown
        coords = e.location.coordinates if e.location else None
        if coords and coords.latitude is not None and coords.longitude is not None \
                and (coords.latitude, coords.longitude) != (0.0, 0.0):  # Graph's "no coordinates"
            self.v.set("geo", m.Geo(float(coords.latitude), float(coords.longitude)))

    def people(self) -> None:
        e = self.e
        org = e.organizer.emailAddress if e.organizer and e.organizer.emailAddress else None
        if org and (org.address or org.name):
            self.v.set("organizer", make_address(org.address, org.name))
        rsvp = None if e.responseRequested is None else ("TRUE" if e.responseRequested else "FALSE")
        attendees = self.v.attendees
        if e.attendees:
            self.v.note("ATTENDEE")  # as EventBuilder.add notes the first one
        for att in e.attendees or []:
            known = _by_attendee.get((id(att), rsvp))
            attendees.append(known[1] if known is not None and known[0] is att else self.one_attendee(att, rsvp))

    def one_attendee(self, att: Attendee, rsvp: str | None) -> m.Address:
        """The ATTENDEE of one Graph attendee (:meth:`attendee`, memoised per input in
        :data:`_attendees`); its proposed new time stashed and reported.  An attendee that
        reported nothing is also remembered by identity (:data:`_by_attendee`): the model
        shares an attendee's object across events (``model.shared``)."""
        mailbox = att.emailAddress
        email = mailbox.address if mailbox else None
        name = mailbox.name if mailbox else None
        status = att.status
        response = (status.response if status else None) or "none"
        when = status.time if status else None
        key = (email, name, att.type, response, when, rsvp)
        address = _attendees.get(key)
        if address is None:
            address = self.attendee(email, name, att.type, response, when, rsvp)
            if (att.type or "required") in tables.ATTENDEE_TYPE_TO_ICAL and response in tables.RESPONSE_TO_PARTSTAT:
                remember(_attendees, key, address, 65536)  # nothing reported: the same inputs give the same line
        if att.proposedNewTime is not None and email:  # no iCalendar slot outside iTIP COUNTER
            self.stash_extra.setdefault("@proposedNewTime", {})[email] = att.proposedNewTime.model_dump(
                mode="json", exclude_none=True)
            self.add(LossKind.STASHED, "attendees.proposedNewTime",
                     "a proposed new time has no iCalendar property; kept for a Graph round trip")
        elif _attendees.get(key) is address:  # nothing reported, nothing stashed
            remember(_by_attendee, (id(att), rsvp), (att, address), 65536)  # holds att: its id stays its own
        return address

    def attendee(self, email: str | None, name: str | None, kind: str | None, response: str, when: str | None,
                 rsvp: str | None) -> m.Address:
        """One ATTENDEE from a Graph attendee's fields (type → ROLE and CUTYPE, response →
        PARTSTAT, MS-OXCICAL 2.1.3.1.1.20.2); an unknown type or response is reported.
        :meth:`people` keeps the answers that reported nothing, per input (:data:`_attendees`)."""
        params: dict[str, str] = {}
        kind = kind or "required"
        if kind not in tables.ATTENDEE_TYPE_TO_ICAL:
            self.add(LossKind.INVALID_VALUE, "attendees.type", f"unknown attendee type {kind!r}; required used")
            kind = "required"
        role, cutype = tables.ATTENDEE_TYPE_TO_ICAL[kind]
        params["ROLE"] = role
        params["CUTYPE"] = cutype
        partstat = tables.RESPONSE_TO_PARTSTAT.get(response)
        if partstat is None:
            self.add(LossKind.INVALID_VALUE, "attendees.status.response", f"unknown response {response!r}")
            partstat = "NEEDS-ACTION"
        params["PARTSTAT"] = partstat
        if tables.PARTSTAT_TO_RESPONSE.get(partstat) != response:
            params["X-ICSBRIDGE-RESPONSE"] = response  # none/notResponded/organizer kept
        if when:
            params["X-ICSBRIDGE-RESPONSE-TIME"] = when
        if rsvp is not None:
            params["RSVP"] = rsvp
        return make_address(email, name, params)

    def reminder(self) -> None:
        e = self.e
        if e.isReminderOn and e.reminderMinutesBeforeStart is not None:
            if not 0 <= e.reminderMinutesBeforeStart <= MAX_ALARM_MINUTES:
                self.add(LossKind.INVALID_VALUE, "reminderMinutesBeforeStart", "reminder out of range dropped",
                         before=e.reminderMinutesBeforeStart)
                return
            self.v.add("VALARM", make_alarm(e.reminderMinutesBeforeStart))
        elif not e.isReminderOn and e.reminderMinutesBeforeStart is not None:
            self.stash_extra["reminderMinutesBeforeStart"] = e.reminderMinutesBeforeStart
        elif e.isReminderOn and e.reminderMinutesBeforeStart is None:
            self.add(LossKind.INVALID_VALUE, "reminderMinutesBeforeStart", "reminder on without minutes; not invented")

    def availability(self) -> None:
        e = self.e
        if e.showAs is None:
            return
        if e.showAs == "unknown":
            self.add(LossKind.UNSUPPORTED_FIELD, "showAs", "showAs unknown has no iCalendar form", before="unknown")
            return
        pair = tables.SHOW_AS_TO_ICAL.get(e.showAs)
        if pair is None:
            self.add(LossKind.INVALID_VALUE, "showAs", f"unknown showAs {e.showAs!r}")
            return
        self.v.set("transparency", pair[0])
        self.v.text(hub.X_BUSYSTATUS, pair[1])

    def classification(self) -> None:
        e, v = self.e, self.v
        if e.importance:
            if e.importance in tables.IMPORTANCE_TO_PRIORITY:
                v.set("priority", int(tables.IMPORTANCE_TO_PRIORITY[e.importance]))
                v.text(hub.X_IMPORTANCE, str(tables.IMPORTANCE_TO_CDO[e.importance]))
            else:
                self.add(LossKind.INVALID_VALUE, "importance", f"unknown importance {e.importance!r}")
        if e.sensitivity:
            cls = tables.SENSITIVITY_TO_CLASS.get(e.sensitivity)
            if cls is None:
                self.add(LossKind.INVALID_VALUE, "sensitivity", f"unknown sensitivity {e.sensitivity!r}")
            else:
                v.set("classification", cls)
                if e.sensitivity == "personal":
                    v.text(hub.X_SENSITIVITY, "PERSONAL")
                    self.add(LossKind.VALUE_COLLAPSED, "sensitivity",
                             "personal has no CLASS; other clients see PRIVATE (restored by ics-bridge)",
                             before="personal", after="PRIVATE")
        if e.categories:
            v.add("CATEGORIES", m.TextList(tuple(e.categories)))
        if e.isCancelled:
            v.set("status", "CANCELLED")

    def timestamps(self) -> None:
        e, v = self.e, self.v
        created = e.timestamp("createdDateTime")
        modified = e.timestamp("lastModifiedDateTime")
        if created:
            v.set("created", _utc_stamp(created))
        if modified:
            v.set("last_modified", _utc_stamp(modified))
        v.set("stamp", _utc_stamp(modified or created or clock.now_utc()))

    def online_meeting(self) -> None:
        """joinUrl → CONFERENCE (RFC 7986), X-MICROSOFT-SKYPETEAMSMEETINGURL (what Outlook writes)
        and a DESCRIPTION line for clients that show neither."""
        e = self.e
        url = (e.onlineMeeting.joinUrl if e.onlineMeeting else None) or e.onlineMeetingUrl
        provider = e.onlineMeetingProvider
        if not url:
            return
        label = tables.PROVIDER_LABEL.get(provider or "", "Online meeting")
        add_conference(self.v, url, label=label)
        if e.onlineMeeting and e.onlineMeeting.tollNumber:
            add_conference(self.v, f"tel:{e.onlineMeeting.tollNumber}", label="Phone", features="PHONE")
        if provider == "teamsForBusiness":
            self.v.text(hub.X_TEAMS_URL, url)
        add_join_link(self.v, url)

    def restore_ical_lines(self, properties: list[Any]) -> list[Any]:
        """Splice back the iCalendar lines ics-bridge kept in its named extended property;
        returns the other extended properties (the first-instance link left out)."""
        first_of_id, lines_id = _property_ids()
        rest = []
        for prop in properties:
            if isinstance(prop, dict) and prop.get("id") == first_of_id:
                continue  # the link of an off-rule first instance: used by _first_instance, not kept
            if isinstance(prop, dict) and prop.get("id") == lines_id and isinstance(prop.get("value"), str):
                if not splice_lines(self.v, prop["value"]):
                    self.add(LossKind.INVALID_VALUE, "singleValueExtendedProperties", "unreadable kept iCalendar lines")
            else:
                rest.append(prop)
        return rest

    def stash(self) -> None:
        e = self.e
        data: dict[str, Any] = {}
        fields = e.__dict__
        for name in _STASHED_SET.intersection(_sent(e)):  # unset fields are None; the JSON sorts its keys
            value = fields[name]
            if value is None:
                continue
            if type(value) in _PLAIN:  # most stashed fields (bools, strings): no model_dump to look for
                data[name] = value
            else:
                data[name] = _dumped(value) if hasattr(value, "model_dump") else (
                    [x.model_dump(mode="json", exclude_none=True) if hasattr(x, "model_dump") else x for x in value]
                    if isinstance(value, list) else value)
        for name, value in _extra(e).items():
            if name.startswith("@"):
                continue
            if name == "singleValueExtendedProperties" and isinstance(value, list):
                value = self.restore_ical_lines(value)
                if not value:
                    continue
            data[name] = value
            self.add(LossKind.STASHED, name, "property with no iCalendar mapping kept for a Graph round trip")
        if e.type:
            data["type"] = e.type
        data.update(self.stash_extra)
        if e.seriesMasterId and self.master is None:  # an instance whose master is not in the input
            data["seriesMasterId"] = e.seriesMasterId
            if e.originalStart:
                data["originalStart"] = e.originalStart
        if e.responseRequested is not None and not e.attendees:
            data["responseRequested"] = e.responseRequested  # RSVP lives on ATTENDEE lines
        # which Graph field gave the UID, so the way back writes the same one
        source = _uid_source(self.master or e)
        if source != "iCalUId":
            data["@uidFrom"] = source
        if e.uid and e.iCalUId and e.uid != e.iCalUId:
            data["iCalUId"] = e.iCalUId  # beta: uid is the series UID, iCalUId kept apart
        put_stash(self.v, hub.X_GRAPH_STASH, data)


_stamps: dict[datetime, m.TimeValue] = {}


def _utc_stamp(value: datetime) -> m.TimeValue:
    """CREATED / LAST-MODIFIED / DTSTAMP: ``value`` in UTC to the second (RFC 5545 3.8.7: UTC
    date-time form) as a hub value.  Memoised for a fixed-offset ``value`` (Graph's ``Z``
    timestamps, the conversion's one "now" on every event without them): two of those are equal
    only at the same instant, so they have the same answer (a zoneinfo value is not: equal at
    the same wall time, whatever its ``fold``)."""
    if type(value.tzinfo) is not timezone:
        return _stamp_value(value)
    found = _stamps.get(value)
    return found if found is not None else remember(_stamps, value, _stamp_value(value), 4096)


def _stamp_value(value: datetime) -> m.TimeValue:
    return time_value(value.astimezone(timezone.utc).replace(microsecond=0))


_dumps: dict[int, tuple[Any, dict[str, Any]]] = {}


def _dumped(model: Any) -> dict[str, Any]:
    """``model.model_dump(mode="json", exclude_none=True)``, once per model object: a location
    is one shared object on many events (``model.shared``); the dump is only read (stash JSON)."""
    known = _dumps.get(id(model))
    if known is not None and known[0] is model:
        return known[1]
    dumped = model.model_dump(mode="json", exclude_none=True)
    remember(_dumps, id(model), (model, dumped), 4096)  # holds the model: its id stays its own
    return dumped


def _sent(event: Event) -> Collection[str]:
    """The names of the fields the JSON sent, as far as :meth:`_EventMapper.stash` asks (which
    of its field names): a stand-in's ``__dict__`` holds exactly its sent fields (its extras
    apart, and no extra bears a field's name), so no set is made; ``model_fields_set`` unions
    the two per event (tests/test_json2ics11_mapper.py holds the two to each other)."""
    return event.__dict__ if type(event) is FastEvent else event.model_fields_set


def _extra(event: Event) -> dict[str, Any]:
    """The event's unknown properties, read in place (``Event.extras()`` copies them)."""
    return event.__pydantic_extra__ or {}


def _uid_source(event: Event) -> str:
    if event.uid:
        return "uid"
    if event.iCalUId:
        return "iCalUId"
    return "id" if event.id else "content"


def _uid_for(event: Event) -> str:
    """beta ``uid`` is series-wide; v1.0 ``iCalUId`` of the master; else derived from ``id``;
    a request body with neither gets a UID derived from its content, stable across runs."""
    if event.uid or event.iCalUId:
        return str(event.uid or event.iCalUId)
    if event.id:
        return f"{event.id}@graph.microsoft.com"
    digest = hashlib.sha256(event.model_dump_json(exclude_none=True).encode()).hexdigest()[:32]
    return f"{digest}@ics-bridge"


def _override(mapper: _EventMapper, master_start: Any, rtz: str | None) -> None:
    """An exception's RECURRENCE-ID, from the occurrence it replaces (:func:`_original`)."""
    mapper.v.set("recurrence_id", m.RecurrenceId(time_value(_original(mapper, master_start, rtz))))


def _original(mapper: _EventMapper, master_start: Any, rtz: str | None, *, fallback: datetime | None = None) -> Any:
    """``originalStart`` (UTC instant) → the occurrence's start in the master's zone; for all-day
    series, the date at midnight in recurrenceTimeZone (interop-notes case 14), not the UTC date.
    ``fallback``: the item's own start (an ``occurrence`` item is where it always was)."""
    e = mapper.e
    occurrence_id = _extra(e).get("occurrenceId")
    if not e.originalStart and isinstance(occurrence_id, str) and isinstance(master_start, (date, datetime)):
        day = date.fromisoformat(occurrence_id.rsplit(".", 1)[-1])  # beta OID.<masterId>.<yyyy-mm-dd>
        if isinstance(master_start, datetime):
            return _on_day(day, master_start)
        return day
    if not e.originalStart and fallback is None:
        raise InputError(f"{e.type or 'exception'} has no originalStart", uid=mapper.uid, field="originalStart")
    instant = parse_graph_datetime(e.originalStart) if e.originalStart else fallback
    assert instant is not None
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=timezone.utc)
    if isinstance(master_start, datetime):
        rid: Any = instant.astimezone(master_start.tzinfo or timezone.utc)
    else:
        zone_name = rtz or e.originalStartTimeZone
        resolved = _resolve(zone_name) if zone_name else None
        if resolved is None:
            mapper.add(LossKind.TIMEZONE_ASSIGNED, "originalStart",
                       "all-day exception without recurrenceTimeZone; UTC date used")
            rid = instant.astimezone(timezone.utc).date()
        else:
            rid = instant.astimezone(resolved.tz).date()
    return rid


@gc_paused
def events_to_calendar(events: Iterable[Event], report: Report, errors: list[InputError] | None = None) -> m.Calendar:
    """Graph events (any mix of singles, masters, exceptions, occurrences, removals) → the typed
    hub, its events in the order the mapper makes them (``Event.position``).

    An event that cannot be mapped is appended to ``errors`` (raised when ``errors`` is None)
    and the others go on."""
    with clock.fixed(clock.now_utc()):  # one "now" for the whole conversion (DTSTAMP without a timestamp)
        return _events_to_calendar(events, report, errors)


def events_in_order(events: Iterable[Event], report: Report, errors: list[InputError] | None = None,
                    mark: Mark | None = None) -> list[m.Event]:
    """The events of :func:`events_to_calendar` in the order its calendar writes them
    (``model_writer._in_order``), without the calendar: a streamed JSON group (one series)
    mapped as the whole file maps it.  The caller fixes "now" (``clock.fixed``) once for the
    file, not once per group; ``mark``: see :func:`_builders`."""
    return frozen_events(_builders(events, report, errors, mark))


def _events_to_calendar(events: Iterable[Event], report: Report, errors: list[InputError] | None) -> m.Calendar:
    return calendar_of(_builders(events, report, errors), prodid="-//ics-bridge//Microsoft Graph//EN")


def _builders(events: Iterable[Event], report: Report, errors: list[InputError] | None,
              mark: Mark | None = None) -> list[EventBuilder]:
    """The mapped events, in the mapper's order (singles and masters, their exceptions, the
    off-rule first instances); a failing one in ``errors``.  The report follows that order in
    three steps: each single's and master's entries in input order (1), then each exception's
    (2), then each cancelled occurrence's (3); ``mark(step, event)`` is called as each event's
    step begins, so a streamed file mapped one series at a time can put every entry where the
    whole file reports it (``pipeline._JsonGroups``)."""
    note = mark if mark is not None else no_mark
    def keep(mapper: _EventMapper) -> EventBuilder | None:
        try:
            return _checked(mapper)
        except InputError as err:
            if errors is None:
                raise
            errors.append(err)
            return None

    cal: list[EventBuilder] = []
    items = list(events)
    is_master = [e for e in items if e.type == "seriesMaster" or e.exceptionOccurrences]
    by_id = {e.id: e for e in is_master if e.id}
    by_uid = {_uid_for(e): e for e in is_master if e.uid or e.iCalUId}
    master_ids = {id(e) for e in is_master}

    def master_of(e: Event) -> Event | None:
        """By seriesMasterId; an exception written without one (ICS origin, request bodies)
        joins the master with the same UID."""
        if e.seriesMasterId:
            return by_id.get(e.seriesMasterId)
        return by_uid.get(_uid_for(e)) if e.type == "exception" and (e.uid or e.iCalUId) else None

    master_info: dict[int, tuple[Any, str | None, EventBuilder]] = {}
    pending: list[tuple[Event, Event]] = []
    cancelled: list[tuple[Event, Event]] = []
    pending_overrides: list[EventBuilder] = []
    firsts = _firsts_by_master(items, by_uid)
    first_ids = {id(e) for e in firsts.values()}
    for e in items:
        note(1, e)
        if e.removed is not None:
            _removed(cal, e, report)
            continue
        if id(e) in first_ids:
            continue  # folded into its series below (_first_instance)
        master = master_of(e) if e.type in ("occurrence", "exception") else None
        if e.type == "occurrence":
            if master is not None:
                if e.isCancelled:  # that occurrence is gone: an EXDATE of its master
                    cancelled.append((e, master))
                continue  # the master's RRULE already produces it
            report.add(LossKind.MAPPING_CHOICE, "type", "occurrence without its series master converted as a single event",
                       uid=_uid_for(e))
        if e.type == "exception":
            if master is not None:
                pending.append((e, master))
                continue
            if not e.originalStart:  # with it: an override without master (_orphan_override, reported)
                report.add(LossKind.MAPPING_CHOICE, "type", "exception without its series master (not in the input) "
                           "and without originalStart converted as a single event", uid=_uid_for(e))
        mapper = _EventMapper(e, report)
        first = firsts.get(id(e))
        mapper.keep_start = first is not None
        vevent = keep(mapper)
        if vevent is None:
            continue
        if first is not None:
            override = _first_instance(mapper, first, report, errors)
            if override is not None:
                pending_overrides.append(override)
        if e.type == "exception" and e.originalStart:  # without it: a single event, as before
            if not _orphan_override(mapper, errors):
                continue
        cal.append(vevent)
        if id(e) in master_ids:
            rtz = e.recurrence.range.recurrenceTimeZone if e.recurrence else None
            master_info[id(e)] = (mapper.start, rtz, vevent)
        for k, raw in enumerate(e.exceptionOccurrences or []):  # beta: exceptions expanded inline
            try:
                pending.append((Event.model_validate({**raw, "type": "exception", "seriesMasterId": e.id}), e))
            except ValidationError as exc:  # one bad exception costs only itself, as a bad list item does
                err = input_error(exc, mapper.uid)
                err = InputError(err.message, uid=err.uid, field=f"exceptionOccurrences.{k}.{err.field}")
                if errors is None:
                    raise err from None
                errors.append(err)
    for e, master in pending:
        if id(master) not in master_info:
            continue  # the master itself failed and was reported
        note(2, e)
        start, rtz, _ = master_info[id(master)]
        mapper = _EventMapper(e, report, master=master)
        vevent = keep(mapper)
        if vevent is None:
            continue
        try:
            _override(mapper, start, rtz)
        except InputError as err:
            if errors is None:
                raise
            errors.append(err)
            continue
        if e.iCalUId and master.iCalUId and e.iCalUId != master.iCalUId:
            report.add(LossKind.MAPPING_CHOICE, "iCalUId", "exception's own iCalUId ignored; the master's UID groups the series",
                       uid=mapper.uid, before=e.iCalUId)
        cal.append(vevent)
    for e, master in cancelled:
        if id(master) in master_info:
            note(3, e)
            _cancel_occurrence(e, master, master_info[id(master)], report, errors)
    cal.extend(pending_overrides)
    return cal


def _cancel_occurrence(e: Event, master: Event, info: tuple[Any, str | None, EventBuilder], report: Report,
                       errors: list[InputError] | None) -> None:
    """An ``occurrence`` item with ``isCancelled`` beside its master: that occurrence is not
    shown, which in iCalendar is an EXDATE of the master (RFC 5545 3.8.5.1), in Google an EXDATE
    line; dropping the item (as a live occurrence adds nothing) would bring it back."""
    start, rtz, master_vevent = info
    mapper = _EventMapper(e, report, master=master)
    try:
        value = _original(mapper, start, rtz, fallback=mapper.instant("start"))
    except (InputError, ValueError) as err:
        if not isinstance(err, InputError):
            err = InputError(str(err), uid=mapper.uid, field="originalStart")
        if errors is None:
            raise
        errors.append(err)
        return
    master_vevent.exdate([value])
    report.add(LossKind.EVENT_REMOVED, "isCancelled", "cancelled occurrence written as an EXDATE of its series",
               uid=mapper.uid, recurrence_id=value.isoformat())


def _firsts_by_master(items: list[Event], by_uid: dict[str, Event]) -> dict[int, Event]:
    """The single event holding each series' off-rule first instance, by ``id()`` of its master:
    the last master with the linked UID, or (a request body carries no UID) the master whose
    ``transactionId`` ics-bridge derived from that UID (``from_ical.transaction_id``)."""
    from .from_ical import transaction_id

    by_transaction = {e.transactionId: e for e in items if e.transactionId and e.recurrence is not None}
    found: dict[int, Event] = {}
    for e in items:
        uid = _first_of(e)
        if uid is None:
            continue
        master = by_uid.get(uid) or by_transaction.get(transaction_id(uid, None))
        if master is not None:
            found[id(master)] = e
    return found


_PROPERTY_IDS: tuple[str, str] | None = None


def _property_ids() -> tuple[str, str]:
    """``from_ical``'s (FIRST_OF_PROPERTY, ICAL_LINES_PROPERTY), imported on first use (as the
    ``import`` in the functions was; an import statement per event cost more than the lookup)."""
    global _PROPERTY_IDS
    if _PROPERTY_IDS is None:
        from .from_ical import FIRST_OF_PROPERTY, ICAL_LINES_PROPERTY

        _PROPERTY_IDS = (FIRST_OF_PROPERTY, ICAL_LINES_PROPERTY)
    return _PROPERTY_IDS


def _first_of(e: Event) -> str | None:
    """The series UID a single event holds the off-rule first instance of (written by
    ``from_ical._off_rule_start``), else None."""
    first_of_id = _property_ids()[0]
    properties = _extra(e).get("singleValueExtendedProperties")
    if type(properties) is not list:  # not Graph's array (an unknown property: stashed as sent)
        return None
    for prop in properties:
        if isinstance(prop, dict) and prop.get("id") == first_of_id and isinstance(prop.get("value"), str):
            return prop["value"]
    return None


class _RawExtras:
    """A raw event object seen as a model's extras (:func:`_first_of` on the JSON itself)."""

    __slots__ = ("__pydantic_extra__",)

    def __init__(self, raw: dict[str, Any]) -> None:
        self.__pydantic_extra__ = raw


def joins_nothing(raw: dict[str, Any]) -> bool:
    """Whether a Graph event object, read or refused by :func:`reader.parse_event`, is a single
    that no item joins and that joins no series (a streamed file's pass 1, which then need not
    read it): ``type`` ``singleInstance`` (or none) as sent, no ``exceptionOccurrences``, no
    PascalCase name the legacy shape would rename (``legacy.is_legacy``), and no off-rule
    first instance among its ``singleValueExtendedProperties`` (kept as sent, an extra:
    :func:`_first_of`).  False: read it to know."""
    from .legacy import is_legacy
    return (raw.get("type", None) in (None, "singleInstance") and not raw.get("exceptionOccurrences")
            and not is_legacy(raw) and _first_of(_RawExtras(raw)) is None)  # type: ignore[arg-type]


def _first_instance(mapper: _EventMapper, single: Event, report: Report,
                    errors: list[InputError] | None) -> EventBuilder | None:
    """The single event that holds a series' off-rule DTSTART instance (issue 17) folded back
    into its series: the master keeps its DTSTART (not moved to the first match), so the
    instance is the series' own again.  A single changed in Outlook (other time or subject)
    becomes the override of that instance; returned for the caller to add."""
    e = mapper.e
    uid = mapper.uid
    unchanged = (single.start == e.start and single.end == e.end and single.subject == e.subject
                 and single.isCancelled == e.isCancelled)
    if unchanged:
        report.add(LossKind.MAPPING_CHOICE, "start", "the single event holding the series' first instance "
                   "(DTSTART off the rule) folded back into its series", uid=uid)
        return None
    scratch = _EventMapper(single, report, master=e)
    try:
        override = _checked(scratch)
    except InputError as err:
        if errors is None:
            raise
        errors.append(err)
        return None
    override.set("recurrence_id", m.RecurrenceId(time_value(mapper.start)))
    report.add(LossKind.MAPPING_CHOICE, "start", "the single event holding the series' first instance "
               "(DTSTART off the rule) was changed: written as the override of that instance", uid=uid)
    return override


def _orphan_override(mapper: _EventMapper, errors: list[InputError] | None) -> bool:
    """An exception whose master is not in the input (an Outlook share of one changed
    instance; our own resource output of an .ics override without master) stays an override:
    RECURRENCE-ID from ``originalStart``, in the exception's own zone.  Written as a plain
    event, two of them made two masters with one UID, which readers reject (RFC 5545 3.8.4.7
    wants one master per UID; ical.js keeps one, ``ical`` refuses the file) — issue 17.  The
    same shape as Google instances without their master and .ics overrides without master."""
    try:
        _override(mapper, mapper.start, None)
    except InputError as err:
        if errors is None:
            raise
        errors.append(err)
        return False
    mapper.add(LossKind.MAPPING_CHOICE, "seriesMasterId", "exception without its series master in the input; "
               "written as an override only (RECURRENCE-ID from originalStart)")
    return True


def _checked(mapper: _EventMapper) -> EventBuilder:
    try:
        return mapper.build()
    except InputError as err:
        if err.uid:
            raise
        raise InputError(err.message, file=err.file, uid=mapper.uid, field=err.field) from None
    except (ValueError, TypeError, OverflowError) as exc:
        raise InputError(str(exc), uid=mapper.uid) from exc


def _removed(cal: list[EventBuilder], e: Event, report: Report) -> None:
    """Delta ``@removed`` → a cancellation (RFC 5546 style STATUS:CANCELLED), reported."""
    v = EventBuilder()
    uid = _uid_for(e)
    v.set("uid", uid)
    if e.id:
        v.text(hub.X_GRAPH_ID, e.id)
    v.set("status", "CANCELLED")
    v.time("stamp", clock.now_utc())
    reason = (e.removed or {}).get("reason", "deleted")
    v.text(hub.X_REMOVED, str(reason))
    report.add(LossKind.EVENT_REMOVED, "@removed",
               f"delta entry removed ({reason}): kept as a removal for Graph output; .ics and Google output "
               "cannot hold an event without a start and leave it out", uid=uid)
    cal.append(v)
