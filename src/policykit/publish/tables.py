"""PolicySet → download tables: CSV (UTF-8 with BOM) and one XLSX workbook.

    downloads/values.csv                 long: one row per history entry, every parameter
    downloads/comparable/<id>.long.csv   long: the rows of one comparable parameter
    downloads/comparable/<id>.wide.csv   wide: region × breakdown rows, one column per date
                                         the parameter changes somewhere (or per year when
                                         there are too many), cell = the value in force
    downloads/policykit.xlsx             说明 (README) sheet + one sheet per policy area
    downloads/values.parquet             values.csv as typed Parquet (`publish.parquet`)
    downloads/datapackage.json           Frictionless Data Package: every CSV's columns typed

Every text cell that a spreadsheet could read as a formula (starting with = + - @,
tab or carriage return) gets a leading apostrophe, in CSV and XLSX alike. Output is
deterministic: rows in a fixed order, CRLF line ends, and the workbook's document
properties and zip member times pinned to the as-of date. The work goes one parameter
at a time and the workbook's data rows are spooled to temporary files, so memory holds
one parameter's rows, never the whole table (480,000 rows at 3,000 regions).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pandas as pd
from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # type: ignore[import-untyped]
from openpyxl.writer.excel import ExcelWriter  # type: ignore[import-untyped]

from policykit.model.display import STATUS_ZH, breakdown_zh, entry_value_zh, num
from policykit.model.entities import Breakdown, Entry, value_to_plain
from policykit.model.policyset import PolicySet
from policykit.model.timeline import Resolved
from policykit.publish.api.export import (
    DOWNLOADS_DIR as DOWNLOADS_DIR,  # re-exported: callers import it from here
)
from policykit.publish.api.export import parameter_path
from policykit.publish.datapackage import datapackage
from policykit.publish.parquet import LongParquet, decimal_scale
from policykit.util.jsonio import json_bytes, write_bytes

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
    ("coverage_year", "待遇年度", "the coverage year (待遇年度) the value belongs to, if any"),
    ("as_of_state", "数据日期时的核实状态",
     "when the entry is its region's own value in force on the as-of date: stated (a source "
     "vouches for that day) or carried_forward (docs/format.md 3.3 rule 6); else empty"),
    ("confirmed_on", "最后核实日期",
     "with as_of_state: the last day on or before the as-of date the value was confirmed"),
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


def _rule_cells(ps: PolicySet, e: Entry) -> tuple[Any, ...]:
    """The cells every entry of one rule shares (region, parameter, breakdown, unit)."""
    cat = ps.catalogue
    p = cat.parameters.get(e.parameter)
    region = ps.regions.get(e.region)
    return (
        region.name.zh if region else None,
        p.area if p else None,
        p.label.zh if p else None,
        breakdown_text(e.breakdown_items),
        breakdown_zh(e.breakdown_items, cat),
        p.unit.zh if p and p.unit else None,
    )


class _RowMaker:
    """long_row with what repeats memoised: a rule's shared cells, and the Chinese
    and JSON renderings of values (the same few thousand values recur across 3,000
    regions). Same cells as long_row."""

    def __init__(self, ps: PolicySet, as_of: str | None = None) -> None:
        self.ps = ps
        self.as_of = as_of
        self.rules: dict[tuple[str, str, Breakdown], tuple[Any, ...]] = {}
        self.values: dict[tuple[Any, ...], tuple[str, str]] = {}

    def __call__(self, e: Entry) -> list[str | None]:
        key = e.rule_key
        shared = self.rules.get(key)
        if shared is None:
            shared = self.rules[key] = _rule_cells(self.ps, e)
        vkey = (e.value, e.parameter, e.bound)
        rendered = self.values.get(vkey)
        if rendered is None:
            rendered = (entry_value_zh(e, self.ps.catalogue), _raw(e))
            if len(self.values) < 200_000:
                self.values[vkey] = rendered
        return _row(self.ps, e, shared, rendered, _known(self.ps, e, self.as_of))


def _known(ps: PolicySet, e: Entry, as_of: str | None) -> tuple[str | None, str | None]:
    """(state, confirmed_on) when `e` is its region's own value in force on `as_of`."""
    if as_of is None or not e.can_be_in_force:
        return (None, None)
    r = ps.value_at(e.region, e.parameter, as_of, e.breakdown_items)
    if r is None or r.entry is not e:
        return (None, None)
    c = ps.confirmation(r, as_of)
    return (c.state, c.confirmed_on)


def long_row(ps: PolicySet, e: Entry, as_of: str | None = None) -> list[str | None]:
    """The long-table cells of one entry, in LONG_COLUMNS order, neutralised; with
    `as_of`, how the entry is known that day if it is then in force."""
    return _row(ps, e, _rule_cells(ps, e), (entry_value_zh(e, ps.catalogue), _raw(e)),
                _known(ps, e, as_of))


def _row(ps: PolicySet, e: Entry, shared: tuple[Any, ...],
         rendered: tuple[str, str], known: tuple[str | None, str | None]) -> list[str | None]:
    region_zh, area, label_zh, bk_text, bk_zh, unit_zh = shared
    value_zh, raw = rendered
    src = ps.sources.get(e.source)
    single = e.value.number if e.value.kind in ("ratio", "amount", "number", "count",
                                                 "duration") else None
    row = [
        e.region,
        region_zh,
        area,
        e.parameter,
        label_zh,
        bk_text,
        bk_zh,
        e.start,
        e.end,
        e.observed,
        e.status,
        STATUS_ZH.get(e.status, e.status),
        e.bound,
        value_zh,
        e.value.kind,
        None if single is None else num(single),
        raw,
        unit_zh,
        e.source,
        src.title if src else None,
        src.doc_number if src else None,
        e.quote,
        e.obtained,
        e.derivation,
        e.note,
        None if e.coverage_year is None else str(e.coverage_year),
        *known,
    ]
    # `neutralise` inline (12 million cells at 3,000 regions): a text cell starting as
    # a formula gets a leading apostrophe.
    out = ["'" + x if type(x) is str and x.startswith(FORMULA_START) else x for x in row]
    out[_NUMBER_COLUMN] = row[_NUMBER_COLUMN]  # digits from a Decimal: a number, never a formula
    return out


LONG_IDS = [c for c, _, _ in LONG_COLUMNS]
_NUMBER_COLUMN = LONG_IDS.index("value_number")


def long_table(ps: PolicySet, parameters: set[str] | None = None,
               as_of: str | None = None) -> pd.DataFrame:
    """One row per history entry (sorted by region, parameter, breakdown, then in
    history order), optionally only for some parameters."""
    rows = [long_row(ps, e, as_of) for key in sorted(ps.rules) for e in ps.rules[key]
            if parameters is None or key[1] in parameters]
    return pd.DataFrame(rows, columns=LONG_IDS, dtype=object)


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
    shown: dict[int, str] = {}  # one inherited entry fills many cells: render it once
    rows = []
    for code in sorted(ps.regions):
        bks: set[Breakdown] = set()
        for origin in ps.chain(code):
            bks |= by_region.get(origin, set())
        for bk in sorted(bks):
            # The value in force on each date, walking the days it changes (the value
            # tables behind `PolicySet.value`) beside the sorted dates.
            change_days, answers = ps.segments(code, parameter, bk)
            cells: list[str | None] = []
            r: Resolved | None = None
            j, n = 0, len(change_days)
            for day in dates:
                while j < n and change_days[j] <= day:
                    r = answers[j]
                    j += 1
                if r is None:
                    cells.append(None)
                    continue
                text = shown.get(id(r.entry))
                if text is None:
                    text = shown[id(r.entry)] = neutralise(entry_value_zh(r.entry, cat))
                cells.append(text)
            if not any(cells):
                continue
            rows.append([code, neutralise(ps.regions[code].name.zh), breakdown_text(bk),
                         neutralise(breakdown_zh(bk, cat)), *cells])
    return pd.DataFrame(rows, columns=[c for c, _ in WIDE_KEY_COLUMNS] + dates, dtype=object)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 with BOM (so Excel reads Chinese), CRLF line ends as RFC 4180 has them.

    CRLF also matters for safety: the csv writer quotes a field only if it holds a
    character of the line terminator, so with LF alone a lone CR in a quote would
    go out unquoted and split the row for readers that treat CR as a line end.
    """
    text = frame.to_csv(index=False, lineterminator="\r\n")
    return text.encode("utf-8-sig")


def csv_rows_bytes(frame: pd.DataFrame) -> bytes:
    """The rows only (no BOM, no header): to append to a CSV begun by csv_bytes."""
    return frame.to_csv(index=False, header=False, lineterminator="\r\n").encode("utf-8")


# -- the workbook ----------------------------------------------------------------------
#: Rows a sheet can hold below its header row.
MAX_SHEET_ROWS = 1_048_576 - 1


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


def plan_sheets(ps: PolicySet, max_rows: int = MAX_SHEET_ROWS) -> list[Sheet]:
    """One sheet per policy area (catalogue order), continued on "label (2)", …
    when an area has more rows than a sheet holds."""
    cat = ps.catalogue
    counts = dict.fromkeys((a for a, _ in cat.areas), 0)
    for (_, pid, _), entries in ps.rules.items():
        p = cat.parameters.get(pid)
        if p is not None and p.area in counts:
            counts[p.area] += len(entries)
    wanted: list[tuple[str, str, int]] = []
    for area, label in cat.areas:
        n = counts[area]
        for i in range(max(1, -(-n // max_rows))):
            rows = min(max_rows, n - i * max_rows)
            wanted.append((label.zh if i == 0 else f"{label.zh} ({i + 1})", area, rows))
    names = sheet_names([w[0] for w in wanted])
    return [Sheet(name, area, rows) for name, (_, area, rows) in zip(names, wanted, strict=True)]


def _column_letter(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


_LETTERS = [_column_letter(i + 1) for i in range(len(LONG_COLUMNS))]


_XML: dict[str, str] = {}  # cell text → its XML; most cells repeat (names, labels, ids)


def _text_xml(value: str) -> str:
    xml = _XML.get(value)
    if xml is None:
        text = escape(ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)).replace("\r", "&#13;")
        xml = f'<is><t xml:space="preserve">{text}</t></is>'
        if len(_XML) > 200_000:
            _XML.clear()
        _XML[value] = xml
    return xml


class _SheetRows:
    """The <row> elements of one sheet, spooled to a temporary file.

    openpyxl spends ~10 µs per cell (60 s for the 12 million cells of 3,000 regions,
    even write-only with lxml), so the data rows are written here as plain
    SpreadsheetML (inline strings) and spliced into the sheet openpyxl writes with
    the header row, styles and filters (`write_xlsx`).
    """

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.rows = 0
        self.file = tempfile.TemporaryFile()

    def add(self, row: list[Any]) -> None:
        r = self.rows + 2
        cells = []
        for i, value in enumerate(row):
            if value is None:
                continue
            ref = f"{_LETTERS[i]}{r}"
            if i == _NUMBER_COLUMN:
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
            else:
                cells.append(f'<c r="{ref}" t="inlineStr">{_text_xml(str(value))}</c>')
        self.file.write(f'<row r="{r}">{"".join(cells)}</row>'.encode())
        self.rows += 1

    def copy_to(self, out: Any) -> None:
        self.file.seek(0)
        shutil.copyfileobj(self.file, out, 1 << 20)

    def close(self) -> None:
        self.file.close()


class _AreaSheets:
    """The planned area sheets: header row, frozen pane and filter by openpyxl, data
    rows spooled by _SheetRows (a sheet full at its capacity continues on the next)."""

    def __init__(self, wb: Workbook, plan: list[Sheet]) -> None:
        headers = [f"{zh} {cid}" for cid, zh, _ in LONG_COLUMNS]
        self.targets: dict[str, list[_SheetRows]] = {}
        self.parts: dict[str, _SheetRows] = {}
        for sheet in plan:
            ws = wb.create_sheet(sheet.name)
            ws.append(headers)
            ws.freeze_panes = "A2"
            if sheet.rows:
                ws.auto_filter.ref = f"A1:{_LETTERS[-1]}{sheet.rows + 1}"
            rows = _SheetRows(sheet.rows)
            self.targets.setdefault(sheet.area, []).append(rows)
            self.parts[f"xl/worksheets/sheet{len(wb.worksheets)}.xml"] = rows

    def append(self, area: str, rows: list[list[Any]]) -> None:
        targets = self.targets[area]
        for row in rows:
            target = next(t for t in targets if t.rows < t.capacity)
            target.add(row)

    def close(self) -> None:
        for rows in self.parts.values():
            rows.close()


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
    # A zip header holds the years 1980 to 2107; the as-of date itself is in the workbook.
    day = min(max(dt.date.fromisoformat(as_of), dt.date(1980, 1, 1)), dt.date(2107, 12, 31))
    return dt.datetime(day.year, day.month, day.day)


# zlib level of the workbook: at 3,000 regions level 3 takes 1.6 s where the default
# (6) takes 3.7 s, for a file 14 % larger (56 MB against 49 MB); level 1 would save
# 0.1 s more for 33 %.
XLSX_COMPRESS_LEVEL = 3
DIMENSION = re.compile(rb'<dimension ref="[^"]*"\s*/>')


def write_xlsx(path: Path, wb: Workbook, as_of: str,
               bodies: dict[str, _SheetRows] | None = None) -> None:
    """Save without openpyxl's "modified = now", splice in the spooled data rows and
    give every zip member the as-of date as its time, so equal data gives equal bytes."""
    bodies = bodies or {}
    buf = io.BytesIO()
    ExcelWriter(wb, zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED)).save()  # compressed below
    stamp = _stamp(as_of).timetuple()[:6]
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed._compresslevel = XLSX_COMPRESS_LEVEL  # type: ignore[attr-defined]
            fixed.external_attr = 0o644 << 16
            data = src.read(info.filename)
            body = bodies.get(info.filename)
            if body is None:
                dst.writestr(fixed, data)
                continue
            head, end, tail = data.partition(b"</sheetData>")
            if not end:
                raise RuntimeError(f"no sheetData in {info.filename}")
            ref = f"A1:{_LETTERS[-1]}{body.rows + 1}".encode()
            head = DIMENSION.sub(b'<dimension ref="' + ref + b'"/>', head, count=1)
            with dst.open(fixed, "w", force_zip64=True) as out:
                out.write(head)
                body.copy_to(out)
                out.write(end + tail)


# -- everything --------------------------------------------------------------------------
def export_tables(ps: PolicySet, out_dir: Path | str, as_of: str,
                  commit: str | None = None, max_sheet_rows: int = MAX_SHEET_ROWS) -> int:
    """Write the downloads under `out_dir/downloads/` (no staging: wrap in
    `atomic_output`). Returns the number of files written.

    One parameter at a time, in catalogue order: values.csv is therefore
    parameter-major (parameter, then region, breakdown and history order), and so
    is each area's sheet.
    """
    root = Path(out_dir) / DOWNLOADS_DIR
    cat = ps.catalogue
    keys_by_parameter: dict[str, list[tuple[str, str, Breakdown]]] = {}
    for key in sorted(ps.rules):
        keys_by_parameter.setdefault(key[1], []).append(key)
    plan = plan_sheets(ps, max_sheet_rows)
    wb = Workbook()
    readme = wb.active
    readme.title = "说明"
    sheets = _AreaSheets(wb, plan)
    try:
        (root / "comparable").mkdir(parents=True, exist_ok=True)
        n = 2  # values.csv, values.parquet
        described: list[tuple[str, str, list[str]]] = []
        with open(root / "values.csv", "wb") as values, \
                LongParquet(root / "values.parquet", LONG_IDS, decimal_scale(ps)) as parquet:
            values.write(csv_bytes(pd.DataFrame([], columns=LONG_IDS)))
            make_row = _RowMaker(ps, as_of)
            for pid, p in cat.parameters.items():
                rows = [make_row(e) for key in keys_by_parameter.get(pid, [])
                        for e in ps.rules[key]]
                frame = pd.DataFrame(rows, columns=LONG_IDS, dtype=object)
                values.write(csv_rows_bytes(frame))
                parquet.write(rows)
                if p.area in sheets.targets:
                    sheets.append(p.area, rows)
                if p.comparable:
                    stem = "comparable/" + parameter_path(pid).removeprefix("parameters/")[:-5]
                    write_bytes(root / f"{stem}.long.csv", csv_bytes(frame))
                    wide = wide_table(ps, pid, as_of)
                    write_bytes(root / f"{stem}.wide.csv", csv_bytes(wide))
                    described.append((stem, pid, [str(c) for c in wide.columns[
                        len(WIDE_KEY_COLUMNS):]]))
                    n += 2
        package = datapackage(ps, as_of, commit, LONG_COLUMNS, WIDE_KEY_COLUMNS, described)
        write_bytes(root / "datapackage.json", json_bytes(package))
        n += 1
        _readme(readme, ps, as_of, commit, plan)
        stamp = _stamp(as_of)
        wb.properties.creator = "policykit"
        wb.properties.lastModifiedBy = "policykit"
        wb.properties.created = stamp
        wb.properties.modified = stamp
        write_xlsx(root / "policykit.xlsx", wb, as_of, sheets.parts)
        return n + 1
    finally:
        sheets.close()
