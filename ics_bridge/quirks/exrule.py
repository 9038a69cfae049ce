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
from icalendar import Event
from icalendar.prop import vDDDLists

from .. import edge, hub
from ..expansion import ExpansionError, align, exrule_exclusions, series_set
from ..report import LossKind, Report
from ..vevent import props

HORIZON_YEARS = 20
MAX_EXDATES = 5000
MAX_STEPS = 200_000


def _ends(event: Event) -> bool:
    return all(rule.get("COUNT") or rule.get("UNTIL") for rule in props(event, "RRULE"))


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


def apply(event: Event, report: Report) -> None:
    if event.get("EXRULE") is None or event.get("DTSTART") is None:
        return
    uid = str(event.get("UID", "")) or None
    start = event["DTSTART"].dt
    all_day = not isinstance(start, datetime)
    base = datetime.combine(start, time()) if all_day else start
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            limit = None if _ends(event) else base + relativedelta(years=HORIZON_YEARS)
            typed = edge.events_to_model([event])[0]  # edge: until quirks/exrule.py moves (issue 12)
            occurrences, complete = _bounded(iter(series_set(typed, base)), limit)
            excluded, ended = exrule_exclusions(typed.exrules, base, occurrences[-1]) if occurrences \
                else (set(), True)
        found = [o for o in occurrences if o in excluded]
        if len(found) > MAX_EXDATES:
            raise ExpansionError(f"more than {MAX_EXDATES} exclusions")
    except (ExpansionError, ValueError, TypeError, OverflowError) as exc:
        report.add(LossKind.RECURRENCE_UNSUPPORTED, "EXRULE",
                   f"EXRULE (removed by RFC 5545) kept as read, not restated as EXDATEs ({exc}); clients that "
                   "ignore EXRULE (ical.js, libical) show the occurrences it excludes", uid=uid)
        return
    exact = complete or ended
    already = {align(item.dt, base) for prop in props(event, "EXDATE") for item in getattr(prop, "dts", [])}
    found = [v for v in found if v not in already]
    values: list[date | datetime] = [v.date() for v in found] if all_day else list(found)
    if values:  # the .ics writer splits the list into lines libical reads whole
        prop = vDDDLists(values)
        if not exact:
            prop.params[hub.PARAM_FROM_EXRULE] = "TRUE"
        event.add("EXDATE", prop)
    if exact:
        del event["EXRULE"]
        why = "the series ends" if complete else "the EXRULE ends"
        report.add(LossKind.QUIRK_REPAIRED, "EXRULE",
                   f"EXRULE (removed by RFC 5545) written as the {len(values)} EXDATE(s) it excludes ({why}: "
                   "exact)", uid=uid, after=str(len(values)))
        return
    assert limit is not None
    report.add(LossKind.QUIRK_REPAIRED, "EXRULE",
               f"EXRULE (removed by RFC 5545) kept, and the {len(values)} occurrence(s) it excludes until "
               f"{limit.date().isoformat()} added as EXDATEs; clients that ignore EXRULE (ical.js, libical) "
               "show its later occurrences", uid=uid, after=limit.date().isoformat())
