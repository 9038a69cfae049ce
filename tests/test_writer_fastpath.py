"""The model writer's fast paths (``io/model_writer.py``, issue 12) write what its general path
writes, byte for byte: lines folded to UTF-8 as they are made (``fastics.fold``), the address lines
memoised per ``Address`` with the typed-field check done in the writer (``_typed_values``),
the VALARM lines memoised per ``Alarm``, the TZID text per zone, the sort keys as text.

``_write_calendar(..., fast=False)`` is the reference: every line through ``to_bytes``, no
memo, ``model_reader.address_fields`` for every address.
"""

from __future__ import annotations

import warnings
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar.parser.string import _foldline

import strategies
from ics_bridge import model as m
from ics_bridge.errors import InputError
from ics_bridge.io import model_writer as mw
from ics_bridge.io.fastics import fold
from ics_bridge.io.model_reader import address_fields, read_calendar
from ics_bridge.options import Options
from ics_bridge.pipeline import detect_json, load_json, read_hub

CORPUS = Path(__file__).resolve().parent / "corpus"
_OPTIONS = (("iana", False, False), ("windows", False, False), ("iana", True, False), ("iana", False, True))


def _both(cal: m.Calendar, style: str = "iana", keep: bool = False, source_order: bool = False) -> tuple[bytes, bytes]:
    fast = mw.write_calendar(cal, tzid_style=style, keep_without_start=keep, source_order=source_order)
    general = mw._write_calendar(cal, style, keep, source_order, fast=False)
    return fast, general


def _assert_same(cal: m.Calendar) -> None:
    for style, keep, source_order in _OPTIONS:
        fast, general = _both(cal, style, keep, source_order)
        assert fast == general, (style, keep, source_order)
        # again, with every memo warm
        assert mw.write_calendar(cal, tzid_style=style, keep_without_start=keep, source_order=source_order) == fast
    for event in cal.events:
        assert mw.event_lines(event) == _general_event_lines(event)


def _general_event_lines(event: m.Event) -> tuple[list[str], dict[str, tuple[m.Zone, int]]]:
    writer = mw._Writer("iana", fast=False)
    out: list[str] = []
    writer.event(event, out)
    return out, writer.used


# -------------------------------------------------------------------------------- whole calendars

@pytest.mark.parametrize("path", sorted((CORPUS / "ics").glob("*.ics")), ids=lambda p: p.name)
def test_ics_corpus_fast_equals_general(path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _assert_same(read_calendar(path.read_bytes()))


def _json_corpus() -> list[tuple[str, object]]:
    """Every JSON corpus file that is JSON (the directory says Graph or Google where the
    content does not), as (name, payload, format)."""
    out = []
    for path in sorted([*(CORPUS / "graph").glob("*.json"), *(CORPUS / "google").glob("*.json")]):
        try:
            payload = load_json(path.read_bytes())
        except InputError:  # documentation fragments that are no JSON
            continue
        out.append(pytest.param(payload, detect_json(payload) or path.parent.name, id=path.name))
    return out


@pytest.mark.parametrize(("payload", "source"), _json_corpus())
def test_json_corpus_fast_equals_general(payload: object, source: str) -> None:
    cal, _report, _errors = read_hub(payload, source, Options(), target="ics")
    assert isinstance(cal, m.Calendar)
    _assert_same(cal)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(strategies.ics_texts(None))
def test_generated_ics_fast_equals_general(text: bytes) -> None:
    _assert_same(read_calendar(text))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(strategies.graph_payloads())
def test_generated_graph_fast_equals_general(payload: list) -> None:
    cal, _report, _errors = read_hub({"value": payload}, "graph", Options(), target="ics")
    _assert_same(cal)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(strategies.google_payloads())
def test_generated_google_fast_equals_general(payload: dict) -> None:
    cal, _report, _errors = read_hub(payload, "google", Options(), target="ics")
    _assert_same(cal)


# -------------------------------------------------------------------------------- folding

def test_fold_near_the_75_octet_boundary() -> None:
    """Lines of 70–80 octets, the last characters ASCII, 2-, 3- or 4-octet, or an escape: the
    folded octets the fast writer joins are icalendar's fold, encoded."""
    for n in range(66, 82):
        for tail in ("", "é", "日", "😀", "\\", "^", "\\n", "é\\", "日^"):
            for head in ("a" * n, "é" * (n // 2), "a" * (n - 3) + "日", "日" * (n // 3) + "a"):
                line = head + tail
                assert fold(line) == _foldline(line).encode("utf-8"), (n, tail, head[:3])


# -------------------------------------------------------------------------------- addresses

_TYPED_NAMES = ["CN", "ROLE", "PARTSTAT", "RSVP", "CUTYPE", "DELEGATED-TO", "DELEGATED-FROM", "MEMBER", "SENT-BY",
                "DIR", "LANGUAGE", "EMAIL"]
_param_values = st.lists(st.sampled_from(["", "TRUE", "true", "FALSE", "Zoë Ünal", "a,b", "O'Brien", 'say "hi"',
                                          "mailto:x@example.com", "REQ-PARTICIPANT", "^caret", "semi;colon",
                                          "x" * 90, "日本語" * 20]), min_size=0, max_size=3).map(tuple)
_params = st.lists(st.builds(m.Param, st.sampled_from(_TYPED_NAMES + ["X-FOO", "SCHEDULE-STATUS", "X-NUM"]),
                             _param_values), max_size=8).map(tuple)


@settings(max_examples=400, deadline=None)
@given(_params)
def test_typed_values_are_model_readers(params: m.Params) -> None:
    assert mw._typed_values(params) == address_fields(params)[1]


_changes = st.fixed_dictionaries({}, optional={
    "cn": st.none() | st.sampled_from(["Ana", "Zoë Ünal", "O'Brien", "a;b", 'q "x"', "x" * 80]),
    "role": st.none() | st.just("CHAIR"), "partstat": st.none() | st.just("DECLINED"),
    "rsvp": st.none() | st.booleans(), "cutype": st.none() | st.just("ROOM"),
    "delegated_to": st.just(()) | st.just(("mailto:d@example.com", "mailto:e@example.com")),
    "delegated_from": st.just(()) | st.just(("mailto:f@example.com",)),
    "member": st.just(()) | st.just(("mailto:list@example.com",)),
    "sent_by": st.none() | st.just("mailto:boss@example.com"), "dir": st.none() | st.just("ldap://x/y?z"),
    "language": st.none() | st.just("de"), "email": st.none() | st.just("z@example.com")})


@settings(max_examples=400, deadline=None)
@given(_params, _changes)
def test_address_params_fast_is_general(params: m.Params, changes: dict) -> None:
    """An address as read (typed fields from its parameters) and with typed fields changed."""
    read = m.Address("mailto:a@example.com", **{**address_fields(params)[0], "params": params})
    assert mw._address_params_fast(read) == mw._address_params(read) == params
    changed = m.Address("mailto:a@example.com", **{**address_fields(params)[0], "params": params, **changes})
    assert mw._address_params_fast(changed) == mw._address_params(changed)


def _event_with(attendees: tuple[m.Address, ...], organizer: m.Address | None = None, **kw: object) -> m.Calendar:
    ev = m.Event(uid="fast@example.com", start=date(2026, 1, 1), summary="s", organizer=organizer,
                 attendees=attendees, **kw)
    return m.Calendar(series=(m.Series("fast@example.com", ev),))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_params, _changes), min_size=1, max_size=4))
def test_address_lines_fast_equals_general(items: list) -> None:
    addrs = tuple(m.Address(f"mailto:a{i}@example.com", **{**address_fields(p)[0], "params": p, **c})
                  for i, (p, c) in enumerate(items))
    _assert_same(_event_with(addrs, organizer=addrs[0]))


def test_equal_addresses_share_a_line_and_differing_ones_do_not() -> None:
    """The memo is keyed by the address's value: an equal address (another object) gets the
    line, one that differs in a single typed field or parameter its own."""
    p = (m.Param("CN", ("Zoë Ünal",)), m.Param("RSVP", ("TRUE",)), m.Param("X-FOO", ("a", "b")))
    a = m.Address("mailto:z@example.com", cn="Zoë Ünal", rsvp=True, params=p)
    same = m.Address("mailto:z@example.com", cn="Zoë Ünal", rsvp=True, params=tuple(p))
    other_rsvp = m.Address("mailto:z@example.com", cn="Zoë Ünal", rsvp=False, params=p)
    other_param = m.Address("mailto:z@example.com", cn="Zoë Ünal", rsvp=True, params=p[:2])
    for attendees in ((a, same), (a, other_rsvp, same), (other_param, a)):
        cal = _event_with(attendees, organizer=attendees[-1])
        fast, general = _both(cal)
        assert fast == general
    text = mw.write_calendar(_event_with((a, other_rsvp))).decode("utf-8").replace("\r\n ", "")
    assert 'ATTENDEE;CN="Zoë Ünal";RSVP=TRUE;X-FOO=a,b:mailto:z@example.com' in text
    assert 'ATTENDEE;CN="Zoë Ünal";RSVP=FALSE;X-FOO=a,b:mailto:z@example.com' in text


# -------------------------------------------------------------------------------- alarms, zones, order

def test_alarms_memoised_by_value() -> None:
    alarm = m.Alarm(action="DISPLAY", trigger=m.Trigger(timedelta(minutes=-15), text="-PT15M"),
                    description="Rappel: réunion " * 8)
    at = m.Alarm(action="EMAIL", trigger=m.Trigger(None, at=m.ZonedDateTime(datetime(2026, 1, 1, tzinfo=timezone.utc),
                                                                             m.Zone("utc"))),
                 summary="s", description="d", attendees=(m.Address("mailto:a@example.com", cn="A b"),))
    evs = tuple(m.Event(uid=f"a{i}@example.com", start=date(2026, 1, 1 + i), summary="s",
                        alarms=(alarm, at) if i % 2 else (m.Alarm(**{f.name: getattr(alarm, f.name)
                                                                      for f in alarm.__dataclass_fields__.values()}),))
                for i in range(4))
    _assert_same(m.Calendar(series=tuple(m.Series(ev.uid, ev) for ev in evs)))  # type: ignore[arg-type]
    # an alarm a caller built with a list (unhashable): written without the memo, as in general
    odd = m.Alarm(action="DISPLAY", description="d", attendees=[m.Address("mailto:a@example.com")])  # type: ignore[arg-type]
    cal = m.Calendar(series=(m.Series("o@example.com", m.Event(uid="o@example.com", start=date(2026, 1, 1),
                                                                alarms=(odd,))),))
    fast, general = _both(cal)
    assert fast == general and b"ATTENDEE:mailto:a@example.com" in fast


def test_zones_shared_and_distinct_objects() -> None:
    """The TZID text is memoised per zone object: equal zones that are distinct objects, a zone
    whose Windows name differs, a zone with extra parameters, floating and UTC values."""
    berlin, tokyo = ZoneInfo("Europe/Berlin"), ZoneInfo("Asia/Tokyo")
    z1 = m.Zone("iana", "Europe/Berlin", "Europe/Berlin")
    z2 = m.Zone("iana", "Europe/Berlin", "Europe/Berlin")
    z3 = m.Zone("iana", "Tokyo Standard Time", "Asia/Tokyo")
    values = [m.ZonedDateTime(datetime(2026, 3, 29, 1, 30, tzinfo=berlin), z1),
              m.ZonedDateTime(datetime(1999, 7, 1, 9, 0, tzinfo=berlin), z2),
              m.ZonedDateTime(datetime(2026, 1, 1, 9, 0, tzinfo=tokyo), z3),
              m.ZonedDateTime(datetime(2026, 1, 1, 9, 0), m.Zone("floating")),
              m.ZonedDateTime(datetime(2026, 1, 1, 9, 0, tzinfo=timezone.utc), m.Zone("utc"))]
    evs = []
    for i, value in enumerate(values):
        evs.append(m.Event(uid=f"z{i}@example.com", start=value, end=values[(i + 1) % len(values)],
                           params=(("DTSTART", (m.Param("X-P", ("v",)), m.Param("TZID", ("ignored",)))),) if i == 2
                           else ()))
    _assert_same(m.Calendar(series=tuple(m.Series(ev.uid, ev) for ev in evs)))  # type: ignore[arg-type]


def _reference_order(kind: str, names: list[str], order: tuple[str, ...]) -> list[int]:
    """The order of the general writer before the text keys: icalendar's tuple keys."""
    canon = {name: (0, f"{i:03}") for i, name in enumerate(mw._CANONICAL[kind])}
    first = {name: (-1, f"{i:06}") for i, name in enumerate(order)}
    return sorted(range(len(names)), key=lambda i: first.get(names[i]) or canon.get(names[i]) or (1, names[i]))


_names = st.lists(st.sampled_from(["SUMMARY", "DTSTART", "UID", "RRULE", "EXDATE", "ATTENDEE", "X-A", "X-B", "A",
                                   "ZZ", "VERSION", "PRODID", "NAME", "METHOD", "", "0", "1X", "/"]), max_size=25)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(mw._CANONICAL)), _names, _names.map(tuple))
def test_text_sort_keys_order_as_tuple_keys(kind: str, names: list[str], order: tuple[str, ...]) -> None:
    for given_order in ((), order):
        pairs = [(mw._sort_key(kind, name), str(i)) for i, name in enumerate(names)]
        got = [int(line) for line in mw._sorted_lines(kind, pairs, given_order)]
        assert got == _reference_order(kind, names, given_order)


def test_long_parameters_and_lines_everywhere() -> None:
    """Long parameter values, non-ASCII near the fold, CN needing quotes, kept lines and
    components, categories, comments, EXDATE runs — each line once through every path."""
    long_cn = "Zoë " + "é" * 33 + ", Jr."
    addr = m.Address("mailto:" + "x" * 70 + "@example.com", cn=long_cn, role="CHAIR", partstat="ACCEPTED", rsvp=True,
                     cutype="INDIVIDUAL", delegated_to=("mailto:a@example.com", "mailto:b@example.com"),
                     delegated_from=("mailto:c@example.com",), member=("mailto:g@example.com",),
                     sent_by="mailto:s@example.com", dir="ldap://example.com/cn=x,o=y", language="de-CH",
                     email="x@example.com")
    berlin = m.Zone("iana", "Europe/Berlin", "Europe/Berlin")
    ex = m.DateList(tuple(m.ZonedDateTime(datetime(2026, 1, 1 + i, 9, tzinfo=ZoneInfo("Europe/Berlin")), berlin)
                          for i in range(20)))
    ev = m.Event(uid="long@example.com", start=ex.values[0], duration=timedelta(hours=1),
                 summary="a" * 73 + "é", description="日" * 25 + "\\" + "b" * 70, location="^" * 80,
                 comments=("c" * 74 + ",",), organizer=addr, attendees=(addr, m.Address("mailto:q@example.com",
                                                                                           cn="O'Brien; \"Q\"")),
                 exdates=(ex,), categories=(m.TextList(("a,b", "é" * 40)),),
                 other=(m.Line("X-LONG", (m.Param("X-P", ("p" * 80,)),), "v" * 80, ""),),
                 components=(m.RawComponent("VLOCATION", ("BEGIN:VLOCATION", "NAME:" + "n" * 90, "END:VLOCATION")),),
                 params=(("SUMMARY", (m.Param("LANGUAGE", ("fr",)),)),))
    cal = m.Calendar(series=(m.Series("long@example.com", ev),),
                     other=(m.Line("X-WR-CALNAME", (), "ü" * 40, ""),),
                     components=(m.RawComponent("VTODO", ("BEGIN:VTODO", "SUMMARY:" + "t" * 100, "END:VTODO")),))
    _assert_same(cal)
