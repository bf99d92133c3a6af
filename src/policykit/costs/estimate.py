"""`estimate(...)`: what an inpatient stay costs the patient after insurance, from the
published rules, exact where the data is and a sound interval where it is not.

Each rule value is an interval (`costs.rules`); the settlement (`costs.compute`) is
monotone in every one of them separately, so the least and greatest value of each
output over all choices lie at the corners of the box of intervals: every corner is
settled and the extremes kept. No value is ever defaulted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from itertools import product
from typing import Any

from policykit.costs.compute import FIELDS, Inputs, Params, settle
from policykit.costs.rules import ONE, ZERO, RuleValue, missing_zh, rule_value
from policykit.errors import EXIT_USAGE, PolicykitError
from policykit.model.days import parse_day
from policykit.model.display import STATUS_ZH, confirmation_zh, temporary_zh
from policykit.model.entities import Breakdown, plain_number
from policykit.model.policyset import PolicySet

SCHEMES = ("employee", "resident")
ADMISSION_ORDER = ("first", "second", "third_plus")
CI_BANDS = ("band1", "band2", "band3", "band4")
FEN = Decimal("0.01")

NOT_MODELLED = (
    "药品和诊疗项目的甲类/乙类划分（请自行填写政策范围内费用）",
    "转诊、异地就医和未按规定转诊的比例调整",
    "数据中没有的地方补充保险、倾斜政策和二次救助",
    "大病保险按本次住院单独计算，未累加本年度此前住院的合规费用",
    "职工大额医疗费用补助（职工大病）",
)
NOTICE_ZH = ("本结果是根据已公布规则的估算，不是结算结果；"
             "实际报销以医保经办机构结算为准。数值为区间时，实际金额在区间之内。")


class EstimateError(PolicykitError):
    """An estimate asked for wrongly: unknown region, scheme, level, a negative cost."""

    code = "E_ESTIMATE"
    exit_code = EXIT_USAGE


@dataclass(frozen=True, slots=True)
class Amount:
    lo: Decimal
    hi: Decimal

    @property
    def exact(self) -> bool:
        return self.lo == self.hi

    def rounded(self) -> tuple[Decimal, Decimal]:
        """To the fen, outward (an exact amount rounds half up)."""
        if self.exact:
            v = self.lo.quantize(FEN, ROUND_HALF_UP)
            return v, v
        return self.lo.quantize(FEN, ROUND_FLOOR), self.hi.quantize(FEN, ROUND_CEILING)


@dataclass(frozen=True, slots=True)
class Step:
    key: str
    field: str
    title_zh: str
    note_zh: str
    rules: tuple[RuleValue, ...]


@dataclass(frozen=True)
class Estimate:
    region: str
    region_name: str
    day: str
    inputs: dict[str, Any]
    amounts: dict[str, Amount]
    steps: tuple[Step, ...]
    missing: tuple[str, ...]
    trace: dict[tuple[str, Breakdown], dict[str, Any]] = field(default_factory=dict)

    @property
    def exact(self) -> bool:
        return all(a.exact for a in self.amounts.values())

    def to_plain(self) -> dict[str, Any]:
        """The published JSON shape (schema: `publish.api.schema`, docs/api.md)."""
        def money(a: Amount) -> dict[str, Any]:
            lo, hi = a.rounded()
            return {"min": plain_number(lo), "max": plain_number(hi), "exact": a.exact}
        return {
            "region": self.region, "region_name": self.region_name, "day": self.day,
            "inputs": self.inputs, "exact": self.exact,
            **{f: money(self.amounts[f]) for f in FIELDS},
            "steps": [{"step": s.key, "field": s.field, "title_zh": s.title_zh,
                       "note_zh": s.note_zh, "amount": money(self.amounts[s.field]),
                       "rules": [self.trace[(r.parameter, r.breakdown)] for r in s.rules]}
                      for s in self.steps],
            "missing_zh": list(self.missing),
            "not_modelled_zh": list(NOT_MODELLED),
            "notice_zh": NOTICE_ZH,
        }


def _money(name: str, value: Decimal | int | str) -> Decimal:
    try:
        d = Decimal(str(value))
    except ArithmeticError:
        d = Decimal(-1)
    if not d.is_finite() or d < 0:
        raise EstimateError(f"{name} 必须是不小于 0 的金额：{value}",
                            f"{name} must be a non-negative amount: {value}")
    return d


def _choice(ps: PolicySet, dim: str, value: str | None, what_zh: str) -> None:
    if value is None:
        return
    values = dict(ps.catalogue.dimensions[dim].values) if dim in ps.catalogue.dimensions else {}
    if value not in values:
        raise EstimateError(f"未知{what_zh} {value}（可选：{'、'.join(values)}）",
                            f"unknown {dim} {value} (one of: {', '.join(values)})")


class Lookup:
    """Reads one region's rules on one day with the breakdown each parameter declares."""

    def __init__(self, ps: PolicySet, code: str, day: str, facts: dict[str, str]) -> None:
        self.ps, self.code, self.day, self.facts = ps, code, day, facts
        self.used: list[tuple[RuleValue, str]] = []

    def __call__(self, role: str, parameter: str, kind: str, effect_zh: str,
                 extra: dict[str, str] | None = None) -> RuleValue:
        p = self.ps.catalogue.parameters.get(parameter)
        facts = {**self.facts, **(extra or {})}
        dims = p.dimensions if p is not None else ()
        bk = tuple(sorted((d, v) for d, v in facts.items() if d in dims))
        rv = rule_value(self.ps, self.code, self.day, role, parameter, bk, kind)
        self.used.append((rv, effect_zh))
        return rv


def trace_of(ps: PolicySet, rv: RuleValue, day: str) -> dict[str, Any]:
    """How a rule value of an estimate for `day` was found: the rule, its value, and for a
    value in force its origin, status, source, quote and how it is known on `day`
    (`confirmation`; `in_force_zh` says it in words: the status, or for a value carried
    forward from older sources "据 … 资料，此后未核实（已 …）", docs/format.md §3.3)."""
    out: dict[str, Any] = {
        "parameter": rv.parameter, "role_zh": rv.role,
        # the breakdown of the rule applied (the lookup's, when nothing was found)
        "breakdown": dict(rv.breakdown if rv.resolved is None
                          else rv.resolved.entry.breakdown_items),
        "value": {"min": plain_number(rv.lo),
                  "max": None if rv.hi is None else plain_number(rv.hi)},
        "value_zh": rv.shown_zh(), "state": rv.state,
    }
    r = rv.resolved
    if r is not None:
        src = ps.sources.get(r.entry.source)
        c = ps.confirmation(r, day)
        out.update({
            "origin": r.origin, "origin_name": ps.regions[r.origin].name.zh,
            "status": r.entry.status, "status_zh": STATUS_ZH[r.entry.status],
            "bound": r.entry.bound, "source": r.entry.source,
            "source_title": src.title if src is not None else None, "quote": r.entry.quote,
            # how sure the data is of it (docs/format.md §3.1)
            "obtained": r.entry.obtained, "confidence": r.entry.confidence,
            "checked_on": r.entry.checked_on,
            "confirmation": c.to_plain(),
            "in_force_zh": (temporary_zh(r.entry) or confirmation_zh(c)
                            or STATUS_ZH[r.entry.status]),
            "floors": [{"origin": f.origin, "bound": f.entry.bound, "source": f.entry.source,
                        "quote": f.entry.quote} for f in r.floors if f.entry is not r.entry],
        })
    return out


def bounds(inputs: Inputs, rules: list[tuple[str, RuleValue]]) -> dict[str, Amount]:
    """The least and greatest of each output over every choice of the rule values
    within their intervals: the settlement at every corner of the box (it is monotone
    in each value separately). `rules` as `_rules` names them (deductible, ratio, cap,
    ci_deductible, ci_upto_k, ci_ratio_k, ci_cap, maf_deductible, maf_ratio, maf_cap)."""
    results = [settle(inputs, _params(c, rules)) for c in _corners(free_rules(rules))]
    return {f: Amount(min(r[f] for r in results), max(r[f] for r in results)) for f in FIELDS}


def _corners(free: list[tuple[str, RuleValue]]) -> list[dict[str, Decimal | None]]:
    choices = [[(k, rv.lo), (k, rv.hi)] for k, rv in free]
    return [dict(c) for c in product(*choices)] if choices else [{}]


def estimate(ps: PolicySet, region: str, *, scheme: str, cost: Decimal | int | str,
             day: str | None = None, coverage_year: int | None = None,
             in_scope: Decimal | int | str | None = None, hospital_level: str | None = None,
             person_type: str | None = None, admission: int = 1,
             paid_this_year: Decimal | int | str = 0,
             assistance_category: str | None = None,
             maf_paid_this_year: Decimal | int | str = 0) -> Estimate:
    """Estimate one inpatient stay in `region` on `day` (YYYY-MM-DD), or under the rules in
    force on the first day of `coverage_year` (one of the two), under `scheme`
    (employee | resident). `cost` is the whole bill, `in_scope` its policy-covered part
    (default: all of it); `admission` the stay's number in the year; `paid_this_year`
    what the fund already paid this year; `assistance_category` turns on medical
    assistance. Amounts are Decimals (or ints/strings of them). See docs/estimate.md."""
    if (day is None) == (coverage_year is None):
        raise EstimateError("须给出日期或参保年度之一", "give either a day or a coverage year")
    if coverage_year is not None:
        if isinstance(coverage_year, bool) or not isinstance(coverage_year, int) \
                or not 1900 <= coverage_year <= 9999:
            raise EstimateError(f"参保年度无效：{coverage_year}",
                                f"invalid coverage year: {coverage_year}")
        day = f"{coverage_year:04d}-01-01"
    assert day is not None
    day = parse_day(day, "day")
    if region not in ps.regions:
        raise EstimateError(f"未知地区代码 {region}", f"unknown region code {region}")
    if scheme not in SCHEMES:
        raise EstimateError(f"未知险种 {scheme}（可选：employee 职工、resident 居民）",
                            f"unknown scheme {scheme} (employee or resident)")
    _choice(ps, "hospital_level", hospital_level, "医院等级")
    _choice(ps, "assistance_category", assistance_category, "救助对象类别")
    if scheme == "employee":
        if person_type is None:
            raise EstimateError("职工医保须指明人员类别（在职或退休）",
                                "the employee scheme needs a person type (in_service or retiree)")
        _choice(ps, "person_type", person_type, "人员类别")
    elif person_type is not None:
        raise EstimateError("居民医保不区分在职/退休人员类别", "the resident scheme has no person type")
    if isinstance(admission, bool) or not isinstance(admission, int) or admission < 1:
        raise EstimateError(f"住院次数必须是正整数：{admission}",
                            f"admission must be a positive whole number: {admission}")
    total = _money("cost", cost)
    part = total if in_scope is None else _money("in_scope", in_scope)
    if part > total:
        raise EstimateError("政策范围内费用不能大于总费用", "in_scope cannot exceed cost")
    inputs = Inputs(total, part, _money("paid_this_year", paid_this_year),
                    critical_illness=scheme == "resident",
                    assistance=assistance_category is not None,
                    maf_paid_this_year=_money("maf_paid_this_year", maf_paid_this_year))

    facts = {"admission": ADMISSION_ORDER[min(admission, 3) - 1]}
    if hospital_level is not None:
        facts["hospital_level"] = hospital_level
    if person_type is not None:
        facts["person_type"] = person_type
    if assistance_category is not None:
        facts["assistance_category"] = assistance_category
    look = Lookup(ps, region, day, facts)
    steps, free = _rules(look, scheme, inputs)
    amounts = bounds(inputs, free)
    missing = tuple(dict.fromkeys(m for rv, eff in look.used
                                  if (m := missing_zh(rv, eff)) is not None))
    plain_inputs = {"scheme": scheme, "coverage_year": coverage_year,
                    "hospital_level": hospital_level,
                    "person_type": person_type, "admission": admission,
                    "cost": plain_number(total), "in_scope": plain_number(part),
                    "paid_this_year": plain_number(inputs.paid_this_year),
                    "assistance_category": assistance_category,
                    "maf_paid_this_year": plain_number(inputs.maf_paid_this_year)}
    trace = {(rv.parameter, rv.breakdown): trace_of(ps, rv, day) for rv, _ in look.used}
    return Estimate(region, ps.regions[region].name.zh, day, plain_inputs, amounts,
                    tuple(steps), missing, trace)


def _rules(look: Lookup, scheme: str, i: Inputs) -> tuple[list[Step], list[tuple[str, RuleValue]]]:
    """Every rule of every step, and the ones that are not exact (the free corners)."""
    fixed: list[tuple[str, RuleValue]] = []
    steps: list[Step] = [Step("out_of_scope", "out_of_scope_amt", "政策范围外费用",
                              "全自费、乙类先行自付和超过限价的部分，由个人承担", ())]
    d = look("起付线", f"{scheme}.inpatient.deductible", "amount", "所以统筹基金支付只能给出上限")
    r = look("报销比例", f"{scheme}.inpatient.ratio", "ratio", "所以统筹基金支付只能给出区间")
    c = look("年度最高支付限额（封顶线）", f"{scheme}.annual_cap", "amount",
             "所以无法判断是否封顶，统筹基金支付的上限按不封顶计算")
    fixed += [("deductible", d), ("ratio", r), ("cap", c)]
    steps.append(Step("deductible", "act_pay_dedc", "起付线", "政策范围内费用先扣除起付线", (d,)))
    steps.append(Step("fund", "hifp_pay", "统筹基金支付",
                      "起付线以上的政策范围内费用按报销比例支付，不超过封顶线本年度剩余额度", (r, c)))
    if i.critical_illness:
        ci = critical_illness_rules(look)
        fixed += ci
        steps.append(Step("critical_illness", "hifmi_pay", "大病保险支付",
                          "基本医保支付后个人负担的政策范围内费用，超过大病保险起付线的部分分段支付，"
                          "不超过大病保险封顶线", tuple(rv for _, rv in ci if rv.parameter)))
    if i.assistance:
        md = look("医疗救助起付线", "assistance.deductible", "amount", "所以医疗救助只能给出上限")
        mr = look("医疗救助比例", "assistance.ratio", "ratio", "所以医疗救助只能给出区间")
        mc = look("医疗救助年度限额", "assistance.annual_cap", "amount",
                  "所以医疗救助的上限按不封顶计算")
        fixed += [("maf_deductible", md), ("maf_ratio", mr), ("maf_cap", mc)]
        steps.append(Step("assistance", "maf_pay", "医疗救助",
                          "经基本医保和大病保险后仍由个人负担的政策范围内费用，超过救助起付线的部分按比例救助",
                          (md, mr, mc)))
    steps.append(Step("patient", "psn_part_amt", "个人负担",
                      "总费用减去统筹基金、大病保险和医疗救助支付", ()))
    return steps, fixed


def critical_illness_rules(look: Lookup) -> list[tuple[str, RuleValue]]:
    """The critical-illness rules: deductible, the bands (or one ratio), cap."""
    out = [("ci_deductible", look("大病保险起付线", "critical_illness.deductible", "amount",
                                  "所以大病保险支付只能给出上限"))]
    ratios: list[RuleValue] = []
    uptos: list[RuleValue] = []
    for band in CI_BANDS:
        rv = rule_value(look.ps, look.code, look.day, "", "critical_illness.band.ratio",
                        (("ci_band", band),), "ratio")
        if rv.state == "missing":
            break
        ratios.append(look(f"大病保险第{band[-1]}段支付比例", "critical_illness.band.ratio",
                           "ratio", "所以大病保险支付只能给出区间", {"ci_band": band}))
    for band in CI_BANDS[:max(len(ratios) - 1, 0)]:
        uptos.append(look(f"大病保险第{band[-1]}段上限", "critical_illness.band.upto", "amount",
                          "所以按各段比例的最低和最高值给出区间", {"ci_band": band}))
    if not ratios:
        ratios.append(look("大病保险支付比例", "critical_illness.ratio", "ratio",
                           "所以大病保险支付只能给出区间"))
    if all(u.exact for u in uptos):
        for k, rv in enumerate(ratios):  # band by band: its ratio, then where it ends
            out.append((f"ci_ratio_{k}", rv))
            out += [(f"ci_upto_{k}", uptos[k])] if k < len(uptos) else []
    else:  # unknown band ends: every schedule pays between its lowest and highest ratio
        lo = min(rv.lo for rv in ratios)
        hi = max(rv.hi if rv.hi is not None else ONE for rv in ratios)
        out += [(f"info_upto_{k}", u) for k, u in enumerate(uptos)]
        out.append(("ci_ratio_0", RuleValue("大病保险各段比例", "", (), "ratio", lo, hi,
                                            "range", None)))
    out.append(("ci_cap", look("大病保险年度最高支付限额", "critical_illness.annual_cap", "amount",
                               "所以大病保险支付的上限按不封顶计算")))
    return out


def _params(corner: dict[str, Decimal | None], rules: list[tuple[str, RuleValue]]) -> Params:
    v: dict[str, Decimal | None] = {k: rv.lo for k, rv in rules}
    v.update(corner)
    ratios = [v[k] for k in sorted(v) if k.startswith("ci_ratio_")]
    uptos = [v[k] for k in sorted(v) if k.startswith("ci_upto_")]
    if len(ratios) != len(uptos) + 1:  # band ends not all exact: one band
        uptos = []
    ends: list[Decimal | None] = [*uptos, None][: len(ratios)]
    bands = tuple((e, r if r is not None else ONE) for e, r in zip(ends, ratios, strict=True))
    ratio = v["ratio"]
    maf_ratio = v.get("maf_ratio", ZERO)
    return Params(v["deductible"], ratio if ratio is not None else ONE, v["cap"],
                  v.get("ci_deductible"), bands, v.get("ci_cap"), v.get("maf_deductible"),
                  maf_ratio if maf_ratio is not None else ONE, v.get("maf_cap"))


def free_rules(rules: list[tuple[str, RuleValue]]) -> list[tuple[str, RuleValue]]:
    return [(k, rv) for k, rv in rules if not rv.exact and not k.startswith("info_")]
