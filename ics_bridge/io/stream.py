"""Streaming conversion of large files: one series at a time, bounded memory.

Why: a mailbox export can hold millions of events; :func:`ics_bridge.convert` parses the whole
calendar into icalendar objects first, so its memory grows with the file.  Here ICS input is
read twice at the line level and each *series* (the VEVENTs sharing a UID: a master and its
overrides) is parsed, normalised and mapped on its own, through the same code as the whole-file
path, and written out as it goes.  Graph and Google collections are read item by item
(:class:`JsonItems`) and converted group by group (:func:`_json_to_ics`).  docs/performance.md
has the figures and the design in prose.

How the output stays identical to :func:`ics_bridge.convert`:

* **Pass 1** (line splitter, no icalendar): the first VCALENDAR's properties (X-WR-TIMEZONE…),
  every VTIMEZONE block, for every TZID the years of the local values that use it (the zone
  resolution of :func:`timezones.normalize_calendar_zones` is a calendar-wide decision; see
  :meth:`_Zones.resolution`), and an index of VEVENT blocks: byte offset, length and UID group.
  Overrides far from their master are handled by this index, not by buffering events: a group
  is read back with ``seek`` when its turn comes, so RAM holds one UID's events.
* **Pass 2**: per UID, a small VCALENDAR (the calendar properties + the UID's VEVENTs) goes
  through the steps of :func:`ics_bridge.io.ics.parse_calendar` (``prepare_text``, the tolerant
  parser, the event checks numbered by file position, the duplicate check), every zoned value
  is rewritten with the resolution computed once, the producer quirks run, and the provider
  writer maps each series (:func:`series.group_series`: a second master of a UID is its own
  series), keyed by the file position of its first event so the output order is the
  whole-file order.  Items are spooled to a temporary file; the JSON envelope
  (Graph ``{"value": […]}``, Google's list with ``timeZone``/``defaultReminders`` which only the
  first master with default reminders decides) is written around them at the end, formatted
  byte for byte as ``Conversion.to_bytes`` does.

With ``jobs`` > 1 (``--jobs`` on one large file) pass 2 runs in a pool of worker processes:
batches of groups (raw VEVENT blocks, or decoded JSON items) go out, serialised items, report
entries and errors come back and are written in file order, at most 2 × jobs batches in flight
(:func:`_pool_map`); the output, entries and errors are those of one job.

What grows with the file: the block index (three machine integers per VEVENT) and one dict
entry per distinct UID (~100 bytes), plus the years used per TZID; the report's entries go to
a temporary file (:class:`SpooledEntries`).  Everything else is per UID group.

Known differences from the whole-file path, none in the output: report entries come series
by series (the X-WR-TIMEZONE repair is reported once per series with its own count); a UID hash
collision (64-bit, ~5e-8 at a million UIDs) would place two series together.  Inputs the line
splitter does not take (a bare VEVENT without VCALENDAR, unbalanced BEGIN/END, ICS to ICS) raise
:class:`StreamUnsupported`; :func:`convert_file` then falls back to the whole-file path.
"""

from __future__ import annotations

import codecs
import contextlib
import json
import os
import pickle
import re
import tempfile
from array import array
from collections import deque
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any, Callable, Iterator

from icalendar import Calendar

from .. import hub, timezones
from . import fastics, jsonio
from . import ics as ics_io
from ..errors import IcsBridgeError, InputError, OutputError
from ..interrupt import end_pool, ignore_in_worker
from ..limits import too_large, too_many_events
from ..options import Format, Options
from ..quirks import apply_read_quirks
from ..report import LossKind, Report

__all__ = ["StreamUnsupported", "StreamWorkerError", "StreamResult", "IcsIndex", "JsonItems", "SpooledEntries", "index_ics",
           "iter_series_calendars", "convert_file", "spooled_report"]


class StreamUnsupported(Exception):
    """This input or target is not handled by the streaming path (use the whole-file path)."""


@dataclass
class StreamResult:
    target: Format
    report: Report
    errors: list[InputError] = field(default_factory=list)
    items: int = 0
    streamed: bool = True


class SpooledEntries:
    """A list of report entries kept in a temporary file (pickled), so a streamed conversion's
    :class:`Report` does not grow in memory with the events: most events leave an entry (a
    SEQUENCE Graph cannot carry…), about 0.7 kB each.  Supports what :class:`Report` and its
    readers use: ``append``, ``len``, iteration, indexing and slicing (which load from disk)."""

    def __init__(self) -> None:
        self._fh = tempfile.TemporaryFile(mode="w+b")
        self._n = 0

    def append(self, loss: Any) -> None:
        self._fh.seek(0, os.SEEK_END)
        pickle.dump(loss, self._fh, protocol=pickle.HIGHEST_PROTOCOL)
        self._n += 1

    def __len__(self) -> int:
        return self._n

    def __iter__(self) -> Iterator[Any]:
        self._fh.flush()
        self._fh.seek(0)
        offset = 0
        for _ in range(self._n):
            self._fh.seek(offset)
            loss = pickle.load(self._fh)
            offset = self._fh.tell()
            yield loss  # the caller may append meanwhile: the next read seeks back

    def __getitem__(self, index: Any) -> Any:
        return list(self)[index]

    def __bool__(self) -> bool:
        return self._n > 0

    def __eq__(self, other: object) -> bool:
        return list(self) == list(other) if isinstance(other, (list, SpooledEntries)) else NotImplemented


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
    i, n = 0, len(line)
    in_q = False
    while i < n:
        c = line[i]
        if c == '"':
            in_q = not in_q
        elif not in_q and c in ";:":
            break
        i += 1
    name = line[:i].upper()
    params: dict[str, str] = {}
    while i < n and line[i] == ";":
        j = i + 1
        in_q = False
        while j < n:
            c = line[j]
            if c == '"':
                in_q = not in_q
            elif not in_q and c in ";:":
                break
            j += 1
        key, _, val = line[i + 1:j].partition("=")
        params[key.upper()] = val.strip('"')
        i = j
    return name, params, line[i + 1:] if i < n else ""


@dataclass
class IcsIndex:
    path: Path
    encoding: str = "utf-8"
    header: bytes = b""                       # the first VCALENDAR's property lines, raw
    vtimezone_blocks: list[bytes] = field(default_factory=list)
    tz_years: dict[str, set[int]] = field(default_factory=dict)   # TZID → years of its local values
    offsets: array = field(default_factory=lambda: array("q"))
    lengths: array = field(default_factory=lambda: array("q"))
    series: array = field(default_factory=lambda: array("q"))
    series_count: int = 0
    calendars: int = 0

    @property
    def events(self) -> int:
        return len(self.offsets)


def index_ics(path: str | os.PathLike[str], report: Report | None = None) -> IcsIndex:
    """Pass 1 over ``path`` (bytes, line by line)."""
    idx = IcsIndex(Path(path))
    uid_series: dict[int, int] = {}           # hash(UID) → series number
    stack: list[str] = []
    header = bytearray()
    pos = 0
    block_start = -1
    tz_start = -1
    cur_uid: str | None = None
    pending: list[bytes] = []                 # the raw physical lines of the current logical line
    pending_start = 0
    utf8_ok = True
    anon = 0

    def logical(raw_lines: list[bytes], start: int) -> None:
        nonlocal block_start, tz_start, cur_uid, anon
        raw = b"".join(raw_lines)
        text = raw.decode("utf-8", errors="replace") if utf8_ok else raw.decode("cp1252", errors="replace")
        line = "".join(part.rstrip("\r\n")[1:] if k else part.rstrip("\r\n")
                       for k, part in enumerate(text.splitlines(keepends=True)))
        if not line.strip():
            return
        head = line[:6].upper()
        if head == "BEGIN:":
            comp = line[6:].strip().upper()
            stack.append(comp)
            if comp == "VCALENDAR" and len(stack) == 1:
                idx.calendars += 1
            elif comp == "VEVENT" and len(stack) == 2:
                block_start, cur_uid = start, None
            elif len(stack) == 2:  # VTIMEZONE, VTODO, VJOURNAL, VFREEBUSY…
                tz_start = start
            elif len(stack) == 1:
                raise StreamUnsupported(f"top-level {comp} without VCALENDAR")
            return
        if line[:4].upper() == "END:":
            comp = line[4:].strip().upper()
            if not stack or stack[-1] != comp:
                raise StreamUnsupported(f"END:{comp} does not close {stack[-1] if stack else 'anything'}")
            stack.pop()
            end = start + len(raw)
            if comp == "VEVENT" and len(stack) == 1:
                if cur_uid is None:
                    key = hash(("\x00anon", anon))
                    anon += 1
                else:
                    key = hash(cur_uid)
                number = uid_series.get(key)
                if number is None:
                    number = uid_series[key] = idx.series_count
                    idx.series_count += 1
                idx.offsets.append(block_start)
                idx.lengths.append(end - block_start)
                idx.series.append(number)
            elif len(stack) == 1:
                with open(idx.path, "rb") as fh:
                    fh.seek(tz_start)
                    block = fh.read(end - tz_start)
                if comp == "VTIMEZONE":
                    idx.vtimezone_blocks.append(block)
                else:  # not converted, but a component icalendar cannot read fails the file as a whole
                    _parse(b"BEGIN:VCALENDAR\r\n" + block + b"END:VCALENDAR\r\n", "utf-8" if utf8_ok else "cp1252")
            return
        if len(stack) == 1:
            if idx.calendars == 1:
                header.extend(raw)
            return
        if "VTIMEZONE" in stack:
            return
        name, params, value = _name_and_params(line)
        if len(stack) == 2 and stack[1] == "VEVENT":
            if name == "UID":
                cur_uid = value
        if name in _TIME_PROPS and params.get("TZID"):
            years = idx.tz_years.setdefault(params["TZID"], set())
            years.update(int(v[:4]) for v in _LOCAL_RE.findall(value))

    with open(idx.path, "rb") as fh:
        first = fh.read(3)
        if first == b"\xef\xbb\xbf":
            pos = 3
        fh.seek(pos)
        for raw in fh:
            if utf8_ok:
                try:
                    raw.decode("utf-8")
                except UnicodeDecodeError:
                    utf8_ok = False  # the whole file is then read as Windows-1252, as ics.decode does
            if raw[:1] in (b" ", b"\t") and pending:
                pending.append(raw)
            else:
                if pending:
                    logical(pending, pending_start)
                pending, pending_start = [raw], pos
            pos += len(raw)
        if pending:
            logical(pending, pending_start)
    if stack:
        raise StreamUnsupported(f"unterminated {stack[-1]}")
    if idx.calendars == 0:
        raise StreamUnsupported("no VCALENDAR")
    if not utf8_ok:
        idx.encoding = "cp1252"
        # ics.decode reports the first bad byte; a second pass would be needed to name it
        if report is not None:
            report.add(LossKind.QUIRK_REPAIRED, "encoding", "not UTF-8; read as Windows-1252")
    if report is not None:
        for _ in range(idx.calendars - 1):
            report.add(LossKind.QUIRK_REPAIRED, "VCALENDAR", "several VCALENDARs in one file merged")
    idx.header = bytes(header)
    return idx


# ------------------------------------------------------------------------------------------------
# Pass 2: series by series through the reader pipeline
# ------------------------------------------------------------------------------------------------

def _parse(data: bytes, encoding: str) -> Calendar:
    """The reader's tolerant reading of one VCALENDAR, failing as :func:`ics_bridge.io.ics.parse_calendar` fails."""
    found = [c for c in ics_io.parse_components(data.decode(encoding, errors="replace")) if c.name == "VCALENDAR"]
    if not found:
        raise InputError("unreadable iCalendar: no VCALENDAR")
    return found[0]


class _Zones:
    """The calendar-wide TZID resolutions of ``normalize_calendar_zones``, computed lazily once."""

    def __init__(self, idx: IcsIndex, report: Report, options: Options) -> None:
        self.idx = idx
        self.resolutions: dict[str, Any] = {}
        data = b"BEGIN:VCALENDAR\r\n" + b"".join(idx.vtimezone_blocks) + b"END:VCALENDAR\r\n"
        text = ics_io.prepare_text(data.decode(idx.encoding, errors="replace"), report, options.limits)
        cal = next(c for c in ics_io.parse_components(text) if c.name == "VCALENDAR")
        ics_io.check_calendar(cal, report)  # VTIMEZONEs it cannot use are dropped and reported, once
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
            values = [datetime(y, 1, 1, 12) for y in sorted(self.idx.tz_years.get(tzid, ()))]
            if vtz is not None:
                by_name = timezones.resolve_name(tzid)
                named = by_name is not None and (by_name.iana == "UTC" or bool(by_name.iana) and
                                                 timezones._name_fits(vtz, by_name.iana, values))
                if not named:
                    values = self._values(tzid)
            res = self.resolutions[tzid] = timezones._resolve_tzid(tzid, vtz, values)
        return res

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
                    series_count=idx.series_count, calendars=idx.calendars)


class _GroupReader:
    """Pass 2's reading of one UID group: a small VCALENDAR through the whole-file reader's
    steps.  One per process: it holds the calendar-wide zone resolutions (:class:`_Zones`), so
    the pool's workers each build their own from the same pass-1 data and reach the same ones
    (``_resolve_tzid`` is deterministic; its result may hold a tzinfo built from a VTIMEZONE,
    which is why it is recomputed rather than pickled)."""

    def __init__(self, idx: IcsIndex, report: Report, options: Options) -> None:
        self.idx = idx
        self.options = options
        self.zones = _Zones(idx, report, options)
        self.head = b"BEGIN:VCALENDAR\r\n" + idx.header

    def calendar(self, blocks: list[int], data: bytes, report: Report, errors: list[InputError],
                 header: Report | None) -> tuple[Calendar | None, int]:
        """The group's hub calendar (None: nothing readable), and where in ``report`` the
        calendar-property entries belong (they go to ``header``; None drops them: the file's
        header is checked once, with its first readable group)."""
        text = ics_io.prepare_text((self.head + data + b"END:VCALENDAR\r\n").decode(self.idx.encoding, errors="replace"),
                                   report, self.options.limits)
        calendars = [c for c in ics_io.parse_components(text) if c.name == "VCALENDAR"]
        if not calendars:
            return None, len(report)
        cal = calendars[0]
        events = [c for c in cal.subcomponents if c.name == "VEVENT"]
        positions = blocks if len(events) == len(blocks) else list(range(blocks[0], blocks[0] + len(events)))
        POSITION.clear()
        POSITION.update({id(v): p for v, p in zip(events, positions)})
        found: list[InputError] = []
        # check_calendar, with the whole file's event numbers; calendar properties reported once
        mark = len(report)
        ics_io._clean_properties(cal, header if header is not None else Report(), None, "VCALENDAR;")
        for event in events:
            error = ics_io._check_event(event, report, POSITION[id(event)] + 1)
            if error is not None:
                cal.subcomponents.remove(event)
                found.append(error)
        ics_io._duplicates(cal, report)
        self.zones.normalize(cal, report)
        found += apply_read_quirks(cal, report, x_wr_timezone_policy=self.options.x_wr_timezone)
        errors.extend(found)
        return cal, mark


def iter_series_calendars(idx: IcsIndex, report: Report, options: Options = Options(),
                          errors: list[InputError] | None = None) -> Iterator[Calendar]:
    """One hub Calendar per UID (calendar properties + its VEVENTs), read, checked,
    zone-normalised and quirk-repaired as :func:`ics_bridge.io.ics.parse_calendar` does for the
    whole file.  Each VEVENT's position in the file is in :data:`POSITION` (``id(vevent)`` → block
    number): the whole-file checks number events by it, and the writers order series by it."""
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


POSITION: dict[int, int] = {}


def _series_of(cal: Calendar) -> list[tuple[int, list[Any]]]:
    """(file position of the series' first event, its VEVENTs) per series of ``cal``, as
    :func:`series.group_series` groups them (a second master with a UID is its own series)."""
    from .. import edge
    from ..series import group_series
    out = []
    vevents = list(cal.walk("VEVENT"))
    typed = edge.events_to_model(vevents)  # edge: until io/stream.py moves (issue 12)
    origin = edge.origins(typed, vevents)
    for series in group_series(typed):
        comps = [origin[id(e)] for e in series.events]
        out.append((min(POSITION.get(id(c), 0) for c in comps), comps))
    return out


def _sub_calendar(cal: Calendar, comps: list[Any]) -> Calendar:
    sub = Calendar()
    sub.update(cal)
    sub.subcomponents = list(comps)
    return sub


# ------------------------------------------------------------------------------------------------
# Output: JSON envelopes around spooled items
# ------------------------------------------------------------------------------------------------

class _JsonSpool:
    """Items written one by one to a temporary file under a sort key (the file position of
    their series; a series whose key is out of order, a second master of a UID, is moved to its
    place at the end); the envelope decided at the end.  Items arrive as their
    ``fastics.dumps`` text, so the pool's workers can do that part of the work."""

    def __init__(self) -> None:
        self.fh = tempfile.TemporaryFile(mode="w+b")
        self.count = 0
        self.first: str | None = None
        self.index: array = array("q")  # (key, seq, offset, length)
        self.size = 0

    def add(self, item: Any, key: int = 0) -> None:
        self.add_text(fastics.dumps(item), key)

    def add_text(self, text: str, key: int = 0) -> None:
        """An item as ``fastics.dumps(item)`` gives it."""
        data = text.replace("\n", "\n    ").encode("utf-8")
        self.index.extend((key, self.count, self.size, len(data)))
        self.fh.write(data)
        self.size += len(data)
        self.first = text if self.count == 0 else None
        self.count += 1

    def finish(self, out: IO[bytes], envelope: dict[str, Any], key: str) -> None:
        """``Conversion.to_bytes`` of ``items[0]`` (one item) or ``{**envelope, key: items}``."""
        if self.count == 1:
            assert self.first is not None
            out.write((self.first + "\n").encode("utf-8"))
        elif self.count == 0:
            out.write((json.dumps({**envelope, key: []}, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
        else:
            marker = "\x00ICSBRIDGE-ITEMS\x00"
            shell = json.dumps({**envelope, key: [marker]}, indent=2, ensure_ascii=False)
            prefix, suffix = shell.split(json.dumps(marker))
            out.write(prefix.encode("utf-8"))
            idx = self.index
            rows = range(len(idx) // 4)
            keys = [idx[4 * r] for r in rows]
            order = rows if all(a <= b for a, b in zip(keys, keys[1:])) else sorted(
                rows, key=lambda r: (idx[4 * r], idx[4 * r + 1]))
            first = True
            for r in order:
                if not first:
                    out.write(b",\n    ")
                first = False
                self.fh.seek(idx[4 * r + 2])
                out.write(self.fh.read(idx[4 * r + 3]))
            out.write((suffix + "\n").encode("utf-8"))
        self.fh.close()


# ------------------------------------------------------------------------------------------------
# ICS → JSON: the per-group conversion (in this process, or in a pool of workers with jobs > 1)
# ------------------------------------------------------------------------------------------------

@dataclass
class _Group:
    """What converting one UID group gives.  ``items``: (series key, item text) in write order;
    ``defaults``: Google ``defaultReminders`` per series that has them; ``parsed``: the group had
    a readable VCALENDAR (the first such checks the calendar properties); ``header``: those
    calendar-property entries, to insert at ``entries[mark]`` (workers only); ``entries`` and
    ``errors``: the group's report entries and skipped events (workers only; in process they go
    straight to the file's report and error list)."""

    items: list[tuple[int, str]] = field(default_factory=list)
    defaults: list[tuple[int, Any]] = field(default_factory=list)
    parsed: bool = False
    mark: int = 0
    header: list[Any] | None = None
    entries: list[Any] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)


@dataclass
class _IcsJob:
    """Everything a worker needs besides the groups' bytes, sent once per worker process."""

    idx: IcsIndex           # without its block index (:func:`_without_blocks`)
    to: Format
    options: Options
    file: str | None        # the report's file name, stamped on each entry as in process
    fast: bool


class _GroupConverter:
    """One UID group → its provider items (as JSON text), through :class:`_GroupReader` and the
    provider writer; the same code whether it runs in this process or in a worker."""

    def __init__(self, job: _IcsJob, report: Report) -> None:
        self.job = job
        self.reader = _GroupReader(job.idx, report, job.options)
        options = job.options
        if job.to == "graph":
            from ..providers.graph import from_ical as graph_out
            profile = "request" if options.profile in ("request", "insert") else "resource"
            self.writer: Any = graph_out
            self.wopts: Any = graph_out.GraphWriteOptions(profile=profile, zone_names=options.graph_zone_names,
                                                          default_zone=options.default_zone)
        else:
            from ..providers.google import from_ical as google_out
            profile = "insert" if options.profile in ("request", "insert") else options.profile
            self.writer = google_out
            self.wopts = google_out.GoogleWriteOptions(profile=profile, default_zone=options.default_zone,  # type: ignore[arg-type]
                                                       calendar_zone=options.calendar_zone)

    def convert(self, blocks: list[int], data: bytes, report: Report, errors: list[InputError],
                header: Report | None) -> _Group:
        cal, mark = self.reader.calendar(blocks, data, report, errors, header)
        group = _Group(parsed=cal is not None, mark=mark)
        if cal is None:
            return group
        if self.job.to == "graph":
            for key, comps in _series_of(cal):
                group.items.extend((key, fastics.dumps(item))
                                   for item in self.writer.calendar_to_events(comps, report, self.wopts))
            return group
        series = _series_of(cal)
        for key, comps in series:
            items, fields = self.writer.calendar_to_events(_sub_calendar(cal, comps) if len(series) > 1 else cal,
                                                           report, self.wopts)
            if "defaultReminders" in fields:
                group.defaults.append((key, fields["defaultReminders"]))
            group.items.extend((key, fastics.dumps(item)) for item in items)
        return group


def _fast(on: bool) -> Any:
    return fastics.patched() if on and fastics.SUPPORTED else contextlib.nullcontext()


def _groups_in_process(idx: IcsIndex, job: _IcsJob, report: Report, errors: list[InputError]) -> Iterator[_Group]:
    """jobs = 1: every group converted here, its entries and errors added as they happen."""
    converter = _GroupConverter(job, report)
    header_checked = False
    for blocks, data in _iter_groups(idx):
        group = converter.convert(blocks, data, report, errors, None if header_checked else report)
        header_checked = header_checked or group.parsed
        yield group


# -- the pool -------------------------------------------------------------------------------------

# A batch sent to a worker: up to this many UID groups, or this many bytes of their blocks (a
# few hundred series: large enough that pickling and scheduling cost little, small enough that
# the 2 × jobs batches in flight stay a few MB).
BATCH_GROUPS = 256
BATCH_BYTES = 4 << 20

_WORKER: Any = None   # this worker process's _GroupConverter or _JsonGroups


class StreamWorkerError(IcsBridgeError):
    """A worker process of a ``jobs > 1`` streamed conversion died (killed, out of memory…)."""


def _init_worker(job: "_IcsJob | _JsonJob") -> None:
    """Pool initializer: this process's converter.  For ICS it builds its own zone resolutions
    (the entries that makes were reported once by the parent, so they are dropped here)."""
    global _WORKER
    ignore_in_worker()
    with _fast(job.fast):
        _WORKER = _GroupConverter(job, Report(file=job.file)) if isinstance(job, _IcsJob) else _JsonGroups(job)


def _convert_batch(batch: list[tuple[list[int], bytes]]) -> list[_Group]:
    """In a worker: convert each UID group with its own report and error list, sent back with
    it.  The calendar-property entries are kept only up to the batch's first readable group:
    the file's first readable group is the first readable group of some batch."""
    assert isinstance(_WORKER, _GroupConverter), "worker not initialised"
    out: list[_Group] = []
    need_header = True
    with _fast(_WORKER.job.fast):
        for blocks, data in batch:
            report = Report(file=_WORKER.job.file)
            header = Report(file=_WORKER.job.file) if need_header else None
            errors: list[InputError] = []
            group = _WORKER.convert(blocks, data, report, errors, header)
            group.entries, group.errors = report.entries, errors
            if header is not None and group.parsed:
                group.header, need_header = header.entries, False
            out.append(group)
    return out


def _batched(groups: Iterator[Any], size_of: Any) -> Iterator[list[Any]]:
    """Groups in batches of :data:`BATCH_GROUPS` groups or :data:`BATCH_BYTES` bytes."""
    batch: list[Any] = []
    size = 0
    for group in groups:
        batch.append(group)
        size += size_of(group)
        if len(batch) >= BATCH_GROUPS or size >= BATCH_BYTES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _batches(idx: IcsIndex) -> Iterator[list[tuple[list[int], bytes]]]:
    return _batched(_iter_groups(idx), lambda group: len(group[1]))


# Where the batches of a ``jobs > 1`` conversion run when not in a local process pool: a
# function like :func:`_pool_map` (same batches, results in batch order).  Set by
# :mod:`ics_bridge.distributed` for ``--dask``; a context variable, so it holds for one call.
POOL_MAP: ContextVar[Callable[..., Iterator[list[Any]]] | None] = ContextVar("ics_bridge_pool_map", default=None)


def _pool_map(job: "_IcsJob | _JsonJob", work: Any, batches: Iterator[list[Any]], jobs: int) -> Iterator[list[Any]]:
    """``work(batch)`` for every batch in ``jobs`` worker processes, results in batch order, at
    most 2 × jobs batches in flight (submitted, running or done but not yet taken), so memory
    does not grow with the file.  A worker that dies raises :class:`StreamWorkerError`; any
    other exception from a worker is re-raised here as it would be raised in process."""
    other = POOL_MAP.get()
    if other is not None:  # another executor (ics_bridge.distributed: a Dask cluster)
        yield from other(job, work, batches, jobs)
        return
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool
    pending: deque[Any] = deque()
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(job,))
    try:
        while True:
            try:
                while len(pending) < 2 * jobs and (batch := next(batches, None)) is not None:
                    pending.append(pool.submit(work, batch))
                if not pending:
                    return
                results = pending.popleft().result()
            except BrokenProcessPool:
                raise StreamWorkerError("a worker process died during the conversion (killed, or out of "
                                        "memory?); run it again, or with one job") from None
            yield results
    finally:
        end_pool(pool, pending)


def _groups_in_pool(idx: IcsIndex, job: _IcsJob, report: Report, errors: list[InputError], jobs: int
                    ) -> Iterator[_Group]:
    """jobs > 1: batches of UID groups converted by ``jobs`` worker processes and taken back in
    file order, so the items, report entries and errors come out exactly as
    :func:`_groups_in_process` gives them."""
    _GroupReader(idx, report, job.options)  # the VTIMEZONE checks, reported once, before any group
    header_checked = False
    for groups in _pool_map(job, _convert_batch, _batches(idx), jobs):
        for group in groups:
            if group.header is not None and group.parsed and not header_checked:
                group.entries[group.mark:group.mark] = group.header
            header_checked = header_checked or group.parsed
            report.extend(group.entries)
            errors.extend(group.errors)
            group.entries, group.errors, group.header = [], [], None
            yield group


def _ics_to_json(idx: IcsIndex, to: Format, out: IO[bytes], report: Report, options: Options,
                 errors: list[InputError], jobs: int = 1, fast: bool = True) -> int:
    job = _IcsJob(_without_blocks(idx), to, options, report.file, fast)
    groups = (_groups_in_pool(idx, job, report, errors, jobs) if jobs > 1 and idx.series_count > 1
              else _groups_in_process(idx, job, report, errors))
    spool = _JsonSpool()
    if to == "graph":
        for group in groups:
            for key, text in group.items:
                spool.add_text(text, key)
        spool.finish(out, {}, "value")
        return spool.count
    from ..providers.google import from_ical as google_out
    profile = "insert" if options.profile in ("request", "insert") else options.profile
    wopts = google_out.GoogleWriteOptions(profile=profile, default_zone=options.default_zone,  # type: ignore[arg-type]
                                          calendar_zone=options.calendar_zone)
    envelope: dict[str, Any] = {"kind": "calendar#events"}
    head = Calendar.from_ical((b"BEGIN:VCALENDAR\r\n" + idx.header + b"END:VCALENDAR\r\n").decode(idx.encoding, errors="replace"))
    _, fields = google_out.calendar_to_events(head, Report(), wopts)
    calendar: dict[str, Any] = dict(fields)
    defaults: tuple[int, Any] | None = None
    for group in groups:
        for key, value in group.defaults:
            if defaults is None or key < defaults[0]:
                defaults = (key, value)
        for key, text in group.items:
            spool.add_text(text, key)
    if defaults is not None:
        calendar["defaultReminders"] = defaults[1]
    envelope.update(calendar)
    spool.finish(out, envelope, "items")
    return spool.count


# ------------------------------------------------------------------------------------------------
# JSON input: item by item
# ------------------------------------------------------------------------------------------------

_WS = " \t\r\n"


class JsonItems:
    """The resources of a JSON collection read one at a time, without loading the file.

    Takes the shapes :func:`ics_bridge.io.jsonio.items` takes except nesting: an object whose
    ``value`` (Graph) or ``items`` (Google) array holds the resources, or a bare array of
    resources.  Other shapes (one resource, JSON Lines, arrays of list pages) raise
    :class:`StreamUnsupported`.  Each item comes with its byte offset and length so a later
    pass can read it again with ``seek`` (:meth:`load`).  ``fields`` holds the top-level
    members other than the array (``timeZone``, ``@odata.context``…), complete after a full
    iteration.  A sliding ``json.JSONDecoder.raw_decode`` over 1 MiB chunks: no dependency."""

    CHUNK = 1 << 20

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fields: dict[str, Any] = {}
        self.array_keys: list[str] = []
        self.surrogates: list[int] = []  # lone surrogates replaced, per item (jsonio.report_surrogates)
        self._decoder = json.JSONDecoder()

    def __iter__(self) -> Iterator[tuple[int, int, Any]]:
        self.fields, self.array_keys = {}, []
        with open(self.path, "rb") as fh:
            reader = _Buffer(fh, self.CHUNK)
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
            yield offset, length, item

    def where(self, pos: int) -> str:
        """The item's place as :func:`ics_bridge.io.jsonio.entries` names it (``value[3]``)."""
        return f"{self.array_keys[-1] if self.array_keys else ''}[{pos}]"

    def load(self, offset: int, length: int, fh: IO[bytes]) -> Any:
        fh.seek(offset)
        data = fh.read(length)
        return jsonio.without_lone_surrogates(json.loads(data), data)


class _Buffer:
    """A str window over a UTF-8 byte stream that knows the byte offset of its start."""

    def __init__(self, fh: IO[bytes], chunk: int) -> None:
        self.fh = fh
        self.chunk = chunk
        self.text = ""
        self.pos = 0            # index into text
        self.base = 0           # byte offset of text[pos]
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.eof = False

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
        self.pos = 0
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
            item = jsonio.without_lone_surrogates(item, raw, surrogates)
            length = len(raw.encode("utf-8", "surrogatepass"))
            self.base += length
            self.pos = end
            if self.pos > self.chunk:  # drop what is consumed
                self.text = self.text[self.pos:]
                self.pos = 0
            return start_bytes, length, item


def _render_vevent(vevent: Any, style: str, fast: bool = True
                   ) -> tuple[bytes, dict[str, date], dict[str, str | None]] | None:
    """A VEVENT's text (TZIDs renamed for ``style``), and per TZID it uses the earliest date and
    the IANA zone to write a VTIMEZONE for: all :meth:`_IcsSpool.put` needs, so a worker process
    can do this part.  None: left out (no start), as ``ics_io.serialize`` does."""
    if ics_io.without_start(vevent):
        return None
    ics_io.prepare_event(vevent)
    holder = Calendar()
    holder.subcomponents.append(vevent)
    used = timezones._used_tzids(holder)
    zones = {tzid: timezones._iana_for_output(tzid, tz) for tzid, (_first, tz) in used.items()}
    if style == "windows":
        renames = {tzid: win for tzid, iana in zones.items()
                   if iana and (win := timezones.iana_to_windows(iana)) and win != tzid}
        timezones.rename_tzids(holder, renames)
        zones = {renames.get(tzid, tzid): iana for tzid, iana in zones.items()}
        used = {renames.get(tzid, tzid): value for tzid, value in used.items()}
    text = fastics.component_to_ical(vevent) if fast else vevent.to_ical()
    return text, {tzid: first for tzid, (first, _tz) in used.items()}, zones


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
        self.b_index: array = array("q")   # (key1, key2, offset, length) per record
        self.b_size = 0
        self.used: dict[str, date] = {}       # TZID → earliest date using it
        self.iana: dict[str, str | None] = {}
        self.count = 0

    def add(self, vevent: Any, key: tuple[int, int] | None = None) -> None:
        rendered = _render_vevent(vevent, self.style, self.fast)
        if rendered is not None:
            self.put(rendered, key)

    def put(self, rendered: tuple[bytes, dict[str, date], dict[str, str | None]],
            key: tuple[int, int] | None = None) -> None:
        """A rendered VEVENT into phase A (``key`` None) or phase B."""
        text, firsts, zones = rendered
        for tzid, first in firsts.items():
            seen = self.used.get(tzid)
            self.used[tzid] = min(first, seen) if seen else first
            self.iana[tzid] = zones[tzid]
        if key is None:
            self.a.write(text)
        else:
            self.b.write(text)
            self.b_index.extend((key[0], key[1], self.b_size, len(text)))
            self.b_size += len(text)
        self.count += 1

    def finish(self, out: IO[bytes], header: Calendar) -> None:
        text = header.to_ical()
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
        order = sorted(range(len(idx) // 4), key=lambda r: (idx[4 * r], idx[4 * r + 1]))
        for r in order:
            self.b.seek(idx[4 * r + 2])
            out.write(self.b.read(idx[4 * r + 3]))
        out.write(end)
        self.a.close()
        self.b.close()


def _match(produced: list[Any], expected: list[tuple[tuple[int, int], str | None]], id_prop: str
           ) -> list[tuple[int, int]]:
    """The key of each phase-B VEVENT a group produced.  All mapped: in order.  Some failed (and
    were reported): matched in order by the provider id each VEVENT carries."""
    if len(produced) == len(expected):
        return [key for key, _ident in expected]
    keys: list[tuple[int, int]] = []
    j = 0
    for v in produced:
        ident = str(v.get(id_prop)) if v.get(id_prop) is not None else None
        while j < len(expected) - 1 and ident is not None and expected[j][1] != ident:
            j += 1
        keys.append(expected[min(j, len(expected) - 1)][0])
        j += 1
    return keys


class _Items:
    """Pass-1 bookkeeping shared by the Graph and Google readers: byte ranges of every item and
    which items a group (a series master) takes along."""

    def __init__(self, path: Path) -> None:
        self.source = JsonItems(path)
        self.offsets: array = array("q")
        self.lengths: array = array("q")
        self.members: dict[int, list[int]] = {}   # master position → positions of its exceptions
        self.taken = bytearray()                  # 1: handled with its master; 2: written by no one

    def load(self, pos: int, fh: IO[bytes]) -> Any:
        return self.source.load(self.offsets[pos], self.lengths[pos], fh)


def _json_groups(its: "_Items", source: "JsonItems", path: Path) -> Iterator[tuple[int, list[int], int, list[Any]]]:
    """Pass 2's groups in the order of their head: (head position, member positions sorted,
    bytes, the decoded items), members read back with ``seek``."""
    with open(path, "rb") as fh:
        pos = -1
        for _offset, _length, raw in source:
            pos += 1
            if its.taken[pos]:  # with its master, or an occurrence its master's RRULE makes
                continue
            group = sorted([pos, *its.members.get(pos, [])])
            yield pos, group, sum(its.lengths[q] for q in group), [raw if q == pos else its.load(q, fh) for q in group]


@dataclass
class _JsonJob:
    """Everything a worker needs to convert any JSON group, sent once per worker process."""

    provider: str
    calendar: Any          # Google: the list's EventList (timeZone…); Graph: None
    options: Options
    file: str | None
    fast: bool
    array_key: str = ""    # "value", "items", "" (a bare array): names an item in errors


class _JsonGroups:
    """One JSON group (a head and the items that join it) → its rendered VEVENTs, keyed for
    :class:`_IcsSpool`; the same code in process and in a worker."""

    def __init__(self, job: _JsonJob) -> None:
        self.job = job
        if job.provider == "graph":
            from ..providers.graph import to_ical as provider_to_ical
            from ..providers.graph.reader import parse_event
            self.id_prop = hub.X_GRAPH_ID
        else:
            from ..providers.google import to_ical as provider_to_ical  # type: ignore[no-redef]
            from ..providers.google.reader import parse_event  # type: ignore[no-redef]
            self.id_prop = hub.X_GOOGLE_ID
        self.to_ical: Any = provider_to_ical
        self.parse = parse_event
        self.style = job.options.tzid_style

    def _calendar(self, events: list[Any], report: Report, errors: list[InputError]) -> Calendar:
        if self.job.provider == "graph":
            return self.to_ical.events_to_calendar(events, report, errors)
        group_report = Report(file=report.file)
        cal = self.to_ical.events_to_calendar(events, self.job.calendar, group_report, errors,
                                              calendar_zone=self.job.options.calendar_zone)
        # the calendar-level entry (unknown calendar zone) was reported once, with the header
        report.extend(x for x in group_report.entries if not (
            x.kind is LossKind.TIMEZONE_UNKNOWN and x.field == "timeZone" and x.uid is None))
        return cal

    def convert(self, pos: int, group: list[int], items: list[Any], report: Report, errors: list[InputError]
                ) -> list[tuple[tuple[int, int] | None, Any]]:
        """(phase-B key or None for phase A, :meth:`_IcsSpool.render` result) per VEVENT."""
        file = self.job.file
        events = []
        expected: list[tuple[tuple[int, int], str | None]] = []
        for q, item in zip(group, items):
            try:
                e = self.parse(item)
            except InputError as err:
                err = err.at(f"{self.job.array_key}[{q}]")
                errors.append(err.located(file) if file else err)
                continue
            events.append(e)
            if q != pos:
                expected.append(((q, 0), e.id))
            elif self.job.provider == "graph":
                expected.extend(((q, 1 + k), (x or {}).get("id") if isinstance(x, dict) else None)
                                for k, x in enumerate(e.exceptionOccurrences or []))
        expected.sort(key=lambda x: x[0])
        n_errors = len(errors)
        cal = self._calendar(events, report, errors)
        for k in range(n_errors, len(errors)):
            if file:
                errors[k] = errors[k].located(file)
        vevents = [c for c in cal.subcomponents if c.name == "VEVENT"]
        if self.job.provider == "graph":
            head_vevents, rest = (vevents[:1], vevents[1:]) if len(group) > 1 or expected else (vevents, [])
        else:
            head_vevents = [v for v in vevents if v.get("RECURRENCE-ID") is None]
            rest = [v for v in vevents if v.get("RECURRENCE-ID") is not None]
            if len(group) == 1 and not head_vevents:  # a lone instance: phase B at its place
                expected = [((pos, 0), None)] * len(rest)
        keyed: list[tuple[tuple[int, int] | None, Any]] = [(None, v) for v in head_vevents]
        keyed += zip(_match(rest, expected, self.id_prop), rest)
        out = []
        for key, v in keyed:
            rendered = _render_vevent(v, self.style, self.job.fast)
            if rendered is not None:
                out.append((key, rendered))
        return out


def _convert_json_batch(batch: list[tuple[int, list[int], int, list[Any]]]) -> list[Any]:
    """In a worker: each JSON group's rendered VEVENTs, report entries and errors."""
    assert isinstance(_WORKER, _JsonGroups), "worker not initialised"
    out = []
    with _fast(_WORKER.job.fast):
        for pos, group, _size, items in batch:
            report = Report(file=_WORKER.job.file)
            errors: list[InputError] = []
            rendered = _WORKER.convert(pos, group, items, report, errors)
            out.append((rendered, report.entries, errors))
    return out


def _json_to_ics(path: Path, out: IO[bytes], report: Report, errors: list[InputError], options: Options,
                 file: str | None, provider: str, jobs: int = 1, fast: bool = True) -> int:
    """Graph or Google JSON → ICS, series by series, through the provider's own
    ``events_to_calendar`` called on each group (a master and the exceptions, instances and
    cancellations that join it; or one lone item), so the mapping is the whole-file mapping.

    Pass 1 parses every item once and decides the groups the way the reader does: Graph joins
    an exception to the last master with its ``seriesMasterId`` (else, without one, to the last
    master with its UID) and drops an ``occurrence`` whose master is present; Google joins an
    instance or a cancelled instance to the last single with its ``recurringEventId``, else to
    the first with its ``iCalUID``.  Pass 2 converts group by group in the order of the group's
    head and writes the head's VEVENT at once (phase A) and its exceptions keyed by their input
    position (phase B, written sorted at the end), which is the whole-file order.  Memory: byte
    ranges per item, the ids of masters, the member lists; one group's events at a time."""
    from ..errors import InputError as _IE
    its = _Items(path)
    source = its.source
    refs: dict[int, tuple[str, str]] = {}
    by_id: dict[Any, int] = {}
    by_uid: dict[Any, int] = {}
    cand_pos: array = array("q")   # Google: singles, resolved to by_id/by_uid after pass 1
    cand_id: array = array("q")
    cand_uid: array = array("q")
    pos = -1
    calendar: Any = None  # Google: the list's EventList

    def take(offset: int, length: int, raw: Any) -> None:
        """Pass 1's bookkeeping of one item: the file's limits, then its byte range."""
        _check_count(len(its.offsets) + 1, options)
        if jsonio.too_deep(raw, options.limits.max_json_depth - (2 if source.array_keys else 1)):  # envelope
            raise _IE(f"JSON nested deeper than {options.limits.max_json_depth} levels (limit max_json_depth)")
        its.offsets.append(offset)
        its.lengths.append(length)
        its.taken.append(0)

    def bad_item(pos: int, raw: Any) -> None:
        """An item that is not an object: its error, in input order as the whole-file reader
        gives it, and no output (nothing joins it, pass 2 skips it)."""
        errors.append(jsonio.not_an_object(source.where(pos), raw).located(file) if file else
                      jsonio.not_an_object(source.where(pos), raw))
        its.taken[pos] = 2
    if provider == "graph":
        from ..providers.graph import to_ical as g
        from ..providers.graph.reader import parse_event as parse
        for offset, length, raw in source:
            pos += 1
            take(offset, length, raw)
            if not isinstance(raw, dict):
                bad_item(pos, raw)
                continue
            try:
                e = parse(raw)
            except _IE:
                continue
            if e.type == "seriesMaster" or e.exceptionOccurrences:
                if e.id:
                    by_id[e.id] = pos
                if e.uid or e.iCalUId:
                    by_uid[g._uid_for(e)] = pos
            if e.type in ("occurrence", "exception") and e.removed is None:
                if e.seriesMasterId:
                    refs[pos] = ("id", e.seriesMasterId)
                elif e.type == "exception" and (e.uid or e.iCalUId):
                    refs[pos] = ("uid", g._uid_for(e))
                if e.type == "occurrence" and pos in refs:
                    its.taken[pos] = 3  # dropped when its master is found
            elif (series_uid := g._first_of(e)) is not None:
                refs[pos] = ("uid", series_uid)  # a series' off-rule first instance joins its master
        header_cal = g.events_to_calendar([], report, errors)
    else:
        from pydantic import ValidationError

        from ..providers.google import to_ical as gt
        from ..providers.google.model import EventList
        from ..providers.google.reader import _LIST_KEYS
        from ..providers.google.reader import parse_event as parse
        for offset, length, raw in source:
            pos += 1
            take(offset, length, raw)
            if not isinstance(raw, dict):
                bad_item(pos, raw)
                continue
            if isinstance(raw.get("items"), list) or raw.get("kind") == "calendar#events":
                raise StreamUnsupported("an array of list pages")
            try:
                e = parse(raw)
            except _IE:
                continue
            if e.is_instance:
                refs[pos] = ("id", e.recurringEventId) if e.recurringEventId else ("uid", e.iCalUID or "")
            elif not (e.is_cancelled and e.start is None):
                # every single may be a master: kept as two 64-bit hashes, resolved after the pass
                cand_pos.append(pos)
                cand_id.append(hash(e.id) if e.id else 0)
                cand_uid.append(hash(gt._uid_of(e)[0]))
        if source.array_keys and source.array_keys[0] != "items":
            raise StreamUnsupported("Google payload with a value array")
        info = {key: source.fields[key] for key in _LIST_KEYS if key in source.fields}
        if not (source.array_keys or source.fields.get("kind") == "calendar#events"):
            info = {}
        try:
            calendar = EventList.model_validate({"kind": "calendar#events", **info})
        except ValidationError as exc:
            err = exc.errors()[0]
            raise _IE(err.get("msg", "invalid value"), field=".".join(str(p) for p in err.get("loc", ()))) from None
        header_cal = gt.events_to_calendar([], calendar, report, errors, calendar_zone=options.calendar_zone)
    jsonio.report_surrogates(source.surrogates, report)

    if provider == "google":  # only the singles some instance names: last by id, first by UID
        want_id = {hash(key) for kind, key in refs.values() if kind == "id"}
        want_uid = {hash(key) for kind, key in refs.values() if kind == "uid"}
        for k, head_pos in enumerate(cand_pos):
            if cand_id[k] and cand_id[k] in want_id:
                by_id[cand_id[k]] = head_pos
            if cand_uid[k] in want_uid and cand_uid[k] not in by_uid:
                by_uid[cand_uid[k]] = head_pos
        del cand_pos, cand_id, cand_uid
        refs = {member: (kind, hash(key)) for member, (kind, key) in refs.items()}
    for member, (kind, key) in refs.items():
        head = by_id.get(key) if kind == "id" else by_uid.get(key)
        if head is None:
            if its.taken[member] == 3:
                its.taken[member] = 0
            continue
        if its.taken[member] == 3:
            its.taken[member] = 2  # an occurrence whose master is present: nothing written
            continue
        its.members.setdefault(head, []).append(member)
        its.taken[member] = 1
    del refs, by_id, by_uid

    job = _JsonJob(provider, calendar, options, file, fast, source.array_keys[-1] if source.array_keys else "")
    spool = _IcsSpool(options.tzid_style)
    heads = _json_groups(its, source, path)
    if jobs > 1:
        for results in _pool_map(job, _convert_json_batch, _batched(heads, lambda g: g[2]), jobs):
            for rendered, entries, found in results:
                report.extend(entries)
                errors.extend(found)
                for key, item in rendered:
                    spool.put(item, key)
    else:
        converter = _JsonGroups(job)
        for pos, group, _size, items in heads:
            for key, item in converter.convert(pos, group, items, report, errors):
                spool.put(item, key)
    spool.finish(out, header_cal)
    return spool.count


# ------------------------------------------------------------------------------------------------
# Entry point
# ------------------------------------------------------------------------------------------------

def _sniff(path: Path) -> Format:
    """The format from the content, as :func:`ics_bridge.api.detect_format` decides it."""
    from ..io.jsonio import detect_json
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if head.lstrip(b"\xef\xbb\xbf \r\n\t")[:6].upper() == b"BEGIN:":
        return "ics"
    source = JsonItems(path)
    first: list[Any] = []
    for _offset, _length, item in source:
        first.append(item)
        break
    key = source.array_keys[-1] if source.array_keys else None
    found = detect_json({**source.fields, key: first} if key else first)
    if found is None:
        raise InputError("cannot tell whether this is Graph or Google JSON (use --from)")
    return found


def convert_file(src: str | os.PathLike[str], dst: str | os.PathLike[str] | IO[bytes], *, to: Format,
                 source: Format | None = None, options: Options = Options(), fallback: bool = True,
                 fast: bool = True, spool_report: bool = True, jobs: int = 1) -> StreamResult:
    """Convert the file ``src`` to ``to``, writing ``dst`` (a path or a binary file object).

    Streams when it can (ICS input to Graph or Google); otherwise, with ``fallback``, converts
    the whole file with :func:`ics_bridge.convert` (``streamed`` is then False).  The bytes written
    are those of ``convert(...).to_bytes(options)``.  ``fast`` reads and folds content lines with
    :mod:`ics_bridge.io.fastics` (same results, tested) while streaming.  ``spool_report`` keeps
    the report's entries in a temporary file (:class:`SpooledEntries`) rather than in memory.
    ``jobs`` > 1 converts the UID groups of an ICS input in that many worker processes (same
    bytes, same report entries in the same order; :func:`_groups_in_pool`); a worker that dies
    raises :class:`StreamWorkerError`."""
    src = Path(src)
    report = spooled_report(str(src)) if spool_report else Report(file=str(src))
    try:
        with _fast(fast):
            return _stream(src, dst, to, source, options, report, jobs, fast)
    except StreamUnsupported:
        if not fallback:
            raise
    from ..api import convert
    size = src.stat().st_size
    if size > options.max_bytes:  # this shape is read whole after all: the in-memory cap holds
        raise too_large(size, options.max_bytes, str(src))
    conv = convert(src.read_bytes(), to=to, source=source, options=options, file=str(src))
    _write_out(dst, lambda out: out.write(conv.to_bytes(options)))
    data = conv.data
    count = len(data.get("value") or data.get("items") or []) if isinstance(data, dict) and (
        "value" in data or "items" in data) else 1
    return StreamResult(target=to, report=conv.report, errors=conv.errors, items=count, streamed=False)


def _stream(src: Path, dst: Any, to: Format, source: Format | None, options: Options, report: Report,
            jobs: int = 1, fast: bool = True) -> StreamResult:
    if source is None:
        source = _sniff(src)
    if source == "graph" and to == "ics":
        errors: list[InputError] = []
        count = _write_out(dst, lambda out: _json_to_ics(src, out, report, errors, options, str(src), "graph", jobs,
                                                         fast))
        return StreamResult(target=to, report=report, errors=errors, items=count)
    if source == "google" and to == "ics":
        errors = []
        count = _write_out(dst, lambda out: _json_to_ics(src, out, report, errors, options, str(src), "google",
                                                         jobs, fast))
        return StreamResult(target=to, report=report, errors=errors, items=count)
    if source != "ics" or to == "ics":
        raise StreamUnsupported(f"{source} → {to} is not streamed")
    idx = index_ics(src, report)
    _check_count(idx.events, options)
    errors = []
    count = _write_out(dst, lambda out: _ics_to_json(idx, to, out, report, options, errors, jobs, fast))
    return StreamResult(target=to, report=report, errors=[e.located(str(src)) for e in errors], items=count)


def _check_count(events: int, options: Options) -> None:
    """``max_events`` holds for a streamed file as for a whole one (``io.ics``, ``io.jsonio``)."""
    if events > options.limits.max_events:
        raise too_many_events(options.limits.max_events)


def _write_out(dst: str | os.PathLike[str] | IO[bytes], produce: Callable[[IO[bytes]], int]) -> int:
    """``produce(file)`` into ``dst``.  A path to a regular file (or a new one in an existing
    folder) is written through a temporary file beside it and renamed into place only when the
    conversion finished, so a failure (a bad file, a dead worker) leaves no partial output; a
    symbolic link is written through, an existing file keeps its permissions, a device or FIFO
    is written where it is (``batch.atomic_write``).  Anything else
    (an open file, a path under ``/dev`` or ``/proc`` such as ``/dev/stdout``, a FIFO) is
    written directly, appending (a shell's ``>`` has truncated it already, ``>>`` must not)."""
    if not isinstance(dst, (str, os.PathLike)):
        return produce(dst)
    given = Path(dst)
    if given.parts[:2] in (("/", "dev"), ("/", "proc")):  # /dev/stdout, /dev/null, /proc/self/fd/1
        with open(given, "ab") as fh:  # appending: a `>>` redirect keeps what it holds
            return produce(fh)
    target = given.resolve()
    if target.is_dir():
        raise OutputError(f"{dst}: is a directory")
    if not target.parent.is_dir():
        raise OutputError(f"{dst}: no such folder {target.parent}")
    from ..batch import atomic_write  # lazily: batch loads the api, which stream workers need not
    mode = target.stat().st_mode & 0o7777 if target.exists() else None
    done: list[int] = []
    atomic_write(target, lambda fh: done.append(produce(fh)), force=True, mode=mode)
    return done[0]