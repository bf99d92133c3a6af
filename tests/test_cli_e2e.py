"""The CLI as a separate process, the way users, pre-commit and CI start it.

The rest of the suite calls the CLI in the test process (conftest.run_cli), which is
much faster; these tests keep what only a real process shows: the `policykit`
console script and `python -m policykit` with their exit statuses, argparse's
usage errors without a traceback, stderr that is a pipe (no progress bar), a reader
that closes the pipe early, and that the in-process runner gives exactly what a
process gives.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES, REPO, CliResult, run_cli, run_cli_subprocess, run_extract_cli

pytestmark = pytest.mark.e2e

BIN = Path(sys.executable).parent        # where pip put the `policykit` console script
VALID = EXAMPLES / "valid" / "basic"
INVALID = EXAMPLES / "invalid" / "ratio_as_percent_number"
SEED = REPO / "archive" / "002_c6ccd856a7e7a186.txt"


def console(*args: str, cwd: Path | None = None) -> CliResult:
    """`policykit ARGS`, found on PATH as a shell finds it."""
    path = f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"
    return run_cli_subprocess(*args, cwd=cwd, env={"PATH": path}, command=["policykit"])


def rule_failure(tmp_path: Path) -> Path:
    """A data folder (policies/ inside) that breaks consistency rule R6."""
    shutil.copytree(EXAMPLES / "checks" / "_shared" / "policies", tmp_path / "policies")
    shutil.copytree(EXAMPLES / "checks" / "R6" / "fail" / "policies", tmp_path / "policies",
                    dirs_exist_ok=True)
    return tmp_path


def test_console_script_exit_codes(tmp_path: Path) -> None:
    assert shutil.which("policykit", path=str(BIN)), "the console script is not installed"
    ok = console("validate", "policies", cwd=VALID)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout == "" and "检查了" in ok.stderr
    bad = console("validate", "policies", cwd=INVALID)
    assert bad.returncode == 1, bad.stderr
    assert bad.stdout == (INVALID / "expected.txt").read_text(encoding="utf-8")
    assert console("check", "policies", cwd=VALID).returncode == 0
    cwd = rule_failure(tmp_path)
    broken = console("check", "policies", "--strict", "--at", "2022-06-01", cwd=cwd)
    assert broken.returncode == 1, broken.stderr
    assert broken.stdout == (EXAMPLES / "checks" / "R6" / "fail" / "expected.txt").read_text(
        encoding="utf-8")
    missing = console("check", str(tmp_path / "nope"))
    assert missing.returncode == 2
    assert "找不到政策数据文件夹" in missing.stderr and "Traceback" not in missing.stderr


def test_usage_errors_exit_2_without_a_traceback() -> None:
    for args in ([], ["validate", "--format", "xml"], ["no-such-command"]):
        res = console(*args)
        assert res.returncode == 2, args
        assert res.stderr.startswith("usage: policykit"), res.stderr
        assert "Traceback" not in res.stderr and res.stdout == ""


def test_python_dash_m_policykit() -> None:
    res = run_cli_subprocess("--help")
    assert res.returncode == 0 and res.stderr == ""
    assert res.stdout.startswith("usage: policykit")
    assert run_cli_subprocess("validate", "policies", cwd=VALID).returncode == 0
    assert run_cli_subprocess("validate", "policies", cwd=INVALID).returncode == 1


def test_progress_bar_is_not_drawn_into_a_pipe() -> None:
    """stderr is a pipe here, not a terminal: no bar, even on a load that parses every
    file (`--no-cache`); the bytes are read as they are ("\\r" would show)."""
    res = console("check", "policies", "--no-cache")
    assert res.returncode == 0, res.stderr
    assert "\r" not in res.stderr and "loading" not in res.stderr


@pytest.mark.parametrize("args", [["codes"], ["check", "policies", "--format", "json"]])
def test_reader_closing_the_pipe_is_not_an_error(args: list[str]) -> None:
    """`policykit codes | head -1`: the reader goes away before the output is written."""
    path = f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"
    with subprocess.Popen(["policykit", *args], cwd=REPO, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, env={**os.environ, "PATH": path}) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()
        err = proc.stderr.read().decode("utf-8")
        assert proc.wait(timeout=600) == 0, err
    assert "Traceback" not in err and "BrokenPipeError" not in err


CASES = {
    "valid": (["validate", "policies"], VALID),
    "invalid": (["validate", "policies", "--format", "github"], INVALID),
    "rule-failure-json": (["check", "policies", "--strict", "--format", "json"], None),
    "usage-error": (["validate", "nope"], VALID),
    "argparse-error": (["check", "--jobs", "x"], VALID),
    "help": (["diff", "--help"], VALID),
}


@pytest.mark.parametrize("case", list(CASES))
def test_in_process_runner_gives_what_a_process_gives(case: str, tmp_path: Path) -> None:
    args, cwd = CASES[case]
    cwd = cwd or rule_failure(tmp_path)
    inside, outside = run_cli(*args, cwd=cwd), run_cli_subprocess(*args, cwd=cwd)
    assert (inside.returncode, inside.stdout, inside.stderr) == (
        outside.returncode, outside.stdout, outside.stderr)
    assert outside.stdout or outside.stderr


def test_extract_standalone_entry_in_a_process_and_in_process() -> None:
    """`python -m policykit.cli.extract FILE`, which test_extract_cli calls in-process."""
    outside = run_cli_subprocess(str(SEED), "--format", "json",
                                 command=[sys.executable, "-m", "policykit.cli.extract"])
    assert outside.returncode == 0, outside.stderr
    assert json.loads(outside.stdout)["counts"]["rule"] > 0
    inside = run_extract_cli(str(SEED), "--format", "json")
    assert (inside.returncode, inside.stdout, inside.stderr) == (
        outside.returncode, outside.stdout, outside.stderr)
