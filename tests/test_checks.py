"""Consistency rules: one failing and one passing policy set per rule, through the real CLI.

Each case in tests/examples/checks/<rule>/{fail,pass}/policies/ is laid over the shared
minimal set in tests/examples/checks/_shared/policies/ (a case may replace any shared
file) and checked with `policykit check policies --strict --at DAY` (in-process,
conftest.run_cli), DAY from the case's at.txt or EXAMPLES_DAY: the rules on ages (R27–R29)
measure from the check's day, so a case's output must not depend on the day it runs;
the output must equal expected.txt exactly (file, line, column, rule id, message).
Regenerate an expected.txt after a deliberate message change with
`POLICYKIT_REGEN=1 pytest tests/test_checks.py` and review the diff.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from conftest import EXAMPLES, run_cli
from policykit.check import registry
from policykit.check import run as checks
from policykit.check.context import Reporter
from policykit.check.rule import Rule

CASES_ROOT = EXAMPLES / "checks"
SHARED = CASES_ROOT / "_shared" / "policies"
CASES = sorted(p for p in CASES_ROOT.glob("*/*") if p.is_dir() and p.parent.name != "_shared")
REGEN = os.environ.get("POLICYKIT_REGEN") == "1"
# The check's day of the examples without an at.txt: their data are dated 2019–2025, and
# on this day none of them is old enough for the rules on ages (R27–R29).
EXAMPLES_DAY = "2022-06-01"


def check_day(case: Path) -> str:
    at = case / "at.txt"
    return at.read_text(encoding="utf-8").strip() if at.is_file() else EXAMPLES_DAY


def lay_out(case: Path, tmp_path: Path) -> Path:
    root = tmp_path / "policies"
    shutil.copytree(SHARED, root)
    shutil.copytree(case / "policies", root, dirs_exist_ok=True)
    return tmp_path


def fatal(line: str) -> bool:
    return (" error " in line or " warning " in line) and "[已确认 acknowledged:" not in line


@pytest.mark.parametrize("case", CASES, ids=[f"{p.parent.name}-{p.name}" for p in CASES])
def test_example_exact_output(case: Path, tmp_path: Path) -> None:
    cwd = lay_out(case, tmp_path)
    res = run_cli("check", "policies", "--strict", "--at", check_day(case), cwd=cwd)
    assert "Traceback" not in res.stderr
    expected_file = case / "expected.txt"
    if REGEN:
        expected_file.write_text(res.stdout, encoding="utf-8")
    expected = expected_file.read_text(encoding="utf-8")
    assert res.stdout == expected
    lines = expected.splitlines()
    assert res.returncode == (1 if any(fatal(x) for x in lines) else 0), res.stderr
    codes = {x.split(": ", 1)[1].split(" ", 1)[0] for x in lines}
    rule = case.parent.name
    if case.name == "fail":
        # a failing example breaks its own rule, and (to stay focused) no other rule
        if rule in registry.RULES_BY_ID:
            assert codes == {rule}, f"{case}: {codes}"
        else:
            assert codes
    else:
        assert all(not fatal(x) for x in lines)
        if rule in registry.RULES_BY_ID:
            assert lines == []


def test_every_rule_has_a_failing_and_a_passing_example() -> None:
    names = {p.parent.name for p in CASES}
    for rule in registry.RULES:
        assert (CASES_ROOT / rule.id / "fail").is_dir(), rule.id
        assert (CASES_ROOT / rule.id / "pass").is_dir(), rule.id
    assert len(registry.RULES) >= 16
    assert names - {r.id for r in registry.RULES} == {"acknowledge"}


def test_rule_catalogue_is_complete_and_stable() -> None:
    ids = [r.id for r in registry.RULES]
    assert len(ids) == len(set(ids))
    assert all(i.startswith("R") and 1 <= int(i[1:]) <= 30 for i in ids)
    for r in registry.RULES:
        assert r.severity in ("error", "warning", "info")
        assert r.title_zh and r.title_en and r.rationale and r.example, r.id
        assert "依据" in r.rationale, f"{r.id}: the rationale names its source"


# -- acknowledgements and --strict ---------------------------------------------------------
def test_acknowledged_warning_is_shown_and_not_fatal_under_strict(tmp_path: Path) -> None:
    cwd = lay_out(CASES_ROOT / "acknowledge" / "pass", tmp_path)
    res = run_cli("check", "policies", "--at", EXAMPLES_DAY, "--strict", "--format", "json", cwd=cwd)
    payload = json.loads(res.stdout)
    assert res.returncode == 0 and payload["ok"] is True
    [d] = payload["diagnostics"]
    assert d["code"] == "R5" and d["acknowledged"] == "原文如此，退休人员另有补充医疗保险"


def test_warning_without_acknowledgement_is_fatal_only_under_strict(tmp_path: Path) -> None:
    cwd = lay_out(CASES_ROOT / "R5" / "fail", tmp_path)
    assert run_cli("check", "policies", "--at", EXAMPLES_DAY, cwd=cwd).returncode == 0
    assert run_cli("check", "policies", "--at", EXAMPLES_DAY, "--strict", cwd=cwd).returncode == 1


def test_github_annotations(tmp_path: Path) -> None:
    cwd = lay_out(CASES_ROOT / "R6" / "fail", tmp_path)
    res = run_cli("check", "policies", "--at", EXAMPLES_DAY, "--format", "github", cwd=cwd)
    assert res.returncode == 1
    first = res.stdout.splitlines()[0]
    assert first.startswith(
        "::error file=policies/regions/000000/440000/441900/region.yaml,line=12,col=16,title=R6 error::")
    assert "广东省的底线 65%" in res.stdout


def test_json_shape(tmp_path: Path) -> None:
    cwd = lay_out(CASES_ROOT / "R4" / "fail", tmp_path)
    res = run_cli("check", "policies", "--at", EXAMPLES_DAY, "--format", "json", cwd=cwd)
    payload = json.loads(res.stdout)
    assert set(payload) == {"version", "ok", "counts", "diagnostics"}
    assert payload["version"] == 1 and payload["ok"] is False
    assert payload["counts"] == {"error": 3, "warning": 1, "info": 0}
    d = payload["diagnostics"][0]
    assert set(d) == {"code", "severity", "file", "line", "col", "pointer", "message_zh",
                      "message_en", "acknowledged"}
    assert (d["code"], d["file"], d["line"], d["pointer"]) == (
        "R4", "policies/regions/000000/440000/441800/region.yaml", 12, "/rules/0/history/0/ratio")


def test_check_tree_is_what_the_command_reports(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """`policykit check` is one library call: `check_tree` gives the diagnostics and the
    file count the command prints, with the memo (a second run answered from it) and
    without."""
    from policykit.check.tree import check_tree
    from policykit.diagnostics import sort_diagnostics

    monkeypatch.setenv("POLICYKIT_CACHE_DIR", str(tmp_path / "cache"))
    cwd = lay_out(CASES_ROOT / "R4" / "fail", tmp_path)
    res = run_cli("check", "policies", "--at", EXAMPLES_DAY, "--format", "json", "--no-cache", cwd=cwd)
    printed = json.loads(res.stdout)["diagnostics"]
    root = cwd / "policies"
    full = check_tree(root, "policies", use_memo=False, day=EXAMPLES_DAY)
    assert [d.to_json() for d in sort_diagnostics(full.diagnostics)] == printed
    assert full.files == len(list(root.rglob("*.yaml")))
    assert not (tmp_path / "cache").exists()            # use_memo=False keeps nothing
    first = check_tree(root, "policies", day=EXAMPLES_DAY)  # a full run, which keeps the memo
    assert sort_diagnostics(first.diagnostics) == sort_diagnostics(full.diagnostics)

    def no_rules(*args: object, **kwargs: object) -> None:
        raise AssertionError("the memo should have answered")

    monkeypatch.setattr(checks, "run", no_rules)
    again = check_tree(root, "policies", day=EXAMPLES_DAY)  # answered from the memo
    assert sort_diagnostics(again.diagnostics) == sort_diagnostics(full.diagnostics)
    assert again.files == full.files


# -- robustness ---------------------------------------------------------------------------
def test_crash_is_reported_with_the_other_findings(monkeypatch: pytest.MonkeyPatch,
                                                   tmp_path: Path) -> None:
    from policykit import load_tree

    def half(rep: Reporter) -> object:
        yield from registry.RULES_BY_ID["R6"].fn(rep)
        raise RuntimeError("after the findings")

    monkeypatch.setattr(checks, "RULES", [Rule("R98", "error", "半", "Half", "依据：测试",
                                               half, "x"), *checks.RULES])
    cwd = lay_out(CASES_ROOT / "R6" / "fail", tmp_path)
    ps = load_tree(cwd / "policies").policyset
    assert ps is not None
    codes = sorted(d.code for d in checks.run(ps, "policies", day=EXAMPLES_DAY))
    # R98 yields R98-coded copies of R6's three findings, then crashes; R6 still runs
    assert codes == ["E_CHECK_FAILED", "R6", "R6", "R6", "R98", "R98", "R98"]


def test_bad_sources_folder_is_a_usage_error(tmp_path: Path) -> None:
    cwd = lay_out(CASES_ROOT / "R1" / "pass", tmp_path)
    res = run_cli("check", "policies", "--at", EXAMPLES_DAY, "--sources", "nowhere", cwd=cwd)
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert "nowhere" in res.stderr


# -- S1, S2: quotes in archived sources --------------------------------------------------------
def _add_source_fields(cwd: Path, fields: str) -> Path:
    """Append lines to the shared source s1 (or new sources) and make cwd/archive."""
    src = cwd / "policies" / "sources.yaml"
    src.write_text(src.read_text(encoding="utf-8") + fields, encoding="utf-8")
    archive = cwd / "archive"
    archive.mkdir(exist_ok=True)
    return archive


def test_quotes_checked_against_archived_text(tmp_path: Path) -> None:
    cwd = lay_out(CASES_ROOT / "R1" / "pass", tmp_path)
    archive = _add_source_fields(cwd, "    seed: notice.txt\n")
    (archive / "notice.txt").write_text("总费率8%，单位6%。", encoding="utf-8")
    res = run_cli("check", "policies", "--at", EXAMPLES_DAY, "--sources", "archive", cwd=cwd)
    assert res.returncode == 1, res.stderr
    [line] = res.stdout.splitlines()
    assert line.startswith("policies/regions/000000/440000/441800/region.yaml:27:16: S1 error ")
    assert "个人2%" in line and "逐字比较" in line
    (archive / "notice.txt").write_text("总费率8%，单位6%，个人2%。", encoding="utf-8")
    res = run_cli("check", "policies", "--at", EXAMPLES_DAY, "--sources", "archive", cwd=cwd)
    assert res.returncode == 0 and res.stdout == "", res.stdout
    (archive / "notice.txt").unlink()
    res = run_cli("check", "policies", "--at", EXAMPLES_DAY, "--sources", "archive", cwd=cwd)
    assert res.returncode == 1
    assert "policies/sources.yaml:8:11: S1 error" in res.stdout


def test_only_the_declared_normalisation_applies(tmp_path: Path) -> None:
    """A pinyin gloss in the archive hides the quote unless the source declares
    strip-pinyin-glosses; nothing else is folded (a line break, traditional characters
    or full-width digits still differ from the quote)."""
    cwd = lay_out(CASES_ROOT / "R1" / "pass", tmp_path)
    archive = _add_source_fields(cwd, "    seed: notice.txt\n")
    (archive / "notice.txt").write_text("总(zǒng)费率8%，单位6%，个人2%。", encoding="utf-8")
    res = run_cli("check", "policies", "--at", EXAMPLES_DAY, "--sources", "archive", cwd=cwd)
    assert [ln.split(" S1 ")[0] for ln in res.stdout.splitlines()] == [
        "policies/regions/000000/440000/441800/region.yaml:13:16:"]
    _add_source_fields(cwd, "    quote_normalisation: strip-pinyin-glosses\n")
    res = run_cli("check", "policies", "--at", EXAMPLES_DAY, "--sources", "archive", cwd=cwd)
    assert res.returncode == 0 and res.stdout == "", res.stdout
    for archived in ("总(zǒng)费率8%，单位6%，个\n人2%。", "总(zǒng)费率8%，單位6%，个人2%。",
                     "总(zǒng)费率８%，单位6%，个人2%。"):
        (archive / "notice.txt").write_text(archived, encoding="utf-8")
        res = run_cli("check", "policies", "--at", EXAMPLES_DAY, "--sources", "archive", cwd=cwd)
        assert res.returncode == 1 and res.stdout.count(" S1 error ") == 1, archived
        assert "已按 strip-pinyin-glosses 处理存档原文" in res.stdout


def test_quote_without_archived_text_is_reported_not_skipped(tmp_path: Path) -> None:
    cwd = lay_out(CASES_ROOT / "R1" / "pass", tmp_path)
    _add_source_fields(cwd, "")
    res = run_cli("check", "policies", "--at", EXAMPLES_DAY, "--sources", "archive", cwd=cwd)
    assert res.returncode == 0  # warnings only
    lines = res.stdout.splitlines()
    assert [ln.split(" S2 ")[0] for ln in lines] == [
        f"policies/regions/000000/440000/441800/region.yaml:{n}:16:" for n in (13, 20, 27)]
    assert all("没有存档原文" in ln and "s1" in ln for ln in lines)
    res = run_cli("check", "policies", "--at", EXAMPLES_DAY, "--sources", "archive", "--strict", cwd=cwd)
    assert res.returncode == 1


def test_quotes_checked_via_the_copy_they_were_verified_against(tmp_path: Path) -> None:
    cwd = lay_out(CASES_ROOT / "R1" / "pass", tmp_path)
    archive = _add_source_fields(cwd, (
        "    via: copy\n"
        "  - {id: copy, title: 转载, issuer: 第三方, kind: secondary, seed: copy.txt}\n"))
    (archive / "copy.txt").write_text("总费率8%，单位6%。", encoding="utf-8")
    res = run_cli("check", "policies", "--at", EXAMPLES_DAY, "--sources", "archive", cwd=cwd)
    [line] = res.stdout.splitlines()
    assert ":27:16: S1 error " in line and "经由 copy" in line and "copy.txt" in line
    (archive / "copy.txt").write_text("总费率8%，单位6%，个人2%。", encoding="utf-8")
    assert run_cli("check", "policies", "--at", EXAMPLES_DAY, "--sources", "archive", cwd=cwd).stdout == ""
    src = cwd / "policies" / "sources.yaml"
    src.write_text(src.read_text(encoding="utf-8").replace("via: copy", "via: nowhere"),
                   encoding="utf-8")
    res = run_cli("check", "policies", "--at", EXAMPLES_DAY, "--sources", "archive", cwd=cwd)
    [line] = res.stdout.splitlines()
    assert line.startswith("policies/sources.yaml:8:10: S1 error ") and "nowhere" in line
