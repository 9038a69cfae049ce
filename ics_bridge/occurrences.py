"""Which occurrence of a series an EXDATE or RECURRENCE-ID names: matched by instant.

Why one place: RFC 5545 3.8.5.1 (EXDATE) and 3.8.4.4 (RECURRENCE-ID) name an occurrence by
its start, an *instant*: ``EXDATE:20260112T090000Z`` on a series at 10:00 Europe/Berlin
cancels the 12 January occurrence (10:00 CET is 09:00 UTC), and ``EXDATE:20260119T100000Z``
(11:00 CET) cancels nothing.  The Graph writer (``cancelledOccurrences`` ids are dates), the
Google writer (``EXDATE`` lines) and the validator must agree on that, so they all ask here.

A DATE value on a timed series is not an instant at all; it is read at the series' time of day
(:func:`at_series_time`), the reading ``quirks/date_on_timed_series.py`` applies and reports.
"""

from __future__ import annotations

import warnings
from bisect import bisect_left
from datetime import date, datetime
from typing import Any

from . import model as m
from .expansion import ExpansionError, align, series_set
from .occurrence_steps import UNKNOWN, Steps

# Occurrences one lookup may walk before it gives up and answers "unknown" (an endless
# FREQ=SECONDLY series must not cost minutes); an unknown match is treated as a match.
MAX_STEPS = 100_000


def at_series_time(value: date, start: datetime) -> datetime:
    """A DATE on a timed series: that day at DTSTART's local time, in DTSTART's zone (or
    floating / UTC as DTSTART is)."""
    return datetime.combine(value, start.time()).replace(tzinfo=start.tzinfo)


def series_base(master: m.Event) -> datetime | None:
    """The series start as dateutil expands it (a DATE start at midnight, floating)."""
    start = m.plain(master.start)
    if isinstance(start, datetime):
        return start
    if isinstance(start, date):
        return datetime.combine(start, datetime.min.time())
    return None


class Occurrences:
    """The occurrences of one master VEVENT (RRULE, RDATE and DTSTART; not EXDATE/EXRULE),
    answering "which occurrence starts at this instant" without expanding past the asked value."""

    def __init__(self, master: m.Event, *, stepped: bool = True) -> None:
        start = m.plain(master.start)
        self.all_day = isinstance(start, date) and not isinstance(start, datetime)
        self.start = start
        self.base = series_base(master)
        self._master: m.Event | None = master  # until expanded (lazily: most callers never need it)
        self._found: list[datetime] = []
        self._iter: Any = None
        self._done = False
        # Without RRULE/RDATE there is no series to match against (a Graph master whose
        # recurrence was not $selected still names its cancellations): cannot be told.
        self._broken = self.base is None or not (master.rrules or master.rdates)
        # the common rules answered by arithmetic (occurrence_steps), the expansion the reference
        self._steps = (Steps.of(master, self.base, MAX_STEPS) if stepped and self.base is not None and not self._broken
                       else None)

    def _expand(self) -> None:
        """Build dateutil's rule set, once."""
        master, self._master = self._master, None
        if master is not None and self.base is not None:
            try:
                self._iter = iter(series_set(master, self.base))
            except (ExpansionError, ValueError, TypeError, OverflowError):
                self._broken = True

    def instant(self, value: m.TimeValue | datetime) -> datetime | None:
        """``value`` in the shape of the series start: an instant in its zone; a DATE on a timed
        series at its time of day; a date-time on an all-day series at midnight of its local date."""
        value = m.plain(value)  # type: ignore[assignment]
        if self.base is None or value is None:
            return None
        if self.all_day:
            day = value.date() if isinstance(value, datetime) else value
            return datetime.combine(day, datetime.min.time())
        if not isinstance(value, datetime) and isinstance(self.start, datetime):
            value = at_series_time(value, self.start)
        return align(value, self.base)

    def _extend_to(self, target: datetime) -> bool:
        """Expand until an occurrence ≥ ``target`` is known; False when the bound was hit."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            while not self._done and (not self._found or self._found[-1] < target):
                if len(self._found) >= MAX_STEPS:
                    return False
                try:
                    self._found.append(next(self._iter))
                except StopIteration:
                    self._done = True
                except (ValueError, TypeError, OverflowError):
                    self._broken = True
                    return False
        return True

    def match(self, value: m.TimeValue | datetime) -> datetime | None | bool:
        """The occurrence starting at ``value``'s instant, None when no occurrence does, or True
        when it cannot be told (rule unreadable or too long to expand): then the caller keeps
        its old behaviour rather than guessing."""
        if self._steps is not None:
            target = self.instant(value)
            if target is not None:
                found = self._steps.match(target)
                if found is not UNKNOWN:
                    return found  # type: ignore[no-any-return]
        if self._master is not None and not self._broken:
            self._expand()
        if self._broken:
            return True
        target = self.instant(value)
        if target is None:
            return True
        try:
            if not self._extend_to(target):
                return True
            index = bisect_left(self._found, target)
        except TypeError:  # floating against zoned after all: cannot compare
            return True
        if index < len(self._found) and self._found[index] == target:
            return self._found[index]
        return None

    def local_date(self, occurrence: datetime) -> date:
        """The date an occurrence falls on in the series' zone (Graph's ``OID.<id>.<date>``)."""
        if self.base is not None and self.base.tzinfo is not None and occurrence.tzinfo is not None:
            occurrence = occurrence.astimezone(self.base.tzinfo)
        return occurrence.date()

