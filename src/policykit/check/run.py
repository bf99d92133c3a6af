"""Consistency rules over a loaded, schema-valid PolicySet (the rule catalogue).

Each rule has a stable id (R1–R24, as numbered in the domain research), a severity,
zh/en titles, a rationale with its source, an example of data that breaks it and a
function yielding Diagnostics (in `checkrules`). `run` executes every rule; one
failing rule (even one that raises) never hides another. Data files may acknowledge
a warning on a specific value (`acknowledge: [{check: R5, reason: …}]`); the
acknowledgement is shown in the report and the warning is no longer fatal under
`--strict`. Acknowledging an error, or a check that did not fire, is itself reported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from pathlib import Path

from policykit.check import rules as cr
from policykit.check.context import Context, Reporter
from policykit.diagnostics import Diagnostic, Severity
from policykit.model.entities import NATIONAL
from policykit.model.policyset import PolicySet
from policykit.util.fork import MIN_RULES_TO_CHECK, can_fork, forked
from policykit.util.gc import gc_paused

RuleFn = Callable[[Reporter], Iterable[Diagnostic]]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    title_zh: str
    title_en: str
    rationale: str
    fn: RuleFn
    example: str = ""
    # Lower severities some findings of this rule take (e.g. R4 deductibles: warning).
    also: tuple[Severity, ...] = ()


@dataclass(frozen=True)
class MetaCode:
    """Codes the checker itself emits (not data rules)."""

    code: str
    severity: Severity
    title_zh: str
    title_en: str
    description: str


RULES: list[Rule] = [
    Rule("R1", "error", "组成部分之和等于合计", "Components sum to the total",
         "单位费率与个人费率之和必须等于总费率（容差 0.001 个百分点），三者同时有效时才比较。"
         "依据：国家设计为单位约 6%、个人 2%（国务院白皮书 2004，C16）；东莞“总费率”（DG-02）。"
         "对应关系写在 checkrules.SUM_IDENTITIES 中，参数不在目录里时该行跳过。",
         cr.r1_components_sum,
         "employee.contribution.total_rate: 0.08\n"
         "employee.contribution.employer_rate: 0.06\n"
         "employee.contribution.employee_rate: 0.01   # 0.06 + 0.01 ≠ 0.08"),
    Rule("R2", "error", "写明的变化量能对上", "Stated deltas reconcile",
         "来源同时给出原值、变化量和新值时（delta），必须满足：mode 为 pp/absolute 时 "
         "from + by = 新值（精确小数，2.8% − 0.7 个百分点 = 2.1%）；relative 时 from × (1 + by/100) = 新值"
         "（允许舍入到新值的末位）。mode 为 unknown 时若两种算法都对不上也报错；只有一种对得上时提示（info）。"
         "依据：DG-02（2.8 − 0.7 = 2.1，“个百分点”）、DG-04（1.0 − 0.3 = 0.7）。",
         cr.r2_deltas,
         "ratio: 0.021\ndelta: {from: 0.028, by: -0.7, mode: pp}   # by 应写 -0.007",
         ("info",)),
    Rule("R3", "error", "比例与份额在取值范围内", "Shares and ratios within bounds",
         "比例写成 0–1 的小数。结构校验已拒绝大于 1 的 ratio；本规则补上结构校验看不出的情况："
         "原文是“1%”却写成 ratio: 1（应为 0.01）；单位为“比例/share of”的 number/amount 参数超出 0–1；"
         "降低超过 100（百分点或相对）；比例参数的 delta.from 大于 1（2.8 应为 0.028）。依据：domain.md R3，CX-04/CX-05。",
         cr.r3_bounds,
         "ratio: 1\nquote: 生育保险费率按1%执行   # 应为 0.01"),
    Rule("R4", "error", "医院等级顺序", "Hospital-level ordering",
         "按目录中 ordered: true 的维度（医院等级）排列，等级越低待遇越好：报销比例 一级 ≥ 二级 ≥ 三级"
         "（higher_is: better 的参数，错误）；起付标准 一级 ≤ 二级 ≤ 三级（higher_is: worse，警告，"
         "有的城市各级相同）。在所有等级同时有效的每个日期比较，含继承来的数值；区间只有在确定违反时才报。"
         "依据：QY-05（90% ≥ 75% ≥ 60%），分级诊疗政策。",
         cr.r4_hospital_level,
         "breakdown: {hospital_level: level1}\nratio: 0.6\n"
         "# …\nbreakdown: {hospital_level: level3}\nratio: 0.9   # 一级低于三级",
         ("warning",)),
    Rule("R5", "warning", "退休人员待遇不低于在职职工", "Retiree ≥ in-service",
         "同一险种、同一等级下，退休人员的报销比例、封顶线不低于在职职工，起付标准不高于在职职工。"
         "依据：国办发〔2021〕14号“向退休人员倾斜”（C19）；QY-02/QY-03（在职 87–95%，退休 90–95%）。",
         cr.r5_retiree,
         "breakdown: {person_type: retiree}\nratio: 0.85\n"
         "# …\nbreakdown: {person_type: in_service}\nratio: 0.9"),
    Rule("R6", "error", "不低于上级和国家底线", "Local ≥ floors of ancestors and the nation",
         "本地数值不得低于同一日期有效的任何上级地区（含全国）的底线（bound: min），不得高于上限（bound: max）；"
         "省定底线也不得低于国家底线。底线和上限按继承规则（timeline）取得，诊断写明底线所在地区、数值、文件和行号。"
         "依据：DG-08（东莞 90% ≥ 广东 70%）；国办发〔2021〕42号 低保、特困救助不低于 70%（C11）；"
         "大病保险 ≥ 60%、起付线 ≤ 50%（C21）。单位不同的时长见 R18；写了参保年度的本地数值与按通知年度记录的底线之间"
         "的比较见 R16（两者的年度对应关系因省而异）。",
         cr.r6_floors,
         "# 440000 广东省: assistance.ratio {assistance_category: dibao} bound: min ratio: 0.7\n"
         "# 441900 东莞市:\nratio: 0.6   # 低于广东省底线 70%"),
    Rule("R7", "error", "生效期不重叠", "Effective periods do not overlap",
         "同一地区、同一参数、同一细分的条目，生效期不得重叠：写了 end 的条目与之后开始的条目重叠，"
         "或两个条目同一天开始，都无法确定哪一个有效。结束早于开始由加载器报告（E_END_BEFORE_START），此处不重复。"
         "依据：版本化数据的基本要求；DG-02“阶段性”需要结束日期。",
         cr.r7_overlaps,
         "- {status: in_force, start: \"2020\", end: \"2022\", ratio: 0.6, …}\n"
         "- {status: in_force, start: \"2021\", ratio: 0.65, …}   # 2021 年两条同时有效"),
    Rule("R8", "error", "起付标准不高于封顶线", "Deductible ≤ cap",
         "同一日期有效的起付标准不得高于年度最高支付限额，封顶线必须大于 0（未知写 unknown，不写 0）。"
         "起付标准 ≥ 0 由结构校验保证。分段（费用段）目前不在数据模型中。依据：domain.md R8；LY-11。",
         cr.r8_deductible_cap,
         "employee.inpatient.deductible: 1500\nemployee.annual_cap: 1000"),
    Rule("R9", "error", "异地报销不高于本地；未知方式不能推算", "Off-site ≤ local; no computed off-site value",
         "异地就医报销比例不得高于本地比例；“降低”不能写成 increase；按百分点降低的幅度不得大于本地比例。"
         "降低方式未知（mode: unknown，如“降低20%”）时，不得录入推算（inferred/derived）的异地报销比例。"
         "参数按命名约定配对：X.offsite_reduction、X.ratio、X.offsite_ratio。依据：QY-04、QY-06；C29。",
         cr.r9_offsite,
         "resident.inpatient.offsite_reduction: {value: 10, mode: unknown}\n"
         "resident.inpatient.offsite_ratio: 0.5   obtained: derived   # 不能推算"),
    Rule("R10", "error", "区间格式正确", "Ranges are well formed",
         "区间 {min, max} 的下限不得大于上限；上下限相同时提示写成单个数值（info）。"
         "区间不会与分等级数据逐项比较，除非确定违反（见 R4、R5）。依据：QY-02（87%–95%）。",
         cr.r10_ranges, "ratio: {min: 0.95, max: 0.87}", ("info",)),
    Rule("R11", "warning", "声明数量与名单一致", "Declared counts match lists",
         "病种名单标为完整（complete: true）时，列出的数量必须等于声明总数；任何情况下列出的都不能多于声明的；"
         "同一病种不能重复。名单不完整时写 complete: false。依据：DG-05（声明 38 种，列出 2 种）。",
         cr.r11_counts,
         "diseases: {declared_count: 38, complete: true, items: [{name: 精神分裂症}, {name: 肺结核}]}"),
    Rule("R13", "error", "未知就写未知：原文必须包含数字", "Unknown stays unknown",
         "obtained: stated（缺省）的数值必须出现在 quote 中（允许 90% ↔ 0.9、200万 ↔ 2000000、全角数字、"
         "千分位和简单的中文数字）；日期值须以原文写法出现。不是原文直接给出的，写 obtained: inferred/derived 并写 derivation；"
         "不知道就写 unknown，绝不写 0。依据：辽阳模板（LY-*）；防止编造数字。",
         cr.r13_quotes_state_numbers,
         "ratio: 0.65\nquote: 报销比例有所提高   # 原文没有 65%"),
    Rule("R14", "error", "险种与参数相容", "Scheme / parameter compatibility",
         "参数目录中：以险种名开头的参数 id 必须属于该险种；按在职/退休（person_type）细分的参数只属于职工医保；"
         "职工医保没有财政补助，居民医保没有单位缴费。依据：domain.md §3.1。",
         cr.r14_scheme_fields,
         "resident.inpatient.ratio: {scheme: employee, …}   # id 以 resident 开头"),
    Rule("R15", "warning", "居民筹资恒等式", "Resident funding identity",
         "人均筹资 = 个人缴费 + 财政补助（同一日期，均为确切数值时）；集中缴费期后参保的缴费不应低于按时参保的个人缴费。"
         "依据：CX-18（1070 = 400 + 670）。",
         cr.r15_funding_identity,
         "resident.funding.per_capita: 1100\nresident.fiscal_subsidy: 670\n"
         "resident.individual_contribution: 400   # 670 + 400 ≠ 1100"),
    Rule("R16", "warning", "通知年度与参保年度", "Notice year vs coverage year",
         "写了参保年度（coverage_year）Y 的本地数值，与上级按通知年度（notice_year）记录的底线比较时，"
         "按“通知年度 N 用于参保年度 N 或 N+1”两种对应关系：两种都低于则警告，只低于其中一种则提示（info）。"
         "依据：domain.md §3.4；CX-07、CX-18。",
         cr.r16_notice_year,
         "# 000000: resident.individual_contribution bound: min notice_year: 2024 amount: 400\n"
         "coverage_year: 2025\namount: 380", ("info",)),
    Rule("R17", "warning", "救助对象顺序", "Assistance-category ordering",
         "按目录中救助对象类别的顺序（ordered: true），排在前面的对象待遇不低于后面的：资助参保 特困 ≥ 低保 ≥ 低保边缘/监测，"
         "救助比例 特困、低保 ≥ 低保边缘 ≥ 因病致贫。地方有例外，故为警告。依据：国办发〔2021〕42号（C11）；CX-04/CX-05。",
         cr.r17_assistance_order,
         "breakdown: {assistance_category: tekun}\nratio: 0.5\n"
         "# …\nbreakdown: {assistance_category: dibao}\nratio: 1"),
    Rule("R18", "warning", "时长单位不同的底线比较", "Durations against floors in other units",
         "时长按原文单位保存（90 天不等于 3 个月）。与单位不同的底线/上限比较时按日历换算为天数区间"
         "（3 个月为 89–92 天）：确定不满足时警告“短于”，取决于日历时警告“单位不同”。"
         "依据：国办发〔2024〕38号 固定等待期 3 个月（C11、C13）；CX-18（90 天）。",
         cr.r18_duration_units,
         "# 000000: resident.late_payment.waiting_period bound: min duration: {value: 3, unit: month}\n"
         "duration: {value: 60, unit: day}   # 短于 3 个月"),
    Rule("R19", "error", "地区代码与上级一致", "Region codes and parents consistent",
         "省级代码以 0000 结尾，地级以 00 结尾；地级的上级为 code[:2]+\"0000\"，县级的上级为 code[:4]+\"00\""
         "（或直属省的 code[:2]+\"0000\"）；统筹区为本地区或其上级；条目日期在地区代码有效期内（代码会被重新使用）。"
         "依据：GB/T 2260；C3（代码重用）。",
         cr.r19_region_codes,
         "region: {code: \"431223\", level: county, parent: \"441800\"}   # 应为 431200"),
    Rule("R20", "warning", "状态与日期相符", "Status vs dates",
         "planned 条目的开始日期早于来源日期，多半已经实施或日期有误；temporary 条目需要 end 或 note；"
         "in_force/temporary 条目需要 start 或 observed，否则不会在任何日期生效；start 不应晚于 observed；"
         "observed 不应晚于来源日期。依据：DZ-03（计划 7月1日）、DZ-01（疫情阶段性措施）、DG-05（草案）。",
         cr.r20_status_dates,
         "status: planned\nstart: \"2019-01\"   # 来源日期 2019-08-09"),
    Rule("R21", "warning", "实际报销率不是报销比例", "Realised-rate firewall",
         "“实际报销比”“平均补偿比”等是统计结果，不是规则，不得录入为报销比例（统计数字不在本版数据中，见 docs/coverage.md）。"
         "本规则检查比例条目的原文摘录中是否有这类说法。依据：CX-09（69.5%、62.24% 为实际补偿比）。",
         cr.r21_realised_rates,
         "ratio: 0.695\nquote: 住院实际补偿比69.5%"),
    Rule("R22", "warning", "生育保险合并后不再单列费率", "Maternity merge",
         "生育保险与职工医保合并实施（maternity.merged_into_medical 为 true）之后，不应再有单独的生育保险费率"
         "（费率为 0 除外）。依据：国办发〔2019〕10号（C20）；DG-06。",
         cr.r22_maternity_merge,
         "maternity.merged_into_medical: true (start 2020)\nmaternity.contribution.rate: 0.007 (start 2021)"),
    Rule("R23", "warning", "退休人员不缴费后不再有退休人员费率", "Retiree contribution",
         "employee.retiree.pays_contribution 为 false 之后，不应再有退休人员缴费费率或金额（为 0 除外）。"
         "依据：QY-11（清远自 2020 年 7 月起退休人员不再缴费）。",
         cr.r23_retiree_contribution,
         "employee.retiree.pays_contribution: false (start 2020-07)\n"
         "employee.retiree.contribution_rate: 0.02 (start 2021)"),
    Rule("R24", "info", "文号格式", "Document numbers are well formed",
         "文号应为“机关代字〔年份〕序号号”：六角括号〔〕、不含空格，年份不晚于发文日期。"
         "依据：QY-09（“40 号”多一个空格）、CX-19、CX-20。",
         cr.r24_doc_numbers,
         "doc_number: 清医保待[2021]40 号   # 应为 清医保待〔2021〕40号"),
]

QUOTE_IN_SOURCE = MetaCode(
    "S1", "error", "摘录见于存档原文", "Quote found in the archived source",
    "仅在 `policykit check --sources DIR` 时运行：来源写了 seed（存档文件名）时，每条摘录必须出现在 DIR 下该文件中。"
    "比较前两边都去掉拼音注音（如 醫(yī)）、繁体转简体（OpenCC t2s，需安装 opencc-python-reimplemented，"
    "即 policykit[extract]）、去掉空白并统一全角字符。存档文件缺失也报告。")
META_CODES: list[MetaCode] = [
    QUOTE_IN_SOURCE,
    MetaCode("E_CHECK_FAILED", "error", "检查程序出错", "A check crashed",
             "某条规则运行时出错（程序缺陷）。其他规则照常运行，出错的规则不会掩盖其他问题。"),
    MetaCode("W_ACK_ERROR", "warning", "错误不能被确认", "An error cannot be acknowledged",
             "acknowledge 只能确认警告（或提示）；被确认的检查在该数值上报的是错误，错误仍然有效。"),
    MetaCode("W_ACK_UNUSED", "warning", "确认的检查没有触发", "Acknowledged check did not fire",
             "acknowledge 确认的检查在该数值上没有报告任何问题（或没有这条检查）：数据已改正时请删除这条确认。"),
]

RULES_BY_ID = {r.id: r for r in RULES}


def _meta(code: str, file: str, line: int, col: int, pointer: str, zh: str, en: str,
          severity: Severity | None = None) -> Diagnostic:
    sev: Severity = (severity if severity is not None
                     else next(m.severity for m in META_CODES if m.code == code))
    return Diagnostic(code, sev, file, line, col, pointer, zh, en)


# Large policy sets are checked by two processes (a forked child shares the loaded set):
# each walks the rules of its own part of the regions. The parts are whole groups of
# regions linked by inheritance (in practice: provinces), so a value, the values it is
# compared with and the value tables they need stay in one process, and a finding about
# two values is made in one part only. Rules that look at the catalogue or the sources
# as a whole run once. Every other finding is in the file of the region walked.
_WHOLE_SET_RULES = frozenset({"R14", "R24"})  # the catalogue; the sources


def partition(ps: PolicySet, n: int) -> list[frozenset[str]]:
    """The regions in `n` parts of about equal numbers of rules; regions linked by
    inheritance (a region and its pooling region and parents, but not the nation,
    which every region inherits from and which only compares with itself) share a part."""
    parent: dict[str, str] = {}

    def find(c: str) -> str:
        root = c
        while parent.setdefault(root, root) != root:
            root = parent[root]
        while c != root:
            parent[c], c = root, parent[c]
        return root

    weight: dict[str, int] = {}
    for code, _, _ in ps.rules:
        weight[code] = weight.get(code, 0) + 1
    for code in sorted(set(ps.regions) | set(weight)):
        for other in ps.chain(code):
            if other != NATIONAL:
                a, b = find(code), find(other)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    groups: dict[str, set[str]] = {}
    for code in sorted(set(ps.regions) | set(weight)):
        groups.setdefault(NATIONAL if code == NATIONAL else find(code), set()).add(code)
    sized = sorted((-sum(weight.get(c, 0) for c in members), root, members)
                   for root, members in groups.items())
    parts: list[set[str]] = [set() for _ in range(n)]
    loads = [0] * n
    for minus_rules, _, members in sized:  # the biggest group first, to the lightest part
        i = loads.index(min(loads))
        parts[i] |= members
        loads[i] -= minus_rules
    return [frozenset(p) for p in parts]


def run(ps: PolicySet, display: str = "", sources: Path | None = None,
        parallel: bool | None = None) -> list[Diagnostic]:
    """Every rule over the policy set; acknowledgements applied. With `sources`, also
    check each quote against its source's archived text (S1). `parallel`: check half
    of the regions in a forked child (default: for large policy sets on more than one
    core); the findings and their order are the same either way (each rule's findings
    in file and line order)."""
    with _gc_off():
        ctx = Context.of(ps, display)
        if parallel is None:
            parallel = len(ps.rules) >= MIN_RULES_TO_CHECK and can_fork()
        by_region = [r for r in RULES if r.id not in _WHOLE_SET_RULES]
        mine, theirs = partition(ps, 2) if parallel else (None, frozenset[str]())

        def child_part() -> dict[str, list[Diagnostic]]:
            part = ctx.part(theirs)
            return {r.id: _run_rule(part, r) for r in by_region}

        found: dict[str, list[Diagnostic]] = {}
        with forked(child_part, enabled=bool(parallel)) as from_child:
            part = ctx.part(mine) if mine is not None else ctx
            for rule in RULES:
                found[rule.id] = _run_rule(part if rule in by_region else ctx, rule)
            if parallel:
                for rule_id, diags in from_child().items():
                    found[rule_id] += diags
        for rule in by_region:
            found[rule.id].sort(key=Diagnostic.sort_key)
        out: list[Diagnostic] = [d for rule in RULES for d in found[rule.id]]
        if sources is not None:
            out.extend(_guarded(ctx, "S1", lambda: check_quotes_in_sources(ctx, sources)))
        return acknowledge(ctx, out)


def run_regions(ps: PolicySet, display: str, regions: frozenset[str]) -> list[Diagnostic]:
    """What `run` finds walking these regions' own rules and records (every rule but
    the whole-set ones), acknowledgements of their values applied: the findings
    `run` reports in these regions' files. `ps` need hold only these regions and
    the regions they inherit from (`incremental`)."""
    with _gc_off():
        part = Context.of(ps, display).part(regions)
        found = [d for rule in RULES if rule.id not in _WHOLE_SET_RULES
                 for d in sorted(_run_rule(part, rule), key=Diagnostic.sort_key)]
        return acknowledge(part, found)


def _gc_off() -> AbstractContextManager[None]:
    """The rules allocate many short-lived objects and create no reference cycles; with
    the whole policy set alive, cyclic GC passes would cost a third of the run."""
    return gc_paused(freeze=False)


def _run_rule(ctx: Context, rule: Rule) -> list[Diagnostic]:
    rep = Reporter(ctx, rule.id, rule.severity)
    return _guarded(ctx, rule.id, lambda: rule.fn(rep))


def _guarded(ctx: Context, rule_id: str, make: Callable[[], Iterable[Diagnostic]],
             ) -> list[Diagnostic]:
    """A rule's findings; if it raises, the findings so far plus E_CHECK_FAILED."""
    found: list[Diagnostic] = []
    try:
        for d in make():
            found.append(d)
    except Exception as exc:  # a bug in one rule must not hide the others
        where = ctx.shown(ps_file(ctx))
        found.append(_meta(
            "E_CHECK_FAILED", where, 1, 1, "",
            f"检查 {rule_id} 运行出错（{type(exc).__name__}: {exc}），其结果不完整；其他检查不受影响",
            f"check {rule_id} failed ({type(exc).__name__}: {exc}); its results are incomplete, "
            "the other checks are unaffected"))
    return found


def ps_file(ctx: Context) -> str:
    return ctx.ps.catalogue.file or "catalogue.yaml"


# -- acknowledgements -------------------------------------------------------------------------
def _entry_pointer(pointer: str) -> str | None:
    parts = pointer.split("/")
    if len(parts) >= 5 and parts[1] == "rules" and parts[3] == "history":
        return "/".join(parts[:5])
    return None


def acknowledge(ctx: Context, diags: list[Diagnostic]) -> list[Diagnostic]:
    """Mark acknowledged warnings; report acknowledgements of errors and unused ones."""
    at_entry: dict[tuple[str, str], list[int]] = {}
    for i, d in enumerate(diags):
        ep = _entry_pointer(d.pointer)
        if ep is not None:
            at_entry.setdefault((d.file, ep), []).append(i)
    out = list(diags)
    extra: list[Diagnostic] = []
    for e in ctx.acknowledged:
        rel, ep = e.file, e.pointer
        for k, ack in enumerate(e.acknowledge):
            ptr = f"{ep}/acknowledge/{k}/check"
            line, col = ctx.ps.locate(rel, ptr)
            hits = [i for i in at_entry.get((ctx.shown(rel), ep), ()) if diags[i].code == ack.check]
            if not hits:
                known = ack.check in RULES_BY_ID
                extra.append(_meta(
                    "W_ACK_UNUSED", ctx.shown(rel), line, col, ptr,
                    (f"确认了检查 {ack.check}，但它在这个数值上没有报告问题；数据已改正时请删除这条确认"
                     if known else f"确认了不存在的检查 {ack.check}"),
                    (f"acknowledges {ack.check}, which reports nothing on this value; remove the "
                     "acknowledgement if the data was fixed" if known
                     else f"acknowledges {ack.check}, which is not a check")))
                continue
            errors = [i for i in hits if diags[i].severity == "error"]
            if errors:
                extra.append(_meta(
                    "W_ACK_ERROR", ctx.shown(rel), line, col, ptr,
                    f"检查 {ack.check} 在这个数值上报告的是错误，错误不能被确认，须改正数据",
                    f"check {ack.check} reports an error on this value; errors cannot be "
                    "acknowledged, fix the data"))
            for i in hits:
                if diags[i].severity != "error":
                    out[i] = replace(diags[i], acknowledged=ack.reason)
    return out + extra


# -- S1: quotes in archived source texts ---------------------------------------------------------
def check_quotes_in_sources(ctx: Context, folder: Path) -> Iterable[Diagnostic]:
    from policykit.check.quotes import SourceText

    norm = SourceText()
    texts: dict[str, str | None] = {}
    reported_missing: set[str] = set()
    ps = ctx.ps
    for key in sorted(ps.rules):
        for e in ps.rules[key]:
            src = ps.sources.get(e.source)
            if src is None or not src.seed:
                continue
            if src.seed not in texts:
                path = folder / src.seed
                try:
                    texts[src.seed] = norm.normalise(path.read_text(encoding="utf-8"))
                except (OSError, UnicodeDecodeError):
                    texts[src.seed] = None
            text = texts[src.seed]
            if text is None:
                if src.id not in reported_missing:
                    reported_missing.add(src.id)
                    ptr = cr.source_pointers(ctx, src.file).get(src.id, "") + "/seed"
                    line, col = ps.locate(src.file, ptr)
                    yield _meta("S1", ctx.shown(src.file), line, col, ptr,
                                f"来源 {src.id} 的存档文件 {folder / src.seed} 不存在或无法读取",
                                f"the archived text {folder / src.seed} of source {src.id} is "
                                "missing or unreadable")
                continue
            if norm.normalise(e.quote) in text:
                continue
            ptr = f"{e.pointer}/quote"
            line, col = ps.locate(e.file, ptr)
            yield _meta("S1", ctx.shown(e.file), line, col, ptr,
                        f"摘录在来源 {src.id} 的存档原文 {src.seed} 中找不到（已去掉拼音注音、繁转简、去空白）：“{e.quote}”",
                        f"the quote is not in {src.seed}, the archived text of source {src.id} "
                        "(pinyin glosses removed, traditional → simplified, whitespace "
                        f"ignored): '{e.quote}'")


def sources_supported() -> bool:
    """Whether `--sources` can run (OpenCC, an optional dependency, is installed)."""
    import importlib.util

    return importlib.util.find_spec("opencc") is not None
