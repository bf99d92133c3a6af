"""The one mkdocs-specific module: generated pages → docs tree → `mkdocs build --strict`.

Everything else (the pages, the nav, the data files) comes from `policykit.publish.site` as plain
text; moving to a successor of MkDocs means replacing this module only.

mkdocs runs in-process through its Python API with `strict=True`: every warning it logs
(broken link, missing anchor, bad config) aborts the build. Its log records are collected
and returned as plain messages; this module never prints.
"""

from __future__ import annotations

import filecmp
import logging
import os
import pickle
import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from policykit.errors import PolicykitError
from policykit.publish.api.export import API_DIR, DOWNLOADS_DIR
from policykit.publish.site import NavItem, SiteContent, WrittenFiles, write_if_changed
from policykit.util.fork import MIN_PAGES_TO_RENDER, Child, ChildGone, can_fork


class SiteBuildError(PolicykitError):
    """mkdocs refused to build; `messages` are its warnings and errors."""

    code = "E_SITE_BUILD"

    def __init__(self, summary: str, messages: Sequence[str]) -> None:
        super().__init__(f"网站构建失败，原网站保持不变：{summary}",
                         f"site build failed; the previous site is untouched: {summary}",
                         details=[f"mkdocs: {m}" for m in messages])
        self.summary = summary
        self.messages = tuple(messages)


@dataclass(frozen=True)
class BuildLog:
    messages: tuple[str, ...]          # WARNING and above (empty on a strict success)


def write_docs(content: SiteContent, docs_dir: Path, assets: Path | None) -> list[Path]:
    """Write the generated pages and data files, and copy the hand-written assets.

    A file already holding the same bytes is not rewritten (its mtime stays), so in a
    docs folder kept between builds (`policykit build --work`) only pages whose content
    changed are written. Returns every file this call is responsible for."""
    written: list[Path] = []
    files = content.files
    if isinstance(files, WrittenFiles) and files.folder == docs_dir:
        written += [docs_dir / rel for rel in files]     # written while generated
    else:
        for rel, text in files.items():
            target = docs_dir / rel
            write_if_changed(target, text.encode("utf-8"))
            written.append(target)
    if assets is not None and assets.is_dir():
        for src in sorted(assets.rglob("*")):
            if src.is_file():
                target = docs_dir / "assets" / src.relative_to(assets)
                write_if_changed(target, src.read_bytes())
                written.append(target)
    return written


def sync_tree(src: Path, dst: Path) -> list[Path]:
    """Move the files of `src` into `dst`, leaving alone those `dst` already holds with
    the same bytes (their mtimes stay). Returns the files of `dst` that came from `src`."""
    out: list[Path] = []
    for f in sorted(src.rglob("*")):
        if not f.is_file():
            continue
        target = dst / f.relative_to(src)
        try:
            same = filecmp.cmp(target, f, shallow=False)    # 8 KB at a time
        except OSError:
            same = False
        if not same:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(f, target)
        out.append(target)
    return out


def prune(folder: Path, keep: Iterable[Path]) -> int:
    """Delete the files (and then empty folders) of `folder` not in `keep`."""
    wanted = {p.resolve() for p in keep}
    removed = 0
    for f in sorted(folder.rglob("*"), reverse=True):
        if f.is_file() and f.resolve() not in wanted:
            f.unlink()
            removed += 1
        elif f.is_dir() and not any(f.iterdir()):
            f.rmdir()
    return removed


def mkdocs_nav(items: Sequence[NavItem]) -> list[Any]:
    out: list[Any] = []
    for item in items:
        if item.children:
            out.append({item.title: mkdocs_nav(item.children)})
        else:
            out.append({item.title: item.path})
    return out


_BLOCK_SPLIT = re.compile(r"\n{2,}")
_BLOCK_TAG = re.compile(r"<(?:div|p|ul|ol|details|form|script|table|section)[\s>]")
_RAW_SLOT = re.compile(r"<!--pk-raw-(\d+)-->")
_ANCHOR = re.compile(r'<[a-zA-Z][^>]*?\sid="([^"]*)"|<a\s[^>]*?\bname="([^"]*)"')
#: An excluded block as `policykit.publish.site` writes it (a <section>, none nested).
_UNSEARCHED = re.compile(r'<section(?: [^>]*)? data-search-exclude="true"[^>]*>')
#: HTML blocks longer than this bypass Python-Markdown (see _scale_plugin).
RAW_MIN = 100


# Data folders of the docs tree whose files the site links to rather than copies. Only
# `sync_tree` (os.replace) and `prune` (unlink) change files there, so a file of a
# published site is never rewritten through its link by a later build with `--work`.
LINKED_DIRS = (f"{API_DIR}/", f"{DOWNLOADS_DIR}/")


def _linked_file() -> Any:
    """mkdocs' File, with `copy_file` making a hard link (a copy across file systems)."""
    from mkdocs.structure.files import File

    class LinkedFile(File):
        def copy_file(self, dirty: bool = False) -> None:
            src, dest = self.abs_src_path, self.abs_dest_path
            if src is None or dirty:
                super().copy_file(dirty)
                return
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            if os.path.lexists(dest):
                os.unlink(dest)
            try:
                os.link(src, dest)
            except OSError:  # another file system, or no hard links there
                super().copy_file(dirty)

    return LinkedFile


def _scale_plugin() -> Any:
    """An in-process mkdocs plugin for sites of thousands of generated pages.

    1. Long raw-HTML blocks (the generator's tables, lists and charts) are set aside
       before Markdown runs and put back verbatim afterwards. Python-Markdown would
       output them verbatim too (raw HTML is not Markdown-processed, and mkdocs does
       not rewrite links in it), but only after tokenising every tag twice (md_in_html
       and mkdocs' anchor collector), which was most of mkdocs' time at 3,000 regions.
       The ids in them are still registered for mkdocs' anchor validation. Headings
       stay Markdown (toc, attr_list).
    2. The search plugin tokenises every page's HTML to find what to index. It is
       shown the page without the blocks `site.unsearched` wrapped in
       `<section data-search-exclude="true">`, which it would skip whole anyway; the
       template then renders the full page.
    3. mkdocs renders every page before it writes any (so navigation is consistent);
       holding 5,000 pages of HTML as str cost gigabytes. Between rendering and
       writing each page's HTML is kept zlib-compressed, and it is dropped once the
       page is written.
    4. The JSON API and the downloads (over a GB at 3,000 regions) are hard-linked into
       the site instead of copied, where the file system allows (`_linked_file`).
    """
    from mkdocs.plugins import BasePlugin, event_priority

    linked = _linked_file()

    class Scale(BasePlugin):  # type: ignore[type-arg,no-untyped-call]
        def __init__(self) -> None:
            self._raw: dict[str, list[str]] = {}
            self._packed: dict[str, tuple[bytes, bytes | None]] = {}
            self._full: str | None = None

        # After every other plugin changed the Markdown.
        @event_priority(-100)
        def on_page_markdown(self, markdown: str, /, *, page: Any, config: Any,
                             files: Any) -> str:
            raw: list[str] = []
            blocks = _BLOCK_SPLIT.split(markdown)
            for i, block in enumerate(blocks):
                if len(block) >= RAW_MIN and _BLOCK_TAG.match(block) \
                        and "<!--pk-raw-" not in block:
                    blocks[i] = f"<!--pk-raw-{len(raw)}-->"
                    raw.append(block)
            if not raw:
                return markdown
            self._raw[page.file.src_uri] = raw
            return "\n\n".join(blocks)

        def on_files(self, files: Any, /, *, config: Any) -> Any:
            for f in files:
                if f.src_uri.startswith(LINKED_DIRS) and not f.is_documentation_page():
                    f.__class__ = linked
            return files

        # Before any other plugin sees the HTML.
        @event_priority(100)
        def on_page_content(self, html: str, /, *, page: Any, config: Any,
                            files: Any) -> str:
            key = page.file.src_uri
            raw = self._raw.pop(key, None)
            search: str | None = None
            if raw is not None:
                if page.present_anchor_ids is not None:
                    for block in raw:
                        page.present_anchor_ids.update(
                            a or b for a, b in _ANCHOR.findall(block))
                search = _RAW_SLOT.sub(
                    lambda m: "" if _unsearched(raw[int(m.group(1))]) else raw[int(m.group(1))],
                    html)
                html = _RAW_SLOT.sub(lambda m: raw[int(m.group(1))], html)
            page.markdown = None            # not needed after rendering
            self._packed[key] = (
                zlib.compress(html.encode("utf-8"), 1),
                None if search is None else zlib.compress(search.encode("utf-8"), 1))
            return ""

        # First: the search plugin reads page.content next.
        @event_priority(100)
        def on_page_context(self, context: Any, /, *, page: Any, config: Any,
                            nav: Any) -> Any:
            packed = self._packed.pop(page.file.src_uri, None)
            if packed is None:
                return context
            full, search = packed
            self._full = zlib.decompress(full).decode("utf-8")
            page.content = self._full if search is None else zlib.decompress(search).decode()
            return context

        # Last: the template renders the whole page.
        @event_priority(-100)
        def _restore(self, context: Any, /, *, page: Any, config: Any, nav: Any) -> Any:
            if self._full is not None:
                page.content, self._full = self._full, None
            return context

        @event_priority(-100)
        def on_post_page(self, output: str, /, *, page: Any, config: Any) -> str:
            page.content = None
            return output

    return Scale()


def _unsearched(block: str) -> bool:
    return (_UNSEARCHED.match(block) is not None and block.endswith("</section>")
            and block.count("<section") == 1)


class _Split:
    """mkdocs renders the pages one by one after reading them all (`_build_page`: the
    theme template, the search plugin's entries, the file write). With a `_Split`, a
    child forked at the first page renders every other page while this process renders
    the rest; the child then sends back its pages' search entries and any warnings it
    logged, which `join` (before the search index is written) puts in page order and
    logs here, so the site, its search index and strict mode are as in one process.
    """

    def __init__(self, collect: _Collect) -> None:
        self.collect = collect
        self.order: dict[int, int] = {}         # id(page) → position
        self.mine = 0                            # 0: this process, 1: the child
        self.last = -1                           # the child's last page
        self.entries: dict[int, list[Any]] = {}  # position → search entries
        self.child: Child | None = None         # both processes hold it after the fork
        self.logged = 0                          # messages logged before the fork
        self.search: Any = None

    def wrap(self, build_page: Any, plugins: Any) -> Any:
        # The plugin, not its index: the plugin makes its index when the build starts.
        self.search = plugins.get("material/search") or plugins.get("search")

        def wrapped(page: Any, config: Any, doc_files: Any, *args: Any, **kwargs: Any) -> None:
            if not self.order:
                self._fork([f.page for f in doc_files])
            i = self.order[id(page)]
            if i % 2 != self.mine:
                return
            before = len(self.search.search_index.entries) if self.search is not None else 0
            try:
                build_page(page, config, doc_files, *args, **kwargs)
            except BaseException as exc:
                if self.mine:
                    self._send(("error", f"{type(exc).__name__}: {exc}"))
                raise
            if self.search is not None:
                self.entries[i] = self.search.search_index.entries[before:]
            if self.mine and i == self.last:
                self._send(("ok", self.entries, self.collect.messages[self.logged:]))

        return wrapped

    def _fork(self, pages: list[Any]) -> None:
        self.order = {id(page): i for i, page in enumerate(pages)}
        self.last = len(pages) - 1 if len(pages) % 2 == 0 else len(pages) - 2
        self.logged = len(self.collect.messages)
        self.child = Child.start()
        if self.child.in_child:
            self.mine = 1
            if self.last < 0:
                self._send(("ok", {}, []))

    def _send(self, message: tuple[Any, ...]) -> None:
        """The child's last act."""
        assert self.child is not None
        code = 0
        try:
            self.child.send(message)
        except BaseException:
            code = 1
        finally:
            self.child.exit(code)

    @property
    def running(self) -> bool:
        """A child was started and not yet joined (seen from the parent)."""
        return self.child is not None and not self.child.in_child and self.child.code is None

    def stop(self) -> None:
        """When the build ended before `join` (it failed): the parent kills the child;
        the child, failing outside a page, ends (it must not go on as the parent)."""
        if self.child is None:
            return
        if self.child.in_child:
            self.child.exit(1)
        self.child.kill()

    def join(self) -> None:
        """Wait for the child; its warnings are logged here, its search entries put in
        page order. Raises mkdocs' Abort if it failed."""
        from mkdocs.exceptions import Abort

        if not self.running:
            return
        assert self.child is not None
        try:
            message = self.child.receive()
        except (ChildGone, OSError, pickle.UnpicklingError):  # died mid-message too
            message = ("error", "the page-rendering child process died")
        self.child.join()
        if message[0] == "error":
            raise Abort(f"Rendering pages failed: {message[1]}")
        _, entries, warnings = message
        log = logging.getLogger("mkdocs")
        for line in warnings:
            level, _, text = line.partition(": ")
            log.log(logging.getLevelName(level), text)
        if self.search is not None:
            self.entries.update(entries)
            self.search.search_index.entries = [e for i in sorted(self.entries)
                                                for e in self.entries[i]]


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(f"{record.levelname}: {record.getMessage()}")


def build(content: SiteContent, *, config_file: Path, docs_dir: Path, site_dir: Path,
          site_url: str, parallel: bool | None = None) -> BuildLog:
    """Run mkdocs-material on an already written docs tree into `site_dir` (strict).
    `parallel`: render the pages in two processes (`_Split`; default: for many pages
    on more than one core). The same site either way."""
    from jinja2 import TemplateError
    from mkdocs.commands import build as mk_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError
    from mkdocs.plugins import event_priority

    logger = logging.getLogger("mkdocs")
    collect = _Collect()
    old_propagate, old_level = logger.propagate, logger.level
    logger.addHandler(collect)
    logger.propagate = False        # keep mkdocs' own output off the CLI's streams
    logger.setLevel(logging.INFO)
    try:
        cfg = load_config(
            config_file=str(config_file), docs_dir=str(docs_dir), site_dir=str(site_dir),
            site_url=site_url, nav=mkdocs_nav(content.nav), strict=True,
        )
        scale = _scale_plugin()
        cfg.plugins["policykit-scale"] = scale
        cfg.plugins._register_event("page_context", scale._restore, "policykit-scale")
        # jieba (imported by the search plugin) logs its dictionary loading to stderr.
        logging.getLogger("jieba").setLevel(logging.WARNING)
        if parallel is None:
            parallel = (sum(1 for p in content.files if p.endswith(".md")) >= MIN_PAGES_TO_RENDER
                        and can_fork())
        # A private mkdocs function: one read, and without it the pages render in one process.
        original: Any = getattr(mk_build, "_build_page", None)
        split = _Split(collect) if parallel and original is not None else None
        if split is not None:
            mk_build._build_page = split.wrap(original, cfg.plugins)

            @event_priority(100)  # before the search plugin writes its index
            def join(*, config: Any) -> None:
                split.join()

            cfg.plugins._register_event("post_build", join, "policykit-scale")
        cfg.plugins.on_startup(command="build", dirty=False)
        try:
            mk_build.build(cfg)
        finally:
            if split is not None:
                mk_build._build_page = original
                split.stop()  # the build failed before join, else a no-op
            cfg.plugins.on_shutdown()
    except (Abort, ConfigurationError, TemplateError) as exc:
        raise SiteBuildError(str(exc), collect.messages) from exc
    finally:
        logger.removeHandler(collect)
        logger.propagate = old_propagate
        logger.setLevel(old_level)
    return BuildLog(tuple(collect.messages))
