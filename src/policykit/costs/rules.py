"""The rule values an estimate uses, each as a sound interval with its provenance.

A value is read with the one value-in-force rule (`PolicySet.value_at`: inheritance,
floors and ceilings). It becomes an interval [lo, hi] (hi None: no upper limit):

- an exact number: [n, n];
- a range {min, max}: [min, max];
- unknown, or nothing in force anywhere on the chain: [0, natural maximum] (1 for a
  ratio, none for an amount), narrowed by every floor (`bound: min`) and ceiling
  (`bound: max`) met on the way.

Never a default: what is not known stays as wide as the data leaves it, and the
`missing` text says so in Chinese.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from policykit.model.display import group, pct
from policykit.model.entities import Breakdown, Value
from policykit.model.policyset import PolicySet
from policykit.model.timeline import Resolved

ZERO = Decimal(0)
ONE = Decimal(1)


@dataclass(frozen=True, slots=True)
class RuleValue:
    """One rule as an estimate uses it: the interval, what the data said, and where from."""

    role: str  # what the step calls it, in Chinese (起付线, 报销比例, …)
    parameter: str
    breakdown: Breakdown
    kind: str  # ratio | amount
    lo: Decimal
    hi: Decimal | None  # None: no upper limit known
    state: str  # exact | range | floor | ceiling | bounded | unknown | missing
    resolved: Resolved | None

    @property
    def exact(self) -> bool:
        return self.hi is not None and self.lo == self.hi

    def shown_zh(self) -> str:
        """The value used, as a citizen reads it: 60%, 1,000 元, 70%–100%, 未公布."""
        one = pct if self.kind == "ratio" else (lambda d: f"{group(d)} 元")
        if self.exact:
            return one(self.lo)
        if self.state == "floor" or (self.hi is None and self.lo > 0):
            return f"不低于 {one(self.lo)}"
        if self.hi is None:
            return "未公布"
        if self.state == "ceiling":
            return f"不高于 {one(self.hi)}"
        if self.kind == "ratio" and self.lo == 0 and self.hi == ONE:
            return "未公布"
        return f"{one(self.lo)} 至 {one(self.hi)}"


def _numbers(v: Value) -> tuple[Decimal, Decimal] | None:
    ns = v.numbers() if v.kind in ("ratio", "amount") else ()
    return (ns[0], ns[-1]) if ns else None


def rule_value(ps: PolicySet, code: str, day: str, role: str, parameter: str,
               bk: Breakdown, kind: str) -> RuleValue:
    """The interval of one rule for `code` on `day` (see the module doc)."""
    natural_hi: Decimal | None = ONE if kind == "ratio" else None
    r = ps.value_at(code, parameter, day, bk) if parameter in ps.catalogue.parameters else None
    if r is None:
        return RuleValue(role, parameter, bk, kind, ZERO, natural_hi, "missing", None)
    if r.entry.bound == "exact":
        span = _numbers(r.value)
        if span is not None:
            state = "exact" if span[0] == span[1] else "range"
            return RuleValue(role, parameter, bk, kind, span[0], span[1], state, r)
    lo, hi = ZERO, natural_hi
    state = "unknown"
    for f in r.floors:
        span = _numbers(f.value)
        if span is None:
            continue
        if f.entry.bound == "min" and span[0] > lo:
            lo = span[0]
        elif f.entry.bound == "max" and (hi is None or span[1] < hi):
            hi = span[1]
    if (lo, hi) != (ZERO, natural_hi):
        state = "floor" if hi == natural_hi else "ceiling" if lo == ZERO else "bounded"
    if hi is not None and hi < lo:  # contradictory bounds: the checks report them
        lo, hi = hi, lo
    return RuleValue(role, parameter, bk, kind, lo, hi, state, r)


def missing_zh(rv: RuleValue, effect_zh: str) -> str | None:
    """What a citizen should know about a value that is not exact, or None."""
    if rv.exact:
        return None
    if rv.state in ("missing", "unknown"):
        return f"{rv.role}未公布，{effect_zh}"
    if rv.state == "range":
        return f"{rv.role}只公布了区间（{rv.shown_zh()}），结果按区间两端计算"
    if rv.state == "floor":
        return f"{rv.role}只规定了{rv.shown_zh()}（底线），{effect_zh}"
    if rv.state == "ceiling":
        return f"{rv.role}未公布，只规定了{rv.shown_zh()}，结果按 0 至该上限计算"
    return f"{rv.role}只规定了范围（{rv.shown_zh()}），结果按范围两端计算"
