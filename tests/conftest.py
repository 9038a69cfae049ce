"""Shared pytest fixtures and options for the ics-bridge test suite.

Fixtures:
    corpus_dir            Path to tests/corpus (third-party files; see tests/corpus/PROVENANCE.md)
    ics_corpus_files      sorted list of tests/corpus/ics/*.ics
    graph_corpus_files    sorted list of tests/corpus/graph/*.json
    google_corpus_files   sorted list of tests/corpus/google/*.json
    fuzz_seconds          value of --fuzz-seconds (default 5): time budget for each fuzz test

The independent readers harness is tests/interop/readers.py (``from interop import readers``).
"""
from __future__ import annotations

import os

import sys
from pathlib import Path

import pytest

TESTS_DIR = Path(__file__).resolve().parent
CORPUS_DIR = TESTS_DIR / "corpus"

# `from interop import readers` works whatever pytest's import mode / rootdir insertion is.
if str(TESTS_DIR) not in sys.path:
    sys.path.insert(0, str(TESTS_DIR))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--fuzz-seconds",
        action="store",
        type=float,
        default=5.0,
        help="time budget in seconds for each fuzz/property test (default: 5)",
    )


@pytest.fixture(scope="session")
def fuzz_seconds(request: pytest.FixtureRequest) -> float:
    value = request.config.getoption("--fuzz-seconds")
    if value < 0:
        raise pytest.UsageError("--fuzz-seconds must be >= 0")
    return value


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return CORPUS_DIR


def _files(sub: str, pattern: str) -> list[Path]:
    files = sorted((CORPUS_DIR / sub).glob(pattern))
    if not files:
        raise FileNotFoundError(f"no {pattern} under {CORPUS_DIR / sub}: is tests/corpus complete?")
    return files


@pytest.fixture(scope="session")
def ics_corpus_files() -> list[Path]:
    return _files("ics", "*.ics")


@pytest.fixture(scope="session")
def graph_corpus_files() -> list[Path]:
    return _files("graph", "*.json")


@pytest.fixture(scope="session")
def google_corpus_files() -> list[Path]:
    return _files("google", "*.json")


# CI judges a submission on the same examples every time (derandomized); locally hypothesis
# explores as usual.  Tests that pass their own settings follow the same rule.
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("ci", derandomize=True, database=None, deadline=None)
if os.environ.get("CI"):
    _hypothesis_settings.load_profile("ci")


@pytest.fixture
def rrule_steps(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Counts the instances dateutil's ``rrule`` generates in the test (every expansion: ours,
    icalendar's VTIMEZONE transitions, recurring-ical-events').  A hang guard that bounds work,
    not wall-clock time: timings belong in bench/, and a loaded CI machine must not fail a test."""
    from dateutil import rrule as du

    counter = {"steps": 0}
    original = du.rrule._iter

    def counting(self: object):  # type: ignore[no-untyped-def]
        for value in original(self):
            counter["steps"] += 1
            yield value

    monkeypatch.setattr(du.rrule, "_iter", counting)
    return counter
