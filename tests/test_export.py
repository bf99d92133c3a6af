"""`policykit export`: the static JSON API on the bundled data.

The export runs once through the real CLI (module fixture); the tests read what it
wrote: every file validates against its published schema (jsonschema and the
check-jsonschema command), the API loads back into a PolicySet equal to the YAML
one, resolved values match the library, two exports are byte-identical and a
failed export leaves the previous output untouched.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import policykit
from conftest import POLICIES, REPO, CliResult, run_cli
from policykit.client import ApiError, load_api
from policykit.loader import schemadefs
from policykit.model.changes import day_before, restates
from policykit.model.entities import value_to_plain
from policykit.publish.api import schema as apischema
from policykit.publish.api.export import (
    api_documents,
    api_entry,
    change_to_plain,
    data_commit,
    document_bytes,
    export_api,
)
from policykit.util.atomic import atomic_output

AS_OF = "2025-06-01"
COMMIT = "0123456789abcdef0123456789abcdef01234567"
FORMATS = jsonschema.Draft202012Validator.FORMAT_CHECKER


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def shape_of(rel: str) -> str:
    if rel.startswith("regions/"):
        return "region"
    if rel.startswith("parameters/"):
        return "parameter"
    return rel.removesuffix(".json")


def export_cli(out: Path, *extra: str, env: dict[str, str | None] | None = None
               ) -> CliResult:
    return run_cli("export", str(POLICIES), "--out", str(out), "--as-of", AS_OF, *extra,
                   env={"POLICYKIT_COMMIT": COMMIT, **(env or {})})


@pytest.fixture(scope="module")
def ps() -> policykit.PolicySet:
    return policykit.load(POLICIES)


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("export") / "site"
    proc = export_cli(target)
    assert proc.returncode == 0, proc.stderr
    assert "exported" in proc.stderr
    return target


@pytest.fixture(scope="module")
def api(out: Path) -> Path:
    return out / "api" / "v1"


def api_json_files(api: Path) -> list[Path]:
    """The data documents: not the descriptions (schemas/, openapi.json)."""
    return [p for p in sorted(api.rglob("*.json"))
            if p.relative_to(api).parts[0] not in ("schemas", "openapi.json")]


def load_json(p: Path) -> Any:
    return json.loads(p.read_text(encoding="utf-8"))


# -- schemas ----------------------------------------------------------------------------
def test_every_file_validates_against_its_published_schema(api: Path) -> None:
    schemas = {s: load_json(api / "schemas" / f"{s}.schema.json") for s in apischema.SHAPES}
    seen = set()
    for path in api_json_files(api):
        rel = path.relative_to(api).as_posix()
        shape = shape_of(rel)
        doc = load_json(path)
        assert doc["$schema"] == schemas[shape]["$id"], rel
        validator = jsonschema.Draft202012Validator(schemas[shape], format_checker=FORMATS)
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(doc)]
        assert errors == [], rel
        seen.add(shape)
    assert seen == set(apischema.SHAPES)


def test_published_schemas_are_2020_12_with_ids_under_the_api(api: Path) -> None:
    for shape in apischema.SHAPES:
        schema = load_json(api / "schemas" / f"{shape}.schema.json")
        jsonschema.Draft202012Validator.check_schema(schema)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["$id"] == (f"{apischema.DEFAULT_BASE_URL}api/v1/schemas/"
                                 f"{shape}.schema.json")


def test_schemas_reject_drift(api: Path) -> None:
    """The schemas are closed: an unexpected field or a ratio given as 90 fails."""
    schema = load_json(api / "schemas" / "region.schema.json")
    doc = load_json(api / "regions" / "441800.json")
    validator = jsonschema.Draft202012Validator(schema, format_checker=FORMATS)
    assert validator.is_valid(doc)
    assert not validator.is_valid({**doc, "extra": 1})
    bad = json.loads(json.dumps(doc))
    entry = next(e for r in bad["rules"] for e in r["history"] if "ratio" in e["value"])
    entry["value"]["ratio"] = 90
    assert not validator.is_valid(bad)


def test_check_jsonschema_accepts_every_file(api: Path) -> None:
    by_shape: dict[str, list[str]] = {}
    for path in api_json_files(api):
        by_shape.setdefault(shape_of(path.relative_to(api).as_posix()), []).append(str(path))
    exe = Path(sys.executable).parent / "check-jsonschema"
    for shape, files in sorted(by_shape.items()):
        proc = subprocess.run(
            [str(exe), "--schemafile", str(api / "schemas" / f"{shape}.schema.json"), *files],
            capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stdout + proc.stderr


def test_yaml_schemas_are_published_too(api: Path) -> None:
    for name, text in schemadefs.render().items():
        assert (api / "schemas" / "yaml" / name).read_text(encoding="utf-8") == text
        assert (REPO / "schemas" / name).read_text(encoding="utf-8") == text


def test_base_url_moves_every_url_and_id(ps: policykit.PolicySet) -> None:
    docs = dict(api_documents(ps, AS_OF, "https://example.org/med/"))
    assert docs["index.json"]["base_url"] == "https://example.org/med/api/v1/"
    assert docs["index.json"]["regions"][0]["url"].startswith("https://example.org/med/api/v1/")
    assert docs["schemas/region.schema.json"]["$id"] == \
        "https://example.org/med/api/v1/schemas/region.schema.json"
    assert docs["regions/441800.json"]["$schema"] == \
        "https://example.org/med/api/v1/schemas/region.schema.json"


# -- content ----------------------------------------------------------------------------
def test_round_trip_equals_the_yaml(ps: policykit.PolicySet, api: Path, out: Path) -> None:
    assert load_api(api, validate=True) == ps
    assert load_api(out) == ps  # the site folder works too
    assert load_api(api / "index.json") == ps


def test_round_trip_notices_a_changed_value(ps: policykit.PolicySet, api: Path,
                                            tmp_path: Path) -> None:
    copy = tmp_path / "v1"
    shutil.copytree(api, copy)
    path = copy / "regions" / "441800.json"
    doc = load_json(path)
    entry = next(e for r in doc["rules"] for e in r["history"] if "ratio" in e["value"])
    value = entry["value"]
    value["ratio"] = 0.61 if value["ratio"] != 0.61 else 0.62
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    assert load_api(copy) != ps


def test_index_lists_every_region_and_parameter(ps: policykit.PolicySet, api: Path) -> None:
    index = load_json(api / "index.json")
    assert index["as_of"] == AS_OF
    assert index["commit"] == COMMIT
    assert index["schema_version"] == apischema.SCHEMA_VERSION
    assert [r["code"] for r in index["regions"]] == sorted(ps.regions)
    assert [p["id"] for p in index["parameters"]] == list(ps.catalogue.parameters)
    for item in index["regions"] + index["parameters"]:
        assert (api / item["path"]).is_file()
        assert item["url"] == index["base_url"] + item["path"]
    chenxi = next(r for r in index["regions"] if r["code"] == "431223")
    assert chenxi["name"]["zh"] == "辰溪县"
    assert chenxi["parent"] == "431200" and chenxi["pooling_region"] == "431200"
    ratio = next(p for p in index["parameters"] if p["id"] == "resident.inpatient.ratio")
    assert ratio["type"] == "ratio" and ratio["comparable"] is True


def test_region_file_gives_full_history_and_rules_in_force(ps: policykit.PolicySet,
                                                           api: Path) -> None:
    for code in ps.regions:
        doc = load_json(api / "regions" / f"{code}.json")
        own = {(r["parameter"], tuple(sorted(r["breakdown"].items()))): r["history"]
               for r in doc["rules"]}
        assert own == {(p, bk): [api_entry(e) for e in es]
                       for (c, p, bk), es in ps.rules.items() if c == code}
        expected = ps.in_force(code, AS_OF)
        got = {(r["parameter"], tuple(sorted(r["breakdown"].items()))): r
               for r in doc["in_force"]}
        assert set(got) == set(expected)
        for key, r in expected.items():
            assert got[key]["origin"] == r.origin
            assert got[key]["inherited"] == (r.origin != code)
            assert got[key]["entry"] == api_entry(r.entry)
            assert [f["origin"] for f in got[key]["floors"]] == [f.origin for f in r.floors]
            assert r.entry.source in doc["sources"]
        assert doc["chain"] == list(ps.chain(code))


def test_inherited_value_names_its_origin(api: Path) -> None:
    """清远 has no maternity rate of its own: 广东's 1 % is in force there."""
    doc = load_json(api / "regions" / "441800.json")
    row = next(r for r in doc["in_force"] if r["parameter"] == "maternity.contribution.rate")
    assert row["origin"] == "440000" and row["inherited"] is True
    assert row["entry"]["value"] == {"ratio": 0.01}
    assert row["value_zh"] == "1%"


def test_parameter_file_gives_value_in_force_per_region(ps: policykit.PolicySet,
                                                        api: Path) -> None:
    for pid in ps.catalogue.parameters:
        doc = load_json(api / "parameters" / f"{pid}.json")
        assert doc["parameter"]["id"] == pid
        for region in doc["regions"]:
            for row in region["in_force"]:
                r = ps.value(region["code"], pid, AS_OF, **row["breakdown"])
                assert r is not None and row["entry"] == api_entry(r.entry)
            for rule in region["rules"]:
                bk = tuple(sorted(rule["breakdown"].items()))
                entries = ps.rules[(region["code"], pid, bk)]
                assert [(h["status"], h["value"], h["source"], h.get("start"), h.get("end"),
                         h.get("observed")) for h in rule["history"]] == \
                    [(e.status, value_to_plain(e.value), e.source, e.start, e.end, e.observed)
                     for e in entries]
        own_regions = {c for (c, p, _) in ps.rules if p == pid}
        assert own_regions <= {r["code"] for r in doc["regions"]}


def test_aliases_keep_old_parameter_urls(ps: policykit.PolicySet, tmp_path: Path) -> None:
    pid = "resident.inpatient.ratio"
    p = replace(ps.catalogue.parameters[pid], aliases=("resident.hospital.ratio",))
    cat = replace(ps.catalogue, parameters={**ps.catalogue.parameters, pid: p})
    renamed = policykit.PolicySet(cat, ps.regions, ps.sources, ps.rules)
    export_api(renamed, tmp_path, AS_OF)
    api = tmp_path / "api" / "v1"
    assert (api / "parameters" / "resident.hospital.ratio.json").read_bytes() == \
        (api / "parameters" / f"{pid}.json").read_bytes()
    assert load_api(api) == renamed


def test_changes_newest_first_with_previous_value(ps: policykit.PolicySet, api: Path) -> None:
    doc = load_json(api / "changes.json")
    items = doc["changes"]
    assert items == [change_to_plain(c, ps.catalogue) for c in ps.changes()]
    dates = [c["date"] for c in items]
    assert dates == sorted(dates, reverse=True)
    # Every dated entry is a change unless it restates the value in force the day before.
    dated = kept = 0
    for (code, pid, bk), es in ps.rules.items():
        for e in es:
            if e.start is None or e.begins is None:
                continue
            dated += 1
            day = day_before(e.begins)
            before = None if day is None else ps.value_at(code, pid, day, bk)
            kept += before is None or not restates(before.entry, e)
    assert len(items) == kept < dated        # the seed data restates a value at least once
    # 2025: the national floor for the resident fiscal subsidy rose from 670 to 700 yuan
    c = next(c for c in items if c["region"] == "000000" and c["date"] == "2025-01-01"
             and c["parameter"] == "resident.fiscal_subsidy")
    assert c["entry"]["value"] == {"amount": 700} and c["entry"]["bound"] == "min"
    assert c["previous"]["value"] == {"amount": 670} and c["previous"]["origin"] == "000000"
    assert c["previous"]["value_zh"].startswith("不低于 670")


def test_output_is_lossless_for_exact_decimals(api: Path) -> None:
    """东莞's 2.1 % employee rate is written as 0.021, not a float artefact."""
    text = (api / "regions" / "441900.json").read_text(encoding="utf-8")
    assert '"ratio": 0.021' in text
    assert "0.020999" not in text and "0.021000" not in text
    assert "\\u" not in text  # Chinese is written as UTF-8, not escaped


# -- determinism and atomicity --------------------------------------------------------------
def test_two_exports_are_byte_identical(out: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    proc = export_cli(again)
    assert proc.returncode == 0, proc.stderr
    assert tree(again) == tree(out)


def test_source_date_epoch_pins_the_as_of_date(tmp_path: Path) -> None:
    env = {"SOURCE_DATE_EPOCH": "1735732800", "POLICYKIT_COMMIT": ""}  # 2025-01-01T12:00Z
    proc = run_cli("export", str(POLICIES), "--out", str(tmp_path / "o"), "--no-tables",
                   env=env)
    assert proc.returncode == 0, proc.stderr
    index = load_json(tmp_path / "o" / "api" / "v1" / "index.json")
    assert index["as_of"] == "2025-01-01"
    assert index["commit"] is None
    assert not (tmp_path / "o" / "downloads").exists()


def test_failed_export_leaves_previous_output_intact(
        out: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from policykit.cli import main as cli
    from policykit.publish import tables

    target = tmp_path / "site"
    shutil.copytree(out, target)
    before = tree(target)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    # The XLSX is the last file written: by then the API and the CSVs are staged.
    monkeypatch.setattr(tables, "write_xlsx", broken)
    monkeypatch.setenv("POLICYKIT_COMMIT", COMMIT)
    with pytest.raises(RuntimeError, match="disk on fire"):
        cli.main(["export", str(POLICIES), "--out", str(target), "--as-of", "2030-01-01"])
    assert tree(target) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # no staging left


def test_write_error_is_reported_not_raised(
        out: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from policykit.cli import main as cli
    from policykit.publish.api import export

    target = tmp_path / "site"
    shutil.copytree(out, target)
    before = tree(target)
    calls = []

    def failing(path: Path, data: bytes) -> None:
        calls.append(path)
        if len(calls) > 3:
            raise OSError(28, "No space left on device")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    monkeypatch.setattr(export, "write_bytes", failing)
    code = cli.main(["export", str(POLICIES), "--out", str(target), "--as-of", AS_OF])
    assert code == 1
    assert "No space left on device" in capsys.readouterr().err
    assert tree(target) == before


def test_atomic_output_swaps_only_on_success(tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.mkdir()
    (target / "old.txt").write_text("old")
    with pytest.raises(ValueError), atomic_output(target) as staging:
        (staging / "new.txt").write_text("new")
        raise ValueError("stop")
    assert tree(target) == {"old.txt": b"old"}
    with atomic_output(target) as staging:
        assert staging.parent == target.parent and staging != target
        (staging / "new.txt").write_text("new")
    assert tree(target) == {"new.txt": b"new"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_atomic_output_creates_a_missing_target(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b"
    with atomic_output(target) as staging:
        (staging / "x").write_text("1")
    assert tree(target) == {"x": b"1"}


# -- the command line -----------------------------------------------------------------------
@pytest.mark.parametrize(("args", "message"), [
    (["--as-of", "2025-02-30"], "invalid --as-of date"),
    (["--base-url", "ftp://x"], "--base-url must start with http"),
])
def test_bad_options_are_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    proc = run_cli("export", str(POLICIES), "--out", str(tmp_path / "o"), *args)
    assert proc.returncode == 2
    assert message in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "o").exists()


def test_bad_source_date_epoch_is_a_usage_error(tmp_path: Path) -> None:
    proc = run_cli("export", str(POLICIES), "--out", str(tmp_path / "o"),
                   env={"SOURCE_DATE_EPOCH": "yesterday"})
    assert proc.returncode == 2 and "SOURCE_DATE_EPOCH" in proc.stderr


def test_refuses_to_replace_the_policy_data(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(POLICIES, data / "policies")
    proc = run_cli("export", str(data / "policies"), "--out", str(data))
    assert proc.returncode == 2 and "contains the policy data" in proc.stderr
    assert (data / "policies" / "catalogue.yaml").is_file()


def test_refuses_a_foreign_folder_without_force(tmp_path: Path) -> None:
    foreign = tmp_path / "docs"
    foreign.mkdir()
    (foreign / "notes.md").write_text("mine")
    proc = run_cli("export", str(POLICIES), "--out", str(foreign), "--no-tables")
    assert proc.returncode == 2 and "--force" in proc.stderr
    assert (foreign / "notes.md").read_text() == "mine"
    proc = run_cli("export", str(POLICIES), "--out", str(foreign), "--no-tables", "--force")
    assert proc.returncode == 0, proc.stderr
    assert not (foreign / "notes.md").exists()


def test_data_with_errors_is_not_exported(tmp_path: Path) -> None:
    bad = REPO / "tests" / "examples" / "invalid" / "unknown_source"
    proc = run_cli("export", str(bad), "--out", str(tmp_path / "o"))
    assert proc.returncode == 1
    assert "E_UNKNOWN_SOURCE" in proc.stdout + proc.stderr
    assert not (tmp_path / "o").exists()


def test_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    proc = run_cli("export", str(tmp_path / "nope"), "--out", str(tmp_path / "o"))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


# -- the data commit --------------------------------------------------------------------------
def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org",
                           "-c", "commit.gpgsign=false", *args], cwd=cwd, check=True,
                          capture_output=True, text=True).stdout.strip()


def test_data_commit_is_head_only_when_the_data_is_clean(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "POLICYKIT_COMMIT"}
    assert data_commit(tmp_path, env) is None  # not a repository
    git(tmp_path, "init", "-q")
    data = tmp_path / "policies"
    data.mkdir()
    (data / "catalogue.yaml").write_text("a: 1\n")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "data")
    head = git(tmp_path, "rev-parse", "HEAD")
    assert data_commit(data, env) == head
    (tmp_path / "elsewhere.txt").write_text("x")  # outside the data: still clean
    assert data_commit(data, env) == head
    (data / "catalogue.yaml").write_text("a: 2\n")
    assert data_commit(data, env) is None
    assert data_commit(data, {**env, "POLICYKIT_COMMIT": "ABC1234"}) == "abc1234"


# -- the client ------------------------------------------------------------------------------
def test_client_reports_missing_and_malformed_files(api: Path, tmp_path: Path) -> None:
    with pytest.raises(ApiError, match="cannot read"):
        load_api(tmp_path)
    copy = tmp_path / "v1"
    shutil.copytree(api, copy)
    (copy / "regions" / "441800.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ApiError, match="not valid JSON"):
        load_api(copy)
    (copy / "regions" / "441800.json").write_text('{"api_version": "v0"}', encoding="utf-8")
    with pytest.raises(ApiError, match="not a policykit API v1 file"):
        load_api(copy)
    doc = load_json(api / "regions" / "441800.json")
    del doc["rules"][0]["history"][0]["quote"]
    (copy / "regions" / "441800.json").write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(ApiError, match="region schema"):
        load_api(copy, validate=True)
    with pytest.raises(ApiError, match="incomplete or malformed"):
        load_api(copy)


def test_client_reads_over_http(api: Path, ps: policykit.PolicySet) -> None:
    import http.server
    import threading

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(api), **kwargs)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            url = f"http://127.0.0.1:{server.server_address[1]}/"
            assert load_api(url) == ps
            with pytest.raises(ApiError, match="cannot read"):
                load_api(url + "nothing/")
        finally:
            server.shutdown()
            thread.join()


def test_streamed_changes_equal_the_whole_document_encoding(ps: policykit.PolicySet,
                                                            api: Path) -> None:
    from policykit.publish.api.export import JsonList
    from policykit.util.jsonio import json_bytes

    docs = dict(api_documents(ps, AS_OF, commit=COMMIT))
    streamed = docs["changes.json"]
    assert isinstance(streamed, JsonList)
    whole = json_bytes(streamed.plain())
    assert (api / "changes.json").read_bytes() == whole
    assert len(load_json(api / "changes.json")["changes"]) > 1
    empty = JsonList({"$schema": "x", "api_version": "v1"}, "changes", iter(()))
    assert document_bytes(empty) == json_bytes({"$schema": "x", "api_version": "v1",
                                                "changes": []})


@pytest.mark.parametrize("code", ["441800\n", "٤٤١٨٠٠", "../000"])
def test_region_file_name_is_six_ascii_digits(code: str) -> None:
    """A region code becomes a file name only when it is six ASCII digits, the whole
    string (the model's CODE_RE): a trailing newline once slipped through `$`."""
    from policykit.publish.api.export import ExportError, region_path

    assert region_path("441800") == "regions/441800.json"
    with pytest.raises(ExportError):
        region_path(code)


# -- one value shape, and the as-of date and commit on every document (issue 21) --------
def _values(x: Any, where: str = "") -> Iterator[tuple[str, Any]]:
    """Every (path, object) of a document that holds a value: a dict with `value`."""
    if isinstance(x, dict):
        if "value" in x and isinstance(x["value"], dict):
            yield where, x["value"]
        for k, v in x.items():
            yield from _values(v, f"{where}/{k}")
    elif isinstance(x, list):
        for i, v in enumerate(x):
            yield from _values(v, f"{where}/{i}")


def test_one_value_definition_across_the_api_schemas(api: Path) -> None:
    value_keys = set(schemadefs.VALUE_KEYS)
    for shape in apischema.SHAPES:
        schema = load_json(api / "schemas" / f"{shape}.schema.json")
        defs = schema["$defs"]
        text = json.dumps(schema)
        # no entry-like shape (one with a status and a source) carries a value key itself
        for name, d in defs.items():
            props = set(d.get("properties", {}))
            if name != "value" and {"status", "source"} <= props:
                assert not value_keys & props, (shape, name)
        if "value" in defs:
            assert set(defs["value"]["properties"]) == value_keys
        for name in ("entry", "ref"):
            if name in defs:
                assert defs[name]["properties"]["value"] == {"$ref": "#/$defs/value"}
        assert text.count('"ratio": {') == (1 if "value" in defs else 0), shape


def test_in_force_floors_and_changes_share_the_value_shape(api: Path) -> None:
    region = load_json(api / "regions" / "441800.json")
    changes = load_json(api / "changes.json")
    samples = [r["entry"] for r in region["in_force"]]
    samples += [f for r in region["in_force"] for f in r["floors"]]
    samples += [c["entry"] for c in changes["changes"][:50]]
    assert samples and all(set(s["value"]) <= set(schemadefs.VALUE_KEYS) for s in samples)
    assert all(len(s["value"]) == 1 and not set(s) & set(schemadefs.VALUE_KEYS)
               for s in samples)
    row = next(r for r in region["in_force"] if r["parameter"] == "maternity.contribution.rate")
    assert row["entry"]["value"] == {"ratio": 0.01}


def test_every_document_has_as_of_and_commit(api: Path) -> None:
    paths = api_json_files(api)
    assert {p.name for p in paths} >= {"index.json", "changes.json", "catalogue.json",
                                       "sources.json"}
    for path in paths:
        doc = load_json(path)
        assert doc["as_of"] == AS_OF and doc["commit"] == COMMIT, path


def test_every_value_in_a_document_is_a_value(api: Path) -> None:
    for name in ("regions/441800.json", "changes.json",
                 "parameters/resident.inpatient.ratio.json"):
        found = list(_values(load_json(api / name)))
        assert found, name
        for where, value in found:
            assert len(value) == 1 and set(value) <= set(schemadefs.VALUE_KEYS), (name, where)
