"""``fastics.escape_text`` (TEXT escaping, RFC 5545 3.3.11) skips the ``str.replace`` passes of
icalendar's ``_escape_char`` whose characters the text does not hold (issue 12, speed round 5):
held to ``tests/text_escape.escape_reference`` (``_escape_char`` less its \\N step) on every string of up to five characters over an alphabet of
the characters the passes look at (and a few others), on generated long texts, on every text
value of the corpus JSON, and for a ``str`` subclass (an exact ``str`` back, as before)."""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path
from typing import Any, Iterator

from text_escape import escape_reference

from ics_bridge.io import fastics

ROOT = Path(__file__).resolve().parent
_ALPHABET = ("\\", "N", "n", ";", ",", "\r", "\n", "é", "x")


def _same(text: str) -> None:
    got = fastics.escape_text(text)
    want = escape_reference(text)
    assert got == want and type(got) is str, repr(text)


def test_every_short_text() -> None:
    for size in range(6):
        for chars in itertools.product(_ALPHABET, repeat=size):
            _same("".join(chars))


def test_generated_long_texts() -> None:
    rng = random.Random(5)
    pieces = [*_ALPHABET, "\r\n", "\\N", "\\\\", "日本語 ", "réunion ", "a" * 40]
    for _ in range(3000):
        _same("".join(rng.choice(pieces) for _ in range(rng.randint(0, 80))))


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def test_corpus_texts() -> None:
    seen = 0
    for path in sorted((ROOT / "corpus").glob("*/*.json")):
        try:
            value = json.loads(path.read_bytes().decode("utf-8-sig"))
        except ValueError:
            continue
        for text in _strings(value):
            _same(text)
            seen += 1
    assert seen > 1000


class _Text(str):
    pass


def test_a_str_subclass_gives_an_exact_str() -> None:
    for text in ("plain", "a;b", "a\nb", "a\\Nb", "x,\r\ny"):
        _same(_Text(text))
