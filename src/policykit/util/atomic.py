"""Write a whole output folder or nothing: stage beside the target, then swap it in.

    with atomic_output(Path("site")) as staging:
        write_everything_into(staging)
    # site/ is now the new tree; had writing raised, site/ would be untouched

The staging folder lives in the target's parent (`.site.staging-<pid>`) so both
renames stay on one file system. The swap renames the old tree away (`.site.old-<pid>`),
renames the new one in and only then deletes the old one; if the second rename fails
the old tree is put back. Readers see the old tree or the new one, never a half-written
mix (there is a moment with no tree at all, between the two renames).

What a run leaves when it is stopped (issue 17):

* On an exception, Ctrl-C or SIGTERM (turned into an exception while a staging folder
  exists) the staging folder is removed and the target is left as it was.
* A run killed outright (SIGKILL, a power cut) cannot clean up: the next run on the same
  target removes every `.NAME.staging-PID` and `.NAME.old-PID` whose process is gone
  (`clean_leftovers`); if the kill fell between the two renames (no target, a complete
  `.NAME.old-PID`), the old tree is first put back. So after the next run at most that
  run's own staging folder exists, and only while it runs.
* A target that is a symbolic link is followed: the folder it points to is replaced
  and the link stays a link.
* A target that cannot be written (a read-only folder) is refused before anything is
  staged (PermissionError), never replaced half-way.

`temporary_folder` is the same for scratch folders under the system's temporary
directory (`policykit-site-<pid>-…`): removed on exit, leftovers of dead runs removed
by the next one.

The deterministic JSON bytes every exporter writes are in `util.jsonio`.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType


def _sibling(target: Path, tag: str, pid: int | None = None) -> Path:
    return target.parent / f".{target.name}.{tag}-{os.getpid() if pid is None else pid}"


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def clean_leftovers(target: Path) -> list[Path]:
    """Remove what killed runs left beside `target` (see the module doc); put the old
    tree back first when a run died between its two renames. The paths removed."""
    pattern = re.compile(rf"\.{re.escape(target.name)}\.(staging|old)-([0-9]+)")
    removed: list[Path] = []
    try:
        names = sorted(os.listdir(target.parent))
    except OSError:
        return removed
    found = [(m.group(1), int(m.group(2)), target.parent / name)
             for name in names if (m := pattern.fullmatch(name))]
    dead = [(tag, pid, path) for tag, pid, path in found if not _alive(pid)]
    if not os.path.lexists(target):
        for tag, _pid, path in dead:
            if tag == "old":  # the previous output, renamed away just before the kill
                os.replace(path, target)
                break
    for _tag, _pid, path in dead:
        if os.path.lexists(path):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


@contextmanager
def _terminate_raises() -> Iterator[None]:
    """SIGTERM (and SIGHUP) raise SystemExit in the block, so that cleanup runs as on
    Ctrl-C. Only the main thread can install handlers; elsewhere nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    saved = {}
    for sig in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(sig) is signal.SIG_DFL:
            saved[sig] = signal.signal(sig, stop)
    try:
        yield
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def _writable(target: Path) -> None:
    if target.is_dir() and not os.access(target, os.W_OK | os.X_OK):
        raise PermissionError(errno.EACCES, "the output folder is read-only", str(target))


@contextmanager
def atomic_output(target: Path | str) -> Iterator[Path]:
    """Yield an empty staging folder; on a clean exit it replaces `target`.

    On any exception (SIGTERM included) the staging folder is removed and `target` is
    left exactly as it was; the exception propagates.
    """
    target = Path(target)
    if target.is_symlink():
        target = target.resolve()  # the link stays; the folder it names is replaced
    if target.exists() and not target.is_dir():
        raise NotADirectoryError(f"{target} exists and is not a folder")
    target.parent.mkdir(parents=True, exist_ok=True)
    clean_leftovers(target)
    _writable(target)
    staging = _sibling(target, "staging")
    if staging.exists():  # left behind by a killed run that had our pid
        shutil.rmtree(staging)
    with _terminate_raises():
        staging.mkdir()
        try:
            yield staging
            _swap(staging, target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise


def _swap(staging: Path, target: Path) -> None:
    old = _sibling(target, "old")
    if old.exists():
        shutil.rmtree(old)
    had_old = target.exists()
    if had_old:
        os.replace(target, old)
    try:
        os.replace(staging, target)
    except BaseException:
        if had_old:
            os.replace(old, target)
        raise
    if had_old:
        shutil.rmtree(old, ignore_errors=True)


SCRATCH_PREFIX = "policykit-site-"


@contextmanager
def temporary_folder(prefix: str = SCRATCH_PREFIX) -> Iterator[Path]:
    """A scratch folder `<tmp>/<prefix><pid>-…`, removed on exit (SIGTERM included);
    those of dead runs are removed first."""
    tmp = Path(tempfile.gettempdir())
    pattern = re.compile(rf"{re.escape(prefix)}([0-9]+)-.*")
    try:
        names = os.listdir(tmp)
    except OSError:
        names = []
    for name in names:
        m = pattern.fullmatch(name)
        if m and not _alive(int(m.group(1))):
            shutil.rmtree(tmp / name, ignore_errors=True)
    with _terminate_raises(), tempfile.TemporaryDirectory(
            prefix=f"{prefix}{os.getpid()}-") as folder:
        yield Path(folder)
