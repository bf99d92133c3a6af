"""Text-level pieces every page family writes with: HTML and JSON escaping, front matter,
relative URLs under directory URLs, page paths and anchors, search exclusion, and the
markers of hand-written pages.

Every string from the YAML is escaped where it lands: `esc` (HTML) inside HTML,
`md_text` (`policykit.util.escape`) in Markdown headings, and `script_json` inside
<script>. Links inside HTML blocks are written as final directory URLs (`page_url`),
because mkdocs does not rewrite links in raw HTML; a test checks every built link resolves.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from policykit.model.entities import Breakdown, Disease

# Sections left out of the search index. The index must stay small at 3,000 regions
# (< 5 MB), so region pages are found by name (title, breadcrumbs, note) and rules by
# their label (comparison page titles); rule tables, quotes and history are not indexed.
# A heading with NO_SEARCH drops its whole section. SKIP drops one element, but Material's
# parser ends the exclusion at the first closing tag of the same name (it compares
# elements by tag), so SKIP goes only on elements with no same-tag descendants (a <p>,
# a <form>, or the <section> of `unsearched`).
NO_SEARCH = '{ data-search-exclude="true" }'
SKIP = ' data-search-exclude="true"'


def unsearched(html_block: str) -> str:
    """An HTML block (tables with nested <div>s) left out of the search index."""
    return f"<section{SKIP}>{html_block}</section>"


# ----------------------------------------------------------------------------- escaping
@lru_cache(maxsize=1 << 16)
def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def esc(text: object) -> str:
    # Names, labels and values repeat across thousands of pages: escaping is cached.
    return _esc(str(text))


def script_json(data: Any) -> str:
    """JSON safe inside <script type="application/json">."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def front_matter(title: str, *, description: str | None = None,
                 search_exclude: bool = False, hide_nav: bool = False) -> str:
    # Material puts meta.title into the page unescaped, so it is escaped here; JSON
    # strings are valid YAML scalars.
    lines = ["---", f"title: {json.dumps(esc(title), ensure_ascii=False)}"]
    if description:
        lines.append(f"description: {json.dumps(esc(description), ensure_ascii=False)}")
    if search_exclude:
        lines += ["search:", "  exclude: true"]
    if hide_nav:
        lines += ["hide:", "  - navigation"]
    return "\n".join(lines) + "\n---\n\n"


# ----------------------------------------------------------------------------- relative URLs
@lru_cache(maxsize=1 << 14)
def _folder(page: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A docs page's folder under directory URLs (a/b.md → a/b/, a/index.md → a/): its
    parts, and each part URL-quoted with its slash. Pages recur on thousands of pages."""
    parts = page[:-3].split("/")
    if parts[-1] == "index":
        parts = parts[:-1]
    return tuple(parts), tuple(quote(p) + "/" for p in parts)


def page_url(from_page: str, to_page: str, anchor: str = "") -> str:
    """Relative URL between two docs pages under directory URLs (a/b.md → a/b/)."""
    here, _ = _folder(from_page)
    there, quoted = _folder(to_page)
    i = 0
    while i < min(len(here), len(there)) and here[i] == there[i]:
        i += 1
    rel = "../" * (len(here) - i) + "".join(quoted[i:])
    return (rel or "./") + (f"#{anchor}" if anchor else "")


def file_url(from_page: str, path: str) -> str:
    """Relative URL from a docs page to a static file (e.g. feed.xml)."""
    depth = len(from_page[:-3].split("/")) - (1 if from_page.endswith("index.md") else 0)
    return "../" * depth + quote(path)


# ----------------------------------------------------------------------------- paths
def region_page(code: str) -> str:
    return f"regions/{code}.md"


def compare_page(pid: str, province: str | None = None) -> str:
    return f"compare/{pid}.md" if province is None else f"compare/{pid}/{province}.md"


def disease_key(d: Disease) -> str:
    if d.nhsa_code:
        return d.nhsa_code.lower()
    name = d.normalized or d.name
    return "x-" + "".join(f"{ord(c):x}" for c in name)[:40]


def disease_page(key: str) -> str:
    return f"diseases/{key}.md"


def rule_anchor(pid: str, bk: Breakdown) -> str:
    return "r-" + pid + "".join(f"--{v}" for _, v in bk)




# ----------------------------------------------------------------------------- hand-written pages
_MARKER = re.compile(r"<!--\s*policykit:([a-z-]+)\s*-->")


def fill(text: str, parts: Mapping[str, str]) -> str:
    """Replace `<!-- policykit:NAME -->` markers in a hand-written page."""
    return _MARKER.sub(lambda m: parts.get(m.group(1), m.group(0)), text)
