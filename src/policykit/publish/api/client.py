"""Load the published JSON API back into a PolicySet.

    >>> from policykit.client import load_api
    >>> ps = load_api("site/api/v1")                      # a folder
    >>> ps = load_api("https://example.org/api/v1/")      # or the published URL
    >>> ps.value("441800", "resident.inpatient.ratio", "2021-08-24", hospital_level="level1")

The result is the same kind of object `policykit.load` gives from the YAML, and
equal to it (`==`): the API carries the catalogue (order kept), every region, every
source and every history entry in the YAML format's own shape. Only `index.json`,
`catalogue.json`, `sources.json` and `regions/*.json` are read; the resolved
values in the files are recomputed by the one timeline rule.
"""

from __future__ import annotations

import dataclasses
import json
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import jsonschema

from policykit.errors import PolicykitError
from policykit.model.entities import (
    Entry,
    catalogue_from_plain,
    entry_from_plain,
    region_from_plain,
    source_from_plain,
)
from policykit.model.policyset import PolicySet, RuleKey, breakdown_key
from policykit.publish.api import schema as apischema
from policykit.publish.api.export import entry_of_api

TIMEOUT = 60


class ApiError(PolicykitError):
    """The published API cannot be read (zh + en message)."""

    code = "E_API"


class _Reader:
    def __init__(self, where: str | Path) -> None:
        text = str(where)
        self.remote = text.startswith(("http://", "https://"))
        if self.remote:
            base = text if text.endswith("/") else text + "/"
            if base.endswith("index.json/"):
                base = base[: -len("index.json/")]
            self.base: str | Path = base
        else:
            path = Path(where)
            if path.is_file() and path.name == "index.json":
                path = path.parent
            elif not (path / "index.json").is_file() and (path / "api" / "v1").is_dir():
                path = path / "api" / "v1"  # a site folder: the API is under it
            self.base = path

    def where(self, rel: str) -> str:
        return f"{self.base}{rel}" if self.remote else str(Path(self.base) / rel)

    def read(self, rel: str) -> Any:
        if ".." in rel.split("/") or rel.startswith("/"):
            raise ApiError(f"不安全的文件路径 {rel}", f"unsafe file path {rel}")
        shown = self.where(rel)
        try:
            if self.remote:
                with urllib.request.urlopen(shown, timeout=TIMEOUT) as resp:
                    raw = resp.read()
            else:
                raw = Path(shown).read_bytes()
        except (OSError, urllib.error.URLError) as exc:
            raise ApiError(f"无法读取 {shown}：{exc}", f"cannot read {shown}: {exc}") from None
        try:
            return json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ApiError(f"{shown} 不是有效的 JSON：{exc}",
                           f"{shown} is not valid JSON: {exc}") from None


def _check(doc: Any, shape: str, shown: str,
           validators: dict[str, jsonschema.protocols.Validator] | None) -> None:
    if not isinstance(doc, dict) or doc.get("api_version") != apischema.API_VERSION:
        raise ApiError(f"{shown} 不是 policykit API {apischema.API_VERSION} 文件",
                       f"{shown} is not a policykit API {apischema.API_VERSION} file")
    if validators is not None:
        err = jsonschema.exceptions.best_match(validators[shape].iter_errors(doc))
        if err is not None:
            at = "/" + "/".join(str(p) for p in err.absolute_path)
            raise ApiError(f"{shown} 不符合 {shape} 结构定义：{at}：{err.message}",
                           f"{shown} does not match the {shape} schema at {at}: {err.message}")


def catalogue_plain(doc: dict[str, Any]) -> dict[str, Any]:
    """catalogue.json (lists, order kept) → the YAML catalogue's plain form."""
    def labels(items: list[dict[str, Any]]) -> dict[str, Any]:
        return {i["id"]: i["label"] for i in items}

    return {
        "areas": labels(doc["areas"]),
        "schemes": labels(doc["schemes"]),
        "dimensions": {d["id"]: {"label": d["label"], "ordered": d["ordered"],
                                 "values": labels(d["values"])} for d in doc["dimensions"]},
        "parameters": {p["id"]: {k: v for k, v in p.items() if k != "id"}
                       for p in doc["parameters"]},
    }


def load_api(where: str | Path, *, validate: bool = False, workers: int = 8) -> PolicySet:
    """Read a published API (folder or http(s) URL of api/v1/) into a PolicySet.

    `validate=True` also checks every file against the API's JSON Schemas.
    Raises ApiError with a zh + en message when a file is missing or malformed.
    """
    reader = _Reader(where)
    validators: dict[str, jsonschema.protocols.Validator] | None = None
    if validate:
        fmt = jsonschema.Draft202012Validator.FORMAT_CHECKER
        validators = {k: jsonschema.Draft202012Validator(s, format_checker=fmt)
                      for k, s in apischema.schemas().items()}

    def get(rel: str, shape: str) -> dict[str, Any]:
        doc = reader.read(rel)
        _check(doc, shape, reader.where(rel), validators)
        return doc  # type: ignore[no-any-return]

    index = get("index.json", "index")
    try:
        cat_doc = get(index["files"]["catalogue"]["path"], "catalogue")
        src_doc = get(index["files"]["sources"]["path"], "sources")
        paths = [r["path"] for r in index["regions"]]
        if reader.remote and workers > 1:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                docs = list(pool.map(lambda p: get(p, "region"), paths))
        else:
            docs = [get(p, "region") for p in paths]
        catalogue = catalogue_from_plain(catalogue_plain(cat_doc), "catalogue.json")
        sources = {k: source_from_plain(v, "sources.json")
                   for k, v in sorted(src_doc["sources"].items())}
        regions = {}
        rules: dict[RuleKey, tuple[Entry, ...]] = {}
        for rel, doc in zip(paths, docs, strict=True):
            region = region_from_plain(doc["region"], rel)
            if doc["registry_only"]:
                region = dataclasses.replace(region, registry_only=True)
            regions[region.code] = region
            for i, rule in enumerate(doc["rules"]):
                pid, bk = rule["parameter"], breakdown_key(rule["breakdown"])
                rules[(region.code, pid, bk)] = tuple(
                    entry_from_plain(region.code, pid, bk, entry_of_api(raw), rel,
                                     f"/rules/{i}/history/{j}")
                    for j, raw in enumerate(rule["history"]))
    except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
        raise ApiError(f"API 数据不完整或格式错误：{exc!r}",
                       f"API data is incomplete or malformed: {exc!r}") from None
    return PolicySet(catalogue=catalogue, regions=dict(sorted(regions.items())),
                     sources=sources, rules=dict(sorted(rules.items())))
