"""Where a JSON pointer is in a policy file: the one pointer → (line, column) service.

Diagnostics and findings name a place by file and JSON pointer (`/rules/0/history/1`);
the line and column are looked up only when one is shown. The fast parser gives no
positions, so a file is parsed again with the exact parser (`yamlsrc.parse_exact`)
the first time a pointer in it is asked for, and its positions are remembered.

The loader gives each PolicySet it builds a `Positions` of its root as the set's
`locator`: the model asks through that hook and never reads files itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from policykit.diagnostics import Diagnostic
from policykit.loader.yamlsrc import parse_exact

PositionMap = dict[str, tuple[int, int]]


def nearest(positions: PositionMap, pointer: str) -> tuple[int, int]:
    """Line and column of a pointer, falling back to its nearest existing parent
    (a missing field is reported where the object holding it starts)."""
    ptr = pointer
    while True:
        if ptr in positions:
            return positions[ptr]
        if not ptr or "/" not in ptr:
            return positions.get("", (1, 1))
        ptr = ptr.rsplit("/", 1)[0]


def place(diags: Iterable[Diagnostic], positions: PositionMap) -> list[Diagnostic]:
    """The diagnostics of one file, each without a line given the line of its pointer."""
    return [d if d.line else d.at(*nearest(positions, d.pointer)) for d in diags]


class Positions:
    """Pointer positions in the files under `root` (paths relative to it), each file
    parsed on first use and remembered. A file that cannot be read or parsed gives
    (1, 1) for every pointer."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._files: dict[str, PositionMap] = {}

    def of(self, rel: str) -> PositionMap:
        positions = self._files.get(rel)
        if positions is None:
            try:
                text = (self.root / rel).read_text(encoding="utf-8")
                positions = parse_exact(text, rel).positions
            except (OSError, UnicodeDecodeError):
                positions = {}
            self._files[rel] = positions
        return positions

    def locate(self, rel: str, pointer: str) -> tuple[int, int]:
        """Line and column of `pointer` in the file `rel` (see `nearest`)."""
        return nearest(self.of(rel), pointer)

    __call__ = locate  # a Positions is the PolicySet's `locator`


def source_pointers(root: Path | None, file: str) -> dict[str, str]:
    """Source id → the JSON pointer of its record in a sources file of `root` (the model
    keeps sources by id, not by place; read only when a message about one is shown)."""
    if root is None:
        return {}
    try:
        data = parse_exact((root / file).read_text(encoding="utf-8"), file).data
    except (OSError, UnicodeDecodeError):
        return {}
    items = data.get("sources") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return {}
    out: dict[str, str] = {}
    for i, raw in enumerate(items):
        if isinstance(raw, dict) and isinstance(raw.get("id"), str):
            out[raw["id"]] = f"/sources/{i}"
    return out
