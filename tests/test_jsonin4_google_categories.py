"""Google's kept categories (``extendedProperties.private["ics-bridge.categories"]``) read
once per text (``google.to_ical._categories``, issue 12 round 4) give what reading the text on
every event gives (the mapper's former ``categories``, below): the same .ics bytes, report and
errors, on every Google JSON of the corpus and samples and on generated events whose texts
repeat — arrays of strings, ``[]``, other JSON values, arrays holding non-strings, texts that
are not JSON, each seen many times.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from ics_bridge import model as m
from ics_bridge.providers.google import tables, to_ical
from ics_bridge.report import LossKind
from fastwire_paths import outcome

ROOT = Path(__file__).resolve().parent
_FILES = sorted((ROOT / "corpus" / "google").glob("*.json")) + sorted((ROOT.parent / "samples" / "google").glob("*.json"))
_TEXTS = ['["Work"]', '["Privé", "a,b"]', "[]", '"Work"', "[1, 2]", '["x", null]', "not json", "[", "{}", "null",
          '[" spaced "]', '["Work"] ', "\ufeff[]"]


def _reference(self: Any) -> None:
    """The mapper's ``categories`` before the memo: ``json.loads`` on every event."""
    private = (self.e.extendedProperties.private if self.e.extendedProperties else None) or {}
    raw = private.get(tables.CATEGORIES_KEY)
    if raw is None:
        return
    try:
        names = json.loads(raw)
    except ValueError:
        names = None
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        self.add(LossKind.INVALID_VALUE, "extendedProperties.private", "unreadable kept categories", before=raw)
        return
    if names:
        self.v.add("CATEGORIES", m.TextList(tuple(names)))


def _generated(rng: random.Random, n: int, texts: list[str] = _TEXTS) -> bytes:
    items = []
    for i in range(n):
        item: dict[str, Any] = {"id": f"e{i}", "iCalUID": f"e{i}@example.com", "summary": "s",
                                "start": {"dateTime": "2026-03-02T09:00:00+01:00", "timeZone": "Europe/Berlin"},
                                "end": {"dateTime": "2026-03-02T10:00:00+01:00", "timeZone": "Europe/Berlin"}}
        if rng.random() < 0.9:
            item["extendedProperties"] = {"private": {tables.CATEGORIES_KEY: rng.choice(texts)}}
        items.append(item)
    return json.dumps({"kind": "calendar#events", "items": items}).encode()


def test_categories_read_once_give_categories_read_each_time(monkeypatch: pytest.MonkeyPatch) -> None:
    inputs = [p.read_bytes() for p in _FILES] + [_generated(random.Random(s), 120) for s in range(3)] + \
        [_generated(random.Random(9), 4, ['["\\ud800"]', '["Work"]'])]  # a lone surrogate: written by neither
    fast = [outcome(d, "google", "ics", "resource") for d in inputs]
    again = [outcome(d, "google", "ics", "resource") for d in inputs]  # from the memo
    assert sum(b"CATEGORIES:" in out[0] for out in fast if isinstance(out[0], bytes)) >= 3
    monkeypatch.setattr(to_ical._EventMapper, "categories", _reference)
    reference = [outcome(d, "google", "ics", "resource") for d in inputs]
    assert fast == reference
    assert again == reference
