"""Event description text: HTML ⇄ plain text, HTML sanitising and the join-link marker line.

The hub keeps DESCRIPTION as plain text (RFC 5545 TEXT), but the providers speak HTML:

* Microsoft Graph sends ``body`` with ``contentType: html`` as a *complete Outlook document*
  (``<html><head><meta …><style>…</style></head><body>…``), with MSO conditional comments
  (``<!--[if gte mso 9]>…<![endif]-->``), Word paragraphs ``<p class=MsoNormal>`` (one per
  line, empty lines written as ``<p>&nbsp;</p>``) and ``\\r\\n`` between tags.
* Google Calendar's ``description`` is *either* plain text *or* an HTML fragment that mixes text
  with ``<br>``, ``<b>``, ``<a href>``, ``<ul><li>`` … and never says which.

Public functions:

* :func:`html_to_text` — readable plain text from either shape of HTML.
* :func:`looks_like_html` — decide whether a Google description is HTML.
* :func:`sanitize_html` — nh3 allow-list sanitising, plus whether something dangerous was removed
  (so callers can report ``LossKind.HTML_SANITIZED``).
* :func:`text_to_html` — minimal escaping for writing text where HTML is expected.
* :func:`add_join_line` / :func:`strip_join_line` — the ``Join online meeting: <url>`` marker line
  that carries a conference link in DESCRIPTION for clients that ignore CONFERENCE, and its exact
  removal on the way back.

Only the standard library (:mod:`html.parser`) and ``nh3`` are used.
"""

from __future__ import annotations

import html
import re
from html.entities import html5 as _HTML5_ENTITIES
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import nh3

from .hub import JOIN_LINE_PREFIX

__all__ = [
    "add_join_line",
    "html_to_text",
    "looks_like_html",
    "sanitize_html",
    "strip_join_line",
    "text_to_html",
    "add_join_html",
    "markup_hazard",
    "keep_line_breaks",
]

# ---------------------------------------------------------------------------------------------
# HTML → text
# ---------------------------------------------------------------------------------------------

# Elements that start and end a line (CSS display:block/list-item/table-row in browsers' default
# style sheets).  Inline elements (b, span, a, font, o:p …) do not break lines.
_BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "caption", "center", "dd",
        "details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure",
        "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html",
        "legend", "li", "main", "menu", "nav", "ol", "p", "pre", "section", "summary", "table",
        "tbody", "tfoot", "thead", "tr", "ul",
    }
)
# Elements whose *content* is never shown to a reader: head metadata, CSS, scripts and the
# fallback content of embedded objects.
_SKIP_CONTENT_TAGS = frozenset(
    {"head", "title", "style", "script", "template", "noscript", "iframe", "object", "xml"}
)
# Whitespace that HTML collapses (U+00A0 &nbsp; is *not* in it: it is content to the parser).
_HTML_SPACE_RE = re.compile(r"[ \t\n\r\f]+")
_SPACE_NBSP_RE = re.compile(r"[ \t\n\r\f\xa0]+")
_NEWLINE_RE = re.compile(r"\r\n|\r|\n")
_BLANK_RUN_RE = re.compile(r"\n{3,}")
# Link targets worth showing in plain text; relative, cid:, javascript: … targets are not.
_SHOWN_LINK_SCHEMES = frozenset({"http", "https", "ftp", "mailto", "tel", "webcal"})


class _Line:
    __slots__ = ("prefix", "parts", "pre")

    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix
        self.parts: list[str] = []
        self.pre = False

    def has_content(self) -> bool:
        # &nbsp; counts as content: Outlook writes an empty line as <p>&nbsp;</p>.
        return any(_HTML_SPACE_RE.sub("", p) for p in self.parts)

    def render(self) -> str:
        raw = "".join(self.parts)
        if self.pre:
            body = raw.replace("\xa0", " ").rstrip()
        else:
            body = _SPACE_NBSP_RE.sub(" ", raw).strip()
        if not body:
            return ""
        return (self.prefix + body).rstrip()


class _TextExtractor(HTMLParser):
    """Walks the HTML and builds lines; see :func:`html_to_text` for the rules."""

    def __init__(self, preserve_newlines: bool) -> None:
        super().__init__(convert_charrefs=True)
        self._preserve_newlines = preserve_newlines
        self.lines: list[str] = []
        self._line = _Line()
        self._skip: list[str] = []
        self._pre = 0
        self._pre_start = False
        self._lists: list[list[int | str]] = []  # [kind, next number]
        self._links: list[tuple[str, list[str]]] = []
        self._row_cells = 0

    # -- line handling --------------------------------------------------------------------
    def _emit(self) -> None:
        self.lines.append(self._line.render())
        self._line = _Line()

    def _hard_break(self) -> None:
        """<br> or a newline in preformatted text: always ends a line, even an empty one."""
        self._emit()

    def _soft_break(self, keep_prefix: bool = False) -> None:
        """Block boundary: ends the current line only if it has something on it.

        At a block *start* an empty line keeps its list prefix (``<li><p>item</p>``); at a block
        end it is dropped, so an empty ``<li></li>`` does not lend its bullet to later text.
        """
        if self._line.has_content():
            self._emit()
        elif not (keep_prefix and self._line.prefix):
            self._line = _Line()

    def _add_text(self, text: str) -> None:
        if not text:
            return
        self._line.parts.append(text)
        for _href, collected in self._links:
            collected.append(text)

    # -- parser callbacks -----------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_CONTENT_TAGS:
            self._skip.append(tag)
            return
        if tag == "body" and "head" in self._skip:
            # A <head> that was never closed ends where <body> starts.
            del self._skip[self._skip.index("head") :]
        if self._skip:
            return
        if tag in _BLOCK_TAGS:
            self._soft_break(keep_prefix=True)
        if tag == "br":
            self._hard_break()
        elif tag in ("ul", "ol", "menu", "dir"):
            start = 1
            if tag == "ol":
                try:
                    start = int(dict(attrs).get("start") or 1)
                except ValueError:
                    start = 1
            self._lists.append(["ol" if tag == "ol" else "ul", start])
        elif tag == "li":
            indent = "  " * max(len(self._lists) - 1, 0)
            if self._lists and self._lists[-1][0] == "ol":
                number = int(self._lists[-1][1])
                self._lists[-1][1] = number + 1
                self._line = _Line(f"{indent}{number}. ")
            else:
                self._line = _Line(f"{indent}- ")
        elif tag == "pre":
            self._pre += 1
            self._pre_start = True
        elif tag == "tr":
            self._row_cells = 0
        elif tag in ("td", "th"):
            if self._row_cells and self._line.has_content():
                self._add_text(" | ")
            self._row_cells += 1
        elif tag == "a":
            self._links.append((dict(attrs).get("href") or "", []))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # Browsers ignore the "/" of <div/>; a self-closed skip tag must not swallow the rest.
        if tag in _SKIP_CONTENT_TAGS:
            return
        self.handle_starttag(tag, attrs)
        if tag == "a":
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_CONTENT_TAGS:
            if tag in self._skip:
                del self._skip[len(self._skip) - 1 - self._skip[::-1].index(tag) :]
            return
        if self._skip:
            return
        if tag == "a" and self._links:
            self._close_link()
        elif tag in ("ul", "ol", "menu", "dir") and self._lists:
            self._lists.pop()
        elif tag == "pre" and self._pre:
            self._pre -= 1
        elif tag == "br":
            # </br> is treated as <br> by browsers.
            self._hard_break()
            return
        if tag in _BLOCK_TAGS:
            self._soft_break()

    def handle_data(self, data: str) -> None:
        if self._skip or not data:
            return
        if self._pre:
            if self._pre_start and data.startswith(("\r\n", "\n")):
                data = data[2:] if data.startswith("\r\n") else data[1:]
            self._pre_start = False
            chunks = _NEWLINE_RE.split(data)
            for i, chunk in enumerate(chunks):
                if i:
                    self._hard_break()
                self._line.pre = True
                self._add_text(chunk)
            return
        if self._preserve_newlines:
            chunks = _NEWLINE_RE.split(data)
            for i, chunk in enumerate(chunks):
                if i:
                    self._hard_break()
                self._add_text(_HTML_SPACE_RE.sub(" ", chunk))
            return
        self._add_text(_HTML_SPACE_RE.sub(" ", data))

    def _close_link(self) -> None:
        href, collected = self._links.pop()
        text = _SPACE_NBSP_RE.sub(" ", "".join(collected)).strip()
        url = href.strip()
        if not url or not _is_shown_link(url) or _same_link(text, url):
            return
        self._add_text(f" ({url})" if text else url)

    def close(self) -> None:
        super().close()
        while self._links:
            self._close_link()
        self._emit()


def _is_shown_link(url: str) -> bool:
    scheme, sep, _rest = url.partition(":")
    return bool(sep) and scheme.lower() in _SHOWN_LINK_SCHEMES


def _link_key(value: str) -> str:
    value = value.strip().lower()
    value = re.sub(r"^(?:https?://|mailto:|tel:)", "", value)
    if value.startswith("www."):
        value = value[4:]
    return value.rstrip("/")


def _same_link(text: str, url: str) -> bool:
    """Whether showing the URL after the link text would only repeat it.

    Auto-linked descriptions (``<a href="https://x.org/">https://x.org</a>``,
    ``<a href="mailto:a@b.c">a@b.c</a>``) would otherwise read ``https://x.org (https://x.org/)``.
    Google also wraps links in its redirector ``https://www.google.com/url?q=<target>&sa=…``,
    so a link whose text is the redirect target counts as the same link.
    """
    if not text:
        return False
    key = _link_key(text)
    if key == _link_key(url):
        return True
    parts = urlsplit(url)
    if parts.netloc.lower() in ("www.google.com", "google.com") and parts.path == "/url":
        targets = parse_qs(parts.query).get("q", [])
        return any(_link_key(t) == key for t in targets)
    return False


def html_to_text(html: str, *, preserve_newlines: bool = False) -> str:
    """Readable plain text from an HTML event body (Graph ``body.content`` or a Google description).

    Rules, and why:

    * **Paragraphs are separated by a single newline**, not a blank line.  Outlook/Word writes
      one ``<p class=MsoNormal>`` (zero margins) *per line* and an intentionally empty line as
      ``<p>&nbsp;</p>``; adding a blank line per ``<p>`` would double-space every Outlook body.
      The same single-newline rule holds for every block element (``div``, ``h1``…, ``tr``,
      ``li``), so the output is consistent.  Blank lines therefore appear exactly where the author
      put an empty paragraph or repeated ``<br>``.
    * ``<br>`` always ends a line (even an empty one) — it is how Google and Outlook write line
      breaks.  As in browsers, a ``<br>`` at the very end of a block adds nothing.
    * **At most one blank line in a row**: Teams invitations and ``<br><br><br>`` runs would
      otherwise leave large gaps in a plain-text DESCRIPTION.
    * ``<li>`` becomes ``- item``; items of ``<ol>`` become ``1. item`` (honouring ``start``);
      nested lists are indented two spaces per level, so list structure survives as text.
    * Table cells on one row are joined with `` | `` so data tables stay legible.
    * Character references are decoded (``&amp;`` → ``&``); ``&nbsp;`` becomes a plain space.
    * The content of ``<head>``, ``<title>``, ``<style>``, ``<script>``, ``<template>``,
      ``<noscript>``, ``<iframe>``, ``<object>`` and ``<xml>`` is dropped: it is metadata, CSS,
      code or fallback content, never text the author wrote.  Comments — including MSO
      conditional comments ``<!--[if gte mso 9]>…<![endif]-->`` — are dropped; the
      "downlevel-revealed" form ``<![if !supportLists]>…<![endif]>`` shows its content, as
      non-Outlook browsers do.
    * Links read ``text (url)`` when the text differs from the URL, so the Teams
      "Join Microsoft Teams Meeting" link keeps its target; auto-linked URLs are not repeated.
      Only http/https/ftp/mailto/tel/webcal targets are shown: relative, ``cid:`` and
      ``javascript:`` targets mean nothing (or something hostile) in plain text.
    * Whitespace inside a paragraph collapses to single spaces, lines lose leading and trailing
      spaces (but keep list indentation), and the result is stripped, because HTML source
      whitespace (Outlook's ``\\r\\n`` between tags) is not content.  ``<pre>`` keeps its lines
      and spacing (only trailing spaces are removed).

    ``preserve_newlines=True`` additionally turns newlines in the text itself into line breaks.
    Use it for Google descriptions that mix plain text with tags (``"Notes\\n<b>Agenda</b>"``),
    which Google shows with their newlines; leave it off for Graph, whose newlines are only
    source formatting.

    The input is assumed to be HTML; check plain text with :func:`looks_like_html` first (plain
    text would lose its newlines unless ``preserve_newlines`` is set).
    """
    if not html:
        return ""
    parser = _TextExtractor(preserve_newlines)
    parser.feed(html)
    parser.close()
    text = "\n".join(parser.lines)
    text = _BLANK_RUN_RE.sub("\n\n", text)
    return text.strip()


# ---------------------------------------------------------------------------------------------
# HTML detection
# ---------------------------------------------------------------------------------------------

_HTML_TAG_NAMES = (
    "a|abbr|b|big|blockquote|body|br|center|cite|code|col|colgroup|dd|del|div|dl|dt|em|font|"
    "h[1-6]|head|hr|html|i|img|ins|kbd|li|mark|meta|ol|p|pre|q|s|small|span|strike|strong|"
    "style|sub|sup|table|tbody|td|tfoot|th|thead|title|tr|tt|u|ul|o:p"
)
# A real start or end tag of a known element: "<b>", "</p>", "<br/>", "<a href=…>", "<span …>".
# The name must be followed by whitespace, "/" or ">", so "<email@x.com>", "<https://…>" (how
# Outlook writes links in text) and "a < b > c" do not match.  The attribute part is checked in
# code (see looks_like_html), which keeps the pattern linear on long inputs.
_HTML_TAG_RE = re.compile(
    rf"<(?:/(?:{_HTML_TAG_NAMES})\s*>|(?:{_HTML_TAG_NAMES})(\s[^<>]*?)?/?>)|<!DOCTYPE\s+html",
    re.IGNORECASE,
)
_ATTR_VALUE_RE = re.compile(r"[A-Za-z_:][-\w:.]*\s*=\s*\S")
_ENTITY_RE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|([A-Za-z][A-Za-z0-9]{1,31}));")


def looks_like_html(text: str) -> bool:
    """Whether a description is HTML rather than plain text.

    Google's ``description`` carries either, with no content type.  Treating plain text as HTML
    would eat its newlines and anything in angle brackets; treating HTML as text would show tags
    to the reader.  So only unambiguous markup counts: a start/end tag of a common element
    (``<br>``, ``<p>``, ``<b>``, ``<i>``, ``<u>``, ``<a href=…>``, ``<ul>``, ``<ol>``, ``<li>``,
    ``<span …>``, ``<div>``, ``<html>`` …) or a character reference that decodes to something
    (``&amp;``, ``&nbsp;``, ``&#233;``).  Comparisons (``a < b > c``), bracketed addresses
    (``<email@x.com>``) and bracketed URLs (``Join<https://teams…>``) are not markup.
    """
    if not text or ("<" not in text and "&" not in text):
        return False
    for match in _HTML_TAG_RE.finditer(text):
        attrs = match.group(1)
        # A tag with attributes needs a name=value pair, so prose such as "if a<b and b>c"
        # is not read as the tag <b and b>.
        if not attrs or not attrs.strip() or _ATTR_VALUE_RE.search(attrs):
            return True
    for match in _ENTITY_RE.finditer(text):
        name = match.group(1)
        if name is None or f"{name};" in _HTML5_ENTITIES:
            return True
    return False


# ---------------------------------------------------------------------------------------------
# Sanitising
# ---------------------------------------------------------------------------------------------

_SAFE_TAGS = (set(nh3.ALLOWED_TAGS) | {"font", "tfoot"}) - {"area", "map"}
_SAFE_ATTRIBUTES: dict[str, set[str]] = {tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()}
_SAFE_ATTRIBUTES.pop("area", None)
for _tag, _extra in {
    "*": {"style", "title", "dir", "lang"},
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height", "title"},
    "font": {"color", "face", "size"},
    "table": {"border", "cellpadding", "cellspacing", "width"},
    "td": {"width", "valign", "bgcolor"},
    "th": {"width", "valign", "bgcolor"},
}.items():
    _SAFE_ATTRIBUTES.setdefault(_tag, set()).update(_extra)

# Inline CSS kept by sanitize_html: text formatting only.  Layout/positioning properties
# (position, z-index, display, margin…) are dropped because they let a body overlay or hide
# parts of the host page; anything that can load or run something is rejected by value below.
_SAFE_STYLE_PROPERTIES = frozenset(
    {
        "color", "background-color", "font-family", "font-size", "font-style", "font-weight",
        "text-align", "text-decoration", "vertical-align", "white-space",
    }
)
# Values: words, numbers, units, #hex, quotes, commas and rgb()/hsl() colours; no url(), no
# expression(), no escapes.
_SAFE_STYLE_VALUE_RE = re.compile(
    r"^(?:[\w\s#.,%'\"+-]|(?:rgba?|hsla?)\([\d\s.,%]*\))*$", re.IGNORECASE
)
_DANGEROUS_CSS_RE = re.compile(
    r"expression\s*\(|url\s*\(|javascript\s*:|vbscript\s*:|behavior\s*:|-moz-binding|@import",
    re.IGNORECASE,
)

_URL_SCHEMES = {"http", "https", "mailto", "tel", "data"}
_DATA_IMAGE_RE = re.compile(r"^data:image/(?:png|gif|jpe?g|webp|bmp);", re.IGNORECASE)
_CLEAN_CONTENT_TAGS = {
    "script", "style", "title", "head", "noscript", "template", "iframe", "object",
    "textarea", "select", "xml",
}

# Things whose presence in the input makes sanitize_html report "changed".
_DANGEROUS_TAGS = frozenset(
    {
        "script", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "input",
        "button", "textarea", "select",
    }
)
_URL_ATTRIBUTES = frozenset(
    {"href", "src", "action", "formaction", "background", "poster", "data", "lowsrc",
     "dynsrc", "xlink:href", "codebase", "cite"}
)
_CONTROL_AND_SPACE_RE = re.compile(r"[\x00-\x20\x7f]+")
_DANGEROUS_SCHEME_RE = re.compile(r"^(?:javascript|vbscript|livescript|data):", re.IGNORECASE)


def _is_dangerous_url(tag: str, attr: str, value: str) -> bool:
    # Browsers ignore ASCII whitespace and control characters inside a scheme ("java\tscript:").
    compact = _CONTROL_AND_SPACE_RE.sub("", value)
    if not _DANGEROUS_SCHEME_RE.match(compact):
        return False
    return not (tag == "img" and attr == "src" and _DATA_IMAGE_RE.match(compact))


class _DangerScanner(HTMLParser):
    """Finds scripts, active elements, event handlers and script URLs in the *input*."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DANGEROUS_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.found.append(f"{tag}@{name}")
            elif name in _URL_ATTRIBUTES and _is_dangerous_url(tag, name, value):
                self.found.append(f"{tag}@{name}={value[:30]}")
            elif name == "style" and _DANGEROUS_CSS_RE.search(value):
                self.found.append(f"{tag}@style")
            elif (
                tag == "meta"
                and name == "http-equiv"
                and value.strip().lower() in ("refresh", "set-cookie")
            ):
                self.found.append(f"meta@{value}")

    handle_startendtag = handle_starttag


def _clean_style(value: str) -> str | None:
    kept = []
    for declaration in value.split(";"):
        prop, sep, val = declaration.partition(":")
        prop = prop.strip().lower()
        val = val.strip()
        if not sep or prop not in _SAFE_STYLE_PROPERTIES or not val:
            continue
        if _DANGEROUS_CSS_RE.search(val) or not _SAFE_STYLE_VALUE_RE.match(val):
            continue
        kept.append(f"{prop}:{val}")
    return ";".join(kept) or None


def _attribute_filter(tag: str, attr: str, value: str) -> str | None:
    if attr == "style":
        return _clean_style(value)
    if attr in ("href", "src") and _is_dangerous_url(tag, attr, value):
        # nh3 lets every allowed scheme through on every attribute; data: is only for images.
        return None
    return value


def sanitize_html(html: str) -> tuple[str, bool]:
    """Make an HTML body safe to show, and say whether something dangerous was removed.

    Returns ``(clean_html, changed)``.

    Sanitising is an allow-list (nh3 / ammonia), because a deny-list misses the next trick:

    * kept: formatting and structure (``b``, ``i``, ``u``, ``p``, ``div``, ``span``, ``font``,
      headings, lists, ``blockquote``, ``pre``, tables), links with http/https/mailto/tel targets
      (nh3 adds ``rel="noopener noreferrer"``), images whose ``src`` is http(s) or a
      ``data:image/png|gif|jpeg|webp|bmp`` URL (not SVG, which can carry script);
    * ``style`` attributes keep a safe subset: text formatting properties (colour, font,
      alignment, decoration) with plain values.  Positioning/layout properties and any value with
      ``url()``, ``expression()`` or escapes are dropped — they can overlay the host page or
      fetch/run something;
    * removed with their content: ``script``, ``style``, ``head``, ``title``, ``iframe``,
      ``object``, ``noscript``, ``template``, ``textarea``, ``select``, ``xml``;
    * removed, keeping their text: ``form`` and everything else not on the list; all event
      handler attributes (``onclick`` …), ``javascript:``/``vbscript:``/non-image ``data:`` URLs,
      comments (including MSO conditional comments).

    Full Outlook documents stay usable but come back as a *fragment*: ``<html>``, ``<head>``
    (with its ``<meta>`` and ``<style>``) and ``<body>`` are removed, so class-based Outlook
    styling is lost while the text, inline formatting, links and tables remain.  That is
    acceptable for showing or re-sending a body and is not reported as dangerous.

    ``changed`` is ``True`` only when the *input* contained something dangerous — a script or
    other active element (``script``, ``iframe``, ``frame``, ``object``, ``embed``, ``applet``,
    form controls), an event-handler attribute, a script or non-image ``data:`` URL, script-capable
    CSS (``expression()``, ``url()``, ``behavior``), or a ``<meta http-equiv=refresh>``.  Mere
    normalisation (dropped document wrapper, comments, ``class`` attributes, layout CSS, quoting,
    ``rel`` added to links) does not count, so callers can report ``HTML_SANITIZED`` without
    flagging every Outlook body.  Script inside comments (IE conditional comments) is inert in
    every current engine and is not reported.
    """
    if not html:
        return "", False
    scanner = _DangerScanner()
    scanner.feed(html)
    scanner.close()
    clean = nh3.clean(
        html,
        tags=_SAFE_TAGS,
        clean_content_tags=_CLEAN_CONTENT_TAGS,
        attributes=_SAFE_ATTRIBUTES,
        attribute_filter=_attribute_filter,
        url_schemes=_URL_SCHEMES,
        filter_style_properties=set(_SAFE_STYLE_PROPERTIES),
        strip_comments=True,
    )
    # Removing <head> and the document wrapper leaves their source newlines behind; whitespace
    # at the edges of a fragment is not content.
    return clean.strip(), bool(scanner.found)


# ---------------------------------------------------------------------------------------------
# Text → HTML
# ---------------------------------------------------------------------------------------------


def text_to_html(text: str) -> str:
    """Escape plain text for an HTML field and turn its line breaks into ``<br>``.

    Used when plain text must go where HTML is expected (a Graph ``body`` with
    ``contentType: html``, or a Google description that is being written as HTML): ``<``, ``>``
    and ``&`` would otherwise be read as markup, and newlines would collapse.  ``\\r\\n`` and
    ``\\r`` count as one line break.  No linkifying or paragraph detection: kept minimal so that
    ``html_to_text(text_to_html(t))`` gives back ``t`` for ordinary text.
    """
    if not text:
        return ""
    escaped = html.escape(text, quote=False)
    return _NEWLINE_RE.sub("<br>", escaped)


def keep_line_breaks(markup: str) -> str:
    """HTML found in a plain-text field, its raw line breaks made ``<br>`` so an HTML reader
    shows them as :func:`html_to_text` with ``preserve_newlines`` reads them."""
    return _NEWLINE_RE.sub("<br>", markup)


# What an HTML reader would take as the start of a tag, comment or character reference.
_MARKUP_HAZARD_RE = re.compile(r"<[A-Za-z/!?]|&(?:#\d+|#x[0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);")


def markup_hazard(text: str) -> bool:
    """Whether plain text would not show as written where HTML is read (``a<b and c>d`` becomes
    "a" and a bold "d"), although :func:`looks_like_html` rightly says it is not HTML."""
    # the pattern starts at "<" or "&": most descriptions have neither (a scan, not a search)
    return ("<" in text or "&" in text) and _MARKUP_HAZARD_RE.search(text) is not None


# ---------------------------------------------------------------------------------------------
# Join-link marker line
# ---------------------------------------------------------------------------------------------


def _join_line(url: str) -> str:
    return f"{JOIN_LINE_PREFIX}{url}"


def add_join_line(description: str | None, url: str) -> str:
    """Append ``JOIN_LINE_PREFIX + url`` to a description, after a blank line.

    Clients that ignore CONFERENCE / X-MICROSOFT-SKYPETEAMSMEETINGURL would otherwise not show
    the join link at all.  Nothing is added when the URL already appears in the description
    (Teams and Meet invitations usually contain it), because repeating it is noise.

    The result is built so that :func:`strip_join_line` can restore the input exactly:

    * ``None`` → ``"Join online meeting: <url>"``;
    * ``""`` → ``"Join online meeting: <url>\\n"`` (the trailing newline is what tells an empty
      description from a missing one; it is invisible in every client);
    * any other text ``t`` → ``t + "\\n\\n" + "Join online meeting: <url>"`` — ``t`` is kept
      verbatim, trailing whitespace included.

    Raises ``ValueError`` for an empty URL: a marker without a link is a caller bug.
    """
    if not url:
        raise ValueError("add_join_line needs a non-empty url")
    line = _join_line(url)
    if description is None:
        return line
    if description == "":
        return line + "\n"
    if url in description:
        return description
    return f"{description}\n\n{line}"


def add_join_html(document: str, url: str) -> str:
    """The HTML twin of :func:`add_join_line`: a ``<p>`` with the link before ``</body>`` (or at
    the end), unless the document already holds the URL."""
    if not url:
        raise ValueError("add_join_html needs a non-empty url")
    if url in document or html.escape(url) in document:
        return document
    href = html.escape(url, quote=True)
    para = f'<p>{html.escape(JOIN_LINE_PREFIX)}<a href="{href}">{href}</a></p>'
    end = document.lower().rfind("</body>")
    return document[:end] + para + document[end:] if end >= 0 else document + para


def strip_join_line(description: str | None, url: str | None) -> tuple[str | None, bool]:
    """Remove the join line :func:`add_join_line` appended; return ``(text, removed)``.

    Only a *trailing* ``Join online meeting: <url>`` line for *this* URL is removed, so a user's
    own text that mentions the link, or a marker for another meeting, is left alone.  With
    ``url=None`` (no conference on the event) nothing is removed.

    The exact shapes written by :func:`add_join_line` are undone exactly, so
    ``strip_join_line(add_join_line(x, u), u)[0] == x`` for ``None``, ``""`` and any text that
    does not already end with that same join line (such text is indistinguishable from our own
    output; its final line is removed — the price of a stateless marker).  After a trip through
    other software the line may come back with ``\\r\\n`` line ends or trailing whitespace; that
    is still recognised, and the separating blank line and trailing whitespace are removed with
    it (``None`` if nothing is left).
    """
    if description is None or not url:
        return description, False
    line = _join_line(url)
    if description == line:
        return None, True
    if description == line + "\n":
        return "", True
    if description.endswith("\n\n" + line):
        return description[: -len(line) - 2], True
    pattern = re.compile(
        r"(?:\A|\r?\n)[ \t]*"
        + re.escape(JOIN_LINE_PREFIX.rstrip())
        + r"[ \t]*"
        + re.escape(url)
        + r"[ \t]*(?:\r?\n[ \t]*)*\Z"
    )
    match = pattern.search(description)
    if match is None:
        return description, False
    body = description[: match.start()]
    body = re.sub(r"(?:\r?\n[ \t]*)\Z", "", body, count=1)  # the separating blank line
    return (body if body.strip() else None), True


# Half of a UTF-16 pair, alone: Python text may hold one (JSON's "\\ud800", a caller's string),
# UTF-8 cannot (RFC 3629 3), so no output could be written.
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def without_lone_surrogates(text: str) -> tuple[str, int]:
    """``text`` with each lone surrogate replaced by U+FFFD (the replacement character), and how
    many there were."""
    return LONE_SURROGATE.subn("\ufffd", text)
