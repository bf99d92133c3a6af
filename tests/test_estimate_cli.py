"""`policykit estimate`: the issue's bundled-data example, JSON against its published
schema, text output, and bad options (exit 2, no traceback)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from conftest import run_cli
from policykit.publish.api import schema as apischema
from test_estimate import fixture_policies

QY = ("estimate", "441800", "--scheme", "resident", "--hospital-level", "level3",
      "--cost", "10000", "--at", "2026-06-01")


def test_bundled_json_upper_bound_and_unknowns() -> None:
    r = run_cli(*QY, "--format", "json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["hifp_pay"] == {"min": 0, "max": 6000, "exact": False}
    rules = {x["parameter"]: x for s in out["steps"] for x in s["rules"]}
    assert rules["resident.inpatient.deductible"]["state"] == "missing"
    assert rules["resident.annual_cap"]["state"] == "missing"
    assert any(m.startswith("起付线未公布") for m in out["missing_zh"])
    assert any(m.startswith("年度最高支付限额（封顶线）未公布") for m in out["missing_zh"])
    # the published schema accepts it, and is closed
    schema = apischema.schemas()["estimate"]
    jsonschema.Draft202012Validator.check_schema(schema)
    v = jsonschema.Draft202012Validator(schema)
    assert list(v.iter_errors(out)) == []
    assert not v.is_valid({**out, "hifp_pay": 6000})
    assert not v.is_valid({**out, "extra": 1})


def test_same_input_same_bytes() -> None:
    assert run_cli(*QY, "--format", "json").stdout == run_cli(*QY, "--format", "json").stdout


def test_text_names_the_source_and_the_gaps() -> None:
    r = run_cli(*QY)
    assert r.returncode == 0, r.stderr
    assert "统筹基金支付（hifp_pay）：0 至 6,000 元" in r.stdout
    assert "三级医院60%" in r.stdout
    assert "起付线未公布，所以统筹基金支付只能给出上限" in r.stdout
    assert "估算" in r.stdout


def test_a_value_carried_forward_says_how_old_it_is() -> None:
    """清远's ratios are known from a 2021-08-24 article only: an estimate for 2026 says so
    (JSON: confirmation carried_forward from that day; text: 据 2021-08-24 资料，此后未核实,
    可能已过时 past three years), and one for that very day calls the value in force."""
    late = json.loads(run_cli(*QY, "--format", "json").stdout)
    ratio = next(x for s in late["steps"] for x in s["rules"]
                 if x["parameter"] == "resident.inpatient.ratio")
    assert ratio["confirmation"] == {"state": "carried_forward", "confirmed_on": "2021-08-24",
                                     "age_months": 57, "stale": True}
    assert ratio["in_force_zh"] == "据 2021-08-24 资料，此后未核实（已 4 年 9 个月），可能已过时"
    text = run_cli(*QY).stdout
    line = next(ln for ln in text.splitlines() if "[resident.inpatient.ratio]" in ln)
    assert "（清远市 441800，据 2021-08-24 资料，此后未核实（已 4 年 9 个月），可能已过时）" in line
    assert "有效" not in line
    day = [a if a != "2026-06-01" else "2021-08-24" for a in QY]
    then = json.loads(run_cli(*day, "--format", "json").stdout)
    ratio = next(x for s in then["steps"] for x in s["rules"]
                 if x["parameter"] == "resident.inpatient.ratio")
    assert ratio["confirmation"]["state"] == "stated" and ratio["in_force_zh"] == "有效"


def test_fixture_worked_example_on_the_cli(tmp_path: Path) -> None:
    root = fixture_policies(tmp_path)
    r = run_cli("estimate", "990100", str(root), "--scheme", "resident", "--hospital-level",
                "level3", "--cost", "200000", "--at", "2026-06-01", "--format", "json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert (out["hifp_pay"]["max"], out["hifmi_pay"]["max"], out["psn_part_amt"]["max"]) == (
        119400, 40920, 39680)
    assert out["exact"] and out["missing_zh"] == []


@pytest.mark.parametrize(("extra", "message"), [
    (("999999", "--scheme", "resident", "--cost", "1"), "未知地区代码 999999"),
    (("441800", "--scheme", "farmer", "--cost", "1"), "invalid choice"),
    (("441800", "--scheme", "resident", "--cost", "1", "--hospital-level", "x"), "未知医院等级 x"),
    (("441800", "--scheme", "resident", "--cost", "ten"), "cost 必须是不小于 0 的金额"),
    (("441800", "--scheme", "resident", "--cost", "1", "--admission", "two"), "invalid int"),
    (("441800", "--scheme", "resident", "--cost", "1", "--at", "2026-02-30"), "无效"),
    (("441800", "--scheme", "resident"), "--cost"),
])
def test_bad_options_exit_2(extra: tuple[str, ...], message: str) -> None:
    r = run_cli("estimate", *extra)
    assert r.returncode == 2
    assert message in r.stderr
    assert "Traceback" not in r.stderr and r.stdout == ""


def test_api_docs_example_is_the_real_output() -> None:
    """docs/api.md's abridged example shows the fund step exactly as the CLI prints it."""
    text = (Path(__file__).resolve().parents[1] / "docs" / "api.md").read_text(encoding="utf-8")
    assert "schemas/estimate.schema.json" in text
    out = json.loads(run_cli(*QY, "--format", "json").stdout)
    fund = next(s for s in out["steps"] if s["step"] == "fund")
    shown = json.dumps(fund, ensure_ascii=False, indent=2, sort_keys=True)
    assert "\n".join("    " + line if line else line for line in shown.splitlines()) in text
