from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "tests" / "examples"
POLICIES = REPO / "policies"
ARCHIVE = REPO / "archive"


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


def run_cli(*args: str, cwd: Path | None = None,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real CLI in a subprocess, as a user would."""
    full_env = {**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "policykit", *args],
        cwd=cwd or REPO, capture_output=True, text=True, encoding="utf-8", env=full_env,
        timeout=600,
    )


@pytest.fixture
def cli():  # type: ignore[no-untyped-def]
    return run_cli
