"""Recurrence, instances, tombstones, round trips, discovery validation and Graph↔Google."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from icalendar import Calendar

from google_fixtures.support import corpus_events, items_of, load, normalise, validate_event
from ics_bridge import LossKind, Options, convert

PARIS = ZoneInfo("Europe/Paris")
NY = ZoneInfo("America/New_York")


def g2i(data, **opts):
    conv = convert(data, to="ics", source="google", options=Options(**opts))
    return conv, list(conv.calendar.walk("VEVENT"))


def to_google(cal, profile="resource", **opts):
    return convert(cal, to="google", source="ics", options=Options(profile=profile, **opts))


def master(**fields):
    event = {"id": "series1abc", "iCalUID": "series1@google.com", "summary": "Weekly",
             "start": {"dateTime": "2026-03-02T09:00:00-05:00", "timeZone": "America/New_York"},
             "end": {"dateTime": "2026-03-02T10:00:00-05:00", "timeZone": "America/New_York"},
             "recurrence": ["RRULE:FREQ=WEEKLY;COUNT=6"]}
    event.update(fields)
    return event


# ---------------------------------------------------------------- recurrence across DST

def _instants(rule_text: str, start: datetime) -> list[datetime]:
    return [d.astimezone(timezone.utc) for d in rrulestr(rule_text, dtstart=start)]


def test_weekly_series_keeps_local_time_across_dst():
    _, [v] = g2i(master())
    start = v["DTSTART"].dt
    rule = "RRULE:" + v["RRULE"].to_ical().decode()
    got = _instants(rule, start)
    # Google expands in start.timeZone: 09:00 New York every week, EST → EDT on 2026-03-08
    expected = [(datetime(2026, 3, 2, 9, tzinfo=NY) + timedelta(weeks=i)).astimezone(timezone.utc) for i in range(6)]
    assert got == expected
    assert got[0].hour == 14 and got[1].hour == 13
    # and back: the written recurrence expands to the same instants
    out = to_google(convert(master(), to="ics", source="google").calendar).data
    back_start = datetime.fromisoformat(out["start"]["dateTime"]).astimezone(ZoneInfo(out["start"]["timeZone"]))
    assert _instants(out["recurrence"][0], back_start) == expected


def test_graph_series_to_google_expands_the_same_across_dst():
    graph = _graph_series()
    conv = convert(graph, to="google", source="graph")
    gm = items_of(conv.data)[0]
    start = datetime.fromisoformat(gm["start"]["dateTime"]).astimezone(ZoneInfo(gm["start"]["timeZone"]))
    rule = next(line for line in gm["recurrence"] if line.startswith("RRULE"))
    instants = _instants(rule, start)
    assert all(i.astimezone(ZoneInfo("Europe/Paris")).hour == 9 for i in instants)
    assert {i.astimezone(timezone.utc).hour for i in instants} == {7, 8}  # CET and CEST


def test_zoned_exdate_list_case_50():
    item = master(start={"dateTime": "2022-12-21T11:15:00+01:00", "timeZone": "Europe/Amsterdam"},
                  end={"dateTime": "2022-12-21T12:15:00+01:00", "timeZone": "Europe/Amsterdam"},
                  recurrence=["RRULE:FREQ=DAILY;COUNT=12", "EXDATE;TZID=Europe/Amsterdam:20221230T111500,20221228T111500"])
    _, [v] = g2i(item)
    start = v["DTSTART"].dt
    rule = rrulestr("RRULE:" + v["RRULE"].to_ical().decode(), dtstart=start, forceset=True)
    for ex in v["EXDATE"].dts:
        rule.exdate(ex.dt)
    days = [d.date() for d in rule]
    assert date(2022, 12, 28) not in days and date(2022, 12, 30) not in days and len(days) == 10


def test_rrule_date_quirk_and_bad_line_case_29():
    item = master(start={"dateTime": "2023-08-18T02:00:00+02:00", "timeZone": "Europe/Warsaw"},
                  end={"dateTime": "2023-08-18T03:00:00+02:00", "timeZone": "Europe/Warsaw"},
                  recurrence=["RRULE:DATE;TZID=Europe/Warsaw:20230818T020000,20230915T020000",
                              "RRULE;X-EVOLUTION-ENDDATE=20240101T000000Z:FREQ=MONTHLY;COUNT=3",
                              "RRULE:FREQ=SOMETIMES", "DTSTART:20230101T000000Z"])
    conv, [v] = g2i(item)
    assert [d.dt for d in v["RDATE"].dts] == [datetime(2023, 8, 18, 2, tzinfo=ZoneInfo("Europe/Warsaw")),
                                              datetime(2023, 9, 15, 2, tzinfo=ZoneInfo("Europe/Warsaw"))]
    assert v["RRULE"].to_ical() == b"FREQ=MONTHLY;COUNT=3"
    assert len(conv.report.of_kind(LossKind.INVALID_VALUE)) == 2  # bad FREQ, DTSTART line
    assert not conv.errors


def test_all_day_zoned_exdate_case_35():
    conv, [v] = g2i(load("gcal_sync__all_day_exdate_tzid_until_z.json"))
    assert [d.dt for d in v["EXDATE"].dts] == [date(2012, 12, 4)]
    assert v["RRULE"]["UNTIL"] == [date(2013, 2, 25)]
    out = to_google(conv.calendar, "insert").data
    assert "EXDATE;VALUE=DATE:20121204" in out["recurrence"]


def test_yearly_bymonthday_gets_bymonth():
    conv, [v] = g2i(load("gcal_sync__yearly_bymonthday.json"))
    assert v["RRULE"]["BYMONTH"] == [9]
    got = list(rrulestr(v["RRULE"].to_ical().decode(), dtstart=datetime(2022, 9, 7)))
    assert [d.date() for d in got] == [date(2022, 9, 7), date(2023, 9, 7), date(2024, 9, 7)]
    # resource round trip restores Google's own line
    assert to_google(conv.calendar).data["recurrence"] == ["RRULE:FREQ=YEARLY;BYMONTHDAY=7;COUNT=3"]


def test_count_and_until_case_28():
    conv, [v] = g2i(master(start={"date": "2023-01-01"}, end={"date": "2023-01-02"},
                           recurrence=["RRULE:FREQ=YEARLY;UNTIL=20230617;COUNT=-1;INTERVAL=1"]))
    assert v["RRULE"].get("COUNT") is None and v["RRULE"]["UNTIL"] == [date(2023, 6, 17)]
    assert conv.report.of_kind(LossKind.INVALID_VALUE)


def test_recurring_write_needs_timezone():
    cal = convert(master(), to="ics", source="google").calendar
    v = cal.walk("VEVENT")[0]
    for name in ("DTSTART", "DTEND"):  # the values in UTC (their TZID goes with them)
        v.add(name, v.pop(name).dt.astimezone(timezone.utc))
    out = to_google(cal, "insert").data
    assert out["start"]["timeZone"] == "UTC" and out["end"]["timeZone"] == "UTC"


# ---------------------------------------------------------------- instances and tombstones

def test_modified_instance_is_override_with_full_properties():
    payload = [load("gcal_sync__modified_recurrence_master.json"), load("gcal_sync__modified_recurrence_instance.json")]
    conv, events = g2i(payload)
    m, o = events
    assert str(m["UID"]) == str(o["UID"]) == "event-id@google.com"
    la = ZoneInfo("America/Los_Angeles")
    assert o["RECURRENCE-ID"].dt == datetime(2022, 10, 30, 16, tzinfo=la)
    assert o["DTSTART"].dt == datetime(2022, 10, 30, 14, tzinfo=la)
    assert str(o["SUMMARY"]) == "Summary"
    out = to_google(conv.calendar).data["items"]
    assert out[1]["recurringEventId"] == "event-id" and out[1]["id"] == "event-id_20221030T230000Z"
    assert normalise(out[1])["originalStartTime"] == normalise(payload[1])["originalStartTime"]


def test_tombstones_become_exdates_never_events_case_34():
    payload = {"kind": "calendar#events", "items": [
        load("gcal_sync__cancelled_recurrence_instance_1.json"), load("gcal_sync__cancelled_recurrence_master.json"),
        load("gcal_sync__cancelled_recurrence_instance_2.json")]}
    conv, events = g2i(payload)
    assert len(events) == 1
    assert sorted(d.dt for d in conv.calendar.walk("VEVENT")[0].get("EXDATE")[0].dts +
                  conv.calendar.walk("VEVENT")[0].get("EXDATE")[1].dts) == [date(2022, 10, 30), date(2022, 11, 13)]
    # resource restores the tombstones; insert writes EXDATE lines
    res = to_google(conv.calendar).data["items"]
    assert [e["id"] for e in res if e.get("status") == "cancelled"] == ["event-id_20221030", "event-id_2022113"]
    ins = to_google(conv.calendar, "insert").data
    assert "EXDATE;VALUE=DATE:20221030,20221113" in ins["recurrence"]


def test_timed_tombstone_exdate_in_master_zone():
    tomb = {"id": "series1abc_20260309T130000Z", "status": "cancelled", "recurringEventId": "series1abc",
            "originalStartTime": {"dateTime": "2026-03-09T09:00:00-04:00", "timeZone": "America/New_York"}}
    conv, [v] = g2i([tomb, master()])
    [ex] = v["EXDATE"].dts
    assert ex.dt == datetime(2026, 3, 9, 9, tzinfo=NY)
    assert "EXDATE;TZID=America/New_York:20260309T090000" in to_google(conv.calendar, "import").data["recurrence"]


def test_tombstone_without_master_is_reported():
    conv, events = g2i(load("gcal_sync__sync_page2_cancelled_tombstone.json"))
    assert len(events) == 1 and str(events[0]["SUMMARY"]) == "Event 3"
    assert len(conv.report.of_kind(LossKind.EVENT_REMOVED)) == 1
    conv, events = g2i(load("gcal_sync__cancelled_recurrence_instance_1.json"))
    assert events == [] and conv.report.of_kind(LossKind.EVENT_REMOVED)


def test_all_day_instance():
    conv, [o] = g2i(load("gdata-provider__gcalItems__recur_instance.json"))
    assert o["RECURRENCE-ID"].dt == date(2006, 6, 25) and o["DTSTART"].dt == date(2006, 6, 26)


# ---------------------------------------------------------------- round trips

@pytest.mark.parametrize("name", corpus_events())
def test_google_ics_google_round_trip(name):
    data = load(name)
    conv = convert(data, to="ics", source="google")
    back = to_google(conv.calendar).data
    originals = [e for e in items_of(data) if not (e.get("status") == "cancelled" and "start" not in e
                                                   and not any(m.get("id") == e.get("recurringEventId")
                                                               for m in items_of(data)))]
    removed = len(items_of(data)) - len(originals)
    assert len(conv.report.of_kind(LossKind.EVENT_REMOVED)) == removed
    expected = [normalise(e) for e in originals]
    got = [normalise(e) for e in items_of(back)] if originals else []
    invalid_reminders = {i for i, e in enumerate(originals)
                         if (e.get("reminders") or {}).get("useDefault") and (e.get("reminders") or {}).get("overrides")}
    for i in invalid_reminders:  # the API rejects useDefault with overrides; reported, overrides kept
        assert got[i]["reminders"] == {"useDefault": False, "overrides": expected[i]["reminders"]["overrides"]}
        got[i].pop("reminders"), expected[i].pop("reminders")
    assert sorted(map(_key, got)) == sorted(map(_key, expected))


def _key(e):
    return json.dumps(e, sort_keys=True, default=str)


ICS_SERIES = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:series-42@example.com
DTSTAMP:20260101T000000Z
DTSTART;TZID=Europe/Paris:20260302T090000
DTEND;TZID=Europe/Paris:20260302T100000
RRULE:FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20260430T215959Z
EXDATE;TZID=Europe/Paris:20260311T090000
SUMMARY:Standup
DESCRIPTION:Daily sync
LOCATION:Room 2
ORGANIZER;CN=Boss:mailto:boss@example.com
ATTENDEE;CN=Ann;ROLE=OPT-PARTICIPANT;PARTSTAT=TENTATIVE;CUTYPE=INDIVIDUAL:mailto:ann@example.com
ATTENDEE;CUTYPE=RESOURCE;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED:mailto:room@resource.calendar.google.com
TRANSP:TRANSPARENT
CLASS:PRIVATE
COLOR:crimson
SEQUENCE:3
STATUS:CONFIRMED
ATTACH;FMTTYPE=application/pdf;FILENAME=a.pdf:https://drive.google.com/file/d/1
BEGIN:VALARM
ACTION:DISPLAY
DESCRIPTION:Reminder
TRIGGER:-PT10M
END:VALARM
BEGIN:VALARM
ACTION:EMAIL
DESCRIPTION:Reminder
SUMMARY:Reminder
TRIGGER:-P1D
END:VALARM
END:VEVENT
BEGIN:VEVENT
UID:series-42@example.com
DTSTAMP:20260101T000000Z
RECURRENCE-ID;TZID=Europe/Paris:20260316T090000
DTSTART;TZID=Europe/Paris:20260316T110000
DTEND;TZID=Europe/Paris:20260316T120000
SUMMARY:Standup (moved)
SEQUENCE:3
END:VEVENT
END:VCALENDAR
"""

_TABLE_PROPS = ("UID", "SUMMARY", "DESCRIPTION", "LOCATION", "ORGANIZER", "TRANSP", "CLASS", "COLOR", "SEQUENCE",
                "STATUS", "RECURRENCE-ID")


def _ics_view(cal: Calendar) -> list[dict]:
    out = []
    for v in cal.walk("VEVENT"):
        view = {p: str(v[p]) if p not in ("RECURRENCE-ID",) else v[p].dt for p in _TABLE_PROPS if v.get(p) is not None}
        view["DTSTART"], view["DTEND"] = v["DTSTART"].dt, v["DTEND"].dt
        view["RRULE"] = v["RRULE"].to_ical() if v.get("RRULE") is not None else None
        raw = v.get("EXDATE")
        view["EXDATE"] = sorted(d.dt for p in (raw if isinstance(raw, list) else [raw] if raw else []) for d in p.dts)
        # a resource's ROLE carries no meaning (NON-PARTICIPANT and REQ-PARTICIPANT are both written)
        view["ATTENDEE"] = sorted((str(a), None if a.params.get("CUTYPE") == "RESOURCE" else a.params.get("ROLE"),
                                   a.params.get("PARTSTAT"), a.params.get("CUTYPE"),
                                   a.params.get("CN")) for a in (v.get("ATTENDEE") or []))
        view["ATTACH"] = [(str(a), a.params.get("FMTTYPE"), a.params.get("FILENAME")) for a in
                          ([v["ATTACH"]] if v.get("ATTACH") is not None and not isinstance(v["ATTACH"], list) else v.get("ATTACH", []))]
        view["VALARM"] = sorted((str(a["ACTION"]), a["TRIGGER"].dt) for a in v.walk("VALARM"))
        out.append(view)
    return out


@pytest.mark.parametrize("profile", ["resource", "import"])
def test_ics_google_ics_round_trip(profile):
    first = convert(ICS_SERIES.encode(), to="google", source="ics", options=Options(profile=profile))
    again = convert(first.data, to="ics", source="google")
    assert not again.errors
    assert _ics_view(again.calendar) == _ics_view(first.calendar)


def test_ics_series_to_insert_bodies():
    conv = convert(ICS_SERIES.encode(), to="google", source="ics", options=Options(profile="insert"))
    m, o = conv.data["items"]
    assert "iCalUID" not in m and m["id"] == o["recurringEventId"]
    assert o["id"].startswith(m["id"] + "_") and o["originalStartTime"] == {"dateTime": "2026-03-16T09:00:00+01:00",
                                                                           "timeZone": "Europe/Paris"}
    assert m["recurrence"] == ["RRULE:FREQ=WEEKLY;UNTIL=20260430T215959Z;BYDAY=MO,WE",
                               "EXDATE;TZID=Europe/Paris:20260311T090000"]


# ---------------------------------------------------------------- discovery validation

@pytest.mark.parametrize("profile", ["resource", "insert", "import"])
@pytest.mark.parametrize("name", corpus_events())
def test_output_validates_against_discovery(profile, name):
    data = load(name)
    cal = convert(data, to="ics", source="google").calendar
    out = to_google(cal, profile).data
    input_keys = json.dumps(data)
    for event in items_of(out) if cal.walk("VEVENT") else []:
        errors = [e for e in validate_event(event, profile)
                  if not (profile == "resource" and "not in the schema" in e and e.split(":")[0].rsplit(".", 1)[-1] in input_keys)]
        assert errors == [], (name, event)


@pytest.mark.parametrize("profile", ["resource", "insert", "import"])
def test_ics_output_validates(profile):
    out = convert(ICS_SERIES.encode(), to="google", source="ics", options=Options(profile=profile)).data
    for event in items_of(out):
        assert validate_event(event, profile) == []


# ---------------------------------------------------------------- Graph ↔ Google through the hub

def _graph_series() -> dict:
    return {"value": [
        {"id": "AAMk-master", "iCalUId": "040000008200E00074C5B7101A82E008000000001", "type": "seriesMaster",
         "subject": "Team sync", "body": {"contentType": "html", "content": "<p>Agenda &amp; notes</p>"},
         "start": {"dateTime": "2026-03-23T09:00:00.0000000", "timeZone": "Romance Standard Time"},
         "end": {"dateTime": "2026-03-23T09:30:00.0000000", "timeZone": "Romance Standard Time"},
         "originalStartTimeZone": "Romance Standard Time", "originalEndTimeZone": "Romance Standard Time",
         "recurrence": {"pattern": {"type": "weekly", "interval": 1, "daysOfWeek": ["monday"], "firstDayOfWeek": "monday"},
                        "range": {"type": "numbered", "startDate": "2026-03-23", "numberOfOccurrences": 6,
                                  "recurrenceTimeZone": "Romance Standard Time"}},
         "cancelledOccurrences": ["OID.AAMk-master.2026-04-06"],
         "showAs": "busy", "sensitivity": "normal", "isReminderOn": True, "reminderMinutesBeforeStart": 15,
         "organizer": {"emailAddress": {"name": "Boss", "address": "boss@contoso.com"}},
         "attendees": [{"type": "optional", "status": {"response": "tentativelyAccepted"},
                        "emailAddress": {"name": "Ann", "address": "ann@contoso.com"}},
                       {"type": "resource", "status": {"response": "accepted"},
                        "emailAddress": {"name": "Room", "address": "room@contoso.com"}}]},
        {"id": "AAMk-ex1", "type": "exception", "seriesMasterId": "AAMk-master", "subject": "Team sync (moved)",
         "originalStart": "2026-03-30T07:00:00Z", "originalStartTimeZone": "Romance Standard Time",
         "start": {"dateTime": "2026-03-30T11:00:00.0000000", "timeZone": "Romance Standard Time"},
         "end": {"dateTime": "2026-03-30T11:30:00.0000000", "timeZone": "Romance Standard Time"},
         "showAs": "free", "isReminderOn": False},
        {"id": "AAMk-ooo", "iCalUId": "ooo-1", "type": "singleInstance", "subject": "Away", "isAllDay": True,
         "start": {"dateTime": "2026-04-10T00:00:00.0000000", "timeZone": "UTC"},
         "end": {"dateTime": "2026-04-11T00:00:00.0000000", "timeZone": "UTC"}, "showAs": "oof"},
    ]}


def test_graph_to_google_series():
    conv = convert(_graph_series(), to="google", source="graph", options=Options(profile="import"))
    assert not conv.errors
    m, ex, ooo = conv.data["items"]
    assert m["start"] == {"dateTime": "2026-03-23T09:00:00+01:00", "timeZone": "Europe/Paris"}
    assert m["recurrence"][0].startswith("RRULE:FREQ=WEEKLY") and "COUNT=6" in m["recurrence"][0]
    assert "EXDATE;TZID=Europe/Paris:20260406T090000" in m["recurrence"]
    assert m["description"] == "<p>Agenda &amp; notes</p>" and m["visibility"] == "default"
    assert m["reminders"] == {"useDefault": False, "overrides": [{"method": "popup", "minutes": 15}]}
    assert {a["email"]: a for a in m["attendees"]}["ann@contoso.com"]["optional"] is True
    assert {a["email"]: a for a in m["attendees"]}["room@contoso.com"]["resource"] is True
    assert ex["iCalUID"] == m["iCalUID"] and ex["summary"] == "Team sync (moved)"
    assert ex["originalStartTime"] == {"dateTime": "2026-03-30T09:00:00+02:00", "timeZone": "Europe/Paris"}
    assert ex["transparency"] == "transparent"
    assert ooo["start"] == {"date": "2026-04-10"}
    for event in (m, ex, ooo):
        assert validate_event(event, "import") == []
    resource = convert(_graph_series(), to="google", source="graph").data["items"]
    assert resource[2]["eventType"] == "outOfOffice"


def test_google_to_graph_series_and_ooo_case_18():
    payload = {"kind": "calendar#events", "timeZone": "Europe/Paris", "items": [
        master(id="m1abcde", iCalUID="m1@google.com",
               start={"dateTime": "2026-03-23T09:00:00+01:00", "timeZone": "Europe/Paris"},
               end={"dateTime": "2026-03-23T09:30:00+01:00", "timeZone": "Europe/Paris"},
               recurrence=["RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=6"]),
        {"id": "m1abcde_20260330T070000Z", "recurringEventId": "m1abcde", "summary": "moved",
         "originalStartTime": {"dateTime": "2026-03-30T09:00:00+02:00", "timeZone": "Europe/Paris"},
         "start": {"dateTime": "2026-03-30T11:00:00+02:00", "timeZone": "Europe/Paris"},
         "end": {"dateTime": "2026-03-30T11:30:00+02:00", "timeZone": "Europe/Paris"}},
        {"id": "m1abcde_20260406T070000Z", "status": "cancelled", "recurringEventId": "m1abcde",
         "originalStartTime": {"dateTime": "2026-04-06T09:00:00+02:00", "timeZone": "Europe/Paris"}},
        {"id": "ooo1abc", "summary": "Away", "eventType": "outOfOffice", "start": {"date": "2026-04-10"},
         "end": {"date": "2026-04-11"}},
        {"id": "free1ab", "summary": "Free", "transparency": "transparent",
         "start": {"dateTime": "2026-04-12T10:00:00+02:00"}, "end": {"dateTime": "2026-04-12T11:00:00+02:00"}},
    ]}
    conv = convert(payload, to="graph", source="google")
    assert not conv.errors
    items = conv.data["value"]
    by_subject = {e["subject"]: e for e in items}
    series = by_subject["Weekly"]
    assert series["type"] == "seriesMaster" and series["start"]["timeZone"] == "Romance Standard Time"
    assert series["recurrence"]["range"]["numberOfOccurrences"] == 6
    assert series["cancelledOccurrences"][0].endswith("2026-04-06")
    assert by_subject["moved"]["type"] == "exception"
    assert by_subject["moved"]["originalStart"] == "2026-03-30T07:00:00Z"
    away = by_subject["Away"]
    assert away["isAllDay"] is True and away["showAs"] == "oof"
    assert by_subject["Free"]["showAs"] == "free"


# ---------------------------------------------------------------- every .ics of the corpus

ICS_FILES = sorted((Path(__file__).parent / "corpus" / "ics").glob("*.ics"))


@pytest.mark.parametrize("path", ICS_FILES, ids=[p.stem for p in ICS_FILES])
def test_ics_corpus_to_google_validates(path):
    from ics_bridge.api import read_hub, write_hub
    try:
        cal, report, _ = read_hub(path.read_bytes(), "ics")
    except Exception as exc:  # the .ics reader's own refusals are tested elsewhere
        pytest.skip(f"ics reader: {type(exc).__name__}")
    for profile in ("resource", "insert", "import"):
        out = write_hub(cal, "google", report, Options(profile=profile))
        for event in items_of(out):
            if event == {"kind": "calendar#events", "items": []} or "items" in event:
                continue
            assert validate_event(event, profile) == [], (profile, event)
