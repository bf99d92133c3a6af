"""The two sides of a diff: a policy folder, or a git revision of one, loaded.

A side names a folder when such a folder exists, else a git revision (read with
`policykit.vcs`, the work tree untouched). The revision's temporary copy lives while
the side is open, because changes look up line numbers in its files.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import policykit.vcs as vcs
from policykit.diagnostics import Diagnostic
from policykit.diff.view import SideInfo
from policykit.loader.build import LoadResult
from policykit.model.policyset import PolicySet

# load(folder, shown name, use the content cache) -> what the loader found
Loader = Callable[[Path, str, bool], LoadResult]


@dataclass
class Loaded:
    info: SideInfo
    ps: PolicySet | None
    display: str
    diagnostics: list[Diagnostic]

    @property
    def ok(self) -> bool:
        return self.ps is not None and not any(d.severity == "error" for d in self.diagnostics)


@contextmanager
def open_side(spec: str, policy_folder: str, load: Loader) -> Iterator[Loaded]:
    """Load `spec`, a folder or a revision (of its `policy_folder`), with `load`."""
    path = Path(spec)
    if path.is_dir():
        shown = spec.rstrip("/") or "."
        result = load(path, shown, True)
        yield Loaded(SideInfo(spec, "folder", path=shown),
                     result.policyset, shown, result.diagnostics)
        return
    rev = vcs.resolve(spec, policy_folder)
    with vcs.checkout(rev) as tmp:
        # The content cache keeps one pack per folder path: a temporary copy's would
        # never be read again.
        result = load(tmp, rev.display, False)
        yield Loaded(SideInfo(spec, "revision", commit=rev.commit, path=rev.display),
                     result.policyset, rev.display, result.diagnostics)
