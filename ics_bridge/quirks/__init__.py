"""Producer quirks of .ics input, one small module each, every repair reported.

Why named modules (after allenporter/ical ``compat/``): each quirk is a fact about a producer
(Google's DATE UNTIL, Outlook's floating all-day pairs…) with its own evidence; keeping them
apart makes each one testable and keeps the mappers free of special cases.  They run in order
on the parsed calendar, before any provider mapping.

Each quirk runs on one event at a time: a value a quirk cannot handle makes that event an
:class:`~ics_bridge.errors.InputError` (returned, the event removed from the calendar) and the
other events go on.
"""

from __future__ import annotations

from typing import Any, Callable

from icalendar import Calendar

from .. import model as m
from ..errors import InputError
from ..report import Report
from . import (alarm_checks, all_day_exdate, all_day_recurrence_id, date_on_timed_series, dtend_checks, dtstart_until,
               exrule, outlook_all_day, rdate_period, rrule_checks, series_zone, x_wr_timezone)

# What a quirk may raise on a hostile value it did not foresee (BrokenCalendarProperty is a
# ValueError); anything else is a bug and propagates.
QUIRK_ERRORS = (ValueError, TypeError, AttributeError, KeyError, IndexError, OverflowError)

#: The quirks that still work on icalendar's VEVENTs (owned by the Graph/Google → hub move of
#: issue 12); they are called through the edge, one event at a time, in their place, and only
#: for an event past each one's own first return (the edge is slow; the guard goes with it).
#: Each guard tests its cheapest, rarest condition first (no RRULE, no EXDATE/RDATE, no
#: EXRULE on most events): an ``any`` over an empty tuple still costs a generator.
_ON_ICALENDAR: dict[Any, Callable[[m.Event], bool]] = {
    dtstart_until: lambda e: bool(e.rrules) and e.start is not None and any(r.until is not None for r in e.rrules),
    all_day_exdate: lambda e: bool(e.exdates or e.rdates) and not isinstance(e.start, (m.ZonedDateTime, type(None))),
    exrule: lambda e: bool(e.exrules) and e.start is not None,
}


#: The quirks that run on one event at a time, in their order.
_CHAIN = (rrule_checks, outlook_all_day, dtend_checks, dtstart_until, all_day_exdate, alarm_checks, exrule)


def apply_model_quirks(cal: m.Calendar, events: list[m.Event], report: Report, *,
                       x_wr_timezone_policy: bool = True,
                       on_step: Callable[[int, m.Event | None, int], None] | None = None
                       ) -> tuple[list[m.Event], list[InputError]]:
    """Repair known producer quirks of ``events`` (the calendar's, in file order); each repair
    adds a report entry.  Returns the repaired events (an override :mod:`rdate_period` adds
    stands after its master) and the errors of the events that could not be processed (left out).
    ``on_step(step, event, errors so far)`` is called after each step that reported something
    or refused an event (0: X-WR-TIMEZONE, 1: the chain of one event, 2–5: each calendar-wide
    quirk), so the streamed path, which runs this per UID group, can put each entry where the
    whole-file run reports it (a step that added nothing has nothing to place: not called, as
    most steps of most groups)."""
    errors: list[InputError] = []
    seen = [len(report), 0]  # entries and errors at the last call of on_step

    def step(number: int, event: m.Event | None) -> None:
        if on_step is not None and (len(report) != seen[0] or len(errors) != seen[1]):
            seen[0], seen[1] = len(report), len(errors)
            on_step(number, event, len(errors))

    if x_wr_timezone_policy:
        events = x_wr_timezone.apply(cal, events, report)
    step(0, None)
    kept: list[m.Event] = []
    chain = [(quirk, quirk.apply, _ON_ICALENDAR.get(quirk)) for quirk in _CHAIN]  # looked up once, not per event
    for event in events:
        original = event
        for quirk, apply, guard in chain:
            try:
                if guard is None:
                    event = apply(event, report)
                elif guard(event):
                    event = _on_icalendar(apply, event, cal, report)
            except QUIRK_ERRORS as exc:
                errors.append(InputError(f"cannot be read ({quirk.__name__.rsplit('.', 1)[-1]}): {str(exc)[:160]}",
                                         uid=event.uid, field=None))
                break
        else:
            kept.append(event)
        if len(report) != seen[0] or len(errors) != seen[1]:  # step(1, …) inline: once per event
            step(1, original)
    events = all_day_recurrence_id.apply(kept, report)  # needs each series' master: runs over the calendar
    step(2, None)
    events = rdate_period.apply(events, report)  # adds overrides beside their master
    step(3, None)
    events = series_zone.apply(events, report)
    step(4, None)
    events = date_on_timed_series.apply(events, report)
    step(5, None)
    return events, errors


def _on_icalendar(apply: Callable[[Any, Report], None], event: m.Event, cal: m.Calendar, report: Report) -> m.Event:
    """A quirk not yet on the model, on one event: it crosses the edge only when it changed it."""
    from ..edge import events_from_model, events_to_model
    vevent = events_from_model([event], cal.timezones)[0]  # edge: until the quirk moves (issue 12)
    before = vevent.to_ical()
    apply(vevent, report)
    if vevent.to_ical() == before:
        return event
    return events_to_model([vevent], _vtimezones(cal))[0]  # edge: until the quirk moves (issue 12)


def _vtimezones(cal: m.Calendar) -> list[Any]:
    from icalendar import Timezone
    return [Timezone.from_ical("\r\n".join(d.lines) + "\r\n") for d in cal.timezones]


def apply_read_quirks(cal: Calendar, report: Report, *, x_wr_timezone_policy: bool = True) -> list[InputError]:
    """:func:`apply_model_quirks` for an icalendar calendar (``io/ics.parse_calendar`` and
    ``io/stream``, until they read the typed hub): in place.  An event no quirk changed stays the
    same object; a changed one gets the changed properties only (:mod:`quirks.ical_patch`), so
    everything else keeps its place.  Returns the events that could not be processed (already
    removed from ``cal``)."""
    from ..edge import calendar_to_model
    from .ical_patch import added_override, patched
    vevents = [c for c in cal.subcomponents if c.name == "VEVENT"]
    if not vevents and cal.get("X-WR-TIMEZONE") is None:
        return []
    zones = [c for c in cal.subcomponents if c.name == "VTIMEZONE"]
    header = calendar_to_model(_header_of(cal))  # edge: until parse_calendar reads the typed hub (issue 12)
    typed = _typed(vevents, zones)
    events, errors = apply_model_quirks(header, typed, report, x_wr_timezone_policy=x_wr_timezone_policy)
    original = {id(t): (t, v) for t, v in zip(typed, vevents)}
    masters = {str(v.get("UID")): v for v in vevents if v.get("RECURRENCE-ID") is None}
    out = []
    unchanged = {id(e) for e in events}
    for event in events:
        found = original.pop(id(event), None)
        if found is not None:
            out.append(found[1])
            continue
        source = _source(event, typed, original, unchanged)
        if source is not None:
            out.append(patched(source[1], source[0], event, header.timezones))
        else:
            out.append(added_override(masters[str(event.uid)], event, header.timezones))
    cal.subcomponents[:] = _in_place(cal.subcomponents, out)
    return errors


def _typed(vevents: list[Any], zones: list[Any]) -> list[m.Event]:
    """The VEVENTs as typed events, in order: one crossing for all of them (the edge's
    ``events_to_model`` crosses one at a time), the same reading."""
    from ..edge import events_to_model
    from ..io import fastics
    from ..io.model_reader import IcsReader
    if not vevents:
        return []
    wrapper = Calendar()
    wrapper.add("VERSION", "2.0")
    wrapper.add("PRODID", "-//ics-bridge//edge//EN")
    wrapper.subcomponents = [*zones, *vevents]
    typed = list(IcsReader(fastics.component_to_ical(wrapper)).events())  # edge: until parse_calendar reads the typed hub (issue 12)
    if len(typed) != len(vevents):  # a VEVENT icalendar writes as more or fewer: one at a time
        typed = events_to_model(vevents, zones)  # edge: (the same)
    return typed


def _source(event: m.Event, typed: list[m.Event], original: dict[int, Any], unchanged: set[int]) -> Any:
    """The (typed, icalendar) reading a repaired event came from: the one with its UID and
    RECURRENCE-ID position (quirks keep both, except all_day_recurrence_id and
    date_on_timed_series, which change only the RECURRENCE-ID's value type)."""
    for t in typed:
        if t.uid == event.uid and (t.recurrence_id is None) == (event.recurrence_id is None) and id(t) in original \
                and id(t) not in unchanged:
            if event.recurrence_id is None or m.plain(t.recurrence_id.value) == m.plain(event.recurrence_id.value) \
                    or _same_day(t, event):
                return original.pop(id(t))
    return None


def _same_day(a: m.Event, b: m.Event) -> bool:
    x, y = m.plain(a.recurrence_id.value), m.plain(b.recurrence_id.value)  # type: ignore[union-attr]
    day = getattr(x, "date", lambda: x)()
    return day == getattr(y, "date", lambda: y)()


def _header_of(cal: Calendar) -> Calendar:
    head = Calendar()
    for name, value in cal.property_items(recursive=False):
        if name not in ("BEGIN", "END"):
            head.add(name, value, encode=False)
    return head


def _in_place(components: list[Any], events: list[Any]) -> list[Any]:
    """The calendar's components with its VEVENTs replaced by ``events``: non-events where they
    were, events in order in the places events had (extra ones after the last)."""
    out: list[Any] = []
    queue = list(events)
    slots = sum(1 for c in components if c.name == "VEVENT")
    used = 0
    for component in components:
        if component.name == "VEVENT":
            used += 1
            if used == slots:
                out += queue
                queue = []
            elif queue:
                out.append(queue.pop(0))
        else:
            out.append(component)
    return out + queue
