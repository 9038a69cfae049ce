"""``RECURRENCE-ID;RANGE=THISANDFUTURE`` (RFC 5545 3.2.13, 3.8.4.4): a change to one occurrence
*and every later one*, written for providers that have no such thing.

Why a split: neither Graph nor Google has a "this and following" exception; both model the
user's "this and following events" edit as two series (Google names the second half
``<id>_R<start>``).  Sending the override as an ordinary exception would change one occurrence
and silently leave every later one as it was, so the writers call :func:`split_series` first:

* the master ends before the changed occurrence (its RRULE gets ``UNTIL`` = its last earlier
  instance; ``COUNT`` becomes that ``UNTIL``), keeping the earlier RDATE/EXDATE/overrides;
* the override becomes the master of a new series, UID ``<uid>_R<original start>``, with the
  master's rule from there on (``COUNT`` reduced by the instances already had, or ``UNTIL``
  shifted with the occurrences); later RDATE/EXDATE values and overrides go with it, their
  RECURRENCE-IDs shifted as the occurrences are (RFC 5545: "all subsequent instances shift by
  the same offset", taken on the wall clock of the series zone, as calendar clients move them).

A cancelled THISANDFUTURE override (RFC 5546's "cancel this and every later instance") only ends
the master before it.  A rule the shift cannot follow (a new weekday under BYDAY, a new time under BYHOUR), an override
without DTSTART, a master with several RRULEs or without one: the change is reported by name and
not written at all, never applied to one occurrence only.  An override whose master is not in the
input (Lotus Notes sends it alone, its later dates as RDATEs) is written as the orphan it is,
and the RANGE it cannot carry is reported.  :func:`shifted_starts` gives the
validator the same meaning.
"""

from __future__ import annotations

import warnings
from dataclasses import replace
from datetime import datetime, timezone
from typing import Any, Callable

from . import hub
from . import model as m
from .expansion import ExpansionError, dateutil_rule
from .io.model_writer import recur_text
from .occurrences import Occurrences, series_base
from .report import LossKind, Report
from .series import recurrence_id_text

# Rule parts that pin occurrences to days / times: a shift across days or times breaks them.
_DAY_PARTS = ("BYDAY", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYMONTH", "BYSETPOS")
_TIME_PARTS = ("BYHOUR", "BYMINUTE", "BYSECOND")
_MAX_STEPS = 100_000


def is_thisandfuture(override: m.Event) -> bool:
    rid = override.recurrence_id
    return rid is not None and (rid.range or "").upper() == "THISANDFUTURE"


def _wall(value: datetime, base: datetime) -> datetime:
    """A value aligned to the series (``Occurrences.instant``) as wall-clock time in its zone."""
    if base.tzinfo is not None and value.tzinfo is not None:
        value = value.astimezone(base.tzinfo)
    return value.replace(tzinfo=None)


def shifter(base: datetime, rid: datetime, own: datetime) -> Callable[[datetime], datetime]:
    """The shift RFC 5545 gives every later occurrence: ``own`` − ``rid`` on the series' wall
    clock (an hour later stays an hour later across a DST change)."""
    delta = _wall(own, base) - _wall(rid, base)

    def shift(value: datetime) -> datetime:
        moved = _wall(value, base) + delta
        return moved.replace(tzinfo=base.tzinfo) if base.tzinfo is not None else moved
    return shift


def _own_start(found: Occurrences, override: m.Event) -> datetime | None:
    return found.instant(override.start) if override.start is not None else None


Shift = Callable[[datetime], datetime]


def is_cancelled(override: m.Event) -> bool:
    return (override.status or "").upper() == "CANCELLED"


def _rid_value(override: m.Event) -> m.TimeValue:
    assert override.recurrence_id is not None
    return override.recurrence_id.value


def shifted_starts(master: m.Event, overrides: list[m.Event]) -> list[tuple[datetime, Shift | None]]:
    """(original start, shift) per THISANDFUTURE override with a start, sorted: an occurrence at
    or after the original start takes the last such shift (the validator's reading); None for a
    cancelled one: that occurrence and every later one are cancelled."""
    found = Occurrences(master)
    base = series_base(master)
    out: list[tuple[datetime, Shift | None]] = []
    if base is None:
        return out
    for override in overrides:
        if not is_thisandfuture(override):
            continue
        rid = found.instant(_rid_value(override))
        own = _own_start(found, override)
        if rid is not None and (own is not None or is_cancelled(override)):
            out.append((rid, None if is_cancelled(override) else shifter(base, rid, own)))  # type: ignore[arg-type]
    return sorted(out, key=lambda pair: pair[0])


# ---------------------------------------------------------------- the split

class _Unsplittable(Exception):
    """Why this THISANDFUTURE override cannot become a series of its own."""


def _rule(master: m.Event) -> m.Recur:
    rules = master.rrules
    if len(rules) != 1:
        raise _Unsplittable("the series has no single RRULE to continue" if not rules else "the series has several RRULEs")
    if master.exrules:
        raise _Unsplittable("the series has an EXRULE")
    return rules[0]


def _instances_before(recur: m.Recur, base: datetime, limit: datetime) -> list[datetime]:
    """The RRULE's own instances before ``limit`` (not RDATE), bounded."""
    try:
        rule = dateutil_rule(recur, base)
    except ExpansionError as exc:
        raise _Unsplittable(str(exc)) from None
    out: list[datetime] = []
    if rule is None:
        return out
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for value in rule:
            if value >= limit:
                break
            out.append(value)
            if len(out) > _MAX_STEPS:
                raise _Unsplittable("too many occurrences before the change to count")
    return out


def _parts(recur: m.Recur) -> set[str]:
    """The names of the BY… parts the rule has."""
    return {name for name in (*_DAY_PARTS, *_TIME_PARTS) if getattr(recur, name.lower())}


def _check_shift(recur: m.Recur, base: datetime, rid: datetime, own: datetime) -> None:
    a, b = _wall(rid, base), _wall(own, base)
    parts = _parts(recur)
    if a.date() != b.date() and parts & set(_DAY_PARTS):
        raise _Unsplittable(f"the change moves occurrences to another day, which {'/'.join(sorted(parts & set(_DAY_PARTS)))} "
                            "would not follow")
    if a.time() != b.time() and parts & set(_TIME_PARTS):
        raise _Unsplittable(f"the change moves occurrences to another time, which {'/'.join(sorted(parts & set(_TIME_PARTS)))} "
                            "would not follow")


_UTC = m.Zone("utc", tzinfo=timezone.utc)
_FLOATING = m.Zone("floating")


def _as_value(value: datetime, all_day: bool, zone: m.Zone) -> m.TimeValue:
    """A series-aligned instant as a value of the series: its date, or a date-time in the zone
    of its start."""
    return value.date() if all_day else m.ZonedDateTime(value, zone)


def _until(value: datetime, all_day: bool) -> m.TimeValue:
    """UNTIL in the form RFC 5545 3.3.10 wants: a DATE, UTC for a zoned start, else floating."""
    if all_day:
        return value.date()
    if value.tzinfo is not None:
        return m.ZonedDateTime(value.astimezone(timezone.utc), _UTC)
    return m.ZonedDateTime(value, _FLOATING)


def _stamp(value: datetime, all_day: bool) -> str:
    if all_day:
        return value.strftime("%Y%m%d")
    if value.tzinfo is not None:
        return value.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return value.strftime("%Y%m%dT%H%M%S")


def _continued(recur: m.Recur, **parts: Any) -> m.Recur:
    """The rule without its COUNT/UNTIL, with ``parts`` instead, its text written from its parts."""
    rule = replace(recur, **{"count": None, "until": None, **parts})
    return replace(rule, text=recur_text(rule))


def _dates(event: m.Event, name: str, values: list[Any]) -> tuple[m.DateList, ...]:
    """The RDATE/EXDATE lines with ``values`` (one per line); EXDATEs restating an EXRULE stay."""
    lines = event.rdates if name == "RDATE" else event.exdates
    kept = tuple(line for line in lines if m.param(line.params, hub.PARAM_FROM_EXRULE) is not None)
    return kept + tuple(m.DateList((value,)) for value in values)


def _dates_of(event: m.Event, name: str, found: Occurrences) -> list[tuple[datetime, Any]]:
    """(aligned instant, value) of every RDATE/EXDATE value (a PERIOD by its start)."""
    out = []
    for line in event.rdates if name == "RDATE" else event.exdates:
        if name == "EXDATE" and m.param(line.params, hub.PARAM_FROM_EXRULE) is not None:
            continue
        for raw in line.values:
            aligned = found.instant(raw.start if isinstance(raw, m.Period) else raw)
            if aligned is not None:
                out.append((aligned, raw))
    return out


def _shift_raw(raw: Any, shift: Shift, found: Occurrences, all_day: bool, zone: m.Zone) -> Any:
    if isinstance(raw, m.Period):  # the start moves, a duration stays, an end moves alike
        start = _as_value(shift(found.instant(raw.start)), all_day, zone)  # type: ignore[arg-type]
        end = raw.end
        if end is not None:
            end = _as_value(shift(found.instant(end)), all_day, zone)  # type: ignore[arg-type,assignment]
        return m.Period(start, end, raw.duration)  # type: ignore[arg-type]
    return _as_value(shift(found.instant(raw)), all_day, zone)  # type: ignore[arg-type]


def _without_rid_params(event: m.Event) -> tuple[tuple[str, m.Params], ...]:
    return tuple(pair for pair in event.params if pair[0] != "RECURRENCE-ID")


def split_series(series: m.Series, report: Report) -> list[m.Series]:
    """``series`` with each THISANDFUTURE override turned into a series of its own (see the
    module doc); unchanged when it has none.  Every split and every change not written is reported."""
    ranged = [o for o in series.overrides if is_thisandfuture(o)]
    if not ranged:
        return [series]
    master = series.master
    uid = series.uid
    overrides = list(series.overrides)

    def drop(override: m.Event, why: str) -> None:
        report.add(LossKind.RECURRENCE_UNSUPPORTED, "RECURRENCE-ID",
                   f"RANGE=THISANDFUTURE (this and every later occurrence) cannot be written as a split series: {why}; "
                   "the change is not written (not even to this occurrence)",
                   uid=uid or None, recurrence_id=recurrence_id_text(override))
        overrides.remove(override)

    if master is None:  # the series is not in the input: the override is written as the orphan it is
        for override in ranged:
            report.add(LossKind.RECURRENCE_UNSUPPORTED, "RECURRENCE-ID",
                       "RANGE=THISANDFUTURE without its series master: the later occurrences are not in the input "
                       "and are not changed", uid=uid or None, recurrence_id=recurrence_id_text(override))
        return [series]
    found = Occurrences(master)
    base = series_base(master)
    all_day = found.all_day
    zone = master.start.zone if isinstance(master.start, m.ZonedDateTime) else _FLOATING
    plans: list[tuple[datetime, datetime, m.Event]] = []
    for override in ranged:
        try:
            recur = _rule(master)
            if base is None:
                raise _Unsplittable("the series has no start")
            rid = found.instant(_rid_value(override))
            own = _own_start(found, override)
            if rid is not None and is_cancelled(override):  # "cancel this and following": the series ends
                plans.append((rid, rid, override))
                continue
            if own is None or rid is None:
                raise _Unsplittable("the override has no DTSTART")
            if isinstance(m.plain(override.start), datetime) == all_day:
                raise _Unsplittable("the override is all-day where the series is timed, or the reverse")
            _check_shift(recur, base, rid, own)
            plans.append((rid, own, override))
        except _Unsplittable as why:
            drop(override, str(why))
    if not plans:
        return [replace(series, overrides=tuple(overrides))]
    plans.sort(key=lambda p: p[0])
    assert base is not None
    recur = _rule(master)
    rule_until = dateutil_rule(recur, base)
    original_until = getattr(rule_until, "_until", None)  # aligned to DTSTART by dateutil_rule
    original_count = recur.count
    cuts = [rid for rid, _, _ in plans]
    rdates = _dates_of(master, "RDATE", found)
    exdates = _dates_of(master, "EXDATE", found)
    plain = [o for o in overrides if not is_thisandfuture(o)]

    def segment(value: datetime) -> int:
        """0 for the master's part, i + 1 for the part of the i-th split."""
        return sum(1 for cut in cuts if value >= cut)

    def rid_of(override: m.Event) -> datetime | None:
        return found.instant(_rid_value(override))

    # the master's part
    before = _instances_before(recur, base, cuts[0])
    last = max([i for i in before] + ([base] if base < cuts[0] else []), default=None)
    out: list[m.Series] = []
    if last is not None:
        head = replace(master, rrules=(_continued(recur, until=_until(last, all_day)),),
                       rdates=_dates(master, "RDATE", [raw for at, raw in rdates if segment(at) == 0]),
                       exdates=_dates(master, "EXDATE", [raw for at, raw in exdates if segment(at) == 0]))
        kept = tuple(o for o in plain if (rid_of(o) or base) < cuts[0])
        out.append(m.Series(uid=uid, master=head, overrides=kept))
    # one series per split
    for index, (rid, own, override) in enumerate(plans, start=1):
        if is_cancelled(override):
            for other in plain:
                at = rid_of(other)
                if at is not None and segment(at) == index:
                    report.add(LossKind.EVENT_REMOVED, "RECURRENCE-ID",
                               "override of an occurrence cancelled by an earlier RANGE=THISANDFUTURE cancellation; "
                               "not written", uid=uid or None, recurrence_id=recurrence_id_text(other))
            report.add(LossKind.EVENT_REMOVED, "RECURRENCE-ID",
                       "RANGE=THISANDFUTURE cancellation (this and every later occurrence): the series ends before it "
                       "(RRULE UNTIL)", uid=uid or None, recurrence_id=recurrence_id_text(override))
            continue
        shift = shifter(base, rid, own)
        new_uid = f"{uid}_R{_stamp(rid, all_day)}"
        if index < len(plans):
            inside = [i for i in _instances_before(recur, base, cuts[index]) if i >= rid]
            rule = _continued(recur, until=_until(shift(max(inside)), all_day) if inside else _until(own, all_day))
        elif original_until is not None:
            rule = _continued(recur, until=_until(shift(original_until), all_day))
        elif original_count is not None:
            rule = _continued(recur, count=max(1, original_count - len(_instances_before(recur, base, rid))))
        else:
            rule = _continued(recur)
        shifted_rdates = [_shift_raw(raw, shift, found, all_day, zone) for at, raw in rdates if segment(at) == index]
        shifted_exdates = [_shift_raw(raw, shift, found, all_day, zone) for at, raw in exdates if segment(at) == index]
        new = replace(override, uid=new_uid, recurrence_id=None, params=_without_rid_params(override),
                      rrules=(rule,), exrules=(), rdates=tuple(m.DateList((v,)) for v in shifted_rdates),
                      exdates=tuple(m.DateList((v,)) for v in shifted_exdates))
        moved: list[m.Event] = []
        for other in plain:
            at = rid_of(other)
            if at is None or segment(at) != index:
                continue
            moved.append(replace(other, uid=new_uid, params=_without_rid_params(other),
                                 recurrence_id=m.RecurrenceId(_as_value(shift(at), all_day, zone))))
            report.add(LossKind.VALUE_COLLAPSED, "RECURRENCE-ID",
                       f"override of a later occurrence moved to the split series {new_uid} (RANGE=THISANDFUTURE before it)",
                       uid=uid or None, recurrence_id=recurrence_id_text(other), after=new_uid)
        report.add(LossKind.VALUE_COLLAPSED, "RECURRENCE-ID",
                   "RANGE=THISANDFUTURE (this and every later occurrence) has no provider form: the series is split "
                   f"here, the master ends before it (RRULE UNTIL) and the new series {new_uid} carries the change",
                   uid=uid or None, recurrence_id=recurrence_id_text(override), after=new_uid)
        report.add(LossKind.VALUE_COLLAPSED, "UID",
                   f"series split from {uid} at {recurrence_id_text(override)} (RANGE=THISANDFUTURE)",
                   uid=new_uid, before=uid)
        out.append(m.Series(uid=new_uid, master=new, overrides=tuple(moved)))
    return out
