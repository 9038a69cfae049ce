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
