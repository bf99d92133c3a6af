"""One policy file: read, parse and validate it, on its own.

`load_file` is a pure function of the file's bytes (so its result can be cached and
computed in a worker process). The fast path (Rust parser and validator) gives the
data of a good file; anything it does not accept is read again on the exact path,
which produces every diagnostic, each placed at its line.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

import policykit.codes as codes
from policykit.diagnostics import Diagnostic, shown_path
from policykit.loader import schema
from policykit.loader.discover import kind_of, special_kind
from policykit.loader.positions import place
from policykit.loader.yamlsrc import (
    MAX_BYTES,
    fast_safe,
    lexical_problems,
    parse_exact,
    parse_fast,
)


@dataclass(frozen=True)
class FileResult:
    """One file's outcome: its valid plain data (or, from the cache or a worker, the
    same data as JSON bytes, decoded only when the model takes the file), or the
    diagnostics of its problems."""

    rel: str
    kind: str | None
    data: Any
    diagnostics: tuple[Diagnostic, ...] = ()
    blob: bytes | None = None

    def plain(self) -> Any:
        if self.data is None and self.blob is not None:
            return orjson.loads(self.blob)
        return self.data


def load_file(root: Path, rel: str, display: str = "", exact: bool = False) -> FileResult:
    """Read, parse and validate one file. `exact` forces the reference path."""
    return read(root, rel, display, exact)[0]


def load_as(path: Path, kind: str) -> FileResult:
    """One file read as a policy file of `kind` whatever its name or folder (for
    tools that are handed a file, such as `extract`'s catalogue)."""
    return _read(path, str(path), kind, str(path), False)[0]


def read(root: Path, rel: str, display: str, exact: bool) -> tuple[FileResult, bytes | None]:
    """load_file, plus the raw bytes when the file could be read."""
    shown = shown_path(display, rel)
    kind = kind_of(rel)
    if kind is None:
        return FileResult(rel, None, None,
                          (codes.make("E_FILE_KIND", shown, "", name=Path(rel).name).at(1, 1),)), None
    return _read(root / rel, rel, kind, shown, exact)


def _read(path: Path, rel: str, kind: str, shown: str,
          exact: bool) -> tuple[FileResult, bytes | None]:
    try:
        raw = _regular_bytes(path)
    except _Special as exc:
        return FileResult(rel, kind, None, (codes.make(
            "E_SPECIAL_FILE", shown, "", what_zh=exc.what[0], what_en=exc.what[1]).at(1, 1),)), None
    except _TooLarge as exc:
        return FileResult(rel, kind, None, (codes.make(
            "E_TOO_LARGE", shown, "", size=exc.size, limit=MAX_BYTES).at(1, 1),)), None
    except OSError as exc:
        return FileResult(rel, kind, None, (codes.make(
            "E_READ", shown, "", reason=exc.strerror or str(exc)).at(1, 1),)), None
    return from_bytes(raw, rel, kind, shown, exact), raw


def from_bytes(raw: bytes, rel: str, kind: str, shown: str, exact: bool) -> FileResult:
    """One file's result from its bytes: the exact path when `exact`, else the fast
    path with the exact one for whatever the fast one does not accept."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return FileResult(rel, kind, None, (codes.make("E_BOM", shown, "").at(1, 1),))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return FileResult(rel, kind, None,
                          (codes.make("E_ENCODING", shown, "", byte=exc.start).at(line, col),))
    if not exact:
        data = _fast_path(kind, text, shown)
        if data is not None:
            return FileResult(rel, kind, data)
    return _exact_path(rel, kind, text, shown)


class _Special(OSError):
    def __init__(self, what: tuple[str, str]) -> None:
        super().__init__(what[1])
        self.what = what


class _TooLarge(OSError):
    def __init__(self, size: int) -> None:
        super().__init__(f"{size} bytes")
        self.size = size


def regular_bytes(path: Path) -> bytes:
    """The bytes of a regular file of at most MAX_BYTES; OSError otherwise. The type
    is checked before the file is opened (a FIFO would block the open) and again on
    the open descriptor (the name may have been swapped in between); O_NONBLOCK keeps
    even that open from waiting."""
    return _regular_bytes(path)


def _regular_bytes(path: Path) -> bytes:
    special = special_kind(path.stat().st_mode)
    if special is not None:
        raise _Special(special)
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        st = os.fstat(fd)
        special = special_kind(st.st_mode)
        if special is not None or stat.S_ISDIR(st.st_mode):
            raise _Special(special or ("文件夹", "a folder"))
        if st.st_size > MAX_BYTES:
            raise _TooLarge(st.st_size)
        with os.fdopen(fd, "rb", closefd=False) as fh:
            raw = fh.read(MAX_BYTES + 1)
    finally:
        os.close(fd)
    if len(raw) > MAX_BYTES:
        raise _TooLarge(len(raw))
    return raw


def _fast_path(kind: str, text: str, shown: str) -> Any:
    if lexical_problems(text, shown) or not fast_safe(text):
        return None
    try:
        data = parse_fast(text)
        if data is None or not schema.is_valid_fast(kind, data):
            return None
    except Exception:  # any fast-path failure is re-diagnosed on the exact path
        return None
    return data


def _exact_path(rel: str, kind: str, text: str, shown: str) -> FileResult:
    parsed = parse_exact(text, shown)
    if parsed.diagnostics:
        return FileResult(rel, kind, None, tuple(parsed.diagnostics))
    diags = schema.diagnose(kind, parsed.data, shown)
    if not diags and parsed.data is not None:
        return FileResult(rel, kind, parsed.data)
    if parsed.data is None:
        diags = [d.at(1, 1) for d in diags]
    return FileResult(rel, kind, None, tuple(place(diags, parsed.positions)))
