"""``--jobs``: a worker sends its group's report entries pickled (``pipeline._pickle_entries``) and
the parent copies the bytes into its spool (``KeyedEntries.add_pickled``) rather than unpickling
each entry and pickling it again.  Held to ``KeyedEntries.add``: the same report, in the same
order, spooled or not, with the X-WR-TIMEZONE counts added up and entries with and without a
file; and end to end, a pool run's report is the in-process one (``tests/test_stream.py`` also
holds both to the whole-file report)."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from ics_bridge import pipeline
from ics_bridge.io import stream
from ics_bridge.report import Loss, LossKind, Report

XWR = "{} UTC value(s) read in the calendar zone Europe/Berlin"


def _pairs() -> list[tuple[tuple[int, int, int], Loss]]:
    return [((15, 40, 0), Loss(LossKind.MAPPING_CHOICE, "SUMMARY", "late", file="in.ics")),
            ((7, 0, 0), Loss(LossKind.QUIRK_REPAIRED, "X-WR-TIMEZONE", XWR.format(2), file="in.ics")),
            ((3, 9, 0), Loss(LossKind.INVALID_VALUE, "UID", "check")),
            ((7, 0, 0), Loss(LossKind.QUIRK_REPAIRED, "X-WR-TIMEZONE", XWR.format(3), file="in.ics")),
            ((15, 2, 0), Loss(LossKind.DROPPED, "X-A", "early", uid="u\u2028", file="in.ics"))]


def _report(keyed: stream.KeyedEntries, file: str | None) -> list[Loss]:
    out = Report(file=file)
    keyed.into(out, [])
    return list(out)


@pytest.mark.parametrize("spool", [True, False])
@pytest.mark.parametrize("file", [None, "other.ics"])
def test_add_pickled_gives_the_report_add_gives(spool: bool, file: str | None) -> None:
    plain, pickled = stream.KeyedEntries(spool=spool), stream.KeyedEntries(spool=spool)
    for key, loss in _pairs():
        plain.add(key, loss)
        pickled.add_pickled(key, pickle.dumps(loss, protocol=pickle.HIGHEST_PROTOCOL), 1 if loss.file else 0)
    expected = _report(plain, file)
    assert [e.reason for e in expected] == ["check", XWR.format(5), "early", "late"]
    assert _report(pickled, file) == expected


def test_pickle_entries_keeps_each_entry_and_whether_it_has_a_file() -> None:
    group = pipeline._Group(entries=[loss for _key, loss in _pairs()])
    pipeline._pickle_entries(group)
    assert group.filed == bytes([1, 1, 0, 1, 1])
    assert [pickle.loads(data) for data in group.entries] == [loss for _key, loss in _pairs()]


def test_pool_report_is_the_in_process_report(tmp_path: Path) -> None:
    src = Path(__file__).parent / "corpus" / "ics" / "recurring-ical-events__x_wr_timezone_simple_events_issue_59.ics"
    one = pipeline.convert_file(src, tmp_path / "one.json", to="graph", fallback=False, jobs=1)
    two = pipeline.convert_file(src, tmp_path / "two.json", to="graph", fallback=False, jobs=2)
    assert [e.as_text() for e in two.report] == [e.as_text() for e in one.report]
    assert any(e.field == "X-WR-TIMEZONE" for e in one.report)
    assert (tmp_path / "one.json").read_bytes() == (tmp_path / "two.json").read_bytes()


@pytest.mark.parametrize("spooled", [True, False])
@pytest.mark.parametrize("file", [None, "in.json"])
def test_add_pickled_into_a_report_is_extend(spooled: bool, file: str | None) -> None:
    """JSON → ICS workers send each group's entries pickled; the parent's report gets what
    ``Report.extend`` gives it (an entry without a file takes the report's)."""
    losses = [loss for _key, loss in _pairs()]
    plain = stream.spooled_report(file) if spooled else Report(file=file)
    plain.extend(losses)
    given = stream.spooled_report(file) if spooled else Report(file=file)
    _through_keyed(given, losses)
    assert list(given) == list(plain)
    assert [e.file for e in given] == ["in.ics", "in.ics", file, "in.ics", "in.ics"]  # an entry's own file stays


@pytest.mark.parametrize("source, array", [("graph", b'"value"'), ("google", b'"items"')])
def test_json_pool_report_is_the_in_process_report(source: str, array: bytes, tmp_path: Path) -> None:
    """The largest corpus list response of each provider (a streamed shape)."""
    corpus = Path(__file__).parent / "corpus" / source
    src = max((p for p in corpus.glob("*.json") if array in p.read_bytes()), key=lambda p: p.stat().st_size)
    one = pipeline.convert_file(src, tmp_path / "one.ics", to="ics", source=source, fallback=False, jobs=1)
    two = pipeline.convert_file(src, tmp_path / "two.ics", to="ics", source=source, fallback=False, jobs=2)
    assert len(one.report) > 0
    assert [e.as_text() for e in two.report] == [e.as_text() for e in one.report]
    assert _without_stamps(tmp_path / "one.ics") == _without_stamps(tmp_path / "two.ics")


def _through_keyed(report: Report, losses: list[Loss]) -> None:
    """What the JSON → ICS parent does with a worker's pickled entries (``pipeline._spooled_groups``):
    each into :class:`stream.KeyedEntries` under its key, then all into the report."""
    keyed = stream.KeyedEntries(spool=isinstance(report.entries, stream.SpooledEntries))
    for data, filed in zip(*pipeline._pickled(losses)):
        keyed.add_pickled((1, 0, 0), data, filed)
    keyed.into(report, [])


def _without_stamps(path: Path) -> list[bytes]:
    return [line for line in path.read_bytes().splitlines() if not line.startswith(b"DTSTAMP:")]


@pytest.mark.parametrize("file, through_extend", [(None, 0), ("other.ics", 1)])
def test_pickled_entries_go_in_as_bytes_unless_extend_would_change_them(file: str | None, through_extend: int,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """One rule for every entry pickled before it reaches the report (``stream.pickled_adder``):
    a JSON worker's, keyed by the parent (``_through_keyed``), and the ICS spool's
    (``KeyedEntries.into``).  Into a spooled report an entry goes as its bytes; only one that
    ``Report.extend`` would give the report's file is unpickled and extended."""
    extended: list[Loss] = []
    original = Report.extend

    def counting(self: Report, other: object) -> None:
        items = list(other)  # type: ignore[call-overload]
        extended.extend(items)
        original(self, items)

    monkeypatch.setattr(Report, "extend", counting)
    pairs = [(key, loss) for key, loss in _pairs() if loss.field != "X-WR-TIMEZONE"]
    given = stream.spooled_report(file)
    _through_keyed(given, [loss for _key, loss in pairs])
    assert len(extended) == through_extend and len(given) == 3
    extended.clear()
    keyed = stream.KeyedEntries(spool=True)
    for key, loss in pairs:
        keyed.add(key, loss)
    into = stream.spooled_report(file)
    keyed.into(into, [])
    assert len(extended) == through_extend and [e.reason for e in into] == ["check", "early", "late"]
    assert [e.file for e in into] == [file, "in.ics", "in.ics"]
