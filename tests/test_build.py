"""Building typed hub events from provider data (``ics_bridge/build.py``, issue 12): the pieces
both mappers build — descriptions with their HTML alternative, alarms, people, conference and
join links, stashes, kept lines — and how the builders become a calendar."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from ics_bridge import hub
from ics_bridge import model as m
from ics_bridge.build import (EventBuilder, add_conference, add_join_link, calendar_of, make_address, make_alarm,
                              put_stash, set_description, splice_lines, time_value)
from ics_bridge.io.lines import unescape_text
from ics_bridge.io.model_reader import read_calendar
from ics_bridge.io.model_writer import write_calendar
from ics_bridge.report import LossKind, Report


def _written(builder: EventBuilder) -> str:
    builder.set("uid", builder.get("uid") or "b@example.com")
    builder.time("start", builder.get("start") or date(2026, 3, 2))
    return write_calendar(calendar_of([builder], prodid="-//test//EN")).decode()


def test_html_body_becomes_text_and_a_sanitised_alternative() -> None:
    report = Report()
    b = EventBuilder()
    set_description(b, "<p>Hi<script>x()</script>, <b>all</b></p>", is_html=True, report=report, uid="u")
    assert "Hi" in b.get("description") and "<" not in b.get("description")
    (alt,) = [line for line in b.other if line.name == "X-ALT-DESC"]
    assert m.param(alt.params, "FMTTYPE") == "text/html" and "script" not in alt.value
    assert [e.kind for e in report] == [LossKind.HTML_SANITIZED]
    assert "X-ALT-DESC;FMTTYPE=text/html:" in _written(b)


def test_plain_text_that_looks_like_markup_gets_an_escaped_alternative() -> None:
    b = EventBuilder()
    set_description(b, "use <b> for bold", is_html=False, report=Report(), uid="u")
    assert b.get("description") == "use <b> for bold"
    assert any(line.name == "X-ALT-DESC" and unescape_text(line.value) == "use &lt;b&gt; for bold" for line in b.other)


def test_a_cr_in_a_text_line_is_kept_for_the_json_writers() -> None:
    """TEXT escaping writes CR LF as ``\\n``; the line keeps the text as given (``Line.raw``)."""
    b = EventBuilder()
    set_description(b, "<p>a</p>\r\n<p>b</p>", is_html=True, report=Report(), uid="u")
    (alt,) = [line for line in b.other if line.name == "X-ALT-DESC"]
    assert alt.raw == "<p>a</p>\r\n<p>b</p>" and "\r" not in alt.value


def test_alarm_keeps_the_minutes_form_outlook_and_google_write() -> None:
    for minutes, text in ((0, "-PT0M"), (15, "-PT15M"), (60, "-PT60M"), (1440, "-PT1440M")):
        alarm = make_alarm(minutes)
        assert alarm.trigger.offset == timedelta(minutes=-minutes) and alarm.trigger.text == text
        b = EventBuilder()
        b.add("VALARM", alarm)
        assert f"TRIGGER:{text}" in _written(b)
    email = make_alarm(10, "EMAIL", "Reminder text", default_marker=True)
    assert email.summary == "Reminder text" and next(iter(email.other)).name == hub.X_GOOGLE_DEFAULT_ALARM


def test_address_typed_and_written_with_its_parameters() -> None:
    addr = make_address("ann@example.com", "Ann Smith", {"ROLE": "OPT-PARTICIPANT", "PARTSTAT": "ACCEPTED",
                                                         "RSVP": "TRUE", "X-ICSBRIDGE-RESPONSE": "organizer"})
    assert (addr.address, addr.cn, addr.role, addr.partstat, addr.rsvp) == \
        ("mailto:ann@example.com", "Ann Smith", "OPT-PARTICIPANT", "ACCEPTED", True)
    assert make_address(None, "Room").address == "invalid:nomail"
    b = EventBuilder()
    b.add("ATTENDEE", addr)
    assert ('ATTENDEE;CN="Ann Smith";PARTSTAT=ACCEPTED;ROLE=OPT-PARTICIPANT;RSVP=TRUE;'
            'X-ICSBRIDGE-RESPONSE=organizer:mailto:ann@example.com') in _written(b).replace("\r\n ", "")


def test_conference_and_join_link() -> None:
    b = EventBuilder()
    b.set("description", "Agenda")
    add_conference(b, "https://meet.example.com/x", label="Meet")
    add_join_link(b, "https://meet.example.com/x")
    assert b.get("description").startswith("Agenda") and "https://meet.example.com/x" in b.get("description")
    assert list(b.order)[-1] == "DESCRIPTION"  # replaced: added last, as icalendar's del + add
    out = _written(b).replace("\r\n ", "")
    assert 'CONFERENCE;FEATURE=AUDIO,VIDEO;LABEL=Meet;VALUE=URI:https://meet.example.com/x' in out  # RFC 7986 5.11: a list


def test_stash_reads_back() -> None:
    b = EventBuilder()
    data = {"a": "x,y;z", "n": [1, 2], "é": True}
    put_stash(b, hub.X_GRAPH_STASH, data)
    event = next(read_calendar(_written(b).encode()).events)
    (line,) = event.other_lines(hub.X_GRAPH_STASH)
    assert json.loads(unescape_text(line.value)) == data


def test_kept_lines_spliced_in() -> None:
    b = EventBuilder()
    b.set("summary", "Mine")
    kept = ("RESOURCES:Projector\r\nX-ODD;P=1:v\r\nSUMMARY:theirs\r\nEXDATE;VALUE=DATE:20260309\r\n"
            "BEGIN:VALARM\r\nACTION:AUDIO\r\nTRIGGER:-PT5M\r\nEND:VALARM")
    assert splice_lines(b, kept)
    assert b.get("summary") == "Mine"  # the event's own value wins
    assert [line.name for line in b.other] == ["RESOURCES", "X-ODD"]
    assert b.exdates[0].values == (date(2026, 3, 9),) and b.alarms[0].action == "AUDIO"
    assert list(b.order) == ["SUMMARY", "RESOURCES", "X-ODD", "EXDATE"]
    assert not splice_lines(EventBuilder(), "no content line here")


def test_calendar_groups_series_and_keeps_the_mapper_order() -> None:
    def ev(uid: str, rid: date | None = None) -> EventBuilder:
        b = EventBuilder()
        b.set("uid", uid)
        b.time("start", rid or date(2026, 1, 1))
        if rid is not None:
            b.set("recurrence_id", m.RecurrenceId(rid))
        return b
    cal = calendar_of([ev("a"), ev("b"), ev("a", date(2026, 1, 8)), ev("c", date(2026, 1, 9))], prodid="-//t//EN")
    assert [(s.uid, s.master is not None, len(s.overrides)) for s in cal.series] == \
        [("a", True, 1), ("b", False, 0)][:1] + [("b", True, 0), ("c", False, 1)]
    out = write_calendar(cal).decode()
    assert [line for line in out.split("\r\n") if line.startswith("UID:")] == ["UID:a", "UID:b", "UID:a", "UID:c"]


def test_time_values() -> None:
    paris = datetime(2026, 3, 1, 9, tzinfo=ZoneInfo("Europe/Paris"))
    zoned = time_value(paris)
    assert zoned.zone.kind == "iana" and zoned.zone.tzid == "Europe/Paris" and zoned.dt == paris
    assert time_value(datetime(2026, 3, 1, tzinfo=timezone.utc)).zone.kind == "utc"
    assert time_value(datetime(2026, 3, 1)).zone.kind == "floating"
    assert time_value(date(2026, 3, 1)) == date(2026, 3, 1)
