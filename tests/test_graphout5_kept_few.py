"""``from_ical._kept_few``'s memo key (graphout5): SEQUENCE, a kept STATUS, the parameters each
was read with and, only when both are kept, the property order — not the event's whole parameter
list and order.  Held to the general ``keep_unmapped`` (``_kept_few`` off) on generated events that
share values and differ only in what the key leaves out or holds: other properties' parameters,
repeated SEQUENCE/STATUS parameters (the last wins), the order of the two lines."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from ics_bridge import model as m
from ics_bridge.providers.graph import from_ical

from test_mapout3_fastpath import _graph
from test_graphout_fastpath import OPTIONS

_START = m.ZonedDateTime(datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Europe/Berlin")),
                         m.Zone("iana", "Europe/Berlin", "Europe/Berlin"))
_PARAMS = [(), (m.Param("X-P", ("a",)),), (m.Param("X-P", ("b",)),), (m.Param("X-Q", ("a b", "c")),)]
_ORDERS = [(), ("UID", "SEQUENCE", "STATUS"), ("STATUS", "SEQUENCE"), ("UID", "STATUS"), ("SEQUENCE",), ("DTSTART",)]


def _own(rng: random.Random) -> tuple[tuple[str, m.Params], ...]:
    names = ["SEQUENCE", "STATUS", "DTSTART", "UID", "SEQUENCE", "STATUS"]
    return tuple((name, rng.choice(_PARAMS)) for name in rng.sample(names, rng.randint(0, 4)))


def _generated(n: int, seed: int) -> list[m.Series]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        uid = f"few5-{seed}-{i}@example.com"
        fields: dict[str, Any] = {"sequence": rng.choice([None, 0, 3]), "status": rng.choice([None, "TENTATIVE",
                                  "tentative", "CONFIRMED"]), "params": _own(rng), "order": rng.choice(_ORDERS)}
        out.append(m.Series(uid, m.Event(uid=uid, start=_START, duration=timedelta(hours=1), summary="few", **fields)))
    return out


@pytest.mark.parametrize("seed", range(4))
def test_kept_few_equals_the_general_path(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    series = _generated(600, seed)
    for options in OPTIONS:
        from_ical._FEW.clear()
        fast = _graph(series, options)
        with monkeypatch.context() as mp:
            mp.setattr(from_ical, "_kept_few", lambda writer: False)
            reference = _graph(series, options)
        assert fast == reference, options
    assert 0 < len(from_ical._FEW) < 300  # the memo answered most events (not vacuous)
