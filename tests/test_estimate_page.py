"""The 医保报销估算 page in headless Chromium: the browser's figures equal the Python
library's (`policykit.estimate`) on generated cases, on the bundled data and on the
estimate fixture (a complete rule set), intervals included; the form works at 390 px
with no console error; every region page links to the page with its region filled in."""

from __future__ import annotations

import functools
import http.server
import random
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import policykit
from conftest import run_cli
from policykit.costs.compute import FIELDS
from sitebuild import BuiltSite, _Quiet, assert_clean, free_port, open_page
from test_estimate import fixture_policies

AS_OF = "2026-06-01"


def _serve(root: Path, out: Path) -> Iterator[BuiltSite]:
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    result = run_cli("build", str(root), "--out", str(out), "--site-url", url, "--as-of", AS_OF)
    assert result.returncode == 0, result.stdout + result.stderr
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port),
                                             functools.partial(_Quiet, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield BuiltSite(out, url, result.stderr)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory,
          small_policies: Path) -> Iterator[dict[str, tuple[BuiltSite, Path]]]:
    """The bundled data (its regions with files, their prefectures' other divisions) and
    the estimate fixture, each built and served."""
    work = tmp_path_factory.mktemp("estimate-sites")
    fixture = fixture_policies(work)
    bundled = _serve(small_policies, work / "bundled-site")
    fixed = _serve(fixture, work / "fixture-site")
    try:
        yield {"bundled": (next(bundled), small_policies), "fixture": (next(fixed), fixture)}
    finally:
        for gen in (bundled, fixed):
            gen.close()


def cases(which: str, regions: list[str], n: int, seed: int) -> list[dict[str, Any]]:
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        scheme = rnd.choice(["resident", "employee"])
        cost = rnd.choice([0, 800, 10000, 12345.67, 60000, 200000, 1500000])
        q: dict[str, Any] = {
            "region": rnd.choice(regions), "scheme": scheme,
            "hospital_level": rnd.choice(["", "level1", "level2", "level3"]),
            "person_type": rnd.choice(["in_service", "retiree"]) if scheme == "employee" else "",
            "admission": rnd.choice([1, 2, 3, 5]), "cost": str(cost),
            "in_scope": rnd.choice(["", str(round(cost * 0.8, 2))]),
            "paid_this_year": rnd.choice(["0", "95000", "250000.5"]),
            "assistance_category": rnd.choice(["", "", "dibao", "tekun"]),
        }
        out.append(q)
    return out


def python_side(ps: policykit.PolicySet, q: dict[str, Any]) -> dict[str, Any]:
    e = policykit.estimate(
        ps, q["region"], day=AS_OF, scheme=q["scheme"], cost=q["cost"],
        in_scope=q["in_scope"] or None, hospital_level=q["hospital_level"] or None,
        person_type=q["person_type"] or None, admission=q["admission"],
        paid_this_year=q["paid_this_year"],
        assistance_category=q["assistance_category"] or None).to_plain()
    return {**{f: e[f] for f in FIELDS}, "missing_zh": e["missing_zh"], "exact": e["exact"]}


@pytest.mark.browser
def test_browser_figures_equal_the_library(browser: Any,
                                           sites: dict[str, tuple[BuiltSite, Path]]) -> None:
    compared = intervals = 0
    for which, n, seed in (("bundled", 30, 19), ("fixture", 30, 91)):
        built, root = sites[which]
        ps = policykit.load(root)
        w = open_page(browser, built, "estimate/")
        for q in cases(which, sorted(ps.regions), n, seed):
            got = w.page.evaluate(
                """async (q) => {
                     const t = await window.pkEstimate.load('../estimate/data/' + q.region + '.json');
                     const r = window.pkEstimate.estimate(t, q);
                     delete r.rules;
                     return r;
                   }""", q)
            want = python_side(ps, q)
            assert got == want, (which, q)
            compared += 1
            intervals += not want["exact"]
        assert_clean(w, built)
        w.page.context.close()
    assert compared >= 50 and intervals >= 10, (compared, intervals)


@pytest.mark.browser
def test_form_on_a_phone(browser: Any, sites: dict[str, tuple[BuiltSite, Path]]) -> None:
    built, _ = sites["bundled"]
    w = open_page(browser, built, "estimate/?region=441800", width=390, height=844)
    page = w.page
    assert page.locator("select[name=region]").input_value() == "441800"
    page.select_option("select[name=hospital_level]", "level3")
    page.fill("input[name=cost]", "10000")
    page.click("button[type=submit]")
    fund = page.locator("dd[data-field=hifp_pay]")
    fund.wait_for()
    assert (fund.get_attribute("data-min"), fund.get_attribute("data-max")) == ("0", "6000")
    assert fund.inner_text() == "0 至 6,000 元"
    assert "起付线未公布，所以统筹基金支付只能给出上限" in page.locator(
        ".pk-estimate-missing").inner_text()
    sw, cw = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert sw <= cw
    assert_clean(w, built)
    w.page.context.close()


def test_every_region_page_links_the_estimator(sites: dict[str, tuple[BuiltSite, Path]]) -> None:
    built, _ = sites["bundled"]
    for page in sorted((built.out / "regions").glob("*/index.html")):
        code = page.parent.name
        assert f'estimate/?region={code}"' in page.read_text(encoding="utf-8"), code
