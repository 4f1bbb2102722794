"""Exporters: one Parquet file (explicit Arrow schema) and one CSV file (UTF-8) per table.

Each file is written next to its final name and moved into place only when complete, so a
crash never leaves a half-written table behind.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.schema import TABLES, Table

LIST_SEPARATOR = "; "


def to_arrow(table: Table, rows: list[dict]) -> pa.Table:
    """Rows (dicts) to an Arrow table with exactly the schema's columns and types."""
    columns = {c.name: [row.get(c.name) for row in rows] for c in table.columns}
    return pa.Table.from_pydict(columns, schema=table.arrow_schema)


def write_tables(tables: dict[str, list[dict]], out_dir: Path) -> list[Path]:
    """Write every table of the schema (empty ones too); return the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, table in TABLES.items():
        arrow = to_arrow(table, tables.get(name, []))
        parquet_path = out_dir / f"{name}.parquet"
        _atomic(parquet_path, lambda tmp, a=arrow: pq.write_table(a, tmp))
        csv_path = out_dir / f"{name}.csv"
        _atomic(csv_path, lambda tmp, a=arrow: _write_csv(a, tmp))
        written += [parquet_path, csv_path]
    return written


def _write_csv(arrow: pa.Table, path: str) -> None:
    frame = arrow.to_pandas(types_mapper=None)
    for field in arrow.schema:
        if pa.types.is_list(field.type):
            frame[field.name] = frame[field.name].map(
                lambda v: LIST_SEPARATOR.join(v) if v is not None else ""
            )
    frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


def _atomic(path: Path, write: Callable[[str], None]) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
