"""The streaming path (``ics_bridge.io.stream``) writes the very bytes ``ics_bridge.convert``
writes, on every corpus file both can read; and it reads one series at a time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import ics_bridge
from ics_bridge import pipeline
from ics_bridge.io import stream
from ics_bridge.report import Loss, LossKind, Report

CORPUS = Path(__file__).resolve().parent / "corpus" / "ics"
FILES = sorted(CORPUS.glob("*.ics"))


def _whole(path: Path, to: str) -> bytes | type[Exception]:
    try:
        conv = ics_bridge.convert(path.read_bytes(), to=to, source="ics", file=str(path))
    except Exception as exc:  # noqa: BLE001 - the streaming path must fail the same way
        return type(exc)
    return conv.to_bytes()


@pytest.mark.parametrize("to", ["graph", "google"])
@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_stream_output_identical_to_convert(path: Path, to: str, tmp_path: Path) -> None:
    expected = _whole(path, to)
    if not isinstance(expected, bytes):
        with pytest.raises((expected, stream.StreamUnsupported)):
            pipeline.convert_file(path, tmp_path / "out", to=to, fallback=False)
        return
    try:
        result = pipeline.convert_file(path, tmp_path / "out", to=to, fallback=False)
    except stream.StreamUnsupported:
        # a bare VEVENT without VCALENDAR: convert_file takes the whole-file path by itself
        result = pipeline.convert_file(path, tmp_path / "out", to=to)
        assert not result.streamed
    else:
        assert result.streamed
    assert (tmp_path / "out").read_bytes() == expected


# Every .ics file of the corpus, the producers' files and the samples: the streamed report is
# the whole-file report, entry for entry, in order (io.stream.KeyedEntries).
ROOT = Path(__file__).resolve().parent.parent
REPORT_FILES = FILES + sorted((ROOT / "tests" / "producers").glob("*.ics")) + sorted((ROOT / "samples").glob("*/*.ics"))


@pytest.mark.parametrize("to", ["graph", "google"])
@pytest.mark.parametrize("path", REPORT_FILES, ids=lambda p: p.name)
def test_stream_report_identical_to_convert(path: Path, to: str, tmp_path: Path) -> None:
    """The streamed report is the whole-file report: the same entries in the same order (the
    encoding repair with its byte, the event numbers of the checks, a UID's second master...)."""
    try:
        conv = ics_bridge.convert(path.read_bytes(), to=to, source="ics", file=str(path))
    except Exception:  # noqa: BLE001 - a failing file has no report (its failure is held above)
        return
    try:
        result = pipeline.convert_file(path, tmp_path / "out", to=to, fallback=False, spool_report=False)
    except stream.StreamUnsupported:
        return
    assert [e.as_text() for e in result.report] == [e.as_text() for e in conv.report]
    assert [str(e) for e in result.errors] == [str(e) for e in conv.errors]


# Files whose groups report in another order than the whole file's phases (checks, duplicates,
# zones, X-WR-TIMEZONE, quirks, THISANDFUTURE splits, writer) or report outside any VEVENT.
REORDERED = ["ical.net__Parse1.ics", "icalendar__rfc_7529.ics", "icalevents__cest.ics",
             "khal__cal_lots_of_timezones.ics", "khal__event_dt_mixed_awareness.ics", "libical__2446.ics",
             "node-ical__Office-2012-owa.ics", "node-ical__test_with_int_tzid.ics",
             "recurring-ical-events__issue_28_rrule_with_UTC_endinginZ.ics",
             "recurring-ical-events__recurring_events_changed_duration.ics", "icalendar__issue_350.ics",
             "ics-parser__ICal.ics", "recurring-ical-events__daylight_saving_time.ics",
             "recurring-ical-events__x_wr_timezone_simple_events_issue_59.ics"]


@pytest.mark.parametrize("name", REORDERED)
def test_stream_report_order_spooled_and_in_workers(name: str, tmp_path: Path) -> None:
    """The sort into the whole-file order holds with the report spooled to disk and with the
    groups converted by worker processes (their entries come back with their keys)."""
    path = CORPUS / name
    conv = ics_bridge.convert(path.read_bytes(), to="graph", source="ics", file=str(path))
    expected = [e.as_text() for e in conv.report]
    assert len(expected) > 1
    for jobs in (1, 2):
        result = pipeline.convert_file(path, tmp_path / "out", to="graph", fallback=False, jobs=jobs)
        assert [e.as_text() for e in result.report] == expected
        assert [str(e) for e in result.errors] == [str(e) for e in conv.errors]
        assert (tmp_path / "out").read_bytes() == conv.to_bytes()


def _interleaved(seed: int) -> bytes:
    """A calendar whose UIDs interleave (overrides far from their master, twin masters), each
    event with something to report in another phase: a check, a quirk, a writer loss."""
    import random
    rnd = random.Random(seed)
    parts = [b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nX-WR-TIMEZONE:Europe/Berlin\r\n"]
    for n in range(30):
        day, kind = 10 + n % 15, rnd.randrange(6)
        lines = [f"UID:u{rnd.randrange(6)}", "DTSTAMP:20240101T000000Z"]
        if rnd.random() < 0.4:
            lines.append(f"RECURRENCE-ID:202401{day:02d}T100000Z")
        lines.append(f"DTSTART{';TZID=W. Europe Standard Time' if kind == 0 else ''}:202401{day:02d}T100000"
                     f"{'Z' if kind else ''}")
        lines += {1: [f"DTEND:202401{day:02d}T090000Z"], 2: ["RRULE:FREQ=WEEKLY;UNTIL=20240301"], 3: ["SEQUENCE:2"],
                  4: ["BEGIN:VALARM", "ACTION:AUDIO", "TRIGGER:-PT30M", "END:VALARM", "BEGIN:VALARM",
                      "ACTION:DISPLAY", "DESCRIPTION:x", "TRIGGER:-PT10M", "END:VALARM"]}.get(kind, [])
        parts.append("\r\n".join(["BEGIN:VEVENT", *lines, f"SUMMARY:e{n}", "END:VEVENT", ""]).encode())
    return b"".join(parts) + b"END:VCALENDAR\r\n"


@pytest.mark.parametrize("seed", range(8))
def test_stream_report_order_on_generated_interleaved_groups(seed: int, tmp_path: Path) -> None:
    path = tmp_path / "gen.ics"
    path.write_bytes(_interleaved(seed))
    for to in ("graph", "google"):
        conv = ics_bridge.convert(path.read_bytes(), to=to, source="ics", file=str(path))
        assert len({e.field for e in conv.report}) >= 4
        result = pipeline.convert_file(path, tmp_path / "out", to=to, fallback=False)
        assert [e.as_text() for e in result.report] == [e.as_text() for e in conv.report]
        assert [str(e) for e in result.errors] == [str(e) for e in conv.errors]
        assert (tmp_path / "out").read_bytes() == conv.to_bytes()


def test_keyed_entries_add_the_x_wr_timezone_counts() -> None:
    """Each group reports its own X-WR-TIMEZONE count; the file's report has one entry, the sum."""
    keyed = stream.KeyedEntries(spool=False)
    for n in (2, 3):
        group = Report()
        group.add(LossKind.QUIRK_REPAIRED, "X-WR-TIMEZONE", f"{n} UTC value(s) read in the calendar zone Europe/Berlin")
        group.add(LossKind.MAPPING_CHOICE, "SUMMARY", f"written {n}")
        keyed.add((7, 0, 0), group.entries[0])
        keyed.add((15, n, 0), group.entries[1])
    keyed.add((3, 9, 0), Loss(LossKind.INVALID_VALUE, "UID", "check"))
    out = Report()
    keyed.into(out, [])
    assert [e.reason for e in out] == ["check", "5 UTC value(s) read in the calendar zone Europe/Berlin",
                                       "written 2", "written 3"]


def test_stream_report_names_the_first_bad_byte_and_joins_split_folds(tmp_path: Path) -> None:
    """ics.decode's two encoding repairs, made and reported by pass 1 as the whole file reports them."""
    head = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n"
    event = (b"BEGIN:VEVENT\r\nUID:u%d\r\nDTSTAMP:20240101T000000Z\r\nDTSTART:20240102T100000Z\r\n"
             b"SUMMARY:caf\xc3\r\n \xa9 %d\r\nEND:VEVENT\r\n")
    split = head + b"".join(event % (k, k) for k in range(3)) + b"END:VCALENDAR\r\n"
    latin = split.replace(b"\xc3\r\n \xa9", b"\xe9")
    for name, data in (("split.ics", split), ("latin.ics", latin), ("bom.ics", b"\xef\xbb\xbf" + latin)):
        path = tmp_path / name
        path.write_bytes(data)
        conv = ics_bridge.convert(data, to="graph", source="ics", file=str(path))
        result = pipeline.convert_file(path, tmp_path / "out", to="graph", fallback=False, spool_report=False)
        assert [e.as_text() for e in result.report] == [e.as_text() for e in conv.report]
        assert any(e.field == "encoding" for e in conv.report)
        assert (tmp_path / "out").read_bytes() == conv.to_bytes()


def test_most_corpus_files_stream(tmp_path: Path) -> None:
    """Only bare VEVENTs (no VCALENDAR) fall back to the whole-file path."""
    unsupported = []
    for path in FILES:
        try:
            pipeline.convert_file(path, tmp_path / "o", to="graph", fallback=False)
        except stream.StreamUnsupported:
            unsupported.append(path.name)
        except Exception:  # noqa: BLE001 - failing files are held to the whole path's failure above
            pass
    assert len(unsupported) <= 0.1 * len(FILES), unsupported


def test_fallback_writes_whole_file_output(tmp_path: Path) -> None:
    bare = tmp_path / "bare.ics"
    bare.write_bytes(b"BEGIN:VEVENT\r\nUID:a@b\r\nDTSTAMP:20240101T000000Z\r\nDTSTART:20240102T100000Z\r\n"
                     b"SUMMARY:x\r\nEND:VEVENT\r\n")
    result = pipeline.convert_file(bare, tmp_path / "o.json", to="graph")
    assert not result.streamed
    assert (tmp_path / "o.json").read_bytes() == ics_bridge.convert(bare.read_bytes(), to="graph").to_bytes()


FAR = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n"
       b"BEGIN:VEVENT\r\nUID:s1\r\nDTSTAMP:20240101T000000Z\r\nDTSTART;TZID=Europe/Berlin:20240108T100000\r\n"
       b"DTEND;TZID=Europe/Berlin:20240108T110000\r\nRRULE:FREQ=WEEKLY;COUNT=5\r\nSUMMARY:master\r\nEND:VEVENT\r\n"
       b"BEGIN:VEVENT\r\nUID:single\r\nDTSTAMP:20240101T000000Z\r\nDTSTART:20240109T100000Z\r\nSUMMARY:single\r\nEND:VEVENT\r\n"
       b"BEGIN:VEVENT\r\nUID:s1\r\nDTSTAMP:20240101T000000Z\r\nDTSTART;TZID=Europe/Berlin:20240108T100000\r\n"
       b"SUMMARY:twin master\r\nEND:VEVENT\r\n"
       b"BEGIN:VEVENT\r\nUID:s1\r\nDTSTAMP:20240101T000000Z\r\nRECURRENCE-ID;TZID=Europe/Berlin:20240115T100000\r\n"
       b"DTSTART;TZID=Europe/Berlin:20240115T120000\r\nDTEND;TZID=Europe/Berlin:20240115T130000\r\n"
       b"SUMMARY:far override\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")


def test_series_index_groups_far_overrides_and_twins(tmp_path: Path) -> None:
    path = tmp_path / "far.ics"
    path.write_bytes(FAR)
    idx = stream.index_ics(path, Report())
    assert list(idx.series) == [0, 1, 0, 0]  # one group per UID, however far apart
    cals = list(stream.iter_series_calendars(idx, Report()))
    assert [sum(len(s.events) for s in c.series) for c in cals] == [3, 1]
    # ...written in group_series order: the second master is its own series, at its own place
    for to in ("graph", "google"):
        pipeline.convert_file(path, tmp_path / to, to=to, fallback=False)
        assert (tmp_path / to).read_bytes() == ics_bridge.convert(FAR, to=to).to_bytes()


def test_folded_uid_and_crlf_free_input(tmp_path: Path) -> None:
    text = FAR.replace(b"UID:s1\r\n", b"UID:s\r\n 1\r\n").replace(b"\r\n", b"\n")
    path = tmp_path / "lf.ics"
    path.write_bytes(text)
    idx = stream.index_ics(path, Report())
    assert list(idx.series) == [0, 1, 0, 0]
    pipeline.convert_file(path, tmp_path / "o", to="graph", fallback=False)
    assert (tmp_path / "o").read_bytes() == ics_bridge.convert(text, to="graph").to_bytes()


# ------------------------------------------------------------------------------------------------
# JSON input, item by item
# ------------------------------------------------------------------------------------------------

import re  # noqa: E402

_DTSTAMP = re.compile(rb"DTSTAMP:\d{8}T\d{6}Z")


def _same_ics(a: bytes, b: bytes) -> bool:
    """Equal but for DTSTAMP, which the Graph/Google readers set to "now" when the JSON has none."""
    return _DTSTAMP.sub(b"DTSTAMP:X", a) == _DTSTAMP.sub(b"DTSTAMP:X", b)


def _check_json(path: Path, source: str, tmp_path: Path) -> bool:
    try:
        expected: bytes | type[Exception] = ics_bridge.convert(path.read_bytes(), to="ics", source=source,
                                                               file=str(path)).to_bytes()
    except Exception as exc:  # noqa: BLE001
        expected = type(exc)
    out = tmp_path / "out.ics"
    try:
        result = pipeline.convert_file(path, out, to="ics", source=source, fallback=False)
    except stream.StreamUnsupported:
        return False
    except Exception as exc:  # noqa: BLE001
        assert not isinstance(expected, bytes), f"streaming failed where convert did not: {exc!r}"
        assert isinstance(exc, expected)
        return True
    assert isinstance(expected, bytes), f"convert failed ({expected}) where streaming did not"
    assert result.streamed
    assert _same_ics(out.read_bytes(), expected)
    return True


@pytest.mark.parametrize("source", ["graph", "google"])
def test_json_stream_identical_on_corpus(source: str, tmp_path: Path) -> None:
    files = sorted((CORPUS.parent / source).glob("*.json"))
    streamed = [p.name for p in files if _check_json(p, source, tmp_path)]
    assert streamed  # list responses stream; single resources fall back


@pytest.mark.parametrize("source", ["graph", "google"])
@pytest.mark.parametrize("path", [p for p in FILES if b"RECURRENCE-ID" in p.read_bytes()],
                         ids=lambda p: p.name)
def test_json_stream_identical_on_series_made_from_corpus(path: Path, source: str, tmp_path: Path) -> None:
    """Masters with exceptions/instances/tombstones: the corpus's recurring .ics files through
    the library to JSON, reversed (the exceptions moved before their masters), read back."""
    try:
        data = ics_bridge.convert(path.read_bytes(), to=source, source="ics").data
    except Exception:  # noqa: BLE001
        pytest.skip("does not convert")
    key = "value" if source == "graph" else "items"
    items = data.get(key, [data]) if isinstance(data, dict) else [data]
    envelope = {k: v for k, v in data.items() if k != key} if isinstance(data, dict) and key in data else {}
    import json
    for order in (items, items[::-1]):
        src = tmp_path / f"{source}.json"
        src.write_text(json.dumps({**envelope, key: order}, ensure_ascii=False), encoding="utf-8")
        assert _check_json(src, source, tmp_path)


def test_json_items_splitter_offsets_and_chunks(tmp_path: Path) -> None:
    import json
    items = [{"id": str(i), "subject": "é" * (i % 7) + "日本" * (i % 3), "n": i * 1.5} for i in range(300)]
    path = tmp_path / "x.json"
    path.write_text(json.dumps({"@odata.context": "https://graph.microsoft.com/v1.0/x", "value": items,
                                "@odata.nextLink": "n"}, ensure_ascii=False, indent=1), encoding="utf-8")
    reader = stream.JsonItems(path)
    reader.CHUNK = 64  # items straddle chunk and UTF-8 boundaries
    seen = list(reader)
    assert [item for _o, _l, item in seen] == items
    assert reader.fields == {"@odata.context": "https://graph.microsoft.com/v1.0/x", "@odata.nextLink": "n"}
    with open(path, "rb") as fh:
        for offset, length, item in seen:
            assert reader.load(offset, length, fh) == item


def test_graph_grouping_edge_cases(tmp_path: Path) -> None:
    """Occurrences with and without a master, an exception before its master, an exception
    joining by UID only, a removal and an orphan exception, in one list."""
    import json
    start = {"dateTime": "2024-01-08T10:00:00.0000000", "timeZone": "Europe/Berlin"}
    end = {"dateTime": "2024-01-08T11:00:00.0000000", "timeZone": "Europe/Berlin"}
    rec = {"pattern": {"type": "weekly", "interval": 1, "daysOfWeek": ["monday"]},
           "range": {"type": "numbered", "startDate": "2024-01-08", "numberOfOccurrences": 5,
                     "recurrenceTimeZone": "Europe/Berlin"}}

    def exc(i: str, master: str | None, day: int, **kw: object) -> dict:
        return {"id": i, "type": "exception", **({"seriesMasterId": master} if master else {}),
                "subject": f"exc {i}", "originalStart": f"2024-01-{day:02d}T09:00:00Z",
                "start": {**start, "dateTime": f"2024-01-{day:02d}T12:00:00.0000000"},
                "end": {**end, "dateTime": f"2024-01-{day:02d}T13:00:00.0000000"}, **kw}

    value = [
        exc("E1", "M1", 15),
        {"id": "O1", "type": "occurrence", "seriesMasterId": "M1", "start": start, "end": end},
        {"id": "O2", "type": "occurrence", "subject": "lone occurrence", "start": start, "end": end},
        {"id": "S1", "type": "singleInstance", "subject": "single", "start": start, "end": end},
        {"id": "M1", "type": "seriesMaster", "iCalUId": "uid-m1", "subject": "master", "start": start,
         "end": end, "recurrence": rec},
        exc("E2", None, 22, iCalUId="uid-m1"),
        {"id": "R1", "@removed": {"reason": "deleted"}},
        exc("E3", "NOPE", 29),
        exc("E4", "M1", 29),
    ]
    path = tmp_path / "g.json"
    path.write_text(json.dumps({"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#x", "value": value}),
                    encoding="utf-8")
    assert _check_json(path, "graph", tmp_path)


def test_streamed_report_is_spooled_and_complete(tmp_path: Path) -> None:
    path = CORPUS / "ical-py__recurring_with_single_change.ics"
    whole = ics_bridge.convert(path.read_bytes(), to="graph", source="ics", file=str(path)).report
    result = pipeline.convert_file(path, tmp_path / "o", to="graph", fallback=False)
    assert isinstance(result.report.entries, stream.SpooledEntries)
    assert sorted(map(repr, result.report)) == sorted(map(repr, whole))
    assert len(result.report) == len(whole) and result.report.of_kind(next(iter(whole)).kind)
    memory = pipeline.convert_file(path, tmp_path / "o", to="graph", fallback=False, spool_report=False).report
    assert list(memory) == list(result.report)


@pytest.mark.parametrize("source", ["graph", "google"])
@pytest.mark.parametrize("envelope", ["page", "bare"])
def test_json_stream_reports_bad_items_and_converts_the_rest(source: str, envelope: str, tmp_path: Path) -> None:
    """Issue 15: a null, a string, a number and an event with a field of the wrong type among the
    samples' events; the stream (one and two jobs) used to refuse the file at the first
    non-object; now it reports each by its place, like ``convert``, and writes the rest."""
    import json
    key = "value" if source == "graph" else "items"
    data = json.loads((CORPUS.parent.parent.parent / "samples" / source / "events-list.json").read_text())
    good = data[key]
    bad_event = {**good[0], "id": "bad", ("iCalUId" if source == "graph" else "iCalUID"): "bad-uid",
                 "recurrence": 7}
    items = [good[0], None, "x", *good[1:], 5, bad_event]
    payload = {**data, key: items} if envelope == "page" else items
    src = tmp_path / f"{source}.json"
    src.write_text(json.dumps(payload))
    whole = ics_bridge.convert(src.read_bytes(), to="ics", source=source, file=str(src))
    place = f"{key}[" if envelope == "page" else "["
    expected = [f"{src}: {place}1]: expected an event object, found null",
                f'{src}: {place}2]: expected an event object, found the string "x"',
                f"{src}: {place}{len(items) - 2}]: expected an event object, found the number 5"]
    assert [str(e) for e in whole.errors][:3] == expected
    assert str(whole.errors[3]).startswith(f"{src}: {place}{len(items) - 1}]: event bad-uid: field recurrence: expected")
    for jobs in (1, 2):
        out = tmp_path / f"out{jobs}.ics"
        result = ics_bridge.convert_stream(src, out, to="ics", source=source, jobs=jobs)
        assert result.streamed
        assert sorted(map(str, result.errors)) == sorted(map(str, whole.errors))
        assert _same_ics(out.read_bytes(), whole.to_bytes())


@pytest.mark.parametrize("source", ["graph", "google"])
def test_json_stream_items_go_from_their_bytes_to_the_models(source: str, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 12: pass 2 reads each item's JSON text back from the file and reads it as the
    whole-file path does (``pipeline._read_item``: ``jsonio.loads`` on the bytes, then the
    reader's ``parse_event``, fastwire or pydantic; round 9: no longer pydantic's JSON
    validation).  An item spelling a lone surrogate is repaired and counted as ``convert``
    does, a paired one joined, a bad field reported by its place: the same bytes, report and
    errors as the whole-file path."""
    import json
    key, title, uid = ("value", "subject", "iCalUId") if source == "graph" else ("items", "summary", "iCalUID")
    data = json.loads((CORPUS.parent.parent.parent / "samples" / source / "events-list.json").read_text())
    good = data[key]
    items = [{**good[0], title: "lone \ud800 half"}, {**good[1], title: "pair \U0001F600"}, *good[2:],
             {**good[0], "id": "bad", uid: "bad-uid", "recurrence": 7}]
    src = tmp_path / f"{source}.json"
    src.write_text(json.dumps({**data, key: items}, ensure_ascii=True))  # \ud800, \ud83d\ude00 escapes
    whole = ics_bridge.convert(src.read_bytes(), to="ics", source=source, file=str(src))
    from_bytes: list[bytes] = []
    original = pipeline._read_item
    monkeypatch.setattr(pipeline, "_read_item", lambda parse, data: from_bytes.append(data) or original(parse, data))
    result = pipeline.convert_file(src, tmp_path / "out.ics", to="ics", source=source, fallback=False,
                                   spool_report=False)
    assert result.streamed
    assert _same_ics((tmp_path / "out.ics").read_bytes(), whole.to_bytes())
    assert [x.as_dict() for x in result.report] == [x.as_dict() for x in whole.report]
    assert any("lone UTF-16 surrogate" in x.reason for x in whole.report)
    assert list(map(str, result.errors)) == list(map(str, whole.errors)) and len(whole.errors) == 1
    # every item went from its bytes to the model in pass 2 (the bad one too, whose reading
    # named its field), the ones with escapes as well
    assert len(from_bytes) >= len(items)
    assert all(isinstance(text, bytes) for text in from_bytes)
    assert sum(b"\\ud8" in text for text in from_bytes) >= 2


def _hostile_items(source: str) -> list[Any]:
    """Per-event shapes of tests/test_hostile_json.py: wrong JSON types, values pydantic reads
    leniently or refuses, nulls, huge integers."""
    from hostile.cases import bad_json_event
    title = "subject" if source == "graph" else "summary"
    start = ({"dateTime": "2026-13-45T99:00:00", "timeZone": "UTC"} if source == "graph"
             else {"dateTime": "2026-13-45T99:00:00Z"})
    shapes: list[dict[str, Any]] = [
        {"start": "yes"}, {"attendees": {}}, {"attendees": ["bob@example.com"]}, {title: 5}, {"start": start},
        {"start": None, "end": None}, {"recurrence": 7}, {"body" if source == "graph" else "description": ["x"]},
        {"isAllDay" if source == "graph" else "guestsCanModify": "TRUE"},
        {"isAllDay" if source == "graph" else "endTimeUnspecified": "yes"},
        {"reminderMinutesBeforeStart": 10**30,
         "reminders": {"useDefault": False, "overrides": [{"method": "popup", "minutes": 10**30}]}},
        {"showAs": "sleeping", "importance": "extreme"} if source == "graph" else
        {"transparency": "glass", "visibility": "nope"},
        {"reminderMinutesBeforeStart": 15.0, title: "1.0e2 \u00e9\u0000"},
    ]
    if source == "graph":
        shapes.append({"type": "seriesMaster", "exceptionOccurrences": [{"id": "x1", "attendees": False}],
                       "recurrence": {"pattern": {"type": "daily", "interval": 1},
                                      "range": {"type": "numbered", "startDate": "2024-01-08",
                                                "numberOfOccurrences": 3}}})
    items: list[Any] = []
    for n, shape in enumerate(shapes):
        event = bad_json_event(source, **shape)
        event["id"] = f"bad{n}"
        event["iCalUId" if source == "graph" else "iCalUID"] = f"bad-{n}"
        items.append(event)
    items.append({key: None for key in bad_json_event(source)} | {"id": "nulls"})
    return items


@pytest.mark.parametrize("source", ["graph", "google"])
def test_json_stream_reads_hostile_items_from_bytes_as_convert_reads_them(source: str, tmp_path: Path) -> None:
    """Validating an item's JSON text (pass 2) reads every hostile shape as ``convert``'s
    decode-then-validate does: the same events, errors (place, event, field) and report."""
    import json
    from hostile.cases import json_list
    data = json_list(source, *_hostile_items(source))
    src = tmp_path / f"{source}.json"
    src.write_text(json.dumps(data))
    whole = ics_bridge.convert(src.read_bytes(), to="ics", source=source, file=str(src))
    assert whole.errors  # the shapes do hit the validation errors
    for jobs in (1, 2):
        out = tmp_path / f"out{jobs}.ics"
        result = pipeline.convert_file(src, out, to="ics", source=source, fallback=False, spool_report=False,
                                       jobs=jobs)
        assert result.streamed
        assert _same_ics(out.read_bytes(), whole.to_bytes())
        assert sorted(map(str, result.errors)) == sorted(map(str, whole.errors))
        assert sorted(json.dumps(x.as_dict(), sort_keys=True) for x in result.report) == \
            sorted(json.dumps(x.as_dict(), sort_keys=True) for x in whole.report)


def test_pass_one_uid_table_is_a_dict() -> None:
    """Pass 1's UID table (two arrays, grown as it fills) gives what a dict of the same keys gives."""
    import random

    rng = random.Random(12)
    keys = [rng.getrandbits(64) - 2**63 for _ in range(20000)] + [0, 1, 7, 7 + 4096]
    keys += keys[::7]
    table, reference = stream._HashTable(), {}
    for key in keys:
        assert table.setdefault(key, len(reference)) == reference.setdefault(key or 1, len(reference))
    assert table.size == len(reference)
