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
  overrides applied (their RECURRENCE-ID removed, their DTSTART added unless cancelled);
* ``organizer``; ``attendees`` (email → role, status, type); ``alarms`` (action, minutes before
  start); ``summary``; ``description`` (text, without the join-link marker line, whitespace
  collapsed); ``location``; ``categories``; ``class`` (default PUBLIC); ``busy`` (Outlook's
  X-MICROSOFT-CDO-BUSYSTATUS, else TRANSP: OPAQUE → BUSY, TRANSPARENT → FREE); ``status`` (absent
  means CONFIRMED); ``url``; ``conference`` (CONFERENCE, X-MICROSOFT-SKYPETEAMSMEETINGURL and
  X-GOOGLE-CONFERENCE URIs).

Events are matched by UID and RECURRENCE-ID (as an instant), then the rest by start and summary.
Round trips also say whether each difference was *reported* by the conversion's loss report:
an unreported difference is a silent loss, the one thing a converter must never do.
"""

from __future__ import annotations

import json
import re
import warnings
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any, Iterable, Literal

from dateutil.relativedelta import relativedelta
from icalendar import Calendar, Event

from . import hub
from .errors import InputError
from .expansion import ExpansionError, align, exrule_exclusions, series_set
from .options import Format, Options
from .report import Loss, LossKind, Report, Severity
from .series import group_series
from .text import html_to_text, looks_like_html, strip_join_line
from .vevent import (address_email, categories, conferences, dt_value, event_end, get_description, props, read_alarm,
                     text_value)

DEFAULT_HORIZON_YEARS = 5
DEFAULT_MAX_OCCURRENCES = 1000
# A difference list longer than this is shortened in ``before`` / ``after`` texts.
_SHOWN_OCCURRENCES = 5

Status = Literal["lossless", "changed", "missing", "extra"]

# The compared fields, in the order they are shown.
FIELDS = ("start", "end", "occurrences", "summary", "description", "location", "organizer",
          "attendees", "alarms", "categories", "class", "busy", "status", "url", "conference")


@dataclass(frozen=True)
class Horizon:
    """How far a series is expanded: ``years`` after its DTSTART, at most ``max_count`` starts."""

    years: int = DEFAULT_HORIZON_YEARS
    max_count: int = DEFAULT_MAX_OCCURRENCES

    def __post_init__(self) -> None:
        if self.years < 1 or self.max_count < 1:
            raise ValueError("the horizon needs at least one year and one occurrence")


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

    @property
    def reported(self) -> bool:
        return bool(self.reported_by)

    def as_text(self) -> str:
        return f"{self.field}: {_show(self.before)} → {_show(self.after)}"

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "before": self.before, "after": self.after,
                "reported": self.reported, "reported_by": list(self.reported_by)}


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
                "reported_by": list(self.reported_by)}


def _error_dict(err: InputError) -> dict[str, Any]:
    return {"file": err.file, "uid": err.uid, "field": err.field, "message": err.message, "text": str(err)}


@dataclass
class RoundtripResult:
    """``source`` → hub → ``via`` → hub, compared.  ``report`` holds what the conversions
    announced (reading the input, writing ``via``, reading it back); ``errors`` the events that
    could not be read on either pass."""

    file: str | None
    source: Format
    via: Format
    events: list[EventVerdict]
    report: Report
    errors: list[InputError] = field(default_factory=list)

    @property
    def lossless(self) -> bool:
        return not self.errors and all(e.lossless for e in self.events)

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
        return {"file": self.file, "source": self.source, "via": self.via, "lossless": self.lossless,
                "events": [e.as_dict() for e in self.events],
                "errors": [_error_dict(e) for e in self.errors],
                "report": [e.as_dict() for e in self.report]}


@dataclass
class DiffResult:
    """LEFT against RIGHT: every event of either side with its status."""

    left: str | None
    right: str | None
    events: list[EventVerdict]
    errors: list[InputError] = field(default_factory=list)

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
        return {"left": self.left, "right": self.right, "identical": self.identical,
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


def _conference_uris(event: Event) -> list[str]:
    uris = [uri for uri, _params in conferences(event)]
    for name in (hub.X_TEAMS_URL, hub.X_GOOGLE_CONFERENCE):
        uris.extend(str(p) for p in props(event, name))
    return sorted({u.strip() for u in uris if u and u.strip()})


def _description(event: Event, uris: list[str]) -> str | None:
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


def _person_key(prop: Any, index: int) -> str:
    email = address_email(prop)
    if email:
        return email.lower()
    name = getattr(prop, "params", {}).get("CN")
    return f"name:{name}" if name else f"#{index}"


def _attendees(event: Event) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for index, prop in enumerate(props(event, "ATTENDEE")):
        params = getattr(prop, "params", {})
        cutype = str(params.get("CUTYPE", "INDIVIDUAL")).upper()
        resource = cutype in ("RESOURCE", "ROOM")
        out[_person_key(prop, index)] = {
            # A resource takes no part: its ROLE is written NON-PARTICIPANT (MS-OXCICAL) by some
            # producers and REQ-PARTICIPANT by others (Google), with the same meaning.
            "role": "RESOURCE" if resource else str(params.get("ROLE", "REQ-PARTICIPANT")).upper(),
            "status": str(params.get("PARTSTAT", "NEEDS-ACTION")).upper(),
            # ROOM is a kind of RESOURCE for every provider (Graph and Google have one "resource").
            "type": "RESOURCE" if resource else cutype,
            "name": " ".join(str(params.get("CN", "")).split()),
        }
    return out


def _alarms(event: Event) -> tuple[str, ...]:
    start = dt_value(event, "DTSTART")
    end = event_end(event, start)
    items = []
    for alarm in event.walk("VALARM"):
        reading = read_alarm(alarm, start, end)
        if reading.minutes_before is not None:
            items.append(f"{reading.action} {reading.minutes_before} min before start")
        else:
            trigger = alarm.get("TRIGGER")
            items.append(f"{reading.action} {getattr(trigger, 'to_ical', lambda: b'?')().decode(errors='replace')}")
    return tuple(sorted(items))


def _busy(event: Event) -> str:
    busy = text_value(event, hub.X_BUSYSTATUS)
    if busy:
        return busy.strip().upper()
    transp = (text_value(event, "TRANSP") or "OPAQUE").strip().upper()
    return "FREE" if transp == "TRANSPARENT" else "BUSY"


@dataclass
class EventMeaning:
    """What one VEVENT means, as comparable values (see the module doc)."""

    uid: str | None
    recurrence_id: str | None
    values: dict[str, Any]
    truncated: bool = False

    @property
    def summary(self) -> str | None:
        return self.values.get("summary")

    @property
    def start(self) -> str | None:
        return self.values.get("start")


def event_meaning(event: Event, occurrences: frozenset[str] | str | None = None) -> EventMeaning:
    start = dt_value(event, "DTSTART")
    uris = _conference_uris(event)
    organizer = event.get("ORGANIZER")
    if isinstance(organizer, list):
        organizer = organizer[0] if organizer else None
    values: dict[str, Any] = {
        "start": instant_text(start),
        "end": instant_text(event_end(event, start)),
        "occurrences": occurrences,
        "summary": _clean_text(text_value(event, "SUMMARY")),
        "description": _description(event, uris),
        "location": _clean_text(text_value(event, "LOCATION")),
        "organizer": _person_key(organizer, 0) if organizer is not None else None,
        "attendees": _attendees(event),
        "alarms": _alarms(event),
        "categories": tuple(sorted({c.strip() for c in categories(event) if c.strip()})),
        "class": (text_value(event, "CLASS") or "PUBLIC").strip().upper(),
        "busy": _busy(event),
        "status": (text_value(event, "STATUS") or "CONFIRMED").strip().upper(),
        "url": _clean_text(text_value(event, "URL")),
        "conference": tuple(uris),
    }
    return EventMeaning(hub.event_uid(event), _rid_text(event), values)


def _rid_text(event: Event) -> str | None:
    rid = event.get("RECURRENCE-ID")
    if rid is None:
        return None
    return instant_text(getattr(rid, "dt", None))


# ------------------------------------------------------------------------------------------
# Bounded expansion
# ------------------------------------------------------------------------------------------

def expand_series(master: Event, overrides: Iterable[Event] = (), horizon: Horizon = Horizon()
                  ) -> tuple[frozenset[str] | str, bool]:
    """The start set of a series within the horizon, overrides applied.

    Returns ``(starts, truncated)``; ``starts`` is a text (``"cannot expand: …"``) when the rule
    cannot be read.  Bounded by ``horizon`` in both time and count, so an endless
    ``FREQ=SECONDLY`` costs at most ``max_count`` steps."""
    start = dt_value(master, "DTSTART")
    if start is None:
        return frozenset(), False
    all_day = not isinstance(start, datetime)
    base = datetime.combine(start, time()) if all_day else start
    try:
        limit = base + relativedelta(years=horizon.years)
    except (ValueError, OverflowError):  # a start near the year 9999: the end of time is the horizon
        limit = datetime.max.replace(tzinfo=base.tzinfo)

    def shown(value: datetime) -> str:
        return instant_text(value.date() if all_day else value) or ""

    recurs = props(master, "RRULE") or any(getattr(p, "dts", None) for p in props(master, "RDATE"))
    found: list[datetime] = [base]
    truncated = False
    if recurs:
        try:
            rs = series_set(master, base)
            found = []
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                for occurrence in rs:
                    if occurrence > limit:
                        truncated = True
                        break
                    if len(found) >= horizon.max_count:
                        truncated = True
                        break
                    found.append(occurrence)
                exrules = props(master, "EXRULE")
                if exrules and found:  # bounded (a SECONDLY EXRULE over five years would never end)
                    excluded, _ended = exrule_exclusions(exrules, base, found[-1], refuse_search=False)
                    found = [o for o in found if o not in excluded]
        except ExpansionError as exc:
            return f"cannot expand: {exc}", False
        except (ValueError, TypeError, OverflowError) as exc:
            return f"cannot expand: {exc}", False
    starts = {shown(o): o for o in found}
    # EXDATE: the same instant, or (a DATE on a timed series) any start on that local day.
    excluded_days: set[date] = set()
    for prop in props(master, "EXDATE"):
        for item in getattr(prop, "dts", []):
            value = item.dt
            if not isinstance(value, datetime) and isinstance(value, date) and not all_day:
                excluded_days.add(value)
                continue
            aligned = align(value, base)
            if aligned is not None:
                starts.pop(shown(aligned), None)
    if excluded_days:
        starts = {k: v for k, v in starts.items() if v.date() not in excluded_days}
    result = set(starts)
    for override in overrides:
        rid_value = getattr(override.get("RECURRENCE-ID"), "dt", None)
        if all_day and isinstance(rid_value, datetime):
            result.discard(rid_value.date().isoformat())  # Outlook: a midnight RECURRENCE-ID
        elif not all_day and isinstance(rid_value, date) and not isinstance(rid_value, datetime):
            result -= {k for k, v in starts.items() if v.date() == rid_value}
        elif rid_value is not None:
            aligned = align(rid_value, base)
            result.discard(shown(aligned) if aligned is not None else instant_text(rid_value) or "")
        if (text_value(override, "STATUS") or "").upper() == "CANCELLED":
            continue
        own = instant_text(dt_value(override, "DTSTART"))
        if own:
            result.add(own)
    return frozenset(result), truncated


def calendar_meanings(cal: Calendar, horizon: Horizon = Horizon()) -> list[EventMeaning]:
    """Every VEVENT of a hub calendar as an :class:`EventMeaning`, series expanded."""
    out: list[EventMeaning] = []
    for series in group_series(cal.walk("VEVENT")):
        if series.master is not None:
            recurring = any(series.master.get(p) is not None for p in ("RRULE", "RDATE"))
            occurrences: frozenset[str] | str | None = None
            truncated = False
            if recurring or series.overrides:
                occurrences, truncated = expand_series(series.master, series.overrides, horizon)
            meaning = event_meaning(series.master, occurrences)
            meaning.truncated = truncated
            out.append(meaning)
        reference = series.master if series.master is not None else None
        for override in series.overrides:
            meaning = event_meaning(override)
            base = reference if reference is not None else override
            all_day = not isinstance(dt_value(base, "DTSTART"), datetime) and dt_value(base, "DTSTART") is not None
            rid = getattr(override.get("RECURRENCE-ID"), "dt", None)
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
        if name == "occurrences" and isinstance(a, frozenset) and isinstance(b, frozenset):
            diffs.append(Difference(name, _sample(a - b), _sample(b - a)))
        elif name == "occurrences":
            if a is None and isinstance(b, frozenset) and len(b) == 1 and before.start in b:
                continue  # a lone event and a "series" of only its start are the same
            if b is None and isinstance(a, frozenset) and len(a) == 1 and after.start in a:
                continue
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
    for j, m in enumerate(right):
        key = key_of(m)
        if key is not None:
            index.setdefault(key, []).append(j)
    groups: dict[Any, list[int]] = {}
    for i, m in enumerate(left):
        key = key_of(m)
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
    """Pairs by (UID, RECURRENCE-ID), then by (start, summary), then by UID alone (an override
    whose RECURRENCE-ID changed form, e.g. floating → UTC), then events without a UID on one
    side by summary; the rest is missing / extra."""
    pairs: list[tuple[EventMeaning, EventMeaning]] = []
    left, right = list(before), list(after)
    left, right = _pair_by(left, right, lambda m: (m.uid, m.recurrence_id) if m.uid else None, pairs)
    left, right = _pair_by(left, right, lambda m: (m.start, m.summary) if m.start else None, pairs)
    left, right = _pair_by(left, right, lambda m: m.uid or None, pairs)
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
                                     "changed" if diffs else "lossless", diffs, file))
    for m in missing:
        verdicts.append(EventVerdict(m.uid, m.recurrence_id, m.summary, m.start, "missing", [], file))
    for m in extra:
        verdicts.append(EventVerdict(m.uid, m.recurrence_id, m.summary, m.start, "extra", [], file))
    return verdicts


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
    "summary": ("summary", "subject"),
    "description": ("description", "body", "x-alt-desc", "html"),
    "location": ("location",),
    "organizer": ("organizer",),
    "attendees": ("attendee",),
    "alarms": ("valarm", "alarm", "reminder", "trigger"),
    "categories": ("categories", "categor"),
    "class": ("class", "sensitivity", "visibility"),
    "busy": ("transp", "busystatus", "showas", "transparency"),
    "status": ("status", "iscancelled"),
    "url": ("url", "weblink", "htmllink"),
    "conference": ("conference", "onlinemeeting", "hangoutlink", "join"),
}
_EXPLAINING = (Severity.LOSS, Severity.WARNING)


def _base_field(name: str) -> str:
    return name.split("[", 1)[0].split(".", 1)[0]


def _explaining(entries: list[Loss], uid: str | None, rid: str | None, diff_field: str | None) -> tuple[str, ...]:
    keys = _EXPLAINS.get(_base_field(diff_field), ()) if diff_field else ()
    found: list[str] = []
    for entry in entries:
        if entry.severity not in _EXPLAINING:
            continue
        entry_uid = entry.uid or None  # writers report a VEVENT without UID with uid ""
        if entry_uid is not None and entry_uid != uid:
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
    out: list[EventVerdict] = []
    for v in verdicts:
        diffs = [Difference(d.field, d.before, d.after, _explaining(entries, v.uid, v.recurrence_id, d.field))
                 for d in v.differences]
        reported: tuple[str, ...] = ()
        if v.status in ("missing", "extra"):
            reported = _explaining(entries, v.uid, v.recurrence_id, None)
            reported += tuple(f"error: {e}" for e in errors if e.uid and e.uid == v.uid)
            if v.uid is None:
                reported += anonymous
        out.append(EventVerdict(v.uid, v.recurrence_id, v.summary, v.start, v.status, diffs, v.file, reported))
    return out


# ------------------------------------------------------------------------------------------
# The two operations
# ------------------------------------------------------------------------------------------

def _read_input(data: Any, source: Format | None, options: Options, file: str | None
                ) -> tuple[Calendar, Report, list[InputError], Format]:
    from .api import detect_format, read_hub
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


def roundtrip(data: Any, *, via: Format, source: Format | None = None, options: Options = Options(),
              file: str | None = None, horizon: Horizon = Horizon()) -> RoundtripResult:
    """Read ``data``, write it as ``via``, read that back, and compare the meaning of every
    event.  ``data``: bytes, text, parsed JSON, a Calendar or a :class:`pathlib.Path`."""
    from .api import read_hub, write_hub
    from .io import ics as ics_io
    if isinstance(data, Path):
        file = file or str(data)
    before_cal, report, errors, source = _read_input(data, source, options, file)
    before = calendar_meanings(before_cal, horizon)
    forward = Report(file=file)
    middle = write_hub(before_cal, via, forward, options)
    if via == "ics":
        wire: bytes = ics_io.serialize(middle, tzid_style=options.tzid_style)
    else:
        wire = json.dumps(middle, ensure_ascii=False).encode("utf-8")
    after_cal, back, back_errors = read_hub(wire, via, options, file=file)
    after = calendar_meanings(after_cal, horizon)
    report.extend(forward)
    report.extend(back)
    all_errors = list(errors) + list(back_errors)
    verdicts = annotate(compare_calendars(before, after, file=file), report, all_errors)
    return RoundtripResult(file, source, via, verdicts, report, all_errors)


def diff(left: Any, right: Any, *, left_source: Format | None = None, right_source: Format | None = None,
         options: Options = Options(), left_name: str | None = None, right_name: str | None = None,
         horizon: Horizon = Horizon()) -> DiffResult:
    """Compare two calendars in any of the three formats by meaning.  ``missing`` events are
    only in ``left``, ``extra`` only in ``right``."""
    if isinstance(left, Path):
        left_name = left_name or str(left)
    if isinstance(right, Path):
        right_name = right_name or str(right)
    left_cal, _lr, left_errors, _ = _read_input(left, left_source, options, left_name)
    right_cal, _rr, right_errors, _ = _read_input(right, right_source, options, right_name)
    verdicts = compare_calendars(calendar_meanings(left_cal, horizon), calendar_meanings(right_cal, horizon))
    return DiffResult(left_name, right_name, verdicts, list(left_errors) + list(right_errors))
