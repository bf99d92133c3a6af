"""JSON Schema validation: a fast yes/no, and exact errors mapped to Diagnostics.

`jsonschema_rs` answers "is this file valid?" in microseconds. Only for a file
that is not valid does the reference `jsonschema` validator run, and its errors
become Diagnostics with codes from `codes.py`, so the messages never depend on
which validator happened to run.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Any

import jsonschema
from jsonschema.exceptions import ValidationError

import policykit.codes as codes
from policykit.diagnostics import Diagnostic
from policykit.loader.schemadefs import SCHEMAS, VALUE_KEYS, YEAR
from policykit.loader.yamlsrc import pointer_join

KIND_SCHEMA = {
    "region": "region.schema.json",
    "sources": "sources.schema.json",
    "catalogue": "catalogue.schema.json",
}

_TYPE_ZH = {
    "string": "文本", "number": "数字", "integer": "整数", "boolean": "true 或 false",
    "object": "键值映射", "array": "列表", "null": "空值",
}
_PERCENTISH = re.compile(r"^\s*[-+]?\d+(?:[.,]\d+)?\s*[%％]?\s*$")


@functools.cache
def schema(kind: str) -> dict[str, Any]:
    return SCHEMAS[KIND_SCHEMA[kind]]()


@functools.cache
def _fast(kind: str) -> Any:
    import jsonschema_rs

    return jsonschema_rs.validator_for(schema(kind), validate_formats=True)


def _anchored(pattern: str) -> re.Pattern[str]:
    """A schema pattern as ECMA 262 (and jsonschema_rs) read it: a final `$` is the end
    of the string, not also the place before a final newline as in Python's `re`."""
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1] + r"\Z"
    return re.compile(pattern)


_compiled = functools.lru_cache(maxsize=None)(_anchored)


def _pattern(validator: Any, patrn: str, instance: Any, schema: Any) -> Iterator[ValidationError]:
    if validator.is_type(instance, "string") and not _compiled(patrn).search(instance):
        yield ValidationError(f"{instance!r} does not match {patrn!r}")


_Exact: Any = jsonschema.validators.extend(  # type: ignore[no-untyped-call]
    jsonschema.Draft202012Validator, {"pattern": _pattern})


@functools.cache
def _exact(kind: str) -> Any:
    return _Exact(schema(kind), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def is_valid_fast(kind: str, data: Any) -> bool:
    return bool(_fast(kind).is_valid(data))


def _ptr(path: Any) -> str:
    out = ""
    for tok in path:
        out = pointer_join(out, tok)
    return out


def _field(ptr: str) -> str:
    return ptr or "/"


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if value is None:
        return "null"
    return {str: "string", int: "integer", float: "number", dict: "object", list: "array"}.get(
        type(value), type(value).__name__)


def _show(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else value
    return text if len(text) <= 40 else text[:37] + "..."


def _percent_hint(value: str) -> str:
    num = value.strip().rstrip("%％").strip().replace(",", ".")
    try:
        f = float(num)
    except ValueError:
        return "0.9（表示 90%）"
    return f"{f / 100:g}" if ("%" in value or "％" in value or f > 1) else f"{f:g}"


def _tag(err: ValidationError) -> str | None:
    s = err.schema
    return s.get("x-policykit") if isinstance(s, dict) else None


def _walk(err: ValidationError, file: str) -> Iterator[Diagnostic]:
    ptr = _ptr(err.absolute_path)
    fld = _field(ptr)
    inst = err.instance
    kind = err.validator
    tag = _tag(err)
    vv: Any = err.validator_value
    sch: dict[str, Any] = err.schema if isinstance(err.schema, dict) else {}

    if kind == "oneOf" and tag == "entry":
        present = [k for k in VALUE_KEYS if isinstance(inst, dict) and k in inst]
        found = f"：{', '.join(present)}" if present else ""
        found_en = f": {', '.join(present)}" if present else ""
        yield codes.make("E_VALUE_KEYS", file, ptr, keys=", ".join(VALUE_KEYS),
                         count=len(present), found=found, found_en=found_en)
        return
    if kind in ("anyOf", "oneOf"):
        takes_year = any(isinstance(b, dict) and b.get("type") == "integer" for b in vv or ())
        if tag == "date" and takes_year and isinstance(inst, int) and not isinstance(inst, bool):
            # A bare year: its form is right, its range is what is wrong.
            yield codes.make("E_RANGE", file, ptr, field=fld, actual=_show(inst),
                             rule_zh=f"年份应在 {YEAR['minimum']} 到 {YEAR['maximum']} 之间",
                             rule_en=f"a year must be between {YEAR['minimum']} and "
                                     f"{YEAR['maximum']}")
            return
        if tag == "date":
            yield codes.make("E_DATE", file, ptr, field=fld, actual=_show(inst),
                             expected_zh="YYYY、YYYY-MM 或 YYYY-MM-DD 且为真实存在的日期",
                             expected_en="YYYY, YYYY-MM or YYYY-MM-DD, a real calendar date")
            return
        if tag == "region_code":
            yield codes.make("E_PATTERN", file, ptr, field=fld, actual=_show(inst),
                             expected_zh="应为 6 位数字的行政区划代码，如 \"441800\"",
                             expected_en="expected a 6-digit region code such as \"441800\"")
            return
        # A value that may be a scalar or a {min, max} range: report against the
        # branch that matches the instance's shape.
        ctx = list(err.context or [])
        if isinstance(inst, dict):
            branch = [e for e in ctx if e.relative_schema_path and e.relative_schema_path[0] == 1]
        else:
            branch = [e for e in ctx if e.relative_schema_path and e.relative_schema_path[0] == 0]
        if branch:
            for sub in branch:
                yield from _walk(sub, file)
            return
    if kind == "type":
        expected = err.validator_value
        exp = expected if isinstance(expected, list) else [expected]
        if isinstance(inst, str) and "number" in exp and _PERCENTISH.match(inst):
            if tag == "ratio":
                yield codes.make("E_PERCENT_TEXT", file, ptr, field=fld, actual=inst,
                                 hint=_percent_hint(inst))
            else:  # an amount, count ... in quotes: not a ratio, no percent hint
                yield codes.make("E_NUMBER_TEXT", file, ptr, field=fld, actual=inst,
                                 hint=inst.strip().replace(",", "."))
            return
        yield codes.make(
            "E_TYPE", file, ptr, field=fld, actual=f"{_show(inst)}（{_type_name(inst)}）",
            expected_zh="或".join(_TYPE_ZH.get(str(t), str(t)) for t in exp),
            expected_en=" or ".join(str(t) for t in exp),
        )
        return
    if kind in ("maximum", "minimum", "exclusiveMaximum", "exclusiveMinimum"):
        if tag == "ratio" and kind == "maximum" and isinstance(inst, (int, float)):
            if 1 < inst <= 100:
                hint = f"是否应为 {inst / 100:g}（{inst:g}%）？"
                hint_en = f"did you mean {inst / 100:g} ({inst:g}%)?"
            else:
                hint, hint_en = "如 0.9 表示 90%", "e.g. 0.9 for 90%"
            yield codes.make("E_RATIO_RANGE", file, ptr, field=fld, actual=_show(inst),
                             hint=hint, hint_en=hint_en)
            return
        op = {"maximum": "≤", "minimum": "≥", "exclusiveMaximum": "<", "exclusiveMinimum": ">"}[kind]
        yield codes.make("E_RANGE", file, ptr, field=fld, actual=_show(inst),
                         rule_zh=f"应 {op} {err.validator_value}",
                         rule_en=f"must be {op} {err.validator_value}")
        return
    if kind == "required":
        missing = [k for k in vv if isinstance(inst, dict) and k not in inst]
        where = f"{fld} " if ptr else "文件顶层"
        where_en = f"{fld}: " if ptr else "top level: "
        for key in missing:
            yield codes.make("E_REQUIRED", file, ptr, field=key, where=where, where_en=where_en)
        return
    if kind == "additionalProperties" and isinstance(inst, dict):
        allowed = list((sch.get("properties") or {}).keys())
        for key in inst:
            if key in allowed:
                continue
            hz, he = codes.did_you_mean(str(key), allowed)
            if not hz:
                hz = f"；可用字段：{', '.join(allowed)}"
                he = f"; allowed: {', '.join(allowed)}"
            kptr = pointer_join(ptr, key)
            yield codes.make("E_UNKNOWN_KEY", file, kptr + "#key", field=kptr,
                             hint_zh=hz, hint_en=he)
        return
    if kind == "enum":
        allowed = [str(v) for v in vv]
        hz, he = codes.did_you_mean(str(inst), allowed)
        yield codes.make("E_ENUM", file, ptr, field=fld, actual=_show(inst),
                         allowed=", ".join(allowed), hint_zh=hz, hint_en=he)
        return
    if kind == "format":
        yield codes.make("E_DATE", file, ptr, field=fld, actual=_show(inst),
                         expected_zh="YYYY-MM-DD 且为真实存在的日期",
                         expected_en="YYYY-MM-DD, a real calendar date")
        return
    if kind == "pattern":
        yield codes.make("E_PATTERN", file, ptr, field=fld, actual=_show(inst),
                         expected_zh=f"应匹配 {err.validator_value}",
                         expected_en=f"must match {err.validator_value}")
        return
    if kind == "propertyNames":
        yield codes.make("E_PATTERN", file, ptr, field=fld, actual=_show(inst),
                         expected_zh="键名只能用小写字母、数字和下划线",
                         expected_en="keys use lower-case letters, digits and underscores")
        return
    yield codes.make("E_SCHEMA", file, ptr, field=fld, detail=err.message)


def diagnose(kind: str, data: Any, file: str) -> list[Diagnostic]:
    """Every schema problem of one file, as Diagnostics (reference validator)."""
    if data is None:
        expected = {"region": "region:", "sources": "sources:", "catalogue": "parameters:"}[kind]
        return [codes.make("E_EMPTY", file, "", expected=expected)]
    out: list[Diagnostic] = []
    for err in _exact(kind).iter_errors(data):
        out.extend(_walk(err, file))
    return out
