"""YAML syntax errors say what is wrong on the line and the rule that fixes it, in
Chinese and English (issue 21; docs/format.md §3.4: the quoting and indentation rules)."""

from __future__ import annotations

import pytest

from policykit.loader.yamlsrc import parse_exact


def _syntax(text: str) -> tuple[int, str, str]:
    diags = parse_exact(text, "region.yaml").diagnostics
    assert [d.code for d in diags] == ["E_YAML_SYNTAX"], diags
    return diags[0].line, diags[0].message_zh, diags[0].message_en


def test_value_starting_with_a_quote_names_the_quoting_rule_and_the_fix() -> None:
    line, zh, en = _syntax('rules:\n  - note: "今年"即文件年份\n    quote: x\n')
    assert line == 2
    assert "以引号开头" in zh and "单引号" in zh
    assert "这里可写成 '\"今年\"即文件年份'" in zh  # the value, quoted whole: valid YAML
    assert "starts with a quote" in en
    fixed = parse_exact("note: '\"今年\"即文件年份'\n", "f.yaml")
    assert not fixed.diagnostics and fixed.data == {"note": '"今年"即文件年份'}


def test_single_quotes_inside_the_suggestion_are_doubled() -> None:
    _, zh, _ = _syntax("a: 'x'y\n")
    assert "这里可写成 '''x''y'" in zh
    assert parse_exact("a: '''x''y'\n", "f.yaml").data == {"a": "'x'y"}


@pytest.mark.parametrize("text, line, counted", [
    ("a:\n  b: 1\n c: 2\n", 3, "缩进了 1 个空格"),
    ("a:\n  b: 1\n   c: 2\n", 3, "缩进了 3 个空格"),
])
def test_misaligned_keys_name_the_indentation_rule(text: str, line: int, counted: str) -> None:
    got_line, zh, en = _syntax(text)
    assert got_line == line
    assert counted in zh and "同一层的键必须左对齐" in zh
    assert "same column" in en


def test_list_items_and_keys_mixed_on_one_level() -> None:
    _, zh, en = _syntax("a:\n  - x\n  b: 1\n")
    assert "列表项" in zh and "list item" in en


def test_colon_inside_a_value() -> None:
    _, zh, en = _syntax("note: 说明: 见附件\n")
    assert "冒号" in zh and "单引号" in zh and "colon" in en


def test_unclosed_quote_names_where_it_opened() -> None:
    _, zh, en = _syntax('a: "abc\nb: 1\nc: 2\n')
    assert "第 1 行开始的引号没有配对" in zh and "line 1" in en


def test_value_starting_with_a_reserved_character() -> None:
    _, zh, _ = _syntax("a:\n  b: @x\n")
    assert "以 @ 开头" in zh


def test_unclosed_bracket() -> None:
    _, zh, _ = _syntax("a: [1, 2\nb: 3\n")
    assert "第 1 行开始的 [ ]" in zh
