"""Every example body of the Graph "Create event" pages (seeds 000–002) and the Graph corpus
converts to iCalendar and back; the values are asserted, not just "no error"."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

import ics_bridge
from graph_helpers import CORPUS, SEEDS, graph_roundtrip, items, load, meaning, vevents

SEED_FILES = sorted(p for p in SEEDS.glob("*.json") if not p.name.endswith(".invalid.json")
                    and not p.name.startswith("000_"))
# Seed 000's only response body is a placeholder ("originalStartTimeZone-value", no start).
SEED_FRAGMENTS = sorted(SEEDS.glob("000_*.json"))
# Docs bodies that are fragments on purpose (PATCH bodies, truncated responses): no start.
FRAGMENTS = {
    "000_v1-old-create_ex1.response.json",
    "beta__event-get__get_event_in_text.response.json",
    "beta__event-update__ex1.response.json",
    "beta__group-update-event__update_group_event.request.json",
    "beta__user-list-events__ex2.response.json",
    "concepts__outlook-calendar-meeting-proposals__event_tentativelyaccept.request.json",
    "concepts__outlook-calendar-online-meetings__get_event_online_meeting_info.response.json",
    "concepts__outlook-calendar-online-meetings__update_meeting_online.request.json",
    "mattermost-mscalendar__webhook_event_notification.json",
    "v1.0__event-delta__ex1.response.json",
    "v1.0__event-update__ex1.response.json",
    "v1.0__event-update__update_event.request.json",
    "v1.0__group-update-event__update_group_event.request.json",
    "v1.0__user-list-calendarview__ex1.response.json",
    "beta__event__json-representation.doc.json",
    "v1.0__event__json-representation.doc.json",
}
CORPUS_FILES = sorted(p for p in CORPUS.glob("*.json") if p.name not in FRAGMENTS)


def _parses(path) -> bool:
    try:
        load(path)
        return True
    except ValueError:
        return False


@pytest.mark.parametrize("path", SEED_FILES + [p for p in CORPUS_FILES if _parses(p)], ids=lambda p: p.name)
def test_graph_to_ics_to_graph_keeps_the_meaning(path):
    raw = load(path)
    there, back = graph_roundtrip(raw)
    original = [e for e in items(raw) if "@removed" not in e]
    returned = [e for e in items(back.data) if "@removed" not in e]
    if path.name in SEED_FILES and not original[0].get("start"):
        pytest.fail("seed example without start")
    inline = sum(len(e.get("exceptionOccurrences") or []) for e in original)
    assert len(returned) == len(original) + inline
    for before, after in zip(original, returned):
        b, a = meaning(before), meaning(after)
        b.pop("exceptionOccurrences", None)  # written as separate exception items
        if "recurrence" in b and b["recurrence"]["range"].get("startDate") != b.get("start", "")[:10]:
            b["recurrence"]["range"].pop("startDate", None)  # DTSTART governs (reported)
            a["recurrence"]["range"].pop("startDate", None)
        if b.get("type") in (None, "singleInstance") and a.get("type") == "seriesMaster" and "recurrence" in b:
            a.pop("type")
        assert a == b
    assert not there.errors and not back.errors


@pytest.mark.parametrize("path", SEED_FRAGMENTS + sorted(p for p in CORPUS.glob("*.json") if p.name in FRAGMENTS),
                         ids=lambda p: p.name)
def test_documentation_fragments_without_start_give_a_clear_error(path):
    conv = ics_bridge.graph_to_ics(path.read_text())
    assert conv.errors, "a fragment without start must be reported"
    message = str(conv.errors[0])
    assert "start" in message or "isoformat" in message
    assert not list(conv.calendar.walk("VEVENT")) or len(conv.errors) < len(items(load(path)))


def test_invalid_json_from_the_docs_names_the_line():
    path = SEEDS / "001_v1.0-create_ex6.response.invalid.json"
    with pytest.raises(ics_bridge.InputError) as err:
        ics_bridge.convert(path.read_text(), to="ics", source="graph", file=path.name)
    assert "invalid JSON at line 104" in str(err.value)
    assert path.name in str(err.value)


def test_seed_001_simple_request_values():
    conv = ics_bridge.graph_to_ics(load(SEEDS / "001_v1.0-create_ex1.request.json"))
    (ev,) = vevents(conv)
    assert str(ev["SUMMARY"]) == "Let's go for lunch"
    assert ev["DTSTART"].dt == datetime(2017, 4, 15, 12, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
    assert ev["DTSTART"].params["TZID"] == "America/Los_Angeles"
    assert ev["DTEND"].dt == datetime(2017, 4, 15, 14, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
    assert str(ev["DESCRIPTION"]) == "Does noon work for you?"
    assert str(ev["X-ALT-DESC"]) == "Does noon work for you?"
    assert ev["X-ALT-DESC"].params["FMTTYPE"] == "text/html"
    assert str(ev["LOCATION"]) == "Harry's Bar"
    att = ev["ATTENDEE"]
    assert str(att) == "mailto:samanthab@contoso.com"
    assert att.params["CN"] == "Samantha Booth"
    assert att.params["ROLE"] == "REQ-PARTICIPANT"
    assert str(ev["X-MICROSOFT-DISALLOW-COUNTER"]) == "FALSE"
    assert b"BEGIN:VTIMEZONE\r\nTZID:America/Los_Angeles" in conv.to_bytes()


def test_seed_001_multiple_locations_survive_the_round_trip():
    raw = load(SEEDS / "001_v1.0-create_ex3.request.json")
    there, back = graph_roundtrip(raw)
    (ev,) = vevents(there)
    assert str(ev["LOCATION"]) == "Conf Room 3; Fourth Coffee; Home Office"
    assert back.data["locations"][1]["address"]["street"] == "4567 Main St"
    assert back.data["locations"][1]["coordinates"] == {"latitude": 47.672, "longitude": -102.103}
    assert [loc["displayName"] for loc in back.data["locations"]] == ["Conf Room 3", "Fourth Coffee", "Home Office"]


def test_seed_001_recurring_request_becomes_a_weekly_rule_until_the_end_date():
    conv = ics_bridge.graph_to_ics(load(SEEDS / "001_v1.0-create_ex5.request.json"))
    (ev,) = vevents(conv)
    rule = ev["RRULE"]
    assert rule["FREQ"] == ["WEEKLY"] and rule["BYDAY"] == ["MO"]
    # endDate 2017-12-31 is inclusive in Pacific time: end of that day, in UTC.
    assert rule["UNTIL"][0] == datetime(2018, 1, 1, 7, 59, 59, tzinfo=ZoneInfo("UTC"))


def test_seed_001_online_meeting_response_writes_conference_teams_url_and_description_line():
    raw = load(SEEDS / "001_v1.0-create_ex8.response.json")
    there, back = graph_roundtrip(raw)
    (ev,) = vevents(there)
    url = raw["onlineMeeting"]["joinUrl"]
    conferences = ev["CONFERENCE"] if isinstance(ev["CONFERENCE"], list) else [ev["CONFERENCE"]]
    assert str(conferences[0]) == url and conferences[0].params["LABEL"] == "Microsoft Teams"
    assert str(conferences[1]) == "tel:+1 425 555 0123" and conferences[1].params["FEATURE"] == "PHONE"
    assert str(ev["X-MICROSOFT-SKYPETEAMSMEETINGURL"]) == url
    assert str(ev["DESCRIPTION"]).endswith("Join online meeting: " + url)
    assert back.data["onlineMeeting"] == raw["onlineMeeting"]
    assert back.data["body"]["content"].replace("\r\n", "\n") == raw["body"]["content"]
    assert back.data["isOnlineMeeting"] is True and back.data["onlineMeetingProvider"] == "teamsForBusiness"


def test_seed_002_beta_uid_is_the_series_uid_and_both_ids_come_back():
    raw = load(SEEDS / "002_beta-create_ex2.response.json")
    there, back = graph_roundtrip(raw)
    (ev,) = vevents(there)
    assert str(ev["UID"]) == raw["uid"]
    assert back.data["uid"] == raw["uid"] and back.data["iCalUId"] == raw["iCalUId"]
    assert back.data["id"] == raw["id"] and back.data["changeKey"] == raw["changeKey"]


def test_request_profile_writes_only_writable_fields_and_a_stable_transaction_id():
    raw = load(SEEDS / "002_beta-create_ex8.response.json")
    there = ics_bridge.graph_to_ics(raw)
    options = ics_bridge.Options(profile="request")
    first = ics_bridge.ics_to_graph(there.to_bytes(), options).data
    second = ics_bridge.ics_to_graph(there.to_bytes(), options).data
    for read_only in ("id", "changeKey", "iCalUId", "createdDateTime", "lastModifiedDateTime", "webLink",
                      "type", "isOrganizer", "responseStatus", "onlineMeeting", "bodyPreview", "isCancelled"):
        assert read_only not in first, read_only
    assert first["transactionId"] == second["transactionId"]
    assert first["subject"] == "Let's go for lunch"
    assert first["recurrence"]["pattern"]["type"] == "daily"
    uid = str(vevents(there)[0]["UID"])
    other = ics_bridge.ics_to_graph(there.to_bytes().replace(uid.encode(), b"OTHER-UID"), options).data
    assert other["transactionId"] != first["transactionId"]


def test_all_day_calendar_view_keeps_dates():
    raw = load(CORPUS / "ms365-calendar__calendar1_calendar_view_all_day.json")
    conv = ics_bridge.graph_to_ics(raw)
    for ev in vevents(conv):
        start, end = ev["DTSTART"].dt, ev["DTEND"].dt
        assert type(start) is date and type(end) is date and end > start
