"""A TZID that is an IANA name or alias always means that zone (issue 13), even when the file's
VTIMEZONE defines it differently (a stale copy: US rules before 2007, an old Mozilla/Sunbird
export); where the two readings disagree tzdata wins, in every direction, and each event whose
instants move is reported with both readings (docs/timezones.md, "IANA names win")."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from icalendar import Calendar

from ics_bridge import LossKind, Options, convert
from ics_bridge.report import Report
from ics_bridge.timezones import _tzdb_links, normalize_calendar_zones

# Sunbird 0.x wrote its zones with the US rules of 1987–2006; such files are still imported.
PRE_2007 = """BEGIN:VTIMEZONE\r
TZID:{tzid}\r
BEGIN:STANDARD\r
DTSTART:19671029T020000\r
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r
TZOFFSETFROM:-0400\r
TZOFFSETTO:-0500\r
TZNAME:EST\r
END:STANDARD\r
BEGIN:DAYLIGHT\r
DTSTART:19870405T020000\r
RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=4\r
TZOFFSETFROM:-0500\r
TZOFFSETTO:-0400\r
TZNAME:EDT\r
END:DAYLIGHT\r
END:VTIMEZONE\r
"""


def stale_file(tzid: str = "US/Eastern", start: str = "20250317T090000") -> bytes:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.0//EN\r\n"
        + PRE_2007.format(tzid=tzid)
        + "BEGIN:VEVENT\r\nUID:stale-1@example.com\r\nDTSTAMP:20250101T000000Z\r\n"
        f"DTSTART;TZID={tzid}:{start}\r\nDTEND;TZID={tzid}:{start[:9]}{int(start[9:11]) + 1:02d}0000\r\n"
        "SUMMARY:Weekly sync\r\nRRULE:FREQ=WEEKLY;COUNT=10\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:stale-2@example.com\r\nDTSTAMP:20250101T000000Z\r\n"
        f"DTSTART;TZID={tzid}:20250115T090000\r\nDTEND;TZID={tzid}:20250115T100000\r\n"
        "SUMMARY:Winter review\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()


def test_us_eastern_with_pre_2007_rules_stays_us_eastern_everywhere():
    google = convert(stale_file(), to="google", source="ics")
    zones = {item["start"]["timeZone"] for item in google.data["items"]}
    assert zones == {"US/Eastern"}  # never Pacific/Easter, whose offsets the old rules also fit
    assert google.data["items"][0]["start"]["dateTime"] == "2025-03-17T09:00:00-04:00"
    graph = convert(stale_file(), to="graph", source="ics").data["value"]
    assert {e["start"]["timeZone"] for e in graph} == {"Eastern Standard Time"}
    ics = convert(stale_file(), to="ics", source="ics").to_bytes()
    assert b"Pacific/Easter" not in ics and b"TZID=US/Eastern:20250317T090000" in ics
    assert b"BYDAY=2SU;BYMONTH=3" in ics  # the VTIMEZONE written is tzdata's, not the stale copy


def test_moved_event_reported_with_both_readings():
    conv = convert(stale_file(), to="google", source="ics")
    moved = [e for e in conv.report.of_kind(LossKind.TIMEZONE_GUESSED) if e.field == "DTSTART"]
    assert [(e.uid, e.before, e.after) for e in moved] == [
        ("stale-1@example.com", "2025-03-17T14:00:00+00:00", "2025-03-17T13:00:00+00:00")]
    assert "by the file's VTIMEZONE" in moved[0].reason and moved[0].shown_by_default
    # the January event is the same instant in both readings: nothing to report
    assert not [e for e in conv.report if e.uid == "stale-2@example.com"]


def test_series_reported_when_a_later_occurrence_moves():
    conv = convert(stale_file(start="20250113T090000"), to="google", source="ics")
    [entry] = [e for e in conv.report.of_kind(LossKind.TIMEZONE_GUESSED) if e.uid == "stale-1@example.com"]
    # 10 March 2025: EDT by tzdata, still EST by the 1987 rules
    assert (entry.before, entry.after) == ("2025-03-10T14:00:00+00:00", "2025-03-10T13:00:00+00:00")


def test_every_backward_link_resolves_to_its_own_zone():
    links = sorted(_tzdb_links())
    assert "US/Eastern" in links and "Asia/Calcutta" in links
    text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n"
    # each alias with a definition that is not its own (the US pre-2007 rules)
    for n, link in enumerate(links):
        text += PRE_2007.format(tzid=link)
        text += (f"BEGIN:VEVENT\r\nUID:l{n}\r\nDTSTAMP:20250101T000000Z\r\n"
                 f"DTSTART;TZID={link}:20250701T120000\r\nEND:VEVENT\r\n")
    cal = Calendar.from_ical(text + "END:VCALENDAR\r\n")
    normalize_calendar_zones(cal, Report())
    wrong = []
    for event in cal.walk("VEVENT"):
        value = event["DTSTART"].dt
        link = links[int(str(event["UID"])[1:])]
        expected = ZoneInfo(link)
        if value.tzinfo is not timezone.utc and getattr(value.tzinfo, "key", None) != link:
            wrong.append((link, getattr(value.tzinfo, "key", value.tzinfo)))
        elif value.utcoffset() != datetime(2025, 7, 1, 12, tzinfo=expected).utcoffset():
            wrong.append((link, value.utcoffset()))
    assert wrong == []


def test_asia_calcutta_alias_with_other_definition():
    text = stale_file(tzid="Asia/Calcutta").decode()
    conv = convert(text.encode(), to="google", source="ics", options=Options())
    assert {i["start"]["timeZone"] for i in conv.data["items"]} == {"Asia/Calcutta"}
    assert conv.data["items"][1]["start"]["dateTime"] == "2025-01-15T09:00:00+05:30"
