"""The streamed path's memory stays flat however long the file (issue 12: 100k events within 1.2×
of 10k, 1M under 200 MiB; measured in bench/, docs/performance.md "Speed round 6").

Two things grew with the file: every memo up to its own limit (65,536 Graph and Google date-time
texts alone held ~16 MB at 100k events), now bounded by :func:`ics_bridge.memo.capped` while a file
streams; and the per-event indexes, now 4-byte integers that widen to 8 bytes when a value needs
it (:func:`ics_bridge.io.stream.appended`).  These tests hold both, and that results do not change.
"""

from __future__ import annotations

import io
import json
from array import array
from pathlib import Path

import pytest

import ics_bridge
from ics_bridge import memo, pipeline
from ics_bridge.io import jsonio, stream
from ics_bridge.providers.google import model as google_model
from ics_bridge.providers.graph import model as graph_model
from ics_bridge.report import Loss, LossKind, Report

EVENTS = 2600  # two distinct date-times each: more than the streamed cap


def _graph_items() -> list[dict]:
    return [{"id": f"AAMk-{n}", "subject": f"Talk {n}",
             "start": {"dateTime": f"2391-{1 + n % 12:02d}-{1 + n % 28:02d}T{n % 24:02d}:{n % 60:02d}:{n // 60 % 60:02d}.0000000",
                       "timeZone": "UTC"},
             "end": {"dateTime": f"2392-{1 + n % 12:02d}-{1 + n % 28:02d}T{n % 24:02d}:{n % 60:02d}:{n // 60 % 60:02d}.0000000",
                     "timeZone": "UTC"}} for n in range(EVENTS)]


def _google_items() -> list[dict]:
    return [{"id": f"ev{n}", "summary": f"Talk {n}",
             "start": {"dateTime": f"2391-{1 + n % 12:02d}-{1 + n % 28:02d}T{n % 24:02d}:{n % 60:02d}:{n // 60 % 60:02d}Z"},
             "end": {"dateTime": f"2392-{1 + n % 12:02d}-{1 + n % 28:02d}T{n % 24:02d}:{n % 60:02d}:{n // 60 % 60:02d}Z"}}
            for n in range(EVENTS)]


@pytest.mark.parametrize("source, envelope, items, memo_of", [
    ("graph", "value", _graph_items, lambda: graph_model._parsed),
    ("google", "items", _google_items, lambda: google_model._parsed),
])
def test_streamed_json_keeps_the_date_time_memo_bounded(source: str, envelope: str, items, memo_of,
                                                        tmp_path: Path) -> None:
    src = tmp_path / f"{source}.json"
    src.write_bytes(json.dumps({envelope: items()}).encode())
    out = tmp_path / "out.ics"
    result = pipeline.convert_file(src, out, to="ics", source=source, fallback=False, spool_report=False)
    assert result.streamed and result.items == EVENTS
    assert 0 < len(memo_of()) <= pipeline.STREAM_MEMO_ENTRIES  # 2 × 2600 distinct texts were parsed
    whole = ics_bridge.convert(src.read_bytes(), to="ics", source=source)
    assert out.read_bytes().replace(b"\r\n", b"\n").count(b"BEGIN:VEVENT") == EVENTS
    assert _without_stamps(out.read_bytes()) == _without_stamps(whole.to_bytes())
    assert [e.reason for e in result.report.entries] == [e.reason for e in whole.report.entries]


def _without_stamps(data: bytes) -> list[bytes]:
    return [line for line in data.splitlines() if not line.startswith(b"DTSTAMP:")]


def test_whole_file_conversions_keep_their_own_memo_limits() -> None:
    """Outside a streamed file, a memo keeps its own limit: the whole-file Graph reader parses a
    date-time when validating and again, thousands of events later, when mapping."""
    data = json.dumps({"value": _graph_items()}).encode()
    graph_model._parsed.clear()
    ics_bridge.convert(data, to="ics", source="graph")
    assert len(graph_model._parsed) >= 2 * EVENTS


def test_capped_bounds_every_memo_and_restores() -> None:
    seen: dict[int, int] = {}
    with memo.capped(3):
        for n in range(3):
            memo.remember(seen, n, n, 100)
        assert len(seen) == 3
        memo.remember(seen, 3, 3, 100)  # full at the cap: emptied first
        assert seen == {3: 3}
        with memo.capped(50):  # nested: the lower bound holds
            for n in range(4, 7):
                memo.remember(seen, n, n, 100)
            assert len(seen) <= 3
    seen.clear()
    for n in range(10):
        memo.remember(seen, n, n, 100)
    assert len(seen) == 10  # after the block: the memo's own limit again


def test_appended_starts_small_and_widens_past_four_bytes() -> None:
    idx = stream.small_ints()
    assert idx.itemsize == 4
    idx = stream.appended(idx, (1, 2, 3))
    idx = stream.appended(idx, (4, 2**31, 6))  # an offset past 2 GiB
    assert idx.itemsize == 8
    assert list(idx) == [1, 2, 3, 4, 2**31, 6]
    assert list(stream.appended(array("i"), (-5,))) == [-5]


def test_keyed_entries_order_positions_past_four_bytes() -> None:
    """A report entry's key is a byte position: past 2 GiB in a large file."""
    keyed = stream.KeyedEntries(spool=True)
    far, near = 3 * 2**31, 10
    keyed.add((15, far, 0), Loss(kind=LossKind.DROPPED, field="X-FAR", reason="far"))
    keyed.add((15, near, 0), Loss(kind=LossKind.DROPPED, field="X-NEAR", reason="near"))
    keyed.add((4, far + 1, 0), Loss(kind=LossKind.DROPPED, field="X-ZONE", reason="zone"))
    report = Report()
    keyed.into(report, [])
    assert [e.reason for e in report.entries] == ["zone", "near", "far"]


def test_json_spool_orders_keys_past_four_bytes() -> None:
    spool = stream._JsonSpool()
    spool.add({"n": 1}, key=2**33)
    spool.add({"n": 2}, key=5)
    out = io.BytesIO()
    spool.finish(out, {}, "value")
    assert [item["n"] for item in json.loads(out.getvalue())["value"]] == [2, 1]


def test_json_spool_takes_a_groups_items_at_once_past_four_bytes() -> None:
    """``add_items`` (one call a group): a key past four bytes within the group widens the
    index, none of the group's rows half added; the one item alone is written as jsonio.dumps."""
    spool = stream._JsonSpool()
    item = lambda n: stream.array_item(jsonio.dumps({"n": n, "a": [1, {"b": n}]}))  # noqa: E731
    spool.add_items([(7, item(1)), (2**40, item(2)), (3, item(3))])
    spool.add_items([])
    out = io.BytesIO()
    spool.finish(out, {}, "value")
    assert [item["n"] for item in json.loads(out.getvalue())["value"]] == [3, 1, 2]
    assert spool.index.typecode == "q" and len(spool.index) == 12
    one = stream._JsonSpool()
    one.add_items([(1, stream.array_item(jsonio.dumps({"n": 1, "a": {"b": [1, {"c": 2}]}})))])
    out = io.BytesIO()
    one.finish(out, {}, "value")
    assert out.getvalue() == jsonio.dumps({"n": 1, "a": {"b": [1, {"c": 2}]}}) + b"\n"


def test_capped_holds_in_its_own_thread_only() -> None:
    """A streamed conversion in one thread bounds the memos of that thread's work only."""
    import threading
    seen_elsewhere: dict[int, int] = {}
    inside, done = threading.Event(), threading.Event()

    def streamed() -> None:
        with memo.capped(2):
            inside.set()
            done.wait(5)

    other = threading.Thread(target=streamed)
    other.start()
    inside.wait(5)
    for n in range(10):
        memo.remember(seen_elsewhere, n, n, 100)
    done.set()
    other.join()
    assert len(seen_elsewhere) == 10


def test_recalled_makes_once_remembers_none_and_makes_unhashable_keys_each_time() -> None:
    made: list[object] = []

    def make(key: object) -> object:
        made.append(key)
        if isinstance(key, list):
            raise ValueError("a list")
        return None if key == "sentinel" else f"<{key}>"

    seen: dict[object, object] = {}
    assert memo.recalled(seen, "a", make, 10) == "<a>" and memo.recalled(seen, "a", make, 10) == "<a>"
    assert memo.recalled(seen, "sentinel", make, 10) is None and memo.recalled(seen, "sentinel", make, 10) is None
    assert made == ["a", "sentinel"]  # a remembered None is not made again
    with pytest.raises(ValueError):
        memo.recalled(seen, [1], make, 10)  # unhashable: made (and raising) as unmemoised
