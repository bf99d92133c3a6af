"""`policykit show CODE [--at DATE]`: the rules in force for a region, with sources."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from policykit.cli.common import (
    EXIT_DATA,
    EXIT_OK,
    UsageError,
    add_load_args,
    choices_help,
    day_arg,
    load_root,
    policy_root,
)
from policykit.cli.report import report
from policykit.diagnostics import printable
from policykit.model.days import today
from policykit.model.display import (
    STATUS_ZH,
    confirmation_zh,
    entry_value_zh,
    period_zh,
    rule_label_zh,
    temporary_zh,
)
from policykit.model.entities import entry_to_plain
from policykit.model.policyset import PolicySet
from policykit.model.registry import preferred


def add_parser(sub: Any) -> None:
    p = sub.add_parser("show", help="某地区某日有效的规则 / rules in force for a region")
    p.add_argument("code", metavar="REGION",
                   help="地区：6 位代码、中文名或拼音，如 441800、清远、qingyuan / region: "
                        "6-digit code, Chinese name or pinyin, e.g. 441800, 清远, qingyuan")
    p.add_argument("root", nargs="?", default="policies",
                   help="政策数据文件夹（缺省 policies）/ policy folder (default: policies)")
    p.add_argument("--at", type=day_arg("--at"), default=None, metavar="DATE",
                   help="日期 YYYY-MM-DD（缺省：今天）/ date YYYY-MM-DD (default: today)")
    p.add_argument("--format", choices=["text", "json"], default="text",
                   help=choices_help("输出格式，数据有错误时也是诊断信息的格式",
                                     "output format, also of the data's diagnostics if it "
                                     "has errors",
                                     {"text": "中文文字 / Chinese text",
                                      "json": "一个 JSON 文档 / one JSON document"}))
    add_load_args(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    day = args.at or today()
    root, shown = policy_root(args.root)
    result = load_root(root, shown, args)
    ps = result.policyset
    if ps is None or not result.ok:
        report(result.diagnostics, args.format, False, result.files)
        return EXIT_DATA
    code = _one_region(ps, args.code)
    if args.format == "json":
        print(json.dumps(_plain(ps, code, day), ensure_ascii=False, indent=2,
                         sort_keys=True))
    else:
        _print_text(ps, code, day)
    return EXIT_OK


def _one_region(ps: PolicySet, query: str) -> str:
    """The code of the one region `query` names; a usage error listing the candidates
    when it names several (朝阳区 is in Beijing and in Changchun) or none."""
    found = ps.find_regions(query)
    pick = preferred([r.level for r in found])
    if pick is not None:
        others = [r for r in found if r is not found[pick]]
        if others:
            names = "、".join(f"{r.code} {r.name.zh}" for r in others[:10])
            more = "等" if len(others) > 10 else ""
            print(printable(f"另有同名或同音地区 also matching: {names}{more}"), file=sys.stderr)
        return found[pick].code
    if not found:
        raise UsageError(f"找不到地区 {printable(query)}（可用代码、中文名或拼音）",
                         f"no region matches {printable(query)} (use a code, a Chinese name "
                         "or pinyin)")
    lines = [f"  {r.code} {r.name.zh}" + (f"（{ps.regions[r.parent].name.zh}）"
                                          if r.parent in ps.regions else "")
             for r in found]
    raise UsageError(f"{printable(query)} 对应 {len(found)} 个地区，请用代码指定其一",
                     f"{printable(query)} matches {len(found)} regions; name one by its code",
                     details=[printable(line) for line in lines])


def _plain(ps: PolicySet, code: str, day: str) -> dict[str, Any]:
    rules = [{"parameter": pid, "breakdown": dict(bk), "origin": r.origin,
              "entry": entry_to_plain(r.entry),
              "confirmation": ps.confirmation(r, day).to_plain(),
              "floors": [{"origin": f.origin, "entry": entry_to_plain(f.entry)}
                         for f in r.floors]}
             for (pid, bk), r in ps.in_force(code, day).items()]
    return {"region": ps.regions[code].to_plain(), "at": day, "rules": rules}


def _say(text: str) -> None:
    """One line of `show`: text from the data may hold escaped control characters (a
    BEL or ESC in a name, a newline in a quote); the terminal sees them as escapes."""
    print(printable(text))


def _print_text(ps: PolicySet, code: str, day: str) -> None:
    region, cat = ps.regions[code], ps.catalogue
    rows = ps.in_force(code, day)
    _say(f"{region.name.zh}（{region.code}）{day} 有效的规则 / rules in force")
    if not rows:
        _say("  （无 none）")
    for (pid, bk), r in rows.items():
        origin = "" if r.origin == code else f" [继承自 {ps.regions[r.origin].name.zh}]"
        src = ps.sources.get(r.entry.source)
        _say(f"- {rule_label_zh(pid, bk, cat)}: {entry_value_zh(r.entry, cat)}"
              f"  ({STATUS_ZH[r.entry.status]}，{period_zh(r.entry)}){origin}")
        for line in (temporary_zh(r.entry), confirmation_zh(ps.confirmation(r, day))):
            if line:
                _say(f"    {line}")
        _say(f"    来源: {src.title if src else r.entry.source} 「{r.entry.quote}」")
        for f in r.floors:
            if f.entry is not r.entry:
                _say(f"    底线/上限: {entry_value_zh(f.entry, cat)}"
                      f"（{ps.regions[f.origin].name.zh}）")
