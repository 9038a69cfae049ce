"""Where each top-level component of an .ics file stood, for writing the file again (.ics → .ics).

Why: a calendar converted from .ics to .ics is a backup or a normalised copy; its components
stay in the order the file had them (a VTODO between two VEVENTs, an override before its
master, one UID's events spread over the file), as icalendar's writer kept them before the
typed hub (issue 12), so a diff against the source shows only what was repaired.  The typed
reading (``io/ics_model.read_model``) groups events into series and keeps only the VTIMEZONEs
an event uses; this module gives its events their ``position`` in the file and adds the file's
other VTIMEZONEs (an X- property or a VTODO may name them, and they were written before) and
the places of the other components (:class:`PlacedComponent`, :class:`PlacedZone`), which
``io/model_writer`` writes at those places.

How: the reader's pass 1 (``model_reader.IcsReader``: BEGIN/END, UID, RECURRENCE-ID only; no
event is built) over the same text ``read_model`` read.  An event takes the first free place of
a VEVENT with its UID and master/override kind, in order; where the reading left some of those
out (an error: no DTSTART), the first whose DTSTAMP says the event's, one with a DTSTART first;
an event whose UID the reading changed (a missing UID made stable) takes the first VEVENT place
left; one the quirks added (an RDATE period made an override) goes right after the event
before it.  (``read_model`` giving each event its place, and every VTIMEZONE and component with
theirs, would make this second pass-1 read — ~0.5 s CPU of 2.2 s at 10k events — unneeded.)
"""

from __future__ import annotations

import dataclasses
import re
from bisect import bisect_left
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import timezone
from functools import lru_cache
from typing import Any

from .. import model as m
from ..report import Report
from . import ics
from .ics_model import _sound_reader
from .model_reader import _TZID, IcsReader


@dataclass(frozen=True, slots=True)
class PlacedComponent(m.RawComponent):
    """A component other than VEVENT and VTIMEZONE of an .ics file, its ``lines`` as icalendar
    writes them (``io/ics.component_as_written``: as before the typed hub, never a broken content
    line of the source), and its place: ``position`` events of the calendar (in the order
    written) come before it; ``tzids``: (TZID, earliest year, tzdata zone or None) per TZID its
    properties name (``io/ics.component_zones``), for the writer's VTIMEZONEs."""

    position: int = field(default=0, compare=False)
    tzids: tuple[tuple[str, int, str | None], ...] = field(default=(), compare=False)


@dataclass(frozen=True, slots=True)
class PlacedZone(m.TimezoneDef):
    """A VTIMEZONE of the file and its place (as :class:`PlacedComponent`'s)."""

    position: int = field(default=0, compare=False)


def in_file_order(cal: m.Calendar, data: bytes | str, options: ics.IcsReadOptions) -> m.Calendar:
    """``cal`` (``read_model``'s reading of ``data``) with its events, its other components and
    every usable VTIMEZONE of the file in the file's order (module docstring)."""
    reader = _sound_reader(data, options)
    if reader is None:  # the text read_model read after its repairs (reported there already)
        reader = IcsReader(ics._prepared_text(data, Report(), options))
    blocks = [child for index in reader._indexes for child in index.children]
    series, places = _placed_series(cal.series, blocks, reader.text)
    before = _events_before(places)
    zones = _placed_zones(cal, cal.components, blocks, reader, before)
    components = _placed_components(cal.components, blocks, before, tuple(line for z in zones for line in z.lines))
    return dataclasses.replace(cal, series=series, components=components, timezones=zones)


def _events_before(places: list[int]) -> Any:
    """How many events stand before block ``at`` of the file."""
    ordered = sorted(places)
    return lambda at: bisect_left(ordered, at)


def _placed_series(series: tuple[m.Series, ...], blocks: list[Any], text: str
                   ) -> tuple[tuple[m.Series, ...], list[int]]:
    """The series with each event's ``position`` (its block in the file, module docstring), and
    those places in the series' order.  The events are left as they are when the file had them
    series by series, masters first: the writer's order is then the file's (and an event
    replaced costs ~30 µs)."""
    free: dict[tuple[str | None, bool], deque[int]] = {}
    for at, block in enumerate(blocks):
        if block.name == "VEVENT":
            free.setdefault((block.uid, block.has_rid), deque()).append(at)
    events = [event for s in series for event in s.events]
    keys = [(event.uid, event.recurrence_id is not None) for event in events]
    wanted = Counter(keys)
    places: list[int | None] = []
    for event, key in zip(events, keys):
        queue = free.get(key)
        if queue and len(queue) > wanted[key]:  # some were not read (an error): skip to one of this DTSTAMP
            at = _same_stamp(queue, event, blocks, text)
            queue.remove(at)
        else:
            at = queue.popleft() if queue else None
        wanted[key] -= 1
        places.append(at)
    left = deque(sorted(at for queue in free.values() for at in queue))
    last = 0
    for k, place in enumerate(places):
        if place is None:
            place = places[k] = left.popleft() if left else last
        last = place
    found: list[int] = places  # type: ignore[assignment]  (every place filled above)
    if all(a < b for a, b in zip(found, found[1:])):
        return series, found
    placed = iter(found)
    return tuple(dataclasses.replace(s, master=_at(s.master, placed) if s.master is not None else None,
                                     overrides=tuple(_at(o, placed) for o in s.overrides)) for s in series), found


def _same_stamp(queue: deque[int], event: m.Event, blocks: list[Any], text: str) -> int:
    """The first block of ``queue`` whose DTSTAMP says the event's, one with a DTSTART first
    (the first block when none does, or the event has none)."""
    stamp = event.stamp
    if isinstance(stamp, m.ZonedDateTime):
        dt = stamp.dt.astimezone(timezone.utc) if stamp.dt.tzinfo is not None else stamp.dt
        said = dt.strftime("%Y%m%dT%H%M%S")
        same = [at for at in queue if (found := _STAMP.search(text, blocks[at].body, blocks[at].stop)) is not None
                and found.group(1).startswith(said)]
        # of those, one with a DTSTART (RFC 5545 3.6.1: one without was not read)
        return next((at for at in same if _START.search(text, blocks[at].body, blocks[at].stop)), same[0] if same else queue[0])
    return queue[0]


def _at(event: m.Event, places: Any) -> m.Event:
    return dataclasses.replace(event, position=next(places))


def _placed_components(components: tuple[m.RawComponent, ...], blocks: list[Any], before: Any,
                       zones: tuple[str, ...]) -> tuple[m.RawComponent, ...]:
    """The components the reading kept (in file order), each at the place of the next block of
    its name, as icalendar writes it (``zones``: the VTIMEZONE lines its TZIDs read with)."""
    free: dict[str, deque[int]] = {}
    for at, block in enumerate(blocks):
        if block.name not in ("VEVENT", "VTIMEZONE"):
            free.setdefault(block.name, deque()).append(at)
    out: list[m.RawComponent] = []
    for comp in components:
        queue = free.get(comp.name)
        out.append(PlacedComponent(comp.name, ics.component_as_written(comp.lines, zones),
                                   before(queue.popleft()) if queue else before(len(blocks)),
                                   ics.component_zones(comp.lines, zones)))
    return tuple(out)


def _placed_zones(cal: m.Calendar, components: tuple[m.RawComponent, ...], blocks: list[Any], reader: IcsReader,
                  before: Any) -> tuple[m.TimezoneDef, ...]:
    """The file's VTIMEZONEs that something written names, at their places: those an event's
    date-time uses (``cal.timezones``, the reading's) and those only a TZID parameter of another
    line names (an X- property of the calendar or of an event, a VTODO's DUE), judged as the
    reading judges them (:func:`usable_zone`).  Others are left out, as the reading leaves
    them: the TZIDs they defined were resolved to zones the writer describes from tzdata."""
    used = {vtz.lines for vtz in cal.timezones}
    others = [(at, tuple(reader._lines(b.start, b.end))) for at, b in enumerate(blocks) if b.name == "VTIMEZONE"]
    named = _named_tzids(cal, components) if any(lines not in used for _at, lines in others) else set()
    out: list[m.TimezoneDef] = []
    for at, lines in others:
        tzid = reader._first_value(blocks[at], _TZID) or ""
        if lines in used or (tzid in named and usable_zone(lines)):
            out.append(PlacedZone(tzid, lines, before(at)))
    return tuple(out)


_START = re.compile(r"^DTSTART[;:]", re.I | re.M)
_STAMP = re.compile(r"^DTSTAMP[^:\n]*:([^\n]*)", re.I | re.M)
_TZID_PARAM = re.compile(r';TZID=("[^"]*"|[^;:]*)', re.I)


def _named_tzids(cal: m.Calendar, components: tuple[m.RawComponent, ...]) -> set[str]:
    """The TZIDs named by a TZID parameter of a line the model keeps as read (the calendar's,
    an event's or an alarm's ``other`` lines) or of another component's lines."""
    lines = list(cal.other)
    for event in cal.events:
        lines += event.other
        for alarm in event.alarms:
            lines += alarm.other
    named = {tzid for line in lines for p in line.params if p.name == "TZID" for tzid in p.values}
    texts = [text for comp in (*components, *(c for e in cal.events for c in e.components)) for text in comp.lines]
    named.update(found.strip('"') for text in texts for found in _TZID_PARAM.findall(text.partition(":")[0] + ":"))
    return named


@lru_cache(maxsize=256)
def usable_zone(lines: tuple[str, ...]) -> bool:
    """Whether the reading keeps this VTIMEZONE (``ics._check_timezone``; its report entries
    were made when the file was read)."""
    found = ics.component_as_read(lines)
    return found is not None and ics._check_timezone(found, Report())

