"""Hardening, class 6: special files are refused by their type before anything opens
them. A FIFO named region.yaml made `validate` and `check` wait forever; a FIFO, a
socket or a device is now E_SPECIAL_FILE, found by discovery and, should the name be
swapped after discovery, by the reader on the open descriptor."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES, REPO
from policykit.loader.readfile import load_file

REGION = Path("regions") / "440000" / "441800" / "region.yaml"


def _tree(tmp_path: Path) -> Path:
    root = tmp_path / "policies"
    shutil.copytree(EXAMPLES / "valid" / "basic" / "policies", root)
    (root / REGION).unlink()
    return root


def _cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    # A hang is the bug: the timeout turns it into a failure instead of a stuck suite.
    return subprocess.run([sys.executable, "-m", "policykit", *args], cwd=tmp_path,
                          capture_output=True, text=True, env=env, timeout=120)


@pytest.mark.e2e
@pytest.mark.parametrize("command", [["validate"], ["validate", "--exact"], ["check"],
                                     ["show", "441800"]])
def test_fifo_named_region_yaml_is_refused_not_waited_on(tmp_path: Path,
                                                         command: list[str]) -> None:
    root = _tree(tmp_path)
    os.mkfifo(root / REGION)
    args = [command[0], *command[1:], "policies"] if command[0] == "show" else [
        command[0], "policies", *command[1:]]
    res = _cli(tmp_path, *args)
    assert "Traceback" not in res.stderr, res.stderr
    assert res.returncode == 1, (res.stdout, res.stderr)
    assert (f"policies/{REGION.as_posix()}:1:1: E_SPECIAL_FILE error 这是命名管道（FIFO），"
            "不是普通文件") in res.stdout + res.stderr


def test_socket_named_region_yaml_is_refused(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    os.chdir(root / REGION.parent)  # AF_UNIX paths are short: bind a relative name
    try:
        with socket.socket(socket.AF_UNIX) as sock:
            sock.bind("region.yaml")
            from policykit.loader.build import load_tree
            result = load_tree(root, "policies")
    finally:
        os.chdir(REPO)
    assert [(d.code, d.file) for d in result.diagnostics if d.code == "E_SPECIAL_FILE"] == [
        ("E_SPECIAL_FILE", f"policies/{REGION.as_posix()}")]
    assert "套接字" in result.diagnostics[0].message_zh or any(
        "套接字" in d.message_zh for d in result.diagnostics)


def test_reader_refuses_a_fifo_swapped_in_after_discovery(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    os.mkfifo(root / REGION)
    fr = load_file(root, REGION.as_posix(), "policies")  # would block on open() before
    assert [d.code for d in fr.diagnostics] == ["E_SPECIAL_FILE"] and fr.data is None


def test_cache_digest_does_not_open_a_fifo(tmp_path: Path) -> None:
    from policykit.loader.build import load_tree

    root = _tree(tmp_path)
    os.mkfifo(root / REGION)
    result = load_tree(root, "policies", cache=tmp_path / "cache", jobs=1)
    assert any(d.code == "E_SPECIAL_FILE" for d in result.diagnostics)
