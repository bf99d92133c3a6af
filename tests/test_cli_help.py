"""Every option of every command is explained in Chinese and in English (issue 21):
officers read the help in Chinese, integrators in English."""

from __future__ import annotations

import argparse
import re

import pytest

from policykit.cli.main import main, parser

CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]{3,}")


def _subparsers(ap: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in ap._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    raise AssertionError("policykit has no subcommands")


COMMANDS = _subparsers(parser())


def _actions(ap: argparse.ArgumentParser) -> list[argparse.Action]:
    return [a for a in ap._actions if a.help != argparse.SUPPRESS]


def test_there_are_commands() -> None:
    assert {"validate", "check", "show", "diff", "export", "build", "extract"} <= set(COMMANDS)


def test_top_level_options_are_bilingual() -> None:
    for action in _actions(parser()):
        assert action.help and CJK.search(action.help) and LATIN.search(action.help), action


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_option_has_chinese_and_english_help(name: str) -> None:
    ap = COMMANDS[name]
    for action in _actions(ap):
        text = action.help or ""
        what = "/".join(action.option_strings) or action.dest
        assert CJK.search(text), f"{name} {what}: no Chinese in {text!r}"
        assert LATIN.search(text), f"{name} {what}: no English in {text!r}"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_choice_is_described(name: str) -> None:
    for action in _actions(COMMANDS[name]):
        if not action.choices:
            continue
        text = action.help or ""
        for choice in action.choices:
            # "name 说明 / meaning": the choice followed by its Chinese and English words
            m = re.search(rf"(?<![\w-]){re.escape(str(choice))} ([^;]*)", text)
            assert m, f"{name} {action.option_strings}: choice {choice} not described"
            assert CJK.search(m.group(1)) and LATIN.search(m.group(1)), (name, choice, m.group(1))


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_subcommand_itself_is_bilingual(name: str) -> None:
    sub = parser()._subparsers
    assert sub is not None
    helps = {c.dest: c.help for a in sub._group_actions
             if isinstance(a, argparse._SubParsersAction) for c in a._choices_actions}
    text = helps[name] or ""
    assert CJK.search(text) and LATIN.search(text), (name, text)


def test_printed_help_shows_both_languages(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "--help"]) == 0
    out = " ".join(capsys.readouterr().out.split())  # undo argparse's line wrapping
    assert "显示本帮助并退出" in out and "show this help message" in out
    assert "中文文字 / Chinese text" in out
