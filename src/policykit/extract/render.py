"""Proposals → a draft YAML fragment, JSON for tools, or a table for review.

The YAML is written by hand rather than by a YAML library so that it reads like
the project's own files (flow mappings for small values, quotes double-quoted)
and so that numbers keep their exact decimal text (0.021, never 0.020999…).
Every string goes through `_q`, which is JSON string syntax: a valid YAML
double-quoted scalar, with the line separators YAML would fold escaped.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from policykit.codes import EXTRACT_MARKER
from policykit.extract.pipeline import Extraction, Proposal

_YAML_WORDS = frozenset({"true", "false", "null", "yes", "no", "on", "off", "y", "n"})
ROLE_ZH = {"rule": "规则", "statistic": "统计", "target": "目标", "context": "背景",
           "unclassified": "未归类"}


def _q(s: str) -> str:
    out = json.dumps(s, ensure_ascii=False)
    for ch in ("\u2028", "\u2029", "\u0085", "\ufeff"):
        out = out.replace(ch, f"\\u{ord(ch):04x}")
    return out


def _num(d: Decimal | int) -> str:
    if isinstance(d, int):
        return str(d)
    text = format(d, "f")
    return text


def _scalar(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (Decimal, int)):
        return _num(v)
    if isinstance(v, str):
        # Plain identifiers (level1, pp, decrease) read better unquoted; YAML 1.1
        # booleans and nulls must stay quoted.
        if re.fullmatch(r"[a-z_][a-z0-9_]*", v) and v not in _YAML_WORDS:
            return v
        return _q(v)
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {_scalar(x)}" for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(_scalar(x) for x in v) + "]"
    raise TypeError(f"cannot render {type(v).__name__}")


def _rule_key(p: Proposal) -> tuple[str, tuple[tuple[str, str], ...]]:
    assert p.parameter is not None
    return p.parameter, p.breakdown


def entry_lines(p: Proposal, source_id: str, indent: str) -> list[str]:
    lines = [f"{indent}- status: draft"]
    pad = indent + "  "
    if p.start:
        lines.append(f"{pad}start: {_q(p.start)}")
    elif p.observed:
        lines.append(f"{pad}observed: {_q(p.observed)}")
    if p.bound:
        lines.append(f"{pad}bound: {p.bound}")
    if p.value_key == "diseases":
        v = p.value
        lines.append(f"{pad}diseases:")
        lines.append(f"{pad}  declared_count: {v['declared_count']}")
        lines.append(f"{pad}  complete: {_scalar(v['complete'])}")
        if v["items"]:
            lines.append(f"{pad}  items:")
            lines += [f"{pad}    - {_scalar(item)}" for item in v["items"]]
        else:
            lines.append(f"{pad}  items: []")
    else:
        lines.append(f"{pad}{p.value_key}: {_scalar(p.value)}")
    if p.delta:
        lines.append(f"{pad}delta: {_scalar(dict(p.delta))}")
    if p.word_figure:
        # "全额" is not a printed number: say so, as the format requires for inferred values.
        lines.append(f"{pad}obtained: inferred")
        lines.append(f"{pad}derivation: {_q(f'原文“{p.figure}”即全部（100%）')}")
    lines.append(f"{pad}source: {source_id}")
    lines.append(f"{pad}quote: {_q(p.quote)}")
    lines.append(f"{pad}confidence: {p.confidence}")
    note = EXTRACT_MARKER
    if p.notes:
        note += "；" + "；".join(p.notes)
    lines.append(f"{pad}note: {_q(note)}")
    return lines


def dedupe(proposals: Iterable[Proposal]) -> list[Proposal]:
    """One entry per rule and value: the same figure stated twice is one draft."""
    seen: set[tuple[Any, ...]] = set()
    out = []
    for p in proposals:
        key = (p.parameter, p.breakdown, p.value_key, json.dumps(p.value, default=str),
               json.dumps(p.delta, default=str), p.bound, p.start)
        if key in seen:
            continue
        seen.add(key)
        out.append(p)
    return out


def rules_items(proposals: Sequence[Proposal], source_id: str, indent: str = "  ") -> str:
    """The `- parameter: …` items of a `rules:` list, one rule per parameter+breakdown."""
    groups: dict[tuple[str, tuple[tuple[str, str], ...]], list[Proposal]] = {}
    for p in dedupe(proposals):
        groups.setdefault(_rule_key(p), []).append(p)
    lines: list[str] = []
    for (parameter, breakdown), entries in groups.items():
        lines.append(f"{indent}- parameter: {parameter}")
        if breakdown:
            lines.append(f"{indent}  breakdown: {_scalar(dict(breakdown))}")
        lines.append(f"{indent}  history:")
        for p in entries:
            lines += entry_lines(p, source_id, indent + "    ")
    return "\n".join(lines) + ("\n" if lines else "")


def to_yaml(ex: Extraction) -> str:
    rules = [p for p in ex.proposals if p.is_rule]
    parents = [p for p in ex.proposals if p.role == "rule" and p.parameter and p.parent_level]
    others = [p for p in ex.proposals if p.role != "rule"]
    head = [
        f"# policykit extract 草稿 draft: {ex.document.path}",
        f"# 来源 source: {ex.source_id}"
        + (f"；文件日期 document date: {ex.document_date}" if ex.document_date else ""),
        "# 以下条目均为 status: draft（待确认），`policykit check` 会一直提示，直到有人核对原文、",
        "# 改为正式状态（in_force、planned 等）并补全日期。quote 为原文件逐字摘录。",
        "# Every entry is a draft: check it against the source, then set its real status and dates.",
    ]
    if ex.document.gloss_count:
        head.append(f"# 原文含 {ex.document.gloss_count} 处拼音注音（如 醫(yī)），摘录照原文保留。")
    body = "rules:\n" + rules_items(rules, ex.source_id) if rules else "rules: []\n"
    tail: list[str] = []
    if parents:
        tail.append("")
        tail.append("# 以下数字是上级地区（省/国家）的规定，不应录入本地区；如需要，请录入上级地区文件：")
        tail += ["# " + line for line in rules_items(parents, ex.source_id).splitlines()]
    counts = {r: sum(1 for p in others if p.role == r) for r in ROLE_ZH if r != "rule"}
    tail.append("")
    tail.append(
        "# 未作为规则提议的数字 figures not proposed as rules: "
        + "，".join(f"{ROLE_ZH[r]} {n}" for r, n in counts.items() if n)
        + "（用 --format table --all 查看 see --format table --all）"
    )
    return "\n".join(head) + "\n" + body + "\n".join(tail) + "\n"


def _json_value(v: Any) -> Any:
    if isinstance(v, Decimal):
        f = float(v)
        return int(v) if v == v.to_integral_value() and abs(v) < 2**53 else f
    if isinstance(v, dict):
        return {k: _json_value(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_json_value(x) for x in v]
    return v


def proposal_json(p: Proposal) -> dict[str, Any]:
    return {
        "role": p.role, "figure": p.figure, "kind": p.kind, "line": p.line,
        "parameter": p.parameter, "breakdown": dict(p.breakdown),
        "value_key": p.value_key, "value": _json_value(p.value),
        "delta": _json_value(dict(p.delta)) if p.delta else None, "bound": p.bound,
        "start": p.start, "observed": p.observed, "confidence": p.confidence,
        "flags": list(p.flags), "notes": list(p.notes), "alternatives": list(p.alternatives),
        "parent_level": p.parent_level, "reason": p.reason, "quote": p.quote,
        "quote_offsets": [p.quote_start, p.quote_end],
        "figure_offsets": [p.figure_start, p.figure_end],
    }


def to_json(ex: Extraction) -> str:
    doc = ex.document
    payload = {
        "version": 1, "file": doc.path, "kind": doc.kind, "encoding": doc.encoding,
        "source": ex.source_id, "document_date": ex.document_date,
        "glosses_removed": doc.gloss_count,
        "counts": {r: sum(1 for p in ex.proposals if p.role == r) for r in ROLE_ZH},
        "proposals": [proposal_json(p) for p in ex.proposals],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _cut(s: str, width: int) -> str:
    s = " ".join(s.split())
    out, w = "", 0
    for c in s:
        cw = 2 if unicodedata.east_asian_width(c) in "WF" else 1
        if w + cw > width - 1:
            return out + "…"
        out += c
        w += cw
    return out


def _pad(s: str, width: int) -> str:
    return s + " " * max(0, width - _width(s))


def _value_text(p: Proposal) -> str:
    if p.value_key is None:
        return ""
    v = _json_value(p.value)
    if p.value_key == "diseases":
        return f"{v['declared_count']} 种（列出 {len(v['items'])}）"
    text = json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else str(v)
    if p.delta:
        d = _json_value(dict(p.delta))
        text += f" (原 {d['from']}, {d['by']:+} {d['mode']})"
    if p.bound:
        text += f" [{p.bound}]"
    return text


def to_table(ex: Extraction, show_all: bool = False) -> str:
    rows = [p for p in ex.proposals if show_all or p.role == "rule"]
    header = ["行 line", "类别 role", "数字 figure", "参数 parameter", "细分 breakdown",
              "值 value", "置信 conf", "原文 quote / 说明 reason"]
    cells = []
    for p in rows:
        role = ROLE_ZH[p.role] + ("(上级)" if p.parent_level else "")
        bd = ",".join(v for _, v in p.breakdown)
        extra = p.reason if p.role != "rule" else ""
        flags = f" ⚑{','.join(p.flags)}" if p.flags else ""
        cells.append([str(p.line), role, _cut(p.figure, 18), p.parameter or "", bd,
                      _cut(_value_text(p), 34), p.confidence if p.role == "rule" else "",
                      _cut((extra + " " if extra else "") + p.quote, 46) + flags])
    widths = [max([_width(h)] + [_width(r[i]) for r in cells]) for i, h in enumerate(header)]
    lines = ["  ".join(_pad(h, widths[i]) for i, h in enumerate(header)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(_pad(c, widths[i]) for i, c in enumerate(r)).rstrip() for r in cells]
    counts = {r: sum(1 for p in ex.proposals if p.role == r) for r in ROLE_ZH}
    lines.append("")
    lines.append("合计 totals: " + "，".join(f"{ROLE_ZH[r]} {n}" for r, n in counts.items())
                 + ("" if show_all else "（--all 显示全部数字 show every figure）"))
    return "\n".join(lines) + "\n"
