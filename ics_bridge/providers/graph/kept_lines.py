"""The kept content lines of a VEVENT (what Graph has no property for) written directly when they
are plain: no alarm, no component, only SEQUENCE, STATUS, URL, COMMENT and kept lines.

Why: almost every event keeps a line (SEQUENCE, which Graph's changeKey replaces, is kept for
the way back), and building a whole ``m.Event`` and the hub writer's VEVENT for one line cost
more than the rest of its mapping.  The lines are the hub writer's (``model_writer.event_lines``),
byte for byte: the same parameter text, TEXT escaping (RFC 5545 3.3.11) and property order;
``tests/test_graphout_fastpath.py`` holds them to that writer.
"""

from __future__ import annotations

import re
from typing import Any

from ... import model as m
from ...io.fastics import escape_text
from ...io.model_writer import _ptext, _sort_key, _sorted_lines

# Where a content line's name ends (RFC 5545 3.1: at its first parameter or its value).
_NAME_END = re.compile("[;:]")
# The typed fields written here (``Event`` field names); any other kept field goes to the writer.
PLAIN_FIELDS = frozenset({"sequence", "status", "url", "comments"})


def plain_kept_lines(typed: dict[str, Any], other: tuple[m.Line, ...], params: tuple[tuple[str, m.Params], ...]
                     ) -> list[tuple[str, str]] | None:
    """The unfolded lines ``event_lines`` writes for an event holding only ``typed`` (fields
    that are set), ``other`` and ``params`` (without BEGIN/END), each with its property name as
    written, or None when a field is not plain."""
    if not typed.keys() <= PLAIN_FIELDS:
        return None
    pairs: list[tuple[str, str]] = []
    # in the writer's order (it sorts stably: lines of one name keep this order)
    status = typed.get("status")
    if status is not None:
        pairs.append(("STATUS", f"STATUS{_ptext(own_params(params, 'STATUS'))}:{escape_text(status)}"))
    sequence = typed.get("sequence")
    if sequence is not None:
        pairs.append(("SEQUENCE", f"SEQUENCE{_ptext(own_params(params, 'SEQUENCE'))}:{sequence}"))
    url = typed.get("url")
    if url is not None:
        pairs.append(("URL", f"URL{_ptext(own_params(params, 'URL'))}:{url}"))
    for comment in typed.get("comments", ()):
        pairs.append(("COMMENT", f"COMMENT:{escape_text(comment)}"))
    for line in other:
        pairs.append((line.name, f"{line.name}{_ptext(line.params)}:{line.value}"))
    if len(pairs) == 1:
        return pairs
    keyed = [(_sort_key("VEVENT", name), line) for name, line in pairs]
    return [(_NAME_END.split(line, 1)[0], line) for line in _sorted_lines("VEVENT", keyed)]


def own_params(params: tuple[tuple[str, m.Params], ...], name: str) -> m.Params:
    """The parameters property ``name`` was read with (the writer's ``dict(params)``: the last wins)."""
    found: m.Params = ()
    for key, values in params:
        if key == name:
            found = values
    return found
