"""The library calls.  The CLI calls nothing else.

Every conversion reads its input into the hub (an :class:`icalendar.Calendar`) and writes the
hub out, through :mod:`ics_bridge.pipeline`: Graph↔Google is Graph→hub→Google, never a third
mapper.  Each returns a :class:`Conversion` holding the result, the loss report and the events
that could not be read.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from icalendar import Calendar

from .options import Format, Options
# The pipeline holds read → hub → write (issue 12: Conversion, encode, detect_format, load_json,
# read_hub, write_hub and convert moved from here to ics_bridge/pipeline.py, unchanged); these
# are its public names, kept here since before it.
from .pipeline import Conversion, StreamResult, convert, convert_file, detect_format, encode, load_json, read_hub, write_hub
from .validate import DiffResult, Horizon, RoundtripResult
from .validate import diff as _diff
from .validate import roundtrip as _roundtrip

__all__ = ["Conversion", "StreamResult", "convert", "convert_stream", "detect_format", "diff", "encode",
           "google_to_ics", "graph_to_ics", "ics_to_google", "ics_to_graph", "load_json", "read_hub", "roundtrip",
           "write_hub"]

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
    return _roundtrip(data, via=via, source=source, options=options, file=file,
                      horizon=_horizon(horizon, max_occurrences))


def diff(left: Any, right: Any, *, left_source: Format | None = None, right_source: Format | None = None,
         options: Options = Options(), horizon: int | str | date = 5, max_occurrences: int = 1000) -> DiffResult:
    """Compare two calendars in any of the three formats by meaning (what ``ics-bridge diff``
    does), each as its provider shows it: a field present only in ics-bridge's private data does
    not count.  Returns a :class:`ics_bridge.validate.DiffResult` (``missing``, ``extra``,
    ``changed``, ``identical``)."""
    return _diff(left, right, left_source=left_source, right_source=right_source, options=options,
                 horizon=_horizon(horizon, max_occurrences))


def convert_stream(src: Any, dst: Any, *, to: Format, source: Format | None = None,
                   options: Options = Options(), jobs: int = 1) -> StreamResult:
    """Convert the file ``src`` (a path) to ``to``, writing ``dst`` (a path or a binary file)
    series by series in bounded memory: ICS→Graph/Google and Graph/Google→ICS collections
    stream; other inputs (a single resource, a bare VEVENT) take the whole-file path.  The
    bytes written are those of ``convert(...).to_bytes(options)``.  ``jobs`` > 1 converts the
    series in that many worker processes (same bytes, entries and errors).  Returns a
    :class:`ics_bridge.pipeline.StreamResult` (``report``, ``errors``, ``items``, ``streamed``)."""
    return convert_file(src, dst, to=to, source=source, options=options, jobs=jobs)
