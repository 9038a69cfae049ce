"""Independent iCalendar readers, for checking what ics-bridge writes (and what it is given).

Every reader turns iCalendar text into the same :class:`Reading`:

* ``events``: one :class:`EventReading` per VEVENT, as (UID, RECURRENCE-ID or None, start, end);
* ``occurrences``: per UID, the sorted start of every occurrence that starts inside the window
  ``[start, end)``, after RRULE/RDATE expansion, EXDATE removal and RECURRENCE-ID overrides
  (a UID with no occurrence in the window has no key);
* ``errors``: what the reader refused or could not do (a reader that rejects a whole file returns
  an empty reading with the reason here instead of raising).

Value format, the same for every reader, so readings compare with ``==``:

* DATE -> ``"YYYY-MM-DD"``
* DATE-TIME in UTC, with a resolvable TZID, or with an offset -> UTC ``"YYYY-MM-DDTHH:MM:SSZ"``
* floating DATE-TIME (no TZID, no Z; or a TZID the reader could not resolve) -> ``"YYYY-MM-DDTHH:MM:SS"``

A missing DTEND/DURATION gives RFC 5545's default end (DATE: next day; DATE-TIME: the start).
For the window test a DATE counts as midnight UTC and a floating time as if it were UTC.

Readers (names are the keys of :data:`READERS`):

``icaljs``
    ical.js 2.x (Thunderbird's parser) through node: ``tests/interop/icaljs_read.mjs``.
    Needs ``node`` and ``npm ci`` in ``tests/interop`` (``.ci/run`` does it).
``libical``
    libical 3 through GObject introspection (``gir1.2-ical-3.0``, ``python3-gi``), run as
    ``/usr/bin/python3 tests/interop/libical_read.py`` because the project venv has no ``gi``.
    RecurIterator expands RRULE; RDATE, EXDATE and overrides are applied by that script.
``ical``
    the ``ical`` package (allenporter/ical, Home Assistant's parser): strict pydantic models,
    ``Calendar.timeline_tz(UTC)`` for expansion.
``recurring_ical_events``
    ``recurring-ical-events`` on top of ``icalendar``, at face value (X-WR-TIMEZONE not applied).
``recurring_ical_events_xwr``
    the same through ``recurring_ical_events.of()``, which first rewrites the calendar with
    ``x_wr_timezone.to_standard`` the way Google means an X-WR-TIMEZONE export. Not one of the
    :data:`DEFAULT_READERS`: it answers a different question.
``vobject``
    ``vobject`` (``getrruleset(addRDate=True)`` for RRULE/RDATE/EXDATE; overrides applied here).

None of them imports ``ics_bridge``: they are the independent side of a check.

Use from tests::

    from interop import readers   # tests/conftest.py puts tests/ on sys.path
    reading = readers.read("icaljs", ics_text, ("2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z"))

    @pytest.mark.parametrize("name", readers.DEFAULT_READERS)
    def test_x(name):
        readers.require(name)        # pytest.skip with the reason when the reader is missing
"""
from __future__ import annotations

import datetime as dt
import functools
import importlib.metadata
import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
ICALJS_SCRIPT = HERE / "icaljs_read.mjs"
LIBICAL_SCRIPT = HERE / "libical_read.py"
SYSTEM_PYTHON = os.environ.get("ICS_BRIDGE_SYSTEM_PYTHON", "/usr/bin/python3")
SUBPROCESS_TIMEOUT = 60  # seconds; one file should take well under one
MAX_OCCURRENCES = 5000  # per UID, same bound as the scripts

UTC = dt.timezone.utc
Window = tuple[str, str]


class ReaderUnavailable(RuntimeError):
    """The reader's library or runtime is not installed here."""


@dataclass(frozen=True)
class EventReading:
    uid: str
    recurrence_id: str | None
    start: str
    end: str | None


@dataclass
class Reading:
    reader: str  # name and version, e.g. "ical.js 2.2.1"
    events: list[EventReading] = field(default_factory=list)
    occurrences: dict[str, list[str]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def event_set(self) -> list[EventReading]:
        """Events in a canonical order (readers list them in different orders)."""
        return canonical(self.events)

    @classmethod
    def from_json(cls, data: dict) -> "Reading":
        return cls(
            reader=data["reader"],
            events=[EventReading(e["uid"], e["recurrence_id"], e["start"], e["end"]) for e in data["events"]],
            occurrences={k: list(v) for k, v in data["occurrences"].items() if v},
            errors=list(data.get("errors", [])),
        )


def canonical(events) -> list[EventReading]:
    """``events`` in the canonical order used by :meth:`Reading.event_set`."""
    return sorted(events, key=lambda e: (e.uid, e.recurrence_id or "", e.start, e.end or ""))


# --------------------------------------------------------------------------- value helpers


def fmt(value: dt.date | dt.datetime) -> str:
    """Format a date/datetime in the shared reading format."""
    if isinstance(value, dt.datetime):
        value = value.replace(microsecond=0)
        if value.tzinfo is None or value.utcoffset() is None:
            return value.strftime("%Y-%m-%dT%H:%M:%S")
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.strftime("%Y-%m-%d")


def sort_key(value: str) -> str:
    """Comparable key: DATE as midnight, floating as if UTC (all strings then sort as times)."""
    return value + "T00:00:00" if len(value) == 10 else value[:19]


def in_window(value: str, window: Window) -> bool:
    return sort_key(window[0]) <= sort_key(value) < sort_key(window[1])


def _window_datetimes(window: Window) -> tuple[dt.datetime, dt.datetime]:
    return tuple(dt.datetime.fromisoformat(w.replace("Z", "+00:00")).astimezone(UTC) for w in window)  # type: ignore[return-value]


def _finish(occurrences: dict[str, list[str]], window: Window) -> dict[str, list[str]]:
    """Window filter, sort, bound; UIDs with no occurrence in the window are left out."""
    out = {uid: sorted((v for v in values if in_window(v, window)), key=sort_key)[:MAX_OCCURRENCES]
           for uid, values in occurrences.items()}
    return {uid: values for uid, values in out.items() if values}


def _default_end(start: dt.date | dt.datetime) -> dt.date | dt.datetime:
    if isinstance(start, dt.datetime):
        return start
    return start + dt.timedelta(days=1)


# --------------------------------------------------------------------------- availability


@functools.cache
def unavailable_reason(name: str) -> str | None:
    """None when reader ``name`` can run here, else a human-readable reason."""
    if name == "icaljs":
        if shutil.which("node") is None:
            return "ical.js not installed: node is not on PATH"
        if not (HERE / "node_modules" / "ical.js" / "package.json").exists():
            return "ical.js not installed: run .ci/run or `npm ci` in tests/interop"
        return None
    if name == "libical":
        if not Path(SYSTEM_PYTHON).exists():
            return f"libical not installed: {SYSTEM_PYTHON} not found"
        probe = subprocess.run(
            [SYSTEM_PYTHON, "-c", "import gi; gi.require_version('ICalGLib', '3.0'); from gi.repository import ICalGLib"],
            capture_output=True, text=True, timeout=SUBPROCESS_TIMEOUT,
        )
        if probe.returncode != 0:
            return ("libical not installed: run .ci/run or `apt-get install -y gir1.2-ical-3.0 python3-gi` "
                    f"({probe.stderr.strip().splitlines()[-1] if probe.stderr.strip() else 'gi probe failed'})")
        return None
    modules = {
        "ical": ["ical"],
        "recurring_ical_events": ["recurring_ical_events", "icalendar"],
        "recurring_ical_events_xwr": ["recurring_ical_events", "icalendar", "x_wr_timezone"],
        "vobject": ["vobject", "dateutil"],
    }
    if name not in modules:
        return f"unknown reader {name!r}"
    for module in modules[name]:
        try:
            __import__(module)
        except ImportError as exc:
            return f"{module} not installed: pip install -e '.[test]' ({exc})"
    return None


def require(name: str) -> None:
    """Skip the calling test, with the reason, when reader ``name`` is not available."""
    reason = unavailable_reason(name)
    if reason is not None:
        import pytest

        pytest.skip(reason)


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "?"


# --------------------------------------------------------------------------- subprocess readers


def _run_script(cmd: list[str], text: str) -> Reading:
    proc = subprocess.run(cmd, input=text.encode("utf-8", "surrogateescape"), capture_output=True,
                          timeout=SUBPROCESS_TIMEOUT)
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[0]} {cmd[1]} failed ({proc.returncode}): {proc.stderr.decode(errors='replace')[-2000:]}")
    return Reading.from_json(json.loads(proc.stdout))


def read_icaljs(text: str, window: Window) -> Reading:
    if (reason := unavailable_reason("icaljs")) is not None:
        raise ReaderUnavailable(reason)
    return _run_script(["node", str(ICALJS_SCRIPT), window[0], window[1]], text)


def read_libical(text: str, window: Window) -> Reading:
    if (reason := unavailable_reason("libical")) is not None:
        raise ReaderUnavailable(reason)
    return _run_script([SYSTEM_PYTHON, str(LIBICAL_SCRIPT), window[0], window[1]], text)


# --------------------------------------------------------------------------- in-process readers


def read_ical(text: str, window: Window) -> Reading:
    """allenporter/ical: strict parser; Calendar.timeline_tz(UTC) applies EXDATE and overrides."""
    if (reason := unavailable_reason("ical")) is not None:
        raise ReaderUnavailable(reason)
    from ical.calendar_stream import IcsCalendarStream

    reading = Reading(reader=f"ical {_version('ical')}")
    try:
        calendar = IcsCalendarStream.calendar_from_ics(text)
    except Exception as exc:  # the library's own refusal of the file is the finding
        reading.errors.append(f"parse: {type(exc).__name__}: {exc}")
        return reading
    masters: dict[str, object] = {}
    for event in calendar.events:
        if event.dtstart is None:
            reading.errors.append(f"{event.uid}: no DTSTART")
            continue
        rid = None
        if event.recurrence_id is not None:
            rid = _recurrence_id_from_ical(str(event.recurrence_id), event.dtstart)
        end = event.end if (event.dtend is not None or event.duration is not None) else _default_end(event.dtstart)
        reading.events.append(EventReading(event.uid, rid, fmt(event.dtstart), fmt(end)))
        if rid is None:
            masters.setdefault(event.uid, event)
    w_start, w_end = _window_datetimes(window)
    occurrences: dict[str, list[str]] = {}
    try:
        for occ in calendar.timeline_tz(UTC).overlapping(w_start, w_end):
            start = occ.dtstart
            master = masters.get(occ.uid)
            if isinstance(start, dt.datetime) and master is not None and _is_floating(master.dtstart):
                start = start.replace(tzinfo=None)  # timeline_tz pins floating times to UTC
            occurrences.setdefault(occ.uid, []).append(fmt(start))
    except Exception as exc:
        reading.errors.append(f"expand: {type(exc).__name__}: {exc}")
    reading.occurrences = _finish(occurrences, window)
    return reading


def _is_floating(value: dt.date | dt.datetime) -> bool:
    return isinstance(value, dt.datetime) and value.tzinfo is None


def _recurrence_id_from_ical(raw: str, dtstart: dt.date | dt.datetime) -> str:
    """ical keeps RECURRENCE-ID as its text without TZID; read it in the event's zone (RFC 5545
    wants RECURRENCE-ID in the zone of the master's DTSTART, which the override's normally shares)."""
    if len(raw) == 8:
        return fmt(dt.datetime.strptime(raw, "%Y%m%d").date())
    when = dt.datetime.strptime(raw.rstrip("Z"), "%Y%m%dT%H%M%S")
    if raw.endswith("Z"):
        return fmt(when.replace(tzinfo=UTC))
    if isinstance(dtstart, dt.datetime) and dtstart.tzinfo is not None:
        return fmt(when.replace(tzinfo=dtstart.tzinfo))
    return fmt(when)


def _icalendar_events(calendar) -> tuple[list[EventReading], list[str]]:
    events, errors = [], []
    for comp in calendar.walk("VEVENT"):
        uid = str(comp.get("UID", ""))
        if comp.get("DTSTART") is None:
            errors.append(f"{uid}: no DTSTART")
            continue
        start = comp.decoded("DTSTART")
        if "DTEND" in comp:
            end = comp.decoded("DTEND")
        elif "DURATION" in comp:
            end = start + comp.decoded("DURATION")
        else:
            end = _default_end(start)
        rid = fmt(comp.decoded("RECURRENCE-ID")) if "RECURRENCE-ID" in comp else None
        events.append(EventReading(uid, rid, fmt(start), fmt(end)))
    return events, errors


def _read_recurring_ical_events(text: str, window: Window, *, x_wr_timezone: bool) -> Reading:
    import icalendar
    import recurring_ical_events

    name = "recurring_ical_events_xwr" if x_wr_timezone else "recurring_ical_events"
    reading = Reading(reader=f"{name} {_version('recurring-ical-events')} (icalendar {_version('icalendar')})")
    try:
        calendar = icalendar.Calendar.from_ical(text)
        if x_wr_timezone:
            query = recurring_ical_events.of(calendar)
            calendar = __import__("x_wr_timezone").to_standard(calendar)
        else:
            query = recurring_ical_events.CalendarQuery(calendar)
    except Exception as exc:
        reading.errors.append(f"parse: {type(exc).__name__}: {exc}")
        return reading
    reading.events, reading.errors = _icalendar_events(calendar)
    w_start, w_end = _window_datetimes(window)
    occurrences: dict[str, list[str]] = {}
    try:
        for occ in query.between(w_start, w_end):
            occurrences.setdefault(str(occ.get("UID", "")), []).append(fmt(occ.decoded("DTSTART")))
    except Exception as exc:
        reading.errors.append(f"expand: {type(exc).__name__}: {exc}")
    reading.occurrences = _finish(occurrences, window)
    return reading


def read_recurring_ical_events(text: str, window: Window) -> Reading:
    if (reason := unavailable_reason("recurring_ical_events")) is not None:
        raise ReaderUnavailable(reason)
    return _read_recurring_ical_events(text, window, x_wr_timezone=False)


def read_recurring_ical_events_xwr(text: str, window: Window) -> Reading:
    if (reason := unavailable_reason("recurring_ical_events_xwr")) is not None:
        raise ReaderUnavailable(reason)
    return _read_recurring_ical_events(text, window, x_wr_timezone=True)


def read_vobject(text: str, window: Window) -> Reading:
    """vobject: getrruleset(addRDate=True) gives RRULE+RDATE-EXDATE; overrides applied here."""
    if (reason := unavailable_reason("vobject")) is not None:
        raise ReaderUnavailable(reason)
    import vobject

    reading = Reading(reader=f"vobject {_version('vobject')}")
    _reset_vobject_tzids()
    try:
        vevents = [ev for top in vobject.readComponents(text) for ev in _vobject_vevents(top)]
    except Exception as exc:
        reading.errors.append(f"parse: {type(exc).__name__}: {exc}")
        return reading
    masters: dict[str, object] = {}
    overrides: dict[str, list[tuple[str, str]]] = {}  # uid -> [(recurrence-id key, new start)]
    for ev in vevents:
        uid = ev.uid.value if hasattr(ev, "uid") else ""
        if not hasattr(ev, "dtstart"):
            reading.errors.append(f"{uid}: no DTSTART")
            continue
        start = ev.dtstart.value
        if hasattr(ev, "dtend"):
            end = ev.dtend.value
        elif hasattr(ev, "duration"):
            end = start + ev.duration.value
        else:
            end = _default_end(start)
        rid = fmt(ev.recurrence_id.value) if hasattr(ev, "recurrence_id") else None
        reading.events.append(EventReading(uid, rid, fmt(start), fmt(end)))
        if rid is None:
            masters.setdefault(uid, ev)
        else:
            overrides.setdefault(uid, []).append((rid, fmt(start)))
    w_start, w_end = _window_datetimes(window)
    stop = w_end + dt.timedelta(days=2)
    occurrences: dict[str, list[str]] = {}
    for uid, ev in masters.items():
        try:
            start = ev.dtstart.value
            ruleset = ev.getrruleset(addRDate=True)
            if ruleset is None:
                starts = [start]
            else:
                starts = []
                for n, occ in enumerate(ruleset):
                    if (occ if occ.tzinfo else occ.replace(tzinfo=UTC)) > stop or n >= 100000:
                        break
                    # vobject turns DATE starts into datetimes for dateutil; turn them back
                    starts.append(occ.date() if not isinstance(start, dt.datetime) else occ)
            by_key = {fmt(s): fmt(s) for s in starts}
            for rid, new_start in overrides.get(uid, []):
                by_key[rid] = new_start
            occurrences[uid] = list(by_key.values())
        except Exception as exc:
            reading.errors.append(f"{uid}: expand: {type(exc).__name__}: {exc}")
    for uid, ovs in overrides.items():
        if uid not in masters:
            occurrences[uid] = [s for _, s in ovs]
    reading.occurrences = _finish(occurrences, window)
    return reading


_VOBJECT_TZIDS: dict | None = None


def _reset_vobject_tzids() -> None:
    """vobject keeps every VTIMEZONE it has read in a process-wide map by TZID
    (``vobject.icalendar.registerTzid``) and reuses it for later files: a file's own
    VTIMEZONE must not be replaced by another file's one of the same name (ours start at the
    first year each file uses).  Restore the map as it was after import before every read."""
    global _VOBJECT_TZIDS
    import vobject.icalendar as vi

    registry = getattr(vi, "__tzidMap", None)
    if not isinstance(registry, dict):
        return
    if _VOBJECT_TZIDS is None:
        _VOBJECT_TZIDS = dict(registry)
    registry.clear()
    registry.update(_VOBJECT_TZIDS)


def _vobject_vevents(top):
    if top.name == "VEVENT":
        yield top
        return
    yield from top.contents.get("vevent", [])


# --------------------------------------------------------------------------- registry

READERS: dict[str, Callable[[str, Window], Reading]] = {
    "icaljs": read_icaljs,
    "libical": read_libical,
    "ical": read_ical,
    "recurring_ical_events": read_recurring_ical_events,
    "recurring_ical_events_xwr": read_recurring_ical_events_xwr,
    "vobject": read_vobject,
}
DEFAULT_READERS = ("icaljs", "libical", "ical", "recurring_ical_events", "vobject")


def read(name: str, text: str, window: Window) -> Reading:
    """Read ``text`` with reader ``name``; raises ReaderUnavailable when it is not installed."""
    return READERS[name](text, window)


def _run_script_many(cmd: list[str], texts: list[str], timeout: float) -> list[Reading]:
    payload = json.dumps(list(texts)).encode("utf-8", "surrogatepass")
    proc = subprocess.run(cmd, input=payload, capture_output=True, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[0]} {cmd[1]} failed ({proc.returncode}): {proc.stderr.decode(errors='replace')[-2000:]}")
    results = json.loads(proc.stdout)
    if len(results) != len(texts):
        raise RuntimeError(f"{cmd[1]} --many returned {len(results)} readings for {len(texts)} texts")
    return [Reading.from_json(r) for r in results]


def read_many(name: str, texts: list[str], window: Window) -> list[Reading]:
    """``read(name, text, window)`` for each of ``texts``, in order.  The subprocess readers
    (icaljs, libical) start once for all of them (their ``--many`` mode) instead of once per text;
    each text is still read on its own.  Raises ReaderUnavailable when ``name`` is not installed."""
    if name in ("icaljs", "libical"):
        if (reason := unavailable_reason(name)) is not None:
            raise ReaderUnavailable(reason)
        if not texts:
            return []
        script = [("node", str(ICALJS_SCRIPT)), (SYSTEM_PYTHON, str(LIBICAL_SCRIPT))][name == "libical"]
        return _run_script_many([*script, "--many", window[0], window[1]], texts,
                                timeout=SUBPROCESS_TIMEOUT + 2 * len(texts))
    return [read(name, text, window) for text in texts]


def read_all(text: str, window: Window, names=DEFAULT_READERS) -> dict[str, Reading]:
    """Readings of every available reader in ``names`` (unavailable ones are left out)."""
    return {n: read(n, text, window) for n in names if unavailable_reason(n) is None}


def disagreements(readings: dict[str, Reading]) -> list[str]:
    """Human-readable differences between readings, each against the first reading given.

    Compares the event set and, per UID, the occurrence starts (the lists in full: a missing,
    extra or moved occurrence is reported with the values that differ). Empty when all agree.
    """
    if not readings:
        return []
    names = list(readings)
    base_name, base = names[0], readings[names[0]]
    out: list[str] = []
    for name in names[1:]:
        other = readings[name]
        base_events, other_events = set(base.event_set()), set(other.event_set())
        for ev in canonical(base_events - other_events):
            out.append(f"events: {base_name} has {ev}, {name} does not")
        for ev in canonical(other_events - base_events):
            out.append(f"events: {name} has {ev}, {base_name} does not")
        for uid in sorted(set(base.occurrences) | set(other.occurrences)):
            a, b = base.occurrences.get(uid), other.occurrences.get(uid)
            if a == b:
                continue
            if a is None or b is None:
                out.append(f"occurrences of {uid!r}: only {base_name if b is None else name} expands it")
                continue
            only_a = sorted(set(a) - set(b), key=sort_key)
            only_b = sorted(set(b) - set(a), key=sort_key)
            detail = f"only {base_name}: {only_a[:5]}{'...' if len(only_a) > 5 else ''}; " \
                     f"only {name}: {only_b[:5]}{'...' if len(only_b) > 5 else ''}"
            if not only_a and not only_b:
                detail = f"same values, different multiplicity ({len(a)} vs {len(b)})"
            out.append(f"occurrences of {uid!r}: {base_name} vs {name}: {detail}")
    return out
