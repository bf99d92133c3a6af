"""The generator context every page family writes with: the policy set and the input, the
pages written so far, lookups made once for the whole site (each region's rules, children,
province, values in force), names and links, and the HTML of a value and of its source.

What a page shows is decided with `PolicySet.resolve` / `Track.at` only (the one
value-in-force rule in `timeline.py`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import MutableMapping

from policykit.model import display
from policykit.model.entities import (
    IN_FORCE_STATUSES,
    Breakdown,
    Entry,
    Parameter,
    Region,
    Source,
)
from policykit.model.policyset import PolicySet
from policykit.model.timeline import Resolved
from policykit.publish.site.interface import SiteInput
from policykit.publish.site.markup import (
    disease_key,
    disease_page,
    esc,
    page_url,
    region_page,
    rule_anchor,
)

SITE_NAME = "医保政策比较"
KIND_ZH = {"regulation": "法规", "notice": "通知", "work_report": "工作报告", "news": "新闻报道",
           "press_release": "新闻发布会", "template": "非官方范文模板", "dataset": "数据集",
           "secondary": "二手转述"}
# A comparison table with more rows than this is split into one page per province
# (so is a disease's list of regions).
MAX_COMPARE_ROWS = 300
NUMERIC_KINDS = ("ratio", "amount", "number", "count", "duration")


class SiteContext:
    def __init__(self, ps: PolicySet, inp: SiteInput,
                 files: MutableMapping[str, str] | None = None) -> None:
        self.ps = ps
        self.inp = inp
        self.cat = ps.catalogue
        self.day = inp.as_of
        self.files: MutableMapping[str, str] = {} if files is None else files
        self.param_order = {pid: i for i, pid in enumerate(self.cat.parameters)}
        # Each region's own rule keys, built once.
        self.keys_by_region: dict[str, list[tuple[str, Breakdown]]] = defaultdict(list)
        for region, pid, bk in ps.rules:
            self.keys_by_region[region].append((pid, bk))
        self.province_of = {code: self._province(code) for code in ps.regions}
        self._sources_html: dict[str, tuple[str, str]] = {}  # see _source_parts
        # Children and comparison columns, found once (PolicySet.children scans all
        # regions, columns all rules: quadratic at 3,000 regions).
        self._children: dict[str, list[Region]] = defaultdict(list)
        for code in sorted(ps.regions):
            parent = ps.regions[code].parent
            if parent is not None:
                self._children[parent].append(ps.regions[code])
        self.columns_of: dict[str, set[Breakdown]] = defaultdict(set)
        for _, pid, bk in ps.rules:
            self.columns_of[pid].add(bk)
        self._in_force: dict[str, dict[tuple[str, Breakdown], Resolved]] = {}
        self._compare_ids: set[str] | None = None

    # -- lookups ------------------------------------------------------------------
    def _province(self, code: str) -> str | None:
        seen: set[str] = set()
        cur: str | None = code
        while cur is not None and cur in self.ps.regions and cur not in seen:
            seen.add(cur)
            r = self.ps.regions[cur]
            if r.level == "province":
                return cur
            cur = r.parent
        return None

    def in_force(self, code: str) -> dict[tuple[str, Breakdown], Resolved]:
        """Every rule in force on the as-of day for a region (own and inherited),
        in catalogue order."""
        cached = self._in_force.get(code)
        if cached is None:
            found = self.ps.in_force(code, self.day)
            cached = {k: found[k] for k in sorted(found, key=self.rule_sort)}
            self._in_force[code] = cached
        return cached

    def rule_sort(self, key: tuple[str, Breakdown]) -> tuple[int, str, tuple[int, ...]]:
        pid, bk = key
        order = []
        for dim, val in bk:
            d = self.cat.dimensions.get(dim)
            ids = d.value_ids() if d else ()
            order.append(ids.index(val) if val in ids else len(ids))
        return (self.param_order.get(pid, 10**6), pid, tuple(order))

    def name(self, code: str) -> str:
        r = self.ps.regions.get(code)
        return r.name.zh if r else code

    def region_link(self, page: str, code: str, anchor: str = "") -> str:
        if code not in self.ps.regions:
            return esc(code)
        return f'<a href="{page_url(page, region_page(code), anchor)}">{esc(self.name(code))}</a>'

    def param(self, pid: str) -> Parameter | None:
        return self.cat.parameters.get(pid)

    def rule_label(self, pid: str, bk: Breakdown) -> str:
        return display.rule_label_zh(pid, bk, self.cat)

    def value_text(self, e: Entry) -> str:
        return display.value_zh(e.value, self.param(e.parameter), e.bound)

    def provinces(self) -> list[str]:
        return sorted(c for c, r in self.ps.regions.items() if r.level == "province")

    def grouped(self) -> dict[str | None, list[Region]]:
        """Regions below province level, by province (None: no province found)."""
        out: dict[str | None, list[Region]] = defaultdict(list)
        for code in sorted(self.ps.regions):
            r = self.ps.regions[code]
            if r.level in ("national", "province"):
                continue
            out[self.province_of.get(code)].append(r)
        return out

    def children(self, code: str) -> list[Region]:
        return self._children.get(code, [])

    def compare_params(self) -> list[Parameter]:
        """The parameters with a comparison page: comparable, and used by some rule."""
        used = {pid for _, pid, _ in self.ps.rules}
        return [p for p in self.cat.parameters.values() if p.comparable and p.id in used]

    def has_compare(self, pid: str) -> bool:
        if self._compare_ids is None:
            self._compare_ids = {p.id for p in self.compare_params()}
        return pid in self._compare_ids

    def pending_entries(self, code: str) -> list[Entry]:
        """Own planned/draft/unknown-status entries no later in-force entry superseded."""
        out = []
        for pid, bk in sorted(self.keys_by_region.get(code, ()), key=self.rule_sort):
            entries = self.ps.rules[(code, pid, bk)]
            for e in entries:
                if e.status in IN_FORCE_STATUSES or (e.can_be_in_force and e.begins
                                                     and e.begins <= self.day):
                    continue
                begins = e.begins or ""
                if any(o.status in IN_FORCE_STATUSES and (o.begins or "") > begins
                       for o in entries):
                    continue
                out.append(e)
        return out

    # -- value rendering ------------------------------------------------------------
    def badge(self, status: str) -> str:
        return (f'<span class="pk-badge pk-s-{esc(status)}">'
                f"{esc(display.STATUS_ZH.get(status, status))}</span>")

    def value_html(self, e: Entry, page: str, *, diseases_full: bool = False) -> str:
        v = e.value
        if v.is_unknown:
            return ('<span class="pk-unknown">未公布</span>'
                    f'<span class="pk-reason">（{esc(v.text or "原因不详")}）</span>')
        if v.kind == "diseases" and v.diseases is not None:
            dl = v.diseases
            out = f'<strong class="pk-value">{esc(display.disease_count_zh(dl))}</strong>'
            if not dl.complete:
                out += '<span class="pk-reason">（名单不完整）</span>'
            if diseases_full and dl.items:
                items = []
                for d in dl.items:
                    link = page_url(page, disease_page(disease_key(d)))
                    extra = []
                    if d.normalized and d.normalized != d.name:
                        extra.append(f"规范名称：{esc(d.normalized)}")
                    if d.nhsa_code:
                        extra.append(f"国家编码 {esc(d.nhsa_code)}"
                                     + ("（对应关系为推断）" if d.mapping == "inferred" else ""))
                    if d.annual_limit is not None:
                        extra.append(f"年度限额 {esc(display.group(d.annual_limit))} 元")
                    tail = f'<span class="pk-reason">（{"；".join(extra)}）</span>' if extra else ""
                    items.append(f'<li><a href="{link}">{esc(d.name)}</a>{tail}</li>')
                out += f'<ul class="pk-diseases">{"".join(items)}</ul>'
            return out
        return f'<strong class="pk-value">{esc(self.value_text(e))}</strong>'

    def resolved_html(self, r: Resolved, code: str, page: str, *,
                      diseases_full: bool = False, with_period: bool = False) -> str:
        e = r.entry
        out = self.value_html(e, page, diseases_full=diseases_full)
        if e.status != "in_force":
            out += " " + self.badge(e.status)
        if e.obtained != "stated":
            out += f' <span class="pk-badge pk-obtained">{esc(display.OBTAINED_ZH[e.obtained])}</span>'
        if r.origin != code:
            out += (f'<div class="pk-origin">继承自 '
                    f"{self.region_link(page, r.origin, rule_anchor(e.parameter, e.breakdown_items))}"
                    "</div>")
        for f in r.floors:
            if f.entry is e:
                continue
            out += (f'<div class="pk-floor">{esc(self.value_text(f.entry))}（'
                    f"{self.region_link(page, f.origin, rule_anchor(f.entry.parameter, f.entry.breakdown_items))}）</div>")
        if with_period:  # a comparison cell: the period and how it is known on one line
            return out + self._period_known_html(r)
        return out + self.known_html(r)

    def _period_known_html(self, r: Resolved) -> str:
        """The period, then how the value is known (comparison cells, hundreds to a
        page): where the last confirmation is the first day the period shows, only
        "此后未核实（已 …）" follows it."""
        e = r.entry
        text = display.temporary_zh(e) or display.period_zh(e)
        c = self.ps.confirmation(r, self.day)
        cls = "pk-period"
        if c.carried:
            age = display.age_zh(c.age_months()).replace(" ", "")  # 5年3个月
            if c.confirmed_on != e.begins:
                text += f"；据 {c.confirmed_on} 资料"
            text += f"，此后{age}未核实"
            if c.stale(self.inp.stale_years):
                text += f"，{display.STALE_ZH}"
                cls += " pk-outdated"
        return f'<div class="{cls}">{esc(text)}</div>'

    def entry_known_html(self, e: Entry) -> str:
        """`known_html` of an entry listed as in force on the as-of day (disease lists);
        "" for one not yet in force (a pending draft or plan)."""
        if not e.can_be_in_force or e.begins is None or e.begins > self.day:
            return ""
        return self.known_html(Resolved(e, e.region))

    def known_html(self, r: Resolved) -> str:
        """How the value is known on the as-of day (timeline rule 6) and, for a temporary
        measure without an end, that its end is unknown."""
        out = ""
        temporary = display.temporary_zh(r.entry)
        if temporary:
            out += f'<div class="pk-temporary">{esc(temporary)}</div>'
        c = self.ps.confirmation(r, self.day)
        known = display.confirmation_zh(c, self.inp.stale_years)
        if known:
            cls = "pk-known pk-outdated" if c.stale(self.inp.stale_years) else "pk-known"
            out += (f'<div class="{cls}" data-confirmed-on="{esc(c.confirmed_on)}">'
                    f"{esc(known)}</div>")
        return out

    def source_html(self, e: Entry, page: str) -> str:
        head, tail = self._source_parts(e.source)
        inner = [head, f"<blockquote>{esc(e.quote)}</blockquote>"]
        if e.obtained != "stated":
            inner.append(f"<p>{esc(display.OBTAINED_ZH[e.obtained])}："
                         f"{esc(e.derivation or '')}</p>")
        if e.note:
            inner.append(f"<p>备注：{esc(e.note)}</p>")
        if e.checked_on:
            inner.append(f"<p>最后核对于 {esc(e.checked_on)}</p>")
        inner.append(tail)
        return "".join(inner)

    def source_title(self, e: Entry) -> str:
        src = self.ps.sources.get(e.source)
        return src.title if src else e.source

    def _source_parts(self, source_id: str) -> tuple[str, str]:
        """The HTML of a source before and after the entry's own lines (quote, notes):
        the same for every value citing it, so made once per source."""
        parts = self._sources_html.get(source_id)
        if parts is not None:
            return parts
        src: Source | None = self.ps.sources.get(source_id)
        if src is None:
            title = esc(source_id)
            head = title
        else:
            title = esc(src.title)
            head = f'<a href="{esc(src.url)}" rel="noopener">{title}</a>' if src.url else title
        bits = []
        if src is not None:
            bits.append(esc(src.issuer))
            if src.doc_number:
                bits.append(esc(src.doc_number))
            if src.date:
                bits.append(esc(src.date))
            bits.append(esc(KIND_ZH.get(src.kind, src.kind)))
        short = esc(_shorten(src.title if src else source_id, 18))
        before = [f'<details class="pk-src"><summary>{short}</summary>',
                  f'<p class="pk-src-title">{head}</p>']
        if bits:
            before.append(f'<p class="pk-src-meta">{"，".join(bits)}</p>')
        after = []
        if src is not None and src.seed:
            after.append(f'<p class="pk-src-meta">项目存档原文：{esc(src.seed)}</p>')
        via = self.ps.sources.get(src.via) if src is not None and src.via else None
        if via is not None:
            after.append(f'<p class="pk-src-meta">摘录核对自：{esc(via.title)}'
                         f'{"（非官方转录）" if via.official is False else ""}</p>')
        if src is not None and src.official is False:
            after.append('<p class="pk-src-meta">非官方来源</p>')
        after.append("</details>")
        parts = self._sources_html[source_id] = ("".join(before), "".join(after))
        return parts


def _shorten(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
