"""Resource limits for reading untrusted input, each with a default and a way to raise it.

Why limits: a calendar file is untrusted input.  Without them a 10 MB line, ten thousand nested
``BEGIN:X-FOO`` or a million events cost unbounded time and memory.  Every limit here is a
whole-file :class:`~ics_bridge.errors.InputError` or a reported, dropped value — never a hang.

================  =========  ==============================================================
limit             default    when exceeded
================  =========  ==============================================================
``max_bytes``     256 MiB    whole file refused, only where it is held in memory whole
                             (``Options.max_bytes``; see below)
``max_line``      8 MiB      that (unfolded) ICS content line dropped, reported
``max_depth``     32         ICS components nested deeper dropped with their content, reported
``max_events``    200 000    whole file refused (VEVENTs in one ICS file, events in a JSON one)
``max_components`` 1 000 000 whole file refused (every BEGIN of an ICS file)
``max_json_depth`` 64        whole file refused (JSON arrays/objects nested deeper)
================  =========  ==============================================================

Raise them with ``Options(limits=Limits(max_events=1_000_000))`` (CLI: see ``--help``).

``max_bytes`` caps what is read into memory whole: stdin, ``convert()`` on bytes, ``roundtrip`` and
``diff``, a batch's inputs below :data:`ics_bridge.batch.STREAM_BYTES`, and streamed inputs that
turn out not to stream (one resource, JSON Lines).  A file streamed series by series
(``convert_stream``, and in a batch every input of at least ``STREAM_BYTES`` written to its own
output file) is not capped by size: its memory is bounded by one series, and the large exports it
exists for are exactly the files such a cap would refuse.  ``max_events`` and the per-line and
nesting limits hold on every path.
Recurrences are never expanded by a conversion (COUNT=10^9 and endless FREQ=SECONDLY cost
nothing); validation expands within ``validate.Horizon``.  VTIMEZONE observances must recur
yearly (any other FREQ is refused: it would make the zone table unbounded).
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import InputError

MiB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Resource limits for one input file (see the module table)."""

    max_line: int = 8 * MiB
    max_depth: int = 32
    max_events: int = 200_000
    max_components: int = 1_000_000
    max_json_depth: int = 64

    def __post_init__(self) -> None:
        for name in ("max_line", "max_depth", "max_events", "max_components", "max_json_depth"):
            if getattr(self, name) < 1:
                raise ValueError(f"limit {name} must be at least 1")


DEFAULT_LIMITS = Limits()


def too_many_events(limit: int, count: int | None = None, file: str | None = None) -> InputError:
    """The refusal of a file over ``max_events`` (``count`` when it is known, as for JSON)."""
    found = f"{count} events, over the limit of {limit}" if count is not None else \
        f"more than {limit} events, over the limit"
    return InputError(f"{found} (raise it with --max-events, or Limits(max_events=…) in the library)", file=file)


def too_large(size: int, limit: int, file: str | None = None) -> InputError:
    """The refusal of an input over ``max_bytes`` that would be held in memory whole."""
    return InputError(f"input is {size} bytes, over the limit of {limit} for an input read into memory whole "
                      "(raise it with --max-bytes; a file converted to its own output file streams without a "
                      "size limit)", file=file)
