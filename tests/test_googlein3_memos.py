"""The memos of the Google reading (issue 12 round 3) held to what they stand for: the stash
line once per distinct all-text stash (``to_ical._stash_line``) to ``build.put_stash``'s line,
a plain RRULE text read once (``recurrence._plain_rule``) to reading it each time, and the
attendee mapped once per fastwire stand-in to the attendee mapped from its fields — on
generated values, in orders that would expose a key confusing ``True``, ``1`` and ``1.0``."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from ics_bridge import hub
from ics_bridge.build import EventBuilder, put_stash, text_line, compact_json
from ics_bridge.io.model_reader import parse_recur
from ics_bridge.providers.google import recurrence, to_ical
from ics_bridge.providers.google.fastwire import fast_event
from ics_bridge.providers.google.model import Attendee

STASHES: list[dict[str, Any]] = [
    {"kind": "calendar#event"}, {"kind": "calendar#event", "colorId": "12"}, {"x": True}, {"x": 1}, {"x": 1.0},
    {"x": "1"}, {"x": "true"}, {"_absent": ["timeZone"]}, {"kind": "calendar#event", "_absent": ["reminders"]},
    {"kind": "a;b,c\\d\ne"}, {"kind": "x" * 300}, {"visibility": "public", "kind": "calendar#event"},
    {"kind": "calendar#event", "visibility": "public"}, {"kind": None}, {"a": {"b": "c"}},
]


def _put(stash: dict[str, Any]) -> Any:
    builder = EventBuilder()
    put_stash(builder, hub.X_GOOGLE_STASH, stash)
    return builder.other[0]


@pytest.mark.parametrize("order", list(itertools.permutations(range(3, 6))))
def test_stash_line_is_put_stash_line(order: tuple[int, ...]) -> None:
    to_ical._stash_lines.clear()
    for index in [*order, *range(len(STASHES)), *order]:
        stash = STASHES[index]
        assert to_ical._stash_line(stash) == _put(stash) == text_line(hub.X_GOOGLE_STASH, compact_json(stash))


RULES = ["FREQ=WEEKLY;COUNT=7;BYDAY=FR", "FREQ=DAILY", "FREQ=MONTHLY;BYMONTHDAY=31", "FREQ=YEARLY;INTERVAL=02",
         "FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20250101T000000Z", "FREQ=WEEKLY;UNTIL=20250101;WKST=SU", "FREQ=DAILY;COUNT=0",
         "FREQ=MONTHLY;BYDAY=-1FR", "FREQ=MONTHLY;BYSETPOS=-1;BYDAY=MO,TU", "FREQ=HOURLY;BYHOUR=01,2", "COUNT=3",
         "FREQ=WEEKLY;BYDAY=+1MO", "FREQ=BOGUS", "FREQ=DAILY;UNTIL=2025"]


def _read_each_time(body: str) -> Any:
    rule = parse_recur(body)
    text = recurrence.spelled(rule)
    return rule if text == body else parse_recur(text)


@pytest.mark.parametrize("body", RULES)
def test_plain_rule_is_read_each_time(body: str) -> None:
    try:
        expected: Any = _read_each_time(body)
    except (ValueError, TypeError) as exc:
        expected = type(exc)
    for _ in range(2):  # the second from the memo
        try:
            got: Any = recurrence._plain_rule(body)
        except (ValueError, TypeError) as exc:
            got = type(exc)
        assert got == expected


ATTENDEES = [{"email": "a@example.com"}, {"email": "a@example.com", "displayName": "A"},
             {"email": "a@example.com", "responseStatus": "accepted"},
             {"email": "a@example.com", "responseStatus": "declined", "comment": "x"},
             {"email": "room@resource.calendar.google.com"}, {"email": "a@example.com", "optional": True},
             {"email": "a@example.com", "optional": False}, {"email": "a@example.com", "additionalGuests": 1},
             {"email": "a@example.com", "self": True, "organizer": False, "id": "i", "resource": False}]


def test_attendee_by_stand_in_is_attendee_by_fields() -> None:
    for raw in ATTENDEES * 2:  # the second round from the memos
        event = fast_event({"id": "e", "start": {"date": "2024-01-01"}, "attendees": [raw]})
        assert event is not None
        (stand_in,) = event.attendees
        assert to_ical._mapped_attendee(stand_in) == to_ical._attendee(Attendee.model_validate(raw))
