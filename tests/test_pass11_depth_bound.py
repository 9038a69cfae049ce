"""Streamed JSON pass 1 skips an item's depth count when the item opens no more brackets than the
limit allows levels (``JsonItems.opened``: nesting never exceeds the brackets opened).  Held to
the whole-file reader at the bound itself: an item of exactly one level too many, and no other
bracket, is refused with ``convert``'s text; one at the limit converts; brackets inside strings
count towards the bound but never make an item refused."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import ics_bridge
from ics_bridge import pipeline
from ics_bridge.errors import InputError
from ics_bridge.io import stream
from ics_bridge.limits import Limits
from ics_bridge.options import Options

LIMIT = 12


def _event(n: int, **more: Any) -> dict[str, Any]:
    return {"id": f"id{n}", "iCalUId": f"u{n}@x", "subject": f"s{n}",
            "start": {"dateTime": "2026-01-05T10:00:00.0000000", "timeZone": "UTC"},
            "end": {"dateTime": "2026-01-05T11:00:00.0000000", "timeZone": "UTC"}, **more}


def _chain(levels: int) -> Any:
    value: Any = 1
    for _ in range(levels):
        value = [value]
    return value


def _outcome(call) -> str | None:
    try:
        call()
    except InputError as exc:
        return str(exc)
    return None


# the item: its object and the arrays; the envelope and its array: 2 levels more
@pytest.mark.parametrize("levels, refused", [(LIMIT - 3, False), (LIMIT - 2, True)])
def test_bare_nest_at_and_over_the_limit(levels: int, refused: bool, tmp_path: Path) -> None:
    item = {"id": "deep", "extensions": _chain(levels)}  # one object, then only arrays: no other bracket
    path = tmp_path / "in.json"
    path.write_text(json.dumps({"value": [_event(1), item]}))
    options = Options(limits=Limits(max_json_depth=LIMIT))
    whole = _outcome(lambda: ics_bridge.convert(path.read_bytes(), to="ics", source="graph", options=options))
    streamed = _outcome(lambda: pipeline.convert_file(path, tmp_path / "out.ics", to="ics", source="graph",
                                                      fallback=False, options=options))
    assert streamed == whole
    assert (whole is not None) == refused
    opened = [items.opened for items in _walk(stream.JsonItems(path))]
    assert opened[1] == 1 + levels  # the bound is exactly tight here: the count must run


def _walk(items: stream.JsonItems):
    for _ in items:
        yield items


def test_brackets_in_strings_raise_the_bound_not_the_depth(tmp_path: Path) -> None:
    item = _event(2, subject="[{" * (2 * LIMIT))
    path = tmp_path / "in.json"
    path.write_text(json.dumps({"value": [_event(1), item]}))
    options = Options(limits=Limits(max_json_depth=LIMIT))
    out = tmp_path / "out.ics"
    result = pipeline.convert_file(path, out, to="ics", source="graph", fallback=False, options=options)
    assert result.streamed and result.items == 2
    assert [items.opened for items in _walk(stream.JsonItems(path))][1] > LIMIT
