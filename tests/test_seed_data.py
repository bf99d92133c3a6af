"""The bundled data of the five seed regions, their provinces and the national floors.

Three kinds of test, all through the public API (`policykit.load`):
1. specific figures on specific dates, inheritance and floors included;
2. provenance: every entry has a registered source and a quote, and a stated number
   appears in its quote;
3. every quote from a seed document is a verbatim substring of that document once the
   pinyin glosses added by the conversion (`醫(yī)` → `醫`) are removed.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

import policykit

REPO = Path(__file__).resolve().parent.parent
POLICIES = REPO / "policies"
# The seeds live in ../shared/seeds beside the repo; archive/ holds byte-identical copies.
SEED_DIRS = [REPO.parent / "shared" / "seeds", REPO / "archive"]
PINYIN_GLOSS = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜ]+\)")

D = Decimal


@pytest.fixture(scope="module")
def ps() -> policykit.PolicySet:
    return policykit.load(POLICIES)


# ---------------------------------------------------------------------------
# 1. Figures
# ---------------------------------------------------------------------------

# (region, parameter, date, breakdown, expected number, expected origin)
SCALARS = [
    # 清远市 resident inpatient ratios by hospital level (QY-05)
    ("441800", "resident.inpatient.ratio", "2021-08-24", {"hospital_level": "level1"}, "0.9", "441800"),
    ("441800", "resident.inpatient.ratio", "2021-08-24", {"hospital_level": "level2"}, "0.75", "441800"),
    ("441800", "resident.inpatient.ratio", "2021-08-24", {"hospital_level": "level3"}, "0.6", "441800"),
    # 清远市 general outpatient 55 % for both schemes (QY-07)
    ("441800", "employee.general_outpatient.ratio", "2021-08-24", {}, "0.55", "441800"),
    ("441800", "resident.general_outpatient.ratio", "2021-08-24", {}, "0.55", "441800"),
    # 东莞市 contribution rates (DG-02, DG-04) and 广东省's 1 % inherited by 清远市
    ("441900", "employee.contribution.unified_total_rate", "2019-08-09", {}, "0.021", "441900"),
    ("441900", "maternity.contribution.rate", "2019-08-09", {}, "0.007", "441900"),
    ("441800", "maternity.contribution.rate", "2019-08-09", {}, "0.01", "440000"),
    # 东莞市 critical-illness share of the new subsidy (DG-07), one per year
    ("441900", "critical_illness.new_subsidy_allocation", "2018-06-01", {}, "20", "441900"),
    ("441900", "critical_illness.new_subsidy_allocation", "2019-06-01", {}, "15", "441900"),
    ("441900", "drug_list.anticancer_negotiated.count", "2019-08-09", {}, "17", "441900"),
    # 辰溪县 late payers for coverage year 2025 (CX-18)
    ("431223", "resident.late_payment.contribution", "2025-03-01", {}, "1070", "431223"),
    # 辰溪县 contribution subsidies (CX-04 full, CX-05 half)
    ("431223", "assistance.contribution_subsidy", "2024-12-23", {"assistance_category": "tekun"}, "1", "431223"),
    ("431223", "assistance.contribution_subsidy", "2024-12-23", {"assistance_category": "orphan"}, "1", "431223"),
    ("431223", "assistance.contribution_subsidy", "2024-12-23", {"assistance_category": "dibao"}, "0.5", "431223"),
    ("431223", "assistance.contribution_subsidy", "2024-12-23", {"assistance_category": "monitored"}, "0.5", "431223"),
    ("431223", "assistance.residual_backstop.ratio", "2024-12-23", {"assistance_category": "tekun"}, "1", "431223"),
    # 德州市: the values in force at the meeting, not the planned ones (DZ-04)
    ("371400", "rehabilitation.disabled_children.monthly_amount", "2020-05-13", {}, "1000", "371400"),
    ("371400", "rehabilitation.disabled_children.monthly_amount", "2021-06-01", {}, "1000", "371400"),
    # National floors by notice year, reached through inheritance from a county
    ("431223", "resident.fiscal_subsidy", "2018-06-01", {}, "490", "000000"),
    ("431223", "resident.fiscal_subsidy", "2019-06-01", {}, "520", "000000"),
    ("431223", "resident.fiscal_subsidy", "2021-06-01", {}, "580", "000000"),
    ("431223", "resident.fiscal_subsidy", "2022-06-01", {}, "610", "000000"),
    ("431223", "resident.fiscal_subsidy", "2023-06-01", {}, "640", "000000"),
    ("431223", "resident.fiscal_subsidy", "2024-06-01", {}, "670", "000000"),
    ("431223", "resident.fiscal_subsidy", "2025-06-01", {}, "700", "000000"),
    ("441900", "resident.individual_contribution", "2018-06-01", {}, "220", "000000"),
    ("441900", "resident.individual_contribution", "2021-06-01", {}, "320", "000000"),
    ("441900", "resident.individual_contribution", "2023-06-01", {}, "380", "000000"),
    ("441900", "resident.individual_contribution", "2024-06-01", {}, "400", "000000"),
    ("371400", "critical_illness.ratio", "2024-05-01", {}, "0.6", "000000"),
    ("211000", "critical_illness.threshold_share_of_income", "2024-05-01", {}, "0.5", "000000"),
]


@pytest.mark.parametrize(("code", "parameter", "day", "breakdown", "number", "origin"), SCALARS)
def test_scalar_figures(ps, code, parameter, day, breakdown, number, origin) -> None:
    r = ps.value(code, parameter, day, **breakdown)
    assert r is not None, f"nothing in force for {code} {parameter} on {day}"
    assert r.value.number == D(number)
    assert r.origin == origin


def test_qingyuan_resident_level3_with_provenance(ps) -> None:
    r = ps.value("441800", "resident.inpatient.ratio", "2021-08-24", hospital_level="level3")
    assert r.value.kind == "ratio"
    assert r.value.number == D("0.6")
    assert r.origin == "441800"
    assert r.entry.source == "qy-2021-08-24"
    assert "三级医院60%" in r.entry.quote
    assert r.entry.status == "in_force"
    assert r.entry.start is None  # only observed on the article's date; start unknown
    assert r.floors == ()


def test_before_the_observed_date_nothing_is_known(ps) -> None:
    # The Qingyuan article shows the ratios in force on 2021-08-24; before that: unknown.
    assert ps.value("441800", "resident.inpatient.ratio", "2021-08-23",
                    hospital_level="level3") is None
    assert ps.value("441900", "assistance.ratio", "2019-08-08",
                    assistance_category="dibao") is None


def test_qingyuan_employee_ratios_are_ranges(ps) -> None:
    r = ps.value("441800", "employee.inpatient.ratio", "2021-08-24", person_type="in_service")
    assert (r.value.low, r.value.high) == (D("0.87"), D("0.95"))
    assert r.value.number is None
    r = ps.value("441800", "employee.inpatient.ratio", "2021-08-24", person_type="retiree")
    assert (r.value.low, r.value.high) == (D("0.9"), D("0.95"))


def test_qingyuan_offsite_reductions_keep_the_mode_unknown(ps) -> None:
    r = ps.value("441800", "employee.inpatient.offsite_reduction", "2021-08-24",
                 person_type="in_service")
    assert r.value.kind == "adjustment"
    assert (r.value.number, r.value.mode, r.value.direction) == (D(20), "unknown", "decrease")
    r = ps.value("441800", "resident.inpatient.offsite_reduction", "2021-08-24",
                 hospital_level="level2")
    assert (r.value.number, r.value.mode) == (D(10), "unknown")


def test_qingyuan_direct_settlement_and_retiree_contributions(ps) -> None:
    r = ps.value("441800", "offsite.in_province.direct_settlement", "2021-07-25",
                 care_type="special_outpatient")
    assert r.value.flag is True
    assert r.entry.obtained == "inferred"
    assert ps.value("441800", "offsite.in_province.direct_settlement", "2021-07-24",
                    care_type="general_outpatient") is None
    r = ps.value("441800", "employee.retiree.pays_contribution", "2020-07-01")
    assert r.value.flag is False and r.entry.start == "2020-07"
    assert r.entry.obtained == "inferred"
    # Before 2020-07 retirees paid, but since when is unknown: no value on a date.
    assert ps.value("441800", "employee.retiree.pays_contribution", "2020-06-30") is None


def test_dongguan_dibao_assistance_above_the_guangdong_floor(ps) -> None:
    r = ps.value("441900", "assistance.ratio", "2019-08-09", assistance_category="dibao")
    assert r.value.number == D("0.9")
    assert r.origin == "441900"
    assert [(f.origin, f.entry.bound, f.value.number) for f in r.floors] == [
        ("440000", "min", D("0.7"))]
    # After 国办发〔2021〕42号 the national floor is met on the way too.
    r = ps.value("441900", "assistance.ratio", "2022-01-01", assistance_category="dibao")
    assert r.value.number == D("0.9")
    assert {(f.origin, f.value.number) for f in r.floors} == {
        ("440000", D("0.7")), ("000000", D("0.7"))}


def test_only_a_floor_is_shown_as_a_floor(ps) -> None:
    # 清远市 has no dibao ratio of its own: the province's floor is all there is.
    r = ps.value("441800", "assistance.ratio", "2019-08-09", assistance_category="dibao")
    assert r.entry.bound == "min"
    assert r.origin == "440000"
    assert r.value.number == D("0.7")
    r = ps.value("441800", "assistance.ratio", "2021-10-28", assistance_category="tekun")
    assert (r.origin, r.entry.bound, r.value.number) == ("000000", "min", D("0.7"))
    assert ps.value("441800", "assistance.ratio", "2021-10-27",
                    assistance_category="tekun") is None


def test_dongguan_total_rate_is_temporary_and_its_delta_reconciles(ps) -> None:
    r = ps.value("441900", "employee.contribution.unified_total_rate", "2019-08-09")
    assert r.entry.status == "temporary"
    d = r.entry.delta
    assert (d.old, d.by, d.mode) == (D("0.028"), D("-0.007"), "pp")
    assert d.old + d.by == r.value.number  # exact decimals: 2.8 - 0.7 == 2.1


def test_unknown_values_stay_unknown(ps) -> None:
    r = ps.value("441900", "employee.supplementary.contribution_rate", "2019-08-09")
    assert r.value.kind == "unknown" and r.value.text
    assert r.value.number is None
    r = ps.value("441900", "assistance.secondary.ratio", "2019-08-09")
    assert r.value.kind == "unknown"


def test_dongguan_disease_list_is_a_draft(ps) -> None:
    assert ps.value("441900", "chronic.special_outpatient.diseases", "2019-08-09") is None
    [e] = [e for e in ps.entries()
           if e.region == "441900" and e.parameter == "chronic.special_outpatient.diseases"]
    assert e.status == "draft"
    dl = e.value.diseases
    assert dl.declared_count == 38
    assert dl.complete is False
    assert [i.name for i in dl.items] == ["精神分裂症", "肺结核"]


def test_planned_values_are_not_in_force(ps) -> None:
    # 东莞: merger of maternity insurance planned for the end of 2019; not merged on 2019-08-09.
    r = ps.value("441900", "maternity.merged_into_medical", "2020-06-01")
    assert r.value.flag is False and r.entry.status == "in_force"
    # 德州: 2500 yuan × 10 months was announced, not in force (DZ-04).
    r = ps.value("371400", "rehabilitation.disabled_children.max_months", "2021-06-01")
    assert (r.value.number, r.value.unit) == (D(3), "month")
    planned = [e for e in ps.entries()
               if e.region == "371400" and e.parameter.startswith("rehabilitation.")
               and e.status == "planned"]
    assert sorted(str(e.value.number) for e in planned) == ["10", "2500"]
    # 德州 accidental-injury ratio: the plan dated 7月1日 takes effect on that day
    # (docs/format.md 3.3 rule 5), still marked planned; its new ratio is unknown.
    r = ps.value("371400", "resident.accidental_injury.ratio", "2020-06-30")
    assert r.entry.status == "in_force" and r.value.kind == "unknown"
    r = ps.value("371400", "resident.accidental_injury.ratio", "2020-07-02")
    assert r.entry.status == "planned" and r.value.kind == "unknown"
    # Undated plans (a plan year is no date) never take effect.
    assert ps.value("371400", "resident.funding.subsidy_to_individual_ratio", "2020-06-01") is None
    assert ps.value("431223", "employee.long_term_care.available", "2025-06-01") is None


def test_dezhou_temporary_covid_measures(ps) -> None:
    r = ps.value("371400", "chronic.outpatient.max_prescription_supply", "2020-05-13")
    assert (r.value.number, r.value.unit, r.entry.status) == (D(3), "month", "temporary")
    assert ps.value("371400", "chronic.outpatient.max_prescription_supply", "2020-05-12") is None


def test_chenxi_late_payers_pay_1070_and_wait_90_days(ps) -> None:
    r = ps.value("431223", "resident.late_payment.contribution", "2025-03-01")
    assert r.value.number == D(1070)
    assert r.entry.coverage_year == 2025
    assert r.entry.source == "cx-2024-12-23"
    assert ps.value("431223", "resident.late_payment.contribution", "2024-12-31") is None
    r = ps.value("431223", "resident.late_payment.waiting_period", "2025-03-01")
    assert (r.value.number, r.value.unit) == (D(90), "day")  # days, not 3 months
    assert r.origin == "431223"
    assert [(f.origin, f.entry.bound, f.value.number, f.value.unit) for f in r.floors] == [
        ("000000", "min", D(3), "month")]


def test_chenxi_collection_windows(ps) -> None:
    r = ps.value("431223", "resident.collection_window.start", "2024-01-15")
    assert r.value.text == "2023-09-01" and r.entry.coverage_year == 2024
    r = ps.value("431223", "resident.collection_window.end", "2024-01-15")
    assert r.value.text == "2024-02-29"
    r = ps.value("431223", "resident.collection_window.end", "2024-12-23")
    assert r.value.text == "2024-12-31" and r.entry.coverage_year == 2025
    assert r.entry.obtained == "inferred"


def test_chenxi_inherits_from_its_pooling_region(ps) -> None:
    r = ps.value("431223", "payment_method.dip", "2024-06-01")
    assert r.value.flag is True and r.origin == "431200"
    assert r.entry.source == "hh-2023-75"
    assert ps.value("431223", "payment_method.dip", "2022-06-01") is None


def test_chenxi_tekun_subsidy_meets_the_national_floor(ps) -> None:
    r = ps.value("431223", "assistance.contribution_subsidy", "2024-12-23",
                 assistance_category="tekun")
    assert r.value.number == D(1) and r.entry.obtained == "inferred"
    assert [(f.origin, f.value.number) for f in r.floors] == [("000000", D(1))]


def test_chenxi_maternity_allowance_limit_in_working_days(ps) -> None:
    r = ps.value("431223", "maternity.allowance.processing_time", "2024-12-23")
    assert (r.value.number, r.value.unit, r.entry.bound) == (D(10), "working_day", "max")


def test_national_standards_by_notice_year(ps) -> None:
    r = ps.value("000000", "resident.fiscal_subsidy", "2017-06-01")
    assert r.value.number == D(450) and r.entry.obtained == "derived"
    assert r.entry.notice_year == 2017 and r.entry.bound == "min"
    r = ps.value("000000", "resident.fiscal_subsidy", "2020-06-01")
    assert r.value.number == D(550) and r.entry.obtained == "derived"
    r = ps.value("000000", "resident.individual_contribution", "2020-06-01")
    assert r.value.number == D(280) and r.entry.obtained == "derived"
    # 2019 (250?) and 2022 (350?) individual contributions are unconfirmed: not entered,
    # and the previous year's figure is not carried over.
    assert ps.value("000000", "resident.individual_contribution", "2019-06-01") is None
    assert ps.value("000000", "resident.individual_contribution", "2022-06-01") is None
    for e in ps.entries():
        if e.parameter in ("resident.fiscal_subsidy", "resident.individual_contribution"):
            assert e.region == "000000" and e.bound == "min" and e.notice_year is not None


def test_national_waiting_period_from_2025(ps) -> None:
    assert ps.value("000000", "resident.late_payment.waiting_period", "2024-12-31") is None
    r = ps.value("441800", "resident.late_payment.waiting_period", "2025-01-01")
    assert (r.origin, r.entry.bound, r.value.number, r.value.unit) == (
        "000000", "min", D(3), "month")
    assert r.entry.source == "gov-2024-38"


def test_liaoyang_template_is_all_unknown(ps) -> None:
    entries = [e for e in ps.entries() if e.region == "211000"]
    assert len(entries) >= 15
    assert {e.status for e in entries} == {"unknown"}
    assert {e.source for e in entries} == {"ly-template"}
    known = [e for e in entries if e.value.kind != "unknown"]
    # Only values that follow from words (取消 → 0, 不建立 → false), each marked inferred.
    assert {e.obtained for e in known} == {"inferred"}
    for e in entries:
        assert ps.value("211000", e.parameter, "2010-01-01", **e.breakdown) is None
    [cap_before, cap_after] = [e for e in entries if e.parameter == "employee.annual_cap"]
    assert cap_before.value.kind == cap_after.value.kind == "unknown"
    deductible = [e for e in entries if e.parameter == "employee.inpatient.deductible"]
    assert {(e.breakdown["inpatient_case"], e.value.number) for e in deductible} == {
        ("psychiatric", D(0)), ("chemo_third_plus", D(0))}


def test_realised_rates_are_not_policy_ratios(ps) -> None:
    # CX-09: 69.5 % and 62.24 % are realised averages, never entered as ratios.
    for e in ps.entries():
        if e.value.kind == "ratio":
            assert e.value.number not in (D("0.695"), D("0.6224"))


def test_source_registry(ps) -> None:
    assert ps.sources["dg-2019-08-09"].seed == "000_8df7c2dfe92bb1ba.txt"
    assert ps.sources["cx-2024-12-23"].seed == "001_cad3bcc63551bcc1.txt"
    assert ps.sources["qy-2021-08-24"].seed == "002_c6ccd856a7e7a186.txt"
    assert ps.sources["dz-2020-05-13"].seed == "003_38fd986b166f8751.txt"
    assert ps.sources["ly-template"].seed == "004_f5d95c9877c1e552.txt"
    assert ps.sources["ly-template"].kind == "template"
    assert ps.sources["ly-template"].official is False
    assert ps.sources["gov-2021-42"].doc_number == "国办发〔2021〕42号"
    assert ps.sources["hh-2023-75"].doc_number == "怀医保函〔2023〕75号"


# ---------------------------------------------------------------------------
# 2. Provenance
# ---------------------------------------------------------------------------

FULL_WIDTH = str.maketrans("０１２３４５６７８９．％，", "0123456789.%,")


def normalise_quote(quote: str) -> str:
    q = quote.translate(FULL_WIDTH)
    return re.sub(r"(?<=\d),(?=\d{3})", "", q)  # 1,100 → 1100


def plain(d: Decimal) -> str:
    """Shortest decimal text: 60.0 → '60', 2.10 → '2.1'."""
    return format(d.normalize(), "f")


def spellings(kind: str, n: Decimal) -> list[str]:
    """How a source may write the number n of a value of this kind."""
    if kind == "ratio":
        pct = plain(n * 100)
        return [pct + "%", pct + " percent", pct + " per cent", plain(n)]
    out = [plain(n)]
    if kind == "amount" and n >= 10_000:  # 2000000 ↔ 200万, 1160000000 ↔ 11.6亿
        out.append(plain(n / 10_000) + "万")
        if n >= 100_000_000:
            out.append(plain(n / 100_000_000) + "亿")
    return out


def appears(spelled: str, text: str) -> bool:
    """`spelled` occurs in text and is not part of a longer number."""
    pattern = r"(?<![\d.])" + re.escape(spelled) + r"(?!\d|\.\d)"
    return re.search(pattern, text) is not None


def stated_numbers(value) -> list[Decimal]:
    if value.kind in ("ratio", "amount", "number", "count", "duration", "adjustment"):
        return list(value.numbers())
    return []


def test_every_entry_has_a_registered_source_and_a_quote(ps) -> None:
    entries = list(ps.entries())
    assert len(entries) >= 90
    for e in entries:
        assert e.source in ps.sources, f"{e.region} {e.parameter}: unknown source {e.source}"
        assert e.quote and e.quote.strip(), f"{e.region} {e.parameter}: empty quote"
        if e.obtained in ("inferred", "derived"):
            assert e.derivation, f"{e.region} {e.parameter}: {e.obtained} without derivation"


def test_stated_numbers_appear_in_their_quotes(ps) -> None:
    problems = []
    checked = 0
    for e in ps.entries():
        if e.obtained != "stated":
            continue
        quote = normalise_quote(e.quote)
        for n in stated_numbers(e.value):
            checked += 1
            if not any(appears(s, quote) for s in spellings(e.value.kind, n)):
                problems.append(f"{e.region} {e.parameter} {e.breakdown}: {n} not in «{e.quote}»")
    assert checked >= 40
    assert problems == []


def test_spellings_helper() -> None:
    assert appears("90%", normalise_quote("给予９０％的比例"))
    assert any(appears(s, "总费率从2.8%下调0.7个百分点至 2.1%") for s in spellings("ratio", D("0.021")))
    assert any(appears(s, "专项预算资金200万元") for s in spellings("amount", D(2_000_000)))
    assert any(appears(s, "每人每年不低于580元") for s in spellings("amount", D(580)))
    assert not appears("5", "人均15元")
    assert appears("1100", normalise_quote("funding is 1,100 yuan"))


# ---------------------------------------------------------------------------
# 3. Seed quotes are verbatim
# ---------------------------------------------------------------------------

def seed_dir() -> Path | None:
    for d in SEED_DIRS:
        if d.is_dir() and any(d.glob("*.txt")):
            return d
    return None


def test_seed_quotes_are_verbatim(ps) -> None:
    folder = seed_dir()
    if folder is None:
        pytest.skip("seed texts not found in ../shared/seeds or archive/: cannot check quotes")
    cleaned: dict[str, str] = {}
    problems = []
    checked = 0
    for e in ps.entries():
        seed = ps.sources[e.source].seed
        if not seed:
            continue
        if seed not in cleaned:
            path = folder / seed
            assert path.is_file(), f"source {e.source} names seed {seed}, missing in {folder}"
            cleaned[seed] = PINYIN_GLOSS.sub("", path.read_text(encoding="utf-8"))
        checked += 1
        if e.quote not in cleaned[seed]:
            problems.append(f"{e.region} {e.parameter}: «{e.quote}» not in {seed}")
    assert checked >= 60
    assert problems == []
