"""Synthetic policy corpus for benchmarks: every county in China, made up but realistic.

    python benchmarks/synth.py --regions 3000 --out /tmp/corpus [--seed 7] [--force]

writes a `policies/`-shaped tree that `policykit check` accepts without errors:

* N regions in a real-shaped hierarchy: the nation 000000, provinces with their real
  GB/T 2260 codes and names (up to 31), prefectures (PP xx 00) and counties (PPxx yy)
  with consistent code prefixes; each county's pooling region is its prefecture.
  Proportions follow the real country (31 : 333 : ~2,850); N = 3000 gives
  1 + 31 + 333 + 2,635 regions.
* 20 rules per region below the nation (a rule is a catalogue parameter, broken down
  by hospital level, person type or assistance category where the catalogue says so),
  each with a history of 8 dated values between 2012 and 2025: 160 values per region,
  480,000 values for N = 3000 (the OpenFisca comparison in docs/performance.md). The nation
  holds floors (`bound: min`) and a ceiling the checks compare local values against.
* Chinese labels, a verbatim-style quote containing each figure ("住院报销比例为85%"),
  one source (notice with a document number) per region and notice date, registered in
  one `sources.yaml` per province; some observed-only, planned, temporary and repealed
  entries, ranges, stated deltas, disease lists and unknown values.
* The values respect the consistency rules: ratios fall with hospital level,
  deductibles rise with it, retirees get at least what in-service employees get,
  histories never overlap, local values stay above the national floors, deltas add up.

The catalogue is copied from the project's `policies/catalogue.yaml`; parameters this
generator needs but the catalogue lacks are added to the copy (synthetic but realistic).
The output is a pure function of (N, seed, catalogue): `random.Random(seed)` drives
every choice and nothing depends on the clock or on dict/set hashing.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import shutil
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
CATALOGUE = REPO / "policies" / "catalogue.yaml"
MARKER = ".policykit-synth"
YEARS = list(range(2012, 2026))
#: The corpus pictures the rules as of this day (its last year): a plan (status planned)
#: takes effect after it, so `check --at AS_OF` finds none overdue (R29). `nox -s bench`
#: checks with --at AS_OF.
AS_OF = "2025-12-31"
PLAN_YEAR = 2026
#: Parameters whose values belong to a 待遇年度: their entries say which (R25).
BY_COVERAGE_YEAR = ("resident.individual_contribution", "resident.fiscal_subsidy")
RULES_PER_REGION = 20
VALUES_PER_RULE = 8

PROVINCES = [
    ("110000", "北京市", "Beijing", "京"), ("120000", "天津市", "Tianjin", "津"),
    ("130000", "河北省", "Hebei", "冀"), ("140000", "山西省", "Shanxi", "晋"),
    ("150000", "内蒙古自治区", "Inner Mongolia", "蒙"), ("210000", "辽宁省", "Liaoning", "辽"),
    ("220000", "吉林省", "Jilin", "吉"), ("230000", "黑龙江省", "Heilongjiang", "黑"),
    ("310000", "上海市", "Shanghai", "沪"), ("320000", "江苏省", "Jiangsu", "苏"),
    ("330000", "浙江省", "Zhejiang", "浙"), ("340000", "安徽省", "Anhui", "皖"),
    ("350000", "福建省", "Fujian", "闽"), ("360000", "江西省", "Jiangxi", "赣"),
    ("370000", "山东省", "Shandong", "鲁"), ("410000", "河南省", "Henan", "豫"),
    ("420000", "湖北省", "Hubei", "鄂"), ("430000", "湖南省", "Hunan", "湘"),
    ("440000", "广东省", "Guangdong", "粤"), ("450000", "广西壮族自治区", "Guangxi", "桂"),
    ("460000", "海南省", "Hainan", "琼"), ("500000", "重庆市", "Chongqing", "渝"),
    ("510000", "四川省", "Sichuan", "川"), ("520000", "贵州省", "Guizhou", "黔"),
    ("530000", "云南省", "Yunnan", "滇"), ("540000", "西藏自治区", "Tibet", "藏"),
    ("610000", "陕西省", "Shaanxi", "陕"), ("620000", "甘肃省", "Gansu", "甘"),
    ("630000", "青海省", "Qinghai", "青"), ("640000", "宁夏回族自治区", "Ningxia", "宁"),
    ("650000", "新疆维吾尔自治区", "Xinjiang", "新"),
]
# Characters of place names with their pinyin, for made-up but pronounceable names.
SYLLABLES = [
    ("安", "an"), ("宝", "bao"), ("昌", "chang"), ("长", "chang"), ("成", "cheng"),
    ("大", "da"), ("德", "de"), ("东", "dong"), ("丰", "feng"), ("福", "fu"), ("广", "guang"),
    ("海", "hai"), ("和", "he"), ("河", "he"), ("华", "hua"), ("怀", "huai"), ("建", "jian"),
    ("江", "jiang"), ("金", "jin"), ("嘉", "jia"), ("靖", "jing"), ("康", "kang"),
    ("乐", "le"), ("丽", "li"), ("临", "lin"), ("隆", "long"), ("龙", "long"), ("明", "ming"),
    ("南", "nan"), ("宁", "ning"), ("平", "ping"), ("清", "qing"), ("庆", "qing"),
    ("泉", "quan"), ("瑞", "rui"), ("山", "shan"), ("顺", "shun"), ("寿", "shou"),
    ("泰", "tai"), ("通", "tong"), ("武", "wu"), ("溪", "xi"), ("祥", "xiang"), ("新", "xin"),
    ("兴", "xing"), ("阳", "yang"), ("宜", "yi"), ("永", "yong"), ("远", "yuan"),
    ("云", "yun"), ("源", "yuan"), ("章", "zhang"), ("昭", "zhao"), ("镇", "zhen"),
    ("中", "zhong"), ("州", "zhou"), ("石", "shi"), ("白", "bai"), ("青", "qing"),
    ("高", "gao"), ("林", "lin"), ("桂", "gui"), ("岳", "yue"), ("辰", "chen"),
]
DISEASES = [
    ("高血压", "M03900"), ("糖尿病", "M01600"), ("慢性心力衰竭", "M04101"),
    ("冠心病", "M04000"), ("脑血管病后遗症", "M04500"), ("慢性阻塞性肺疾病", "M05300"),
    ("精神分裂症", "M02101"), ("活动性肺结核", "M00105"), ("慢性肾功能衰竭", "M07800"),
    ("恶性肿瘤", "M00500"), ("帕金森病", "M02501"), ("类风湿关节炎", "M06100"),
    ("系统性红斑狼疮", "M06300"), ("肝硬化", "M05901"), ("再生障碍性贫血", "M01203"),
]
NATIONAL_SOURCES = [
    dict(id="synth-ndrc-2012-2605", title="关于开展城乡居民大病保险工作的指导意见",
         issuer="国家发展改革委 卫生部 财政部 人力资源社会保障部 民政部 保监会",
         doc_number="发改社会〔2012〕2605号", date="2012-08-24"),
    dict(id="synth-nhsa-2019-30", title="关于做好2019年城乡居民基本医疗保障工作的通知",
         issuer="国家医疗保障局 财政部", doc_number="医保发〔2019〕30号", date="2019-04-26"),
    dict(id="synth-gov-2021-42", title="关于健全重特大疾病医疗保险和救助制度的意见",
         issuer="国务院办公厅", doc_number="国办发〔2021〕42号", date="2021-10-28"),
]
# National resident-scheme standards by year (yuan per person per year), the base of the
# synthetic local figures.
INDIVIDUAL = {2012: 60, 2013: 70, 2014: 90, 2015: 120, 2016: 150, 2017: 180, 2018: 220,
              2019: 250, 2020: 280, 2021: 320, 2022: 350, 2023: 380, 2024: 400, 2025: 400}
SUBSIDY = {2012: 240, 2013: 280, 2014: 320, 2015: 380, 2016: 420, 2017: 450, 2018: 490,
           2019: 520, 2020: 550, 2021: 580, 2022: 610, 2023: 640, 2024: 670, 2025: 700}

# Parameters the generator uses, with the catalogue entry to add if the copy lacks one.
NEEDED: dict[str, dict[str, Any]] = {
    "resident.inpatient.ratio": dict(
        label={"zh": "住院报销比例", "en": "Inpatient reimbursement ratio"},
        area="reimbursement", scheme="resident", type="ratio", dimensions=["hospital_level"],
        comparable=True, higher_is="better"),
    "employee.inpatient.ratio": dict(
        label={"zh": "职工住院报销比例", "en": "Employee inpatient reimbursement ratio"},
        area="reimbursement", scheme="employee", type="ratio",
        dimensions=["person_type", "hospital_level"], comparable=True, higher_is="better"),
    "employee.inpatient.deductible": dict(
        label={"zh": "职工住院起付标准", "en": "Employee inpatient deductible"},
        area="reimbursement", scheme="employee", type="amount",
        unit={"zh": "元/次", "en": "CNY per admission"}, dimensions=["hospital_level"],
        comparable=True, higher_is="worse"),
    "employee.annual_cap": dict(
        label={"zh": "职工年度最高支付限额", "en": "Employee annual payment cap"},
        area="reimbursement", scheme="employee", type="amount",
        unit={"zh": "元/人·年", "en": "CNY per person per year"}, comparable=True,
        higher_is="better"),
    "resident.individual_contribution": dict(
        label={"zh": "居民医保个人缴费标准", "en": "Resident scheme individual contribution"},
        area="contribution", scheme="resident", type="amount",
        unit={"zh": "元/人·年", "en": "CNY per person per year"}, comparable=True,
        higher_is="worse"),
    "resident.fiscal_subsidy": dict(
        label={"zh": "居民医保人均财政补助标准", "en": "Resident scheme fiscal subsidy per person"},
        area="contribution", scheme="resident", type="amount",
        unit={"zh": "元/人·年", "en": "CNY per person per year"}, comparable=True,
        higher_is="better"),
    "employee.contribution.total_rate": dict(
        label={"zh": "职工医保总费率", "en": "Employee scheme total contribution rate"},
        area="contribution", scheme="employee", type="ratio", comparable=True,
        higher_is="worse"),
    "employee.flexible.contribution_rate": dict(
        label={"zh": "灵活就业人员缴费率", "en": "Flexible workers' contribution rate"},
        area="contribution", scheme="employee", type="ratio", comparable=True,
        higher_is="worse"),
    "resident.late_payment.waiting_period": dict(
        label={"zh": "待遇等待期", "en": "Waiting period after late enrolment"},
        area="contribution", scheme="resident", type="duration", comparable=True,
        higher_is="worse"),
    "critical_illness.ratio": dict(
        label={"zh": "大病保险支付比例", "en": "Critical-illness insurance payment ratio"},
        area="reimbursement", scheme="critical_illness", type="ratio", comparable=True,
        higher_is="better"),
    "critical_illness.threshold_share_of_income": dict(
        label={"zh": "大病保险起付线（占上年人均可支配收入比例）",
               "en": "Critical-illness threshold as a share of disposable income"},
        area="reimbursement", scheme="critical_illness", type="ratio", comparable=True,
        higher_is="worse"),
    "assistance.ratio": dict(
        label={"zh": "医疗救助比例", "en": "Medical assistance ratio"},
        area="assistance", scheme="assistance", type="ratio",
        dimensions=["assistance_category"], comparable=True, higher_is="better"),
    "chronic.special_outpatient.diseases": dict(
        label={"zh": "门诊特定（慢特）病种名单", "en": "Special outpatient disease list"},
        area="chronic_disease", scheme="general", type="diseases", comparable=True,
        higher_is="neutral"),
    "drug_list.anticancer_negotiated.count": dict(
        label={"zh": "纳入医保的国家谈判抗癌药数量", "en": "Negotiated anticancer drugs covered"},
        area="reimbursement", scheme="general", type="count",
        unit={"zh": "种", "en": "drugs"}, comparable=True, higher_is="better"),
}
NEEDED_DIMENSIONS: dict[str, dict[str, Any]] = {
    "hospital_level": {"label": {"zh": "医院等级", "en": "Hospital level"}, "ordered": True,
                       "values": {"level1": {"zh": "一级医院"}, "level2": {"zh": "二级医院"},
                                  "level3": {"zh": "三级医院"}}},
    "person_type": {"label": {"zh": "人员类别", "en": "Person type"},
                    "values": {"in_service": {"zh": "在职职工"}, "retiree": {"zh": "退休人员"}}},
    "assistance_category": {"label": {"zh": "救助对象类别", "en": "Assistance category"},
                            "ordered": True,
                            "values": {"tekun": {"zh": "特困人员"}, "dibao": {"zh": "低保对象"}}},
}


# -- YAML writing (by hand: deterministic, fast, readable) -----------------------------------
def q(text: str) -> str:
    """A double-quoted YAML scalar (JSON string syntax is valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def num(d: Decimal) -> str:
    text = format(d.normalize(), "f")
    return text


def pct(d: Decimal) -> str:
    return num(d * 100) + "%"


def money(d: Decimal) -> str:
    if d >= 10000 and d % 10000 == 0:
        return num(d / 10000) + "万元"
    return num(d) + "元"


# -- hierarchy ----------------------------------------------------------------------------
@dataclass
class Place:
    code: str
    zh: str
    en: str
    level: str
    parent: str | None
    abbr: str
    folder: str  # path under regions/
    province: str
    notices: list[tuple[int, int, int, int]] = field(default_factory=list)  # y, m, d, number


def split(total: int, parts: int, cap: int, rng: random.Random) -> list[int]:
    """total items over parts buckets, each ≤ cap, roughly even with some variation."""
    if parts == 0:
        return []
    if total > parts * cap:
        raise SystemExit(f"synth: cannot place {total} regions in {parts} parents of ≤ {cap}")
    weights = [0.6 + rng.random() for _ in range(parts)]
    scale = total / sum(weights)
    counts = [min(cap, int(w * scale)) for w in weights]
    i = 0
    while sum(counts) < total:
        if counts[i % parts] < cap:
            counts[i % parts] += 1
        i += 1
    return counts


def hierarchy(n: int, rng: random.Random) -> list[Place]:
    nation = Place("000000", "全国", "China", "national", None, "国", "000000-全国", "")
    if n < 1:
        raise SystemExit("synth: --regions must be at least 1")
    rest = n - 1
    n_prov = min(31, max(1, round(rest * 31 / 2999))) if rest else 0
    n_pref = min(rest - n_prov, max(n_prov, round(rest * 333 / 2999))) if rest > n_prov else 0
    n_county = rest - n_prov - n_pref
    names_used: set[str] = set()

    def name() -> tuple[str, str]:
        while True:
            (a, pa), (b, pb) = rng.sample(SYLLABLES, 2)
            if a + b not in names_used:
                names_used.add(a + b)
                return a + b, (pa + pb).capitalize()

    places = [nation]
    provinces = PROVINCES[:n_prov]
    prefs_per = split(n_pref, n_prov, 99, rng)
    prefectures: list[Place] = []
    for (code, zh, en, abbr), k in zip(provinces, prefs_per, strict=True):
        prov = Place(code, zh, en, "province", "000000", abbr, f"{code}-{zh}", code)
        places.append(prov)
        for j in range(1, k + 1):
            pzh, pen = name()
            pcode = f"{code[:2]}{j:02d}00"
            pref = Place(pcode, pzh + "市", pen, "prefecture", code, pzh[0],
                         f"{prov.folder}/{pcode}-{pzh}市", code)
            places.append(pref)
            prefectures.append(pref)
    counties_per = split(n_county, len(prefectures), 99, rng)
    for pref, k in zip(prefectures, counties_per, strict=True):
        for j in range(1, k + 1):
            czh, cen = name()
            suffix = rng.choice(["县", "县", "区", "市"])
            ccode = f"{pref.code[:4]}{j:02d}"
            places.append(Place(ccode, czh + suffix, cen, "county", pref.code, czh[0],
                                f"{pref.folder}/{ccode}-{czh}{suffix}", pref.province))
    places.sort(key=lambda p: p.code)
    return places


# -- rule histories ------------------------------------------------------------------------
D = Decimal


@dataclass
class Slot:
    """One dated entry of a group of rules that change together."""

    year: int
    month: int
    day: int
    number: int
    status: str = "in_force"
    observed: bool = False
    precision: int = 7  # 4, 7 or 10 characters of the start date
    end: str | None = None


@dataclass
class Rule:
    parameter: str
    breakdown: dict[str, str]
    label: str  # how a notice says it, e.g. "一级医院住院报销比例"
    kind: str
    values: list[Any]  # Decimal, (low, high) range, ("dur", n, unit), diseases list or None


def clamp(x: Decimal, lo: Decimal, hi: Decimal) -> Decimal:
    return max(lo, min(hi, x))


def step(rng: random.Random, choices: Sequence[str]) -> Decimal:
    return D(rng.choice(choices))


def group_values(param: str, years: list[int], rng: random.Random) -> list[Rule]:
    """The rules of one parameter group over the given notice years (values ordered)."""
    k = len(years)
    if param == "resident.inpatient.ratio":
        l3 = [D("0.45") + D("0.05") * rng.randint(0, 2)]
        for _ in range(k - 1):
            l3.append(clamp(l3[-1] + step(rng, ["0", "0", "0.02", "0.05"]), D(0), D("0.7")))
        gap2 = D("0.1") + D("0.05") * rng.randint(0, 1)
        gap1 = D("0.05") + D("0.05") * rng.randint(0, 1)
        l2 = [min(D("0.85"), v + gap2) for v in l3]
        l1 = [min(D("0.95"), v + gap1) for v in l2]
        return [Rule(param, {"hospital_level": lv}, f"{zh}住院报销比例", "ratio", vals)
                for lv, zh, vals in (("level1", "一级医院", l1), ("level2", "二级医院", l2),
                                     ("level3", "三级医院", l3))]
    if param == "employee.inpatient.ratio":
        ins = [D("0.8") + D("0.01") * rng.randint(0, 5)]
        for _ in range(k - 1):
            ins.append(clamp(ins[-1] + step(rng, ["0", "0", "0.01", "0.02"]), D(0), D("0.9")))
        ret: list[Any] = []
        for v in ins:
            if rng.random() < 0.15:
                ret.append((v + D("0.01"), v + D("0.05")))
            else:
                ret.append(v + step(rng, ["0.03", "0.05"]))
        return [Rule(param, {"person_type": "in_service"}, "在职职工住院报销比例", "ratio", ins),
                Rule(param, {"person_type": "retiree"}, "退休人员住院报销比例", "ratio", ret)]
    if param == "employee.inpatient.deductible":
        base = D(200) + D(50) * rng.randint(0, 4)
        l1, l2, l3 = [base], [base + D(300)], [base + D(700)]
        for _ in range(k - 1):
            drop = D(50) * rng.choice([0, 0, 1])
            l1.append(max(D(100), l1[-1] - drop))
            l2.append(max(l1[-1] + D(200), l2[-1] - drop))
            l3.append(max(l2[-1] + D(300), l3[-1] - drop))
        return [Rule(param, {"hospital_level": lv}, f"在{zh}住院的起付标准", "amount", vals)
                for lv, zh, vals in (("level1", "一级医院", l1), ("level2", "二级医院", l2),
                                     ("level3", "三级医院", l3))]
    if param == "employee.annual_cap":
        cap = [D(100000) + D(50000) * rng.randint(0, 4)]
        for _ in range(k - 1):
            cap.append(cap[-1] + D(50000) * rng.choice([0, 1, 2]))
        return [Rule(param, {}, "职工医保年度最高支付限额", "amount", cap)]
    if param == "resident.individual_contribution":
        extra = D(10) * rng.randint(0, 3)
        return [Rule(param, {}, "城乡居民医保个人缴费标准", "amount",
                     [D(INDIVIDUAL[y]) + extra for y in years])]
    if param == "resident.fiscal_subsidy":
        extra = D(10) * rng.randint(0, 5)
        return [Rule(param, {}, "城乡居民医保人均财政补助标准", "amount",
                     [D(SUBSIDY[y]) + extra for y in years])]
    if param == "employee.contribution.total_rate":
        rate = [D("0.1") - D("0.005") * rng.randint(0, 3)]
        for _ in range(k - 1):
            rate.append(max(D("0.07"), rate[-1] - step(rng, ["0", "0", "0.005"])))
        return [Rule(param, {}, "职工基本医疗保险费率", "ratio", rate)]
    if param == "employee.flexible.contribution_rate":
        rate = [D("0.06") + D("0.005") * rng.randint(0, 6)]
        for _ in range(k - 1):
            rate.append(clamp(rate[-1] + step(rng, ["0", "0", "-0.005", "0.005"]),
                              D("0.05"), D("0.1")))
        return [Rule(param, {}, "灵活就业人员缴费费率", "ratio", rate)]
    if param == "resident.late_payment.waiting_period":
        options = [("dur", D(3), "month"), ("dur", D(90), "day"), ("dur", D(6), "month"),
                   ("dur", D(30), "day")]
        return [Rule(param, {}, "集中缴费期外参保的待遇等待期", "duration",
                     [rng.choice(options) for _ in years])]
    if param == "critical_illness.ratio":
        r = [D("0.6") + D("0.01") * rng.randint(0, 5)]
        for _ in range(k - 1):
            r.append(clamp(r[-1] + step(rng, ["0", "0", "0.01"]), D("0.6"), D("0.7")))
        return [Rule(param, {}, "大病保险政策范围内支付比例", "ratio", r)]
    if param == "critical_illness.threshold_share_of_income":
        r = [D("0.5") - D("0.01") * rng.randint(0, 5)]
        for _ in range(k - 1):
            r.append(clamp(r[-1] - step(rng, ["0", "0", "0.01"]), D("0.4"), D("0.5")))
        return [Rule(param, {}, "大病保险起付线占上年居民人均可支配收入的比例", "ratio", r)]
    if param == "assistance.ratio":
        tk = [D("0.8") + D("0.05") * rng.randint(0, 4) for _ in years]
        tk.sort()
        db = [max(D("0.7"), v - D("0.05") * rng.randint(0, 2)) for v in tk]
        return [Rule(param, {"assistance_category": "tekun"}, "特困人员住院医疗救助比例",
                     "ratio", tk),
                Rule(param, {"assistance_category": "dibao"}, "低保对象住院医疗救助比例",
                     "ratio", db)]
    if param == "chronic.special_outpatient.diseases":
        count = 15 + rng.randint(0, 10)
        out: list[Any] = []
        for _ in years:
            count += rng.randint(0, 6)
            named = rng.sample(DISEASES, rng.randint(2, 4))
            out.append(("diseases", count, named))
        return [Rule(param, {}, "门诊慢特病病种", "diseases", out)]
    if param == "drug_list.anticancer_negotiated.count":
        c = [D(5 + rng.randint(0, 10))]
        for _ in range(k - 1):
            c.append(c[-1] + D(rng.randint(0, 12)))
        return [Rule(param, {}, "纳入医保支付的国家谈判抗癌药", "count", c)]
    raise AssertionError(param)


GROUPS = [  # parameter → rules it makes; 3+2+3+1+1+1+1+1+1+1+1+2+1+1 = 20
    "resident.inpatient.ratio", "employee.inpatient.ratio", "employee.inpatient.deductible",
    "employee.annual_cap", "resident.individual_contribution", "resident.fiscal_subsidy",
    "employee.contribution.total_rate", "employee.flexible.contribution_rate",
    "resident.late_payment.waiting_period", "critical_illness.ratio",
    "critical_illness.threshold_share_of_income", "assistance.ratio",
    "chronic.special_outpatient.diseases", "drug_list.anticancer_negotiated.count",
]


def value_yaml(kind: str, v: Any) -> tuple[str, str]:
    """(YAML of the value key, text the quote says) for one value."""
    if kind == "ratio":
        if isinstance(v, tuple):
            return f"ratio: {{min: {num(v[0])}, max: {num(v[1])}}}", f"{pct(v[0])}至{pct(v[1])}"
        return f"ratio: {num(v)}", pct(v)
    if kind in ("amount",):
        return f"amount: {num(v)}", money(v)
    if kind == "count":
        return f"count: {num(v)}", f"{num(v)}种"
    if kind == "duration":
        _, n, unit = v
        return (f"duration: {{value: {num(n)}, unit: {unit}}}",
                f"{num(n)}{'个月' if unit == 'month' else '天'}")
    if kind == "diseases":
        _, count, named = v
        items = ", ".join(
            f"{{name: {name}, normalized: {name}, nhsa_code: {code}, mapping: inferred}}"
            for name, code in named)
        text = f"{count}种，包括{'、'.join(n for n, _ in named)}等"
        return (f"diseases:\n          declared_count: {count}\n          complete: false\n"
                f"          items: [{items}]"), text
    raise AssertionError(kind)


def quote_for(rule: Rule, said: str, prev_said: str | None) -> str:
    if rule.kind == "diseases":
        return f"{rule.label}增加到{said}"
    if prev_said is not None:
        verb = "调整为"
        return f"{rule.label}由{prev_said}{verb}{said}"
    return f"{rule.label}为{said}"


def start_text(s: Slot) -> str:
    year = PLAN_YEAR if s.status == "planned" else s.year
    full = f"{year:04d}-{s.month:02d}-01"
    return full[: s.precision]


def slot_source(place: Place, s: Slot) -> str:
    return f"s{place.code}-{s.year}"


def render_region(place: Place, rng: random.Random) -> str:
    pooling = {"county": place.parent, "prefecture": place.code}.get(place.level)
    lines = [
        f"# yaml-language-server: $schema={'../' * (place.folder.count('/') + 3)}"
        "schemas/region.schema.json",
        "region:",
        f"  code: {q(place.code)}",
        f"  name: {{zh: {place.zh}, en: {place.en}}}",
        f"  level: {place.level}",
    ]
    if place.parent is not None:
        lines.append(f"  parent: {q(place.parent)}")
    if pooling is not None:
        lines.append(f"  pooling_region: {q(pooling)}")
    if rng.random() < 0.3:
        lines.append(f"  checked_on: \"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}\"")
    lines.append("rules:")
    for param in GROUPS:
        chosen = sorted(rng.sample(range(len(place.notices)), VALUES_PER_RULE))
        notices = [place.notices[i] for i in chosen]
        slots = [Slot(y, m + 1, d, no) for y, m, d, no in notices]
        for s in slots:
            s.precision = rng.choice([4, 7, 7, 10])
        for i, s in enumerate(slots):
            last = i == len(slots) - 1
            if i == 0 and rng.random() < 0.3:
                s.observed = True
            elif last and rng.random() < 0.12:
                s.status, s.precision = "planned", 7  # starts after its notice (R20)
            elif not last and rng.random() < 0.05:
                s.status = rng.choice(["temporary", "repealed"])
        for s, nxt in itertools.pairwise(slots):
            if s.status in ("temporary", "repealed"):
                s.end = start_text(nxt)  # half-open: ends the day the next one starts
        rules = group_values(param, [s.year for s in slots], rng)
        unknown = [rng.random() < 0.02 for _ in slots]
        for rule in rules:
            lines.append(f"  - parameter: {rule.parameter}")
            if rule.breakdown:
                bk = ", ".join(f"{k}: {v}" for k, v in rule.breakdown.items())
                lines.append(f"    breakdown: {{{bk}}}")
            lines.append("    history:")
            prev: tuple[Any, str] | None = None
            for i, (s, v) in enumerate(zip(slots, rule.values, strict=True)):
                lines.append(f"      - status: {s.status}")
                if s.observed:
                    lines.append(f"        observed: \"{s.year:04d}-{s.month - 1:02d}-{s.day:02d}\"")
                else:
                    lines.append(f"        start: \"{start_text(s)}\"")
                if rule.parameter in BY_COVERAGE_YEAR:
                    year = PLAN_YEAR if s.status == "planned" else s.year
                    lines.append(f"        coverage_year: {year}")
                if s.end is not None:
                    lines.append(f"        end: \"{s.end}\"")
                src = slot_source(place, s)
                if unknown[i]:
                    lines.append("        unknown: 原文为政策解读，未写明具体数值")
                    lines.append(f"        source: {src}")
                    lines.append(f"        quote: {q(rule.label + '按有关规定执行')}")
                    prev = None
                    continue
                val, said = value_yaml(rule.kind, v)
                lines.append(f"        {val}")
                delta = None
                if (prev is not None and rule.kind in ("ratio", "amount")
                        and not isinstance(v, tuple) and not isinstance(prev[0], tuple)
                        and prev[0] != v):
                    delta = (prev[0], v - prev[0], "pp" if rule.kind == "ratio" else "absolute")
                lines.append(f"        source: {src}")
                lines.append(f"        quote: {q(quote_for(rule, said, prev[1] if delta else None))}")
                if delta is not None and rng.random() < 0.3:
                    lines.append(f"        delta: {{from: {num(delta[0])}, by: {num(delta[1])}, "
                                 f"mode: {delta[2]}}}")
                if s.status == "temporary":
                    lines.append("        note: 阶段性措施，到期后恢复原标准")
                prev = (v, said)
    return "\n".join(lines) + "\n"


def render_nation() -> str:
    floors = [
        ("critical_illness.ratio", "", [
            ("2012-09", "2019-05", "0.5", "min", "synth-ndrc-2012-2605",
             "大病保险支付比例应达到50%以上"),
            ("2019-05", None, "0.6", "min", "synth-nhsa-2019-30",
             "大病保险政策范围内报销比例由50%提高至60%")]),
        ("critical_illness.threshold_share_of_income", "", [
            ("2019-05", None, "0.5", "max", "synth-nhsa-2019-30",
             "原则上按上一年度居民人均可支配收入的50%确定")]),
        ("assistance.ratio", "tekun", [
            ("2021-11", None, "0.7", "min", "synth-gov-2021-42",
             "对低保对象、特困人员原则上按不低于70%的比例救助")]),
        ("assistance.ratio", "dibao", [
            ("2021-11", None, "0.7", "min", "synth-gov-2021-42",
             "对低保对象、特困人员原则上按不低于70%的比例救助")]),
    ]
    lines = ["# yaml-language-server: $schema=../../../schemas/region.schema.json",
             "# 全国性标准（合成数据）：bound: min 为底线，bound: max 为上限。",
             "region:", "  code: \"000000\"", "  name: {zh: 全国, en: China}",
             "  level: national", "rules:"]
    for param, cat, entries in floors:
        lines.append(f"  - parameter: {param}")
        if cat:
            lines.append(f"    breakdown: {{assistance_category: {cat}}}")
        lines.append("    history:")
        for start, end, ratio, bound, src, quote in entries:
            lines += ["      - status: in_force", f"        start: \"{start}\""]
            if end:
                lines.append(f"        end: \"{end}\"")
            lines += [f"        bound: {bound}", f"        ratio: {ratio}",
                      f"        source: {src}", f"        quote: {q(quote)}"]
    return "\n".join(lines) + "\n"


def render_sources(entries: list[dict[str, Any]], depth: int) -> str:
    lines = [f"# yaml-language-server: $schema={'../' * depth}schemas/sources.schema.json",
             "sources:"]
    for s in entries:
        lines.append(f"  - id: {s['id']}")
        for key in ("title", "issuer", "doc_number", "date"):
            if key in s:
                lines.append(f"    {key}: {q(s[key])}")
        lines.append(f"    kind: {s.get('kind', 'notice')}")
        lines.append("    official: true")
    return "\n".join(lines) + "\n"


def region_sources(place: Place) -> list[dict[str, Any]]:
    out = []
    for y, m, d, no in place.notices:
        office = "医疗保障局" if y >= 2019 else "人力资源和社会保障局"
        dept = "医保" if y >= 2019 else "人社"
        out.append(dict(
            id=f"s{place.code}-{y}",
            title=f"{place.zh}{office}关于调整{y}年度基本医疗保险待遇标准的通知",
            issuer=f"{place.zh}{office}",
            doc_number=f"{place.abbr}{dept}发〔{y}〕{no}号",
            date=f"{y:04d}-{m:02d}-{d:02d}",
        ))
    return out


def catalogue_text(path: Path) -> str:
    """The project catalogue, with any parameter/dimension this generator needs added."""
    import yaml

    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    params = data.setdefault("parameters", {})
    dims = data.setdefault("dimensions", {})
    changed = False
    for pid, spec in NEEDED.items():
        have = params.get(pid)
        if have is None or have.get("type") != spec["type"] or not set(
                spec.get("dimensions", [])) <= set(have.get("dimensions", [])):
            params[pid] = spec
            changed = True
    for did, spec in NEEDED_DIMENSIONS.items():
        values = (dims.get(did) or {}).get("values", {})
        if not set(spec["values"]) <= set(values):
            dims[did] = spec
            changed = True
    for pid in NEEDED:
        for d in params[pid].get("dimensions", []):
            if d not in dims:
                raise SystemExit(f"synth: catalogue dimension {d} is missing")
        for key, table in (("area", "areas"), ("scheme", "schemes")):
            if params[pid][key] not in data.get(table, {}):
                data.setdefault(table, {})[params[pid][key]] = {"zh": params[pid][key]}
                changed = True
    if not changed:
        return text
    return ("# yaml-language-server: $schema=../schemas/catalogue.schema.json\n"
            "# 参数目录（复制自 policies/catalogue.yaml，合成数据生成器补充了所需参数）\n"
            + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000))


def generate(n: int, out: Path, seed: int = 0, catalogue: Path = CATALOGUE,
             progress: Callable[[int, int], None] | None = None) -> int:
    """Write the corpus; return the number of files written."""
    rng = random.Random(seed)
    places = hierarchy(n, rng)
    cat_text = catalogue_text(catalogue)
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text(f"regions={n} seed={seed}\n", encoding="utf-8")
    (out / "catalogue.yaml").write_text(cat_text, encoding="utf-8")
    (out / "sources.yaml").write_text(render_sources(NATIONAL_SOURCES, 1), encoding="utf-8")
    by_province: dict[str, list[dict[str, Any]]] = {}
    files = 2
    for k, place in enumerate(places):
        path = out / "regions" / place.folder / "region.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        if place.level == "national":
            text = render_nation()
        else:
            years = sorted(rng.sample(YEARS, 10))
            place.notices = [(y, rng.randint(1, 10), rng.randint(1, 28), rng.randint(1, 120))
                             for y in years]
            text = render_region(place, rng)
            by_province.setdefault(place.province, []).extend(region_sources(place))
        path.write_text(text, encoding="utf-8")
        files += 1
        if progress is not None:
            progress(k + 1, len(places))
    for code, entries in sorted(by_province.items()):
        folder = next(p.folder for p in places if p.code == code)
        (out / "regions" / folder / "sources.yaml").write_text(
            render_sources(entries, 3), encoding="utf-8")
        files += 1
    return files


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--regions", type=int, required=True, metavar="N",
                    help="number of regions, the nation included (3000 ≈ every county)")
    ap.add_argument("--out", type=Path, required=True, metavar="DIR",
                    help="folder to write (a policies/-shaped tree)")
    ap.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    ap.add_argument("--catalogue", type=Path, default=CATALOGUE,
                    help=f"catalogue to copy (default {CATALOGUE.relative_to(REPO)})")
    ap.add_argument("--force", action="store_true",
                    help="replace DIR if it holds an earlier synthetic corpus")
    args = ap.parse_args(argv)
    out: Path = args.out
    if out.exists() and any(out.iterdir()):
        if not (out / MARKER).exists():
            print(f"synth: {out} is not empty and not a synthetic corpus; not touching it",
                  file=sys.stderr)
            return 2
        if not args.force:
            print(f"synth: {out} already holds a corpus; use --force to replace it",
                  file=sys.stderr)
            return 2
        shutil.rmtree(out)
    files = generate(args.regions, out, args.seed, args.catalogue)
    print(f"synth: wrote {files} files for {args.regions} regions to {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
