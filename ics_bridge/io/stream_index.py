"""Pass 1 of the streamed .ics path at C speed: the few lines the index needs, found by one regex.

Why: :func:`ics_bridge.io.stream.index_ics` runs in the parent before any group is converted,
also under ``--jobs N``, so it is the serial part of a streamed conversion.  Its reference
reader (``stream._Pass1.feed``) decodes, unfolds and splits every line in Python: 1.4 CPU s on
the 10k bench file, of ~40 lines an event.  The index needs only the BEGIN/END lines, a
VEVENT's UID and the zoned time values (RFC 5545 3.2.19 TZID on DTSTART, DTEND, DUE,
RECURRENCE-ID, EXDATE, RDATE), and, above the components, every line (the first VCALENDAR's
properties, lines outside any component).

How: :data:`_LINES` skips, inside the engine, every logical line whose name is plainly one the
index ignores (letters, digits and ``-`` up to the first ``;`` or ``:``, the text the reference
reader's ``_name_and_params`` takes as the name, and not a BEGIN:/END: line).  It reads the
plain forms of the others in its groups: ``BEGIN:VEVENT``, ``UID:…``, ``DTSTART;TZID=…:…``
with the TZID quoted or not, on one physical line without the characters ``str.splitlines``
breaks at; a time property whose parameters are at most ``VALUE=…`` needs nothing read.  Every
other line it stops at (folded, other parameters, odd names or blanks, a line at the end of
the file without a line break) goes through the reference reader's ``logical`` with its raw
bytes, and while the stack is at most one deep (the calendar's own properties, lines outside)
every line does.  A chunk that is not UTF-8 (a fold inside a character, a Windows-1252 file)
and the rest of the file (or of the range, :func:`.stream._scan_range`) after it go through the
reference reader, which reports them.
``tests/test_pass19_index.py`` holds the index (every field, the notes) equal to the reference
reader's on the corpus and on generated input.
"""

from __future__ import annotations

import io
import re
from typing import IO, Any

#: Bytes read at a time; a chunk ends at a logical line's end (the next line starts with no blank).
CHUNK = 1 << 20

_PROPS = rb"dtstart|dtend|due|recurrence-id|exdate|rdate"  # timezones.TIME_PROPERTIES
# Text the reference reader decodes to the same characters: no line break of str.splitlines
# (\r \n \v \f \x1c-\x1e, U+0085 = C2 85, U+2028/2029 = E2 80 A8/A9), which would drop a character.
_ODD = rb"\xc2[\x80-\x84\x86-\xbf]|\xe2(?!\x80[\xa8\xa9])"
_SAFE = rb"(?:[^\r\n\x0b\x0c\x1c-\x1e\xc2\xe2]++|" + _ODD + rb")*+"
_TZID = rb"(?:[^\r\n\x0b\x0c\x1c-\x1e\xc2\xe2;:\"]++|" + _ODD + rb")++"  # no quote, ; or : (one parameter)
_QUOTED = rb"(?:[^\r\n\x0b\x0c\x1c-\x1e\xc2\xe2\"]++|" + _ODD + rb")++"  # in quotes (Outlook's "(UTC+01:00) …")
_EOL = rb"\r?(?=\n(?![ \t]))"  # the logical line ends (its line feed starts the next match)
# A name the index ignores: letters, digits, "-" up to ";" or ":", not BEGIN:, END:, UID or a
# time property (the first letter decides for most lines).
_IGNORED = (rb"(?:[ACF-QS-TV-Zacf-qs-tv-z0-9-]|(?!(?i:begin|end):)(?!(?i:" + _PROPS + rb"|uid)[;:])[BDERUbderu])"
            rb"[A-Za-z0-9-]*+[;:]")
_LINES = re.compile(
    rb"\n(?![ \t])(?!" + _IGNORED + rb")"                      # a logical line the index may need
    rb"(?:(?:(?i:(begin)|end)):([A-Za-z0-9-]++)" + _EOL +       # 1 BEGIN?, 2 component
    rb"|(?i:uid):(" + _SAFE + rb")" + _EOL +                    # 3 UID
    rb"|((?i:" + _PROPS + rb"));(?i:tzid)=(?:\"(" + _QUOTED + rb")\"|(" + _TZID + rb")):(" + _SAFE + rb")"
    + _EOL +                                                     # 4 name, 5 quoted or 6 plain TZID, 7 value
    rb"|(?i:" + _PROPS + rb")(;(?i:value)=[A-Za-z-]+:|:)"        # 8: a time property without TZID
    rb"|)")                                                      # anything else: the reference reader
_LINE_END = re.compile(rb"\n(?![ \t])")


def scan(fh: IO[bytes], state: Any, pos: int) -> None:
    """Feed ``state`` (a ``stream._Pass1``) the file from byte ``pos`` (a line start) to its end
    (the end of ``fh``: a range of the file when pass 1 runs in parts).
    A logical line longer than a chunk (an inline ATTACH) is gathered in linear time."""
    buf = bytearray()
    low = 0                              # buf[:low] is searched for a line end already
    while True:
        data = fh.read(CHUNK)
        buf += data
        cut = _cut(buf, low) if data else len(buf)
        if cut < 0:
            low = len(buf) - 1           # the last byte may be a line feed: its next byte decides
            continue
        chunk = bytes(buf[:cut])
        del buf[:cut]
        low = 0
        if chunk:
            try:
                chunk.decode("utf-8")
            except UnicodeDecodeError:  # the reference reader finds the byte and reads the rest
                state.feed(fh, state.feed(io.BytesIO(chunk + bytes(buf) + fh.readline()), pos))
                return
            _chunk(chunk, state, pos)
            pos += len(chunk)
        if not data:
            return


def _cut(buf: bytearray, low: int) -> int:
    """Where the last complete logical line of ``buf`` ends, looking from ``low`` (-1: none yet)."""
    end = len(buf) - 1
    while True:
        nl = buf.rfind(b"\n", low, end)
        if nl < 0:
            return -1
        if buf[nl + 1] not in b" \t":
            return nl + 1
        end = nl


def _chunk(chunk: bytes, state: Any, pos: int) -> None:
    """One chunk of whole logical lines, valid UTF-8, at byte ``pos`` of the file."""
    data = b"\n" + chunk
    base = pos - 1                       # data[i] is the file's byte base + i
    stack = state.stack
    names: dict[bytes, str] = {}         # component or property name as written → upper case
    values: dict[bytes, list[bytes]] = {}  # TZID → the zoned values (their years taken at the end)
    done = 1                             # data[1:done] is read
    for m in _LINES.finditer(data):
        start = m.start() + 1
        if len(stack) < 2 and done < start:  # the calendar's properties, lines outside: all read
            state.feed(io.BytesIO(data[done:start]), base + done)
            state.flush()
        kind = m.lastindex
        if kind == 2:
            name = m[2]
            comp = names.get(name) or names.setdefault(name, name.upper().decode())
            if m[1] is not None:
                state.begin(comp, base + start)
            else:
                state.end(comp, base + start, base + m.end() + 1)
        elif kind is None or len(stack) < 2 or "VTIMEZONE" in stack:  # as the reference reads it
            found = _LINE_END.search(data, start)
            done = found.end() if found else len(data)
            state.logical([data[start:done]], base + start)
            continue
        elif kind == 3:
            state.uid(m[3].decode())
        elif kind == 8:  # no zone: nothing for the index, whatever its value (done counts below depth 2 only)
            continue
        else:
            tzid = m[6] if m[5] is None else m[5]  # _name_and_params strips the quotes
            zoned = values.get(tzid)
            if zoned is None:
                zoned = values[tzid] = []
                state.zoned(tzid.decode(), "")  # the TZID's place in tz_years: its first use
            zoned.append(m[7])
        done = m.end() + 1
    if len(stack) < 2 and done < len(data):
        state.feed(io.BytesIO(data[done:]), base + done)
        state.flush()
    for tzid, zoned in values.items():  # _LOCAL_RE finds no value across the line feeds
        state.zoned(tzid.decode(), b"\n".join(zoned).decode())
