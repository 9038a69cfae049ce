"""Graph output validates against the Graph metadata for the event types (tests/schemas/, an
excerpt of microsoftgraph/msgraph-metadata): property names, JSON types and enum values, for the
resource profile (v1.0 + beta properties) and the request profile (v1.0)."""

from __future__ import annotations

from pathlib import Path

import pytest

import ics_bridge
from graph_helpers import SEEDS, items, load
from graph_schema import validate

ICS = sorted((Path(__file__).parent / "corpus" / "ics").glob("*.ics"))
BETA_ONLY = {"uid", "cancelledOccurrences", "exceptionOccurrences", "occurrenceId"}


def _graph_items(data: bytes | str, profile: str) -> list[dict]:
    try:
        conv = ics_bridge.convert(data, to="graph", source="ics", options=ics_bridge.Options(profile=profile))
    except ics_bridge.InputError as err:
        pytest.skip(f"file not readable (covered by the hostile-input tests): {err}")
    return items(conv.data)


def test_the_validator_catches_what_graph_rejects():
    assert validate({"subject": 1})
    assert validate({"showAs": "sleeping"})
    assert validate({"start": {"dateTime": "x", "timeZone": "UTC", "bogus": True}})
    assert not validate({"subject": "x", "showAs": "oof", "categories": ["a"]})


@pytest.mark.parametrize("path", sorted(p for p in SEEDS.glob("00[12]_*.json") if ".invalid." not in p.name),
                         ids=lambda p: p.name)
def test_seed_examples_converted_back_validate(path):
    raw = load(path)
    ics = ics_bridge.graph_to_ics(raw).to_bytes()
    for profile in ("resource", "request"):
        for event in _graph_items(ics, profile):
            beta_source = path.name.startswith("002_")  # beta bodies go back to the beta endpoint
            version = "beta" if (beta_source or BETA_ONLY & set(event)) else "v1.0"
            assert validate(event, version=version) == [], (profile, event)


@pytest.mark.parametrize("path", ICS, ids=lambda p: p.name)
def test_ics_corpus_to_graph_validates(path):
    data = path.read_bytes()
    for profile in ("resource", "request"):
        for event in _graph_items(data, profile):
            if "@removed" in event:
                continue
            version = "beta" if BETA_ONLY & set(event) else "v1.0"
            problems = validate(event, version=version)
            assert problems == [], (profile, problems)
            if profile == "request":
                assert not BETA_ONLY & set(event)
