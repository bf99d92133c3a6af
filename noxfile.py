"""Developer sessions. CI calls only `nox -s tests` (see .ci/run).

    nox -s tests    unit, CLI, data and browser tests (the README's test command)
    nox -s lint     ruff + mypy --strict on src/
"""

from __future__ import annotations

import nox

nox.options.sessions = ["tests", "lint"]
nox.options.reuse_existing_virtualenvs = True
PYTHON = "3.11"
ALL_EXTRAS = ".[site,extract,test]"


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Run the whole test suite (pytest, warnings are errors, no test = failure)."""
    session.install(ALL_EXTRAS)
    session.run("pytest", "--strict-markers", "-W", "error", *session.posargs)


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """ruff on src/ and tests/, mypy --strict on src/."""
    session.install(ALL_EXTRAS, "ruff", "mypy", "types-PyYAML", "pandas-stubs")
    session.run("ruff", "check", "src", "tests", "noxfile.py")
    session.run("mypy", "--strict", "src/policykit")


@nox.session(python=PYTHON)
def schemas(session: nox.Session) -> None:
    """Rewrite schemas/ from src/policykit/schemadefs.py (after changing the format)."""
    session.install(".")
    session.run("python", "-m", "policykit.schemadefs", "schemas")
