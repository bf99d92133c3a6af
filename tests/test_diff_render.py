"""Markdown from policy text is escaped where it lands; long diffs are cut with a count."""

from __future__ import annotations

from decimal import Decimal

from policykit.diff.compare import diff
from policykit.diff.render import SideInfo, Sides, md_code, md_link, md_text, render_markdown
from policykit.model.entities import Catalogue, Entry, Label, Parameter, Region, Source, Value
from policykit.model.policyset import PolicySet


def test_md_text_escapes_markdown_and_html() -> None:
    assert md_text("a|b *c* _d_ `e` <b>x</b> [l](u) @team #1 ~s~ & 1\\2\nnext") == (
        "a\\|b \\*c\\* \\_d\\_ \\`e\\` &lt;b&gt;x&lt;/b&gt; \\[l\\](u) @<!-- -->team \\#1 "
        "&#126;s&#126; &amp; 1\\\\2<br>next")


def test_md_code_survives_backticks_and_pipes() -> None:
    assert md_code("policies/a.yaml:3") == "`policies/a.yaml:3`"
    assert md_code("a`b|c") == "``a`b\\|c``"
    assert md_code("`x") == "`` `x ``"


def test_md_link_only_links_http_urls() -> None:
    assert md_link("通知", "https://example.org/a b(c).html") == (
        "[通知](https://example.org/a%20b%28c%29.html)")
    assert md_link("通知", "javascript:alert(1)") == "通知"
    assert md_link("x]y", None) == "x\\]y"


def _ps(quotes: list[str]) -> PolicySet:
    cat = Catalogue((("reimbursement", Label("待遇与报销")),),
                    (("resident", Label("居民医保")),), {},
                    {"r.amount": Parameter("r.amount", Label("起付标准"), "reimbursement",
                                           "resident", "amount", unit=Label("元"))})
    regions = {"441800": Region("441800", Label("清远市"), "prefecture", None, None)}
    sources = {"s1": Source("s1", "通知|标题", "医保局", "notice",
                            url="https://example.org/x)")}
    entries = tuple(
        Entry("441800", "r.amount", (), "in_force", Value("amount", number=Decimal(100 + i)),
              "s1", q, start=f"202{i}")
        for i, q in enumerate(quotes))
    return PolicySet(cat, regions, sources, {("441800", "r.amount", ()): entries} if entries else {})


def _sides(a: PolicySet, b: PolicySet) -> Sides:
    return Sides(a, b, SideInfo("main", "folder"), SideInfo("pr", "folder"))


def test_hostile_quote_stays_in_its_table_cell() -> None:
    a, b = _ps([]), _ps(["起付线|100元 <script>alert(1)</script> **粗**"])
    out = render_markdown(diff(a, b), _sides(a, b))
    row = next(line for line in out.splitlines() if line.startswith("| 新增"))
    assert row == (
        "| 新增 | 居民医保 · 起付标准 | — | 100 元<br>自 2020 起，有效 | "
        "[医保局《通知\\|标题》](https://example.org/x%29)「起付线\\|100元 "
        "&lt;script&gt;alert(1)&lt;/script&gt; \\*\\*粗\\*\\*」 |  |")
    # 7 unescaped pipes: six columns.
    assert len([i for i, ch in enumerate(row) if ch == "|" and row[i - 1] != "\\"]) == 7


def test_markdown_lists_at_most_limit_changes_and_counts_the_rest() -> None:
    a, b = _ps([]), _ps(["一", "二", "三"])
    out = render_markdown(diff(a, b), _sides(a, b), limit=1)
    assert out.count("| 新增 |") == 1
    assert out.endswith("……另有 2 项变化未列出；完整列表请用 `--format json`。"
                        "(2 more changes not listed; use `--format json` for all.)\n")
