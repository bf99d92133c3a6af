"""`policykit checks [--markdown]`: the consistency-rule catalogue (docs/checks.md)."""

from __future__ import annotations

import argparse
from typing import Any

from policykit.check.docs import checks_markdown, checks_text
from policykit.cli.common import EXIT_OK


def add_parser(sub: Any) -> None:
    p = sub.add_parser("checks", help="一致性规则目录 / list the consistency rules "
                                      "(--markdown: docs/checks.md)")
    p.add_argument("--markdown", action="store_true",
                   help="输出生成的 docs/checks.md 页面 / print the generated docs/checks.md page")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    print(checks_markdown() if args.markdown else checks_text(), end="")
    return EXIT_OK
