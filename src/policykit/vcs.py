"""Read `policies/` as of a git revision, with real git, without touching the work tree.

The files are listed with `git ls-tree -r -z <commit>:<path>` and their blobs read
with one `git cat-file --batch`, then written into a fresh temporary folder that
the ordinary loader reads. We read blobs rather than `git archive` so that
`.gitattributes` (`export-ignore`, `export-subst`) cannot change what is compared,
and no tar stream has to be trusted. Every path is checked before it is written:
no absolute paths, no `.`/`..` components, no symlinks or submodules.
"""

from __future__ import annotations

import os
import posixpath
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from policykit.errors import EXIT_DATA, EXIT_USAGE, PolicykitError

YAML_SUFFIXES = (".yaml", ".yml")
_BLOB_MODES = {"100644", "100755"}


class GitRevError(PolicykitError):
    """A revision that cannot be read. `usage` is True for a bad argument (exit 2),
    False for a revision whose content cannot be used (exit 1)."""

    code = "E_GIT_REV"

    def __init__(self, zh: str, en: str, usage: bool = True) -> None:
        super().__init__(zh, en, exit_code=EXIT_USAGE if usage else EXIT_DATA)
        self.usage = usage


@dataclass(frozen=True, slots=True)
class Revision:
    """A revision as given (`name`), the commit it names and the policy folder's path
    inside the repository (posix, relative to the top level; "" for the top)."""

    name: str
    commit: str
    path: str
    toplevel: Path

    @property
    def short(self) -> str:
        return self.commit[:12]

    @property
    def display(self) -> str:
        """How files of this revision are named in messages: the repository path."""
        return self.path or "."


def _git(args: list[str], cwd: Path, input_bytes: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    try:
        return subprocess.run(["git", *args], cwd=cwd, input=input_bytes, capture_output=True,
                              env=env, check=False)
    except FileNotFoundError as exc:
        raise GitRevError("找不到 git 命令，无法读取版本", "git is not installed") from exc


def _out(proc: subprocess.CompletedProcess[bytes]) -> str:
    return proc.stdout.decode("utf-8", "replace").strip()


def resolve(rev: str, root: str = "policies", cwd: Path | None = None) -> Revision:
    """The commit `rev` names and where the policy folder `root` is inside its tree.

    `root` is relative to `cwd` (like every path the user types); it need not exist
    in the work tree."""
    here = Path.cwd() if cwd is None else cwd
    if not rev or rev.startswith("-"):
        raise GitRevError(f"无效的版本名 {rev!r}", f"invalid revision name {rev!r}")
    top = _git(["rev-parse", "--show-toplevel"], here)
    if top.returncode != 0:
        raise GitRevError(
            f"{rev} 不是文件夹；当前目录也不在 git 仓库中，无法作为版本读取",
            f"{rev} is not a folder, and the current directory is not in a git repository")
    toplevel = Path(_out(top))
    proc = _git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"],
                here)
    if proc.returncode != 0:
        raise GitRevError(f"未知的 git 版本 {rev}（也不是文件夹）",
                          f"unknown git revision {rev} (and not a folder)")
    commit = _out(proc)
    path = _repo_path(root, here, toplevel)
    spec = f"{commit}:{path}"
    kind = _git(["cat-file", "-t", spec], toplevel)
    if kind.returncode != 0 or _out(kind) != "tree":
        raise GitRevError(f"版本 {rev} 中没有政策数据文件夹 {path or '.'}/",
                          f"revision {rev} has no policy folder {path or '.'}/")
    return Revision(rev, commit, path, toplevel)


def _repo_path(root: str, here: Path, toplevel: Path) -> str:
    if os.path.isabs(root):
        rel = os.path.relpath(os.path.realpath(root), os.path.realpath(toplevel))
    else:
        prefix = _out(_git(["rev-parse", "--show-prefix"], here))
        rel = posixpath.normpath(posixpath.join(prefix, Path(root).as_posix()))
    rel = Path(rel).as_posix()
    if rel == ".":
        return ""
    if rel == ".." or rel.startswith("../"):
        raise GitRevError(f"政策数据文件夹 {root} 不在 git 仓库内",
                          f"policy folder {root} is outside the git repository")
    return rel


def _safe_relpath(name: str) -> bool:
    if not name or name.startswith("/") or "\\" in name or "\0" in name:
        return False
    return all(part not in ("", ".", "..") for part in name.split("/"))


def list_files(rev: Revision) -> list[tuple[str, str]]:
    """(path relative to the policy folder, blob id) of every YAML file, checked."""
    spec = f"{rev.commit}:{rev.path}"
    proc = _git(["ls-tree", "-r", "-z", "--full-tree", spec], rev.toplevel)
    if proc.returncode != 0:
        raise GitRevError(f"无法列出版本 {rev.name} 中的文件",
                          f"cannot list the files of revision {rev.name}: "
                          + proc.stderr.decode("utf-8", "replace").strip(), usage=False)
    out = []
    for record in proc.stdout.split(b"\0"):
        if not record:
            continue
        meta, _, raw_name = record.partition(b"\t")
        mode, kind, oid = meta.decode("ascii").split(" ")
        name = raw_name.decode("utf-8", "surrogateescape")
        shown = posixpath.join(rev.display, name)
        if not _safe_relpath(name):
            raise GitRevError(f"版本 {rev.name} 中的路径 {name!r} 不安全，拒绝读取",
                              f"unsafe path {name!r} in revision {rev.name}", usage=False)
        if mode == "120000" or kind != "blob" or mode not in _BLOB_MODES:
            what = "符号链接" if mode == "120000" else "子模块或特殊文件"
            raise GitRevError(
                f"版本 {rev.name} 中的 {shown} 是{what}；从版本读取时不跟随链接",
                f"{shown} in revision {rev.name} is a "
                + ("symbolic link" if mode == "120000" else "submodule or special entry")
                + "; links are not followed when reading a revision", usage=False)
        if name.endswith(YAML_SUFFIXES):
            out.append((name, oid))
    return out


def read_blobs(rev: Revision, oids: list[str]) -> list[bytes]:
    """The contents of blobs, in order, from one `git cat-file --batch`."""
    if not oids:
        return []
    proc = _git(["cat-file", "--batch"], rev.toplevel, ("\n".join(oids) + "\n").encode("ascii"))
    if proc.returncode != 0:
        raise GitRevError(f"无法读取版本 {rev.name} 中的文件",
                          f"cannot read the files of revision {rev.name}", usage=False)
    data = proc.stdout
    out: list[bytes] = []
    pos = 0
    for oid in oids:
        eol = data.index(b"\n", pos)
        header = data[pos:eol].decode("ascii").split(" ")
        if len(header) != 3 or header[0] != oid or header[1] != "blob":
            raise GitRevError(f"版本 {rev.name} 中的对象 {oid} 无法读取",
                              f"object {oid} of revision {rev.name} is missing", usage=False)
        size = int(header[2])
        out.append(data[eol + 1:eol + 1 + size])
        pos = eol + 1 + size + 1
    return out


def materialize(rev: Revision, dest: Path) -> int:
    """Write the revision's policy YAML files under `dest`; the number of files."""
    files = list_files(rev)
    blobs = read_blobs(rev, [oid for _, oid in files])
    base = dest.resolve()
    for (name, _), blob in zip(files, blobs, strict=True):
        target = (dest / name).resolve()
        if not target.is_relative_to(base):  # belt and braces after _safe_relpath
            raise GitRevError(f"版本 {rev.name} 中的路径 {name!r} 不安全，拒绝读取",
                              f"unsafe path {name!r} in revision {rev.name}", usage=False)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(blob)
    return len(files)


@contextmanager
def checkout(rev: Revision) -> Iterator[Path]:
    """A temporary folder holding the revision's policy files, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="policykit-rev-") as tmp:
        root = Path(tmp) / "policies"
        root.mkdir()
        materialize(rev, root)
        yield root
