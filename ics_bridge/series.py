"""A series as one unit of work: the master VEVENT, its overrides and its cancellations.

Why: both providers model a recurring event as a master plus instance records, while .ics
spreads it over VEVENTs that share a UID (RFC 5545 3.8.4.4).  Grouping once here keeps the
provider writers from each re-discovering which VEVENT belongs to which.  A series is the
typed hub's :class:`ics_bridge.model.Series` (the model reader groups a file the same way).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Iterable, Iterator

from . import hub
from . import model as m
from .model import Series

__all__ = ["Series", "exdates", "group_series", "recurrence_id_text"]


def exdates(series: m.Series) -> list[date | datetime]:
    """Every EXDATE value of the master, flattened (EXDATE may repeat and hold lists), as
    Python values; not the ones that restate an endless EXRULE for .ics clients
    (``hub.PARAM_FROM_EXRULE``).  Unlike ``Series.cancellations``, no cancelled override."""
    if series.master is None:
        return []
    return [m.plain(v) for line in series.master.exdates  # type: ignore[misc]
            if m.param(line.params, hub.PARAM_FROM_EXRULE) is None
            for v in line.values if not isinstance(v, m.Period)]


def group_series(events: Iterable[m.Event]) -> Iterator[m.Series]:
    """Group VEVENTs by UID, keeping first-seen order.  A VEVENT without UID is its own series;
    a second master with the same UID is its own series, at its own place (its overrides stay
    with the first)."""
    order: list[str] = []
    by_uid: dict[str, tuple[str, list[m.Event | None], list[m.Event]]] = {}
    anonymous = 0
    for event in events:
        uid = event.uid
        key = uid if uid is not None else f"\x00anon{anonymous}"
        if uid is None:
            anonymous += 1
        found = by_uid.get(key)
        if found is None:
            found = by_uid[key] = (uid or "", [None], [])
            order.append(key)
        if event.recurrence_id is not None:
            found[2].append(event)
        elif found[1][0] is None:
            found[1][0] = event
        else:  # a second master with the same UID: keep it as its own series
            extra_key = f"{key}\x00{len(order)}"
            by_uid[extra_key] = (found[0], [event], [])
            order.append(extra_key)
    for key in order:
        uid, master, overrides = by_uid[key]
        yield m.Series(uid=uid, master=master[0], overrides=tuple(overrides))


def recurrence_id_text(event: m.Event) -> str | None:
    """``hub.recurrence_id_text`` of a typed event: the RECURRENCE-ID as ISO 8601, for reports."""
    if event.recurrence_id is None:
        return None
    value = m.plain(event.recurrence_id.value)
    return value.isoformat() if value is not None else None
