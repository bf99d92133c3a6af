"""Hardening, class 9: messages say what is wrong. Before: a quoted amount was told to
"write a ratio as a decimal such as 10.7"; `start: 1800` was "not a valid date; expected
YYYY"; a NUL after a key gave "missing required field parent" at 1:1; `[a, b]: c` was an
"unsupported YAML tag complex-key"; a broken province file was followed by "parent …
does not exist" for each of its children; YAML syntax errors were English inside the
Chinese message, without the quoting hint of docs/format.md §3.4."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import POLICIES, run_cli

COUNTY = Path("regions/430000-湖南省/431200-怀化市/431223-辰溪县/region.yaml")
PROVINCE = Path("regions/430000-湖南省/region.yaml")


def _tree(tmp_path: Path, rel: Path, old: str, new: str) -> None:
    root = tmp_path / "policies"
    if not root.exists():
        shutil.copytree(POLICIES, root)
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _validate(tmp_path: Path, *flags: str) -> str:
    res = run_cli("validate", "policies", *flags, cwd=tmp_path)
    assert res.returncode == 1 and "Traceback" not in res.stderr
    return res.stdout


@pytest.mark.parametrize("flags", [[], ["--exact"]])
def test_quoted_amount_is_not_called_a_ratio(tmp_path: Path, flags: list[str]) -> None:
    _tree(tmp_path, COUNTY, "amount: 1070", 'amount: "1070"')
    out = _validate(tmp_path, *flags)
    assert "ratio" not in out and "比例" not in out
    assert ":56:17: E_NUMBER_TEXT" in out and "write the number without quotes, such as 1070" in out


def test_year_out_of_range_says_so(tmp_path: Path) -> None:
    _tree(tmp_path, COUNTY, 'start: "2023-09-01"', "start: 1800")
    out = _validate(tmp_path)
    assert "E_RANGE" in out and "a year must be between 1949 and 2100" in out
    assert "not a valid date" not in out


def test_nul_after_a_key_is_named_where_it_is(tmp_path: Path) -> None:
    _tree(tmp_path, COUNTY, '  parent: "431200"', '  parent:\x00 "431200"')
    out = _validate(tmp_path)
    assert out.startswith(f"policies/{COUNTY.as_posix()}:11:10: E_YAML_CONTROL")
    assert "missing required field" not in out


def test_complex_key_is_a_key_problem(tmp_path: Path) -> None:
    _tree(tmp_path, COUNTY, "  level: county\n", "  level: county\n  [a, b]: c\n")
    out = _validate(tmp_path)
    assert "E_YAML_KEY" in out and "complex-key" not in out and "tag" not in out


def test_broken_parent_file_is_not_blamed_on_each_child(tmp_path: Path) -> None:
    _tree(tmp_path, PROVINCE, "region:", "region: [")
    out = _validate(tmp_path)
    assert f"policies/{PROVINCE.as_posix()}:" in out and "E_YAML_SYNTAX" in out
    assert "E_UNKNOWN_REGION" not in out, out


@pytest.mark.parametrize("flags", [[], ["--exact"]])
def test_syntax_error_in_chinese_with_the_quoting_hint(tmp_path: Path, flags: list[str]) -> None:
    _tree(tmp_path, COUNTY, "  level: county\n", '  level: county\n  note: "今年"即文件年份\n')
    out = _validate(tmp_path, *flags)
    line = out.splitlines()[0]
    zh = line.split(" (YAML syntax error")[0]
    assert "E_YAML_SYNTAX" in line and "did not find" not in zh, line
    # The quoting rule of docs/format.md §3.4, with the value rewritten (loader.yamlhelp).
    assert "第 11 行的值" in zh and "整个值用单引号括起来" in zh, zh
    assert "on line 11 starts with a quote" in line


def test_full_tmpdir_is_not_blamed_on_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno
    import tempfile

    from policykit.publish.api.export import ExportError
    from policykit.publish.run import writing

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    out = tmp_path / "site" / "out"
    full = OSError(errno.ENOSPC, "No space left on device",
                   str(scratch / "policykit-site-1-x" / "docs" / "a.md"))
    with pytest.raises(ExportError) as exc, writing(out):
        raise full
    assert "temporary folder" in exc.value.en and "TMPDIR" in exc.value.en
    assert str(out) not in exc.value.en
    beside = OSError(errno.ENOSPC, "No space left on device", str(out.parent / ".out.staging-1"))
    with pytest.raises(ExportError) as exc, writing(out):
        raise beside
    assert f"cannot write {out}" in exc.value.en


NEW_CODES = ["E_SYMLINK_BROKEN", "E_FOLDER", "E_SPECIAL_FILE", "E_PATH_ENCODING", "E_YAML_CONTROL",
             "E_NUMBER", "E_YAML_DEPTH", "E_YAML_KEY", "E_NUMBER_TEXT"]


def test_new_codes_are_documented_with_an_example() -> None:
    from conftest import REPO
    from policykit.codes import CODES

    doc = (REPO / "docs" / "codes.md").read_text(encoding="utf-8")
    for code in NEW_CODES:
        assert CODES[code].example, code
        assert f"| `{code}` |" in doc and f"- `{code}`: " in doc, code
