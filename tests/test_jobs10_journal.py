"""``FileResult.to_journal`` gives a list of entries (in memory already) as a plain list, not a
:class:`lazy_json.Lazy`: one ``json.dumps`` for the journal line instead of one per entry in the
``--jobs`` parent.  Held to the lazy form it replaces: the same journal text, byte for byte,
and the same result read back."""

from __future__ import annotations

import json

from ics_bridge import lazy_json
from ics_bridge.batch import FileError, FileResult
from ics_bridge.report import Loss, LossKind


def _result() -> FileResult:
    entries = [Loss(LossKind.DROPPED, "SEQUENCE", "Graph has no SEQUENCE", uid="a@x", file="in.ics"),
               Loss(LossKind.TIMEZONE_GUESSED, "DTSTART", "“Zürich” read as Europe/Zurich", uid="b\u2028@x",
                    recurrence_id="20240101T000000Z", before="Zürich", after="Europe/Zurich", file="in.ics",
                    guess=True),
               Loss(LossKind.VALUE_COLLAPSED, "CLASS", 'quote " and \\ backslash', file=None)]
    return FileResult("in.ics", "ics", 3, ["out/in.json"], entries, [FileError("in.ics", "event x: bad")],
                      ["a note"], False)


def test_journal_text_of_a_list_result_is_the_lazy_text():
    result = _result()
    lazy = {**result.to_journal(), "entries": lazy_json.Lazy(result.entries, Loss.as_dict)}
    for indent in (None, 2):
        assert "".join(lazy_json.chunks({"input": "in.ics", "result": result.to_journal()}, indent=indent)) == \
            "".join(lazy_json.chunks({"input": "in.ics", "result": lazy}, indent=indent))


def test_journal_result_reads_back_the_same():
    result = _result()
    back = FileResult.from_journal(json.loads("".join(lazy_json.chunks(result.to_journal()))))
    assert back.entries == result.entries and back.errors == result.errors
    assert (back.input, back.source, back.events, back.outputs, back.notes, back.failed) == \
        (result.input, result.source, result.events, result.outputs, result.notes, result.failed)
