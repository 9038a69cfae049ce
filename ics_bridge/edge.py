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

from dataclasses import dataclass, replace
from typing import Iterable

from icalendar import Calendar as ICalendar
from icalendar import Component

from . import model as m
from .io import fastics
from .io.model_reader import read_calendar
from .io.model_writer import write_calendar


def calendar_to_model(cal: ICalendar) -> m.Calendar:
    """An icalendar calendar → the typed hub (its VTIMEZONEs read as the file's own)."""
    return read_calendar(fastics.component_to_ical(cal))


def calendar_from_model(cal: m.Calendar) -> ICalendar:
    """The typed hub → an icalendar calendar, built on demand (``Conversion.calendar``)."""
    return ICalendar.from_ical(write_calendar(cal))


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


@dataclass
class CrossedSeries:
    """A typed series and the icalendar VEVENTs it stands for, for mappers that still read
    icalendar (issue 12; the lead removes this with the last crossing): ``typed`` for the core
    (occurrences, cancellations), ``master``/``overrides`` the VEVENTs the series was grouped
    from, or for an event :func:`ics_bridge.thisandfuture.split_series` made, its crossing."""

    typed: m.Series
    uid: str
    master: Component | None
    overrides: list[Component]

    @classmethod
    def of(cls, series: m.Series, origin: dict[int, Component]) -> CrossedSeries:
        """``origin``: :func:`origins` of the crossing the series' events came from."""
        def back(event: m.Event) -> Component:
            found = origin.get(id(event))
            return found if found is not None else events_from_model([event])[0]
        return cls(series, series.uid, back(series.master) if series.master is not None else None,
                   [back(o) for o in series.overrides])


def events_from_model(events: Iterable[m.Event], timezones: Iterable[m.TimezoneDef] = ()) -> list[Component]:
    """Typed events → icalendar VEVENTs, in order (VTIMEZONEs regenerated or kept as the
    model writer writes them)."""
    events = list(events)
    series = tuple(m.Series(uid=e.uid or "", master=e) for e in events)
    cal = calendar_from_model(m.Calendar(series=series, timezones=tuple(timezones)))
    return list(cal.walk("VEVENT"))
