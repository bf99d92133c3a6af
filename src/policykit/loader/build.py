"""Plain data → the model: build the PolicySet from every file's result, checking the
references between files on the way; and `load_tree`, a whole load from folder to set.

A load finds the files (`discover`), reads each on its own (`readfile`, through the
cache and worker processes: `workers`) and then builds the model here. No problem
stops the run: each file's diagnostics are collected and the next file loads. The
garbage collector is paused while the model's millions of objects are created.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

import policykit.codes as codes
from policykit.diagnostics import Diagnostic, shown_path, sort_diagnostics
from policykit.errors import PolicykitError
from policykit.loader import cache as filecache
from policykit.loader.discover import KINDS, discover
from policykit.loader.positions import Positions
from policykit.loader.readfile import FileResult, load_file
from policykit.loader.registry import read_registry
from policykit.loader.workers import load_all
from policykit.model.entities import (
    CODE_RE,
    VALUE_KINDS,
    Catalogue,
    Entry,
    Label,
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
from policykit.model.registry import Registry
from policykit.util.gc import gc_paused
from policykit.util.progress import Progress

LEVEL_DEPTH = {"national": 0, "province": 1, "prefecture": 2, "county": 3}
NATIONAL_CODE = "000000"


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


# -- building the model -----------------------------------------------------------
class _Builder:
    def __init__(self, positions: Positions, display: str) -> None:
        self.positions = positions
        self.display = display
        # Problems found across files, by the file they are in; placed at their line
        # by `located` (only files with a problem are parsed again for positions).
        self.diags: list[tuple[str, Diagnostic]] = []
        self.catalogue: Catalogue | None = None
        self.regions: dict[str, Region] = {}
        self.sources: dict[str, Source] = {}
        self.rules: dict[RuleKey, list[Entry]] = {}
        self.rule_ptr: dict[RuleKey, tuple[str, str]] = {}
        # Codes (by folder name) of region files that could not be read: a child naming
        # one as its parent gets no second error ("parent does not exist") for it.
        self.unreadable: set[str] = set()

    def shown(self, rel: str) -> str:
        return shown_path(self.display, rel)

    def add(self, diag_code: str, rel: str, pointer: str, /, **params: object) -> None:
        self.diags.append((rel, codes.make(diag_code, self.shown(rel), pointer, **params)))

    def take(self, fr: FileResult, data: Any) -> None:
        """Add one file's contents; a region file's rules are built at once when the
        catalogue is known (files come catalogue first, then sources, then regions)."""
        if data is None:
            if fr.kind == "region":  # its own error is reported; see `check_regions`
                folder = Path(fr.rel).parent.name[:6]
                if CODE_RE.fullmatch(folder):
                    self.unreadable.add(folder)
            return
        if fr.kind == "catalogue":
            if self.catalogue is not None:
                self.add("E_DUPLICATE_CATALOGUE", fr.rel, "",
                         other=self.shown(self.catalogue.file))
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
            if r.registry_only:  # consistent by construction (loader/registry.py)
                continue
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
                if r.parent not in self.unreadable:
                    self.add("E_UNKNOWN_REGION", r.file, base + "/parent", field="parent",
                             code=r.parent)
            else:
                parent = self.regions[r.parent]
                if LEVEL_DEPTH[parent.level] >= LEVEL_DEPTH[r.level]:
                    self.add("E_REGION_HIERARCHY", r.file, base + "/level", code=r.code,
                             problem_zh=f"层级 {r.level} 不低于上级 {parent.code} 的层级 {parent.level}",
                             problem_en=f"level {r.level} is not below its parent's ({parent.level})")
            if (r.pooling_region is not None and r.pooling_region not in self.regions
                    and r.pooling_region not in self.unreadable):
                self.add("E_UNKNOWN_REGION", r.file, base + "/pooling_region",
                         field="pooling_region", code=r.pooling_region)

    def check_registry(self, registry: Registry) -> None:
        """Every region file agrees with the registry (code, name, level, parent)."""
        for r in list(self.regions.values()):
            d = registry.get(r.code)
            if d is None:
                near = registry.find(r.name.zh)
                hz = he = ""
                if near:
                    names = "、".join(f"{n.code} {n.name}" for n in near[:5])
                    hz, he = f"；同名区划：{names}", f"; divisions of that name: {names}"
                self.add("E_NOT_IN_REGISTRY", r.file, "/region/code", code=r.code,
                         name=r.name.zh, hint_zh=hz, hint_en=he)
                continue
            parent = r.parent if r.parent is not None or r.level != "province" else NATIONAL_CODE
            for fld, actual, expected in (("name", r.name.zh, d.name), ("level", r.level, d.level),
                                          ("parent", parent, d.parent)):
                if actual != expected:
                    self.add("E_REGISTRY_MISMATCH", r.file, f"/region/{fld}", code=r.code,
                             field=fld, actual=actual if actual is not None else "（空）",
                             expected=expected if expected is not None else "（空）",
                             registry_file=self.shown(registry.file), registry_line=d.line)

    def add_registered(self, registry: Registry) -> None:
        """A region for every registry division without a file: known, published, with
        no rules of its own. Its pooling region is its prefecture (市级统筹, the national
        default), or itself where no prefecture is above it (直辖市 districts pool at the
        municipality, which is their parent; 省直辖县 such as 仙桃 pool on their own)."""
        for code, d in registry.divisions.items():
            if code in self.regions or code in self.unreadable:
                continue
            up = registry.get(d.parent or "")
            pooling = d.parent if (d.level == "county" and up is not None
                                   and up.level == "prefecture") else None
            self.regions[code] = Region(code=code, name=Label(d.name), level=d.level,
                                        parent=d.parent, pooling_region=pooling,
                                        registry_only=True)

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

    def located(self) -> list[Diagnostic]:
        return [d.at(*self.positions.locate(rel, d.pointer)) for rel, d in self.diags]


def _bk_text(bk: tuple[tuple[str, str], ...]) -> str:
    return "" if not bk else " {" + ", ".join(f"{k}: {v}" for k, v in bk) + "}"


def build(root: Path, display: str, results: list[FileResult],
          extra: list[Diagnostic], registry: Registry | None = None) -> LoadResult:
    """The policy set from every file's result. Consumes `results` (the list is
    emptied): files are taken one at a time, catalogue first, each decoded only then
    and its rules built at once, so the plain data of 3,000 regions never sits in
    memory beside the whole model."""
    b = _Builder(Positions(root), display)
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
            diags.append(codes.make("E_NO_CATALOGUE", display or ".", "",
                                    root=display or ".").at(1, 1))
        return LoadResult(None, sort_diagnostics(diags + b.located()), files)
    b.check_catalogue(b.catalogue)
    if registry is not None:  # first: a file's parent may be known from the registry only
        b.check_registry(registry)
        b.add_registered(registry)
    b.check_regions()
    diags.extend(b.located())
    ps = PolicySet(
        catalogue=b.catalogue,
        regions=dict(sorted(b.regions.items())),
        sources=dict(sorted(b.sources.items())),
        rules={k: tuple(v) for k, v in sorted(b.rules.items())},
        root=root,
        locator=b.positions,
        registry=registry,
    )
    return LoadResult(ps, sort_diagnostics(diags), files)


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
    registry, registry_diags = read_registry(root, shown)
    extra = extra + registry_diags
    if only is not None:
        rels = [rel for rel in rels if rel in only]
    if cache is False or exact:
        pack = filecache.Pack(None, b"")
    else:
        pack = filecache.Pack.open(root, None if cache is True else cache)
    bar = Progress("读取 loading", len(rels), progress)
    digests: dict[str, str] = {}
    with gc_paused(gc_freeze):
        results = load_all(root, shown, rels, exact, pack, jobs, bar, digests)
        bar.done()
        result = build(root, shown, results, extra, registry)
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


# KINDS, discover, FileResult and load_file are re-exported: callers (the check memo)
# import a load's parts from here.
__all__ = ["KINDS", "VALUE_KINDS", "FileResult", "LoadError", "LoadResult", "discover", "load",
           "load_file", "load_tree"]
