"""Detect a file's format from its content, not (only) its extension.

Archives hold Word files named .pdf, HTML saved as .doc, RTF named .txt and exports without
extensions; the first bytes tell what a file really is. Container formats need one more look:
a zip is a .docx or an .odt by its members, an OLE2 compound file is a .doc, an encrypted
.docx or something else (.xls, .msg) by the names of its streams.

Encrypted files get their own format names (``docx-encrypted``, ``doc-encrypted``,
``odt-encrypted``, ``pdf-encrypted``) so they end as a clear ``failed`` row
(:func:`reject_encrypted`) instead of a confusing error deep inside a backend.
"""

from __future__ import annotations

import mmap
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import DocumentError
from pipeline.model import Document

HEAD_BYTES = 64 * 1024

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")

ENCRYPTED = {
    "docx-encrypted": "a password-protected Office file (an OLE container with an "
    "EncryptedPackage stream instead of a .docx zip)",
    "doc-encrypted": "a password-protected Word 97-2003 file (.doc)",
    "odt-encrypted": "a password-protected OpenDocument file (.odt)",
    "pdf-encrypted": "the PDF cannot be opened without a password",
}

_MARKDOWN_HEADING = re.compile(rb"^#{1,6}\s+\S", re.MULTILINE)
_ACTION_HEADER = re.compile("ÅTGÄRDER".encode())
# The first tag of an HTML document or of a fragment a mail tool saved without <html>.
_HTML_START = re.compile(
    rb"^(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"
    rb"<(?:!doctype\s+html|html|head|body|meta|title|style|table|div|p|h[1-6]|center|font)\b",
    re.IGNORECASE | re.DOTALL,
)
_IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"GIF8", b"BM")


def detect_format(path: Path) -> str:
    """One of: rym-md, docx, odt, doc, rtf, pdf, html, image, zip, text, binary, empty,
    ole (an OLE2 file that is not a Word document), or an ``*-encrypted`` name of
    :data:`ENCRYPTED`."""
    with path.open("rb") as f:
        head = f.read(HEAD_BYTES)
    if not head:
        return "empty"
    if b"%PDF-" in head[:1024]:  # readers accept junk before the header; so do archives
        return "pdf-encrypted" if _pdf_needs_password(path) else "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_format(path)
    if head.startswith(OLE_MAGIC):
        return _ole_format(path)
    if head.startswith(_IMAGE_MAGIC) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        return "image"
    return _text_format(head)


def _text_format(head: bytes) -> str:
    """Sniff a file that has no binary signature: RTF, HTML, the text export, plain text."""
    if head.startswith(UTF16_BOMS):
        encoding = "utf-16-le" if head.startswith(b"\xff\xfe") else "utf-16-be"
        decoded = head[2:].decode(encoding, errors="ignore")
        if _HTML_START.match(decoded.lstrip().encode()):
            return "html"
        # a UTF-16 text export: the text backend reads it
        utf8 = decoded.encode()
        return "rym-md" if _MARKDOWN_HEADING.search(utf8) or "ÅTGÄRDER" in decoded else "text"
    start = head.removeprefix(UTF8_BOM).lstrip()
    if start.startswith(b"{\\rtf"):
        return "rtf"
    if _HTML_START.match(start) or b"<html" in start[:2048].lower():
        return "html"
    if b"\x00" in head:
        return "binary"
    if _MARKDOWN_HEADING.search(head) or _ACTION_HEADER.search(head):
        return "rym-md"
    return "text"


# -- zip containers --------------------------------------------------------------------------


def _zip_format(path: Path) -> str:
    """docx by its main part, odt by its mimetype (or manifest); anything else is a zip."""
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            mimetype = _member(z, "mimetype", names, 200)
            manifest = _member(z, "META-INF/manifest.xml", names, 256 * 1024)
            types = _member(z, "[Content_Types].xml", names, 256 * 1024)
    except (zipfile.BadZipFile, OSError, KeyError, EOFError, NotImplementedError, zlib.error):
        # A truncated zip still starts like one: let the Word backend report it precisely.
        return "docx" if path.suffix.lower() == ".docx" else "zip"
    if "word/document.xml" in names or "wordprocessingml.document.main" in types:
        return "docx"
    if "opendocument.text" in mimetype or (
        not mimetype and "content.xml" in names and "opendocument.text" in manifest
    ):
        return "odt-encrypted" if "encryption-data" in manifest else "odt"
    return "zip"


def _member(z: zipfile.ZipFile, name: str, names: set[str], limit: int) -> str:
    if name not in names:
        return ""
    with z.open(name) as member:
        return member.read(limit).decode("utf-8", "replace")


# -- OLE2 compound files ---------------------------------------------------------------------


@dataclass(frozen=True)
class OleEntry:
    """One entry of an OLE2 directory: a stream or storage name, where it starts, its size."""

    name: str
    kind: int  # 1 storage, 2 stream, 5 root
    start: int
    size: int


_MAX_REGULAR_SECTOR, _END_OF_CHAIN = 0xFFFFFFFA, 0xFFFFFFFE
_MAX_SECTORS = 4096  # bound on chains followed, so a crafted loop cannot hang a batch


def _ole_format(path: Path) -> str:
    """Tell a .doc (WordDocument stream) from an encrypted .docx and from other OLE files."""
    try:
        entries = ole_entries(path)
    except (OSError, ValueError, struct.error):
        entries = []
    names = {e.name for e in entries if e.kind in (1, 2)}
    if not entries:  # a damaged directory: look for the stream names in the first sectors
        with path.open("rb") as f:
            head = f.read(HEAD_BYTES * 4)
        names = {n for n in ("EncryptedPackage", "WordDocument") if n.encode("utf-16-le") in head}
    if "EncryptedPackage" in names:
        return "docx-encrypted"
    if "WordDocument" in names:
        word = next((e for e in entries if e.name == "WordDocument"), None)
        return "doc-encrypted" if word and _word_fib_encrypted(path, entries, word) else "doc"
    return "ole"


def ole_entries(path: Path) -> list[OleEntry]:
    """The directory of an OLE2 compound file (MS-CFB), read with as little as it takes."""
    with path.open("rb") as f:
        header = f.read(512)
        if len(header) < 512 or not header.startswith(OLE_MAGIC):
            raise ValueError("not an OLE2 compound file")
        sector_size = 1 << struct.unpack_from("<H", header, 0x1E)[0]
        if sector_size not in (512, 4096):
            raise ValueError(f"bad sector size {sector_size}")
        first_dir = struct.unpack_from("<I", header, 0x30)[0]
        fat = _FatReader(f, header, sector_size)
        entries: list[OleEntry] = []
        for sector in fat.chain(first_dir):
            f.seek((sector + 1) * sector_size)
            data = f.read(sector_size)
            for offset in range(0, len(data) - 127, 128):
                entry = data[offset : offset + 128]
                name_len = struct.unpack_from("<H", entry, 0x40)[0]
                kind = entry[0x42]
                if kind == 0 or not 2 <= name_len <= 64:
                    continue
                name = entry[: name_len - 2].decode("utf-16-le", "replace")
                start = struct.unpack_from("<I", entry, 0x74)[0]
                size = struct.unpack_from("<Q", entry, 0x78)[0]
                if sector_size == 512:
                    size &= 0xFFFFFFFF  # version 3 files keep garbage in the high half
                entries.append(OleEntry(name, kind, start, size))
    return entries


class _FatReader:
    """Follows sector chains through the FAT, reading FAT sectors only when needed."""

    def __init__(self, f, header: bytes, sector_size: int) -> None:
        self._f = f
        self._size = sector_size
        fat_sectors = [
            s for s in struct.unpack_from("<109I", header, 0x4C) if s <= _MAX_REGULAR_SECTOR
        ]
        count = struct.unpack_from("<I", header, 0x2C)[0]
        difat = struct.unpack_from("<I", header, 0x44)[0]
        per_sector = sector_size // 4
        for _ in range(_MAX_SECTORS):  # further FAT sector numbers live in DIFAT sectors
            if len(fat_sectors) >= count or difat > _MAX_REGULAR_SECTOR:
                break
            f.seek((difat + 1) * sector_size)
            values = struct.unpack(f"<{per_sector}I", f.read(sector_size))
            fat_sectors.extend(s for s in values[:-1] if s <= _MAX_REGULAR_SECTOR)
            difat = values[-1]
        self._fat_sectors = fat_sectors[:count] if count else fat_sectors
        self._cache: dict[int, tuple[int, ...]] = {}

    def next(self, sector: int) -> int:
        per_sector = self._size // 4
        index, slot = divmod(sector, per_sector)
        if index >= len(self._fat_sectors):
            return _END_OF_CHAIN
        if index not in self._cache:
            self._f.seek((self._fat_sectors[index] + 1) * self._size)
            data = self._f.read(self._size)
            if len(data) < self._size:
                return _END_OF_CHAIN
            self._cache[index] = struct.unpack(f"<{per_sector}I", data)
        return self._cache[index][slot]

    def chain(self, start: int) -> list[int]:
        sectors: list[int] = []
        seen: set[int] = set()
        sector = start
        while sector <= _MAX_REGULAR_SECTOR and sector not in seen and len(seen) < _MAX_SECTORS:
            sectors.append(sector)
            seen.add(sector)
            sector = self.next(sector)
        return sectors


def _word_fib_encrypted(path: Path, entries: list[OleEntry], word: OleEntry) -> bool:
    """The fEncrypted bit of the Word FIB (MS-DOC FibBase, flags at offset 0x0A)."""
    if word.size < 4096:  # would live in the mini stream: not a real Word document
        return False
    with path.open("rb") as f:
        header = f.read(512)
        sector_size = 1 << struct.unpack_from("<H", header, 0x1E)[0]
        f.seek((word.start + 1) * sector_size)
        fib = f.read(12)
    if len(fib) < 12 or fib[:2] not in (b"\xec\xa5", b"\xdc\xa5"):
        return False
    return bool(struct.unpack_from("<H", fib, 0x0A)[0] & 0x0100)


# -- PDF -------------------------------------------------------------------------------------


def _pdf_needs_password(path: Path) -> bool:
    """True when the PDF has an /Encrypt dictionary and cannot be opened without a password.

    A PDF encrypted only against editing (empty user password) opens and reads normally,
    so the ``/Encrypt`` key alone does not make a document unreadable.
    """
    with path.open("rb") as f:
        try:
            with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
                if data.find(b"/Encrypt") < 0:
                    return False
        except ValueError:  # an empty or unmappable file
            return False
    import pypdfium2

    try:
        pypdfium2.PdfDocument(str(path)).close()
    except pypdfium2.PdfiumError as exc:
        return "password" in str(exc).lower()
    return False


# -- encrypted files -------------------------------------------------------------------------


def reject_encrypted(path: Path, fmt: str | None = None) -> Document:
    """The 'backend' of the ``*-encrypted`` formats: a clear error an archivist can act on.

    ``fmt`` is the format already detected (the registry passes it); without it the file is
    detected again."""
    fmt = fmt or detect_format(path)
    what = ENCRYPTED.get(fmt, "a password-protected file")
    raise DocumentError(f"encrypted document: {what}; remove the password and run again")
