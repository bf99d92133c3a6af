"""`policykit build [ROOT] --out DIR`: the public site, with the JSON API and downloads.

Load and check the data (`check.tree.findings`), report the diagnostics, refuse to
build on errors, else `publish.build.build_site` (which replaces DIR only when the
whole build succeeded). With `--work FOLDER` the docs folder is kept between builds
and updated in place; see docs/site.md.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path
from typing import Any

from policykit.check.tree import findings
from policykit.cli.common import (
    EXIT_DATA,
    EXIT_OK,
    UsageError,
    add_load_args,
    choices_help,
    day_arg,
    guard_output,
    load_root,
    policy_root,
    progress,
)
from policykit.cli.report import FORMAT_HELP, FORMATS, report
from policykit.model.timeline import DEFAULT_STALE_YEARS
from policykit.publish.api.export import as_of_date, base_url_of, data_commit
from policykit.publish.build import DEFAULT_SITE_URL, WORK_MARK, build_site


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "build", help="构建公开网站（含 JSON 接口和下载文件）/ build the public site",
        description="先检查数据，再构建对比网站（mkdocs-material，严格模式），含 api/v1/ 下的 "
                    "JSON 接口和 downloads/ 下的 CSV/XLSX；整个构建成功才替换 DIR。"
                    "Check the data, then build the comparison site (mkdocs-material, strict) "
                    "with the JSON API under api/v1/ and CSV/XLSX under downloads/. "
                    "DIR is replaced only when the whole build succeeded.")
    p.add_argument("root", nargs="?", default="policies",
                   help="政策数据文件夹（缺省 policies）/ policy folder (default: policies)")
    p.add_argument("--out", default="site", metavar="DIR",
                   help="输出文件夹（缺省 site）/ output folder (default: site)")
    p.add_argument("--site-url", default=None, metavar="URL",
                   help=f"网站发布网址（缺省 {DEFAULT_SITE_URL}）/ URL the site is published "
                        f"under (default: {DEFAULT_SITE_URL})")
    p.add_argument("--as-of", type=day_arg("--as-of"), default=None, metavar="DATE",
                   help="页面上的“今天” YYYY-MM-DD（缺省：SOURCE_DATE_EPOCH 的 UTC 日期，否则今天）"
                        "/ the 'today' of the pages, YYYY-MM-DD (default: SOURCE_DATE_EPOCH as "
                        "a UTC date, else today)")
    p.add_argument("--config", default="mkdocs.yml", metavar="FILE",
                   help="mkdocs 配置文件（缺省 mkdocs.yml，site_src/ 在它旁边）/ mkdocs "
                        "configuration (default: mkdocs.yml; site_src/ lies beside it)")
    p.add_argument("--strict", action="store_true",
                   help="数据警告也算错误 / data warnings are fatal too")
    p.add_argument("--format", choices=FORMATS, default="text",
                   help=choices_help("诊断信息的格式", "format of the data's diagnostics",
                                     FORMAT_HELP))
    p.add_argument("--force", action="store_true",
                   help="即使 DIR 不像以前的构建结果也整体替换 / replace DIR even if it does "
                        "not look like a previous build")
    p.add_argument("--work", default=None, metavar="FOLDER",
                   help="在 FOLDER 中保留生成的 Markdown 和数据文件，下次只重写变化的文件"
                        "（缺省：临时文件夹）/ "
                        "keep the generated Markdown and data files in FOLDER between builds "
                        "(incremental: only files whose content changed are rewritten, and "
                        "unchanged pages of the new site keep their old mtimes); default: a "
                        "temporary folder")
    p.add_argument("--stale-after-years", type=_years, default=DEFAULT_STALE_YEARS, metavar="N",
                   help="mark values not confirmed for more than N years 可能已过时 "
                        f"(default: {DEFAULT_STALE_YEARS}; docs/format.md 3.3 rule 6)")
    p.add_argument("--repo-url", default=None, metavar="URL",
                   help="项目代码仓库网址（如 https://github.com/OWNER/NAME）：地区页链接到它的"
                        "“补充政策”“纠错”议题表单；缺省时地区页给出 policykit new 的用法 / the "
                        "project's repository (https://github.com/OWNER/NAME): region pages link "
                        "to its issue forms; default: they show how to use policykit new")
    add_load_args(p)
    p.set_defaults(func=run)


def _years(text: str) -> int:
    if not re.fullmatch(r"[0-9]+", text) or int(text) < 1:
        raise UsageError("--stale-after-years 必须是至少为 1 的整数",
                         "--stale-after-years must be a whole number, at least 1")
    return int(text)


def _previous_site(out: Path) -> bool:
    return (out / "index.html").is_file() and (out / "sitemap.xml").is_file()


def _check_work(work: Path, out: Path, root: Path, config_dir: Path) -> None:
    real = work.resolve()
    # Inside the project (beside mkdocs.yml) is fine; inside the data or the site is not.
    for other, inside in ((out.resolve(), True), (root.resolve(), True),
                          (config_dir.resolve(), False)):
        if other.is_relative_to(real) or (inside and real.is_relative_to(other)):
            raise UsageError(f"工作文件夹 {work} 与 {other} 重叠",
                             f"work folder {work} overlaps {other}")
    if work.exists() and not work.is_dir():
        raise UsageError(f"{work} 已存在且不是文件夹", f"{work} exists and is not a folder")
    if work.is_dir() and any(work.iterdir()) and not (work / WORK_MARK).is_file():
        raise UsageError(f"{work} 不是空文件夹，也不是以前构建用的工作文件夹（构建会删除其中多余的文件）",
                         f"{work} is neither empty nor a previous build's work folder "
                         "(a build deletes files there that it did not write)")


def run(args: argparse.Namespace) -> int:
    as_of = as_of_date(args.as_of, os.environ)
    site_url = base_url_of(args.site_url or DEFAULT_SITE_URL)
    if args.repo_url is not None and not re.fullmatch(r"https?://[^\s/]+/\S*", args.repo_url):
        raise UsageError(f"--repo-url 应是 http:// 或 https:// 开头的网址：{args.repo_url}",
                         f"--repo-url must be an http:// or https:// URL: {args.repo_url}")
    config_file = Path(args.config)
    if not config_file.is_file():
        raise UsageError(f"找不到网站配置 {config_file}（请在项目根目录运行，或用 --config 指定）",
                         f"site configuration {config_file} not found (run from the project "
                         "root or pass --config)")
    root, shown = policy_root(args.root)
    out = Path(args.out)
    guard_output(out, keep=[(root, "政策数据", "the policy data"),
                            (config_file.parent, f"网站配置所在的 {config_file.parent}",
                             f"the site configuration's folder {config_file.parent}")],
                 previous=_previous_site, previous_zh="以前构建的网站",
                 previous_en="a previous site build", verb_zh="构建", force=args.force)
    work = Path(args.work) if args.work else None
    if work is not None:
        _check_work(work, out, root, config_file.parent)
    result = load_root(root, shown, args)
    diags = list(result.diagnostics)
    ps = result.policyset
    if ps is not None and result.ok:
        diags += findings(result, root, shown, use_memo=not args.no_cache,
                          progress=progress(args), day=as_of,
                          stale_years=args.stale_after_years)
    if report(diags, args.format, args.strict, result.files) != EXIT_OK \
            or ps is None or not result.ok:
        print("policykit: 数据有错误，未构建网站，原网站保持不变 "
              "(the data has errors; the site was not built and the previous one is untouched)",
              file=sys.stderr)
        return EXIT_DATA
    built = build_site(ps, out=out, config_file=config_file, as_of=as_of, site_url=site_url,
                       commit=data_commit(root, os.environ), work=work,
                       progress=progress(args), stale_years=args.stale_after_years,
                       repo_url=args.repo_url)
    for m in built.messages:
        print(f"mkdocs: {m}", file=sys.stderr)
    print(f"已构建网站到 {built.out}：{built.pages} 个页面，共 {built.files} 个文件，"
          f"数据日期 {as_of}，用时 {built.seconds:.1f} 秒 "
          f"(built {built.pages} pages, {built.files} files into {built.out} in "
          f"{built.seconds:.1f} s, as of {as_of})", file=sys.stderr)
    return EXIT_OK
