"""`extract` reads the catalogue as the loader does: YAML 1.2, schema-validated."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import EXAMPLES
from policykit.extract import load_catalogue
from policykit.extract.errors import ExtractError
from policykit.loader.build import load_tree

BASIC = EXAMPLES / "valid" / "basic" / "policies"

# Each of these reads differently under YAML 1.1 (PyYAML's safe_load): `no` and `Off`
# are false, `1_000` is 1000, an unquoted date is a date and the key `on` is True.
DIMENSION = """\
  hospital_level:
    label: {zh: 医院等级, en: no}
    ordered: true
    values:
      level1: {zh: 一级医院, en: 1_000}
      level3: {zh: 三级医院, en: 2021-08-24}
      on: {zh: 开, en: Off}
"""


def _folder(tmp_path: Path, dimension: str) -> Path:
    root = tmp_path / "policies"
    shutil.copytree(BASIC, root)
    cat = root / "catalogue.yaml"
    text = cat.read_text(encoding="utf-8")
    start = text.index("  hospital_level:\n")
    end = text.index("parameters:\n")
    cat.write_text(text[:start] + dimension + text[end:], encoding="utf-8")
    return root


def test_catalogue_values_read_as_yaml_1_2(tmp_path: Path) -> None:
    root = _folder(tmp_path, DIMENSION)
    cat = load_catalogue(root / "catalogue.yaml")
    dim = cat.dimensions["hospital_level"]
    assert dim.label.en == "no"
    assert dim.value_ids() == ("level1", "level3", "on")
    assert [dim.value_label(v).en for v in dim.value_ids()] == ["1_000", "2021-08-24", "Off"]
    # the same catalogue as the loader's
    loaded = load_tree(root, "p").policyset
    assert loaded is not None and loaded.catalogue.dimensions == cat.dimensions


def test_catalogue_against_the_schema(tmp_path: Path) -> None:
    """`0o12` is an integer in YAML 1.2 (a string in 1.1): a label must be text, and
    the error names the loader's diagnostic and its line."""
    root = _folder(tmp_path, DIMENSION.replace("en: Off", "en: 0o12"))
    with pytest.raises(ExtractError) as info:
        load_catalogue(root / "catalogue.yaml")
    assert info.value.code == "E_EXTRACT_CATALOGUE"
    assert "E_TYPE 15:23 " in info.value.message_en
    assert "/dimensions/hospital_level/values/on/en" in info.value.message_en
