"""The shared .ics front's shortcuts (``h-front5``) held to what they stand for.

* ``lines.decode_marked`` says "no blank line" only for texts without one, so
  ``ics_model._sound_reader`` may skip its own search (the whole decision is also held to the
  reference in ``tests/test_reader_fastpath.py``);
* ``timezones._iana_zones`` takes icalendar's list of tzdata names: it is the list
  ``zoneinfo.available_timezones()`` gives;
* the reader's line loop (``_Props.read``, split by ``partition``) reads with its head cache as
  without it (the general path, ``lines.head``/``lines.split``), odd lines included;
* quirks: ``rrule_checks._surely_valid`` only for rules :func:`rrule_checks.problem` passes
  (generated typed rules, every file's rules); the reordered guards of ``quirks._ON_ICALENDAR``
  decide as the old ones on every file's events;
* ``_Props.time``'s DATE-TIME reading (zone looked up first, each datetime made once) is
  icalendar's on generated values, refusals and zones included;
* ``timezones._with_tzid_cached`` (memo by identity) is ``_with_tzid``.  The zone step's
  rebuilt events are held to the per-value reference by ``tests/test_zones_fastpath.py``.
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ics_bridge import timezones
from ics_bridge.io import lines

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted([*ROOT.glob("tests/corpus/ics/*.ics"), *ROOT.glob("tests/producers/*.ics"),
                *ROOT.glob("tests/hostile/**/*.ics"), *ROOT.glob("samples/**/*.ics")])


def _assert_marked(data: bytes | str) -> None:
    text, problems, blank = lines.decode_marked(data)
    assert (text, problems) == lines.decode(data)
    if not blank:
        assert "\n\n" not in text, repr(data[:200])


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_blank_line_is_missed_on_any_file(path: Path) -> None:
    _assert_marked(path.read_bytes())


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(["\r\n", "\n", "\r", " ", "\t", "X:1", "\u00e9", "\xef\xbb\xbf", "\r\n ", "\n\t"]),
                max_size=14))
def test_no_blank_line_is_missed_on_generated_line_ends(pieces: list[str]) -> None:
    text = "".join(pieces)
    _assert_marked(text.encode("utf-8", "surrogatepass"))
    _assert_marked(text)


def test_blank_lines_are_marked() -> None:
    assert lines.decode_marked(b"A:1\r\n\r\nB:2\r\n")[2]
    assert lines.decode_marked(b"A:1\n\n B:2\n")[2]
    assert not lines.decode_marked(b"A:1\r\n B:2\r\n\tC\r\n")[2]


def test_the_tzdata_names_are_zoneinfos() -> None:
    timezones._iana_zones.cache_clear()
    try:
        assert timezones._iana_zones() == frozenset(zoneinfo.available_timezones())
    finally:
        timezones._iana_zones.cache_clear()


# -------------------------------------------------------------------------- the line loop

from hostile.cases import HEAD, FOOT, vevent  # noqa: E402
from ics_bridge import model as m  # noqa: E402
from ics_bridge.io import model_reader  # noqa: E402
from test_reader_fastpath import _reading as _typed_reading  # noqa: E402


class _Forgetful(dict):  # type: ignore[type-arg]
    """A head table that keeps nothing: every line takes the general path (``lines.head``,
    ``lines.split``), the reading the cached one must equal."""

    def __setitem__(self, key: object, value: object) -> None:
        pass


def _assert_reads_as_reference(data: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = _typed_reading(data)
    with monkeypatch.context() as patch:
        for table in (model_reader._EVENT, model_reader._ALARM):
            patch.setattr(table, "heads", _Forgetful())
        assert _typed_reading(data) == fast


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_cached_heads_read_every_file_as_the_general_path(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _assert_reads_as_reference(path.read_bytes(), monkeypatch)


ODD_LINES = ["SUMMARY", "SUMMARY:first", "DTSTART;TZID=Europe/Berlin", "DTSTART;TZID=Europe/Berlin:20260310T090000",
             ":no name", "", "X-A;P=\"a:b\":v", "X-A;P=\"a:b\"", "ATTENDEE;CN=x:mailto:x@example.org", "ATTENDEE;CN=x",
             "DESCRIPTION:a\\nb", "DESCRIPTION", "x y:z", "UID", "UID:"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(ODD_LINES), max_size=8))
def test_cached_heads_read_odd_lines_as_the_general_path(picked: list[str]) -> None:
    # a line without a colon spelled as a head seen before, empty heads, quoted colons
    data = (HEAD + vevent("a", *ODD_LINES) + vevent("b", *picked) + FOOT).encode()
    with pytest.MonkeyPatch.context() as patch:
        _assert_reads_as_reference(data, patch)


def test_the_tzid_memo_is_the_computation() -> None:
    """``timezones._with_tzid_cached`` (by identity) equals ``_with_tzid`` for equal parameter
    lists held in distinct objects, fresh ones and ones the memo has seen."""
    sections = [(), (m.Param("TZID", ("A",)),), (m.Param("VALUE", ("DATE-TIME",)), m.Param("TZID", ("B",))),
                (m.Param("X", ("1",)),)]
    for _ in range(3):
        for section in sections:
            copy = tuple(m.Param(p.name, tuple(p.values)) for p in section)
            for tzid in (None, "Europe/Berlin", "B"):
                for params in (section, copy):
                    assert timezones._with_tzid_cached(params, tzid) == timezones._with_tzid(params, tzid)


# -------------------------------------------------------------------------- quirks

from ics_bridge import quirks  # noqa: E402
from ics_bridge.io.model_reader import parse_recur  # noqa: E402
from ics_bridge.quirks import rrule_checks  # noqa: E402

_PART_VALUES = st.one_of(st.none(), st.integers(-400, 400), st.booleans(), st.sampled_from(["3", "5L", "x", ""]))
_PART_TUPLES = st.one_of(st.none(), st.lists(_PART_VALUES, max_size=3).map(tuple))


@settings(max_examples=3000, deadline=None)
@given(freq=st.sampled_from([None, "DAILY", "WEEKLY", "weekly", "FORTNIGHTLY", 3]), count=_PART_VALUES,
       interval=_PART_VALUES, parts=st.dictionaries(st.sampled_from([k for k, *_ in rrule_checks._TYPED_RANGES]),
                                                    _PART_TUPLES, max_size=4),
       other=st.sampled_from([(), (("X-A", "1"),), (("BYMONTH", "13"),)]))
def test_a_rule_surely_valid_has_no_problem(freq: object, count: object, interval: object, parts: dict,
                                            other: tuple) -> None:
    rule = m.Recur("FREQ=DAILY", freq=freq, count=count, interval=interval, other=other, **parts)  # type: ignore[arg-type]
    if rrule_checks._surely_valid(rule):
        assert rrule_checks.problem(rrule_checks._Parts(rule)) is None


def test_surely_valid_rules_of_every_file() -> None:
    seen = valid = 0
    for path in FILES:
        text, _ = lines.decode(path.read_bytes())
        for line in text.split("\n"):
            if line.upper().startswith(("RRULE:", "EXRULE:")):
                try:
                    rule = parse_recur(line.partition(":")[2])
                except (ValueError, TypeError):
                    continue
                seen += 1
                if rrule_checks._surely_valid(rule):
                    valid += 1
                    assert rrule_checks.problem(rrule_checks._Parts(rule)) is None, line
    assert seen > 100 and valid > 50


_OLD_GUARDS = {
    "dtstart_until": lambda e: e.start is not None and any(r.until is not None for r in e.rrules),
    "all_day_exdate": lambda e: not isinstance(e.start, (m.ZonedDateTime, type(None))) and bool(e.exdates or e.rdates),
    "exrule": lambda e: e.start is not None and bool(e.exrules),
}


def test_the_reordered_quirk_guards_decide_as_before() -> None:
    from ics_bridge.io.ics_model import read_model
    from ics_bridge.report import Report
    checked = 0
    for path in FILES:
        try:
            cal = read_model(path.read_bytes(), Report())
        except Exception:  # noqa: BLE001 - a hostile file the reader refuses
            continue
        for series in cal.series:
            for event in (*([series.master] if series.master else []), *series.overrides):
                for quirk, guard in quirks._ON_ICALENDAR.items():
                    old = _OLD_GUARDS[quirk.__name__.rsplit(".", 1)[-1]]
                    assert bool(guard(event)) == bool(old(event))
                    checked += 1
    assert checked > 1000


# -------------------------------------------------------------------------- DATE-TIME values

_ZONE_FILE = (HEAD + "BEGIN:VTIMEZONE\r\nTZID:Custom Zone\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n"
              "TZOFFSETFROM:+0300\r\nTZOFFSETTO:+0300\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n" + FOOT).encode()


def _shape(value: object) -> object:
    """A value as compared: icalendar caches VTIMEZONEs per process (``timezones._own_tz``), so
    its tzinfo for a TZID another test defined may be that one; the zone says which it is."""
    if isinstance(value, m.ZonedDateTime):
        return value.dt.replace(tzinfo=None), value.dt.tzinfo is None, value.zone
    return value


@settings(max_examples=3000, deadline=None)
@given(day=st.tuples(st.integers(1890, 2110), st.integers(0, 13), st.integers(0, 32)),
       clock=st.tuples(st.integers(0, 25), st.integers(0, 60), st.integers(0, 61)), utc=st.booleans(),
       tzid=st.sampled_from([None, "Europe/Berlin", "Nowhere/Zone", "Custom Zone", "W. Europe Standard Time"]))
def test_date_times_read_as_icalendar_reads_them(day: tuple[int, int, int], clock: tuple[int, int, int], utc: bool,
                                                  tzid: str | None) -> None:
    """``_Props.time``'s own reading of ``YYYYMMDDTHHMMSS[Z]`` (the zone looked up first, each
    datetime made once) is icalendar's (``time_by_icalendar``), refusals included."""
    raw = "%04d%02d%02dT%02d%02d%02d" % (*day, *clock) + ("Z" if utc else "")
    params = (m.Param("TZID", (tzid,)),) if tzid else ()
    props = model_reader._Props(model_reader.IcsReader(_ZONE_FILE), model_reader._EVENT)
    try:
        expected = _shape(props.time_by_icalendar("DTSTART", params, raw))
    except (ValueError, TypeError, OverflowError):
        expected = "refused"
    if tzid and utc and expected != "refused":  # a TZID beside ``Z``: the zone's wall clock, else UTC (odd)
        zone = props.reader.zone(tzid)
        wall = datetime(*day, *clock)
        expected = (wall, False, zone if zone.tzinfo is not None else model_reader.UTC_ZONE)
    try:
        value = props.time("DTSTART", params, raw)
    except (ValueError, TypeError, OverflowError):
        value = "refused"
    assert _shape(value) == expected
    if isinstance(value, m.ZonedDateTime):  # in its zone's tzinfo (UTC's for ``Z``), naive without one
        assert value.dt.tzinfo is (timezone.utc if value.zone.kind == "utc" else value.zone.tzinfo)
