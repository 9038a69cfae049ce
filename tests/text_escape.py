"""The TEXT escaping the writers are held to (RFC 5545 3.3.11): icalendar's ``_escape_char``
without its first step (``\\N`` → line break, which turned a literal backslash-N into a new
line); on a text without ``\\N`` it is ``_escape_char`` itself (tests assert both)."""

from __future__ import annotations

from icalendar.parser.string import _escape_char


def escape_reference(text: str) -> str:
    """Backslash, semicolon and comma escaped; CRLF, LF and a lone CR each one ``\\n``."""
    want = (text.replace("\\", "\\\\").replace(";", r"\;").replace(",", r"\,")
            .replace("\r\n", r"\n").replace("\n", r"\n").replace("\r", r"\n"))
    if "\\N" not in text:
        assert want == _escape_char(text)
    return want
