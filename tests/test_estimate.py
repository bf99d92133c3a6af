"""policykit.estimate: the worked examples of docs/estimate.md against hand-computed
figures, the bundled data, bad requests, and the soundness of the intervals."""

from __future__ import annotations

import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import policykit
from conftest import run_cli
from policykit.costs.compute import FIELDS, Inputs, Params, band_pay, settle
from policykit.costs.estimate import bounds
from policykit.costs.rules import RuleValue
from policykit.errors import PolicykitError
from policykit.model.policyset import PolicySet

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "fixtures" / "estimate" / "policies"
DAY = "2026-06-01"


def fixture_policies(into: Path) -> Path:
    """The fixture's regions with the project's own catalogue (not a copy that drifts)."""
    root = into / "policies"
    shutil.copytree(FIXTURE, root)
    shutil.copy(REPO / "policies" / "catalogue.yaml", root / "catalogue.yaml")
    return root


@pytest.fixture(scope="module")
def fixture_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fixture_policies(tmp_path_factory.mktemp("estimate"))


@pytest.fixture(scope="module")
def ps(fixture_root: Path) -> PolicySet:
    return policykit.load(fixture_root)


@pytest.fixture(scope="module")
def bundled() -> PolicySet:
    return policykit.load(REPO / "policies")


def figures(e: policykit.Estimate) -> dict[str, tuple[float, float]]:
    plain = e.to_plain()
    return {f: (plain[f]["min"], plain[f]["max"]) for f in FIELDS}


def _x(v: float) -> tuple[float, float]:
    return (v, v)


# The worked examples of docs/estimate.md, figures computed by hand there.
WORKED = {
    "deductible_only": (
        dict(region="990100", scheme="resident", hospital_level="level3", cost=12000,
             in_scope=10000),
        dict(out_of_scope_amt=_x(2000), act_pay_dedc=_x(1000), hifp_pay=_x(5400),
             hifmi_pay=_x(0), maf_pay=_x(0), psn_part_amt=_x(6600))),
    "cap_binds": (
        dict(region="990100", scheme="employee", person_type="in_service",
             hospital_level="level3", cost=20000, paid_this_year=95000),
        dict(out_of_scope_amt=_x(0), act_pay_dedc=_x(1000), hifp_pay=_x(5000),
             hifmi_pay=_x(0), maf_pay=_x(0), psn_part_amt=_x(15000))),
    "critical_illness_two_bands": (
        dict(region="990100", scheme="resident", hospital_level="level3", cost=200000),
        dict(out_of_scope_amt=_x(0), act_pay_dedc=_x(1000), hifp_pay=_x(119400),
             hifmi_pay=_x(40920), maf_pay=_x(0), psn_part_amt=_x(39680))),
    "second_admission": (
        dict(region="990100", scheme="resident", hospital_level="level3", cost=10000,
             admission=2),
        dict(out_of_scope_amt=_x(0), act_pay_dedc=_x(500), hifp_pay=_x(5700),
             hifmi_pay=_x(0), maf_pay=_x(0), psn_part_amt=_x(4300))),
    "unknown_deductible": (
        dict(region="990200", scheme="resident", hospital_level="level3", cost=10000),
        dict(out_of_scope_amt=_x(0), act_pay_dedc=(0, 1500), hifp_pay=(5100, 6000),
             hifmi_pay=_x(0), maf_pay=_x(0), psn_part_amt=(4000, 4900))),
    "ratio_range": (
        dict(region="990200", scheme="resident", hospital_level="level2", cost=10000),
        dict(out_of_scope_amt=_x(0), act_pay_dedc=_x(600), hifp_pay=(6580, 7520),
             hifmi_pay=_x(0), maf_pay=_x(0), psn_part_amt=(2480, 3420))),
    "assistance": (
        dict(region="990100", scheme="resident", hospital_level="level3", cost=10000,
             assistance_category="dibao"),
        dict(out_of_scope_amt=_x(0), act_pay_dedc=_x(1000), hifp_pay=_x(5400),
             hifmi_pay=_x(0), maf_pay=_x(2880), psn_part_amt=_x(1720))),
}


@pytest.mark.parametrize("name", sorted(WORKED))
def test_worked_example(ps: PolicySet, name: str) -> None:
    args, expected = WORKED[name]
    args = dict(args)
    e = policykit.estimate(ps, str(args.pop("region")), day=DAY, **args)  # type: ignore[arg-type]
    assert figures(e) == expected
    assert e.exact == all(lo == hi for lo, hi in expected.values())


def test_worked_examples_are_in_the_docs() -> None:
    """Each worked example's figures appear in docs/estimate.md, so the page and the
    tests cannot drift apart."""
    text = (REPO / "docs" / "estimate.md").read_text(encoding="utf-8")
    for name, (_, expected) in WORKED.items():
        assert f"<!-- example: {name} -->" in text, name
        section = text.split(f"<!-- example: {name} -->", 1)[1].split("<!-- example:", 1)[0]
        for lo, hi in expected.values():
            for v in {lo, hi}:
                assert f"{int(v):,}" in section, (name, v)


def test_explanations_cite_each_rule(ps: PolicySet) -> None:
    e = policykit.estimate(ps, "990200", day=DAY, scheme="resident", hospital_level="level3",
                           cost=10000).to_plain()
    fund = next(s for s in e["steps"] if s["step"] == "fund")
    ratio, cap = fund["rules"]
    assert (ratio["origin"], ratio["quote"], ratio["value_zh"]) == ("990200", "三级医院报销60%", "60%")
    assert (cap["origin"], cap["origin_name"], cap["source"]) == ("990000", "样例省",
                                                                 "fixture-estimate")
    dedc = next(s for s in e["steps"] if s["step"] == "deductible")["rules"][0]
    assert dedc["state"] == "ceiling" and dedc["value"] == {"min": 0, "max": 1500}
    assert dedc["floors"][0]["origin"] == "990000"
    assert e["missing_zh"] == ["起付线未公布，只规定了不高于 1,500 元，结果按 0 至该上限计算"]


def test_bands_cited_in_order(ps: PolicySet) -> None:
    e = policykit.estimate(ps, "990100", day=DAY, scheme="resident", hospital_level="level3",
                           cost=200000).to_plain()
    ci = next(s for s in e["steps"] if s["step"] == "critical_illness")
    assert [(r["parameter"], r["breakdown"].get("ci_band")) for r in ci["rules"]] == [
        ("critical_illness.deductible", None), ("critical_illness.band.ratio", "band1"),
        ("critical_illness.band.upto", "band1"), ("critical_illness.band.ratio", "band2"),
        ("critical_illness.annual_cap", None)]


def test_bundled_qingyuan_level3(bundled: PolicySet) -> None:
    """The issue's example: 60% in force, deductible and cap unknown → at most 6,000."""
    e = policykit.estimate(bundled, "441800", day=DAY, scheme="resident",
                           hospital_level="level3", cost=10000).to_plain()
    assert (e["hifp_pay"]["min"], e["hifp_pay"]["max"]) == (0, 6000)
    assert not e["exact"]
    assert "起付线未公布，所以统筹基金支付只能给出上限" in e["missing_zh"]
    assert any(m.startswith("年度最高支付限额（封顶线）未公布") for m in e["missing_zh"])


def test_coverage_year_reads_its_first_day(ps: PolicySet) -> None:
    by_year = policykit.estimate(ps, "990100", coverage_year=2026, scheme="resident",
                                 hospital_level="level3", cost=10000)
    assert by_year.day == "2026-01-01" and by_year.inputs["coverage_year"] == 2026
    assert by_year.amounts == policykit.estimate(ps, "990100", day="2026-01-01", scheme="resident",
                                                 hospital_level="level3", cost=10000).amounts
    # the fixture's rules start in 2026: in coverage year 2025 nothing is known
    before = policykit.estimate(ps, "990100", coverage_year=2025, scheme="resident",
                                hospital_level="level3", cost=10000)
    assert (before.amounts["hifp_pay"].lo, before.amounts["hifp_pay"].hi) == (0, 10000)
    with pytest.raises(PolicykitError, match="须给出日期或参保年度之一"):
        policykit.estimate(ps, "990100", day=DAY, coverage_year=2026, scheme="resident",
                           cost=1)


def test_same_input_same_output(ps: PolicySet) -> None:
    a = policykit.estimate(ps, "990200", day=DAY, scheme="resident", hospital_level="level2",
                           cost="10000.005").to_plain()
    b = policykit.estimate(ps, "990200", day=DAY, scheme="resident", hospital_level="level2",
                           cost=Decimal("10000.005")).to_plain()
    assert a == b
    # rounded outward to the fen: 9400.005 × 70% = 6580.0035 → 6580.00, × 80% → 7520.01
    assert (a["hifp_pay"]["min"], a["hifp_pay"]["max"]) == (6580, 7520.01)


@pytest.mark.parametrize(("kwargs", "message"), [
    (dict(region="999999"), "未知地区代码 999999"),
    (dict(scheme="farmer"), "未知险种 farmer"),
    (dict(hospital_level="level9"), "未知医院等级 level9"),
    (dict(cost=-1), "cost 必须是不小于 0 的金额"),
    (dict(cost="abc"), "cost 必须是不小于 0 的金额"),
    (dict(in_scope=20000), "政策范围内费用不能大于总费用"),
    (dict(admission=0), "住院次数必须是正整数"),
    (dict(person_type="retiree"), "居民医保不区分"),
    (dict(scheme="employee"), "职工医保须指明人员类别"),
    (dict(day="2026-13-01"), "日期 2026-13-01 无效"),
    (dict(day=None), "须给出日期或参保年度之一"),
    (dict(day=None, coverage_year=True), "参保年度无效"),
])
def test_bad_requests(ps: PolicySet, kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = dict(region="990100", day=DAY, scheme="resident",
                                   hospital_level="level3", cost=10000)
    args.update(kwargs)
    region = str(args.pop("region"))
    with pytest.raises(PolicykitError) as info:
        policykit.estimate(ps, region, **args)  # type: ignore[arg-type]
    assert message in str(info.value)
    assert getattr(info.value, "exit_code", None) == 2


# ---------------------------------------------------------------- soundness

MONEY = st.decimals(min_value=0, max_value=500000, places=2, allow_nan=False,
                    allow_infinity=False)
RATIO = st.decimals(min_value=0, max_value=1, places=3, allow_nan=False, allow_infinity=False)


@st.composite
def amount_box(draw: st.DrawFn) -> tuple[Decimal, Decimal | None, Decimal | None]:
    """An amount's interval [lo, hi] (hi None: unknown upward) and one value in it
    (None: no limit at all, which an unknown upward bound allows)."""
    lo = draw(MONEY)
    kind = draw(st.sampled_from(["exact", "range", "open"]))
    if kind == "exact":
        return lo, lo, lo
    if kind == "range":
        hi = lo + draw(MONEY)
        return lo, hi, draw(st.decimals(min_value=lo, max_value=hi, places=2))
    return lo, None, draw(st.one_of(st.none(), st.decimals(min_value=lo, max_value=lo + 10**6,
                                                           places=2)))


@st.composite
def ratio_box(draw: st.DrawFn) -> tuple[Decimal, Decimal, Decimal]:
    a, b = draw(RATIO), draw(RATIO)
    lo, hi = min(a, b), max(a, b)
    return lo, hi, draw(st.decimals(min_value=lo, max_value=hi, places=4))


def _rv(kind: str, lo: Decimal, hi: Decimal | None) -> RuleValue:
    return RuleValue("", "p", (), kind, lo, hi, "exact" if lo == hi else "range", None)


@settings(max_examples=300, deadline=None)
@given(total=MONEY, share=RATIO, paid=MONEY, maf_paid=MONEY, ci=st.booleans(),
       maf=st.booleans(), d=amount_box(), r=ratio_box(), c=amount_box(), cid=amount_box(),
       bands=st.lists(st.tuples(ratio_box(), amount_box()), min_size=1, max_size=4),
       uptos_known=st.booleans(), cic=amount_box(), md=amount_box(), mr=ratio_box(),
       mc=amount_box())
def test_interval_contains_every_exact_result(
        total: Decimal, share: Decimal, paid: Decimal, maf_paid: Decimal, ci: bool, maf: bool,
        d: tuple[Decimal, Decimal | None, Decimal | None], r: tuple[Decimal, Decimal, Decimal],
        c: tuple[Decimal, Decimal | None, Decimal | None],
        cid: tuple[Decimal, Decimal | None, Decimal | None],
        bands: list[tuple[tuple[Decimal, Decimal, Decimal],
                          tuple[Decimal, Decimal | None, Decimal | None]]],
        uptos_known: bool, cic: tuple[Decimal, Decimal | None, Decimal | None],
        md: tuple[Decimal, Decimal | None, Decimal | None], mr: tuple[Decimal, Decimal, Decimal],
        mc: tuple[Decimal, Decimal | None, Decimal | None]) -> None:
    """For every choice of the unknown values within their bounds (and band ends in
    any order when they are not known), the exact settlement lies in the interval."""
    inputs = Inputs(total, (total * share).quantize(Decimal("0.01")), paid,
                    critical_illness=ci, assistance=maf, maf_paid_this_year=maf_paid)
    rules = [("deductible", _rv("amount", d[0], d[1])), ("ratio", _rv("ratio", r[0], r[1])),
             ("cap", _rv("amount", c[0], c[1])), ("ci_deductible", _rv("amount", cid[0], cid[1])),
             ("ci_cap", _rv("amount", cic[0], cic[1])),
             ("maf_deductible", _rv("amount", md[0], md[1])),
             ("maf_ratio", _rv("ratio", mr[0], mr[1])), ("maf_cap", _rv("amount", mc[0], mc[1]))]
    ends = sorted(b[1][0] for b in bands[:-1])  # exact band ends, ascending
    if uptos_known:
        rules += [(f"ci_upto_{k}", _rv("amount", e, e)) for k, e in enumerate(ends)]
        rules += [(f"ci_ratio_{k}", _rv("ratio", b[0][0], b[0][1])) for k, b in enumerate(bands)]
        chosen_ends: list[Decimal | None] = [*ends, None]
    else:  # band ends unknown: one band from the lowest to the highest ratio
        rules.append(("ci_ratio_0", _rv("ratio", min(b[0][0] for b in bands),
                                        max(b[0][1] for b in bands))))
        chosen_ends = [*sorted(b[1][2] if b[1][2] is not None else b[1][0]
                               for b in bands[:-1]), None]
    exact = settle(inputs, Params(
        d[2], r[2], c[2], cid[2], tuple((e, b[0][2]) for e, b in zip(chosen_ends, bands, strict=True)),
        cic[2], md[2], mr[2], mc[2]))
    box = bounds(inputs, rules)
    for f in FIELDS:
        assert box[f].lo <= exact[f] <= box[f].hi, (f, box[f], exact[f])
        lo, hi = box[f].rounded()
        assert lo <= exact[f] <= hi or box[f].exact


@settings(max_examples=60, deadline=None)
@given(d=st.decimals(min_value=0, max_value=1500, places=2), cost=MONEY)
def test_fixture_interval_contains_deductible_choices(ps: PolicySet, d: Decimal,
                                                      cost: Decimal) -> None:
    """On the fixture: 区间市's level-3 deductible is unknown (the province says at most
    1,500): for any deductible in [0, 1500] the settlement is within the estimate."""
    e = policykit.estimate(ps, "990200", day=DAY, scheme="resident", hospital_level="level3",
                           cost=cost)
    exact = settle(Inputs(cost, cost), Params(
        d, Decimal("0.6"), Decimal(200000), Decimal(15000),
        ((Decimal(50000), Decimal("0.6")), (None, Decimal("0.7"))), Decimal(400000)))
    for f in FIELDS:
        assert e.amounts[f].lo <= exact[f] <= e.amounts[f].hi


def test_band_pay_by_hand() -> None:
    bands = ((Decimal(50000), Decimal("0.6")), (None, Decimal("0.7")))
    assert band_pay(Decimal(65600), bands) == Decimal(40920)
    assert band_pay(Decimal(50000), bands) == Decimal(30000)
    assert band_pay(Decimal(0), bands) == 0


def test_fixture_is_clean(fixture_root: Path) -> None:
    result = run_cli("check", str(fixture_root), "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"0 个错误，0 个警告", result.stderr)
