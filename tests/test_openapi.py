"""api/v1/openapi.json: an OpenAPI 3.1 description generated from the files' own
schemas, valid for a maintained validator (openapi-spec-validator), and describing
the files an export actually writes (issue 21)."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import jsonschema
import pytest
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError
from referencing import Registry
from referencing.jsonschema import DRAFT202012

import policykit
from conftest import REPO
from policykit.publish.api.export import export_api
from policykit.publish.api.openapi import openapi

AS_OF = "2025-06-01"


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("oa")
    export_api(policykit.load(REPO / "policies"), out, AS_OF, commit="abc1234")
    return out / "api" / "v1"


def test_exported_openapi_is_valid_3_1(api: Path) -> None:
    doc = json.loads((api / "openapi.json").read_text(encoding="utf-8"))
    assert doc["openapi"] == "3.1.0"
    validate(doc)


def test_a_broken_description_is_rejected() -> None:
    doc = openapi()
    broken = copy.deepcopy(doc)
    # the region code of the path template left undeclared
    del broken["paths"]["/regions/{code}.json"]["get"]["parameters"]
    with pytest.raises(OpenAPIValidationError):
        validate(broken)


def test_every_path_is_a_file_the_export_writes_and_matches_its_schema(api: Path) -> None:
    doc = openapi()
    registry = Registry().with_resource("urn:openapi", DRAFT202012.create_resource(doc))
    examples = {"code": "441800", "id": "resident.inpatient.ratio"}
    for path, item in doc["paths"].items():
        rel = re.sub(r"\{(\w+)\}", lambda m: examples[m.group(1)], path).lstrip("/")
        data = json.loads((api / rel).read_text(encoding="utf-8"))
        ref = item["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        validator = jsonschema.Draft202012Validator({"$ref": "urn:openapi" + ref},
                                                    registry=registry)
        errors = list(validator.iter_errors(data))
        assert not errors, (path, errors[0].message)
        assert not validator.is_valid({**data, "unexpected": 1}), path
