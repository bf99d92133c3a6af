"""The JSON API and the download tables, written side by side.

For a large policy set the tables (pandas, ~20 s at 3,000 regions) are written by a
forked child while this process writes the JSON API (`forked`): the same files
either way, in about half the time on two cores.
"""

from __future__ import annotations

from pathlib import Path

from .export import export_api
from .forked import forked
from .policyset import PolicySet

PARALLEL_MIN_VALUES = 20_000  # below this the tables take under a second: no fork


def export_all(ps: PolicySet, out: Path, as_of: str, base_url: str, commit: str | None,
               *, tables: bool = True, parallel: bool | None = None) -> int:
    """Write out/api/v1/ and (with `tables`) out/downloads/; the number of files."""
    if not tables:
        return export_api(ps, out, as_of, base_url, commit)
    from .tables import export_tables  # pandas: imported only when tables are written

    if parallel is None:
        parallel = sum(len(v) for v in ps.rules.values()) >= PARALLEL_MIN_VALUES
    with forked(lambda: export_tables(ps, out, as_of, commit), parallel) as written:
        n = export_api(ps, out, as_of, base_url, commit)
        return n + written()
