"""Graph event JSON of the common, well-formed shape → light stand-ins of the pydantic models,
without pydantic (issue 12, speed round 6; the Graph twin of ``providers/google/fastwire``).

Why: validating every event with pydantic (its Python validators per enum, sentinel and
date-time, and the memo of shared people and places) was about 0.27 of 1.9 CPU s of Graph→ICS
on bench/'s 10k events.  Most events of a real calendar have one shape: known fields, JSON
types as Graph's metadata gives them, no legacy PascalCase name.  For those, :func:`fast_event`
checks the shape and wraps the parsed dicts in objects that offer the mapper (``to_ical``)
exactly what the models offer: the same attributes (defaults included), ``__pydantic_extra__``/
``extras()``, ``model_fields_set``, ``model_dump(mode=…, exclude_none=…)``, equality with the
models, and the models' own methods (``naive``, ``timestamp``, ``is_empty``), borrowed, not
copied.  The repairs every Graph event needs run through the models' own functions: enums in
any case (``model._enum``), the ``0001-01-01`` sentinel of a response time, a timestamp or a
range end (``model.graph_timestamp``, ``model.range_date``), ``@odata.*`` annotations dropped
from the objects a model reads (Graph sends ``@odata.etag`` on every event).  Anything else — an
unknown member in a nested object, a value of another type, a boolean sent as a string, an
unreadable date, a PascalCase name — returns None, and :func:`reader.parse_event` validates
with pydantic as before, so every other repair, error text and loss report comes from one
place.  ``tests/test_graphfast6_fastwire.py`` holds the stand-ins to the models field by field
on the corpus, the Graph documentation examples and generated input.

Not covered (always pydantic): ``@removed`` delta entries, beta ``exceptionOccurrences``, and
an event with no ``uid``/``iCalUId``/``id`` (its UID is a digest of ``model_dump_json``).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Callable, get_args

from orjson import dumps as _dumps
from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from ...memo import remember
from ..fastwire_checks import NO as _NO, Check, int64 as _int, list_of as _list_of, str_list as _str_list
from . import model as gm
from .model import parse_graph_datetime

# ---------------------------------------------------------------- the stand-in classes


class _Stand:
    """Base of the stand-ins: the JSON object's (checked) members as attributes; a field the
    JSON did not have reads its model's default (a class attribute, or filled in when the
    default is made per object).  Only :class:`FastEvent` keeps unknown members (extras)."""

    __pydantic_extra__: dict[str, Any] = {}  # never changed: extras() copies
    _MODEL: type[BaseModel] = BaseModel
    _FIELDS: tuple[str, ...] = ()

    def extras(self) -> dict[str, Any]:
        return dict(self.__pydantic_extra__)

    def model_dump(self, *, mode: str = "python", exclude_none: bool = False) -> dict[str, Any]:
        """As the model's ``model_dump`` with these two options (what the mapper asks for): the
        model's field order, then the extras; nested stand-ins dumped; a date as ISO text in
        ``mode="json"``."""
        out: dict[str, Any] = {}
        for items in ((name, getattr(self, name)) for name in self._FIELDS), self.__pydantic_extra__.items():
            for name, value in items:
                if value is None:
                    if exclude_none:
                        continue
                elif type(value) not in _LEAVES:
                    value = _dump(value, mode, exclude_none)
                out[name] = value
        return out

    def __eq__(self, other: Any) -> bool:
        """As pydantic compares two models (same model, same fields, same extras), a stand-in and
        a model alike: ``_first_instance`` compares the starts of two events, either of which
        may have been read by pydantic."""
        if isinstance(other, _Stand):
            kind: Any = other._MODEL
        elif isinstance(other, BaseModel):
            kind = type(other)
        else:
            return NotImplemented
        if kind is not self._MODEL or self.extras() != (other.__pydantic_extra__ or {}):
            return False
        # tuples compare items as pydantic's dicts do (an object equals itself: a NaN too)
        return tuple(getattr(self, name) for name in self._FIELDS) == tuple(getattr(other, name) for name in self._FIELDS)

    __hash__ = None  # type: ignore[assignment]  # as a (mutable) pydantic model

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._FIELDS)
        return f"{type(self).__name__}({fields})"


_LEAVES = frozenset((str, int, bool, float))  # dumped as they are, in both modes


def _dump(value: Any, mode: str, exclude_none: bool) -> Any:
    if isinstance(value, _Stand):
        return value.model_dump(mode=mode, exclude_none=exclude_none)
    if type(value) is list:
        return [_dump(item, mode, exclude_none) for item in value]
    if mode == "json" and type(value) is date:
        return value.isoformat()
    return value


def _stand_class(model: type[BaseModel], methods: tuple[str, ...] = ()) -> type:
    """A stand-in class for ``model``: its fields with their defaults as class attributes (a
    default made per object by a factory is filled in by the reader) and the named methods
    taken from the model itself, so both paths run one code."""
    body: dict[str, Any] = {"_MODEL": model, "_FIELDS": tuple(model.model_fields)}
    for name, info in model.model_fields.items():
        assert info.alias is None or name == "removed", name  # no alias read (``@removed``: pydantic's)
        body[name] = None if info.default is PydanticUndefined else info.default
    for method in methods:
        body[method] = model.__dict__[method]
    return type("Fast" + model.__name__, (_Stand,), body)


# ---------------------------------------------------------------- value checks

def _float(value: Any) -> Any:
    return value if type(value) is float else _NO  # an int would be made a float: pydantic's


def _text(read: Callable[[str], Any], *, keep: bool) -> Check:
    """A string member that the model's validator ``read`` takes (a ValueError is pydantic's
    error to word); ``keep``: the string kept as sent, else what ``read`` makes of it."""
    def check(value: Any) -> Any:
        if type(value) is not str:
            return _NO
        try:
            got = read(value)
        except ValueError:
            return _NO
        return value if keep else got
    return check


_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _range_day(value: str) -> date | None:
    """``recurrence.range.startDate``/``endDate`` (:func:`model.range_date`), then read as
    pydantic reads a date: only ``YYYY-MM-DD`` is taken here (ValueError otherwise)."""
    text = gm.range_date(value)
    if text is None:
        return None
    if not _ISO_DAY.fullmatch(text):
        raise ValueError(text)
    return date.fromisoformat(text)


#: ``dateTimeTimeZone.dateTime``: :func:`parse_graph_datetime` must read it (kept as sent).
_date_time = _text(parse_graph_datetime, keep=True)
#: ``createdDateTime``/``lastModifiedDateTime``/``originalStart``: the sentinel as None.
_timestamp = _text(gm.graph_timestamp, keep=False)
#: ``responseStatus.time``: the sentinel (on every attendee Graph lists) as None.
_response_time = _text(gm._sentinel_to_none, keep=False)
_range_date = _text(_range_day, keep=False)


def _enum(vocabulary: tuple[str, ...]) -> Check:
    """An enum: a string, in any case, repaired by the model's own function (``model._enum``:
    the vocabulary's spelling, or the value as sent for the mapper to report)."""
    words = frozenset(vocabulary)  # Graph's own spelling: one hash look-up

    def check(value: Any) -> Any:
        if type(value) is not str:
            return _NO
        return value if value in words else gm._enum(value, vocabulary)
    return check


def _is_annotation(name: Any) -> bool:
    """An ``@odata.*`` key, which the model drops from every object it reads
    (``model.without_annotations``): Graph sends ``@odata.etag`` on every event."""
    return type(name) is str and "@odata." in name


def _zero_if_null(check: Check) -> Check:
    """``interval``/``month``/``dayOfMonth``/``numberOfOccurrences``: null reads as 0."""
    return lambda value: 0 if value is None else check(value)


def _days(value: Any) -> Any:
    """``daysOfWeek``: null reads as an empty list; each day an enum."""
    return [] if value is None else _day_list(value)


_day_list = _list_of(_enum(gm.DAYS))


def _object(cls: type, plain: dict[str, type], special: dict[str, Check], *,
            required: tuple[str, ...] = (), fill: dict[str, Callable[[], Any]] | None = None,
            shared: bool = False, extra: Callable[[Any], bool] | None = None,
            after: Callable[[dict[str, Any]], bool] | None = None) -> Check:
    """A JSON object read into ``cls``: every key one of its fields, every value of the common
    shape — ``plain``: of that exact type (str, bool); ``special``: its check gives the value to
    keep (it also sees a JSON null where the model repairs one).  A JSON null elsewhere is the
    field's value where the model allows None; an ``@odata.*`` key is dropped.  ``required``:
    fields the model requires; ``fill``: defaults made per object; ``extra``: which unknown
    keys are kept as extras (none without it); ``after``: a test of the values read.
    ``shared``: read once per distinct JSON text (:func:`model._key`, as :func:`model.shared`
    does for the pydantic path: the same people and places recur on every event, and a
    stand-in is never changed)."""
    model = cls._MODEL  # type: ignore[attr-defined]
    nullable = frozenset(name for name, info in model.model_fields.items() if type(None) in get_args(info.annotation))
    checks: dict[str, Any] = {**plain, **special}  # a type or a check, one look-up a member
    memo: dict[bytes, Any] = {}

    def check(value: Any) -> Any:
        if type(value) is not dict:
            return _NO
        if not shared:
            return read(value)
        # ``model._key``'s JSON text, made here (35k attendees at 10k bench events: a call less
        # each); a text holding ``null`` (NaN reads so too) or one orjson refuses is model._key's
        # ``repr``: read, never remembered, so a text found in the memo is a remembered one
        try:
            key = _dumps(value, option=gm._KEY_OPTIONS)
        except TypeError:  # orjson.JSONEncodeError: not plain JSON types (a subclass, a surrogate…)
            return read(value)
        found = memo.get(key)
        if found is None:
            found = read(value)
            if found is not _NO and b"null" not in key:
                remember(memo, key, found, 65536)
        return found

    def read(value: dict[str, Any]) -> Any:
        values = dict(value)
        extras: dict[str, Any] = {}
        for name, item in value.items():
            test = checks.get(name)
            if test is type(item) or (item is None and name in nullable):
                continue
            if test is None:
                if _is_annotation(name):
                    del values[name]
                    continue
                if extra is None or not extra(name):
                    return _NO
                extras[name] = values.pop(name)
                continue
            if test.__class__ is type:  # a plain member of another type
                return _NO
            got = test(item)
            if got is _NO:
                return _NO
            if got is not item:
                values[name] = got
        for name in required:
            if name not in values:
                return _NO
        if fill:
            for name, make in fill.items():
                if name not in values:
                    values[name] = make()
        if after is not None and not after(values):
            return _NO
        obj = cls.__new__(cls)
        obj.__dict__ = values
        if extra is not None:
            obj.__pydantic_extra__ = extras
        return obj
    return check


# ---------------------------------------------------------------- the stand-ins

FastDateTimeTimeZone = _stand_class(gm.DateTimeTimeZone, ("naive",))
FastItemBody = _stand_class(gm.ItemBody)
FastEmailAddress = _stand_class(gm.EmailAddress)
FastRecipient = _stand_class(gm.Recipient)
FastResponseStatus = _stand_class(gm.ResponseStatus)
FastTimeSlot = _stand_class(gm.TimeSlot)
FastAttendee = _stand_class(gm.Attendee)
FastPhysicalAddress = _stand_class(gm.PhysicalAddress, ("is_empty",))
FastGeoCoordinates = _stand_class(gm.GeoCoordinates)
FastLocation = _stand_class(gm.Location, ("is_empty",))
FastRecurrencePattern = _stand_class(gm.RecurrencePattern)
FastRecurrenceRange = _stand_class(gm.RecurrenceRange)
FastPatternedRecurrence = _stand_class(gm.PatternedRecurrence)
FastPhone = _stand_class(gm.Phone)
FastOnlineMeetingInfo = _stand_class(gm.OnlineMeetingInfo)

_dtz_any = _object(FastDateTimeTimeZone, {"timeZone": str}, {"dateTime": _date_time}, required=("dateTime",))
_new = object.__new__


def _dtz(value: Any) -> Any:
    """``start``/``end`` (20k at 10k events): Graph's two strings, ``dateTime`` one that
    :func:`parse_graph_datetime` reads (its memo answers a text parsed before), read in line;
    any other shape by the general reader (``_dtz_any``), which this is held to
    (tests/test_json2ics12_fastwire.py)."""
    if type(value) is dict and len(value) == 2:
        text = value.get("dateTime")
        if type(text) is str and type(value.get("timeZone")) is str:
            try:
                parse_graph_datetime(text)
            except ValueError:
                return _NO
            obj = _new(FastDateTimeTimeZone)
            obj.__dict__ = dict(value)  # the JSON's member order, as the general reader keeps it
            return obj
    return _dtz_any(value)


_body = _object(FastItemBody, {"content": str}, {"contentType": _enum(gm.BODY_TYPES)})
_email = _object(FastEmailAddress, {"name": str, "address": str}, {})
_recipient = _object(FastRecipient, {}, {"emailAddress": _email}, shared=True)
_status = _object(FastResponseStatus, {}, {"response": _enum(gm.RESPONSES), "time": _response_time}, shared=True)
_slot = _object(FastTimeSlot, {}, {"start": _dtz, "end": _dtz})
_attendee = _object(FastAttendee, {}, {"type": _enum(gm.ATTENDEE_TYPES), "status": _status, "emailAddress": _email,
                                       "proposedNewTime": _slot}, shared=True)
_address = _object(FastPhysicalAddress, dict.fromkeys(gm.PhysicalAddress.model_fields, str), {})
_coordinates = _object(FastGeoCoordinates, {}, dict.fromkeys(gm.GeoCoordinates.model_fields, _float))
_location = _object(
    FastLocation, dict.fromkeys(("displayName", "locationUri", "uniqueId", "uniqueIdType", "locationEmailAddress"), str),
    {"locationType": _enum(gm.LOCATION_TYPES), "address": _address, "coordinates": _coordinates}, shared=True)
_counted = _zero_if_null(_int)
_pattern = _object(
    FastRecurrencePattern, {},
    {"type": _enum(gm.PATTERN_TYPES), "interval": _counted, "month": _counted, "dayOfMonth": _counted,
     "daysOfWeek": _days, "firstDayOfWeek": _enum(gm.DAYS), "index": _enum(gm.INDEXES)},
    required=("type",), fill={"daysOfWeek": list})
_range = _object(FastRecurrenceRange, {"recurrenceTimeZone": str},
                 {"type": _enum(gm.RANGE_TYPES), "startDate": _range_date, "endDate": _range_date,
                  "numberOfOccurrences": _counted})
_recurrence = _object(FastPatternedRecurrence, {}, {"pattern": _pattern, "range": _range}, required=("pattern",),
                      fill={"range": lambda: _range({})})
_phone = _object(FastPhone, {"number": str, "type": str}, {})
_meeting = _object(FastOnlineMeetingInfo, dict.fromkeys(("joinUrl", "conferenceId", "tollNumber", "quickDial"), str),
                   {"tollFreeNumbers": _str_list, "phones": _list_of(_phone)})


class FastEvent(_stand_class(gm.Event, ("timestamp",))):  # type: ignore[misc]
    """The event: its unknown members kept as extras (stashed by the mapper), as the model keeps
    them, apart from the fields (``__dict__``, which the mapper reads)."""

    __slots__ = ("__pydantic_extra__",)

    @property
    def model_fields_set(self) -> set[str]:
        """The members the JSON sent (null ones included), as pydantic counts them: its fields
        and its extras."""
        return set(self.__dict__).union(self.__pydantic_extra__)


_EVENT_PLAIN: dict[str, type] = {
    **dict.fromkeys(("id", "changeKey", "iCalUId", "uid", "transactionId", "seriesMasterId", "originalStartTimeZone",
                     "originalEndTimeZone", "subject", "bodyPreview", "webLink", "onlineMeetingUrl"), str),
    # WireBool: the strings "true"/"false" are the model's repair
    **dict.fromkeys(("isAllDay", "isOrganizer", "responseRequested", "isReminderOn", "isCancelled", "isDraft",
                     "isOnlineMeeting", "allowNewTimeProposals", "hideAttendees", "hasAttachments"), bool),
}
_EVENT_SPECIAL: dict[str, Check] = {
    "type": _enum(gm.EVENT_TYPES), "showAs": _enum(gm.SHOW_AS), "importance": _enum(gm.IMPORTANCE),
    "sensitivity": _enum(gm.SENSITIVITY), "onlineMeetingProvider": _enum(gm.ONLINE_PROVIDERS),
    "createdDateTime": _timestamp, "lastModifiedDateTime": _timestamp, "originalStart": _timestamp,
    "body": _body, "start": _dtz, "end": _dtz, "recurrence": _recurrence, "location": _location,
    "locations": _list_of(_location), "organizer": _recipient, "attendees": _list_of(_attendee),
    "responseStatus": _status, "reminderMinutesBeforeStart": _int, "categories": _str_list,
    "cancelledOccurrences": _str_list, "onlineMeeting": _meeting,
}
#: Fields left to pydantic (see the module doc), by their alias: not kept as an extra.
_PYDANTIC_ONLY = frozenset(("exceptionOccurrences", "removed", "@removed"))


def _extra_ok(name: Any) -> bool:
    """An unknown member the model keeps as it is: not a PascalCase name (the legacy shape,
    which the model rewrites), not a field left to pydantic."""
    return type(name) is str and not name[:1].isupper() and name not in _PYDANTIC_ONLY


def _has_uid(values: dict[str, Any]) -> bool:
    """``to_ical._uid_for`` needs no ``model_dump_json`` (an event without any of these)."""
    return bool(values.get("uid") or values.get("iCalUId") or values.get("id"))


_event = _object(FastEvent, _EVENT_PLAIN, _EVENT_SPECIAL, extra=_extra_ok, after=_has_uid)


def fast_event(raw: Any) -> Any:
    """A Graph event JSON object of the common shape as a :class:`FastEvent`, the same to the
    mapper as ``Event.model_validate(raw)``; None for anything else (pydantic's to read)."""
    got = _event(raw)
    return None if got is _NO else got
