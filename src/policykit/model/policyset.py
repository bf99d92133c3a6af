"""PolicySet: the loaded, validated policy data and its lookups."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from sys import intern
from typing import Any, Protocol

from policykit.model.arguments import check_region, check_rule, day_of
from policykit.model.changes import RuleChange, changes
from policykit.model.entities import NATIONAL, Breakdown, Catalogue, Entry, Region, Source
from policykit.model.registry import Registry
from policykit.model.timeline import (
    Confirmation,
    Resolved,
    Track,
    breakdown_fallbacks,
    confirmation,
    resolve_on,
    resolve_year,
)

_CLookup: type[_lookup.Lookup] | None
try:  # the C fast path of value() (setup.py builds it where a compiler is found)
    from policykit.model import _lookup

    _CLookup = _lookup.Lookup
except ImportError:  # pragma: no cover - the same lookup runs in Python
    _CLookup = None

RuleKey = tuple[str, str, Breakdown]

# Days already checked by `day_of` (a set hit instead of a parse on each lookup).
_DAYS: set[str] = set()
_DAYS_MAX = 1 << 16


def _checked_day(day: object) -> str:
    text = day_of(day)
    if type(day) is str and len(_DAYS) < _DAYS_MAX:
        _DAYS.add(text)
    return text
# A value() table, flat in one tuple so a lookup touches one object:
# (h, break_1 .. break_n, None, answer_0 .. answer_n) with h = n + 1; answer_i holds
# from break_i (inclusive) to break_i+1, answer_0 before any break.
Table = tuple[Any, ...]


def breakdown_key(breakdown: dict[str, str]) -> Breakdown:
    return tuple(sorted(breakdown.items()))


def _same(a: Resolved | None, b: Resolved | None) -> bool:
    """The same answer: the same entry objects from the same origins."""
    if a is b:
        return True
    if a is None or b is None:
        return False
    return (a.entry is b.entry and a.origin == b.origin and len(a.floors) == len(b.floors)
            and all(_same(x, y) for x, y in zip(a.floors, b.floors, strict=True)))


def _overlay(code: str, own: tuple[Track, ...], below: Table) -> Table:
    """`_tabulate` of (own tracks + the candidates of `below`), from `below`'s answers:
    the first exact value wins, and every floor/ceiling on the way is listed, own
    ones first (the timeline rule, as in `resolve_on`)."""
    h = below[0]
    low_days, low_answers = below[1:h], below[h + 1:]
    days: set[str] = set(low_days)
    for track in own:
        days.update(track.begins)
        days.update(d for d in track.ends if d is not None)
    breaks: list[str] = []
    answers: list[Resolved | None] = [None]
    if len(own) == 1 and _plain(own[0]):
        _overlay_plain(code, own[0], sorted(days), low_days, low_answers, breaks, answers)
        return (len(breaks) + 1, *breaks, None, *answers)
    i, n = 0, len(low_days)
    for d in sorted(days):
        while i < n and low_days[i] <= d:
            i += 1
        low = low_answers[i]
        found: Entry | None = None
        mine: list[Resolved] = []
        for track in own:
            e = track.at(d)
            if e is None:
                continue
            if e.bound != "exact":
                mine.append(Resolved(e, code))
            elif found is None:
                found = e
        answer: Resolved | None = low
        if found is not None or mine:
            floors = (*mine, *low.floors) if low is not None else tuple(mine)
            if found is not None:
                answer = Resolved(found, code, floors)
            elif low is not None and low.entry.bound == "exact":
                answer = Resolved(low.entry, low.origin, floors)
            else:
                answer = Resolved(floors[0].entry, floors[0].origin, floors)
        if not _same(answer, answers[-1]):
            breaks.append(intern(d))
            answers.append(answer)
    return (len(breaks) + 1, *breaks, None, *answers)


class Locator(Protocol):
    """Line and column of a JSON pointer in a policy file (a path relative to the
    set's root). The loader gives a set it built from files one that reads them."""

    def __call__(self, file: str, pointer: str, /) -> tuple[int, int]: ...


def _nowhere(file: str, pointer: str, /) -> tuple[int, int]:
    """The locator of a set not read from files (built in code, or from the API)."""
    return (1, 1)


class ValueLookup(Protocol):
    """`PolicySet.value`: the value in force for a region on a day."""

    def __call__(self, code: str, parameter: str, day: str,
                 **breakdown: str) -> Resolved | None: ...


class Linked(Protocol):
    """What inheritance needs of a region."""

    @property
    def parent(self) -> str | None: ...

    @property
    def pooling_region(self) -> str | None: ...


def inheritance_chain(code: str, regions: Mapping[str, Linked]) -> tuple[str, ...]:
    """Where a region's rules come from, nearest first: itself, its pooling region,
    its parents, the nation (those of them that exist)."""
    out: list[str] = []

    def add(c: str | None) -> None:
        if c is not None and c not in out and c in regions:
            out.append(c)

    add(code)
    region = regions.get(code)
    if region is not None:
        add(region.pooling_region)
        seen = {code}
        cur = region.parent
        while cur is not None and cur not in seen and cur in regions:
            seen.add(cur)
            add(cur)
            cur = regions[cur].parent
    add(NATIONAL)
    return tuple(out)


def _plain(track: Track) -> bool:
    """Exact values only, each open-ended (superseded by the next): the usual rule."""
    return (track.ends.count(None) == len(track.ends)
            and all(e.bound == "exact" for e in track.entries))


def _overlay_plain(code: str, track: Track, days: list[str], low_days: tuple[str, ...],
                   low_answers: tuple[Resolved | None, ...], breaks: list[str],
                   answers: list[Resolved | None]) -> None:
    """`_overlay` for one plain own track: from its first day on, its latest entry
    wins and the floors are those of `below`; the two walks advance together."""
    begins, entries = track.begins, track.entries
    i = j = 0
    n, m = len(low_days), len(begins)
    for d in days:
        while i < n and low_days[i] <= d:
            i += 1
        while j < m and begins[j] <= d:
            j += 1
        low = low_answers[i]
        prev = answers[-1]
        answer: Resolved | None
        if j == 0:
            answer = low
        else:
            e = entries[j - 1]
            floors = low.floors if low is not None else ()
            if prev is not None and prev.entry is e and prev.floors is floors:
                continue
            answer = Resolved(e, code, floors)
        if not _same(answer, prev):
            breaks.append(intern(d))
            answers.append(answer)


@dataclass(eq=False, repr=False)
class PolicySet:
    """Regions, catalogue, sources and rules. Equality compares the data only."""

    catalogue: Catalogue
    regions: dict[str, Region]
    sources: dict[str, Source]
    rules: dict[RuleKey, tuple[Entry, ...]]
    root: Path | None = None
    locator: Locator = field(default=_nowhere, repr=False)
    # The division registry the regions were checked against (None: the folder has none).
    registry: Registry | None = field(default=None, repr=False)
    _tracks: dict[RuleKey, Track] = field(default_factory=dict, repr=False)
    _candidates: dict[RuleKey, tuple[tuple[str, Track], ...]] = field(
        default_factory=dict, repr=False)
    _chains: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)
    # value() tables, then by region code: by parameter (no breakdown); by parameter,
    # breakdown name and value (one breakdown); by parameter and sorted breakdown.
    _tables: dict[str, dict[str, Table]] = field(default_factory=dict, repr=False)
    _tables1: dict[str, dict[str, dict[str, dict[str, Table]]]] = field(
        default_factory=dict, repr=False)
    _tablesn: dict[tuple[str, Breakdown], dict[str, Table]] = field(
        default_factory=dict, repr=False)
    _keys_by_region: dict[str, list[tuple[str, Breakdown]]] | None = field(
        default=None, repr=False)
    _children: dict[str, list[Region]] | None = field(default=None, repr=False)
    _changes: tuple[RuleChange, ...] | None = field(default=None, repr=False)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PolicySet):
            return NotImplemented
        return (self.catalogue == other.catalogue and self.regions == other.regions
                and self.sources == other.sources and self.rules == other.rules)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        # A summary: the data itself runs to megabytes (and shows in every traceback
        # and in the repr of `value`).
        values = sum(len(v) for v in self.rules.values())
        where = f" from {self.root}" if self.root is not None else ""
        return (f"<PolicySet: {len(self.regions)} regions, {len(self.rules)} rules, "
                f"{values} values{where}>")

    # -- browsing -------------------------------------------------------------
    @property
    def parameters(self) -> dict[str, object]:
        return dict(self.catalogue.parameters)

    def region(self, code: str) -> Region:
        """The region of a code; UnknownRegionError (with a did-you-mean) if none."""
        region = self.regions.get(code) if isinstance(code, str) else None
        return region if region is not None else self.regions[check_region(self.regions, code)]

    def find_regions(self, query: str) -> list[Region]:
        """The regions a person may mean by `query`: a code, a Chinese name or short name
        (清远市, 清远) or pinyin (qingyuan), by the registry's rule (model/registry.py);
        without a registry, by code, Chinese name or English name only."""
        if self.registry is not None:
            return [self.regions[d.code] for d in self.registry.find(query)
                    if d.code in self.regions]
        q = query.strip()
        if q in self.regions:
            return [self.regions[q]]
        return [r for _, r in sorted(self.regions.items())
                if r.name.zh == q or (r.name.en or "").lower() == q.lower()
                or (len(q) >= 2 and r.name.zh.startswith(q))]

    def entries(self) -> Iterator[Entry]:
        for key in sorted(self.rules):
            yield from self.rules[key]

    def children(self, code: str) -> list[Region]:
        """The regions whose parent is `code`, by code (indexed once: the API asks for
        every region's children)."""
        if self._children is None:
            index: dict[str, list[Region]] = {}
            for c in sorted(self.regions):
                r = self.regions[c]
                if r.parent is not None:
                    index.setdefault(r.parent, []).append(r)
            self._children = index
        return list(self._children.get(code, ()))

    # -- inheritance ----------------------------------------------------------
    def chain(self, code: str) -> tuple[str, ...]:
        """Where a region's rules come from, nearest first: itself, its pooling
        region, its parents, the nation."""
        cached = self._chains.get(code)
        if cached is None:
            cached = self._chains[code] = inheritance_chain(code, self.regions)
        return cached

    def ancestors(self, code: str) -> tuple[str, ...]:
        return self.chain(code)[1:]

    def track(self, key: RuleKey) -> Track:
        t = self._tracks.get(key)
        if t is None:
            t = Track.of(self.rules.get(key, ()))
            self._tracks[key] = t
        return t

    def candidates(self, code: str, parameter: str,
                   bk: Breakdown) -> tuple[tuple[str, Track], ...]:
        key = (code, parameter, bk)
        cached = self._candidates.get(key)
        if cached is not None:
            return cached
        out = []
        fallbacks = breakdown_fallbacks(bk)
        for origin in self.chain(code):
            for sub in fallbacks:
                rk = (origin, parameter, sub)
                if rk in self.rules:
                    out.append((origin, self.track(rk)))
        result = tuple(out)
        self._candidates[key] = result
        return result

    def resolve(self, code: str, parameter: str, day: str,
                bk: Breakdown = ()) -> Resolved | None:
        return resolve_on(self.candidates(code, parameter, bk), day)

    @cached_property
    def value(self) -> ValueLookup:
        """The value in force for a region on a day (YYYY-MM-DD), inheritance resolved:
        `ps.value(code, parameter, day, **breakdown)`.

        Fast path: per (region, parameter, breakdown) the answer only changes on the
        days some candidate entry begins or ends, so those days and the answer from
        each (computed by the timeline rule) are tabulated once, flat in one tuple; a
        lookup is then a few dict hits and a bisect. Those hits run in C where the
        extension `policykit.model._lookup` is built (it falls back to `_value` for anything
        else, such as a table not built yet); `_value` is the same in Python.
        """
        if _CLookup is None:
            return self._value
        return _CLookup(self._tables, self._tables1, self._value)

    def _value(self, code: str, parameter: str, day: str, **breakdown: str) -> Resolved | None:
        """`value()` in Python (the reference; the C path returns the same objects).
        Arguments are checked here (`model.arguments`): the day on every call (a set
        hit for a day seen before), the rest when its table is first built."""
        if type(day) is not str or day not in _DAYS:
            day = _checked_day(day)
        # The tables are found by the parameter alone, or with the breakdown, then by
        # the region. Nested dicts of plain strings: the small outer ones stay in cache
        # and strings hash fast and compare by identity, where a tuple key would be
        # built, hashed and compared (one more cache miss) on every call.
        if not breakdown:
            try:
                table = self._tables[parameter][code]
            except (KeyError, TypeError):
                table = self._new_table(code, parameter, ())
        elif len(breakdown) == 1:
            name, v = breakdown.popitem()  # **breakdown is this call's own dict
            try:
                table = self._tables1[parameter][name][v][code]
            except (KeyError, TypeError):
                table = self._new_table(code, parameter, ((name, v),))
        else:
            bk = tuple(sorted(breakdown.items()))
            try:
                table = self._tablesn[parameter, bk][code]
            except (KeyError, TypeError):
                table = self._new_table(code, parameter, bk)
        h = table[0]
        answer: Resolved | None = table[h + bisect_right(table, day, 1, h)]
        return answer

    def segments(self, code: str, parameter: str, bk: Breakdown = (),
                 ) -> tuple[tuple[str, ...], tuple[Resolved | None, ...]]:
        """When a rule's value in force for a region changes: the days, and the value
        from each of them on (None: nothing in force from then). Before the first day
        nothing is in force. The same tables as `value()`; the checks walk them."""
        table = self._table(code, parameter, bk)
        h = table[0]
        return table[1:h], table[h + 2:]

    def value_at(self, code: str, parameter: str, day: str,
                 bk: Breakdown = ()) -> Resolved | None:
        """`value()` for callers holding a rule key (breakdown as a sorted tuple)."""
        table = self._table(code, parameter, bk)
        h = table[0]
        answer: Resolved | None = table[h + bisect_right(table, day, 1, h)]
        return answer

    def _slot(self, parameter: str, bk: Breakdown) -> dict[str, Table]:
        """The tables of a rule key by region (see value()), created when missing."""
        if not bk:
            return self._tables.setdefault(parameter, {})
        if len(bk) == 1:
            ((name, v),) = bk
            return self._tables1.setdefault(parameter, {}).setdefault(name, {}).setdefault(v, {})
        return self._tablesn.setdefault((parameter, bk), {})

    def _table(self, code: str, parameter: str, bk: Breakdown) -> Table:
        table = self._slot(parameter, bk).get(code)
        return table if table is not None else self._add_table(code, parameter, bk)

    def _new_table(self, code: str, parameter: str, bk: Breakdown) -> Table:
        """`_add_table` for a caller's arguments, checked first: an unknown region,
        parameter, dimension or value raises (and never gets a table)."""
        check_region(self.regions, code)
        check_rule(self.catalogue, parameter, bk)
        return self._add_table(code, parameter, bk)

    def _add_table(self, code: str, parameter: str, bk: Breakdown) -> Table:
        pid = self.catalogue.resolve_id(parameter) or parameter
        table = self._layered(code, pid, bk)
        if table is None:
            table = self._tabulate(self.candidates(code, pid, bk))
        self._slot(parameter, bk)[code] = table
        return table

    def _layered(self, code: str, pid: str, bk: Breakdown) -> Table | None:
        """The table as the region's own entries laid over the table of the region it
        inherits from next, when the rest of its chain is that region's chain (the
        usual case; else None). An ancestor's table is then built once, not once per
        descendant, and a region with no entries of its own shares it."""
        chain = self.chain(code)
        if len(chain) < 2 or self.chain(chain[1]) != chain[1:]:
            return None
        below = self._table(chain[1], pid, bk)
        own = tuple(self.track(key) for sub in breakdown_fallbacks(bk)
                    if (key := (code, pid, sub)) in self.rules)
        return _overlay(code, own, below) if own else below

    @staticmethod
    def _tabulate(candidates: tuple[tuple[str, Track], ...]) -> Table:
        days: set[str] = set()
        for _, track in candidates:
            days.update(track.begins)
            days.update(e.ends for e in track.entries if e.ends is not None)
        # Interned: tables of many rules share a few hundred day strings, which keeps
        # the bisect in cache when lookups jump between rules.
        breaks: list[str] = []
        # answers[i] holds for days in [breaks[i-1], breaks[i]); answers[0] before any.
        # A break day where the answer stays the same (same entries and origins) is
        # dropped: that halves the tables, so fewer cache lines per lookup.
        answers: list[Resolved | None] = [None]
        for d in sorted(days):
            answer = resolve_on(candidates, d)
            if not _same(answer, answers[-1]):
                breaks.append(intern(d))
                answers.append(answer)
        return (len(breaks) + 1, *breaks, None, *answers)

    def in_force(self, code: str, day: str) -> dict[tuple[str, Breakdown], Resolved]:
        """Every rule in force for a region on a day, own and inherited."""
        check_region(self.regions, code)
        if type(day) is not str or day not in _DAYS:
            day = _checked_day(day)
        if self._keys_by_region is None:
            index: dict[str, list[tuple[str, Breakdown]]] = {}
            for region, parameter, bk in self.rules:
                index.setdefault(region, []).append((parameter, bk))
            self._keys_by_region = index
        keys: set[tuple[str, Breakdown]] = set()
        for origin in self.chain(code):
            keys.update(self._keys_by_region.get(origin, ()))
        out = {}
        for parameter, bk in sorted(keys):
            r = self.value_at(code, parameter, day, bk)
            if r is not None:
                out[(parameter, bk)] = r
        return out

    def for_coverage_year(self, code: str, parameter: str, year: int,
                          bk: Breakdown = ()) -> Resolved | None:
        """The value of a coverage year (待遇年度) for a region, inheritance resolved
        (timeline rule 8)."""
        pid = self.catalogue.resolve_id(parameter) or parameter
        fallbacks = breakdown_fallbacks(bk)
        candidates = tuple((origin, self.rules[key]) for origin in self.chain(code)
                           for sub in fallbacks if (key := (origin, pid, sub)) in self.rules)
        return resolve_year(candidates, year)

    def confirmation(self, r: Resolved, day: str) -> Confirmation:
        """How the value `r`, in force on `day`, is known that day (timeline rule 6): the
        region whose file holds it gives its `checked_on`, its source its date."""
        e = r.entry
        region = self.regions.get(e.region)
        src = self.sources.get(e.source)
        return confirmation(e, day, None if region is None else region.checked_on,
                            None if src is None else src.date)

    def changes(self) -> list[RuleChange]:
        """Every dated rule change, newest first (see `policykit.changes`); computed
        once (the JSON API and the site both list them)."""
        if self._changes is None:
            self._changes = tuple(changes(self))
        return list(self._changes)

    # -- positions --------------------------------------------------------------
    def locate(self, file: str, pointer: str) -> tuple[int, int]:
        """Line and column of a JSON pointer in a policy file (see `locator`)."""
        return self.locator(file, pointer)
