"""docs/diff.md stays true to the code: JSON keys, scopes, actions, aspects, examples."""

from __future__ import annotations

import json
import re
import textwrap

from conftest import EXAMPLES, REPO
from policykit.diff import compare as diffmod
from policykit.diff.compare import Change
from policykit.diff.render import change_plain

DOC = (REPO / "docs" / "diff.md").read_text(encoding="utf-8")


def _blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", DOC, re.S)


def test_documented_change_has_exactly_the_keys_of_the_json_output() -> None:
    (example,) = _blocks("json")
    documented = json.loads(example)
    assert set(documented) == set(change_plain(Change("rule", "added", "441800")))
    # The example is a real change: it is the value change of tests/examples/diff.
    real = json.loads((EXAMPLES / "diff" / "value-changed.json").read_text(encoding="utf-8"))
    assert documented == real["changes"][0]


def test_every_scope_action_and_aspect_field_is_documented() -> None:
    for word in (*diffmod.SCOPES, *diffmod.ACTIONS, *diffmod.ASPECTS):
        assert f"`{word}`" in DOC, word
    for field in (*diffmod.VALUE_FIELDS[1:], *diffmod.PERIOD_FIELDS, *diffmod.SOURCE_FIELDS):
        assert f"`{field}`" in DOC, field


def test_console_example_is_real_output() -> None:
    example = next(b for b in _blocks("console") if "policykit diff main" in b)
    body = textwrap.dedent(example).split("\n", 2)[2]  # after the command and the header
    expected = (EXAMPLES / "diff" / "entry-added.txt").read_text(encoding="utf-8")
    assert body.count("\n") == 5
    assert expected.endswith(body)
