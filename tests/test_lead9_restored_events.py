"""Round trips: events that only the restored view (what ``convert`` gives back, ics-bridge's
private data included) loses or gains are in the verdicts, marked ``restored_only``.

Before, ``mark_kept_privately`` added the restored view's *differences* to the native verdicts
but not its lost or gained *events*: a conversion back that dropped an event the provider still
showed stayed "lossless"."""

from __future__ import annotations

import ics_bridge
from ics_bridge.cli import _print_verdicts
from ics_bridge.validate import calendar_meanings, compare_calendars, mark_kept_privately


def _cal(*events: tuple[str, str]) -> bytes:
    body = "".join(f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260105T100000Z\r\n"
                   f"DTEND:20260105T110000Z\r\nSUMMARY:{summary}\r\nEND:VEVENT\r\n" for uid, summary in events)
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n{body}END:VCALENDAR\r\n".encode()


def _meanings(data: bytes) -> list:
    return calendar_meanings(ics_bridge.convert(data, to="ics").hub)


def _views(native_after: bytes, restored_after: bytes) -> list:
    before = _meanings(_cal(("a", "A"), ("b", "B")))
    native = compare_calendars(before, _meanings(native_after))
    restored = compare_calendars(before, _meanings(restored_after))
    return mark_kept_privately(native, restored, "graph")


def test_an_event_only_the_restored_view_loses_is_missing() -> None:
    verdicts = _views(_cal(("a", "A"), ("b", "B")), _cal(("a", "A")))
    by_uid = {v.uid: v for v in verdicts}
    assert by_uid["a"].status == "lossless" and not by_uid["a"].restored_only
    assert by_uid["b"].status == "missing" and by_uid["b"].restored_only
    assert by_uid["b"].as_dict()["restored_only"] is True
    assert "restored_only" not in by_uid["a"].as_dict()


def test_an_event_only_the_restored_view_gains_is_extra() -> None:
    verdicts = _views(_cal(("a", "A"), ("b", "B")), _cal(("a", "A"), ("b", "B"), ("c", "C")))
    assert [(v.uid, v.status, v.restored_only) for v in verdicts] == [
        ("a", "lossless", False), ("b", "lossless", False), ("c", "extra", True)]


def test_events_both_views_lose_or_gain_are_not_restored_only() -> None:
    both = _cal(("a", "A"), ("c", "C"))
    verdicts = _views(both, both)
    assert {(v.uid, v.status, v.restored_only) for v in verdicts} == {
        ("a", "lossless", False), ("b", "missing", False), ("c", "extra", False)}


def test_the_cli_says_the_loss_is_the_read_back(capsys) -> None:  # type: ignore[no-untyped-def]
    verdicts = _views(_cal(("a", "A"), ("b", "B")), _cal(("a", "A"), ("b", "B"), ("c", "C")))
    _print_verdicts("f.ics", verdicts, True, roundtrip=True)
    out = capsys.readouterr().out.splitlines()
    assert out == ["f.ics: c (C): appeared in the round trip  "
                   "[when read back by ics-bridge, as convert gives it; not in the loss report]"]
