"""Round 11 (json2ics11) shortcuts of the Google mapper (``providers/google/to_ical.py``) held
to what they replace: ``finish_stash`` walking the stashed names the event has (one set
intersection, in any order: the stash is written with sorted keys) against the walk over every
stashed name in order, and ``people`` without its generator expression (an organizer's extras
looked at only when it has some); on every Google JSON of the corpus and samples, on generated
(mutated) events and organizers with unknown members, with and without the fast reader: whole
conversions (output bytes, loss report, errors) must be the same."""

from __future__ import annotations

import json
from typing import Any

import pytest

from fastwire_paths import outcome
from ics_bridge.providers.google import reader, to_ical
from test_googlein3_fastwire import BASES, FILES, _mutations


def _finish_stash_reference(self: Any) -> None:
    """``_EventMapper.finish_stash`` as written before round 11."""
    e = self.e
    fields = e.__dict__
    for name in to_ical._STASHED_FIELDS:
        value = fields.get(name)
        if value is None:
            continue
        if hasattr(value, "wire"):
            value = value.wire()
        if name == "extendedProperties":
            value = to_ical._without_categories(value)
            if not value:
                continue
        elif isinstance(value, list):
            value = [x.wire() if hasattr(x, "wire") else x for x in value]
        self.stash[name] = value
    for name, value in e.extras().items():
        self.stash[name] = value
        self.add(to_ical.LossKind.STASHED, name, "property with no iCalendar mapping kept for a Google round trip")
    if not self.stash.get("_absent"):
        self.stash.pop("_absent", None)
    if self.stash:
        self.v.add(to_ical.hub.X_GOOGLE_STASH, to_ical._stash_line(self.stash))


def _people_reference(self: Any) -> None:
    """``_EventMapper.people`` as written before round 11."""
    e, v = self.e, self.v
    org = e.organizer
    if org is not None:
        if org.email:
            v.set("organizer", to_ical._address(org.email, org.displayName, {}))
        if org.email is None or org.id is not None or org.self_ is not None or \
                any(value is not None for value in (org.__pydantic_extra__ or {}).values()):
            self.stash["organizer"] = org.wire()
    if not e.attendees:
        return
    added = v.attendees
    count = len(added)
    for att in e.attendees:
        if not att.email:
            self.add(to_ical.LossKind.DROPPED, "attendees.email", "attendee without email has no ATTENDEE form",
                     before=att.displayName or att.id)
            continue
        address, unknown = to_ical._mapped_attendee(att)
        if unknown is not None:
            self.add(to_ical.LossKind.INVALID_VALUE, "attendees.responseStatus", f"unknown responseStatus {unknown!r}",
                     before=unknown, after="NEEDS-ACTION")
        if att.__pydantic_extra__:
            for name, value in att.extras().items():
                self.add(to_ical.LossKind.DROPPED, f"attendees.{name}", "unknown attendee property not kept", before=value)
        added.append(address)
    if len(added) > count:
        v.note("ATTENDEE")


class _Reversed(frozenset):  # type: ignore[type-arg]
    """The stashed names, met in the reverse of the usual order (the order must not matter)."""

    def intersection(self, *others: Any) -> list[str]:  # type: ignore[override]
        return [name for name in reversed(to_ical._STASHED_FIELDS) if all(name in o for o in others)]


def _payloads() -> list[bytes]:
    out = [path.read_bytes() for path in FILES]
    organizers = [{"email": "o@example.com", **extra} for extra in (
        {}, {"x-note": "v"}, {"x-note": None}, {"x-note": None, "x-more": 1}, {"id": "o1", "x-note": "v"}, {"self": True})]
    for organizer in organizers:  # an organizer with unknown members (pydantic's extras), without id and self
        out.append(json.dumps({"items": [{**BASES[0], "organizer": organizer}]}).encode())
    for base in range(len(BASES)):
        for mutated in _mutations(BASES[base]):
            items = [mutated] + [b for b in BASES if b is not BASES[base]]
            out.append(json.dumps({"kind": "calendar#events", "timeZone": "Europe/Paris", "items": items}).encode(
                "utf-8", "surrogatepass"))
    return out


PAYLOADS = _payloads()


@pytest.mark.parametrize("fast", [True, False], ids=["fastwire", "pydantic"])
def test_conversions_are_those_of_the_reference_stash(fast: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    assert len(PAYLOADS) > 100
    if not fast:
        monkeypatch.setattr(reader, "fast_event", lambda raw: None)
    now = [outcome(data, "google", "ics", "resource") for data in PAYLOADS]
    with monkeypatch.context() as patch:
        patch.setattr(to_ical._EventMapper, "finish_stash", _finish_stash_reference)
        patch.setattr(to_ical._EventMapper, "people", _people_reference)
        assert [outcome(data, "google", "ics", "resource") for data in PAYLOADS] == now
    with monkeypatch.context() as patch:
        patch.setattr(to_ical, "_STASHED_SET", _Reversed(to_ical._STASHED_SET))
        assert [outcome(data, "google", "ics", "resource") for data in PAYLOADS] == now
