"""Pass 1 of the streamed .ics path: the fast scanner (``io/stream_index.py``) builds the same
:class:`IcsIndex` as the reference line-by-line reader (``index_ics(..., fast=False)``): every
field (tz_years in the same order), every note and report entry, the same refusal and text.

On every .ics of the corpus, the producers and the samples, on hand-made odd files (folds
inside names and UIDs, LF only, BOMs, lines ``str.splitlines`` breaks, quoted parameters with
colons, nested and other components, Windows-1252, folds inside UTF-8 characters…), on random
line soups (hypothesis), and with tiny chunks so that every line meets a chunk boundary."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ics_bridge.io import stream, stream_index
from ics_bridge.report import Report

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted([*(ROOT / "tests" / "corpus").rglob("*.ics"), *(ROOT / "tests" / "producers").rglob("*.ics"),
                *(ROOT / "samples").rglob("*.ics")])


def _snapshot(path: Path, fast: bool) -> Any:
    """Everything pass 1 gives: the index's fields, the report's entries, or the refusal."""
    report = Report(file=str(path))
    try:
        idx = stream.index_ics(path, report, fast=fast)
    except Exception as exc:  # noqa: BLE001 - the same refusal, type and text
        return type(exc).__name__, str(exc)
    return _fields(idx, report)


def _fields(idx: stream.IcsIndex, report: Report) -> Any:
    """The index's every field (arrays as lists, the TZID years in their order) and the entries."""
    fields = {f.name: getattr(idx, f.name) for f in dataclasses.fields(idx)}
    fields.update(offsets=list(idx.offsets), lengths=list(idx.lengths), series=list(idx.series),
                  tz_years=list(idx.tz_years.items()))
    return fields, list(report.entries)


def _same(path: Path) -> None:
    assert _snapshot(path, fast=True) == _snapshot(path, fast=False), path.name


def test_corpus_files_are_there() -> None:
    assert len(FILES) > 100


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_fast_index_equals_reference_on_corpus(path: Path) -> None:
    _same(path)


def test_fast_index_equals_reference_with_tiny_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of a few bytes: every logical line at a chunk boundary, carried over."""
    for chunk in (1, 7, 64, 1000):
        monkeypatch.setattr(stream_index, "CHUNK", chunk)
        for path in FILES[::5]:
            _same(path)


HEAD = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nX-WR-TIMEZONE:Europe/Berlin\r\n"
        b"BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\nBEGIN:STANDARD\r\nDTSTART:19701025T030000\r\n"
        b"TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n")


def _event(uid: bytes, *lines: bytes) -> bytes:
    return (b"BEGIN:VEVENT\r\nUID:" + uid + b"\r\nDTSTAMP:20240101T000000Z\r\n"
            b"DTSTART;TZID=Europe/Berlin:20240108T100000\r\n" + b"".join(x + b"\r\n" for x in lines)
            + b"END:VEVENT\r\n")


PLAIN = (HEAD + _event(b"a") + _event(b"b", b"DTEND;TZID=Asia/Tokyo:20300108T110000") + _event(b"a")
         + b"END:VCALENDAR\r\n")

ODD: dict[str, bytes] = {
    "plain": PLAIN,
    "lf only": PLAIN.replace(b"\r\n", b"\n"),
    "bom": b"\xef\xbb\xbf" + PLAIN,
    "bom lf": b"\xef\xbb\xbf" + PLAIN.replace(b"\r\n", b"\n"),
    "no final line break": PLAIN[:-2],
    "folded uid": PLAIN.replace(b"UID:a\r\n", b"UID:x\r\n a\r\n\tb\r\n"),
    "folded name": PLAIN.replace(b"UID:b", b"UI\r\n D:b").replace(b"DTEND;", b"DT\r\n END;"),
    "folded begin": PLAIN.replace(b"BEGIN:VEVENT\r\nUID:b", b"BEG\r\n IN:VEV\r\n ENT\r\nUID:b"),
    "folded end": PLAIN.replace(b"END:VEVENT", b"END:VEV\r\n ENT", 1),
    "folded tzid": PLAIN.replace(b";TZID=Asia", b";TZ\r\n ID=Asia"),
    "folded value": PLAIN.replace(b"Tokyo:2030", b"Tokyo:20\r\n 30"),
    "lower case": PLAIN.replace(b"BEGIN:VEVENT", b"begin:vevent").replace(b"UID:", b"uid:")
                       .replace(b"DTSTART;TZID", b"dtstart;tzid").replace(b"END:VEVENT", b"End:VEvent"),
    "dotless i": PLAIN.replace(b"UID:b", "UıD:b".encode()).replace(b"BEGIN:VEVENT", "BEGıN:VEVENT".encode(), 1),
    "trailing blanks": PLAIN.replace(b"BEGIN:VEVENT", b"BEGIN:VEVENT  ", 1).replace(b"UID:a", b"UID:a ", 1),
    "quoted params": PLAIN.replace(b"DTEND;TZID=Asia/Tokyo:", b'DTEND;X-A="b:c;d";TZID="Asia/Tokyo":')
                          .replace(b"UID:b", b'UID;X-Q="u:v":b'),
    "quoted tzid": PLAIN.replace(b"DTEND;TZID=Asia/Tokyo:", b'DTEND;tzid="(UTC+09:00) Osaka; Sapporo, Tokyo":')
                        .replace(b"DTSTART;TZID=Europe/Berlin:", b'DTSTART;TZID="Europe/Berlin":', 1)
                        .replace(b"DTSTART;TZID=Europe/Berlin:", b'DTSTART;TZID="":', 1)
                        .replace(b"DTSTART;TZID=Europe/Berlin:", b'DTSTART;TZID="a"b":', 1),
    "several params": PLAIN.replace(b"DTEND;TZID=Asia/Tokyo:", b"DTEND;VALUE=DATE-TIME;TZID=Asia/Tokyo:")
                           .replace(b"DTSTART;TZID=Europe/Berlin:20240108T100000",
                                    b"DTSTART;TZID=Europe/Berlin;TZID=:20240108T100000", 1),
    "empty tzid": PLAIN.replace(b"TZID=Asia/Tokyo", b"TZID="),
    "two values": PLAIN.replace(b"DTEND;TZID=Asia/Tokyo:20300108T110000",
                                b"EXDATE;TZID=Asia/Tokyo:20300108T110000,19990101T000000\r\n"
                                b"RDATE;TZID=Asia/Tokyo:x20310101T000000y\r\nDUE;TZID=Asia/Tokyo:20320101T000000"),
    "arabic digits": PLAIN.replace(b"Tokyo:20300108T110000", "Tokyo:٢٠٣٠٠١٠٨T١١٠٠٠٠".encode()),
    "form feed": PLAIN.replace(b"UID:b", b"UID:b\x0cxy").replace(b"DTEND;TZ", b"DTEND;T\x0cxZ"),
    "splitlines chars": PLAIN.replace(b"UID:b", "UID:b\u2028x\x85y\u2029z".encode())
                             .replace(b"Asia/Tokyo", "Asia/To\x1ckyo".encode()),
    # str.splitlines breaks these lines and the reference reader drops the character after each break:
    # the UIDs of each pair are then one series, the TZIDs one key
    "splitlines uid twins": HEAD + b"".join(_event(uid.encode()) for uid in (
        "q\u2028xy", "q\u2028zy", "r\x85xy", "r\x85zy", "s\u2029xy", "s\u2029zy", "t\x0cxy", "t\x0czy"))
                            + b"END:VCALENDAR\r\n",
    "splitlines tzid": HEAD + b"".join(_event(b"z", b"DTEND;TZID=Asia/" + brk.encode() + x + b"Tokyo:20300108T110000")
                                       for brk in ("\u2028", "\x85", "\u2029", "\x1e") for x in (b"X", b"Y"))
                       + b"END:VCALENDAR\r\n",
    "lone cr": PLAIN.replace(b"UID:b\r\n", b"UID:b\rX\r\n").replace(b"BEGIN:VEVENT\r\n", b"BEGIN:VEVENT\r\r\n", 1),
    "cr only": PLAIN.replace(b"\r\n", b"\r"),
    "blank lines": PLAIN.replace(b"UID:b\r\n", b"UID:b\r\n\r\n  \r\n\r\n"),
    "blank then fold": PLAIN.replace(b"UID:b\r\n", b"\r\n UID:c\r\nUID:b\r\n"),
    "leading fold": b" X-LEAD:1\r\n more\r\n" + PLAIN,
    "outside lines": b"X-BEFORE:1\r\nX-BEFORE:2\r\n" + PLAIN + b"X-AFTER;A=1:2\r\n\r\n",
    "time properties": PLAIN.replace(b"VERSION:2.0", b"DTSTART:20200101T000000\r\nDTEND;VALUE=DATE:20200101")
                            .replace(b"UID:b", b"DTSTART;VALUE=DATE:20250101\r\nDUE:2026\r\n 0101\r\n"
                                               b"RDATE;value=PERIOD:x\r\n"
                                               b"EXDATE;VALUE=DATE;TZID=Asia/Tokyo:20270101\r\nUID:b")
                     + b"DTSTART:19990101T000000\r\n",
    "header folds": PLAIN.replace(b"PRODID:-//t//t//EN",
                                  b"PRODID:-//t\r\n //t//EN\r\nX-A;TZID=Asia/Tokyo:20200101T000000"),
    "two calendars": PLAIN + PLAIN.replace(b"UID:a", b"UID:c"),
    "valarm": PLAIN.replace(b"UID:b\r\n", b"UID:b\r\nBEGIN:VALARM\r\nUID:alarm\r\nTRIGGER:-PT5M\r\n"
                                         b"DTSTART;TZID=Asia/Seoul:20400101T000000\r\nEND:VALARM\r\n"),
    "vtodo": PLAIN.replace(b"END:VCALENDAR", b"BEGIN:VTODO\r\nUID:t\r\nDUE;TZID=Asia/Dubai:20450101T000000\r\n"
                                             b"END:VTODO\r\nEND:VCALENDAR"),
    "zone values": PLAIN.replace(b"DTSTART:19701025T030000", b"DTSTART;TZID=Asia/Tokyo:19701025T030000"),
    "no uid": PLAIN.replace(b"UID:a\r\n", b"", 1),
    "x-uid": PLAIN.replace(b"UID:b", b"X-UID:q\r\nUIDX:r\r\nUID:b"),
    "names with digits": PLAIN.replace(b"UID:b", b"X-1:0\r\n-:x\r\n9Z;A=1:x\r\nUID:b"),
    "odd names": PLAIN.replace(b"UID:b", b"X_UND:1\r\n:colon\r\n;semi\r\nNAME\r\nX.Y:1\r\nUID:b"),
    "begin with params": PLAIN.replace(b"UID:b", b"BEGIN;X=1:VALARM\r\nEND;Y=2:VALARM\r\nUID:b"),
    "long folded lines": PLAIN.replace(b"UID:b", b"ATTACH:" + b"\r\n ".join([b"QUJD" * 18] * 300) + b"\r\n"
                                       b"UID:b" + b"\r\n ".join([b"x" * 74] * 200)),
    "tab fold": PLAIN.replace(b"UID:b", b"UID:b\r\n\tc"),
    "non-ascii uid": PLAIN.replace(b"UID:b", "UID:b-é-日本-😀".encode()),
    "non-ascii tzid": PLAIN.replace(b"Asia/Tokyo", "Zone/Zürich".encode()),
    "split utf-8 fold": PLAIN.replace(b"UID:b", "UID:bé".encode()[:-1] + b"\r\n " + "é".encode()[-1:]),
    "windows-1252": PLAIN.replace(b"UID:b", b"UID:b\xe9"),
    "missing end": PLAIN.replace(b"END:VEVENT\r\nEND:VCALENDAR", b"END:VCALENDAR"),
    "extra end": PLAIN.replace(b"END:VCALENDAR", b"END:VEVENT\r\nEND:VCALENDAR"),
    "unterminated": PLAIN[:PLAIN.rindex(b"END:VCALENDAR")],
    "bare event": _event(b"bare"),
    "nothing": b"X-ONLY:1\r\n",
    "empty": b"",
    "nested calendar": PLAIN.replace(b"UID:b\r\n", b"UID:b\r\nBEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"),
    "broken other component": PLAIN.replace(b"END:VCALENDAR", b"BEGIN:VJOURNAL\r\nDTSTART:notadate\r\n"
                                                           b"END:VJOURNAL\r\nEND:VCALENDAR"),
}


@pytest.mark.parametrize("name", ODD)
def test_fast_index_equals_reference_on_odd_input(name: str, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "odd.ics"
    path.write_bytes(ODD[name])
    _same(path)
    monkeypatch.setattr(stream_index, "CHUNK", 5)
    _same(path)


def test_odd_input_reaches_every_branch(tmp_path: Path) -> None:
    """The odd files are not all refused: the index they give has events, zones and notes."""
    indexes = []
    for name, data in ODD.items():
        path = tmp_path / f"{len(indexes)}.ics"
        path.write_bytes(data)
        try:
            indexes.append(stream.index_ics(path, Report()))
        except stream.StreamUnsupported:
            pass
    assert len(indexes) > len(ODD) - 10
    assert any(idx.encoding == "cp1252" for idx in indexes)
    assert any(idx.split_folds for idx in indexes)
    assert any(len(idx.tz_years) >= 3 for idx in indexes)
    assert any(idx.notes for idx in indexes)


_PIECES = [b"BEGIN:VCALENDAR", b"END:VCALENDAR", b"BEGIN:VEVENT", b"END:VEVENT", b"begin:valarm", b"END:VALARM",
           b"BEGIN:VTIMEZONE", b"END:VTIMEZONE", b"BEGIN:VTODO", b"END:VTODO", b"UID:", b"uid;x=1:", b"UID:u1",
           b"UID:u2", b"DTSTART;TZID=A:", b"DTEND;tzid=B/C:", b"EXDATE;TZID=\"D:E\":", b"RDATE;VALUE=DATE;TZID=F:",
           b"DTSTAMP:", b"SUMMARY:", b"X-A;TZID=G:", b"20240101T000000", b"19991231T235959,20010101T000000",
           b"\r\n", b"\n", b"\r", b"\r\n ", b"\n\t", b" ", b":", b";", b"\"", b"=", b"\x0c", b"\xc2\x85",
           b"\xe2\x80\xa8", b"\xc3\xa9", b"\xc3", b"\xa9", b"\xe9", b"\xef\xbb\xbf", b"x", b"TZID", b"IN:VEVENT"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=80), st.sampled_from([3, 16, 1 << 20]))
def test_fast_index_equals_reference_on_line_soup(tmp_path_factory: pytest.TempPathFactory, pieces: list[bytes],
                                                   chunk: int) -> None:
    path = tmp_path_factory.mktemp("soup") / "soup.ics"
    path.write_bytes(b"BEGIN:VCALENDAR\r\n" + b"".join(pieces))
    stream_index.CHUNK, saved = chunk, stream_index.CHUNK
    try:
        _same(path)
    finally:
        stream_index.CHUNK = saved
