"""`downloads/values.parquet`: the long table (`values.csv`, same rows, same order) as
typed Parquet, which pandas, DuckDB and Spark read without a guess.

Every column is a string (codes keep their zeros; start/end/observed are partial dates
as the sources give them: "2021", "2021-07", "2021-07-01") except `value_number`, an
exact decimal whose scale is the largest the data needs (a ratio is a fraction: 0.65
is 65 %; the unit is in `unit`). Appended one parameter at a time, like the CSV, and
written in row groups of ROW_GROUP rows, so memory holds at most one group. Same data, same pyarrow → the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from policykit.model.policyset import PolicySet

NUMBER_COLUMN = "value_number"
#: Rows per row group: small parameters are gathered, so a small table is not mostly
#: per-group metadata; a large one still streams.
ROW_GROUP = 65_536


def decimal_scale(ps: PolicySet) -> int:
    """The most digits after the point any single-number value has (at least 0)."""
    scale = 0
    for entries in ps.rules.values():
        for e in entries:
            n = e.value.number
            if n is not None:
                exponent = n.normalize().as_tuple().exponent
                if isinstance(exponent, int):
                    scale = max(scale, -exponent)
    return scale


def long_schema(columns: Sequence[str], scale: int) -> Any:
    return pa.schema([pa.field(c, pa.decimal128(38, scale) if c == NUMBER_COLUMN
                               else pa.string()) for c in columns])


class LongParquet:
    """The long table's Parquet file, appended to one parameter's rows at a time."""

    def __init__(self, path: Path, columns: Sequence[str], scale: int) -> None:
        self.columns = list(columns)
        self.schema = long_schema(columns, scale)
        self.number_at = self.columns.index(NUMBER_COLUMN)
        self.writer = pq.ParquetWriter(str(path), self.schema, compression="zstd",
                                       write_statistics=True)
        self.pending: list[Sequence[Any]] = []

    def write(self, rows: Sequence[Sequence[Any]]) -> None:
        self.pending.extend(rows)
        while len(self.pending) >= ROW_GROUP:
            self._flush(self.pending[:ROW_GROUP])
            del self.pending[:ROW_GROUP]

    def _flush(self, rows: Sequence[Sequence[Any]]) -> None:
        arrays = []
        for i, name in enumerate(self.columns):
            cells = [row[i] for row in rows]
            if i == self.number_at:
                cells = [None if c is None else Decimal(c) for c in cells]
            arrays.append(pa.array(cells, type=self.schema.field(name).type))
        self.writer.write_table(pa.Table.from_arrays(arrays, schema=self.schema))

    def close(self) -> None:
        if self.pending:
            self._flush(self.pending)
            self.pending = []
        self.writer.close()

    def __enter__(self) -> LongParquet:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
