"""The typed hub (``ics_bridge.model``) → .ics text (issue 12).

Each component is written as BEGIN, its typed fields in a fixed order (parameters: those the
property was read with, the ones the value decides — VALUE, TZID, RELATED, the attendee's —
taken from the value), then its kept lines verbatim and in order, its subcomponents, END.
TEXT values are escaped (RFC 5545 3.3.11), parameter values quoted and RFC 6868-escaped
(``lines.param_value``), and every line folded at 75 octets without splitting a UTF-8
character (``fastics.fold``).

Zones (RFC 5545 3.2.19, 3.6.5): a UTC value is written with ``Z``; a floating one bare; any
other with its TZID.  The VTIMEZONE of a file-defined zone is written as read; an IANA zone's
is generated from tzdata (``timezones.vtimezone_lines``, cached per zone and year) from the
earliest year the calendar uses it, replacing the file's own, as ``timezones.add_vtimezones``
does; a TZID that names nothing gets none.  VTIMEZONEs the calendar held but no value uses are
kept.  Not yet wired into the mappers (a later step of issue 12).
"""

from __future__ import annotations

import base64
from datetime import date, timedelta, timezone
from typing import Any, Iterable

from .. import model as m
from ..timezones import vtimezone_lines
from . import lines as L
from .fastics import fold
from .model_reader import ADDRESS_KEYS, address_fields

PRODID = "-//ics-bridge//ics-bridge 0.1//EN"
_UTC = timezone.utc
#: Parameters the value decides (written from the value, not from ``params``).
_TIME_PARAMS = frozenset({"VALUE", "TZID"})


def write_calendar(cal: m.Calendar) -> bytes:
    """The whole calendar as .ics bytes (CRLF line ends, folded)."""
    writer = _Writer()
    body: list[str] = []
    for series in cal.series:
        for event in series.events:
            writer.event(event, body)
    head = ["BEGIN:VCALENDAR", f"VERSION:{L.escape_text(cal.version or '2.0')}",
            f"PRODID:{L.escape_text(cal.prodid or PRODID)}"]
    if cal.calscale:
        head.append(f"CALSCALE:{L.escape_text(cal.calscale)}")
    if cal.method:
        head.append(f"METHOD:{L.escape_text(cal.method)}")
    head += [line.text for line in cal.other]
    head += writer.timezones(cal.timezones)
    for comp in cal.components:
        head += comp.lines
    out = head + body
    out.append("END:VCALENDAR")
    return to_bytes(out)


def to_bytes(lines_out: list[str]) -> bytes:
    """Unfolded lines → folded .ics bytes: a line of at most 74 ASCII characters as it is, any
    other through ``fastics.fold`` (75 octets, never inside a UTF-8 character); one encode."""
    return ("\r\n".join([line if len(line) < 75 and line.isascii() else fold(line).decode("utf-8")
                          for line in lines_out]) + "\r\n").encode("utf-8")


def event_lines(event: m.Event) -> tuple[list[str], dict[str, tuple[m.Zone, int]]]:
    """One VEVENT's content lines (unfolded) and the zones it uses (TZID → zone, earliest
    year), for writers that place the VTIMEZONEs themselves (a streamed output)."""
    writer = _Writer()
    out: list[str] = []
    writer.event(event, out)
    return out, writer.used


def _date_text(d: date) -> str:
    return f"{d.year:04}{d.month:02}{d.day:02}"


def duration_text(value: timedelta) -> str:
    """DURATION (RFC 5545 3.3.6): ``[-]P[nD][T[nH][nM][nS]]``; zero is ``PT0S``."""
    seconds = int(value.total_seconds())
    sign = "-" if seconds < 0 else ""
    days, rest = divmod(abs(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{sign}P" + (f"{days}D" if days else "")
    if rest or hours or not days:
        text += "T" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
        text += f"{secs}S" if secs or not (hours or minutes) else ""
    return text


def recur_text(rule: m.Recur) -> str:
    """A RECUR value from the rule's typed parts (RFC 5545 3.3.10 order of the common parts)."""
    parts = []
    if rule.freq:
        parts.append(f"FREQ={rule.freq}")
    if rule.until is not None:
        parts.append("UNTIL=" + (_date_text(rule.until) if not isinstance(rule.until, m.ZonedDateTime)
                                 else _until_text(rule.until)))
    if rule.count is not None:
        parts.append(f"COUNT={rule.count}")
    if rule.interval is not None:
        parts.append(f"INTERVAL={rule.interval}")
    for key in ("bysecond", "byminute", "byhour"):
        if getattr(rule, key):
            parts.append(f"{key.upper()}=" + ",".join(str(v) for v in getattr(rule, key)))
    if rule.byday:
        parts.append("BYDAY=" + ",".join((str(d.n) if d.n else "") + d.day for d in rule.byday))
    for key in ("bymonthday", "byyearday", "byweekno"):
        if getattr(rule, key):
            parts.append(f"{key.upper()}=" + ",".join(str(v) for v in getattr(rule, key)))
    if rule.bymonth:
        parts.append("BYMONTH=" + ",".join(rule.bymonth))
    if rule.bysetpos:
        parts.append("BYSETPOS=" + ",".join(str(v) for v in rule.bysetpos))
    if rule.wkst:
        parts.append(f"WKST={rule.wkst}")
    if rule.rscale:
        parts.append(f"RSCALE={rule.rscale}")
    if rule.skip:
        parts.append(f"SKIP={rule.skip}")
    parts += [f"{key}={value}" for key, value in rule.other]
    return ";".join(parts)


def _until_text(value: m.ZonedDateTime) -> str:
    """UNTIL is UTC when DTSTART is zoned (RFC 5545 3.3.10); a zoned UNTIL is converted."""
    dt = value.dt
    if value.zone.kind == "floating" or dt.tzinfo is None:
        return dt.strftime("%Y%m%dT%H%M%S")
    return dt.astimezone(_UTC).strftime("%Y%m%dT%H%M%SZ")


def _rule_value(rule: m.Recur) -> str:
    """The rule as read when its ``text`` still says what its typed parts say, else rendered
    from the parts (code that changes a part need not mend the text)."""
    if rule.text:
        from .model_reader import parse_recur
        try:
            again = parse_recur(rule.text, rule.params)
        except (ValueError, TypeError):
            again = None
        if again == rule:
            return rule.text
    return recur_text(rule)


class _Writer:
    """Writes components into a list of unfolded lines and records the zones used."""

    __slots__ = ("used",)

    def __init__(self) -> None:
        self.used: dict[str, tuple[m.Zone, int]] = {}

    # -- values

    def when(self, value: Any, extra: m.Params = ()) -> tuple[str, str]:
        """``(parameter text, value text)`` of a DATE or DATE-TIME (RFC 5545 3.3.4, 3.3.5)."""
        if extra:
            extra = tuple(p for p in extra if p.name not in _TIME_PARAMS)
        if isinstance(value, m.ZonedDateTime):
            dt, zone = value.dt, value.zone
            if zone.kind == "utc":
                dt = dt.astimezone(_UTC) if dt.tzinfo is not None else dt
                return L.params_text(extra), f"{dt.year:04}{dt.month:02}{dt.day:02}T{dt.hour:02}{dt.minute:02}{dt.second:02}Z"
            text = f"{dt.year:04}{dt.month:02}{dt.day:02}T{dt.hour:02}{dt.minute:02}{dt.second:02}"
            if zone.kind == "floating" or not zone.tzid:
                return L.params_text(extra), text
            self.use(zone, dt.year)
            return L.params_text((m.Param("TZID", (zone.tzid,)), *extra)), text
        if isinstance(value, date):
            return L.params_text((m.Param("VALUE", ("DATE",)), *extra)), _date_text(value)
        raise TypeError(f"not a date or date-time: {value!r}")

    def use(self, zone: m.Zone, year: int) -> None:
        found = self.used.get(zone.tzid or "")
        if found is None or year < found[1]:
            self.used[zone.tzid or ""] = (zone, year)

    def date_list(self, name: str, line: m.DateList) -> list[str]:
        """One EXDATE/RDATE line per run of values written with the same parameters (a line
        has one VALUE and one TZID, RFC 5545 3.8.5.1)."""
        extra = tuple(p for p in line.params if p.name not in _TIME_PARAMS)
        if not line.values:
            return [f"{name}{L.params_text(line.params)}:"]
        out: list[str] = []
        last = None
        texts: list[str] = []
        for value in line.values:
            if isinstance(value, m.Period):
                ptext = L.params_text((m.Param("VALUE", ("PERIOD",)),)) + self.when(value.start, extra)[0]
                vtext = self.period(value)
            else:
                ptext, vtext = self.when(value, extra)
            if ptext != last and texts:
                out.append(f"{name}{last}:" + ",".join(texts))
                texts = []
            last = ptext
            texts.append(vtext)
        out.append(f"{name}{last}:" + ",".join(texts))
        return out

    def period(self, value: m.Period) -> str:
        start = self.when(value.start)[1]
        if value.end is not None:
            return f"{start}/{self.when(value.end)[1]}"
        return f"{start}/{duration_text(value.duration or timedelta(0))}"

    def address(self, name: str, addr: m.Address) -> str:
        return f"{name}{L.params_text(_address_params(addr))}:{addr.address}"

    # -- components

    def event(self, ev: m.Event, out: list[str]) -> None:
        append = out.append
        params = dict(ev.params)
        append("BEGIN:VEVENT")
        if ev.uid is not None:
            append(f"UID{L.params_text(params.get('UID', ()))}:{L.escape_text(ev.uid)}")
        for name, value in (("DTSTAMP", ev.stamp), ("DTSTART", ev.start), ("DTEND", ev.end)):
            if value is not None:
                ptext, vtext = self.when(value, params.get(name, ()))
                append(f"{name}{ptext}:{vtext}")
        if ev.duration is not None:
            append(f"DURATION{L.params_text(params.get('DURATION', ()))}:{duration_text(ev.duration)}")
        if ev.recurrence_id is not None:
            rid = ev.recurrence_id
            extra = tuple(p for p in params.get("RECURRENCE-ID", ()) if p.name != "RANGE")
            if rid.range:
                extra = (*extra, m.Param("RANGE", (rid.range,)))
            ptext, vtext = self.when(rid.value, extra)
            append(f"RECURRENCE-ID{ptext}:{vtext}")
        for name, value in (("CREATED", ev.created), ("LAST-MODIFIED", ev.last_modified)):
            if value is not None:
                ptext, vtext = self.when(value, params.get(name, ()))
                append(f"{name}{ptext}:{vtext}")
        self.texts(params, (("SUMMARY", ev.summary), ("DESCRIPTION", ev.description), ("LOCATION", ev.location),
                            ("STATUS", ev.status), ("TRANSP", ev.transparency), ("CLASS", ev.classification)), out)
        for name, number in (("PRIORITY", ev.priority), ("SEQUENCE", ev.sequence)):
            if number is not None:
                append(f"{name}{L.params_text(params.get(name, ()))}:{number}")
        if ev.url is not None:
            append(f"URL{L.params_text(params.get('URL', ()))}:{ev.url}")
        if ev.geo is not None:
            append(f"GEO{L.params_text(params.get('GEO', ()))}:{_float_text(ev.geo.latitude)};"
                   f"{_float_text(ev.geo.longitude)}")
        for comment in ev.comments:
            append(f"COMMENT:{L.escape_text(comment)}")
        if ev.organizer is not None:
            append(self.address("ORGANIZER", ev.organizer))
        for name, rules in (("RRULE", ev.rrules), ("EXRULE", ev.exrules)):
            for rule in rules:
                append(f"{name}{L.params_text(rule.params)}:{_rule_value(rule)}")
        for name, dates in (("RDATE", ev.rdates), ("EXDATE", ev.exdates)):
            for line in dates:
                out.extend(self.date_list(name, line))
        for cats in ev.categories:
            append(f"CATEGORIES{L.params_text(cats.params)}:" + ",".join(L.escape_text(c) for c in cats.values))
        for conference in ev.conferences:
            append(f"CONFERENCE{L.params_text(conference.params)}:{conference.uri}")
        self.tail(ev.attendees, ev.attachments, ev.other, ev.alarms, ev.components, out)
        append("END:VEVENT")

    def texts(self, params: dict[str, m.Params], pairs: Iterable[tuple[str, str | None]], out: list[str]) -> None:
        """TEXT properties (RFC 5545 3.3.11) with the parameters they were read with."""
        for name, text in pairs:
            if text is not None:
                out.append(f"{name}{L.params_text(params.get(name, ()))}:{L.escape_text(text)}")

    def tail(self, attendees: tuple[m.Address, ...], attachments: tuple[m.Attachment, ...],
             other: tuple[m.Line, ...], alarms: tuple[m.Alarm, ...], components: tuple[m.RawComponent, ...],
             out: list[str]) -> None:
        """What ends a VEVENT or VALARM: attendees, attachments, the kept lines verbatim, the
        alarms, the untyped subcomponents."""
        out.extend([self.address("ATTENDEE", attendee) for attendee in attendees])
        out.extend([_attach_line(attachment) for attachment in attachments])
        out.extend([line.text for line in other])
        for alarm in alarms:
            self.alarm(alarm, out)
        for comp in components:
            out.extend(comp.lines)

    def alarm(self, alarm: m.Alarm, out: list[str]) -> None:
        append = out.append
        params = dict(alarm.params)
        append("BEGIN:VALARM")
        self.texts(params, (("ACTION", alarm.action),), out)
        trigger = alarm.trigger
        if trigger is not None:
            extra = tuple(p for p in trigger.params if p.name not in ("RELATED", "VALUE"))
            if trigger.offset is not None:
                if trigger.related != "START" or m.param(trigger.params, "RELATED") is not None:
                    extra = (m.Param("RELATED", (trigger.related,)), *extra)
                append(f"TRIGGER{L.params_text(extra)}:{duration_text(trigger.offset)}")
            elif trigger.at is not None:
                at = trigger.at.dt.astimezone(_UTC) if trigger.at.dt.tzinfo is not None else trigger.at.dt
                append(f"TRIGGER{L.params_text((m.Param('VALUE', ('DATE-TIME',)), *extra))}:"
                       f"{at.strftime('%Y%m%dT%H%M%S')}{'Z' if at.tzinfo is not None else ''}")
        self.texts(params, (("DESCRIPTION", alarm.description), ("SUMMARY", alarm.summary)), out)
        if alarm.duration is not None:
            append(f"DURATION{L.params_text(params.get('DURATION', ()))}:{duration_text(alarm.duration)}")
        if alarm.repeat is not None:
            append(f"REPEAT{L.params_text(params.get('REPEAT', ()))}:{alarm.repeat}")
        self.tail(alarm.attendees, alarm.attachments, alarm.other, (), alarm.components, out)
        append("END:VALARM")

    def timezones(self, defined: Iterable[m.TimezoneDef]) -> list[str]:
        """The VTIMEZONEs (module docstring): generated for IANA zones, the file's for file zones
        and for TZIDs no value uses."""
        out: list[str] = []
        written: set[str] = set()
        for tzid, (zone, year) in sorted(self.used.items()):
            if zone.kind == "iana" and zone.iana:
                out += vtimezone_lines(zone.iana, tzid=tzid, start=date(max(year, 1), 1, 1))
                written.add(tzid)
            elif zone.rules is not None:
                out += zone.rules.lines
                written.add(tzid)
        for vtz in defined:
            if vtz.tzid not in written:
                out += vtz.lines
                written.add(vtz.tzid)
        return out


def _float_text(value: float) -> str:
    """FLOAT (RFC 5545 3.3.7) has no exponent: ``1e-05`` is written ``0.00001``."""
    text = repr(value)
    if "e" in text or "E" in text:
        text = f"{value:.20f}".rstrip("0").rstrip(".")
    return text


def _attach_line(attachment: m.Attachment) -> str:
    if attachment.data is not None:
        params = attachment.params
        if (m.param(params, "ENCODING") or "").upper() != "BASE64" or (m.param(params, "VALUE") or "").upper() != "BINARY":
            extra = tuple(p for p in params if p.name not in ("VALUE", "ENCODING"))
            params = (m.Param("ENCODING", ("BASE64",)), m.Param("VALUE", ("BINARY",)), *extra)
        return f"ATTACH{L.params_text(params)}:" + base64.b64encode(attachment.data).decode("ascii")
    return f"ATTACH{L.params_text(attachment.params)}:{attachment.uri or ''}"


_ADDRESS_KEYS = (("CN", "cn"), ("ROLE", "role"), ("PARTSTAT", "partstat"), ("RSVP", "rsvp"),
                 ("CUTYPE", "cutype"), ("DELEGATED-TO", "delegated_to"), ("DELEGATED-FROM", "delegated_from"),
                 ("MEMBER", "member"), ("SENT-BY", "sent_by"), ("DIR", "dir"), ("LANGUAGE", "language"),
                 ("EMAIL", "email"))


def _address_params(addr: m.Address) -> m.Params:
    """The parameters to write: ``params`` as read while the typed fields still say the same,
    else each typed field's value in place of (or after) its parameter, the rest as read."""
    values = (addr.cn, addr.role, addr.partstat, addr.rsvp, addr.cutype, addr.delegated_to, addr.delegated_from,
              addr.member, addr.sent_by, addr.dir, addr.language, addr.email)  # model_reader.ADDRESS_KEYS
    if values == address_fields(addr.params)[1]:
        return addr.params
    current = dict(zip(ADDRESS_KEYS, values))
    out: list[m.Param] = []
    done: set[str] = set()
    typed = dict(_ADDRESS_KEYS)
    for p in addr.params:
        key = typed.get(p.name)
        if key is None:
            out.append(p)
        elif p.name not in done:
            done.add(p.name)
            piece = _address_param(p.name, current[key])
            if piece is not None:
                out.append(piece)
    for name, key in _ADDRESS_KEYS:
        if name not in done:
            piece = _address_param(name, current[key])
            if piece is not None:
                out.append(piece)
    return tuple(out)


def _address_param(name: str, value: Any) -> m.Param | None:
    if value is None or value == ():
        return None
    if isinstance(value, bool):
        return m.Param(name, ("TRUE" if value else "FALSE",))
    if isinstance(value, tuple):
        return m.Param(name, value)
    return m.Param(name, (value,))
