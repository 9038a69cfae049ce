"""Google .ics exports: UTC values plus X-WR-TIMEZONE (interop-notes case 7, section 5)."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from icalendar import Calendar

import ics_bridge
from ics_bridge import LossKind

NY = ZoneInfo("America/New_York")
EXPORT = b"""BEGIN:VCALENDAR\r
PRODID:-//Google Inc//Google Calendar 70.9054//EN\r
VERSION:2.0\r
X-WR-TIMEZONE:America/New_York\r
BEGIN:VEVENT\r
UID:weekly@google.com\r
DTSTAMP:20211101T000000Z\r
DTSTART:20211104T160000Z\r
DTEND:20211104T170000Z\r
RRULE:FREQ=WEEKLY;COUNT=3\r
SUMMARY:Weekly at noon, New York\r
END:VEVENT\r
END:VCALENDAR\r
"""


def _occurrences(conv: ics_bridge.Conversion) -> list[datetime]:
    (ev,) = Calendar.from_ical(conv.to_bytes()).walk("VEVENT")
    return list(rrulestr(ev["RRULE"].to_ical().decode(), dtstart=ev["DTSTART"].dt))


def test_case_7_utc_values_are_read_in_x_wr_timezone_so_the_series_keeps_its_local_time():
    conv = ics_bridge.convert(EXPORT, to="ics", source="ics")
    times = _occurrences(conv)
    # 4 Nov is before the DST change (7 Nov 2021), 11 and 18 Nov after: still 12:00 in New York.
    assert [t.astimezone(NY).hour for t in times] == [12, 12, 12]
    assert times[1].astimezone(timezone.utc).hour == 17
    assert [l.field for l in conv.report.of_kind(LossKind.QUIRK_REPAIRED)] == ["X-WR-TIMEZONE"]


def test_case_7_keep_utc_option_expands_in_utc_as_the_file_literally_says():
    conv = ics_bridge.convert(EXPORT, to="ics", source="ics", options=ics_bridge.Options(x_wr_timezone=False))
    times = _occurrences(conv)
    assert [t.astimezone(timezone.utc).hour for t in times] == [16, 16, 16]
    assert [t.astimezone(NY).hour for t in times] == [12, 11, 11]
    assert not conv.report.of_kind(LossKind.QUIRK_REPAIRED)


def test_case_7_google_gets_the_calendar_zone_for_the_series():
    conv = ics_bridge.convert(EXPORT, to="google", source="ics")
    assert conv.data["start"] == {"dateTime": "2021-11-04T12:00:00-04:00", "timeZone": "America/New_York"}
