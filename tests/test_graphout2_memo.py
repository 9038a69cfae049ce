"""The hub → Graph mapper's per-identity memos (graphout2) held to a fresh mapping.

The whole mapping with every memo on against every one off, on the corpus, is
``tests/test_graphout_fastpath.py``; here the identity front of ``people.attendee``: an address
object seen before, an equal one read as another object, an id reused by a new object, and the
fresh dicts each event gets."""

from __future__ import annotations

from datetime import datetime, timezone

from ics_bridge import model as m
from ics_bridge.providers.graph import from_ical, people
from ics_bridge.report import Report


def _pieces(a: people.Attendee) -> tuple[object, ...]:
    return (a.entry, a.status, a.rsvp, a.losses)


def test_identity_memo_equals_fresh_mapping() -> None:
    people.clear()
    addresses = [m.Address(f"mailto:p{i}@example.com", cn=f"P {i}", role=role, partstat=stat,
                           params=(m.Param("RSVP", ("TRUE",)),) if i % 2 else ())
                 for i, (role, stat) in enumerate([("CHAIR", "ACCEPTED"), ("OPT-PARTICIPANT", "X-ODD"),
                                                   (None, None), ("NON-PARTICIPANT", "DECLINED")])]
    addresses.append(m.Address("urn:uuid:00000000-0000-0000-0000-000000000000", cn="Nobody"))
    for resource in (True, False):
        for att in addresses * 3:
            assert _pieces(people.attendee(att, resource)) == _pieces(people.Attendee(att, resource))
    # an equal address read as another object: the same answer
    twin = m.Address(addresses[0].address, cn=addresses[0].cn, role="CHAIR", partstat="ACCEPTED")
    assert _pieces(people.attendee(twin, True)) == _pieces(people.Attendee(twin, True))


def test_identity_memo_not_fooled_by_a_reused_id() -> None:
    """The memo keeps its address alive and checks it by identity: a new object at a freed
    address's id is mapped, not answered from the old one."""
    people.clear()
    for i in range(200):  # objects freed and allocated again, ids reused
        att = m.Address(f"mailto:r{i}@example.com", partstat="ACCEPTED" if i % 2 else "DECLINED")
        assert _pieces(people.attendee(att, True)) == _pieces(people.Attendee(att, True))
        del att


def test_each_event_gets_fresh_attendee_dicts() -> None:
    people.clear()
    att = m.Address("mailto:a@example.com", cn="A", partstat="ACCEPTED")
    start = m.ZonedDateTime(datetime(2026, 1, 5, 9, tzinfo=timezone.utc), m.Zone("utc"))
    series = [m.Series(f"u{i}", m.Event(uid=f"u{i}", start=start, attendees=(att,))) for i in range(2)]
    items = from_ical.calendar_to_events(series, Report(), from_ical.GraphWriteOptions())
    first, second = items[0]["attendees"][0], items[1]["attendees"][0]
    assert first == second
    first["emailAddress"]["name"] = "edited"
    first["status"]["response"] = "edited"
    assert second["emailAddress"]["name"] == "A" and second["status"]["response"] == "accepted"
    assert people.attendee(att, True).entry["emailAddress"]["name"] == "A"


def test_x_values_read_once_equal_x_on_corpus() -> None:
    """``_Writer.xs`` (each X- name's first value, read once per event) answers as ``_x``."""
    from pathlib import Path

    from ics_bridge.pipeline import read_hub

    seen = 0
    for path in sorted((Path(__file__).resolve().parent / "corpus").rglob("*.ics")):
        try:
            cal, _, _ = read_hub(path.read_bytes(), "ics", target="graph")
        except Exception:  # an input the reader refuses: nothing to map
            continue
        for event in cal.events:
            writer = from_ical._Writer(event, Report(), from_ical.GraphWriteOptions())
            for name in {line.name for line in event.other} | {"X-NOT-THERE"}:
                assert writer.xs.get(name) == from_ical._x(event, name), (path.name, name)
                seen += 1
    assert seen > 20
