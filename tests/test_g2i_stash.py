"""The Graph mapper's stash fast path (a plain value — str, bool, int, float — written as it is,
without looking for ``model_dump``) gives what the general path gives, on the Graph corpus and
generated events (issue 12)."""

from __future__ import annotations

import pytest

from ics_bridge.providers.graph import to_ical
from test_graphin_fastpath import _convert, _payloads


def test_plain_stash_values_as_the_general_path(monkeypatch: pytest.MonkeyPatch) -> None:
    payloads = _payloads()
    fast = [_convert(p) for p in payloads]
    text = b"".join(out.replace(b"\r\n ", b"") for out, _report, _errors in fast)
    assert b"X-ICSBRIDGE-GRAPH-JSON" in text and b'"isOrganizer":' in text  # plain values were stashed
    monkeypatch.setattr(to_ical, "_PLAIN", frozenset())  # every value through the general path
    assert fast == [_convert(p) for p in payloads]
