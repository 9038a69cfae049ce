"""REQUEST-STATUS and RESOURCES come back from Graph and Google as they were read.

RFC 5545 3.8.8.3: REQUEST-STATUS is ``statcode ";" statdesc [";" extdata]``; 3.8.1.10: RESOURCES
is a comma-separated list of TEXT.  icalendar types both TEXT, and Graph's kept lines
(``providers/graph/from_ical._TEXT_KEPT``) escaped them as one TEXT: ICS → Graph → ICS gave
``REQUEST-STATUS:2.0\\;Success`` (a code with no description) and ``RESOURCES:EASEL\\,VCR`` (one
resource).  Held at library level, both providers, with the lines of
tests/test_fixes6_structured_text.py (one-TEXT properties still come back as written).
"""

from __future__ import annotations

import pytest

import ics_bridge

STRUCTURED = (
    "REQUEST-STATUS:2.0;Success",
    "REQUEST-STATUS:3.1;Invalid property value;DTSTART:96-Apr-01",
    "REQUEST-STATUS:2.8; Success\\, repeating event ignored.;RRULE:FREQ=WEEKLY\\;INTERVAL=2",
    "RESOURCES:EASEL,PROJECTOR,VCR",
    "RESOURCES:a\\,b,c",
    "RESOURCES;LANGUAGE=fr:Salle\\;A,Projecteur",
    "CONTACT:Jim Dolittle\\, ABC Industries",
)


def _calendar(lines: tuple[str, ...]) -> str:
    body = "".join(line + "\r\n" for line in lines)
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:a@b\r\n"
            "DTSTAMP:20240101T000000Z\r\nDTSTART:20240102T100000Z\r\nDTEND:20240102T110000Z\r\n"
            f"SUMMARY:x\r\n{body}END:VEVENT\r\nEND:VCALENDAR\r\n")


def _back(via: str, lines: tuple[str, ...]) -> list[str]:
    there = ics_bridge.convert(_calendar(lines), to=via)
    back = ics_bridge.convert(there.data, to="ics", source=via).to_bytes().decode()
    names = {line.split(":")[0].split(";")[0] for line in lines}
    return [line for line in back.replace("\r\n ", "").split("\r\n") if line.split(":")[0].split(";")[0] in names]


@pytest.mark.parametrize("via", ["graph", "google"])
def test_structured_lines_come_back_as_read(via: str) -> None:
    assert sorted(_back(via, STRUCTURED)) == sorted(STRUCTURED)


@pytest.mark.parametrize("via", ["graph", "google"])
@pytest.mark.parametrize("line", STRUCTURED)
def test_each_line_alone_comes_back_as_read(via: str, line: str) -> None:
    assert _back(via, (line,)) == [line]


def test_google_reports_request_status() -> None:
    """Google has no REQUEST-STATUS: it went nowhere and no report said so (now kept and reported,
    as RESOURCES and CONTACT are)."""
    there = ics_bridge.convert(_calendar(("REQUEST-STATUS:2.0;Success",)), to="google")
    assert [(loss.field, loss.before) for loss in there.report.entries] == [("REQUEST-STATUS", "2.0;Success")]
