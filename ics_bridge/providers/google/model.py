"""Pydantic models of the Google Calendar API v3 ``Event`` resource and ``Events`` list, mirroring
the discovery document (tests/schemas/google-calendar-v3-discovery.json) name for name.

Why a model of the wire, apart from the mapping (as for Graph): the API returns shapes a mapper
should not have to know about.  The models absorb, each in a named validator:

* cancelled tombstones that carry only ``id``, ``status``, ``recurringEventId`` and
  ``originalStartTime`` (no start/end: gcal_sync's tombstone handling; interop-notes case 34);
* legacy or odd-case enum values (``"Confidential"``, ``"OPAQUE"``): matched case-insensitively,
  unknown values passed through for the mapper to report;
* ``dateTime`` offsets that disagree with ``timeZone`` (gcal_sync #34; case 11): the instant
  comes from the offset, the zone from ``timeZone`` (:meth:`EventDateTime.instant`);
* booleans sent as strings (``"self": "False"`` in gcal_sync's test data);
* RFC 3339 timestamps with any number of fractional digits (``2020-11-25T14:53:46.0Z``).

Unknown properties are kept (``extra="allow"``) so the mapper can stash them for a round trip.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timezone, tzinfo
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ...build import with_zone
from ...memo import recalled
from ...wire import WireBool, canonical_enum
from . import tables


_FRACTION = re.compile(r"\.(\d+)")


_parsed: dict[str, datetime] = {}


def parse_rfc3339(value: str) -> datetime:
    """RFC 3339 date-time; ``Z`` or an offset keeps the instant; fractions cut to microseconds;
    a value without offset comes back naive.  Memoised per string (:func:`memo.recalled`, so a
    streamed conversion bounds it): validation and mapping read each value again (datetimes
    are immutable); a 10k-event calendar holds ~20k distinct start/end values."""
    return recalled(_parsed, value, _parse_rfc3339, 65536)


def _parse_rfc3339(value: str) -> datetime:
    text = value.strip()
    if "." in text:
        text = _FRACTION.sub(lambda m: "." + (m.group(1) + "000000")[:6], text, count=1)
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    return datetime.fromisoformat(text)


class GoogleModel(BaseModel):
    """Base: names as on the wire, unknown fields kept."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    def extras(self) -> dict[str, Any]:
        return dict(self.__pydantic_extra__ or {})

    def wire(self) -> dict[str, Any]:
        """The JSON this model was read from (aliases, no unset fields)."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class EventDateTime(GoogleModel):
    date: str | None = None
    dateTime: str | None = None
    timeZone: str | None = None

    @field_validator("date")
    @classmethod
    def _date(cls, v: str | None) -> str | None:
        if v is not None:
            date.fromisoformat(v.strip()[:10])
        return v

    @field_validator("dateTime")
    @classmethod
    def _date_time(cls, v: str | None) -> str | None:
        if v is not None:
            parse_rfc3339(v)
        return v

    @model_validator(mode="after")
    def _one_of(self) -> "EventDateTime":
        if self.date is None and self.dateTime is None:
            raise ValueError("neither date nor dateTime")
        return self

    @property
    def all_day(self) -> bool:
        return self.dateTime is None

    def day(self) -> date:
        assert self.date is not None
        return date.fromisoformat(self.date.strip()[:10])

    def has_offset(self) -> bool:
        return self.dateTime is not None and parse_rfc3339(self.dateTime).tzinfo is not None

    def instant(self, zone: tzinfo | None) -> tuple[datetime, str | None]:
        """The value as an aware datetime in ``zone`` (the event's timeZone, else the calendar's).

        Quirk absorbed (gcal_sync #34, interop-notes case 11): when the offset in ``dateTime``
        disagrees with ``timeZone``, the instant comes from the offset and is shown in the zone;
        the second item says so.  Without an offset the wall time is read in ``zone``; with
        neither, in UTC (the caller reports)."""
        assert self.dateTime is not None
        parsed = parse_rfc3339(self.dateTime)
        if parsed.microsecond:
            parsed = parsed.replace(microsecond=0)
        if parsed.tzinfo is None:
            return with_zone(parsed, zone or timezone.utc), None
        if zone is None:
            return parsed.astimezone(timezone.utc), None
        local = parsed.astimezone(zone)
        note = None
        wall = with_zone(parsed, zone)
        if wall.utcoffset() != parsed.utcoffset():
            note = (f"offset {parsed.isoformat()} disagrees with {self.timeZone}; the instant is taken from the offset "
                    f"({local.isoformat()})")
        return local, note


class Person(GoogleModel):
    """``creator`` / ``organizer``."""

    id: str | None = None
    email: str | None = None
    displayName: str | None = None
    self_: WireBool | None = Field(default=None, alias="self")


class Attendee(GoogleModel):
    id: str | None = None
    email: str | None = None
    displayName: str | None = None
    optional: WireBool | None = None
    resource: WireBool | None = None
    organizer: WireBool | None = None
    self_: WireBool | None = Field(default=None, alias="self")
    responseStatus: str | None = None
    comment: str | None = None
    additionalGuests: int | None = None

    @field_validator("responseStatus", mode="before")
    @classmethod
    def _rs(cls, v: Any) -> Any:
        return canonical_enum(v, tables.RESPONSE_STATUSES)


class Reminder(GoogleModel):
    method: str
    minutes: int

    @field_validator("method", mode="before")
    @classmethod
    def _m(cls, v: Any) -> Any:
        return canonical_enum(v, tables.REMINDER_METHODS)


class Reminders(GoogleModel):
    useDefault: WireBool | None = None
    overrides: list[Reminder] | None = None


class EntryPoint(GoogleModel):
    entryPointType: str | None = None
    uri: str | None = None
    label: str | None = None
    pin: str | None = None
    accessCode: str | None = None
    meetingCode: str | None = None
    passcode: str | None = None
    password: str | None = None
    regionCode: str | None = None
    entryPointFeatures: list[str] | None = None

    @field_validator("entryPointType", mode="before")
    @classmethod
    def _t(cls, v: Any) -> Any:
        return canonical_enum(v, tables.ENTRY_POINT_TYPES)


class ConferenceData(GoogleModel):
    conferenceId: str | None = None
    conferenceSolution: dict[str, Any] | None = None
    createRequest: dict[str, Any] | None = None
    entryPoints: list[EntryPoint] | None = None
    notes: str | None = None
    parameters: dict[str, Any] | None = None
    signature: str | None = None


class Attachment(GoogleModel):
    fileUrl: str | None = None
    title: str | None = None
    mimeType: str | None = None
    iconLink: str | None = None
    fileId: str | None = None


class ExtendedProperties(GoogleModel):
    private: dict[str, str] | None = None
    shared: dict[str, str] | None = None


class Source(GoogleModel):
    title: str | None = None
    url: str | None = None


class OutOfOfficeProperties(GoogleModel):
    autoDeclineMode: str | None = None
    declineMessage: str | None = None


class FocusTimeProperties(GoogleModel):
    autoDeclineMode: str | None = None
    chatStatus: str | None = None
    declineMessage: str | None = None


class WorkingLocationProperties(GoogleModel):
    type: str | None = None
    homeOffice: Any = None
    customLocation: dict[str, Any] | None = None
    officeLocation: dict[str, Any] | None = None


class BirthdayProperties(GoogleModel):
    contact: str | None = None
    customTypeName: str | None = None
    type: str | None = None


class Event(GoogleModel):
    """The ``Event`` schema of the discovery document."""

    kind: str | None = None
    etag: str | None = None
    id: str | None = None
    iCalUID: str | None = None
    status: str | None = None
    htmlLink: str | None = None
    created: str | None = None
    updated: str | None = None
    summary: str | None = None
    description: str | None = None
    location: str | None = None
    colorId: str | None = None
    creator: Person | None = None
    organizer: Person | None = None
    start: EventDateTime | None = None
    end: EventDateTime | None = None
    endTimeUnspecified: WireBool | None = None
    recurrence: list[str] | None = None
    recurringEventId: str | None = None
    originalStartTime: EventDateTime | None = None
    transparency: str | None = None
    visibility: str | None = None
    sequence: int | None = None
    attendees: list[Attendee] | None = None
    attendeesOmitted: WireBool | None = None
    hangoutLink: str | None = None
    conferenceData: ConferenceData | None = None
    anyoneCanAddSelf: WireBool | None = None
    guestsCanInviteOthers: WireBool | None = None
    guestsCanModify: WireBool | None = None
    guestsCanSeeOtherGuests: WireBool | None = None
    privateCopy: WireBool | None = None
    locked: WireBool | None = None
    reminders: Reminders | None = None
    source: Source | None = None
    attachments: list[Attachment] | None = None
    extendedProperties: ExtendedProperties | None = None
    eventType: str | None = None
    outOfOfficeProperties: OutOfOfficeProperties | None = None
    focusTimeProperties: FocusTimeProperties | None = None
    workingLocationProperties: WorkingLocationProperties | None = None
    birthdayProperties: BirthdayProperties | None = None
    gadget: dict[str, Any] | None = None
    eventLabelId: str | None = None

    @field_validator("status", mode="before")
    @classmethod
    def _status(cls, v: Any) -> Any:
        return canonical_enum(v, tables.STATUSES)

    @field_validator("transparency", mode="before")
    @classmethod
    def _transp(cls, v: Any) -> Any:
        return canonical_enum(v, tables.TRANSPARENCIES)

    @field_validator("visibility", mode="before")
    @classmethod
    def _legacy_visibility(cls, v: Any) -> Any:
        """Legacy visibility: any case; ``confidential`` is kept (the API still returns it "for
        compatibility"; it maps to CLASS:CONFIDENTIAL and back)."""
        return canonical_enum(v, tables.VISIBILITIES)

    @field_validator("eventType", mode="before")
    @classmethod
    def _et(cls, v: Any) -> Any:
        return canonical_enum(v, tables.EVENT_TYPES)

    @field_validator("created", "updated")
    @classmethod
    def _ts(cls, v: str | None) -> str | None:
        if v is not None:
            parse_rfc3339(v)
        return v

    @model_validator(mode="after")
    def _tombstone(self) -> "Event":
        """A cancelled entry may carry nothing but id/status/recurringEventId/originalStartTime
        (API docs of ``status``; gcal_sync).  Anything else needs a start."""
        if self.start is None and not self.is_cancelled:
            raise ValueError("event has no start")
        return self

    @property
    def is_cancelled(self) -> bool:
        return self.status == "cancelled"

    @property
    def is_instance(self) -> bool:
        # events.import bodies name their series by iCalUID only (no recurringEventId)
        return self.originalStartTime is not None and bool(self.recurringEventId or self.iCalUID)

    def timestamp(self, name: str) -> datetime | None:
        value = getattr(self, name)
        if not value:
            return None
        parsed = parse_rfc3339(value)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=timezone.utc)
        return parsed.astimezone(timezone.utc).replace(microsecond=0)


class EventList(GoogleModel):
    """``Events`` (events.list): the calendar-level defaults the events need."""

    kind: str | None = None
    etag: str | None = None
    summary: str | None = None
    description: str | None = None
    updated: str | None = None
    timeZone: str | None = None
    accessRole: str | None = None
    defaultReminders: list[Reminder] | None = None
    nextPageToken: str | None = None
    nextSyncToken: str | None = None
