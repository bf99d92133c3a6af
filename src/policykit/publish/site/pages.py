"""PolicySet + dated changes → the public site as plain Markdown pages and data files.

No mkdocs import here: the output is a mapping {docs-relative path: text} plus a nav tree,
which `mkdocs_build` hands to mkdocs-material (or a successor generator could consume).

Pages are Markdown with HTML blocks. Every string that comes from the YAML is escaped
where it lands: `html.escape` inside HTML, `md_text` (HTML-escape + Markdown punctuation
escape) in Markdown headings, and JSON (with <, >, & as \\u escapes) inside <script>.
Links inside HTML blocks are written as final directory URLs (`page_url`), because
mkdocs does not rewrite links in raw HTML; a test checks every built link resolves.

What a page shows is decided with `PolicySet.resolve` / `Track.at` only (the one
value-in-force rule in `timeline.py`); the date picker on comparison pages swaps in
values resolved here at every date where the value can change.
"""

from __future__ import annotations

import html
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from policykit.model import display
from policykit.model.changes import RuleChange
from policykit.publish.chart import Segment, Series, step_chart
from policykit.publish.feed import FeedEntry, atom_feed
from policykit.model.entities import (
    IN_FORCE_STATUSES,
    NATIONAL,
    Breakdown,
    Disease,
    Entry,
    Parameter,
    Region,
    Source,
)
from policykit.model.policyset import PolicySet
from policykit.model.timeline import Resolved

SITE_NAME = "医保政策比较"
LEVEL_ZH = {"national": "全国", "province": "省级", "prefecture": "地级", "county": "县级"}
KIND_ZH = {"regulation": "法规", "notice": "通知", "work_report": "工作报告", "news": "新闻报道",
           "press_release": "新闻发布会", "template": "非官方范文模板", "dataset": "数据集",
           "secondary": "二手转述"}
# A comparison table with more rows than this is split into one page per province.
MAX_COMPARE_ROWS = 300
# Date-picker data larger than this (bytes) goes to a JSON file fetched on demand.
PICKER_INLINE_MAX = 40_000
# Change-list pages hold at most this many events (the newest on the index page).
CHANGES_PER_PAGE = 300
# At most this many archive pages of older changes (30,000 changes); the rest are in
# api/v1/changes.json and in each region's history (3,000 regions have 460,000 changes:
# 1,500 pages nobody pages through, a quarter of the build).
MAX_CHANGE_PAGES = 100
LATEST_ON_HOME = 10
FEED_SIZE = 50
STALE_DAYS = 730
NUMERIC_KINDS = ("ratio", "amount", "number", "count", "duration")
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


# ----------------------------------------------------------------------------- output
@dataclass(frozen=True, slots=True)
class NavItem:
    title: str                       # already HTML-escaped
    path: str | None = None          # docs-relative page, e.g. regions/440000.md
    children: tuple[NavItem, ...] = ()


@dataclass(frozen=True, slots=True)
class Download:
    path: str                        # docs-relative, e.g. downloads/rules.csv
    size: int


@dataclass(frozen=True)
class SiteInput:
    as_of: str                                   # YYYY-MM-DD: "today" for the pages
    site_url: str                                # absolute, ending with /
    changes: Sequence[RuleChange]
    handwritten: Mapping[str, str] = field(default_factory=dict)   # site_src/pages
    rules: Sequence[Any] = ()                    # checks.RULES (id, severity, titles, rationale)
    codes: Sequence[Any] = ()                    # codes.CODES values
    format_guide: str | None = None              # docs/format.md
    # The download files, or a call giving them (waits until they are written).
    downloads: Sequence[Download] | Callable[[], Sequence[Download]] = ()
    api_examples: Mapping[str, str] = field(default_factory=dict)  # api path → excerpt


@dataclass(frozen=True)
class SiteContent:
    files: Mapping[str, str]
    nav: tuple[NavItem, ...]


class WrittenFiles(MutableMapping[str, str]):
    """{docs-relative path: text} kept on disk, not in memory: each page is written
    under `folder` as it is generated (3,000 region pages are gigabytes as str).
    A file already holding the same bytes is not rewritten, so its mtime stays."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.sizes: dict[str, int] = {}            # path → bytes written

    def __setitem__(self, rel: str, text: str) -> None:
        data = text.encode("utf-8")
        write_if_changed(self.folder / rel, data)
        self.sizes[rel] = len(data)

    def __getitem__(self, rel: str) -> str:
        if rel not in self.sizes:
            raise KeyError(rel)
        return (self.folder / rel).read_text(encoding="utf-8")

    def __delitem__(self, rel: str) -> None:
        del self.sizes[rel]
        (self.folder / rel).unlink()

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self.sizes))

    def __len__(self) -> int:
        return len(self.sizes)

    def __contains__(self, rel: object) -> bool:
        return rel in self.sizes


def write_if_changed(target: Path, data: bytes) -> bool:
    """Write `data` to `target` unless it already holds exactly these bytes (then its
    mtime is kept). True if written."""
    try:
        if target.stat().st_size == len(data) and target.read_bytes() == data:
            return False
    except OSError:
        target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return True


# ----------------------------------------------------------------------------- escaping
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~])")


@lru_cache(maxsize=1 << 16)
def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def esc(text: object) -> str:
    # Names, labels and values repeat across thousands of pages: escaping is cached.
    return _esc(str(text))


def md_text(text: str) -> str:
    """Plain text for a Markdown heading or paragraph: HTML-escaped, Markdown-inert."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


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


# ----------------------------------------------------------------------------- generator
class _Site:
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
        self._columns: dict[str, set[Breakdown]] = defaultdict(set)
        for _, pid, bk in ps.rules:
            self._columns[pid].add(bk)
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
        if with_period:
            out += f'<div class="pk-period">{esc(display.period_zh(e))}</div>'
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
        if src is not None and src.official is False:
            after.append('<p class="pk-src-meta">非官方来源</p>')
        after.append("</details>")
        parts = self._sources_html[source_id] = ("".join(before), "".join(after))
        return parts

    # -- pages ------------------------------------------------------------------------
    def generate(self) -> SiteContent:
        provinces = self.provinces()
        self.region_pages()
        self.regions_index(provinces)
        self.compare_pages()
        self.diseases_pages()
        self.changes_pages()
        self.home(provinces)
        self.handwritten_pages()
        self.rules_page()
        if self.inp.format_guide is not None:
            self.files["format.md"] = self.inp.format_guide
        self.files["feed.xml"] = self.feed()
        nav = (
            NavItem("首页", "index.md"),
            NavItem("地区", None, (NavItem("全部地区", "regions/index.md"), *tuple(NavItem(esc(self.name(p)), region_page(p)) for p in provinces))),
            NavItem("比较", "compare/index.md"),
            NavItem("病种", "diseases/index.md"),
            NavItem("变更", "changes/index.md"),
            NavItem("下载与接口", None, (NavItem("数据下载", "downloads.md"),
                                    NavItem("JSON 接口", "api.md"))),
            NavItem("说明", None, (NavItem("关于本站", "about.md"),
                                 NavItem("数据格式", "format.md"),
                                 NavItem("检查规则", "rules.md"))),
        )
        if self.inp.format_guide is None:
            nav = (*nav[:-1], NavItem("说明", None, (NavItem("关于本站", "about.md"), NavItem("检查规则", "rules.md"))))
        files = dict(sorted(self.files.items())) if isinstance(self.files, dict) else self.files
        return SiteContent(files, nav)

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

    # region pages -------------------------------------------------------------------
    def region_pages(self) -> None:
        for code in sorted(self.ps.regions):
            self.files[region_page(code)] = self.region_page(code)

    def breadcrumbs(self, code: str, page: str) -> str:
        chain = []
        seen: set[str] = set()
        cur = self.ps.regions[code].parent
        while cur is not None and cur in self.ps.regions and cur not in seen:
            seen.add(cur)
            chain.append(cur)
            cur = self.ps.regions[cur].parent
        links = [self.region_link(page, c) for c in reversed(chain) if c != NATIONAL]
        return " › ".join([*links, esc(self.name(code))])

    def region_page(self, code: str) -> str:
        ps, page = self.ps, region_page(code)
        r = ps.regions[code]
        out = [front_matter(r.name.zh, description=f"{r.name.zh}医保缴费、报销、门诊慢特病和医疗救助规则",
                            hide_nav=True),
               f"# {md_text(r.name.zh)}", ""]
        meta = [self.breadcrumbs(code, page) if r.level != "national" else "全国性标准",
                f"{LEVEL_ZH.get(r.level, r.level)}（行政区划代码 {esc(code)}）"]
        if r.pooling_region and r.pooling_region != code:
            meta.append(f"统筹区：{self.region_link(page, r.pooling_region)}")
        if r.valid_from or r.valid_to:
            meta.append(f"代码有效期 {esc(r.valid_from or '…')} 至 {esc(r.valid_to or '今')}")
        checked = f"最后核对于 {esc(r.checked_on)}" if r.checked_on else "未记录核对日期"
        if r.checked_on and _days_between(r.checked_on, self.day) > STALE_DAYS:
            checked += '<span class="pk-badge pk-stale">超过两年未核对</span>'
        meta.append(checked)
        api = file_url(page, f"api/v1/regions/{code}.json")
        meta.append(f'<a href="{api}">JSON 数据</a>')
        out.append(f'<p class="pk-meta">{" · ".join(meta)}</p>')
        out.append("")
        if r.note:
            out += [f'<p class="pk-note">{esc(r.note)}</p>', ""]
        children = self.children(code)
        if children:
            out += ["## 下辖地区", "", self.region_list(children, page), ""]
        rows = self.in_force(code)
        out.append(f'<p class="pk-legend-text" data-search-exclude="true">以下为 <strong>{esc(self.day)}</strong> 有效的规则。'
                   "“继承自”表示本地区没有单独规定、沿用上级或统筹区的规定；“未公布”表示来源没有给出该数字；"
                   "“不低于/不高于”是上级规定的底线或上限。点击出处可查看原文摘录。</p>")
        out.append("")
        by_area: dict[str, list[tuple[str, Breakdown]]] = defaultdict(list)
        for key in rows:
            p = self.param(key[0])
            by_area[p.area if p else "other"].append(key)
        if not rows:
            out += ['<p class="pk-empty">本站尚未收录本地区有效的规则。</p>', ""]
        for area, label in self.cat.areas:
            keys = by_area.get(area)
            if not keys:
                continue
            out += [f"## {md_text(label.zh)} {NO_SEARCH}", "",
                    unsearched(self.rules_table(code, keys, rows, page)), ""]
        pending = self.pending_entries(code)
        if pending:
            out += [f"## 计划、草案与状态不明的规定 {NO_SEARCH}", "",
                    '<p class="pk-legend-text">这些规定尚未生效或状态不明，不计入上面的现行规则。</p>',
                    "", unsearched(self.entries_table(pending, page, show_rule=True)), ""]
        out += self.history_section(code, page)
        out += self.missing_section(code, rows)
        return "\n".join(out) + "\n"

    def region_list(self, regions: Iterable[Region], page: str) -> str:
        items = []
        for c in regions:
            sub = self.children(c.code)
            tail = ""
            if sub:
                tail = "：" + "、".join(self.region_link(page, s.code) for s in sub)
            items.append(f"<li>{self.region_link(page, c.code)}{tail}</li>")
        return f'<ul class="pk-regions">{"".join(items)}</ul>'

    def rules_table(self, code: str, keys: list[tuple[str, Breakdown]],
                    rows: Mapping[tuple[str, Breakdown], Resolved], page: str) -> str:
        body = []
        for key in keys:
            r = rows[key]
            pid, bk = key
            label = esc(self.rule_label(pid, bk))
            p = self.param(pid)
            if p is not None and p.comparable and self.has_compare(pid):
                label = f'<a href="{page_url(page, compare_page(pid))}" title="各地比较">{label}</a>'
            anchor = f' id="{esc(rule_anchor(pid, bk))}"' if r.origin == code else ""
            body.append(
                f"<tr{anchor}>"
                f'<td data-label="规则">{label}</td>'
                f'<td data-label="现行数值">{self.resolved_html(r, code, page, diseases_full=True)}</td>'
                f'<td data-label="生效时间">{esc(display.period_zh(r.entry))}</td>'
                f'<td data-label="出处">{self.source_html(r.entry, page)}</td></tr>')
        return ('<div class="pk-tablewrap"><table class="pk-table pk-stack"><thead><tr><th>规则</th>'
                "<th>现行数值</th><th>生效时间</th><th>出处</th></tr></thead><tbody>"
                + "".join(body) + "</tbody></table></div>")

    def entries_table(self, entries: Sequence[Entry], page: str, *, show_rule: bool) -> str:
        body = []
        for e in entries:
            rule = (f'<td data-label="规则">{esc(self.rule_label(e.parameter, e.breakdown_items))}</td>'
                    if show_rule else "")
            body.append(
                f"<tr>{rule}<td data-label=\"时间\">{esc(display.period_zh(e))}</td>"
                f'<td data-label="数值">{self.value_html(e, page, diseases_full=show_rule)} '
                f"{self.badge(e.status)}</td>"
                f'<td data-label="出处">{self.source_html(e, page)}</td></tr>')
        head = "<th>规则</th>" if show_rule else ""
        return (f'<div class="pk-tablewrap"><table class="pk-table pk-stack"><thead><tr>{head}'
                "<th>时间</th><th>数值</th><th>出处</th></tr></thead><tbody>"
                + "".join(body) + "</tbody></table></div>")

    def pending_entries(self, code: str) -> list[Entry]:
        """Own planned/draft/unknown-status entries no later in-force entry superseded."""
        out = []
        for pid, bk in sorted(self.keys_by_region.get(code, ()), key=self.rule_sort):
            entries = self.ps.rules[(code, pid, bk)]
            for e in entries:
                if e.status in IN_FORCE_STATUSES:
                    continue
                begins = e.begins or ""
                if any(o.status in IN_FORCE_STATUSES and (o.begins or "") > begins
                       for o in entries):
                    continue
                out.append(e)
        return out

    def history_section(self, code: str, page: str) -> list[str]:
        keys = sorted(self.keys_by_region.get(code, ()), key=self.rule_sort)
        if not keys:
            return []
        out = [f"## 历史记录 {NO_SEARCH}", "",
               f'<section class="pk-history"{SKIP}>']
        for pid, bk in keys:
            entries = sorted(self.ps.rules[(code, pid, bk)], key=lambda e: (e.begins or "", e.status))
            out.append(f'<details class="pk-hist" id="h-{esc(rule_anchor(pid, bk))}">'
                       f"<summary>{esc(self.rule_label(pid, bk))}（{len(entries)} 条）</summary>"
                       + self.entries_table(entries, page, show_rule=False) + "</details>")
        out += ["</section>", ""]
        return out

    def missing_section(self, code: str, rows: Mapping[tuple[str, Breakdown], Resolved]) -> list[str]:
        have = {pid for pid, _ in rows} | {pid for pid, _ in self.keys_by_region.get(code, ())}
        missing = [p for pid, p in self.cat.parameters.items() if pid not in have]
        if not missing or self.ps.regions[code].level == "national":
            return []
        labels = "、".join(esc(self.rule_label(p.id, ())) for p in missing)
        return ['<details class="pk-missing" data-search-exclude="true">'
                f"<summary>本站尚未收录本地区的 {len(missing)} 项规则</summary>"
                f"<p>{labels}</p><p>未收录不等于没有规定：只是还没有人把来源录入本站。</p></details>", ""]

    def regions_index(self, provinces: list[str]) -> None:
        page = "regions/index.md"
        out = [front_matter("全部地区"), "# 全部地区", ""]
        if NATIONAL in self.ps.regions:
            out += [f"<p>全国性标准与底线：{self.region_link(page, NATIONAL)}</p>", ""]
        grouped = self.grouped()
        for prov in provinces:
            regs = [r for r in grouped.get(prov, []) if r.parent == prov]
            out += [f"## {md_text(self.name(prov))}", "",
                    f"<p>{self.region_link(page, prov)}（省级规定）</p>",
                    self.region_list(regs, page) if regs else "", ""]
        orphans = grouped.get(None, [])
        if orphans:
            out += ["## 其他地区", "", self.region_list(orphans, page), ""]
        self.files[page] = "\n".join(out) + "\n"

    # comparison pages ------------------------------------------------------------------
    def compare_params(self) -> list[Parameter]:
        used = {pid for _, pid, _ in self.ps.rules}
        return [p for p in self.cat.parameters.values() if p.comparable and p.id in used]

    def has_compare(self, pid: str) -> bool:
        if self._compare_ids is None:
            self._compare_ids = {p.id for p in self.compare_params()}
        return pid in self._compare_ids

    def children(self, code: str) -> list[Region]:
        return self._children.get(code, [])

    def columns(self, pid: str) -> list[Breakdown]:
        bks = self._columns.get(pid, set())
        named = sorted((bk for bk in bks if bk), key=lambda bk: self.rule_sort((pid, bk)))
        return named or [()]

    def steps(self, code: str, pid: str, bk: Breakdown) -> list[tuple[str, Resolved | None]]:
        """The value in force for a cell as a step function: (first day, value) pairs,
        from the policy set's value tables (`PolicySet.segments`)."""
        days, answers = self.ps.segments(code, pid, bk)
        return list(zip(days, answers, strict=True))

    def compare_pages(self) -> list[Parameter]:
        params = self.compare_params()
        rows = sorted(c for c, r in self.ps.regions.items() if r.level != "national")
        index = [front_matter("各地比较"), "# 各地比较", "",
                 "<p>每个可比较的规则一页：各地现行数值的可排序表格、按日期或年份查看历史数值，以及历史走势图。</p>", ""]
        by_area: dict[str, list[Parameter]] = defaultdict(list)
        for p in params:
            by_area[p.area].append(p)
        for area, label in self.cat.areas:
            ps_ = by_area.get(area)
            if not ps_:
                continue
            items = "".join(
                f'<li><a href="{page_url("compare/index.md", compare_page(p.id))}">'
                f"{esc(self.rule_label(p.id, ()))}</a></li>" for p in ps_)
            index += [f"## {md_text(label.zh)}", "", f'<ul class="pk-compare-list">{items}</ul>', ""]
        empty = [p for p in self.cat.parameters.values()
                 if p.comparable and p not in params]
        if empty:
            index += ['<details class="pk-missing" data-search-exclude="true">'
                      f"<summary>另有 {len(empty)} 项可比较的规则尚无任何地区的数据</summary><p>"
                      + "、".join(esc(self.rule_label(p.id, ())) for p in empty) + "</p></details>", ""]
        self.files["compare/index.md"] = "\n".join(index) + "\n"
        for p in params:
            cols = self.columns(p.id)
            if len(rows) * len(cols) <= MAX_COMPARE_ROWS:
                self.files[compare_page(p.id)] = self.compare_page(p, cols, rows, None)
                continue
            by_prov: dict[str, list[str]] = defaultdict(list)
            for c in rows:
                by_prov[self.province_of.get(c) or "other"].append(c)
            self.files[compare_page(p.id)] = self.compare_summary(p, cols, by_prov)
            for prov, codes in sorted(by_prov.items()):
                self.files[compare_page(p.id, prov)] = self.compare_page(p, cols, codes, prov)
        return params

    def compare_head(self, p: Parameter, page: str, title: str) -> list[str]:
        out = [front_matter(title, description=p.description.zh if p.description else None,
                            hide_nav=True),
               f"# {md_text(title)}", ""]
        if p.description:
            out += [f'<p class="pk-note">{esc(p.description.zh)}</p>', ""]
        facts = [f"政策领域：{esc(self.cat.area_label(p.area).zh)}"]
        if p.unit:
            facts.append(f"单位：{esc(p.unit.zh)}")
        facts.append({"better": "数值越高对参保人越有利", "worse": "数值越高参保人负担越重"}.get(
            p.higher_is, "数值高低无好坏之分"))
        facts.append(f'<a href="{file_url(page, f"api/v1/parameters/{p.id}.json")}">JSON 数据</a>')
        out += [f'<p class="pk-meta">{" · ".join(facts)}</p>', ""]
        if NATIONAL in self.ps.regions:
            nat = []
            for bk in self.columns(p.id):
                r = self.ps.value_at(NATIONAL, p.id, self.day, bk)
                if r is not None:
                    lab = display.breakdown_zh(bk, self.cat)
                    nat.append((f"{esc(lab)}：" if lab else "") + esc(self.value_text(r.entry)))
            if nat:
                out += [f'<p class="pk-national">全国标准（{self.region_link(page, NATIONAL)}）：'
                        + "；".join(nat) + "</p>", ""]
        return out

    def compare_summary(self, p: Parameter, cols: list[Breakdown],
                        by_prov: Mapping[str, list[str]]) -> str:
        page = compare_page(p.id)
        title = self.rule_label(p.id, ())
        out = self.compare_head(p, page, title)
        out += [f"<p>地区较多，按省分页。下表为各省 {esc(self.day)} 有效数值的范围（仅计确切数值，不含底线/上限和继承值）。</p>", ""]
        body = []
        for prov, codes in sorted(by_prov.items()):
            nums: list[Decimal] = []
            known = 0
            for c in codes:
                for bk in cols:
                    r = self.ps.value_at(c, p.id, self.day, bk)
                    if r is None:
                        continue
                    known += 1
                    if r.origin == c and r.entry.bound == "exact" and r.entry.value.kind in NUMERIC_KINDS:
                        nums.extend(r.entry.value.numbers())
            name = self.name(prov) if prov in self.ps.regions else "其他地区"
            link = f'<a href="{page_url(page, compare_page(p.id, prov))}">{esc(name)}</a>'
            lo = self.number_text(p, min(nums)) if nums else "—"
            hi = self.number_text(p, max(nums)) if nums else "—"
            body.append(f'<tr><td data-label="省份">{link}</td><td data-label="地区数" data-sort="{len(codes)}">{len(codes)}</td>'
                        f'<td data-label="有数值" data-sort="{known}">{known}</td>'
                        f'<td data-label="最低" data-sort="{min(nums) if nums else ""}">{esc(lo)}</td>'
                        f'<td data-label="最高" data-sort="{max(nums) if nums else ""}">{esc(hi)}</td></tr>')
        out.append('<div class="pk-tablewrap"><table class="pk-table pk-sortable"><thead><tr><th>省份</th>'
                   "<th>地区数</th><th>有数值的单元格</th><th>最低</th><th>最高</th></tr></thead><tbody>"
                   + "".join(body) + "</tbody></table></div>")
        return "\n".join(out) + "\n"

    def number_text(self, p: Parameter, n: Decimal) -> str:
        if p.type == "ratio":
            return display.pct(n)
        if p.type == "amount":
            return display.group(n) + " 元"
        return display.num(n)

    def sort_key(self, r: Resolved | None) -> str:
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

    def compare_cell(self, r: Resolved | None, code: str, page: str) -> str:
        if r is None:
            return '<span class="pk-none">未收录</span>'
        return self.resolved_html(r, code, page, with_period=True)

    def compare_page(self, p: Parameter, cols: list[Breakdown], codes: list[str],
                     province: str | None) -> str:
        page = compare_page(p.id, province)
        title = self.rule_label(p.id, ())
        if province is not None:
            title += "（" + (self.name(province) if province in self.ps.regions else "其他地区") + "）"
        out = self.compare_head(p, page, title)
        if province is not None:
            out += [f'<p><a href="{page_url(page, compare_page(p.id))}">← 返回各省汇总</a></p>', ""]
        cells: list[str] = []
        sorts: list[str] = []
        cell_index: dict[str, int] = {}

        def cell(r: Resolved | None, code: str) -> int:
            h = self.compare_cell(r, code, page)
            if h not in cell_index:
                cell_index[h] = len(cells)
                cells.append(h)
                sorts.append(self.sort_key(r))
            return cell_index[h]

        data_rows = []
        body = []
        first_day = self.day
        last_day = self.day
        series_by_col: list[list[Series]] = [[] for _ in cols]
        absent: list[str] = []
        for code in codes:
            col_steps = [self.steps(code, p.id, bk) for bk in cols]
            if not any(r is not None for steps in col_steps for _, r in steps):
                absent.append(code)      # nothing ever, own or inherited: listed below
                continue
            row_steps = []
            tds = []
            for ci, bk in enumerate(cols):
                steps = col_steps[ci]
                if steps and steps[0][0]:
                    first_day = min(first_day, steps[0][0])
                    last_day = max(last_day, steps[-1][0])
                row_steps.append([[d, cell(r, code)] for d, r in steps])
                now = self.ps.value_at(code, p.id, self.day, bk)
                idx = cell(now, code)
                label = display.breakdown_zh(bk, self.cat) or "数值"
                tds.append(f'<td data-label="{esc(label)}" data-sort="{esc(sorts[idx])}">{cells[idx]}</td>')
                if any(r is not None and r.origin == code for _, r in steps):
                    series_by_col[ci].append(self.series(code, steps))
            data_rows.append({"c": code, "s": row_steps})
            region = self.ps.regions[code]
            body.append(f'<tr data-row="{len(data_rows) - 1}">'
                        f'<td data-label="地区" data-sort="{esc(region.name.zh)}">'
                        f"{self.region_link(page, code)}"
                        f'<span class="pk-level">{esc(LEVEL_ZH.get(region.level, ""))}</span></td>'
                        + "".join(tds) + "</tr>")
        if NATIONAL in self.ps.regions:
            # The national floor/standard, drawn as a reference line (it is not a table row).
            for ci, bk in enumerate(cols):
                steps = self.steps(NATIONAL, p.id, bk)
                if any(r is not None and r.origin == NATIONAL for _, r in steps):
                    if steps[0][0]:
                        first_day = min(first_day, steps[0][0])
                        last_day = max(last_day, steps[-1][0])
                    series_by_col[ci].insert(0, self.series(NATIONAL, steps))
        heads = "".join(f"<th>{esc(display.breakdown_zh(bk, self.cat) or '数值')}</th>" for bk in cols)
        ident = "pk-cmp"
        years = list(range(int(self.day[:4]), int(first_day[:4]) - 1, -1))
        options = [f'<option value="{esc(self.day)}">{self.day[:4]}（{esc(self.day)}）</option>']
        options += [f'<option value="{y}-12-31">{y} 年末</option>' for y in years[1:]]
        out += [f'<form class="pk-when" data-table="{ident}"{SKIP} hidden>'
                f'<label>年份 <select name="year">{"".join(options)}</select></label> '
                f'<label>或日期 <input type="date" name="day" value="{esc(self.day)}" '
                f'min="{esc(first_day)}" max="{esc(max(last_day, self.day))}"></label></form>',
                f'<p class="pk-when-note"{SKIP}>表中为 <strong class="pk-day">{esc(self.day)}</strong> 有效的数值；'
                "点击表头排序。灰色“未收录”表示本站没有该地区的数据。</p>", "",
                unsearched(
                    f'<div class="pk-tablewrap pk-scroll"><table class="pk-table pk-sortable pk-compare" id="{ident}">'
                    f"<thead><tr><th>地区</th>{heads}</tr></thead><tbody>"
                    + "".join(body) + "</tbody></table></div>"),
                self.picker_data(page, ident, {"cells": cells, "sort": sorts, "rows": data_rows}), ""]
        if not data_rows:
            out += ['<p class="pk-empty">这些地区都没有此项数据。</p>', ""]
        if absent:
            names = "、".join(self.region_link(page, c) for c in absent)
            out += [f'<p class="pk-legend-text"{SKIP}>本站未收录以下 {len(absent)} 个地区的此项规则'
                    f"（本地区和上级都没有数据）：{names}</p>", ""]
        charts: list[str] = []
        for ci, bk in enumerate(cols):
            series = series_by_col[ci]
            if not series or p.type not in NUMERIC_KINDS:
                continue
            label = display.breakdown_zh(bk, self.cat)
            fig = step_chart(series, start=first_day, end=max(last_day, self.day),
                             fmt=lambda n: self.number_text(p, n),
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

    def picker_data(self, page: str, ident: str, data: dict[str, Any]) -> str:
        """The date picker's values: inline when small, else a JSON file beside the page
        that the script fetches only when a reader picks another day (a 100-region
        province's history would otherwise be most of the page's bytes)."""
        inline = script_json(data)
        if len(inline) <= PICKER_INLINE_MAX:
            return f'<script type="application/json" id="{ident}-data">{inline}</script>'
        path = page[:-3] + ".values.json"
        self.files[path] = json.dumps(data, ensure_ascii=False, sort_keys=True,
                                      separators=(",", ":")) + "\n"
        return (f'<script type="application/json" id="{ident}-data" '
                f'data-src="{esc(file_url(page, path))}"></script>')

    def series(self, code: str, steps: list[tuple[str, Resolved | None]]) -> Series:
        segs = []
        end_all = max(self.day, steps[-1][0]) if steps else self.day
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
        return Series(self.name(code), tuple(segs))

    # diseases ---------------------------------------------------------------------------
    def disease_lists(self) -> list[tuple[str, Entry, str]]:
        """(region, entry, origin) for every disease list a region has: in force today
        (own or inherited), or its own pending draft/planned list. Unknown values
        (the list was not published) are not lists and are left out."""
        out = []
        dparams = [p.id for p in self.cat.parameters.values() if p.type == "diseases"]
        for code in sorted(self.ps.regions):
            seen: set[int] = set()
            for (pid, _bk), r in self.in_force(code).items():
                # An "unknown" (未公布) value of a disease parameter is no list.
                if pid in dparams and r.entry.value.diseases is not None:
                    out.append((code, r.entry, r.origin))
                    seen.add(id(r.entry))
            for e in self.pending_entries(code):
                if e.parameter in dparams and e.value.diseases is not None and id(e) not in seen:
                    out.append((code, e, code))
        return out

    def diseases_pages(self) -> None:
        lists = self.disease_lists()
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
                index += [self.disease_lists_table(lists, page), ""]
            else:
                # At scale the lists go one page per province; the index keeps a summary.
                by_prov = self.by_province(lists, lambda item: item[0])
                index += [self.province_summary(
                    page, by_prov, "diseases/regions/{}.md", "名单数",
                    "<p>地区较多，按省分页：</p>"), ""]
                for prov, items in by_prov.items():
                    sub = f"diseases/regions/{prov}.md"
                    title = f"门诊慢特病名单（{self.province_name(prov)}）"
                    self.files[sub] = "\n".join([
                        front_matter(title), f"# {md_text(title)}", "",
                        f'<p><a href="{page_url(sub, page)}">← 全部病种</a></p>', "",
                        self.disease_lists_table(items, sub), ""])
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
        self.files[page] = "\n".join(index) + "\n"
        for k, items in by_key.items():
            self.disease_page(k, names[k], items)

    def disease_lists_table(self, lists: Sequence[tuple[str, Entry, str]], page: str) -> str:
        rows = []
        for code, e, origin in lists:
            assert e.value.diseases is not None
            inh = f"（继承自 {self.region_link(page, origin)}）" if origin != code else ""
            rows.append(f'<tr><td data-label="地区">{self.region_link(page, code)}{inh}</td>'
                        f'<td data-label="名单">{esc(display.disease_count_zh(e.value.diseases))}</td>'
                        f'<td data-label="状态">{self.badge(e.status)}</td></tr>')
        return unsearched('<div class="pk-tablewrap"><table class="pk-table pk-stack"><thead><tr><th>地区</th>'
                          "<th>名单</th><th>状态</th></tr></thead><tbody>" + "".join(rows)
                          + "</tbody></table></div>")

    def by_province(self, items: Iterable[Any], code_of: Any) -> dict[str, list[Any]]:
        """Items grouped by the province of their region ("other": none), sorted."""
        out: dict[str, list[Any]] = defaultdict(list)
        for item in items:
            out[self.province_of.get(code_of(item)) or "other"].append(item)
        return dict(sorted(out.items()))

    def province_name(self, prov: str) -> str:
        return self.name(prov) if prov in self.ps.regions else "其他地区"

    def province_summary(self, page: str, by_prov: Mapping[str, Sequence[Any]], pattern: str,
                         count_label: str, intro: str) -> str:
        rows = "".join(
            f'<tr><td data-label="省份"><a href="{page_url(page, pattern.format(prov))}">'
            f"{esc(self.province_name(prov))}</a></td>"
            f'<td data-label="{count_label}" data-sort="{len(items)}">{len(items)}</td></tr>'
            for prov, items in by_prov.items())
        return (intro + '<div class="pk-tablewrap"><table class="pk-table pk-sortable"><thead><tr>'
                f"<th>省份</th><th>{count_label}</th></tr></thead><tbody>{rows}</tbody></table></div>")

    def disease_page(self, k: str, d: Disease, items: list[tuple[str, Entry, str, Disease]]) -> None:
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
            self.files[page] = "\n".join([*head, self.disease_table(items, page)]) + "\n"
            return
        # At scale: one page per province, the disease page keeps a per-province count.
        by_prov = self.by_province(items, lambda item: item[0])
        pattern = "diseases/" + k + "/{}.md"
        self.files[page] = "\n".join([*head, self.province_summary(
            page, by_prov, pattern, "地区数", "<p>地区较多，按省分页：</p>")]) + "\n"
        for prov, sub_items in by_prov.items():
            sub = pattern.format(prov)
            sub_title = f"{title}（{self.province_name(prov)}）"
            self.files[sub] = "\n".join([
                front_matter(sub_title, description=f"哪些地区把{title}列入门诊慢特病"),
                f"# {md_text(sub_title)}", "",
                f'<p><a href="{page_url(sub, page)}">← 返回各省汇总</a></p>', "",
                self.disease_table(sub_items, sub)]) + "\n"

    def disease_table(self, items: Sequence[tuple[str, Entry, str, Disease]], page: str) -> str:
        rows = []
        for code, e, origin, item in items:
            assert e.value.diseases is not None
            local = esc(item.name) + (f"（{esc(item.note)}）" if item.note else "")
            limit = f"{esc(display.group(item.annual_limit))} 元" if item.annual_limit is not None else "未公布"
            inh = f'<div class="pk-origin">继承自 {self.region_link(page, origin)}</div>' if origin != code else ""
            rows.append(f'<tr><td data-label="地区">{self.region_link(page, code)}{inh}</td>'
                        f'<td data-label="当地名称">{local}</td>'
                        f'<td data-label="年度限额">{limit}</td>'
                        f'<td data-label="名单">{esc(display.disease_count_zh(e.value.diseases))} '
                        f"{self.badge(e.status)}</td>"
                        f'<td data-label="出处">{self.source_html(e, page)}</td></tr>')
        return unsearched('<div class="pk-tablewrap"><table class="pk-table pk-stack"><thead><tr><th>地区</th>'
                          "<th>当地名称</th><th>年度限额</th><th>名单</th><th>出处</th></tr></thead><tbody>"
                          + "".join(rows) + "</tbody></table></div>")

    # changes ------------------------------------------------------------------------------
    def change_html(self, c: RuleChange, page: str) -> str:
        e = c.entry
        label = esc(self.rule_label(e.parameter, e.breakdown_items))
        anchor = rule_anchor(e.parameter, e.breakdown_items)
        value = self.value_html(e, page)
        if c.previous is not None:
            was = esc(self.value_text(c.previous.entry))
            if c.previous.origin != c.region:
                was += f"，继承自 {self.region_link(page, c.previous.origin)}"
            value += f'<span class="pk-reason">（原为 {was}）</span>'
        value += " " + self.badge(e.status)
        return (f'<li class="pk-change"><time datetime="{esc(c.date)}">{esc(e.start or c.date)}</time> '
                f"{self.region_link(page, c.region)} · "
                f'<a href="{page_url(page, region_page(c.region), "h-" + anchor)}">{label}</a>：{value}</li>')

    def changes_pages(self) -> None:
        changes = list(self.inp.changes)
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
        out.append(self.change_list(head, page))
        if pages:
            links = "".join(f'<li><a href="{page_url(page, p)}">{esc(t)}</a></li>' for p, t, _ in pages)
            out += ["", "## 更早的变更", "", f"<ul>{links}</ul>"]
        if left_out:
            out += ["", f'<p class="pk-legend-text">另有更早的 {left_out} 条变更未列在网页上，见 '
                    f'<a href="{file_url(page, "api/v1/changes.json")}">changes.json</a> '
                    "和各地区页面的历史记录。</p>"]
        self.files[page] = "\n".join(out) + "\n"
        for path, title, items in pages:
            body = [front_matter(title, search_exclude=True), f"# {md_text(title)}", "",
                    f'<p><a href="{page_url(path, page)}">← 最新变更</a></p>', "",
                    self.change_list(items, path)]
            self.files[path] = "\n".join(body) + "\n"

    def change_list(self, changes: Sequence[RuleChange], page: str) -> str:
        if not changes:
            return '<p class="pk-empty">暂无变更记录。</p>'
        return f'<ul class="pk-changes">{"".join(self.change_html(c, page) for c in changes)}</ul>'

    def feed(self) -> str:
        base = self.inp.site_url
        entries = []
        for c in [c for c in self.inp.changes if c.date <= self.day][:FEED_SIZE]:
            e = c.entry
            p = self.param(e.parameter)
            label = self.rule_label(e.parameter, e.breakdown_items)
            status = display.STATUS_ZH.get(e.status, e.status)
            title = f"{self.name(c.region)} · {label}：{self.value_text(e)}（自 {e.start} 起，{status}）"
            was = f"原为 {self.value_text(c.previous.entry)}。" if c.previous is not None else ""
            summary = f"{title}。{was}出处：{self._source_title(e)}「{e.quote}」"
            link = base + page_url("index.md", region_page(c.region),
                                   "h-" + rule_anchor(e.parameter, e.breakdown_items))
            bk = ",".join(f"{k}={v}" for k, v in c.breakdown)
            key = f"{c.region}/{c.parameter}/{bk}/{c.date}/{e.status}"
            entries.append(FeedEntry(
                id="urn:policykit:change:" + quote(key, safe="/=,._-"), title=title,
                updated=c.date, link=link, summary=summary,
                category=self.cat.area_label(p.area if p else "other").zh))
        data = atom_feed(feed_id=base + "feed.xml", title=f"{SITE_NAME}：规则变更",
                         subtitle="各地医保规则的变化，每条都有出处", self_url=base + "feed.xml",
                         site_url=base + "changes/", author="policykit", entries=entries,
                         updated=self.day)
        return data.decode("utf-8")

    def _source_title(self, e: Entry) -> str:
        src = self.ps.sources.get(e.source)
        return src.title if src else e.source

    # home, hand-written and generated documentation pages ------------------------------
    def home(self, provinces: list[str]) -> None:
        page = "index.md"
        grouped = self.grouped()
        small = len(self.ps.regions) <= 500
        blocks = []
        for prov in provinces:
            regs = [r for r in grouped.get(prov, []) if r.parent == prov]
            items = []
            for r in regs:
                sub = self.children(r.code) if small else []
                tail = "（" + "、".join(self.region_link(page, s.code) for s in sub) + "）" if sub else ""
                items.append(self.region_link(page, r.code) + tail)
            blocks.append(f'<li><strong>{self.region_link(page, prov)}</strong>：'
                          + ("、".join(items) if items else "暂无下辖地区数据") + "</li>")
        orphans = grouped.get(None, [])
        if orphans:
            blocks.append("<li><strong>其他</strong>：" + "、".join(
                self.region_link(page, r.code) for r in orphans) + "</li>")
        nat = (f"<p>全国性标准：{self.region_link(page, NATIONAL)}</p>"
               if NATIONAL in self.ps.regions else "")
        regions_html = nat + f'<ul class="pk-provinces">{"".join(blocks)}</ul>'
        latest = [c for c in self.inp.changes if c.date <= self.day][:LATEST_ON_HOME]
        changes_html = self.change_list(latest, page) + (
            f'<p><a href="{page_url(page, "changes/index.md")}">全部变更</a> · '
            f'<a href="{file_url(page, "feed.xml")}">Atom 订阅</a></p>')
        n_rules = len(self.ps.rules)
        stats = (f'<p class="pk-meta">收录 {len(self.ps.regions)} 个地区、{n_rules} 条规则、'
                 f"{sum(len(v) for v in self.ps.rules.values())} 个带出处的数值；数据日期 {esc(self.day)}。</p>")
        text = self.inp.handwritten.get("index.md", "# " + SITE_NAME + "\n\n<!-- policykit:stats -->\n\n"
                                        "## 各地规则\n\n<!-- policykit:regions -->\n\n"
                                        "## 最新变更\n\n<!-- policykit:changes -->\n")
        self.files[page] = fill(text, {"regions": regions_html, "changes": changes_html,
                                       "stats": stats})

    def handwritten_pages(self) -> None:
        parts = {"downloads": self.downloads_html(), "api-examples": self.api_examples_html(),
                 "as-of": esc(self.day)}
        for path, text in sorted(self.inp.handwritten.items()):
            if path == "index.md":
                continue
            self.files[path] = fill(text, parts)
        for path, title in (("about.md", "关于本站"), ("downloads.md", "数据下载"),
                            ("api.md", "JSON 接口")):
            if path not in self.files:
                self.files[path] = front_matter(title) + f"# {title}\n\n" + (
                    parts["downloads"] if path == "downloads.md" else
                    parts["api-examples"] if path == "api.md" else "") + "\n"

    def downloads_html(self) -> str:
        given = self.inp.downloads
        downloads = given() if callable(given) else given
        if not downloads:
            return '<p class="pk-empty">本次构建没有生成下载文件。</p>'
        rows = []
        for d in sorted(downloads, key=lambda d: d.path):
            kind = d.path.rsplit(".", 1)[-1].upper()
            rows.append(f'<tr><td data-label="文件"><a href="{file_url("downloads.md", d.path)}">'
                        f"{esc(d.path)}</a></td><td data-label=\"格式\">{esc(kind)}</td>"
                        f'<td data-label="大小">{_size(d.size)}</td></tr>')
        return ('<div class="pk-tablewrap"><table class="pk-table pk-stack"><thead><tr><th>文件</th><th>格式</th>'
                "<th>大小</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table></div>")

    def api_examples_html(self) -> str:
        if not self.inp.api_examples:
            return '<p class="pk-empty">本次构建没有生成 JSON 接口文件。</p>'
        out = []
        for path, excerpt in sorted(self.inp.api_examples.items()):
            out.append(f'<h3>{esc(path)}</h3><p><a href="{file_url("api.md", path)}">{esc(path)}</a>'
                       f'（节选）</p><pre><code>{esc(excerpt)}</code></pre>')
        return "".join(out)

    def rules_page(self) -> None:
        out = [front_matter("检查规则"), "# 检查规则", "",
               "<p>每次构建前，policykit 都会用下列规则检查数据；有错误时拒绝发布。"
               "本页由代码中的规则目录自动生成。</p>", "", "## 一致性规则", ""]
        if self.inp.rules:
            rows = "".join(
                f'<tr><td data-label="代码"><code>{esc(r.id)}</code></td>'
                f'<td data-label="级别">{esc(r.severity)}</td>'
                f'<td data-label="名称">{esc(r.title_zh)}<br><small>{esc(r.title_en)}</small></td>'
                f'<td data-label="依据">{esc(r.rationale)}</td></tr>' for r in self.inp.rules)
            out.append('<div class="pk-tablewrap"><table class="pk-table pk-stack"><thead><tr><th>代码</th>'
                       "<th>级别</th><th>名称</th><th>依据</th></tr></thead><tbody>" + rows
                       + "</tbody></table></div>")
        else:
            out.append('<p class="pk-empty">规则目录暂为空。</p>')
        if self.inp.codes:
            rows = "".join(
                f'<tr><td data-label="代码"><code>{esc(c.code)}</code></td>'
                f'<td data-label="级别">{esc(c.severity)}</td>'
                f'<td data-label="名称">{esc(c.title_zh)}<br><small>{esc(c.title_en)}</small></td>'
                f'<td data-label="信息">{esc(c.zh)}</td></tr>' for c in self.inp.codes)
            out += ["", "## 加载与结构校验", "",
                    '<div class="pk-tablewrap"><table class="pk-table pk-stack"><thead><tr><th>代码</th>'
                    "<th>级别</th><th>名称</th><th>信息</th></tr></thead><tbody>" + rows
                    + "</tbody></table></div>"]
        self.files["rules.md"] = "\n".join(out) + "\n"


# ----------------------------------------------------------------------------- helpers
_MARKER = re.compile(r"<!--\s*policykit:([a-z-]+)\s*-->")


def fill(text: str, parts: Mapping[str, str]) -> str:
    """Replace `<!-- policykit:NAME -->` markers in a hand-written page."""
    return _MARKER.sub(lambda m: parts.get(m.group(1), m.group(0)), text)


def _shorten(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / 1024 / 1024:.1f} MB"


def _days_between(a: str, b: str) -> int:
    import datetime as dt

    try:
        return (dt.date.fromisoformat(b) - dt.date.fromisoformat(a[:10])).days
    except ValueError:
        return 0


def generate(ps: PolicySet, inp: SiteInput, docs_dir: Path | None = None) -> SiteContent:
    """The whole site as {path: text} and a nav tree (provinces only). With `docs_dir`
    each file is written there as soon as it is generated (unchanged files are left
    alone) and `files` is a `WrittenFiles` reading them back on demand."""
    return _Site(ps, inp, None if docs_dir is None else WrittenFiles(docs_dir)).generate()

