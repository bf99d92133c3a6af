"""The site generator without mkdocs: pages from the seed data, escaping, the feed, charts."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest

import policykit
from conftest import POLICIES
from policykit.model import display
from policykit.publish import site
from policykit.publish.chart import Segment, Series, step_chart
from policykit.publish.feed import FeedEntry, atom_feed
from policykit.publish.site import SiteInput, generate, md_text, page_url, script_json
from policykit.publish.site import changes as site_changes
from policykit.publish.site import compare as site_compare
from policykit.publish.site import diseases as site_diseases

AS_OF = "2025-06-30"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def content() -> site.SiteContent:
    ps = policykit.load(POLICIES)
    return generate(ps, SiteInput(as_of=AS_OF, site_url="http://127.0.0.1:8000/",
                                  changes=ps.changes()))


def text_of(md: str) -> str:
    """Page text with tags removed and entities left as they are."""
    return re.sub(r"<[^>]+>", "", md)


# -- helpers ---------------------------------------------------------------------------
def test_md_text_is_inert() -> None:
    assert md_text("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert md_text("a|b*c_d[e](f)#") == "a\\|b\\*c\\_d\\[e\\](f)\\#"


def test_script_json_cannot_close_the_script() -> None:
    text = script_json({"x": "</script><script>alert(1)</script>&"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"x": "</script><script>alert(1)</script>&"}


def test_front_matter_title_is_escaped_json() -> None:
    fm = site.front_matter('<b>"x"</b>')
    assert 'title: "&lt;b&gt;&quot;x&quot;&lt;/b&gt;"' in fm


@pytest.mark.parametrize(("src", "dst", "anchor", "url"), [
    ("index.md", "regions/441800.md", "", "regions/441800/"),
    ("regions/441800.md", "regions/440000.md", "", "../440000/"),
    ("regions/441800.md", "compare/a.b.md", "x", "../../compare/a.b/#x"),
    ("compare/a/440000.md", "compare/a.md", "", "../"),
    ("compare/a.md", "compare/a/440000.md", "", "440000/"),
    ("regions/index.md", "regions/441800.md", "", "441800/"),
    ("regions/441800.md", "index.md", "", "../../"),
    ("regions/441800.md", "regions/441800.md", "h-r", "./#h-r"),
])
def test_page_url_directory_urls(src: str, dst: str, anchor: str, url: str) -> None:
    assert page_url(src, dst, anchor) == url


def test_file_url() -> None:
    assert site.file_url("index.md", "feed.xml") == "feed.xml"
    assert site.file_url("regions/441800.md", "api/v1/regions/441800.json") == \
        "../../api/v1/regions/441800.json"
    assert site.file_url("downloads.md", "downloads/values.csv") == "../downloads/values.csv"
    assert site.file_url("changes/index.md", "feed.xml") == "../feed.xml"


def test_fill_replaces_known_markers_only() -> None:
    assert site.fill("a <!-- policykit:x --> b <!-- policykit:y -->", {"x": "X"}) == \
        "a X b <!-- policykit:y -->"


# -- pages from the seed data --------------------------------------------------------------
def test_every_region_and_index_page_exists(content: site.SiteContent) -> None:
    ps = policykit.load(POLICIES)
    for code in ps.regions:
        assert f"regions/{code}.md" in content.files
    for page in ("index.md", "regions/index.md", "compare/index.md", "diseases/index.md",
                 "changes/index.md", "rules.md", "about.md", "downloads.md", "api.md"):
        assert page in content.files, page
    assert "feed.xml" in content.files


def test_region_page_shows_value_period_and_quote(content: site.SiteContent) -> None:
    page = content.files["regions/441800.md"]
    assert page.startswith('---\ntitle: "清远市"')
    row = page[page.index('id="r-resident.inpatient.ratio--level1"'):]
    row = row[:row.index("</tr>")]
    assert "城乡居民基本医疗保险 · 住院报销比例 · 一级医院" in row
    assert ">90%<" in row
    assert "2021-08-24 时有效（起始日期不详）" in row
    assert "一级医院90%" in row                       # the verbatim quote, in <details>
    assert "<details" in row


def test_inherited_values_and_floors_name_their_region(content: site.SiteContent) -> None:
    chenxi = content.files["regions/431223.md"]
    assert "继承自" in chenxi and 'href="../431200/#r-payment_method.dip"' in chenxi
    qingyuan = text_of(content.files["regions/441800.md"])
    # 清远 inherits 广东's 70% floor for 低保 recipients; the national floor is shown beside it.
    assert "不低于 70%（全国）" in qingyuan


def test_unknown_is_shown_as_unpublished_with_reason(content: site.SiteContent) -> None:
    page = text_of(content.files["regions/371400.md"])
    assert "未公布（原文只说要提高，未给出新比例）" in page
    assert "未公布（" + site.esc('原文只说现行报销比例"偏低"，未给出数值') + "）" in page


def test_incomplete_disease_list_is_honest(content: site.SiteContent) -> None:
    page = text_of(content.files["regions/441900.md"])
    assert "共 38 种，已列出 2 种" in page and "名单不完整" in page
    assert "diseases/m02101.md" in content.files
    disease = content.files["diseases/m02101.md"]
    assert "东莞市" in disease and "M02101" in disease and "推断" in disease


def test_comparison_page_has_sortable_table_picker_and_chart(content: site.SiteContent) -> None:
    page = content.files["compare/resident.inpatient.ratio.md"]
    assert 'class="pk-table pk-sortable pk-compare"' in page
    assert '<form class="pk-when"' in page and 'type="date"' in page
    assert "<svg" in page and 'role="img"' in page
    data = page[page.index('id="pk-cmp-data">') + len('id="pk-cmp-data">'):]
    data = json.loads(data[:data.index("</script>")])
    assert {r["c"] for r in data["rows"]} == {"441800"}
    # Regions with no value at all are listed, not shown as rows of "未收录".
    assert "本站未收录以下" in page and "东莞市" in page


def test_comparison_steps_follow_the_timeline(content: site.SiteContent) -> None:
    """The date picker's steps are values resolved by PolicySet at each change day."""
    ps = policykit.load(POLICIES)
    page = content.files["compare/resident.late_payment.contribution.md"]
    data = page[page.index('id="pk-cmp-data">') + len('id="pk-cmp-data">'):]
    data = json.loads(data[:data.index("</script>")])
    row = next(r for r in data["rows"] if r["c"] == "431223")
    for day, idx in row["s"][0]:
        r = ps.resolve("431223", "resident.late_payment.contribution", day)
        assert (idx < 0) == (r is None)
        if r is not None:
            assert site.esc(display.entry_value_zh(r.entry, ps.catalogue)) in data["cells"][idx]


def test_changes_are_newest_first_and_feed_parses(content: site.SiteContent) -> None:
    page = content.files["changes/index.md"]
    days = re.findall(r'<time datetime="(\d{4}-\d{2}-\d{2})">', page)
    assert days and days == sorted(days, reverse=True)
    root = ET.fromstring(content.files["feed.xml"].encode("utf-8"))
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    assert entries
    updated = [e.findtext(f"{ATOM}updated") for e in entries]
    assert updated == sorted(updated, reverse=True)
    assert all((u or "") <= f"{AS_OF}T00:00:00Z" for u in updated)   # nothing from the future
    assert root.findtext(f"{ATOM}updated") == updated[0]
    link = entries[0].find(f"{ATOM}link")
    assert link is not None and link.get("href", "").startswith("http://127.0.0.1:8000/regions/")


def test_generation_is_deterministic() -> None:
    ps1, ps2 = policykit.load(POLICIES), policykit.load(POLICIES)
    a = generate(ps1, SiteInput(as_of=AS_OF, site_url="http://x/", changes=ps1.changes()))
    b = generate(ps2, SiteInput(as_of=AS_OF, site_url="http://x/", changes=ps2.changes()))
    assert a == b


def test_nav_lists_provinces_not_every_region(content: site.SiteContent) -> None:
    regions = next(n for n in content.nav if n.title == "地区")
    paths = [c.path for c in regions.children]
    assert paths[0] == "regions/index.md"
    # Every province of the division registry (31), and nothing below province level.
    registry = policykit.load(POLICIES).registry
    assert registry is not None
    provinces = {f"regions/{d.code}.md" for d in registry.divisions.values()
                 if d.level == "province" and not d.withdrawn}
    assert len(provinces) == 31
    assert set(paths[1:]) == provinces and len(paths) == 32


# -- feed and chart writers -------------------------------------------------------------------
def test_atom_feed_escapes_and_is_byte_stable() -> None:
    entry = FeedEntry(id="urn:x:1", title="<script>alert(1)</script> & |", updated="2021-08-24",
                      link="http://h/a?b=1&c=2", summary="«quote» <b>")
    kw = dict(feed_id="urn:x", title="t", subtitle="s", self_url="http://h/feed.xml",
              site_url="http://h/", author="policykit", updated="2020-01-01")
    data = atom_feed(entries=[entry], **kw)  # type: ignore[arg-type]
    assert data == atom_feed(entries=[entry], **kw)  # type: ignore[arg-type]
    assert b"<script>" not in data
    root = ET.fromstring(data)
    assert root.findtext(f"{ATOM}entry/{ATOM}title") == "<script>alert(1)</script> & |"
    assert root.findtext(f"{ATOM}updated") == "2021-08-24T00:00:00Z"
    empty = ET.fromstring(atom_feed(entries=[], **kw))  # type: ignore[arg-type]
    assert empty.findtext(f"{ATOM}updated") == "2020-01-01T00:00:00Z"


def test_step_chart_is_accessible_escaped_svg() -> None:
    s = Series("<b>甲</b>", (Segment("2020-01-01", "2021-01-01", Decimal("0.6"), Decimal("0.6")),
                             Segment("2021-01-01", "2022-06-01", Decimal("0.87"), Decimal("0.95")),
                             Segment("2022-06-01", "2023-01-01", Decimal("0.7"), Decimal("0.7"),
                                     "min", "不低于")))
    html = step_chart([s], start="2020-01-01", end="2023-01-01", fmt=lambda d: f"{d * 100:f}%",
                      title="标题 <x>", ident="c0")
    svg = html[html.index("<svg"):html.index("</svg>") + 6]
    ET.fromstring(svg)                                   # well-formed
    assert 'role="img"' in svg and "<title id=\"c0-t\">标题 &lt;x&gt;</title>" in svg
    assert "&lt;b&gt;甲&lt;/b&gt;" in html and "<b>甲" not in html
    assert "<rect" in svg and 'stroke-dasharray="6 4"' in svg
    assert step_chart([Series("x", ())], start="2020-01-01", end="2021-01-01",
                      fmt=str, title="t", ident="c1") == ""


# -- scale: search index, page sizes, incremental writing ------------------------------------
def test_history_and_rule_tables_are_left_out_of_search(content: site.SiteContent) -> None:
    page = content.files["regions/441800.md"]
    assert re.search(r"^## 历史记录 \{ data-search-exclude=\"true\" \}$", page, re.M)
    assert '<section class="pk-history" data-search-exclude="true">' in page
    compare = content.files["compare/resident.inpatient.ratio.md"]
    # The table has nested <div>s, so it is excluded by a wrapping <section> (Material
    # ends an exclusion at the first closing tag of the same name).
    assert '<section data-search-exclude="true"><div class="pk-tablewrap pk-scroll" tabindex="0" role="region"' in compare
    assert re.search(r"<div[^>]*data-search-exclude", compare) is None
    # Titles stay searchable: the region's name and the rule's label.
    assert page.splitlines()[1] == 'title: "清远市"'
    assert "住院报销比例" in compare.split("\n---\n")[0]


def test_large_picker_data_goes_to_a_file(content: site.SiteContent,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    ps = policykit.load(POLICIES)
    monkeypatch.setattr(site_compare, "PICKER_INLINE_MAX", 0)
    out = generate(ps, SiteInput(as_of=AS_OF, site_url="http://x/", changes=ps.changes()))
    page = out.files["compare/resident.inpatient.ratio.md"]
    assert ('id="pk-cmp-data" data-src="../../compare/resident.inpatient.ratio.values.json">'
            "</script>") in page
    data = json.loads(out.files["compare/resident.inpatient.ratio.values.json"])
    inline = content.files["compare/resident.inpatient.ratio.md"]
    start = inline.index('id="pk-cmp-data">') + len('id="pk-cmp-data">')
    assert data == json.loads(inline[start:inline.index("</script>", start)])


def test_unchanged_pages_are_not_rewritten(tmp_path: Path, small_policies: Path) -> None:
    ps = policykit.load(small_policies)
    inp = SiteInput(as_of=AS_OF, site_url="http://x/", changes=ps.changes())
    first = generate(ps, inp, tmp_path)
    assert set(first.files) == set(generate(ps, inp).files)
    assert first.files["regions/441800.md"] == generate(ps, inp).files["regions/441800.md"]
    past = 1_000_000_000
    for p in tmp_path.rglob("*.md"):
        os.utime(p, (past, past))
    generate(ps, inp, tmp_path)
    assert {p.stat().st_mtime for p in tmp_path.rglob("*.md")} == {past}
    # A new as-of day changes every region page (it names the day), not the format guide.
    (tmp_path / "format.md").write_text("x", encoding="utf-8")
    os.utime(tmp_path / "format.md", (past, past))
    generate(ps, SiteInput(as_of="2025-07-01", site_url="http://x/", changes=ps.changes()),
             tmp_path)
    assert (tmp_path / "regions/441800.md").stat().st_mtime != past
    assert (tmp_path / "rules.md").stat().st_mtime == past


SYNTH = POLICIES.parent / "benchmarks" / "synth.py"


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> site.SiteContent:
    """A 300-region synthetic corpus (benchmarks/synth.py): big enough that comparison
    and disease pages are split by province, with unknown disease lists."""
    root = tmp_path_factory.mktemp("synth") / "policies"
    subprocess.run([sys.executable, str(SYNTH), "--regions", "300", "--out", str(root)],
                   check=True, capture_output=True)
    ps = policykit.load(root)
    assert any(e.parameter == "chronic.special_outpatient.diseases" and e.value.is_unknown
               for entries in ps.rules.values() for e in entries)
    # Under the time-truth rules 293 disease lists are shown on that day, just under the
    # 300-row split threshold: a lower threshold keeps the disease pages split by province,
    # as they are at scale.
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(site_diseases, "MAX_COMPARE_ROWS", 250)
        return generate(ps, SiteInput(as_of="2026-01-01", site_url="http://x/",
                                      changes=ps.changes()))


def test_synthetic_300_regions_pages_stay_small(synthetic: site.SiteContent) -> None:
    # Under 160 KB of Markdown, the page stays under 200 KB of HTML with Material's frame
    # (header, tabs, province nav, footer: ~25 KB); the e2e tests check built pages.
    sizes = {p: len(t.encode("utf-8")) for p, t in synthetic.files.items() if p.endswith(".md")}
    assert max(sizes.values()) < 160_000, max(sizes.items(), key=lambda kv: kv[1])
    assert any(p.startswith("compare/") and p.count("/") == 2 for p in sizes)   # split
    assert any(p.startswith("diseases/regions/") for p in sizes)


def test_synthetic_nav_lists_provinces_only(synthetic: site.SiteContent) -> None:
    regions = next(n for n in synthetic.nav if n.title == "地区")
    assert len(regions.children) <= 32
    assert sum(1 for p in synthetic.files if p.startswith("regions/")) > 300


def test_change_archive_is_capped_and_says_where_the_rest_is(
        monkeypatch: pytest.MonkeyPatch) -> None:
    ps = policykit.load(POLICIES)
    changes = ps.changes()
    monkeypatch.setattr(site_changes, "CHANGES_PER_PAGE", 5)
    monkeypatch.setattr(site_changes, "MAX_CHANGE_PAGES", 2)
    out = generate(ps, SiteInput(as_of=AS_OF, site_url="http://x/", changes=changes))
    archive = [p for p in out.files if p.startswith("changes/") and p != "changes/index.md"]
    assert len(changes) > 15 and len(archive) == 2
    shown = sum(out.files[p].count('<li class="pk-change">') for p in
                [*archive, "changes/index.md"])
    assert 5 < shown <= 15
    # Every change left out is counted and pointed to.
    assert f"另有更早的 {len(changes) - shown} 条变更" in out.files["changes/index.md"]


def test_sync_tree_replaces_files_so_a_published_link_keeps_its_bytes(tmp_path: Path) -> None:
    """The site hard-links the work folder's data files (`mkdocs_build.LINKED_DIRS`).
    A later build with `--work` must therefore never write into those files: `sync_tree`
    puts a new file in place (a new inode), keeps an unchanged one, and the published
    link still reads the old bytes until the new site is swapped in."""
    from policykit.publish.mkdocs import LINKED_DIRS, sync_tree

    work, fresh, published = tmp_path / "work", tmp_path / "fresh", tmp_path / "site"
    changed, same = f"{LINKED_DIRS[0]}regions/1.json", f"{LINKED_DIRS[1]}values.csv"
    for root, data in ((work, b"old"), (fresh, b"new")):
        for rel in (changed, same):
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / changed).write_bytes(data)
        (root / same).write_bytes(b"unchanged")
    for rel in (changed, same):
        (published / rel).parent.mkdir(parents=True, exist_ok=True)
        os.link(work / rel, published / rel)
    sync_tree(fresh, work)
    assert (work / changed).read_bytes() == b"new"
    assert (published / changed).read_bytes() == b"old"
    assert os.path.samefile(work / same, published / same)  # left alone, still shared
