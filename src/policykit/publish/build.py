"""The public site: the JSON API, the downloads and the pages, built by mkdocs.

`build_site` takes a policy set that passed its checks and does the rest: write the
JSON API and the CSV/XLSX downloads into a fresh docs folder → generate the pages
(`policykit.publish.site`) with the hand-written pages and assets of
`site_src/` → `mkdocs build --strict` (`policykit.publish.mkdocs`) into a staging
folder beside the output, swapped in only when everything succeeded, so a failed
build leaves the previous site untouched.

With `work` the docs folder is kept between builds and updated in place (only
changed files are rewritten); see docs/site.md.
"""

from __future__ import annotations

import filecmp
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from policykit.check.registry import RULES
from policykit.codes import CODES
from policykit.model.policyset import PolicySet
from policykit.model.timeline import DEFAULT_STALE_YEARS
from policykit.publish.api.export import API_DIR
from policykit.publish.run import BUILD_CHILD_DOCS, exporting, writing
from policykit.publish.site import Download, SiteContent, SiteInput, generate
from policykit.util.atomic import atomic_output, temporary_folder
from policykit.util.progress import Progress

DEFAULT_SITE_URL = "http://127.0.0.1:8000/"     # what `nox -s serve` serves
EXAMPLE_LINES = 40

if TYPE_CHECKING:
    from policykit.publish.mkdocs import BuildLog  # mkdocs: imported only to build


@dataclass(frozen=True)
class BuildResult:
    out: Path
    pages: int
    files: int
    seconds: float
    messages: tuple[str, ...]


WORK_MARK = ".policykit-work"


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
               parallel: bool | None = None, progress: bool = False,
               stale_years: int = DEFAULT_STALE_YEARS,
               repo_url: str | None = None) -> BuildResult:
    """Everything after a clean check. Raises SiteBuildError (mkdocs refused) or
    ExportError (data that cannot be published, a file that cannot be written);
    `out` is replaced only on success. `progress`: a bar of BUILD_STEPS on stderr.

    With `work`, the docs tree mkdocs reads is kept there between builds and updated in
    place: files whose bytes did not change are not rewritten, files no longer
    generated are deleted. The site itself is still built into a fresh staging folder
    and swapped in whole; files of it identical to the previous site's keep their
    times. A failed build may leave `work` updated, never `out`.

    The download tables are written by a forked child while this process writes the
    JSON API and the pages (`publish.exporting`: by default when there are many values
    and more than one core), and mkdocs renders the pages in two processes
    (`mkdocs_build.build`: by default for many pages). Same files either way."""
    started = time.monotonic()
    bar = Progress("构建 building", len(BUILD_STEPS), progress)

    def step(name: str) -> None:
        bar.label = f"构建 building: {name}"
        bar.advance(0 if name == BUILD_STEPS[0] else 1)

    try:
        with writing(out):
            content, files, log = _build(ps, out, config_file, as_of, site_url, commit, work,
                                         parallel, step, stale_years, repo_url)
    finally:
        bar.done()
    pages = sum(1 for p in content.files if p.endswith(".md"))
    return BuildResult(out, pages, files + len(content.files), time.monotonic() - started,
                       log.messages)


def _build(ps: PolicySet, out: Path, config_file: Path, as_of: str, site_url: str,
           commit: str | None, work: Path | None, parallel: bool | None,
           step: Callable[[str], None],
           stale_years: int = DEFAULT_STALE_YEARS,
           repo_url: str | None = None) -> tuple[SiteContent, int, BuildLog]:
    from policykit.publish.mkdocs import build, prune, sync_tree, write_docs
    from policykit.publish.tables import DOWNLOADS_DIR  # pandas: imported only to build

    site_src = config_file.parent / "site_src"
    format_guide = config_file.parent / "docs" / "format.md"
    with temporary_folder() as tmp:
        fresh = tmp / "docs"
        step(BUILD_STEPS[0])
        with exporting(ps, fresh, as_of, site_url, commit, parallel=parallel,
                       child_docs=BUILD_CHILD_DOCS) as written:

            def downloads() -> list[Download]:
                written()  # the tables child is done
                return [Download(p.relative_to(fresh).as_posix(), p.stat().st_size)
                        for p in sorted((fresh / DOWNLOADS_DIR).rglob("*")) if p.is_file()]

            inp = SiteInput(
                as_of=as_of, site_url=site_url, changes=ps.changes(),
                handwritten=read_pages(site_src / "pages"), rules=RULES,
                codes=list(CODES.values()),
                format_guide=format_guide.read_text(encoding="utf-8")
                if format_guide.is_file() else None,
                downloads=downloads, api_examples=api_examples(ps, fresh),
                stale_years=stale_years, repo_url=repo_url)
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
    return content, files, log
