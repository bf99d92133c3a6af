"""What goes into the site generator (`SiteInput`) and what comes out: the pages as
{docs-relative path: text} and the nav tree (`SiteContent`), kept on disk as they are made
(`WrittenFiles`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from policykit.model.changes import RuleChange
from policykit.model.timeline import DEFAULT_STALE_YEARS


@dataclass(frozen=True, slots=True)
class NavItem:
    title: str                       # already HTML-escaped
    path: str | None = None          # docs-relative page, e.g. regions/440000.md
    children: tuple[NavItem, ...] = ()


@dataclass(frozen=True, slots=True)
class Download:
    path: str                        # docs-relative, e.g. downloads/rules.csv
    size: int


@dataclass(frozen=True)
class SiteInput:
    as_of: str                                   # YYYY-MM-DD: "today" for the pages
    site_url: str                                # absolute, ending with /
    changes: Sequence[RuleChange]
    handwritten: Mapping[str, str] = field(default_factory=dict)   # site_src/pages
    rules: Sequence[Any] = ()                    # checks.RULES (id, severity, titles, rationale)
    codes: Sequence[Any] = ()                    # codes.CODES values
    format_guide: str | None = None              # docs/format.md
    # The download files, or a call giving them (waits until they are written).
    downloads: Sequence[Download] | Callable[[], Sequence[Download]] = ()
    api_examples: Mapping[str, str] = field(default_factory=dict)  # api path → excerpt
    # Carried forward longer than this: "可能已过时" (docs/format.md §3.3 rule 6).
    stale_years: int = DEFAULT_STALE_YEARS
    # The project's repository (https://github.com/OWNER/NAME): region pages link to its
    # issue forms; None: they show the `policykit new CODE` instructions instead.
    repo_url: str | None = None


@dataclass(frozen=True)
class SiteContent:
    files: Mapping[str, str]
    nav: tuple[NavItem, ...]


class WrittenFiles(MutableMapping[str, str]):
    """{docs-relative path: text} kept on disk, not in memory: each page is written
    under `folder` as it is generated (3,000 region pages are gigabytes as str).
    A file already holding the same bytes is not rewritten, so its mtime stays."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.sizes: dict[str, int] = {}            # path → bytes written

    def __setitem__(self, rel: str, text: str) -> None:
        data = text.encode("utf-8")
        write_if_changed(self.folder / rel, data)
        self.sizes[rel] = len(data)

    def __getitem__(self, rel: str) -> str:
        if rel not in self.sizes:
            raise KeyError(rel)
        return (self.folder / rel).read_text(encoding="utf-8")

    def __delitem__(self, rel: str) -> None:
        del self.sizes[rel]
        (self.folder / rel).unlink()

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self.sizes))

    def __len__(self) -> int:
        return len(self.sizes)

    def __contains__(self, rel: object) -> bool:
        return rel in self.sizes


def write_if_changed(target: Path, data: bytes) -> bool:
    """Write `data` to `target` unless it already holds exactly these bytes (then its
    mtime is kept). True if written."""
    try:
        if target.stat().st_size == len(data) and target.read_bytes() == data:
            return False
    except OSError:
        target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return True

