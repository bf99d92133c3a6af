"""The functions behind the consistency rules R1–R24 (catalogue: `checks.RULES`).

Each function takes a `Reporter` (the indexed policy set plus the rule's id and
severity) and yields Diagnostics located at the value that breaks the rule; the
message names the value it was compared with, with its file and line. Values in
force on a date always come from `policykit.model.timeline` through `Context.states`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from decimal import Decimal
from functools import lru_cache

from policykit.check.context import (
    Context,
    Reporter,
    certainly_below,
    comparable,
    entry_id,
    last_day,
    span,
)
from policykit.check.quotes import (
    has_fullwidth_digits,
    normalise_numbers,
    number_in_quote,
    percent_written_as_ratio,
    plain,
)
from policykit.diagnostics import Diagnostic, Severity
from policykit.model.display import num, pct
from policykit.model.entities import NATIONAL, Breakdown, Entry, Parameter, first_day
from policykit.model.policyset import breakdown_key
from policykit.model.timeline import Resolved

Diags = Iterator[Diagnostic]

# -- domain tables (parameter ids; rows whose parameters are not in the catalogue are skipped)
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
# R5: retirees are treated at least as well as in-service employees.
RETIREE_ORDER = ("person_type", ("retiree", "in_service"))
# R17 uses this ordered dimension; R4 every other ordered dimension (hospital_level).
ASSISTANCE_DIMENSION = "assistance_category"
# R21: words that mark a realised statistic rather than a rule.
REALISED = re.compile(
    r"(实际|實際|平均|realised|realized|actual|average)[^，。,;；]{0,8}"
    r"(报销|報銷|补偿|補償|支付|保障|reimbursement|compensation)[^，。,;；]{0,4}(比|率|水平|rate|ratio)",
    re.IGNORECASE,
)
# R24: 机关代字〔YYYY〕N号
DOC_NUMBER = re.compile(r"^(?P<org>[^\s〔〕\[\]()（）【】]+)〔(?P<year>\d{4})〕(?P<n>\d+)号$")
LEVEL_ORDER = {"national": 0, "province": 1, "prefecture": 2, "county": 3}


# -- shared helpers ---------------------------------------------------------------------------
def _cite_zh(ctx: Context, e: Entry, with_region: bool = True, bare: bool = False,
             where: bool = True) -> str:
    """An entry's value with the file and line it comes from (the compared value)."""
    region = f"{ctx.region_zh(e.region)} " if with_region else ""
    loc = f"（{ctx.where(e)}）" if where else ""
    return f"{region}{ctx.value_zh(e, bare)}{loc}"


def _cite_en(ctx: Context, e: Entry, with_region: bool = True, bare: bool = False,
             where: bool = True) -> str:
    region = f"{ctx.region_en(e.region)} " if with_region else ""
    loc = f" ({ctx.where(e)})" if where else ""
    return f"{region}{ctx.value_en(e, bare)}{loc}"


def _rel_zh(ctx: Context, e: Entry, target: Entry) -> str:
    """An entry cited in a diagnostic located at `target`: its region when it differs,
    its file and line unless it is the target itself."""
    return _cite_zh(ctx, e, e.region != target.region, where=e is not target)


def _rel_en(ctx: Context, e: Entry, target: Entry) -> str:
    return _cite_en(ctx, e, e.region != target.region, where=e is not target)


def _exact(r: Resolved | None) -> Entry | None:
    """The resolved entry when it is an exact, known value."""
    if r is None or r.entry.bound != "exact" or r.entry.value.is_unknown:
        return None
    return r.entry


def _project(bk: Breakdown, p: Parameter) -> Breakdown:
    return tuple((d, v) for d, v in bk if d in p.dimensions)


def _params(ctx: Context, *pids: str) -> bool:
    return all(p in ctx.ps.catalogue.parameters for p in pids)


# == R1 / R15: sums =====================================================================
def _sum_identity(rep: Reporter, rule_id: str) -> Diags:
    ctx = rep.ctx
    for rid, total, parts, tol in SUM_IDENTITIES:
        if rid != rule_id or not _params(ctx, total, *parts):
            continue
        params = (total, *parts)
        for code in ctx.regions_owning(*params):
            for day, res in ctx.states(code, [(p, ()) for p in params]):
                entries = [_exact(r) for r in res]
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
                parts_zh = " + ".join(f"{ctx.label_zh(e.parameter)} {_rel_zh(ctx, e, target)}"
                                      for e in es[1:])
                parts_en = " + ".join(f"{ctx.label_en(e.parameter)} {_rel_en(ctx, e, target)}"
                                      for e in es[1:])
                yield rep.at(
                    target,
                    f"{ctx.label_zh(total)} {_rel_zh(ctx, es[0], target)} 不等于各部分之和 {parts_zh} = "
                    f"{num(summed)}（{day} 起同时有效）",
                    f"{ctx.label_en(total)} {_rel_en(ctx, es[0], target)} is not the sum of its parts "
                    f"{parts_en} = {num(summed)} (all in force on {day})",
                )


def r1_components_sum(rep: Reporter) -> Diags:
    yield from _sum_identity(rep, "R1")


def r15_funding_identity(rep: Reporter) -> Diags:
    yield from _sum_identity(rep, "R15")
    ctx = rep.ctx
    for late, on_time in LATE_NOT_CHEAPER:
        if _params(ctx, late, on_time):
            yield from _pair_order(rep, on_time, late, "late", blame="high")


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
def _is_share_unit(p: Parameter) -> bool:
    if p.unit is None:
        return False
    en = (p.unit.en or "").lower()
    return en.startswith(("share of", "proportion of", "fraction of")) or "比例" in p.unit.zh


def r3_bounds(rep: Reporter) -> Diags:
    ctx = rep.ctx
    for (_, pid, _), entries in ctx.rules.items():
        p = ctx.param(pid)
        if p is None:
            continue
        share = p.type in ("number", "amount") and _is_share_unit(p)
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
                exact = [_exact(r) for r in res]
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
    ca_zh = _cite_zh(ctx, a, not same, where=a is not target)
    cb_zh = _cite_zh(ctx, b, not same, where=b is not target)
    ca_en = _cite_en(ctx, a, not same, where=a is not target)
    cb_en = _cite_en(ctx, b, not same, where=b is not target)
    zh = f"{p.label.zh}：{az} {ca_zh} {cmp_zh} {bz} {cb_zh}；{az}应{need_zh}{bz}（{day} 起同时有效）"
    en = (f"{p.label.en or p.id}: {ae} {ca_en} is {cmp_en} {be} {cb_en}; "
          f"{ae} should be {need_en} {be} (both in force on {day})")
    return rep.at(target, zh, en, severity=severity)


def r4_hospital_level(rep: Reporter) -> Diags:
    for dim, d in rep.ctx.ps.catalogue.dimensions.items():
        if d.ordered and dim != ASSISTANCE_DIMENSION:
            yield from _ordering(rep, dim, None, {"better": "error", "worse": "warning"})


def r5_retiree(rep: Reporter) -> Diags:
    dim, order = RETIREE_ORDER
    yield from _ordering(rep, dim, order, {"better": "warning", "worse": "warning"})


def r17_assistance_order(rep: Reporter) -> Diags:
    d = rep.ctx.ps.catalogue.dimensions.get(ASSISTANCE_DIMENSION)
    if d is not None and d.ordered:
        yield from _ordering(rep, ASSISTANCE_DIMENSION, None,
                             {"better": "warning", "worse": "warning"})


# == R6 / R18: floors and ceilings =========================================================
def _bound_broken(v: Entry, f: Entry) -> str | None:
    """'below' / 'above' when v breaks the floor/ceiling f (both numeric, comparable)."""
    sv, sf = span(v.value), span(f.value)
    if sv is None or sf is None:
        return None
    if f.bound == "min":
        lowest = sv[1] if v.bound == "max" else sv[0]
        return "below" if lowest < sf[0] else None
    if f.bound == "max":
        highest = sv[0] if v.bound == "min" else sv[1]
        return "above" if highest > sf[1] else None
    return None


def _floor_pairs(rep: Reporter, kinds: frozenset[str] | None,
                 ) -> Iterator[tuple[Entry, Entry, str]]:
    """(own value, floor/ceiling of the same date, day) for every region's own value."""
    ctx = rep.ctx
    for pid in sorted(ctx.bounded):
        p = ctx.param(pid)
        if p is None or (kinds is not None and p.type not in kinds):
            continue
        for code, _, bk in ctx.by_param.get(pid, ()):
            if not ctx.has_bounds_in_chain(code, pid):
                continue
            for day, (r,) in ctx.states(code, [(pid, bk)]):
                if r is None or r.origin != code or r.entry.value.is_unknown:
                    continue
                for f in r.floors:
                    if f.entry is not r.entry and not f.entry.value.is_unknown:
                        yield r.entry, f.entry, day


def r6_floors(rep: Reporter) -> Diags:
    ctx = rep.ctx
    for v, f, day in _floor_pairs(rep, None):
        if not comparable(v.value, f.value):
            continue
        if v.coverage_year is not None and f.notice_year is not None:
            continue  # coverage year against notice year: the mapping is R16's business
        broken = _bound_broken(v, f)
        if broken is None or not rep.once(entry_id(v), entry_id(f)):
            continue
        kind_zh, kind_en = {"min": ("底线", "floor"), "max": ("上限", "ceiling")}[f.bound]
        what_zh = {"exact": "", "min": "本地底线 ", "max": "本地上限 "}[v.bound]
        what_en = {"exact": "", "min": "local floor ", "max": "local ceiling "}[v.bound]
        verb_zh = "低于" if broken == "below" else "高于"
        yield rep.at(
            v,
            f"{ctx.label_zh(v.parameter, v.breakdown_items)}：{what_zh}{ctx.value_zh(v, True)} {verb_zh} "
            f"{ctx.region_zh(f.region)}的{kind_zh} {_cite_zh(ctx, f, False, True)}（{day} 起同时有效）",
            f"{ctx.label_en(v.parameter, v.breakdown_items)}: {what_en}{ctx.value_en(v, True)} is "
            f"{broken} the {kind_en} of {ctx.region_en(f.region)}, {_cite_en(ctx, f, False, True)} "
            f"(both in force on {day})",
        )


@lru_cache(maxsize=256)
def _month_days(months: int) -> tuple[int, int]:
    """Fewest and most days in `months` consecutive calendar months."""
    lo, hi = 10**9, 0
    for year in range(2001, 2029):
        for month in range(1, 13):
            start = dt.date(year, month, 1)
            ey, em = divmod(year * 12 + month - 1 + months, 12)
            days = (dt.date(ey, em + 1, 1) - start).days
            lo, hi = min(lo, days), max(hi, days)
    return lo, hi


def _days(n: Decimal, unit: str | None) -> tuple[Decimal, Decimal | None]:
    """The least and most calendar days a duration may mean (None: no upper limit)."""
    if unit == "day":
        return n, n
    if unit == "working_day":
        return n, None
    months = n * 12 if unit == "year" else n
    if months == months.to_integral_value():
        lo, hi = _month_days(int(months))
        return Decimal(lo), Decimal(hi)
    return months * 28, months * 31


def r18_duration_units(rep: Reporter) -> Diags:
    ctx = rep.ctx
    for v, f, day in _floor_pairs(rep, frozenset({"duration"})):
        sv, sf = span(v.value), span(f.value)
        if sv is None or sf is None or v.value.unit == f.value.unit or v.bound == f.bound:
            continue
        lo_v = _days(sv[0], v.value.unit)[0]
        hi_v = _days(sv[1], v.value.unit)[1]
        lo_f = _days(sf[0], f.value.unit)[0]
        hi_f = _days(sf[1], f.value.unit)[1]
        if f.bound == "min":
            ok = hi_f is not None and lo_v >= hi_f
            certain = hi_v is not None and hi_v < lo_f
        else:
            ok = hi_v is not None and hi_v <= lo_f
            certain = hi_f is not None and lo_v > hi_f
        if ok or not rep.once(entry_id(v), entry_id(f)):
            continue
        fz = f"{ctx.region_zh(f.region)}的{'底线' if f.bound == 'min' else '上限'} {_cite_zh(ctx, f, False, True)}"
        fe = (f"the {'floor' if f.bound == 'min' else 'ceiling'} of {ctx.region_en(f.region)}, "
              f"{_cite_en(ctx, f, False, True)}")
        rng_zh = ""
        rng_en = ""
        if f.value.unit in ("month", "year") and hi_f is not None:
            rng_zh = f"（{ctx.value_zh(f, True)}为 {lo_f}–{hi_f} 天）"
            rng_en = f" ({ctx.value_en(f, True)} is {lo_f}–{hi_f} days)"
        label_zh = ctx.label_zh(v.parameter, v.breakdown_items)
        label_en = ctx.label_en(v.parameter, v.breakdown_items)
        if certain:
            verb_zh, verb_en = ("短于", "shorter than") if f.bound == "min" else ("长于", "longer than")
            yield rep.at(v, f"{label_zh}：{ctx.value_zh(v)} {verb_zh} {fz}{rng_zh}（{day} 起同时有效）",
                         f"{label_en}: {ctx.value_en(v)} is {verb_en} {fe}{rng_en} (both in force on {day})")
        else:
            yield rep.at(
                v, f"{label_zh}：{ctx.value_zh(v)} 与 {fz} 单位不同，是否满足要看日历{rng_zh}；"
                   f"天数与月数按原文保存，不换算（{day} 起同时有效）",
                f"{label_en}: {ctx.value_en(v)} and {fe} use different units, so whether it complies "
                f"depends on the calendar{rng_en}; days and months are kept as stated "
                f"(both in force on {day})")


# == R7: overlapping periods ==================================================================
def r7_overlaps(rep: Reporter) -> Diags:
    ctx = rep.ctx
    for key in ctx.rules:
        track = ctx.ps.track(key)  # the entries that can be in force, by the day they begin
        begins, ends = track.begins, track.ends
        if ends.count(None) == len(ends) and len(set(begins)) == len(begins):
            continue  # open-ended entries with distinct starts supersede each other
        for j, (b_begins, b) in enumerate(zip(begins, track.entries, strict=True)):
            for a_begins, a, a_ends in zip(begins[:j], track.entries, ends, strict=False):
                same_day = a_begins == b_begins
                overlap = same_day or (a_ends is not None and b_begins < a_ends)
                if not overlap:
                    continue
                ptr = f"{b.pointer}/{'start' if b.start is not None else 'observed'}"
                if same_day:
                    zh = (f"与同一规则的另一条目 {_cite_zh(ctx, a, False)} 同一天（{b.begins}）开始生效；"
                          "同一日期只能有一个有效数值")
                    en = (f"begins on the same day ({b.begins}) as another entry of the same rule, "
                          f"{_cite_en(ctx, a, False)}; only one value can be in force on a date")
                else:
                    zh = (f"生效期与同一规则的另一条目 {_cite_zh(ctx, a, False)} 重叠："
                          f"那一条到 {a.end} 才结束，这一条自 {b.begins} 起生效")
                    en = (f"overlaps another entry of the same rule, {_cite_en(ctx, a, False)}, which "
                          f"ends only on {a.end}, while this one begins on {b.begins}")
                yield rep.at(b, zh, en, pointer=ptr)


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
            hbk = _project(bk, p_high)
            for day, (rl, rh) in ctx.states(code, [(low, bk), (high, hbk)]):
                a, b = _exact(rl), _exact(rh)
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
                az, bz = _rel_zh(ctx, a, target), _rel_zh(ctx, b, target)
                ae, be = _rel_en(ctx, a, target), _rel_en(ctx, b, target)
                if kind == "late":
                    zh = (f"{lb} {bz} 低于 {la} {az}：集中缴费期后参保的金额"
                          f"不应低于按时参保的个人缴费（{day} 起同时有效）")
                    en = (f"{eb} {be} is below {ea} {ae}: paying late "
                          f"should not cost less than paying on time (both in force on {day})")
                else:
                    zh = f"{la} {az} 高于 {lb} {bz}（{day} 起同时有效）"
                    en = f"{ea} {ae} is above {eb} {be} (both in force on {day})"
                yield rep.at(target, zh, en)


def r8_deductible_cap(rep: Reporter) -> Diags:
    ctx = rep.ctx
    for deductible, cap in DEDUCTIBLE_CAP:
        if not _params(ctx, deductible, cap):
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
        for day, (rr, rl) in ctx.states(code, [(reduction, bk), (local, _project(bk, p_local))]):
            red, loc = _exact(rr), _exact(rl)
            if red is None or loc is None or rr is None or rr.origin != code:
                continue
            sl = span(loc.value)
            n = red.value.number
            if red.value.mode != "pp" or n is None or sl is None or loc.value.kind != "ratio":
                continue
            if n / 100 > sl[1] and rep.once(entry_id(red), entry_id(loc)):
                yield rep.at(red, f"降低 {num(n)} 个百分点大于本地报销比例 {_rel_zh(ctx, loc, red)}，"
                                  f"异地报销比例将小于 0（{day} 起同时有效）",
                             f"a reduction of {num(n)} points exceeds the local ratio "
                             f"{_rel_en(ctx, loc, red)}: the off-site ratio would be negative "
                             f"(both in force on {day})")


def _computed_offsite(rep: Reporter, reduction: str, offsite: str) -> Diags:
    ctx = rep.ctx
    p_red = ctx.param(reduction)
    if p_red is None:
        return
    for code, _, bk in ctx.by_param.get(offsite, ()):
        for _day, (ro, rr) in ctx.states(code, [(offsite, bk), (reduction, _project(bk, p_red))]):
            o, red = _exact(ro), _exact(rr)
            if o is None or red is None or ro is None or ro.origin != code:
                continue
            if o.obtained == "stated" or red.value.mode != "unknown":
                continue
            if rep.once(entry_id(o)):
                yield rep.at(o, f"异地报销比例是推算的（{o.obtained}），但降低幅度 {_rel_zh(ctx, red, o)} 的方式未知："
                                "不知道是百分点还是相对比例，不能计算",
                             f"the off-site ratio is {o.obtained}, but the mode of the reduction "
                             f"{_rel_en(ctx, red, o)} is unknown: points or relative is not known, so it "
                             "cannot be computed")


# == R10: ranges ===============================================================================
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


# == R13: unknown stays unknown =================================================================
def _date_in_quote(day: str, quote: str) -> bool:
    text = normalise_numbers(quote)
    if day in text:
        return True
    if len(day) != 10:
        return day in text
    y, m, d = day[:4], str(int(day[5:7])), str(int(day[8:10]))
    return any(s in text for s in (f"{y}年{m}月{d}日", f"{y}.{m}.{d}", f"{y}/{m}/{d}",
                                   f"{m}月{d}日"))


def p_type(p: Parameter | None) -> str | None:
    return p.type if p is not None else None


def r13_quotes_state_numbers(rep: Reporter) -> Diags:
    ctx = rep.ctx
    for (_, pid, _), entries in ctx.rules.items():
        p = ctx.param(pid)
        # a share declared as a plain number is written as a percentage too
        share = p is not None and p.type in ("number", "amount") and _is_share_unit(p)
        for e in entries:
            if e.obtained != "stated":
                continue
            v = e.value
            if v.kind == "date" and v.text:
                if not _date_in_quote(v.text, e.quote):
                    yield rep.at(e, f"原文摘录中找不到日期 {v.text}；推断的值请写 obtained: inferred 并说明 derivation",
                                 f"the quote does not contain the date {v.text}; mark a value "
                                 "that is not printed as obtained: inferred with a derivation")
                continue
            kind = "ratio" if share and v.kind == p_type(p) else v.kind
            for n in v.numbers():
                if not number_in_quote(kind, n, e.quote):
                    shown = pct(n) if kind == "ratio" else plain(n)
                    yield rep.at(
                        e, f"原文摘录中找不到数字 {shown}：原文写明的数字必须出现在 quote 中；"
                           "推断或计算得出的值请写 obtained: inferred/derived 并说明 derivation；不知道就写 unknown",
                        f"the quote does not contain {shown}: a stated number must appear in its "
                        "quote; mark inferred or derived values with a derivation, and write "
                        "unknown when it is not known")
                    break


# == R14: scheme / field compatibility (catalogue) ================================================
def r14_scheme_fields(rep: Reporter) -> Diags:
    cat = rep.ctx.ps.catalogue
    schemes = dict(cat.schemes)
    for pid, p in cat.parameters.items():
        ptr = f"/parameters/{pid}"
        head = pid.split(".", 1)[0]
        if head in schemes and head != p.scheme:
            yield rep.at_file(cat.file, ptr + "/scheme",
                              f"参数 {pid} 以险种 {head} 开头，但 scheme 写的是 {p.scheme}",
                              f"parameter {pid} starts with scheme {head} but its scheme is {p.scheme}")
        if "person_type" in p.dimensions and p.scheme not in ("employee", "general"):
            yield rep.at_file(cat.file, ptr + "/dimensions",
                              f"参数 {pid} 属于 {p.scheme}，却按在职/退休（person_type）细分；"
                              "退休人员待遇只存在于职工医保",
                              f"parameter {pid} belongs to {p.scheme} but is broken down by "
                              "person_type; retiree rules exist only in the employee scheme")
        if p.scheme == "employee" and "fiscal_subsidy" in pid:
            yield rep.at_file(cat.file, ptr + "/scheme",
                              f"参数 {pid}：职工医保没有财政补助", f"parameter {pid}: the employee "
                              "scheme has no fiscal subsidy")
        if p.scheme == "resident" and "employer" in pid:
            yield rep.at_file(cat.file, ptr + "/scheme",
                              f"参数 {pid}：居民医保没有单位缴费", f"parameter {pid}: the resident "
                              "scheme has no employer contribution")


# == R16: notice year vs coverage year ============================================================
def r16_notice_year(rep: Reporter) -> Diags:
    ctx = rep.ctx
    for pid in sorted(ctx.bounded):
        for code, _, bk in ctx.by_param.get(pid, ()):
            own = [e for e in ctx.ps.rules[(code, pid, bk)]
                   if e.coverage_year is not None and e.bound == "exact" and span(e.value)]
            if not own:
                continue
            floors: dict[int, list[Entry]] = {}
            for origin, track in ctx.ps.candidates(code, pid, bk):
                if origin == code:
                    continue
                for f in track.entries:
                    if f.bound == "min" and f.notice_year is not None:
                        floors.setdefault(f.notice_year, []).append(f)
            for e in own:
                y = e.coverage_year
                assert y is not None
                mapped = [(n, f) for n in (y - 1, y) for f in floors.get(n, ())
                          if comparable(e.value, f.value)]
                if not mapped:
                    continue
                below = [(n, f) for n, f in mapped if _bound_broken(e, f) == "below"]
                if not below:
                    continue
                severity: Severity = "warning" if len(below) == len(mapped) else "info"
                n, f = below[0]
                yield rep.at(
                    e, f"参保年度 {y} 的 {ctx.value_zh(e)} 低于 {ctx.region_zh(f.region)} 通知年度 {n} 的标准 "
                       f"{_cite_zh(ctx, f, False, True)}" + ("" if severity == "warning" else
                                                     f"（但不低于通知年度 {2 * y - 1 - n} 的标准；请核对省里采用的年度对应关系）"),
                    f"{ctx.value_en(e)} for coverage year {y} is below {ctx.region_en(f.region)}'s "
                    f"notice-year {n} standard {_cite_en(ctx, f, False, True)}" + (
                        "" if severity == "warning" else
                        f" (but meets the notice-year {2 * y - 1 - n} standard; check which mapping "
                        "the province uses)"),
                    severity=severity)


# == R19: region codes and parents =================================================================
def _code_problems(code: str, level: str, parent: str | None) -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    prov, pref = code[:2] + "0000", code[:4] + "00"
    if level == "national" and code != NATIONAL:
        out.append(("/region/code", f"全国的代码应为 {NATIONAL}", f"the nation's code is {NATIONAL}"))
    elif level == "province" and code != prov:
        out.append(("/region/code", f"省级代码应以 0000 结尾（{prov}）",
                    f"a province code ends in 0000 ({prov})"))
    elif level == "prefecture" and (code != pref or code == prov):
        out.append(("/region/code", "地级代码应以 00 结尾且不以 0000 结尾",
                    "a prefecture code ends in 00 but not 0000"))
    elif level == "county" and code == pref:
        out.append(("/region/code", "县级代码不应以 00 结尾", "a county code does not end in 00"))
    if parent is None or level in ("national", "province"):
        return out
    allowed = {"prefecture": (prov,), "county": (pref, prov)}.get(level, ())
    if parent not in allowed:
        out.append(("/region/parent",
                    f"上级代码 {parent} 与本地区代码 {code} 的前缀不符（应为 {' 或 '.join(allowed)}）",
                    f"parent {parent} does not match the prefix of {code} "
                    f"(expected {' or '.join(allowed)})"))
    return out


def r19_region_codes(rep: Reporter) -> Diags:
    ctx = rep.ctx
    regions = ctx.ps.regions
    for code, r in regions.items():
        if not ctx.walks(code):
            continue
        for ptr, zh, en in _code_problems(code, r.level, r.parent):
            yield rep.at_file(r.file, ptr, f"地区 {code}（{r.name.zh}）：{zh}", f"region {code}: {en}")
        if r.pooling_region is not None and r.pooling_region != code:
            ancestors: list[str] = []
            cur = r.parent
            while cur is not None and cur in regions and cur not in ancestors:
                ancestors.append(cur)
                cur = regions[cur].parent
            if r.pooling_region not in ancestors and r.pooling_region in regions:
                yield rep.at_file(r.file, "/region/pooling_region",
                                  f"地区 {code}（{r.name.zh}）的统筹区 {r.pooling_region} 既不是本地区也不是其上级",
                                  f"region {code}: pooling region {r.pooling_region} is neither the "
                                  "region itself nor one of its ancestors")
    for (code, _, _), entries in ctx.rules.items():
        reg = regions.get(code)
        if reg is None or (reg.valid_from is None and reg.valid_to is None):
            continue
        for e in entries:
            b = e.begins
            if b is None:
                continue
            if (reg.valid_from is not None and b < first_day(reg.valid_from)) or (
                    reg.valid_to is not None and b >= first_day(reg.valid_to)):
                period = f"{reg.valid_from or '…'}–{reg.valid_to or '…'}"
                yield rep.at(e, f"条目自 {b} 起，但地区代码 {code} 的有效期为 {period}",
                             f"the entry begins on {b}, outside the validity of code {code} "
                             f"({period})", pointer=f"{e.pointer}/{'start' if e.start else 'observed'}")


# == R20: status vs dates ========================================================================
def r20_status_dates(rep: Reporter) -> Diags:
    ctx = rep.ctx
    for entries in ctx.rules.values():
        for e in entries:
            src = ctx.ps.sources.get(e.source)
            src_date = src.date if src is not None else None
            if e.status == "planned" and e.start and src_date and last_day(e.start) < first_day(src_date):
                yield rep.at(e, f"计划（planned）的开始日期 {e.start} 早于来源日期 {src_date}：若已实施应为 in_force，"
                                "否则请核对日期",
                             f"a planned value starts on {e.start}, before its source's date "
                             f"{src_date}: if it took effect, it is in_force; otherwise check the date",
                             pointer=f"{e.pointer}/start")
            if e.status == "temporary" and e.end is None and not e.note:
                yield rep.at(e, "阶段性（temporary）条目需要结束日期 end，或在 note 中说明何时复核",
                             "a temporary entry needs an end date, or a note saying when to review it",
                             pointer=f"{e.pointer}/status")
            if e.status in ("in_force", "temporary") and e.start is None and e.observed is None:
                yield rep.at(e, f"状态为 {e.status} 但既没有 start 也没有 observed：该条目不会在任何日期生效",
                             f"status {e.status} without start or observed: the entry is never in force",
                             pointer=f"{e.pointer}/status")
            if e.start and e.observed and first_day(e.start) > e.observed:
                yield rep.at(e, f"开始日期 {e.start} 晚于观察到其有效的日期 {e.observed}",
                             f"the start {e.start} is after the date it was observed in force "
                             f"({e.observed})", pointer=f"{e.pointer}/start")
            if e.observed and src_date and e.observed > last_day(src_date):
                yield rep.at(e, f"observed {e.observed} 晚于来源日期 {src_date}：来源不可能看到之后的情况",
                             f"observed {e.observed} is after the source's date {src_date}",
                             pointer=f"{e.pointer}/observed")


# == R21: realised-rate firewall =================================================================
@lru_cache(maxsize=65536)
def _realised(quote: str) -> str | None:
    m = REALISED.search(quote)
    return m.group(0) if m else None


def r21_realised_rates(rep: Reporter) -> Diags:
    for entries in rep.ctx.rules.values():
        for e in entries:
            if e.value.kind != "ratio" or e.value.is_unknown:
                continue
            found = _realised(e.quote)
            if found:
                yield rep.at(e, f"原文 “{found}” 像是实际发生的统计数字，不是报销规则；统计数字不录入规则",
                             f"the quote '{found}' reads as a realised statistic, not a rule; "
                             "statistics are not rules")


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
                        f, p = _exact(rf), _exact(rp)
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
                            f"{ctx.label_zh(flag)}：{_rel_zh(ctx, f, target)}，"
                            f"但{ctx.label_zh(pid, p.breakdown_items)}仍为 {_rel_zh(ctx, p, target)}"
                            f"（{day} 起同时有效）",
                            f"{ctx.label_en(flag)}: {_rel_en(ctx, f, target)}, "
                            f"but {ctx.label_en(pid, p.breakdown_items)} is still {_rel_en(ctx, p, target)} "
                            f"(both in force on {day})")


def r22_maternity_merge(rep: Reporter) -> Diags:
    yield from _superseded(rep, "R22")


def r23_retiree_contribution(rep: Reporter) -> Diags:
    yield from _superseded(rep, "R23")


# == R24: document numbers ========================================================================
def r24_doc_numbers(rep: Reporter) -> Diags:
    ctx = rep.ctx
    pointers: dict[str, dict[str, str]] = {}
    for sid, s in ctx.ps.sources.items():
        if not s.doc_number:
            continue
        raw = s.doc_number
        problems: list[tuple[str, str]] = []
        fixed = re.sub(r"\s+", "", raw)
        fixed = re.sub(r"[\[［【(（](\d{4})[\]］】)）]", r"〔\1〕", fixed)
        if fixed != raw:
            problems.append((f"应写作 {fixed}（六角括号〔〕，不加空格）",
                             f"write it {fixed} (brackets 〔〕, no spaces)"))
        m = DOC_NUMBER.match(fixed)
        if m is None:
            problems.append(("不符合“机关代字〔年份〕序号号”的格式",
                             "does not match the pattern 机关代字〔YYYY〕N号"))
        elif s.date and int(m.group("year")) > int(s.date[:4]):
            problems.append((f"文号年份 {m.group('year')} 晚于发文日期 {s.date}",
                             f"the year {m.group('year')} is after the document's date {s.date}"))
        if not problems:
            continue
        if s.file not in pointers:
            pointers[s.file] = source_pointers(ctx, s.file)
        ptr = pointers[s.file].get(sid, "")
        for zh, en in problems:
            yield rep.at_file(s.file, ptr + "/doc_number", f"来源 {sid} 的文号 “{raw}” {zh}",
                              f"source {sid}: document number '{raw}' {en}")


def source_pointers(ctx: Context, rel: str) -> dict[str, str]:
    """Source id → its JSON pointer in a sources file (read only when a problem is found)."""
    from policykit.loader.yamlsrc import parse_exact

    if ctx.ps.root is None:
        return {}
    try:
        data = parse_exact((ctx.ps.root / rel).read_text(encoding="utf-8"), rel).data
    except (OSError, UnicodeDecodeError):
        return {}
    out = {}
    if isinstance(data, dict):
        for i, s in enumerate(data.get("sources") or ()):
            if isinstance(s, dict) and isinstance(s.get("id"), str):
                out[s["id"]] = f"/sources/{i}"
    return out

