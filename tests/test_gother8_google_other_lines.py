"""ICS → Google kept an event's X- properties and unknown IANA properties nowhere and reported
nothing ("0 losses"): Google's ``keep_unmapped`` kept only the properties it names.  They now
travel in ``extendedProperties.private["ics-bridge.ical"]`` (as the Graph writer keeps them in its
extended property), each reported — ``stashed`` for X- names, ``unsupported-field`` for IANA
names, ``dropped`` when the kept lines would pass Google's 1024-character limit for one value —
and the way back restores them."""

from __future__ import annotations

from typing import Any

import ics_bridge
from ics_bridge.providers.google import tables

OTHER = ("X-FOO:bar", "FOOBAR;X-P=1:baz", "X-FOO:second")


def _calendar(lines: tuple[str, ...]) -> str:
    body = "".join(line + "\r\n" for line in lines)
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:a@b\r\n"
            "DTSTAMP:20240101T000000Z\r\nDTSTART:20240102T100000Z\r\nDTEND:20240102T110000Z\r\n"
            f"SUMMARY:x\r\n{body}END:VEVENT\r\nEND:VCALENDAR\r\n")


def _kept(data: Any) -> str | None:
    """The kept lines of the only event of a conversion's Google data."""
    event = data[0] if isinstance(data, list) else data.get("items", [data])[0]
    return ((event.get("extendedProperties") or {}).get("private") or {}).get(tables.ICAL_LINES_KEY)


def _entries(conv: ics_bridge.Conversion) -> list[tuple[str, str, str | None]]:
    return [(loss.kind.value, loss.field, loss.before) for loss in conv.report.entries]


def test_other_lines_are_kept_and_reported() -> None:
    there = ics_bridge.convert(_calendar(OTHER), to="google")
    assert _entries(there) == [("stashed", "X-FOO", "bar"), ("unsupported-field", "FOOBAR", "baz")]
    assert all("kept in extendedProperties.private" in loss.reason for loss in there.report.entries)
    # in the order the properties came, the lines of one name together
    assert _kept(there.data) == "X-FOO:bar\r\nX-FOO:second\r\nFOOBAR;X-P=1:baz"


def test_other_lines_come_back() -> None:
    there = ics_bridge.convert(_calendar(OTHER), to="google")
    back = ics_bridge.convert(there.data, to="ics", source="google").to_bytes().decode()
    lines = back.replace("\r\n ", "").split("\r\n")
    assert sorted(line for line in lines if line.split(":")[0].split(";")[0] in ("X-FOO", "FOOBAR")) == sorted(OTHER)


def test_own_and_mapped_lines_are_not_kept_twice() -> None:
    """ics-bridge's own X-ICSBRIDGE- lines and the X- lines the mapper reads are not kept again."""
    lines = ("X-ICSBRIDGE-GOOGLE-ID:abcdefabcdef", "X-GOOGLE-CONFERENCE:https://meet.google.com/abc-defg-hij",
             "X-MICROSOFT-CDO-BUSYSTATUS:BUSY", "X-FOO:bar")
    there = ics_bridge.convert(_calendar(lines), to="google")
    assert _kept(there.data) == "X-FOO:bar"
    assert [e for e in _entries(there) if e[0] == "stashed"] == [("stashed", "X-FOO", "bar")]


def test_lines_over_the_limit_are_reported_dropped() -> None:
    long = "X-LONG:" + "a" * tables.MAX_EXTENDED_VALUE
    there = ics_bridge.convert(_calendar(("X-FOO:bar", long, "FOOBAR:" + "b" * tables.MAX_EXTENDED_VALUE)), to="google")
    assert [(kind, field) for kind, field, _ in _entries(there)] == [
        ("stashed", "X-FOO"), ("dropped", "X-LONG"), ("dropped", "FOOBAR")]
    assert _kept(there.data) == "X-FOO:bar"
    assert [loss.severity.value for loss in there.report.entries][1:] == ["loss", "loss"]


def test_kept_in_the_order_the_properties_came_whatever_the_case() -> None:
    """Kept lines follow ``Event.order`` (a reading path may hold ``other`` in another order: the
    whole-file and streamed conversions must agree), and a name read in lower case is found."""
    from datetime import datetime, timezone

    from ics_bridge import model as m
    from ics_bridge.providers.google.from_ical import GoogleWriteOptions, calendar_to_events
    from ics_bridge.report import Report

    start = m.ZonedDateTime(datetime(2026, 1, 5, 10, tzinfo=timezone.utc), m.Zone("utc"))
    other = (m.Line("X-B", (), "2", "X-B:2"), m.Line("x-a", (), "1\\,x", "x-a:1\\,x"))
    event = m.Event(uid="o@b", start=start, other=other, order=("DTSTART", "X-A", "X-B"))
    report = Report()
    events, _ = calendar_to_events([m.Series("o@b", event, ())], report, GoogleWriteOptions())
    assert _kept(events) == "x-a:1\\,x\r\nX-B:2"
    assert [(e.field, e.before) for e in report.entries] == [("X-A", "1,x"), ("X-B", "2")]
