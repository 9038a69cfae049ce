"""Issue 13, "Done means": on the shared corpus, ``.ics → Google → .ics`` and ``.ics → Graph →
.ics`` keep the start and the first 50 occurrences of every series **as ical.js and libical read
them**, except losses the report names.

For every ``tests/corpus/ics`` file, each reader reads the ORIGINAL file and the file after the
trip (default profiles); per series (paired by UID) the master's start and the first
:data:`FIRST` occurrence starts in :data:`WINDOW` (RRULE/RDATE expanded, EXDATE and overrides
applied, as each reader shows them) must be equal.  A difference is accepted only when

* the loss report of that conversion (there and back) names the series (its UID) with an entry on
  a field that decides when it happens (:data:`TIME_FIELDS`), of a kind that says something changed
  (not a note or a stash); or
* the reader could not resolve the original's TZID (no VTIMEZONE for it in the file, which RFC 5545
  3.2.19 requires) and read floating times: then the trip's instants, seen in that IANA zone, must
  show the same wall-clock times; or
* it is listed in :data:`KNOWN` with the reason (a reader's bug, a producer's invalid construct),
  as a strict xfail, and in docs/compatibility.md.

Two conventions make the comparison ask the user's question:

* a STATUS:CANCELLED override is a cancelled occurrence (RFC 5545 3.8.1.11, RFC 5546 3.2.5); no
  reader interprets STATUS, and Google holds a cancelled instance as one that is gone (EXDATE on
  the way back), so its start is left out of both lists;
* a VEVENT without UID cannot be paired: the report must name the UID it was given.

Every reading runs in one ical.js and one libical process for the whole corpus (``read_many``).
"""
from __future__ import annotations

import datetime as dt
import functools
import re
import zoneinfo
from pathlib import Path

import pytest

import ics_bridge
from ics_bridge.report import Loss, LossKind
from interop import readers
from interop.readers import Reading

CORPUS = Path(__file__).parent / "corpus" / "ics"
# 1970–2035 holds the first 50 occurrences of every corpus series that has them after 1970; a
# wider window only makes the readers walk endless rules longer (the window is the same for the
# original and the trip, so what is compared is the same slice of both).
WINDOW = ("1970-01-01T00:00:00Z", "2036-01-01T00:00:00Z")
FIRST = 50
VIAS = ("google", "graph")
READERS = ("icaljs", "libical")
FILES = sorted(p.name for p in CORPUS.glob("*.ics"))

TIME_FIELDS = re.compile(r"^(DTSTART|RRULE|RDATE|EXDATE|EXRULE|RECURRENCE-ID|UID|VEVENT|recurrence|start|"
                         r"originalStart)", re.I)
NOT_A_CHANGE = {LossKind.STASHED, LossKind.MAPPING_CHOICE, LossKind.HTML_SANITIZED,
                LossKind.ALARM_CONVERTED, LossKind.ALARM_DROPPED}
NO_UID = (None, "", "null")

_NO_VTIMEZONE_UTC_RID = (
    "producer's invalid construct, read by ical.js only: the khal test file names TZID=Europe/Berlin with no "
    "VTIMEZONE (RFC 5545 3.6.5 requires one) and writes its RECURRENCE-IDs in UTC (20140707T050000Z). ical.js "
    "cannot resolve the TZID, reads the series floating (07:00) and matches no override to it: it keeps "
    "2014-07-07 07:00 and drops the moved occurrence (09:00). libical knows Europe/Berlin and reads what "
    "ics-bridge writes (the override replaces 05:00Z); after the trip the file carries its VTIMEZONE and "
    "ical.js reads that too")
KNOWN: dict[tuple[str, str, str], str] = {
    **{(via, name, "icaljs"): _NO_VTIMEZONE_UTC_RID for via in VIAS
       for name in ("khal__event_rrule_recuid_cancelled.ics", "khal__mult_uids_and_recuid_no_order.ics")},
}


# ------------------------------------------------------------------------------------------ data


@functools.cache
def originals() -> dict[str, bytes]:
    return {name: (CORPUS / name).read_bytes() for name in FILES}


@functools.cache
def trips() -> dict[tuple[str, str], tuple[str, list[Loss], list[ics_bridge.InputError]]]:
    """(via, file) -> (the .ics after the trip, the losses reported there and back, the events
    refused with an error naming them)."""
    out = {}
    for via in VIAS:
        for name, raw in originals().items():
            try:
                there = ics_bridge.convert(raw, to=via, source="ics", file=name)  # type: ignore[arg-type]
                back = ics_bridge.convert(there.to_bytes(), to="ics", source=via, file=name)  # type: ignore[arg-type]
            except ics_bridge.InputError:
                continue  # files that do not convert are held to a clear error elsewhere
            out[(via, name)] = (back.to_bytes().decode("utf-8"), [*there.report, *back.report],
                                [*there.errors, *back.errors])
    return out


@functools.cache
def readings(reader: str) -> dict[tuple[str, str], Reading]:
    """(``"original"`` or via, file) -> what ``reader`` reads; one process for all of them."""
    keys = [("original", name) for name in FILES] + list(trips())
    texts = [originals()[n].decode("utf-8", "surrogateescape") if via == "original" else trips()[(via, n)][0]
             for via, n in keys]
    return dict(zip(keys, readers.read_many(reader, texts, WINDOW)))


@functools.cache
def source_facts(text: str) -> tuple[dict[str, str], set[tuple[str, str]]]:
    """From an .ics text (icalendar): the TZID of each master's DTSTART, and the (UID, start)
    of every STATUS:CANCELLED override, in the readers' value format."""
    import icalendar

    tzids: dict[str, str] = {}
    cancelled: set[tuple[str, str]] = set()
    try:
        calendar = icalendar.Calendar.from_ical(text)
    except Exception:
        return tzids, cancelled
    for comp in calendar.walk("VEVENT"):
        uid, start = str(comp.get("UID", "")), comp.get("DTSTART")
        if start is None:
            continue
        if "RECURRENCE-ID" not in comp and "TZID" in start.params:
            tzids.setdefault(uid, str(start.params["TZID"]))
        if "RECURRENCE-ID" in comp and str(comp.get("STATUS", "")).upper() == "CANCELLED":
            try:
                cancelled.add((uid, readers.fmt(comp.decoded("DTSTART"))))
            except Exception:
                pass
    return tzids, cancelled


# ------------------------------------------------------------------------------------------ compare


def _series(reading: Reading, cancelled: set[tuple[str, str]]) -> dict[str, tuple[list[str], list[str]]]:
    """UID -> (master starts, first FIRST occurrence starts without the cancelled ones)."""
    out: dict[str, tuple[list[str], list[str]]] = {}
    for uid in {e.uid for e in reading.events} | set(reading.occurrences):
        starts = sorted(e.start for e in reading.events if e.uid == uid and e.recurrence_id is None)
        occ = [v for v in reading.occurrences.get(uid, []) if (uid, v) not in cancelled][:FIRST]
        out[uid] = (starts, occ)
    return out


def _floating(values: list[str]) -> bool:
    return any(len(v) > 10 and not v.endswith("Z") for v in values)


def _wall_clock(values: list[str], zone: str) -> list[str] | None:
    """Instants (``…Z``) as wall-clock times in IANA ``zone``; None when the zone is not IANA."""
    try:
        tz = zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None
    out = []
    for v in values:
        if not v.endswith("Z"):
            return None
        at = dt.datetime.fromisoformat(v[:-1]).replace(tzinfo=dt.timezone.utc).astimezone(tz)
        out.append(at.strftime("%Y-%m-%dT%H:%M:%S"))
    return out


def _named(losses: list[Loss], uid: str) -> list[Loss]:
    return [l for l in losses if l.uid == uid and l.kind not in NOT_A_CHANGE and TIME_FIELDS.match(l.field or "")]


def silent_changes(via: str, name: str, reader: str) -> list[str]:
    """Every series whose start or first occurrences ``reader`` reads differently after the trip,
    with no report entry that explains it."""
    original, after = readings(reader)[("original", name)], readings(reader)[(via, name)]
    _, losses, errors = trips()[(via, name)]
    tzids, cancelled = source_facts(originals()[name].decode("utf-8", "replace"))
    trip_tzids = source_facts(trips()[(via, name)][0])[0]
    before_series, after_series = _series(original, cancelled), _series(after, cancelled)
    problems = []
    for uid, (starts, occ) in sorted(before_series.items(), key=lambda kv: str(kv[0])):
        if uid in NO_UID:
            if not any(l.kind is LossKind.INVALID_VALUE and l.field == "UID" for l in losses):
                problems.append(f"a VEVENT without UID ({starts}) got a UID the report does not name")
            continue
        new_starts, new_occ = after_series.get(uid, ([], []))
        if (starts, occ) == (new_starts, new_occ) or _named(losses, uid):
            continue
        if any(e.uid == uid and TIME_FIELDS.match(e.field or "") for e in errors):
            continue  # the event was refused with an error naming its field (an unreadable DTSTART)
        if _floating(starts + occ) and not _floating(new_starts + new_occ) and uid in tzids:
            # The reader could not resolve the original's TZID (no VTIMEZONE for it): the same
            # wall clock in that IANA zone, or (a Windows name, mapped by CLDR) in the one written?
            zone = tzids[uid] if _wall_clock([], tzids[uid]) is not None else trip_tzids.get(uid, "")
            if (_wall_clock(new_starts, zone), _wall_clock(new_occ, zone)) == (starts, occ):
                continue
        lost = [v for v in occ if v not in new_occ][:5]
        gained = [v for v in new_occ if v not in occ][:5]
        problems.append(f"{uid}: start {starts} -> {new_starts}; {len(occ)} -> {len(new_occ)} occurrences, "
                        f"lost {lost}, gained {gained}, unreported")
    return problems


def _params():
    for via in VIAS:
        for name in FILES:
            for reader in READERS:
                reason = KNOWN.get((via, name, reader))
                marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
                yield pytest.param(via, name, reader, marks=marks, id=f"{via}-{reader}-{name}")


@pytest.mark.parametrize(("via", "name", "reader"), list(_params()))
def test_provider_trip_keeps_what_readers_show(via: str, name: str, reader: str) -> None:
    readers.require(reader)
    if (via, name) not in trips():
        pytest.skip(f"{name} does not convert to {via}")
    problems = silent_changes(via, name, reader)
    assert problems == [], "\n".join(problems)


def test_tzid_beside_utc_time_is_read_in_utc_as_the_readers_do() -> None:
    """khal's ``event_dt_mixed_awareness`` (ownCloud): ``DTSTART;TZID=Europe/Berlin:…T120000Z``.
    RFC 5545 3.3.5 forbids a TZID on a UTC time; ical.js and libical read 12:00 UTC.  Before the
    fix the TZID won (10:00 UTC after any trip), unreported."""
    readers.require("icaljs")
    readers.require("libical")
    name = "khal__event_dt_mixed_awareness.ics"
    for reader in READERS:
        original = readers.read_many(reader, [originals()[name].decode()], WINDOW)[0]
        assert original.occurrences["S9HZETRQne"] == ["2015-06-02T12:00:00Z"]
        for via in VIAS:
            text, losses, _ = trips()[(via, name)]
            assert readers.read_many(reader, [text], WINDOW)[0].occurrences["S9HZETRQne"] == ["2015-06-02T12:00:00Z"]
            assert any(l.uid == "S9HZETRQne" and l.field == "DTSTART" and l.kind is LossKind.QUIRK_REPAIRED
                       and l.before == "Europe/Berlin" for l in losses)
