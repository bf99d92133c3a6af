"""The built site for citizens: accessibility (axe-core in Chromium), 长辈模式 (elder mode),
and no non-change in the timeline, the feed or changes.json.

axe-core comes from the npm registry at test time, pinned by tests/axe/package.json and
package-lock.json, and is installed with `npm ci` into a cache folder outside the
repository (never copied into it). The site is the one test_site_e2e builds (seed data
plus one hostile region). Screenshots of every page family at 1280 and 390 px, normal and
elder mode, go to test-artifacts/ (gitignored).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO
from test_site_e2e import (  # noqa: F401  (browser and built are fixtures)
    BuiltSite,
    assert_clean,
    browser,
    built,
    open_page,
    shot,
)

AXE_SPEC = REPO / "tests" / "axe"
ELDER_KEY = "pk-elder"

#: One page of each family (estimator and coverage pages do not exist in this build).
FAMILIES = {
    "home": "",
    "region": "regions/441800/",
    "comparison": "compare/resident.inpatient.ratio/",
    "comparison-index": "compare/",
    "disease": "diseases/",
    "changes": "changes/",
    "downloads": "downloads/",
    "about": "about/",
}
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}


def restatements(text: str) -> list[str]:
    """Every 'X（原为 X）' or 'X（原为 X，…' in a text, tags removed first."""
    plain = re.sub(r"<[^>]+>", "", text)
    return [m.group(0) for m in re.finditer(r"([^：（）<>\n\"]+?)（原为 \1[，）]", plain)]


def test_the_restatement_pattern_finds_one() -> None:
    assert restatements("缴费：<b>不低于 400 元/人·年</b><span>（原为 不低于 400 元/人·年）</span>")
    assert restatements("比例：90%（原为 90%，继承自 <a>广东省</a>）")
    assert not restatements("缴费：不低于 400 元/人·年（原为 不低于 380 元/人·年）")


def test_no_non_change_in_the_built_site_feed_or_changes_json(built: BuiltSite) -> None:  # noqa: F811
    found = []
    for f in built.out.rglob("*"):
        if f.suffix in (".html", ".xml", ".json") and f.is_file():
            found += [(f.name, r) for r in restatements(f.read_text("utf-8"))]
    assert not found, found[:5]
    doc = json.loads((built.out / "api" / "v1" / "changes.json").read_text("utf-8"))
    assert doc["changes"]
    for c in doc["changes"]:
        was = c.get("previous")
        if was:
            assert (was["value"], was["bound"]) != (c["entry"]["value"], c["entry"]["bound"]), c


# -- axe-core ---------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe.min.js from the pinned npm package, installed once per lock file into
    ~/.cache/policykit-test-tools/<hash of the lock>/ (`npm ci`: exactly the locked
    version, its integrity hash checked)."""
    lock = (AXE_SPEC / "package-lock.json").read_bytes()
    base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    folder = base / "policykit-test-tools" / hashlib.sha256(lock).hexdigest()[:16]
    script = folder / "node_modules" / "axe-core" / "axe.min.js"
    if not script.is_file():
        npm = shutil.which("npm")
        assert npm, "npm is needed for the accessibility tests (.ci/run installs it)"
        folder.mkdir(parents=True, exist_ok=True)
        for name in ("package.json", "package-lock.json"):
            shutil.copyfile(AXE_SPEC / name, folder / name)
        done = subprocess.run([npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"],
                              cwd=folder, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
    return script.read_text("utf-8")


def run_axe(page: Any, axe: str) -> list[dict[str, Any]]:
    """The serious and critical violations axe finds on the page (WCAG 2.0/2.1 A and AA)."""
    page.add_script_tag(content=axe)
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map(n => [n.target.join(' '), n.failureSummary])}));
    }""")
    return [v for v in result if v["impact"] in ("serious", "critical")]


def set_elder(page: Any, on: bool) -> None:
    page.evaluate(f"localStorage.setItem('{ELDER_KEY}', '{'1' if on else '0'}')")
    page.reload()
    page.wait_for_load_state("networkidle")


@pytest.mark.browser
@pytest.mark.parametrize("mode", ["normal", "elder"])
@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("family", list(FAMILIES))
def test_axe_finds_no_serious_violation(browser: Any, built: BuiltSite, axe_source: str,  # noqa: F811
                                        family: str, width: str, mode: str) -> None:
    w, h = WIDTHS[width]
    watched = open_page(browser, built, FAMILIES[family], width=w, height=h)
    page = watched.page
    set_elder(page, mode == "elder")
    assert page.evaluate("document.documentElement.classList.contains('pk-elder')") == (
        mode == "elder")
    shot(page, f"a11y-{family}-{width}-{mode}")
    bad = run_axe(page, axe_source)
    assert not bad, json.dumps(bad, ensure_ascii=False, indent=1)
    assert_clean(watched, built)
    page.context.close()
