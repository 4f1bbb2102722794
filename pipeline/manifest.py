"""The manifest: every source file a run saw, what it gave, and the rows to reuse.

One SQLite file (``OUTDIR/manifest.sqlite``) holds a row per source file: path, size,
mtime, sha256, the extractor version that read it, the outcome and document id, and the
file's rows of every table (pickled). It is the run's memory between nights: a file whose
size and mtime are unchanged is not even hashed, its rows come from here. Results are
committed as documents finish, so a run killed mid-way keeps what it had done; the tables
are always rebuilt from the manifest, never patched, so nothing can be lost or counted twice.
"""

from __future__ import annotations

import hashlib
import pickle
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pipeline.process import DocumentResult

FILENAME = "manifest.sqlite"
SCHEMA_VERSION = "1"


def _b(text: str) -> bytes:
    """Paths as bytes: a file name need not be UTF-8 (os.fsdecode gives surrogates)."""
    return text.encode("utf-8", "surrogateescape")


def _s(data: bytes) -> str:
    if isinstance(data, str):  # a manifest written before paths were stored as bytes
        return data
    return data.decode("utf-8", "surrogateescape")


_SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    source_path BLOB PRIMARY KEY,
    relative BLOB NOT NULL,
    size INTEGER,
    mtime_ns INTEGER,
    sha256 TEXT,
    extractor_version TEXT NOT NULL,
    outcome TEXT NOT NULL,
    document_id TEXT NOT NULL,
    retry INTEGER NOT NULL DEFAULT 0,
    result_digest TEXT NOT NULL,
    result BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


@dataclass(frozen=True)
class Entry:
    """What the manifest knows of one source file (without its rows)."""

    source_path: str
    relative: str
    size: int | None
    mtime_ns: int | None
    sha256: str | None
    extractor_version: str
    outcome: str
    document_id: str
    retry: bool
    result_digest: str


class Manifest:
    """The SQLite manifest of one output folder. Not shared between threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db = sqlite3.connect(path, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        if self.get_meta("schema") not in (None, SCHEMA_VERSION):
            self._db.executescript("DROP TABLE files; DROP TABLE meta;" + _SCHEMA)
        self._db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
        self._in_transaction = False

    def entries(self) -> dict[str, Entry]:
        rows = self._db.execute(
            "SELECT source_path, relative, size, mtime_ns, sha256, extractor_version, outcome,"
            " document_id, retry, result_digest FROM files"
        )
        return {_s(r[0]): Entry(_s(r[0]), _s(r[1]), *r[2:8], bool(r[8]), r[9]) for r in rows}

    def record(
        self,
        source_path: str,
        relative: str,
        size: int | None,
        mtime_ns: int | None,
        extractor_version: str,
        result: DocumentResult,
        retry: bool,
    ) -> str:
        """Store (or replace) one file's entry and rows; returns the rows' digest."""
        blob = pickle.dumps({"row": result.row, "tables": result.tables}, protocol=5)
        digest = hashlib.sha256(blob).hexdigest()[:32]
        self._begin()
        self._db.execute(
            "INSERT OR REPLACE INTO files VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (
                _b(source_path),
                _b(relative),
                size,
                mtime_ns,
                result.row["sha256"],
                extractor_version,
                result.row["status"],
                result.row["document_id"],
                int(retry),
                digest,
                blob,
            ),
        )
        return digest

    def touch(self, source_path: str, size: int | None, mtime_ns: int | None) -> None:
        """The file's size or mtime changed but not its content: remember the new stat."""
        self._begin()
        self._db.execute(
            "UPDATE files SET size = ?, mtime_ns = ? WHERE source_path = ?",
            (size, mtime_ns, _b(source_path)),
        )

    def remove(self, source_paths: Iterable[str]) -> None:
        self._begin()
        self._db.executemany(
            "DELETE FROM files WHERE source_path = ?", ((_b(p),) for p in source_paths)
        )

    def results(self, source_paths: Iterable[str]) -> dict[str, DocumentResult]:
        """The stored rows of these files."""
        wanted = {_b(p) for p in source_paths}
        found: dict[str, DocumentResult] = {}
        for path, blob in self._db.execute("SELECT source_path, result FROM files"):
            if path in wanted:
                data = pickle.loads(blob)
                found[_s(path)] = DocumentResult(data["row"], data["tables"])
        return found

    def get_meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self._begin()
        self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def _begin(self) -> None:
        if not self._in_transaction:
            self._db.execute("BEGIN")
            self._in_transaction = True

    def commit(self) -> None:
        """Make everything recorded so far durable (one transaction: all of it or none)."""
        if self._in_transaction:
            self._db.execute("COMMIT")
            self._in_transaction = False

    def close(self) -> None:
        self.commit()
        self._db.close()
