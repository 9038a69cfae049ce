"""``ics_bridge.io.fastics`` writes exactly what icalendar writes."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar
from icalendar.parser.string import _foldline

from ics_bridge.io.fastics import component_to_ical, fold

CORPUS = Path(__file__).resolve().parent / "corpus" / "ics"

_chars = st.sampled_from(list("abc XYZ;:,\\^\"é日本😀ß\t") + ["\u0301", "Ω"])


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=_chars, max_size=400))
def test_fold_matches_icalendar(line: str) -> None:
    assert fold(line) == _foldline(line).encode("utf-8")


def test_fold_edges() -> None:
    for n in range(60, 160):
        for tail in ("", "\\", "^", "\\n", "é", "日", "😀"):
            for line in ("a" * n + tail, tail * (n // 8 + 1) + "b" * n, ("x" * 73 + "\\") * 3 + tail):
                assert fold(line) == _foldline(line).encode("utf-8"), (n, tail)


def test_component_to_ical_matches_on_corpus() -> None:
    checked = 0
    for path in sorted(CORPUS.glob("*.ics")):
        try:
            cal = Calendar.from_ical(path.read_bytes().decode("utf-8", "replace"))
        except Exception:  # noqa: BLE001 - unreadable corpus files are not the point here
            continue
        assert component_to_ical(cal) == cal.to_ical(), path.name
        for event in cal.walk("VEVENT"):
            assert component_to_ical(event) == event.to_ical()
        checked += 1
    assert checked > 100


# ------------------------------------------------------------------------------------------------

import json  # noqa: E402

from icalendar.parser.content_line import Contentline  # noqa: E402

from ics_bridge.io import fastics  # noqa: E402

_pieces = st.sampled_from(list('ab;:="\\,^ \tXé日') + ["DTSTART", "TZID=", "VALUE=DATE", "\\:", "\\;"])


@settings(max_examples=1000, deadline=None)
@given(st.lists(_pieces, max_size=25), st.booleans())
def test_raw_parts_matches_icalendar(pieces: list[str], strict: bool) -> None:
    line = Contentline("".join(pieces), strict=strict)

    def outcome(fn):  # type: ignore[no-untyped-def]
        try:
            name, params, value = fn(line)
            return name, dict(params), value
        except ValueError as exc:
            return type(exc), str(exc)

    assert outcome(fastics._raw_parts) == outcome(Contentline.raw_parts)


def test_patched_parse_and_write_identical_on_corpus() -> None:
    checked = 0
    for path in sorted(CORPUS.glob("*.ics")):
        text = path.read_bytes().decode("utf-8", "replace")
        try:
            plain = Calendar.from_ical(text, multiple=True)
        except Exception as exc:  # noqa: BLE001
            with fastics.patched():
                try:
                    Calendar.from_ical(text, multiple=True)
                except Exception as fast_exc:  # noqa: BLE001
                    assert type(fast_exc) is type(exc)
                    continue
            raise AssertionError(f"{path.name}: fast path read what icalendar refused")
        with fastics.patched():
            fast = Calendar.from_ical(text, multiple=True)
            fast_bytes = [c.to_ical() for c in fast]
        assert [c.to_ical() for c in plain] == fast_bytes, path.name
        assert fast == plain, path.name
        checked += 1
    assert checked > 100
    assert Contentline.raw_parts is not fastics._raw_parts  # restored


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=30)


@settings(max_examples=500, deadline=None)
@given(_json)
def test_dumps_matches_json(value) -> None:  # type: ignore[no-untyped-def]
    assert fastics.dumps(value) == json.dumps(value, indent=2, ensure_ascii=False)
