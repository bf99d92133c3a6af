"""downloads/datapackage.json describes every CSV with typed columns, and the
`frictionless` library validates the package and every CSV against it (issue 21)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import frictionless
import pytest

import policykit
from conftest import REPO
from policykit.publish.tables import export_tables

AS_OF = "2025-06-01"


@pytest.fixture(scope="module")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dp")
    export_tables(policykit.load(REPO / "policies"), out, AS_OF, "abc1234")
    return out / "downloads"


def test_frictionless_validates_the_package_and_every_csv(downloads: Path) -> None:
    report = frictionless.validate(str(downloads / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
    package = json.loads((downloads / "datapackage.json").read_text(encoding="utf-8"))
    described = {r["path"] for r in package["resources"]}
    on_disk = {p.relative_to(downloads).as_posix() for p in downloads.rglob("*.csv")}
    assert described == on_disk


def test_region_code_reads_as_text_with_its_zeros(downloads: Path) -> None:
    package = frictionless.Package(str(downloads / "datapackage.json"))
    values = package.get_resource("values")
    field = values.schema.get_field("region_code")
    assert field.type == "string"
    rows = values.read_rows()
    assert "000000" in {row["region_code"] for row in rows}
    number = values.schema.get_field("value_number")
    assert number.type == "number"
    assert {type(r["value_number"]).__name__ for r in rows} == {"Decimal", "NoneType"}


def test_a_broken_csv_fails_validation(downloads: Path, tmp_path: Path) -> None:
    copy = tmp_path / "downloads"
    shutil.copytree(downloads, copy)
    values = copy / "values.csv"
    data = values.read_bytes()
    assert b"\r\n000000," in data
    values.write_bytes(data.replace(b"\r\n000000,", b"\r\n0,", 1))
    report = frictionless.validate(str(copy / "datapackage.json"))
    assert not report.valid
    errors = report.flatten(["fieldName", "type"])
    assert ["region_code", "constraint-error"] in errors
