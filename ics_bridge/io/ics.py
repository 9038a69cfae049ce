"""Reading and writing .ics bytes.

Reading: decode (BOM, UTF-8, else Windows-1252 reported), accept a bare VEVENT without its
VCALENDAR, repair the line structure (:func:`prepare_text`), parse with icalendar in its
error-tolerant mode, surface every value icalendar could not parse (:func:`check_calendar`),
resolve every TZID to a zoneinfo zone (:func:`timezones.normalize_calendar_zones`) and apply the
producer quirks of :mod:`ics_bridge.quirks`, each reported.  Writing: a VTIMEZONE for every TZID
used (RFC 5545 3.6.5; interop-notes case 51), CRLF line endings and folding by icalendar.

Hostile and broken input (issue 6).  A whole-file problem raises :class:`InputError`; a problem of
one VEVENT removes that VEVENT from the hub and appends an :class:`InputError` naming its UID and
the field to ``errors`` — the other events go on; a repaired or dropped value is a report entry:

* line structure (:func:`prepare_text`): CR, LF and CRLF line ends alike; a line without the
  leading space of a fold is joined to the line before (as a newline in the value once the value
  has started — a raw newline — else directly); control characters removed; a missing
  ``END:VEVENT`` is inserted before the next ``BEGIN:VEVENT`` or ``END:VCALENDAR``; an ``END``
  without ``BEGIN`` and lines outside any component are dropped; a file that ends inside a VEVENT
  makes that VEVENT an error (it may be cut off), the others are read;
* limits (:mod:`ics_bridge.limits`): an over-long content line is dropped, components nested
  deeper than ``max_depth`` are dropped with their content, more than ``max_events`` VEVENTs or
  ``max_components`` components refuse the file;
* values (:func:`check_calendar`): icalendar keeps what it cannot parse as ``vBroken``; an
  unreadable DTSTART or RECURRENCE-ID (or none at all, or not a date/date-time) makes the event an
  error; any other unreadable value is dropped and reported (an RRULE: the series becomes its
  first occurrence); an alarm with an unreadable TRIGGER is dropped; a VTIMEZONE that cannot be
  read, or whose observances do not recur yearly, is ignored (its TZID then resolves by name);
  a VEVENT without UID gets a stable one made from its content; duplicate UIDs are reported.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date, datetime, timezone
from typing import Any, Iterator

from icalendar import Calendar, Event, Timezone
from icalendar.cal.component import Component
from icalendar.cal.component_factory import ComponentFactory
from icalendar.parser.ical.calendar import CalendarIcalParser
from icalendar.parser.parameter import Parameters
from icalendar.prop import vBroken, vDDDLists, vText
from icalendar.timezone.tzid import is_utc as _ical_is_utc

from .. import expansion, timezones
from . import contentlines, fastics
from ..errors import InputError
from ..memo import remember
from ..limits import DEFAULT_LIMITS, Limits, too_large, too_many_events
from ..quirks import apply_read_quirks, near_miss_values
from ..report import LossKind, Report
from ..text import sanitize_html, without_lone_surrogates
from ..vevent import _unescape_text as _unescape
from ..vevent import props

MAX_ICS_BYTES = 256 * 1024 * 1024

# The marker the line repair puts into a VEVENT the file ends inside; never leaves the reader.
_INCOMPLETE = "X-ICSBRIDGE-READER-INCOMPLETE"
_LINE_END = re.compile(r"\r\n|\r|\n")
_FOLD = re.compile(r"(?:\r\n|\r|\n)[ \t]")
# A content line starts with a name and ';' or ':' — not a URL ("https://…" in a raw
# multi-line description is a line of that description).
_CONTENT_LINE = re.compile(r"(?!(?i:https?|ftp|webcal)://)[A-Za-z0-9-]+[;:]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TOP_LEVEL = frozenset({"VEVENT", "VTODO", "VJOURNAL", "VFREEBUSY", "VTIMEZONE", "VAVAILABILITY"})
# Where a line without the fold's space is a raw newline of the value (TEXT values only:
# elsewhere a newline cannot be written back).
_TEXT_PROPERTIES = frozenset({"DESCRIPTION", "SUMMARY", "LOCATION", "COMMENT", "CONTACT", "RESOURCES",
                              "X-ALT-DESC"})
# A physical line at least this long that is continued without a space was cut by a folder.
_FOLD_WIDTH = 70


@dataclass(frozen=True)
class IcsReadOptions:
    """``x_wr_timezone``: read Google's UTC values in the calendar's X-WR-TIMEZONE (default,
    reported) or keep them in UTC (``False``).  ``limits``: see :mod:`ics_bridge.limits`."""

    x_wr_timezone: bool = True
    max_bytes: int = MAX_ICS_BYTES
    limits: Limits = DEFAULT_LIMITS


# A fold (line end + space or tab) between a UTF-8 lead or continuation byte and a continuation
# byte: it splits one character (RFC 5545 3.1 says folds must not; some folders count octets).
_SPLIT_UTF8_FOLD = re.compile(rb"([\xc2-\xf4\x80-\xbf])(?:\r\n|\r|\n)[ \t](?=[\x80-\xbf])")


def decode(data: bytes | str, report: Report) -> str:
    if isinstance(data, str):  # a library caller's text: lone surrogates cannot be written as UTF-8
        text, replaced = without_lone_surrogates(data.lstrip("\ufeff"))
        if replaced:
            report.add(LossKind.INVALID_VALUE, "encoding", f"{replaced} lone UTF-16 surrogate(s) replaced by U+FFFD")
        return text
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        joined, folds = _SPLIT_UTF8_FOLD.subn(rb"\1", data)
        if folds:
            try:
                text = joined.decode("utf-8")
            except UnicodeDecodeError:
                pass
            else:
                report.add(LossKind.QUIRK_REPAIRED, "encoding",
                           f"{folds} fold(s) inside a UTF-8 character joined before decoding (RFC 5545 3.1 "
                           "forbids them; the octets are one character)")
                return text
        report.add(LossKind.QUIRK_REPAIRED, "encoding",
                   f"not UTF-8 (byte {exc.start}); read as Windows-1252", guess=True)
        return data.decode("cp1252", errors="replace")


# ------------------------------------------------------------------------------------------
# Line structure
# ------------------------------------------------------------------------------------------

@dataclass
class _Open:
    """A component whose END has not been seen: its name, UID and the notes for its report."""

    name: str
    uid: str | None = None
    notes: list[tuple[LossKind, str, str, bool]] = field(default_factory=list)  # (…, guess)


class _Structure:
    def __init__(self, report: Report, limits: Limits) -> None:
        self.report = report
        self.limits = limits
        self.out: list[str] = []
        self.stack: list[_Open] = []
        self.skip = 0  # > 0 inside a subtree dropped for depth
        self.components = 0
        self.events = 0
        self.file_notes: dict[tuple[LossKind, str, str, bool], int] = {}

    # -- notes: per VEVENT (reported with its UID when it closes) or per file ------------------
    def note(self, kind: LossKind, fld: str, reason: str, *, guess: bool = False) -> None:
        for item in reversed(self.stack):
            if item.name == "VEVENT":
                item.notes.append((kind, fld, reason, guess))
                return
        key = (kind, fld, reason, guess)
        self.file_notes[key] = self.file_notes.get(key, 0) + 1

    def flush(self, item: _Open) -> None:
        counted: dict[tuple[LossKind, str, str, bool], int] = {}
        for note in item.notes:
            counted[note] = counted.get(note, 0) + 1
        for (kind, fld, reason, guess), n in counted.items():
            self.report.add(kind, fld, reason if n == 1 else f"{reason} ({n} times)", uid=item.uid, guess=guess)

    def finish_notes(self) -> None:
        for (kind, fld, reason, guess), n in self.file_notes.items():
            self.report.add(kind, fld, reason if n == 1 else f"{reason} ({n} times)", guess=guess)

    # -- structure ----------------------------------------------------------------------------
    def close_top(self, why: str) -> None:
        item = self.stack.pop()
        self.out.append(f"END:{item.name}")
        if item.name == "VEVENT":
            item.notes.append((LossKind.QUIRK_REPAIRED, "END:VEVENT", f"END:VEVENT missing {why}; inserted", True))
            self.flush(item)
        else:
            self.flush(item)
            self.note(LossKind.QUIRK_REPAIRED, f"END:{item.name}", f"END:{item.name} missing {why}; inserted", guess=True)

    def begin(self, name: str) -> None:
        if self.skip:
            self.skip += 1
            return
        if not self.stack and name != "VCALENDAR":
            self.note(LossKind.QUIRK_REPAIRED, "VCALENDAR", f"BEGIN:{name} outside VCALENDAR; wrapped in one")
            self.out.append("BEGIN:VCALENDAR")
            self.stack.append(_Open("VCALENDAR"))
        elif name == "VCALENDAR":
            while self.stack:
                self.close_top("before the next BEGIN:VCALENDAR")
        elif name in _TOP_LEVEL:
            while len(self.stack) > 1 and self.stack[-1].name != "VCALENDAR":
                self.close_top(f"before BEGIN:{name}")
        if len(self.stack) >= self.limits.max_depth:
            self.note(LossKind.INVALID_VALUE, name,
                      f"components nested deeper than {self.limits.max_depth} levels dropped with their content "
                      "(limit max_depth)")
            self.skip = 1
            return
        self.components += 1
        if self.components > self.limits.max_components:
            raise InputError(f"more than {self.limits.max_components} components, over the limit "
                             "(raise it with Limits(max_components=…))")
        if name == "VEVENT":
            self.events += 1
            if self.events > self.limits.max_events:
                raise too_many_events(self.limits.max_events)
        self.stack.append(_Open(name))
        self.out.append(f"BEGIN:{name}")

    def end(self, name: str) -> None:
        if self.skip:
            self.skip -= 1
            return
        names = [item.name for item in self.stack]
        if name not in names:
            self.note(LossKind.INVALID_VALUE, f"END:{name}", f"END:{name} without BEGIN:{name} ignored")
            return
        while self.stack[-1].name != name:
            self.close_top(f"before END:{name}")
        item = self.stack.pop()
        self.out.append(f"END:{name}")
        self.flush(item)

    def prop(self, name: str, line: str) -> None:
        if self.skip:
            return
        if not self.stack:
            if line.strip():
                self.note(LossKind.INVALID_VALUE, name, "line outside any component ignored")
            return
        top = self.stack[-1]
        if name == "UID" and top.uid is None:
            top.uid = line.split(":", 1)[1].strip() if ":" in line else None
        self.out.append(line)

    def eof(self) -> None:
        if self.stack:
            open_names = " > ".join(item.name for item in self.stack)
            for item in self.stack:
                if item.name == "VEVENT":
                    # The event may be cut off: check_calendar makes it an error.
                    self.out.append(f"{_INCOMPLETE}:TRUE")
                    break
            self.note(LossKind.QUIRK_REPAIRED, "END:VCALENDAR",
                      f"the file ends inside {open_names} (truncated?); END lines added", guess=True)
            while self.stack:
                item = self.stack.pop()
                self.out.append(f"END:{item.name}")
                self.flush(item)
        self.finish_notes()


def _unfolded(physicals: list[str], limit: int) -> Iterator[tuple[str, int]]:
    """RFC 5545 3.1 unfolding, before anything else: a physical line that starts with a space or
    a tab continues the line before, wherever the fold fell (KOrganizer 3.1 folds right after
    the name: ``DTSTART`` / `` :20031210T…``).  Yields each unfolded line with the length of its
    last physical line (the line-repair heuristics judge a fold by it).  A line is not built
    past ``limit`` characters (the caller drops it as over-long)."""
    parts: list[str] = []
    size = last = 0
    for physical in physicals:
        if not physical:
            continue  # a blank line is no content line: a fold after it continues the line before (Mozilla 1.0)
        if physical[:1] in (" ", "\t") and parts:
            if size <= limit:
                parts.append(physical[1:])
                size += len(physical) - 1
            last = len(physical)
            continue
        if parts:
            yield "".join(parts), last
        parts, size, last = [physical], len(physical), len(physical)
    if parts:
        yield "".join(parts), last


def _with_last(items: Iterator[tuple[str, int]]) -> Iterator[tuple[str, int, bool]]:
    previous = next(items, None)
    for item in items:
        yield (*previous, False)  # type: ignore[misc]
        previous = item
    if previous is not None:
        yield (*previous, True)


def _logical_lines(text: str, st: _Structure) -> Iterator[str]:
    """Content lines: unfolded first (:func:`_unfolded`), then a line that does not start like a
    content line is repaired (joined to the line before, noted), over-long lines dropped (noted).
    Only a line that is not a content line after unfolding is judged broken, so the repairs never
    change a valid file."""
    limit = st.limits.max_line
    pieces: list[str] = []
    size = 0
    too_long = False
    last_physical = 0
    has_value = False

    def done() -> Iterator[str]:
        if too_long:
            name = re.split(r"[;:]", pieces[0], maxsplit=1)[0].upper() if pieces else "?"
            st.note(LossKind.INVALID_VALUE, name or "?",
                    f"content line over {limit} characters dropped (limit max_line)")
        elif pieces:
            yield "".join(pieces)

    physicals = _LINE_END.split(text)
    while physicals and not physicals[-1].strip():
        physicals.pop()
    for line, last, final in _with_last(_unfolded(physicals, limit)):
        if final and line[0] not in " \t" and not _CONTENT_LINE.match(line):
            st.note(LossKind.INVALID_VALUE, "?", "incomplete last line ignored")  # cut before its ':'
            break
        if _CONTENT_LINE.match(line):
            yield from done()
            pieces, size, too_long = [line], len(line), False
            has_value = ":" in line
            last_physical = last
            if size > limit:
                too_long, pieces = True, [line[:80]]
            continue
        if line[0] in " \t":
            piece = line[1:]  # a fold at the very start of the file
        else:
            if not pieces or pieces[0][:6].upper() == "BEGIN:" or pieces[0][:4].upper() == "END:":
                st.note(LossKind.INVALID_VALUE, "?", "unreadable line ignored")
                continue
            name = re.split(r"[;:]", pieces[0], maxsplit=1)[0].upper()
            if has_value and last_physical < _FOLD_WIDTH and name in _TEXT_PROPERTIES:
                piece = "\\n" + line
                st.note(LossKind.QUIRK_REPAIRED, name, "line without the leading space of a fold read as a new line of the value",
                        guess=True)
            else:
                piece = line
                st.note(LossKind.QUIRK_REPAIRED, name, "line folded without a leading space joined to the line before",
                        guess=True)
        last_physical = last
        if not pieces:
            st.note(LossKind.INVALID_VALUE, "?", "folded line without a line to continue ignored")
            continue
        if not too_long:
            size += len(piece)
            if size > limit:
                too_long, pieces = True, [pieces[0][:80]]
            else:
                pieces.append(piece)
                has_value = has_value or ":" in piece
    yield from done()


def prepare_text(text: str, report: Report, limits: Limits = DEFAULT_LIMITS) -> str:
    """The text with a sound line structure (see the module docstring), every repair reported;
    CRLF-separated unfolded content lines.  Raises :class:`InputError` over a limit."""
    text, removed = _CONTROL.subn("", text)
    if removed:
        report.add(LossKind.INVALID_VALUE, "?", f"{removed} control character(s) removed")
    st = _Structure(report, limits)
    for line in _logical_lines(text, st):
        head = line[:6].upper()
        if head == "BEGIN:" or head[:4] == "END:":
            name, _, value = line.partition(":")
            name = name.strip().upper()
            value = value.strip().upper()
            if name == "BEGIN" and value:
                st.begin(value)
                continue
            if name == "END" and value:
                st.end(value)
                continue
        name = re.split(r"[;:]", line, maxsplit=1)[0].upper()
        st.prop(name, line)
    st.eof()
    return "\r\n".join(st.out) + "\r\n"


# ------------------------------------------------------------------------------------------
# Parsing: icalendar in error-tolerant mode for every component
# ------------------------------------------------------------------------------------------

class _TolerantFactory(ComponentFactory):
    """icalendar's component classes, each subclassed with ``ignore_exceptions`` so a value it
    cannot parse becomes ``vBroken`` (checked by :func:`check_calendar`) instead of aborting the
    whole file (VEVENT is tolerant by default, VALARM, VTIMEZONE and VCALENDAR are not)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._tolerant: dict[type, type] = {}

    def get_component_class(self, name: str) -> type[Component]:
        cls = super().get_component_class(name)
        tolerant = self._tolerant.get(cls)
        if tolerant is None:
            tolerant = self._tolerant[cls] = type(cls.__name__, (cls,), {"ignore_exceptions": True})
        return tolerant


_FACTORY = _TolerantFactory()


class TextAsRead(vText):
    """A TEXT-typed property whose value is not one TEXT (``REQUEST-STATUS``, ``RESOURCES``;
    :data:`_AS_READ`), read by icalendar: the text icalendar reads (unescaped, as before), and
    the value as the file wrote it, which :meth:`to_ical` writes back.

    Why: icalendar types them TEXT, so ``REQUEST-STATUS:2.0;Success`` (RFC 5545 3.8.8.3: the
    semicolons separate code, description and data) was written ``2.0\\;Success`` — one
    description-less code — and ``RESOURCES:EASEL,VCR`` (3.8.1.10: a comma-separated list)
    ``EASEL\\,VCR``, one resource.  The reading cannot be undone (``2.0\\;x`` and ``2.0;x``
    read alike), so the value as read travels with it: a VTODO, VJOURNAL, VFREEBUSY or X-
    component written again (``component_as_written``), and a VEVENT that crosses the edge
    (``edge.events_to_model``), keep the lines as the typed reader keeps a plain VEVENT's."""

    __slots__ = ("raw",)

    def __new__(cls, value: Any, encoding: str = "utf-8", /, params: dict[str, Any] | None = None) -> "TextAsRead":
        self = super().__new__(cls, value, encoding, params=params)
        self.raw = getattr(value, "raw", None)
        return self

    @classmethod
    def get_value_from_content_line(cls, line: Any) -> str:
        """The value as written (icalendar's parser then calls :meth:`from_ical` with it)."""
        return line.raw_parts()[2]

    @classmethod
    def from_ical(cls, ical: Any) -> "TextAsRead":
        raw = ical.decode("utf-8") if isinstance(ical, bytes) else str(ical)
        self = cls(contentlines.unescape(raw))
        self.raw = raw
        return self

    def to_ical(self) -> bytes:
        if self.raw is None or self.encoding != "utf-8":
            return super().to_ical()
        return self.raw.encode("utf-8")


#: Properties icalendar types TEXT whose value holds unescaped ``;`` or ``,`` separators.
_AS_READ = frozenset({"REQUEST-STATUS", "RESOURCES"})


def as_read_type(name: str, params: Any) -> type | None:
    """:class:`TextAsRead` for a property of :data:`_AS_READ` typed TEXT, else None (icalendar's
    own lookup decides): the one place the parser retypes a property."""
    if name in _AS_READ and str(params.get("VALUE", "TEXT")).upper() == "TEXT":
        return TextAsRead
    return None


class _Parser(contentlines.FastLines, CalendarIcalParser):
    """icalendar's parser, except that a VTIMEZONE is handed to icalendar's (process-wide)
    zone cache only when :func:`_yearly_only` accepts it: a broken one would abort the file and a
    non-yearly one would make icalendar compute unbounded transitions.

    Content lines of the plain shape are split by :func:`contentlines.split` (same parts,
    faster); the value types are looked up once per property name and ``VALUE``."""

    def get_factory_for_property(self, name: str, params: Any) -> Any:
        """:class:`TextAsRead` for :data:`_AS_READ` as TEXT, else icalendar's type."""
        return as_read_type(name, params) or super().get_factory_for_property(name, params)

    def parse_and_add_property(self, name: str, params: Any, val: str, tzid: str | None, line: Any) -> None:
        if name in near_miss_values.PROPERTIES:
            val = self._near_miss(name, params, val)
            if tzid and _DATES.fullmatch(val):
                tzid = self._zoned_date(name, params, tzid)
            elif tzid and name in _TIMING_PROPS and _UTC_TIMES.fullmatch(val):
                tzid = self._utc_with_tzid(name, params, tzid)
            elif tzid and name in _LIST_PROPS and "Z" in val and _MIXED_TIMES.fullmatch(val):
                self._mixed_utc_with_tzid(name, params, val, tzid, line)
                return
        try:
            super().parse_and_add_property(name, params, val, tzid, line)
            return
        except (OSError, LookupError, OverflowError, AttributeError, AssertionError) as exc:
            # zoneinfo raises OSError for a TZID such as "Europe" (a tzdata directory): read the
            # value without its zone (normalize_calendar_zones then reports the TZID)
            problem = exc
        except (ValueError, TypeError) as exc:
            # raised after icalendar's own guarded parse, by the value's constructor (a PERIOD
            # whose end is before its start): a broken value of this property, reported
            self.handle_property_parse_error(exc, name, params, val, line)
            return
        if tzid:
            try:
                super().parse_and_add_property(name, params, val, None, line)
                return
            except (OSError, LookupError, OverflowError, AttributeError, AssertionError) as exc:
                problem = exc
        self.handle_property_parse_error(ValueError(f"{type(problem).__name__}: {problem}"), name, params, val, line)

    def _near_miss(self, name: str, params: Any, val: str) -> str:
        """A near-miss date value (:mod:`quirks.near_miss_values`) replaced by the evident one,
        noted on the component (reported by :func:`_clean_properties`).  Before icalendar sees
        it: with a TZID icalendar would read ``20131009T170000T`` silently, without one not at all."""
        fixed = near_miss_values.repair(val)
        if fixed is None:
            return val
        try:
            self.get_factory_for_property(name, params).from_ical(fixed)
        except (ValueError, TypeError, OverflowError):
            return val  # no valid reading after all (a month 13): the value stays an error
        _repairs(self.component).append((name, f"near-miss value {_short(val, 60)!r} read as {fixed}", val, fixed))
        return fixed

    def _zoned_date(self, name: str, params: Any, tzid: str) -> None:
        """``DTSTART;TZID=…;VALUE=DATE:20240410`` (Mulberry, Lotus Notes): a DATE has no zone
        (RFC 5545 3.2.19, 3.3.4), but icalendar would read it as midnight in that zone, a timed
        event.  The TZID is dropped and the value read as the DATE it is, noted."""
        params.pop("TZID", None)
        _repairs(self.component).append((name, f"TZID {_short(tzid, 60)!r} on a DATE value ignored (RFC 5545 3.2.19); "
                                         "read as a date", tzid, "VALUE=DATE"))
        return None

    def _utc_with_tzid(self, name: str, params: Any, tzid: str) -> None:
        """``DTSTART;TZID=Europe/Berlin:20150602T120000Z`` (ownCloud, khal's
        ``event_dt_mixed_awareness``): RFC 5545 3.3.5 forbids a TZID on a UTC time.  ical.js and
        libical read the ``Z`` (12:00 UTC); icalendar would read 12:00 in the TZID, two hours
        off, silently.  The ``Z`` wins, as in those readers; the TZID is dropped, noted."""
        params.pop("TZID", None)
        _repairs(self.component).append((name, f"TZID {_short(tzid, 60)!r} beside a UTC time (…Z) ignored "
                                         "(RFC 5545 3.3.5); read in UTC as ical.js and libical do", tzid, "UTC"))
        return None

    def _mixed_utc_with_tzid(self, name: str, params: Any, val: str, tzid: str, line: Any) -> None:
        """``EXDATE;TZID=Europe/Berlin:20250102T100000,20250103T090000Z``: a date list whose
        ``Z`` values are UTC beside a TZID (RFC 5545 3.3.5 forbids the TZID on them).  icalendar
        would read every value in the TZID, the ``Z`` one an hour or more off, silently; as in
        :meth:`_utc_with_tzid` the ``Z`` wins: the line is read as two, the zoned values in the
        TZID and the UTC ones in UTC (written back as two lines), noted."""
        values = val.split(",")
        utc = ",".join(v for v in values if v.endswith("Z"))
        local = ",".join(v for v in values if not v.endswith("Z"))
        self.parse_and_add_property(name, params, local, tzid, line)
        plain = params.copy()
        plain.pop("TZID", None)
        self._utc_with_tzid(name, plain, tzid)
        self.parse_and_add_property(name, plain, utc, None, line)

    def handle_end_component(self, vals: str) -> None:
        if vals.upper() != "VTIMEZONE" or not self._stack or _yearly_only(self._stack[-1]) is None:
            try:
                super().handle_end_component(vals)
            except (ValueError, TypeError, KeyError, AttributeError, IndexError, OverflowError):
                pass  # caching a VTIMEZONE failed: it is attached; check_calendar judges it
            return
        component = self._stack.pop()
        if not self._stack:
            self._components.append(component)
        else:
            self._stack[-1].add_component(component)


def _parse(text: str) -> list[Component]:
    try:
        return _Parser(text, _FACTORY, Calendar.types_factory).parse()
    except RecursionError:
        raise InputError("unreadable iCalendar: nested too deeply") from None
    except (ValueError, KeyError, IndexError, TypeError, AttributeError, OverflowError) as exc:
        raise InputError(f"unreadable iCalendar: {_short(exc)}") from None


def parse_components(text: str) -> list[Component]:
    """icalendar's tolerant reading of already :func:`prepare_text`-ed text (for the streaming
    path: follow it with :func:`check_calendar` on each VCALENDAR, as :func:`parse_calendar` does)."""
    return _parse(text)


def component_as_read(lines: tuple[str, ...], zones: tuple[str, ...] = ()) -> Component | None:
    """icalendar's tolerant reading (this module's parser) of one top-level component's unfolded
    ``lines``, the VTIMEZONE lines ``zones`` before it so that its TZIDs read as they do in the
    whole file; None when it does not read."""
    try:
        found = _parse("\r\n".join(("BEGIN:VCALENDAR", *zones, *lines, "END:VCALENDAR", "")))
    except InputError:
        return None
    cal = next((c for c in found if c.name == "VCALENDAR"), None)
    return cal.subcomponents[-1] if cal is not None and cal.subcomponents else None


@lru_cache(maxsize=256)
def component_as_written(lines: tuple[str, ...], zones: tuple[str, ...] = ()) -> tuple[str, ...]:
    """A component other than VEVENT and VTIMEZONE (VTODO, VJOURNAL, VFREEBUSY…) as the .ics
    writer writes it: icalendar's reading with its unreadable values dropped, as the reading
    reported them (:func:`_clean_components`), written by icalendar's writer (its property order
    and parameter quoting, as a VEVENT's are): never a broken content line of the source, which
    ical.js refuses the whole file for.  ``lines`` as read when icalendar does not read them."""
    component = component_as_read(lines, zones)
    if component is None or component.name != lines[0].partition(":")[2].strip().upper():
        return lines
    _clean_components(component, Report())
    return tuple(fastics.component_lines(component))


@lru_cache(maxsize=256)
def component_zones(lines: tuple[str, ...], zones: tuple[str, ...] = ()) -> tuple[tuple[str, int, str | None], ...]:
    """(TZID, earliest year, the tzdata zone that describes it or None) for every TZID a
    property of the component names (``timezones.add_vtimezones`` adds a VTIMEZONE for each
    one no VTIMEZONE of the file defines)."""
    component = component_as_read(lines, zones)
    if component is None:
        return ()
    found = timezones._used_tzids(component)
    return tuple((tzid, first.year, timezones._iana_for_output(tzid, tz)) for tzid, (first, tz) in found.items())


def _short(value: object, size: int = 120) -> str:
    text = str(value)
    return text if len(text) <= size else text[:size] + "…"


# ------------------------------------------------------------------------------------------
# Values icalendar could not read
# ------------------------------------------------------------------------------------------

_FATAL = frozenset({"DTSTART", "RECURRENCE-ID"})
_DATES = re.compile(r"\d{8}(?:,\d{8})*")
_UTC_TIMES = re.compile(r"\d{8}T\d{6}Z(?:,\d{8}T\d{6}Z)*")
# a date list mixing values in its TZID and UTC values (_mixed_utc_with_tzid)
_MIXED_TIMES = re.compile(r"\d{8}T\d{6}Z?(?:,\d{8}T\d{6}Z?)+")
_LIST_PROPS = frozenset({"EXDATE", "RDATE"})
# the properties that say when an event happens; DTSTAMP and the like are UTC anyway (_date_params)
_TIMING_PROPS = frozenset({"DTSTART", "DTEND", "DUE", "RECURRENCE-ID", "EXDATE", "RDATE"})
_LINE_ERROR_NAME = re.compile(r"""parts: ['"]([A-Za-z0-9-]+)""")


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _broken(component: Component) -> Iterator[tuple[str, vBroken]]:
    for name in list(component.keys()):
        for item in _items(component[name]):
            if isinstance(item, vBroken):
                yield name, item


def _drop(component: Component, name: str, bad: Any) -> None:
    kept = [item for item in _items(component[name]) if item is not bad]
    del component[name]
    for item in kept:
        component.add(name, item, encode=False)


def _reason(item: vBroken) -> str:
    return _short(getattr(item, "parse_error", None) or "unreadable")


def _line_errors(component: Component) -> list[tuple[str, str]]:
    out = []
    for name, message in getattr(component, "errors", []):
        if name is None:
            found = _LINE_ERROR_NAME.search(message)
            out.append((found.group(1).upper() if found else "?", message))
    return out


def _repairs(component: Component) -> list[tuple[str, str, str, str | None]]:
    """The values repaired on this component while parsing: (name, reason, before, after)."""
    found = component.__dict__.get("_near_miss")
    if found is None:
        found = component.__dict__["_near_miss"] = []
    return found


def _clean_properties(component: Component, report: Report, uid: str | None, where: str = "") -> None:
    """Drop (and report) every vBroken value and unreadable line of a component; report the
    near-miss values read as the evident one."""
    for name, reason, before, after in component.__dict__.pop("_near_miss", ()):
        report.add(LossKind.QUIRK_REPAIRED, f"{where}{name}", reason, uid=uid, before=_short(before, 200), after=after)
    for name, message in _line_errors(component):
        report.add(LossKind.INVALID_VALUE, f"{where}{name}", f"unreadable line dropped: {_short(message)}", uid=uid)
    for name, item in list(_broken(component)):
        _drop(component, name, item)
        extra = "; the series is read as its first occurrence" if name == "RRULE" else ""
        report.add(LossKind.INVALID_VALUE, f"{where}{name}", f"unreadable value dropped: {_reason(item)}{extra}",
                   uid=uid, before=_short(str(item), 200))
    component.errors = []


def _is_date(value: Any) -> bool:
    return isinstance(value, (date, datetime))


# A real observance changes the offset once a year (BYMONTH=3;BYDAY=-1SU, or BYMONTHDAY=8,…,14
# with BYDAY=SU); more values per part would multiply its onsets per year.
_OBSERVANCE_PARTS = {"BYMONTH": 12, "BYMONTHDAY": 7, "BYDAY": 7, "BYSETPOS": 1, "BYYEARDAY": 0,
                     "BYWEEKNO": 0, "BYHOUR": 1, "BYMINUTE": 1, "BYSECOND": 1}


def _yearly_only(vtz: Component) -> str | None:
    """Why a VTIMEZONE cannot be used (its onsets would be unbounded or unreadable), or None."""
    for obs in vtz.subcomponents:
        if obs.name not in ("STANDARD", "DAYLIGHT"):
            continue
        for name in ("RRULE", "DTSTART", "TZOFFSETFROM", "TZOFFSETTO", "RDATE"):
            for item in _items(obs.get(name)) if obs.get(name) is not None else []:
                if isinstance(item, vBroken):
                    return f"unreadable {obs.name} {name} ({_reason(item)})"
        if obs.get("DTSTART") is None or obs.get("TZOFFSETTO") is None:
            return f"{obs.name} without DTSTART or TZOFFSETTO"
        for rule in _items(obs.get("RRULE")) if obs.get("RRULE") is not None else []:
            freq = rule.get("FREQ")
            freq = str(freq[0] if isinstance(freq, list) and freq else freq or "").upper()
            if freq != "YEARLY":
                return f"{obs.name} recurs FREQ={freq or '?'} (only YEARLY observances are read)"
            for part, most in _OBSERVANCE_PARTS.items():
                values = rule.get(part)
                count = len(values) if isinstance(values, (list, tuple)) else int(values is not None)
                if count > most:
                    return f"{obs.name} RRULE has {count} {part} values (at most {most} are read)"
        rdates = obs.get("RDATE")
        count = sum(len(getattr(item, "dts", [])) for item in _items(rdates)) if rdates is not None else 0
        if count > 10_000:
            return f"{obs.name} has {count} RDATE values"
    try:  # what timezones.py and icalendar's zone cache will do with it (dateutil is strict)
        Timezone.from_ical(vtz.to_ical())
    except (ValueError, TypeError, KeyError, AttributeError, IndexError, OverflowError, AssertionError) as exc:
        return f"unreadable ({_short(exc, 80)})"
    return None


def _stable_uid(event: Event, index: int) -> str:
    try:
        body = event.to_ical()
    except (ValueError, TypeError, AttributeError):
        body = repr(sorted(event.keys())).encode()
    return f"ics-bridge-{hashlib.sha256(body + str(index).encode()).hexdigest()[:24]}"


def _check_event(event: Event, report: Report, index: int) -> InputError | None:
    """One VEVENT made safe for the mappers, or the error that keeps it out."""
    raw_uid = event.get("UID")
    uid = str(raw_uid) if raw_uid is not None and not isinstance(raw_uid, list) else (
        str(raw_uid[0]) if isinstance(raw_uid, list) and raw_uid else None)
    if event.get(_INCOMPLETE) is not None:
        del event[_INCOMPLETE]
        return InputError("the file ends inside this event (truncated?); not converted", uid=uid, field="END:VEVENT")
    for name in _FATAL:
        for item in _items(event.get(name)) if event.get(name) is not None else []:
            if isinstance(item, vBroken):
                return InputError(f"unreadable {name} {_short(str(item), 60)!r}: {_reason(item)}", uid=uid, field=name)
    _clean_properties(event, report, uid)
    if isinstance(raw_uid, list):
        del event["UID"]
        event.add("UID", uid)
        report.add(LossKind.INVALID_VALUE, "UID", f"{len(raw_uid)} UIDs in one VEVENT; the first kept", uid=uid)
    start = event.get("DTSTART")
    status = str(event.get("STATUS", "")).upper() if not isinstance(event.get("STATUS"), list) else ""
    if start is None:
        if status != "CANCELLED":
            summary = event.get("SUMMARY")
            named = f" (SUMMARY {_short(str(summary), 60)!r})" if uid is None and summary is not None else ""
            return InputError(f"VEVENT without DTSTART{named}", uid=uid, field="DTSTART")
    elif isinstance(start, list) or not _is_date(getattr(start, "dt", None)):
        return InputError("DTSTART is not one date or date-time", uid=uid, field="DTSTART")
    rid = event.get("RECURRENCE-ID")
    if rid is not None and (isinstance(rid, list) or not _is_date(getattr(rid, "dt", None))):
        return InputError("RECURRENCE-ID is not one date or date-time", uid=uid, field="RECURRENCE-ID")
    for name in ("DTEND", "DURATION"):
        value = event.get(name)
        if value is None:
            continue
        ok = (not isinstance(value, list)) and (
            _is_date(getattr(value, "dt", None)) if name == "DTEND" else hasattr(getattr(value, "dt", None), "total_seconds"))
        if not ok:
            del event[name]
            report.add(LossKind.INVALID_VALUE, name, f"{name} is not a single {'date or date-time' if name == 'DTEND' else 'duration'}; dropped",
                       uid=uid)
    for alarm in [c for c in event.subcomponents if c.name == "VALARM"]:
        trigger = alarm.get("TRIGGER")
        if isinstance(trigger, vBroken) or isinstance(trigger, list):
            event.subcomponents.remove(alarm)
            report.add(LossKind.ALARM_DROPPED, "VALARM;TRIGGER", f"unreadable TRIGGER {_short(str(trigger), 60)!r}; alarm dropped",
                       uid=uid)
            continue
        _clean_properties(alarm, report, uid, "VALARM;")
    stack = [c for c in event.subcomponents if c.name != "VALARM"]
    while stack:
        sub = stack.pop()
        _clean_properties(sub, report, uid, f"{sub.name};")
        stack.extend(sub.subcomponents)
    _sanitize_alt_desc(event, report, uid)
    if uid is None:
        uid = _stable_uid(event, index)
        event.add("UID", uid)
        report.add(LossKind.INVALID_VALUE, "UID", "VEVENT without UID; a stable UID made from its content", uid=uid,
                   after=uid)
    return None


def _sanitize_alt_desc(event: Event, report: Report, uid: str | None) -> None:
    """An HTML description (X-ALT-DESC;FMTTYPE=text/html) from a file is untrusted: it is
    sanitised here once, so every writer (ICS, Graph body, Google description) gets the clean
    one (:func:`text.sanitize_html`; interop-notes: HTML is sanitised where it is written)."""
    raw = event.get("X-ALT-DESC")
    if raw is None:
        return
    items = _items(raw)
    changed_any = False
    out = []
    for item in items:
        if str(item.params.get("FMTTYPE", "text/html")).lower() != "text/html":
            out.append(item)
            continue
        html = _unescape(str(item)) if type(item).__name__ == "vUnknown" else str(item)
        clean, changed = sanitize_html(html)
        if changed:
            changed_any = True
            item = vText(clean)
            item.params["FMTTYPE"] = "text/html"
        out.append(item)
    if changed_any:
        del event["X-ALT-DESC"]
        for item in out:
            event.add("X-ALT-DESC", item, encode=False)
        report.add(LossKind.HTML_SANITIZED, "X-ALT-DESC", "scripts, event handlers or unsafe links removed", uid=uid)


def _rid_key(event: Event) -> str:
    rid = event.get("RECURRENCE-ID")
    return "" if rid is None else str(getattr(rid, "dt", rid))


def _duplicates(cal: Calendar, report: Report) -> None:
    """Two VEVENTs with one UID and no (or the same) RECURRENCE-ID: an identical copy is dropped,
    different ones are converted as separate events (reported)."""
    seen: dict[tuple[str, str], Event] = {}
    counted: dict[tuple[str, str], int] = {}
    for event in list(cal.subcomponents):
        if event.name != "VEVENT":
            continue
        key = (str(event.get("UID")), _rid_key(event))
        first = seen.get(key)
        if first is None:
            seen[key] = event
            continue
        if first.to_ical() == event.to_ical():
            cal.subcomponents.remove(event)
            report.add(LossKind.QUIRK_REPAIRED, "UID", "identical copy of a VEVENT dropped", uid=key[0],
                       recurrence_id=key[1] or None)
            continue
        counted[key] = counted.get(key, 1) + 1
    for (uid, rid), n in counted.items():
        what = f"the same RECURRENCE-ID {rid}" if rid else "no RECURRENCE-ID"
        report.add(LossKind.INVALID_VALUE, "UID", f"{n} different VEVENTs share this UID with {what}; "
                   "each converted as its own event", uid=uid, recurrence_id=rid or None)


def check_calendar(cal: Calendar, report: Report, errors: list[InputError] | None = None) -> Calendar:
    """Surface what icalendar could not read (it keeps it as ``vBroken`` and in ``.errors``):
    events that cannot be converted leave the calendar as :class:`InputError` in ``errors``,
    unreadable values are dropped and reported.  In place; returns ``cal``."""
    errors = errors if errors is not None else []
    _clean_properties(cal, report, None, "VCALENDAR;")
    index = 0
    for component in list(cal.subcomponents):
        if component.name == "VEVENT":
            index += 1
            error = _check_event(component, report, index)  # type: ignore[arg-type]
            if error is not None:
                cal.subcomponents.remove(component)
                errors.append(error)
        elif component.name == "VTIMEZONE":
            if not _check_timezone(component, report):
                cal.subcomponents.remove(component)
        else:
            _clean_components(component, report)
    _duplicates(cal, report)
    return cal


def _check_timezone(component: Component, report: Report) -> bool:
    """Whether a VTIMEZONE is kept (its unreadable values reported); an unusable one is
    reported as ignored (``False``)."""
    why = _yearly_only(component)
    if why is not None:
        report.add(LossKind.TIMEZONE_UNKNOWN, "VTIMEZONE",
                   f"VTIMEZONE {_short(str(component.get('TZID', '?')), 60)} ignored: {why}")
        return False
    for sub in [component, *component.subcomponents]:
        _clean_properties(sub, report, None, f"{sub.name};")
    return True


def calendar_around(zones: str, text: str) -> Calendar | None:
    """icalendar's tolerant reading (this module's parser) of a few lines inside a VCALENDAR,
    after the VTIMEZONE lines ``zones`` (any line ending)."""
    body = text.replace("\r\n", "\n").replace("\n", "\r\n")
    if body and not body.endswith("\r\n"):
        body += "\r\n"
    found = _parse(f"BEGIN:VCALENDAR\r\n{zones}{body}END:VCALENDAR\r\n")
    return next((c for c in found if c.name == "VCALENDAR"), None)  # type: ignore[return-value]


#: VTIMEZONE text → (the checked VTIMEZONE or None, its entries, its text as icalendar writes it).
_CHECKED: dict[str, tuple[Component | None, tuple[dict[str, Any], ...], bytes]] = {}
#: The most VTIMEZONE texts remembered (a batch repeats a handful; each holds one component).
_CHECKED_LIMIT = 256
#: A VTIMEZONE text longer than this (thousands of RDATEs) is not remembered: memory stays small.
_CHECKED_TEXT_MAX = 64 * 1024
# A TZID parameter inside a VTIMEZONE (an observance's DTSTART in a zone) is read through
# icalendar's process-wide zone cache, which later files fill: such a text is never remembered.
_ZONED_PARAM = re.compile(r";\s*TZID\s*=", re.I)


def checked_timezone(text: str, report: Report) -> Component | None:
    """One VTIMEZONE's ``text`` read by icalendar and judged by :func:`_check_timezone`: the
    VTIMEZONE when kept, else None; its entries added to ``report``.

    Why remembered: a batch of small files carries the same VTIMEZONEs in each, and their
    reading (the parse and ``_yearly_only``'s round trip through icalendar, twice) was half the
    cost of such a batch.  The verdict depends on the text alone, so a text seen before gives
    the VTIMEZONE it gave, and its entries again, in their order, with this ``report``'s own
    fields (its file).

    The VTIMEZONE is shared, not copied: its readers (the zone resolutions of
    :mod:`ics_bridge.timezones`, ``edge.events_to_model`` for an event icalendar judges, the
    streamed path's ``_Zones``) only read it, and none hands it out (the hub keeps a VTIMEZONE
    as its lines, ``model.TimezoneDef``).  Its copy cost 0.25 ms per VTIMEZONE: about a tenth
    of a 50-event file with six zones, twice that streamed.  ``tests/test_shared_vtimezones.py``
    holds every remembered VTIMEZONE to the text it was read as, after the corpus."""
    found = _CHECKED.get(text)
    if found is None:
        found = _checked_timezone(text)
        if len(text) <= _CHECKED_TEXT_MAX and not _ZONED_PARAM.search(text):
            remember(_CHECKED, text, found, _CHECKED_LIMIT)
        if found[0] is not None:  # a new VTIMEZONE: its text known once, as read (a shared one keeps it)
            timezones.known_vtimezone_text(found[0], found[2])
    vtz, entries, _written = found
    for entry in entries:
        report.add(**entry)
    return vtz


def _checked_timezone(text: str) -> tuple[Component | None, tuple[dict[str, Any], ...], bytes]:
    """:func:`checked_timezone` without the memo: (the VTIMEZONE kept or None, the entries as
    ``Report.add``'s arguments, its text as icalendar writes it)."""
    scratch = Report()
    cal = calendar_around("", text)
    vtz = next((c for c in cal.subcomponents if c.name == "VTIMEZONE"), None) if cal is not None else None
    kept = vtz is not None and _check_timezone(vtz, scratch)
    entries = tuple({name: getattr(loss, name) for name in _ENTRY_FIELDS} for loss in scratch)
    return (vtz, entries, vtz.to_ical()) if kept and vtz is not None else (None, entries, b"")


#: The fields of a report entry given again to ``Report.add`` (``file`` is the report's own).
_ENTRY_FIELDS = ("kind", "field", "reason", "uid", "recurrence_id", "before", "after", "guess")


def _clean_components(component: Component, report: Report) -> None:
    """A component other than VEVENT and VTIMEZONE and its subcomponents: unreadable values
    dropped and reported."""
    stack = [component]
    while stack:
        sub = stack.pop()
        _clean_properties(sub, report, hub_uid(sub), f"{sub.name};")
        stack.extend(sub.subcomponents)


def hub_uid(component: Component) -> str | None:
    uid = component.get("UID")
    return None if uid is None or isinstance(uid, list) else str(uid)


# ------------------------------------------------------------------------------------------
# The reader
# ------------------------------------------------------------------------------------------

def parse_calendar(data: bytes | str, report: Report, options: IcsReadOptions = IcsReadOptions(),
                   errors: list[InputError] | None = None) -> Calendar:
    """Bytes → one hub Calendar (several VCALENDARs in one file are merged).  Events that cannot
    be read are appended to ``errors`` (when given) and left out."""
    text = _prepared_text(data, report, options)
    calendars = [c for c in _parse(text) if c.name == "VCALENDAR"]
    if not calendars:
        raise InputError("no VCALENDAR in the file")
    cal = calendars[0]
    for extra in calendars[1:]:
        report.add(LossKind.QUIRK_REPAIRED, "VCALENDAR", "several VCALENDARs in one file merged")
        for component in extra.subcomponents:
            cal.add_component(component)
    found: list[InputError] = []
    check_calendar(cal, report, found)
    if not cal.subcomponents and any(e.kind is LossKind.INVALID_VALUE for e in report) and not found:
        raise InputError("no readable component in the file (see the unreadable lines reported)")
    timezones.normalize_calendar_zones(cal, report)
    found += apply_read_quirks(cal, report, x_wr_timezone_policy=options.x_wr_timezone)
    if errors is not None:
        errors.extend(found)
    return cal


def _prepared_text(data: bytes | str, report: Report, options: IcsReadOptions) -> str:
    """The file's text with a sound line structure: size limit, decoding, a bare VEVENT wrapped,
    :func:`prepare_text` (shared by both hubs' readers)."""
    size = len(data)
    if size > options.max_bytes:
        raise too_large(size, options.max_bytes)
    text = decode(data, report)
    upper_head = _FOLD.sub("", text).upper()  # "BEGIN" + fold + ":VCALENDAR" is BEGIN:VCALENDAR
    if "BEGIN:VCALENDAR" not in upper_head:
        if "BEGIN:VEVENT" in upper_head:
            report.add(LossKind.QUIRK_REPAIRED, "VCALENDAR", "bare VEVENT without VCALENDAR wrapped")
            text = f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//ics-bridge//wrapped//EN\r\n{text.strip()}\r\nEND:VCALENDAR\r\n"
        else:
            raise InputError("not an iCalendar file (no BEGIN:VCALENDAR)")
    del upper_head
    return prepare_text(text, report, options.limits)


def vevents(cal: Calendar) -> Iterator[Event]:
    yield from (c for c in cal.walk("VEVENT"))


def new_calendar(prodid: str = "-//ics-bridge//ics-bridge 0.1//EN") -> Calendar:
    cal = Calendar()
    cal.add("PRODID", prodid)
    cal.add("VERSION", "2.0")
    return cal


_DATE_PROPS = ("DTSTART", "DTEND", "DUE", "RECURRENCE-ID", "EXDATE", "RDATE")
_UTC_PROPS = ("DTSTAMP", "CREATED", "LAST-MODIFIED")


# Values per EXDATE/RDATE line: libical 3 (Evolution) reads only the first 500 values of one
# line (measured with tests/interop: 1,400 daily starts, 700 EXDATEs on one line → libical
# shows 900), so longer lists are written as several lines of the same parameters.
MAX_LIST_VALUES = 100


def prepare_event(event: Component) -> None:
    """What the .ics writer does to each VEVENT before icalendar writes it (whole file and
    streamed alike): long date lists split (:func:`split_long_lists`), then the parameters of
    every date value made right (:func:`_date_params`)."""
    split_long_lists(event)
    _date_params(event)


def _date_params(event: Component) -> None:
    """Parsed values keep the producer's parameters, so they are made right here, where the
    file is written, in one pass over the date properties:

    * a DATE value must say ``VALUE=DATE`` (RFC 5545 3.3.4; ical.js rejects the VEVENT
      otherwise) and carry no TZID; a DATE-TIME must not say it;
    * icalendar writes a date-time whose zone it counts as UTC (every zone that is UTC+0 all
      year: Africa/Abidjan, Atlantic/Reykjavik, GMT… share its UTC entry) with ``Z`` but keeps
      its TZID: ``DTSTART;TZID=Africa/Abidjan:…Z``, which RFC 5545 3.2.19 forbids.  The TZID is
      dropped: the instant is the same, and the ``Z`` already says UTC.

    PERIOD values and unreadable ones keep their parameters.  DTSTAMP, CREATED and LAST-MODIFIED
    are UTC by definition (RFC 5545 3.8.7): a TZID beside their ``Z`` (ics-parser's sample writes
    ``DTSTAMP;TZID=America/Los_Angeles:…Z``) is dropped too."""
    for name in _UTC_PROPS:
        for prop in props(event, name):
            value = getattr(prop, "dt", None)
            if "TZID" in getattr(prop, "params", {}) and isinstance(value, datetime) and value.tzinfo is not None \
                    and _ical_is_utc(value):
                del prop.params["TZID"]
    for name in _DATE_PROPS:
        for prop in props(event, name):
            values = [d.dt for d in prop.dts] if hasattr(prop, "dts") else [getattr(prop, "dt", None)]
            if not values or any(v is None or isinstance(v, tuple) for v in values):
                continue
            if all(isinstance(v, date) and not isinstance(v, datetime) for v in values):
                prop.params["VALUE"] = "DATE"
                prop.params.pop("TZID", None)
                continue
            if not all(isinstance(v, datetime) for v in values):
                continue
            if str(prop.params.get("VALUE", "")).upper() == "DATE":
                del prop.params["VALUE"]
            tzid = prop.params.get("TZID")
            if tzid and str(tzid).upper() != "UTC" and all(v.tzinfo is not None and _ical_is_utc(v) for v in values):
                del prop.params["TZID"]
                for item in getattr(prop, "dts", []):
                    item.params.pop("TZID", None)


def split_long_lists(event: Component) -> None:
    """Every EXDATE/RDATE holding more than :data:`MAX_LIST_VALUES` values becomes several
    properties with the same parameters, in order (RFC 5545 allows the property to repeat)."""
    for name in ("EXDATE", "RDATE"):
        values = props(event, name)
        if not any(len(getattr(p, "dts", ())) > MAX_LIST_VALUES for p in values):
            continue
        del event[name]
        for prop in values:
            dts = getattr(prop, "dts", None)
            if dts is None or len(dts) <= MAX_LIST_VALUES:
                event.add(name, prop, encode=False)
                continue
            for start in range(0, len(dts), MAX_LIST_VALUES):
                part = vDDDLists([d.dt for d in dts[start:start + MAX_LIST_VALUES]])
                part.params = Parameters(prop.params)
                event.add(name, part, encode=False)


def without_start(component: Component) -> bool:
    """A VEVENT an .ics file cannot hold: no DTSTART (RFC 5545 3.6.1, outside iTIP)."""
    return component.name == "VEVENT" and component.get("DTSTART") is None


def serialize(cal: Calendar, *, tzid_style: str = "iana") -> bytes:
    """Calendar → bytes with one VTIMEZONE per TZID used (generated from tzdata).

    A VEVENT without DTSTART (a Graph removal tombstone, kept in the hub for Graph output and
    reported when read) is left out: RFC 5545 3.6.1 requires DTSTART outside
    iTIP, and recurring-ical-events refuses a whole calendar that has one."""
    for event in cal.walk("VEVENT"):
        prepare_event(event)
    timezones.add_vtimezones(cal, tzid_style=tzid_style)
    kept = cal.subcomponents
    cal.subcomponents = [c for c in kept if not without_start(c)]
    try:
        return fastics.component_to_ical(cal)  # cal.to_ical(), byte for byte, with a faster fold
    finally:
        cal.subcomponents = kept


# ------------------------------------------------------------------------------------------
# UTC offsets with seconds (historical local mean time)
# ------------------------------------------------------------------------------------------

_SERIES_CHECK = 1000  # occurrences looked at when deciding whether a series keeps one offset


def _odd_offset(value: Any) -> bool:
    """A zoned date-time whose UTC offset has seconds (LMT: Moscow +02:30:17 until 1916)."""
    if not isinstance(value, datetime) or value.tzinfo is None:
        return False
    offset = value.utcoffset()
    return offset is not None and offset.total_seconds() % 60 != 0


def _one_offset(event: Component, start: datetime) -> bool:
    """Whether every occurrence of a series (the first :data:`_SERIES_CHECK`) has the offset
    of its start, so the series expands to the same instants in UTC."""
    if event.get("RRULE") is None and event.get("RDATE") is None:
        return True
    try:
        from .. import edge
        starts = expansion.series_set(edge.events_to_model([event])[0], start)  # edge: until io/ics.py moves (issue 12)
        offset = start.utcoffset()
        for k, value in enumerate(starts):
            if k >= _SERIES_CHECK or value.utcoffset() != offset:
                return k >= _SERIES_CHECK
    except (ValueError, TypeError, OverflowError):
        return False
    return True


def utc_for_second_offsets(cal: Calendar, report: Report) -> None:
    """Date-times whose zone offset has seconds (``TZOFFSETTO:+023017``) are written in UTC.

    Why: ical.js 2.2 drops the seconds of a UTC offset (it reads ``+023017`` as ``+02:30``), libical
    keeps them, so a zoned value reads 17 s apart in the two (measured with tests/interop); in UTC
    both read the instant to the second.  A series is written in UTC only where UTC expands it to
    the same instants (its occurrences keep one offset); otherwise it keeps its zone (ical.js reads
    it up to 59 s early).  Both reported."""
    for event in cal.walk("VEVENT"):
        start = event.get("DTSTART")
        start_dt = getattr(start, "dt", None)
        uid = hub_uid(event)
        if _odd_offset(start_dt) and not _one_offset(event, start_dt):
            report.add(LossKind.MAPPING_CHOICE, "DTSTART",
                       f"the zone's UTC offset {start_dt.utcoffset()} has seconds and changes within the series: "
                       "kept in its zone (ical.js drops the seconds of an offset, libical keeps them)", uid=uid)
            continue
        moved = []
        for name in _DATE_PROPS:
            for prop in props(event, name):
                items = list(getattr(prop, "dts", None) or [prop])
                if not any(_odd_offset(getattr(item, "dt", None)) for item in items):
                    continue
                if not all(isinstance(getattr(item, "dt", None), datetime) for item in items):
                    continue  # PERIOD values: kept
                try:
                    utc = [item.dt.astimezone(timezone.utc) for item in items]
                except OverflowError:
                    continue  # the year 1 east of UTC (Asia/Tokyo LMT) has no UTC form: kept zoned
                for item, value in zip(items, utc):
                    item.dt = value
                    getattr(item, "params", {}).pop("TZID", None)
                prop.params.pop("TZID", None)
                moved.append(name)
        if moved:
            report.add(LossKind.MAPPING_CHOICE, ", ".join(dict.fromkeys(moved)),
                       "the zone's UTC offset has seconds (local mean time): written in UTC, the same instant "
                       "(ical.js drops the seconds of an offset, libical keeps them)", uid=uid)
