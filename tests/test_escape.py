"""`policykit.util.escape.md_text`: text from the data renders as exactly that text, with no
markup, in both renderers that read it: Python-Markdown with the site's extensions (mkdocs)
and CommonMark with GFM tables and strikethrough (the diff's pull-request summary)."""

from __future__ import annotations

import html
import re
from typing import Any

import markdown
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from policykit.util.escape import md_text

# The Markdown-active characters and list starts, and a mention.
PAYLOAD = "*_[]()<>|#`\\ {x} ![i](u) ~~s~~ @team &amp;"
LEADING = ["- item", "+ item", "1. item", "12) item", "-", "  - item"]
SITE_EXTENSIONS = ["attr_list", "md_in_html", "tables", "admonition", "pymdownx.details", "toc"]
ACTIVE = "\\`*_{}[]()#+-.!|<>&~@:=\"' \n"


def test_payload_is_escaped_exactly() -> None:
    assert md_text(PAYLOAD) == (
        "\\*\\_\\[\\]()&lt;&gt;\\|\\#\\`\\\\ \\{x\\} \\!\\[i\\](u) &#126;&#126;s&#126;&#126; "
        "@<!-- -->team &amp;amp;")
    assert [md_text(t) for t in LEADING] == [
        "\\- item", "\\+ item", "1\\. item", "12\\) item", "\\-", "  \\- item"]
    # Inside the text nothing is a list start, so '-', '+' and '.' stay as they are.
    assert md_text("2024-01-01 起 1.5 倍 a+b") == "2024-01-01 起 1.5 倍 a+b"
    assert md_text("a\r\nb\rc\nd") == "a<br>b<br>c<br>d"


def _plain(rendered: str, tag: str) -> str:
    """The text of `rendered`, one `tag` element, failing if any other markup is in it
    (line breaks and the mention guard excepted)."""
    m = re.fullmatch(rf"<{tag}[^>]*>(.*)</{tag}>", rendered.strip(), re.S)
    assert m, rendered
    inner = m.group(1).strip()
    inner = re.sub(r"<br ?/?>", "\n", inner.replace("<!-- -->", ""))
    assert "<" not in inner, rendered
    return html.unescape(inner)


def _python_markdown() -> Any:
    return markdown.Markdown(extensions=SITE_EXTENSIONS)


def _commonmark() -> Any:
    import markdown_it  # a test dependency (pyproject [test]): never skipped
    return markdown_it.MarkdownIt("commonmark").enable(["table", "strikethrough"])


def _cases() -> list[str]:
    return [PAYLOAD, *LEADING, "a\nb", "<script>alert(1)</script> | x"]


@pytest.mark.parametrize("text", _cases())
def test_site_renders_it_as_plain_text(text: str) -> None:
    md = _python_markdown()
    assert _plain(md.reset().convert(md_text(text)), "p") == text.strip()
    heading = md.reset().convert(f'## {md_text(text)} {{ data-search-exclude="true" }}')
    assert _plain(heading, "h2") == text.strip()
    table = md.reset().convert(f"| h |\n| --- |\n| {md_text(text)} |")
    cell = re.search(r"<td>(.*)</td>", table, re.S)
    assert cell is not None and _plain(f"<td>{cell.group(1)}</td>", "td") == text.strip()


@pytest.mark.parametrize("text", _cases())
def test_pull_request_summary_renders_it_as_plain_text(text: str) -> None:
    md = _commonmark()
    assert _plain(md.render(md_text(text)), "p") == text.strip()
    table = md.render(f"| h |\n| --- |\n| {md_text(text)} |")
    cell = re.search(r"<td>(.*)</td>", table, re.S)
    assert cell is not None and _plain(f"<td>{cell.group(1)}</td>", "td") == text.strip()


def _lines_text(text: str) -> str:
    text = text.replace("\r", "")
    # Renderers drop whitespace around a paragraph and around its line breaks.
    assume(all(line == line.strip() and line for line in text.split("\n")))
    return text


@given(st.text(alphabet=ACTIVE + "ab1", min_size=1, max_size=20))
def test_any_active_text_stays_text_on_the_site(text: str) -> None:
    text = _lines_text(text)
    assert _plain(_python_markdown().convert(md_text(text)), "p") == text


@given(st.text(alphabet=ACTIVE + "ab1", min_size=1, max_size=20))
def test_any_active_text_stays_text_in_a_pull_request(text: str) -> None:
    text = _lines_text(text)
    assert _plain(_commonmark().render(md_text(text)), "p") == text
