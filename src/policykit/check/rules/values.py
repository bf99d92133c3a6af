"""Rules on one value as written: stated deltas (R2), shares and ratios within bounds
(R3), well-formed ranges (R10) and declared counts of a list (R11)."""

from __future__ import annotations

from decimal import Decimal

from policykit.check.context import Reporter, span
from policykit.check.quotes import has_fullwidth_digits, percent_written_as_ratio, plain
from policykit.check.rule import rule
from policykit.check.rules.common import Diags, is_share_unit
from policykit.model.display import num


# == R2: stated deltas reconcile ========================================================
def _apply(mode: str, old: Decimal, by: Decimal) -> Decimal:
    if mode == "relative":
        return old * (1 + by / 100)
    return old + by


def _tolerance(value: Decimal, mode: str) -> Decimal:
    """pp/absolute deltas are exact; a relative change may be rounded to the value's
    last written digit."""
    if mode != "relative":
        return Decimal(0)
    exp = value.as_tuple().exponent  # as written: 380 → 0, 0.021 → -3
    return Decimal(1).scaleb(min(exp, 0) if isinstance(exp, int) else 0) / 2


@rule("R2", "error", "写明的变化量能对上", "Stated deltas reconcile",
      rationale="来源同时给出原值、变化量和新值时（delta），必须满足：mode 为 pp/absolute 时 "
                "from + by = 新值（精确小数，2.8% − 0.7 个百分点 = 2.1%）；relative 时 from × (1 + by/100) = 新值"
                "（允许舍入到新值的末位）。mode 为 unknown 时若两种算法都对不上也报错；只有一种对得上时提示（info）。"
                "依据：DG-02（2.8 − 0.7 = 2.1，“个百分点”）、DG-04（1.0 − 0.3 = 0.7）。",
      example="ratio: 0.021\ndelta: {from: 0.028, by: -0.7, mode: pp}   # by 应写 -0.007",
      also=("info",))
def r2_deltas(rep: Reporter) -> Diags:
    ctx = rep.ctx
    for entries in ctx.rules.values():
        for e in entries:
            d, v = e.delta, e.value
            if d is None or v.number is None:
                continue
            new = v.number
            ptr = f"{e.pointer}/delta"
            if d.mode == "unknown":
                fits = [m for m in ("pp", "relative")
                        if abs(_apply(m, d.old, d.by) - new) <= _tolerance(new, m)]
                if not fits:
                    yield rep.at(
                        e, f"变化量与数值对不上：从 {num(d.old)} 变化 {num(d.by)}，无论按百分点还是相对比例都得不到 {num(new)}",
                        f"the stated change does not reconcile: {num(d.old)} changed by {num(d.by)} "
                        f"gives {num(new)} neither in points nor relatively", pointer=ptr)
                elif len(fits) == 1:
                    yield rep.at(
                        e, f"变化方式写为 unknown，但只有按 {fits[0]} 计算才得到 {num(new)}；如原文能确认，请写 mode: {fits[0]}",
                        f"the delta mode is unknown, but only mode {fits[0]} gives {num(new)}; "
                        f"write mode: {fits[0]} if the source confirms it", pointer=ptr,
                        severity="info")
                continue
            got = _apply(d.mode, d.old, d.by)
            if abs(got - new) <= _tolerance(new, d.mode):
                continue
            hint_zh = hint_en = ""
            if d.mode in ("pp", "absolute") and v.kind == "ratio" and d.old + d.by / 100 == new:
                hint_zh = f"；比例的变化量也要写成小数（{num(d.by / 100)}），不要写百分点数"
                hint_en = f"; write the change of a ratio as a decimal ({num(d.by / 100)}), not in points"
            yield rep.at(
                e, f"变化量与数值对不上：{num(d.old)} 按 {d.mode} 变化 {num(d.by)} 得 {num(got)}，"
                   f"但数值为 {num(new)}{hint_zh}",
                f"the stated change does not reconcile: {num(d.old)} changed by {num(d.by)} "
                f"({d.mode}) gives {num(got)}, but the value is {num(new)}{hint_en}",
                pointer=ptr)


# == R3: shares and ratios within bounds ================================================
@rule("R3", "error", "比例与份额在取值范围内", "Shares and ratios within bounds",
      rationale="比例写成 0–1 的小数。结构校验已拒绝大于 1 的 ratio；本规则补上结构校验看不出的情况："
                "原文是“1%”却写成 ratio: 1（应为 0.01）；单位为“比例/share of”的 number/amount 参数超出 0–1；"
                "降低超过 100（百分点或相对）；比例参数的 delta.from 大于 1（2.8 应为 0.028）。依据：docs/domain.md R3，CX-04/CX-05。",
      example="ratio: 1\nquote: 生育保险费率按1%执行   # 应为 0.01")
def r3_bounds(rep: Reporter) -> Diags:
    ctx = rep.ctx
    for (_, pid, _), entries in ctx.rules.items():
        p = ctx.param(pid)
        if p is None:
            continue
        share = p.type in ("number", "amount") and is_share_unit(p)
        for e in entries:
            v = e.value
            s = span(v)
            if v.kind == "ratio" and v.number is not None and v.number > 0 \
                    and (plain(v.number) in e.quote or has_fullwidth_digits(e.quote)) \
                    and percent_written_as_ratio(v.number, e.quote):
                yield rep.at(
                    e, f"比例 {num(v.number)} 在原文中是 “{num(v.number)}%”：比例应写成小数 {num(v.number / 100)}",
                    f"the ratio {num(v.number)} is '{num(v.number)}%' in the quote: write it as the "
                    f"decimal {num(v.number / 100)}")
            if share and s is not None and (s[0] < 0 or s[1] > 1):
                yield rep.at(
                    e, f"参数 {pid} 的单位是比例（{p.unit.zh if p.unit else ''}），数值 {num(s[1])} 不在 0 到 1 之间；"
                       f"{num(s[1])}% 应写成 {num(s[1] / 100)}",
                    f"parameter {pid} is a share, but {num(s[1])} is not between 0 and 1; "
                    f"{num(s[1])}% is written {num(s[1] / 100)}")
            if v.kind == "adjustment" and v.number is not None and v.mode in ("pp", "relative") \
                    and v.number > 100 and v.direction != "increase":
                yield rep.at(
                    e, f"降低 {num(v.number)}（{v.mode}）超过 100，不可能",
                    f"a decrease of {num(v.number)} ({v.mode}) exceeds 100, which is impossible")
            if e.delta is not None and p.type == "ratio" and (
                    e.delta.old > 1 or e.delta.old < 0):
                yield rep.at(
                    e, f"变化前的比例 {num(e.delta.old)} 不在 0 到 1 之间：{num(e.delta.old)}% 应写成 "
                       f"{num(e.delta.old / 100)}",
                    f"the ratio before the change, {num(e.delta.old)}, is not between 0 and 1: "
                    f"{num(e.delta.old)}% is written {num(e.delta.old / 100)}",
                    pointer=f"{e.pointer}/delta/from")


# == R10: ranges ===============================================================================
@rule("R10", "error", "区间格式正确", "Ranges are well formed",
      rationale="区间 {min, max} 的下限不得大于上限；上下限相同时提示写成单个数值（info）。"
                "区间不会与分等级数据逐项比较，除非确定违反（见 R4、R5）。依据：QY-02（87%–95%）。",
      example="ratio: {min: 0.95, max: 0.87}",
      also=("info",))
def r10_ranges(rep: Reporter) -> Diags:
    for entries in rep.ctx.rules.values():
        for e in entries:
            v = e.value
            if v.low is None or v.high is None:
                continue
            if v.low > v.high:
                yield rep.at(e, f"区间下限 {num(v.low)} 大于上限 {num(v.high)}",
                             f"the range minimum {num(v.low)} is above its maximum {num(v.high)}")
            elif v.low == v.high:
                yield rep.at(e, f"区间上下限相同（{num(v.low)}），请写成单个数值",
                             f"the range has equal ends ({num(v.low)}); write a single value",
                             severity="info")


# == R11: declared counts ========================================================================
@rule("R11", "warning", "声明数量与名单一致", "Declared counts match lists",
      rationale="病种名单标为完整（complete: true）时，列出的数量必须等于声明总数；任何情况下列出的都不能多于声明的；"
                "同一病种不能重复。名单不完整时写 complete: false。依据：DG-05（声明 38 种，列出 2 种）。",
      example="diseases: {declared_count: 38, complete: true, items: [{name: 精神分裂症}, {name: 肺结核}]}")
def r11_counts(rep: Reporter) -> Diags:
    for entries in rep.ctx.rules.values():
        for e in entries:
            dl = e.value.diseases
            if dl is None:
                continue
            n = len(dl.items)
            ptr = f"{e.value_pointer()}/declared_count"
            if dl.declared_count is not None and dl.complete and n != dl.declared_count:
                yield rep.at(e, f"名单标为完整（complete: true），但列出 {n} 种，声明共 {dl.declared_count} 种",
                             f"the list is marked complete but names {n} of the "
                             f"{dl.declared_count} declared", pointer=ptr)
            elif dl.declared_count is not None and n > dl.declared_count:
                yield rep.at(e, f"列出 {n} 种，多于声明的 {dl.declared_count} 种",
                             f"{n} are named, more than the {dl.declared_count} declared",
                             pointer=ptr)
            names: dict[str, int] = {}
            for i, d in enumerate(dl.items):
                if d.name in names:
                    yield rep.at(e, f"病种 {d.name} 重复（第 {names[d.name] + 1} 项与第 {i + 1} 项）",
                                 f"disease {d.name} is listed twice (items {names[d.name] + 1} "
                                 f"and {i + 1})", pointer=f"{e.value_pointer()}/items/{i}/name")
                names.setdefault(d.name, i)
