"""Consistency rules over a loaded, schema-valid PolicySet (the rule catalogue).

Each rule has a stable id, a severity, zh/en titles, a rationale with its source
and a function yielding Diagnostics. `run` executes every rule; one failing rule
(even one that raises) never hides another.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from .diagnostics import Diagnostic, Severity
from .policyset import PolicySet

RuleFn = Callable[[PolicySet], Iterator[Diagnostic]]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    title_zh: str
    title_en: str
    rationale: str
    fn: RuleFn


RULES: list[Rule] = []


def run(ps: PolicySet, display: str = "") -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for rule in RULES:
        out.extend(rule.fn(ps))
    return out
