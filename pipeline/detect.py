"""Detect a file's format from its content, not (only) its extension.

Archives hold Word files named .pdf, HTML saved as .doc and exports without extensions;
the first bytes tell what a file really is.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

_MARKDOWN_HEADING = re.compile(rb"^#{1,6}\s+\S", re.MULTILINE)
_ACTION_HEADER = re.compile("ÅTGÄRDER\tSLUTDATUM|ÅTGÄRDER".encode())


def detect_format(path: Path) -> str:
    """One of: rym-md, docx, odt, doc, rtf, pdf, html, image, zip, text, binary, empty."""
    with path.open("rb") as f:
        head = f.read(64 * 1024)
    if not head:
        return "empty"
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_format(path)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "doc"  # OLE2 compound file: legacy Word (.doc)
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"GIF8")):
        return "image"
    lowered = head[:2048].lower()
    if b"<html" in lowered or b"<!doctype html" in lowered:
        return "html"
    if b"\x00" in head:
        return "binary"
    if _MARKDOWN_HEADING.search(head) or _ACTION_HEADER.search(head):
        return "rym-md"
    return "text"


def _zip_format(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            mimetype = z.read("mimetype").decode("ascii", "replace") if "mimetype" in names else ""
    except (zipfile.BadZipFile, OSError, KeyError):
        # A truncated zip still starts like one: let the Word backend report it precisely.
        return "docx" if path.suffix.lower() == ".docx" else "zip"
    if "word/document.xml" in names:
        return "docx"
    if "opendocument.text" in mimetype:
        return "odt"
    return "zip"
