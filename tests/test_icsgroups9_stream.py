"""Round 9 (icsgroups9): the streamed .ics → JSON pass 2 does per file what is per file.

Three fast paths, each held here to the path it replaces, on the corpus and on generated input:

* :meth:`io.stream._GroupReader.shared` reads a batch of UID groups with one ``IcsReader``
  (when the joined text is sound): each group's calendar, report entries, keys and errors must
  be those of the group read on its own;
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


def _group(reader: stream._GroupReader, blocks: list[int], data: bytes, read: Any) -> tuple[Any, ...]:
    """Everything ``calendar`` gives for one group, comparable."""
    report, errors, header = Report(), [], Report()
    keys: list[Any] = []
    error_keys: list[Any] = []
    try:
        cal, mark = reader.calendar(blocks, data, report, errors, header, keys, error_keys, read)
    except Exception as exc:  # noqa: BLE001 - both readings must fail alike
        return ("failed", type(exc), str(exc))
    return (cal, mark, [e.as_text() for e in report], [e.as_text() for e in header], keys, error_keys,
            [str(e) for e in errors])


def _shared_vs_own(path: Path) -> int:
    """Each group of ``path`` read with its batch and on its own: equal.  Returns how many
    groups were read shared."""
    idx = _index(path)
    if idx is None:
        return 0
    with pipeline._fast(True):
        reader = stream._GroupReader(idx, None, Options())
        own_reader = stream._GroupReader(idx, None, Options())
        shared = 0
        for batch in pipeline._batches(idx):
            for (blocks, data), read in zip(batch, reader.shared(batch)):
                shared += read is not None
                assert _group(reader, blocks, data, read) == _group(own_reader, blocks, data, None), (path.name, blocks)
    return shared


def test_shared_reading_is_each_groups_own_reading_on_the_corpus() -> None:
    shared = sum(_shared_vs_own(path) for path in FILES)
    assert shared > 100  # the batches of most files are sound: the fast path is what ran


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
    assert reader.shared(batch) == [None] * len(batch)
    assert reader.shared(batch[:17]) != [None] * 17  # the groups before it are sound together
    assert _shared_vs_own(path) == 0  # one batch, unsound: every group read on its own
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


def test_shared_group_is_one_of_its_batch(tmp_path: Path) -> None:
    """The reader shared by a batch gives each group its own VEVENTs (by UID), in file order."""
    path = _generated(tmp_path, [_event(n) for n in range(30)])
    idx = stream.index_ics(path)
    reader = stream._GroupReader(idx, None, Options())
    batch = next(pipeline._batches(idx))
    reads = reader.shared(batch)
    assert all(read is not None for read in reads)
    uids = [[e.uid for e, _text in read[1]] for read in reads if read is not None]
    assert uids == [[f"u{n}"] for n in range(30)]
    assert all(isinstance(e, m.Event) for read in reads if read is not None for e, _text in read[1])
