"""`policykit extract FILE`: propose draft rule entries from a policy document.

The library (`policykit.extract`) does the work; this module reads arguments and
prints. Every expected failure is an ExtractError (a PolicykitError), which
`cli.common.run_command` prints as one line (code, Chinese, English) with its exit
code: 0 done, 1 bad input data, 2 bad usage. Never a traceback for bad input; a
bug still shows one.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from policykit.cli.common import EXIT_OK, EXIT_USAGE, choices_help, run_command
from policykit.extract.errors import ExtractError, fail
from policykit.extract.write import default_source_id
from policykit.model.entities import CODE_RE

SOURCE_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "extract",
        help="从政策文件中提取规则草稿 / propose draft rule entries from a document",
        description="读取纯文本、Markdown 或 HTML 政策文件，提出带原文摘录的规则草稿（status: draft）。"
                    "默认只打印，不写入 policies/。Read a text, Markdown or HTML document and "
                    "propose draft rule entries with verbatim quotes; prints only, unless --write.",
    )
    p.add_argument("file", help="政策文件 document (.txt, .md, .html)")
    p.add_argument("--region", metavar="CODE", help="地区代码（6 位），--write 时必填 / region code")
    p.add_argument("--source-id", metavar="ID",
                   help="来源 id；缺省时按文件名在 sources.yaml 的 seed 中查找 / source id")
    p.add_argument("--format", choices=["yaml", "json", "table"], default="yaml",
                   help=choices_help("输出格式（缺省 yaml）", "output format (default: yaml)",
                                     {"yaml": "可贴入 region.yaml 的草稿 / drafts to paste into "
                                              "region.yaml",
                                      "json": "一个 JSON 文档 / one JSON document",
                                      "table": "核对用表格 / a table to review"}))
    p.add_argument("--all", action="store_true",
                   help="表格中也列出统计、目标等非规则数字 / table: show every figure")
    p.add_argument("--root", default=None,
                   help="政策数据文件夹（缺省：当前目录或上级目录中的 policies）/ policy folder "
                        "(default: policies/ in the current folder or a parent)")
    p.add_argument("--catalogue", metavar="PATH", help="参数目录 (default: ROOT/catalogue.yaml)")
    p.add_argument("--write", action="store_true",
                   help="把草稿追加到该地区的 region.yaml / append the drafts to the region file")
    p.add_argument("--encoding", help="文件编码，如 gb18030（缺省自动识别）/ force an encoding")
    p.add_argument("--kind", choices=["text", "markdown", "html"],
                   help=choices_help("文件类型（缺省按扩展名和内容判断）",
                                     "document kind (default: by extension and content)",
                                     {"text": "纯文本 / plain text",
                                      "markdown": "Markdown 文本 / Markdown",
                                      "html": "网页 / HTML"}))
    p.add_argument("--max-bytes", type=int, default=None, metavar="N",
                   help="文件大小上限（缺省 8 MB）/ size limit in bytes")
    p.set_defaults(func=run)


def _say(zh: str, en: str) -> None:
    print(f"policykit extract: {zh} ({en})", file=sys.stderr)


def _find_root() -> Path:
    """policies/ here or in a parent folder, so the command works from any subfolder."""
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / "policies" / "catalogue.yaml").is_file():
            return folder / "policies"
    return Path("policies")


@contextmanager
def _input_limits(file: Path) -> Iterator[None]:
    """A document too deep or too large for this process is bad input (exit 1), not a
    crash. Only these: any other exception is a bug and keeps its traceback."""
    try:
        yield
    except RecursionError:
        raise fail("E_EXTRACT_INPUT", path=file, zh="结构嵌套过深，无法解析",
                   en="the document nests too deeply to parse") from None
    except MemoryError:
        raise fail("E_EXTRACT_INPUT", path=file, zh="过大，内存不足",
                   en="out of memory reading the document") from None


def run(args: argparse.Namespace) -> int:
    from policykit.extract import extract_document, load_catalogue, load_document
    from policykit.extract.render import to_json, to_table, to_yaml
    from policykit.extract.text import DEFAULT_MAX_BYTES

    root = Path(args.root) if args.root else _find_root()
    file = Path(args.file)
    if args.region is not None and not CODE_RE.fullmatch(args.region):
        raise ExtractError("E_EXTRACT_USAGE", f"地区代码 {args.region} 应为 6 位数字",
                           f"region code {args.region} must be 6 digits", EXIT_USAGE)
    if args.write and args.region is None:
        raise ExtractError("E_EXTRACT_USAGE", "--write 需要同时给出 --region",
                           "--write needs --region", EXIT_USAGE)
    if args.source_id is not None and not SOURCE_ID.match(args.source_id):
        raise ExtractError("E_EXTRACT_USAGE",
                           f"来源 id {args.source_id} 只能用小写字母、数字和 _ . -",
                           f"source id {args.source_id} may use only a-z 0-9 _ . -", EXIT_USAGE)
    max_bytes = args.max_bytes if args.max_bytes is not None else DEFAULT_MAX_BYTES
    if max_bytes <= 0:
        raise ExtractError("E_EXTRACT_USAGE", "--max-bytes 应为正数", "--max-bytes must be positive",
                           EXIT_USAGE)
    cat_path = Path(args.catalogue) if args.catalogue else root / "catalogue.yaml"
    if not cat_path.is_file():
        raise fail("E_EXTRACT_CATALOGUE", path=cat_path, reason="文件不存在 no such file")
    catalogue = load_catalogue(cat_path)
    region_file = None
    if args.write:
        from policykit.extract.write import find_region_file

        # Fail before printing anything: --write to a region that does not exist.
        region_file = find_region_file(root, args.region)
    source_id = args.source_id or default_source_id(root, file)
    with _input_limits(file):
        doc = load_document(file, encoding=args.encoding, max_bytes=max_bytes, kind=args.kind)
        ex = extract_document(doc, catalogue, source_id=source_id)
    if args.format == "json":
        sys.stdout.write(to_json(ex))
    elif args.format == "table":
        sys.stdout.write(to_table(ex, show_all=args.all))
    else:
        sys.stdout.write(to_yaml(ex))
    n_rules = sum(1 for p in ex.proposals if p.is_rule)
    if n_rules == 0:
        _say("没有发现可以提议为规则的数字", "no figure could be proposed as a rule")
    if region_file is not None:
        from policykit.extract.write import append_drafts_report

        done = append_drafts_report(region_file, [p for p in ex.proposals if p.is_rule],
                                    source_id)
        for s in done.skipped:
            p = s.proposal
            _say(f"未写入 第 {p.line} 行 {p.figure}（{p.parameter}）：{s.zh}",
                 f"not written: line {p.line} {p.figure} ({p.parameter}): {s.en}")
        skipped_zh = f"，跳过 {len(done.skipped)} 条（原因见上）" if done.skipped else ""
        skipped_en = f", skipped {len(done.skipped)} (reasons above)" if done.skipped else ""
        _say(f"已向 {region_file} 追加 {done.added} 条草稿（status: draft）{skipped_zh}，请逐条核对",
             f"appended {done.added} draft entries to {region_file}{skipped_en}; review each one")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Standalone entry (`python -m policykit.cli.extract FILE …`), same as `policykit extract`."""
    ap = argparse.ArgumentParser(prog="policykit")
    add_parser(ap.add_subparsers(dest="command", required=True))
    return run_command(ap, ["extract", *(sys.argv[1:] if argv is None else argv)],
                       owns_process=argv is None)


if __name__ == "__main__":
    sys.exit(main())
