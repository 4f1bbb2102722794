"""PDF backend: born-digital PDFs through their text layer, scans and garbled layers through OCR.

Per page, in one pass with each page closed before the next (an open page keeps its objects):

1. the text layer's words come from PDFium (:mod:`pipeline.backends.pdf_text`), which is
   ~10× cheaper than pdfplumber's per-character objects;
2. the text is checked (:func:`pipeline.ocr.text_layer_problem`); a page with no text or a
   garbled layer is rendered at 300 dpi for Tesseract, and all such pages are OCRed in
   parallel after the pass;
3. only a page that draws rules goes through pdfplumber's table finder
   (:mod:`pipeline.backends.pdf_tables`), whose cell grid our words then fill.

The words of every page, from text or OCR, then go through one layout
(:mod:`pipeline.backends.pdf_layout`), and words OCR misread by a letter take the spelling
the document uses elsewhere (:mod:`pipeline.ocr_words`). Metadata says what was done, for
the documents row:

- ``ocr_pages``: pages read by OCR, "1,2,3"; ``ocr_reasons``: "1:no text;2:garbage text
  layer (12% Swedish words)";
- ``ocr_layer_pages``: pages whose text layer an OCR program made (kept, "§" repaired);
- ``ligatures_repaired``: ligature glyphs whose lost letters were restored;
- ``warnings``: "; "-separated problems that leave the document partial (e.g. pages that
  needed OCR when Tesseract is missing).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from pipeline import limits, ocr
from pipeline.backends import pdf_layout as layout
from pipeline.backends.pdf_layout import Line, PageWords, Word
from pipeline.backends.pdf_tables import find_tables
from pipeline.backends.pdf_text import FontWidths, read_text_layer
from pipeline.errors import DocumentError
from pipeline.model import Document
from pipeline.ocr_words import repair_ocr_words

FORMAT = "pdf"


@dataclass
class _Page:
    """One page while the document is read."""

    words: PageWords
    layer: list[Word]  # the text layer's words, kept to lend styles to OCR words
    ocr_reason: str | None = None
    ligatures: int = 0


def read(path: Path) -> Document:
    """Read a PDF into the document model; broken or encrypted files raise DocumentError."""
    pdf = _open(path)
    warnings: list[str] = []
    metadata: dict[str, str] = {}
    pages: list[_Page] = []
    with _ImageFolder() as images:
        queue: list[ocr.OcrPage] = []
        try:
            metadata.update(_pdf_metadata(pdf))
            widths = FontWidths()
            for index in range(len(pdf)):
                pages.append(_read_page(pdf, index, widths, images, queue))
        except pdfium.PdfiumError as exc:
            raise DocumentError(
                f"not a valid PDF: page {len(pages) + 1} cannot be read ({exc})"
            ) from None
        finally:
            pdf.close()
        _ocr(pages, queue, warnings)

    ligatures = sum(p.ligatures for p in pages)
    lines_per_page = [_page_lines(p) for p in pages]
    page_header: list[str] = []
    layout.strip_running_lines(
        [(p.words, lines) for p, lines in zip(pages, lines_per_page, strict=True)], page_header
    )
    if page_header:
        metadata["page_header"] = "\n".join(page_header)
    stats = layout.document_stats(lines_per_page)
    positioned = []
    for page, lines in zip(pages, lines_per_page, strict=True):
        positioned.extend(layout.page_blocks(page.words, lines, stats))
    blocks = layout.join_across_pages(positioned)
    blocks = layout.promote_numbered_headings(blocks, level=len(stats.heading_sizes) + 1)

    ocred = [p for p in pages if p.ocr_reason and p.words.ocr]
    if ocred:
        metadata["ocr_pages"] = ",".join(str(p.words.number) for p in ocred)
        metadata["ocr_reasons"] = ";".join(f"{p.words.number}:{p.ocr_reason}" for p in ocred)
    layer_pages = [p.words.number for p in pages if p.words.ocr and not p.ocr_reason]
    if layer_pages:
        metadata["ocr_layer_pages"] = ",".join(map(str, layer_pages))
    if ligatures:
        metadata["ligatures_repaired"] = str(ligatures)
    if not blocks and not warnings:
        warnings.append("no text found on any page")
    if warnings:
        metadata["warnings"] = "; ".join(warnings)
    document = Document(
        source_path=str(path), format=FORMAT, blocks=blocks, pages=len(pages), metadata=metadata
    )
    return repair_ocr_words(document)  # OCR's misread letters, from the document's own words


# -- opening ---------------------------------------------------------------------------------


def _open(path: Path) -> pdfium.PdfDocument:
    """Open with PDFium, turning every way a file can fail into a message that names it."""
    if not path.is_file():
        raise DocumentError(f"not a valid PDF: no such file: {path}")
    try:
        pdf = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code == pdfium_c.FPDF_ERR_PASSWORD:
            raise DocumentError("encrypted PDF: it cannot be opened without a password") from None
        if code == pdfium_c.FPDF_ERR_SECURITY:
            raise DocumentError("encrypted PDF: unsupported security handler") from None
        if path.stat().st_size == 0:
            raise DocumentError("not a valid PDF: the file is empty") from None
        raise DocumentError(f"not a valid PDF: the file is damaged or truncated ({exc})") from None
    except OSError as exc:
        raise DocumentError(f"cannot read file: {exc.strerror or exc}") from None
    if len(pdf) == 0:
        pdf.close()
        raise DocumentError("not a valid PDF: it has no pages")
    try:
        limits.check_pages(len(pdf))
    except limits.LimitExceeded:
        pdf.close()
        raise
    return pdf


def _pdf_metadata(pdf: pdfium.PdfDocument) -> dict[str, str]:
    try:
        info = pdf.get_metadata_dict(skip_empty=True)
    except (pdfium.PdfiumError, UnicodeDecodeError, ValueError):
        return {}
    found = {"title": info.get("Title"), "author": info.get("Author")}
    found["producer"] = info.get("Producer") or info.get("Creator")
    return {k: v.strip() for k, v in found.items() if v and v.strip()}


# -- pages -----------------------------------------------------------------------------------


class _ImageFolder:
    """A temporary folder for page images, made only when a page needs OCR (making and
    removing one costs a few milliseconds, as much as reading a short text PDF's page)."""

    def __init__(self) -> None:
        self._tmp: tempfile.TemporaryDirectory[str] | None = None

    def path(self) -> Path:
        if self._tmp is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="protokoll-ocr-")
        return Path(self._tmp.name)

    def __enter__(self) -> _ImageFolder:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()


def _read_page(
    pdf: pdfium.PdfDocument,
    index: int,
    widths: FontWidths,
    images: _ImageFolder,
    queue: list[ocr.OcrPage],
) -> _Page:
    page = pdf[index]
    try:
        text_page = page.get_textpage()
        try:
            limits.check_page_chars(text_page.count_chars(), index + 1)
            layer = read_text_layer(page, text_page, widths)
        finally:
            text_page.close()
        width, height = page.get_width(), page.get_height()
        words = PageWords(index + 1, width, height, layer.words, ocr=layer.ocr_layer)
        found = _Page(words, layer.words, ligatures=layer.ligatures)
        found.ocr_reason = ocr.text_layer_problem(layer.text) or layer.broken_map
        if found.ocr_reason is None:
            words.tables = find_tables(page)
        elif ocr.tesseract_problem() is None:
            image = images.path() / f"page-{index + 1:04d}.png"
            limits.check_page_pixels(width * ocr.DPI / 72, height * ocr.DPI / 72, index + 1)
            bitmap = page.render(scale=ocr.DPI / 72, grayscale=True)
            try:
                bitmap.to_pil().save(image, compress_level=1)
            finally:
                bitmap.close()
            queue.append(ocr.OcrPage(image, index + 1, width, height))
        return found
    finally:
        page.close()


def _ocr(pages: list[_Page], queue: list[ocr.OcrPage], warnings: list[str]) -> None:
    """OCR the queued pages; report the pages that needed OCR but could not have it."""
    needing = [p for p in pages if p.ocr_reason]
    if not needing:
        return
    if problem := ocr.tesseract_problem():
        numbers = ",".join(str(p.words.number) for p in needing)
        warnings.append(f"pages {numbers} need OCR but {problem}")
        return
    results = ocr.ocr_pages(queue)
    for item, result in zip(queue, results, strict=True):
        page = pages[item.page - 1]
        if isinstance(result, ocr.OcrError):
            warnings.append(f"page {item.page}: OCR failed: {result}")
            continue
        if page.layer:
            ocr.borrow_styles(result, page.layer)
        else:
            ocr.even_sizes(result)
        page.words.words = result
        page.words.ocr = True


def _page_lines(page: _Page) -> list[Line]:
    """The page's lines in reading order, numbered, without the words inside ruled tables."""
    words = page.words
    if words.ocr:
        ocr.repair_section_signs(words.words)
    lines = layout.reading_order(layout.group_lines(words.words), words.width)
    tables = words.tables
    out: list[Line] = []
    for number, line in enumerate(lines, start=1):
        line.index = number
        if not tables:
            out.append(line)
            continue
        # A word's centre lies within its line's height: only tables there can hold it.
        near = [t for t in tables if t.bbox[1] <= line.bottom and t.bbox[3] >= line.top]
        if not near:
            out.append(line)
            continue
        kept = []
        for w in line.words:
            table = next((t for t in near if layout.inside(w, t.bbox)), None)
            if table is None:
                kept.append(w)
            elif table.line is None:
                table.line = number
        if len(kept) == len(line.words):
            out.append(line)
        elif kept:
            out.append(Line(kept, number))
    return out
