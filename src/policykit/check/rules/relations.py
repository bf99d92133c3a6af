"""Rules relating different parameters of a region on the same date: sums (R1, R15),
one value at most another (R8, R9, the late payment of R15), and a flag that ends a
parameter (R22, R23). Each compares values in force together, inherited or not, and
reports in the file of the region whose own value takes part."""

from __future__ import annotations

from decimal import Decimal

from policykit.check.context import Reporter, certainly_below, comparable, entry_id, span
from policykit.check.rule import rule
from policykit.check.rules.common import Diags, exact_entry, has_params, projected, rel_en, rel_zh
from policykit.model.display import num

# Domain tables (parameter ids; rows whose parameters are not in the catalogue are skipped).
# R1 / R15: total = sum of parts, with a tolerance (R1: 0.001 percentage point).
SUM_IDENTITIES: tuple[tuple[str, str, tuple[str, ...], Decimal], ...] = (
    ("R1", "employee.contribution.total_rate",
     ("employee.contribution.employer_rate", "employee.contribution.employee_rate"),
     Decimal("0.00001")),
    ("R15", "resident.funding.per_capita",
     ("resident.fiscal_subsidy", "resident.individual_contribution"), Decimal(0)),
)
# R15: paying after the collection window never costs less than paying on time.
LATE_NOT_CHEAPER = (("resident.late_payment.contribution", "resident.individual_contribution"),)
# R8: deductible ≤ annual cap (per scheme).
DEDUCTIBLE_CAP = (
    ("employee.inpatient.deductible", "employee.annual_cap"),
    ("resident.inpatient.deductible", "resident.annual_cap"),
)
# R22 / R23: once the flag has this value, the listed parameters no longer apply.
SUPERSEDED_BY_FLAG: tuple[tuple[str, str, bool, tuple[str, ...]], ...] = (
    ("R22", "maternity.merged_into_medical", True, ("maternity.contribution.rate",)),
    ("R23", "employee.retiree.pays_contribution", False,
     ("employee.retiree.contribution_rate", "employee.retiree.contribution")),
)


# == R1 / R15: sums =====================================================================
def _sum_identity(rep: Reporter, rule_id: str) -> Diags:
    ctx = rep.ctx
    for rid, total, parts, tol in SUM_IDENTITIES:
        if rid != rule_id or not has_params(ctx, total, *parts):
            continue
        params = (total, *parts)
        for code in ctx.regions_owning(*params):
            for day, res in ctx.states(code, [(p, ()) for p in params]):
                entries = [exact_entry(r) for r in res]
                if any(e is None or e.value.number is None for e in entries):
                    continue
                if not any(r is not None and r.origin == code for r in res):
                    continue
                es = [e for e in entries if e is not None]
                numbers = [e.value.number for e in es if e.value.number is not None]
                whole, rest = numbers[0], numbers[1:]
                summed = sum(rest, Decimal(0))
                if abs(whole - summed) <= tol or not rep.once(*(entry_id(e) for e in es)):
                    continue
                own = [r for r in res if r is not None and r.origin == code]
                target = own[0].entry
                parts_zh = " + ".join(f"{ctx.label_zh(e.parameter)} {rel_zh(ctx, e, target)}"
                                      for e in es[1:])
                parts_en = " + ".join(f"{ctx.label_en(e.parameter)} {rel_en(ctx, e, target)}"
                                      for e in es[1:])
                yield rep.at(
                    target,
                    f"{ctx.label_zh(total)} {rel_zh(ctx, es[0], target)} 不等于各部分之和 {parts_zh} = "
                    f"{num(summed)}（{day} 起同时有效）",
                    f"{ctx.label_en(total)} {rel_en(ctx, es[0], target)} is not the sum of its parts "
                    f"{parts_en} = {num(summed)} (all in force on {day})",
                )


@rule("R1", "error", "组成部分之和等于合计", "Components sum to the total",
      rationale="单位费率与个人费率之和必须等于总费率（容差 0.001 个百分点），三者同时有效时才比较。"
                "依据：国家设计为单位约 6%、个人 2%（国务院白皮书 2004，C16）；东莞“总费率”（DG-02）。"
                "对应关系写在 check/rules/relations.py 的 SUM_IDENTITIES 中，参数不在目录里时该行跳过。",
      example="employee.contribution.total_rate: 0.08\n"
              "employee.contribution.employer_rate: 0.06\n"
              "employee.contribution.employee_rate: 0.01   # 0.06 + 0.01 ≠ 0.08")
def r1_components_sum(rep: Reporter) -> Diags:
    yield from _sum_identity(rep, "R1")


@rule("R15", "warning", "居民筹资恒等式", "Resident funding identity",
      rationale="人均筹资 = 个人缴费 + 财政补助（同一日期，均为确切数值时）；集中缴费期后参保的缴费不应低于按时参保的个人缴费。"
                "依据：CX-18（1070 = 400 + 670）。",
      example="resident.funding.per_capita: 1100\nresident.fiscal_subsidy: 670\n"
              "resident.individual_contribution: 400   # 670 + 400 ≠ 1100")
def r15_funding_identity(rep: Reporter) -> Diags:
    yield from _sum_identity(rep, "R15")
    ctx = rep.ctx
    for late, on_time in LATE_NOT_CHEAPER:
        if has_params(ctx, late, on_time):
            yield from _pair_order(rep, on_time, late, "late", blame="high")

# == R8: deductible ≤ cap ======================================================================
def _pair_order(rep: Reporter, low: str, high: str, kind: str, blame: str = "low") -> Diags:
    """On every date, the value of `low` must not exceed the value of `high`; the
    diagnostic is at the `blame` side (when that value is the region's own)."""
    ctx = rep.ctx
    p_low, p_high = ctx.param(low), ctx.param(high)
    if p_low is None or p_high is None:
        return
    for code in ctx.regions_owning(low, high):
        bks = ctx.bks_in_chain(code, low) or {()}
        for bk in sorted(bks):
            hbk = projected(bk, p_high)
            for day, (rl, rh) in ctx.states(code, [(low, bk), (high, hbk)]):
                a, b = exact_entry(rl), exact_entry(rh)
                if a is None or b is None or rl is None or rh is None:
                    continue
                if code not in (rl.origin, rh.origin) or not comparable(a.value, b.value):
                    continue
                if not certainly_below(b.value, a.value) or not rep.once(entry_id(a), entry_id(b)):
                    continue
                if blame == "low":
                    target = a if rl.origin == code else b
                else:
                    target = b if rh.origin == code else a
                la, lb = ctx.label_zh(low, a.breakdown_items), ctx.label_zh(high, b.breakdown_items)
                ea, eb = ctx.label_en(low, a.breakdown_items), ctx.label_en(high, b.breakdown_items)
                az, bz = rel_zh(ctx, a, target), rel_zh(ctx, b, target)
                ae, be = rel_en(ctx, a, target), rel_en(ctx, b, target)
                if kind == "late":
                    zh = (f"{lb} {bz} 低于 {la} {az}：集中缴费期后参保的金额"
                          f"不应低于按时参保的个人缴费（{day} 起同时有效）")
                    en = (f"{eb} {be} is below {ea} {ae}: paying late "
                          f"should not cost less than paying on time (both in force on {day})")
                else:
                    zh = f"{la} {az} 高于 {lb} {bz}（{day} 起同时有效）"
                    en = f"{ea} {ae} is above {eb} {be} (both in force on {day})"
                yield rep.at(target, zh, en)


@rule("R8", "error", "起付标准不高于封顶线", "Deductible ≤ cap",
      rationale="同一日期有效的起付标准不得高于年度最高支付限额，封顶线必须大于 0（未知写 unknown，不写 0）。"
                "起付标准 ≥ 0 由结构校验保证。分段（费用段）目前不在数据模型中。依据：docs/domain.md R8；LY-11。",
      example="employee.inpatient.deductible: 1500\nemployee.annual_cap: 1000")
def r8_deductible_cap(rep: Reporter) -> Diags:
    ctx = rep.ctx
    for deductible, cap in DEDUCTIBLE_CAP:
        if not has_params(ctx, deductible, cap):
            continue
        for key in ctx.by_param.get(cap, ()):
            for e in ctx.ps.rules[key]:
                s = span(e.value)
                if s is not None and s[1] == 0 and e.bound == "exact":
                    yield rep.at(e, f"{ctx.label_zh(cap)} 为 0：封顶线必须大于 0（未知请写 unknown）",
                                 f"{ctx.label_en(cap)} is 0: a cap must be above 0 "
                                 "(write unknown when it is not known)")
        yield from _pair_order(rep, deductible, cap, "cap")


# == R9: off-site ≤ local, no computed off-site ratio from an unknown mode ===================
@rule("R9", "error", "异地报销不高于本地；未知方式不能推算", "Off-site ≤ local; no computed off-site value",
      rationale="异地就医报销比例不得高于本地比例；“降低”不能写成 increase；按百分点降低的幅度不得大于本地比例。"
                "降低方式未知（mode: unknown，如“降低20%”）时，不得录入推算（inferred/derived）的异地报销比例。"
                "参数按命名约定配对：X.offsite_reduction、X.ratio、X.offsite_ratio。依据：QY-04、QY-06；C29。",
      example="resident.inpatient.offsite_reduction: {value: 10, mode: unknown}\n"
              "resident.inpatient.offsite_ratio: 0.5   obtained: derived   # 不能推算")
def r9_offsite(rep: Reporter) -> Diags:
    ctx = rep.ctx
    cat = ctx.ps.catalogue.parameters
    for pid in sorted(cat):
        if not pid.endswith(".offsite_reduction"):
            continue
        base = pid[: -len("offsite_reduction")]
        local, offsite = base + "ratio", base + "offsite_ratio"
        for key in ctx.by_param.get(pid, ()):
            for e in ctx.ps.rules[key]:
                v = e.value
                if v.kind == "adjustment" and v.direction == "increase":
                    yield rep.at(e, "异地就医报销比例的“降低”写成了 increase：异地报销比例不应高于本地",
                                 "the off-site reduction is written as an increase: the off-site "
                                 "ratio must not exceed the local one")
        if local in cat:
            yield from _reduction_vs_local(rep, pid, local)
        if local in cat and offsite in cat:
            yield from _pair_order(rep, offsite, local, "offsite")
        if offsite in cat:
            yield from _computed_offsite(rep, pid, offsite)


def _reduction_vs_local(rep: Reporter, reduction: str, local: str) -> Diags:
    """A reduction in points larger than the local ratio would make the off-site ratio negative."""
    ctx = rep.ctx
    p_local = ctx.param(local)
    p_red = ctx.param(reduction)
    if p_local is None or p_red is None:
        return
    for code, _, bk in ctx.by_param.get(reduction, ()):
        for day, (rr, rl) in ctx.states(code, [(reduction, bk), (local, projected(bk, p_local))]):
            red, loc = exact_entry(rr), exact_entry(rl)
            if red is None or loc is None or rr is None or rr.origin != code:
                continue
            sl = span(loc.value)
            n = red.value.number
            if red.value.mode != "pp" or n is None or sl is None or loc.value.kind != "ratio":
                continue
            if n / 100 > sl[1] and rep.once(entry_id(red), entry_id(loc)):
                yield rep.at(red, f"降低 {num(n)} 个百分点大于本地报销比例 {rel_zh(ctx, loc, red)}，"
                                  f"异地报销比例将小于 0（{day} 起同时有效）",
                             f"a reduction of {num(n)} points exceeds the local ratio "
                             f"{rel_en(ctx, loc, red)}: the off-site ratio would be negative "
                             f"(both in force on {day})")


def _computed_offsite(rep: Reporter, reduction: str, offsite: str) -> Diags:
    ctx = rep.ctx
    p_red = ctx.param(reduction)
    if p_red is None:
        return
    for code, _, bk in ctx.by_param.get(offsite, ()):
        for _day, (ro, rr) in ctx.states(code, [(offsite, bk), (reduction, projected(bk, p_red))]):
            o, red = exact_entry(ro), exact_entry(rr)
            if o is None or red is None or ro is None or ro.origin != code:
                continue
            if o.obtained == "stated" or red.value.mode != "unknown":
                continue
            if rep.once(entry_id(o)):
                yield rep.at(o, f"异地报销比例是推算的（{o.obtained}），但降低幅度 {rel_zh(ctx, red, o)} 的方式未知："
                                "不知道是百分点还是相对比例，不能计算",
                             f"the off-site ratio is {o.obtained}, but the mode of the reduction "
                             f"{rel_en(ctx, red, o)} is unknown: points or relative is not known, so it "
                             "cannot be computed")


# == R22 / R23: a flag that ends a parameter ========================================================
def _superseded(rep: Reporter, rule_id: str) -> Diags:
    ctx = rep.ctx
    for rid, flag, trigger, params in SUPERSEDED_BY_FLAG:
        if rid != rule_id or flag not in ctx.ps.catalogue.parameters:
            continue
        for pid in params:
            if pid not in ctx.ps.catalogue.parameters:
                continue
            for code in ctx.regions_owning(flag, pid):
                for bk in sorted(ctx.bks_in_chain(code, pid) or {()}):
                    for day, (rf, rp) in ctx.states(code, [(flag, ()), (pid, bk)]):
                        f, p = exact_entry(rf), exact_entry(rp)
                        if f is None or p is None or rf is None or rp is None:
                            continue
                        if f.value.flag is not trigger or code not in (rf.origin, rp.origin):
                            continue
                        s = span(p.value)
                        if s is not None and s[1] == 0:
                            continue
                        if not rep.once(entry_id(f), entry_id(p)):
                            continue
                        target = p if rp.origin == code else f
                        yield rep.at(
                            target,
                            f"{ctx.label_zh(flag)}：{rel_zh(ctx, f, target)}，"
                            f"但{ctx.label_zh(pid, p.breakdown_items)}仍为 {rel_zh(ctx, p, target)}"
                            f"（{day} 起同时有效）",
                            f"{ctx.label_en(flag)}: {rel_en(ctx, f, target)}, "
                            f"but {ctx.label_en(pid, p.breakdown_items)} is still {rel_en(ctx, p, target)} "
                            f"(both in force on {day})")


@rule("R22", "warning", "生育保险合并后不再单列费率", "Maternity merge",
      rationale="生育保险与职工医保合并实施（maternity.merged_into_medical 为 true）之后，不应再有单独的生育保险费率"
                "（费率为 0 除外）。依据：国办发〔2019〕10号（C20）；DG-06。",
      example="maternity.merged_into_medical: true (start 2020)\nmaternity.contribution.rate: 0.007 (start 2021)")
def r22_maternity_merge(rep: Reporter) -> Diags:
    yield from _superseded(rep, "R22")


@rule("R23", "warning", "退休人员不缴费后不再有退休人员费率", "Retiree contribution",
      rationale="employee.retiree.pays_contribution 为 false 之后，不应再有退休人员缴费费率或金额（为 0 除外）。"
                "依据：QY-11（清远自 2020 年 7 月起退休人员不再缴费）。",
      example="employee.retiree.pays_contribution: false (start 2020-07)\n"
              "employee.retiree.contribution_rate: 0.02 (start 2021)")
def r23_retiree_contribution(rep: Reporter) -> Diags:
    yield from _superseded(rep, "R23")
