"""The batch run: every file under the given paths to one set of tables.

One bad file never stops a batch: whatever goes wrong while reading a file becomes a
``documents`` row with status ``failed`` and an error that names the problem, and the run
goes on. ``run()`` is the library API behind ``protokoll run``.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language

from pipeline import __version__
from pipeline.backends import read_document
from pipeline.detect import detect_format
from pipeline.errors import DocumentError
from pipeline.export import write_tables
from pipeline.extract import extract_tables
from pipeline.followup import link_action_series
from pipeline.ids import stable_id
from pipeline.nlp import load_nlp
from pipeline.schema import TABLES

EXTRACTOR_VERSION = __version__


@dataclass
class DocumentResult:
    """What one file gave: its ``documents`` row and the rows of every other table."""

    row: dict
    tables: dict[str, list[dict]] = field(default_factory=dict)

    @property
    def status(self) -> str:
        return self.row["status"]


@dataclass
class RunSummary:
    results: list[DocumentResult]
    out_dir: Path

    @property
    def counts(self) -> dict[str, int]:
        counts = {"ok": 0, "partial": 0, "failed": 0}
        for r in self.results:
            counts[r.status] += 1
        return counts

    @property
    def table_sizes(self) -> dict[str, int]:
        sizes = {name: sum(len(r.tables.get(name, [])) for r in self.results) for name in TABLES}
        sizes["documents"] = len(self.results)
        return sizes


def find_files(paths: Iterable[Path]) -> list[tuple[Path, str]]:
    """(file, path relative to the argument it was found under), recursing into folders.

    Hidden files and folders (``.git``, ``~$`` Word lock files) are skipped; symlinked
    folders are not followed, so a link loop cannot hang a batch.
    """
    found: list[tuple[Path, str]] = []
    for root in paths:
        if root.is_dir():
            for dirpath, dirnames, filenames in os.walk(root):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in sorted(filenames):
                    if name.startswith((".", "~$")):
                        continue
                    path = Path(dirpath) / name
                    found.append((path, path.relative_to(root).as_posix()))
        else:
            found.append((root, root.name))
    return found


def process_file(path: Path, relative: str, nlp: Language) -> DocumentResult:
    """Read and extract one file; never raises for a problem with the file itself."""
    row = {
        "document_id": None,
        "source_path": str(path),
        "source_format": None,
        "sha256": None,
        "size_bytes": None,
        "pages": None,
        "status": "failed",
        "error": None,
        "warnings": None,
        "extractor_version": EXTRACTOR_VERSION,
    }
    try:
        data = path.read_bytes()
    except OSError as exc:
        row["document_id"] = stable_id("doc", "unreadable", relative)
        row["error"] = f"cannot read file: {exc.strerror or exc}"
        return DocumentResult(row)
    sha = hashlib.sha256(data).hexdigest()
    row.update(document_id=stable_id("doc", sha, relative), sha256=sha, size_bytes=len(data))
    try:
        fmt = detect_format(path)
        row["source_format"] = fmt
        if fmt == "empty":
            raise DocumentError("empty file (0 bytes)")
        document = read_document(path, fmt)
        row["pages"] = document.pages
        tables = extract_tables(document, row["document_id"], nlp)
    except DocumentError as exc:
        row["error"] = str(exc)
        return DocumentResult(row)
    except Exception as exc:  # a bug or a library failure on this file: report, go on
        row["error"] = f"internal error while extracting: {type(exc).__name__}: {exc}"
        return DocumentResult(row)
    missing = _missing_parts(tables)
    row["status"] = "partial" if missing else "ok"
    row["error"] = f"found no {', '.join(missing)}" if missing else None
    return DocumentResult(row, tables)


def _missing_parts(tables: dict[str, list[dict]]) -> list[str]:
    """What a set of minutes should have but this document did not give."""
    missing = []
    meeting = tables["meetings"][0] if tables.get("meetings") else {}
    if not meeting.get("date"):
        missing.append("meeting date")
    if not tables.get("agenda_items"):
        missing.append("agenda items")
    return missing


def run(
    paths: Iterable[Path],
    out_dir: Path,
    on_result: Callable[[DocumentResult], None] | None = None,
    nlp: Language | None = None,
) -> RunSummary:
    """Extract every file under ``paths`` and write the tables to ``out_dir``."""
    nlp = nlp or load_nlp()
    out_dir = out_dir.resolve()
    results = []
    for path, relative in find_files(paths):
        if out_dir in path.resolve().parents:
            continue  # never read our own output back in
        result = process_file(path, relative, nlp)
        results.append(result)
        if on_result:
            on_result(result)
    tables: dict[str, list[dict]] = {"documents": [r.row for r in results]}
    for name in TABLES:
        if name != "documents":
            tables[name] = [row for r in results for row in r.tables.get(name, [])]
    link_action_series(tables["meetings"], tables["actions"])
    write_tables(tables, out_dir)
    return RunSummary(results, out_dir)
