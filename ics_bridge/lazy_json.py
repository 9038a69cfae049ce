"""JSON written piece by piece where one list in it may be too long to hold: the loss report
(``--report``) and the ``--resume`` journal line of a file with a million events.

Why: a streamed conversion keeps its loss entries on disk (``io.stream.SpooledEntries``); a
million-event file has about 1.3 million of them, and building them as one list of dicts for
``json.dumps`` took 4 GB where the conversion itself stays under 200 MB.  The bytes are exactly
``json.dumps(value, indent=indent, ensure_ascii=False)`` with each :class:`Lazy` list spelled out
(held by ``tests/test_lazy_json.py``).
"""

from __future__ import annotations

import json
from typing import Any, Callable, Iterable, Iterator

__all__ = ["Encoded", "Lazy", "blocks", "chunks", "dumps"]


class Lazy:
    """A JSON array whose items are made one at a time (``encode(item)`` → a JSON-ready value)."""

    def __init__(self, items: Iterable[Any], encode: Callable[[Any], Any] = lambda item: item) -> None:
        self.items = items
        self.encode = encode


class Encoded:
    """A list or dict of plain JSON values (no :class:`Lazy` inside) that compact output
    (``indent=None``: the journal line) encodes in one ``json.dumps`` of its own, the same text,
    without :func:`chunks` walking it first (the ``--jobs`` parent journals every input's
    entries: 13k entries walked cost ~0.2 CPU s on 200 files × 50 events).  Indented output
    walks it as any value."""

    def __init__(self, value: Any) -> None:
        self.value = value


def chunks(value: Any, *, indent: int | None = None) -> Iterator[str]:
    """The text of ``json.dumps(value, indent=indent, ensure_ascii=False)``, in pieces, with every
    :class:`Lazy` (in a dict value or list item) spelled out as a list one item at a time."""
    lazies: list[Lazy | Encoded] = []
    text = json.dumps(_marked(value, lazies, indent is None), indent=indent, ensure_ascii=False)
    for n, lazy in enumerate(lazies):
        head, text = text.split(json.dumps(_marker(n)), 1)
        if isinstance(lazy, Encoded):  # compact: '[' marker ']' becomes its text
            yield head[:-1] + json.dumps(lazy.value, ensure_ascii=False)
            text = text[1:]
            continue
        if indent is None:  # '[' marker ']'
            yield head
            for k, item in enumerate(lazy.items):
                yield (", " if k else "") + _one(lazy.encode(item), None)
            continue
        # '[' '\n' pad marker '\n' outer ']': items at pad, or '[]' when there is none
        cut = head.rindex("\n")
        pad = head[cut + 1:]
        yield head[:cut]
        empty = True
        for item in lazy.items:
            one = _one(lazy.encode(item), indent)
            yield ("\n" if empty else ",\n") + pad + one.replace("\n", "\n" + pad)
            empty = False
        if empty:
            text = text[text.index("]"):]
    yield text


def blocks(pieces: Iterable[str], size: int = 1 << 16) -> Iterator[bytes]:
    """``pieces`` UTF-8 encoded and joined into blocks of about ``size`` bytes: one write per
    block, not per entry.  Why: a report written to a pipe (``--report - | head``) must reach it
    as main's one-piece write did; a small report is one block, so a reader that stops early
    meets no broken pipe, and a large one costs a few hundred writes, not a million."""
    held: list[bytes] = []
    count = 0
    for piece in pieces:
        data = piece.encode("utf-8")
        held.append(data)
        count += len(data)
        if count >= size:
            yield b"".join(held)
            held, count = [], 0
    if held:
        yield b"".join(held)


def dumps(value: Any, *, indent: int | None = None) -> bytes:
    """:func:`chunks` joined and UTF-8 encoded (for a destination that takes bytes only)."""
    return "".join(chunks(value, indent=indent)).encode("utf-8")


# JSON scalars: a dict of these holds no lazy list (``type`` in the set: a subclass takes the walk)
_SCALARS = frozenset({str, int, float, bool, type(None)})


def _one(item: Any, indent: int | None) -> str:
    """One item of a lazy list (itself holding lazy lists, or not).  A flat dict of scalars (a
    report entry's ``as_dict``) is one ``json.dumps``: :func:`chunks` would walk it for lazy
    lists first (``_marked``), which cost twice the encoding (a 13k-entry journal line: ~0.2 of
    its ~0.45 s)."""
    if type(item) is dict and all(type(value) in _SCALARS for value in item.values()):
        return json.dumps(item, indent=indent, ensure_ascii=False)
    return "".join(chunks(item, indent=indent))


def _marker(n: int) -> str:
    return f"\x00ics-bridge lazy list {n}\x00"


def _marked(value: Any, lazies: list[Lazy | Encoded], compact: bool) -> Any:
    """``value`` with each :class:`Lazy` (and, ``compact``, each :class:`Encoded`) replaced by a
    one-item list holding its marker."""
    if isinstance(value, Encoded):
        if not compact:
            return _marked(value.value, lazies, compact)
        lazies.append(value)
        return [_marker(len(lazies) - 1)]
    if isinstance(value, Lazy):
        lazies.append(value)
        return [_marker(len(lazies) - 1)]
    if isinstance(value, dict):
        return {k: _marked(v, lazies, compact) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_marked(v, lazies, compact) for v in value]
    return value
