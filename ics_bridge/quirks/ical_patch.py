"""The quirks' repairs carried back onto icalendar VEVENTs, changed properties only (issue 12).

Why: the quirks work on the typed hub; ``io/ics.parse_calendar`` still hands icalendar objects
to the mappers until the lead wires the typed reader.  A repaired event's properties keep their
place (the Graph/Google stash lists unknown properties in their order), a removed one goes, an
added one comes last — where icalendar's ``del`` and ``add`` put them when the quirks worked on
icalendar; the few repairs that deleted and re-added a property move it last as they did.
Removed with the edge crossings once everything reads the typed hub."""

from __future__ import annotations

import copy
from typing import Any, Iterable

from icalendar import Event
from icalendar.cal.component import Component

from .. import model as m

# What an override made from a period does not take from its master (quirks/rdate_period.py);
# its RECURRENCE-ID, DTSTART and DTEND come last, in this order.
_SERIES_ONLY = frozenset({"RRULE", "RDATE", "EXDATE", "EXRULE", "DTSTART", "DTEND", "DURATION", "RECURRENCE-ID"})


def _ical(events: list[m.Event], timezones: Iterable[m.TimezoneDef]) -> list[Component]:
    from ..edge import events_from_model
    return events_from_model(events, timezones)  # edge: until parse_calendar reads the typed hub (issue 12)


def _items(component: Component, name: str) -> list[Any]:
    value = component.get(name)
    return [] if value is None else value if isinstance(value, list) else [value]


def _lines(component: Component, name: str) -> list[tuple[bytes, tuple[tuple[str, str], ...]]]:
    return [(v.to_ical() if hasattr(v, "to_ical") else str(v).encode(),
             tuple(sorted((str(k), str(p)) for k, p in getattr(v, "params", {}).items())))
            for v in _items(component, name)]


def _moved_last(name: str, before: Component, after: Component) -> bool:
    """The repairs that deleted and re-added a property: a negative DURATION made zero or a day,
    a PERIOD RDATE list written as starts, a repeated rule dropped, a repeated ACTION."""
    old, new = _items(before, name), _items(after, name)
    if not old or not new:
        return False
    if name in ("DURATION", "ACTION"):
        return True
    if name == "RDATE":
        return any(str(v.params.get("VALUE", "")).upper() == "PERIOD" for v in old)
    if name in ("RRULE", "EXRULE"):
        return len(new) < len(old)
    return False


def _kind(value: Any) -> str:
    first = getattr(value, "dts", None)
    dt = first[0].dt if first else getattr(value, "dt", None)
    return type(dt).__name__


def _keep_params(old: list[Any], new: list[Any]) -> None:
    """The parameters a repair does not decide stay as the file wrote them: every one but
    TZID (set or dropped with the zone), and VALUE unless the value type changed (a retagged
    ``RDATE;VALUE=DATE-TIME`` keeps it, a midnight read as a DATE says ``VALUE=DATE``)."""
    if len(old) != len(new):
        return
    for was, now in zip(old, new):
        params = getattr(now, "params", None)
        if params is None:
            continue
        same_kind = _kind(was) == _kind(now)
        for key, value in getattr(was, "params", {}).items():
            if key not in params and key != "TZID" and (key != "VALUE" or same_kind):
                params[key] = value


def _patch(target: Component, before: Component, after: Component) -> None:
    names = list(dict.fromkeys([*before.keys(), *after.keys()]))
    for name in names:
        if _lines(before, name) == _lines(after, name):
            continue
        if name not in after:
            target.pop(name, None)
        elif name in target and not _moved_last(name, before, after):
            _keep_params(_items(target, name), _items(after, name))
            target[name] = after[name]  # in place
        else:
            _keep_params(_items(target, name), _items(after, name))
            target.pop(name, None)
            target[name] = after[name]
    old_subs = [c for c in before.subcomponents]
    new_subs = [c for c in after.subcomponents]
    mine = [c for c in target.subcomponents]
    if len(old_subs) == len(new_subs) == len(mine):
        for t, b, a in zip(mine, old_subs, new_subs):
            _patch(t, b, a)
    elif [c.to_ical() for c in old_subs] != [c.to_ical() for c in new_subs]:
        target.subcomponents[:] = new_subs


def patched(vevent: Component, old: m.Event, new: m.Event, timezones: Iterable[m.TimezoneDef]) -> Component:
    """``vevent`` (icalendar's reading of ``old``) with what turned ``old`` into ``new``."""
    before, after = _ical([old, new], timezones)
    _patch(vevent, before, after)
    return vevent


def added_override(master: Component, override: m.Event, timezones: Iterable[m.TimezoneDef]) -> Component:
    """An override a quirk added (quirks/rdate_period.py): the master's other properties in their
    order, then RECURRENCE-ID, DTSTART and DTEND; the master's alarms."""
    (written,) = _ical([override], timezones)
    out = Event()
    for name, value in master.items():
        if name not in _SERIES_ONLY:
            out[name] = copy.deepcopy(value)
    for name in ("RECURRENCE-ID", "DTSTART", "DTEND"):
        if name in written:
            out[name] = written[name]
    for component in master.subcomponents:
        out.add_component(copy.deepcopy(component))
    return out
