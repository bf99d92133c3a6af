"""Disease pages: the outpatient chronic/special disease lists of every region, one page
per disease (which regions list it), and the index; at scale, per-province pages."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from policykit.model import display
from policykit.model.entities import Disease, Entry
from policykit.publish.site.context import MAX_COMPARE_ROWS, SiteContext
from policykit.publish.site.markup import (
    disease_key,
    disease_page,
    esc,
    front_matter,
    page_url,
    unsearched,
)
from policykit.util.escape import md_text


def disease_lists(ctx: SiteContext) -> list[tuple[str, Entry, str]]:
    """(region, entry, origin) for every disease list a region has: in force today
    (own or inherited), or its own pending draft/planned list. Unknown values
    (the list was not published) are not lists and are left out."""
    out = []
    dparams = [p.id for p in ctx.cat.parameters.values() if p.type == "diseases"]
    for code in sorted(ctx.ps.regions):
        seen: set[int] = set()
        for (pid, _bk), r in ctx.in_force(code).items():
            # An "unknown" (未公布) value of a disease parameter is no list.
            if pid in dparams and r.entry.value.diseases is not None:
                out.append((code, r.entry, r.origin))
                seen.add(id(r.entry))
        for e in ctx.pending_entries(code):
            if e.parameter in dparams and e.value.diseases is not None and id(e) not in seen:
                out.append((code, e, code))
    return out


def write_disease_pages(ctx: SiteContext) -> None:
    lists = disease_lists(ctx)
    by_key: dict[str, list[tuple[str, Entry, str, Disease]]] = defaultdict(list)
    names: dict[str, Disease] = {}
    for code, e, origin in lists:
        assert e.value.diseases is not None
        for d in e.value.diseases.items:
            k = disease_key(d)
            by_key[k].append((code, e, origin, d))
            names.setdefault(k, d)
    page = "diseases/index.md"
    index = [front_matter("门诊慢特病病种"), "# 门诊慢特病病种", "",
             "<p>各地门诊慢特病（门诊特定病种）名单中出现的病种。许多地区的名单只公布了一部分，"
             "所以“没有列出”不等于“不保障”。名称按国家医保门诊慢特病编码（M 码）归并；"
             "标注“推断”的对应关系尚待核实。</p>", ""]
    if lists:
        index += ["## 各地名单", ""]
        if len(lists) <= MAX_COMPARE_ROWS:
            index += [disease_lists_table(ctx, lists, page), ""]
        else:
            # At scale the lists go one page per province; the index keeps a summary.
            by_prov = by_province(ctx, lists, lambda item: item[0])
            index += [province_summary(
                ctx, page, by_prov, "diseases/regions/{}.md", "名单数",
                "<p>地区较多，按省分页：</p>"), ""]
            for prov, items in by_prov.items():
                sub = f"diseases/regions/{prov}.md"
                title = f"门诊慢特病名单（{province_name(ctx, prov)}）"
                ctx.files[sub] = "\n".join([
                    front_matter(title), f"# {md_text(title)}", "",
                    f'<p><a href="{page_url(sub, page)}">← 全部病种</a></p>', "",
                    disease_lists_table(ctx, items, sub), ""])
    if by_key:
        rows = []
        for k in sorted(by_key, key=lambda k: (names[k].nhsa_code or "~", names[k].normalized or names[k].name)):
            d = names[k]
            rows.append(f'<tr><td data-label="病种"><a href="{page_url(page, disease_page(k))}">'
                        f"{esc(d.normalized or d.name)}</a></td>"
                        f'<td data-label="国家编码">{esc(d.nhsa_code or "未对应")}</td>'
                        f'<td data-label="地区数" data-sort="{len({c for c, *_ in by_key[k]})}">'
                        f"{len({c for c, *_ in by_key[k]})}</td></tr>")
        index += ["## 病种", "", '<div class="pk-tablewrap"><table class="pk-table pk-sortable"><thead><tr>'
                  "<th>病种</th><th>国家编码</th><th>地区数</th></tr></thead><tbody>"
                  + "".join(rows) + "</tbody></table></div>", ""]
    else:
        index += ['<p class="pk-empty">本站尚未收录任何地区的病种名单。</p>', ""]
    ctx.files[page] = "\n".join(index) + "\n"
    for k, items in by_key.items():
        write_disease_page(ctx, k, names[k], items)


def disease_lists_table(ctx: SiteContext, lists: Sequence[tuple[str, Entry, str]], page: str) -> str:
    rows = []
    for code, e, origin in lists:
        assert e.value.diseases is not None
        inh = f"（继承自 {ctx.region_link(page, origin)}）" if origin != code else ""
        rows.append(f'<tr><td data-label="地区">{ctx.region_link(page, code)}{inh}</td>'
                    f'<td data-label="名单">{esc(display.disease_count_zh(e.value.diseases))}</td>'
                    f'<td data-label="状态">{ctx.badge(e.status)}</td></tr>')
    return unsearched('<div class="pk-tablewrap"><table class="pk-table pk-stack"><thead><tr><th>地区</th>'
                      "<th>名单</th><th>状态</th></tr></thead><tbody>" + "".join(rows)
                      + "</tbody></table></div>")


def by_province(ctx: SiteContext, items: Iterable[Any], code_of: Any) -> dict[str, list[Any]]:
    """Items grouped by the province of their region ("other": none), sorted."""
    out: dict[str, list[Any]] = defaultdict(list)
    for item in items:
        out[ctx.province_of.get(code_of(item)) or "other"].append(item)
    return dict(sorted(out.items()))


def province_name(ctx: SiteContext, prov: str) -> str:
    return ctx.name(prov) if prov in ctx.ps.regions else "其他地区"


def province_summary(ctx: SiteContext, page: str, by_prov: Mapping[str, Sequence[Any]], pattern: str,
                     count_label: str, intro: str) -> str:
    rows = "".join(
        f'<tr><td data-label="省份"><a href="{page_url(page, pattern.format(prov))}">'
        f"{esc(province_name(ctx, prov))}</a></td>"
        f'<td data-label="{count_label}" data-sort="{len(items)}">{len(items)}</td></tr>'
        for prov, items in by_prov.items())
    return (intro + '<div class="pk-tablewrap"><table class="pk-table pk-sortable"><thead><tr>'
            f"<th>省份</th><th>{count_label}</th></tr></thead><tbody>{rows}</tbody></table></div>")


def write_disease_page(ctx: SiteContext, k: str, d: Disease,
                       items: list[tuple[str, Entry, str, Disease]]) -> None:
    page = disease_page(k)
    title = d.normalized or d.name
    head = [front_matter(title, description=f"哪些地区把{title}列入门诊慢特病"),
            f"# {md_text(title)}", ""]
    facts = [f"国家医保门诊慢特病编码：{esc(d.nhsa_code)}" if d.nhsa_code else "尚未对应国家编码"]
    if d.mapping == "inferred":
        facts.append("对应关系为推断，待核实")
    head += [f'<p class="pk-meta">{" · ".join(facts)}</p>', "",
             "<p>下列地区的门诊慢特病名单中列有此病种。名单不完整的地区可能也保障此病种而未列出。</p>", ""]
    if len(items) <= MAX_COMPARE_ROWS:
        ctx.files[page] = "\n".join([*head, disease_table(ctx, items, page)]) + "\n"
        return
    # At scale: one page per province, the disease page keeps a per-province count.
    by_prov = by_province(ctx, items, lambda item: item[0])
    pattern = "diseases/" + k + "/{}.md"
    ctx.files[page] = "\n".join([*head, province_summary(
        ctx, page, by_prov, pattern, "地区数", "<p>地区较多，按省分页：</p>")]) + "\n"
    for prov, sub_items in by_prov.items():
        sub = pattern.format(prov)
        sub_title = f"{title}（{province_name(ctx, prov)}）"
        ctx.files[sub] = "\n".join([
            front_matter(sub_title, description=f"哪些地区把{title}列入门诊慢特病"),
            f"# {md_text(sub_title)}", "",
            f'<p><a href="{page_url(sub, page)}">← 返回各省汇总</a></p>', "",
            disease_table(ctx, sub_items, sub)]) + "\n"


def disease_table(ctx: SiteContext, items: Sequence[tuple[str, Entry, str, Disease]], page: str) -> str:
    rows = []
    for code, e, origin, item in items:
        assert e.value.diseases is not None
        local = esc(item.name) + (f"（{esc(item.note)}）" if item.note else "")
        limit = f"{esc(display.group(item.annual_limit))} 元" if item.annual_limit is not None else "未公布"
        inh = f'<div class="pk-origin">继承自 {ctx.region_link(page, origin)}</div>' if origin != code else ""
        rows.append(f'<tr><td data-label="地区">{ctx.region_link(page, code)}{inh}</td>'
                    f'<td data-label="当地名称">{local}</td>'
                    f'<td data-label="年度限额">{limit}</td>'
                    f'<td data-label="名单">{esc(display.disease_count_zh(e.value.diseases))} '
                    f"{ctx.badge(e.status)}{ctx.entry_known_html(e)}</td>"
                    f'<td data-label="出处">{ctx.source_html(e, page)}</td></tr>')
    return unsearched('<div class="pk-tablewrap"><table class="pk-table pk-stack"><thead><tr><th>地区</th>'
                      "<th>当地名称</th><th>年度限额</th><th>名单</th><th>出处</th></tr></thead><tbody>"
                      + "".join(rows) + "</tbody></table></div>")
