"""Hardening, class 5: no Python traceback for any input, folder, option or environment
the adversarial run tried: nesting 900–100,000 deep, integer/null keys and `!!set`
(jsonschema_rs raised on the default path), a region file linked to itself (in
tests/test_hardening_dropped.py, also `diff`), a non-UTF-8 folder name (the same
module), `--as-of` past 2107 (the zip header), and stdout on a full disk."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import POLICIES, REPO, run_cli

REGION = Path("regions/430000-湖南省/431200-怀化市/431223-辰溪县/region.yaml")


def _tree(tmp_path: Path, old: str = "", new: str = "") -> Path:
    root = tmp_path / "policies"
    shutil.copytree(POLICIES, root)
    if old:
        path = root / REGION
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return root


@pytest.mark.parametrize("depth, code", [(900, "E_YAML_DEPTH"), (990, "E_YAML_DEPTH"),
                                          (100_000, "E_YAML_SYNTAX")])
@pytest.mark.parametrize("flags", [[], ["--exact"]])
def test_deep_nesting_is_a_diagnostic(tmp_path: Path, depth: int, code: str,
                                      flags: list[str]) -> None:
    _tree(tmp_path, "  level: county\n", "  level: county\n  x: " + "[" * depth + "]" * depth + "\n")
    res = run_cli("validate", "policies", *flags, cwd=tmp_path)
    assert "Traceback" not in res.stderr, res.stderr[-2000:]
    assert res.returncode == 1
    assert f"policies/{REGION.as_posix()}:11:" in res.stdout and code in res.stdout


@pytest.mark.parametrize("line, code", [
    ("  1: x\n", "E_YAML_KEY"), ("  null: x\n", "E_YAML_KEY"), ("  ~: x\n", "E_YAML_KEY"),
    ("  x: !!set {a, b}\n", "E_YAML_TAG"), ("  [a, b]: c\n", "E_YAML_KEY"),
    ("  x: !!int\n", "E_YAML_TAG"), ("  x: !custom prefecture\n", "E_YAML_TAG"),
])
@pytest.mark.parametrize("flags", [[], ["--exact"]])
def test_odd_keys_and_tags_are_diagnostics(tmp_path: Path, line: str, code: str,
                                           flags: list[str]) -> None:
    _tree(tmp_path, "  level: county\n", "  level: county\n" + line)
    res = run_cli("validate", "policies", *flags, cwd=tmp_path)
    assert "Traceback" not in res.stderr, res.stderr[-2000:]
    assert res.returncode == 1
    col = 6 if code == "E_YAML_TAG" else 3
    assert res.stdout.startswith(f"policies/{REGION.as_posix()}:11:{col}: {code} error"), res.stdout
    assert "tag:yaml.org" not in res.stdout  # tags as written: !!set, !!int


def test_complex_key_message_names_the_key_not_a_tag(tmp_path: Path) -> None:
    _tree(tmp_path, "  level: county\n", "  level: county\n  [a, b]: c\n")
    res = run_cli("validate", "policies", cwd=tmp_path)
    assert "complex-key" not in res.stdout and "键 […] 不是文本" in res.stdout


@pytest.mark.parametrize("day", ["2108-01-01", "9999-12-31"])
def test_as_of_past_the_zip_years_exports(tmp_path: Path, day: str) -> None:
    _tree(tmp_path)
    res = run_cli("export", "policies", "--out", "out", "--as-of", day, cwd=tmp_path)
    assert "Traceback" not in res.stderr, res.stderr[-2000:]
    assert res.returncode == 0
    assert (tmp_path / "out" / "downloads" / "policykit.xlsx").is_file()


@pytest.mark.e2e
@pytest.mark.parametrize("args", [["show", "431223", "policies"],
                                  ["check", "policies", "--format", "json"],
                                  ["validate", "policies", "--format", "json"]])
def test_stdout_on_a_full_disk_is_a_message(tmp_path: Path, args: list[str]) -> None:
    _tree(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    with open("/dev/full", "w") as full:
        res = subprocess.run([sys.executable, "-m", "policykit", *args], cwd=tmp_path,
                             stdout=full, stderr=subprocess.PIPE, text=True, env=env,
                             timeout=600)
    assert "Traceback" not in res.stderr and "Exception ignored" not in res.stderr, res.stderr
    assert res.returncode == 1
    assert "无法写出结果" in res.stderr and "cannot write the output" in res.stderr


@pytest.mark.e2e
def test_ascii_stdout_is_no_traceback(tmp_path: Path) -> None:
    _tree(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "PYTHONIOENCODING": "ascii"}
    res = subprocess.run([sys.executable, "-m", "policykit", "show", "431223", "policies"],
                         cwd=tmp_path, capture_output=True, text=True, env=env, timeout=600)
    assert "Traceback" not in res.stderr, res.stderr
    assert res.returncode == 0 and "431223" in res.stdout


@pytest.mark.parametrize("old, new, code", [
    ("  level: county\n", "  level: county\n  x: " + "[" * 900 + "]" * 900 + "\n", "E_YAML_DEPTH"),
    ("  level: county\n", "  level: county\n  1: x\n", "E_YAML_KEY"),
    ("  level: county\n", "  level: county\n  # \x00\n", "E_YAML_CONTROL"),
    ("  level: county\n", "  level: county\n  x: !!set {a, b}\n", "E_YAML_TAG"),
])
def test_build_and_export_refuse_the_same_inputs_without_a_traceback(
        tmp_path: Path, old: str, new: str, code: str) -> None:
    """`build` and `export` load as `validate` does: the same bad files are diagnostics
    (exit 1, the file and line), nothing is written, and no traceback."""
    _tree(tmp_path, old, new)
    for command in (["build", "policies", "--config", str(REPO / "mkdocs.yml"), "--out", "site"],
                    ["export", "policies", "--out", "out"]):
        res = run_cli(*command, cwd=tmp_path)
        assert "Traceback" not in res.stderr + res.stdout, (res.stderr + res.stdout)[-2000:]
        assert res.returncode == 1, (command, res.stdout, res.stderr)
        assert f"policies/{REGION.as_posix()}:11:" in res.stdout + res.stderr, command
        assert code in res.stdout + res.stderr, command
        assert not (tmp_path / command[-1]).exists(), command
