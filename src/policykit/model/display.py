"""Chinese (and English) renderings of values, periods and statuses.

One place decides how a value reads, so the CLI, the diff, the site and the
tables agree. Plain text only: callers escape for their medium.
"""

from __future__ import annotations

from decimal import Decimal

from policykit.model.entities import Catalogue, DiseaseList, Entry, Parameter, Value
from policykit.model.timeline import DEFAULT_STALE_YEARS, Confirmation

STATUS_ZH = {
    "in_force": "有效", "temporary": "阶段性", "planned": "计划", "draft": "草案",
    "repealed": "已废止", "unknown": "状态不明",
}
OBTAINED_ZH = {"stated": "原文载明", "inferred": "推断", "derived": "推算"}
DURATION_ZH = {"day": "天", "working_day": "个工作日", "month": "个月", "year": "年"}
DURATION_EN = {"day": "days", "working_day": "working days", "month": "months", "year": "years"}
BOUND_ZH = {"exact": "", "min": "不低于 ", "max": "不高于 "}
# Administrative levels as GB/T 2260 and the State Council name them: 地级 (地级行政区:
# 地级市, 地区, 自治州, 盟), not the colloquial 地市级.
LEVEL_ZH = {"national": "全国", "province": "省级", "prefecture": "地级", "county": "县级"}


def num(d: Decimal) -> str:
    """A Decimal without exponent or trailing zeros: 0.600 → 0.6, 2E+6 → 2000000."""
    text = format(d.normalize(), "f")
    return text


def pct(d: Decimal) -> str:
    return num(d * 100) + "%"


def group(d: Decimal) -> str:
    """Thousands separators for money: 2000000 → 2,000,000."""
    whole, _, frac = num(d).partition(".")
    neg = whole.startswith("-")
    digits = whole.lstrip("-")
    grouped = f"{int(digits):,}"
    return ("-" if neg else "") + grouped + (f".{frac}" if frac else "")


def _scalar(v: Value, one: callable) -> str:  # type: ignore[valid-type]
    if v.is_range:
        assert v.low is not None and v.high is not None
        return f"{one(v.low)}–{one(v.high)}"  # type: ignore[misc]
    assert v.number is not None
    return one(v.number)  # type: ignore[misc, no-any-return]


def value_zh(v: Value, param: Parameter | None = None, bound: str = "exact") -> str:
    unit = param.unit.zh if param is not None and param.unit is not None else ""
    prefix = BOUND_ZH.get(bound, "")
    k = v.kind
    if k == "unknown":
        return f"未公布（{v.text}）"
    if k == "ratio":
        return prefix + _scalar(v, pct)
    if k == "amount":
        return prefix + _scalar(v, group) + " " + (unit or "元")
    if k in ("number", "count"):
        return prefix + _scalar(v, num) + (f" {unit}" if unit else "")
    if k == "duration":
        return prefix + _scalar(v, num) + " " + DURATION_ZH.get(v.unit or "", v.unit or "")
    if k == "date":
        return v.text or ""
    if k == "flag":
        return "是" if v.flag else "否"
    if k == "adjustment":
        assert v.number is not None
        verb = {"decrease": "降低", "increase": "提高"}.get(v.direction or "", "调整")
        if v.mode == "unknown":
            return f"{verb} {num(v.number)}（原文未说明是百分点还是相对比例）"
        if v.mode == "pp":
            return f"{verb} {num(v.number)} 个百分点"
        if v.mode == "relative":
            return f"{verb} {num(v.number)}%（相对比例）"
        return f"{verb} {num(v.number)}"
    if k == "diseases":
        assert v.diseases is not None
        dl = v.diseases
        names = "、".join(d.name for d in dl.items)
        if dl.complete:
            return f"共 {len(dl.items)} 种：{names}"
        declared = f"共 {dl.declared_count} 种，" if dl.declared_count is not None else ""
        return f"{declared}已列出 {len(dl.items)} 种（名单不完整）" + (f"：{names}" if names else "")
    return str(k)


def value_en(v: Value, param: Parameter | None = None, bound: str = "exact") -> str:
    prefix = {"exact": "", "min": "at least ", "max": "at most "}.get(bound, "")
    unit = param.unit.en if param is not None and param.unit is not None and param.unit.en else ""
    k = v.kind
    if k == "unknown":
        return f"unknown ({v.text})"
    if k == "ratio":
        return prefix + _scalar(v, pct)
    if k == "amount":
        return prefix + _scalar(v, group) + " " + (unit or "yuan")
    if k in ("number", "count"):
        return prefix + _scalar(v, num) + (f" {unit}" if unit else "")
    if k == "duration":
        return prefix + _scalar(v, num) + " " + DURATION_EN.get(v.unit or "", v.unit or "")
    if k == "flag":
        return "yes" if v.flag else "no"
    if k == "adjustment":
        assert v.number is not None
        return f"{v.direction or 'change'} by {num(v.number)} (mode: {v.mode})"
    if k == "diseases":
        assert v.diseases is not None
        dl = v.diseases
        return f"{len(dl.items)} named" + (
            f" of {dl.declared_count} declared" if dl.declared_count is not None else "")
    return v.text or ""


def disease_count_zh(dl: DiseaseList) -> str:
    """How complete a disease list is: 共 38 种，已列出 2 种 / 共 5 种 / 已列出 2 种（总数不详）."""
    if dl.complete:
        return f"共 {len(dl.items)} 种"
    if dl.declared_count is not None:
        return f"共 {dl.declared_count} 种，已列出 {len(dl.items)} 种"
    return f"已列出 {len(dl.items)} 种（总数不详）"


def entry_value_zh(e: Entry, cat: Catalogue) -> str:
    return value_zh(e.value, cat.parameters.get(e.parameter), e.bound)


def period_zh(e: Entry) -> str:
    """When the entry holds, as the source dates it; an entry of a coverage year
    (待遇年度) starts with "2025 年度"."""
    if e.coverage_year is not None:
        rest = _period_zh(e)
        year = f"{e.coverage_year} 年度"
        return year if rest == "日期不详" else f"{year}（{rest}）"
    return _period_zh(e)


def _period_zh(e: Entry) -> str:
    if e.status == "planned" and not e.start:  # never takes effect (§3.3 rule 5)
        seen = f"（据 {e.observed} 资料）" if e.observed else ""
        return f"计划，生效日期未定{seen}"
    if e.start and e.end:
        return f"{e.start} 至 {e.end}（不含）"
    if e.start:
        return f"自 {e.start} 起"
    if e.observed and e.end:
        return f"{e.observed} 时有效，至 {e.end}（不含）；起始日期不详"
    if e.observed:
        return f"{e.observed} 时有效（起始日期不详）"
    if e.end:
        return f"至 {e.end}（不含）；起始日期不详"
    return "日期不详"


def breakdown_zh(bk: tuple[tuple[str, str], ...], cat: Catalogue) -> str:
    parts = []
    for dim, val in bk:
        d = cat.dimensions.get(dim)
        parts.append(d.value_label(val).zh if d else val)
    return "·".join(parts)


def rule_label_zh(parameter: str, bk: tuple[tuple[str, str], ...], cat: Catalogue) -> str:
    p = cat.parameters.get(parameter)
    if p is None:
        return parameter
    scheme = cat.scheme_label(p.scheme).zh
    label = p.label.zh
    extra = breakdown_zh(bk, cat)
    return f"{scheme} · {label}" + (f" · {extra}" if extra else "")


STALE_ZH = "可能已过时"
OPEN_END_ZH = "结束时间不详"


def age_zh(months: int) -> str:
    """An age in whole months: 63 → "5 年 3 个月", 3 → "3 个月", 0 → "不足 1 个月"."""
    years, rest = divmod(months, 12)
    if not years:
        return f"{rest} 个月" if rest else "不足 1 个月"
    return f"{years} 年" + (f" {rest} 个月" if rest else "")


def confirmation_zh(c: Confirmation, stale_years: int = DEFAULT_STALE_YEARS) -> str:
    """How a value in force is known, in Chinese ("" when a source states it for the
    day): "据 2021-08-24 资料，此后未核实（已 5 年 3 个月）", plus 可能已过时 past the
    staleness horizon."""
    if not c.carried:
        return ""
    text = f"据 {c.confirmed_on} 资料，此后未核实（已 {age_zh(c.age_months())}）"
    return f"{text}，{STALE_ZH}" if c.stale(stale_years) else text


def temporary_zh(e: Entry) -> str:
    """A temporary measure without an end: "阶段性措施，自 2019-07 起，结束时间不详"
    ("" for any other entry)."""
    if e.status != "temporary" or e.end is not None:
        return ""
    since = e.start or e.observed
    return f"阶段性措施，自 {since} 起，{OPEN_END_ZH}" if since else f"阶段性措施，{OPEN_END_ZH}"
