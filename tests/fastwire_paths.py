"""What a conversion gives with a provider's fast JSON reader (``fastwire``) and without it:
the helper the Google and Graph stand-in tests share (``test_googlein3_fastwire``,
``test_graphfast6_fastwire``)."""

from __future__ import annotations

from datetime import datetime, timezone
from types import ModuleType
from typing import Any

import pytest

import ics_bridge
from ics_bridge import clock
from ics_bridge.errors import InputError

NOW = datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone.utc)  # DTSTAMP of events without a timestamp


def outcome(data: bytes, source: str, target: str, profile: str) -> tuple[Any, ...]:
    """Output bytes, loss report and errors of one conversion, or the error it raised: both
    paths must fail alike too (a non-text conferenceSolution.name, a library caller's types)."""
    options = ics_bridge.Options(profile=profile)  # type: ignore[arg-type]
    with clock.fixed(NOW):
        try:
            conv = ics_bridge.convert(data, to=target, source=source, options=options, file="x.json")  # type: ignore[arg-type]
        except InputError as err:
            return ("error", str(err))
        except Exception as err:  # noqa: BLE001
            return ("raised", type(err).__name__, str(err))
        try:
            out: Any = conv.to_bytes(options)
        except Exception as err:  # noqa: BLE001
            out = (type(err).__name__, str(err))
    return out, [loss.as_dict() for loss in conv.report], [str(e) for e in conv.errors]


def same_both_ways(data: bytes, reader: ModuleType, source: str, monkeypatch: pytest.MonkeyPatch,
                   target: str = "ics", profile: str = "resource") -> None:
    """The conversion of ``data`` equal with ``reader.fast_event`` on and off."""
    fast = outcome(data, source, target, profile)
    with monkeypatch.context() as patch:
        patch.setattr(reader, "fast_event", lambda raw: None)
        slow = outcome(data, source, target, profile)
    assert fast == slow
