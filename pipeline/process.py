"""One file to its rows: the per-document function every executor runs.

The same function runs in the calling process, in a local worker process and on a Dask
worker, so the three give the same rows. It never raises for a problem with the file: what
goes wrong becomes a ``documents`` row with status ``failed`` and an error naming it, and the
batch goes on. Everything it needs travels in a :class:`Task` and everything it gives in an
:class:`Outcome`, both plain picklable data.
"""

from __future__ import annotations

import hashlib
import resource
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language

from pipeline import __version__, testhooks
from pipeline.backends import read_document
from pipeline.cache import DocumentCache, NerCache
from pipeline.detect import detect_format
from pipeline.errors import DocumentError
from pipeline.extract import extract_tables
from pipeline.ids import stable_id
from pipeline.nlp.ner_memo import ner_memo

EXTRACTOR_VERSION = __version__  # what the documents table shows; see fingerprint for reuse


@dataclass
class DocumentResult:
    """What one file gave: its ``documents`` row and the rows of every other table."""

    row: dict
    tables: dict[str, list[dict]] = field(default_factory=dict)

    @property
    def status(self) -> str:
        return self.row["status"]


@dataclass(frozen=True)
class Task:
    """One file to extract.

    ``known_sha256`` is the content hash of the stored result when only the file's size or
    mtime changed: if the content is the same, the worker answers "unchanged" without
    extracting. ``cache_dir`` and ``backend_version`` locate the document cache (None: off),
    ``cache_dir`` and ``ner_version`` the NER's results (:class:`pipeline.cache.NerCache`).
    """

    path: str
    relative: str
    known_sha256: str | None = None
    cache_dir: str | None = None
    backend_version: str = ""
    ner_version: str = ""


@dataclass
class Outcome:
    """What the executor hands back for one task.

    ``result`` is None when the content was unchanged (``known_sha256`` matched). ``retry``
    marks a failure that may not recur (timeout, dead worker, out of memory, unreadable
    file): the next run tries the file again instead of reusing the failed row.
    """

    source_path: str
    result: DocumentResult | None
    sha256: str | None
    seconds: float = 0.0
    cache_hit: bool = False
    retry: bool = False
    peak_rss_mb: float | None = None
    worker: str | None = None
    restart_worker: bool = False


# Minutes in miniature whose extraction loads the lazily read lists (a folded word for the
# å/ä/ö index, names, places, a date): see warm_up().
_WARM_UP = """# Kommunchefsmöte, Umeåregionen 2016-03-16

*Närvarande:* Anna Berg, Umeå kommun, ordförande; Per-Eric Magnusson, Vindelns kommun

## 1. Ekonomi

Diskussion om fragan och berakningar infor nasta ar.

**BESLUT:** Gruppen godkänner redovisningen. Anna Berg kontaktar Region Västerbotten
senast 27 april.
"""


def warm_up(nlp: Language) -> None:
    """Load what extraction loads on first use (word lists, the å/ä/ö index, name lists),
    so that a worker pays for it at start-up and not in its first document's time (and
    per-document timeout)."""
    from pipeline.backends.rym import parse_text
    from pipeline.model import Document

    document = Document("warm-up.rym.md", "rym-md", parse_text(_WARM_UP))
    extract_tables(document, "warm-up", nlp)


def process_document(task: Task, nlp: Language) -> Outcome:
    """Run one task: hash, reuse if unchanged, else parse (or take from cache) and extract."""
    start = time.perf_counter()
    path = Path(task.path)
    testhooks.before_document(path)
    cache = DocumentCache(Path(task.cache_dir), task.backend_version) if task.cache_dir else None
    ner_cache = NerCache(Path(task.cache_dir), task.ner_version) if task.cache_dir else None
    try:
        data = read_regular_file(path)
    except NotRegularFile as exc:
        result = unreadable_result(path, task.relative, exc)
        return Outcome(task.path, result, None, time.perf_counter() - start)
    except OSError as exc:
        result = unreadable_result(path, task.relative, exc)
        return Outcome(task.path, result, None, time.perf_counter() - start, retry=True)
    sha = hashlib.sha256(data).hexdigest()
    if task.known_sha256 == sha:
        return Outcome(task.path, None, sha, time.perf_counter() - start)
    result, cache_hit, retry = _extract(path, task.relative, nlp, sha, len(data), cache, ner_cache)
    del data
    return Outcome(
        task.path,
        result,
        sha,
        time.perf_counter() - start,
        cache_hit=cache_hit,
        retry=retry,
        restart_worker=retry,
    )


def process_file(
    path: Path, relative: str, nlp: Language, cache: DocumentCache | None = None
) -> DocumentResult:
    """Read and extract one file; never raises for a problem with the file itself."""
    try:
        data = read_regular_file(path)
    except OSError as exc:
        return unreadable_result(path, relative, exc)
    sha = hashlib.sha256(data).hexdigest()
    return _extract(path, relative, nlp, sha, len(data), cache)[0]


def printable(path: str) -> str:
    """A path as text for tables, JSON and people: a file name's bytes that are not UTF-8
    (surrogates from os.fsdecode) written as ``\\xf6``."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _empty_row(path: Path) -> dict:
    return {
        "document_id": None,
        "source_path": printable(str(path)),
        "source_format": None,
        "sha256": None,
        "size_bytes": None,
        "pages": None,
        "status": "failed",
        "error": None,
        "warnings": None,
        "extractor_version": EXTRACTOR_VERSION,
    }


class NotRegularFile(OSError):
    """A FIFO, device or socket: reading it would block or never end."""


def read_regular_file(path: Path) -> bytes:
    """The file's bytes, refusing anything but a regular file (after following links)."""
    mode = path.stat().st_mode
    if not stat.S_ISREG(mode):
        kind = "a folder" if stat.S_ISDIR(mode) else "a pipe, socket or device"
        raise NotRegularFile(f"not a regular file ({kind}); nothing read")
    return path.read_bytes()


def unreadable_result(path: Path, relative: str, exc: OSError) -> DocumentResult:
    row = _empty_row(path)
    row["document_id"] = stable_id("doc", "unreadable", relative)
    reason = str(exc) if isinstance(exc, NotRegularFile) else exc.strerror or str(exc)
    row["error"] = f"cannot read file: {reason}"
    return DocumentResult(row)


def failed_result(path: Path, relative: str, error: str) -> DocumentResult:
    """A ``failed`` row for a file whose worker never answered (timeout, worker died).

    Hashes the file here so the row has the same document_id as a successful read would.
    """
    try:
        data = read_regular_file(path)
    except OSError as exc:
        return unreadable_result(path, relative, exc)
    sha = hashlib.sha256(data).hexdigest()
    row = _empty_row(path)
    row.update(
        document_id=stable_id("doc", sha, relative), sha256=sha, size_bytes=len(data), error=error
    )
    return DocumentResult(row)


def _extract(
    path: Path,
    relative: str,
    nlp: Language,
    sha: str,
    size: int,
    cache: DocumentCache | None,
    ner_cache: NerCache | None = None,
) -> tuple[DocumentResult, bool, bool]:
    """(result, cache hit, retry next run) for one file's bytes with hash ``sha``."""
    row = _empty_row(path)
    row.update(document_id=stable_id("doc", sha, relative), sha256=sha, size_bytes=size)
    cached = cache.get(sha, "".join(path.suffixes)) if cache else None
    try:
        if cached:
            fmt, document = cached
            document.source_path = str(path)
            row["source_format"] = fmt
        else:
            fmt = detect_format(path)
            row["source_format"] = fmt
            if fmt == "empty":
                raise DocumentError("empty file (0 bytes)")
            document = read_document(path, fmt)
            if cache:
                cache.put(sha, "".join(path.suffixes), fmt, document)
        row["pages"] = document.pages
        with ner_memo(ner_cache.get(sha) if ner_cache else None) as memo:
            tables = extract_tables(document, row["document_id"], nlp)
        if ner_cache and memo.changed:
            ner_cache.put(sha, memo.to_store())
    except DocumentError as exc:
        row["error"] = str(exc)
        return DocumentResult(row), bool(cached), False
    except MemoryError:
        row["error"] = f"out of memory while extracting ({_memory_limit_text()})"
        return DocumentResult(row), bool(cached), True
    except Exception as exc:  # a bug or a library failure on this file: report, go on
        row["error"] = f"internal error while extracting: {type(exc).__name__}: {exc}"
        return DocumentResult(row), bool(cached), False
    missing = _missing_parts(tables)
    row["status"] = "partial" if missing else "ok"
    row["error"] = f"found no {', '.join(missing)}" if missing else None
    return DocumentResult(row, tables), bool(cached), False


def _memory_limit_text() -> str:
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    return "no memory limit" if soft == resource.RLIM_INFINITY else f"limit {soft >> 20} MB"


def _missing_parts(tables: dict[str, list[dict]]) -> list[str]:
    """What a set of minutes should have but this document did not give."""
    missing = []
    meeting = tables["meetings"][0] if tables.get("meetings") else {}
    if not meeting.get("date"):
        missing.append("meeting date")
    if not tables.get("agenda_items"):
        missing.append("agenda items")
    return missing
