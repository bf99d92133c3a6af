"""`policykit export [ROOT] --out DIR`: the static JSON API and the download tables.

DIR is replaced as a whole (staged beside it, then swapped in), so it must be a
folder policykit owns: empty, absent, or a previous export. A failed export leaves
the previous DIR untouched.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from policykit.publish.api.export import (
    API_DIR,
    DOWNLOADS_DIR,
    ExportError,
    as_of_date,
    base_url_of,
    data_commit,
)
from policykit.publish.api.schema import DEFAULT_BASE_URL
from policykit.publish.run import export_all
from policykit.util.atomic import atomic_output
from policykit.util.progress import Progress, show_progress

# pandas (via .tables) costs a second to import: it is imported only when exporting.


def add_parser(sub: Any) -> None:
    from policykit.cli.main import add_load_args

    p = sub.add_parser(
        "export", help="导出 JSON 接口与 CSV/XLSX 表格 / write the static JSON API and tables",
        description="Write DIR/api/v1/ (JSON API with schemas) and DIR/downloads/ (CSV, XLSX). "
                    "Same data and as-of date give byte-identical files.")
    p.add_argument("root", nargs="?", default="policies", help="policy folder (default: policies)")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder (replaced whole)")
    p.add_argument("--as-of", default=None, metavar="DATE",
                   help="date for the rules in force, YYYY-MM-DD (default: SOURCE_DATE_EPOCH "
                        "as a UTC date, else today)")
    p.add_argument("--base-url", default=None, metavar="URL",
                   help=f"site URL the output is published under (default: {DEFAULT_BASE_URL})")
    p.add_argument("--no-tables", action="store_true", help="only the JSON API")
    p.add_argument("--force", action="store_true",
                   help="replace DIR even if it does not look like a previous export")
    add_load_args(p)
    p.set_defaults(func=run)


def _check_out(out: Path, root: Path, force: bool) -> None:
    from policykit.cli.main import UsageError

    real_out, real_root = out.resolve(), root.resolve()
    if real_out == real_root or real_root.is_relative_to(real_out):
        raise UsageError(f"输出文件夹 {out} 包含政策数据，导出会覆盖它",
                         f"output folder {out} contains the policy data and would replace it")
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out} 已存在且不是文件夹", f"{out} exists and is not a folder")
    if out.is_dir() and not force and any(out.iterdir()) \
            and not (out / API_DIR / "index.json").is_file() \
            and not (out / DOWNLOADS_DIR).is_dir():
        raise UsageError(f"{out} 不是空文件夹，也不是以前的导出结果；确认要整体替换请加 --force",
                         f"{out} is neither empty nor a previous export; "
                         "add --force to replace it")


def run(args: argparse.Namespace) -> int:
    from policykit.cli.main import EXIT_DATA, EXIT_OK, UsageError, _root, emit, load_root

    try:
        as_of = as_of_date(args.as_of, os.environ)
        base_url = base_url_of(args.base_url)
    except ExportError as exc:
        raise UsageError(exc.zh, exc.en) from None
    root, shown = _root(args.root)
    out = Path(args.out)
    _check_out(out, root, args.force)
    result = load_root(root, shown, args)
    ps = result.policyset
    if ps is None or not result.ok:
        emit(result.diagnostics, "text", False, result.files)
        print("policykit: 数据有错误，未导出 (the data has errors; nothing exported)",
              file=sys.stderr)
        return EXIT_DATA
    commit = data_commit(root, os.environ)
    bar = Progress("导出 exporting: JSON 接口与下载表格 API and tables", 1,
                   show_progress(args.quiet))
    bar.advance(0)
    try:
        with atomic_output(out) as staging:
            try:
                n = export_all(ps, staging, as_of, base_url, commit, tables=not args.no_tables)
            finally:
                bar.done()
    except ExportError as exc:
        print(f"policykit: {exc}", file=sys.stderr)
        return EXIT_DATA
    except OSError as exc:
        print(f"policykit: 无法写入 {out}：{exc.strerror or exc} (cannot write {out})",
              file=sys.stderr)
        return EXIT_DATA
    print(f"已导出 {n} 个文件到 {out}（数据日期 {as_of}）"
          f"(exported {n} files to {out}, as of {as_of})", file=sys.stderr)
    return EXIT_OK
