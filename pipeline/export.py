"""Exporters: one Parquet file (explicit Arrow schema) and one CSV file (UTF-8) per table,
a ``datapackage.json`` that describes the CSV files, and on request CSV copies in the
dialect another program needs (``excel-sv``: what Swedish Excel opens by double-click).

Each file is written next to its final name and moved into place only when complete, so a
crash never leaves a half-written table behind.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.datapackage import DATAPACKAGE_NAME, datapackage_descriptor
from pipeline.schema import TABLES, Table

LIST_SEPARATOR = "; "
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class CsvDialect:
    """How one program wants its CSV; ``folder`` is relative to the output folder."""

    name: str
    folder: str
    delimiter: str
    encoding: str
    line_end: str
    guard_formulas: bool
    help: str


CSV_DIALECTS: dict[str, CsvDialect] = {
    d.name: d
    for d in [
        CsvDialect("utf8", ".", ",", "utf-8", "\n", False, "UTF-8, ',' and LF (the default)."),
        # Swedish Excel uses ';' as list separator (',' is the decimal comma) and reads a
        # file as UTF-8 only when it starts with a byte order mark. A text cell starting
        # with = + - @ would be run as a formula, so it gets Excel's text marker "'".
        CsvDialect(
            "excel-sv",
            "excel-sv",
            ";",
            "utf-8-sig",
            "\r\n",
            True,
            "';'-separated UTF-8 with BOM and CRLF in OUTDIR/excel-sv/, for Swedish Excel.",
        ),
    ]
}


def to_arrow(table: Table, rows: list[dict]) -> pa.Table:
    """Rows (dicts) to an Arrow table with exactly the schema's columns and types."""
    columns = {c.name: [row.get(c.name) for row in rows] for c in table.columns}
    return pa.Table.from_pydict(columns, schema=table.arrow_schema)


def write_tables(
    tables: dict[str, list[dict]], out_dir: Path, csv_dialects: Iterable[str] = ("utf8",)
) -> list[Path]:
    """Write every table of the schema (empty ones too) and datapackage.json.

    The UTF-8 CSV files are always written (datapackage.json describes them); every other
    dialect named in ``csv_dialects`` is written too, into its own folder.
    Returns the files written.
    """
    arrows = {name: to_arrow(table, tables.get(name, [])) for name, table in TABLES.items()}
    dialects = _dialects(csv_dialects)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, arrow in arrows.items():
        parquet_path = out_dir / f"{name}.parquet"
        atomic_write(parquet_path, lambda tmp, a=arrow: pq.write_table(a, tmp))
        written.append(parquet_path)
        written += [_write_dialect(arrow, out_dir, name, d) for d in dialects]
    package_path = out_dir / DATAPACKAGE_NAME
    descriptor = datapackage_descriptor(redacted_kinds(tables))
    text = json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n"
    atomic_write(package_path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
    written.append(package_path)
    return written


def redacted_kinds(tables: dict[str, list[dict]]) -> tuple[str, ...]:
    """The kinds of personal data redacted in ``tables``, read off ``documents.redactions``."""
    from pipeline.redact import KINDS, parse_counts

    found = {k for row in tables.get("documents", []) for k in parse_counts(row.get("redactions"))}
    return tuple(k for k in KINDS if k in found)


def read_tables(out_dir: Path) -> dict[str, list[dict]]:
    """Every table of ``out_dir`` as rows (dicts), read from its Parquet file.

    Raises FileNotFoundError naming the missing file and the command that writes it.
    """
    out_dir = Path(out_dir)
    tables = {}
    for name, table in TABLES.items():
        path = out_dir / f"{name}.parquet"
        if not path.is_file():
            raise FileNotFoundError(
                f"no {path.name} in {out_dir}: run `protokoll run <files> -o {out_dir}` first"
            )
        rows = pq.read_table(path).to_pylist()
        tables[name] = [{c: row.get(c) for c in table.column_names} for row in rows]
    return tables


def redacted_tables(out_dir: Path, redact: Iterable[str]) -> dict[str, list[dict]]:
    """The tables of ``out_dir`` with ``redact`` kinds of personal data replaced
    (:func:`pipeline.redact.redact_tables`, as ``protokoll run --redact`` does; counts added
    to ``documents.redactions``). The files in ``out_dir`` are not touched."""
    from pipeline.redact import redact_tables

    tables = read_tables(out_dir)
    kinds = tuple(redact)
    if kinds:
        redact_tables(tables, kinds)
    return tables


def export_tables(
    out_dir: Path,
    dest: Path,
    csv_dialects: Iterable[str] = ("utf8",),
    redact: Iterable[str] = (),
) -> list[Path]:
    """Copy the tables of the run folder ``out_dir`` to ``dest`` (Parquet, UTF-8 CSV,
    datapackage.json and the CSV dialects asked), with ``redact`` kinds of personal data
    replaced. ``out_dir`` itself is never written to, and neither is another run's folder
    (one with a manifest: its next run would not see that its tables changed).
    """
    out_dir, dest = Path(out_dir), Path(dest)
    if dest.resolve() == out_dir.resolve():
        raise ValueError(f"export to {dest}: that is the run's own folder; choose another")
    if (dest / "manifest.sqlite").exists():
        raise ValueError(f"export to {dest}: it is a run's output folder; choose another")
    return write_tables(redacted_tables(out_dir, redact), dest, csv_dialects)


def write_csv_dialects(out_dir: Path, csv_dialects: Iterable[str]) -> list[Path]:
    """CSV copies in dialects other than utf8 of the tables in ``out_dir``, from their Parquet.

    For callers that ran the batch without asking for a dialect (the Parquet files hold
    exactly what the UTF-8 CSV files hold).
    """
    written = []
    for d in _dialects(csv_dialects)[1:]:  # [0] is utf8, written with the Parquet files
        for name, table in TABLES.items():
            path = out_dir / f"{name}.parquet"
            if not path.exists():
                raise FileNotFoundError(f"{path} is missing: run `protokoll run` first")
            arrow = to_arrow(table, pq.read_table(path).to_pylist())
            written.append(_write_dialect(arrow, out_dir, name, d))
    return written


def _dialects(names: Iterable[str]) -> list[CsvDialect]:
    names = ["utf8", *(n for n in names if n != "utf8")]
    unknown = [n for n in names if n not in CSV_DIALECTS]
    if unknown:
        raise ValueError(f"unknown CSV dialect {unknown[0]!r}; known: {', '.join(CSV_DIALECTS)}")
    return [CSV_DIALECTS[n] for n in dict.fromkeys(names)]


def _write_dialect(arrow: pa.Table, out_dir: Path, name: str, dialect: CsvDialect) -> Path:
    folder = out_dir / dialect.folder
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.csv"
    atomic_write(path, lambda tmp: _write_csv(arrow, tmp, dialect))
    return path


def _write_csv(arrow: pa.Table, path: str, dialect: CsvDialect) -> None:
    """RFC 4180 quoting: a field is quoted when it holds the delimiter, a quote, CR or LF.

    Written by hand because Python's csv module leaves a lone CR unquoted when the line
    end is LF, which splits the row for every reader.
    """
    texts = {f.name: pa.types.is_string(f.type) or pa.types.is_list(f.type) for f in arrow.schema}
    with open(path, "w", encoding=dialect.encoding, newline="") as out:
        out.write(_csv_line(arrow.column_names, dialect))
        for row in arrow.to_pylist():
            cells = []
            for column, value in row.items():
                cell = _cell_text(value)
                if dialect.guard_formulas and texts[column] and cell.startswith(FORMULA_START):
                    cell = "'" + cell
                cells.append(cell)
            out.write(_csv_line(cells, dialect))


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return LIST_SEPARATOR.join(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _csv_line(cells: list[str], dialect: CsvDialect) -> str:
    special = (dialect.delimiter, '"', "\n", "\r")
    quoted = [
        '"' + c.replace('"', '""') + '"' if any(s in c for s in special) else c for c in cells
    ]
    return dialect.delimiter.join(quoted) + dialect.line_end


def atomic_write(path: Path, write: Callable[[str], None]) -> None:
    """Run ``write`` on a temporary file next to ``path``, then move it into place."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
