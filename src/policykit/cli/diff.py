"""`policykit diff OLD NEW` and `policykit diff --at DATE1 --at DATE2 [ROOT]`.

OLD, NEW and ROOT are folders when such a folder exists, else git revisions
(read with `gitrev`, the work tree untouched). A side whose data has errors is
reported with its diagnostics (exit 1) instead of being compared.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from policykit import vcs as gitrev
from policykit.diagnostics import Diagnostic, format_text
from policykit.diff.compare import diff, diff_at
from policykit.diff.render import RENDERERS, SideInfo, Sides, render_markdown, render_problems
from policykit.loader.build import load_tree
from policykit.model.policyset import PolicySet


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "diff", help="比较两个版本的政策规则 / semantic diff of two revisions, folders or dates",
        description="OLD/NEW: git revisions or policy folders (a folder when it exists). "
                    "With --at DATE1 --at DATE2: the rules in force on two dates in ROOT "
                    "(a folder or a revision; default policies).")
    p.add_argument("sides", nargs="*", metavar="OLD NEW | ROOT")
    p.add_argument("--root", default="policies",
                   help="policy folder inside a git revision (default: policies)")
    p.add_argument("--at", action="append", default=[], metavar="DATE",
                   help="compare the rules in force on two dates (give --at twice)")
    p.add_argument("--format", choices=sorted(RENDERERS), default="text")
    p.add_argument("--limit", type=int, default=1000,
                   help="markdown: list at most this many changes (default 1000)")
    p.set_defaults(func=run)


@dataclass
class Loaded:
    info: SideInfo
    ps: PolicySet | None
    display: str
    diagnostics: list[Diagnostic]

    @property
    def ok(self) -> bool:
        return self.ps is not None and not any(d.severity == "error" for d in self.diagnostics)


@contextmanager
def open_side(spec: str, root: str) -> Iterator[Loaded]:
    """Load a folder or a revision; the temporary copy of a revision lives while the
    context is open (changes look up line numbers in it)."""
    from policykit.cli.main import UsageError

    path = Path(spec)
    if path.is_dir():
        shown = spec.rstrip("/") or "."
        result = load_tree(path, shown)
        yield Loaded(SideInfo(spec, "folder", path=shown),
                     result.policyset, shown, result.diagnostics)
        return
    try:
        rev = gitrev.resolve(spec, root)
    except gitrev.GitRevError as exc:
        raise _side_error(exc, UsageError) from exc
    try:
        with gitrev.checkout(rev) as tmp:
            result = load_tree(tmp, rev.display)
            yield Loaded(SideInfo(spec, "revision", commit=rev.commit, path=rev.display),
                         result.policyset, rev.display, result.diagnostics)
    except gitrev.GitRevError as exc:
        raise _side_error(exc, UsageError) from exc


class DataError(Exception):
    """A side whose content cannot be read (exit 1)."""


def _side_error(exc: gitrev.GitRevError, usage: type[Exception]) -> Exception:
    if exc.usage:
        return usage(exc.zh, exc.en)
    return DataError(str(exc))


def _date(text: str) -> str:
    from policykit.cli.main import UsageError

    try:
        dt.date.fromisoformat(text)
    except ValueError as exc:
        raise UsageError(f"日期 {text} 无效，应为 YYYY-MM-DD",
                         f"invalid date {text}; expected YYYY-MM-DD") from exc
    if len(text) != 10:
        raise UsageError(f"日期 {text} 无效，应为 YYYY-MM-DD",
                         f"invalid date {text}; expected YYYY-MM-DD")
    return text


def run(args: argparse.Namespace) -> int:
    from policykit.cli.main import EXIT_DATA, EXIT_OK, UsageError

    if args.limit < 1:
        raise UsageError("--limit 必须大于 0", "--limit must be positive")
    try:
        if args.at:
            if len(args.at) != 2:
                raise UsageError("--at 须给出两次：--at 日期1 --at 日期2",
                                 "give --at exactly twice: --at DATE1 --at DATE2")
            if len(args.sides) > 1:
                raise UsageError("使用 --at 时最多给出一个 ROOT（文件夹或版本）",
                                 "with --at, give at most one ROOT (a folder or a revision)")
            return _run_at(args, *(_date(d) for d in args.at))
        if len(args.sides) != 2:
            raise UsageError("需要两个参数：policykit diff 旧版本 新版本（版本或文件夹）",
                             "expected two arguments: policykit diff OLD NEW "
                             "(revisions or folders)")
        return _run_two(args)
    except DataError as exc:
        print(f"policykit: {exc}", file=sys.stderr)
        return EXIT_DATA
    return EXIT_OK  # pragma: no cover


def _problems(sides: list[Loaded], fmt: str) -> int | None:
    from policykit.cli.main import EXIT_DATA

    bad = [(s.info, s.diagnostics) for s in sides if not s.ok]
    for s in sides:  # warnings of a loadable side are shown, not hidden
        if s.ok:
            for d in s.diagnostics:
                print(format_text(d), file=sys.stderr)
    if bad:
        print(render_problems(bad, fmt), end="")
        return EXIT_DATA
    return None


def _render(changes: list[Any], sides: Sides, args: argparse.Namespace) -> None:
    if args.format == "markdown":
        print(render_markdown(changes, sides, args.limit), end="")
    else:
        print(RENDERERS[args.format](changes, sides), end="")


def _run_two(args: argparse.Namespace) -> int:
    with ExitStack() as stack:
        old = stack.enter_context(open_side(args.sides[0], args.root))
        new = stack.enter_context(open_side(args.sides[1], args.root))
        code = _problems([old, new], args.format)
        if code is not None:
            return code
        assert old.ps is not None and new.ps is not None
        changes = diff(old.ps, new.ps, old.display, new.display)
        _render(changes, Sides(old.ps, new.ps, old.info, new.info), args)
    return 0


def _run_at(args: argparse.Namespace, day_old: str, day_new: str) -> int:
    spec = args.sides[0] if args.sides else "policies"
    with open_side(spec, args.root) as side:
        code = _problems([side], args.format)
        if code is not None:
            return code
        assert side.ps is not None
        changes = diff_at(side.ps, day_old, day_new, side.display)
        old_info = SideInfo(spec, "date", side.info.commit, side.info.path, day_old)
        new_info = SideInfo(spec, "date", side.info.commit, side.info.path, day_new)
        _render(changes, Sides(side.ps, side.ps, old_info, new_info), args)
    return 0
