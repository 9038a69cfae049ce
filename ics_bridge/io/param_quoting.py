r"""icalendar's parameter quoting, mended for every serialisation of ours (an icalendar quirk).

icalendar 7's parameter reader takes ``\,`` ``\;`` ``\:`` ``\\`` as escapes (RFC 5545 has none in
parameters) while its writer writes a backslash as it is: ``CN=\`` then swallowed the next
parameter (``CN=\;CUTYPE=INDIVIDUAL`` → CN ";CUTYPE=INDIVIDUAL") and ``CN="a\,b"`` came back
"a,b" (found by tests/test_property_roundtrip.py).  Every hub serialisation therefore quotes a
parameter value holding a backslash and doubles the backslashes that icalendar would take as
an escape, so names read back exactly; other readers see such a backslash doubled, only in
those rare values.

Importing this module installs the mended quoting (once per process); the hub helpers
(`vevent`) and the model writer, which reproduces icalendar's quoting, both import it.
"""

from __future__ import annotations

import re

from icalendar.parser import parameter as _ical_parameter

_PARAM_ESCAPED = re.compile(r"\\(?=[\\,;:])")
_ical_dquote = _ical_parameter.dquote


def _dquote(val: str, always_quote: bool = False) -> str:
    if "\\" in val:
        return _ical_dquote(_PARAM_ESCAPED.sub(r"\\\\", val), always_quote=True)
    return _ical_dquote(val, always_quote=always_quote)


if getattr(_ical_parameter.dquote, "__module__", None) != __name__:
    _ical_parameter.dquote = _dquote
