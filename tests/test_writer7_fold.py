"""``fastics.fold`` (encoded with ``str.encode()``'s default, UTF-8) gives icalendar's fold,
encoded as UTF-8, on generated lines of every length around the 75-octet limit, and refuses
what UTF-8 cannot hold (a lone surrogate) as encoding it would."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar.parser.string import _foldline

from ics_bridge.io.fastics import fold

_CHARS = st.sampled_from(["a", "é", "日", "😀", "\\", "^", ";", " ", "\t"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_CHARS, min_size=0, max_size=200).map("".join))
def test_fold_is_icalendars_fold_in_utf8(line: str) -> None:
    assert fold(line) == _foldline(line).encode("utf-8")


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(blacklist_characters="\r\n"), max_size=160))
def test_fold_of_any_text(line: str) -> None:
    """Any text but a line break (a content line holds none: TEXT is escaped, RFC 5545 3.3.11;
    icalendar's ``_foldline`` treats one apart, which ``fold`` never did)."""
    try:
        expected = _foldline(line).encode("utf-8")
    except UnicodeEncodeError:
        with pytest.raises(UnicodeEncodeError):
            fold(line)
        return
    assert fold(line) == expected


def test_lone_surrogate_refused() -> None:
    with pytest.raises(UnicodeEncodeError):
        fold("a\ud800b")
