"""A policy folder checked: the loader's diagnostics and every rule's findings, from
the memo of the last check when it can answer (`policykit.check.memo`).

`check_tree` is what `policykit check` does; `findings` is what `policykit build`
asks about a set it has already loaded in full.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from policykit.check import run as checks
from policykit.check.memo import Memo
from policykit.diagnostics import Diagnostic
from policykit.loader.build import LoadResult, load_tree
from policykit.model.days import today
from policykit.model.timeline import DEFAULT_STALE_YEARS
from policykit.util.progress import Progress


@dataclass(frozen=True)
class TreeCheck:
    diagnostics: list[Diagnostic]
    files: int  # how many files the diagnostics cover


def check_tree(root: Path, shown: str | None = None, display: str | None = None, *,
               use_memo: bool = True, sources: Path | None = None, progress: bool = False,
               load: Callable[[], LoadResult] | None = None,
               gc_freeze: bool = False, day: str | None = None,
               stale_years: int = DEFAULT_STALE_YEARS) -> TreeCheck:
    """Load and check `root`. `shown`: how the loader names the folder in messages
    (default: as given); `display`: how the rules name it (default: `shown`).

    With `use_memo` (and no `sources`: the archive is not in the memo) the memo of
    the last check answers when nothing relevant changed, and only what an edit can
    change is checked again; a full check keeps a memo for the next. `load` loads
    the folder in full when needed (default: `load_tree` with the content cache
    when `use_memo`). `gc_freeze`: freeze what the memo's partial load keeps, as
    `load_tree` does (only for a process that ends with the check). `day`: the
    check's day (default today) and `stale_years` its staleness horizon (`checks.run`)."""
    shown = str(root) if shown is None else shown
    display = shown if display is None else display
    day = day or today()
    memo = (Memo.open(root, shown, display, day, stale_years)
            if use_memo and sources is None else None)
    if memo is not None:
        again = memo.recheck(progress=progress, gc_freeze=gc_freeze)
        if again is not None:
            return TreeCheck(again[0], again[1])
    result = (load or (lambda: load_tree(root, shown, cache=use_memo, progress=progress)))()
    diags = list(result.diagnostics)
    if result.policyset is not None:
        diags.extend(checks.run(result.policyset, display, sources, day=day,
                                stale_years=stale_years))
    if memo is not None:
        memo.save(result, diags)
    return TreeCheck(diags, result.files)


def findings(result: LoadResult, root: Path, shown: str, *, use_memo: bool = True,
             progress: bool = False, day: str | None = None,
             stale_years: int = DEFAULT_STALE_YEARS) -> list[Diagnostic]:
    """The rules' findings on a set loaded in full without errors, on `day` (default
    today): from the memo when it can serve, else every rule runs (and the memo is kept)."""
    day = day or today()
    assert result.policyset is not None
    bar = Progress("一致性检查 checking", 1, progress)
    bar.advance(0)
    try:
        memo = Memo.open(root, shown, shown, day, stale_years) if use_memo else None
        found = memo.findings(result) if memo is not None else None
        if found is None:
            found = checks.run(result.policyset, shown, day=day, stale_years=stale_years)
            if memo is not None:
                memo.save(result, found)
        return found
    finally:
        bar.done()
