"""Text from the data made inert where it lands in Markdown: one escaper for every renderer.

Two renderers read what `md_text` writes: Python-Markdown (mkdocs: the site's headings)
and CommonMark/GFM (the diff's pull-request summary, tables included). They disagree on
backslashes: CommonMark takes one before any ASCII punctuation, Python-Markdown only
before its own list (`markdown.Markdown.ESCAPED_CHARS`, plus `|` from the tables
extension) and prints the backslash before anything else (`\\~` shows as `\\~`). So:

* backslash, backtick and `* _ { } [ ] # ! |` always get a backslash (in both lists;
  `{}` would be attr_list's attributes at the end of a heading, `#` its closing sequence);
* `& < >` and `~` become character references, which both read as the character
  (`<` would open raw HTML or an autolink; `~~` is GFM strikethrough);
* `@` is followed by an empty HTML comment: GitHub finds @mentions in the rendered
  text, where neither a backslash nor `&#64;` survives (github/markup#1168);
* `-`, `+` and `1.` / `1)` are active only where a line starts (a list item), and the
  text starts a line at most at its beginning: line breaks become `<br>`, so it stays on
  one Markdown line and cannot start a list, a quote or a setext underline elsewhere;
* `(` `)` need nothing more: they make a link only after a `]`, which is escaped.
"""

from __future__ import annotations

import re

_BACKSLASHED = "\\`*_{}[]#!|"
_REPLACE = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "~": "&#126;", "@": "@<!-- -->",
            **{c: "\\" + c for c in _BACKSLASHED}}
_ACTIVE = re.compile("[" + re.escape("".join(_REPLACE)) + "]")
_NEWLINE = re.compile(r"\r\n?|\n")
# A list marker where the text starts a line: "- ", "+ ", "1. ", "1) " (also with no space
# after it: an escape there costs nothing and the rules differ between renderers).
_LEADING = re.compile(r"^([ \t]*)([-+]|\d+[.)])")


def md_text(text: str) -> str:
    """Plain text for a Markdown heading, paragraph or table cell: it renders as
    exactly this text, with no markup, link, HTML or mention in it."""
    out = _ACTIVE.sub(lambda m: _REPLACE[m.group()], text)
    out = _LEADING.sub(lambda m: m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1], out)
    return _NEWLINE.sub("<br>", out)
