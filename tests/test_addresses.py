"""ATTENDEE / ORGANIZER values that are not ``mailto:`` (issue 13): CalDAV servers write a
principal URI and give the address in the RFC 7986 6.2 ``EMAIL`` parameter; a person with no
e-mail address at all is reported, never written into Google's ``email`` or Graph's
``emailAddress.address`` (Google refuses the whole insert over one bad attendee)."""

from __future__ import annotations

import re

from ics_bridge import LossKind, Options, convert, roundtrip

# The shape Nextcloud / SabreDAV and SOGo store after scheduling: principal URIs, the address
# in EMAIL; one room known only by its principal, one attendee with a bare http: principal.
CALDAV = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Sabre//Sabre VObject 4.5.4//EN\r
BEGIN:VEVENT\r
UID:5d1e8a2c-3b7f-4d65-9c1e-0a2b3c4d5e6f\r
DTSTAMP:20260301T120000Z\r
DTSTART;TZID=Europe/Berlin:20260310T100000\r
DTEND;TZID=Europe/Berlin:20260310T110000\r
SUMMARY:Quarterly planning\r
ORGANIZER;CN=Anna Schmidt;EMAIL=anna@example.org:urn:uuid:0f3c1c5e-7a43-4a39-bb0c-5b0e3c0d2a11\r
ATTENDEE;CN=Anna Schmidt;EMAIL=anna@example.org;PARTSTAT=ACCEPTED;ROLE=CHAIR:\r
 urn:uuid:0f3c1c5e-7a43-4a39-bb0c-5b0e3c0d2a11\r
ATTENDEE;CN=Ben Ortiz;EMAIL="mailto:ben@example.net";PARTSTAT=TENTATIVE;ROLE=REQ\r
 -PARTICIPANT:urn:uuid:7b1e0a59-2c4f-46a0-8d1a-2b3c4d5e6f70\r
ATTENDEE;CN=Room 4.12;CUTYPE=ROOM;PARTSTAT=NEEDS-ACTION:urn:uuid:9e8d7c6b-5a4f-\r
 3e2d-1c0b-a9f8e7d6c5b4\r
ATTENDEE;CN=Carla Diaz;PARTSTAT=ACCEPTED:http://dav.example.org/principals/users/carla/\r
ATTENDEE;CN=Dev Team;PARTSTAT=NEEDS-ACTION:MAILTO:dev-team@example.org\r
END:VEVENT\r
END:VCALENDAR\r
"""

_EMAIL = re.compile(r"^[^@\s:]+@[^@\s:]+$")


def test_google_takes_email_parameter_and_reports_people_without_address():
    for profile in ("resource", "insert", "import"):
        conv = convert(CALDAV, to="google", source="ics", options=Options(profile=profile))
        event = conv.data if isinstance(conv.data, dict) and "summary" in conv.data else conv.data["items"][0]
        emails = [a["email"] for a in event["attendees"]]
        assert emails == ["anna@example.org", "ben@example.net", "dev-team@example.org"], profile
        assert all(_EMAIL.match(e) for e in emails)
        if profile != "insert":
            assert event["organizer"]["email"] == "anna@example.org"
        dropped = [e for e in conv.report.of_kind(LossKind.DROPPED) if e.field == "ATTENDEE"]
        assert sorted(e.before for e in dropped) == ["Carla Diaz", "Room 4.12"]
        assert all("EMAIL parameter" in e.reason for e in dropped)
        taken = [e for e in conv.report.of_kind(LossKind.MAPPING_CHOICE) if "EMAIL parameter" in e.reason]
        assert {e.after for e in taken} == {"anna@example.org", "ben@example.net"}


def test_graph_address_is_always_an_email():
    for profile in ("resource", "request"):
        conv = convert(CALDAV, to="graph", source="ics", options=Options(profile=profile))
        event = conv.data
        assert event["organizer"]["emailAddress"] == {"name": "Anna Schmidt", "address": "anna@example.org"}
        addresses = [a["emailAddress"].get("address") for a in event["attendees"]]
        names = [a["emailAddress"]["name"] for a in event["attendees"]]
        if profile == "request":  # a create request cannot invite someone without an address
            assert addresses == ["anna@example.org", "ben@example.net", "dev-team@example.org"]
            lost = [e.before for e in conv.report.of_kind(LossKind.DROPPED) if e.field == "ATTENDEE"
                    and "cannot be invited" in e.reason]
            assert sorted(lost) == ["Carla Diaz", "Room 4.12"]
        else:  # as Graph returns an unresolved attendee: the name, no address
            assert addresses == ["anna@example.org", "ben@example.net", None, None, "dev-team@example.org"]
            assert names[2:4] == ["Room 4.12", "Carla Diaz"]
        assert not [a for a in addresses if a and not _EMAIL.match(a)]
        lost_uris = {e.before for e in conv.report.of_kind(LossKind.DROPPED) if "address lost" in e.reason}
        assert lost_uris == {"urn:uuid:9e8d7c6b-5a4f-3e2d-1c0b-a9f8e7d6c5b4",
                             "http://dav.example.org/principals/users/carla/"}


def test_roundtrip_via_google_names_every_person_it_loses():
    result = roundtrip(CALDAV, via="google", source="ics")
    assert not result.unreported()
