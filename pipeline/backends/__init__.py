"""One backend per input format, each turning a file into a :class:`pipeline.model.Document`.

A backend is a module with a ``FORMAT`` name and a ``read(path) -> Document`` function. It
raises :class:`pipeline.errors.DocumentError` with a clear message when the file is broken.
Adding a format means adding a module here and one line to ``BACKENDS``; nothing downstream
changes.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from pipeline.detect import ENCRYPTED, reject_encrypted
from pipeline.errors import UnsupportedFormatError
from pipeline.model import Document

from . import docx, html, legacy_word, pdf, rym

BACKENDS: dict[str, Callable[[Path], Document]] = {
    rym.FORMAT: rym.read,
    docx.FORMAT: docx.read,
    html.FORMAT: html.read,
    pdf.FORMAT: pdf.read,
    **legacy_word.READERS,  # doc, rtf, odt through LibreOffice
    # a clear failed row, not a backend error; the format is known, so no second detection
    **{fmt: partial(reject_encrypted, fmt=fmt) for fmt in ENCRYPTED},
}


def read_document(path: Path, fmt: str) -> Document:
    """Read ``path`` with the backend registered for ``fmt`` (as detected from its content)."""
    try:
        backend = BACKENDS[fmt]
    except KeyError:
        raise UnsupportedFormatError(f"unsupported format: {fmt} (no backend yet)") from None
    return backend(path)
