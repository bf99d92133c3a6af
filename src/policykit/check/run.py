"""Running the consistency rules over a loaded, schema-valid PolicySet.

The rules and their catalogue entries are in `check.rules` (collected by
`check.registry`); this module decides which run where: every rule over the whole
set, or over a part of the regions (split across a forked child for large sets, or
only the regions an edit can change for the memo, `check.memo`). One failing rule
(even one that raises) never hides another (`check.rule.run_rule`); acknowledgements
are applied last (`check.acknowledge`).
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path

from policykit.check.acknowledge import acknowledge
from policykit.check.archive import check_quotes_in_sources
from policykit.check.context import Context
from policykit.check.registry import RULES, RULES_BY_ID
from policykit.check.rule import guarded, run_rule
from policykit.diagnostics import Diagnostic
from policykit.model.entities import NATIONAL
from policykit.model.policyset import PolicySet
from policykit.model.timeline import DEFAULT_STALE_YEARS
from policykit.util.fork import MIN_RULES_TO_CHECK, can_fork, forked
from policykit.util.gc import gc_paused

# RULES: the rules `run` runs, the registry's in id order (a test adds a crashing one here).
__all__ = ["RULES", "partition", "run", "run_regions"]

# Large policy sets are checked by two processes (a forked child shares the loaded set):
# each walks the rules of its own part of the regions. The parts are whole groups of
# regions linked by inheritance (in practice: provinces), so a value, the values it is
# compared with and the value tables they need stay in one process, and a finding about
# two values is made in one part only. Rules that look at the catalogue or the sources
# as a whole (`Rule.whole_set`: R14 the catalogue, R24 the sources) run once. Every other
# finding is in the file of the region walked. The size from which a second process pays
# is `util.fork.MIN_RULES_TO_CHECK`.


def partition(ps: PolicySet, n: int) -> list[frozenset[str]]:
    """The regions in `n` parts of about equal numbers of rules; regions linked by
    inheritance (a region and its pooling region and parents, but not the nation,
    which every region inherits from and which only compares with itself) share a part."""
    parent: dict[str, str] = {}

    def find(c: str) -> str:
        root = c
        while parent.setdefault(root, root) != root:
            root = parent[root]
        while c != root:
            parent[c], c = root, parent[c]
        return root

    weight: dict[str, int] = {}
    for code, _, _ in ps.rules:
        weight[code] = weight.get(code, 0) + 1
    for code in sorted(set(ps.regions) | set(weight)):
        for other in ps.chain(code):
            if other != NATIONAL:
                a, b = find(code), find(other)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    groups: dict[str, set[str]] = {}
    for code in sorted(set(ps.regions) | set(weight)):
        groups.setdefault(NATIONAL if code == NATIONAL else find(code), set()).add(code)
    sized = sorted((-sum(weight.get(c, 0) for c in members), root, members)
                   for root, members in groups.items())
    parts: list[set[str]] = [set() for _ in range(n)]
    loads = [0] * n
    for minus_rules, _, members in sized:  # the biggest group first, to the lightest part
        i = loads.index(min(loads))
        parts[i] |= members
        loads[i] -= minus_rules
    return [frozenset(p) for p in parts]


def run(ps: PolicySet, display: str = "", sources: Path | None = None,
        parallel: bool | None = None, day: str | None = None,
        stale_years: int = DEFAULT_STALE_YEARS) -> list[Diagnostic]:
    """Every rule over the policy set; acknowledgements applied. With `sources`, also
    check each quote against the archived text it was verified against (S1, S2). `parallel`: check half
    of the regions in a forked child (default: for large policy sets on more than one
    core); the findings and their order are the same either way (each rule's findings
    in file and line order). `day`: the check's day (default today), which the rules
    on ages (R27–R29) measure from, with the staleness horizon `stale_years`."""
    with _gc_off():
        ctx = Context.of(ps, display, day, stale_years)
        if parallel is None:
            parallel = len(ps.rules) >= MIN_RULES_TO_CHECK and can_fork()
        by_region = [r for r in RULES if not r.whole_set]
        mine, theirs = partition(ps, 2) if parallel else (None, frozenset[str]())

        def child_part() -> dict[str, list[Diagnostic]]:
            part = ctx.part(theirs)
            return {r.id: run_rule(part, r) for r in by_region}

        found: dict[str, list[Diagnostic]] = {}
        with forked(child_part, enabled=bool(parallel)) as from_child:
            part = ctx.part(mine) if mine is not None else ctx
            for rule in RULES:
                found[rule.id] = run_rule(part if rule in by_region else ctx, rule)
            if parallel:
                for rule_id, diags in from_child().items():
                    found[rule_id] += diags
        for rule in by_region:
            found[rule.id].sort(key=Diagnostic.sort_key)
        out: list[Diagnostic] = [d for rule in RULES for d in found[rule.id]]
        if sources is not None:
            out.extend(guarded(ctx, "S1", lambda: check_quotes_in_sources(ctx, sources)))
        return acknowledge(ctx, out, RULES_BY_ID)


def run_regions(ps: PolicySet, display: str, regions: frozenset[str], day: str | None = None,
                stale_years: int = DEFAULT_STALE_YEARS) -> list[Diagnostic]:
    """What `run` finds walking these regions' own rules and records (every rule but
    the whole-set ones), acknowledgements of their values applied: the findings
    `run` reports in these regions' files. `ps` need hold only these regions and
    the regions they inherit from (`check.memo`)."""
    with _gc_off():
        part = Context.of(ps, display, day, stale_years).part(regions)
        found = [d for rule in RULES if not rule.whole_set
                 for d in sorted(run_rule(part, rule), key=Diagnostic.sort_key)]
        return acknowledge(part, found, RULES_BY_ID)


def _gc_off() -> AbstractContextManager[None]:
    """The rules allocate many short-lived objects and create no reference cycles; with
    the whole policy set alive, cyclic GC passes would cost a third of the run."""
    return gc_paused(freeze=False)

