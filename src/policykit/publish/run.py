"""The JSON API and the download tables, written side by side.

For a large policy set the tables (pandas, ~20 s at 3,000 regions) are written by a
forked child while this process writes the JSON API (`forked`) and then, in a build,
the site's pages (`exporting`): the same files either way, in about half the time on
two cores.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from policykit.model.policyset import PolicySet
from policykit.publish.api.export import ExportError, export_api
from policykit.util.atomic import atomic_output
from policykit.util.fork import MIN_VALUES_FOR_TABLES, forked
from policykit.util.progress import Progress

# What `build` has the child write beside the tables while it generates the pages:
# the change list (about as long to write as the pages take).
BUILD_CHILD_DOCS = frozenset({"changes.json"})


@contextmanager
def writing(out: Path) -> Iterator[None]:
    """An OSError in the block (a full disk, a folder without permission) becomes an
    ExportError naming `out`: it is the output that could not be written."""
    try:
        yield
    except OSError as exc:
        reason = exc.strerror or str(exc)
        scratch = _in_scratch(exc, out)
        if scratch is not None:  # the system's temporary folder, not `out`, is at fault
            raise ExportError(
                f"无法写入临时文件夹 {scratch}：{reason}（可用 TMPDIR 指定另一个文件夹）",
                f"cannot write the temporary folder {scratch}: {reason} (set TMPDIR to "
                "use another one)") from exc
        raise ExportError(f"无法写入 {out}：{reason}", f"cannot write {out}: {reason}") from exc


def _in_scratch(exc: OSError, out: Path) -> str | None:
    """The temporary folder, when the failing file is under it (build's scratch docs)
    and not beside `out` (whose staging folder may be under it too)."""
    tmp = Path(tempfile.gettempdir()).resolve()
    beside_out = out.resolve().parent
    for name in (exc.filename, exc.filename2):
        if isinstance(name, (str, Path)):
            path = Path(name).resolve()
            if path.is_relative_to(tmp) and not path.is_relative_to(beside_out):
                return str(tmp)
    return None


def export_folder(ps: PolicySet, out: Path, as_of: str, base_url: str, commit: str | None,
                  *, tables: bool = True, parallel: bool | None = None,
                  progress: bool = False) -> int:
    """`export_all` into `out`, replaced whole only when everything was written (a
    failed export leaves the previous `out` untouched); the number of files. Raises
    ExportError (also for a file that cannot be written)."""
    bar = Progress("导出 exporting: JSON 接口与下载表格 API and tables", 1, progress)
    bar.advance(0)
    try:
        with writing(out), atomic_output(out) as staging:
            return export_all(ps, staging, as_of, base_url, commit, tables=tables,
                              parallel=parallel)
    finally:
        bar.done()


def export_all(ps: PolicySet, out: Path, as_of: str, base_url: str, commit: str | None,
               *, tables: bool = True, parallel: bool | None = None) -> int:
    """Write out/api/v1/ and (with `tables`) out/downloads/; the number of files."""
    if not tables:
        return export_api(ps, out, as_of, base_url, commit)
    with exporting(ps, out, as_of, base_url, commit, parallel=parallel) as written:
        return written()


@contextmanager
def exporting(ps: PolicySet, out: Path, as_of: str, base_url: str, commit: str | None,
              *, parallel: bool | None = None, child_docs: frozenset[str] = frozenset(),
              ) -> Iterator[Callable[[], int]]:
    """`export_all`, handing back control once the JSON API is written while the child
    may still be writing the tables (and the API files named in `child_docs`): the
    block can do other work meanwhile (the site's pages). The callable waits for the
    child and returns the number of files; it is called on leaving the block if the
    block did not."""
    from policykit.publish.tables import (
        export_tables,  # pandas: imported only when tables are written
    )

    if parallel is None:
        parallel = sum(len(v) for v in ps.rules.values()) >= MIN_VALUES_FOR_TABLES

    def child() -> int:
        n = export_tables(ps, out, as_of, commit)
        if child_docs:
            n += export_api(ps, out, as_of, base_url, commit, want=child_docs.__contains__)
        return n

    with forked(child, parallel) as tables:
        n = export_api(ps, out, as_of, base_url, commit,
                       want=lambda path: path not in child_docs)
        yield lambda: n + tables()
        tables()
