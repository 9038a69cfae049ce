"""The shared reading helpers (ics_bridge/vevent.py) on the typed hub: what each mapper reads
from an event — description and its HTML alternative, provider stashes, alarms as "minutes
before", the end, people's addresses, conference links, categories, kept lines."""

from __future__ import annotations

from datetime import timedelta

from ics_bridge import hub
from ics_bridge import model as m
from ics_bridge.io.model_reader import read_calendar
from ics_bridge.report import LossKind
from ics_bridge.vevent import (address_email, address_problem, categories, conferences, description_without_join,
                               event_end, get_description, get_stash, person_email, property_lines, read_alarm,
                               report_duplicate_uids)
from ics_bridge.report import Report


def _event(*lines: str) -> m.Event:
    body = "\r\n".join(("BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//t//EN", "BEGIN:VEVENT", "UID:u1",
                        "DTSTART;TZID=Europe/Berlin:20260112T100000", *lines, "END:VEVENT", "END:VCALENDAR", ""))
    return next(read_calendar(body.encode()).events)


def test_description_html_from_outlook_alternative_unescaped() -> None:
    ev = _event("DESCRIPTION:Hi\\, all", "X-ALT-DESC;FMTTYPE=text/html:<p>Hi\\, all</p>\\n<p>x\\;y</p>")
    assert get_description(ev) == ("Hi, all", "<p>Hi, all</p>\n<p>x;y</p>")


def test_description_html_from_data_url_altrep_only_without_alternative() -> None:
    ev = _event('DESCRIPTION;ALTREP="data:text/html,%3Cb%3Eb%3C%2Fb%3E":b')
    assert get_description(ev) == ("b", "<b>b</b>")
    ev = _event('DESCRIPTION;ALTREP="http://example.com/x.html":b')
    assert get_description(ev) == ("b", None)  # never fetched


def test_description_without_join_line() -> None:
    ev = _event(f"DESCRIPTION:Agenda\\n\\n{hub.JOIN_LINE_PREFIX}https://meet.example/abc")
    assert description_without_join(ev, "https://meet.example/abc") == "Agenda"


def test_stash_read_from_escaped_x_value() -> None:
    ev = _event(f'{hub.X_GRAPH_STASH}:{{"type":"occurrence"\\,"hideAttendees":true}}')
    assert get_stash(ev, hub.X_GRAPH_STASH) == {"type": "occurrence", "hideAttendees": True}
    assert get_stash(_event(), hub.X_GRAPH_STASH) == {}
    assert get_stash(_event(f"{hub.X_GRAPH_STASH}:[1]"), hub.X_GRAPH_STASH) == {}


def test_end_from_duration_and_all_day_default() -> None:
    ev = _event("DURATION:PT90M")
    assert event_end(ev) == m.plain(ev.start) + timedelta(minutes=90)
    day = next(read_calendar(b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:d\r\nDTSTART;VALUE=DATE:20260112\r\n"
                             b"END:VEVENT\r\nEND:VCALENDAR\r\n").events)
    assert event_end(day) == m.plain(day.start) + timedelta(days=1)


def test_alarms_as_minutes_before_start() -> None:
    ev = _event("DTEND;TZID=Europe/Berlin:20260112T110000",
                "BEGIN:VALARM", "ACTION:DISPLAY", "TRIGGER;RELATED=END:-PT90M", "END:VALARM",
                "BEGIN:VALARM", "ACTION:EMAIL", "TRIGGER;VALUE=DATE-TIME:20260112T083000Z", "END:VALARM",
                "BEGIN:VALARM", "ACTION:DISPLAY", "TRIGGER:PT5M", "END:VALARM",
                "BEGIN:VALARM", "ACTION:DISPLAY", f"{hub.X_GOOGLE_DEFAULT_ALARM}:TRUE", "END:VALARM")
    start, end = m.plain(ev.start), event_end(ev)
    end_rel, absolute, after, missing = (read_alarm(a, start, end) for a in ev.alarms)
    assert (end_rel.minutes_before, end_rel.converted) == (30, "end-relative trigger -1 day, 22:30:00 converted to start-relative")
    assert (absolute.action, absolute.minutes_before) == ("EMAIL", 30)  # 10:00 CET is 09:00Z
    assert after.minutes_before is None and after.problem == "trigger 0:05:00 is after the start"
    assert missing.problem == "VALARM without TRIGGER" and missing.default_marker is True


def test_addresses_from_mailto_or_email_parameter() -> None:
    ev = _event("ORGANIZER;CN=Org:MAILTO:org@example.com",
                "ATTENDEE;EMAIL=anna@example.com:urn:uuid:1234",
                "ATTENDEE;CN=Room:invalid:nomail",
                "ATTENDEE:http://principals/bob")
    assert address_email(ev.organizer) == "org@example.com"
    urn, placeholder, principal = ev.attendees
    assert address_email(urn) == "anna@example.com" and address_problem(urn) is None
    added: list[tuple] = []
    assert person_email(urn, lambda *a, **kw: added.append((a, kw)), "ATTENDEE") == "anna@example.com"
    assert added[0][0][0] is LossKind.MAPPING_CHOICE and added[0][1]["before"] == "urn:uuid:1234"
    assert address_email(placeholder) is None and address_problem(placeholder) is None
    assert address_problem(principal) == ("http://principals/bob is not an e-mail address and has no EMAIL "
                                          "parameter (RFC 7986 6.2)")


def test_conferences_categories_and_kept_lines() -> None:
    ev = _event("CONFERENCE;VALUE=URI;FEATURE=AUDIO,VIDEO;LABEL=Join:https://meet.example/abc",
                "CATEGORIES:Red,Project\\, X", "CATEGORIES:Blue", "PRIORITY:1",
                "BEGIN:VALARM", "ACTION:DISPLAY", "TRIGGER:-PT5M", "DESCRIPTION:PRIORITY:2", "END:VALARM")
    assert conferences(ev) == [("https://meet.example/abc", {"VALUE": "URI", "FEATURE": "AUDIO,VIDEO", "LABEL": "Join"})]
    assert categories(ev) == ["Red", "Project, X", "Blue"]
    assert property_lines(ev, "PRIORITY") == ["PRIORITY:1"]  # not the alarm's lines
    assert property_lines(ev, "CATEGORIES") == ["CATEGORIES:Red,Project\\, X", "CATEGORIES:Blue"]


def test_duplicate_uids_reported_once_per_extra_master() -> None:
    cal = read_calendar(b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nSUMMARY:first\r\nDTSTART:20260101T100000Z\r\n"
                        b"END:VEVENT\r\nBEGIN:VEVENT\r\nUID:x\r\nSUMMARY:second\r\nDTSTART:20260101T110000Z\r\n"
                        b"END:VEVENT\r\nEND:VCALENDAR\r\n")
    report = Report()
    report_duplicate_uids(cal.series, report)
    [entry] = list(report)
    assert entry.uid == "x" and entry.before == "second" and entry.kind is LossKind.INVALID_VALUE


def test_graph_keeps_date_rdates_as_dates_for_the_way_back() -> None:
    """The kept lines are written as the hub writes them: a DATE RDATE with VALUE=DATE (RFC 5545
    3.8.5.2: its default type is DATE-TIME), also after the quirk that reads ``RDATE:20131210Z``
    on an all-day series as that date (ical.js__google_birthday.ics)."""
    import ics_bridge
    from ics_bridge.providers.graph.from_ical import ICAL_LINES_PROPERTY
    ics = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:b\r\nSUMMARY:Birthday\r\n"
           b"DTSTART;VALUE=DATE:20111210\r\nRRULE:FREQ=YEARLY\r\nRDATE:20131210Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    conv = ics_bridge.convert(ics, to="graph", source="ics")
    [kept] = [p["value"] for p in conv.data["singleValueExtendedProperties"] if p["id"] == ICAL_LINES_PROPERTY]
    assert "RDATE;VALUE=DATE:20131210" in kept.split("\r\n")
