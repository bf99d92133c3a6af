"""Rules on the evidence: a stated number appears in its quote (R13), a quote is not a
realised statistic (R21), document numbers are well formed (R24, checked once over the
sources), a value that other regions inherit rests on a document of its own region (R30).
Quotes against archived texts (`check --sources`, S1/S2): `check.archive`."""

from __future__ import annotations

import re
from functools import lru_cache

from policykit.check.context import Context, Reporter
from policykit.check.quotes import normalise_numbers, number_in_quote, plain
from policykit.check.rule import rule
from policykit.check.rules.common import Diags, is_share_unit
from policykit.loader.positions import source_pointers as pointers_of_sources
from policykit.model.display import pct
from policykit.model.entities import Parameter

# R21: words that mark a realised statistic rather than a rule.
REALISED = re.compile(
    r"(实际|實際|平均|realised|realized|actual|average)[^，。,;；]{0,8}"
    r"(报销|報銷|补偿|補償|支付|保障|reimbursement|compensation)[^，。,;；]{0,4}(比|率|水平|rate|ratio)",
    re.IGNORECASE,
)
# R24: 机关代字〔YYYY〕N号
DOC_NUMBER = re.compile(r"^(?P<org>[^\s〔〕\[\]()（）【】]+)〔(?P<year>\d{4})〕(?P<n>\d+)号$")


# == R13: unknown stays unknown =================================================================
def _date_in_quote(day: str, quote: str) -> bool:
    text = normalise_numbers(quote)
    if day in text:
        return True
    if len(day) != 10:
        return day in text
    y, m, d = day[:4], str(int(day[5:7])), str(int(day[8:10]))
    return any(s in text for s in (f"{y}年{m}月{d}日", f"{y}.{m}.{d}", f"{y}/{m}/{d}",
                                   f"{m}月{d}日"))


def p_type(p: Parameter | None) -> str | None:
    return p.type if p is not None else None


@rule("R13", "error", "未知就写未知：原文必须包含数字", "Unknown stays unknown",
      rationale="obtained: stated（缺省）的数值必须出现在 quote 中（允许 90% ↔ 0.9、200万 ↔ 2000000、全角数字、"
                "千分位和简单的中文数字）；日期值须以原文写法出现。不是原文直接给出的，写 obtained: inferred/derived 并写 derivation；"
                "不知道就写 unknown，绝不写 0。依据：辽阳模板（LY-*）；防止编造数字。",
      example="ratio: 0.65\nquote: 报销比例有所提高   # 原文没有 65%")
def r13_quotes_state_numbers(rep: Reporter) -> Diags:
    ctx = rep.ctx
    for (_, pid, _), entries in ctx.rules.items():
        p = ctx.param(pid)
        # a share declared as a plain number is written as a percentage too
        share = p is not None and p.type in ("number", "amount") and is_share_unit(p)
        for e in entries:
            if e.obtained != "stated":
                continue
            v = e.value
            if v.kind == "date" and v.text:
                if not _date_in_quote(v.text, e.quote):
                    yield rep.at(e, f"原文摘录中找不到日期 {v.text}；推断的值请写 obtained: inferred 并说明 derivation",
                                 f"the quote does not contain the date {v.text}; mark a value "
                                 "that is not printed as obtained: inferred with a derivation")
                continue
            kind = "ratio" if share and v.kind == p_type(p) else v.kind
            for n in v.numbers():
                if not number_in_quote(kind, n, e.quote):
                    shown = pct(n) if kind == "ratio" else plain(n)
                    yield rep.at(
                        e, f"原文摘录中找不到数字 {shown}：原文写明的数字必须出现在 quote 中；"
                           "推断或计算得出的值请写 obtained: inferred/derived 并说明 derivation；不知道就写 unknown",
                        f"the quote does not contain {shown}: a stated number must appear in its "
                        "quote; mark inferred or derived values with a derivation, and write "
                        "unknown when it is not known")
                    break


# == R21: realised-rate firewall =================================================================
@lru_cache(maxsize=65536)
def _realised(quote: str) -> str | None:
    m = REALISED.search(quote)
    return m.group(0) if m else None


@rule("R21", "warning", "实际报销率不是报销比例", "Realised-rate firewall",
      rationale="“实际报销比”“平均补偿比”等是统计结果，不是规则，不得录入为报销比例（统计数字不在本版数据中，见 docs/coverage.md）。"
                "本规则检查比例条目的原文摘录中是否有这类说法。依据：CX-09（69.5%、62.24% 为实际补偿比）。",
      example="ratio: 0.695\nquote: 住院实际补偿比69.5%")
def r21_realised_rates(rep: Reporter) -> Diags:
    for entries in rep.ctx.rules.values():
        for e in entries:
            if e.value.kind != "ratio" or e.value.is_unknown:
                continue
            found = _realised(e.quote)
            if found:
                yield rep.at(e, f"原文 “{found}” 像是实际发生的统计数字，不是报销规则；统计数字不录入规则",
                             f"the quote '{found}' reads as a realised statistic, not a rule; "
                             "statistics are not rules")


# == R24: document numbers ========================================================================
@rule("R24", "info", "文号格式", "Document numbers are well formed",
      rationale="文号应为“机关代字〔年份〕序号号”：六角括号〔〕、不含空格，年份不晚于发文日期。"
                "依据：QY-09（“40 号”多一个空格）、CX-19、CX-20。",
      example="doc_number: 清医保待[2021]40 号   # 应为 清医保待〔2021〕40号",
      whole_set=True)
def r24_doc_numbers(rep: Reporter) -> Diags:
    ctx = rep.ctx
    pointers: dict[str, dict[str, str]] = {}
    for sid, s in ctx.ps.sources.items():
        if not s.doc_number:
            continue
        raw = s.doc_number
        problems: list[tuple[str, str]] = []
        fixed = re.sub(r"\s+", "", raw)
        fixed = re.sub(r"[\[［【(（](\d{4})[\]］】)）]", r"〔\1〕", fixed)
        if fixed != raw:
            problems.append((f"应写作 {fixed}（六角括号〔〕，不加空格）",
                             f"write it {fixed} (brackets 〔〕, no spaces)"))
        m = DOC_NUMBER.match(fixed)
        if m is None:
            problems.append(("不符合“机关代字〔年份〕序号号”的格式",
                             "does not match the pattern 机关代字〔YYYY〕N号"))
        elif s.date and int(m.group("year")) > int(s.date[:4]):
            problems.append((f"文号年份 {m.group('year')} 晚于发文日期 {s.date}",
                             f"the year {m.group('year')} is after the document's date {s.date}"))
        if not problems:
            continue
        if s.file not in pointers:
            pointers[s.file] = source_pointers(ctx, s.file)
        ptr = pointers[s.file].get(sid, "")
        for zh, en in problems:
            yield rep.at_file(s.file, ptr + "/doc_number", f"来源 {sid} 的文号 “{raw}” {zh}",
                              f"source {sid}: document number '{raw}' {en}")


def source_pointers(ctx: Context, rel: str) -> dict[str, str]:
    """Source id → its JSON pointer in a sources file (read only when a problem is found)."""
    return pointers_of_sources(ctx.ps.root, rel)


# == R30: inherited values from another region's document ========================================
# Levels whose values the regions under them inherit (a county's rules are its own). The
# level, not the regions present in the set, decides: the set may hold no county of a
# prefecture yet, and a finding must depend only on the region's own file and the
# sources (`check.memo`).
INHERITED_LEVELS = frozenset({"national", "province", "prefecture"})


@rule("R30", "warning", "被继承的数值须有本地区的来源", "Inherited values rest on the region's own document",
      rationale="全国、省、市的数值会被下级地区继承；它唯一的来源若是另一个地区的文件（来源登记中该来源的 region 不是本地区），"
                "下级地区页面上显示的“继承自 …”其实只是别的地区的转述。请找到本地区自己的文件，或在确认后写 acknowledge 说明理由。"
                "来源没有写 region 的（新闻、转述）不检查。依据：广东省生育保险费率 1% 只见于东莞市 2019 年的报告，清远继承（issue 16）。",
      example="# 440000 广东省\nratio: 0.01\nsource: dg-2019-08-09   # region: \"441900\"（东莞市的报告）")
def r30_inherited_from_another_region(rep: Reporter) -> Diags:
    ctx = rep.ctx
    for (code, _, _), entries in ctx.rules.items():
        region = ctx.ps.regions.get(code)
        if region is None or region.level not in INHERITED_LEVELS:
            continue
        for e in entries:
            src = ctx.ps.sources.get(e.source)
            if src is None or src.region is None or src.region == code or not e.can_be_in_force:
                continue
            yield rep.at(
                e, f"{region.name.zh}的这一数值由下级地区继承，但唯一的来源 {src.id} 是{src.issuer}（地区 {src.region}）"
                   f"的文件，不是{region.name.zh}自己的：请找到本地区的文件",
                f"this value of {region.name.en or region.name.zh} is inherited by the regions "
                f"under it, but its only source, {src.id}, is a document of {src.issuer} (region "
                f"{src.region}), not of {region.name.en or region.name.zh}: find the region's own "
                "document")
