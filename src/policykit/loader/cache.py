"""Cache of parsed, schema-valid policy files, keyed by content.

A file's validated data is a pure function of its bytes, its kind (region,
sources, catalogue: from the file name) and the code that parses and validates
it. So the key of an entry is `kind:sha256(bytes)`, and the whole cache carries
a salt made of the policykit version, the Python version and a digest of the
parser and schema code and of the schemas themselves: a change to any of them
makes every entry a miss. Only files without problems are cached; a file with
diagnostics is always re-read, so its messages are never stale.

One pack file per policy folder (named by the folder's absolute path) under
`$POLICYKIT_CACHE_DIR`, else `$XDG_CACHE_HOME/policykit`, else
`~/.cache/policykit`. The pack holds only the entries the last run used, so a
deleted or renamed file drops out of it. A pack is trusted only if its magic,
salt and checksum match: a truncated, corrupt or foreign pack is ignored (and
replaced on the next save), never half-read. Writes go to a temporary file and
are renamed in, so a crash leaves the old pack or the new one. The cache is an
accelerator only: any error reading or writing it is silent and the data is
read from the YAML instead. `POLICYKIT_CACHE_DIR=off` turns it off.

Entries are stored as JSON (orjson): exact for the types YAML's core schema
gives (str, int, float, bool, null, lists, maps); an entry whose data does not
survive the JSON round trip unchanged (an integer beyond 64 bits, a NaN) is not
cached.
"""

from __future__ import annotations

import hashlib
import os
import struct
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from policykit._version import __version__

MAGIC = b"policykit-cache\x001\n"
_LEN = struct.Struct("<Q")
_OFF = "POLICYKIT_CACHE_DIR"


def cache_dir() -> Path | None:
    """Where packs live, or None when the cache is turned off."""
    env = os.environ.get(_OFF)
    if env is not None:
        return None if env.strip().lower() in ("", "0", "off", "no", "false") else Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "policykit"


def salt() -> bytes:
    """What a cached entry depends on besides the file's bytes: the versions, the
    schemas the data was validated against and the code that parsed it."""
    from policykit.loader import schema

    h = hashlib.sha256()
    h.update(f"{__version__}\0{sys.version}\0".encode())
    for kind in sorted(schema.KIND_SCHEMA):
        h.update(orjson.dumps(schema.schema(kind), option=orjson.OPT_SORT_KEYS))
    for path in sorted(Path(__file__).parent.glob("*.py")):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.digest()


def digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def encode(data: Any) -> bytes | None:
    """The entry bytes for data, or None when JSON would not give back the same."""
    try:
        blob = orjson.dumps(data)
    except (TypeError, orjson.JSONEncodeError):
        return None
    return blob if orjson.loads(blob) == data else None


@dataclass
class Pack:
    """The entries of one policy folder: read once, looked up, saved once."""

    path: Path | None
    salt: bytes
    entries: dict[str, bytes] = field(default_factory=dict)
    used: dict[str, bytes] = field(default_factory=dict)
    hits: int = 0
    _read_keys: set[str] | None = None

    @classmethod
    def open(cls, root: Path, directory: Path | None = None) -> Pack:
        directory = directory if directory is not None else cache_dir()
        s = salt()
        if directory is None:
            return cls(None, s)
        name = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:32]
        path = directory / f"{name}.pack"
        return cls(path, s, read_entries(path, s))

    @property
    def enabled(self) -> bool:
        return self.path is not None

    def get(self, kind: str, sha: str) -> bytes | None:
        """The entry's JSON bytes (decoded by the caller when it needs the data: the
        pack's checksum vouches for them), or None."""
        key = f"{kind}:{sha}"
        blob = self.entries.get(key)
        if blob is None:
            return None
        self.used[key] = blob
        self.hits += 1
        return blob

    def put(self, kind: str, sha: str, blob: bytes) -> None:
        self.used[f"{kind}:{sha}"] = blob

    def release(self) -> None:
        """Lookups are over: free the entries this run did not use (keeping their keys)."""
        self._read_keys = set(self.entries)
        self.entries = {}

    def save(self) -> None:
        """Write the entries this run used, if they differ from what was read."""
        read_keys = self._read_keys if self._read_keys is not None else set(self.entries)
        if self.path is None or self.used.keys() == read_keys:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_entries(self.path, self.salt, self.used)
        except OSError:
            pass  # an unwritable cache only costs speed


def read_entries(path: Path, s: bytes) -> dict[str, bytes]:
    """A pack's entries; empty when it is missing, truncated, corrupt or salted otherwise."""
    try:
        raw = path.read_bytes()
    except OSError:
        return {}
    head = len(MAGIC) + 32 + 32
    if len(raw) < head or not raw.startswith(MAGIC):
        return {}
    if raw[len(MAGIC):len(MAGIC) + 32] != s:
        return {}
    body = memoryview(raw)[head:]
    if hashlib.sha256(body).digest() != raw[len(MAGIC) + 32:head]:
        return {}
    out: dict[str, bytes] = {}
    pos = 0
    try:
        while pos < len(body):
            (klen,) = _LEN.unpack_from(body, pos)
            pos += _LEN.size
            key = bytes(body[pos:pos + klen]).decode()
            pos += klen
            (vlen,) = _LEN.unpack_from(body, pos)
            pos += _LEN.size
            out[key] = bytes(body[pos:pos + vlen])
            pos += vlen
    except (struct.error, UnicodeDecodeError):
        return {}
    return out


def write_entries(path: Path, s: bytes, entries: dict[str, bytes]) -> None:
    """Write a pack atomically (a temporary file renamed in)."""
    parts: list[bytes] = []
    for key in sorted(entries):
        k = key.encode()
        v = entries[key]
        parts += [_LEN.pack(len(k)), k, _LEN.pack(len(v)), v]
    body = b"".join(parts)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(MAGIC + s + hashlib.sha256(body).digest() + body)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
