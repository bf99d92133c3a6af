"""Comparison pages for citizens (issue 20): regions with local values first and counted,
charts that scale with the screen and keep their labels legible on a phone, values past
the staleness horizon that a reader can hide, and the summary card saying why a line is
未收录.

Generator tests read the pages `generate` writes from the seed data; browser tests use the
site tests/sitebuild.py builds (seed data plus one hostile region), and one a small build
of its own with a region whose row mixes a stale and a current value.
"""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

import policykit
from conftest import POLICIES, run_cli
from policykit.model.entities import NATIONAL
from policykit.publish import site
from policykit.publish.chart import Segment, Series, step_chart
from policykit.publish.site import SiteInput, generate
from sitebuild import AS_OF, BuiltSite, _Quiet, assert_clean, free_port, open_page, shot

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def ps() -> policykit.PolicySet:
    return policykit.load(POLICIES)


@pytest.fixture(scope="module")
def content(ps: policykit.PolicySet) -> site.SiteContent:
    return generate(ps, SiteInput(as_of=AS_OF, site_url="http://127.0.0.1:8000/",
                                  changes=ps.changes()))


def table_rows(page: str) -> list[str]:
    """The region codes of a comparison table's rows, in page order."""
    table = page[page.index('<table class="pk-table pk-sortable pk-compare"'):]
    table = table[:table.index("</table>")]
    return re.findall(r'<tr data-row="\d+"[^>]*><td[^>]*><a href="\.\./\.\./regions/(\d+)/"',
                      table)


def origins_today(ps: policykit.PolicySet, code: str, pid: str) -> set[str]:
    """The regions whose values `code` has on the as-of day for a rule, over its columns."""
    columns = {bk for _, p, bk in ps.rules if p == pid}
    found = [ps.value_at(code, pid, AS_OF, bk) for bk in columns]
    return {r.origin for r in found if r is not None}


# -- local values first, counted --------------------------------------------------------------
def test_every_comparison_lists_local_values_first_and_counts_them(
        ps: policykit.PolicySet, content: site.SiteContent) -> None:
    seen_national = seen_mixed = 0
    for path, page in content.files.items():
        if not (path.startswith("compare/") and path.count("/") == 1) or path.endswith("index.md"):
            continue
        pid = path[len("compare/"):-3]
        rows = table_rows(page)
        origins = [origins_today(ps, c, pid) for c in rows]
        local = [c in o for c, o in zip(rows, origins, strict=True)]
        # All regions with a value of their own come before all that have none.
        assert local == sorted(local, reverse=True), (pid, rows, local)
        count = re.search(r'<p class="pk-count"[^>]*>(.*?)</p>', page)
        assert count, pid
        text = count.group(1)
        n = sum(local)
        assert text.startswith(f"{n} 个地区有本地数据" if n else "没有地区有本地数据"), (pid, text)
        inherited = [o for o, own in zip(origins, local, strict=True) if not own and o]
        if inherited and all(o == {NATIONAL} for o in inherited):
            assert f"{len(inherited)} 个沿用全国标准" in text, (pid, text)
            seen_national += 1
        if 0 < n < len(rows):
            seen_mixed += 1
            assert "有本地数据的地区排在前面" in text, (pid, text)
    # The seed data has both kinds of page: all regions on the national standard, and
    # local values for some regions only.
    assert seen_national and seen_mixed


def test_count_names_where_inherited_values_come_from(content: site.SiteContent) -> None:
    page = content.files["compare/maternity.contribution.rate.md"]
    text = re.sub(r"<[^>]+>", "", re.search(r'<p class="pk-count".*?</p>', page).group(0))  # type: ignore[union-attr]
    # 广东省 and 东莞市 set a rate of their own; 清远市 follows 广东省's.
    assert text.startswith("2 个地区有本地数据，其余 1 个沿用广东省的规定"), text
    assert table_rows(page)[:2] == ["440000", "441900"]
    assert table_rows(page)[2] == "441800"


def test_stale_box_only_where_a_value_of_the_day_is_stale(content: site.SiteContent) -> None:
    with_box = 0
    for path, page in content.files.items():
        if not path.startswith("compare/") or 'id="pk-cmp"' not in page:
            continue
        table = page[page.index('id="pk-cmp"'):page.index("</table>")]
        stale_now = 'class="pk-period pk-outdated"' in table
        assert ('name="hide-stale"' in page) == stale_now, path
        with_box += stale_now
    assert with_box


# -- charts -------------------------------------------------------------------------------------
def test_chart_labels_are_html_beside_the_plot_not_svg_text() -> None:
    s = Series("甲", (Segment("2013-01-01", "2021-01-01", Decimal("400"), Decimal("400")),
                     Segment("2021-01-01", "2025-01-01", Decimal("12500"), Decimal("12500"))))
    html = step_chart([s], start="2012-01-01", end="2025-06-30", fmt=lambda d: f"{d:,} 元",
                      title="标题", ident="c0")
    svg = html[html.index("<svg"):html.index("</svg>") + 6]
    root = ET.fromstring(svg)
    assert not list(root.iter(f"{SVG}text")), "labels inside the SVG scale with it"
    assert root.get("aria-labelledby") == "c0-t c0-d"
    y_axis = re.search(r'<div class="pk-yaxis" aria-hidden="true">(.*?)</div>', html)
    x_axis = re.search(r'<div class="pk-xaxis" aria-hidden="true">(.*?)</div>', html)
    assert y_axis and x_axis
    y_labels = re.findall(r'<span style="top:([\d.]+)%">([^<]+)</span>', y_axis.group(1))
    assert y_labels and all(0 <= float(top) <= 100 for top, _ in y_labels)
    assert '<span class="pk-ysize">12,500 元</span>' in y_axis.group(1) or \
        max((t for _, t in y_labels), key=len) in y_axis.group(1)
    years = re.findall(r'left:([\d.]+)%">(\d{4})</span>', x_axis.group(1))
    assert 2 <= len(years) <= 5, years                # 13 years, labelled every 5th or so
    lefts = [float(x) for x, _ in years]
    assert lefts == sorted(lefts) and all(0 <= x <= 100 for x in lefts)


CHART_LABELS = """() => Array.from(document.querySelectorAll('figure.pk-figure'))
    .filter(f => f.getBoundingClientRect().width > 0)
    .map(f => {
        const svg = f.querySelector('svg.pk-chart').getBoundingClientRect();
        const box = f.getBoundingClientRect();
        const labels = Array.from(f.querySelectorAll(
            '.pk-yaxis > span:not(.pk-ysize), .pk-xaxis > span'));
        return {figure: box.width, svg: svg.width, svgHeight: svg.height,
                content: f.closest('.md-content__inner').clientWidth,
                sizes: labels.map(l => parseFloat(getComputedStyle(l).fontSize)),
                outside: labels.filter(l => { const r = l.getBoundingClientRect();
                    return r.left < box.left - 1 || r.right > box.right + 1; })
                    .map(l => l.textContent),
                svgText: f.querySelectorAll('svg text').length};
    })"""


@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("elder", [False, True])
def test_charts_fill_the_width_and_label_in_12px_or_more(
        browser: Any, built: BuiltSite, width: int, elder: bool) -> None:
    watched = open_page(browser, built, "compare/resident.fiscal_subsidy/", width=width,
                        height=844)
    page = watched.page
    if elder:
        page.get_by_role("button", name="长辈模式").click()
    charts = page.evaluate(CHART_LABELS)
    assert charts                                   # the open chart
    for chart in charts:
        # Scales with the screen: the text column's width (capped at 40rem on a desktop),
        # the plot most of it, never the 300 × 150 px default of an SVG without a size.
        assert chart["figure"] >= min(chart["content"], 800) - 1, chart
        assert chart["svg"] >= 0.7 * chart["figure"] and chart["svgHeight"] > 150, chart
        assert chart["sizes"] and min(chart["sizes"]) >= (18 if elder else 12), chart
        assert not chart["outside"] and not chart["svgText"], chart
    sw, cw = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert sw <= cw
    if width == 390:
        page.locator("figure.pk-figure").first.scroll_into_view_if_needed()
        shot(page, f"compare-chart-phone-{'elder' if elder else 'normal'}")
    assert_clean(watched, built)
    page.context.close()


# -- hiding stale values ------------------------------------------------------------------------
ROW_STATES = """() => Array.from(document.querySelectorAll('#pk-cmp tbody tr')).map(tr => {
    const tds = Array.from(tr.cells).slice(1);
    return {name: tr.cells[0].textContent.trim(), hidden: tr.hidden,
            stale: tds.filter(td => td.querySelector('.pk-outdated')).length,
            blanked: tds.filter(td => td.textContent.includes('已隐藏')).length,
            values: tds.filter(td => !td.querySelector('.pk-outdated, .pk-none')).length,
            text: tr.textContent};
})"""


def check_hidden(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> int:
    """Rows whose every value is stale are hidden, other rows blank only their stale
    cells; returns the number of rows hidden."""
    by_name = {r["name"]: r for r in before}
    hidden = 0
    for row in after:
        was = by_name[row["name"]]
        whole = was["stale"] > 0 and was["values"] == 0
        assert row["hidden"] == whole, (row, was)
        if not whole:
            assert row["blanked"] == was["stale"], (row, was)
        hidden += whole
    return hidden


def stale_page(built: BuiltSite) -> str:
    """A comparison page with the box (the first by path: pages come and go with data)."""
    paths = sorted(p for p, html in built.pages.items()
                   if p.startswith("compare/") and 'name="hide-stale"' in html)
    assert paths, "no comparison page has a value past the staleness horizon"
    return paths[0][:-len("index.html")]


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 390])
def test_stale_values_can_be_hidden_with_the_keyboard_and_shown_again(
        browser: Any, built: BuiltSite, width: int) -> None:
    watched = open_page(browser, built, stale_page(built), width=width, height=844)
    page = watched.page
    box = page.get_by_label("隐藏“可能已过时”的数值")
    assert box.is_visible() and not box.is_checked()       # shown by default
    before = page.evaluate(ROW_STATES)
    assert any(r["stale"] for r in before)
    box.focus()
    page.keyboard.press("Space")
    assert box.is_checked()
    after = page.evaluate(ROW_STATES)
    hidden = check_hidden(before, after)
    status = page.locator(".pk-stale-count")
    assert status.get_attribute("role") == "status"
    expect(status).to_have_text(f"已隐藏 {hidden} 个只有过时数值的地区")
    page.keyboard.press("Space")
    assert not box.is_checked()
    assert page.evaluate(ROW_STATES) == before            # every value back, as it was
    expect(status).to_have_text("")
    assert_clean(watched, built)                          # no dialog, no error
    page.context.close()


# -- a row that mixes a current and a stale value ---------------------------------------------
MIXED_REGION = """\
region:
  code: "441700"
  name: {zh: 阳江测试, en: Test}
  level: prefecture
  parent: "440000"
rules:
  - parameter: resident.inpatient.ratio
    breakdown: {hospital_level: level1}
    history:
      - status: in_force
        start: "2019-01-01"
        ratio: 0.8
        source: old-source
        quote: "一级医院80%"
  - parameter: resident.inpatient.ratio
    breakdown: {hospital_level: level2}
    history:
      - status: in_force
        start: "2025-01-01"
        end: "2025-12-31"
        ratio: 0.7
        source: test-source
        quote: "二级医院70%"
"""
MIXED_SOURCES = """\
sources:
  - id: old-source
    title: 旧测试来源
    issuer: 测试机关
    kind: notice
    date: "2019-01-01"
  - id: test-source
    title: 测试来源
    issuer: 测试机关
    kind: notice
    date: "2025-01-01"
"""


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BuiltSite]:
    work = tmp_path_factory.mktemp("mixed")
    data = work / "policies"
    shutil.copytree(POLICIES, data)
    # a made-up region (阳江测试) the registry would rightly reject; not what this is about
    shutil.rmtree(data / "registry")
    region = data / "regions" / "440000-广东省" / "441700-测试"
    region.mkdir()
    (region / "region.yaml").write_text(MIXED_REGION, encoding="utf-8")
    (region / "sources.yaml").write_text(MIXED_SOURCES, encoding="utf-8")
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    out = work / "site"
    result = run_cli("build", str(data), "--out", str(out), "--site-url", url, "--as-of", AS_OF)
    assert result.returncode == 0, result.stdout + result.stderr
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", port), functools.partial(_Quiet, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield BuiltSite(out, url, result.stderr, {})
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.browser
def test_a_row_with_a_current_value_stays_and_blanks_only_its_stale_cell(
        browser: Any, mixed: BuiltSite) -> None:
    watched = open_page(browser, mixed, "compare/resident.inpatient.ratio/", width=390,
                        height=844)
    page = watched.page
    before = page.evaluate(ROW_STATES)
    test_row = next(r for r in before if r["name"].startswith("阳江测试"))
    assert test_row["stale"] == 1 and test_row["values"] == 1, test_row
    assert before[0]["name"].startswith(("清远市", "阳江测试"))     # local values first
    page.get_by_label("隐藏“可能已过时”的数值").check()
    after = page.evaluate(ROW_STATES)
    assert check_hidden(before, after) >= 1                    # 清远市: all stale
    row = next(r for r in after if r["name"].startswith("阳江测试"))
    assert not row["hidden"] and "70%" in row["text"] and "80%" not in row["text"]
    # Another day with the box ticked: that day's values, hidden by the same rule.
    page.locator("form.pk-when select[name=year]").select_option("2021-12-31")
    on_2021 = page.evaluate(ROW_STATES)
    row = next(r for r in on_2021 if r["name"].startswith("阳江测试"))
    assert "70%" not in row["text"] and "未收录" in row["text"]
    page.locator("form.pk-when select[name=year]").select_option(AS_OF)
    assert page.evaluate(ROW_STATES) == after
    page.get_by_label("隐藏“可能已过时”的数值").uncheck()
    assert page.evaluate(ROW_STATES) == before
    shot(page, "compare-stale-mixed-phone")
    assert_clean(watched, mixed)
    page.context.close()


# -- the summary card says why a line is 未收录 -----------------------------------------------
def test_summary_card_says_why_a_line_is_not_recorded(content: site.SiteContent) -> None:
    page = content.files["regions/441800.md"]
    card = page[page.index('<div class="pk-summary"'):]
    card = card[:card.index("</dl>")]
    row = card[card.index("<dt>住院起付线（居民）</dt>"):]
    row = row[:row.index("</div>")]
    text = re.sub(r"<[^>]+>", "", row)
    # 清远's only source never mentions a deductible: 未收录 (not 未公布), and why.
    assert "未收录" in text and "未公布" not in text, text
    assert "所收录资料未提及" in text, text


def test_lines_with_data_carry_no_unrecorded_reason(content: site.SiteContent) -> None:
    page = content.files["regions/441800.md"]
    card = page[page.index('<div class="pk-summary"'):page.index("</dl>")]
    for row in re.findall(r'<div class="pk-sum-row">.*?</dd></div>', card):
        assert ("所收录资料未提及" in row) == ('<span class="pk-none">未收录</span>' in row), row


# -- the confirmation date in every cell --------------------------------------------------------
def test_every_comparison_cell_with_a_value_shows_its_date(content: site.SiteContent) -> None:
    """Each value cell carries its period and, where carried forward, the day of its last
    source ("据 2021-08-24 资料" or the first day of its period) and how long ago."""
    cells = 0
    for path, page in content.files.items():
        if not path.startswith("compare/") or 'id="pk-cmp"' not in page:
            continue
        table = page[page.index('id="pk-cmp"'):page.index("</table>")]
        for td in re.findall(r'<td data-label="(?!地区)[^"]*" data-sort="[^"]*">(.*?)</td>', table):
            if td.startswith('<span class="pk-none">'):
                continue
            period = re.search(r'<div class="pk-period[^"]*">([^<]*)</div>', td)
            assert period and re.search(r"\d{4}", period.group(1)), (path, td)
            if "未核实" in period.group(1):
                assert re.search(r"(据 \d{4}-\d{2}-\d{2} 资料|\d{4}(-\d{2}(-\d{2})?)? (时有效|起))",
                                 period.group(1)), (path, period.group(1))
            cells += 1
    assert cells
