#!/usr/bin/python3
"""Independent iCalendar reader: libical 3 through GObject introspection (ICalGLib).

Run with the *system* python (``/usr/bin/python3``), which has ``gi``; the project's
virtualenv usually does not.  Reads iCalendar text on stdin and prints one JSON object:

    {"reader": "libical 3.x",
     "events": [{"uid", "recurrence_id", "start", "end"}, ...],
     "occurrences": {uid: [start, ...]},
     "errors": [...]}

Usage: libical_read.py WINDOW_START WINDOW_END   (UTC, e.g. 2020-01-01T00:00:00Z)
       libical_read.py --many WINDOW_START WINDOW_END
  --many: stdin is a JSON array of iCalendar texts; prints a JSON array of the objects above,
  one per text, in order (one interpreter start for a whole corpus).

Value format shared by every reader of tests/interop/readers.py:
DATE -> "YYYY-MM-DD"; DATE-TIME with a zone or Z -> UTC "YYYY-MM-DDTHH:MM:SSZ";
floating DATE-TIME -> "YYYY-MM-DDTHH:MM:SS" (no Z).  An occurrence belongs to the window
when its start (a DATE as midnight UTC, floating as if UTC) is in [WINDOW_START, WINDOW_END).

libical's RecurIterator expands RRULE only; RDATE, EXDATE and RECURRENCE-ID overrides are
applied here, matching instants (UTC) for timed values and calendar dates for DATE values.
Stays standard-library + gi only: it must not import the project or its dependencies.
"""
from __future__ import annotations

import json
import sys
from datetime import datetime, timedelta

import gi

gi.require_version("ICalGLib", "3.0")
from gi.repository import ICalGLib as I  # noqa: E402

MAX_OCCURRENCES = 5000  # per UID; bounds runaway rules
UTC = I.Timezone.get_utc_timezone()
VEVENT = I.ComponentKind.VEVENT_COMPONENT
VCALENDAR = I.ComponentKind.VCALENDAR_COMPONENT
P = I.PropertyKind


def fmt(t: I.Time) -> str:
    if t.is_date():
        return f"{t.get_year():04d}-{t.get_month():02d}-{t.get_day():02d}"
    if not t.is_utc() and t.get_timezone() is None:
        # floating (or a TZID libical could not resolve: it then reads as floating)
        return (f"{t.get_year():04d}-{t.get_month():02d}-{t.get_day():02d}T"
                f"{t.get_hour():02d}:{t.get_minute():02d}:{t.get_second():02d}")
    u = t.convert_to_zone(UTC)
    return (f"{u.get_year():04d}-{u.get_month():02d}-{u.get_day():02d}T"
            f"{u.get_hour():02d}:{u.get_minute():02d}:{u.get_second():02d}Z")


def sort_key(value: str) -> datetime:
    if len(value) == 10:
        return datetime.strptime(value, "%Y-%m-%d")
    return datetime.strptime(value[:19], "%Y-%m-%dT%H:%M:%S")


def is_null(t) -> bool:
    return t is None or t.is_null_time()


def prop_times(comp: I.Component, kind) -> list[I.Time]:
    """All values of EXDATE/RDATE properties as Time objects with their zone resolved."""
    out = []
    prop = comp.get_first_property(kind)
    while prop is not None:
        if kind == P.RDATE_PROPERTY:
            dtp = prop.get_rdate()
            period = dtp.get_period()
            t = dtp.get_time()
            if is_null(t) and period is not None and not is_null(period.get_start()):
                # PERIOD: the start counts; resolve its TZID like a DATE-TIME would be
                t = period.get_start()
                tzid = prop.get_parameter_as_string("TZID")
                if tzid:
                    zone = comp.get_parent().get_timezone(tzid) if comp.get_parent() else None
                    zone = zone or I.Timezone.get_builtin_timezone(tzid)
                    if zone is not None:
                        t.set_timezone(zone)
            else:
                t = prop.get_datetime_with_component(comp)
        else:
            t = prop.get_datetime_with_component(comp)
        if not is_null(t):
            out.append(t)
        prop = comp.get_next_property(kind)
    return out


def occurrence_key(t: I.Time, master_is_date: bool) -> str:
    """Match key between an occurrence, an EXDATE and a RECURRENCE-ID."""
    if t.is_date() or master_is_date:
        return f"{t.get_year():04d}-{t.get_month():02d}-{t.get_day():02d}"
    return fmt(t)


def recurrence_id(comp: I.Component):
    """RECURRENCE-ID with its TZID resolved (get_recurrenceid() leaves it floating)."""
    prop = comp.get_first_property(P.RECURRENCEID_PROPERTY)
    return None if prop is None else prop.get_datetime_with_component(comp)


def event_end(comp: I.Component, start: I.Time) -> I.Time:
    end = comp.get_dtend()  # libical derives it from DURATION when there is no DTEND
    if is_null(end):
        end = start.clone()
        if start.is_date():
            end.adjust(1, 0, 0, 0)
    return end


def main(argv: list[str]) -> int:
    many = len(argv) > 1 and argv[1] == "--many"
    if many:
        argv = argv[1:]
    w_start = datetime.strptime(argv[1][:19], "%Y-%m-%dT%H:%M:%S")
    w_end = datetime.strptime(argv[2][:19], "%Y-%m-%dT%H:%M:%S")
    data = sys.stdin.buffer.read().decode("utf-8", "replace")
    if not many:
        print(json.dumps(read_one(data, w_start, w_end)))
        return 0
    results = []
    for text in json.loads(data):
        try:
            results.append(read_one(text, w_start, w_end))
        except Exception as exc:  # one file's crash must not hide the others' readings
            results.append({"reader": READER, "events": [], "occurrences": {},
                            "errors": [f"crash: {type(exc).__name__}: {exc}"]})
    print(json.dumps(results))
    return 0


READER = f"libical {I.get_version() if hasattr(I, 'get_version') else '3'}"


def read_one(text: str, w_start: datetime, w_end: datetime) -> dict:
    result = {"reader": READER, "events": [], "occurrences": {}, "errors": []}
    root = I.Component.new_from_string(text)
    if root is None:
        result["errors"].append("libical could not parse the input")
        return result
    if root.isa() == VEVENT:
        vevents = [root]
    else:
        vevents = []
        c = root.get_first_component(VEVENT)
        while c is not None:
            vevents.append(c)
            c = root.get_next_component(VEVENT)

    masters: dict[str, I.Component] = {}
    overrides: dict[str, list[I.Component]] = {}
    for ev in vevents:
        uid = ev.get_uid()
        start = ev.get_dtstart()
        if is_null(start):
            result["errors"].append(f"{uid}: no DTSTART")
            continue
        rid = recurrence_id(ev)
        rid_s = None if is_null(rid) else fmt(rid)
        result["events"].append({"uid": uid, "recurrence_id": rid_s, "start": fmt(start),
                                 "end": fmt(event_end(ev, start))})
        if rid_s is None:
            masters.setdefault(uid, ev)
        else:
            overrides.setdefault(uid, []).append(ev)

    def in_window(value: str) -> bool:
        return w_start <= sort_key(value) < w_end

    # The latest instant any occurrence of interest can start at, as a generous bound for iteration
    stop_at = w_end + timedelta(days=2)
    for uid, master in masters.items():
        try:
            result["occurrences"][uid] = expand(master, overrides.get(uid, []), stop_at, in_window)
        except ValueError as exc:  # e.g. a day 32 that libical accepted but Python cannot represent
            result["errors"].append(f"{uid}: expand: {exc}")
    for uid, ovs in overrides.items():
        if uid not in masters:  # orphan overrides: each is a single occurrence
            occ = sorted((fmt(o.get_dtstart()) for o in ovs), key=sort_key)
            result["occurrences"][uid] = [v for v in occ if in_window(v)]
    return result


def expand(master: I.Component, overrides: list, stop_at: datetime, in_window) -> list[str]:
    """Occurrence starts of one series: RRULE via RecurIterator, then RDATE, EXDATE, overrides."""
    dtstart = master.get_dtstart()
    master_is_date = dtstart.is_date()
    starts: dict[str, I.Time] = {}
    rrule = master.get_first_property(P.RRULE_PROPERTY)
    if rrule is not None:
        while rrule is not None:
            it = I.RecurIterator.new(rrule.get_rrule(), dtstart)
            n = 0
            t = it.next()
            while t is not None and not t.is_null_time() and n < 100000:
                n += 1
                if sort_key(fmt(t).rstrip("Z")) > stop_at:
                    break
                starts.setdefault(occurrence_key(t, master_is_date), t)
                t = it.next()
            rrule = master.get_next_property(P.RRULE_PROPERTY)
    else:
        starts[occurrence_key(dtstart, master_is_date)] = dtstart
    for t in prop_times(master, P.RDATE_PROPERTY):
        starts.setdefault(occurrence_key(t, master_is_date), t)
    for t in prop_times(master, P.EXDATE_PROPERTY):
        starts.pop(occurrence_key(t, master_is_date), None)
    # libical's own exclusion test as well: it also matches a DATE EXDATE against a timed series
    # by date, and applies EXRULE (icalproperty_recurrence_is_excluded)
    starts = {k: t for k, t in starts.items() if not I.Property.recurrence_is_excluded(master, dtstart, t)}
    values = {k: fmt(t) for k, t in starts.items()}
    for ov in overrides:
        key = occurrence_key(recurrence_id(ov), master_is_date)
        # An override replaces the occurrence it names; one naming no generated occurrence
        # (e.g. one that an EXDATE removed) still adds its instance, like RFC 5545 RDATE.
        values[key] = fmt(ov.get_dtstart())
    occ = sorted((v for v in values.values() if in_window(v)), key=sort_key)
    return occ[:MAX_OCCURRENCES]


if __name__ == "__main__":
    sys.exit(main(sys.argv))
