"""The rule catalogue: every rule declared in the family modules of `check.rules`, in
id order (the order of the findings and of docs/checks.md), and the codes the checker
itself emits."""

from __future__ import annotations

from types import ModuleType

from policykit.check.acknowledge import ACK_ERROR, ACK_UNUSED
from policykit.check.archive import QUOTE_IN_SOURCE, QUOTE_UNVERIFIED
from policykit.check.rule import CHECK_FAILED, MetaCode, Rule
from policykit.check.rules import (
    ages,
    floors,
    ordering,
    periods,
    relations,
    sources,
    structure,
    values,
)

FAMILIES: tuple[ModuleType, ...] = (
    values, relations, ordering, floors, periods, structure, sources, ages)


def _collect(families: tuple[ModuleType, ...]) -> list[Rule]:
    """The `@rule`s of these modules, by number (R2 before R10); an id declared twice
    is a mistake caught at import, not a rule that silently replaces another."""
    found: dict[str, Rule] = {}
    for module in families:
        for value in vars(module).values():
            if not isinstance(value, Rule) or found.get(value.id) is value:
                continue
            if value.id in found:
                raise RuntimeError(f"rule {value.id} is declared twice")
            found[value.id] = value
    return sorted(found.values(), key=lambda r: int(r.id[1:]))


RULES: list[Rule] = _collect(FAMILIES)
RULES_BY_ID: dict[str, Rule] = {r.id: r for r in RULES}
META_CODES: list[MetaCode] = [QUOTE_IN_SOURCE, QUOTE_UNVERIFIED, CHECK_FAILED, ACK_ERROR,
                              ACK_UNUSED]
