"""The JSON API and values.csv say how each value in force is known on the as-of date
(docs/format.md §3.3 rule 6), and `load_api` gives back a set that says the same."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pandas as pd
import pytest

import policykit
from conftest import POLICIES
from policykit.client import load_api
from policykit.publish.api import schema as apischema
from policykit.publish.api.export import export_api
from policykit.publish.tables import export_tables

AS_OF = "2026-12-04"


@pytest.fixture(scope="module")
def ps() -> policykit.PolicySet:
    return policykit.load(POLICIES)


@pytest.fixture(scope="module")
def out(ps: policykit.PolicySet, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("time")
    export_api(ps, root, AS_OF)
    export_tables(ps, root, AS_OF)
    return root


def _region(out: Path, code: str) -> dict[str, object]:
    api = next(out.rglob(f"regions/{code}.json"))
    return json.loads(api.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_qingyuan_ratio_is_carried_forward_in_the_api(out: Path) -> None:
    doc = _region(out, "441800")
    rows = [r for r in doc["in_force"]  # type: ignore[attr-defined]
            if r["parameter"] == "resident.inpatient.ratio"
            and r["breakdown"] == {"hospital_level": "level1"}]
    assert rows and rows[0]["confirmation"] == {
        "state": "carried_forward", "confirmed_on": "2021-08-24", "age_months": 63,
        "stale": True}


def test_schema_requires_and_checks_the_confirmation(out: Path) -> None:
    schema = apischema.schemas()["region"]
    doc = _region(out, "441800")
    jsonschema.Draft202012Validator(schema).validate(doc)
    bad = json.loads(json.dumps(doc))
    bad["in_force"][0]["confirmation"]["state"] = "current"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(bad)
    del bad["in_force"][0]["confirmation"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(bad)


def test_load_api_round_trips_every_confirmation(out: Path) -> None:
    api = next(out.rglob("index.json")).parent
    back = load_api(api)
    n = 0
    for path in sorted((api / "regions").glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        code = doc["region"]["code"]
        for row in doc["in_force"]:
            r = back.value(code, row["parameter"], AS_OF, **row["breakdown"])
            assert r is not None
            c = back.confirmation(r, AS_OF)
            assert row["confirmation"] == {"state": c.state, "confirmed_on": c.confirmed_on,
                                           "age_months": c.age_months(), "stale": c.stale()}
            n += 1
    assert n > 50


def test_values_csv_marks_the_rows_in_force(out: Path, ps: policykit.PolicySet) -> None:
    frame = pd.read_csv(next(out.rglob("values.csv")), dtype=str, keep_default_na=False,
                        encoding="utf-8-sig")
    qy = frame[(frame.region_code == "441800") & (frame.parameter == "resident.inpatient.ratio")]
    assert set(qy.as_of_state) == {"carried_forward"} and set(qy.confirmed_on) == {"2021-08-24"}
    repealed = frame[(frame.region_code == "441800") & (frame.status == "repealed")]
    assert len(repealed) and set(repealed.as_of_state) == {""}
    own = sum(1 for c in ps.regions for r in ps.in_force(c, AS_OF).values() if r.origin == c)
    assert (frame.as_of_state != "").sum() == own


def test_show_says_how_each_value_is_known() -> None:
    from conftest import run_cli

    res = run_cli("show", "441800", str(POLICIES), "--at", AS_OF, "--format", "json")
    assert res.returncode == 0, res.stderr
    rows = [r for r in json.loads(res.stdout)["rules"]
            if r["parameter"] == "resident.inpatient.ratio"]
    assert rows and all(r["confirmation"]["confirmed_on"] == "2021-08-24"
                        and r["confirmation"]["state"] == "carried_forward" for r in rows)
    text = run_cli("show", "441800", str(POLICIES), "--at", AS_OF).stdout
    assert "据 2021-08-24 资料，此后未核实（已 5 年 3 个月），可能已过时" in text
    on_the_day = run_cli("show", "441800", str(POLICIES), "--at", "2021-08-24").stdout
    line = next(i for i, x in enumerate(on_the_day.splitlines()) if "一级医院" in x)
    assert "此后未核实" not in on_the_day.splitlines()[line + 1]
    dongguan = run_cli("show", "441900", str(POLICIES), "--at", AS_OF).stdout
    assert "阶段性措施，自 2019-08-09 起，结束时间不详" in dongguan


def test_values_csv_gives_the_coverage_year(out: Path) -> None:
    frame = pd.read_csv(next(out.rglob("values.csv")), dtype=str, keep_default_na=False,
                        encoding="utf-8-sig")
    late = frame[(frame.region_code == "431223")
                 & (frame.parameter == "resident.late_payment.contribution")]
    assert list(late.coverage_year) == ["2025"]
    assert set(frame[frame.region_code == "441800"].coverage_year) == {""}
