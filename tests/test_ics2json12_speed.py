"""Round 12's speed steps on the .ics → Graph/Google side, each held to the path it replaces:

* ``IcsReader.component_spans`` (``io/ics_model`` slices a component's text only when its checks
  need it) gives what ``components`` gives, text for text, on every .ics we hold;
* the retag's common case written out in ``timezones._retag_event_fast`` (one DTSTART, DTEND or
  RECURRENCE-ID date-time: ``_with_tzid_cached``'s hit and ``_agreed`` inline) gives what comparing
  every value gives (``normalize_model_zones(fast=False)``): the same events and report entries, on
  bench's generated calendar (the shape timed) and on calendars whose VTIMEZONE differs from tzdata
  (every comparison the agreement cannot vouch for reported);
* pass 1's ``_MARK`` with its look-ahead at the first letter finds what it found without it."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from bench_generator import generator

from ics_bridge.io import model_reader
from ics_bridge.io.lines import decode
from ics_bridge.io.model_reader import IcsReader
from test_zones_fastpath import FILES, VARIANTS, ZONES, generated_calendar, read_both

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted([*FILES, *ROOT.glob("samples/**/*.ics")])


def _bench_calendar(tmp_path: Path, n: int, seed: int) -> bytes:
    path = tmp_path / f"bench_{n}_{seed}.ics"
    generator().write_ics(path, n, seed)
    return path.read_bytes()


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: str(p.relative_to(ROOT)))
def test_component_spans_give_the_components(path: Path) -> None:
    try:
        reader = IcsReader(path.read_bytes())
    except ValueError:
        return  # a file the reader refuses: io/ics repairs it first (both methods unused)
    for calendar in range(len(reader.calendars)):
        spans = list(reader.component_spans(calendar))
        blocks = reader._indexes[calendar].children  # pass 1's blocks: what components() sliced
        assert [(name, start, end) for name, _typed, start, end in spans] == [(b.name, b.start, b.end) for b in blocks]
        for name, _typed, start, end in spans:  # a component's whole text: its BEGIN to its END line
            text = reader.text[start:end]
            assert text.upper().startswith(f"BEGIN:{name}") and text.rstrip("\n").rsplit("\n", 1)[-1].upper().startswith("END")
        assert [(n, t, reader.text[a:b]) for n, t, a, b in spans] == list(reader.components(calendar))


@pytest.mark.parametrize("seed", [7, 11, 23])
def test_retag_common_case_on_bench_calendars(tmp_path: Path, seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    fast, reference = read_both(_bench_calendar(tmp_path, 600, seed), monkeypatch)
    assert fast == reference


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_retag_common_case_where_the_vtimezone_differs(zone: str, variant: str,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    fast, reference = read_both(generated_calendar(zone, variant, seed=12), monkeypatch)
    assert fast[1], "these calendars must give report entries, or nothing is compared"
    assert fast == reference


# ---- pass 1's marks: the look-ahead at the first letter ------------------------------------

_MARK_REFERENCE = re.compile(rf"\n{model_reader._MARKS}", re.I)  # _MARK as it was, without it


def _marks(pattern: re.Pattern[str], text: str) -> list[tuple[object, ...]]:
    return [found.span() + found.groups() for found in pattern.finditer(text)]


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: str(p.relative_to(ROOT)))
def test_marks_with_the_look_ahead_on_every_file(path: Path) -> None:
    text = decode(path.read_bytes())[0]
    assert _marks(model_reader._MARK, text) == _marks(_MARK_REFERENCE, text)


def test_marks_with_the_look_ahead_on_generated_lines() -> None:
    """Every spelling pass 1 must see (any case, blanks before the colon, parameters, the
    names as prefixes of others) among lines that start like them and are not."""
    rng = random.Random(12)
    heads = ["BEGIN", "begin", "Begin", "END", "end", "eNd", "UID", "uid", "Uid", "RECURRENCE-ID", "recurrence-id",
             "BEGINNING", "ENDS", "UIDX", "RECURRENCE", "RRULE", "RDATE", "EXDATE", "URL", "BEGIN \t", "END\t",
             "DTEND", "SUMMARY", "X-UID", " BEGIN", "\tEND", "", "ſ", "ß", "É", "Ü"]
    tails = [":VEVENT", ":VALARM", ";VALUE=DATE:20240101", ":abc", ";X=1:x", "", ":", ";", " :x", "=x"]
    for _ in range(200):
        text = "\n".join(rng.choice(heads) + rng.choice(tails) for _ in range(rng.randint(1, 40)))
        assert _marks(model_reader._MARK, text) == _marks(_MARK_REFERENCE, text)
        assert _pass1(text) == _pass1(text, _MARK_REFERENCE)


def _pass1(text: str, mark: re.Pattern[str] | None = None) -> object:
    """Pass 1's outcome: the reader's Shape, or its error."""
    saved = model_reader._MARK
    model_reader._MARK = mark or saved
    try:
        return model_reader.IcsReader(text).shape
    except ValueError as error:
        return ("error", str(error))
    finally:
        model_reader._MARK = saved
