"""PolicySet → download tables: CSV (UTF-8 with BOM) and one XLSX workbook.

    downloads/values.csv                 long: one row per history entry, every parameter
    downloads/comparable/<id>.long.csv   long: the rows of one comparable parameter
    downloads/comparable/<id>.wide.csv   wide: region × breakdown rows, one column per date
                                         the parameter changes somewhere (or per year when
                                         there are too many), cell = the value in force
    downloads/policykit.xlsx             说明 (README) sheet + one sheet per policy area

Every text cell that a spreadsheet could read as a formula (starting with = + - @,
tab or carriage return) gets a leading apostrophe, in CSV and XLSX alike. Output is
deterministic: rows in a fixed order, CRLF line ends, and the workbook's document
properties and zip member times pinned to the as-of date.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # type: ignore[import-untyped]
from openpyxl.writer.excel import ExcelWriter  # type: ignore[import-untyped]

from .atomic import write_bytes
from .display import STATUS_ZH, breakdown_zh, entry_value_zh, num
from .export import DOWNLOADS_DIR, parameter_path
from .model import Breakdown, Entry, value_to_plain
from .policyset import PolicySet

#: Above this many change dates a wide table gets one column per year instead.
MAX_DATE_COLUMNS = 40
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")

# (column id, Chinese header, meaning) of the long table, in order.
LONG_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("region_code", "地区代码", "6-digit administrative code"),
    ("region_name", "地区", "region name (zh)"),
    ("area", "政策领域", "policy area id"),
    ("parameter", "参数", "parameter id"),
    ("parameter_label", "参数名称", "parameter label (zh)"),
    ("breakdown", "细分", "dimension=value pairs joined by ';' (empty: applies to all)"),
    ("breakdown_zh", "细分（中文）", "breakdown labels (zh)"),
    ("start", "开始", "first day in force, precision as the source gives it"),
    ("end", "结束（不含）", "first day no longer in force"),
    ("observed", "观察日", "a day the source shows it in force (start unknown)"),
    ("status", "状态代码", "in_force, temporary, planned, draft, repealed, unknown"),
    ("status_zh", "状态", "status (zh)"),
    ("bound", "约束", "exact, min (floor) or max (ceiling)"),
    ("value_zh", "数值", "the value as the site shows it"),
    ("value_kind", "数值类型", "ratio, amount, duration, unknown, ..."),
    ("value_number", "数值（数字）", "the number when the value is a single number"),
    ("value_raw", "原始数值", "the value exactly as in the YAML (JSON text)"),
    ("unit", "单位", "unit of the parameter (zh)"),
    ("source_id", "来源 id", "id in the source registry"),
    ("source_title", "来源标题", "title of the source document"),
    ("source_doc_number", "文号", "document number of the source"),
    ("quote", "原文摘录", "verbatim quote containing the figure"),
    ("obtained", "获得方式", "stated, inferred or derived"),
    ("derivation", "推导说明", "how an inferred or derived value was obtained"),
    ("note", "备注", "note"),
)
WIDE_KEY_COLUMNS: tuple[tuple[str, str], ...] = (
    ("region_code", "地区代码"), ("region_name", "地区"),
    ("breakdown", "细分"), ("breakdown_zh", "细分（中文）"),
)


def neutralise(x: Any) -> Any:
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(x, str) and x.startswith(FORMULA_START):
        return "'" + x
    return x


def breakdown_text(bk: Breakdown) -> str:
    return ";".join(f"{k}={v}" for k, v in bk)


def _raw(e: Entry) -> str:
    (_, data), = value_to_plain(e.value).items()
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def long_row(ps: PolicySet, e: Entry) -> dict[str, str | None]:
    cat = ps.catalogue
    p = cat.parameters.get(e.parameter)
    region = ps.regions.get(e.region)
    src = ps.sources.get(e.source)
    single = e.value.number if e.value.kind in ("ratio", "amount", "number", "count",
                                                 "duration") else None
    return {
        "region_code": e.region,
        "region_name": region.name.zh if region else None,
        "area": p.area if p else None,
        "parameter": e.parameter,
        "parameter_label": p.label.zh if p else None,
        "breakdown": breakdown_text(e.breakdown_items),
        "breakdown_zh": breakdown_zh(e.breakdown_items, cat),
        "start": e.start,
        "end": e.end,
        "observed": e.observed,
        "status": e.status,
        "status_zh": STATUS_ZH.get(e.status, e.status),
        "bound": e.bound,
        "value_zh": entry_value_zh(e, cat),
        "value_kind": e.value.kind,
        "value_number": None if single is None else num(single),
        "value_raw": _raw(e),
        "unit": p.unit.zh if p and p.unit else None,
        "source_id": e.source,
        "source_title": src.title if src else None,
        "source_doc_number": src.doc_number if src else None,
        "quote": e.quote,
        "obtained": e.obtained,
        "derivation": e.derivation,
        "note": e.note,
    }


def _frame(rows: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=columns, dtype=object)
    return frame.map(neutralise)


def long_table(ps: PolicySet, parameters: set[str] | None = None) -> pd.DataFrame:
    """One row per history entry (sorted by region, parameter, breakdown, then in
    history order), optionally only for some parameters."""
    rows = [long_row(ps, e) for key in sorted(ps.rules) for e in ps.rules[key]
            if parameters is None or key[1] in parameters]
    return _frame(rows, [c for c, _, _ in LONG_COLUMNS])


def change_days(ps: PolicySet, parameter: str) -> list[str]:
    """Days on which the parameter's value may change somewhere (entry begins/ends)."""
    days: set[str] = set()
    for (_, pid, _), entries in ps.rules.items():
        if pid != parameter:
            continue
        for e in entries:
            if e.can_be_in_force and e.begins is not None:
                days.add(e.begins)
                if e.ends is not None:
                    days.add(e.ends)
    return sorted(days)


def wide_columns(ps: PolicySet, parameter: str, as_of: str) -> list[str]:
    """The change days, or 1 January of each year they span when there are too many;
    the as-of day is always a column."""
    days = change_days(ps, parameter)
    if len(days) > MAX_DATE_COLUMNS:
        first, last = int(days[0][:4]), int(max(days[-1], as_of)[:4])
        days = [f"{y:04d}-01-01" for y in range(first, last + 1)]
    return sorted({*days, as_of})


def wide_table(ps: PolicySet, parameter: str, as_of: str) -> pd.DataFrame:
    """Rows region × breakdown (every breakdown the region's inheritance chain sets
    for the parameter), columns dates, cell = value in force that day (display text;
    empty = nothing in force; unknown values read 未公布)."""
    cat = ps.catalogue
    dates = wide_columns(ps, parameter, as_of)
    by_region: dict[str, set[Breakdown]] = {}
    for code, pid, bk in ps.rules:
        if pid == parameter:
            by_region.setdefault(code, set()).add(bk)
    rows = []
    for code in sorted(ps.regions):
        bks: set[Breakdown] = set()
        for origin in ps.chain(code):
            bks |= by_region.get(origin, set())
        for bk in sorted(bks):
            cells: dict[str, str | None] = {}
            for day in dates:
                r = ps.value(code, parameter, day, **dict(bk))
                cells[day] = None if r is None else entry_value_zh(r.entry, cat)
            if not any(cells.values()):
                continue
            rows.append({"region_code": code, "region_name": ps.regions[code].name.zh,
                         "breakdown": breakdown_text(bk),
                         "breakdown_zh": breakdown_zh(bk, cat), **cells})
    return _frame(rows, [c for c, _ in WIDE_KEY_COLUMNS] + dates)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 with BOM (so Excel reads Chinese), CRLF line ends as RFC 4180 has them.

    CRLF also matters for safety: the csv writer quotes a field only if it holds a
    character of the line terminator, so with LF alone a lone CR in a quote would
    go out unquoted and split the row for readers that treat CR as a line end.
    """
    text = frame.to_csv(index=False, lineterminator="\r\n")
    return text.encode("utf-8-sig")


# -- the workbook ----------------------------------------------------------------------
def sheet_names(labels: list[str]) -> list[str]:
    """Excel sheet names: no []:*?/\\, at most 31 characters, unique."""
    out: list[str] = []
    for label in labels:
        name = SHEET_NAME_BAD.sub("_", label).strip("'") or "sheet"
        name = name[:31]
        stem, n = name, 2
        while name.lower() in {o.lower() for o in out} or name == "说明":
            suffix = f" ({n})"
            name = stem[: 31 - len(suffix)] + suffix
            n += 1
        out.append(name)
    return out


@dataclass(frozen=True)
class Sheet:
    name: str
    area: str
    rows: int


def _xlsx_cell(column: str, value: Any) -> Any:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if column == "value_number":
        return Decimal(str(value))
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    return value


def _fill(ws: Any, frame: pd.DataFrame, headers: list[str]) -> None:
    ws.append(headers)
    columns = list(frame.columns)
    for record in frame.itertuples(index=False, name=None):
        ws.append([_xlsx_cell(c, v) for c, v in zip(columns, record, strict=True)])
    ws.freeze_panes = "A2"
    if len(frame):
        ws.auto_filter.ref = ws.dimensions


def workbook(ps: PolicySet, as_of: str, commit: str | None) -> tuple[Workbook, list[Sheet]]:
    cat = ps.catalogue
    wb = Workbook()
    readme = wb.active
    readme.title = "说明"
    areas = list(cat.areas)
    names = sheet_names([label.zh for _, label in areas])
    headers = [f"{zh} {cid}" for cid, zh, _ in LONG_COLUMNS]
    sheets = []
    for (area, _), name in zip(areas, names, strict=True):
        params = {p.id for p in cat.parameters.values() if p.area == area}
        frame = long_table(ps, params)
        _fill(wb.create_sheet(name), frame, headers)
        sheets.append(Sheet(name, area, len(frame)))
    _readme(readme, ps, as_of, commit, sheets)
    stamp = _stamp(as_of)
    wb.properties.creator = "policykit"
    wb.properties.lastModifiedBy = "policykit"
    wb.properties.created = stamp
    wb.properties.modified = stamp
    return wb, sheets


def _readme(ws: Any, ps: PolicySet, as_of: str, commit: str | None,
            sheets: list[Sheet]) -> None:
    cat = ps.catalogue
    lines: list[list[Any]] = [
        ["医保政策数据 policykit：全部规则及其历史 (all rules with their full history)"],
        ["数据日期 as-of date", as_of],
        ["数据版本 data commit", commit or "（未记录 not recorded）"],
        ["地区数 regions", len(ps.regions)],
        ["条目数 values", sum(len(v) for v in ps.rules.values())],
        [],
        ["工作表 sheet", "政策领域 area", "行数 rows"],
        *[[s.name, f"{cat.area_label(s.area).zh} ({s.area})", s.rows] for s in sheets],
        [],
        ["列 column", "中文", "含义 meaning"],
        *[[cid, zh, en] for cid, zh, en in LONG_COLUMNS],
        [],
        ["说明 notes"],
        ["以 = + - @ 开头的文字前加了单引号 '，以免被当作公式执行 "
         "(text starting with = + - @ is prefixed with ' so it is never run as a formula)"],
        ["未知数值显示为“未公布”，不是 0 (unknown values read 未公布, never 0)"],
        ["每个数值都注明来源与原文摘录；比较表见 comparable/*.csv "
         "(every value cites its source; comparison tables are in comparable/*.csv)"],
    ]
    for line in lines:
        ws.append([neutralise(x) for x in line])
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 36
    ws.column_dimensions["C"].width = 60


def _stamp(as_of: str) -> dt.datetime:
    day = max(dt.date.fromisoformat(as_of), dt.date(1980, 1, 1))  # zip times start in 1980
    return dt.datetime(day.year, day.month, day.day)


def xlsx_bytes(wb: Workbook, as_of: str) -> bytes:
    """Save without openpyxl's "modified = now", then rewrite the zip with every
    member's time set to the as-of date, so equal data gives equal bytes."""
    buf = io.BytesIO()
    ExcelWriter(wb, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED)).save()
    stamp = _stamp(as_of)
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


# -- everything --------------------------------------------------------------------------
def table_documents(ps: PolicySet, as_of: str,
                    commit: str | None = None) -> Iterator[tuple[str, bytes]]:
    """Every download as (path under downloads/, bytes), in a fixed order."""
    yield "values.csv", csv_bytes(long_table(ps))
    for p in ps.catalogue.parameters.values():
        if not p.comparable:
            continue
        stem = "comparable/" + parameter_path(p.id).removeprefix("parameters/")[:-5]
        yield f"{stem}.long.csv", csv_bytes(long_table(ps, {p.id}))
        yield f"{stem}.wide.csv", csv_bytes(wide_table(ps, p.id, as_of))
    wb, _ = workbook(ps, as_of, commit)
    yield "policykit.xlsx", xlsx_bytes(wb, as_of)


def export_tables(ps: PolicySet, out_dir: Path | str, as_of: str,
                  commit: str | None = None) -> int:
    """Write the downloads under `out_dir/downloads/` (no staging: wrap in
    `atomic_output`). Returns the number of files written."""
    root = Path(out_dir) / DOWNLOADS_DIR
    n = 0
    for rel, data in table_documents(ps, as_of, commit):
        write_bytes(root / rel, data)
        n += 1
    return n
