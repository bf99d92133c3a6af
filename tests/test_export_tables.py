"""Download tables: CSV read back by pandas, the XLSX by openpyxl, formula cells
neutralised, deterministic workbook bytes."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import policykit
from conftest import POLICIES
from policykit.model.display import entry_value_zh
from policykit.model.entities import Entry
from policykit.publish.tables import (
    LONG_COLUMNS,
    MAX_DATE_COLUMNS,
    export_tables,
    neutralise,
    plan_sheets,
    sheet_names,
    wide_columns,
)

AS_OF = "2025-06-01"


@pytest.fixture(scope="module")
def ps() -> policykit.PolicySet:
    return policykit.load(POLICIES)


@pytest.fixture(scope="module")
def downloads(ps: policykit.PolicySet, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("tables")
    export_tables(ps, out, AS_OF, "abc1234")
    return out / "downloads"


def read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def entries(ps: policykit.PolicySet, parameter: str | None = None) -> list[Entry]:
    """In the tables' order: parameter (catalogue order), region, breakdown, history."""
    order = {pid: i for i, pid in enumerate(ps.catalogue.parameters)}
    keys = sorted(ps.rules, key=lambda k: (order[k[1]], k))
    return [e for k in keys for e in ps.rules[k] if parameter is None or k[1] == parameter]


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_values_csv_has_one_row_per_value(ps: policykit.PolicySet, downloads: Path) -> None:
    raw = (downloads / "values.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens it as UTF-8
    assert raw.count(b"\r\n") == len(entries(ps)) + 1  # header + rows, RFC 4180 line ends
    frame = read_csv(downloads / "values.csv")
    assert list(frame.columns) == [c for c, _, _ in LONG_COLUMNS]
    assert len(frame) == len(entries(ps))
    assert list(frame["quote"]) == [neutralise(e.quote) for e in entries(ps)]
    row = frame[(frame.region_code == "441900")
                & (frame.parameter == "employee.contribution.unified_total_rate")].iloc[0]
    assert row["value_raw"] == "0.021" and row["value_zh"] == "2.1%"
    assert row["region_name"] == "东莞市" and row["source_title"]


def test_every_long_csv_has_one_row_per_value_of_its_parameter(
        ps: policykit.PolicySet, downloads: Path) -> None:
    comparable = [p.id for p in ps.catalogue.parameters.values() if p.comparable]
    assert comparable
    for pid in comparable:
        frame = read_csv(downloads / "comparable" / f"{pid}.long.csv")
        assert len(frame) == len(entries(ps, pid)), pid
        assert set(frame["parameter"]) <= {pid}


def test_wide_csv_cells_are_the_values_in_force(ps: policykit.PolicySet,
                                                downloads: Path) -> None:
    for p in ps.catalogue.parameters.values():
        if not p.comparable:
            continue
        frame = read_csv(downloads / "comparable" / f"{p.id}.wide.csv")
        dates = list(frame.columns[4:])
        assert dates == wide_columns(ps, p.id, AS_OF) and AS_OF in dates
        for _, row in frame.iterrows():
            bk = dict(kv.split("=") for kv in row["breakdown"].split(";") if kv)
            for day in dates:
                r = ps.value(row["region_code"], p.id, day, **bk)
                expected = "" if r is None else neutralise(entry_value_zh(r.entry, ps.catalogue))
                assert row[day] == expected, (p.id, row["region_code"], day)
    frame = read_csv(downloads / "comparable" / "resident.inpatient.ratio.wide.csv")
    qy = frame[(frame.region_code == "441800") & (frame.breakdown == "hospital_level=level3")]
    assert qy.iloc[0][AS_OF] == "60%"


def test_wide_table_switches_to_years_when_dates_are_many(ps: policykit.PolicySet) -> None:
    key = next(k for k in ps.rules if k[1] == "resident.inpatient.ratio")
    base = ps.rules[key][0]
    many = tuple(replace(base, start=f"{2000 + i // 12}-{i % 12 + 1:02d}", observed=None,
                         end=None) for i in range(MAX_DATE_COLUMNS + 5))
    busy = policykit.PolicySet(ps.catalogue, ps.regions, ps.sources, {**ps.rules, key: many})
    cols = wide_columns(busy, "resident.inpatient.ratio", AS_OF)
    assert cols[0] == "2000-01-01" and AS_OF in cols
    assert all(c.endswith("-01-01") for c in cols if c != AS_OF)
    assert len(cols) == 2025 - 2000 + 2


def test_workbook_has_readme_and_one_sheet_per_area(ps: policykit.PolicySet,
                                                    downloads: Path) -> None:
    wb = openpyxl.load_workbook(downloads / "policykit.xlsx")
    areas = [label.zh for _, label in ps.catalogue.areas]
    assert wb.sheetnames == ["说明", *areas]
    for (area, label) in ps.catalogue.areas:
        ws = wb[label.zh]
        params = {p.id for p in ps.catalogue.parameters.values() if p.area == area}
        n = sum(len(es) for (_, p, _), es in ps.rules.items() if p in params)
        assert ws.max_row - 1 == n, area
        assert ws.cell(1, 1).value == "地区代码 region_code"
    readme = [c for row in wb["说明"].iter_rows(values_only=True) for c in row if c]
    assert AS_OF in readme and "abc1234" in readme
    assert all(c.data_type != "f" for ws in wb for row in ws.iter_rows() for c in row)


def test_workbook_bytes_do_not_depend_on_the_clock(downloads: Path) -> None:
    data = (downloads / "policykit.xlsx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert {i.date_time for i in z.infolist()} == {(2025, 6, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
    assert core.count("2025-06-01T00:00:00Z") == 2  # created and modified


def test_two_table_exports_are_byte_identical(ps: policykit.PolicySet, downloads: Path,
                                              tmp_path: Path) -> None:
    export_tables(ps, tmp_path, AS_OF, "abc1234")
    assert tree(tmp_path / "downloads") == tree(downloads)


def test_a_big_area_continues_on_further_sheets(ps: policykit.PolicySet,
                                                tmp_path: Path) -> None:
    plan = plan_sheets(ps, max_rows=10)
    assert all(s.rows <= 10 for s in plan)
    export_tables(ps, tmp_path, AS_OF, max_sheet_rows=10)
    wb = openpyxl.load_workbook(tmp_path / "downloads" / "policykit.xlsx")
    assert wb.sheetnames == ["说明", *[s.name for s in plan]]
    for (area, label) in ps.catalogue.areas:
        params = {p.id for p in ps.catalogue.parameters.values() if p.area == area}
        n = sum(len(es) for (_, p, _), es in ps.rules.items() if p in params)
        mine = [s for s in plan if s.area == area]
        assert mine[0].name == label.zh
        assert sum(wb[s.name].max_row - 1 for s in mine) == n
        if n > 10:
            assert mine[1].name == f"{label.zh} (2)"


HOSTILE = ["=HYPERLINK(\"http://evil\",\"x\")", "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]


def test_formula_cells_are_neutralised_in_csv_and_xlsx(ps: policykit.PolicySet,
                                                       tmp_path: Path) -> None:
    key = next(iter(ps.rules))
    hostile = tuple(replace(ps.rules[key][0], quote=q, note=q) for q in HOSTILE)
    evil = policykit.PolicySet(ps.catalogue, ps.regions, ps.sources, {key: hostile})
    export_tables(evil, tmp_path, AS_OF)
    frame = read_csv(tmp_path / "downloads" / "values.csv")
    assert list(frame["quote"]) == ["'" + q for q in HOSTILE]
    assert list(frame["note"]) == ["'" + q for q in HOSTILE]
    wb = openpyxl.load_workbook(tmp_path / "downloads" / "policykit.xlsx")
    cells = [c for ws in wb for row in ws.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    quotes = {c.value for c in cells if isinstance(c.value, str) and c.value.startswith("'")}
    assert {"'" + q for q in HOSTILE if q != "\rCR"} <= quotes
    assert not any(isinstance(c.value, str) and c.value[:1] in "=+-@" for c in cells)


def test_neutralise_leaves_ordinary_text_and_numbers() -> None:
    assert neutralise("60%") == "60%"
    assert neutralise("不低于 70%") == "不低于 70%"
    assert neutralise(-1) == -1
    assert neutralise(None) is None
    assert neutralise("a=b") == "a=b"


def test_control_characters_do_not_break_the_workbook(ps: policykit.PolicySet,
                                                      tmp_path: Path) -> None:
    key = next(iter(ps.rules))
    odd = (replace(ps.rules[key][0], quote="bell\x07 and nul\x00"),)
    export_tables(policykit.PolicySet(ps.catalogue, ps.regions, ps.sources, {key: odd}),
                  tmp_path, AS_OF)
    loaded = openpyxl.load_workbook(tmp_path / "downloads" / "policykit.xlsx")
    values = [c.value for ws in loaded for row in ws.iter_rows() for c in row]
    assert "bell\ufffd and nul\ufffd" in values


def test_sheet_names_are_valid_excel_names() -> None:
    names = sheet_names(["医疗救助", "a/b:c*d?[e]", "x" * 40, "x" * 40, "说明", "", "'q'"])
    assert names[0] == "医疗救助"
    assert names[1] == "a_b_c_d__e_"
    assert all(len(n) <= 31 for n in names)
    assert len({n.lower() for n in names} | {"说明"}) == len(names) + 1
    assert names[2] != names[3]


def test_docs_describe_every_column_and_file_shape() -> None:
    from conftest import REPO
    from policykit.publish.api.schema import SHAPES

    doc = (REPO / "docs" / "api.md").read_text(encoding="utf-8")
    for cid, _, _ in LONG_COLUMNS:
        assert cid in doc, cid
    for shape in SHAPES:
        assert f"{shape}" in doc and "schemas/<shape>.schema.json" in doc


def test_docs_python_api_example_runs(monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    from conftest import REPO

    doc = (REPO / "docs" / "api.md").read_text(encoding="utf-8")
    section = doc[doc.index("## 3. The Python API"):]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(REPO)
    namespace: dict[str, object] = {}
    exec(compile(code, "docs/api.md", "exec"), namespace)
    assert namespace["r"].value.number == __import__("decimal").Decimal("0.6")  # type: ignore[attr-defined]
    assert capsys.readouterr().out  # the changes loop printed something
