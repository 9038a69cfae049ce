"""Pydantic models of the Microsoft Graph ``event`` resource (v1.0 and beta), mirroring the wire.

Why a model of the wire, apart from the mapping: the API returns shapes a mapper should not
have to know about (pandoc's Parse/Reader split).  The models absorb, each in a named validator:

* enum values in any case (``HTML``/``html``, ``Required``, ``Monday``, ``TentativelyAccepted``);
* 7-digit fractional seconds (``2026-03-02T17:15:36.3760425Z``);
* ``0001-01-01`` / ``0001-01-01T00:00:00Z`` sentinels meaning "absent" (seeds 001/002);
* ``@odata.*`` annotations (ignored, never stashed);
* the legacy PascalCase resource of Outlook REST / Graph alpha (seed 004): ``Subject``,
  ``Start`` as an ``Edm.DateTimeOffset`` plus ``StartTimeZone``, ``Reminder`` in minutes,
  ``DateTimeCreated``… — see :func:`legacy.normalize_legacy`.

Unknown properties are kept (``extra="allow"``) so the mapper can stash them for a round trip
(architecture: pydantic's default ``extra="ignore"`` would drop them silently).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from types import UnionType
from typing import Any, Union, get_args, get_origin

import orjson

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator

from ...wire import WireBool, canonical_enum
from . import legacy
from ...memo import recalled, remember

# --- enum vocabularies (Graph v1.0 + beta metadata, tests/schemas/graph-event-*.xml) ----------

BODY_TYPES = ("text", "html")
ATTENDEE_TYPES = ("required", "optional", "resource")
RESPONSES = ("none", "organizer", "tentativelyAccepted", "accepted", "declined", "notResponded")
SHOW_AS = ("free", "tentative", "busy", "oof", "workingElsewhere", "unknown")
IMPORTANCE = ("low", "normal", "high")
SENSITIVITY = ("normal", "personal", "private", "confidential")
EVENT_TYPES = ("singleInstance", "occurrence", "exception", "seriesMaster")
PATTERN_TYPES = ("daily", "weekly", "absoluteMonthly", "relativeMonthly", "absoluteYearly", "relativeYearly")
RANGE_TYPES = ("endDate", "noEnd", "numbered")
DAYS = ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday")
INDEXES = ("first", "second", "third", "fourth", "last")
ONLINE_PROVIDERS = ("unknown", "skypeForBusiness", "skypeForConsumer", "teamsForBusiness")
LOCATION_TYPES = ("default", "conferenceRoom", "homeAddress", "businessAddress", "geoCoordinates",
                  "streetAddress", "hotel", "restaurant", "localBusiness", "postalAddress")


_FRACTION = re.compile(r"(\.\d{1,6})\d*")
SENTINEL_YEAR = 1


_parsed: dict[str, datetime | None] = {}


def parse_graph_datetime(value: str) -> datetime | None:
    """Parse Graph date-times: 7-digit fractions cut to microseconds, trailing ``Z`` or offset
    kept, ``0001-01-01`` sentinel → None.  Memoised per string (immutable results): every
    date-time is parsed when validated and again when mapped, and start times repeat."""
    return recalled(_parsed, value, _parse_graph_datetime, 65536)


def _parse_graph_datetime(value: str) -> datetime | None:
    if len(value) == 27 and value[19] == "." and value[20:].isdecimal() and value[0] in _ASCII_DIGITS \
            and "." not in value[:19]:
        # Graph's own spelling (``2026-03-02T09:00:00.0000000``, every start and end): the one
        # fraction, cut to 6 digits, is all the general path below changes (no blank to strip,
        # no other ``.``, no ``Z``), so it reads value[:26]; ~2.5 µs less a date-time.
        parsed = datetime.fromisoformat(value[:26])
        return None if parsed.year == SENTINEL_YEAR else parsed
    return _parse_general(value)


_ASCII_DIGITS = frozenset("0123456789")


def _parse_general(value: str) -> datetime | None:
    """Any other spelling: fractions cut to 6 digits, ``Z`` as ``+00:00``, blanks stripped."""
    text = _FRACTION.sub(lambda m: m.group(1), value.strip())
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    parsed = datetime.fromisoformat(text)
    if parsed.year == SENTINEL_YEAR:
        return None
    return parsed


def _enum(value: Any, vocabulary: tuple[str, ...]) -> Any:
    """:func:`wire.canonical_enum`, with the value spelled as the vocabulary spells it (what
    Graph sends, 110k times at 10k events) answered by one membership test."""
    if type(value) is str and value in vocabulary:
        return value
    return canonical_enum(value, vocabulary)


def _sentinel_to_none(value: Any) -> Any:
    if isinstance(value, str) and value.startswith("0001-01-01"):
        return None
    return value


def graph_timestamp(value: Any) -> Any:
    """``createdDateTime``/``lastModifiedDateTime``/``originalStart`` before validation: the
    sentinel as None, any other string checked by :func:`parse_graph_datetime` (a ValueError
    naming the field) and kept as sent."""
    value = _sentinel_to_none(value)
    if isinstance(value, str):
        parse_graph_datetime(value)
    return value


def range_date(value: Any) -> Any:
    """``recurrence.range.startDate``/``endDate`` before validation: the sentinel as None, a
    date-time (some clients send one) cut to its date."""
    value = _sentinel_to_none(value)
    if isinstance(value, str) and "T" in value:
        value = value.split("T", 1)[0]
    return value


class GraphModel(BaseModel):
    """Base: camelCase names as on the wire, unknown fields kept, annotations dropped (by
    :meth:`Event._prepare`, for the event and every object inside it that a model reads)."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    def extras(self) -> dict[str, Any]:
        """Properties the model does not name (candidates for the round-trip stash)."""
        return dict(self.__pydantic_extra__ or {})


class DateTimeTimeZone(GraphModel):
    dateTime: str
    timeZone: str | None = None

    @field_validator("dateTime")
    @classmethod
    def _check(cls, value: str) -> str:
        parse_graph_datetime(value)  # raises ValueError on garbage, naming the field
        return value

    def naive(self) -> datetime | None:
        """The wall-clock value; an offset or ``Z`` in the string is converted to UTC first."""
        parsed = parse_graph_datetime(self.dateTime)
        if parsed is not None and parsed.tzinfo is not None:
            return parsed.astimezone(timezone.utc).replace(tzinfo=None)
        return parsed


class ItemBody(GraphModel):
    contentType: str = "text"
    content: str | None = None

    @field_validator("contentType", mode="before")
    @classmethod
    def _ct(cls, v: Any) -> Any:
        return _enum(v, BODY_TYPES)


class EmailAddress(GraphModel):
    name: str | None = None
    address: str | None = None


class Recipient(GraphModel):
    emailAddress: EmailAddress | None = None


class ResponseStatus(GraphModel):
    response: str | None = None
    time: str | None = None

    @field_validator("response", mode="before")
    @classmethod
    def _r(cls, v: Any) -> Any:
        return _enum(v, RESPONSES)

    @field_validator("time", mode="before")
    @classmethod
    def _t(cls, v: Any) -> Any:
        return _sentinel_to_none(v)


class TimeSlot(GraphModel):
    start: DateTimeTimeZone | None = None
    end: DateTimeTimeZone | None = None


class Attendee(GraphModel):
    type: str | None = None
    status: ResponseStatus | None = None
    emailAddress: EmailAddress | None = None
    proposedNewTime: TimeSlot | None = None

    @field_validator("type", mode="before")
    @classmethod
    def _ty(cls, v: Any) -> Any:
        return _enum(v, ATTENDEE_TYPES)


class PhysicalAddress(GraphModel):
    street: str | None = None
    city: str | None = None
    state: str | None = None
    countryOrRegion: str | None = None
    postalCode: str | None = None

    def is_empty(self) -> bool:
        return not any((self.street, self.city, self.state, self.countryOrRegion, self.postalCode))


class GeoCoordinates(GraphModel):
    latitude: float | None = None
    longitude: float | None = None
    accuracy: float | None = None
    altitude: float | None = None
    altitudeAccuracy: float | None = None


class Location(GraphModel):
    displayName: str | None = None
    locationType: str | None = None
    locationUri: str | None = None
    uniqueId: str | None = None
    uniqueIdType: str | None = None
    locationEmailAddress: str | None = None
    address: PhysicalAddress | None = None
    coordinates: GeoCoordinates | None = None

    @field_validator("locationType", mode="before")
    @classmethod
    def _lt(cls, v: Any) -> Any:
        return _enum(v, LOCATION_TYPES)

    def is_empty(self) -> bool:
        return not (self.displayName or self.locationUri or self.uniqueId or self.locationEmailAddress
                    or (self.address and not self.address.is_empty())
                    or (self.coordinates and self.coordinates.latitude is not None))


class RecurrencePattern(GraphModel):
    type: str
    interval: int = 1
    month: int = 0
    dayOfMonth: int = 0
    daysOfWeek: list[str] = Field(default_factory=list)
    firstDayOfWeek: str | None = None
    index: str | None = None

    @field_validator("type", mode="before")
    @classmethod
    def _ty(cls, v: Any) -> Any:
        return _enum(v, PATTERN_TYPES)

    @field_validator("daysOfWeek", mode="before")
    @classmethod
    def _days(cls, v: Any) -> Any:
        return [_enum(d, DAYS) for d in v] if isinstance(v, list) else ([] if v is None else v)

    @field_validator("firstDayOfWeek", mode="before")
    @classmethod
    def _fdow(cls, v: Any) -> Any:
        return _enum(v, DAYS)

    @field_validator("index", mode="before")
    @classmethod
    def _idx(cls, v: Any) -> Any:
        return _enum(v, INDEXES)

    @field_validator("interval", "month", "dayOfMonth", mode="before")
    @classmethod
    def _ints(cls, v: Any) -> Any:
        return 0 if v is None else v


class RecurrenceRange(GraphModel):
    type: str = "noEnd"
    startDate: date | None = None
    endDate: date | None = None
    recurrenceTimeZone: str | None = None
    numberOfOccurrences: int = 0

    @field_validator("type", mode="before")
    @classmethod
    def _ty(cls, v: Any) -> Any:
        return _enum(v, RANGE_TYPES)

    @field_validator("startDate", "endDate", mode="before")
    @classmethod
    def _dates(cls, v: Any) -> Any:
        return range_date(v)

    @field_validator("numberOfOccurrences", mode="before")
    @classmethod
    def _n(cls, v: Any) -> Any:
        return 0 if v is None else v


class PatternedRecurrence(GraphModel):
    pattern: RecurrencePattern
    range: RecurrenceRange = Field(default_factory=RecurrenceRange)


class Phone(GraphModel):
    number: str | None = None
    type: str | None = None


class OnlineMeetingInfo(GraphModel):
    joinUrl: str | None = None
    conferenceId: str | None = None
    tollNumber: str | None = None
    tollFreeNumbers: list[str] | None = None
    phones: list[Phone] | None = None
    quickDial: str | None = None


# ------------------------------------------------------------------------------------------------
# Objects that recur across events, validated once
# ------------------------------------------------------------------------------------------------

#: The fields of :class:`Event` whose objects recur (people, places), and their model.  Not
#: ``start``/``end``: 16k distinct of 22k at 10k events, where a first reading (what bench/
#: measures) pays the memo and gains nothing (validation 0.49 CPU s without them, 0.57 with).
_SHARED_MODELS: dict[str, type[GraphModel]] = {"organizer": Recipient, "location": Location, "attendees": Attendee,
                                               "responseStatus": ResponseStatus}
SHARED_FIELDS = tuple(_SHARED_MODELS)
_shared: dict[tuple[type[GraphModel], str], GraphModel] = {}
#: Off: every object validated in place (the reference :func:`shared` is held to by the tests).
SHARING = True


def shared(cls: type[GraphModel], value: Any) -> Any:
    """The ``cls`` pydantic validates from ``value``, validated once per distinct content and
    shared, when ``value`` is a plain object (:func:`is_plain`); else ``value`` itself, for
    pydantic to validate in place (and name its place in an error).  Why: the same attendees,
    organizer and location recur on every event (35k attendees, ~500 distinct, at 10k events:
    3 models and 3 validators each), and a model is never changed once validated.

    The key is the value's JSON text (:func:`_key`: orjson, C, 8x faster than ``repr``), else its
    ``repr``.  An entry is made only for a plain value, and for the types JSON gives, either
    tells apart every two values pydantic may read differently (``'1'``, ``1``, ``1.0``,
    ``True``, ``None``), so a hit holds the same content.  (A Python object spelled as a string,
    which no JSON text gives — a ``repr`` spelling one, a ``uuid.UUID`` or ``orjson.Fragment`` in
    JSON text — would read as that string.)"""
    if type(value) is not dict or not SHARING:
        return value
    key = (cls, _key(value))
    found = _shared.get(key)
    if found is None:
        if not is_plain(value):
            return value
        try:
            found = cls.model_validate(value)
        except ValidationError:
            return value  # pydantic's error, at its place in the event
        remember(_shared, key, found, 65536)
    return found


_KEY_OPTIONS = orjson.OPT_PASSTHROUGH_SUBCLASS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def _key(value: dict[str, Any]) -> bytes | str:
    """:func:`shared`'s key: the JSON text of ``value`` (orjson), or its ``repr`` where JSON text
    might not tell values apart: a ``null`` in it (orjson writes NaN and the infinities as null),
    or anything orjson refuses — a subclass (a ``str`` enum), a date, a dataclass (passed
    through, so refused), a non-string key, an integer beyond 64 bits."""
    try:
        text = orjson.dumps(value, option=_KEY_OPTIONS)
    except TypeError:  # orjson.JSONEncodeError
        return repr(value)
    return repr(value) if b"null" in text else text


def is_plain(value: dict[Any, Any]) -> bool:
    """Whether ``value``'s keys are strings and its values strings, nulls, or objects of those
    (an attendee, an organizer, a location).  Only these leaf types: ``1 == 1.0 == True`` would
    make values that pydantic reads differently one key of a plain dict, but not one ``repr``."""
    for name, item in value.items():
        if type(name) is not str:
            return False
        if type(item) is dict:
            for inner, leaf in item.items():
                if type(inner) is not str or (type(leaf) is not str and leaf is not None):
                    return False
        elif type(item) is not str and item is not None:
            return False
    return True


class Event(GraphModel):
    """The Graph ``event`` entity (v1.0 + beta properties; legacy PascalCase normalised)."""

    id: str | None = None
    changeKey: str | None = None
    iCalUId: str | None = None
    uid: str | None = None  # beta: shared by a whole series
    transactionId: str | None = None
    type: str | None = None
    seriesMasterId: str | None = None
    originalStart: str | None = None
    originalStartTimeZone: str | None = None
    originalEndTimeZone: str | None = None
    subject: str | None = None
    body: ItemBody | None = None
    bodyPreview: str | None = None
    start: DateTimeTimeZone | None = None
    end: DateTimeTimeZone | None = None
    isAllDay: WireBool | None = None
    recurrence: PatternedRecurrence | None = None
    location: Location | None = None
    locations: list[Location] | None = None
    organizer: Recipient | None = None
    attendees: list[Attendee] | None = None
    isOrganizer: WireBool | None = None
    responseRequested: WireBool | None = None
    responseStatus: ResponseStatus | None = None
    isReminderOn: WireBool | None = None
    reminderMinutesBeforeStart: int | None = None
    showAs: str | None = None
    importance: str | None = None
    sensitivity: str | None = None
    categories: list[str] | None = None
    isCancelled: WireBool | None = None
    isDraft: WireBool | None = None
    createdDateTime: str | None = None
    lastModifiedDateTime: str | None = None
    webLink: str | None = None
    isOnlineMeeting: WireBool | None = None
    onlineMeetingProvider: str | None = None
    onlineMeeting: OnlineMeetingInfo | None = None
    onlineMeetingUrl: str | None = None
    allowNewTimeProposals: WireBool | None = None
    hideAttendees: WireBool | None = None
    hasAttachments: WireBool | None = None
    cancelledOccurrences: list[str] | None = None  # beta
    exceptionOccurrences: list[dict[str, Any]] | None = None  # beta, expanded exceptions
    removed: dict[str, Any] | None = Field(default=None, alias="@removed")

    @field_validator(*SHARED_FIELDS, mode="before")
    @classmethod
    def _shared(cls, v: Any, info: ValidationInfo) -> Any:
        """A recurring object validated once (:func:`shared`); runs after :meth:`_prepare`."""
        model = _SHARED_MODELS[info.field_name]  # type: ignore[index]
        if info.field_name == "attendees":  # list[Attendee]: anything but an array is pydantic's error
            return [shared(model, item) for item in v] if type(v) is list else v
        return shared(model, v)

    @model_validator(mode="before")
    @classmethod
    def _prepare(cls, data: Any) -> Any:
        """Outlook REST / Graph alpha PascalCase shape (seed 004) → the v1.0 shape, then the
        ``@odata.*`` annotations dropped (:func:`without_annotations`)."""
        if isinstance(data, dict):
            if not data.keys() <= _CAMEL_CASE_KEYS:  # else no PascalCase name: not legacy (legacy.is_legacy)
                removed = data.get("@removed")
                data = legacy.normalize_legacy(data)
                if removed is not None:
                    data["@removed"] = removed
            if _may_hold_annotation(data):
                data = without_annotations(cls, data)
        return data

    @field_validator("type", mode="before")
    @classmethod
    def _ty(cls, v: Any) -> Any:
        return _enum(v, EVENT_TYPES)

    @field_validator("showAs", mode="before")
    @classmethod
    def _show(cls, v: Any) -> Any:
        return _enum(v, SHOW_AS)

    @field_validator("importance", mode="before")
    @classmethod
    def _imp(cls, v: Any) -> Any:
        return _enum(v, IMPORTANCE)

    @field_validator("sensitivity", mode="before")
    @classmethod
    def _sens(cls, v: Any) -> Any:
        return _enum(v, SENSITIVITY)

    @field_validator("onlineMeetingProvider", mode="before")
    @classmethod
    def _omp(cls, v: Any) -> Any:
        return _enum(v, ONLINE_PROVIDERS)

    @field_validator("createdDateTime", "lastModifiedDateTime", "originalStart", mode="before")
    @classmethod
    def _ts(cls, v: Any) -> Any:
        return graph_timestamp(v)

    def timestamp(self, name: str) -> datetime | None:
        value = getattr(self, name)
        if not value:
            return None
        parsed = parse_graph_datetime(value)
        if parsed is not None and parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=timezone.utc)
        return parsed


# ------------------------------------------------------------------------------------------------
# @odata.* annotations
# ------------------------------------------------------------------------------------------------

def _is_annotation(key: Any) -> bool:
    return isinstance(key, str) and "@odata." in key


def _may_hold_annotation(data: dict[str, Any]) -> bool:
    """Whether an event's raw object may hold an ``@odata.`` key anywhere: its JSON text (orjson,
    C: a few µs an event) spells no such name in most events, whose objects are then read as they
    are; a value orjson cannot write (not from JSON) is walked."""
    try:
        return b"@odata." in orjson.dumps(data)
    except TypeError:  # orjson.JSONEncodeError
        return True


def _models_in(annotation: Any) -> tuple[type[GraphModel] | None, bool]:
    """The model a field's type holds (``X``, ``X | None``, ``list[X] | None``) and whether in a list."""
    if isinstance(annotation, type) and issubclass(annotation, GraphModel):
        return annotation, False
    if get_origin(annotation) is list:
        inner, _ = _models_in(get_args(annotation)[0])
        return inner, inner is not None
    for arg in get_args(annotation) if get_origin(annotation) in (Union, UnionType) else ():
        found = _models_in(arg)
        if found[0] is not None:
            return found
    return None, False


_NESTED: dict[type[GraphModel], tuple[tuple[str, type[GraphModel], bool], ...]] = {}


def _nested(cls: type[GraphModel]) -> tuple[tuple[str, type[GraphModel], bool], ...]:
    """(key, model, in a list) of the fields of ``cls`` that hold models (none has an alias)."""
    found = _NESTED.get(cls)
    if found is None:
        found = _NESTED[cls] = tuple((name, model, many) for name, field in cls.model_fields.items()
                                     for model, many in [_models_in(field.annotation)] if model is not None)
    return found


def without_annotations(cls: type[GraphModel], data: Any) -> Any:
    """``data`` without the ``@odata.*`` keys of every object that a model reads: ``data``
    itself when it is an object, and what its fields holding models hold, nested (objects a
    model keeps as they are — extras, ``dict`` fields — keep theirs, e.g. a stashed extended
    property).  Each object read as ``cls`` once lost its annotations in a validator of its own
    (175k calls at 10k events); the copies are made only where something changes."""
    if not isinstance(data, dict):
        return data
    out = {k: v for k, v in data.items() if not _is_annotation(k)} if any(_is_annotation(k) for k in data) else data
    for key, model, many in _nested(cls):
        value = out.get(key)
        if many and isinstance(value, (list, tuple)):
            items = [without_annotations(model, item) for item in value]
            new: Any = items if any(a is not b for a, b in zip(items, value)) else value
        else:
            new = without_annotations(model, value) if not many else value
        if new is not value:
            if out is data:
                out = dict(data)
            out[key] = new
    return out


# The names a v1.0/beta event object holds (its fields and the common extras): an object with no
# other name has no PascalCase one, which is what marks the legacy shape (:func:`legacy.is_legacy`).
_CAMEL_CASE_KEYS = frozenset([*Event.model_fields, "@removed", "@odata.etag", "@odata.type", "@odata.context",
                              "@odata.id", "singleValueExtendedProperties", "multiValueExtendedProperties",
                              "occurrenceId", "attachments", "extensions", "instances", "calendar"])
assert not any(k[:1].isupper() for k in _CAMEL_CASE_KEYS)
