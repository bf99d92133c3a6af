"""The pull-request workflow and the pre-commit hooks: valid files, real commands."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys

import pytest
import yaml

from conftest import EXAMPLES, REPO, run_cli
from policykit.cli import main as cli

WORKFLOW = REPO / ".github" / "workflows" / "policykit.yml"
HOOKS = REPO / ".pre-commit-hooks.yaml"


def test_workflow_passes_the_github_workflow_schema() -> None:
    pytest.importorskip("check_jsonschema")
    res = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows",
         str(WORKFLOW)], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout + res.stderr


def _steps() -> list[dict[str, object]]:
    wf = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    (job,) = wf["jobs"].values()
    return list(job["steps"])


def _policykit_args(run: str, env: dict[str, str]) -> list[str]:
    """The policykit arguments of a one-line `run:`, variables expanded, redirect dropped."""
    command = run.split(">>", 1)[0]
    for name, value in env.items():
        command = command.replace(f"${{{name}}}", value).replace(f"${name}", value)
    words = shlex.split(command)
    assert words[0] == "policykit", run
    return words[1:]


def test_workflow_checks_with_annotations_and_writes_the_diff_summary() -> None:
    steps = _steps()
    checkout = next(s for s in steps if str(s.get("uses", "")).startswith("actions/checkout"))
    assert checkout["with"] == {"fetch-depth": 0}
    runs = [s for s in steps if "policykit" in str(s.get("run", ""))
            and not str(s["run"]).startswith("python")]
    check, diff = runs
    assert _policykit_args(str(check["run"]), {}) == ["check", "--format", "github"]
    assert str(diff["run"]).rstrip().endswith('>> "$GITHUB_STEP_SUMMARY"')
    assert "pull_request" in str(diff["if"])
    args = _policykit_args(str(diff["run"]), {"BASE_REF": "main"})
    assert args == ["diff", "origin/main", "HEAD", "--format", "markdown"]
    # Both command lines are accepted by the real argument parser.
    for a in (_policykit_args(str(check["run"]), {}), args):
        assert callable(cli.parser().parse_args(a).func)


def test_pre_commit_hooks_run_policykit_on_the_whole_folder() -> None:
    hooks = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    assert [h["id"] for h in hooks] == ["policykit-validate", "policykit-check"]
    for hook in hooks:
        assert {"id", "name", "entry", "language"} <= set(hook)
        assert hook["language"] == "python" and hook["pass_filenames"] is False
        files = re.compile(hook["files"])
        assert files.search("policies/regions/440000/region.yaml")
        assert files.search("catalogue.yml")
        assert not files.search("README.md") and not files.search("region.yaml.bak")
        words = shlex.split(hook["entry"])
        assert words[0] == "policykit"
        # The hook as pre-commit runs it: the entry, in a data repository's root.
        res = run_cli(*words[1:], cwd=EXAMPLES / "valid" / "basic")
        assert res.returncode == 0, res.stdout + res.stderr
