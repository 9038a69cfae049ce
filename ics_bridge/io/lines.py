"""Content lines (RFC 5545 3.1) for the typed hub: bytes → unfolded lines → name, parameters,
value; and back (parameter quoting, TEXT escaping; folding is ``fastics.fold``).

Why a tokenizer of our own: icalendar splits each line with a per-character loop and parses
parameters with three nested quote-aware splits and an escape round trip (``contentlines``'s
docstring).  Here one anchored regular expression reads every line of the plain shape — a name
of letters, digits and ``-`` (any case), parameters ``key=value[,value…]`` whose values are
quoted (anything but ``"`` and controls) or plain (no ``"``, ``,``, ``:``, ``;``, ``\\``,
blanks or controls) — and RFC 6868 ``^`` escapes are undone.  Any other line (blanks around
delimiters, backslashes in parameters, odd names) is split by icalendar's ``Contentline``, so
such a line never reads differently from icalendar.

Unfolding works on the bytes, before decoding, so a fold that splits a UTF-8 character joins
the character again (icalendar unfolds after decoding and gets U+FFFD there).
"""

from __future__ import annotations

import re
from typing import Any

from ..memo import remember
from ..model import Param, Params, Problem

# A fold: a line break, any blank lines (icalendar's UFOLD reads ``\r\n\r\n :x`` as ``:x``
# continuing the line above, and KOrganizer writes such lines), then one space or tab.
_FOLD = re.compile(rb"\n+[ \t]")
# A blank line: the engine's literal-prefix search finds it in 8 ms on the 19 MB bench file,
# ``bytes.__contains__`` in 19 ms (its skip loop stops at every line feed).
_BLANK_LINE = re.compile(rb"\n\n")
_QUOTED = r'"[^"\\\x00-\x08\x0a-\x1f\x7f]*"'
_PLAIN = r'[^";:,\\ \t\x00-\x08\x0a-\x1f\x7f]*'
_VALUE = rf"(?:{_QUOTED}|{_PLAIN})"
_PARAM = rf"[A-Za-z0-9-]+={_VALUE}(?:,{_VALUE})*"
_LINE = re.compile(rf"([A-Za-z0-9-]+)((?:;{_PARAM})*):")
_EACH_PARAM = re.compile(rf"([A-Za-z0-9-]+)=({_VALUE}(?:,{_VALUE})*)")
_CARET = re.compile(r"\^[\^n']")
_CARETS = {"^^": "^", "^n": "\n", "^'": '"'}
_BACKSLASH = re.compile(r"\\([\\,;:nN])")
# A backslash that does not start ``\n``, and the ``\n`` escape: descriptions escape line
# breaks only, and these two scans (3 + 20 ms over the bench file's 16k descriptions) replace a
# two-character search and ``str.replace`` (10 + 28 ms; both stop at every ``n`` of the text).
_NOT_LINE_BREAK = re.compile(r"\\(?!n)")
_LINE_BREAK = re.compile(r"\\n")

Split = tuple[str, Params, str]


def decode(data: bytes | str) -> tuple[str, list[Problem]]:
    """The unfolded text of a file: a leading BOM dropped, CRLF and LF both line ends, folds
    removed on the bytes, then UTF-8 (Windows-1252 when the bytes are not UTF-8, as
    ``io/ics.decode`` reads them, with a :class:`Problem`).  Text is read as its UTF-8 bytes,
    lone surrogates replaced by U+FFFD (a :class:`Problem`), as ``io/ics.decode`` does."""
    text, problems, _blank = decode_marked(data)
    return text, problems


def decode_marked(data: bytes | str) -> tuple[str, list[Problem], bool]:
    """:func:`decode`, and whether the text may hold a blank line (``"\n\n"``).  False when
    the line ends had none before unfolding: removing a line feed and the blank after it
    never joins two line feeds, so the reader's caller need not search the text again (18 ms
    on the bench file)."""
    problems: list[Problem] = []
    if isinstance(data, str):  # a library caller's text: lone surrogates cannot be written as UTF-8
        from ..text import without_lone_surrogates
        data, replaced = without_lone_surrogates(data)
        if replaced:
            problems.append(Problem("encoding", f"{replaced} lone UTF-16 surrogate(s) replaced by U+FFFD"))
        data = data.encode("utf-8")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    data = data.replace(b"\r\n", b"\n")
    blank = _BLANK_LINE.search(data) is not None
    if blank:
        data = _FOLD.sub(b"", data)
    else:  # no blank lines: every fold is one line break and a blank, found by memchr
        data = data.replace(b"\n ", b"")
        if b"\t" in data:  # one byte: memchr, much cheaper than looking for two
            data = data.replace(b"\n\t", b"")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.append(Problem("encoding", f"not UTF-8 (byte {exc.start}); read as Windows-1252"))
        text = data.decode("cp1252", errors="replace")
    return text, problems, blank


def _caret(match: re.Match[str]) -> str:
    return _CARETS[match.group(0)]


def _values(raw: str) -> tuple[str, ...]:
    """The values of one parameter: quoted ones without their quotes; RFC 6868 undone."""
    if '"' not in raw and "," not in raw:
        return (_CARET.sub(_caret, raw) if "^" in raw else raw,)
    out = []
    i, n = 0, len(raw)
    while True:
        if raw.startswith('"', i):  # the pattern guarantees the closing quote
            j = raw.index('"', i + 1)
            item, i = raw[i + 1:j], j + 1
        else:
            j = raw.find(",", i)
            j = n if j < 0 else j
            item, i = raw[i:j], j
        out.append(_CARET.sub(_caret, item) if "^" in item else item)
        if i >= n:
            return tuple(out)
        i += 1  # the comma


_param_cache: dict[str, Params] = {}


def _params(section: str) -> Params:
    """The parameters of a parameter section of the plain shape, memoised (attendee and TZID
    sections repeat across a calendar)."""
    found = _param_cache.get(section)
    if found is None:
        found = tuple(Param(key.upper(), _values(raw)) for key, raw in _EACH_PARAM.findall(section))
        remember(_param_cache, section, found, 16384)
    return found


_heads: dict[str, tuple[str, Params]] = {}


def head(line: str, colon: int) -> tuple[str, Params] | None:
    """``(NAME, params)`` of a line whose first colon is at ``colon`` (> 0) when the part before it
    is of the plain shape, memoised: names and parameter sections repeat across a calendar, and
    with an even number of quotes before it that colon is the separator.  None for other heads."""
    found = _heads.get(line[:colon])
    if found is None:
        text = line[:colon]
        if text.count('"') % 2:
            return None
        match = _LINE.match(line)
        if match is None or match.end() != colon + 1:
            return None
        section = match.group(2)
        found = (match.group(1).upper(), _params(section) if section else ())
        remember(_heads, text, found, 16384)
    return found


def split(line: str) -> Split:
    """``(NAME, params, raw value)`` of one unfolded content line; the value keeps its escapes.
    Lines of other shapes go to icalendar (module docstring).  ValueError for a line neither
    reads (no name, an unterminated quote…), with icalendar's message."""
    colon = line.find(":")
    if colon > 0:
        found = head(line, colon)
        if found is not None:
            return found[0], found[1], line[colon + 1:]
    match = _LINE.match(line)
    if match is not None:
        section = match.group(2)
        return match.group(1).upper(), _params(section) if section else (), line[match.end():]
    return _split_by_icalendar(line)


def _split_by_icalendar(line: str) -> Split:
    from icalendar.parser.content_line import Contentline
    name, params, value = Contentline(line).raw_parts()
    return name.upper(), from_icalendar_params(params), value


def from_icalendar_params(params: Any) -> Params:
    """icalendar ``Parameters`` → :data:`Params` (keys upper-cased, lists kept as lists)."""
    out = []
    for key, value in params.items():
        values = tuple(str(v) for v in value) if isinstance(value, (list, tuple)) else (str(value),)
        out.append(Param(str(key).upper(), values))
    return tuple(out)


def unescape_text(raw: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): ``\\\\ \\; \\, \\n \\N`` undone, and ``\\:`` as icalendar
    reads it (``unescape_backslash``).  Without an escaped backslash the escapes cannot overlap,
    so plain replacements do it."""
    if "\\" not in raw:
        return raw
    if _NOT_LINE_BREAK.search(raw) is None:  # every backslash starts a ``\n``
        return _LINE_BREAK.sub("\n", raw)
    if "\\\\" in raw:
        return _BACKSLASH.sub(_unescape_one, raw)
    return (raw.replace("\\n", "\n").replace("\\N", "\n").replace("\\,", ",").replace("\\;", ";")
            .replace("\\:", ":"))


def _unescape_one(match: re.Match[str]) -> str:
    ch = match.group(1)
    return "\n" if ch in "nN" else ch


def split_text_list(raw: str) -> tuple[str, ...]:
    """A list of TEXT values (CATEGORIES, RESOURCES): split on commas not escaped, each unescaped
    (icalendar's ``split_on_unescaped_comma``)."""
    if "\\" not in raw:
        return tuple(raw.split(","))
    out = []
    current: list[str] = []
    i = 0
    n = len(raw)
    while i < n:
        ch = raw[i]
        if ch == "\\" and i + 1 < n:
            current.append(raw[i:i + 2])
            i += 2
            continue
        if ch == ",":
            out.append(unescape_text("".join(current)))
            current = []
        else:
            current.append(ch)
        i += 1
    out.append(unescape_text("".join(current)))
    return tuple(out)


# ------------------------------------------------------------------------------------------
# Writing
# ------------------------------------------------------------------------------------------

_QUOTABLE = re.compile(r"[,;:\\ \t]")
# icalendar reads a backslash before a backslash, comma, semicolon or colon in a parameter value
# as an escape (RFC 5545 has none there), so such a backslash is doubled to be read back as written
_ICAL_BACKSLASH = re.compile(r"\\(?=[\\,;:])")
_6868 = re.compile(r'\^|\r\n|\r|\n|"')
_6868_OUT = {"^": "^^", "\r\n": "^n", "\r": "^n", "\n": "^n", '"': "^'"}


def escape_text(text: str) -> str:
    """TEXT escaped (RFC 5545 3.3.11) as ``icalendar.parser.string._escape_char`` does, less its
    first step: icalendar turns a literal ``\\N`` of the text into a line break before escaping
    (a Graph location ``a\\Nb`` came back as two lines); here every backslash is doubled, so
    the text reads back as it was.  Each replacement is done only when its character is there:
    a description holds newlines and seldom anything else, and the seven ``str.replace`` passes
    over it (descriptions of ~850 characters on bench's Graph calendar) were half the cost (26k
    texts: 66 → 34 ms)."""
    if "\\" in text:
        text = text.replace("\\", "\\\\")
    if ";" in text:
        text = text.replace(";", r"\;")
    if "," in text:
        text = text.replace(",", r"\,")
    if "\r" in text:  # CRLF, then LF, then a lone CR: each one escaped newline
        text = text.replace("\r\n", r"\n").replace("\n", r"\n").replace("\r", r"\n")
    elif "\n" in text:
        text = text.replace("\n", r"\n")
    return str.__str__(text)


def param_value(value: str) -> str:
    """One parameter value: RFC 6868 escapes for ``^``, ``"`` and line breaks, quoted when it
    holds ``,`` ``;`` ``:`` (RFC 5545 3.2), a backslash (icalendar reads one outside quotes as an
    escape; one before ``\\ , ; :`` is doubled, see ``_ICAL_BACKSLASH``) or a blank (icalendar strips
    blanks around delimiters outside quotes)."""
    if "^" in value or '"' in value or "\n" in value or "\r" in value:
        value = _6868.sub(lambda m: _6868_OUT[m.group(0)], value)
    if "\\" in value:
        value = _ICAL_BACKSLASH.sub(r"\\\\", value)
    return f'"{value}"' if _QUOTABLE.search(value) else value


_params_text_cache: dict[Params, str] = {}


def params_text(params: Params) -> str:
    """``;KEY=value[,value]…`` for parameters (memoised: the same sections repeat)."""
    if not params:
        return ""
    found = _params_text_cache.get(params)
    if found is None:
        found = "".join(f";{p.name}=" + ",".join(param_value(v) for v in p.values) for p in params)
        remember(_params_text_cache, params, found, 16384)
    return found
