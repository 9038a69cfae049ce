"""Every knob a conversion takes, in one typed value the CLI fills from its options."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .limits import DEFAULT_LIMITS, Limits

Format = Literal["ics", "graph", "google"]
Profile = Literal["resource", "request", "insert", "import"]


@dataclass(frozen=True)
class Options:
    """Conversion options.

    * ``profile``: provider output shape — Graph ``resource``/``request``, Google
      ``resource``/``insert``/``import`` (``request`` means ``insert`` for Google).
    * ``tzid_style``: ICS output TZIDs as ``iana`` (default) or ``windows`` (as Outlook writes).
    * ``graph_zone_names``: Graph output zones as ``windows`` (what Graph returns) or ``iana``.
    * ``default_zone``: the zone given to floating times where a provider needs one (reported).
    * ``x_wr_timezone``: read Google exports' UTC values in X-WR-TIMEZONE (default, reported).
    * ``calendar_zone``: Google's calendar ``timeZone`` for events without one.
    * ``stream_bytes``: a batch input of at least this many bytes, written to its own output
      file, is converted series by series (memory flat in its length, ``max_bytes`` not
      applied); None: ``batch.STREAM_BYTES`` (16 MiB); 0: every such input.  Why a knob: the
      streamed path costs 1.25–1.6× the CPU of the whole-file path (``docs/performance.md``), so
      smaller files are converted whole unless memory matters more (the CLI's ``--stream-from``).
    """

    profile: Profile = "resource"
    tzid_style: Literal["iana", "windows"] = "iana"
    graph_zone_names: Literal["windows", "iana"] = "windows"
    default_zone: str = "UTC"
    x_wr_timezone: bool = True
    calendar_zone: str | None = None
    max_bytes: int = 256 * 1024 * 1024
    stream_bytes: int | None = None
    limits: Limits = DEFAULT_LIMITS  # line length, nesting, event count (ics_bridge.limits)
