"""`policykit export [ROOT] --out DIR`: the static JSON API and the download tables.

DIR is replaced as a whole (`publish.run.export_folder`), so it must be a folder
policykit owns: empty, absent, or a previous export. A failed export leaves the
previous DIR untouched.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from policykit.cli.common import (
    EXIT_DATA,
    EXIT_OK,
    add_load_args,
    choices_help,
    day_arg,
    guard_output,
    load_root,
    policy_root,
    progress,
)
from policykit.cli.report import FORMAT_HELP, FORMATS, report
from policykit.publish.api.export import (
    API_DIR,
    DOWNLOADS_DIR,
    as_of_date,
    base_url_of,
    data_commit,
)
from policykit.publish.api.schema import DEFAULT_BASE_URL
from policykit.publish.run import export_folder


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "export", help="导出 JSON 接口与 CSV/XLSX 表格 / write the static JSON API and tables",
        description="写出 DIR/api/v1/（JSON 接口及其结构定义）和 DIR/downloads/（CSV、XLSX）；"
                    "数据和日期相同，文件逐字节相同。"
                    "Write DIR/api/v1/ (JSON API with schemas) and DIR/downloads/ (CSV, XLSX). "
                    "Same data and as-of date give byte-identical files.")
    p.add_argument("root", nargs="?", default="policies",
                   help="政策数据文件夹（缺省 policies）/ policy folder (default: policies)")
    p.add_argument("--out", required=True, metavar="DIR",
                   help="输出文件夹（整体替换）/ output folder (replaced whole)")
    p.add_argument("--as-of", type=day_arg("--as-of"), default=None, metavar="DATE",
                   help="有效规则的日期 YYYY-MM-DD（缺省：SOURCE_DATE_EPOCH 的 UTC 日期，否则今天）"
                        "/ date for the rules in force, YYYY-MM-DD (default: SOURCE_DATE_EPOCH "
                        "as a UTC date, else today)")
    p.add_argument("--base-url", default=None, metavar="URL",
                   help=f"发布网址（缺省 {DEFAULT_BASE_URL}）/ site URL the output is published "
                        f"under (default: {DEFAULT_BASE_URL})")
    p.add_argument("--no-tables", action="store_true",
                   help="只导出 JSON 接口，不写表格 / only the JSON API")
    p.add_argument("--force", action="store_true",
                   help="即使 DIR 不像以前的导出结果也整体替换 / replace DIR even if it does "
                        "not look like a previous export")
    p.add_argument("--format", choices=FORMATS, default="text",
                   help=choices_help("数据有错误时诊断信息的格式",
                                     "format of the data's diagnostics, if it has errors",
                                     FORMAT_HELP))
    add_load_args(p)
    p.set_defaults(func=run)


def _previous_export(out: Path) -> bool:
    return (out / API_DIR / "index.json").is_file() or (out / DOWNLOADS_DIR).is_dir()


def run(args: argparse.Namespace) -> int:
    as_of = as_of_date(args.as_of, os.environ)
    base_url = base_url_of(args.base_url)
    root, shown = policy_root(args.root)
    out = Path(args.out)
    guard_output(out, keep=[(root, "政策数据", "the policy data")], previous=_previous_export,
                 previous_zh="以前的导出结果", previous_en="a previous export", verb_zh="导出",
                 force=args.force)
    result = load_root(root, shown, args)
    ps = result.policyset
    if ps is None or not result.ok:
        report(result.diagnostics, args.format, False, result.files)
        print("policykit: 数据有错误，未导出 (the data has errors; nothing exported)",
              file=sys.stderr)
        return EXIT_DATA
    n = export_folder(ps, out, as_of, base_url, data_commit(root, os.environ),
                      tables=not args.no_tables, progress=progress(args))
    print(f"已导出 {n} 个文件到 {out}（数据日期 {as_of}）"
          f"(exported {n} files to {out}, as of {as_of})", file=sys.stderr)
    return EXIT_OK
