"""Hub series (the typed model, ``ics_bridge.model``) → Graph event JSON, in two profiles.

* ``resource``: the shape GET returns (ids, timestamps, webLink, beta ``cancelledOccurrences``),
  for archives and round trips;
* ``request``: only writable properties, ready to POST to ``/me/events``, with a
  ``transactionId`` derived stably from UID + RECURRENCE-ID so a re-run import does not create
  duplicates (interop-notes section 4.5; DavMail #522 collided by using the bare UID).

Overrides become ``type: exception`` items with ``seriesMasterId`` and ``originalStart``; EXDATEs
become ``cancelledOccurrences`` (resource) or are reported (request: v1.0 cannot create them).

The mapper reads the model's typed fields (issue 12): times as :class:`model.ZonedDateTime`
(``m.plain`` for arithmetic), people as :class:`model.Address`, rules as :class:`model.Recur`;
X- properties it knows from ``Event.other``.  Nothing is re-parsed from text.
"""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import Any, Iterable, Literal

from dateutil.rrule import rrulestr

from ...gcpause import gc_paused
from ...memo import remember
from ... import hub
from ... import model as m
from ...io.lines import escape_text, unescape_text
from ...io.model_writer import event_lines, rule_value
from ...occurrences import Occurrences
from ...recurrence import expand_graph_dates, rrule_to_graph
from ...report import LossKind, Report
from ...series import exdates, recurrence_id_text
from ...text import (add_join_html, add_join_line, keep_line_breaks, looks_like_html, sanitize_html,
                    strip_join_line)
from ...thisandfuture import split_series
from ...timezones import iana_to_windows, resolve_name, tzid_of
from ...vevent import (AlarmReading, alarm_reading, all_day_recurrence_id, folded_line, get_description, get_stash,
                       is_plain_alternative, properties_and_blocks, report_duplicate_uids)
from . import people, tables
from .kept_lines import own_params, plain_kept_lines

Profile = Literal["resource", "request"]
# An attendee without a proposed time in the resource profile: its entry written in one dict
# display (False: the general steps, which tests/test_mapout3_fastpath.py holds it to).
_ENTRY_AT_ONCE = True
_TRANSACTION_NS = uuid.UUID("6f0c3a52-8f3e-4f7e-9d8e-1c2b3a4d5e6f")


@dataclass(frozen=True)
class GraphWriteOptions:
    """``zone_names``: ``windows`` (what Graph returns) or ``iana`` (Graph accepts both).
    ``default_zone``: the zone given to floating (no TZID) times."""

    profile: Profile = "resource"
    zone_names: Literal["windows", "iana"] = "windows"
    default_zone: str = "UTC"


def transaction_id(uid: str, recurrence_id: str | None) -> str:
    """Stable per (UID, RECURRENCE-ID): the same VEVENT always gets the same id."""
    return str(uuid.uuid5(_TRANSACTION_NS, f"{uid}\x00{recurrence_id or ''}"))


def _x(event: m.Event, name: str) -> str | None:
    """The value of X- property ``name`` as kept (still TEXT-escaped, as icalendar gives an
    unknown property), the first when it repeats."""
    for line in event.other:
        if line.name == name:
            return line.value
    return None


def _first_values(lines: tuple[m.Line, ...]) -> dict[str, str]:
    """Each property name's first value (what :func:`_x` answers for each)."""
    found: dict[str, str] = {}
    for line in lines:
        found.setdefault(line.name, line.value)
    return found


_NO_X: dict[str, str] = {}  # an event without X- lines: shared, never written to


# Kept properties whose value is one TEXT (RFC 5545 3.3.11): the stash has always held them as
# icalendar writes them, escaped, whatever the file's spelling.  Not REQUEST-STATUS (3.8.8.3:
# ``statcode ";" statdesc [";" extdata]``) nor RESOURCES (3.8.1.10: a comma list of TEXT), which
# icalendar types TEXT too: escaping their separators made ``2.0;Success`` a code without a
# description and ``EASEL,VCR`` one resource; they are kept as read (as ``io/ics.TextAsRead``).
_TEXT_KEPT = frozenset({"CONTACT", "RELATED-TO", "TZNAME"})


def _as_icalendar_writes(line: m.Line) -> m.Line:
    if line.name not in _TEXT_KEPT:
        return line
    value = escape_text(unescape_text(line.value))
    if value == line.value:
        return line
    return line._replace(value=value, text=line.text[:len(line.text) - len(line.value)] + value)


class _Writer:
    def __init__(self, v: m.Event, report: Report, options: GraphWriteOptions) -> None:
        self.v = v
        self.report = report
        self.options = options
        self.uid = v.uid or ""
        self.rid_text = recurrence_id_text(v)
        # X- properties by name, the first of a repeated one (``_x``), read once per event
        self.xs: dict[str, str] = _first_values(v.other) if v.other else _NO_X
        self.stash = get_stash(v, hub.X_GRAPH_STASH) if hub.X_GRAPH_STASH in self.xs else {}
        if not self.stash and hub.X_GRAPH_STASH in self.xs:
            self.add(LossKind.INVALID_VALUE, hub.X_GRAPH_STASH, "unreadable kept provider values (not a JSON object); "
                     "provider-only fields not restored")
        self.out: dict[str, Any] = {}
        self.unmapped: set[str] = set()  # mapped names that could not be carried this time
        # positions in ``v.alarms`` of the alarms Graph's one reminder does not carry: by position,
        # since equal alarms (two ``TRIGGER:-PT15M``) are one kept and one dropped
        self.dropped_alarms: list[int] = []
        self.off_rule_start = False  # DTSTART is not an occurrence of the RRULE (recurrence())

    def add(self, kind: LossKind, field: str, reason: str, **kw: Any) -> None:
        self.report.add(kind, field, reason, uid=self.uid, recurrence_id=self.rid_text, **kw)

    # -- time -------------------------------------------------------------------------------
    def zone_name(self, tz: tzinfo | None, name: str | None, field: str, at: datetime | None = None) -> str:
        """Graph's ``timeZone`` for a value in ``tz``, whose IANA name is ``name`` (None: floating,
        given the default zone)."""
        if tz is not None and at is not None and self.options.zone_names == "windows":
            windows = _SAME_WINDOWS.get(name)  # type: ignore[arg-type]
            if windows is not None:  # a zone its Windows name reads back as: the answer below, nothing reported
                return windows  # (each series' recurrenceTimeZone: 1,906 on bench/)
        if name is None:
            name = self.options.default_zone
            self.add(LossKind.TIMEZONE_ASSIGNED, field, f"floating time given the zone {name}", after=name)
        if name == "UTC":
            return "UTC"
        if self.options.zone_names == "iana":
            return name
        windows = iana_to_windows(name)
        if windows is None:
            self.add(LossKind.TIMEZONE_GUESSED, field, f"no Windows name for {name}; IANA name written", after=name)
            return name
        if tz is not None and at is not None and not _same_clock(tz, name, windows, at, self.span_days()):
            # A Windows zone holds one rule set: read back it is CLDR's zone (Argentina Standard
            # Time → America/Buenos_Aires), whose history can differ from this zone's at this
            # date (America/Argentina/Catamarca in 2001; found by tests/test_property_roundtrip.py).
            # Graph accepts IANA names: the exact one is written.
            self.add(LossKind.MAPPING_CHOICE, field, f"{windows} keeps other offsets than {name} at this date; "
                     "IANA name written", before=windows, after=name)
            return name
        if tz is not None and at is not None and _SAME_ZONE.get((name, windows)):
            _SAME_WINDOWS[name] = windows
        return windows

    def span_days(self) -> int:
        """How far ahead a zone must agree: a series expands over years, an event is one day."""
        return 366 * 6 if self.v.rrules and self.v.recurrence_id is None else 2

    def dtz(self, value: datetime, zone: m.Zone, field: str) -> dict[str, str]:
        """A date-time (aware in ``zone``, naive when floating) → Graph ``dateTimeTimeZone``."""
        if zone.kind == "iana" and value.tzinfo is not None and self.options.zone_names == "windows":
            windows = _SAME_WINDOWS.get(zone.iana)  # type: ignore[arg-type]
            if windows is not None:  # what zone_name answers for it, at any date, reporting nothing
                return {"dateTime": _local_text(value), "timeZone": windows}
        name = _iana_name(zone, value.tzinfo)
        if value.tzinfo is not None and name is None:
            self.add(LossKind.TIMEZONE_UNKNOWN, field, "zone with no IANA name; written in UTC")
            value, name = value.astimezone(timezone.utc), "UTC"
        name = self.zone_name(value.tzinfo, name, field, at=value)
        return {"dateTime": _local_text(value), "timeZone": name}

    def times(self) -> None:
        v, out = self.v, self.out
        start = m.plain(v.start)
        end = m.plain(v.end)
        if start is None:
            return
        # a computed end (DURATION, a DATE end, none) is in the start's zone
        end_zone = v.end.zone if isinstance(v.end, m.ZonedDateTime) else None
        if end is None and v.duration is not None:
            end = start + v.duration
        all_day = not isinstance(start, datetime)
        if all_day:
            if end is None or (isinstance(end, date) and not isinstance(end, datetime) and end <= start):
                if end is not None:
                    self.add(LossKind.QUIRK_REPAIRED, "DTEND", "all-day DTEND not after DTSTART; one day used",
                             before=end, after=start + timedelta(days=1))
                end = start + timedelta(days=1)
            if isinstance(end, datetime):
                end = end.date()
            out["isAllDay"] = True
            zone = self.all_day_zone()
            out["start"] = {"dateTime": f"{start.isoformat()}T00:00:00.0000000", "timeZone": zone}
            out["end"] = {"dateTime": f"{end.isoformat()}T00:00:00.0000000", "timeZone": zone}
            return
        if end is None:
            end = start
        elif isinstance(end, date) and not isinstance(end, datetime):
            end = datetime.combine(end, start.timetz())
        out["isAllDay"] = False
        assert isinstance(v.start, m.ZonedDateTime)
        out["start"] = self.dtz(start, v.start.zone, "DTSTART")
        out["end"] = self.dtz(end, end_zone or v.start.zone, "DTEND")
        if self.options.profile == "resource":  # the event's home zones, as Graph returns them
            out["originalStartTimeZone"] = out["start"]["timeZone"]
            out["originalEndTimeZone"] = out["end"]["timeZone"]

    def all_day_zone(self) -> str:
        """Graph all-day events are midnight-to-midnight in a zone; UTC unless the stash or the
        series says otherwise (python-o365 #845)."""
        return str(self.stash.get("@allDayZone", "UTC"))

    # -- the mapping ------------------------------------------------------------------------
    def build(self, master_id: str | None = None, *, all_day_series: bool = False,
              series_zone: str | None = None) -> dict[str, Any]:
        v, out, request = self.v, self.out, self.options.profile == "request"
        rid = all_day_recurrence_id(m.plain(v.recurrence_id.value) if v.recurrence_id else None,
                                    all_day_series, self.add)
        if not request:
            graph_id, change_key = self.xs.get(hub.X_GRAPH_ID), self.xs.get(hub.X_GRAPH_CHANGEKEY)
            if graph_id:
                out["id"] = graph_id
            if change_key:
                out["changeKey"] = change_key
            if self.uid:
                out["iCalUId"] = self.uid
        if not self.uid:
            self.add(LossKind.INVALID_VALUE, "UID", "VEVENT without UID; Graph gives the event an iCalUId of its own")
        if v.summary is not None:
            out["subject"] = v.summary
        self.body()
        self.times()
        if rid is None and v.rrules:
            self.recurrence()
        if v.rdates:
            self.add(LossKind.RECURRENCE_UNSUPPORTED, "RDATE", "Graph has no extra dates in a series")
            self.unmapped.add("RDATE")
        if v.exrules:
            self.add(LossKind.RECURRENCE_UNSUPPORTED, "EXRULE", "Graph has no exclusion rules")
            self.unmapped.add("EXRULE")
        self.location()
        self.people()
        self.alarms()
        self.availability()
        self.classification()
        url = v.url
        if not request:
            self.timestamps()
            if url:
                out["webLink"] = url
        elif url:  # webLink is read-only (Graph event resource): Outlook sets its own link
            self.add(LossKind.UNSUPPORTED_FIELD, "URL",
                     "webLink is read-only; a request body has no field for the event's URL "
                     "(kept in an extended property for the way back)", before=url)
            self.unmapped.add("URL")
        self.online_meeting()
        disallow = self.xs.get(hub.X_DISALLOW_COUNTER)
        if (disallow or "").upper() == "TRUE":
            out["allowNewTimeProposals"] = False
        elif disallow is not None:
            out["allowNewTimeProposals"] = True
        self.restore_stash(request)
        self.keep_unmapped()
        if rid is not None:
            out["type"] = "exception"
            if master_id:
                out["seriesMasterId"] = master_id
            if isinstance(rid, datetime):
                out["originalStart"] = _utc_text(rid)
            else:
                # An all-day occurrence is named by midnight of its date in the series'
                # recurrenceTimeZone (interop-notes case 14), the zone the reader takes its date in:
                # UTC midnight read in a zone west of UTC was the day before (found by
                # tests/test_property_roundtrip.py).
                zone_name = series_zone or out.get("start", {}).get("timeZone") or "UTC"
                resolved = resolve_name(zone_name)
                midnight = datetime.combine(rid, time())
                out["originalStart"] = _utc_text(midnight.replace(tzinfo=resolved.tz if resolved else timezone.utc))
                out["originalStartTimeZone"] = zone_name
        elif v.rrules and "recurrence" in out:
            out["type"] = "seriesMaster"
        elif not request:
            out["type"] = self.stash.get("type") if self.stash.get("type") in ("occurrence", "exception") else "singleInstance"
        if request:
            out["transactionId"] = transaction_id(self.uid, self.rid_text)
            for key in ("type",):
                out.pop(key, None)
        return out

    def join_urls(self) -> list[str]:
        """The event's join links, the one Graph's ``onlineMeeting`` would hold first."""
        video = [c.uri for c in self.v.conferences if not c.uri.lower().startswith("tel:")]
        teams = self.xs.get(hub.X_TEAMS_URL)
        return [teams] + [u for u in video if u != teams] if teams else video

    def body(self) -> None:
        text, html = get_description(self.v)
        plain = is_plain_alternative(text, html)  # a text body, kept readable for HTML targets
        if plain:
            html = None
        urls = [c.uri for c in self.v.conferences]
        # A create request cannot carry a join link (onlineMeeting is read-only): the links stay
        # readable in the body, as the join lines clients that ignore CONFERENCE show.
        keep: list[str] = []
        if self.options.profile == "request":
            google = self.xs.get(hub.X_GOOGLE_CONFERENCE)  # Google's export: the Meet link
            keep = self.join_urls() + ([google] if google and google not in self.join_urls() else [])
        if text is not None and not keep and urls:  # without a conference there is no join line to strip
            text = strip_join_line(text, urls[0])[0]
        if html is None and not plain and text and looks_like_html(text):
            # HTML in a plain DESCRIPTION (Google's export writes it so): an HTML body, as the
            # Google writer and the validator read it; a text body would show the tags.
            html = keep_line_breaks(text)
            self.add(LossKind.MAPPING_CHOICE, "DESCRIPTION", "plain DESCRIPTION with HTML markup written as an "
                     "HTML body (as Google's own export means it)")
        for url in keep:
            text = add_join_line(text, url)
            html = add_join_html(html, url) if html is not None else None
        if html is not None:
            clean, changed = sanitize_html(html)  # a Calendar given directly skipped the reader's check
            if changed:  # else the document goes as it came, byte for byte (as set_description keeps it)
                html = clean
                self.add(LossKind.HTML_SANITIZED, "X-ALT-DESC", "scripts, event handlers or unsafe links removed")
            self.out["body"] = {"contentType": "html", "content": html}
        elif text:
            self.out["body"] = {"contentType": "text", "content": text}

    def recurrence(self) -> None:
        v = self.v
        rules = v.rrules
        if len(rules) > 1:
            self.add(LossKind.RECURRENCE_UNSUPPORTED, "RRULE", "several RRULEs have no Graph equivalent; recurrence dropped")
            self.unmapped.add("RRULE")
            return
        start = m.plain(v.start)
        assert start is not None
        series_tz = start.tzinfo if isinstance(start, datetime) else None
        rule = rules[0]
        result = rrule_to_graph(rule, start, series_tz)
        for note in result.notes:
            self.add(LossKind.MAPPING_CHOICE, "RRULE", note)
        for loss in result.losses:
            self.add(LossKind.RECURRENCE_UNSUPPORTED, "RRULE", loss, before=rule_value(rule))
        if result.recurrence is None:
            self.add(LossKind.RECURRENCE_UNSUPPORTED, "RRULE", "; ".join(result.problems) + "; recurrence dropped",
                     before=rule_value(rule))
            self.unmapped.add("RRULE")
            return
        rng = dict(result.recurrence.range)
        local = start.date() if isinstance(start, datetime) else start
        first = next(iter(expand_graph_dates(result.recurrence.pattern, rng, local, local + timedelta(days=1), limit=1)), None)
        if first != local:
            # RFC 5545 3.8.5.3 readers count DTSTART as an instance; Graph starts at the first
            # match: that instance becomes an event of its own (_off_rule_start).
            self.off_rule_start = True
        rng["startDate"] = local.isoformat()
        rng["recurrenceTimeZone"] = (self.zone_name(series_tz, _iana_name(v.start.zone, series_tz), "RRULE", at=start)
                                     if isinstance(v.start, m.ZonedDateTime) and series_tz else
                                     str(self.stash.get("@recurrenceTimeZone", self.all_day_zone())))
        if rng["type"] != "endDate":
            rng.setdefault("endDate", "0001-01-01")
        if rng["type"] != "numbered":
            rng.setdefault("numberOfOccurrences", 0)
        pattern = dict(result.recurrence.pattern)
        if self.options.profile == "resource":  # Graph returns every pattern property
            for key, default in _PATTERN_DEFAULTS.items():
                pattern.setdefault(key, default)
        self.out["recurrence"] = {"pattern": pattern, "range": rng}

    def location(self) -> None:
        text = self.v.location
        stashed = self.stash.get("location")
        shown = self.stash.get("@locationText", stashed.get("displayName") if isinstance(stashed, dict) else None)
        if isinstance(stashed, dict) and (shown or None) == text:
            self.out["location"] = stashed
            if "locations" in self.stash:
                self.out["locations"] = self.stash["locations"]
            return
        if text is None:
            return
        location: dict[str, Any] = {"displayName": text}
        geo = self.v.geo
        if geo is not None:
            location["coordinates"] = {"latitude": geo.latitude, "longitude": geo.longitude}
        self.out["location"] = location

    def people(self) -> None:
        v = self.v
        if v.organizer is not None:
            org = people.organizer(v.organizer)
            self.replay(org.losses)
            if org.address:  # neither name nor address: nothing to write
                self.out["organizer"] = {"emailAddress": dict(org.address)}
        out: list[dict[str, Any]] = []
        rsvp: set[str] = set()
        resource = self.options.profile == "resource"
        proposals = self.stash.get("@proposedNewTime") if v.attendees else None  # None: none kept
        attendee, append = people.attendee, out.append
        same = people.by_identity(resource)
        for att in v.attendees:
            hit = same.get(id(att))  # ``attendee``'s memo hit written out: 3.5 attendees an event
            found = hit[1] if hit is not None and hit[0] is att else attendee(att, resource)
            if found.losses:
                self.replay(found.losses)
            if found.rsvp is not None:
                rsvp.add(found.rsvp)
            if found.entry is None:
                continue
            if proposals is None and resource and _ENTRY_AT_ONCE:  # most attendees: the entry at once
                # fresh dicts per event: a caller may edit one
                append({"type": found.kind, "emailAddress": found.address.copy(), "status": found.status.copy()})
                continue
            address = found.address.copy()
            entry: dict[str, Any] = {"type": found.kind, "emailAddress": address}
            if proposals is not None:
                proposal = proposals.get(address.get("address", ""))
                if proposal and resource:
                    entry["proposedNewTime"] = proposal
            if resource:
                entry["status"] = found.status.copy()
            append(entry)
        if out:
            self.out["attendees"] = out
        if rsvp:
            self.out["responseRequested"] = "FALSE" not in rsvp
            if len(rsvp) > 1:
                self.add(LossKind.VALUE_COLLAPSED, "ATTENDEE;RSVP", "Graph has one responseRequested per event")

    def replay(self, losses: Iterable[people.Loss]) -> None:
        """Report what mapping a (memoised) address cost, for this event."""
        for kind, field, reason, kw in losses:
            self.add(kind, field, reason, **kw)

    def alarms(self) -> None:
        """Graph keeps one reminder, a pop-up: the earliest valid before-start DISPLAY/AUDIO
        alarm (EMAIL alarms only when there is no pop-up), the rest reported (case 42)."""
        v = self.v
        alarms = v.alarms
        if not alarms:
            self.no_reminder()
            return
        readings: list[AlarmReading] = [alarm_reading(a, v) for a in alarms]
        # by position: equal alarms share one (memoised) reading
        valid = [i for i, r in enumerate(readings) if r.minutes_before is not None]
        for i, r in enumerate(readings):
            if r.problem:
                self.add(LossKind.ALARM_DROPPED, "VALARM", r.problem)
                self.dropped_alarms.append(i)
        if not valid:
            self.no_reminder()
            return
        popups = [i for i in valid if readings[i].action != "EMAIL"] or valid
        kept = max(popups, key=lambda i: readings[i].minutes_before or 0)
        best = readings[kept]
        if best.converted:
            self.add(LossKind.ALARM_CONVERTED, "VALARM;TRIGGER", best.converted, after=best.minutes_before)
        if best.action != "DISPLAY":
            # Graph's one reminder is a pop-up; read back it is a DISPLAY alarm.
            self.add(LossKind.VALUE_COLLAPSED, "VALARM;ACTION", f"Graph's reminder is a pop-up; the {best.action} "
                     "alarm is written as one", before=best.action, after="DISPLAY")
        for i, r in enumerate(readings):
            if r.minutes_before is not None and i != kept:
                self.add(LossKind.ALARM_DROPPED, "VALARM", f"Graph keeps one reminder; {r.action} "
                         f"{r.minutes_before} min before is not shown (kept in an extended property for "
                         "the way back)", before=r.minutes_before)
                self.dropped_alarms.append(i)
        self.out["isReminderOn"] = True
        self.out["reminderMinutesBeforeStart"] = best.minutes_before

    def no_reminder(self) -> None:
        """No reminder (Graph's own minutes, when the stash kept them, come back as they were)."""
        self.out["isReminderOn"] = False
        if "reminderMinutesBeforeStart" in self.stash:
            self.out["reminderMinutesBeforeStart"] = self.stash["reminderMinutesBeforeStart"]

    def availability(self) -> None:
        v = self.v
        busy = (self.xs.get(hub.X_BUSYSTATUS) or "").upper()
        transp = (v.transparency if v.transparency is not None else "OPAQUE").upper()
        if busy in tables.BUSYSTATUS_TO_SHOW_AS:
            self.out["showAs"] = tables.BUSYSTATUS_TO_SHOW_AS[busy]
        else:
            self.out["showAs"] = tables.TRANSP_TO_SHOW_AS.get(transp, "busy")

    def classification(self) -> None:
        v, out = self.v, self.out
        cdo = self.xs.get(hub.X_IMPORTANCE)
        if cdo in tables.CDO_TO_IMPORTANCE:
            out["importance"] = tables.CDO_TO_IMPORTANCE[cdo]
        elif v.priority is not None:
            importance = tables.priority_to_importance(v.priority)
            if importance:
                out["importance"] = importance
        cls = v.classification
        if cls is not None:
            cls = cls.upper()
            if cls == "PRIVATE" and (self.xs.get(hub.X_SENSITIVITY) or "").upper() == "PERSONAL":
                out["sensitivity"] = "personal"
            elif cls in tables.CLASS_TO_SENSITIVITY:
                out["sensitivity"] = tables.CLASS_TO_SENSITIVITY[cls]
            else:
                self.add(LossKind.VALUE_COLLAPSED, "CLASS", f"CLASS={cls} has no Graph sensitivity; private used",
                         before=cls, after="private")
                out["sensitivity"] = "private"
        if v.categories:  # most events have none: no list built
            cats = list(v.all_categories)
            if cats:
                out["categories"] = cats
        status = (v.status or "").upper()
        if self.options.profile == "request":
            if status == "CANCELLED":  # isCancelled is read-only: Graph would create the event as not cancelled
                self.add(LossKind.UNSUPPORTED_FIELD, "STATUS", "Graph cannot create a cancelled event (isCancelled is "
                         "read-only); cancel or delete it after import", before=status)
        elif status == "CANCELLED":
            out["isCancelled"] = True
        else:
            out["isCancelled"] = False
        if status == "TENTATIVE":
            self.add(LossKind.UNSUPPORTED_FIELD, "STATUS",
                     "Graph has no tentative event status (kept in an extended property for the way back)", before=status)
            self.unmapped.add("STATUS")

    def timestamps(self) -> None:
        for value, name in ((self.v.created, "createdDateTime"), (self.v.last_modified, "lastModifiedDateTime")):
            if isinstance(value, m.ZonedDateTime):  # a DATE has no instant to give
                self.out[name] = _utc_text(value.dt)

    def online_meeting(self) -> None:
        """CONFERENCE / X-MICROSOFT-SKYPETEAMSMEETINGURL → onlineMeeting.joinUrl (read-only in
        Graph: a request cannot carry a join link, only ask for a new meeting)."""
        teams = self.xs.get(hub.X_TEAMS_URL)
        video = self.join_urls()
        url = video[0] if video else None
        if "isOnlineMeeting" in self.stash:
            self.out["isOnlineMeeting"] = self.stash["isOnlineMeeting"]
            if "onlineMeetingProvider" in self.stash:
                self.out["onlineMeetingProvider"] = self.stash["onlineMeetingProvider"]
        elif teams:
            self.out.update(isOnlineMeeting=True, onlineMeetingProvider="teamsForBusiness")
        if url and self.options.profile == "resource":
            stashed = self.stash.get("onlineMeeting")
            self.out["onlineMeeting"] = stashed if isinstance(stashed, dict) and stashed.get("joinUrl") == url else {"joinUrl": url}
            self.out.setdefault("isOnlineMeeting", True)
        elif url:
            self.add(LossKind.UNSUPPORTED_FIELD, "CONFERENCE", "a create request cannot carry a join link "
                     "(onlineMeeting is read-only); kept as a line of the body", before=url)
        for extra in video[1:]:
            self.add(LossKind.UNSUPPORTED_FIELD, "CONFERENCE", "Graph holds one join link"
                     + ("; kept as a line of the body" if self.options.profile == "request" else ""), before=extra)

    def keep_unmapped(self) -> None:
        """iCalendar content with no Graph property travels as raw lines in one named extended
        property (io-msgraph's pattern), so ICS→Graph→ICS restores it; each is still reported,
        since Outlook does not show it.  The lines are the hub writer's (``event_lines``) of an
        event holding only what is kept, grouped by property name in the order the event's
        properties came (``Event.order``; else in order of first appearance), each folded as a content line is (RFC 5545 3.1); then the dropped alarms and the
        components Graph has no place for."""
        if _kept_few(self):  # most events: SEQUENCE (and STATUS:TENTATIVE) only
            return
        v = self.v
        carried, fields = _kept_fields(frozenset(self.unmapped)) if self.unmapped else _KEPT_ALWAYS
        typed = {field: value for field in fields if (value := getattr(v, field)) not in (None, ())}
        other = tuple(_as_icalendar_writes(line) for line in v.other
                      if line.name not in carried and not line.name.startswith("X-ICSBRIDGE-GRAPH")) if v.other else ()
        alarms = tuple(v.alarms[i] for i in sorted(self.dropped_alarms))  # in the event's order
        if not (other or v.components or alarms or typed):
            return
        pairs = None if alarms or v.components else plain_kept_lines(typed, other, v.params)
        blocks: list[list[str]] = []
        if pairs is None:  # the reference: the hub writer's lines of an event holding only what is kept
            written = event_lines(m.Event(params=v.params, other=other, alarms=alarms, components=v.components,
                                          **typed))[0][1:-1]  # without the VEVENT's BEGIN and END
            pairs = properties_and_blocks(written, blocks)
        lines, names = _grouped(pairs, v.order)
        for name in names:
            self.report_kept(name)
        # the writer writes the alarms first, then the other components
        for kind, block in zip(["VALARM"] * len(alarms) + [c.name for c in v.components], blocks):
            lines.append("\r\n".join(block))
            if kind != "VALARM":
                self.add(LossKind.UNSUPPORTED_FIELD, kind, "no Graph equivalent (kept in an extended property)")
        if lines:
            svep = self.out.setdefault("singleValueExtendedProperties", [])
            svep.append({"id": ICAL_LINES_PROPERTY, "value": "\r\n".join(lines)})

    def keep_lines(self, value: str, names: tuple[str, ...]) -> None:
        """The kept lines ``value`` (properties ``names``, upper-cased, in order) written to the
        extended property and reported."""
        for name in names:
            self.report_kept(name)
        self.out.setdefault("singleValueExtendedProperties", []).append({"id": ICAL_LINES_PROPERTY, "value": value})

    def report_kept(self, name: str) -> None:
        """Report kept property ``name`` (upper-cased): bookkeeping and X- properties as stashed,
        the rest as a loss unless already reported as not carried."""
        if (name.startswith("X-") and not self.shown_elsewhere(name)) or name in _BOOKKEEPING:
            self.add(LossKind.STASHED, name, "no Graph property; kept in an extended property for the way back")
        elif name not in self.unmapped:
            self.add(LossKind.UNSUPPORTED_FIELD, name, "no Graph property (kept in an extended property for the way back)")

    def shown_elsewhere(self, name: str) -> bool:
        """An X- property other programs show (Google's Meet link) and Outlook does not: a loss,
        unless the join link written is the same."""
        join = (self.out.get("onlineMeeting") or {}).get("joinUrl")
        return name in _SHOWN_X and any(line.value.strip() != join for line in self.v.other_lines(name))

    def restore_stash(self, request: bool) -> None:
        """Graph-only values from the stash; a request carries only the writable ones."""
        for key, value in self.stash.items():
            if key in _MAPPED_ELSEWHERE or key.startswith("@") or (request and key not in _WRITABLE_STASH):
                continue
            self.out.setdefault(key, value)
        source = self.stash.get("@uidFrom")
        if not request and source == "uid":  # beta: UID came from the series-wide uid
            self.out["uid"] = self.uid
            if "iCalUId" in self.stash:
                self.out["iCalUId"] = self.stash["iCalUId"]
            else:
                self.out.pop("iCalUId", None)
        elif source in ("id", "content"):  # the UID was made up by ics-bridge: Graph never had one
            self.out.pop("iCalUId", None)


# The named extended property that carries iCalendar lines Graph has no place for.
ICAL_LINES_PROPERTY = "String {9b8e5a3c-1f2d-4c6b-8a7e-3d2f1e0c9b8a} Name ics-bridge.ical"
# On the single event that holds a series' off-rule DTSTART instance: the series UID.
FIRST_OF_PROPERTY = "String {9b8e5a3c-1f2d-4c6b-8a7e-3d2f1e0c9b8a} Name ics-bridge.firstOf"
# Properties the writer maps (or recomputes); everything else is kept as raw lines.
_MAPPED_PROPS = frozenset({
    "UID", "SUMMARY", "DESCRIPTION", "X-ALT-DESC", "DTSTART", "DTEND", "DURATION", "RRULE", "EXDATE",
    "RECURRENCE-ID", "LOCATION", "GEO", "ORGANIZER", "ATTENDEE", "TRANSP", hub.X_BUSYSTATUS, "PRIORITY",
    hub.X_IMPORTANCE, "CLASS", hub.X_SENSITIVITY, "CATEGORIES", "STATUS", "CREATED", "LAST-MODIFIED", "URL",
    "CONFERENCE", hub.X_TEAMS_URL, hub.X_DISALLOW_COUNTER, hub.X_ALLDAY, hub.X_REMOVED,
})
# The typed properties (model field) that can be kept: not mapped, or mapped but not carried this time.
_TYPED_KEPT = {"SEQUENCE": "sequence", "COMMENT": "comments", "ATTACH": "attachments", "RDATE": "rdates",
               "EXRULE": "exrules", "RRULE": "rrules", "URL": "url", "STATUS": "status"}
# Where a content line's name ends (RFC 5545 3.1: at its first parameter or its value).
# Scheduling bookkeeping Graph keeps itself (changeKey): kept for the way back, not a user-visible loss.
_BOOKKEEPING = frozenset({"SEQUENCE"})
# X- properties other programs show (Google's export: the Meet link), so Outlook's not showing them is a loss.
_SHOWN_X = frozenset({hub.X_GOOGLE_CONFERENCE})
_RECOMPUTED = frozenset({"DTSTAMP", hub.X_INTENDEDSTATUS})
# What Graph holds (or recomputes) when every mapped property could be carried.
_CARRIED = _MAPPED_PROPS | _RECOMPUTED
_KEPT_FIELDS: dict[frozenset[str], tuple[frozenset[str], tuple[str, ...]]] = {}


def _kept_fields(unmapped: frozenset[str]) -> tuple[frozenset[str], tuple[str, ...]]:
    """What Graph carries when ``unmapped`` could not be, and the typed fields kept then."""
    found = _KEPT_FIELDS.get(unmapped)
    if found is None:
        carried = (_MAPPED_PROPS - unmapped) | _RECOMPUTED if unmapped else _CARRIED
        found = _KEPT_FIELDS[unmapped] = (carried, tuple(f for name, f in _TYPED_KEPT.items() if name not in carried))
    return found


_KEPT_ALWAYS = _kept_fields(frozenset())


def _grouped(pairs: list[tuple[str, str]], order: tuple[str, ...]) -> tuple[list[str], tuple[str, ...]]:
    """Kept (property name, line) pairs → the lines folded and grouped by name (upper-cased),
    the groups in the order the event's properties came (``order``, as icalendar walked them;
    names it lacks last), and the names in that order."""
    if len(pairs) == 1:  # most events: one kept line (SEQUENCE), nothing to group
        name, line = pairs[0]
        return [folded_line(line)], (name.upper(),)
    by_name: dict[str, list[str]] = {}
    for name, line in pairs:
        by_name.setdefault(name.upper(), []).append(folded_line(line))
    if order and len(by_name) > 1:
        rank = {name: i for i, name in enumerate(order)}
        by_name = dict(sorted(by_name.items(), key=lambda kv: rank.get(kv[0], len(rank))))
    return [line for found in by_name.values() for line in found], tuple(by_name)


# (SEQUENCE, STATUS kept or None, the parameters each was read with, the event's property order
# when both are kept) → the extended property's value and the names it holds; None: nothing kept
_FEW: dict[tuple[Any, ...], tuple[str, tuple[str, ...]] | None] = {}
_ONLY_STATUS = frozenset({"STATUS"})


def _kept_few(writer: _Writer) -> bool:
    """``keep_unmapped`` for an event that keeps nothing but SEQUENCE and, when it was not
    carried (``STATUS:TENTATIVE``), STATUS — most events: no kept line, component, dropped alarm,
    COMMENT, ATTACH, RDATE or EXRULE.  Their lines depend on those values, the parameters they
    were read with and (two lines to order) the property order alone, so each combination is
    written once (by :func:`plain_kept_lines` and :func:`_grouped`, as the general path does).
    The key holds only those: hashing the event's whole parameter list and property order cost
    ~1 us an event, more than finding the two parameter lists.  False: not such an event,
    nothing done."""
    v, unmapped = writer.v, writer.unmapped
    if (v.other or v.components or writer.dropped_alarms or v.comments or v.attachments or v.rdates or v.exrules
            or not unmapped <= _ONLY_STATUS):
        return False
    status = v.status if unmapped else None
    sequence, params = v.sequence, v.params
    key = (sequence, status, own_params(params, "SEQUENCE") if params and sequence is not None else (),
           own_params(params, "STATUS") if params and status is not None else (),
           v.order if sequence is not None and status is not None else ())
    try:
        found = _FEW[key]
    except KeyError:
        typed: dict[str, Any] = {}
        if v.sequence is not None:
            typed["sequence"] = v.sequence
        if status is not None:
            typed["status"] = status
        pairs = plain_kept_lines(typed, (), v.params) if typed else None
        if pairs is not None:
            lines, names = _grouped(pairs, v.order)
            found = remember(_FEW, key, ("\r\n".join(lines), names), 4096)
        else:
            found = remember(_FEW, key, None, 4096)
    if found is not None:
        writer.keep_lines(*found)
    return True


_PATTERN_DEFAULTS: dict[str, Any] = {"month": 0, "dayOfMonth": 0, "daysOfWeek": [], "firstDayOfWeek": "sunday",
                                     "index": "first"}
_MAPPED_ELSEWHERE = frozenset({"location", "locations", "onlineMeeting", "type", "exceptionOccurrences",
                               "isOnlineMeeting", "onlineMeetingProvider", "iCalUId"})
_WRITABLE_STASH = frozenset({"hideAttendees"})


def _iana_name(zone: m.Zone, tz: tzinfo | None) -> str | None:
    """The IANA name of a value's zone (``UTC`` for UTC; what ``timezones.tzid_of(tz,
    iana_only=True)`` says of its tzinfo): the name the reader resolved its TZID to; a zone only
    this file defines has none unless its rules were read as a tzdata zone; floating and a TZID
    that names nothing have none."""
    if zone.kind == "utc":
        return "UTC"
    if zone.kind == "iana":
        return zone.iana
    return tzid_of(tz, iana_only=True) if zone.kind == "file" else None


# (IANA name, Windows name) → whether the Windows name reads back as that very zone.
_SAME_ZONE: dict[tuple[str, str], bool] = {}
# IANA name → its Windows name, for the zones that one reads back as (``zone_name``'s answer
# for a zoned value at any date, with nothing to report).
_SAME_WINDOWS: dict[str, str] = {}


def _same_clock(tz: tzinfo, name: str, windows: str, at: datetime, days: int) -> bool:
    """Whether the zone a Windows name reads back as keeps ``tz``'s UTC offsets (``tz`` is IANA
    ``name``) from ``at`` on, for ``days`` days (checked every 6 hours around ``at``, then daily)."""
    same = _SAME_ZONE.get((name, windows))
    if same is None:
        resolved = resolve_name(windows)
        same = _SAME_ZONE[(name, windows)] = resolved is not None and tzid_of(resolved.tz, iana_only=True) == name
    if same:
        return True
    resolved = resolve_name(windows)
    if resolved is None:
        return False
    instant = (at if at.tzinfo is not None else at.replace(tzinfo=tz)).astimezone(timezone.utc)
    steps = [instant + timedelta(hours=6 * k) for k in range(-4, 9)]
    steps += [instant + timedelta(days=k) for k in range(2, days)]
    return all(t.astimezone(tz).utcoffset() == t.astimezone(resolved.tz).utcoffset() for t in steps)




def _local_text(value: datetime) -> str:
    """Graph's ``dateTime`` of a ``dateTimeTimeZone``: the wall-clock time, seconds and seven
    fractional zeros (``2026-03-02T09:00:00.0000000``): ``value.replace(tzinfo=None)
    .isoformat(timespec="seconds")``'s text (years 1-9999 in four digits), without the copy."""
    return "%04d-%02d-%02dT%02d:%02d:%02d.0000000" % (value.year, value.month, value.day, value.hour,
                                                      value.minute, value.second)


def _utc_text(value: date | datetime) -> str:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"
    return f"{value.isoformat()}T00:00:00Z"


def _cancelled(series: m.Series, master: dict[str, Any], writer: _Writer,
               extra: Iterable[tuple[date | datetime, str]] = ()) -> None:
    """EXDATEs (and cancelled overrides) → ``cancelledOccurrences`` (resource) or a report
    (request).  Each is matched to an occurrence by instant (RFC 5545 3.8.5.1): one that names
    no occurrence cancels nothing and is reported as ignored, never turned into the date it
    falls on (an EXDATE an hour off would cancel that day's occurrence in Outlook)."""
    if series.master is None or not (series.master.exdates or extra):  # most series: nothing cancelled
        return
    cancelled = [(d, "EXDATE") for d in exdates(series)] + list(extra)
    if not cancelled:
        return
    found = Occurrences(series.master)
    days: list[str] = []
    for d, field in cancelled:
        occurrence = found.match(d)
        if occurrence is None:
            writer.add(LossKind.INVALID_VALUE, field, "matches no occurrence of the series (RFC 5545 3.8.5.1, 3.8.4.4): "
                       "it cancels nothing and is not written", before=d)
            continue
        if writer.options.profile == "request":
            writer.add(LossKind.UNSUPPORTED_FIELD, field,
                       "Graph v1.0 cannot create a cancelled occurrence; delete it after import", before=d)
            continue
        if isinstance(occurrence, datetime):
            day = found.local_date(occurrence)
        else:  # cannot be told: the date the value falls on in the series zone, as before
            start = m.plain(series.master.start)
            zone = start.tzinfo if isinstance(start, datetime) else None
            if isinstance(d, datetime) and zone is not None and d.tzinfo is not None:
                d = d.astimezone(zone)
            day = d.date() if isinstance(d, datetime) else d
        days.append(f"OID.{master.get('id', series.uid)}.{day.isoformat()}")
    if days:
        master["cancelledOccurrences"] = days


@gc_paused
def calendar_to_events(source: m.Calendar | Iterable[m.Series], report: Report,
                       options: GraphWriteOptions) -> list[dict[str, Any]]:
    """A calendar's series (or some of them, in order) → Graph event dicts: per series its
    master first, then its exceptions; the series in the calendar's order (the order of their
    first VEVENT, as ``series.group_series`` has it)."""
    out: list[dict[str, Any]] = []
    all_series = list(source.series if isinstance(source, m.Calendar) else source)
    report_duplicate_uids(all_series, report)
    all_series = [part for series in all_series for part in split_series(series, report)]  # RANGE=THISANDFUTURE
    for series in all_series:
        try:  # one series that cannot be mapped is reported; the others go on
            out.extend(_series_to_events(series, report, options))
        except (ValueError, TypeError, KeyError, AttributeError, IndexError, OverflowError) as exc:
            report.add(LossKind.EVENT_SKIPPED, "VEVENT", f"cannot be written to Graph: {str(exc)[:160]}",
                       uid=series.uid or None)
    return out


def _is_cancelled(v: m.Event) -> bool:
    return (v.status or "").upper() == "CANCELLED"


def _all_day(v: m.Event | None) -> bool:
    return v is not None and isinstance(v.start, date)  # a DATE (a date-time is a ZonedDateTime)


def _series_to_events(series: m.Series, report: Report, options: GraphWriteOptions) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    master_dict: dict[str, Any] | None = None
    all_day_series = _all_day(series.master if series.master is not None else
                              (series.overrides[0] if series.overrides else None))
    if series.master is not None:
        if series.master.start is None and _is_cancelled(series.master):
            gid = _x(series.master, hub.X_GRAPH_ID)
            reason = _x(series.master, hub.X_REMOVED)
            return [{"id": gid or series.uid, "@removed": {"reason": reason if reason is not None else "deleted"}}]
        writer = _Writer(series.master, report, options)
        master_dict = writer.build()
        out.append(master_dict)
    master_id = master_dict.get("id") if master_dict else None
    removed: list[tuple[date | datetime, str]] = []
    moves: list[tuple[m.Event, dict[str, Any]]] = []
    for override in series.overrides:
        rid_text = recurrence_id_text(override)
        rid = m.plain(override.recurrence_id.value) if override.recurrence_id is not None else None
        if override.start is None:
            if _is_cancelled(override) and master_dict is not None and rid is not None:
                # An iTIP CANCEL of one occurrence: that occurrence is gone, as an EXDATE says.
                report.add(LossKind.EVENT_REMOVED, "RECURRENCE-ID",
                           "cancelled occurrence without details written as a cancelled occurrence of its series",
                           uid=series.uid or None, recurrence_id=rid_text)
                removed.append((rid.date() if all_day_series and isinstance(rid, datetime) else rid, "RECURRENCE-ID"))
            else:
                report.add(LossKind.EVENT_SKIPPED, "DTSTART", "override without a start not written",
                           uid=series.uid or None, recurrence_id=rid_text)
            continue
        if options.profile == "request" and master_dict is not None and _is_cancelled(override) and rid is not None:
            # Graph's update API cannot set isCancelled: sending the exception would show the
            # occurrence moved, not cancelled.  Reported like an EXDATE (delete it after import).
            removed.append((rid.date() if all_day_series and isinstance(rid, datetime) else rid, "RECURRENCE-ID"))
            continue
        if master_dict is None:
            report.add(LossKind.VALUE_COLLAPSED, "RECURRENCE-ID",
                       "override without its series master: Graph has no exception without a master; "
                       "written as a single event", uid=series.uid or None, recurrence_id=rid_text)
        elif "recurrence" not in master_dict and series.master is not None \
                and (series.master.rrules or series.master.rdates):
            # The master went to Graph as a single event (its RRULE or RDATE could not be written,
            # reported): an exception item would name a series Graph does not have and be refused.
            report.add(LossKind.EVENT_SKIPPED, "RECURRENCE-ID",
                       "override of an occurrence of a series written as a single event (its recurrence "
                       "has no Graph form): not written", uid=series.uid or None, recurrence_id=rid_text)
            continue
        series_zone = ((master_dict or {}).get("recurrence") or {}).get("range", {}).get("recurrenceTimeZone")
        moves.append((override, _Writer(override, report, options).build(
            master_id=master_id, all_day_series=all_day_series, series_zone=series_zone if all_day_series else None)))
    if master_dict is not None and series.master is not None:
        _cancelled(series, master_dict, writer, removed)
        if writer.off_rule_start:
            out.append(_off_rule_start(series.master, master_dict, report, options))
        if options.profile == "request" and series.master.rrules:
            return out + _ordered_moves(series, moves, report)
    return out + [item for _, item in moves]


def _off_rule_start(master: m.Event, master_dict: dict[str, Any], report: Report,
                    options: GraphWriteOptions) -> dict[str, Any]:
    """A DTSTART that is not an occurrence of its RRULE: RFC 5545 3.8.5.3 counts it as the
    first instance, a Graph series starts at the first date its pattern matches (the range's
    startDate is only where the search begins), so Outlook would not show it.  It is written
    as a single event of its own beside the series: the master's content without the
    recurrence, linked by :data:`FIRST_OF_PROPERTY` (the series UID), from which the way back
    (``to_ical``) folds it into its series again."""
    single = copy.deepcopy({key: value for key, value in master_dict.items()
                            if key not in ("recurrence", "id", "changeKey", "cancelledOccurrences", "transactionId")})
    uid = master.uid or ""
    start = m.plain(master.start)
    if options.profile == "request":
        single["transactionId"] = transaction_id(uid, f"DTSTART {start}")
    else:
        single["type"] = "singleInstance"
    single["singleValueExtendedProperties"] = [
        *(p for p in master_dict.get("singleValueExtendedProperties", []) if p.get("id") != ICAL_LINES_PROPERTY),
        {"id": FIRST_OF_PROPERTY, "value": uid}]
    report.add(LossKind.MAPPING_CHOICE, "DTSTART",
               "DTSTART is not an occurrence of its RRULE (a Graph series starts at its first match): "
               "that instance is written as a single event of its own beside the series, linked by UID",
               uid=uid or None, before=start)
    return single


def _ordered_moves(series: m.Series, moves: list[tuple[m.Event, dict[str, Any]]], report: Report) -> list[dict[str, Any]]:
    """Graph refuses to move an occurrence past a neighbouring one while that one is still in
    place (``ErrorOccurrenceCrossingBoundary``, interop-notes case 37).  Exceptions are sent in
    the order of their new start, earliest first (as CalDavSync does), and each move that crosses
    an original neighbour is reported, since the order alone may not be enough."""
    master = series.master
    assert master is not None
    if not moves:  # nothing to order: the rule need not be read
        return []
    try:  # one RRULE (several have no Graph form) expanded from DTSTART, as dateutil reads it
        rule = (rrulestr(master.rrules[0].text, dtstart=m.plain(master.start))
                if len(master.rrules) == 1 and master.start is not None else None)
    except (ValueError, TypeError, KeyError, AttributeError, OverflowError):
        rule = None
    for override, _ in moves:
        rid = m.plain(override.recurrence_id.value) if override.recurrence_id is not None else None
        start = m.plain(override.start)
        if rule is None or rid is None or start is None or type(rid) is not type(start):
            continue
        try:
            before, after = rule.before(rid), rule.after(rid)
            crosses = (before is not None and start <= before) or (after is not None and start >= after)
        except TypeError:  # floating against zoned: nothing to compare
            continue
        if crosses:
            report.add(LossKind.MAPPING_CHOICE, "RECURRENCE-ID",
                       "occurrence moved past a neighbouring occurrence: Graph may refuse the PATCH "
                       "(ErrorOccurrenceCrossingBoundary); exceptions are sent earliest first",
                       uid=series.uid or None, recurrence_id=recurrence_id_text(override), before=rid, after=start)
    return [item for _, item in sorted(moves, key=lambda pair: _sort_key(m.plain(pair[0].start)))]


def _sort_key(value: date | datetime | None) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=timezone.utc)
    return datetime.max.replace(tzinfo=timezone.utc)
