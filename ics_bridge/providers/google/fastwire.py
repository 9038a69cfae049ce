"""Google Event JSON of the common, well-formed shape → light stand-ins of the pydantic models,
without pydantic (issue 12, speed round 3).

Why: validating every event with pydantic (its Python validators per enum and timestamp
included) was about a sixth of Google→ICS (0.38 of 2.2 CPU s on bench/'s 10k events; these
checks take 0.17, most of it reading the ~20k distinct date-times the mapper reads again).  Most events of a real calendar have one shape: known
fields, JSON types as the discovery document gives them, enums already in Google's spelling.
For those, :func:`fast_event` checks the shape and wraps the parsed dicts in objects that offer
the mapper exactly what the models offer (the same attributes, ``wire()``, ``extras()``, and the
models' own methods, borrowed, not copied).  Anything else — an unknown field, a value of
another type, an enum in another case, a boolean sent as a string, a bad date — returns None,
and :func:`reader.parse_event` validates with pydantic as before, so every repair, error text
and loss report comes from one place.  ``tests/test_googlein3_fastwire.py`` holds the stand-ins
to the models field by field on the corpus and on generated input.

Not covered (always pydantic): conferenceData, attachments, source, gadget and the eventType
property objects — rarer, and shaped by the API more loosely.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Callable

from . import tables
from ...memo import remember
from ..fastwire_checks import NO as _NO, Check, int64 as _int, list_of as _list_of, str_list as _str_list
from .model import Attendee, Event, EventDateTime, ExtendedProperties, Person, Reminder, Reminders, parse_rfc3339

class _Stand:
    """Base of the stand-ins: the JSON object's (checked) members as attributes, under their
    wire names; a field the JSON did not have is None (class attributes: every field of the
    models defaults to None); no extra fields (declined)."""

    __pydantic_extra__ = None
    _WIRE: tuple[tuple[str, str], ...] = ()  # (attribute, wire name) in the model's field order

    def extras(self) -> dict[str, Any]:
        return {}

    def wire(self) -> dict[str, Any]:
        """As the model's ``model_dump(mode="json", by_alias=True, exclude_none=True)``: the
        model's field order, None left out, nested stand-ins dumped."""
        out: dict[str, Any] = {}
        values = self.__dict__
        for _, name in self._WIRE:
            value = values.get(name)
            if value is not None:
                out[name] = _dump(value)
        return out


def _dump(value: Any) -> Any:
    if isinstance(value, _Stand):
        return value.wire()
    if isinstance(value, list):
        return [_dump(item) for item in value]
    if isinstance(value, dict):
        return {key: _dump(item) for key, item in value.items()}
    return value


def _alias(name: str) -> property:
    return property(lambda self: self.__dict__.get(name), doc=f"``{name}`` on the wire")


def _stand_class(name: str, model: type, methods: tuple[str, ...] = ()) -> type:
    """A stand-in class for ``model``: its fields (an aliased one read under its wire name) and
    the named methods and properties taken from the model itself, so both paths run one code."""
    wire = tuple((attr, info.alias or attr) for attr, info in model.model_fields.items())
    body: dict[str, Any] = {attr: None if attr == alias else _alias(alias) for attr, alias in wire}
    body["_WIRE"] = wire
    for method in methods:
        body[method] = model.__dict__[method]
    return type(name, (_Stand,), body)


# ---------------------------------------------------------------- value checks

def _enum(vocabulary: tuple[str, ...]) -> Check:
    """``canonical_enum`` leaves a value already spelled as Google spells it unchanged."""
    words = frozenset(vocabulary)

    def check(value: Any) -> Any:
        return value if type(value) is str and value in words else _NO
    return check


def _timestamp(value: Any) -> Any:
    """``created``/``updated``/``dateTime``: the models' validator (parse_rfc3339) must read it."""
    if type(value) is not str:
        return _NO
    try:
        parse_rfc3339(value)
    except (ValueError, TypeError):
        return _NO
    return value


def _day(value: Any) -> Any:
    """EventDateTime.date: the model's validator reads the first ten characters as a date."""
    if type(value) is not str:
        return _NO
    try:
        date.fromisoformat(value.strip()[:10])
    except ValueError:
        return _NO
    return value


def _str_dict(value: Any) -> Any:
    if type(value) is not dict:
        return _NO
    for key, item in value.items():  # a library caller's dict may have keys JSON cannot
        if type(key) is not str or type(item) is not str:
            return _NO
    return value


def _object(cls: type, plain: dict[str, type], special: dict[str, Check],
            after: Callable[[dict[str, Any]], bool] | None = None, *, shared: bool = False) -> Check:
    """A JSON object read into ``cls``: every key known, every value of the common shape —
    ``plain``: of that exact type (str, bool), ``special``: its check gives the value to keep;
    JSON null is the field's default.  ``after``: the model's own after-validator, as a test.
    ``shared``: an object whose members are all strings is read once per distinct content (the
    same people and times recur on every event; the stand-ins are never changed)."""
    known = set(plain) | set(special)
    memo: dict[tuple[tuple[str, Any], ...], Any] = {}

    def check(value: Any) -> Any:
        if type(value) is not dict:
            return _NO
        if shared:
            key = tuple(value.items())
            try:
                found = memo.get(key)
            except TypeError:  # a list or an object inside: not the common shape
                return _NO
            if found is not None:
                return found
            for item in value.values():
                if type(item) is not str:  # True == 1 == 1.0: only strings make a safe key
                    return read(value)
            return remember(memo, key, read(value), 16384)
        return read(value)

    def read(value: dict[str, Any]) -> Any:
        values = dict(value)
        for name, item in value.items():
            if plain.get(name) is type(item):
                continue
            test = special.get(name)
            if test is None or item is None:
                if item is None and name in known:
                    continue
                return _NO
            got = test(item)
            if got is _NO:
                return _NO
            if got is not item:
                values[name] = got
        if after is not None and not after(values):
            return _NO  # not remembered: rare, and the event goes to pydantic anyway
        obj = cls.__new__(cls)
        obj.__dict__ = values
        return obj
    return check


# ---------------------------------------------------------------- the stand-ins

FastDateTime = _stand_class("FastDateTime", EventDateTime, ("all_day", "day", "has_offset", "instant"))
FastPerson = _stand_class("FastPerson", Person)
FastAttendee = _stand_class("FastAttendee", Attendee)
FastReminder = _stand_class("FastReminder", Reminder)
FastReminders = _stand_class("FastReminders", Reminders)
FastExtended = _stand_class("FastExtended", ExtendedProperties)
FastEvent = _stand_class("FastEvent", Event, ("is_cancelled", "is_instance", "timestamp"))

_date_time_any = _object(FastDateTime, {"timeZone": str}, {"date": _day, "dateTime": _timestamp},
                         # EventDateTime._one_of
                         lambda v: v.get("date") is not None or v.get("dateTime") is not None)
_new = object.__new__


def _date_time(value: Any) -> Any:
    """``start``/``end`` (20k at 10k events) of a timed event as Google sends them, two strings,
    ``dateTime`` one that :func:`_timestamp` takes, read in line; any other shape (all-day
    ``date``, nulls, other members) by the general reader (``_date_time_any``), which this is
    held to (tests/test_json2ics12_fastwire.py)."""
    if type(value) is dict and len(value) == 2:
        text = value.get("dateTime")
        if type(text) is str and type(value.get("timeZone")) is str:
            if _timestamp(text) is _NO:
                return _NO
            obj = _new(FastDateTime)
            obj.__dict__ = dict(value)  # the JSON's member order, as the general reader keeps it
            return obj
    return _date_time_any(value)


_person = _object(FastPerson, {"id": str, "email": str, "displayName": str, "self": bool}, {}, shared=True)
_attendee = _object(
    FastAttendee,
    {"id": str, "email": str, "displayName": str, "comment": str, "optional": bool, "resource": bool,
     "organizer": bool, "self": bool},
    {"responseStatus": _enum(tables.RESPONSE_STATUSES), "additionalGuests": _int}, shared=True)
_reminder = _object(FastReminder, {}, {"method": _enum(tables.REMINDER_METHODS), "minutes": _int},
                    # both required by the model
                    lambda v: v.get("method") is not None and v.get("minutes") is not None)
_reminders = _object(FastReminders, {"useDefault": bool}, {"overrides": _list_of(_reminder)})
_extended = _object(FastExtended, {}, {"private": _str_dict, "shared": _str_dict})

_EVENT_PLAIN: dict[str, type] = {
    **dict.fromkeys(("kind", "etag", "id", "iCalUID", "htmlLink", "summary", "description", "location", "colorId",
                     "recurringEventId", "hangoutLink", "eventLabelId"), str),
    **dict.fromkeys(("endTimeUnspecified", "attendeesOmitted", "anyoneCanAddSelf", "guestsCanInviteOthers",
                     "guestsCanModify", "guestsCanSeeOtherGuests", "privateCopy", "locked"), bool),
}
_EVENT_SPECIAL: dict[str, Check] = {
    "created": _timestamp, "updated": _timestamp, "sequence": _int,
    "status": _enum(tables.STATUSES), "transparency": _enum(tables.TRANSPARENCIES),
    "visibility": _enum(tables.VISIBILITIES), "eventType": _enum(tables.EVENT_TYPES),
    "start": _date_time, "end": _date_time, "originalStartTime": _date_time,
    "creator": _person, "organizer": _person, "attendees": _list_of(_attendee), "recurrence": _str_list,
    "reminders": _reminders, "extendedProperties": _extended,
}


def _has_start(values: dict[str, Any]) -> bool:
    """Event._tombstone: only a cancelled entry may come without a start."""
    return values.get("start") is not None or values.get("status") == "cancelled"


_event = _object(FastEvent, _EVENT_PLAIN, _EVENT_SPECIAL, _has_start)


def fast_event(raw: Any) -> Any:
    """A Google Event JSON object of the common shape as a :class:`FastEvent`, the same to the
    mapper as ``Event.model_validate(raw)``; None for anything else (pydantic's to read)."""
    got = _event(raw)
    return None if got is _NO else got
