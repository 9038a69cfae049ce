"""The streamed JSON → .ics path's shortcuts (issue 12, round 9), each held to what it replaces.

* pass 1 reads an item only when it may group: ``graph.to_ical.joins_nothing`` and
  ``google.to_ical.single_keys`` answer from the JSON alone as the parsed event would (corpus,
  samples and generated shapes: enum cases, the legacy PascalCase shape, tombstones, wrong types);
* a Google single known from its JSON alone that some instance names is read after the pass: one
  that fails to read names nothing (the whole-file reader never sees it as a master);
* pass 1 counts an item's depth on its bytes (``jsonio.nesting_depth``), at and over the limit;
* pass 2 reads an item from its bytes as the whole-file path does (``pipeline._read_item``);
* ``model_writer.EventWriter`` writes each event, one writer for all, as ``write_calendar`` does,
  with the zones of that event only;
* one "now" for the whole streamed conversion (``convert`` has one).
"""

from __future__ import annotations

import copy
import json
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterator

import pytest

import ics_bridge
from ics_bridge import Options, clock, pipeline
from ics_bridge import model as m
from ics_bridge.errors import InputError
from ics_bridge.io import jsonio
from ics_bridge.io import model_writer as mw
from ics_bridge.io.model_reader import read_calendar
from ics_bridge.limits import Limits
from ics_bridge.providers.google import reader as google_reader
from ics_bridge.providers.google import to_ical as google_in
from ics_bridge.providers.graph import reader as graph_reader
from ics_bridge.providers.graph import to_ical as graph_in

ROOT = Path(__file__).resolve().parent.parent
FIRST_OF = graph_in._property_ids()[0]


def _items(source: str) -> Iterator[dict[str, Any]]:
    """Every event object of the corpus and samples of ``source``."""
    paths = sorted((ROOT / "tests" / "corpus" / source).glob("*.json")) + sorted((ROOT / "samples" / source).glob("*.json"))
    for path in paths:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            for _where, raw in jsonio.entries(data):
                if isinstance(raw, dict):
                    yield raw
        except (ValueError, InputError):
            continue


def _graph_variants(raw: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """``raw`` and shapes that each condition of ``joins_nothing`` is there for."""
    yield raw
    for kind in ("singleInstance", "SingleInstance", "seriesMaster", "SERIESMASTER", "exception", "occurrence",
                 None, 7, ""):
        yield {**raw, "type": kind}
    yield {**raw, "type": "singleInstance", "exceptionOccurrences": [{"id": "x"}]}
    yield {**raw, "type": "singleInstance", "exceptionOccurrences": []}
    legacy = {("T" if k == "type" else k): v for k, v in raw.items()}
    yield {**legacy, "Type": "SeriesMaster"}
    yield {**raw, "type": "singleInstance", "Subject": "legacy"}
    props = [{"id": FIRST_OF, "value": "series@x"}]
    yield {**raw, "type": "singleInstance", "singleValueExtendedProperties": props}
    yield {**raw, "type": "singleInstance", "singleValueExtendedProperties": [{"id": FIRST_OF, "value": 3}]}
    yield {**raw, "type": "singleInstance", "singleValueExtendedProperties": {"id": FIRST_OF}}


def _graph_role(raw: dict[str, Any]) -> bool:
    """Whether the parsed event has a part in pass 1's grouping (as ``_json_to_ics`` reads it)."""
    try:
        e = graph_reader.parse_event(copy.deepcopy(raw))
    except InputError:
        return False
    return bool(e.type in ("seriesMaster", "occurrence", "exception") or e.exceptionOccurrences
                or graph_in._first_of(e) is not None)


def test_graph_joins_nothing_only_where_the_parsed_event_has_no_part() -> None:
    checked = said = 0
    for base in _items("graph"):
        for raw in _graph_variants(base):
            checked += 1
            if graph_in.joins_nothing(copy.deepcopy(raw)):
                said += 1
                assert not _graph_role(raw), raw
    assert checked > 200 and said > 20  # the shortcut is taken, and not everywhere


def _google_variants(raw: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield raw
    start = raw.get("start") or {"dateTime": "2026-01-05T10:00:00Z"}
    for status in ("confirmed", "tentative", "cancelled", "Cancelled", "CONFIRMED", None, 3):
        yield {**raw, "status": status}
    yield {k: v for k, v in raw.items() if k != "start"}  # no start: a tombstone or an error
    yield {**raw, "originalStartTime": start, "recurringEventId": "master"}
    yield {**raw, "originalStartTime": start, "iCalUID": "u@x"}
    yield {**raw, "originalStartTime": None}
    yield {**raw, "id": 5}
    yield {**raw, "iCalUID": ["u"]}
    yield {**raw, "iCalUID": ""}
    yield {k: v for k, v in raw.items() if k not in ("id", "iCalUID")}
    yield {**raw, "id": "", "iCalUID": None}
    yield {**raw, "summary": 12}  # refused by the reader


def test_google_single_keys_are_the_parsed_events_keys() -> None:
    checked = said = 0
    for base in _items("google"):
        for raw in _google_variants(base):
            checked += 1
            keys = google_in.single_keys(copy.deepcopy(raw))
            if keys is None:
                continue
            said += 1
            try:
                e = google_reader.parse_event(copy.deepcopy(raw))
            except InputError:
                continue  # read after pass 1 when named (test below)
            assert not e.is_instance and not (e.is_cancelled and e.start is None), raw
            assert keys == (e.id, google_in._uid_of(e)[0]), raw
    assert checked > 100 and said > 20


def _write(tmp_path: Path, name: str, data: Any) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


_DTSTAMP = re.compile(rb"DTSTAMP:\d{8}T\d{6}Z")


def _streamed_is_whole(path: Path, source: str, tmp_path: Path, options: Options = Options()) -> bytes:
    whole = ics_bridge.convert(path.read_bytes(), to="ics", source=source, file=str(path), options=options)
    out = tmp_path / "out.ics"
    result = pipeline.convert_file(path, out, to="ics", source=source, fallback=False, spool_report=False,
                                   options=options)
    assert result.streamed
    assert _DTSTAMP.sub(b"X", out.read_bytes()) == _DTSTAMP.sub(b"X", whole.to_bytes())
    assert [x.as_dict() for x in result.report] == [x.as_dict() for x in whole.report]
    assert list(map(str, result.errors)) == list(map(str, whole.errors))
    return out.read_bytes()


def _google_event(ident: str, uid: str, **more: Any) -> dict[str, Any]:
    return {"id": ident, "iCalUID": uid, "status": "confirmed", "summary": ident,
            "start": {"dateTime": "2026-01-05T10:00:00Z"}, "end": {"dateTime": "2026-01-05T11:00:00Z"}, **more}


def test_google_named_single_that_fails_to_read_is_no_master(tmp_path: Path) -> None:
    """Two singles with one id, the later one refused (no start): the instance joins the first,
    as the whole-file reader joins it (the last *read* single with its id)."""
    master = _google_event("m1", "u1@x", recurrence=["RRULE:FREQ=DAILY;COUNT=5"])
    broken = {k: v for k, v in _google_event("m1", "u1@x").items() if k not in ("start", "end")}
    moved = _google_event("m1_20260107T100000Z", "u1@x", recurringEventId="m1", summary="moved",
                          originalStartTime={"dateTime": "2026-01-07T10:00:00Z"},
                          start={"dateTime": "2026-01-07T12:00:00Z"}, end={"dateTime": "2026-01-07T13:00:00Z"})
    path = _write(tmp_path, "g.json", {"kind": "calendar#events", "items": [master, broken, moved]})
    out = _streamed_is_whole(path, "google", tmp_path)
    assert out.count(b"RECURRENCE-ID") == 1 and b"RRULE:FREQ=DAILY;COUNT=5" in out


def _graph_event(i: int, **more: Any) -> dict[str, Any]:
    return {"id": f"id{i}", "iCalUId": f"u{i}@x", "subject": f"s{i}", "type": "singleInstance",
            "start": {"dateTime": "2026-01-05T10:00:00.0000000", "timeZone": "UTC"},
            "end": {"dateTime": "2026-01-05T11:00:00.0000000", "timeZone": "UTC"}, **more}


def _nested(levels: int) -> Any:
    value: Any = "x"
    for _ in range(levels):
        value = {"k": ["[{", value]}  # brackets in strings: no level of their own
    return value


@pytest.mark.parametrize("over", [0, 1])
def test_item_depth_at_and_over_the_limit(over: int, tmp_path: Path) -> None:
    """An item nested to the limit converts, one level more is refused with ``convert``'s text."""
    extra = 6
    limits = Limits(max_json_depth=3 + 2 * extra - over)  # envelope, value array, the event, its nest
    options = Options(limits=limits)
    items = [_graph_event(1), _graph_event(2, extensions=_nested(extra))]
    path = _write(tmp_path, "deep.json", {"value": items})
    depth = jsonio.nesting_depth(path.read_bytes(), 1000)
    expected: Any
    try:
        ics_bridge.convert(path.read_bytes(), to="ics", source="graph", options=options)
        expected = None
    except InputError as exc:
        expected = str(exc)
    try:
        pipeline.convert_file(path, tmp_path / "out.ics", to="ics", source="graph", fallback=False, options=options)
        got = None
    except InputError as exc:
        got = str(exc)
    assert got == expected
    assert (expected is None) == (depth <= limits.max_json_depth) == (not over)


def test_pass_two_reads_each_item_from_its_bytes_as_the_whole_file_reader(tmp_path: Path) -> None:
    """``_read_item`` gives the reader's event for corpus items (and huge integers, surrogates)."""
    checked = 0
    for source, parse in (("graph", graph_reader.parse_event), ("google", google_reader.parse_event)):
        for raw in _items(source):
            for variant in (raw, {**raw, "sequence": 10 ** 20}, {**raw, "x-note": "lone \ud800, pair \U0001F600"}):
                text = json.dumps(variant).encode()  # ASCII: the surrogates as escapes
                try:
                    expected: Any = _seen(parse(jsonio.loads(text)))
                except InputError as exc:
                    expected = str(exc)
                try:
                    got: Any = _seen(pipeline._read_item(parse, text))
                except InputError as exc:
                    got = str(exc)
                assert got == expected
                checked += 1
    assert checked > 100


def _seen(event: Any) -> Any:
    """What the mapper sees of an event (a model or a stand-in): its class and its fields."""
    dump = event.wire() if hasattr(event, "wire") else event.model_dump(mode="json", exclude_none=True)
    return type(event).__name__, dump, event.extras() if hasattr(event, "extras") else None


def _calendars() -> Iterator[tuple[str, m.Calendar]]:
    for path in sorted((ROOT / "tests" / "corpus" / "ics").glob("*.ics"))[:80]:
        try:
            yield path.name, read_calendar(path.read_bytes().decode("utf-8"))
        except Exception:  # noqa: BLE001 - a file the reader refuses holds no event to write
            continue


@pytest.mark.parametrize("style", ["iana", "windows"])
def test_event_writer_writes_each_event_as_write_calendar(style: str) -> None:
    """One EventWriter for every event: each VEVENT's bytes as write_calendar writes that event
    alone, and the zones its values use as a fresh writer records them (not the earlier events')."""
    writer = mw.EventWriter(style)
    written = 0
    for name, cal in _calendars():
        for event in cal.events_in_file_order():
            if event.start is None:
                continue
            text, used, named, shared = writer.write(event)
            alone = mw.write_calendar(m.Calendar(series=(m.Series(event.uid or "", event),)), tzid_style=style)
            begin, end = alone.index(b"BEGIN:VEVENT"), alone.rindex(b"END:VEVENT\r\n") + len(b"END:VEVENT\r\n")
            assert text == alone[begin:end], name
            fresh = mw._Writer(style, folded=True)
            renamed, fresh_named = mw.kept_line_zones(event, fresh)
            fresh.event(renamed, [])
            assert (used, named, shared) == (fresh.used, fresh_named, fresh.shared), name
            written += 1
    assert written > 100


def test_one_now_for_the_whole_streamed_conversion(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Items without a timestamp get DTSTAMP "now": one instant for the file, as ``convert``
    gives (the clock moving during a long conversion does not split it)."""
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    ticks = iter(range(10 ** 6))
    real = clock.now_utc
    monkeypatch.setattr(clock, "now_utc", lambda: real() if clock._FIXED.get() else start + timedelta(seconds=next(ticks)))
    items = [_graph_event(i) for i in range(20)]
    path = _write(tmp_path, "now.json", {"value": items})
    out = tmp_path / "out.ics"
    assert pipeline.convert_file(path, out, to="ics", source="graph", fallback=False).streamed
    stamps = set(_DTSTAMP.findall(out.read_bytes()))
    assert len(stamps) == 1, stamps
