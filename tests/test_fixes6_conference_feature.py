"""CONFERENCE's FEATURE written as the list it is: ``FEATURE=AUDIO,VIDEO``, not ``FEATURE="AUDIO,VIDEO"``.

RFC 7986 5.11: ``featureparam = "FEATURE" "=" featuretext *("," featuretext)`` — tokens, never a
quoted string.  The Graph and Google mappers give a video link the features ``AUDIO,VIDEO`` as one
parameter value, and the writer quoted it (it holds a comma), so every Teams, Meet and Hangout
link came out as ``FEATURE="AUDIO,VIDEO"``: one feature named "AUDIO,VIDEO" to icalendar and to
ical (Home Assistant's library), which read ``FEATURE=AUDIO,VIDEO`` as AUDIO and VIDEO.  (ical.js
and libical 3 read both spellings as the text ``AUDIO,VIDEO``; the mappers' own FEATURE checks are
substring checks on the comma-joined values, so no mapping changed.)  Now
``model_writer._feature_list`` writes the list, also for a producer's quoted form.
"""

from __future__ import annotations

import json
from pathlib import Path

import icalendar
import pytest
from ical.calendar_stream import IcsCalendarStream

import ics_bridge

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [ROOT / "samples" / "graph" / "single-event.json", ROOT / "samples" / "google" / "events-list.json",
           ROOT / "tests" / "corpus" / "graph" / "v1.0__user-post-events__create_event_from_user_with_online_meeting.response.json",
           ROOT / "tests" / "corpus" / "google" / "gcsa__to_object_full.json"]


def _unfolded(data: bytes) -> list[str]:
    return data.decode().replace("\r\n ", "").split("\r\n")


def _features_by_readers(data: bytes) -> tuple[list[list[str]], list[list[str]]]:
    """The FEATURE values of every CONFERENCE, as icalendar and as ical (Python) read them."""
    cal = icalendar.Calendar.from_ical(data)
    theirs = []
    for event in cal.walk("VEVENT"):
        found = event.get("CONFERENCE", [])
        for prop in found if isinstance(found, list) else [found]:
            feature = prop.params.get("FEATURE")
            theirs.append(list(feature) if isinstance(feature, list) else [feature])
    ical = [[str(getattr(f, "value", f)) for f in conference.feature or []]
            for event in IcsCalendarStream.calendar_from_ics(data.decode()).events for conference in event.conference]
    return theirs, ical


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_video_links_have_two_features(path: Path) -> None:
    data = ics_bridge.convert(path.read_bytes(), to="ics").to_bytes()
    lines = [line for line in _unfolded(data) if line.startswith("CONFERENCE")]
    assert lines and not any('FEATURE="' in line for line in lines)
    by_icalendar, by_ical = _features_by_readers(data)
    assert ["AUDIO", "VIDEO"] in by_icalendar and ["AUDIO", "VIDEO"] in by_ical
    assert all("," not in f for features in (*by_icalendar, *by_ical) for f in features)


def test_a_quoted_feature_list_is_written_as_the_list_and_other_features_as_read() -> None:
    data = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:c1\r\n"
            b"DTSTAMP:20240101T000000Z\r\nDTSTART:20240101T090000Z\r\n"
            b'CONFERENCE;VALUE=URI;FEATURE="AUDIO,VIDEO";LABEL=Quoted:https://q.example/a\r\n'
            b"CONFERENCE;VALUE=URI;FEATURE=PHONE,MODERATOR;LABEL=Dial:tel:+1-412-555-0123\r\n"
            b"CONFERENCE;VALUE=URI;FEATURE=x-custom-feature:https://custom.example\r\n"
            b"CONFERENCE;VALUE=URI;FEATURE=CHAT:https://chat.example\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    written = _unfolded(ics_bridge.convert(data, to="ics").to_bytes())
    assert "CONFERENCE;FEATURE=AUDIO,VIDEO;LABEL=Quoted;VALUE=URI:https://q.example/a" in written
    assert "CONFERENCE;FEATURE=PHONE,MODERATOR;LABEL=Dial;VALUE=URI:tel:+1-412-555-0123" in written
    assert "CONFERENCE;FEATURE=x-custom-feature;VALUE=URI:https://custom.example" in written
    assert "CONFERENCE;FEATURE=CHAT;VALUE=URI:https://chat.example" in written


def test_google_entry_points_come_back_the_same() -> None:
    """Google JSON → .ics → Google: the conference's entry points (type, URI, label) as sent."""
    source = ROOT / "samples" / "google" / "events-list.json"
    ics = ics_bridge.convert(source.read_bytes(), to="ics").to_bytes()
    back = json.loads(ics_bridge.convert(ics, to="google").to_bytes())
    items = back["items"] if isinstance(back, dict) else back
    sent = json.loads(source.read_bytes())["items"]

    def points(events: list[dict]) -> list[list[tuple[str, str, str | None]]]:
        return [[(p["entryPointType"], p["uri"], p.get("label")) for p in e.get("conferenceData", {}).get("entryPoints", [])]
                for e in events if e.get("conferenceData")]

    assert points(items) and points(items) == points(sent)
