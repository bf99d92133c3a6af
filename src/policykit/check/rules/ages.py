"""Rules on how old what the data says is, measured from the check's day (`check --at`,
default today; `Context.day`): a region whose newest confirmation is older than the
staleness horizon (R27), a temporary measure without an end not confirmed for more than a
year (R28), a plan whose date has passed (R29).

How a value in force on a day is known (its last confirmation) is timeline rule 6
(`PolicySet.confirmation`), the same answer the site, `show` and the API give. Because
these findings depend on the day, the check's memo is kept per day (`check.memo`)."""

from __future__ import annotations

from policykit.check.context import Reporter
from policykit.check.rule import rule
from policykit.check.rules.common import Diags
from policykit.model.days import add_years
from policykit.model.entities import Entry
from policykit.model.timeline import Resolved


def _in_force(rep: Reporter, e: Entry) -> bool:
    """Whether `e` is the entry of its rule in force on the check's day."""
    return rep.ctx.ps.track(e.rule_key).at(rep.ctx.day) is e


def _confirmed_on(rep: Reporter, e: Entry) -> str:
    return rep.ctx.ps.confirmation(Resolved(e, e.region), rep.ctx.day).confirmed_on


# == R27: stale region ==============================================================================
@rule("R27", "info", "地区规则近年有核实", "Region confirmed within the staleness horizon",
      rationale="某地区当日有效的规则中，最近一次核实（来源明确给出的区间、observed、条目或地区的 checked_on、来源日期，"
                "见 docs/format.md 3.3 规则 6）早于检查日期前的过时期限（缺省 3 年），则该地区的全部现行数值都是沿用的旧资料。"
                "检查日期是 `policykit check --at`（缺省今天）。请核对后在 region 下写 checked_on，或录入新的来源。"
                "依据：清远 2021 年的比例、德州 2020 年的标准在 2026 年仍作为现行显示（issue 16）。",
      example="region: {code: \"441800\", …}   # 没有 checked_on\n"
              "rules: …  observed: \"2021-08-24\"   # 检查日期 2026-12-04：已超过 3 年")
def r27_stale_region(rep: Reporter) -> Diags:
    ctx = rep.ctx
    newest: dict[str, str] = {}
    for key in ctx.rules:
        e = ctx.ps.track(key).at(ctx.day)
        if e is None:
            continue
        on = _confirmed_on(rep, e)
        if on > newest.get(key[0], ""):
            newest[key[0]] = on
    for code in sorted(newest):
        region = ctx.ps.regions.get(code)
        if region is None or add_years(newest[code], ctx.stale_years) >= ctx.day:
            continue
        ptr = "/region/checked_on" if region.checked_on else "/region/code"
        yield rep.at_file(
            region.file, ptr,
            f"{region.name.zh}当日（{ctx.day}）有效的规则最近一次核实是 {newest[code]}，已超过 {ctx.stale_years} 年："
            "这些数值都是沿用的旧资料；请核对后在 region 下写 checked_on，或录入新的来源",
            f"the newest confirmation of any rule of {region.name.en or region.name.zh} in force "
            f"on {ctx.day} is {newest[code]}, more than {ctx.stale_years} years ago: every value "
            "is carried forward from old sources; check them and write checked_on under region, "
            "or enter newer sources")


# == R28: temporary without end ======================================================================
@rule("R28", "warning", "阶段性措施须有结束日期或近期核实", "Temporary measures end or are re-confirmed",
      rationale="temporary（阶段性）条目没有 end，在检查日期仍然有效，而最近一次核实已超过一年：阶段性措施多半已经结束或延续，"
                "应写 end（须有来源），或在核实后写 checked_on。检查日期是 `policykit check --at`（缺省今天）。"
                "依据：东莞 2019 年阶段性费率、德州 2020 年疫情措施（issue 16）。",
      example="status: temporary\nobserved: \"2020-05-13\"   # 没有 end，检查日期 2026-12-04")
def r28_temporary_without_end(rep: Reporter) -> Diags:
    ctx = rep.ctx
    for entries in ctx.rules.values():
        for e in entries:
            if e.status != "temporary" or e.end is not None or not _in_force(rep, e):
                continue
            on = _confirmed_on(rep, e)
            if add_years(on, 1) >= ctx.day:
                continue
            yield rep.at(e, f"阶段性措施自 {e.begins} 起、没有结束日期，最近一次核实是 {on}，到检查日期 {ctx.day} 已超过一年："
                            "请写结束日期 end（须有来源），或核实仍然有效后写 checked_on",
                         f"a temporary measure since {e.begins} without an end, last confirmed on {on}, "
                         f"more than a year before the check's day {ctx.day}: give its end (from a "
                         "source), or write checked_on once it is confirmed still in force",
                         pointer=f"{e.pointer}/status")


# == R29: planned date passed ========================================================================
@rule("R29", "warning", "计划的生效日期已过", "A plan's date has passed",
      rationale="planned（计划）条目写了 start，按 docs/format.md 3.3 规则 5 自该日起生效并带“计划”标记；"
                "检查日期已过了这一天而它仍是有效的条目时，应核实：已实施的改为 in_force 并引用实施的文件，"
                "推迟或取消的更新日期或去掉 start。检查日期是 `policykit check --at`（缺省今天）。依据：DZ-03（计划 7月1日）。",
      example="status: planned\nstart: \"2020-07-01\"   # 检查日期 2026-12-04")
def r29_planned_date_passed(rep: Reporter) -> Diags:
    ctx = rep.ctx
    for entries in ctx.rules.values():
        for e in entries:
            if e.status != "planned" or e.start is None or not _in_force(rep, e):
                continue
            yield rep.at(e, f"计划的生效日期 {e.start} 已过（检查日期 {ctx.day}），它仍是当日有效的条目：已实施的请改为 in_force "
                            "并引用实施的文件；推迟或取消的请更新日期或去掉 start",
                         f"the plan's date {e.start} has passed (check's day {ctx.day}) and it is "
                         "still the entry in force: if it took effect, make it in_force citing the "
                         "document that put it in force; if postponed or dropped, change or remove "
                         "its start", pointer=f"{e.pointer}/start")
