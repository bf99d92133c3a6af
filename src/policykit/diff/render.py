"""Change lists as text (terminal), Markdown (a pull-request summary) and JSON (machines).

Pure functions from changes to strings; only the CLI prints. Values, periods and
statuses read as everywhere else (`display`). Text from YAML is escaped for
Markdown where it lands (`md_text`, `md_code`, `md_link`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from policykit.diagnostics import Diagnostic, format_text
from policykit.diff.compare import (
    Change,
    FieldChange,
    Location,
    counts,
    dimension_plain,
    label_plain,
)
from policykit.diff.view import (
    Inherited,
    SideInfo,
    Sides,
    group_inherited,
    inherited_summary,
    regions_en,
    regions_zh,
    since,
    superseded,
    supersedes,
)
from policykit.model.display import LEVEL_ZH, OBTAINED_ZH, STATUS_ZH, value_zh
from policykit.model.entities import (
    Dimension,
    Entry,
    Label,
    Parameter,
    Region,
    Source,
    entry_to_plain,
    parameter_to_plain,
)
from policykit.model.policyset import PolicySet
from policykit.util.escape import md_text

FORMAT_VERSION = 1

ACTION_ZH = {"added": "新增", "removed": "删除", "changed": "修改", "renamed": "改名"}
ACTION_EN = {"added": "added", "removed": "removed", "changed": "changed", "renamed": "renamed"}
ASPECT_ZH = {"value": "数值", "period": "日期", "source": "来源", "metadata": "其他"}
SCOPE_ZH = {"region": "地区", "parameter": "参数", "dimension": "维度", "area": "政策领域",
            "scheme": "险种", "source": "来源"}
FIELD_ZH = {
    # entries
    "value": "数值", "bound": "界限", "start": "开始", "end": "结束", "observed": "有效观察日",
    "status": "状态", "source": "来源", "quote": "原文", "obtained": "取得方式",
    "derivation": "推导", "coverage_year": "待遇年度", "notice_year": "文件年度",
    "confidence": "可信度", "checked_on": "核对日期", "note": "备注", "delta": "变化量",
    "acknowledge": "警告确认", "origin": "来自地区",
    # regions
    "code": "代码", "name": "名称", "level": "层级", "parent": "上级", "pooling_region": "统筹区",
    "valid_from": "代码启用", "valid_to": "代码停用",
    # catalogue
    "id": "参数键", "label": "名称", "description": "说明", "area": "政策领域", "scheme": "险种",
    "type": "数值类型", "unit": "单位", "dimensions": "维度", "comparable": "跨地区比较",
    "higher_is": "数值越高", "aliases": "别名", "ordered": "取值有序", "values": "取值",
    "zh": "中文", "en": "英文",
    # sources
    "title": "标题", "issuer": "发文机关", "doc_number": "文号", "date": "日期", "kind": "类型",
    "url": "链接", "seed": "存档文件", "official": "官方来源",
}
CATALOGUE_SCOPES = ("parameter", "dimension", "area", "scheme")


# -- plain values as short text ---------------------------------------------------------------
def plain_text(x: Any) -> str:
    """A plain (JSON) value as short Chinese text: labels as "zh / en", lists joined."""
    if x is None:
        return "（无）"
    if isinstance(x, bool):
        return "是" if x else "否"
    if isinstance(x, dict):
        if _is_label(x):
            return str(x["zh"]) + (f" / {x['en']}" if x.get("en") else "")
        return "{" + ", ".join(f"{k}: {plain_text(v)}" for k, v in x.items()) + "}"
    if isinstance(x, list):
        return "、".join(plain_text(i) for i in x) if x else "（无）"
    return str(x)


def _is_label(x: Any) -> bool:
    return isinstance(x, dict) and "zh" in x and set(x) <= {"zh", "en"}


def field_change_text(f: FieldChange) -> str:
    """One changed field; a changed mapping (a dimension's values) lists only what differs."""
    name = FIELD_ZH.get(f.name, f.name)
    a, b = f.old, f.new
    if isinstance(a, dict) and isinstance(b, dict) and not _is_label(a) and not _is_label(b):
        parts = []
        for k in [k for k in b if k not in a]:
            parts.append(f"新增 {k}（{plain_text(b[k])}）")
        for k in [k for k in a if k not in b]:
            parts.append(f"删除 {k}（{plain_text(a[k])}）")
        for k in [k for k in a if k in b and a[k] != b[k]]:
            parts.append(f"{k} {plain_text(a[k])} → {plain_text(b[k])}")
        return f"{name}: " + "，".join(parts)
    return f"{name}: {plain_text(a)} → {plain_text(b)}"


# -- one side of a rule change ----------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class EntryText:
    value: str
    period: str
    status: str
    source: str
    source_url: str | None


def entry_text(e: Entry, ps: PolicySet, origin: str | None, code: str) -> EntryText:
    from policykit.model.display import period_zh

    param = ps.catalogue.parameters.get(e.parameter)
    value = value_zh(e.value, param, e.bound)
    if origin is not None and origin != code:
        r = ps.regions.get(origin)
        value += f"（继承自 {r.name.zh if r else origin}）"
    src = ps.sources.get(e.source)
    title = source_title(src) if src is not None else e.source
    how = ""
    if e.obtained != "stated":
        how = f"，{OBTAINED_ZH.get(e.obtained, e.obtained)}" + (
            f"：{e.derivation}" if e.derivation else "")
    return EntryText(value, period_zh(e), STATUS_ZH.get(e.status, e.status),
                     f"{title}「{e.quote}」{how}", src.url if src is not None else None)


def source_title(s: Source) -> str:
    return f"{s.issuer}《{s.title}》" + (f" {s.doc_number}" if s.doc_number else "")


_PERIOD = {"start", "end", "observed"}


def _pick(changed: bool, old: str, new: str) -> str:
    return f"{old} → {new}" if changed and old != new else new


def action_zh(c: Change, sides: Sides) -> str:
    """新增 / 删除 / 修改 / 改名; "更新" for a new dated value replacing an earlier one."""
    return "更新" if superseded(c, sides.new) is not None else ACTION_ZH[c.action]


def rule_line(c: Change, sides: Sides, reach: str = "") -> str:
    """One rule change as a line: "<label>: 60% → 65%，自 2022-01-01 起，有效（来源: …）";
    `reach` ("影响 11 个地区") follows the value."""
    label = sides.rule_label(c)
    tail = f"，{reach}" if reach else ""
    if c.action != "changed":
        e = c.new if c.action == "added" else c.old
        ps = sides.new if c.action == "added" else sides.old
        origin = c.new_origin if c.action == "added" else c.old_origin
        t = entry_text(e, ps, origin, c.key)
        prev = superseded(c, sides.new)
        if prev is not None:
            p = entry_text(prev, sides.new, None, c.key)
            return (f"{label}: {p.value} → {t.value}{tail}，{since(e)}，{t.status}"
                    f"（来源: {t.source}）")
        return f"{label}: {t.value}{tail}，{t.period}，{t.status}（来源: {t.source}）"
    a = entry_text(c.old, sides.old, c.old_origin, c.key)
    b = entry_text(c.new, sides.new, c.new_origin, c.key)
    names = set(c.field_names)
    value = _pick(bool(names & {"value", "bound", "origin"}), a.value, b.value) + tail
    period = (since(c.new) if supersedes(c.old, c.new)
              else _pick(bool(names & _PERIOD), a.period, b.period))
    status = _pick("status" in names, a.status, b.status)
    source = _pick(bool(names & {"source", "quote", "obtained", "derivation"}), a.source,
                   b.source)
    line = f"{label}: {value}，{period}，{status}（来源: {source}）"
    other = [field_change_text(f) for f in c.fields if f.name in _METADATA]
    return line + ("；" + "；".join(other) if other else "")


_METADATA = {"coverage_year", "notice_year", "confidence", "checked_on", "note", "delta",
             "acknowledge"}


def where(c: Change) -> str:
    """Where the change is: "file:12", "file:12 → 14" (same file), or both places."""
    a, b = c.old_at, c.new_at
    if a is not None and b is not None:
        if a.file != b.file:
            return f"{a.text()} → {b.text()}"
        return b.text() if a.line == b.line else f"{a.text()} → {b.line}"
    at = b or a
    return at.text() if at is not None else ""


# -- regions, catalogue, sources: one line each -------------------------------------------------
def region_summary(r: Region, sides: Sides) -> str:
    parts = [LEVEL_ZH.get(r.level, r.level)]
    if r.parent:
        parts.append(f"上级 {sides.region_name(r.parent)}")
    if r.pooling_region and r.pooling_region != r.code:
        parts.append(f"统筹区 {sides.region_name(r.pooling_region)}")
    name = r.name.zh + (f" / {r.name.en}" if r.name.en else "")
    return f"{name}（{r.code}，{'，'.join(parts)}）"


def item_title(c: Change) -> str:
    """ "参数 resident.inpatient.ratio 住院报销比例" and the like."""
    obj = c.new if c.new is not None else c.old
    label = ""
    if isinstance(obj, Parameter | Dimension):
        label = obj.label.zh
    elif isinstance(obj, Label):
        label = obj.zh
    elif isinstance(obj, Source):
        label = source_title(obj)
    return f"{SCOPE_ZH[c.scope]} {item_id(c)}" + (f" {label}" if label else "")


def item_id(c: Change) -> str:
    """The item's id; "old → new" for a renamed parameter."""
    if c.action == "renamed":
        return f"{c.old.id} → {c.new.id}"
    return c.key


def item_detail(c: Change) -> list[str]:
    """What changed about a non-rule item, as short lines."""
    if c.action in ("changed", "renamed"):
        return [field_change_text(f) for f in c.fields if f.name != "id"]
    obj = c.new if c.action == "added" else c.old
    if isinstance(obj, Parameter):
        unit = obj.unit.zh if obj.unit else ""
        dims = "、".join(obj.dimensions)
        return [f"类型 {obj.type}" + (f"，单位 {unit}" if unit else "")
                + (f"，维度 {dims}" if dims else "")]
    if isinstance(obj, Dimension):
        return ["取值 " + "、".join(v.zh for _, v in obj.values)]
    if isinstance(obj, Source):
        return [x for x in (obj.date, obj.url) if x]
    return []


# -- text ----------------------------------------------------------------------------------------
def summary(changes: list[Change]) -> tuple[str, str]:
    """The count line, in Chinese and English."""
    if not changes:
        return "无变化", "no changes"
    n = counts(changes)
    groups = [("规则", "rules", ("rule",)), ("地区", "regions", ("region",)),
              ("参数目录", "catalogue", CATALOGUE_SCOPES), ("来源", "sources", ("source",))]
    zh, en = [], []
    for gzh, gen, scopes in groups:
        per = {a: sum(n[s][a] for s in scopes) for a in ACTION_ZH}
        parts = [(a, k) for a, k in per.items() if k]
        if parts:
            zh.append(f"{gzh} " + "、".join(f"{ACTION_ZH[a]} {k}" for a, k in parts))
            en.append(f"{gen} " + ", ".join(f"{k} {ACTION_EN[a]}" for a, k in parts))
    total = len(changes)
    return (f"共 {total} 项变化：" + "；".join(zh),
            f"{total} change{'s' if total != 1 else ''}: " + "; ".join(en))


def _by_region(changes: list[Change]) -> dict[str, list[Change]]:
    out: dict[str, list[Change]] = {}
    for c in changes:
        if c.scope in ("region", "rule"):
            out.setdefault(c.key, []).append(c)
    return dict(sorted(out.items()))


def _sections(changes: list[Change]) -> tuple[dict[str, list[Change]],
                                               dict[str, list[Inherited]], list[Inherited]]:
    groups, rest = group_inherited(changes)
    by_origin: dict[str, list[Inherited]] = {}
    for g in groups:
        by_origin.setdefault(g.origin, []).append(g)
    by_region = _by_region(rest)
    for code in by_origin:
        by_region.setdefault(code, [])
    return dict(sorted(by_region.items())), by_origin, groups


def _origin_short(code: str, sides: Sides) -> str:
    r = sides.new.regions.get(code) or sides.old.regions.get(code)
    return r.name.zh if r is not None else code


def render_text(changes: list[Change], sides: Sides) -> str:
    zh, en = summary(changes)
    lines = [f"policykit diff: {sides.old_info.text()} → {sides.new_info.text()}",
             f"{zh} ({en})"]
    by_region, by_origin, groups = _sections(changes)
    note = inherited_summary(groups)
    if note:
        lines.append(f"{note[0]} ({note[1]})")
    for code, group in by_region.items():
        lines += ["", sides.region_name(code)]
        for g in by_origin.get(code, []):
            c = g.change
            line = rule_line(c, sides, regions_zh(len(g.regions)))
            lines.append(f"  {action_zh(c, sides)} {_origin_short(code, sides)} · {line}")
            lines.append(f"      {where(c)}")
        for c in group:
            if c.scope == "region":
                if c.action == "changed":
                    body = "；".join(field_change_text(f) for f in c.fields)
                else:
                    body = region_summary(c.new if c.action == "added" else c.old, sides)
                lines.append(f"  {ACTION_ZH[c.action]}地区 {body}")
            else:
                lines.append(f"  {action_zh(c, sides)} {rule_line(c, sides)}")
            lines.append(f"      {where(c)}")
    for title, scopes in (("参数目录 (catalogue)", CATALOGUE_SCOPES), ("来源登记 (sources)", ("source",))):
        group = [c for c in changes if c.scope in scopes]
        if not group:
            continue
        lines += ["", title]
        for c in group:
            detail = item_detail(c)
            lines.append(f"  {ACTION_ZH[c.action]}{item_title(c)}"
                         + (f": {'；'.join(detail)}" if detail else ""))
            lines.append(f"      {where(c)}")
    return "\n".join(lines) + "\n"


# -- markdown -------------------------------------------------------------------------------------
def md_code(s: str) -> str:
    """An inline code span that survives backticks and table pipes in `s`."""
    s = s.replace("\n", " ").replace("|", "\\|")
    runs = [len(m) for m in re.findall(r"`+", s)]
    fence = "`" * (max(runs, default=0) + 1)
    pad = " " if s.startswith("`") or s.endswith("`") else ""
    return f"{fence}{pad}{s}{pad}{fence}"


def md_link(text: str, url: str | None) -> str:
    """A link for http(s) URLs; other URLs are not linked."""
    shown = md_text(text)
    if not url or not re.match(r"^https?://", url, re.IGNORECASE):
        return shown
    safe = quote(url, safe="/:?#&=%+,;@!$'*~.-_") .replace("(", "%28").replace(")", "%29")
    return f"[{shown}]({safe})"


def _md_where_both(c: Change) -> str:
    text = where(c)
    return md_code(text) if text else ""


def _bold(s: str, on: bool) -> str:
    return f"**{s}**" if on else s


def _md_side(t: EntryText, names: set[str]) -> str:
    value = _bold(md_text(t.value), bool(names & {"value", "bound", "origin"}))
    period = _bold(md_text(t.period), bool(names & _PERIOD))
    status = _bold(md_text(t.status), "status" in names)
    return f"{value}<br>{period}，{status}"


def _md_source(t: EntryText) -> str:
    title, _, rest = t.source.partition("「")
    return md_link(title, t.source_url) + (md_text("「" + rest) if rest else "")


def _md_rule_row(c: Change, sides: Sides, origin: str = "", reach: str = "") -> str:
    """One table row; `origin` (Markdown) names the region an inherited change comes
    from, `reach` how many regions it affects."""
    label = (f"{origin} · " if origin else "") + md_text(sides.rule_label(c))
    if reach:
        label += f"<br>**{md_text(reach)}**"
    a = entry_text(c.old, sides.old, c.old_origin, c.key) if c.old is not None else None
    b = entry_text(c.new, sides.new, c.new_origin, c.key) if c.new is not None else None
    names = set(c.field_names)
    what = ACTION_ZH[c.action]
    prev = superseded(c, sides.new)
    if prev is not None and isinstance(c.new, Entry):
        a = entry_text(prev, sides.new, None, c.key)
        names = {"value", "bound"}
        what = md_text(f"更新（{since(c.new)}）")
    if c.action == "changed":
        what += "（" + "、".join(ASPECT_ZH[x] for x in c.aspects) + "）" if c.aspects else ""
    before = _md_side(a, names) if a is not None else "—"
    after = _md_side(b, names) if b is not None else "—"
    other = [md_text(field_change_text(f)) for f in c.fields if f.name in _METADATA]
    if other:
        after += "<br>" + "<br>".join(other)
    if a is not None and b is not None and names & {"source", "quote", "obtained", "derivation"}:
        source = f"旧: {_md_source(a)}<br>新: {_md_source(b)}"
    else:
        source = _md_source(b if b is not None else a)  # type: ignore[arg-type]
    return f"| {what} | {label} | {before} | {after} | {source} | {_md_where_both(c)} |"


def _md_item_row(c: Change) -> str:
    obj = c.new if c.new is not None else c.old
    title = md_text(item_title(c))
    if isinstance(obj, Source):
        title = f"{SCOPE_ZH['source']} {md_code(c.key)} {md_link(source_title(obj), obj.url)}"
    elif c.scope in CATALOGUE_SCOPES:
        label = item_title(c)[len(f"{SCOPE_ZH[c.scope]} {item_id(c)}"):].strip()
        ids = (f"{md_code(c.old.id)} → {md_code(c.new.id)}" if c.action == "renamed"
               else md_code(c.key))
        title = f"{SCOPE_ZH[c.scope]} {ids}" + (f" {md_text(label)}" if label else "")
    detail = "<br>".join(md_text(d) for d in item_detail(c)) or "—"
    return f"| {ACTION_ZH[c.action]} | {title} | {detail} | {_md_where_both(c)} |"


MD_MAX_CHARS = 65_536  # GitHub's limit for a comment or a job summary
_MD_MARGIN = 512  # room for the closing note


def render_markdown(changes: list[Change], sides: Sides, limit: int = 1000) -> str:
    """A pull-request summary: counts, then one section per region (an inherited change
    once, under its origin), then the catalogue and the sources. At most `limit` rows
    are listed, and fewer when the page would pass GitHub's 65,536 characters; the rest
    are counted, with a pointer to the full JSON."""
    text, listed = _markdown(changes, sides, limit)
    if len(text) <= MD_MAX_CHARS:
        return text
    low, high = 0, listed  # the most rows that fit: text(low) fits, text(high) does not
    fitting = _markdown(changes, sides, 0)[0]
    while high - low > 1:
        mid = (low + high) // 2
        candidate = _markdown(changes, sides, mid)[0]
        if len(candidate) <= MD_MAX_CHARS:
            low, fitting = mid, candidate
        else:
            high = mid
    return fitting


def _md_rows_of_region(group: list[Change], inherited: list[Inherited], sides: Sides,
                       take: Callable[[int], bool]) -> tuple[list[str], list[str]]:
    items: list[str] = []
    rows: list[str] = []
    for g in inherited:
        if not take(len(g.regions)):
            return items, rows
        origin = md_text(_origin_short(g.origin, sides))
        rows.append(_md_rule_row(g.change, sides, origin,
                                 f"{regions_zh(len(g.regions))}（{regions_en(len(g.regions))}）"))
    for c in group:
        if not take(1):
            break
        if c.scope == "region":
            if c.action == "changed":
                body = "；".join(md_text(field_change_text(f)) for f in c.fields)
            else:
                r = c.new if c.action == "added" else c.old
                body = md_text(region_summary(r, sides))
            items.append(f"- **{ACTION_ZH[c.action]}地区**：{body}（{_md_where_both(c)}）")
        else:
            rows.append(_md_rule_row(c, sides))
    return items, rows


def _markdown(changes: list[Change], sides: Sides, limit: int) -> tuple[str, int]:
    zh, en = summary(changes)
    old, new = sides.old_info, sides.new_info
    by_region, by_origin, groups = _sections(changes)
    out = ["## 医保政策变化 Policy changes", "",
           f"比较 {md_code(old.text())} → {md_code(new.text())}", "",
           f"**{md_text(zh)}**<br>{md_text(en)}"]
    note = inherited_summary(groups)
    if note:
        out.append(f"{md_text(note[0])}<br>{md_text(note[1])}")
    shown = covered = 0

    def take(n: int) -> bool:
        nonlocal shown, covered
        if shown >= limit:
            return False
        shown, covered = shown + 1, covered + n
        return True

    for code, group in by_region.items():
        if shown >= limit:
            break
        items, rows = _md_rows_of_region(group, by_origin.get(code, []), sides, take)
        if not items and not rows:
            break
        out += ["", f"### {md_text(sides.region_name(code))}", "", *items]
        if rows:
            if out[-1] != "":
                out.append("")
            out += ["| 变化 | 规则 | 变化前 | 变化后 | 来源 | 位置 |",
                    "|---|---|---|---|---|---|", *rows]
    for title, scopes in (("参数目录 Catalogue", CATALOGUE_SCOPES), ("来源登记 Sources", ("source",))):
        group = [c for c in changes if c.scope in scopes]
        if not group or shown >= limit:
            continue
        rows = [_md_item_row(c) for c in group if take(1)]
        out += ["", f"### {title}", "", "| 变化 | 项目 | 内容 | 位置 |", "|---|---|---|---|", *rows]
    if covered < len(changes):
        rest = len(changes) - covered
        out += ["", f"……另有 {rest:,} 项变化未列出；完整列表请用 `--format json`。"
                    f"({rest:,} more changes not listed; use `--format json` for all.)"]
    return "\n".join(out) + "\n", shown


# -- json -----------------------------------------------------------------------------------------
def object_plain(obj: Any) -> Any:
    if obj is None:
        return None
    if isinstance(obj, Entry):
        return entry_to_plain(obj)
    if isinstance(obj, Region):
        return obj.to_plain()
    if isinstance(obj, Parameter):
        return {"id": obj.id, **parameter_to_plain(obj)}
    if isinstance(obj, Dimension):
        return {"id": obj.id, **dimension_plain(obj)}
    if isinstance(obj, Label):
        return label_plain(obj)
    if isinstance(obj, Source):
        return obj.to_plain()
    raise TypeError(type(obj).__name__)


def _loc_plain(at: Location | None) -> dict[str, Any] | None:
    return None if at is None else {"file": at.file, "line": at.line, "col": at.col}


def change_plain(c: Change, replaces: Entry | None = None) -> dict[str, Any]:
    """One change as JSON; a rule change also says which earlier value a new dated
    entry takes over from (`replaces`, `view.superseded`)."""
    rule = {"replaces": object_plain(replaces)} if c.scope == "rule" else {}
    return {**rule,
        "scope": c.scope, "action": c.action, "key": c.key,
        "region": c.key if c.scope in ("rule", "region") else None,
        "parameter": c.parameter or None, "breakdown": dict(c.breakdown),
        "aspects": list(c.aspects),
        "fields": [{"name": f.name, "old": f.old, "new": f.new} for f in c.fields],
        "old": object_plain(c.old), "new": object_plain(c.new),
        "old_at": _loc_plain(c.old_at), "new_at": _loc_plain(c.new_at),
        "old_origin": c.old_origin, "new_origin": c.new_origin,
    }


def _with_replaces(c: Change, sides: Sides) -> dict[str, Any]:
    return change_plain(c, superseded(c, sides.new))


def render_json(changes: list[Change], sides: Sides) -> str:
    """Every change (`changes`), and the inherited ones once each under their origin
    (`inherited`: the change at the origin and every region it reaches)."""
    groups, _ = group_inherited(changes)
    payload = {
        "format": "policykit-diff", "version": FORMAT_VERSION,
        "old": sides.old_info.to_plain(), "new": sides.new_info.to_plain(),
        "total": len(changes), "counts": counts(changes),
        "changes": [_with_replaces(c, sides) for c in changes],
        "inherited": [{"origin": g.origin, "regions": list(g.regions),
                       "change": _with_replaces(g.change, sides)} for g in groups],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


RENDERERS: dict[str, Callable[[list[Change], Sides], str]] = {
    "text": render_text, "markdown": render_markdown, "json": render_json,
}
# What each renderer is, for the CLI's --help (Chinese / English).
RENDERER_HELP = {"json": "完整的 JSON 变化列表 / the full change list as JSON",
                 "markdown": "合并请求摘要 / a pull-request summary",
                 "text": "终端文字 / text for the terminal"}


# -- a side that does not load ----------------------------------------------------------------------
def render_problems(problems: list[tuple[SideInfo, list[Diagnostic]]], fmt: str) -> str:
    """The diagnostics of sides that do not load, instead of a diff."""
    if fmt == "json":
        return json.dumps({
            "format": "policykit-diff", "version": FORMAT_VERSION, "ok": False,
            "problems": [{"side": info.to_plain(), "diagnostics": [d.to_json() for d in diags]}
                         for info, diags in problems],
        }, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    out: list[str] = []
    for info, diags in problems:
        errors = sum(1 for d in diags if d.severity == "error")
        zh = f"{info.text()} 的政策数据有 {errors} 个错误，未比较"
        en = f"the policy data of {info.text()} has {errors} error(s); not compared"
        if fmt == "markdown":
            out += [f"### ⚠️ {md_text(zh)}", "", md_text(en), "", "```text",
                    *(format_text(d).replace("```", "``\u200b`") for d in diags), "```", ""]
        else:
            out += [f"policykit diff: {zh} ({en})", *(format_text(d) for d in diags)]
    return "\n".join(out).rstrip("\n") + "\n"
