"""REQUEST-STATUS and RESOURCES written as read in every component, not only a plain VEVENT.

icalendar types both TEXT, but neither value is one TEXT: REQUEST-STATUS (RFC 5545 3.8.8.3) is
``statcode ";" statdesc [";" extdata]`` and RESOURCES (3.8.1.10) a comma-separated list.  The
typed hub keeps a plain VEVENT's lines as read (fixed in round 5,
tests/test_icsics_ics_to_ics.py::test_request_status_written_as_read); everything icalendar
still reads and writes — a VTODO, VJOURNAL, VFREEBUSY or X- component (``io/ics.component_as_written``),
a VALARM inside one of those, an X- subcomponent of a VEVENT, a VEVENT that crosses the edge
because it is not plain — came out as ``REQUEST-STATUS:2.0\\;Success`` (a code with no
description) and ``RESOURCES:EASEL\\,VCR`` (one resource).  ``io/ics.TextAsRead`` keeps the
value as read beside icalendar's text.  ical.js, which splits both as the RFC says, is the judge
of meaning; CATEGORIES, GEO and RRULE, which icalendar types right, are held unchanged.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import icalendar
import pytest

import ics_bridge
from ics_bridge.io import fastics
from ics_bridge.io import ics as ics_io
from interop import readers

INTEROP = Path(__file__).resolve().parent / "interop"

#: Lines whose meaning icalendar's TEXT reading changed, and lines it always kept.
STRUCTURED = (
    "REQUEST-STATUS:2.0;Success",
    "REQUEST-STATUS:2.0\\;Success",
    "REQUEST-STATUS:3.1;Invalid property value;DTSTART:96-Apr-01",
    "REQUEST-STATUS:2.8; Success\\, repeating event ignored.;RRULE:FREQ=WEEKLY\\;INTERVAL=2",
    "RESOURCES:EASEL,PROJECTOR,VCR",
    "RESOURCES:a\\,b,c",
    "RESOURCES;LANGUAGE=fr:Salle\\;A,Projecteur",
)
TYPED_RIGHT = ("CATEGORIES:APPOINTMENT,EDUCATION", "CATEGORIES:a\\,b,c", "GEO:37.386013;-122.082932",
               "RRULE:FREQ=WEEKLY;BYDAY=MO,WE")
LINES = (*STRUCTURED, *TYPED_RIGHT)
_STAMP = "UID:{uid}\r\nDTSTAMP:20240101T000000Z\r\n"
_START = "DTSTART:20240101T090000Z\r\n"


def _body() -> str:
    return "".join(line + "\r\n" for line in LINES)


#: Where the lines stand: (name, calendar body, the path of components to the one holding them).
PLACES = {
    "VTODO": (f"BEGIN:VTODO\r\n{_STAMP.format(uid='t')}{_body()}END:VTODO\r\n", ("vtodo",)),
    "VJOURNAL": (f"BEGIN:VJOURNAL\r\n{_STAMP.format(uid='j')}{_body()}END:VJOURNAL\r\n", ("vjournal",)),
    "VFREEBUSY": (f"BEGIN:VFREEBUSY\r\n{_STAMP.format(uid='f')}{_body()}END:VFREEBUSY\r\n", ("vfreebusy",)),
    "X-component": (f"BEGIN:X-THING\r\n{_STAMP.format(uid='x')}{_body()}END:X-THING\r\n", ("x-thing",)),
    "VALARM in a VTODO": (f"BEGIN:VTODO\r\n{_STAMP.format(uid='t')}BEGIN:VALARM\r\nACTION:DISPLAY\r\n"
                          f"DESCRIPTION:r\r\nTRIGGER:-PT5M\r\n{_body()}END:VALARM\r\nEND:VTODO\r\n", ("vtodo", "valarm")),
    "X- subcomponent of a VEVENT": (f"BEGIN:VEVENT\r\n{_STAMP.format(uid='e')}{_START}BEGIN:X-THING\r\n{_body()}"
                                    "END:X-THING\r\nEND:VEVENT\r\n", ("vevent", "x-thing")),
    "VEVENT that is not plain": (f"BEGIN:VEVENT\r\n{_STAMP.format(uid='e')}{_START}{_body()}"
                                 "DTEND:20240101T100000Z\r\nDTEND:20240101T110000Z\r\nEND:VEVENT\r\n", ("vevent",)),
}


def _calendar(body: str) -> bytes:
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n{body}END:VCALENDAR\r\n".encode()


def _written(data: bytes) -> bytes:
    return ics_bridge.convert(data, to="ics", source="ics").to_bytes()


def _icaljs_properties(text: str, path: tuple[str, ...]) -> list[list[object]]:
    """ical.js's jCal of the REQUEST-STATUS, RESOURCES, CATEGORIES, GEO and RRULE properties of
    the component at ``path`` (first of each name): [name, params, type, values…] each."""
    readers.require("icaljs")
    script = """
import ICAL from "ical.js"; import fs from "fs";
const [text, path] = JSON.parse(fs.readFileSync(0, "utf8"));
let comp = new ICAL.Component(ICAL.parse(text));
for (const name of path) comp = comp.getFirstSubcomponent(name);
const names = ["request-status", "resources", "categories", "geo", "rrule"];
console.log(JSON.stringify(comp.jCal[1].filter(p => names.includes(p[0]))));
"""
    proc = subprocess.run(["node", "--input-type=module", "-e", script], cwd=INTEROP, capture_output=True,
                          input=json.dumps([text, list(path)]).encode(), timeout=readers.SUBPROCESS_TIMEOUT)
    assert proc.returncode == 0, proc.stderr.decode()
    return json.loads(proc.stdout)


@pytest.mark.parametrize("place", list(PLACES))
def test_structured_text_written_as_read(place: str) -> None:
    body, _path = PLACES[place]
    written = _written(_calendar(body)).decode("utf-8").replace("\r\n ", "")
    lines = written.split("\r\n")
    for line in LINES:
        assert line in lines, (place, line, [x for x in lines if x.startswith(line.split(":")[0][:8])])
    assert "REQUEST-STATUS:2.0\\;Success" in lines  # the file's own escaped one, as read
    assert lines.count("REQUEST-STATUS:2.0\\;Success") == 1


@pytest.mark.parametrize("place", list(PLACES))
def test_ical_js_reads_the_same_statuses_and_resources(place: str) -> None:
    """``REQUEST-STATUS:2.0;Success`` is ["2.0", "Success"] to ical.js; escaped, one string."""
    body, path = PLACES[place]
    data = _calendar(body)
    before = _icaljs_properties(data.decode(), path)
    after = _icaljs_properties(_written(data).decode(), path)
    assert len(before) == len(LINES)
    assert sorted(map(json.dumps, after)) == sorted(map(json.dumps, before))


def test_icalendar_text_of_the_values_unchanged() -> None:
    """The values read by ``io/ics``'s parser are icalendar's own texts (what the checks and the
    edge's other readers see), the value as read only beside them."""
    data = _calendar(PLACES["VTODO"][0]).decode()
    ours = ics_io._parse(data)[0].walk("VTODO")[0]
    theirs = icalendar.Calendar.from_ical(data).walk("VTODO")[0]
    for name in ("REQUEST-STATUS", "RESOURCES"):
        assert [str(v) for v in ours[name]] == [str(v) for v in theirs[name]], name
        assert [v.params for v in ours[name]] == [v.params for v in theirs[name]], name
        assert all(isinstance(v, ics_io.TextAsRead) for v in ours[name])


def test_a_callers_own_calendar_keeps_icalendars_bytes() -> None:
    """A caller's ``icalendar.Calendar`` holds icalendar's TEXT values (``vText``), whose meaning
    is the text: the stand-in writer still writes exactly what icalendar writes."""
    cal = icalendar.Calendar.from_ical(_calendar(PLACES["VTODO"][0]))
    assert fastics.component_to_ical(cal) == cal.to_ical()
    assert b"REQUEST-STATUS:2.0\\;Success" in fastics.component_to_ical(cal)


def test_version_range_written_as_read() -> None:
    """VERSION is not TEXT either (RFC 5545 3.7.4: ``minver ";" maxver``): ``1.0;2.0`` stays."""
    data = _calendar(PLACES["VTODO"][0]).replace(b"VERSION:2.0", b"VERSION:1.0;2.0")
    lines = _written(data).decode().split("\r\n")
    assert "VERSION:1.0;2.0" in lines
    assert _written(_calendar(PLACES["VTODO"][0])).count(b"\r\nVERSION:2.0\r\n") == 1
