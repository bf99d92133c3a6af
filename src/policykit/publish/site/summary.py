"""The summary card at the top of a region page: what a resident pays and gets back, in a
few lines a reader takes in at a glance (inpatient reimbursement by hospital level,
deductible and cap, contributions, outpatient, chronic diseases, assistance).

Each line shows the value in force on the as-of day with its state, by the one
confirmation rule (docs/format.md §3.3) — 现行 (a source or an officer vouches for that
day), 据某年资料 (carried forward from its last confirmation, 可能已过时 past the
staleness horizon), 未公布 (the source gives no figure), 未收录 (no rule in the data,
here or above) — and links to its row below
(or to the region it is inherited from). Nothing is computed: the values are the same
resolved entries the detail tables show.
"""

from __future__ import annotations

from collections.abc import Mapping

from policykit.model import display
from policykit.model.entities import Breakdown
from policykit.model.timeline import Resolved
from policykit.publish.site.context import SiteContext
from policykit.publish.site.markup import esc, page_url, region_page, rule_anchor, unsearched

#: (line label, parameter) in the order a resident asks: what do I get back, what do I pay.
SUMMARY_LINES: tuple[tuple[str, str], ...] = (
    ("住院报销（居民）", "resident.inpatient.ratio"),
    ("住院报销（职工）", "employee.inpatient.ratio"),
    ("住院起付线（居民）", "resident.inpatient.deductible"),
    ("住院起付线（职工）", "employee.inpatient.deductible"),
    ("年度最高支付（居民）", "resident.annual_cap"),
    ("年度最高支付（职工）", "employee.annual_cap"),
    ("居民个人缴费", "resident.individual_contribution"),
    ("职工缴费费率", "employee.contribution.total_rate"),
    ("普通门诊报销（居民）", "resident.general_outpatient.ratio"),
    ("普通门诊报销（职工）", "employee.general_outpatient.ratio"),
    ("门诊慢特病", "chronic.special_outpatient.diseases"),
    ("医疗救助", "assistance.ratio"),
)


def state_zh(ctx: SiteContext, r: Resolved) -> str:
    e = r.entry
    if e.value.is_unknown:
        return "未公布"
    if display.temporary_zh(e):
        return "阶段性措施，结束时间不详"
    if e.status != "in_force":
        return display.STATUS_ZH.get(e.status, e.status)
    c = ctx.ps.confirmation(r, ctx.day)
    if c.carried:
        known = f"据 {c.confirmed_on[:4]} 年资料"
        return f"{known}，{display.STALE_ZH}" if c.stale(ctx.inp.stale_years) else known
    return "现行"


def summary_card(ctx: SiteContext, code: str,
                 rows: Mapping[tuple[str, Breakdown], Resolved]) -> str:
    page = region_page(code)
    items = []
    # Why a line is 未收录 (no rule here or above): the region's recorded sources do not
    # mention it, or the site has no source of this region at all.
    why = "所收录资料未提及" if ctx.keys_by_region.get(code) else "本站尚无本地区资料"
    for label, pid in SUMMARY_LINES:
        found = [(bk, r) for (p, bk), r in rows.items() if p == pid]
        if not found:
            items.append(f'<div class="pk-sum-row"><dt>{esc(label)}</dt>'
                         '<dd><span class="pk-none">未收录</span>'
                         f' <span class="pk-sum-state">（{why}）</span></dd></div>')
            continue
        parts = []
        for bk, r in found:
            e = r.entry
            anchor = rule_anchor(pid, bk)
            href = f"#{anchor}" if r.origin == code else page_url(page, region_page(r.origin), anchor)
            what = display.breakdown_zh(bk, ctx.cat)
            value = "未公布" if e.value.is_unknown else ctx.value_text(e)
            cls = "pk-unknown" if e.value.is_unknown else "pk-value"
            tail = [state_zh(ctx, r)]
            if r.origin != code:
                tail.append(f"沿用{ctx.name(r.origin)}")
            parts.append(f'<li><a href="{esc(href)}">{esc(what + "：") if what else ""}'
                         f'<strong class="{cls}">{esc(value)}</strong></a>'
                         f' <span class="pk-sum-state">{esc("，".join(tail))}</span></li>')
        items.append(f'<div class="pk-sum-row"><dt>{esc(label)}</dt>'
                     f'<dd><ul>{"".join(parts)}</ul></dd></div>')
    return unsearched(
        f'<div class="pk-summary" role="region" aria-labelledby="pk-summary-title">'
        # A labelled region, not a heading: a heading here would be a search section.
        f'<p class="pk-sum-title" id="pk-summary-title">看病报多少、缴多少（{esc(ctx.day)}）</p>'
        f'<dl>{"".join(items)}</dl>'
        '<p class="pk-legend-text">“现行”有资料确认当天有效；“据某年资料”是此后没有再核实的数值；'
        "“未公布”是来源没有给出数字；“未收录”是本站还没有这项数据（括号里说明原因）。点击数值看出处。</p></div>")
