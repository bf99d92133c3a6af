"""A YAML syntax error as an officer can fix it: PyYAML's English problem turned into
what is wrong on the line and the rule that fixes it (docs/format.md §3.4), in
Chinese and English.

Only the common mistakes of hand-edited policy files are recognised; anything else
keeps PyYAML's words with the general advice (quotes and indentation).
"""

from __future__ import annotations

import re

# A value that starts with a quote and goes on after the closing quote:
#   note: "今年"即文件年份      - "甲"和"乙"
_QUOTED_THEN_MORE = re.compile(
    r"""^\s*(?:-\s+)?(?:[^\s:#"'][^:#]*:\s+)?(?P<q>["'])(?P<inner>(?:(?!(?P=q)).)*)(?P=q)"""
    r"""(?P<rest>[^\s#,\]}].*)$""")
_KEY_VALUE = re.compile(r"^\s*(?:-\s+)?[^\s:#\"'][^:#]*:\s+\S")

QUOTE_RULE_ZH = ("以引号开头的值必须整体是一个带引号的字符串：整个值用单引号括起来（如 "
                 "note: '\"今年\"即文件年份'），或不要让值以引号开头（如 note: 原文\"今年\"即文件年份）")
QUOTE_RULE_EN = ("a value that starts with a quote must be one quoted string: wrap the whole "
                 "value in single quotes (note: '\"this year\" means the notice year') or do "
                 "not start it with a quote")
INDENT_RULE_ZH = ("同一层的键必须左对齐（缩进的空格数相同），下一层比上一层多缩进两个空格；"
                  "只用空格，不用 Tab")
INDENT_RULE_EN = ("keys at the same level must start in the same column (same number of "
                  "spaces); a nested level is indented two more spaces; spaces only, no tabs")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _line(lines: list[str], n: int) -> str:
    return lines[n - 1] if 1 <= n <= len(lines) else ""


def _previous_content(lines: list[str], n: int) -> tuple[int, str]:
    for i in range(n - 1, 0, -1):
        text = lines[i - 1]
        if text.strip() and not text.lstrip().startswith("#"):
            return i, text
    return 0, ""


def explain(problem: str, context: str | None, text: str, line: int, col: int,
            context_line: int | None) -> tuple[str, str]:
    """(Chinese, English) for a PyYAML or libyaml error `problem` (`context` its
    "while …") at `line`:`col` (1-based) of `text`; `context_line` where the
    enclosing construct began."""
    lines = text.splitlines()
    candidates = [line] + ([context_line] if context_line and context_line != line else [])
    for n in candidates:
        m = _QUOTED_THEN_MORE.match(_line(lines, n))
        if m:
            value = m.group("q") + m.group("inner") + m.group("q") + m.group("rest").rstrip()
            fixed = "'" + value.replace("'", "''") + "'"
            return (f"第 {n} 行的值 {value} 以引号开头，引号后面还有文字。{QUOTE_RULE_ZH}；"
                    f"这里可写成 {fixed}",
                    f"the value {value} on line {n} starts with a quote and goes on after the "
                    f"closing quote; {QUOTE_RULE_EN}; here: {fixed}")
    quote = re.search(r"found unexpected end of stream|found unknown escape character", problem)
    if context and "quoted scalar" in context and quote:
        start = context_line or line
        return (f"第 {start} 行开始的引号没有配对（缺少结束引号，或在双引号中用了反斜杠）；"
                f"请补上结束引号，或改用单引号",
                f"the quote opened on line {start} is never closed (or a backslash is used "
                f"inside double quotes); close it, or use single quotes ({problem})")
    here = _line(lines, line)
    bad = re.search(r"found character (?:'(.+?)' )?that cannot start any token", problem)
    if bad or "tab character" in problem:
        ch = (bad.group(1) if bad else None) or (here[col - 1:col] if col >= 1 else "")
        if ch in ("\\t", "\t") or not bad:
            return (f"第 {line} 行有制表符（Tab）；{INDENT_RULE_ZH}",
                    f"line {line} contains a tab; {INDENT_RULE_EN}")
        return (f"第 {line} 行的值以 {ch} 开头，YAML 不允许；请把整个值用单引号括起来",
                f"a value on line {line} starts with {ch}, which YAML does not allow; "
                f"wrap the whole value in single quotes")
    if "mapping values are not allowed" in problem:
        prev_n, prev = _previous_content(lines, line)
        if prev and _indent(here) > _indent(prev) and _KEY_VALUE.match(prev):
            return (f"第 {line} 行缩进了 {_indent(here)} 个空格，比上一行（第 {prev_n} 行，"
                    f"{_indent(prev)} 个空格）多，但上一行的键已经有值；{INDENT_RULE_ZH}",
                    f"line {line} is indented {_indent(here)} spaces, more than line {prev_n} "
                    f"({_indent(prev)}), whose key already has a value; {INDENT_RULE_EN}")
        return (f"第 {line} 行的值中含有“冒号加空格”（: ）；请把整个值用单引号括起来，"
                f"或把冒号改成中文冒号“：”",
                f"a value on line {line} contains a colon followed by a space; wrap the whole "
                f"value in single quotes, or use the Chinese colon")
    if context and "flow" in context:
        start = context_line or line
        return (f"第 {start} 行开始的 [ ] 或 {{ }} 没有正确结束（缺少右括号或逗号）；"
                f"请检查括号和逗号，或把含括号的值整体用单引号括起来",
                f"the [ ] or {{ }} opened on line {start} is not closed properly (a missing "
                f"bracket or comma); check them, or quote a value that contains brackets")
    if re.search(r"expected <block end>|did not find expected (key|'-' indicator)", problem):
        prev_n, prev = _previous_content(lines, line)
        if prev.lstrip().startswith("- ") != here.lstrip().startswith("- ") \
                and _indent(prev) == _indent(here):
            return (f"第 {line} 行和第 {prev_n} 行缩进相同，但一行是列表项（- 开头），一行不是；"
                    f"同一层要么都是列表项，要么都是键。{INDENT_RULE_ZH}",
                    f"lines {prev_n} and {line} are indented alike but only one is a list item "
                    f"(starting with -); one level holds either list items or keys. "
                    f"{INDENT_RULE_EN}")
        return (f"第 {line} 行缩进了 {_indent(here)} 个空格，与同一层的其他行没有对齐"
                + (f"（第 {prev_n} 行是 {_indent(prev)} 个空格）" if prev else "")
                + f"；{INDENT_RULE_ZH}",
                f"line {line} is indented {_indent(here)} spaces and does not line up with "
                f"its level" + (f" (line {prev_n} has {_indent(prev)})" if prev else "")
                + f"; {INDENT_RULE_EN}")
    return (f"{problem}。请检查第 {line} 行及上一行的引号和缩进：{INDENT_RULE_ZH}",
            f"{problem}; check the quotes and indentation of line {line} and the line "
            f"before: {INDENT_RULE_EN}")
