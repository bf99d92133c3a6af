"""Dated rule changes within one policy set: what changed, when, and from what.

A change is a history entry with a `start`: on that day the rule takes the entry's
value. Entries known only by an `observed` date are not changes (the day they
began is unknown) and entries with no date at all are not either. The value
before is whatever was in force the day before, inheritance included, found by
the one timeline rule (`PolicySet.resolve`), so a county's first own value shows
the prefecture value it replaced. An entry that restates the value in force
the day before (same value, same bound; only the source or date is new) is not
a change and is left out.

Used by `PolicySet.changes()`, `changes.json` and the site's timeline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from policykit.model.entities import Breakdown, Entry
from policykit.model.timeline import Resolved


class Timelines(Protocol):
    """What the change list needs of a PolicySet (which imports this module, so it
    is named by what it does, not imported: no cycle between the two)."""

    @property
    def rules(self) -> Mapping[tuple[str, str, Breakdown], tuple[Entry, ...]]: ...

    def value_at(self, code: str, parameter: str, day: str,
                 bk: Breakdown = ()) -> Resolved | None: ...


@dataclass(frozen=True, slots=True)
class RuleChange:
    """A rule takes a new value on `date` (the first day of the entry's start)."""

    date: str
    entry: Entry
    previous: Resolved | None

    @property
    def region(self) -> str:
        return self.entry.region

    @property
    def parameter(self) -> str:
        return self.entry.parameter

    @property
    def breakdown(self) -> Breakdown:
        return self.entry.breakdown_items


def day_before(day: str) -> str | None:
    try:
        return (dt.date.fromisoformat(day) - dt.timedelta(days=1)).isoformat()
    except ValueError:
        return None


def restates(before: Entry, after: Entry) -> bool:
    """True when `after` says what `before` already said: the same value with the
    same bound (a new source, notice or date is not a change of value). Two
    unknowns are the same value whatever reason each gives."""
    if before.bound != after.bound:
        return False
    if before.value.is_unknown and after.value.is_unknown:
        return True
    return before.value == after.value


def changes(ps: Timelines) -> list[RuleChange]:
    """Every dated change, newest first; ties by region, parameter, breakdown and
    history order, so the order is the same on every run."""
    found: list[RuleChange] = []
    for key in sorted(ps.rules):
        code, parameter, bk = key
        for e in ps.rules[key]:
            begins = e.begins
            if e.start is None or begins is None:
                continue
            before = day_before(begins)
            previous = None if before is None else ps.value_at(code, parameter, before, bk)
            if previous is not None and restates(previous.entry, e):
                continue
            found.append(RuleChange(begins, e, previous))
    # `found` is in key and history order; a stable sort on the date keeps that for ties.
    found.sort(key=lambda c: c.date, reverse=True)
    return found
