"""ics_bridge.lazy_json: the report and journal written piece by piece are json.dumps's bytes,
and a streamed file's entries stay on disk until written (memory flat at a million events)."""

from __future__ import annotations

import json

import pytest

from ics_bridge import lazy_json
from ics_bridge.batch import BatchResult, FileEntries, FileResult
from ics_bridge.io.stream import spooled_report
from ics_bridge.report import LossKind

SHAPES = [
    {"a": [], "b": 1},
    {"a": [1, "x"], "b": {"c": [{"d": "é\u2028\x00"}]}},
    {"outer": {"inner": [{"k": [1, 2]}, {"k": []}]}, "z": None},
    [{"a": [1]}, "two", []],
    {"only": [{"nested": {"deep": ["é", 2.5, True, None]}}]},
]


def _lazify(value):
    """Every list inside ``value`` as a Lazy list (generators, so they can be read once only)."""
    if isinstance(value, dict):
        return {k: _lazify(v) for k, v in value.items()}
    if isinstance(value, list):
        return lazy_json.Lazy(_lazify(v) for v in value)
    return value


@pytest.mark.parametrize("indent", [None, 2, 4])
@pytest.mark.parametrize("value", SHAPES)
def test_chunks_are_json_dumps_bytes_with_every_list_lazy(value, indent):
    lazy = _lazify(value) if isinstance(value, dict) else [_lazify(v) for v in value]
    assert "".join(lazy_json.chunks(lazy, indent=indent)) == json.dumps(value, indent=indent, ensure_ascii=False)


def test_encode_is_applied_per_item():
    lazy = {"entries": lazy_json.Lazy(range(3), lambda n: {"n": n})}
    assert lazy_json.dumps(lazy, indent=2) == json.dumps({"entries": [{"n": 0}, {"n": 1}, {"n": 2}]},
                                                         indent=2).encode()


def _streamed_result(n: int) -> FileResult:
    report = spooled_report("big.ics")
    for k in range(n):
        report.add(LossKind.ALARM_DROPPED, "VALARM", f"reminder {k}", uid=f"u{k}")
    result = FileResult("big.ics", "ics", events=n, outputs=["big.json"])
    result.entries = FileEntries(report.entries, "big.ics")
    return result


def test_report_chunks_equal_the_report_dict_with_spooled_entries():
    batch = BatchResult(files=[_streamed_result(5), FileResult("empty.ics", "ics")], written=["big.json"])
    text = b"".join(batch.report_chunks())
    assert text == (json.dumps(batch.report_dict(), indent=2, ensure_ascii=False) + "\n").encode()
    assert json.loads(text)["summary"]["losses"] == 5
    assert [e["uid"] for e in json.loads(text)["entries"]] == [f"u{k}" for k in range(5)]


def test_report_reaches_its_destination_in_blocks_not_one_write_per_entry():
    """A small report is one write (a pipe closed early by ``head`` breaks nothing, as on main);
    a long one is cut near 64 KiB, never held whole."""
    small = list(BatchResult(files=[_streamed_result(5)], written=["big.json"]).report_chunks())
    assert len(small) == 1
    big = BatchResult(files=[_streamed_result(3000)], written=["big.json"])
    blocks = list(big.report_chunks())
    assert b"".join(blocks) == (json.dumps(big.report_dict(), indent=2, ensure_ascii=False) + "\n").encode()
    assert len(blocks) > 3
    assert all(1 << 16 <= len(b) < (1 << 16) + 1024 for b in blocks[:-1])


def test_file_entries_name_their_file_and_pickle_as_a_list():
    import pickle
    entries = _streamed_result(3).entries
    assert isinstance(entries, FileEntries) and len(entries) == 3
    assert [e.file for e in entries] == ["big.ics"] * 3
    assert pickle.loads(pickle.dumps(entries)) == list(entries)
    assert isinstance(pickle.loads(pickle.dumps(entries)), list)


def test_journal_line_is_the_json_of_the_result(tmp_path):
    from ics_bridge.journal import Journal
    journal = Journal(tmp_path / "j", "fp", resume=False)
    result = _streamed_result(4)
    journal.record({"input": "big.ics", "result": result.to_journal()})
    journal.close(finished=False)
    back = Journal(tmp_path / "j", "fp", resume=True).previous["big.ics"]["result"]
    again = FileResult.from_journal(back)
    assert list(again.entries) == list(result.entries)
    assert again.events == 4


@pytest.mark.parametrize("indent", [None, 2])
def test_flat_items_are_one_dumps_each_and_the_same_text(indent, monkeypatch):
    """A lazy list of flat dicts (report entries' ``as_dict``) is encoded item by item with one
    ``json.dumps`` each, not walked for lazy lists first; the text is ``json.dumps``'s all the
    same.  Items with a list inside, or a value of another type (a str subclass), still take the
    walk."""
    class Tag(str):
        pass

    flat = [{"kind": "stashed", "field": "SEQUENCE", "reason": "é\u2028\x00 \"q\"", "uid": None, "guess": True,
             "n": 3, "x": 2.5} for _ in range(3)]
    nested = [{"a": [1, {"b": None}]}, {"t": Tag("tag")}]
    walked: list[object] = []
    real = lazy_json._marked

    def marked(value, lazies, compact):
        walked.append(value)
        return real(value, lazies, compact)

    monkeypatch.setattr(lazy_json, "_marked", marked)
    value = {"entries": lazy_json.Lazy(iter(flat)), "rest": lazy_json.Lazy(iter(nested))}
    text = "".join(lazy_json.chunks(value, indent=indent))
    assert text == json.dumps({"entries": flat, "rest": nested}, indent=indent, ensure_ascii=False)
    assert not any(item in walked for item in flat)
    assert all(item in walked for item in nested)
