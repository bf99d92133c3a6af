"""和本省其他地区比较 (issue 20): one comparison page per province, built from the model's
region tree, linked from each of its regions' pages."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest

import policykit
from conftest import POLICIES
from policykit.model.entities import NATIONAL
from policykit.publish import site
from policykit.publish.site import SiteInput, generate
from policykit.publish.site.summary import SUMMARY_LINES
from sitebuild import AS_OF, BuiltSite, assert_clean, open_page, shot

NEW_COUNTY = """\
region:
  code: "441802"
  name: {zh: 清城区, en: Qingcheng}
  level: county
  parent: "441800"
"""


def province_of(ps: policykit.PolicySet, code: str) -> str | None:
    seen: set[str] = set()
    cur: str | None = code
    while cur is not None and cur in ps.regions and cur not in seen:
        seen.add(cur)
        if ps.regions[cur].level == "province":
            return cur
        cur = ps.regions[cur].parent
    return None


def content_of(root: Path) -> tuple[policykit.PolicySet, site.SiteContent]:
    ps = policykit.load(root)
    return ps, generate(ps, SiteInput(as_of=AS_OF, site_url="http://127.0.0.1:8000/",
                                      changes=ps.changes()))


def _without_registry(root: Path) -> Path:
    """A copy of the data without the division registry: there, a new region file brings
    a division the tree did not know (with the registry every division is already in)."""
    shutil.copytree(POLICIES, root)
    shutil.rmtree(root / "registry")
    return root


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> tuple[policykit.PolicySet, site.SiteContent]:
    return content_of(_without_registry(tmp_path_factory.mktemp("seed") / "policies"))


@pytest.fixture(scope="module")
def grown(tmp_path_factory: pytest.TempPathFactory) -> tuple[policykit.PolicySet, site.SiteContent]:
    """The seed data plus one district of 清远 with no rules of its own (as the registry
    of every division adds them): it belongs to 广东's page by its parent chain alone."""
    root = _without_registry(tmp_path_factory.mktemp("grown") / "policies")
    county = root / "regions" / "440000-广东省" / "441800-清远市" / "441802-清城区"
    county.mkdir()
    (county / "region.yaml").write_text(NEW_COUNTY, encoding="utf-8")
    return content_of(root)


def members(ps: policykit.PolicySet, prov: str) -> list[str]:
    return sorted(c for c in ps.regions if province_of(ps, c) == prov)


def section(page: str, label: str) -> str:
    part = page[page.index(f"## {label}"):]
    return part[:part.index("\n## ")] if "\n## " in part else part


def count_numbers(text: str) -> int:
    """The regions a count line accounts for ("1 个地区有本地数据，其余 2 个未收录" → 3)."""
    plain = re.sub(r"<[^>]+>", "", text)
    return sum(int(n) for n in re.findall(r"(\d+) 个", plain))


@pytest.mark.parametrize("which", ["seed", "grown"])
def test_each_region_links_to_its_provinces_page_which_accounts_for_every_region(
        which: str, request: pytest.FixtureRequest) -> None:
    ps, content = request.getfixturevalue(which)
    provinces = sorted(c for c, r in ps.regions.items() if r.level == "province")
    assert provinces
    for prov in provinces:
        codes = members(ps, prov)
        page = content.files.get(f"compare/province/{prov}.md")
        assert (page is not None) == (len(codes) >= 2), prov
        for code in codes:
            region = content.files[f"regions/{code}.md"]
            link = f'href="../../compare/province/{prov}/">和本省其他地区比较</a>'
            assert (link in region) == (page is not None), code
        if page is None:
            continue
        assert f"和下辖的 {len(codes) - 1} 个地区" in page
        for label, pid in SUMMARY_LINES:
            part = section(page, label)
            count = re.search(r'<p class="pk-count"[^>]*>.*?</p>', part)
            assert count, (prov, label)
            # Rows for the regions with their own value, every other region counted.
            assert count_numbers(count.group(0).split("：", 1)[1]) == len(codes), (prov, label)
            local = [c for c in codes if any(
                r.origin == c for (p, _), r in ps.in_force(c, AS_OF).items() if p == pid)]
            rows = re.findall(r'<tr><td data-label="地区"><a href="\.\./\.\./\.\./regions/(\d+)/"', part)
            assert rows == local, (prov, label, rows, local)
    assert NATIONAL not in {province_of(ps, c) for c in ps.regions}


def test_a_new_division_joins_its_provinces_page_from_the_tree(
        seed: tuple[policykit.PolicySet, site.SiteContent],
        grown: tuple[policykit.PolicySet, site.SiteContent]) -> None:
    before = seed[1].files["compare/province/440000.md"]
    after = grown[1].files["compare/province/440000.md"]
    n = len(members(seed[0], "440000")) - 1
    assert f"和下辖的 {n} 个地区" in before and f"和下辖的 {n + 1} 个地区" in after
    # 清城区 has no rule of its own: counted with those that follow a rule, never a row.
    assert 'regions/441802/"' in after
    assert not re.search(r'<tr><td data-label="地区"><a href="\.\./\.\./\.\./regions/441802/"', after)
    assert "和本省其他地区比较" in grown[1].files["regions/441802.md"]


def test_comparison_index_lists_the_province_pages(
        seed: tuple[policykit.PolicySet, site.SiteContent]) -> None:
    index = seed[1].files["compare/index.md"]
    assert "## 按省比较" in index
    assert 'href="province/440000/">广东省各地区比较</a>' in index


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 390])
def test_from_a_region_page_to_its_province_comparison(browser: Any, built: BuiltSite,
                                                       width: int) -> None:
    watched = open_page(browser, built, "regions/441800/", width=width, height=844)
    page = watched.page
    page.get_by_role("link", name="和本省其他地区比较").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("compare/province/440000/")
    assert page.locator("h1").inner_text().startswith("广东省各地区比较")
    rows = page.locator("table.pk-province tbody tr").filter(has_text="清远市")
    assert rows.count() >= 1 and "90%" in rows.first.inner_text()
    sw, cw = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert sw <= cw
    shot(page, f"province-440000-{width}")
    assert_clean(watched, built)
    page.context.close()


def test_a_province_with_many_local_values_links_to_the_rules_page_instead(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Past MAX_LOCAL_ROWS regions with a value of their own, a rule's section is its count
    and a link to the rule's comparison page (the page stays small at 3,000 regions)."""
    from policykit.publish.site import province

    monkeypatch.setattr(province, "MAX_LOCAL_ROWS", 0)
    _, content = content_of(POLICIES)
    page = content.files["compare/province/440000.md"]
    part = section(page, "住院报销（居民）")
    assert "<table" not in part
    link = re.search(r'<a href="([^"]+)">逐个比较这 (\d+) 个地区的数值和历史</a>', part)
    assert link and int(link.group(2)) >= 1
    assert link.group(1) == "../../resident.inpatient.ratio/"
    assert "compare/resident.inpatient.ratio.md" in content.files
