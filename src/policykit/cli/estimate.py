"""`policykit estimate CODE [ROOT]`: what an inpatient stay costs after insurance
(docs/estimate.md). One library call: `policykit.costs.estimate.estimate`."""

from __future__ import annotations

import argparse
from typing import Any

from policykit.cli.common import EXIT_DATA, EXIT_OK, add_load_args, day_arg, load_root, policy_root
from policykit.cli.report import report
from policykit.costs.estimate import SCHEMES, estimate
from policykit.costs.text import estimate_text
from policykit.model.days import today
from policykit.util.jsonio import json_bytes


def add_parser(sub: Any) -> None:
    p = sub.add_parser("estimate", help="住院费用报销估算 / estimate what a hospital stay costs")
    p.add_argument("code", help="6-digit region code, e.g. 441800")
    p.add_argument("root", nargs="?", default="policies")
    p.add_argument("--scheme", choices=SCHEMES, required=True, help="employee 职工 / resident 居民")
    p.add_argument("--cost", required=True, metavar="YUAN", help="total cost of the stay")
    p.add_argument("--in-scope", default=None, metavar="YUAN",
                   help="its policy-covered part (default: all of it)")
    p.add_argument("--hospital-level", default=None, help="level1 / level2 / level3")
    p.add_argument("--person-type", default=None, help="employee scheme: in_service / retiree")
    p.add_argument("--admission", type=int, default=1, metavar="N",
                   help="the stay's number in the year (default 1)")
    p.add_argument("--paid-this-year", default="0", metavar="YUAN",
                   help="what the fund already paid this year (default 0)")
    p.add_argument("--assistance-category", default=None,
                   help="medical-assistance category, e.g. dibao (default: none)")
    when = p.add_mutually_exclusive_group()
    when.add_argument("--at", type=day_arg("--at"), default=None, metavar="DATE",
                      help="date YYYY-MM-DD (default: today)")
    when.add_argument("--coverage-year", type=int, default=None, metavar="YEAR",
                      help="the rules in force on the first day of this coverage year")
    p.add_argument("--format", choices=["text", "json"], default="text")
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
