"""The README's first officer step is the command CI runs (`.ci/run` via
`.ci/readme-commands install`): it installs the CLI from the clone."""

from __future__ import annotations

import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _block(name: str, readme: Path) -> list[str]:
    out = subprocess.run([str(REPO / ".ci" / "readme-commands"), name, str(readme)],
                         capture_output=True, text=True, check=True).stdout
    return out.splitlines()


def test_ci_runs_the_readme_install_block() -> None:
    lines = _block("install", REPO / "README.md")
    assert lines[0].startswith("python3 -m pip install") and lines[0].endswith('-e ".[extract]"')
    assert "policykit --help" in lines
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert ".ci/readme-commands install" in ci
    assert ci.index("readme-commands install") < ci.index("nox -s lint") < ci.index("nox -s tests")


def test_the_install_block_is_the_first_officer_step() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    tour = readme[readme.index("### 政策录入人员"):]
    assert tour.index("<!-- ci:install -->") < tour.index("policykit extract")


def test_a_missing_block_prints_nothing(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# x\n\n```bash\nrm -rf /\n```\n", encoding="utf-8")
    assert _block("install", readme) == []
