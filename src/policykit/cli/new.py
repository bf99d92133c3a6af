"""`policykit new CODE [ROOT]`: scaffold a region file from the division registry."""

from __future__ import annotations

import argparse
from typing import Any

from policykit.cli.common import EXIT_OK, policy_root
from policykit.diagnostics import printable
from policykit.loader.scaffold import scaffold_region


def add_parser(sub: Any) -> None:
    p = sub.add_parser("new", help="按区划登记表新建地区文件 / scaffold a region file from the "
                                   "division registry")
    p.add_argument("code", help="6 位区划代码，如 441802 / 6-digit division code, e.g. 441802")
    p.add_argument("root", nargs="?", default="policies",
                   help="政策数据文件夹（缺省 policies）/ policy folder (default: policies)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    root, _ = policy_root(args.root)
    path = scaffold_region(root, args.code)
    print(printable(f"已新建 created {path}"))
    return EXIT_OK
