"""PolicySet → the static JSON API under `api/v1/` (deterministic bytes).

    api/v1/index.json               regions, parameters, as-of date, data commit, file URLs
    api/v1/regions/<code>.json      a region's own rules (full history) and rules in force
    api/v1/parameters/<id>.json     one parameter across all regions (+ a copy per alias)
    api/v1/changes.json             every dated rule change, newest first
    api/v1/catalogue.json           the catalogue, order kept
    api/v1/sources.json             every source
    api/v1/schemas/<shape>.schema.json   JSON Schema of each file shape
    api/v1/schemas/yaml/*.schema.json    the YAML input schemas

`api_documents` is pure (data in, (path, JSON data) pairs out); `export_api` writes
them into a folder without any swapping, so the site builder can call it inside its
own `atomic_output`. History entries are written with `entry_to_plain`, the YAML
format's own shape, so every value in policies/ reaches the JSON and
`policykit.client.load_api` rebuilds an equal PolicySet.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from policykit._version import __version__
from policykit.errors import EXIT_USAGE, PolicykitError
from policykit.loader import schemadefs
from policykit.model.changes import RuleChange
from policykit.model.days import parse_day, today
from policykit.model.display import entry_value_zh
from policykit.model.entities import (
    CODE_RE,
    Breakdown,
    Catalogue,
    Entry,
    entry_to_plain,
    parameter_to_plain,
    value_to_plain,
)
from policykit.model.policyset import PolicySet
from policykit.model.timeline import Resolved
from policykit.publish.api import schema as apischema
from policykit.publish.coverage import coverage
from policykit.util.jsonio import json_bytes, write_bytes, write_json_list

API_DIR = f"api/{apischema.API_VERSION}"
DOWNLOADS_DIR = "downloads"
SAFE_PARAMETER = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")
# A region's own breakdowns of one parameter, and its (breakdown, value in force) pairs.
_ParameterRows = tuple[list[Breakdown], list[tuple[Breakdown, Resolved]]]


class ExportError(PolicykitError):
    """Bad export options or data that cannot be published (zh + en message)."""

    code = "E_EXPORT"


# -- options ----------------------------------------------------------------------
def as_of_date(given: str | None, environ: Mapping[str, str]) -> str:
    """`--as-of`, else SOURCE_DATE_EPOCH as a UTC date, else today. A bad `given`
    raises DayError, a bad SOURCE_DATE_EPOCH an ExportError (both usage errors)."""
    if given is not None:
        return parse_day(given, "--as-of")
    epoch = environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date().isoformat()
        except (ValueError, OverflowError, OSError):
            raise ExportError(f"SOURCE_DATE_EPOCH={epoch} 不是有效的 Unix 时间戳",
                              f"SOURCE_DATE_EPOCH={epoch} is not a Unix timestamp",
                              exit_code=EXIT_USAGE) from None
    return today()


def base_url_of(given: str | None) -> str:
    url = given or apischema.DEFAULT_BASE_URL
    if not re.match(r"^https?://[^\s/]+", url):
        raise ExportError(f"--base-url 应以 http:// 或 https:// 开头：{url}",
                          f"--base-url must start with http:// or https://: {url}",
                          exit_code=EXIT_USAGE)
    return url.rstrip("/") + "/"


def data_commit(root: Path, environ: Mapping[str, str]) -> str | None:
    """The git commit of the data: POLICYKIT_COMMIT if set (empty = none), else
    `git rev-parse HEAD` when the data folder has no uncommitted changes."""
    pinned = environ.get("POLICYKIT_COMMIT")
    if pinned is not None:
        return pinned.strip().lower() or None
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True,
                              text=True, timeout=30, check=False)
        if head.returncode != 0:
            return None
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "."], cwd=root,
                               capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    if dirty.returncode != 0 or dirty.stdout.strip():
        return None
    return head.stdout.strip() or None


# -- the documents ------------------------------------------------------------------
@dataclass(frozen=True)
class _Context:
    ps: PolicySet
    as_of: str
    base_url: str  # site root, ends with /
    api_url: str  # …/api/v1/
    commit: str | None
    # The same entry is displayed in many files (every region inheriting it): render
    # its text once. Keyed by id(): the entries live in `ps` for the whole export.
    _zh: dict[int, str] = field(default_factory=dict)

    def value_zh(self, e: Entry) -> str:
        out = self._zh.get(id(e))
        if out is None:
            out = self._zh[id(e)] = entry_value_zh(e, self.ps.catalogue)
        return out

    def file(self, path: str) -> dict[str, str]:
        return {"path": path, "url": self.api_url + path}

    def header(self, shape: str) -> dict[str, Any]:
        """What every document starts with: its schema, the API version, the day the
        rules in force are given for and the commit of the data."""
        return {"$schema": apischema.schema_url(self.base_url, shape),
                "api_version": apischema.API_VERSION, "as_of": self.as_of,
                "commit": self.commit}


def api_entry(e: Entry) -> dict[str, Any]:
    """A full history entry in the API: the YAML entry with its value under `value`
    (`{"ratio": 0.6}`), the one value shape of every API document (schema `$defs/value`)."""
    out = entry_to_plain(e)
    value = value_to_plain(e.value)
    for key in value:
        del out[key]
    out["value"] = value
    return out


def entry_of_api(raw: dict[str, Any]) -> dict[str, Any]:
    """The YAML form of an API entry (`api_entry` undone), for `entry_from_plain`."""
    out = {k: v for k, v in raw.items() if k != "value"}
    value = raw["value"]
    if not isinstance(value, dict):
        raise TypeError("value must be an object")
    out.update(value)
    return out


def region_path(code: str) -> str:
    if not CODE_RE.fullmatch(code):
        raise ExportError(f"地区代码 {code!r} 不能用作文件名", f"region code {code!r} is unsafe")
    return f"regions/{code}.json"


def parameter_path(pid: str) -> str:
    if not SAFE_PARAMETER.match(pid):
        raise ExportError(f"参数 {pid!r} 不能用作文件名", f"parameter id {pid!r} is unsafe")
    return f"parameters/{pid}.json"


def ref_to_plain(origin: str, e: Entry, cat: Catalogue,
                 ctx: _Context | None = None) -> dict[str, Any]:
    """An entry in short: enough to show, date and cite a value. Used for floors, the
    value before a change, changes and parameter files; the full entry (quote,
    derivation, notes, …) is in the region file of `origin`."""
    out: dict[str, Any] = {"origin": origin, "status": e.status, "bound": e.bound,
                           "value": value_to_plain(e.value), "source": e.source,
                           "value_zh": entry_value_zh(e, cat) if ctx is None
                           else ctx.value_zh(e)}
    for k in ("start", "end", "observed"):
        v = getattr(e, k)
        if v is not None:
            out[k] = v
    return out


def resolved_to_plain(code: str, parameter: str, bk: Breakdown, r: Resolved,
                      cat: Catalogue, ctx: _Context | None = None) -> dict[str, Any]:
    e = r.entry
    out = {"parameter": parameter, "breakdown": dict(bk), "origin": r.origin,
           "inherited": r.inherited_by(code), "entry": api_entry(e),
           "value_zh": entry_value_zh(e, cat) if ctx is None else ctx.value_zh(e),
           "floors": [ref_to_plain(f.origin, f.entry, cat, ctx) for f in r.floors]}
    if ctx is not None:
        out["confirmation"] = ctx.ps.confirmation(r, ctx.as_of).to_plain()
    return out


def change_to_plain(c: RuleChange, cat: Catalogue,
                    ctx: _Context | None = None) -> dict[str, Any]:
    prev = c.previous
    return {"date": c.date, "region": c.region, "parameter": c.parameter,
            "breakdown": dict(c.breakdown), "entry": ref_to_plain(c.region, c.entry, cat, ctx),
            "previous": None if prev is None else ref_to_plain(prev.origin, prev.entry, cat, ctx)}


def catalogue_to_api(cat: Catalogue) -> dict[str, Any]:
    """The catalogue with every map as a list, so sorted keys cannot reorder it."""
    def labelled(pairs: tuple[tuple[str, Any], ...]) -> list[dict[str, Any]]:
        return [{"id": k, "label": v.to_plain()} for k, v in pairs]

    return {
        "areas": labelled(cat.areas),
        "schemes": labelled(cat.schemes),
        "dimensions": [{"id": d.id, "label": d.label.to_plain(), "ordered": d.ordered,
                        "values": labelled(d.values)} for d in cat.dimensions.values()],
        "parameters": [{"id": p.id, **parameter_to_plain(p)}
                       for p in cat.parameters.values()],
    }


def _cited(ps: PolicySet, entries: list[Entry]) -> dict[str, Any]:
    ids = sorted({e.source for e in entries if e.source in ps.sources})
    return {i: ps.sources[i].to_plain() for i in ids}


def _resolved_entries(r: Resolved) -> list[Entry]:
    return [r.entry, *(f.entry for f in r.floors)]


def api_documents(ps: PolicySet, as_of: str, base_url: str = apischema.DEFAULT_BASE_URL,
                  commit: str | None = None, want: Callable[[str], bool] | None = None,
                  ) -> Iterator[tuple[str, Any]]:
    """Every file of the API as (path under api/v1/, JSON data), in a fixed order; with
    `want`, only the files whose path it accepts (the others are not computed)."""
    base_url = base_url.rstrip("/") + "/"
    ctx = _Context(ps, as_of, base_url, apischema.api_root(base_url), commit)
    cat = ps.catalogue
    wanted = want or (lambda _path: True)
    own: dict[str, list[tuple[str, Breakdown]]] = {}
    for code, pid, bk in ps.rules:
        own.setdefault(code, []).append((pid, bk))
    regions = [(code, path) for code in sorted(ps.regions) if wanted(path := region_path(code))]
    parameters = []
    for pid, p in cat.parameters.items():
        paths = [parameter_path(name) for name in (pid, *p.aliases)]  # old ids keep URLs
        if any(wanted(path) for path in paths):
            parameters.append((pid, paths))
    in_force = {code: ps.in_force(code, as_of) for code in ps.regions} \
        if regions or parameters or wanted("index.json") else {}

    if wanted("index.json"):
        yield "index.json", _index(ctx, own, in_force)
    if wanted("catalogue.json"):
        yield "catalogue.json", {**ctx.header("catalogue"), **catalogue_to_api(cat)}
    if wanted("sources.json"):
        yield "sources.json", {**ctx.header("sources"), "sources": {
            k: s.to_plain() for k, s in sorted(ps.sources.items())}}
    for code, path in regions:
        yield path, _region_doc(ctx, code, own.get(code, []), in_force[code])
    if parameters:
        by_parameter: dict[str, dict[str, _ParameterRows]] = {pid: {} for pid in cat.parameters}
        for code, pid, bk in ps.rules:
            by_parameter.setdefault(pid, {}).setdefault(code, ([], []))[0].append(bk)
        for code, rows in in_force.items():
            for (pid, bk), r in rows.items():
                by_parameter.setdefault(pid, {}).setdefault(code, ([], []))[1].append((bk, r))
        for pid, paths in parameters:
            doc = _parameter_doc(ctx, pid, by_parameter[pid])
            yield from ((path, doc) for path in paths if wanted(path))
    if wanted("changes.json"):
        yield "changes.json", JsonList(ctx.header("changes"), "changes",
                                       (change_to_plain(c, cat, ctx) for c in ps.changes()))
    for shape, schema in apischema.schemas(base_url).items():
        if wanted(path := f"schemas/{shape}.schema.json"):
            yield path, schema
    if wanted("openapi.json"):
        from policykit.publish.api.openapi import openapi

        yield "openapi.json", openapi(base_url)
    for name, text in schemadefs.render().items():
        if wanted(path := f"schemas/yaml/{name}"):
            yield path, text


def _version() -> str:
    return __version__


def _index(ctx: _Context, own: dict[str, list[tuple[str, Breakdown]]],
           in_force: Mapping[str, Mapping[tuple[str, Breakdown], Resolved]]) -> dict[str, Any]:
    ps, cat = ctx.ps, ctx.ps.catalogue
    regions = [{"code": r.code, "name": r.name.to_plain(), "level": r.level,
                "parent": r.parent, "pooling_region": r.pooling,
                "rules": len(own.get(r.code, [])), "local_rules": r.code in own,
                **ctx.file(region_path(r.code))}
               for r in sorted(ps.regions.values(), key=lambda r: r.code)]
    by_level: dict[str, dict[str, int]] = {}
    for r in ps.regions.values():
        n = by_level.setdefault(r.level, {"regions": 0, "local_rules": 0})
        n["regions"] += 1
        n["local_rules"] += int(r.code in own)
    registry = None if ps.registry is None else {
        "file": ps.registry.file, "divisions": len(ps.registry.divisions),
        "provenance": ps.registry.provenance}
    parameters = [{"id": p.id, "label": p.label.to_plain(), "area": p.area,
                   "scheme": p.scheme, "type": p.type,
                   "unit": None if p.unit is None else p.unit.to_plain(),
                   "comparable": p.comparable, "dimensions": list(p.dimensions),
                   "aliases": list(p.aliases), **ctx.file(parameter_path(p.id))}
                  for p in cat.parameters.values()]
    return {
        **ctx.header("index"),
        "schema_version": apischema.SCHEMA_VERSION,
        "generator": f"policykit {_version()}",
        "base_url": ctx.api_url,
        "files": {k: ctx.file(f"{k}.json") for k in ("catalogue", "sources", "changes")},
        "areas": [{"id": k, "label": v.to_plain()} for k, v in cat.areas],
        "regions": regions,
        "counts": {"regions": len(regions), "by_level": dict(sorted(by_level.items()))},
        "registry": registry,
        "coverage": coverage(ps, ctx.as_of, in_force.__getitem__),
        "parameters": parameters,
        "schemas": {s: ctx.file(f"schemas/{s}.schema.json")
                    for s in (*apischema.SHAPES, *apischema.OUTPUT_SHAPES)},
    }


def _region_doc(ctx: _Context, code: str, keys: list[tuple[str, Breakdown]],
                rows: dict[tuple[str, Breakdown], Resolved]) -> dict[str, Any]:
    ps, cat = ctx.ps, ctx.ps.catalogue
    rules = [{"parameter": pid, "breakdown": dict(bk),
              "history": [api_entry(e) for e in ps.rules[(code, pid, bk)]]}
             for pid, bk in sorted(keys)]
    cited = [e for pid, bk in keys for e in ps.rules[(code, pid, bk)]]
    cited += [e for r in rows.values() for e in _resolved_entries(r)]
    return {
        **ctx.header("region"),
        "region": ps.regions[code].to_plain(),
        "local_rules": bool(keys),
        "registry_only": ps.regions[code].registry_only,
        "chain": list(ps.chain(code)),
        "children": [c.code for c in ps.children(code)],
        "rules": rules,
        "in_force": [resolved_to_plain(code, pid, bk, r, cat, ctx)
                     for (pid, bk), r in sorted(rows.items())],
        "sources": _cited(ps, cited),
    }


def _parameter_doc(ctx: _Context, pid: str,
                   by_region: dict[str, _ParameterRows]) -> dict[str, Any]:
    ps, cat = ctx.ps, ctx.ps.catalogue
    regions = []
    cited: list[Entry] = []
    for code in sorted(by_region):
        own_bks, resolved = by_region[code]
        own = []
        for bk in sorted(own_bks):
            entries = ps.rules[(code, pid, bk)]
            cited.extend(entries)
            own.append({"breakdown": dict(bk),
                        "history": [ref_to_plain(code, e, cat, ctx) for e in entries]})
        rows = []
        for bk, r in sorted(resolved, key=lambda x: x[0]):
            cited.extend(_resolved_entries(r))
            rows.append(resolved_to_plain(code, pid, bk, r, cat, ctx))
        regions.append({"code": code, "name": ps.regions[code].name.to_plain(),
                        "rules": own, "in_force": rows})
    return {
        **ctx.header("parameter"),
        "parameter": {"id": pid, **parameter_to_plain(cat.parameters[pid])},
        "regions": regions,
        "sources": _cited(ps, cited),
    }


# -- writing --------------------------------------------------------------------------
@dataclass(frozen=True)
class JsonList:
    """A document with one long list (`changes.json`), written item by item: its
    bytes equal json_bytes({**head, key: list(items)}). The items can be read once."""

    head: dict[str, Any]
    key: str
    items: Iterable[Any]

    def plain(self) -> dict[str, Any]:
        return {**self.head, self.key: list(self.items)}


def document_bytes(data: Any) -> bytes:
    if isinstance(data, str):
        return data.encode("utf-8")
    if isinstance(data, JsonList):
        buf = io.BytesIO()
        write_json_list(buf, data.head, data.key, data.items)
        return buf.getvalue()
    return json_bytes(data)


def write_document(path: Path, data: Any) -> None:
    if isinstance(data, JsonList):
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as out:
            write_json_list(out, data.head, data.key, data.items)
    else:
        write_bytes(path, document_bytes(data))


def export_api(ps: PolicySet, out_dir: Path | str, as_of: str,
               base_url: str = apischema.DEFAULT_BASE_URL, commit: str | None = None,
               want: Callable[[str], bool] | None = None) -> int:
    """Write the API (or the files `want` accepts) under `out_dir/api/v1/` (no staging:
    wrap in `atomic_output`). Returns the number of files written."""
    root = Path(out_dir) / API_DIR
    n = 0
    for rel, data in api_documents(ps, as_of, base_url, commit, want):
        write_document(root / rel, data)
        n += 1
    return n
