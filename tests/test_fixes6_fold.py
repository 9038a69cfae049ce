"""``io/fastics._fold_raw`` always ends (defect found in round 5: it looped for ever).

The fold (RFC 5545 3.1: lines of at most 75 octets, never cut inside a UTF-8 character) backed
up over continuation octets (0x80–0xBF) to find a character start; on a run of them longer than
the room, or with a ``limit`` under one character (``fold(line, 3)`` on ``😀``), it found none
after the segment's start and cut an empty segment, for ever.  Now such a segment is cut where
the fold can go on (``_forced_end``): a character longer than the room whole (as icalendar's
``_foldline``), stray continuation octets at the room.

Which entry points can reach it with such octets: none of the public ones.  ``fold`` takes
``str``, and ``str.encode("utf-8")`` gives only well-formed UTF-8 (a lone surrogate raises
before the fold); a file that is not UTF-8 is read as Windows-1252 text, so its stray octets
come back as characters (:func:`test_stray_continuation_octets_through_the_cli`).  What reached
the loop was ``fold`` with a ``limit`` below 5 and the byte-level helpers themselves; both are
held here, each call guarded by :func:`_ends`, so a regression fails instead of hanging.
"""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar.parser.string import _foldline

import ics_bridge
from ics_bridge.io import fastics

ROOT = Path(__file__).resolve().parent.parent


class _Hang(Exception):
    """The guarded call did not end."""


@contextmanager
def _ends(seconds: int = 20) -> Iterator[None]:
    """Fail (not hang) when the block runs past ``seconds``: a guard against the loop coming
    back, far above what one fold takes (microseconds), not a measure of speed."""
    def stop(signum: int, frame: Any) -> None:
        raise _Hang(f"still folding after {seconds} s")
    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _segments(folded: bytes) -> list[bytes]:
    return folded.split(b"\r\n ")


# -- the fold of text: icalendar's _foldline at every limit -------------------------------------

_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"), max_size=120)


@settings(max_examples=600, deadline=None)
@given(_TEXT | st.lists(st.sampled_from(["a", "\\", "^", "é", "€", "😀", " "]), max_size=60).map("".join),
       st.integers(min_value=-2, max_value=90))
def test_fold_is_icalendars_at_every_limit(line: str, limit: int) -> None:
    """Below 5 octets a character may not fit: icalendar puts it alone on its line; so do we."""
    with _ends():
        assert fastics.fold(line, limit) == _foldline(line, limit).encode("utf-8")


@pytest.mark.parametrize("line, limit", [("😀" * 10, 3), ("abc" * 10, 1), ("é" * 5, 2), ("a", 1), ("x\\y", 0)])
def test_fold_under_one_character_ends(line: str, limit: int) -> None:
    with _ends():
        folded = fastics.fold(line, limit)
    assert folded == _foldline(line, limit).encode("utf-8")
    assert all(seg.decode("utf-8") for seg in _segments(folded))


# -- the fold of octets no text encodes to -------------------------------------------------------

#: Lines with long runs of continuation octets, stray lead octets, escapes and real characters.
_OCTETS = st.lists(st.sampled_from([b"\x80" * 80, b"\xbf" * 3, b"\x80", b"\xc3", b"\xe2\x82", b"\xf0",
                                    "€".encode(), "😀".encode(), b"a", b"\\", b"^", b" "]),
                   min_size=1, max_size=60).map(b"".join) | st.binary(max_size=400)


def _check_fold_of_octets(raw: bytes) -> None:
    """Both folders agree, the octets are all there, no segment is over 74 octets (75 with its
    blank), and no cut changes what a UTF-8 decoder reads (none splits a sequence)."""
    raw = raw.replace(b"\r", b"").replace(b"\n", b"")
    with _ends():
        folded = fastics._fold_raw(raw, 75)
        by_segments = fastics._fold_75(raw)
    assert by_segments == folded
    parts = _segments(folded)
    assert b"".join(parts) == raw
    assert all(0 < len(seg) <= 74 for seg in parts) or raw == b""
    assert "".join(seg.decode("utf-8", "replace") for seg in parts) == raw.decode("utf-8", "replace")


@settings(max_examples=800, deadline=None)
@given(_OCTETS)
def test_fold_of_any_octets_ends_and_keeps_them(raw: bytes) -> None:
    _check_fold_of_octets(raw)


@pytest.mark.parametrize("raw", [b"\x80" * 200, b"a" + b"\x80" * 200, "€".encode() + b"\xbf" * 500,
                                 b"x" * 73 + b"\x80" * 300 + "é".encode() * 40, b"\\" + b"\x80" * 100],
                         ids=["run", "ascii-then-run", "char-then-run", "run-mid-line", "escape-then-run"])
def test_fold_of_continuation_runs(raw: bytes) -> None:
    _check_fold_of_octets(raw)


# -- the public entry points: the file read as Windows-1252, folded as text ----------------------

def _stray_calendar() -> bytes:
    """A VEVENT, a VTODO and a calendar X- property each holding 300 stray continuation octets
    in a value far over 75 octets (no UTF-8 writer makes such a file)."""
    run = b"\x80\xbf" * 150
    return (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nX-WR-CALNAME:" + run + b"\r\n"
            b"BEGIN:VEVENT\r\nUID:stray-1\r\nDTSTAMP:20240101T000000Z\r\nDTSTART:20240105T090000Z\r\n"
            b"DTEND:20240105T100000Z\r\nSUMMARY:" + run + b"\r\nDESCRIPTION:x" + run + b"\r\nEND:VEVENT\r\n"
            b"BEGIN:VTODO\r\nUID:stray-2\r\nDTSTAMP:20240101T000000Z\r\nSUMMARY:" + run + b"\r\n"
            b"END:VTODO\r\nEND:VCALENDAR\r\n")


@pytest.mark.parametrize("to", ["ics", "graph", "google"])
def test_stray_continuation_octets_through_the_cli(tmp_path: Path, to: str) -> None:
    """The CLI in a subprocess with a timeout (a hang fails, it does not stall the suite): it
    ends, without a traceback, and every .ics line it writes is at most 75 octets."""
    src = tmp_path / "stray.ics"
    src.write_bytes(_stray_calendar())
    out = tmp_path / f"out.{'ics' if to == 'ics' else 'json'}"
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run([sys.executable, "-m", "ics_bridge", "convert", str(src), "--to", to, "-o", str(out)],
                          cwd=tmp_path, env=env, capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    assert b"Traceback" not in proc.stderr
    data = out.read_bytes()
    if to == "ics":
        assert all(len(line) <= 75 for line in data.split(b"\r\n"))
        assert data.decode("utf-8").replace("\r\n ", "").count("\u20ac\u00bf" * 150) == 4  # cp1252 0x80, 0xBF


def test_stray_continuation_octets_through_the_library(tmp_path: Path) -> None:
    """``convert`` and ``convert_stream`` give the same .ics bytes, folded as text."""
    data = _stray_calendar()
    with _ends(120):
        whole = ics_bridge.convert(data, to="ics").to_bytes()
        src = tmp_path / "stray.ics"
        src.write_bytes(data)
        dst = tmp_path / "out.ics"
        ics_bridge.convert_stream(src, dst, to="ics")
    assert dst.read_bytes() == whole
    assert all(len(line) <= 75 for line in whole.split(b"\r\n"))



def test_fold_is_icalendars_on_every_short_line() -> None:
    """Every line of up to four characters over escapes, spaces and 1- to 4-octet characters, at
    every limit from -2 to 11: an escape carried to the next line takes the character after it
    along whatever the room (hypothesis found ``'0\\\\\\x80'`` at limit 3)."""
    alphabet = ["a", "\\", "^", "é", "€", "😀", " ", "\x80"]
    for size in range(1, 5):
        for chars in itertools.product(alphabet, repeat=size):
            line = "".join(chars)
            for limit in range(-2, 12):
                assert fastics.fold(line, limit) == _foldline(line, limit).encode("utf-8"), (line, limit)
