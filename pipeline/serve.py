"""The tables in a browser: a SQLite copy of an output folder, served with Datasette.

Analysts who do not write SQL get search boxes, facets and the standing questions as
canned queries; those who do get a SQL editor. The database is a build artifact: it is
rebuilt from the Parquet files on every start and served read-only. Because the tables
hold personal data, the server binds to loopback unless the caller explicitly allows more.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa

from pipeline.datapackage import FOREIGN_KEYS, PERSONAL_DATA_NOTE, redaction_note
from pipeline.export import LIST_SEPARATOR, atomic_write, redacted_tables
from pipeline.schema import TABLES, Column

DB_NAME = "protokoll.db"
REDACTED_DB_NAME = "protokoll-redacted.db"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8001

# Full-text indexes: table -> indexed columns. The trigram tokenizer matches inside
# words, which Swedish compounds need ("finansiering" finds "medfinansiering").
FTS_COLUMNS: dict[str, tuple[str, ...]] = {
    "decisions": ("text",),
    "actions": ("task",),
    "agenda_items": ("title", "text"),
}

DECISIONS_VIEW = "decisions_with_meeting"
_VIEW_COLUMNS = {  # column -> the table it comes from
    **dict.fromkeys(("date", "body", "organization"), "meetings"),
    "item_number": "decisions",
    "title": "agenda_items",
    **dict.fromkeys(
        ("decision_type", "text", "ordinal", "decision_id", "meeting_id", "page", "position"),
        "decisions",
    ),
    "source_path": "documents",
}
_ALIAS = {"meetings": "m", "decisions": "d", "agenda_items": "i", "documents": "doc"}
_VIEW_SQL = f"""
CREATE VIEW {DECISIONS_VIEW} AS
SELECT {", ".join(f"{_ALIAS[t]}.{c}" for c, t in _VIEW_COLUMNS.items())}
FROM decisions d
JOIN meetings m ON m.meeting_id = d.meeting_id
LEFT JOIN agenda_items i ON i.meeting_id = d.meeting_id AND i.item_number = d.item_number
LEFT JOIN documents doc ON doc.document_id = m.document_id
"""


class PublicHostError(ValueError):
    """Refused to serve personal data on a non-loopback address without explicit consent."""


def is_loopback(host: str) -> bool:
    """True for localhost, 127.0.0.0/8 and ::1 (brackets allowed: '[::1]')."""
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_host(host: str, allow_public: bool = False) -> None:
    """Raise PublicHostError for a non-loopback host unless ``allow_public``."""
    if not allow_public and not is_loopback(host):
        raise PublicHostError(
            f"refusing to serve on {host!r}: it is not a loopback address and the tables "
            "hold personal data. Serve on 127.0.0.1 (the default), or pass the host "
            "explicitly (protokoll serve --host ...; serve(..., allow_public=True)) to "
            "make it reachable from other machines."
        )


def build_database(
    out_dir: Path, db_path: Path | None = None, redact: tuple[str, ...] | list[str] = ()
) -> Path:
    """Build a SQLite database from the Parquet tables in ``out_dir``; return its path.

    ``redact``: kinds of personal data (:mod:`pipeline.redact`) replaced in the database's
    tables, as ``protokoll run --redact`` replaces them; the tables in ``out_dir`` stay as
    they are, and the database goes to ``OUTDIR/protokoll-redacted.db`` unless ``db_path``
    says otherwise. Dates become ISO text and list columns JSON arrays. Full-text indexes
    (FTS5) cover decisions.text, actions.task and agenda_items (title, text); the view
    ``decisions_with_meeting`` puts each decision next to its meeting's date and body.
    Written aside and moved into place, so a running server never sees half a database.
    """
    out_dir = Path(out_dir)
    redact = tuple(redact)
    db_path = Path(db_path) if db_path else out_dir / (REDACTED_DB_NAME if redact else DB_NAME)
    if db_path.resolve() in _run_files(out_dir):
        raise ValueError(f"refusing to build the database over {db_path}: a file of the run")
    tables = redacted_tables(out_dir, redact)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(db_path, lambda tmp: _write_database(tables, Path(tmp)))
    return db_path


def _run_files(out_dir: Path) -> set[Path]:
    """The files of a run's output folder that a database must never replace."""
    names = [f"{n}.{ext}" for n in TABLES for ext in ("parquet", "csv")]
    names += ["datapackage.json", "manifest.sqlite", "run_report.json"]
    return {(out_dir / name).resolve() for name in names}


def _write_database(tables: dict[str, list[dict]], path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        with conn:
            for name, table in TABLES.items():
                conn.execute(_create_table_sql(name))
                rows = tables[name]
                cols = table.column_names
                conn.executemany(
                    f"INSERT INTO [{name}] VALUES ({', '.join('?' * len(cols))})",
                    ([_sql_value(row.get(c)) for c in cols] for row in rows),
                )
            tokenizer = _fts_tokenizer(conn)
            for name, columns in FTS_COLUMNS.items():
                conn.execute(
                    f"CREATE VIRTUAL TABLE [{name}_fts] USING fts5({', '.join(columns)}, "
                    f"content=\"{name}\", content_rowid=rowid, tokenize='{tokenizer}')"
                )
                conn.execute(f"INSERT INTO [{name}_fts]([{name}_fts]) VALUES ('rebuild')")
            conn.execute(_VIEW_SQL)
        conn.execute("VACUUM")
    finally:
        conn.close()


def _create_table_sql(name: str) -> str:
    table = TABLES[name]
    lines = [f"[{c.name}] {_sql_type(c)}" for c in table.columns]
    lines.append(f"PRIMARY KEY ({', '.join(table.primary_key)})")
    for fk in FOREIGN_KEYS:
        if fk.table == name:
            lines.append(
                f"FOREIGN KEY ({', '.join(fk.columns)}) "
                f"REFERENCES [{fk.ref_table}] ({', '.join(fk.ref_columns)})"
            )
    return f"CREATE TABLE [{name}] (\n  " + ",\n  ".join(lines) + "\n)"


def _sql_type(column: Column) -> str:
    return "INTEGER" if pa.types.is_integer(column.type) else "TEXT"


def _sql_value(value: object) -> object:
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _fts_tokenizer(conn: sqlite3.Connection) -> str:
    """trigram (SQLite 3.34+), else unicode61 keeping å/ä/ö apart from a/o."""
    try:
        conn.execute("CREATE VIRTUAL TABLE temp._probe USING fts5(x, tokenize='trigram')")
        conn.execute("DROP TABLE temp._probe")
        return "trigram"
    except sqlite3.OperationalError:
        return "unicode61 remove_diacritics 0"


def _fold(sql: str) -> str:
    """Case-fold in SQL: SQLite's lower() only knows ASCII, so fold Swedish capitals too."""
    for upper, lower in zip("ÅÄÖÉÜ", "åäöéü", strict=True):
        sql = f"replace({sql}, '{upper}', '{lower}')"
    return f"lower({sql})"


def _contains(column: str, param: str) -> str:
    return f"instr({_fold(column)}, {_fold(param)}) > 0"


CANNED_QUERIES: dict[str, dict] = {
    "decisions_mentioning_word": {
        "title": "Decisions mentioning a word",
        "description": "Decisions whose text contains the word (any case, also inside "
        "compounds: 'finansiering' finds 'medfinansiering'), newest first.",
        "sql": f"""SELECT date, body, organization, item_number, title, decision_type, text,
       decision_id
FROM {DECISIONS_VIEW}
WHERE :word <> '' AND {_contains("text", ":word")}
ORDER BY date DESC, meeting_id, CAST(item_number AS REAL), ordinal""",
    },
    "overdue_actions_by_responsible": {
        "title": "Overdue actions by responsible",
        "description": "Actions whose due date is before :today (YYYY-MM-DD; empty: today), "
        "grouped by responsible. Of an action series only its latest appearance in a "
        "meeting held by :today counts, so an action carried from meeting to meeting is "
        "listed once.",
        "sql": """WITH params AS (SELECT coalesce(nullif(:today, ''), date('now')) AS today)
SELECT a.responsible,
       count(*) OVER (PARTITION BY a.responsible) AS overdue_for_responsible,
       a.due_date,
       CAST(julianday(p.today) - julianday(a.due_date) AS INTEGER) AS days_overdue,
       a.task, m.date AS meeting_date, m.body, a.item_number, a.due_raw,
       a.responsible_raw, a.action_id
FROM actions a
JOIN meetings m ON m.meeting_id = a.meeting_id
CROSS JOIN params p
WHERE a.due_date < p.today AND m.date <= p.today
  AND NOT EXISTS (
    SELECT 1 FROM actions later
    JOIN meetings lm ON lm.meeting_id = later.meeting_id
    WHERE later.series_id = a.series_id AND later.series_position > a.series_position
      AND lm.date <= p.today)
ORDER BY a.responsible IS NULL, a.responsible, a.due_date, m.date""",
    },
    "actions_of_person": {
        "title": "Actions of a person",
        "description": "Actions whose responsible (canonical or as written) contains :name, "
        "any case, by due date.",
        "sql": f"""SELECT a.responsible, a.due_date, a.task, m.date AS meeting_date, m.body,
       a.item_number, a.due_raw, a.responsible_raw, a.series_id, a.series_position,
       a.action_id
FROM actions a
JOIN meetings m ON m.meeting_id = a.meeting_id
WHERE :name <> ''
  AND ({_contains("a.responsible", ":name")} OR {_contains("a.responsible_raw", ":name")})
ORDER BY a.due_date IS NULL, a.due_date, m.date""",
    },
    "attendance_of_person": {
        "title": "Attendance of a person",
        "description": "Every meeting whose attendance lists a person whose name (canonical "
        "or as written) contains :name, any case, with role and attendance.",
        "sql": f"""SELECT m.date, m.body, m.organization, t.name, t.roles, t.attendance,
       t.attendance_raw, t.municipality, t.party, t.name_raw, t.person_id, t.meeting_id
FROM attendees t
JOIN meetings m ON m.meeting_id = t.meeting_id
WHERE :name <> ''
  AND ({_contains("t.name", ":name")} OR {_contains("t.name_raw", ":name")})
ORDER BY m.date, m.body, t.name""",
    },
}


def _column_descriptions(name: str) -> dict[str, str]:
    described = {}
    for c in TABLES[name].columns:
        text = c.description
        if pa.types.is_list(c.type):
            text += f" Here a JSON array (CSV: '{LIST_SEPARATOR}'-joined)."
        if pa.types.is_date(c.type):
            text += " ISO YYYY-MM-DD."
        described[c.name] = text
    return described


def datasette_metadata(database: str = Path(DB_NAME).stem, redacted=()) -> dict:
    """Datasette metadata: descriptions from the schema, search, facets, canned queries;
    ``redacted``: the kinds of personal data replaced (said in the description)."""
    tables: dict[str, dict] = {
        name: {"description": t.description, "columns": _column_descriptions(name)}
        for name, t in TABLES.items()
    }
    for name in FTS_COLUMNS:
        tables[name].update(fts_table=f"{name}_fts", fts_pk="rowid")
    tables["documents"]["label_column"] = "source_path"
    tables["meetings"].update(label_column="date", facets=["body", "organization"])
    tables["attendees"]["facets"] = ["attendance", "municipality", {"array": "roles"}]
    tables["decisions"]["facets"] = ["decision_type"]
    tables["actions"]["facets"] = ["responsible"]
    tables[DECISIONS_VIEW] = {
        "description": "Every decision with its meeting's date, body and organization and "
        "its agenda item's title.",
        "facets": ["body", "date", "decision_type"],
        "sort_desc": "date",
        "columns": {c: _column_descriptions(t)[c] for c, t in _VIEW_COLUMNS.items()},
    }
    return {
        "title": "protokoll: Swedish municipal meeting minutes",
        "description": "Meetings, attendees, agenda items, decisions (BESLUT) and actions "
        "(ÅTGÄRDER) extracted from the minutes. Search the decisions, actions and agenda "
        "items, facet the view decisions_with_meeting, or use the canned queries. "
        + PERSONAL_DATA_NOTE
        + (" " + redaction_note(redacted) if redacted else ""),
        "license": "personal data (GDPR): internal use only, do not publish or share",
        "databases": {database: {"tables": tables, "queries": CANNED_QUERIES}},
    }


def url_for(host: str, port: int) -> str:
    """The address a browser uses for host and port."""
    bare = host.strip("[]")
    return f"http://[{bare}]:{port}/" if ":" in bare else f"http://{host}:{port}/"


def serve(
    out_dir: Path,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    db_path: Path | None = None,
    allow_public: bool = False,
    on_ready: Callable[[Path, str], None] | None = None,
    redact: tuple[str, ...] | list[str] = (),
) -> None:
    """Build the database from ``out_dir`` and serve it with Datasette until interrupted.

    ``redact``: kinds of personal data to replace in the served tables (see
    :func:`build_database`). Raises PublicHostError for a non-loopback ``host`` unless
    ``allow_public``.
    ``on_ready(db_path, url)`` is called once the database is built.
    """
    check_host(host, allow_public)
    import uvicorn
    from datasette.app import Datasette

    db = build_database(out_dir, db_path, redact)
    datasette = Datasette(immutables=[str(db)], metadata=datasette_metadata(db.stem, redact))
    if on_ready:
        on_ready(db, url_for(host, port))
    uvicorn.run(datasette.app(), host=host.strip("[]"), port=port, log_level="warning")
