"""JSON Schemas (2020-12) of the published JSON API files, as data.

One schema per file shape under `api/v1/`: index, region, parameter, changes,
catalogue and sources. Each is self-contained (its pieces in `$defs`, no remote
`$ref`), so `check-jsonschema --schemafile` validates offline. The region and
source shapes are the YAML format's own (from `schemadefs`); so is a history entry,
except that its value sits under `value`: every value in every document (full
entries, floors, changes, parameter histories) is the one `$defs/value`.
"""

from __future__ import annotations

import copy
from typing import Any

from policykit.loader import schemadefs as yaml_defs

Json = dict[str, Any]

API_VERSION = "v1"
#: Version of the file shapes below; bump the minor for added fields, the major
#: (with a new api/vN/) for anything a client could trip on.
# 1.1: one value shape, as_of + commit on every file (docs/api.md); 1.2: every registry
# region, local_rules / registry_only, counts, registry provenance and coverage in the index;
# 1.3: coverage.withdrawn (withdrawn codes no longer counted as regions), confirmation and
# in_force_zh on each rule of an estimate.
SCHEMA_VERSION = "1.3.0"
DEFAULT_BASE_URL = "https://policykit.github.io/policykit/"
SHAPES = ("index", "region", "parameter", "changes", "catalogue", "sources")
#: Shapes of outputs computed on request (not files of the API), published with its schemas.
OUTPUT_SHAPES = ("estimate",)

CODE = yaml_defs.CODE_STRING
PARAMETER_ID = {"type": "string", "pattern": r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$"}
IDENT = {"type": "string", "pattern": r"^[a-z][a-z0-9_]*$"}
DAY = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$", "format": "date"}
TEXT = {"type": "string"}


def api_root(base_url: str) -> str:
    """The URL of `api/v1/` under a site's base URL."""
    return base_url.rstrip("/") + f"/api/{API_VERSION}/"


def schema_url(base_url: str, shape: str) -> str:
    return api_root(base_url) + f"schemas/{shape}.schema.json"


def _obj(required: list[str], properties: Json, *, closed: bool = True) -> Json:
    out: Json = {"type": "object", "required": required, "properties": properties}
    if closed:
        out["additionalProperties"] = False
    return out


#: How a value in force on the as-of day is known (docs/format.md §3.3 rule 6).
CONFIRMATION: Json = _obj(["state", "confirmed_on", "age_months", "stale"], {
    "state": {"enum": ["stated", "carried_forward"],
              "description": "stated: a source (or an officer's checked_on) vouches "
                             "for the as-of day itself; carried_forward: the value "
                             "is carried forward from confirmed_on (docs/format.md "
                             "§3.3 rule 6)"},
    "confirmed_on": {"type": "string", "format": "date",
                     "description": "the last day on or before as_of on which the "
                                    "value was confirmed (as_of itself when stated)"},
    "age_months": {"type": "integer", "minimum": 0,
                   "description": "whole months from confirmed_on to as_of"},
    "stale": {"type": "boolean",
              "description": "carried forward for more than the staleness horizon "
                             "(3 years): the site marks it 可能已过时"},
})


def _ref(name: str) -> Json:
    return {"$ref": f"#/$defs/{name}"}


def _nullable(s: Json) -> Json:
    return {"anyOf": [s, {"type": "null"}]}


def _defs() -> Json:
    """Every piece a file shape may use; each schema carries the ones it needs."""
    source_item = copy.deepcopy(yaml_defs.sources_schema()["properties"]["sources"]["items"])
    parameter = copy.deepcopy(
        yaml_defs.catalogue_schema()["properties"]["parameters"]["additionalProperties"])
    # In the API a parameter carries its id (in YAML the id is the map key).
    parameter["properties"] = {"id": PARAMETER_ID, **parameter["properties"]}
    parameter["required"] = ["id", *parameter["required"]]
    labelled = _obj(["id", "label"], {"id": IDENT, "label": _ref("label")})
    breakdown = {
        "type": "object",
        "description": "dimension → value; empty when the rule has no breakdown",
        "propertyNames": {"pattern": IDENT["pattern"]},
        "additionalProperties": {"type": "string", "pattern": r"^[a-z0-9_]+$"},
    }
    located = {
        "path": {"type": "string", "description": "relative to api/v1/"},
        "url": {"type": "string", "description": "absolute, under the site's base URL"},
    }
    value = {"type": "object", "minProperties": 1, "maxProperties": 1,
             "additionalProperties": False,
             "properties": copy.deepcopy(yaml_defs.VALUE_KEYS),
             "description": "the value key and its data, as in the YAML "
                            "(e.g. {\"ratio\": 0.6}); the one shape of a value in the API"}
    entry_props = yaml_defs.ENTRY["properties"]
    # A full entry: the YAML's, with the value key moved under "value".
    entry = copy.deepcopy(yaml_defs.ENTRY)
    entry.pop("oneOf", None)
    entry["properties"] = {k: v for k, v in entry["properties"].items()
                           if k not in yaml_defs.VALUE_KEYS}
    entry["properties"]["value"] = _ref("value")
    entry["required"] = [*entry["required"], "value"]
    ref = _obj(["origin", "status", "bound", "value", "source", "value_zh"], {
        "origin": {**CODE, "description": "the region whose entry this is"},
        "status": copy.deepcopy(entry_props["status"]),
        "bound": copy.deepcopy(entry_props["bound"]),
        "value": _ref("value"),
        "source": copy.deepcopy(entry_props["source"]),
        "value_zh": TEXT,
        "start": copy.deepcopy(entry_props["start"]),
        "end": copy.deepcopy(entry_props["end"]),
        "observed": copy.deepcopy(entry_props["observed"]),
    })
    return {
        "label": copy.deepcopy(yaml_defs.LABEL),
        "value": value,
        "entry": entry,
        "region": copy.deepcopy(yaml_defs.REGION_META),
        "source": source_item,
        "parameter": parameter,
        "labelled": labelled,
        "breakdown": breakdown,
        "file": _obj(["path", "url"], located),
        "rule": _obj(["parameter", "breakdown", "history"], {
            "parameter": PARAMETER_ID,
            "breakdown": _ref("breakdown"),
            "history": {"type": "array", "minItems": 1, "items": _ref("entry"),
                        "description": "every entry of the rule, in file order"},
        }),
        "ref": ref,
        "resolved": _obj(
            ["parameter", "breakdown", "origin", "inherited", "entry", "value_zh", "floors",
             "confirmation"], {
                "parameter": PARAMETER_ID,
                "breakdown": _ref("breakdown"),
                "origin": {**CODE, "description": "the region the value comes from"},
                "inherited": {"type": "boolean"},
                "entry": _ref("entry"),
                "value_zh": {**TEXT, "description": "the value as the site shows it"},
                "floors": {"type": "array", "items": _ref("ref"),
                           "description": "bound min/max entries met on the way "
                                          "(the value itself too when it is a floor)"},
                "confirmation": _ref("confirmation"),
            }),
        "confirmation": CONFIRMATION,
        "sources_by_id": {"type": "object", "additionalProperties": _ref("source")},
    }


def _schema(shape: str, base_url: str, title: str, description: str, required: list[str],
            properties: Json) -> Json:
    common: Json = {
        "$schema": {"type": "string", "description": "URL of this file's schema"},
        "api_version": {"const": API_VERSION},
        "as_of": {**DAY, "description": "rules in force are given for this day"},
        "commit": {"anyOf": [{"type": "string", "pattern": r"^[0-9a-f]{7,64}$"},
                             {"type": "null"}],
                   "description": "git commit of the data; null when not clean"},
    }
    body = _obj(["$schema", "api_version", "as_of", "commit", *required],
                {**common, **properties})
    text = repr(body)
    defs = _defs()
    # Carry only the $defs used (transitively), so each file reads on its own.
    used: set[str] = set()
    todo = [n for n in defs if f"#/$defs/{n}'" in text]
    while todo:
        n = todo.pop()
        if n in used:
            continue
        used.add(n)
        sub = repr(defs[n])
        todo.extend(m for m in defs if f"#/$defs/{m}'" in sub and m not in used)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": schema_url(base_url, shape),
        "title": title,
        "description": description,
        **body,
        "$defs": {n: defs[n] for n in sorted(used)},
    }


COUNT = {"type": "integer", "minimum": 0}


def coverage_schema() -> Json:
    """`index.json` → coverage (`policykit.publish.coverage`, the 数据覆盖 page's figures)."""
    levels = _obj(["regions", "local"], {"regions": COUNT, "local": COUNT})
    return {**_obj(
        ["as_of", "regions", "local", "by_level", "areas", "provinces", "missing",
         "newest_confirmation", "withdrawn"], {
            "as_of": DAY,
            "regions": {**COUNT, "description": "regions below the nation"},
            "local": {**COUNT, "description": "of them, with rules of their own"},
            "by_level": {"type": "object", "additionalProperties": levels},
            "areas": {"type": "array", "items": IDENT},
            "provinces": {"type": "array", "items": _obj(
                ["code", "name", "regions", "local", "areas", "newest_confirmation"], {
                    "code": CODE, "name": TEXT, "regions": COUNT, "local": COUNT,
                    "areas": {"type": "object", "additionalProperties": COUNT,
                              "description": "regions with local rules in each area"},
                    "newest_confirmation": _nullable(DAY)})},
            "missing": {"type": "array", "items": _obj(
                ["parameter", "regions_without_value"],
                {"parameter": PARAMETER_ID, "regions_without_value": COUNT}),
                "description": "regions with no value in force (own or inherited), most first"},
            "newest_confirmation": _nullable(DAY),
            "withdrawn": {**COUNT, "description": "division codes withdrawn since the older "
                                                  "dataset: published, not counted above"},
        }), "description": "how many regions have local rules, by level, province and area"}


def schemas(base_url: str = DEFAULT_BASE_URL) -> dict[str, Json]:
    """shape → JSON Schema, `$id`s under the API's URL for this base URL."""
    located = {"path": {"type": "string"}, "url": {"type": "string"}}
    index_region = _obj(
        ["code", "name", "level", "parent", "pooling_region", "rules", "local_rules", "path",
         "url"], {
            "code": CODE,
            "name": _ref("label"),
            "level": {"enum": ["national", "province", "prefecture", "county"]},
            "parent": _nullable(CODE),
            "pooling_region": {**CODE, "description": "effective pooling region (itself if none)"},
            "rules": {"type": "integer", "minimum": 0, "description": "own rules"},
            "local_rules": {"type": "boolean",
                            "description": "the region has rules of its own (else everything "
                                           "that applies there is inherited)"},
            **located,
        })
    index_parameter = _obj(
        ["id", "label", "area", "scheme", "type", "unit", "comparable", "dimensions", "aliases",
         "path", "url"], {
            "id": PARAMETER_ID,
            "label": _ref("label"),
            "area": IDENT,
            "scheme": IDENT,
            "type": {"type": "string"},
            "unit": _nullable(_ref("label")),
            "comparable": {"type": "boolean"},
            "dimensions": {"type": "array", "items": IDENT},
            "aliases": {"type": "array", "items": {"type": "string"}},
            **located,
        })
    region_of_parameter = _obj(["code", "name", "rules", "in_force"], {
        "code": CODE,
        "name": _ref("label"),
        "rules": {"type": "array", "items": _obj(["breakdown", "history"], {
            "breakdown": _ref("breakdown"),
            "history": {"type": "array", "minItems": 1, "items": _ref("ref"),
                        "description": "the region's own entries, in short (full entries "
                                       "in regions/<code>.json)"},
        })},
        "in_force": {"type": "array", "items": _ref("resolved")},
    })
    change = _obj(["date", "region", "parameter", "breakdown", "entry", "previous"], {
        "date": {**DAY, "description": "first day of the new value (start, made a full date)"},
        "region": CODE,
        "parameter": PARAMETER_ID,
        "breakdown": _ref("breakdown"),
        "entry": {**_ref("ref"), "description": "the new entry, in short"},
        "previous": {
            "description": "in force the day before, inheritance resolved; null if nothing",
            "anyOf": [_ref("ref"), {"type": "null"}],
        },
    })
    dimension = _obj(["id", "label", "ordered", "values"], {
        "id": IDENT, "label": _ref("label"), "ordered": {"type": "boolean"},
        "values": {"type": "array", "items": _obj(["id", "label"], {
            "id": {"type": "string", "pattern": r"^[a-z0-9_]+$"}, "label": _ref("label")})},
    })
    return {
        "index": _schema(
            "index", base_url, "policykit API index (index.json)",
            "Every region and parameter with the URL of its file; the as-of date and data commit.",
            ["schema_version", "generator", "base_url", "files", "areas",
             "regions", "counts", "registry", "coverage", "parameters", "schemas"], {
                "schema_version": {"type": "string"},
                "generator": {"type": "string"},
                "base_url": {"type": "string", "description": "URL of api/v1/"},
                "files": _obj(["catalogue", "sources", "changes"], {
                    k: _ref("file") for k in ("catalogue", "sources", "changes")}),
                "areas": {"type": "array", "items": _ref("labelled")},
                "regions": {"type": "array", "items": index_region},
                "counts": _obj(["regions", "by_level"], {
                    "regions": COUNT,
                    "by_level": {"type": "object", "additionalProperties": _obj(
                        ["regions", "local_rules"], {"regions": COUNT, "local_rules": COUNT})},
                }),
                "registry": {
                    "description": "the division registry the regions come from (policies/"
                                   "registry/), with its provenance; null without one",
                    "anyOf": [_obj(["file", "divisions", "provenance"], {
                        "file": TEXT, "divisions": COUNT,
                        "provenance": {"type": "object"}}), {"type": "null"}]},
                "coverage": coverage_schema(),
                "parameters": {"type": "array", "items": index_parameter},
                "schemas": {"type": "object", "additionalProperties": _ref("file")},
            }),
        "region": _schema(
            "region", base_url, "policykit API region file (regions/<code>.json)",
            "One region: its metadata, every own rule's full history with provenance, and the "
            "rules in force on the as-of date (own and inherited, with origin and floors).",
            ["region", "local_rules", "registry_only", "chain", "children", "rules",
             "in_force", "sources"], {
                "region": _ref("region"),
                "local_rules": {"type": "boolean",
                                "description": "the region has rules of its own; false: "
                                               "本地规则尚未收录, everything in in_force is "
                                               "inherited"},
                "registry_only": {"type": "boolean",
                                  "description": "known only from the division registry "
                                                 "(no region file)"},
                "chain": {"type": "array", "items": CODE,
                          "description": "inheritance order: itself, pooling region, parents, "
                                         "nation"},
                "children": {"type": "array", "items": CODE},
                "rules": {"type": "array", "items": _ref("rule")},
                "in_force": {"type": "array", "items": _ref("resolved")},
                "sources": {**_ref("sources_by_id"),
                            "description": "every source cited in this file"},
            }),
        "parameter": _schema(
            "parameter", base_url, "policykit API parameter file (parameters/<id>.json)",
            "One parameter across all regions: each region's own history and the value in "
            "force on the as-of date.",
            ["parameter", "regions", "sources"], {
                "parameter": _ref("parameter"),
                "regions": {"type": "array", "items": region_of_parameter},
                "sources": _ref("sources_by_id"),
            }),
        "changes": _schema(
            "changes", base_url, "policykit API rule changes (changes.json)",
            "Every dated rule change (an entry with a start), newest first, with the value "
            "in force the day before.",
            ["changes"], {"changes": {"type": "array", "items": change}}),
        "catalogue": _schema(
            "catalogue", base_url, "policykit API catalogue (catalogue.json)",
            "The parameter catalogue in its declared order (lists keep the order that the "
            "YAML maps give).",
            ["areas", "schemes", "dimensions", "parameters"], {
                "areas": {"type": "array", "items": _ref("labelled")},
                "schemes": {"type": "array", "items": _ref("labelled")},
                "dimensions": {"type": "array", "items": dimension},
                "parameters": {"type": "array", "items": _ref("parameter")},
            }),
        "sources": _schema(
            "sources", base_url, "policykit API source registry (sources.json)",
            "Every source document, by id.",
            ["sources"], {"sources": _ref("sources_by_id")}),
        "estimate": estimate_schema(base_url),
    }


def estimate_schema(base_url: str = DEFAULT_BASE_URL) -> Json:
    """The output of `policykit.estimate(...).to_plain()` and `policykit estimate
    --format json` (docs/estimate.md). Amounts in yuan, rounded outward to the fen;
    every amount is an interval (min = max when exact)."""
    money = _obj(["min", "max", "exact"], {
        "min": {"type": "number", "minimum": 0}, "max": {"type": "number", "minimum": 0},
        "exact": {"type": "boolean", "description": "min = max: no unknown affects it"}})
    amounts = {
        "out_of_scope_amt": "政策范围外费用 (全自费, 乙类先行自付, 超限价): the patient's",
        "act_pay_dedc": "起付线 taken from the in-scope cost",
        "hifp_pay": "统筹基金支付",
        "hifmi_pay": "大病保险支付",
        "maf_pay": "医疗救助支付",
        "psn_part_amt": "个人负担",
    }
    nullable_text = _nullable(TEXT)
    rule = _obj(["parameter", "breakdown", "role_zh", "value", "value_zh", "state"], {
        "parameter": PARAMETER_ID,
        "breakdown": {"type": "object", "additionalProperties": {"type": "string"}},
        "role_zh": TEXT,
        "value": _obj(["min", "max"], {
            "min": {"type": "number", "minimum": 0},
            "max": {**_nullable({"type": "number", "minimum": 0}),
                    "description": "null: no upper limit known"}}),
        "value_zh": TEXT,
        "state": {"enum": ["exact", "range", "floor", "ceiling", "bounded", "unknown",
                           "missing"],
                  "description": "missing: nothing in force on the whole inheritance chain"},
        "origin": CODE, "origin_name": TEXT, "status": TEXT, "status_zh": TEXT,
        "bound": {"enum": ["exact", "min", "max"]}, "source": TEXT,
        "source_title": nullable_text, "quote": TEXT,
        "obtained": {"enum": ["stated", "inferred", "derived"]},
        "confidence": _nullable({"enum": ["high", "medium", "low"]}),
        "checked_on": _nullable(DAY),
        "confirmation": CONFIRMATION,
        "in_force_zh": {**TEXT, "description": "the status in words, or for a value carried "
                                               "forward how old its last confirmation is"},
        "floors": {"type": "array", "items": _obj(["origin", "bound", "source", "quote"], {
            "origin": CODE, "bound": {"enum": ["exact", "min", "max"]}, "source": TEXT,
            "quote": TEXT})},
    })
    step = _obj(["step", "field", "title_zh", "note_zh", "amount", "rules"], {
        "step": {"enum": ["out_of_scope", "deductible", "fund", "critical_illness",
                          "assistance", "patient"]},
        "field": {"enum": list(amounts)}, "title_zh": TEXT, "note_zh": TEXT,
        "amount": money, "rules": {"type": "array", "items": rule}})
    inputs = _obj(["scheme", "coverage_year", "hospital_level", "person_type", "admission", "cost", "in_scope",
                   "paid_this_year", "assistance_category", "maf_paid_this_year"], {
        "scheme": {"enum": ["employee", "resident"]},
        "coverage_year": {**_nullable({"type": "integer"}),
                          "description": "when given, day is its first day"},
        "hospital_level": _nullable(TEXT), "person_type": _nullable(TEXT),
        "admission": {"type": "integer", "minimum": 1},
        "cost": {"type": "number", "minimum": 0}, "in_scope": {"type": "number", "minimum": 0},
        "paid_this_year": {"type": "number", "minimum": 0},
        "assistance_category": _nullable(TEXT),
        "maf_paid_this_year": {"type": "number", "minimum": 0}})
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": schema_url(base_url, "estimate"),
        "title": "policykit out-of-pocket estimate (policykit estimate --format json)",
        "description": "One inpatient stay settled from the published rules: each amount an "
                       "interval, each step with the rules used and their sources; "
                       "missing_zh names every value that is not known exactly.",
        **_obj(["region", "region_name", "day", "inputs", "exact", *amounts, "steps",
                "missing_zh", "not_modelled_zh", "notice_zh"], {
            "region": CODE, "region_name": TEXT, "day": DAY, "inputs": inputs,
            "exact": {"type": "boolean"},
            **{k: {**money, "description": v} for k, v in amounts.items()},
            "steps": {"type": "array", "items": step},
            "missing_zh": {"type": "array", "items": TEXT},
            "not_modelled_zh": {"type": "array", "items": TEXT},
            "notice_zh": TEXT,
        }),
    }
