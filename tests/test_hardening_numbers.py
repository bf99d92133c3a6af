"""Hardening, class 3: numbers are finite and exact end to end. `.nan`, `.inf` and
exponents past a float are refused when the file is read (E_NUMBER, both paths; before,
`.nan` passed `validate` and was exported as null/"NaN%", `.inf` crashed `export`), and
an integer of up to 64 bits is exported as the same JSON integer (before, a 19-digit
amount became 1.2345678901234568e+18)."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import POLICIES, run_cli
from policykit.model.entities import plain_number

REGION = Path("regions/430000-湖南省/431200-怀化市/431223-辰溪县/region.yaml")


def _tree(tmp_path: Path, old: str, new: str) -> Path:
    root = tmp_path / "policies"
    shutil.copytree(POLICIES, root)
    path = root / REGION
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return root


@pytest.mark.parametrize("value", [".nan", ".NaN", ".inf", "-.inf", "1e400", "-1e400"])
@pytest.mark.parametrize("command", ["validate", "check", "export"])
def test_non_finite_amount_is_refused(tmp_path: Path, value: str, command: str) -> None:
    _tree(tmp_path, "amount: 1070", f"amount: {value}")
    extra = ["--out", str(tmp_path / "api")] if command == "export" else []
    res = run_cli(command, "policies", *extra, cwd=tmp_path)
    assert "Traceback" not in res.stderr, res.stderr
    assert res.returncode == 1, (res.stdout, res.stderr)
    assert f"policies/{REGION.as_posix()}:56:17: E_NUMBER" in res.stdout + res.stderr
    assert not (tmp_path / "api").exists()


def test_integer_beyond_64_bits_is_refused(tmp_path: Path) -> None:
    _tree(tmp_path, "amount: 1070", "amount: 123456789012345678901234")
    res = run_cli("validate", "policies", cwd=tmp_path)
    assert res.returncode == 1 and "E_NUMBER" in res.stdout


@pytest.mark.parametrize("n", [1234567890123456789, 2**53 + 1, 10**15, -(2**63 - 1)])
def test_large_integers_stay_integers(n: int) -> None:
    out = plain_number(Decimal(n))
    assert type(out) is int and out == n


def test_nineteen_digit_amount_is_exported_exactly(tmp_path: Path) -> None:
    _tree(tmp_path, "amount: 1070", "amount: 1234567890123456789")
    out = tmp_path / "api"
    res = run_cli("export", "policies", "--out", str(out), cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    text = (out / "api" / "v1" / "regions" / "431223.json").read_text(encoding="utf-8")
    assert "1234567890123456789" in text and "e+18" not in text
    assert "1234567890123456789" in json.dumps(json.loads(text))
