"""Discover policies/, load every file, build the PolicySet, collect every problem.

A file is read, parsed and schema-validated on its own (`load_file`, a pure
function of the file's bytes, so it can be cached and run in parallel); then
the cross-file references are checked while the model is built. No problem
stops the run: each file's diagnostics are collected and the next file loads.

At scale (`load_tree` on thousands of files): files whose bytes are in the
content cache (`filecache`) are not parsed again; the others are parsed and
validated in worker processes when there are many of them; the garbage
collector is paused while the model's millions of objects are created.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from policykit import codes
from policykit.diagnostics import Diagnostic, shown_path, sort_diagnostics
from policykit.errors import PolicykitError
from policykit.loader import cache as filecache
from policykit.loader import schema
from policykit.loader.yamlsrc import MAX_BYTES, lexical_problems, locate, parse_exact, parse_fast
from policykit.model.entities import (
    NATIONAL,
    VALUE_KINDS,
    Catalogue,
    Entry,
    Region,
    Source,
    catalogue_from_plain,
    code_str,
    entry_from_plain,
    first_day,
    region_from_plain,
    source_from_plain,
)
from policykit.model.policyset import PolicySet, RuleKey, breakdown_key
from policykit.util.progress import Progress

KINDS = {"region.yaml": "region", "sources.yaml": "sources", "catalogue.yaml": "catalogue"}
LEVEL_DEPTH = {"national": 0, "province": 1, "prefecture": 2, "county": 3}


@dataclass(frozen=True)
class FileResult:
    """One file's outcome: its valid plain data (or, from the cache or a worker, the
    same data as JSON bytes, decoded only when the model takes the file), or the
    diagnostics of its problems."""

    rel: str
    kind: str | None
    data: Any
    diagnostics: tuple[Diagnostic, ...] = ()
    blob: bytes | None = None

    def plain(self) -> Any:
        if self.data is None and self.blob is not None:
            return orjson.loads(self.blob)
        return self.data


@dataclass
class LoadResult:
    policyset: PolicySet | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: int = 0
    cached: int = 0  # files taken from the content cache instead of being parsed
    # sha256 of each file's bytes as read (with the cache on; for the check memo)
    digests: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not any(d.severity == "error" for d in self.diagnostics)


class LoadError(PolicykitError):
    """Raised by `policykit.load` when the data has errors; carries them all."""

    code = "E_LOAD"

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        first = diagnostics[0] if diagnostics else None
        where_zh = f"；第一个：{first.file}:{first.line}: {first.message_zh}" if first else ""
        where_en = f"; first: {first.file}:{first.line}: {first.message_en}" if first else ""
        super().__init__(f"政策数据有 {len(diagnostics)} 个问题{where_zh}",
                         f"{len(diagnostics)} problem(s) in the policy data{where_en}")
        self.diagnostics = diagnostics


def discover(root: Path, display: str) -> tuple[list[str], list[Diagnostic]]:
    """Every YAML file under root (relative paths, sorted) and symlink problems."""
    real_root = root.resolve()
    found: list[str] = []
    diags: list[Diagnostic] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames.sort()
        here = Path(dirpath)
        for name in sorted(filenames) + [d for d in dirnames if (here / d).is_symlink()]:
            if not name.endswith((".yaml", ".yml")) and not (here / name).is_symlink():
                continue
            path = here / name
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                target = path.resolve()
                if not target.is_relative_to(real_root):
                    diags.append(codes.make("E_SYMLINK", shown_path(display, rel), "",
                                            target=str(os.readlink(path))).at(1, 1))
                    continue
                if not target.is_file():
                    continue
            if name.endswith((".yaml", ".yml")):
                found.append(rel)
    return found, diags



def _located(diags: Iterable[Diagnostic], positions: dict[str, tuple[int, int]]) -> list[Diagnostic]:
    out = []
    for d in diags:
        if d.line:
            out.append(d)
        else:
            out.append(d.at(*locate(positions, d.pointer)))
    return out


def load_file(root: Path, rel: str, display: str = "", exact: bool = False) -> FileResult:
    """Read, parse and validate one file. `exact` forces the reference path."""
    return _load(root, rel, display, exact)[0]


def _load(root: Path, rel: str, display: str,
          exact: bool) -> tuple[FileResult, bytes | None]:
    """load_file, plus the raw bytes when the file could be read."""
    shown = shown_path(display, rel)
    kind = KINDS.get(Path(rel).name)
    if kind is None:
        return FileResult(rel, None, None,
                          (codes.make("E_FILE_KIND", shown, "", name=Path(rel).name).at(1, 1),)), None
    path = root / rel
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            return FileResult(rel, kind, None, (codes.make(
                "E_TOO_LARGE", shown, "", size=size, limit=MAX_BYTES).at(1, 1),)), None
        raw = path.read_bytes()
    except OSError as exc:
        return FileResult(rel, kind, None, (codes.make(
            "E_READ", shown, "", reason=exc.strerror or str(exc)).at(1, 1),)), None
    if raw.startswith(b"\xef\xbb\xbf"):
        return FileResult(rel, kind, None, (codes.make("E_BOM", shown, "").at(1, 1),)), raw
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return FileResult(rel, kind, None,
                          (codes.make("E_ENCODING", shown, "", byte=exc.start).at(line, col),)), raw
    if not exact:
        data = _fast_path(kind, text, shown)
        if data is not None:
            return FileResult(rel, kind, data), raw
    return _exact_path(rel, kind, text, shown), raw


def _fast_path(kind: str, text: str, shown: str) -> Any:
    if lexical_problems(text, shown):
        return None
    try:
        data = parse_fast(text)
    except Exception:  # any fast-path failure is re-diagnosed on the exact path
        return None
    if data is None or not schema.is_valid_fast(kind, data):
        return None
    return data


def _exact_path(rel: str, kind: str, text: str, shown: str) -> FileResult:
    parsed = parse_exact(text, shown)
    if parsed.diagnostics:
        return FileResult(rel, kind, None, tuple(parsed.diagnostics))
    diags = schema.diagnose(kind, parsed.data, shown)
    if not diags and parsed.data is not None:
        return FileResult(rel, kind, parsed.data)
    if parsed.data is None:
        diags = [d.at(1, 1) for d in diags]
    return FileResult(rel, kind, None, tuple(_located(diags, parsed.positions)))


# -- building the model -----------------------------------------------------------
class _Builder:
    def __init__(self, root: Path, display: str) -> None:
        self.root = root
        self.display = display
        self.diags: list[Diagnostic] = []
        self.catalogue: Catalogue | None = None
        self.regions: dict[str, Region] = {}
        self.sources: dict[str, Source] = {}
        self.rules: dict[RuleKey, list[Entry]] = {}
        self.rule_ptr: dict[RuleKey, tuple[str, str]] = {}
        self._positions: dict[str, dict[str, tuple[int, int]]] = {}

    def shown(self, rel: str) -> str:
        return shown_path(self.display, rel)

    def add(self, diag_code: str, rel: str, pointer: str, /, **params: object) -> None:
        self.diags.append(codes.make(diag_code, self.shown(rel), pointer, **params))

    def take(self, fr: FileResult, data: Any) -> None:
        """Add one file's contents; a region file's rules are built at once when the
        catalogue is known (files come catalogue first, then sources, then regions)."""
        if data is None:
            return
        if fr.kind == "catalogue":
            if self.catalogue is not None:
                self.add("E_DUPLICATE_SOURCE", fr.rel, "", source="catalogue.yaml",
                         other=self.catalogue.file)
                return
            self.catalogue = catalogue_from_plain(data, fr.rel)
        elif fr.kind == "sources":
            for i, raw in enumerate(data["sources"]):
                src = source_from_plain(raw, fr.rel)
                if src.id in self.sources:
                    self.add("E_DUPLICATE_SOURCE", fr.rel, f"/sources/{i}/id", source=src.id,
                             other=self.shown(self.sources[src.id].file))
                    continue
                self.sources[src.id] = src
        elif fr.kind == "region":
            region = region_from_plain(data["region"], fr.rel)
            if region.code in self.regions:
                self.add("E_DUPLICATE_REGION", fr.rel, "/region/code", code=region.code,
                         other=self.shown(self.regions[region.code].file))
                return
            self.regions[region.code] = region
            if self.catalogue is not None:
                self.build_file(self.catalogue, fr.rel, data)

    def check_catalogue(self, cat: Catalogue) -> None:
        areas = dict(cat.areas)
        schemes = dict(cat.schemes)
        for p in cat.parameters.values():
            ptr = f"/parameters/{p.id.replace('~', '~0').replace('/', '~1')}"
            if p.area not in areas:
                self.add("E_CATALOGUE_REF", cat.file, ptr + "/area", parameter=p.id,
                         what_zh="政策领域", what_en="area", name=p.area)
            if p.scheme not in schemes:
                self.add("E_CATALOGUE_REF", cat.file, ptr + "/scheme", parameter=p.id,
                         what_zh="险种", what_en="scheme", name=p.scheme)
            for d in p.dimensions:
                if d not in cat.dimensions:
                    self.add("E_CATALOGUE_REF", cat.file, ptr + "/dimensions", parameter=p.id,
                             what_zh="维度", what_en="dimension", name=d)

    def check_regions(self) -> None:
        for r in self.regions.values():
            base = "/region"
            if r.level == "national":
                if r.parent is not None:
                    self.add("E_REGION_HIERARCHY", r.file, base + "/parent", code=r.code,
                             problem_zh="全国没有上级地区", problem_en="the nation has no parent")
                continue
            if r.parent is None:
                if r.level != "province":  # provinces hang under the nation when it exists
                    self.add("E_REQUIRED", r.file, base, field="parent", where="/region ",
                             where_en="/region: ")
            elif r.parent not in self.regions:
                self.add("E_UNKNOWN_REGION", r.file, base + "/parent", field="parent",
                         code=r.parent)
            else:
                parent = self.regions[r.parent]
                if LEVEL_DEPTH[parent.level] >= LEVEL_DEPTH[r.level]:
                    self.add("E_REGION_HIERARCHY", r.file, base + "/level", code=r.code,
                             problem_zh=f"层级 {r.level} 不低于上级 {parent.code} 的层级 {parent.level}",
                             problem_en=f"level {r.level} is not below its parent's ({parent.level})")
            if r.pooling_region is not None and r.pooling_region not in self.regions:
                self.add("E_UNKNOWN_REGION", r.file, base + "/pooling_region",
                         field="pooling_region", code=r.pooling_region)

    def build_file(self, cat: Catalogue, rel: str, data: dict[str, Any]) -> None:
        code = code_str(data["region"]["code"])
        for i, rule in enumerate(data.get("rules", [])):
            self.build_rule(cat, rel, code, i, rule)

    def build_rule(self, cat: Catalogue, rel: str, code: str, i: int,
                   rule: dict[str, Any]) -> None:
        rptr = f"/rules/{i}"
        pid_raw = rule["parameter"]
        pid = cat.resolve_id(pid_raw)
        if pid is None:
            hz, he = codes.did_you_mean(pid_raw, list(cat.parameters))
            self.add("E_UNKNOWN_PARAMETER", rel, rptr + "/parameter", parameter=pid_raw,
                     hint_zh=hz, hint_en=he)
            return
        param = cat.parameters[pid]
        bk_raw: dict[str, str] = rule.get("breakdown", {})
        bad = False
        for dim, val in bk_raw.items():
            if dim not in param.dimensions:
                self.add("E_UNKNOWN_DIMENSION", rel, f"{rptr}/breakdown/{dim}", parameter=pid,
                         dimension=dim, allowed=", ".join(param.dimensions) or "（无 none）")
                bad = True
            elif val not in cat.dimensions[dim].value_ids():
                allowed = cat.dimensions[dim].value_ids()
                hz, he = codes.did_you_mean(val, allowed)
                self.add("E_UNKNOWN_DIMENSION_VALUE", rel, f"{rptr}/breakdown/{dim}",
                         dimension=dim, value=val, allowed=", ".join(allowed),
                         hint_zh=hz, hint_en=he)
                bad = True
        bk = breakdown_key(bk_raw)
        key = (code, pid, bk)
        if key in self.rules:
            orel, optr = self.rule_ptr[key]
            self.add("E_DUPLICATE_RULE", rel, rptr, parameter=pid,
                     breakdown=_bk_text(bk), other=f"{self.shown(orel)} {optr}")
            return
        entries: list[Entry] = []
        for j, raw in enumerate(rule["history"]):
            eptr = f"{rptr}/history/{j}"
            entry = entry_from_plain(code, pid, bk, raw, rel, eptr)
            bad |= self.check_entry(entry, param.type, rel, eptr)
            entries.append(entry)
        if not bad:
            self.rules[key] = entries
            self.rule_ptr[key] = (rel, rptr)

    def check_entry(self, e: Entry, ptype: str, rel: str, eptr: str) -> bool:
        bad = False
        if e.value.kind not in (ptype, "unknown"):
            self.add("E_VALUE_KIND", rel, f"{eptr}/{e.value.kind}", parameter=e.parameter,
                     expected=ptype, actual=e.value.kind)
            bad = True
        if e.source not in self.sources:
            hz, he = codes.did_you_mean(e.source, list(self.sources))
            self.add("E_UNKNOWN_SOURCE", rel, f"{eptr}/source", source=e.source,
                     hint_zh=hz, hint_en=he)
        if e.start is not None and e.end is not None and first_day(e.end) <= first_day(e.start):
            self.add("E_END_BEFORE_START", rel, f"{eptr}/end", start=e.start, end=e.end)
        elif e.observed is not None and e.end is not None and first_day(e.end) <= e.observed:
            self.add("E_END_BEFORE_START", rel, f"{eptr}/end", start=e.observed, end=e.end)
        if e.status == "repealed" and e.end is None:
            self.add("E_REPEALED_NO_END", rel, f"{eptr}/status")
        if e.status == "draft" and e.note is not None and e.note.startswith(codes.EXTRACT_MARKER):
            self.add("E_DRAFT", rel, f"{eptr}/status", marker=codes.EXTRACT_MARKER)
        if e.obtained in ("inferred", "derived") and not e.derivation:
            self.add("E_DERIVATION", rel, f"{eptr}/obtained", obtained=e.obtained)
        return bad

    def locate_all(self) -> list[Diagnostic]:
        out = []
        for d in self.diags:
            if d.line:
                out.append(d)
                continue
            rel = d.file[len(self.display.rstrip("/")) + 1:] if self.display not in ("", ".") \
                else d.file
            positions = self._positions.get(rel)
            if positions is None:
                try:
                    text = (self.root / rel).read_text(encoding="utf-8")
                    positions = parse_exact(text, d.file).positions
                except (OSError, UnicodeDecodeError):
                    positions = {}
                self._positions[rel] = positions
            out.append(d.at(*locate(positions, d.pointer)))
        return out


def _bk_text(bk: tuple[tuple[str, str], ...]) -> str:
    return "" if not bk else " {" + ", ".join(f"{k}: {v}" for k, v in bk) + "}"


def build(root: Path, display: str, results: list[FileResult],
          extra: list[Diagnostic]) -> LoadResult:
    """The policy set from every file's result. Consumes `results` (the list is
    emptied): files are taken one at a time, catalogue first, each decoded only then
    and its rules built at once, so the plain data of 3,000 regions never sits in
    memory beside the whole model."""
    b = _Builder(root, display)
    diags = list(extra)
    files = len(results)
    has_catalogue = any(fr.kind == "catalogue" for fr in results)
    order = {"catalogue": 0, "sources": 1}
    results.sort(key=lambda fr: order.get(fr.kind or "", 2))  # stable: file order kept
    results.reverse()  # popped from the end
    while results:
        fr = results.pop()
        diags.extend(fr.diagnostics)
        try:
            data = fr.plain()
        except orjson.JSONDecodeError:  # a cache entry past its checksum: read the file
            fr = load_file(root, fr.rel, display)
            diags.extend(fr.diagnostics)
            data = fr.data
        b.take(fr, data)
    if b.catalogue is None:
        if not has_catalogue:
            b.diags.append(codes.make("E_NO_CATALOGUE", display or ".", "",
                                      root=display or ".").at(1, 1))
        return LoadResult(None, sort_diagnostics(diags + b.diags), files)
    b.check_catalogue(b.catalogue)
    b.check_regions()
    diags.extend(b.locate_all())
    ps = PolicySet(
        catalogue=b.catalogue,
        regions=dict(sorted(b.regions.items())),
        sources=dict(sorted(b.sources.items())),
        rules={k: tuple(v) for k, v in sorted(b.rules.items())},
        root=root,
    )
    if NATIONAL not in ps.regions and ps.regions:
        pass  # a corpus without national standards is allowed (no national floors)
    return LoadResult(ps, sort_diagnostics(diags), files)


PARALLEL_MIN = 200  # below this many files to parse, worker processes cost more than they save
_CHUNK = 48


@contextmanager
def gc_paused(freeze: bool) -> Iterator[None]:
    """Bulk loading creates millions of objects and no cycles: don't scan them.

    With `freeze`, everything alive afterwards is moved out of the collector's reach
    (`gc.freeze`): otherwise the first collection after loading scans the millions of
    new objects (0.8 s at 3,000 regions). Right for a command that loads once and
    exits; a long-running caller that cares about cyclic garbage leaves it off.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if was:
            gc.enable()


Loaded = tuple[FileResult, bytes | None, str | None]  # result, JSON bytes, sha of the input


def _load_one(root: Path, rel: str, display: str, exact: bool, encode: bool) -> Loaded:
    """One file, its valid data as JSON bytes (for the cache and for workers) and the
    digest of the very bytes that were parsed (the cache key: a file that changes
    while it is read is keyed by what was read, never by an earlier hash)."""
    fr, raw = _load(root, rel, display, exact)
    blob = filecache.encode(fr.data) if encode and fr.data is not None else None
    return fr, blob, None if raw is None else filecache.digest(raw)


def _work(job: tuple[Path, list[str], str]) -> list[Loaded]:
    """Worker: load a chunk of files; valid data travels back as JSON bytes
    (faster to decode than a pickle) and is cached as such."""
    root, rels, display = job
    out: list[Loaded] = []
    for rel in rels:
        fr, blob, sha = _load_one(root, rel, display, False, True)
        out.append((FileResult(fr.rel, fr.kind, None, fr.diagnostics) if blob else fr,
                    blob, sha))
    return out


def _jobs(requested: int | None, todo: int) -> int:
    if requested is not None:
        return max(1, requested)
    if todo < PARALLEL_MIN:
        return 1
    return min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
               else os.cpu_count() or 1, 8)


def _load_all(root: Path, shown: str, rels: list[str], exact: bool, pack: filecache.Pack,
              jobs: int | None, bar: Progress, digests: dict[str, str]) -> list[FileResult]:
    results: dict[str, FileResult] = {}
    todo: list[str] = []
    for rel in rels:
        kind = KINDS.get(Path(rel).name)
        if not pack.enabled or exact or kind is None:
            todo.append(rel)
            continue
        try:
            path = root / rel
            if path.stat().st_size > MAX_BYTES:
                raise OSError("too large")  # diagnosed by _load
            digests[rel] = filecache.digest(path.read_bytes())
            blob = pack.get(kind, digests[rel])
        except OSError:
            blob = None
        if blob is None:
            todo.append(rel)
        else:
            results[rel] = FileResult(rel, kind, None, (), blob)
            bar.advance()
    pack.release()
    n = _jobs(jobs, len(todo))
    if n > 1 and not exact:
        loaded = _parallel(root, shown, todo, n, bar)
    else:
        loaded = []
        for rel in todo:
            loaded.append(_load_one(root, rel, shown, exact, pack.enabled))
            bar.advance()
    for rel, (fr, blob, sha) in zip(todo, loaded, strict=True):
        if sha is not None:
            digests[rel] = sha
        if blob is not None:
            if fr.data is None:
                fr = FileResult(fr.rel, fr.kind, None, fr.diagnostics, blob)
            if sha is not None and fr.kind is not None:
                pack.put(fr.kind, sha, blob)
        results[rel] = fr
    return [results[rel] for rel in rels]


def _parallel(root: Path, shown: str, rels: list[str], n: int, bar: Progress) -> list[Loaded]:
    chunks = [rels[i:i + _CHUNK] for i in range(0, len(rels), _CHUNK)]
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
    out: list[Loaded] = []
    with ProcessPoolExecutor(max_workers=n, mp_context=ctx) as pool:
        for part in pool.map(_work, [(root, c, shown) for c in chunks]):
            out.extend(part)
            bar.advance(len(part))
    return out


def load_tree(root: Path | str, display: str | None = None, exact: bool = False, *,
              cache: bool | Path = False, jobs: int | None = None,
              progress: bool = False, gc_freeze: bool = False,
              only: frozenset[str] | None = None) -> LoadResult:
    """Load every file under root; never raises for bad data.

    cache: True uses the default cache folder (`filecache.cache_dir()`), a Path
    that folder, False none. jobs: worker processes for parsing (default: one
    per core when there are many files to parse). progress: draw a progress bar
    on stderr (callers pass True only for a terminal). gc_freeze: see `gc_paused`.
    only: load just these files (relative paths; the check memo's partial loads),
    leaving the cache as it was.
    """
    root = Path(root)
    shown = str(root) if display is None else display
    rels, extra = discover(root, shown)
    if only is not None:
        rels = [rel for rel in rels if rel in only]
    if cache is False or exact:
        pack = filecache.Pack(None, b"")
    else:
        pack = filecache.Pack.open(root, None if cache is True else cache)
    bar = Progress("读取 loading", len(rels), progress)
    digests: dict[str, str] = {}
    with gc_paused(gc_freeze):
        results = _load_all(root, shown, rels, exact, pack, jobs, bar, digests)
        bar.done()
        result = build(root, shown, results, extra)
    if only is None:  # a pack holds what the last full load used
        pack.save()
    result.cached = pack.hits
    result.digests = digests
    return result


def load(root: Path | str = "policies") -> PolicySet:
    """Load a policy folder; raise LoadError (with every diagnostic) on errors."""
    result = load_tree(root)
    if result.policyset is None or not result.ok:
        raise LoadError([d for d in result.diagnostics if d.severity == "error"])
    return result.policyset


__all__ = ["VALUE_KINDS", "FileResult", "LoadError", "LoadResult", "load", "load_file",
           "load_tree"]
