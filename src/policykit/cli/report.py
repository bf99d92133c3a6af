"""Diagnostics on stdout, in the format the user chose by name (`--format`).

text: one line per diagnostic and a count on stderr; json: one document
(`diagnostics.format_json`); github: workflow annotations. Every command that
reports diagnostics (validate, check, show, export, build) uses `report`, so a
`--format json` caller gets JSON whichever command found the problem.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from policykit.diagnostics import (
    Diagnostic,
    format_github,
    format_json,
    format_text,
    is_fatal,
    sort_diagnostics,
)
from policykit.errors import EXIT_DATA, EXIT_OK


def _text(diags: list[Diagnostic], strict: bool, files: int) -> None:
    for d in diags:
        print(format_text(d))
    n = {s: sum(1 for d in diags if d.severity == s) for s in ("error", "warning", "info")}
    acked = sum(1 for d in diags if d.acknowledged)
    ack_zh = f"（其中 {acked} 条已确认）" if acked else ""
    ack_en = f" ({acked} acknowledged)" if acked else ""
    print(
        f"检查了 {files} 个文件：{n['error']} 个错误，{n['warning']} 个警告，{n['info']} 条提示{ack_zh} "
        f"(checked {files} files: {n['error']} errors, {n['warning']} warnings, "
        f"{n['info']} notes{ack_en})",
        file=sys.stderr,
    )


def _json(diags: list[Diagnostic], strict: bool, files: int) -> None:
    print(format_json(diags, strict))


def _github(diags: list[Diagnostic], strict: bool, files: int) -> None:
    for d in diags:
        print(format_github(d))


REPORTERS: dict[str, Callable[[list[Diagnostic], bool, int], None]] = {
    "text": _text, "json": _json, "github": _github,
}
FORMATS = tuple(REPORTERS)
# What each format is, for --help (cli.common.choices_help).
FORMAT_HELP = {
    "text": "逐条文字，末尾统计 / one line per finding and a count",
    "json": "一个 JSON 文档 / one JSON document",
    "github": "GitHub Actions 注释 / GitHub workflow annotations",
}


def report(diags: list[Diagnostic], fmt: str, strict: bool, files: int) -> int:
    """Print `diags` (sorted, duplicates once) as `fmt`; EXIT_DATA when one is fatal."""
    diags = sort_diagnostics(diags)
    REPORTERS[fmt](diags, strict, files)
    return EXIT_DATA if any(is_fatal(d, strict) for d in diags) else EXIT_OK
