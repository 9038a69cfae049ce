"""``lines.unescape_text``'s plain-replacement paths give what its general path (one pass of
``_BACKSLASH``, icalendar's ``unescape_backslash`` reading, RFC 5545 3.3.11) gives: on generated
texts dense in escapes, and on every TEXT value of the corpus, producer and sample files."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from ics_bridge.io import lines

ROOT = Path(__file__).resolve().parent.parent


def _general(raw: str) -> str:
    return lines._BACKSLASH.sub(lines._unescape_one, raw)


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=st.sampled_from(["\\", "n", "N", ",", ";", ":", "a", "é", "\n", " ", "会"]), max_size=24))
def test_plain_paths_read_as_the_general_path(raw: str) -> None:
    assert lines.unescape_text(raw) == _general(raw)


def test_every_corpus_value_reads_as_the_general_path() -> None:
    seen = 0
    for base in (ROOT / "tests" / "corpus" / "ics", ROOT / "samples" / "ics", ROOT / "tests" / "producers"):
        for path in sorted(base.glob("*.ics")):
            text, _ = lines.decode(path.read_bytes())
            for line in text.split("\n"):
                colon = line.find(":")
                raw = line[colon + 1:] if colon > 0 else line
                if "\\" in raw:
                    seen += 1
                assert lines.unescape_text(raw) == _general(raw), (path.name, line)
    assert seen > 100
