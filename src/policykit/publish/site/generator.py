"""PolicySet + dated changes → the public site as plain Markdown pages and data files.

No mkdocs import here: the output is a mapping {docs-relative path: text} plus a nav tree,
which `policykit.publish.mkdocs` hands to mkdocs-material (or a successor generator could
consume). Each page family is a module writing into one `SiteContext`: regions, compare,
diseases, changes (timeline and feed), home (home, hand-written and rules pages).
"""

from __future__ import annotations

from pathlib import Path

from policykit.model.policyset import PolicySet
from policykit.publish.site.changes import feed_text, write_changes_pages
from policykit.publish.site.compare import write_compare_pages
from policykit.publish.site.context import SiteContext
from policykit.publish.site.coverage_page import write_coverage_page
from policykit.publish.site.diseases import write_disease_pages
from policykit.publish.site.estimate import write_estimate_page
from policykit.publish.site.home import write_handwritten_pages, write_home, write_rules_page
from policykit.publish.site.interface import NavItem, SiteContent, SiteInput, WrittenFiles
from policykit.publish.site.markup import esc, region_page
from policykit.publish.site.province import province_index, write_province_pages
from policykit.publish.site.regions import write_region_pages, write_regions_index


def generate(ps: PolicySet, inp: SiteInput, docs_dir: Path | None = None) -> SiteContent:
    """The whole site as {path: text} and a nav tree (provinces only). With `docs_dir`
    each file is written there as soon as it is generated (unchanged files are left
    alone) and `files` is a `WrittenFiles` reading them back on demand."""
    ctx = SiteContext(ps, inp, None if docs_dir is None else WrittenFiles(docs_dir))
    provinces = ctx.provinces()
    write_region_pages(ctx)
    write_regions_index(ctx, provinces)
    write_compare_pages(ctx, province_index(ctx, "compare/index.md", write_province_pages(ctx)))
    write_coverage_page(ctx)
    write_disease_pages(ctx)
    write_estimate_page(ctx)
    write_changes_pages(ctx)
    write_home(ctx, provinces)
    write_handwritten_pages(ctx)
    write_rules_page(ctx)
    if inp.format_guide is not None:
        # Developer pages (data format, check rules, JSON API) stay out of the citizens'
        # site search; they are in the nav.
        ctx.files["format.md"] = "---\nsearch:\n  exclude: true\n---\n\n" + inp.format_guide
    ctx.files["feed.xml"] = feed_text(ctx)
    files = dict(sorted(ctx.files.items())) if isinstance(ctx.files, dict) else ctx.files
    return SiteContent(files, nav(ctx, provinces))


def nav(ctx: SiteContext, provinces: list[str]) -> tuple[NavItem, ...]:
    about = (NavItem("关于本站", "about.md"),
             *((NavItem("数据格式", "format.md"),) if ctx.inp.format_guide is not None else ()),
             NavItem("检查规则", "rules.md"))
    return (
        NavItem("首页", "index.md"),
        NavItem("地区", None, (NavItem("全部地区", "regions/index.md"),
                             *(NavItem(esc(ctx.name(p)), region_page(p)) for p in provinces))),
        NavItem("比较", "compare/index.md"),
        NavItem("数据覆盖", "coverage/index.md"),
        NavItem("病种", "diseases/index.md"),
        NavItem("变更", "changes/index.md"),
        NavItem("报销估算", "estimate/index.md"),
        NavItem("下载与接口", None, (NavItem("数据下载", "downloads.md"),
                                NavItem("JSON 接口", "api.md"))),
        NavItem("说明", None, about),
    )
