"""Hardening, class 10: nothing from the data drives the terminal. An escaped BEL or
ESC in a name (`"\\a"`, `"\\e[31m"` in YAML) is valid data, but `show` printed it raw;
a newline in a path or id split a one-line diagnostic in the text format (the github
format escaped it). Every printed string now shows such characters as escapes; JSON
escapes them itself."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from conftest import POLICIES, run_cli
from policykit.diagnostics import Diagnostic, format_github, format_text, printable

REGION = Path("regions/430000-湖南省/431200-怀化市/431223-辰溪县/region.yaml")
RAW = ["\x07", "\x1b", "\x9b", "\u202e", "\r", "\n", "\x00"]


def _tree(tmp_path: Path, old: str, new: str) -> Path:
    root = tmp_path / "policies"
    shutil.copytree(POLICIES, root)
    # the names here are made unprintable on purpose; the registry would (rightly) reject
    # them as disagreeing with it, and it is not what these tests are about
    shutil.rmtree(root / "registry")
    path = root / REGION
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return root


def _clean(text: str, keep_newlines: bool = True) -> bool:
    bad = [c for c in RAW if not (keep_newlines and c == "\n")]
    return not any(c in text for c in bad)


def test_show_escapes_control_characters_in_names(tmp_path: Path) -> None:
    _tree(tmp_path, "name: {zh: 辰溪县,", 'name: {zh: "辰溪\\a\\e[31m县\\u202e\\r\\n",')
    assert run_cli("validate", "policies", cwd=tmp_path).returncode == 0
    res = run_cli("show", "431223", "policies", "--at", "2025-01-01", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert _clean(res.stdout)
    first = res.stdout.splitlines()[0]
    assert first.startswith("辰溪\\x07\\x1b[31m县\\u202e\\r\\n（431223）")
    data = json.loads(run_cli("show", "431223", "policies", "--format", "json",
                              cwd=tmp_path).stdout)
    assert data["region"]["name"]["zh"] == "辰溪\x07\x1b[31m县\u202e\r\n"  # JSON keeps the data


@pytest.mark.parametrize("fmt", ["text", "github"])
def test_newline_in_a_path_stays_on_one_line(tmp_path: Path, fmt: str) -> None:
    root = _tree(tmp_path, "ratio: ", "ratio: '60%' #")
    (root / "regions" / "430000-湖南省" / "431200-怀化市").rename(
        root / "regions" / "430000-湖南省" / "4312\n\x1b[2J")
    res = run_cli("validate", "policies", "--format", fmt, cwd=tmp_path)
    assert res.returncode == 1
    lines = res.stdout.splitlines()
    assert len(lines) == 1 and _clean(res.stdout), res.stdout
    assert ("4312\\n\\x1b[2J" if fmt == "text" else "4312%0A\\x1b[2J") in lines[0]


def test_formats_escape_every_control_character() -> None:
    d = Diagnostic("E_X", "error", "a\nb\x1b.yaml", 1, 1, "", "名\x07\u202e", "name\r\x9b")
    for line in (format_text(d), format_github(d)):
        assert "\n" not in line and _clean(line), line
    assert printable("ok 中文 text") == "ok 中文 text"


@pytest.mark.skipif(os.name != "posix", reason="control characters in file names")
def test_diff_text_escapes_data(tmp_path: Path) -> None:
    old = tmp_path / "old"
    shutil.copytree(POLICIES, old)
    _tree(tmp_path, "name: {zh: 辰溪县,", 'name: {zh: "辰溪\\e]0;pwned\\a县",')
    res = run_cli("diff", str(old), "policies", cwd=tmp_path)
    assert "Traceback" not in res.stderr
    assert _clean(res.stdout), res.stdout
