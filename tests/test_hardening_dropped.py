"""Hardening, class 1: nothing is dropped silently. A NUL byte, a folder that cannot be
listed, a link that leads nowhere or in a loop and a name that is not UTF-8 each become
a diagnostic (exit 1), on the default and the exact path alike; before, the region (or
the rules after a NUL) vanished from `validate`, `check` and the exports with exit 0."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import EXAMPLES, run_cli
from policykit.loader import build as repository

REGION = Path("regions") / "440000" / "441800" / "region.yaml"


def _tree(tmp_path: Path) -> Path:
    root = tmp_path / "policies"
    shutil.copytree(EXAMPLES / "valid" / "basic" / "policies", root)
    return root


@pytest.mark.parametrize("command", [["validate"], ["validate", "--exact"], ["check"]])
def test_nul_byte_in_a_comment_is_an_error_not_a_cut(tmp_path: Path, command: list[str]) -> None:
    root = _tree(tmp_path)
    path = root / REGION
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\n", "  # 注释\x00\n", 1), encoding="utf-8")
    res = run_cli(command[0], "policies", *command[1:], cwd=tmp_path)
    assert res.returncode == 1, res.stdout
    assert "Traceback" not in res.stderr
    assert f"policies/{REGION.as_posix()}:1:" in res.stdout and "E_YAML_CONTROL" in res.stdout
    assert "U+0000" in res.stdout


def test_unlistable_folder_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _tree(tmp_path)
    real_scandir = os.scandir
    blocked = str(root / "regions" / "440000")

    def scandir(path: object = ".") -> object:
        if str(path) == blocked:
            raise PermissionError(13, "Permission denied", blocked)
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", scandir)
    result = repository.load_tree(root, "policies")
    codes = [(d.code, d.file) for d in result.diagnostics]
    assert ("E_FOLDER", "policies/regions/440000") in codes
    assert not result.ok


def test_unlistable_root_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _tree(tmp_path)
    real_scandir = os.scandir

    def scandir(path: object = ".") -> object:
        if str(path) == str(root):
            raise PermissionError(13, "Permission denied", str(root))
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", scandir)
    result = repository.load_tree(root, "policies")
    assert [d.code for d in result.diagnostics if d.code == "E_FOLDER"] == ["E_FOLDER"]
    assert not result.ok


def test_dangling_symlink_is_reported(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    path = root / REGION
    path.rename(path.with_name("region.yaml.old"))
    path.with_name("region.yaml.old").unlink()
    os.symlink("region.yaml.old", path)
    res = run_cli("validate", "policies", cwd=tmp_path)
    assert res.returncode == 1 and "Traceback" not in res.stderr
    assert res.stdout.startswith(
        f"policies/{REGION.as_posix()}:1:1: E_SYMLINK_BROKEN error 符号链接无法跟随（region.yaml.old）")


@pytest.mark.parametrize("command", [["validate"], ["check"], ["diff", "policies", "policies"]])
def test_symlink_loop_is_reported(tmp_path: Path, command: list[str]) -> None:
    root = _tree(tmp_path)
    path = root / REGION
    path.unlink()
    os.symlink("region.yaml", path)
    args = command if len(command) > 1 else [command[0], "policies"]
    res = run_cli(*args, cwd=tmp_path)
    assert "Traceback" not in res.stderr, res.stderr
    assert res.returncode == 1, (res.stdout, res.stderr)
    assert "E_SYMLINK_BROKEN" in res.stdout + res.stderr
    assert "链接成环" in res.stdout + res.stderr


def test_non_utf8_folder_name_is_reported(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    bad = os.fsencode(root / "regions") + b"/44\xff"
    os.makedirs(bad)
    shutil.copy(root / "regions" / "440000" / "region.yaml", bad + b"/region.yaml")
    for command in (["validate", "policies"], ["check", "policies"]):
        res = run_cli(*command, cwd=tmp_path)
        assert "Traceback" not in res.stderr, res.stderr
        assert res.returncode == 1
        assert "policies/regions/44\\xff:1:1: E_PATH_ENCODING" in res.stdout
