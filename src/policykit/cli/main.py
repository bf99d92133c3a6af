"""argv → library calls → printed output and an exit code. Only the cli package prints.

The parser, and the commands about the data as a whole: validate, check, codes.
Each other command lives in its own module (`add_parser(subparsers)` sets its `func`).
Exit codes: `policykit.cli.common` (0 clean, 1 data errors, 2 usage errors).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from policykit.check.docs import codes_markdown
from policykit.check.tree import check_tree
from policykit.cli import build as cli_build
from policykit.cli import checks as cli_checks
from policykit.cli import diff as cli_diff
from policykit.cli import estimate as cli_estimate
from policykit.cli import export as cli_export
from policykit.cli import extract as cli_extract
from policykit.cli import new as cli_new
from policykit.cli import show as cli_show
from policykit.cli.common import (
    EXIT_DATA,
    EXIT_OK,
    EXIT_USAGE,
    UsageError,
    add_load_args,
    bilingual_help,
    choices_help,
    day_arg,
    load_root,
    policy_root,
    progress,
    run_command,
)
from policykit.cli.report import FORMAT_HELP, FORMATS, report

# Importable from here as before (tests and scripts use cli.main.UsageError).
__all__ = ["EXIT_DATA", "EXIT_OK", "EXIT_USAGE", "UsageError", "main", "parser"]


def cmd_validate(args: argparse.Namespace) -> int:
    root, shown = policy_root(args.root)
    result = load_root(root, shown, args)
    return report(result.diagnostics, args.format, args.strict, result.files)


def cmd_check(args: argparse.Namespace) -> int:
    sources = None
    if args.sources is not None:
        sources = Path(args.sources)
        if not sources.is_dir():
            raise UsageError(f"找不到原文存档文件夹 {args.sources}",
                             f"source archive folder {args.sources} does not exist")
    root, shown = policy_root(args.root)
    checked = check_tree(root, shown, args.root.rstrip("/"),
                         use_memo=not (args.exact or args.no_cache), sources=sources,
                         progress=progress(args), load=lambda: load_root(root, shown, args),
                         gc_freeze=getattr(args, "owns_process", False), day=args.at)
    return report(checked.diagnostics, args.format, args.strict, checked.files)


def cmd_codes(args: argparse.Namespace) -> int:
    print(codes_markdown(), end="")
    return EXIT_OK


def _add_check_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("root", nargs="?", default="policies",
                   help="政策数据文件夹（缺省 policies）/ policy folder (default: policies)")
    p.add_argument("--format", choices=FORMATS, default="text",
                   help=choices_help("诊断信息的格式（缺省 text）",
                                     "format of the diagnostics (default: text)", FORMAT_HELP))
    p.add_argument("--strict", action="store_true",
                   help="警告也算错误（退出码 1）/ warnings are fatal too")
    p.add_argument("--exact", action="store_true",
                   help="只用参考解析器和校验器（较慢，结果相同）/ use only the reference "
                        "parser and validator (slower; same results)")
    add_load_args(p)


class CommandModule(Protocol):
    def add_parser(self, sub: Any) -> None: ...


# Each command module exposes add_parser(subparsers) and sets `func` on its parser.
COMMAND_MODULES: tuple[CommandModule, ...] = (
    cli_show, cli_diff, cli_export, cli_build, cli_checks, cli_extract, cli_estimate, cli_new)


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="policykit",
        description="医保政策数据工具：校验、检查、比较、导出和发布医保规则。policykit: validate, "
                    "check, diff, export and publish China's medical-insurance rules.",
    )
    sub = ap.add_subparsers(dest="command", required=True, metavar="COMMAND",
                            help="要运行的命令 / the command to run")
    p = sub.add_parser("validate", help="解析并按结构定义校验 / parse and schema-validate")
    _add_check_args(p)
    p.set_defaults(func=cmd_validate)
    p = sub.add_parser("check", help="校验并运行一致性规则 / validate and run consistency rules")
    _add_check_args(p)
    p.add_argument("--sources", metavar="DIR", default=None,
                   help="同时把每条原文摘录与 DIR 中存档的原文核对（S1、S2）/ also check every "
                        "quote against the archived source texts in DIR (S1, S2)")
    p.add_argument("--at", type=day_arg("--at"), default=None, metavar="DATE",
                   help="检查日期（缺省：今天）：R27–R29 按这一天计算核实日期、阶段性措施和计划的时间 / "
                        "the check's day (default: today), from which R27–R29 measure how old a "
                        "confirmation, a temporary measure or a plan is")
    p.set_defaults(func=cmd_check)
    p = sub.add_parser("codes", help="诊断代码文档 / print the diagnostic-code catalogue (Markdown)")
    p.set_defaults(func=cmd_codes)
    for module in COMMAND_MODULES:
        module.add_parser(sub)
    bilingual_help(ap)
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    """The `policykit` command. Called without `argv` (the console entry) the process
    is the command's own; with `argv` it may be one call of many in a process (tests,
    scripts), and leaves no process-wide state behind."""
    return run_command(parser(), argv, owns_process=argv is None)
