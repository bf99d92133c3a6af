"""What the renderers share: the two sides of a diff (`SideInfo`, `Sides`), and how a
change list reads to a person: a change that many regions show because they
inherit one region's value is one change under its origin ("全国 · …: 580 → 610，影响
11 个地区"), and a new dated entry that supersedes an earlier value is "旧值 → 新值，
自 日期 起", not a bare addition.

Pure functions over the changes of `compare` and the policy sets they came from; the
renderers (`render`) use them for every format. The change list itself is unchanged
(its properties — mirror, apply — hold as before).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from policykit.diff.compare import Change
from policykit.model.display import period_zh, rule_label_zh
from policykit.model.entities import Entry
from policykit.model.policyset import PolicySet
from policykit.model.timeline import Track


@dataclass(frozen=True, slots=True)
class SideInfo:
    """What one side of a diff is: a revision, a folder, or a date of one tree."""

    label: str
    kind: str  # revision | folder | date
    commit: str | None = None
    path: str | None = None
    date: str | None = None

    def text(self) -> str:
        where = f"{self.label} ({self.commit[:12]})" if self.commit else self.label
        return f"{self.date} @ {where}" if self.date else where

    def to_plain(self) -> dict[str, Any]:
        return {"label": self.label, "kind": self.kind, "commit": self.commit,
                "path": self.path, "date": self.date}


@dataclass(frozen=True)
class Sides:
    old: PolicySet
    new: PolicySet
    old_info: SideInfo
    new_info: SideInfo

    def region_name(self, code: str) -> str:
        r = self.new.regions.get(code) or self.old.regions.get(code)
        return f"{r.name.zh}（{code}）" if r is not None else code

    def rule_label(self, c: Change) -> str:
        cat = (self.new.catalogue if c.parameter in self.new.catalogue.parameters
               else self.old.catalogue)
        return rule_label_zh(c.parameter, c.breakdown, cat)



@dataclass(frozen=True)
class Inherited:
    """One change of an origin's rule and every region that shows it.

    change   the change as seen at the origin (key = origin, no "继承自")
    regions  every region whose rule in force changes this way, sorted; the origin
             itself is among them when it changed too.
    """

    origin: str
    change: Change
    regions: tuple[str, ...]


def _origin(c: Change) -> str | None:
    if c.scope != "rule":
        return None
    if c.action == "added":
        return c.new_origin
    if c.action == "removed":
        return c.old_origin
    return c.old_origin if c.old_origin == c.new_origin else None


def group_inherited(changes: list[Change]) -> tuple[list[Inherited], list[Change]]:
    """The inherited changes, one per origin's change (in the list's order), and the
    changes left to show region by region. A change only its own region shows stays
    there; so does one whose origin differs between the dates."""
    buckets: dict[tuple[object, ...], list[Change]] = {}
    for c in changes:
        origin = _origin(c)
        if origin is None:
            continue
        # Inheriting regions hold the very entries of the origin: identity is the key.
        key = (origin, c.parameter, c.breakdown, c.action, id(c.old), id(c.new))
        buckets.setdefault(key, []).append(c)
    grouped: set[int] = set()
    groups: list[Inherited] = []
    for bucket_key, members in buckets.items():
        origin = str(bucket_key[0])
        if all(m.key == origin for m in members):
            continue
        first = next((m for m in members if m.key == origin), members[0])
        shown = replace(first, key=origin,
                        old_origin=origin if first.old is not None else None,
                        new_origin=origin if first.new is not None else None)
        groups.append(Inherited(origin, shown, tuple(sorted(m.key for m in members))))
        grouped.update(id(m) for m in members)
    return groups, [c for c in changes if id(c) not in grouped]


def _day_before(day: str) -> str:
    return (date.fromisoformat(day) - timedelta(days=1)).isoformat()


def superseded(c: Change, ps: PolicySet) -> Entry | None:
    """For an added dated entry: the region's own entry in force the day before it
    begins (the value it replaces), if any. Looked up in `ps`, the new side."""
    if c.scope != "rule" or c.action != "added" or not isinstance(c.new, Entry):
        return None
    if c.new_origin is not None and c.new_origin != c.key:
        return None
    begins = c.new.begins
    if begins is None:
        return None
    try:
        day = _day_before(begins)
    except ValueError:
        return None
    track = Track.of(ps.rules.get((c.key, c.new.parameter, c.breakdown), ()))
    prev = track.at(day)
    return prev if prev is not None and prev is not c.new else None


def regions_zh(n: int) -> str:
    return f"影响 {n:,} 个地区"


def regions_en(n: int) -> str:
    return f"{n:,} region{'s' if n != 1 else ''} affected"


def since(e: Entry) -> str:
    """When a new dated value takes over: "自 2022-01-01 起" (and its end, if any)."""
    if e.start is None:
        return period_zh(e)
    return f"自 {e.start} 起" + (f"，至 {e.end}（不含）" if e.end else "")


def supersedes(old: Entry, new: Entry) -> bool:
    """`new` is a later dated value taking over from `old`."""
    return old is not new and (new.begins or "") > (old.begins or "")


def inherited_summary(groups: list[Inherited]) -> tuple[str, str] | None:
    """The line saying how many region changes are inherited ones, listed once each."""
    if not groups:
        return None
    n = sum(len(g.regions) for g in groups)
    return (f"其中 {n:,} 项是 {len(groups)} 项变化被下级地区继承，按来源各列一次",
            f"{n:,} of them are {len(groups)} change{'s' if len(groups) != 1 else ''} "
            f"inherited by other regions, listed once under their origin")
