"""The typed hub's .ics reader (``io/model_reader.py``, ``io/lines.py``) reads what icalendar
reads (issue 12): every corpus file, awkward lines, generated calendars — field by field
(tests/model_compare.py) — and a few things icalendar reads worse (folds splitting a UTF-8
character, VTIMEZONEs of an earlier file), each named.
"""

from __future__ import annotations

import types
import warnings
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar, Event, vCalAddress

import strategies
from model_compare import compare, corpus_params, icalendar_calendars
from ics_bridge import edge
from ics_bridge import model as m
from ics_bridge.io import lines
from ics_bridge.io.model_reader import IcsReader, iter_series, read_calendar
from ics_bridge.series import group_series

CORPUS = Path(__file__).resolve().parent / "corpus" / "ics"


def _wrap(*event_lines: str, head: str = "") -> bytes:
    body = "\r\n".join(("BEGIN:VEVENT", "UID:u@example.com", "DTSTAMP:20260101T000000Z", *event_lines, "END:VEVENT"))
    return (f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n{head}{body}\r\nEND:VCALENDAR\r\n").encode()


def _event(data: bytes) -> m.Event:
    return next(iter(IcsReader(data).events()))


# -------------------------------------------------------------------------------- corpus

@pytest.mark.parametrize("path", corpus_params(CORPUS.glob("*.ics")))
def test_corpus_reads_as_icalendar_reads(path: Path) -> None:
    """Every field the model types equals icalendar's reading, and every property icalendar
    holds is a typed field or a kept line (nothing read less)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert compare(path.read_bytes()) == []


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.ics")), ids=lambda p: p.name)
def test_corpus_series_as_group_series(path: Path) -> None:
    """Series come in ``series.group_series`` order with the same masters and overrides."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = icalendar_calendars(path.read_bytes())
    reader = IcsReader(path.read_bytes())
    for index, cal in enumerate(c for c in theirs if c.name == "VCALENDAR"):
        expected = [(s.uid, s.master is not None, len(s.overrides))
                    for s in group_series(edge.events_to_model(e for e in cal.subcomponents if e.name == "VEVENT"))]
        got = [(s.uid, s.master is not None, len(s.overrides)) for s in reader.series(index)]
        assert got == expected


# -------------------------------------------------------------------------------- awkward lines

_AWKWARD = [
    'ATTENDEE;CN="Doe, John: x;y";PARTSTAT=ACCEPTED:mailto:j@example.com',
    'ATTENDEE;CN="Doe\\, John";PARTSTAT=ACCEPTED:mailto:j@example.com',
    "attendee;cn=lower;partstat=tentative:mailto:x@example.com",
    'ATTENDEE;DELEGATED-TO="mailto:a@example.com","mailto:b@example.com";MEMBER="mailto:g@example.com":mailto:x@example.com',
    "ATTENDEE;ROLE=REQ-PARTICIPANT;ROLE=CHAIR:mailto:x@example.com",
    "ATTENDEE;CN=Jane Doe:mailto:jane@example.com",
    "ATTENDEE ; CN = spaced :mailto:s@example.com",
    "ATTENDEE;CN=a^'quoted^' ^^caret^nline:mailto:c@example.com",
    'ORGANIZER;CN="a:b;c";SENT-BY="mailto:s@example.com":mailto:o@example.com',
    "SUMMARY;LANGUAGE=de:Grüße\\nzwei\\, drei\\; vier\\\\n",
    "DESCRIPTION;ALTREP=\"cid:part1.0001@example.org\":The Fall'98 Wild",
    "CATEGORIES:a\\,b,c", "CATEGORIES;X=1:a:b", "categories:x,y",
    "DTSTART;VALUE=DATE:20260101", "DTSTART;TZID=Europe/Berlin:20260101T090000",
    "DTSTART;TZID=Nowhere/Zone:20260101T090000", "DTSTART;TZID=W. Europe Standard Time:20260101T090000",
    "DTSTART;TZID=/freeassociation.sourceforge.net/Tzfile/Europe/Paris:20260101T090000",
    "DTSTART;TZID=Europe/Berlin:20260101T090000Z", "DTSTART;TZID=UTC:20260101T090000",
    "DTSTART;TZID=Europe/Berlin;VALUE=DATE:20260101", "dtstart:20260101t090000z",
    "RRULE:FREQ=WEEKLY;BYDAY=MO,-1FR;UNTIL=20261231T235959Z;WKST=SU", "RRULE:freq=monthly;byday=+2tu",
    "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;COUNT=3;", "RRULE:FREQ=NOPE",
    "EXDATE;VALUE=DATE:20260102,20260103", "EXDATE;TZID=Europe/Berlin:20260102T090000,20260103T090000",
    "RDATE;VALUE=PERIOD:20260101T090000Z/PT1H,20260102T090000Z/20260102T100000Z", "RDATE:",
    "RECURRENCE-ID;RANGE=THISANDFUTURE;TZID=Europe/Berlin:20260105T090000",
    "GEO:1.5;2.5", "DURATION:P1DT2H", "DURATION:-PT15M", "PRIORITY:5", "SEQUENCE:002",
    "URL:https://example.com/a\\,b", "CONFERENCE;VALUE=URI;FEATURE=VIDEO,AUDIO;LABEL=Join:https://meet.example/x",
    "ATTACH;FMTTYPE=text/plain:https://example.com/file.txt",
    "X-UNKNOWN;X-P=\"a:b\":v\\,w", "X-EMPTY;X-A=:v", "STATUS:CANCELLED", "TRANSP:TRANSPARENT", "CLASS:PRIVATE",
]


@pytest.mark.parametrize("line", _AWKWARD)
def test_awkward_lines_read_as_icalendar_reads(line: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert compare(_wrap("DTSTART:20260101T090000Z", line) if not line.lower().startswith("dtstart")
                       else _wrap(line)) == []


def test_awkward_parameters_typed() -> None:
    ev = _event(_wrap(
        "DTSTART:20260101T090000Z",
        'ATTENDEE;CN="Doe, John: x;y";partstat=ACCEPTED;RSVP=TRUE;DELEGATED-TO="mailto:a@example.com",'
        '"mailto:b@example.com":mailto:j@example.com',
        "ATTENDEE;CN=a^'q^' ^^c^nl;EMAIL=e@example.com:urn:uuid:1234"))
    first, second = ev.attendees
    assert (first.cn, first.partstat, first.rsvp) == ("Doe, John: x;y", "ACCEPTED", True)
    assert first.delegated_to == ("mailto:a@example.com", "mailto:b@example.com")
    assert first.mailbox == "j@example.com"
    assert second.cn == "a\"q\" ^c\nl" and second.mailbox == "e@example.com"


def test_categories_with_escaped_commas() -> None:
    ev = _event(_wrap("DTSTART:20260101T090000Z", "CATEGORIES:Work\\, urgent,Private", "CATEGORIES:Other"))
    assert ev.all_categories == ("Work, urgent", "Private", "Other")
    assert len(ev.categories) == 2


def test_fold_right_after_the_name() -> None:
    """KOrganizer writes ``DTSTART`` + CRLF + `` :2003…``; also after blank lines (icalendar reads
    the blank lines as part of the fold, and so does this reader)."""
    data = _wrap("DTSTART\r\n :20030307T090000Z", "SUMMARY\r\n\r\n :Folded\r\n  name", "DESCRIPTION:a\r\n\tb")
    ev = _event(data)
    assert ev.start == m.ZonedDateTime(datetime(2003, 3, 7, 9, tzinfo=timezone.utc), m.Zone("utc"))
    assert (ev.summary, ev.description) == ("Folded name", "ab")
    assert compare(data) == []


def test_fold_splitting_a_utf8_character() -> None:
    """A fold between the two bytes of ``é``: the reader unfolds the bytes before decoding and
    reads ``é``; icalendar decodes first and reads U+FFFD (a deliberate difference)."""
    head = "SUMMARY:caf".encode()
    raw = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:u\r\nDTSTART:20260101T090000Z\r\n" + head
           + b"\xc3\r\n \xa9 cr\xc3\xa8me\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    assert _event(raw).summary == "café crème"
    theirs = Calendar.from_ical(raw).walk("VEVENT")[0]["SUMMARY"]
    assert "\ufffd" in theirs


def test_lf_line_ends_and_bom() -> None:
    crlf = _wrap("DTSTART:20260101T090000Z", "SUMMARY:x", "DESCRIPTION:long\r\n  text")
    lf = b"\xef\xbb\xbf" + crlf.replace(b"\r\n", b"\n")
    assert _event(lf) == _event(crlf)
    assert read_calendar(lf).prodid == "-//t//t//EN"


def test_not_utf8_read_as_windows_1252_with_a_problem() -> None:
    raw = _wrap("DTSTART:20260101T090000Z").replace(b"UID:u@", "UID:ü@".encode("cp1252"))
    cal = read_calendar(raw)
    assert cal.events.__next__().uid == "ü@example.com"
    assert [p.property for p in cal.problems] == ["encoding"]


# -------------------------------------------------------------------------------- values

def test_unknown_lines_travel_verbatim_and_in_order() -> None:
    lines_in = ['X-ONE;X-P="a:b";x-q=1,2:v\\,w', "RESOURCES:Projector", "X-TWO:2", "SUMMARY:s", "SUMMARY:second"]
    ev = _event(_wrap("DTSTART:20260101T090000Z", *lines_in))
    assert [line.text for line in ev.other] == [lines_in[0], lines_in[1], lines_in[2], "SUMMARY:second"]
    assert ev.other[0].params == (m.Param("X-P", ("a:b",)), m.Param("X-Q", ("1", "2")))
    assert ev.summary == "s"


def test_typed_values() -> None:
    ev = _event(_wrap(
        "DTSTART;TZID=Europe/Berlin:20260105T090000", "DTEND;TZID=Europe/Berlin:20260105T100000",
        "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,-1FR;UNTIL=20261231T235959Z;WKST=SU",
        "EXDATE;TZID=Europe/Berlin:20260119T090000", "GEO:48.1;11.5", "PRIORITY:1", "SEQUENCE:3",
        "BEGIN:VALARM", "ACTION:DISPLAY", "TRIGGER;RELATED=END:-PT15M", "DESCRIPTION:r", "END:VALARM",
        "BEGIN:VALARM", "ACTION:AUDIO", "TRIGGER;VALUE=DATE-TIME:20260105T080000Z", "END:VALARM"))
    berlin = ZoneInfo("Europe/Berlin")
    assert ev.start.dt == datetime(2026, 1, 5, 9, tzinfo=berlin)
    assert ev.start.zone.kind == "iana" and ev.start.zone.iana == "Europe/Berlin"
    rule = ev.rrule
    assert (rule.freq, rule.interval, rule.wkst) == ("WEEKLY", 2, "SU")
    assert rule.byday == (m.WeekdayNum(0, "MO"), m.WeekdayNum(-1, "FR"))
    assert rule.until.dt == datetime(2026, 12, 31, 23, 59, 59, tzinfo=timezone.utc)
    assert rule.text == "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,-1FR;UNTIL=20261231T235959Z;WKST=SU"
    assert ev.exdates[0].values[0].dt == datetime(2026, 1, 19, 9, tzinfo=berlin)
    assert (ev.geo, ev.priority, ev.sequence) == (m.Geo(48.1, 11.5), 1, 3)
    assert ev.alarms[0].trigger == m.Trigger(timedelta(minutes=-15), None, "END", (m.Param("RELATED", ("END",)),))
    assert ev.alarms[1].trigger.at.dt == datetime(2026, 1, 5, 8, tzinfo=timezone.utc)


def test_date_with_tzid_stays_a_date() -> None:
    """RFC 5545 3.2.19: a TZID means nothing on a DATE; the model keeps the DATE and the TZID
    parameter (icalendar makes it midnight in the zone)."""
    ev = _event(_wrap("DTSTART;VALUE=DATE;TZID=Europe/Berlin:20260101"))
    assert ev.start == date(2026, 1, 1)
    assert m.param(ev.params_of("DTSTART"), "TZID") == "Europe/Berlin"


def test_odd_values_fall_back_to_icalendar() -> None:
    """Spellings the typed parsers do not take are read by icalendar's parser for that value."""
    ev = _event(_wrap("DTSTART:20260101T090000Z", "RRULE:freq=monthly;byday=+2tu;", "SEQUENCE:+2"))
    assert (ev.rrule.freq, ev.rrule.byday, ev.sequence) == ("MONTHLY", (m.WeekdayNum(2, "TU"),), 2)


def test_unreadable_value_is_a_problem_and_its_line_is_kept() -> None:
    ev = _event(_wrap("DTSTART:20260101T0900", "PRIORITY:high"))
    assert ev.start is None and ev.priority is None
    assert [p.property for p in ev.problems] == ["DTSTART", "PRIORITY"]
    assert [line.text for line in ev.other] == ["DTSTART:20260101T0900", "PRIORITY:high"]


# -------------------------------------------------------------------------------- zones

_CUSTOM = ("BEGIN:VTIMEZONE\r\nTZID:Customized Time Zone\r\nBEGIN:STANDARD\r\nDTSTART:16010101T000000\r\n"
           "TZOFFSETFROM:{0}\r\nTZOFFSETTO:{0}\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n")


def test_file_defined_zone_uses_this_files_rules() -> None:
    """A TZID that is no zone name reads by its VTIMEZONE, of this file: icalendar caches such
    a VTIMEZONE per process, so an earlier file's rules for the same TZID could win there."""
    first = _wrap("DTSTART;TZID=Customized Time Zone:20260101T090000", head=_CUSTOM.format("+0500"))
    second = _wrap("DTSTART;TZID=Customized Time Zone:20260101T090000", head=_CUSTOM.format("-0300"))
    a, b = _event(first).start, _event(second).start
    assert a.zone.kind == b.zone.kind == "file"
    assert a.zone.rules is not None and "TZOFFSETTO:+0500" in a.zone.rules.lines
    assert a.dt.astimezone(timezone.utc).hour == 4 and b.dt.astimezone(timezone.utc).hour == 12


def test_forward_reference_to_a_vtimezone() -> None:
    data = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:u\r\nDTSTART;TZID=Customized Time Zone:"
            b"20260101T090000\r\nEND:VEVENT\r\n" + _CUSTOM.format("+0500").encode() + b"END:VCALENDAR\r\n")
    start = _event(data).start
    assert start.zone.kind == "file" and start.dt.astimezone(timezone.utc).hour == 4


@pytest.mark.parametrize("tzid,kind,iana", [
    ("Europe/Berlin", "iana", "Europe/Berlin"), ("W. Europe Standard Time", "iana", "Europe/Berlin"),
    ("/freeassociation.sourceforge.net/Tzfile/Europe/Paris", "iana", "Europe/Paris"), ("UTC", "utc", "UTC"),
    ("Nowhere/Zone", "unknown", None),
])
def test_zone_kinds(tzid: str, kind: str, iana: str | None) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = _event(_wrap(f"DTSTART;TZID={tzid}:20260101T090000")).start
    assert (start.zone.kind, start.zone.iana, start.zone.tzid) == (kind, iana, tzid)
    assert _event(_wrap("DTSTART:20260101T090000")).start.zone.kind == "floating"


# -------------------------------------------------------------------------------- streaming

def test_series_stream_one_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Overrides far from their master join it; a second master with its UID is its own
    series; events are built only when their series is yielded."""
    def vevent(uid: str, *extra: str) -> str:
        return "\r\n".join(["BEGIN:VEVENT", f"UID:{uid}", "DTSTART:20260105T090000Z", *extra, "END:VEVENT"])
    body = "\r\n".join([
        vevent("a", "RRULE:FREQ=DAILY;COUNT=5"), vevent("b"), vevent("a", "RECURRENCE-ID:20260106T090000Z"),
        vevent("c"), vevent("b"), vevent("a", "RECURRENCE-ID:20260107T090000Z", "STATUS:CANCELLED")])
    data = f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{body}\r\nEND:VCALENDAR\r\n".encode()
    built: list[str] = []
    original = IcsReader._event

    def counting(self: IcsReader, block: object) -> m.Event:
        event = original(self, block)  # type: ignore[arg-type]
        built.append(event.uid or "")
        return event
    monkeypatch.setattr(IcsReader, "_event", counting)
    header, series = iter_series(data)
    assert isinstance(series, types.GeneratorType) and built == []
    first = next(series)
    assert (first.uid, len(first.overrides), built) == ("a", 2, ["a", "a", "a"])
    assert first.cancellations == (m.ZonedDateTime(datetime(2026, 1, 7, 9, tzinfo=timezone.utc), m.Zone("utc")),)
    assert [(s.uid, s.master is not None, len(s.overrides)) for s in series] == [("b", True, 0), ("c", True, 0),
                                                                                 ("b", True, 0)]


# -------------------------------------------------------------------------------- generated

@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(strategies.ics_texts(None))
def test_generated_calendars_read_as_icalendar_reads(text: bytes) -> None:
    assert compare(text) == []


_param_text = st.lists(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")) | st.sampled_from(
    list(',;:"^\\\n\'') + ["^n", "^^", "^'"]), max_size=15).map("".join)


@settings(max_examples=150, deadline=None)
@given(cn=_param_text, category=st.lists(_param_text, min_size=1, max_size=3), summary=strategies.texts(),
       lang=st.sampled_from(["de", "en-GB", "x-ü"]))
def test_generated_parameters_and_texts_read_as_icalendar_reads(cn: str, category: list[str], summary: str,
                                                                lang: str) -> None:
    """Parameters and texts icalendar writes (quoting, RFC 6868, TEXT escapes, folding) read
    back equal to icalendar's reading of the same bytes."""
    ev = Event()
    ev.add("UID", "gen@example.com")
    ev.add("DTSTART", datetime(2026, 1, 1, 9, tzinfo=timezone.utc))
    att = vCalAddress("mailto:x@example.com")
    att.params["CN"] = cn
    att.params["LANGUAGE"] = lang
    ev.add("ATTENDEE", att)
    ev.add("CATEGORIES", category)
    ev.add("SUMMARY", summary)
    cal = Calendar()
    cal.add("VERSION", "2.0")
    cal.add_component(ev)
    data = cal.to_ical()
    assert compare(data) == []


def test_split_agrees_with_icalendar_on_plain_and_odd_lines() -> None:
    from icalendar.parser.content_line import Contentline
    for line in ['ATTENDEE;CN="Müller, Anna";ROLE=REQ-PARTICIPANT:mailto:a@example.com', "X;A=:v",
                 'X;A="a\\,b":v', "X ;A=b:v", "X;A=a,\"b;c\",d:v", "x-lower;k=v:w"]:
        name, params, value = lines.split(line)
        their_name, their_params, their_value = Contentline(line).raw_parts()
        assert (name, value) == (their_name.upper(), their_value)
        assert params == lines.from_icalendar_params(their_params)


def test_bench_calendar_reads_as_icalendar_reads(tmp_path: Path) -> None:
    """bench/generate.py's realistic calendar (six zones with VTIMEZONEs, all-day events, series
    with EXDATEs and overrides far from their masters, folded non-ASCII text): the same reading
    (the 10,000-event file was compared the same way once, docs/performance.md)."""
    from bench_generator import generator
    path = tmp_path / "bench.ics"
    generator().write_ics(path, 300, seed=11)
    assert compare(path.read_bytes()) == []


_SEED = _wrap("DTSTART;TZID=Europe/Berlin:20260105T090000", 'ATTENDEE;CN="A, B";PARTSTAT=ACCEPTED:mailto:a@example.com',
              "RRULE:FREQ=WEEKLY;UNTIL=20260301T000000Z", "EXDATE;TZID=Europe/Berlin:20260112T090000",
              "BEGIN:VALARM", "TRIGGER:-PT15M", "ACTION:DISPLAY", "END:VALARM", "SUMMARY:caf\u00e9\r\n  long")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(_SEED)), st.integers(0, 4),
                          st.sampled_from([b"", b":", b";", b'"', b"\r\n", b"\r\n ", b"=", b",", b"\\", b"^", b"\xc3",
                                           b"BEGIN:VEVENT\r\n", b"END:VALARM\r\n", b"Z", b"/", b"P", b"\x00"])),
                max_size=6))
def test_garbled_input_is_read_or_refused_with_value_error(edits: list[tuple[int, int, bytes]]) -> None:
    """Whatever the bytes, the reader gives a model (problems noted) or a ValueError — never
    another exception — and the writer writes what it gave."""
    from ics_bridge.io.model_writer import write_calendar
    data = bytearray(_SEED)
    for at, cut, insert in edits:
        data[at:at + cut] = insert
    try:
        reader = IcsReader(bytes(data))
        calendars = [reader.read(i) for i in range(len(reader.calendars))]
    except ValueError:
        return
    for cal in calendars:
        write_calendar(cal)


def test_text_input_with_a_lone_surrogate() -> None:
    """A library caller's ``str`` with a lone surrogate: U+FFFD and a problem, as io/ics.decode."""
    text = _wrap("DTSTART:20260101T090000Z", "SUMMARY:ab").decode().replace("SUMMARY:ab", "SUMMARY:a\ud800b")
    cal = read_calendar(text)
    assert next(cal.events).summary == "a\ufffdb"
    assert [p.property for p in cal.problems] == ["encoding"]


def test_components_outside_a_vcalendar() -> None:
    """A bare VEVENT (and a VTODO beside it) with no VCALENDAR: read as one calendar, the VTODO
    kept as raw lines; an unclosed VEVENT ends with the file, with a problem."""
    data = (b"BEGIN:VEVENT\r\nUID:bare\r\nDTSTART:20260101T090000Z\r\nEND:VEVENT\r\n"
            b"BEGIN:VTODO\r\nUID:todo\r\nEND:VTODO\r\nBEGIN:VEVENT\r\nUID:open\r\nDTSTART:20260102T090000Z\r\n")
    reader = IcsReader(data)
    assert len(reader.calendars) == 1
    cal = reader.read()
    assert [s.uid for s in cal.series] == ["bare", "open"]
    assert cal.components == (m.RawComponent("VTODO", ("BEGIN:VTODO", "UID:todo", "END:VTODO")),)
    assert [p.property for p in cal.problems] == ["END"]


def test_a_tzid_naming_a_tzdata_folder_is_a_problem_of_its_event() -> None:
    """Found by the garbled-input test (hypothesis): ``DTSTART;TZID=Europe:090000`` sent the
    value to icalendar, which opened tzdata's folder ``Europe`` (IsADirectoryError).  Now the
    value is a problem of its event and its line is kept."""
    cal = read_calendar(b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;TZID=Europe:090000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    [event] = cal.events
    assert event.start is None and [line.text for line in event.other] == ["DTSTART;TZID=Europe:090000"]
    assert [(p.property, "Europe" in p.message) for p in event.problems] == [("DTSTART", True)]
