"""Round 12's speed steps on the .ics → Graph/Google side, each held to the path it replaces:

* ``IcsReader.component_spans`` (``io/ics_model`` slices a component's text only when its checks
  need it) gives what ``components`` gives, text for text, on every .ics we hold;
* the retag's common case written out in ``timezones._retag_event_fast`` (one DTSTART, DTEND or
  RECURRENCE-ID date-time: ``_with_tzid_cached``'s hit and ``_agreed`` inline) gives what comparing
  every value gives (``normalize_model_zones(fast=False)``): the same events and report entries, on
  bench's generated calendar (the shape timed) and on calendars whose VTIMEZONE differs from tzdata
  (every comparison the agreement cannot vouch for reported)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from ics_bridge.io.model_reader import IcsReader
from test_zones_fastpath import FILES, VARIANTS, ZONES, generated_calendar, read_both

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted([*FILES, *ROOT.glob("samples/**/*.ics")])


def _bench_calendar(tmp_path: Path, n: int, seed: int) -> bytes:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import generate
    finally:
        sys.path.remove(str(ROOT / "bench"))
    path = tmp_path / f"bench_{n}_{seed}.ics"
    generate.write_ics(path, n, seed)
    return path.read_bytes()


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: str(p.relative_to(ROOT)))
def test_component_spans_give_the_components(path: Path) -> None:
    try:
        reader = IcsReader(path.read_bytes())
    except ValueError:
        return  # a file the reader refuses: io/ics repairs it first (both methods unused)
    for calendar in range(len(reader.calendars)):
        spans = [(name, typed, reader.text[start:end]) for name, typed, start, end in reader.component_spans(calendar)]
        assert spans == list(reader.components(calendar))


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
