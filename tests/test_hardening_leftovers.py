"""Hardening, class 8: output folders leave nothing behind. A run stopped by SIGTERM
removes its staging folder; what a SIGKILLed run left (`.DIR.staging-PID`,
`.DIR.old-PID`, `/tmp/policykit-site-PID-…`) is removed by the next run, and a kill
between the two renames is recovered (the old tree put back); a symlinked `--out`
stays a link; a read-only `--out` is refused, not replaced."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from conftest import POLICIES, REPO, run_cli
from policykit.util import atomic
from policykit.util.atomic import atomic_output, clean_leftovers, temporary_folder


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _leftovers(parent: Path, name: str) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(f".{name}."))


def test_next_run_removes_what_killed_runs_left(tmp_path: Path) -> None:
    out = tmp_path / "out"
    for tag in ("staging", "old"):
        junk = tmp_path / f".out.{tag}-{_dead_pid()}"
        (junk / "api").mkdir(parents=True)
        (junk / "api" / "x.json").write_text("{}")
    res = run_cli("export", str(POLICIES), "--out", str(out), "--no-tables")
    assert res.returncode == 0, res.stderr
    assert _leftovers(tmp_path, "out") == []
    assert (out / "api" / "v1" / "index.json").is_file()


def test_live_runs_staging_is_left_alone(tmp_path: Path) -> None:
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        live = tmp_path / f".out.staging-{other.pid}"
        live.mkdir()
        with atomic_output(tmp_path / "out") as staging:
            (staging / "f").write_text("x")
        assert live.is_dir()
    finally:
        other.kill()
        other.wait()


def test_kill_between_the_renames_is_recovered(tmp_path: Path) -> None:
    out = tmp_path / "out"
    old = tmp_path / f".out.old-{_dead_pid()}"
    old.mkdir()
    (old / "index.json").write_text("previous")
    clean_leftovers(out)
    assert (out / "index.json").read_text() == "previous"
    assert _leftovers(tmp_path, "out") == []


def test_symlinked_out_stays_a_link(tmp_path: Path) -> None:
    real = tmp_path / "real-site"
    real.mkdir()
    link = tmp_path / "out"
    link.symlink_to(real)
    res = run_cli("export", str(POLICIES), "--out", str(link), "--no-tables")
    assert res.returncode == 0, res.stderr
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert (real / "api" / "v1" / "index.json").is_file()
    assert _leftovers(tmp_path, "real-site") == [] and _leftovers(tmp_path, "out") == []


def test_read_only_out_is_refused_not_replaced(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    assert run_cli("export", str(POLICIES), "--out", str(out), "--no-tables").returncode == 0
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    real_access = os.access
    monkeypatch.setattr(atomic.os, "access",  # root can write anywhere: pretend it cannot
                        lambda p, mode, **kw: False if Path(p) == out else real_access(p, mode))
    res = run_cli("export", str(POLICIES), "--out", str(out), "--no-tables")
    assert res.returncode == 1 and "Traceback" not in res.stderr
    assert "无法写入" in res.stderr and "read-only" in res.stderr
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before
    assert _leftovers(tmp_path, "out") == []


def _export_in_background(tmp_path: Path, out: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    return subprocess.Popen([sys.executable, "-m", "policykit", "export", str(POLICIES),
                             "--out", str(out), "--no-cache"], cwd=tmp_path, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _wait_for_staging(tmp_path: Path, proc: subprocess.Popen[bytes]) -> bool:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if any(tmp_path.glob(".out.staging-*")):
            return True
        time.sleep(0.005)
    return False


@pytest.mark.e2e
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["term", "kill"])
def test_stopped_export_leaves_at_most_nothing_after_the_next_run(tmp_path: Path,
                                                                 sig: signal.Signals) -> None:
    out = tmp_path / "out"
    assert run_cli("export", str(POLICIES), "--out", str(out), "--no-tables").returncode == 0
    proc = _export_in_background(tmp_path, out)
    if not _wait_for_staging(tmp_path, proc):
        proc.wait()
        pytest.fail("the export ended before its staging folder was seen")
    proc.send_signal(sig)
    proc.wait(timeout=60)
    assert (out / "api" / "v1" / "index.json").is_file()  # the previous output is intact
    if sig == signal.SIGTERM:
        assert _leftovers(tmp_path, "out") == []
    res = run_cli("export", str(POLICIES), "--out", str(out), "--no-tables")
    assert res.returncode == 0
    assert _leftovers(tmp_path, "out") == []


def test_scratch_folders_of_dead_runs_are_removed(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dead = tmp_path / f"policykit-site-{_dead_pid()}-abc"
    (dead / "docs").mkdir(parents=True)
    with temporary_folder() as folder:
        assert folder.is_dir() and folder.name.startswith(f"policykit-site-{os.getpid()}-")
        assert not dead.exists()
    assert not folder.exists()
    assert not list(tmp_path.glob("policykit-site-*"))


def test_staging_removed_on_exception(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep").write_text("old")
    with pytest.raises(RuntimeError), atomic_output(out) as staging:
        (staging / "new").write_text("x")
        raise RuntimeError("stop")
    assert (out / "keep").read_text() == "old" and not (out / "new").exists()
    assert _leftovers(tmp_path, "out") == []
    shutil.rmtree(out)
