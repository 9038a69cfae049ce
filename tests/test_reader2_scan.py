"""Pass 1 (``IcsReader._scan``) remembers the BEGIN names it accepted as upper case: a name in
another case after an upper-case one of the same letters must still make the structure unordered,
and every block's name must be upper case either way."""

from __future__ import annotations

from hostile.cases import FOOT, HEAD, vevent
from ics_bridge.io.model_reader import IcsReader


def _names(reader: IcsReader) -> list[str]:
    out = []
    for index in reader._indexes:
        stack = list(index.children)
        while stack:
            block = stack.pop()
            out.append(block.name)
            stack.extend(block.children)
    return out


def test_upper_case_names_are_ordered() -> None:
    reader = IcsReader((HEAD + vevent("a") + vevent("b", "BEGIN:VALARM", "ACTION:DISPLAY", "TRIGGER:-PT1M",
                                                          "END:VALARM") + FOOT).encode())
    assert reader.shape.ordered
    assert (reader.shape.components, reader.shape.events, reader.shape.depth) == (4, 2, 3)
    assert sorted(_names(reader)) == ["VALARM", "VEVENT", "VEVENT"]


def test_a_lower_case_name_after_its_upper_case_twin_is_not_ordered() -> None:
    for odd in ("BEGIN:Vevent\r\nUID:b\r\nEND:Vevent\r\n", "BEGIN:vevent\r\nUID:b\r\nEND:vevent\r\n",
                "begin:VEVENT\r\nUID:b\r\nEND:VEVENT\r\n"):
        reader = IcsReader((HEAD + vevent("a") + odd + FOOT).encode())
        assert not reader.shape.ordered, odd
        assert _names(reader) == ["VEVENT", "VEVENT"], odd
        assert [s.uid for s in reader.series()] == ["a", "b"], odd


def test_names_with_other_characters_are_not_ordered_but_read() -> None:
    reader = IcsReader((HEAD + vevent("a") + "BEGIN:X_ODD\r\nEND:X_ODD\r\n" + FOOT).encode())
    assert not reader.shape.ordered
    assert sorted(_names(reader)) == ["VEVENT", "X_ODD"]
