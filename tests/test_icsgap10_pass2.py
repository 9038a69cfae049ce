"""Round 10 (icsgap10): per-group shortcuts of the streamed .ics → JSON pass 2, each held to the
path it skips:

* :func:`quirks.apply_model_quirks` calls ``on_step`` only after a step that reported something
  or refused an event: every entry and error must still be placed at the step that made it
  (the streamed path keys each one by it);
* ``ics_model._Checks.without_duplicates`` returns a lone event without its loop: the loop's result;
* ``pipeline._GroupConverter.convert`` reports a UID's twin masters only for a group of several
  series (``_duplicate_uids``): a file with twins streams as the whole-file run reports it.
"""

from __future__ import annotations

import io
import random
from pathlib import Path
from typing import Any

import pytest

import ics_bridge
from ics_bridge import pipeline, quirks
from ics_bridge.io import ics_model, jsonio, stream
from ics_bridge.options import Options
from ics_bridge.report import Report

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted((ROOT / "tests" / "corpus" / "ics").glob("*.ics")) + sorted((ROOT / "tests" / "producers").glob("*.ics")) \
    + sorted((ROOT / "samples").glob("*/*.ics"))

# the step each quirk's entries belong to (apply_model_quirks' numbering); the chain's is 1
_STEP_OF = {quirks.x_wr_timezone: 0, quirks.all_day_recurrence_id: 2, quirks.rdate_period: 3, quirks.series_zone: 4,
            quirks.date_on_timed_series: 5}


def _attributed(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Patches every quirk's ``apply`` to note which step each report entry came from, and the
    streamed path's ``apply_model_quirks`` to note where ``on_step`` placed it; one record per call."""
    calls: list[dict[str, Any]] = []
    current: dict[str, Any] = {}

    for module in (*quirks._CHAIN, *_STEP_OF):
        def noted(*args: Any, _apply: Any = module.apply, _module: Any = module) -> Any:
            report = next(a for a in args if isinstance(a, Report))
            before = len(report)
            try:
                return _apply(*args)
            finally:
                current["made"].extend([_STEP_OF.get(_module, 1)] * (len(report) - before))
        monkeypatch.setattr(module, "apply", noted)

    real = quirks.apply_model_quirks

    def checked(cal: Any, events: Any, report: Report, **kw: Any) -> Any:
        on_step = kw.pop("on_step")
        start = len(report)
        record = {"made": [], "placed": [], "errors": []}
        current.update(record)
        calls.append(record)

        def step(number: int, event: Any, errors: int) -> None:
            record["placed"].extend([number] * (len(report) - start - len(record["placed"])))
            record["errors"].append((number, errors))
            on_step(number, event, errors)

        out = real(cal, events, report, on_step=step, **kw)
        record["final_errors"] = len(out[1])
        return out

    monkeypatch.setattr(stream, "apply_model_quirks", checked)
    return calls


def test_on_step_places_every_entry_at_its_step(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On the corpus, streamed: each quirk entry is placed by the first ``on_step`` call after
    it, with the number of the step that made it; the last call sees every error."""
    calls = _attributed(monkeypatch)
    for path in FILES:
        try:
            pipeline.convert_file(path, tmp_path / "out.json", to="graph", fallback=False, spool_report=False)
        except stream.StreamUnsupported:
            continue
        except Exception:  # noqa: BLE001 - a file pass 1 or the reader refuses: test_stream's
            continue
    made = [c for c in calls if c["made"]]
    assert len(made) > 10 and {n for c in made for n in c["made"]} >= {0, 1, 2, 3, 5}, "the corpus exercises the quirks"
    for record in calls:
        assert record["placed"] == record["made"]
        if record["final_errors"]:
            assert record["errors"][-1][1] == record["final_errors"]


def test_on_step_called_only_when_something_was_added(tmp_path: Path) -> None:
    """A group whose quirks report nothing: ``on_step`` is not called at all (the shortcut);
    one whose chain reports (a DTEND before its DTSTART): called once, at step 1."""
    def called(extra: str) -> list[int]:
        path = tmp_path / "one.ics"
        path.write_bytes(("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:x\r\n"
                          "DTSTAMP:20240101T000000Z\r\nDTSTART:20240102T090000Z\r\n" + extra
                          + "END:VEVENT\r\nEND:VCALENDAR\r\n").encode())
        idx = stream.index_ics(path, Report())
        reader = stream._GroupReader(idx, None, Options())
        seen: list[int] = []
        real = quirks.apply_model_quirks

        def spy(*args: Any, on_step: Any, **kw: Any) -> Any:
            return real(*args, on_step=lambda n, e, k: (seen.append(n), on_step(n, e, k)), **kw)

        stream.apply_model_quirks = spy  # type: ignore[assignment]
        try:
            for blocks, data in stream._iter_groups(idx):
                reader.calendar(blocks, data, Report(), [], None)
        finally:
            stream.apply_model_quirks = real  # type: ignore[assignment]
        return seen

    assert called("DTEND:20240102T100000Z\r\n") == []
    assert called("DTEND:20240101T100000Z\r\n") == [1]


def test_lone_event_without_duplicates_is_the_loops_result() -> None:
    """One event alone (the shortcut) and the same event beside a non-event item (the loop):
    the same events, nothing reported, ``order`` kept."""
    seen = 0
    for path in FILES:
        idx = None
        try:
            idx = stream.index_ics(path, Report())
        except Exception:  # noqa: BLE001 - pass 1 refuses it: nothing streamed
            continue
        reader = stream._GroupReader(idx, None, Options())
        for blocks, data in stream._iter_groups(idx):
            for name, typed, _text in reader._reader(data, Report()).components(0):
                if name != "VEVENT":
                    continue
                alone = ics_model._Checks(reader.zone_checks.reader, Report(), [])
                alone.order = [typed]
                looped = ics_model._Checks(reader.zone_checks.reader, Report(), [])
                other = object()
                looped.order = [typed, other]
                assert alone.without_duplicates([]) == looped.without_duplicates([]) == [typed]
                assert alone.order == [typed] and looped.order == [typed, other]
                assert len(alone.report) == len(looped.report) == 0
                seen += 1
    assert seen > 100


def _twins(tmp_path: Path) -> Path:
    """Twin masters (one UID, no RECURRENCE-ID: iTIP versions), a twin with an override, and
    plain events around them."""
    def event(uid: str, n: int, extra: str = "") -> str:
        return (f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20240101T000000Z\r\nDTSTART:2024010{n}T090000Z\r\n"
                f"DTEND:2024010{n}T100000Z\r\nSUMMARY:s{n}\r\n{extra}END:VEVENT\r\n")
    body = (event("a", 1) + event("twin", 2) + event("b", 3) + event("twin", 4)
            + event("twin2", 5, "RRULE:FREQ=DAILY;COUNT=3\r\n") + event("twin2", 6)
            + event("twin2", 7, "RECURRENCE-ID:20240105T090000Z\r\n") + event("c", 8))
    path = tmp_path / "twins.ics"
    path.write_bytes(("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n" + body + "END:VCALENDAR\r\n").encode())
    return path


@pytest.mark.parametrize("to", ["graph", "google"])
def test_twin_masters_stream_as_whole(tmp_path: Path, to: str) -> None:
    """A group of several series reports its UID's later masters where the whole file does."""
    path = _twins(tmp_path)
    conv = ics_bridge.convert(path.read_bytes(), to=to, source="ics", file=str(path))
    out = tmp_path / "out.json"
    result = pipeline.convert_file(path, out, to=to, fallback=False, spool_report=False)
    assert result.streamed
    assert out.read_bytes() == conv.to_bytes()
    texts = [e.as_text() for e in conv.report]
    assert [e.as_text() for e in result.report] == texts
    assert sum("another VEVENT has this UID" in t for t in texts) == 2


def _spooled(items: list[tuple[int, Any]], envelope: dict[str, Any]) -> bytes:
    spool = stream._JsonSpool()
    for key, item in items:
        spool.add(item, key)
    out = io.BytesIO()
    spool.finish(out, envelope, "value")
    return out.getvalue()


def _expected(items: list[tuple[int, Any]], envelope: dict[str, Any]) -> bytes:
    """What ``Conversion.to_bytes`` writes: the one item, or the envelope around the items in
    key order (arrival order under one key)."""
    ordered = [item for _key, _seq, item in sorted((k, n, it) for n, (k, it) in enumerate(items))]
    if len(ordered) == 1:
        return jsonio.dumps(ordered[0]) + b"\n"
    return jsonio.dumps({**envelope, "value": ordered}) + b"\n"


@pytest.mark.parametrize("chunk", [1, 7, 300, 1 << 20])
def test_json_spool_chunks_are_the_items_in_key_order(chunk: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Items written in chunks and read back straight (keys in order) or by seeks (a key out
    of order): the envelope around the items in key order, whatever the chunk size."""
    monkeypatch.setattr(stream, "SPOOL_CHUNK", chunk)
    rng = random.Random(chunk)

    def item(n: int) -> dict[str, Any]:
        return {"id": f"e{n}", "subject": "x" * rng.randrange(0, 40), "body": {"lines": ["a\nb", n, None]},
                "nested": [{"k": [1, 2.5]}] * rng.randrange(0, 3)}

    envelope = {"@odata.context": "c", "n": 1}
    for count in (0, 1, 2, 3, 50, 400):
        in_order = [(k * 3, item(k)) for k in range(count)]
        assert _spooled(in_order, envelope) == _expected(in_order, envelope)
        same_key = [(5, item(k)) for k in range(count)]
        assert _spooled(same_key, envelope) == _expected(same_key, envelope)
        if count > 1:
            moved = list(in_order)
            moved.append((1, item(count)))  # a second master of a UID: its place is earlier
            assert _spooled(moved, envelope) == _expected(moved, envelope)
            shuffled = [(rng.randrange(0, 20), it) for _k, it in in_order]
            assert _spooled(shuffled, envelope) == _expected(shuffled, envelope)
