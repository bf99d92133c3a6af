"""Helpers every family of rules shares: citing a compared value with its file and
line, the exact value in force, and the catalogue lookups the rules guard with."""

from __future__ import annotations

from collections.abc import Iterator

from policykit.check.context import Context
from policykit.diagnostics import Diagnostic
from policykit.model.entities import Breakdown, Entry, Parameter
from policykit.model.timeline import Resolved

Diags = Iterator[Diagnostic]


def cite_zh(ctx: Context, e: Entry, with_region: bool = True, bare: bool = False,
            where: bool = True) -> str:
    """An entry's value with the file and line it comes from (the compared value)."""
    region = f"{ctx.region_zh(e.region)} " if with_region else ""
    loc = f"（{ctx.where(e)}）" if where else ""
    return f"{region}{ctx.value_zh(e, bare)}{loc}"


def cite_en(ctx: Context, e: Entry, with_region: bool = True, bare: bool = False,
            where: bool = True) -> str:
    region = f"{ctx.region_en(e.region)} " if with_region else ""
    loc = f" ({ctx.where(e)})" if where else ""
    return f"{region}{ctx.value_en(e, bare)}{loc}"


def rel_zh(ctx: Context, e: Entry, target: Entry) -> str:
    """An entry cited in a diagnostic located at `target`: its region when it differs,
    its file and line unless it is the target itself."""
    return cite_zh(ctx, e, e.region != target.region, where=e is not target)


def rel_en(ctx: Context, e: Entry, target: Entry) -> str:
    return cite_en(ctx, e, e.region != target.region, where=e is not target)


def exact_entry(r: Resolved | None) -> Entry | None:
    """The resolved entry when it is an exact, known value."""
    if r is None or r.entry.bound != "exact" or r.entry.value.is_unknown:
        return None
    return r.entry


def projected(bk: Breakdown, p: Parameter) -> Breakdown:
    return tuple((d, v) for d, v in bk if d in p.dimensions)


def has_params(ctx: Context, *pids: str) -> bool:
    return all(p in ctx.ps.catalogue.parameters for p in pids)


def is_share_unit(p: Parameter) -> bool:
    if p.unit is None:
        return False
    en = (p.unit.en or "").lower()
    return en.startswith(("share of", "proportion of", "fraction of")) or "比例" in p.unit.zh
