"""The content cache and the parallel loader never change what a load returns.

Each test loads a tree twice or more with a private cache folder and compares
with a load that parses every file (`cache=False`): the policy set and the
diagnostics must be equal, and `LoadResult.cached` says how many files came from
the cache, so a test can demand that exactly the edited file was parsed again.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import POLICIES, REPO, run_cli
from policykit.loader import cache as filecache
from policykit.loader import schema
from policykit.loader.build import load_tree
from policykit.util.progress import Progress, show_progress

DONGGUAN = "regions/440000-广东省/441900-东莞市/region.yaml"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "policies"
    shutil.copytree(POLICIES, root)
    return root


def _files(root: Path) -> int:
    return sum(1 for _ in root.rglob("*.yaml"))


def _same_as_uncached(root: Path, cache: Path) -> int:
    cached = load_tree(root, "p", cache=cache)
    fresh = load_tree(root, "p", cache=False)
    assert cached.policyset == fresh.policyset
    assert cached.diagnostics == fresh.diagnostics
    if cached.policyset is not None:
        assert fresh.policyset is not None
        files = {e.file for e in cached.policyset.entries()}
        assert files == {e.file for e in fresh.policyset.entries()}
    return cached.cached


def test_second_load_takes_every_file_from_the_cache(tree: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert _same_as_uncached(tree, cache) == 0
    assert _same_as_uncached(tree, cache) == _files(tree)


def test_editing_a_file_reparses_exactly_that_file(tree: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    load_tree(tree, "p", cache=cache)
    f = tree / DONGGUAN
    text = f.read_text(encoding="utf-8")
    assert "ratio: 0.9\n" in text
    f.write_text(text.replace("ratio: 0.9\n", "ratio: 0.85\n", 1), encoding="utf-8")
    assert _same_as_uncached(tree, cache) == _files(tree) - 1
    ps = load_tree(tree, "p", cache=cache).policyset
    assert ps is not None
    assert any(str(e.value.number) == "0.85" for e in ps.entries() if e.region == "441900")


def test_touching_a_file_without_changing_it_keeps_the_entry(tree: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    load_tree(tree, "p", cache=cache)
    f = tree / DONGGUAN
    f.write_bytes(f.read_bytes())
    assert load_tree(tree, "p", cache=cache).cached == _files(tree)


def test_renamed_file_is_reported_under_its_new_name(tree: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    load_tree(tree, "p", cache=cache)
    old = tree / "regions/440000-广东省/441900-东莞市"
    new = tree / "regions/440000-广东省/441900-东莞"
    old.rename(new)
    assert _same_as_uncached(tree, cache) == _files(tree)  # same bytes, same entry
    ps = load_tree(tree, "p", cache=cache).policyset
    assert ps is not None
    assert ps.regions["441900"].file == "regions/440000-广东省/441900-东莞/region.yaml"


def test_deleted_file_leaves_the_cache(tree: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    load_tree(tree, "p", cache=cache)
    pack = filecache.Pack.open(tree, cache)
    assert len(pack.entries) == _files(tree)
    shutil.rmtree(tree / "regions/440000-广东省/441900-东莞市")
    assert _same_as_uncached(tree, cache) == _files(tree)
    assert len(filecache.Pack.open(tree, cache).entries) == _files(tree)


def test_file_kind_is_part_of_the_key(tmp_path: Path) -> None:
    s = filecache.salt()
    pack = filecache.Pack(tmp_path / "x.pack", s)
    pack.put("region", "abc", b"{}")
    pack.save()
    reread = filecache.Pack(tmp_path / "x.pack", s, filecache.read_entries(tmp_path / "x.pack", s))
    assert reread.get("sources", "abc") is None
    assert reread.get("region", "abc") == b"{}"
    assert filecache.read_entries(tmp_path / "x.pack", bytes(32)) == {}  # another salt


def test_changed_schema_invalidates_everything(tree: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    load_tree(tree, "p", cache=cache)
    assert load_tree(tree, "p", cache=cache).cached == _files(tree)
    before = filecache.salt()
    original = schema.schema

    def changed(kind: str) -> dict[str, object]:
        s = dict(original(kind))
        return {**s, "description": "changed"} if kind == "region" else s

    monkeypatch.setattr(schema, "schema", changed)
    assert filecache.salt() != before
    assert load_tree(tree, "p", cache=cache).cached == 0


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "empty"])
def test_corrupt_cache_is_ignored_and_rebuilt(tree: Path, tmp_path: Path, damage: str) -> None:
    cache = tmp_path / "cache"
    load_tree(tree, "p", cache=cache)
    (pack,) = cache.glob("*.pack")
    raw = pack.read_bytes()
    if damage == "truncate":
        pack.write_bytes(raw[: len(raw) // 2])
    elif damage == "flip":
        i = len(raw) - 50
        pack.write_bytes(raw[:i] + bytes([raw[i] ^ 0x01]) + raw[i + 1:])
    elif damage == "garbage":
        pack.write_bytes(b"\x80\x04not a cache" * 100)
    else:
        pack.write_bytes(b"")
    assert _same_as_uncached(tree, cache) == 0
    assert load_tree(tree, "p", cache=cache).cached == _files(tree)


def test_files_with_problems_are_never_cached(tree: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    f = tree / DONGGUAN
    good = f.read_text(encoding="utf-8")
    f.write_text(good.replace("ratio: 0.9\n", "ratio: 90%\n", 1), encoding="utf-8")
    first = load_tree(tree, "p", cache=cache)
    assert not first.ok
    again = load_tree(tree, "p", cache=cache)
    assert again.cached == _files(tree) - 1
    assert again.diagnostics == first.diagnostics
    f.write_text(good, encoding="utf-8")
    assert load_tree(tree, "p", cache=cache).ok


def test_only_exact_json_round_trips_are_cached() -> None:
    assert filecache.encode({"a": [1, 0.1, "x", None, True]}) is not None
    assert filecache.encode({"a": float("nan")}) is None
    assert filecache.encode({"a": 2**70}) is None


def test_cache_can_be_turned_off(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("POLICYKIT_CACHE_DIR", "off")
    assert filecache.cache_dir() is None
    monkeypatch.setenv("POLICYKIT_CACHE_DIR", str(tmp_path))
    assert filecache.cache_dir() == tmp_path
    monkeypatch.delenv("POLICYKIT_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert filecache.cache_dir() == tmp_path / "xdg" / "policykit"


def test_unwritable_cache_only_costs_speed(tree: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = load_tree(tree, "p", cache=blocker / "cache")
    assert result.ok and result.cached == 0


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "policies"
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "synth.py"), "--regions", "60",
                    "--out", str(out)], check=True, capture_output=True)
    return out


def test_parallel_load_equals_serial_load(corpus: Path, tmp_path: Path) -> None:
    broken = next(corpus.rglob("region.yaml"))
    copy = tmp_path / "c"
    shutil.copytree(corpus, copy)
    target = copy / broken.relative_to(corpus)
    target.write_text(target.read_text(encoding="utf-8").replace("status: in_force",
                                                                 "status: in-force", 1),
                      encoding="utf-8")
    serial = load_tree(copy, "c", jobs=1)
    parallel = load_tree(copy, "c", jobs=2)
    assert serial.diagnostics and serial.diagnostics == parallel.diagnostics
    assert serial.policyset == parallel.policyset
    cached = load_tree(copy, "c", jobs=2, cache=tmp_path / "cache")
    assert cached.policyset == serial.policyset and cached.cached == 0
    again = load_tree(copy, "c", jobs=2, cache=tmp_path / "cache")
    assert again.cached == serial.files - 1 and again.diagnostics == serial.diagnostics


def test_progress_bar_counts_and_clears() -> None:
    out = io.StringIO()
    bar = Progress("读取 loading", 3, True, stream=out)
    for _ in range(3):
        bar.advance()
    assert "3/3" in out.getvalue()
    bar.done()
    assert out.getvalue().endswith("\r")
    silent = io.StringIO()
    Progress("x", 3, False, stream=silent).advance()
    assert silent.getvalue() == ""
    assert not show_progress(False, io.StringIO())  # not a terminal
    assert not show_progress(True)


def test_cli_output_has_no_progress_when_piped() -> None:
    r = run_cli("check", "policies")
    assert r.returncode == 0
    assert "\r" not in r.stderr and "loading" not in r.stderr
    r = run_cli("check", "policies", "--quiet", "--no-cache", "--jobs", "2")
    assert r.returncode == 0 and "\r" not in r.stderr
    r = run_cli("check", "policies", "--jobs", "0")
    assert r.returncode == 2 and "--jobs" in r.stderr


def test_build_and_export_print_no_progress_when_piped(tmp_path: Path,
                                                       small_policies: Path) -> None:
    data = str(small_policies)
    r = run_cli("export", data, "--out", str(tmp_path / "out"), "--no-tables")
    assert r.returncode == 0, r.stderr
    assert "\r" not in r.stderr and "exporting" not in r.stderr
    r = run_cli("build", data, "--out", str(tmp_path / "site"))
    assert r.returncode == 0, r.stderr
    assert "\r" not in r.stderr and "building" not in r.stderr


def test_undecodable_entry_falls_back_to_the_file(tree: Path, tmp_path: Path) -> None:
    """An entry whose bytes pass the pack's checksum but are not JSON (a cache written
    by something else) is never trusted: the file is read again."""
    cache = tmp_path / "cache"
    load_tree(tree, "p", cache=cache)
    (pack,) = cache.glob("*.pack")
    entries = filecache.read_entries(pack, filecache.salt())
    key = f"region:{filecache.digest((tree / DONGGUAN).read_bytes())}"
    assert key in entries
    entries[key] = b"{not json"
    filecache.write_entries(pack, filecache.salt(), entries)
    assert _same_as_uncached(tree, cache) == _files(tree)
