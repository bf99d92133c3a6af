"""`policykit new CODE`: a region file scaffolded from the division registry.

The file goes where the folder convention puts it (regions/<province>/<prefecture>/
<code>-<name>/region.yaml, reusing an ancestor's folder when one exists under any
name that starts with its code), with the schema modeline for editor completion, the
registry's name, level and parent, and an empty `rules:`; it passes `check` unchanged.
"""

from __future__ import annotations

import os
from pathlib import Path

from policykit.errors import EXIT_DATA, EXIT_USAGE, PolicykitError
from policykit.loader.registry import read_registry
from policykit.model.registry import Division, Registry


class ScaffoldError(PolicykitError):
    code = "E_SCAFFOLD"
    exit_code = EXIT_USAGE


def _folder_for(parent: Path, d: Division) -> Path:
    """An existing folder for the division (its name starts with the code), else a new one."""
    if parent.is_dir():
        for child in sorted(parent.iterdir()):
            if child.is_dir() and child.name[:6] == d.code:
                return child
    return parent / f"{d.code}-{d.name}"


def scaffold_path(root: Path, registry: Registry, code: str) -> Path:
    chain: list[Division] = []
    d = registry.get(code)
    while d is not None and d.level != "national":
        chain.append(d)
        d = registry.get(d.parent or "")
    folder = root / "regions"
    for d in reversed(chain):
        folder = _folder_for(folder, d)
    return folder / "region.yaml"


def scaffold_text(registry: Registry, code: str, file: Path, root: Path) -> str:
    d = registry.divisions[code]
    schema = Path(os.path.relpath(root.resolve().parent / "schemas" / "region.schema.json",
                                  file.parent.resolve())).as_posix()
    parent = f'\n  parent: "{d.parent}"' if d.parent is not None else ""
    return (f"# yaml-language-server: $schema={schema}\n"
            f"# {d.name}：由 `policykit new {code}` 按区划登记表生成。在 rules 下添加规则，"
            "每个数值都要有来源和原文摘录（docs/format.md）。\n"
            "region:\n"
            f'  code: "{d.code}"\n'
            f"  name: {{zh: {d.name}}}\n"
            f"  level: {d.level}{parent}\n"
            "rules: []\n")


def scaffold_region(root: Path, code: str) -> Path:
    """Write the scaffold for `code` under root and return its path. Raises
    ScaffoldError for a folder without a registry, an unknown code (with the
    divisions of that name, when the argument is a name) or an existing file."""
    registry, diags = read_registry(root, str(root))
    if registry is None:
        if diags:
            raise ScaffoldError(f"区划登记表有误：{diags[0].message_zh}",
                                f"the division registry has problems: {diags[0].message_en}",
                                exit_code=EXIT_DATA)
        raise ScaffoldError(f"{root} 下没有区划登记表 registry/divisions.csv",
                            f"no division registry (registry/divisions.csv) under {root}")
    d = registry.get(code)
    if d is None or d.level == "national":
        near = registry.find(code)
        hint = "、".join(f"{n.code} {n.name}" for n in near[:8])
        raise ScaffoldError(
            f"区划登记表中没有代码 {code}" + (f"；是否指：{hint}？" if hint else ""),
            f"code {code} is not in the division registry" + (f"; did you mean: {hint}?"
                                                               if hint else ""))
    path = scaffold_path(root, registry, code)
    if path.exists():
        raise ScaffoldError(f"{path} 已存在，未改动", f"{path} already exists; left unchanged")
    text = scaffold_text(registry, code, path, root)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)  # never a half-written region file
    return path
