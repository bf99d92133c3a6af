"""The 数据覆盖 page (coverage/index.md): how many regions have rules of their own, by
level, by province (a grid of provinces, then the same figures as a table: the grid's text
alternative) and policy area, which parameters are most often missing, and the newest
confirmation day. The figures are `policykit.publish.coverage`'s, the ones `index.json`
publishes under `coverage`; nothing here counts anything itself."""

from __future__ import annotations

from typing import Any

from policykit.model.display import LEVEL_ZH
from policykit.publish.coverage import coverage
from policykit.publish.site.context import SiteContext
from policykit.publish.site.markup import compare_page, esc, front_matter, page_url, region_page

PAGE = "coverage/index.md"
#: Shares of regions with local rules at or above which a province tile gets a darker
#: shade (pk-cov-1 … pk-cov-4; pk-cov-0: none). The shade repeats the tile's text.
SHADES = (0.0, 0.05, 0.25, 0.5)


def shade(local: int, regions: int) -> int:
    if not local or not regions:
        return 0
    share = local / regions
    return max(i + 1 for i, lo in enumerate(SHADES) if share >= lo)


def _pct(n: int, d: int) -> str:
    """A share to one decimal; a share that rounds to 0.0% (or 100.0%) but is not 0 (or
    all) says so: 1 county of 2,845 is "<0.1%", never "0.0%"."""
    if not d:
        return "—"
    if 0 < n and 100 * n / d < 0.05:
        return "<0.1%"
    if n < d and 100 * n / d >= 99.95:
        return ">99.9%"
    return f"{100 * n / d:.1f}%"


def write_coverage_page(ctx: SiteContext) -> dict[str, Any]:
    cov = coverage(ctx.ps, ctx.day, ctx.in_force)
    page = PAGE
    reg = ctx.ps.registry
    out = [front_matter("数据覆盖", description="各省、各政策领域有多少地区已收录本地医保规则"),
           "# 数据覆盖", "",
           f'<p>截至 <strong>{esc(ctx.day)}</strong>，本站知道 <strong data-cov="regions">'
           f'{cov["regions"]}</strong> 个省、地、县级地区，其中 <strong data-cov="local">'
           f'{cov["local"]}</strong> 个（{_pct(cov["local"], cov["regions"])}）收录了本地规则；'
           "其余地区的页面列出适用的上级规定（全国、省、统筹区），并注明“本地规则尚未收录”。"
           + (f'另有 <strong data-cov="withdrawn">{cov["withdrawn"]}</strong> 个已撤销的旧代码，'
              "页面保留并注明新代码，不计入上面的地区数。" if cov["withdrawn"] else "")
           + ("最近一次核实本地数值的日期："
              f'<strong data-cov="newest">{esc(cov["newest_confirmation"])}</strong>。'
              if cov["newest_confirmation"] else "") + "</p>", ""]
    if reg is not None:
        prov = reg.provenance.get("primary", {})
        if isinstance(prov, dict) and prov.get("upstream"):
            out += [f'<p class="pk-legend-text">地区名单来自 {esc(prov.get("upstream"))}'
                    f'（{esc(prov.get("package", ""))} {esc(prov.get("version", ""))}，'
                    f'{esc(prov.get("upstream_date", ""))}）。</p>', ""]
    out += ["## 按级别", "", _levels_table(cov), ""]
    out += ["## 各省概况", "",
            '<p class="pk-legend-text">每格一个省：有本地规则的地区数 / 地区总数，颜色越深比例越高'
            "（颜色只是重复格中的数字）。同样的数字见下面的表格。</p>",
            _grid(ctx, cov, page), "",
            "## 按省份和政策领域", "", _province_table(ctx, cov, page), ""]
    out += ["## 最常缺少的规则", "",
            '<p class="pk-legend-text">在数据日期既没有本地数值、也没有可继承的上级数值的地区数'
            "（未收录不等于没有规定）。</p>", _missing_table(ctx, cov, page), ""]
    ctx.files[page] = "\n".join(out) + "\n"
    return cov


def _levels_table(cov: dict[str, Any]) -> str:
    rows = "".join(
        f'<tr data-level="{lv}"><td>{esc(LEVEL_ZH.get(lv, lv))}</td>'
        f'<td data-cov="regions">{n["regions"]}</td><td data-cov="local">{n["local"]}</td>'
        f'<td>{_pct(n["local"], n["regions"])}</td></tr>'
        for lv, n in cov["by_level"].items())
    return ('<div class="pk-tablewrap"><table class="pk-table" id="pk-cov-levels"><thead><tr>'
            "<th>级别</th><th>地区数</th><th>有本地规则</th><th>比例</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></div>")


def _short(ctx: SiteContext, code: str, name: str) -> str:
    reg = ctx.ps.registry
    d = reg.get(code) if reg is not None else None
    return d.short if d is not None and d.short else name


def _grid(ctx: SiteContext, cov: dict[str, Any], page: str) -> str:
    tiles = []
    for p in cov["provinces"]:
        # The visible text is the link's name; the hidden words finish it for a screen reader.
        tiles.append(
            f'<li class="pk-cov-tile pk-cov-{shade(p["local"], p["regions"])}">'
            f'<a href="{page_url(page, region_page(p["code"]))}">'
            f'<span class="pk-cov-name">{esc(_short(ctx, p["code"], p["name"]))}</span>'
            f'<span class="pk-sr-only">：</span>'
            f'<span class="pk-cov-fig">{p["local"]} / {p["regions"]}</span>'
            '<span class="pk-sr-only"> 个地区有本地规则</span></a></li>')
    return f'<ul class="pk-cov-grid" aria-label="各省覆盖情况">{"".join(tiles)}</ul>'


def _province_table(ctx: SiteContext, cov: dict[str, Any], page: str) -> str:
    labels = dict(ctx.cat.areas)
    heads = "".join(f"<th>{esc(labels[a].zh)}</th>" for a in cov["areas"])
    body = []
    for p in cov["provinces"]:
        areas = "".join(f'<td data-area="{esc(a)}" data-label="{esc(labels[a].zh)}">'
                        f'{p["areas"][a]}</td>' for a in cov["areas"])
        body.append(
            f'<tr data-code="{esc(p["code"])}"><td data-label="省份">'
            f'<a href="{page_url(page, region_page(p["code"]))}">{esc(p["name"])}</a></td>'
            f'<td data-label="地区数" data-cov="regions">{p["regions"]}</td>'
            f'<td data-label="有本地规则" data-cov="local">{p["local"]}</td>{areas}'
            f'<td data-label="最近核实" data-cov="newest">'
            f'{esc(p["newest_confirmation"] or "—")}</td></tr>')
    return ('<div class="pk-tablewrap pk-scroll" tabindex="0" role="region" '
            'aria-label="各省覆盖表（可左右滚动）"><table class="pk-table pk-stack pk-sortable" '
            'id="pk-cov-provinces"><thead><tr><th>省份</th><th>地区数</th><th>有本地规则</th>'
            f"{heads}<th>最近核实</th></tr></thead><tbody>{''.join(body)}</tbody></table></div>")


def _missing_table(ctx: SiteContext, cov: dict[str, Any], page: str) -> str:
    body = []
    for m in cov["missing"]:
        if not m["regions_without_value"]:
            continue
        label = esc(ctx.rule_label(m["parameter"], ()))
        if ctx.has_compare(m["parameter"]):
            label = f'<a href="{page_url(page, compare_page(m["parameter"]))}">{label}</a>'
        body.append(f'<tr data-parameter="{esc(m["parameter"])}"><td data-label="规则">{label}</td>'
                    f'<td data-label="缺少的地区数">{m["regions_without_value"]}</td>'
                    f'<td data-label="比例">{_pct(m["regions_without_value"], cov["regions"])}'
                    "</td></tr>")
    if not body:
        return '<p class="pk-empty">每个地区的每项规则都有数值。</p>'
    return ('<div class="pk-tablewrap"><table class="pk-table pk-stack" id="pk-cov-missing">'
            "<thead><tr><th>规则</th><th>缺少的地区数</th><th>比例</th></tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table></div>")
