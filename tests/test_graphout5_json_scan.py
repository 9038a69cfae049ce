"""``jsonio.dumps``'s look for what orjson spells otherwise than ``json`` (graphout5): the one-pass
``_tiny_float`` held to the two ``in`` tests it replaces (``b" 0.0000" in out or b" -0.0000" in
out``), and the whole ``dumps`` held to ``json.dumps``'s bytes on generated documents with tiny,
negative, non-finite floats and look-alike strings (a ``null`` or ``0.0000`` inside a string)."""

from __future__ import annotations

import json
import math
import random
from pathlib import Path
from typing import Any

import orjson
import pytest

from ics_bridge import convert
from ics_bridge.io import jsonio

ROOT = Path(__file__).resolve().parents[1]
_ICS = sorted([*(ROOT / "tests/corpus/ics").glob("*.ics"), *(ROOT / "samples/ics").glob("*.ics")])


def _reference_tiny(out: bytes) -> bool:
    return b" 0.0000" in out or b" -0.0000" in out


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, indent=2, ensure_ascii=False).encode("utf-8")


_PIECES = [b" ", b" ", b"-", b"0.0000", b"0.000", b"0.00001", b'"', b"x", b"1", b":", b"\n", b" -", b"00", b"."]


@pytest.mark.parametrize("seed", range(3))
def test_tiny_float_equals_the_two_scans_on_generated_bytes(seed: int) -> None:
    rng = random.Random(seed)
    seen = {True: 0, False: 0}
    for _ in range(20000):
        out = b"".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 8)))
        found = jsonio._tiny_float(out)
        assert found == _reference_tiny(out), out
        seen[found] += 1
    assert min(seen.values()) > 1000, seen  # both answers exercised


def test_tiny_float_equals_the_two_scans_on_converted_corpus() -> None:
    """Every corpus .ics as Graph and Google JSON (Graph's date-times hold a ``0.0000`` each),
    and each with a tiny float put in as a value."""
    checked = 0
    for path in _ICS:
        for to in ("graph", "google"):
            try:
                data = convert(path.read_bytes(), to=to).data  # type: ignore[arg-type]
            except Exception:  # a corpus file that is no calendar: not this test's subject
                continue
            for extra in (None, 3e-05, -3e-05, 0.5):
                value = {"x": data, "tiny": extra} if extra is not None else data
                out = orjson.dumps(value, option=jsonio._ORJSON_OPTIONS)
                assert jsonio._tiny_float(out) == _reference_tiny(out), (path.name, to, extra)
                checked += 1
    assert checked > 100


_FLOATS = [1e-05, -1e-05, 7.294865710679082e-05, -9.9e-05, 0.0001, 0.5, -0.0, 0.0, 1.5, 47.3769, 1e16, 1e-10,
           float("nan"), float("inf"), float("-inf")]
_STRINGS = ["null", " null", "a null b", " 0.0000", "x -0.00001", "2026-03-02T09:00:00.0000000", "0.0000", "é"]


def _value(rng: random.Random, depth: int = 0) -> Any:
    kind = rng.random()
    if depth > 3 or kind < 0.45:
        return rng.choice([*_FLOATS, *_STRINGS, None, True, 3, -7])
    if kind < 0.7:
        return [_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    return {rng.choice(_STRINGS): _value(rng, depth + 1) for _ in range(rng.randint(0, 3))}


@pytest.mark.parametrize("seed", range(3))
def test_dumps_equals_json_on_generated_documents(seed: int) -> None:
    rng = random.Random(seed)
    odd = 0
    for _ in range(3000):
        value = [_value(rng)]  # a document: what the providers write is an object or an array
        assert jsonio.dumps(value) == _json_bytes(value), value
        odd += any(not math.isfinite(f) or 0 < abs(f) < 1e-4 for f in _floats(value))
    assert odd > 200  # documents orjson spells otherwise were among them


def _floats(value: Any) -> list[float]:
    if isinstance(value, float):
        return [value]
    if isinstance(value, dict):
        return [f for v in value.values() for f in _floats(v)]
    if isinstance(value, list):
        return [f for v in value for f in _floats(v)]
    return []
