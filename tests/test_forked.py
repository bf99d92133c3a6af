"""`forked`: a job in a forked child gives the same result as in-line, errors come
back with their text, and a build with the tables written by a child is
byte-identical to one without."""

from __future__ import annotations

import filecmp
import os
import time
from pathlib import Path

import pytest

from conftest import POLICIES, REPO, failing_examples
from policykit.errors import PolicykitError
from policykit.publish.api.export import ExportError
from policykit.publish.mkdocs import SiteBuildError
from policykit.util.fork import can_fork, fork_map, forked
from policykit.vcs import GitRevError

pytestmark = pytest.mark.skipif(not can_fork(), reason="needs fork and two cores")


def test_result_comes_back_from_the_child() -> None:
    parent = os.getpid()
    with forked(lambda: (os.getpid(), [1, "二", 3.5])) as job:
        pid, value = job()
    assert pid != parent and value == [1, "二", 3.5]
    with forked(lambda: (os.getpid(), "x"), enabled=False) as job:
        assert job() == (parent, "x")


def test_child_errors_are_raised_in_the_parent(tmp_path: Path) -> None:
    def export_error() -> None:
        raise ExportError("不能导出", "cannot export")

    with forked(export_error) as job, pytest.raises(ExportError) as info:
        job()
    assert (info.value.zh, info.value.en) == ("不能导出", "cannot export")

    with forked(lambda: (tmp_path / "missing" / "f").read_text()) as job, \
            pytest.raises(FileNotFoundError):
        job()

    def git_error() -> None:
        raise GitRevError("版本读不了", "revision unreadable", usage=False)

    with forked(git_error) as job, pytest.raises(GitRevError) as git_info:
        job()
    assert (git_info.value.zh, git_info.value.usage, git_info.value.exit_code) == (
        "版本读不了", False, 1)

    def site_error() -> None:
        raise SiteBuildError("template missing", ["ERROR - no-such-template.html"])

    with forked(site_error) as job, pytest.raises(SiteBuildError) as site_info:
        job()
    assert site_info.value.messages == ("ERROR - no-such-template.html",)
    assert site_info.value.details == ("mkdocs: ERROR - no-such-template.html",)

    class LocalError(PolicykitError):  # not importable by name: comes back as the base
        code = "E_LOCAL"
        exit_code = 2

    def local_error() -> None:
        raise LocalError("本地", "local")

    with forked(local_error) as job, pytest.raises(PolicykitError) as local_info:
        job()
    assert type(local_info.value) is PolicykitError
    assert (local_info.value.code, local_info.value.exit_code, str(local_info.value)) == (
        "E_LOCAL", 2, "本地 (local)")

    with forked(lambda: 1 / 0) as job, pytest.raises(RuntimeError, match="ZeroDivisionError"):
        job()

    def dies() -> None:
        os._exit(3)

    with forked(dies) as job, pytest.raises(RuntimeError, match="exited with 3"):
        job()


def test_parent_error_stops_the_child(tmp_path: Path) -> None:
    marker = tmp_path / "child-finished"

    def slow() -> None:
        time.sleep(5)
        marker.write_text("done")

    started = time.monotonic()
    with pytest.raises(KeyError), forked(slow):
        raise KeyError("parent failed")
    assert time.monotonic() - started < 4
    assert not marker.exists()


def _children() -> set[int]:
    """This process's children, running or unreaped (zombies keep their parent)."""
    me = str(os.getpid())
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # "pid (comm) state ppid ...": comm may hold spaces, so split after its ')'
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if fields and fields[1] == me:
            found.add(int(stat.parent.name))
    return found


@pytest.fixture(autouse=True)
def _children_before() -> set[int]:
    # Under pytest-xdist a worker may already have children of its own (the session's
    # browser driver): only children started during the test count.
    return _children()


def _no_child_left(before: set[int]) -> None:
    assert _children() <= before, _children() - before  # none left running or unreaped


def test_fork_map_gives_the_in_line_results(_children_before: set[int]) -> None:
    """Every item once, by its index, computed in children (several of them, as the
    parent hands out items), the same as in-line."""
    items = [f"项目{i}" for i in range(23)]
    found = dict(fork_map(lambda x: (x * 2, os.getpid()), items, 3))
    assert sorted(found) == list(range(23))
    assert [found[i][0] for i in range(23)] == [x * 2 for x in items]
    pids = {pid for _, pid in found.values()}
    assert os.getpid() not in pids and 1 < len(pids) <= 3
    assert list(fork_map(lambda x: x * 2, items, 1)) == list(enumerate(x * 2 for x in items))
    _no_child_left(_children_before)


def test_fork_map_raises_a_childs_error(_children_before: set[int]) -> None:
    def five(x: int) -> int:
        if x == 5:
            raise ValueError("五 five")
        return x

    with pytest.raises(RuntimeError, match="ValueError: 五 five"):
        list(fork_map(five, list(range(10)), 3))
    _no_child_left(_children_before)

    def dies(x: int) -> int:
        if x == 2:
            os._exit(3)
        return x

    with pytest.raises(RuntimeError, match="exited with 3"):
        list(fork_map(dies, list(range(10)), 2))
    _no_child_left(_children_before)


def test_leaving_fork_map_early_stops_the_children(tmp_path: Path,
                                                   _children_before: set[int]) -> None:
    def slow(x: int) -> int:
        if x:
            time.sleep(5)
            (tmp_path / f"finished-{x}").write_text("done")
        return x

    started = time.monotonic()
    for i, _ in fork_map(slow, [0, 1, 2, 3], 4):
        assert i == 0
        break
    assert time.monotonic() - started < 4
    _no_child_left(_children_before)
    assert list(tmp_path.iterdir()) == []


def test_build_with_tables_in_a_child_is_identical(tmp_path: Path,
                                                   small_policies: Path) -> None:
    import policykit
    from policykit.publish.build import build_site

    ps = policykit.load(small_policies)
    for name, parallel in (("seq", False), ("par", True)):
        build_site(ps, out=tmp_path / name, config_file=REPO / "mkdocs.yml",
                   as_of="2025-06-30", site_url="http://127.0.0.1:8000/", commit=None,
                   parallel=parallel)
    seq, par = tmp_path / "seq", tmp_path / "par"
    files = sorted(p.relative_to(seq) for p in seq.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(par) for p in par.rglob("*") if p.is_file())
    assert any(f.parts[0] == "downloads" for f in files)
    _, mismatch, errors = filecmp.cmpfiles(seq, par, [str(f) for f in files], shallow=False)
    assert mismatch == [] and errors == []


def test_checks_split_across_a_child_find_the_same(tmp_path: Path) -> None:
    """Every example that breaks a rule gives the same findings, in the same order,
    whether half of the regions is checked in a forked child or not."""
    from policykit.check import run as checks
    from policykit.loader.build import load_tree

    roots = [POLICIES, *failing_examples(tmp_path)]
    seen = 0
    for root in roots:
        ps = load_tree(root, "p").policyset
        assert ps is not None, root
        alone = checks.run(ps, "p", parallel=False)
        split = checks.run(ps, "p", parallel=True)
        assert split == alone, root
        seen += bool(alone)
    assert seen >= 16  # the comparison covered sets with findings


def test_export_with_tables_in_a_child_is_identical(tmp_path: Path) -> None:
    import policykit
    from policykit.publish.run import export_all

    ps = policykit.load(POLICIES)
    counts = [export_all(ps, tmp_path / name, "2025-06-30", "https://example.org/", None,
                         parallel=parallel) for name, parallel in (("seq", False), ("par", True))]
    assert counts[0] == counts[1]
    files = sorted(str(p.relative_to(tmp_path / "seq")) for p in (tmp_path / "seq").rglob("*")
                   if p.is_file())
    assert any(f.startswith("downloads/") for f in files) and any(f.startswith("api/") for f in files)
    _, mismatch, errors = filecmp.cmpfiles(tmp_path / "seq", tmp_path / "par", files,
                                           shallow=False)
    assert mismatch == [] and errors == []


def test_partition_keeps_inheritance_links_in_one_part(tmp_path: Path) -> None:
    """The two halves a large check is split into cover every region once, are about
    equal in rules, and never separate a region from its pooling region or parents
    (a finding comparing two values is then made in one part only)."""
    import subprocess
    import sys

    from policykit import load
    from policykit.check import run as checks
    from policykit.model.entities import NATIONAL

    out = tmp_path / "corpus"
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "synth.py"), "--regions", "300",
                    "--out", str(out)], check=True, capture_output=True)  # three provinces
    ps = load(out)
    parts = checks.partition(ps, 2)
    assert parts[0].isdisjoint(parts[1]) and parts[0] | parts[1] == set(ps.regions)
    for code in ps.regions:
        home = next(i for i, p in enumerate(parts) if code in p)
        assert all(other in parts[home] for other in ps.chain(code) if other != NATIONAL), code
    rules = [sum(1 for k in ps.rules if k[0] in p) for p in parts]
    assert min(rules) > 0.3 * sum(rules), rules
    alone = checks.run(ps, "c", parallel=False)
    assert checks.run(ps, "c", parallel=True) == alone


@pytest.mark.parametrize("parallel", [False, True])
def test_a_page_that_cannot_be_rendered_fails_the_build_cleanly(
        tmp_path: Path, parallel: bool, _children_before: set[int],
        small_policies: Path) -> None:
    """A page mkdocs cannot render (its template does not exist) fails the build with
    SiteBuildError whichever process renders it, leaves no output and no child behind."""
    import shutil

    import policykit
    from policykit.publish.build import build_site
    from policykit.publish.mkdocs import SiteBuildError

    shutil.copy(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(REPO / "site_src", tmp_path / "site_src")
    for name in ("broken1.md", "broken2.md"):  # neighbours: one page for each process
        (tmp_path / "site_src" / "pages" / name).write_text(
            "---\ntemplate: no-such-template.html\n---\n# 坏页面\n", encoding="utf-8")
    ps = policykit.load(small_policies)
    with pytest.raises(SiteBuildError, match="no-such-template"):
        build_site(ps, out=tmp_path / "out", config_file=tmp_path / "mkdocs.yml",
                   as_of="2025-06-30", site_url="http://127.0.0.1:8000/", commit=None,
                   parallel=parallel)
    assert not (tmp_path / "out").exists()
    _no_child_left(_children_before)
