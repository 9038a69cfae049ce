""".ics bytes → the typed hub (``ics_bridge.model``), one series at a time (issue 12).

How: :func:`lines.decode` unfolds on the bytes and decodes; pass 1 finds every BEGIN/END with
one regular expression over the text (a few matches per event, not a Python step per line)
and builds the component tree as offsets, with each top-level VEVENT's UID and whether it has
a RECURRENCE-ID; pass 2 parses one series' VEVENTs when its turn comes (series in the order
of their first VEVENT, overrides far from their master included, as ``series.group_series``
orders them).  VTIMEZONEs are known before the first event, so forward references read as
icalendar reads them.

Values: typed parsers for the RFC 5545 value types (3.3) the model types; a value they do not
accept goes to icalendar's own parser for its property (``types_factory``), so this reader
never reads less than icalendar.  A value neither reads is a :class:`model.Problem` and its
line stays in ``other``.  Where RFC 5545 and icalendar part ways on a value both accept, the
reader keeps icalendar's reading, so the mappers' results stay the same once they use it: a
DATE-TIME ending in ``Z`` that also has a TZID is read in the TZID's zone (RFC 5545 3.3.5 forbids
the pair), and a TZID counts only on DTSTART, DTEND, RECURRENCE-ID, DUE, RDATE and EXDATE.
Deliberate differences from icalendar's reading, each tested:

* a DATE with a TZID stays a DATE (icalendar makes it midnight in the zone; RFC 5545 3.2.19
  gives TZID no meaning on DATE values); the TZID stays in the property's parameters;
* a fold that splits a UTF-8 character reads the character (icalendar: U+FFFD);
* a TZID with a VTIMEZONE in *this* file uses it; icalendar caches VTIMEZONEs per process,
  so a "Customized Time Zone" of an earlier file can win there (``timezones._own_tz``).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time as dt_time, timedelta, timezone
from enum import Enum
from functools import lru_cache
from itertools import chain
from typing import Any, Callable, Iterator, NamedTuple

from .. import model as m
from ..memo import remember
from . import lines as L

# Pass 1 looks at the lines that start or end a component and at UID and RECURRENCE-ID lines
# only; a pattern that starts with a line feed lets the engine skip to line starts, and the
# look-ahead at the first letter (the alternatives' own, case-insensitive) turns away the other
# ~80 % of lines in one test instead of four (callgrind: 41 % fewer instructions on bench/).
_MARKS = r"(?:(BEGIN|END)[ \t]*:([^\n]*)|(UID|RECURRENCE-ID)[;:][^\n]*)"
_MARK = re.compile(rf"\n(?=[BEUR]){_MARKS}", re.I)
_FIRST_MARK = re.compile(_MARKS, re.I)
_TZID = re.compile(r"^TZID[;:]", re.M | re.I)
_UPPER_NAME = re.compile(r"[A-Z0-9-]+\Z")
_DURATION = re.compile(r"([-+]?)P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?\Z")
_UTC = timezone.utc
#: The properties whose TZID icalendar applies (``ComponentIcalParser.datetime_names``); RFC
#: 5545 wants DTSTAMP, CREATED, LAST-MODIFIED in UTC, so a TZID there is ignored, as there.
_ZONED = frozenset({"DTSTART", "DTEND", "RECURRENCE-ID", "DUE", "RDATE", "EXDATE"})
UTC_ZONE = m.Zone("utc")
FLOATING = m.Zone("floating")


class _Block:
    """A component as offsets into the text: ``start`` of its BEGIN line, ``body`` after it,
    ``stop`` at its END line, ``end`` after that; its sub-blocks in order."""

    __slots__ = ("name", "start", "body", "stop", "end", "children", "uid", "has_rid")

    def __init__(self, name: str, start: int, body: int) -> None:
        self.name = name
        self.start = start
        self.body = body
        self.stop = -1
        self.end = -1
        self.children: list[_Block] = []
        self.uid: str | None = None
        self.has_rid = False

    def own_spans(self) -> Iterator[tuple[int, int]]:
        """The text ranges of this block's own lines (between its sub-blocks)."""
        pos = self.body
        for child in self.children:
            if child.start > pos:
                yield pos, child.start
            pos = child.end
        if self.stop > pos:
            yield pos, self.stop


class Shape(NamedTuple):
    """What pass 1 saw of the file's BEGIN/END structure, for ``io/ics_model``'s decision that
    the text needs no repair (``ics.prepare_text`` would pass it through unchanged).

    ``ordered``: every BEGIN/END spelled in upper case with a name of upper-case letters, digits
    and ``-``; each END closing the innermost open component by name; every component inside a
    VCALENDAR, each VCALENDAR starting where the previous one ended (the first at the start),
    none nested, nothing after the last but a line end.  ``nested``: the names of components
    opened inside a component of a VCALENDAR; ``depth``: the deepest nesting; ``components``,
    ``events``: how many BEGINs, how many of them VEVENTs (counted while ``ordered``)."""

    ordered: bool
    nested: frozenset[str]
    depth: int
    components: int
    events: int


def _uid_of(line: str) -> str | None:
    """A UID line's value, unescaped (None: a line ``lines.split`` refuses).  ``UID:`` spelled
    so (most files) is split at that colon, as ``lines.split`` splits it, without its steps."""
    if line.startswith("UID:"):
        return L.unescape_text(line[4:])
    try:
        return L.unescape_text(L.split(line)[2])
    except ValueError:
        return None


class _CalendarIndex:
    """Pass 1's view of one VCALENDAR (or of the top-level components outside any)."""

    __slots__ = ("block", "children", "header", "series")

    def __init__(self, block: _Block | None) -> None:
        self.block = block
        self.children: list[_Block] = []
        self.header: m.Calendar | None = None
        self.series: list[tuple[_Block | None, list[_Block]]] = []  # (master, overrides)


class IcsReader:
    """Reads one .ics file: ``calendars`` (each without its series), then :meth:`series`.

    ``IcsReader(data).series()`` yields the first VCALENDAR's series; ``series(i)`` the i-th.
    The text of the file is held (as one ``str``); events are built only when yielded."""

    def __init__(self, data: bytes | str) -> None:
        self.text, problems, blank = L.decode_marked(data)
        self._problems = problems
        #: whether the text may hold a blank line (False: none, ``lines.decode_marked``)
        self.blank_lines = blank
        self._zones: dict[str, m.Zone] = {}
        #: ids of the events built here with a time value of an odd shape (a TZID on a DATE or
        #: beside a ``Z``, a value only icalendar's parser read): ``io/ics_model`` has them judged
        self.odd: set[int] = set()
        self._vtimezones: dict[str, m.TimezoneDef] = {}
        self._indexes = self._scan()
        self.calendars = [self._header(index) for index in self._indexes]

    # -- pass 1 -----------------------------------------------------------------------------

    def _scan(self) -> list[_CalendarIndex]:
        text = self.text
        roots: list[_Block] = []
        stack: list[_Block] = []
        first = _FIRST_MARK.match(text)
        marks = _MARK.finditer(text)
        # the Shape, kept while the structure stays ordered
        ordered = True
        nested: set[str] = set()
        depth = components = events = 0
        at = 0  # where the next VCALENDAR must start
        upper_names: set[str] = set()  # names _UPPER_NAME accepted (a few, repeated)
        for found in chain((first,), marks) if first is not None else marks:
            kind, name, key = found.groups()
            start, end = found.span()
            if found is not first:
                start += 1  # after _MARK's line feed
            if kind is None:  # UID or RECURRENCE-ID: a line of the innermost open component
                if stack:
                    block = stack[-1]
                    if key.upper() == "UID":
                        if block.uid is None:
                            block.uid = _uid_of(text[start:end])
                    else:
                        block.has_rid = True
                continue
            if kind == "BEGIN" or kind.upper() == "BEGIN":
                if ordered:
                    if name not in upper_names:
                        if _UPPER_NAME.match(name):
                            upper_names.add(name)
                        else:
                            ordered = False
                    if kind != "BEGIN" or (name != "VCALENDAR" if not stack else name == "VCALENDAR") or (
                            not stack and start != at):
                        ordered = False
                    if ordered:
                        if len(stack) > 1:
                            nested.add(name)
                        if len(stack) >= depth:
                            depth = len(stack) + 1
                        components += 1
                        if name == "VEVENT":
                            events += 1
                block = _Block(name if name in upper_names else name.upper(), start, end + 1)
                (stack[-1].children if stack else roots).append(block)
                stack.append(block)
            elif not stack:
                raise ValueError("END encountered without an accompanying BEGIN!")
            else:
                block = stack.pop()
                block.stop, block.end = start, end + 1
                if ordered:
                    if kind != "END" or block.name != name:  # the name is upper case when the BEGIN was
                        ordered = False
                    at = end + 1
        ordered = ordered and not stack and at >= len(text) - text.endswith("\n")
        self.shape = Shape(ordered, frozenset(nested), depth, components, events)
        while stack:  # an unclosed component ends with the file
            block = stack.pop()
            block.stop = block.end = len(text)
            self._problems.append(m.Problem("END", f"BEGIN:{block.name} without END; closed at the end of the file"))
        indexes: list[_CalendarIndex] = []
        loose_blocks: list[_Block] = []
        for root in roots:
            if root.name == "VCALENDAR":
                indexes.append(self._index(root, root.children))
            else:
                loose_blocks.append(root)
        if loose_blocks:
            loose = self._index(None, loose_blocks)
            indexes.append(loose)
        return indexes or [_CalendarIndex(None)]

    def _index(self, root: _Block | None, children: list[_Block]) -> _CalendarIndex:
        """Group the VEVENTs into series: by UID, first-seen order; a second master with the same
        UID is its own series at its own place (``series.group_series``)."""
        index = _CalendarIndex(root)
        index.children = children
        by_uid: dict[str, int] = {}
        for child in children:
            if child.name == "VTIMEZONE":
                tzid = self._first_value(child, _TZID)
                if tzid is not None:
                    self._vtimezones.setdefault(tzid, m.TimezoneDef(tzid, tuple(self._lines(child.start, child.end))))
                continue
            if child.name != "VEVENT":
                continue
            if child.uid is None:
                index.series.append((None, [child]) if child.has_rid else (child, []))
                continue
            at = by_uid.get(child.uid)
            if at is None:
                by_uid[child.uid] = len(index.series)
                index.series.append((None, [child]) if child.has_rid else (child, []))
            elif child.has_rid:
                index.series[at][1].append(child)
            elif index.series[at][0] is None:
                index.series[at] = (child, index.series[at][1])
            else:
                index.series.append((child, []))
        return index

    def _first_value(self, block: _Block, pattern: re.Pattern[str]) -> str | None:
        text = self.text
        for s, e in block.own_spans():
            found = pattern.search(text, s, e)
            if found is not None:
                stop = text.find("\n", found.start(), e)
                line = text[found.start():e if stop < 0 else stop]
                try:
                    return L.unescape_text(L.split(line)[2])
                except ValueError:
                    return None
        return None

    def _lines(self, start: int, end: int) -> list[str]:
        return [line for line in self.text[start:end].split("\n") if line]

    # -- the calendar -----------------------------------------------------------------------

    def _header(self, index: _CalendarIndex) -> m.Calendar:
        fields: dict[str, Any] = {}
        other: list[m.Line] = []
        problems = list(self._problems)
        components: list[m.RawComponent] = []
        timezones: list[m.TimezoneDef] = []
        block = index.block
        if block is not None:
            for s, e in block.own_spans():
                for line in self._lines(s, e):
                    try:
                        name, params, raw = L.split(line)
                    except ValueError as exc:
                        problems.append(m.Problem("", str(exc), line))
                        continue
                    key = _CALENDAR_FIELDS.get(name)
                    if key is not None and key not in fields and not params:
                        fields[key] = L.unescape_text(raw)
                    else:
                        other.append(m.Line(name, params, raw, line))
            children = block.children
        else:  # components outside any VCALENDAR
            children = index.children
        for child in children:
            if child.name == "VTIMEZONE":
                tzid = self._first_value(child, _TZID)
                timezones.append(m.TimezoneDef(tzid or "", tuple(self._lines(child.start, child.end))))
            elif child.name != "VEVENT":
                components.append(m.RawComponent(child.name, tuple(self._lines(child.start, child.end))))
        return m.Calendar(other=tuple(other), timezones=tuple(timezones), components=tuple(components),
                          problems=tuple(problems), **fields)

    # -- pass 2 -----------------------------------------------------------------------------

    def series(self, calendar: int = 0) -> Iterator[m.Series]:
        """The series of the ``calendar``-th VCALENDAR, one at a time."""
        for master, overrides in self._indexes[calendar].series:
            head = self._event(master) if master is not None else None
            rest = tuple(self._event(b) for b in overrides)
            uid = (head.uid if head is not None else rest[0].uid) or ""
            yield m.Series(uid, head, rest)

    def events(self, calendar: int = 0) -> Iterator[m.Event]:
        """The VEVENTs of the ``calendar``-th VCALENDAR in file order (not grouped)."""
        index = self._indexes[calendar]
        blocks = [b for master, overrides in index.series for b in ([master] if master else []) + overrides]
        for block in sorted(blocks, key=lambda b: b.start):
            yield self._event(block)

    def components(self, calendar: int = 0) -> Iterator[tuple[str, Any, str]]:
        """The top-level components of the ``calendar``-th VCALENDAR in file order, as (name,
        typed object, text): a VEVENT as :class:`model.Event`, a VTIMEZONE as
        :class:`model.TimezoneDef`, any other as :class:`model.RawComponent`; ``text`` is the
        component's unfolded lines (what the read-side checks hand to icalendar when needed)."""
        text = self.text
        for name, typed, start, end in self.component_spans(calendar):
            yield name, typed, text[start:end]

    def component_spans(self, calendar: int = 0) -> Iterator[tuple[str, Any, int, int]]:
        """:meth:`components` with each component's place in :attr:`text` (start, end) instead
        of its text: a caller that needs the text of few components (``io/ics_model``: only an
        event its checks cannot pass) does not copy the whole file once more (16 MB at 10k)."""
        for child in self._indexes[calendar].children:
            if child.name == "VEVENT":
                yield "VEVENT", self._event(child), child.start, child.end
            elif child.name == "VTIMEZONE":
                tzid = self._first_value(child, _TZID)
                yield ("VTIMEZONE", m.TimezoneDef(tzid or "", tuple(self._lines(child.start, child.end))),
                       child.start, child.end)
            else:
                yield (child.name, m.RawComponent(child.name, tuple(self._lines(child.start, child.end))),
                       child.start, child.end)

    @property
    def has_vcalendar(self) -> bool:
        """Whether the file holds a VCALENDAR (components outside any count as one otherwise)."""
        return any(index.block is not None for index in self._indexes)

    def header_text(self, calendar: int = 0) -> str:
        """The ``calendar``-th VCALENDAR's own lines (no components), unfolded."""
        block = self._indexes[calendar].block
        if block is None:
            return ""
        return "".join(self.text[s:e] for s, e in block.own_spans())

    def read(self, calendar: int = 0) -> m.Calendar:
        """The whole ``calendar``-th VCALENDAR, series included."""
        header = self.calendars[calendar]
        return _replace_series(header, tuple(self.series(calendar)))

    def _own_lines(self, parser: _Props, block: _Block) -> _Props:
        """``block``'s own lines (not its subcomponents') read into ``parser``."""
        text = self.text
        if block.children:
            for s, e in block.own_spans():
                parser.read(text[s:e].split("\n"))
        elif block.stop > block.body:  # one span, without the generator
            parser.read(text[block.body:block.stop].split("\n"))
        return parser

    def _event(self, block: _Block) -> m.Event:
        parser = self._own_lines(_Props(self, _EVENT), block)
        alarms = []
        for child in block.children:
            if child.name == "VALARM":
                alarms.append(self._alarm(child))
            else:
                parser.component(m.RawComponent(child.name, tuple(self._lines(child.start, child.end))))
        event = parser.build(_new_event, alarms=tuple(alarms), order=tuple(parser.names))
        if parser.odd:
            self.odd.add(id(event))
        return event

    def _alarm(self, block: _Block) -> m.Alarm:
        parser = self._own_lines(_Props(self, _ALARM), block)
        for child in block.children:
            parser.component(m.RawComponent(child.name, tuple(self._lines(child.start, child.end))))
        return parser.build(_new_alarm)

    # -- zones --------------------------------------------------------------------------------

    def zone(self, tzid: str) -> m.Zone:
        """The zone of a TZID, in icalendar's lookup order (``tzp.timezone``): a tzdata name (the
        id without surrounding ``/``), this file's VTIMEZONE, a Windows name, the tzdata name
        ending a globally unique ``/vendor/…`` id (RFC 5545 3.2.19); else ``"unknown"``."""
        found = self._zones.get(tzid)
        if found is None:
            found = self._zones[tzid] = _zone(tzid, self._vtimezones.get(tzid))
        return found


def _replace_series(header: m.Calendar, series: tuple[m.Series, ...]) -> m.Calendar:
    from dataclasses import replace
    return replace(header, series=series)


_CALENDAR_FIELDS = {"PRODID": "prodid", "VERSION": "version", "METHOD": "method", "CALSCALE": "calscale"}


def _zone(tzid: str, rules: m.TimezoneDef | None) -> m.Zone:
    from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

    from ..timezones import UTC_NAMES, iana_zone
    cleaned = tzid.strip("/")
    candidates = [cleaned]
    if rules is not None and iana_zone(cleaned) is None and iana_zone(tzid) is None:
        tz = _file_tzinfo(rules)
        if tz is not None:
            return m.Zone("file", tzid, None, rules, tz)
    if cleaned in WINDOWS_TO_OLSON:
        candidates.append(WINDOWS_TO_OLSON[cleaned])
    if tzid.startswith("/"):
        parts = cleaned.split("/")
        candidates += ["/".join(parts[i:]) for i in range(1, len(parts))]
    candidates.append(tzid)
    for name in candidates:
        zone = iana_zone(name)
        if zone is not None:
            if name.lower() in UTC_NAMES:
                return m.Zone("utc", tzid, name, rules, _UTC)
            return m.Zone("iana", tzid, name, rules, zone)
    return m.Zone("unknown", tzid, None, rules, None)


def _file_tzinfo(rules: m.TimezoneDef) -> Any:
    """icalendar's reading of a VTIMEZONE's rules, built fresh (not icalendar's per-process
    cache: ``timezones._own_tz``)."""
    from icalendar import Timezone
    from icalendar.timezone import tzp
    try:
        return tzp.create_timezone(Timezone.from_ical("\r\n".join(rules.lines) + "\r\n"))
    except (ValueError, KeyError, TypeError, AttributeError, IndexError):
        return None


# ------------------------------------------------------------------------------------------
# Values
# ------------------------------------------------------------------------------------------


def _int(raw: str) -> int:
    return int(raw)


# A DATE-TIME's date and time of day, memoised (both repeat across a calendar), as the ``date``
# and ``time`` that ``datetime.combine`` joins (a third cheaper than ``datetime(*day, *clock)``);
# their constructors refuse what ``datetime``'s refuses (month 13, hour 24, second 60).
_days: dict[str, date] = {}
_clocks: dict[str, dt_time] = {}


def _day(text: str) -> date:
    return remember(_days, text, date(int(text[:4]), int(text[4:6]), int(text[6:8])), 4096)


def _clock(text: str) -> dt_time:
    return remember(_clocks, text, dt_time(int(text[:2]), int(text[2:4]), int(text[4:6])), 4096)


_zoned = m.new_zoned
_combine = datetime.combine


@lru_cache(maxsize=4096)
def _date(raw: str) -> date:
    if not (raw.isascii() and raw.isdigit()):  # vDate.from_ical's test
        raise ValueError(f"Wrong date format {raw}")
    return date(int(raw[:4]), int(raw[4:6]), int(raw[6:8]))


_tzids: dict[int, tuple[m.Params, str | None]] = {}


def _tzid(params: m.Params) -> str | None:
    """The TZID of these parameters, memoised by identity (``lines.split`` shares ``Params``)."""
    found = _tzids.get(id(params))
    if found is None or found[0] is not params:
        found = remember(_tzids, id(params), (params, m.param(params, "TZID")), 8192)
    return found[1]


_durations: dict[str, timedelta] = {}


def duration(raw: str) -> timedelta:
    """DURATION (RFC 5545 3.3.6), as icalendar's ``vDuration`` reads it (memoised: alarm offsets
    and event lengths repeat)."""
    value = _durations.get(raw)
    if value is not None:
        return value
    found = _DURATION.match(raw)
    if found is None:
        raise ValueError(f"Invalid iCalendar duration: {raw}")
    sign, weeks, days, hours, minutes, seconds = found.groups()
    value = timedelta(weeks=int(weeks or 0), days=int(days or 0), hours=int(hours or 0),
                      minutes=int(minutes or 0), seconds=int(seconds or 0))
    if sign == "-":
        value = -value
    remember(_durations, raw, value, 4096)
    return value


_new_event = m.fast_constructor(m.Event)
_new_alarm = m.fast_constructor(m.Alarm)
_new_recur = m.fast_constructor(m.Recur)
_new_address = m.fast_constructor(m.Address)


class _Table:
    """A component's handlers (NAME → the field of a single TEXT property, or a function) and
    the heads its lines had (``NAME;params`` → name, params, handler): a head seen before costs
    one dictionary look-up, not a split and two (``lines.head``)."""

    __slots__ = ("handlers", "heads")

    def __init__(self, handlers: dict[str, str | Callable[..., None]]) -> None:
        self.handlers = handlers
        self.heads: dict[str, tuple[str, m.Params, str | Callable[..., None] | None]] = {}


class _Props:
    """Collects one component's properties into typed fields (``table``: NAME → handler).

    ``lists``, ``params``, ``other``, ``components`` and ``problems`` start as the shared empty
    tuple and become lists at their first item (:meth:`keep` and the like): most components
    fill few of them, and each container made is one more object to allocate and free (five of
    them per component, 16k components at 10k events)."""

    __slots__ = ("reader", "table", "fields", "params", "other", "components", "problems", "lists", "odd", "names")

    def __init__(self, reader: IcsReader, table: _Table) -> None:
        self.reader = reader
        self.table = table
        self.fields: dict[str, Any] = {}
        self.lists: dict[str, list[Any]] | tuple[()] = ()
        self.params: list[tuple[str, m.Params]] | tuple[()] = ()
        self.other: list[m.Line] | tuple[()] = ()
        self.components: list[m.RawComponent] | tuple[()] = ()
        self.problems: list[m.Problem] | tuple[()] = ()
        self.odd = False  # a time value icalendar's reading or a read-side repair may differ on
        self.names: dict[str, None] = {}  # property names in order of first appearance (Event.order)

    def read(self, lines: list[str]) -> None:
        """Some of the component's own lines, in order (empty strings skipped).  One loop with
        the common steps written out: this is the reader's innermost work (a line costs a
        ``partition`` at its first colon, a head look-up and its handler; ``partition`` is one
        call where a ``find`` and two slices were three steps: 30 ms of 236k lines)."""
        heads = self.table.heads
        handlers = self.table.handlers
        names = self.names
        fields = self.fields
        for line in lines:
            head, colon, raw = line.partition(":")
            entry = heads.get(head) if colon else None
            if entry is not None:
                name, params, handler = entry
            elif not line:
                continue
            else:
                at = len(head) if colon else -1
                found = L.head(line, at) if at > 0 else None
                if found is not None:
                    name, params = found
                    handler = handlers.get(name)
                    remember(heads, head, (name, params, handler), 4096)
                else:
                    try:
                        name, params, raw = L.split(line)
                    except ValueError as exc:
                        self.problem(m.Problem("", str(exc), line))
                        continue
                    handler = handlers.get(name)
            names[name] = None  # the first appearance keeps its place
            if handler is None:
                self.keep(m.Line(name, params, raw, line))
            elif handler.__class__ is str:  # a TEXT property with one value: ``single`` written out
                if handler in fields:
                    self.keep(m.Line(name, params, raw, line))
                else:
                    fields[handler] = L.unescape_text(raw) if "\\" in raw else raw
                    if params:
                        self.param(name, params)
            else:
                try:
                    handler(self, name, params, raw, line)  # type: ignore[operator]
                except (ValueError, TypeError, OverflowError) as exc:
                    self.problem(m.Problem(name, str(exc), line))
                    self.keep(m.Line(name, params, raw, line))

    def build(self, kind: Callable[..., Any], **extra: Any) -> Any:
        fields = self.fields
        if self.lists:
            for key, values in self.lists.items():  # type: ignore[union-attr]
                fields[key] = tuple(values)
        return kind(params=tuple(self.params), other=tuple(self.other), components=tuple(self.components),
                    problems=tuple(self.problems), **fields, **extra)

    # -- helpers for handlers (the lazily made containers: class docstring)

    def keep(self, line: m.Line) -> None:
        """A line without a typed field (or a repeat of one), kept as read."""
        if self.other:
            self.other.append(line)  # type: ignore[union-attr]
        else:
            self.other = [line]

    def param(self, name: str, params: m.Params) -> None:
        if self.params:
            self.params.append((name, params))  # type: ignore[union-attr]
        else:
            self.params = [(name, params)]

    def problem(self, problem: m.Problem) -> None:
        if self.problems:
            self.problems.append(problem)  # type: ignore[union-attr]
        else:
            self.problems = [problem]

    def component(self, component: m.RawComponent) -> None:
        if self.components:
            self.components.append(component)  # type: ignore[union-attr]
        else:
            self.components = [component]

    def single(self, key: str, name: str, params: m.Params, value: Any, line: str, raw: str) -> None:
        """A property with one value: the first fills the field, a repeat is kept as a line."""
        if key in self.fields:
            self.keep(m.Line(name, params, raw, line))
            return
        self.fields[key] = value
        if params:
            self.param(name, params)

    def add(self, key: str, value: Any) -> None:
        lists = self.lists
        if not lists:
            self.lists = {key: [value]}
            return
        found = lists.get(key)  # type: ignore[union-attr]
        if found is None:
            lists[key] = [value]  # type: ignore[index]
        else:
            found.append(value)

    def time(self, name: str, params: m.Params, raw: str) -> m.TimeValue:
        """DATE or DATE-TIME (RFC 5545 3.3.4, 3.3.5) as icalendar's ``vDDDTypes`` reads a value of
        this shape, else icalendar's reading of it."""
        n = len(raw)
        if (n == 15 or (n == 16 and raw[15] == "Z")) and raw[8] == "T":
            tzid = _tzid(params) if params and name in _ZONED else None
            # the zone first (its look-up has no effect on a value icalendar then reads), so each
            # datetime is made once, with its tzinfo: ``replace`` costs several times more
            zone = (self.reader._zones.get(tzid) or self.reader.zone(tzid)) if tzid else None
            try:  # the slicing of icalendar's vDatetime.from_ical, so the same texts pass
                day = _days.get(raw[:8]) or _day(raw[:8])
                clock = _clocks.get(raw[9:15]) or _clock(raw[9:15])
                if zone is None:
                    if n == 16:
                        return _zoned((_combine(day, clock, _UTC), UTC_ZONE))
                    return _zoned((_combine(day, clock), FLOATING))
                tz = zone.tzinfo
                found = _combine(day, clock, tz if tz is not None or n == 15 else _UTC)
            except ValueError:
                return self.time_by_icalendar(name, params, raw)
            if n == 16:
                self.odd = True  # a TZID beside a UTC time (io/ics repairs it)
            return _zoned((found, zone if tz is not None or n == 15 else UTC_ZONE))
        if n == 8:
            if params and name in _ZONED and _tzid(params):
                self.odd = True  # a TZID on a DATE (io/ics repairs it)
            try:
                return _date(raw)
            except ValueError:
                pass
        return self.time_by_icalendar(name, params, raw)

    def time_by_icalendar(self, name: str, params: m.Params, raw: str) -> m.TimeValue:
        from icalendar.prop import vDDDTypes
        self.odd = True  # an odd shape: a near-miss value io/ics may repair
        tzid = m.param(params, "TZID") if params and name in _ZONED else None
        try:
            value = vDDDTypes.from_ical(raw, timezone=tzid) if tzid else vDDDTypes.from_ical(raw)
        except OSError as exc:  # TZID=Europe on a TIME: icalendar opens tzdata's folder Europe
            raise ValueError(f"{name}: TZID {tzid!r} names no zone icalendar can load ({exc.strerror})") from None
        return self.wrap(value, tzid)

    def wrap(self, value: Any, tzid: str | None) -> m.TimeValue:
        """A ``date``/``datetime`` of icalendar's as a model value."""
        if isinstance(value, datetime):
            if tzid:
                zone = self.reader.zone(tzid)
                if zone.kind == "file" and value.tzinfo is not None:
                    value = value.replace(tzinfo=None)
                if value.tzinfo is None and zone.tzinfo is not None:
                    value = value.replace(tzinfo=zone.tzinfo)
                return m.ZonedDateTime(value, zone)
            if value.tzinfo is None:
                return m.ZonedDateTime(value, FLOATING)
            if value.utcoffset() == timedelta(0):
                return m.ZonedDateTime(value.replace(tzinfo=_UTC), UTC_ZONE)
            return m.ZonedDateTime(value, m.Zone("iana", None, str(value.tzinfo), None, value.tzinfo))
        if isinstance(value, date):
            return value
        raise ValueError(f"Expected a date or date-time, got {value!r}")

    def date_list(self, name: str, params: m.Params, raw: str) -> m.DateList:
        """EXDATE/RDATE (RFC 5545 3.8.5.1, 3.8.5.2): comma-separated dates, date-times or (RDATE)
        periods."""
        if not raw:
            return m.DateList((), params)
        values: list[Any] = []
        for item in raw.split(","):
            if "/" in item:
                values.append(self.period(name, params, item))
            else:
                values.append(self.time(name, params, item))
        if name == "EXDATE" and any(isinstance(v, m.Period) for v in values):
            raise ValueError(f"EXDATE cannot hold a period: {raw}")
        return m.DateList(tuple(values), params)

    def period(self, name: str, params: m.Params, item: str) -> m.Period:
        start_text, _, rest = item.partition("/")
        start = self.time(name, params, start_text)
        if not isinstance(start, m.ZonedDateTime):
            raise ValueError(f"Invalid period: {item}")
        if rest[:1] in ("P", "+", "-"):
            return m.Period(start, None, duration(rest))
        end = self.time(name, params, rest)
        if not isinstance(end, m.ZonedDateTime):
            raise ValueError(f"Invalid period: {item}")
        if end.dt.replace(tzinfo=None) < start.dt.replace(tzinfo=None):
            self.odd = True  # icalendar refuses a period that ends before it starts
        return m.Period(start, end, None)


# ------------------------------------------------------------------------------------------
# Handlers: (props, NAME, params, raw value, line)
# ------------------------------------------------------------------------------------------

def _integer(key: str) -> Callable[..., None]:
    def handle(p: _Props, name: str, params: m.Params, raw: str, line: str) -> None:
        try:
            value = int(raw)
        except ValueError:
            from icalendar.prop import vInt
            value = int(vInt.from_ical(L.unescape_text(raw)))
        p.single(key, name, params, value, line, raw)
    return handle


def _time_field(key: str) -> Callable[..., None]:
    def handle(p: _Props, name: str, params: m.Params, raw: str, line: str) -> None:
        value = p.time(name, params, raw)  # read first: a repeat's unreadable value is a problem too
        if key in p.fields:  # ``single`` written out: three time properties an event
            p.keep(m.Line(name, params, raw, line))
            return
        p.fields[key] = value
        if params:
            p.param(name, params)
    return handle


def _duration_value(raw: str, what: str) -> timedelta:
    """A duration (RFC 5545 3.3.6) by the typed parser; an odd spelling as icalendar reads it
    (the fast path never reads less than icalendar does), which must still be a duration."""
    try:
        return duration(raw)
    except ValueError:
        from icalendar.prop import vDDDTypes
        value = vDDDTypes.from_ical(L.unescape_text(raw))
        if not isinstance(value, timedelta):
            raise ValueError(f"{what} is not a duration: {raw}") from None
        return value


def _duration_field(key: str) -> Callable[..., None]:
    def handle(p: _Props, name: str, params: m.Params, raw: str, line: str) -> None:
        p.single(key, name, params, _duration_value(raw, "DURATION"), line, raw)
    return handle


def _rid(p: _Props, name: str, params: m.Params, raw: str, line: str) -> None:
    value = p.time(name, params, raw)
    rng = m.param(params, "RANGE") if params else None
    p.single("recurrence_id", name, params, m.RecurrenceId(value, rng.upper() if rng else None), line, raw)


_addresses: dict[tuple[str, int], m.Address] = {}


def _address(params: m.Params, raw: str) -> m.Address:
    """An ATTENDEE/ORGANIZER, memoised by its value and parameters (by identity: ``lines.head``
    shares them, and the Address holds them, so the id stays theirs): the same people recur
    across a calendar's events, and an :class:`model.Address` is immutable, so one object serves."""
    key = (raw, id(params))
    found = _addresses.get(key)
    if found is None or found.params is not params:
        value = L.unescape_text(raw)
        found = _new_address(value, *address_fields(params)[1], params) if params else _new_address(value)
        remember(_addresses, key, found, 8192)
    return found


_address_fields: dict[m.Params, tuple[dict[str, Any], tuple[Any, ...]]] = {}
ADDRESS_KEYS = ("cn", "role", "partstat", "rsvp", "cutype", "delegated_to", "delegated_from", "member", "sent_by",
                "dir", "language", "email")


def address_fields(params: m.Params) -> tuple[dict[str, Any], tuple[Any, ...]]:
    """The typed :class:`model.Address` fields of these parameters, as keywords and as a tuple
    in :data:`ADDRESS_KEYS` order (the :class:`model.Address` fields after ``address``).  Memoised
    by value: the reader and the model writer (which asks for every ATTENDEE it writes, on
    parameters a mapper built) meet the same parameter sections again and again."""
    try:
        found = _address_fields.get(params)
    except TypeError:  # a mapper's unhashable value (a list): computed each time
        typed = _typed_params(params)
        return typed, tuple(typed[k] for k in ADDRESS_KEYS)
    if found is None:
        if len(_address_fields) > 8192:
            _address_fields.clear()
        typed = _typed_params(params)
        found = _address_fields[params] = (typed, tuple(typed[k] for k in ADDRESS_KEYS))
    return found


def _typed_params(params: m.Params) -> dict[str, Any]:
    """The typed fields of :class:`model.Address` from its parameters (RFC 5545 3.2).  One pass
    (the last of a repeated parameter wins, as in :func:`model.param`), not one scan per field."""
    last: dict[str, m.Param] = {}
    for p in params:
        last[p.name] = p
    one = {name: (found.value if (found := last.get(name)) is not None else None) for name in _SINGLE_PARAMS}
    many = {name: (found.values if (found := last.get(name)) is not None else ()) for name in _LIST_PARAMS}
    rsvp = one["RSVP"]
    return dict(
        cn=one["CN"], role=one["ROLE"], partstat=one["PARTSTAT"],
        rsvp=None if rsvp is None else rsvp.upper() == "TRUE", cutype=one["CUTYPE"],
        delegated_to=many["DELEGATED-TO"], delegated_from=many["DELEGATED-FROM"],
        member=many["MEMBER"], sent_by=one["SENT-BY"], dir=one["DIR"],
        language=one["LANGUAGE"], email=one["EMAIL"], params=params)


_SINGLE_PARAMS = ("CN", "ROLE", "PARTSTAT", "RSVP", "CUTYPE", "SENT-BY", "DIR", "LANGUAGE", "EMAIL")
_LIST_PARAMS = ("DELEGATED-TO", "DELEGATED-FROM", "MEMBER")


def _organizer(p: _Props, name: str, params: m.Params, raw: str, line: str) -> None:
    if "organizer" in p.fields:
        p.keep(m.Line(name, params, raw, line))
        return
    p.fields["organizer"] = _address(params, raw)


def _attendee(p: _Props, name: str, params: m.Params, raw: str, line: str) -> None:
    """``p.add("attendees", _address(params, raw))`` with the memo's hit and the list's append
    written out (3.5 attendees an event)."""
    found = _addresses.get((raw, id(params)))
    if found is None or found.params is not params:
        found = _address(params, raw)
    lists = p.lists
    if lists and "attendees" in lists:
        lists["attendees"].append(found)  # type: ignore[index]
    else:
        p.add("attendees", found)


_WEEKDAYS = frozenset({"SU", "MO", "TU", "WE", "TH", "FR", "SA"})
_FREQS = frozenset({"SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY"})
_INT_PARTS = {"BYSECOND": "bysecond", "BYMINUTE": "byminute", "BYHOUR": "byhour", "BYMONTHDAY": "bymonthday",
              "BYYEARDAY": "byyearday", "BYWEEKNO": "byweekno", "BYSETPOS": "bysetpos"}
_BYDAY = re.compile(r"([+-]?\d{1,2})?(SU|MO|TU|WE|TH|FR|SA)\Z")


def recur(p: _Props, params: m.Params, raw: str) -> m.Recur:
    """RECUR (RFC 5545 3.3.10, RFC 7529): the canonical spelling (upper case, known parts) read
    here; anything else read by icalendar's ``vRecur`` and converted."""
    parts: dict[str, Any] = {}
    other: list[tuple[str, str]] = []
    try:
        for pair in raw.split(";"):
            key, sep, value = pair.partition("=")
            if not sep or "=" in value:
                raise _Odd
            if key == "FREQ":
                if value not in _FREQS:
                    raise _Odd
                parts["freq"] = value
            elif key in _INT_PARTS:
                parts[_INT_PARTS[key]] = tuple(int(v) for v in value.split(","))
            elif key == "BYDAY":
                days = []
                for v in value.split(","):
                    found = _BYDAY.match(v)
                    if found is None:
                        raise _Odd
                    days.append(m.WeekdayNum(int(found.group(1) or 0), found.group(2)))
                parts["byday"] = tuple(days)
            elif key == "BYMONTH":
                months = tuple(value.split(","))
                if not all(v.isdigit() for v in months):
                    raise _Odd
                parts["bymonth"] = months
            elif key == "COUNT" or key == "INTERVAL":
                parts[key.lower()] = int(value)
            elif key == "UNTIL":
                parts["until"] = p.time("UNTIL", (), value)
            elif key == "WKST":
                if value not in _WEEKDAYS:
                    raise _Odd
                parts["wkst"] = value
            else:
                raise _Odd
    except (_Odd, ValueError):
        return _recur_by_icalendar(p, params, raw)
    return _new_recur(raw, other=tuple(other), params=params, **parts)


class _Odd(Exception):
    """A rule spelled other than the canonical way: icalendar reads it."""


def _recur_by_icalendar(p: _Props, params: m.Params, raw: str) -> m.Recur:
    from icalendar.prop import vRecur
    found = vRecur.from_ical(L.unescape_text(raw))
    parts: dict[str, Any] = {}
    other: list[tuple[str, str]] = []
    for key, values in found.items():
        key = str(key).upper()
        texts = [str(v.value if isinstance(v, Enum) else v) for v in values] if key != "UNTIL" else []  # vSkip
        if key == "FREQ":
            parts["freq"] = texts[0].upper()
        elif key in _INT_PARTS:
            parts[_INT_PARTS[key]] = tuple(int(v) for v in values)
        elif key in ("BYDAY", "BYWEEKDAY"):
            days = []
            for v in texts:
                hit = _BYDAY.match(v.upper())
                if hit is None:
                    raise ValueError(f"Invalid BYDAY {v!r}")
                days.append(m.WeekdayNum(int(hit.group(1) or 0), hit.group(2)))
            parts["byday"] = tuple(days)
        elif key == "BYMONTH":
            parts["bymonth"] = tuple(texts)
        elif key in ("COUNT", "INTERVAL"):
            parts[key.lower()] = int(values[0])
        elif key == "UNTIL":
            parts["until"] = p.wrap(values[0], None)
        elif key == "WKST":
            parts["wkst"] = texts[0].upper()
        elif key == "RSCALE":
            parts["rscale"] = texts[0]
        elif key == "SKIP":
            parts["skip"] = texts[0].upper()
        else:
            other.append((key, ",".join(texts)))
    return _new_recur(raw, other=tuple(other), params=params, **parts)


def _rrule(key: str) -> Callable[..., None]:
    def handle(p: _Props, name: str, params: m.Params, raw: str, line: str) -> None:
        p.add(key, recur(p, params, raw))
    return handle


def _dates(key: str) -> Callable[..., None]:
    def handle(p: _Props, name: str, params: m.Params, raw: str, line: str) -> None:
        p.add(key, p.date_list(name, params, raw))
    return handle


def _categories(p: _Props, name: str, params: m.Params, raw: str, line: str) -> None:
    p.add("categories", m.TextList(L.split_text_list(raw), params))


def _geo(p: _Props, name: str, params: m.Params, raw: str, line: str) -> None:
    lat, sep, lon = L.unescape_text(raw).partition(";")
    if not sep:
        raise ValueError(f"GEO must have two float values: {raw}")
    p.single("geo", name, params, m.Geo(float(lat), float(lon)), line, raw)


def _url(p: _Props, name: str, params: m.Params, raw: str, line: str) -> None:
    p.single("url", name, params, L.unescape_text(raw), line, raw)


def _conference(p: _Props, name: str, params: m.Params, raw: str, line: str) -> None:
    p.add("conferences", m.Conference(L.unescape_text(raw), params))


def _attach(p: _Props, name: str, params: m.Params, raw: str, line: str) -> None:
    value_type = (m.param(params, "VALUE") or "").upper()
    encoding = (m.param(params, "ENCODING") or "").upper()
    if value_type == "BINARY" or encoding == "BASE64":
        import base64
        import binascii
        try:
            data = base64.b64decode(raw, validate=False)
        except binascii.Error as exc:
            raise ValueError(f"ATTACH is not base64: {exc}") from None
        p.add("attachments", m.Attachment(None, data, params))
    else:
        p.add("attachments", m.Attachment(L.unescape_text(raw), None, params))


def _comment(p: _Props, name: str, params: m.Params, raw: str, line: str) -> None:
    if params:  # COMMENT;LANGUAGE=… keeps its parameters as a line
        p.keep(m.Line(name, params, raw, line))
        return
    p.add("comments", L.unescape_text(raw))


def _trigger(p: _Props, name: str, params: m.Params, raw: str, line: str) -> None:
    related = (m.param(params, "RELATED") or "START").upper() if params else "START"
    if raw[:1] in ("P", "-", "+"):
        offset = _duration_value(raw, "TRIGGER")
        p.single("trigger", name, params, m.Trigger(offset, None, related, params), line, raw)
        return
    at = p.time(name, params, raw)
    if not isinstance(at, m.ZonedDateTime):
        raise ValueError(f"TRIGGER must be a duration or a DATE-TIME: {raw}")
    p.single("trigger", name, params, m.Trigger(None, at, related, params), line, raw)


# A handler is the field of a single TEXT property (read inline by ``_Props.read``) or a function.
_EVENT = _Table({
    "UID": "uid", "SUMMARY": "summary", "DESCRIPTION": "description",
    "LOCATION": "location", "STATUS": "status", "TRANSP": "transparency",
    "CLASS": "classification", "PRIORITY": _integer("priority"), "SEQUENCE": _integer("sequence"),
    "DTSTART": _time_field("start"), "DTEND": _time_field("end"), "DURATION": _duration_field("duration"),
    "DTSTAMP": _time_field("stamp"), "CREATED": _time_field("created"),
    "LAST-MODIFIED": _time_field("last_modified"), "RECURRENCE-ID": _rid, "ORGANIZER": _organizer,
    "ATTENDEE": _attendee, "RRULE": _rrule("rrules"), "EXRULE": _rrule("exrules"),
    "RDATE": _dates("rdates"), "EXDATE": _dates("exdates"), "CATEGORIES": _categories, "GEO": _geo,
    "URL": _url, "CONFERENCE": _conference, "ATTACH": _attach, "COMMENT": _comment,
})
_ALARM = _Table({
    "ACTION": "action", "TRIGGER": _trigger, "DESCRIPTION": "description",
    "SUMMARY": "summary", "DURATION": _duration_field("duration"), "REPEAT": _integer("repeat"),
    "ATTENDEE": _attendee, "ATTACH": _attach,
})


# ------------------------------------------------------------------------------------------
# Entry points
# ------------------------------------------------------------------------------------------


def read_calendar(data: bytes | str, calendar: int = 0) -> m.Calendar:
    """The ``calendar``-th VCALENDAR of an .ics file, series included."""
    return IcsReader(data).read(calendar)


def iter_series(data: bytes | str, calendar: int = 0) -> tuple[m.Calendar, Iterator[m.Series]]:
    """The calendar (without series) and a generator of its series, one at a time."""
    reader = IcsReader(data)
    return reader.calendars[calendar], reader.series(calendar)


_standalone: _Props | None = None


def parse_recur(raw: str, params: m.Params = ()) -> m.Recur:
    """One RECUR value outside a file (its UNTIL has no TZID to resolve): what the writer uses
    to check that a rule's ``text`` still says what its typed parts say."""
    global _standalone
    if _standalone is None:
        _standalone = _Props(IcsReader(b""), _Table({}))
    return recur(_standalone, params, raw)
