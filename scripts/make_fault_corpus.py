"""Write the fault corpus: broken, hostile and odd input files that protokoll must survive.

Every file is generated here (no hand-dropped binaries), deterministically: the same script
gives byte-identical files, so ``tests/faults/`` can be regenerated and diffed.

Two sets:

- **committed** (``write_corpus``, into ``tests/faults/``): small files, safe to keep in git:
  zero-byte and truncated PDF/DOCX/ODT, encrypted PDFs, broken cross-reference tables, a page
  with 100,000 tiny characters, Word files with external entities (XXE) and entity
  expansion (billion laughs), a .docx that is HTML, a .pdf that is a PNG, random bytes under
  every extension, Windows-1252 and UTF-16 text, ...
- **test time** (``write_runtime``, into a temporary folder): what must not or cannot be
  committed: a 2,000-page PDF, zip bombs (gigabytes inflated), a 50 MB markdown file, a file
  name with a newline and non-UTF-8 bytes, symbolic link loops, an unreadable file, a named
  pipe and a link to /dev/zero (``special=True`` only: they hang a reader that does not
  check for regular files first).

What each file is and what it tests is in :data:`DESCRIPTIONS` and in the hidden
``tests/faults/.MANIFEST.tsv`` (hidden so that ``protokoll run tests/faults`` skips it).
No file here is a set of minutes: every one must end as a ``failed`` or ``partial`` row.

XXE files point at ``file:///etc/passwd`` and at ``http://127.0.0.1:9/`` (the discard port
on this machine): nothing may ever be fetched.

Usage:
  python scripts/make_fault_corpus.py                 # (re)write tests/faults/
  python scripts/make_fault_corpus.py --runtime DIR   # also the test-time files into DIR
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import random
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FAULTS = ROOT / "tests" / "faults"
MANIFEST = ".MANIFEST.tsv"
SEED = 20160316
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
LOOPBACK_URL = "http://127.0.0.1:9/"  # the discard port: never a real server

DESCRIPTIONS: dict[str, str] = {}
_COMMITTED: dict[str, Callable[[], bytes]] = {}


def fault(name: str, description: str) -> Callable[[Callable[[], bytes]], Callable[[], bytes]]:
    """Register a committed fault file: ``name`` in tests/faults, made by the function."""

    def register(make: Callable[[], bytes]) -> Callable[[], bytes]:
        DESCRIPTIONS[name] = description
        _COMMITTED[name] = make
        return make

    return register


# -- builders: PDF ---------------------------------------------------------------------------


def pdf_escape(text: str) -> bytes:
    raw = text.encode("cp1252", "replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def text_stream(lines: list[str], size: float = 12, leading: float | None = None) -> bytes:
    """A content stream drawing ``lines`` top-down in Helvetica."""
    leading = leading or size * 1.2
    out = [b"BT", f"/F1 {size:g} Tf {leading:g} TL 56 800 Td".encode()]
    for line in lines:
        out.append(b"(" + pdf_escape(line) + b") Tj T*")
    out.append(b"ET")
    return b"\n".join(out)


def build_pdf(
    pages: list[bytes],
    *,
    compress: bool = False,
    mediabox: str = "0 0 595 842",
    trailer_extra: bytes = b"",
    extra_objects: dict[int, bytes] | None = None,
    encrypt: Callable[[int, bytes], bytes] | None = None,
    catalog_extra: bytes = b"",
) -> bytes:
    """A minimal, valid PDF: one page per content stream, Helvetica as font 1.

    Objects: 1 catalog, 2 page tree, 3 font, then a (page, content) pair per page, then
    ``extra_objects`` (numbered by the caller, after those). ``encrypt(objnum, data)``
    encrypts strings and streams (see :func:`rc4_encryptor`).
    """
    count = len(pages)
    page_ids = [4 + 2 * i for i in range(count)]
    objects: dict[int, bytes] = {
        1: b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b">>",
        2: b"<< /Type /Pages /Kids ["
        + b" ".join(b"%d 0 R" % p for p in page_ids)
        + b"] /Count %d >>" % count,
        3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    }
    for page_id, content in zip(page_ids, pages, strict=True):
        objects[page_id] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [" + mediabox.encode() + b"] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (page_id + 1)
        )
        data = zlib.compress(content, 9) if compress else content
        if encrypt:
            data = encrypt(page_id + 1, data)
        filters = b"/Filter /FlateDecode " if compress else b""
        objects[page_id + 1] = (
            b"<< " + filters + b"/Length %d >>\nstream\n" % len(data) + data + b"\nendstream"
        )
    objects.update(extra_objects or {})
    return serialize_pdf(objects, trailer_extra)


def serialize_pdf(objects: dict[int, bytes], trailer_extra: bytes = b"") -> bytes:
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for num in sorted(objects):
        offsets[num] = out.tell()
        out.write(b"%d 0 obj\n" % num + objects[num] + b"\nendobj\n")
    xref = out.tell()
    size = max(objects) + 1
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % size)
    for num in range(1, size):
        if num in offsets:
            out.write(b"%010d 00000 n \n" % offsets[num])
        else:
            out.write(b"0000000000 65535 f \n")
    out.write(b"trailer\n<< /Size %d /Root 1 0 R " % size + trailer_extra + b">>\n")
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


FILLER = (
    "Kommunen arbetar vidare med frågan om gemensamma lokaler för skolan.",
    "Gruppen diskuterade hur samverkan mellan förvaltningarna kan bli bättre.",
    "Förslaget skickas ut på remiss till samtliga berörda nämnder i kommunen.",
    "Det finns ett stort intresse för att utveckla kollektivtrafiken i regionen.",
    "Kostnaderna för vinterväghållningen blev högre än beräknat under året.",
    "Arbetet med den nya översiktsplanen fortsätter enligt den tidsplan som finns.",
    "Socialtjänsten ser ett ökat behov av stöd till barn och unga i skolåldern.",
    "En arbetsgrupp med representanter från varje kommun ska tillsättas.",
    "Frågan om bredband på landsbygden lyftes av flera av de närvarande.",
    "Ekonomichefen redogjorde för läget inför arbetet med nästa års budget.",
    "Biblioteken i länet vill samordna sina inköp av böcker och tidskrifter.",
    "Det är viktigt att informationen når alla medborgare i god tid.",
)


def minutes_like_lines(rng: random.Random, count: int) -> list[str]:
    """Lines of ordinary Swedish prose (no minutes: no date, no agenda, no names)."""
    return [rng.choice(FILLER) for _ in range(count)]


_PAD = bytes.fromhex("28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a")


def rc4(key: bytes, data: bytes) -> bytes:
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def standard_security(
    user: bytes, owner: bytes, file_id: bytes, permissions: int = -44
) -> tuple[bytes, Callable[[int, bytes], bytes]]:
    """The /Encrypt dictionary (Standard handler, revision 2, RC4 40-bit) and an encryptor."""
    owner_key = hashlib.md5((owner + _PAD)[:32]).digest()[:5]
    o_value = rc4(owner_key, (user + _PAD)[:32])
    key = hashlib.md5(
        (user + _PAD)[:32] + o_value + struct.pack("<i", permissions) + file_id
    ).digest()[:5]
    u_value = rc4(key, _PAD)

    def encrypt(objnum: int, data: bytes) -> bytes:
        obj_key = hashlib.md5(key + struct.pack("<I", objnum)[:3] + b"\0\0").digest()[:10]
        return rc4(obj_key, data)

    dictionary = (
        b"<< /Filter /Standard /V 1 /R 2 /O <"
        + o_value.hex().encode()
        + b"> /U <"
        + u_value.hex().encode()
        + b"> /P %d >>" % permissions
    )
    return dictionary, encrypt


def encrypted_pdf(user: bytes, owner: bytes) -> bytes:
    file_id = hashlib.md5(b"protokoll fault corpus " + user + owner).digest()
    dictionary, encrypt = standard_security(user, owner, file_id)
    id_hex = file_id.hex().encode()
    return build_pdf(
        [text_stream(["Lösenordsskyddat dokument", "Hemlig text"])],
        extra_objects={99: dictionary},
        encrypt=encrypt,
        trailer_extra=b"/Encrypt 99 0 R /ID [<" + id_hex + b"> <" + id_hex + b">] ",
    )


def small_pdf() -> bytes:
    rng = random.Random(SEED)
    return build_pdf([text_stream(minutes_like_lines(rng, 30)) for _ in range(3)])


# -- builders: zip containers (docx, odt) ----------------------------------------------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

CONTENT_TYPES = (
    XML_DECL + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships'
    '+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/></Types>'
)
ROOT_RELS = (
    XML_DECL + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
    "</Relationships>"
)


def paragraphs_xml(texts: list[str]) -> str:
    return "".join(f'<w:p><w:r><w:t xml:space="preserve">{t}</w:t></w:r></w:p>' for t in texts)


def document_xml(body: str, prolog: str = "") -> str:
    return (
        XML_DECL
        + prolog
        + f'<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:body>{body}</w:body></w:document>'
    )


def build_zip(members: list[tuple[str, bytes | str]], stored: tuple[str, ...] = ()) -> bytes:
    """A zip with fixed timestamps (deterministic bytes); ``stored`` members uncompressed."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data.encode() if isinstance(data, str) else data)
    return out.getvalue()


def build_docx(document: str, extra: list[tuple[str, bytes | str]] = (), rels: str = "") -> bytes:
    members: list[tuple[str, bytes | str]] = [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", ROOT_RELS),
        ("word/document.xml", document),
    ]
    if rels:
        members.append(("word/_rels/document.xml.rels", rels))
    return build_zip(members + list(extra))


def plain_docx() -> bytes:
    """A well-formed Word file that holds no minutes (no date, no agenda)."""
    rng = random.Random(SEED + 1)
    return build_docx(document_xml(paragraphs_xml(minutes_like_lines(rng, 40))))


ODT_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
    'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
    'manifest:media-type="application/vnd.oasis.opendocument.text"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "{extra}</manifest:manifest>"
)
ODT_CONTENT = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    "<office:body><office:text>{body}</office:text></office:body></office:document-content>"
)


def build_odt(body: str, manifest_extra: str = "") -> bytes:
    return build_zip(
        [
            ("mimetype", "application/vnd.oasis.opendocument.text"),
            ("META-INF/manifest.xml", ODT_MANIFEST.format(extra=manifest_extra)),
            ("content.xml", ODT_CONTENT.format(body=body)),
        ],
        stored=("mimetype",),
    )


def plain_odt() -> bytes:
    rng = random.Random(SEED + 2)
    return build_odt("".join(f"<text:p>{t}</text:p>" for t in minutes_like_lines(rng, 40)))


# -- builders: images ------------------------------------------------------------------------


def png(width: int = 64, height: int = 64) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(
        b"\0" + b"".join(bytes((x * 4 % 256, y * 4 % 256, 128)) for x in range(width))
        for y in range(height)
    )
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def random_bytes(name: str, size: int = 4096) -> bytes:
    return random.Random(f"{SEED}:{name}").randbytes(size)


# -- the committed corpus --------------------------------------------------------------------

SAMPLE_TEXT = (
    "# Anteckningar från ett möte som inte är ett protokoll\n\n"
    "Här står text med å, ä och ö, citattecken ”så här” och ett tankstreck – mitt i.\n\n"
    "Kostnaden är 1 200 € och ingenting annat.\n"
)


@fault("zero.pdf", "zero bytes, named .pdf")
def _zero_pdf() -> bytes:
    return b""


@fault("zero.docx", "zero bytes, named .docx")
def _zero_docx() -> bytes:
    return b""


@fault("zero.odt", "zero bytes, named .odt")
def _zero_odt() -> bytes:
    return b""


@fault("zero.rym.md", "zero bytes, named like a text export")
def _zero_md() -> bytes:
    return b""


@fault("truncated_half.pdf", "a valid 3-page PDF cut in half (no xref, no trailer)")
def _pdf_half() -> bytes:
    data = small_pdf()
    return data[: len(data) // 2]


@fault("truncated_header_only.pdf", "only the '%PDF-1.4' header line")
def _pdf_header() -> bytes:
    return b"%PDF-1.4\n"


@fault("truncated_half.docx", "a valid .docx cut in half (no zip central directory)")
def _docx_half() -> bytes:
    data = plain_docx()
    return data[: len(data) // 2]


@fault("truncated_100_bytes.docx", "the first 100 bytes of a .docx")
def _docx_100() -> bytes:
    return plain_docx()[:100]


@fault("truncated_half.odt", "a valid .odt cut in half")
def _odt_half() -> bytes:
    data = plain_odt()
    return data[: len(data) // 2]


@fault("encrypted_user_password.pdf", "PDF with an /Encrypt dictionary and a user password")
def _pdf_encrypted() -> bytes:
    return encrypted_pdf(user=b"hemligt", owner=b"agare")


@fault(
    "encrypted_owner_only.pdf",
    "PDF encrypted with an owner password only: opens without one (no minutes: partial)",
)
def _pdf_owner_only() -> bytes:
    return encrypted_pdf(user=b"", owner=b"agare")


@fault("encrypted_garbage_keys.pdf", "/Encrypt dictionary with random /O and /U values")
def _pdf_encrypt_garbage() -> bytes:
    rng = random.Random(SEED + 3)
    o, u = rng.randbytes(32).hex().encode(), rng.randbytes(32).hex().encode()
    return build_pdf(
        [text_stream(["text"])],
        extra_objects={99: b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P -4 >>" % (o, u)},
        trailer_extra=b"/Encrypt 99 0 R /ID [<00> <00>] ",
    )


@fault("broken_xref_offsets.pdf", "every xref offset wrong and startxref pointing nowhere")
def _pdf_bad_xref() -> bytes:
    data = small_pdf()
    head, _, _ = data.rpartition(b"xref\n")
    rng = random.Random(SEED + 4)
    lines = [b"xref", b"0 10"] + [b"%010d 00000 n " % rng.randrange(10**9) for _ in range(10)]
    return (
        head
        + b"\n".join(lines)
        + b"\ntrailer\n<< /Size 10 /Root 1 0 R >>\nstartxref\n999999\n%%EOF\n"
    )


@fault("broken_xref_missing.pdf", "no xref table and no trailer at all")
def _pdf_no_xref() -> bytes:
    data = small_pdf()
    return data[: data.rfind(b"xref\n")]


@fault("broken_xref_prev_loop.pdf", "an incremental update whose /Prev points at itself")
def _pdf_prev_loop() -> bytes:
    data = small_pdf()
    xref = data.rfind(b"xref\n")
    trailer_at = data.rfind(b"trailer\n")
    return data[
        :trailer_at
    ] + b"trailer\n<< /Size 10 /Root 1 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (xref, xref)


@fault("page_tree_loop.pdf", "the page tree's /Kids contains the page tree itself")
def _pdf_kids_loop() -> bytes:
    return build_pdf(
        [text_stream(["sida"])],
        extra_objects={2: b"<< /Type /Pages /Kids [4 0 R 2 0 R] /Count 2 >>"},
    )


@fault("page_count_lies.pdf", "/Count says 2000000 pages, the tree has one")
def _pdf_count_lies() -> bytes:
    return build_pdf(
        [text_stream(["sida"])],
        extra_objects={2: b"<< /Type /Pages /Kids [4 0 R] /Count 2000000 >>"},
    )


@fault("no_pages.pdf", "a valid PDF with an empty page tree")
def _pdf_no_pages() -> bytes:
    return build_pdf([])


@fault("blank_page.pdf", "one page with no text and no image")
def _pdf_blank() -> bytes:
    return build_pdf([b""])


@fault("deep_nesting.pdf", "a content stream with arrays nested 100,000 deep")
def _pdf_deep() -> bytes:
    return build_pdf([b"[" * 100_000 + b"]" * 100_000], compress=True)


@fault("huge_mediabox.pdf", "a blank page of 200,000 x 200,000 points (OCR rendering bomb)")
def _pdf_huge_page() -> bytes:
    return build_pdf([b""], mediabox="0 0 200000 200000")


@fault(
    "huge_leading.pdf",
    "a text leading of 10^65 points: lines placed at infinity, their boxes NaN (fuzz finding)",
)
def _pdf_huge_leading() -> bytes:
    leading = b"1" * 64 + b"4.4"  # a digit repeated by the fuzzer: overflows PDFium's float
    stream = text_stream(["Biblioteken i länet vill samordna sina inköp."] * 4)
    return build_pdf([stream.replace(b"14.4 TL", leading + b" TL", 1)])


@fault("uri_and_launch_actions.pdf", "link, launch and JavaScript actions to the network")
def _pdf_actions() -> bytes:
    url = LOOPBACK_URL.encode()
    return build_pdf(
        [text_stream(["Klicka här"])],
        catalog_extra=b"/OpenAction 98 0 R /AA << /WC 97 0 R >> ",
        extra_objects={
            98: b"<< /S /URI /URI (" + url + b"open) >>",
            97: b"<< /S /JavaScript /JS (app.launchURL\\('" + url + b"js'\\);) >>",
            96: b"<< /S /Launch /F (/bin/sh) >>",
        },
    )


@fault("page_100000_chars.pdf", "one page with 100,000 characters in 1-point type")
def _pdf_100k() -> bytes:
    rng = random.Random(SEED + 5)
    letters = "abcdefghijklmnopqrstuvwxyzåäö"
    lines = []
    for _ in range(200):  # 200 lines x 500 characters
        words = []
        while sum(len(w) + 1 for w in words) < 500:
            words.append("".join(rng.choice(letters) for _ in range(rng.randint(2, 9))))
        lines.append(" ".join(words)[:500].ljust(500, "a"))
    return build_pdf([text_stream(lines, size=1, leading=1.2)], compress=True)


@fault("png_named.pdf", "a PNG image named .pdf")
def _png_pdf() -> bytes:
    return png()


@fault("html_named.docx", "an HTML page named .docx (Word's 'save as web page', renamed)")
def _html_docx() -> bytes:
    return (
        "<html><head><meta charset='utf-8'><title>Inte Word</title></head><body>"
        "<p>Det här är HTML med ändelsen .docx.</p></body></html>"
    ).encode()


@fault("pdf_named.docx", "a PDF named .docx")
def _pdf_docx() -> bytes:
    return small_pdf()


@fault("docx_named.pdf", "a Word file (no minutes) named .pdf")
def _docx_pdf() -> bytes:
    return plain_docx()


@fault("no_minutes.docx", "a well-formed Word file that holds no minutes")
def _plain_docx() -> bytes:
    return plain_docx()


@fault("xxe_file.docx", "document.xml with an external entity to file:///etc/passwd")
def _xxe_file() -> bytes:
    prolog = '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    return build_docx(document_xml(paragraphs_xml(["före &xxe; efter"]), prolog))


@fault("xxe_http.docx", f"document.xml with an external entity to {LOOPBACK_URL}")
def _xxe_http() -> bytes:
    prolog = f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "{LOOPBACK_URL}xxe">]>\n'
    return build_docx(document_xml(paragraphs_xml(["före &xxe; efter"]), prolog))


@fault("xxe_parameter_entity.docx", "a parameter entity loading a DTD from the network")
def _xxe_param() -> bytes:
    prolog = (
        f'<!DOCTYPE w:document [<!ENTITY % remote SYSTEM "{LOOPBACK_URL}evil.dtd"> %remote;]>\n'
    )
    return build_docx(document_xml(paragraphs_xml(["text"]), prolog))


@fault("xxe_external_dtd.docx", "document.xml whose DOCTYPE names an external DTD")
def _xxe_dtd() -> bytes:
    prolog = f'<!DOCTYPE w:document SYSTEM "{LOOPBACK_URL}word.dtd">\n'
    return build_docx(document_xml(paragraphs_xml(["text"]), prolog))


@fault("xxe_in_content_types.docx", "[Content_Types].xml with an external entity")
def _xxe_types() -> bytes:
    types = CONTENT_TYPES.replace(
        XML_DECL, XML_DECL + '<!DOCTYPE Types [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    ).replace('Extension="xml"', 'Extension="xml" Foo="&xxe;"')
    return build_zip(
        [
            ("[Content_Types].xml", types),
            ("_rels/.rels", ROOT_RELS),
            ("word/document.xml", document_xml(paragraphs_xml(["text"]))),
        ]
    )


@fault("billion_laughs.docx", "document.xml with the 'billion laughs' entity expansion")
def _laughs() -> bytes:
    entities = ['<!ENTITY lol "lol">']
    for i in range(1, 10):
        prev = f"&lol{i - 1};" if i > 1 else "&lol;"
        entities.append(f'<!ENTITY lol{i} "{prev * 10}">')
    prolog = "<!DOCTYPE w:document [" + "".join(entities) + "]>\n"
    return build_docx(document_xml(paragraphs_xml(["&lol9;"]), prolog))


@fault("quadratic_blowup.docx", "one 50,000-character entity used 50,000 times")
def _quadratic() -> bytes:
    prolog = '<!DOCTYPE w:document [<!ENTITY a "' + "a" * 50_000 + '">]>\n'
    return build_docx(document_xml(paragraphs_xml(["&a;" * 50_000]), prolog))


@fault("external_relationships.docx", f"an image and a template linked from {LOOPBACK_URL}")
def _external_rels() -> bytes:
    return external_relationships_docx(LOOPBACK_URL)


def external_relationships_docx(url: str) -> bytes:
    """A linked image, a linked template and an INCLUDETEXT field, all pointing at ``url``."""
    rels = (
        XML_DECL + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        'relationships"><Relationship Id="rId9" Type="http://schemas.openxmlformats.org/'
        f'officeDocument/2006/relationships/image" Target="{url}bild.png" '
        'TargetMode="External"/><Relationship Id="rId8" Type="http://schemas.openxmlformats.org/'
        f'officeDocument/2006/relationships/attachedTemplate" Target="{url}mall.dotx" '
        'TargetMode="External"/></Relationships>'
    )
    body = paragraphs_xml(["Bild från nätet:"]) + (
        '<w:p><w:r><w:fldSimple w:instr="INCLUDETEXT &quot;' + url + 'text&quot;"/></w:r></w:p>'
    )
    return build_docx(document_xml(body), rels=rels)


@fault("no_document_part.docx", "a zip with [Content_Types].xml but no word/document.xml")
def _no_document() -> bytes:
    return build_zip([("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", ROOT_RELS)])


@fault("broken_xml.docx", "word/document.xml is not well-formed XML")
def _broken_xml() -> bytes:
    return build_docx(document_xml("<w:p><w:r><w:t>öppen tagg</w:r></w:p>"))


@fault("deep_nesting.docx", "tables nested 1,000 deep (past the XML parser's depth limit)")
def _deep_docx() -> bytes:
    depth = 1000
    body = "<w:tbl><w:tr><w:tc>" * depth + "<w:p/>" + "</w:tc></w:tr></w:tbl>" * depth
    return build_docx(document_xml(body + "<w:p><w:r><w:t>x</w:t></w:r></w:p>"))


@fault("nested_tables_60.docx", "tables nested 60 deep (within the parser's limit)")
def _nested_docx() -> bytes:
    depth = 60
    inner = "<w:p><w:r><w:t>innerst</w:t></w:r></w:p>"
    body = "<w:tbl><w:tr><w:tc>" * depth + inner + "</w:tc></w:tr></w:tbl>" * depth
    return build_docx(document_xml(body))


@fault("zip_not_office.docx", "a zip of random members named .docx")
def _zip_other() -> bytes:
    return build_zip([("readme.txt", "inte Word"), ("data.bin", random_bytes("zip-member"))])


@fault("encrypted.odt", "an OpenDocument file whose manifest says it is encrypted")
def _odt_encrypted() -> bytes:
    extra = (
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">'
        '<manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="AAAA">'
        '<manifest:algorithm manifest:algorithm-name="Blowfish CFB" '
        'manifest:initialisation-vector="AAAA"/></manifest:encryption-data>'
        "</manifest:file-entry>"
    )
    return build_zip(
        [
            ("mimetype", "application/vnd.oasis.opendocument.text"),
            ("META-INF/manifest.xml", ODT_MANIFEST.format(extra=extra)),
            ("content.xml", random_bytes("odt-content", 512)),
        ],
        stored=("mimetype",),
    )


@fault("xxe.odt", "an OpenDocument file whose content.xml has an external entity")
def _odt_xxe() -> bytes:
    members = [
        ("mimetype", "application/vnd.oasis.opendocument.text"),
        ("META-INF/manifest.xml", ODT_MANIFEST.format(extra="")),
        (
            "content.xml",
            ODT_CONTENT.format(body="<text:p>före &xxe; efter</text:p>").replace(
                "?>\n", '?>\n<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n', 1
            ),
        ),
    ]
    return build_zip(members, stored=("mimetype",))


@fault("ole_encrypted_package.docx", "an OLE file with an EncryptedPackage stream (locked .docx)")
def _ole_encrypted() -> bytes:
    header = bytearray(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    struct.pack_into("<H", header, 0x1E, 9)  # 512-byte sectors
    return bytes(header) + "EncryptedPackage".encode("utf-16-le") + random_bytes("ole", 1024)


@fault("truncated.doc", "the OLE signature and nothing else, named .doc")
def _doc_truncated() -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(56)


@fault("truncated.rtf", "RTF with unbalanced braces, cut off")
def _rtf_truncated() -> bytes:
    return b"{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Times;}}{\\pard Kommunstyrelsen \\b sammantr"


@fault("windows1252.rym.md", "a text export in Windows-1252 (å, ä, ö, ”, –, €)")
def _cp1252() -> bytes:
    return SAMPLE_TEXT.encode("cp1252")


@fault("utf16le_bom.rym.md", "a text export in UTF-16 little-endian with BOM")
def _utf16le() -> bytes:
    return SAMPLE_TEXT.encode("utf-16")  # BOM + little-endian on every platform Python runs


@fault("utf16be_bom.rym.md", "a text export in UTF-16 big-endian with BOM")
def _utf16be() -> bytes:
    return b"\xfe\xff" + SAMPLE_TEXT.encode("utf-16-be")


@fault("utf16le_no_bom.txt", "UTF-16 without a BOM (NUL bytes everywhere)")
def _utf16_nobom() -> bytes:
    return SAMPLE_TEXT.encode("utf-16-le")


@fault("utf16_odd_length.rym.md", "UTF-16 with BOM and an odd number of bytes")
def _utf16_odd() -> bytes:
    return SAMPLE_TEXT.encode("utf-16") + b"\x00"


@fault("mixed_encodings.rym.md", "UTF-8 with stray Windows-1252 bytes and a NUL-free C1 mess")
def _mixed() -> bytes:
    return SAMPLE_TEXT.encode() + "Kommunfullmäktige".encode("cp1252") + b"\x81\x8d\x8f\x90\x9d\n"


@fault("bom_only.rym.md", "a UTF-8 byte-order mark and nothing else")
def _bom_only() -> bytes:
    return b"\xef\xbb\xbf"


@fault("whitespace_only.rym.md", "blank lines, tabs and no-break spaces only")
def _whitespace() -> bytes:
    return ("\n \t\n\u00a0\u2003\n" * 50).encode()


@fault("long_heading_line.rym.md", "a heading of 200,000 spaces (quadratic regex trap)")
def _long_heading() -> bytes:
    return b"# a" + b" " * 200_000 + b"x\n"


@fault("one_long_line.rym.md", "one 256 KB line of text without a newline")
def _long_line() -> bytes:
    rng = random.Random(SEED + 6)
    return " ".join(minutes_like_lines(rng, 6_000)).encode()[: 256 * 1024]


@fault("markup_storm.rym.md", "100,000 unbalanced emphasis markers and tags")
def _markup() -> bytes:
    rng = random.Random(SEED + 7)
    tokens = ["*", "**", "_", "__", "<b>", "</b>", "<i>", "</i>", "\\", "a", " ", "\t"]
    return "# x\n".join(
        "".join(rng.choice(tokens) for _ in range(1000)) for _ in range(100)
    ).encode()


@fault("wide_table.rym.md", "a table line with 100,000 tab-separated cells")
def _wide_table() -> bytes:
    return ("ÅTGÄRDER\tSLUTDATUM\tANSVARIG\n" + "x\t" * 100_000 + "\n").encode()


@fault("nul_bytes.rym.md", "text with NUL bytes inside")
def _nul() -> bytes:
    return b"# Rubrik\n\nText\x00med\x00nollor\n"


@fault("script_only.html", "an HTML page with a script and no visible text")
def _html_script() -> bytes:
    return (
        b"<!doctype html><html><head><script>fetch('" + LOOPBACK_URL.encode() + b"')</script>"
        b"<link rel=stylesheet href='"
        + LOOPBACK_URL.encode()
        + b"s.css'></head><body></body></html>"
    )


_RANDOM_EXTENSIONS = (
    "pdf", "docx", "doc", "odt", "rtf", "html", "htm", "rym.md", "md", "txt", "xml", "zip",
    "png", "jpg", "csv", "",
)  # fmt: skip

for _ext in _RANDOM_EXTENSIONS:
    _name = f"random_bytes.{_ext}" if _ext else "random_bytes"
    fault(_name, f"4 KB of random bytes named .{_ext or '(no extension)'}")(
        lambda n=_name: random_bytes(n)
    )

_MAGIC_PREFIXES = {
    "random_after_pdf_magic.pdf": b"%PDF-1.7\n",
    "random_after_zip_magic.docx": b"PK\x03\x04",
    "random_after_ole_magic.doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
    "random_after_rtf_magic.rtf": b"{\\rtf1\\ansi ",
    "random_after_html_magic.html": b"<html><body>",
    "random_after_utf8_bom.rym.md": b"\xef\xbb\xbf# ",
    "random_after_utf16_bom.rym.md": b"\xff\xfe",
}
for _name, _prefix in _MAGIC_PREFIXES.items():
    fault(_name, f"the signature {_prefix[:12]!r} then random bytes")(
        lambda n=_name, p=_prefix: p + random_bytes(n)
    )


def write_corpus(out: Path = FAULTS) -> list[Path]:
    """(Re)write the committed fault files into ``out``; return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, make in sorted(_COMMITTED.items()):
        path = out / name
        path.write_bytes(make())
        written.append(path)
    lines = ["file\tsize\twhat it is"]
    lines += [f"{p.name}\t{p.stat().st_size}\t{DESCRIPTIONS[p.name]}" for p in written]
    (out / MANIFEST).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return written


# -- the test-time corpus --------------------------------------------------------------------

RUNTIME_DESCRIPTIONS = {
    "pages_2000.pdf": "2,000 pages of a few words each",
    "zip_bomb.docx": "a 2 MB .docx whose word/document.xml inflates to 2 GiB",
    "zip_bomb_members.docx": "four media members of 1 GiB of zeros each",
    "zip_lying_sizes.docx": "a member whose declared size is 1 KB but inflates to 64 MB",
    "zip_many_members.docx": "a valid .docx with 12,000 extra empty members",
    "markdown_50mb.rym.md": "a 50 MB text export",
    "bad\nname\udcff\udcfe.rym.md": "a file name with a newline and non-UTF-8 bytes",
    "unreadable.rym.md": "a file without read permission (chmod 000)",
    "loop_self.md": "a symbolic link to itself",
    "loop_a.md": "two symbolic links pointing at each other (with loop_b.md)",
    "loop_b.md": "see loop_a.md",
    "loop_dir/again": "a symbolic link to its own folder",
    "dangling.pdf": "a symbolic link to a file that does not exist",
    "fifo.rym.md": "a named pipe (special only: blocks a reader that opens it)",
    "dev_zero.rym.md": "a symbolic link to /dev/zero (special only: never ends)",
}


def _deflate_repeated(head: bytes, chunk: bytes, times: int, tail: bytes) -> tuple[bytes, int, int]:
    """Raw deflate of head + chunk*times + tail without compressing the repeats one by one.

    After a full flush the compressor starts from an empty dictionary, so every repeat of
    ``chunk`` compresses to the same bytes: compress it once, repeat the output. Returns
    (deflate data, CRC-32, uncompressed size).
    """
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(head) + c.flush(zlib.Z_FULL_FLUSH)
    block = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    last = c.compress(tail) + c.flush(zlib.Z_FINISH)
    crc = zlib.crc32(head)
    for _ in range(times):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail, crc)
    return first + block * times + last, crc, len(head) + len(chunk) * times + len(tail)


def raw_zip(members: list[tuple[str, bytes, int, int, int]]) -> bytes:
    """A zip from already-deflated members: (name, deflate data, crc, declared size, method)."""
    out = io.BytesIO()
    central = []
    for name, data, crc, size, method in members:
        offset = out.tell()
        encoded = name.encode()
        zip64 = size >= 0xFFFFFFFF
        header_size = 0xFFFFFFFF if zip64 else size
        extra = struct.pack("<HHQQ", 1, 16, size, len(data)) if zip64 else b""
        compressed = 0xFFFFFFFF if zip64 else len(data)
        version = 45 if zip64 else 20
        out.write(
            struct.pack(
                "<IHHHHHIIIHH",
                0x04034B50,
                version,
                0,
                method,
                0,
                0x21,
                crc,
                compressed,
                header_size,
                len(encoded),
                len(extra),
            )  # fmt: skip
            + encoded
            + extra
            + data
        )
        central_extra = struct.pack("<HHQQQ", 1, 24, size, len(data), offset) if zip64 else b""
        central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                version,
                version,
                0,
                method,
                0,
                0x21,
                crc,
                compressed,
                header_size,
                len(encoded),
                len(central_extra),
                0,
                0,
                0,
                0o644 << 16,
                0xFFFFFFFF if zip64 else offset,
            )  # fmt: skip
            + encoded
            + central_extra
        )
    start = out.tell()
    directory = b"".join(central)
    out.write(directory)
    out.write(
        struct.pack(
            "<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), len(directory), start, 0
        )  # fmt: skip
    )
    return out.getvalue()


def _stored_member(name: str, data: bytes) -> tuple[str, bytes, int, int, int]:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed = c.compress(data) + c.flush()
    return name, packed, zlib.crc32(data), len(data), 8


def zip_bomb() -> bytes:
    """word/document.xml of 2 GiB: valid WordprocessingML, empty paragraphs over and over."""
    head = document_xml("").encode().split(b"</w:body>")[0]
    chunk = b"<w:p/>" * (1024 * 1024 // 6)
    data, crc, size = _deflate_repeated(head, chunk, 2048 + 10, b"</w:body></w:document>")
    return raw_zip(
        [
            _stored_member("[Content_Types].xml", CONTENT_TYPES.encode()),
            _stored_member("_rels/.rels", ROOT_RELS.encode()),
            ("word/document.xml", data, crc, size, 8),
        ]
    )


def zip_bomb_members() -> bytes:
    data, crc, size = _deflate_repeated(b"", b"\0" * (1024 * 1024), 1024, b"")
    members = [
        _stored_member("[Content_Types].xml", CONTENT_TYPES.encode()),
        _stored_member("_rels/.rels", ROOT_RELS.encode()),
        _stored_member("word/document.xml", document_xml(paragraphs_xml(["bilder"])).encode()),
    ]
    members += [(f"word/media/image{i}.bin", data, crc, size, 8) for i in range(1, 5)]
    return raw_zip(members)


def zip_lying_sizes() -> bytes:
    """document.xml declared as 1 KB; its data inflates to 64 MB."""
    head = document_xml("").encode().split(b"</w:body>")[0]
    data, crc, _ = _deflate_repeated(head, b"<w:p/>" * 10_000, 1100, b"</w:body></w:document>")
    return raw_zip(
        [
            _stored_member("[Content_Types].xml", CONTENT_TYPES.encode()),
            _stored_member("_rels/.rels", ROOT_RELS.encode()),
            ("word/document.xml", data, crc, 1024, 8),
        ]
    )


def zip_many_members() -> bytes:
    extra = [(f"customXml/item{i}.xml", b"") for i in range(12_000)]
    return build_docx(document_xml(paragraphs_xml(["många delar"])), extra=extra)


def pages_2000() -> bytes:
    pages = [text_stream([f"Sida {i}", "ord ord ord"]) for i in range(1, 2001)]
    return build_pdf(pages)


def markdown_50mb() -> bytes:
    """Looks like a text export (a heading first), so it reaches the text-export reader."""
    rng = random.Random(SEED + 8)
    block = ("\n\n".join(minutes_like_lines(rng, 200)) + "\n\n").encode()
    data = b"# Minnesanteckningar\n\n" + block * (50 * 1024 * 1024 // len(block) + 1)
    return data[: 50 * 1024 * 1024]


def write_runtime(out: Path, special: bool = False) -> list[Path]:
    """Write the test-time fault files into ``out``; return the paths of the entries made.

    ``special=True`` adds a named pipe and a link to /dev/zero, which hang any reader that
    opens them without checking for a regular file first.
    """
    out.mkdir(parents=True, exist_ok=True)
    made: list[Path] = []

    def write(name: str, data: bytes) -> None:
        path = out / name
        path.write_bytes(data)
        made.append(path)

    write("pages_2000.pdf", pages_2000())
    write("zip_bomb.docx", zip_bomb())
    write("zip_bomb_members.docx", zip_bomb_members())
    write("zip_lying_sizes.docx", zip_lying_sizes())
    write("zip_many_members.docx", zip_many_members())
    write("markdown_50mb.rym.md", markdown_50mb())
    odd = os.path.join(os.fsencode(out), b"bad\nname\xff\xfe.rym.md")
    with open(odd, "wb") as f:
        f.write(SAMPLE_TEXT.encode())
    made.append(Path(os.fsdecode(odd)))
    write("unreadable.rym.md", SAMPLE_TEXT.encode())
    (out / "unreadable.rym.md").chmod(0)
    links = {
        "loop_self.md": "loop_self.md",
        "loop_a.md": "loop_b.md",
        "loop_b.md": "loop_a.md",
        "dangling.pdf": "does_not_exist.pdf",
    }
    for name, target in links.items():
        (out / name).symlink_to(target)
        made.append(out / name)
    (out / "loop_dir").mkdir()
    (out / "loop_dir" / "again").symlink_to("..", target_is_directory=True)
    made.append(out / "loop_dir" / "again")
    if special:
        os.mkfifo(out / "fifo.rym.md")
        (out / "dev_zero.rym.md").symlink_to("/dev/zero")
        made += [out / "fifo.rym.md", out / "dev_zero.rym.md"]
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=FAULTS, help="folder for committed files")
    parser.add_argument("--runtime", type=Path, help="also write the test-time files here")
    parser.add_argument("--special", action="store_true", help="with --runtime: FIFO, /dev/zero")
    args = parser.parse_args()
    written = write_corpus(args.out)
    print(f"{len(written)} fault files -> {args.out}")
    if args.runtime:
        made = write_runtime(args.runtime, special=args.special)
        print(f"{len(made)} test-time fault files -> {args.runtime}")


if __name__ == "__main__":
    main()
