"""Which files make up a policy folder, and what kind each one is.

Every YAML file under the root is a policy file, found in sorted order; its name says
its kind. A symbolic link is followed only when it stays inside the root.
"""

from __future__ import annotations

import os
from pathlib import Path

from policykit import codes
from policykit.diagnostics import Diagnostic, shown_path

KINDS = {"region.yaml": "region", "sources.yaml": "sources", "catalogue.yaml": "catalogue"}


def kind_of(rel: str) -> str | None:
    """The kind of a policy file by its name; None for a name that is none of them."""
    return KINDS.get(Path(rel).name)


def discover(root: Path, display: str) -> tuple[list[str], list[Diagnostic]]:
    """Every YAML file under root (relative paths, sorted) and symlink problems."""
    real_root = root.resolve()
    found: list[str] = []
    diags: list[Diagnostic] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames.sort()
        here = Path(dirpath)
        for name in sorted(filenames) + [d for d in dirnames if (here / d).is_symlink()]:
            if not name.endswith((".yaml", ".yml")) and not (here / name).is_symlink():
                continue
            path = here / name
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                target = path.resolve()
                if not target.is_relative_to(real_root):
                    diags.append(codes.make("E_SYMLINK", shown_path(display, rel), "",
                                            target=str(os.readlink(path))).at(1, 1))
                    continue
                if not target.is_file():
                    continue
            if name.endswith((".yaml", ".yml")):
                found.append(rel)
    return found, diags
