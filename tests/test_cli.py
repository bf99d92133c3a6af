"""The command line as one house: one day reader for every date option, one error
shape turned into one message and exit code, the same load options and diagnostic
formats for every command that loads data, and a `main` that can run many times in
one process."""

from __future__ import annotations

import gc
import importlib
import inspect
import json
import pkgutil
from pathlib import Path

import pytest

import policykit
from conftest import EXAMPLES, POLICIES, REPO, run_cli
from policykit.cli import main as cli
from policykit.errors import EXIT_DATA, EXIT_USAGE, PolicykitError
from policykit.model.days import DayError, is_day, parse_day

BAD = EXAMPLES / "invalid" / "unknown_source" / "policies"  # E_UNKNOWN_SOURCE


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in text)


# -- days -------------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["2021-08-24", "2020-02-29", "1999-12-31"])
def test_a_real_day_is_read_as_given(text: str) -> None:
    assert is_day(text) and parse_day(text, "--at") == text


@pytest.mark.parametrize("text", [
    "20210824",             # fromisoformat's basic format: compared as text, the wrong day
    "2021-W34-2",           # an ISO week date
    "2021-13-45", "2021-02-29", "2021-8-24", "2021-08-24T00:00", "2021-08-24\n", "",
    "２０２１-０８-２４",      # full-width digits
    "٢٠٢١-٠٨-٢٤",           # Arabic-Indic digits
])
def test_anything_else_is_a_day_error(text: str) -> None:
    assert not is_day(text)
    with pytest.raises(DayError) as info:
        parse_day(text, "--at")
    assert info.value.exit_code == EXIT_USAGE and info.value.code == "E_DAY"
    assert "--at" in info.value.en and _has_chinese(info.value.zh)


@pytest.mark.parametrize("day", ["20210824", "2021-13-45", "２０２１-０８-２４"])
@pytest.mark.parametrize("command", [
    ["show", "441800", str(POLICIES), "--at"],
    ["diff", str(POLICIES), "--at", "2021-01-01", "--at"],
    ["export", str(POLICIES), "--out", "never-written", "--as-of"],
    ["build", str(POLICIES), "--out", "never-written", "--as-of"],
])
def test_every_date_option_refuses_what_is_not_a_day(command: list[str], day: str,
                                                     tmp_path: Path) -> None:
    res = run_cli(*command, day, cwd=tmp_path)
    assert res.returncode == 2, res.stderr
    assert res.stdout == "" and "Traceback" not in res.stderr
    assert res.stderr.startswith(f"policykit: 日期 {day} 无效")
    assert f"invalid {command[-1]} date {day}" in res.stderr
    assert not (tmp_path / "never-written").exists()


def test_show_at_a_day_answers_that_day() -> None:
    res = run_cli("show", "441800", str(POLICIES), "--at", "2021-08-24", "--format", "json")
    assert res.returncode == 0, res.stderr
    shown = json.loads(res.stdout)
    assert shown["at"] == "2021-08-24"
    ps = policykit.load(POLICIES)
    assert len(shown["rules"]) == len(ps.in_force("441800", "2021-08-24")) > 0


# -- diagnostics in the chosen format ---------------------------------------------------------
@pytest.mark.parametrize("command", [
    ["show", "441800", str(BAD)],
    ["export", str(BAD), "--out", "never-written"],
    ["build", str(BAD), "--out", "never-written", "--config", str(REPO / "mkdocs.yml")],
    ["validate", str(BAD)],
])
def test_json_format_reports_load_errors_as_json(command: list[str], tmp_path: Path) -> None:
    res = run_cli(*command, "--format", "json", cwd=tmp_path)
    assert res.returncode == 1, res.stderr
    report = json.loads(res.stdout)
    assert report["ok"] is False
    assert "E_UNKNOWN_SOURCE" in {d["code"] for d in report["diagnostics"]}
    assert not (tmp_path / "never-written").exists()


# -- load options -----------------------------------------------------------------------------
def test_diff_takes_the_load_options_and_the_content_cache(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    env = {"POLICYKIT_CACHE_DIR": str(cache)}
    res = run_cli("diff", str(POLICIES), str(POLICIES), "--no-cache", "--quiet", "--jobs", "2",
                  env=env)
    assert res.returncode == 0, res.stderr
    assert not cache.exists()                               # --no-cache: nothing kept
    res = run_cli("diff", str(POLICIES), str(POLICIES), env=env)
    assert res.returncode == 0, res.stderr
    assert len(list(cache.glob("*.pack"))) == 1             # one pack: the folder's
    res = run_cli("diff", str(POLICIES), str(POLICIES), "--jobs", "0")
    assert res.returncode == 2 and "--jobs" in res.stderr


# -- one error shape --------------------------------------------------------------------------
def _error_classes() -> list[type[BaseException]]:
    found = []
    for info in pkgutil.walk_packages(policykit.__path__, "policykit."):
        if info.name.endswith("__main__"):  # running it is the command line itself
            continue
        module = importlib.import_module(info.name)
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if (issubclass(obj, BaseException) and obj.__module__ == module.__name__
                    and not obj.__name__.startswith("_")):
                found.append(obj)
    return found


def test_every_error_class_is_a_policykit_error() -> None:
    classes = _error_classes()
    names = {c.__name__ for c in classes}
    assert {"UsageError", "ExportError", "ApiError", "GitRevError", "ExtractError",
            "SiteBuildError", "LoadError", "DayError"} <= names
    assert [c for c in classes if not issubclass(c, PolicykitError)] == []


def test_errors_print_as_chinese_then_english_with_their_exit_code() -> None:
    from policykit.cli.main import UsageError
    from policykit.vcs import GitRevError

    assert str(UsageError("中文", "English")) == "中文 (English)"
    assert UsageError("中文", "English").exit_code == EXIT_USAGE
    assert GitRevError("读不了", "unreadable", usage=False).exit_code == EXIT_DATA
    assert GitRevError("名字不对", "bad name").exit_code == EXIT_USAGE
    assert PolicykitError("数据", "data").exit_code == EXIT_DATA


# -- main in one process ----------------------------------------------------------------------
def test_main_runs_repeatedly_in_one_process(capsys: pytest.CaptureFixture[str]) -> None:
    """`main(argv)` leaves no process-wide state: the collector is not frozen (that is
    for the console entry, whose process ends with the command), and errors come back
    as exit codes, also argparse's."""
    frozen = gc.get_freeze_count()
    for _ in range(2):
        assert cli.main(["validate", str(POLICIES), "--quiet"]) == 0
        assert cli.main(["check", str(POLICIES), "--quiet"]) == 0
    assert gc.get_freeze_count() == frozen
    assert cli.main(["validate", str(POLICIES / "nope")]) == 2
    assert cli.main(["no-such-command"]) == 2
    assert cli.main(["show", "441800", str(POLICIES), "--at", "20210824"]) == 2
    err = capsys.readouterr().err
    assert "policykit: 找不到政策数据文件夹" in err and "invalid --at date 20210824" in err


def test_errors_pickle_whole() -> None:
    """A process pool pickles an error to hand it back: every attribute survives,
    whatever the class's constructor takes."""
    import pickle

    from policykit.extract.errors import fail
    from policykit.publish.mkdocs import SiteBuildError
    from policykit.vcs import GitRevError

    for exc in (GitRevError("读不了", "unreadable", usage=False),
                SiteBuildError("no template", ["WARNING - x"]),
                fail("E_EXTRACT_TOO_LARGE", path="a.txt", size=9, limit=1)):
        back = pickle.loads(pickle.dumps(exc))
        assert type(back) is type(exc) and vars(back) == vars(exc) and str(back) == str(exc)
        assert back.args == exc.args


def test_an_in_process_check_through_the_memo_freezes_nothing(tmp_path: Path) -> None:
    """The memo's partial load (after an edit) is a load too: in-process it leaves the
    collector as it found it, and answers what a full check answers."""
    import shutil

    root = tmp_path / "policies"
    shutil.copytree(POLICIES, root)
    frozen = gc.get_freeze_count()
    assert cli.main(["check", str(root), "--quiet", "--format", "json"]) == 0
    region = next(root.rglob("region.yaml"))
    region.write_text(region.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    assert cli.main(["check", str(root), "--quiet", "--format", "json"]) == 0
    assert gc.get_freeze_count() == frozen
