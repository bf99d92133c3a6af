"""`policykit show CODE [--at DATE]`: the rules in force for a region, with sources."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from typing import Any

from policykit.model.display import STATUS_ZH, entry_value_zh, period_zh, rule_label_zh
from policykit.model.entities import entry_to_plain


def add_parser(sub: Any) -> None:
    from policykit.cli.main import add_load_args

    p = sub.add_parser("show", help="某地区某日有效的规则 / rules in force for a region")
    p.add_argument("code", help="6-digit region code, e.g. 441800")
    p.add_argument("root", nargs="?", default="policies")
    p.add_argument("--at", default=None, help="date YYYY-MM-DD (default: today)")
    p.add_argument("--format", choices=["text", "json"], default="text")
    add_load_args(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from policykit.cli.main import EXIT_DATA, UsageError, _root, emit, load_root

    day = args.at or dt.date.today().isoformat()
    try:
        dt.date.fromisoformat(day)
    except ValueError as exc:
        raise UsageError(f"日期 {day} 无效，应为 YYYY-MM-DD", f"invalid date {day}") from exc
    root, shown = _root(args.root)
    result = load_root(root, shown, args)
    ps = result.policyset
    if ps is None or not result.ok:
        emit(result.diagnostics, "text", False, result.files)
        return EXIT_DATA
    if args.code not in ps.regions:
        raise UsageError(f"未知地区代码 {args.code}", f"unknown region code {args.code}")
    region = ps.regions[args.code]
    rows = ps.in_force(args.code, day)
    if args.format == "json":
        out: list[dict[str, Any]] = []
        for (pid, bk), r in rows.items():
            out.append({"parameter": pid, "breakdown": dict(bk), "origin": r.origin,
                        "entry": entry_to_plain(r.entry),
                        "floors": [{"origin": f.origin, "entry": entry_to_plain(f.entry)}
                                   for f in r.floors]})
        print(json.dumps({"region": region.to_plain(), "at": day, "rules": out},
                         ensure_ascii=False, indent=2, sort_keys=True))
        return 0
    cat = ps.catalogue
    print(f"{region.name.zh}（{region.code}）{day} 有效的规则 / rules in force")
    if not rows:
        print("  （无 none）")
    for (pid, bk), r in rows.items():
        origin = "" if r.origin == args.code else f" [继承自 {ps.regions[r.origin].name.zh}]"
        src = ps.sources.get(r.entry.source)
        print(f"- {rule_label_zh(pid, bk, cat)}: {entry_value_zh(r.entry, cat)}"
              f"  ({STATUS_ZH[r.entry.status]}，{period_zh(r.entry)}){origin}")
        print(f"    来源: {src.title if src else r.entry.source} 「{r.entry.quote}」")
        for f in r.floors:
            if f.entry is not r.entry:
                print(f"    底线/上限: {entry_value_zh(f.entry, cat)}"
                      f"（{ps.regions[f.origin].name.zh}）")
    return 0
