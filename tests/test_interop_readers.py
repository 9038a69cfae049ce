"""Proves the independent readers harness (tests/interop/readers.py) on third-party corpus files.

Every available reader must read each case to the same pinned instants (checked by hand against
the file: zone rules, EXDATEs, overrides). Readers that are not installed skip with the reason;
a reader known to reject or misread one of these *input files* is an expected failure (strict
xfail) with the documented reason, so that a reader upgrade that changes it shows up as XPASS.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from interop import readers
from interop.readers import EventReading


@dataclass(frozen=True)
class Case:
    file: str
    window: tuple[str, str]
    why: str
    events: tuple[EventReading, ...]
    occurrences: dict[str, list[str]]
    known: dict[str, str] = field(default_factory=dict)  # reader -> reason it disagrees on this file


GOOGLE_UID = "5st6kahlb53s6sdmrgkldms9k2@google.com"
OUTLOOK_UID = ("040000008200E00074C5B7101A82E0080000000088E248D3DC4EDA01"
               "000000000000000010000000FC71CD8C02E70C40B4D15EB1417E2150")
OUTLOOK_SINGLE_UID = ("040000008200E00074C5B7101A82E0080000000032281124038FDA01"
                      "000000000000000010000000BE5193C6B024BB458D91AD30FFFD71BF")
ICALJS_UID = "623c13c0-6c2b-45d6-a12b-c33ad61c4868"
YEARLY_UID = "aogpprh4bolu8ckmop49ca6404@google.com"

CASES = [
    Case(
        "ical-py__recurring_with_single_change.ics",
        ("2026-01-01T00:00:00Z", "2026-03-01T00:00:00Z"),
        "Google export: X-WR-TIMEZONE America/New_York, DAILY;COUNT=3 in a TZID, one RECURRENCE-ID override",
        events=(
            EventReading(GOOGLE_UID, None, "2026-02-01T15:00:00Z", "2026-02-01T16:00:00Z"),
            EventReading(GOOGLE_UID, "2026-02-02T15:00:00Z", "2026-02-02T15:00:00Z", "2026-02-02T16:00:00Z"),
        ),
        occurrences={GOOGLE_UID: ["2026-02-01T15:00:00Z", "2026-02-02T15:00:00Z", "2026-02-03T15:00:00Z"]},
    ),
    Case(
        "ical-py__office_356_custom_timezone.ics",
        ("2024-05-01T00:00:00Z", "2024-08-01T00:00:00Z"),
        "Outlook/Exchange export: Windows TZIDs (Eastern Standard Time, Customized Time Zone, ...), "
        "biweekly RRULE with EXDATE, CRLF",
        events=(
            EventReading(OUTLOOK_SINGLE_UID, None, "2024-05-02T09:00:00Z", "2024-05-02T10:00:00Z"),
            EventReading(OUTLOOK_UID, None, "2024-05-21T13:00:00Z", "2024-05-21T14:00:00Z"),
        ),
        occurrences={
            OUTLOOK_SINGLE_UID: ["2024-05-02T09:00:00Z"],
            OUTLOOK_UID: ["2024-05-21T13:00:00Z", "2024-06-04T13:00:00Z", "2024-06-18T13:00:00Z",
                          "2024-07-02T13:00:00Z", "2024-07-16T13:00:00Z", "2024-07-30T13:00:00Z"],
        },
    ),
    Case(
        "ical.js__recur_instances.ics",
        ("2012-10-01T00:00:00Z", "2013-06-01T00:00:00Z"),
        "RFC 5545 recurrence: monthly BYDAY=1TU in America/Los_Angeles across DST, RDATEs, three EXDATEs, "
        "an override by TZID RECURRENCE-ID and one by UTC RECURRENCE-ID naming an RDATE instance",
        events=(
            EventReading(ICALJS_UID, None, "2012-10-02T17:00:00Z", "2012-10-02T17:30:00Z"),
            EventReading(ICALJS_UID, "2012-10-02T17:00:00Z", "2012-10-02T22:00:00Z", "2012-10-02T22:30:00Z"),
            EventReading(ICALJS_UID, "2012-11-05T18:00:00Z", "2012-11-07T04:00:00Z", "2012-11-07T04:30:00Z"),
        ),
        occurrences={ICALJS_UID: [
            "2012-10-02T22:00:00Z",  # 1st Tue Oct, moved by the TZID override
            "2012-11-06T18:00:00Z",  # 1st Tue Nov, now PST
            "2012-11-07T04:00:00Z",  # RDATE 11-05 moved by the UTC override
            "2012-11-10T18:00:00Z", "2012-11-30T18:00:00Z",  # RDATEs
            # 2012-12-04 EXDATE
            "2013-01-01T18:00:00Z",
            # 2013-02-05 EXDATE
            "2013-03-05T18:00:00Z",
            # 2013-04-02 EXDATE
            "2013-05-07T17:00:00Z",  # PDT again
        ]},
        known={
            "ical": "the file (ical.js's own sample) carries a second VTIMEZONE with no TZID "
                    "(X-INVALID-TIMEZONE); ical's strict model rejects the whole calendar",
            "vobject": "same VTIMEZONE without TZID: vobject raises 'mandatory TZID not found' for the file",
        },
    ),
    Case(
        "recurring-ical-events__issue_151_macos_linux_difference.ics",
        ("2014-01-01T00:00:00Z", "2019-01-01T00:00:00Z"),
        "Google export: X-WR-TIMEZONE, FREQ=YEARLY with EXDATE and a moved first instance (RECURRENCE-ID)",
        events=(
            EventReading(YEARLY_UID, None, "2014-08-02T02:00:00Z", "2014-08-02T03:00:00Z"),
            EventReading(YEARLY_UID, "2014-08-02T02:00:00Z", "2014-08-02T01:30:00Z", "2014-08-02T02:30:00Z"),
        ),
        occurrences={YEARLY_UID: ["2014-08-02T01:30:00Z", "2015-08-02T02:00:00Z",
                                  "2017-08-02T02:00:00Z", "2018-08-02T02:00:00Z"]},
    ),
]


def _params():
    for case in CASES:
        for name in readers.DEFAULT_READERS:
            marks = []
            if name in case.known:
                marks.append(pytest.mark.xfail(reason=f"{name} on {case.file}: {case.known[name]}", strict=True))
            yield pytest.param(case, name, marks=marks, id=f"{case.file.removesuffix('.ics')}-{name}")


@pytest.fixture(scope="module")
def corpus_text(corpus_dir: Path):
    cache: dict[str, str] = {}

    def load(file: str) -> str:
        if file not in cache:
            cache[file] = (corpus_dir / "ics" / file).read_bytes().decode("utf-8")
        return cache[file]

    return load


@pytest.mark.parametrize(("case", "reader"), list(_params()))
def test_reader_reads_corpus_case(case: Case, reader: str, corpus_text) -> None:
    readers.require(reader)
    reading = readers.read(reader, corpus_text(case.file), case.window)
    assert reading.errors == [], f"{reading.reader} refused {case.file} ({case.why})"
    assert reading.event_set() == readers.canonical(case.events), f"{reading.reader}: events of {case.file}"
    assert reading.occurrences == case.occurrences, f"{reading.reader}: occurrences of {case.file}"


def test_available_readers_agree_with_each_other(corpus_text) -> None:
    """The same check across readers at once, with a readable diff when they part ways."""
    compared = 0
    for case in CASES:
        names = [n for n in readers.DEFAULT_READERS if n not in case.known]
        readings = readers.read_all(corpus_text(case.file), case.window, names)
        if len(readings) < 2:
            continue
        compared += 1
        assert readers.disagreements(readings) == [], case.file
    if compared == 0:
        pytest.skip("fewer than two readers installed: "
                    + "; ".join(filter(None, map(readers.unavailable_reason, readers.DEFAULT_READERS))))


def test_disagreements_reports_moved_occurrence() -> None:
    a = readers.Reading("a", [EventReading("u", None, "2024-01-01", "2024-01-02")], {"u": ["2024-01-01", "2024-01-08"]})
    b = readers.Reading("b", [EventReading("u", None, "2024-01-01", "2024-01-02")], {"u": ["2024-01-01", "2024-01-09"]})
    (line,) = readers.disagreements({"a": a, "b": b})
    assert "only a: ['2024-01-08']" in line and "only b: ['2024-01-09']" in line


def test_xwr_timezone_reader_is_available_but_not_default() -> None:
    """recurring_ical_events_xwr answers 'what did Google mean', not 'what does the file say'."""
    assert "recurring_ical_events_xwr" in readers.READERS
    assert "recurring_ical_events_xwr" not in readers.DEFAULT_READERS


def test_unknown_reader_has_a_reason() -> None:
    assert readers.unavailable_reason("no-such-reader") == "unknown reader 'no-such-reader'"
