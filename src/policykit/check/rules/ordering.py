"""Rules ordering the values along a dimension of the catalogue (the earlier value is
at least as favourable as the later one): hospital levels (R4), retirees and
in-service employees (R5), assistance categories (R17), and the ends of the
critical-illness bands (R26: not decreasing)."""

from __future__ import annotations

from collections.abc import Sequence

from policykit.check.context import Reporter, certainly_below, comparable, entry_id
from policykit.check.rule import rule
from policykit.check.rules.common import Diags, cite_en, cite_zh, exact_entry
from policykit.diagnostics import Diagnostic, Severity
from policykit.model.entities import Entry, Parameter
from policykit.model.policyset import breakdown_key

# R5: retirees are treated at least as well as in-service employees.
RETIREE_ORDER = ("person_type", ("retiree", "in_service"))
# R17 uses this ordered dimension; R4 every other ordered dimension (hospital_level).
ASSISTANCE_DIMENSION = "assistance_category"
# R26: the bands of a segmented critical-illness schedule, in order.
BAND_DIMENSION = "ci_band"


# == R4 / R5 / R17: orderings along a dimension ==========================================
def _ordering(rep: Reporter, dim: str, order: Sequence[str] | None,
              severity_for: dict[str, Severity]) -> Diags:
    """Along `dim`, earlier values (more favourable to the insured) must be at least
    as favourable as later ones, on every date where both are in force."""
    ctx = rep.ctx
    cat = ctx.ps.catalogue
    dimension = cat.dimensions.get(dim)
    if dimension is None:
        return
    values = tuple(order) if order is not None else dimension.value_ids()
    if any(v not in dimension.value_ids() for v in values):
        return
    for pid, p in cat.parameters.items():
        if dim not in p.dimensions or p.higher_is not in severity_for:
            continue
        if p.type not in ("ratio", "amount", "number", "count", "duration"):
            continue
        keys = ctx.by_param.get(pid)
        if not keys:
            continue
        groups = sorted({(code, tuple((d, v) for d, v in bk if d != dim)) for code, _, bk in keys})
        better_high = p.higher_is == "better"
        present: dict[str, set[str]] = {}
        for code, rest in groups:
            if code not in present:  # the values of dim set anywhere in the chain
                present[code] = {v for b in ctx.bks_in_chain(code, pid) for d, v in b if d == dim}
            if not present[code]:
                continue  # nothing in the chain is broken down by dim: all values are equal
            # A value set nowhere in the chain resolves exactly as `rest` does (the same
            # fallbacks in the same order), so it shares rest's timeline.
            bks = [breakdown_key({**dict(rest), dim: v}) if v in present[code] else rest
                   for v in values]
            seen: set[tuple[int, ...]] = set()
            for day, res in ctx.states(code, [(pid, bk) for bk in bks]):
                exact = [exact_entry(r) for r in res]
                ids = tuple(id(e) for e in exact)
                if ids in seen:
                    continue
                seen.add(ids)
                for i in range(len(values)):
                    a, ra = exact[i], res[i]
                    if a is None or ra is None:
                        continue
                    for j in range(i + 1, len(values)):
                        b, rb = exact[j], res[j]
                        if b is None or rb is None or a is b or not comparable(a.value, b.value):
                            continue
                        if ra.origin != code and rb.origin != code:
                            continue
                        broken = (certainly_below(a.value, b.value) if better_high
                                  else certainly_below(b.value, a.value))
                        if not broken or not rep.once(entry_id(a), entry_id(b)):
                            continue
                        yield _ordering_diag(rep, p, dim, values[i], values[j], a, b,
                                             a if ra.origin == code else b, day,
                                             severity_for[p.higher_is])


def _ordering_diag(rep: Reporter, p: Parameter, dim: str, va: str, vb: str, a: Entry, b: Entry,
                   target: Entry, day: str, severity: Severity) -> Diagnostic:
    ctx = rep.ctx
    better = p.higher_is == "better"
    az, bz = ctx.dim_value_zh(dim, va), ctx.dim_value_zh(dim, vb)
    ae, be = ctx.dim_value_en(dim, va), ctx.dim_value_en(dim, vb)
    cmp_zh, need_zh = ("低于", "不低于") if better else ("高于", "不高于")
    cmp_en, need_en = ("below", "at least") if better else ("above", "at most")
    same = a.region == b.region
    ca_zh = cite_zh(ctx, a, not same, where=a is not target)
    cb_zh = cite_zh(ctx, b, not same, where=b is not target)
    ca_en = cite_en(ctx, a, not same, where=a is not target)
    cb_en = cite_en(ctx, b, not same, where=b is not target)
    zh = f"{p.label.zh}：{az} {ca_zh} {cmp_zh} {bz} {cb_zh}；{az}应{need_zh}{bz}（{day} 起同时有效）"
    en = (f"{p.label.en or p.id}: {ae} {ca_en} is {cmp_en} {be} {cb_en}; "
          f"{ae} should be {need_en} {be} (both in force on {day})")
    return rep.at(target, zh, en, severity=severity)


@rule("R4", "error", "医院等级顺序", "Hospital-level ordering",
      rationale="按目录中 ordered: true 的维度（医院等级）排列，等级越低待遇越好：报销比例 一级 ≥ 二级 ≥ 三级"
                "（higher_is: better 的参数，错误）；起付标准 一级 ≤ 二级 ≤ 三级（higher_is: worse，警告，"
                "有的城市各级相同）。在所有等级同时有效的每个日期比较，含继承来的数值；区间只有在确定违反时才报。"
                "依据：QY-05（90% ≥ 75% ≥ 60%），分级诊疗政策。",
      example="breakdown: {hospital_level: level1}\nratio: 0.6\n"
              "# …\nbreakdown: {hospital_level: level3}\nratio: 0.9   # 一级低于三级",
      also=("warning",))
def r4_hospital_level(rep: Reporter) -> Diags:
    for dim, d in rep.ctx.ps.catalogue.dimensions.items():
        if d.ordered and dim != ASSISTANCE_DIMENSION:
            yield from _ordering(rep, dim, None, {"better": "error", "worse": "warning"})


@rule("R5", "warning", "退休人员待遇不低于在职职工", "Retiree ≥ in-service",
      rationale="同一险种、同一等级下，退休人员的报销比例、封顶线不低于在职职工，起付标准不高于在职职工。"
                "依据：国办发〔2021〕14号“向退休人员倾斜”（C19）；QY-02/QY-03（在职 87–95%，退休 90–95%）。",
      example="breakdown: {person_type: retiree}\nratio: 0.85\n"
              "# …\nbreakdown: {person_type: in_service}\nratio: 0.9")
def r5_retiree(rep: Reporter) -> Diags:
    dim, order = RETIREE_ORDER
    yield from _ordering(rep, dim, order, {"better": "warning", "worse": "warning"})


@rule("R17", "warning", "救助对象顺序", "Assistance-category ordering",
      rationale="按目录中救助对象类别的顺序（ordered: true），排在前面的对象待遇不低于后面的：资助参保 特困 ≥ 低保 ≥ 低保边缘/监测，"
                "救助比例 特困、低保 ≥ 低保边缘 ≥ 因病致贫。地方有例外，故为警告。依据：国办发〔2021〕42号（C11）；CX-04/CX-05。",
      example="breakdown: {assistance_category: tekun}\nratio: 0.5\n"
              "# …\nbreakdown: {assistance_category: dibao}\nratio: 1")
def r17_assistance_order(rep: Reporter) -> Diags:
    d = rep.ctx.ps.catalogue.dimensions.get(ASSISTANCE_DIMENSION)
    if d is not None and d.ordered:
        yield from _ordering(rep, ASSISTANCE_DIMENSION, None,
                             {"better": "warning", "worse": "warning"})


@rule("R26", "error", "大病保险分段顺序", "Critical-illness bands in order",
      rationale="大病保险分段支付（ci_band）：第 k 段从上一段的上限到本段上限（critical_illness.band.upto），"
                "各段首尾相接，所以各段上限必须按段的顺序不减（第一段 ≤ 第二段 ≤ …），在同时有效的每个日期比较，"
                "含继承来的数值。依据：参数目录中 ci_band 的定义（分段首尾相接）；上限顺序颠倒时各段范围无定义，"
                "估算器（docs/estimate.md）无法计算。",
      example="breakdown: {ci_band: band1}\namount: 100000\n"
              "# …\nbreakdown: {ci_band: band2}\namount: 50000   # 第一段上限高于第二段")
def r25_band_order(rep: Reporter) -> Diags:
    # band.upto is neutral (higher_is): checked as "earlier not above later".
    yield from _ordering(rep, BAND_DIMENSION, None, {"neutral": "error"})
