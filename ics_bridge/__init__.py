"""ics-bridge: calendar events between iCalendar, Microsoft Graph and Google Calendar.

The public surface; everything else is private and may change.
"""

from .api import (Conversion, convert, detect_format, google_to_ics, graph_to_ics, ics_to_google,
                  ics_to_graph)
from .api import convert_stream, diff, roundtrip
from .errors import IcsBridgeError, InputError, OutputError
from .options import Options
from .report import Loss, LossKind, Report, Severity

__all__ = [
    "Conversion",
    "IcsBridgeError",
    "InputError",
    "Loss",
    "LossKind",
    "Options",
    "OutputError",
    "Report",
    "Severity",
    "convert",
    "convert_many",
    "convert_stream",
    "detect_format",
    "diff",
    "google_to_ics",
    "graph_to_ics",
    "ics_to_google",
    "ics_to_graph",
    "roundtrip",
]

__version__ = "0.1.0"


def __getattr__(name: str) -> object:
    """``convert_many`` (a batch on a Dask cluster) imported on first use (PEP 562): its module
    and what it brings cost every other use, the command line's start-up among them."""
    if name == "convert_many":
        from .distributed import convert_many
        return convert_many
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
