"""The shared .ics front's shortcuts (``h-front5``) held to what they stand for.

* ``lines.decode_marked`` says "no blank line" only for texts without one, so
  ``ics_model._sound_reader`` may skip its own search (the whole decision is also held to the
  reference in ``tests/test_reader_fastpath.py``);
* ``timezones._iana_zones`` takes icalendar's list of tzdata names: it is the list
  ``zoneinfo.available_timezones()`` gives.
"""

from __future__ import annotations

import zoneinfo
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ics_bridge import timezones
from ics_bridge.io import lines

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted([*ROOT.glob("tests/corpus/ics/*.ics"), *ROOT.glob("tests/producers/*.ics"),
                *ROOT.glob("tests/hostile/**/*.ics"), *ROOT.glob("samples/**/*.ics")])


def _assert_marked(data: bytes | str) -> None:
    text, problems, blank = lines.decode_marked(data)
    assert (text, problems) == lines.decode(data)
    if not blank:
        assert "\n\n" not in text, repr(data[:200])


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_blank_line_is_missed_on_any_file(path: Path) -> None:
    _assert_marked(path.read_bytes())


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(["\r\n", "\n", "\r", " ", "\t", "X:1", "\u00e9", "\xef\xbb\xbf", "\r\n ", "\n\t"]),
                max_size=14))
def test_no_blank_line_is_missed_on_generated_line_ends(pieces: list[str]) -> None:
    text = "".join(pieces)
    _assert_marked(text.encode("utf-8", "surrogatepass"))
    _assert_marked(text)


def test_blank_lines_are_marked() -> None:
    assert lines.decode_marked(b"A:1\r\n\r\nB:2\r\n")[2]
    assert lines.decode_marked(b"A:1\n\n B:2\n")[2]
    assert not lines.decode_marked(b"A:1\r\n B:2\r\n\tC\r\n")[2]


def test_the_tzdata_names_are_zoneinfos() -> None:
    timezones._iana_zones.cache_clear()
    try:
        assert timezones._iana_zones() == frozenset(zoneinfo.available_timezones())
    finally:
        timezones._iana_zones.cache_clear()
