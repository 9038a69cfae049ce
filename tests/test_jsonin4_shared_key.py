"""``graph.model.shared`` keyed by the value's JSON text (``_key``, issue 12 round 4) shares a
model only between values pydantic reads alike: values that JSON text would spell alike or
that orjson refuses (NaN and None, a ``str`` enum and its string, a datetime and its ISO text,
``1``/``1.0``/``True``/``"1"``, integers beyond 64 bits, non-string keys) each read as pydantic
reads them in place, whichever of them the memo saw first.  (tests/test_graphin3_shared.py holds
the memo to validating in place on the corpus and on mutations of it.)
"""

from __future__ import annotations

import enum
import itertools
import random
from datetime import datetime, timezone
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from ics_bridge.providers.graph import model as gm


class _Kind(str, enum.Enum):
    REQUIRED = "required"


def _variants() -> list[dict[Any, Any]]:
    leaves: list[Any] = ["required", _Kind.REQUIRED, None, float("nan"), float("inf"), 1, 1.0, True, "1",
                         2 ** 70, datetime(2026, 1, 2, tzinfo=timezone.utc), "2026-01-02T00:00:00+00:00", "", "null"]
    out: list[dict[Any, Any]] = []
    for leaf in leaves:
        out.append({"type": leaf, "emailAddress": {"name": "A", "address": "a@example.com"}})
        out.append({"type": "required", "emailAddress": {"name": leaf, "address": "a@example.com"}})
    out.append({1: "required", "emailAddress": {"name": "A", "address": "a@example.com"}})
    out.append({"type": "required", "emailAddress": {"name": "A", "address": "a@example.com"}, "status": None})
    return out


def _reading(model: Any) -> Any:
    """A model as data: its class, fields and extras, each leaf with its type."""
    if isinstance(model, BaseModel):
        return (type(model), {k: _reading(v) for k, v in model.__dict__.items()},
                {k: _reading(v) for k, v in (model.__pydantic_extra__ or {}).items()})
    if isinstance(model, float) and model != model:
        return ("nan",)
    return (type(model), repr(model))


def _in_place(value: Any) -> Any:
    try:
        return _reading(gm.Attendee.model_validate(value))
    except ValidationError as exc:
        return ("error", str(exc))


def _shared(value: Any) -> Any:
    got = gm.shared(gm.Attendee, value)
    return _in_place(got) if got is value else _reading(got)


@pytest.mark.parametrize("seed", range(6))
def test_confusable_values_read_as_in_place(monkeypatch: pytest.MonkeyPatch, seed: int) -> None:
    monkeypatch.setattr(gm, "_shared", {})
    values = _variants()
    random.Random(seed).shuffle(values)
    for value in itertools.chain(values, values):  # the second time after every other one was seen
        assert _shared(value) == _in_place(value), value
    assert any(isinstance(key[1], bytes) for key in gm._shared)  # JSON-text keys were made
