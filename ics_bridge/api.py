"""The library calls.  The CLI calls nothing else.

Every conversion reads its input into the hub (an :class:`icalendar.Calendar`) and writes the
hub out: Graph↔Google is Graph→hub→Google, never a third mapper.  Each returns a
:class:`Conversion` holding the result, the loss report and the events that could not be read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from icalendar import Calendar

from .errors import InputError
from .io import fastics
from .io import ics as ics_io
from .io.jsonio import decode as json_decode
from .io.jsonio import check_value, detect_json, loads
from .options import Format, Options
from .providers.graph import from_ical as graph_out
from .providers.graph import to_ical as graph_in
from .providers.graph.reader import read_events as read_graph_events
from .report import Report

if TYPE_CHECKING:
    from .io.stream import StreamResult
    from .validate import DiffResult, Horizon, RoundtripResult


@dataclass
class Conversion:
    """A finished conversion: ``data`` is a Calendar (ics) or JSON-ready value (graph, google);
    ``calendar`` is the hub it went through; ``report`` what was lost; ``errors`` the events or
    files that could not be read at all."""

    target: Format
    data: Any
    calendar: Calendar
    report: Report
    errors: list[InputError] = field(default_factory=list)

    def to_bytes(self, options: Options | None = None) -> bytes:
        return encode(self.data, options or Options())

    @property
    def ok(self) -> bool:
        return not self.errors


def encode(data: Any, options: Options = Options()) -> bytes:
    """A Calendar as .ics bytes (VTIMEZONEs added), anything else as indented UTF-8 JSON."""
    if isinstance(data, Calendar):
        return ics_io.serialize(data, tzid_style=options.tzid_style)
    return (fastics.dumps(data) + "\n").encode("utf-8")


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


def read_hub(data: Any, source: Format, options: Options = Options(), *, file: str | None = None
             ) -> tuple[Calendar, Report, list[InputError]]:
    """Any input → the hub calendar, its report and per-event errors."""
    report = Report(file=file)
    errors: list[InputError] = []
    if source == "ics":
        if isinstance(data, Calendar):
            return data, report, errors
        cal = ics_io.parse_calendar(data, report, ics_io.IcsReadOptions(x_wr_timezone=options.x_wr_timezone,
                                                                       max_bytes=options.max_bytes,
                                                                       limits=options.limits), errors)
        return cal, report, [e.located(file) if file else e for e in errors]
    if isinstance(data, (bytes, str)):
        payload = load_json(data, options, file=file, report=report)
    else:  # a library caller's parsed JSON: the same limits and repairs as parsed text
        payload = check_value(data, file=file, max_depth=options.limits.max_json_depth,
                              max_events=options.limits.max_events, report=report)
    if source == "graph":
        events = []
        for item in read_graph_events(payload):
            if isinstance(item, InputError):
                errors.append(item.located(file) if file else item)
            else:
                events.append(item)
        cal = graph_in.events_to_calendar(events, report, errors)
        return cal, report, [e.located(file) if file else e for e in errors]
    if source == "google":
        from .providers.google import api as google_api
        cal = google_api.read(payload, report, errors, options)
        return cal, report, [e.located(file) if file else e for e in errors]
    raise ValueError(f"unknown source format {source!r}")


def write_hub(cal: Calendar, target: Format, report: Report, options: Options = Options()) -> Any:
    """The hub → the target's data (Calendar or JSON-ready value)."""
    if target == "ics":
        ics_io.utc_for_second_offsets(cal, report)
        return cal
    events = list(cal.walk("VEVENT"))
    if target == "graph":
        profile = "request" if options.profile in ("request", "insert") else "resource"
        items = graph_out.calendar_to_events(events, report, graph_out.GraphWriteOptions(
            profile=profile, zone_names=options.graph_zone_names, default_zone=options.default_zone))
        return items[0] if len(items) == 1 else {"value": items}
    if target == "google":
        from .providers.google import api as google_api
        from .edge import calendar_to_model
        return google_api.write(calendar_to_model(cal), report, options)  # edge: until the pipeline moves (issue 12)
    raise ValueError(f"unknown target format {target!r}")


def convert(data: Any, *, to: Format, source: Format | None = None, options: Options = Options(),
            file: str | None = None) -> Conversion:
    """Convert one input (bytes, text, parsed JSON or a Calendar) to ``to``."""
    if source is None:
        source = "ics" if isinstance(data, Calendar) else detect_format(data)
    try:
        cal, report, errors = read_hub(data, source, options, file=file)
    except InputError as err:  # a whole-file error names the file too
        raise (err.located(file) if file else err) from None
    out = write_hub(cal, to, report, options)
    return Conversion(target=to, data=out, calendar=cal, report=report, errors=errors)


def graph_to_ics(data: Any, options: Options = Options()) -> Conversion:
    """Graph JSON (event, list/delta response, array; v1.0, beta or legacy shape) → iCalendar."""
    return convert(data, to="ics", source="graph", options=options)


def ics_to_graph(calendar: Calendar | bytes | str, options: Options = Options()) -> Conversion:
    """iCalendar → Graph event JSON (``options.profile``: resource or request)."""
    return convert(calendar, to="graph", source="ics", options=options)


def google_to_ics(data: Any, options: Options = Options()) -> Conversion:
    """Google Events resource / events.list response → iCalendar."""
    return convert(data, to="ics", source="google", options=options)


def ics_to_google(calendar: Calendar | bytes | str, options: Options = Options()) -> Conversion:
    """iCalendar → Google Events resources (``options.profile``: resource, insert, import)."""
    return convert(calendar, to="google", source="ics", options=options)


def _horizon(horizon: int | str | date, max_occurrences: int) -> Horizon:
    from .validate import Horizon
    if isinstance(horizon, date):
        return Horizon(max_count=max_occurrences, until=horizon)
    if isinstance(horizon, int):
        return Horizon(horizon, max_occurrences)
    return Horizon.parse(horizon, max_occurrences)


def roundtrip(data: Any, *, via: Format, source: Format | None = None, options: Options = Options(),
              file: str | None = None, horizon: int | str | date = 5, max_occurrences: int = 1000) -> RoundtripResult:
    """Convert ``data`` to ``via`` and back and compare every event's meaning (what
    ``ics-bridge roundtrip`` does).  ``data``: bytes, text, parsed JSON, a Calendar or a
    :class:`pathlib.Path`.  ``horizon``: years after each series start, or a date (``2030-12-31``).
    Returns a :class:`ics_bridge.validate.RoundtripResult`: ``result.lossless`` is the verdict
    of the native view (what the provider shows, without ics-bridge's private data),
    ``result.unreported()`` its silent changes, ``result.restored`` the view with the stash."""
    from .validate import roundtrip as _roundtrip
    return _roundtrip(data, via=via, source=source, options=options, file=file,
                      horizon=_horizon(horizon, max_occurrences))


def diff(left: Any, right: Any, *, left_source: Format | None = None, right_source: Format | None = None,
         options: Options = Options(), horizon: int | str | date = 5, max_occurrences: int = 1000) -> DiffResult:
    """Compare two calendars in any of the three formats by meaning (what ``ics-bridge diff``
    does), each as its provider shows it: a field present only in ics-bridge's private data does
    not count.  Returns a :class:`ics_bridge.validate.DiffResult` (``missing``, ``extra``,
    ``changed``, ``identical``)."""
    from .validate import diff as _diff
    return _diff(left, right, left_source=left_source, right_source=right_source, options=options,
                 horizon=_horizon(horizon, max_occurrences))


def convert_stream(src: Any, dst: Any, *, to: Format, source: Format | None = None,
                   options: Options = Options(), jobs: int = 1) -> StreamResult:
    """Convert the file ``src`` (a path) to ``to``, writing ``dst`` (a path or a binary file)
    series by series in bounded memory: ICS→Graph/Google and Graph/Google→ICS collections
    stream; other inputs (a single resource, a bare VEVENT) take the whole-file path.  The
    bytes written are those of ``convert(...).to_bytes(options)``.  ``jobs`` > 1 converts the
    series in that many worker processes (same bytes, entries and errors).  Returns a
    :class:`ics_bridge.io.stream.StreamResult` (``report``, ``errors``, ``items``, ``streamed``)."""
    from .io.stream import convert_file
    return convert_file(src, dst, to=to, source=source, options=options, jobs=jobs)
