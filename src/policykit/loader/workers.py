"""Every file of a load, read as cheaply as it can be: from the content cache, or
parsed here or, when there are many to parse, in worker processes (`util.fork`).

Results come back in the files' order whichever way they were read; a worker's valid
data travels back as JSON bytes (faster to decode than a pickle), which are also
what the cache keeps.
"""

from __future__ import annotations

from pathlib import Path

from policykit.loader import cache as filecache
from policykit.loader.discover import kind_of
from policykit.loader.readfile import FileResult, read, regular_bytes
from policykit.util.fork import MAX_WORKERS, MIN_FILES_TO_PARSE, cores, fork_map
from policykit.util.progress import Progress

CHUNK = 48  # files per job handed to a worker: few messages, yet an even spread

Loaded = tuple[FileResult, bytes | None, str | None]  # result, JSON bytes, sha of the input


def load_one(root: Path, rel: str, display: str, exact: bool, encode: bool) -> Loaded:
    """One file, its valid data as JSON bytes (for the cache and for workers) and the
    digest of the very bytes that were parsed (the cache key: a file that changes
    while it is read is keyed by what was read, never by an earlier hash)."""
    fr, raw = read(root, rel, display, exact)
    blob = filecache.encode(fr.data) if encode and fr.data is not None else None
    return fr, blob, None if raw is None else filecache.digest(raw)


def _work(root: Path, display: str, rels: list[str]) -> list[Loaded]:
    """A worker's job: a chunk of files, valid data as JSON bytes only."""
    out: list[Loaded] = []
    for rel in rels:
        fr, blob, sha = load_one(root, rel, display, False, True)
        out.append((FileResult(fr.rel, fr.kind, None, fr.diagnostics) if blob else fr,
                    blob, sha))
    return out


def workers(requested: int | None, todo: int) -> int:
    """How many processes parse `todo` files: as asked, else one per core (at most
    MAX_WORKERS) when there are enough files for workers to pay."""
    if requested is not None:
        return max(1, requested)
    if todo < MIN_FILES_TO_PARSE:
        return 1
    return min(cores(), MAX_WORKERS)


def load_all(root: Path, shown: str, rels: list[str], exact: bool, pack: filecache.Pack,
             jobs: int | None, bar: Progress, digests: dict[str, str]) -> list[FileResult]:
    """Every file's result, in the order of `rels`; `digests` gets each file's sha256."""
    results: dict[str, FileResult] = {}
    todo: list[str] = []
    for rel in rels:
        kind = kind_of(rel)
        if not pack.enabled or exact or kind is None:
            todo.append(rel)
            continue
        try:  # a special or too large file: OSError here, diagnosed by `read`
            digests[rel] = filecache.digest(regular_bytes(root / rel))
            blob = pack.get(kind, digests[rel])
        except OSError:
            blob = None
        if blob is None:
            todo.append(rel)
        else:
            results[rel] = FileResult(rel, kind, None, (), blob)
            bar.advance()
    pack.release()
    n = workers(jobs, len(todo))
    if n > 1 and not exact:
        loaded = _parallel(root, shown, todo, n, bar)
    else:
        loaded = []
        for rel in todo:
            loaded.append(load_one(root, rel, shown, exact, pack.enabled))
            bar.advance()
    for rel, (fr, blob, sha) in zip(todo, loaded, strict=True):
        if sha is not None:
            digests[rel] = sha
        if blob is not None:
            if fr.data is None:
                fr = FileResult(fr.rel, fr.kind, None, fr.diagnostics, blob)
            if sha is not None and fr.kind is not None:
                pack.put(fr.kind, sha, blob)
        results[rel] = fr
    return [results[rel] for rel in rels]


def _parallel(root: Path, shown: str, rels: list[str], n: int, bar: Progress) -> list[Loaded]:
    chunks = [rels[i:i + CHUNK] for i in range(0, len(rels), CHUNK)]
    parts: list[list[Loaded]] = [[] for _ in chunks]
    for i, part in fork_map(lambda chunk: _work(root, shown, chunk), chunks, n):
        parts[i] = part
        bar.advance(len(part))
    return [loaded for part in parts for loaded in part]
