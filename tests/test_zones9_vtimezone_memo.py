"""The VTIMEZONE memos (helper zones9) held to the unmemoised reading.

``io.ics.checked_timezone`` remembers per VTIMEZONE text what the reading made of it (the
component after ``_check_timezone``, its entries) and hands that component out shared, never
copied (its readers only read it: ``tests/test_shared_vtimezones.py`` holds them to that);
``timezones._vtimezone_text`` knows the text of the components it handed out; ``timezones._matched`` remembers a VTIMEZONE's match per text, values
and hint.  Each test below compares with the steps the memo replaces (or with a run whose memos
were emptied first), so a memo that leaks a changed component, replays another file's entries or
shares a verdict between two VTIMEZONEs of one TZID fails here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from icalendar import vUTCOffset

from ics_bridge import Options, convert, timezones
from ics_bridge.errors import InputError
from ics_bridge.io import ics as ics_io
from ics_bridge.io.model_reader import IcsReader
from ics_bridge.report import Report

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted([*ROOT.glob("tests/corpus/ics/*.ics"), *ROOT.glob("tests/producers/*.ics"),
                *ROOT.glob("tests/hostile/**/*.ics"), *ROOT.glob("samples/**/*.ics")])


def _forget() -> None:
    """Every memo of this change emptied: the next reading takes the unmemoised path."""
    ics_io._CHECKED.clear()
    timezones._TEXTS.clear()
    timezones._matched.cache_clear()


@pytest.fixture(autouse=True)
def _memos_emptied_after() -> Any:
    """A test that changes a handed-out VTIMEZONE changes the memo's own (shared): no later
    test reads it."""
    yield
    _forget()


def _unmemoised(text: str, report: Report) -> Any:
    """``_Checks.timezone``'s steps before the memo: icalendar's reading, ``_check_timezone``."""
    cal = ics_io.calendar_around("", text)
    vtz = next((c for c in cal.subcomponents if c.name == "VTIMEZONE"), None) if cal is not None else None
    if vtz is None:
        return None
    return vtz if ics_io._check_timezone(vtz, report) else None


def _entries(report: Report) -> list[dict[str, Any]]:
    return [loss.as_dict() for loss in report]


def _vtimezone_texts(path: Path) -> list[str]:
    """The VTIMEZONE texts the reading hands to ``_Checks.timezone`` for this file."""
    try:
        reader = IcsReader(ics_io._prepared_text(path.read_bytes(), Report(), ics_io.IcsReadOptions()))
    except InputError:
        return []
    return [text for index in range(len(reader.calendars))
            for name, _typed, text in reader.components(index) if name == "VTIMEZONE"]


CORPUS_TEXTS = [text for path in FILES for text in _vtimezone_texts(path)]

BROKEN = """BEGIN:VTIMEZONE
TZID:Odd Zone
LAST-MODIFIED:20131009T170000T
X-FOO;VALUE=INTEGER:abc
BEGIN:STANDARD
DTSTART:19701025T030000
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:19700329T020000
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
END:VTIMEZONE
"""
DAILY = BROKEN.replace("X-FOO;VALUE=INTEGER:abc\n", "").replace("FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", "FREQ=DAILY")


def test_the_corpus_has_vtimezones_with_entries() -> None:
    """The comparisons below see VTIMEZONEs kept, refused and reported."""
    kept = refused = reported = 0
    for text in CORPUS_TEXTS + [BROKEN, DAILY]:
        report = Report()
        kept += _unmemoised(text, report) is not None
        refused += _unmemoised(text, Report()) is None
        reported += bool(len(report))
    assert kept > 50 and refused and reported


@pytest.mark.parametrize("order", ["forward", "backward"])
def test_every_vtimezone_reads_as_unmemoised(order: str) -> None:
    """Per VTIMEZONE text of the corpus (each twice: the second from the memo, after the other
    texts): the same component, the same entries in the same order, with the reading's file."""
    texts = CORPUS_TEXTS + [BROKEN, DAILY]
    texts = texts if order == "forward" else texts[::-1]
    _forget()
    for rounds in range(2):
        for number, text in enumerate(texts):
            file = f"file-{rounds}-{number}.ics"
            expected, got = Report(file=file), Report(file=file)
            want = _unmemoised(text, expected)
            vtz = ics_io.checked_timezone(text, got)
            assert _entries(got) == _entries(expected), text
            assert (vtz is None) == (want is None), text
            if want is not None:
                assert vtz.to_ical() == want.to_ical()
                assert type(vtz) is type(want) and vtz.errors == want.errors
                assert timezones._vtimezone_text(vtz) == want.to_ical()


def test_entries_replayed_with_each_files_own_fields() -> None:
    _forget()
    for file in ("a.ics", "b.ics", None):
        report = Report(file=file)
        assert ics_io.checked_timezone(BROKEN, report) is not None
        assert [(e.file, e.field) for e in report] == [(file, "VTIMEZONE;LAST-MODIFIED"), (file, "VTIMEZONE;X-FOO")]
        refused = Report(file=file)
        assert ics_io.checked_timezone(DAILY, refused) is None
        assert [(e.file, e.kind.value) for e in refused] == [(file, "timezone-unknown")]


def test_a_changed_vtimezone_is_written_again() -> None:
    """The text known for a handed-out VTIMEZONE is not used once it holds other objects."""
    _forget()
    vtz = ics_io.checked_timezone(BROKEN, Report())
    assert timezones._vtimezone_text(vtz) == vtz.to_ical()
    vtz.subcomponents[0]["TZOFFSETTO"] = vUTCOffset.from_ical("+0300")
    assert timezones._vtimezone_text(vtz) == vtz.to_ical()
    vtz = ics_io.checked_timezone(BROKEN, Report())
    vtz.subcomponents.pop()
    assert timezones._vtimezone_text(vtz) == vtz.to_ical()
    vtz = ics_io.checked_timezone(BROKEN, Report())
    del vtz.subcomponents[0]["RRULE"]
    assert timezones._vtimezone_text(vtz) == vtz.to_ical()


def _custom_file(rules: str, uid: str) -> bytes:
    """One event in "Customized Time Zone" (Outlook's TZID for any zone), defined by ``rules``."""
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//zones9//EN\r\n"
            f"BEGIN:VTIMEZONE\r\nTZID:Customized Time Zone\r\n{rules}END:VTIMEZONE\r\n"
            f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20250101T000000Z\r\n"
            "DTSTART;TZID=Customized Time Zone:20250710T090000\r\n"
            "DTEND;TZID=Customized Time Zone:20250710T100000\r\nSUMMARY:x\r\nEND:VEVENT\r\n"
            "END:VCALENDAR\r\n").encode()


BERLIN = _custom_file("BEGIN:" + BROKEN.split("BEGIN:", 2)[2].split("END:VTIMEZONE")[0].replace("\n", "\r\n"), "berlin")
NEW_YORK = _custom_file("BEGIN:STANDARD\r\nDTSTART:16011104T020000\r\nTZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r\n"
                        "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\r\nEND:STANDARD\r\nBEGIN:DAYLIGHT\r\n"
                        "DTSTART:16010311T020000\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r\n"
                        "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\r\nEND:DAYLIGHT\r\n", "new-york")


def _converted(data: bytes, to: str, file: str) -> tuple[bytes, list[dict[str, Any]], list[str]]:
    result = convert(data, to=to, options=Options(), file=file)  # type: ignore[arg-type]
    return result.to_bytes(), _entries(result.report), [str(e) for e in result.errors]


@pytest.mark.parametrize("to", ["graph", "google", "ics"])
def test_one_tzid_two_vtimezones_keep_their_own_verdicts(to: str) -> None:
    """Two files, one TZID, two different VTIMEZONEs: each reads as it does alone (memos
    emptied), in whatever order and however often they come."""
    alone = {}
    for name, data in (("berlin", BERLIN), ("new-york", NEW_YORK)):
        _forget()
        alone[name] = _converted(data, to, f"{name}.ics")
    assert alone["berlin"][0] != alone["new-york"][0]
    assert any("Europe/Berlin" in e["reason"] for e in alone["berlin"][1])
    assert any("America/New_York" in e["reason"] for e in alone["new-york"][1])
    _forget()
    for name, data in (("berlin", BERLIN), ("new-york", NEW_YORK), ("berlin", BERLIN), ("new-york", NEW_YORK)):
        assert _converted(data, to, f"{name}.ics") == alone[name], name


CONVERTED = [p for p in FILES if p.stat().st_size < 400_000 and b"BEGIN:VTIMEZONE" in p.read_bytes()]


def test_the_corpus_converts_as_with_empty_memos() -> None:
    """Every corpus file with VTIMEZONEs, to Graph, read with warm memos (the other files read
    first, in reverse) gives the bytes, entries and errors it gives with empty ones."""
    cold = {}
    for path in CONVERTED:
        _forget()
        try:
            cold[path] = _converted(path.read_bytes(), "graph", path.name)
        except InputError as err:
            cold[path] = str(err)
    assert len(cold) > 40
    _forget()
    for path in reversed(CONVERTED):
        try:
            warm: Any = _converted(path.read_bytes(), "graph", path.name)
        except InputError as err:
            warm = str(err)
        assert warm == cold[path], path.name


@pytest.mark.parametrize("extra", ["X-LONG:" + "x" * (64 * 1024), "X-ZONED;TZID=Europe/Berlin:20250101T000000"])
def test_long_and_zoned_texts_are_read_every_time(extra: str) -> None:
    """A VTIMEZONE text over the size bound, or with a TZID parameter inside (read through
    icalendar's process-wide zone cache), is read afresh each time, as unmemoised."""
    _forget()
    text = BROKEN.replace("TZID:Odd Zone\n", f"TZID:Odd Zone\n{extra}\n")
    for _ in range(2):
        expected, got = Report(file="f.ics"), Report(file="f.ics")
        want, vtz = _unmemoised(text, expected), ics_io.checked_timezone(text, got)
        assert _entries(got) == _entries(expected) and vtz.to_ical() == want.to_ical()
        assert text not in ics_io._CHECKED
