"""The one mkdocs-specific module: generated pages → docs tree → `mkdocs build --strict`.

Everything else (the pages, the nav, the data files) comes from `policykit.site` as plain
text; moving to a successor of MkDocs means replacing this module only.

mkdocs runs in-process through its Python API with `strict=True`: every warning it logs
(broken link, missing anchor, bad config) aborts the build. Its log records are collected
and returned as plain messages; this module never prints.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .site import NavItem, SiteContent


class SiteBuildError(Exception):
    """mkdocs refused to build; `messages` are its warnings and errors."""

    def __init__(self, summary: str, messages: Sequence[str]) -> None:
        self.summary = summary
        self.messages = tuple(messages)
        super().__init__(summary)


@dataclass(frozen=True)
class BuildLog:
    messages: tuple[str, ...]          # WARNING and above (empty on a strict success)


def write_docs(content: SiteContent, docs_dir: Path, assets: Path | None) -> None:
    """Write the generated pages and data files, and copy the hand-written assets."""
    for rel, text in content.files.items():
        target = docs_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    if assets is not None and assets.is_dir():
        shutil.copytree(assets, docs_dir / "assets", dirs_exist_ok=True)


def mkdocs_nav(items: Sequence[NavItem]) -> list[Any]:
    out: list[Any] = []
    for item in items:
        if item.children:
            out.append({item.title: mkdocs_nav(item.children)})
        else:
            out.append({item.title: item.path})
    return out


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(f"{record.levelname}: {record.getMessage()}")


def build(content: SiteContent, *, config_file: Path, docs_dir: Path, site_dir: Path,
          site_url: str) -> BuildLog:
    """Run mkdocs-material on an already written docs tree into `site_dir` (strict)."""
    from mkdocs.commands import build as mk_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

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
        # jieba (imported by the search plugin) logs its dictionary loading to stderr.
        logging.getLogger("jieba").setLevel(logging.WARNING)
        cfg.plugins.on_startup(command="build", dirty=False)
        try:
            mk_build.build(cfg)
        finally:
            cfg.plugins.on_shutdown()
    except (Abort, ConfigurationError) as exc:
        raise SiteBuildError(str(exc), collect.messages) from exc
    finally:
        logger.removeHandler(collect)
        logger.propagate = old_propagate
        logger.setLevel(old_level)
    return BuildLog(tuple(collect.messages))
