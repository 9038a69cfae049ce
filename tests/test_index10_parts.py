"""Pass 1 in parts (``--jobs`` on one large .ics): the ranges after the first read by other
processes (``stream.index_part``) and absorbed in order (``_Pass1.absorb``) give the index the
whole-file pass gives: every field (tz_years in the same order), every note and report entry,
the same refusal.

Cut at every logical line of the odd files of ``test_pass19_index`` and of the corpus (a part
that cannot be absorbed is read again in order), on random line soups, and through
``pipeline._index`` with forked processes: absorbed on a plain file, read again when a part's
process dies, and the converted bytes and report those of one job."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ics_bridge
from ics_bridge import pipeline
from ics_bridge.io import stream
from ics_bridge.report import Report
from test_pass19_index import _PIECES, FILES, ODD, PLAIN, _event, _fields, _snapshot

ROOT = Path(__file__).resolve().parent.parent


def _parts_snapshot(path: Path, cuts: list[int], absorbed: list[bool]) -> Any:
    """:func:`_snapshot` of the index read in parts cut at ``cuts`` (each part read here by
    ``index_part``, as a forked process would); ``absorbed`` gets, per part, whether it was."""
    original = stream._Pass1.absorb

    def absorb(self: Any, part: stream.IndexPart) -> bool:
        absorbed.append(original(self, part))
        return absorbed[-1]

    size = path.stat().st_size
    parts = [(cut, lambda a=cut, b=end: stream.index_part(path, a, b)) for cut, end in zip(cuts, cuts[1:] + [size])]
    stream._Pass1.absorb = absorb  # type: ignore[method-assign]
    try:
        saved, stream.index_ics = stream.index_ics, lambda p, r, fast=True: saved(p, r, fast, parts)
        try:
            return _snapshot(path, fast=True)
        finally:
            stream.index_ics = saved
    finally:
        stream._Pass1.absorb = original  # type: ignore[method-assign]


def _line_starts(data: bytes) -> list[int]:
    """Every logical line's start after the first (a line feed not followed by a fold's blank)."""
    return [m.end() for m in re.finditer(rb"\n(?=[^ \t])", data) if 3 < m.end() < len(data)]


def _same_in_parts(path: Path, cuts_list: list[list[int]]) -> list[bool]:
    whole = _snapshot(path, fast=True)
    absorbed: list[bool] = []
    for cuts in cuts_list:
        assert _parts_snapshot(path, cuts, absorbed) == whole, (path.name, cuts)
    return absorbed


@pytest.mark.parametrize("name", ODD)
def test_index_in_parts_equals_whole_on_odd_input_cut_at_every_line(name: str, tmp_path: Path) -> None:
    path = tmp_path / "odd.ics"
    path.write_bytes(ODD[name])
    starts = _line_starts(ODD[name])
    _same_in_parts(path, [[cut] for cut in starts] + [starts[::2], starts[1::3]])


@pytest.mark.parametrize("path", FILES[::3], ids=lambda p: str(p.relative_to(ROOT)))
def test_index_in_parts_equals_whole_on_corpus(path: Path) -> None:
    data = path.read_bytes()
    starts = _line_starts(data)
    events = [m.start() + 1 for m in re.finditer(rb"\nBEGIN:VEVENT\r?\n", data)]
    _same_in_parts(path, [[cut] for cut in starts[::max(1, len(starts) // 12)]] + [events[1::2]] * bool(events[1:]))


def test_plain_parts_are_absorbed_and_odd_ones_read_again(tmp_path: Path) -> None:
    """A part holding what the whole-file pass notes, or begun where the calendar is not open,
    is read again in order; a plain one is taken as it is, also with a UID's overrides, events
    without UID, a VTIMEZONE and calendar properties on both sides of the cut."""
    head, tail = PLAIN[:PLAIN.index(b"BEGIN:VEVENT")], b"END:VCALENDAR\r\n"
    zone = PLAIN[PLAIN.index(b"BEGIN:VTIMEZONE"):PLAIN.index(b"BEGIN:VEVENT")].replace(b"Europe/Berlin", b"Asia/Tokyo")
    first = _event(b"a") + _event(b"b").replace(b"UID:b\r\n", b"") + _event(b"c")
    second = (b"X-WR-CALNAME:later\r\n" + zone + _event(b"c", b"RECURRENCE-ID;TZID=Asia/Tokyo:20310101T000000")
              + _event(b"d").replace(b"UID:d\r\n", b"") + _event(b"a"))
    cases = {
        "plain": (head + first + second + tail, True),
        "windows-1252": (head + first + second.replace(b"UID:c", b"UID:c\xe9") + tail, False),
        # read as Windows-1252 from the first part on: the second's UTF-8 UID is two characters there
        "windows-1252 before": (head + first.replace(b"UID:a", b"UID:a\xe9")
                                + second.replace(b"UID:c", "UID:é".encode()) + _event("é".encode()) + tail, None),
        "split fold before": (head + first.replace(b"UID:a", "UID:aé".encode()[:-1] + b"\r\n " + "é".encode()[-1:])
                              + second.replace(b"UID:c", "UID:é".encode()) + _event("é".encode()) + tail, None),
        # after a byte that is not UTF-8 the whole file is Windows-1252: é before the cut and
        # é after it are one UID and one TZID in both readings, Á and Í two UIDs or one
        "windows-1252 byte before, same text after": (
            head + _event("é".encode(), "DTEND;TZID=Zürich:20300108T110000".encode())
            + first.replace(b"UID:a", b"UID:a\xe9") + _event("Á".encode())
            + second.replace(b"UID:c", "UID:é".encode()) + _event("Í".encode())
            + _event(b"z", "EXDATE;TZID=Zürich:20310108T110000".encode()) + tail, None),
        "second calendar": (head + first + second + tail + PLAIN, False),
        "line outside": (head + first + second + tail + b"X-AFTER:1\r\n", False),
        "broken journal": (head + first + second + b"BEGIN:VJOURNAL\r\nDTSTART:notadate\r\nEND:VJOURNAL\r\n" + tail,
                           False),
        "extra end": (head + first + second + b"END:VEVENT\r\n" + tail, False),
    }
    for name, (data, plain) in cases.items():
        path = tmp_path / f"{name}.ics"
        path.write_bytes(data)
        cut = data.index(b"X-WR-CALNAME:later")
        assert _same_in_parts(path, [[cut]]) == ([] if plain is None else [plain]), name  # None: read on, not offered
    path = tmp_path / "plain.ics"  # cut inside an event: the part starts where the calendar is not open
    assert _same_in_parts(path, [[len(head) + _event(b"a").index(b"DTSTAMP")]]) == [False]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=60), st.data())
def test_index_in_parts_equals_whole_on_line_soup(tmp_path_factory: pytest.TempPathFactory, pieces: list[bytes],
                                                  data: st.DataObject) -> None:
    path = tmp_path_factory.mktemp("soup") / "soup.ics"
    text = b"BEGIN:VCALENDAR\r\n" + b"".join(pieces)
    path.write_bytes(text)
    starts = _line_starts(text)
    if starts:
        cuts = sorted(set(data.draw(st.lists(st.sampled_from(starts), min_size=1, max_size=3))))
        _same_in_parts(path, [cuts])


def _large(tmp_path: Path) -> Path:
    """A plain calendar of 600 events in 200 series, overrides far from their masters."""
    head = PLAIN[:PLAIN.index(b"BEGIN:VEVENT")]
    def event(k: int) -> bytes:
        first = (f"RECURRENCE-ID;TZID=Europe/Berlin:202401{8 + k // 200:02d}T100000" if k >= 200
                 else "RRULE:FREQ=DAILY;COUNT=3")
        return _event(f"s{k % 200}".encode(), first.encode(), f"SUMMARY:event {k}".encode())

    events = [event(k) for k in range(600)]
    path = tmp_path / "large.ics"
    path.write_bytes(head + b"".join(events) + b"END:VCALENDAR\r\n")
    return path


def test_index_forks_parts_with_jobs_and_converts_as_one_job(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Through ``pipeline._index`` (forked processes): every part absorbed, and the file
    converted with two and three jobs to the bytes and report of one."""
    path = _large(tmp_path)
    monkeypatch.setattr(pipeline, "PARALLEL_INDEX_BYTES", 0)
    absorbed: list[bool] = []
    original = stream._Pass1.absorb
    def absorb(self: Any, part: stream.IndexPart) -> bool:
        absorbed.append(original(self, part))
        return absorbed[-1]

    monkeypatch.setattr(stream._Pass1, "absorb", absorb)
    whole = _snapshot(path, fast=True)
    for jobs in (2, 3):
        report = Report(file=str(path))
        idx = pipeline._index(path, report, True, jobs)
        assert _fields(idx, report) == whole
    assert absorbed == [True] * 3
    for to in ("graph", "google"):
        one = ics_bridge.convert(path.read_bytes(), to=to, file=str(path))
        for jobs in (1, 2, 3):
            out = tmp_path / f"{to}{jobs}.json"
            res = pipeline.convert_file(path, out, to=to, jobs=jobs, options=ics_bridge.Options(stream_bytes=0))
            assert out.read_bytes() == one.to_bytes(), (to, jobs)
            assert list(res.report.entries) == list(one.report.entries), (to, jobs)


def _die(path: Path, start: int, end: int) -> Any:
    os._exit(3)


def test_a_part_whose_process_dies_is_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _large(tmp_path)
    monkeypatch.setattr(pipeline, "PARALLEL_INDEX_BYTES", 0)
    monkeypatch.setattr(pipeline, "index_part", _die)
    report = Report(file=str(path))
    assert _fields(pipeline._index(path, report, True, 2), report) == _snapshot(path, fast=True)


def test_part_cuts_fall_at_vevent_starts(tmp_path: Path) -> None:
    path = _large(tmp_path)
    data = path.read_bytes()
    cuts = stream.part_cuts(path, 4)
    assert len(cuts) == 3 and cuts == sorted(set(cuts))
    assert all(data[cut - 1:cut + 13] == b"\nBEGIN:VEVENT\r" for cut in cuts)
    assert all(abs(cut - k * len(data) // 4) < 1000 for k, cut in zip((1, 2, 3), cuts))
    empty = tmp_path / "empty.ics"  # no VEVENT after the middle: no cut
    empty.write_bytes(PLAIN[:PLAIN.index(b"BEGIN:VEVENT")] + b"END:VCALENDAR\r\n")
    assert stream.part_cuts(empty, 2) == []


@pytest.mark.parametrize("case", ["one job", "small file", "macOS", "no fork", "dask"])
def test_index_reads_alone_where_parts_do_not_pay_or_cannot_fork(case: str, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    path = _large(tmp_path)
    monkeypatch.setattr(pipeline, "PARALLEL_INDEX_BYTES", path.stat().st_size + 1 if case == "small file" else 0)
    monkeypatch.setattr(pipeline, "part_cuts", lambda *a: pytest.fail("cut in parts"))
    if case == "macOS":
        monkeypatch.setattr(pipeline.sys, "platform", "darwin")
    if case == "no fork":
        monkeypatch.setattr(pipeline.multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    token = pipeline.POOL_MAP.set(lambda *a: iter(())) if case == "dask" else None
    try:
        report = Report(file=str(path))
        idx = pipeline._index(path, report, True, 1 if case == "one job" else 2)
    finally:
        if token is not None:
            pipeline.POOL_MAP.reset(token)
    assert _fields(idx, report) == _snapshot(path, fast=True)


def _slow(path: Path, start: int, end: int) -> Any:
    import time
    time.sleep(60)


def test_an_interruption_during_pass_1_ends_the_part_processes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C while a part is being read: the interruption reaches the caller at once and no
    part process is left behind (``interrupt.end_pool`` ends them rather than waiting)."""
    import multiprocessing
    import signal
    import threading
    import time
    path = _large(tmp_path)
    monkeypatch.setattr(pipeline, "PARALLEL_INDEX_BYTES", 0)
    monkeypatch.setattr(pipeline, "index_part", _slow)
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
    started = time.monotonic()
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            pipeline._index(path, Report(file=str(path)), True, 3)
    finally:
        timer.cancel()
    assert time.monotonic() - started < 20
    assert multiprocessing.active_children() == []


def test_index_reads_alone_when_no_part_process_starts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fork that fails (EAGAIN, ENOMEM): the file is indexed here alone, nothing left running."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    def no_fork(self: Any, *args: Any, **kwargs: Any) -> Any:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    path = _large(tmp_path)
    monkeypatch.setattr(pipeline, "PARALLEL_INDEX_BYTES", 0)
    monkeypatch.setattr(ProcessPoolExecutor, "submit", no_fork)
    report = Report(file=str(path))
    assert _fields(pipeline._index(path, report, True, 2), report) == _snapshot(path, fast=True)
    assert multiprocessing.active_children() == []
