"""``ics_bridge.io.fastics`` writes exactly what icalendar writes."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar
from icalendar.parser.string import _foldline

from ics_bridge.io.fastics import component_to_ical, fold

CORPUS = Path(__file__).resolve().parent / "corpus" / "ics"

_chars = st.sampled_from(list("abc XYZ;:,\\^\"é日本😀ß\t") + ["\u0301", "Ω"])


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=_chars, max_size=400))
def test_fold_matches_icalendar(line: str) -> None:
    assert fold(line) == _foldline(line).encode("utf-8")


def test_fold_edges() -> None:
    for n in range(60, 160):
        for tail in ("", "\\", "^", "\\n", "é", "日", "😀"):
            for line in ("a" * n + tail, tail * (n // 8 + 1) + "b" * n, ("x" * 73 + "\\") * 3 + tail):
                assert fold(line) == _foldline(line).encode("utf-8"), (n, tail)


def test_component_to_ical_matches_on_corpus() -> None:
    checked = 0
    for path in sorted(CORPUS.glob("*.ics")):
        try:
            cal = Calendar.from_ical(path.read_bytes().decode("utf-8", "replace"))
        except Exception:  # noqa: BLE001 - unreadable corpus files are not the point here
            continue
        assert component_to_ical(cal) == cal.to_ical(), path.name
        for event in cal.walk("VEVENT"):
            assert component_to_ical(event) == event.to_ical()
        checked += 1
    assert checked > 100


# ------------------------------------------------------------------------------------------------

import json  # noqa: E402

from icalendar.parser.content_line import Contentline  # noqa: E402

from ics_bridge.io import fastics  # noqa: E402

_pieces = st.sampled_from(list('ab;:="\\,^ \tXé日') + ["DTSTART", "TZID=", "VALUE=DATE", "\\:", "\\;"])


@settings(max_examples=1000, deadline=None)
@given(st.lists(_pieces, max_size=25), st.booleans())
def test_raw_parts_matches_icalendar(pieces: list[str], strict: bool) -> None:
    line = Contentline("".join(pieces), strict=strict)

    def outcome(fn):  # type: ignore[no-untyped-def]
        try:
            name, params, value = fn(line)
            return name, dict(params), value
        except ValueError as exc:
            return type(exc), str(exc)

    assert outcome(fastics._raw_parts) == outcome(Contentline.raw_parts)


def test_patched_parse_and_write_identical_on_corpus() -> None:
    checked = 0
    for path in sorted(CORPUS.glob("*.ics")):
        text = path.read_bytes().decode("utf-8", "replace")
        try:
            plain = Calendar.from_ical(text, multiple=True)
        except Exception as exc:  # noqa: BLE001
            with fastics.patched():
                try:
                    Calendar.from_ical(text, multiple=True)
                except Exception as fast_exc:  # noqa: BLE001
                    assert type(fast_exc) is type(exc)
                    continue
            raise AssertionError(f"{path.name}: fast path read what icalendar refused")
        with fastics.patched():
            fast = Calendar.from_ical(text, multiple=True)
            fast_bytes = [c.to_ical() for c in fast]
        assert [c.to_ical() for c in plain] == fast_bytes, path.name
        assert fast == plain, path.name
        checked += 1
    assert checked > 100
    assert Contentline.raw_parts is not fastics._raw_parts  # restored


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=30)


@settings(max_examples=500, deadline=None)
@given(_json)
def test_dumps_matches_json(value) -> None:  # type: ignore[no-untyped-def]
    assert fastics.dumps(value) == json.dumps(value, indent=2, ensure_ascii=False)


# ------------------------------------------------------------------------------------------------
# The writer: component_to_ical walks the tree itself; every line must be icalendar's own.
# ------------------------------------------------------------------------------------------------

from datetime import date, datetime, timedelta, timezone, tzinfo  # noqa: E402
from zoneinfo import ZoneInfo  # noqa: E402

import pytest  # noqa: E402
from bench_generator import generator  # noqa: E402
from dateutil import tz as dateutil_tz  # noqa: E402
from icalendar import Alarm, Component, Event, Parameters  # noqa: E402
from icalendar.prop import (  # noqa: E402
    vCalAddress, vCategory, vDDDLists, vDDDTypes, vInt, vRecur, vText, vUnknown, vUri)

import ics_bridge  # noqa: E402
from ics_bridge.io import ics as ics_io  # noqa: E402
from ics_bridge.report import Report  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def _outcome(fn, *args):  # type: ignore[no-untyped-def]
    """Bytes, or the type of the exception (icalendar asserts, and raises on bad parameter values)."""
    try:
        return fn(*args)
    except Exception as exc:  # noqa: BLE001
        return type(exc)


def _assert_writes_like_icalendar(component: Component, label: str = "") -> None:
    """The component and each of its subcomponents, sorted and unsorted."""
    for comp in [component, *component.subcomponents]:
        for sort in (True, False):
            expected = _outcome(comp.to_ical, sort)
            assert _outcome(component_to_ical, comp, sort) == expected, (label, comp.name, sort)


def _hubs(data: bytes):  # type: ignore[no-untyped-def]
    """The hub read from ``data`` (ICS), then re-read after a trip through Graph and Google."""
    try:
        hub = ics_io.parse_calendar(data, Report())
    except ics_bridge.InputError:
        return
    yield "hub", hub
    for target in ("graph", "google"):
        try:
            out = ics_bridge.convert(data, to=target).data
            again = ics_bridge.convert(out, to="ics", source=target).calendar  # the hub at the library edge
        except ics_bridge.InputError:
            continue
        yield target, again
        ics_io.serialize(again)  # adds VTIMEZONEs and VALUE params: the calendar as it is written
        yield f"{target}+serialize", again


def test_writer_matches_icalendar_on_corpus_and_hubs() -> None:
    checked = 0
    for path in sorted(CORPUS.glob("*.ics")):
        data = path.read_bytes()
        try:
            plain = Calendar.from_ical(data.decode("utf-8", "replace"), multiple=True)
        except Exception:  # noqa: BLE001
            plain = []
        for cal in plain:
            _assert_writes_like_icalendar(cal, path.name)
            for event in cal.walk("VEVENT"):
                _assert_writes_like_icalendar(event, path.name)
        for label, hub in _hubs(data):
            _assert_writes_like_icalendar(hub, f"{path.name}:{label}")
        checked += 1
    assert checked > 100


@pytest.mark.parametrize("source", ["graph", "google"])
def test_writer_matches_icalendar_on_json_corpus(source: str) -> None:
    checked = 0
    for path in sorted((CORPUS.parent / source).glob("*.json")):
        try:
            hub = ics_bridge.convert(path.read_bytes(), to="ics", source=source).calendar  # at the library edge
        except ics_bridge.InputError:
            continue
        _assert_writes_like_icalendar(hub, path.name)
        ics_io.serialize(hub)
        _assert_writes_like_icalendar(hub, path.name + "+serialize")
        checked += 1
    assert checked > 10


def test_writer_matches_icalendar_on_bench_generator(tmp_path: Path) -> None:
    ics = tmp_path / "cal.ics"
    generator().write_ics(ics, 120, seed=3)
    data = ics.read_bytes()
    _assert_writes_like_icalendar(Calendar.from_ical(data), "bench")
    for label, hub in _hubs(data):
        _assert_writes_like_icalendar(hub, label)


# -- Hypothesis: awkward parameters, text, date-times, component names -----------------------------

class _NamedUTC(tzinfo):
    """A zone icalendar cannot identify, so is_utc() falls back on its tzname()."""

    def utcoffset(self, dt):  # type: ignore[no-untyped-def]
        return timedelta(0)

    def tzname(self, dt):  # type: ignore[no-untyped-def]
        return "UTC"

    def dst(self, dt):  # type: ignore[no-untyped-def]
        return timedelta(0)


_ZONES = [None, timezone.utc, timezone(timedelta(hours=2)), timezone(timedelta(0), "UTC"),
          ZoneInfo("Europe/Berlin"), ZoneInfo("UTC"), ZoneInfo("Etc/UTC"), dateutil_tz.gettz("America/New_York"),
          dateutil_tz.tzutc(), _NamedUTC()]

_pchar = st.sampled_from(list("aZ ;:,\"'^\\\t=é日😀’") + ["\n", "\r", "\r\n", "^n", "^^", "\ufeff", "UTC"])
_ptext = st.lists(_pchar, max_size=8).map("".join)
_pvalue = st.one_of(
    _ptext, _ptext, st.just("UTC"), st.just(""),
    st.lists(_ptext, max_size=3), st.tuples(_ptext, _ptext),
    st.builds(vText, _ptext))
_odd_pvalue = st.one_of(st.integers(0, 9), st.lists(st.integers(0, 3), min_size=1, max_size=2), st.none())
_pkey = st.sampled_from(["CN", "cn", "ALTREP", "TZID", "Tzid", "LANGUAGE", "X-FOO", "x-low", "DELEGATED-TO",
                         "MEMBER", "ROLE", "VALUE", "SENT-BY", "DIR", "X-TITLE", "X-ADDRESS", "LINKREL",
                         "RSVP", "X-ÜML", "\ufeffX-BOM"])
_params = st.dictionaries(_pkey, _pvalue, max_size=4)
_odd_params = st.dictionaries(_pkey, st.one_of(_pvalue, _odd_pvalue), max_size=4)

_tchar = st.sampled_from(list("ab ;:,\\\t\"^Né日😀") + ["\n", "\r", "\r\n", "\\N", "\\n", "\ufeff"])
_text = st.lists(_tchar, max_size=24).map("".join)
_no_crlf = _text.map(lambda s: s.replace("\r", "").replace("\n", ""))
_when = st.builds(datetime, st.integers(1, 9999), st.integers(1, 12), st.integers(1, 28), st.integers(0, 23),
                  st.integers(0, 59), st.integers(0, 59), tzinfo=st.sampled_from(_ZONES))
_day = st.builds(date, st.integers(1, 9999), st.integers(1, 12), st.integers(1, 28))
_dur = st.builds(timedelta, days=st.integers(-3, 3), seconds=st.integers(0, 90000))


def _with(prop, params: dict):  # type: ignore[no-untyped-def]
    for key, value in params.items():
        prop.params[key] = value
    return prop


_values = st.one_of(
    st.builds(lambda t, p: _with(vText(t), p), _text, _params),
    st.builds(lambda t, p: _with(vCalAddress("mailto:" + t), p), _no_crlf, _params),
    st.builds(lambda t, p: _with(vUri("https://x.example/" + t), p), _no_crlf, _params),
    st.builds(lambda t, p: _with(vUnknown(t), p), _no_crlf, _params),
    st.builds(lambda d, p: _with(vDDDTypes(d), p), st.one_of(_when, _day, _dur), _params),
    st.builds(lambda ds, p: _with(vDDDLists(ds), p), st.lists(st.one_of(_when, _day), min_size=1, max_size=3),
              _params),
    st.builds(lambda n, p: _with(vInt(n), p), st.integers(-5, 5), _params),
    st.builds(lambda cs, p: _with(vCategory(cs), p), st.lists(_text, min_size=1, max_size=3), _params),
    st.builds(lambda c: vRecur(freq="WEEKLY", count=c, byday=["MO", "-1FR"]), st.integers(1, 9)),
    _text,                                    # a plain str stored as it is
    _text.map(lambda s: s.encode("utf-8")),   # bytes stored as they are
)
_names = st.sampled_from(["SUMMARY", "DESCRIPTION", "ATTENDEE", "DTSTART", "X-A", "X-B", "RDATE", "CATEGORIES",
                          "COMMENT", "UID"])


@st.composite
def _components(draw):  # type: ignore[no-untyped-def]
    comp = draw(st.sampled_from([Event, Calendar, Alarm, Component]))()
    if type(comp) is Component:
        comp.name = draw(st.sampled_from(["X-THING", "X-A;B", "X-A,B\\", "X-ÜBER"]))
    for name in draw(st.lists(_names, max_size=6)):
        values = draw(st.lists(_values, min_size=1, max_size=3))
        comp[name] = values if len(values) > 1 else values[0]
    for _ in range(draw(st.integers(0, 2))):
        sub = Alarm()
        sub["DESCRIPTION"] = draw(_values)
        comp.add_component(sub)
    return comp


@settings(max_examples=1500, deadline=None)
@given(_components())
def test_writer_matches_icalendar_on_awkward_components(comp: Component) -> None:
    _assert_writes_like_icalendar(comp)


@settings(max_examples=300, deadline=None)
@given(st.builds(lambda t, p: _with(vText(t), p), _text, _odd_params),
       st.builds(lambda t, p: _with(vUnknown(t), p), _text, _params))
def test_writer_raises_like_icalendar(text: vText, unknown: vUnknown) -> None:
    """Parameter values icalendar cannot write (int, None, lists of int) and UNKNOWN values holding a
    line feed: the same exception type from both writers, or the same bytes."""
    event = Event()
    event["SUMMARY"] = text
    event["X-RAW"] = unknown
    _assert_writes_like_icalendar(event)


def test_writer_falls_back_for_unknown_shapes() -> None:
    """Parameter objects that are not plain ``Parameters``, to_ical results that are not text,
    line feeds (icalendar asserts), subclasses overriding generation: icalendar's own output."""

    class MyParams(Parameters):
        def to_ical(self, sorted: bool = True) -> bytes:  # noqa: A002
            return b"X-MINE=1"

    class Odd:
        params = Parameters({"CN": "a b"})

        def to_ical(self) -> str:
            return "odd:value"

    class Loud(Event):
        def content_line(self, name, value, sorted=True):  # type: ignore[no-untyped-def]
            return super().content_line(name.lower(), value, sorted)

    event = Event()
    event["SUMMARY"] = vText("hi", params=None)
    event["SUMMARY"].params = MyParams({"LANGUAGE": "de"})
    event["X-ODD"] = Odd()
    event["X-NUM"] = 5
    _assert_writes_like_icalendar(event)
    loud = Loud()
    loud.add("SUMMARY", "a;b")
    assert component_to_ical(loud) == loud.to_ical()
    bad = Event()
    bad["X-LF"] = vUnknown("a\nb")
    with pytest.raises(AssertionError):
        component_to_ical(bad)


def test_writer_cases_worth_naming() -> None:
    """A few of icalendar's rules, spelled out: TZID=UTC skipped, always-quoted keys, CN quoted on a
    space or apostrophe, ``"`` → RFC 6868 ``^'``, lists joined with commas, a leading BOM dropped."""
    event = Event()
    event.add("DTSTART", datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc))
    event["DTSTART"].params["TZID"] = "UTC"
    event.add("ATTENDEE", "mailto:a@example.org", parameters={
        "cn": "O'Brien", "delegated-to": ["mailto:b@x", "mailto:c@x"], "x-q": 'say "hi"; now'})
    event.add("DESCRIPTION", "\ufefftext, with; all\\ kinds\r\nof\nlines\\N")
    event.add("LOCATION", "Room", parameters={"ALTREP": "cid:x", "LANGUAGE": "fr"})
    expected = event.to_ical()
    assert component_to_ical(event) == expected
    assert b"DTSTART:20240102T030405Z" in expected
    assert b'CN="O\'Brien"' in expected
    assert b'DELEGATED-TO="mailto:b@x","mailto:c@x"' in expected
    assert b'ALTREP="cid:x"' in expected
