"""The hub → Google mapper's googleout5 fast paths held to the general paths they stand in for.

* ``from_ical``: ``_bare`` (no ``link`` / ``attachments`` / ``restore_stash`` / ``conference``
  call for an event without what they read), the ``SHORTCUTS`` exits (``reminders`` without
  alarms, ``timestamps``, ``categories``, ``defaultReminders`` of alarm-less masters), VALARM
  readings memoised by content (``vevent.alarm_reading``, since alarms6 the one memo both
  mappers use; off: ``vevent.read_event_alarm``), attendees' memo read inline
  (``attendees``), ``_iana_name``'s memo, ``_rfc3339`` without ``timespec`` and
  ``_b32hex_digest``'s bit spread: the mapper's items and loss report with all of them on
  against all off (and mapout3's fast paths off too), on the corpus and on generated events;
* ``io.jsonio``: ``_tiny_float`` and ``_null_value`` against the byte tests they replace.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from ics_bridge import hub, vevent
from ics_bridge import model as m
from ics_bridge.io import jsonio
from ics_bridge.providers.google import from_ical as google_out
from ics_bridge.timezones import tzid_of

from test_graphout_fastpath import SOURCES, _hub
from test_mapout3_fastpath import GOOGLE_OPTIONS, _compare, _forget_google, _generated_google, _google, _google_off


class _Forgetful(dict):  # type: ignore[type-arg]
    """A memo that keeps nothing: every lookup misses, as without the memo."""

    def __setitem__(self, key: Any, value: Any) -> None:
        pass


def _reference_rfc3339(value: datetime) -> str:
    text = value.isoformat(timespec="seconds")
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _off(mp: pytest.MonkeyPatch) -> None:
    """Every fast path of the Google mapper off: mapout3's and this round's."""
    _google_off(mp)
    mp.setattr(google_out, "SHORTCUTS", False)
    mp.setattr(google_out, "alarm_reading", vevent.read_event_alarm)
    mp.setattr(google_out, "_bare", lambda event: False)
    mp.setattr(google_out, "_attendees", _Forgetful())
    mp.setattr(google_out, "_iana_name", lambda tz: tzid_of(tz, iana_only=True))
    mp.setattr(google_out, "_rfc3339", _reference_rfc3339)


def _forget() -> None:
    _forget_google()
    vevent._READINGS.clear()
    google_out._ZONE_NAMES.clear()


_BERLIN = ZoneInfo("Europe/Berlin")
_ZONES: list[Any] = [_BERLIN, ZoneInfo("America/New_York"), ZoneInfo("UTC"), timezone.utc,
                     timezone(timedelta(hours=5, minutes=30)), timezone(timedelta(0)), None]


def _when(rng: random.Random) -> m.ZonedDateTime:
    tz = rng.choice(_ZONES)
    value = datetime(2026, rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23), rng.choice([0, 30]),
                     rng.choice([0, 0, 15]), rng.choice([0, 0, 0, 250000]), tzinfo=tz)
    name = tzid_of(tz)
    zone = m.Zone("floating") if tz is None else m.Zone("iana", name, name, tzinfo=tz)
    return m.ZonedDateTime(value, zone)


def _alarm(rng: random.Random) -> m.Alarm:
    """Alarms of every trigger kind, equal ones recurring (distinct objects)."""
    trigger = rng.choice([
        m.Trigger(timedelta(minutes=-rng.choice([0, 10, 15]))),
        m.Trigger(timedelta(minutes=-15), related=rng.choice(["END", "end", "START", "start"])),
        m.Trigger(timedelta(seconds=-rng.choice([90, 600]))),
        m.Trigger(timedelta(minutes=5)),
        m.Trigger(timedelta(weeks=-5)),
        m.Trigger(None, at=m.ZonedDateTime(datetime(2026, 1, 1, 8, tzinfo=timezone.utc), m.Zone("utc"))),
        None])
    other = rng.choice([(), (m.Line(hub.X_GOOGLE_DEFAULT_ALARM, (), "TRUE", f"{hub.X_GOOGLE_DEFAULT_ALARM}:TRUE"),)])
    return m.Alarm(action=rng.choice(["DISPLAY", "EMAIL", "AUDIO", "display", None, "X-ODD"]), trigger=trigger,
                   description="Reminder", other=other)


_STASH = json.dumps({"source": {"url": "https://example.com/s"}, "attachments": [{"title": "no url"}],
                     "conferenceData": {"entryPoints": [{"uri": "https://meet.google.com/abc-defg-hij"}]},
                     "hangoutLink": "https://meet.google.com/abc-defg-hij", "colorId": "3", "guestsCanModify": True,
                     "reminders": {"useDefault": True}, "_absent": ["reminders.useDefault"]})
_LINES = [m.Line("LINK", (m.Param("LINKREL", ("via",)),), "https://example.com/l", "LINK;LINKREL=via:https://example.com/l"),
          m.Line(hub.X_GOOGLE_STASH, (), _STASH, f"{hub.X_GOOGLE_STASH}:{_STASH}"),
          m.Line(hub.X_GOOGLE_CONFERENCE, (), "https://meet.google.com/xyz", "X-GOOGLE-CONFERENCE:x"),
          m.Line("X-ALT-DESC", (m.Param("FMTTYPE", ("text/html",)),), "<p>hi</p>", "X-ALT-DESC:<p>hi</p>"),
          m.Line("X-FOO", (), "bar", "X-FOO:bar")]


def _events(n: int, seed: int) -> list[m.Series]:
    """Events on both sides of ``_bare`` (kept lines, a stash, URL, ATTACH, CONFERENCE, each
    alone or none), with alarms of every kind or none, CREATED / LAST-MODIFIED, CATEGORIES,
    times in ZoneInfo, fixed-offset, UTC and floating zones, with and without microseconds,
    series whose overrides carry other zones."""
    rng = random.Random(seed)
    alarms = [_alarm(rng) for _ in range(12)]
    out = []
    for i in range(n):
        uid = f"o5-{seed}-{i}@example.com"
        start = _when(rng)
        fields: dict[str, Any] = {
            "alarms": tuple(rng.sample(alarms, rng.choice([0, 0, 1, 1, 2, 3]))),
            "other": tuple(rng.sample(_LINES, rng.choice([0, 0, 0, 1, 2]))),
            "url": rng.choice([None, None, None, "", "https://example.com/e"]),
            "attachments": rng.choice([(), (), (), (m.Attachment("https://drive.google.com/f", None),)]),
            "conferences": rng.choice([(), (), (), (m.Conference("https://zoom.us/j/1", (m.Param("LABEL", ("Z",)),)),)]),
            "created": rng.choice([None, None, start]), "last_modified": rng.choice([None, start]),
            "categories": rng.choice([(), (), (m.TextList(("Work",)),), (m.TextList(()),)]),
            "description": rng.choice([None, "plain", "a < b & c", "join https://zoom.us/j/1"]),
        }
        end = m.ZonedDateTime(start.dt + timedelta(hours=1), start.zone) if rng.random() < 0.8 else _when(rng)
        if rng.random() < 0.2:
            fields["rrules"] = (m.Recur("FREQ=DAILY;COUNT=3", freq="DAILY", count=3),)
        master = m.Event(uid=uid, start=start, end=end, summary="o5", **fields)
        overrides = ()
        if "rrules" in fields and rng.random() < 0.5:
            rid = m.RecurrenceId(m.ZonedDateTime(start.dt + timedelta(days=1), start.zone))
            overrides = (m.Event(uid=uid, recurrence_id=rid, start=_when(rng), end=None, summary="moved",
                                 alarms=fields["alarms"]),)
        out.append(m.Series(uid, master, overrides))
    return out


# each input made when its test runs: the corpus files, then generated events (this round's, mapout3's)
_INPUTS = [pytest.param(lambda fmt=fmt, path=path: _hub(fmt, path), id=f"{fmt}:{path.name}") for fmt, path in SOURCES]
_INPUTS += [pytest.param(lambda seed=seed: _events(300, seed), id=f"generated-{seed}") for seed in range(4)]
_INPUTS += [pytest.param(lambda seed=seed: _generated_google(200, seed), id=f"people-{seed}") for seed in range(4)]


@pytest.mark.parametrize("make", _INPUTS)
def test_google_mapping_equals_reference(make: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Items and report of each profile, every fast path on (memos empty, then filled) against off."""
    _compare(_google, GOOGLE_OPTIONS, _forget, _off, make(), monkeypatch, "this input")


def test_fast_paths_are_exercised(monkeypatch: pytest.MonkeyPatch) -> None:
    """Not vacuous: ``_bare`` answers both ways, equal alarms are read once, attendees come from
    the memo inline."""
    counts = {"bare": 0, "not_bare": 0, "memo_calls": 0, "attendees": 0}
    bare, memo = google_out._bare, google_out._attendee_memo

    def counting_bare(event: m.Event) -> bool:
        found = bare(event)
        counts["bare" if found else "not_bare"] += 1
        return found

    def counting_memo(att: m.Address, org: str | None) -> Any:
        counts["memo_calls"] += 1
        return memo(att, org)

    monkeypatch.setattr(google_out, "_bare", counting_bare)
    monkeypatch.setattr(google_out, "_attendee_memo", counting_memo)
    _forget()
    for fmt, path in SOURCES:
        cal = _hub(fmt, path)
        counts["attendees"] += sum(len(e.attendees) for e in cal.events)
        _google(cal, GOOGLE_OPTIONS[0])
    _google(_events(300, 0), GOOGLE_OPTIONS[0])
    shared_people = _generated_google(300, 0)
    counts["attendees"] += sum(len(s.master.attendees) for s in shared_people if s.master is not None)
    _google(shared_people, GOOGLE_OPTIONS[0])
    assert counts["bare"] > 100 and counts["not_bare"] > 100, counts
    assert counts["attendees"] - counts["memo_calls"] > 300, counts  # answered inline
    assert 0 < len(vevent._READINGS) < 100


def test_rfc3339_equals_isoformat_to_the_second() -> None:
    rng = random.Random(7)
    zones = [None, timezone.utc, _BERLIN, ZoneInfo("Pacific/Chatham"), ZoneInfo("Europe/Dublin"),
             timezone(timedelta(hours=-3, minutes=-30)), timezone(timedelta(seconds=3725)), timezone(timedelta(0))]
    values = [datetime(1, 1, 1), datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=timezone.utc)]
    values += [datetime(rng.randint(1, 9999), rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23),
                        rng.randint(0, 59), rng.randint(0, 59), rng.choice([0, 0, 1, 999999]),
                        tzinfo=rng.choice(zones), fold=rng.randint(0, 1)) for _ in range(5000)]
    for value in values:
        assert google_out._rfc3339(value) == _reference_rfc3339(value), value


def test_iana_name_equals_tzid_of() -> None:
    google_out._ZONE_NAMES.clear()
    zones = [timezone.utc, timezone(timedelta(0)), timezone(timedelta(hours=2), "X"), ZoneInfo("UTC"),
             ZoneInfo("Etc/UTC"), _BERLIN, ZoneInfo("Asia/Kolkata"), ZoneInfo("Etc/GMT+5")]
    for _ in range(2):  # memo empty, then filled
        for tz in zones:
            assert google_out._iana_name(tz) == tzid_of(tz, iana_only=True), tz


def test_b32hex_digest_on_edge_digests() -> None:
    """The bit spread at the edges of its 260 bits (every bit set, none, one at a time)."""
    digests = [bytes(32), b"\xff" * 32] + [(1 << bit).to_bytes(32, "big") for bit in range(256)]
    digests += [hashlib.sha256(str(i).encode()).digest() for i in range(500)]
    for digest in digests:
        assert google_out._b32hex_digest(digest) == google_out._b32hex(digest)


# ---------------------------------------------------------------- JSON bytes

_PIECES = [b" ", b"0", b".", b"-", b"null", b"nul", b"ull", b"0.0000", b".0000", b"1", b"\n", b"a", b'"', b": "]


@pytest.mark.parametrize("seed", range(3))
def test_byte_tests_equal_the_plain_ones(seed: int) -> None:
    rng = random.Random(seed)
    samples = [b"", b"null", b" null", b"x null", b"0.0000", b" 0.0000", b" -0.0000", b"-0.0000", b"nnull"]
    samples += [b"".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 14))) for _ in range(20000)]
    tiny = nulls = 0
    for sample in samples:
        want_tiny = b" 0.0000" in sample or b" -0.0000" in sample
        assert jsonio._tiny_float(sample) is want_tiny, sample
        assert jsonio._null_value(sample) is (b" null" in sample), sample
        tiny += want_tiny
        nulls += b" null" in sample
    assert 1000 < tiny < len(samples) - 1000 and 1000 < nulls < len(samples) - 1000


def test_dumps_still_takes_json_for_what_orjson_spells_otherwise() -> None:
    """The values the byte tests look for still get ``json``'s text."""
    for value in ({"a": 1e-05}, [-4.2e-05, "x"], {"n": None, "f": math.nan}, [math.inf], {"n": None}, ["null 0.0000"]):
        want = json.dumps(value, indent=2, ensure_ascii=False).encode("utf-8")
        assert jsonio.dumps(value) == want, value
