"""What every command shares: the exit codes, the policy folder and the options for
loading it, day options, the output-folder guard, and the one translation of a
PolicykitError into a message and an exit code (`run_command`).

Exit codes (docs/checks.md): 0 clean, 1 data errors (or warnings with --strict),
2 usage errors. Commands return these constants; an error they raise carries its own.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from policykit.diagnostics import printable
from policykit.errors import EXIT_DATA, EXIT_OK, EXIT_USAGE, PolicykitError
from policykit.loader.build import LoadResult, load_tree
from policykit.model.days import parse_day
from policykit.util.progress import show_progress

__all__ = [
    "EXIT_DATA", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_USAGE", "UsageError", "add_load_args",
    "bilingual_help", "choices_help", "day_arg", "guard_output", "load_root", "policy_root", "progress", "run_command",
]

EXIT_INTERRUPTED = 130  # the shell's code for a command stopped by Ctrl-C


class UsageError(PolicykitError):
    """The command was called wrongly: a bad option value, a missing folder."""

    code = "E_USAGE"
    exit_code = EXIT_USAGE


def policy_root(arg: str) -> tuple[Path, str]:
    """The policy folder named on the command line and how messages name it."""
    path = Path(arg)
    if not path.is_dir():
        raise UsageError(f"找不到政策数据文件夹 {arg}", f"policy folder {arg} does not exist")
    return path, arg.rstrip("/") or "."


def day_arg(option: str) -> Callable[[str], str]:
    """An argparse `type` checking a day option with the one day reader (`model.days`):
    its DayError is a PolicykitError, which argparse lets through to `run_command`."""

    def day(text: str) -> str:
        return parse_day(text, option)

    return day


def _jobs(text: str) -> int:
    if not re.fullmatch(r"[0-9]+", text) or int(text) < 1:
        raise UsageError("--jobs 必须是至少为 1 的整数", "--jobs must be a whole number, at least 1")
    return int(text)


def add_load_args(p: argparse.ArgumentParser) -> None:
    """Options of every command that loads a policy folder."""
    p.add_argument("-q", "--quiet", action="store_true",
                   help="不显示进度条（进度条本来只在终端上显示）/ no progress bar "
                        "(it is shown only on a terminal anyway)")
    p.add_argument("--no-cache", action="store_true",
                   help="重新解析每个文件、重新运行每条检查，不使用缓存（缓存在 ~/.cache/policykit；"
                        "POLICYKIT_CACHE_DIR=off 可完全关闭）/ parse every file and run every "
                        "check again, ignoring the cache of parsed files and of the last "
                        "check's results (~/.cache/policykit; POLICYKIT_CACHE_DIR=off turns "
                        "both off)")
    p.add_argument("--jobs", type=_jobs, default=None, metavar="N",
                   help="解析时使用的进程数（缺省：文件多时每个处理器核心一个）/ worker processes "
                        "for parsing (default: one per core for many files)")


def choices_help(zh: str, en: str, choices: Mapping[str, str]) -> str:
    """Help of an option with named choices: what the option is (Chinese / English),
    then every choice with its meaning ("name 中文 / English")."""
    listed = "; ".join(f"{name} {text}" for name, text in choices.items())
    return f"{zh} / {en}: {listed}"


HELP_ZH_EN = "显示本帮助并退出 / show this help message and exit"


def bilingual_help(ap: argparse.ArgumentParser) -> None:
    """Give `ap` and every parser under it a Chinese + English -h/--help text."""
    for action in ap._actions:
        if isinstance(action, argparse._HelpAction):
            action.help = HELP_ZH_EN
        elif isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                bilingual_help(sub)


def progress(args: argparse.Namespace) -> bool:
    """Whether to draw progress bars: on a terminal, unless --quiet."""
    return show_progress(getattr(args, "quiet", False))


def load_root(root: Path, shown: str, args: argparse.Namespace, *,
              cache: bool = True) -> LoadResult:
    """Load `root` with the command's load options (`add_load_args`); `cache` False
    for a folder whose path is never seen again (a revision's temporary copy)."""
    return load_tree(root, shown, exact=getattr(args, "exact", False),
                     cache=cache and not getattr(args, "no_cache", False),
                     jobs=getattr(args, "jobs", None), progress=progress(args),
                     # What was loaded lives until the process exits: keep the collector
                     # off it, but only when the process is this command's alone.
                     gc_freeze=getattr(args, "owns_process", False))


def guard_output(out: Path, *, keep: Sequence[tuple[Path, str, str]], previous: Callable[[Path], bool],
                 previous_zh: str, previous_en: str, verb_zh: str, force: bool) -> None:
    """Refuse an output folder that is replaced whole when that would lose something:
    one holding a folder of `keep` ((path, zh name, en name)), a file, or (without
    --force) a non-empty folder that `previous` does not recognise as earlier output."""
    real_out = out.resolve()
    for path, zh, en in keep:
        real = path.resolve()
        if real_out == real or real.is_relative_to(real_out):
            raise UsageError(f"输出文件夹 {out} 包含{zh}，{verb_zh}会覆盖它",
                             f"output folder {out} contains {en} and would replace it")
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out} 已存在且不是文件夹", f"{out} exists and is not a folder")
    if out.is_dir() and not force and any(out.iterdir()) and not previous(out):
        raise UsageError(f"{out} 不是空文件夹，也不是{previous_zh}；确认要整体替换请加 --force",
                         f"{out} is neither empty nor {previous_en}; add --force to replace it")


def _is_stream_error(exc: OSError) -> bool:
    """Whether an OSError came from writing to stdout (a full disk, /dev/full, EIO)
    rather than from a file the command opened (those carry a filename)."""
    return exc.filename is None and exc.filename2 is None


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that the interpreter's last flush of what could not
    be written fails no more (it would print a traceback-like warning at exit)."""
    try:
        fd = sys.stdout.fileno()
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, fd)
        os.close(null)
    except (OSError, ValueError, AttributeError):  # no real file behind stdout (tests)
        pass


def run_command(ap: argparse.ArgumentParser, argv: Sequence[str] | None, *,
                owns_process: bool = False) -> int:
    """Parse `argv`, run the command, and turn what stops it into an exit code: the
    one place a PolicykitError becomes a message on stderr. Safe to call repeatedly
    in one process; `owns_process` (the console entry) allows process-wide tuning
    (freezing what was loaded out of the collector's reach)."""
    return _run(ap, argv, owns_process)


def _tolerant_stdout() -> None:
    """A character the terminal's encoding lacks (PYTHONIOENCODING=ascii, a C locale)
    is written as an escape (\\u4e2d) instead of stopping the command with a traceback."""
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None and getattr(sys.stdout, "errors", "strict") == "strict":
        reconfigure(errors="backslashreplace")


def _run(ap: argparse.ArgumentParser, argv: Sequence[str] | None, owns_process: bool) -> int:
    if owns_process:
        _tolerant_stdout()
    try:
        args = ap.parse_args(argv)
        args.owns_process = owns_process
        code: int = args.func(args)
        sys.stdout.flush()  # a full disk or closed pipe shows here, not at exit
        return code
    except PolicykitError as exc:
        for line in exc.details:
            print(printable(line), file=sys.stderr)
        print(f"policykit: {printable(str(exc))}", file=sys.stderr)
        return exc.exit_code
    except SystemExit as exc:  # argparse: --help, or a malformed command line
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE if exc.code else EXIT_OK
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_OK
    except OSError as exc:
        if not _is_stream_error(exc):
            raise
        _silence_stdout()
        reason = exc.strerror or type(exc).__name__
        print(f"policykit: 无法写出结果：{reason} (cannot write the output: {reason})",
              file=sys.stderr)
        return EXIT_DATA
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
