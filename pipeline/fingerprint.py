"""The versions that decide what a run may reuse.

A nightly run re-extracts a document only when something that shapes its rows changed, so
"the version" must change with the code and data, not only with ``__version__``:

- :func:`extractor_version`: the package version plus a hash of every file of the package
  that shapes a document's rows (backends, structure, NLP, normalization, reference data,
  schema), the spaCy model folder and the versions of the libraries they run on. A manifest
  row written under another extractor version is extracted again.
- :func:`backend_version`: the same for what turns a file into a ``Document`` only (format
  detection, the backends, the document model, the parsing libraries). It keys the document
  cache, so a change to the structure or NLP stage re-extracts without parsing again.
- :func:`code_version`: every file of the package; a change to the exporters or to the
  follow-up linking republishes the tables without re-extracting anything.

The first two also cover the external programs (:func:`external_tools`): Tesseract and
LibreOffice.

Batch machinery and question modules are left out of the extractor version on purpose: a
fix to a help text must not re-extract an archive of millions of pages. A module added
later counts until it is listed here, which costs a re-extraction, never a stale row.
"""

from __future__ import annotations

import functools
import hashlib
import shutil
import subprocess
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

from pipeline import __version__

PACKAGE_DIR = Path(__file__).resolve().parent

# Modules that never change a document's rows: batch machinery, writers, questions, UI.
NOT_EXTRACTION = {
    "cache.py",
    "cli.py",
    "datapackage.py",
    "evaluate.py",
    "executors.py",
    "export.py",
    "fingerprint.py",
    "followup.py",  # runs over all documents at publish time: see code_version()
    "lock.py",
    "manifest.py",
    "progress.py",
    "publish.py",
    "query.py",
    "questions.py",
    "redacted_copy.py",
    "report.py",
    "run.py",
    "serve.py",
    "testhooks.py",
}
BACKEND_FILES = (
    "backends", "detect.py", "errors.py", "model.py", "ocr.py", "ocr_words.py", "limits.py", "data"
)  # fmt: skip
EXTRACTION_LIBRARIES = ("spacy",)
BACKEND_LIBRARIES = ("python-docx", "pypdfium2", "pdfplumber", "lxml")


def extractor_version() -> str:
    """``0.1.0+<12 hex>``: changes when anything that shapes a document's rows changes."""
    files = [
        p for p in _package_files() if p.relative_to(PACKAGE_DIR).parts[0] not in NOT_EXTRACTION
    ]
    return _version("extractor", files, (*EXTRACTION_LIBRARIES, *BACKEND_LIBRARIES), model=True)


def backend_version() -> str:
    """``0.1.0+<12 hex>``: changes when what turns a file into a Document changes."""
    files = [p for p in _package_files() if p.relative_to(PACKAGE_DIR).parts[0] in BACKEND_FILES]
    return _version("backend", files, BACKEND_LIBRARIES, model=False)


@functools.cache
def external_tools() -> str:
    """The programs that read what our code cannot: Tesseract (its version and languages)
    and LibreOffice (its build). A scan's text is theirs as much as ours, so a new
    Tesseract, or Tesseract installed where pages waited for OCR, re-extracts the archive,
    as a change of our backends does."""
    parts = []
    tesseract = shutil.which("tesseract")
    if tesseract is None:
        parts.append("tesseract absent")
    else:
        for flag in ("--version", "--list-langs"):
            try:
                done = subprocess.run(
                    [tesseract, flag], capture_output=True, text=True, timeout=20, check=False
                )
                lines = (done.stdout + done.stderr).splitlines()
                if flag == "--version":  # the rest lists libraries and this CPU's features
                    lines = lines[:1]
                parts.append(f"tesseract {flag}: {' '.join(lines)}")
            except (OSError, subprocess.SubprocessError) as exc:
                parts.append(f"tesseract {flag}: {type(exc).__name__}")
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        parts.append("libreoffice absent")
    else:  # its build is written beside the program; starting it would take seconds
        program = Path(soffice).resolve().parent
        version = program / "versionrc"
        try:
            build = version.read_text(errors="replace") if version.is_file() else soffice
            parts.append(f"libreoffice {build}")
        except OSError as exc:
            parts.append(f"libreoffice {type(exc).__name__}")
    return "\n".join(parts)


def ner_version() -> str:
    """``0.1.0+<12 hex>``: changes when the trained NER's result for a text can change.

    It keys :class:`pipeline.cache.NerCache`: the model folder (weights, the entity ruler's
    patterns, the tokenizer's settings), the NLP package's code (the tokenizer) and spaCy.
    """
    files = [p for p in _package_files() if p.relative_to(PACKAGE_DIR).parts[0] == "nlp"]
    return _version("ner", files, ("spacy", "thinc"), model=True)


def code_version() -> str:
    """``0.1.0+<12 hex>`` over every file of the package: what published tables depend on."""
    return _version("code", _package_files(), (), model=False)


def _package_files() -> list[Path]:
    return sorted(
        p
        for p in PACKAGE_DIR.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix not in {".pyc", ".pyo"}
    )


def _model_files() -> list[Path]:
    from pipeline.nlp import MODEL_DIR

    return sorted(p for p in MODEL_DIR.rglob("*") if p.is_file()) if MODEL_DIR.is_dir() else []


def _version(kind: str, files: Iterable[Path], libraries: Iterable[str], model: bool) -> str:
    digest = hashlib.sha256(kind.encode())
    for path in files:
        _add_file(digest, path, PACKAGE_DIR)
    if model:
        from pipeline.nlp import MODEL_DIR

        for path in _model_files():
            _add_file(digest, path, MODEL_DIR)
    for name in libraries:
        digest.update(f"\0lib {name} {_library_version(name)}".encode())
    if kind in ("extractor", "backend"):
        digest.update(f"\0tools {external_tools()}".encode())
    return f"{__version__}+{digest.hexdigest()[:12]}"


def _add_file(digest: hashlib._Hash, path: Path, root: Path) -> None:
    digest.update(f"\0{path.relative_to(root).as_posix()}\0".encode())
    digest.update(path.read_bytes())


def _library_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"
