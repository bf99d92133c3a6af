"""Rules on when entries are in force: effective periods of one rule do not overlap
(R7), an entry's status agrees with its dates (R20), and coverage-year values name their
year (R25)."""

from __future__ import annotations

from policykit.check.context import Reporter, last_day
from policykit.check.rule import rule
from policykit.check.rules.common import Diags, cite_en, cite_zh
from policykit.model.entities import first_day


# == R7: overlapping periods ==================================================================
@rule("R7", "error", "生效期不重叠", "Effective periods do not overlap",
      rationale="同一地区、同一参数、同一细分的条目，生效期不得重叠：写了 end 的条目与之后开始的条目重叠，"
                "或两个条目同一天开始，都无法确定哪一个有效。结束早于开始由加载器报告（E_END_BEFORE_START），此处不重复。"
                "依据：版本化数据的基本要求；DG-02“阶段性”需要结束日期。",
      example="- {status: in_force, start: \"2020\", end: \"2022\", ratio: 0.6, …}\n"
              "- {status: in_force, start: \"2021\", ratio: 0.65, …}   # 2021 年两条同时有效")
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
                    zh = (f"与同一规则的另一条目 {cite_zh(ctx, a, False)} 同一天（{b.begins}）开始生效；"
                          "同一日期只能有一个有效数值")
                    en = (f"begins on the same day ({b.begins}) as another entry of the same rule, "
                          f"{cite_en(ctx, a, False)}; only one value can be in force on a date")
                else:
                    zh = (f"生效期与同一规则的另一条目 {cite_zh(ctx, a, False)} 重叠："
                          f"那一条到 {a.end} 才结束，这一条自 {b.begins} 起生效")
                    en = (f"overlaps another entry of the same rule, {cite_en(ctx, a, False)}, which "
                          f"ends only on {a.end}, while this one begins on {b.begins}")
                yield rep.at(b, zh, en, pointer=ptr)


# == R20: status vs dates ========================================================================
@rule("R20", "warning", "状态与日期相符", "Status vs dates",
      rationale="planned 条目的开始日期早于来源日期，多半已经实施或日期有误；temporary 条目需要 end 或 note；"
                "in_force/temporary 条目需要 start 或 observed，否则不会在任何日期生效；start 不应晚于 observed；"
                "observed 不应晚于来源日期。依据：DZ-03（计划 7月1日）、DZ-01（疫情阶段性措施）、DG-05（草案）。",
      example="status: planned\nstart: \"2019-01\"   # 来源日期 2019-08-09")
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


# == R25: coverage-year values name their year =====================================================
@rule("R25", "info", "待遇年度参数写明年度", "Coverage-year values name their year",
      rationale="参数目录中标了 by_coverage_year 的参数（居民医保缴费、财政补助、集中缴费期、断保补缴标准）属于某个待遇年度，"
                "条目应写 coverage_year；只写 notice_year（文件年度）或只有日期的，网站无法显示\u201c2025 年度\u201d，"
                "按年度查找也查不到。依据：docs/format.md 3.3 规则 8；辰溪县 2024、2025 年度缴费期（CX-*）。",
      example="- parameter: resident.late_payment.contribution   # by_coverage_year\n"
              "  history:\n"
              "    - {status: in_force, start: \"2025-01-01\", amount: 1070, …}   # 缺 coverage_year")
def r25_coverage_year(rep: Reporter) -> Diags:
    ctx = rep.ctx
    params = ctx.ps.catalogue.parameters
    for (_, pid, _), entries in ctx.rules.items():
        p = params.get(pid)
        if p is None or not p.by_coverage_year:
            continue
        for e in entries:
            if e.coverage_year is None:
                year = f"（只写了文件年度 {e.notice_year}）" if e.notice_year is not None else ""
                year_en = (f" (only the notice year {e.notice_year})"
                           if e.notice_year is not None else "")
                yield rep.at(e, f"{p.label.zh}按待遇年度计，但条目没有写 coverage_year{year}",
                             f"{p.label.en or p.id} belongs to a coverage year, but the entry "
                             f"gives no coverage_year{year_en}", pointer=f"{e.pointer}/status")
