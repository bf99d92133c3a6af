"""How a reader adds or corrects a region's rules: links to the repository's GitHub issue
forms (.github/ISSUE_TEMPLATE/add-policy.yml 补充政策, correction.yml 纠错) with the region
filled in, or, when the site has no repository URL configured (`policykit build
--repo-url`), the `policykit new CODE` instructions instead of a dead link. The pinyin
line that lets site search find a region by pinyin (from the registry) lives here too."""

from __future__ import annotations

from urllib.parse import quote

from policykit.publish.site.context import SiteContext
from policykit.publish.site.markup import SKIP, esc, page_url

#: The issue forms (file names under .github/ISSUE_TEMPLATE/) and their link texts.
FORMS = (("add-policy.yml", "补充政策"), ("correction.yml", "纠错"))


def issue_url(repo_url: str, form: str, code: str, name: str) -> str:
    """The new-issue URL of an issue form with its `region` field filled in
    (`431202 鹤城区`, percent-encoded)."""
    return (f"{repo_url.rstrip('/')}/issues/new?template={quote(form)}"
            f"&region={quote(f'{code} {name}', safe='')}")


def contribute_html(ctx: SiteContext, code: str, page: str, *, searched: bool = False) -> str:
    """The contribution paragraph of a region page (left out of the search index unless
    `searched`: inside a block already left out)."""
    name = ctx.name(code)
    skip = "" if searched else SKIP
    repo = ctx.inp.repo_url
    if repo:
        links = "、".join(f'<a href="{esc(issue_url(repo, form, code, name))}" rel="noopener">'
                         f"{label}</a>" for form, label in FORMS)
        return (f'<p class="pk-contribute"{skip}>有{esc(name)}的政策文件，或发现本页有误？'
                f"请提交{links}（需填写文件标题、发文机关、文号、日期、链接和原文摘录）。</p>")
    guide = (f'按<a href="{page_url(page, "format.md")}">数据格式</a>说明'
             if ctx.inp.format_guide is not None else "按数据格式说明")
    return (f'<p class="pk-contribute"{skip}>有{esc(name)}的政策文件？在本项目的代码仓库中运行 '
            f"<code>policykit new {esc(code)}</code> 生成本地区的数据文件，{guide}填写规则、"
            "出处和原文摘录，再运行 <code>policykit check</code> 检查后提交。</p>")


def pinyin_text(ctx: SiteContext, code: str) -> str:
    """The region's pinyin from the registry (short, then full: hecheng / hechengqu),
    or "" without one. It is on the page so that site search finds it by pinyin."""
    reg = ctx.ps.registry
    d = reg.get(code) if reg is not None else None
    if d is None or not d.pinyin:
        return ""
    spelled = d.short_pinyin if d.short_pinyin and d.short_pinyin != d.pinyin else ""
    words = " / ".join(w for w in (spelled, d.pinyin) if w)
    # Other readings (see Division.pinyin_alt) are for search only: in the page's text,
    # which Material indexes, but neither shown nor read aloud.
    alt = (f'<span class="pk-search-only" aria-hidden="true">{esc(" ".join(d.pinyin_alt))}'
           "</span>" if d.pinyin_alt else "")
    return f'拼音 <span lang="zh-Latn-pinyin">{esc(words)}</span>{alt}'
