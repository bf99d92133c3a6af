"""The 医保报销估算 page: a form settled in the browser (site_src/assets/estimate.js) from
one data file per region (estimate/data/<code>.json: every rule value an estimate can use,
resolved at build time by `policykit.costs.table`). The script settles the stay as
`policykit.estimate` does; tests/test_estimate_page.py compares them case by case."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from policykit.costs.table import LEVELS, estimate_table
from policykit.model.policyset import PolicySet
from policykit.publish.site.context import SiteContext
from policykit.publish.site.markup import esc, file_url, front_matter
from policykit.util.jsonio import json_bytes

PAGE = "estimate/index.md"


def data_path(code: str) -> str:
    return f"estimate/data/{code}.json"


def estimate_tables(ps: PolicySet, day: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """(code, `estimate_table`) for every region. A region without rules of its own reads
    exactly what the first region with the same rule-holding ancestors read (the lookups
    resolve through the inheritance chain only), so its table is that one with its own
    code and name: 3,000 registry-only regions cost a few dozen tables, not 3,000."""
    own = {code for code, _, _ in ps.rules}
    shared: dict[tuple[str, ...], dict[str, Any]] = {}
    for code in sorted(ps.regions):
        if code in own:
            yield code, estimate_table(ps, code, day)
            continue
        key = tuple(c for c in ps.chain(code) if c in own)
        table = shared.get(key)
        if table is None:
            table = shared[key] = estimate_table(ps, code, day)
        yield code, {**table, "region": code, "region_name": ps.regions[code].name.zh}


def write_estimate_page(ctx: SiteContext) -> None:
    ps = ctx.ps
    for code, table in estimate_tables(ps, ctx.day):
        ctx.files[data_path(code)] = json_bytes(table).decode("utf-8")
    cat = ps.catalogue
    regions = "".join(f'<option value="{esc(c)}">{esc(ctx.name(c))}（{esc(c)}）</option>'
                      for c in sorted(ps.regions))
    level_dim = cat.dimensions.get("hospital_level")
    levels = "".join(
        f'<option value="{esc(v)}">{esc(dict(level_dim.values)[v].zh if level_dim and v else "未指定")}'
        "</option>" for v in LEVELS if v == "" or (level_dim and v in dict(level_dim.values)))
    assist = cat.dimensions.get("assistance_category")
    categories = '<option value="">不是救助对象</option>' + "".join(
        f'<option value="{esc(v)}">{esc(label.zh)}</option>'
        for v, label in (assist.values if assist else ()))
    base = file_url(PAGE, "estimate/data/")
    form = f"""<form id="pk-estimate-form" class="pk-estimate" data-base="{esc(base)}">
<p><label>地区 <select name="region">{regions}</select></label></p>
<p><label>险种 <select name="scheme"><option value="resident">城乡居民医保</option><option value="employee">职工医保</option></select></label>
<label>人员类别（职工） <select name="person_type"><option value="">—</option><option value="in_service">在职职工</option><option value="retiree">退休人员</option></select></label></p>
<p><label>医院等级 <select name="hospital_level">{levels}</select></label>
<label>本年度第几次住院 <input name="admission" type="number" min="1" step="1" value="1" inputmode="numeric"></label></p>
<p><label>住院总费用（元） <input name="cost" inputmode="decimal" value="10000" required></label>
<label>其中政策范围内费用（元，不填则为全部） <input name="in_scope" inputmode="decimal"></label></p>
<p><label>统筹基金本年度已支付（元） <input name="paid_this_year" inputmode="decimal" value="0"></label>
<label>医疗救助对象 <select name="assistance_category">{categories}</select></label></p>
<p><button type="submit">估算</button></p>
</form>
<div id="pk-estimate-result" aria-live="polite"></div>
<script src="{esc(file_url(PAGE, "assets/estimate.js"))}"></script>"""
    ctx.files[PAGE] = "\n".join([
        front_matter("医保报销估算", description="按已公布的医保规则估算住院费用的报销和个人负担"),
        "# 医保报销估算", "",
        '<p class="pk-note">根据本站收录的、已公布的规则估算一次住院的医保支付和个人负担，'
        f"使用 {esc(ctx.day)} 有效的规则。规则未公布或只有区间时，结果给出区间，不用默认值代替；"
        "实际报销以医保经办机构结算为准。</p>", "", form, ""])
