"""Round-trip validation and semantic diff: does a calendar still *mean* the same thing?

Why meaning and not text: every converter re-expresses values (a Windows TZID becomes an IANA
one, ``FREQ=DAILY;BYDAY=MO,TU`` becomes a weekly pattern, an HTML body becomes text), so a
textual diff reports noise and misses real losses.  Each VEVENT of the hub is reduced here to
an :class:`EventMeaning` — the values a user would notice if they changed — and two calendars
are compared value by value:

* ``start`` / ``end``: the instant in UTC (``…Z``), the wall time for floating values, the date
  for all-day events; a missing DTEND is DTSTART + DURATION, one day (all-day) or zero;
* ``occurrences`` (series masters): the expanded start set over a bounded horizon (default five
  years after DTSTART or 1000 occurrences, whichever comes first), computed with
  python-dateutil from RRULE/RDATE/EXRULE/EXDATE, DTSTART always counted (RFC 5545 3.8.5.3), then
  overrides applied (their RECURRENCE-ID removed, their DTSTART added unless cancelled); the
  horizon is a number of years after each DTSTART or one date for all (:class:`Horizon`);
* ``series_end``: how the series ends (none, COUNT, UNTIL) and, past the horizon, its last
  occurrence, so series that differ only beyond the horizon still differ;
* ``organizer``; ``attendees`` (email → role, status, type); ``alarms`` (action, minutes before
  start); ``summary``; ``description`` (text, without the join-link marker line, whitespace
  collapsed); ``location``; ``categories``; ``class`` (default PUBLIC); ``busy`` (Outlook's
  X-MICROSOFT-CDO-BUSYSTATUS, else TRANSP: OPAQUE → BUSY, TRANSPARENT → FREE); ``status`` (absent
  means CONFIRMED); ``url``; ``conference`` (CONFERENCE, X-MICROSOFT-SKYPETEAMSMEETINGURL and
  X-GOOGLE-CONFERENCE URIs).

Events are matched by UID and RECURRENCE-ID (as an instant), then by Graph transaction id or the
Google event id an insert body carries instead of the UID, then the rest by start and summary.  Round trips also say whether each difference was *reported* by the
conversion's loss report: an unreported difference is a silent loss, the one thing a converter
must never do.  A round trip is judged as the target provider shows it: the ``via`` document
without ics-bridge's private data (:mod:`ics_bridge.native`), beside the view restored through
that data; ``diff`` reads both inputs the same native way.
"""

from __future__ import annotations

import json
import re
import warnings
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timezone
from pathlib import Path
from typing import Any, Iterable, Literal

from dateutil.relativedelta import relativedelta
from icalendar import Calendar

from . import hub
from . import model as m
from .errors import InputError
from .expansion import ExpansionError, align, exrule_exclusions, series_set
from .occurrences import at_series_time
from .thisandfuture import shifted_starts
from .options import Format, Options
from .report import Loss, LossKind, Report, Severity
from .series import recurrence_id_text
from .text import JOIN_LINE_PREFIX, html_to_text, looks_like_html, strip_join_line
from .io.model_writer import duration_text
from .vevent import address_email, alarm_reading, categories, conferences, event_end, get_description, get_stash

DEFAULT_HORIZON_YEARS = 5
DEFAULT_MAX_OCCURRENCES = 1000
# A difference list longer than this is shortened in ``before`` / ``after`` texts.
_SHOWN_OCCURRENCES = 5

Status = Literal["lossless", "changed", "missing", "extra"]

# The compared fields, in the order they are shown.
FIELDS = ("start", "end", "occurrences", "series_end", "summary", "description", "location", "organizer",
          "attendees", "alarms", "categories", "class", "busy", "status", "url", "conference")


@dataclass(frozen=True)
class Horizon:
    """How far a series is expanded: ``years`` after its DTSTART, or up to the date ``until``
    (inclusive, the same end for every series), and at most ``max_count`` starts.  Beyond it only
    the series' end is compared (:func:`series_end`)."""

    years: int = DEFAULT_HORIZON_YEARS
    max_count: int = DEFAULT_MAX_OCCURRENCES
    until: date | None = None

    def __post_init__(self) -> None:
        if (self.until is None and self.years < 1) or self.max_count < 1:
            raise ValueError("the horizon needs at least one year and one occurrence")

    @classmethod
    def parse(cls, text: str, max_count: int = DEFAULT_MAX_OCCURRENCES) -> Horizon:
        """``10`` / ``10y`` (years after each series start) or ``2030-12-31`` (a date)."""
        value = text.strip().lower().removesuffix("years").removesuffix("year").removesuffix("y").strip()
        if value.isdigit():
            return cls(int(value), max_count)
        try:
            return cls(max_count=max_count, until=date.fromisoformat(text.strip()))
        except ValueError:
            raise ValueError(f"{text!r} is neither a number of years nor a date (YYYY-MM-DD)") from None

    def limit(self, base: datetime) -> datetime:
        """The last instant expanded for a series starting at ``base`` (in its zone)."""
        try:
            if self.until is not None:
                return datetime.combine(self.until, time(23, 59, 59)).replace(tzinfo=base.tzinfo)
            return base + relativedelta(years=self.years)
        except (ValueError, OverflowError):  # a start near the year 9999: the end of time is the horizon
            return datetime.max.replace(tzinfo=base.tzinfo)

    def as_text(self) -> str:
        span = f"until {self.until.isoformat()}" if self.until is not None else (
            f"{self.years} year{'s' if self.years != 1 else ''} after each series start")
        return f"{span}, at most {self.max_count} occurrences"

    def as_dict(self) -> dict[str, Any]:
        return {"years": None if self.until is not None else self.years,
                "until": self.until.isoformat() if self.until is not None else None,
                "max_occurrences": self.max_count, "text": self.as_text()}


# ------------------------------------------------------------------------------------------
# Results
# ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Difference:
    """One changed value: ``field`` (``attendees[bob@example.com].status`` for a part of a
    value), the value before and after (``None`` = absent), and for round trips the loss-report
    entries that announce it (empty = a silent change)."""

    field: str
    before: str | None
    after: str | None
    reported_by: tuple[str, ...] = ()
    # Round trips: who does not show the value when only ics-bridge's private data carries it
    # back (the restored view has no such difference); None for a difference of both views.
    not_shown_by: str | None = None
    # Round trips: a difference of the restored view (what ``convert`` gives back) that the
    # native view does not have, so what the provider shows and what comes back disagree.
    restored_only: bool = False

    @property
    def reported(self) -> bool:
        return bool(self.reported_by)

    @property
    def kept_privately(self) -> bool:
        return self.not_shown_by is not None

    def as_text(self) -> str:
        return f"{self.field}: {_show(self.before)} → {_show(self.after)}"

    def note(self) -> str:
        """What the CLI prints beside a round-trip difference."""
        parts = [f"kept only in ics-bridge's private data; {self.not_shown_by} does not show it"] if self.kept_privately else []
        if self.restored_only:
            parts.append("when read back by ics-bridge, as convert gives it")
        parts.append(f"reported: {'; '.join(self.reported_by)}" if self.reported else "not in the loss report")
        return "; ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        out = {"field": self.field, "before": self.before, "after": self.after,
               "reported": self.reported, "reported_by": list(self.reported_by),
               "kept_only_in_private_data": self.kept_privately, "not_shown_by": self.not_shown_by}
        if self.restored_only:  # only then: the JSON of every other difference stays as it was
            out["restored_only"] = True
        return out


@dataclass
class EventVerdict:
    """The comparison of one event (one VEVENT: a single event, a series master or an override).

    ``status``: ``lossless`` (same meaning), ``changed`` (see ``differences``), ``missing`` (only
    before / in LEFT), ``extra`` (only after / in RIGHT)."""

    uid: str | None
    recurrence_id: str | None
    summary: str | None
    start: str | None
    status: Status
    differences: list[Difference] = field(default_factory=list)
    file: str | None = None
    reported_by: tuple[str, ...] = ()  # for missing/extra events in a round trip
    # A round trip's event lost only in the native view (see ``Difference.not_shown_by``).
    not_shown_by: str | None = None
    # The compared "before" event (for matching the native and the restored view).
    meaning: EventMeaning | None = field(default=None, repr=False, compare=False)
    # The UID of its paired "after" event, when the trip gave it another one (Google events.insert
    # names an event by the id sent, ``<id>@google.com``): report entries of the way back use it.
    after_uid: str | None = field(default=None, repr=False, compare=False)
    # Round trips: lost or gained only when read back by ics-bridge (the restored view, what
    # ``convert`` gives back), though the provider's own view keeps the event as it was.
    restored_only: bool = False

    @property
    def lossless(self) -> bool:
        return self.status == "lossless"

    @property
    def label(self) -> str:
        text = self.uid or "(no UID)"
        if self.recurrence_id:
            text += f" [{self.recurrence_id}]"
        return text

    def unreported(self) -> list[Difference]:
        return [d for d in self.differences if not d.reported]

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "uid": self.uid, "recurrence_id": self.recurrence_id,
                "summary": self.summary, "start": self.start, "status": self.status,
                "differences": [d.as_dict() for d in self.differences],
                "reported_by": list(self.reported_by), "not_shown_by": self.not_shown_by,
                **({"restored_only": True} if self.restored_only else {})}


def _error_dict(err: InputError) -> dict[str, Any]:
    return {"file": err.file, "uid": err.uid, "field": err.field, "message": err.message, "text": str(err)}


@dataclass
class RoundtripResult:
    """``source`` → hub → ``via`` → hub, compared in two views of the ``via`` document:

    * ``events`` — the **native** view: the document as the provider holds and shows it, every
      ics-bridge stash removed (:mod:`ics_bridge.native`).  The verdict (``lossless``) and the
      CLI's exit code follow it;
    * ``restored`` — the same document read back by ics-bridge with its private data, as
      ``convert`` does.  A native difference the restored view does not have is marked
      ``not_shown_by``: only ics-bridge brings it back.

    ``report`` holds what the conversions announced (reading the input, writing ``via``, reading
    it back); ``errors`` the events that could not be read on either pass."""

    file: str | None
    source: Format
    via: Format
    events: list[EventVerdict]
    report: Report
    errors: list[InputError] = field(default_factory=list)
    restored: list[EventVerdict] = field(default_factory=list)
    horizon: Horizon = field(default_factory=Horizon)

    @property
    def lossless(self) -> bool:
        return not self.errors and all(e.lossless for e in self.events)

    @property
    def restored_lossless(self) -> bool:
        return not self.errors and all(e.lossless for e in self.restored)

    @property
    def changed(self) -> list[EventVerdict]:
        return [e for e in self.events if not e.lossless]

    def unreported(self) -> list[tuple[EventVerdict, Difference | None]]:
        """Differences (and lost or gained events) that no loss-report entry announces."""
        out: list[tuple[EventVerdict, Difference | None]] = []
        for event in self.events:
            if event.status in ("missing", "extra") and not event.reported_by:
                out.append((event, None))
            out.extend((event, d) for d in event.unreported())
        return out

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "source": self.source, "via": self.via, "horizon": self.horizon.as_dict(),
                "lossless": self.lossless, "events": [e.as_dict() for e in self.events],
                "restored": {"lossless": self.restored_lossless, "events": [e.as_dict() for e in self.restored]},
                "errors": [_error_dict(e) for e in self.errors],
                "report": [e.as_dict() for e in self.report]}


@dataclass
class DiffResult:
    """LEFT against RIGHT: every event of either side with its status."""

    left: str | None
    right: str | None
    events: list[EventVerdict]
    errors: list[InputError] = field(default_factory=list)
    horizon: Horizon = field(default_factory=Horizon)

    @property
    def missing(self) -> list[EventVerdict]:
        return [e for e in self.events if e.status == "missing"]

    @property
    def extra(self) -> list[EventVerdict]:
        return [e for e in self.events if e.status == "extra"]

    @property
    def changed(self) -> list[EventVerdict]:
        return [e for e in self.events if e.status == "changed"]

    @property
    def same(self) -> list[EventVerdict]:
        return [e for e in self.events if e.status == "lossless"]

    @property
    def identical(self) -> bool:
        return all(e.lossless for e in self.events)

    def as_dict(self) -> dict[str, Any]:
        return {"left": self.left, "right": self.right, "horizon": self.horizon.as_dict(), "identical": self.identical,
                "counts": {"same": len(self.same), "changed": len(self.changed),
                           "missing": len(self.missing), "extra": len(self.extra)},
                "events": [e.as_dict() for e in self.events if not e.lossless],
                "errors": [_error_dict(e) for e in self.errors]}


# ------------------------------------------------------------------------------------------
# Normalised values
# ------------------------------------------------------------------------------------------

def _show(value: str | None) -> str:
    return "(none)" if value is None else value


def instant_text(value: Any) -> str | None:
    """A date-time as a comparable text: UTC ``…Z`` for zoned values, the wall time for
    floating ones, ``YYYY-MM-DD`` for dates."""
    if isinstance(value, m.ZonedDateTime):
        value = value.dt
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is not None and value.utcoffset() is not None:
            try:
                return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            except OverflowError:  # past 9999-12-31 in UTC: its local text, with its offset
                return value.isoformat()
        return value.replace(tzinfo=None).strftime("%Y-%m-%dT%H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple) and value:  # PERIOD (start, end|duration)
        return instant_text(value[0])
    return str(value)


_SPACE_RE = re.compile(r"\s+")


def _clean_text(value: str | None) -> str | None:
    if value is None:
        return None
    text = _SPACE_RE.sub(" ", value).strip()
    return text or None


def _other_value(event: m.Event, name: str) -> str | None:
    """The first kept line ``name``'s value as written (an X- property's value stays escaped)."""
    return next((line.value for line in event.other_lines(name)), None)


def _conference_uris(event: m.Event) -> list[str]:
    uris = [uri for uri, _params in conferences(event)]
    for name in (hub.X_TEAMS_URL, hub.X_GOOGLE_CONFERENCE):
        uris.extend(line.value for line in event.other_lines(name))
    return sorted({u.strip() for u in uris if u and u.strip()})


def _description(event: m.Event, uris: list[str]) -> str | None:
    """The readable text of the body.  Providers hold one body, so an event's plain DESCRIPTION
    and its HTML alternative (X-ALT-DESC, ``ALTREP`` data URL) are two renderings of the same
    content; the HTML one is compared when it exists (a converter that carries the HTML and
    re-derives the text has lost nothing, whatever spacing the producer's own rendering had).
    A DESCRIPTION without an alternative that is unambiguous HTML (``looks_like_html``: Google's
    own export writes its HTML descriptions there, holiday feeds write ``&#252;``) means what it
    shows as HTML, the reading Google applies to it."""
    text, html = get_description(event)
    if html and html.strip():
        text = html_to_text(html)
    elif text is not None and looks_like_html(text):
        text = html_to_text(text, preserve_newlines=True)
    for uri in uris:
        text, removed = strip_join_line(text, uri)
        if removed:
            break
    return _clean_text(text)


def _person_key(person: m.Address | None, index: int) -> str:
    email = address_email(person)
    if email:
        return email.lower()
    name = person.cn if person is not None else None
    return f"name:{name}" if name else f"#{index}"


def _attendees(event: m.Event) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for index, person in enumerate(event.attendees):
        cutype = (person.cutype if person.cutype is not None else "INDIVIDUAL").upper()
        resource = cutype in ("RESOURCE", "ROOM")
        out[_person_key(person, index)] = {
            # A resource takes no part: its ROLE is written NON-PARTICIPANT (MS-OXCICAL) by some
            # producers and REQ-PARTICIPANT by others (Google), with the same meaning.
            "role": "RESOURCE" if resource else (person.role if person.role is not None else "REQ-PARTICIPANT").upper(),
            "status": (person.partstat if person.partstat is not None else "NEEDS-ACTION").upper(),
            # ROOM is a kind of RESOURCE for every provider (Graph and Google have one "resource").
            "type": "RESOURCE" if resource else cutype,
            "name": " ".join((person.cn or "").split()),
        }
    return out


def _trigger_text(alarm: m.Alarm) -> str:
    """The TRIGGER value as written (RFC 5545 3.8.6.3), for an alarm with no "minutes before"."""
    trigger = alarm.trigger
    if trigger is None:
        return next((line.value for line in alarm.other if line.name == "TRIGGER"), "?")
    if trigger.offset is not None:
        return duration_text(trigger.offset)
    assert trigger.at is not None
    at = trigger.at.dt
    return at.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ") if at.tzinfo is not None else at.strftime("%Y%m%dT%H%M%S")


def _alarms(event: m.Event) -> tuple[str, ...]:
    items = []
    for alarm in event.alarms:
        reading = alarm_reading(alarm, event)
        if reading.minutes_before is not None:
            items.append(f"{reading.action} {reading.minutes_before} min before start")
        else:
            items.append(f"{reading.action} {_trigger_text(alarm)}")
    return tuple(sorted(items))


def _busy(event: m.Event) -> str:
    busy = _other_value(event, hub.X_BUSYSTATUS)
    if busy:
        return busy.strip().upper()
    transp = (event.transparency or "OPAQUE").strip().upper()
    return "FREE" if transp == "TRANSPARENT" else "BUSY"


@dataclass
class EventMeaning:
    """What one VEVENT means, as comparable values (see the module doc)."""

    uid: str | None
    recurrence_id: str | None
    values: dict[str, Any]
    truncated: bool = False
    # Graph ``transactionId``: the one identity a Graph request body carries (no UID); the
    # stashed one for an event read from Graph, else the one ics-bridge would write.
    transaction: str | None = None
    # The Google event id of its series: the one an events.insert body carries instead of the
    # UID (Google then names the event ``<id>@google.com``), for pairing across that trip.
    google_series: str | None = None

    @property
    def summary(self) -> str | None:
        return self.values.get("summary")

    @property
    def start(self) -> str | None:
        return self.values.get("start")


def event_meaning(event: m.Event, occurrences: frozenset[str] | str | None = None,
                  series_end: str | None = None) -> EventMeaning:
    start = m.plain(event.start)
    uris = _conference_uris(event)
    values: dict[str, Any] = {
        "start": instant_text(start),
        "end": instant_text(event_end(event, start)),
        "occurrences": occurrences,
        "series_end": series_end,
        "summary": _clean_text(event.summary),
        "description": _description(event, uris),
        "location": _clean_text(event.location),
        "organizer": _person_key(event.organizer, 0) if event.organizer is not None else None,
        "attendees": _attendees(event),
        "alarms": _alarms(event),
        "categories": tuple(sorted({c.strip() for c in categories(event) if c.strip()})),
        "class": (event.classification or "PUBLIC").strip().upper(),
        "busy": _busy(event),
        "status": (event.status or "CONFIRMED").strip().upper(),
        "url": _clean_text(event.url),
        "conference": tuple(uris),
    }
    return EventMeaning(event.uid, _rid_text(event), values, transaction=_transaction(event),
                        google_series=_google_series(event))


def _transaction(event: m.Event) -> str | None:
    from .providers.graph.from_ical import transaction_id
    stashed = get_stash(event, hub.X_GRAPH_STASH).get("transactionId")
    if isinstance(stashed, str):
        return stashed
    uid = event.uid
    return transaction_id(uid, recurrence_id_text(event)) if uid else None


def _google_series(event: m.Event) -> str | None:
    """The id Google knows the event's series by: an event read from Google has its id
    (``X-ICSBRIDGE-GOOGLE-ID``; an occurrence's UID is ``<series id>@google.com`` when Google
    gave no iCalUID); any other event the id ics-bridge writes for its UID
    (``providers.google.from_ical.google_id``), whatever the UID looks like (an Outlook file
    holding a Google UID gets a new id on insert)."""
    from .providers.google.from_ical import google_id, is_valid_id
    uid = event.uid
    gid = _other_value(event, hub.X_GOOGLE_ID)
    if event.recurrence_id is None and is_valid_id(gid):
        return gid
    if gid and uid and uid.endswith(_GOOGLE_UID_SUFFIX):  # read from Google: the UID names its series id
        return uid[: -len(_GOOGLE_UID_SUFFIX)]
    return google_id(uid) if uid else None  # a UID of any shape, even ``…@google.com``: what the writer sends


_GOOGLE_UID_SUFFIX = "@google.com"


def _rid_text(event: m.Event) -> str | None:
    return instant_text(event.recurrence_id.value) if event.recurrence_id is not None else None


# ------------------------------------------------------------------------------------------
# Bounded expansion
# ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Expansion:
    """A series expanded to the horizon: ``starts`` (or ``"cannot expand: …"``), whether it goes on
    beyond the horizon (``truncated``), and for a series that ends there, its last start
    (``beyond``: the instant, or the rule's own end when it lies past the search budget)."""

    starts: frozenset[str] | str
    truncated: bool = False
    beyond: str | None = None


def expand_series(master: m.Event, overrides: Iterable[m.Event] = (), horizon: Horizon = Horizon()
                  ) -> tuple[frozenset[str] | str, bool]:
    """The start set of a series within the horizon, overrides applied.

    Returns ``(starts, truncated)``; ``starts`` is a text (``"cannot expand: …"``) when the rule
    cannot be read.  Bounded by ``horizon`` in both time and count, so an endless
    ``FREQ=SECONDLY`` costs at most ``max_count`` steps."""
    found = expand(master, overrides, horizon)
    return found.starts, found.truncated


def _ends(master: m.Event) -> bool:
    rules = master.rrules
    return bool(rules) and all(rule.count is not None or rule.until is not None for rule in rules)


def expand(master: m.Event, overrides: Iterable[m.Event] = (), horizon: Horizon = Horizon()) -> Expansion:
    """:func:`expand_series`, and past the horizon the last start of a series that ends, searched
    at most ``max_count`` more steps (so ``COUNT=1000000000`` costs two horizons, not 10^9)."""
    overrides = list(overrides)
    start = m.plain(master.start)
    if start is None:
        return Expansion(frozenset())
    all_day = not isinstance(start, datetime)
    base = datetime.combine(start, time()) if all_day else start
    limit = horizon.limit(base)

    def shown(value: datetime) -> str:
        return _shown(value, all_day)

    excluded = _exdates(master, start, base, all_day)
    moved = {_named(o.recurrence_id.value, start, base, all_day) for o in overrides if o.recurrence_id is not None}
    recurs = master.rrules or any(line.values for line in master.rdates)
    found: list[datetime] = [base]
    truncated = False
    beyond: str | None = None
    if recurs:
        try:
            rs = series_set(master, base)
            found = []
            ends = _ends(master)
            budget = horizon.max_count - 2  # with the step that finds it spent: two horizons in all
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                for occurrence in rs:
                    if not truncated and occurrence <= limit and len(found) < horizon.max_count:
                        found.append(occurrence)
                        continue
                    truncated = True
                    if not ends:
                        break
                    if budget < 0:  # the end lies past the search: the rule's own end stands for it
                        beyond = _rule_end(master)
                        break
                    budget -= 1
                    key = shown(occurrence)
                    if key not in excluded and key not in moved:
                        beyond = key
                exrules = master.exrules
                if exrules and found:  # bounded (a SECONDLY EXRULE over five years would never end)
                    excluded_rule, _ended = exrule_exclusions(exrules, base, found[-1], refuse_search=False)
                    found = [o for o in found if o not in excluded_rule]
        except ExpansionError as exc:
            return Expansion(f"cannot expand: {exc}")
        except (ValueError, TypeError, OverflowError) as exc:
            return Expansion(f"cannot expand: {exc}")
    starts = {shown(o): o for o in found if shown(o) not in excluded and shown(o) not in moved}
    # RANGE=THISANDFUTURE: every later occurrence moves as the overridden one did (RFC 5545 3.8.4.4)
    ranged = shifted_starts(master, overrides)
    if ranged:
        shifted: dict[str, datetime] = {}
        for value in starts.values():
            shifts = [shift for cut, shift in ranged if value >= cut]
            if shifts and shifts[-1] is None:
                continue  # cancelled with every later occurrence
            value = shifts[-1](value) if shifts and shifts[-1] is not None else value
            shifted[shown(value)] = value
        starts = shifted
    result = set(starts)
    limit_text = shown(limit)
    for override in overrides:
        if (override.status or "").upper() == "CANCELLED":
            continue
        own = instant_text(override.start)
        if own:
            result.add(own)
            if beyond is not None and own > limit_text and own > beyond:
                beyond = own  # an occurrence moved past the last one
    return Expansion(frozenset(result), truncated, beyond)


def _named(value: Any, start: date | datetime, base: datetime, all_day: bool) -> str:
    """The occurrence an EXDATE or RECURRENCE-ID value names, by instant (RFC 5545 3.8.5.1,
    3.8.4.4): a DATE on a timed series is that day at the series' time of day
    (quirks/date_on_timed_series.py); a date-time on an all-day series is its own local date
    (Outlook writes midnight in the event zone)."""
    value = m.plain(value)
    if not all_day and isinstance(value, date) and not isinstance(value, datetime):
        assert isinstance(start, datetime)
        value = at_series_time(value, start)
    elif all_day and isinstance(value, datetime):
        return value.date().isoformat()
    aligned = align(value, base)
    return _shown(aligned, all_day) if aligned is not None else instant_text(value) or ""


def _rule_end(master: m.Event) -> str:
    """``COUNT=n`` / ``UNTIL=<instant>`` of the rules, for an end too far to search."""
    parts = []
    for rule in master.rrules:
        if rule.count is not None:
            parts.append(f"COUNT={rule.count}")
        else:
            parts.append(f"UNTIL={instant_text(rule.until)}")
    return "after " + ", ".join(sorted(parts))


def _shown(value: datetime, all_day: bool) -> str:
    return instant_text(value.date() if all_day else value) or ""


def _exdates(master: m.Event, start: date | datetime, base: datetime, all_day: bool) -> set[str]:
    """EXDATE as the excluded starts (shown texts), each read as :func:`_named` reads it."""
    return {_named(value, start, base, all_day) for line in master.exdates for value in line.values}


def series_end(master: m.Event, expansion: Expansion) -> str | None:
    """How a series ends, compared beside its expanded starts (which stop at the horizon):
    ``none`` (an RRULE without COUNT or UNTIL), ``COUNT`` or ``UNTIL`` (RFC 5545 3.3.10; the UNTIL
    value itself is not compared: Graph re-expresses it as the end of a local day), and when the
    series ends beyond the horizon its last occurrence.  An endless series and one ending in
    2032, or yearly COUNT=20 and COUNT=6, expand alike for five years; they differ here.
    ``None`` for an event without RRULE."""
    if not master.rrules:
        return None
    if not _ends(master):
        return "none"  # one endless rule makes the series endless
    text = ", ".join(sorted({"COUNT" if rule.count is not None else "UNTIL" for rule in master.rrules}))
    if expansion.beyond is None:
        return text
    if expansion.beyond.startswith("after "):
        return f"{text}; last occurrence not searched ({expansion.beyond})"
    return f"{text}; last occurrence {expansion.beyond}"


def calendar_meanings(cal: m.Calendar, horizon: Horizon = Horizon()) -> list[EventMeaning]:
    """Every VEVENT of a calendar as an :class:`EventMeaning`, series expanded (its series as
    the model reader groups them: ``series.group_series``)."""
    out: list[EventMeaning] = []
    for series in cal.series:
        if series.master is not None:
            recurring = bool(series.master.rrules or series.master.rdates)
            found = Expansion(None, False) if not (recurring or series.overrides) else \
                expand(series.master, series.overrides, horizon)  # type: ignore[arg-type]
            meaning = event_meaning(series.master, found.starts, series_end(series.master, found))
            meaning.truncated = found.truncated
            out.append(meaning)
        reference = series.master if series.master is not None else None
        for override in series.overrides:
            meaning = event_meaning(override)
            base = reference if reference is not None else override
            base_start = m.plain(base.start)
            all_day = not isinstance(base_start, datetime) and base_start is not None
            rid = m.plain(override.recurrence_id.value) if override.recurrence_id is not None else None
            if all_day and isinstance(rid, datetime):
                # An all-day series names its occurrences by date: a date-time RECURRENCE-ID
                # (Outlook: midnight in the event zone) means its own local date, whichever zone
                # or UTC form a converter re-expresses it in (the expansion reads it the same way).
                meaning.recurrence_id = rid.date().isoformat()
            out.append(meaning)
    return out


# ------------------------------------------------------------------------------------------
# Comparison
# ------------------------------------------------------------------------------------------

def _sample(items: Iterable[str]) -> str | None:
    items = sorted(items)
    if not items:
        return None
    text = ", ".join(items[:_SHOWN_OCCURRENCES])
    if len(items) > _SHOWN_OCCURRENCES:
        text += f" (+{len(items) - _SHOWN_OCCURRENCES} more)"
    return text


def _format(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, tuple):
        return ", ".join(value) if value else None
    return str(value)


def compare_meanings(before: EventMeaning, after: EventMeaning) -> list[Difference]:
    diffs: list[Difference] = []
    for name in FIELDS:
        a, b = before.values.get(name), after.values.get(name)
        if a == b:
            continue
        if name == "series_end" and (a is None or b is None) and _lone_series(before, after):
            continue  # a lone event and a rule with only its start (COUNT=1) end alike
        if name == "description" and _join_line_moved(before, after):
            continue  # the conference difference says where the link went
        if name == "occurrences" and isinstance(a, frozenset) and isinstance(b, frozenset):
            diffs.append(Difference(name, _sample(a - b), _sample(b - a)))
        elif name == "occurrences" and (a is None or b is None) and isinstance(a if a is not None else b, frozenset):
            # a lone event occurs once, at its start (the same as a "series" of only its start)
            a = frozenset({before.start}) - {None} if a is None else a
            b = frozenset({after.start}) - {None} if b is None else b
            if a != b:
                diffs.append(Difference(name, _sample(a - b), _sample(b - a)))
        elif name == "occurrences":
            diffs.append(Difference(name, _format(_sample(a) if isinstance(a, frozenset) else a),
                                    _format(_sample(b) if isinstance(b, frozenset) else b)))
        elif name == "attendees":
            a = a or {}
            b = b or {}
            for key in sorted(set(a) | set(b)):
                if key not in b:
                    diffs.append(Difference(f"attendees[{key}]", _person_text(a[key]), None))
                elif key not in a:
                    diffs.append(Difference(f"attendees[{key}]", None, _person_text(b[key])))
                else:
                    for part in ("role", "status", "type", "name"):
                        if a[key][part] != b[key][part]:
                            diffs.append(Difference(f"attendees[{key}].{part}", a[key][part], b[key][part]))
        else:
            diffs.append(Difference(name, _format(a), _format(b)))
    return diffs


def _join_line_moved(before: EventMeaning, after: EventMeaning) -> bool:
    """One side's description is the other's plus the marked ``Join online meeting: <url>`` line
    of each conference only that other side has: a target without a home for the meeting (Google
    for a Teams link) keeps the link in the text, as ics-bridge writes it for such clients
    (``text.add_join_line``).  The description is the same; ``conference`` shows the change."""
    for one, other in ((before, after), (after, before)):
        text, longer = one.values.get("description"), other.values.get("description")
        missing = set(one.values.get("conference") or ()) - set(other.values.get("conference") or ())
        if not missing or not longer:
            continue
        for uri in missing:  # a target without a home for several links keeps each as a line
            longer = longer.replace(f"{JOIN_LINE_PREFIX}{uri}", " ")
        if _clean_text(longer) == _clean_text(text or ""):
            return True
    return False


def _lone_series(before: EventMeaning, after: EventMeaning) -> bool:
    """One side a lone event, the other a "series" whose only occurrence is that start."""
    for one, other in ((before, after), (after, before)):
        occurrences = other.values.get("occurrences")
        if one.values.get("occurrences") is None and isinstance(occurrences, frozenset) \
                and occurrences == frozenset({one.start}):
            return True
    return False


def _person_text(values: dict[str, str]) -> str:
    name = f"{values['name']}: " if values.get("name") else ""
    return f"{name}{values['role']}, {values['status']}, {values['type']}"


def _similarity(a: EventMeaning, b: EventMeaning) -> int:
    return sum(1 for name in FIELDS if a.values.get(name) == b.values.get(name))


def _pair_by(left: list[EventMeaning], right: list[EventMeaning], key_of: Any, pairs: list[tuple[EventMeaning, EventMeaning]]
             ) -> tuple[list[EventMeaning], list[EventMeaning]]:
    """Pair events with equal keys; within a key shared by several events (twin masters,
    iTIP versions of one UID) the most alike pairs first, so one version never takes another's
    partner just because it comes first in the file."""
    index: dict[Any, list[int]] = {}
    for j, meaning in enumerate(right):
        key = key_of(meaning)
        if key is not None:
            index.setdefault(key, []).append(j)
    groups: dict[Any, list[int]] = {}
    for i, meaning in enumerate(left):
        key = key_of(meaning)
        if key is not None and key in index:
            groups.setdefault(key, []).append(i)
    chosen: list[tuple[int, int]] = []
    for key, lefts in groups.items():
        rights = index[key]
        if len(lefts) == 1 and len(rights) == 1:
            chosen.append((lefts[0], rights[0]))
            continue
        scored = sorted(((-_similarity(left[i], right[j]), left[i].start != right[j].start, i, j)
                         for i in lefts for j in rights))
        used_l: set[int] = set()
        used_r: set[int] = set()
        for _score, _moved, i, j in scored:
            if i in used_l or j in used_r:
                continue
            used_l.add(i)
            used_r.add(j)
            chosen.append((i, j))
    chosen.sort()
    pairs.extend((left[i], right[j]) for i, j in chosen)
    done_l = {i for i, _ in chosen}
    done_r = {j for _, j in chosen}
    return ([m for i, m in enumerate(left) if i not in done_l],
            [m for j, m in enumerate(right) if j not in done_r])


def _match(before: list[EventMeaning], after: list[EventMeaning]
           ) -> tuple[list[tuple[EventMeaning, EventMeaning]], list[EventMeaning], list[EventMeaning]]:
    """Pairs by (UID, RECURRENCE-ID); then by Graph ``transactionId`` (a request body carries no
    UID, and reading it back may move a master's start to its first occurrence or make an
    override an exception item: the transaction id, derived from UID and RECURRENCE-ID, still
    names it); then by (start, summary); then by UID alone (an override whose RECURRENCE-ID
    changed form, e.g. floating → UTC); Google events.insert carries no UID but the event id
    made from it (``google_series``): by it with RECURRENCE-ID beside the transaction id, alone
    beside the UID; then events without a UID on one side by summary; the rest is missing / extra."""
    pairs: list[tuple[EventMeaning, EventMeaning]] = []
    left, right = list(before), list(after)
    left, right = _pair_by(left, right, lambda m: (m.uid, m.recurrence_id) if m.uid else None, pairs)
    left, right = _pair_by(left, right, lambda m: m.transaction, pairs)
    left, right = _pair_by(left, right, lambda m: (m.google_series, m.recurrence_id) if m.google_series else None, pairs)
    left, right = _pair_by(left, right, lambda m: (m.start, m.summary) if m.start else None, pairs)
    left, right = _pair_by(left, right, lambda m: m.uid or None, pairs)
    left, right = _pair_by(left, right, lambda m: m.google_series, pairs)
    if any(m.uid is None for m in left) or any(m.uid is None for m in right):
        anonymous_left = [m for m in left if m.uid is None]
        anonymous_right = [m for m in right if m.uid is None]
        named_left = [m for m in left if m.uid is not None]
        named_right = [m for m in right if m.uid is not None]
        summary = lambda m: ("summary", m.summary)  # noqa: E731
        rest_l, named_right = _pair_by(anonymous_left, named_right, summary, pairs)
        named_left, rest_r = _pair_by(named_left, anonymous_right, summary, pairs)
        rest_l, rest_r = _pair_by(rest_l, rest_r, summary, pairs)
        left = [m for m in left if any(m is x for x in rest_l + named_left)]
        right = [m for m in right if any(m is x for x in rest_r + named_right)]
    return pairs, left, right


def compare_calendars(before: list[EventMeaning], after: list[EventMeaning], *, file: str | None = None
                      ) -> list[EventVerdict]:
    pairs, missing, extra = _match(before, after)
    verdicts: list[EventVerdict] = []
    for a, b in pairs:
        diffs = compare_meanings(a, b)
        verdicts.append(EventVerdict(a.uid, a.recurrence_id, a.summary, a.start,
                                     "changed" if diffs else "lossless", diffs, file, meaning=a,
                                     after_uid=b.uid if b.uid != a.uid else None))
    for lost in missing:
        verdicts.append(EventVerdict(lost.uid, lost.recurrence_id, lost.summary, lost.start, "missing", [], file,
                                     meaning=lost))
    for new in extra:
        verdicts.append(EventVerdict(new.uid, new.recurrence_id, new.summary, new.start, "extra", [], file))
    return verdicts


def mark_kept_privately(native: list[EventVerdict], restored: list[EventVerdict], via: Format) -> list[EventVerdict]:
    """The native verdicts, each difference (or lost event) the restored view does not have
    marked as shown by ics-bridge only: ``kept only in ics-bridge's private data``; and each
    difference only the restored view has added, marked ``restored_only``.

    Why the second: the restored view is what a real conversion there and back gives
    (``convert``), so a value the private data brings back wrong (two equal VALARMs coming back
    as three through Graph's extended property) must change the verdict, though the provider
    itself shows it right.  The same holds for whole events: one the restored view loses becomes
    ``missing``, one it gains is added as ``extra``, both marked ``restored_only``."""
    from .native import SHOWN_BY
    who = SHOWN_BY[via]
    by_before = {id(v.meaning): v for v in restored if v.meaning is not None}
    native_extra = {_event_key(v) for v in native if v.status == "extra"}
    extra = {_event_key(v) for v in restored if v.status == "extra"}
    out: list[EventVerdict] = []
    for v in native:
        other = by_before.get(id(v.meaning)) if v.meaning is not None else None
        if other is not None and other.status == "missing" and v.status in ("lossless", "changed"):
            out.append(replace(v, status="missing", reported_by=other.reported_by, restored_only=True))
            continue
        # a field the restored view also gets wrong (even differently) is not repaired by the stash
        both = {d.field for d in other.differences} if other is not None else set()
        diffs = [d if other is None or d.field in both else replace(d, not_shown_by=who) for d in v.differences]
        if other is not None and v.status in ("lossless", "changed"):
            diffs += _restored_only(v.differences, other.differences)
        lost_here = (v.status == "missing" and other is not None and other.status != "missing") or (
            v.status == "extra" and _event_key(v) not in extra)
        status: Status = "changed" if v.status == "lossless" and diffs else v.status
        out.append(replace(v, status=status, differences=diffs, not_shown_by=who if lost_here else None))
    out += [replace(v, restored_only=True) for v in restored
            if v.status == "extra" and _event_key(v) not in native_extra]
    return out


def _event_key(verdict: EventVerdict) -> tuple[str | None, ...]:
    """An unpaired event as both views name it (an ``extra`` event has no "before" to match by)."""
    return (verdict.uid, verdict.recurrence_id, verdict.start, verdict.summary)


def _restored_only(native: list[Difference], restored: list[Difference]) -> list[Difference]:
    """The restored view's differences that the native view does not have as they are (the
    same field, before and after), marked ``restored_only``."""
    seen = {(d.field, d.before, d.after) for d in native}
    return [replace(d, restored_only=True) for d in restored if (d.field, d.before, d.after) not in seen]


# ------------------------------------------------------------------------------------------
# Loss report ↔ differences
# ------------------------------------------------------------------------------------------

# Which report fields can explain a difference in which compared field (case-insensitive
# substrings of Loss.field).  Zone decisions move instants, so they explain times too.
_EXPLAINS: dict[str, tuple[str, ...]] = {
    "start": ("dtstart", "start", "timezone", "tzid", "isallday", "x-wr-timezone", "date"),
    "end": ("dtend", "end", "duration", "timezone", "tzid", "isallday", "x-wr-timezone", "dtstart", "start", "date"),
    "occurrences": ("rrule", "rdate", "exdate", "exrule", "recurrence", "cancelledoccurrences", "originalstart",
                    "dtstart", "start", "timezone", "x-wr-timezone", "until", "status"),
    "series_end": ("rrule", "rdate", "exdate", "exrule", "recurrence", "cancelledoccurrences", "until", "count",
                   "range", "dtstart", "start"),
    "summary": ("summary", "subject"),
    "description": ("description", "body", "x-alt-desc", "html"),
    "location": ("location",),
    "organizer": ("organizer",),
    "attendees": ("attendee",),
    "alarms": ("valarm", "alarm", "reminder", "trigger"),
    "categories": ("categories", "categor"),
    "class": ("class", "sensitivity", "visibility"),
    # Google's out-of-office status is its eventType outOfOffice (providers.google.tables)
    "busy": ("transp", "busystatus", "showas", "transparency", "eventtype"),
    "status": ("status", "iscancelled"),
    "url": ("url", "weblink", "htmllink"),
    "conference": ("conference", "onlinemeeting", "hangoutlink", "join"),
}
_EXPLAINING = (Severity.LOSS, Severity.WARNING)


def _base_field(name: str) -> str:
    return name.split("[", 1)[0].split(".", 1)[0]


def _explaining(entries: list[Loss], uid: str | None, rid: str | None, diff_field: str | None,
                aliases: frozenset[str] = frozenset()) -> tuple[str, ...]:
    keys = _EXPLAINS.get(_base_field(diff_field), ()) if diff_field else ()
    found: list[str] = []
    for entry in entries:
        if entry.severity not in _EXPLAINING:
            continue
        entry_uid = entry.uid or None  # writers report a VEVENT without UID with uid ""
        if entry_uid is not None and entry_uid != uid and entry_uid not in aliases:
            continue
        if diff_field is None:
            if entry_uid is None and entry.kind not in (LossKind.EVENT_SKIPPED, LossKind.EVENT_REMOVED):
                continue
        else:
            name = entry.field.lower()
            if not any(k in name for k in keys):
                continue
        if rid is not None and entry.recurrence_id is not None and not _same_rid(entry.recurrence_id, rid):
            continue
        text = f"{entry.kind.value}: {entry.field}"
        if text not in found:
            found.append(text)
    return tuple(found)


def _same_rid(entry_rid: str, rid: str) -> bool:
    """A report's RECURRENCE-ID (isoformat) names the compared one: the same text or instant,
    or, for an all-day series (compared by date), a date-time on that local date."""
    if entry_rid == rid:
        return True
    value = _parse_rid(entry_rid)
    if instant_text(value) == rid:
        return True
    return len(rid) == 10 and isinstance(value, datetime) and value.date().isoformat() == rid


def _parse_rid(text: str) -> Any:
    try:
        return datetime.fromisoformat(text) if "T" in text else date.fromisoformat(text)
    except ValueError:
        return text


def annotate(verdicts: list[EventVerdict], report: Report, errors: list[InputError] = ()) -> list[EventVerdict]:
    """Attach the report entries (and read errors) that explain each difference."""
    entries = list(report)
    known = {v.uid for v in verdicts if v.uid}
    # errors about events we cannot name (no UID in the input; the reader derived one)
    anonymous = tuple(f"error: {e}" for e in errors if not e.uid or e.uid not in known)
    # the way back names an event by the UID the provider gave it (its whole series with it)
    renamed: dict[str, set[str]] = {}
    for v in verdicts:
        if v.uid and v.after_uid:
            renamed.setdefault(v.uid, set()).add(v.after_uid)
    out: list[EventVerdict] = []
    for v in verdicts:
        aliases = frozenset(renamed.get(v.uid or "", ()))
        # an override that could not be read changes its master's occurrences: its error says so
        series_errors = tuple(f"error: {e}" for e in errors if e.uid and e.uid == v.uid) if v.recurrence_id is None else ()
        diffs = [replace(d, reported_by=_explaining(entries, v.uid, v.recurrence_id, d.field, aliases)
                         + (series_errors if _base_field(d.field) in ("occurrences", "series_end") else ()))
                 for d in v.differences]
        reported: tuple[str, ...] = ()
        if v.status in ("missing", "extra"):
            reported = _explaining(entries, v.uid, v.recurrence_id, None, aliases)
            reported += tuple(f"error: {e}" for e in errors if e.uid and e.uid == v.uid)
            if v.uid is None:
                reported += anonymous
        out.append(replace(v, differences=diffs, reported_by=reported))
    return out


# ------------------------------------------------------------------------------------------
# The two operations
# ------------------------------------------------------------------------------------------

def _read_input(data: Any, source: Format | None, options: Options, file: str | None
                ) -> tuple[m.Calendar, Report, list[InputError], Format]:
    from .pipeline import detect_format, read_hub
    if isinstance(data, Path):
        file = file or str(data)
        data = data.read_bytes()
    if source is None:
        source = "ics" if isinstance(data, Calendar) else detect_format(data)
    try:
        cal, report, errors = read_hub(data, source, options, file=file)
    except InputError as err:
        raise err.located(file) if file else err
    return cal, report, errors, source


def _wire(middle: Any, via: Format, options: Options) -> bytes:
    from .pipeline import encode
    if via == "ics":
        return encode(middle, options)
    return json.dumps(middle, ensure_ascii=False).encode("utf-8")


def roundtrip(data: Any, *, via: Format, source: Format | None = None, options: Options = Options(),
              file: str | None = None, horizon: Horizon = Horizon()) -> RoundtripResult:
    """Read ``data``, write it as ``via``, read that back, and compare the meaning of every
    event, in the native and the restored view (:class:`RoundtripResult`).  ``data``: bytes,
    text, parsed JSON, a Calendar or a :class:`pathlib.Path`."""
    from .pipeline import read_hub, write_hub
    from .native import as_created, strip_calendar, strip_private
    if isinstance(data, Path):
        file = file or str(data)
    before_cal, report, errors, source = _read_input(data, source, options, file)
    before_typed = before_cal
    before = calendar_meanings(before_typed, horizon)
    forward = Report(file=file)
    middle = write_hub(before_cal, via, forward, options)
    if via == "graph" and options.profile in ("request", "insert"):
        middle = as_created(middle, before_typed)
    # restored: read back by ics-bridge, private data included (what ``convert`` gives back)
    after_cal, back, back_errors = read_hub(_wire(middle, via, options), via, options, file=file)
    restored = compare_calendars(before, calendar_meanings(after_cal, horizon), file=file)
    # native: what the provider holds and shows, without ics-bridge's private data
    if via == "ics":
        native_cal, _native_report, native_errors = read_hub(_wire(middle, via, options), via, options, file=file)
        native_typed = strip_calendar(native_cal)
    else:
        native_cal, _native_report, native_errors = read_hub(_wire(strip_private(middle, via), via, options), via,
                                                             options, file=file)
        native_typed = native_cal
    native = compare_calendars(before, calendar_meanings(native_typed, horizon), file=file)
    report.extend(forward)
    report.extend(back)
    all_errors = list(errors) + list(back_errors)
    seen = {str(e) for e in all_errors}
    all_errors += [e for e in native_errors if str(e) not in seen]
    restored = annotate(restored, report, all_errors)
    native = mark_kept_privately(annotate(native, report, all_errors), restored, via)
    return RoundtripResult(file, source, via, native, report, all_errors, restored, horizon)


def _read_native(data: Any, source: Format | None, options: Options, file: str | None
                 ) -> tuple[m.Calendar, list[InputError]]:
    """An input of ``diff`` as its provider shows it: ics-bridge's private data removed before
    reading (a field present only in a stash does not count as present)."""
    from .pipeline import detect_format, load_json
    from .native import strip_calendar, strip_private
    if isinstance(data, Path):
        data = data.read_bytes()
    if source is None:
        source = "ics" if isinstance(data, Calendar) else detect_format(data)
    if source == "ics":
        cal, _report, errors, _ = _read_input(data, source, options, file)
        return strip_calendar(cal), errors
    if isinstance(data, (bytes, str)):
        try:
            data = load_json(data, options, file=file)
        except InputError as err:
            raise err.located(file) if file else err
    cal, _report, errors, _ = _read_input(strip_private(data, source), source, options, file)
    return cal, errors


def diff(left: Any, right: Any, *, left_source: Format | None = None, right_source: Format | None = None,
         options: Options = Options(), left_name: str | None = None, right_name: str | None = None,
         horizon: Horizon = Horizon()) -> DiffResult:
    """Compare two calendars in any of the three formats by meaning, each as its provider shows
    it (ics-bridge's private data removed, as ``roundtrip``'s native view).  ``missing`` events
    are only in ``left``, ``extra`` only in ``right``."""
    if isinstance(left, Path):
        left_name = left_name or str(left)
    if isinstance(right, Path):
        right_name = right_name or str(right)
    left_cal, left_errors = _read_native(left, left_source, options, left_name)
    right_cal, right_errors = _read_native(right, right_source, options, right_name)
    verdicts = compare_calendars(calendar_meanings(left_cal, horizon), calendar_meanings(right_cal, horizon))
    return DiffResult(left_name, right_name, verdicts, list(left_errors) + list(right_errors), horizon)
