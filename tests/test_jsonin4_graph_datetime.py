"""Graph date-times in Graph's own spelling (``2026-03-02T09:00:00.0000000``) read by the short
path of ``graph.model._parse_graph_datetime`` give what the general reading gives (issue 12
round 4): the same ``datetime`` (or None for the ``0001-01-01`` sentinel) or the same error.

Held on every date-time string of the repository's Graph JSON (corpus, seeds, samples,
producers) and on generated strings around the short path's shape (7-digit fractions, other
digits, blanks, ``Z``, offsets, a second ``.``, a sentinel, garbage of the same length).
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import Any, Iterator

from ics_bridge.providers.graph import model as gm

ROOT = Path(__file__).resolve().parent
_FILES = [p for base in (ROOT / "corpus", ROOT / "seeds", ROOT.parent / "samples")
          for p in sorted((base / "graph").glob("*.json"))] + sorted((ROOT / "producers").glob("*.json"))
_DATETIME = re.compile(r"\d{4}-\d\d-\d\dT[0-9:.]+[Z0-9:+-]*")


def _outcome(parse: Any, value: str) -> Any:
    try:
        return ("ok", parse(value), type(parse(value)))
    except Exception as exc:  # the same error, text included
        return ("error", type(exc), str(exc))


def _corpus_strings() -> set[str]:
    found: set[str] = set()
    for path in _FILES:
        text = path.read_bytes().decode("utf-8", "replace")
        found.update(_DATETIME.findall(text))
        try:
            data = json.loads(text.lstrip("\ufeff"))
        except ValueError:
            continue
        found.update(s for s in _strings(data) if len(s) < 40 and s[:1].isdigit())
    return found


def _strings(node: Any) -> Iterator[str]:
    """Every string value of a parsed JSON value."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, (dict, list)):
        for child in node.values() if isinstance(node, dict) else node:
            yield from _strings(child)


def _generated(rng: random.Random, n: int) -> list[str]:
    out = []
    alphabet = "0123456789.:-TZ+ \u0661\u00b2x"
    for _ in range(n):
        base = f"{rng.choice(['2026', '0001', '9999', '1970'])}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}" \
               f"T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}" \
               f".{rng.randint(0, 9_999_999):07d}"
        chars = list(base)
        for _ in range(rng.choice([0, 0, 1, 2])):
            chars[rng.randrange(len(chars))] = rng.choice(alphabet)
        text = "".join(chars)
        text = rng.choice(["", "", " ", "\t"]) + text + rng.choice(["", "", "", "Z", " ", "+02:00"])
        out.append(text)
    return out


def test_short_path_gives_the_general_reading() -> None:
    strings = sorted(_corpus_strings()) + _generated(random.Random(12), 20000) + [
        "2026-03-02T09:00:00.0000000", "0001-01-01T00:00:00.0000000", "2026-03-02T09:00:00.\u0661\u0662\u0663\u0664\u0665\u0666\u0667",
        " 026-03-02T09:00:00.0000000", "2026.03-02T09:00:00.0000000", "2026-03-02T09:00:0..0000000",
        "2026-13-02T09:00:00.0000000", "2026-03-02 09:00:00.0000000", "2026-03-02T09:00:00.000000Z", "1.23456789012345678.1234567"]
    shaped = 0
    for value in strings:
        assert _outcome(gm._parse_graph_datetime, value) == _outcome(gm._parse_general, value), value
        shaped += len(value) == 27 and value[19] == "."
    assert shaped > 3000  # the short path is exercised, not only the general one
