"""Rules on the structure the values hang from: the catalogue's schemes and parameters
(R14, checked once over the whole catalogue) and region codes and parents (R19)."""

from __future__ import annotations

from policykit.check.context import Reporter
from policykit.check.rule import rule
from policykit.check.rules.common import Diags
from policykit.model.entities import NATIONAL, first_day


# == R14: scheme / field compatibility (catalogue) ================================================
@rule("R14", "error", "险种与参数相容", "Scheme / parameter compatibility",
      rationale="参数目录中：以险种名开头的参数 id 必须属于该险种；按在职/退休（person_type）细分的参数只属于职工医保；"
                "职工医保没有财政补助，居民医保没有单位缴费。依据：docs/domain.md §3.1。",
      example="resident.inpatient.ratio: {scheme: employee, …}   # id 以 resident 开头",
      whole_set=True)
def r14_scheme_fields(rep: Reporter) -> Diags:
    cat = rep.ctx.ps.catalogue
    schemes = dict(cat.schemes)
    for pid, p in cat.parameters.items():
        ptr = f"/parameters/{pid}"
        head = pid.split(".", 1)[0]
        if head in schemes and head != p.scheme:
            yield rep.at_file(cat.file, ptr + "/scheme",
                              f"参数 {pid} 以险种 {head} 开头，但 scheme 写的是 {p.scheme}",
                              f"parameter {pid} starts with scheme {head} but its scheme is {p.scheme}")
        if "person_type" in p.dimensions and p.scheme not in ("employee", "general"):
            yield rep.at_file(cat.file, ptr + "/dimensions",
                              f"参数 {pid} 属于 {p.scheme}，却按在职/退休（person_type）细分；"
                              "退休人员待遇只存在于职工医保",
                              f"parameter {pid} belongs to {p.scheme} but is broken down by "
                              "person_type; retiree rules exist only in the employee scheme")
        if p.scheme == "employee" and "fiscal_subsidy" in pid:
            yield rep.at_file(cat.file, ptr + "/scheme",
                              f"参数 {pid}：职工医保没有财政补助", f"parameter {pid}: the employee "
                              "scheme has no fiscal subsidy")
        if p.scheme == "resident" and "employer" in pid:
            yield rep.at_file(cat.file, ptr + "/scheme",
                              f"参数 {pid}：居民医保没有单位缴费", f"parameter {pid}: the resident "
                              "scheme has no employer contribution")


# == R19: region codes and parents =================================================================
def _code_problems(code: str, level: str, parent: str | None) -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    prov, pref = code[:2] + "0000", code[:4] + "00"
    if level == "national" and code != NATIONAL:
        out.append(("/region/code", f"全国的代码应为 {NATIONAL}", f"the nation's code is {NATIONAL}"))
    elif level == "province" and code != prov:
        out.append(("/region/code", f"省级代码应以 0000 结尾（{prov}）",
                    f"a province code ends in 0000 ({prov})"))
    elif level == "prefecture" and (code != pref or code == prov):
        out.append(("/region/code", "地级代码应以 00 结尾且不以 0000 结尾",
                    "a prefecture code ends in 00 but not 0000"))
    elif level == "county" and code == pref:
        out.append(("/region/code", "县级代码不应以 00 结尾", "a county code does not end in 00"))
    if parent is None or level in ("national", "province"):
        return out
    allowed = {"prefecture": (prov,), "county": (pref, prov)}.get(level, ())
    if parent not in allowed:
        out.append(("/region/parent",
                    f"上级代码 {parent} 与本地区代码 {code} 的前缀不符（应为 {' 或 '.join(allowed)}）",
                    f"parent {parent} does not match the prefix of {code} "
                    f"(expected {' or '.join(allowed)})"))
    return out


@rule("R19", "error", "地区代码与上级一致", "Region codes and parents consistent",
      rationale="省级代码以 0000 结尾，地级以 00 结尾；地级的上级为 code[:2]+\"0000\"，县级的上级为 code[:4]+\"00\""
                "（或直属省的 code[:2]+\"0000\"）；统筹区为本地区或其上级；条目日期在地区代码有效期内（代码会被重新使用）。"
                "依据：GB/T 2260；C3（代码重用）。",
      example="region: {code: \"431223\", level: county, parent: \"441800\"}   # 应为 431200")
def r19_region_codes(rep: Reporter) -> Diags:
    ctx = rep.ctx
    regions = ctx.ps.regions
    for code, r in regions.items():
        if not ctx.walks(code):
            continue
        for ptr, zh, en in _code_problems(code, r.level, r.parent):
            yield rep.at_file(r.file, ptr, f"地区 {code}（{r.name.zh}）：{zh}", f"region {code}: {en}")
        if r.pooling_region is not None and r.pooling_region != code:
            ancestors: list[str] = []
            cur = r.parent
            while cur is not None and cur in regions and cur not in ancestors:
                ancestors.append(cur)
                cur = regions[cur].parent
            if r.pooling_region not in ancestors and r.pooling_region in regions:
                yield rep.at_file(r.file, "/region/pooling_region",
                                  f"地区 {code}（{r.name.zh}）的统筹区 {r.pooling_region} 既不是本地区也不是其上级",
                                  f"region {code}: pooling region {r.pooling_region} is neither the "
                                  "region itself nor one of its ancestors")
    for (code, _, _), entries in ctx.rules.items():
        reg = regions.get(code)
        if reg is None or (reg.valid_from is None and reg.valid_to is None):
            continue
        for e in entries:
            b = e.begins
            if b is None:
                continue
            if (reg.valid_from is not None and b < first_day(reg.valid_from)) or (
                    reg.valid_to is not None and b >= first_day(reg.valid_to)):
                period = f"{reg.valid_from or '…'}–{reg.valid_to or '…'}"
                yield rep.at(e, f"条目自 {b} 起，但地区代码 {code} 的有效期为 {period}",
                             f"the entry begins on {b}, outside the validity of code {code} "
                             f"({period})", pointer=f"{e.pointer}/{'start' if e.start else 'observed'}")
