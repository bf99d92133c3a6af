"""What every consistency rule needs: an index of the policy set built once, value
comparison, and diagnostics that point at a value's file and line.

Rules never rescan the whole set per region: `Context` groups the rule keys by
parameter and by (region, parameter) in one pass, and the value in force on a date
always comes from `policykit.model.timeline` (`PolicySet.candidates` + `resolve_on`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from policykit.diagnostics import Diagnostic, Severity, shown_path
from policykit.model.days import today
from policykit.model.display import breakdown_zh, value_en, value_zh
from policykit.model.entities import Breakdown, Entry, Parameter, Value
from policykit.model.policyset import PolicySet, RuleKey
from policykit.model.timeline import DEFAULT_STALE_YEARS, Resolved

NUMERIC_KINDS = frozenset({"ratio", "amount", "number", "count", "duration", "adjustment"})


# -- values -----------------------------------------------------------------------------
def span(v: Value) -> tuple[Decimal, Decimal] | None:
    """(lowest, highest) of a numeric value; None for unknown and non-numeric values."""
    ns = v.numbers() if v.kind in NUMERIC_KINDS else ()
    return (ns[0], ns[-1]) if ns else None


def comparable(a: Value, b: Value) -> bool:
    """Same kind, and for durations the same unit, for adjustments the same mode and
    direction (a mode-unknown adjustment compares with nothing)."""
    if a.kind != b.kind or a.kind not in NUMERIC_KINDS:
        return False
    if a.kind == "duration":
        return a.unit == b.unit
    if a.kind == "adjustment":
        return a.mode == b.mode and a.mode != "unknown" and a.direction == b.direction
    return True


def certainly_below(a: Value, b: Value) -> bool:
    """Every reading of a is below every reading of b (ranges overlap → undecided)."""
    sa, sb = span(a), span(b)
    return sa is not None and sb is not None and sa[1] < sb[0]


# -- dates ------------------------------------------------------------------------------
def last_day(partial: str) -> str:
    """The last day a partial date covers: 2020 → 2020-12-31, 2020-02 → 2020-02-29."""
    import calendar

    if len(partial) == 4:
        return partial + "-12-31"
    if len(partial) == 7:
        y, m = int(partial[:4]), int(partial[5:7])
        return f"{partial}-{calendar.monthrange(y, m)[1]:02d}"
    return partial


def entry_id(e: Entry) -> tuple[str, str]:
    return (e.file, e.pointer)


# -- the index and the reporter ------------------------------------------------------------
@dataclass
class Context:
    """The policy set, indexed once for every rule."""

    ps: PolicySet
    display: str = ""
    # The rules the checks walk: every rule, or those of some regions (`part`).
    rules: dict[RuleKey, tuple[Entry, ...]] = field(default_factory=dict)
    by_param: dict[str, list[RuleKey]] = field(default_factory=dict)
    # Of the whole set, whatever the part: what a region inherits comes from anywhere.
    owned: dict[tuple[str, str], list[Breakdown]] = field(default_factory=dict)
    bounded: dict[str, set[str]] = field(default_factory=dict)
    acknowledged: list[Entry] = field(default_factory=list)
    # The regions walked (`part`); None: all of them.
    walked: frozenset[str] | None = None
    # The check's day (`check --at`, default today) and staleness horizon: the rules on
    # how old a confirmation, a temporary measure or a plan is (R27–R29) read them.
    day: str = ""
    stale_years: int = DEFAULT_STALE_YEARS

    @staticmethod
    def of(ps: PolicySet, display: str = "", day: str | None = None,
           stale_years: int = DEFAULT_STALE_YEARS) -> Context:
        by_param: dict[str, list[RuleKey]] = defaultdict(list)
        owned: dict[tuple[str, str], list[Breakdown]] = defaultdict(list)
        bounded: dict[str, set[str]] = defaultdict(set)
        acknowledged: list[Entry] = []
        for key, entries in ps.rules.items():
            region, param, bk = key
            by_param[param].append(key)
            owned[(region, param)].append(bk)
            for e in entries:
                if e.bound != "exact":
                    bounded[param].add(region)
                if e.acknowledge:
                    acknowledged.append(e)
        return Context(ps, display, ps.rules, dict(by_param), dict(owned), dict(bounded),
                       acknowledged, day=day or today(), stale_years=stale_years)

    def part(self, regions: frozenset[str]) -> Context:
        """The same index, walking only the rules of these regions (the part of the set
        one process checks); what they inherit still comes from the whole set."""
        by_param = {pid: mine for pid, keys in self.by_param.items()
                    if (mine := [k for k in keys if k[0] in regions])}
        rules = {k: v for k, v in self.rules.items() if k[0] in regions}
        acknowledged = [e for e in self.acknowledged if e.region in regions]
        return replace(self, rules=rules, by_param=by_param, acknowledged=acknowledged,
                       walked=regions)

    def walks(self, code: str) -> bool:
        """Whether this region's own rules and record are checked here (see `part`)."""
        return self.walked is None or code in self.walked

    # -- lookups
    def param(self, pid: str) -> Parameter | None:
        return self.ps.catalogue.parameters.get(pid)

    def regions_owning(self, *params: str) -> list[str]:
        """Regions with their own rules for any of these parameters."""
        out: set[str] = set()
        for p in params:
            out.update(k[0] for k in self.by_param.get(p, ()))
        return sorted(out)

    def bks_in_chain(self, code: str, param: str) -> set[Breakdown]:
        """Breakdowns of a parameter set by the region or anything it inherits from."""
        out: set[Breakdown] = set()
        for origin in self.ps.chain(code):
            out.update(self.owned.get((origin, param), ()))
        return out

    def has_bounds_in_chain(self, code: str, param: str) -> bool:
        regions = self.bounded.get(param)
        if not regions:
            return False
        return any(c in regions for c in self.ps.chain(code))

    def timeline(self, code: str, param: str, bk: Breakdown,
                 ) -> tuple[Sequence[str], Sequence[Resolved | None]]:
        """The value of one rule for a region (inheritance resolved) from each day on
        which it changes: the policy set's value tables, shared with `value()`."""
        return self.ps.segments(code, param, bk)

    def states(self, code: str, keys: Sequence[tuple[str, Breakdown]],
               ) -> Iterator[tuple[str, list[Resolved | None]]]:
        """For each day on which any of the values may change, the resolved value of
        each (parameter, breakdown) on that day."""
        lines = [self.timeline(code, p, bk) for p, bk in keys]
        if len(lines) == 1:
            days, results = lines[0]
            for day, r in zip(days, results, strict=True):
                yield day, [r]
            return
        # Each line changes at most once a day: the changes by day, then in day order.
        changes: dict[str, list[tuple[int, Resolved | None]]] = {}
        for i, (days, results) in enumerate(lines):
            for day, r in zip(days, results, strict=True):
                changes.setdefault(day, []).append((i, r))
        current: list[Resolved | None] = [None] * len(lines)
        for day in sorted(changes):
            for i, r in changes[day]:
                current[i] = r
            yield day, list(current)

    # -- rendering
    def shown(self, rel: str) -> str:
        return shown_path(self.display, rel)

    def line_of(self, e: Entry) -> tuple[int, int]:
        return self.ps.locate(e.file, e.value_pointer())

    def where(self, e: Entry) -> str:
        return f"{self.shown(e.file)}:{self.line_of(e)[0]}"

    def region_zh(self, code: str) -> str:
        r = self.ps.regions.get(code)
        return r.name.zh if r else code

    def region_en(self, code: str) -> str:
        r = self.ps.regions.get(code)
        return (r.name.en or r.name.zh) if r else code

    def value_zh(self, e: Entry, bare: bool = False) -> str:
        """The value in Chinese; `bare` drops the 不低于/不高于 of a floor/ceiling."""
        return value_zh(e.value, self.param(e.parameter), "exact" if bare else e.bound)

    def value_en(self, e: Entry, bare: bool = False) -> str:
        return value_en(e.value, self.param(e.parameter), "exact" if bare else e.bound)

    def label_zh(self, param: str, bk: Breakdown = ()) -> str:
        p = self.param(param)
        name = p.label.zh if p else param
        extra = breakdown_zh(bk, self.ps.catalogue)
        return name + (f"（{extra}）" if extra else "")

    def label_en(self, param: str, bk: Breakdown = ()) -> str:
        p = self.param(param)
        name = (p.label.en or param) if p else param
        parts = []
        for dim, val in bk:
            d = self.ps.catalogue.dimensions.get(dim)
            parts.append((d.value_label(val).en or val) if d else val)
        return name + (f" ({', '.join(parts)})" if parts else "")

    def dim_value_zh(self, dim: str, val: str) -> str:
        d = self.ps.catalogue.dimensions.get(dim)
        return d.value_label(val).zh if d else val

    def dim_value_en(self, dim: str, val: str) -> str:
        d = self.ps.catalogue.dimensions.get(dim)
        return (d.value_label(val).en or val) if d else val


@dataclass
class Reporter:
    """Builds one rule's diagnostics, each at a value's file and line."""

    ctx: Context
    rule_id: str
    severity: Severity
    _seen: set[object] = field(default_factory=set)

    def once(self, *key: object) -> bool:
        """True the first time a finding key is seen (a pair found on many dates is
        reported once)."""
        if key in self._seen:
            return False
        self._seen.add(key)
        return True

    def at(self, e: Entry, zh: str, en: str, *, pointer: str | None = None,
           severity: Severity | None = None) -> Diagnostic:
        ptr = pointer or e.value_pointer()
        line, col = self.ctx.ps.locate(e.file, ptr)
        return Diagnostic(self.rule_id, severity or self.severity, self.ctx.shown(e.file),
                          line, col, ptr, zh, en)

    def at_file(self, rel: str, pointer: str, zh: str, en: str, *,
                severity: Severity | None = None) -> Diagnostic:
        line, col = self.ctx.ps.locate(rel, pointer)
        return Diagnostic(self.rule_id, severity or self.severity, self.ctx.shown(rel),
                          line, col, pointer, zh, en)
