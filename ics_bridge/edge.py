"""The library edge between the typed hub (:mod:`ics_bridge.model`) and icalendar's objects.

Why: issue 12 keeps icalendar where it serves, and one of those places is the library edge:
callers hand us an ``icalendar.Calendar`` and expect one back (``Conversion.calendar``).  Both
crossings go through .ics text, the one representation both sides read the same way: the
model is written by :mod:`ics_bridge.io.model_writer` (VTIMEZONEs included, so a file-defined
zone keeps its rules) and read by icalendar; an icalendar calendar is written by icalendar
(``to_ical``, byte for byte through ``fastics``) and read by :mod:`ics_bridge.io.model_reader`.
``tests/test_edge.py`` holds both crossings to each other on every corpus file.

While the mappers move onto the model, the not-yet-moved code also crosses here, one call
per crossing, so no logic is written twice.
"""

from __future__ import annotations

from copy import deepcopy
from dataclasses import replace
from typing import Any, Callable, Iterable

from icalendar import Calendar as ICalendar
from icalendar import Component
from icalendar.prop import vDuration, vText

from . import model as m
from .io import fastics
from .io.model_reader import read_calendar
from .io.model_writer import write_calendar
from .text import LONE_SURROGATE as _LONE_SURROGATE
from .text import without_lone_surrogates as text_without_lone_surrogates


def calendar_to_model(cal: ICalendar, position: Callable[[Component], int | None] | None = None) -> m.Calendar:
    """An icalendar calendar → the typed hub (its VTIMEZONEs read as the file's own; the CRs of
    its texts kept, :func:`_keep_cr`; each event's ``order`` the order of its VEVENT's properties,
    which icalendar's writer sorts; its ``position`` what ``position`` says of its VEVENT)."""
    return _calendar_keeping_cr(read_calendar(fastics.component_to_ical(cal)), cal, position)


def _has_cr(event: Component) -> bool:
    return any("\r" in str(v) for name, _ in (*_CR_TEXTS, ("X-ALT-DESC", None)) for v in _values(event, name))


def _calendar_keeping_cr(typed: m.Calendar, cal: ICalendar,
                         position: Callable[[Component], int | None] | None = None) -> m.Calendar:
    """:func:`_keep_cr` and the property order for every event: each typed event is paired with
    its VEVENT by UID and RECURRENCE-ID, in file order (twins with one UID come in file order on
    both sides)."""
    pending: dict[tuple[str, str], list[Component]] = {}
    for event in cal.subcomponents:
        if event.name == "VEVENT":
            rid = event.get("RECURRENCE-ID")
            key = (str(event.get("UID", "")), rid.dt.isoformat() if rid is not None else "")
            pending.setdefault(key, []).append(event)

    def kept(event: m.Event | None) -> m.Event | None:
        if event is None:
            return None
        rid = event.recurrence_id
        found = pending.get((event.uid or "", m.plain(rid.value).isoformat() if rid is not None else ""))  # type: ignore[union-attr]
        if not found:
            return event
        vevent = found.pop(0)
        event = replace(event, order=tuple(vevent.keys()), alarms=_triggers_as_written(event.alarms, vevent),
                        position=position(vevent) if position is not None else event.position)
        return _keep_cr(event, vevent) if _has_cr(vevent) else event

    series = tuple(replace(s, master=kept(s.master), overrides=tuple(kept(o) for o in s.overrides))  # type: ignore[misc]
                   for s in typed.series)
    return replace(typed, series=series)


def _triggers_as_written(alarms: tuple[m.Alarm, ...], vevent: Component) -> tuple[m.Alarm, ...]:
    """A trigger :func:`calendar_from_model` gave in its producer's form (``-PT120M``) keeps it
    on the way back (.ics text reads it as a plain duration)."""
    valarms = [c for c in vevent.subcomponents if c.name == "VALARM"]
    if not any(isinstance(v.get("TRIGGER"), _AsWritten) for v in valarms):
        return alarms
    out = []
    for alarm, valarm in zip(alarms, valarms):
        prop = valarm.get("TRIGGER")
        if isinstance(prop, _AsWritten) and alarm.trigger is not None:
            alarm = replace(alarm, trigger=alarm.trigger._replace(text=prop.text))
        out.append(alarm)
    return (*out, *alarms[len(out):])


def calendar_from_model(cal: m.Calendar) -> ICalendar:
    """The typed hub → an icalendar calendar, built on demand (``Conversion.calendar``).  A
    trigger written in a producer's form (``Trigger.text``: ``-PT60M``) keeps it, which
    icalendar's reading alone would not (``-PT1H``)."""
    out = ICalendar.from_ical(write_calendar(cal, keep_without_start=True, source_order=True))
    if any(_unwritten(e) for e in cal.events):
        for typed, vevent in zip(cal.events_in_file_order(), out.walk("VEVENT")):
            if _unwritten(typed):
                _as_built(typed, vevent)
    return out


def _unwritten(event: m.Event) -> bool:
    """Whether the event holds what .ics text does not carry (module docstring)."""
    return (any(a.trigger is not None and a.trigger.text for a in event.alarms)
            or any(line.raw is not None for line in event.other)
            or any(text is not None and "\r" in text for text in (event.summary, event.description, event.location)))


def _as_built(typed: m.Event, vevent: Component) -> None:
    """Give the icalendar VEVENT what the typed one holds and .ics text does not: a trigger in
    its producer's form, TEXT values with a CR (TEXT escaping writes ``\r\n`` as ``\n``)."""
    alarms = [c for c in vevent.subcomponents if c.name == "VALARM"]
    for alarm, valarm in zip(typed.alarms, alarms):
        if alarm.trigger is not None and alarm.trigger.text and "TRIGGER" in valarm:
            valarm["TRIGGER"] = _AsWritten(valarm["TRIGGER"], alarm.trigger.text)
    for name, text in (("SUMMARY", typed.summary), ("DESCRIPTION", typed.description), ("LOCATION", typed.location)):
        if text is not None and "\r" in text and not isinstance(vevent.get(name), (list, type(None))):
            vevent[name] = vText(text, params=vevent[name].params)
    for name in {line.name for line in typed.other if line.raw is not None}:
        lines = list(typed.other_lines(name))
        found = vevent.get(name)
        values = found if isinstance(found, list) else [found]
        if len(values) != len(lines):
            continue
        values = [vText(line.raw, params=value.params) if line.raw is not None else value
                  for line, value in zip(lines, values)]
        vevent[name] = values if isinstance(found, list) else values[0]


class _AsWritten(vDuration):
    """A TRIGGER offset that icalendar writes as the producer wrote it."""

    def __init__(self, prop: vDuration, text: str) -> None:
        super().__init__(prop.td, params=prop.params)
        self.text = text

    def to_ical(self) -> bytes:
        return self.text.encode()


def events_to_model(events: Iterable[Component], timezones: Iterable[Component] = ()) -> list[m.Event]:
    """icalendar VEVENTs → typed events, in order; ``timezones`` are the VTIMEZONEs their
    TZIDs may name (a file-defined zone is read with its rules, an IANA name with tzdata)."""
    tzs = list(timezones)
    out: list[m.Event] = []
    for event in events:  # one at a time: grouping by UID would reorder them
        wrapper = ICalendar()
        wrapper.add("VERSION", "2.0")
        wrapper.add("PRODID", "-//ics-bridge//edge//EN")
        wrapper.subcomponents = [*tzs, event]
        typed = list(calendar_to_model(wrapper).events)
        if len(typed) != 1:
            raise ValueError(f"a VEVENT crossed the edge as {len(typed)} events")
        out.append(_keep_cr(typed[0], event))
    return out


# Texts a mapper copies as they are (a Graph body, its HTML alternative).
_CR_TEXTS = (("DESCRIPTION", "description"), ("SUMMARY", "summary"), ("LOCATION", "location"))


def _keep_cr(typed: m.Event, event: Component) -> m.Event:
    """RFC 5545 TEXT (3.3.11) has no CR: icalendar writes CR LF as ``\\n``, so a hub built in
    memory from Graph or Google JSON (bodies with CR LF) would lose its CRs crossing through
    text, and the mappers, which copy those texts as they are, would change their output.  The
    texts are taken back from ``event`` when only their CRs differ."""
    changes: dict[str, object] = {}
    for name, attr in _CR_TEXTS:
        raw = event.get(name)
        text = str(raw) if raw is not None and not isinstance(raw, list) else None
        if text is not None and "\r" in text and _without_cr(text) == getattr(typed, attr):
            changes[attr] = text
    alts = [v for v in _values(event, "X-ALT-DESC") if type(v).__name__ == "vText" and "\r" in str(v)]
    if alts:
        pending = iter(alts)
        lines = []
        for line in typed.other:
            if line.name == "X-ALT-DESC":
                original = str(next(pending, "")) or None
                if original is not None and _without_cr(original) == _unescape(line.value):
                    line = line._replace(value=_escape_keeping_cr(original))
            lines.append(line)
        changes["other"] = tuple(lines)
    return replace(typed, **changes) if changes else typed  # type: ignore[arg-type]


def _values(component: Component, name: str) -> list[object]:
    raw = component.get(name)
    return raw if isinstance(raw, list) else [raw] if raw is not None else []


def _without_cr(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _escape_keeping_cr(text: str) -> str:
    """RFC 5545 3.3.11 escaping with each CR kept as it is (read back by TEXT unescaping)."""
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _unescape(text: str) -> str:
    from .vevent import _unescape_text  # vevent imports the model writer; late to keep the edge light
    return _unescape_text(text)


def origins(typed: list[m.Event], events: list[Component]) -> dict[int, Component]:
    """Each typed event's VEVENT (by identity): :func:`events_to_model`'s output and input."""
    return {id(t): e for t, e in zip(typed, events)}


def events_from_model(events: Iterable[m.Event], timezones: Iterable[m.TimezoneDef] = ()) -> list[Component]:
    """Typed events → icalendar VEVENTs, in order (VTIMEZONEs regenerated or kept as the
    model writer writes them)."""
    events = list(events)
    series = tuple(m.Series(uid=e.uid or "", master=e) for e in events)
    cal = calendar_from_model(m.Calendar(series=series, timezones=tuple(timezones)))
    return list(cal.walk("VEVENT"))


# ------------------------------------------------------------------------------------------------
# A caller's calendar holding lone UTF-16 surrogates
# ------------------------------------------------------------------------------------------------

def without_lone_surrogates(cal: ICalendar) -> tuple[ICalendar, int]:
    """``cal``, or, when its texts hold lone UTF-16 surrogates, a copy with each replaced by U+FFFD,
    and how many were replaced.

    Why: a caller's Python string may hold one (a ``\\ud800`` JSON escape, ``surrogateescape``
    decoding), which UTF-8 cannot encode (RFC 3629 3): icalendar's writer, and so both crossings
    of this edge, failed with a ``UnicodeEncodeError``.  The text input path repairs them the same
    way (``io/lines.decode_marked``).  The caller's calendar is never changed."""
    if not any(_surrogates(value, fix=False)[1] for component in cal.walk() for value in component.values()):
        return cal, 0
    copy = deepcopy(cal)
    found = 0
    for component in copy.walk():
        for name, value in list(component.items()):
            component[name], count = _surrogates(value, fix=True)
            found += count
    return copy, found


def _surrogates(value: Any, *, fix: bool) -> tuple[Any, int]:
    """``value`` (repaired when ``fix``: its lists, parameters and CATEGORIES list changed in
    place, as only a copy is fixed) and how many lone surrogates it held (without ``fix``: how
    many of its texts hold one): in its text (every icalendar text type is a ``str``), its
    parameters, its items (a property that repeats, a vCategory's ``cats``, a vRecur's parts)."""
    count = 0
    for holder in (getattr(value, "params", None), value if isinstance(value, dict) else None):
        for key, item in list((holder or {}).items()):
            item, n = _surrogates(item, fix=fix)
            count += n
            if n and fix:
                holder[key] = item
    items = value.cats if hasattr(value, "cats") else value if isinstance(value, list) else None
    for i, item in enumerate(items or ()):
        item, n = _surrogates(item, fix=fix)
        count += n
        if n and fix:
            items[i] = item
    if isinstance(value, str) and _LONE_SURROGATE.search(value) is not None:  # a search: no copy
        if not fix:
            return value, count + 1
        text, n = text_without_lone_surrogates(str(value))
        return _same_kind(value, text), count + n
    return value, count


def _same_kind(value: str, text: str) -> str:
    """``text`` as the icalendar type ``value`` has, with its parameters."""
    if type(value) is str:
        return text
    fixed = type(value)(text)
    if hasattr(value, "params"):
        fixed.params = value.params
    return fixed
