"""Streaming conversion of large ``.ics`` files: one series at a time, bounded memory.

Why: a mailbox export can hold millions of events; :func:`ics_bridge.convert` parses the whole
calendar into icalendar objects first, so its memory grows with the file.  Here the file is
read twice at the line level and each *series* (the VEVENTs sharing a UID: a master and its
overrides) is parsed, normalised and mapped on its own, through the same code as the whole-file
path, and written out as it goes.

How the output stays identical to :func:`ics_bridge.convert`:

* **Pass 1** (line splitter, no icalendar): the first VCALENDAR's properties (X-WR-TIMEZONE…),
  every VTIMEZONE block, for every TZID the local values that use it (the zone resolution of
  :func:`timezones.normalize_calendar_zones` is a calendar-wide decision: a VTIMEZONE is matched
  against *all* values in its TZID), and an index of VEVENT blocks: byte offset, length and
  series number.  Overrides far from their master are handled by this index, not by buffering
  events: a series is read back with ``seek`` when its turn comes, so RAM holds one series.
  Series are numbered in first-seen order, a second master with the same UID starts its own
  series where it appears — exactly :func:`series.group_series`.
* **Pass 2**: per series, a small VCALENDAR (the calendar properties + the series' VEVENTs) is
  parsed by icalendar, every zoned value is rewritten with the resolution computed once from
  pass 1 (the same private steps ``normalize_calendar_zones`` runs), the producer quirks run, and
  the provider writer maps it.  Items are spooled to a temporary file; the JSON envelope
  (Graph ``{"value": […]}``, Google's list with ``timeZone``/``defaultReminders`` which only the
  first master with default reminders decides) is written around them at the end, formatted
  byte for byte as ``Conversion.to_bytes`` does.

What grows with the file: the block index (three machine integers per VEVENT) and one dict
entry per distinct UID (~100 bytes), plus the distinct local values per TZID that has a
VTIMEZONE.  Everything else is per series.

Known differences from the whole-file path, none in the output: report entries come series
by series (the X-WR-TIMEZONE repair is reported once per series with its own count); a UID hash
collision (64-bit, ~5e-8 at a million UIDs) would place two series together.  Inputs the line
splitter does not take (a bare VEVENT without VCALENDAR, unbalanced BEGIN/END, ICS output) raise
:class:`StreamUnsupported`; :func:`convert_file` then falls back to the whole-file path.
"""

from __future__ import annotations

import codecs
import io
import json
import os
import re
import tempfile
from array import array
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any, Iterator

from icalendar import Calendar

from .. import timezones
from ..errors import InputError
from ..options import Format, Options
from ..quirks import apply_read_quirks
from ..report import LossKind, Report

__all__ = ["StreamUnsupported", "StreamResult", "IcsIndex", "index_ics", "iter_series_calendars",
           "convert_file"]


class StreamUnsupported(Exception):
    """This input or target is not handled by the streaming path (use the whole-file path)."""


@dataclass
class StreamResult:
    target: Format
    report: Report
    errors: list[InputError] = field(default_factory=list)
    items: int = 0
    streamed: bool = True


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
    tz_values: dict[str, set[str]] = field(default_factory=dict)
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
    has_master: set[int] = set()              # series numbers that already have a master
    stack: list[str] = []
    header = bytearray()
    pos = 0
    block_start = -1
    tz_start = -1
    cur_uid: str | None = None
    cur_rid = False
    pending: list[bytes] = []                 # the raw physical lines of the current logical line
    pending_start = 0
    utf8_ok = True
    anon = 0

    def logical(raw_lines: list[bytes], start: int) -> None:
        nonlocal block_start, tz_start, cur_uid, cur_rid, anon
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
                block_start, cur_uid, cur_rid = start, None, False
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
                elif not cur_rid and number in has_master:  # a second master: its own series (group_series)
                    number = idx.series_count
                    idx.series_count += 1
                if not cur_rid:
                    has_master.add(number)
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
            elif name == "RECURRENCE-ID":
                cur_rid = True
        if name in _TIME_PROPS and params.get("TZID"):
            values = idx.tz_values.setdefault(params["TZID"], set())
            values.update(_LOCAL_RE.findall(value))

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
    """icalendar's reading of one VCALENDAR, failing as :func:`ics_bridge.io.ics.parse_calendar` fails."""
    try:
        return Calendar.from_ical(data.decode(encoding, errors="replace"))
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise InputError(f"unreadable iCalendar: {exc}") from None


class _Zones:
    """The calendar-wide TZID resolutions of ``normalize_calendar_zones``, computed lazily once."""

    def __init__(self, idx: IcsIndex) -> None:
        self.idx = idx
        self.resolutions: dict[str, Any] = {}
        cal = _parse(b"BEGIN:VCALENDAR\r\n" + b"".join(idx.vtimezone_blocks) + b"END:VCALENDAR\r\n", idx.encoding)
        self.vtzs = timezones._vtimezones(cal)

    def resolution(self, tzid: str) -> Any:
        res = self.resolutions.get(tzid)
        if res is None:
            raw = self.idx.tz_values.get(tzid, ())
            values = [datetime.strptime(v, "%Y%m%dT%H%M%S") for v in sorted(raw)]
            res = self.resolutions[tzid] = timezones._resolve_tzid(tzid, self.vtzs.get(tzid), values)
        return res

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


def iter_series_calendars(idx: IcsIndex, report: Report, options: Options = Options()) -> Iterator[Calendar]:
    """One hub Calendar per series (calendar properties + its VEVENTs), read, zone-normalised
    and quirk-repaired exactly as :func:`ics_bridge.io.ics.parse_calendar` does for the whole file."""
    zones = _Zones(idx)
    head = b"BEGIN:VCALENDAR\r\n" + idx.header
    with open(idx.path, "rb") as fh:
        for order, lo, hi in _series_runs(idx):
            parts = [head]
            for k in range(lo, hi):
                i = order[k]
                fh.seek(idx.offsets[i])
                parts.append(fh.read(idx.lengths[i]))
            parts.append(b"END:VCALENDAR\r\n")
            cal = _parse(b"".join(parts), idx.encoding)
            zones.normalize(cal, report)
            apply_read_quirks(cal, report, x_wr_timezone_policy=options.x_wr_timezone)
            yield cal


# ------------------------------------------------------------------------------------------------
# Output: JSON envelopes around spooled items
# ------------------------------------------------------------------------------------------------

class _JsonSpool:
    """Items written one by one to a temporary file; the envelope decided at the end."""

    def __init__(self) -> None:
        self.fh = tempfile.TemporaryFile(mode="w+b")
        self.count = 0
        self.first: dict[str, Any] | None = None

    def add(self, item: Any) -> None:
        text = json.dumps(item, indent=2, ensure_ascii=False).replace("\n", "\n    ")
        if self.count:
            self.fh.write(b",\n    ")
        self.fh.write(text.encode("utf-8"))
        if self.count == 0:
            self.first = item
        elif self.count == 1:
            self.first = None
        self.count += 1

    def finish(self, out: IO[bytes], envelope: dict[str, Any], key: str) -> None:
        """``Conversion.to_bytes`` of ``items[0]`` (one item) or ``{**envelope, key: items}``."""
        if self.count == 1:
            out.write((json.dumps(self.first, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
        elif self.count == 0:
            out.write((json.dumps({**envelope, key: []}, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
        else:
            marker = "\x00ICSBRIDGE-ITEMS\x00"
            shell = json.dumps({**envelope, key: [marker]}, indent=2, ensure_ascii=False)
            prefix, suffix = shell.split(json.dumps(marker))
            out.write(prefix.encode("utf-8"))
            self.fh.seek(0)
            while chunk := self.fh.read(1 << 20):
                out.write(chunk)
            out.write((suffix + "\n").encode("utf-8"))
        self.fh.close()


def _ics_to_json(idx: IcsIndex, to: Format, out: IO[bytes], report: Report, options: Options) -> int:
    spool = _JsonSpool()
    if to == "graph":
        from ..providers.graph import from_ical as graph_out
        profile = "request" if options.profile in ("request", "insert") else "resource"
        gopts = graph_out.GraphWriteOptions(profile=profile, zone_names=options.graph_zone_names,
                                            default_zone=options.default_zone)
        for cal in iter_series_calendars(idx, report, options):
            for item in graph_out.calendar_to_events(list(cal.walk("VEVENT")), report, gopts):
                spool.add(item)
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
    defaults = None
    for cal in iter_series_calendars(idx, report, options):
        items, fields = google_out.calendar_to_events(cal, report, wopts)
        if defaults is None and "defaultReminders" in fields:
            defaults = fields["defaultReminders"]
        for item in items:
            spool.add(item)
    if defaults is not None:
        calendar["defaultReminders"] = defaults
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
            while True:
                reader.skip_ws()
                c = reader.peek()
                if c == "}":
                    reader.take(1)
                    break
                if not first:
                    if c != ",":
                        raise StreamUnsupported("malformed object")
                    reader.take(1)
                    reader.skip_ws()
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
                    yield from self._array(reader)
                else:
                    self.fields[key] = reader.value(self._decoder)[2]
            reader.skip_ws()
            if reader.peek():
                raise StreamUnsupported("JSON Lines or data after the top-level object")
            if len(self.array_keys) != 1:
                raise StreamUnsupported("no single value/items array")

    def _array(self, reader: "_Buffer") -> Iterator[tuple[int, int, Any]]:
        first = True
        while True:
            reader.skip_ws()
            c = reader.peek()
            if c == "]":
                reader.take(1)
                return
            if not first:
                if c != ",":
                    raise StreamUnsupported("malformed array")
                reader.take(1)
                reader.skip_ws()
            first = False
            offset, length, item = reader.value(self._decoder)
            if isinstance(item, list):
                raise StreamUnsupported("nested arrays")
            yield offset, length, item

    def load(self, offset: int, length: int, fh: IO[bytes]) -> Any:
        fh.seek(offset)
        return json.loads(fh.read(length))


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

    def value(self, decoder: json.JSONDecoder) -> tuple[int, int, Any]:
        """raw_decode at the cursor, reading more until the value is complete."""
        while True:
            try:
                item, end = decoder.raw_decode(self.text, self.pos)
            except json.JSONDecodeError as exc:
                if self._more():
                    continue
                raise InputError(f"invalid JSON: {exc.msg}") from None
            # a number at the end of the buffer may continue in the next chunk
            if end == len(self.text) and not self.eof and self._more():
                continue
            start_bytes = self.base
            length = len(self.text[self.pos:end].encode("utf-8"))
            self.base += length
            self.pos = end
            if self.pos > self.chunk:  # drop what is consumed
                self.text = self.text[self.pos:]
                self.pos = 0
            return start_bytes, length, item


class _IcsSpool:
    """VEVENTs written as they are mapped; the VTIMEZONEs (one per TZID used, from the earliest
    date using it, as :func:`timezones.add_vtimezones` builds them) and the calendar header
    written around them at the end."""

    def __init__(self, tzid_style: str) -> None:
        if tzid_style not in ("iana", "windows"):
            raise ValueError(f"tzid_style must be 'iana' or 'windows', not {tzid_style!r}")
        self.style = tzid_style
        self.fh = tempfile.TemporaryFile(mode="w+b")
        self.used: dict[str, tuple[Any, Any]] = {}
        self.iana: dict[str, str | None] = {}
        self.count = 0

    def add(self, vevent: Any) -> None:
        holder = Calendar()
        holder.subcomponents.append(vevent)
        used = timezones._used_tzids(holder)
        zones = {tzid: timezones._iana_for_output(tzid, tz) for tzid, (_first, tz) in used.items()}
        if self.style == "windows":
            renames = {tzid: win for tzid, iana in zones.items()
                       if iana and (win := timezones.iana_to_windows(iana)) and win != tzid}
            timezones.rename_tzids(holder, renames)
            zones = {renames.get(tzid, tzid): iana for tzid, iana in zones.items()}
            used = {renames.get(tzid, tzid): value for tzid, value in used.items()}
        for tzid, (first, tz) in used.items():
            seen = self.used.get(tzid)
            self.used[tzid] = (min(first, seen[0]) if seen else first, (seen[1] if seen else None) or tz)
            self.iana[tzid] = zones[tzid]
        self.fh.write(vevent.to_ical())
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
            out.write(timezones.vtimezone(iana, tzid=tzid, start=self.used[tzid][0]).to_ical())
        self.fh.seek(0)
        while chunk := self.fh.read(1 << 20):
            out.write(chunk)
        out.write(end)
        self.fh.close()


def _graph_to_ics(path: Path, out: IO[bytes], report: Report, errors: list[InputError], options: Options,
                  file: str | None) -> int:
    """Graph JSON → ICS in three passes, the order of :func:`graph.to_ical.events_to_calendar`
    (singles and masters in input order, then exceptions).  Held in memory: the ids of series
    masters, the byte offset of each, and (start, zone, recurrenceTimeZone) per mapped master —
    never the events themselves; a master is read again (small LRU) when its exceptions come."""
    from functools import lru_cache

    from ..providers.graph import to_ical as g
    from ..providers.graph.model import Event
    from ..providers.graph.reader import parse_event

    def located(err: InputError) -> InputError:
        return err.located(file) if file else err

    source = JsonItems(path)
    masters: dict[str, tuple[int, int]] = {}
    for offset, length, raw in source:
        if not isinstance(raw, dict):
            raise InputError(f"{source.array_keys[-1] if source.array_keys else 'array'}[] entry is "
                             f"{type(raw).__name__}, not an object")
        try:
            e = parse_event(raw)
        except InputError:
            continue
        if e.id and (e.type == "seriesMaster" or e.exceptionOccurrences):
            masters[e.id] = (offset, length)

    spool = _IcsSpool(options.tzid_style)
    header = g.events_to_calendar([], report, errors)
    scratch = Calendar()

    def keep(mapper: Any) -> Any:
        try:
            return g._checked(mapper)
        except InputError as err:
            errors.append(located(err))
            return None

    master_info: dict[str, tuple[Any, Any, str | None]] = {}
    pending: array = array("q")  # (offset, length, inline index or -1) triples
    with open(path, "rb") as fh:
        for offset, length, raw in source:
            try:
                e = parse_event(raw)
            except InputError as err:
                errors.append(located(err))
                continue
            if e.removed is not None:
                g._removed(scratch, e, report)
                for v in scratch.subcomponents:
                    spool.add(v)
                scratch.subcomponents.clear()
                continue
            if e.type == "occurrence":
                if e.seriesMasterId in masters:
                    continue
                report.add(LossKind.MAPPING_CHOICE, "type", "occurrence without its series master converted as a single event",
                           uid=g._uid_for(e))
            if e.type == "exception" and e.seriesMasterId in masters:
                pending.extend((offset, length, -1))
                continue
            mapper = g._EventMapper(e, report)
            vevent = keep(mapper)
            if vevent is None:
                continue
            spool.add(vevent)
            if e.id in masters:
                rtz = e.recurrence.range.recurrenceTimeZone if e.recurrence else None
                master_info[e.id] = (mapper.start, mapper.zone, rtz)
            for k, _raw in enumerate(e.exceptionOccurrences or []):
                pending.extend((offset, length, k))

        @lru_cache(maxsize=256)
        def load(offset: int, length: int) -> Any:
            return parse_event(source.load(offset, length, fh))

        for n in range(0, len(pending), 3):
            offset, length, inline = pending[n], pending[n + 1], pending[n + 2]
            if inline >= 0:
                holder = load(offset, length)
                e = Event.model_validate({**holder.exceptionOccurrences[inline], "type": "exception",
                                          "seriesMasterId": holder.id})
            else:
                e = parse_event(source.load(offset, length, fh))
            where = masters.get(e.seriesMasterId or "")
            if where is None:
                continue
            master = load(*where)
            if master.id not in master_info:
                continue
            start, zone, rtz = master_info[master.id]
            mapper = g._EventMapper(e, report, master=master, master_zone=zone)
            vevent = keep(mapper)
            if vevent is None:
                continue
            try:
                g._override(mapper, start, rtz)
            except InputError as err:
                errors.append(located(err))
                continue
            if e.iCalUId and master.iCalUId and e.iCalUId != master.iCalUId:
                report.add(LossKind.MAPPING_CHOICE, "iCalUId", "exception's own iCalUId ignored; the master's UID groups the series",
                           uid=mapper.uid, before=e.iCalUId)
            spool.add(vevent)
    spool.finish(out, header)
    return spool.count


def _google_to_ics(path: Path, out: IO[bytes], report: Report, errors: list[InputError], options: Options,
                   file: str | None) -> int:
    """Google JSON → ICS in three passes, the order and the EXDATEs of
    :func:`google.to_ical.events_to_calendar`: singles and masters in input order (each with the
    EXDATEs of the cancelled instances that name it, applied before it is written), then the
    instances.  Held in memory: a 64-bit hash of the id and of the UID of every single (8 bytes
    each), the positions of the tombstones and, for the masters that instances name, (UID,
    start, zone, has RRULE).  Exactness caveat: when the series master named by an instance or
    a tombstone fails to map, the whole-file path falls back to another event with the same id
    or UID, this path does not (an error is reported either way)."""
    from ..providers.google import tables as gtables
    from ..providers.google import to_ical as gt
    from ..providers.google.model import EventList
    from ..providers.google.reader import _LIST_KEYS, parse_event
    from ..timezones import resolve_name
    from pydantic import ValidationError

    def located(err: InputError) -> InputError:
        return err.located(file) if file else err

    source = JsonItems(path)
    kinds = bytearray()                       # per item: 0 single, 1 instance, 2 tombstone, 3 unreadable
    single_pos: array = array("q")
    single_id: array = array("q")
    single_uid: array = array("q")
    tombs: list[tuple[int, int, int, str | None, str | None]] = []   # (pos, offset, length, rid key, uid key)
    inst_keys: set[tuple[str, str]] = set()
    pos = -1
    for offset, length, raw in source:
        pos += 1
        if not isinstance(raw, dict):
            raise InputError(f"items[] entry is {type(raw).__name__}, not an object", field="items")
        if isinstance(raw.get("items"), list) or raw.get("kind") == "calendar#events":
            raise StreamUnsupported("an array of list pages")
        try:
            e = parse_event(raw)
        except InputError:
            kinds.append(3)
            continue
        if e.is_cancelled and (e.is_instance or e.start is None):
            kinds.append(2)
            if e.is_instance:
                tombs.append((pos, offset, length, e.recurringEventId or None,
                              None if e.recurringEventId else (e.iCalUID or "")))
            else:
                tombs.append((pos, offset, length, None, None))
        elif e.is_instance:
            kinds.append(1)
            inst_keys.add(("id", e.recurringEventId) if e.recurringEventId else ("uid", e.iCalUID or ""))
        else:
            kinds.append(0)
            single_pos.append(pos)
            single_id.append(hash(e.id) if e.id else 0)
            single_uid.append(hash(gt._uid_of(e)[0]))
    if source.array_keys and source.array_keys[0] != "items":
        raise StreamUnsupported("Google payload with a value array")
    info = {key: source.fields[key] for key in _LIST_KEYS if key in source.fields}
    if not (source.array_keys or source.fields.get("kind") == "calendar#events"):
        info = {}
    try:
        calendar = EventList.model_validate({"kind": "calendar#events", **info})
    except ValidationError as exc:
        err = exc.errors()[0]
        raise InputError(err.get("msg", "invalid value"), field=".".join(str(p) for p in err.get("loc", ()))) from None

    def last_with(hashes: array, key: str) -> int | None:
        h = hash(key)
        found = None
        for k, value in enumerate(hashes):
            if value == h:
                found = single_pos[k]
        return found

    def first_with(hashes: array, key: str) -> int | None:
        h = hash(key)
        for k, value in enumerate(hashes):
            if value == h:
                return single_pos[k]
        return None

    # which single each tombstone and each instance key points at
    tomb_targets: dict[int, list[int]] = {}
    uid_tombs: set[int] = set()
    for t, (_pos, _o, _l, rid, uid) in enumerate(tombs):
        target = last_with(single_id, rid) if rid else first_with(single_uid, uid) if uid is not None else None
        if target is not None:
            tomb_targets.setdefault(target, []).append(t)
            if not rid:
                uid_tombs.add(t)
    key_target = {key: (last_with(single_id, key[1]) if key[0] == "id" else first_with(single_uid, key[1]))
                  for key in inst_keys}
    wanted = {p for p in key_target.values() if p is not None}
    del single_pos, single_id, single_uid

    spool = _IcsSpool(options.tzid_style)
    header = gt.events_to_calendar([], calendar, report, errors, calendar_zone=options.calendar_zone)
    ctx = gt.ReadContext(calendar=calendar, report=report, errors=errors)
    zone_name = calendar.timeZone or options.calendar_zone
    if zone_name:
        resolved = resolve_name(zone_name)
        if resolved is not None:
            ctx.calendar_zone, ctx.calendar_zone_name = resolved.tz, resolved.iana or zone_name

    def run(mapper: Any, rid: Any = None) -> Any:
        try:
            vevent = mapper.build()
            if rid is not None:
                vevent.add("RECURRENCE-ID", rid)
            return vevent
        except InputError as err:
            failure = err
        except (ValueError, TypeError, KeyError) as exc:
            failure = InputError(str(exc), uid=mapper.uid)
        errors.append(located(failure))
        return None

    masters: dict[int, Any] = {}
    done_tombs: set[int] = set()
    with open(path, "rb") as fh:
        pos = -1
        for offset, length, raw in source:          # pass 2: singles
            pos += 1
            kind = kinds[pos]
            if kind == 3:
                try:
                    parse_event(raw)
                except InputError as err:
                    errors.append(located(err))
                continue
            if kind != 0:
                continue
            e = parse_event(raw)
            uid, derived = gt._uid_of(e)
            mapper = gt._EventMapper(e, ctx, uid)
            if derived:
                report.add(LossKind.MAPPING_CHOICE, "iCalUID", "no iCalUID; UID derived from the id as Google does "
                           "(from summary and start when there is no id either)", uid=uid)
            vevent = run(mapper)
            if vevent is None:
                continue
            mapped = gt.Mapped(e, vevent, uid, mapper.start, mapper.zone)
            for t in tomb_targets.get(pos, ()):
                if t in uid_tombs and vevent.get("RRULE") is None:
                    continue
                tpos, toff, tlen, _rid, _uid = tombs[t]
                tomb = parse_event(source.load(toff, tlen, fh))
                assert tomb.originalStartTime is not None
                helper = gt._EventMapper(tomb, ctx, uid)
                rid = gt._rid_value(tomb.originalStartTime, mapped, helper)
                params = {gtables.PARAM_TOMBSTONE_ID: tomb.id} if tomb.id else {}
                vevent.add("EXDATE", [rid], parameters=params)
                if tomb.start is not None or tomb.summary:
                    report.add(LossKind.DROPPED, "status", "details of a cancelled instance not kept (EXDATE only)",
                               uid=uid, recurrence_id=rid.isoformat())
                done_tombs.add(t)
            if pos in wanted:
                masters[pos] = gt.Mapped(None, None, uid, mapper.start, mapper.zone)  # type: ignore[arg-type]
                masters[pos].exdates = [vevent.get("RRULE") is not None]
            spool.add(vevent)
        pos = -1
        for offset, length, raw in source:          # pass 3: instances
            pos += 1
            if kinds[pos] != 1:
                continue
            e = parse_event(raw)
            key = ("id", e.recurringEventId) if e.recurringEventId else ("uid", e.iCalUID or "")
            target = key_target.get(key)
            master = masters.get(target) if target is not None else None
            if master is not None and key[0] == "uid" and not master.exdates[0]:
                master = None
            uid = master.uid if master else gt._uid_of(e)[0]
            mapper = gt._EventMapper(e, ctx, uid)
            assert e.originalStartTime is not None
            try:
                rid = gt._rid_value(e.originalStartTime, master, mapper)
            except ValueError as exc:
                errors.append(located(InputError(str(exc), uid=uid, field="originalStartTime")))
                continue
            mapper.recurrence_id = rid.isoformat()
            if master is None:
                report.add(LossKind.MAPPING_CHOICE, "recurringEventId",
                           "instance without its master in the input; written as an override only", uid=uid,
                           recurrence_id=rid.isoformat())
            elif e.iCalUID and e.iCalUID != master.uid:
                report.add(LossKind.MAPPING_CHOICE, "iCalUID", "instance's own iCalUID ignored; the master's UID groups the series",
                           uid=uid, before=e.iCalUID)
            vevent = run(mapper, rid)
            if vevent is not None:
                spool.add(vevent)
        for t, (tpos, toff, tlen, rid_key, uid_key) in enumerate(tombs):
            if t in done_tombs:
                continue
            tomb = parse_event(source.load(toff, tlen, fh))
            where = "its master is not in the input" if tomb.is_instance else "a deleted event"
            report.add(LossKind.EVENT_REMOVED, "status", f"cancelled entry ({where}); nothing written",
                       uid=tomb.iCalUID or (f"{tomb.recurringEventId or tomb.id}@google.com"), before=tomb.id)
    spool.finish(out, header)
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
                 source: Format | None = None, options: Options = Options(), fallback: bool = True) -> StreamResult:
    """Convert the file ``src`` to ``to``, writing ``dst`` (a path or a binary file object).

    Streams when it can (ICS input to Graph or Google); otherwise, with ``fallback``, converts
    the whole file with :func:`ics_bridge.convert` (``streamed`` is then False).  The bytes written
    are those of ``convert(...).to_bytes(options)``."""
    src = Path(src)
    report = Report(file=str(src))
    try:
        if source is None:
            source = _sniff(src)
        if source == "graph" and to == "ics":
            errors: list[InputError] = []
            with _open_out(dst) as out:
                count = _graph_to_ics(src, out, report, errors, options, str(src))
            return StreamResult(target=to, report=report, errors=errors, items=count)
        if source == "google" and to == "ics":
            errors = []
            with _open_out(dst) as out:
                count = _google_to_ics(src, out, report, errors, options, str(src))
            return StreamResult(target=to, report=report, errors=errors, items=count)
        if source != "ics" or to == "ics":
            raise StreamUnsupported(f"{source} → {to} is not streamed")
        idx = index_ics(src, report)
        with _open_out(dst) as out:
            count = _ics_to_json(idx, to, out, report, options)
        return StreamResult(target=to, report=report, items=count)
    except StreamUnsupported:
        if not fallback:
            raise
    from ..api import convert
    conv = convert(src.read_bytes(), to=to, source=source, options=options, file=str(src))
    with _open_out(dst) as out:
        out.write(conv.to_bytes(options))
    data = conv.data
    count = len(data.get("value") or data.get("items") or []) if isinstance(data, dict) and (
        "value" in data or "items" in data) else 1
    return StreamResult(target=to, report=conv.report, errors=conv.errors, items=count, streamed=False)


class _open_out:
    def __init__(self, dst: str | os.PathLike[str] | IO[bytes]) -> None:
        self.dst = dst
        self.fh: IO[bytes] | None = None

    def __enter__(self) -> IO[bytes]:
        if isinstance(self.dst, (str, os.PathLike)):
            self.fh = open(self.dst, "wb")
            return self.fh
        return self.dst  # type: ignore[return-value]

    def __exit__(self, *exc: object) -> None:
        if self.fh is not None:
            self.fh.close()
