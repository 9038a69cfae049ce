"""Round 9 (icsgroups9): the streamed .ics → JSON pass 2 does per file what is per file.

Three fast paths, each held here to the path it replaces, on the corpus and on generated input:

* :meth:`io.stream._GroupReader.together` reads a batch of UID groups with one ``IcsReader``
  (when the joined text is sound) and :func:`pipeline._converted` converts them as one calendar:
  its items, report entries and errors, each sorted by its key, must be those of the groups
  converted one by one (speed round 9: a batch is converted as one calendar, not group by group);
* the streamed retag is ``normalize_model_zones``' fast one (:func:`timezones.retag_model_event`
  with the per-file :meth:`io.stream._Zones.context`): the same events and report entries as the
  reference retag (:func:`timezones._retag_event`) it replaces;
* the calendar header is checked once per file (in a pool: once per batch), not per group: its
  entries appear once, where the whole-file run reports them, with one job and with two.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import ics_bridge
from ics_bridge import model as m
from ics_bridge import pipeline, timezones
from ics_bridge.io import stream
from ics_bridge.options import Options
from ics_bridge.report import Report

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted((ROOT / "tests" / "corpus" / "ics").glob("*.ics")) + sorted((ROOT / "tests" / "producers").glob("*.ics")) \
    + sorted((ROOT / "samples").glob("*/*.ics"))


def _index(path: Path) -> stream.IcsIndex | None:
    try:
        return stream.index_ics(path, Report(file=str(path)))
    except Exception:  # noqa: BLE001 - files pass 1 does not take are the fallback's (test_stream)
        return None


def _sorted(keys: list[Any], values: list[Any]) -> list[Any]:
    """``values`` in the order the spools put them: by key, ties kept in the order they came.
    The keys themselves may differ (a batch keys a quirk's entries by its first block, a group
    by its own), the order within the batch may not."""
    return [value for _key, value in sorted(zip(keys, values), key=lambda pair: pair[0])]


def _outcome(groups: list[pipeline._Group]) -> tuple[Any, ...]:
    """What the file's output takes from converted groups: items, defaults, and the entries and
    errors as :class:`io.stream.KeyedEntries` gives them to the file's report (sorted, the
    X-WR-TIMEZONE counts added up), the header's entries among them."""
    items = _sorted([k for g in groups for k, _text in g.items], [text for g in groups for _k, text in g.items])
    keyed = stream.KeyedEntries(spool=False)
    for group in groups:
        pipeline._take(group, keyed)
    report, errors = Report(), []
    keyed.into(report, errors)
    return items, [d for g in groups for d in g.defaults], [e.as_text() for e in report], [str(e) for e in errors]


def _together_vs_one_by_one(path: Path, to: str = "graph") -> int:
    """Each batch of ``path`` converted as one calendar and group by group: the same outcome.
    Returns how many batches were converted as one."""
    idx = _index(path)
    if idx is None:
        return 0
    job = pipeline._IcsJob(idx, to, Options(), str(path), True)
    with pipeline._fast(True):
        converter = pipeline._GroupConverter(job)
        together = 0
        for batch in pipeline._batches(idx):
            together += converter.reader.together(batch) is not None
            try:
                batched = _outcome(list(pipeline._converted(converter, batch, True)))
            except Exception as exc:  # noqa: BLE001 - both ways must fail alike
                batched = ("failed", type(exc), str(exc))
            try:
                one_by_one = _outcome(list(_one_by_one(converter, batch)))
            except Exception as exc:  # noqa: BLE001
                one_by_one = ("failed", type(exc), str(exc))
            assert batched == one_by_one, (path.name, to, batch[0][0])
    return together


def _one_by_one(converter: pipeline._GroupConverter, batch: list[Any]) -> Any:
    need_header = True
    for blocks, data in batch:
        group = pipeline._convert_group(converter, blocks, data, need_header)
        need_header = need_header and not group.parsed
        yield group


@pytest.mark.parametrize("to", ["graph", "google"])
def test_batch_converted_together_is_its_groups_converted_one_by_one(to: str) -> None:
    together = sum(_together_vs_one_by_one(path, to) for path in FILES)
    assert together > 10  # the batches of most multi-group files are sound: the fast path is what ran


def _generated(tmp_path: Path, events: list[str], header: str = "") -> Path:
    body = "".join(events)
    path = tmp_path / "gen.ics"
    path.write_bytes(("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n" + header + _BERLIN + body
                      + "END:VCALENDAR\r\n").encode())
    return path


# A VTIMEZONE named after no zone, whose rules are Berlin's until 2030 and then differ: its TZID
# is matched by rules and every value compared with tzdata (the agreement's case).
_BERLIN = ("BEGIN:VTIMEZONE\r\nTZID:My Office\r\n"
           "BEGIN:STANDARD\r\nDTSTART:19701025T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n"
           "TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\n"
           "BEGIN:DAYLIGHT\r\nDTSTART:19700329T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n"
           "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n")


def _event(n: int, extra: str = "") -> str:
    year = 2020 + n % 12
    return (f"BEGIN:VEVENT\r\nUID:u{n}\r\nDTSTAMP:20240101T000000Z\r\n"
            f"DTSTART;TZID=My Office:{year}0{1 + n % 9}1{n % 10}T0930{n % 6}0\r\n"
            f"DTEND;TZID=My Office:{year}0{1 + n % 9}1{n % 10}T1030{n % 6}0\r\nSUMMARY:e{n}\r\n{extra}END:VEVENT\r\n")


def test_shared_reading_falls_back_when_one_group_is_not_sound(tmp_path: Path) -> None:
    """A control character in one group makes the batch unsound: every group is read on its
    own (the repaired one reported as before), and the streamed run is the whole-file run."""
    events = [_event(n) for n in range(40)]
    events[17] = _event(17, "DESCRIPTION:bell\x07here\r\n")
    path = _generated(tmp_path, events)
    idx = stream.index_ics(path)
    reader = stream._GroupReader(idx, None, Options())
    batch = next(pipeline._batches(idx))
    assert reader.together(batch) is None
    assert reader.together(batch[:17]) is not None  # the groups before it are sound together
    assert _together_vs_one_by_one(path) == 0  # one batch, unsound: every group read on its own
    _same_as_whole(path, 1)


def _same_as_whole(path: Path, jobs: int) -> None:
    for to in ("graph", "google"):
        conv = ics_bridge.convert(path.read_bytes(), to=to, source="ics", file=str(path))
        out = path.with_suffix(f".{to}.{jobs}.json")
        result = pipeline.convert_file(path, out, to=to, fallback=False, spool_report=False, jobs=jobs)
        assert result.streamed
        assert out.read_bytes() == conv.to_bytes()
        assert [e.as_text() for e in result.report] == [e.as_text() for e in conv.report]
        assert [str(e) for e in result.errors] == [str(e) for e in conv.errors]


def test_streamed_retag_is_the_reference_retag(tmp_path: Path) -> None:
    """Each event retagged with the file's contexts (the fast retag) and with the reference
    retag: the same event and the same report entries, on the zone-heavy corpus files and on a
    file whose VTIMEZONE tzdata is compared with (agreements in use)."""
    paths = [p for p in FILES if b"TZID" in p.read_bytes()] + [_generated(tmp_path, [_event(n) for n in range(60)])]
    retagged = 0
    for path in paths:
        idx = _index(path)
        if idx is None:
            continue
        reader = stream._GroupReader(idx, None, Options())
        zones = reader.zones
        for blocks, data in stream._iter_groups(idx):
            try:
                cal, _mark = reader.calendar(blocks, data, Report(), [], None)
            except Exception:  # noqa: BLE001 - unreadable groups are test_stream's
                continue
            for event in (e for s in cal.series for e in s.events):
                fast, slow = Report(), Report()
                new = timezones.retag_model_event(event, zones.context, fast)
                old = timezones._retag_event(event, zones.resolution, {}, zones.vtzs, slow)
                assert new == old, (path.name, event.uid)
                assert [e.as_text() for e in fast] == [e.as_text() for e in slow], (path.name, event.uid)
                retagged += new is not event
    assert retagged > 100


def test_generated_zone_file_streams_as_whole(tmp_path: Path) -> None:
    path = _generated(tmp_path, [_event(n) for n in range(300)])
    for jobs in (1, 2):
        _same_as_whole(path, jobs)


@pytest.mark.parametrize("jobs", [1, 2])
def test_calendar_header_entries_once(tmp_path: Path, jobs: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """A calendar property the checks report (an unreadable value), in a file of many groups
    and several batches: reported once, as the whole-file run reports it."""
    monkeypatch.setattr(pipeline, "BATCH_GROUPS", 7)
    path = _generated(tmp_path, [_event(n) for n in range(50)], header="X-WR-CALNAME;VALUE=DATE:notadate\r\n"
                      "REFRESH-INTERVAL;VALUE=DURATION:soon\r\n")
    conv = ics_bridge.convert(path.read_bytes(), to="graph", source="ics", file=str(path))
    header_entries = [e for e in conv.report if e.field.startswith("VCALENDAR;")]
    assert header_entries  # the file does make calendar-property entries
    _same_as_whole(path, jobs)


def test_batch_read_together_is_its_groups_in_turn(tmp_path: Path) -> None:
    """The reader shared by a batch gives every group's VEVENTs, group after group, in file order."""
    path = _generated(tmp_path, [_event(n) for n in range(30)])
    idx = stream.index_ics(path)
    reader = stream._GroupReader(idx, None, Options())
    batch = next(pipeline._batches(idx))
    read = reader.together(batch)
    assert read is not None
    assert [e.uid for e, _text in read[1]] == [f"u{n}" for n in range(30)]
    assert all(isinstance(e, m.Event) for e, _text in read[1])


def test_interleaved_batch_is_one_calendar_and_converts_as_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                                 ) -> None:
    """UIDs whose overrides lie far from their masters, twin masters, an identical copy, an
    X-WR-TIMEZONE the quirks apply: converted as one calendar per batch (one ``calendar`` call
    per batch), with the whole-file output, entries and errors, with one job and with two."""
    events = [_event(n) for n in range(40)]
    for n in range(0, 40, 5):  # overrides of u0, u5… at the end, a twin of u3 and a copy of u7
        events.append(_event(n, "RECURRENCE-ID;TZID=My Office:20300101T093000\r\n").replace(
            f"SUMMARY:e{n}", f"SUMMARY:moved {n}"))
    events.append(_event(3).replace("SUMMARY:e3", "SUMMARY:twin"))
    events.append(_event(7))
    events.append("BEGIN:VEVENT\r\nUID:floating\r\nDTSTAMP:20240101T000000Z\r\nDTSTART:20250101T090000\r\n"
                  "DTEND:20250101T100000\r\nSUMMARY:floating\r\nEND:VEVENT\r\n")
    path = _generated(tmp_path, events, header="X-WR-TIMEZONE:Europe/Paris\r\n")
    idx = stream.index_ics(path)
    calls: list[int] = []
    original = stream._GroupReader.calendar

    def counted(self: Any, blocks: list[int], *args: Any, **kwargs: Any) -> Any:
        calls.append(len(blocks))
        return original(self, blocks, *args, **kwargs)

    monkeypatch.setattr(stream._GroupReader, "calendar", counted)
    monkeypatch.setattr(pipeline, "BATCH_GROUPS", 16)
    groups = idx.series_count
    _same_as_whole(path, 1)
    assert len(calls) == 2 * -(-groups // 16)  # one calendar per batch, in each direction
    assert sum(calls) == 2 * len(events)
    assert _together_vs_one_by_one(path) == -(-groups // 16)
    _same_as_whole(path, 2)


def test_vtimezone_text_prepared_once_per_streamed_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The file's VTIMEZONEs are prepared (decoded, unfolded, checked) once: by ``_Zones``,
    whose text the zone reader of ``_GroupReader`` reads too; a sound file's groups go through
    the sound reader and prepare nothing.  Before, the zone reader prepared the text again."""
    from ics_bridge.io import ics as ics_io
    path = _generated(tmp_path, [_event(n) for n in range(30)])
    prepared: list[int] = []
    original = ics_io.prepare_text

    def counted(text: str, *args: Any, **kwargs: Any) -> str:
        prepared.append(text.count("BEGIN:VTIMEZONE"))
        return original(text, *args, **kwargs)

    monkeypatch.setattr(ics_io, "prepare_text", counted)
    result = pipeline.convert_file(path, tmp_path / "out.json", to="graph", fallback=False)
    assert result.streamed and result.items == 30
    assert prepared == [1]
    _same_as_whole(path, 1)
