""".ics bytes → the typed hub with every repair and report of :func:`ics_bridge.io.ics.parse_calendar`
(issue 12).

Why: the hub moves from icalendar's objects to :mod:`ics_bridge.model`; what the reader repairs
and reports must not change on the way (tests/test_read_model.py holds this reading to
``parse_calendar``'s on every corpus, producer, sample and hostile file: the same events, the same
report entries in the same order, the same :class:`InputError`\\ s).

The steps are ``parse_calendar``'s, in its order:

1. the text: size limit, decoding, a bare VEVENT wrapped, the line structure repaired
   (:func:`ics._prepared_text`, shared with ``parse_calendar``);
2. the typed reading (:class:`model_reader.IcsReader`), several VCALENDARs merged;
3. the checks of :func:`ics.check_calendar`: a VEVENT whose typed reading is plain (no value the
   typed parsers refused, no repeated DTSTART/UID/…, no TZID on a DATE or beside a ``Z``, no
   X-ALT-DESC the sanitiser changes…) is kept as read — the common case, no icalendar at all;
   any other VEVENT is judged by icalendar exactly as ``parse_calendar`` judges it (its repairs,
   reports and errors) and crosses back through the edge.  VTIMEZONEs and other components are
   judged by icalendar (its zone reading is where it serves); duplicate UIDs on the model;
4. every TZID resolved (:func:`timezones.normalize_model_zones`, the same resolutions and
   entries as :func:`timezones.normalize_calendar_zones`);
5. the producer quirks (:func:`quirks.apply_model_quirks`, on the model; the three still on
   icalendar's VEVENTs cross the edge per event they change, until they move).
"""

from __future__ import annotations

import dataclasses
import re
from functools import lru_cache
from typing import Any, Iterator

from icalendar import Component

from ..gcpause import gc_paused
from .. import model as m
from .. import timezones
from ..errors import InputError
from ..report import LossKind, Report
from ..text import sanitize_html
from . import ics
from .lines import unescape_text
from .model_reader import IcsReader

# Properties a VEVENT holds once (check_calendar judges a repeat): the model keeps a repeat as a line.
_SINGLE = frozenset({"UID", "DTSTART", "RECURRENCE-ID", "DTEND", "DURATION", ics._INCOMPLETE})


def read_model(data: bytes | str, report: Report, options: ics.IcsReadOptions = ics.IcsReadOptions(),
               errors: list[InputError] | None = None) -> m.Calendar:
    """Bytes → one typed calendar, repaired and reported as :func:`ics.parse_calendar` does
    (several VCALENDARs merged); events that cannot be read go to ``errors`` and are left out."""
    header, series = iter_model(data, report, options, errors)
    return dataclasses.replace(header, series=tuple(series))


@gc_paused
def iter_model(data: bytes | str, report: Report, options: ics.IcsReadOptions = ics.IcsReadOptions(),
               errors: list[InputError] | None = None) -> tuple[m.Calendar, Iterator[m.Series]]:
    """The calendar (without its series) and its series one at a time.  The zone resolutions
    and the quirks are calendar-wide decisions (``normalize_calendar_zones`` reads every value of
    a TZID), so the repairs run over the whole file before the first series is given."""
    reader = _sound_reader(data, options)
    if reader is None:
        reader = IcsReader(ics._prepared_text(data, report, options))
    if not reader.has_vcalendar:
        raise InputError("no VCALENDAR in the file")
    count = len(reader.calendars)
    header = reader.calendars[0]
    for _ in range(1, count):
        report.add(LossKind.QUIRK_REPAIRED, "VCALENDAR", "several VCALENDARs in one file merged")
    found: list[InputError] = []
    checked = _Checks(reader, report, found)
    checked.calendar_properties()
    for calendar in range(count):
        checked.components(calendar)
    events = checked.without_duplicates()
    if not events and not checked.timezones and not checked.others \
            and any(e.kind is LossKind.INVALID_VALUE for e in report) and not found:
        raise InputError("no readable component in the file (see the unreadable lines reported)")
    items: list[Any] = timezones.normalize_model_zones(checked.order, checked.timezones, report)
    events = [item for item in items if isinstance(item, m.Event)]
    used = {m.param(p, "TZID") for e in events for _, p in e.params} | {
        m.param(line.params, "TZID") for e in events for line in (*e.exdates, *e.rdates)}
    kept_zones = tuple(d for d in checked.timezone_defs if d.tzid in used)
    header = dataclasses.replace(header, timezones=kept_zones, components=tuple(checked.raw))
    header, events = _quirks(header, events, report, found, options)
    if errors is not None:
        errors.extend(found)
    return header, iter(group_series(events))


# The bytes of ics._CONTROL: in UTF-8 text a control character is its own byte and no byte of
# another character, so the bytes tell (a C loop) what the pattern over the text would.
_CONTROL_BYTES = bytes(i for i in range(128) if ics._CONTROL.match(chr(i)))
# A fold right before a UTF-8 continuation byte: it splits a character.  Once the unfolded bytes
# decode (the reader reports it when they do not), the folded bytes decode unless this occurs.
_SPLIT_FOLD = re.compile(rb"\n[ \t][\x80-\xbf]")
# A line after the first that is no content line (io/ics._CONTENT_LINE): the line feed is a
# literal prefix, so the engine jumps from line to line.
_NOT_CONTENT = re.compile(rf"\n(?!{ics._CONTENT_LINE.pattern})")


@lru_cache(maxsize=8)
def _longer_than(limit: int) -> re.Pattern[str]:
    # anchored at a line's start: unanchored, the engine tries every position of the text and
    # scans up to ``limit`` characters from each (0.8 s on 16 MB with the 8 MiB default)
    return re.compile(rf"^[^\n]{{{limit + 1}}}", re.M)


def _sound_reader(data: bytes | str, options: ics.IcsReadOptions) -> IcsReader | None:
    """The typed reading of a file whose text ``ics.prepare_text`` would pass through unchanged,
    reporting nothing (the common case: a few scans in C instead of its Python step per line),
    or None: then the text is repaired first.  Sound means UTF-8 bytes under the size limit, no
    control character, CR or blank line, every unfolded line a content line of at most
    ``max_line`` characters, and components that open and close in order, nothing outside the
    VCALENDARs, each top-level component directly in one, within the depth and count limits
    (the reader's pass 1 sees every BEGIN and END: :class:`model_reader.Shape`)."""
    if not isinstance(data, bytes) or len(data) > options.max_bytes:
        return None
    if len(data.translate(None, _CONTROL_BYTES)) != len(data):
        return None
    if not data.isascii() and _SPLIT_FOLD.search(data):
        return None  # a fold inside a character is a repair (ics.decode reports it)
    try:
        reader = IcsReader(data)
    except ValueError:
        return None
    text = reader.text
    end = len(text) - 1 if text.endswith("\n") else len(text)
    limits = options.limits
    shape = reader.shape
    if reader._problems or "\r" in text or (reader.blank_lines and text.find("\n\n", 0, end) >= 0):
        return None
    if not shape.ordered or shape.nested & ics._TOP_LEVEL or shape.depth > limits.max_depth \
            or shape.components > limits.max_components or shape.events > limits.max_events:
        return None
    if not ics._CONTENT_LINE.match(text, 0, end) or _NOT_CONTENT.search(text, 0, end):
        return None
    return None if _has_longer_line(text, end, limits.max_line) else reader


def _has_longer_line(text: str, end: int, limit: int) -> bool:
    """Whether a line of ``text[:end]`` is longer than ``limit``.  A line of ``limit + 1``
    characters holds a whole block of ``size`` (aligned at a multiple of it), so when every
    block holds a line feed no line is that long, and the exact scan runs only otherwise."""
    if end <= limit:
        return False
    size = (limit + 2) // 2
    if end // size <= 64 and all(text.find("\n", at, at + size) >= 0 for at in range(0, end - size + 1, size)):
        return False
    return _longer_than(limit).search(text, 0, end) is not None


def group_series(events: list[m.Event]) -> list[m.Series]:
    """Events in file order → series: by UID, in first-seen order; a second master with the
    same UID is its own series at its place (``series.group_series``, ``IcsReader._index``)."""
    out: list[list[Any]] = []
    by_uid: dict[str, int] = {}
    for event in events:
        uid = event.uid or ""
        at = by_uid.get(uid)
        if at is None:
            by_uid[uid] = len(out)
            out.append([None, [event]] if event.recurrence_id is not None else [event, []])
        elif event.recurrence_id is not None:
            out[at][1].append(event)
        elif out[at][0] is None:
            out[at][0] = event
        else:
            out.append([event, []])
    return [m.Series((master.uid if master is not None else overrides[0].uid) or "", master, tuple(overrides))
            for master, overrides in out]


class _Checks:
    """``check_calendar`` on the typed reading: what it keeps, reports and refuses."""

    def __init__(self, reader: IcsReader, report: Report, errors: list[InputError]) -> None:
        self.reader = reader
        self.report = report
        self.errors = errors
        self.index = 0
        self.order: list[Any] = []  # m.Event, or icalendar's reading of another component
        self.raw: list[m.RawComponent] = []
        self.others: list[Component] = []
        self.timezones: list[Component] = []
        self.timezone_defs: list[m.TimezoneDef] = []
        self._zone_text: list[str] = []

    def calendar_properties(self) -> None:
        """The first VCALENDAR's own lines, judged by icalendar (a few lines)."""
        head = self.reader.header_text(0)
        cal = ics.calendar_around("", head)
        if cal is not None:
            ics._clean_properties(cal, self.report, None, "VCALENDAR;")

    def components(self, calendar: int) -> None:
        text = self.reader.text
        for name, typed, start, end in self.reader.component_spans(calendar):
            if name == "VEVENT":
                self.index += 1
                # an event the checks pass needs no text (most): none sliced for it
                event = typed if _plain(typed, self.reader) else self.event(typed, text[start:end])
                if event is not None:
                    self.order.append(event)
            elif name == "VTIMEZONE":
                self.timezone(typed, text[start:end])
            else:
                self.other(typed, text[start:end])

    def timezone(self, definition: m.TimezoneDef, text: str) -> None:
        vtz = ics.checked_timezone(text, self.report)  # remembered per text: files repeat them
        if vtz is not None:
            self.timezones.append(vtz)
            self.timezone_defs.append(definition)
            self._zone_text.append(text)

    def other(self, raw: m.RawComponent, text: str) -> None:
        cal = ics.calendar_around("".join(self._zone_text), text)
        for component in cal.subcomponents if cal is not None else []:
            if component.name != "VTIMEZONE":
                ics._clean_components(component, self.report)
                self.order.append(component)
                self.others.append(component)
                self.raw.append(raw)

    def event(self, event: m.Event, text: str) -> m.Event | None:
        if _plain(event, self.reader):
            return event
        # icalendar judges this one VEVENT as parse_calendar does, with the file's VTIMEZONEs
        cal = ics.calendar_around("".join(self._zone_text), text)
        vevent = next((c for c in cal.subcomponents if c.name == "VEVENT"), None) if cal is not None else None
        if vevent is None:
            return None
        error = ics._check_event(vevent, self.report, self.index)  # type: ignore[arg-type]
        if error is not None:
            self.errors.append(error)
            return None
        from ..edge import events_to_model
        return events_to_model([vevent], self.timezones)[0]  # edge: until io/ics's event checks move (issue 12)

    def without_duplicates(self, at: list[tuple[int, int]] | None = None) -> list[m.Event]:
        """``ics._duplicates`` on the typed events: an identical copy dropped, different events
        sharing UID and RECURRENCE-ID reported.  ``at`` (the streamed path's report order)
        receives per entry (0, the dropped copy's position) or (1, the position of the second
        event of its UID and RECURRENCE-ID): the place the whole-file loop reports it from."""
        if len(self.order) < 2:  # a lone event has no copy nor twin (most streamed UID groups)
            return list(self.events())
        seen: dict[tuple[str, str], m.Event] = {}
        counted: dict[tuple[str, str], int] = {}
        second: dict[tuple[str, str], int] = {}
        dropped: set[int] = set()
        for event in self.events():
            rid = event.recurrence_id
            key = (str(event.uid), "" if rid is None else str(m.plain(rid.value)))
            first = seen.get(key)
            if first is None:
                seen[key] = event
                continue
            if first == event:
                dropped.add(id(event))
                self.report.add(LossKind.QUIRK_REPAIRED, "UID", "identical copy of a VEVENT dropped", uid=key[0],
                                recurrence_id=key[1] or None)
                if at is not None:
                    at.append((0, event.position or 0))
                continue
            counted[key] = counted.get(key, 1) + 1
            second.setdefault(key, event.position or 0)
        for (uid, rid_text), n in counted.items():
            if at is not None:
                at.append((1, second[(uid, rid_text)]))
            what = f"the same RECURRENCE-ID {rid_text}" if rid_text else "no RECURRENCE-ID"
            self.report.add(LossKind.INVALID_VALUE, "UID", f"{n} different VEVENTs share this UID with {what}; "
                            "each converted as its own event", uid=uid, recurrence_id=rid_text or None)
        self.order = [item for item in self.order if id(item) not in dropped]
        return list(self.events())

    def events(self) -> Iterator[m.Event]:
        return (item for item in self.order if isinstance(item, m.Event))


def _plain(event: m.Event, reader: IcsReader) -> bool:
    """Whether ``check_calendar`` would keep this VEVENT as the typed reader read it, reporting
    nothing: every value read, one UID, DTSTART and RECURRENCE-ID, DTEND and DURATION at most
    once, each alarm's TRIGGER once, no other subcomponent, no TZID or value icalendar reads
    otherwise, no HTML description the sanitiser changes."""
    if event.problems or event.uid is None or event.start is None or event.components or id(event) in reader.odd:
        return False
    for line in event.other:
        if line.name in _SINGLE:
            return False
        if line.name == "X-ALT-DESC" and _unsafe_html(line):
            return False
    for alarm in event.alarms:
        if alarm.problems or alarm.components or any(line.name == "TRIGGER" for line in alarm.other):
            return False
    return True


def _unsafe_html(line: m.Line) -> bool:
    if (m.param(line.params, "FMTTYPE") or "text/html").lower() != "text/html":
        return False
    return sanitize_html(unescape_text(line.value))[1]


def _quirks(header: m.Calendar, events: list[m.Event], report: Report, found: list[InputError],
            options: ics.IcsReadOptions) -> tuple[m.Calendar, list[m.Event]]:
    """The producer quirks (:func:`quirks.apply_model_quirks`), on the events in file order."""
    from ..quirks import apply_model_quirks
    events, errors = apply_model_quirks(header, events, report, x_wr_timezone_policy=options.x_wr_timezone)
    found += errors
    return header, events
