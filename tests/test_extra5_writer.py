"""The .ics writer's text fast paths (``io/fastics.py``, ``io/model_writer.py``, issue 12) give
what the straightforward code gives: TEXT escaping as icalendar's ``_escape_char`` (its seven
replacements, each now done only when its character is there) and DATE / DATE-TIME text as
``%04d%02d%02d[T%02d%02d%02d]`` (now from a table of two-digit texts)."""

from __future__ import annotations

import warnings
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar.parser.string import _foldline
from text_escape import escape_reference
from icalendar.prop import vText

from ics_bridge.io import model_writer as mw
from ics_bridge.io import fastics
from ics_bridge.io.fastics import escape_text
from ics_bridge.io.model_reader import read_calendar

CORPUS = Path(__file__).resolve().parent / "corpus"

#: Text made of the characters the escaping touches (``\N`` is icalendar's first replacement).
_SPECIAL_TEXT = st.lists(st.sampled_from(["\\", "N", "n", ";", ",", "\r", "\n", "\r\n", "\\N", "a", "é", "^", " "]),
                         max_size=16).map("".join)


def _reference_date_time(dt: datetime) -> str:
    return "%04d%02d%02dT%02d%02d%02d" % (dt.year, dt.month, dt.day, dt.hour, dt.minute, dt.second)


@settings(max_examples=500, deadline=None)
@given(st.one_of(_SPECIAL_TEXT, st.text()))
def test_escape_text_is_icalendars(text: str) -> None:
    escaped = escape_text(text)
    assert escaped == escape_reference(text)
    assert type(escaped) is str


def test_escape_text_of_a_str_subclass_is_a_plain_str() -> None:
    """icalendar's replacements always give a plain ``str``; a ``vText`` without anything to
    escape comes back as one too."""
    for text in ("plain", "with, comma", "line\nbreak"):
        escaped = escape_text(vText(text))
        assert type(escaped) is str and escaped == escape_reference(text)


@pytest.mark.parametrize("path", sorted((CORPUS / "ics").glob("*.ics")), ids=lambda p: p.name)
def test_escape_text_on_corpus_texts(path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cal = read_calendar(path.read_bytes())
    texts = [text for event in cal.events
             for text in (event.summary, event.description, event.location, *event.comments) if text is not None]
    for text in texts:
        assert escape_text(text) == escape_reference(text)


@settings(max_examples=500, deadline=None)
@given(st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59)))
def test_date_time_text_is_formatted_text(dt: datetime) -> None:
    assert mw._dt_text(dt) == _reference_date_time(dt)
    assert mw._date_text(dt.date()) == "%04d%02d%02d" % (dt.year, dt.month, dt.day)


@pytest.mark.parametrize("dt", [datetime(1, 1, 1), datetime(999, 12, 31, 23, 59, 59), datetime(1000, 1, 1, 9, 5, 7),
                                datetime(9999, 12, 31, 23, 59, 59)])
def test_date_time_text_at_the_year_edges(dt: datetime) -> None:
    assert mw._dt_text(dt) == _reference_date_time(dt)
    assert mw._date_text(date(dt.year, dt.month, dt.day)) == _reference_date_time(dt)[:8]


def test_utc_value_written_with_z_from_any_utc_tzinfo() -> None:
    """``when`` skips ``astimezone`` for ``timezone.utc`` only; other UTC-like zones still convert."""
    from zoneinfo import ZoneInfo
    from ics_bridge import model as m
    writer = mw._Writer()
    utc_zone = m.Zone(kind="utc", tzid="UTC")
    for tz in (timezone.utc, ZoneInfo("UTC"), ZoneInfo("Africa/Abidjan")):
        value = m.ZonedDateTime(datetime(2024, 3, 1, 9, 30, 5, tzinfo=tz), utc_zone)
        assert writer.when(value) == ("", "20240301T093005Z")
    moved = m.ZonedDateTime(datetime(2024, 3, 1, 9, 30, 5, tzinfo=ZoneInfo("Europe/Berlin")), utc_zone)
    assert writer.when(moved) == ("", "20240301T083005Z")


#: Lines made of what moves a fold: escapes (``\`` and ``^`` are never left last in a segment),
#: characters of 2, 3 and 4 UTF-8 octets (never cut inside), CR/LF and spaces.
_FOLD_LINE = st.lists(st.sampled_from(["a", "\\", "^", "\\n", "é", "€", "😀", " ", "\r", "\n", "abcdefgh"]),
                      min_size=20, max_size=120).map("".join)


@settings(max_examples=1000, deadline=None)
@given(_FOLD_LINE)
def test_fold_by_segments_is_the_loop_and_icalendars(line: str) -> None:
    raw = line.encode("utf-8")
    assert fastics._fold_75(raw) == fastics._fold_raw(raw, 75)
    plain = line.replace("\r", "").replace("\n", "")  # icalendar folds lines without CR or LF only
    assert fastics.fold(plain) == _foldline(plain).encode("utf-8")


@pytest.mark.parametrize("path", sorted((CORPUS / "ics").glob("*.ics")), ids=lambda p: p.name)
def test_fold_by_segments_on_corpus_lines(path: Path) -> None:
    for line in path.read_bytes().decode("utf-8", "replace").replace("\r\n ", "").replace("\r\n\t", "").splitlines():
        raw = (line * 3).encode("utf-8")  # long enough to fold
        assert fastics._fold_75(raw) == fastics._fold_raw(raw, 75)

