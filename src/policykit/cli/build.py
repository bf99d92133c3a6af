"""`policykit build [ROOT] --out DIR`: the public site, with the JSON API and downloads.

Steps: load and check the data (refuse to build on errors) → write the JSON API and the
CSV/XLSX downloads into a fresh docs folder → generate the pages (`policykit.publish.site`) with
the hand-written pages and assets of `site_src/` → `mkdocs build --strict`
(`policykit.publish.mkdocs`) into a staging folder beside DIR, swapped in only when
everything succeeded, so a failed build leaves the previous site untouched.

With `--work FOLDER` the docs folder is kept between builds and updated in place (only
changed files are rewritten); see docs/site.md.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from policykit.check import run as checks
from policykit.codes import CODES
from policykit.diagnostics import Diagnostic
from policykit.loader.build import LoadResult
from policykit.model.policyset import PolicySet
from policykit.publish.api.export import API_DIR, ExportError, as_of_date, base_url_of, data_commit
from policykit.publish.run import BUILD_CHILD_DOCS, exporting
from policykit.publish.site import Download, SiteInput, generate
from policykit.util.atomic import atomic_output
from policykit.util.progress import Progress, show_progress

DEFAULT_SITE_URL = "http://127.0.0.1:8000/"     # what `nox -s serve` serves
EXAMPLE_LINES = 40


def add_parser(sub: Any) -> None:
    from policykit.cli.main import add_load_args

    p = sub.add_parser(
        "build", help="构建公开网站（含 JSON 接口和下载文件）/ build the public site",
        description="Check the data, then build the comparison site (mkdocs-material, strict) "
                    "with the JSON API under api/v1/ and CSV/XLSX under downloads/. "
                    "DIR is replaced only when the whole build succeeded.")
    p.add_argument("root", nargs="?", default="policies", help="policy folder (default: policies)")
    p.add_argument("--out", default="site", metavar="DIR", help="output folder (default: site)")
    p.add_argument("--site-url", default=None, metavar="URL",
                   help=f"URL the site is published under (default: {DEFAULT_SITE_URL})")
    p.add_argument("--as-of", default=None, metavar="DATE",
                   help="the 'today' of the pages, YYYY-MM-DD (default: SOURCE_DATE_EPOCH as a "
                        "UTC date, else today)")
    p.add_argument("--config", default="mkdocs.yml", metavar="FILE",
                   help="mkdocs configuration (default: mkdocs.yml; site_src/ lies beside it)")
    p.add_argument("--strict", action="store_true", help="data warnings are fatal too")
    p.add_argument("--force", action="store_true",
                   help="replace DIR even if it does not look like a previous build")
    p.add_argument("--work", default=None, metavar="FOLDER",
                   help="keep the generated Markdown and data files in FOLDER between builds "
                        "(incremental: only files whose content changed are rewritten, and "
                        "unchanged pages of the new site keep their old mtimes); default: a "
                        "temporary folder")
    add_load_args(p)
    p.set_defaults(func=run)


@dataclass(frozen=True)
class BuildResult:
    out: Path
    pages: int
    files: int
    seconds: float
    messages: tuple[str, ...]


def _check_out(out: Path, root: Path, config_dir: Path, force: bool) -> None:
    from policykit.cli.main import UsageError

    real_out = out.resolve()
    for keep in (root.resolve(), config_dir.resolve()):
        if real_out == keep or keep.is_relative_to(real_out):
            raise UsageError(f"输出文件夹 {out} 包含 {keep}，构建会覆盖它",
                             f"output folder {out} contains {keep} and would replace it")
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out} 已存在且不是文件夹", f"{out} exists and is not a folder")
    if out.is_dir() and not force and any(out.iterdir()) \
            and not ((out / "index.html").is_file() and (out / "sitemap.xml").is_file()):
        raise UsageError(f"{out} 不是空文件夹，也不是以前构建的网站；确认要整体替换请加 --force",
                         f"{out} is neither empty nor a previous site build; "
                         "add --force to replace it")


WORK_MARK = ".policykit-work"


def _check_work(work: Path, out: Path, root: Path, config_dir: Path) -> None:
    from policykit.cli.main import UsageError

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


def keep_mtimes(new: Path, old: Path) -> int:
    """Give each file of `new` that `old` holds with the same bytes the old file's
    times (a deploy by rsync or HTTP Last-Modified then sees only real changes).
    Returns how many files kept their times."""
    if not old.is_dir():
        return 0
    kept = 0
    for f in new.rglob("*"):
        o = old / f.relative_to(new)
        try:
            if not f.is_file() or not o.is_file():
                continue
            st = o.stat()
            if st.st_size == f.stat().st_size and filecmp.cmp(o, f, shallow=False):
                os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))
                kept += 1
        except OSError:
            continue
    return kept


def read_pages(folder: Path) -> dict[str, str]:
    """The hand-written pages of site_src/pages/ ({relative path: text})."""
    if not folder.is_dir():
        return {}
    return {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(folder.rglob("*.md"))}


def _excerpt(path: Path, lines: int = EXAMPLE_LINES) -> str:
    text = path.read_text(encoding="utf-8").splitlines()
    more = len(text) - lines
    return "\n".join(text[:lines]) + (f"\n…（其余 {more} 行略）" if more > 0 else "")


def api_examples(ps: PolicySet, docs: Path) -> dict[str, str]:
    """Excerpts of real API files for the API page: the index, one region, one parameter."""
    api = docs / API_DIR
    picks = ["index.json"]
    own = sorted({r for r, _, _ in ps.rules if r != "000000"})
    if own:
        picks.append(f"regions/{own[0]}.json")
    comparable = [p.id for p in ps.catalogue.parameters.values()
                  if p.comparable and any(k[1] == p.id for k in ps.rules)]
    if comparable:
        picks.append(f"parameters/{comparable[0]}.json")
    return {f"{API_DIR}/{rel}": _excerpt(api / rel) for rel in picks if (api / rel).is_file()}


BUILD_STEPS = ("JSON 接口与下载表格 API and tables", "生成页面 pages", "mkdocs")


def build_site(ps: PolicySet, *, out: Path, config_file: Path, as_of: str, site_url: str,
               commit: str | None, work: Path | None = None,
               parallel: bool | None = None,
               step: Callable[[str], None] | None = None) -> BuildResult:
    """Everything after a clean check. Raises SiteBuildError / ExportError / OSError;
    `out` is replaced only on success.

    With `work`, the docs tree mkdocs reads is kept there between builds and updated in
    place: files whose bytes did not change are not rewritten, files no longer
    generated are deleted. The site itself is still built into a fresh staging folder
    and swapped in whole; files of it identical to the previous site's keep their
    times. A failed build may leave `work` updated, never `out`.

    The download tables are written by a forked child while this process writes the
    JSON API and the pages (`publish.exporting`: by default when there are many values
    and more than one core), and mkdocs renders the pages in two processes
    (`mkdocs_build.build`: by default for many pages). Same files either way."""
    from policykit.publish.mkdocs import build, prune, sync_tree, write_docs
    from policykit.publish.tables import DOWNLOADS_DIR  # pandas: imported only to build

    started = time.monotonic()
    step = step or (lambda _name: None)  # told before each of BUILD_STEPS
    site_src = config_file.parent / "site_src"
    format_guide = config_file.parent / "docs" / "format.md"
    with tempfile.TemporaryDirectory(prefix="policykit-site-") as tmp:
        fresh = Path(tmp) / "docs"
        step(BUILD_STEPS[0])
        with exporting(ps, fresh, as_of, site_url, commit, parallel=parallel,
                       child_docs=BUILD_CHILD_DOCS) as written:

            def downloads() -> list[Download]:
                written()  # the tables child is done
                return [Download(p.relative_to(fresh).as_posix(), p.stat().st_size)
                        for p in sorted((fresh / DOWNLOADS_DIR).rglob("*")) if p.is_file()]

            inp = SiteInput(
                as_of=as_of, site_url=site_url, changes=ps.changes(),
                handwritten=read_pages(site_src / "pages"), rules=checks.RULES,
                codes=list(CODES.values()),
                format_guide=format_guide.read_text(encoding="utf-8")
                if format_guide.is_file() else None,
                downloads=downloads, api_examples=api_examples(ps, fresh))
            docs = fresh if work is None else work
            if work is not None:
                work.mkdir(parents=True, exist_ok=True)
                (work / WORK_MARK).touch()
            # Pages go to disk as they are generated (never all in memory at once), while
            # the tables child may still be writing the downloads.
            step(BUILD_STEPS[1])
            content = generate(ps, inp, docs)
            files = written()
        kept = write_docs(content, docs, site_src / "assets")
        if work is not None:
            kept += sync_tree(fresh, work)          # the API and downloads
            prune(work, [*kept, work / WORK_MARK])
        step(BUILD_STEPS[2])
        with atomic_output(out) as staging:
            log = build(content, config_file=config_file, docs_dir=docs, site_dir=staging,
                        site_url=site_url, parallel=parallel)
            if work is not None:
                keep_mtimes(staging, out)
    pages = sum(1 for p in content.files if p.endswith(".md"))
    return BuildResult(out, pages, files + len(content.files), time.monotonic() - started,
                       log.messages)


def _findings(root: Path, shown: str, result: LoadResult,
              args: argparse.Namespace) -> list[Diagnostic]:
    """The consistency findings: from the memo `check` keeps when it can serve
    (`policykit.check.memo`), else all rules run (and the memo is kept)."""
    from policykit.check.memo import Memo

    assert result.policyset is not None
    memo = None if args.no_cache else Memo.open(root, shown, shown)
    found = memo.findings(result) if memo is not None else None
    if found is None:
        found = checks.run(result.policyset, shown)
        if memo is not None:
            memo.save(result, found)
    return found


def run(args: argparse.Namespace) -> int:
    from policykit.cli.main import EXIT_DATA, EXIT_OK, UsageError, _root, emit, load_root
    from policykit.publish.mkdocs import SiteBuildError

    env: Mapping[str, str] = os.environ
    try:
        as_of = as_of_date(args.as_of, env)
        site_url = base_url_of(args.site_url or DEFAULT_SITE_URL)
    except ExportError as exc:
        raise UsageError(exc.zh, exc.en) from None
    config_file = Path(args.config)
    if not config_file.is_file():
        raise UsageError(f"找不到网站配置 {config_file}（请在项目根目录运行，或用 --config 指定）",
                         f"site configuration {config_file} not found (run from the project "
                         "root or pass --config)")
    root, shown = _root(args.root)
    out = Path(args.out)
    _check_out(out, root, config_file.parent, args.force)
    work = Path(args.work) if args.work else None
    if work is not None:
        _check_work(work, out, root, config_file.parent)
    result = load_root(root, shown, args)
    # Steps after loading, on a terminal: checks, then BUILD_STEPS (the bar is cleared
    # whenever something else is printed).
    bar = Progress("构建 building", 1 + len(BUILD_STEPS), show_progress(args.quiet))

    def step(name: str) -> None:
        bar.label = f"构建 building: {name}"
        bar.advance()

    diags = list(result.diagnostics)
    if result.policyset is not None and result.ok:
        bar.label = "构建 building: 一致性检查 checks"
        bar.advance(0)
        diags.extend(_findings(root, shown, result, args))
        bar.done()
    status = emit(diags, "text", args.strict, result.files)
    ps = result.policyset
    if ps is None or not result.ok or status != EXIT_OK:
        print("policykit: 数据有错误，未构建网站，原网站保持不变 "
              "(the data has errors; the site was not built and the previous one is untouched)",
              file=sys.stderr)
        return EXIT_DATA
    try:
        try:
            built = build_site(ps, out=out, config_file=config_file, as_of=as_of, step=step,
                               site_url=site_url, commit=data_commit(root, env), work=work)
        finally:
            bar.done()
    except SiteBuildError as exc:
        for m in exc.messages:
            print(f"mkdocs: {m}", file=sys.stderr)
        print(f"policykit: 网站构建失败，原网站保持不变：{exc.summary} "
              f"(site build failed; the previous site is untouched)", file=sys.stderr)
        return EXIT_DATA
    except ExportError as exc:
        print(f"policykit: {exc}", file=sys.stderr)
        return EXIT_DATA
    except OSError as exc:
        print(f"policykit: 无法写入 {out}：{exc.strerror or exc} (cannot write {out})",
              file=sys.stderr)
        return EXIT_DATA
    for m in built.messages:
        print(f"mkdocs: {m}", file=sys.stderr)
    print(f"已构建网站到 {built.out}：{built.pages} 个页面，共 {built.files} 个文件，"
          f"数据日期 {as_of}，用时 {built.seconds:.1f} 秒 "
          f"(built {built.pages} pages, {built.files} files into {built.out} in "
          f"{built.seconds:.1f} s, as of {as_of})", file=sys.stderr)
    return EXIT_OK
