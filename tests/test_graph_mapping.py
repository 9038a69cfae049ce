"""One test per row of docs/graph.md, both directions, and the Graph cases of
interop-notes.md section 3 (named by case number)."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

import ics_bridge
from ics_bridge import LossKind, edge
from ics_bridge.vevent import get_description

NY = ZoneInfo("America/New_York")
PARIS = ZoneInfo("Europe/Paris")
UTC = ZoneInfo("UTC")


def event(**fields) -> dict:
    base = {
        "id": "AAMkID1=", "iCalUId": "040000008200E00074C5B7101A82E0080000000001",
        "subject": "Planning", "start": {"dateTime": "2026-03-13T10:00:00.0000000", "timeZone": "Eastern Standard Time"},
        "end": {"dateTime": "2026-03-13T11:00:00.0000000", "timeZone": "Eastern Standard Time"},
    }
    base.update(fields)
    return base


def to_ics(*events, options=ics_bridge.Options()):
    conv = ics_bridge.graph_to_ics(list(events) if len(events) > 1 else events[0], options)
    cal = Calendar.from_ical(conv.to_bytes(options))
    return conv, list(cal.walk("VEVENT")), cal


def back(conv, options=ics_bridge.Options()):
    out = ics_bridge.ics_to_graph(conv.to_bytes(options), options)
    data = out.data
    return out, (data["value"] if isinstance(data, dict) and "value" in data else [data])


def ics(body: str) -> bytes:
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + body.strip().replace("\n", "\r\n")
            + "\r\nEND:VCALENDAR\r\n").encode()


def vevent(lines: str, uid: str = "u1@example.com") -> bytes:
    return ics(f"BEGIN:VEVENT\nUID:{uid}\nDTSTAMP:20260101T000000Z\n{lines.strip()}\nEND:VEVENT")


def graph_of(data: bytes, **opts):
    out = ics_bridge.ics_to_graph(data, ics_bridge.Options(**opts))
    items = out.data["value"] if isinstance(out.data, dict) and "value" in out.data else [out.data]
    return out, items


# ---------------------------------------------------------------- time zones


def test_case_1_prefer_utc_response_is_expressed_in_the_home_zone():
    conv, (ev,), _ = to_ics(event(start={"dateTime": "2026-03-13T15:00:00.0000000", "timeZone": "UTC"},
                                  end={"dateTime": "2026-03-13T16:00:00.0000000", "timeZone": "UTC"},
                                  originalStartTimeZone="Eastern Standard Time",
                                  originalEndTimeZone="Eastern Standard Time"))
    assert ev["DTSTART"].params["TZID"] == "America/New_York"
    assert ev["DTSTART"].dt == datetime(2026, 3, 13, 11, 0, tzinfo=NY)
    assert ev["DTSTART"].dt.astimezone(timezone.utc) == datetime(2026, 3, 13, 15, 0, tzinfo=timezone.utc)


def test_case_2_romance_standard_time_is_europe_paris_with_dst():
    conv, (ev,), cal = to_ics(event(start={"dateTime": "2026-07-01T09:00:00", "timeZone": "Romance Standard Time"},
                                    end={"dateTime": "2026-07-01T10:00:00", "timeZone": "Romance Standard Time"}))
    assert ev["DTSTART"].params["TZID"] == "Europe/Paris"
    assert ev["DTSTART"].dt.astimezone(timezone.utc).hour == 7  # CEST, not UTC, not a fixed +01:00
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Paris"]


def test_case_4_custom_zone_in_graph_json_is_reported_not_silently_defaulted():
    conv, (ev,), _ = to_ics(event(originalStartTimeZone="tzone://Microsoft/Custom"))
    assert conv.report.of_kind(LossKind.TIMEZONE_GUESSED)
    assert ev["DTSTART"].params["TZID"] == "America/New_York"


def test_unknown_zone_is_an_error_naming_event_and_field_and_others_go_on():
    bad = event(id="bad", iCalUId="bad-uid", start={"dateTime": "2026-03-13T10:00:00", "timeZone": "Mars/Olympus"})
    conv = ics_bridge.graph_to_ics([bad, event()])
    assert len(conv.errors) == 1
    assert "bad-uid" in str(conv.errors[0]) and "start.timeZone" in str(conv.errors[0])
    assert len(list(conv.calendar.walk("VEVENT"))) == 1


def test_case_12_start_and_end_zones_differ_for_a_flight():
    conv, (ev,), cal = to_ics(event(start={"dateTime": "2026-05-01T18:00:00", "timeZone": "Pacific Standard Time"},
                                    end={"dateTime": "2026-05-02T14:00:00", "timeZone": "GMT Standard Time"}))
    assert ev["DTSTART"].params["TZID"] == "America/Los_Angeles"
    assert ev["DTEND"].params["TZID"] == "Europe/London"
    assert {str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")} == {"America/Los_Angeles", "Europe/London"}
    _, (g,) = back(conv)
    assert g["end"]["timeZone"] == "GMT Standard Time"


def test_windows_tzid_style_writes_outlook_names_with_matching_vtimezones():
    options = ics_bridge.Options(tzid_style="windows")
    conv, (ev,), cal = to_ics(event(), options=options)
    assert ev["DTSTART"].params["TZID"] == "Eastern Standard Time"
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Eastern Standard Time"]
    _, (g,) = back(conv, options)
    assert g["start"] == {"dateTime": "2026-03-13T10:00:00.0000000", "timeZone": "Eastern Standard Time"}


def test_iana_zone_names_option_for_graph_output():
    conv, _, _ = to_ics(event())
    _, (g,) = back(conv, ics_bridge.Options(graph_zone_names="iana"))
    assert g["start"]["timeZone"] == "America/New_York"


def test_floating_ics_time_gets_the_default_zone_reported():
    out, (g,) = graph_of(vevent("DTSTART:20260501T090000\nDTEND:20260501T100000\nSUMMARY:x"), default_zone="Europe/Paris")
    assert g["start"] == {"dateTime": "2026-05-01T09:00:00.0000000", "timeZone": "Romance Standard Time"}
    assert out.report.of_kind(LossKind.TIMEZONE_ASSIGNED)


def test_utc_ics_time_becomes_graph_utc():
    _, (g,) = graph_of(vevent("DTSTART:20260501T090000Z\nDTEND:20260501T100000Z\nSUMMARY:x"))
    assert g["start"] == {"dateTime": "2026-05-01T09:00:00.0000000", "timeZone": "UTC"}


# ---------------------------------------------------------------- all-day


def test_case_13_all_day_utc_midnights_become_dates_without_shift():
    conv, (ev,), _ = to_ics(event(isAllDay=True, start={"dateTime": "2026-08-14T00:00:00.0000000", "timeZone": "UTC"},
                                  end={"dateTime": "2026-08-15T00:00:00.0000000", "timeZone": "UTC"}))
    assert ev["DTSTART"].dt == date(2026, 8, 14) and ev["DTEND"].dt == date(2026, 8, 15)
    assert ev["DTSTART"].params.get("VALUE") == "DATE"
    _, (g,) = back(conv)
    assert g["isAllDay"] is True
    assert g["start"] == {"dateTime": "2026-08-14T00:00:00.0000000", "timeZone": "UTC"}
    assert g["end"] == {"dateTime": "2026-08-15T00:00:00.0000000", "timeZone": "UTC"}


def test_multi_day_all_day_event_kept():
    conv, (ev,), _ = to_ics(event(isAllDay=True, start={"dateTime": "2026-08-14T00:00:00", "timeZone": "Tokyo Standard Time"},
                                  end={"dateTime": "2026-08-17T00:00:00", "timeZone": "Tokyo Standard Time"}))
    assert (ev["DTSTART"].dt, ev["DTEND"].dt) == (date(2026, 8, 14), date(2026, 8, 17))
    _, (g,) = back(conv)
    assert g["start"]["timeZone"] == "Tokyo Standard Time" and g["end"]["dateTime"].startswith("2026-08-17")


def test_ics_all_day_with_dtend_equal_to_dtstart_is_one_day_reported():
    out, (g,) = graph_of(vevent("DTSTART;VALUE=DATE:20260501\nDTEND;VALUE=DATE:20260501\nSUMMARY:x"))
    assert g["end"]["dateTime"].startswith("2026-05-02")
    assert out.report.of_kind(LossKind.QUIRK_REPAIRED)


def test_case_17_outlook_floating_midnight_pair_with_alldayevent_flag_is_all_day():
    out, (g,) = graph_of(vevent("DTSTART:20260501T000000\nDTEND:20260502T000000\nX-MICROSOFT-CDO-ALLDAYEVENT:TRUE\nSUMMARY:x"))
    assert g["isAllDay"] is True


def test_zoned_midnight_pair_without_flag_stays_timed():
    out, (g,) = graph_of(vevent("DTSTART;TZID=Europe/Paris:20260501T000000\nDTEND;TZID=Europe/Paris:20260502T000000\nSUMMARY:x"))
    assert g["isAllDay"] is False


# ---------------------------------------------------------------- series


def _series():
    master = event(id="SM1", iCalUId="UID-SERIES", type="seriesMaster", subject="Stand-up",
                   start={"dateTime": "2026-08-10T09:00:00.0000000", "timeZone": "Romance Standard Time"},
                   end={"dateTime": "2026-08-10T09:15:00.0000000", "timeZone": "Romance Standard Time"},
                   recurrence={"pattern": {"type": "daily", "interval": 1},
                               "range": {"type": "numbered", "startDate": "2026-08-10", "numberOfOccurrences": 20,
                                         "recurrenceTimeZone": "Romance Standard Time"}},
                   cancelledOccurrences=["OID.SM1.2026-08-21"])
    exception = event(id="EX1", iCalUId="UID-OTHER", type="exception", seriesMasterId="SM1", subject="Stand-up (moved)",
                      originalStart="2026-08-17T07:00:00Z",
                      start={"dateTime": "2026-08-17T10:00:00.0000000", "timeZone": "Romance Standard Time"},
                      end={"dateTime": "2026-08-17T10:15:00.0000000", "timeZone": "Romance Standard Time"})
    occurrence = event(id="OC1", type="occurrence", seriesMasterId="SM1", originalStart="2026-08-18T07:00:00Z",
                       start={"dateTime": "2026-08-18T09:00:00.0000000", "timeZone": "Romance Standard Time"},
                       end={"dateTime": "2026-08-18T09:15:00.0000000", "timeZone": "Romance Standard Time"})
    return {"value": [occurrence, exception, master]}


def test_case_32_33_master_exception_and_cancellation_become_one_uid():
    conv, events, _ = to_ics(_series())
    assert len(events) == 2  # the occurrence adds nothing
    master = next(e for e in events if "RECURRENCE-ID" not in e)
    override = next(e for e in events if "RECURRENCE-ID" in e)
    assert str(master["UID"]) == str(override["UID"]) == "UID-SERIES"
    assert override["RECURRENCE-ID"].dt == datetime(2026, 8, 17, 9, 0, tzinfo=PARIS)
    assert override["RECURRENCE-ID"].params["TZID"] == "Europe/Paris"
    assert str(override["SUMMARY"]) == "Stand-up (moved)"  # case 36: full properties
    exdates = [d.dt for d in master["EXDATE"].dts]
    assert exdates == [datetime(2026, 8, 21, 9, 0, tzinfo=PARIS)]
    assert conv.report.of_kind(LossKind.MAPPING_CHOICE)  # the exception's own iCalUId ignored


def test_series_comes_back_as_master_with_cancellation_and_exception():
    conv, _, _ = to_ics(_series())
    _, items = back(conv)
    master, exception = items
    assert master["type"] == "seriesMaster" and master["cancelledOccurrences"] == ["OID.SM1.2026-08-21"]
    assert exception["type"] == "exception" and exception["seriesMasterId"] == "SM1"
    assert exception["originalStart"] == "2026-08-17T07:00:00Z"
    assert exception["start"]["dateTime"] == "2026-08-17T10:00:00.0000000"


def test_request_profile_reports_cancellations_it_cannot_write():
    conv, _, _ = to_ics(_series())
    out, items = back(conv, ics_bridge.Options(profile="request"))
    assert "cancelledOccurrences" not in items[0]
    assert any(l.field == "EXDATE" for l in out.report.of_kind(LossKind.UNSUPPORTED_FIELD))


def test_case_14_all_day_exception_uses_the_date_in_the_recurrence_zone():
    master = event(id="SM2", iCalUId="ALLDAY", type="seriesMaster", isAllDay=True,
                   start={"dateTime": "2026-03-01T00:00:00.0000000", "timeZone": "UTC"},
                   end={"dateTime": "2026-03-02T00:00:00.0000000", "timeZone": "UTC"},
                   recurrence={"pattern": {"type": "daily", "interval": 1},
                               "range": {"type": "noEnd", "startDate": "2026-03-01",
                                         "recurrenceTimeZone": "W. Europe Standard Time"}})
    exc = event(id="EX2", type="exception", seriesMasterId="SM2", isAllDay=True, originalStart="2026-03-14T23:00:00Z",
                start={"dateTime": "2026-03-16T00:00:00.0000000", "timeZone": "UTC"},
                end={"dateTime": "2026-03-17T00:00:00.0000000", "timeZone": "UTC"})
    conv, events, _ = to_ics(master, exc)
    override = next(e for e in events if "RECURRENCE-ID" in e)
    assert override["RECURRENCE-ID"].dt == date(2026, 3, 15)


def test_all_day_series_cancellation_is_a_date_exdate():
    master = event(id="SM3", type="seriesMaster", isAllDay=True,
                   start={"dateTime": "2026-08-10T00:00:00", "timeZone": "UTC"},
                   end={"dateTime": "2026-08-11T00:00:00", "timeZone": "UTC"},
                   recurrence={"pattern": {"type": "weekly", "daysOfWeek": ["friday", "monday"], "firstDayOfWeek": "monday"},
                               "range": {"type": "noEnd", "startDate": "2026-08-10"}},
                   cancelledOccurrences=["OID.SM3.2026-08-21"])
    conv, (ev,), _ = to_ics(master)
    assert [d.dt for d in ev["EXDATE"].dts] == [date(2026, 8, 21)]
    assert ev["RRULE"]["BYDAY"] == ["FR", "MO"] and ev["RRULE"]["WKST"] == ["MO"]


def test_delta_removed_entries_are_reported_cancellations_kept_out_of_ics_bytes():
    payload = {"value": [event(), {"@odata.type": "#microsoft.graph.event", "id": "GONE1", "@removed": {"reason": "deleted"}}]}
    conv = ics_bridge.graph_to_ics(payload)
    gone = next(e for e in conv.calendar.walk("VEVENT") if str(e.get("X-ICSBRIDGE-GRAPH-ID")) == "GONE1")
    assert str(gone["STATUS"]) == "CANCELLED" and "DTSTART" not in gone
    assert conv.report.of_kind(LossKind.EVENT_REMOVED)
    # an .ics file cannot hold an event without a start (RFC 5545 3.6.1): left out of the bytes
    assert b"GONE1" not in conv.to_bytes() and len(Calendar.from_ical(conv.to_bytes()).walk("VEVENT")) == 1
    # through the hub, Graph and Google output keep it as a removal
    items = ics_bridge.convert(conv.calendar, to="graph").data["value"]
    assert {"id": "GONE1", "@removed": {"reason": "deleted"}} in items


# ---------------------------------------------------------------- people


def test_case_38_39_attendee_types_and_answers():
    conv, (ev,), _ = to_ics(event(
        organizer={"emailAddress": {"name": "Org", "address": "org@contoso.com"}},
        responseRequested=True,
        attendees=[
            {"type": "resource", "status": {"response": "accepted", "time": "2026-03-01T10:00:00Z"},
             "emailAddress": {"name": "Room 1", "address": "room1@contoso.com"}},
            {"type": "optional", "status": {"response": "notResponded"}, "emailAddress": {"address": "a@contoso.com"}},
            {"type": "required", "status": {"response": "organizer"}, "emailAddress": {"address": "org@contoso.com"}},
            {"type": "Required", "status": {"response": "TentativelyAccepted"}, "emailAddress": {"address": "b@contoso.com"}},
            {"type": "required", "status": {"response": "declined"}, "emailAddress": {"address": "c@contoso.com"}},
            {"type": "required", "status": {"response": "none"}, "emailAddress": {"address": "d@contoso.com"}},
        ]))
    atts = {str(a): a.params for a in ev["ATTENDEE"]}
    room = atts["mailto:room1@contoso.com"]
    assert (room["CUTYPE"], room["ROLE"], room["PARTSTAT"]) == ("RESOURCE", "NON-PARTICIPANT", "ACCEPTED")
    assert atts["mailto:a@contoso.com"]["ROLE"] == "OPT-PARTICIPANT"
    assert atts["mailto:a@contoso.com"]["PARTSTAT"] == "NEEDS-ACTION"
    assert atts["mailto:org@contoso.com"]["PARTSTAT"] == "ACCEPTED"
    assert atts["mailto:b@contoso.com"]["PARTSTAT"] == "TENTATIVE"
    assert atts["mailto:c@contoso.com"]["PARTSTAT"] == "DECLINED"
    assert all(p["RSVP"] == "TRUE" for p in atts.values())
    assert str(ev["ORGANIZER"]) == "mailto:org@contoso.com" and ev["ORGANIZER"].params["CN"] == "Org"
    _, (g,) = back(conv)
    answers = {a["emailAddress"]["address"]: (a["type"], a["status"]["response"]) for a in g["attendees"]}
    assert answers == {"room1@contoso.com": ("resource", "accepted"), "a@contoso.com": ("optional", "notResponded"),
                       "org@contoso.com": ("required", "organizer"), "b@contoso.com": ("required", "tentativelyAccepted"),
                       "c@contoso.com": ("required", "declined"), "d@contoso.com": ("required", "none")}
    assert g["attendees"][0]["status"]["time"] == "2026-03-01T10:00:00Z"
    assert g["responseRequested"] is True


def test_ics_room_cutype_delegated_and_chair_are_mapped_and_reported():
    out, (g,) = graph_of(vevent("""DTSTART:20260501T090000Z
ATTENDEE;CUTYPE=ROOM;PARTSTAT=ACCEPTED:mailto:room@x.com
ATTENDEE;PARTSTAT=DELEGATED:mailto:del@x.com
ATTENDEE;ROLE=CHAIR;PARTSTAT=ACCEPTED:mailto:chair@x.com"""))
    types = {a["emailAddress"]["address"]: (a["type"], a["status"]["response"]) for a in g["attendees"]}
    assert types == {"room@x.com": ("resource", "accepted"), "del@x.com": ("required", "notResponded"),
                     "chair@x.com": ("required", "accepted")}
    collapsed = {l.field for l in out.report.of_kind(LossKind.VALUE_COLLAPSED)}
    assert {"ATTENDEE;PARTSTAT", "ATTENDEE;ROLE"} <= collapsed


# ---------------------------------------------------------------- reminders


def test_case_41_zero_minute_reminder_has_a_trigger():
    conv, (ev,), _ = to_ics(event(isReminderOn=True, reminderMinutesBeforeStart=0))
    (alarm,) = ev.walk("VALARM")
    assert str(alarm["ACTION"]) == "DISPLAY" and alarm["TRIGGER"].dt == timedelta(0)
    assert b"TRIGGER:-PT0M" in conv.to_bytes()
    _, (g,) = back(conv)
    assert (g["isReminderOn"], g["reminderMinutesBeforeStart"]) == (True, 0)


def test_reminder_off_writes_no_alarm_and_keeps_the_minutes():
    conv, (ev,), _ = to_ics(event(isReminderOn=False, reminderMinutesBeforeStart=15))
    assert not ev.walk("VALARM")
    _, (g,) = back(conv)
    assert (g["isReminderOn"], g["reminderMinutesBeforeStart"]) == (False, 15)


def test_case_42_three_alarms_keep_the_popup_and_report_the_rest():
    out, (g,) = graph_of(vevent("""DTSTART:20260501T090000Z
DTEND:20260501T100000Z
BEGIN:VALARM
ACTION:DISPLAY
TRIGGER:-PT10M
END:VALARM
BEGIN:VALARM
ACTION:EMAIL
TRIGGER:-P1D
END:VALARM
BEGIN:VALARM
ACTION:DISPLAY
TRIGGER:PT5M
END:VALARM"""))
    assert g["reminderMinutesBeforeStart"] == 10
    dropped = out.report.of_kind(LossKind.ALARM_DROPPED)
    assert len(dropped) == 2 and any("after the start" in l.reason for l in dropped)


def test_case_43_end_relative_and_absolute_triggers_are_converted():
    # 75 minutes before the end of a 60-minute event is 15 minutes before its start.
    out, (g,) = graph_of(vevent("""DTSTART:20260501T090000Z
DTEND:20260501T100000Z
BEGIN:VALARM
ACTION:DISPLAY
TRIGGER;RELATED=END:-PT75M
END:VALARM"""))
    assert g["reminderMinutesBeforeStart"] == 15
    assert out.report.of_kind(LossKind.ALARM_CONVERTED)
    # 15 minutes before the end is 45 minutes AFTER the start (RFC 5545 3.8.6.3): interop-notes
    # case 43 calls it "45 min before start", which would fire the reminder 90 minutes early.
    out, (g,) = graph_of(vevent("""DTSTART:20260501T090000Z
DTEND:20260501T100000Z
BEGIN:VALARM
ACTION:DISPLAY
TRIGGER;RELATED=END:-PT15M
END:VALARM"""))
    assert g["isReminderOn"] is False
    assert "after the start" in out.report.of_kind(LossKind.ALARM_DROPPED)[0].reason
    _, (g,) = graph_of(vevent("""DTSTART:20260501T090000Z
BEGIN:VALARM
ACTION:AUDIO
TRIGGER;VALUE=DATE-TIME:20260501T083000Z
END:VALARM"""))
    assert g["reminderMinutesBeforeStart"] == 30


# ---------------------------------------------------------------- availability, classification


@pytest.mark.parametrize("show_as,transp,busy", [
    ("free", "TRANSPARENT", "FREE"), ("tentative", "OPAQUE", "TENTATIVE"), ("busy", "OPAQUE", "BUSY"),
    ("oof", "OPAQUE", "OOF"), ("workingElsewhere", "TRANSPARENT", "WORKINGELSEWHERE")])
def test_case_45_show_as_both_ways(show_as, transp, busy):
    conv, (ev,), _ = to_ics(event(showAs=show_as))
    assert (str(ev["TRANSP"]), str(ev["X-MICROSOFT-CDO-BUSYSTATUS"])) == (transp, busy)
    _, (g,) = back(conv)
    assert g["showAs"] == show_as


def test_case_46_transparent_without_busystatus_is_free_and_default_is_busy():
    _, (g,) = graph_of(vevent("DTSTART:20260501T090000Z\nTRANSP:TRANSPARENT"))
    assert g["showAs"] == "free"
    _, (g,) = graph_of(vevent("DTSTART;VALUE=DATE:20260501"))
    assert g["showAs"] == "busy"


def test_show_as_unknown_is_reported():
    conv, (ev,), _ = to_ics(event(showAs="unknown"))
    assert "TRANSP" not in ev and conv.report.for_field("showAs")


@pytest.mark.parametrize("importance,priority,cdo", [("low", 9, "0"), ("normal", 5, "1"), ("high", 1, "2")])
def test_importance_both_ways(importance, priority, cdo):
    conv, (ev,), _ = to_ics(event(importance=importance))
    assert (int(ev["PRIORITY"]), str(ev["X-MICROSOFT-CDO-IMPORTANCE"])) == (priority, cdo)
    _, (g,) = back(conv)
    assert g["importance"] == importance


def test_priority_ranges_from_other_producers():
    for prio, expected in ((2, "high"), (5, "normal"), (7, "low")):
        _, (g,) = graph_of(vevent(f"DTSTART:20260501T090000Z\nPRIORITY:{prio}"))
        assert g["importance"] == expected


@pytest.mark.parametrize("sensitivity,cls", [("normal", "PUBLIC"), ("private", "PRIVATE"),
                                             ("confidential", "CONFIDENTIAL"), ("personal", "PRIVATE")])
def test_sensitivity_both_ways_personal_reported(sensitivity, cls):
    conv, (ev,), _ = to_ics(event(sensitivity=sensitivity))
    assert str(ev["CLASS"]) == cls
    _, (g,) = back(conv)
    assert g["sensitivity"] == sensitivity
    assert bool(conv.report.of_kind(LossKind.VALUE_COLLAPSED)) == (sensitivity == "personal")


def test_categories_cancelled_weblink_timestamps_and_counter_proposals():
    conv, (ev,), _ = to_ics(event(categories=["Red category", "Project, X"], isCancelled=True,
                                  webLink="https://outlook.office365.com/owa/?itemid=AAM", allowNewTimeProposals=False,
                                  createdDateTime="2026-03-02T17:15:36.3760425Z",
                                  lastModifiedDateTime="0001-01-01T00:00:00Z"))
    assert list(ev["CATEGORIES"].cats) == ["Red category", "Project, X"]
    assert str(ev["STATUS"]) == "CANCELLED"
    assert str(ev["URL"]) == "https://outlook.office365.com/owa/?itemid=AAM"
    assert ev["CREATED"].dt == datetime(2026, 3, 2, 17, 15, 36, tzinfo=UTC)  # case 49
    assert "LAST-MODIFIED" not in ev  # the sentinel means absent
    assert str(ev["X-MICROSOFT-DISALLOW-COUNTER"]) == "TRUE"
    _, (g,) = back(conv)
    assert g["categories"] == ["Red category", "Project, X"] and g["isCancelled"] is True
    assert g["allowNewTimeProposals"] is False and g["createdDateTime"] == "2026-03-02T17:15:36Z"


def test_case_47_outlook_html_body_gives_readable_text_without_css():
    html = ("<html><head><style>p{color:red}</style></head><body><p>A&amp;B</p>"
            "<ul><li>one</li><li>two</li></ul><p onclick=\"steal()\">hi</p><script>alert(1)</script></body></html>")
    conv, (ev,), _ = to_ics(event(body={"contentType": "HTML", "content": html}))
    text = str(ev["DESCRIPTION"])
    assert text.startswith("A&B") and "- one" in text and "color" not in text and "alert" not in text
    alt = get_description(edge.events_to_model([ev])[0])[1]
    assert "onclick" not in alt and "<script" not in alt and "A&amp;B" in alt
    assert conv.report.of_kind(LossKind.HTML_SANITIZED)


def test_text_body_round_trip():
    conv, (ev,), _ = to_ics(event(body={"contentType": "text", "content": "line 1\nline 2; a, b \\ c"}))
    assert str(ev["DESCRIPTION"]) == "line 1\nline 2; a, b \\ c" and "X-ALT-DESC" not in ev
    _, (g,) = back(conv)
    assert g["body"] == {"contentType": "text", "content": "line 1\nline 2; a, b \\ c"}


def test_geo_from_coordinates():
    conv, (ev,), _ = to_ics(event(location={"displayName": "HQ", "coordinates": {"latitude": 47.6, "longitude": -122.1}}))
    assert (ev["GEO"].latitude, ev["GEO"].longitude) == (47.6, -122.1)


# ---------------------------------------------------------------- input shapes


def test_case_52_legacy_pascal_case_shape():
    legacy = {
        "@odata.id": "https://outlook.office.com/api/v2.0/Users('x')/Events('AAMk')",
        "Id": "AAMkLEGACY", "Subject": "Legacy", "Body": {"ContentType": "HTML", "Content": "<p>Hi</p>"},
        "Start": "2014-10-19T23:00:00-07:00", "StartTimeZone": "Pacific Standard Time",
        "End": "2014-10-20T00:00:00-07:00", "EndTimeZone": "Pacific Standard Time",
        "Reminder": 15, "ShowAs": "Busy", "Importance": "High", "Type": "SingleInstance",
        "DateTimeCreated": "2014-10-19T18:13:35.4935591Z", "DateTimeLastModified": "2014-10-19T18:13:36.0091837Z",
        "Attendees": [{"EmailAddress": {"Address": "a@contoso.com", "Name": "A"}, "Status": {"Response": "Accepted"}, "Type": "Required"}],
        "Location": {"DisplayName": "Room"}, "Organizer": {"EmailAddress": {"Address": "o@contoso.com", "Name": "O"}},
        "Categories": ["Blue"], "IsAllDay": False, "IsCancelled": False, "WebLink": "https://outlook.office.com/x",
        "iCalUId": "040000008200LEGACY",
    }
    conv, (ev,), _ = to_ics(legacy)
    assert ev["DTSTART"].dt == datetime(2014, 10, 19, 23, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
    assert ev["DTSTART"].dt.astimezone(timezone.utc) == datetime(2014, 10, 20, 6, 0, tzinfo=timezone.utc)
    assert str(ev["SUMMARY"]) == "Legacy" and str(ev["UID"]) == "040000008200LEGACY"
    assert ev.walk("VALARM")[0]["TRIGGER"].dt == timedelta(minutes=-15)
    assert str(ev["X-MICROSOFT-CDO-BUSYSTATUS"]) == "BUSY" and int(ev["PRIORITY"]) == 1
    assert ev["ATTENDEE"].params["PARTSTAT"] == "ACCEPTED"
    assert ev["CREATED"].dt == datetime(2014, 10, 19, 18, 13, 35, tzinfo=UTC)
    assert str(ev["X-ALT-DESC"]) == "<p>Hi</p>"
    assert not conv.report.of_kind(LossKind.STASHED)  # every legacy field was understood


def test_json_array_and_jsonl_inputs():
    text = json.dumps(event(id="a1", iCalUId="A1")) + "\n" + json.dumps(event(id="a2", iCalUId="A2")) + "\n"
    conv = ics_bridge.convert(text, to="ics", source="graph")
    assert [str(e["UID"]) for e in conv.calendar.walk("VEVENT")] == ["A1", "A2"]
    conv = ics_bridge.convert(json.dumps([event(id="b1", iCalUId="B1")]), to="ics")
    assert [str(e["UID"]) for e in conv.calendar.walk("VEVENT")] == ["B1"]


def test_unknown_properties_are_stashed_reported_and_restored():
    conv, (ev,), _ = to_ics(event(singleValueExtendedProperties=[{"id": "String {x} Name y", "value": "z"}]))
    assert conv.report.of_kind(LossKind.STASHED)
    _, (g,) = back(conv)
    assert g["singleValueExtendedProperties"] == [{"id": "String {x} Name y", "value": "z"}]


def test_unknown_enum_values_are_reported_not_guessed():
    conv, (ev,), _ = to_ics(event(showAs="sleeping", importance="urgent"))
    fields = {l.field for l in conv.report.of_kind(LossKind.INVALID_VALUE)}
    assert {"showAs", "importance"} <= fields


def test_wrong_type_names_event_and_field():
    conv = ics_bridge.graph_to_ics([event(iCalUId="BAD", isAllDay="perhaps"), event()])
    assert len(conv.errors) == 1
    assert "BAD" in str(conv.errors[0]) and "isAllDay" in str(conv.errors[0])


def test_independent_parser_reads_the_same_instants():
    ical_calendar = pytest.importorskip("ical.calendar_stream")
    conv, events, _ = to_ics(_series())
    cal = ical_calendar.IcsCalendarStream.calendar_from_ics(conv.to_bytes().decode())
    starts = sorted(e.dtstart.astimezone(timezone.utc) for e in cal.events)
    ours = sorted(e["DTSTART"].dt.astimezone(timezone.utc) for e in events)
    assert starts == ours


def test_ics_content_graph_cannot_hold_is_reported_and_restored_through_an_extended_property():
    data = vevent("""DTSTART;TZID=Europe/Paris:20260501T090000
DTEND;TZID=Europe/Paris:20260501T100000
SUMMARY:s
COMMENT:hi\\, there
X-APPLE-TRAVEL-ADVISORY-BEHAVIOR;X-A=b:AUTOMATIC
RRULE:FREQ=HOURLY;COUNT=3
ATTACH;FMTTYPE=text/plain:https://example.com/a.txt
BEGIN:VALARM
ACTION:DISPLAY
TRIGGER:-PT10M
END:VALARM
BEGIN:VALARM
ACTION:EMAIL
SUMMARY:x
DESCRIPTION:y
ATTENDEE:mailto:a@b.c
TRIGGER:-P1D
END:VALARM""")
    out, (g,) = graph_of(data)
    assert "recurrence" not in g and g["reminderMinutesBeforeStart"] == 10
    lost = {l.field for l in out.report.losses()}
    assert {"RRULE", "COMMENT", "ATTACH", "VALARM"} <= lost
    assert "X-APPLE-TRAVEL-ADVISORY-BEHAVIOR" in {l.field for l in out.report.of_kind(LossKind.STASHED)}
    (ev,) = Calendar.from_ical(ics_bridge.graph_to_ics(g).to_bytes()).walk("VEVENT")
    assert str(ev["COMMENT"]) == "hi, there"
    assert ev["X-APPLE-TRAVEL-ADVISORY-BEHAVIOR"].params["X-A"] == "b"
    assert ev["RRULE"]["FREQ"] == ["HOURLY"] and ev["RRULE"]["COUNT"] == [3]
    assert str(ev["ATTACH"]) == "https://example.com/a.txt"
    assert sorted(str(a["ACTION"]) for a in ev.walk("VALARM")) == ["DISPLAY", "EMAIL"]


def test_reminder_too_far_ahead_to_be_a_date_is_dropped_and_reported():
    conv, (ev,), _ = to_ics(event(isReminderOn=True, reminderMinutesBeforeStart=10**30))
    assert not ev.walk("VALARM")
    assert conv.report.for_field("reminderMinutesBeforeStart")


def test_case_37_request_profile_sends_moves_earliest_first_and_reports_crossings():
    data = ics("""BEGIN:VEVENT
UID:weekly@example.com
DTSTAMP:20260101T000000Z
DTSTART;TZID=Europe/Paris:20260302T090000
DTEND;TZID=Europe/Paris:20260302T100000
RRULE:FREQ=WEEKLY;COUNT=6
SUMMARY:Weekly
END:VEVENT
BEGIN:VEVENT
UID:weekly@example.com
DTSTAMP:20260101T000000Z
RECURRENCE-ID;TZID=Europe/Paris:20260309T090000
DTSTART;TZID=Europe/Paris:20260318T090000
DTEND;TZID=Europe/Paris:20260318T100000
SUMMARY:Moved past its neighbour
END:VEVENT
BEGIN:VEVENT
UID:weekly@example.com
DTSTAMP:20260101T000000Z
RECURRENCE-ID;TZID=Europe/Paris:20260316T090000
DTSTART;TZID=Europe/Paris:20260311T090000
DTEND;TZID=Europe/Paris:20260311T100000
SUMMARY:Moved earlier, within its week
END:VEVENT""")
    out, items = graph_of(data, profile="request")
    assert [i["subject"] for i in items[1:]] == ["Moved earlier, within its week", "Moved past its neighbour"]
    crossings = [l for l in out.report.of_kind(LossKind.MAPPING_CHOICE) if "ErrorOccurrenceCrossingBoundary" in l.reason]
    assert len(crossings) == 1 and crossings[0].recurrence_id.startswith("2026-03-09")


def test_an_unreadable_stash_is_reported_not_silently_ignored():
    out, (g,) = graph_of(vevent("DTSTART:20260501T090000Z\nSUMMARY:x\nX-ICSBRIDGE-GRAPH-JSON:{not json"))
    assert [l.field for l in out.report.of_kind(LossKind.INVALID_VALUE)] == ["X-ICSBRIDGE-GRAPH-JSON"]
    assert g["subject"] == "x"


def test_all_day_override_with_a_date_time_recurrence_id_is_read_as_its_local_date():
    data = ics("""BEGIN:VEVENT
UID:holiday@example.com
DTSTAMP:20020906T094459Z
DTSTART;VALUE=DATE:20020610
DTEND;VALUE=DATE:20020611
RRULE:FREQ=YEARLY;BYMONTH=6
SUMMARY:Queen's Birthday
END:VEVENT
BEGIN:VEVENT
UID:holiday@example.com
DTSTAMP:20020906T094459Z
RECURRENCE-ID;TZID=Asia/Hong_Kong:20030610T000000
DTSTART;VALUE=DATE:20030609
DTEND;VALUE=DATE:20030610
SUMMARY:Queen's Birthday (moved)
END:VEVENT""")
    conv = ics_bridge.convert(data, to="ics", source="ics")
    override = next(e for e in Calendar.from_ical(conv.to_bytes()).walk("VEVENT") if "RECURRENCE-ID" in e)
    assert override["RECURRENCE-ID"].dt == date(2003, 6, 10)  # not 2003-06-09, the UTC date
    assert b"RECURRENCE-ID;VALUE=DATE:20030610" in conv.to_bytes()
    assert [l.field for l in conv.report.of_kind(LossKind.QUIRK_REPAIRED)] == ["RECURRENCE-ID"]
