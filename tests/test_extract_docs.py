"""docs/extract.md stays true: its error table and its worked example come from the code."""

from __future__ import annotations

import re
from pathlib import Path

from policykit.extract import extract_document, load_catalogue, load_document
from policykit.extract.errors import MESSAGES
from policykit.extract.render import to_table, to_yaml

REPO = Path(__file__).resolve().parents[1]
DOC = (REPO / "docs" / "extract.md").read_text(encoding="utf-8")


def _example(kind: str) -> tuple[Path, str]:
    m = re.search(rf"<!-- example-{kind}: (\S+) -->\n```\w*\n(.*?)```", DOC, re.S)
    assert m, f"docs/extract.md has no example-{kind} block"
    return REPO / m.group(1), m.group(2)


def test_every_error_code_is_documented_with_its_exit_code() -> None:
    documented = dict(re.findall(r"^\| `(E_EXTRACT_\w+)` \| (\d) \|", DOC, re.M))
    assert documented == {code: str(rc) for code, (_, _, rc) in MESSAGES.items()}


def _extraction(path: Path):  # type: ignore[no-untyped-def]
    cat = load_catalogue(REPO / "policies" / "catalogue.yaml")
    return extract_document(load_document(path), cat, source_id="dg-2019-08-09")


def test_worked_example_table_is_current() -> None:
    path, shown = _example("table")
    assert to_table(_extraction(path)).replace(str(path), "") == shown


def test_worked_example_yaml_is_current() -> None:
    path, shown = _example("yaml")
    assert shown in to_yaml(_extraction(path))
