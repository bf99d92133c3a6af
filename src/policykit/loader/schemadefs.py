"""The JSON Schemas of the YAML file shapes, as data.

This module is the single source of the schemas: the loader validates with these
dicts, and `python -m policykit.loader.schemadefs` writes them to `schemas/` for editors
and check-jsonschema. A test fails when the committed files drift from it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from policykit.model.entities import CODE_RE, QUOTE_NORMALISATIONS

BASE = "https://policykit.github.io/policykit/schemas/v1/"

Json = dict[str, Any]

YEAR = {"type": "integer", "minimum": 1949, "maximum": 2100}
# Year 0000 is no date (Python's `date` starts at year 1; Rust's "date" format takes it).
FULL_DATE = {"type": "string", "pattern": r"^(?!0000)\d{4}-\d{2}-\d{2}$", "format": "date"}
PARTIAL_DATE: Json = {
    "description": "YYYY, YYYY-MM or YYYY-MM-DD, precision kept as the source gives it",
    "x-policykit": "date",
    "anyOf": [
        YEAR,
        {"type": "string", "pattern": r"^(?!0000)\d{4}$"},
        {"type": "string", "pattern": r"^(?!0000)\d{4}-(0[1-9]|1[0-2])$"},
        FULL_DATE,
    ],
}
DATE: Json = {"description": "YYYY-MM-DD", "x-policykit": "date", "anyOf": [FULL_DATE]}
# A region code as JSON text, from the model's pattern. ECMA's `$` is the end of the
# string, but Python's jsonschema runs the pattern with `re.search`, where `$` also
# matches before a final newline: the length bound keeps "431223\n" out there too.
CODE_STRING: Json = {"type": "string", "pattern": f"^{CODE_RE.pattern}$", "maxLength": 6}
REGION_CODE: Json = {
    "description": "6-digit administrative code (GB/T 2260); 000000 is the nation",
    "x-policykit": "region_code",
    "anyOf": [
        CODE_STRING,
        {"type": "integer", "minimum": 0, "maximum": 999999},
    ],
}
TEXT = {"type": "string", "minLength": 1}
LABEL: Json = {
    "type": "object",
    "required": ["zh"],
    "additionalProperties": False,
    "properties": {"zh": TEXT, "en": TEXT},
}
DECIMAL = {"type": "number", "x-policykit": "number"}
RATIO_NUM = {"type": "number", "minimum": 0, "maximum": 1, "x-policykit": "ratio"}
NONNEG = {"type": "number", "minimum": 0, "x-policykit": "number"}


def ranged(scalar: Json) -> Json:
    """A scalar, or a range {min, max} of the same scalar."""
    return {
        "anyOf": [
            scalar,
            {
                "type": "object",
                "required": ["min", "max"],
                "additionalProperties": False,
                "properties": {"min": scalar, "max": scalar},
            },
        ]
    }


DURATION_UNITS = ["day", "working_day", "month", "year"]
VALUE_KEYS: dict[str, Json] = {
    "ratio": {**ranged(RATIO_NUM), "description": "share as a decimal: 0.9 means 90%"},
    "amount": {**ranged(NONNEG), "description": "money in yuan (元); 万元 and 亿元 converted"},
    "number": {**ranged(DECIMAL), "description": "a plain number, e.g. 2 for a 2:1 ratio"},
    "count": {"type": "integer", "minimum": 0, "description": "a count, e.g. 38 diseases"},
    "duration": {
        "type": "object",
        "required": ["value", "unit"],
        "additionalProperties": False,
        "description": "days or months exactly as stated: 90 days is not 3 months",
        "properties": {"value": ranged(NONNEG), "unit": {"enum": DURATION_UNITS}},
    },
    "date": {**DATE, "description": "a date that is itself the rule's value"},
    "flag": {"type": "boolean", "description": "yes/no rule (true/false only)"},
    "adjustment": {
        "type": "object",
        "required": ["value", "mode"],
        "additionalProperties": False,
        "description": "a change to another value, e.g. off-site ratio reduced by 20",
        "properties": {
            "value": NONNEG,
            "mode": {
                "enum": ["pp", "relative", "absolute", "unknown"],
                "description": "pp = percentage points; relative = percent of the value",
            },
            "direction": {"enum": ["decrease", "increase"]},
        },
    },
    "diseases": {
        "type": "object",
        "required": ["complete", "items"],
        "additionalProperties": False,
        "properties": {
            "declared_count": {"type": "integer", "minimum": 0},
            "complete": {"type": "boolean"},
            "items": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["name"],
                    "additionalProperties": False,
                    "properties": {
                        "name": TEXT,
                        "normalized": TEXT,
                        "nhsa_code": {"type": "string", "pattern": r"^M\d{5}$"},
                        "mapping": {"enum": ["confirmed", "inferred", "none"]},
                        "annual_limit": {"anyOf": [NONNEG, {"type": "null"}]},
                        "note": TEXT,
                    },
                },
            },
        },
    },
    "unknown": {**TEXT, "description": "the value is not known: say why (never 0, never a guess)"},
}

ENTRY: Json = {
    "type": "object",
    "required": ["status", "source", "quote"],
    "additionalProperties": False,
    "x-policykit": "entry",
    "oneOf": [{"required": [k]} for k in VALUE_KEYS],
    "properties": {
        "start": {**PARTIAL_DATE, "description": "first day in force (inclusive)"},
        "end": {**PARTIAL_DATE, "description": "first day no longer in force (exclusive)"},
        "observed": {**DATE, "description": "a date the source shows it in force; start unknown"},
        "status": {
            "enum": ["in_force", "planned", "draft", "temporary", "repealed", "unknown"],
        },
        "bound": {
            "enum": ["exact", "min", "max"],
            "description": "min = 不低于 (a floor for this region and those below it)",
        },
        "coverage_year": YEAR,
        "notice_year": YEAR,
        **VALUE_KEYS,
        "delta": {
            "type": "object",
            "required": ["from", "by", "mode"],
            "additionalProperties": False,
            "description": "a stated change: from X by Y (pp or relative) to this value",
            "properties": {
                "from": DECIMAL,
                "by": DECIMAL,
                "mode": {"enum": ["pp", "relative", "absolute", "unknown"]},
            },
        },
        "source": {"type": "string", "pattern": r"^[a-z0-9][a-z0-9_.-]*$"},
        "quote": {**TEXT, "description": "verbatim text of the source containing the figure"},
        "obtained": {"enum": ["stated", "inferred", "derived"]},
        "derivation": TEXT,
        "confidence": {"enum": ["high", "medium", "low"]},
        "checked_on": DATE,
        "note": TEXT,
        "acknowledge": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["check", "reason"],
                "additionalProperties": False,
                "properties": {
                    "check": {"type": "string", "pattern": r"^R\d+$"},
                    "reason": TEXT,
                },
            },
        },
    },
}

RULE: Json = {
    "type": "object",
    "required": ["parameter", "history"],
    "additionalProperties": False,
    "properties": {
        "parameter": {"type": "string", "pattern": r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$"},
        "breakdown": {
            "type": "object",
            "propertyNames": {"pattern": r"^[a-z][a-z0-9_]*$"},
            "additionalProperties": {"type": "string", "pattern": r"^[a-z0-9_]+$"},
        },
        "note": TEXT,
        "history": {"type": "array", "minItems": 1, "items": ENTRY},
    },
}

REGION_META: Json = {
    "type": "object",
    "required": ["code", "name", "level"],
    "additionalProperties": False,
    "properties": {
        "code": REGION_CODE,
        "name": LABEL,
        "level": {"enum": ["national", "province", "prefecture", "county"]},
        "parent": REGION_CODE,
        "pooling_region": REGION_CODE,
        "valid_from": PARTIAL_DATE,
        "valid_to": PARTIAL_DATE,
        "checked_on": DATE,
        "note": TEXT,
    },
}


def header(name: str, title: str, description: str) -> Json:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": BASE + name,
        "title": title,
        "description": description,
    }


def region_schema() -> Json:
    return {
        **header(
            "region.schema.json",
            "policykit region file (region.yaml)",
            "One region's metadata and its rules, each rule a dated history with provenance.",
        ),
        "type": "object",
        "required": ["region"],
        "additionalProperties": False,
        "properties": {
            "region": REGION_META,
            "rules": {"type": "array", "items": RULE},
        },
    }


def sources_schema() -> Json:
    source = {
        "type": "object",
        "required": ["id", "title", "issuer", "kind"],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "string", "pattern": r"^[a-z0-9][a-z0-9_.-]*$"},
            "title": TEXT,
            "issuer": TEXT,
            "doc_number": TEXT,
            "date": PARTIAL_DATE,
            "kind": {
                "enum": [
                    "regulation", "notice", "work_report", "news", "press_release",
                    "template", "dataset", "secondary",
                ],
            },
            "url": {"type": "string", "pattern": r"^https?://"},
            "seed": {"type": "string", "pattern": r"^[0-9A-Za-z_.-]+\.txt$"},
            "via": {
                "type": "string", "pattern": r"^[a-z0-9][a-z0-9_.-]*$",
                "description": "id of the source whose text the quotes were verified against "
                               "(e.g. a third-party copy of an official document); "
                               "`check --sources` looks for them in that source's archived text",
            },
            "quote_normalisation": {
                "enum": list(QUOTE_NORMALISATIONS),
                "description": "what is removed from the archived text before a quote is "
                               "sought in it; absent: the quote must appear exactly",
            },
            "region": {
                **REGION_CODE,
                "description": "code of the region whose own document this is (its issuer's "
                               "region); check R30 warns when a region's inherited value "
                               "rests only on another region's document",
            },
            "official": {"type": "boolean"},
            "note": TEXT,
        },
    }
    return {
        **header(
            "sources.schema.json",
            "policykit source registry (sources.yaml)",
            "Documents that values cite: title, issuer, document number, date, kind, location.",
        ),
        "type": "object",
        "required": ["sources"],
        "additionalProperties": False,
        "properties": {"sources": {"type": "array", "items": source}},
    }


def catalogue_schema() -> Json:
    ident = {"type": "string", "pattern": r"^[a-z][a-z0-9_]*$"}
    parameter = {
        "type": "object",
        "required": ["label", "area", "scheme", "type"],
        "additionalProperties": False,
        "properties": {
            "label": LABEL,
            "description": LABEL,
            "area": ident,
            "scheme": ident,
            "type": {"enum": [k for k in VALUE_KEYS if k != "unknown"]},
            "unit": LABEL,
            "dimensions": {"type": "array", "items": ident, "uniqueItems": True},
            "comparable": {"type": "boolean"},
            "higher_is": {"enum": ["better", "worse", "neutral"]},
            "by_coverage_year": {
                "type": "boolean",
                "description": "the value belongs to a coverage year (待遇年度): entries give "
                               "coverage_year, and the site shows them as \"2025 年度\"",
            },
            "aliases": {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
        },
    }
    dimension = {
        "type": "object",
        "required": ["label", "values"],
        "additionalProperties": False,
        "properties": {
            "label": LABEL,
            "values": {
                "type": "object",
                "propertyNames": {"pattern": r"^[a-z0-9_]+$"},
                "additionalProperties": LABEL,
            },
            "ordered": {
                "type": "boolean",
                "description": "values are listed in an order the checks rely on",
            },
        },
    }
    labelled = {
        "type": "object",
        "propertyNames": {"pattern": ident["pattern"]},
        "additionalProperties": LABEL,
    }
    return {
        **header(
            "catalogue.schema.json",
            "policykit parameter catalogue (catalogue.yaml)",
            "Every rule key a region may set, with labels, unit, type and dimensions.",
        ),
        "type": "object",
        "required": ["areas", "schemes", "dimensions", "parameters"],
        "additionalProperties": False,
        "properties": {
            "areas": labelled,
            "schemes": labelled,
            "dimensions": {
                "type": "object",
                "propertyNames": {"pattern": ident["pattern"]},
                "additionalProperties": dimension,
            },
            "parameters": {
                "type": "object",
                "propertyNames": {"pattern": r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$"},
                "additionalProperties": parameter,
            },
        },
    }


SCHEMAS = {
    "region.schema.json": region_schema,
    "sources.schema.json": sources_schema,
    "catalogue.schema.json": catalogue_schema,
}


def render() -> dict[str, str]:
    return {
        name: json.dumps(make(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        for name, make in SCHEMAS.items()
    }


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0] if args else "schemas")
    out.mkdir(exist_ok=True)
    for name, text in render().items():
        (out / name).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
