"""docs/checks.md is generated from the rule catalogue and must not drift from it."""

from __future__ import annotations

from conftest import REPO, run_cli
from policykit.check import registry
from policykit.check.docs import checks_markdown


def test_docs_checks_md_is_current() -> None:
    page = (REPO / "docs" / "checks.md").read_text(encoding="utf-8")
    assert page == checks_markdown(), (
        "docs/checks.md is stale: run `policykit checks --markdown > docs/checks.md`")


def test_page_lists_every_rule_with_rationale_and_example() -> None:
    page = checks_markdown()
    for r in registry.RULES:
        assert f"### {r.id}\n" in page
        assert r.rationale in page and r.example in page
    for m in registry.META_CODES:
        assert f"`{m.code}`" in page


def test_cli_prints_the_page() -> None:
    res = run_cli("checks", "--markdown")
    assert res.returncode == 0
    assert res.stdout == checks_markdown()
    listing = run_cli("checks")
    assert listing.returncode == 0
    assert [line.split()[0] for line in listing.stdout.splitlines()] == (
        [r.id for r in registry.RULES] + [m.code for m in registry.META_CODES])
