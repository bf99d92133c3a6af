"""Write a whole output folder or nothing: stage beside the target, then swap it in.

    with atomic_output(Path("site")) as staging:
        write_everything_into(staging)
    # site/ is now the new tree; had writing raised, site/ would be untouched

The staging folder lives in the target's parent (`.site.staging-<pid>`) so both
renames stay on one file system. The swap renames the old tree away, renames the
new one in and only then deletes the old one; if the second rename fails the old
tree is put back. Readers see the old tree or the new one, never a half-written
mix (there is a moment with no tree at all, between the two renames).

The deterministic JSON bytes every exporter writes are in `util.jsonio`.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _sibling(target: Path, tag: str) -> Path:
    return target.parent / f".{target.name}.{tag}-{os.getpid()}"


@contextmanager
def atomic_output(target: Path | str) -> Iterator[Path]:
    """Yield an empty staging folder; on a clean exit it replaces `target`.

    On any exception the staging folder is removed and `target` is left exactly
    as it was; the exception propagates.
    """
    target = Path(target)
    if target.exists() and not target.is_dir():
        raise NotADirectoryError(f"{target} exists and is not a folder")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = _sibling(target, "staging")
    if staging.exists():  # left behind by a killed run that had our pid
        shutil.rmtree(staging)
    staging.mkdir()
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _swap(staging, target)


def _swap(staging: Path, target: Path) -> None:
    old = _sibling(target, "old")
    if old.exists():
        shutil.rmtree(old)
    had_old = target.exists()
    if had_old:
        os.replace(target, old)
    try:
        os.replace(staging, target)
    except BaseException:
        if had_old:
            os.replace(old, target)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if had_old:
        shutil.rmtree(old, ignore_errors=True)
