"""`policykit diff` through the real CLI on a real git repository.

tests/diffrepo.py builds a repository with one tagged commit per kind of change;
each test compares `policykit diff <tag>~1 <tag>` with the exact expected output in
tests/examples/diff/<tag>.{txt,md,json}. Commit ids are replaced by OLD/NEW before
comparing (they are fixed anyway: authors and dates are pinned).

After changing the renderers on purpose, rewrite the expected files with
POLICYKIT_REGEN_DIFF=1 pytest tests/test_diff_git.py, then read every changed file.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import EXAMPLES, CliResult, run_cli
from diffrepo import GIT_ENV, QY, STEPS, build, git

EXPECTED = EXAMPLES / "diff"
FORMATS = {"text": "txt", "markdown": "md", "json": "json"}
REGEN = os.environ.get("POLICYKIT_REGEN_DIFF") == "1"


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("diffrepo") / "repo"
    build(path)
    return path


def diff(repo: Path, *args: str, cwd: Path | None = None) -> CliResult:
    return run_cli("diff", *args, cwd=cwd or repo, env=GIT_ENV)


def masked(repo: Path, text: str, old: str, new: str) -> str:
    for rev, name in ((old, "OLD"), (new, "NEW")):
        sha = git(repo, "rev-parse", f"{rev}^{{commit}}")
        text = text.replace(sha, f"{name}-COMMIT").replace(sha[:12], name)
    return text


def check_expected(name: str, actual: str) -> None:
    path = EXPECTED / name
    if REGEN:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("tag", [tag for tag, _ in STEPS])
def test_each_kind_of_change_exact_output(repo: Path, tag: str, fmt: str) -> None:
    res = diff(repo, f"{tag}~1", tag, "--format", fmt)
    assert res.returncode == 0, res.stderr
    assert res.stderr == ""
    check_expected(f"{tag}.{FORMATS[fmt]}", masked(repo, res.stdout, f"{tag}~1", tag))


def test_expected_files_cover_every_step_and_format() -> None:
    names = {p.name for p in EXPECTED.iterdir()}
    assert names >= {f"{tag}.{ext}" for tag, _ in STEPS for ext in FORMATS.values()}


def test_json_is_sorted_and_versioned(repo: Path) -> None:
    res = diff(repo, "base", "sources", "--format", "json")
    data = json.loads(res.stdout)
    assert data["format"] == "policykit-diff" and data["version"] == 1
    assert res.stdout == json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    kinds = {(c["scope"], c["action"]) for c in data["changes"]}
    assert kinds == {
        ("rule", "changed"), ("parameter", "added"),
        ("parameter", "removed"), ("parameter", "changed"), ("parameter", "renamed"),
        ("dimension", "changed"), ("area", "added"), ("source", "added"),
        ("source", "changed"), ("source", "removed"),
    }
    assert data["total"] == len(data["changes"])


def test_same_revision_has_no_changes(repo: Path) -> None:
    res = diff(repo, "HEAD", "HEAD")
    sha = git(repo, "rev-parse", "HEAD")[:12]
    assert res.returncode == 0
    assert res.stdout == f"policykit diff: HEAD ({sha}) → HEAD ({sha})\n无变化 (no changes)\n"


def test_revision_against_work_tree_folder(repo: Path, tmp_path: Path) -> None:
    work = tmp_path / "work"
    shutil.copytree(repo, work)
    path = work / "policies" / QY
    path.write_text(path.read_text(encoding="utf-8").replace("ratio: 0.9\n", "ratio: 0.95\n"),
                    encoding="utf-8")
    res = diff(work, "HEAD", "policies")
    assert res.returncode == 0, res.stderr
    sha = git(work, "rev-parse", "HEAD")[:12]
    assert res.stdout == (
        f"policykit diff: HEAD ({sha}) → policies\n"
        "共 1 项变化：规则 修改 1 (1 change: rules 1 changed)\n"
        "\n"
        "清远市（441800）\n"
        "  修改 城乡居民基本医疗保险 · 住院报销比例 · 一级医院: 90% → 95%，"
        "2021-08-24 时有效，至 2023-01-01（不含）；起始日期不详，已废止"
        "（来源: 清远市医疗保障局《努力提高医疗保障水平》「一级医院90%」）\n"
        "      policies/regions/440000/441800/region.yaml:30\n"
    )


def test_work_tree_is_untouched(repo: Path) -> None:
    before = git(repo, "status", "--porcelain", "--untracked-files=all")
    head = git(repo, "rev-parse", "HEAD")
    res = diff(repo, "base", "region-added")
    assert res.returncode == 0
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == before == ""
    assert git(repo, "rev-parse", "HEAD") == head
    assert not (repo / "policies" / "regions" / "440000" / "441800" / "441821").exists()


def test_from_a_subdirectory_root_is_relative_to_it(repo: Path) -> None:
    sub = repo / "policies" / "regions"
    res = diff(repo, "base", "entry-added", "--root", "..", cwd=sub)
    top = diff(repo, "base", "entry-added")
    assert res.returncode == 0, res.stderr
    assert res.stdout == top.stdout


def test_rules_in_force_on_two_dates(repo: Path) -> None:
    res = diff(repo, "--at", "2021-12-31", "--at", "2022-01-01", "entry-added")
    sha = git(repo, "rev-parse", "entry-added")[:12]
    assert res.returncode == 0, res.stderr
    assert res.stdout == (
        f"policykit diff: 2021-12-31 @ entry-added ({sha}) → 2022-01-01 @ entry-added ({sha})\n"
        "共 1 项变化：规则 修改 1 (1 change: rules 1 changed)\n"
        "\n"
        "清远市（441800）\n"
        "  修改 城乡居民基本医疗保险 · 住院报销比例 · 三级医院: 60% → 65%，"
        "自 2022-01-01 起，有效"  # a new dated value taking over: 旧值 → 新值，自 日期 起
        "（来源: 清远市医疗保障局《努力提高医疗保障水平》「三级医院60%」 → "
        "清远市医疗保障局《努力提高医疗保障水平》「三级医院65%」）\n"
        "      policies/regions/440000/441800/region.yaml:22 → 27\n"
    )


def test_rules_in_force_inherited_from_the_pooling_region(repo: Path) -> None:
    res = diff(repo, "--at", "2022-12-31", "--at", "2023-01-01", "region-added",
               "--format", "json")
    assert res.returncode == 0, res.stderr
    changes = json.loads(res.stdout)["changes"]
    summary = [(c["key"], c["action"], c["parameter"], dict(c["breakdown"]), c["old_origin"],
                c["new_origin"], [f["name"] for f in c["fields"]]) for c in changes]
    # 2023-01-01: Qingyuan's level-1 ratio is repealed (also for Fogang, which inherits
    # it), and Fogang's own deductible starts, replacing Qingyuan's.
    assert summary == [
        ("441800", "removed", "resident.inpatient.ratio", {"hospital_level": "level1"},
         "441800", None, []),
        ("441821", "changed", "resident.inpatient.deductible", {}, "441800", "441821",
         ["value", "quote", "start", "checked_on", "note", "origin"]),
        ("441821", "removed", "resident.inpatient.ratio", {"hospital_level": "level1"},
         "441800", None, []),
    ]


# -- bad input ---------------------------------------------------------------------------------
def test_unknown_revision_is_a_usage_error(repo: Path) -> None:
    res = diff(repo, "no-such-rev", "HEAD")
    assert res.returncode == 2
    assert res.stdout == ""
    assert res.stderr == ("policykit: 未知的 git 版本 no-such-rev（也不是文件夹） "
                          "(unknown git revision no-such-rev (and not a folder))\n")


def test_revision_without_policies_is_a_usage_error(repo: Path) -> None:
    res = diff(repo, "start", "HEAD")
    assert res.returncode == 2
    assert res.stderr == ("policykit: 版本 start 中没有政策数据文件夹 policies/ "
                          "(revision start has no policy folder policies/)\n")


def test_not_a_folder_outside_git_is_a_usage_error(tmp_path: Path) -> None:
    res = run_cli("diff", "old", "new", cwd=tmp_path, env={**GIT_ENV, "GIT_CEILING_DIRECTORIES": str(tmp_path.parent)})
    assert res.returncode == 2
    assert res.stderr == ("policykit: old 不是文件夹；当前目录也不在 git 仓库中，无法作为版本读取 "
                          "(old is not a folder, and the current directory is not in a git "
                          "repository)\n")


@pytest.mark.parametrize(("args", "zh"), [
    (["HEAD"], "需要两个参数"),
    (["--at", "2021-01-01", "HEAD"], "--at 须给出两次"),
    (["--at", "2021-01-01", "--at", "2021-13-01"], "日期 2021-13-01 无效"),
    (["--at", "2021-01-01", "--at", "2022-01-01", "a", "b"], "使用 --at 时最多给出一个 ROOT"),
    (["HEAD", "HEAD", "--limit", "0"], "--limit 必须大于 0"),
    (["--", "-x", "HEAD"], "无效的版本名"),
])
def test_usage_errors(repo: Path, args: list[str], zh: str) -> None:
    res = diff(repo, *args)
    assert res.returncode == 2
    assert res.stderr.startswith(f"policykit: {zh}")
    assert "Traceback" not in res.stderr


def test_invalid_side_is_reported_not_diffed(repo: Path, tmp_path: Path) -> None:
    work = tmp_path / "work"
    shutil.copytree(repo, work)
    path = work / "policies" / QY
    path.write_text(path.read_text(encoding="utf-8").replace("ratio: 0.9\n", "ratio: 90\n"),
                    encoding="utf-8")
    git(work, "commit", "-q", "-am", "broken")
    sha = git(work, "rev-parse", "HEAD")[:12]
    res = diff(work, "HEAD~1", "HEAD")
    assert res.returncode == 1
    assert res.stdout == (
        f"policykit diff: HEAD ({sha}) 的政策数据有 1 个错误，未比较 "
        f"(the policy data of HEAD ({sha}) has 1 error(s); not compared)\n"
        "policies/regions/440000/441800/region.yaml:33:12: E_RATIO_RANGE error "
        "字段 /rules/2/history/0/ratio 的值 90 不在 0 到 1 之间；比例写成小数，是否应为 0.9（90%）？ "
        "(field /rules/2/history/0/ratio is 90, not between 0 and 1; write ratios as decimals, "
        "did you mean 0.9 (90%)?)\n"
    )
    md = diff(work, "HEAD~1", "HEAD", "--format", "markdown")
    assert md.returncode == 1
    assert md.stdout.startswith(f"### ⚠️ HEAD ({sha}) 的政策数据有 1 个错误，未比较\n")
    js = diff(work, "HEAD~1", "HEAD", "--format", "json")
    data = json.loads(js.stdout)
    assert js.returncode == 1 and data["ok"] is False
    assert [d["code"] for p in data["problems"] for d in p["diagnostics"]] == ["E_RATIO_RANGE"]


def test_symlink_in_a_revision_is_refused(repo: Path, tmp_path: Path) -> None:
    work = tmp_path / "work"
    shutil.copytree(repo, work)
    (work / "policies" / "link.yaml").symlink_to("/etc/passwd")
    git(work, "add", "policies/link.yaml")
    git(work, "commit", "-q", "-m", "link")
    res = diff(work, "HEAD~1", "HEAD")
    assert res.returncode == 1
    assert res.stderr == (
        "policykit: 版本 HEAD 中的 policies/link.yaml 是符号链接；从版本读取时不跟随链接 "
        "(policies/link.yaml in revision HEAD is a symbolic link; links are not followed "
        "when reading a revision)\n")


def _mktree(repo: Path, listing: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "mktree"], cwd=repo, input=listing, capture_output=True,
                          text=True, env={**os.environ, **GIT_ENV})


def test_unsafe_tree_entry_is_refused(repo: Path, tmp_path: Path) -> None:
    work = tmp_path / "work"
    shutil.copytree(repo, work)
    blob = git(work, "rev-parse", "HEAD:policies/catalogue.yaml")
    listing = git(work, "ls-tree", "HEAD:policies")
    # A hand-made tree with an entry named "..": git itself never writes one.
    inner = _mktree(work, f"{listing}\n100644 blob {blob}\t..\n")
    if inner.returncode != 0:
        pytest.skip("this git refuses to make a tree with '..'")
    top = _mktree(work, f"040000 tree {inner.stdout.strip()}\tpolicies\n")
    commit = git(work, "commit-tree", top.stdout.strip(), "-m", "evil")
    res = diff(work, "HEAD", commit)
    assert res.returncode == 1
    assert res.stderr == (f"policykit: 版本 {commit} 中的路径 '..' 不安全，拒绝读取 "
                          f"(unsafe path '..' in revision {commit})\n")
