"""The value in force on a date, and inheritance. Written once; used everywhere.

The rule (docs/format.md §3.3):
1. Only entries with status in_force, temporary or repealed are ever in force.
2. An entry's interval is [start, end); a partial date means its first day. With no
   start, the interval begins on `observed`; with neither, the entry has no date.
3. An entry without an end is superseded by the next entry's start; where explicit
   intervals overlap (a data error the checker reports), the latest start wins.
4. A region without its own value inherits from its pooling region, then its parents,
   then the nation. Entries with bound min/max on the way are floors/ceilings.
5. A `planned` entry with a `start` takes effect on that day (it is then in force like
   an in_force entry); a `planned` entry without a start never does.
6. How a value in force is known on a day (`confirmation`): `stated` on the days a
   source vouches for it (inside an explicit [start, end), or on a confirmation day),
   else `carried_forward` from its last confirmation on or before the day. The
   confirmation days of an entry are its first day (start or observed), `observed`,
   its own `checked_on`, the `checked_on` of the region whose file holds it, and the
   date of its source, each counted only inside the entry's interval.
7. A temporary entry without an end is in force as rule 3 says, but is shown as a
   temporary measure whose end is unknown (display.temporary_zh).
8. A parameter marked `by_coverage_year` is looked up by coverage year too
   (`resolve_year`): the entries giving that `coverage_year`, inherited as in rule 4.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from itertools import combinations
from operator import itemgetter

from policykit.model.days import add_years, whole_months
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
            start = e.start
            if e.status in IN_FORCE_STATUSES or (e.status == "planned" and start is not None):
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


STATED = "stated"
CARRIED_FORWARD = "carried_forward"
# A carried-forward value whose last confirmation is older than this is marked
# "可能已过时" (may be out of date); the catalogue's `stale_after_years` overrides it.
DEFAULT_STALE_YEARS = 3


@dataclass(frozen=True, slots=True)
class Confirmation:
    """How the value in force on `day` is known: `stated` (a source or an officer vouches
    for that very day) or `carried_forward` from `confirmed_on`, the last day before
    it on which one did."""

    state: str
    confirmed_on: str
    day: str

    @property
    def carried(self) -> bool:
        return self.state == CARRIED_FORWARD

    def stale(self, years: int = DEFAULT_STALE_YEARS) -> bool:
        """Carried forward for more than `years` years."""
        return self.carried and add_years(self.confirmed_on, years) < self.day

    def age_months(self) -> int:
        return whole_months(self.confirmed_on, self.day)

    def to_plain(self) -> dict[str, str | int | bool]:
        """As the JSON API, `show` and `estimate` give it (docs/format.md §3.3 rule 6)."""
        return {"state": self.state, "confirmed_on": self.confirmed_on,
                "age_months": self.age_months(), "stale": self.stale()}


def confirmation(e: Entry, day: str, region_checked_on: str | None = None,
                 source_date: str | None = None) -> Confirmation:
    """Rule 6: how entry `e`, in force on `day`, is known on that day.
    `region_checked_on` is the checked_on of the region whose file holds `e`;
    `source_date` the date of its source."""
    begins = e.begins
    if begins is None:  # never in force; callers pass entries in force on `day`
        raise ValueError(f"entry without a date: {e.rule_key}")
    ends = e.ends
    if e.start is not None and ends is not None and begins <= day < ends:
        return Confirmation(STATED, day, day)
    last = begins
    for c in (e.observed, e.checked_on, region_checked_on, source_date):
        if c is None:
            continue
        c = first_day(c)
        if begins <= c <= day and (ends is None or c < ends) and c > last:
            last = c
    return Confirmation(STATED if last == day else CARRIED_FORWARD, last, day)


def resolve_year(candidates: tuple[tuple[str, tuple[Entry, ...]], ...],
                 year: int) -> Resolved | None:
    """Rule 8: the value of coverage year `year` (待遇年度), inheritance as in rule 4:
    the nearest entry with that `coverage_year` (in force, temporary or a dated plan;
    the last one in its history wins) is the value, and min/max entries of that year
    on the way are its floors/ceilings. Entries without a coverage year never answer."""
    found: Resolved | None = None
    bounds: list[Resolved] = []
    for origin, entries in candidates:
        mine = [e for e in entries if e.coverage_year == year and e.status != "repealed"
                and (e.status in IN_FORCE_STATUSES or (e.status == "planned" and e.start))]
        if not mine:
            continue
        exact = [e for e in mine if e.bound == "exact"]
        if exact and found is None:
            found = Resolved(exact[-1], origin)
        bounds.extend(Resolved(e, origin) for e in mine if e.bound != "exact")
    if found is not None:
        return Resolved(found.entry, found.origin, tuple(bounds))
    if not bounds:
        return None
    return Resolved(bounds[0].entry, bounds[0].origin, tuple(bounds))
