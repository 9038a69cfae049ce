"""Hostile and broken .ics input (issue 6): every case is converted to ICS, Graph and Google
and must give a Conversion (good events converted, the bad one in ``errors`` naming file, UID
and field, repairs in ``report``) or an InputError — never another exception, never a hang."""

from __future__ import annotations

import random

import pytest

from hostile.cases import FOOT, GOOD, HEAD, TARGETS, calendar, google_available, run, vevent
from ics_bridge.errors import InputError
from ics_bridge.limits import Limits
from ics_bridge.options import Options
from ics_bridge.report import LossKind

FILE = "hostile.ics"


# Work bound for the hang guards (rrule instances generated, see conftest.rrule_steps): far above
# what a finite calendar here needs, far below what expanding an endless rule would take.
STEP_BOUND = 5_000

@pytest.fixture(params=TARGETS)
def target(request: pytest.FixtureRequest) -> str:
    if request.param == "google" and not google_available():
        pytest.skip("ics_bridge.providers.google is not there yet")
    return request.param


def convert(data, target: str, **kw):
    return run(data, target, "ics", FILE, **kw)


def ok(data, target: str, **kw):
    conv = convert(data, target, **kw)
    assert not isinstance(conv, InputError), f"unexpected InputError: {conv}"
    return conv


def uids(conv) -> list[str]:
    return [str(e.get("UID")) for e in conv.calendar.walk("VEVENT")]


def entries(conv, field: str | None = None, uid: str | None = None) -> list:
    return [e for e in conv.report if (field is None or e.field == field) and (uid is None or e.uid == uid)]


def one_error(conv, uid: str | None, field: str):
    assert len(conv.errors) == 1, [str(e) for e in conv.errors]
    err = conv.errors[0]
    assert (err.file, err.uid, err.field) == (FILE, uid, field), str(err)
    assert FILE in str(err) and field in str(err)
    return err


def refused(data, target: str, *words: str, **kw) -> InputError:
    err = convert(data, target, **kw)
    assert isinstance(err, InputError), "expected the whole file to be refused"
    assert err.file == FILE and str(err).startswith(FILE)
    for word in words:
        assert word in str(err), str(err)
    return err


# ------------------------------------------------------------------------------ structure

def test_truncated_mid_vevent(target: str) -> None:
    text = calendar(vevent("bad-1"))
    cut = text[: text.index("UID:bad-1") + len("UID:bad-1\r\nDTSTA")]
    conv = ok(cut, target)
    assert uids(conv) == ["good-1"]
    err = one_error(conv, "bad-1", "END:VEVENT")
    assert "truncated" in err.message
    assert any("ends inside" in e.reason for e in conv.report)


def test_missing_end_vevent_before_end_vcalendar(target: str) -> None:
    conv = ok(HEAD + GOOD + vevent("bad-1").replace("END:VEVENT\r\n", "") + FOOT, target)
    assert uids(conv) == ["good-1", "bad-1"] and not conv.errors
    (entry,) = entries(conv, "END:VEVENT")
    assert entry.uid == "bad-1" and "missing" in entry.reason


def test_missing_end_vevent_before_next_vevent(target: str) -> None:
    text = HEAD + GOOD.replace("END:VEVENT\r\n", "") + vevent("two") + FOOT
    conv = ok(text, target)
    assert uids(conv) == ["good-1", "two"]
    assert [e.uid for e in entries(conv, "END:VEVENT")] == ["good-1"]


def test_missing_end_vcalendar(target: str) -> None:
    conv = ok(HEAD + GOOD, target)
    assert uids(conv) == ["good-1"] and not conv.errors
    assert any(e.field == "END:VCALENDAR" and "ends inside VCALENDAR" in e.reason for e in conv.report)


def test_end_without_begin_ignored(target: str) -> None:
    conv = ok(HEAD + GOOD + "END:VTODO\r\n" + FOOT, target)
    assert uids(conv) == ["good-1"]
    assert any("END:VTODO without BEGIN" in e.reason for e in conv.report)


def test_property_outside_any_component(target: str) -> None:
    conv = ok("DTSTART:20260101T000000Z\r\n" + HEAD + GOOD + FOOT, target)
    assert uids(conv) == ["good-1"]
    assert any("outside any component" in e.reason for e in entries(conv, "DTSTART"))


# ------------------------------------------------------------------------------ folding, line ends

def test_continuation_without_leading_space_in_value(target: str) -> None:
    conv = ok(calendar(vevent("bad-1", "DESCRIPTION:first line", "second line")), target)
    event = [e for e in conv.calendar.walk("VEVENT") if str(e["UID"]) == "bad-1"][0]
    assert str(event["DESCRIPTION"]) == "first line\nsecond line"
    (entry,) = entries(conv, "DESCRIPTION", "bad-1")
    assert entry.kind is LossKind.QUIRK_REPAIRED and "leading space" in entry.reason


def test_fold_without_space_inside_a_parameter(target: str) -> None:
    text = calendar(vevent("bad-1", start="DTSTART;TZ\r\nID=Europe/Paris:20260310T090000"))
    conv = ok(text, target)
    event = [e for e in conv.calendar.walk("VEVENT") if str(e["UID"]) == "bad-1"][0]
    assert str(event["DTSTART"].dt.tzinfo) == "Europe/Paris"
    assert entries(conv, "DTSTART", "bad-1")[0].kind is LossKind.QUIRK_REPAIRED


def test_space_fold_inside_a_parameter_is_valid(target: str) -> None:
    conv = ok(calendar(vevent("bad-1", start="DTSTART;TZ\r\n ID=Europe/Paris:20260310T090000")), target)
    event = [e for e in conv.calendar.walk("VEVENT") if str(e["UID"]) == "bad-1"][0]
    assert str(event["DTSTART"].dt.tzinfo) == "Europe/Paris"
    assert not entries(conv, "DTSTART", "bad-1") or target != "ics"


@pytest.mark.parametrize("ending", ["\n", "\r", "mixed"])
def test_line_endings(target: str, ending: str) -> None:
    text = calendar(vevent("two"))
    if ending == "mixed":
        parts = text.split("\r\n")
        text = "".join(p + ("\r\n", "\n", "\r")[i % 3] for i, p in enumerate(parts))
    else:
        text = text.replace("\r\n", ending)
    conv = ok(text, target)
    assert uids(conv) == ["good-1", "two"] and not conv.errors


# ------------------------------------------------------------------------------ values

def test_invalid_date_in_dtstart(target: str) -> None:
    conv = ok(calendar(vevent("bad-1", start="DTSTART:20261345T250000")), target)
    assert uids(conv) == ["good-1"]
    err = one_error(conv, "bad-1", "DTSTART")
    assert "20261345T250000" in err.message


def test_invalid_dtend_dropped_and_reported(target: str) -> None:
    conv = ok(calendar(vevent("bad-1", end="DTEND:2026xx")), target)
    assert uids(conv) == ["good-1", "bad-1"] and not conv.errors
    (entry,) = entries(conv, "DTEND", "bad-1")
    assert entry.kind is LossKind.INVALID_VALUE and entry.before == "2026xx"


@pytest.mark.parametrize("prop, value", [("PRIORITY", "high"), ("SEQUENCE", "x"), ("GEO", "abc"),
                                         ("CREATED", "yesterday"), ("EXDATE", "nonsense")])
def test_unparsable_property_is_reported_not_silently_dropped(target: str, prop: str, value: str) -> None:
    conv = ok(calendar(vevent("bad-1", f"{prop}:{value}")), target)
    assert uids(conv) == ["good-1", "bad-1"]
    (entry,) = [e for e in entries(conv, prop, "bad-1") if e.kind is LossKind.INVALID_VALUE]
    assert entry.before == value and "unreadable" in entry.reason


def test_unparsable_line_is_reported(target: str) -> None:
    conv = ok(calendar(vevent("bad-1", 'ATTENDEE;CN="unterminated:mailto:a@example.com')), target)
    assert uids(conv) == ["good-1", "bad-1"]
    assert entries(conv, "ATTENDEE", "bad-1")[0].kind is LossKind.INVALID_VALUE


def test_unreadable_trigger_drops_only_the_alarm(target: str) -> None:
    alarm = ("BEGIN:VALARM", "ACTION:DISPLAY", "TRIGGER:soon", "END:VALARM")
    conv = ok(calendar(vevent("bad-1", *alarm)), target)
    assert uids(conv) == ["good-1", "bad-1"]
    (entry,) = entries(conv, "VALARM;TRIGGER", "bad-1")
    assert entry.kind is LossKind.ALARM_DROPPED


def test_unknown_tzid(target: str) -> None:
    conv = ok(calendar(vevent("bad-1", start="DTSTART;TZID=Mars/Olympus:20260310T090000", end=None)), target)
    assert uids(conv) == ["good-1", "bad-1"]
    (entry,) = [e for e in entries(conv, "DTSTART", "bad-1") if e.kind is LossKind.TIMEZONE_UNKNOWN]
    assert "Mars/Olympus" in entry.reason


def test_tzid_without_vtimezone(target: str) -> None:
    conv = ok(calendar(vevent("bad-1", start="DTSTART;TZID=Custom Zone:20260310T090000", end=None)), target)
    assert any(e.kind is LossKind.TIMEZONE_UNKNOWN and "Custom Zone" in e.reason for e in entries(conv, uid="bad-1"))


def test_broken_vtimezone_is_ignored_not_fatal(target: str) -> None:
    vtz = ("BEGIN:VTIMEZONE\r\nTZID:Broken\r\nBEGIN:STANDARD\r\nDTSTART:garbage\r\nTZOFFSETFROM:+0100\r\n"
           "TZOFFSETTO:+0000\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n")
    conv = ok(HEAD + vtz + GOOD + vevent("bad-1", start="DTSTART;TZID=Broken:20260310T090000", end=None) + FOOT, target)
    assert uids(conv) == ["good-1", "bad-1"]
    assert any(e.field == "VTIMEZONE" and "Broken ignored" in e.reason for e in conv.report)


@pytest.mark.parametrize("freq", ["SECONDLY", "DAILY"])
def test_vtimezone_with_unbounded_observances_is_not_expanded(target: str, freq: str,
                                                             rrule_steps: dict[str, int]) -> None:
    vtz = ("BEGIN:VTIMEZONE\r\nTZID:Hostile\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nTZOFFSETFROM:+0100\r\n"
           f"TZOFFSETTO:+0000\r\nRRULE:FREQ={freq}\r\nEND:STANDARD\r\nBEGIN:DAYLIGHT\r\nDTSTART:19700101T000000\r\n"
           f"TZOFFSETFROM:+0000\r\nTZOFFSETTO:+0100\r\nRRULE:FREQ={freq}\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n")
    conv = ok(HEAD + vtz + GOOD + vevent("bad-1", start="DTSTART;TZID=Hostile:20260310T090000", end=None) + FOOT, target)
    assert rrule_steps["steps"] < STEP_BOUND, rrule_steps  # refused, not expanded
    assert any(e.field == "VTIMEZONE" and f"FREQ={freq}" in e.reason for e in conv.report)


def test_dtend_before_dtstart(target: str) -> None:
    conv = ok(calendar(vevent("bad-1", end="DTEND:20260310T080000Z")), target)
    (entry,) = entries(conv, "DTEND", "bad-1")
    assert entry.kind is LossKind.INVALID_VALUE and "before DTSTART" in entry.reason


def test_dtend_and_duration_both(target: str) -> None:
    conv = ok(calendar(vevent("bad-1", "DURATION:PT1H")), target)
    (entry,) = entries(conv, "DURATION", "bad-1")
    assert "DTEND and DURATION both" in entry.reason


@pytest.mark.parametrize("rule, words", [
    ("FREQ=FOO", "FOO"), ("FREQ=DAILY;COUNT=abc", "abc"), ("FREQ=WEEKLY;BYDAY=XX", "XX"),
    ("FREQ=DAILY;COUNT=-1", "COUNT=-1"), ("COUNT=3", "no FREQ"), ("FREQ=DAILY;INTERVAL=0", "INTERVAL=0"),
    ("FREQ=MONTHLY;BYMONTHDAY=40", "BYMONTHDAY=40"), ("FREQ=DAILY;UNTIL=abc", "abc"),
])
def test_rrule_with_bad_parts(target: str, rule: str, words: str) -> None:
    conv = ok(calendar(vevent("bad-1", f"RRULE:{rule}")), target)
    assert uids(conv) == ["good-1", "bad-1"] and not conv.errors
    (entry,) = [e for e in entries(conv, "RRULE", "bad-1") if e.kind is LossKind.INVALID_VALUE]
    assert words in entry.reason or words in (entry.before or ""), entry
    assert "first occurrence" in entry.reason
    assert all(e.get("RRULE") is None for e in conv.calendar.walk("VEVENT"))


@pytest.mark.parametrize("rule", ["FREQ=DAILY;COUNT=1000000000", "FREQ=SECONDLY", "FREQ=MINUTELY;INTERVAL=1"])
def test_endless_or_huge_rrule_is_not_expanded(target: str, rule: str, rrule_steps: dict[str, int]) -> None:
    conv = ok(calendar(vevent("bad-1", f"RRULE:{rule}")), target)
    assert rrule_steps["steps"] < STEP_BOUND, rrule_steps  # conversion never expands a rule
    assert uids(conv) == ["good-1", "bad-1"]


@pytest.mark.parametrize("rule", ["FREQ=SECONDLY", "FREQ=DAILY;COUNT=1000000000", "FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30"])
def test_validation_expansion_is_bounded(rule: str, rrule_steps: dict[str, int]) -> None:
    validate = pytest.importorskip("ics_bridge.validate")
    from ics_bridge.io.model_reader import read_calendar

    cal = read_calendar(calendar(vevent("bad-1", f"RRULE:{rule}")))
    meanings = validate.calendar_meanings(cal)
    assert rrule_steps["steps"] <= 2 * validate.Horizon().max_count, rrule_steps  # max_count starts, not 10^9
    assert len(meanings) == 2


# ------------------------------------------------------------------------------ size and nesting

def test_ten_megabyte_line_is_dropped_by_default(target: str) -> None:
    conv = ok(calendar(vevent("bad-1", "DESCRIPTION:" + "x" * 10_000_000)), target)
    assert uids(conv) == ["good-1", "bad-1"]
    (entry,) = entries(conv, "DESCRIPTION", "bad-1")
    assert "max_line" in entry.reason


def test_long_line_kept_when_the_limit_is_raised() -> None:
    conv = ok(calendar(vevent("bad-1", "DESCRIPTION:" + "x" * 10_000_000)), "ics",
              options=Options(limits=Limits(max_line=16 * 1024 * 1024)))
    event = [e for e in conv.calendar.walk("VEVENT") if str(e["UID"]) == "bad-1"][0]
    assert len(str(event["DESCRIPTION"])) == 10_000_000


def test_deeply_nested_components(target: str) -> None:
    text = HEAD + GOOD + "BEGIN:X-FOO\r\n" * 10_000 + "END:X-FOO\r\n" * 10_000 + FOOT
    conv = ok(text, target)
    assert uids(conv) == ["good-1"]
    assert any("max_depth" in e.reason for e in conv.report)


def test_deep_nesting_inside_an_event(target: str) -> None:
    inner = "BEGIN:X-FOO\r\n" * 10_000 + "END:X-FOO\r\n" * 10_000
    conv = ok(calendar(vevent("bad-1", inner.rstrip("\r\n"))), target)
    assert uids(conv) == ["good-1", "bad-1"]
    assert any("max_depth" in e.reason for e in entries(conv, uid="bad-1"))


def test_over_the_event_limit_refuses_the_file(target: str) -> None:
    text = HEAD + "".join(vevent(f"e{i}") for i in range(50)) + FOOT
    refused(text, target, "over the limit", "max_events", options=Options(limits=Limits(max_events=10)))


def test_over_max_bytes_refuses_the_file(target: str) -> None:
    refused(calendar(), target, "over the limit", options=Options(max_bytes=100))


# ------------------------------------------------------------------------------ bytes

def test_binary_garbage(target: str) -> None:
    rng = random.Random(6)
    refused(bytes(rng.randrange(256) for _ in range(5000)), target, "not an iCalendar file")


def test_binary_garbage_inside_vcalendar(target: str) -> None:
    rng = random.Random(6)
    data = b"BEGIN:VCALENDAR\r\n" + bytes(rng.randrange(256) for _ in range(5000))
    refused(data, target, "no readable component")


def test_garbage_after_good_event_keeps_the_event(target: str) -> None:
    rng = random.Random(7)
    junk = bytes(rng.choice(b"abc \x00\x01\xff\xfe;:=,") for _ in range(3000))
    conv = ok((HEAD + GOOD).encode() + junk + FOOT.encode(), target)
    assert "good-1" in uids(conv)


def test_latin1_bytes(target: str) -> None:
    data = (HEAD + vevent("good-1", "LOCATION:Caf\xe9 J\xfcrgen") + FOOT).encode("latin-1")
    conv = ok(data, target)
    event = conv.calendar.walk("VEVENT")[0]
    assert str(event["LOCATION"]) == "Café Jürgen"
    (entry,) = entries(conv, "encoding")
    assert "Windows-1252" in entry.reason


def test_utf8_bom(target: str) -> None:
    conv = ok(b"\xef\xbb\xbf" + calendar().encode(), target)
    assert uids(conv) == ["good-1"] and not conv.errors and not entries(conv, "encoding")


def test_utf8_bom_without_source_detection() -> None:
    import ics_bridge

    conv = ics_bridge.convert(b"\xef\xbb\xbf" + calendar().encode(), to="graph", file=FILE)
    assert conv.data["iCalUId"] == "good-1"


def test_multibyte_character_at_the_detection_boundary() -> None:
    import ics_bridge

    pad = "X-PAD:" + "a" * (4096 - len(HEAD) - len("X-PAD:") - 8 - 1) + "\r\n"
    data = (HEAD + pad + "X-E:\u00e9\u00e9\u00e9\u00e9\r\n" + GOOD + FOOT).encode()
    assert len(data) > 4096
    conv = ics_bridge.convert(data, to="graph", file=FILE)  # source detected from a cut head
    assert conv.data["iCalUId"] == "good-1"


def test_control_characters_removed(target: str) -> None:
    conv = ok(calendar(vevent("bad-1", "LOCATION:a\x00b\x07c")), target)
    event = [e for e in conv.calendar.walk("VEVENT") if str(e["UID"]) == "bad-1"][0]
    assert str(event["LOCATION"]) == "abc"
    assert any("control character" in e.reason for e in conv.report)


@pytest.mark.parametrize("data", [b"", b"  \r\n\t\n  ", "   "], ids=["empty", "whitespace", "spaces"])
def test_empty_or_blank_file(target: str, data) -> None:
    refused(data, target, "not an iCalendar file")


def test_vcalendar_without_events(target: str) -> None:
    conv = ok(HEAD + FOOT, target)
    assert uids(conv) == [] and not conv.errors


# ------------------------------------------------------------------------------ events

def test_vevent_without_uid_gets_a_stable_one(target: str) -> None:
    text = calendar(vevent(None))
    first, second = ok(text, target), ok(text, target)
    made = [u for u in uids(first) if u != "good-1"]
    assert len(made) == 1 and made == [u for u in uids(second) if u != "good-1"]
    (entry,) = entries(first, "UID")
    assert entry.kind is LossKind.INVALID_VALUE and "without UID" in entry.reason and entry.uid == made[0]


def test_vevent_without_dtstart(target: str) -> None:
    conv = ok(calendar(vevent("bad-1", start=None)), target)
    assert uids(conv) == ["good-1"]
    err = one_error(conv, "bad-1", "DTSTART")
    assert "without DTSTART" in err.message


def test_cancelled_tombstone_without_dtstart_is_kept(target: str) -> None:
    conv = ok(calendar(vevent("gone", "STATUS:CANCELLED", start=None, end=None)), target)
    assert not conv.errors and "gone" in uids(conv)


def test_dtstart_that_is_a_duration(target: str) -> None:
    conv = ok(calendar(vevent("bad-1", start="DTSTART:PT1H")), target)
    one_error(conv, "bad-1", "DTSTART")


def test_two_masters_with_one_uid(target: str) -> None:
    conv = ok(calendar(vevent("good-1", "DESCRIPTION:another version")), target)
    assert uids(conv) == ["good-1", "good-1"]
    assert any("2 different VEVENTs share this UID" in e.reason for e in entries(conv, "UID", "good-1"))


def test_identical_copy_dropped(target: str) -> None:
    conv = ok(calendar(GOOD), target)
    assert uids(conv) == ["good-1"]
    (entry,) = entries(conv, "UID", "good-1")
    assert "identical copy" in entry.reason


def test_recurrence_id_without_master(target: str) -> None:
    conv = ok(calendar(vevent("orphan", "RECURRENCE-ID:20260310T090000Z")), target)
    assert uids(conv) == ["good-1", "orphan"] and not conv.errors


def test_unreadable_recurrence_id(target: str) -> None:
    conv = ok(calendar(vevent("bad-1", "RECURRENCE-ID:garbage")), target)
    assert uids(conv) == ["good-1"]
    one_error(conv, "bad-1", "RECURRENCE-ID")


def test_bad_events_do_not_stop_the_others(target: str) -> None:
    bad = [vevent(f"bad-{i}", start="DTSTART:nonsense") for i in range(5)]
    good = [vevent(f"ok-{i}") for i in range(5)]
    mixed = [x for pair in zip(bad, good) for x in pair]
    conv = ok(calendar(*mixed), target)
    assert uids(conv) == ["good-1"] + [f"ok-{i}" for i in range(5)]
    assert sorted(e.uid for e in conv.errors) == [f"bad-{i}" for i in range(5)]
    assert all(e.field == "DTSTART" for e in conv.errors)
    if target != "ics":
        items = conv.data["value"] if target == "graph" else conv.data["items"]
        assert len(items) == 6


@pytest.mark.parametrize("via", ["graph", "google", "ics"])
def test_a_series_at_the_end_of_time_round_trips(via: str) -> None:
    """A daily series starting on 9999-12-30: the validation horizon and Graph's first-occurrence
    check would step past the year 9999; neither may raise."""
    import ics_bridge
    data = calendar(vevent("end-1", "RRULE:FREQ=DAILY", start="DTSTART:99991230T090000Z", end="DTEND:99991230T100000Z"))
    result = ics_bridge.roundtrip(data.encode(), via=via)
    assert result.unreported() == []
