"""`policykit estimate CODE [ROOT]`: what an inpatient stay costs after insurance
(docs/estimate.md). One library call: `policykit.costs.estimate.estimate`."""

from __future__ import annotations

import argparse
from typing import Any

from policykit.cli.common import (
    EXIT_DATA,
    EXIT_OK,
    add_load_args,
    choices_help,
    day_arg,
    load_root,
    policy_root,
)
from policykit.cli.report import report
from policykit.costs.estimate import SCHEMES, estimate
from policykit.costs.text import estimate_text
from policykit.model.days import today
from policykit.util.jsonio import json_bytes


def add_parser(sub: Any) -> None:
    p = sub.add_parser("estimate", help="住院费用报销估算 / estimate what a hospital stay costs",
                       description="按公开规则估算一次住院的医保支付和个人负担；规则未公布时给出区间。"
                                   " / Estimate what the funds pay and the patient pays for one "
                                   "hospital stay from the published rules; intervals where a "
                                   "rule is unknown.")
    p.add_argument("code", help="6 位行政区划代码，如 441800 / 6-digit region code, e.g. 441800")
    p.add_argument("root", nargs="?", default="policies",
                   help="政策数据文件夹（缺省 policies）/ policy folder (default: policies)")
    p.add_argument("--scheme", choices=SCHEMES, required=True,
                   help=choices_help("险种", "insurance scheme",
                                     {"employee": "职工医保 / employee scheme",
                                      "resident": "城乡居民医保 / resident scheme"}))
    p.add_argument("--cost", required=True, metavar="YUAN",
                   help="住院总费用（元）/ total cost of the stay (yuan)")
    p.add_argument("--in-scope", default=None, metavar="YUAN",
                   help="其中政策范围内费用（缺省：全部）/ its policy-covered part (default: all of it)")
    p.add_argument("--hospital-level", default=None,
                   help="医院等级 level1 / level2 / level3 / hospital level")
    p.add_argument("--person-type", default=None,
                   help="职工医保人员类别 in_service（在职）/ retiree（退休）/ "
                        "employee scheme: in service or retired")
    p.add_argument("--admission", type=int, default=1, metavar="N",
                   help="本年度第几次住院（缺省 1）/ the stay's number in the year (default 1)")
    p.add_argument("--paid-this-year", default="0", metavar="YUAN",
                   help="本年度统筹基金已支付（缺省 0）/ what the fund already paid this year "
                        "(default 0)")
    p.add_argument("--assistance-category", default=None,
                   help="医疗救助对象类别，如 dibao（低保）（缺省：无）/ medical-assistance "
                        "category, e.g. dibao (default: none)")
    when = p.add_mutually_exclusive_group()
    when.add_argument("--at", type=day_arg("--at"), default=None, metavar="DATE",
                      help="日期 YYYY-MM-DD（缺省：今天）/ date YYYY-MM-DD (default: today)")
    when.add_argument("--coverage-year", type=int, default=None, metavar="YEAR",
                      help="按该待遇年度第一天有效的规则 / the rules in force on the first day "
                           "of this coverage year")
    p.add_argument("--format", choices=["text", "json"], default="text",
                   help=choices_help("输出格式", "output format",
                                     {"text": "中文文字 / Chinese text",
                                      "json": "一个 JSON 文档 / one JSON document"}))
    add_load_args(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    root, shown = policy_root(args.root)
    result = load_root(root, shown, args)
    if result.policyset is None or not result.ok:
        report(result.diagnostics, args.format, False, result.files)
        return EXIT_DATA
    day = None if args.coverage_year is not None else args.at or today()
    e = estimate(result.policyset, args.code, day=day, coverage_year=args.coverage_year,
                 scheme=args.scheme,
                 cost=args.cost, in_scope=args.in_scope, hospital_level=args.hospital_level,
                 person_type=args.person_type, admission=args.admission,
                 paid_this_year=args.paid_this_year,
                 assistance_category=args.assistance_category).to_plain()
    if args.format == "json":
        print(json_bytes(e).decode("utf-8"), end="")
    else:
        print(estimate_text(e))
    return EXIT_OK
