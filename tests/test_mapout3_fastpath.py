"""The hub → provider mappers' round-3 fast paths (mapout3) held to the paths they stand in for.

* Graph ``from_ical._kept_few`` (an event keeping only SEQUENCE / STATUS, its extended property
  written once per combination) against ``keep_unmapped``'s general path;
* Graph attendees' entries in one dict display (``_ENTRY_AT_ONCE``), organizers memoised by
  identity (``people.organizer``);
* ``report.Report.add`` (entries built without the frozen ``__init__``) against ``Loss(...)``;
* Google ``from_ical``: ``google_id``'s base32hex against ``base64``'s; attendees memoised by
  identity (``_attendee_memo``) against a fresh mapping of each; ``keep_unmapped``'s one-test
  exit (``_nothing_unmapped``); CATEGORIES' JSON once per list (``_categories_json``);

each on the corpus (tests/corpus, tests/producers, samples: the sources of
``tests/test_graphout_fastpath.py``) and on generated input, with every fast path of the mapper
on against every one off (items and loss reports compared as text).
"""

from __future__ import annotations

import base64
from dataclasses import asdict
import hashlib
import json
import random
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from ics_bridge import model as m
from ics_bridge.providers.google import from_ical as google_out
from ics_bridge.providers.graph import from_ical, people
from ics_bridge.report import Loss, LossKind, Report

from test_graphout_fastpath import OPTIONS, SOURCES, _addresses, _hub, _kept_events, _Reference


def _graph(cal: m.Calendar | list[m.Series], options: from_ical.GraphWriteOptions) -> tuple[str, str]:
    report = Report()
    items = from_ical.calendar_to_events(cal, report, options)
    return json.dumps(items, ensure_ascii=False, default=str), report.as_json()


def _graph_off(mp: pytest.MonkeyPatch) -> None:
    """graphout's fast paths off (``_Reference``, undone with ``mp``) and this round's too."""
    _Reference(mp).__enter__()
    mp.setattr(from_ical, "_kept_few", lambda writer: False)
    mp.setattr(from_ical, "_ENTRY_AT_ONCE", False)


def _forget_graph() -> None:
    people.clear()
    from_ical._FEW.clear()


def _compare(mapper: Any, all_options: list[Any], forget: Any, switch_off: Any, cal: m.Calendar | list[m.Series],
             monkeypatch: pytest.MonkeyPatch, label: str) -> None:
    """``mapper``'s items and report, each profile: fast (memos empty, then filled) against
    every fast path switched off (``switch_off``)."""
    for options in all_options:
        forget()
        fast = mapper(cal, options)
        again = mapper(cal, options)  # memos filled by the first run
        with monkeypatch.context() as mp:
            switch_off(mp)
            reference = mapper(cal, options)
        assert fast[0] == reference[0], f"{label} {options}: items differ"
        assert fast[1] == reference[1], f"{label} {options}: reports differ"
        assert again == fast, f"{label} {options}: a second run differs"


def _compare_graph(cal: m.Calendar | list[m.Series], monkeypatch: pytest.MonkeyPatch, label: str) -> None:
    _compare(_graph, OPTIONS, _forget_graph, _graph_off, cal, monkeypatch, label)


@pytest.mark.parametrize("fmt,path", SOURCES, ids=[f"{f}:{p.name}" for f, p in SOURCES])
def test_graph_mapping_equals_reference_on_corpus(fmt: str, path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _compare_graph(_hub(fmt, path), monkeypatch, path.name)


def test_corpus_exercises_kept_few(monkeypatch: pytest.MonkeyPatch) -> None:
    """Not vacuous: ``_kept_few`` answers for many corpus events, and not for all of them."""
    counts = {"asked": 0, "answered": 0}
    few = from_ical._kept_few

    def counting(writer: Any) -> bool:
        counts["asked"] += 1
        answered = few(writer)
        counts["answered"] += answered
        return answered

    monkeypatch.setattr(from_ical, "_kept_few", counting)
    for fmt, path in SOURCES:
        _graph(_hub(fmt, path), OPTIONS[0])
    assert counts["answered"] > 100 and counts["asked"] - counts["answered"] > 100, counts


_ORDERS = [(), ("UID", "DTSTART", "SEQUENCE", "STATUS"), ("UID", "STATUS", "DTSTART", "SEQUENCE"),
           ("UID", "DTSTART"), ("STATUS",), ("SEQUENCE", "UID")]


def _generated(n: int, seed: int) -> list[m.Series]:
    """Events around the fast path's edge: SEQUENCE and STATUS (TENTATIVE is not carried) with
    and without their own parameters, in several property orders, some with kept lines,
    COMMENTs, an RDATE, an alarm Graph drops or a URL a request cannot carry."""
    rng = random.Random(seed)
    zone = ZoneInfo("Europe/Berlin")
    start = m.ZonedDateTime(datetime(2026, 3, 2, 9, 0, tzinfo=zone), m.Zone("iana", "Europe/Berlin", "Europe/Berlin"))
    out = []
    for i, kept in enumerate(_kept_events(n, seed)):
        uid = f"few-{seed}-{i}@example.com"
        fields: dict[str, Any] = {
            "sequence": kept.sequence, "params": kept.params, "order": rng.choice(_ORDERS),
            "status": rng.choice([None, "TENTATIVE", "tentative", "CONFIRMED", "CANCELLED", kept.status]),
            "other": kept.other if rng.random() < 0.3 else (),
            "comments": kept.comments if rng.random() < 0.3 else (),
            "url": kept.url if rng.random() < 0.3 else None}
        if rng.random() < 0.05:
            fields["rdates"] = (m.DateList((date(2026, 3, 9),)),)
        if rng.random() < 0.1:
            fields["alarms"] = tuple(m.Alarm(action="DISPLAY", trigger=m.Trigger(timedelta(minutes=-k)),
                                             description="x") for k in (5, 10))
        if rng.random() < 0.1:
            fields["rrules"] = (m.Recur("FREQ=DAILY;COUNT=3", freq="DAILY", count=3),)
        out.append(m.Series(uid, m.Event(uid=uid, start=start, duration=timedelta(hours=1), summary="few",
                                         **fields)))
    return out


@pytest.mark.parametrize("seed", range(3))
def test_graph_mapping_equals_reference_on_generated(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    _compare_graph(_generated(400, seed), monkeypatch, f"generated {seed}")


# ---------------------------------------------------------------- report entries

_KINDS = list(LossKind)


@pytest.mark.parametrize("seed", range(2))
def test_report_add_equals_the_constructor(seed: int) -> None:
    """``Report.add``'s entries are the ``Loss`` the constructor makes: equal, same hash, repr,
    dict, JSON and text, and as frozen."""
    rng = random.Random(seed)
    report = Report(file=rng.choice([None, "a.ics"]))
    wanted = []
    for _ in range(500):
        kind, field, reason = rng.choice(_KINDS), rng.choice(["DTSTART", "X-A", ""]), rng.choice(["why", "é"])
        kw: dict[str, Any] = {"uid": rng.choice([None, "u1", ""]), "recurrence_id": rng.choice([None, "20260101"]),
                              "guess": rng.random() < 0.2}
        before, after = rng.choice([None, 3, "x", date(2026, 1, 1)]), rng.choice([None, 0, "y"])
        report.add(kind, field, reason, before=before, after=after, **kw)
        wanted.append(Loss(kind=kind, field=field, reason=reason, before=None if before is None else str(before),
                           after=None if after is None else str(after), file=report.file, **kw))
    for got, want in zip(report.entries, wanted, strict=True):
        assert got == want and hash(got) == hash(want) and repr(got) == repr(want)
        assert got.__dict__ == want.__dict__ and list(got.__dict__) == list(want.__dict__)
        assert got.as_dict() == want.as_dict() and got.as_text() == want.as_text()
        with pytest.raises(AttributeError):
            got.reason = "changed"  # type: ignore[misc]
    assert report.as_json() == json.dumps([e.as_dict() for e in wanted], indent=2, ensure_ascii=False)


def _reference_dict(loss: Loss) -> dict[str, Any]:
    """``Loss.as_dict`` as it was: ``dataclasses.asdict``, then kind, severity and guess."""
    data = asdict(loss)
    data["kind"] = loss.kind.value
    data["severity"] = loss.severity.value
    if not loss.guess:
        del data["guess"]
    return data


def _reference_json(report: Report) -> str:
    return json.dumps([_reference_dict(e) for e in report.entries], indent=2, ensure_ascii=False)


_ODD = ["", "plain", "Zoë 会議", "quote \" back \\ slash", "ctl \x00\x01\x1f\x7f tab\t nl\n cr\r", "\u2028\u2029",
        "lone \ud800 surrogate", "emoji \U0001f600", "</script>", "x" * 300]


@pytest.mark.parametrize("seed", range(3))
def test_report_json_equals_json_module(seed: int) -> None:
    """``as_dict`` and ``as_json`` (orjson; json for what orjson refuses) give json's text,
    for odd texts, values of other types given to ``Loss`` directly, and an empty report."""
    rng = random.Random(seed)
    report = Report(file=rng.choice([None, "f.ics", "Zoë.ics"]))
    for _ in range(300):
        report.add(rng.choice(_KINDS), rng.choice(_ODD), rng.choice(_ODD), uid=rng.choice([None, *_ODD]),
                   recurrence_id=rng.choice([None, *_ODD]), before=rng.choice([None, 1.5, *_ODD]),
                   after=rng.choice([None, *_ODD]), guess=rng.random() < 0.3)
    clean = Report()
    clean.entries = [e for e in report.entries if not any("\ud800" in str(v) for v in e.__dict__.values())]
    odd = Report()
    odd.entries = [Loss(LossKind.DROPPED, "F", "r", before=[1, {"a": 2}], after=3),  # type: ignore[arg-type]
                   Loss(LossKind.DROPPED, "F", "r", before=("a", 1), guess=True)]  # type: ignore[arg-type]
    for one in (report, clean, odd, Report()):
        assert one.as_json() == _reference_json(one)
        assert [e.as_dict() for e in one] == [_reference_dict(e) for e in one]
    assert len(clean) > 50 and len(clean) < len(report)  # both of as_json's ways taken


@pytest.mark.parametrize("fmt,path", SOURCES[::3], ids=[f"{f}:{p.name}" for f, p in SOURCES[::3]])
def test_report_json_on_corpus(fmt: str, path: Path) -> None:
    """The reports of reading and mapping corpus files, as json wrote them."""
    from ics_bridge.options import Options
    from ics_bridge.pipeline import read_hub, write_hub
    for to in ("graph", "google"):
        cal, report, _ = read_hub(path.read_bytes(), fmt, Options(), target=to)
        write_hub(cal, to, report)
        assert report.as_json() == _reference_json(report)


# ---------------------------------------------------------------- Google

GOOGLE_OPTIONS = [google_out.GoogleWriteOptions(profile=profile) for profile in ("resource", "insert", "import")]


def _google(cal: m.Calendar | list[m.Series], options: google_out.GoogleWriteOptions) -> tuple[str, str]:
    report = Report()
    items = google_out.calendar_to_events(cal, report, options)
    return json.dumps(items, ensure_ascii=False, default=str), report.as_json()


def _google_off(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every fast path of this round in the Google mapper off: each falls back to its reference."""
    monkeypatch.setattr(google_out, "_b32hex_digest", google_out._b32hex)
    monkeypatch.setattr(google_out, "_attendee_memo", google_out._attendee_fresh)
    monkeypatch.setattr(google_out, "_nothing_unmapped", lambda writer: False)
    monkeypatch.setattr(google_out, "_categories_json", lambda names: json.dumps(list(names), ensure_ascii=False))


def _forget_google() -> None:
    google_out._attendees.clear()
    google_out._CATEGORIES_JSON.clear()


def _compare_google(cal: m.Calendar | list[m.Series], monkeypatch: pytest.MonkeyPatch, label: str) -> None:
    _compare(_google, GOOGLE_OPTIONS, _forget_google, _google_off, cal, monkeypatch, label)


@pytest.mark.parametrize("fmt,path", SOURCES, ids=[f"{f}:{p.name}" for f, p in SOURCES])
def test_google_mapping_equals_reference_on_corpus(fmt: str, path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _compare_google(_hub(fmt, path), monkeypatch, path.name)


def _generated_google(n: int, seed: int) -> list[m.Series]:
    """People (shared and equal-but-distinct addresses, organizers among them), kept lines,
    PRIORITY / GEO / COMMENT, categories repeated across events, UIDs of every shape."""
    rng = random.Random(seed)
    addresses = _addresses(300, seed)
    twins = [m.Address(a.address, cn=a.cn, role=a.role, partstat=a.partstat, cutype=a.cutype, email=a.email,
                       params=tuple(a.params)) for a in addresses[:40]]  # equal values, other objects
    start = m.ZonedDateTime(datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Europe/Berlin")),
                            m.Zone("iana", "Europe/Berlin", "Europe/Berlin"))
    kept = list(_kept_events(n, seed))
    out = []
    for i in range(n):
        uid = rng.choice([f"g-{seed}-{i}@example.com", f"Zoë {i}", f"{i}" * rng.randint(1, 40)])
        people = addresses + twins
        fields: dict[str, Any] = {
            "organizer": rng.choice([None, *people[:30]]),
            "attendees": tuple(rng.sample(people, rng.randint(0, 6))),
            "other": kept[i].other if rng.random() < 0.3 else (),
            "comments": kept[i].comments if rng.random() < 0.2 else (),
            "priority": rng.choice([None, None, 0, 1, 5, 9]),
            "categories": tuple(m.TextList(names) for names in rng.choice(
                [(), (("Work",),), (("Work", "Zoë"),), (("a,b", "c"), ("Work",))])),
        }
        if rng.random() < 0.1:
            fields["geo"] = m.Geo(48.1, 11.5)
        out.append(m.Series(uid, m.Event(uid=uid, start=start, duration=timedelta(hours=1), summary="g",
                                         **fields)))
    return out


@pytest.mark.parametrize("seed", range(3))
def test_google_mapping_equals_reference_on_generated(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    _compare_google(_generated_google(300, seed), monkeypatch, f"generated {seed}")


def test_google_id_equals_base64() -> None:
    """The base32hex of the digest, two digits a step, is base64's (padding stripped, lower case)."""
    rng = random.Random(5)
    uids = ["", "a", "Zoë", "x" * 1000] + ["".join(chr(rng.randint(32, 0x2FFF)) for _ in range(rng.randint(0, 60)))
                                            for _ in range(3000)]
    for uid in uids:
        digest = hashlib.sha256(uid.encode("utf-8")).digest()
        want = base64.b32hexencode(digest).decode("ascii").rstrip("=").lower()
        assert google_out.google_id(uid) == want == google_out._b32hex(digest), uid
        assert google_out.is_valid_id(want)
    for size in (0, 1, 5, 20, 31, 33, 64):  # other lengths go to base64 itself
        data = bytes(rng.randrange(256) for _ in range(size))
        assert google_out._b32hex_digest(data) == google_out._b32hex(data)


def test_google_fast_paths_are_exercised(monkeypatch: pytest.MonkeyPatch) -> None:
    """Not vacuous: on the corpus and generated input the one-test exit answers both ways and
    the identity memo answers attendees seen before."""
    counts = {"exit": 0, "no_exit": 0, "memo_hits": 0}
    nothing, memo = google_out._nothing_unmapped, google_out._attendee_memo

    def counting_exit(writer: Any) -> bool:
        found = nothing(writer)
        counts["exit" if found else "no_exit"] += 1
        return found

    def counting_memo(att: m.Address, org_email: str | None) -> Any:
        counts["memo_hits"] += id(att) in google_out._attendees
        return memo(att, org_email)

    monkeypatch.setattr(google_out, "_nothing_unmapped", counting_exit)
    monkeypatch.setattr(google_out, "_attendee_memo", counting_memo)
    for fmt, path in SOURCES:
        _google(_hub(fmt, path), GOOGLE_OPTIONS[0])
    _google(_generated_google(300, 0), GOOGLE_OPTIONS[0])
    assert counts["exit"] > 100 and counts["no_exit"] > 100 and counts["memo_hits"] > 100, counts


def test_markup_hazard_equals_the_pattern() -> None:
    """``text.markup_hazard``'s scan for "<" and "&" before the pattern answers as the pattern."""
    from ics_bridge import text
    rng = random.Random(11)
    pieces = ["a", " ", "<", ">", "&", ";", "#", "x", "1", "b", "/", "!", "?", "é", "\n", "amp", "#x1F", "<br>"]
    samples = ["", "plain", "a<b", "a < b", "&amp;", "& amp;", "&#233;", "<!-- -->", "5 > 3"]
    samples += ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 12))) for _ in range(5000)]
    found = 0
    for sample in samples:
        want = text._MARKUP_HAZARD_RE.search(sample) is not None
        assert text.markup_hazard(sample) is want, sample
        found += want
    assert 500 < found < len(samples) - 500


def test_graph_local_text_equals_isoformat() -> None:
    """``_local_text`` writes what ``replace(tzinfo=None).isoformat(timespec="seconds")`` did."""
    rng = random.Random(3)
    zones = [None, ZoneInfo("Europe/Berlin"), ZoneInfo("Pacific/Chatham"), ZoneInfo("UTC")]
    values = [datetime(1, 1, 1), datetime(9999, 12, 31, 23, 59, 59, 999999), datetime(999, 5, 6, 7, 8, 9, 10)]
    values += [datetime(rng.randint(1, 9999), rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23),
                        rng.randint(0, 59), rng.randint(0, 59), rng.choice([0, 1, 500000]),
                        tzinfo=rng.choice(zones), fold=rng.randint(0, 1)) for _ in range(5000)]
    for value in values:
        want = value.replace(tzinfo=None).isoformat(timespec="seconds") + ".0000000"
        assert from_ical._local_text(value) == want, value
