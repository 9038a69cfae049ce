"""The typed hub (:mod:`ics_bridge.model`) → Google Events resources, in three profiles.

* ``resource``: the shape events.get/list return (id, etag, iCalUID, htmlLink, created/updated,
  creator, cancelled instances as tombstone items), for archives and round trips;
* ``insert``: only the writable fields of events.insert (seed 003), with an ``id`` derived
  stably from the UID (base32hex, :func:`google_id`) and therefore *no* iCalUID ("only one of
  them should be supplied");
* ``import``: events.import bodies: ``iCalUID`` kept, no ``id``, organizer writable.

A series is written as its master (``recurrence[]`` lines in the master's ``timeZone``) followed
by one instance body per override (``recurringEventId`` + ``originalStartTime``).  EXDATEs are
``EXDATE`` lines, except in ``resource`` where EXDATEs that came from Google tombstones become
tombstone items again.
"""

from __future__ import annotations

import json

import base64
import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Any, Callable, Iterable, Literal
from zoneinfo import ZoneInfo

from icalendar.prop import vRecur

from ...gcpause import gc_paused
from ... import hub
from ... import model as m
from ...io.lines import unescape_text
from ...report import LossKind, Report
from ...occurrences import Occurrences
from ...text import looks_like_html, markup_hazard, text_to_html
from ...series import recurrence_id_text
from ...thisandfuture import split_series
from ...timezones import resolve_name, tzid_of
from ...vevent import (address_problem, alarm_blocks, alarm_reading, all_day_recurrence_id, conferences,
                       description_without_join, get_description, get_stash, person_email, property_lines,
                       report_duplicate_uids)
from . import tables
from ...recurrence import rscale
from .recurrence import read_recurrence, rule_text
from ...memo import remember

Profile = Literal["resource", "insert", "import"]

# events.insert writable fields (seed 003, "Request body").
INSERT_WRITABLE = frozenset({
    "anyoneCanAddSelf", "attachments", "attendees", "birthdayProperties", "colorId", "conferenceData",
    "description", "end", "eventType", "extendedProperties", "focusTimeProperties", "gadget",
    "guestsCanInviteOthers", "guestsCanModify", "guestsCanSeeOtherGuests", "id", "location",
    "originalStartTime", "outOfOfficeProperties", "recurrence", "reminders", "sequence", "source", "start",
    "status", "summary", "transparency", "visibility", "workingLocationProperties",
    # instance bodies (events.patch of ``id``) also name their series
    "recurringEventId",
})
# events.import: the insert fields without ``id``, plus iCalUID and organizer.
IMPORT_WRITABLE = (INSERT_WRITABLE - {"id"}) | {"iCalUID", "organizer"}
ATTENDEE_WRITABLE = frozenset({"additionalGuests", "comment", "displayName", "email", "optional", "resource",
                               "responseStatus"})
_ID_RE = re.compile(r"^[a-v0-9]{5,1024}$")
_HANDLED_STASH = frozenset({"_absent", "recurrence", "reminders", "visibility", "colorId", "conferenceData",
                            "hangoutLink", "attachments", "organizer", "endTimeUnspecified", "kind", "source"})
# REQUEST-STATUS (RFC 5545 3.8.8.3) was in none of these and went silently missing.
_UNMAPPED_PROPERTIES = ("CATEGORIES", "PRIORITY", "GEO", "RESOURCES", "CONTACT", "COMMENT", "RELATED-TO", "IMAGE",
                        "REQUEST-STATUS")


@dataclass(frozen=True)
class GoogleWriteOptions:
    profile: Profile = "resource"
    default_zone: str = "UTC"
    calendar_zone: str | None = None


# id(address) → [the address, kept alive so its id is not reused; its entry and report calls
# when it is not the organizer; the same when it is, made when first needed; its entry's e-mail
# in lower case (None without an entry)].  The reader shares
# one Address among equal ATTENDEE lines (bench/'s 35,309 attendees are 480 objects); an
# attendee's mapping depends on the event's organizer only through whether it is that person.
_attendees: dict[int, list[Any]] = {}


def google_id(uid: str) -> str:
    """A valid Google event id for a UID, stable across runs (interop-notes case 48): base32hex
    (RFC 4648 section 7, lower-cased: ``a-v0-9``) of the UID's SHA-256, 52 characters."""
    return _b32hex_digest(hashlib.sha256(uid.encode("utf-8")).digest())


def _b32hex(digest: bytes) -> str:
    """``digest`` in lower-case base32hex without padding: the reference of :func:`_b32hex_digest`."""
    return base64.b32hexencode(digest).decode("ascii").rstrip("=").lower()


def _spread_steps() -> tuple[tuple[int, int, int], ...]:
    """(low mask, high mask, shift) per halving: 64 five-bit groups (320 bits) in blocks of 320,
    160, …, 10 bits, each block's high half moved up until every group sits in a byte of its own."""
    steps = []
    width, stride = 320, 512
    while width > 5:
        half, stride = width // 2, stride // 2
        low = sum(((1 << half) - 1) << start for start in range(0, 512, stride * 2))
        steps.append((low, ((1 << 512) - 1) ^ low, stride - half))
        width = half
    return tuple(steps)


_SPREAD = _spread_steps()
_B32HEX_BYTES = bytes.maketrans(bytes(range(32)), b"0123456789abcdefghijklmnopqrstuv")


def _b32hex_digest(digest: bytes) -> str:
    """:func:`_b32hex` of a 32-byte digest: the 260 bits (RFC 4648's 4 zero bits added) spread
    to one five-bit group a byte by six mask-and-shift steps, then one ``translate`` (base64's
    encoder is Python code that pads, then stripping undoes it; a 26-step loop over two-digit
    pairs before this took ~1.6× as long: 7,718 ids on bench/)."""
    if len(digest) != 32:
        return _b32hex(digest)
    bits = int.from_bytes(digest, "big") << 4
    for low, high, shift in _SPREAD:
        bits = (bits & low) | ((bits & high) << shift)
    return bits.to_bytes(64, "big")[12:].translate(_B32HEX_BYTES).decode("ascii")


def is_valid_id(value: str | None) -> bool:
    return bool(value) and bool(_ID_RE.match(value or ""))


def instance_id(master_id: str, rid: date | datetime) -> str:
    """Google's id of one occurrence: ``<master>_<YYYYMMDD>`` or ``<master>_<YYYYMMDDTHHMMSSZ>``."""
    if isinstance(rid, datetime):
        utc = rid.astimezone(timezone.utc) if rid.tzinfo else rid
        return f"{master_id}_{_basic_format(utc)}Z"
    return f"{master_id}_{_basic_format(rid)}"


def _basic_format(value: date | datetime) -> str:
    """``strftime('%Y%m%d')`` of a date, ``'%Y%m%dT%H%M%S'`` of a date-time (RFC 5545's basic
    format), by ``%`` formatting: a third of ``strftime``'s cost (3,791 instance ids on bench/).
    A year before 1000 is written as ``strftime`` writes it on this platform (glibc: unpadded,
    ``9990102``, as ``%d``; others pad)."""
    if value.year < 1000:
        return value.strftime("%Y%m%dT%H%M%S" if isinstance(value, datetime) else "%Y%m%d")
    if isinstance(value, datetime):
        return "%d%02d%02dT%02d%02d%02d" % (value.year, value.month, value.day, value.hour, value.minute, value.second)
    return "%d%02d%02d" % (value.year, value.month, value.day)


def _rfc3339(value: datetime) -> str:
    """``value`` to the second, UTC as ``Z``.  ``isoformat()`` without ``timespec`` when there
    are no microseconds (the same text): the keyword halves its cost (2.9 → 1.5 µs a call,
    20k calls on bench/'s 10k events)."""
    text = value.isoformat() if not value.microsecond else value.isoformat(timespec="seconds")
    return text[:-6] + "Z" if text.endswith("+00:00") else text


# ZoneInfo → its IANA name (``tzid_of(tz, iana_only=True)``); ZoneInfo compares by identity and
# caches its instances, so this holds one entry per zone in use.
_ZONE_NAMES: dict[ZoneInfo, str | None] = {}


def _iana_name(tz: tzinfo) -> str | None:
    """``tzid_of(tz, iana_only=True)``, looked up once per ZoneInfo (0.45 → 0.25 µs a call, two
    calls an event)."""
    if type(tz) is not ZoneInfo:
        return tzid_of(tz, iana_only=True)
    name = _ZONE_NAMES.get(tz, _ZONE_NAMES)
    if name is _ZONE_NAMES:
        name = remember(_ZONE_NAMES, tz, tzid_of(tz, iana_only=True), 4096)
    return name  # type: ignore[return-value]


def _timestamp(value: datetime) -> str:
    utc = value.astimezone(timezone.utc) if value.tzinfo else value
    return utc.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _kept(event: m.Event, name: str) -> str | None:
    """The value of the first kept line ``name``, as written: X- properties and COLOR are
    values of unknown type (icalendar's ``vUnknown`` gave the same text, still escaped)."""
    for line in event.other_lines(name):
        return line.value
    return None


def _first_values(event: m.Event) -> dict[str, str]:
    """The first value of every kept line, by name (one pass for the many X- look-ups)."""
    found: dict[str, str] = {}
    for line in event.other:
        found.setdefault(line.name, line.value)
    return found


# ---------------------------------------------------------------- recurrence lines

def _date_text(value: date) -> str:
    return value.strftime("%Y%m%d")


def _broken_lines(event: m.Event) -> list[m.Line]:
    """Recurrence lines whose value could not be read (kept in ``other`` with a ``Problem``)."""
    names = {p.property for p in event.problems if p.property in _RECURRENCE_NAMES}
    return [line for line in event.other if line.name in names]


_RECURRENCE_NAMES = ("RRULE", "EXRULE", "RDATE", "EXDATE")


def render_recurrence(event: m.Event, zone: tzinfo | None, *, skip_tombstones: bool,
                      broken: list[str] | None = None, periods: list[Any] | None = None,
                      ignored: list[Any] | None = None) -> list[str]:
    """RRULE/EXRULE/RDATE/EXDATE of an event as Google ``recurrence[]`` lines: dates as
    ``VALUE=DATE``, UTC values with ``Z``, zoned values as ``TZID=<IANA>`` local times (case 50).

    Given ``ignored``, each EXDATE that names no occurrence of ``event`` by instant (RFC 5545
    3.8.5.1: it cancels nothing) is left out and appended there for the caller to report."""
    found: Any = None  # the series' occurrences, built for the first EXDATE checked
    bad = _broken_lines(event) if event.problems else []
    lines: list[str] = []
    for name, rules in (("RRULE", event.rrules), ("EXRULE", event.exrules)):
        for rule in rules:
            lines.append(f"{name}:{rule_text(rule, zone)}")
        if broken is not None:
            broken.extend(f"{name}:{line.value}" for line in bad if line.name == name)
    for name, date_lines in (("RDATE", event.rdates), ("EXDATE", event.exdates)):
        if broken is not None:
            broken.extend(f"{name}:{line.value}" for line in bad if line.name == name)
        groups: dict[str, list[str]] = {}
        for dates in date_lines:
            if dates.params:
                if skip_tombstones and m.param(dates.params, tables.PARAM_TOMBSTONE_ID):
                    continue
                if m.param(dates.params, hub.PARAM_FROM_EXRULE):
                    continue  # restates the EXRULE, which Google reads (quirks/exrule.py)
            for item in dates.values:
                if isinstance(item, m.Period):
                    # RDATE;VALUE=PERIOD: Google lines hold instants only; the start is kept
                    if periods is not None:
                        periods.append((m.plain(item.start), m.plain(item.end) if item.end is not None else item.duration))
                    item = item.start
                value = m.plain(item)
                if ignored is not None and name == "EXDATE":
                    if found is None:
                        found = Occurrences(event)
                    if found.match(value) is None:
                        ignored.append(value)
                        continue
                if isinstance(value, datetime):
                    tz = value.tzinfo or zone
                    if value.tzinfo is None and tz is not None:
                        value = value.replace(tzinfo=tz)  # a floating series' values, in its zone
                    tzid = tzid_of(tz, iana_only=True) if tz is not None else None
                    if tz is None or tzid is None:
                        key, text = name, (value.astimezone(timezone.utc) if value.tzinfo else value).strftime("%Y%m%dT%H%M%SZ")
                    elif tzid == "UTC":
                        key, text = name, value.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
                    else:
                        key, text = f"{name};TZID={tzid}", value.astimezone(tz).strftime("%Y%m%dT%H%M%S")
                else:
                    key, text = f"{name};VALUE=DATE", _date_text(value)  # type: ignore[arg-type]
                groups.setdefault(key, []).append(text)
        for key, texts in groups.items():
            lines.append(f"{key}:{','.join(texts)}")
    return lines


# ---------------------------------------------------------------- one VEVENT

class _Writer:
    def __init__(self, v: m.Event, report: Report, options: GoogleWriteOptions) -> None:
        self.v = v
        self.report = report
        self.options = options
        self.profile = options.profile
        self.uid = v.uid or ""
        self.rid_text = recurrence_id_text(v)
        self.kept = _first_values(v)
        self.stash = get_stash(v, hub.X_GOOGLE_STASH) if hub.X_GOOGLE_STASH in self.kept else {}
        if not self.stash and hub.X_GOOGLE_STASH in self.kept:
            self.add(LossKind.INVALID_VALUE, hub.X_GOOGLE_STASH, "unreadable kept provider values (not a JSON object); "
                     "provider-only fields not restored")
        self.absent = set(self.stash.get("_absent", [])) if self.stash else _NO_NAMES
        self.out: dict[str, Any] = {}
        self.recurring = False
        self.other_scale_lines: list[str] = []  # RRULE/EXRULE lines Google cannot hold (RSCALE)
        self.start_zone: tzinfo | None = None
        self.alarm_readings: list[Any] = []  # the VALARMs as read by reminders()
        # (position in v.alarms, what the report calls it) of the alarms Google's reminders do
        # not hold (merged, over five, over four weeks, unreadable): kept for the way back
        self.dropped_alarms: list[tuple[int, str | None]] = []

    def add(self, kind: LossKind, field: str, reason: str, **kw: Any) -> None:
        self.report.add(kind, field, reason, uid=self.uid, recurrence_id=self.rid_text, **kw)

    # -- time -------------------------------------------------------------------------------
    def assigned_zone(self) -> tzinfo:
        """The zone a floating time is given (``--default-zone``; UTC when unknown)."""
        resolved = resolve_name(self.options.default_zone)
        return resolved.tz if resolved else timezone.utc

    def edt(self, value: date | datetime, field: str, *, zone: tzinfo | None = None) -> dict[str, str]:
        if not isinstance(value, datetime):
            return {"date": value.isoformat()}
        if zone is not None:
            value = value.astimezone(zone) if value.tzinfo else value.replace(tzinfo=zone)
        tz = value.tzinfo
        if tz is None:
            name = self.options.default_zone
            value = value.replace(tzinfo=self.assigned_zone())
            self.add(LossKind.TIMEZONE_ASSIGNED, field, f"floating time given the zone {name}", after=name)
            tz = value.tzinfo
        name = _iana_name(tz)
        if name is None:
            self.add(LossKind.TIMEZONE_UNKNOWN, field, "zone with no IANA name; written in UTC",
                     before=tzid_of(tz))
            value, name = value.astimezone(timezone.utc), "UTC"
        out = {"dateTime": _rfc3339(value)}
        if name != "UTC" or self.recurring:
            if not ("timeZone" in self.absent and name == self.options.calendar_zone and self.profile == "resource"):
                out["timeZone"] = name
        return out

    def times(self) -> None:
        v, out = self.v, self.out
        start = m.plain(v.start)
        if start is None:
            return
        end = m.plain(v.end)
        if end is None and v.duration is not None:
            end = start + v.duration
        if not isinstance(start, datetime):
            if end is None:
                end = start + timedelta(days=1)
            if isinstance(end, datetime):
                end = end.date()
            if end <= start:
                self.add(LossKind.QUIRK_REPAIRED, "DTEND", "all-day DTEND not after DTSTART; one day used",
                         before=end, after=start + timedelta(days=1))
                end = start + timedelta(days=1)
            out["start"], out["end"] = self.edt(start, "DTSTART"), self.edt(end, "DTEND")
            if self.stash.get("endTimeUnspecified"):
                out["endTimeUnspecified"] = True
            return
        unspecified = end is None
        if end is None:
            end = start
        elif not isinstance(end, datetime):
            end = datetime.combine(end, start.timetz())
        out["start"] = self.edt(start, "DTSTART")
        self.start_zone = start.tzinfo
        end_zone = None
        if self.recurring and start.tzinfo is not None and end.tzinfo is not None and \
                end.tzinfo is not start.tzinfo and tzid_of(end.tzinfo) != tzid_of(start.tzinfo):
            self.add(LossKind.VALUE_COLLAPSED, "DTEND;TZID",
                     "Google needs the same zone at both ends of a series; end converted to the start zone",
                     before=tzid_of(end.tzinfo), after=tzid_of(start.tzinfo))
            end_zone = start.tzinfo
        if end.tzinfo is None and start.tzinfo is not None:
            self.add(LossKind.TIMEZONE_ASSIGNED, "DTEND", "floating DTEND of a zoned DTSTART given the start's zone",
                     before=end.isoformat(), after=tzid_of(start.tzinfo))
            end = end.replace(tzinfo=start.tzinfo)
        out["end"] = self.edt(end, "DTEND", zone=end_zone)
        if unspecified and self.stash.get("endTimeUnspecified"):
            out["endTimeUnspecified"] = True

    # -- the mapping ------------------------------------------------------------------------
    def build(self, *, master_id: str | None = None, master_zone: tzinfo | None = None,
              all_day_series: bool = False) -> dict[str, Any]:
        v, out, profile = self.v, self.out, self.profile
        rid = all_day_recurrence_id(m.plain(v.recurrence_id.value) if v.recurrence_id is not None else None,
                                    all_day_series, self.add)
        self.recurring = bool(v.rrules or v.rdates) or rid is not None or (
            bool(v.problems) and ("RRULE" in self.kept or "RDATE" in self.kept))
        gid = self.kept.get(hub.X_GOOGLE_ID)
        if profile == "resource":
            out["kind"] = "calendar#event"
            etag = self.kept.get(hub.X_GOOGLE_ETAG)
            if etag:
                out["etag"] = etag
        if profile in ("resource", "insert"):
            if rid is not None and master_id:
                out["id"] = gid if (gid and profile == "resource") else instance_id(master_id, rid)
            elif profile == "resource":
                if gid or "id" not in self.absent:
                    out["id"] = gid or google_id(self.uid or self._fallback_key())
                if not self.uid:
                    self.add(LossKind.INVALID_VALUE, "UID", "VEVENT without UID; id derived from SUMMARY and DTSTART")
            else:
                out["id"] = gid if is_valid_id(gid) else google_id(self.uid or self._fallback_key())
                if not self.uid:
                    self.add(LossKind.INVALID_VALUE, "UID", "VEVENT without UID; id derived from SUMMARY and DTSTART")
        status = (v.status or "").upper()
        if status:
            if status in tables.ICAL_TO_STATUS:
                out["status"] = tables.ICAL_TO_STATUS[status]
            else:
                self.add(LossKind.VALUE_COLLAPSED, "STATUS", f"STATUS:{status} has no Google status", before=status)
        if profile == "resource" and rid is None and hub.X_GOOGLE_STASH not in self.kept:
            out.setdefault("status", "confirmed")
        if profile == "resource":
            self.timestamps()
            url = v.url
            if url:
                out["htmlLink"] = url
        summary = v.summary
        if summary is not None:
            out["summary"] = summary
        bare = _bare(v)
        self.description(*((False, None) if bare else self.conference()))
        location = v.location
        if location is not None:
            out["location"] = location
        self.people()
        if profile != "insert" and self.uid and not (profile == "resource" and "iCalUID" in self.absent):
            out["iCalUID"] = self.uid
        elif profile == "import" and not self.uid:
            out["iCalUID"] = f"{google_id(self._fallback_key())}@ics-bridge"
            self.add(LossKind.INVALID_VALUE, "UID", "VEVENT without UID; iCalUID derived from SUMMARY and DTSTART",
                     after=out["iCalUID"])
        series_id = self.kept.get(hub.X_GOOGLE_RECURRING_EVENT_ID)
        if rid is None and series_id and profile == "resource":
            out["recurringEventId"] = series_id
        self.times()
        if rid is None and self.recurring:
            self.recurrence()
        if rid is not None:
            if master_id and profile != "import":
                out["recurringEventId"] = master_id
            out["originalStartTime"] = self.edt(rid, "RECURRENCE-ID", zone=master_zone if isinstance(rid, datetime) else None)
        self.availability()
        self.classification()
        self.reminders()
        if not bare:  # each of these three reads only what a bare event lacks
            self.link()
            self.attachments()
            self.restore_stash()
        self.categories()
        self.keep_unmapped()
        if v.exrules or (v.problems and "EXRULE" in self.kept):
            self.add(LossKind.MAPPING_CHOICE, "EXRULE", "EXRULE is deprecated (RFC 5545) but Google accepts it; written")
        return out

    def _fallback_key(self) -> str:
        return f"{self.v.summary or ''}\x00{m.plain(self.v.start)}"

    def timestamps(self) -> None:
        if self.v.created is None and self.v.last_modified is None and SHORTCUTS:
            return
        for value, name in ((m.plain(self.v.created), "created"), (m.plain(self.v.last_modified), "updated")):
            if isinstance(value, datetime):
                self.out[name] = _timestamp(value)

    def recurrence(self) -> None:
        v = self.v
        start = m.plain(v.start)
        zone = (start.tzinfo or self.assigned_zone()) if isinstance(start, datetime) else None
        broken: list[str] = []
        periods: list[Any] = []
        ignored: list[Any] = []
        lines = self.without_other_scales(render_recurrence(v, zone, skip_tombstones=self.profile == "resource",
                                                            broken=broken, periods=periods, ignored=ignored))
        for value in ignored:
            self.add(LossKind.INVALID_VALUE, "EXDATE", "matches no occurrence of the series (RFC 5545 3.8.5.1): "
                     "it cancels nothing and is not written", before=value)
        for line in broken:
            self.add(LossKind.INVALID_VALUE, "recurrence", "unreadable recurrence property dropped", before=line)
        for name, rules in (("RRULE", v.rrules), ("EXRULE", v.exrules)):
            # Event.recurrence: "RRULE ... lines as specified in RFC5545"
            for rule in rules:
                # A Gregorian RSCALE (with SKIP) is written and reported here; another scale is
                # left out and reported by without_other_scales.
                if rule.rscale and rscale(vRecur.from_ical(rule.text)) == "GREGORIAN":
                    self.add(LossKind.RECURRENCE_UNSUPPORTED, f"{name};RSCALE",
                             "Google recurrence lines are RFC 5545 rules: RFC 7529's RSCALE and SKIP are not "
                             "read there, so Google does not repeat the series this way",
                             before=rule_text(rule, None))
        for period in periods:
            self.add(LossKind.VALUE_COLLAPSED, "RDATE;VALUE=PERIOD",
                     "Google recurrence lines hold start instants only: the period's start is written and "
                     "the occurrence takes the event's duration", before=f"{period[0]}/{period[1]}",
                     after=str(period[0]))
        original = self.stash.get("recurrence")
        if self.profile == "resource" and isinstance(original, list) and start is not None:
            typed = read_recurrence(original, start, Report(), self.uid, quiet=True)
            if sorted(render_recurrence(typed, zone, skip_tombstones=True)) == sorted(lines):
                lines = list(original)
        if lines:
            self.out["recurrence"] = lines  # a floating series' values are in the zone its start was given

    def without_other_scales(self, lines: list[str]) -> list[str]:
        """An RRULE/EXRULE in a calendar scale other than the Gregorian one (RFC 7529
        ``RSCALE=HEBREW``): Google's ``recurrence[]`` takes RFC 5545 lines only (its docs name no
        RSCALE) and would expand it in the Gregorian calendar, another set of days.  The rule is
        left out, reported by name, and its line kept in ``extendedProperties.private`` for the
        way back (as the Graph writer keeps it in an extended property)."""
        out = []
        for line in lines:
            name, _, value = line.partition(":")
            scale = rscale(vRecur.from_ical(value)) if name in ("RRULE", "EXRULE") and "RSCALE" in value.upper() else "GREGORIAN"
            if scale == "GREGORIAN":
                out.append(line)
                continue
            self.other_scale_lines.append(line)
            self.add(LossKind.RECURRENCE_UNSUPPORTED, f"{name};RSCALE",
                     f"RSCALE={scale} (RFC 7529) has no Google equivalent; recurrence dropped (kept in "
                     "extendedProperties.private for the way back)", before=value)
        return out

    def conference(self) -> tuple[bool, str | None]:
        """CONFERENCE lines (and a kept Meet link) → ``conferenceData``; (whether the join link
        stays in the description, the primary join link)."""
        out = self.out
        items = conferences(self.v)
        xg = self.kept.get(hub.X_GOOGLE_CONFERENCE)
        if xg and xg not in [u for u, _ in items]:
            items.append((xg, {"LABEL": tables.DEFAULT_CONFERENCE_LABEL}))
        uris = [u for u, _ in items]
        video = [u for u, p in items if not u.lower().startswith(("tel:", "sip:"))
                 and "FEED" not in p.get("FEATURE", "")]
        primary = xg or (video[0] if video else None)
        keep_join = False
        stashed = self.stash.get("conferenceData")
        hangout = self.stash.get("hangoutLink")
        known = {ep.get("uri") for ep in (stashed or {}).get("entryPoints", []) if isinstance(ep, dict)} | {hangout}
        if isinstance(stashed, dict) and set(uris) <= known:
            out["conferenceData"] = stashed
            if hangout and self.profile == "resource":
                out["hangoutLink"] = hangout
        elif items:
            google = any("meet.google.com" in u for u in uris)
            points = [self.entry_point(u, p) for u, p in items]
            label = next((p.get("LABEL") for _, p in items if p.get("LABEL")), None)
            if self.profile == "resource":
                out["conferenceData"] = {"entryPoints": points, "conferenceSolution": {
                    "key": {"type": "hangoutsMeet" if google else "addOn"}, **({"name": label} if label else {})}}
                if google and primary:
                    out["hangoutLink"] = primary
            elif google:
                code = (primary or "").rstrip("/").rsplit("/", 1)[-1]
                out["conferenceData"] = {"conferenceId": code, "entryPoints": points,
                                         "conferenceSolution": {"key": {"type": "hangoutsMeet"}}}
                self.add(LossKind.MAPPING_CHOICE, "CONFERENCE",
                         "Meet link written as conferenceData; send with conferenceDataVersion=1")
            else:
                keep_join = True
                self.add(LossKind.UNSUPPORTED_FIELD, "CONFERENCE",
                         "Google cannot hold a non-Google conference; the join link stays in the description",
                         before=primary or uris[0])
        return keep_join, primary

    def description(self, keep_join: bool, primary: str | None) -> None:
        """DESCRIPTION (X-ALT-DESC's HTML first) → ``description``, the join line of ``primary``
        stripped unless ``keep_join``."""
        v, out = self.v, self.out
        text, html = get_description(v)
        if html is not None:
            if keep_join and primary and primary not in html:
                html += f'<br><br>{hub.JOIN_LINE_PREFIX}<a href="{primary}">{primary}</a>'
            out["description"] = html
        elif text is not None:
            # without a join link there is no join line to strip: the text as it is
            cleaned = text if keep_join or not primary else description_without_join(v, primary)
            if cleaned is not None and cleaned != "":
                out["description"] = cleaned
                if looks_like_html(cleaned):
                    self.add(LossKind.MAPPING_CHOICE, "DESCRIPTION",
                             "plain DESCRIPTION with HTML markup written as is: Google shows it as HTML "
                             "(as Google's own export means it)")
                elif markup_hazard(cleaned):
                    # Google reads its description as HTML: escaped, the text shows as written.
                    out["description"] = text_to_html(cleaned)
                    self.add(LossKind.MAPPING_CHOICE, "DESCRIPTION", "plain text with angle brackets or "
                             "entities escaped as HTML, so Google shows it as written")
            elif cleaned == "" and text != "" and not primary:
                out["description"] = ""

    @staticmethod
    def entry_point(uri: str, params: dict[str, str]) -> dict[str, Any]:
        lower = uri.lower()
        features = params.get("FEATURE", "").upper()
        if lower.startswith("tel:"):
            kind = "phone"
        elif lower.startswith("sip:"):
            kind = "sip"
        elif "FEED" in features:
            kind = "more"
        else:
            kind = "video"
        point: dict[str, Any] = {"entryPointType": kind, "uri": uri}
        if params.get("LABEL"):
            point["label"] = params["LABEL"]
        return point

    def people(self) -> None:
        v, out, profile = self.v, self.out, self.profile
        org = v.organizer
        org_email = person_email(org, self.add, "ORGANIZER") if org is not None else None
        problem = address_problem(org) if org is not None else None
        if problem:
            self.add(LossKind.DROPPED, "ORGANIZER", f"organizer's address lost: {problem}", before=org.address)  # type: ignore[union-attr]
        stashed = self.stash.get("organizer") if isinstance(self.stash.get("organizer"), dict) else None
        if org is not None or stashed:
            person: dict[str, Any] = {}
            if stashed:
                person.update(stashed)
            if org_email:
                person["email"] = org_email
            if org is not None and org.cn:
                person["displayName"] = org.cn
            if profile == "resource":
                out["organizer"] = person
            elif profile == "import":
                out["organizer"] = {k: person[k] for k in ("email", "displayName") if k in person}
            elif org_email:
                self.add(LossKind.UNSUPPORTED_FIELD, "ORGANIZER",
                         "events.insert makes the calendar owner the organizer", before=org_email)
        if profile == "resource" and isinstance(self.stash.get("creator"), dict):
            out["creator"] = self.stash["creator"]
        if v.attendees:
            self.attendees(org_email.lower() if org_email else None)

    def attendees(self, organizer: str | None) -> None:
        """ATTENDEEs → ``attendees``; ``organizer``: the organizer's e-mail in lower case."""
        result: list[dict[str, Any]] = []
        add, append, resource = self.add, result.append, self.profile == "resource"
        memo_get = _attendees.get
        for att in self.v.attendees:  # _attendee_memo's common answer inline: no call, no lower()
            same = memo_get(id(att))
            if same is not None and same[0] is att and (organizer is None or organizer != same[3]):
                entry, calls = same[1]
            else:
                entry, calls = _attendee_memo(att, organizer)
            for args, kw in calls:
                add(*args, **kw)
            if entry is None:
                continue
            # a fresh dict per event (a caller may edit one); a request only the writable fields
            append(dict(entry) if resource else {k: val for k, val in entry.items() if k in ATTENDEE_WRITABLE})
        if result:
            self.out["attendees"] = result

    def attendee(self, att: m.Address, org_email: str | None) -> dict[str, Any] | None:
        """An ATTENDEE's Google attendee (None: it has no email), its report entries replayed:
        worked out once per person and organizer, as the same people recur across events."""
        found = _attendee_memo(att, org_email)
        for args, kw in found[1]:
            self.add(*args, **kw)
        return dict(found[0]) if found[0] is not None else None

    @staticmethod
    def attendee_entry(att: m.Address, org_email: str | None, add: Callable[..., None]) -> dict[str, Any] | None:
        params = att.params
        email = person_email(att, add, "ATTENDEE")
        if not email:
            # One attendee Google refuses fails the whole insert: the person is reported instead.
            why = address_problem(att) or "no address"
            add(LossKind.DROPPED, "ATTENDEE", f"Google attendees need an email address: {why}",
                     before=att.cn or att.address)
            return None
        entry: dict[str, Any] = {}
        # X- parameters by name (the last of a repeated one wins, as m.param); the others are typed
        named = {p.name: p.value for p in params if p.name[:2] == "X-"}
        attendee_id = named.get(tables.PARAM_ATTENDEE_ID)
        if attendee_id:
            entry["id"] = attendee_id
        entry["email"] = email
        if att.cn:
            entry["displayName"] = att.cn
        role = (att.role if att.role is not None else "REQ-PARTICIPANT").upper()
        cutype = (att.cutype if att.cutype is not None else "INDIVIDUAL").upper()
        if role == tables.ROLE_OPTIONAL:
            entry["optional"] = True
        elif (named.get("X-ICSBRIDGE-GOOGLE-OPTIONAL") or "").upper() == "FALSE":
            entry["optional"] = False
        elif role == "CHAIR" or (role == "NON-PARTICIPANT" and cutype not in tables.RESOURCE_CUTYPES):
            add(LossKind.VALUE_COLLAPSED, "ATTENDEE;ROLE", f"ROLE={role} has no Google form; required used",
                     before=role, after="required")
        implied = (named.get("X-ICSBRIDGE-GOOGLE-RESOURCE") or "").upper()
        if cutype in tables.RESOURCE_CUTYPES:
            if implied != "IMPLIED":
                entry["resource"] = True
        elif implied == "FALSE":
            entry["resource"] = False
        elif cutype not in ("INDIVIDUAL", "UNKNOWN"):
            add(LossKind.VALUE_COLLAPSED, "ATTENDEE;CUTYPE", f"CUTYPE={cutype} has no Google form",
                     before=cutype)
        flag = (named.get(tables.PARAM_ORGANIZER) or "").upper()
        if flag == "TRUE" or (not flag and org_email and email.lower() == org_email.lower()):
            entry["organizer"] = True
        elif flag == "FALSE":
            entry["organizer"] = False
        own = (named.get(tables.PARAM_SELF) or "").upper()
        if own in ("TRUE", "FALSE"):
            entry["self"] = own == "TRUE"
        partstat = (att.partstat if att.partstat is not None else "NEEDS-ACTION").upper()
        response = tables.PARTSTAT_TO_RESPONSE.get(partstat)
        if response is None:
            add(LossKind.VALUE_COLLAPSED, "ATTENDEE;PARTSTAT", f"PARTSTAT={partstat} has no Google status",
                     before=partstat, after="needsAction")
            response = "needsAction"
        entry["responseStatus"] = response
        comment = named.get(tables.PARAM_COMMENT)
        if comment:
            entry["comment"] = comment
        guests = named.get(tables.PARAM_NUM_GUESTS)
        if guests is not None:
            try:
                entry["additionalGuests"] = int(guests)
            except ValueError:
                add(LossKind.INVALID_VALUE, "ATTENDEE;X-NUM-GUESTS", "not a number", before=guests)
        return entry

    def availability(self) -> None:
        v, out, profile = self.v, self.out, self.profile
        kind = self.kept.get(hub.X_GOOGLE_EVENT_TYPE)
        busy = (self.kept.get(hub.X_BUSYSTATUS) or "").upper()
        transp = (v.transparency or "").upper()
        start = m.plain(v.start)
        if kind is None and busy == "OOF":
            if profile == "resource" or (profile == "insert" and isinstance(start, datetime)):
                kind = "outOfOffice"
                if profile == "insert":
                    out["outOfOfficeProperties"] = {"autoDeclineMode": "declineNone"}
                self.add(LossKind.MAPPING_CHOICE, hub.X_BUSYSTATUS, "out of office written as eventType outOfOffice",
                         before="OOF", after="outOfOffice")
            else:
                why = ("events.import takes only default events" if profile == "import"
                       else "all-day outOfOffice events cannot be created through events.insert")
                self.add(LossKind.VALUE_COLLAPSED, hub.X_BUSYSTATUS,
                         f"out of office needs eventType outOfOffice with outOfOfficeProperties; {why}; opaque used",
                         before="OOF", after="opaque")
        elif kind is None and busy in ("TENTATIVE", "WORKINGELSEWHERE"):
            self.add(LossKind.VALUE_COLLAPSED, hub.X_BUSYSTATUS,
                     f"{busy} has no Google transparency (workingLocation needs its properties)",
                     before=busy, after=tables.ICAL_TO_TRANSPARENCY.get(transp or "OPAQUE", "opaque"))
        if kind is not None:
            if profile == "import" and kind != "default":
                self.add(LossKind.UNSUPPORTED_FIELD, "eventType", "events.import takes only default events", before=kind)
            elif profile == "insert" and kind == "fromGmail":
                self.add(LossKind.UNSUPPORTED_FIELD, "eventType", "fromGmail events cannot be created", before=kind)
            else:
                out["eventType"] = kind
        if transp:
            value = tables.ICAL_TO_TRANSPARENCY.get(transp)
            if value is None:
                self.add(LossKind.INVALID_VALUE, "TRANSP", f"unknown TRANSP {transp!r}", before=transp)
            else:
                implied = tables.EVENT_TYPE_TO_BUSY.get(kind or "")
                if not ("transparency" in self.absent and implied and implied[1] == transp):
                    out["transparency"] = value

    def classification(self) -> None:
        v, out = self.v, self.out
        cls = (v.classification or "").upper()
        remembered = self.stash.get("visibility")
        if cls:
            if cls == "PUBLIC" and remembered == "public":
                out["visibility"] = "public"
            elif cls in tables.CLASS_TO_VISIBILITY:
                out["visibility"] = tables.CLASS_TO_VISIBILITY[cls]
                if cls == "PUBLIC":
                    self.add(LossKind.MAPPING_CHOICE, "CLASS",
                             "CLASS:PUBLIC written as visibility default (public would show details to every reader)",
                             before="PUBLIC", after="default")
            else:
                self.add(LossKind.VALUE_COLLAPSED, "CLASS", f"CLASS:{cls} has no Google visibility; private used",
                         before=cls, after="private")
                out["visibility"] = "private"
        elif remembered == "default":
            out["visibility"] = "default"
        color = self.kept.get("COLOR")
        if color:
            cid, exact = tables.css_to_color_id(color)
            if cid is None:
                self.add(LossKind.INVALID_VALUE, "COLOR", f"unknown colour {color!r}", before=color)
            else:
                out["colorId"] = cid
                if not exact:
                    self.add(LossKind.VALUE_COLLAPSED, "COLOR", "nearest colour of Google's event palette used",
                             before=color, after=cid)
        elif self.stash.get("colorId") is not None:
            out["colorId"] = self.stash["colorId"]
        if v.sequence is not None:
            out["sequence"] = v.sequence

    def reminders(self) -> None:
        v = self.v
        if not v.alarms and not self.stash and SHORTCUTS:
            self.out["reminders"] = {"useDefault": False}  # the general path's answer without either
            return
        if v.alarms:
            readings = self.alarm_readings = [alarm_reading(a, v) for a in v.alarms]
        else:
            readings = []
        for i, r in enumerate(readings):
            if r.problem:
                self.add(LossKind.ALARM_DROPPED, "VALARM", r.problem)
                self.dropped_alarms.append((i, None))
        valid = [(i, r) for i, r in enumerate(readings) if r.minutes_before is not None]
        marked = [r for _, r in valid if r.default_marker]
        own = [r for _, r in valid if not r.default_marker]
        use_default = bool(self.stash.get("reminders", {}).get("useDefault"))
        if not valid and not use_default and "reminders" in self.absent:
            return
        if (marked or use_default) and not own:
            self.out["reminders"] = {"useDefault": True}
            if self.profile != "resource":  # no defaultReminders in a request: the target calendar's apply
                for r in marked:
                    self.add(LossKind.ALARM_CONVERTED, "VALARM", "a default reminder is written as useDefault: "
                             "the calendar the event is created in applies its own default reminders",
                             before=f"{r.action} {r.minutes_before}", after="useDefault")
            return
        if marked:
            self.add(LossKind.MAPPING_CHOICE, "VALARM", "default and own reminders together: all written as overrides")
        overrides: list[dict[str, Any]] = []
        for i, r in valid:
            if r.converted:
                self.add(LossKind.ALARM_CONVERTED, "VALARM;TRIGGER", r.converted, after=r.minutes_before)
            method = tables.ACTION_TO_METHOD.get(r.action)
            if method is None:
                self.add(LossKind.VALUE_COLLAPSED, "VALARM;ACTION", f"ACTION:{r.action} has no Google method; popup used",
                         before=r.action, after="popup")
                method = "popup"
            elif r.action == "AUDIO":
                self.add(LossKind.VALUE_COLLAPSED, "VALARM;ACTION", "AUDIO alarm written as a popup",
                         before="AUDIO", after="popup")
            assert r.minutes_before is not None
            if r.minutes_before > tables.MAX_REMINDER_MINUTES:
                self.add(LossKind.ALARM_DROPPED, "VALARM;TRIGGER",
                         f"{r.minutes_before} minutes is over Google's limit of {tables.MAX_REMINDER_MINUTES}",
                         before=r.minutes_before)
                self.dropped_alarms.append((i, f"{method} {r.minutes_before}"))
                continue
            item = {"method": method, "minutes": r.minutes_before}
            if item in overrides:  # one reminder per method and time: an equal alarm adds nothing Google shows
                self.add(LossKind.ALARM_DROPPED, "VALARM", f"Google keeps one {method} reminder {r.minutes_before} "
                         "min before; this equal alarm is merged into it", before=f"{method} {r.minutes_before}")
                self.dropped_alarms.append((i, f"{method} {r.minutes_before}"))
                continue
            if len(overrides) == tables.MAX_OVERRIDES:
                self.add(LossKind.ALARM_DROPPED, "VALARM", f"Google keeps {tables.MAX_OVERRIDES} reminders",
                         before=f"{method} {r.minutes_before}")
                self.dropped_alarms.append((i, f"{method} {r.minutes_before}"))
                continue
            overrides.append(item)
        reminders: dict[str, Any] = {"useDefault": False}
        if overrides:
            reminders["overrides"] = overrides
        if "reminders.useDefault" in self.absent and not overrides:
            reminders = {}
        self.out["reminders"] = reminders

    def link(self) -> None:
        v, out = self.v, self.out
        for link in v.other_lines("LINK"):
            rel = (m.param(link.params, "LINKREL") or "").strip('"').lower()
            if rel == tables.LINK_REL_SOURCE and "source" not in out:
                out["source"] = {"url": link.value}
                label = m.param(link.params, "LABEL")
                if label:
                    out["source"]["title"] = label
            else:
                self.add(LossKind.UNSUPPORTED_FIELD, "LINK", f"LINK;LINKREL={rel} has no Google field", before=link.value)
        if "source" not in out and isinstance(self.stash.get("source"), dict):
            out["source"] = self.stash["source"]
        url = v.url
        if url and self.profile != "resource":
            # source.url is not the event's URL: only the creator sees it, as "where the event
            # came from" (discovery doc: Event.source), and it reads back as LINK;LINKREL=via.
            # It still carries the link, so it is used, and the URL is reported as collapsed.
            if url.startswith(("http://", "https://")) and "google.com/calendar" not in url and "source" not in out:
                out["source"] = {"url": url}
                self.add(LossKind.VALUE_COLLAPSED, "URL", "htmlLink is read-only; URL written as source.url, "
                         "which only the event's creator sees (it reads back as LINK;LINKREL=via)", before=url)
            else:
                self.add(LossKind.UNSUPPORTED_FIELD, "URL", "htmlLink is read-only", before=url)

    def attachments(self) -> None:
        stashed = {a.get("fileUrl"): a for a in self.stash.get("attachments", []) if isinstance(a, dict)}
        result: list[dict[str, Any]] = []
        for att in self.v.attachments:
            if att.uri is None:
                self.add(LossKind.UNSUPPORTED_FIELD, "ATTACH", "inline attachments have no Google form (fileUrl only)")
                continue
            url = att.uri
            entry = dict(stashed.get(url) or {})
            entry["fileUrl"] = url
            filename = m.param(att.params, "FILENAME")
            if filename:
                entry["title"] = filename
            fmttype = m.param(att.params, "FMTTYPE")
            if fmttype:
                entry["mimeType"] = fmttype
            if self.profile != "resource":
                if not re.match(r"^https://(drive|docs)\.google\.com/", url):
                    self.add(LossKind.MAPPING_CHOICE, "ATTACH",
                             "Google attaches Drive files only; this link may be refused", before=url)
                entry = {k: entry[k] for k in ("fileUrl", "title", "mimeType") if k in entry}
            result.append(entry)
        for url, entry in stashed.items():  # attachments that had no fileUrl
            if not url and self.profile == "resource":
                result.append(entry)
        if result:
            self.out["attachments"] = result

    def categories(self) -> None:
        """CATEGORIES → ``extendedProperties.private`` (tables.CATEGORIES_KEY): Google shows no
        categories, so it is still reported, but the way back restores them."""
        if not self.v.categories:
            return
        names = list(self.v.all_categories)
        if not names:
            return
        ext = dict(self.out.get("extendedProperties") or {})
        ext["private"] = {**(ext.get("private") or {}), tables.CATEGORIES_KEY: _categories_json(tuple(names))}
        self.out["extendedProperties"] = ext
        self.add(LossKind.UNSUPPORTED_FIELD, "CATEGORIES",
                 "Google events show no categories (kept in extendedProperties.private for the way back)",
                 before=", ".join(names))

    def keep_unmapped(self) -> None:
        """Properties Google has no field for are reported; their content lines also go to
        ``extendedProperties.private`` (tables.ICAL_LINES_KEY) while they fit one value, so the
        way back restores them (PRIORITY keeps a Graph importance through Google)."""
        if _nothing_unmapped(self):
            return
        lines: list[str] = list(self.other_scale_lines)
        for name in _UNMAPPED_PROPERTIES:
            if name == "CATEGORIES" or not (name in self.kept or _typed_present(self.v, name)):
                continue
            new = property_lines(self.v, name)
            fits = len("\r\n".join(lines + new)) <= tables.MAX_EXTENDED_VALUE
            if fits:
                lines.extend(new)
            self.add(LossKind.UNSUPPORTED_FIELD, name, f"Google events have no {name}"
                     + (" (kept in extendedProperties.private for the way back)" if fits else ""),
                     before=_unmapped_text(self.v, name))
        for name, first in _other_names(self.v).items():
            new = property_lines(self.v, name)
            fits = len("\r\n".join(lines + new)) <= tables.MAX_EXTENDED_VALUE
            if fits:
                lines.extend(new)
            self.report_other(name, unescape_text(first.value), fits)
        self.keep_dropped_alarms(lines)
        if lines:
            ext = dict(self.out.get("extendedProperties") or {})
            ext["private"] = {**(ext.get("private") or {}), tables.ICAL_LINES_KEY: "\r\n".join(lines)}
            self.out["extendedProperties"] = ext

    def keep_dropped_alarms(self, lines: list[str]) -> None:
        """The alarms ``reminders`` could not write (reported there as dropped) go after the kept
        lines, one VALARM block each (RFC 5545 3.6.6), while they fit the one private value, so
        ICS→Google→ICS gives them back (as Graph's extended property does); each kept one is
        reported as stashed.  One that does not fit stays dropped, as reported."""
        if not self.dropped_alarms:
            return
        dropped = sorted(self.dropped_alarms)  # in the event's order
        blocks = alarm_blocks(tuple(self.v.alarms[i] for i, _ in dropped))
        for (_, label), block in zip(dropped, blocks):
            if len("\r\n".join(lines + [block])) > tables.MAX_EXTENDED_VALUE:
                continue
            lines.append(block)
            self.add(LossKind.STASHED, "VALARM", "not among Google's reminders; kept in extendedProperties.private "
                     "for the way back", before=label)

    def report_other(self, name: str, before: str, kept: bool) -> None:
        """Report a property the mapper neither maps nor types (``name``, as :func:`_other_names`
        gives it; ``before``, its first value), as the Graph writer's ``report_kept`` does: an X-
        property (RFC 5545 3.8.8.2, private to its producer) as stashed, any other as a loss; as
        dropped when it did not fit."""
        if not kept:
            self.add(LossKind.DROPPED, name, f"Google events have no {name}; too long to keep in "
                     f"extendedProperties.private ({tables.MAX_EXTENDED_VALUE} characters) for the way back",
                     before=before)
        elif name.startswith("X-"):
            self.add(LossKind.STASHED, name, "no Google field; kept in extendedProperties.private for the way back",
                     before=before)
        else:
            self.add(LossKind.UNSUPPORTED_FIELD, name,
                     f"Google events have no {name} (kept in extendedProperties.private for the way back)",
                     before=before)

    def restore_stash(self) -> None:
        allowed = {"insert": INSERT_WRITABLE, "import": IMPORT_WRITABLE}.get(self.profile)
        kind = self.out.get("eventType")
        for key, value in self.stash.items():
            if key in _HANDLED_STASH or key.startswith("_"):
                continue
            if key in _TYPE_PROPERTIES and kind is not None and _TYPE_PROPERTIES[key] != kind:
                continue
            if allowed is not None and key not in allowed:
                continue
            self.out.setdefault(key, value)


_CATEGORIES_JSON: dict[tuple[str, ...], str] = {}


def _categories_json(names: tuple[str, ...]) -> str:
    """``names`` as the JSON array kept for the way back, once per list (calendars repeat them)."""
    found = _CATEGORIES_JSON.get(names)
    if found is None:
        found = remember(_CATEGORIES_JSON, names, json.dumps(list(names), ensure_ascii=False), 4096)
    return found


_Pieces = tuple[dict[str, Any] | None, tuple[Any, ...]]


def _attendee_fresh(att: m.Address, org_email: str | None) -> _Pieces:
    """An ATTENDEE's Google entry (None: not written) and the report calls its mapping makes."""
    calls: list[tuple[Any, dict[str, Any]]] = []
    entry = _Writer.attendee_entry(att, org_email, lambda *args, **kw: calls.append((args, kw)))
    return entry, tuple(calls)


def _attendee_memo(att: m.Address, org_email: str | None) -> _Pieces:
    """:func:`_attendee_fresh`, memoised by identity: ``org_email`` counts only as whether it is
    this attendee's e-mail (``attendee_entry``'s ``organizer`` flag); the caller copies the entry."""
    same = _attendees.get(id(att))
    if same is None or same[0] is not att:
        fresh = _attendee_fresh(att, None)
        email = fresh[0]["email"].lower() if fresh[0] is not None else None
        same = remember(_attendees, id(att), [att, fresh, None, email], 65536)
    if same[3] is None or not org_email or same[3] != org_email.lower():
        return same[1]  # the organizer is someone else: as without one
    if same[2] is None:
        same[2] = _attendee_fresh(att, org_email)
    return same[2]


_NO_NAMES: frozenset[str] = frozenset()  # the ``absent`` of an event without a stash

#: The early exits and memos of googleout5 (the tests turn them off to hold them to the general paths).
SHORTCUTS = True

def _bare(event: m.Event) -> bool:
    """Whether ``event`` lacks all that ``link``, ``attachments``, ``restore_stash`` and
    ``conference`` read (kept lines, and so a stash; URL; ATTACH; CONFERENCE): each would do
    nothing, so none is called (every bench/ event: 10k × four calls, ~45 ms)."""
    return not (event.other or event.url is not None or event.attachments or event.conferences)


def _nothing_unmapped(writer: _Writer) -> bool:
    """Whether ``keep_unmapped`` has nothing to do, by one cheap test (most events): no kept
    line (IMAGE, CONTACT… are kept lines), no rule of another scale, no PRIORITY, GEO or COMMENT."""
    v = writer.v
    return not (writer.kept or writer.other_scale_lines or v.priority is not None or v.geo is not None
                or v.comments or writer.dropped_alarms)


# Kept lines the mapper reads itself (mapped, or reported where it reads them), besides its
# own X-ICSBRIDGE- lines and _UNMAPPED_PROPERTIES: a line of a typed property is in ``other``
# only when it could not be read, and the reader reports that.
_USED_LINES = frozenset({
    "UID", "DTSTAMP", "DTSTART", "DTEND", "DURATION", "RRULE", "EXRULE", "RDATE", "EXDATE", "RECURRENCE-ID",
    "SUMMARY", "DESCRIPTION", "X-ALT-DESC", "LOCATION", "STATUS", "TRANSP", "CLASS", "SEQUENCE", "CREATED",
    "LAST-MODIFIED", "URL", "ORGANIZER", "ATTENDEE", "ATTACH", "CONFERENCE", "COLOR", "LINK",
    hub.X_GOOGLE_CONFERENCE, hub.X_BUSYSTATUS, *_UNMAPPED_PROPERTIES,
})


def _other_names(event: m.Event) -> dict[str, m.Line]:
    """The names (upper case) of the event's kept lines the mapper does not use, each with its
    first line: X- properties of other programs and IANA properties it does not know (RFC 5545
    3.7, 3.8.8) — Google has no field for them, so they travel in ``extendedProperties.private``.
    In the order the event's properties came (``Event.order``, as the Graph writer groups its
    kept lines; names it lacks last), so every reading path keeps them in one order."""
    names: dict[str, m.Line] = {}
    for line in event.other:
        name = line.name.upper()
        if name not in _USED_LINES and not name.startswith("X-ICSBRIDGE-"):
            names.setdefault(name, line)
    if event.order and len(names) > 1:
        rank = {name: i for i, name in enumerate(event.order)}
        names = dict(sorted(names.items(), key=lambda item: rank.get(item[0], len(rank))))
    return names


# Unmapped properties the model types (the others are kept lines).
_TYPED_UNMAPPED = {"PRIORITY": "priority", "GEO": "geo", "COMMENT": "comments"}


def _typed_present(event: m.Event, name: str) -> bool:
    attr = _TYPED_UNMAPPED.get(name)
    return attr is not None and getattr(event, attr) not in (None, ())


def _unmapped_text(event: m.Event, name: str) -> str:
    """The first value of an unmapped property as the report has always shown it (icalendar's
    text of it: TEXT unescaped, GEO as a pair, IMAGE as written)."""
    if name == "PRIORITY" and event.priority is not None:
        return str(event.priority)
    if name == "GEO" and event.geo is not None:
        return f"vGeo({(event.geo.latitude, event.geo.longitude)!r})"  # the repr icalendar's value gave
    if name == "COMMENT" and event.comments:
        return event.comments[0]
    line = next(event.other_lines(name))
    return line.value if name == "IMAGE" else unescape_text(line.value)


_TYPE_PROPERTIES = {"outOfOfficeProperties": "outOfOffice", "focusTimeProperties": "focusTime",
                    "workingLocationProperties": "workingLocation", "birthdayProperties": "birthday"}


# ---------------------------------------------------------------- the calendar

def _tombstones(series_master: m.Event, master: dict[str, Any], writer: _Writer) -> list[dict[str, Any]]:
    start = m.plain(series_master.start)
    zone = start.tzinfo if isinstance(start, datetime) else None
    out: list[dict[str, Any]] = []
    for dates in series_master.exdates:
        tid = m.param(dates.params, tables.PARAM_TOMBSTONE_ID) if dates.params else None
        if not tid:
            continue
        for item in dates.values:
            value = m.plain(item)  # type: ignore[arg-type]
            out.append({"kind": "calendar#event", "id": tid, "status": "cancelled",
                        "recurringEventId": master.get("id"),
                        "originalStartTime": writer.edt(value, "EXDATE", zone=zone if isinstance(value, datetime) else None)})  # type: ignore[arg-type]
    return out


@gc_paused
def calendar_to_events(cal: m.Calendar | Iterable[m.Series], report: Report, options: GoogleWriteOptions
                       ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The hub (a calendar, or its series) → (Google event dicts, list-level fields:
    ``timeZone``, ``defaultReminders``).  A calendar's X-WR-TIMEZONE (Google's own export) is
    the list's ``timeZone``."""
    zone_name = options.calendar_zone
    if isinstance(cal, m.Calendar):
        all_series = list(cal.series)
        wr_zone = next(cal.other_lines("X-WR-TIMEZONE"), None)
        if wr_zone is not None:
            zone_name = wr_zone.value
    else:
        all_series = list(cal)
    options = GoogleWriteOptions(profile=options.profile, default_zone=options.default_zone, calendar_zone=zone_name)
    out: list[dict[str, Any]] = []
    defaults: list[dict[str, Any]] | None = None
    report_duplicate_uids(all_series, report)
    all_series = [part for series in all_series for part in split_series(series, report)]  # RANGE=THISANDFUTURE
    for series in all_series:
        master = series.master
        master_dict: dict[str, Any] | None = None
        master_zone: tzinfo | None = None
        reference = master if master is not None else (series.overrides[0] if series.overrides else None)
        reference_start = m.plain(reference.start) if reference is not None else None
        all_day_series = isinstance(reference_start, date) and not isinstance(reference_start, datetime)
        if master is not None and master.start is None:
            report.add(LossKind.EVENT_SKIPPED, "DTSTART", "Google events need a start; event not written",
                       uid=series.uid or None)
            master = None
        if master is not None:
            writer = _Writer(master, report, options)
            try:
                master_dict = writer.build()
            except (ValueError, TypeError, KeyError, AttributeError, OverflowError) as exc:
                report.add(LossKind.EVENT_SKIPPED, "VEVENT", f"cannot be written: {exc}", uid=series.uid or None)
                master = None
                master_dict = None
        if master_dict is not None and master is not None:
            master_zone = writer.start_zone
            out.append(master_dict)
            if options.profile == "resource":
                out.extend(_tombstones(master, master_dict, writer))
            if defaults is None and (writer.alarm_readings or not SHORTCUTS):  # none of no alarms
                defaults = _default_reminders(writer.alarm_readings)
        master_id = master_dict.get("id") if master_dict else None
        if master_id is None and master is None and series.overrides:
            gid = _kept(series.overrides[0], hub.X_GOOGLE_RECURRING_EVENT_ID)
            master_id = gid or (google_id(series.uid) if options.profile != "import" else None)
            report.add(LossKind.MAPPING_CHOICE, "RECURRENCE-ID", "overrides without their master written as instances",
                       uid=series.uid)
        for override in series.overrides:
            if override.start is None:
                cancelled = _cancelled_occurrence(override, series.uid, master_dict, master_id, master_zone,
                                                  all_day_series, report, options, master)
                if cancelled is not None:
                    out.append(cancelled)
                continue
            try:
                out.append(_Writer(override, report, options).build(master_id=master_id, master_zone=master_zone,
                                                                    all_day_series=all_day_series))
            except (ValueError, TypeError, KeyError, AttributeError, OverflowError) as exc:
                report.add(LossKind.EVENT_SKIPPED, "VEVENT", f"override cannot be written: {exc}", uid=series.uid or None)
    calendar: dict[str, Any] = {}
    if zone_name:
        calendar["timeZone"] = zone_name
    if defaults and options.profile == "resource":
        calendar["defaultReminders"] = defaults
    return out, calendar


def _cancelled_occurrence(override: m.Event, uid: str, master_dict: dict[str, Any] | None, master_id: str | None,
                          master_zone: tzinfo | None, all_day_series: bool, report: Report,
                          options: GoogleWriteOptions, master: m.Event | None = None) -> dict[str, Any] | None:
    """An override without a start: an iTIP CANCEL of one occurrence (STATUS:CANCELLED) is that
    occurrence cancelled — a tombstone item (``resource``) or an EXDATE line on its master (insert,
    import); anything else cannot be written."""
    rid_value = override.recurrence_id.value if override.recurrence_id is not None else None
    rid = m.plain(rid_value)
    rid_text = recurrence_id_text(override)
    cancelled = (override.status or "").upper() == "CANCELLED"
    if not cancelled or rid is None or master_dict is None:
        report.add(LossKind.EVENT_SKIPPED, "DTSTART", "override without a start not written", uid=uid or None,
                   recurrence_id=rid_text)
        return None
    if all_day_series and isinstance(rid, datetime):
        rid = rid_value = rid.date()
    if master is not None and Occurrences(master).match(rid) is None:
        report.add(LossKind.INVALID_VALUE, "RECURRENCE-ID", "cancelled occurrence matches no occurrence of the series "
                   "(RFC 5545 3.8.4.4): it cancels nothing and is not written", uid=uid or None, recurrence_id=rid_text)
        return None
    report.add(LossKind.EVENT_REMOVED, "RECURRENCE-ID",
               "cancelled occurrence without details written as a cancelled instance of its series",
               uid=uid or None, recurrence_id=rid_text)
    if options.profile == "resource":
        writer = _Writer(override, report, options)
        gid = _kept(override, hub.X_GOOGLE_ID)
        return {"kind": "calendar#event", "id": gid or instance_id(master_id or google_id(uid), rid),
                "status": "cancelled", "recurringEventId": master_id,
                "originalStartTime": writer.edt(rid, "RECURRENCE-ID",
                                                zone=master_zone if isinstance(rid, datetime) else None)}
    scratch = m.Event(exdates=(m.DateList((rid_value,)),))  # type: ignore[arg-type]
    master_dict.setdefault("recurrence", []).extend(render_recurrence(scratch, master_zone, skip_tombstones=False))
    return None


def _default_reminders(readings: list[Any]) -> list[dict[str, Any]] | None:
    """The calendar's ``defaultReminders``: the master's alarms marked as Google defaults."""
    found = [{"method": tables.ACTION_TO_METHOD.get(r.action, "popup"), "minutes": r.minutes_before}
             for r in readings if r.default_marker and r.minutes_before is not None]
    return found or None
