"""``lazy_json.Encoded``: a list or dict (of plain JSON values) the journal line encodes in one
``json.dumps`` of its own without walking it (the ``--jobs`` parent journals every input's
entries).  Held to ``json.dumps`` of the plain value on the shapes ``test_lazy_json`` uses, at
the top or under walked dicts and lazy lists, compact and indented."""

from __future__ import annotations

import json

import pytest

from ics_bridge import lazy_json

from test_lazy_json import SHAPES


def _wrapped(value, encode_here: bool):
    """``value`` with its containers, level by level, either Encoded (plain JSON inside, as an
    Encoded holds) or walked (a dict) / Lazy (a list) with the next level wrapped again."""
    if not isinstance(value, (dict, list)):
        return value
    if encode_here:
        return lazy_json.Encoded(value)
    if isinstance(value, dict):
        return {k: _wrapped(v, True) for k, v in value.items()}
    return lazy_json.Lazy(iter([_wrapped(v, True) for v in value]))


@pytest.mark.parametrize("lazy", [True, False])
@pytest.mark.parametrize("indent", [None, 2])
@pytest.mark.parametrize("value", SHAPES)
def test_encoded_values_give_json_dumps_text(value, indent, lazy):
    """``lazy``: the value's containers walked and its children Encoded; else the value Encoded."""
    text = "".join(lazy_json.chunks({"result": _wrapped(value, not lazy), "after": [1]}, indent=indent))
    assert text == json.dumps({"result": value, "after": [1]}, indent=indent, ensure_ascii=False)


def test_encoded_is_not_walked_in_compact_output(monkeypatch: pytest.MonkeyPatch):
    walked = []
    real = lazy_json._marked

    def spy(value, lazies, compact):
        walked.append(value)
        return real(value, lazies, compact)

    monkeypatch.setattr(lazy_json, "_marked", spy)
    entries = [{"n": n} for n in range(50)]
    text = "".join(lazy_json.chunks({"entries": lazy_json.Encoded(entries)}))
    assert text == json.dumps({"entries": entries})
    assert not any(item in walked for item in entries)
