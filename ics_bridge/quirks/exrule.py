"""EXRULE, which RFC 5545 removed (Appendix A.3; RFC 2445 4.8.5.2 had it), restated as EXDATEs.

Why: ical.js (Thunderbird, Nextcloud), the ``ical`` library and recurring-ical-events ignore
EXRULE, and libical applies it only while the zone offset equals DTSTART's, so the occurrences
it excludes reappear there.  Google still accepts it in ``recurrence[]`` (gcsa's sample has
one), and RFC 2445 producers still write it.  Every reader applies EXDATE, so:

* **a series that ends** (every RRULE has COUNT or UNTIL), or **an EXRULE that ends** (COUNT,
  or UNTIL within the series' first :data:`HORIZON_YEARS` years): the EXRULE is replaced by an
  EXDATE for each occurrence it excludes, walked to the end.  Exact, and RFC 5545 clean; Graph
  gets them as cancelled occurrences and Google as EXDATE lines.
* **an endless series**: the EXRULE stays (Google and RFC 2445 readers use it), and the
  occurrences it excludes in the first :data:`HORIZON_YEARS` years are added as EXDATEs marked
  ``X-ICSBRIDGE-EXRULE=TRUE`` (:data:`ics_bridge.hub.PARAM_FROM_EXRULE`).  The provider writers
  leave marked EXDATEs to the EXRULE; a client that ignores EXRULE shows its occurrences again
  after that horizon, which the report says.

The meaning of the series does not change either way (an EXDATE on an occurrence the EXRULE
already excludes excludes nothing more).  Expansion is bounded (:data:`MAX_STEPS`); a rule that
cannot be expanded is kept as it is, and reported.
"""

from __future__ import annotations

import warnings
from datetime import date, datetime, time
from typing import Iterator

from dateutil.relativedelta import relativedelta
from dataclasses import replace

from icalendar import Event
from icalendar.prop import vDDDLists

from .. import edge, hub
from .. import model as m
from ..expansion import ExpansionError, align, exrule_exclusions, series_set
from ..report import LossKind, Report

HORIZON_YEARS = 20
MAX_EXDATES = 5000
MAX_STEPS = 200_000


def _ends(event: m.Event) -> bool:
    return all(rule.count is not None or rule.until is not None for rule in event.rrules)


def _bounded(values: Iterator[datetime], limit: datetime | None) -> tuple[list[datetime], bool]:
    """The values up to ``limit`` (all of them without one), and whether they ran out first;
    more than :data:`MAX_STEPS` is an :class:`ExpansionError`."""
    out: list[datetime] = []
    for value in values:
        if limit is not None and value > limit:
            return out, False
        out.append(value)
        if len(out) > MAX_STEPS:
            raise ExpansionError(f"more than {MAX_STEPS} occurrences")
    return out, True


def restate(event: m.Event, report: Report, *, start: date | datetime | None = None) -> m.Event:
    """The event with its EXRULEs restated as EXDATEs (module docstring), each step reported.
    ``start``: DTSTART as the caller's values have it (default: the event's own)."""
    if not event.exrules or event.start is None:
        return event
    from ..build import time_value
    uid = event.uid or None
    start = m.plain(event.start) if start is None else start
    all_day = not isinstance(start, datetime)
    base = datetime.combine(start, time()) if all_day else start
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            limit = None if _ends(event) else base + relativedelta(years=HORIZON_YEARS)
            occurrences, complete = _bounded(iter(series_set(event, base)), limit)
            excluded, ended = exrule_exclusions(event.exrules, base, occurrences[-1]) if occurrences \
                else (set(), True)
        found = [o for o in occurrences if o in excluded]
        if len(found) > MAX_EXDATES:
            raise ExpansionError(f"more than {MAX_EXDATES} exclusions")
    except (ExpansionError, ValueError, TypeError, OverflowError) as exc:
        report.add(LossKind.RECURRENCE_UNSUPPORTED, "EXRULE",
                   f"EXRULE (removed by RFC 5545) kept as read, not restated as EXDATEs ({exc}); clients that "
                   "ignore EXRULE (ical.js, libical) show the occurrences it excludes", uid=uid)
        return event
    exact = complete or ended
    already = {align(value, base) for line in event.exdates for value in line.values}
    found = [v for v in found if v not in already]
    values: list[date | datetime] = [v.date() for v in found] if all_day else list(found)
    exdates = event.exdates
    if values:  # the .ics writer splits the list into lines libical reads whole
        marker = () if exact else (m.Param(hub.PARAM_FROM_EXRULE, ("TRUE",)),)
        exdates = (*exdates, m.DateList(tuple(time_value(v) for v in values), marker))
    if exact:
        why = "the series ends" if complete else "the EXRULE ends"
        report.add(LossKind.QUIRK_REPAIRED, "EXRULE",
                   f"EXRULE (removed by RFC 5545) written as the {len(values)} EXDATE(s) it excludes ({why}: "
                   "exact)", uid=uid, after=str(len(values)))
        return replace(event, exdates=exdates, exrules=())
    assert limit is not None
    report.add(LossKind.QUIRK_REPAIRED, "EXRULE",
               f"EXRULE (removed by RFC 5545) kept, and the {len(values)} occurrence(s) it excludes until "
               f"{limit.date().isoformat()} added as EXDATEs; clients that ignore EXRULE (ical.js, libical) "
               "show its later occurrences", uid=uid, after=limit.date().isoformat())
    return replace(event, exdates=exdates)


def apply(event: Event, report: Report) -> None:
    """:func:`restate` for an icalendar VEVENT (io/ics.py's read path, Google's recurrence
    lines), its result put back: the EXDATEs added, the EXRULE removed when restated exactly."""
    if event.get("EXRULE") is None or event.get("DTSTART") is None:
        return
    typed = edge.events_to_model([event])[0]  # edge: until io/ics.py and google's recurrence lines move (issue 12)
    done = restate(typed, report, start=event["DTSTART"].dt)
    for line in done.exdates[len(typed.exdates):]:
        prop = vDDDLists([m.plain(v) for v in line.values])
        if line.params:
            prop.params[hub.PARAM_FROM_EXRULE] = "TRUE"
        event.add("EXDATE", prop)
    if typed.exrules and not done.exrules:
        del event["EXRULE"]
