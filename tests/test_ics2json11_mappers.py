"""The hub → Graph / Google fast paths of ics2json11, each held to the path it stands in for:

* Graph ``_Writer.people``'s memo hit written out (``people.by_identity``) against every
  attendee mapped through ``people.attendee`` (the by-identity memo empty at each look-up), on
  generated attendees (every CUTYPE/ROLE/PARTSTAT, shared parameter lists), on the corpus, and
  with a stale memo entry under a live address's id (an entry answers only for its own address);
* Graph ``_Writer.zone_name``'s ``_SAME_WINDOWS`` look-up against its full steps (the memo
  storing nothing), on series in zones whose Windows name does and does not read back as the
  zone, and on the corpus;
* Google ``instance_id``'s ``%`` formatting (``_basic_format``) against ``strftime`` for dates and
  date-times of every year (before 1000 ``strftime`` does not pad), naive and in zones.
"""

from __future__ import annotations

import json
import random
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from ics_bridge import model as m
from ics_bridge.providers.google import from_ical as google
from ics_bridge.providers.graph import from_ical, people
from ics_bridge.report import Report

from test_graphout_fastpath import OPTIONS, SOURCES, _addresses, _hub


def _graph(cal: m.Calendar | list[m.Series], options: from_ical.GraphWriteOptions) -> tuple[str, str]:
    report = Report()
    items = from_ical.calendar_to_events(cal, report, options)
    return json.dumps(items, ensure_ascii=False, default=str), report.as_json()


def _without_inline_hits(mp: pytest.MonkeyPatch) -> None:
    """Every attendee through ``people.attendee``: the loop's own look-up finds nothing."""
    mp.setattr(people, "by_identity", lambda resource: {})


def _compare(cal: m.Calendar | list[m.Series], monkeypatch: pytest.MonkeyPatch) -> None:
    for options in OPTIONS:
        people.clear()
        fast, again = _graph(cal, options), _graph(cal, options)  # memos empty, then filled
        with monkeypatch.context() as mp:
            _without_inline_hits(mp)
            reference = _graph(cal, options)
        assert fast == reference == again, options


def _people_series(n: int, seed: int) -> list[m.Series]:
    rng = random.Random(seed)
    addresses = _addresses(300, seed)
    start = m.ZonedDateTime(datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc), m.Zone("utc"))
    out = []
    for i in range(n):
        uid = f"people11-{seed}-{i}@example.com"
        attendees = tuple(rng.choice(addresses) for _ in range(rng.randint(0, 6)))
        organizer = rng.choice([None, *addresses[:5]])
        out.append(m.Series(uid, m.Event(uid=uid, start=start, duration=timedelta(hours=1), summary="p",
                                         attendees=attendees, organizer=organizer)))
    return out


@pytest.mark.parametrize("seed", range(3))
def test_people_on_generated(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    _compare(_people_series(300, seed), monkeypatch)


def test_people_on_corpus(monkeypatch: pytest.MonkeyPatch) -> None:
    hubs = [_hub(fmt, path) for fmt, path in SOURCES]
    with_people = [s for cal in hubs for s in cal.series if s.master is not None and s.master.attendees]
    assert len(with_people) > 20
    _compare(with_people, monkeypatch)


def test_stale_entry_not_used() -> None:
    """A memo entry whose address is another object (its id reused) does not answer."""
    people.clear()
    real, other = _addresses(2, 3)[0], m.Address("mailto:someone-else@example.com", cn="Else")
    start = m.ZonedDateTime(datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc), m.Zone("utc"))
    series = [m.Series("u", m.Event(uid="u", start=start, duration=timedelta(hours=1), attendees=(real,)))]
    expected = _graph(series, OPTIONS[0])
    people.clear()
    people.by_identity(True)[id(real)] = (other, people.attendee(other, True))
    assert _graph(series, OPTIONS[0]) == expected
    people.clear()


def _moments(n: int, seed: int) -> list[date | datetime]:
    rng = random.Random(seed)
    zones = [None, timezone.utc, ZoneInfo("Europe/Berlin"), ZoneInfo("America/Los_Angeles"), timezone(timedelta(hours=5))]
    out: list[date | datetime] = []
    for _ in range(n):
        year = rng.choice([1, 9, 99, 999, 1000, 1969, 2026, 9999, rng.randint(1, 9999)])
        day = date(year, rng.randint(1, 12), rng.randint(1, 28))
        out.append(day)
        tz = rng.choice(zones)
        moment = datetime(day.year, day.month, day.day, rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59),
                          tzinfo=tz)
        try:
            moment.astimezone(timezone.utc)
        except OverflowError:  # the year 1 west of UTC or 9999 east: no UTC instant
            continue
        out.append(moment)
    return out


def _instance_id_reference(master_id: str, rid: date | datetime) -> str:
    if isinstance(rid, datetime):
        utc = rid.astimezone(timezone.utc) if rid.tzinfo else rid
        return f"{master_id}_{utc.strftime('%Y%m%dT%H%M%SZ')}"
    return f"{master_id}_{rid.strftime('%Y%m%d')}"


def test_instance_id_as_strftime() -> None:
    moments = _moments(3000, 5)
    assert any(v.year < 1000 for v in moments) and any(isinstance(v, datetime) for v in moments)
    for value in moments:
        assert google.instance_id("abc", value) == _instance_id_reference("abc", value), value


class _NeverKept(dict):  # type: ignore[type-arg]
    """A ``_SAME_WINDOWS`` that remembers nothing: every value takes ``zone_name``'s full steps."""

    def __setitem__(self, key: object, value: object) -> None:
        pass


_ZONES = ["Europe/Berlin", "America/New_York", "Asia/Calcutta", "Europe/Amsterdam", "America/Detroit",
          "America/Argentina/Catamarca", "Australia/Sydney", "Etc/UTC", "Asia/Tokyo", "Pacific/Chatham"]


def _zoned_series(n: int, seed: int) -> list[m.Series]:
    """Series and single events in zones whose Windows name reads back as the zone and zones
    where it does not (Catamarca in 2001), years 1990-2030."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        name = rng.choice(_ZONES)
        tz = ZoneInfo(name)
        start = datetime(rng.randint(1990, 2030), rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23), tzinfo=tz)
        zone = m.Zone("iana", name, name, None, tz)
        uid = f"zones11-{seed}-{i}"
        rules = (m.Recur("FREQ=WEEKLY;COUNT=5", freq="WEEKLY", count=5),) if rng.random() < 0.6 else ()
        out.append(m.Series(uid, m.Event(uid=uid, start=m.ZonedDateTime(start, zone), duration=timedelta(hours=1),
                                         rrules=rules)))
    return out


@pytest.mark.parametrize("seed", range(2))
def test_zone_name_shortcut_as_full_steps(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """``zone_name``'s look-up of ``_SAME_WINDOWS`` (the recurrenceTimeZone of each series) gives
    what its full steps give, with the same report entries."""
    cals = [_zoned_series(400, seed), [s for fmt, path in SOURCES for s in _hub(fmt, path).series]]
    filled = 0
    for cal in cals:
        from_ical._SAME_WINDOWS.clear()
        for options in OPTIONS:  # the IANA-name profiles after Windows ones: with the memo filled
            fast, again = _graph(cal, options), _graph(cal, options)
            filled = max(filled, len(from_ical._SAME_WINDOWS))
            with monkeypatch.context() as mp:
                mp.setattr(from_ical, "_SAME_WINDOWS", _NeverKept())
                reference = _graph(cal, options)
            assert fast == reference == again, options
    assert filled >= 3  # the shortcut had answers to give
