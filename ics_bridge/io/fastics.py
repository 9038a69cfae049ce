"""Faster, byte-identical replacements for the hot spots of icalendar's serializer.

icalendar 7.3's ``_foldline`` encodes every character separately to count octets; on a
realistic calendar (long non-ASCII descriptions) it is the largest single cost of ``to_ical``.
:func:`fold` gives the same bytes: a line is cut into the longest prefixes of whole characters
of at most 74 octets (``limit - 1``: icalendar cuts before a character that would reach 75),
and a cut that would leave a TEXT escape (``\\``) or an RFC 6868 escape (``^``) as the last
character of a segment moves that character to the next one (icalendar issue #1501).
:func:`component_to_ical` is ``Component.to_ical()`` with that fold.  tests/test_fastics.py
holds both to icalendar's own output.
"""

from __future__ import annotations

from typing import Any

_ESCAPES = (0x5C, 0x5E)  # "\\", "^"


def fold(line: str, limit: int = 75) -> bytes:
    """``icalendar.parser.string._foldline(line).encode("utf-8")``, without the per-character loop."""
    raw = line.encode("utf-8")
    n = len(raw)
    room = limit - 1
    if n <= room:
        return raw
    parts = []
    start = 0
    while n - start > room:
        end = start + room
        while raw[end] & 0xC0 == 0x80:  # never cut inside a UTF-8 sequence
            end -= 1
        if raw[end - 1] in _ESCAPES and end - 1 > start:
            end -= 1
        parts.append(raw[start:end])
        start = end
    parts.append(raw[start:])
    return b"\r\n ".join(parts)


def component_to_ical(component: Any, sorted: bool = True) -> bytes:
    """``component.to_ical(sorted)`` with :func:`fold`."""
    return b"\r\n".join(fold(line) for line in component.content_lines(sorted=sorted) if line) + b"\r\n"


# ------------------------------------------------------------------------------------------------
# Reading: icalendar's content-line split without the scan of the whole value
# ------------------------------------------------------------------------------------------------

def _raw_parts(self: Any) -> tuple[str, Any, str]:
    """``icalendar.parser.content_line.Contentline.raw_parts``, identical results.

    icalendar 7.3 walks every character of the line, value included, although nothing after
    the first unquoted, unescaped colon can change the split: the name ends at the first ``;``
    or ``:`` before it and the value starts after it.  On lines with long values (descriptions,
    attendee lists) that walk is the largest cost of ``Calendar.from_ical``.  Here the split is
    found with ``str.find`` when the part before the first colon holds no quote and no
    backslash (then the first colon *is* the separator), else by icalendar's loop stopped at
    the separator; the rest is icalendar's own code."""
    from icalendar.parser import content_line as cl

    colon = self.find(":")
    head = self[:colon] if colon > 0 else None
    if head is not None and '"' not in head and "\\" not in head:
        semi = head.find(";")
        name_split: int | None = semi if semi >= 0 else colon
        value_split: int | None = colon
    else:
        name_split = value_split = None
        in_quotes = escaped = False
        for i, ch in enumerate(self):
            if ch == '"' and not escaped:
                in_quotes = not in_quotes
            elif ch == "\\" and not in_quotes:
                escaped = True
                continue
            elif not in_quotes and not escaped:
                if ch in ":;" and name_split is None:
                    name_split = i
                if ch == ":" and value_split is None:
                    value_split = i
                    break
            escaped = False
    try:
        if not value_split:
            value_split = len(self)
        name = self[:name_split] if name_split else self
        if not self.strict:
            name = cl.re.sub(r"[ \t]+", "", name.strip())
        cl.validate_token(name)
        if not name_split or name_split + 1 == value_split:
            raise ValueError("Invalid content line")  # noqa: TRY301
        raw_param_str = self[name_split + 1: value_split]
        if not self.strict:
            raw_param_str = cl._strip_ows_around_delimiters(raw_param_str)
        param_str = cl._escape_string(raw_param_str)
        params = cl.Parameters.from_ical(param_str, strict=self.strict)
        params = cl.Parameters(
            (cl._unescape_string(key), cl.unescape_list_or_string(value))
            for key, value in iter(params.items())
        )
        values = self[value_split + 1:]
    except ValueError as exc:
        raise ValueError(f"Content line could not be parsed into parts: '{self}': {exc}") from exc
    return (name, params, values)


def _to_ical(self: Any) -> bytes:
    return fold(self)


_patch_depth = 0
_originals: tuple[Any, Any] | None = None


class patched:
    """``with patched():`` icalendar reads content lines with :func:`_raw_parts` and folds with
    :func:`fold` — same results, faster.  Scoped to the block (re-entrant); a thread that uses
    icalendar meanwhile gets the same results either way."""

    def __enter__(self) -> "patched":
        global _patch_depth, _originals
        from icalendar.parser.content_line import Contentline
        if _patch_depth == 0:
            _originals = (Contentline.__dict__["raw_parts"], Contentline.__dict__["to_ical"])
            Contentline.raw_parts = _raw_parts  # type: ignore[method-assign]
            Contentline.to_ical = _to_ical  # type: ignore[method-assign]
        _patch_depth += 1
        return self

    def __exit__(self, *exc: object) -> None:
        global _patch_depth
        from icalendar.parser.content_line import Contentline
        _patch_depth -= 1
        if _patch_depth == 0 and _originals is not None:
            Contentline.raw_parts, Contentline.to_ical = _originals  # type: ignore[method-assign]


def _check_icalendar() -> bool:
    """The patch is written against icalendar 7.x's Contentline; other majors are left alone."""
    try:
        import icalendar
        from icalendar.parser import content_line as cl
        return icalendar.__version__.startswith("7.") and all(
            hasattr(cl, n) for n in ("validate_token", "_strip_ows_around_delimiters", "_escape_string",
                                     "Parameters", "_unescape_string", "unescape_list_or_string"))
    except Exception:  # noqa: BLE001
        return False


SUPPORTED = _check_icalendar()


# ------------------------------------------------------------------------------------------------
# JSON: json.dumps(indent=2) without the pure-Python iterencode
# ------------------------------------------------------------------------------------------------

def dumps(obj: Any, indent: int = 2) -> str:
    """``json.dumps(obj, indent=indent, ensure_ascii=False)`` for JSON-ready values (dict, list,
    tuple, str, int, float, bool, None).  CPython uses its C encoder only without ``indent``;
    with it, a generator chain per value; this builds the same text with one recursive pass."""
    from json.encoder import encode_basestring
    pad = " " * indent
    out: list[str] = []
    append = out.append

    def floatstr(o: float) -> str:
        if o != o:
            return "NaN"
        if o == float("inf"):
            return "Infinity"
        if o == -float("inf"):
            return "-Infinity"
        return float.__repr__(o)

    def key_text(k: Any) -> str:
        if isinstance(k, str):
            return k
        if isinstance(k, float):
            return floatstr(k)
        if k is True:
            return "true"
        if k is False:
            return "false"
        if k is None:
            return "null"
        if isinstance(k, int):
            return int.__repr__(k)
        raise TypeError(f"keys must be str, int, float, bool or None, not {k.__class__.__name__}")

    def enc(o: Any, level: int) -> None:
        if isinstance(o, str):
            append(encode_basestring(o))
        elif o is None:
            append("null")
        elif o is True:
            append("true")
        elif o is False:
            append("false")
        elif isinstance(o, int):
            append(int.__repr__(o))
        elif isinstance(o, float):
            append(floatstr(o))
        elif isinstance(o, (list, tuple)):
            if not o:
                append("[]")
                return
            inner = "\n" + pad * (level + 1)
            append("[" + inner)
            first = True
            for item in o:
                if not first:
                    append("," + inner)
                first = False
                enc(item, level + 1)
            append("\n" + pad * level + "]")
        elif isinstance(o, dict):
            if not o:
                append("{}")
                return
            inner = "\n" + pad * (level + 1)
            append("{" + inner)
            first = True
            for k, v in o.items():
                if not first:
                    append("," + inner)
                first = False
                append(encode_basestring(key_text(k)) + ": ")
                enc(v, level + 1)
            append("\n" + pad * level + "}")
        else:
            raise TypeError(f"Object of type {o.__class__.__name__} is not JSON serializable")

    enc(obj, 0)
    return "".join(out)
