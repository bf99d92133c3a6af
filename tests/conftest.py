from __future__ import annotations

import contextlib
import gc
import io
import os
import shutil
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import pytest

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "tests" / "examples"
POLICIES = REPO / "policies"
ARCHIVE = REPO / "archive"

# The built site and the browser (session fixtures shared by the site test modules).
pytest_plugins = ["sitebuild"]


def pytest_configure(config: pytest.Config) -> None:
    # The CLI caches parsed files under ~/.cache by default: the tests use (and
    # exercise) a cache of their own, removed at the end.
    cache = tempfile.mkdtemp(prefix="policykit-test-cache-")
    config.stash[_CACHE] = cache
    os.environ["POLICYKIT_CACHE_DIR"] = cache


def pytest_unconfigure(config: pytest.Config) -> None:
    cache = config.stash.get(_CACHE, None)
    if cache:
        shutil.rmtree(cache, ignore_errors=True)


_CACHE = pytest.StashKey[str]()


def failing_examples(into: Path) -> list[Path]:
    """Every policy set of tests/examples/checks that breaks a rule, each assembled (the
    shared base, then the case's files) in its own folder under `into`."""
    cases = EXAMPLES / "checks"
    roots = []
    for i, case in enumerate(sorted(cases.glob("*/fail"))):
        root = into / str(i)
        shutil.copytree(cases / "_shared" / "policies", root)
        shutil.copytree(case / "policies", root, dirs_exist_ok=True)
        roots.append(root)
    return roots


@dataclass(frozen=True)
class CliResult:
    """What a CLI run gives a test: the attributes of subprocess.CompletedProcess[str]
    that the tests read, so either runner's result can be asserted on alike."""

    args: list[str]
    returncode: int
    stdout: str
    stderr: str


def run_cli(*args: str, cwd: Path | None = None,
            env: dict[str, str | None] | None = None) -> CliResult:
    """Run `policykit ARGS` in this process, as `python -m policykit ARGS` would run in
    `cwd` (default: the repository) with `env` added to the environment (None unsets)."""
    from policykit.cli.main import main

    return run_in_process(main, args, cwd=cwd, env=env)


def run_extract_cli(*args: str, cwd: Path | None = None,
                    env: dict[str, str | None] | None = None) -> CliResult:
    """`python -m policykit.cli.extract ARGS` (the standalone entry point), in this process."""
    from policykit.cli.extract import main

    return run_in_process(lambda argv: main(list(argv)), args, cwd=cwd, env=env)


def run_in_process(entry: Callable[[Sequence[str]], int], args: Sequence[str], *,
                   cwd: Path | None = None,
                   env: Mapping[str, str | None] | None = None) -> CliResult:
    """Call a CLI entry point with what a fresh process would give it, and put back
    everything it may change. Starting an interpreter per call (0.25 s of imports)
    was most of the suite's time; the few tests about the process itself use
    run_cli_subprocess.

    Like the subprocess it replaces: stdout and stderr are strict UTF-8 pipes (not
    terminals, so no progress bar; a character UTF-8 cannot encode fails as it would
    with PYTHONIOENCODING=utf-8); SystemExit (argparse's usage errors, --help) becomes
    the exit code; an uncaught exception prints its traceback to stderr and gives 1,
    as the interpreter does. Put back afterwards: the working directory, the
    environment, and gc.freeze() (the CLI's loader freezes everything it loaded, meant
    for a process about to exit: in the test process it would keep every later test's
    objects out of the collector's reach, cyclic garbage included)."""
    out_bytes, err_bytes = io.BytesIO(), io.BytesIO()
    out = io.TextIOWrapper(out_bytes, encoding="utf-8", errors="strict", newline="\n",
                           write_through=True)
    err = io.TextIOWrapper(err_bytes, encoding="utf-8", errors="backslashreplace",
                           newline="\n", write_through=True)
    argv = [str(a) for a in args]
    saved_env = {name: os.environ.get(name) for name in (env or {})}
    old_cwd = os.getcwd()
    pid = os.getpid()
    frozen_before = gc.get_freeze_count()
    try:
        os.chdir(cwd or REPO)
        for name, value in (env or {}).items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = entry(argv)
            except SystemExit as exc:
                code = _exit_status(exc, err)
            except Exception:
                traceback.print_exc(file=err)
                code = 1
    finally:
        if os.getpid() != pid:
            # A forked child came back out of the CLI: it must not go on running the
            # test session (a separate process would have exited here).
            os._exit(1)
        os.chdir(old_cwd)
        for name, value in saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        if frozen_before == 0 and gc.get_freeze_count():
            gc.unfreeze()
    out.flush()
    err.flush()
    return CliResult(argv, code, out_bytes.getvalue().decode("utf-8"),
                     err_bytes.getvalue().decode("utf-8"))


def _exit_status(exc: SystemExit, err: TextIO) -> int:
    """The status the interpreter gives sys.exit(code)."""
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code
    print(exc.code, file=err)
    return 1


def run_cli_subprocess(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
                       command: Sequence[str] | None = None) -> CliResult:
    """Run the real CLI in a new process, as a user would: `command` (default
    `python -m policykit`) with ARGS. For the tests about the process itself (the
    console script, exit status of the interpreter, pipes, signals)."""
    argv = [*(command or [sys.executable, "-m", "policykit"]), *args]
    full_env = {**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})}
    # Bytes decoded here, not text=True: that would turn "\r" into "\n" and hide a
    # progress bar drawn into the pipe.
    proc = subprocess.run(argv, cwd=cwd or REPO, capture_output=True, env=full_env,
                          timeout=600)
    return CliResult(argv, proc.returncode, proc.stdout.decode("utf-8"),
                     proc.stderr.decode("utf-8"))


@pytest.fixture
def cli() -> Callable[..., CliResult]:
    return run_cli


@pytest.fixture(scope="session")
def small_policies(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """policies/ with its division registry cut down to the regions that have files, their
    ancestors and the other divisions of their prefectures (a few dozen rows, both kinds of
    region page: with rules of its own and known only from the registry). For tests of a
    mechanism (incremental builds, a forked child, the page plugin) that do not need every
    one of China's 3,229 regions built twice; the whole data set is built by `built`."""
    import csv

    root = tmp_path_factory.mktemp("small") / "policies"
    shutil.copytree(POLICIES, root, ignore=shutil.ignore_patterns("divisions.csv"))
    text = (POLICIES / "registry" / "divisions.csv").read_text(encoding="utf-8")
    header, *rows = list(csv.reader(text.splitlines()))
    up, succ = header.index("parent"), header.index("successor")
    parent = {r[0]: r[up] for r in rows}
    files = {p.parent.name.split("-")[0] for p in (POLICIES / "regions").rglob("region.yaml")}
    keep: set[str] = set()
    for code in files:
        while code and code not in keep:
            keep.add(code)
            code = parent.get(code, "")
    prefectures = {c for c in files if c.endswith("00") and not c.endswith("0000")}
    kept = [r for r in rows if r[0] in keep or r[up] in prefectures]
    codes = {r[0] for r in kept}
    kept = [r for r in kept if not r[succ] or r[succ] in codes]     # successors kept too
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *kept])
    (root / "registry" / "divisions.csv").write_text(out.getvalue(), encoding="utf-8")
    return root
