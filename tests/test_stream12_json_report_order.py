"""A streamed JSON input's loss report and errors in the whole-file run's order (issue 12, round 12).

The streamed path (a file of 16 MiB or more, ``--stream-from``, ``--jobs`` on one file) maps one
series at a time; the whole-file mappers (``providers.graph.to_ical._builders``,
``providers.google.to_ical._builders``) report every item's reading first (in input order, with
the items that are not objects), then every single's and master's mapping, then every
exception's (Google: instance's), then every cancelled occurrence's (Google: cancelled entry's).
Before round 12 a series' exceptions' entries came right after its master's, and pass 1's errors
before every other.  Each entry and error is now keyed by its step and its item's position
(``pipeline._JsonGroups.render``, ``KeyedEntries``): the same report and errors as ``convert``,
with one job and with two.  The same comparison found that pass 1 dropped a cancelled Graph
occurrence beside its master, which the whole-file run writes as the master's EXDATE."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from bench_generator import generator

import ics_bridge
from ics_bridge import pipeline
from ics_bridge.io import stream

ROOT = Path(__file__).resolve().parent.parent
_DTSTAMP = re.compile(rb"DTSTAMP:\d{8}T\d{6}Z")  # "now" where the JSON has no stamp


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """300 events of the benchmark's generator (series whose exceptions follow them, one in ten
    at the end of the file) as Graph and Google JSON."""
    folder = tmp_path_factory.mktemp("order")
    gen = generator()
    gen.write_ics(folder / "cal.ics", 300, seed=3)
    paths = {}
    for source in ("graph", "google"):
        paths[source] = folder / f"{source}.json"
        gen.write_json(folder / "cal.ics", source, paths[source])
    return paths


def _same_as_convert(path: Path, source: str, out: Path, jobs: int = 1) -> int:
    """The streamed run's bytes, report and errors are ``convert``'s (which names no file); the
    number of entries and errors compared, or -1 when the file does not stream (one resource)."""
    try:
        streamed = pipeline.convert_file(path, out, to="ics", source=source, fallback=False,  # type: ignore[arg-type]
                                         jobs=jobs)
    except stream.StreamUnsupported:
        return -1
    whole = ics_bridge.convert(path.read_bytes(), to="ics", source=source)  # type: ignore[arg-type]
    assert _DTSTAMP.sub(b"DTSTAMP:X", out.read_bytes()) == _DTSTAMP.sub(b"DTSTAMP:X", whole.to_bytes())
    assert [{**e.as_dict(), "file": None} for e in streamed.report] == [e.as_dict() for e in whole.report]
    assert [str(e).removeprefix(f"{path}: ") for e in streamed.errors] == [str(e) for e in whole.errors]
    return len(whole.report) + len(whole.errors)


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("source", ["graph", "google"])
def test_generated_file(source: str, jobs: int, generated: dict[str, Path], tmp_path: Path,
                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "BATCH_GROUPS", 8)  # two jobs: several batches in the pool
    assert _same_as_convert(generated[source], source, tmp_path / "out.ics", jobs) > (100 if source == "graph" else -1)


@pytest.mark.parametrize("source", ["graph", "google"])
def test_corpus(source: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "BATCH_GROUPS", 2)
    compared = []
    for path in sorted((ROOT / "tests" / "corpus" / source).glob("*.json")):
        try:
            for jobs in (1, 2):
                compared.append(_same_as_convert(path, source, tmp_path / "out.ics", jobs))
        except ics_bridge.InputError:  # the file does not read (both paths say so: tests/test_stream*.py)
            continue
    assert sum(n > 0 for n in compared) >= 4


def _graph(n: int, **extra: Any) -> dict[str, Any]:
    return {"id": f"id-{n}", "iCalUId": f"uid-{n}", "subject": f"event {n}", "type": "singleInstance",
            "start": {"dateTime": "2024-03-01T10:00:00.0000000", "timeZone": "W. Europe Standard Time"},
            "end": {"dateTime": "2024-03-01T11:00:00.0000000", "timeZone": "Pacific Standard Time"}, **extra}


def _graph_series(n: int) -> list[dict[str, Any]]:
    """A master, an exception and a cancelled occurrence, each reporting something."""
    master = _graph(n, type="seriesMaster", sensitivity="personal", recurrence={
        "pattern": {"type": "daily", "interval": 1},
        "range": {"type": "numbered", "startDate": "2024-03-01", "numberOfOccurrences": 5}})
    moved = _graph(n + 1, type="exception", seriesMasterId=f"id-{n}", iCalUId=f"other-{n}",
                   originalStart="2024-03-03T09:00:00Z", subject="moved",
                   start={"dateTime": "2024-03-03T15:00:00.0000000", "timeZone": "W. Europe Standard Time"},
                   end={"dateTime": "2024-03-03T16:00:00.0000000", "timeZone": "W. Europe Standard Time"})
    gone = _graph(n + 2, type="occurrence", seriesMasterId=f"id-{n}", isCancelled=True,
                  originalStart="2024-03-04T09:00:00Z",
                  start={"dateTime": "2024-03-04T10:00:00.0000000", "timeZone": "W. Europe Standard Time"})
    return [master, moved, gone]


def test_odd_graph_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Exceptions before and after their masters and far from them, items that are not objects,
    items that do not read, a lone surrogate, singles that report: every entry and error where
    the whole file puts it."""
    monkeypatch.setattr(pipeline, "BATCH_GROUPS", 2)
    first, second = _graph_series(100), _graph_series(200)
    items: list[Any] = [_graph(1, sensitivity="personal"), first[1], "not an event", *first[:1]]
    items += [_graph(2, start={"dateTime": "not a time", "timeZone": "UTC"}), *second, 17]
    items += [_graph(3, subject="half \ud800 pair"), first[2], _graph(4, showAs="unknownFutureValue")]
    path = tmp_path / "odd.json"
    path.write_text(json.dumps({"value": items}), encoding="utf-8")
    for jobs in (1, 2):
        assert _same_as_convert(path, "graph", tmp_path / "out.ics", jobs) >= 8


def test_odd_google_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Google: an instance before its master, a cancelled entry of a deleted event before the
    rest, an instance without its master, items that are not objects or do not read."""
    monkeypatch.setattr(pipeline, "BATCH_GROUPS", 2)

    def event(n: int, **extra: Any) -> dict[str, Any]:
        return {"kind": "calendar#event", "id": f"g{n}", "status": "confirmed", "summary": f"s{n}",
                "start": {"dateTime": "2024-03-01T10:00:00+01:00"}, "end": {"dateTime": "2024-03-01T11:00:00+01:00"},
                **extra}
    master = event(1, iCalUID="m1@x", recurrence=["RRULE:FREQ=DAILY;COUNT=5"])
    moved = event(2, iCalUID="other@x", recurringEventId="g1",
                  originalStartTime={"dateTime": "2024-03-03T10:00:00+01:00"})
    items: list[Any] = [{"kind": "calendar#event", "id": "gone", "status": "cancelled"}, moved, "x",
                        event(3), master, event(4, start={"dateTime": "not a time"}),
                        event(5, recurringEventId="absent", originalStartTime={"dateTime": "2024-03-02T10:00:00Z"})]
    path = tmp_path / "odd.json"
    path.write_text(json.dumps({"kind": "calendar#events", "items": items}), encoding="utf-8")
    for jobs in (1, 2):
        assert _same_as_convert(path, "google", tmp_path / "out.ics", jobs) >= 5


def test_a_cancelled_occurrence_beside_its_master_is_its_exdate(tmp_path: Path) -> None:
    """Pass 1 dropped every occurrence whose master is present, the cancelled ones too: a Graph
    export streamed brought them back.  Now, as in the whole-file run, an EXDATE of the master."""
    master, _moved, gone = _graph_series(300)
    path = tmp_path / "cancelled.json"
    path.write_text(json.dumps({"value": [master, _graph(1), gone]}), encoding="utf-8")
    assert _same_as_convert(path, "graph", tmp_path / "out.ics") >= 1
    text = (tmp_path / "out.ics").read_bytes()
    assert b"EXDATE" in text and b"20240304" in text.split(b"EXDATE", 1)[1].split(b"\r\n", 1)[0]
