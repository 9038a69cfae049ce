"""A series as one unit of work: the master VEVENT, its overrides and its cancellations.

Why: both providers model a recurring event as a master plus instance records, while .ics
spreads it over VEVENTs that share a UID (RFC 5545 3.8.4.4).  Grouping once here keeps the
provider writers from each re-discovering which VEVENT belongs to which.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Iterable, Iterator

from icalendar import Event

from . import hub


@dataclass
class Series:
    """One UID: ``master`` (None when only overrides arrived) and its ``overrides``."""

    uid: str
    master: Event | None = None
    overrides: list[Event] = field(default_factory=list)

    @property
    def components(self) -> list[Event]:
        return ([self.master] if self.master is not None else []) + self.overrides

    def exdates(self) -> list[date | datetime]:
        """Every EXDATE value of the master, flattened (EXDATE may repeat and hold lists); not the
        ones that restate an endless EXRULE for .ics clients (``hub.PARAM_FROM_EXRULE``)."""
        if self.master is None:
            return []
        raw = self.master.get("EXDATE")
        if raw is None:
            return []
        items = raw if isinstance(raw, list) else [raw]
        return [d.dt for item in items if not item.params.get(hub.PARAM_FROM_EXRULE) for d in item.dts]


def group_series(events: Iterable[Event]) -> Iterator[Series]:
    """Group VEVENTs by UID, keeping first-seen order.  A VEVENT without UID is its own series."""
    order: list[str] = []
    by_uid: dict[str, Series] = {}
    anonymous = 0
    for event in events:
        uid = event.get("UID")
        key = str(uid) if uid is not None else f"\x00anon{anonymous}"
        if uid is None:
            anonymous += 1
        series = by_uid.get(key)
        if series is None:
            series = by_uid[key] = Series(uid=str(uid) if uid is not None else "")
            order.append(key)
        if event.get("RECURRENCE-ID") is not None:
            series.overrides.append(event)
        elif series.master is None:
            series.master = event
        else:  # a second master with the same UID: keep it as its own series
            twin = Series(uid=series.uid, master=event)
            extra_key = f"{key}\x00{len(order)}"
            by_uid[extra_key] = twin
            order.append(extra_key)
    for key in order:
        yield by_uid[key]
