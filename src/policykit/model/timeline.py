"""The value in force on a date, and inheritance. Written once; used everywhere.

The rule (docs/format.md §3.3):
1. Only entries with status in_force, temporary or repealed are ever in force.
2. An entry's interval is [start, end); a partial date means its first day. With no
   start, the interval begins on `observed`; with neither, the entry has no date.
3. An entry without an end is superseded by the next entry's start; where explicit
   intervals overlap (a data error the checker reports), the latest start wins.
4. A region without its own value inherits from its pooling region, then its parents,
   then the nation. Entries with bound min/max on the way are floors/ceilings.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from itertools import combinations
from operator import itemgetter

from policykit.model.entities import IN_FORCE_STATUSES, Breakdown, Entry, Value, first_day


@dataclass(frozen=True, slots=True)
class Track:
    """The datable in-force entries of one rule, sorted by the day they begin, with
    the first day each no longer holds (None: open-ended)."""

    begins: tuple[str, ...]
    entries: tuple[Entry, ...]
    ends: tuple[str | None, ...]

    @staticmethod
    def of(entries: list[Entry] | tuple[Entry, ...]) -> Track:
        live: list[tuple[str, Entry]] = []
        for e in entries:  # Entry.can_be_in_force, with `begins` computed once
            if e.status in IN_FORCE_STATUSES:
                start = e.start
                begins = e.observed if start is None else first_day(start)
                if begins is not None:
                    live.append((begins, e))
        live.sort(key=itemgetter(0))  # stable: entries beginning on one day keep their order
        return Track(tuple(b for b, _ in live), tuple(e for _, e in live),
                     tuple(None if e.end is None else first_day(e.end) for _, e in live))

    def at(self, day: str) -> Entry | None:
        i = bisect_right(self.begins, day) - 1
        if i < 0:
            return None
        ends = self.ends
        end = ends[i]
        if end is None or day < end:
            return self.entries[i]
        for j in range(i - 1, -1, -1):
            other_end = ends[j]
            if other_end is not None and day < other_end:
                return self.entries[j]
        return None


@dataclass(frozen=True, slots=True)
class Resolved:
    """A value in force, where it came from, and the floors/ceilings met on the way."""

    entry: Entry
    origin: str
    floors: tuple[Resolved, ...] = ()

    @property
    def value(self) -> Value:
        return self.entry.value

    def inherited_by(self, code: str) -> bool:
        return self.origin != code


def breakdown_fallbacks(bk: Breakdown) -> list[Breakdown]:
    """The breakdown itself, then ever smaller subsets: a rule without a breakdown
    applies to every breakdown of its parameter."""
    out = [bk]
    for size in range(len(bk) - 1, -1, -1):
        out.extend(combinations(bk, size))
    return out


def resolve_on(
    candidates: tuple[tuple[str, Track], ...], day: str,
) -> Resolved | None:
    """Walk the inheritance candidates (nearest first) for one date.

    The first exact value wins; every min/max entry in force on the way, before or
    after it, is reported as a floor/ceiling. With no exact value, the nearest
    floor/ceiling is the result.
    """
    found: Entry | None = None
    found_origin = ""
    bounds: list[Resolved] = []
    for origin, track in candidates:
        e = track.at(day)
        if e is None:
            continue
        if e.bound == "exact":
            if found is None:
                found, found_origin = e, origin
        else:
            bounds.append(Resolved(e, origin))
    if found is not None:
        return Resolved(found, found_origin, tuple(bounds))
    if not bounds:
        return None
    return Resolved(bounds[0].entry, bounds[0].origin, tuple(bounds))
