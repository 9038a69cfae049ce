"""Streaming conversion of large files, the format side: one series at a time, bounded memory.

This module reads and writes formats and knows no provider: the .ics line splitter and series
reader (passes 1 and 2 below), the JSON collection item reader (:class:`JsonItems`), and the
spools that write the JSON envelope and the .ics file around what the providers' mappers gave.
The conversion itself (which mapper, worker processes, the entry point ``convert_file``) is
:mod:`ics_bridge.pipeline`; the description below is of the two together.

Why: a mailbox export can hold millions of events; :func:`ics_bridge.convert` parses the whole
calendar into icalendar objects first, so its memory grows with the file.  Here ICS input is
read twice at the line level and each *series* (the VEVENTs sharing a UID: a master and its
overrides) is parsed, normalised and mapped on its own, through the same code as the whole-file
path, and written out as it goes.  Graph and Google collections are read item by item
(:class:`JsonItems`) and converted group by group (:func:`ics_bridge.pipeline._json_to_ics`).  docs/performance.md
has the figures and the design in prose.

How the output stays identical to :func:`ics_bridge.convert`:

* **Pass 1** (line splitter, no icalendar): the first VCALENDAR's properties (X-WR-TIMEZONE…),
  every VTIMEZONE block, for every TZID the years of the local values that use it (the zone
  resolution of :func:`timezones.normalize_calendar_zones` is a calendar-wide decision; see
  :meth:`_Zones.resolution`), and an index of VEVENT blocks: byte offset, length and UID group.
  Overrides far from their master are handled by this index, not by buffering events: a group
  is read back with ``seek`` when its turn comes, so RAM holds one UID's events.
* **Pass 2**: per UID, a small VCALENDAR (the calendar properties + the UID's VEVENTs) goes
  through the steps of :func:`ics_bridge.io.ics_model.iter_model` on the typed model reader
  (:class:`_GroupReader`; icalendar judges only what the whole-file reader hands it too): the
  text repairs, the event checks numbered by file position, the duplicate check, every zoned
  value retagged with the resolution computed once, the producer quirks, and the provider
  writer maps each series (:func:`series.group_series`: a second master of a UID is its own
  series), keyed by the file position of its first event so the output order is the
  whole-file order.  Items are spooled to a temporary file; the JSON envelope
  (Graph ``{"value": […]}``, Google's list with ``timeZone``/``defaultReminders`` which only the
  first master with default reminders decides) is written around them at the end, formatted
  byte for byte as ``Conversion.to_bytes`` does.

With ``jobs`` > 1 (``--jobs`` on one large file) pass 2 runs in a pool of worker processes:
batches of groups (raw VEVENT blocks, or decoded JSON items) go out, serialised items, report
entries and errors come back and are written in file order, at most 2 × jobs batches in flight
(:func:`ics_bridge.pipeline._pool_map`); the output, entries and errors are those of one job.
Pass 1 of a large .ics file is then read in parts by forked processes and absorbed in order
(:func:`index_part`, :meth:`_Pass1.absorb`): the same index.

What grows with the file: the block index (three machine integers per VEVENT) and one dict
entry per distinct UID (~100 bytes), plus the years used per TZID; the report's entries go to
a temporary file (:class:`SpooledEntries`).  Everything else is per UID group.

The report is the whole-file report entry for entry (``tests/test_stream.py``, every corpus,
producer and sample file): each entry and error carries a key (phase, file position, sub-order)
and :class:`KeyedEntries` gives them back sorted, phase by phase as the whole-file run reports
them (text repairs, checks, duplicates, zones, X-WR-TIMEZONE with the file's count, quirks,
THISANDFUTURE splits, writer).  Where the key is coarser than the whole-file order, not met in
those files: a group's text repairs and the entries of the four calendar-wide quirks are placed
at the group's first VEVENT (two interleaved UIDs both repaired would swap); all VTIMEZONE
entries at the first VTIMEZONE; the zone entries of a non-VEVENT component are not made.  A UID
hash collision (64-bit, ~5e-8 at a million UIDs) would place two series together.  Inputs the line
splitter does not take (a bare VEVENT without VCALENDAR, unbalanced BEGIN/END, ICS to ICS) raise
:class:`StreamUnsupported`; :func:`ics_bridge.pipeline.convert_file` then falls back to the whole-file path.
"""

from __future__ import annotations

import codecs
import dataclasses
import heapq
import io
import json
import os
import pickle
import re
import sys
import tempfile
from array import array
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any, Callable, Iterable, Iterator

from icalendar import Calendar

from .. import model as m
from .. import timezones
from . import ics_model, jsonio, stream_index
from . import ics as ics_io
from .model_reader import IcsReader
from .model_writer import EventWriter, calendar_head, to_bytes
from ..errors import InputError
from ..options import Options
from ..quirks import apply_model_quirks
from ..report import LossKind, Report

__all__ = ["StreamUnsupported", "IcsIndex", "JsonItems", "KeyedEntries", "SpooledEntries", "index_ics",
           "iter_series_calendars", "pickled_adder", "spooled_report"]


class StreamUnsupported(Exception):
    """This input or target is not handled by the streaming path (use the whole-file path)."""


class SpooledEntries:
    """A list of report entries kept in a temporary file (pickled), so a streamed conversion's
    :class:`Report` does not grow in memory with the events: most events leave an entry (a
    SEQUENCE Graph cannot carry…), about 0.7 kB each.  Supports what :class:`Report` and its
    readers use: ``append``, ``len``, iteration, indexing and slicing (which load from disk)."""

    def __init__(self) -> None:
        self._fh = tempfile.TemporaryFile(mode="w+b")
        self._n = 0
        self._end = 0     # where the next entry goes: the file's end, tracked rather than sought
        self._moves = 0   # reads and writes so far: a reader whose last move was the last one need not seek
        self._wrote = 0   # ``_moves`` after the last append: no read since, the file is at its end

    def append(self, loss: Any) -> None:
        self.append_pickled(pickle.dumps(loss, protocol=pickle.HIGHEST_PROTOCOL))

    def append_pickled(self, data: bytes) -> None:
        """One entry, pickled already (:meth:`KeyedEntries.into` copies its spool's bytes), at
        the end: a seek only when a read moved the file since the last append (a seek per entry
        cost ~0.1 s per 10k entries in the ``--jobs`` parent)."""
        if self._moves != self._wrote:
            self._fh.seek(self._end)
        self._fh.write(data)
        self._end += len(data)
        self._n += 1
        self._moves += 1
        self._wrote = self._moves

    def __len__(self) -> int:
        return self._n

    def __iter__(self) -> Iterator[Any]:
        self._fh.flush()
        offset = 0
        mine = -1  # this reader's last move (none yet: seek to the start)
        for _ in range(self._n):
            if mine != self._moves:
                self._fh.seek(offset)  # another reader or an append moved the file meanwhile
            loss = pickle.load(self._fh)
            offset = self._fh.tell()
            self._moves += 1
            mine = self._moves
            yield loss  # the caller may append meanwhile: the next read seeks back

    def __getitem__(self, index: Any) -> Any:
        return list(self)[index]

    def __bool__(self) -> bool:
        return self._n > 0

    def __eq__(self, other: object) -> bool:
        return list(self) == list(other) if isinstance(other, (list, SpooledEntries)) else NotImplemented


def pickled_adder(report: Report) -> Callable[[bytes, int], None]:
    """``add(data, filed)``: one report entry, pickled already (a ``--jobs`` worker's, or one in
    :class:`KeyedEntries`' spool), into ``report`` as :meth:`Report.extend` would put it.  A
    spooled report takes the bytes as they are when ``extend`` would not change the entry (its
    ``file`` is set, ``filed``, or the report has none to give): unpickling and pickling every
    entry again cost ~0.15 s per 10k entries in the ``--jobs`` parent.  Any other entry is
    unpickled and extended."""
    raw = report.entries.append_pickled if type(report.entries) is SpooledEntries else None
    every = not report.file

    def add(data: bytes, filed: int) -> None:
        if raw is not None and (filed or every):
            raw(data)
        else:
            report.extend([pickle.loads(data)])
    return add


def spooled_report(file: str | None = None) -> Report:
    """A :class:`Report` whose entries live on disk (:class:`SpooledEntries`)."""
    return Report(entries=SpooledEntries(), file=file)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------------
# Pass 1: the line splitter
# ------------------------------------------------------------------------------------------------

_TIME_PROPS = frozenset(timezones.TIME_PROPERTIES)
_LOCAL_RE = re.compile(r"(\d{8}T\d{6})")


def _name_and_params(line: str) -> tuple[str, dict[str, str], str]:
    """``NAME;P=V;…:value`` → (NAME upper, params (upper keys), value); quotes respected."""
    n = len(line)
    i = _delimiter(line, 0)
    name = line[:i].upper()
    params: dict[str, str] = {}
    while i < n and line[i] == ";":
        j = _delimiter(line, i + 1)
        key, _, val = line[i + 1:j].partition("=")
        params[key.upper()] = val.strip('"')
        i = j
    return name, params, line[i + 1:] if i < n else ""


def _delimiter(line: str, i: int) -> int:
    """Where the name or parameter starting at ``i`` ends: the first ``;`` or ``:`` outside
    double quotes (RFC 5545 3.1: a quoted parameter value may hold both), else the line's end."""
    n = len(line)
    quoted = False
    while i < n:
        c = line[i]
        if c == '"':
            quoted = not quoted
        elif not quoted and c in ";:":
            break
        i += 1
    return i


class _HashTable:
    """hash(UID) → series number in two machine-integer arrays (open addressing, linear
    probing): 16 bytes a slot at most half full, where a dict of Python ints takes ~100 bytes a
    UID and doubled its peak at a resize (pass 1's largest structure: ~80 MB at a million
    events).  A key 0 is stored as 1, one more way for two UIDs' 64-bit hashes to meet."""

    def __init__(self, bits: int = 12) -> None:
        self.mask = (1 << bits) - 1
        self.keys = array("q", bytes(8 << bits))
        self.values = array("q", bytes(8 << bits))
        self.size = 0

    def setdefault(self, key: int, value: int) -> int:
        """The value of ``key``, stored as ``value`` when it is new."""
        key = key or 1
        keys, i = self.keys, key & self.mask
        while True:
            found = keys[i]
            if found == key:
                return self.values[i]
            if not found:
                keys[i], self.values[i] = key, value
                self.size += 1
                if 2 * self.size > self.mask:
                    self._grow()
                return value
            i = (i + 1) & self.mask

    def _grow(self) -> None:
        """Twice the slots, the entries moved over (the old arrays are the only extra memory)."""
        keys, values = self.keys, self.values
        slots = 2 * len(keys)
        self.mask = slots - 1
        self.keys, self.values, self.size = array("q", bytes(8 * slots)), array("q", bytes(8 * slots)), 0
        for k, v in zip(keys, values):
            if k:
                self.setdefault(k, v)


def small_ints() -> array:
    """An empty index of 4-byte integers: the streamed path keeps a few integers per event,
    entry and item (offsets, lengths, sort keys), half the memory of 8-byte ones (issue 12:
    100k events within 1.2× of 10k, 1M under 200 MiB); :func:`appended` widens it if needed."""
    return array("i")


def appended(idx: array, row: tuple[int, ...]) -> array:
    """``idx`` with ``row`` appended, turned into 8-byte integers the first time a value does not
    fit in 4 bytes (an offset past 2 GiB): the caller keeps the array this returns."""
    n = len(idx)
    try:
        idx.extend(row)
    except OverflowError:
        del idx[n:]  # a row half appended
        idx = array("q", idx)
        idx.extend(row)
    return idx


@dataclass
class IcsIndex:
    path: Path
    encoding: str = "utf-8"
    header: bytes = b""                       # the first VCALENDAR's property lines, raw
    vtimezone_blocks: list[bytes] = field(default_factory=list)
    tz_years: dict[str, set[int]] = field(default_factory=dict)   # TZID → years of its local values
    offsets: array = field(default_factory=small_ints)   # per VEVENT block (:func:`appended`)
    lengths: array = field(default_factory=small_ints)
    series: array = field(default_factory=small_ints)
    series_count: int = 0
    calendars: int = 0
    split_folds: bool = False                 # UTF-8 with folds inside characters: joined before reading
    zones_at: int = 0                         # VEVENTs before the first VTIMEZONE (its entries' place)
    notes: list[tuple[tuple[int, int, int], Any]] = field(default_factory=list)  # pass 1's (key, entry)

    @property
    def events(self) -> int:
        return len(self.offsets)


class _Pass1:
    """Pass 1's state over one file and its reference reader, logical line by logical line
    (:meth:`feed`, :meth:`logical`).  The fast scanner (:func:`.stream_index.scan`) finds the
    few lines that change the state at C speed and calls the same :meth:`begin`, :meth:`end`
    and :meth:`prop`; any line it does not read plainly goes through :meth:`logical`."""

    def __init__(self, path: Path, report: Report | None) -> None:
        self.idx = IcsIndex(path)
        self.uid_series = _HashTable()            # hash(UID) → series number
        self.stack: list[str] = []
        self.header = bytearray()
        self.block_start = -1
        self.tz_start = -1
        self.cur_uid: str | None = None
        self.pending: list[bytes] = []            # the raw physical lines of the current logical line
        self.pending_start = 0
        self.utf8_ok = True
        self.bom = 0
        self.first_bad = -1                       # ics.decode's "byte N": the first byte UTF-8 refuses
        self.split_folds = 0                      # folds inside a UTF-8 character (ics.decode joins them)
        self.anon = 0
        self.notes = Report(file=report.file if report is not None else None)
        self.keys: list[tuple[int, int, int]] = []
        self.outside: dict[str, int] = {}         # a line outside any component, by name: ics.prepare_text's note
        self.zones_seen = False

    def keyed(self, key: tuple[int, int, int]) -> None:
        self.keys.extend([key] * (len(self.notes) - len(self.keys)))

    def feed(self, lines: Iterable[bytes], pos: int) -> int:
        """The reference reader: physical lines (``\\n``-ended, as a binary file iterates) from
        byte ``pos``; a line starting with a blank continues the pending one.  Returns the end."""
        for raw in lines:
            if self.utf8_ok and self.first_bad < 0:
                try:
                    raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    self.first_bad = pos - self.bom + exc.start
            if raw[:1] in (b" ", b"\t") and self.pending:
                self.pending.append(raw)
            else:
                self.flush()
                self.pending, self.pending_start = [raw], pos
            pos += len(raw)
        return pos

    def flush(self) -> None:
        """The pending logical line read (at the end of the input, or of a range :meth:`feed` got)."""
        if self.pending:
            pending, self.pending = self.pending, []
            self.logical(pending, self.pending_start)

    def logical(self, raw_lines: list[bytes], start: int) -> None:
        """One logical line: its physical lines decoded and unfolded as :func:`ics_io.decode` would."""
        raw = b"".join(raw_lines)
        if self.first_bad >= 0 and self.utf8_ok:  # a line UTF-8 refuses: a fold inside a character, or not UTF-8
            joined, folds = ics_io._SPLIT_UTF8_FOLD.subn(rb"\1", raw)
            try:
                joined.decode("utf-8")
            except UnicodeDecodeError:
                self.utf8_ok = False  # the whole file is then read as Windows-1252, as ics.decode does
            else:
                self.split_folds += folds
        text = raw.decode("utf-8", errors="replace") if self.utf8_ok else raw.decode("cp1252", errors="replace")
        line = "".join(part.rstrip("\r\n")[1:] if k else part.rstrip("\r\n")
                       for k, part in enumerate(text.splitlines(keepends=True)))
        if not line.strip():
            return
        head = line[:6].upper()
        if head == "BEGIN:":
            self.begin(line[6:].strip().upper(), start)
        elif line[:4].upper() == "END:":
            self.end(line[4:].strip().upper(), start, start + len(raw))
        elif not self.stack:
            name = _name_and_params(line)[0]
            self.outside[name] = self.outside.get(name, 0) + 1
        elif len(self.stack) == 1:
            if self.idx.calendars == 1:
                self.header.extend(raw)
        elif "VTIMEZONE" not in self.stack:
            self.prop(*_name_and_params(line))

    def begin(self, comp: str, start: int) -> None:
        """``BEGIN:comp`` at byte ``start``."""
        stack = self.stack
        stack.append(comp)
        if comp == "VCALENDAR" and len(stack) == 1:
            self.idx.calendars += 1
        elif comp == "VEVENT" and len(stack) == 2:
            self.block_start, self.cur_uid = start, None
        elif len(stack) == 2:  # VTIMEZONE, VTODO, VJOURNAL, VFREEBUSY…
            self.tz_start = start
        elif len(stack) == 1:
            raise StreamUnsupported(f"top-level {comp} without VCALENDAR")

    def end(self, comp: str, start: int, end: int) -> None:
        """``END:comp`` from byte ``start`` to ``end`` (after its line break)."""
        stack, idx = self.stack, self.idx
        if not stack or stack[-1] != comp:
            raise StreamUnsupported(f"END:{comp} does not close {stack[-1] if stack else 'anything'}")
        stack.pop()
        if comp == "VEVENT" and len(stack) == 1:
            self.block(None if self.cur_uid is None else hash(self.cur_uid), self.block_start, end - self.block_start)
        elif len(stack) == 1:
            with open(idx.path, "rb") as fh:
                fh.seek(self.tz_start)
                block = fh.read(end - self.tz_start)
            if comp == "VTIMEZONE":
                if not self.zones_seen:
                    idx.zones_at, self.zones_seen = len(idx.offsets), True
                idx.vtimezone_blocks.append(block)
            else:  # not converted, but a component icalendar cannot read fails the file as a whole
                cal = _parse(b"BEGIN:VCALENDAR\r\n" + block + b"END:VCALENDAR\r\n",
                             "utf-8" if self.utf8_ok else "cp1252")
                for component in cal.subcomponents:  # reported in the checks at its place
                    if component.name != "VTIMEZONE":
                        ics_io._clean_components(component, self.notes)
                self.keyed((3, len(idx.offsets), -1))

    def block(self, key: int | None, offset: int, length: int) -> None:
        """A VEVENT block, in its UID's series (``key``: the UID's hash; None: no UID, a series
        of its own)."""
        idx = self.idx
        if key is None:
            key = hash(("\x00anon", self.anon))
            self.anon += 1
        number = self.uid_series.setdefault(key, idx.series_count)
        if number == idx.series_count:
            idx.series_count += 1
        idx.offsets = appended(idx.offsets, (offset,))
        idx.lengths = appended(idx.lengths, (length,))
        idx.series = appended(idx.series, (number,))

    def absorb(self, part: "IndexPart") -> bool:
        """The blocks, header lines, VTIMEZONEs and zoned years another process read in the
        range that follows (:func:`index_part`), added as if read here; False (nothing added,
        the caller reads the range) unless the part is plain and this state is where a part
        starts: inside the one VCALENDAR, no line pending.  (Once a byte is not UTF-8 the
        reference reader reads the rest of the file, as :func:`.stream_index.scan` does, and
        no part is offered: :func:`index_ics`.)"""
        idx = self.idx
        if not (part.plain and self.stack == ["VCALENDAR"] and idx.calendars == 1 and not self.pending):
            return False
        if part.zones_at >= 0 and not self.zones_seen:
            idx.zones_at, self.zones_seen = len(idx.offsets) + part.zones_at, True
        for key, anon, offset, length in zip(part.keys, part.anon, part.offsets, part.lengths):
            self.block(None if anon else key, offset, length)
        self.header.extend(part.header)
        idx.vtimezone_blocks.extend(part.vtimezone_blocks)
        for tzid, years in part.tz_years.items():
            idx.tz_years.setdefault(tzid, set()).update(years)
        if part.closed:
            self.stack.pop()
        return True

    def prop(self, name: str, params: dict[str, str], value: str) -> None:
        """A property line of a component other than a VTIMEZONE, below the VCALENDAR: the
        VEVENT's UID, and the years of a zoned time value (RFC 5545 3.2.19 TZID)."""
        if name == "UID":
            self.uid(value)
        if name in _TIME_PROPS and params.get("TZID"):
            self.zoned(params["TZID"], value)

    def uid(self, value: str) -> None:
        """A UID line below the VCALENDAR, outside VTIMEZONEs: the VEVENT's own groups it."""
        if len(self.stack) == 2 and self.stack[1] == "VEVENT":
            self.cur_uid = value

    def zoned(self, tzid: str, text: str) -> None:
        """A time value (or several) in ``tzid``: the zone's years (:meth:`_Zones.resolution`)."""
        years = self.idx.tz_years.setdefault(tzid, set())
        years.update(int(v[:4]) for v in _LOCAL_RE.findall(text))

    def finish(self, report: Report | None) -> IcsIndex:
        """The index, its notes keyed and sorted; unbalanced or calendar-less input refused."""
        idx, notes, keyed = self.idx, self.notes, self.keyed
        if self.stack:
            raise StreamUnsupported(f"unterminated {self.stack[-1]}")
        if idx.calendars == 0:
            raise StreamUnsupported("no VCALENDAR")
        if not self.utf8_ok:
            idx.encoding = "cp1252"
            notes.add(LossKind.QUIRK_REPAIRED, "encoding", f"not UTF-8 (byte {self.first_bad}); read as Windows-1252",
                      guess=True)
        elif self.split_folds:
            idx.split_folds = True
            notes.add(LossKind.QUIRK_REPAIRED, "encoding",
                      f"{self.split_folds} fold(s) inside a UTF-8 character joined before decoding (RFC 5545 3.1 "
                      "forbids them; the octets are one character)")
        keyed((0, -1, 0))  # ics.decode: before the text's repairs
        for name, n in self.outside.items():  # ics.prepare_text's file notes, after the VEVENTs' own
            notes.add(LossKind.INVALID_VALUE, name,
                      "line outside any component ignored" + (f" ({n} times)" if n > 1 else ""))
        keyed((0, 1 << 62, 0))
        for _ in range(idx.calendars - 1):
            notes.add(LossKind.QUIRK_REPAIRED, "VCALENDAR", "several VCALENDARs in one file merged")
        keyed((1, 0, 0))
        idx.notes = sorted(zip(self.keys, notes.entries), key=lambda pair: pair[0])
        if report is not None:
            report.extend(loss for _key, loss in idx.notes)
        idx.header = bytes(self.header)
        return idx


def index_ics(path: str | os.PathLike[str], report: Report | None = None, fast: bool = True,
              parts: list[tuple[int, Callable[[], "IndexPart | None"]]] = ()) -> IcsIndex:
    """Pass 1 over ``path``.  ``fast``: the lines that matter found at C speed
    (:func:`.stream_index.scan`); otherwise the reference reader reads every line (the same
    index, ``tests/test_pass19_index.py``).  ``parts`` (with ``fast``): where the file is cut
    (:func:`part_cuts`) and, per cut, the :class:`IndexPart` another process reads from there
    to the next cut (None: it failed); the range before the first cut is read here, then each
    part is absorbed, or read here when it cannot be (:meth:`_Pass1.absorb`): the same index."""
    state = _Pass1(Path(path), report)
    with open(state.idx.path, "rb") as fh:
        if fh.read(3) == b"\xef\xbb\xbf":
            state.bom = 3
        fh.seek(state.bom)
        if not fast:
            state.feed(fh, state.bom)
        elif not parts:
            stream_index.scan(fh, state, state.bom)
        else:
            ends = [cut for cut, _get in parts] + [os.fstat(fh.fileno()).st_size]
            _scan_range(fh, state, state.bom, ends[0])
            for (cut, get), end in zip(parts, ends[1:]):
                if state.first_bad >= 0:  # as scan does: the reference reader reads the rest of the file
                    fh.seek(cut)
                    state.feed(fh, cut)
                    break
                part = get()
                if part is None or not state.absorb(part):
                    _scan_range(fh, state, cut, end)
        state.flush()
    return state.finish(report)


class _Range(io.RawIOBase):
    """Bytes ``start`` to ``end`` of an open file, read with ``pread`` (the file's own
    position is not moved): one part of a file for :func:`.stream_index.scan`."""

    def __init__(self, fd: int, start: int, end: int) -> None:
        self.fd, self.at, self.end = fd, start, end

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = os.pread(self.fd, min(len(buffer), self.end - self.at), self.at)
        buffer[:len(data)] = data
        self.at += len(data)
        return len(data)


def _scan_range(fh: IO[bytes], state: "_Pass1", start: int, end: int) -> None:
    """:func:`.stream_index.scan` of the file's bytes ``start`` to ``end`` (logical line starts)."""
    stream_index.scan(io.BufferedReader(_Range(fh.fileno(), start, end), stream_index.CHUNK), state, start)
    state.flush()


#: Where a part of a file begins: a VEVENT's first line (at the calendar's depth when the file is sound).
_PART_START = re.compile(rb"\nBEGIN:VEVENT\r?\n")


def part_cuts(path: Path, parts: int) -> list[int]:
    """Where to cut ``path`` into about ``parts`` equal ranges for pass 1 in several processes:
    the first ``BEGIN:VEVENT`` line at or after each ``k/parts`` of its size (none found within
    :data:`.stream_index.CHUNK` bytes: no cut there).  Any line start would do for the result,
    which :meth:`_Pass1.absorb` checks; a VEVENT's start is where a part can be absorbed."""
    size = path.stat().st_size
    cuts: list[int] = []
    with open(path, "rb") as fh:
        for k in range(1, parts):
            at = max(size * k // parts - 1, cuts[-1] if cuts else 0)
            fh.seek(at)
            found = _PART_START.search(fh.read(stream_index.CHUNK))
            if found is not None and at + found.start() + 1 > (cuts[-1] if cuts else 3):  # 3: past a BOM
                cuts.append(at + found.start() + 1)
    return cuts


@dataclass
class IndexPart:
    """What pass 1 finds in one range of a file (:func:`index_part`), for :meth:`_Pass1.absorb`:
    per VEVENT block its offset, length and UID hash (``anon``: 1 when it has no UID); the
    calendar's property lines; the VTIMEZONEs; the zoned years; ``zones_at``: blocks before its
    first VTIMEZONE (-1: none); ``closed``: it ends after the ``END:VCALENDAR``.  ``plain``: read
    from inside the one VCALENDAR with nothing the whole-file pass would note or read otherwise
    (another VCALENDAR, a line outside it, bytes that are not UTF-8, a component icalendar
    reports on, an unbalanced END); a part that is not plain is read again in order."""

    plain: bool = False
    offsets: array = field(default_factory=small_ints)
    lengths: array = field(default_factory=small_ints)
    keys: array = field(default_factory=lambda: array("q"))
    anon: bytearray = field(default_factory=bytearray)
    header: bytes = b""
    vtimezone_blocks: list[bytes] = field(default_factory=list)
    tz_years: dict[str, set[int]] = field(default_factory=dict)
    zones_at: int = -1
    closed: bool = False


class _PartPass1(_Pass1):
    """Pass 1 over one range, from a VEVENT's start inside the VCALENDAR: blocks keep their
    UID hash for the process that absorbs them, which numbers the series."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, None)
        self.stack.append("VCALENDAR")
        self.idx.calendars = 1
        self.part = IndexPart()

    def block(self, key: int | None, offset: int, length: int) -> None:
        idx = self.idx
        idx.offsets = appended(idx.offsets, (offset,))
        idx.lengths = appended(idx.lengths, (length,))
        self.part.keys.append(key or 0)
        self.part.anon.append(key is None)


def index_part(path: Path, start: int, end: int) -> IndexPart:
    """Pass 1 over bytes ``start`` to ``end`` of ``path`` in another process (``fork``: the
    UID hashes are the parent's).  Anything unusual, an error included, makes the part not
    plain: the parent reads it again and meets the same thing in order."""
    state = _PartPass1(path)
    try:
        with open(path, "rb") as fh:
            _scan_range(fh, state, start, end)
    except Exception:  # read again in order by the parent, which reports it where it belongs
        return IndexPart()
    part, idx = state.part, state.idx
    part.plain = (state.stack in (["VCALENDAR"], []) and idx.calendars == 1 and state.first_bad < 0  # all UTF-8
                  and not state.outside and len(state.notes) == 0)
    part.closed = not state.stack
    part.offsets, part.lengths = idx.offsets, idx.lengths
    part.header = bytes(state.header)
    part.vtimezone_blocks, part.tz_years = idx.vtimezone_blocks, idx.tz_years
    part.zones_at = idx.zones_at if state.zones_seen else -1
    return part


# ------------------------------------------------------------------------------------------------
# Pass 2: series by series through the reader pipeline
# ------------------------------------------------------------------------------------------------

def _parse(data: bytes, encoding: str) -> Calendar:
    """The reader's tolerant reading of one VCALENDAR, failing as :func:`ics_bridge.io.ics.parse_calendar` fails."""
    found = [c for c in ics_io.parse_components(data.decode(encoding, errors="replace")) if c.name == "VCALENDAR"]
    if not found:
        raise InputError("unreadable iCalendar: no VCALENDAR")
    return found[0]


def _vtimezone_texts(text: str) -> Iterator[str]:
    """Each top-level VTIMEZONE's lines in ``text`` (unfolded or not: a fold's next line starts
    with a space and is kept with its own), for :func:`ics_io.checked_timezone`, which reads
    and judges each once per process (the whole-file reader calls it per VTIMEZONE too)."""
    lines: list[str] = []
    depth = 0
    for line in text.splitlines(keepends=True):
        head = line[:32].strip().upper()
        if head == "BEGIN:VTIMEZONE":
            depth += 1
        if depth:
            lines.append(line)
        if head == "END:VTIMEZONE" and depth:
            depth -= 1
            if not depth:
                yield "".join(lines)
                lines = []


class _Zones:
    """The calendar-wide TZID resolutions of ``normalize_calendar_zones``, computed lazily once."""

    def __init__(self, idx: IcsIndex, report: Report, options: Options) -> None:
        self.idx = idx
        self.resolutions: dict[str, Any] = {}
        self.contexts: dict[str, Any] = {}
        data = b"BEGIN:VCALENDAR\r\n" + b"".join(idx.vtimezone_blocks) + b"END:VCALENDAR\r\n"
        text = ics_io.prepare_text(data.decode(idx.encoding, errors="replace"), report, options.limits)
        self.text = text  # the VTIMEZONEs' prepared text, read once more by _GroupReader's zone reader
        self.text_entries = len(report)  # the text's repairs, then the checks' entries
        cal = Calendar()
        for block in _vtimezone_texts(text):  # VTIMEZONEs it cannot use are dropped and reported, once
            vtz = ics_io.checked_timezone(block, report)
            if vtz is not None:
                cal.add_component(vtz)
        self.vtzs = timezones._vtimezones(cal)

    def resolution(self, tzid: str) -> Any:
        """``_resolve_tzid`` as ``normalize_calendar_zones`` calls it.  It reads the values of a
        TZID only through their years, unless the TZID has a VTIMEZONE that its name does not
        fit, in which case the VTIMEZONE is matched against every value (``match_vtimezone``).
        Pass 1 keeps only the years; the values of such a TZID (a "Customized Time Zone") are
        collected by one more pass over the file, when it is first met."""
        res = self.resolutions.get(tzid)
        if res is None:
            vtz = self.vtzs.get(timezones.tzid_key(tzid))
            values = self._noons(tzid)
            if vtz is not None:
                by_name = timezones.resolve_name(tzid)
                named = by_name is not None and (by_name.iana == "UTC" or bool(by_name.iana) and
                                                 timezones._name_fits(vtz, by_name.iana, values))
                if not named:
                    values = self._values(tzid)
            res = self.resolutions[tzid] = timezones._resolve_tzid(tzid, vtz, values)
        return res

    def context(self, tzid: str) -> Any:
        """``normalize_model_zones``' per-TZID context (:func:`timezones.zone_context`: the
        resolution, its hub zone, the agreement of the file's VTIMEZONE with tzdata), once per
        file: the agreement spares :func:`timezones.report_resolution` its comparisons per value
        and per occurrence, which the reference retag made for every group's events."""
        found = self.contexts.get(tzid)
        if found is None:
            found = self.contexts[tzid] = timezones.zone_context(self.resolution(tzid), self.vtzs, self._noons(tzid))
        return found

    def _noons(self, tzid: str) -> list[datetime]:
        """Noon on the 1st of January of each year of ``tzid``'s values: what the resolution
        and the agreement read of the values (their years), from pass 1."""
        return [datetime(y, 1, 1, 12) for y in sorted(self.idx.tz_years.get(tzid, ()))]

    def _values(self, tzid: str) -> list[datetime]:
        """Every local value in ``tzid`` outside VTIMEZONEs (one pass over the file)."""
        found: set[str] = set()
        depth_tz = 0
        with open(self.idx.path, "rb") as fh:
            pending: list[str] = []

            def take(line: str) -> None:
                nonlocal depth_tz
                upper = line[:16].upper()
                if upper.startswith("BEGIN:VTIMEZONE"):
                    depth_tz += 1
                elif upper.startswith("END:VTIMEZONE"):
                    depth_tz -= 1
                elif not depth_tz and tzid in line:
                    name, params, value = _name_and_params(line)
                    if name in _TIME_PROPS and params.get("TZID") == tzid:
                        found.update(_LOCAL_RE.findall(value))

            for raw in fh:
                text = raw.decode(self.idx.encoding, errors="replace").rstrip("\r\n")
                if text[:1] in (" ", "\t") and pending:
                    pending.append(text[1:])
                    continue
                if pending:
                    take("".join(pending))
                pending = [text.lstrip("\ufeff")]
            if pending:
                take("".join(pending))
        return [datetime.strptime(v, "%Y%m%dT%H%M%S") for v in sorted(found)]

    def normalize(self, cal: Calendar, report: Report) -> None:
        for component in cal.walk():
            if component.name in timezones._ZONE_COMPONENTS:
                continue
            for name, prop in list(timezones.iter_time_values(component)):
                tzid = prop.params.get("TZID") if hasattr(prop, "params") else None
                if not tzid:
                    continue
                tzid = str(tzid)
                timezones._apply(component, name, prop, tzid, self.resolution(tzid), report)


def _series_runs(idx: IcsIndex) -> Iterator[tuple[int, int]]:
    """(start, end) ranges into a block order sorted by series (counting sort, arrays only)."""
    counts = array("q", bytes(8 * (idx.series_count + 1)))
    for s in idx.series:
        counts[s + 1] += 1
    for s in range(idx.series_count):
        counts[s + 1] += counts[s]
    order = array("q", bytes(8 * idx.events))
    fill = array("q", counts)
    for i, s in enumerate(idx.series):
        order[fill[s]] = i
        fill[s] += 1
    for s in range(idx.series_count):
        yield order, counts[s], counts[s + 1]


def _group_bytes(fh: IO[bytes], idx: IcsIndex, blocks: list[int]) -> bytes:
    """The raw VEVENT blocks of one UID group, read back with ``seek``, in file order."""
    if len(blocks) == 1:  # most groups: one VEVENT
        fh.seek(idx.offsets[blocks[0]])
        return fh.read(idx.lengths[blocks[0]])
    parts = []
    for i in blocks:
        fh.seek(idx.offsets[i])
        parts.append(fh.read(idx.lengths[i]))
    return b"".join(parts)


def _iter_groups(idx: IcsIndex) -> Iterator[tuple[list[int], bytes]]:
    """(block numbers, raw bytes) of every UID group, in series order: all pass 2 needs of the file."""
    with open(idx.path, "rb") as fh:
        for order, lo, hi in _series_runs(idx):
            blocks = [order[k] for k in range(lo, hi)]
            yield blocks, _group_bytes(fh, idx, blocks)


def _without_blocks(idx: IcsIndex) -> IcsIndex:
    """``idx`` without its block index: what a worker process needs to convert any group (the
    header, the VTIMEZONEs, the TZID years), small enough to send once per worker."""
    return IcsIndex(idx.path, idx.encoding, idx.header, idx.vtimezone_blocks, idx.tz_years,
                    series_count=idx.series_count, calendars=idx.calendars, split_folds=idx.split_folds,
                    zones_at=idx.zones_at)


#: UID groups as :meth:`_GroupReader.together` read them: the reader and their (VEVENT, text).
Read = tuple[IcsReader, list[tuple[m.Event, str]]]


class _GroupReader:
    """Pass 2's reading of one UID group on the typed model (:class:`model_reader.IcsReader`, no
    icalendar for a plain VEVENT): a small VCALENDAR (the file's header + the group's VEVENTs)
    through the steps of :func:`ics_bridge.io.ics_model.iter_model`, with the file-wide decisions
    taken once per file: the VTIMEZONEs (checked and reported once, their typed definitions and
    zones shared by every group), each TZID's resolution (:class:`_Zones`, from pass 1's values of
    the whole file), and the event numbers of the checks (the VEVENT's place in the file).

    One per process: the pool's workers each build their own from the same pass-1 data and reach
    the same resolutions (``_resolve_tzid`` is deterministic; its result may hold a tzinfo built
    from a VTIMEZONE, which is why it is recomputed rather than pickled)."""

    def __init__(self, idx: IcsIndex, report: Report | None, options: Options) -> None:
        self.idx = idx
        self.options = options
        # the VTIMEZONEs' entries, once per file: ``notes`` holds them with their place in the
        # whole-file report (text repairs, then the checks, at the first VTIMEZONE's place)
        zone_report = Report(file=report.file if report is not None else None)
        # max_bytes caps an input held whole; a streamed one holds a group at a time (issue 15)
        self.read_options = ics_io.IcsReadOptions(x_wr_timezone=options.x_wr_timezone, max_bytes=sys.maxsize,
                                                  limits=options.limits)
        self.zones = _Zones(idx, zone_report, options)  # reports the VTIMEZONE checks, once
        split = self.zones.text_entries
        self.notes = [((0, idx.zones_at, -1) if k < split else (3, idx.zones_at, -1), loss)
                      for k, loss in enumerate(zone_report.entries)]
        if report is not None:
            report.extend(zone_report)
        self.head = b"BEGIN:VCALENDAR\r\n" + idx.header
        # the typed VTIMEZONEs as the whole-file checks keep them (reported above already), from
        # the text _Zones prepared: ``_prepared_text`` of the same decoded text is that text
        zone_reader = IcsReader(self.zones.text)
        self.zone_checks = ics_model._Checks(zone_reader, Report(), [])
        for name, typed, component_text in zone_reader.components(0):
            if name == "VTIMEZONE":
                self.zone_checks.timezone(typed, component_text)
        self.vtimezones = zone_reader._vtimezones   # TZID → rules: what IcsReader.zone looks up
        self.zone_cache: dict[str, m.Zone] = {}       # IcsReader.zone's, shared by the groups

    def _reader(self, data: bytes, report: Report) -> IcsReader:
        """``iter_model``'s reading: the sound reader, else the text repaired (and reported) first."""
        whole = self.head + data + b"END:VCALENDAR\r\n"
        if self.idx.split_folds:  # joined and reported once, by pass 1 (ics.decode's repair)
            whole = ics_io._SPLIT_UTF8_FOLD.sub(rb"\1", whole)
        if self.idx.encoding == "utf-8":
            reader = ics_model._sound_reader(whole, self.read_options)
            if reader is None:
                reader = IcsReader(ics_io._prepared_text(whole, report, self.read_options))
        else:
            reader = IcsReader(ics_io._prepared_text(whole.decode(self.idx.encoding, errors="replace"), report,
                                                     self.read_options))
        reader._vtimezones = self.vtimezones
        reader._zones = self.zone_cache
        return reader

    def together(self, groups: list[tuple[list[int], bytes]]) -> Read | None:
        """Several groups read by one :class:`IcsReader`, as one: the reader and every group's
        VEVENTs in turn, for :meth:`calendar` to take as one calendar; None when the joined text
        is not sound (then each group is read on its own, repaired and reported as ever).  Why
        the same: the sound reading (``ics_model._sound_reader``) tests each line, each component
        and the counts under the limits, so a group of a sound whole is sound on its own, and the
        reader reads each VEVENT block by itself (its own lines; the zones are the file's,
        shared anyway)."""
        count = sum(len(blocks) for blocks, _data in groups)
        if len(groups) < 2 or self.idx.split_folds or self.idx.encoding != "utf-8":
            return None
        reader = ics_model._sound_reader(self.head + b"".join(data for _blocks, data in groups) + b"END:VCALENDAR\r\n",
                                         self.read_options)
        if reader is None:
            return None
        reader._vtimezones = self.vtimezones  # before any event is read: its values' zones
        reader._zones = self.zone_cache
        found = list(reader.components(0))  # sound: each block one VEVENT, in order (Shape.ordered)
        if len(found) != count or any(name != "VEVENT" for name, _typed, _text in found):
            return None
        return reader, [(typed, text) for _name, typed, text in found]

    def calendar(self, blocks: list[int], data: bytes, report: Report, errors: list[InputError],
                 header: Report | None, keys: list[Any] | None = None,
                 error_keys: list[Any] | None = None, read: Read | None = None) -> tuple[m.Calendar | None, int]:
        """The group's (or the batch's, ``read`` together) typed calendar, each event's
        ``position`` its place in the file (None: nothing readable), and where in ``report`` the
        calendar-property entries belong (they go to ``header``; None drops them: the file's
        header is checked once, with its first readable group).

        ``keys`` and ``error_keys`` (given together) receive a sort key per entry this adds to
        ``report`` and per error to ``errors``: (phase, file position, sub-order), the place the
        whole-file run reports it (:class:`ics_bridge.report.KeyedEntries` sorts by them).
        ``read``: the groups of ``blocks`` as :meth:`together` read them (else ``data``, one
        group's bytes, is read here)."""
        entries = report.entries
        start = len(entries)
        keys = [] if keys is None else keys
        error_keys = [] if error_keys is None else error_keys
        first = blocks[0]

        def tag(key: tuple[int, int, int]) -> None:
            new = len(entries) - start - len(keys)
            if new:  # most steps report nothing
                keys.extend([key] * new)

        if read is None:
            reader = self._reader(data, report)
            vevents = [(typed, text) for name, typed, text in reader.components(0) if name == "VEVENT"]
        else:
            reader, vevents = read
        tag((0, first, 0))  # the text's repairs
        found: list[InputError] = []
        mark = len(report)
        if header is not None:
            ics_model._Checks(reader, header, []).calendar_properties()
        checked = ics_model._Checks(reader, report, found)
        zones = self.zone_checks
        checked._zone_text, checked.timezones, checked.timezone_defs = (zones._zone_text, zones.timezones,
                                                                        zones.timezone_defs)
        positions = blocks if len(vevents) == len(blocks) else list(range(blocks[0], blocks[0] + len(vevents)))
        for (typed, text), pos in zip(vevents, positions):
            checked.index = pos + 1  # the check's event number: its place in the whole file
            event = checked.event(typed, text)
            tag((3, pos, 0))
            error_keys.extend([(3, pos, 0)] * (len(found) - len(error_keys)))
            if event is not None:
                checked.order.append(m.replaced(event, {"position": pos}))
        at: list[tuple[int, int]] = []
        events = checked.without_duplicates(at)
        keys.extend((4 + which, pos, 0) for which, pos in at)
        retagged = []
        for e in events:
            retagged.append(timezones.retag_model_event(e, self.zones.context, report))
            tag((6, e.position or 0, 0))
        events = retagged
        used = {m.param(p, "TZID") for e in events for _, p in e.params} | {
            m.param(line.params, "TZID") for e in events for line in (*e.exdates, *e.rdates)}
        head = m.replaced(reader.calendars[0], {"timezones": tuple(
            d for d in zones.timezone_defs if d.tzid in used)})
        before = [e.position for e in events]
        checks_found = len(found)

        def step(number: int, event: m.Event | None, errors_now: int) -> None:
            if number == 0:
                tag((7, 0, 0))  # X-WR-TIMEZONE: one entry for the file (KeyedEntries adds the counts)
            elif number == 1:
                assert event is not None
                tag((8, event.position or 0, 0))
                error_keys.extend([(8, event.position or 0, 0)] * (checks_found + errors_now - len(error_keys)))
            else:
                tag((7 + number, first, 0))

        events, quirk_errors = apply_model_quirks(head, events, report,
                                                  x_wr_timezone_policy=self.options.x_wr_timezone, on_step=step)
        found += quirk_errors
        events = _placed(events, before, blocks[0])
        errors.extend(found)
        return m.replaced(head, {"series": tuple(ics_model.group_series(events))}), mark


def _placed(events: list[m.Event], before: list[int | None], first: int) -> list[m.Event]:
    """Each event with its place in the file again: a quirk that crossed the edge
    (``quirks._on_icalendar``) gives a new event without one.  The quirks keep the events in
    order, one for one unless one failed or :mod:`quirks.rdate_period` added an override after
    its master: then an event without a place takes the place of the one before it."""
    if len(events) == len(before):
        return [e if e.position is not None else dataclasses.replace(e, position=p)
                for e, p in zip(events, before)]
    out = []
    last = first
    for e in events:
        if e.position is None:
            e = dataclasses.replace(e, position=last)
        last = e.position
        out.append(e)
    return out


def iter_series_calendars(idx: IcsIndex, report: Report, options: Options = Options(),
                          errors: list[InputError] | None = None) -> Iterator[m.Calendar]:
    """One typed calendar per UID group (calendar properties + its series), read, checked,
    zone-normalised and quirk-repaired as :func:`ics_bridge.io.ics_model.iter_model` does for
    the whole file; each event's ``position`` is its place in the file (the whole-file checks
    number events by it, and the writers order series by it)."""
    reader = _GroupReader(idx, report, options)
    header_checked = False
    for blocks, data in _iter_groups(idx):
        found: list[InputError] = []
        cal, _mark = reader.calendar(blocks, data, report, found, None if header_checked else report)
        if errors is not None:
            errors.extend(found)
        if cal is None:
            continue
        header_checked = True
        yield cal




# ------------------------------------------------------------------------------------------------
# Output: JSON envelopes around spooled items
# ------------------------------------------------------------------------------------------------

def _key_order(idx: array) -> Iterable[int]:
    """The rows of a spool's (key1, key2, offset, length) index in key order."""
    return rows_in_order(idx, 4, 2)


SORT_RUN = 1 << 16  # rows sorted at a time by rows_in_order


def keys_in_order(idx: array, width: int, keys: int) -> bool:
    """Whether each row's key (its first ``keys`` integers) is at most the next row's, compared
    column by column on the array itself: a tuple per row (two slices and two tuples) cost ~1 s
    more on a 1M-event file's report index, where the check by index costs next to nothing.
    The callers' keys (2: a JSON spool's key and arrival; 3: a report entry's phase, position,
    arrival) have their comparison spelled out; any other width compares slices."""
    w = width
    rows = range(0, width * (len(idx) // width - 1), width)
    if keys == 2:
        return all(idx[a] < idx[a + w] or (idx[a] == idx[a + w] and idx[a + 1] <= idx[a + w + 1]) for a in rows)
    if keys == 3:
        return all(idx[a] < idx[a + w] or (idx[a] == idx[a + w] and (
            idx[a + 1] < idx[a + w + 1] or (idx[a + 1] == idx[a + w + 1] and idx[a + 2] <= idx[a + w + 2])))
            for a in rows)
    return all(idx[a:a + keys] <= idx[a + w:a + w + keys] for a in rows)


def rows_in_order(idx: array, width: int, keys: int) -> Iterable[int]:
    """The rows of ``idx`` (``width`` machine integers a row, the first ``keys`` its sort key) in
    key order, rows under one key in their own order (a stable sort).

    Why not ``sorted(range(n), key=...)``: at a million events a streamed file has ~1.3 million
    report entries, and that list with a tuple key a row peaked at ~190 MB more than the
    conversion itself (a 1M-event file through the CLI: 364 MiB against the 200 MiB of issue 12).
    Rows already in order (the usual case) cost nothing; otherwise runs of :data:`SORT_RUN` rows
    are sorted one at a time into 8-byte row numbers and merged (``heapq.merge``), so what is held
    is one integer a row plus one run."""
    n = len(idx) // width

    def key(r: int) -> tuple[int, ...]:
        at = width * r
        return tuple(idx[at:at + keys])

    if keys_in_order(idx, width, keys):
        return range(n)
    runs = [array("q", sorted(range(start, min(n, start + SORT_RUN)), key=key)) for start in range(0, n, SORT_RUN)]
    if len(runs) == 1:
        return runs[0]
    return (r for _key, r in heapq.merge(*(((key(r), r) for r in run) for run in runs)))


class _JsonSpool:
    """Items written one by one to a temporary file under a sort key (the file position of
    their series; a series whose key is out of order, a second master of a UID, is moved to its
    place at the end); the envelope decided at the end.  Items arrive encoded and indented for
    the envelope (:func:`array_item`), so the pool's workers can do that part of the work.  The
    file is written and read back in chunks of about :data:`SPOOL_CHUNK` bytes (items of a few
    kB each: one write and one seek per item cost more than their copy); each item but the
    first follows its separator, so items in key order (the usual case) are the array's text,
    copied straight through."""

    def __init__(self) -> None:
        self.fh = tempfile.TemporaryFile(mode="w+b")
        self.count = 0
        self.first: bytes | None = None
        self.index: array = small_ints()  # (key, seq, offset, length)
        self.size = 0
        self.pending: list[bytes] = []  # items not yet written
        self.pending_size = 0

    def add(self, item: Any, key: int = 0) -> None:
        self.add_items([(key, array_item(jsonio.dumps(item)))])

    def add_items(self, items: list[tuple[int, bytes]]) -> None:
        """(key, item as :func:`array_item` gives it) pairs, one group's: taken in one step, as
        the ``--jobs`` parent takes every group's while its workers convert (its serial part)."""
        rows: list[int] = []
        size, count = self.size, self.count
        pending = self.pending
        for key, data in items:
            if count:  # the separator before every item but the first: the spool is the array's text
                pending.append(_ITEM_SEPARATOR)
                size += len(_ITEM_SEPARATOR)
            rows += (key, count, size, len(data))
            pending.append(data)
            size += len(data)
            count += 1
        if not rows:
            return
        self.index = appended(self.index, tuple(rows))
        self.pending_size += size - self.size
        if self.pending_size >= SPOOL_CHUNK:
            self._write()
        self.first = items[0][1] if self.count == 0 else None
        self.size, self.count = size, count

    def _write(self) -> None:
        self.fh.write(b"".join(self.pending))
        self.pending, self.pending_size = [], 0

    def finish(self, out: IO[bytes], envelope: dict[str, Any], key: str) -> None:
        """``Conversion.to_bytes`` of ``items[0]`` (one item) or ``{**envelope, key: items}``."""
        self._write()
        if self.count == 1:
            assert self.first is not None
            out.write(self.first.replace(_ITEM_INDENT, b"\n") + b"\n")  # array_item undone: the item alone
        elif self.count == 0:
            out.write(jsonio.dumps({**envelope, key: []}) + b"\n")
        else:
            marker = "\x00ICSBRIDGE-ITEMS\x00"
            prefix, suffix = jsonio.dumps({**envelope, key: [marker]}).split(json.dumps(marker).encode("ascii"))
            out.write(prefix)
            order = _key_order(self.index)
            if isinstance(order, range):
                self._straight(out)
            else:
                idx = self.index
                first = True
                for r in order:
                    if not first:
                        out.write(_ITEM_SEPARATOR)
                    first = False
                    self.fh.seek(idx[4 * r + 2])
                    out.write(self.fh.read(idx[4 * r + 3]))
            out.write(suffix + b"\n")
        self.fh.close()

    def _straight(self, out: IO[bytes]) -> None:
        """Every item in the order written (= key order): the spool holds them separated, as
        the envelope's array, so it is copied as it is, in chunks.  Why: cutting each chunk
        back into items and joining them with separators made this copy, a serial tail of every
        ``--jobs`` run, 0.37-0.72 s for 300 MB of items (100k events); 0.13-0.34 s as it is
        (``os.copy_file_range`` measured no faster: the output's new pages are the cost)."""
        self.fh.seek(0)
        while chunk := self.fh.read(SPOOL_CHUNK):
            out.write(chunk)


def array_item(encoded: bytes) -> bytes:
    """An item as :func:`jsonio.dumps` gives it (indented at the top level), one level deeper:
    inside the envelope's array (:class:`_JsonSpool`)."""
    return encoded.replace(b"\n", _ITEM_INDENT)


# a line break inside the envelope's array, what stands between two of its items, and the spool's chunk size
_ITEM_INDENT = b"\n    "
_ITEM_SEPARATOR = b"," + _ITEM_INDENT
SPOOL_CHUNK = 1 << 20


# (issue 12) The per-group ICS → JSON conversion (_GroupConverter, the worker pool,
# _ics_to_json) moved to ics_bridge/pipeline.py: it chooses a provider's mapper, io does not.

# ------------------------------------------------------------------------------------------------
# JSON input: item by item
# ------------------------------------------------------------------------------------------------

_WS = " \t\r\n"
# Between two entries: blanks, the comma, blanks, and the next entry's first character in the buffer.
_NEXT_ENTRY = re.compile(r"[ \t\r\n]*,[ \t\r\n]*(?=[^ \t\r\n])")
# How JSON text spells a surrogate (jsonio.without_lone_surrogates' first check).
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


class JsonItems:
    """The resources of a JSON collection read one at a time, without loading the file.

    Takes the shapes :func:`ics_bridge.io.jsonio.items` takes except nesting: an object whose
    ``value`` (Graph) or ``items`` (Google) array holds the resources, or a bare array of
    resources.  Other shapes (one resource, JSON Lines, arrays of list pages) raise
    :class:`StreamUnsupported`.  Each item comes with its byte offset and length so a later
    pass can read it again with ``seek`` (:meth:`load`).  ``fields`` holds the top-level
    members other than the array (``timeZone``, ``@odata.context``…), complete after a full
    iteration.  A sliding ``json.JSONDecoder.raw_decode`` over 1 MiB chunks: no dependency.
    ``fast`` takes the shortcuts of :class:`_Buffer` (the same items, offsets and errors,
    ``tests/test_pass19_json_items.py``)."""

    CHUNK = 1 << 20

    def __init__(self, path: Path, fast: bool = True) -> None:
        self.path = path
        self.fast = fast
        self.fields: dict[str, Any] = {}
        self.array_keys: list[str] = []
        self.surrogates: list[int] = []  # lone surrogates replaced, per item (jsonio.report_surrogates)
        self.opened = 0  # the item just given: its ``{`` and ``[`` count, more than it can nest
        self._decoder = json.JSONDecoder()

    def __iter__(self) -> Iterator[tuple[int, int, Any]]:
        self.fields, self.array_keys = {}, []
        with open(self.path, "rb") as fh:
            reader = _Buffer(fh, self.CHUNK, self.fast)
            if reader.peek() == "\ufeff":
                reader.take(1)
            c = reader.peek()
            if c == "[":
                reader.take(1)
                yield from self._array(reader)
                reader.skip_ws()
                if reader.peek():
                    raise StreamUnsupported("data after the top-level array")
                return
            if c != "{":
                raise StreamUnsupported("not a JSON object or array")
            reader.take(1)
            first = True
            while reader.next_entry("}", first, "object"):
                first = False
                key = reader.value(self._decoder)[2]
                reader.skip_ws()
                if reader.peek() != ":":
                    raise StreamUnsupported("malformed object")
                reader.take(1)
                reader.skip_ws()
                if key in ("value", "items") and reader.peek() == "[":
                    self.array_keys.append(key)
                    reader.take(1)
                    yield from self._array(reader, entries=True)
                else:
                    self.fields[key] = reader.value(self._decoder)[2]
            reader.skip_ws()
            if reader.peek():
                raise StreamUnsupported("JSON Lines or data after the top-level object")
            if len(self.array_keys) != 1:
                raise StreamUnsupported("no single value/items array")

    def _array(self, reader: "_Buffer", entries: bool = False) -> Iterator[tuple[int, int, Any]]:
        """The items of an array; in a bare top-level array a nested array would be a page of
        events (the whole-file path's shape), in ``value``/``items`` (``entries``) it is one bad item."""
        first = True
        while reader.next_entry("]", first, "array"):
            first = False
            offset, length, item = reader.value(self._decoder, self.surrogates)
            if isinstance(item, list) and not entries:
                raise StreamUnsupported("nested arrays")
            self.opened = reader.opened
            yield offset, length, item

    def where(self, pos: int) -> str:
        """The item's place as :func:`ics_bridge.io.jsonio.entries` names it (``value[3]``)."""
        return f"{self.array_keys[-1] if self.array_keys else ''}[{pos}]"

    def load(self, offset: int, length: int, fh: IO[bytes]) -> Any:
        fh.seek(offset)
        data = fh.read(length)
        return jsonio.without_lone_surrogates(json.loads(data), data)


class _Buffer:
    """A str window over a UTF-8 byte stream that knows the byte offset of its start.

    ``fast``: the blanks and comma between two entries taken by one regex when the next entry
    starts in the window (:meth:`next_entry`), an item's text searched for surrogates only when
    it holds a ``\\uD8xx``-like escape, an ASCII item's length without encoding it, the window
    cut shorter (:meth:`value`)."""

    def __init__(self, fh: IO[bytes], chunk: int, fast: bool = False) -> None:
        self.fh = fh
        self.fast = fast
        self.chunk = chunk
        self.text = ""
        self.pos = 0            # index into text
        self.base = 0           # byte offset of text[pos]
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.eof = False
        self.escape = -1        # fast: index of the next surrogate escape at or after pos (-1: not searched)
        self.opened = 0         # the last value's ``{`` and ``[`` (those in strings too): a bound on its nesting

    def _more(self) -> bool:
        if self.eof:
            return False
        data = self.fh.read(self.chunk)
        try:
            decoded = self.decoder.decode(data, final=not data)
        except UnicodeDecodeError:
            raise InputError("JSON is not UTF-8") from None
        if not data:
            self.eof = True
        self.text = self.text[self.pos:] + decoded  # base stays the byte offset of text[pos]
        self.pos, self.escape = 0, -1
        return bool(data)

    def peek(self) -> str:
        while self.pos >= len(self.text):
            if not self._more():
                return ""
        return self.text[self.pos]

    def take(self, n: int) -> None:
        """Skip ``n`` ASCII characters (punctuation, BOM counted as its 3 bytes)."""
        self.base += sum(len(c.encode("utf-8")) for c in self.text[self.pos:self.pos + n])
        self.pos += n

    def skip_ws(self) -> None:
        while True:
            c = self.peek()
            if not c or c not in _WS:
                return
            self.pos += 1
            self.base += 1

    def next_entry(self, close: str, first: bool, what: str) -> bool:
        """Past the ``,`` before the next entry of an object or array (none before the
        ``first``); False, with the closing bracket consumed, at its end."""
        if self.fast and not first:
            found = _NEXT_ENTRY.match(self.text, self.pos)
            if found:  # blanks and the comma: one byte each
                self.base += found.end() - self.pos
                self.pos = found.end()
                return True
        self.skip_ws()
        c = self.peek()
        if c == close:
            self.take(1)
            return False
        if not first:
            if c != ",":
                raise StreamUnsupported(f"malformed {what}")
            self.take(1)
            self.skip_ws()
        return True

    def value(self, decoder: json.JSONDecoder, surrogates: list[int] | None = None) -> tuple[int, int, Any]:
        """raw_decode at the cursor, reading more until the value is complete; lone surrogates
        become U+FFFD, their count appended to ``surrogates``."""
        while True:
            try:
                item, end = decoder.raw_decode(self.text, self.pos)
            except json.JSONDecodeError as exc:
                if self._more():
                    continue
                raise InputError(f"invalid JSON: {exc.msg}") from None
            except RecursionError:
                raise InputError("JSON nested too deeply (limit max_json_depth)") from None
            # a number at the end of the buffer may continue in the next chunk
            if end == len(self.text) and not self.eof and self._more():
                continue
            start_bytes = self.base
            raw = self.text[self.pos:end]
            self.opened = raw.count("{") + raw.count("[")
            if not self.fast or self._escape_before(end):
                item = jsonio.without_lone_surrogates(item, raw, surrogates)
            length = len(raw) if self.fast and raw.isascii() else len(raw.encode("utf-8", "surrogatepass"))
            self.base += length
            self.pos = end
            # drop what is consumed (fast: once past half the window, so that the decoder's error
            # at the end of the window, an item cut by the chunk, counts the lines of a short text)
            if self.pos > self.chunk or (self.fast and 2 * self.pos > len(self.text)):
                self.text = self.text[self.pos:]
                self.pos, self.escape = 0, -1
            return start_bytes, length, item

    def _escape_before(self, end: int) -> bool:
        """Whether ``text[pos:end]`` may spell a surrogate: text decoded strictly from UTF-8 holds
        none itself, so only a ``\\uD800``-like escape can (searched once a window, not once an item)."""
        if self.escape < self.pos:
            found = _SURROGATE_ESCAPE.search(self.text, self.pos)
            self.escape = found.start() if found else len(self.text)
        return self.escape < end


Uses = tuple[tuple[str, str, date], ...]  # (TZID as written, IANA zone, first day)
Rendered = tuple[bytes, dict[str, date], dict[str, "str | None"], Uses, Uses]

def render_event(event: m.Event, writer: EventWriter) -> Rendered | None:
    """A typed event for :meth:`_IcsSpool.put`, as :func:`ics_bridge.io.model_writer.write_calendar`
    writes it (``writer``: :class:`EventWriter` of the output's TZID style and the zones written
    under their IANA name, ``timezones.windows_name_clashes``): its text; per TZID the first day
    of the earliest year using it and the IANA zone of its values (the VTIMEZONEs;
    :meth:`_IcsSpool.clashes` reads them too); the TZIDs of its kept lines (X- properties,
    alarms', unknown subcomponents'), which get a VTIMEZONE from 1970 and, in ``windows``
    style, the Windows name, as the whole-file writer gives them (RFC 5545 3.2.19); each zone
    of a TZID its values wrote for two zones (``_Writer.shared``).  None: left out (no start),
    as the model writer does."""
    if event.start is None:
        return None
    text, used, named, shared_zones = writer.write(event)
    firsts = {tzid: date(max(year, 1), 1, 1) for tzid, (_zone, year) in used.items()}
    zones = {tzid: zone.iana if zone.kind == "iana" else None for tzid, (zone, _year) in used.items()}
    kept = tuple((tzid, iana, date(year, 1, 1)) for tzid, year, iana in named if iana) if named else ()
    shared = tuple((tzid, iana, date(max(year, 1), 1, 1)) for tzid, zones_of in shared_zones.items()
                   for iana, year in zones_of.items()) if shared_zones else ()
    return text, firsts, zones, kept, shared


class _IcsSpool:
    """VEVENTs written as they are mapped, in two phases (the whole-file readers write singles
    and masters in input order, then every exception/instance): phase A is appended as it comes,
    phase B records are keyed and written in key order at the end (an index of three machine
    integers per record).  The VTIMEZONEs (one per TZID used, from the earliest date using it,
    as :func:`timezones.add_vtimezones` builds them) and the header are written around them."""

    def __init__(self, tzid_style: str, fast: bool = True) -> None:
        if tzid_style not in ("iana", "windows"):
            raise ValueError(f"tzid_style must be 'iana' or 'windows', not {tzid_style!r}")
        self.style = tzid_style
        self.fast = fast
        self.a = tempfile.TemporaryFile(mode="w+b")
        self.b = tempfile.TemporaryFile(mode="w+b")
        self.b_index: array = small_ints()   # (key1, key2, offset, length) per record
        self.b_size = 0
        self.used: dict[str, date] = {}       # TZID → earliest date using it
        self.iana: dict[str, str | None] = {}
        self.uses: dict[tuple[str, str], date] = {}  # (Windows name, IANA zone) → earliest date
        self.count = 0

    def put(self, rendered: Rendered, key: tuple[int, int] | None = None) -> None:
        """A rendered VEVENT into phase A (``key`` None) or phase B."""
        text, firsts, zones, kept, shared = rendered
        for tzid, first in firsts.items():
            self.vtimezone(tzid, zones[tzid], first)
            self.use(tzid, zones[tzid], first)
        for tzid, iana, first in kept:  # a VTIMEZONE, no say in clashes (as ``model_writer._clashing_zones``)
            self.vtimezone(tzid, iana, first)
        for tzid, iana, first in shared:
            self.use(tzid, iana, first)
        if key is None:
            self.a.write(text)
        else:
            self.b.write(text)
            self.b_index = appended(self.b_index, (key[0], key[1], self.b_size, len(text)))
            self.b_size += len(text)
        self.count += 1

    def vtimezone(self, tzid: str, iana: str | None, first: date) -> None:
        """The VTIMEZONE of ``tzid``: the zone of the earliest year wins (``_Writer.use``,
        ``_Writer.timezones``)."""
        seen = self.used.get(tzid)
        if seen is None or first < seen:
            self.used[tzid] = first
            self.iana[tzid] = iana

    def use(self, tzid: str, iana: str | None, first: date) -> None:
        """A zone written under ``tzid`` from ``first``, for :meth:`clashes`."""
        if iana and iana != tzid:  # under its own name: the only zone written so
            seen = self.uses.get((tzid, iana))
            if seen is None or first < seen:
                self.uses[tzid, iana] = first

    def clashes(self) -> frozenset[str]:
        """The IANA zones one Windows name cannot describe together with another zone the file
        wrote under it (``timezones.windows_name_clashes``): known only when every event is
        written, so the caller writes them again with these zones as ``keep``."""
        if self.style != "windows":
            return frozenset()
        return frozenset(timezones.windows_name_clashes((tzid, iana, first)
                                                        for (tzid, iana), first in self.uses.items()))

    def discard(self) -> None:
        self.a.close()
        self.b.close()

    def finish(self, out: IO[bytes], header: Calendar | m.Calendar) -> None:
        text = to_bytes(["BEGIN:VCALENDAR", *calendar_head(header), "END:VCALENDAR"]) if isinstance(
            header, m.Calendar) else header.to_ical()
        end = b"END:VCALENDAR\r\n"
        assert text.endswith(end)
        out.write(text[:-len(end)])
        for tzid in sorted(self.used):
            iana = self.iana[tzid]
            if iana is None:
                continue
            out.write(timezones.vtimezone(iana, tzid=tzid, start=self.used[tzid]).to_ical())
        self.a.seek(0)
        while chunk := self.a.read(1 << 20):
            out.write(chunk)
        idx = self.b_index
        for r in _key_order(idx):
            self.b.seek(idx[4 * r + 2])
            out.write(self.b.read(idx[4 * r + 3]))
        out.write(end)
        self.a.close()
        self.b.close()


def _match(produced: list[str | None], expected: list[tuple[tuple[int, int], str | None]]) -> list[tuple[int, int]]:
    """The key of each phase-B VEVENT a group produced (``produced``: the provider id each
    carries).  All mapped: in order.  Some failed (and were reported): matched in order by that id."""
    if len(produced) == len(expected):
        return [key for key, _ident in expected]
    keys: list[tuple[int, int]] = []
    j = 0
    for ident in produced:
        while j < len(expected) - 1 and ident is not None and expected[j][1] != ident:
            j += 1
        keys.append(expected[min(j, len(expected) - 1)][0])
        j += 1
    return keys


class _Items:
    """Pass-1 bookkeeping shared by the Graph and Google readers: byte ranges of every item and
    which items a group (a series master) takes along.  ``fast``: :class:`JsonItems`' shortcuts."""

    def __init__(self, path: Path, fast: bool = True) -> None:
        self.source = JsonItems(path, fast)
        self.offsets: array = small_ints()
        self.lengths: array = small_ints()
        self.members: dict[int, list[int]] = {}   # master position → positions of its exceptions
        self.taken = bytearray()                  # 1: handled with its master; 2: written by no one

    def read(self, pos: int, fh: IO[bytes]) -> bytes:
        """The item's JSON text, as it is in the file."""
        fh.seek(self.offsets[pos])
        return fh.read(self.lengths[pos])


def _json_groups(its: "_Items", path: Path) -> Iterator[tuple[int, list[int], int, list[bytes]]]:
    """Pass 2's groups in the order of their head: (head position, member positions sorted,
    bytes, each item's JSON text), read back with ``seek`` from pass 1's byte ranges (no second
    decoding of the file: the items go from these bytes to the provider's models)."""
    with open(path, "rb") as fh:
        for pos in range(len(its.offsets)):
            if its.taken[pos]:  # with its master, or an occurrence its master's RRULE makes
                continue
            group = sorted([pos, *its.members.get(pos, [])])
            yield pos, group, sum(its.lengths[q] for q in group), [its.read(q, fh) for q in group]


# (issue 12) The JSON → ICS conversion of the groups (_JsonGroups, _json_to_ics) and the entry
# point (convert_file, _stream, _sniff, _write_out) moved to ics_bridge/pipeline.py.


# ------------------------------------------------------------------------------------------------
# The report in the whole-file order
# ------------------------------------------------------------------------------------------------

_COUNT = re.compile(r"(\d+) (.*)", re.S)


class KeyedEntries:
    """Report entries and errors that arrive group by group, given back in the order the
    whole-file run reports them (phase by phase: text repairs, checks, duplicates, zones,
    quirks, writer; see :meth:`_GroupReader.calendar`).  Each comes with a key (phase, file
    position, sub-order); the sort is stable, so entries under one key keep their order.  The
    entries are pickled to a temporary file with ``spool`` (only the keys, four machine integers
    an entry, stay in memory); the X-WR-TIMEZONE repair (phase 7), which the whole-file run
    reports once with the file's count, comes from each group with the group's count and is
    added up here."""

    XWR = 7

    def __init__(self, spool: bool = True) -> None:
        self._fh = tempfile.TemporaryFile(mode="w+b") if spool else None
        self._mem: list[Any] = []
        self._end = 0  # the spool's size: the next entry's offset
        self._filed = bytearray()  # per entry: 1 when its ``file`` is set (its bytes can be copied as they are)
        self._index: array = small_ints()          # (phase, position, sub, offset or list index)
        self._xwr: dict[tuple[Any, ...], Any] = {}
        self._errors: list[tuple[tuple[int, int, int], int, InputError]] = []

    def add(self, key: tuple[int, int, int], loss: Any) -> None:
        if key[0] == self.XWR:
            self._add_xwr(loss)
            return
        if self._fh is not None:
            self._spool(key, pickle.dumps(loss, protocol=pickle.HIGHEST_PROTOCOL), 1 if loss.file else 0)
            return
        self._index = appended(self._index, (key[0], key[1], key[2], len(self._mem)))
        self._mem.append(loss)

    def add_pickled(self, key: tuple[int, int, int], data: bytes, filed: int) -> None:
        """An entry a ``--jobs`` worker pickled (``filed``: its ``file`` is set): into the spool as
        its bytes are; unpickled only where :meth:`add` needs the entry itself."""
        if key[0] == self.XWR or self._fh is None:
            self.add(key, pickle.loads(data))
            return
        self._spool(key, data, filed)

    def _spool(self, key: tuple[int, int, int], data: bytes, filed: int) -> None:
        """Only adding writes and nothing reads before ``into``: the spool's end is tracked."""
        assert self._fh is not None
        self._index = appended(self._index, (key[0], key[1], key[2], self._end))
        self._fh.write(data)
        self._end += len(data)
        self._filed.append(filed)

    def extend(self, pairs: Any) -> None:
        for key, loss in pairs:
            self.add(key, loss)

    def error(self, key: tuple[int, int, int], error: InputError) -> None:
        self._errors.append((key, len(self._errors), error))

    def _add_xwr(self, loss: Any) -> None:
        """One entry per kind and text; "N UTC value(s)…" entries add their N."""
        counted = _COUNT.match(loss.reason)
        key = (loss.kind, loss.field, loss.uid, counted.group(2) if counted else loss.reason, bool(counted))
        seen = self._xwr.get(key)
        if seen is None:
            self._xwr[key] = loss
        elif counted:
            total = int(_COUNT.match(seen.reason).group(1)) + int(counted.group(1))  # type: ignore[union-attr]
            self._xwr[key] = dataclasses.replace(seen, reason=f"{total} {counted.group(2)}")

    def into(self, report: Report, errors: list[InputError]) -> None:
        """Every entry into ``report`` and every error into ``errors``, sorted; a spooled entry
        as its pickled bytes (:func:`pickled_adder`: the ``--jobs`` parent does this alone after
        the last group)."""
        idx = self._index
        order = rows_in_order(idx, 4, 3)
        xwr = list(self._xwr.values())
        add = pickled_adder(report)
        fh = self._fh
        if fh is not None:
            fh.seek(0)
        at, last = 0, len(idx) // 4 - 1  # the spool's position: rows in arrival order are read without a seek
        for r in order:
            if xwr and idx[4 * r] > self.XWR:
                report.extend(xwr)
                xwr = []
            if fh is None:
                report.extend([self._mem[idx[4 * r + 3]]])
                continue
            start = idx[4 * r + 3]
            if start != at:
                fh.seek(start)
            at = idx[4 * r + 7] if r < last else self._end  # entries lie in arrival order
            add(fh.read(at - start), self._filed[r])
        report.extend(xwr)
        errors.extend(error for _key, _seq, error in sorted(self._errors, key=lambda t: (t[0], t[1])))
        if self._fh is not None:
            self._fh.close()
