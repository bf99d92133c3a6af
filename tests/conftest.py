from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "tests" / "examples"
POLICIES = REPO / "policies"
ARCHIVE = REPO / "archive"


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
