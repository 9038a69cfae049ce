"""The fast content-line reader builds exactly the component trees icalendar's own loop builds.

``ics_bridge.io.ics._Parser`` splits plain lines with :func:`contentlines.split` and caches value
types; ``_Reference`` is the same parser with icalendar's line loop and type lookup put back.
Both read every corpus file, every hostile case and generated lines; the trees must agree in
component names and order, property names and order, value types, parameters (keys, order,
values), serialized values and the recorded errors.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar
from icalendar.parser.content_line import Contentline
from icalendar.parser.ical.component import ComponentIcalParser

from ics_bridge.io import contentlines
from ics_bridge.io import ics as ics_io
from ics_bridge.report import Report

CORPUS = Path(__file__).resolve().parent / "corpus" / "ics"


class _Reference(ics_io._Parser):
    initialize_parsing = ComponentIcalParser.initialize_parsing
    parse_content_lines = ComponentIcalParser.parse_content_lines

    def get_factory_for_property(self, name: str, params: Any) -> Any:
        """icalendar's lookup, with the parser's one deliberate retyping (REQUEST-STATUS and
        RESOURCES read as written: ``ics_io.TextAsRead``)."""
        return ics_io.as_read_type(name, params) or ComponentIcalParser.get_factory_for_property(self, name, params)


def _values(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _shape(component: Any) -> Any:
    props = []
    for name, value in component.property_items(recursive=False, sorted=False):
        props.append(name)
    fields = []
    for name in component.keys():
        for item in _values(component[name]):
            params = getattr(item, "params", {})
            fields.append((name, type(item).__name__, list(params.keys()), [params[k] for k in params],
                           item.to_ical() if hasattr(item, "to_ical") else repr(item)))
    return (component.name, props, fields, list(getattr(component, "errors", [])),
            [_shape(sub) for sub in component.subcomponents])


def _both(text: str) -> tuple[Any, Any]:
    def read(parser: type) -> Any:
        try:
            return [_shape(c) for c in parser(text, ics_io._FACTORY, Calendar.types_factory).parse()]
        except Exception as exc:  # noqa: BLE001 - both must fail alike
            return ("error", type(exc).__name__, str(exc))
    return read(ics_io._Parser), read(_Reference)


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.ics")), ids=lambda p: p.name)
def test_corpus_trees_identical(path: Path) -> None:
    text = ics_io.prepare_text(ics_io.decode(path.read_bytes(), Report()), Report())
    fast, reference = _both(text)
    assert fast == reference
    assert fast and fast[0] != "error"


_AWKWARD = [
    'ATTENDEE;CN="Doe\\, John";PARTSTAT=ACCEPTED:mailto:j@example.com', "X-A;X-B=:v",
    'ORGANIZER;CN="a:b;c":mailto:o@example.com', "SUMMARY;LANGUAGE=de:Grüße\\nzwei", "DTSTART;VALUE=DATE:20260101",
    "DTSTART;TZID=Europe:20260101T090000", "DTSTART;TZID=Nowhere/Zone:20260101T090000", "RRULE:FREQ=NOPE",
    "EXDATE;VALUE=DATE:20260102,20260103", "RDATE;VALUE=PERIOD:20260101T090000Z/PT1H", "RDATE:",
    "CATEGORIES:a\\,b,c", "CATEGORIES;X=1:a:b", "X-EMPTY;:v", ";X:v", "NOVALUE", "X-Q;A=\"unterminated:v",
    "ATTENDEE;ROLE=REQ-PARTICIPANT;ROLE=CHAIR:mailto:x@example.com", "attendee;cn=lower:mailto:x@example.com",
    "DESCRIPTION;ALTREP=\"cid:part1.0001@example.org\":The Fall'98", "X-U;VALUE=UNKNOWN:a\\,b",
    "TRIGGER;RELATED=END:-PT15M", "GEO:1.5;2.5", "DURATION:P1D", "X-CARET;CN=a^'b:v",
]


@pytest.mark.parametrize("line", _AWKWARD)
def test_awkward_lines_read_alike(line: str) -> None:
    text = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:u\r\nDTSTART:20260101T090000Z\r\n"
            f"{line}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    fast, reference = _both(text)
    assert fast == reference


_param_value = st.text(alphabet=list('aZ9 -_.,:;"^\\é\t/=@') + ["\x01"], max_size=12)
_param = st.tuples(st.sampled_from(["CN", "cn", "TZID", "ROLE", "X-A", "VALUE", "X_B", "PARTSTAT"]),
                   st.sampled_from(["", '"']), _param_value)
_name = st.sampled_from(["SUMMARY", "summary", "DTSTART", "ATTENDEE", "X-FOO", "CATEGORIES", "RRULE",
                         "DESCRIPTION", "X_BAD", " SUMMARY", "TRIGGER"])
_value = st.text(alphabet=list('a1:;,\\nN" é^T=') , max_size=20)


@settings(max_examples=3000, deadline=None)
@given(_name, st.lists(_param, max_size=3), _value)
def test_generated_lines_split_like_icalendar(name: str, params: list[tuple[str, str, str]], value: str) -> None:
    line = name + "".join(f";{k}={q}{v}{q}" for k, q, v in params) + ":" + value
    split = contentlines.split(line)
    if split is None:
        return  # icalendar reads it itself
    reference = Contentline(line)
    fast = contentlines.SplitLine(line, split)
    assert fast.raw_parts() == reference.raw_parts()
    assert list(split[1].keys()) == list(reference.raw_parts()[1].keys())
    assert contentlines.unescape(split[2]) == reference.parts()[2]
    assert fast.value_separator_index() == reference.value_separator_index()


def test_plain_shapes_take_the_fast_path() -> None:
    """The lines of a realistic calendar are split without icalendar's loop."""
    for line in ['ATTENDEE;CN="Müller, Anna";ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=TRUE:mailto:a@example.com',
                 "DTSTART;TZID=Europe/Berlin:20260101T090000", "SUMMARY:Plan\\, review\\; ship",
                 'DESCRIPTION;ALTREP="http://example.com/x:y":Text', "RRULE:FREQ=WEEKLY;BYDAY=MO,WE"]:
        split = contentlines.split(line)
        assert split is not None
        assert (*split[:2], contentlines.unescape(split[2])) == Contentline(line).parts()
    for line in ['X;CN="a\\,b":v', "X;CN=a,b:v", "X;cn=a:v", "X;CN=a^nb:v", "X ;CN=a:v"]:
        assert contentlines.split(line) is None
