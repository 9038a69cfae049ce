"""Every time zone decision lives here: Windows↔IANA names, resolving TZIDs, writing VTIMEZONEs.

Why one module: Graph speaks Windows zone names ("Pacific Standard Time"), Google speaks IANA,
and .ics files carry anything (IANA, Windows, "Customized Time Zone", display names).  The hub
uses ``zoneinfo.ZoneInfo`` objects; these functions are the only way in and out.

Sections: tzdata access (TZif files, POSIX TZ footers, links), names (Windows↔IANA),
writing VTIMEZONEs (:func:`add_vtimezones`), reading them (:func:`normalize_calendar_zones`).
The rules and the reasons behind them are in ``docs/timezones.md``.
"""

from __future__ import annotations

import bisect
import dataclasses
import importlib.resources
import operator
import os
import re
import struct
import unicodedata
import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from itertools import takewhile
from typing import Callable, Iterable, Iterator, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from dateutil.rrule import rrulestr
from icalendar import Calendar, Component, Timezone
from icalendar.timezone import tzp
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from . import model as m
from .report import LossKind, Report
from .zone_agreement import WEEKDAY_NUMBERS, Agreement, agreement
from .memo import remember

UTC_NAMES = frozenset({"utc", "etc/utc", "etc/gmt", "gmt", "z", "zulu", "etc/universal", "universal",
                       "etc/zulu", "etc/uct", "uct", "tzone://microsoft/utc", "coordinated universal time",
                       "etc/gmt0", "etc/gmt+0", "etc/gmt-0", "gmt0", "greenwich", "etc/greenwich"})

#: Properties whose values are DATE-TIMEs that may carry a TZID (RFC 5545 3.2.19).
TIME_PROPERTIES = ("DTSTART", "DTEND", "DUE", "RECURRENCE-ID", "EXDATE", "RDATE")
#: Components that define zones and are never rewritten.
_ZONE_COMPONENTS = frozenset({"VTIMEZONE", "STANDARD", "DAYLIGHT"})
#: Where a POSIX rule cannot be written as an RRULE, dated observances run until this year.
EXPLICIT_UNTIL_YEAR = 2100
_EPOCH = datetime(1970, 1, 1)


@dataclass(frozen=True)
class ResolvedZone:
    """A zone name turned into a tzinfo, and how sure we are."""

    tz: tzinfo
    iana: str | None
    guessed: bool = False
    reason: str | None = None


# ----------------------------------------------------------------------------------------------
# tzdata: TZif files, their POSIX footers and the link table
# ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Transition:
    """One TZif transition: at ``at`` (UTC seconds) the offset becomes ``offset`` seconds."""

    at: int
    offset: int
    is_dst: bool
    abbr: str


@dataclass(frozen=True)
class _Tzif:
    """The parts of a TZif v2+ file (RFC 8536) we use."""

    initial: _Transition  # the type in effect before the first transition (``at`` unused)
    transitions: tuple[_Transition, ...]
    footer: str


@lru_cache(maxsize=None)
def _iana_zones() -> frozenset[str]:
    """The tzdata names, listed once per process with icalendar: its zoneinfo provider lists
    them too (``knows_timezone_id``, on the first VTIMEZONE it parses) and keeps the set, so
    taking that set spares the second walk of the tzdata tree (30 ms of every first .ics read)."""
    return frozenset(_icalendar_zone_names() or available_timezones())


def _icalendar_zone_names() -> set[str] | None:
    """icalendar's cached ``zoneinfo.available_timezones()`` (made on first use), or None where
    its zoneinfo provider does not have one."""
    try:
        from icalendar.timezone.zoneinfo import ZONEINFO
        found = ZONEINFO()._available_timezones
    except (ImportError, AttributeError):
        return None
    return found if isinstance(found, set) else None


def _tzdata_dir():  # type: ignore[no-untyped-def]
    return importlib.resources.files("tzdata").joinpath("zoneinfo")


def _tzdata_file(*parts: str) -> bytes | None:
    """A file of the time zone database, looked up the way ``zoneinfo`` does: the directories of
    ``zoneinfo.TZPATH`` (the system's /usr/share/zoneinfo) first, then the ``tzdata`` package.
    VTIMEZONEs must describe exactly the data the hub's ZoneInfo objects use; the two sources
    can differ (a system 2025b and a package 2026 disagree on Casablanca after 2026)."""
    for directory in zoneinfo.TZPATH:
        path = os.path.join(directory, *parts)
        if os.path.isfile(path):
            try:
                with open(path, "rb") as handle:
                    return handle.read()
            except OSError:
                continue
    try:
        return _tzdata_dir().joinpath(*parts).read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError, ModuleNotFoundError, OSError):
        return None


@lru_cache(maxsize=None)
def _tzif_bytes(name: str) -> bytes | None:
    """The TZif file of ``name`` (see :func:`_tzdata_file`)."""
    if not re.fullmatch(r"[A-Za-z0-9_+\-]+(/[A-Za-z0-9_+\-]+)*", name):
        return None
    data = _tzdata_file(*name.split("/"))
    return data if data and data.startswith(b"TZif") else None


def _parse_tzif(data: bytes) -> _Tzif:
    """Parse the 64-bit body and footer of a TZif v2+ file (RFC 8536 section 3)."""
    def counts(offset: int) -> tuple[int, ...]:
        return struct.unpack(">6l", data[offset + 20:offset + 44])

    isut, isstd, leap, timecnt, typecnt, charcnt = counts(0)
    v1_size = timecnt * 5 + typecnt * 6 + charcnt + leap * 8 + isstd + isut
    if data[4:5] < b"2":
        raise ValueError("TZif v1 file has no 64-bit data")
    base = 44 + v1_size
    isut, isstd, leap, timecnt, typecnt, charcnt = counts(base)
    pos = base + 44
    times = struct.unpack(f">{timecnt}q", data[pos:pos + 8 * timecnt])
    pos += 8 * timecnt
    indices = data[pos:pos + timecnt]
    pos += timecnt
    types = [struct.unpack(">lBB", data[pos + 6 * i:pos + 6 * i + 6]) for i in range(typecnt)]
    pos += 6 * typecnt
    chars = data[pos:pos + charcnt]
    pos += charcnt + leap * 12 + isstd + isut
    footer = data[pos:].strip(b"\n").decode("ascii")

    def make(at: int, index: int) -> _Transition:
        offset, dst, abbr_index = types[index]
        abbr = chars[abbr_index:chars.index(b"\0", abbr_index)].decode("ascii")
        return _Transition(at, offset, bool(dst), abbr)

    transitions: list[_Transition] = []
    previous = make(0, 0)
    for at, index in zip(times, indices):
        current = make(at, index)
        if (current.offset, current.is_dst, current.abbr) != (previous.offset, previous.is_dst, previous.abbr):
            transitions.append(current)  # "fat" files add no-op entries (2038-01-19)
        previous = current
    return _Tzif(make(0, 0), tuple(transitions), footer)


@lru_cache(maxsize=None)
def _tzif(name: str) -> _Tzif | None:
    """The zone's TZif data with the transitions its POSIX footer already produces removed from
    the end: "fat" files (Debian's /usr/share/zoneinfo) list them until 2037, "slim" ones stop
    where the rule takes over.  Either way ``transitions`` ends where the footer rule begins."""
    data = _tzif_bytes(name)
    if data is None:
        return None
    try:
        parsed = _parse_tzif(data)
    except (ValueError, struct.error):  # pragma: no cover - tzdata ships v2+ files
        return None
    posix = parse_posix_tz(parsed.footer) if parsed.footer else None
    if posix is None or not posix.has_dst:
        return parsed
    transitions = list(parsed.transitions)
    while len(transitions) > 1:
        last = transitions[-1]
        year = _year_of(last.at)
        rule = {(t.at, t.offset) for y in (year - 1, year, year + 1) for t in _posix_year(posix, y)}
        if (last.at, last.offset) not in rule or (transitions[-2].at, transitions[-2].offset) not in rule:
            break
        transitions.pop()
    return _Tzif(parsed.initial, tuple(transitions), parsed.footer)


@lru_cache(maxsize=None)
def _tzdb_links() -> dict[str, str]:
    """Link name → target zone, from ``tzdata.zi`` ("L target link" lines).  Falls back to
    grouping files with identical TZif bytes when the package has no ``tzdata.zi``."""
    text = (_tzdata_file("tzdata.zi") or b"").decode("utf-8", "replace")
    links = {parts[2]: parts[1] for parts in (line.split() for line in text.splitlines())
             if len(parts) == 3 and parts[0] == "L"}
    if links:
        return links
    groups: dict[bytes, list[str]] = {}
    for name in sorted(_iana_zones()):
        data = _tzif_bytes(name)
        if data is not None:
            groups.setdefault(data, []).append(name)
    for names in groups.values():
        target = min(names, key=lambda n: (n.count("/") == 0, len(n), n))
        links.update({n: target for n in names if n != target})
    return links


@lru_cache(maxsize=None)
def _canonical_zones() -> tuple[str, ...]:
    """Zones that are not links (the candidates for rule matching)."""
    links = _tzdb_links()
    return tuple(sorted(z for z in _iana_zones() if z not in links and _tzif(z) is not None))


@lru_cache(maxsize=None)
def _link_group(canonical: str) -> tuple[str, ...]:
    """A canonical zone and all its link names."""
    return (canonical,) + tuple(sorted(k for k, v in _tzdb_links().items() if v == canonical))


# ---- POSIX TZ strings (the TZif footer), e.g. "EST5EDT,M3.2.0,M11.1.0" ------------------------

@dataclass(frozen=True)
class PosixRule:
    """A ``Mm.w.d[/time]`` rule (POSIX TZ; RFC 8536 3.3.1): weekday ``d`` (0 = Sunday) of week
    ``w`` (5 = last) of month ``m``, at ``time`` seconds of local time (may be < 0 or ≥ 24 h).
    ``julian`` is set instead for ``Jn``/``n`` rules."""

    month: int = 0
    week: int = 0
    weekday: int = 0
    time: int = 7200
    julian: str | None = None


@dataclass(frozen=True)
class PosixTZ:
    """A parsed POSIX TZ string; offsets are seconds *east* of UTC (the opposite of POSIX)."""

    std_abbr: str
    std_offset: int
    dst_abbr: str | None = None
    dst_offset: int | None = None
    start: PosixRule | None = None  # standard → daylight
    end: PosixRule | None = None  # daylight → standard

    @property
    def has_dst(self) -> bool:
        return self.dst_offset is not None and self.start is not None and self.end is not None


_POSIX_ABBR = r"(<[^>]+>|[A-Za-z]{3,})"
_POSIX_OFFSET = r"([+-]?\d{1,3}(?::\d{1,2}){0,2})"


def _posix_seconds(text: str) -> int:
    sign = -1 if text.startswith("-") else 1
    parts = [int(p) for p in text.lstrip("+-").split(":")] + [0, 0]
    return sign * (parts[0] * 3600 + parts[1] * 60 + parts[2])


def _parse_posix_rule(text: str) -> PosixRule:
    spec, _, when = text.partition("/")
    seconds = _posix_seconds(when) if when else 7200
    match = re.fullmatch(r"M(\d{1,2})\.(\d)\.(\d)", spec)
    if match:
        month, week, weekday = (int(g) for g in match.groups())
        return PosixRule(month, week, weekday, seconds)
    return PosixRule(time=seconds, julian=spec)


def parse_posix_tz(text: str) -> PosixTZ | None:
    """Parse a POSIX TZ string such as ``EST5EDT,M3.2.0,M11.1.0`` or ``<+0530>-5:30``."""
    match = re.fullmatch(_POSIX_ABBR + _POSIX_OFFSET + r"(?:" + _POSIX_ABBR + _POSIX_OFFSET
                         + r"?(?:,([^,]+),([^,]+))?)?", text.strip())
    if not match:
        return None
    std_abbr, std_off, dst_abbr, dst_off, start, end = match.groups()
    std = -_posix_seconds(std_off)
    if dst_abbr is None:
        return PosixTZ(std_abbr.strip("<>"), std)
    dst = -_posix_seconds(dst_off) if dst_off else std + 3600
    return PosixTZ(std_abbr.strip("<>"), std, dst_abbr.strip("<>"), dst,
                   _parse_posix_rule(start) if start else None, _parse_posix_rule(end) if end else None)


def _rule_date(rule: PosixRule, year: int) -> date:
    """The calendar day of an ``Mm.w.d`` rule in ``year`` (before adding the rule's time)."""
    first = date(year, rule.month, 1)
    day = first + timedelta(days=(rule.weekday - (first.isoweekday() % 7)) % 7 + 7 * (rule.week - 1))
    while day.month != rule.month:
        day -= timedelta(days=7)
    return day


def _rule_transition(rule: PosixRule, year: int, offset_before: int) -> int:
    """UTC seconds of a rule's transition in ``year``; the rule time is local time before it."""
    local = datetime.combine(_rule_date(rule, year), datetime.min.time()) + timedelta(seconds=rule.time)
    return int((local - _EPOCH).total_seconds()) - offset_before


@lru_cache(maxsize=None)
def _zone_posix(name: str) -> PosixTZ | None:
    data = _tzif(name)
    return parse_posix_tz(data.footer) if data and data.footer else None


def _utc_seconds(year: int) -> int:
    return int((datetime(year, 1, 1) - _EPOCH).total_seconds())


@lru_cache(maxsize=4096)
def zone_transitions(name: str, first_year: int, last_year: int) -> tuple[_Transition, ...]:
    """The transition in effect on 1 January ``first_year`` (UTC), then every transition of IANA
    zone ``name`` up to the end of ``last_year``: TZif data, then its POSIX footer rule."""
    data = _tzif(name)
    if data is None:
        return ()
    lo, hi = _utc_seconds(first_year), _utc_seconds(last_year + 1)
    every = [t for t in data.transitions if t.at < hi]
    posix = _zone_posix(name)
    if posix and posix.has_dst:
        last_at = data.transitions[-1].at if data.transitions else None
        for year in range(_year_of(last_at), last_year + 1):
            every += [t for t in _posix_year(posix, year) if (last_at is None or t.at > last_at) and t.at < hi]
    before = [t for t in every if t.at < lo]
    return tuple([before[-1] if before else data.initial] + [t for t in every if t.at >= lo])


@lru_cache(maxsize=16384)
def _posix_year(posix: PosixTZ, year: int) -> tuple[_Transition, ...]:
    """The two transitions a DST POSIX rule makes in ``year``, in time order (remembered: the
    trimming of a "fat" TZif file and every span of years ask for the same years again)."""
    assert posix.start and posix.end and posix.dst_offset is not None and posix.dst_abbr
    if posix.start.julian or posix.end.julian:
        return ()  # never used by current tzdata; such zones keep their explicit data only
    to_dst = _Transition(_rule_transition(posix.start, year, posix.std_offset), posix.dst_offset, True,
                         posix.dst_abbr)
    to_std = _Transition(_rule_transition(posix.end, year, posix.dst_offset), posix.std_offset, False,
                         posix.std_abbr)
    return tuple(sorted([to_dst, to_std], key=lambda t: t.at))


# ----------------------------------------------------------------------------------------------
# Names: IANA, Windows (CLDR), links
# ----------------------------------------------------------------------------------------------

@lru_cache(maxsize=None)
def _windows_lower() -> dict[str, str]:
    return {k.lower(): v for k, v in WINDOWS_TO_OLSON.items()}


def windows_to_iana(name: str) -> str | None:
    """CLDR windowsZones.xml primary (territory 001) mapping, as shipped by icalendar
    (``WINDOWS_TO_OLSON``); the result is the CLDR id, which may be a tzdb link (Asia/Calcutta)."""
    return _windows_lower().get(name.strip().strip('"').lower())


@lru_cache(maxsize=None)
def canonical_iana(name: str, *, prefer_cldr: bool = False) -> str:
    """Resolve tzdb links from tzdata's own link table: ``Asia/Calcutta`` → ``Asia/Kolkata``,
    ``America/Indianapolis`` → ``America/Indiana/Indianapolis``, ``UTC`` → ``Etc/UTC``.

    With ``prefer_cldr`` the name of the link group that CLDR uses in WINDOWS_TO_OLSON is
    returned instead (``Asia/Kolkata`` → ``Asia/Calcutta``), which is what Windows-name
    lookups need (interop-notes case 10).  Unknown names come back unchanged."""
    target = _tzdb_links().get(name, name)
    if prefer_cldr:
        cldr = _cldr_primary_zones()
        for member in _link_group(target):
            if member in cldr:
                return member
    return target


@lru_cache(maxsize=None)
def _cldr_primary_zones() -> dict[str, str]:
    """CLDR zone id → Windows name (the first Windows name listing it)."""
    table: dict[str, str] = {}
    for win, iana in WINDOWS_TO_OLSON.items():
        table.setdefault(iana, win)
    return table


@lru_cache(maxsize=None)
def _iana_to_windows_table() -> dict[str, str]:
    """Canonical IANA zone → Windows name from the primary CLDR entries, links folded in."""
    table: dict[str, str] = {}
    for iana, win in _cldr_primary_zones().items():
        table.setdefault(canonical_iana(iana), win)
    return table


def iana_to_windows(name: str, *, match_rules: bool = True) -> str | None:
    """IANA → Windows for Graph output; UTC variants become ``UTC``.

    Links are folded first (Asia/Calcutta and Asia/Kolkata both give "India Standard Time").
    icalendar's table holds only CLDR's primary entries (one zone per Windows name), so a zone
    such as Europe/Amsterdam or America/Detroit is not listed; with ``match_rules`` such a zone
    gets the Windows name of a listed zone with the same UTC offsets over recent years."""
    if name.lower() in UTC_NAMES:
        return "UTC"
    table = _iana_to_windows_table()
    canonical = canonical_iana(name)
    if canonical in table:
        return table[canonical]
    if match_rules and iana_zone(name) is not None:
        return _windows_by_rules(canonical)
    return None


def windows_tzid(iana: str) -> str | None:
    """The TZID ``--tzid-style windows`` writes for tzdata zone ``iana``: its Windows name
    (:func:`iana_to_windows`), except ``UTC`` for a zone that is UTC only by its recent rules
    (Africa/Monrovia: -00:44:30 until 1972).  ``TZID=UTC`` is no TZID to icalendar's writer (it
    leaves the parameter out, RFC 5545 3.2.19: UTC is written with ``Z``), so the model writer's
    values came out floating and icalendar's with the wall time as UTC; such a zone keeps its
    IANA name and its own VTIMEZONE.  None when the zone has no Windows name."""
    win = iana_to_windows(iana)
    if win == "UTC" and iana_to_windows(iana, match_rules=False) != "UTC":
        return None
    return win


#: Onsets of VTIMEZONEs are expanded at least up to this year when comparing instants.
RULE_HORIZON = 2050


def recent_years() -> tuple[int, ...]:
    """Years in which a VTIMEZONE with "today's rule" (Outlook's 16010101 pair) must agree."""
    year = date.today().year
    return tuple(range(year - 4, year + 2))


def future_years() -> tuple[int, ...]:
    """Years compared to give a zone without a CLDR entry a Windows name: events written to
    Graph lie mostly ahead, and zones change (America/Vancouver keeps -07 from 2026 on)."""
    year = date.today().year
    return tuple(range(year + 1, year + 6))


@lru_cache(maxsize=None)
def _windows_by_rules(canonical: str) -> str | None:
    """Windows name of a CLDR-listed zone with the same transitions as ``canonical`` in the
    coming years, else in recent years; cached per zone."""
    for years in (future_years(), recent_years()):
        wanted = _signature(canonical, years)
        for iana, win in sorted(_iana_to_windows_table().items(), key=lambda kv: _preference(kv[0])):
            if _signature(iana, years) == wanted:
                return win
    return None


@lru_cache(maxsize=8192)
def _signature(name: str, years: tuple[int, ...]) -> tuple[tuple[int, int], ...]:
    """(UTC seconds, offset) of the transitions of ``name`` in ``years`` plus the offset at the
    start of the first year: two zones with equal signatures agree on every instant then."""
    result: list[tuple[int, int]] = []
    for year in years:
        trans = zone_transitions(name, year, year)
        if not result:
            result.append((0, trans[0].offset) if trans else (0, 0))
        result.extend((t.at, t.offset) for t in trans[1:])
    return _dedupe_offsets(result)


def _dedupe_offsets(items: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Drop transitions that do not change the offset (only the name or the dst flag)."""
    out: list[tuple[int, int]] = []
    for at, offset in items:
        if not out or out[-1][1] != offset:
            out.append((at, offset))
    return tuple(out)


def iana_zone(name: str) -> ZoneInfo | None:
    """``ZoneInfo(name)`` when ``name`` is a tzdata zone (links included), else None."""
    if name in _iana_zones() or name == "UTC":
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):  # pragma: no cover - tzdata always has these
            return None
    return None


_VENDOR_PREFIXES = ("/freeassociation.sourceforge.net/Tzfile/", "/freeassociation.sourceforge.net/",
                    "/softwarestudio.org/Olson_20011030_5/", "/mozilla.org/20050126_1/",
                    "/citadel.org/", "/softwarestudio.org/Tzfile/")


def resolve_name(name: str) -> ResolvedZone | None:
    """Resolve a zone *name* (no VTIMEZONE rules): IANA, UTC spellings, Windows names (CLDR),
    globally unique ``/vendor/.../Area/City`` ids (RFC 5545 3.2.19), display names such as
    "(UTC+01:00) Amsterdam, Berlin, ..." by their city names.  None when nothing matches.

    ``guessed`` is False for IANA names, UTC spellings and Windows names (CLDR defines them);
    True for stripped prefixes and display names."""
    raw = name.strip().strip('"').strip()
    if raw.lower() in UTC_NAMES:
        return ResolvedZone(timezone.utc, "UTC")
    zone = iana_zone(raw)
    if zone is not None:
        return ResolvedZone(zone, raw)
    iana = windows_to_iana(raw)
    if iana:
        return ResolvedZone(ZoneInfo(iana), iana, reason=f"Windows zone name {raw!r} mapped to {iana} (CLDR)")
    if raw.startswith("/"):
        suffix = _globally_unique_suffix(raw)
        if suffix:
            return ResolvedZone(ZoneInfo(suffix), suffix, guessed=True,
                                reason=f"globally unique TZID {raw!r} read as {suffix} (RFC 5545 3.2.19)")
    return _resolve_display_name(raw)


def _globally_unique_suffix(raw: str) -> str | None:
    """The longest trailing path of ``/vendor/.../Area/City`` that is an IANA zone."""
    parts = [p for p in raw.split("/") if p]
    for start in range(len(parts)):
        candidate = "/".join(parts[start:])
        if iana_zone(candidate) is not None and candidate.lower() not in UTC_NAMES:
            return candidate
    return None


def _resolve_display_name(raw: str) -> ResolvedZone | None:
    """Windows display names "(UTC+01:00) Amsterdam, Berlin, …": the first city that names a
    zone whose standard offset is the one in the parentheses."""
    match = re.match(r"\((?:UTC|GMT)\s*(?:([+-])(\d{1,2}):?(\d{2}))?\)\s*(.*)", raw)
    if not match:
        return None
    sign, hours, minutes, rest = match.groups()
    offset = 0 if not sign else (1 if sign == "+" else -1) * (int(hours) * 3600 + int(minutes) * 60)
    for zone in _zones_named_in(rest):
        if _standard_offset(canonical_iana(zone)) == offset:
            return ResolvedZone(ZoneInfo(zone), zone, guessed=True,
                                reason=f"display name {raw!r} read as {zone} (city and UTC offset)")
    return None


def _standard_offset(name: str) -> int | None:
    """The current standard (non-DST) offset of a zone, from its POSIX footer."""
    posix = _zone_posix(name)
    return posix.std_offset if posix else None


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower().replace("_", " ").strip()


#: tzdb areas of real locations; other names (US/Eastern, Canada/Pacific) are legacy links.
_AREAS = frozenset({"Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia",
                    "Europe", "Indian", "Pacific"})


@lru_cache(maxsize=None)
def _city_index() -> dict[str, tuple[str, ...]]:
    """Folded city name ("kuala lumpur", "eastern") → zone names ending in it; legacy names
    (US/Eastern) stand for their canonical zone (America/New_York)."""
    index: dict[str, set[str]] = {}
    for name in _iana_zones():
        if "/" in name and not name.startswith("Etc/"):
            zone = name if name.split("/", 1)[0] in _AREAS else canonical_iana(name)
            index.setdefault(_fold(name.rsplit("/", 1)[1]), set()).add(zone)
    return {k: tuple(sorted(v)) for k, v in index.items()}


def _zones_named_in(text: str) -> list[str]:
    """Zone names whose city appears in ``text``: whole phrases between commas, "/", "and",
    parentheses first, then city names of 4+ letters inside the text ("IndianReunion",
    "America_New_York"); CLDR ids first, then zones CLDR maps via a link, then text order."""
    found: list[str] = []
    for phrase in re.split(r",|/|\(|\)|\band\b|&", text):
        found += [z for z in _city_index().get(_fold(phrase), ()) if z not in found]
    folded = _fold(text).replace(" ", "")
    for city, zones in sorted(_city_index().items()):
        if len(city) >= 4 and city.replace(" ", "") in folded:
            found += [z for z in zones if z not in found]
    cldr_ids, primaries = set(_cldr_primary_zones()), set(_iana_to_windows_table())
    return sorted(found, key=lambda z: (z not in cldr_ids and canonical_iana(z, prefer_cldr=True) != z,
                                        canonical_iana(z) not in primaries))


#: Zones preferred when several match a VTIMEZONE equally well: the most used zone of each
#: offset pattern first (a guess should name the zone users most likely meant).
PREFERRED_ZONES = (
    "America/New_York", "America/Chicago", "America/Denver", "America/Phoenix",
    "America/Los_Angeles", "America/Anchorage", "Pacific/Honolulu", "America/Halifax",
    "America/St_Johns", "America/Mexico_City", "America/Bogota", "America/Lima", "America/Sao_Paulo",
    "America/Argentina/Buenos_Aires", "America/Santiago", "America/Caracas", "Europe/London",
    "Europe/Dublin", "Europe/Lisbon", "Europe/Berlin", "Europe/Paris", "Europe/Warsaw",
    "Europe/Athens", "Europe/Helsinki", "Europe/Kyiv", "Europe/Istanbul", "Europe/Moscow",
    "Africa/Lagos", "Africa/Johannesburg", "Africa/Cairo", "Africa/Nairobi", "Africa/Casablanca",
    "Asia/Dubai", "Asia/Karachi", "Asia/Kolkata", "Asia/Dhaka", "Asia/Bangkok", "Asia/Jakarta",
    "Asia/Shanghai", "Asia/Singapore", "Asia/Hong_Kong", "Asia/Tokyo", "Asia/Seoul",
    "Australia/Perth", "Australia/Adelaide", "Australia/Darwin", "Australia/Brisbane",
    "Australia/Sydney", "Pacific/Auckland", "Etc/UTC",
)


def _preference(zone: str) -> tuple[int, int, str]:
    """Sort key: preferred list, then CLDR-primary zones, then the rest by name."""
    canonical = canonical_iana(zone)
    rank = PREFERRED_ZONES.index(canonical) if canonical in PREFERRED_ZONES else len(PREFERRED_ZONES)
    primary = 0 if canonical in _iana_to_windows_table() else 1
    return rank, primary, zone


def tzid_of(tz: tzinfo | None, *, iana_only: bool = False) -> str | None:
    """The name of a hub tzinfo: the IANA key of a ZoneInfo, ``UTC`` for UTC, else the TZID of
    a zone built from a VTIMEZONE (None with ``iana_only``).  None for floating."""
    if tz is None:
        return None
    if tz is timezone.utc:
        return "UTC"
    key = getattr(tz, "key", None)
    if key:
        return "UTC" if str(key).lower() in UTC_NAMES else str(key)
    if iana_only:
        return None
    name = getattr(tz, "_tzid", None) or getattr(tz, "zone", None)
    return str(name) if name else None


# ----------------------------------------------------------------------------------------------
# Writing: compact VTIMEZONEs from tzdata (RFC 5545 3.6.5)
# ----------------------------------------------------------------------------------------------

_WEEKDAYS = ("SU", "MO", "TU", "WE", "TH", "FR", "SA")


def rule_to_rrule(rule: PosixRule) -> tuple[str, int] | None:
    """An ``Mm.w.d/time`` rule as an RRULE (RFC 5545 3.3.10) and the local time of day in seconds.

    ``M3.2.0`` → ``FREQ=YEARLY;BYMONTH=3;BYDAY=2SU``.  Rule times outside 0–24 h move the day:
    Jerusalem's ``M3.4.4/26`` (Thursday 26:00) is the Friday after the fourth Thursday,
    ``BYDAY=FR;BYMONTHDAY=23,…,29``.  None when the shifted days leave the month (Cairo's
    ``M10.5.4/24``) or for ``Jn``/``n`` rules; those are written as dated observances."""
    if rule.julian is not None:
        return None
    shift, time_of_day = divmod(rule.time, 86400)
    if shift == 0:
        ordinal = -1 if rule.week == 5 else rule.week
        return f"FREQ=YEARLY;BYMONTH={rule.month};BYDAY={ordinal}{_WEEKDAYS[rule.weekday]}", time_of_day
    first = -7 if rule.week == 5 else 7 * (rule.week - 1) + 1
    days = [d + shift for d in range(first, first + 7)]
    shortest = 28 if rule.month == 2 else 30 if rule.month in (4, 6, 9, 11) else 31
    if not (all(1 <= d <= shortest for d in days) or all(-shortest <= d <= -1 for d in days)):
        return None
    if days[0] < 0 and rule.month != 2:  # fixed-length month: positive days (ical.js 2.2.1
        days = [shortest + 1 + d for d in days]  # misreads negative BYMONTHDAY with BYDAY)
    byday = _WEEKDAYS[(rule.weekday + shift) % 7]
    return (f"FREQ=YEARLY;BYMONTH={rule.month};BYDAY={byday};BYMONTHDAY={','.join(map(str, days))}",
            time_of_day)


def _ical_offset(seconds: int) -> str:
    sign = "-" if seconds < 0 else "+"
    seconds = abs(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{sign}{hours:02d}{minutes:02d}" + (f"{secs:02d}" if secs else "")


def _local_text(utc_seconds: int, offset: int) -> str:
    return (_EPOCH + timedelta(seconds=utc_seconds + offset)).strftime("%Y%m%dT%H%M%S")


def _observance(kind: str, dtstart: str, offset_from: int, offset_to: int, abbr: str | None,
                rrule: str | None = None) -> list[str]:
    """Lines of one STANDARD/DAYLIGHT sub-component (RFC 5545 3.6.5): DTSTART is the local time
    *before* the onset, i.e. in TZOFFSETFROM."""
    lines = [f"BEGIN:{kind}", f"DTSTART:{dtstart}", f"TZOFFSETFROM:{_ical_offset(offset_from)}",
             f"TZOFFSETTO:{_ical_offset(offset_to)}"]
    if rrule:
        lines.append(f"RRULE:{rrule}")
    if abbr:
        lines.append(f"TZNAME:{abbr}")
    return lines + [f"END:{kind}"]


def _dated_observances(transitions: Iterable[_Transition], previous: int) -> list[str]:
    """One sub-component per transition (no RDATE lists: ical.js 2.2.1 misreads them)."""
    lines: list[str] = []
    for t in transitions:
        kind = "DAYLIGHT" if t.is_dst else "STANDARD"
        lines += _observance(kind, _local_text(t.at, previous), previous, t.offset, t.abbr)
        previous = t.offset
    return lines


def _rule_observances(posix: PosixTZ, after: int | None, from_year: int) -> tuple[list[str], list[_Transition]]:
    """STANDARD and DAYLIGHT with an RRULE for the zone's current POSIX rule, starting with the
    first transition after ``after`` (the last explicit TZif transition).  Rules that cannot be an
    RRULE come back as explicit transitions up to :data:`EXPLICIT_UNTIL_YEAR` instead."""
    assert posix.start and posix.end and posix.dst_offset is not None
    year = from_year
    firsts: dict[bool, _Transition] = {}
    while len(firsts) < 2 and year <= EXPLICIT_UNTIL_YEAR:
        for t in _posix_year(posix, year):
            if (after is None or t.at > after) and t.is_dst not in firsts:
                firsts[t.is_dst] = t
        year += 1
    std_rule, dst_rule = rule_to_rrule(posix.end), rule_to_rrule(posix.start)
    if std_rule is None or dst_rule is None or len(firsts) < 2:
        start = min(t.at for t in firsts.values()) if firsts else _utc_seconds(from_year)
        explicit = [t for y in range(from_year, EXPLICIT_UNTIL_YEAR + 1) for t in _posix_year(posix, y)
                    if t.at >= start]
        return [], explicit
    # Daylight has the larger offset in the VTIMEZONE even for negative DST (Europe/Dublin).
    dst_is_daylight = posix.dst_offset > posix.std_offset
    lines: list[str] = []
    for is_dst, (rrule, _tod) in ((False, std_rule), (True, dst_rule)):
        t = firsts[is_dst]
        before = posix.std_offset if is_dst else posix.dst_offset
        kind = "DAYLIGHT" if is_dst == dst_is_daylight else "STANDARD"
        lines += _observance(kind, _local_text(t.at, before), before, t.offset, t.abbr, rrule)
    return lines, []


@lru_cache(maxsize=1024)
def _vtimezone_body(iana: str, start_year: int) -> tuple[str, ...]:
    """The observance lines of a compact VTIMEZONE for ``iana`` valid from 1 January
    ``start_year`` on: the observance in effect then, one dated observance per later TZif
    transition, and today's rule as an RRULE pair (none for zones without DST today, whose last
    dated observance is then the single STANDARD)."""
    data = _tzif(iana)
    if data is None:
        raise ValueError(f"no tzdata for {iana!r}")
    posix = _zone_posix(iana)
    every = list(data.transitions)
    rule_lines: list[str] = []
    if posix and posix.has_dst:
        last_at = every[-1].at if every else None
        rule_lines, extra = _rule_observances(posix, last_at, _year_of(last_at))
        every += extra
    lo = _utc_seconds(start_year)
    before = [i for i, t in enumerate(every) if t.at < lo]
    dated = every[before[-1]:] if before else every
    lines: list[str] = []
    if before:
        previous = every[before[-1] - 1].offset if before[-1] > 0 else data.initial.offset
    else:
        first = data.initial
        previous = first.offset
        if not (rule_lines and not dated and first.offset == posix.std_offset):  # type: ignore[union-attr]
            lines += _observance("DAYLIGHT" if first.is_dst else "STANDARD", "16010101T000000",
                                 first.offset, first.offset, first.abbr)
    return tuple(lines + _dated_observances(dated, previous) + rule_lines)


def _year_of(utc_seconds: int | None) -> int:
    return 1970 if utc_seconds is None else (_EPOCH + timedelta(seconds=utc_seconds)).year


def vtimezone(iana: str, *, tzid: str | None = None, start: date | None = None) -> Timezone:
    """A compact VTIMEZONE (RFC 5545 3.6.5) for IANA zone ``iana``, named ``tzid`` (default the
    IANA name), valid from ``start`` (default 1970-01-01) for ever: Outlook/Google shape with an
    RRULE pair for today's rule, not icalendar's long RDATE lists."""
    return Timezone.from_ical("\r\n".join([*vtimezone_lines(iana, tzid=tzid, start=start), ""]))


def vtimezone_lines(iana: str, *, tzid: str | None = None, start: date | None = None) -> tuple[str, ...]:
    """The content lines of :func:`vtimezone` (BEGIN to END, unfolded), for writers that do not
    build icalendar components (``io/model_writer.py``); the body is cached per zone and year."""
    iana = "Etc/UTC" if iana.lower() in UTC_NAMES else iana
    year = (start or date(1970, 1, 1)).year
    body = _vtimezone_body(iana, year)
    name = tzid or iana
    escaped = name.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return ("BEGIN:VTIMEZONE", f"TZID:{escaped}", *body, "END:VTIMEZONE")


def iter_time_values(component: Component) -> Iterator[tuple[str, object]]:
    """``(property name, value)`` for every date-time property of ``component`` that can carry a
    TZID; multi-line properties (several EXDATE lines) are flattened, broken values (icalendar's
    BrokenCalendarProperty, e.g. an empty DTSTART) skipped."""
    for name in TIME_PROPERTIES:
        value = component.get(name)
        if value is None:
            continue
        for item in value if isinstance(value, list) else [value]:
            try:
                _datetimes_of(item)
            except ValueError:
                continue
            yield name, item


def _datetimes_of(value: object) -> list[datetime]:
    """The datetimes inside a vDDDTypes/vDDDLists/vPeriod value."""
    items = getattr(value, "dts", None) or [value]
    out: list[datetime] = []
    for item in items:
        dt = getattr(item, "dt", item)
        for part in dt if isinstance(dt, tuple) else (dt,):
            if isinstance(part, datetime):
                out.append(part)
    return out


def _property_values(component: Component) -> Iterator[object]:
    """Every property value of ``component`` itself, one per content line (what
    ``property_items(recursive=False)`` lists, without its BEGIN/END entries and per-key lookups)."""
    for value in component.values():
        if isinstance(value, list):
            yield from value
        else:
            yield value


def _used_tzids(calendar: Calendar) -> dict[str, tuple[date, tzinfo | None]]:
    """TZID → (earliest date using it, one tzinfo seen with it), over every component."""
    used: dict[str, tuple[date, tzinfo | None]] = {}
    for component in calendar.walk():
        if component.name in _ZONE_COMPONENTS:
            continue
        for prop in _property_values(component):
            params = getattr(prop, "params", None)
            tzid = params.get("TZID") if params else None
            if not tzid:
                continue
            try:
                dts = _datetimes_of(prop)
            except ValueError:
                dts = []
            first = min((d.date() for d in dts), default=date(1970, 1, 1))
            seen = used.get(str(tzid))
            tz = dts[0].tzinfo if dts else None
            used[str(tzid)] = (min(first, seen[0]) if seen else first, (seen[1] if seen else None) or tz)
    return used


def rename_tzids(calendar: Calendar, mapping: Mapping[str, str]) -> int:
    """Rename TZID parameters of all properties, and the TZIDs of VTIMEZONEs, by ``mapping``
    (e.g. ``{"America/New_York": "Eastern Standard Time"}``); the values' tzinfo is kept.
    Returns how many parameters were renamed."""
    count = 0
    for component in calendar.walk():
        if component.name == "VTIMEZONE" and str(component.get("TZID")) in mapping:
            component["TZID"] = mapping[str(component["TZID"])]
        if component.name in _ZONE_COMPONENTS:
            continue
        for prop in _property_values(component):
            params = getattr(prop, "params", None)
            tzid = params.get("TZID") if params else None
            if tzid and str(tzid) in mapping:
                params["TZID"] = mapping[str(tzid)]
                count += 1
    return count


def add_vtimezones(calendar: Calendar, *, tzid_style: str = "iana", report: Report | None = None) -> None:
    """Add a VTIMEZONE (RFC 5545 3.6.5) for every TZID a property of any component uses and no
    VTIMEZONE defines (interop-notes case 51), built from tzdata from the earliest date the
    calendar uses that TZID (see :func:`vtimezone`).

    ``tzid_style="windows"`` renames IANA TZIDs to their Windows names first, as Outlook writes
    them (zones without a Windows name keep the IANA name).  TZIDs that resolve to no zone get
    no VTIMEZONE; they are reported as TIMEZONE_UNKNOWN when ``report`` is given."""
    if tzid_style not in ("iana", "windows"):
        raise ValueError(f"tzid_style must be 'iana' or 'windows', not {tzid_style!r}")
    used = _used_tzids(calendar)
    # A file's VTIMEZONE for a TZID the hub reads with tzdata (a ZoneInfo) is rewritten from tzdata:
    # kept, it contradicts the hub where it is truncated, older or Outlook's 1601 pair (clients read it).
    calendar.subcomponents[:] = [c for c in calendar.subcomponents if c.name != "VTIMEZONE"
                                 or not isinstance(used.get(str(c.get("TZID")), (None, None))[1], ZoneInfo)]
    defined = {str(tz.get("TZID")) for tz in calendar.walk("VTIMEZONE")}
    zones = {tzid: _iana_for_output(tzid, tz) for tzid, (_first, tz) in used.items()}
    if tzid_style == "windows":
        renames = {tzid: win for tzid, iana in zones.items()
                   if tzid not in defined and iana and (win := windows_tzid(iana)) and win != tzid}
        keep = windows_name_clashes((win, zones[tzid], used[tzid][0]) for tzid, win in renames.items())
        renames = {tzid: win for tzid, win in renames.items() if zones[tzid] not in keep}
        rename_tzids(calendar, renames)
        zones = {renames.get(tzid, tzid): iana for tzid, iana in zones.items()}
        used = {renames.get(tzid, tzid): value for tzid, value in used.items()}
    new: list[Timezone] = []
    for tzid in sorted(used):
        if tzid in defined:
            continue
        iana = zones[tzid]
        if iana is None:
            if report is not None:
                report.add(LossKind.TIMEZONE_UNKNOWN, "VTIMEZONE", f"no zone data for TZID {tzid!r}; no VTIMEZONE written")
            continue
        new.append(vtimezone(iana, tzid=tzid, start=used[tzid][0]))
    calendar.subcomponents[0:0] = new


def windows_name_clashes(uses: Iterable[tuple[str, str, date]]) -> set[str]:
    """The IANA zones of one calendar that keep their own name under ``--tzid-style windows``:
    ``uses`` gives (Windows name, IANA zone, earliest date written in it) per use.  Two zones may
    share a Windows name (``iana_to_windows`` matches by recent rules: America/Indiana/Marengo
    and America/New_York are both "Eastern Standard Time"), but one TZID names one VTIMEZONE
    (RFC 5545 3.2.19): where their VTIMEZONEs from the earliest year differ (Marengo kept EST
    all year until 2006), the values of all but one would be read with another zone's rules.
    The zone CLDR lists for the name (else the first by name) keeps it; each zone whose
    VTIMEZONE differs from that one's is written under its IANA name."""
    by_name: dict[str, dict[str, date]] = {}
    for win, iana, first in uses:
        zones = by_name.setdefault(win, {})
        zones[iana] = min(first, zones.get(iana, first))
    keep: set[str] = set()
    table = _iana_to_windows_table()
    for win, zones in by_name.items():
        if len(zones) < 2:
            continue
        start = date(min(zones.values()).year, 1, 1)
        bodies = {iana: vtimezone_lines(iana, tzid=win, start=start) for iana in zones}
        if len(set(bodies.values())) == 1:
            continue
        preferred = next((iana for iana in sorted(zones) if table.get(canonical_iana(iana)) == win), min(zones))
        keep.update(iana for iana in zones if bodies[iana] != bodies[preferred])
    return keep


def _iana_for_output(tzid: str, tz: tzinfo | None) -> str | None:
    """The tzdata zone to describe ``tzid``: the value's ZoneInfo key, else the name resolved."""
    key = getattr(tz, "key", None)
    if key and iana_zone(str(key)) is not None:
        return str(key)
    resolved = resolve_name(tzid)
    if resolved is None:
        return None
    return resolved.iana if resolved.iana != "UTC" else "Etc/UTC"


# ----------------------------------------------------------------------------------------------
# Reading: every zoned value to a ZoneInfo where possible
# ----------------------------------------------------------------------------------------------

@dataclass
class _Resolution:
    """How one TZID of one calendar is read: ``tz`` None means floating."""

    tz: tzinfo | None
    tzid: str | None  # the TZID parameter to write (None for UTC and floating)
    kind: LossKind | None = None
    reason: str = ""
    compare_with: Onsets | None = None  # the VTIMEZONE's onsets, to report instant differences
    only_if_moved: bool = False  # report only values whose instant differs from the VTIMEZONE's


Onsets = tuple[tuple[int, int, int], ...]


def _observances(vtz: Component) -> list[Component]:
    return [c for c in vtz.subcomponents if c.name in ("STANDARD", "DAYLIGHT")]


#: id → (VTIMEZONE, its parts, its text): the text of a VTIMEZONE the reading handed out.
_TEXTS: dict[int, tuple[Component, tuple[object, ...], bytes]] = {}


def known_vtimezone_text(vtz: Component, text: bytes) -> None:
    """Remember that ``vtz`` (as ``io.ics.checked_timezone`` read it, shared by its callers) writes as
    ``text``: its resolution then needs no ``to_ical`` (half a millisecond per VTIMEZONE)."""
    remember(_TEXTS, id(vtz), (vtz, _parts(vtz), text), 256)


def _vtimezone_text(vtz: Component) -> bytes:
    """``vtz.to_ical()``, from :func:`known_vtimezone_text` while the VTIMEZONE still holds the
    very objects it held then (one set, added or removed since: it is written again)."""
    found = _TEXTS.get(id(vtz))
    if found is not None and found[0] is vtz:
        parts = _parts(vtz)
        if len(parts) == len(found[1]) and all(map(operator.is_, parts, found[1])):
            return found[2]
    return vtz.to_ical()


def _parts(vtz: Component) -> tuple[object, ...]:
    """A VTIMEZONE's components and property values, in order (kept: held, so never reused)."""
    return tuple(item for part in vtz.walk() for item in (part, *part.values()))


@lru_cache(maxsize=4096)
def _vtz_onsets(vtz_text: bytes, last_year: int) -> tuple[Onsets, bool] | None:
    """(UTC seconds, offset from, offset to) of every onset of a VTIMEZONE up to ``last_year``,
    read straight from its observances (DTSTART, RDATE, RRULE; RFC 5545 3.6.5, 3.3.10), and
    whether an RRULE without UNTIL/COUNT makes it last for ever.  None when unreadable.

    Years before :data:`RULE_HORIZON` are cut from the expansion up to it (which a TZID's
    resolution makes anyway): one parse of the VTIMEZONE per file instead of one per span."""
    if last_year >= RULE_HORIZON:
        return _expand_vtz_onsets(vtz_text, last_year)
    full = _vtz_onsets(vtz_text, RULE_HORIZON)
    if full is None:
        return None
    until = _seconds(datetime(last_year + 1, 1, 2))  # as _onsets cuts: local onset time before it
    kept = tuple(o for o in full[0] if o[0] + o[1] < until)
    return (kept, full[1]) if kept else None


def _expand_vtz_onsets(vtz_text: bytes, last_year: int) -> tuple[Onsets, bool] | None:
    """:func:`_vtz_onsets` by expanding the observances up to ``last_year``."""
    vtz = Timezone.from_ical(vtz_text)
    onsets: list[tuple[int, int, int]] = []
    open_ended = False
    try:
        for obs in _observances(vtz):
            offset_from = int(obs["TZOFFSETFROM"].td.total_seconds())
            offset_to = int(obs["TZOFFSETTO"].td.total_seconds())
            onsets += [(_seconds(local) - offset_from, offset_from, offset_to)
                       for local in _onsets(obs, last_year)]
            rule = obs.get("RRULE")
            open_ended |= rule is not None and not ({"UNTIL", "COUNT"} & set(rule.keys()))
    except (KeyError, ValueError, TypeError, AttributeError, OverflowError):
        return None
    return (tuple(sorted(onsets)), open_ended) if onsets else None


def _seconds(local: datetime) -> int:
    return int((local - _EPOCH).total_seconds())


def _onsets(obs: Component, last_year: int) -> list[datetime]:
    """Local onset times of an observance up to the end of ``last_year``."""
    start = obs["DTSTART"]
    start = (start[0] if isinstance(start, list) else start).dt  # some files repeat DTSTART
    start = start if isinstance(start, datetime) else datetime.combine(start, datetime.min.time())
    start = start.replace(tzinfo=None)
    until = datetime(last_year + 1, 1, 2)
    onsets = [start]
    rdates = obs.get("RDATE")
    for rdate in rdates if isinstance(rdates, list) else [rdates]:
        if rdate is not None:
            onsets += [d.replace(tzinfo=None) for d in _datetimes_of(rdate)]
    rule = obs.get("RRULE")
    if rule is not None:
        text = rule.to_ical().decode()
        text = re.sub(r"UNTIL=(\d{8})(?:T(\d{6}))?Z?", lambda m: f"UNTIL={m.group(1)}T{m.group(2) or '235959'}", text)
        simple = _simple_occurrences(text, start)  # the common rules without dateutil's rule set
        onsets += (list(takewhile(until.__ge__, simple)) if simple is not None
                   else rrulestr(text, dtstart=start, cache=False).between(start, until, inc=True))
    return [o for o in onsets if o < until]


def _vtz_offset(onsets: Onsets, utc_seconds: int, times: tuple[int, ...] | None = None) -> int:
    """The VTIMEZONE's offset at an instant; before its first onset, that onset's TZOFFSETFROM.
    ``times`` are the onsets' instants, when the caller has them at hand."""
    index = bisect.bisect_right(times if times is not None else _onset_times(onsets), utc_seconds)
    return onsets[index - 1][2] if index else onsets[0][1]


_TIMES: dict[int, tuple[Onsets, tuple[int, ...]]] = {}


def _onset_times(onsets: Onsets) -> tuple[int, ...]:
    """The onsets' instants, kept per onsets object (one VTIMEZONE's are looked up per value)."""
    found = _TIMES.get(id(onsets))
    if found is None or found[0] is not onsets:
        found = remember(_TIMES, id(onsets), (onsets, tuple(o[0] for o in onsets)), 256)
    return found[1]


def _vtz_local_offset(onsets: Onsets, local: datetime) -> int:
    """The VTIMEZONE's offset for a local wall-clock time (RFC 5545 3.6.5 semantics)."""
    times, seconds = _onset_times(onsets), _seconds(local)  # once each (called per value compared)
    guess = _vtz_offset(onsets, seconds - onsets[0][1], times)
    return _vtz_offset(onsets, seconds - guess, times)


@lru_cache(maxsize=8192)
def _zone_offsets(zone: str, first_year: int, last_year: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    trans = zone_transitions(canonical_iana(zone), first_year, last_year)
    return tuple(t.at for t in trans[1:]), tuple(t.offset for t in trans)


def _zone_offset(zone: str, utc_seconds: int) -> int:
    year = (_EPOCH + timedelta(seconds=utc_seconds)).year
    ats, offsets = _zone_offsets(zone, year, year)
    return offsets[bisect.bisect_right(ats, utc_seconds)]


def _zone_local_offset(zone: str, local: datetime) -> int:
    guess = _zone_offset(zone, _seconds(local))
    return _zone_offset(zone, _seconds(local) - guess)


def _covered(onsets: Onsets, open_ended: bool, horizon: int) -> tuple[int, int]:
    """The UTC span a VTIMEZONE really describes: for ever after its first onset when it has a
    single offset (Tokyo, Outlook's fixed zones from 1601) or an RRULE without end; otherwise
    from its first to its last onset (a truncated copy says nothing about later years)."""
    if open_ended or len({o[2] for o in onsets}) == 1:
        return onsets[0][0], _utc_seconds(horizon + 1)
    return onsets[0][0], onsets[-1][0]


def _agreement(vtz: Component | bytes, zone: str, years: Iterable[int]) -> tuple[int, int]:
    """(days compared, days that differ) between a VTIMEZONE and a zone at local noon of every
    day of ``years`` the VTIMEZONE covers.  Noon is far from the night-time transitions, so a
    producer that writes 03:00 for 02:00 (or 23:59:59 for midnight) still agrees."""
    return _noon_agreement(vtz if isinstance(vtz, bytes) else vtz.to_ical(), zone, tuple(sorted(set(years))))


@lru_cache(maxsize=4096)
def _noon_agreement(vtz_text: bytes, zone: str, years: tuple[int, ...]) -> tuple[int, int]:
    """:func:`_agreement` of a VTIMEZONE's text, remembered (each file of a batch asks again)."""
    if not years:
        return 0, 0
    info = _vtz_onsets(vtz_text, years[-1])
    if info is None:
        return 0, 0
    onsets, open_ended = info
    times = tuple(o[0] for o in onsets)
    lo, hi = _covered(onsets, open_ended, years[-1])
    noon = 12 * 3600 - (_standard_offset(canonical_iana(zone)) or 0)
    compared = differ = 0
    for year in years:
        # the days of the year between consecutive changes of either reading count alike:
        # one comparison per stretch (days k of the stretch: start + k·86400 in [cut, next cut))
        start = _utc_seconds(year) + noon
        end = start + 86400 * (366 if year % 4 == 0 else 365)
        ats, offsets = _zone_offsets(zone, year, year)
        cuts = sorted({start, *(t for t in times if start < t < end), *(a for a in ats if start < a < end)})
        first_day, last_day = -((start - lo) // 86400), (hi - start) // 86400  # lo <= day <= hi
        for i, cut in enumerate(cuts):
            following = cuts[i + 1] if i + 1 < len(cuts) else end
            a = max(-((start - cut) // 86400), first_day, 0)
            b = min(-((start - following) // 86400), last_day + 1)
            if a < b:
                day = start + a * 86400
                compared += b - a
                differ += (b - a) * (_vtz_offset(onsets, day, times) != offsets[bisect.bisect_right(ats, day)])
    return compared, differ


def match_vtimezone(vtz: Component | bytes, values: Iterable[datetime], *, hint: str = "") -> str | None:
    """The IANA zone that best matches a VTIMEZONE's rules (for "Customized Time Zone", display
    names and other TZIDs whose name gives no zone that fits).

    A candidate must give every local time in ``values`` (the calendar's date-times in this
    TZID) the same UTC offset as the VTIMEZONE does, so no instant moves.  Among those wins the
    one that agrees on most days (local noon) of the years from three before to three after the
    last value, then a zone whose city appears in ``hint`` (the TZID text), then
    :data:`PREFERRED_ZONES`, then CLDR-primary zones.  None when no zone passes."""
    locals_ = sorted({v.replace(tzinfo=None) for v in values}) or [datetime(date.today().year, 1, 1)]
    return _matched(vtz if isinstance(vtz, bytes) else _vtimezone_text(vtz), tuple(locals_), hint)


@lru_cache(maxsize=32)
def _matched(text: bytes, locals_: tuple[datetime, ...], hint: str) -> str | None:
    """:func:`match_vtimezone` of a VTIMEZONE's text and the sorted local values, remembered:
    each file of a batch asks again (a scan of every tzdata zone)."""
    last = locals_[-1].year
    info = _vtz_onsets(text, last + 3)
    if info is None:
        return None
    wanted = [(v, _vtz_local_offset(info[0], v)) for v in locals_]
    named = _zones_named_in(hint) if hint else []
    named_canonical = [canonical_iana(z) for z in named]
    around = range(last - 3, last + 4)
    best: tuple[tuple[object, ...], str] | None = None
    for zone in _canonical_zones():
        if any(_zone_local_offset(zone, v) != off for v, off in wanted):
            continue
        _compared, differ = _agreement(text, zone, around)
        rank = named_canonical.index(zone) if zone in named_canonical else len(named)
        key = (differ, rank, _preference(zone))
        if best is None or key < best[0]:
            best = (key, named[rank] if rank < len(named) else zone)
    return best[1] if best else None


def _local_values(calendar: Calendar) -> dict[str, list[datetime]]:
    """TZID → the local date-times that use it (RECURRENCE-ID, EXDATE… included)."""
    values: dict[str, list[datetime]] = {}
    for component in calendar.walk():
        if component.name not in _ZONE_COMPONENTS:
            _collect_local_values(component, values)
    return values


def _collect_local_values(component: Component, values: dict[str, list[datetime]]) -> None:
    for _name, prop in iter_time_values(component):
        tzid = prop.params.get("TZID") if hasattr(prop, "params") else None
        if tzid:
            values.setdefault(tzid_key(str(tzid)), []).extend(d.replace(tzinfo=None) for d in _datetimes_of(prop))


def tzid_key(tzid: str) -> str:
    """The form in which a TZID parameter finds its VTIMEZONE however either is written:
    leading/trailing blanks, quotes kept in the value, Unicode composed or not, runs of blanks,
    letter case.  Outlook (German) writes ``TZID:Mitteleuropäische Zeit `` with a trailing
    space and ``DTSTART;TZID="Mitteleuropäische Zeit":…``; RFC 5545 3.2.19 means the two to be
    one zone, and ical.js and libical (which trim) read them so (issue 17)."""
    text = unicodedata.normalize("NFC", tzid).strip().strip('"').strip()
    return " ".join(text.split()).casefold()


def _vtimezones(calendar: Calendar) -> dict[str, Component]:
    """:func:`tzid_key` of each TZID → VTIMEZONE with at least one observance (a VTIMEZONE
    that holds only a TZID, as Kalendar writes, is read by its name; interop-notes case 51)."""
    return {tzid_key(str(vtz["TZID"])): vtz for vtz in calendar.walk("VTIMEZONE")
            if "TZID" in vtz and _observances(vtz)}


def _own_tz(vtz: Component) -> tzinfo | None:
    """icalendar's tzinfo for this calendar's VTIMEZONE, built fresh: icalendar caches custom
    zones per TZID for the whole process, so another file's "Customized Time Zone" could leak."""
    try:
        return tzp.create_timezone(vtz)
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def _resolve_tzid(tzid: str, vtz: Component | None, values: list[datetime]) -> _Resolution:
    """The resolution order of docs/timezones.md for one TZID of one calendar.  Instants "by
    the file" are computed with our own reading of the VTIMEZONE (RFC 5545 3.6.5), the one
    the matching uses; dateutil's (icalendar's) is only kept for zones that match nothing."""
    by_name = resolve_name(tzid)
    if by_name is not None and by_name.iana == "UTC":
        return _Resolution(timezone.utc, None)
    if vtz is None:
        if by_name is None:
            return _Resolution(None, None, LossKind.TIMEZONE_UNKNOWN,
                               f"TZID {tzid!r} has no VTIMEZONE and names no known zone; read as floating time")
        return _by_name(tzid, by_name)
    text = _vtimezone_text(vtz)  # written once: every step below reads the VTIMEZONE by its text
    info = _vtz_onsets(text, max([v.year for v in values] + [RULE_HORIZON]))
    onsets = info[0] if info else None
    if by_name is not None and by_name.iana and _name_fits(text, by_name.iana, values):
        named = _by_name(tzid, by_name)
        named.compare_with, named.only_if_moved = onsets, named.kind is None
        named.kind = named.kind or LossKind.TIMEZONE_GUESSED
        named.reason = named.reason or (f"the VTIMEZONE {tzid!r} is {by_name.iana} where it is defined, and "
                                        f"{by_name.iana} (tzdata) is used")
        return named
    if by_name is not None and by_name.iana and _names_iana_zone(tzid):
        # An IANA name or alias (US/Eastern, Asia/Calcutta, /vendor/Area/City) means that zone,
        # never one found by its rules (pre-2007 US rules are Pacific/Easter's offsets too):
        # tzdata is read, each moved instant reported with both readings (docs/timezones.md).
        named = _by_name(tzid, by_name)
        named.compare_with, named.only_if_moved = onsets, True
        named.kind = LossKind.TIMEZONE_GUESSED
        named.reason = (f"the VTIMEZONE {tzid!r} is not {by_name.iana} as tzdata defines it (a stale or "
                        f"altered definition); the IANA name wins and tzdata is used")
        return named
    guess = match_vtimezone(text, values, hint=tzid)
    if guess is not None:
        return _Resolution(ZoneInfo(guess), guess, LossKind.TIMEZONE_GUESSED,
                           f"TZID {tzid!r} matched to {guess} by its VTIMEZONE rules", compare_with=onsets)
    own = _own_tz(vtz)
    if own is None:
        return _Resolution(None, None, LossKind.TIMEZONE_UNKNOWN,
                           f"VTIMEZONE {tzid!r} is unreadable and matches no zone; read as floating time")
    return _Resolution(own, str(vtz["TZID"]), LossKind.TIMEZONE_UNKNOWN,
                       f"VTIMEZONE {tzid!r} matches no IANA zone; its own rules are kept")


def _names_iana_zone(tzid: str) -> bool:
    """Whether a TZID is a tzdata name, a link of tzdata's ``backward`` file included, or such
    a name behind a globally unique ``/vendor/`` prefix (RFC 5545 3.2.19)."""
    raw = tzid.strip().strip('"').strip()
    return iana_zone(raw) is not None or (raw.startswith("/") and _globally_unique_suffix(raw) is not None)


def _name_fits(vtz: Component | bytes, iana: str, values: list[datetime]) -> bool:
    """Whether a VTIMEZONE is the zone its name says, judged where the VTIMEZONE is defined:
    in the years of the values, else in recent years (Outlook's rule pair from 1601 carries
    only today's rule: case 8).  A VTIMEZONE that covers neither (a truncated copy such as
    Asia/Hong_Kong 1932–1946 on a 2003 event) cannot contradict the name, which wins.  Values
    whose instant then differs from the VTIMEZONE's are reported by :func:`_apply`."""
    years = sorted({v.year for v in values})
    covered_any = False
    text = vtz if isinstance(vtz, bytes) else _vtimezone_text(vtz)
    for window in (years, list(recent_years())):
        compared, differ = _agreement(text, iana, window)
        if compared and not differ:
            return True
        covered_any |= bool(compared)
    return not covered_any


def _by_name(tzid: str, resolved: ResolvedZone) -> _Resolution:
    """A resolution by name: no entry for IANA and Windows (CLDR) names, a guess otherwise."""
    kind = LossKind.TIMEZONE_GUESSED if resolved.guessed else None
    return _Resolution(resolved.tz, resolved.iana, kind, resolved.reason or "")


def is_utc_zone(tz: tzinfo | None) -> bool:
    """UTC itself (``timezone.utc``, ZoneInfo ``UTC``/``Etc/UTC``): its values are written with
    ``Z`` and carry no TZID (RFC 5545 3.3.5)."""
    return tz is timezone.utc or getattr(tz, "key", None) in ("UTC", "Etc/UTC")


def retag(prop: object, tz: tzinfo | None, tzid: str | None) -> list[tuple[datetime, datetime]]:
    """Give every datetime of a property value the zone ``tz`` (same wall-clock time; None:
    floating) and set or drop its TZID parameter.  Returns (old, new) pairs for reporting."""
    changed: list[tuple[datetime, datetime]] = []
    for item in getattr(prop, "dts", None) or [prop]:
        if hasattr(item, "dt") and not isinstance(getattr(item, "dt"), (datetime, tuple)):
            continue
        if hasattr(item, "start") and hasattr(item, "end") and not hasattr(item, "dts"):
            start = _retagged(item.start, tz, changed)
            item.start, item.end = start, _retagged(item.end, tz, changed)  # vPeriod
        elif hasattr(item, "dt"):
            item.dt = _retagged(item.dt, tz, changed)
        _set_tzid(getattr(item, "params", None), tzid)
    _set_tzid(getattr(prop, "params", None), tzid)
    return changed


def _retagged(dt: object, tz: tzinfo | None, changed: list[tuple[datetime, datetime]]) -> object:
    """:func:`retag`'s step for one value (a datetime, or a tuple of them: a period).  Not a
    recursive closure: that is a reference cycle per call (``_in_zone``)."""
    if isinstance(dt, datetime):
        new = dt.replace(tzinfo=tz)
        changed.append((dt, new))
        return new
    if isinstance(dt, tuple):
        return tuple(_retagged(part, tz, changed) for part in dt)
    return dt


def _set_tzid(params: object, tzid: str | None) -> None:
    if params is None:
        return
    if tzid is None:
        params.pop("TZID", None)  # type: ignore[attr-defined]
    else:
        params["TZID"] = tzid  # type: ignore[index]


def normalize_calendar_zones(calendar: Calendar, report: Report, *, prune_vtimezones: bool = True) -> None:
    """After ``Calendar.from_ical``: give every zoned date-time of every component (VEVENT,
    VTODO, …) a ``zoneinfo.ZoneInfo`` wherever one fits, keeping its wall-clock time.

    Per TZID (docs/timezones.md): UTC spellings → UTC; a name (IANA, Windows via CLDR,
    ``/vendor/…`` prefix, display name with a city) whose zone agrees with the calendar's
    VTIMEZONE → that zone; a VTIMEZONE with today's rule only (Outlook's 16010101 pair) on dates
    where tzdata differs → the named zone, the difference reported (case 8); otherwise the zone
    whose rules match the VTIMEZONE (reported as a guess); otherwise icalendar's zone from the
    VTIMEZONE (TIMEZONE_UNKNOWN).  A TZID with neither VTIMEZONE nor known name becomes floating
    (TIMEZONE_UNKNOWN).  VTIMEZONEs whose TZID is no longer used are removed when
    ``prune_vtimezones`` (writers add fresh ones with :func:`add_vtimezones`)."""
    vtzs = _vtimezones(calendar)
    values = _local_values(calendar)
    resolutions: dict[str, _Resolution] = {}
    for component in calendar.walk():
        if component.name in _ZONE_COMPONENTS:
            continue
        for name, prop in list(iter_time_values(component)):
            tzid = prop.params.get("TZID") if hasattr(prop, "params") else None
            if not tzid:
                continue
            tzid = str(tzid)
            if tzid not in resolutions:
                key = tzid_key(tzid)
                resolutions[tzid] = _resolve_tzid(tzid, vtzs.get(key), values.get(key, []))
            _apply(component, name, prop, tzid, resolutions[tzid], report)
    if prune_vtimezones:
        _prune(calendar)


def normalize_model_zones(items: list, vtimezones: Iterable[Component], report: Report, *, fast: bool = True) -> list:
    """:func:`normalize_calendar_zones` for the typed hub: ``items`` are the calendar's typed
    events (:class:`model.Event`) and its other components (icalendar's reading of them, for
    their report entries only), in file order; returns ``items`` with every TZID'd date-time of
    the events retagged to its resolution (the same resolutions, the same report entries).

    Where a TZID's VTIMEZONE is compared with tzdata, the comparison is worked out once per TZID
    (:mod:`zone_agreement`) and made per value only where the two readings can differ;
    ``fast=False`` compares every value (the reference ``tests/test_zones_fastpath.py`` holds
    the fast path to)."""
    vtzs = {tzid_key(str(v["TZID"])): v for v in vtimezones if "TZID" in v and _observances(v)}
    if not fast:
        return _normalize_model_zones_reference(items, vtzs, report)
    keys: dict[str, str] = {}

    def key_of(tzid: str) -> str:
        found = keys.get(tzid)
        if found is None:
            found = keys[tzid] = tzid_key(tzid)
        return found

    # The values of a TZID are read for their years and wall-clock times only
    # (:func:`_resolve_tzid`), so the aware ones are kept as they are.
    values: dict[str, list[datetime]] = {}
    found: list[list | None] = []
    for item in items:
        if isinstance(item, m.Event):
            time_values = _event_time_values(item)
            found.append(time_values)
            for _name, tzid, _line, plain in time_values:
                if plain:
                    values.setdefault(keys.get(tzid) or key_of(tzid), []).extend(plain)
        else:
            found.append(None)
            for component in item.walk():
                if component.name not in _ZONE_COMPONENTS:
                    _collect_local_values(component, values)
    resolutions: dict[str, _Resolution] = {}
    contexts: dict[str, tuple[_Resolution, object, Agreement | None]] = {}

    def resolution(tzid: str) -> _Resolution:
        if tzid not in resolutions:
            key = key_of(tzid)
            resolutions[tzid] = _resolve_tzid(tzid, vtzs.get(key), values.get(key, []))
        return resolutions[tzid]

    def context(tzid: str) -> tuple[_Resolution, object, Agreement | None]:
        """A TZID's resolution, its hub zone, and (when compared) its agreement, once."""
        found = contexts.get(tzid)
        if found is None:
            found = contexts[tzid] = zone_context(resolution(tzid), vtzs, values.get(key_of(tzid), []))
        return found

    out = []
    for item, time_values in zip(items, found):
        if time_values is None:
            _normalize_component(item, resolution, report)
            out.append(item)
        elif time_values:
            out.append(_retag_event_fast(item, time_values, context, report))
        else:
            out.append(item)
    return out


def zone_context(res: _Resolution, vtzs: dict[str, Component], values: list[datetime]
                 ) -> tuple[_Resolution, object, Agreement | None]:
    """What :func:`_retag_event_fast` needs of a TZID, worked out once per file: its resolution,
    its hub zone (:func:`_model_zone`) and, when the file's VTIMEZONE is compared with tzdata,
    where the two agree (:func:`_agreement_for`, from the years of ``values``).  The whole-file
    path (:func:`normalize_model_zones`) and the streamed one (``io/stream._Zones``) share it."""
    agreed = _agreement_for(res, values) if res.kind is not None and res.compare_with is not None else None
    return res, _model_zone(res, vtzs), agreed


def retag_model_event(event: m.Event, context: Callable[[str], tuple[_Resolution, object, Agreement | None]],
                      report: Report) -> m.Event:
    """One typed event retagged as :func:`normalize_model_zones` retags it (``context``: a
    TZID's :func:`zone_context`), for a caller that has the file's resolutions already."""
    time_values = _event_time_values(event)
    return _retag_event_fast(event, time_values, context, report) if time_values else event


def _normalize_component(item: Component, resolution: Callable[[str], _Resolution], report: Report) -> None:
    """A component that is not a typed event (VTODO, …): its values retagged in place."""
    for component in item.walk():
        if component.name in _ZONE_COMPONENTS:
            continue
        for name, prop in list(iter_time_values(component)):
            tzid = prop.params.get("TZID") if hasattr(prop, "params") else None
            if tzid:
                _apply(component, name, prop, str(tzid), resolution(str(tzid)), report)


def _normalize_model_zones_reference(items: list, vtzs: dict[str, Component], report: Report) -> list:
    """:func:`normalize_model_zones` comparing every value (see there)."""
    values: dict[str, list[datetime]] = {}
    for item in items:
        if isinstance(item, m.Event):
            for _name, tzid, _line, plain in _model_time_values(item):
                values.setdefault(tzid_key(tzid), []).extend(d.replace(tzinfo=None) for d in plain)
        else:
            for component in item.walk():
                if component.name not in _ZONE_COMPONENTS:
                    _collect_local_values(component, values)
    resolutions: dict[str, _Resolution] = {}
    zones: dict[str, object] = {}

    def resolution(tzid: str) -> _Resolution:
        if tzid not in resolutions:
            key = tzid_key(tzid)
            resolutions[tzid] = _resolve_tzid(tzid, vtzs.get(key), values.get(key, []))
        return resolutions[tzid]

    out = []
    for item in items:
        if not isinstance(item, m.Event):
            _normalize_component(item, resolution, report)
            out.append(item)
            continue
        out.append(_retag_event(item, resolution, zones, vtzs, report))
    return out


def _model_time_values(event: object) -> Iterator[tuple[str, str, object, list[datetime]]]:
    """(name, TZID, value, its date-times) for the TZID'd time values of a typed event, in
    :data:`TIME_PROPERTIES` order (``value``: the field's value, or one EXDATE/RDATE line)."""
    ev: m.Event = event  # type: ignore[assignment]
    params = dict(ev.params) if ev.params else {}
    for name, value in (("DTSTART", ev.start), ("DTEND", ev.end),
                        ("RECURRENCE-ID", ev.recurrence_id.value if ev.recurrence_id else None)):
        found = params.get(name)
        tzid = m.param(found, "TZID") if found else None
        if tzid and value is not None:
            yield name, tzid, value, [value.dt] if isinstance(value, m.ZonedDateTime) else []
    for name, lines in (("EXDATE", ev.exdates), ("RDATE", ev.rdates)):
        for line in lines:
            tzid = m.param(line.params, "TZID")
            if tzid:
                dts: list[datetime] = []
                for v in line.values:
                    if isinstance(v, m.Period):
                        dts += [v.start.dt] + ([v.end.dt] if v.end is not None else [])
                    elif isinstance(v, m.ZonedDateTime):
                        dts.append(v.dt)
                yield name, tzid, line, dts


def _retag_event(ev: object, resolution: Callable[[str], _Resolution], zones: dict[str, object],
                 vtzs: dict[str, Component], report: Report) -> object:
    """One typed event with its TZID'd values in their resolved zones (:func:`retag`'s meaning:
    the same wall-clock time; the TZID parameter set to the resolution's or dropped)."""
    event: m.Event = ev  # type: ignore[assignment]
    changes_of: dict[str, object] = {}
    rid_now = m.plain(event.recurrence_id.value) if event.recurrence_id else None
    params = dict(event.params)
    exdates, rdates = list(event.exdates), list(event.rdates)
    line_at = {("EXDATE", id(x)): (exdates, i) for i, x in enumerate(exdates)}
    line_at.update({("RDATE", id(x)): (rdates, i) for i, x in enumerate(rdates)})
    touched = False
    for name, tzid, value, _dts in list(_model_time_values(event)):
        res = resolution(tzid)
        zone = zones.get(tzid)
        if zone is None:
            zone = zones[tzid] = _model_zone(res, vtzs)
        changes: list[tuple[datetime, datetime]] = []
        touched = True
        _retag_value(name, value, res, zone, params, changes_of, line_at, changes, _with_tzid)
        if name == "RECURRENCE-ID":
            rid_now = m.plain(changes_of[name])  # type: ignore[arg-type]
        if res.kind is not None:
            rid_text = rid_now.isoformat() if rid_now is not None else None
            report_resolution(name, tzid, changes, res, report, uid=event.uid, rid_text=rid_text,
                              rule_text=_rule_text_of(event))
    if not touched:
        return event
    return dataclasses.replace(event, **_event_fields(event, params, exdates, rdates, changes_of))  # type: ignore[arg-type]


def _event_time_values(event: m.Event) -> list[tuple[str, str, object, list[datetime]]]:
    """:func:`_model_time_values` as a list, without the generator (read once per event)."""
    if event.exdates or event.rdates:
        return list(_model_time_values(event))
    out: list[tuple[str, str, object, list[datetime]]] = []
    if event.params:
        params = dict(event.params)
        rid = event.recurrence_id
        for name, value in (("DTSTART", event.start), ("DTEND", event.end),
                            ("RECURRENCE-ID", rid.value if rid else None)):
            found = params.get(name)
            tzid = m.param(found, "TZID") if found else None
            if tzid and value is not None:
                out.append((name, tzid, value, [value.dt] if isinstance(value, m.ZonedDateTime) else []))
    return out


def _retag_event_fast(event: m.Event, time_values: list[tuple[str, str, object, list[datetime]]],
                      context: Callable[[str], tuple[_Resolution, object, Agreement | None]],
                      report: Report) -> m.Event:
    """:func:`_retag_event` for the values :func:`_event_time_values` found (at least one),
    ``context`` giving a TZID's resolution, hub zone and agreement: the same new event and
    report entries; a value already in its zone's tzinfo keeps its ``datetime``, instants are
    compared only where the agreement cannot vouch for them (:func:`_agreed`), and the new
    event is built without ``dataclasses.replace``'s per-call field walk."""
    changes_of: dict[str, object] = {}
    rid_now = m.plain(event.recurrence_id.value) if event.recurrence_id else None
    params = dict(event.params)
    exdates: list | None = None
    rdates: list | None = None
    line_at: dict[tuple[str, int], tuple[list, int]] = {}
    memo_get = _WITH_TZID.get
    for name, tzid, value, _dts in time_values:
        res, zone, agreement = context(tzid)
        tz = res.tz
        if type(value) is m.ZonedDateTime:  # DTSTART, DTEND, RECURRENCE-ID: the common case
            dt = value.dt
            new = dt if dt.tzinfo is tz else dt.replace(tzinfo=tz)
            changes = [(dt, new)]
            changes_of[name] = m.new_zoned((new, zone))
            # _with_tzid_cached's hit written out (two or three values an event)
            old = params.get(name, ())
            hit = memo_get((id(old), res.tzid))
            params[name] = hit[1] if hit is not None and hit[0] is old else _with_tzid_cached(old, res.tzid)
            if name == "RECURRENCE-ID":
                rid_now = new
        else:
            changes = []
            if exdates is None or rdates is None:
                exdates, rdates = list(event.exdates), list(event.rdates)
                line_at = {("EXDATE", id(x)): (exdates, i) for i, x in enumerate(exdates)}
                line_at.update({("RDATE", id(x)): (rdates, i) for i, x in enumerate(rdates)})
            _retag_value(name, value, res, zone, params, changes_of, line_at, changes, _with_tzid_cached)
            if name == "RECURRENCE-ID":
                rid_now = m.plain(changes_of[name])  # type: ignore[arg-type]
        if res.kind is None:
            continue
        if agreement is not None and res.only_if_moved and _agreed(agreement, name, changes, event):
            continue  # report_resolution would compare and find nothing to say
        rid_text = rid_now.isoformat() if rid_now is not None else None
        report_resolution(name, tzid, changes, res, report, uid=event.uid, rid_text=rid_text,
                          rule_text=_rule_text_of(event), agreement=agreement)
    return _rebuilt_event(event, params, exdates, rdates, changes_of)


#: the properties a retagging changes → the event's fields that hold them
_TIME_FIELDS = {"DTSTART": "start", "DTEND": "end", "RECURRENCE-ID": "recurrence_id"}


def _rebuilt_event(event: m.Event, params: dict, exdates: list | None, rdates: list | None,
                   changes_of: dict[str, object]) -> m.Event:
    """``model.replaced(event, _event_fields(...))`` with the fields set by position: the dictionary
    of fields and its walk cost 1.5 µs of every retagged event (8,385 in the bench file)."""
    layout = _EVENT_LAYOUT or m.layout(m.Event)
    if layout is None:
        return m.replaced(event, _event_fields(event, params, exdates, rdates, changes_of))  # type: ignore[return-value]
    index, getter, build = layout
    args = list(getter(event))
    args[index["params"]] = tuple(params.items())
    if exdates is not None:
        args[index["exdates"]] = tuple(exdates)
    if rdates is not None:
        args[index["rdates"]] = tuple(rdates)
    for name, value in changes_of.items():
        args[index[_TIME_FIELDS[name]]] = value if name != "RECURRENCE-ID" else _time_field(event, name, value)
    return build(*args)


#: ``model.layout(model.Event)``, looked up once (a call and a dictionary look-up per event)
_EVENT_LAYOUT = m.layout(m.Event)


def _time_field(event: m.Event, name: str, value: object) -> object:
    """A retagged DTSTART/DTEND value as its field holds it; a RECURRENCE-ID keeps its RANGE."""
    if name == "RECURRENCE-ID":
        return m.RecurrenceId(value, event.recurrence_id.range)  # type: ignore[union-attr,arg-type]
    return value


def _retag_value(name: str, value: object, res: _Resolution, zone: object, params: dict, changes_of: dict,
                 line_at: dict[tuple[str, int], tuple[list, int]], changes: list[tuple[datetime, datetime]],
                 with_tzid: Callable[[tuple, str | None], tuple]) -> None:
    """One time value of an event in its resolution's zone (same wall clock, the TZID parameter
    set by ``with_tzid``): a DTSTART, DTEND or RECURRENCE-ID into ``changes_of`` and ``params``,
    an EXDATE or RDATE line (dates, date-times, periods) into its list (``line_at``); the
    (old, new) date-times into ``changes``.  A date-time already in the zone keeps its object."""
    tz = res.tz
    if name in ("EXDATE", "RDATE"):
        target, i = line_at[(name, id(value))]
        line: m.DateList = value  # type: ignore[assignment]
        target[i] = m.DateList(tuple(_in_zone(v, tz, zone, changes) for v in line.values),
                               with_tzid(line.params, res.tzid))
    else:
        changes_of[name] = _in_zone(value, tz, zone, changes)
        params[name] = with_tzid(params.get(name, ()), res.tzid)


def _in_zone(v: object, tz: tzinfo | None, zone: object, changes: list[tuple[datetime, datetime]]) -> object:
    """A date-time (or a period's ends) with the same wall clock in ``zone``; (old, new) into
    ``changes``.  A module function, not a closure of :func:`_retag_value`: a recursive closure
    is a reference cycle (function → cell → function), garbage only the cyclic collector frees
    (1,153 per 10k-event file), which ``gcpause`` counts on not being made."""
    if isinstance(v, m.ZonedDateTime):
        new = v.dt if v.dt.tzinfo is tz else v.dt.replace(tzinfo=tz)
        changes.append((v.dt, new))
        return m.ZonedDateTime(new, zone)  # type: ignore[arg-type]
    if isinstance(v, m.Period):
        start = _in_zone(v.start, tz, zone, changes)  # before the end: ``changes`` keeps their order
        end = _in_zone(v.end, tz, zone, changes) if v.end is not None else None
        return m.Period(start, end, v.duration)  # type: ignore[arg-type]
    return v


def _rule_text_of(event: m.Event) -> Callable[[], str | None]:
    """The RRULE text :func:`report_resolution` compares occurrences of (one RRULE only)."""
    return lambda: event.rrules[0].text if len(event.rrules) == 1 else None


def _agreed(agreement: Agreement, name: str, changes: list[tuple[datetime, datetime]], event: m.Event) -> bool:
    """Whether the agreement vouches for every comparison :func:`report_resolution` makes for
    this value: its date-times and, for a DTSTART, the first occurrences of its one RRULE."""
    for old, _new in changes:
        if not agreement.holds_at(old):
            return False
    if name != "DTSTART" or not changes or len(event.rrules) != 1:
        return True
    return agreement.holds_for_series(event.rrules[0].text, changes[0][0], COMPARED_OCCURRENCES)


def _event_fields(event: m.Event, params: dict, exdates: list | None, rdates: list | None,
                  changes_of: dict[str, object]) -> dict[str, object]:
    """The fields a retagged event gets (:func:`_retag_event`): parameters, EXDATE and RDATE
    lines, and the retagged DTSTART, DTEND, RECURRENCE-ID."""
    fields: dict[str, object] = {"params": tuple(params.items()),
                                 "exdates": tuple(exdates if exdates is not None else event.exdates),
                                 "rdates": tuple(rdates if rdates is not None else event.rdates)}
    for name, value in changes_of.items():
        fields[_TIME_FIELDS[name]] = _time_field(event, name, value)
    return fields


_WITH_TZID: dict[tuple[int, str | None], tuple[tuple, tuple]] = {}


def _with_tzid_cached(params: tuple, tzid: str | None) -> tuple:
    """:func:`_with_tzid`, remembered (a file repeats a handful of parameter lists), by the
    identity of ``params`` (the reader shares one object per parameter section; hashing the
    nested tuples cost 0.5 µs a value); the entry holds ``params``, so its id is not reused."""
    key = (id(params), tzid)
    found = _WITH_TZID.get(key)
    if found is None or found[0] is not params:
        found = remember(_WITH_TZID, key, (params, _with_tzid(params, tzid)), 4096)
    return found[1]


def _agreement_for(res: _Resolution, values: list[datetime]) -> Agreement | None:
    """Where the file's VTIMEZONE (``res.compare_with``) and tzdata (``res.tz``) agree, from a
    year before the TZID's first value to five after its last (series run on), once per TZID;
    None where that cannot be worked out (then every value is compared).  The windows where
    either reading changes: each tzdata transition from the offset before it to the offset
    after it in local time (RFC 8536: skipped and repeated wall-clock times), and each onset of
    the VTIMEZONE from its smallest to its largest offset (what :func:`_vtz_local_offset`'s two
    look-ups can give near it).  Before the zone's first transition zoneinfo and the TZif
    reader may pick different types, so that time is left out."""
    tz, onsets = res.tz, res.compare_with
    if onsets is None or not isinstance(tz, ZoneInfo) or not values:
        return None
    years = {v.year for v in values}
    return _agreement_in(onsets, tz, max(min(years) - 1, 2), min(max(years) + 5, 9990))


@lru_cache(maxsize=256)
def _agreement_in(onsets: Onsets, tz: ZoneInfo, first: int, last: int) -> Agreement | None:
    """:func:`_agreement_for` from the start of year ``first`` to the end of ``last``."""
    name = canonical_iana(tz.key)
    data, posix = _tzif(name), _zone_posix(name)
    if data is None or (posix is not None and posix.has_dst and (posix.start.julian or posix.end.julian)):  # type: ignore[union-attr]
        return None  # such rules give no transitions here (_posix_year)
    lo, hi = _utc_seconds(first) + 2 * 86400, _utc_seconds(last + 1) - 2 * 86400
    if data.transitions:
        lo = max(lo, data.transitions[0].at + 2 * 86400)
    if lo >= hi:
        return None
    transitions = zone_transitions(name, first, last)
    windows = [(t.at + min(p.offset, t.offset), t.at + max(p.offset, t.offset))
               for p, t in zip(transitions, transitions[1:])]
    spread = [onsets[0][1], *(o[2] for o in onsets)]
    low, high = min(spread), max(spread)
    windows += [(o[0] + low, o[0] + high) for o in onsets if lo - 2 * 86400 <= o[0] <= hi + 2 * 86400]

    def offsets_at(seconds: int) -> tuple[int, int]:
        local = _EPOCH + timedelta(seconds=seconds)
        used = local.replace(tzinfo=tz).utcoffset()
        return _vtz_local_offset(onsets, local), int(used.total_seconds()) if used is not None else 0

    return agreement(windows, lo, hi, offsets_at)


def _with_tzid(params: tuple, tzid: str | None) -> tuple:
    kept = tuple(p for p in params if p.name != "TZID")
    return kept + (m.Param("TZID", (tzid,)),) if tzid is not None else kept


def _model_zone(res: _Resolution, vtzs: dict[str, Component]) -> object:
    """The typed hub's zone for a resolution (what :func:`retag` gives icalendar's values)."""
    if res.tz is None:
        return m.Zone("floating")
    if is_utc_zone(res.tz) or res.tz is timezone.utc:
        return m.Zone("utc")
    if isinstance(res.tz, ZoneInfo):
        return m.Zone("iana", res.tzid, res.tz.key, None, res.tz)
    vtz = vtzs.get(tzid_key(res.tzid or ""))
    rules = m.TimezoneDef(str(vtz["TZID"]), tuple(vtz.to_ical().decode().replace("\r\n ", "").splitlines())) \
        if vtz is not None else None
    return m.Zone("file", res.tzid, None, rules, res.tz)


def _apply(component: Component, name: str, prop: object, tzid: str, res: _Resolution, report: Report) -> None:
    """Rewrite one property value and report what the resolution of its TZID says."""
    changes = retag(prop, res.tz, res.tzid)
    if res.kind is None:
        return
    uid = str(component["UID"]) if "UID" in component else None
    rid = component.get("RECURRENCE-ID")
    rid_text = rid.dt.isoformat() if rid is not None and hasattr(rid.dt, "isoformat") else None

    def rule_text() -> str | None:
        rule = component.get("RRULE")
        return None if rule is None or isinstance(rule, list) else rule.to_ical().decode()

    report_resolution(name, tzid, changes, res, report, uid=uid, rid_text=rid_text, rule_text=rule_text)


def report_resolution(name: str, tzid: str, changes: list[tuple[datetime, datetime]], res: _Resolution,
                      report: Report, *, uid: str | None, rid_text: str | None,
                      rule_text: Callable[[], str | None], agreement: Agreement | None = None) -> None:
    """Report what the resolution of a TZID says for one property value (``changes``: its
    (old, new) date-times; the icalendar hub and the typed hub both call this).  With
    ``compare_with`` the UTC instants by the file's VTIMEZONE and by the zone used are compared;
    when only the name was trusted (case 8) an entry is written only where they differ.
    ``agreement`` (:func:`_agreement_for`) spares the comparisons whose answer it knows."""
    if res.kind is None:
        return
    moved = []
    if res.compare_with is not None:
        for old, new in changes:
            if agreement is not None and agreement.holds_at(old):
                continue
            local = old.replace(tzinfo=None)
            try:
                by_file = (local - timedelta(seconds=_vtz_local_offset(res.compare_with, local))).replace(tzinfo=timezone.utc)
                used = new.astimezone(timezone.utc)
            except OverflowError:  # the year 1 or 9999: no instant to compare
                continue
            if by_file != used:
                moved.append((old, by_file, used))
    if res.compare_with is not None and not moved and name == "DTSTART" and changes:
        rule, start = rule_text(), changes[0][0].replace(tzinfo=None)
        if agreement is None or not agreement.holds_for_series(rule, start, COMPARED_OCCURRENCES):
            moved = _moved_occurrences(rule, start, res)
    for old, by_file, used in moved:
        report.add(res.kind, name, f"{res.reason}: {old:%Y-%m-%d %H:%M} is {used:%Y-%m-%d %H:%MZ} by tzdata, "
                   f"{by_file:%Y-%m-%d %H:%MZ} by the file's VTIMEZONE", uid=uid, recurrence_id=rid_text,
                   before=by_file.isoformat(), after=used.isoformat())
    if not moved and not res.only_if_moved:
        after = tzid_of(res.tz, iana_only=True) or (res.tzid if res.tz is not None else "floating")
        report.add(res.kind, name, res.reason, uid=uid, recurrence_id=rid_text, before=tzid, after=after)


# How many occurrences of a series are compared between the file's VTIMEZONE and tzdata.
COMPARED_OCCURRENCES = 50


def _moved_occurrences(rule: str | None, start: datetime, res: _Resolution
                       ) -> list[tuple[datetime, datetime, datetime]]:
    """For a series whose DTSTART both readings agree on: its first occurrence (of the first
    :data:`COMPARED_OCCURRENCES`) that the two readings put at different instants, if any."""
    if rule is None or res.compare_with is None or res.tz is None:
        return []
    try:
        text = rule
        if "UNTIL=" in text.upper():  # compared as wall-clock times: a UTC UNTIL would not parse
            text = re.sub(r"(?i)UNTIL=(\d{8})(T\d{6})?Z?", lambda m: f"UNTIL={m.group(1)}{m.group(2) or 'T235959'}", text)
        simple = _simple_occurrences(text, start)
        rule_set = simple if simple is not None else rrulestr(text, dtstart=start)
        for count, local in enumerate(rule_set):
            if count >= COMPARED_OCCURRENCES:
                break
            by_file = (local - timedelta(seconds=_vtz_local_offset(res.compare_with, local))).replace(tzinfo=timezone.utc)
            used = local.replace(tzinfo=res.tz).astimezone(timezone.utc)
            if by_file != used:
                return [(local, by_file, used)]
    except (ValueError, TypeError, OverflowError):
        return []
    return []


# A rule with nothing but FREQ, INTERVAL and one of COUNT/UNTIL (and WKST, which then changes
# nothing): its occurrences are DTSTART stepped by whole periods (RFC 5545 3.3.10).  With one
# BYMONTH and one BYDAY with a position, a yearly rule: a VTIMEZONE's onsets (RFC 5545 3.6.5).
_RULE_PART = re.compile(r"(FREQ)=(DAILY|WEEKLY|MONTHLY|YEARLY)|(INTERVAL)=([1-9][0-9]{0,3})|(COUNT)=([1-9][0-9]{0,6})"
                        r"|(UNTIL)=([0-9]{8}T[0-9]{6})|(WKST)=(MO|TU|WE|TH|FR|SA|SU)|(BYMONTH)=(1[0-2]|[1-9])"
                        r"|(BYDAY)=([+-]?[1-5](?:MO|TU|WE|TH|FR|SA|SU))\Z")


def _simple_occurrences(text: str, start: datetime) -> Iterator[datetime] | None:
    """The occurrences dateutil's ``rrulestr(text, dtstart=start)`` gives, for the common rules
    only (a daily, weekly, monthly or yearly step; the last two on a day every month or year
    has), without building dateutil's rule set (most of the time of the zone comparison of a
    series); None for any other rule, which dateutil expands.  ``text`` has a local UNTIL."""
    parts: dict[str, str] = {}
    for part in text.split(";"):
        found = _RULE_PART.fullmatch(part)
        if found is None:
            return None
        groups = [g for g in found.groups() if g is not None]
        if groups[0] in parts:
            return None
        parts[groups[0]] = groups[1]
    if "FREQ" not in parts or ("COUNT" in parts and "UNTIL" in parts) or start.microsecond or start.tzinfo is not None:
        return None
    freq, step = parts["FREQ"], int(parts.get("INTERVAL", "1"))
    until = datetime.strptime(parts["UNTIL"], "%Y%m%dT%H%M%S") if "UNTIL" in parts else None
    count = int(parts["COUNT"]) if "COUNT" in parts else None
    if "BYMONTH" in parts or "BYDAY" in parts:
        if freq != "YEARLY" or "BYMONTH" not in parts or "BYDAY" not in parts:
            return None
        day = parts["BYDAY"]
        return _nth_weekdays(start, step, int(parts["BYMONTH"]), int(day[:-2]), WEEKDAY_NUMBERS[day[-2:]], count, until)
    if (freq == "MONTHLY" and start.day > 28) or (freq == "YEARLY" and (start.month, start.day) == (2, 29)):
        return None
    return _stepped(start, freq, step, count, until)


def _nth_weekdays(start: datetime, step: int, month: int, nth: int, weekday: int, count: int | None,
                  until: datetime | None) -> Iterator[datetime]:
    """``FREQ=YEARLY;INTERVAL=step;BYMONTH=month;BYDAY=<nth><weekday>`` from ``start`` as dateutil
    expands it: in the years ``start.year + k*step``, the ``nth`` (from the end when negative)
    such weekday of the month at DTSTART's time of day, those not before DTSTART (a year without
    a fifth one has none); COUNT counts those given.  Why: a VTIMEZONE's onsets are such rules,
    and dateutil's expansion of six zones to :data:`RULE_HORIZON` cost ~30 ms of a file's first
    conversion."""
    given = 0
    for year in range(start.year, 10000, step):
        if count is not None and given >= count:
            return
        first = date(year, month, 1).weekday()
        days = 31 if month == 12 else (date(year, month + 1, 1) - timedelta(days=1)).day
        if nth > 0:
            day = 1 + (weekday - first) % 7 + 7 * (nth - 1)
        else:
            day = days - ((first + days - 1) % 7 - weekday) % 7 + 7 * (nth + 1)
        if not 1 <= day <= days:
            continue
        local = datetime(year, month, day, start.hour, start.minute, start.second)
        if local < start:
            continue
        if until is not None and local > until:
            return
        yield local
        given += 1


def _stepped(start: datetime, freq: str, step: int, count: int | None, until: datetime | None) -> Iterator[datetime]:
    k = 0
    while count is None or k < count:
        if freq == "DAILY":
            local = start + timedelta(days=k * step)
        elif freq == "WEEKLY":
            local = start + timedelta(weeks=k * step)
        else:
            months = start.month - 1 + k * step * (12 if freq == "YEARLY" else 1)
            year = start.year + months // 12
            if year > 9999:  # dateutil ends the rule there
                return
            local = start.replace(year=year, month=months % 12 + 1)
        if until is not None and local > until:
            return
        yield local
        k += 1


def _prune(calendar: Calendar) -> None:
    """Remove VTIMEZONEs that no property refers to any more."""
    used = set(_used_tzids(calendar))
    calendar.subcomponents[:] = [c for c in calendar.subcomponents
                                 if c.name != "VTIMEZONE" or str(c.get("TZID")) in used]
