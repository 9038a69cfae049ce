"""Pass 1 of the streamed JSON path: :class:`JsonItems` with its shortcuts (``fast``: the comma
between items by one regex, the surrogate search once a window, ASCII lengths, a shorter window)
gives what the reference reading gives (``fast=False``): every (offset, length, item), the
envelope's fields and array key, the surrogate counts, and the same refusal or error with the
same items before it.  On the corpus JSON, on hand-made shapes and on random collections, with
chunks small enough that items, escapes and multi-byte characters straddle them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ics_bridge.io import stream

ROOT = Path(__file__).resolve().parent.parent
# the JSON inputs, and the golden Graph/Google outputs (collections of every shape the writers make)
FILES = sorted([*(ROOT / "tests" / "corpus" / "graph").glob("*.json"),
                *(ROOT / "tests" / "corpus" / "google").glob("*.json"),
                *(ROOT / "tests" / "producers").glob("*.json"), *(ROOT / "samples").rglob("*.json"),
                *(p for p in (ROOT / "tests" / "golden" / "out").rglob("*.json") if "report" not in p.name)])
CHUNKS = (1, 5, 64, 4096, 1 << 20)  # the reference reads again from the item's start after each chunk


def _read(path: Path, fast: bool, chunk: int) -> Any:
    """Everything the reader gives, in order, up to and with its exception."""
    reader = stream.JsonItems(path, fast=fast)
    reader.CHUNK = chunk
    seen: list[Any] = []
    try:
        for offset, length, item in reader:
            seen.append((offset, length, json.dumps(item, sort_keys=True)))  # U+FFFD vs a surrogate
    except Exception as exc:  # noqa: BLE001 - the same error, after the same items
        seen.append((type(exc).__name__, str(exc)))
    return seen, reader.fields, reader.array_keys, reader.surrogates


def _same(path: Path, chunks: tuple[int, ...] = CHUNKS) -> None:
    for chunk in chunks:
        assert _read(path, True, chunk) == _read(path, False, chunk), (path.name, chunk)


def test_corpus_files_are_there() -> None:
    assert len(FILES) > 50


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_fast_items_equal_reference_on_corpus(path: Path) -> None:
    _same(path, (1000, 1 << 20))


ITEMS = [{"id": str(i), "subject": "é" * (i % 7) + "日本" * (i % 3) + "😀" * (i % 2), "n": i * 1.5,
          "body": {"content": "x\\ud800y" if i % 5 == 0 else "plain"}} for i in range(40)]


def _text(items: Any, **dump: Any) -> str:
    return json.dumps({"@odata.context": "c", "value": items, "@odata.nextLink": "n"}, **dump)


SHAPES: dict[str, bytes] = {
    "pretty": _text(ITEMS, ensure_ascii=False, indent=2).encode(),
    "compact": _text(ITEMS, ensure_ascii=False, separators=(",", ":")).encode(),
    "ascii escapes": _text(ITEMS, indent=1).encode(),
    "tabs and crlf": _text(ITEMS, ensure_ascii=False, indent="\t").replace("\n", "\r\n").encode(),
    "blanks around commas": _text(ITEMS, ensure_ascii=False).replace("}, {", "}  \n ,\t {").encode(),
    "bom": b"\xef\xbb\xbf" + _text(ITEMS, ensure_ascii=False, indent=2).encode(),
    "lone surrogates": _text([{"a": "\ud800", "\udfff": ["\ud83d", "\ud83d\ude00"]}] * 9).encode(),
    "escaped backslash before u": json.dumps({"items": [{"a": "\\ud800"}, {"b": "\\\\ud800"}] * 5}).encode(),
    "google": json.dumps({"kind": "calendar#events", "timeZone": "Europe/Berlin",
                          "items": ITEMS, "nextSyncToken": "t"}, ensure_ascii=False).encode(),
    "bare array": json.dumps(ITEMS, ensure_ascii=False).encode(),
    "numbers": b'{"value": [1, 22, 333.5e3, -4, {"x": 55555}, 666666]}',
    "not objects": b'{"value": [1, "two", null, [3], {"a": [4]}]}',
    "empty": b'{"value": []}',
    "nested arrays": b"[[1], [2]]",
    "missing comma": b'{"value": [{"a": 1} {"b": 2}]}',
    "trailing comma": b'{"value": [{"a": 1},]}',
    "truncated": _text(ITEMS, indent=2).encode()[:-40],
    "trailing data": _text(ITEMS).encode() + b" {}",
    "two arrays": b'{"value": [{"a": 1}], "items": [{"b": 2}]}',
    "not utf-8 later": _text(ITEMS, ensure_ascii=False).encode().replace("日本".encode(), b"\xe6\x97", 3),
    "encoded surrogate": _text(ITEMS[:5]).encode().replace(b"plain", b"pl\xed\xa0\x80in"),
    "deep": b'{"value": [' + b"[" * 3000 + b"]" * 3000 + b"]}",
    "ascii only": _text([{"id": str(i), "s": "abc" * i} for i in range(30)], indent=2).encode(),
}


@pytest.mark.parametrize("name", SHAPES)
def test_fast_items_equal_reference_on_shapes(name: str, tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_bytes(SHAPES[name])
    _same(path)


def test_shapes_reach_the_shortcuts(tmp_path: Path) -> None:
    """The shapes are read, surrogates counted, errors raised: the test compares real work."""
    results = {}
    for name, data in SHAPES.items():
        path = tmp_path / "x.json"
        path.write_bytes(data)
        results[name] = _read(path, True, 64)
    assert len(results["pretty"][0]) == len(ITEMS) and results["pretty"][1] == {"@odata.context": "c",
                                                                               "@odata.nextLink": "n"}
    assert sum(results["lone surrogates"][3]) > 9
    assert results["not utf-8 later"][0][-1] == ("InputError", "JSON is not UTF-8")
    assert results["missing comma"][0][-1][0] == "StreamUnsupported"


_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
                     st.text(st.characters(codec=None, exclude_categories=()), max_size=12))
_VALUES = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=4)
                       | st.dictionaries(st.text(max_size=5), inner, max_size=4), max_leaves=12)


@settings(max_examples=300, deadline=None)
@given(st.lists(_VALUES, max_size=12), st.booleans(), st.sampled_from([None, 0, 2, "\t"]),
       st.sampled_from(CHUNKS[:4]))
def test_fast_items_equal_reference_on_random_collections(tmp_path_factory: pytest.TempPathFactory,
                                                          items: list[Any], ascii_only: bool, indent: Any,
                                                          chunk: int) -> None:
    path = tmp_path_factory.mktemp("json") / "x.json"
    path.write_bytes(_text(items, ensure_ascii=ascii_only, indent=indent).encode("utf-8", "surrogatepass"))
    _same(path, (chunk,))
