""".ics → .ics on the typed hub (issue 12): ``pipeline._ics_to_ics_hub`` reads with the model
reader (``io/ics_model.read_model``) and the file's layout (``io/ics_layout``), and
``io/model_writer`` writes it; before, icalendar read the file (``io/ics.parse_calendar``) and
wrote it (``io/ics.serialize``).

What a user converting .ics to .ics (a backup, a normalised copy fed to other tools) gets:

* kept from icalendar's path (the same bytes): the file's order of its components — a VTODO
  between VEVENTs, an override before its master, one UID's events spread over the file —;
  ``--tzid-style windows`` also for a TZID the file defined and tzdata describes; every VTIMEZONE
  something written names (an X- property, a VTODO), a generated one for a TZID only a VTODO
  names; VTODO, VJOURNAL, VFREEBUSY written as icalendar writes them (never a broken content
  line of the source, which ical.js refuses the whole file for); ``TRIGGER;VALUE=DURATION`` as read;
* changed, each a fix listed in tests/golden/CHANGES.md: VERSION and PRODID (RFC 5545 3.6:
  required) added when the file lacks them; REQUEST-STATUS written as read (its ``;`` separate
  code, description and data, RFC 5545 3.8.8.3: icalendar escaped them as TEXT); an empty TZID
  (``DTSTART;TZID=:…``, naming no VTIMEZONE, RFC 5545 3.2.19) written as the floating value it
  is read as.

:func:`test_same_bytes_as_icalendars_path` holds the new path to the old one, less exactly
those fixes, on every corpus, producer and sample file; the generated tests shuffle components.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ics_bridge
import strategies
from ics_bridge import Options
from ics_bridge.io import ics as ics_io
from ics_bridge.report import Report
from interop import readers

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
FILES = sorted([*(TESTS / "corpus" / "ics").glob("*.ics"), *(TESTS / "producers").rglob("*.ics"),
                *(ROOT / "samples" / "ics").glob("*.ics")])
WINDOW = ("2000-01-01T00:00:00Z", "2031-01-01T00:00:00Z")


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")


def _new(data: bytes, style: str = "iana") -> bytes:
    options = Options(tzid_style=style)  # type: ignore[arg-type]
    return ics_bridge.convert(data, to="ics", source="ics", options=options).to_bytes(options)


def _old(data: bytes, style: str = "iana") -> bytes:
    """icalendar's path, as ``_ics_to_ics_hub`` and ``write_hub`` took it before."""
    report = Report()
    cal = ics_io.parse_calendar(data, report, ics_io.IcsReadOptions(), [])
    ics_io.utc_for_second_offsets(cal, report)
    return ics_io.serialize(cal, tzid_style=style)


_HEAD = re.compile(rb"\ABEGIN:VCALENDAR\r\n((?:(?!BEGIN:)[^\r]*\r\n(?: [^\r]*\r\n)*)*)")


def _with_fixes(old: bytes) -> bytes:
    """The old path's bytes with the three listed fixes applied (the module docstring)."""
    head = _HEAD.match(old)
    assert head is not None
    lines = head.group(1)
    if not re.search(rb"^VERSION[;:]", lines, re.M):
        lines = b"VERSION:2.0\r\n" + lines
    if not re.search(rb"^PRODID[;:]", lines, re.M):  # after VERSION (icalendar's order of the two)
        version = re.search(rb"^VERSION[;:][^\r]*\r\n(?: [^\r]*\r\n)*", lines, re.M)
        assert version is not None
        lines = lines[:version.end()] + b"PRODID:-//ics-bridge//ics-bridge 0.1//EN\r\n" + lines[version.end():]
    old = b"BEGIN:VCALENDAR\r\n" + lines + old[head.end():]
    # in VEVENTs (other components are written by icalendar, as before)
    old = re.sub(rb"BEGIN:VEVENT\r\n.*?END:VEVENT\r\n", lambda event: re.sub(
        rb"^(REQUEST-STATUS[^:\r\n]*:[^\r\n]*)", lambda found: found.group(1).replace(b"\\;", b";"), event.group(0),
        flags=re.M), old, flags=re.S)
    return re.sub(rb";TZID=:", b":", old)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_same_bytes_as_icalendars_path(path: Path) -> None:
    data = path.read_bytes()
    try:
        old = {style: _old(data, style) for style in ("iana", "windows")}
    except ics_bridge.InputError:
        with pytest.raises(ics_bridge.InputError):
            _new(data)
        return
    for style in ("iana", "windows"):
        assert _new(data, style) == _with_fixes(old[style]), style


def _vevent(uid: str, day: int, rid: bool = False, extra: str = "") -> str:
    rid_line = f"RECURRENCE-ID:202401{day:02}T090000Z\r\n" if rid else "RRULE:FREQ=DAILY;COUNT=20\r\n"
    return (f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20240101T000000Z\r\nDTSTART:202401{day:02}T1{day % 10}0000Z\r\n"
            f"{rid_line}SUMMARY:{uid} {day}\r\n{extra}END:VEVENT\r\n")


_TODO = "BEGIN:VTODO\r\nUID:todo-{n}\r\nDTSTAMP:20240101T000000Z\r\nSUMMARY:todo {n}\r\nDUE:20240105T100000Z\r\nEND:VTODO\r\n"


@st.composite
def _shuffled_calendars(draw: st.DrawFn) -> bytes:
    """Masters, overrides (before or after their master), VTODOs and a second master of a UID, in
    any order."""
    blocks = []
    for u in range(draw(st.integers(1, 4))):
        blocks.append(_vevent(f"s{u}", 1 + u))
        for day in draw(st.sets(st.integers(2, 19), max_size=3)):
            blocks.append(_vevent(f"s{u}", day, rid=True))
    blocks += [_TODO.format(n=n) for n in range(draw(st.integers(0, 2)))]
    if draw(st.booleans()):
        blocks.append(_vevent("s0", 25, extra="DESCRIPTION:a second master\r\n"))
    order = draw(st.permutations(blocks))
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + "".join(order) + "END:VCALENDAR\r\n").encode()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_shuffled_calendars())
def test_generated_file_order_kept(data: bytes) -> None:
    assert _new(data) == _old(data)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(strategies.ics_texts(None))
def test_generated_calendars_same_bytes(data: bytes) -> None:
    for style in ("iana", "windows"):
        assert _new(data, style) == _with_fixes(_old(data, style))


def _order(data: bytes) -> list[tuple[str, str | None, str | None]]:
    """(component, UID, RECURRENCE-ID's value) per top-level component but VTIMEZONE, in order."""
    out: list[list[str | None]] = []
    depth = 0
    for line in re.sub(r"\r?\n[ \t]", "", data.decode()).splitlines():
        name, _, value = line.partition(":")
        if name == "BEGIN":
            depth += 1
            if depth == 2 and value != "VTIMEZONE":
                out.append([value, None, None])
        elif name == "END":
            depth -= 1
        elif depth == 2 and out and out[-1][0] != "VTIMEZONE":
            if name == "UID":
                out[-1][1] = value
            elif name.startswith("RECURRENCE-ID"):
                out[-1][2] = value
    return [tuple(item) for item in out]  # type: ignore[misc]


# -- kept: what icalendar's path wrote, by cause ------------------------------------------------

def test_override_before_its_master_stays_before_it() -> None:
    path = TESTS / "corpus" / "ics" / "ical-py__recurring_with_single_change.ics"
    data = path.read_bytes()
    written = _new(data)
    assert data.index(b"RECURRENCE-ID") < data.index(b"RRULE:FREQ=DAILY")
    assert written.index(b"RECURRENCE-ID") < written.index(b"RRULE:FREQ=DAILY")
    assert _order(written) == _order(data)


def test_one_uids_events_spread_over_the_file_stay_where_they_were() -> None:
    path = TESTS / "corpus" / "ics" / "khal__mult_uids_and_recuid_no_order.ics"
    data = path.read_bytes()
    assert _order(_new(data)) == _order(data)


def test_other_components_stay_between_the_events() -> None:
    data = (TESTS / "corpus" / "ics" / "ical-py__params_rfc7986_component.ics").read_bytes()
    written = _new(data)
    assert [name for name, _uid, _rid in _order(written)] == ["VEVENT", "VTODO", "VJOURNAL"]
    # as icalendar writes a component: its properties sorted, a parameter quoted as in a VEVENT
    assert b"CONFERENCE;FEATURE=CHAT;LABEL=Slack Channel:https://slack.com/123\r\nDTSTART" in written


def test_a_broken_line_of_another_component_is_not_written() -> None:
    """``ORGANIZER;CN=Sixt SE`` (no colon) is no content line: written as read, ical.js refuses
    the whole file; icalendar's reading gives it an empty value, as before."""
    data = (TESTS / "corpus" / "ics" / "icalendar__issue_348_exception_parsing_value.ics").read_bytes()
    written = _new(data).decode()
    assert "\r\nORGANIZER;CN=\"Sixt SE\":\r\n" in written
    assert "\r\nORGANIZER;CN=Sixt SE\r\n" not in written
    readers.require("icaljs")
    assert readers.read_icaljs(written, WINDOW).errors == []


def test_windows_style_renames_a_zone_the_file_defined() -> None:
    """The file's own VTIMEZONE America/Los_Angeles is replaced by tzdata's (as for every IANA
    zone), so ``--tzid-style windows`` names it as Outlook does, as it did."""
    data = (TESTS / "corpus" / "ics" / "ical-py__apple_ical.ics").read_bytes()
    assert b"TZID=America/Los_Angeles" in data
    written = _new(data, "windows")
    assert b"TZID=America/Los_Angeles" not in written
    assert b"BEGIN:VTIMEZONE\r\nTZID:America/Los_Angeles" not in written
    assert written.count(b"BEGIN:VTIMEZONE\r\nTZID:Pacific Standard Time\r\n") == 1
    assert b"DTSTART;TZID=Pacific Standard Time:20220927T090000" in written


def test_a_vtimezone_only_an_x_property_names_is_kept() -> None:
    for name, tzid in (("ical.net__XProperty2.ics", b"W. Australia Standard Time"),
                       ("icalendar__issue_156_RDATE_with_PERIOD_TZID_khal_2.ics", b"Western/Central Europe")):
        written = _new((TESTS / "corpus" / "ics" / name).read_bytes())
        assert b"BEGIN:VTIMEZONE\r\nTZID:" + tzid + b"\r\n" in written, name


def test_a_tzid_only_a_vtodo_names_gets_a_vtimezone() -> None:
    data = (TESTS / "corpus" / "ics" / "icalendar__issue_722_missing_timezones.ics").read_bytes()
    assert b"TZID:Asia/Singapore" not in data
    assert b"BEGIN:VTIMEZONE\r\nTZID:Asia/Singapore\r\n" in _new(data)
    windows = _new(data, "windows")
    assert b"BEGIN:VTIMEZONE\r\nTZID:Singapore Standard Time\r\n" in windows
    assert b"DUE;TZID=Singapore Standard Time;VALUE=DATE-TIME:20140829T080000" in windows


def test_a_vtimezone_nothing_names_is_left_out() -> None:
    """A file's VTIMEZONE whose TZID the reading resolved to tzdata (every value now names the
    IANA zone) is left out, as before: tzdata's is written under the name the values carry."""
    data = (TESTS / "corpus" / "ics" / "ical-py__office_360_nz_tz.ics").read_bytes()
    assert b"TZID:New Zealand Standard Time" in data
    assert b"New Zealand Standard Time" not in _new(data)


def test_trigger_value_duration_kept_as_read() -> None:
    data = (TESTS / "corpus" / "ics" / "icalevents__floating.ics").read_bytes()
    assert b"TRIGGER;VALUE=DURATION:-PT1H" in data
    assert b"TRIGGER;VALUE=DURATION:-PT1H\r\n" in _new(data)


# -- changed: the fixes listed in tests/golden/CHANGES.md ----------------------------------------

def test_version_and_prodid_added_when_the_file_lacks_them() -> None:
    """RFC 5545 3.6: VERSION and PRODID are required once in a VCALENDAR; the copy is valid
    even when its source was not (a file's own values are kept)."""
    for name in ("icalendar__bom_calendar.ics", "recurring-ical-events__issue_4_weidenrinde.ics",
                 "ical.net__Bug2959692.ics", "icalevents__icloud.ics"):
        data = (TESTS / "corpus" / "ics" / name).read_bytes()
        written = _new(data)
        head = written.split(b"BEGIN:V", 2)[1]
        assert head.count(b"\r\nVERSION:") == 1 and head.count(b"\r\nPRODID:") == 1, name
        for line in (b"PRODID:-//Apple Inc.//Mac OS X 10.15.7//EN", b"VERSION:2.0"):
            if data.startswith(b"BEGIN:VCALENDAR") and line in data:
                assert line in written, name


def test_request_status_written_as_read() -> None:
    """RFC 5545 3.8.8.3: ``statcode ";" statdesc [";" extdata]`` — the semicolons separate the
    parts; icalendar wrote ``2.0\\;Success.``, one TEXT value with an escaped semicolon."""
    data = (TESTS / "corpus" / "ics" / "ical.net__Trigger1.ics").read_bytes()
    written = _new(data)
    assert b"REQUEST-STATUS:2.0;Success.  Store successful.\r\n" in written
    assert b"REQUEST-STATUS:2.0\\;" not in written


def test_an_empty_tzid_is_written_floating() -> None:
    """``DTSTART;TZID=:…`` names no VTIMEZONE (RFC 5545 3.2.19 wants one per TZID): it is read
    floating (icalendar, ical.js and libical alike) and written so, without the empty TZID."""
    data = (TESTS / "corpus" / "ics" / "ical4j__blankTzid.ics").read_bytes()
    written = _new(data)
    assert b"TZID=:" not in written
    assert b"\r\nDTSTART:20150826T090000\r\n" in written
    for reader in ("icaljs", "libical"):
        readers.require(reader)
        read = readers.read_icaljs if reader == "icaljs" else readers.read_libical
        assert [(e.start, e.end) for e in read(written.decode(), WINDOW).events] == \
            [("2015-08-26T09:00:00", "2015-08-26T10:00:00")], reader


def test_the_hub_is_the_typed_model() -> None:
    """The hub of an .ics → .ics conversion is the typed model (issue 12), written by the model
    writer; a library caller's icalendar.Calendar stays as given (the library edge)."""
    from icalendar import Calendar
    from ics_bridge import model as m
    data = (TESTS / "corpus" / "ics" / "khal__cal_lots_of_timezones.ics").read_bytes()
    conv = ics_bridge.convert(data, to="ics", source="ics")
    assert isinstance(conv.hub, m.Calendar) and isinstance(conv.data, m.Calendar)
    given = ics_bridge.convert(conv.calendar, to="ics", source="ics")
    assert isinstance(given.data, Calendar) and given.data is conv.calendar


@st.composite
def _lmt_calendars(draw: st.DrawFn) -> bytes:
    """Events in zones whose offset had seconds (local mean time) — singles, series that stay in
    one offset or cross a change, EXDATE/RDATE lines — for the UTC rewrite on the typed hub."""
    zone = draw(st.sampled_from(["Europe/Moscow", "Europe/Amsterdam", "Asia/Kolkata", "Africa/Monrovia"]))
    out = []
    for n in range(draw(st.integers(1, 4))):
        year = draw(st.integers(1880, 1975))
        start = f"{year}0{draw(st.integers(1, 9))}1{draw(st.integers(0, 9))}T100000"
        lines = [f"UID:lmt-{n}", "DTSTAMP:20240101T000000Z", f"DTSTART;TZID={zone}:{start}",
                 f"DTEND;TZID={zone}:{start[:9]}110000"]
        if draw(st.booleans()):
            lines.append(f"RRULE:FREQ={draw(st.sampled_from(['WEEKLY', 'MONTHLY', 'YEARLY']))};COUNT={draw(st.integers(2, 30))}")
            if draw(st.booleans()):
                lines.append(f"EXDATE;TZID={zone}:{start}")
            if draw(st.booleans()):
                lines.append(f"RDATE;TZID={zone}:{start[:4]}1231T100000")
        out.append("BEGIN:VEVENT\r\n" + "\r\n".join(lines) + "\r\nEND:VEVENT\r\n")
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + "".join(out) + "END:VCALENDAR\r\n").encode()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_lmt_calendars())
def test_generated_second_offsets_same_bytes_and_report(data: bytes) -> None:
    """``io/second_offsets`` (the typed hub) writes and reports what ``io/ics.utc_for_second_offsets``
    (icalendar's calendar) did."""
    report = Report()
    cal = ics_io.parse_calendar(data, report, ics_io.IcsReadOptions(), [])
    ics_io.utc_for_second_offsets(cal, report)
    conv = ics_bridge.convert(data, to="ics", source="ics")
    assert conv.to_bytes() == ics_io.serialize(cal)
    assert [e.as_dict() for e in conv.report] == [e.as_dict() for e in report]
