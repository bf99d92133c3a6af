"""A warm `check` (the memo of the last run, and a check of only what an edit can
change) reports exactly what a full check reports, after many kinds of edits, and
takes the short way when it should."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, run_cli
from policykit.check import run as checks
from policykit.check.memo import Memo
from policykit.diagnostics import Diagnostic, sort_diagnostics
from policykit.loader.build import load_tree
from test_checks_data import DONGGUAN, GUANGDONG, QINGYUAN, copy_policies, set_value_after

DIBAO = "parameter: assistance.ratio\n    breakdown: {assistance_category: dibao}"
LEVEL1 = "parameter: resident.inpatient.ratio\n    breakdown: {hospital_level: level1}"
CHENXI = "regions/430000-湖南省/431200-怀化市/431223-辰溪县/region.yaml"


def full(root: Path) -> list[Diagnostic]:
    """What a check from scratch finds (no cache, no memo)."""
    result = load_tree(root, "p")
    assert result.policyset is not None
    return sort_diagnostics([*result.diagnostics, *checks.run(result.policyset, "p")])


def first_run(root: Path, memo: Memo) -> None:
    """A full check through the CLI's path, which leaves the memo."""
    assert memo.recheck() is None  # nothing remembered yet
    result = load_tree(root, "p", cache=True)
    assert result.policyset is not None
    memo.save(result, [*result.diagnostics, *checks.run(result.policyset, "p")])


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as f:
        f.write(text)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return copy_policies(tmp_path)


def test_edits_rechecked_in_part_equal_a_full_check(root: Path) -> None:
    memo = Memo.open(root, "p", "p")
    first_run(root, memo)
    steps = [
        ("nothing changed", lambda: None),
        ("a comment", lambda: append(root / DONGGUAN, "# 注释\n")),
        ("东莞 below the 广东 floor",
         lambda: set_value_after(root / DONGGUAN, DIBAO, "ratio", "0.60")),
        ("广东's floor above its cities'",
         lambda: set_value_after(root / GUANGDONG, DIBAO, "ratio", "0.95")),
        ("清远's hospital levels out of order",
         lambda: set_value_after(root / QINGYUAN, LEVEL1, "ratio", "0.5")),
        ("广东's floor back", lambda: set_value_after(root / GUANGDONG, DIBAO, "ratio", "0.7")),
        ("东莞 back", lambda: set_value_after(root / DONGGUAN, DIBAO, "ratio", "0.9")),
        ("辰溪县's acknowledged warning no longer fires",
         lambda: replace_in(root / CHENXI, "duration: {value: 90,", "duration: {value: 100,")),
        ("and fires again", lambda: replace_in(root / CHENXI, "{value: 100,", "{value: 90,")),
        ("东莞's file no longer loads", lambda: append(root / DONGGUAN, "rules: [\n")),
        ("and loads again", lambda: replace_in(root / DONGGUAN, "rules: [\n", "")),
        ("广东's file no longer loads: its cities lose their parent",
         lambda: append(root / GUANGDONG, "region: [\n")),
        ("东莞 edited meanwhile", lambda: set_value_after(root / DONGGUAN, DIBAO, "ratio", "0.5")),
        ("广东 loads again", lambda: replace_in(root / GUANGDONG, "region: [\n", "")),
        ("清远 names an unknown parameter",
         lambda: replace_in(root / QINGYUAN, "parameter: resident.inpatient.ratio\n",
                            "parameter: resident.inpatient.ratioo\n")),
        ("and is fixed", lambda: replace_in(root / QINGYUAN, "ratioo\n", "ratio\n")),
    ]
    findings_seen = 0
    for what, edit in steps:
        edit()
        again = memo.recheck()
        assert again is not None, what
        diags, files = again
        expected = full(root)
        assert sort_diagnostics(diags) == expected, what
        assert files == len(list(root.rglob("*.yaml")))
        findings_seen += bool(expected)
    assert findings_seen >= 3  # the comparisons covered sets with findings


@pytest.mark.parametrize("change", ["header", "sources", "catalogue", "new file",
                                    "two files of one region"])
def test_other_changes_need_a_full_check(root: Path, change: str) -> None:
    memo = Memo.open(root, "p", "p")
    first_run(root, memo)
    if change == "header":
        replace_in(root / CHENXI, 'pooling_region: "431200"', 'pooling_region: "431223"')
    elif change == "sources":
        append(root / "sources.yaml", "# 注释\n")
    elif change == "catalogue":
        append(root / "catalogue.yaml", "# 注释\n")
    elif change == "new file":
        shutil.copytree(root / "regions/440000-广东省/441900-东莞市",
                        root / "regions/440000-广东省/441901-新区")
    else:  # 东莞's file stops loading (handled in part), then claims 清远's code
        append(root / DONGGUAN, "rules: [\n")
        assert memo.recheck() is not None
        text = (root / QINGYUAN).read_text(encoding="utf-8")
        (root / DONGGUAN).write_text(text, encoding="utf-8")
    assert memo.recheck() is None


def test_memo_is_ignored_when_corrupt_or_from_other_code(root: Path) -> None:
    memo = Memo.open(root, "p", "p")
    first_run(root, memo)
    assert memo.recheck() is not None
    assert Memo.open(root, "p", "other/p").recheck() is None  # messages name files otherwise
    assert memo.path is not None
    raw = bytearray(memo.path.read_bytes())
    raw[-3] ^= 0xFF
    memo.path.write_bytes(bytes(raw))
    assert memo.recheck() is None


def test_cli_warm_check_prints_what_a_full_check_prints(root: Path) -> None:
    cwd = root.parent
    first = run_cli("check", "policies", "--format", "json", cwd=cwd)
    assert first.returncode == 0, first.stdout
    set_value_after(root / DONGGUAN, DIBAO, "ratio", "0.60")
    warm = run_cli("check", "policies", "--format", "json", cwd=cwd)
    cold = run_cli("check", "policies", "--format", "json", "--no-cache", cwd=cwd)
    assert warm.returncode == cold.returncode == 1
    assert warm.stdout == cold.stdout
    assert any(d["code"] == "R6" for d in json.loads(warm.stdout)["diagnostics"])


def test_synthetic_corpus_edits(tmp_path: Path) -> None:
    """On a generated corpus (three provinces), an edit in a county and one in a
    prefecture, each breaking a floor, found exactly as a full check finds them."""
    root = tmp_path / "corpus"
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "synth.py"), "--regions", "300",
                    "--out", str(root)], check=True, capture_output=True)
    memo = Memo.open(root, "p", "p")
    first_run(root, memo)
    counties = sorted(p for p in root.rglob("region.yaml") if len(p.relative_to(root).parts) == 5)
    prefectures = sorted(p for p in root.rglob("region.yaml")
                         if len(p.relative_to(root).parts) == 4)
    for path in (counties[7], prefectures[3]):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("ratio: 0.", "ratio: 0.0", 3), encoding="utf-8")
        again = memo.recheck()
        assert again is not None
        assert sort_diagnostics(again[0]) == full(root)


def test_findings_for_a_loaded_set_equal_a_full_check(root: Path) -> None:
    """`build` asks the memo about the set it loaded in full: after an edit that
    breaks a floor, the answer is a full check's; after an edit to a header, none."""
    memo = Memo.open(root, "p", "p")
    first_run(root, memo)
    set_value_after(root / DONGGUAN, DIBAO, "ratio", "0.60")
    found = memo.findings(load_tree(root, "p", cache=True))
    assert found is not None and sort_diagnostics(found) == full(root)
    assert any(d.code == "R6" for d in found)
    replace_in(root / CHENXI, 'pooling_region: "431200"', 'pooling_region: "431223"')
    assert memo.findings(load_tree(root, "p", cache=True)) is None
    assert memo.findings(load_tree(root, "p")) is None  # no digests without the cache


def test_every_finding_of_a_region_is_in_its_file(tmp_path: Path) -> None:
    """The property the memo (and the two-process check) rests on: walking one region
    finds only things in that region's file, and all regions walked one by one find
    what the whole check finds, on every example that breaks a rule."""
    from conftest import failing_examples
    from policykit.diagnostics import shown_path

    with_findings = 0
    for root in failing_examples(tmp_path):
        result = load_tree(root, "p")
        ps = result.policyset
        assert ps is not None, root
        whole = checks.run(ps, "p")
        one_by_one: list[Diagnostic] = []
        for code, region in ps.regions.items():
            found = checks.run_regions(ps, "p", frozenset({code}))
            assert {d.file for d in found} <= {shown_path("p", region.file)}, (root, code)
            one_by_one += found
        whole_set = [d for d in whole if d.code in ("R14", "R24")]
        assert sort_diagnostics(one_by_one + whole_set) == sort_diagnostics(whole), root
        with_findings += bool(one_by_one)
    assert with_findings >= 16


def test_the_memo_of_one_day_does_not_answer_for_another(root: Path) -> None:
    """The rules on ages (R27–R29) depend on the check's day, so the memo is kept per
    day: a warm check on another day reports what a full check on that day reports."""
    def check(day: str, *extra: str) -> str:
        res = run_cli("check", str(root), "--at", day, "--format", "json", *extra)
        assert "Traceback" not in res.stderr
        return res.stdout

    late = check("2026-12-04")
    assert '"R27"' in late and check("2026-12-04") == late  # the memo answers
    early = check("2021-09-01")
    assert early == check("2021-09-01", "--no-cache")
    assert '"R27"' not in early and '"R29"' in early  # 德州's plan for 2020-07-01
    assert check("2026-12-04") == late == check("2026-12-04", "--no-cache")
