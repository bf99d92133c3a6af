"""Rules comparing a region's values with the floors and ceilings it inherits: local
values within the floors of ancestors and the nation (R6), coverage year against
notice year (R16) and durations against floors in other units (R18)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from functools import lru_cache

from policykit.check.context import Reporter, comparable, entry_id, span
from policykit.check.rule import rule
from policykit.check.rules.common import Diags, cite_en, cite_zh
from policykit.diagnostics import Severity
from policykit.model.entities import Entry


# == R6 / R16 / R18: floors and ceilings =========================================================
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


@rule("R6", "error", "不低于上级和国家底线", "Local ≥ floors of ancestors and the nation",
      rationale="本地数值不得低于同一日期有效的任何上级地区（含全国）的底线（bound: min），不得高于上限（bound: max）；"
                "省定底线也不得低于国家底线。底线和上限按继承规则（timeline）取得，诊断写明底线所在地区、数值、文件和行号。"
                "依据：DG-08（东莞 90% ≥ 广东 70%）；国办发〔2021〕42号 低保、特困救助不低于 70%（C11）；"
                "大病保险 ≥ 60%、起付线 ≤ 50%（C21）。单位不同的时长见 R18；写了参保年度的本地数值与按通知年度记录的底线之间"
                "的比较见 R16（两者的年度对应关系因省而异）。",
      example="# 440000 广东省: assistance.ratio {assistance_category: dibao} bound: min ratio: 0.7\n"
              "# 441900 东莞市:\nratio: 0.6   # 低于广东省底线 70%")
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
            f"{ctx.region_zh(f.region)}的{kind_zh} {cite_zh(ctx, f, False, True)}（{day} 起同时有效）",
            f"{ctx.label_en(v.parameter, v.breakdown_items)}: {what_en}{ctx.value_en(v, True)} is "
            f"{broken} the {kind_en} of {ctx.region_en(f.region)}, {cite_en(ctx, f, False, True)} "
            f"(both in force on {day})",
        )


# == R18: durations against floors in other units ==============================================
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


@rule("R18", "warning", "时长单位不同的底线比较", "Durations against floors in other units",
      rationale="时长按原文单位保存（90 天不等于 3 个月）。与单位不同的底线/上限比较时按日历换算为天数区间"
                "（3 个月为 89–92 天）：确定不满足时警告“短于”，取决于日历时警告“单位不同”。"
                "依据：国办发〔2024〕38号 固定等待期 3 个月（C11、C13）；CX-18（90 天）。",
      example="# 000000: resident.late_payment.waiting_period bound: min duration: {value: 3, unit: month}\n"
              "duration: {value: 60, unit: day}   # 短于 3 个月")
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
        fz = f"{ctx.region_zh(f.region)}的{'底线' if f.bound == 'min' else '上限'} {cite_zh(ctx, f, False, True)}"
        fe = (f"the {'floor' if f.bound == 'min' else 'ceiling'} of {ctx.region_en(f.region)}, "
              f"{cite_en(ctx, f, False, True)}")
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


# == R16: notice year vs coverage year ============================================================
@rule("R16", "warning", "通知年度与参保年度", "Notice year vs coverage year",
      rationale="写了参保年度（coverage_year）Y 的本地数值，与上级按通知年度（notice_year）记录的底线比较时，"
                "按“通知年度 N 用于参保年度 N 或 N+1”两种对应关系：两种都低于则警告，只低于其中一种则提示（info）。"
                "依据：docs/domain.md §3.4；CX-07、CX-18。",
      example="# 000000: resident.individual_contribution bound: min notice_year: 2024 amount: 400\n"
              "coverage_year: 2025\namount: 380",
      also=("info",))
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
                       f"{cite_zh(ctx, f, False, True)}" + ("" if severity == "warning" else
                                                     f"（但不低于通知年度 {2 * y - 1 - n} 的标准；请核对省里采用的年度对应关系）"),
                    f"{ctx.value_en(e)} for coverage year {y} is below {ctx.region_en(f.region)}'s "
                    f"notice-year {n} standard {cite_en(ctx, f, False, True)}" + (
                        "" if severity == "warning" else
                        f" (but meets the notice-year {2 * y - 1 - n} standard; check which mapping "
                        "the province uses)"),
                    severity=severity)
