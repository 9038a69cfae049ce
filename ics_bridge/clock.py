"""The one clock of the conversions: DTSTAMP where a source has no timestamp of its own.

Why: RFC 5545 3.8.7.2 requires DTSTAMP on every VEVENT, and Graph/Google items without
``lastModifiedDateTime``/``updated`` leave "now" as the only honest value.  Honouring the
reproducible-builds ``SOURCE_DATE_EPOCH`` variable makes such output byte-for-byte repeatable
(golden tests, diffs of nightly backups) without changing it for anyone who does not set it.
A batch spread over machines fixes "now" once (:func:`fixed`), so a task run twice (Dask
retries a task whose worker died) writes the same bytes both times.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timezone
from typing import Iterator

_FIXED: ContextVar[datetime | None] = ContextVar("ics_bridge_clock", default=None)


def now_utc() -> datetime:
    """Now in UTC to the second, or ``SOURCE_DATE_EPOCH`` when set to a whole number of seconds,
    or the instant fixed by :func:`fixed`."""
    at = _FIXED.get()
    if at is not None:
        return at
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), timezone.utc)
    return datetime.now(timezone.utc).replace(microsecond=0)


@contextmanager
def fixed(at: datetime) -> Iterator[None]:
    """``now_utc()`` is ``at`` inside the block (in this thread / context only)."""
    token = _FIXED.set(at)
    try:
        yield
    finally:
        _FIXED.reset(token)
