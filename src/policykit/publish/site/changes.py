"""The changes timeline (the newest changes, then archive pages by year) and the Atom
feed of the same changes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from urllib.parse import quote

from policykit.model import display
from policykit.model.changes import RuleChange
from policykit.publish.feed import FeedEntry, atom_feed
from policykit.publish.site.context import SITE_NAME, SiteContext
from policykit.publish.site.markup import (
    esc,
    file_url,
    front_matter,
    page_url,
    region_page,
    rule_anchor,
)
from policykit.util.escape import md_text

# Change-list pages hold at most this many events (the newest on the index page).
CHANGES_PER_PAGE = 300
# At most this many archive pages of older changes (30,000 changes); the rest are in
# api/v1/changes.json and in each region's history (3,000 regions have 460,000 changes:
# 1,500 pages nobody pages through, a quarter of the build).
MAX_CHANGE_PAGES = 100
FEED_SIZE = 50


def change_html(ctx: SiteContext, c: RuleChange, page: str) -> str:
    e = c.entry
    label = esc(ctx.rule_label(e.parameter, e.breakdown_items))
    anchor = rule_anchor(e.parameter, e.breakdown_items)
    value = ctx.value_html(e, page)
    if c.previous is not None:
        was = esc(ctx.value_text(c.previous.entry))
        if c.previous.origin != c.region:
            was += f"，继承自 {ctx.region_link(page, c.previous.origin)}"
        value += f'<span class="pk-reason">（原为 {was}）</span>'
    value += " " + ctx.badge(e.status)
    return (f'<li class="pk-change"><time datetime="{esc(c.date)}">{esc(e.start or c.date)}</time> '
            f"{ctx.region_link(page, c.region)} · "
            f'<a href="{page_url(page, region_page(c.region), "h-" + anchor)}">{label}</a>：{value}</li>')


def write_changes_pages(ctx: SiteContext) -> None:
    changes = list(ctx.inp.changes)
    head = changes[:CHANGES_PER_PAGE]
    rest = changes[CHANGES_PER_PAGE:]
    archive: dict[str, list[RuleChange]] = defaultdict(list)
    for c in rest:
        archive[c.date[:4]].append(c)
    pages: list[tuple[str, str, list[RuleChange]]] = []
    for year in sorted(archive, reverse=True):
        chunk = archive[year]
        for i in range(0, len(chunk), CHANGES_PER_PAGE):
            n = i // CHANGES_PER_PAGE
            pages.append((f"changes/{year}{'' if n == 0 else f'-{n + 1}'}.md",
                          f"{year} 年的变更" + (f"（{n + 1}）" if n else ""),
                          chunk[i:i + CHANGES_PER_PAGE]))
    left_out = sum(len(items) for _, _, items in pages[MAX_CHANGE_PAGES:])
    pages = pages[:MAX_CHANGE_PAGES]
    page = "changes/index.md"
    out = [front_matter("规则变更时间线", search_exclude=True), "# 规则变更时间线", "",
           "<p>按开始日期从新到旧列出规则的变化，包括已公布但尚未生效的计划和草案（见状态标记）。"
           f'<a href="{file_url(page, "feed.xml")}">Atom 订阅</a> · '
           f'<a href="{file_url(page, "api/v1/changes.json")}">JSON</a></p>',
           '<p class="pk-legend-text">只有写明开始日期的规定才算“变化”；来源只说明某日有效、'
           "开始日期不详的数值不在此列，见各地区页面。</p>", ""]
    out.append(change_list(ctx, head, page))
    if pages:
        links = "".join(f'<li><a href="{page_url(page, p)}">{esc(t)}</a></li>' for p, t, _ in pages)
        out += ["", "## 更早的变更", "", f"<ul>{links}</ul>"]
    if left_out:
        out += ["", f'<p class="pk-legend-text">另有更早的 {left_out} 条变更未列在网页上，见 '
                f'<a href="{file_url(page, "api/v1/changes.json")}">changes.json</a> '
                "和各地区页面的历史记录。</p>"]
    ctx.files[page] = "\n".join(out) + "\n"
    for path, title, items in pages:
        body = [front_matter(title, search_exclude=True), f"# {md_text(title)}", "",
                f'<p><a href="{page_url(path, page)}">← 最新变更</a></p>', "",
                change_list(ctx, items, path)]
        ctx.files[path] = "\n".join(body) + "\n"


def change_list(ctx: SiteContext, changes: Sequence[RuleChange], page: str) -> str:
    if not changes:
        return '<p class="pk-empty">暂无变更记录。</p>'
    return f'<ul class="pk-changes">{"".join(change_html(ctx, c, page) for c in changes)}</ul>'


def feed_text(ctx: SiteContext) -> str:
    base = ctx.inp.site_url
    entries = []
    for c in [c for c in ctx.inp.changes if c.date <= ctx.day][:FEED_SIZE]:
        e = c.entry
        p = ctx.param(e.parameter)
        label = ctx.rule_label(e.parameter, e.breakdown_items)
        status = display.STATUS_ZH.get(e.status, e.status)
        title = f"{ctx.name(c.region)} · {label}：{ctx.value_text(e)}（自 {e.start} 起，{status}）"
        was = f"原为 {ctx.value_text(c.previous.entry)}。" if c.previous is not None else ""
        summary = f"{title}。{was}出处：{ctx.source_title(e)}「{e.quote}」"
        link = base + page_url("index.md", region_page(c.region),
                               "h-" + rule_anchor(e.parameter, e.breakdown_items))
        bk = ",".join(f"{k}={v}" for k, v in c.breakdown)
        key = f"{c.region}/{c.parameter}/{bk}/{c.date}/{e.status}"
        entries.append(FeedEntry(
            id="urn:policykit:change:" + quote(key, safe="/=,._-"), title=title,
            updated=c.date, link=link, summary=summary,
            category=ctx.cat.area_label(p.area if p else "other").zh))
    data = atom_feed(feed_id=base + "feed.xml", title=f"{SITE_NAME}：规则变更",
                     subtitle="各地医保规则的变化，每条都有出处", self_url=base + "feed.xml",
                     site_url=base + "changes/", author="policykit", entries=entries,
                     updated=ctx.day)
    return data.decode("utf-8")
