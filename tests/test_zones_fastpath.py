"""The zone step's fast path (``timezones.normalize_model_zones``, :mod:`ics_bridge.zone_agreement`)
gives exactly what comparing every value gives (``fast=False``, the per-value reference): the
same events (every field, each date-time's wall clock, fold and zone) and the same report
entries in the same order, on every .ics we hold and on generated calendars whose VTIMEZONE
differs from tzdata (stale rules, shifted transitions, other offsets) with values at and around
the skipped and repeated local times and series crossing them."""

from __future__ import annotations

import bisect
import dataclasses
import functools
import random
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Timezone

from ics_bridge import timezones
from ics_bridge import zone_agreement as za
from ics_bridge.errors import InputError
from ics_bridge.io.ics_model import read_model
from ics_bridge.report import LossKind, Report

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted([*ROOT.glob("tests/corpus/**/*.ics"), *ROOT.glob("tests/producers/**/*.ics")])


def _tz_name(tz: Any) -> Any:
    if tz is None or tz is timezone.utc:
        return tz
    if isinstance(tz, ZoneInfo):
        return ("zoneinfo", tz.key)
    return (type(tz).__name__, timezones.tzid_of(tz))


def strict(value: Any) -> Any:
    """A form of a model value in which equal means the same in every respect: aware date-times
    compare by wall clock, fold and zone (``==`` on them compares instants only)."""
    if isinstance(value, datetime):
        return ("datetime", value.replace(tzinfo=None), value.fold, _tz_name(value.tzinfo))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__, tuple((f.name, strict(getattr(value, f.name))) for f in dataclasses.fields(value)))
    if isinstance(value, (tuple, list)):
        return (type(value).__name__, tuple(strict(v) for v in value))
    if isinstance(value, dict):
        return ("dict", tuple((k, strict(v)) for k, v in value.items()))
    if hasattr(value, "utcoffset") and not isinstance(value, date):
        return _tz_name(value)
    return value


def read_both(data: bytes, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    """(fast, reference) readings of one file: its calendar (or error) and its report."""
    original = timezones.normalize_model_zones
    out = []
    for fast in (True, False):
        monkeypatch.setattr(timezones, "normalize_model_zones", functools.partial(original, fast=fast))
        report = Report()
        try:
            result: Any = strict(read_model(data, report))
        except InputError as error:
            result = ("error", str(error))
        out.append((result, list(report)))
    monkeypatch.setattr(timezones, "normalize_model_zones", original)
    return out[0], out[1]


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_fast_path_equals_reference_on_every_file(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fast, reference = read_both(path.read_bytes(), monkeypatch)
    assert fast[0] == reference[0]
    assert fast[1] == reference[1]


# ---- generated calendars ------------------------------------------------------------------

def _shifted_hour(lines: tuple[str, ...]) -> list[str]:
    """Every onset an hour later (a producer writing 03:00 for 02:00)."""
    return [line.replace("T020000", "T030000").replace("T010000", "T020000") if line.startswith("DTSTART") else line
            for line in lines]


def _stale_week(lines: tuple[str, ...]) -> list[str]:
    """The DST rules a week off (2SU → 1SU, -1SU → 4SU…), as old US and EU copies are."""
    table = {"BYDAY=2SU": "BYDAY=1SU", "BYDAY=1SU": "BYDAY=2SU", "BYDAY=-1SU": "BYDAY=4SU"}
    out = []
    for line in lines:
        for old, new in table.items():
            if line.startswith("RRULE") and old in line:
                line = line.replace(old, new)
                break
        out.append(line)
    return out


def _other_offset(lines: tuple[str, ...]) -> list[str]:
    """Summer time of 30 minutes more than tzdata's (the instants move all summer)."""
    out, in_daylight = [], False
    for line in lines:
        in_daylight = (in_daylight or line == "BEGIN:DAYLIGHT") and line != "END:DAYLIGHT"
        if in_daylight and line.startswith("TZOFFSETTO:"):
            sign, hours, minutes = line[11], int(line[12:14]), int(line[14:16])
            total = (hours * 60 + minutes) * (1 if sign == "+" else -1) + 30
            sign = "+" if total >= 0 else "-"
            line = f"TZOFFSETTO:{sign}{abs(total) // 60:02d}{abs(total) % 60:02d}"
        out.append(line)
    return out


def _truncated(lines: tuple[str, ...]) -> list[str]:
    """The rules end in 2026 (an RRULE with UNTIL): later years have no DST by the file."""
    return [line + ";UNTIL=20261231T235959Z" if line.startswith("RRULE") else line for line in lines]


VARIANTS = {"exact": list, "shifted": _shifted_hour, "stale": _stale_week, "offset": _other_offset,
            "truncated": _truncated}
ZONES = ("America/New_York", "Europe/Berlin", "Australia/Sydney", "Europe/London", "America/Santiago")
RULES = ("FREQ=WEEKLY;COUNT=20", "FREQ=DAILY;COUNT=60", "FREQ=DAILY;INTERVAL=3;COUNT=40",
         "FREQ=MONTHLY;COUNT=14", "FREQ=YEARLY;COUNT=6", "FREQ=WEEKLY;BYDAY=MO,WE,SU;COUNT=30",
         "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA,SU", "FREQ=WEEKLY;UNTIL=20270101T000000Z", "FREQ=DAILY",
         "FREQ=MONTHLY;BYMONTHDAY=1,15;COUNT=10", "FREQ=YEARLY;BYMONTH=3,10;BYDAY=-1SU",
         "FREQ=MONTHLY;BYDAY=2SU;COUNT=12", "FREQ=WEEKLY;WKST=SU;BYDAY=SU;COUNT=8")


def _transition_days(zone: str, years: range) -> list[date]:
    found = []
    for year in years:
        trans = timezones.zone_transitions(zone, year, year)
        found += [(datetime(1970, 1, 1) + timedelta(seconds=t.at + t.offset)).date() for t in trans[1:]]
    return found


def generated_calendar(zone: str, variant: str, tzid: str | None = None, seed: int = 0) -> bytes:
    """A calendar with one VTIMEZONE (tzdata's, altered by ``variant``) and events at, around and
    far from the transitions of tzdata and of the altered rules, single and recurring."""
    rng = random.Random(f"{zone}/{variant}/{seed}")
    tzid = tzid or zone
    body = list(timezones.vtimezone_lines(zone, tzid=tzid, start=date(2000, 1, 1)))
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//zones fast path//EN",
             *VARIANTS[variant](tuple(body))]
    days = _transition_days(zone, range(2023, 2028))
    days += [d + timedelta(days=k) for d in days for k in (-7, -1, 1, 7)]  # the stale rules' days
    times = ["000000", "003000", "010000", "013000", "015959", "020000", "023000", "030000", "033000",
             "040000", "120000", "233000"]
    n = 0

    def event(start: str, extra: list[str]) -> None:
        nonlocal n
        n += 1
        lines.extend(["BEGIN:VEVENT", f"UID:gen-{n}@example.com", "DTSTAMP:20250101T000000Z",
                      f"DTSTART;TZID={tzid}:{start}", *extra, "END:VEVENT"])

    for day in sorted(set(days)):
        for time in rng.sample(times, 4):
            start = f"{day:%Y%m%d}T{time}"
            end = (datetime.strptime(start, "%Y%m%dT%H%M%S") + timedelta(minutes=rng.choice((30, 60, 90)))).strftime("%Y%m%dT%H%M%S")
            extra = [f"DTEND;TZID={tzid}:{end}"]
            if rng.random() < 0.5:
                extra.append(f"RRULE:{rng.choice(RULES)}")
            if rng.random() < 0.15:
                extra.append(f"EXDATE;TZID={tzid}:{(day + timedelta(days=7)):%Y%m%d}T{time}")
            if rng.random() < 0.1:
                extra.append(f"RDATE;TZID={tzid}:{(day + timedelta(days=1)):%Y%m%d}T{rng.choice(times)},"
                             f"{(day + timedelta(days=2)):%Y%m%d}T{time}")
            if rng.random() < 0.05:
                extra.append(f"RDATE;VALUE=PERIOD;TZID={tzid}:{(day + timedelta(days=3)):%Y%m%d}T{time}/PT1H")
            event(start, extra)
    # a series with overrides whose RECURRENCE-ID falls on a transition
    for day in days[:4]:
        lines.extend(["BEGIN:VEVENT", f"UID:series-{day}@example.com", "DTSTAMP:20250101T000000Z",
                      f"DTSTART;TZID={tzid}:{day - timedelta(days=14):%Y%m%d}T023000", "RRULE:FREQ=WEEKLY;COUNT=5",
                      "END:VEVENT", "BEGIN:VEVENT", f"UID:series-{day}@example.com", "DTSTAMP:20250101T000000Z",
                      f"RECURRENCE-ID;TZID={tzid}:{day:%Y%m%d}T023000", f"DTSTART;TZID={tzid}:{day:%Y%m%d}T033000",
                      "END:VEVENT"])
    for year in (1890, 1960, 2090, 2200):  # before the zone's first transition, far ahead
        event(f"{year}0615T023000", ["RRULE:FREQ=YEARLY;COUNT=3"])
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("zone", ZONES)
def test_fast_path_equals_reference_on_altered_vtimezones(zone: str, variant: str,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    fast, reference = read_both(generated_calendar(zone, variant), monkeypatch)
    assert fast[0] == reference[0]
    assert fast[1] == reference[1]
    if variant in ("stale", "offset", "truncated"):  # not vacuous: instants do move here
        assert any(e.kind is LossKind.TIMEZONE_GUESSED and e.before for e in reference[1])


@pytest.mark.parametrize("tzid,zone", [("Customized Time Zone", "Europe/Berlin"),
                                       ("W. Europe Standard Time", "Europe/Berlin"),
                                       ("(UTC-05:00) Eastern Time (US & Canada)", "America/New_York"),
                                       ("/mozilla.org/20050126_1/America/New_York", "America/New_York"),
                                       ("US/Eastern", "America/New_York")])
@pytest.mark.parametrize("variant", ["exact", "stale"])
def test_fast_path_equals_reference_for_other_tzids(tzid: str, zone: str, variant: str,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    fast, reference = read_both(generated_calendar(zone, variant, tzid=tzid, seed=1), monkeypatch)
    assert fast[0] == reference[0]
    assert fast[1] == reference[1]


# ---- the agreement itself, against the per-value comparison ------------------------------

def _resolution(zone: str, variant: str) -> tuple[Any, list[datetime]]:
    lines = VARIANTS[variant](timezones.vtimezone_lines(zone, start=date(2000, 1, 1)))
    vtz = Timezone.from_ical("\r\n".join(lines) + "\r\n")
    values = [datetime(2023, 1, 10, 9), datetime(2027, 6, 1, 9)]
    return timezones._resolve_tzid(zone, vtz, values), values


def _moved(res: Any, local: datetime) -> bool:
    """The per-value comparison of ``report_resolution``."""
    by_file = local - timedelta(seconds=timezones._vtz_local_offset(res.compare_with, local))
    used = local.replace(tzinfo=res.tz).astimezone(timezone.utc).replace(tzinfo=None)
    return by_file != used


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("zone", ZONES)
def test_agreement_vouches_only_for_equal_instants(zone: str, variant: str) -> None:
    res, values = _resolution(zone, variant)
    found = timezones._agreement_for(res, values)
    assert found is not None and found.starts
    vouched = checked = 0
    for day in _transition_days(zone, range(2022, 2029)) + [date(2025, 1, 15), date(2025, 7, 15)]:
        for minutes in range(-24 * 60, 48 * 60, 10):
            for fold in (0, 1):
                local = datetime.combine(day, datetime.min.time()) + timedelta(minutes=minutes)
                local = local.replace(fold=fold)
                checked += 1
                if found.holds_at(local):
                    vouched += 1
                    assert not _moved(res, local), local
    assert 0 < vouched < checked
    if variant == "exact":  # noon in winter and summer: agreed, and vouched for
        assert found.holds_at(datetime(2025, 1, 15, 12)) and found.holds_at(datetime(2025, 7, 15, 12))


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("zone", ZONES)
def test_agreement_vouches_only_for_series_that_do_not_move(zone: str, variant: str) -> None:
    res, values = _resolution(zone, variant)
    found = timezones._agreement_for(res, values)
    assert found is not None
    rng = random.Random(f"{zone}/{variant}")
    rules = [r for r in RULES if za._shape(r) is not None] + ["FREQ=MONTHLY;INTERVAL=5", "FREQ=YEARLY;INTERVAL=2",
                                                             "FREQ=WEEKLY;INTERVAL=3;WKST=SU;BYDAY=SU,TU"]
    vouched = 0
    days = _transition_days(zone, range(2023, 2027))
    for _ in range(600):
        day = rng.choice(days) - timedelta(days=rng.randrange(0, 400))
        start = datetime.combine(day, datetime.min.time()) + timedelta(minutes=30 * rng.randrange(0, 48))
        rule = rng.choice(rules)
        if found.holds_for_series(rule, start, timezones.COMPARED_OCCURRENCES):
            vouched += 1
            assert timezones._moved_occurrences(rule, start, res) == [], (rule, start)
    assert vouched > 0


def test_rule_shapes() -> None:
    assert za._shape("FREQ=WEEKLY;BYDAY=MO,WE;COUNT=3") == ("WEEKLY", 1, frozenset({0, 2}))
    assert za._shape("FREQ=DAILY;INTERVAL=2;UNTIL=20250101T000000Z") == ("DAILY", 2, None)
    for other in ("FREQ=MONTHLY;BYDAY=1MO", "FREQ=DAILY;BYHOUR=9", "FREQ=HOURLY", "FREQ=WEEKLY;BYDAY=1MO",
                  "FREQ=DAILY;COUNT=2;COUNT=3", "freq=daily", "FREQ=YEARLY;BYMONTH=3"):
        assert za._shape(other) is None, other


def _noon_agreement_day_by_day(vtz_text: bytes, zone: str, years: tuple[int, ...]) -> tuple[int, int]:
    """``timezones._noon_agreement`` as it was written before: every day compared."""
    if not years:
        return 0, 0
    info = timezones._vtz_onsets(vtz_text, years[-1])
    if info is None:
        return 0, 0
    onsets, open_ended = info
    times = tuple(o[0] for o in onsets)
    lo, hi = timezones._covered(onsets, open_ended, years[-1])
    noon = 12 * 3600 - (timezones._standard_offset(timezones.canonical_iana(zone)) or 0)
    compared = differ = 0
    for year in years:
        day = timezones._utc_seconds(year) + noon
        ats, offsets = timezones._zone_offsets(zone, year, year)
        for _ in range(366 if year % 4 == 0 else 365):
            if lo <= day <= hi:
                compared += 1
                differ += timezones._vtz_offset(onsets, day, times) != offsets[bisect.bisect_right(ats, day)]
            day += 86400
    return compared, differ


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("zone", (*ZONES, "Asia/Tokyo", "Europe/Dublin", "Africa/Casablanca"))
def test_noon_agreement_by_stretches_equals_day_by_day(zone: str, variant: str) -> None:
    for start in (date(1970, 1, 1), date(2025, 1, 1)):
        text = ("\r\n".join(VARIANTS[variant](timezones.vtimezone_lines(zone, start=start))) + "\r\n").encode()
        for other in (zone, "Europe/Paris", "America/Chicago", "Asia/Kolkata", "Pacific/Auckland"):
            for years in ((2024,), tuple(range(2020, 2027)), (1999, 2030), (1960, 1961), (2049, 2050, 2051)):
                assert timezones._noon_agreement(text, other, years) == _noon_agreement_day_by_day(text, other, years)


def _vtimezone_texts() -> list[bytes]:
    """Every VTIMEZONE of the .ics files we hold, and tzdata's altered as above."""
    texts = []
    for path in FILES:
        text = path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        while b"BEGIN:VTIMEZONE" in text:
            text = text[text.index(b"BEGIN:VTIMEZONE"):]
            end = text.find(b"END:VTIMEZONE")
            if end < 0:
                break
            texts.append(text[:end + len(b"END:VTIMEZONE\r\n")])
            text = text[end:]
    for zone in (*ZONES, "Africa/Casablanca"):
        for variant in VARIANTS.values():
            texts.append(("\r\n".join(variant(timezones.vtimezone_lines(zone, start=date(1990, 1, 1)))) + "\r\n").encode())
    return sorted(set(texts))


def test_vtimezone_onsets_cut_from_the_horizon_equal_their_own_expansion() -> None:
    texts = _vtimezone_texts()
    assert len(texts) > 40
    for text in texts:
        for year in (1969, 2027, timezones.RULE_HORIZON - 1):
            try:
                direct = timezones._expand_vtz_onsets(text, year)
            except Exception as error:  # the cut must fail alike
                with pytest.raises(type(error)):
                    timezones._vtz_onsets(text, year)
                continue
            assert timezones._vtz_onsets(text, year) == direct, (text[:60], year)
