"""`policykit diff OLD NEW` and `policykit diff --at DATE1 --at DATE2 [ROOT]`.

OLD, NEW and ROOT are folders when such a folder exists, else git revisions
(`policykit.diff.sides`). A side whose data has errors
is reported with its diagnostics (exit 1) instead of being compared. A revision
that cannot be read raises GitRevError, which carries its own exit code (2 for a
bad name, 1 for content that cannot be used).
"""

from __future__ import annotations

import argparse
import sys
from contextlib import AbstractContextManager, ExitStack
from typing import Any

from policykit.cli.common import (
    EXIT_DATA,
    EXIT_OK,
    UsageError,
    add_load_args,
    choices_help,
    day_arg,
    load_root,
)
from policykit.diagnostics import format_text, printable_lines
from policykit.diff.compare import diff, diff_at
from policykit.diff.render import RENDERER_HELP, RENDERERS, render_markdown, render_problems
from policykit.diff.sides import Loaded, open_side
from policykit.diff.view import SideInfo, Sides


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "diff", help="比较两个版本的政策规则 / semantic diff of two revisions, folders or dates",
        description="OLD/NEW：git 版本或政策数据文件夹（文件夹存在时按文件夹）。"
                    "用 --at 日期1 --at 日期2：比较 ROOT 中两个日期有效的规则。"
                    "OLD/NEW: git revisions or policy folders (a folder when it exists). "
                    "With --at DATE1 --at DATE2: the rules in force on two dates in ROOT "
                    "(a folder or a revision; default policies).")
    p.add_argument("sides", nargs="*", metavar="OLD NEW | ROOT",
                   help="两个版本或文件夹；用 --at 时最多一个 ROOT / two revisions or folders; "
                        "with --at, at most one ROOT")
    p.add_argument("--root", default="policies",
                   help="git 版本中的政策数据文件夹（缺省 policies）/ policy folder inside a "
                        "git revision (default: policies)")
    p.add_argument("--at", type=day_arg("--at"), action="append", default=[], metavar="DATE",
                   help="比较两个日期有效的规则（给两次 --at）/ compare the rules in force on "
                        "two dates (give --at twice)")
    p.add_argument("--format", choices=sorted(RENDERERS), default="text",
                   help=choices_help("输出格式（缺省 text）", "output format (default: text)",
                                     RENDERER_HELP))
    p.add_argument("--limit", type=int, default=1000,
                   help="markdown：最多列出的变化条数（缺省 1000）/ markdown: list at most "
                        "this many changes (default 1000)")
    add_load_args(p)
    p.set_defaults(func=run)


def _side(spec: str, args: argparse.Namespace) -> AbstractContextManager[Loaded]:
    return open_side(spec, args.root,
                     lambda path, shown, cache: load_root(path, shown, args, cache=cache))


def run(args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise UsageError("--limit 必须大于 0", "--limit must be positive")
    if args.at:
        if len(args.at) != 2:
            raise UsageError("--at 须给出两次：--at 日期1 --at 日期2",
                             "give --at exactly twice: --at DATE1 --at DATE2")
        if len(args.sides) > 1:
            raise UsageError("使用 --at 时最多给出一个 ROOT（文件夹或版本）",
                             "with --at, give at most one ROOT (a folder or a revision)")
        return _run_at(args, *args.at)
    if len(args.sides) != 2:
        raise UsageError("需要两个参数：policykit diff 旧版本 新版本（版本或文件夹）",
                         "expected two arguments: policykit diff OLD NEW "
                         "(revisions or folders)")
    return _run_two(args)


def _problems(sides: list[Loaded], fmt: str) -> int | None:
    bad = [(s.info, s.diagnostics) for s in sides if not s.ok]
    for s in sides:  # warnings of a loadable side are shown, not hidden
        if s.ok:
            for d in s.diagnostics:
                print(format_text(d), file=sys.stderr)
    if bad:
        _out(render_problems(bad, fmt), fmt)
        return EXIT_DATA
    return None


def _render(changes: list[Any], sides: Sides, args: argparse.Namespace) -> None:
    if args.format == "markdown":
        _out(render_markdown(changes, sides, args.limit), args.format)
    else:
        _out(RENDERERS[args.format](changes, sides), args.format)


def _out(text: str, fmt: str) -> None:
    """Print a rendering; text from the data cannot drive the terminal (JSON escapes
    control characters itself)."""
    print(text if fmt == "json" else printable_lines(text), end="")


def _run_two(args: argparse.Namespace) -> int:
    with ExitStack() as stack:
        old = stack.enter_context(_side(args.sides[0], args))
        new = stack.enter_context(_side(args.sides[1], args))
        code = _problems([old, new], args.format)
        if code is not None:
            return code
        assert old.ps is not None and new.ps is not None
        changes = diff(old.ps, new.ps, old.display, new.display)
        _render(changes, Sides(old.ps, new.ps, old.info, new.info), args)
    return EXIT_OK


def _run_at(args: argparse.Namespace, day_old: str, day_new: str) -> int:
    spec = args.sides[0] if args.sides else "policies"
    with _side(spec, args) as side:
        code = _problems([side], args.format)
        if code is not None:
            return code
        assert side.ps is not None
        changes = diff_at(side.ps, day_old, day_new, side.display)
        old_info = SideInfo(spec, "date", side.info.commit, side.info.path, day_old)
        new_info = SideInfo(spec, "date", side.info.commit, side.info.path, day_new)
        _render(changes, Sides(side.ps, side.ps, old_info, new_info), args)
    return EXIT_OK
