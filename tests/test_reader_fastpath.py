"""The fast paths of the .ics reading (issue 12) held to the slower code they replace.

* ``ics_model._sound_reader`` decides "no line repair needed" with a byte scan for control
  characters, a scan for folds inside a character, a line-feed-prefixed scan for non-content
  lines, a block test before the over-long-line scan, and the BEGIN/END structure seen by the
  reader's own pass 1 (``model_reader.Shape``).  :func:`_reference_sound` below is the decision as
  it was made before, by four whole-text scans; both must agree on every file we hold and on
  sound texts with each condition planted at many places.
* the reader's per-table head cache, its ATTENDEE/ORGANIZER memo and ``address_fields``'s value
  memo: a reading with warm caches equals one with cold caches, and the memo equals a fresh
  computation.
"""

from __future__ import annotations

import re
from datetime import timedelta
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hostile.cases import HEAD, FOOT, calendar, vevent
from ics_bridge import model as m
from ics_bridge.io import ics
from ics_bridge.io import ics_model
from ics_bridge.io import lines as L
from ics_bridge.io import model_reader
from ics_bridge.io.model_reader import IcsReader
from ics_bridge.limits import Limits

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted([*ROOT.glob("tests/corpus/ics/*.ics"), *ROOT.glob("tests/producers/*.ics"),
                *ROOT.glob("tests/hostile/**/*.ics"), *ROOT.glob("samples/**/*.ics")])

# -------------------------------------------------------------------------- the reference

_REF_NOT_CONTENT = re.compile(rf"^(?!{ics._CONTENT_LINE.pattern})", re.M)
_REF_MARK = re.compile(r"^(?i:(BEGIN|END))[ \t]*:([^\n]*)", re.M)
_REF_NAME = re.compile(r"[A-Z0-9-]+\Z")


@lru_cache(maxsize=8)
def _ref_longer_than(limit: int) -> re.Pattern[str]:
    return re.compile(rf"^[^\n]{{{limit + 1}}}", re.M)


def _reference_sound(data: bytes | str, options: ics.IcsReadOptions) -> bool:
    """``_sound_reader``'s decision as the four whole-text scans made it (its code before the
    fast path, verbatim but for returning a bool)."""
    if not isinstance(data, bytes) or len(data) > options.max_bytes:
        return False
    if not data.isascii():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return False
    try:
        reader = IcsReader(data)
    except ValueError:
        return False
    text = reader.text
    body = text[:-1] if text.endswith("\n") else text
    if reader._problems or "\r" in body or "\n\n" in body or ics._CONTROL.search(body) \
            or _REF_NOT_CONTENT.search(body) or _ref_longer_than(options.limits.max_line).search(body):
        return False
    return _reference_structure(body, options)


def _reference_structure(body: str, options: ics.IcsReadOptions) -> bool:
    limits = options.limits
    stack: list[str] = []
    components = events = 0
    at = 0
    for found in _REF_MARK.finditer(body):
        kind, name = found.group(1), found.group(2)
        if kind not in ("BEGIN", "END") or not _REF_NAME.match(name):
            return False
        if not stack and (kind != "BEGIN" or name != "VCALENDAR" or found.start() != at):
            return False
        if kind == "BEGIN":
            if (name == "VCALENDAR" and stack) or (name in ics._TOP_LEVEL and len(stack) != 1) \
                    or len(stack) >= limits.max_depth:
                return False
            components += 1
            events += name == "VEVENT"
            stack.append(name)
        else:
            if not stack or stack[-1] != name:
                return False
            stack.pop()
            at = found.end() + 1
    return not stack and at >= len(body) and components <= limits.max_components and events <= limits.max_events


def assert_agree(data: bytes, options: ics.IcsReadOptions = ics.IcsReadOptions()) -> bool:
    fast = ics_model._sound_reader(data, options) is not None
    assert fast == _reference_sound(data, options), data[:300]
    return fast


# -------------------------------------------------------------------------- files we hold

SMALL = ics.IcsReadOptions(limits=Limits(max_line=74, max_depth=3, max_events=2, max_components=4))


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_soundness_agrees_on_every_file(path: Path) -> None:
    data = path.read_bytes()
    assert_agree(data)
    assert_agree(data, SMALL)


# -------------------------------------------------------------------------- planted conditions

SOUND = (HEAD + "X-WR-CALNAME:Caf\u00e9 \u4f1a\u8b70\r\n"
         + vevent("a", "DESCRIPTION:r\u00e9union \u00fcber 日本語 planning and a long enough text to fold over"
                       " the seventy-five octets of a line",
                  "ATTENDEE;CN=\"Zo\u00eb\";PARTSTAT=ACCEPTED:mailto:zoe@example.org",
                  "BEGIN:VALARM", "ACTION:DISPLAY", "TRIGGER:-PT15M", "END:VALARM")
         + vevent("a", "RECURRENCE-ID:20260311T090000Z") + FOOT)


def _folded(text: str, width: int) -> bytes:
    """The text's lines folded every ``width`` octets, inside characters too."""
    out = []
    for line in text.encode().split(b"\r\n"):
        while len(line) > width:
            out.append(line[:width])
            line = b" " + line[width:]
        out.append(line)
    return b"\r\n".join(out)


def _char_folded(text: str) -> bytes:
    """Folded at 40 characters (never inside one)."""
    out = []
    for line in text.split("\r\n"):
        while len(line) > 40:
            out.append(line[:40])
            line = " " + line[40:]
        out.append(line)
    return "\r\n".join(out).encode()


def test_the_sound_texts_are_sound() -> None:
    assert assert_agree(SOUND.encode())
    assert assert_agree(_char_folded(SOUND))
    assert assert_agree(SOUND.replace("\r\n", "\n").encode())
    for width in range(30, 50):
        folded = _folded(SOUND, width)
        try:
            folded.decode()
        except UnicodeDecodeError:  # a fold splits a character: a repair
            assert not assert_agree(folded)
        else:
            assert assert_agree(folded)


PLANTS = [chr(c) for c in range(0x20) if c not in (0x0a,)] + ["\x7f", "\r", "\n", "\n\n", "\r\n\r\n", "\r\n \r\n",
          "\r\nhttp://x.example/a:b\r\n", "\r\nX\r\n", "\r\nx y:z\r\n", "\r\n:v\r\n", "\r\nX-A;P=\"q:v\r\n",
          "\r\nBEGIN:VEVENT\r\n", "\r\nEND:VEVENT\r\n", "\r\nEND:VCALENDAR\r\n", "\r\nBEGIN:VCALENDAR\r\n",
          "\r\nbegin:VALARM\r\nEND:VALARM\r\n", "\r\nBEGIN:valarm\r\nEND:valarm\r\n",
          "\r\nBEGIN:X-A\r\nEND:X-B\r\n", "\r\nBEGIN :X-A\r\nEND:X-A\r\n", "\r\nBEGIN:X-A \r\nEND:X-A \r\n",
          "\r\nBEGIN:VTODO\r\nEND:VTODO\r\n", "\r\nBEGIN:X-A\r\nBEGIN:X-B\r\nEND:X-B\r\nEND:X-A\r\n",
          "\r\nUID:x\r\n", "\ufeff", "\u00e9", "\r\n \u00e9", "\t", "\r\n\tx", "\r\n \r\n"]


@pytest.mark.parametrize("plant", PLANTS, ids=repr)
def test_each_condition_planted_everywhere(plant: str) -> None:
    """Each condition at every line boundary and inside lines of a sound calendar (and at both
    ends): the fast decision is the reference's everywhere."""
    base = SOUND
    spots = sorted({0, len(base), *[i for i in range(len(base)) if base[i] in "\r\n:;"],
                    *range(3, len(base), 17)})
    for options in (ics.IcsReadOptions(), SMALL):
        for at in spots:
            assert_agree((base[:at] + plant + base[at:]).encode(), options)


def test_split_characters_and_boms() -> None:
    base = SOUND.encode()
    e_acute = "\u00e9".encode()
    for fold in (b"\r\n ", b"\n ", b"\r\n\t", b"\r\n\r\n ", b"\n\n\t"):
        for at in range(0, len(base), 7):
            assert_agree(base[:at] + e_acute[:1] + fold + e_acute[1:] + base[at:])
            assert_agree(base[:at] + fold + b"\xa9" + base[at:])
    assert_agree(b"\xef\xbb\xbf" + base)
    assert_agree(b"\xef\xbb\xbf\r\n " + b"\xa9" + base)


def test_limits_at_their_edges() -> None:
    three_deep = HEAD + vevent("a", "BEGIN:VALARM", "ACTION:DISPLAY", "TRIGGER:-PT1M", "BEGIN:X-A", "END:X-A",
                               "END:VALARM") + FOOT
    for depth in (2, 3, 4):
        assert_agree(three_deep.encode(), ics.IcsReadOptions(limits=Limits(max_depth=depth)))
    for n in range(1, 7):
        limits = Limits(max_events=n, max_components=n + 1, max_line=20 + n * 10)
        assert_agree(calendar(*[vevent(f"e{i}") for i in range(n)]).encode(), ics.IcsReadOptions(limits=limits))
    assert_agree(SOUND.encode(), ics.IcsReadOptions(max_bytes=len(SOUND.encode()) - 1))
    assert_agree(SOUND, ics.IcsReadOptions())  # text, not bytes
    for empty in (b"", b"\n", b"\r\n", b" ", b"X:1"):
        assert_agree(empty)


def test_several_calendars_and_what_surrounds_them() -> None:
    one = HEAD + vevent("a") + FOOT
    for text in (one + one, one + "\r\n" + one, one + "X:1\r\n" + one, one + one.rstrip("\r\n"),
                 one + one + "\r\n", "\r\n" + one, one + "BEGIN:VEVENT\r\nEND:VEVENT\r\n",
                 HEAD + one + FOOT, one.replace("END:VCALENDAR", "END:VCALENDAR\r\nEND:VCALENDAR")):
        assert_agree(text.encode())
        assert_agree(text.replace("\r\n", "\n").encode())


_pieces = st.sampled_from(PLANTS + ["BEGIN:", "END:", "VEVENT", "VCALENDAR", ":", ";", "\"", "\r\n ", "x" * 90])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits=st.lists(st.tuples(st.integers(0, len(SOUND)), st.integers(0, 3), _pieces), max_size=4),
       max_line=st.sampled_from([8 * 1024 * 1024, 60, 75, 120]))
def test_generated_edits_decide_alike(edits: list[tuple[int, int, str]], max_line: int) -> None:
    text = SOUND
    for at, cut, piece in edits:
        at = min(at, len(text))
        text = text[:at] + piece + text[at + cut:]
    assert_agree(text.encode(), ics.IcsReadOptions(limits=Limits(max_line=max_line)))


@settings(max_examples=300, deadline=None)
@given(lengths=st.lists(st.integers(0, 40), min_size=1, max_size=40), limit=st.integers(1, 30))
def test_the_long_line_block_test_is_the_scan(lengths: list[int], limit: int) -> None:
    text = "\n".join("x" * n for n in lengths)
    for end in (len(text), max(0, len(text) - 1)):
        expected = ics_model._longer_than(limit).search(text[:end]) is not None
        assert ics_model._has_longer_line(text, end, limit) == expected


def test_the_bench_sized_text_takes_the_block_test() -> None:
    """A 16 MB text with 8 MiB lines allowed: a few blocks, each holding a line feed."""
    line = "DESCRIPTION:" + "x" * 60 + "\n"
    text = line * (17 * 1024 * 1024 // len(line))
    limit = 8 * 1024 * 1024
    assert not ics_model._has_longer_line(text, len(text), limit)
    longer = text[:100] + "y" * (limit + 1) + text[100:]
    assert ics_model._has_longer_line(longer, len(longer), limit)
    exactly = text[:100] + "y" * (limit - 1) + text[100:]  # joins a line of 12 + 60 + limit - 1 + 1 characters
    assert ics_model._has_longer_line(exactly, len(exactly), limit) == \
        (ics_model._longer_than(limit).search(exactly) is not None)


# -------------------------------------------------------------------------- reader caches


def _clear_caches() -> None:
    for table in (model_reader._EVENT, model_reader._ALARM):
        table.heads.clear()
    model_reader._addresses.clear()
    model_reader._address_fields.clear()
    model_reader._tzids.clear()
    model_reader._days.clear()
    model_reader._clocks.clear()
    model_reader._durations.clear()
    L._heads.clear()
    L._param_cache.clear()


def _reading(data: bytes) -> list[str]:
    try:
        reader = IcsReader(data)
    except ValueError as exc:
        return [f"refused: {exc}"]
    out = [repr(reader.calendars)]
    for c in range(len(reader.calendars)):
        for name, typed, _ in reader.components(c):
            out.append(repr(typed))
            if name == "VEVENT":
                out.append(f"{typed.order} {id(typed) in reader.odd}")
    return out


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_warm_caches_read_as_cold_ones(path: Path) -> None:
    data = path.read_bytes()
    _clear_caches()
    cold = _reading(data)
    assert _reading(data) == cold
    _clear_caches()
    _reading(SOUND.encode())
    assert _reading(data) == cold


def test_an_event_head_and_an_alarm_head_are_kept_apart() -> None:
    """DESCRIPTION, SUMMARY, DURATION, ATTENDEE, ATTACH mean a field in both tables; a name one
    table has and the other lacks (DTSTART, ACTION) stays a line there."""
    text = (HEAD + vevent("a", "DURATION:PT1H", "ACTION:AUDIO", "ATTENDEE;CN=x:mailto:x@example.org",
                          "BEGIN:VALARM", "ACTION:DISPLAY", "DESCRIPTION:alarm", "SUMMARY:alarm", "DURATION:PT5M",
                          "REPEAT:2", "TRIGGER:-PT15M", "DTSTART:20260310T090000Z",
                          "ATTENDEE;CN=x:mailto:x@example.org", "END:VALARM", end=None) + FOOT).encode()
    for _ in range(2):
        event = next(IcsReader(text).events())
        alarm = event.alarms[0]
        assert event.duration == timedelta(hours=1)
        assert (alarm.action, alarm.description, alarm.summary, alarm.repeat) == ("DISPLAY", "alarm", "alarm", 2)
        assert [line.name for line in alarm.other] == ["DTSTART"]
        assert [line.name for line in event.other] == ["ACTION"]
        assert event.attendees == alarm.attendees == (m.Address("mailto:x@example.org", cn="x",
                                                                params=(m.Param("CN", ("x",)),)),)


def test_address_fields_memo_is_the_computation() -> None:
    params_list = [(), (m.Param("CN", ("a",)),), (m.Param("CN", ("a", "b")),), (m.Param("RSVP", ("true",)),),
                   (m.Param("RSVP", ("FALSE",)), m.Param("RSVP", ("TRUE",))),
                   (m.Param("MEMBER", ("m1", "m2")), m.Param("DELEGATED-TO", ("d",)), m.Param("X-Y", ("z",))),
                   (m.Param("ROLE", ("CHAIR",)), m.Param("PARTSTAT", ("ACCEPTED",)), m.Param("CUTYPE", ("ROOM",)),
                    m.Param("SENT-BY", ("mailto:s",)), m.Param("DIR", ("ldap://d",)), m.Param("LANGUAGE", ("de",)),
                    m.Param("EMAIL", ("e@example.org",)), m.Param("DELEGATED-FROM", ("f",)))]
    for params in params_list:
        for copy in (params, tuple(m.Param(p.name, tuple(p.values)) for p in params)):
            typed = model_reader._typed_params(copy)
            expected = (typed, tuple(typed[k] for k in model_reader.ADDRESS_KEYS))
            assert model_reader.address_fields(copy) == expected
            assert model_reader.address_fields(copy) == expected  # from the memo
    unhashable = (m.Param("CN", ["a"]),)  # type: ignore[arg-type]
    assert model_reader.address_fields(unhashable)[1][0] == "a"


def test_a_shared_address_is_the_one_a_fresh_reading_makes() -> None:
    line = "ATTENDEE;CN=\"Zo\u00eb\";PARTSTAT=ACCEPTED;RSVP=TRUE;MEMBER=\"a\",\"b\":mailto:zo\\,e@example.org"
    text = (HEAD + vevent("a", line) + vevent("b", line) + FOOT).encode()
    _clear_caches()
    first, second = IcsReader(text).events()
    assert first.attendees == second.attendees
    address = first.attendees[0]
    assert address == m.Address("mailto:zo,e@example.org", cn="Zo\u00eb", partstat="ACCEPTED", rsvp=True,
                                member=("a", "b"), params=L.split(line)[1])


# -------------------------------------------------------------------------- constructors


@pytest.mark.parametrize("cls", [m.Event, m.Alarm, m.Recur, m.Address], ids=lambda c: c.__name__)
def test_the_fast_constructor_makes_the_dataclass_object(cls: type) -> None:
    import dataclasses
    build = m.fast_constructor(cls)
    assert build is not cls  # the model's classes fit; a class that does not keeps its own constructor
    fields = dataclasses.fields(cls)
    required = [f"value-{f.name}" for f in fields if f.default is dataclasses.MISSING]
    for args, kwargs in [(required, {}),
                         (required, {f.name: f"k-{f.name}" for f in fields if f.default is not dataclasses.MISSING}),
                         ([f"p-{f.name}" for f in fields], {})]:
        made, expected = build(*args, **kwargs), cls(*args, **kwargs)
        assert type(made) is cls and made == expected and hash(made) == hash(expected)
        assert [getattr(made, f.name) for f in fields] == [getattr(expected, f.name) for f in fields]
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(made, fields[0].name, "x")
    with pytest.raises(TypeError):
        build(*required, not_a_field=1)


def test_a_class_the_fast_constructor_does_not_fit_keeps_its_own() -> None:
    import dataclasses

    @dataclasses.dataclass(frozen=True)
    class NoSlots:
        a: int = 0

    @dataclasses.dataclass(frozen=True, slots=True)
    class WithPost:
        a: int = 0

        def __post_init__(self) -> None:
            pass

    assert m.fast_constructor(NoSlots) is NoSlots
    assert m.fast_constructor(WithPost) is WithPost


def test_time_values_with_warm_and_cold_part_memos() -> None:
    """The memoised date and time-of-day numbers: the same values, and a near miss still goes
    to icalendar (the slicing accepts what ``int`` accepts, a wrong day is refused)."""
    text = (HEAD + vevent("a", "DTSTAMP:20260310T080000Z", "CREATED:20260229T080000Z",
                          "LAST-MODIFIED:2026031 T080000Z", "RDATE;TZID=Europe/Berlin:20260312T090000,20260313T090000Z",
                          "EXDATE;TZID=Nowhere/Zone:20260314T090000Z", "X-A:1",
                          start="DTSTART;TZID=Europe/Berlin:20260310T090000", end="DTEND:20260310T100000") + FOOT)
    _clear_caches()
    cold = _reading(text.encode())
    assert _reading(text.encode()) == cold
    event = next(IcsReader(text.encode()).events())
    assert [p.property for p in event.problems] == ["CREATED"]
    assert str(event.last_modified.dt) == "2026-03-01 08:00:00+00:00"  # int(" 1"): icalendar's slicing too
    assert [v.zone.kind for line in event.rdates for v in line.values] == ["iana", "iana"]
    assert [v.zone.kind for line in event.exdates for v in line.values] == ["utc"]
