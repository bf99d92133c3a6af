"""What a consistency rule is, and running one.

A rule's catalogue entry (id, severity, zh/en titles, a rationale with its source,
an example of data that breaks it) is declared with `@rule(...)` on the function
that finds its problems, so the two are read and changed together; the decorated
name is the `Rule`. `check.registry` collects the rules of every family module.
Codes the checker itself emits (not data rules) are `MetaCode`s, declared beside
the code that emits them. One failing rule, even one that raises, never hides
another: `run_rule` turns a crash into an E_CHECK_FAILED finding.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from policykit.check.context import Context, Reporter
from policykit.diagnostics import Diagnostic, Severity

RuleFn = Callable[[Reporter], Iterable[Diagnostic]]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    title_zh: str
    title_en: str
    rationale: str
    fn: RuleFn
    example: str = ""
    # Lower severities some findings of this rule take (e.g. R4 deductibles: warning).
    also: tuple[Severity, ...] = ()
    # Looks at the catalogue or the sources as a whole, not region by region: runs once,
    # never in a part of the regions (see `check.run`).
    whole_set: bool = False


def rule(rule_id: str, severity: Severity, title_zh: str, title_en: str, *, rationale: str,
         example: str, also: tuple[Severity, ...] = (), whole_set: bool = False,
         ) -> Callable[[RuleFn], Rule]:
    """Declare the function below as the rule `rule_id`, with its catalogue entry."""

    def declare(fn: RuleFn) -> Rule:
        return Rule(rule_id, severity, title_zh, title_en, rationale, fn, example, also,
                    whole_set)

    return declare


@dataclass(frozen=True)
class MetaCode:
    """A code the checker itself emits (not a data rule)."""

    code: str
    severity: Severity
    title_zh: str
    title_en: str
    description: str

    def at(self, file: str, line: int, col: int, pointer: str, zh: str, en: str) -> Diagnostic:
        return Diagnostic(self.code, self.severity, file, line, col, pointer, zh, en)


CHECK_FAILED = MetaCode(
    "E_CHECK_FAILED", "error", "检查程序出错", "A check crashed",
    "某条规则运行时出错（程序缺陷）。其他规则照常运行，出错的规则不会掩盖其他问题。")


def run_rule(ctx: Context, r: Rule) -> list[Diagnostic]:
    rep = Reporter(ctx, r.id, r.severity)
    return guarded(ctx, r.id, lambda: r.fn(rep))


def guarded(ctx: Context, rule_id: str, make: Callable[[], Iterable[Diagnostic]],
            ) -> list[Diagnostic]:
    """A rule's findings; if it raises, the findings so far plus E_CHECK_FAILED."""
    found: list[Diagnostic] = []
    try:
        for d in make():
            found.append(d)
    except Exception as exc:  # a bug in one rule must not hide the others
        where = ctx.shown(ctx.ps.catalogue.file or "catalogue.yaml")
        found.append(CHECK_FAILED.at(
            where, 1, 1, "",
            f"检查 {rule_id} 运行出错（{type(exc).__name__}: {exc}），其结果不完整；其他检查不受影响",
            f"check {rule_id} failed ({type(exc).__name__}: {exc}); its results are incomplete, "
            "the other checks are unaffected"))
    return found
