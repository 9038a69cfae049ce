"""The typed hub's reading with repairs (``io/ics_model.read_model``) means what
``io/ics.parse_calendar`` means, on every .ics file we hold (issue 12).

For each file: the same events (every field the model types, compared as tests/model_compare.py
compares a model reading with icalendar's, and the same set of other properties), the same
report entries in the same order, and the same :class:`InputError`\\ s (message, UID, field).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from icalendar.timezone import tzp

from ics_bridge import model as m
from ics_bridge.errors import InputError
from ics_bridge.io import ics as ics_io
from ics_bridge.io.ics_model import group_series, read_model
from ics_bridge.limits import Limits
from ics_bridge.report import Report
from model_compare import icalendar_event, model_event

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted([*ROOT.glob("tests/corpus/ics/*.ics"), *ROOT.glob("tests/producers/*.ics"),
                *ROOT.glob("tests/hostile/**/*.ics"), *ROOT.glob("samples/**/*.ics")])


def _ical_series_order(cal: Any) -> list[Any]:
    """icalendar's VEVENTs grouped as the model groups them (by UID, first seen)."""
    order: list[str] = []
    groups: dict[str, list[Any]] = {}
    masters: list[list[Any]] = []
    for ev in cal.walk("VEVENT"):
        uid = str(ev.get("UID"))
        has_rid = ev.get("RECURRENCE-ID") is not None
        if uid not in groups:
            groups[uid] = [ev]
            order.append(uid)
            masters.append(groups[uid])
        elif has_rid or all(e.get("RECURRENCE-ID") is not None for e in groups[uid]):
            groups[uid].append(ev)
        else:
            groups[uid + f"#{len(masters)}"] = [ev]
            masters.append(groups[uid + f"#{len(masters)}"])
    out = []
    for group in masters:
        head = [e for e in group if e.get("RECURRENCE-ID") is None]
        out += head + [e for e in group if e.get("RECURRENCE-ID") is not None]
    return out


def _errors(found: list[InputError]) -> list[tuple[str, Any, Any]]:
    return [(e.message, e.uid, e.field) for e in found]


def readings(data: bytes) -> tuple[Any, Any]:
    """(ours, theirs): each (events or the refusal, report entries, errors)."""
    results = []
    for read in (lambda d, r, e: read_model(d, r, errors=e), lambda d, r, e: ics_io.parse_calendar(d, r, errors=e)):
        tzp.use_default()  # icalendar's process-wide VTIMEZONE cache: no earlier file decides
        report = Report()
        errors: list[InputError] = []
        try:
            cal = read(data, report, errors)
        except InputError as exc:
            cal = exc
        results.append((cal, list(report.entries), _errors(errors)))
    return results[0], results[1]


def assert_same(data: bytes) -> None:
    (ours, our_report, our_errors), (theirs, their_report, their_errors) = readings(data)
    assert our_errors == their_errors
    assert our_report == their_report
    if isinstance(theirs, InputError) or isinstance(ours, InputError):
        assert str(ours) == str(theirs)
        return
    mine = [e for s in ours.series for e in s.events]
    their_events = _ical_series_order(theirs)
    assert len(mine) == len(their_events)
    for a, b in zip(mine, their_events):
        shape = model_event(a)
        assert shape == icalendar_event(b, a), a.uid
        kept = {line.name for line in a.other} | {name for name, v in shape.items() if v not in (None, [], ())}
        assert {n.upper() for n in b.keys()} - {"VALARM"} <= kept, a.uid
    for name, value in (("PRODID", ours.prodid), ("METHOD", ours.method), ("VERSION", ours.version)):
        if theirs.get(name) is not None and not isinstance(theirs.get(name), list):
            assert value == str(theirs.get(name)) or any(line.name == name for line in ours.other)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_read_model_means_what_parse_calendar_means(path: Path) -> None:
    assert_same(path.read_bytes())


def test_series_grouping_keeps_far_overrides_with_their_master() -> None:
    data = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n"
            b"BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20240101T100000Z\r\nRRULE:FREQ=DAILY;COUNT=3\r\nEND:VEVENT\r\n"
            b"BEGIN:VEVENT\r\nUID:b\r\nDTSTART:20240101T100000Z\r\nEND:VEVENT\r\n"
            b"BEGIN:VEVENT\r\nUID:a\r\nRECURRENCE-ID:20240102T100000Z\r\nDTSTART:20240102T110000Z\r\nEND:VEVENT\r\n"
            b"END:VCALENDAR\r\n")
    cal = read_model(data, Report())
    assert [(s.uid, s.master is not None, len(s.overrides)) for s in cal.series] == [("a", True, 1), ("b", True, 0)]
    assert group_series(list(cal.events)) == list(cal.series)
    assert isinstance(cal.series[0].overrides[0].recurrence_id.value, m.ZonedDateTime)


def _hostile() -> dict[str, bytes]:
    """Broken and quirky inputs (tests/hostile/cases.py's builders), one per repair io/ics makes."""
    from hostile.cases import FOOT, GOOD, HEAD, calendar, vevent
    broken_vtz = ("BEGIN:VTIMEZONE\r\nTZID:Broken\r\nBEGIN:STANDARD\r\nDTSTART:garbage\r\nTZOFFSETFROM:+0100\r\n"
                  "TZOFFSETTO:+0000\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n")
    unbounded_vtz = ("BEGIN:VTIMEZONE\r\nTZID:Hostile\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n"
                     "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0000\r\nRRULE:FREQ=DAILY\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n")
    berlin = ("BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\nBEGIN:STANDARD\r\nDTSTART:19701025T030000\r\n"
              "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\n"
              "END:VTIMEZONE\r\n")
    texts = {
        "truncated": calendar(vevent("bad-1"))[:-40],
        "missing END:VEVENT": HEAD + GOOD + vevent("bad-1").replace("END:VEVENT\r\n", "") + FOOT,
        "missing END:VEVENT before the next": HEAD + GOOD.replace("END:VEVENT\r\n", "") + vevent("two") + FOOT,
        "missing END:VCALENDAR": HEAD + GOOD,
        "END without BEGIN": HEAD + GOOD + "END:VTODO\r\n" + FOOT,
        "line outside": "DTSTART:20260101T000000Z\r\n" + HEAD + GOOD + FOOT,
        "raw newline": calendar(vevent("bad-1", "DESCRIPTION:first line", "second line")),
        "fold without space": calendar(vevent("bad-1", start="DTSTART;TZ\r\nID=Europe/Paris:20260310T090000")),
        "LF only": calendar(vevent("two")).replace("\r\n", "\n"),
        "CR only": calendar(vevent("two")).replace("\r\n", "\r"),
        "invalid DTSTART": calendar(vevent("bad-1", start="DTSTART:20261345T250000")),
        "invalid DTEND": calendar(vevent("bad-1", end="DTEND:2026xx")),
        "bad PRIORITY, GEO": calendar(vevent("bad-1", "PRIORITY:high", "GEO:abc", "SEQUENCE:x")),
        "unterminated quote": calendar(vevent("bad-1", 'ATTENDEE;CN="unterminated:mailto:a@example.com')),
        "unreadable TRIGGER": calendar(vevent("bad-1", "BEGIN:VALARM", "ACTION:DISPLAY", "TRIGGER:soon",
                                              "END:VALARM")),
        "alarm without ACTION, DESCRIPTION": calendar(vevent("bad-1", "BEGIN:VALARM", "TRIGGER:-PT5M", "END:VALARM")),
        "unknown TZID": calendar(vevent("bad-1", start="DTSTART;TZID=Mars/Olympus:20260310T090000", end=None)),
        "broken VTIMEZONE": HEAD + broken_vtz + GOOD
        + vevent("bad-1", start="DTSTART;TZID=Broken:20260310T090000", end=None) + FOOT,
        "unbounded VTIMEZONE": HEAD + unbounded_vtz + GOOD
        + vevent("bad-1", start="DTSTART;TZID=Hostile:20260310T090000", end=None) + FOOT,
        "stale VTIMEZONE": HEAD + berlin + GOOD
        + vevent("bad-1", "RRULE:FREQ=MONTHLY;COUNT=12", start="DTSTART;TZID=Europe/Berlin:20260310T090000",
                 end=None) + FOOT,
        "DTEND before DTSTART": calendar(vevent("bad-1", end="DTEND:20260310T080000Z")),
        "DTEND and DURATION": calendar(vevent("bad-1", "DURATION:PT1H")),
        "negative DURATION": calendar(vevent("bad-1", "DURATION:-PT1H", end=None)),
        "floating beside zoned": calendar(vevent("bad-1", start="DTSTART:20260310T090000",
                                                 end="DTEND;TZID=Europe/Paris:20260310T100000")),
        "bad RRULE": calendar(vevent("bad-1", "RRULE:FREQ=DAILY;COUNT=0"), vevent("bad-2", "RRULE:COUNT=3"),
                              vevent("bad-3", "RRULE:FREQ=DAILY;COUNT=3;UNTIL=20260320T000000Z"),
                              vevent("bad-4", "RRULE:FREQ=DAILY;COUNT=2", "RRULE:FREQ=DAILY;COUNT=2")),
        "near-miss values": calendar(vevent("bad-1", start="DTSTART:20260310T090000T", end="DTEND:2026-03-10T10:00:00Z"),
                                     vevent("bad-2", start="DTSTART;TZID=Europe/Paris:20260310T0900")),
        "TZID on a DATE": calendar(vevent("bad-1", start="DTSTART;TZID=Europe/Paris;VALUE=DATE:20260310",
                                          end="DTEND;VALUE=DATE:20260311")),
        "TZID beside Z": calendar(vevent("bad-1", start="DTSTART;TZID=Europe/Berlin:20260310T090000Z",
                                         end="DTEND;TZID=Europe/Berlin:20260310T100000Z")),
        "two UIDs, no UID": calendar(vevent("bad-1", "UID:bad-2"), vevent(None)),
        "two DTSTARTs": calendar(vevent("bad-1", "DTSTART:20260311T090000Z")),
        "cancelled without DTSTART": calendar(vevent("bad-1", "STATUS:CANCELLED", start=None, end=None)),
        "without DTSTART": calendar(vevent("bad-1", start=None, end=None)),
        "duplicates": calendar(GOOD, vevent("good-1", summary="SUMMARY:other")),
        "HTML description": calendar(vevent("bad-1", "X-ALT-DESC;FMTTYPE=text/html:<p onclick=\"x()\">hi</p>"
                                                     "<script>alert(1)</script>")),
        "several VCALENDARs": calendar() + HEAD + vevent("two") + FOOT,
        "bare VEVENT": GOOD,
        "control characters": calendar(vevent("bad-1", "SUMMARY:a\x01b")),
        "over-long line": calendar(vevent("bad-1", "DESCRIPTION:" + "x" * 80_000)),
        "deep nesting": HEAD + GOOD + "BEGIN:VEVENT\r\nUID:deep\r\nDTSTART:20260310T090000Z\r\n"
        + "BEGIN:X-A\r\n" * 200 + "END:X-A\r\n" * 200 + "END:VEVENT\r\n" + FOOT,
        "Outlook all-day": calendar(vevent("bad-1", "X-MICROSOFT-CDO-ALLDAYEVENT:TRUE", start="DTSTART:20260310T000000",
                                           end="DTEND:20260311T000000")),
        "X-WR-TIMEZONE": calendar(vevent("bad-1", "RRULE:FREQ=WEEKLY;COUNT=3")).replace(
            "VERSION:2.0", "VERSION:2.0\r\nX-WR-TIMEZONE:America/New_York"),
        "X-WR-TIMEZONE unknown": calendar().replace("VERSION:2.0", "VERSION:2.0\r\nX-WR-TIMEZONE:Nowhere/Zone"),
        "DATE EXDATE on a timed series": calendar(vevent("bad-1", "RRULE:FREQ=DAILY;COUNT=5",
                                                         "EXDATE;VALUE=DATE:20260312"),
                                                  vevent("bad-1", "RECURRENCE-ID;VALUE=DATE:20260313")),
        "all-day override RECURRENCE-ID": calendar(
            vevent("bad-1", "RRULE:FREQ=DAILY;COUNT=5", start="DTSTART;VALUE=DATE:20260310", end=None),
            vevent("bad-1", "RECURRENCE-ID;TZID=Asia/Hong_Kong:20260312T000000", start="DTSTART;VALUE=DATE:20260312",
                   end=None)),
        "RDATE PERIOD": calendar(vevent("bad-1", "RDATE;VALUE=PERIOD:20260320T090000Z/20260320T120000Z,"
                                                 "20260321T090000Z/PT1H")),
        "floating override of a zoned series": calendar(
            vevent("bad-1", "RRULE:FREQ=DAILY;COUNT=5", "EXDATE:20260312T090000",
                   start="DTSTART;TZID=Europe/Paris:20260310T090000", end=None),
            vevent("bad-1", "RECURRENCE-ID:20260313T090000", start="DTSTART:20260313T100000", end=None)),
        "DATE UNTIL on a timed series": calendar(vevent("bad-1", "RRULE:FREQ=DAILY;UNTIL=20260315")),
        "zoned EXDATE on an all-day series": calendar(
            vevent("bad-1", "RRULE:FREQ=DAILY;COUNT=5", "EXDATE;TZID=Europe/Paris:20260312T000000",
                   start="DTSTART;VALUE=DATE:20260310", end=None)),
        "EXRULE": calendar(vevent("bad-1", "RRULE:FREQ=DAILY;COUNT=10", "EXRULE:FREQ=WEEKLY;COUNT=2")),
    }
    out = {name: text.encode() for name, text in texts.items()}
    out["Windows-1252"] = calendar(vevent("bad-1", "SUMMARY:caf\u00e9")).encode("cp1252")
    out["split UTF-8 fold"] = calendar(vevent("bad-1")).encode().replace(b"SUMMARY:fine", b"SUMMARY:f\xc3\r\n \xa9")
    return out


HOSTILE = _hostile()


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_read_model_repairs_hostile_input_as_parse_calendar(name: str) -> None:
    assert_same(HOSTILE[name])


def test_a_sound_file_is_read_without_the_line_repair_and_a_broken_one_with_it() -> None:
    """Both paths of read_model are held to parse_calendar above; this says which one a file takes."""
    from hostile.cases import calendar, vevent
    from ics_bridge.io import ics_model
    options = ics_io.IcsReadOptions()
    assert ics_model._sound_reader(calendar(vevent("two")).encode(), options) is not None
    for broken in (calendar(vevent("two")).replace("\r\n", "\r"), calendar(vevent("b", "DESCRIPTION:a", "b")),
                   calendar(vevent("b")).replace("END:VEVENT\r\nEND:VCALENDAR", "END:VCALENDAR"),
                   "X:1\r\n" + calendar(), calendar(vevent("b", "SUMMARY:a\x01"))):
        assert ics_model._sound_reader(broken.encode(), options) is None, broken
    assert ics_model._sound_reader(calendar(vevent("b", "DESCRIPTION:" + "x" * 200)).encode(),
                                   ics_io.IcsReadOptions(limits=Limits(max_line=100))) is None
