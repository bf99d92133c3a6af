"""The built site end to end: `policykit build` once per session, served on localhost,
checked as files (links, sizes, no external references) and in headless Chromium
(Debian's /usr/bin/chromium through Playwright). The `built` and `browser` fixtures are in
tests/sitebuild.py, shared with test_site_a11y.

The data is a copy of policies/ plus one hostile region (441700) whose name, catalogue
label, source title and quote carry `<script>` and `|`, so the same build shows both the
real seed values and that hostile text renders as text. Screenshots go to
test-artifacts/ (gitignored).
"""

from __future__ import annotations

import functools
import http.server
import threading
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit
from urllib.request import urlopen

import pytest
from playwright.sync_api import expect

from conftest import REPO, run_cli
from sitebuild import (
    ARTIFACTS,
    AS_OF,
    EVIL,
    BuiltSite,
    _Quiet,
    assert_clean,
    free_port,
    open_page,
    search,
    shot,
)


# -- the built files ------------------------------------------------------------------------
def test_strict_build_without_warnings(built: BuiltSite) -> None:
    assert "mkdocs:" not in built.stderr          # no mkdocs warning was reported
    assert "已构建网站" in built.stderr
    for rel in ("index.html", "regions/441800/index.html", "compare/index.html",
                "changes/index.html", "feed.xml", "api/v1/index.json",
                "api/v1/regions/441800.json", "downloads/values.csv", "downloads/policykit.xlsx",
                "search/search_index.json", "format/index.html", "rules/index.html"):
        assert (built.out / rel).is_file(), rel


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []     # (tag, attribute, value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src", "srcset", "action", "poster", "data") and value:
                self.refs.append((tag, name, value))


def test_every_link_resolves_and_nothing_is_loaded_from_elsewhere(built: BuiltSite) -> None:
    broken, external = [], []
    for rel, html in built.pages.items():
        parser = _Refs()
        parser.feed(html)
        base = built.url + rel
        for tag, attr, value in parser.refs:
            target = urljoin(base, value)
            parts = urlsplit(target)
            if not target.startswith(built.url):
                # Only a plain link to a source document may point elsewhere.
                if not (tag == "a" and attr == "href" and parts.scheme in ("http", "https")):
                    external.append((rel, tag, value))
                continue
            path = unquote(parts.path[len(urlsplit(built.url).path):])
            f = built.out / path
            if path == "" or path.endswith("/"):
                f = f / "index.html"
            if not f.is_file():
                broken.append((rel, value))
    assert not external, external[:10]
    assert not broken, broken[:10]


def test_pages_are_small_and_search_index_is_bounded(built: BuiltSite) -> None:
    sizes = {rel: len(html.encode("utf-8")) for rel, html in built.pages.items()}
    assert max(sizes.values()) < 200_000, max(sizes.items(), key=lambda kv: kv[1])
    index = (built.out / "search" / "search_index.json").stat().st_size
    assert index < 5_000_000


def test_search_index_holds_names_and_labels_not_tables(built: BuiltSite) -> None:
    import json

    docs = json.loads((built.out / "search" / "search_index.json").read_text("utf-8"))["docs"]
    text = {d["location"]: d["title"] + " " + d["text"].replace("\u200b", "") for d in docs}
    assert any("清远市" in t for loc, t in text.items() if loc.startswith("regions/441800/"))
    assert any("住院报销比例" in t for loc, t in text.items() if loc.startswith("compare/"))
    # Comparison tables, date pickers and region histories are not indexed.
    for loc, t in text.items():
        if loc.startswith("compare/resident.inpatient.ratio/"):
            assert "清远市" not in t and "年末" not in t, (loc, t[:200])
        if loc.startswith("regions/"):
            assert "历史记录" not in t and "#h-r-" not in loc, (loc, t[:200])


def test_work_folder_keeps_unchanged_files_and_their_times(tmp_path: Path,
                                                           small_policies: Path) -> None:
    """`--work`: a second build of the same data rewrites no docs file and the new site's
    unchanged pages keep their times; the site itself is still swapped in whole."""
    import os

    out, work = tmp_path / "site", tmp_path / "work"
    args = ("build", str(small_policies), "--out", str(out), "--work", str(work),
            "--as-of", AS_OF)
    first = run_cli(*args)
    assert first.returncode == 0, first.stderr
    # The data files are hard links to the work folder's, not copies (same file system).
    for rel in ("api/v1/regions/441800.json", "downloads/values.csv"):
        assert os.path.samefile(out / rel, work / rel), rel
    assert not os.path.samefile(out / "regions" / "441800" / "index.html",
                                work / "regions" / "441800.md")
    past = 1_000_000_000
    for f in [*work.rglob("*"), *out.rglob("*")]:
        if f.is_file():
            os.utime(f, (past, past))
    (work / "stale.md").write_text("left over", encoding="utf-8")
    second = run_cli(*args)
    assert second.returncode == 0, second.stderr
    assert not (work / "stale.md").exists()
    assert (work / "regions" / "441800.md").stat().st_mtime == past
    assert (work / "api" / "v1" / "regions" / "441800.json").stat().st_mtime == past
    assert (out / "regions" / "441800" / "index.html").stat().st_mtime == past
    assert not (out / "stale").exists()
    # A folder that is not a work folder is refused rather than pruned.
    other = tmp_path / "other"
    other.mkdir()
    (other / "keep.txt").write_text("mine", encoding="utf-8")
    refused = run_cli("build", str(small_policies), "--out", str(out), "--work", str(other))
    assert refused.returncode != 0 and (other / "keep.txt").is_file()


def test_feed_parses_as_atom(built: BuiltSite) -> None:
    with urlopen(built.url + "feed.xml") as r:           # served, as a reader would get it
        data = r.read()
    ns = "{http://www.w3.org/2005/Atom}"
    root = ET.fromstring(data)
    assert root.tag == f"{ns}feed"
    entries = root.findall(f"{ns}entry")
    assert entries
    for e in entries:
        assert e.findtext(f"{ns}id") and e.findtext(f"{ns}title")
        href = e.find(f"{ns}link").get("href")  # type: ignore[union-attr]
        assert href is not None and href.startswith(built.url)
    assert '<link rel="alternate" type="application/atom+xml"' in built.pages["index.html"]


def test_hostile_text_is_escaped_in_the_html(built: BuiltSite) -> None:
    for rel, html in built.pages.items():
        assert "<script>alert(" not in html, rel
        assert "<img src=x" not in html, rel
        assert "onmouseover=alert" not in html.replace("&quot;onmouseover=alert", ""), rel
    region = built.pages["regions/441700/index.html"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;|阳江测试" in region


# -- in the browser -----------------------------------------------------------------------------

@pytest.mark.browser
def test_home_loads_clean_on_desktop_and_phone(browser: Any, built: BuiltSite) -> None:
    w = open_page(browser, built, "")
    assert "各地医保政策比较" in w.page.locator("h1").inner_text()
    assert w.page.get_by_role("link", name="清远市").first.is_visible()
    assert any(u.endswith("search/search_index.json") for u in w.requests)
    shot(w.page, "home-desktop")
    assert_clean(w, built)
    w.page.context.close()
    m = open_page(browser, built, "", width=390, height=844)
    shot(m.page, "home-mobile")
    assert_clean(m, built)
    m.page.context.close()


@pytest.mark.browser
@pytest.mark.parametrize("path", ["", "regions/441800/", "regions/441900/",
                                  "compare/resident.inpatient.ratio/", "changes/",
                                  "regions/441700/"])
def test_phone_width_has_no_horizontal_scrolling(browser: Any, built: BuiltSite,
                                                 path: str) -> None:
    w = open_page(browser, built, path, width=390, height=844)
    sw, cw = w.page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert sw <= cw, (path, sw, cw)
    assert_clean(w, built)
    w.page.context.close()


@pytest.mark.browser
def test_search_finds_a_city_by_its_chinese_name(browser: Any, built: BuiltSite) -> None:
    w = open_page(browser, built, "")
    page = w.page
    page.locator("label.md-search__icon, .md-search__input").first.click()
    hit = search(page, "清远").filter(has_text="清远市").first
    hit.wait_for(state="visible")
    assert "清远市" in hit.inner_text()
    # A rule is found by its Chinese label too.
    search(page, "住院报销比例").filter(has_text="住院报销比例").first.wait_for(
        state="visible")
    search(page, "报销比例").filter(has_text="报销比例").first.wait_for(state="visible")
    shot(page, "search-desktop")
    assert_clean(w, built)
    w.page.context.close()


@pytest.mark.browser
def test_region_page_shows_a_value_with_its_source(browser: Any, built: BuiltSite) -> None:
    w = open_page(browser, built, "regions/441800/")
    page = w.page
    row = page.locator("tr#r-resident\\.inpatient\\.ratio--level1")
    assert "一级医院" in row.inner_text() and "90%" in row.inner_text()
    assert "2021-08-24 时有效（起始日期不详）" in row.inner_text()
    quote = row.locator("details.pk-src blockquote")
    assert not quote.is_visible()             # the quote is there on demand
    row.locator("details.pk-src summary").click()
    assert quote.is_visible()
    assert "一级医院90%" in quote.inner_text()
    assert "努力提高医疗保障水平" in row.locator("details.pk-src").inner_text()
    # Inherited floor, shown with the region it comes from.
    assert "不低于 70%" in page.locator("body").inner_text()
    shot(page, "region-desktop")
    assert_clean(w, built)
    w.page.context.close()
    m = open_page(browser, built, "regions/441800/", width=390, height=844)
    shot(m.page, "region-mobile")
    assert_clean(m, built)
    m.page.context.close()


def column_texts(page: Any, col: int) -> list[str]:
    return [t.strip() for t in page.locator(f"table#pk-cmp tbody tr td:nth-child({col})")
            .all_inner_texts()]


@pytest.mark.browser
def test_sorting_a_comparison_table_reorders_it(browser: Any, built: BuiltSite) -> None:
    w = open_page(browser, built, "compare/maternity.contribution.rate/")
    page = w.page
    header = page.locator("table#pk-cmp thead th").nth(1)
    header.locator("button").click()
    first_up = column_texts(page, 1)
    values_up = column_texts(page, 2)
    assert header.get_attribute("aria-sort") == "ascending"
    assert first_up[0].startswith("东莞市") and values_up[0].startswith("0.7%")
    header.locator("button").click()
    assert header.get_attribute("aria-sort") == "descending"
    values_down = column_texts(page, 2)
    assert values_down[0].startswith("1%") and values_down[-1].startswith("0.7%")
    # Sorting by region name (Chinese collation) also works and is stable to repeat.
    page.locator("table#pk-cmp thead th").nth(0).locator("button").click()
    names = column_texts(page, 1)
    assert sorted(names) != names or len(names) > 1
    assert_clean(w, built)
    w.page.context.close()


@pytest.mark.browser
def test_chart_renders(browser: Any, built: BuiltSite) -> None:
    w = open_page(browser, built, "compare/resident.fiscal_subsidy/")
    chart = w.page.locator("svg.pk-chart").first
    chart.wait_for(state="visible")
    box = chart.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 80
    assert chart.locator("line, rect").count() > 5
    assert "全国" in w.page.locator(".pk-legend").first.inner_text()
    chart.screenshot(path=str(ARTIFACTS / "chart.png"))
    shot(w.page, "compare-desktop")
    assert_clean(w, built)
    w.page.context.close()
    m = open_page(browser, built, "compare/resident.inpatient.ratio/", width=390, height=844)
    shot(m.page, "compare-mobile")
    assert_clean(m, built)
    m.page.context.close()


@pytest.mark.browser
def test_year_selector_shows_values_of_that_year(browser: Any, built: BuiltSite) -> None:
    w = open_page(browser, built, "compare/resident.inpatient.ratio/")
    page = w.page
    form = page.locator("form.pk-when")
    assert form.is_visible()                       # shown once the script runs
    row = page.locator("table#pk-cmp tbody tr").filter(has_text="阳江测试")
    assert "80%" in row.locator("td").nth(1).inner_text()
    form.locator("select[name=year]").select_option("2021-12-31")
    expect(row.locator("td").nth(1)).to_contain_text("未收录")     # starts 2022-01-01
    expect(page.locator(".pk-day")).to_have_text("2021-12-31")
    form.locator("input[name=day]").fill("2022-01-01")
    form.locator("input[name=day]").dispatch_event("change")
    expect(row.locator("td").nth(1)).to_contain_text("80%")
    assert_clean(w, built)
    w.page.context.close()


@pytest.mark.browser
def test_injected_script_renders_as_text(browser: Any, built: BuiltSite) -> None:
    for path in ("regions/441700/", "compare/test.injected/", "compare/resident.inpatient.ratio/",
                 "regions/440000/", "changes/"):
        w = open_page(browser, built, path)
        page = w.page
        body = page.locator("body").inner_text()
        assert EVIL in body or "alert(" in body, path
        executable = page.evaluate(
            "Array.from(document.scripts).filter(s => !s.type || s.type.includes('javascript'))"
            ".map(s => s.textContent).join('\\n')")
        assert "alert(" not in executable, path
        assert page.locator("img[src=x]").count() == 0
        assert not w.dialogs
        if path == "regions/441700/":
            assert page.locator("h1").inner_text().rstrip("¶") == f"{EVIL}|阳江测试"
            row = page.locator("tr#r-resident\\.inpatient\\.ratio--level1")
            row.locator("details.pk-src summary").click()
            assert row.locator("details.pk-src blockquote").inner_text() == \
                "<script>alert(3)</script> 一级医院80% | x"
            shot(page, "injected-desktop")
        assert_clean(w, built)
        w.page.context.close()


@pytest.mark.browser
def test_chinese_renders_with_a_cjk_font_not_boxes(browser: Any, built: BuiltSite) -> None:
    """Missing glyphs all render as the same box: two different characters drawn in the
    page's font must give different pixels, and differ from an unassigned code point."""
    w = open_page(browser, built, "regions/441800/")
    same = w.page.evaluate("""() => {
        const font = '32px ' + getComputedStyle(document.body).fontFamily;
        const draw = ch => {
            const c = document.createElement('canvas');
            c.width = 40; c.height = 40;
            const x = c.getContext('2d');
            x.font = font; x.fillText(ch, 2, 32);
            return Array.from(x.getImageData(0, 0, 40, 40).data).join(',');
        };
        const a = draw('清'), b = draw('远'), box = draw(String.fromCodePoint(0x10FFFD));
        return [a === b, a === box, b === box];
    }""")
    assert same == [False, False, False]
    assert_clean(w, built)
    w.page.context.close()


def test_scale_plugin_changes_no_page_and_no_search_entry(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_policies: Path) -> None:
    """The mkdocs plugin that passes long HTML blocks around Python-Markdown (and shows
    the search plugin pages without their excluded sections) gives the same pages and
    the same search index as plain mkdocs, up to whitespace between blocks."""
    import json
    import re

    import policykit
    from policykit.publish import mkdocs as mkdocs_build
    from policykit.publish.build import build_site

    ps = policykit.load(small_policies)

    def build(out: Path) -> tuple[dict[str, str], list[Any]]:
        build_site(ps, out=out, config_file=REPO / "mkdocs.yml", as_of=AS_OF,
                   site_url="http://127.0.0.1:8000/", commit=None)
        pages = {p.relative_to(out).as_posix(): re.sub(r">\s+<", "><", p.read_text("utf-8"))
                 for p in out.rglob("*.html")}
        docs = json.loads((out / "search" / "search_index.json").read_text("utf-8"))["docs"]
        return pages, [{k: re.sub(r">\s+<", "><", str(v)) for k, v in d.items()} for d in docs]

    with_plugin = build(tmp_path / "a")
    monkeypatch.setattr(mkdocs_build, "RAW_MIN", 10**12)     # nothing is set aside
    plain = build(tmp_path / "b")
    assert with_plugin[0].keys() == plain[0].keys()
    assert [p for p in plain[0] if plain[0][p] != with_plugin[0][p]] == []
    assert with_plugin[1] == plain[1]


@pytest.mark.browser
def test_year_selector_fetches_large_history_from_its_file(
        browser: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        small_policies: Path) -> None:
    """Past PICKER_INLINE_MAX the picker's data is a JSON file beside the page, fetched
    on the first change of day (here forced for every comparison page)."""
    import policykit
    from policykit.publish.build import build_site
    from policykit.publish.site import compare

    monkeypatch.setattr(compare, "PICKER_INLINE_MAX", 0)
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    out = tmp_path / "site"
    build_site(policykit.load(small_policies), out=out, config_file=REPO / "mkdocs.yml",
               as_of=AS_OF, site_url=url, commit=None)
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", port), functools.partial(_Quiet, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        local = BuiltSite(out, url, "")
        w = open_page(browser, local, "compare/resident.inpatient.ratio/")
        page = w.page
        cells = page.locator("table#pk-cmp tbody td")
        before = cells.all_inner_texts()
        assert not any(u.endswith(".values.json") for u in w.requests)   # not until asked
        day = page.locator("form.pk-when input[name=day]")
        day.fill("2021-08-23")                  # the day before 清远's first value
        day.dispatch_event("change")
        page.wait_for_function(
            "document.querySelector('.pk-day').textContent === '2021-08-23'")
        assert any(u.endswith("compare/resident.inpatient.ratio.values.json")
                   for u in w.requests)
        assert cells.all_inner_texts() != before
        assert "未收录" in cells.nth(1).inner_text()
        assert_clean(w, local)
        page.context.close()
    finally:
        server.shutdown()
        server.server_close()
