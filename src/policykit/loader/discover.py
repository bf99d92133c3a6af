"""Which files make up a policy folder, and what kind each one is.

Every YAML file under the root is a policy file, found in sorted order; its name says
its kind. A symbolic link is followed only when it stays inside the root. Nothing is
skipped without a word: a folder that cannot be listed, a link that leads nowhere or
round in a loop, a name that is not UTF-8 and a special file (FIFO, device, socket)
named like a policy file each become a diagnostic, and a special file is refused by
its type, before anything opens it (opening a FIFO would wait forever).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import policykit.codes as codes
from policykit.diagnostics import Diagnostic, shown_path

KINDS = {"region.yaml": "region", "sources.yaml": "sources", "catalogue.yaml": "catalogue"}
YAML_SUFFIXES = (".yaml", ".yml")


def kind_of(rel: str) -> str | None:
    """The kind of a policy file by its name; None for a name that is none of them."""
    return KINDS.get(Path(rel).name)


def special_kind(mode: int) -> tuple[str, str] | None:
    """Chinese and English names of a file type that is not a regular file or folder."""
    if stat.S_ISFIFO(mode):
        return "命名管道（FIFO）", "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "套接字", "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "设备文件", "a device"
    if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        return "特殊文件", "a special file"
    return None


def _utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # os.fsdecode's surrogate escapes: bytes that are not UTF-8
        return False
    return True


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


class _Walk:
    def __init__(self, root: Path, display: str) -> None:
        self.root = root
        self.display = display
        self.real_root = root.resolve()
        self.found: list[str] = []
        self.diags: list[Diagnostic] = []

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix() if path != self.root else "."

    def problem(self, code: str, path: Path, **params: object) -> None:
        rel = self.rel(path)
        if not _utf8(rel):
            rel = os.fsencode(rel).decode("utf-8", "backslashreplace")
        self.diags.append(codes.make(code, shown_path(self.display, rel), "", **params).at(1, 1))

    def unlistable(self, exc: OSError) -> None:
        where = Path(exc.filename) if exc.filename else self.root
        self.problem("E_FOLDER", where, reason=_reason(exc))

    def link(self, path: Path) -> bool:
        """Whether a symbolic link leads to a file or folder inside the root."""
        try:
            target = path.resolve(strict=True)
        except RuntimeError:  # Python 3.11: a loop of links
            self.problem("E_SYMLINK_BROKEN", path, target=os.readlink(path),
                         why_zh="链接成环", why_en="a loop of links")
            return False
        except OSError as exc:
            self.problem("E_SYMLINK_BROKEN", path, target=os.readlink(path),
                         why_zh="目标不存在或无法访问", why_en=f"no such target ({_reason(exc)})")
            return False
        if not target.is_relative_to(self.real_root):
            self.problem("E_SYMLINK", path, target=str(os.readlink(path)))
            return False
        return True

    def file(self, path: Path) -> None:
        if not _utf8(path.name):
            self.problem("E_PATH_ENCODING", path)
            return
        try:
            mode = path.stat().st_mode
        except OSError as exc:
            self.problem("E_READ", path, reason=_reason(exc))
            return
        special = special_kind(mode)
        if special is not None:
            self.problem("E_SPECIAL_FILE", path, what_zh=special[0], what_en=special[1])
            return
        if stat.S_ISREG(mode):
            self.found.append(self.rel(path))

    def run(self) -> None:
        for dirpath, dirnames, filenames in os.walk(self.root, onerror=self.unlistable):
            here = Path(dirpath)
            keep: list[str] = []
            for d in sorted(dirnames):
                if not _utf8(d):
                    self.problem("E_PATH_ENCODING", here / d)
                elif (here / d).is_symlink():
                    # os.walk does not enter a linked folder; a link to a folder is
                    # checked (it must stay inside) and then left alone, as before.
                    self.link(here / d)
                else:
                    keep.append(d)
            dirnames[:] = keep
            for name in sorted(filenames):
                path = here / name
                if not name.endswith(YAML_SUFFIXES):
                    if path.is_symlink():
                        self.link(path)
                    continue
                if path.is_symlink() and not self.link(path):
                    continue
                self.file(path)


def discover(root: Path, display: str) -> tuple[list[str], list[Diagnostic]]:
    """Every YAML file under root (relative paths, sorted) and the problems of the walk."""
    walk = _Walk(root, display)
    walk.run()
    return walk.found, walk.diags
