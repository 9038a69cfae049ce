"""The one clock of the conversions: DTSTAMP where a source has no timestamp of its own.

Why: RFC 5545 3.8.7.2 requires DTSTAMP on every VEVENT, and Graph/Google items without
``lastModifiedDateTime``/``updated`` leave "now" as the only honest value.  Honouring the
reproducible-builds ``SOURCE_DATE_EPOCH`` variable makes such output byte-for-byte repeatable
(golden tests, diffs of nightly backups) without changing it for anyone who does not set it.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone


def now_utc() -> datetime:
    """Now in UTC to the second, or ``SOURCE_DATE_EPOCH`` when set to a whole number of seconds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), timezone.utc)
    return datetime.now(timezone.utc).replace(microsecond=0)
