"""``jsonio.loads`` reading UTF-8 bytes with orjson (``parse_bytes``) gives what it gave with
``json`` (issue 12, speed round 3): the same value to the type of every leaf (an integer stays an
integer, ``-0.0`` stays a float), the same repairs and report entries, the same errors, on every
JSON file of the repository and on generated texts (big integers, floats of every size, escapes,
surrogates, BOM, duplicate keys, control characters, JSON Lines, deep nesting, invalid UTF-8)."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from ics_bridge.errors import InputError
from ics_bridge.io import jsonio
from ics_bridge.report import Report

ROOT = Path(__file__).resolve().parent


def _typed(value: Any) -> Any:
    """``value`` with the type of every leaf (``1 == 1.0 == True`` in Python)."""
    if isinstance(value, dict):
        return ("dict", [(k, _typed(v)) for k, v in value.items()])
    if isinstance(value, list):
        return (type(value).__name__, [_typed(v) for v in value], getattr(value, "numbers", None))
    return (type(value).__name__, repr(value))


def _load(data: bytes) -> Any:
    report = Report()
    try:
        value = jsonio.loads(data, report=report, max_depth=40)
    except InputError as err:
        return ("error", str(err))
    return _typed(value), [e.as_text() for e in report.entries]


def _same(data: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = _load(data)
    with monkeypatch.context() as patch:
        patch.setattr(jsonio, "parse_bytes", lambda _data: jsonio.NOT_PARSED)  # the json path only
        assert fast == _load(data), data[:300]


def _files() -> list[Path]:
    found = [p for p in sorted(ROOT.rglob("*.json")) if "golden" not in p.parts]
    return found + sorted((ROOT.parent / "samples").rglob("*.json"))


def test_every_json_file_reads_as_with_json(monkeypatch: pytest.MonkeyPatch) -> None:
    files = _files()
    assert len(files) > 100
    read = 0
    for path in files:
        data = path.read_bytes()
        _same(data, monkeypatch)
        read += jsonio.parse_bytes(data) is not jsonio.NOT_PARSED
    assert read > 100  # the orjson path was taken


_NUMBERS = ["0", "-0", "-0.0", "1", "-1", "1.0", "1e2", "1E+2", "2.5e-7", "1e-05", "0.00001", "1e400", "-1e400",
            "1e-400", "4.9e-324", "1.7976931348623157e308", "123456789012345678", "9223372036854775807",
            "-9223372036854775808", "-9223372036854775809", "18446744073709551615", "18446744073709551616",
            "1234567890123456789", "-1234567890123456789", "12345678901234567890123", "0.1234567890123456789",
            "01", "1.", ".5", "+1", "NaN", "Infinity", "-Infinity", "0x10", "1_000"]
_STRINGS = ['"plain"', '"caf\u00e9 \u4f1a\u8b70"', '"\\u00e9"', '"\\ud83d\\ude00"', '"\\ud800"', '"\\udc00\\ud800"',
            '"a\\"b"', '"back\\\\slash"', '"\\/"', '"\\b\\f\\n\\r\\t"', '"\\u0000"', '"tab\there"', '"\x01"', '"\x7f"',
            '"1234567890123456789012"', '"@odata.etag"', '"{[}]"', '"\\x41"', "'single'"]


def _value(rng: random.Random, depth: int = 0) -> str:
    pick = rng.random()
    if depth > 4 or pick < 0.35:
        return rng.choice(_NUMBERS + _STRINGS + ["true", "false", "null"])
    if pick < 0.65:
        items = [_value(rng, depth + 1) for _ in range(rng.randrange(4))]
        return "[" + rng.choice([",", ", ", " ,\n "]).join(items) + "]"
    keys = [rng.choice(['"a"', '"b"', '"subject"', '"value"', '"\\u0061"', '"k\u00e9y"', '"a"']) for _ in range(rng.randrange(4))]
    return "{" + ",".join(f"{k}:{_value(rng, depth + 1)}" for k in keys) + "}"


def _texts(rng: random.Random) -> list[bytes]:
    out = []
    for _ in range(1500):
        text = _value(rng).encode("utf-8")
        shape = rng.randrange(10)
        if shape == 0:
            text = b"\xef\xbb\xbf" + text
        elif shape == 1:
            text = text + b"\n" + _value(rng).encode("utf-8")  # JSON Lines
        elif shape == 2:
            text = b"[" * rng.choice([39, 40, 41, 1100]) + b"]" * rng.choice([39, 40, 41, 1100])
        elif shape == 3:
            cut = rng.randrange(len(text) + 1)
            text = text[:cut] + rng.choice([b"\xff", b"\xc3", b"\xed\xa0\x80", b" ", b"\x00"]) + text[cut:]
        elif shape == 4:
            text = b'{"value": [' + text + b"]}"
        out.append(text)
    return out


def test_generated_texts_read_as_with_json(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = _texts(random.Random(3))
    for data in texts:
        _same(data, monkeypatch)
    parsed = sum(jsonio.parse_bytes(t) is not jsonio.NOT_PARSED for t in texts)
    assert 300 < parsed < len(texts)  # both paths taken


def test_a_big_integer_stays_an_integer() -> None:
    value = jsonio.loads(b'{"n": 18446744073709551616, "m": -9223372036854775809}')
    assert value == {"n": 18446744073709551616, "m": -9223372036854775809}
    assert all(type(v) is int for v in value.values())
    assert jsonio.parse_bytes(b'{"n": 18446744073709551616}') is jsonio.NOT_PARSED
    assert json.loads("1") == jsonio.parse_bytes(b"1")
