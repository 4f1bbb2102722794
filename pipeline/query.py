"""SQL over an output folder: DuckDB views on the Parquet tables, and printing the results.

Analysts ask ad-hoc questions in SQL (``protokoll query``) and canned ones through
``pipeline.questions``; both go through :func:`connect`, so every table is a view under its
own name and the same helper functions exist in both:

- ``fold(text)``: the project's comparison form (``pipeline.reference.fold``): lower-case
  ASCII letters and digits only, so 'Vännäs kommun' and 'vannas  Kommun' compare equal.
- ``plain(text)``: lower case without diacritics, spaces and punctuation kept, for matching
  whole words.
- ``item_key(item_number)``: sorts agenda item numbers as numbers ('2' < '10' < '15.1').
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json
import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from pipeline.reference import fold
from pipeline.schema import TABLES

FORMATS = ("table", "csv", "json")
CELL_WIDTH = 40  # table format: longer cells are cut (csv and json stay complete)
PATH_WIDTH = 60  # paths are cut at the front: the file name is the part that tells
_INTEGER_TYPES = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT"}
_INTEGER_TYPES |= {"UINTEGER", "UBIGINT", "HUGEINT"}


class TablesError(Exception):
    """The output folder has no usable tables; the message says what to run."""


def plain(text: str) -> str:
    """Lower case without diacritics: 'Återkrav för Umeå' -> 'aterkrav for umea'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def connect(out_dir: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with one view per table of ``out_dir``.

    Raises :class:`TablesError` when the folder holds no tables or only some of them (a
    wrong ``-o`` or an interrupted run), naming the command that makes them.
    """
    out_dir = Path(out_dir)
    missing = [name for name in TABLES if not (out_dir / f"{name}.parquet").is_file()]
    if len(missing) == len(TABLES):
        raise TablesError(f"no tables in {out_dir}: run `protokoll run <files> -o {out_dir}` first")
    if missing:
        files = ", ".join(f"{name}.parquet" for name in missing)
        raise TablesError(
            f"{out_dir} lacks {files}: run `protokoll run <files> -o {out_dir}` again"
        )
    con = duckdb.connect()
    for name in TABLES:
        con.read_parquet(str(out_dir / f"{name}.parquet")).create_view(name)
    con.create_function("fold", fold, ["VARCHAR"], "VARCHAR")
    con.create_function("plain", plain, ["VARCHAR"], "VARCHAR")
    con.execute(
        """
        CREATE MACRO item_key(n) AS [
            coalesce(try_cast(split_part(n, '.', 1) AS INTEGER), -1),
            coalesce(try_cast(split_part(n, '.', 2) AS INTEGER), -1),
            coalesce(try_cast(split_part(n, '.', 3) AS INTEGER), -1)
        ]
        """
    )
    return con


def missing_columns(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Schema columns each view lacks: tables written by an older protokoll."""
    missing = {}
    for name, table in TABLES.items():
        have = {row[0] for row in con.execute(f'DESCRIBE "{name}"').fetchall()}
        lacking = [c for c in table.column_names if c not in have]
        if lacking:
            missing[name] = lacking
    return missing


def fetch_frame(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    params: Sequence[Any] | Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """Run ``sql`` with bound ``params`` and return the result as a DataFrame.

    Dates stay ``datetime.date`` and integer columns stay integers when they have nulls
    (nullable Int64), so what is printed is what the tables hold.
    """
    if params is None:
        con.execute(sql)
    else:
        con.execute(sql, params)
    names = [d[0] for d in con.description]
    types = [str(d[1]) for d in con.description]
    rows = con.fetchall()
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(names)
    series = [
        pd.Series(values, dtype="Int64" if type_ in _INTEGER_TYPES else object)
        for values, type_ in zip(columns, types, strict=True)
    ]
    frame = pd.concat(series, axis=1) if series else pd.DataFrame()
    frame.columns = names  # keeps duplicate names, e.g. SELECT a.page, b.page
    return frame


def run_query(sql: str, out_dir: Path) -> pd.DataFrame:
    """The result of one SQL statement over the tables in ``out_dir``."""
    con = connect(out_dir)
    try:
        return fetch_frame(con, sql)
    finally:
        con.close()


# --- printing ---------------------------------------------------------------------------


def render(frame: pd.DataFrame, fmt: str = "table") -> str:
    """``frame`` as an aligned table (long cells cut), CSV or JSON (both complete)."""
    if fmt == "table":
        return _table(frame)
    if fmt == "csv":
        return _csv(frame)
    if fmt == "json":
        return json.dumps(_records(frame), ensure_ascii=False, indent=2)
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def render_parts(parts: Mapping[str, pd.DataFrame], fmt: str = "table") -> str:
    """Several frames: under '## name' headings (table, csv) or as one JSON object."""
    if fmt == "json":
        payload = {name: _records(frame) for name, frame in parts.items()}
        return json.dumps(payload, ensure_ascii=False, indent=2)
    blocks = [f"## {name}\n{render(frame, fmt).rstrip()}" for name, frame in parts.items()]
    return "\n\n".join(blocks)


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _is_list(value: Any) -> bool:
    return isinstance(value, list | tuple | np.ndarray)


def _text(value: Any) -> str:
    """One cell as text: '' for null, ISO dates, lists '; '-joined (as in the CSV tables)."""
    if _is_missing(value):
        return ""
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if _is_list(value):
        return "; ".join(_text(v) for v in list(value))
    return str(value)


def _json_value(value: Any) -> Any:
    if _is_missing(value):
        return None
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if _is_list(value):
        return [_json_value(v) for v in list(value)]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, int | float | bool | str):
        return value
    return str(value)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    names = [str(c) for c in frame.columns]
    return [
        {name: _json_value(v) for name, v in zip(names, row, strict=True)}
        for row in frame.itertuples(index=False, name=None)
    ]


def _csv(frame: pd.DataFrame) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([str(c) for c in frame.columns])
    for row in frame.itertuples(index=False, name=None):
        writer.writerow([_text(v) for v in row])
    return buffer.getvalue()


def _cut(text: str, width: int, keep_end: bool) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) <= width:
        return text
    return "…" + text[-(width - 1) :] if keep_end else text[: width - 1] + "…"


def _table(frame: pd.DataFrame) -> str:
    names = [str(c) for c in frame.columns]
    rows = list(frame.itertuples(index=False, name=None))
    if not names:
        return "(no columns)\n"
    cells = [
        [
            _cut(_text(v), PATH_WIDTH, keep_end=True)
            if name.endswith("path")
            else _cut(_text(v), CELL_WIDTH, keep_end=False)
            for name, v in zip(names, row, strict=True)
        ]
        for row in rows
    ]
    numeric = [
        all(
            isinstance(row[i], int | float | decimal.Decimal | np.number) or _is_missing(row[i])
            for row in rows
        )
        and any(not _is_missing(row[i]) for row in rows)
        for i in range(len(names))
    ]
    widths = [max([len(n), *(len(r[i]) for r in cells)]) for i, n in enumerate(names)]

    def line(values: list[str]) -> str:
        parts = [
            v.rjust(w) if num else v.ljust(w)
            for v, w, num in zip(values, widths, numeric, strict=True)
        ]
        return "  ".join(parts).rstrip()

    out = [line(names), "  ".join("-" * w for w in widths)]
    out += [line(r) for r in cells]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"
