"""extract reads enumerations: several subjects matched to several figures in order
(分别…和…, 依次, 、-lists), and its accuracy on a held-out set of public notice
sentences (tests/heldout/notices.py) is measured here, with the figures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import REPO
from heldout.notices import NOTICES
from policykit.extract import extract, load_catalogue, pipeline
from policykit.extract.pipeline import Proposal
from policykit.model.entities import Catalogue


@pytest.fixture(scope="module")
def cat() -> Catalogue:
    return load_catalogue(REPO / "policies" / "catalogue.yaml")


def _rules(text: str, cat: Catalogue) -> list[tuple[str, str | None, tuple[tuple[str, str], ...]]]:
    return [(p.figure, p.parameter, p.breakdown) for p in extract(text, cat) if p.is_rule]


def test_two_subjects_two_figures_each_under_its_own_parameter(cat: Catalogue) -> None:
    text = "城乡居民医保人均财政补助和个人缴费标准分别不低于610元和350元。"
    assert _rules(text, cat) == [("610元", "resident.fiscal_subsidy", ()),
                                 ("350元", "resident.individual_contribution", ())]


def test_enumerated_hospital_levels_with_fenbie(cat: Catalogue) -> None:
    text = "城乡居民医保一级、二级、三级医院住院报销比例分别为90%、80%、65%。"
    assert [(f, dict(bk)["hospital_level"]) for f, _, bk in _rules(text, cat)] == [
        ("90%", "level1"), ("80%", "level2"), ("65%", "level3")]


def test_enumerated_in_reverse_order_with_yici(cat: Catalogue) -> None:
    text = "职工医保三级、二级、一级医院起付标准依次为1000元、600元、300元。"
    got = _rules(text, cat)
    assert {p for _, p, _ in got} == {"employee.inpatient.deductible"}
    assert [(f, dict(bk)["hospital_level"]) for f, _, bk in got] == [
        ("1000元", "level3"), ("600元", "level2"), ("300元", "level1")]


def test_a_list_of_figures_after_a_list_of_subjects(cat: Catalogue) -> None:
    text = "居民医保一级、二级、三级医院住院报销比例为90%、80%、65%。"
    assert [dict(bk)["hospital_level"] for _, _, bk in _rules(text, cat)] == [
        "level1", "level2", "level3"]


def test_counts_that_do_not_match_are_not_paired(cat: Catalogue) -> None:
    # three subjects, two figures: no pairing is made up; each figure is read as before
    text = "城乡居民医保一级、二级、三级医院住院报销比例分别为90%、80%。"
    with _without_enumerations():
        before = _rules(text, cat)
    assert _rules(text, cat) == before


# -- the held-out set ---------------------------------------------------------------------
def score(cat: Catalogue) -> dict[str, int]:
    """right: expected figures proposed under the expected parameter; misfiled: under
    another; missed: not proposed as a rule; false: forbidden figures proposed as rules."""
    out = {"expected": 0, "right": 0, "misfiled": 0, "missed": 0, "false": 0}
    for n in NOTICES:
        proposals: list[Proposal] = [p for p in extract(n.text, cat) if p.is_rule]
        for figure, parameter in n.expected.items():
            out["expected"] += 1
            found = {p.parameter for p in proposals if p.figure == figure}
            key = "right" if parameter in found else "misfiled" if found else "missed"
            out[key] += 1
        out["false"] += sum(1 for p in proposals if p.figure in n.forbidden)
    return out


class _without_enumerations:
    """The extractor as it was before enumerations were read (for the baseline)."""

    def __enter__(self) -> None:
        self.saved = pipeline.enumeration_texts
        pipeline.enumeration_texts = lambda text, sentence, figures: {}  # type: ignore[assignment]

    def __exit__(self, *exc: object) -> None:
        pipeline.enumeration_texts = self.saved  # type: ignore[assignment]


def test_heldout_notices_are_not_bundled_seeds() -> None:
    # the seed documents extract is measured on (archive/ also keeps a verification
    # record that quotes national notices, which is not an extraction seed)
    cited = {f["seed"] for f in json.loads((REPO / "archive" / "seed_figures.json")
                                           .read_text(encoding="utf-8"))}
    seeds = "".join((REPO / "archive" / name).read_text(encoding="utf-8", errors="replace")
                    for name in sorted(cited))
    for n in NOTICES:
        assert n.text not in seeds


def test_heldout_accuracy(cat: Catalogue) -> None:
    # Measured: 5 of 6 rule figures filed under the right parameter, none misfiled, no
    # statistic proposed as a rule. The one missed (670元) is in a sentence that names
    # neither 居民 nor 人均, which the fiscal-subsidy keywords need.
    assert score(cat) == {"expected": 6, "right": 5, "misfiled": 0, "missed": 1, "false": 0}


def test_heldout_baseline_without_enumerations(cat: Catalogue) -> None:
    # Before: the enumerated 670元 went to the second subject's parameter.
    with _without_enumerations():
        assert score(cat) == {"expected": 6, "right": 5, "misfiled": 1, "missed": 0,
                              "false": 0}




# -- --write says what it skipped ---------------------------------------------------------
def test_write_reports_every_skipped_draft_and_why(tmp_path: Path) -> None:
    import shutil

    from conftest import run_extract_cli

    root = tmp_path / "policies"
    shutil.copytree(REPO / "policies", root)
    notice = tmp_path / "notice.txt"
    notice.write_text("城乡居民医保人均财政补助和个人缴费标准分别不低于910元和850元。\n"
                      "城乡居民医保人均财政补助不低于910元。\n", encoding="utf-8")
    args = (str(notice), "--region", "441800", "--write", "--root", str(root),
            "--source-id", "draft-notice")
    first = run_extract_cli(*args, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "追加 2 条草稿" in first.stderr and "跳过 1 条" in first.stderr
    assert "未写入 第 2 行 910元（resident.fiscal_subsidy）：与本文件中前面的一条草稿相同" \
        in first.stderr
    assert "same as an earlier draft of this document" in first.stderr
    again = run_extract_cli(*args, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "追加 0 条草稿" in again.stderr and "跳过 3 条" in again.stderr
    assert again.stderr.count("地区文件中该规则已有摘录相同的条目") == 2
    assert "not written: line 1 850元 (resident.individual_contribution)" in again.stderr
