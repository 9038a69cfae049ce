"""Issue 6, interoperability: the .ics that ics-bridge WRITES reads the same in independent parsers.

For every file of ``tests/corpus/ics`` (read into the hub and written again), ``tests/corpus/graph``
and ``tests/corpus/google`` that converts to iCalendar, the bytes of ``convert(...).to_bytes()``
are read by every independent reader of ``tests/interop/readers.py`` (ical.js and libical outside
Python; ical, recurring_ical_events and vobject inside), and each reading must equal OUR meaning,
computed from the hub calendar with the project's own expansion (``ics_bridge.validate``):

* events: per VEVENT (UID, RECURRENCE-ID, start, end) as instants (UTC ``…Z``), wall time for
  floating values, the date for all-day ones (``validate.instant_text``, the readers' format);
* occurrences: per UID, every start in :data:`WINDOW` after RRULE/RDATE expansion, EXDATE and
  overrides (``validate.expand_series``, horizon stretched to the window's end), the first
  :data:`readers.MAX_OCCURRENCES` of them, as the readers bound theirs.

Two conventions make our meaning answer the readers' question, not a looser one:

* a STATUS:CANCELLED override still has its start in the set: none of the readers interprets
  STATUS (the property itself is written and is checked elsewhere); what is compared is where
  the override's instant is, which every reader must place where we do;
* of two master VEVENTs with one UID (twins) only the first is expanded, as the readers do.

A reader that misreads a construct we write is a strict xfail in :data:`KNOWN` with the reason
and the evidence, per (file, reader), so a fix on either side shows up as XPASS; a reader that is
not installed skips with the reason (``readers.require``).  The subprocess readers run once for
the whole corpus (``readers.read_many``), so the module takes seconds, not minutes.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pytest

import ics_bridge
from ics_bridge import InputError
from ics_bridge import model as m
from ics_bridge.series import group_series
from ics_bridge.validate import Horizon, calendar_meanings, expand_series, instant_text
from ics_bridge.edge import calendar_to_model
from interop import readers
from interop.readers import EventReading, Reading

CORPUS = Path(__file__).parent / "corpus"
WINDOW = ("2000-01-01T00:00:00Z", "2031-01-01T00:00:00Z")
WINDOW_END_YEAR = 2031
MAX_EXPANDED = 200_000  # per series, before the window filter; the readers stop at 100 000 steps
SOURCES = (("ics", "*.ics"), ("graph", "*.json"), ("google", "*.json"))
FILES = [f"{fmt}/{path.name}" for fmt, pattern in SOURCES for path in sorted((CORPUS / fmt).glob(pattern))]


# ------------------------------------------------------------------------------------------
# Known disagreements: (file, reader) -> reason with evidence.  "OUR" marks the ones where the
# .ics we write (or our own meaning of it) is at fault rather than the reader.
# ------------------------------------------------------------------------------------------

_ICAL_UTC_RID = (
    "ical (allenporter) does not match a RECURRENCE-ID written in UTC against a series in a TZID "
    "(Europe/Berlin/America/Los_Angeles): it keeps the generated instance AND adds the override; "
    "ical.js, libical, recurring_ical_events and vobject replace the instance as we do")
_COUNT_ICALJS = (
    "ical.js 2.2.1 yields 8 instances of RRULE:FREQ=MONTHLY;COUNT=9;INTERVAL=1;BYDAY=+3WE;"
    "BYMONTH=1,2,3,4,5,9,10,11,12;WKST=MO from 2023-09-20 (measured with the rule alone, without RDATE and "
    "EXDATE), missing 2024-05-15; libical, dateutil and our expansion give 9. (Its crash on RDATE;VALUE=PERIOD "
    "no longer applies: ics-bridge writes a period as an RDATE plus an override, quirks/rdate_period.py)")
_RDATE_NO_RRULE = (
    "a series made of DTSTART and one RDATE only (no RRULE): {reader} omits the DTSTART instance "
    "(2014-08-29T12:00Z) that RFC 5545 3.8.5.3 counts as the first, and libical, recurring_ical_events, vobject keep"
    "{detail}")
_RSCALE_OURS = (
    "OUR meaning, not the file: RFC 7529 RSCALE/SKIP are written as read, but validate.expand_series expands "
    "every RSCALE as GREGORIAN and knows SKIP=BACKWARD only, so 4.3.1 (RSCALE=CHINESE) and 4.3.3/4.3.4 "
    "(SKIP=FORWARD) differ from a reader that implements RFC 7529")
_UNSYNCED_DTSTART = (
    "the written DTSTART (Mon 2020-11-02, from Outlook) does not match its RRULE (BYDAY=TH,FR): RFC 5545 "
    "3.3.10 leaves that recurrence set undefined; our meaning counts DTSTART (3.8.5.3) as "
    "recurring_ical_events and vobject do, ical.js/libical/ical drop it")
_UNSYNCED_DTSTART_COUNT = (
    "KOrganizer 3.1 wrote DTSTART:20030314T030000Z (Thu evening in California, Fri in UTC) with "
    "BYDAY=2TH;COUNT=12: a DTSTART off its RRULE, whose recurrence set RFC 5545 3.3.10 leaves undefined; "
    "our meaning counts DTSTART beside the 12 (3.8.5.3), as recurring_ical_events does; {detail}")
_DATETIME_RID_ALL_DAY = (
    "OUR output: an all-day (VALUE=DATE) series gets an override with a DATE-TIME RECURRENCE-ID in a TZID "
    "({detail}), written as read; RFC 5545 3.8.4.4 wants the master's value type. Our meaning takes its "
    "local date, the readers its instant and match no instance (the Graph/Google writers repair this, "
    "vevent.py, the .ics writer does not)")
_UNSYNCED_ICAL_PARSER = (
    "two series whose DTSTART does not match their RRULE (BYMONTHDAY=23 from the 22nd; last Sunday of "
    "October from 2016-01-19), undefined by RFC 5545 3.3.10: ical.js, libical and ical drop that DTSTART "
    "(2016-09-22T13:00Z, 2016-01-19), our meaning counts it (3.8.5.3). (The VALUE=DATE once kept on a "
    "DATE-TIME value is no longer written: io/ics.py _date_params)")
_TWIN_MASTERS = (
    "the file has two master VEVENTs for UID 111 (one with EXDATE 2024-08-19, one without), written as read; "
    "RFC 5545 allows one: {detail}")
_ORPHAN_OVERRIDE_DUP = (
    "the (khal test) override's RECURRENCE-ID 2014-07-07T07:00 Europe/Amsterdam names no instance and its "
    "DTSTART equals the master's (2014-04-09T07:30Z): this reader lists that instant twice, our meaning is a set")
_RANGE = (
    "RECURRENCE-ID;RANGE=THISANDFUTURE (written as read): readers disagree with each other; our meaning "
    "shifts every later instance (RFC 5545 3.8.4.4), as ical.js and recurring_ical_events do; {detail}")

KNOWN: dict[tuple[str, str], str] = {
    # ---- ours: RSCALE/SKIP not expanded by validate
    ("ics/icalendar__rfc_7529.ics", "icaljs"): _RSCALE_OURS,
    ("ics/icalendar__rfc_7529.ics", "libical"): _RSCALE_OURS,
    ("ics/icalendar__rfc_7529.ics", "ical"): "ical refuses RSCALE in RRULE ('Input should be a valid integer'); " + _RSCALE_OURS,
    ("ics/icalendar__rfc_7529.ics", "recurring_ical_events"):
        "recurring_ical_events refuses RSCALE=CHINESE without UNTIL (BadRuleStringFormat); " + _RSCALE_OURS,
    ("ics/icalendar__rfc_7529.ics", "vobject"): "vobject: dateutil 'unknown parameter RSCALE'; " + _RSCALE_OURS,
    # ---- unsynchronised DTSTART
    **{("ics/node-ical__Office-2012-owa.ics", r): _UNSYNCED_DTSTART for r in ("icaljs", "libical", "ical")},
    # issue 17: read at last (a fold after each name); both DTSTARTs are in UTC, a day off their BYDAY
    **{("ics/ical4j__korganizer_sample.ics", r): _UNSYNCED_DTSTART_COUNT.format(
        detail="ical.js/libical/ical drop DTSTART" if r != "vobject" else "vobject counts DTSTART as one of COUNT=12")
       for r in ("icaljs", "libical", "ical", "vobject")},
    # ---- RDATE PERIOD
    ("ics/icalendar__period_with_timezone.ics", "icaljs"): _COUNT_ICALJS,
    ("ics/recurring-ical-events__issue_113_period_in_rdate.ics", "icaljs"): _COUNT_ICALJS,
    ("ics/icalendar__issue_722_missing_timezones.ics", "icaljs"): _RDATE_NO_RRULE.format(
        reader="ical.js", detail=" (measured on a three-line event: DTSTART, DTEND, RDATE)"),
    ("ics/libical__2446.ics", "ical"):
        "ical (allenporter) refuses the whole calendar over a VTODO's 'REQUEST-STATUS:2.0' (the RFC 2446 example, "
        "written as read; RFC 5545 3.8.8.3 wants a status code and a description): 'Failed to validate '2.0' "
        "as RequestStatus'",
    # ---- ical and UTC RECURRENCE-IDs
    ("ics/ical.js__recur_instances.ics", "ical"): _ICAL_UTC_RID,
    ("ics/khal__event_rrule_recuid_cancelled.ics", "ical"): _ICAL_UTC_RID,
    ("ics/khal__mult_uids_and_recuid_no_order.ics", "ical"): _ICAL_UTC_RID,
    ("ics/icalendar__issue_156_RDATE_with_PERIOD_TZID_khal_2.ics", "ical"): _RANGE.format(
        detail="the override is RECURRENCE-ID;RANGE=THISANDFUTURE:20211101T150000Z; ical keeps the instances "
               "it replaces (2021-12-06, 2022-01-03, 2022-02-07 15:00Z) as well"),
    ("ics/recurring-ical-events__issue_75_range_parameter.ics", "libical"): _RANGE.format(
        detail="libical's reading (RecurIterator; tests/interop/libical_read.py applies overrides by "
               "RECURRENCE-ID only) ignores RANGE and moves the overridden instance alone (2024-09-17 stays 12:00Z)"),
    ("ics/recurring-ical-events__issue_75_range_parameter.ics", "vobject"): _RANGE.format(
        detail="vobject has no RANGE support: only the overridden instance moves (2024-09-17 stays 12:00Z)"),
    ("ics/recurring-ical-events__issue_75_range_parameter.ics", "ical"): _RANGE.format(
        detail="ical keeps instances the overrides replace (2024-09-13, -15, -21 12:00Z)"),
    ("ics/recurring-ical-events__recurring_events_changed_duration.ics", "ical"): _DATETIME_RID_ALL_DAY.format(
        detail="RECURRENCE-ID;TZID=Europe/Berlin:20190310T020000 on DTSTART;VALUE=DATE; ical also drops the TZID"),
    # ---- ics-parser's sample: ours and unsynchronised DTSTARTs
    **{("ics/ics-parser__ICal.ics", r): _UNSYNCED_ICAL_PARSER for r in ("icaljs", "libical", "ical")},
    # ---- other written-as-read invalid constructs (ours, minor) that a strict reader refuses
    ("ics/libical__2446.ics", "recurring_ical_events"):
        "the (RFC 2446 example) input's VEVENTs without DTSTART are written as read under METHOD:PUBLISH, which "
        "RFC 5546 requires DTSTART for; recurring_ical_events refuses the whole calendar (KeyError 'DTSTART')",
    ("ics/recurring-ical-events__issue_163_deleted_modification.ics", "ical"):
        _TWIN_MASTERS.format(detail="ical expands all of them (334 starts vs 112)"),
    ("ics/recurring-ical-events__issue_163_deleted_modification.ics", "recurring_ical_events"):
        _TWIN_MASTERS.format(detail="recurring_ical_events applies the second master's EXDATE to the override of 2024-08-19"),
    ("ics/khal__event_dt_multi_recuid_no_master.ics", "ical"):
        "overrides without a master that carry an RRULE (the khal test input, written as read): ical expands "
        "their RRULEs, every other reader and our meaning take each override as one occurrence",
    # ---- reader bugs on valid constructs
    ("ics/node-ical__windows-quoted-tz-rrule.ics", "recurring_ical_events"):
        "recurring_ical_events matches EXDATE;TZID=America/Los_Angeles:20150708T120000 against the "
        "America/New_York series by wall time (12:00 = 12:00) and removes 2015-07-08/10 16:00Z; as instants "
        "(19:00Z) they exclude nothing, which ical.js, libical, ical and vobject agree with",
    ("ics/icalendar__issue_722_missing_timezones.ics", "ical"): _RDATE_NO_RRULE.format(reader="ical", detail=""),
    # ---- master without RRULE but with EXDATEs and an override (Graph $select without recurrence)
    ("graph/beta__event-get__get_event_seriesMaster_expansion.response.json", "icaljs"):
        "the Graph response selects no 'recurrence', so we write a master WITHOUT RRULE plus EXDATEs and an "
        "override (RECURRENCE-ID 2020-05-21T11:30Z) naming an instance no rule generates: ical.js ignores "
        "that override, our meaning (and libical, ical, recurring_ical_events) adds it",
    ("graph/beta__event-get__get_event_seriesMaster_expansion.response.json", "vobject"):
        "the Graph response selects no 'recurrence', so we write a master WITHOUT RRULE plus EXDATEs: vobject's "
        "getrruleset then holds only the EXDATEs and loses DTSTART (2020-04-23T11:30Z)",
    # ---- orphan override on the master's start
    **{("ics/khal__cal_lots_of_timezones.ics", r): _ORPHAN_OVERRIDE_DUP
       for r in ("libical", "ical", "recurring_ical_events", "vobject")},
}


# ------------------------------------------------------------------------------------------
# Our meaning
# ------------------------------------------------------------------------------------------

@dataclass
class Written:
    file: str
    text: str | None  # the .ics we write; None when the file does not convert
    ours: Reading | None
    no_dtstart: list[str]  # "<uid>: no DTSTART" lines a reader rightly reports
    error: str | None = None


def _start_year(value: date | datetime) -> int:
    return value.year


def our_reading(cal) -> tuple[Reading, list[str]]:
    """OUR meaning of a hub calendar, in the readers' format (see the module doc)."""
    events: list[EventReading] = []
    no_dtstart: list[str] = []
    errors: list[str] = []  # where our own meaning cannot be computed: the comparison is void
    typed = calendar_to_model(cal)
    for meaning in calendar_meanings(typed, Horizon(1, 1)):
        if meaning.start is None:
            no_dtstart.append(f"{meaning.uid}: no DTSTART")
            continue
        events.append(EventReading(meaning.uid or "", meaning.recurrence_id, meaning.start, meaning.values["end"]))
    occurrences: dict[str, list[str]] = {}
    for series in group_series(typed.events):
        if series.uid in occurrences:
            continue  # a twin master: readers expand the first one only
        if series.master is None:  # orphan overrides: each is one occurrence
            occurrences[series.uid] = [s for o in series.overrides if (s := instant_text(o.start))]
            continue
        start = m.plain(series.master.start)
        if start is None:
            continue
        horizon = Horizon(max(1, WINDOW_END_YEAR - _start_year(start) + 1), MAX_EXPANDED)
        starts, truncated = expand_series(series.master, series.overrides, horizon)
        if isinstance(starts, str):
            errors.append(f"{series.uid}: our own expansion failed: {starts}")
            continue
        inside = [s for s in starts if readers.in_window(s, WINDOW)]
        if truncated and len(inside) < readers.MAX_OCCURRENCES and max(
                (readers.sort_key(s) for s in starts), default="") < readers.sort_key(WINDOW[1]):
            errors.append(f"{series.uid}: our expansion stopped at {MAX_EXPANDED} before the window's end")
        cancelled = [s for o in series.overrides
                     if (o.status or "").upper() == "CANCELLED" and (s := instant_text(o.start))]
        occurrences[series.uid] = list(starts) + cancelled
    return Reading("ics-bridge (validate)", events, readers._finish(occurrences, WINDOW), errors), no_dtstart


@functools.cache
def written(file: str) -> Written:
    fmt, name = file.split("/", 1)
    path = CORPUS / fmt / name
    try:
        conv = ics_bridge.convert(path.read_bytes(), to="ics", source=fmt, file=name)  # type: ignore[arg-type]
        text = conv.to_bytes().decode("utf-8")
    except InputError as err:
        return Written(file, None, None, [], error=str(err))
    ours, no_dtstart = our_reading(conv.calendar)
    return Written(file, text, ours, no_dtstart)


@functools.cache
def readings(reader: str) -> dict[str, Reading]:
    """Every converted corpus file read by ``reader``, in one batch."""
    files = [f for f in FILES if written(f).text is not None]
    got = readers.read_many(reader, [written(f).text for f in files], WINDOW)  # type: ignore[misc]
    return dict(zip(files, got))


# ------------------------------------------------------------------------------------------
# Tests
# ------------------------------------------------------------------------------------------

# Corpus files that are not valid documents (doc fragments, pseudo-JSON, a truncated response):
# they write no .ics; test_unwritable_files_fail_clearly holds each to a clear error instead.
UNWRITABLE_PREFIXES = ("graph/concepts__outlook-schedule-recurring-events__fragment",
                       "graph/beta__event-delta__event_delta_events.response.json",
                       "graph/v1.0__user-post-events__create_event_recurring.response.json",
                       "google/google-docs__recurringevents__create_recurring_request.pseudo.json")
WRITABLE = [f for f in FILES if not f.startswith(UNWRITABLE_PREFIXES)]


def _params():
    for file in WRITABLE:
        for reader in readers.DEFAULT_READERS:
            marks = []
            if (file, reader) in KNOWN:
                marks.append(pytest.mark.xfail(reason=f"{reader} on {file}: {KNOWN[(file, reader)]}", strict=True))
            yield pytest.param(file, reader, marks=marks, id=f"{file}-{reader}")


@pytest.mark.parametrize(("file", "reader"), list(_params()))
def test_reader_reads_what_we_mean(file: str, reader: str) -> None:
    readers.require(reader)
    out = written(file)
    assert out.text is not None, f"{file} wrote no .ics: {out.error}"
    reading = readings(reader)[file]
    assert out.ours is not None
    unexpected_errors = [e for e in reading.errors if e not in out.no_dtstart]
    problems = out.ours.errors + unexpected_errors + readers.disagreements({"ours": out.ours, reader: reading})
    assert problems == [], f"{reading.reader} reads the .ics we write for {file} differently:\n" + "\n".join(problems)


def test_corpus_converts_and_readers_are_here() -> None:
    """Guard against a green run that compared nothing: most of the corpus converts, and the
    readers the issue names are installed (a missing one is a skip above, shown here too)."""
    converted = [f for f in FILES if written(f).text is not None]
    assert len(converted) >= 240, f"only {len(converted)} of {len(FILES)} corpus files convert"
    missing = {n: r for n in readers.DEFAULT_READERS if (r := readers.unavailable_reason(n))}
    python_readers = [n for n in ("ical", "recurring_ical_events", "vobject") if n not in missing]
    if "icaljs" in missing or "libical" in missing or len(python_readers) < 2:
        pytest.skip(f"readers missing: {missing}")


def test_unwritable_files_fail_clearly() -> None:
    """The corpus files that are not valid documents write nothing and say why, naming the file
    and where the JSON breaks; every other file writes an .ics."""
    unwritable = [f for f in FILES if f not in WRITABLE]
    assert len(unwritable) == 18
    for file in unwritable:
        out = written(file)
        assert out.text is None
        assert out.error is not None and "invalid JSON at line" in out.error and file.split("/", 1)[1] in out.error


def test_known_disagreements_name_real_cases() -> None:
    """Every KNOWN entry names a corpus file and a reader, so a renamed file cannot leave a stale xfail."""
    stale = [key for key in KNOWN if key[0] not in FILES or key[1] not in readers.DEFAULT_READERS]
    assert stale == []
