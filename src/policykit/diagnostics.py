"""Diagnostics are values: one frozen record per problem, never an exception."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Literal

Severity = Literal["error", "warning", "info"]
SEVERITY_ORDER: dict[str, int] = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: str
    severity: Severity
    file: str
    line: int
    col: int
    pointer: str
    message_zh: str
    message_en: str
    # Set when a data file acknowledges this warning with a written reason.
    acknowledged: str | None = None

    def at(self, line: int, col: int) -> Diagnostic:
        return replace(self, line=line, col=col)

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.file, self.line, self.col, self.code, self.message_en)

    def to_json(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": self.severity,
            "file": self.file,
            "line": self.line,
            "col": self.col,
            "pointer": self.pointer,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
            "acknowledged": self.acknowledged,
        }


def shown_path(display: str, rel: str) -> str:
    """A file as messages name it: its path under the policy folder as the user typed it."""
    return rel if display in ("", ".") else f"{display.rstrip('/')}/{rel}"


def is_fatal(d: Diagnostic, strict: bool) -> bool:
    if d.acknowledged is not None:
        return False
    return d.severity == "error" or (strict and d.severity == "warning")


def sort_diagnostics(diags: Iterable[Diagnostic]) -> list[Diagnostic]:
    return sorted(set(diags), key=Diagnostic.sort_key)


# What a terminal would act on instead of showing: C0 and C1 controls (BEL, ESC, CR,
# newline, tab ...), DEL, the bidirectional overrides and isolates and the line and
# paragraph separators.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u2028-\u202e\u2066-\u2069]")
_UNPRINTABLE_KEEP_LINES = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u2028-\u202e\u2066-\u2069]")


def _escape_char(m: re.Match[str]) -> str:
    c = m.group()
    return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(c) or (
        f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")


def printable(text: str) -> str:
    """`text` on one line, safe for a terminal: every control character (newline
    included) written as a visible escape such as \\n or \\x1b."""
    return _UNPRINTABLE.sub(_escape_char, text)


def printable_lines(text: str) -> str:
    """`printable` for text of several lines: the newlines are kept."""
    return _UNPRINTABLE_KEEP_LINES.sub(_escape_char, text)


def format_text(d: Diagnostic) -> str:
    ack = f" [已确认 acknowledged: {printable(d.acknowledged)}]" if d.acknowledged else ""
    return (
        f"{printable(d.file)}:{d.line}:{d.col}: {d.code} {d.severity} "
        f"{printable(d.message_zh)} ({printable(d.message_en)}){ack}"
    )


def _gh_escape(text: str, prop: bool = False) -> str:
    # GitHub Actions workflow-command escaping (see actions/toolkit command.ts).
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    text = printable(text)  # the other controls, which the workflow command keeps
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def format_github(d: Diagnostic) -> str:
    level = {"error": "error", "warning": "warning", "info": "notice"}[d.severity]
    if d.acknowledged:
        level = "notice"
    title = _gh_escape(f"{d.code} {d.severity}", prop=True)
    props = f"file={_gh_escape(d.file, True)},line={d.line},col={d.col},title={title}"
    return f"::{level} {props}::{_gh_escape(f'{d.message_zh} ({d.message_en})')}"


def format_json(diags: list[Diagnostic], strict: bool) -> str:
    payload = {
        "version": 1,
        "ok": not any(is_fatal(d, strict) for d in diags),
        "counts": {s: sum(1 for d in diags if d.severity == s) for s in SEVERITY_ORDER},
        "diagnostics": [d.to_json() for d in diags],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True)
