"""Small edits of typed events shared by the quirks (issue 12): a time property set to a new
value with its parameters made to agree, and the :class:`model.Zone` of a tzinfo.

Why here: a quirk changes a value (a DATE for a midnight date-time, a zone for a floating
time); the TZID and VALUE parameters the typed event keeps for DTSTART, DTEND and
RECURRENCE-ID must then say what the value says, as icalendar's ``retag`` keeps them."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timezone, tzinfo
from typing import Any

from .. import model as m
from .. import timezones

_FIELDS = {"DTSTART": "start", "DTEND": "end"}


def zone_of(tz: tzinfo | None, tzid: str | None, like: m.Zone | None = None) -> m.Zone:
    """The zone of ``tz`` (None: floating); ``like`` is a zone already holding this tzinfo (a
    file zone keeps its rules)."""
    if tz is None:
        return m.Zone("floating")
    if tz is timezone.utc or timezones.is_utc_zone(tz):
        return m.Zone("utc")
    if like is not None and like.tzinfo is tz:
        return like
    key = getattr(tz, "key", None)
    if key:
        return m.Zone("iana", tzid or key, key, None, tz)
    return m.Zone("file", tzid, None, None, tz)


def in_zone(value: datetime, tz: tzinfo | None, like: m.Zone | None = None) -> m.ZonedDateTime:
    """The same wall-clock time in ``tz`` (:func:`timezones.retag`'s meaning)."""
    tzid = None if tz is None or timezones.is_utc_zone(tz) else timezones.tzid_of(tz)
    return m.ZonedDateTime(value.replace(tzinfo=tz), zone_of(tz, tzid, like))


def time_params(params: m.Params, value: Any) -> m.Params:
    """Parameters of a time property after its value changed: a DATE says VALUE=DATE and has no
    TZID; a date-time has the TZID of its zone (none for UTC and floating)."""
    kept = tuple(p for p in params if p.name not in ("TZID", "VALUE"))
    if isinstance(value, date) and not isinstance(value, datetime) and not isinstance(value, m.ZonedDateTime):
        return kept + (m.Param("VALUE", ("DATE",)),)
    if isinstance(value, m.ZonedDateTime) and value.zone.kind in ("iana", "file", "unknown") and value.zone.tzid:
        return kept + (m.Param("TZID", (value.zone.tzid,)),)
    return kept


def set_time(event: m.Event, name: str, value: Any) -> m.Event:
    """``event`` with DTSTART, DTEND or RECURRENCE-ID set to ``value`` (its RANGE kept)."""
    params = dict(event.params)
    new = time_params(params.get(name, ()), value)
    if new:
        params[name] = new
    else:
        params.pop(name, None)
    changes: dict[str, Any] = {"params": tuple(params.items())}
    if name == "RECURRENCE-ID":
        rng = event.recurrence_id.range if event.recurrence_id is not None else None
        changes["recurrence_id"] = m.RecurrenceId(value, rng)
    else:
        changes[_FIELDS[name]] = value
    return dataclasses.replace(event, **changes)


def date_list(values: tuple[Any, ...], params: m.Params) -> m.DateList:
    """An EXDATE/RDATE line of ``values`` with its parameters made to agree with its first value
    (a PERIOD list keeps VALUE=PERIOD and takes its start's TZID)."""
    first = values[0] if values else None
    if isinstance(first, m.Period):
        kept = time_params(tuple(p for p in params if p.name != "VALUE"), first.start)
        return m.DateList(values, kept + (m.Param("VALUE", ("PERIOD",)),))
    return m.DateList(values, time_params(params, first))


def moved_last(event: m.Event, *names: str) -> tuple[str, ...]:
    """``event.order`` with ``names`` last, in this order: where a repair that deletes and
    re-adds a property puts it in icalendar's objects (the Graph/Google stash lists unknown
    properties in this order; :mod:`ics_bridge.quirks.ical_patch` does the same on icalendar)."""
    return (*(n for n in event.order if n not in names), *names)

