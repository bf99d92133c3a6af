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
from playwright.sync_api import expect

from conftest import REPO
from sitebuild import BuiltSite, assert_clean, open_page, search, shot

AXE_SPEC = REPO / "tests" / "axe"
ELDER_KEY = "pk-elder"

#: One page of each family (a region with rules of its own, and one known only from the
#: division registry: 鹤城区, 本地规则尚未收录).
FAMILIES = {
    "home": "",
    "region": "regions/441800/",
    "comparison": "compare/resident.inpatient.ratio/",
    "comparison-index": "compare/",
    "comparison-province": "compare/province/440000/",
    "disease": "diseases/",
    "changes": "changes/",
    "downloads": "downloads/",
    "about": "about/",
    "estimator": "estimate/?region=441800",
    "coverage": "coverage/",
    "region-uncollected": "regions/431202/",
    "region-index": "regions/",
}
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}


MARK = "（原为 "
#: What a value cannot contain: it stops at a label's colon, a bracket, a tag or a line end.
NOT_IN_VALUE = set("：（）<>\n\"")


def restatements(text: str) -> list[str]:
    """Every 'X（原为 X）' or 'X（原为 X，…' in a text, tags removed first: for each mark,
    each value after it (up to a ， or ）) that the text just before the mark ends with.
    Looked up from the marks, so a 400 MB site without any is read once, not searched."""
    if MARK not in text:
        return []
    plain = re.sub(r"<[^>]+>", "", text)
    found = []
    at = plain.find(MARK)
    while at >= 0:
        start = end = at + len(MARK)
        while end < len(plain):
            ch = plain[end]
            if ch in "，）" and end > start and plain.endswith(plain[start:end], 0, at):
                found.append(plain[start:end] + MARK + plain[start:end + 1])
                break
            if ch in NOT_IN_VALUE:
                break
            end += 1
        at = plain.find(MARK, at + 1)
    return found


def test_the_restatement_pattern_finds_one() -> None:
    assert restatements("缴费：<b>不低于 400 元/人·年</b><span>（原为 不低于 400 元/人·年）</span>")
    assert restatements("比例：90%（原为 90%，继承自 <a>广东省</a>）")
    assert not restatements("缴费：不低于 400 元/人·年（原为 不低于 380 元/人·年）")


def test_no_non_change_in_the_built_site_feed_or_changes_json(built: BuiltSite) -> None:
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
@pytest.mark.parametrize("mode", ["normal", "elder", "dark"])
@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("family", list(FAMILIES))
def test_axe_finds_no_serious_violation(browser: Any, built: BuiltSite, axe_source: str,
                                        family: str, width: str, mode: str) -> None:
    """Normal and elder mode in the light scheme; "dark" is normal mode with the reader's
    system asking for a dark scheme (Material's slate palette)."""
    w, h = WIDTHS[width]
    watched = open_page(browser, built, FAMILIES[family], width=w, height=h,
                        color_scheme="dark" if mode == "dark" else "light")
    page = watched.page
    set_elder(page, mode == "elder")
    assert page.evaluate("document.documentElement.classList.contains('pk-elder')") == (
        mode == "elder")
    scheme = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
    assert scheme == ("slate" if mode == "dark" else "default")
    shot(page, f"a11y-{family}-{width}-{mode}")
    bad = run_axe(page, axe_source)
    assert not bad, json.dumps(bad, ensure_ascii=False, indent=1)
    assert_clean(watched, built)
    page.context.close()


# -- 长辈模式 -----------------------------------------------------------------------------------
MEASURE = """() => {
    const main = document.querySelector('.md-content__inner');
    const visible = el => {
        const r = el.getBoundingClientRect(), s = getComputedStyle(el);
        return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none';
    };
    const text = [], small = [];
    for (const el of main.querySelectorAll('*')) {
        if (!visible(el) || el.closest('svg, h1, h2, h3, h4, h5, h6')) continue;
        const own = Array.from(el.childNodes).some(
            n => n.nodeType === 3 && n.textContent.trim() !== '');
        if (!own) continue;
        const s = getComputedStyle(el), size = parseFloat(s.fontSize);
        const lh = s.lineHeight === 'normal' ? 1.2 * size : parseFloat(s.lineHeight);
        text.push([el.tagName + '.' + el.className, size, lh / size]);
    }
    for (const el of main.querySelectorAll('a, button, summary, select, input')) {
        if (!visible(el)) continue;
        const r = el.getBoundingClientRect();
        small.push([el.tagName + ' ' + el.textContent.trim().slice(0, 20), r.width, r.height]);
    }
    const body = getComputedStyle(main.querySelector('p') || main);
    return {text, targets: small, body: parseFloat(body.fontSize)};
}"""


@pytest.mark.browser
@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("family", ["home", "region", "comparison", "comparison-province",
                                    "changes", "downloads"])
def test_elder_mode_text_and_targets(browser: Any, built: BuiltSite, family: str,
                                     width: str) -> None:
    w, h = WIDTHS[width]
    watched = open_page(browser, built, FAMILIES[family], width=w, height=h)
    page = watched.page
    normal = page.evaluate(MEASURE)
    assert normal["body"] < 18            # the switch is what makes the difference
    page.get_by_role("button", name="长辈模式").click()
    assert page.evaluate("document.documentElement.classList.contains('pk-elder')")
    m = page.evaluate(MEASURE)
    assert m["body"] >= 18
    small_text = [t for t in m["text"] if t[1] < 18 or t[2] < 1.3]
    assert not small_text, small_text[:10]
    assert m["targets"]
    # 60 × 60 px in elder mode (适老化 standard; 44 × 44 outside it).
    small_targets = [t for t in m["targets"] if t[1] < 60 or t[2] < 60]
    assert not small_targets, small_targets[:10]
    sw, cw = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert sw <= cw, (sw, cw)
    assert_clean(watched, built)
    page.context.close()


@pytest.mark.browser
def test_elder_mode_is_remembered_across_pages_and_switched_off(
        browser: Any, built: BuiltSite) -> None:
    watched = open_page(browser, built, "", width=390, height=844)
    page = watched.page
    button = page.get_by_role("button", name="长辈模式")
    assert button.is_visible() and button.get_attribute("aria-pressed") == "false"
    button.click()
    assert button.get_attribute("aria-pressed") == "true"
    page.get_by_role("link", name="清远市").first.click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("regions/441800/")
    assert page.evaluate("document.documentElement.classList.contains('pk-elder')")
    assert page.get_by_role("button", name="长辈模式").get_attribute("aria-pressed") == "true"
    size = page.evaluate("parseFloat(getComputedStyle(document.querySelector("
                         "'.md-content__inner p')).fontSize)")
    assert size >= 18
    page.get_by_role("button", name="长辈模式").click()
    page.reload()
    page.wait_for_load_state("networkidle")
    assert not page.evaluate("document.documentElement.classList.contains('pk-elder')")
    assert_clean(watched, built)
    page.context.close()


FAKE_VOICES = """(() => {
    const spoken = [];
    window.__spoken = spoken;
    const voices = %s;
    Object.defineProperty(window, 'speechSynthesis', {value: {
        getVoices: () => voices, speak: u => spoken.push(u.text), cancel: () => {},
        addEventListener: () => {}}});
    window.SpeechSynthesisUtterance = function (t) { this.text = t; };
})()"""


@pytest.mark.browser
@pytest.mark.parametrize("voices", ["[]", "[{lang: 'en-US', name: 'en'}]",
                                    "[{lang: 'zh-CN', name: 'zh'}]"])
def test_read_aloud_only_with_a_chinese_voice(browser: Any, built: BuiltSite,
                                              voices: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN",
                                  service_workers="block")
    context.add_init_script(FAKE_VOICES % voices)
    page = context.new_page()
    page.goto(built.url + "regions/441800/")
    page.wait_for_load_state("networkidle")
    button = page.locator(".pk-speak")
    if "zh-CN" not in voices:
        expect(button).to_be_hidden()
    else:
        expect(button).to_have_text("朗读本页")
        button.click()
        expect(button).to_have_text("停止朗读")
        spoken = page.evaluate("window.__spoken")
        assert any("清远市" in s for s in spoken), spoken[:3]
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("mode", ["normal", "elder"])
def test_phone_comparison_names_regions_on_one_line(browser: Any, built: BuiltSite,
                                                    mode: str) -> None:
    watched = open_page(browser, built, FAMILIES["comparison"], width=390, height=844)
    page = watched.page
    set_elder(page, mode == "elder")
    lines = page.evaluate("""() => Array.from(document.querySelectorAll(
        'table.pk-compare tbody td:first-child > a:first-child, table.pk-compare th:first-child button'))
        .map(a => { const s = getComputedStyle(a);
                    // The text's own height: elder mode pads a link to a 60 px target.
                    const h = a.getBoundingClientRect().height - parseFloat(s.paddingTop)
                        - parseFloat(s.paddingBottom);
                    return [a.textContent.trim(), a.getClientRects().length,
                            h / parseFloat(s.lineHeight)]; })""")
    assert any(name == "清远市" for name, _, _ in lines), lines
    wrapped = [x for x in lines if x[1] != 1 or x[2] > 1.9]
    assert not wrapped, wrapped
    page.context.close()


def test_footer_is_chinese(built: BuiltSite) -> None:
    for rel in ("index.html", "regions/441800/index.html", "downloads/index.html"):
        html = built.pages[rel]
        assert "Made with" not in html and "Material for MkDocs" not in html, rel
        assert "办理业务请以当地医保部门的规定为准" in html, rel


def test_downloads_page_lists_the_workbook_and_values_csv_first(built: BuiltSite) -> None:
    html = built.pages["downloads/index.html"]
    main = html[html.index('<article'):]
    links = re.findall(r'href="([^"]+\.(?:xlsx|csv))"', main)
    assert [link.rsplit("/", 1)[-1] for link in links[:2]] == ["policykit.xlsx", "values.csv"]
    first = main[:main.index("全部文件")]
    assert "Excel 工作簿" in first and "每个历史数值一行" in first


# -- the summary card -------------------------------------------------------------------------
@pytest.mark.browser
def test_region_summary_card_is_on_the_first_phone_screen(browser: Any,
                                                          built: BuiltSite) -> None:
    watched = open_page(browser, built, "regions/441800/", width=390, height=844)
    page = watched.page
    card = page.locator(".pk-summary")
    assert card.is_visible()
    rows = {r.locator("dt").inner_text(): r for r in card.locator(".pk-sum-row").all()}
    inpatient = rows["住院报销（居民）"]
    text = inpatient.inner_text()
    assert "一级医院：90%" in text and "二级医院：75%" in text and "三级医院：60%" in text
    # Time truth: the 2021 ratios are not called 现行 (their only source is of 2021-08-24).
    assert "据 2021 年资料" in text and "现行" not in text, text
    deductible = rows["住院起付线（居民）"]
    assert deductible.locator("dd").inner_text().split()[0] in ("未公布", "未收录")
    for row in (inpatient, deductible):
        box = row.bounding_box()
        assert box is not None and box["y"] + box["height"] <= 844, box
    # Each figure links to its row below (or to the region it is inherited from).
    first = inpatient.locator("a").first
    assert first.get_attribute("href") == "#r-resident.inpatient.ratio--level1"
    assert page.locator("tr#r-resident\\.inpatient\\.ratio--level1").count() == 1
    assert "沿用全国" in rows["居民个人缴费"].inner_text()
    shot(page, "region-summary-phone")
    assert_clean(watched, built)
    page.context.close()


# -- search for citizens ------------------------------------------------------------------------
DEVELOPER_PAGES = ("api/", "rules/", "format/")


@pytest.mark.browser
@pytest.mark.parametrize(("query", "expected"), [("清远", "regions/441800/"),
                                                 ("东莞", "regions/441900/")])
def test_search_for_a_city_lists_its_page_first(browser: Any, built: BuiltSite,
                                                query: str, expected: str) -> None:
    watched = open_page(browser, built, "")
    page = watched.page
    page.locator("label.md-search__icon, .md-search__input").first.click()
    search(page, query).first.wait_for(state="visible")
    hrefs = page.evaluate("""() => Array.from(document.querySelectorAll(
        '.md-search-result__item > a.md-search-result__link')).map(a => a.href)""")
    assert hrefs, "no result"
    paths = [h[len(built.url):].split("#")[0].split("?")[0] for h in hrefs]
    assert paths[0] == expected, paths[:5]
    dev = [p for p in paths[:5] if p.startswith(DEVELOPER_PAGES)]
    assert not dev, paths[:5]
    shot(page, f"search-{expected.strip('/').replace('/', '-')}")
    assert_clean(watched, built)
    page.context.close()


@pytest.mark.browser
def test_phone_region_page_folds_its_sections_and_a_summary_link_opens_one(
        browser: Any, built: BuiltSite) -> None:
    watched = open_page(browser, built, "regions/441800/", width=390, height=844)
    page = watched.page
    row = page.locator("tr#r-resident\\.inpatient\\.ratio--level1")
    folds = page.locator("button.pk-fold")
    assert folds.count() >= 3
    assert not row.is_visible()
    assert all(b.get_attribute("aria-expanded") == "false" for b in folds.all())
    page.locator(".pk-summary a").first.click()
    expect(row).to_be_visible()
    # Its section's button folds it again (on 2025-06-30 the 2021 ratios sit under
    # "超过 3 年未核实的规定", not under 待遇与报销: issue 16).
    section = row.evaluate("r => r.closest('section').id")
    page.locator(f'button.pk-fold[aria-controls="{section}"]').click()
    expect(row).to_be_hidden()
    assert_clean(watched, built)
    page.context.close()
    desktop = open_page(browser, built, "regions/441800/")
    assert desktop.page.locator("button.pk-fold").count() == 0
    assert desktop.page.locator("tr#r-resident\\.inpatient\\.ratio--level1").is_visible()
    desktop.page.context.close()
