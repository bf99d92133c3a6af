"""Comparison pages: one per comparable rule, a sortable table of every region's value
with a date picker and history charts; at scale one page per province and a summary."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from policykit.model import display
from policykit.model.display import LEVEL_ZH
from policykit.model.entities import NATIONAL, Breakdown, Parameter
from policykit.model.timeline import Resolved
from policykit.publish.chart import Segment, Series, step_chart
from policykit.publish.site.context import MAX_COMPARE_ROWS, NUMERIC_KINDS, SiteContext
from policykit.publish.site.markup import (
    NO_SEARCH,
    SKIP,
    compare_page,
    esc,
    file_url,
    front_matter,
    page_url,
    script_json,
    unsearched,
)
from policykit.util.escape import md_text

# Date-picker data larger than this (bytes) goes to a JSON file fetched on demand.
PICKER_INLINE_MAX = 40_000
# A region's standing for a rule when it has a value of its own (see `standing`).
LOCAL = "local"


def columns(ctx: SiteContext, pid: str) -> list[Breakdown]:
    bks = ctx.columns_of.get(pid, set())
    named = sorted((bk for bk in bks if bk), key=lambda bk: ctx.rule_sort((pid, bk)))
    return named or [()]


def cell_steps(ctx: SiteContext, code: str, pid: str, bk: Breakdown) -> list[tuple[str, Resolved | None]]:
    """The value in force for a cell as a step function: (first day, value) pairs,
    from the policy set's value tables (`PolicySet.segments`)."""
    days, answers = ctx.ps.segments(code, pid, bk)
    return list(zip(days, answers, strict=True))


def write_compare_pages(ctx: SiteContext, by_province: str = "") -> list[Parameter]:
    """The comparison pages and their index; `by_province` is the HTML list of the
    provinces' comparison pages (`province.py`), listed first on the index."""
    params = ctx.compare_params()
    # Regions known only from the division registry (no region file, no rules) are not
    # rows: they would repeat their parent's value thousands of times. They are counted.
    rows = sorted(c for c, r in ctx.ps.regions.items()
                  if r.level != "national" and not r.registry_only)
    unlisted = sum(1 for r in ctx.ps.regions.values() if r.registry_only)
    index = [front_matter("各地比较"), "# 各地比较", "",
             "<p>每个可比较的规则一页：各地在数据日期适用的数值（注明最后核实日期）的可排序表格、按日期或年份查看历史数值，以及历史走势图。</p>", ""]
    if by_province:
        index += ["## 按省比较", "", "<p>一个省的各地区在缴费、报销等主要规则上的比较：</p>",
                  by_province, ""]
    by_area: dict[str, list[Parameter]] = defaultdict(list)
    for p in params:
        by_area[p.area].append(p)
    for area, label in ctx.cat.areas:
        ps_ = by_area.get(area)
        if not ps_:
            continue
        items = "".join(
            f'<li><a href="{page_url("compare/index.md", compare_page(p.id))}">'
            f"{esc(ctx.rule_label(p.id, ()))}</a></li>" for p in ps_)
        index += [f"## {md_text(label.zh)}", "", f'<ul class="pk-compare-list">{items}</ul>', ""]
    empty = [p for p in ctx.cat.parameters.values()
             if p.comparable and p not in params]
    if empty:
        index += ['<details class="pk-missing" data-search-exclude="true">'
                  f"<summary>另有 {len(empty)} 项可比较的规则尚无任何地区的数据</summary><p>"
                  + "、".join(esc(ctx.rule_label(p.id, ())) for p in empty) + "</p></details>", ""]
    ctx.files["compare/index.md"] = "\n".join(index) + "\n"
    for p in params:
        cols = columns(ctx, p.id)
        if len(rows) * len(cols) <= MAX_COMPARE_ROWS:
            ctx.files[compare_page(p.id)] = compare_page_text(ctx, p, cols, rows, None,
                                                              unlisted)
            continue
        by_prov: dict[str, list[str]] = defaultdict(list)
        for c in rows:
            by_prov[ctx.province_of.get(c) or "other"].append(c)
        ctx.files[compare_page(p.id)] = compare_summary(ctx, p, cols, by_prov)
        for prov, codes in sorted(by_prov.items()):
            ctx.files[compare_page(p.id, prov)] = compare_page_text(ctx, p, cols, codes, prov)
    return params


def compare_head(ctx: SiteContext, p: Parameter, page: str, title: str) -> list[str]:
    out = [front_matter(title, description=p.description.zh if p.description else None,
                        hide_nav=True),
           f"# {md_text(title)}", ""]
    if p.description:
        out += [f'<p class="pk-note">{esc(p.description.zh)}</p>', ""]
    facts = [f"政策领域：{esc(ctx.cat.area_label(p.area).zh)}"]
    if p.unit:
        facts.append(f"单位：{esc(p.unit.zh)}")
    facts.append({"better": "数值越高对参保人越有利", "worse": "数值越高参保人负担越重"}.get(
        p.higher_is, "数值高低无好坏之分"))
    facts.append(f'<a href="{file_url(page, f"api/v1/parameters/{p.id}.json")}">JSON 数据</a>')
    out += [f'<p class="pk-meta">{" · ".join(facts)}</p>', ""]
    if NATIONAL in ctx.ps.regions:
        nat = []
        for bk in columns(ctx, p.id):
            r = ctx.ps.value_at(NATIONAL, p.id, ctx.day, bk)
            if r is not None:
                lab = display.breakdown_zh(bk, ctx.cat)
                nat.append((f"{esc(lab)}：" if lab else "") + esc(ctx.value_text(r.entry)))
        if nat:
            out += [f'<p class="pk-national">全国标准（{ctx.region_link(page, NATIONAL)}）：'
                    + "；".join(nat) + "</p>", ""]
    return out


def compare_summary(ctx: SiteContext, p: Parameter, cols: list[Breakdown],
                    by_prov: Mapping[str, list[str]]) -> str:
    page = compare_page(p.id)
    title = ctx.rule_label(p.id, ())
    out = compare_head(ctx, p, page, title)
    out += [f"<p>地区较多，按省分页。下表为各省 {esc(ctx.day)} 有效数值的范围（仅计确切数值，不含底线/上限和继承值）。</p>", ""]
    body = []
    for prov, codes in sorted(by_prov.items()):
        nums: list[Decimal] = []
        known = 0
        for c in codes:
            for bk in cols:
                r = ctx.ps.value_at(c, p.id, ctx.day, bk)
                if r is None:
                    continue
                known += 1
                if r.origin == c and r.entry.bound == "exact" and r.entry.value.kind in NUMERIC_KINDS:
                    nums.extend(r.entry.value.numbers())
        name = ctx.name(prov) if prov in ctx.ps.regions else "其他地区"
        link = f'<a href="{page_url(page, compare_page(p.id, prov))}">{esc(name)}</a>'
        lo = number_text(p, min(nums)) if nums else "—"
        hi = number_text(p, max(nums)) if nums else "—"
        body.append(f'<tr><td data-label="省份">{link}</td><td data-label="地区数" data-sort="{len(codes)}">{len(codes)}</td>'
                    f'<td data-label="有数值" data-sort="{known}">{known}</td>'
                    f'<td data-label="最低" data-sort="{min(nums) if nums else ""}">{esc(lo)}</td>'
                    f'<td data-label="最高" data-sort="{max(nums) if nums else ""}">{esc(hi)}</td></tr>')
    out.append('<div class="pk-tablewrap"><table class="pk-table pk-sortable"><thead><tr><th>省份</th>'
               "<th>地区数</th><th>有数值的单元格</th><th>最低</th><th>最高</th></tr></thead><tbody>"
               + "".join(body) + "</tbody></table></div>")
    return "\n".join(out) + "\n"


def number_text(p: Parameter, n: Decimal) -> str:
    if p.type == "ratio":
        return display.pct(n)
    if p.type == "amount":
        return display.group(n) + " 元"
    return display.num(n)


def sort_key(r: Resolved | None) -> str:
    if r is None or r.entry.value.is_unknown:
        return ""
    v = r.entry.value
    if v.kind in NUMERIC_KINDS or v.kind == "adjustment":
        nums = v.numbers()
        return display.num(nums[0]) if nums else ""
    if v.kind == "flag":
        return "1" if v.flag else "0"
    if v.kind == "diseases" and v.diseases is not None:
        return str(v.diseases.declared_count or len(v.diseases.items))
    return ""


def compare_cell(ctx: SiteContext, r: Resolved | None, code: str, page: str) -> str:
    if r is None:
        return '<span class="pk-none">未收录</span>'
    return ctx.resolved_html(r, code, page, with_period=True)


def standing(ctx: SiteContext, code: str, pid: str, cols: list[Breakdown]) -> str | None:
    """How a region stands for a rule on the as-of day: LOCAL when some column holds its
    own value, else the code of the region it inherits from (the first column's), else
    None (no value that day)."""
    origin: str | None = None
    for bk in cols:
        r = ctx.ps.value_at(code, pid, ctx.day, bk)
        if r is None:
            continue
        if r.origin == code:
            return LOCAL
        origin = origin or r.origin
    return origin


def local_first(ctx: SiteContext, codes: list[str], pid: str,
                cols: list[Breakdown]) -> tuple[list[str], dict[str, str | None]]:
    """The regions with a value of their own on the as-of day first (each group in code
    order), and how each stands (`standing`)."""
    stand = {c: standing(ctx, c, pid, cols) for c in codes}
    return sorted(codes, key=lambda c: stand[c] != LOCAL), stand


def count_text(ctx: SiteContext, stand: Mapping[str, str | None], absent: int) -> str:
    """"3 个地区有本地数据，其余 9 个沿用全国标准" — as the data says on the as-of day:
    own values, inherited (by the region they come from), no value that day, none at all."""
    local = sum(1 for s in stand.values() if s == LOCAL)
    by_origin: dict[str, int] = defaultdict(int)
    for s in stand.values():
        if s is not None and s != LOCAL:
            by_origin[s] += 1
    rest = []
    for origin, n in sorted(by_origin.items(), key=lambda kv: (-kv[1], kv[0])):
        rest.append(f"{n} 个沿用全国标准" if origin == NATIONAL
                    else f"{n} 个沿用{esc(ctx.name(origin))}的规定")
    none_that_day = sum(1 for s in stand.values() if s is None)
    if none_that_day:
        rest.append(f"{none_that_day} 个在 {esc(ctx.day)} 没有数值")
    if absent:
        rest.append(f"{absent} 个未收录")
    head = f"{local} 个地区有本地数据" if local else "没有地区有本地数据"
    if not rest:
        return head
    return head + ("，其余 " if local else "：") + "、".join(rest)


def compare_page_text(ctx: SiteContext, p: Parameter, cols: list[Breakdown], codes: list[str],
                      province: str | None, unlisted: int = 0) -> str:
    page = compare_page(p.id, province)
    title = ctx.rule_label(p.id, ())
    if province is not None:
        title += "（" + (ctx.name(province) if province in ctx.ps.regions else "其他地区") + "）"
    out = compare_head(ctx, p, page, title)
    if province is not None:
        out += [f'<p><a href="{page_url(page, compare_page(p.id))}">← 返回各省汇总</a></p>', ""]
    cells: list[str] = []
    sorts: list[str] = []
    cell_index: dict[str, int] = {}

    def cell(r: Resolved | None, code: str) -> int:
        h = compare_cell(ctx, r, code, page)
        if h not in cell_index:
            cell_index[h] = len(cells)
            cells.append(h)
            sorts.append(sort_key(r))
        return cell_index[h]

    data_rows = []
    body = []
    first_day = ctx.day
    last_day = ctx.day
    series_by_col: list[list[Series]] = [[] for _ in cols]
    absent: list[str] = []
    ordered, stand = local_first(ctx, codes, p.id, cols)
    for code in ordered:
        col_steps = [cell_steps(ctx, code, p.id, bk) for bk in cols]
        if not any(r is not None for steps in col_steps for _, r in steps):
            absent.append(code)      # nothing ever, own or inherited: listed below
            del stand[code]
            continue
        row_steps = []
        tds = []
        for ci, bk in enumerate(cols):
            steps = col_steps[ci]
            if steps and steps[0][0]:
                first_day = min(first_day, steps[0][0])
                last_day = max(last_day, steps[-1][0])
            row_steps.append([[d, cell(r, code)] for d, r in steps])
            now = ctx.ps.value_at(code, p.id, ctx.day, bk)
            idx = cell(now, code)
            label = display.breakdown_zh(bk, ctx.cat) or "数值"
            tds.append(f'<td data-label="{esc(label)}" data-sort="{esc(sorts[idx])}">{cells[idx]}</td>')
            if any(r is not None and r.origin == code for _, r in steps):
                series_by_col[ci].append(own_series(ctx, code, steps))
        data_rows.append({"c": code, "s": row_steps})
        region = ctx.ps.regions[code]
        body.append(f'<tr data-row="{len(data_rows) - 1}">'
                    f'<td data-label="地区" data-sort="{esc(region.name.zh)}">'
                    f"{ctx.region_link(page, code)}"
                    f'<span class="pk-level">{esc(LEVEL_ZH.get(region.level, ""))}</span></td>'
                    + "".join(tds) + "</tr>")
    if NATIONAL in ctx.ps.regions:
        # The national floor/standard, drawn as a reference line (it is not a table row).
        for ci, bk in enumerate(cols):
            steps = cell_steps(ctx, NATIONAL, p.id, bk)
            if any(r is not None and r.origin == NATIONAL for _, r in steps):
                if steps[0][0]:
                    first_day = min(first_day, steps[0][0])
                    last_day = max(last_day, steps[-1][0])
                series_by_col[ci].insert(0, own_series(ctx, NATIONAL, steps))
    heads = "".join(f"<th>{esc(display.breakdown_zh(bk, ctx.cat) or '数值')}</th>" for bk in cols)
    ident = "pk-cmp"
    years = list(range(int(ctx.day[:4]), int(first_day[:4]) - 1, -1))
    options = [f'<option value="{esc(ctx.day)}">{ctx.day[:4]}（{esc(ctx.day)}）</option>']
    options += [f'<option value="{y}-12-31">{y} 年末</option>' for y in years[1:]]
    # Values past the staleness horizon can be hidden by the reader (policykit.js);
    # shown by default: often they are a region's only local figure, marked as such.
    stale = any('class="pk-period pk-outdated"' in row for row in body)  # on the as-of day
    hide = ('<label class="pk-stale-toggle"><input type="checkbox" name="hide-stale"> '
            f"隐藏“{display.STALE_ZH}”的数值</label>"
            '<span class="pk-stale-count" role="status"></span>') if stale else ""
    stale_note = (f"超过 {ctx.inp.stale_years} 年未核实的数值标为“{display.STALE_ZH}”，"
                  "可勾选上方的选项把它们隐藏。") if stale else ""
    first = "有本地数据的地区排在前面。" if 0 < sum(s == LOCAL for s in stand.values()) < len(stand) else ""
    out += [f'<p class="pk-count"{SKIP}>{count_text(ctx, stand, len(absent))}。{first}</p>', "",
            f'<form class="pk-when" data-table="{ident}"{SKIP} hidden>'
            f'<label>年份 <select name="year">{"".join(options)}</select></label> '
            f'<label>或日期 <input type="date" name="day" value="{esc(ctx.day)}" '
            f'min="{esc(first_day)}" max="{esc(max(last_day, ctx.day))}"></label>{hide}</form>',
            f'<p class="pk-when-note"{SKIP}>表中为 <strong class="pk-day">{esc(ctx.day)}</strong> 有效的数值；'
            f"点击表头排序。灰色“未收录”表示本站没有该地区的数据。{stale_note}</p>", "",
            unsearched(
                f'<div class="pk-tablewrap pk-scroll" tabindex="0" role="region" aria-label="各地数值表（可左右滚动）">'
                f'<table class="pk-table pk-sortable pk-compare" id="{ident}">'
                f"<thead><tr><th>地区</th>{heads}</tr></thead><tbody>"
                + "".join(body) + "</tbody></table></div>"),
            picker_data(ctx, page, ident, {"cells": cells, "sort": sorts, "rows": data_rows}), ""]
    if not data_rows:
        out += ['<p class="pk-empty">这些地区都没有此项数据。</p>', ""]
    if absent:
        names = "、".join(ctx.region_link(page, c) for c in absent)
        out += [f'<p class="pk-legend-text"{SKIP}>本站未收录以下 {len(absent)} 个地区的此项规则'
                f"（本地区和上级都没有数据）：{names}</p>", ""]
    if unlisted:
        out += [f'<p class="pk-legend-text"{SKIP}>另有 {unlisted} 个地区本站尚未收录本地规则，'
                "适用上级（省、统筹区或全国）的规定，不在表中列出；各地区页面列出适用的规定。</p>",
                ""]
    charts: list[str] = []
    for ci, bk in enumerate(cols):
        series = series_by_col[ci]
        if not series or p.type not in NUMERIC_KINDS:
            continue
        label = display.breakdown_zh(bk, ctx.cat)
        fig = step_chart(series, start=first_day, end=max(last_day, ctx.day),
                         fmt=lambda n: number_text(p, n),
                         title=f"{title}{' · ' + label if label else ''} 历史走势",
                         ident=f"pk-chart-{ci}")
        if fig:
            summary = f"历史走势{'：' + esc(label) if label else ''}"
            charts.append(f'<details class="pk-chartbox"{" open" if not charts else ""}>'
                          f"<summary>{summary}</summary>{fig}</details>")
    if charts:
        out += [f"## 历史走势 {NO_SEARCH}", "",
                f"<section{SKIP}>",
                '<p class="pk-legend-text">实线为确切数值，色带为区间，虚线为底线或上限，圆点为开始日期；'
                "只画出本地区自己规定的数值（不画继承值）。</p>", *charts, "</section>", ""]
    elif p.type not in NUMERIC_KINDS:
        out += ['<p class="pk-legend-text">此项不是数值，没有走势图；历史见各地区页面。</p>', ""]
    return "\n".join(out) + "\n"


def picker_data(ctx: SiteContext, page: str, ident: str, data: dict[str, Any]) -> str:
    """The date picker's values: inline when small, else a JSON file beside the page
    that the script fetches only when a reader picks another day (a 100-region
    province's history would otherwise be most of the page's bytes)."""
    inline = script_json(data)
    if len(inline) <= PICKER_INLINE_MAX:
        return f'<script type="application/json" id="{ident}-data">{inline}</script>'
    path = page[:-3] + ".values.json"
    ctx.files[path] = json.dumps(data, ensure_ascii=False, sort_keys=True,
                                 separators=(",", ":")) + "\n"
    return (f'<script type="application/json" id="{ident}-data" '
            f'data-src="{esc(file_url(page, path))}"></script>')


def own_series(ctx: SiteContext, code: str, steps: list[tuple[str, Resolved | None]]) -> Series:
    segs = []
    end_all = max(ctx.day, steps[-1][0]) if steps else ctx.day
    for i, (d, r) in enumerate(steps):
        end = steps[i + 1][0] if i + 1 < len(steps) else end_all
        if r is None or r.origin != code or not d:
            continue
        v = r.entry.value
        nums = v.numbers()
        if v.kind not in NUMERIC_KINDS or not nums or end <= d:
            continue
        segs.append(Segment(d, end, nums[0], nums[-1], r.entry.bound,
                            display.BOUND_ZH.get(r.entry.bound, "").strip()))
    return Series(ctx.name(code), tuple(segs))
