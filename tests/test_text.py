"""Tests for ics_bridge.text: HTML bodies as Graph and Google send them, sanitising, join line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from ics_bridge.hub import JOIN_LINE_PREFIX
from ics_bridge.text import (
    add_join_line,
    html_to_text,
    looks_like_html,
    sanitize_html,
    strip_join_line,
    text_to_html,
)

CORPUS = Path(__file__).parent / "corpus"

# Microsoft Graph docs, user-post-events / group-post-events responses (body.contentType html).
GRAPH_DOCS_BODY = (
    '<html>\r\n<head>\r\n<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\r\n'
    '<meta content="text/html; charset=us-ascii">\r\n</head>\r\n<body>\r\n'
    "Does late morning work for you?\r\n</body>\r\n</html>\r\n"
)
# Graph docs group-list-events: the Teams join link after three <br>.
GRAPH_TEAMS_BODY = (
    '<html>\r\n<head>\r\n<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\r\n'
    "</head>\r\n<body>\r\n<div>Meeting to plan new trainings.</div>\r\n<div><br>\r\n<br>\r\n<br>\r\n"
    '<a href="https://teams.microsoft.com/l/meetup-join/19%3a900876baa3134907b0dcb41a0d220e31'
    '%40thread.skype/1501527539926?tenantId=dcd219dd-bc68-4b9b-bf0b-4a33a796be35">'
    "Join Microsoft Teams Online Meeting</a></div>\r\n</body>\r\n</html>\r\n"
)
TEAMS_URL = (
    "https://teams.microsoft.com/l/meetup-join/19%3a900876baa3134907b0dcb41a0d220e31"
    "%40thread.skype/1501527539926?tenantId=dcd219dd-bc68-4b9b-bf0b-4a33a796be35"
)
# An Outlook (Word) body: MSO conditional comments, <style> with a CSS comment, MsoNormal
# paragraphs with &nbsp; empty lines, <o:p> tags and a downlevel-revealed list bullet.
OUTLOOK_BODY = (
    '<html xmlns:o="urn:schemas-microsoft-com:office:office">\r\n<head>\r\n'
    '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\r\n'
    '<meta name="Generator" content="Microsoft Word 15 (filtered medium)">\r\n'
    "<!--[if !mso]><style>v\\:* {behavior:url(#default#VML);}</style><![endif]-->\r\n"
    "<style>\r\n<!--\r\np.MsoNormal\r\n\t{margin:0cm;\r\n\tfont-size:11.0pt;}\r\n-->\r\n</style>\r\n"
    '<!--[if gte mso 9]><xml>\r\n<o:shapedefaults v:ext="edit" spidmax="1026" />\r\n</xml><![endif]-->\r\n'
    "</head>\r\n<body lang=\"EN-GB\" link=\"#0563C1\">\r\n<div class=\"WordSection1\">\r\n"
    '<p class="MsoNormal">Hi all,<o:p></o:p></p>\r\n'
    '<p class="MsoNormal"><o:p>&nbsp;</o:p></p>\r\n'
    '<p class="MsoNormal">Agenda for   the\r\nweek:<o:p></o:p></p>\r\n'
    '<p class="MsoListParagraph"><![if !supportLists]><span>1.<span>&nbsp;&nbsp; </span></span>'
    "<![endif]>Budget<o:p></o:p></p>\r\n"
    '<p class="MsoNormal"><o:p>&nbsp;</o:p></p>\r\n<p class="MsoNormal"><o:p>&nbsp;</o:p></p>\r\n'
    '<p class="MsoNormal">Thanks<o:p></o:p></p>\r\n</div>\r\n</body>\r\n</html>\r\n'
)
GOOGLE_DESCRIPTION = "Meeting notes<br><b>Agenda</b><ul><li>One</li><li>Two</li></ul>"
HOSTILE = '<p onclick="x()">Hi</p><script>alert(1)</script><a href="javascript:alert(1)">x</a>'


# --- html_to_text -------------------------------------------------------------------------------


def test_graph_docs_body():
    assert html_to_text(GRAPH_DOCS_BODY) == "Does late morning work for you?"


def test_brief_example_paragraphs_single_newline():
    body = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
        "<style>p{color:red}</style></head><body><p>A&amp;B</p><p>Line two<br>Line three</p>"
        "</body></html>"
    )
    assert html_to_text(body) == "A&B\nLine two\nLine three"


def test_teams_body_keeps_link_and_collapses_blank_lines():
    assert html_to_text(GRAPH_TEAMS_BODY) == (
        f"Meeting to plan new trainings.\n\nJoin Microsoft Teams Online Meeting ({TEAMS_URL})"
    )


def test_outlook_document_with_mso_conditional_comments():
    text = html_to_text(OUTLOOK_BODY)
    assert text == "Hi all,\n\nAgenda for the week:\n1. Budget\n\nThanks"
    for junk in ("behavior", "MsoNormal", "shapedefaults", "margin", "[if"):
        assert junk not in text


def test_google_description_with_list():
    assert html_to_text(GOOGLE_DESCRIPTION) == "Meeting notes\nAgenda\n- One\n- Two"


def test_ordered_and_nested_lists():
    html = '<ol start="3"><li>Three<ul><li>sub</li></ul></li><li>Four</li></ol>'
    assert html_to_text(html) == "3. Three\n  - sub\n4. Four"
    # Paragraphs inside items keep the bullet; an empty item does not lend it to later text.
    assert html_to_text("<ul><li><p>a</p></li><li></li></ul>after") == "- a\nafter"


def test_links():
    assert html_to_text('<a href="https://x.org/">https://x.org</a>') == "https://x.org"
    assert html_to_text('<a href="mailto:a@b.com">a@b.com</a>') == "a@b.com"
    assert html_to_text('<a href="https://x.org">site</a>') == "site (https://x.org)"
    assert html_to_text('<a href="https://x.org"></a>') == "https://x.org"
    redirect = "https://www.google.com/url?q=https://example.com/a&sa=D&source=calendar"
    assert html_to_text(f'<a href="{redirect}">https://example.com/a</a>') == "https://example.com/a"
    # Relative and cid: targets mean nothing in plain text.
    assert html_to_text('<a href="#top">Top</a> <a href="cid:image001.png">pic</a>') == "Top pic"


def test_real_graph_corpus_bodies_have_no_markup():
    for path in sorted((CORPUS / "graph").glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            continue
        stack = [data]
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                body = node.get("body")
                if isinstance(body, dict) and str(body.get("contentType", "")).lower() == "html":
                    text = html_to_text(body.get("content") or "")
                    assert "<" not in text or "<https" in text, path.name
                    assert "&nbsp;" not in text and "&amp;" not in text, path.name
                    assert "\n\n\n" not in text and text == text.strip(), path.name
                stack.extend(node.values())
            elif isinstance(node, list):
                stack.extend(node)


def test_entities_non_ascii_and_emoji():
    html = "<p>Caf&eacute; &#8211; Z&uuml;rich&nbsp;&nbsp;📅 <b>日本語</b> &#x1F389;</p>"
    assert html_to_text(html) == "Café – Zürich 📅 日本語 🎉"


def test_whitespace_rules():
    assert html_to_text("<div>  a \r\n  b  </div>\r\n<div>\r\n</div><div>c   </div>") == "a b\nc"
    assert html_to_text("<p>x</p><br><br><br><br><p>y</p>") == "x\n\ny"
    assert html_to_text("<p>x<br></p><p>y</p>") == "x\ny"  # trailing <br> adds nothing
    assert html_to_text("<pre>\n  code\n    more  </pre>") == "code\n    more"


def test_script_style_title_dropped():
    html = "<title>T</title><style>b{}</style><script>var a = '<p>';</script><p>ok</p>"
    assert html_to_text(html) == "ok"


def test_hostile_text_has_no_script():
    text = html_to_text(HOSTILE)
    assert "alert" not in text and "javascript" not in text
    assert text == "Hi\nx"


def test_table_cells():
    html = "<table><tr><th>Room</th><th>Time</th></tr><tr><td>A</td><td>10:00</td></tr></table>"
    assert html_to_text(html) == "Room | Time\nA | 10:00"


def test_preserve_newlines_for_google_mixed_text():
    desc = "Notes\nline 2\n<b>Agenda</b>"
    assert html_to_text(desc, preserve_newlines=True) == "Notes\nline 2\nAgenda"
    assert html_to_text(desc) == "Notes line 2 Agenda"


def test_empty():
    assert html_to_text("") == ""
    assert html_to_text("<html><head></head><body></body></html>") == ""
    assert html_to_text('<div class="WordSection1">\r\n<p class="MsoNormal">&nbsp;</p>\r\n</div>') == ""


# --- looks_like_html ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        GOOGLE_DESCRIPTION,
        "<b>Bold</b>",  # gdata-provider html_descr
        "line<br>line",
        "line<br/>line",
        "line<BR />line",
        '<a href="https://x.org">x</a>',
        "<p>para</p>",
        "<i>x</i> and <u>y</u>",
        "<ul><li>x</li></ul>",
        "<ol><li>x</li></ol>",
        '<span style="color:red">x</span>',
        "<div>x</div>",
        GRAPH_DOCS_BODY,
        "Tom &amp; Jerry",
        "x&nbsp;y",
        "&#233;t&#xE9;",
    ],
)
def test_looks_like_html_true(text):
    assert looks_like_html(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "a < b > c",
        "if a<b and b>c then",
        "Mail <email@x.com> please",
        "Join Microsoft Teams Online Meeting<https://teams.microsoft.com/l/meetup-join/19>",
        "R&D meeting; Q&A",
        "AT&T; bring <notes>",
        "x <= y, 1<2",
        "Plain Text",
        "Dana, this is the time you selected for our orientation.\r\n",
        "<3 emoji 😀",
    ],
)
def test_looks_like_html_false(text):
    assert not looks_like_html(text)


# --- sanitize_html ------------------------------------------------------------------------------


def test_sanitize_hostile():
    clean, changed = sanitize_html(HOSTILE)
    assert changed
    lowered = clean.lower()
    for bad in ("onclick", "<script", "alert", "javascript"):
        assert bad not in lowered
    assert "<p>Hi</p>" in clean
    assert "alert" not in html_to_text(clean)


@pytest.mark.parametrize(
    "html",
    [
        '<iframe src="https://evil.example">x</iframe>',
        '<object data="x.swf"></object>',
        '<embed src="x.swf">',
        '<form action="https://evil.example"><input name="pw"></form>',
        '<img src="x" onerror="alert(1)">',
        '<a href=" jav&#x61;\tscript:alert(1)">x</a>',
        '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
        '<img src="data:image/svg+xml;base64,PHN2Zz4=">',
        '<p style="width: expression(alert(1))">x</p>',
        '<div style="background:url(javascript:alert(1))">x</div>',
        '<meta http-equiv="refresh" content="0;url=https://evil.example">',
        '<svg onload="alert(1)"></svg>',
    ],
)
def test_sanitize_reports_dangerous(html):
    clean, changed = sanitize_html(html)
    assert changed
    lowered = clean.lower()
    for bad in ("<iframe", "<object", "<embed", "<form", "<input", "onerror", "onload",
                "javascript", "expression", "url(", "data:text", "svg", "refresh"):
        assert bad not in lowered


def test_sanitize_outlook_document_is_not_dangerous():
    for body in (GRAPH_DOCS_BODY, GRAPH_TEAMS_BODY, OUTLOOK_BODY):
        clean, changed = sanitize_html(body)
        assert not changed
        assert "<head" not in clean and "<style" not in clean and "<html" not in clean
        assert html_to_text(clean) == html_to_text(body)
    clean, _ = sanitize_html(GRAPH_TEAMS_BODY)
    assert f'href="{TEAMS_URL}"' in clean


def test_sanitize_keeps_formatting_links_tables_images():
    html = (
        '<p><b>B</b> <i>I</i> <u>U</u> <a href="https://x.org">web</a> <a href="mailto:a@b.c">m</a> '
        '<a href="tel:+15551234">t</a></p><table><tr><td colspan="2">c</td></tr></table>'
        '<img src="https://x.org/a.png" alt="a"><img src="data:image/png;base64,iVBORw0KGgo=">'
        '<span style="color: red; position: fixed; font-weight: bold">s</span>'
    )
    clean, changed = sanitize_html(html)
    assert not changed
    for kept in ("<b>B</b>", "<i>I</i>", "<u>U</u>", 'href="https://x.org"', 'href="mailto:a@b.c"',
                 'href="tel:+15551234"', 'colspan="2"', 'src="https://x.org/a.png"',
                 'src="data:image/png;base64,iVBORw0KGgo="', "color:red", "font-weight:bold"):
        assert kept in clean
    assert "position" not in clean


def test_sanitize_empty():
    assert sanitize_html("") == ("", False)


# --- text_to_html -------------------------------------------------------------------------------


def test_text_to_html():
    assert text_to_html("a < b & c\r\nnext\nlast") == "a &lt; b &amp; c<br>next<br>last"
    assert text_to_html("") == ""
    assert html_to_text(text_to_html("Café <x@y.z>\nline 2")) == "Café <x@y.z>\nline 2"


# --- join line ----------------------------------------------------------------------------------

URL = "https://meet.google.com/abc-defg-hij"


def test_add_join_line_shapes():
    assert add_join_line(None, URL) == f"{JOIN_LINE_PREFIX}{URL}"
    assert add_join_line("Notes", URL) == f"Notes\n\n{JOIN_LINE_PREFIX}{URL}"
    already = f"Join with Google Meet: {URL}"
    assert add_join_line(already, URL) == already
    with pytest.raises(ValueError):
        add_join_line("x", "")


def test_strip_join_line_shapes():
    assert strip_join_line(None, URL) == (None, False)
    assert strip_join_line("Notes", URL) == ("Notes", False)
    assert strip_join_line(f"Notes\n\n{JOIN_LINE_PREFIX}{URL}", None) == (
        f"Notes\n\n{JOIN_LINE_PREFIX}{URL}",
        False,
    )
    # A marker for another meeting, or the link in the middle of the text, stays.
    other = f"Notes\n\n{JOIN_LINE_PREFIX}https://other.example/x"
    assert strip_join_line(other, URL) == (other, False)
    middle = f"{JOIN_LINE_PREFIX}{URL}\nmore"
    assert strip_join_line(middle, URL) == (middle, False)
    # After a trip through CRLF software with trailing whitespace.
    assert strip_join_line(f"Notes\r\n\r\n{JOIN_LINE_PREFIX}{URL} \r\n", URL) == ("Notes", True)


@pytest.mark.parametrize("original", [None, "", "Notes", "Notes\n", "  ", "\n\n", "😀 Zürich\r\n"])
def test_join_line_round_trip_examples(original):
    added = add_join_line(original, URL)
    assert URL in added
    assert strip_join_line(added, URL) == (original, True)


_urls = st.one_of(
    st.from_regex(r"\Ahttps://[a-z0-9.-]{1,20}\.[a-z]{2,5}/[A-Za-z0-9/%?=&._~-]{0,40}\Z"),
    st.text(min_size=1).filter(lambda u: u.strip() == u and "\n" not in u and "\r" not in u),
)


@given(original=st.one_of(st.none(), st.text()), url=_urls)
def test_join_line_round_trip_property(original, url):
    # Text that already ends with this exact marker is indistinguishable from our own output.
    assume(not strip_join_line(original, url)[1])
    added = add_join_line(original, url)
    stripped, removed = strip_join_line(added, url)
    assert stripped == original
    assert removed == (original is None or url not in original)
