"""The typed hub (``ics_bridge.model``) → .ics text (issue 12).

Each component is written as BEGIN, its typed fields in a fixed order (parameters: those the
property was read with, the ones the value decides — VALUE, TZID, RELATED, the attendee's —
taken from the value), then its kept lines verbatim and in order, its subcomponents, END.
TEXT values are escaped (RFC 5545 3.3.11), parameter values quoted and RFC 6868-escaped
(``lines.param_value``), and every line folded at 75 octets without splitting a UTF-8
character (``fastics.fold``).

Zones (RFC 5545 3.2.19, 3.6.5): a UTC value is written with ``Z``; a floating one bare; any
other with its TZID.  The VTIMEZONE of a file-defined zone is written as read; an IANA zone's
is generated from tzdata (``timezones.vtimezone_lines``, cached per zone and year) from the
earliest year the calendar uses it, replacing the file's own, as ``timezones.add_vtimezones``
does; a TZID that names nothing gets none.  VTIMEZONEs the calendar held but no value uses are
kept.  How the pipeline writes .ics from Graph and Google (``pipeline.write_hub``).

An .ics file written again (.ics → .ics, ``io/ics_layout``): its events in the file's order
(``Event.position``), its other components and its VTIMEZONEs at their places among them
(``position``: how many events come before), the components as icalendar writes them; a TZID
only a component or a kept line (the calendar's, an event's, an alarm's) names gets a
VTIMEZONE too, and ``windows`` style renames it as the values' TZIDs, also where tzdata
replaces the file's VTIMEZONE, as ``timezones.add_vtimezones`` did (``_named_zones``;
``X-WR-TIMEZONE`` keeps its IANA name: a value its readers look up in tzdata, not a TZID).
"""

from __future__ import annotations

import base64
from contextlib import nullcontext
import re
import dataclasses
from operator import attrgetter, itemgetter
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any, Iterable

from icalendar import Timezone
from icalendar.timezone.tzid import is_utc as _ical_is_utc

from ..gcpause import collection_owed, paused_gc
from ..memo import remember
from .. import model as m
from ..timezones import vtimezone, windows_tzid
from . import fastics
from . import param_quoting  # noqa: F401  (icalendar's parameter quoting, as mended for every hub serialisation)
from .fastics import fold
from .model_reader import ADDRESS_KEYS, address_fields

PRODID = "-//ics-bridge//ics-bridge 0.1//EN"
_UTC = timezone.utc
#: Parameters the value decides (written from the value, not from ``params``).
_TIME_PARAMS = frozenset({"VALUE", "TZID"})
#: Values per EXDATE/RDATE line: libical 3 (Evolution) reads only the first 500 values of one
#: line (measured with tests/interop), so longer lists are written as several lines with the
#: same parameters (RFC 5545 allows the property to repeat).
MAX_LIST_VALUES = 100
TZID_STYLES = ("iana", "windows")

# icalendar's writer (``Component.sorted_keys``): a component's canonical properties first, in
# that order, then the others alphabetically; the lines of one property in the order written.
_CANONICAL = {
    "VEVENT": ("SUMMARY", "DTSTART", "DTEND", "DURATION", "DTSTAMP", "UID", "RECURRENCE-ID", "SEQUENCE", "RRULE",
               "RDATE", "EXDATE"),
    "VCALENDAR": ("VERSION", "PRODID", "CALSCALE", "METHOD", "DESCRIPTION", "X-WR-CALDESC", "NAME", "X-WR-CALNAME"),
    "VALARM": (),
}
#: Sort keys as text, one per name: ``0nnn`` for a canonical name (its place), ``1NAME`` for
#: the others (alphabetical after them) — the order of icalendar's ``(0, "nnn")``/``(1, name)``
#: tuples, compared by ``itemgetter(0)`` in C instead of a Python key function per line.
_SORT_KEYS = {kind: {name: f"0{i:03}" for i, name in enumerate(names)} for kind, names in _CANONICAL.items()}
_first = itemgetter(0)
_second = itemgetter(1)


def _sort_key(kind: str, name: str) -> str:
    """The sort key of property ``name`` in component ``kind`` (see :data:`_SORT_KEYS`)."""
    return _SORT_KEYS[kind].get(name) or "1" + name


def _sorted_lines(kind: str, pairs: list[tuple[str, str]], order: tuple[str, ...] = ()) -> list[str]:
    """Content lines ``(sort key, line)`` (keys from :func:`_sort_key`) in icalendar's property
    order for component ``kind``, or in ``order`` (names; the others after them, in icalendar's
    order).  The sort is stable: the lines of one name keep the order they were added in."""
    if order:
        first = {_sort_key(kind, name): f"/{i:06}" for i, name in enumerate(order)}  # "/" < "0"
        pairs.sort(key=lambda pair: first.get(pair[0], pair[0]))
    else:
        pairs.sort(key=_first)
    return list(map(_second, pairs))


def write_calendar(cal: m.Calendar, *, tzid_style: str = "iana", keep_without_start: bool = False,
                   source_order: bool = False) -> bytes:
    """The whole calendar as .ics bytes (CRLF line ends, folded).  A VEVENT without DTSTART (a
    Graph removal kept for Graph output) is left out: RFC 5545 3.6.1 requires DTSTART outside
    iTIP (``keep_without_start``: written, for the library edge, which holds the whole hub;
    ``source_order``: an event's properties in its ``order``, so icalendar's objects made from
    the text walk them in that order).  ``tzid_style="windows"`` writes the Windows name (CLDR) of an IANA zone as its TZID,
    as Outlook does (zones without one keep the IANA name).

    With the collector paused (``gcpause``) as the readers are, unless a paused step left a
    full collection owed (``gcpause._promote_young``: the hub a conversion just built, moved to
    the oldest generation): that collection would walk the whole hub, alive and about to be
    written (0.10-0.17 CPU s of ``convert(…).to_bytes()`` at 10k Graph or Google events), where
    the writer left running finds little to collect — its lines are ``str``/``bytes``, which
    the collector does not track, and the hub is old — (30-50 young collections, ~15 ms).  The
    owed collection stays the next pause's, when this hub is usually freed.  A hub not built
    in a pause (``read_calendar`` on its own) is written paused: there the collector, running,
    met the young hub in a full collection (0.19 s at 10k events)."""
    with nullcontext() if collection_owed() else paused_gc():
        return _write_calendar(cal, tzid_style, keep_without_start, source_order, fast=True)


def _write_calendar(cal: m.Calendar, tzid_style: str, keep_without_start: bool, source_order: bool,
                    fast: bool) -> bytes:
    """:func:`write_calendar`; ``fast=False`` takes the general path everywhere (every line
    through :func:`to_bytes`, no memo, ``model_reader.address_fields`` per address), the
    reference tests/test_writer_fastpath.py holds the fast paths to."""
    if tzid_style not in TZID_STYLES:
        raise ValueError(f"tzid_style must be 'iana' or 'windows', not {tzid_style!r}")
    writer = _Writer(tzid_style, source_order=source_order, fast=fast, folded=fast)
    events = cal.events_in_file_order()
    body, starts = _event_lines(writer, events, keep_without_start)
    keep = _clashing_zones(writer)
    if keep:  # zones one Windows name cannot describe together: again, those under their IANA name
        writer = _Writer(tzid_style, source_order=source_order, fast=fast, folded=fast, keep=keep)
        body, starts = _event_lines(writer, events, keep_without_start)
    cal_tzids = _kept_tzids(cal, [])
    named, renames = _named_zones(cal, writer, cal_tzids) if cal.components or cal_tzids else ([], ())
    if renames and cal_tzids:
        cal = _renamed_calendar(cal, renames)
    by_event = [kept_line_zones(event, writer, cal) for event in events]
    named[len(cal_tzids):len(cal_tzids)] = [zone for _event, zones in by_event for zone in zones]  # the file's order
    if any(renamed is not event for (renamed, _zones), event in zip(by_event, events)):
        # kept lines name a TZID written with its Windows name: as the values
        body, starts = _event_lines(writer, [renamed for renamed, _zones in by_event], keep_without_start)
    head = ["BEGIN:VCALENDAR", *calendar_head(cal)]
    generated, kept = writer.timezones(cal.timezones, named)
    head += generated
    placed = _placed(cal, kept, renames)
    if placed:
        body = _interleaved(body, starts, placed, writer.fit)
    else:
        head += [line for _vtz, lines in kept for line in lines]
        head += [line for comp in cal.components for line in _component_lines(comp, renames)]
    if not fast:
        return to_bytes([*head, *body, "END:VCALENDAR"])
    # the body is folded UTF-8 already (``_Writer.folded``): the rest is made so, then one join
    raw = [fold(line) for line in head]
    raw += body
    raw.append(b"END:VCALENDAR\r\n")
    return b"\r\n".join(raw)


def _event_lines(writer: "_Writer", events: list[m.Event], keep_without_start: bool) -> tuple[list[Any], list[int]]:
    """The VEVENTs' lines (str, or folded UTF-8 on the fast path) and, per event in the order
    written, where its lines start (an event without DTSTART is left out unless kept)."""
    body: list[Any] = []
    starts: list[int] = []
    for event in events:
        starts.append(len(body))
        if event.start is not None or keep_without_start:
            writer.event(event, body)
    return body, starts


def _clashing_zones(writer: "_Writer") -> frozenset[str]:
    """The IANA zones the values wrote under another zone's Windows name where the two
    VTIMEZONEs differ (``timezones.windows_name_clashes``); empty in ``iana`` style."""
    if not writer.shared:
        return frozenset()
    from ..timezones import windows_name_clashes
    uses = [(tzid, iana, date(max(year, 1), 1, 1)) for tzid, zones in writer.shared.items() for iana, year in zones.items()]
    return frozenset(windows_name_clashes(uses))


_NO_CALENDAR = m.Calendar()  # an event on its own (:func:`kept_line_zones`): no file VTIMEZONE, no component


def kept_line_zones(event: m.Event, writer: "_Writer", cal: m.Calendar = _NO_CALENDAR
                    ) -> tuple[m.Event, list[tuple[str, int, str | None]]]:
    """``event`` with the TZIDs of its kept lines (X- properties, alarms', unknown
    subcomponents') as ``writer`` writes them, and the zones those lines need a VTIMEZONE for:
    (TZID as written, earliest year, tzdata zone or None) (:func:`_named_zones`; RFC 5545
    3.2.19).  ``event`` itself when nothing is renamed.  The whole-file writer asks it of each
    event of ``cal`` once the values are written (the file's VTIMEZONEs and the values' zones
    decide a rename); a streamed output of each event on its own (:class:`EventWriter`)."""
    # most events keep no line that could carry a TZID: no look (``_kept_tzids`` walks alarms too)
    tzids: dict[str, None] = {}
    if event.other or event.alarms or event.components:
        _event_tzids(event, tzids)
    if not tzids:
        return event, []
    named, renames = _named_zones(cal, writer, tzids, components=False)
    return (_renamed_event(event, renames) if renames else event), named


def _kept_tzids(cal: m.Calendar, events: list[m.Event]) -> dict[str, None]:
    """The TZIDs named by a TZID parameter of a line the model keeps as read: the calendar's
    own (``X-MS-OLK-WKHRSTART;TZID=…``), an event's or an alarm's X- lines, an event's or an
    alarm's unknown subcomponents.  RFC 5545 3.2.19 wants a VTIMEZONE for each, as for the
    values' TZIDs (``timezones.add_vtimezones`` looked at every property).  In file order."""
    found: dict[str, None] = {}
    _line_tzids(cal.other, found)
    for event in events:
        _event_tzids(event, found)
    return found


def _event_tzids(event: m.Event, found: dict[str, None]) -> None:
    """:func:`_kept_tzids` of one event, into ``found``; a call only for what the event has
    (:func:`kept_line_zones` asks it of every event of a calendar)."""
    if event.other:
        _line_tzids(event.other, found)
    for alarm in event.alarms:
        if alarm.other:
            _line_tzids(alarm.other, found)
        if alarm.components:
            _component_tzids(alarm.components, found)
    if event.components:
        _component_tzids(event.components, found)


def _line_tzids(lines: tuple[m.Line, ...], found: dict[str, None]) -> None:
    for line in lines:
        if line.params:
            for param in line.params:
                if param.name == "TZID":
                    found.update(dict.fromkeys(param.values))


def _component_tzids(components: tuple[m.RawComponent, ...], found: dict[str, None]) -> None:
    for comp in components:
        for text in comp.lines:
            for tzid in _TZID_PARAM.findall(_head_of(text)):
                found[tzid.strip('"')] = None


_TZID_PARAM = re.compile(r';TZID=("[^"]*"|[^;:]*)', re.I)


def _head_of(line: str) -> str:
    """A content line's name and parameters, up to the first colon outside a quoted value
    (RFC 5545 3.1), with that colon."""
    quoted = False
    for at, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            return line[:at + 1]
    return line


def _named_zones(cal: m.Calendar, writer: "_Writer", kept_tzids: Iterable[str] = (), components: bool = True
                 ) -> tuple[list[tuple[str, int, str | None]], tuple[tuple[str, str], ...]]:
    """(TZID as written, earliest year, tzdata zone or None) of the TZIDs named by kept lines
    (:func:`_kept_tzids`; from 1970, their values being no dates the writer reads) and by the
    calendar's other components (a VTODO's DUE: ``tzids`` of an .ics file's component,
    ``io/ics_layout``), which get a VTIMEZONE as the values of events do; and the renames of
    ``--tzid-style windows``: every TZID tzdata describes is written with its Windows name —
    one the file defines no VTIMEZONE for, and one whose file VTIMEZONE the values' zone
    replaces (written under the Windows name) — so a kept line or a VTODO names the same
    VTIMEZONE as the events, never one that is not written.

    ``X-WR-TIMEZONE`` (Apple's, Google's) is a value, not a TZID: its readers (Google
    Calendar, Apple Calendar, the x-wr-timezone library, this project's reader) look the name
    up in tzdata, not among the VTIMEZONEs, so its IANA name is kept under ``windows`` style
    (a Windows name there would make it unreadable to them; it shifts nothing)."""
    from ..timezones import resolve_name
    own = {vtz.tzid for vtz in cal.timezones}
    # TZIDs the events' values were read with from tzdata: their file VTIMEZONE is replaced
    replaced = {zone.tzid for zone, _year in writer.used.values() if zone.kind == "iana"} if own else set()
    renames: dict[str, str] = {}

    def written(tzid: str, iana: str | None) -> str:
        if writer.style == "windows" and iana and iana not in writer.keep and (tzid not in own or tzid in replaced):
            renames[tzid] = _windows_name(tzid, iana)
        return renames.get(tzid, tzid)

    out: list[tuple[str, int, str | None]] = []
    for tzid in kept_tzids:
        resolved = resolve_name(tzid)
        iana = None if resolved is None else resolved.iana if resolved.iana != "UTC" else "Etc/UTC"
        out.append((written(tzid, iana), 1970, iana))
    for comp in cal.components if components else ():
        for tzid, year, iana in getattr(comp, "tzids", ()):
            out.append((written(tzid, iana), year, iana))
    return out, tuple(sorted((a, b) for a, b in renames.items() if a != b))


def _renamed_calendar(cal: m.Calendar, renames: tuple[tuple[str, str], ...]) -> m.Calendar:
    """``cal`` with the TZID parameters of its own kept lines renamed."""
    return dataclasses.replace(cal, other=_renamed_lines(cal.other, dict(renames)))


def _renamed_event(event: m.Event, renames: tuple[tuple[str, str], ...]) -> m.Event:
    """``event`` with the TZID parameters of its kept lines, its alarms' and its unknown
    subcomponents' renamed (the values' TZIDs are the writer's)."""
    mapping = dict(renames)
    alarms = tuple(dataclasses.replace(a, other=_renamed_lines(a.other, mapping),
                                       components=_renamed_components(a.components, renames)) for a in event.alarms)
    return dataclasses.replace(event, other=_renamed_lines(event.other, mapping), alarms=alarms,
                               components=_renamed_components(event.components, renames))


def _renamed_lines(lines: tuple[m.Line, ...], mapping: dict[str, str]) -> tuple[m.Line, ...]:
    out = []
    for line in lines:
        if line.params and any(p.name == "TZID" and any(v in mapping for v in p.values) for p in line.params):
            params = tuple(m.Param("TZID", tuple(mapping.get(v, v) for v in p.values)) if p.name == "TZID" else p
                           for p in line.params)
            line = line._replace(params=params, text=f"{line.name}{_ptext(params)}:{line.value}")
        out.append(line)
    return tuple(out)


def _renamed_components(components: tuple[m.RawComponent, ...], renames: tuple[tuple[str, str], ...]
                        ) -> tuple[m.RawComponent, ...]:
    return tuple(dataclasses.replace(comp, lines=_component_lines(comp, renames)) for comp in components)


def _component_lines(comp: m.RawComponent, renames: tuple[tuple[str, str], ...] = ()) -> tuple[str, ...]:
    """A component other than VEVENT and VTIMEZONE: its lines (an .ics file's as icalendar
    writes them, ``io/ics_layout``), its TZID parameters renamed by ``renames``."""
    if not renames:
        return comp.lines
    swaps = [(_ptext((m.Param("TZID", (old,)),)), _ptext((m.Param("TZID", (new,)),))) for old, new in renames]
    return tuple(_renamed(line, swaps) for line in comp.lines)


def _renamed(line: str, swaps: list[tuple[str, str]]) -> str:
    """``line`` with a ``;TZID=…`` parameter (as the writer quotes it) swapped, among its name and
    parameters only (up to the first colon outside a quoted value, RFC 5545 3.1)."""
    head = _head_of(line)
    rest = line[len(head):]
    for old, new in swaps:
        for end in (";", ":"):
            if old + end in head:
                head = head.replace(old + end, new + end, 1)
                break
    return head + rest


def _placed(cal: m.Calendar, kept: list[tuple[m.TimezoneDef, tuple[str, ...]]],
            renames: tuple[tuple[str, str], ...]) -> list[tuple[int, tuple[str, ...]]]:
    """(position, lines) of the file's own VTIMEZONEs and other components when the calendar
    says where the file had them (``io/ics_layout``: an .ics written again keeps the file's
    order; ``position``: how many events come before it), else empty."""
    if not any(getattr(c, "position", None) is not None for c in (*cal.timezones, *cal.components)):
        return []
    out = [(getattr(vtz, "position", 0), lines) for vtz, lines in kept]
    out += [(getattr(comp, "position", 0), _component_lines(comp, renames)) for comp in cal.components]
    out.sort(key=_first)  # stable: the file's order among those at one place
    return out


def _interleaved(body: list[Any], starts: list[int], placed: list[tuple[int, tuple[str, ...]]], fit: Any
                 ) -> list[Any]:
    """The events' lines (event k's from ``starts[k]``) with each placed component's lines
    before event number ``position`` (after the last event when there are not that many)."""
    out: list[Any] = []
    done = 0
    for position, lines in placed:
        if position < len(starts):
            out += body[done:starts[position]]
            done = starts[position]
        else:
            out += body[done:]
            done = len(body)
        out += [fit(line) for line in lines]
    out += body[done:]
    return out


def calendar_head(cal: m.Calendar) -> list[str]:
    """The VCALENDAR's own properties, in icalendar's order."""
    key = _SORT_KEYS["VCALENDAR"]
    # VERSION is not TEXT (RFC 5545 3.7.4: ``minver ";" maxver``): its semicolon stays one
    pairs = [(key["VERSION"], "VERSION:" + ";".join(_escape(part) for part in (cal.version or "2.0").split(";"))),
             (key["PRODID"], f"PRODID:{_escape(cal.prodid or PRODID)}")]
    if cal.calscale:
        pairs.append((key["CALSCALE"], f"CALSCALE:{_escape(cal.calscale)}"))
    if cal.method:
        pairs.append((key["METHOD"], f"METHOD:{_escape(cal.method)}"))
    pairs += [(_sort_key("VCALENDAR", line.name), _line_text(line)) for line in cal.other]
    return _sorted_lines("VCALENDAR", pairs)


def to_bytes(lines_out: list[str]) -> bytes:
    """Unfolded lines → folded .ics bytes: a line of at most 74 ASCII characters as it is, any
    other through ``fastics.fold`` (75 octets, never inside a UTF-8 character); one encode."""
    return ("\r\n".join([line if len(line) < 75 and line.isascii() else fold(line).decode("utf-8")
                          for line in lines_out]) + "\r\n").encode("utf-8")


def event_lines(event: m.Event, tzid_style: str = "iana") -> tuple[list[str], dict[str, tuple[m.Zone, int]]]:
    """One VEVENT's content lines (unfolded) and the zones it uses (TZID as written → zone,
    earliest year), for writers that place the VTIMEZONEs themselves (a streamed output)."""
    writer = _Writer(tzid_style)
    out: list[str] = []
    writer.event(event, out)
    return out, writer.used




class EventWriter:
    """VEVENTs written one at a time, each on its own, for an output that places the
    VTIMEZONEs itself (a streamed .ics, ``io/stream._IcsSpool``): the bytes
    :func:`write_calendar` writes for the event (folded as it folds them), and what the event
    needs of the VTIMEZONEs.  One writer serves every event, so its memos (a zone's TZID
    parameter, the lines that repeat) are warm, while what it records of the zones is the
    event's own."""

    __slots__ = ("_writer",)

    def __init__(self, style: str = "iana", keep: frozenset[str] = frozenset()) -> None:
        self._writer = _Writer(style, folded=True, keep=keep)

    def write(self, event: m.Event) -> tuple[bytes, dict[str, tuple[m.Zone, int]],
                                            list[tuple[str, int, str | None]], dict[str, dict[str, int]]]:
        """(the VEVENT's bytes, TZID as written → (zone, earliest year) of its values, the zones its
        kept lines name (:func:`kept_line_zones`), TZID → {IANA zone: earliest year} where its
        values wrote two zones under one TZID (``_Writer.shared``))."""
        writer = self._writer
        # the event's own record of zones; a value's line is remembered across events only
        # where writing it records no zone (``last_times``: a zone is noted when first written):
        # a UTC value (the conversion's one DTSTAMP, a stamp shared by events) keeps its line
        writer.used, writer.shared, writer.shared_read = {}, {}, set()
        writer.last_times = {name: last for name, last in writer.last_times.items() if _zone_free(last[0])}
        event, named = kept_line_zones(event, writer)
        lines: list[bytes] = []
        writer.event(event, lines)  # type: ignore[arg-type]
        lines.append(b"")
        return b"\r\n".join(lines), writer.used, named, writer.shared


def _zone_free(value: Any) -> bool:
    """Whether :meth:`_Writer.when` writes ``value`` without noting a zone (``use``): a UTC
    DATE-TIME, written with ``Z`` (RFC 5545 3.3.5 form #2)."""
    return type(value) is m.ZonedDateTime and value.zone.kind == "utc"


#: "00" … "99": a DATE-TIME's two-digit fields by index, not by ``%02d`` formatting.
_TWO_DIGITS = tuple(f"{i:02}" for i in range(100))


#: "0000" … "9999": a DATE's or DATE-TIME's year by index (``datetime.MINYEAR`` to ``MAXYEAR``),
#: not by a call per value (24k at 10k events).
_YEARS = tuple(f"{year:04}" for year in range(10000))


def _date_text(d: date) -> str:
    """DATE (RFC 5545 3.3.4): ``YYYYMMDD``."""
    return f"{_YEARS[d.year]}{_TWO_DIGITS[d.month]}{_TWO_DIGITS[d.day]}"


def _dt_text(dt: datetime) -> str:
    """DATE-TIME (RFC 5545 3.3.5) without its ``Z``: ``YYYYMMDDTHHMMSS``, from a table of two-digit
    texts — ``"%04d%02d…" % (six fields)`` was 40% of the writer's value time (27.6k values on
    bench's Graph calendar: 22 → 9 ms)."""
    two = _TWO_DIGITS
    return f"{_YEARS[dt.year]}{two[dt.month]}{two[dt.day]}T{two[dt.hour]}{two[dt.minute]}{two[dt.second]}"


def duration_text(value: timedelta) -> str:
    """DURATION (RFC 5545 3.3.6) as icalendar writes it: ``[-]P[nD][T[nH][nM][nS]]``, days
    when the value is a whole number of days, ``P0D`` for zero."""
    sign = ""
    if value.days < 0:
        sign, value = "-", -value
    timepart = ""
    if value.seconds:
        hours, rest = divmod(value.seconds, 3600)
        minutes, seconds = divmod(rest, 60)
        timepart = "T" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes or (hours and seconds) else "") \
            + (f"{seconds}S" if seconds else "")
    if value.days == 0 and timepart:
        return f"{sign}P{timepart}"
    return f"{sign}P{abs(value.days)}D{timepart}"


def recur_text(rule: m.Recur, byday: str | None = None) -> str:
    """A RECUR value from the rule's typed parts, in the order icalendar writes them (RFC 5545
    3.3.10's order, RFC 7529's RSCALE first and SKIP last)."""
    parts = []
    if rule.rscale:
        parts.append(f"RSCALE={_escape(rule.rscale)}")
    if rule.freq:
        parts.append(f"FREQ={rule.freq}")
    if rule.until is not None:
        parts.append("UNTIL=" + (_date_text(rule.until) if not isinstance(rule.until, m.ZonedDateTime)
                                 else _until_text(rule.until)))
    if rule.count is not None:
        parts.append(f"COUNT={rule.count}")
    if rule.interval is not None:
        parts.append(f"INTERVAL={rule.interval}")
    for key in ("bysecond", "byminute", "byhour"):
        if getattr(rule, key):
            parts.append(f"{key.upper()}=" + ",".join(str(v) for v in getattr(rule, key)))
    if rule.byday:
        parts.append("BYDAY=" + (byday or ",".join((str(d.n) if d.n else "") + d.day for d in rule.byday)))
    for key in ("bymonthday", "byyearday", "byweekno"):
        if getattr(rule, key):
            parts.append(f"{key.upper()}=" + ",".join(str(v) for v in getattr(rule, key)))
    if rule.bymonth:
        parts.append("BYMONTH=" + ",".join(rule.bymonth))
    if rule.bysetpos:
        parts.append("BYSETPOS=" + ",".join(str(v) for v in rule.bysetpos))
    if rule.wkst:
        parts.append(f"WKST={rule.wkst}")
    if rule.skip:
        parts.append(f"SKIP={rule.skip}")
    parts += [f"{key}={value}" for key, value in rule.other]
    return ";".join(parts)


def _until_text(value: m.ZonedDateTime) -> str:
    """UNTIL is UTC when DTSTART is zoned (RFC 5545 3.3.10); a zoned UNTIL is converted."""
    dt = value.dt
    if value.zone.kind == "floating" or dt.tzinfo is None:
        return dt.strftime("%Y%m%dT%H%M%S")
    return dt.astimezone(_UTC).strftime("%Y%m%dT%H%M%SZ")


_BYDAY = re.compile(r"(?:^|;)BYDAY=([^;]*)", re.IGNORECASE)


def rule_value(rule: m.Recur) -> str:
    """The rule as read when its ``text`` is already in the written order and still says what
    its typed parts say, else rendered from the parts (code that changes a part need not mend
    the text)."""
    rendered = recur_text(rule)
    if rule.text and rule.text != rendered and rule.byday:
        # icalendar writes each BYDAY item as it was written (``+3WE``)
        written = _BYDAY.search(rule.text)
        if written is not None:
            from .model_reader import parse_recur
            try:
                same = parse_recur(f"FREQ=DAILY;BYDAY={written.group(1)}").byday == rule.byday
            except (ValueError, TypeError):
                same = False
            if same:
                rendered = recur_text(rule, written.group(1))
    if rule.text and rule.text != rendered:
        from .model_reader import parse_recur
        try:
            again = parse_recur(rendered, rule.params)
        except (ValueError, TypeError):
            return rule.text
        if again != dataclasses.replace(rule, text=rendered):
            return rule.text  # parts the typed fields do not hold (an odd BYDAY sign…): as read
    return rendered


# -- parameters and text as icalendar writes them

_ptext_cache: dict[m.Params, str] = {}


def _feature_list(params: m.Params) -> m.Params:
    """A CONFERENCE's parameters with FEATURE as the list it is: RFC 7986 5.11 has
    ``featureparam = "FEATURE" "=" featuretext *("," featuretext)``, a token never quoted, so a
    comma in a FEATURE value (the mappers' ``AUDIO,VIDEO``, a producer's quoted
    ``FEATURE="AUDIO,VIDEO"``) separates features.  Written as one value it came out quoted,
    ``FEATURE="AUDIO,VIDEO"``: one feature named ``AUDIO,VIDEO`` to icalendar and to ical
    (Python), where ``FEATURE=AUDIO,VIDEO`` is AUDIO and VIDEO to every reader (ical.js and
    libical 3 read both spellings as the text ``AUDIO,VIDEO``)."""
    if not any(p.name == "FEATURE" and any("," in v for v in p.values) for p in params):
        return params
    return tuple(m.Param("FEATURE", tuple(f.strip() for v in p.values for f in v.split(",") if f.strip()))
                 if p.name == "FEATURE" else p for p in params)


def _ptext(params: m.Params) -> str:
    """``;KEY=value…`` as icalendar writes a property's parameters: sorted by name (a repeated
    name: the last one), RFC 6868-escaped and quoted by icalendar's own rules (``fastics``)."""
    if not params:
        return ""
    found = _ptext_cache.get(params)
    if found is None:
        unique: dict[str, Any] = {}
        for p in params:
            unique[p.name] = p.values[0] if len(p.values) == 1 else list(p.values)
        text = fastics.params_text(tuple(unique.items()))
        found = f";{text}" if text else ""
        remember(_ptext_cache, params, found, 16384)
    return found


_escape = fastics.escape_text


def _line_text(line: m.Line) -> str:
    """A kept line: its value as read, its parameters as icalendar writes them."""
    return f"{line.name}{_ptext(line.params)}:{line.value}"


_utc_like: dict[Any, bool] = {}


def _is_utc(dt: datetime) -> bool:
    """Whether icalendar counts the zone as UTC (every zone that is UTC+0 all year shares its
    UTC entry: Africa/Abidjan, GMT…) and writes the value with ``Z`` (RFC 5545 3.2.19: no TZID)."""
    tz = dt.tzinfo
    found = _utc_like.get(tz)
    if found is None:
        found = _ical_is_utc(dt)
        if len(_utc_like) < 4096:
            _utc_like[tz] = found
    return found


@lru_cache(maxsize=1024)
def _windows_name(tzid: str, iana: str) -> str:
    name = windows_tzid(iana)
    return name if name else tzid


@lru_cache(maxsize=1024)
def _generated_vtimezone(iana: str, tzid: str, year: int) -> tuple[str, ...]:
    """The VTIMEZONE ``timezones.add_vtimezones`` adds, as icalendar writes it (unfolded)."""
    return tuple(line for line in fastics.component_lines(vtimezone(iana, tzid=tzid, start=date(year, 1, 1))))


@lru_cache(maxsize=256)
def _file_vtimezone(lines_in: tuple[str, ...]) -> tuple[str, ...]:
    """A file's VTIMEZONE as icalendar writes it again (its properties sorted)."""
    try:
        component = Timezone.from_ical("\r\n".join([*lines_in, ""]))
    except (ValueError, KeyError, IndexError, TypeError):
        return lines_in
    return tuple(fastics.component_lines(component))


def _same(line: str) -> str:
    return line


_NO_PARAMS: dict[str, m.Params] = {}
_VEVENT = _SORT_KEYS["VEVENT"]
_VALARM = _SORT_KEYS["VALARM"]
_K_UID, _K_DURATION, _K_RID = _sort_key("VEVENT", "UID"), _sort_key("VEVENT", "DURATION"), _sort_key("VEVENT", "RECURRENCE-ID")
_K_PRIORITY, _K_SEQUENCE = _sort_key("VEVENT", "PRIORITY"), _sort_key("VEVENT", "SEQUENCE")
_K_TIMES = tuple((name, _sort_key("VEVENT", name)) for name in ("DTSTAMP", "DTSTART", "DTEND", "CREATED", "LAST-MODIFIED"))
#: (name, sort key, field, memoised: values that repeat across a calendar's events)
_K_TEXTS = tuple((name, _sort_key("VEVENT", name), attr, memoised) for name, attr, memoised in (
    ("SUMMARY", "summary", False), ("DESCRIPTION", "description", False), ("LOCATION", "location", True),
    ("STATUS", "status", True), ("TRANSP", "transparency", True), ("CLASS", "classification", True)))


class _Writer:
    """Writes components into a list of lines and records the zones used.

    ``folded``: the lines are folded UTF-8 octets (``fastics.fold``), made so as they are made
    (``write_calendar`` joins them as they are: no decode of a folded line, no encode of the
    whole text), else unfolded text (``event_lines``).  ``fast``: lines that repeat across a calendar
    are memoised — an address's line per ``Address`` value, a VALARM's lines per ``Alarm``
    value, the TZID parameter per zone — and an address's typed fields are checked against
    its parameters here (:func:`_address_params_fast`); ``fast=False`` is the reference path
    (tests/test_writer_fastpath.py)."""

    __slots__ = ("used", "style", "source_order", "fast", "folded", "fit", "zones", "keep", "shared", "shared_read",
                 "last_times", "vevent")

    def __init__(self, style: str = "iana", source_order: bool = False,
                 fast: bool = True, folded: bool = False, keep: frozenset[str] = frozenset()) -> None:
        self.used: dict[str, tuple[m.Zone, int]] = {}
        #: IANA zones written under their own name in ``windows`` style (``timezones.windows_name_clashes``)
        self.keep = keep
        #: TZID as written → {IANA zone: earliest year} when more than one zone was written under it
        self.shared: dict[str, dict[str, int]] = {}
        #: the TZIDs (as read) of the zones written under a shared TZID: their file VTIMEZONEs replaced
        self.shared_read: set[str] = set()
        self.style = style
        self.source_order = source_order
        self.fast = fast
        self.folded = folded
        self.fit: Any = fold if folded else _same
        #: id(zone) → (zone, TZID as written, ``;TZID=…``): a calendar's values share few zones
        self.zones: dict[int, tuple[m.Zone, str, str]] = {}
        #: fast path: property name → (the value last written without parameters, its line)
        self.last_times: dict[str, tuple[Any, Any]] = {}
        self.vevent = (self.fit("BEGIN:VEVENT"), self.fit("END:VEVENT"))

    # -- values

    def tzid(self, zone: m.Zone) -> str:
        """The TZID to write: as read, or the Windows name of an IANA zone (``windows`` style)."""
        tzid = zone.tzid or ""
        if self.style == "windows" and zone.kind == "iana" and zone.iana and zone.iana not in self.keep:
            return _windows_name(tzid, zone.iana)
        return tzid

    def when(self, value: Any, extra: m.Params = ()) -> tuple[str, str]:
        """``(parameter text, value text)`` of a DATE or DATE-TIME (RFC 5545 3.3.4, 3.3.5)."""
        if extra:
            extra = tuple(p for p in extra if p.name not in _TIME_PARAMS
                          or (p.name == "VALUE" and p.value.upper() == "DATE-TIME" and isinstance(value, m.ZonedDateTime)))
        if isinstance(value, m.ZonedDateTime):
            dt, zone = value
            tz = dt.tzinfo
            if zone.kind == "utc" or (tz is not None and (_utc_like.get(tz) or (tz not in _utc_like and _is_utc(dt)))):
                if dt.tzinfo is not None and dt.tzinfo is not _UTC:
                    dt = dt.astimezone(_UTC)
                return _ptext(extra), _dt_text(dt) + "Z"
            text = _dt_text(dt)
            if zone.kind == "floating" or not zone.tzid:
                return _ptext(extra), text
            if not extra and self.fast:
                found = self.zones.get(id(zone))
                if found is None or found[0] is not zone:
                    tzid = self.tzid(zone)
                    found = self.zones[id(zone)] = (zone, tzid, _ptext((m.Param("TZID", (tzid,)),)))
                used = self.used.get(found[1])
                if used is None or used[0] is not zone or dt.year < used[1]:  # else ``use`` changes nothing
                    self.use(found[1], zone, dt.year)
                return found[2], text
            tzid = self.tzid(zone)
            self.use(tzid, zone, dt.year)
            return _ptext((*extra, m.Param("TZID", (tzid,)))), text
        if isinstance(value, date):
            return _ptext((*extra, m.Param("VALUE", ("DATE",)))), _date_text(value)
        raise TypeError(f"not a date or date-time: {value!r}")

    def use(self, tzid: str, zone: m.Zone, year: int) -> None:
        found = self.used.get(tzid)
        if found is not None and found[0] is not zone and found[0].iana != zone.iana:
            self.share(tzid, found, zone, year)
        if found is None or year < found[1]:
            self.used[tzid] = (zone, year)

    def share(self, tzid: str, found: tuple[m.Zone, int], zone: m.Zone, year: int) -> None:
        """Two zones written under one TZID (two IANA zones with one Windows name): noted for
        ``timezones.windows_name_clashes``."""
        zones = self.shared.setdefault(tzid, {})
        self.shared_read.update(z.tzid for z in (found[0], zone) if z.tzid)
        for iana, first in ((found[0].iana, found[1]), (zone.iana, year)):
            if iana:
                zones[iana] = min(first, zones.get(iana, first))

    def date_list(self, name: str, line: m.DateList) -> list[str]:
        """EXDATE/RDATE lines: one per run of values written with the same parameters (a line
        has one VALUE and one TZID, RFC 5545 3.8.5.1), at most :data:`MAX_LIST_VALUES` each."""
        # a VALUE=DATE-TIME as read stays on date-times (icalendar keeps it), the value decides the rest
        extra = tuple(p for p in line.params if p.name != "TZID")
        if not line.values:
            return [f"{name}{_ptext(line.params)}:"]
        runs: list[tuple[str, list[str]]] = []
        for value in line.values:
            if isinstance(value, m.Period):
                ptext = _ptext((*(p for p in extra if p.name != "VALUE"), m.Param("VALUE", ("PERIOD",)),
                                *(p for p in self._zone_params(value.start) if p.name == "TZID")))
                vtext = self.period(value)
            else:
                ptext, vtext = self.when(value, extra)
            if runs and runs[-1][0] == ptext:
                runs[-1][1].append(vtext)
            else:
                runs.append((ptext, [vtext]))
        out: list[str] = []
        for ptext, texts in runs:
            for start in range(0, len(texts), MAX_LIST_VALUES):
                out.append(f"{name}{ptext}:" + ",".join(texts[start:start + MAX_LIST_VALUES]))
        return out

    def _zone_params(self, value: m.ZonedDateTime) -> m.Params:
        zone = value.zone
        if zone.kind in ("utc", "floating") or not zone.tzid or (value.dt.tzinfo is not None and _is_utc(value.dt)):
            return ()
        return (m.Param("TZID", (self.tzid(zone),)),)

    def period(self, value: m.Period) -> str:
        start = self.when(value.start)[1]
        if value.end is not None:
            return f"{start}/{self.when(value.end)[1]}"
        return f"{start}/{duration_text(value.duration or timedelta(0))}"

    def address(self, name: str, addr: m.Address) -> str:
        """An ATTENDEE or ORGANIZER line (folded when the writer folds)."""
        if not self.fast:
            return self.fit(f"{name}{_ptext(_address_params(addr))}:{addr.address}")
        by_id = _ADDRESS_BY_ID[self.folded][name]
        known = by_id.get(id(addr))
        if known is not None and known[0] is addr:
            return known[1]
        memo = _ADDRESS_LINES[self.folded]
        # keyed by every field (one C call; the dataclass's own hash and == are Python code);
        # unhashable fields fail in _ptext on the general path too
        key = (name, _address_value(addr))
        found = memo.get(key)
        if found is None:
            found = self.fit(f"{name}{_ptext(_address_params_fast(addr))}:{addr.address}")
            remember(memo, key, found, _MEMO_SIZE)
        remember(by_id, id(addr), (addr, found), _MEMO_SIZE)
        return found

    # -- components

    def event(self, ev: m.Event, out: list[str]) -> None:
        """One VEVENT: its properties in icalendar's order, then its alarms and components."""
        params = dict(ev.params) if ev.params else _NO_PARAMS
        fit = self.fit
        pairs: list[tuple[str, str]] = []
        append = pairs.append
        if ev.uid is not None:
            append((_K_UID, fit(f"UID{_ptext(params.get('UID', ()))}:{_escape(ev.uid)}")))
        # fast path: the value last written under a name without parameters is remembered with
        # its line, and the same object again takes that line (Graph's and Google's mappers give
        # every event one DTSTAMP, the conversion's time); its zone was noted (``use``) by this
        # writer when it was first written
        last_times, when, fast = self.last_times, self.when, self.fast
        for (name, key), value in zip(_K_TIMES, (ev.stamp, ev.start, ev.end, ev.created, ev.last_modified)):
            if value is not None:
                last = last_times.get(name)
                if last is None or last[0] is not value or name in params:
                    ptext, vtext = when(value, params[name]) if name in params else when(value)
                    last = (value, fit(f"{name}{ptext}:{vtext}"))
                    if fast and name not in params:
                        last_times[name] = last
                append((key, last[1]))
        if ev.duration is not None:
            append((_K_DURATION, fit(f"DURATION{_ptext(params.get('DURATION', ()))}:{duration_text(ev.duration)}")))
        if ev.recurrence_id is not None:
            rid = ev.recurrence_id
            extra = tuple(p for p in params.get("RECURRENCE-ID", ()) if p.name != "RANGE")
            if rid.range:
                extra = (*extra, m.Param("RANGE", (rid.range,)))
            ptext, vtext = self.when(rid.value, extra)
            append((_K_RID, fit(f"RECURRENCE-ID{ptext}:{vtext}")))
        # fast path: lines of a short TEXT (STATUS, TRANSP, CLASS, a calendar's few LOCATIONs) or
        # of an INTEGER (SEQUENCE) without parameters, memoised per (name, value): they repeat
        memo = _SIMPLE_LINES[self.folded] if fast else _NO_LINES
        for name, key, attr, memoised in _K_TEXTS:
            text = getattr(ev, attr)
            if text is not None:
                found = memo.get((name, text)) if memoised and type(text) is str else None
                if found is None or name in params:
                    found = fit(f"{name}{_ptext(params[name]) if name in params else ''}:{_escape(text)}")
                    if memoised:
                        _remember_simple(memo, name, text, params, found)
                append((key, found))
        for name, key, number in (("PRIORITY", _K_PRIORITY, ev.priority), ("SEQUENCE", _K_SEQUENCE, ev.sequence)):
            if number is not None:
                found = memo.get((name, number)) if type(number) is int else None
                if found is None or name in params:
                    found = fit(f"{name}{_ptext(params.get(name, ()))}:{number}")
                    _remember_simple(memo, name, number, params, found)
                append((key, found))
        if ev.url is not None:
            append(("1URL", fit(f"URL{_ptext(params.get('URL', ()))}:{ev.url}")))
        if ev.geo is not None:
            append(("1GEO", fit(f"GEO{_ptext(params.get('GEO', ()))}:{_float_text(ev.geo.latitude)};"
                                f"{_float_text(ev.geo.longitude)}")))
        for comment in ev.comments:
            append(("1COMMENT", fit(f"COMMENT:{_escape(comment)}")))
        if ev.organizer is not None:
            append(("1ORGANIZER", self.address("ORGANIZER", ev.organizer)))
        for name, rules in (("RRULE", ev.rrules), ("EXRULE", ev.exrules)):
            for rule in rules:
                append((_sort_key("VEVENT", name), fit(f"{name}{_ptext(rule.params)}:{rule_value(rule)}")))
        for name, dates in (("RDATE", ev.rdates), ("EXDATE", ev.exdates)):
            for line in dates:
                pairs.extend((_VEVENT[name], fit(text)) for text in self.date_list(name, line))
        for cats in ev.categories:
            append(("1CATEGORIES", fit(f"CATEGORIES{_ptext(cats.params)}:" + ",".join(_escape(c) for c in cats.values))))
        for conference in ev.conferences:
            append(("1CONFERENCE", fit(f"CONFERENCE{_ptext(_feature_list(conference.params))}:{conference.uri}")))
        self.tail("VEVENT", ev.attendees, ev.attachments, ev.other, pairs)
        out.append(self.vevent[0])
        out.extend(_sorted_lines("VEVENT", pairs, ev.order if self.source_order else ()))
        for alarm in ev.alarms:
            self.alarm(alarm, out)
        for comp in ev.components:
            out.extend([fit(line) for line in comp.lines])
        out.append(self.vevent[1])

    def texts(self, params: dict[str, m.Params], pairs_in: Iterable[tuple[str, str | None]],
              pairs: list[tuple[str, str]]) -> None:
        """TEXT properties (RFC 5545 3.3.11) of a VALARM with the parameters they were read with."""
        for name, text in pairs_in:
            if text is not None:
                pairs.append((_sort_key("VALARM", name), self.fit(f"{name}{_ptext(params.get(name, ()))}:{_escape(text)}")))

    def tail(self, kind: str, attendees: tuple[m.Address, ...], attachments: tuple[m.Attachment, ...],
             other: tuple[m.Line, ...], pairs: list[tuple[str, str]]) -> None:
        """Attendees, attachments and the kept lines of a VEVENT or VALARM."""
        fit, address, keys = self.fit, self.address, _SORT_KEYS[kind]
        if attendees:
            key = keys.get("ATTENDEE") or "1ATTENDEE"
            if self.fast:  # ``address``'s memo looked in here first: no call per attendee met before
                by_id = _ADDRESS_BY_ID[self.folded]["ATTENDEE"]
                for attendee in attendees:
                    known = by_id.get(id(attendee))
                    pairs.append((key, known[1] if known is not None and known[0] is attendee
                                  else address("ATTENDEE", attendee)))
            else:
                pairs.extend([(key, address("ATTENDEE", attendee)) for attendee in attendees])
        if attachments:
            key = keys.get("ATTACH") or "1ATTACH"
            pairs.extend([(key, fit(_attach_line(attachment))) for attachment in attachments])
        if self.fast:
            self.kept(kind, other, pairs)
        else:
            pairs.extend([self.kept_pair(kind, line) for line in other])

    def kept(self, kind: str, other: tuple[m.Line, ...], pairs: list[tuple[str, Any]]) -> None:
        """The kept lines' (sort key, line), memoised per line value up to
        :data:`_KEPT_MEMO_CHARS`: a Graph or Google mapper's X- lines (busy status, stash JSON…)
        repeat across a calendar, one ``Line`` (a tuple: hashed in C) on many events, and a
        line's text depends on its name, parameters and value alone.  Graph→ICS write step
        0.42 -> 0.39 s at 10k events (A/B, min of 7, three times)."""
        memo = _KEPT_LINES[self.folded][kind]
        for line in other:
            try:
                memoised = len(line.value) <= _KEPT_MEMO_CHARS
                found = memo.get(line) if memoised else None
            except TypeError:  # a part a caller filled with something unhashable (or no text)
                memoised, found = False, None
            if found is None:
                found = self.kept_pair(kind, line)
                if memoised:
                    remember(memo, line, found, _MEMO_SIZE)
            pairs.append(found)

    def kept_pair(self, kind: str, line: m.Line) -> tuple[str, Any]:
        """A kept line's (sort key, line): its value as read, its parameters as icalendar writes them."""
        return _SORT_KEYS[kind].get(line.name) or "1" + line.name, self.fit(_line_text(line))

    def alarm(self, alarm: m.Alarm, out: list[str]) -> None:
        """One VALARM (its lines memoised per ``Alarm`` value on the fast path: reminders repeat)."""
        if not self.fast:
            out.extend(self.alarm_lines(alarm))
            return
        memo = _ALARM_LINES[self.folded]
        try:
            found = memo.get(alarm)
        except TypeError:  # a field a caller filled with something unhashable
            out.extend(self.alarm_lines(alarm))
            return
        if found is None:
            found = tuple(self.alarm_lines(alarm))
            remember(memo, alarm, found, _MEMO_SIZE)
        out.extend(found)

    def alarm_lines(self, alarm: m.Alarm) -> list[str]:
        params = dict(alarm.params) if alarm.params else _NO_PARAMS
        fit = self.fit
        pairs: list[tuple[str, str]] = []
        self.texts(params, (("ACTION", alarm.action),), pairs)
        trigger = alarm.trigger
        if trigger is not None:
            extra = tuple(p for p in trigger.params if p.name not in ("RELATED", "VALUE"))
            if trigger.offset is not None:
                if (m.param(trigger.params, "VALUE") or "").upper() == "DURATION":  # as read (its default)
                    extra = (*extra, m.Param("VALUE", ("DURATION",)))
                if trigger.related != "START" or m.param(trigger.params, "RELATED") is not None:
                    extra = (m.Param("RELATED", (trigger.related,)), *extra)
                pairs.append(("1TRIGGER", fit(f"TRIGGER{_ptext(extra)}:{_trigger_text(trigger)}")))
            elif trigger.at is not None:
                at = trigger.at.dt.astimezone(_UTC) if trigger.at.dt.tzinfo is not None else trigger.at.dt
                pairs.append(("1TRIGGER", fit(f"TRIGGER{_ptext((m.Param('VALUE', ('DATE-TIME',)), *extra))}:"
                                              f"{at.strftime('%Y%m%dT%H%M%S')}{'Z' if at.tzinfo is not None else ''}")))
        self.texts(params, (("DESCRIPTION", alarm.description), ("SUMMARY", alarm.summary)), pairs)
        if alarm.duration is not None:
            pairs.append(("1DURATION", fit(f"DURATION{_ptext(params.get('DURATION', ()))}:{duration_text(alarm.duration)}")))
        if alarm.repeat is not None:
            pairs.append(("1REPEAT", fit(f"REPEAT{_ptext(params.get('REPEAT', ()))}:{alarm.repeat}")))
        self.tail("VALARM", alarm.attendees, alarm.attachments, alarm.other, pairs)
        out = [fit("BEGIN:VALARM"), *_sorted_lines("VALARM", pairs)]
        for comp in alarm.components:
            out.extend([fit(line) for line in comp.lines])
        out.append(fit("END:VALARM"))
        return out

    def timezones(self, defined: Iterable[m.TimezoneDef], named: Iterable[tuple[str, int, str | None]] = ()
                  ) -> tuple[list[str], list[tuple[m.TimezoneDef, tuple[str, ...]]]]:
        """The VTIMEZONEs, as ``timezones.add_vtimezones`` writes them: (the ones generated from
        tzdata, one for each TZID an IANA zone's value used, sorted by TZID, from the earliest
        year used; the file's own kept, each with its lines: file zones and TZIDs no value
        uses) (unfolded).  A file's VTIMEZONE for a TZID an IANA zone's value used is replaced
        by tzdata's, also when that value is written with its Windows name."""
        defined = list(defined)
        wanted = {tzid: (zone.iana if zone.kind == "iana" else None, year, zone.tzid or tzid)
                  for tzid, (zone, year) in self.used.items()}
        own = {vtz.tzid for vtz in defined}
        for tzid, year, iana in named:  # TZIDs lines name: a VTIMEZONE unless the file has one (kept)
            found = wanted.get(tzid)
            if iana and (found is not None or tzid not in own) and (found is None or year < found[1]):
                wanted[tzid] = (iana, year, found[2] if found is not None else tzid)
        out: list[str] = []
        written: set[str] = set()
        for tzid, (iana, year, read_as) in sorted(wanted.items()):
            if iana:
                out += _generated_vtimezone(iana, tzid, max(year, 1))
                written.add(tzid)
                written.add(read_as)
        written |= self.shared_read  # zones written under another zone's TZID (one Windows name)
        kept = []
        for vtz in defined:
            if vtz.tzid not in written:
                kept.append((vtz, _file_vtimezone(vtz.lines)))
                written.add(vtz.tzid)
        return out, kept


#: Memoised lines, per "folded": (name, address's value) → line; Alarm → lines.  Bounded (cleared when full).
_MEMO_SIZE = 8192
_ADDRESS_LINES: dict[bool, dict[tuple[str, tuple[Any, ...]], Any]] = {False: {}, True: {}}
#: An address's value: all its fields, in a tuple.
_address_value = attrgetter(*(f.name for f in dataclasses.fields(m.Address)))
_ALARM_LINES: dict[bool, dict[m.Alarm, tuple[str, ...]]] = {False: {}, True: {}}
#: The same lines by the ``Address`` object (per "folded" and name): the mappers share one
#: immutable ``Address`` per person (``build.make_address``), so most lookups are one ``id``
#: and an ``is`` instead of a tuple of every field, hashed (35k attendees at 10k events).
#: The entry holds the address, so its ``id`` stays its own.
_ADDRESS_BY_ID: dict[bool, dict[str, dict[int, tuple[m.Address, Any]]]] = {
    folded: {"ATTENDEE": {}, "ORGANIZER": {}} for folded in (False, True)}
#: Kept lines, per "folded" and component: Line → (sort key, line); longer values are not kept
#: (stash JSON of one event, HTML descriptions: distinct, and large to hash and hold).
_KEPT_LINES: dict[bool, dict[str, dict[m.Line, tuple[str, Any]]]] = {
    folded: {kind: {} for kind in _SORT_KEYS} for folded in (False, True)}
_KEPT_MEMO_CHARS = 256
#: One-value lines without parameters, per "folded": (name, value) → line (``_Writer.simple_line``);
#: longer texts (summaries, descriptions: mostly distinct) are not kept.
_SIMPLE_LINES: dict[bool, dict[tuple[str, Any], Any]] = {False: {}, True: {}}
_TEXT_MEMO_CHARS = 64
_NO_LINES: dict[Any, Any] = {}  # the general path's: empty, never filled


def _remember_simple(memo: dict[tuple[str, Any], Any], name: str, value: Any, params: dict[str, m.Params],
                     line: Any) -> None:
    """Keep a line of :data:`_SIMPLE_LINES` (``_Writer.event``): one without parameters whose value
    is an exact ``str`` of at most :data:`_TEXT_MEMO_CHARS` (a TEXT, escaped) or an exact ``int``
    (not a bool, ``True == 1``, nor a float, ``1.0 == 1``: written otherwise)."""
    if memo is _NO_LINES or name in params:
        return
    kind = type(value)
    if kind is int or (kind is str and len(value) <= _TEXT_MEMO_CHARS):
        remember(memo, (name, value), line, _MEMO_SIZE)


def _trigger_text(trigger: m.Trigger) -> str:
    """The offset as written when the trigger still says it (Outlook's and Google's
    ``-PT{n}M``), else in icalendar's form."""
    if trigger.text:
        return trigger.text
    return duration_text(trigger.offset or timedelta(0))


def _float_text(value: float) -> str:
    """FLOAT (RFC 5545 3.3.7) has no exponent: ``1e-05`` is written ``0.00001``."""
    text = repr(value)
    if "e" in text or "E" in text:
        text = f"{value:.20f}".rstrip("0").rstrip(".")
    return text


def _attach_line(attachment: m.Attachment) -> str:
    if attachment.data is not None:
        params = attachment.params
        if (m.param(params, "ENCODING") or "").upper() != "BASE64" or (m.param(params, "VALUE") or "").upper() != "BINARY":
            extra = tuple(p for p in params if p.name not in ("VALUE", "ENCODING"))
            params = (m.Param("ENCODING", ("BASE64",)), m.Param("VALUE", ("BINARY",)), *extra)
        return f"ATTACH{_ptext(params)}:" + base64.b64encode(attachment.data).decode("ascii")
    return f"ATTACH{_ptext(attachment.params)}:{attachment.uri or ''}"


_ADDRESS_KEYS = (("CN", "cn"), ("ROLE", "role"), ("PARTSTAT", "partstat"), ("RSVP", "rsvp"),
                 ("CUTYPE", "cutype"), ("DELEGATED-TO", "delegated_to"), ("DELEGATED-FROM", "delegated_from"),
                 ("MEMBER", "member"), ("SENT-BY", "sent_by"), ("DIR", "dir"), ("LANGUAGE", "language"),
                 ("EMAIL", "email"))


def _address_values(addr: m.Address) -> tuple[Any, ...]:
    """The typed fields of ``addr`` in ``model_reader.ADDRESS_KEYS`` order."""
    return (addr.cn, addr.role, addr.partstat, addr.rsvp, addr.cutype, addr.delegated_to, addr.delegated_from,
            addr.member, addr.sent_by, addr.dir, addr.language, addr.email)


def _address_params(addr: m.Address) -> m.Params:
    """The parameters to write: ``params`` as read while the typed fields still say the same
    (as ``model_reader.address_fields`` reads them), else each typed field's value in place of
    (or after) its parameter, the rest as read."""
    values = _address_values(addr)
    if values == address_fields(addr.params)[1]:
        return addr.params
    return _address_params_rewritten(addr, values)


def _address_params_fast(addr: m.Address) -> m.Params:
    """:func:`_address_params`, the typed fields read from ``params`` here in one pass
    (:func:`_typed_values`) instead of ``model_reader``'s keyword dictionaries."""
    values = _address_values(addr)
    if values == _typed_values(addr.params):
        return addr.params
    return _address_params_rewritten(addr, values)


#: Where each typed address parameter goes in :func:`_address_values`' tuple.
_TYPED_INDEX = {name: ADDRESS_KEYS.index(key) for name, key in _ADDRESS_KEYS}
_LIST_INDEXES = frozenset({_TYPED_INDEX["DELEGATED-TO"], _TYPED_INDEX["DELEGATED-FROM"], _TYPED_INDEX["MEMBER"]})
_RSVP_INDEX = _TYPED_INDEX["RSVP"]
_NO_TYPED = tuple(() if i in _LIST_INDEXES else None for i in range(len(_TYPED_INDEX)))


def _typed_values(params: m.Params) -> tuple[Any, ...]:
    """``model_reader.address_fields(params)[1]``: the last of a repeated parameter wins, a
    single-valued one is its values joined with commas (``Param.value``), the list ones
    (DELEGATED-TO, DELEGATED-FROM, MEMBER) their values, RSVP whether it says TRUE (any case)."""
    values = list(_NO_TYPED)
    index = _TYPED_INDEX.get
    for name, found in params:
        i = index(name)
        if i is None:
            continue
        if i in _LIST_INDEXES:
            values[i] = found
            continue
        value = found[0] if len(found) == 1 else ",".join(found)
        values[i] = value.upper() == "TRUE" if i == _RSVP_INDEX else value
    return tuple(values)


def _address_params_rewritten(addr: m.Address, values: tuple[Any, ...]) -> m.Params:
    """Each typed field's value in place of (or after) its parameter, the rest as read."""
    current = dict(zip(ADDRESS_KEYS, values))
    out: list[m.Param] = []
    done: set[str] = set()
    typed = dict(_ADDRESS_KEYS)
    for p in addr.params:
        key = typed.get(p.name)
        if key is None:
            out.append(p)
        elif p.name not in done:
            done.add(p.name)
            piece = _address_param(p.name, current[key])
            if piece is not None:
                out.append(piece)
    for name, key in _ADDRESS_KEYS:
        if name not in done:
            piece = _address_param(name, current[key])
            if piece is not None:
                out.append(piece)
    return tuple(out)


def _address_param(name: str, value: Any) -> m.Param | None:
    if value is None or value == ():
        return None
    if isinstance(value, bool):
        return m.Param(name, ("TRUE" if value else "FALSE",))
    if isinstance(value, tuple):
        return m.Param(name, value)
    return m.Param(name, (value,))
