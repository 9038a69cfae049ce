"""The two calls ``ics_bridge.api`` makes: Google JSON → hub, hub → Google JSON."""

from __future__ import annotations

from typing import Any

from ... import model as m
from ...errors import InputError
from ...gcpause import gc_paused
from ...options import Options
from ...report import Report
from . import from_ical


@gc_paused
def read(payload: Any, report: Report, errors: list[InputError], options: Options = Options()) -> m.Calendar:
    """A Google payload (event, events.list page(s), array) → the typed hub.  Events that
    cannot be read are appended to ``errors``; the others go on."""
    from . import to_ical  # the JSON-reading half (pydantic models): not imported for hub → Google
    from .reader import read_payload
    calendar, items = read_payload(payload)
    events = []
    for item in items:
        if isinstance(item, InputError):
            errors.append(item)
        else:
            events.append(item)
    return to_ical.events_to_calendar(events, calendar, report, errors, calendar_zone=options.calendar_zone)


@gc_paused
def write(cal: m.Calendar, report: Report, options: Options = Options()) -> Any:
    """The typed hub → one Event object, or ``{"kind": "calendar#events", "items": [...]}`` for several."""
    profile = "insert" if options.profile in ("request", "insert") else options.profile
    wopts = from_ical.GoogleWriteOptions(profile=profile, default_zone=options.default_zone,  # type: ignore[arg-type]
                                         calendar_zone=options.calendar_zone)
    items, calendar = from_ical.calendar_to_events(cal, report, wopts)
    if len(items) == 1:
        return items[0]
    out: dict[str, Any] = {"kind": "calendar#events"}
    out.update(calendar)
    out["items"] = items
    return out
