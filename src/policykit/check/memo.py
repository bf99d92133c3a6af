"""Warm `check`: after an edit, check again only what the edit can change.

A full `check` leaves a memo beside the content cache (one per policy folder): the
sha256 of every file, every region file's header (code, level, parent, pooling
region) and every finding. The next `check` hashes the files and compares:

* nothing changed: the memo's findings are the answer;
* only region files changed, and no region's header: the edited regions, and every
  region that inherits from one of them (its chain holds an edited region, before or
  after the edit), are checked again. Only those regions, the regions they inherit
  from, the edited files, the catalogue and the sources are loaded; every finding in
  the other files is the memo's. A file's findings depend only on its own bytes and
  its region's chain (the loader's checks of a region file look at its parent and
  pooling region; the rules walk a region's own values and what it inherits:
  `checks.run_regions`), which is why this gives what a full run gives. An edited
  file may have problems: a file that no longer loads takes its region out (the
  regions under it are not blamed for it: such files are always read again, so the
  loader knows the region exists, unreadable), one that loads again brings it back. The tests compare with a full check after many kinds of edits;
* anything else (the catalogue, the sources, a file added, removed or renamed, a
  region's code, level, parent or pooling region, two files of one region, different
  code or options), or an edit that most regions inherit from (the nation's file): a
  full check.

The memo is an accelerator like the content cache: stored with a salt made of the
content cache's salt, a digest of policykit's own code, the paths shown in messages,
and the check's day and staleness horizon (the rules on ages, R27–R29, depend on them:
a memo of another day is not used, so the first check of a day runs in full); a corrupt or foreign memo is ignored; any error reading or writing it is
silent. `--no-cache`, `--exact` and `--sources` always run in full.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from policykit.check import run as checks
from policykit.diagnostics import Diagnostic, shown_path
from policykit.loader import cache as filecache
from policykit.loader.build import KINDS, LoadResult, discover, load_file, load_tree
from policykit.loader.registry import FILE as REGISTRY_FILE
from policykit.model.days import today
from policykit.model.entities import code_str
from policykit.model.policyset import inheritance_chain
from policykit.model.timeline import DEFAULT_STALE_YEARS

_KEY = "memo"


@dataclass(frozen=True)
class Header:
    """What other regions' findings depend on in a region file besides its values."""

    code: str
    level: str
    parent: str | None
    pooling_region: str | None

    def plain(self) -> list[str | None]:
        return [self.code, self.level, self.parent, self.pooling_region]

    @staticmethod
    def of(data: dict[str, Any]) -> Header:
        raw = data["region"]
        return Header(code_str(raw["code"]), raw["level"],
                      None if raw.get("parent") is None else code_str(raw["parent"]),
                      None if raw.get("pooling_region") is None
                      else code_str(raw["pooling_region"]))


def _salt(shown: str, display: str, day: str, stale_years: int, root: Path) -> bytes:
    h = hashlib.sha256(filecache.salt())
    package = Path(__file__).parent.parent
    for path in sorted(package.rglob("*.py")):
        h.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    h.update(f"\0{shown}\0{display}\0{day}\0{stale_years}".encode())
    # The division registry is not a YAML file the memo hashes, but every region file is
    # checked against it: any change to it (or its coming or going) means a full check.
    try:
        h.update(b"\0registry\0" + (root / REGISTRY_FILE).read_bytes())
    except OSError:
        h.update(b"\0no registry")
    return h.digest()


@dataclass
class Memo:
    """The memo of one policy folder; `path` None when the cache is off."""

    root: Path
    shown: str  # how the loader names files in messages
    display: str  # how the checks name them
    path: Path | None
    day: str  # the check's day and staleness horizon (`checks.run`)
    stale_years: int

    @classmethod
    def open(cls, root: Path, shown: str, display: str, day: str | None = None,
             stale_years: int = DEFAULT_STALE_YEARS) -> Memo:
        day = day or today()
        directory = filecache.cache_dir()
        if directory is None:
            return cls(root, shown, display, None, day, stale_years)
        name = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:32]
        return cls(root, shown, display, directory / f"{name}.check", day, stale_years)

    def _key(self) -> bytes:
        return _salt(self.shown, self.display, self.day, self.stale_years, self.root)

    def _read(self) -> dict[str, Any] | None:
        if self.path is None:
            return None
        blob = filecache.read_entries(self.path, self._key()).get(_KEY)
        try:
            memo = orjson.loads(blob) if blob is not None else None
        except orjson.JSONDecodeError:
            return None
        return memo if isinstance(memo, dict) else None

    def save(self, result: LoadResult, diags: list[Diagnostic]) -> None:
        """Keep a full run's outcome (`diags`: the loader's and the rules'), when it can
        serve the next run: every file read with its digest, no rule that failed."""
        ps = result.policyset
        if (self.path is None or ps is None or len(result.digests) != result.files
                or any(d.code == "E_CHECK_FAILED" for d in diags)):
            return
        by_file = {r.file: r for r in ps.regions.values()}
        headers: dict[str, Header | None] = {}
        for rel in result.digests:
            if KINDS.get(Path(rel).name) == "region":  # None: the file gave no region
                r = by_file.get(rel)
                headers[rel] = None if r is None else Header(r.code, r.level, r.parent,
                                                             r.pooling_region)
        self._write(result.digests, headers, diags)

    def _write(self, digests: dict[str, str], headers: dict[str, Header | None],
               diags: list[Diagnostic]) -> None:
        assert self.path is not None
        blob = orjson.dumps({"files": digests,
                             "regions": {rel: None if h is None else h.plain()
                                         for rel, h in headers.items()},
                             "diags": [d.to_json() for d in diags]},
                            option=orjson.OPT_SORT_KEYS)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            filecache.write_entries(self.path, self._key(), {_KEY: blob})
        except OSError:
            pass  # an unwritable cache only costs speed

    def recheck(self, progress: bool = False,
                gc_freeze: bool = False) -> tuple[list[Diagnostic], int] | None:
        """The findings of a full `check` and the number of files, from the memo and
        a check of what changed; None when a full check is needed. `gc_freeze`: as
        for `load_tree` (only for a process that ends with the command)."""
        memo = self._read()
        if memo is None:
            return None
        rels, problems = discover(self.root, self.shown)
        if problems or sorted(rels) != sorted(memo["files"]):
            return None
        digests: dict[str, str] = {}
        for rel in rels:
            try:
                digests[rel] = filecache.digest((self.root / rel).read_bytes())
            except OSError:
                return None

        def header(rel: str) -> Header | None:
            fr = load_file(self.root, rel, self.shown)
            return None if fr.diagnostics or fr.data is None else Header.of(fr.data)

        plan = _Plan.of(memo, digests, header)
        if plan is None:
            return None
        if not plan.files_again:
            return plan.old, len(rels)
        # Region files that do not load are read too (they are few): the loader then
        # knows their regions exist, unreadable, and blames no child for its parent.
        only = frozenset(rel for rel in rels if rel in plan.changed or rel not in plan.headers
                         or (h := plan.headers[rel]) is None or h.code in plan.needed)
        result = load_tree(self.root, self.shown, cache=True, progress=progress,
                           gc_freeze=gc_freeze, only=only)
        if result.policyset is None:
            return None
        return self._finish(plan, digests, result), len(rels)

    def findings(self, result: LoadResult) -> list[Diagnostic] | None:
        """What `checks.run` finds on this fully loaded, problem-free set, from the memo
        and a check of the regions an edit can change; None when the memo cannot tell."""
        memo = self._read()
        ps = result.policyset
        if (memo is None or ps is None or result.diagnostics
                or sorted(result.digests) != sorted(memo["files"])):
            return None
        by_file = {r.file: r for r in ps.regions.values()}

        def header(rel: str) -> Header | None:
            r = by_file.get(rel)
            return None if r is None else Header(r.code, r.level, r.parent, r.pooling_region)

        plan = _Plan.of(memo, result.digests, header)
        if plan is None:
            return None
        if not plan.files_again:
            return plan.old
        return self._finish(plan, result.digests, result)  # the rules' only: none loaded

    def _finish(self, plan: _Plan, digests: dict[str, str], result: LoadResult,
                ) -> list[Diagnostic]:
        """Check the regions again (the loader's findings in their files and the
        rules'), keep the memo's findings in the other files, remember the result."""
        assert result.policyset is not None
        shown = {shown_path(self.display, rel) for rel in plan.files_again}
        loaded = {shown_path(self.shown, rel) for rel in plan.files_again}
        fresh = [d for d in result.diagnostics if d.file in loaded]
        fresh += checks.run_regions(result.policyset, self.display, plan.again, self.day,
                                    self.stale_years)
        diags = [d for d in plan.old if d.file not in shown | loaded] + fresh
        if not any(d.code == "E_CHECK_FAILED" for d in fresh):
            self._write(digests, plan.headers, diags)
        return diags


@dataclass(frozen=True)
class _Plan:
    """What an edit changes: the memo's findings; the region files' headers after the
    edit (None: the file gives no region); the regions to check again (the edited ones
    and those inheriting from them), with every region they inherit from; the files
    whose findings are found again (theirs and the edited files)."""

    old: list[Diagnostic]
    headers: dict[str, Header | None]
    changed: frozenset[str]
    again: frozenset[str]
    needed: frozenset[str]
    files_again: frozenset[str]

    @staticmethod
    def of(memo: dict[str, Any], digests: dict[str, str],
           header: Callable[[str], Header | None]) -> _Plan | None:
        """None when only a full check can tell (see the module's docstring)."""
        old = [Diagnostic(**d) for d in memo["diags"]]
        before = {rel: None if h is None else Header(*h) for rel, h in memo["regions"].items()}
        changed = frozenset(rel for rel in digests if digests[rel] != memo["files"].get(rel))
        if not changed:
            return _Plan(old, before, changed, frozenset(), frozenset(), frozenset())
        after = dict(before)
        for rel in changed:
            if KINDS.get(Path(rel).name) != "region" or rel not in before:
                return None
            after[rel] = header(rel)
            if None not in (before[rel], after[rel]) and before[rel] != after[rel]:
                return None  # a region's code, level, parent or pooling region
        by_code: list[dict[str, Header]] = []
        for headers in (before, after):
            codes = {h.code: h for h in headers.values() if h is not None}
            if len(codes) != sum(h is not None for h in headers.values()):
                return None  # two files of one region
            by_code.append(codes)
        edited = {h.code for rel in changed for h in (before[rel], after[rel]) if h is not None}
        chains = [{code: inheritance_chain(code, codes) for code in codes} for codes in by_code]
        again = frozenset(code for code, chain in chains[1].items()
                          if edited.intersection(chain) or edited.intersection(
                              chains[0].get(code, ())))
        if len(again) > len(by_code[1]) // 2:
            return None  # most of the set (the nation's file): the full check is faster
        needed = frozenset(code for code in again for code in chains[1][code])
        files_again = changed | {rel for rel, h in after.items()
                                 if h is not None and h.code in again}
        return _Plan(old, after, changed, again, needed, files_again)
