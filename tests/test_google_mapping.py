"""Each row of the Google mapping table (docs/google.md), both directions."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar, Event as VEvent

from google_fixtures.support import load
from ics_bridge import LossKind, Options, convert
from ics_bridge import edge, hub
from ics_bridge.providers.google import tables
from ics_bridge.vevent import get_stash

PARIS = ZoneInfo("Europe/Paris")


def g2i(data, **opts):
    conv = convert(data, to="ics", source="google", options=Options(**opts))
    events = list(conv.calendar.walk("VEVENT"))
    return conv, events


def i2g(cal_or_event, profile="resource", **opts):
    if isinstance(cal_or_event, VEvent):
        cal = Calendar()
        cal.add("PRODID", "-//test//EN")
        cal.add("VERSION", "2.0")
        cal.add_component(cal_or_event)
    else:
        cal = cal_or_event
    return convert(cal, to="google", source="ics", options=Options(profile=profile, **opts))


def base(**fields):
    event = {"id": "abcdef12345", "iCalUID": "abc@google.com", "summary": "S",
             "start": {"dateTime": "2026-08-21T09:00:00+02:00", "timeZone": "Europe/Paris"},
             "end": {"dateTime": "2026-08-21T10:00:00+02:00", "timeZone": "Europe/Paris"}}
    event.update(fields)
    return event


def vevent(**props):
    v = VEvent()
    v.add("UID", props.pop("UID", "u1@example.com"))
    v.add("DTSTAMP", datetime(2026, 1, 1, tzinfo=timezone.utc))
    v.add("DTSTART", props.pop("DTSTART", datetime(2026, 8, 21, 9, tzinfo=PARIS)))
    v.add("DTEND", props.pop("DTEND", datetime(2026, 8, 21, 10, tzinfo=PARIS)))
    for key, value in props.items():
        v.add(key.replace("_", "-"), value)
    return v


# ---------------------------------------------------------------- text fields

def test_summary_location_both_ways():
    _, [v] = g2i(base(summary="Plan", location="Room 1"))
    assert str(v["SUMMARY"]) == "Plan" and str(v["LOCATION"]) == "Room 1"
    out = i2g(vevent(SUMMARY="Plan", LOCATION="Room 1")).data
    assert out["summary"] == "Plan" and out["location"] == "Room 1"


def test_html_description_becomes_text_plus_alt_desc_and_back():
    _, [v] = g2i(load("gdata-provider__gcalItems__html_descr.json"))
    assert str(v["DESCRIPTION"]) == "Bold"
    assert str(v["X-ALT-DESC"]) == "<b>Bold</b>" and v["X-ALT-DESC"].params["FMTTYPE"] == "text/html"
    assert i2g(v).data["description"] == "<b>Bold</b>"


def test_plain_description_with_angle_brackets_stays_text():
    _, [v] = g2i(base(description="a < b and <x@y.com>"))
    assert v.get("X-ALT-DESC") is None and str(v["DESCRIPTION"]) == "a < b and <x@y.com>"


def test_description_br_lines():
    _, [v] = g2i(base(description="one<br>two"))
    assert str(v["DESCRIPTION"]).splitlines() == ["one", "two"]


@pytest.mark.parametrize("status,ical", list(tables.STATUS_TO_ICAL.items())[:2])
def test_status(status, ical):
    _, [v] = g2i(base(status=status))
    assert str(v["STATUS"]) == ical
    assert i2g(v).data["status"] == status


# ---------------------------------------------------------------- time

def test_all_day_exclusive_end_both_ways():
    _, [v] = g2i(base(start={"date": "2026-08-14"}, end={"date": "2026-08-16"}))
    assert v["DTSTART"].dt == date(2026, 8, 14) and v["DTEND"].dt == date(2026, 8, 16)
    out = i2g(v).data
    assert out["start"] == {"date": "2026-08-14"} and out["end"] == {"date": "2026-08-16"}


def test_all_day_end_before_start_repaired_case_15():
    conv, [v] = g2i(base(start={"date": "2026-08-14"}, end={"date": "2026-08-13"}))
    assert v["DTEND"].dt == date(2026, 8, 15)
    assert conv.report.of_kind(LossKind.QUIRK_REPAIRED)


def test_zoned_start_is_tzid_zoneinfo_and_back():
    _, [v] = g2i(base())
    assert v["DTSTART"].dt == datetime(2026, 8, 21, 9, tzinfo=PARIS)
    assert v["DTSTART"].dt.tzinfo.key == "Europe/Paris"
    out = i2g(v).data
    assert out["start"] == {"dateTime": "2026-08-21T09:00:00+02:00", "timeZone": "Europe/Paris"}


def test_offset_disagreeing_with_timezone_case_11():
    # 22:00+02:00 is 20:00Z; in New York that is 16:00 EDT.  The instant wins, the zone is kept.
    conv, [v] = g2i(base(start={"dateTime": "2022-05-01T22:00:00+02:00", "timeZone": "America/New_York"},
                         end={"dateTime": "2022-05-01T23:00:00+02:00", "timeZone": "America/New_York"}))
    start = v["DTSTART"].dt
    assert start.astimezone(timezone.utc) == datetime(2022, 5, 1, 20, tzinfo=timezone.utc)
    assert start.tzinfo.key == "America/New_York" and start.hour == 16
    assert any("disagrees" in e.reason for e in conv.report.of_kind(LossKind.QUIRK_REPAIRED))


def test_no_timezone_uses_list_zone():
    payload = {"kind": "calendar#events", "timeZone": "Europe/Oslo",
               "items": [base(start={"dateTime": "2026-01-05T10:00:00+01:00"}, end={"dateTime": "2026-01-05T11:00:00+01:00"})]}
    conv, [v] = g2i(payload)
    assert v["DTSTART"].dt.tzinfo.key == "Europe/Oslo" and v["DTSTART"].dt.hour == 10
    assert str(conv.calendar["X-WR-TIMEZONE"]) == "Europe/Oslo"


def test_no_timezone_anywhere_keeps_utc_instant():
    # ``…Z`` is an exact UTC instant (issue 13: no warning); an offset is reported (test_avoidable_losses)
    conv, [v] = g2i(load("gdata-provider__gcalItems__focus_event.json"))
    assert v["DTSTART"].dt == datetime(2006, 6, 10, 1, 2, 3, tzinfo=timezone.utc)
    assert not conv.report.of_kind(LossKind.TIMEZONE_ASSIGNED)


def test_calendar_zone_option_for_events_without_zone():
    _, [v] = g2i(load("gdata-provider__gcalItems__focus_event.json"), calendar_zone="Europe/Berlin")
    assert v["DTSTART"].dt.tzinfo.key == "Europe/Berlin" and v["DTSTART"].dt.hour == 3


def test_end_time_unspecified():
    _, [v] = g2i(load("gdata-provider__gcalItems__utc_event.json"))
    assert v.get("DTEND") is None
    out = i2g(v).data
    assert out["endTimeUnspecified"] is True and out["end"] == out["start"]


def test_resource_calendar_midnight_quirk_case_16():
    item = base(start={"dateTime": "2026-05-01T00:00:00+02:00", "timeZone": "Europe/Oslo"},
                end={"dateTime": "2026-05-02T00:00:00+02:00", "timeZone": "Europe/Oslo"},
                organizer={"email": "room1@resource.calendar.google.com"})
    conv, [v] = g2i(item)
    assert v["DTSTART"].dt == date(2026, 5, 1)
    # the same pair on a normal calendar stays a timed event (MS-OXPROPS 2.31)
    _, events = g2i(load("gcal_sync__list_resource_calendar_midnight_events.json"))
    assert all(isinstance(w["DTSTART"].dt, datetime) for w in events)


def test_floating_time_gets_default_zone_on_write():
    v = vevent(DTSTART=datetime(2026, 8, 21, 9), DTEND=datetime(2026, 8, 21, 10))
    conv = i2g(v, default_zone="Europe/Paris")
    assert conv.data["start"] == {"dateTime": "2026-08-21T09:00:00+02:00", "timeZone": "Europe/Paris"}
    assert conv.report.of_kind(LossKind.TIMEZONE_ASSIGNED)


def test_recurring_series_end_zone_forced_to_start_zone_case_12():
    v = vevent(DTSTART=datetime(2026, 8, 21, 9, tzinfo=PARIS),
               DTEND=datetime(2026, 8, 21, 12, tzinfo=ZoneInfo("America/New_York")), RRULE={"FREQ": "WEEKLY"})
    conv = i2g(v)
    assert conv.data["end"]["timeZone"] == "Europe/Paris"
    assert conv.data["end"]["dateTime"] == "2026-08-21T18:00:00+02:00"
    assert conv.report.of_kind(LossKind.VALUE_COLLAPSED)


# ---------------------------------------------------------------- identity

def test_ical_uid_and_ids_kept():
    _, [v] = g2i(dict(base(), etag='"123"'))
    assert str(v["UID"]) == "abc@google.com"
    assert str(v[hub.X_GOOGLE_ID]) == "abcdef12345" and str(v[hub.X_GOOGLE_ETAG]) == '"123"'
    out = i2g(v).data
    assert (out["id"], out["iCalUID"], out["etag"]) == ("abcdef12345", "abc@google.com", '"123"')


def test_insert_id_derived_from_uid_case_48():
    v = vevent(UID="Some UID/with:chars")
    first = i2g(v, "insert").data
    again = i2g(vevent(UID="Some UID/with:chars"), "insert").data
    assert first["id"] == again["id"]
    assert 5 <= len(first["id"]) <= 1024 and set(first["id"]) <= set("abcdefghijklmnopqrstuv0123456789")
    assert "iCalUID" not in first
    assert i2g(vevent(UID="other"), "insert").data["id"] != first["id"]


def test_import_keeps_ical_uid_no_id():
    out = i2g(vevent(UID="Some UID/with:chars"), "import").data
    assert out["iCalUID"] == "Some UID/with:chars" and "id" not in out


# ---------------------------------------------------------------- people

def test_attendees_both_ways():
    conv, [v] = g2i(load("gdata-provider__gcalItems__simple_event.json"))
    atts = {str(a): a.params for a in v["ATTENDEE"]}
    first = atts["mailto:attendee@example.com"]
    assert first["CN"] == "attendee name" and first["ROLE"] == "OPT-PARTICIPANT" and first["PARTSTAT"] == "TENTATIVE"
    second = atts["mailto:attendee2@example.com"]
    assert second["CUTYPE"] == "RESOURCE"
    out = i2g(v).data
    assert out["attendees"] == load("gdata-provider__gcalItems__simple_event.json")["attendees"]


def test_attendee_flags_comment_guests():
    item = base(attendees=[{"email": "a@x.com", "comment": "late", "additionalGuests": 2, "self": True,
                            "organizer": True, "responseStatus": "accepted", "id": "att1"}],
                organizer={"email": "a@x.com", "displayName": "A"})
    _, [v] = g2i(item)
    att = v["ATTENDEE"]
    assert att.params["X-NUM-GUESTS"] == "2" and att.params["X-RESPONSE-COMMENT"] == "late"
    assert str(v["ORGANIZER"]) == "mailto:a@x.com" and v["ORGANIZER"].params["CN"] == "A"
    assert i2g(v).data["attendees"] == item["attendees"]
    insert = i2g(v, "insert").data["attendees"][0]
    assert set(insert) <= {"email", "comment", "additionalGuests", "responseStatus", "displayName", "optional", "resource"}


def test_resource_domain_is_resource_case_38():
    _, [v] = g2i(base(attendees=[{"email": "room@resource.calendar.google.com"}]))
    assert v["ATTENDEE"].params["CUTYPE"] == "RESOURCE"
    assert i2g(v).data["attendees"] == [{"email": "room@resource.calendar.google.com", "responseStatus": "needsAction"}]
    room = vevent()
    room.add("ATTENDEE", "mailto:r@x.com", parameters={"CUTYPE": "ROOM"})
    assert i2g(room).data["attendees"][0]["resource"] is True


def test_organizer_listed_as_attendee_case_40():
    v = vevent(ORGANIZER="mailto:boss@x.com")
    v.add("ATTENDEE", "mailto:boss@x.com", parameters={"PARTSTAT": "ACCEPTED"})
    out = i2g(v).data
    assert len(out["attendees"]) == 1 and out["attendees"][0]["organizer"] is True
    conv = i2g(vevent(ORGANIZER="mailto:boss@x.com"), "insert")
    assert "organizer" not in conv.data and conv.report.for_field("ORGANIZER")


def test_partstat_delegated_collapses():
    v = vevent()
    v.add("ATTENDEE", "mailto:a@x.com", parameters={"PARTSTAT": "DELEGATED"})
    conv = i2g(v)
    assert conv.data["attendees"][0]["responseStatus"] == "needsAction"
    assert conv.report.of_kind(LossKind.VALUE_COLLAPSED)


def test_creator_in_stash():
    _, [v] = g2i(load("gcsa__to_object_full.json"))
    assert get_stash(edge.events_to_model([v])[0], hub.X_GOOGLE_STASH)["creator"]["email"] == "creator@gmail.com"
    assert str(v["ORGANIZER"]) == "mailto:organizer@gmail.com"


# ---------------------------------------------------------------- reminders

def test_overrides_become_valarms_and_back():
    _, [v] = g2i(load("gcsa__to_object_full.json"))
    alarms = sorted((str(a["ACTION"]), a["TRIGGER"].dt) for a in v.walk("VALARM"))
    assert alarms == [("DISPLAY", timedelta(minutes=-30)), ("EMAIL", timedelta(minutes=-120))]
    assert i2g(v).data["reminders"] == load("gcsa__to_object_full.json")["reminders"]


def test_use_default_resolved_and_restored_case_44():
    payload = {"kind": "calendar#events", "defaultReminders": [{"method": "popup", "minutes": 10}],
               "items": [base(reminders={"useDefault": True})]}
    _, [v] = g2i(payload)
    [alarm] = v.walk("VALARM")
    assert alarm["TRIGGER"].dt == timedelta(minutes=-10)
    assert str(alarm[hub.X_GOOGLE_DEFAULT_ALARM]) == "TRUE"
    back = i2g(v.copy() if False else v).data
    assert back["reminders"] == {"useDefault": True}


def test_use_default_without_list_defaults_is_restored():
    conv, [v] = g2i(base(reminders={"useDefault": True}))
    assert not list(v.walk("VALARM")) and conv.report.for_field("reminders.useDefault")
    assert i2g(v).data["reminders"] == {"useDefault": True}


def test_three_alarms_case_42():
    v = vevent()
    for action, trig in (("DISPLAY", timedelta(minutes=-10)), ("EMAIL", timedelta(days=-1)), ("DISPLAY", timedelta(minutes=5))):
        from icalendar import Alarm
        a = Alarm()
        a.add("ACTION", action)
        a.add("TRIGGER", trig)
        v.add_component(a)
    conv = i2g(v)
    assert conv.data["reminders"] == {"useDefault": False, "overrides": [{"method": "popup", "minutes": 10},
                                                                          {"method": "email", "minutes": 1440}]}
    assert conv.report.of_kind(LossKind.ALARM_DROPPED)


def test_audio_to_popup_and_limits():
    from icalendar import Alarm
    v = vevent()
    for minutes in (1, 2, 3, 4, 5, 6, 50000):
        a = Alarm()
        a.add("ACTION", "AUDIO")
        a.add("TRIGGER", timedelta(minutes=-minutes))
        v.add_component(a)
    conv = i2g(v)
    overrides = conv.data["reminders"]["overrides"]
    assert len(overrides) == 5 and all(o["method"] == "popup" for o in overrides)
    dropped = conv.report.of_kind(LossKind.ALARM_DROPPED)
    assert len(dropped) == 2  # the sixth and the one over 40320 minutes


def test_end_relative_trigger_converted():
    from icalendar import Alarm
    v = vevent()
    a = Alarm()
    a.add("ACTION", "DISPLAY")
    # 75 minutes before the end of a 60-minute event is 15 minutes before its start
    a.add("TRIGGER", timedelta(minutes=-75), parameters={"RELATED": "END"})
    v.add_component(a)
    conv = i2g(v)
    assert conv.data["reminders"]["overrides"] == [{"method": "popup", "minutes": 15}]
    assert conv.report.of_kind(LossKind.ALARM_CONVERTED)


def test_no_alarms_means_no_reminders():
    assert i2g(vevent()).data["reminders"] == {"useDefault": False}


# ---------------------------------------------------------------- availability, class, colour

@pytest.mark.parametrize("value", ["opaque", "transparent"])
def test_transparency(value):
    _, [v] = g2i(base(transparency=value))
    assert str(v["TRANSP"]) == value.upper()
    assert i2g(v).data["transparency"] == value


@pytest.mark.parametrize("visibility,cls", [("default", None), ("public", "PUBLIC"), ("private", "PRIVATE"),
                                            ("confidential", "CONFIDENTIAL")])
def test_visibility_class(visibility, cls):
    _, [v] = g2i(base(visibility=visibility))
    assert (str(v["CLASS"]) if v.get("CLASS") else None) == cls
    assert i2g(v).data["visibility"] == visibility


def test_foreign_class_public_is_default():
    conv = i2g(vevent(CLASS="PUBLIC"))
    assert conv.data["visibility"] == "default" and conv.report.for_field("CLASS")


@pytest.mark.parametrize("cid", sorted(tables.EVENT_PALETTE, key=int))
def test_color_id_both_ways(cid):
    _, [v] = g2i(base(colorId=cid))
    assert str(v["COLOR"]) == tables.COLOR_ID_TO_CSS[cid]
    assert i2g(v).data["colorId"] == cid


def test_unknown_color_id_stashed_and_foreign_colour_nearest():
    conv, [v] = g2i(base(colorId="17"))
    assert v.get("COLOR") is None and i2g(v).data["colorId"] == "17"
    conv = i2g(vevent(COLOR="red"))
    assert conv.data["colorId"] == "11" and conv.report.of_kind(LossKind.VALUE_COLLAPSED)


def test_sequence_timestamps_url():
    _, [v] = g2i(load("gdata-provider__gcalItems__simple_event.json"))
    assert v["SEQUENCE"] == 1
    assert v["CREATED"].dt == datetime(2006, 6, 8, 21, 4, 52, tzinfo=timezone.utc)
    assert v["LAST-MODIFIED"].dt == v["DTSTAMP"].dt == datetime(2006, 6, 8, 21, 5, 49, tzinfo=timezone.utc)
    assert str(v["URL"]) == "https://example.com/calendar/event?eid=eventhash"
    out = i2g(v).data
    assert (out["sequence"], out["created"], out["updated"], out["htmlLink"]) == (
        1, "2006-06-08T21:04:52.000Z", "2006-06-08T21:05:49.000Z", "https://example.com/calendar/event?eid=eventhash")


def test_source_link_rfc9253():
    _, [v] = g2i(base(source={"title": "Mail", "url": "https://mail.example/1"}))
    assert str(v["LINK"]) == "https://mail.example/1" and v["LINK"].params["LINKREL"] == "via"
    assert v["LINK"].params["LABEL"] == "Mail"
    assert i2g(v, "insert").data["source"] == {"url": "https://mail.example/1", "title": "Mail"}


# ---------------------------------------------------------------- conference, attachments

def test_conference_entry_points_case():
    item = base(conferenceData={
        "conferenceId": "aaa-bbbb-ccc", "conferenceSolution": {"key": {"type": "hangoutsMeet"}, "name": "Google Meet"},
        "entryPoints": [{"entryPointType": "video", "uri": "https://meet.google.com/aaa-bbbb-ccc", "label": "meet.google.com/aaa-bbbb-ccc"},
                        {"entryPointType": "phone", "uri": "tel:+1-555-0100", "label": "+1 555-0100", "pin": "123"}]},
        hangoutLink="https://meet.google.com/aaa-bbbb-ccc", description="Agenda")
    _, [v] = g2i(item)
    confs = v["CONFERENCE"]
    assert [str(c) for c in confs] == ["https://meet.google.com/aaa-bbbb-ccc", "tel:+1-555-0100"]
    assert confs[0].params["FEATURE"] == ["AUDIO", "VIDEO"] and confs[1].params["FEATURE"] == "PHONE"  # RFC 7986 5.11: a list
    assert confs[0].params["LABEL"] == "meet.google.com/aaa-bbbb-ccc"
    assert str(v[hub.X_GOOGLE_CONFERENCE]) == "https://meet.google.com/aaa-bbbb-ccc"
    assert hub.JOIN_LINE_PREFIX + "https://meet.google.com/aaa-bbbb-ccc" in str(v["DESCRIPTION"])
    out = i2g(v).data
    assert out["description"] == "Agenda"
    assert out["conferenceData"] == item["conferenceData"] and out["hangoutLink"] == item["hangoutLink"]


@pytest.mark.parametrize("name", [42, {"text": "Meet"}, ["Meet"], True])
def test_conference_solution_name_not_text_is_reported_not_a_crash(name):
    """Found by googlein3: a non-text ConferenceSolution.name labelled an unlabelled entry point
    and the writer failed with AttributeError ('int' object has no attribute 'to_ical')."""
    item = base(conferenceData={"conferenceId": "aaa-bbbb-ccc",
                                "conferenceSolution": {"key": {"type": "hangoutsMeet"}, "name": name},
                                "entryPoints": [{"entryPointType": "video", "uri": "https://meet.google.com/aaa-bbbb-ccc"}]})
    conv, [v] = g2i(item)
    assert b"CONFERENCE;FEATURE" in conv.to_bytes()
    assert str(v["CONFERENCE"]) == "https://meet.google.com/aaa-bbbb-ccc" and "LABEL" not in v["CONFERENCE"].params
    [entry] = [e for e in conv.report.entries if e.field == "conferenceData.conferenceSolution.name"]
    assert entry.kind is LossKind.INVALID_VALUE and type(name).__name__ in entry.reason


def test_x_google_conference_read_from_google_export():
    v = vevent(X_GOOGLE_CONFERENCE="https://meet.google.com/xyz-abcd-efg")
    out = i2g(v, "insert").data
    assert out["conferenceData"]["entryPoints"][0]["uri"] == "https://meet.google.com/xyz-abcd-efg"
    assert out["conferenceData"]["conferenceId"] == "xyz-abcd-efg"


def test_foreign_conference_stays_in_description():
    v = vevent(DESCRIPTION="Hi\n\n" + hub.JOIN_LINE_PREFIX + "https://teams.microsoft.com/l/x")
    v.add("CONFERENCE", "https://teams.microsoft.com/l/x", parameters={"VALUE": "URI", "FEATURE": "AUDIO,VIDEO"})
    conv = i2g(v, "insert")
    assert "conferenceData" not in conv.data
    assert "https://teams.microsoft.com/l/x" in conv.data["description"]
    assert conv.report.for_field("CONFERENCE")


def test_attachments_both_ways():
    item = load("gcsa__to_object_full.json")
    _, [v] = g2i(item)
    atts = v["ATTACH"]
    assert [str(a) for a in atts] == ["https://file.url1", "https://file.url2"]
    assert atts[0].params["FMTTYPE"] == "application/vnd.google-apps.document" and atts[0].params["FILENAME"] == "My file1"
    assert i2g(v).data["attachments"] == item["attachments"]
    # insert/import: fileUrl, title, mimeType (no fileId/iconLink); non-Drive links are reported
    conv = i2g(v, "insert")
    assert conv.data["attachments"] == item["attachments"]
    assert len(conv.report.for_field("ATTACH")) == 2


# ---------------------------------------------------------------- stash and event types

def test_stash_round_trip_extended_guests():
    item = load("gcsa__to_object_full.json")
    _, [v] = g2i(item)
    out = i2g(v, "insert").data
    for key in ("guestsCanInviteOthers", "guestsCanModify", "guestsCanSeeOtherGuests"):
        assert out[key] == item[key]
    item2 = load("gdata-provider__gcalItems__recur_rrule.json")
    _, [w] = g2i(item2)
    assert i2g(w, "import").data["extendedProperties"] == item2["extendedProperties"]


def test_unknown_field_stashed_and_reported():
    conv, [v] = g2i(base(futureField={"a": 1}))
    assert conv.report.for_field("futureField")[0].kind is LossKind.STASHED
    assert i2g(v).data["futureField"] == {"a": 1}


@pytest.mark.parametrize("etype,busy,transp", [("outOfOffice", "OOF", "OPAQUE"), ("focusTime", "BUSY", "OPAQUE"),
                                                ("workingLocation", "WORKINGELSEWHERE", "TRANSPARENT")])
def test_event_types_carry_busy_status(etype, busy, transp):
    props = {"outOfOffice": {"outOfOfficeProperties": {"autoDeclineMode": "declineNone", "declineMessage": "away"}},
             "focusTime": {"focusTimeProperties": {"chatStatus": "doNotDisturb"}},
             "workingLocation": {"workingLocationProperties": {"type": "homeOffice", "homeOffice": {}}}}[etype]
    item = base(eventType=etype, **props)
    _, [v] = g2i(item)
    assert str(v[hub.X_BUSYSTATUS]) == busy and str(v["TRANSP"]) == transp
    assert str(v[hub.X_GOOGLE_EVENT_TYPE]) == etype
    out = i2g(v).data
    assert out["eventType"] == etype and "transparency" not in out
    key = next(iter(props))
    assert out[key] == props[key]


def test_oof_from_elsewhere():
    timed = vevent(X_MICROSOFT_CDO_BUSYSTATUS="OOF", TRANSP="OPAQUE")
    assert i2g(timed, "insert").data["eventType"] == "outOfOffice"
    all_day = vevent(DTSTART=date(2026, 8, 21), DTEND=date(2026, 8, 22), X_MICROSOFT_CDO_BUSYSTATUS="OOF")
    conv = i2g(all_day, "insert")
    assert "eventType" not in conv.data and conv.report.of_kind(LossKind.VALUE_COLLAPSED)
    conv = i2g(vevent(X_MICROSOFT_CDO_BUSYSTATUS="OOF"), "import")
    assert "eventType" not in conv.data and conv.report.of_kind(LossKind.VALUE_COLLAPSED)


def test_unmapped_properties_reported():
    conv = i2g(vevent(CATEGORIES=["a"], PRIORITY=1))
    assert {e.field for e in conv.report.of_kind(LossKind.UNSUPPORTED_FIELD)} >= {"CATEGORIES", "PRIORITY"}


def test_palette_names_are_nearest_css3():
    for cid, hx in tables.EVENT_PALETTE.items():
        name = tables.COLOR_ID_TO_CSS[cid]
        best = min(tables.CSS3_COLORS.values(), key=lambda c: sum((int(hx[i:i + 2], 16) - int(c[i:i + 2], 16)) ** 2
                                                                  for i in (1, 3, 5)))
        assert tables.CSS3_COLORS[name] == best
    assert len(set(tables.COLOR_ID_TO_CSS.values())) == 11


def test_a_bad_calendar_level_field_names_the_field():
    from ics_bridge import InputError
    payload = {"kind": "calendar#events", "timeZone": 5, "items": [
        {"id": "abcde1", "iCalUID": "abc@google.com", "summary": "x",
         "start": {"dateTime": "2026-01-01T10:00:00Z"}, "end": {"dateTime": "2026-01-01T11:00:00Z"}}]}
    with pytest.raises(InputError) as err:
        convert(payload, to="ics", source="google", file="list.json")
    assert "timeZone" in str(err.value) and "list.json" in str(err.value)


def test_graph_delta_removal_has_no_google_form_and_is_reported():
    payload = {"value": [{"id": "GONE", "@removed": {"reason": "deleted"}}]}
    conv = convert(payload, to="google", source="graph")
    kinds = {(l.kind, l.field) for l in conv.report}
    assert (LossKind.EVENT_REMOVED, "@removed") in kinds and (LossKind.EVENT_SKIPPED, "DTSTART") in kinds


def test_categories_travel_in_extended_properties_and_come_back():
    ics = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:cat@example.com\r\n"
           b"DTSTAMP:20260101T000000Z\r\nDTSTART:20260501T090000Z\r\nDTEND:20260501T100000Z\r\nSUMMARY:x\r\n"
           b"CATEGORIES:Project Falcon,Blue\\, dark\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    conv = convert(ics, to="google", source="ics")
    assert json.loads(conv.data["extendedProperties"]["private"]["ics-bridge.categories"]) == ["Project Falcon", "Blue, dark"]
    assert [l.field for l in conv.report.of_kind(LossKind.UNSUPPORTED_FIELD)] == ["CATEGORIES"]  # Google shows none
    back = convert(conv.data, to="ics", source="google")
    (ev,) = back.calendar.walk("VEVENT")
    assert list(ev["CATEGORIES"].cats) == ["Project Falcon", "Blue, dark"]
    again = convert(back.calendar, to="google", source="ics").data
    assert again["extendedProperties"] == conv.data["extendedProperties"]


def test_properties_google_lacks_are_reported_and_kept_in_extended_properties_while_they_fit():
    ics = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:prio@example.com\r\n"
           b"DTSTAMP:20260101T000000Z\r\nDTSTART:20260501T090000Z\r\nDTEND:20260501T100000Z\r\nSUMMARY:x\r\n"
           b"PRIORITY:1\r\nGEO:47.6;-122.1\r\nCOMMENT:" + b"c" * 2000 + b"\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    conv = convert(ics, to="google", source="ics")
    reasons = {l.field: l.reason for l in conv.report.of_kind(LossKind.UNSUPPORTED_FIELD)}
    assert set(reasons) == {"PRIORITY", "GEO", "COMMENT"}
    assert "kept" in reasons["PRIORITY"] and "kept" in reasons["GEO"] and "kept" not in reasons["COMMENT"]
    assert len(conv.data["extendedProperties"]["private"]["ics-bridge.ical"]) <= 1024
    (ev,) = convert(conv.data, to="ics", source="google").calendar.walk("VEVENT")
    assert int(ev["PRIORITY"]) == 1 and (ev["GEO"].latitude, ev["GEO"].longitude) == (47.6, -122.1)
    assert "COMMENT" not in ev
    # Graph importance survives a trip through Google: PRIORITY is what Graph reads
    graph = convert(convert(conv.data, to="ics", source="google").calendar, to="graph").data
    assert graph["importance"] == "high"
