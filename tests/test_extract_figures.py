"""Figures and their reading: kinds, exact values, units, changes, roles, parameters."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from policykit.extract import Proposal, extract, load_catalogue
from policykit.extract.figures import Figure, document_date, find_figures, link_changes
from policykit.extract.text import parse_document, sentences

CATALOGUE = Path(__file__).resolve().parents[1] / "policies" / "catalogue.yaml"


def figures(text: str, year: int | None = None) -> list[Figure]:
    simple = parse_document(text).simple.text
    spans = sentences(simple)
    return link_changes(simple, find_figures(simple, year, spans), spans)


def one(text: str, year: int | None = None) -> Figure:
    found = [f for f in figures(text, year) if f.kind != "year"]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(("text", "kind", "value", "unit"), [
    ("比例为90%", "percent", "90", "%"),
    ("报销比例为百分之七十", "percent", "70", "%"),
    ("提高5个百分点", "pp", "5", "pp"),
    ("标准为1070元", "money", "1070", "yuan"),
    ("预算资金200万元", "money", "2000000", "yuan"),
    ("减负11.6亿元", "money", "1160000000", "yuan"),
    ("累计支付759.28万元", "money", "7592800", "yuan"),
    ("设置90天的待遇等待期", "duration", "90", "day"),
    ("可放宽到3个月", "duration", "3", "month"),
    ("暂停三个月医保服务资格", "duration", "3", "month"),
    ("10个工作日内办结", "duration", "10", "working_day"),
    ("办理时限10个(含10个)工作日内", "duration", "10", "working_day"),
    ("缴费年限为15年", "duration", "15", "year"),
    ("确定38个特定门诊病种", "count", "38", "个"),
    ("17种抗癌药品", "count", "17", "种"),
    ("参保603.99万人", "count", "6039900", "人"),
    ("比例降至2∶1以下", "ratio", "2", ":1"),
])
def test_figure_kinds_and_exact_values(text: str, kind: str, value: str, unit: str) -> None:
    f = one(text)
    assert (f.kind, f.value, f.unit) == (kind, Decimal(value), unit)


def test_ranges() -> None:
    f = one("报销比例为87%至95%")
    assert (f.value, f.high) == (Decimal(87), Decimal(95))
    f = one("一般5-7个工作日办结")
    assert (f.value, f.high, f.unit) == (Decimal(5), Decimal(7), "working_day")


def test_dates() -> None:
    assert one("2019年1月15日,东莞市医疗保障局正式挂牌成立").date == "2019-01-15"
    f = one("争取7月1日启用新政策", year=2020)
    assert (f.date, f.year_from_context) == ("2020-07-01", True)
    f = one("参保人员在今年12月31日后缴费的", year=2024)
    assert f.date == "2024-12-31"
    f = one("集中缴费期内(2023年9月1日-2024年2月29日)")
    assert (f.kind, f.date, f.date_end) == ("date_range", "2023-09-01", "2024-02-29")
    f = one("从2024年11月到2025年1月15日开展行动")
    assert (f.date, f.date_end) == ("2024-11", "2025-01-15")
    assert one("从2020年7月起").date == "2020-07"
    assert not [f for f in figures("2月30日", 2021) if f.kind == "date"]


def test_year_comes_from_the_same_sentence_first() -> None:
    found = figures("5月13日,2020年德州市医疗保障工作会议召开。")
    assert [f.date for f in found if f.kind == "date"] == ["2020-05-13"]


def test_document_number() -> None:
    f = one("(清医保待〔2021〕40 号)")
    assert (f.kind, f.unit) == ("doc_number", "清医保待〔2021〕40号")


def test_document_date() -> None:
    assert document_date("来源:本网 发布时间:2021-08-24\n正文") == "2021-08-24"
    assert document_date("发布时间：2024年12月23日") == "2024-12-23"
    assert document_date("没有日期") is None


def test_change_with_stated_step_in_percentage_points() -> None:
    found = figures("总费率从2.8%下调0.7个百分点至 2.1%")
    new = next(f for f in found if f.change)
    assert new.value == Decimal("2.1")
    assert new.change is not None
    assert (new.change.old, new.change.by, new.change.mode) == (Decimal("2.8"), Decimal("-0.7"), "pp")
    assert new.change.old + new.change.by == new.value


def test_change_by_comparison() -> None:
    found = figures("生育保险费率按0.7%执行,较省规定的1%下调0.3个百分点")
    new = next(f for f in found if f.change)
    assert new.change is not None
    assert (new.value, new.change.old, new.change.by) == (Decimal("0.7"), Decimal(1), Decimal("-0.3"))


def test_changes_pair_by_kind() -> None:
    found = figures("由每月1000元,支付不超3个月,提高为每月2500元,支付不超10个月")
    changed = {f.text: f.change for f in found if f.change}
    assert changed["2500元"] is not None and changed["2500元"].old == Decimal(1000)
    assert changed["10个月"] is not None and changed["10个月"].old == Decimal(3)


def test_reduction_without_old_value_is_an_adjustment() -> None:
    f = one("异地就医报销比例降低20%")
    assert (f.adjustment, f.change) == ("decrease", None)


# --------------------------------------------------------------------------- readings


@pytest.fixture(scope="module")
def cat() -> Any:
    return load_catalogue(CATALOGUE)


def rules(text: str, cat: Any) -> list[Proposal]:
    return [p for p in extract(text, cat) if p.is_rule]


def test_hospital_levels(cat: Any) -> None:
    found = rules("城乡居民参保人住院医疗费用报销比例为:一级医院90%,二级医院75%,三级医院60%。", cat)
    assert [(p.parameter, dict(p.breakdown), p.value) for p in found] == [
        ("resident.inpatient.ratio", {"hospital_level": "level1"}, Decimal("0.9")),
        ("resident.inpatient.ratio", {"hospital_level": "level2"}, Decimal("0.75")),
        ("resident.inpatient.ratio", {"hospital_level": "level3"}, Decimal("0.6")),
    ]


def test_ambiguous_reduction_is_flagged_not_resolved(cat: Any) -> None:
    (p,) = rules("在职职工住院医疗费用报销比例为87%至95%,异地就医报销比例降低20%。", cat)[1:]
    assert p.parameter == "employee.inpatient.offsite_reduction"
    assert p.value == {"value": Decimal(20), "mode": "unknown", "direction": "decrease"}
    assert "adjustment_mode_unknown" in p.flags
    assert any("unknown" in n for n in p.notes)


def test_one_sentence_two_schemes(cat: Any) -> None:
    found = rules("城镇职工和城乡居民医疗保险普通门诊报销比例为55%。", cat)
    assert sorted(p.parameter or "" for p in found) == [
        "employee.general_outpatient.ratio", "resident.general_outpatient.ratio"]


def test_delta_is_emitted_in_ratio_units(cat: Any) -> None:
    (p,) = rules("社会基本医疗保险方面,总费率从2.8%下调0.7个百分点至 2.1%。", cat)
    assert p.parameter == "employee.contribution.total_rate"
    assert p.value == Decimal("0.021")
    assert p.delta == {"from": Decimal("0.028"), "by": Decimal("-0.007"), "mode": "pp"}


def test_assistance_categories_from_the_sentence(cat: Any) -> None:
    text = ("根据低保、低保边缘、监测对象等人员花名册,实行同交同补,他们参保缴费只要缴纳个人标准部分的50%,"
            "政府同步给与50%资助。")
    found = rules(text, cat)
    assert {p.parameter for p in found} == {"assistance.contribution_subsidy"}
    assert sorted(dict(p.breakdown)["assistance_category"] for p in found) == [
        "dibao", "dibao_edge", "monitored"]


def test_higher_level_figure_is_marked(cat: Any) -> None:
    found = [p for p in extract("突破省最低生活保障对象不低于70%比例救助规定,我市给予90%的比例救助。", cat)
             if p.role == "rule"]
    floor = [p for p in found if p.parent_level]
    own = [p for p in found if not p.parent_level]
    assert floor[0].value == Decimal("0.7") and floor[0].bound == "min"
    assert own[0].value == Decimal("0.9") and own[0].bound is None


@pytest.mark.parametrize(("text", "role"), [
    ("截止6月底,全市基本医疗保险参保603.99万人,同比增长6.55%。", "statistic"),
    ("职工医保住院的平均补偿率为69.5%。", "statistic"),
    ("全市城乡居民医保参保人数到达407万人,参保率达到98 %以上。", "statistic"),
    ("我县常住人口参保率要达到97.18%以上。", "target"),
    ("定点药店开通比要达到90%。", "target"),
    ("年底前全市异地住院联网医疗机构达到249家。", "target"),
    ("预计2021年度可为参保单位减负约1034万元。", "statistic"),
])
def test_statistics_and_targets_are_not_rules(cat: Any, text: str, role: str) -> None:
    found = [p for p in extract(text, cat) if p.kind not in ("year", "date")]
    assert found
    assert not [p for p in found if p.role == "rule"]
    assert role in {p.role for p in found}


def test_disease_list_is_partial(cat: Any) -> None:
    (p,) = rules("确定精神分裂症、肺结核等38个特定门诊病种及待遇限额。", cat)
    assert p.parameter == "chronic.special_outpatient.diseases"
    assert p.value == {"declared_count": 38, "complete": False,
                       "items": [{"name": "精神分裂症"}, {"name": "肺结核"}]}


def test_durations_keep_their_unit(cat: Any) -> None:
    (p,) = rules("参保人员在今年12月31日后缴费的,需按照1070元的标准缴费,并设置90天的待遇等待期。", cat)[1:]
    assert p.value == {"value": Decimal(90), "unit": "day"}


NOTICE = """关于调整城乡居民基本医疗保险待遇的通知
发布日期：2023年6月1日
自2023年7月1日起，调整我市城乡居民基本医疗保险住院待遇：
一、起付标准：一级医院200元，二级医院500元，三级医院1000元。
二、报销比例：政策范围内住院费用，一级医院报销90%，二级医院80%，三级医院60%。
三、大病保险起付线为1.5万元，支付比例为60%。
四、职工医保在职职工住院报销比例由85%提高到88%。
2022年全市参保人数达到350万人，参保率97.5%。
"""


def test_a_notice_that_is_not_a_seed(cat: Any) -> None:
    found = [p for p in extract(NOTICE, cat) if p.role == "rule"]
    by_figure = {(p.figure, p.parameter): p for p in found}
    # The scheme comes from the lead-in line, and so does the start date (flagged).
    p = by_figure[("90%", "resident.inpatient.ratio")]
    assert p.breakdown == (("hospital_level", "level1"),)
    assert p.start == "2023-07-01" and "start_from_lead_in" in p.flags
    # No resident deductible in the catalogue: not forced onto the employee one.
    assert not [q for q in found if q.figure in ("200元", "1.5万元")]
    assert ("60%", "critical_illness.ratio") in by_figure
    p = by_figure[("88%", "employee.inpatient.ratio")]
    assert p.breakdown == (("person_type", "in_service"),)
    assert p.delta == {"from": Decimal("0.85"), "by": Decimal("0.03"), "mode": "pp"}
    assert not [q for q in found if q.figure in ("350万人", "97.5%")]
