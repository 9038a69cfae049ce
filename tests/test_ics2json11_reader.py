"""The typed reader's DATE-TIME fast path (ics2json11: its date and time of day memoised as ``date``
and ``time`` and joined by ``datetime.combine``; the ATTENDEE and time-property handlers written
out) against icalendar's reading (``_Props.time_by_icalendar``, ``vDDDTypes``), as
tests/test_contentlines.py holds the line reader: on generated values — valid ones in UTC,
floating, in a tzdata zone, in a zone of the file, and the near misses the fast path must refuse
(month 13, day 32, Feb 30, hour 24, minute 60, second 60, signs and blanks inside the numbers) —
and on every DATE-TIME of the corpus, samples and producer files.  Pass 1's UID shortcut
(``_uid_of`` on ``UID:``) against ``lines.split``'s value, on generated and corpus UID lines."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from ics_bridge import model as m
from ics_bridge.io import model_reader as MR
from ics_bridge.io.lines import head

ROOT = Path(__file__).resolve().parent.parent
_ZONES = """BEGIN:VCALENDAR
VERSION:2.0
BEGIN:VTIMEZONE
TZID:My Zone
BEGIN:STANDARD
DTSTART:19700101T000000
TZOFFSETFROM:+0130
TZOFFSETTO:+0130
END:STANDARD
END:VTIMEZONE
END:VCALENDAR
"""


def _props() -> MR._Props:
    return MR._Props(MR.IcsReader(_ZONES.encode()), MR._EVENT)


def _params(section: str) -> m.Params:
    """The parameters the reader gets for ``DTSTART<section>:`` (shared objects, as in a file)."""
    line = f"DTSTART{section}:x"
    found = head(line, line.index(":"))
    return found[1] if found is not None else MR.L.split(line)[1]


_SECTIONS = ["", ";TZID=Europe/Berlin", ";TZID=America/New_York", ";TZID=My Zone", ";TZID=Nowhere/Else",
             ";VALUE=DATE-TIME", ";TZID=UTC"]


def _texts(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        y, mo, d = rng.randint(1, 9999), rng.randint(1, 12), rng.randint(1, 31)
        h, mi, s = rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59)
        text = f"{y:04d}{mo:02d}{d:02d}T{h:02d}{mi:02d}{s:02d}" + rng.choice(["", "Z"])
        if rng.random() < 0.3:  # a near miss: one field out of range or misspelled
            at, bad = rng.choice([(4, "13"), (6, "32"), (4, "02"), (9, "24"), (11, "60"), (13, "60"), (4, "+1"),
                                  (6, " 1"), (9, "-1"), (0, "0000"), (11, "5 ")])
            text = text[:at] + bad + text[at + len(bad):]
            if (at, bad) == (4, "02"):
                text = text[:6] + "30" + text[8:]  # Feb 30
        out.append(text)
    return out


def _same(props: MR._Props, name: str, params: m.Params, raw: str) -> None:
    """The fast reading is icalendar's, or both refuse the value.  A ``Z`` beside a TZID that
    applies is an odd value (RFC 5545 3.3.5 forbids the pair): flagged, then judged by icalendar
    (``io/ics_model._plain``), not read as icalendar reads it."""
    if raw.endswith("Z") and name in MR._ZONED and m.param(params, "TZID"):
        props.odd = False
        try:
            props.time(name, params, raw)
        except (ValueError, TypeError, OverflowError):
            pass
        assert props.odd, raw
        return
    try:
        fast = props.time(name, params, raw)
    except (ValueError, TypeError, OverflowError):
        fast = "refused"
    try:
        reference = MR._Props(props.reader, MR._EVENT).time_by_icalendar(name, params, raw)
    except (ValueError, TypeError, OverflowError):
        reference = "refused"
    assert fast == reference, (name, params, raw)
    if isinstance(fast, m.ZonedDateTime):
        assert isinstance(reference, m.ZonedDateTime)
        # the same wall clock, offset and fold (TZID=UTC: the reader's timezone.utc, icalendar's ZoneInfo)
        a, b = fast.dt, reference.dt
        assert (a.replace(tzinfo=None), a.utcoffset(), a.fold) == (b.replace(tzinfo=None), b.utcoffset(), b.fold), raw


@pytest.mark.parametrize("section", _SECTIONS)
def test_generated_date_times_read_as_icalendar(section: str) -> None:
    props = _props()
    params = _params(section)
    for raw in _texts(600, hash(section) & 0xFFFF) * 2:  # the second round reads from the memos
        for name in ("DTSTART", "DTSTAMP"):  # DTSTAMP's TZID is not applied (as icalendar)
            _same(props, name, params, raw)


def _corpus_date_times() -> list[tuple[str, m.Params, str]]:
    files = [p for folder in ("tests/corpus/ics", "samples/ics", "tests/producers")
             for p in sorted((ROOT / folder).rglob("*.ics"))]
    assert len(files) > 20
    found = []
    for path in files:
        text = path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n ", b"").decode("utf-8", "replace")
        for line in text.split("\n"):
            name = line.split(";", 1)[0].split(":", 1)[0].upper()
            if name in ("DTSTART", "DTEND", "DTSTAMP", "RECURRENCE-ID", "CREATED", "LAST-MODIFIED") and ":" in line:
                at = line.index(":")
                parsed = head(line, at)
                if parsed is not None and "TZID" not in line:  # the file's own zones are not in _ZONES
                    found.append((parsed[0], parsed[1], line[at + 1:]))
    assert len(found) > 200
    return found


def test_corpus_date_times_read_as_icalendar() -> None:
    props = _props()
    for name, params, raw in _corpus_date_times():
        _same(props, name, params, raw)


def test_attendees_as_before() -> None:
    """The ATTENDEE handler written out collects what ``_Props.add`` of ``_address`` did: the
    same shared objects, in order, a repeat included."""
    lines = ["ATTENDEE;CN=A;PARTSTAT=ACCEPTED:mailto:a@example.com", "ATTENDEE:mailto:b@example.com",
             "ATTENDEE;CN=A;PARTSTAT=ACCEPTED:mailto:a@example.com", "ATTENDEE;CN=C:mailto:c@example.com"]
    props = _props()
    props.read(lines)
    reference = []
    for line in lines:
        _, params, raw = MR.L.split(line)
        reference.append(MR._address(params, raw))
    assert props.lists == {"attendees": reference}
    assert all(a is b for a, b in zip(props.lists["attendees"], reference))  # type: ignore[index]


def _uid_lines(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    names = ["UID", "uid", "Uid", "UID;X-A=b", 'UID;X-A="a:b"', "UID ", "UIDX"]
    values = ["abc@example.com", "a\\,b\\;c\\nd", "a:b:c", "", "日本@例え", "x\\\\n", '"q"', " lead", "a;b"]
    return [f"{rng.choice(names)}:{rng.choice(values)}{rng.choice(['', 'z', ':'])}" for _ in range(n)]


def test_uid_of_as_split() -> None:
    """Pass 1's UID (``_uid_of``'s ``UID:`` shortcut) is ``lines.split``'s value, unescaped."""
    lines = _uid_lines(2000, 4) + [uid for path in sorted((ROOT / "tests/corpus/ics").glob("*.ics"))
                                   for uid in path.read_bytes().decode("utf-8", "replace").replace("\r\n", "\n")
                                   .replace("\n ", "").split("\n") if uid[:4].upper() == "UID:"]
    assert len(lines) > 2100
    for line in lines:
        try:
            expected: str | None = MR.L.unescape_text(MR.L.split(line)[2])
        except ValueError:
            expected = None
        assert MR._uid_of(line) == expected, line
