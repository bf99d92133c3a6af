"""The registry of administrative divisions (policies/registry/): every province,
prefecture and county of the mainland with its code, name, level and parent, so that a
region with no rules of its own is still known, published and findable.

The registry is generated (`nox -s divisions`, docs/decisions.md §Registry); the model
only holds it and answers lookups. Search by name follows one documented rule
(docs/format.md §Registry): a code; else an exact name or short name (清远市, 清远);
else an exact pinyin or short pinyin (qingyuanshi, qingyuan); else names or pinyin that
begin with the query. Withdrawn codes are found only when nothing current matches.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

LEVELS = ("national", "province", "prefecture", "county")
STATUSES = ("current", "added", "withdrawn")
_LATIN = re.compile(r"[a-z]+")


@dataclass(frozen=True, slots=True)
class Division:
    code: str
    name: str
    short: str
    level: str
    parent: str | None
    pinyin: str
    short_pinyin: str
    status: str  # current: in both datasets; added: newer dataset only; withdrawn: older only
    successor: str | None = None
    line: int = 0  # line in divisions.csv (for diagnostics)
    #: other readings a person may type (pypinyin's without the phrase list, where the
    #: two differ: tools/import_divisions.py); found by search, not shown
    pinyin_alt: tuple[str, ...] = ()

    @property
    def withdrawn(self) -> bool:
        return self.status == "withdrawn"


@dataclass
class Registry:
    divisions: dict[str, Division]
    provenance: dict[str, Any] = field(default_factory=dict)
    file: str = ""  # relative to the policy root
    _children: dict[str, list[str]] | None = field(default=None, repr=False)

    def __contains__(self, code: object) -> bool:
        return code in self.divisions

    def get(self, code: str) -> Division | None:
        return self.divisions.get(code)

    def children(self, code: str) -> list[str]:
        if self._children is None:
            index: dict[str, list[str]] = {}
            for c in sorted(self.divisions):
                p = self.divisions[c].parent
                if p is not None:
                    index.setdefault(p, []).append(c)
            self._children = index
        return list(self._children.get(code, ()))

    def province_of(self, code: str) -> str | None:
        """The province-level ancestor of a code (itself for a province)."""
        d = self.divisions.get(code)
        while d is not None and d.level not in ("province", "national"):
            d = self.divisions.get(d.parent or "")
        return d.code if d is not None and d.level == "province" else None

    def counts(self) -> dict[str, int]:
        """Current divisions by level (withdrawn codes are not counted)."""
        out = {lv: 0 for lv in LEVELS[1:]}
        for d in self.divisions.values():
            if d.level in out and not d.withdrawn:
                out[d.level] += 1
        return out

    def find(self, query: str) -> list[Division]:
        """Divisions a person may mean by `query` (see the module docstring), by code."""
        q = "".join(query.split()).lower().replace("'", "").replace("’", "")
        if not q:
            return []
        if q in self.divisions:
            return [self.divisions[q]]
        steps: tuple[Callable[[Division], bool], ...]
        if _LATIN.fullmatch(q) is not None:
            steps = (lambda d: d.pinyin == q or d.short_pinyin == q or q in d.pinyin_alt,
                     lambda d: d.pinyin.startswith(q)
                     or any(a.startswith(q) for a in d.pinyin_alt))
        else:
            steps = (lambda d: d.name == q or d.short == q,
                     lambda d: d.name.startswith(q))
        for test in steps:
            hits = [d for d in self.divisions.values() if test(d)]
            current = [d for d in hits if not d.withdrawn]
            if current or hits:
                return sorted(current or hits, key=lambda d: d.code)
        return []


def preferred(levels: list[str]) -> int | None:
    """Which of several matches a search means when it does not say: the one match at
    the highest level, if only one is there (qingyuan: 清远市 over 清苑区, 青原区, …, as
    a map search does); None when the highest level holds several (朝阳区: Beijing's
    and Changchun's)."""
    if not levels:
        return None
    top = min(LEVELS.index(lv) for lv in levels)
    at_top = [i for i, lv in enumerate(levels) if LEVELS.index(lv) == top]
    return at_top[0] if len(at_top) == 1 else None
