"""argv → library calls → printed output and an exit code. Only this module prints.

Exit codes: 0 clean, 1 data errors (or warnings with --strict), 2 usage errors.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from policykit.check import run as checks
from policykit.diagnostics import (
    Diagnostic,
    format_github,
    format_json,
    format_text,
    is_fatal,
    sort_diagnostics,
)
from policykit.loader.build import LoadResult, load_tree
from policykit.util.progress import show_progress

EXIT_OK, EXIT_DATA, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} ({en})")


def _root(arg: str) -> tuple[Path, str]:
    path = Path(arg)
    if not path.is_dir():
        raise UsageError(f"找不到政策数据文件夹 {arg}", f"policy folder {arg} does not exist")
    return path, arg.rstrip("/") or "."


def emit(diags: list[Diagnostic], fmt: str, strict: bool, files: int) -> int:
    diags = sort_diagnostics(diags)
    if fmt == "json":
        print(format_json(diags, strict))
    elif fmt == "github":
        for d in diags:
            print(format_github(d))
    else:
        for d in diags:
            print(format_text(d))
        n = {s: sum(1 for d in diags if d.severity == s) for s in ("error", "warning", "info")}
        acked = sum(1 for d in diags if d.acknowledged)
        ack_zh = f"（其中 {acked} 条已确认）" if acked else ""
        ack_en = f" ({acked} acknowledged)" if acked else ""
        print(
            f"检查了 {files} 个文件：{n['error']} 个错误，{n['warning']} 个警告，{n['info']} 条提示{ack_zh} "
            f"(checked {files} files: {n['error']} errors, {n['warning']} warnings, "
            f"{n['info']} notes{ack_en})",
            file=sys.stderr,
        )
    return EXIT_DATA if any(is_fatal(d, strict) for d in diags) else EXIT_OK


def add_load_args(p: argparse.ArgumentParser) -> None:
    """Options of every command that loads a policy folder."""
    p.add_argument("-q", "--quiet", action="store_true",
                   help="no progress bar (it is shown only on a terminal anyway)")
    p.add_argument("--no-cache", action="store_true",
                   help="parse every file and run every check, ignoring the content cache "
                        "and the memo of the last check (~/.cache/policykit; "
                        "POLICYKIT_CACHE_DIR=off turns both off)")
    p.add_argument("--jobs", type=int, default=None, metavar="N",
                   help="worker processes for parsing (default: one per core for many files)")


def check_load_args(args: argparse.Namespace) -> None:
    if getattr(args, "jobs", None) is not None and args.jobs < 1:
        raise UsageError("--jobs 必须至少为 1", "--jobs must be at least 1")


def load_root(root: Path, shown: str, args: argparse.Namespace) -> LoadResult:
    check_load_args(args)
    result = load_tree(root, shown, exact=getattr(args, "exact", False),
                       cache=not getattr(args, "no_cache", False),
                       jobs=getattr(args, "jobs", None),
                       progress=show_progress(getattr(args, "quiet", False)),
                       gc_freeze=True)  # what was loaded lives until the command exits
    return result


def load_for_cli(args: argparse.Namespace) -> LoadResult:
    root, shown = _root(args.root)
    return load_root(root, shown, args)


def cmd_validate(args: argparse.Namespace) -> int:
    result = load_for_cli(args)
    return emit(result.diagnostics, args.format, args.strict, result.files)


def cmd_check(args: argparse.Namespace) -> int:
    sources = None
    if args.sources is not None:
        sources = Path(args.sources)
        if not sources.is_dir():
            raise UsageError(f"找不到原文存档文件夹 {args.sources}",
                             f"source archive folder {args.sources} does not exist")
        if not checks.sources_supported():
            raise UsageError("--sources 需要 opencc-python-reimplemented（pip install 'policykit[extract]'）",
                             "--sources needs opencc-python-reimplemented (pip install 'policykit[extract]')")
    root, shown = _root(args.root)
    check_load_args(args)
    display = args.root.rstrip("/")
    memo = None
    if sources is None and not args.exact and not args.no_cache:
        from policykit.check.memo import Memo

        memo = Memo.open(root, shown, display)
        again = memo.recheck(progress=show_progress(args.quiet))
        if again is not None:
            return emit(again[0], args.format, args.strict, again[1])
    result = load_root(root, shown, args)
    diags = list(result.diagnostics)
    if result.policyset is not None:
        diags.extend(checks.run(result.policyset, display, sources))
    if memo is not None:
        memo.save(result, diags)
    return emit(diags, args.format, args.strict, result.files)


def cmd_codes(args: argparse.Namespace) -> int:
    from policykit.check.docs import codes_markdown

    print(codes_markdown(), end="")
    return EXIT_OK


def _add_check_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("root", nargs="?", default="policies", help="policy folder (default: policies)")
    p.add_argument("--format", choices=["text", "json", "github"], default="text")
    p.add_argument("--strict", action="store_true", help="warnings are fatal too")
    p.add_argument("--exact", action="store_true",
                   help="use only the reference parser and validator (slower; same results)")
    add_load_args(p)


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="policykit",
        description="医保政策数据工具 policykit: validate, check, diff, export and publish "
                    "China's medical-insurance rules.",
    )
    sub = ap.add_subparsers(dest="command", required=True, metavar="COMMAND")
    p = sub.add_parser("validate", help="解析并按结构定义校验 / parse and schema-validate")
    _add_check_args(p)
    p.set_defaults(func=cmd_validate)
    p = sub.add_parser("check", help="校验并运行一致性规则 / validate and run consistency rules")
    _add_check_args(p)
    p.add_argument("--sources", metavar="DIR", default=None,
                   help="also check every quote against the archived source texts in DIR (S1)")
    p.set_defaults(func=cmd_check)
    p = sub.add_parser("codes", help="诊断代码文档 / print the diagnostic-code catalogue (Markdown)")
    p.set_defaults(func=cmd_codes)
    for module in _command_modules():
        module.add_parser(sub)
    return ap


class CommandModule(Protocol):
    def add_parser(self, sub: Any) -> None: ...


def _command_modules() -> list[CommandModule]:
    # Each command module exposes add_parser(subparsers) and sets `func` on its parser.
    from policykit.cli import build as cli_build
    from policykit.cli import checks as cli_checks
    from policykit.cli import diff as cli_diff
    from policykit.cli import export as cli_export
    from policykit.cli import extract as cli_extract
    from policykit.cli import show as cli_show

    return [cli_show, cli_diff, cli_export, cli_build, cli_checks, cli_extract]


def main(argv: Sequence[str] | None = None) -> int:
    ap = parser()
    args = ap.parse_args(argv)
    try:
        return int(args.func(args))
    except UsageError as exc:
        print(f"policykit: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        return 130
