"""One comparison page per province: the regions of a province side by side on the rules of
the summary card (what a resident pays and gets back), linked from each of its regions'
pages as "和本省其他地区比较".

The regions of a province are found from the model's region tree (`SiteContext.province_of`,
each region's chain of parents), never from a list: with every division of a province in
the data, the page lists them all. Only the regions with a value of their own are rows;
the others are counted and shown once per region they follow ("沿用广东省的规定的 5 个
地区"), so a province of 200 divisions stays one page.
"""

from __future__ import annotations

from collections import defaultdict

from policykit.model import display
from policykit.model.display import LEVEL_ZH
from policykit.model.entities import NATIONAL
from policykit.publish.site.compare import LOCAL, columns, compare_cell, count_text, local_first
from policykit.publish.site.context import MAX_COMPARE_ROWS, SiteContext
from policykit.publish.site.markup import (
    NO_SEARCH,
    SKIP,
    compare_page,
    esc,
    front_matter,
    page_url,
    unsearched,
)
from policykit.publish.site.summary import SUMMARY_LINES
from policykit.util.escape import md_text

# More regions with a value of their own than this for one rule: the province page links
# to the rule's comparison page instead of listing them (the page stays small at scale).
MAX_LOCAL_ROWS = 20


def province_page(code: str) -> str:
    return f"compare/province/{code}.md"


def members(ctx: SiteContext, province: str) -> list[str]:
    """The province and every region below it, in code order."""
    return sorted(c for c, p in ctx.province_of.items() if p == province)


def province_page_of(ctx: SiteContext, code: str) -> str | None:
    """The comparison page of a region's province, if it has one (a province with at
    least one region below it)."""
    prov = ctx.province_of.get(code)
    if prov is None or prov == NATIONAL or len(members(ctx, prov)) < 2:
        return None
    return province_page(prov)


def write_province_pages(ctx: SiteContext) -> list[str]:
    """Every province's comparison page; returns the provinces with one."""
    written = []
    for prov in ctx.provinces():
        codes = members(ctx, prov)
        if len(codes) < 2:
            continue
        ctx.files[province_page(prov)] = province_page_text(ctx, prov, codes)
        written.append(prov)
    return written


def province_index(ctx: SiteContext, page: str, provinces: list[str]) -> str:
    """The list of province pages for the comparison index (HTML, "" if none)."""
    if not provinces:
        return ""
    items = "".join(f'<li><a href="{page_url(page, province_page(p))}">'
                    f"{esc(ctx.name(p))}各地区比较</a></li>" for p in provinces)
    return f'<ul class="pk-compare-list">{items}</ul>'


def province_page_text(ctx: SiteContext, prov: str, codes: list[str]) -> str:
    page = province_page(prov)
    name = ctx.name(prov)
    title = f"{name}各地区比较"
    out = [front_matter(title, description=f"{name}各地区医保缴费、报销等主要规则的比较",
                        hide_nav=True),
           f"# {md_text(title)}", "",
           f'<p class="pk-note">{esc(name)}和下辖的 {len(codes) - 1} 个地区在 '
           f"<strong>{esc(ctx.day)}</strong> 适用的主要规则（与地区页开头的摘要相同）。"
           "每项规则先列出有本地数据的地区，其余地区按沿用的规定合并为一行；"
           "点击规则名称看全国各地的比较和历史。</p>", ""]
    others = []
    for label, pid in SUMMARY_LINES:
        if ctx.param(pid) is None:
            continue
        out += [f"## {md_text(label)} {NO_SEARCH}", "", unsearched(rule_table(ctx, pid, codes, page)), ""]
    shown = {pid for _, pid in SUMMARY_LINES}
    local = set(codes)
    for p in ctx.compare_params():
        if p.id not in shown and any(local_value(ctx, c, p.id) for c in local):
            others.append(f'<li><a href="{page_url(page, compare_page(p.id))}">'
                          f"{esc(ctx.rule_label(p.id, ()))}</a></li>")
    if others:
        out += [f"## 本省有本地数据的其他规则 {NO_SEARCH}", "",
                unsearched(f'<ul class="pk-compare-list">{"".join(others)}</ul>'), ""]
    return "\n".join(out) + "\n"


def local_value(ctx: SiteContext, code: str, pid: str) -> bool:
    """Whether a region has a value of its own for a rule on the as-of day."""
    return any(key[0] == pid and r.origin == code for key, r in ctx.in_force(code).items())


def rule_table(ctx: SiteContext, pid: str, codes: list[str], page: str) -> str:
    cols = columns(ctx, pid)
    ordered, stand = local_first(ctx, codes, pid, cols)
    absent = [c for c in ordered if stand[c] is None]   # no value that day
    label = esc(ctx.rule_label(pid, ()))
    if ctx.has_compare(pid):
        label = f'<a href="{page_url(page, compare_page(pid))}">{label}</a>'
    head = (f'<p class="pk-count"{SKIP}>{label}：'
            f"{count_text(ctx, {c: s for c, s in stand.items() if c not in absent}, len(absent))}。</p>")
    local = [c for c in ordered if stand[c] == LOCAL]
    if len(local) > MAX_LOCAL_ROWS:
        # A large province: the rule's own comparison page (split by province at scale)
        # has every region with its history; this page stays small.
        # the comparison pages' rows: regions with a file (compare.write_compare_pages)
        nat = sum(1 for r in ctx.ps.regions.values()
                  if r.level != "national" and not r.registry_only)
        split = nat * len(cols) > MAX_COMPARE_ROWS
        target = compare_page(pid, ctx.province_of[codes[0]] if split else None)
        return (head + f'<p><a href="{page_url(page, target)}">逐个比较这 {len(local)} 个地区'
                "的数值和历史</a></p>")
    rows = []
    for code in local:
        region = ctx.ps.regions[code]
        cells = "".join(
            f'<td data-label="{esc(display.breakdown_zh(bk, ctx.cat) or "数值")}">'
            f"{compare_cell(ctx, ctx.ps.value_at(code, pid, ctx.day, bk), code, page)}</td>"
            for bk in cols)
        rows.append(f'<tr><td data-label="地区">{ctx.region_link(page, code)}'
                    f'<span class="pk-level">{esc(LEVEL_ZH.get(region.level, ""))}</span></td>'
                    f"{cells}</tr>")
    # The others, one row per way of following: the same region's value in each column
    # (so the same values), shown as the first of them sees them ("继承自 …").
    followers: dict[tuple[str | None, ...], list[str]] = defaultdict(list)
    for code in ordered:
        if stand[code] is not None and stand[code] != LOCAL:
            key = tuple(r.origin if r is not None else None
                        for r in (ctx.ps.value_at(code, pid, ctx.day, bk) for bk in cols))
            followers[key].append(code)
    for key, group in sorted(followers.items(), key=lambda kv: (-len(kv[1]), kv[1][0])):
        origins = {o for o in key if o is not None}
        origin = origins.pop() if len(origins) == 1 else None
        whose = ("上级" if origin is None else "全国标准" if origin == NATIONAL
                 else f"{ctx.name(origin)}的规定")
        names = "、".join(ctx.region_link(page, c) for c in group)
        first = group[0]
        cells = "".join(
            f'<td data-label="{esc(display.breakdown_zh(bk, ctx.cat) or "数值")}">'
            f"{compare_cell(ctx, ctx.ps.value_at(first, pid, ctx.day, bk), first, page)}</td>"
            for bk in cols)
        rows.append(f'<tr class="pk-followers"><td data-label="地区">'
                    f'<details class="pk-missing"><summary>沿用{esc(whose)}的 {len(group)} 个地区'
                    f"</summary><p>{names}</p></details></td>{cells}</tr>")
    if not rows:
        return head
    heads = "".join(f"<th>{esc(display.breakdown_zh(bk, ctx.cat) or '数值')}</th>" for bk in cols)
    return (head + '<div class="pk-tablewrap pk-scroll" tabindex="0" role="region" '
            f'aria-label="{esc(ctx.rule_label(pid, ()))}（可左右滚动）">'
            f'<table class="pk-table pk-stack pk-province"><thead><tr><th>地区</th>{heads}'
            f'</tr></thead><tbody>{"".join(rows)}</tbody></table></div>')
