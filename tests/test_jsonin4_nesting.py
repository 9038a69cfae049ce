"""``jsonio.nesting_depth`` with its escapes removed in one pass (issue 12 round 4) counts what
the former two replaces counted (every ``\\\\``, then every ``\\"``; below), and what the tree
walk (``too_deep``) says of the parsed value.

Held on every JSON file of the repository (corpus, seeds, samples, producers) and on generated
JSON texts and JSON Lines whose strings hold runs of backslashes, quotes, brackets and other
escapes next to each other, at depths around the limit.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from ics_bridge.io import jsonio

ROOT = Path(__file__).resolve().parent
_FILES = sorted(p for base in (ROOT / "corpus", ROOT / "seeds", ROOT.parent / "samples", ROOT / "producers")
                for p in base.rglob("*.json"))


def _reference(data: bytes, limit: int) -> int:
    """nesting_depth as it was: the escapes removed by two replaces."""
    if jsonio._QUOTE_OR_BACKSLASH_ESCAPE.search(data):
        data = data.replace(b"\\\\", b"").replace(b'\\"', b"")
    left = data.translate(jsonio._BRACES_AS_BRACKETS, jsonio._NOT_BRACKET_OR_QUOTE).replace(b'""', b"")
    if b'"' in left:
        left = jsonio._QUOTED.sub(b"", left)
    depth = 0
    while left and depth <= limit:
        depth += 1
        left = left.replace(b"[]", b"")
    return depth if not left else limit + 1


_PIECES = ["\\", "\\\\", '"', '\\"', "[", "]", "{", "}", "\n", "\t", "a", "é", "\u2028", "/", "\\u", "\x01"]


def _text(rng: random.Random) -> str:
    return "".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 8)))


def _value(rng: random.Random, depth: int) -> Any:
    if depth <= 0 or rng.random() < 0.2:
        return rng.choice([_text(rng), 1, None, True, 2.5])
    if rng.random() < 0.5:
        return [_value(rng, depth - 1) for _ in range(rng.randint(0, 3))]
    return {_text(rng): _value(rng, depth - 1) for _ in range(rng.randint(0, 3))}


def _docs(rng: random.Random, n: int) -> list[tuple[bytes, list[Any]]]:
    """JSON texts (JSON Lines when more than one value) and their values."""
    out = []
    for _ in range(n):
        values = [_value(rng, rng.randint(0, 9)) for _ in range(rng.choice([1, 1, 3]))]
        ascii_only = rng.random() < 0.5
        lines = [json.dumps(v, ensure_ascii=ascii_only, indent=rng.choice([None, 1])) for v in values]
        out.append((("\n".join(line.replace("\n", " ") for line in lines) if len(lines) > 1 else lines[0]).encode(),
                    values))
    return out


def test_one_pass_counts_what_two_replaces_counted() -> None:
    docs = [p.read_bytes() for p in _FILES] + [data for data, _ in _docs(random.Random(5), 3000)]
    escaped = 0
    for data in docs:
        escaped += jsonio._QUOTE_OR_BACKSLASH_ESCAPE.search(data) is not None
        for limit in (0, 1, 2, 3, 5, 64):
            assert jsonio.nesting_depth(data, limit) == _reference(data, limit), (data[:200], limit)
    assert escaped > 500


def test_count_agrees_with_the_tree_walk() -> None:
    for data, values in _docs(random.Random(6), 1500):
        for limit in (1, 2, 4, 6):
            assert (jsonio.nesting_depth(data, limit) > limit) == any(jsonio.too_deep(v, limit) for v in values), data
