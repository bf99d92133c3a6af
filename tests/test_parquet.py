"""downloads/values.parquet is values.csv typed: pandas and DuckDB read it with
region_code as text (000000 kept), value_number as an exact decimal, the same rows
in the same order; the same data gives the same bytes (issue 21)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq  # type: ignore[import-untyped]
import pytest

import policykit
from conftest import REPO
from policykit.publish.tables import export_tables

AS_OF = "2025-06-01"


@pytest.fixture(scope="module")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pq")
    export_tables(policykit.load(REPO / "policies"), out, AS_OF, "abc1234")
    return out / "downloads"


def test_pandas_reads_codes_as_text_and_the_same_rows_as_the_csv(downloads: Path) -> None:
    frame = pd.read_parquet(downloads / "values.parquet")
    csv = pd.read_csv(downloads / "values.csv", dtype=str, keep_default_na=False,
                      encoding="utf-8-sig")
    assert len(frame) == len(csv) > 0
    assert list(frame.columns) == list(csv.columns)
    assert pd.api.types.is_string_dtype(frame["region_code"])
    assert "000000" in set(frame["region_code"])
    assert list(frame["region_code"]) == list(csv["region_code"])
    numbers = [None if pd.isna(x) else x for x in frame["value_number"]]
    assert all(x is None or isinstance(x, Decimal) for x in numbers)
    assert [x for x in numbers if x is not None] == \
        [Decimal(x) for x in csv["value_number"] if x]
    assert pd.read_csv(downloads / "values.csv")["region_code"].dtype.kind == "i"  # the guess


def test_duckdb_reads_the_types(downloads: Path) -> None:
    path = str(downloads / "values.parquet")
    ((rows, code_type, number_type),) = duckdb.sql(
        f"select count(*), any_value(typeof(region_code)), any_value(typeof(value_number)) "
        f"from read_parquet('{path}')").fetchall()
    assert rows == len(pd.read_csv(downloads / "values.csv", dtype=str))
    assert code_type == "VARCHAR" and number_type.startswith("DECIMAL(38,")
    ((national,),) = duckdb.sql(f"select count(*) from read_parquet('{path}') "
                                f"where region_code = '000000'").fetchall()
    assert national > 0


def test_schema_and_determinism(downloads: Path, tmp_path: Path) -> None:
    schema = pq.read_schema(downloads / "values.parquet")
    assert str(schema.field("region_code").type) == "string"
    assert str(schema.field("start").type) == "string"  # partial dates stay as given
    export_tables(policykit.load(REPO / "policies"), tmp_path, AS_OF, "abc1234")
    assert (tmp_path / "downloads" / "values.parquet").read_bytes() == \
        (downloads / "values.parquet").read_bytes()
