"""The JSON API and the download tables, written side by side.

For a large policy set the tables (pandas, ~20 s at 3,000 regions) are written by a
forked child while this process writes the JSON API (`forked`) and then, in a build,
the site's pages (`exporting`): the same files either way, in about half the time on
two cores.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from policykit.model.policyset import PolicySet
from policykit.publish.api.export import export_api
from policykit.util.fork import MIN_VALUES_FOR_TABLES, forked

# What `build` has the child write beside the tables while it generates the pages:
# the change list (about as long to write as the pages take).
BUILD_CHILD_DOCS = frozenset({"changes.json"})


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
