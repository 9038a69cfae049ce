"""Faster, byte-identical replacements for the hot spots of icalendar's serializer.

icalendar 7.3's ``_foldline`` encodes every character separately to count octets; on a
realistic calendar (long non-ASCII descriptions) it is the largest single cost of ``to_ical``.
:func:`fold` gives the same bytes: a line is cut into the longest prefixes of whole characters
of at most 74 octets (``limit - 1``: icalendar cuts before a character that would reach 75),
and a cut that would leave a TEXT escape (``\\``) or an RFC 6868 escape (``^``) as the last
character of a segment moves that character to the next one (icalendar issue #1501).
:func:`component_to_ical` is ``Component.to_ical()`` with that fold, and with the content lines
made by :class:`_Writer` in place of ``Component.content_lines`` (same walk, the common value
types and parameters rendered straight to text, icalendar's own ``content_line`` for the rest).
tests/test_fastics.py holds both to icalendar's own output.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from icalendar.parser.string import _escape_char

from ..memo import remember
from .lines import escape_text as _escape_text

_ESCAPES = (0x5C, 0x5E)  # "\\", "^"


def fold(line: str, limit: int = 75) -> bytes:
    """``icalendar.parser.string._foldline(line).encode("utf-8")``, without the per-character loop."""
    raw = line.encode()  # UTF-8; without the argument: no codec name to look at (~30 ns a line)
    if len(raw) < limit:
        return raw
    return _fold_75(raw) if limit == 75 else _fold_raw(raw, limit)


#: One segment of :func:`_fold_raw` at 75 octets, found by ``re`` in C: (1) the longest run of at
#: most 74 octets that ends on a character boundary (atomic: that run, not a shorter one) when
#: its last octet is no escape; (2) the rest of the line when at most 74 octets are left; (3)
#: else the run just before the escape that ends (1)'s run (the longest run of at most 73 octets
#: followed by an escape and a boundary: that escape is (1)'s last octet); (4) (1)'s run as it is.
_SEGMENT = re.compile(rb"(?s)(?>.{1,74}(?![\x80-\xbf]))(?<![\\^])"
                      rb"|.{1,74}\Z"
                      rb"|.{1,73}(?=[\\^](?![\x80-\xbf]))"
                      rb"|(?>.{1,74}(?![\x80-\xbf]))")


def _fold_75(raw: bytes) -> bytes:
    """:func:`_fold_raw` at 75 octets with the segments cut by :data:`_SEGMENT` instead of a
    Python loop per segment: long Graph descriptions (~600 octets) made the loop a tenth of the
    .ics writer's time (19.7k lines on bench's Graph calendar: 48 → 37 ms).  The segments must
    cover the line (a line of octets no character starts, which ``str.encode`` never gives,
    would not): else the loop."""
    parts = _SEGMENT.findall(raw)
    folded = b"\r\n ".join(parts)
    if len(folded) != len(raw) + 3 * (len(parts) - 1):
        return _fold_raw(raw, 75)
    return folded


def _fold_raw(raw: bytes, limit: int) -> bytes:
    """:func:`fold` of the line's UTF-8 octets (the reference :func:`_fold_75` is held to).

    Each segment is the longest run of whole characters of at most ``limit - 1`` octets, less a
    last escape octet (icalendar's ``_foldline``; RFC 5545 3.1: never inside a UTF-8 sequence).
    When no character boundary lies inside that room the segment is cut where it must be for
    the fold to go on (:func:`_forced_end`), so every call ends: a run of continuation octets no
    text encodes to (a caller's bytes), or a ``limit`` below one character.  An escape carried to
    the next segment takes the character after it along whatever the room, as ``_foldline`` does
    (only a ``limit`` under 6 can tell)."""
    n = len(raw)
    room = max(limit - 1, 0)
    if n <= room:
        return raw
    parts = []
    start = 0
    carried = False
    while n - start > room:
        end = start + room
        while end > start and raw[end] & 0xC0 == 0x80:  # never cut inside a UTF-8 sequence
            end -= 1
        if carried:
            end = max(end, min(_forced_end(raw, start + 1, 0), n))
        carried = False
        if end == start:
            end = min(_forced_end(raw, start, room), n)
        elif end < n and raw[end - 1] in _ESCAPES and end - 1 > start:
            end -= 1
            carried = True
        parts.append(raw[start:end])
        start = end
    if start < n:
        parts.append(raw[start:])
    return b"\r\n ".join(parts)


def _forced_end(raw: bytes, start: int, room: int) -> int:
    """Where a segment ends that has no character boundary within ``room`` octets of ``start``
    (every octet after ``start`` in it is a continuation octet).  A character longer than the
    room is kept whole, as icalendar's ``_foldline`` keeps it (a ``limit`` under 5); past one
    sequence's length (4 octets) the octets are strays that no character holds, so the cut at
    ``room`` splits none, and at least one octet is taken so the fold goes on."""
    lead = raw[start]
    length = 4 if lead >= 0xF0 else 3 if lead >= 0xE0 else 2 if lead >= 0xC0 else 1
    return start + max(room, length)


# ------------------------------------------------------------------------------------------------
# Writing: Component.to_ical() without a Contentline, a Parameters.to_ical and a bytes round trip
# per line
# ------------------------------------------------------------------------------------------------

def component_to_ical(component: Any, sorted: bool = True) -> bytes:
    """``component.to_ical(sorted)``, byte for byte, faster.

    icalendar builds every line through ``Component.content_line`` → ``Contentline.from_parts``
    (``Parameters.to_ical``, ``param_value``, ``vText.to_ical``, ``to_unicode``), encoding each
    piece to bytes and decoding it back; on a Graph→ICS calendar that was the largest single
    cost after the fold.  :class:`_Writer` walks the tree as ``Component.property_items`` does
    and renders the common value types and parameters straight to text; every line it has no
    exact rendering for is made by icalendar's ``Component.content_line`` itself.  Components
    whose class overrides the generation methods are left to icalendar entirely."""
    kind = type(component)
    if _WRITER and isinstance(component, _Component) and kind.to_ical is not _Component.to_ical:
        return component.to_ical(sorted=sorted)  # an override: its own bytes
    if _WRITER and isinstance(component, _Component) and _plain_generation(kind):
        lines: Any = _Writer(component, sorted).lines()
    else:
        lines = component.content_lines(sorted=sorted)
    return b"\r\n".join([fold(line) for line in lines if line]) + b"\r\n"


def _plain_generation(kind: type) -> bool:
    """The class generates its lines with icalendar's own ``content_lines``, ``property_items``
    and ``content_line`` (which :class:`_Writer` mirrors), not overrides of them."""
    return (kind.content_lines is _Component.content_lines and kind.content_line is _Component.content_line
            and kind.property_items is _Component.property_items)


def _setup() -> bool:
    """Import the icalendar pieces the writer mirrors; ``False`` (icalendar's own writer is used)
    if this is not the icalendar 7 they were read from."""
    global _Component, _Parameters, _param_value, _RENDERERS, _CaselessDict, _VDDD
    try:
        import icalendar
        from icalendar.caselessdict import CaselessDict
        from icalendar.cal.component import Component
        from icalendar.parser.parameter import Parameters, param_value
        from icalendar.prop import vCalAddress, vDDDLists, vDDDTypes, vText, vUnknown, vUri
    except Exception:  # noqa: BLE001
        return False
    if not icalendar.__version__.startswith("7."):
        return False
    _Component, _Parameters, _CaselessDict, _VDDD = Component, Parameters, CaselessDict, vDDDTypes
    _param_value = param_value
    _RENDERERS = {
        vText: _Writer.text_value,
        vUnknown: _Writer.verbatim_value,
        vCalAddress: _Writer.verbatim_value,
        vUri: _Writer.verbatim_value,
        vDDDTypes: _Writer.ddd_value,
        vDDDLists: _Writer.ddd_list_value,
        str: _Writer.str_value,
    }
    return True


_Component: Any = None
_CaselessDict: Any = None
_Parameters: Any = None
_VDDD: Any = None
_param_value: Any = None
_RENDERERS: dict[type, Any] = {}
_MISSING = object()
_BOM = "\ufeff"


def _unsig(text: str) -> str:
    """What ``to_unicode`` leaves of ``text.encode()``: it decodes with ``utf-8-sig``, which
    drops one leading byte-order mark."""
    return text[1:] if text.startswith(_BOM) else text


def _to_text(raw: Any) -> str | None:
    """``icalendar.parser_tools.to_unicode(raw)`` for the result of a ``to_ical()``; ``None`` for
    a result that is neither ``str`` nor ``bytes`` (icalendar would format that object itself)."""
    if type(raw) is bytes:
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            return raw.decode("utf-8-sig", "replace")
    if type(raw) is str:
        return raw
    return None


def _param_piece(key: Any, value: Any) -> str | None:
    """One ``KEY=value`` of ``Parameters.to_ical`` (icalendar 7.3, ``parser/parameter.py``), as
    text: ``None`` for ``TZID=UTC``, which it skips; the key uppercased; the value through
    ``param_value`` (RFC 6868 escaping, ``"`` → ``'``, quoting on ``QUOTABLE``), always quoted for
    ``always_quoted`` keys and for ``CN`` holding a space or an apostrophe."""
    if key == "TZID" and value == "UTC":
        return None
    upper_key = key.upper()
    check_quoteable_characters = _Parameters.quote_also.get(key.upper())
    always_quote = upper_key in _Parameters.always_quoted or (
        check_quoteable_characters and any(c in value for c in check_quoteable_characters))
    return upper_key + "=" + _param_value(value, always_quote=always_quote)


def _params_text(params: Any, sorted: bool) -> str:
    """``to_unicode(params.to_ical(sorted))`` for a plain ``Parameters``.  Memoised when every key
    and value is an exact ``str`` (then the text depends on nothing else): attendees, organizers
    and TZIDs repeat across the events of a calendar."""
    items = tuple(params.items())
    for key, value in items:
        if type(value) is not str or type(key) is not str:
            return _params_text_of(items, sorted)
    cache_key = (sorted, items)
    found = _params_cache.get(cache_key)
    if found is None:
        found = _params_text_of(items, sorted)
        remember(_params_cache, cache_key, found, 8192)
    return found


_params_cache: dict[tuple[bool, tuple[tuple[str, str], ...]], str] = {}


def _params_text_of(items: tuple[tuple[Any, Any], ...], sorted: bool) -> str:
    """``Parameters.to_ical(sorted)`` decoded: the ``(key, value)`` pairs sorted as icalendar sorts
    them, each through :func:`_param_piece` (``None``: left out), joined with ``;``; decoding
    the bytes with ``utf-8-sig`` would drop a leading BOM, so :func:`_unsig` does."""
    pairs = list(items)
    if sorted:
        pairs.sort()
    parts = []
    for key, value in pairs:
        piece = _param_piece(key, value)
        if piece is not None:
            parts.append(piece)
    return _unsig(";".join(parts))


_dict_getitem = dict.__getitem__
_dict_get = dict.get
_sorted_keys_cache: dict[tuple[Any, tuple[str, ...]], list[str]] = {}


def _sorted_keys(comp: Any) -> list[str]:
    """``comp.sorted_keys()``: icalendar's ``canonsort_keys(keys, canonical_order)`` (the class's
    canonical keys first, in that order, then the rest alphabetically), memoised per key tuple
    and canonical order — events of one calendar mostly share their property names."""
    if type(comp).sorted_keys is not _CaselessDict.sorted_keys:
        return comp.sorted_keys()
    keys = tuple(comp.keys())
    order = comp.canonical_order
    try:
        cache_key = (order, keys)
        found = _sorted_keys_cache.get(cache_key)
    except TypeError:  # an unhashable canonical_order
        return comp.sorted_keys()
    if found is None:
        found = comp.sorted_keys()
        remember(_sorted_keys_cache, cache_key, found, 4096)
    return found


# BEGIN/END lines per (vText class, component name, sorted): the same for every calendar, kept for
# the process (the edge writes one small calendar per crossing event).
_MARKERS: dict[Any, tuple[str, str]] = {}


class _Writer:
    """One ``Component.content_lines(sorted)`` as plain strings (icalendar 7.3,
    ``cal/component.py``).  The walk is ``property_items``'s: BEGIN, the properties in
    ``sorted_keys()`` order (``keys()`` unsorted), a list value giving one line per item, the
    subcomponents in order, END — iterative, as icalendar's, so deep nesting cannot overflow."""

    __slots__ = ("root", "sorted", "tzids")

    def __init__(self, root: Any, sorted: bool) -> None:
        self.root = root
        self.sorted = sorted
        self.tzids: dict[int, tuple[Any, str | None]] = {}

    def lines(self) -> list[str]:
        """Every content line, without the trailing empty one (``to_ical`` drops it anyway)."""
        out: list[str] = []
        append = out.append
        line = self.line
        v_text = self.root.types_factory["text"]
        stack: list[tuple[Any, bool]] = [(self.root, False)]
        while stack:
            comp, is_end = stack.pop()
            if is_end:
                append(self.marker(v_text, comp.name)[1])
                continue
            append(self.marker(v_text, comp.name)[0])
            get = _dict_getitem if type(comp).__getitem__ is _Component.__getitem__ else None
            for name in (_sorted_keys(comp) if self.sorted else comp.keys()):
                # comp[name] is CaselessDict.__getitem__: to_unicode(name).upper(), then the dict
                values = get(comp, name.upper()) if get is not None and type(name) is str else comp[name]
                if isinstance(values, list):
                    for value in values:
                        append(line(name, value))
                else:
                    append(line(name, values))
            stack.append((comp, True))
            for sub in reversed(comp.subcomponents):
                stack.append((sub, False))
        return out

    def marker(self, v_text: Any, comp_name: Any) -> tuple[str, str]:
        """``BEGIN:…`` and ``END:…``: ``property_items`` gives them the bytes
        ``v_text(comp.name).to_ical()``, which ``from_parts`` turns into a vText again (so the
        name is escaped twice).  Made by icalendar itself, once per component name."""
        key = (v_text, comp_name, self.sorted) if type(comp_name) is str else None
        found = _MARKERS.get(key) if key is not None else None
        if found is None:
            begin = self.slow("BEGIN", v_text(comp_name).to_ical())
            end = self.slow("END", v_text(comp_name).to_ical())
            found = (begin, end)
            if key is not None:
                remember(_MARKERS, key, found, 1024)
        return found

    def slow(self, name: Any, value: Any) -> str:
        """icalendar's own line: ``Component.content_line`` → ``Contentline.from_parts``."""
        return _Component.content_line(self.root, name, value, sorted=self.sorted)

    def line(self, name: Any, value: Any) -> str:
        """``Contentline.from_parts(name, params, value, sorted)`` as text.  Falls back on
        :meth:`slow` for a parameter object that is not a plain ``Parameters``, a ``to_ical()``
        result that is not text, and a line holding a line feed (``Contentline`` asserts there
        is none, so icalendar's own call raises)."""
        if type(name) is not str:
            return self.slow(name, value)
        render = _RENDERERS.get(type(value))
        text = render(self, value) if render is not None else self.any_value(value)
        if text is None:
            return self.slow(name, value)
        params = getattr(value, "params", _MISSING)
        if params is _MISSING:
            line = f"{name}:{text}"
        elif type(params) is not _Parameters:
            return self.slow(name, value)
        elif params:
            ptext = _params_text(params, self.sorted)
            line = f"{name};{ptext}:{text}" if ptext else f"{name}:{text}"
        else:
            line = f"{name}:{text}"
        if "\n" in line:
            return self.slow(name, value)
        return line

    # -- values: each returns what from_parts puts after the colon, or None for "let icalendar do it"

    def any_value(self, value: Any) -> str | None:
        """``to_unicode(value.to_ical())`` — icalendar's own ``to_ical`` for every type without a
        renderer here (vRecur, vInt, vDuration, vUTCOffset, vCategory, vPeriod, subclasses…)."""
        if hasattr(value, "to_ical"):
            return _to_text(value.to_ical())
        return None

    def text_value(self, value: Any) -> str | None:
        """``vText.to_ical`` byte for byte (this writer stands in for icalendar's on a caller's
        ``icalendar.Calendar``), so a literal ``\\N`` still becomes a line break here as there;
        the model writer's (``lines.escape_text``) keeps it.  ``to_unicode`` drops a leading BOM."""
        if value.encoding != "utf-8":
            return self.any_value(value)
        return self.str_value(value)

    def str_value(self, value: str) -> str:
        """A plain ``str`` property value: ``from_parts`` writes ``vText(value).to_ical()``."""
        return _unsig(_escape_char(value) if "\\N" in value else _escape_text(value))

    def verbatim_value(self, value: Any) -> str | None:
        """``vCalAddress``, ``vUri``, ``vUnknown``: ``self.encode(encoding)`` — the text itself,
        less a leading BOM."""
        if getattr(value, "encoding", "utf-8") != "utf-8":
            return self.any_value(value)
        return _unsig(str.__str__(value))

    def ddd_value(self, value: Any) -> str | None:
        """``vDDDTypes.to_ical`` for a ``datetime`` (``vDatetime``: ``YYYYMMDDTHHMMSS`` and ``Z``
        when ``params.is_utc() or is_utc(dt)``) or a ``date`` (``vDate``); other kinds through
        icalendar."""
        dt = value.dt
        kind = type(dt)
        if kind is datetime and type(value.params) is _Parameters:
            text = (f"{dt.year:04}{dt.month:02}{dt.day:02}"
                    f"T{dt.hour:02}{dt.minute:02}{dt.second:02}")
            # params.is_utc(): CaselessDict.get("tzid") is the plain dict's get of "TZID"
            if _dict_get(value.params, "TZID") == "UTC" or self.dt_is_utc(dt):
                text += "Z"
            return text
        if kind is date:
            return f"{dt.year:04}{dt.month:02}{dt.day:02}"
        return self.any_value(value)

    def ddd_list_value(self, value: Any) -> str | None:
        """``vDDDLists.to_ical``: the items' ``to_ical`` joined with commas."""
        dts = value.dts
        texts = [self.ddd_value(dt) if type(dt) is _VDDD else None for dt in dts]
        if None in texts:
            return self.any_value(value)
        return _unsig(",".join(texts))  # type: ignore[arg-type]

    def dt_is_utc(self, dt: datetime) -> bool:
        """``icalendar.timezone.tzid.is_utc(dt)``: ``tzid_from_tzinfo(dt.tzinfo)``, else
        ``dt.tzname()``, is ``"UTC"``.  The zone lookup is cached per tzinfo object for this call."""
        tz = dt.tzinfo
        if tz is None:
            return dt.tzname() == "UTC"
        found = self.tzids.get(id(tz))
        if found is None or found[0] is not tz:
            from icalendar.timezone.tzid import tzid_from_tzinfo
            found = (tz, tzid_from_tzinfo(tz))
            self.tzids[id(tz)] = found
        tzid = found[1]
        if tzid is None:
            return dt.tzname() == "UTC"
        return tzid == "UTC"


_WRITER = _setup()


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


# ------------------------------------------------------------------------------------------------
# The same renderings for writers that do not build icalendar components (io/model_writer.py)
# ------------------------------------------------------------------------------------------------

def params_text(items: tuple[tuple[str, Any], ...]) -> str:
    """``Parameters(dict(items)).to_ical()`` as text (sorted; a value a ``str`` or a list)."""
    return _params_text_of(items, True)


#: A TEXT value escaped as icalendar's ``vText`` writes it.
escape_text = _escape_text


def component_lines(component: Any) -> list[str]:
    """``component.content_lines()`` as unfolded text lines (BEGIN to END)."""
    if _WRITER and isinstance(component, _Component) and _plain_generation(type(component)):
        return _Writer(component, True).lines()
    return [str(line) for line in component.content_lines() if line]
