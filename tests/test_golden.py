"""Golden outputs (tests/golden/): today's bytes and loss reports for every corpus and sample file,
in every direction and profile, equal the stored ones; every golden that differs from the baseline
(the outputs when the goldens were introduced) is a listed fix with its own test.

Refresh after a deliberate change with ``python tests/golden/generate.py`` and add each changed
golden to ``tests/golden/CHANGES.md`` (path, the fix, the test that proves it).
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "golden"
_spec = importlib.util.spec_from_file_location("golden_generate", GOLDEN / "generate.py")
assert _spec is not None and _spec.loader is not None
generate = importlib.util.module_from_spec(_spec)
sys.modules["golden_generate"] = generate
_spec.loader.exec_module(generate)

SOURCES = generate.sources()


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", generate.EPOCH)


@pytest.mark.parametrize("source", SOURCES, ids=[s.key for s in SOURCES])
def test_outputs_equal_the_goldens(source: "generate.Source") -> None:
    produced = generate.outputs(source)
    stored = {f"{source.key}/{p.name}": p.read_bytes() for p in (generate.OUT / source.key).glob("*")} \
        if (generate.OUT / source.key).is_dir() else {}
    assert sorted(produced) == sorted(stored), "golden files missing or extra: run tests/golden/generate.py"
    changed = [k for k in produced if produced[k] != stored[k]]
    assert changed == [], ("outputs differ from the goldens (if deliberate: regenerate with "
                           "tests/golden/generate.py and list each in tests/golden/CHANGES.md):\n" + "\n".join(changed))


def _baseline() -> dict[str, str]:
    rows = (line.split("  ", 1) for line in generate.BASELINE.read_text().splitlines() if line)
    return {path: digest for digest, path in rows}


def _listed() -> set[str]:
    """Golden paths named in CHANGES.md (one per line, in backquotes, starting with corpus/ or samples/)."""
    text = (GOLDEN / "CHANGES.md").read_text(encoding="utf-8")
    return set(re.findall(r"`((?:corpus|samples)/[^`]+)`", text))


def test_every_difference_from_the_baseline_is_a_listed_fix() -> None:
    baseline = _baseline()
    current = {str(p.relative_to(generate.OUT)): generate.digest(p.read_bytes())
               for p in generate.OUT.rglob("*") if p.is_file()}
    differing = {k for k in set(baseline) | set(current) if baseline.get(k) != current.get(k)}
    listed = _listed()
    assert sorted(differing - listed) == [], "goldens changed without an entry in tests/golden/CHANGES.md"
    assert sorted(listed - differing) == [], "CHANGES.md lists goldens that equal the baseline"


def test_listed_fixes_name_tests_that_exist() -> None:
    text = (GOLDEN / "CHANGES.md").read_text(encoding="utf-8")
    tests_dir = Path(__file__).parent
    for module, name in re.findall(r"`(tests/[\w/]+\.py)::(\w+)`", text):
        path = tests_dir.parent / module
        assert path.is_file(), f"CHANGES.md names {module}, which does not exist"
        assert re.search(rf"def {name}\b", path.read_text(encoding="utf-8")), f"{module} has no {name}"
