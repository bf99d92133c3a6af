"""Read the registry of divisions (policies/registry/divisions.csv and provenance.json).

The file is generated, but it lives in the repository and can be edited by hand in a
pull request, so every row is checked: six-digit unique codes, a known level and status,
a parent that exists one level up (or a province for 直辖市 districts and 省直辖县), a
successor that exists. Problems are diagnostics with the file's line, like any policy
file's; a registry with problems is not used (the load reports them and goes on).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import policykit.codes as codes
from policykit.diagnostics import Diagnostic, shown_path
from policykit.model.entities import CODE_RE
from policykit.model.registry import LEVELS, STATUSES, Division, Registry

FOLDER = "registry"
FILE = f"{FOLDER}/divisions.csv"
PROVENANCE = f"{FOLDER}/provenance.json"
HEADER = ["code", "name", "short", "level", "parent", "pinyin", "short_pinyin", "pinyin_alt",
          "status", "successor"]
_DEPTH = {lv: i for i, lv in enumerate(LEVELS)}


def _problem(display: str, rel: str, line: int, what_zh: str, what_en: str) -> Diagnostic:
    return codes.make("E_REGISTRY", shown_path(display, rel), "", what_zh=what_zh,
                      what_en=what_en).at(line, 1)


def read_registry(root: Path, display: str) -> tuple[Registry | None, list[Diagnostic]]:
    """The registry under root, None when the folder has none; and its problems."""
    path = root / FILE
    if not path.is_file():
        return None, []
    diags: list[Diagnostic] = []

    def bad(line: int, zh: str, en: str) -> None:
        diags.append(_problem(display, FILE, line, zh, en))

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        bad(1, f"无法读取：{exc}", f"cannot be read: {exc}")
        return None, diags
    rows = list(csv.reader(text.splitlines()))
    if not rows or rows[0] != HEADER:
        bad(1, f"表头应为 {','.join(HEADER)}", f"the header must be {','.join(HEADER)}")
        return None, diags
    divisions: dict[str, Division] = {}
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != len(HEADER):
            bad(line, f"应有 {len(HEADER)} 列，实有 {len(row)} 列",
                f"expected {len(HEADER)} columns, found {len(row)}")
            continue
        code, name, short, level, parent, pinyin, short_pinyin, alt, status, successor = row
        if not CODE_RE.fullmatch(code):
            bad(line, f"代码 {code!r} 不是六位数字", f"code {code!r} is not six digits")
            continue
        if code in divisions:
            bad(line, f"代码 {code} 重复（第 {divisions[code].line} 行）",
                f"code {code} repeated (line {divisions[code].line})")
            continue
        if level not in LEVELS or status not in STATUSES or not name:
            bad(line, f"层级应为 {'/'.join(LEVELS)}，状态应为 {'/'.join(STATUSES)}，名称不能为空",
                f"level must be one of {'/'.join(LEVELS)}, status one of {'/'.join(STATUSES)}, "
                "and the name not empty")
            continue
        divisions[code] = Division(code, name, short or name, level, parent or None, pinyin,
                                   short_pinyin, status, successor or None, line,
                                   tuple(alt.split()))
    for d in divisions.values():
        up = divisions.get(d.parent or "")
        if d.level == "national":
            ok = d.parent is None
        else:
            ok = up is not None and _DEPTH[up.level] < _DEPTH[d.level]
        if not ok:
            bad(d.line, f"{d.code}（{d.name}）的上级 {d.parent or '（空）'} 不存在或层级不高于它",
                f"{d.code}: parent {d.parent or '(empty)'} is missing or not above it")
        if d.successor is not None and d.successor not in divisions:
            bad(d.line, f"{d.code} 的后继代码 {d.successor} 不存在",
                f"{d.code}: successor {d.successor} does not exist")
    if diags:
        return None, diags
    provenance: dict[str, Any] = {}
    prov = root / PROVENANCE
    if prov.is_file():
        try:
            provenance = json.loads(prov.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            diags.append(_problem(display, PROVENANCE, 1, f"无法读取：{exc}",
                                  f"cannot be read: {exc}"))
    return Registry(divisions, provenance, FILE), diags
