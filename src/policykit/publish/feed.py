"""A small, deterministic Atom 1.0 writer (RFC 4287) on xml.etree.

Everything is escaped by ElementTree; no build time goes in: `updated` is a date of the
data (the newest entry), so the same data gives byte-identical feeds.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass

ATOM_NS = "http://www.w3.org/2005/Atom"


@dataclass(frozen=True, slots=True)
class FeedEntry:
    id: str
    title: str
    updated: str          # YYYY-MM-DD
    link: str             # absolute URL
    summary: str
    category: str | None = None


def _stamp(day: str) -> str:
    return f"{day}T00:00:00Z"


def atom_feed(*, feed_id: str, title: str, subtitle: str, self_url: str, site_url: str,
              author: str, entries: Sequence[FeedEntry], updated: str) -> bytes:
    """The feed as UTF-8 XML bytes. `updated` is used when there are no entries."""
    ET.register_namespace("", ATOM_NS)

    def sub(parent: ET.Element, tag: str, text: str | None = None,
            **attrs: str) -> ET.Element:
        el = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
        if text is not None:
            el.text = text
        return el

    feed = ET.Element(f"{{{ATOM_NS}}}feed",
                      {"{http://www.w3.org/XML/1998/namespace}lang": "zh-CN"})
    sub(feed, "id", feed_id)
    sub(feed, "title", title)
    sub(feed, "subtitle", subtitle)
    sub(feed, "updated", _stamp(max((e.updated for e in entries), default=updated)))
    sub(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    sub(feed, "link", rel="alternate", type="text/html", href=site_url)
    sub(sub(feed, "author"), "name", author)
    for e in entries:
        el = sub(feed, "entry")
        sub(el, "id", e.id)
        sub(el, "title", e.title)
        sub(el, "updated", _stamp(e.updated))
        sub(el, "link", rel="alternate", type="text/html", href=e.link)
        if e.category:
            sub(el, "category", term=e.category)
        sub(el, "summary", e.summary, type="text")
    ET.indent(feed)
    data: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return data + b"\n"
