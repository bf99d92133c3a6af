"""Hardening, class 4: region codes and ids are anchored everywhere. A code or id with a
trailing newline (`code: "431223\\n"`) is refused on both paths with file:line (before,
Python's `$` let it through `validate` and `check`, and `export` published
`regions/431223⏎.json`); full-width digits are no code either."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import POLICIES, run_cli

REGION = Path("regions/430000-湖南省/431200-怀化市/431223-辰溪县/region.yaml")


def _tree(tmp_path: Path, old: str, new: str) -> None:
    root = tmp_path / "policies"
    shutil.copytree(POLICIES, root)
    path = root / REGION
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


CASES = [
    ('code: "431223"', 'code: "431223\\n"', 8, "/region/code"),
    ('parent: "431200"', 'parent: "431200\\n"', 11, "/region/parent"),
    ('pooling_region: "431200"', 'pooling_region: "431200\\n"', 12, "/region/pooling_region"),
    ('code: "431223"', 'code: "４３１２２３"', 8, "/region/code"),
    ("source: cx-2024-12-23", 'source: "cx-2024-12-23\\n"', 0, "/source"),
]


@pytest.mark.parametrize("old, new, line, field", CASES, ids=[c[3] + c[1][-4:] for c in CASES])
@pytest.mark.parametrize("command", [["validate"], ["validate", "--exact"], ["check"], ["export"]])
def test_trailing_newline_or_wide_digits_refused(tmp_path: Path, old: str, new: str, line: int,
                                                 field: str, command: list[str]) -> None:
    _tree(tmp_path, old, new)
    out = tmp_path / "out"
    extra = ["--out", str(out)] if command[0] == "export" else []
    res = run_cli(command[0], "policies", *command[1:], *extra, cwd=tmp_path)
    assert "Traceback" not in res.stderr, res.stderr
    assert res.returncode == 1, (res.stdout, res.stderr)
    text = res.stdout + res.stderr
    assert f"policies/{REGION.as_posix()}:" in text and "E_PATTERN" in text
    if line:
        assert f"policies/{REGION.as_posix()}:{line}:" in text
    assert field in text
    assert not out.exists()
