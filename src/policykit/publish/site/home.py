"""The home page, the hand-written pages (site_src/pages, with their markers filled:
downloads, JSON API examples, the as-of day) and the generated check-rules page."""

from __future__ import annotations

from policykit.model.entities import NATIONAL
from policykit.publish.site.changes import change_list
from policykit.publish.site.context import SITE_NAME, SiteContext
from policykit.publish.site.markup import esc, file_url, fill, front_matter, page_url

LATEST_ON_HOME = 10


def write_home(ctx: SiteContext, provinces: list[str]) -> None:
    page = "index.md"
    grouped = ctx.grouped()
    small = len(ctx.ps.regions) <= 500
    blocks = []
    for prov in provinces:
        regs = [r for r in grouped.get(prov, []) if r.parent == prov]
        items = []
        for r in regs:
            sub = ctx.children(r.code) if small else []
            tail = "（" + "、".join(ctx.region_link(page, s.code) for s in sub) + "）" if sub else ""
            items.append(ctx.region_link(page, r.code) + tail)
        blocks.append(f'<li><strong>{ctx.region_link(page, prov)}</strong>：'
                      + ("、".join(items) if items else "暂无下辖地区数据") + "</li>")
    orphans = grouped.get(None, [])
    if orphans:
        blocks.append("<li><strong>其他</strong>：" + "、".join(
            ctx.region_link(page, r.code) for r in orphans) + "</li>")
    nat = (f"<p>全国性标准：{ctx.region_link(page, NATIONAL)}</p>"
           if NATIONAL in ctx.ps.regions else "")
    regions_html = nat + f'<ul class="pk-provinces">{"".join(blocks)}</ul>'
    latest = [c for c in ctx.inp.changes if c.date <= ctx.day][:LATEST_ON_HOME]
    changes_html = change_list(ctx, latest, page) + (
        f'<p><a href="{page_url(page, "changes/index.md")}">全部变更</a> · '
        f'<a href="{file_url(page, "feed.xml")}">Atom 订阅</a></p>')
    n_rules = len(ctx.ps.rules)
    stats = (f'<p class="pk-meta">收录 {len(ctx.ps.regions)} 个地区、{n_rules} 条规则、'
             f"{sum(len(v) for v in ctx.ps.rules.values())} 个带出处的数值；数据日期 {esc(ctx.day)}。</p>")
    text = ctx.inp.handwritten.get("index.md", "# " + SITE_NAME + "\n\n<!-- policykit:stats -->\n\n"
                                   "## 各地规则\n\n<!-- policykit:regions -->\n\n"
                                   "## 最新变更\n\n<!-- policykit:changes -->\n")
    ctx.files[page] = fill(text, {"regions": regions_html, "changes": changes_html,
                                  "stats": stats})


def write_handwritten_pages(ctx: SiteContext) -> None:
    parts = {"downloads": downloads_html(ctx), "api-examples": api_examples_html(ctx),
             "as-of": esc(ctx.day)}
    for path, text in sorted(ctx.inp.handwritten.items()):
        if path == "index.md":
            continue
        ctx.files[path] = fill(text, parts)
    for path, title in (("about.md", "关于本站"), ("downloads.md", "数据下载"),
                        ("api.md", "JSON 接口")):
        if path not in ctx.files:
            ctx.files[path] = front_matter(title) + f"# {title}\n\n" + (
                parts["downloads"] if path == "downloads.md" else
                parts["api-examples"] if path == "api.md" else "") + "\n"


#: The two files most readers want, listed first on the downloads page with one sentence each.
MAIN_DOWNLOADS = (
    ("policykit.xlsx", "Excel 工作簿：按政策领域分工作表，第一个工作表是说明，"
                       "用 Excel 或 WPS 表格直接打开。"),
    ("values.csv", "全部数值的一张表：每个地区每条规则的每个历史数值一行，"
                   "含日期、状态、出处和原文摘录。"),
)


def downloads_html(ctx: SiteContext) -> str:
    given = ctx.inp.downloads
    downloads = given() if callable(given) else given
    if not downloads:
        return '<p class="pk-empty">本次构建没有生成下载文件。</p>'
    by_name = {d.path.rsplit("/", 1)[-1]: d for d in downloads if d.path.count("/") <= 1}
    main = []
    for name, sentence in MAIN_DOWNLOADS:
        d = by_name.get(name)
        if d is not None:
            main.append(f'<li><a href="{file_url("downloads.md", d.path)}"><strong>{esc(name)}</strong>'
                        f"</a>（{_size(d.size)}）：{esc(sentence)}</li>")
    head = f'<ul class="pk-main-downloads">{"".join(main)}</ul><h2 id="all-files">全部文件</h2>' if main else ""
    rows = []
    for d in sorted(downloads, key=lambda d: d.path):
        kind = d.path.rsplit(".", 1)[-1].upper()
        rows.append(f'<tr><td data-label="文件"><a href="{file_url("downloads.md", d.path)}">'
                    f"{esc(d.path)}</a></td><td data-label=\"格式\">{esc(kind)}</td>"
                    f'<td data-label="大小">{_size(d.size)}</td></tr>')
    return (head + '<div class="pk-tablewrap"><table class="pk-table pk-stack"><thead><tr><th>文件</th>'
            "<th>格式</th><th>大小</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table></div>")


def api_examples_html(ctx: SiteContext) -> str:
    if not ctx.inp.api_examples:
        return '<p class="pk-empty">本次构建没有生成 JSON 接口文件。</p>'
    out = []
    for path, excerpt in sorted(ctx.inp.api_examples.items()):
        out.append(f'<h3>{esc(path)}</h3><p><a href="{file_url("api.md", path)}">{esc(path)}</a>'
                   f'（节选）</p><pre><code>{esc(excerpt)}</code></pre>')
    return "".join(out)


def write_rules_page(ctx: SiteContext) -> None:
    out = [front_matter("检查规则", search_exclude=True), "# 检查规则", "",
           "<p>每次构建前，policykit 都会用下列规则检查数据；有错误时拒绝发布。"
           "本页由代码中的规则目录自动生成。</p>", "", "## 一致性规则", ""]
    if ctx.inp.rules:
        rows = "".join(
            f'<tr><td data-label="代码"><code>{esc(r.id)}</code></td>'
            f'<td data-label="级别">{esc(r.severity)}</td>'
            f'<td data-label="名称">{esc(r.title_zh)}<br><small>{esc(r.title_en)}</small></td>'
            f'<td data-label="依据">{esc(r.rationale)}</td></tr>' for r in ctx.inp.rules)
        out.append('<div class="pk-tablewrap"><table class="pk-table pk-stack"><thead><tr><th>代码</th>'
                   "<th>级别</th><th>名称</th><th>依据</th></tr></thead><tbody>" + rows
                   + "</tbody></table></div>")
    else:
        out.append('<p class="pk-empty">规则目录暂为空。</p>')
    if ctx.inp.codes:
        rows = "".join(
            f'<tr><td data-label="代码"><code>{esc(c.code)}</code></td>'
            f'<td data-label="级别">{esc(c.severity)}</td>'
            f'<td data-label="名称">{esc(c.title_zh)}<br><small>{esc(c.title_en)}</small></td>'
            f'<td data-label="信息">{esc(c.zh)}</td></tr>' for c in ctx.inp.codes)
        out += ["", "## 加载与结构校验", "",
                '<div class="pk-tablewrap"><table class="pk-table pk-stack"><thead><tr><th>代码</th>'
                "<th>级别</th><th>名称</th><th>信息</th></tr></thead><tbody>" + rows
                + "</tbody></table></div>"]
    ctx.files["rules.md"] = "\n".join(out) + "\n"


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / 1024 / 1024:.1f} MB"
