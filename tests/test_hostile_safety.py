"""Safety (issue 6): URLs in the input (ATTACH, URL, CONFERENCE, image links) are never fetched,
and HTML written from a hostile description is sanitised in every target."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

import ics_bridge
from hostile.cases import GRAPH_EVENT, GOOGLE_EVENT, TARGETS, calendar, google_available, vevent
from ics_bridge.report import LossKind

CORPUS = Path(__file__).parent / "corpus" / "ics"
URL_FILES = ["libical__2445.ics", "icalendar__rfc_7986_conferences.ics"]
HOSTILE_HTML = ('<p onclick="steal()">hi<script>alert(1)</script><img src=x onerror=alert(1)>'
                '<a href="javascript:alert(1)">link</a><iframe src="https://evil.example"></iframe></p>')
UNSAFE = ("<script", "onerror=", "onclick=", "javascript:", "<iframe")


@pytest.fixture(params=TARGETS)
def target(request: pytest.FixtureRequest) -> str:
    if request.param == "google" and not google_available():
        pytest.skip("ics_bridge.providers.google is not there yet")
    return request.param


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    calls: list[tuple] = []

    def refuse(*args, **kwargs):
        calls.append(args)
        raise AssertionError(f"network access during a conversion: {args!r}")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return calls


@pytest.mark.parametrize("name", URL_FILES)
def test_urls_are_never_fetched(no_network: list, target: str, name: str) -> None:
    data = (CORPUS / name).read_bytes()
    assert any(p in data for p in (b"\nATTACH", b"\nURL", b"\nCONFERENCE"))
    conv = ics_bridge.convert(data, to=target, source="ics", file=name)
    conv.to_bytes()
    assert no_network == []


def test_hostile_attach_and_urls_are_never_fetched(no_network: list, target: str) -> None:
    text = calendar(vevent("bad-1", "ATTACH:https://evil.example/payload.exe", "URL:http://169.254.169.254/latest",
                           "CONFERENCE;VALUE=URI:https://evil.example/join", "ATTACH;FMTTYPE=text/html:file:///etc/passwd",
                           "X-ALT-DESC;FMTTYPE=text/html:<img src=\"https://evil.example/pixel.gif\">"))
    conv = ics_bridge.convert(text, to=target, source="ics", file="x.ics")
    conv.to_bytes()
    assert no_network == []


def _written_html(conv, target: str) -> str:
    if target == "ics":
        return conv.to_bytes().decode()
    return json.dumps(conv.data)


def test_hostile_html_description_from_ics(target: str) -> None:
    text = calendar(vevent("bad-1", "X-ALT-DESC;FMTTYPE=text/html:" + HOSTILE_HTML))
    conv = ics_bridge.convert(text, to=target, source="ics", file="x.ics")
    written = _written_html(conv, target).lower()
    assert "hi" in written and "link" in written
    for bad in UNSAFE:
        assert bad not in written, bad
    assert any(e.kind is LossKind.HTML_SANITIZED and e.uid == "bad-1" for e in conv.report)


def test_hostile_html_in_a_calendar_object_given_directly() -> None:
    """A Calendar passed to convert() skips the reader: the Graph writer sanitises itself."""
    from icalendar import Calendar

    cal = Calendar.from_ical(calendar(vevent("bad-1", "X-ALT-DESC;FMTTYPE=text/html:" + HOSTILE_HTML)))
    conv = ics_bridge.convert(cal, to="graph")
    written = json.dumps(conv.data).lower()
    for bad in UNSAFE:
        assert bad not in written, bad


@pytest.mark.parametrize("source", ["graph", "google"])
def test_hostile_html_body_from_json(target: str, source: str) -> None:
    if source == "google" and not google_available():
        pytest.skip("ics_bridge.providers.google is not there yet")
    if source == "graph":
        event = dict(GRAPH_EVENT, body={"contentType": "html", "content": HOSTILE_HTML})
    else:
        event = dict(GOOGLE_EVENT, description=HOSTILE_HTML)
    conv = ics_bridge.convert(event, to=target, source=source, file="x.json")
    written = _written_html(conv, target).lower()
    for bad in UNSAFE:
        assert bad not in written, bad
