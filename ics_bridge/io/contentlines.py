"""A content-line reader that hands icalendar only what it needs.

Why: icalendar 7.3 splits every content line with a per-character loop
(``Contentline.raw_parts``), then parses the parameter section with three nested quote-aware
splits, an escape/unescape round trip and two ``Parameters`` (``CaselessDict``) constructions
(``Parameters.from_ical``).  On a realistic calendar that is half of ``Calendar.from_ical``.

:func:`split` gives the same ``(name, params, value)`` as ``Contentline(line).parts()`` with one
anchored regular expression, for the lines whose shape leaves no room for a different reading
(RFC 5545 3.1): a name of letters, digits and ``-``; parameters ``KEY=value`` with upper-case
keys and one value each, either quoted (anything but ``"``, ``\\``, ``^`` and controls) or
unquoted (none of ``"``, ``\\``, ``^``, ``,``, ``:``, ``;``, blanks and controls).  Then
icalendar's escape, RFC 6868 and whitespace steps are all identities, and the first ``:``
outside quotes is the value separator.  Every other line returns ``None`` and is read by
icalendar itself, so the result never differs (``tests/test_contentlines.py`` holds both
readers to the same component trees on the corpus, awkward lines and generated lines).

:class:`FastLines` puts :func:`split` into an icalendar parser (``ics_bridge.io.ics._Parser``
for files, :func:`read_component` for the content lines the provider mappers keep).
"""

from __future__ import annotations

import re
from collections import OrderedDict
from typing import Any

from icalendar.cal.component import Component
from icalendar.parser.content_line import NEWLINE, UFOLD, Contentline
from icalendar.parser.ical.component import ComponentIcalParser

from icalendar.parser.parameter import Parameters
from icalendar.parser.property import unescape_backslash
from icalendar.parser_tools import to_unicode

_QUOTED = r'"[^"\\^\x00-\x08\x0a-\x1f\x7f]*"'
_UNQUOTED = r'[^"\\^,:; \t\x00-\x08\x0a-\x1f\x7f]*'
_PARAM = rf"[A-Z0-9-]+=(?:{_QUOTED}|{_UNQUOTED})"
_LINE = re.compile(rf"([A-Za-z0-9-]+)((?:;{_PARAM})*):")
_EACH_PARAM = re.compile(r'([A-Z0-9-]+)=("[^"]*"|[^;]*)')
_new_params = Parameters.__new__


def split(line: str) -> tuple[str, Parameters, str, int] | None:
    """``(name, params, raw value, index of the value's colon)`` for a line of the plain shape
    (module docstring), as ``Contentline(line).raw_parts()`` gives them; else None."""
    found = _LINE.match(line)
    if found is None:
        return None
    params = _new_params(Parameters)  # Parameters() without its __init__, which has nothing to do here
    section = found.group(2)
    if section:
        store = OrderedDict.__setitem__  # keys are upper case already (the pattern says so)
        for key, raw in _EACH_PARAM.findall(section):
            store(params, key, raw[1:-1] if raw[:1] == '"' else raw)
    end = found.end()
    return found.group(1), params, line[end:], end - 1


def unescape(raw: str) -> str:
    """The value as ``Contentline.parts()`` gives it (backslash escapes undone)."""
    return unescape_backslash(raw) if "\\" in raw else raw


class SplitLine(str):
    """A content line :func:`split` has read, answering the two questions icalendar's parser
    asks a ``Contentline`` again (the raw value of an RFC 7265 UNKNOWN value, the colon before
    a CATEGORIES value) from that split instead of icalendar's per-character loop."""

    def __new__(cls, line: str, parts: tuple[str, Parameters, str, int]) -> "SplitLine":
        self = super().__new__(cls, line)
        self._parts = parts
        return self

    def raw_parts(self) -> tuple[str, Parameters, str]:
        return self._parts[:3]

    def value_separator_index(self) -> int:
        return self._parts[3]


# id(types factory) → {(property name, VALUE parameter): value type}
_VALUE_TYPES: dict[int, dict[tuple[str, str | None], Any]] = {}


class FastLines:
    """Mixin for icalendar's ``ComponentIcalParser`` (and subclasses): the same parse, with
    plain lines split by :func:`split` and value types looked up once per name and ``VALUE``.
    Lines are unfolded and split as ``Contentlines.from_ical`` does; any other line goes
    through ``Contentline.parts()`` and icalendar's own error handling."""

    _data: Any
    _types_factory: Any

    def initialize_parsing(self) -> None:
        self._stack: list[Component] = []
        self._components: list[Component] = []
        text = self._data if isinstance(self._data, str) else to_unicode(self._data)
        self._lines = [line for line in NEWLINE.split(UFOLD.sub("", text)) if line]

    def parse_content_lines(self) -> None:
        for text in self._lines:
            parts = split(text)
            line: Any = text
            if parts is None:
                line = Contentline(text)
                try:
                    name, params, vals = line.parts()
                except ValueError as e:
                    self.handle_line_parse_error(e)  # type: ignore[attr-defined]
                    continue
            else:
                name, params, raw, _ = parts
                vals = unescape(raw)
            uname = name.upper()
            if uname == "BEGIN":
                self.handle_begin_component(vals)  # type: ignore[attr-defined]
            elif uname == "END":
                self.handle_end_component(vals)  # type: ignore[attr-defined]
            else:
                if parts is not None and (uname == "CATEGORIES" or hasattr(
                        self.get_factory_for_property(uname, params), "get_value_from_content_line")):
                    line = SplitLine(text, parts)  # these two read the raw line again
                self.handle_property(uname, params, vals, line)  # type: ignore[attr-defined]

    def get_factory_for_property(self, name: str, params: Any) -> Any:
        value = OrderedDict.get(params, "VALUE")
        if value is not None and not isinstance(value, str):
            return super().get_factory_for_property(name, params)  # type: ignore[misc]
        cache = _VALUE_TYPES.setdefault(id(self._types_factory), {})
        found = cache.get((name, value))
        if found is None:
            found = cache[(name, value)] = super().get_factory_for_property(name, params)  # type: ignore[misc]
        return found


class _ComponentParser(FastLines, ComponentIcalParser):
    pass


def read_component(cls: type[Component], text: str) -> Component:
    """``cls.from_ical(text)`` (one component; ValueError otherwise) with :class:`FastLines`."""
    found = _ComponentParser(text, cls._get_component_factory(), cls.types_factory).parse()
    if len(found) != 1:
        raise ValueError(f"expected one component, found {len(found)}")
    return found[0]
