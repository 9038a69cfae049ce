"""ATTENDEE / ORGANIZER (RFC 5545 3.8.4.1, 3.8.4.3) → Graph ``attendees`` / ``emailAddress``, one
address at a time, memoised.

Why memoised: an address's Graph form and the losses it costs depend on the address alone
(:class:`model.Address` is immutable) and on the profile, and the same people recur across a
calendar's events (bench/'s 10k events: 35,309 attendees, 480 different).  A memo entry holds
the pieces and the report entries to repeat; each event gets fresh dicts.
"""

from __future__ import annotations

from typing import Any

from ... import model as m
from ...report import LossKind
from ...vevent import address_problem, person_email
from . import tables

# A report entry to repeat for each event the address is in: (kind, field, reason, before/after).
Loss = tuple[LossKind, str, str, dict[str, Any]]


class _Losses(list):  # type: ignore[type-arg]
    """Collects what the mapping of one address reports (a ``Report.add``-like callable)."""

    def __call__(self, kind: LossKind, field: str, reason: str, **kw: Any) -> None:
        self.append((kind, field, reason, kw))


def email_address(prop: m.Address, field: str, add: Any) -> dict[str, str]:
    """Graph ``emailAddress``: ``address`` only ever an e-mail address (the EMAIL parameter
    for a ``urn:uuid:`` value); a person without one keeps the name, the address reported."""
    out: dict[str, str] = {}
    if prop.cn:
        out["name"] = prop.cn
    email = person_email(prop, add, field)
    if email:
        out["address"] = email
    problem = address_problem(prop) if email is None else None  # an address found is no problem
    if problem:
        add(LossKind.DROPPED, field, f"address lost: {problem}", before=prop.address)
    return out


class Attendee:
    """One ATTENDEE's Graph pieces: ``entry`` (``type`` and ``emailAddress``; None when the
    person cannot be invited), ``status`` (written in the resource profile), ``rsvp`` (the RSVP
    value as written, upper-cased) and the losses, in the order the mapping meets them."""

    __slots__ = ("entry", "status", "rsvp", "losses", "kind", "address")

    def __init__(self, att: m.Address, resource: bool) -> None:
        losses = _Losses()
        cutype = (att.cutype if att.cutype is not None else "INDIVIDUAL").upper()
        role = (att.role if att.role is not None else "REQ-PARTICIPANT").upper()
        if cutype in tables.RESOURCE_CUTYPES:
            kind = "resource"
        elif role == "OPT-PARTICIPANT":
            kind = "optional"
        else:
            kind = "required"
            if role == "CHAIR":
                losses(LossKind.VALUE_COLLAPSED, "ATTENDEE;ROLE", "CHAIR has no Graph type; required used",
                       before="CHAIR", after="required")
            elif role == "NON-PARTICIPANT":
                losses(LossKind.VALUE_COLLAPSED, "ATTENDEE;ROLE", "NON-PARTICIPANT person written as required",
                       before=role, after="required")
        if cutype not in ("INDIVIDUAL", "RESOURCE", "ROOM", "UNKNOWN"):
            losses(LossKind.VALUE_COLLAPSED, "ATTENDEE;CUTYPE", f"CUTYPE={cutype} has no Graph type",
                   before=cutype, after=kind)
        partstat = (att.partstat if att.partstat is not None else "NEEDS-ACTION").upper()
        response = tables.PARTSTAT_TO_RESPONSE.get(partstat)
        if response is None:
            losses(LossKind.VALUE_COLLAPSED, "ATTENDEE;PARTSTAT", f"PARTSTAT={partstat} has no Graph response",
                   before=partstat, after="notResponded")
            response = "notResponded"
        kept = answered = asked = None
        for p in att.params:  # the last of a repeated parameter wins, as in m.param
            if p.name == "X-ICSBRIDGE-RESPONSE":
                kept = p.value
            elif p.name == "X-ICSBRIDGE-RESPONSE-TIME":
                answered = p.value
            elif p.name == "RSVP":  # as written: a value other than TRUE/FALSE is one more answer
                asked = p.value
        if kept and tables.RESPONSE_TO_PARTSTAT.get(kept) == partstat:
            response = kept
        self.status = {"response": response, "time": answered if answered is not None else "0001-01-01T00:00:00Z"}
        self.rsvp = asked.upper() if asked is not None else None
        address = email_address(att, "ATTENDEE", losses)
        self.entry: dict[str, Any] | None = {"type": kind, "emailAddress": address}
        self.kind, self.address = kind, address  # the entry's two values, read per event
        if "address" not in address and (not resource or not address):
            losses(LossKind.DROPPED, "ATTENDEE", "an attendee without an e-mail address cannot be invited",
                   before=address.get("name") or att.address)
            self.entry = None
        elif not resource and response not in ("none", "notResponded"):
            losses(LossKind.UNSUPPORTED_FIELD, "ATTENDEE;PARTSTAT",
                   "an attendee's answer cannot be written by a create request", before=partstat)
        self.losses: tuple[Loss, ...] = tuple(losses)


class Organizer:
    """The ORGANIZER's ``emailAddress`` (empty: neither name nor address) and its losses."""

    __slots__ = ("address", "losses")

    def __init__(self, org: m.Address) -> None:
        losses = _Losses()
        self.address = email_address(org, "ORGANIZER", losses)
        self.losses: tuple[Loss, ...] = tuple(losses)


def _key(prop: m.Address) -> tuple[Any, ...]:
    """What the mapping reads of an address, its parameters by identity (the reader shares one
    ``Params`` among equal parameter lists, so this is cheap where hashing the value is not);
    :func:`attendee` spells it out, with the profile."""
    return (prop.address, prop.cn, prop.role, prop.partstat, prop.cutype, prop.email, id(prop.params))


# key → (the parameters the key names by identity, kept alive so that id is not reused; pieces)
_ATTENDEES: dict[tuple[Any, ...], tuple[m.Params, Attendee]] = {}
_ORGANIZERS: dict[tuple[Any, ...], tuple[m.Params, Organizer]] = {}
_MAX = 8192  # entries per memo; a calendar with more people starts it again


# id(address) → (the address, kept alive so that id is not reused; pieces), per profile: the
# reader shares one ``Address`` among equal ATTENDEE lines (bench/'s 35,309 attendees are 480
# objects), so most look-ups are answered without building the key above.
_BY_ID: dict[bool, dict[int, tuple[m.Address, Attendee]]] = {True: {}, False: {}}


def by_identity(resource: bool) -> dict[int, tuple[m.Address, Attendee]]:
    """:func:`attendee`'s memo by identity for a profile, for a caller that looks its hits up
    itself (``from_ical``'s loop over an event's attendees): an entry ``(address, pieces)``
    answers only for that very address."""
    return _BY_ID[resource]


def attendee(att: m.Address, resource: bool) -> Attendee:
    """:class:`Attendee` of ``att`` in the resource (True) or request profile, memoised."""
    same = _BY_ID[resource]
    hit = same.get(id(att))
    if hit is not None and hit[0] is att:
        return hit[1]
    if len(same) >= _MAX:
        same.clear()
    pieces = _attendee(att, resource)
    same[id(att)] = (att, pieces)
    return pieces


def _attendee(att: m.Address, resource: bool) -> Attendee:
    """:class:`Attendee` of ``att`` memoised by value (equal addresses read as distinct objects)."""
    key = (att.address, att.cn, att.role, att.partstat, att.cutype, att.email, id(att.params), resource)
    found = _ATTENDEES.get(key)
    if found is not None and found[0] is att.params:
        return found[1]
    if len(_ATTENDEES) >= _MAX:
        _ATTENDEES.clear()
    pieces = Attendee(att, resource)
    _ATTENDEES[key] = (att.params, pieces)
    return pieces


_ORG_BY_ID: dict[int, tuple[m.Address, Organizer]] = {}  # as _BY_ID, for organizers


def organizer(org: m.Address) -> Organizer:
    """:class:`Organizer` of ``org``, memoised (by identity, then by value)."""
    hit = _ORG_BY_ID.get(id(org))
    if hit is not None and hit[0] is org:
        return hit[1]
    if len(_ORG_BY_ID) >= _MAX:
        _ORG_BY_ID.clear()
    pieces = _organizer(org)
    _ORG_BY_ID[id(org)] = (org, pieces)
    return pieces


def _organizer(org: m.Address) -> Organizer:
    """:class:`Organizer` of ``org`` memoised by value (equal addresses read as distinct objects)."""
    key = _key(org)
    found = _ORGANIZERS.get(key)
    if found is not None and found[0] is org.params:
        return found[1]
    if len(_ORGANIZERS) >= _MAX:
        _ORGANIZERS.clear()
    _ORG_BY_ID.clear()
    pieces = Organizer(org)
    _ORGANIZERS[key] = (org.params, pieces)
    return pieces


def clear() -> None:
    """Forget every memoised address (tests compare the memo with a fresh mapping)."""
    _ATTENDEES.clear()
    _ORGANIZERS.clear()
    _ORG_BY_ID.clear()
    for same in _BY_ID.values():
        same.clear()
