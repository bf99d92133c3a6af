"""`policykit extract` as an officer runs it: formats, --write, and bad input without tracebacks."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from conftest import CliResult, run_extract_cli
from policykit.loader.schemadefs import region_schema

REPO = Path(__file__).resolve().parents[1]
SEEDS = Path(__file__).resolve().parents[1] / "archive"  # the seed documents, in the repo
POLICIES = REPO / "policies"
# The five seed documents are named <n>_<16 hex digits>.txt; other archived texts (e.g. a
# third-party verification record, archive/README.md) are not notices to extract from.
SEED_FILES = sorted(p.name for p in SEEDS.glob("*.txt")
                    if re.fullmatch(r"\d{3}_[0-9a-f]{16}\.txt", p.name))


def test_the_five_seed_documents_are_archived() -> None:
    assert len(SEED_FILES) == 5, SEED_FILES



def extract_cli(*args: str, cwd: Path = REPO) -> CliResult:
    # The standalone entry point is the same code `policykit extract` registers.
    return run_extract_cli(*args, cwd=cwd)


def assert_clean_failure(r: CliResult, code: str, rc: int) -> None:
    assert r.returncode == rc, r.stderr
    assert "Traceback" not in r.stderr
    assert code in r.stderr
    assert any("\u4e00" <= c <= "\u9fff" for c in r.stderr)   # a Chinese message
    assert r.stdout == ""


def validate_rules(rules: list[Any]) -> None:
    doc = {"region": {"code": "441800", "name": {"zh": "清远市"}, "level": "prefecture",
                      "parent": "440000"}, "rules": rules}
    errors = list(jsonschema.Draft202012Validator(region_schema()).iter_errors(doc))
    assert not errors, [e.message for e in errors]


@pytest.mark.parametrize("seed", SEED_FILES)
def test_yaml_output_is_a_valid_region_fragment(seed: str) -> None:
    r = extract_cli(str(SEEDS / seed))
    assert r.returncode == 0, r.stderr
    data = yaml.safe_load(r.stdout)
    rules = data["rules"]
    validate_rules(rules)
    catalogue = yaml.safe_load((POLICIES / "catalogue.yaml").read_text(encoding="utf-8"))
    original = (SEEDS / seed).read_text(encoding="utf-8")
    for rule in rules:
        param = catalogue["parameters"][rule["parameter"]]
        for dim, value in (rule.get("breakdown") or {}).items():
            assert dim in param.get("dimensions", [])
            assert value in catalogue["dimensions"][dim]["values"]
        for entry in rule["history"]:
            assert entry["status"] == "draft"
            assert entry["quote"] in original
            assert param["type"] in entry


def test_source_id_comes_from_the_registry() -> None:
    r = extract_cli(str(SEEDS / "002_c6ccd856a7e7a186.txt"), "--format", "json")
    payload = json.loads(r.stdout)
    assert payload["source"] == "qy-2021-08-24"
    assert payload["document_date"] == "2021-08-24"
    roles = payload["counts"]
    assert roles["rule"] >= 9 and roles["statistic"] > 0
    r = extract_cli(str(SEEDS / "002_c6ccd856a7e7a186.txt"), "--source-id", "my-notice")
    assert "source: my-notice" in r.stdout


def test_table_view() -> None:
    r = extract_cli(str(SEEDS / "000_8df7c2dfe92bb1ba.txt"), "--format", "table")
    assert r.returncode == 0
    assert "employee.contribution.total_rate" in r.stdout
    assert "规则(上级)" in r.stdout        # the province's 70% floor, marked
    r_all = extract_cli(str(SEEDS / "000_8df7c2dfe92bb1ba.txt"), "--format", "table", "--all")
    assert "统计" in r_all.stdout and len(r_all.stdout) > len(r.stdout)


def test_html_input(tmp_path: Path) -> None:
    page = tmp_path / "notice.html"
    page.write_text(
        "<html><body><h1>通知</h1><p>城乡居民住院报销比例为：一级医院<strong>90%</strong>，"
        "二级医院75%，三级医院60%。</p></body></html>", encoding="utf-8")
    r = extract_cli(str(page), "--format", "json")
    assert r.returncode == 0, r.stderr
    props = [p for p in json.loads(r.stdout)["proposals"] if p["role"] == "rule"]
    raw = page.read_text(encoding="utf-8")
    assert [p["value"] for p in props] == [0.9, 0.75, 0.6]
    assert all(p["quote"] in raw for p in props)


def test_write_appends_drafts_and_is_idempotent(tmp_path: Path) -> None:
    from policykit.loader.build import load_tree

    root = tmp_path / "policies"
    shutil.copytree(POLICIES, root)
    region = next(root.rglob("441800-*/region.yaml"))
    # The region as it was before anyone entered the seed: metadata and comments only.
    header = region.read_text(encoding="utf-8").split("\nrules:")[0] + "\n"
    region.write_text(header + "rules: []\n# 结尾注释 trailing comment\n", encoding="utf-8")
    r = extract_cli(str(SEEDS / "002_c6ccd856a7e7a186.txt"), "--region", "441800", "--write",
                    "--root", str(root))
    assert r.returncode == 0, r.stderr
    after = region.read_text(encoding="utf-8")
    assert after.startswith(header)                       # header and comments untouched
    assert after.rstrip().endswith("# 结尾注释 trailing comment")
    data = yaml.safe_load(after)
    assert len(data["rules"]) == 9
    assert {e["status"] for rule in data["rules"] for e in rule["history"]} == {"draft"}
    result = load_tree(root)
    errors = [d for d in result.diagnostics if d.severity == "error"]
    assert not errors, [d.message_en for d in errors]
    again = extract_cli(str(SEEDS / "002_c6ccd856a7e7a186.txt"), "--region", "441800", "--write",
                        "--root", str(root))
    assert again.returncode == 0
    assert region.read_text(encoding="utf-8") == after
    assert "追加 0 条" in again.stderr


def test_write_extends_an_existing_rule_history(tmp_path: Path) -> None:
    from policykit.loader.build import load_tree

    root = tmp_path / "policies"
    shutil.copytree(POLICIES, root)
    region = next(root.rglob("441800-*/region.yaml"))
    before = region.read_text(encoding="utf-8")
    doc = tmp_path / "n.txt"
    doc.write_text("城乡居民住院报销比例为:一级医院92%。", encoding="utf-8")
    r = extract_cli(str(doc), "--region", "441800", "--write", "--root", str(root),
                    "--source-id", "qy-2021-08-24")
    assert r.returncode == 0, r.stderr
    data = yaml.safe_load(region.read_text(encoding="utf-8"))
    old = yaml.safe_load(before)
    assert len(data["rules"]) == len(old["rules"])        # no second rule for the same key
    (rule,) = [x for x in data["rules"] if x["parameter"] == "resident.inpatient.ratio"
               and x.get("breakdown") == {"hospital_level": "level1"}]
    assert rule["history"][-1]["ratio"] == 0.92
    assert rule["history"][-1]["status"] == "draft"
    assert not [d for d in load_tree(root).diagnostics if d.severity == "error"]


def test_write_reads_the_region_as_yaml_1_2(tmp_path: Path) -> None:
    """An unquoted date is a string in YAML 1.2 (the loader's reading) but a date in
    YAML 1.1: the schema check before writing once refused a file the loader accepts."""
    from policykit.loader.build import load_tree

    root = tmp_path / "policies"
    shutil.copytree(POLICIES, root)
    region = next(root.rglob("441800-*/region.yaml"))
    text = region.read_text(encoding="utf-8")
    assert '        observed: "2021-08-24"' in text
    region.write_text(text.replace('        observed: "2021-08-24"', "        observed: 2021-08-24"),
                      encoding="utf-8")
    assert not [d for d in load_tree(root).diagnostics if d.severity == "error"]
    doc = tmp_path / "n.txt"
    doc.write_text("城乡居民住院报销比例为:一级医院92%。", encoding="utf-8")
    r = extract_cli(str(doc), "--region", "441800", "--write", "--root", str(root),
                    "--source-id", "qy-2021-08-24")
    assert r.returncode == 0, r.stderr
    assert "0.92" in region.read_text(encoding="utf-8")
    assert not [d for d in load_tree(root).diagnostics if d.severity == "error"]


def test_nothing_is_written_without_write(tmp_path: Path) -> None:
    root = tmp_path / "policies"
    shutil.copytree(POLICIES, root)
    doc = tmp_path / "n.txt"
    doc.write_text("城乡居民住院报销比例为:一级医院90%。", encoding="utf-8")
    stamp = {p: p.read_bytes() for p in root.rglob("*.yaml")}
    assert extract_cli(str(doc), "--region", "441800", "--root", str(root)).returncode == 0
    assert stamp == {p: p.read_bytes() for p in root.rglob("*.yaml")}


def test_write_to_a_region_without_rules(tmp_path: Path) -> None:
    root = tmp_path / "policies"
    shutil.copytree(POLICIES, root)
    region = next(root.rglob("370000-*/region.yaml"))
    text = region.read_text(encoding="utf-8")
    doc = tmp_path / "n.txt"
    doc.write_text("城乡居民住院报销比例为:一级医院90%。", encoding="utf-8")
    r = extract_cli(str(doc), "--region", "370000", "--write", "--root", str(root),
                    "--source-id", "dz-2020-05-13")
    assert r.returncode == 0, r.stderr
    data = yaml.safe_load(region.read_text(encoding="utf-8"))
    assert data["rules"][-1]["parameter"] == "resident.inpatient.ratio"
    assert region.read_text(encoding="utf-8").startswith(text.rstrip("\n").split("rules:")[0])


@pytest.mark.parametrize(("data", "code"), [
    (b"", "E_EXTRACT_EMPTY"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "E_EXTRACT_BINARY"),
    (bytes(range(0x80, 0x100)) * 40, "E_EXTRACT_ENCODING"),
])
def test_bad_files_fail_cleanly(tmp_path: Path, data: bytes, code: str) -> None:
    p = tmp_path / "input.txt"
    p.write_bytes(data)
    assert_clean_failure(extract_cli(str(p)), code, 1)


def test_huge_file_fails_cleanly(tmp_path: Path) -> None:
    p = tmp_path / "huge.txt"
    with p.open("wb") as f:
        f.truncate(50 * 1024 * 1024)
    assert_clean_failure(extract_cli(str(p)), "E_EXTRACT_TOO_LARGE", 1)


def test_large_text_is_a_bounded_run(tmp_path: Path) -> None:
    p = tmp_path / "long.txt"
    sentence = "城乡居民住院报销比例为:一级医院90%,二级医院75%。截止6月底参保603.99万人。\n"
    p.write_text(sentence * 6000, encoding="utf-8")          # ~0.5 MB
    r = extract_cli(str(p), "--format", "json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["counts"]["rule"] == 12000


@pytest.mark.parametrize(("args", "code"), [
    (["missing.txt"], "E_EXTRACT_READ"),
    (["{doc}", "--write"], "E_EXTRACT_USAGE"),
    (["{doc}", "--region", "44"], "E_EXTRACT_USAGE"),
    (["{doc}", "--source-id", "Bad Id"], "E_EXTRACT_USAGE"),
    (["{doc}", "--encoding", "no-such"], "E_EXTRACT_BAD_ENCODING_NAME"),
    (["{doc}", "--region", "999999", "--write"], "E_EXTRACT_REGION"),
    (["{doc}", "--catalogue", "nope.yaml"], "E_EXTRACT_CATALOGUE"),
])
def test_usage_errors(tmp_path: Path, args: list[str], code: str) -> None:
    doc = tmp_path / "n.txt"
    doc.write_text("一级医院90%", encoding="utf-8")
    r = extract_cli(*[a.format(doc=doc) for a in args])
    assert_clean_failure(r, code, 2)


def test_policykit_extract_is_registered() -> None:
    from policykit.cli import main as cli

    try:
        ap = cli.parser()
        ap.parse_args(["extract", "x.txt"])
    except SystemExit:
        pytest.skip("`policykit extract` is not registered in cli.py yet")


def test_a_bug_is_not_reported_as_a_usage_error(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the usage problems exit 2: a ValueError from inside the extraction is a bug
    and keeps its traceback instead of posing as `E_EXTRACT_USAGE`."""
    import policykit.extract
    from policykit.cli import main as cli

    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("a bug deep inside")

    monkeypatch.setattr(policykit.extract, "extract_document", broken)
    doc = tmp_path / "n.txt"
    doc.write_text("一级医院90%", encoding="utf-8")
    with pytest.raises(ValueError, match="a bug deep inside"):
        cli.main(["extract", str(doc), "--root", str(POLICIES)])


def test_a_document_too_deep_to_parse_is_bad_input(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    import policykit.extract
    from policykit.cli import main as cli

    def too_deep(*args: object, **kwargs: object) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(policykit.extract, "load_document", too_deep)
    doc = tmp_path / "n.html"
    doc.write_text("<div>" * 10, encoding="utf-8")
    assert cli.main(["extract", str(doc), "--root", str(POLICIES)]) == 1
    err = capsys.readouterr().err
    assert "E_EXTRACT_INPUT" in err and "嵌套过深" in err and "too deeply" in err
