"""Mapping figures to catalogue parameters, breakdowns and roles, by keyword tables.

All the vocabulary lives in the tables at the top of this module (CONCEPTS,
DIMENSION_WORDS, STATISTIC_*, TARGET_*): adding a parameter or a synonym is an
edit to a table, never a new `if`. The functions below only score a figure's
sentence against the tables.

How a figure is read:
1. Its role. A count of persons (人, 人次, 万人) is a statistic; words in its own
   clause such as 同比/累计/平均/参保率 make it a statistic, 目标/力争/要达到 a
   target. Statistics and targets are reported for review, never proposed as rules.
2. Its parameter. Every concept whose required words all occur in the sentence
   (some in the figure's own clause) and whose kind fits is a candidate; the
   nearest words score highest. Concepts of one family that differ only by scheme
   (职工/居民) and tie are all proposed ("城镇职工和城乡居民……55%"); any other tie
   is flagged as ambiguous, not resolved by guessing.
3. Its breakdown: hospital level and person type from the figure's own clause,
   assistance categories from the sentence (lists come before "他们").
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from policykit.extract.figures import Figure

Role = Literal["rule", "statistic", "target", "context", "unclassified"]


@dataclass(frozen=True)
class Concept:
    parameter: str
    kinds: tuple[str, ...]   # figure kinds; "adjust" = a percent/pp/money step (降低20%)
    need: tuple[str, ...]    # each "词|词" group must occur in the sentence
    near: tuple[str, ...] = ()   # each group must occur in the figure's own clause
    veto: str = ""           # any of these in the sentence rules the concept out
    veto_near: str = ""      # any of these in the figure's own clause rules it out
    units: str = ""          # duration/count units accepted, e.g. "month|year"
    family: str = ""         # same family = same rule for different schemes


def _c(parameter: str, kinds: str, need: str, near: str = "", veto: str = "",
       veto_near: str = "", units: str = "", family: str = "") -> Concept:
    return Concept(parameter, tuple(kinds.split()), tuple(need.split()),
                   tuple(near.split()), veto, veto_near, units, family)


# The vocabulary. `need`/`near` groups are space-separated; alternatives inside a
# group are separated by "|". Words are matched on simplified text.
CONCEPTS: tuple[Concept, ...] = (
    # ------------------------------------------------------------ contributions
    _c("employee.contribution.total_rate", "percent", "费率 基本医疗保险|医疗保险|医保",
       veto_near="生育|补充|灵活就业|困难企业"),
    _c("employee.supplementary.contribution_rate", "percent", "补充医疗保险|补充 费率",
       veto_near="基本医疗保险"),
    _c("maternity.contribution.rate", "percent", "生育 费率"),
    _c("employee.contribution.struggling_employer_rate", "percent", "困难企业 缴费率|费率"),
    _c("employee.risk_adjustment_levy.threshold", "percent", "风险调剂金"),
    _c("employee.bankrupt_enterprise_retiree.fiscal_contribution", "money", "破产企业"),
    _c("employee.unable_unit_retiree.unit_contribution", "money", "筹集", near="单位|主管部门"),
    _c("employee.unable_unit_retiree.fiscal_match", "money", "配比"),
    _c("employee.flexible.contribution_rate", "percent", "灵活就业 缴费|平均工资"),
    _c("employee.flexible.required_years", "duration", "缴费年限", veto_near="实际",
       units="year"),
    _c("employee.flexible.min_actual_years", "duration", "实际缴费年限", units="year"),
    _c("employee.flexible.late_enrolment_threshold", "duration", "超过规定期限",
       near="超过规定期限", units="month|year|day"),
    _c("employee.flexible.waiting_period", "duration", "灵活就业|超过规定期限",
       near="以后享受待遇|等待期", units="month|day|year"),
    _c("critical_illness.new_subsidy_allocation", "money", "大病保险 财政补助"),
    _c("resident.fiscal_subsidy", "money", "财政补助 居民|人均", veto="大病保险|新增|一半"),
    _c("resident.individual_contribution", "money", "个人缴费 居民|标准",
       veto="12月31日后|缴费期外|逾期|后缴费|等待期"),
    _c("resident.funding.subsidy_to_individual_ratio", "ratio", "财政补助 个人缴费"),
    _c("resident.late_payment.contribution", "money",
       "后缴费|缴费期外|集中缴费期后|逾期|断保", near="标准|缴费"),
    _c("resident.late_payment.waiting_period", "duration", "等待期", veto="灵活就业",
       units="day|month"),
    _c("resident.collection_window.start", "date_range", "缴费期"),
    _c("resident.collection_window.end", "date_range", "缴费期"),
    # ------------------------------------------------------------ reimbursement
    _c("resident.inpatient.ratio", "percent", "住院 居民 报销|支付比例",
       veto_near="平均|实际|综合|异地|补偿率", family="inpatient.ratio"),
    _c("employee.inpatient.ratio", "percent", "住院 职工|在职|退休 报销|支付比例",
       veto_near="平均|实际|综合|异地|补偿率", family="inpatient.ratio"),
    _c("employee.inpatient.offsite_reduction", "adjust", "异地 职工 报销|比例",
       near="异地|降低|下调", family="inpatient.offsite"),
    _c("resident.inpatient.offsite_reduction", "adjust", "异地 居民 报销|比例",
       near="异地|降低|下调", family="inpatient.offsite"),
    _c("employee.general_outpatient.ratio", "percent", "普通门诊 职工 报销|支付比例",
       family="general_outpatient.ratio"),
    _c("resident.general_outpatient.ratio", "percent", "普通门诊 居民 报销|支付比例",
       family="general_outpatient.ratio"),
    _c("employee.inpatient.deductible", "money", "起付"),
    _c("employee.annual_cap", "money", "最高支付限额|年度累计支付|封顶线|最高限额"),
    _c("resident.accidental_injury.ratio", "percent", "意外伤害 报销|比例"),
    _c("drug_list.anticancer_negotiated.count", "count", "抗癌药", units="种|个"),
    _c("rehabilitation.disabled_children.monthly_amount", "money", "残疾儿童|康复", near="每月"),
    _c("rehabilitation.disabled_children.max_months", "duration", "残疾儿童|康复",
       units="month"),
    _c("critical_illness.ratio", "percent", "大病保险 支付比例|报销比例",
       veto_near="平均|实际|倾斜"),
    _c("critical_illness.threshold_share_of_income", "percent", "大病 起付 收入"),
    _c("critical_illness.assistance_tilt", "adjust", "大病 倾斜"),
    _c("chronic.special_outpatient.diseases", "count", "病种", near="病种",
       veto_near="试点", units="个|种|个病种"),
    _c("chronic.outpatient.max_prescription_supply", "duration", "处方|取药量|用药量",
       units="month|day"),
    # ------------------------------------------------------------ assistance
    _c("assistance.ratio", "percent", "救助 比例", veto="二次|资助参保|兜底"),
    _c("assistance.contribution_subsidy", "percent", "资助|同交同补", near="资助",
       veto_near="到位率"),
    _c("assistance.secondary.ratio", "percent", "二次医疗救助 比例"),
    _c("assistance.residual_backstop.ratio", "percent", "兜底 自负"),
    # ------------------------------------------------------------ other
    _c("maternity.allowance.processing_time", "duration", "生育津贴|办理时限",
       units="working_day|day"),
)

# Breakdown words: dimension → value → words (most specific first: 低保边缘 before 低保).
DIMENSION_WORDS: Mapping[str, Mapping[str, str]] = {
    "hospital_level": {"level1": "一级医院|一级", "level2": "二级医院|二级",
                       "level3": "三级医院|三级|三甲"},
    "person_type": {"in_service": "在职", "retiree": "退休"},
    "assistance_category": {
        "dibao_edge": "低保边缘", "tekun": "特困", "de_facto_orphan": "事实无人抚养",
        "orphan": "孤儿", "severe_disability": "重度残疾", "monitored": "监测对象",
        "illness_poverty": "因病致贫", "dibao": "低保|最低生活保障",
    },
    "care_type": {"general_outpatient": "普通门诊", "special_outpatient": "特定病种|特殊病种",
                  "inpatient": "住院"},
    "inpatient_case": {"psychiatric": "精神病", "chemo_third_plus": "化疗"},
}
# Dimensions read from the whole sentence (a list of groups, then "他们……50%");
# the others only from the figure's own clause ("退休职工为90%至95%").
SENTENCE_DIMENSIONS = frozenset({"assistance_category"})

# Units of counts that are always head counts, i.e. statistics.
PERSON_UNITS = frozenset({"人", "人次", "户", "名", "家次", "例", "位"})
# Words in a figure's own clause that make it a statistic (a realised value).
STATISTIC_NEAR = (
    "同比|增长|累计|人次|总收入|总支出|减负|补偿金额|救助金额|资助金额|基金支付|支付金额|"
    "追回|平均|降幅|降价|实际|综合|占比|合计|共计|到位率|节省|预计|截至|截止|参保人数|参保率|"
    "覆盖面|节余率|收支|采购|合同金额|订单金额|成交|放贷|报价|参考价|挽回|上交金额|违规金额|"
    "已资助|已完成|完成|发放|下降了|提高了|增加了|总费用|预算"
)
# Words right before a figure that make it an estimate or a tally.
STATISTIC_BEFORE = re.compile(r"(?:约|近|超|共|计|达|达到|已有|共有|还差)$")
TARGET_NEAR = "目标|要达到|力争|争取|年底前|确保|任务|计划|开通比|开通数|不少于"
# Words that make a figure explanatory (a typical time beside a limit).
CONTEXT_BEFORE = re.compile(r"(?:一般|通常|其中)$")
# A figure inside a higher level's rule (突破省……不低于70%……规定): the province's
# value, not this region's. The level word must come before the figure.
PARENT_LEVEL_NEAR = re.compile(r"(?:省|国家|中央)[^,;。]{0,20}?(?:规定|要求|标准|底线)")
OWN_LEVEL_WORDS = "我市|本市|我县|本县|我区|本区"
PRONOUNS = "他们|其|上述|此项|该项"
# How far back before the sentence a missing word may be found (a heading or the
# opening sentence often names the scheme: "调整城乡居民基本医疗保险住院待遇：……").
# Only scheme and care words may come from there; the words that say what a
# figure is (起付, 比例, 救助, 缴费期) must be in its own sentence.
CONTEXT_CHARS = 300
INHERITABLE = frozenset("职工 在职 退休 居民 住院 普通门诊 门诊 大病保险 大病 医疗保险 "
                        "基本医疗保险 医保".split())
# Scheme words. A parameter of one of these schemes is ruled out when the text
# names another of them and never its own ("大病保险起付线" is not the employee
# deductible; "城乡居民……起付标准" is not either).
SCHEME_WORDS: Mapping[str, str] = {
    "employee": "职工|在职|退休",
    "resident": "居民",
    "critical_illness": "大病保险|大病",
}

_KIND_FOR_CONCEPT = {
    "percent": ("percent",), "money": ("money",), "duration": ("duration",),
    "count": ("count",), "ratio": ("ratio",), "date_range": ("date_range",), "date": ("date",),
}


# --------------------------------------------------------------------------- matching


@dataclass(frozen=True)
class Clause:
    start: int
    end: int


@lru_cache(maxsize=4096)
def clauses(text: str, s0: int, s1: int) -> tuple[Clause, ...]:
    out = []
    start = s0
    # A colon between digits is a ratio (2:1), not a clause break.
    for m in re.finditer(r"[,，：]|(?<!\d):(?!\d)", text[s0:s1]):
        pos = s0 + m.start()
        if pos > start:
            out.append(Clause(start, pos))
        start = pos + 1
    if start < s1:
        out.append(Clause(start, s1))
    return tuple(out)


def _find(words: str, text: str, a: int, b: int) -> list[int]:
    """Positions of any of `words` ("词|词") in text[a:b]."""
    if not words or a >= b:
        return []
    return [a + m.start() for m in re.finditer(words, text[a:b])]


@dataclass(frozen=True)
class Match:
    concept: Concept
    score: float
    first_word: int          # earliest position of a word that matched (for the quote)
    all_near: bool           # every group was found in the figure's own clause


@dataclass(frozen=True)
class Reading:
    """What the tables say about one figure."""

    role: Role
    matches: tuple[Match, ...] = ()     # best first; ties of one family all kept
    ambiguous: tuple[str, ...] = ()     # other parameters that scored as high
    breakdowns: tuple[tuple[tuple[str, str], ...], ...] = ((),)
    parent_level: bool = False
    reason: str = ""                    # why a statistic/target/context (the word seen)
    subject_start: int | None = None    # where the quote should start
    flags: tuple[str, ...] = field(default=())


def _kind_ok(c: Concept, f: Figure) -> bool:
    if "adjust" in c.kinds:
        return f.adjustment != "" and f.kind in ("percent", "pp", "money") and f.change is None
    if f.adjustment and f.kind in ("percent", "pp") and f.change is None:
        return False  # "降低20%" is a step, not a level
    if f.kind not in c.kinds:
        return False
    if c.units and f.kind in ("duration", "count"):
        return f.unit in c.units.split("|")
    return True


def _score(c: Concept, f: Figure, text: str, s0: int, s1: int, own: Clause,
           context_start: int, pronoun: bool = False) -> Match | None:
    veto_sentence = c.veto and re.search(c.veto, text[s0:s1])
    if veto_sentence or (c.veto_near and re.search(c.veto_near, text[own.start:own.end])):
        return None
    score = 0.0
    first = f.start
    all_near = True
    for group in c.near:
        hits = _find(group, text, own.start, own.end)
        if not hits:
            return None
        first = min(first, min(hits))
        score += 1.0
    for group in c.need:
        hits = _find(group, text, own.start, own.end)
        if hits:
            score += 1.0
            first = min(first, min(hits))
            continue
        all_near = False
        before = _find(group, text, s0, own.start)
        if before:
            # Nearer words count more: the subject of this clause, not of the sentence.
            score += 0.8 - 0.002 * min(200, own.start - max(before))
            first = min(first, max(before))
            continue
        after = _find(group, text, own.end, s1)
        if after:
            score += 0.4
            continue
        inheritable = pronoun or set(group.split("|")) <= INHERITABLE
        earlier = _find(group, text, context_start, s0) if inheritable else []
        if earlier:
            score += 0.2
            first = min(first, max(earlier))
            continue
        return None
    return Match(c, score, first, all_near)


def _dimension_values(dim: str, text: str, a: int, b: int, nearest_to: int) -> list[str]:
    words = DIMENSION_WORDS.get(dim, {})
    found: list[tuple[int, str]] = []
    taken = bytearray(max(0, b - a))
    for value, pattern in words.items():
        for m in re.finditer(pattern, text[a:b]):
            if any(taken[m.start():m.end()]):
                continue  # 低保 inside 低保边缘 was already read
            taken[m.start():m.end()] = b"\x01" * (m.end() - m.start())
            found.append((a + m.start(), value))
    if not found:
        return []
    if dim in SENTENCE_DIMENSIONS:
        return list(dict.fromkeys(v for _, v in sorted(found)))
    before = [(p, v) for p, v in found if p < nearest_to]
    return [max(before)[1]] if before else [min(found)[1]]


def breakdowns_for(dims: Sequence[str], f: Figure, text: str, s0: int, own: Clause,
                   valid: Mapping[str, Sequence[str]]) -> tuple[tuple[tuple[str, str], ...], ...]:
    """Every breakdown the figure applies to: one per listed assistance category."""
    combos: list[list[tuple[str, str]]] = [[]]
    for dim in dims:
        if dim in SENTENCE_DIMENSIONS:
            # The figure's own clause if it names a group ("低保对象……不低于70%"),
            # else every group listed earlier in the sentence ("特困、孤儿……全额资助").
            values = (_dimension_values(dim, text, own.start, own.end, f.start)
                      or _dimension_values(dim, text, s0, f.start, f.start))
        else:
            values = _dimension_values(dim, text, own.start, own.end, f.start)
        # Catalogue order, so output is stable and reads like the catalogue.
        order = list(valid.get(dim, ()))
        values = sorted((v for v in values if v in order), key=order.index)
        if not values:
            continue
        combos = [[*c, (dim, v)] for c in combos for v in values]
    return tuple(tuple(sorted(c)) for c in combos)


def _schemes_named(text: str, s0: int, s1: int, own: Clause, context_start: int) -> set[str]:
    """The schemes the figure's text names: its own clause if it names any, else the
    sentence, else the context just before."""
    for a, b in ((own.start, own.end), (s0, s1), (context_start, s0)):
        named = {k for k, words in SCHEME_WORDS.items() if re.search(words, text[a:b])}
        if named:
            return named
    return set()


def read_figure(f: Figure, text: str, sentence: tuple[int, int], previous: tuple[int, int],
                catalogue_types: Mapping[str, str],
                catalogue_dims: Mapping[str, Sequence[str]],
                dimension_values: Mapping[str, Sequence[str]],
                catalogue_schemes: Mapping[str, str] | None = None) -> Reading:
    catalogue_schemes = catalogue_schemes or {}
    s0, s1 = sentence
    own = next((c for c in clauses(text, s0, s1) if c.start <= f.start < c.end), Clause(s0, s1))
    own_text = text[own.start:own.end]
    if f.kind in ("year", "doc_number"):
        return Reading("context", reason=f.kind)
    if f.kind == "date":
        return Reading("context", reason="date")
    if f.kind == "count" and f.unit in PERSON_UNITS:
        return Reading("statistic", reason=f.unit)
    before = text[max(s0, f.start - 3):f.start]
    if CONTEXT_BEFORE.search(before):
        return Reading("context", reason=CONTEXT_BEFORE.search(before).group())  # type: ignore[union-attr]
    m = re.search(TARGET_NEAR, own_text)
    if m:
        return Reading("target", reason=m.group())
    m = re.search(STATISTIC_NEAR, own_text)
    if m:
        return Reading("statistic", reason=m.group())
    m2 = STATISTIC_BEFORE.search(before)
    if m2 and f.kind in ("money", "count", "percent"):
        return Reading("statistic", reason=m2.group())
    # Words missing from the sentence may come from just before it (a heading, an
    # opening sentence, or what a pronoun points back to), at a low weight.
    context_start = max(0, s0 - CONTEXT_CHARS)
    pronoun = bool(re.search(PRONOUNS, text[s0:f.start]))
    if pronoun:
        # "他们/其" point at the previous sentence: any word may come from there.
        context_start = min(context_start, previous[0])
    schemes = _schemes_named(text, s0, s1, own, context_start)
    matches = []
    for c in CONCEPTS:
        if c.parameter not in catalogue_types or not _kind_ok(c, f):
            continue
        own_scheme = catalogue_schemes.get(c.parameter, "")
        if own_scheme in SCHEME_WORDS and schemes and own_scheme not in schemes:
            continue
        found = _score(c, f, text, s0, s1, own, context_start, pronoun)
        if found:
            matches.append(found)
    if not matches:
        return Reading("unclassified")
    matches.sort(key=lambda x: -x.score)
    best = matches[0]
    tied = [x for x in matches if best.score - x.score < 0.05]
    flags: list[str] = []
    chosen = [best]
    ambiguous: tuple[str, ...] = ()
    if len(tied) > 1:
        same_family = best.concept.family and all(
            x.concept.family == best.concept.family for x in tied)
        pair = {x.concept.parameter for x in tied} == {
            "resident.collection_window.start", "resident.collection_window.end"}
        if same_family or pair:
            chosen = tied
        else:
            ambiguous = tuple(x.concept.parameter for x in tied[1:])
            flags.append("several_parameters")
    dims = catalogue_dims.get(best.concept.parameter, ())
    bds = breakdowns_for(dims, f, text, s0, own, dimension_values)
    pm = PARENT_LEVEL_NEAR.search(own_text)
    parent = bool(pm) and own.start + pm.start() < f.start and not re.search(  # type: ignore[union-attr]
        OWN_LEVEL_WORDS, text[own.start:f.start])
    subject = min(x.first_word for x in chosen)
    return Reading("rule", tuple(chosen), ambiguous, bds, parent, "", subject, tuple(flags))
