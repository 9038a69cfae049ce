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
readers to the same component trees on the corpus, the hostile inputs and generated lines).
"""

from __future__ import annotations

import re
from collections import OrderedDict

from icalendar.parser.parameter import Parameters
from icalendar.parser.property import unescape_backslash

_QUOTED = r'"[^"\\^\x00-\x08\x0a-\x1f\x7f]*"'
_UNQUOTED = r'[^"\\^,:; \t\x00-\x08\x0a-\x1f\x7f]*'
_PARAM = rf"[A-Z0-9-]+=(?:{_QUOTED}|{_UNQUOTED})"
_LINE = re.compile(rf"([A-Za-z0-9-]+)((?:;{_PARAM})*):")
_EACH_PARAM = re.compile(rf'([A-Z0-9-]+)=("[^"]*"|[^;]*)')


def split(line: str) -> tuple[str, Parameters, str, int] | None:
    """``(name, params, raw value, index of the value's colon)`` for a line of the plain shape
    (module docstring), as ``Contentline(line).raw_parts()`` gives them; else None."""
    found = _LINE.match(line)
    if found is None:
        return None
    params = Parameters()
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
