"""Fuzzing the readers (issue 6): real corpus files mutated by byte flips, truncation, line
duplication/removal/swaps and junk insertion must convert or raise InputError — nothing else.

Bounded: each test spends about ``--fuzz-seconds`` (default 5) — ``max_examples`` is sized from
it and every example checks the clock.  Longer runs: ``pytest tests/test_fuzz_readers.py
--fuzz-seconds 600``; coverage-guided: ``tests/fuzz/README.md`` (atheris)."""

from __future__ import annotations

import os

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from hostile.cases import google_available
from ics_bridge.errors import InputError

CORPUS = Path(__file__).parent / "corpus"
JUNK = [b"\x00", b"\xff\xfe", b"\r", b"\n", b"\r\n ", b";", b":", b",", b"=", b'"', b"\\", b"BEGIN:VEVENT\r\n",
        b"END:VEVENT\r\n", b"BEGIN:X-FOO\r\n", b"END:VCALENDAR\r\n", b"TZID=", b"RRULE:FREQ=SECONDLY\r\n",
        b"DTSTART:99991231T235959Z\r\n", b"DTSTART:00010101\r\n", b"{", b"}", b"[", b"]", b"null", b'"x":',
        b"1e999", b"-1", b"\xc3\x28", b"\xe2\x82"]


def _files(sub: str, pattern: str) -> list[Path]:
    return sorted((CORPUS / sub).glob(pattern))


ICS = _files("ics", "*.ics")
GRAPH = _files("graph", "*.json")
GOOGLE = _files("google", "*.json")


@st.composite
def mutated(draw: st.DrawFn, files: list[Path]) -> tuple[str, bytes]:
    path = draw(st.sampled_from(files))
    data = path.read_bytes()
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["flip", "truncate", "dup_line", "del_line", "swap_lines", "junk", "cut_range"]))
        if not data:
            break
        pos = draw(st.integers(0, len(data) - 1))
        if op == "flip":
            data = data[:pos] + bytes([data[pos] ^ (1 << draw(st.integers(0, 7)))]) + data[pos + 1:]
        elif op == "truncate":
            data = data[:pos]
        elif op == "junk":
            data = data[:pos] + draw(st.sampled_from(JUNK)) + data[pos:]
        elif op == "cut_range":
            data = data[:pos] + data[pos + draw(st.integers(1, 200)):]
        else:
            lines = data.split(b"\n")
            i = draw(st.integers(0, len(lines) - 1))
            if op == "dup_line":
                lines.insert(i, lines[i])
            elif op == "del_line":
                del lines[i]
            else:
                j = draw(st.integers(0, len(lines) - 1))
                lines[i], lines[j] = lines[j], lines[i]
            data = b"\n".join(lines)
    return path.name, data


def _targets() -> list[str]:
    return ["ics", "graph", "google"] if google_available() else ["ics", "graph"]


def _fuzz(files: list[Path], source: str, fuzz_seconds: float) -> None:
    import ics_bridge

    if not files:
        pytest.skip(f"no {source} corpus")
    stop = time.monotonic() + fuzz_seconds
    ran = [0]

    @settings(max_examples=max(10, int(fuzz_seconds * 30)), deadline=None, database=None,
              derandomize=bool(os.environ.get("CI")),
              phases=[Phase.generate, Phase.shrink],
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])
    @given(case=mutated(files), to=st.sampled_from(_targets()))
    def check(case: tuple[str, bytes], to: str) -> None:
        if time.monotonic() > stop:
            return
        ran[0] += 1
        name, data = case
        try:
            conv = ics_bridge.convert(data, to=to, source=source, file=name)  # type: ignore[arg-type]
            conv.to_bytes()
        except InputError as err:
            assert str(err)
            return
        for err in conv.errors:
            assert isinstance(err, InputError) and err.file == name

    check()
    assert ran[0] > 0


def test_fuzz_ics_reader(fuzz_seconds: float) -> None:
    _fuzz(ICS, "ics", fuzz_seconds)


def test_fuzz_graph_reader(fuzz_seconds: float) -> None:
    _fuzz(GRAPH, "graph", fuzz_seconds)


def test_fuzz_google_reader(fuzz_seconds: float) -> None:
    if not google_available():
        pytest.skip("ics_bridge.providers.google is not there yet")
    _fuzz(GOOGLE, "google", fuzz_seconds)


# ------------------------------------------------------------------------------------------------
# Malformed items in JSON collections (issue 15): the harness of ``fuzz_atheris.py *-items``
# ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("source", ["graph", "google"])
def test_fuzz_collection_with_malformed_items(source: str, fuzz_seconds: float) -> None:
    """Corpus events, some with fields of the wrong type, beside nulls, strings, numbers and
    arrays, as a list response, a bare array or JSON Lines: never an exception, every
    non-object reported by its place, streamed output and errors equal to the whole-file ones
    (``tests/fuzz/malformed_items.py``)."""
    import sys
    sys.path.insert(0, str(Path(__file__).parent / "fuzz"))
    try:
        import malformed_items
    finally:
        sys.path.pop(0)
    stop = time.monotonic() + fuzz_seconds
    ran = [0]

    @settings(max_examples=max(10, int(fuzz_seconds * 20)), deadline=None, database=None,
              derandomize=bool(os.environ.get("CI")), phases=[Phase.generate, Phase.shrink],
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(data=st.data(), to=st.sampled_from(_targets()))
    def check(data: st.DataObject, to: str) -> None:
        if time.monotonic() > stop:
            return
        ran[0] += 1
        shape, payload, items = malformed_items.build(source, lambda lo, hi: data.draw(st.integers(lo, hi)))
        malformed_items.check(source, shape, payload, items, to)

    check()
    assert ran[0] > 0
