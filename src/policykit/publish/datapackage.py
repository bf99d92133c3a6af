"""`downloads/datapackage.json`: a Frictionless Data Package describing every CSV of
the downloads, so analysts' tools read them without guessing.

Every column has a type: codes and dates as given (partial dates such as "2021" or
"2021-07") are strings, so `region_code` 000000 stays "000000"; `value_number` is a
number whose unit is in the row's `unit` column (a ratio is a fraction: 0.65 is 65 %).
The package is plain JSON written beside the CSVs (`tables.export_tables`); the test
suite validates it, and every CSV against it, with the `frictionless` library.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from policykit.model.entities import CODE_RE
from policykit.model.policyset import PolicySet

PROFILE = "tabular-data-package"
CSV_DIALECT = {"delimiter": ",", "lineTerminator": "\r\n", "quoteChar": "\"",
               "doubleQuote": True, "header": True}
# Columns of the long table that are not plain text, and how they read.
_NUMBER_COLUMNS = {"value_number"}
_CODE_PATTERN = CODE_RE.pattern.removeprefix("^").removesuffix("$")


def _field(name: str, title: str, description: str) -> dict[str, Any]:
    out: dict[str, Any] = {"name": name, "title": title, "description": description,
                           "type": "number" if name in _NUMBER_COLUMNS else "string"}
    if name == "region_code":
        out["constraints"] = {"required": True, "pattern": f"^{_CODE_PATTERN}$"}
        out["description"] += " (text, keep the leading zeros)"
    if name == "value_number":
        out["description"] += ("; its unit is in the column unit, a ratio is a fraction "
                               "(0.65 = 65%)")
    return out


def long_schema(columns: Sequence[tuple[str, str, str]]) -> dict[str, Any]:
    return {"fields": [_field(c, zh, en) for c, zh, en in columns]}


def wide_schema(key_columns: Sequence[tuple[str, str]], dates: Sequence[str]) -> dict[str, Any]:
    fields = [_field(c, zh, zh) for c, zh in key_columns]
    fields += [{"name": d, "title": d, "type": "string",
                "description": f"the value in force on {d} as the site shows it "
                               "(empty: none in force)"} for d in dates]
    return {"fields": fields}


def _resource(name: str, path: str, title: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "path": path, "title": title, "profile": "tabular-data-resource",
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8-sig",
            "dialect": CSV_DIALECT, "schema": schema}


def datapackage(ps: PolicySet, as_of: str, commit: str | None,
                long_columns: Sequence[tuple[str, str, str]],
                wide_key_columns: Sequence[tuple[str, str]],
                comparable: Sequence[tuple[str, str, Sequence[str]]]) -> dict[str, Any]:
    """The package: values.csv, and per comparable parameter (resource stem, parameter
    id, wide-table date columns) its long and wide CSVs."""
    resources = [_resource("values", "values.csv", "全部规则（长表） every rule, long table",
                           long_schema(long_columns))]
    for stem, pid, dates in comparable:
        label = ps.catalogue.parameters[pid].label.zh
        slug = pid.replace(".", "-").replace("_", "-")
        resources.append(_resource(f"{slug}-long", f"{stem}.long.csv", f"{label}（长表）",
                                   long_schema(long_columns)))
        resources.append(_resource(f"{slug}-wide", f"{stem}.wide.csv", f"{label}（宽表）",
                                   wide_schema(wide_key_columns, dates)))
    return {
        "profile": PROFILE,
        "name": "policykit-downloads",
        "title": "医保政策数据下载 policykit downloads",
        "description": f"Rules as of {as_of}" + (f", data commit {commit}" if commit else ""),
        "version": as_of,
        "resources": resources,
    }
