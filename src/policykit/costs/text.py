"""An estimate as plain text for a terminal: every amount as a range where it is one,
each step with the rules used, where they come from and the quote. Plain text only:
printed as `policykit show` prints the data's text."""

from __future__ import annotations

from typing import Any

from policykit.costs.compute import FIELDS
from policykit.model.display import group
from policykit.model.entities import dec

LABELS_ZH = {
    "out_of_scope_amt": "政策范围外费用（个人承担）", "act_pay_dedc": "起付线",
    "hifp_pay": "统筹基金支付", "hifmi_pay": "大病保险支付", "maf_pay": "医疗救助支付",
    "psn_part_amt": "个人负担",
}


def money_zh(m: dict[str, Any]) -> str:
    lo, hi = group(dec(m["min"])), group(dec(m["max"]))
    return f"{lo} 元" if m["exact"] else f"{lo} 至 {hi} 元"


def estimate_text(e: dict[str, Any]) -> str:
    """`Estimate.to_plain()` as lines of text."""
    i = e["inputs"]
    lines = [f"{e['region_name']}（{e['region']}）{e['day']} 住院费用估算 / out-of-pocket estimate",
             f"  险种 {i['scheme']}，医院等级 {i['hospital_level'] or '未指定'}，"
             f"第 {i['admission']} 次住院，总费用 {group(dec(i['cost']))} 元，"
             f"政策范围内 {group(dec(i['in_scope']))} 元", ""]
    lines += [f"{LABELS_ZH[f]}（{f}）：{money_zh(e[f])}" for f in FIELDS]
    lines.append("")
    for s in e["steps"]:
        lines.append(f"【{s['title_zh']}】{money_zh(s['amount'])} — {s['note_zh']}")
        for r in s["rules"]:
            where = ""
            if "origin" in r:
                where = f"（{r['origin_name']} {r['origin']}，{r['in_force_zh']}）"
            lines.append(f"  {r['role_zh']}：{r['value_zh']}{where}  [{r['parameter']}]")
            if "quote" in r:
                lines.append(f"    来源 {r['source_title'] or r['source']}「{r['quote']}」")
    if e["missing_zh"]:
        lines += ["", "缺少的数据 / missing:"] + [f"  - {m}" for m in e["missing_zh"]]
    lines += ["", "未纳入估算 / not modelled:"] + [f"  - {m}" for m in e["not_modelled_zh"]]
    lines += ["", e["notice_zh"]]
    return "\n".join(lines)
