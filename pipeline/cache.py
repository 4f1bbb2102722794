"""A cache of parsed documents, so re-extraction after a structure or NLP change skips
parsing (and OCR) entirely.

An entry is the detected format and the :class:`pipeline.model.Document` of one file
content, pickled, keyed by (sha256 of the bytes, file suffix, backend version): the suffix
because detection may look at it (a truncated zip named .docx), the backend version
(:func:`pipeline.fingerprint.backend_version`) because a parser change must parse again.
Entries of one backend version live in one folder, so a new version starts empty and the old
folder is removed whole. Every write is atomic; an unreadable entry is a miss.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from pipeline.model import Document

T = TypeVar("T")


class DocumentCache:
    """Parsed documents under ``root/<backend version>/<sha[:2]>/``."""

    def __init__(self, root: Path, backend_version: str) -> None:
        self.root = Path(root)
        self.folder = self.root / backend_version

    def _path(self, sha256: str, suffix: str) -> Path:
        tag = hashlib.blake2b(suffix.lower().encode(), digest_size=4).hexdigest()
        return self.folder / sha256[:2] / f"{sha256}-{tag}.pickle"

    def get(self, sha256: str, suffix: str) -> tuple[str, Document] | None:
        """(format, document) of a file with this content and suffix, or None."""
        # truncated or from an incompatible model class: parse again
        return _read(self._path(sha256, suffix), lambda e: (e["format"], e["document"]), None)

    def put(self, sha256: str, suffix: str, fmt: str, document: Document) -> None:
        """Store an entry; a full or read-only disk costs a later parse, never a failed row."""
        _write(self._path(sha256, suffix), {"format": fmt, "document": document})

    def prune(self, keep_sha256: set[str]) -> int:
        """Remove other backend versions and entries of contents no longer in the archive.

        Only for a cache that belongs to one output folder: a shared cache holds other
        archives' entries.
        """
        return _prune(
            self.root,
            self.folder,
            keep_sha256,
            lambda entry: entry.name.split("-", 1)[0],
            keep_folder=NerCache.FOLDER,
        )


class NerCache:
    """The NER's results per document (:mod:`pipeline.nlp.ner_memo`) under
    ``root/ner/<NER version>/<sha[:2]>/``, next to the parsed documents.

    With it, re-extraction after a change to the structure or extraction rules runs neither
    the parser nor the NER: only the rules. A new model or spaCy is another NER version.
    """

    FOLDER = "ner"

    def __init__(self, root: Path, ner_version: str) -> None:
        self.root = Path(root) / self.FOLDER
        self.folder = self.root / ner_version

    def _path(self, sha256: str) -> Path:
        return self.folder / sha256[:2] / f"{sha256}.pickle"

    def get(self, sha256: str) -> dict:
        """The memo of the document with this content (empty when there is none)."""
        return _read(self._path(sha256), lambda e: e if isinstance(e, dict) else {}, {})

    def put(self, sha256: str, entries: dict) -> None:
        """Store a memo; a full or read-only disk costs a later NER run, never a failed row."""
        _write(self._path(sha256), entries)

    def prune(self, keep_sha256: set[str]) -> int:
        """Remove other NER versions and memos of contents no longer in the archive."""
        return _prune(self.root, self.folder, keep_sha256, lambda entry: entry.stem)


def _read(path: Path, unpack: Callable[[object], T], miss: T) -> T:
    """``unpack`` of the entry pickled at ``path``; ``miss`` when there is none, and when it
    cannot be read or unpacked (then the entry is removed)."""
    try:
        with path.open("rb") as f:
            return unpack(pickle.load(f))
    except FileNotFoundError:
        return miss
    except Exception:
        path.unlink(missing_ok=True)
        return miss


def _write(path: Path, entry: object) -> None:
    """Pickle ``entry`` to ``path`` atomically; a full or read-only disk is ignored."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            pickle.dump(entry, f, pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except (OSError, pickle.PicklingError):
        if tmp:
            Path(tmp).unlink(missing_ok=True)


def _prune(
    root: Path,
    folder: Path,
    keep_sha256: set[str],
    sha_of: Callable[[Path], str],
    keep_folder: str | None = None,
) -> int:
    """Remove the folders under ``root`` but ``folder`` (and ``keep_folder``), and the entries
    in ``folder`` whose content hash is not in ``keep_sha256``; returns how many."""
    removed = 0
    if root.is_dir():
        for other in root.iterdir():
            if other.is_dir() and other != folder and other.name != keep_folder:
                shutil.rmtree(other, ignore_errors=True)
                removed += 1
    if folder.is_dir():
        for entry in folder.glob("*/*.pickle"):
            if sha_of(entry) not in keep_sha256:
                entry.unlink(missing_ok=True)
                removed += 1
    return removed
