"""The streamed JSON → .ics pass 2's per-group shortcuts (round 10), each held to what it replaces.

* ``events_in_order`` (Graph, Google): a group's events mapped without a calendar, equal to the
  events of ``events_to_calendar`` in its writing order (``model.Calendar.events_in_file_order``), with the
  same report entries and errors (corpus, samples, series made from the corpus ICS files);
* ``model_writer.EventWriter`` keeps a UTC value's line from one event to the next (the shared
  DTSTAMP) and nothing that notes a zone: each event's bytes and zones as a fresh writer gives
  them, with values shared between consecutive events;
* ``pipeline._spooled_groups`` converts runs of groups in one collector pause: every group
  rendered with the collector paused, runs of any length, output as ``convert`` writes it.
"""

from __future__ import annotations

import dataclasses
import gc
import json
from pathlib import Path
from typing import Any, Iterator

import pytest

import ics_bridge
from ics_bridge import clock, pipeline
from ics_bridge import model as m
from ics_bridge.errors import InputError
from ics_bridge.io import jsonio
from ics_bridge.io import model_writer as mw
from ics_bridge.io.model_reader import read_calendar
from ics_bridge.providers.google import reader as google_reader
from ics_bridge.providers.google import to_ical as google_in
from ics_bridge.providers.google.model import EventList
from ics_bridge.report import Report

ROOT = Path(__file__).resolve().parent.parent
ICS = sorted((ROOT / "tests" / "corpus" / "ics").glob("*.ics"))


def _payloads(source: str) -> Iterator[tuple[str, list[Any]]]:
    """Item lists of ``source``: each corpus/sample file's, and the corpus's recurring .ics files
    converted to ``source`` (masters with exceptions, instances, tombstones), also reversed."""
    for path in sorted((ROOT / "tests" / "corpus" / source).glob("*.json")) + sorted(
            (ROOT / "samples" / source).glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            continue
        try:
            yield path.name, [raw for _where, raw in jsonio.entries(data) if isinstance(raw, dict)]
        except InputError:
            continue
    key = "value" if source == "graph" else "items"
    for path in [p for p in ICS if b"RECURRENCE-ID" in p.read_bytes()][:60]:
        try:
            data = ics_bridge.convert(path.read_bytes(), to=source, source="ics").data
        except Exception:  # noqa: BLE001 - a file that does not convert gives no payload
            continue
        items = data.get(key, [data]) if isinstance(data, dict) else list(data)
        yield path.name, items
        yield path.name + "[reversed]", items[::-1]


def _parsed(parse: Any, items: list[Any]) -> list[Any]:
    events = []
    for raw in items:
        try:
            events.append(parse(raw))
        except InputError:
            continue
    return events


def _mapped_both_ways(map_calendar: Any, map_events: Any, events: list[Any]) -> tuple[Any, Any]:
    """(events, entries, errors) from the calendar's writing order and from ``events_in_order``."""
    out = []
    now = clock.now_utc()
    for mapper in (map_calendar, map_events):
        report, errors = Report(file="f"), []
        with clock.fixed(now):
            got = mapper(list(events), report, errors)
        if isinstance(got, m.Calendar):
            got = got.events_in_file_order()
        out.append((got, list(report.entries), [str(e) for e in errors]))
    return out[0], out[1]


def test_graph_events_in_order_are_the_calendars_events() -> None:
    from ics_bridge.providers.graph import reader as graph_reader
    from ics_bridge.providers.graph import to_ical as graph_in
    checked = 0
    for name, items in _payloads("graph"):
        events = _parsed(graph_reader.parse_event, items)
        whole, grouped = _mapped_both_ways(graph_in.events_to_calendar, graph_in.events_in_order, events)
        assert grouped == whole, name
        checked += len(whole[0])
    assert checked > 200


@pytest.mark.parametrize("zone", [None, "Europe/Berlin", "Not/AZone"])
def test_google_events_in_order_are_the_calendars_events(zone: str | None) -> None:
    calendar = EventList.model_validate({"kind": "calendar#events", "summary": "Cal"})
    checked = 0
    for name, items in _payloads("google"):
        events = _parsed(google_reader.parse_event, items)
        whole, grouped = _mapped_both_ways(
            lambda e, r, x: google_in.events_to_calendar(e, calendar, r, x, calendar_zone=zone),
            lambda e, r, x: google_in.events_in_order(e, calendar, r, x, calendar_zone=zone), events)
        assert grouped == whole, name
        checked += len(whole[0])
    assert checked > 200


def _calendars() -> Iterator[tuple[str, m.Calendar]]:
    """Corpus .ics files as read (values with their parameters) and Graph payloads as mapped
    (values without: the writer's remembered lines are theirs)."""
    from ics_bridge.providers.graph import reader as graph_reader
    from ics_bridge.providers.graph import to_ical as graph_in
    for path in ICS[:80]:
        try:
            yield path.name, read_calendar(path.read_bytes().decode("utf-8"))
        except Exception:  # noqa: BLE001 - a file the reader refuses holds no event to write
            continue
    for name, items in _payloads("graph"):
        yield name, graph_in.events_to_calendar(_parsed(graph_reader.parse_event, items), Report(), [])


def _shared_value_pairs() -> Iterator[tuple[str, m.Event, m.Event]]:
    """Events, each followed by a copy holding the same value objects (start, end, stamp…)
    under another UID: the second write meets the first's values again."""
    for name, cal in _calendars():
        for event in cal.events_in_file_order():
            if event.start is not None:
                yield name, event, dataclasses.replace(event, uid=f"{event.uid}-copy")


@pytest.mark.parametrize("style", ["iana", "windows"])
def test_event_writer_keeps_only_zone_free_lines_across_events(style: str) -> None:
    """One EventWriter: each event's bytes and zones as a fresh writer records them, when the
    previous event wrote the very same value objects (a zoned start must be noted again)."""
    writer = mw.EventWriter(style)
    zoned = utc = 0
    for name, first, second in _shared_value_pairs():
        for event in (first, second):
            text, used, named, shared = writer.write(event)
            fresh = mw.EventWriter(style)
            assert (text, used, named, shared) == fresh.write(event), name
        zoned += bool(used)
        utc += isinstance(second.stamp, m.ZonedDateTime) and second.stamp.zone.kind == "utc"
    assert zoned > 20 and utc > 20


def test_event_writer_remembers_the_shared_stamp() -> None:
    """The shortcut is taken: a UTC stamp's line is not written again for the next event."""
    first, second = next((a, b) for _name, a, b in _shared_value_pairs()
                         if isinstance(a.stamp, m.ZonedDateTime) and a.stamp.zone.kind == "utc")
    writer = mw.EventWriter()
    writer.write(first)
    line = writer._writer.last_times["DTSTAMP"]
    writer.write(second)
    assert writer._writer.last_times["DTSTAMP"] is line


@pytest.mark.parametrize("run", [1, 2, 64])
@pytest.mark.parametrize("source", ["graph", "google"])
def test_runs_of_groups_render_paused_and_as_convert(source: str, run: int, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Groups converted in runs of ``run`` under one collector pause: each rendered with the
    collector off, none lost or repeated, the output the whole-file conversion's."""
    monkeypatch.setattr(pipeline, "_PAUSED_GROUPS", run)
    states: list[bool] = []
    render = pipeline._JsonGroups.render

    def spy(self: Any, *args: Any) -> Any:
        states.append(gc.isenabled())
        return render(self, *args)

    monkeypatch.setattr(pipeline._JsonGroups, "render", spy)
    key = "value" if source == "graph" else "items"
    recurring = [p for p in ICS if b"RECURRENCE-ID" in p.read_bytes()][:12]
    items: list[Any] = []
    for path in recurring:
        data = ics_bridge.convert(path.read_bytes(), to=source, source="ics").data
        items += data.get(key, []) if isinstance(data, dict) else data
    src = tmp_path / "in.json"
    src.write_text(json.dumps({key: items}), encoding="utf-8")
    with clock.fixed(clock.now_utc()):
        expected = ics_bridge.convert(src.read_bytes(), to="ics", source=source, file=str(src))
        out = tmp_path / "out.ics"
        result = pipeline.convert_file(src, out, to="ics", source=source, fallback=False, spool_report=False)
    assert result.streamed
    assert out.read_bytes() == expected.to_bytes()
    # the streamed report lists a group's entries with the group (the whole file's, kind by kind)
    assert sorted(map(repr, result.report.entries)) == sorted(map(repr, expected.report.entries))
    assert len(states) > 2 * run and not any(states)
