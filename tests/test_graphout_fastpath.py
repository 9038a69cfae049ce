"""The hub → Graph mapper's fast paths held to the reference paths they stand in for.

* ``kept_lines.plain_kept_lines`` (kept lines written directly) against the hub writer
  (``model_writer.event_lines``);
* ``people`` (memoised per address) against a fresh mapping of each address;
* ``occurrence_steps`` (EXDATE matched by arithmetic, ``Occurrences.match``) against dateutil's
  expansion (``Occurrences(master, stepped=False)``);
* the whole mapping (items and loss reports, both profiles, both zone name styles) with every
  fast path on against every one off, on the corpus (tests/corpus: .ics, Graph and Google
  JSON read into the hub), tests/producers, samples/ and generated calendars.
"""

from __future__ import annotations

import json
import random
import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterator
from zoneinfo import ZoneInfo

import pytest

from ics_bridge import model as m
from ics_bridge.io.model_writer import event_lines
from ics_bridge.occurrences import Occurrences
from ics_bridge.options import Options
from ics_bridge.pipeline import read_hub
from ics_bridge.providers.graph import from_ical, kept_lines, people
from ics_bridge.report import Report

ROOT = Path(__file__).resolve().parents[1]


def _is_json(path: Path) -> bool:
    try:
        json.loads(path.read_bytes())
    except ValueError:  # documentation fragments and pseudo-JSON in the corpus: no input at all
        return False
    return True


SOURCES = [(fmt, path) for fmt, path in sorted([*(("ics", p) for p in (ROOT / "tests/corpus/ics").glob("*.ics")),
                  *(("ics", p) for p in (ROOT / "tests/producers").glob("*.ics")),
                  *(("ics", p) for p in (ROOT / "samples/ics").glob("*.ics")),
                  *(("graph", p) for p in (ROOT / "tests/corpus/graph").glob("*.json")),
                  *(("graph", p) for p in (ROOT / "samples/graph").glob("*.json")),
                  *(("google", p) for p in (ROOT / "tests/corpus/google").glob("*.json")),
                  *(("google", p) for p in (ROOT / "samples/google").glob("*.json"))])
           if fmt == "ics" or _is_json(path)]
OPTIONS = [from_ical.GraphWriteOptions(profile=profile, zone_names=names)
           for profile in ("resource", "request") for names in ("windows", "iana")]


def _hub(fmt: str, path: Path) -> m.Calendar:
    cal, _report, _errors = read_hub(path.read_bytes(), fmt, Options(), target="graph")
    assert isinstance(cal, m.Calendar)
    return cal


def _mapped(cal: m.Calendar | list[m.Series], options: from_ical.GraphWriteOptions) -> tuple[str, str]:
    report = Report()
    items = from_ical.calendar_to_events(cal, report, options)
    return json.dumps(items, ensure_ascii=False, default=str), report.as_json()


class _Reference:
    """Every fast path of the mapper off (each falls back to its reference) while active; counts
    how often each fast path answered while off, so a test can tell it was exercised."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch

    def __enter__(self) -> "_Reference":
        mp = self.monkeypatch
        mp.setattr(from_ical, "plain_kept_lines", lambda typed, other, params: None)
        mp.setattr(people, "attendee", lambda att, resource: people.Attendee(att, resource))
        mp.setattr(people, "organizer", lambda org: people.Organizer(org))
        mp.setattr(people, "by_identity", lambda resource: {})  # the loop's inline memo hit off too
        mp.setattr(from_ical, "Occurrences", lambda master: Occurrences(master, stepped=False))
        return self

    def __exit__(self, *exc: Any) -> None:
        self.monkeypatch.undo()


def _compare(cal: m.Calendar | list[m.Series], monkeypatch: pytest.MonkeyPatch, label: str) -> None:
    for options in OPTIONS:
        people.clear()
        fast = _mapped(cal, options)
        fast_again = _mapped(cal, options)  # memo filled by the first run
        with _Reference(monkeypatch):
            reference = _mapped(cal, options)
        assert fast[0] == reference[0], f"{label} {options}: items differ"
        assert fast[1] == reference[1], f"{label} {options}: reports differ"
        assert fast_again == fast, f"{label} {options}: a second run differs"


@pytest.mark.parametrize("fmt,path", SOURCES, ids=[f"{f}:{p.name}" for f, p in SOURCES])
def test_mapping_equals_reference_on_corpus(fmt: str, path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _compare(_hub(fmt, path), monkeypatch, path.name)


def test_corpus_exercises_the_fast_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    """The comparisons above are not vacuous: the fast paths answer for most of the corpus."""
    counts = {"kept": 0, "kept_plain": 0, "attendees": 0}
    plain = kept_lines.plain_kept_lines

    def counting(typed: dict[str, Any], other: tuple[m.Line, ...], params: Any) -> list[tuple[str, str]] | None:
        counts["kept"] += 1
        found = plain(typed, other, params)
        counts["kept_plain"] += found is not None
        return found

    monkeypatch.setattr(from_ical, "plain_kept_lines", counting)
    for fmt, path in SOURCES:
        cal = _hub(fmt, path)
        counts["attendees"] += sum(len(e.attendees) for e in cal.events)
        _mapped(cal, OPTIONS[0])
    assert counts["kept_plain"] > 100 and counts["kept_plain"] > counts["kept"] // 2, counts
    assert counts["attendees"] > 100, counts


# ---------------------------------------------------------------- kept lines against the writer

_NAMES = ["X-FOO", "X-BAR", "x-lower", "X-MICROSOFT-CDO-APPT-SEQUENCE", "RDATE", "RRULE", "CONTACT", "RESOURCES",
          "X-A", "x-a", "REQUEST-STATUS", "RELATED-TO", "TZNAME", "SEQUENCE", "STATUS", "COMMENT", "URL", "GEO"]
_VALUES = ["1", "plain", "a,b;c\\\\d", "Zoë über", "x" * 90, "é" * 50, "with:colon", "", "tab\there",
           "a\\nb", "line\nbreak", "20260101T000000Z"]
_PARAM_VALUES = ["x", "a b", "a,b", "a:b", "a;b", 'q"uote', "caret^", "é", "back\\slash", ""]


def _params(rng: random.Random) -> m.Params:
    return tuple(m.Param(rng.choice(["X-P", "LANGUAGE", "ALTREP", "X-Q", "FMTTYPE"]),
                         tuple(rng.choice(_PARAM_VALUES) for _ in range(rng.randint(1, 2))))
                 for _ in range(rng.choice([0, 0, 1, 2, 3])))


def _kept_events(n: int, seed: int) -> Iterator[m.Event]:
    rng = random.Random(seed)
    for _ in range(n):
        other = []
        for _ in range(rng.choice([0, 0, 1, 2, 4])):
            name, value, params = rng.choice(_NAMES), rng.choice(_VALUES), _params(rng)
            other.append(m.Line(name, params, value, f"{name}:{value}"))
        fields: dict[str, Any] = {}
        if rng.random() < 0.8:
            fields["sequence"] = rng.choice([0, 1, 3, 12345])
        if rng.random() < 0.3:
            fields["status"] = rng.choice(["TENTATIVE", "CONFIRMED", "x,y;z", "Zoë"])
        if rng.random() < 0.2:
            fields["url"] = rng.choice(["https://example.com/a?b=c;d", "http://x", "é"])
        if rng.random() < 0.2:
            fields["comments"] = tuple(rng.choice(_VALUES) for _ in range(rng.randint(1, 3)))
        own = [(name, _params(rng)) for name in ("SEQUENCE", "STATUS", "URL", "COMMENT", "UID")
               if rng.random() < 0.15]
        yield m.Event(other=tuple(other), params=tuple(own), **fields)


def _kept_inputs(event: m.Event) -> tuple[dict[str, Any], tuple[m.Line, ...]]:
    typed = {field: value for field in kept_lines.PLAIN_FIELDS if (value := getattr(event, field)) not in (None, ())}
    return typed, event.other


@pytest.mark.parametrize("seed", range(4))
def test_plain_kept_lines_equal_the_writer(seed: int) -> None:
    answered = 0
    for event in _kept_events(1500, seed):
        typed, other = _kept_inputs(event)
        if not (typed or other):
            continue
        found = kept_lines.plain_kept_lines(typed, other, event.params)
        assert found is not None  # only plain fields were given
        answered += 1
        reference = event_lines(m.Event(params=event.params, other=other, **typed))[0][1:-1]
        assert [line for _, line in found] == reference, (event, found, reference)
        assert [name for name, _ in found] == [re.split("[;:]", line, maxsplit=1)[0] for line in reference]
    assert answered > 1000


def test_plain_kept_lines_refuse_what_is_not_plain() -> None:
    rule = m.Recur("FREQ=DAILY", freq="DAILY")
    assert kept_lines.plain_kept_lines({"rrules": (rule,)}, (), ()) is None
    assert kept_lines.plain_kept_lines({"sequence": 1, "rdates": (m.DateList((date(2026, 1, 1),)),)}, (), ()) is None


def test_mapping_equals_reference_on_generated_kept_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    """Events holding every kind of kept line, mapped whole, fast against reference."""
    start = m.ZonedDateTime(datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Europe/Berlin")),
                            m.Zone("iana", "Europe/Berlin", "Europe/Berlin"))
    series = []
    for i, event in enumerate(_kept_events(400, 99)):
        uid = f"kept-{i}@example.com"
        series.append(m.Series(uid, m.Event(uid=uid, start=start, end=None, duration=timedelta(hours=1),
                                            summary="kept", status=event.status, url=event.url,
                                            sequence=event.sequence, comments=event.comments,
                                            params=event.params, other=event.other,
                                            order=tuple(dict.fromkeys(["UID", "DTSTART", *(x.name.upper() for x in
                                                                                             event.other)])))))
    _compare(series, monkeypatch, "generated kept lines")


# ---------------------------------------------------------------- people

_CUTYPES = [None, "INDIVIDUAL", "individual", "GROUP", "RESOURCE", "ROOM", "UNKNOWN", "X-ODD"]
_ROLES = [None, "REQ-PARTICIPANT", "OPT-PARTICIPANT", "CHAIR", "NON-PARTICIPANT", "x-role"]
_PARTSTATS = [None, "NEEDS-ACTION", "ACCEPTED", "declined", "TENTATIVE", "DELEGATED", "X-MAYBE", "COMPLETED"]
_ADDRESSES = ["mailto:ana@example.com", "MAILTO:Bo@Example.com", "urn:uuid:1234", "invalid:nomail", "", "ana",
              "mailto:", "http://principal/1", "mailto:a b@example.com"]


def _addresses(n: int, seed: int) -> list[m.Address]:
    rng = random.Random(seed)
    shared: list[m.Params] = []
    out = []
    for _ in range(n):
        params: list[m.Param] = []
        for name, values in (("X-ICSBRIDGE-RESPONSE", ["tentativelyAccepted", "organizer", "none", "accepted"]),
                             ("X-ICSBRIDGE-RESPONSE-TIME", ["2026-01-02T03:04:05Z"]),
                             ("RSVP", ["TRUE", "FALSE", "true", "maybe"])):
            if rng.random() < 0.3:
                params.append(m.Param(name, (rng.choice(values),)))
        if shared and rng.random() < 0.5:
            own = rng.choice(shared)  # shared parameter lists, as the reader shares them
        else:
            own = tuple(params)
            shared.append(own)
        out.append(m.Address(rng.choice(_ADDRESSES), cn=rng.choice([None, "", "Ana", "Zoë"]),
                             role=rng.choice(_ROLES), partstat=rng.choice(_PARTSTATS), cutype=rng.choice(_CUTYPES),
                             email=rng.choice([None, "ana@example.com", "mailto:bo@example.com", "nope"]),
                             params=own))
    return out


def test_mapping_equals_reference_on_generated_people(monkeypatch: pytest.MonkeyPatch) -> None:
    addresses = _addresses(1200, 7)
    start = m.ZonedDateTime(datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc), m.Zone("utc"))
    rng = random.Random(8)
    series = []
    for i in range(300):
        uid = f"people-{i}@example.com"
        series.append(m.Series(uid, m.Event(uid=uid, start=start, summary="people",
                                            organizer=rng.choice([None, *addresses[:50]]),
                                            attendees=tuple(rng.sample(addresses, rng.randint(0, 8))))))
    _compare(series, monkeypatch, "generated people")


def test_memo_does_not_confuse_equal_keys_with_other_parameters() -> None:
    """Two addresses alike in every typed field but with different parameter lists (RSVP,
    X-ICSBRIDGE-RESPONSE) get their own pieces."""
    people.clear()
    a = m.Address("mailto:a@example.com", partstat="TENTATIVE", params=(m.Param("RSVP", ("FALSE",)),))
    b = m.Address("mailto:a@example.com", partstat="TENTATIVE",
                  params=(m.Param("X-ICSBRIDGE-RESPONSE", ("tentativelyAccepted",)),))
    assert people.attendee(a, True).rsvp == "FALSE"
    assert people.attendee(b, True).rsvp is None
    assert people.attendee(a, True).rsvp == "FALSE"


# ---------------------------------------------------------------- occurrences by arithmetic

_ZONES = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Tokyo", "Pacific/Chatham"]
_FREQS = ["DAILY", "WEEKLY", "MONTHLY", "YEARLY"]


def _zone(name: str | None) -> m.Zone:
    if name is None:
        return m.Zone("floating")
    if name == "UTC":
        return m.Zone("utc")
    return m.Zone("iana", name, name)


def _value(wall: datetime, zone_name: str | None) -> m.ZonedDateTime:
    if zone_name is None:
        return m.ZonedDateTime(wall, _zone(None))
    tz = timezone.utc if zone_name == "UTC" else ZoneInfo(zone_name)
    return m.ZonedDateTime(wall.replace(tzinfo=tz), _zone(zone_name))


def _rule(rng: random.Random, start: datetime | date, zone_name: str | None) -> str:
    freq = rng.choice(_FREQS)
    parts = [f"FREQ={freq}"]
    if rng.random() < 0.5:
        parts.append(f"INTERVAL={rng.choice([1, 2, 3, 5, 13, 100])}")
    end = rng.random()
    if end < 0.4:
        parts.append(f"COUNT={rng.choice([1, 2, 5, 30, 400])}")
    elif end < 0.8:
        last = (start if isinstance(start, datetime) else datetime.combine(start, datetime.min.time())) \
            + timedelta(days=rng.choice([-3, 0, 10, 45, 400, 3000]), hours=rng.choice([0, 1, -1]))
        if isinstance(start, datetime) and rng.random() < 0.5:
            parts.append(f"UNTIL={last:%Y%m%d}")  # a DATE UNTIL
        elif zone_name is None or not isinstance(start, datetime):
            parts.append(f"UNTIL={last:%Y%m%dT%H%M%S}")
        else:
            utc = last.replace(tzinfo=timezone.utc if zone_name == "UTC" else ZoneInfo(zone_name)).astimezone(timezone.utc)
            parts.append(f"UNTIL={utc:%Y%m%dT%H%M%SZ}")
    day = (start if isinstance(start, date) else start.date()).weekday()
    days = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
    shape = rng.random()
    if freq == "WEEKLY" and shape < 0.4:
        parts.append(f"BYDAY={days[day]}")  # DTSTART's own day: stepped
    elif freq == "WEEKLY" and shape < 0.5:
        parts.append(f"BYDAY={days[(day + 1) % 7]}")  # another day: expanded
    elif shape > 0.85:
        parts.append("BYMONTHDAY=1,15")  # expanded
    if rng.random() < 0.2:
        parts.append(f"WKST={rng.choice(days)}")
    return ";".join(parts)


def _master(rng: random.Random) -> m.Event:
    from ics_bridge.io.model_reader import parse_recur
    kind = rng.random()
    if kind < 0.2:
        start: m.TimeValue = rng.choice([date(rng.randint(1990, 2030), rng.choice([1, 3, 5, 12]),
                                              rng.choice([1, 15, 28, 29, 30, 31])), date(2024, 2, 29)])
        zone_name = None
    else:
        zone_name = rng.choice([*_ZONES, "UTC", None])
        # DST changes (gaps and repeated hours) among the starts
        wall = rng.choice([datetime(2026, 3, 29, 2, 30), datetime(2026, 10, 25, 2, 30), datetime(2026, 3, 8, 2, 30),
                           datetime(2026, 11, 1, 1, 30), datetime(2026, 1, 31, 9, 0), datetime(2024, 2, 29, 8, 15),
                           datetime(2025, rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23),
                                    rng.choice([0, 15, 30, 45]), rng.choice([0, 0, 30]))])
        start = _value(wall, zone_name)
    plain = m.plain(start)
    recur = parse_recur(_rule(rng, plain, zone_name))
    rdates = (m.DateList((start,)),) if rng.random() < 0.05 else ()
    return m.Event(uid="u", start=start, rrules=(recur,), rdates=rdates)


def _probes(rng: random.Random, master: m.Event) -> list[Any]:
    """Values to match: occurrences of the expansion, near misses and other shapes."""
    from ics_bridge.expansion import series_set
    from ics_bridge.occurrences import series_base
    base = series_base(master)
    found = []
    for i, occurrence in enumerate(series_set(master, base)):
        if i > 60:
            break
        found.append(occurrence)
    probes: list[Any] = []
    zone_name = master.start.zone.iana if isinstance(master.start, m.ZonedDateTime) else None
    for occurrence in rng.sample(found, min(len(found), 12)):
        probes.append(occurrence)
        probes.append(occurrence + timedelta(hours=rng.choice([1, -1, 24, 168])))
        probes.append(occurrence + timedelta(days=rng.choice([1, 7, 28, 30, 365])))
        probes.append(occurrence.date())  # a DATE value
        if occurrence.tzinfo is not None:
            probes.append(occurrence.astimezone(timezone.utc))  # the same instant in UTC
            probes.append(occurrence.replace(fold=1))
            probes.append(occurrence.replace(tzinfo=None))  # floating
        elif zone_name is None:
            probes.append(occurrence.replace(tzinfo=ZoneInfo(rng.choice(_ZONES))))
        probes.append(occurrence.replace(second=(occurrence.second + 1) % 60))
    if found:
        probes.append(found[0] - timedelta(days=7))
        probes.append(found[-1] + timedelta(days=rng.randint(1, 4000)))
        probes.append(found[0] + timedelta(days=365 * 40 + 9))
    return probes


@pytest.mark.parametrize("seed", range(4))
def test_stepped_matches_equal_the_expansion(seed: int) -> None:
    rng = random.Random(seed)
    answered = 0
    for _ in range(250):
        master = _master(rng)
        fast = Occurrences(master)
        reference = Occurrences(master, stepped=False)
        answered += fast._steps is not None
        for probe in _probes(rng, master):
            got, want = fast.match(probe), reference.match(probe)
            assert got == want and type(got) is type(want), (master.rrules[0].text, master.start, probe, got, want)
            if isinstance(want, datetime):
                assert repr(got) == repr(want) and got.tzinfo is want.tzinfo, (probe, got, want)
                assert fast.local_date(got) == reference.local_date(want)
    assert answered > 100  # most generated rules are of the stepped shape
