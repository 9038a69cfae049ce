"""The pipeline: read → hub → write, for a whole input in memory and for a file streamed series
by series, in this process or in worker processes (``jobs``).

Why one module: :mod:`ics_bridge.api`, :mod:`ics_bridge.batch` and :mod:`ics_bridge.validate`
all convert, and used to reach into each other (and :mod:`ics_bridge.io.stream` into the api
and the batch) to do it, through function-level imports that hid an import cycle.  Now they
all call this module, and imports point one way (``tests/test_import_graph.py`` holds it)::

    cli → api, batch, distributed, validate → pipeline → providers, quirks, series, io/*

:mod:`ics_bridge.io` reads and writes formats (the .ics line splitter, the JSON item reader,
the spools that write envelopes and VTIMEZONEs) and knows no provider; everything here that
names Graph or Google is the pipeline choosing a provider's mapper.

The hub is the typed model (:mod:`ics_bridge.model`, issue 12), chosen in two places only:
:func:`read_hub`/:func:`write_hub` (whole input) and :class:`_GroupConverter`/:class:`_JsonGroups`
(one series of a streamed file).  icalendar stays at the library edge (:attr:`Conversion.calendar`,
a caller's ``icalendar.Calendar``, written as given when the target is .ics); .ics → .ics is on
the typed hub too (:func:`_ics_to_ics_hub`: the file's layout kept by ``io/ics_layout``); the
streamed .ics reading of a UID group is on the typed model reader
(:class:`ics_bridge.io.stream._GroupReader`); ``docs/architecture.md`` lists why.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import itertools
import multiprocessing
import os
import pickle
import sys
from array import array
from collections import deque
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import IO, Any, Callable, Iterator

from icalendar import Calendar

from . import clock, hub, memo
from . import model as m
from .build import Mark
from .edge import calendar_from_model, calendar_to_model, without_lone_surrogates
from .errors import IcsBridgeError, InputError, OutputError
from .gcpause import gc_paused, paused_gc
from .interrupt import end_pool, ignore_in_worker, submitted
from .io import fastics, jsonio, second_offsets
from .io import ics as ics_io
from .io.files import atomic_write
from .io.ics_layout import in_file_order
from .io.ics_model import read_model
from .io.jsonio import check_value, loads
from .io.jsonio import decode as json_decode
from .io.model_reader import read_calendar
from .io.model_writer import EventWriter, write_calendar
from .io.stream import (IcsIndex, IndexPart, JsonItems, KeyedEntries, Read, SpooledEntries, StreamUnsupported,
                        _GroupReader, _IcsSpool, _Items, _iter_groups, _json_groups, _JsonSpool, _match,
                        _without_blocks, appended, array_item, index_ics, index_part, part_cuts,
                        render_event, spooled_report)
from .limits import too_large, too_many_events
from .options import Format, Options
from .providers.graph import from_ical as graph_out
from .report import LossKind, Report
from .thisandfuture import is_thisandfuture, split_series
from .vevent import report_duplicate_uids

__all__ = ["Conversion", "StreamResult", "StreamWorkerError", "POOL_MAP", "convert", "convert_file", "detect_format",
           "detect_json", "encode", "load_json", "read_hub", "write_hub"]


# ------------------------------------------------------------------------------------------------
# Whole input: in memory
# ------------------------------------------------------------------------------------------------

@dataclass
class Conversion:
    """A finished conversion: ``data`` is the written calendar (ics: the typed hub, or a library
    caller's own ``icalendar.Calendar`` when that was the input) or a JSON-ready value (graph, google); ``hub`` is the calendar it went
    through, and ``calendar`` that hub as an ``icalendar.Calendar``, built when asked (the
    library edge); ``report`` what was lost; ``errors`` the events or files that could not be
    read at all."""

    target: Format
    data: Any
    hub: m.Calendar | Calendar
    report: Report
    errors: list[InputError] = field(default_factory=list)
    _calendar: Calendar | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def calendar(self) -> Calendar:
        if self._calendar is None:
            hub = self.hub
            self._calendar = hub if isinstance(hub, Calendar) else calendar_from_model(hub)  # edge: the library edge
        return self._calendar

    def to_bytes(self, options: Options | None = None) -> bytes:
        """The output bytes.  A caller's ``icalendar.Calendar`` that UTF-8 cannot write (lone
        surrogates) is repaired here, once, and reported (``_caller_calendar``): only then, as a
        walk of every value beforehand cost a quarter of this conversion."""
        options = options or Options()
        if isinstance(self.data, Calendar):
            try:
                return ics_io.serialize(self.data, tzid_style=options.tzid_style)
            except UnicodeEncodeError:
                self.data = self.hub = _caller_calendar(self.data, self.report)
        return encode(self.data, options)

    @property
    def ok(self) -> bool:
        return not self.errors


def encode(data: Any, options: Options = Options()) -> bytes:
    """A calendar as .ics bytes (VTIMEZONEs added), anything else as indented UTF-8 JSON."""
    if isinstance(data, m.Calendar):
        return write_calendar(data, tzid_style=options.tzid_style)
    if isinstance(data, Calendar):
        try:
            return ics_io.serialize(data, tzid_style=options.tzid_style)
        except UnicodeEncodeError as exc:
            raise _unencodable(exc) from None
    return jsonio.dumps(data, newline=True)


def _as_text(data: bytes | str) -> str:
    return json_decode(data) if isinstance(data, bytes) else data  # InputError when not UTF-8


def detect_format(data: bytes | str | dict | list) -> Format:
    """ics, graph or google, from content, never from a file name."""
    if isinstance(data, (dict, list)):
        found = detect_json(data)
    else:
        head = (data[:4096].decode("utf-8", "replace") if isinstance(data, bytes) else data[:4096]).lstrip("\ufeff \r\n\t")
        if head[:15].upper().startswith("BEGIN:"):
            return "ics"
        found = detect_json(loads(_as_text(data)))
    if found is None:
        raise InputError("cannot tell whether this is Graph or Google JSON (use --from)")
    return found


def load_json(data: bytes | str, options: Options = Options(), *, file: str | None = None,
              report: Report | None = None) -> Any:
    """JSON or JSON Lines within the options' limits (nesting depth, number of events); repairs
    (lone surrogates) go to ``report``."""
    return loads(data, file=file, max_depth=options.limits.max_json_depth, max_events=options.limits.max_events,
                 report=report)


def _ics_options(options: Options) -> ics_io.IcsReadOptions:
    return ics_io.IcsReadOptions(x_wr_timezone=options.x_wr_timezone, max_bytes=options.max_bytes,
                                 limits=options.limits)


def sniff(data: Any, options: Options = Options(), *, file: str | None = None) -> tuple[Any, Format, Report | None]:
    """The format of an input whose format was not given, parsing JSON only once: (the input, or
    its parsed and checked JSON; its format; the report that parse wrote its repairs to — lone
    surrogates —, or None when nothing was parsed).  Hand all three to :func:`read_hub`."""
    if isinstance(data, Calendar):
        return data, "ics", None
    if isinstance(data, (bytes, str)):
        head = (data[:4096].decode("utf-8", "replace") if isinstance(data, bytes) else data[:4096]).lstrip("\ufeff \r\n\t")
        if head[:15].upper().startswith("BEGIN:"):
            return data, "ics", None
        if not head.strip():
            raise InputError("empty input", file=file)
        report = Report(file=file)
        payload = load_json(data, options, file=file, report=report)
        return payload, detect_format(payload), report
    return data, detect_format(data), None


def read_hub(data: Any, source: Format, options: Options = Options(), *, file: str | None = None,
             target: Format | None = None, parsed: Report | None = None
             ) -> tuple[m.Calendar | Calendar, Report, list[InputError]]:
    """Any input → the typed hub, its report and per-event errors.

    ``target="ics"`` with an .ics source keeps the file's layout (see :func:`_ics_to_ics_hub`);
    a library caller's ``icalendar.Calendar`` crosses the library edge.
    ``parsed``: ``data`` is JSON :func:`sniff` already parsed and checked, its repairs in this report."""
    report = parsed if parsed is not None else Report(file=file)
    errors: list[InputError] = []
    if source == "ics":
        if target == "ics":
            return _ics_to_ics_hub(data, report, options, errors, file)
        if isinstance(data, Calendar):
            return _caller_model(data, report), report, errors
        cal = read_model(data, report, _ics_options(options), errors)
        return cal, report, [e.located(file) if file else e for e in errors]
    if parsed is not None:
        payload = data
    elif isinstance(data, (bytes, str)):
        payload = load_json(data, options, file=file, report=report)
    else:  # a library caller's parsed JSON: the same limits and repairs as parsed text
        payload = check_value(data, file=file, max_depth=options.limits.max_json_depth,
                              max_events=options.limits.max_events, report=report)
    if source == "graph":
        from .providers.graph import to_ical as graph_in  # its pydantic models: for Graph JSON only
        from .providers.graph.reader import read_events as read_graph_events
        events = []
        for item in read_graph_events(payload):
            if isinstance(item, InputError):
                errors.append(item.located(file) if file else item)
            else:
                events.append(item)
        typed = graph_in.events_to_calendar(events, report, errors)
        return typed, report, [e.located(file) if file else e for e in errors]
    if source == "google":
        from .providers.google import api as google_api
        typed = google_api.read(payload, report, errors, options)
        return typed, report, [e.located(file) if file else e for e in errors]
    raise ValueError(f"unknown source format {source!r}")


def _ics_to_ics_hub(data: Any, report: Report, options: Options, errors: list[InputError], file: str | None
                    ) -> tuple[m.Calendar | Calendar, Report, list[InputError]]:
    """.ics → .ics: the typed reading (``read_model``, every repair and report of the .ics
    reader) with the file's layout (``io/ics_layout``: the events, other components and every
    VTIMEZONE where the file had them), so the copy keeps the file's order.  A library caller's
    ``icalendar.Calendar`` stays as given (the library edge) and is written by icalendar."""
    if isinstance(data, Calendar):
        return data, report, errors  # lone surrogates: repaired when written (Conversion.to_bytes)
    read_options = _ics_options(options)
    cal = in_file_order(read_model(data, report, read_options, errors), data, read_options)
    return cal, report, [e.located(file) if file else e for e in errors]


def _caller_calendar(cal: Calendar, report: Report) -> Calendar:
    """A library caller's ``icalendar.Calendar``, its lone UTF-16 surrogates replaced by U+FFFD in
    a copy (``edge.without_lone_surrogates``) and reported as the text input path reports them
    (``io/ics.decode``): UTF-8 cannot encode them, so no output could be written."""
    fixed, replaced = without_lone_surrogates(cal)
    if replaced:
        report.add(LossKind.INVALID_VALUE, "encoding", f"{replaced} lone UTF-16 surrogate(s) replaced by U+FFFD")
    return fixed


def _caller_model(cal: Calendar, report: Report) -> m.Calendar:
    """A library caller's ``icalendar.Calendar`` on the typed hub (the library edge); one that
    UTF-8 cannot write is repaired as :func:`_caller_calendar` repairs it (only then: the walk
    costs ~15 % of the crossing), and text it still cannot encode is an :class:`InputError`."""
    try:
        return calendar_to_model(cal)  # edge: the library edge
    except UnicodeEncodeError:
        pass
    try:
        return calendar_to_model(_caller_calendar(cal, report))
    except UnicodeEncodeError as exc:
        raise _unencodable(exc) from None


def _unencodable(exc: UnicodeEncodeError) -> InputError:
    """What a caller's calendar that UTF-8 cannot write is told (a lone surrogate where no value
    is, such as a property name), instead of the encoder's traceback."""
    return InputError(f"the calendar holds text UTF-8 cannot encode ({exc.reason}: "
                      f"{exc.object[exc.start:exc.end]!a} in {exc.object[:60]!a})")


def write_hub(cal: m.Calendar | Calendar, target: Format, report: Report, options: Options = Options()) -> Any:
    """The hub → the target's data (a calendar or a JSON-ready value)."""
    if target == "ics":
        if isinstance(cal, Calendar):  # the library edge: a caller's icalendar.Calendar
            ics_io.utc_for_second_offsets(cal, report)
            return cal
        if second_offsets.needed(cal):  # rare (local mean time)
            return second_offsets.utc_for_second_offsets(cal, report)
        return cal
    if isinstance(cal, Calendar):
        cal = _caller_model(cal, report)
    if target == "graph":
        profile = "request" if options.profile in ("request", "insert") else "resource"
        items = graph_out.calendar_to_events(cal, report, graph_out.GraphWriteOptions(
            profile=profile, zone_names=options.graph_zone_names, default_zone=options.default_zone))
        return items[0] if len(items) == 1 else {"value": items}
    if target == "google":
        from .providers.google import api as google_api
        return google_api.write(cal, report, options)
    raise ValueError(f"unknown target format {target!r}")


def convert(data: Any, *, to: Format, source: Format | None = None, options: Options = Options(),
            file: str | None = None) -> Conversion:
    """Convert one input (bytes, text, parsed JSON or an icalendar Calendar) to ``to``."""
    parsed = None
    with paused_gc():  # the whole conversion builds long-lived objects only (gcpause.py)
        try:
            if source is None:
                data, source, parsed = sniff(data, options, file=file)
            cal, report, errors = read_hub(data, source, options, file=file, target=to, parsed=parsed)
        except InputError as err:  # a whole-file error names the file too
            raise (err.located(file) if file else err) from None
        out = write_hub(cal, to, report, options)
    return Conversion(target=to, data=out, hub=cal, report=report, errors=errors)


def detect_json(data: Any) -> Format | None:
    """Graph or Google, from the shape of the first resource."""
    if isinstance(data, dict):
        kind = str(data.get("kind", ""))
        if kind.startswith("calendar#"):
            return "google"
        ctx = str(data.get("@odata.context", ""))
        if "graph.microsoft.com" in ctx or "outlook.office" in ctx:
            return "graph"
    try:
        first = next(jsonio.items(data), None)
    except InputError:
        return None
    if not first:
        return None
    keys = set(first)
    if keys & {"subject", "Subject", "isAllDay", "IsAllDay", "showAs", "ShowAs", "iCalUId", "@removed",
               "bodyPreview", "BodyPreview", "changeKey", "ChangeKey", "seriesMasterId", "StartTimeZone"}:
        return "graph"
    if keys & {"summary", "iCalUID", "htmlLink", "recurringEventId", "originalStartTime", "etag",
               "conferenceData", "hangoutLink", "transparency", "visibility", "colorId"}:
        return "google"
    if str(first.get("kind", "")).startswith("calendar#"):
        return "google"
    start = first.get("start")
    if isinstance(start, dict) and ("date" in start or isinstance(start.get("dateTime"), str) and "timeZone" not in start):
        return "google"
    if isinstance(start, dict) and "timeZone" in start and "dateTime" in start:
        # Graph and Google both use {dateTime, timeZone}; Graph's dateTime has no offset.
        text = str(start["dateTime"])
        return "google" if (text.endswith("Z") or "+" in text[10:] or text[10:].count("-")) else "graph"
    return None


# ------------------------------------------------------------------------------------------------
# Streamed: a file, series by series (bounded memory), optionally in worker processes
# ------------------------------------------------------------------------------------------------

@dataclass
class StreamResult:
    target: Format
    report: Report
    errors: list[InputError] = field(default_factory=list)
    items: int = 0
    streamed: bool = True



# ------------------------------------------------------------------------------------------------
# ICS → JSON: the per-group conversion (in this process, or in a pool of workers with jobs > 1)
# ------------------------------------------------------------------------------------------------

@dataclass
class _Group:
    """What converting one UID group, or a batch of them as one calendar (:func:`_converted`),
    gives.  ``items``: (series key, item as JSON bytes indented by :func:`.stream.array_item`) in write order;
    ``defaults``: Google ``defaultReminders`` per series that has them; ``parsed``: the group had
    a readable VCALENDAR (the first such checks the calendar properties); ``header``: those
    calendar-property entries, to insert at ``entries[mark]`` (workers only); ``entries`` and
    ``errors``: the group's report entries and skipped events (workers only; in process they go
    straight to the file's report and error list); a worker sends ``entries`` pickled, with
    ``filed`` set (:func:`_pickle_entries`)."""

    items: list[tuple[int, bytes]] = field(default_factory=list)
    defaults: list[tuple[int, Any]] = field(default_factory=list)
    parsed: bool = False
    mark: int = 0
    header: list[Any] | None = None
    entries: list[Any] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    keys: list[Any] = field(default_factory=list)        # per entry: its place in the whole-file report
    error_keys: list[Any] = field(default_factory=list)  # per error: the same
    filed: bytes | None = None  # entries pickled (:func:`_pickle_entries`): per entry, its ``file`` is set


@dataclass
class _IcsJob:
    """Everything a worker needs besides the groups' bytes, sent once per worker process."""

    idx: IcsIndex           # without its block index (:func:`_without_blocks`)
    to: Format
    options: Options
    file: str | None        # the report's file name, stamped on each entry as in process
    fast: bool


class _GroupConverter:
    """A UID group, or a batch of them read together, → its provider items (as JSON text),
    through :class:`_GroupReader` and the provider writer; the same code whether it runs in
    this process or in a worker."""

    def __init__(self, job: _IcsJob) -> None:
        self.job = job
        self.reader = _GroupReader(job.idx, None, job.options)  # its entries: reader.notes
        options = job.options
        if job.to == "graph":
            from .providers.graph import from_ical as graph_out
            profile = "request" if options.profile in ("request", "insert") else "resource"
            self.writer: Any = graph_out
            self.wopts: Any = graph_out.GraphWriteOptions(profile=profile, zone_names=options.graph_zone_names,
                                                          default_zone=options.default_zone)
        else:
            from .providers.google import from_ical as google_out
            profile = "insert" if options.profile in ("request", "insert") else options.profile
            self.writer = google_out
            self.wopts = google_out.GoogleWriteOptions(profile=profile, default_zone=options.default_zone,  # type: ignore[arg-type]
                                                       calendar_zone=options.calendar_zone)

    def convert(self, blocks: list[int], data: bytes, report: Report, errors: list[InputError],
                header: Report | None, read: Read | None = None) -> _Group:
        """One group (or a batch, ``read`` together); ``report`` and ``errors`` are the group's
        own (empty), ``header`` gets the calendar-property entries (None: they are not needed,
        the file's header is checked already — the same lines for every group, ~25 % of a
        group's time); the group's ``keys`` and ``error_keys`` place each entry and error in the
        whole-file report (:class:`KeyedEntries`)."""
        group = _Group()
        cal, group.mark = self.reader.calendar(blocks, data, report, errors, header, group.keys, group.error_keys,
                                               read)
        group.parsed = cal is not None
        if cal is None:
            return group
        typed = cal
        keyed = [(min(e.position or 0 for e in s.events), s) for s in typed.series]
        if len(keyed) > 1:  # a UID's second master needs a second series (most groups have one)
            _duplicate_uids(keyed, typed.series, report, group.keys)
        if self.job.to == "graph":
            for key, series in keyed:
                split = _split_entries(series)
                group.items.extend((key, array_item(jsonio.dumps(item)))
                                   for item in self.writer.calendar_to_events((series,), report, self.wopts))
                _writer_keys(group.keys, len(report), key, split)
            return group
        for key, series in keyed:
            one = dataclasses.replace(typed, series=(series,)) if len(keyed) > 1 else typed
            split = _split_entries(series)
            items, fields = self.writer.calendar_to_events(one, report, self.wopts)
            _writer_keys(group.keys, len(report), key, split)
            if "defaultReminders" in fields:
                group.defaults.append((key, fields["defaultReminders"]))
            group.items.extend((key, array_item(jsonio.dumps(item))) for item in items)
        return group


def _duplicate_uids(keyed: list[tuple[int, m.Series]], series: tuple[m.Series, ...], report: Report,
                    keys: list[Any]) -> None:
    """The writers report a UID's second master when they see both: given the whole group,
    with a key (phase 13, the later master's place) per entry, one per later master of a UID."""
    report_duplicate_uids(series, report)
    seen: set[str] = set()
    for key, one in keyed:
        if one.master is not None and one.uid:
            if one.uid in seen:
                keys.append((13, key, 0))
            seen.add(one.uid)
    assert len(keys) == len(report), "report_duplicate_uids reported other than expected"


def _split_entries(series: m.Series) -> int:
    """How many entries the writers' RANGE=THISANDFUTURE split (:func:`split_series`, their
    first step per series) makes for ``series``: the whole-file writer makes every series' split
    entries before it writes any series, so they have a phase of their own."""
    if not any(is_thisandfuture(o) for o in series.overrides):
        return 0
    probe = Report()
    split_series(series, probe)
    return len(probe)


def _writer_keys(keys: list[Any], total: int, key: int, split: int) -> None:
    """Keys for the entries the writer just made for the series at ``key``: its ``split``
    entries first (phase 14), then the mapping's (phase 15)."""
    new = total - len(keys)
    keys.extend([(14, key, 0)] * min(split, new) + [(15, key, 0)] * max(new - split, 0))


def _fast(on: bool) -> Any:
    return fastics.patched() if on and fastics.SUPPORTED else contextlib.nullcontext()


# A streamed conversion's memos hold a few batches' worth of repeated values (:func:`memo.capped`).
STREAM_MEMO_ENTRIES = 4096


@contextlib.contextmanager
def _streaming(fast: bool) -> Iterator[None]:
    """The streamed path's set-up, in the parent and in each worker batch: fast content lines
    (:func:`_fast`) and every memo bounded, so memory stays flat however long the file."""
    with _fast(fast), memo.capped(STREAM_MEMO_ENTRIES):
        yield


def _convert_group(converter: _GroupConverter, blocks: list[int], data: bytes, need_header: bool,
                   read: Read | None = None) -> _Group:
    """One group with its own report and error list, kept on the group with their keys; the
    calendar-property entries in ``header`` when ``need_header`` and the group was readable;
    ``read``: the groups of ``blocks`` as :meth:`_GroupReader.together` read them (``data`` unused)."""
    file = converter.job.file
    report, header, errors = Report(file=file), Report(file=file), []
    group = converter.convert(blocks, data, report, errors, header if need_header else None, read)
    group.entries, group.errors = report.entries, errors
    if need_header and group.parsed:
        group.header = header.entries
    return group


def _converted(converter: _GroupConverter, batch: list[tuple[list[int], bytes]], need_header: bool
               ) -> Iterator[_Group]:
    """A batch of UID groups converted as one calendar when :meth:`_GroupReader.together` reads
    them soundly, else group by group.  Why: a group's own calendar, checks, quirks and keys cost
    more than its events on a file of one-event series (10k events to Graph in one process:
    4.4 → 2.8 CPU s); each entry is keyed by its event, its series or the batch's first block,
    and the batch's series are in group order, so the entries sort into the whole-file order."""
    read = converter.reader.together(batch)
    if read is not None:
        blocks = [b for group_blocks, _data in batch for b in group_blocks]
        yield _convert_group(converter, blocks, b"", need_header, read)
        return
    for blocks, data in batch:
        group = _convert_group(converter, blocks, data, need_header)
        need_header = need_header and not group.parsed
        yield group


def _groups_in_process(idx: IcsIndex, job: _IcsJob, keyed: KeyedEntries) -> Iterator[_Group]:
    """jobs = 1: every group converted here, its entries and errors keyed as they come."""
    converter = _GroupConverter(job)
    keyed.extend(converter.reader.notes)
    header_checked = False
    for batch in _batches(idx):
        with paused_gc():  # as the whole-file reading: the batch's objects are freed by reference counting
            for group in _converted(converter, batch, not header_checked):
                header_checked = header_checked or group.parsed
                _take(group, keyed)
                yield group


def _take(group: _Group, keyed: KeyedEntries) -> None:
    """A converted group's entries and errors into ``keyed`` (the header's at their phase)."""
    if group.header is not None:
        keyed.extend(((2, 0, 0), loss) for loss in group.header)
    if group.filed is None:
        keyed.extend(zip(group.keys, group.entries))
    else:
        for key, data, filed in zip(group.keys, group.entries, group.filed):
            keyed.add_pickled(key, data, filed)
    for key, error in zip(group.error_keys, group.errors):
        keyed.error(key, error)
    group.entries, group.errors, group.header, group.keys, group.error_keys, group.filed = [], [], None, [], [], None


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
        _WORKER = _GroupConverter(job) if isinstance(job, _IcsJob) else _JsonGroups(job)


def _pool_worker(job: "_IcsJob | _JsonJob") -> None:
    """A local pool process's initializer: :func:`_init_worker`, then everything alive frozen,
    as :func:`ics_bridge.interrupt.started_worker` does (the parent's objects and the
    converter are never garbage; a full collection walking them cost each Graph→ICS worker
    ~0.05 CPU s).  Not for a Dask worker (:mod:`ics_bridge.distributed`), a long-lived process
    that may run in the caller's own: it calls :func:`_init_worker`."""
    _init_worker(job)
    gc.freeze()


def _convert_batch(batch: list[tuple[list[int], bytes]]) -> list[_Group]:
    """In a worker: convert each UID group with its own report and error list, sent back with
    it.  The calendar-property entries are kept only up to the batch's first readable group:
    the file's first readable group is the first readable group of some batch."""
    assert isinstance(_WORKER, _GroupConverter), "worker not initialised"
    out: list[_Group] = []
    need_header = True
    with _streaming(_WORKER.job.fast), paused_gc():
        for group in _converted(_WORKER, batch, need_header):
            need_header = need_header and not group.parsed
            _pickle_entries(group)
            out.append(group)
    return out


def _pickle_entries(group: _Group) -> None:
    """A worker's group entries as their pickled bytes: the parent copies them into its spool
    (:meth:`KeyedEntries.add_pickled`) where it would unpickle each result's entries and pickle
    them again (~0.4 CPU s of the ``--jobs 2`` parent's ~1.1 on 10k events, its serial part)."""
    group.entries, group.filed = _pickled(group.entries)


def _pickled(entries: list[Any]) -> tuple[list[bytes], bytes]:
    """Report entries as their pickled bytes, and per entry whether its ``file`` is set."""
    return ([pickle.dumps(loss, protocol=pickle.HIGHEST_PROTOCOL) for loss in entries],
            bytes(1 if loss.file else 0 for loss in entries))


def _pool_pays(jobs: int, groups: int, size: int) -> bool:
    """Whether a file's ``groups`` (UID groups, or JSON heads) of ``size`` bytes in all go to a
    pool of ``jobs`` worker processes: only when they make more than one batch
    (:func:`_batched`).  One batch runs in one worker anyway, and starting the pool costs more
    than the file (a 50-event file streamed with ``--jobs 2``: ~0.2 s where it converts in
    ~0.05; ``--stream-from 0`` streams every input, however small)."""
    return jobs > 1 and (groups > BATCH_GROUPS or size > BATCH_BYTES)


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
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_pool_worker, initargs=(job,))
    try:
        while True:
            try:
                while len(pending) < 2 * jobs and (batch := next(batches, None)) is not None:
                    pending.append(submitted(pool, work, batch))
                if not pending:
                    return
                results = pending.popleft().result()
            except BrokenProcessPool:
                raise StreamWorkerError("a worker process died during the conversion (killed, or out of "
                                        "memory?); run it again, or with one job") from None
            yield results
    finally:
        end_pool(pool, pending)


def _groups_in_pool(idx: IcsIndex, job: _IcsJob, keyed: KeyedEntries, jobs: int) -> Iterator[_Group]:
    """jobs > 1: batches of UID groups converted by ``jobs`` worker processes and taken back in
    file order, so the items, report entries and errors come out exactly as
    :func:`_groups_in_process` gives them."""
    keyed.extend(_GroupReader(idx, None, job.options).notes)  # the VTIMEZONE checks, reported once
    header_checked = False
    for groups in _pool_map(job, _convert_batch, _batches(idx), jobs):
        for group in groups:
            if header_checked:
                group.header = None
            header_checked = header_checked or group.parsed
            _take(group, keyed)
            yield group


def _ics_to_json(idx: IcsIndex, to: Format, out: IO[bytes], report: Report, options: Options,
                 errors: list[InputError], jobs: int = 1, fast: bool = True) -> int:
    job = _IcsJob(_without_blocks(idx), to, options, report.file, fast)
    keyed = KeyedEntries(spool=isinstance(report.entries, SpooledEntries))
    keyed.extend(idx.notes)
    groups = (_groups_in_pool(idx, job, keyed, jobs) if _pool_pays(jobs, idx.series_count, sum(idx.lengths))
              else _groups_in_process(idx, job, keyed))
    spool = _JsonSpool()
    if to == "graph":
        for group in groups:
            spool.add_items(group.items)
        spool.finish(out, {}, "value")
        keyed.into(report, errors)
        return spool.count
    from .providers.google import from_ical as google_out
    profile = "insert" if options.profile in ("request", "insert") else options.profile
    wopts = google_out.GoogleWriteOptions(profile=profile, default_zone=options.default_zone,  # type: ignore[arg-type]
                                          calendar_zone=options.calendar_zone)
    envelope: dict[str, Any] = {"kind": "calendar#events"}
    head = read_calendar((b"BEGIN:VCALENDAR\r\n" + idx.header + b"END:VCALENDAR\r\n").decode(idx.encoding, errors="replace"))
    _, fields = google_out.calendar_to_events(head, Report(), wopts)
    calendar: dict[str, Any] = dict(fields)
    defaults: tuple[int, Any] | None = None
    for group in groups:
        for key, value in group.defaults:
            if defaults is None or key < defaults[0]:
                defaults = (key, value)
        spool.add_items(group.items)
    if defaults is not None:
        calendar["defaultReminders"] = defaults[1]
    envelope.update(calendar)
    spool.finish(out, envelope, "items")
    keyed.into(report, errors)
    return spool.count


# pass 1 checked the file's limits on every item: pass 2 reads an item with none of its own
_NO_LIMIT = 1 << 62


def _read_item(parse: Callable[[Any], Any], data: bytes) -> Any:
    """An item's JSON text into the provider's model as the whole-file path reads it: parsed
    as :func:`jsonio.loads` parses bytes (orjson where its value is ``json``'s, else ``json``;
    a surrogate escape repaired, counted by pass 1), then ``parse``, the reader's
    ``parse_event`` (the ``fastwire`` stand-ins for the common shape, else pydantic, whose error
    names the event and the field).  Pass 1 read every item and checked the file's limits on
    it, so the limits are not checked again (``loads`` would count the depth a second time:
    as much CPU as orjson's parse)."""
    value = jsonio.parse_bytes(data)
    if value is jsonio.NOT_PARSED:  # orjson refuses a lone surrogate: ``loads`` repairs it
        return parse(jsonio.loads(data, max_depth=_NO_LIMIT, max_events=_NO_LIMIT))
    return parse(value)


def _reads(parse: Callable[[Any], Any], data: bytes) -> bool:
    """Whether :func:`_read_item` reads the item (pass 1 of a Google file: a single some
    instance names, known so far from its JSON alone)."""
    try:
        _read_item(parse, data)
    except InputError:
        return False
    return True


@dataclass
class _JsonJob:
    """Everything a worker needs to convert any JSON group, sent once per worker process."""

    provider: str
    calendar: Any          # Google: the list's EventList (timeZone…); Graph: None
    options: Options
    file: str | None
    fast: bool
    array_key: str = ""    # "value", "items", "" (a bare array): names an item in errors
    keep: frozenset[str] = frozenset()  # zones written under their IANA name (_IcsSpool.clashes)
    now: Any = None        # the conversion's one "now" (DTSTAMP without a timestamp), as convert has it


class _JsonGroups:
    """One JSON group (a head and the items that join it) → its rendered VEVENTs, keyed for
    :class:`_IcsSpool`; the same code in process and in a worker."""

    def __init__(self, job: _JsonJob) -> None:
        self.job = job
        if job.provider == "graph":
            from .providers.graph import to_ical as provider_to_ical
            from .providers.graph.reader import parse_event
            self.id_prop = hub.X_GRAPH_ID
        else:
            from .providers.google import to_ical as provider_to_ical  # type: ignore[no-redef]
            from .providers.google.reader import parse_event  # type: ignore[no-redef]
            self.id_prop = hub.X_GOOGLE_ID
        self.to_ical: Any = provider_to_ical
        self.parse = parse_event
        self.writer = EventWriter(job.options.tzid_style, job.keep)

    def _event(self, data: bytes) -> Any:
        return _read_item(self.parse, data)

    def _mapped(self, events: list[Any], report: Report, errors: list[InputError],
                mark: Mark) -> list[m.Event]:
        """The group's events as the provider's ``events_to_calendar`` maps them, in its
        calendar's writing order (``events_in_order``: no calendar, no series, per group);
        the provider calls ``mark`` as each event's step of the mapping begins."""
        if self.job.provider == "graph":
            return self.to_ical.events_in_order(events, report, errors, mark)
        # (the calendar-level entry, an unknown calendar zone, was reported once with the header)
        return self.to_ical.events_in_order(events, self.job.calendar, report, errors,
                                            calendar_zone=self.job.options.calendar_zone, mark=mark)

    def render(self, pos: int, group: list[int], items: list[bytes], report: Report, errors: list[InputError]
               ) -> tuple[list[tuple[tuple[int, int] | None, Any]], list[_Key], list[_Key]]:
        """(phase-B key or None for phase A, :meth:`_IcsSpool.render` result) per VEVENT, and the
        key of each entry the group added to ``report`` and of each error added to ``errors``
        (both the group's own, empty before): where the whole file reports it, for
        :class:`KeyedEntries`.  Graph's whole-file run reports each item's reading (0, its
        position), then the mapping's steps (``to_ical._builders``): singles and masters (1),
        exceptions (2), cancelled occurrences (3), each at its item's position (Google's: singles
        and masters, instances, cancelled entries); a group mapped alone gives its entries in
        another order, so they are keyed.  ``items``: the group's JSON texts.  Run with the
        cyclic collector paused (:meth:`convert`, or :func:`_spooled_groups` for a run of
        groups): a group's objects die with it, by reference counting."""
        file = self.job.file
        events = []
        where: dict[int, int] = {}  # id(event) → its item's position
        error_keys: list[_Key] = []
        expected: list[tuple[tuple[int, int], str | None]] = []
        for q, item in zip(group, items):
            try:
                e = self._event(item)
            except InputError as err:
                err = err.at(f"{self.job.array_key}[{q}]")
                errors.append(err.located(file) if file else err)
                error_keys.append((0, q, 0))
                continue
            events.append(e)
            where[id(e)] = q
            if q != pos:
                expected.append(((q, 0), e.id))
            elif self.job.provider == "graph":
                expected.extend(((q, 1 + k), (x or {}).get("id") if isinstance(x, dict) else None)
                                for k, x in enumerate(e.exceptionOccurrences or []))
        expected.sort(key=lambda x: x[0])
        n_errors = len(errors)
        steps: list[tuple[int, int, _Key]] = [(0, n_errors, (1, pos, 0))]  # (entries, errors) so far, the key

        def mark(step: int, e: Any) -> None:
            steps.append((len(report.entries), len(errors), (step, where.get(id(e), pos), 0)))
        vevents = self._mapped(events, report, errors, mark)  # the model writer's order of the events
        for k in range(n_errors, len(errors)):
            if file:
                errors[k] = errors[k].located(file)
        entry_keys = _keys_of(steps, 0, len(report.entries))
        error_keys += _keys_of(steps, 1, len(errors))[n_errors:]
        if self.job.provider == "graph":
            head_vevents, rest = (vevents[:1], vevents[1:]) if len(group) > 1 or expected else (vevents, [])
        else:
            head_vevents = [v for v in vevents if v.recurrence_id is None]
            rest = [v for v in vevents if v.recurrence_id is not None]
            if len(group) == 1 and not head_vevents:  # a lone instance: phase B at its place
                expected = [((pos, 0), None)] * len(rest)
        keyed: list[tuple[tuple[int, int] | None, Any]] = [(None, v) for v in head_vevents]
        keyed += zip(_match([next((line.value for line in v.other_lines(self.id_prop)), None) for v in rest],
                            expected), rest)
        out = []
        for key, v in keyed:
            rendered = render_event(v, self.writer)
            if rendered is not None:
                out.append((key, rendered))
        return out, entry_keys, error_keys

    #: :meth:`render` with the collector paused (:mod:`ics_bridge.gcpause`, as the whole-file steps run)
    convert = gc_paused(render)


#: Where the whole file reports an entry or error: (step, item position, 0) (:meth:`_JsonGroups.render`)
_Key = tuple[int, int, int]


def _keys_of(steps: list[tuple[int, int, _Key]], column: int, count: int) -> list[_Key]:
    """Each of ``count`` entries (``column`` 0) or errors (1) keyed by the step it was added in:
    ``steps`` holds, in order, how many there were as each step began, and its key."""
    keys: list[_Key] = []
    for k, step in enumerate(steps):
        end = steps[k + 1][column] if k + 1 < len(steps) else count
        keys += [step[2]] * (end - len(keys))  # none when the step added none
    return keys


def _convert_json_batch(batch: list[tuple[int, list[int], int, list[Any]]]) -> list[Any]:
    """In a worker: each JSON group's rendered VEVENTs, report entries and errors, with their keys."""
    assert isinstance(_WORKER, _JsonGroups), "worker not initialised"
    out = []
    with _streaming(_WORKER.job.fast), clock.fixed(_WORKER.job.now):
        for pos, group, _size, items in batch:
            report = Report(file=_WORKER.job.file)
            errors: list[InputError] = []
            rendered, entry_keys, error_keys = _WORKER.convert(pos, group, items, report, errors)
            out.append((rendered, _pickled(report.entries), errors, entry_keys, error_keys))
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
    from .errors import InputError as _IE
    its = _Items(path, fast)
    source = its.source
    keyed = KeyedEntries(spool=isinstance(report.entries, SpooledEntries))  # the items' errors and entries
    refs: dict[int, tuple[str, Any]] = {}  # member → ("id" or "uid", its head's key: a 64-bit hash once resolved)
    by_id: dict[Any, int] = {}
    by_uid: dict[Any, int] = {}
    cand_pos: array = array("q")   # Google: singles, resolved to by_id/by_uid after pass 1
    cand_id: array = array("q")
    cand_uid: array = array("q")
    cand_unread = bytearray()       # 1: a single known from its JSON (``single_keys``), not read yet
    calendar: Any = None  # Google: the list's EventList

    def take(offset: int, length: int, raw: Any) -> None:
        """Pass 1's bookkeeping of one item: the file's limits, then its byte range.  The depth
        as the whole-file reader checks it (``jsonio.check_value``): counted on the item's bytes
        (:func:`jsonio.nesting_depth`, C speed), the tree walked only when that count is over;
        neither when the item opens no more brackets than the limit (``JsonItems.opened``: it
        cannot nest deeper than that; Graph events open ~22, the limit is ~62)."""
        _check_count(len(its.offsets) + 1, options)
        depth = options.limits.max_json_depth - (2 if source.array_keys else 1)  # the envelope's levels
        if isinstance(raw, (dict, list)) and source.opened > depth \
                and _item_nesting(fh, offset, length, depth) > depth and jsonio.too_deep(raw, depth):
            raise _IE(f"JSON nested deeper than {options.limits.max_json_depth} levels (limit max_json_depth)")
        its.offsets = appended(its.offsets, (offset,))
        its.lengths = appended(its.lengths, (length,))
        its.taken.append(0)

    def objects() -> Iterator[tuple[int, dict[str, Any]]]:
        """Pass 1 over the items, each counted and checked (:func:`take`), the objects given with
        their position.  An item that is not an object: its error, in input order as the
        whole-file reader gives it, and no output (nothing joins it, pass 2 skips it)."""
        for pos, (offset, length, raw) in enumerate(source):
            take(offset, length, raw)
            if isinstance(raw, dict):
                yield pos, raw
                continue
            err = jsonio.not_an_object(source.where(pos), raw)
            keyed.error((0, pos, 0), err.located(file) if file else err)  # where the whole file reads it
            its.taken[pos] = 2
    with open(path, "rb") as fh:  # each item's bytes, for its depth (take)
        if provider == "graph":
            from .providers.graph import to_ical as g
            from .providers.graph.reader import parse_event as parse
            for pos, raw in objects():
                if g.joins_nothing(raw):  # a plain single: read in pass 2 only
                    continue
                try:
                    e = parse(raw)
                except _IE:
                    continue
                # ids and UIDs kept as 64-bit hashes, as Google's below (Graph ids run ~150 characters)
                if e.type == "seriesMaster" or e.exceptionOccurrences:
                    if e.id:
                        by_id[hash(e.id)] = pos
                    if e.uid or e.iCalUId:
                        by_uid[hash(g._uid_for(e))] = pos
                if e.type in ("occurrence", "exception") and e.removed is None:
                    if e.seriesMasterId:
                        refs[pos] = ("id", hash(e.seriesMasterId))
                    elif e.type == "exception" and (e.uid or e.iCalUId):
                        refs[pos] = ("uid", hash(g._uid_for(e)))
                    if e.type == "occurrence" and pos in refs and not e.isCancelled:  # a cancelled one: an EXDATE
                        its.taken[pos] = 3  # dropped when its master is found
                elif (series_uid := g._first_of(e)) is not None:
                    refs[pos] = ("uid", hash(series_uid))  # a series' off-rule first instance joins its master
            header_cal = g.events_to_calendar([], report, errors)
        else:
            from .providers.google import to_ical as gt
            from .providers.google.model import EventList
            from .providers.google.reader import _LIST_KEYS
            from .providers.google.reader import parse_event as parse
            from pydantic import ValidationError
            for pos, raw in objects():
                if isinstance(raw.get("items"), list) or raw.get("kind") == "calendar#events":
                    raise StreamUnsupported("an array of list pages")
                keys = gt.single_keys(raw)
                unread = keys is not None
                if keys is None:
                    try:
                        e = parse(raw)
                    except _IE:
                        continue
                    if e.is_instance:
                        refs[pos] = ("id", e.recurringEventId) if e.recurringEventId else ("uid", e.iCalUID or "")
                        continue
                    if e.is_cancelled and e.start is None:
                        continue
                    keys = (e.id, gt._uid_of(e)[0])
                # every single may be a master: kept as two 64-bit hashes, resolved after the pass
                # (one whose keys came from the JSON alone is read then, if some instance names it)
                cand_pos.append(pos)
                cand_id.append(hash(keys[0]) if keys[0] else 0)
                cand_uid.append(hash(keys[1]))
                cand_unread.append(unread)
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
        with open(path, "rb") as fh:  # a named single not read yet: read now (one that fails names nothing)
            for k, head_pos in enumerate(cand_pos):
                named = (cand_id[k] and cand_id[k] in want_id) or cand_uid[k] in want_uid
                if not named or (cand_unread[k] and not _reads(parse, its.read(head_pos, fh))):
                    continue
                if cand_id[k] and cand_id[k] in want_id:
                    by_id[cand_id[k]] = head_pos
                if cand_uid[k] in want_uid and cand_uid[k] not in by_uid:
                    by_uid[cand_uid[k]] = head_pos
        del cand_pos, cand_id, cand_uid, cand_unread
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

    job = _JsonJob(provider, calendar, options, file, fast, source.array_keys[-1] if source.array_keys else "",
                   now=clock.now_utc())
    spool = _spooled_groups(job, its, path, report, errors, jobs, keyed)
    keep = spool.clashes()
    if keep:  # zones one Windows name cannot describe together: again, those under their IANA names
        spool.discard()  # (as the whole-file writer does; the mapping, and so the report, is the same)
        spool = _spooled_groups(dataclasses.replace(job, keep=keep), its, path, Report(file=file), [], jobs,
                                KeyedEntries(spool=False))
    spool.finish(out, header_cal)
    return spool.count


def _item_nesting(fh: IO[bytes], offset: int, length: int, limit: int) -> int:
    """How deep the item at ``offset`` nests, counted on its bytes (:func:`jsonio.nesting_depth`:
    above ``limit`` means "maybe deeper", which the tree walk confirms)."""
    fh.seek(offset)
    return jsonio.nesting_depth(fh.read(length), limit)


def _spooled_groups(job: _JsonJob, its: Any, path: Path, report: Report, errors: list[InputError],
                    jobs: int, keyed: KeyedEntries) -> _IcsSpool:
    """Pass 2: every group converted (in ``jobs`` processes) and its VEVENTs spooled, with the
    conversion's one "now" (``job.now``: a DTSTAMP made from it is one instant, as in ``convert``);
    the groups' entries and errors put in the whole file's order (:meth:`_JsonGroups.render`)
    with pass 1's in ``keyed``, after those already in ``report`` and ``errors``."""
    spool = _IcsSpool(job.options.tzid_style)
    heads = _json_groups(its, path)
    if _pool_pays(jobs, its.taken.count(0), sum(its.lengths)):  # heads: the items nothing joined
        for results in _pool_map(job, _convert_json_batch, _batched(heads, lambda g: g[2]), jobs):
            for rendered, entries, found, entry_keys, error_keys in results:
                for key, data, filed in zip(entry_keys, *entries):
                    keyed.add_pickled(key, data, filed)
                for key, error in zip(error_keys, found):
                    keyed.error(key, error)
                for key, item in rendered:
                    spool.put(item, key)
    else:
        converter = _JsonGroups(job)
        with clock.fixed(job.now):
            while run := list(itertools.islice(heads, _PAUSED_GROUPS)):
                with paused_gc():  # one pause per run of groups, not per group
                    for pos, group, _size, items in run:
                        group_report, group_errors = Report(file=report.file), []
                        rendered, entry_keys, error_keys = converter.render(pos, group, items, group_report,
                                                                            group_errors)
                        keyed.extend(zip(entry_keys, group_report.entries))
                        for key, error in zip(error_keys, group_errors):
                            keyed.error(key, error)
                        for key, item in rendered:
                            spool.put(item, key)
    keyed.into(report, errors)
    return spool


#: groups converted in one pause of the cyclic collector (:func:`_spooled_groups`): few enough
#: that a pause stays under ``gcpause.PROMOTE_AT`` new objects (no promotion, no full collection owed)
_PAUSED_GROUPS = 64


# ------------------------------------------------------------------------------------------------
# Entry point
# ------------------------------------------------------------------------------------------------

def _sniff(path: Path) -> Format:
    """The format from the content, as :func:`detect_format` decides it."""
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
        with _streaming(fast):
            return _stream(src, dst, to, source, options, report, jobs, fast)
    except StreamUnsupported:
        if not fallback:
            raise
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
    idx = _index(src, Report(file=report.file), fast, jobs)  # its entries: idx.notes, sorted in with the rest
    _check_count(idx.events, options)
    errors = []
    count = _write_out(dst, lambda out: _ics_to_json(idx, to, out, report, options, errors, jobs, fast))
    return StreamResult(target=to, report=report, errors=[e.located(str(src)) for e in errors], items=count)


#: A file this large or larger is indexed (pass 1) in ``jobs`` processes with ``--jobs``: below
#: it, starting the processes costs about what they save (pass 1 reads ~70 MB a second).
PARALLEL_INDEX_BYTES = 4 << 20


def _index(src: Path, report: Report, fast: bool, jobs: int) -> IcsIndex:
    """Pass 1 over an .ics file; with ``jobs`` > 1 on a large file in a local pool, the ranges
    after the first read by ``jobs - 1`` forked processes while this one reads the first
    (:func:`.stream.index_part`; the same index).  Why: pass 1 is the serial part of a
    ``--jobs`` run before any worker converts (0.2-0.4 s of a ~2.4 s run on the 10k bench file).
    Forked only: the parts key series by ``hash(UID)``, which a spawned process salts anew; and
    not on macOS, where Python stopped forking by default (system libraries that do not survive it)."""
    size = src.stat().st_size
    if (jobs < 2 or not fast or POOL_MAP.get() is not None or size < PARALLEL_INDEX_BYTES
            or "fork" not in multiprocessing.get_all_start_methods() or sys.platform == "darwin"):
        return index_ics(src, report, fast=fast)
    cuts = part_cuts(src, jobs)
    if not cuts:
        return index_ics(src, report, fast=fast)
    from concurrent.futures import ProcessPoolExecutor
    pool = ProcessPoolExecutor(len(cuts), mp_context=multiprocessing.get_context("fork"),
                               initializer=ignore_in_worker)
    futures: list[Any] = []
    try:
        try:
            for start, end in zip(cuts, cuts[1:] + [size]):
                futures.append(submitted(pool, index_part, src, start, end))
        except OSError:  # no process could be started (EAGAIN, ENOMEM): read alone
            return index_ics(src, report, fast=fast)
        return index_ics(src, report, fast=fast, parts=[(cut, partial(_part_of, future))
                                                        for cut, future in zip(cuts, futures)])
    finally:
        end_pool(pool, futures)


def _part_of(future: Any) -> IndexPart | None:
    """A part's result; None when its process died (the parent reads the range itself)."""
    from concurrent.futures.process import BrokenProcessPool
    try:
        return future.result()
    except BrokenProcessPool:
        return None


def _check_count(events: int, options: Options) -> None:
    """``max_events`` holds for a streamed file as for a whole one (``io.ics``, ``io.jsonio``)."""
    if events > options.limits.max_events:
        raise too_many_events(options.limits.max_events)


def _write_out(dst: str | os.PathLike[str] | IO[bytes], produce: Callable[[IO[bytes]], int]) -> int:
    """``produce(file)`` into ``dst``.  A path to a regular file (or a new one in an existing
    folder) is written through a temporary file beside it and renamed into place only when the
    conversion finished, so a failure (a bad file, a dead worker) leaves no partial output; a
    symbolic link is written through, an existing file keeps its permissions, a device or FIFO
    is written where it is (``io.files.atomic_write``).  Anything else
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
    mode = target.stat().st_mode & 0o7777 if target.exists() else None
    done: list[int] = []
    atomic_write(target, lambda fh: done.append(produce(fh)), force=True, mode=mode)
    return done[0]