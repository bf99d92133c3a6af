"""Region pages (one per region: its rules in force, pending rules, history, what is not
recorded) and the index of all regions."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from policykit.model import display
from policykit.model.display import LEVEL_ZH
from policykit.model.entities import NATIONAL, Breakdown, Entry, Region
from policykit.model.timeline import Resolved
from policykit.publish.site.context import SiteContext
from policykit.publish.site.contribute import contribute_html, pinyin_text
from policykit.publish.site.markup import (
    NO_SEARCH,
    SKIP,
    compare_page,
    esc,
    file_url,
    front_matter,
    page_url,
    region_page,
    rule_anchor,
    unsearched,
)
from policykit.publish.site.province import province_page_of
from policykit.publish.site.summary import summary_card
from policykit.util.escape import md_text

STALE_DAYS = 730


def write_region_pages(ctx: SiteContext) -> None:
    for code in sorted(ctx.ps.regions):
        ctx.files[region_page(code)] = region_page_text(ctx, code)


def write_regions_index(ctx: SiteContext, provinces: list[str]) -> None:
    """Every region by province: each prefecture-level region with its counties folded
    (a <details>), so that 3,000 regions stay one short page to scan. Regions with rules
    of their own are marked; the lists are left out of the search index (each region's
    own page is what search finds)."""
    page = "regions/index.md"
    out = [front_matter("全部地区"), "# 全部地区", ""]
    if NATIONAL in ctx.ps.regions:
        out += [f"<p>全国性标准与底线：{ctx.region_link(page, NATIONAL)}</p>", ""]
    registry_only = sum(1 for r in ctx.ps.regions.values() if r.registry_only)
    # Marked only where some regions have none (a folder with a registry).
    own = {code for code, _, _ in ctx.ps.rules} if registry_only else set()
    if registry_only:
        out += [f'<p class="pk-legend-text">共 {len(ctx.ps.regions) - 1} 个地区，其中 '
                f"{len(own - {NATIONAL})} 个有本站收录的本地规则（标“有本地规则”）；其余地区"
                "适用上级（省、统筹区或全国）的规定，页面上注明“本地规则尚未收录”。"
                "点开地级地区可查看下辖的县级地区。</p>", ""]
    grouped = ctx.grouped()
    for prov in provinces:
        regs = [r for r in grouped.get(prov, []) if r.parent == prov]
        counties = sum(1 for r in grouped.get(prov, []) if r.level == "county")
        local = sum(1 for r in grouped.get(prov, []) if r.code in own)
        counted = f"{len(regs)} 个直属地区" + (f"、{counties} 个县级地区" if counties else "")
        out += [f"## {md_text(ctx.name(prov))}", "",
                f"<p>{ctx.region_link(page, prov)}（省级规定{_own_mark(prov, own)}）"
                f" · {counted}" + (f"，{local} 个有本地规则" if local else "") + "</p>",
                unsearched(folded_list(ctx, regs, page, own)) if regs else "", ""]
    orphans = grouped.get(None, [])
    if orphans:
        out += ["## 其他地区", "", unsearched(folded_list(ctx, orphans, page, own)), ""]
    ctx.files[page] = "\n".join(out) + "\n"


def _own_mark(code: str, own: set[str]) -> str:
    return '<span class="pk-badge pk-own">有本地规则</span>' if code in own else ""


def folded_list(ctx: SiteContext, regions: Iterable[Region], page: str, own: set[str]) -> str:
    """Regions as a list, each one's children folded under it."""
    items = []
    for c in regions:
        sub = ctx.children(c.code)
        tail = ""
        if sub:
            links = "、".join(ctx.region_link(page, s.code) + _own_mark(s.code, own) for s in sub)
            local = sum(1 for s in sub if s.code in own)
            tail = (f"<details><summary>下辖 {len(sub)} 个地区"
                    + (f"（{local} 个有本地规则）" if local else "")
                    + f"</summary><p>{links}</p></details>")
        items.append(f"<li>{ctx.region_link(page, c.code)}{_own_mark(c.code, own)}{tail}</li>")
    return f'<ul class="pk-regions pk-prov-regions">{"".join(items)}</ul>'


def breadcrumbs(ctx: SiteContext, code: str, page: str) -> str:
    chain = []
    seen: set[str] = set()
    cur = ctx.ps.regions[code].parent
    while cur is not None and cur in ctx.ps.regions and cur not in seen:
        seen.add(cur)
        chain.append(cur)
        cur = ctx.ps.regions[cur].parent
    links = [ctx.region_link(page, c) for c in reversed(chain) if c != NATIONAL]
    return " › ".join([*links, esc(ctx.name(code))])


def region_page_text(ctx: SiteContext, code: str) -> str:
    ps, page = ctx.ps, region_page(code)
    r = ps.regions[code]
    out = [front_matter(r.name.zh, description=f"{r.name.zh}医保缴费、报销、门诊慢特病和医疗救助规则",
                        hide_nav=True),
           f"# {md_text(r.name.zh)}", ""]
    meta = [breadcrumbs(ctx, code, page) if r.level != "national" else "全国性标准",
            f"{LEVEL_ZH.get(r.level, r.level)}（行政区划代码 {esc(code)}）"]
    pinyin = pinyin_text(ctx, code)
    if pinyin and r.level != "national":
        meta.append(pinyin)
    if r.pooling_region and r.pooling_region != code:
        meta.append(f"统筹区：{ctx.region_link(page, r.pooling_region)}")
    if r.valid_from or r.valid_to:
        meta.append(f"代码有效期 {esc(r.valid_from or '…')} 至 {esc(r.valid_to or '今')}")
    if not r.registry_only:
        checked = f"最后核对于 {esc(r.checked_on)}" if r.checked_on else "未记录核对日期"
        if r.checked_on and _days_between(r.checked_on, ctx.day) > STALE_DAYS:
            checked += '<span class="pk-badge pk-stale">超过两年未核对</span>'
        meta.append(checked)
    api = file_url(page, f"api/v1/regions/{code}.json")
    meta.append(f'<a href="{api}">JSON 数据</a>')
    meta.append(f'<a href="{page_url(page, "estimate/index.md")}?region={esc(code)}">报销估算</a>')
    out.append(f'<p class="pk-meta">{" · ".join(meta)}</p>')
    out.append("")
    if r.registry_only:
        out += [uncollected_html(ctx, code, page), ""]
    rows = ctx.in_force(code)
    if r.level != "national":
        out += [summary_card(ctx, code, rows), ""]
        province = province_page_of(ctx, code)
        if province is not None:
            out += [f'<p class="pk-province-link"><a href="{page_url(page, province)}">'
                    f"和本省其他地区比较</a></p>", ""]
    if r.note:
        out += [f'<p class="pk-note">{esc(r.note)}</p>', ""]
    children = ctx.children(code)
    if children:
        out += ["## 下辖地区", "", region_list(ctx, children, page), ""]
    every = ctx.in_force(code)
    # Three groups: open-ended temporary measures; values carried forward past the
    # staleness horizon (docs/format.md 3.3 rules 6, 7); the rest.
    open_temporary = {k: r for k, r in every.items() if display.temporary_zh(r.entry)}
    stale = {k: r for k, r in every.items() if k not in open_temporary
             and ctx.ps.confirmation(r, ctx.day).stale(ctx.inp.stale_years)}
    rows = {k: r for k, r in every.items() if k not in open_temporary and k not in stale}
    out.append(f'<p class="pk-legend-text" data-search-exclude="true">以下为 <strong>{esc(ctx.day)}</strong> 适用的规则。'
               "只有更早资料的数值注明“据 某日 资料，此后未核实”，"
               f"超过 {ctx.inp.stale_years} 年未核实的标为“{display.STALE_ZH}”。"
               "“继承自”表示本地区没有单独规定、沿用上级或统筹区的规定；“未公布”表示来源没有给出该数字；"
               "“不低于/不高于”是上级规定的底线或上限。点击出处可查看原文摘录。</p>")
    out.append("")
    by_area: dict[str, list[tuple[str, Breakdown]]] = defaultdict(list)
    for key in rows:
        p = ctx.param(key[0])
        by_area[p.area if p else "other"].append(key)
    if not rows:
        out += ['<p class="pk-empty">本站没有本地区近年核实过的规则'
                + ("（较早的资料见下）" if every else "") + "。</p>", ""]
    for area, label in ctx.cat.areas:
        keys = by_area.get(area)
        if not keys:
            continue
        out += [f"## {md_text(label.zh)} {NO_SEARCH}", "",
                unsearched(rules_table(ctx, code, keys, rows, page)), ""]
    if stale:
        out += [f"## 超过 {ctx.inp.stale_years} 年未核实的规定（{display.STALE_ZH}） {NO_SEARCH}", "",
                # The legend inside the section: on a phone the section folds under its heading.
                unsearched('<p class="pk-legend-text">这些数值最近一次有资料说明有效，已是 '
                           f"{ctx.inp.stale_years} 年以前；此后是否调整，本站不知道。它们不计入上面的规则，"
                           "使用前请向当地医保部门核实。</p>\n"
                           + rules_table(ctx, code, list(stale), stale, page)), ""]
    if open_temporary:
        out += [f"## 阶段性措施（{display.OPEN_END_ZH}） {NO_SEARCH}", "",
                unsearched('<p class="pk-legend-text">来源称这些措施为阶段性（临时）措施，但没有给出结束时间；'
                           "它们不计入上面的规则，是否仍在执行请向当地医保部门确认。</p>\n"
                           + rules_table(ctx, code, list(open_temporary), open_temporary, page)),
                ""]
    pending = ctx.pending_entries(code)
    if pending:
        out += [f"## 计划、草案与状态不明的规定 {NO_SEARCH}", "",
                unsearched('<p class="pk-legend-text">这些规定尚未生效或状态不明，不计入上面的规则。</p>\n'
                           + entries_table(ctx, pending, page, show_rule=True)), ""]
    out += history_section(ctx, code, page)
    out += missing_section(ctx, code, every)
    if r.level != "national" and not r.registry_only:
        out += [contribute_html(ctx, code, page), ""]
    return "\n".join(out) + "\n"


def uncollected_html(ctx: SiteContext, code: str, page: str) -> str:
    """The notice of a region known only from the registry: no rules of its own here;
    what applies is inherited (each row below names its origin and how it is known)."""
    above = [c for c in ctx.ps.chain(code)[1:] if c in ctx.ps.regions]
    names = "、".join(ctx.region_link(page, c) for c in above)
    inherited = (f"下面列出适用于本地区的上级规定（{names}），每条注明来自哪一级和最后核实的时间。"
                 if above else "")
    return (f'<div class="pk-uncollected" role="note"{SKIP}>'
            f'<p><strong class="pk-uncollected-title">本地规则尚未收录</strong>：本站还没有'
            f"{esc(ctx.name(code))}自己的医保规定（没有人录入过它的政策文件）。{inherited}"
            "本地的报销比例、起付线等可能与上级不同，未收录不等于没有规定。</p>"
            f"{contribute_html(ctx, code, page, searched=True)}</div>")


def region_list(ctx: SiteContext, regions: Iterable[Region], page: str) -> str:
    items = []
    for c in regions:
        sub = ctx.children(c.code)
        tail = ""
        if sub:
            tail = "：" + "、".join(ctx.region_link(page, s.code) for s in sub)
        items.append(f"<li>{ctx.region_link(page, c.code)}{tail}</li>")
    return f'<ul class="pk-regions">{"".join(items)}</ul>'


def rules_table(ctx: SiteContext, code: str, keys: list[tuple[str, Breakdown]],
                rows: Mapping[tuple[str, Breakdown], Resolved], page: str) -> str:
    body = []
    for key in keys:
        r = rows[key]
        pid, bk = key
        label = esc(ctx.rule_label(pid, bk))
        p = ctx.param(pid)
        if p is not None and p.comparable and ctx.has_compare(pid):
            label = f'<a href="{page_url(page, compare_page(pid))}" title="各地比较">{label}</a>'
        anchor = f' id="{esc(rule_anchor(pid, bk))}"' if r.origin == code else ""
        body.append(
            f"<tr{anchor}>"
            f'<td data-label="规则">{label}</td>'
            f'<td data-label="数值">{ctx.resolved_html(r, code, page, diseases_full=True)}</td>'
            f'<td data-label="生效时间">{esc(display.period_zh(r.entry))}</td>'
            f'<td data-label="出处">{ctx.source_html(r.entry, page)}</td></tr>')
    return ('<div class="pk-tablewrap"><table class="pk-table pk-stack"><thead><tr><th>规则</th>'
            "<th>数值</th><th>生效时间</th><th>出处</th></tr></thead><tbody>"
            + "".join(body) + "</tbody></table></div>")


def entries_table(ctx: SiteContext, entries: Sequence[Entry], page: str, *, show_rule: bool) -> str:
    body = []
    for e in entries:
        rule = (f'<td data-label="规则">{esc(ctx.rule_label(e.parameter, e.breakdown_items))}</td>'
                if show_rule else "")
        body.append(
            f"<tr>{rule}<td data-label=\"时间\">{esc(display.period_zh(e))}</td>"
            f'<td data-label="数值">{ctx.value_html(e, page, diseases_full=show_rule)} '
            f"{ctx.badge(e.status)}</td>"
            f'<td data-label="出处">{ctx.source_html(e, page)}</td></tr>')
    head = "<th>规则</th>" if show_rule else ""
    return (f'<div class="pk-tablewrap"><table class="pk-table pk-stack"><thead><tr>{head}'
            "<th>时间</th><th>数值</th><th>出处</th></tr></thead><tbody>"
            + "".join(body) + "</tbody></table></div>")


def history_section(ctx: SiteContext, code: str, page: str) -> list[str]:
    keys = sorted(ctx.keys_by_region.get(code, ()), key=ctx.rule_sort)
    if not keys:
        return []
    out = [f"## 历史记录 {NO_SEARCH}", "",
           f'<section class="pk-history"{SKIP}>']
    for pid, bk in keys:
        entries = sorted(ctx.ps.rules[(code, pid, bk)], key=lambda e: (e.begins or "", e.status))
        out.append(f'<details class="pk-hist" id="h-{esc(rule_anchor(pid, bk))}">'
                   f"<summary>{esc(ctx.rule_label(pid, bk))}（{len(entries)} 条）</summary>"
                   + entries_table(ctx, entries, page, show_rule=False) + "</details>")
    out += ["</section>", ""]
    return out


def missing_section(ctx: SiteContext, code: str,
                    rows: Mapping[tuple[str, Breakdown], Resolved]) -> list[str]:
    have = {pid for pid, _ in rows} | {pid for pid, _ in ctx.keys_by_region.get(code, ())}
    missing = [p for pid, p in ctx.cat.parameters.items() if pid not in have]
    if not missing or ctx.ps.regions[code].level == "national":
        return []
    labels = "、".join(esc(ctx.rule_label(p.id, ())) for p in missing)
    return ['<details class="pk-missing" data-search-exclude="true">'
            f"<summary>本站尚未收录本地区的 {len(missing)} 项规则</summary>"
            f"<p>{labels}</p><p>未收录不等于没有规定：只是还没有人把来源录入本站。</p></details>", ""]


def _days_between(a: str, b: str) -> int:
    try:
        return (dt.date.fromisoformat(b) - dt.date.fromisoformat(a[:10])).days
    except ValueError:
        return 0
