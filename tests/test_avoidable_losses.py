"""Losses that need not happen (issue 13): a conference link going to a Graph create request
stays readable in the body; a Graph text body going to Google shows its angle brackets as
written; a ``…Z`` Google dateTime without timeZone is an exact UTC instant, not a warning."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from ics_bridge import LossKind, Options, convert, roundtrip
from ics_bridge.text import html_to_text

CORPUS = Path(__file__).parent / "corpus"


def _google(name: str) -> dict:
    return json.loads((CORPUS / "google" / name).read_text())


# ---------------------------------------------------------------- conference link → Graph request

def test_google_meet_link_stays_readable_in_graph_request_body():
    event = _google("gcsa__to_object_conference_success.json")
    conv = convert(event, to="graph", source="google", options=Options(profile="request"))
    body = conv.data["body"]
    assert body["contentType"] == "text"
    assert body["content"].startswith("Very good day indeed")
    assert "https://video.com" in body["content"]
    [entry] = conv.report.for_field("CONFERENCE")
    assert "kept as a line of the body" in entry.reason
    # the resource profile keeps the link where Graph has it, not twice
    resource = convert(event, to="graph", source="google").data
    assert resource["onlineMeeting"]["joinUrl"] == "https://video.com"
    assert "https://video.com" not in resource["body"]["content"]


# Google's own .ics export: the Meet link only in X-GOOGLE-CONFERENCE and an HTML description.
GOOGLE_EXPORT = b"""BEGIN:VCALENDAR\r
PRODID:-//Google Inc//Google Calendar 70.9054//EN\r
VERSION:2.0\r
BEGIN:VEVENT\r
DTSTART:20260512T080000Z\r
DTEND:20260512T083000Z\r
DTSTAMP:20260501T101010Z\r
UID:3q1v0n4f2r8o7kq9rj1c7o5l2a@google.com\r
X-GOOGLE-CONFERENCE:https://meet.google.com/abc-defg-hij\r
DESCRIPTION:<b>Agenda</b><br>1. Status<br>2. Risks\r
SUMMARY:Stand-up\r
END:VEVENT\r
END:VCALENDAR\r
"""


def test_x_google_conference_link_kept_in_html_request_body():
    conv = convert(GOOGLE_EXPORT, to="graph", source="ics", options=Options(profile="request"))
    body = conv.data["body"]
    assert "https://meet.google.com/abc-defg-hij" in body["content"]
    assert body["content"].startswith("<b>Agenda</b><br>1. Status<br>2. Risks")


# ---------------------------------------------------------------- Graph text body → Google

def _graph_text_event(content: str) -> dict:
    event = json.loads((CORPUS / "graph" / "beta__event-get__get_event_in_text.response.json").read_text())
    event = copy.deepcopy(event)
    event.update({"iCalUId": "040000008200E00074C5B7101A82E0080000000001", "start": {
        "dateTime": "2026-05-12T10:00:00.0000000", "timeZone": "W. Europe Standard Time"},
        "end": {"dateTime": "2026-05-12T11:00:00.0000000", "timeZone": "W. Europe Standard Time"}})
    event["body"] = {"contentType": "text", "content": content}
    return event


def test_graph_text_body_shows_as_written_in_google():
    for text in ("Use the <b> tag, not <strong>.\r\nThanks", "a<b and c>d", "Fish &amp; chips"):
        event = _graph_text_event(text)
        google = convert(event, to="google", source="graph").data
        shown = html_to_text(google["description"])
        assert shown.replace("\r\n", "\n") == text.replace("\r\n", "\n"), (text, google["description"])
        assert "<b>" not in google["description"] and "<b " not in google["description"]
        # and back: the Google description reads as the same text
        back = convert(google, to="graph", source="google").data["body"]
        shown = html_to_text(back["content"]) if back["contentType"] == "html" else back["content"]
        assert shown.replace("\r\n", "\n") == text.replace("\r\n", "\n")


def test_graph_text_body_round_trip_stays_text():
    event = _graph_text_event("Use the <b> tag for bold")
    ics = convert(event, to="ics", source="graph")
    again = convert(ics.to_bytes(), to="graph", source="ics").data
    assert again["body"] == {"contentType": "text", "content": "Use the <b> tag for bold"}
    assert not roundtrip(event, via="ics", source="graph").unreported()


# ---------------------------------------------------------------- ``Z`` without timeZone

def test_utc_datetime_without_time_zone_needs_no_warning():
    event = _google("gdata-provider__gcalItems__utc_event.json")
    conv = convert(event, to="ics", source="google")
    assert not [e for e in conv.report if e.field.startswith("start") and e.kind is LossKind.TIMEZONE_ASSIGNED]
    [v] = conv.calendar.walk("VEVENT")
    assert v["DTSTART"].to_ical() == b"20060610T010203Z"
    offset = dict(event, start={"dateTime": "2006-06-10T03:02:03+02:00"})
    conv = convert(offset, to="ics", source="google")  # an offset alone does not say which zone
    assert [e for e in conv.report if e.kind is LossKind.TIMEZONE_ASSIGNED]


# ---------------------------------------------------------------- HTML in a plain DESCRIPTION → Graph

def test_google_export_html_description_becomes_graph_html_body():
    # Google's export writes its HTML description into DESCRIPTION; as a Graph text body Outlook
    # would show the tags, and the raw line breaks must survive as <br>.
    conv = convert(GOOGLE_EXPORT.replace(b"2. Risks\r\n", b"2. Risks\\nAny other business\r\n"),
                   to="graph", source="ics")
    assert conv.data["body"] == {"contentType": "html",
                                 "content": "<b>Agenda</b><br>1. Status<br>2. Risks<br>Any other business"}
    assert html_to_text(conv.data["body"]["content"]) == "Agenda\n1. Status\n2. Risks\nAny other business"
