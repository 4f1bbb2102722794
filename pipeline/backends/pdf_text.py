"""Words from a PDF page's text layer, read with PDFium (pypdfium2) rather than pdfplumber.

pdfplumber builds a Python object per character (~35–40 µs each); PDFium already knows each
character's box, font and size, and its text page splits words and lines. So the page's text
comes out in one call, and per word we ask PDFium only for the boxes of its first and last
character and its text object; angle, font and size are asked once per text object (a run
of text drawn by one operator, ~40 a page against ~200 words): three C calls per word instead
of an object per character.

Three text-layer defects are dealt with here because only the glyph boxes reveal them:

- rotated text (e-signature stamps in the margin) is dropped;
- ligature glyphs whose character map gives only their first letter ("ti" read as "t":
  "Sammanträdestd") are found by their width, much wider than the font's plain "t" or "f",
  and the missing letters restored, choosing between "fi"/"fl" or "ft"/"ff" with the Swedish
  word list.
- a character map that swaps glyphs ("Välfärdsnärndens": the "m" glyph read as "r") is told
  by one letter drawn with glyphs of different widths (:mod:`pipeline.backends.pdf_glyphs`);
  the page is then OCRed.
"""

from __future__ import annotations

import ctypes
import functools
import math
import re
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from pipeline import ocr
from pipeline.backends.pdf_glyphs import mismatched_glyphs
from pipeline.backends.pdf_layout import Word

# A word; PDFium marks a hyphen it found at a line end as U+FFFE and runs on into the next
# line's word, so a word ends there.
_TOKEN = re.compile(r"[^\s\ufffe]+\ufffe?|\ufffe")
_BOLD_NAME = re.compile(r"bold|black|heavy|semibold|demi|extrab|ultrab|,b\b|-b\b", re.I)
_ITALIC_NAME = re.compile(r"italic|oblique|kursiv|,i\b|-i\b", re.I)
_FLAG_ITALIC = 1 << 6
_FLAG_FORCE_BOLD = 1 << 18
_OCR_FONT = b"GlyphLessFont"  # Tesseract's invisible text-layer font (ocrmypdf, hOCR)
_TF = re.compile("[tf]")

# Width of a ligature glyph relative to the font's plain first letter, and what it stands for.
_LIGATURES: dict[str, list[tuple[float, float, tuple[str, ...]]]] = {
    "t": [(1.35, 1.8, ("ti",)), (1.8, 2.3, ("tt", "ti")), (2.3, 3.0, ("tti",))],
    "f": [(1.35, 1.8, ("fi", "fl")), (1.8, 2.3, ("ft", "ff")), (2.3, 3.0, ("ffi", "ffl"))],
}


@dataclass
class TextLayer:
    """The words of one page's text layer and what was noticed while reading them."""

    words: list[Word]
    text: str
    ocr_layer: bool = False  # drawn by an OCR program: its text is OCR, not the author's
    ligatures: int = 0  # ligature glyphs whose missing letters were restored
    broken_map: str | None = None  # why the character map cannot be trusted (OCR the page)


@dataclass
class _Candidate:
    word: int
    offset: int
    letter: str
    font: bytes
    ratio: float  # glyph advance (PDFium's loose box) / font size


@dataclass
class FontWidths:
    """Plain glyph widths per font, gathered over the document so far (for short pages)."""

    ratios: dict[tuple[bytes, str], list[float]] = field(default_factory=dict)

    def plain(self, font: bytes, letter: str, page: list[float]) -> float | None:
        """The font's plain width for ``letter``; None while too few have been seen."""
        known = self.ratios.setdefault((font, letter), [])
        known.extend(page)
        sample = page if len(page) >= 8 else known
        return statistics.median(sample) if len(sample) >= 3 else None


def read_text_layer(
    page: pdfium.PdfPage, textpage: pdfium.PdfTextPage, widths: FontWidths
) -> TextLayer:
    """Words of ``page`` (its ``textpage``) with boxes in points from the top-left corner."""
    left, _, _, top = page.get_cropbox()
    return _read(textpage, left, top, widths)


def _read(
    textpage: pdfium.PdfTextPage, x_origin: float, height: float, widths: FontWidths
) -> TextLayer:
    tp = textpage.raw
    count = pdfium_c.FPDFText_CountChars(tp)
    if count <= 0:
        return TextLayer([], "")
    text = textpage.get_text_range()
    if len(text) != count:  # characters outside the BMP: index one by one
        text = "".join(chr(pdfium_c.FPDFText_GetUnicode(tp, i) or 0xFFFD) for i in range(count))
    lefts, tops, rights, bottoms = _char_boxes(tp, count)
    text_object = _text_object()
    styles: dict[tuple[bytes, int], tuple[bool, bool]] = {}
    # What every character of one text object shares (angle, font, size): asked once per
    # object, not per word. Generated characters have no object and are asked directly.
    objects: dict[int, _RunInfo] = {}
    words: list[Word] = []
    candidates: list[_Candidate] = []
    runs: list[tuple[int, str, bytes, float]] = []  # (first character, word, font, size)
    ocr_chars = 0
    for m in _TOKEN.finditer(text):
        i, j = m.span()
        j -= 1
        obj = text_object(tp, i)
        info = objects.get(obj) if obj else None
        if info is None:
            info = _run_info(tp, i, styles)
            if obj:
                objects[obj] = info
        if info.rotated:
            continue  # not horizontal: an e-signature stamp in the margin
        x0, x1, y_top, y_bottom = lefts[i], rights[i], tops[i], bottoms[i]
        if j != i:
            if lefts[j] < x0:
                x0 = lefts[j]
            if rights[j] > x1:
                x1 = rights[j]
            if tops[j] > y_top:
                y_top = tops[j]
            if bottoms[j] < y_bottom:
                y_bottom = bottoms[j]
        size = info.size
        box_height = y_top - y_bottom
        if not math.isfinite(x0 + x1 + box_height):  # a NaN or infinite text matrix
            continue  # no place on the page (found by scripts/fuzz_backends.py)
        if not 0.5 * box_height <= size <= 2.5 * box_height:
            size = box_height / 1.15  # a font size PDFium could not scale: trust the box
        word = m.group()
        if info.ocr:
            ocr_chars += j - i + 1  # OCR layers have no real glyphs: no glyph checks
        elif size > 0:
            if "t" in word or "f" in word:
                _ligature_candidates(
                    word, i, size, info.font, len(words), lefts, rights, candidates
                )
            runs.append((i, word, info.font, size))
        words.append(
            Word(
                word,
                x0 - x_origin,
                x1 - x_origin,
                height - y_top,
                height - y_bottom,
                size,
                info.bold,
                info.italic,
            )
        )
    repaired = _repair_ligatures(words, candidates, widths)
    return TextLayer(
        words,
        text,
        ocr_layer=ocr_chars > 0.5 * sum(len(w.text) for w in words),
        ligatures=repaired,
        broken_map=mismatched_glyphs(runs, lefts, rights),
    )


@dataclass(slots=True)
class _RunInfo:
    """What the characters of one text object share."""

    rotated: bool
    size: float
    font: bytes
    bold: bool
    italic: bool
    ocr: bool  # drawn in an OCR program's invisible font


def _run_info(
    tp: pdfium_c.FPDF_TEXTPAGE, index: int, styles: dict[tuple[bytes, int], tuple[bool, bool]]
) -> _RunInfo:
    angle = pdfium_c.FPDFText_GetCharAngle(tp, index)
    rotated = angle > 0 and abs(math.sin(angle)) > 0.2
    size = pdfium_c.FPDFText_GetFontSize(tp, index)
    name = ctypes.create_string_buffer(128)
    flags = ctypes.c_int()
    pdfium_c.FPDFText_GetFontInfo(tp, index, name, len(name), flags)
    font = name.value
    key = (font, flags.value)
    style = styles.get(key)
    if style is None:
        style = styles[key] = _font_style(font, flags.value, tp, index)
    return _RunInfo(rotated, size, font, style[0], style[1], font.endswith(_OCR_FONT))


def _ligature_candidates(
    word: str,
    start: int,
    size: float,
    font: bytes,
    number: int,
    lefts: list[float],
    rights: list[float],
    candidates: list[_Candidate],
) -> None:
    """The word's "t" and "f" glyphs that could be ligatures mapped to their first letter.
    The word's characters start at ``start`` in the page's ``lefts`` and ``rights``."""
    last = len(word) - 1
    for m in _TF.finditer(word):
        k = m.start()
        glyph_left, glyph_right = lefts[start + k], rights[start + k]
        overlap = 0.3 * (glyph_right - glyph_left)
        if k < last and lefts[start + k + 1] < glyph_right - overlap:
            continue  # the ligature maps to all its letters: nothing lost
        if k > 0 and rights[start + k - 1] > glyph_left + overlap:
            continue  # ... and this is its second letter
        candidates.append(_Candidate(number, k, m.group(), font, (glyph_right - glyph_left) / size))


def _char_boxes(
    tp: pdfium_c.FPDF_TEXTPAGE, count: int
) -> tuple[list[float], list[float], list[float], list[float]]:
    """(left, top, right, bottom) of every character's loose box, PDF points: one C call per
    character straight into an array (no Python object per call), read out as four lists."""
    rects = (pdfium_c.FS_RECTF * count)()
    base, step = ctypes.addressof(rects), ctypes.sizeof(pdfium_c.FS_RECTF)
    page = ctypes.cast(tp, ctypes.c_void_p).value
    loose_box = _loose_box()
    for k in range(count):
        loose_box(page, k, base + k * step)
    values = np.frombuffer(rects, dtype=np.float32).reshape(count, 4)  # FS_RECTF's order
    return (
        values[:, 0].tolist(),
        values[:, 1].tolist(),
        values[:, 2].tolist(),
        values[:, 3].tolist(),
    )


@functools.cache
def _loose_box() -> Callable[[int | None, int, int], int]:
    """FPDFText_GetLooseCharBox taking plain addresses (text page, rectangle) as ints."""
    prototype = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p)
    return prototype(ctypes.cast(pdfium_c.FPDFText_GetLooseCharBox, ctypes.c_void_p).value)


@functools.cache
def _text_object() -> Callable[[pdfium_c.FPDF_TEXTPAGE, int], int | None]:
    """FPDFText_GetTextObject returning the object's address (an int, hashable) instead of
    a ctypes pointer object."""
    prototype = ctypes.CFUNCTYPE(ctypes.c_void_p, pdfium_c.FPDF_TEXTPAGE, ctypes.c_int)
    return prototype(ctypes.cast(pdfium_c.FPDFText_GetTextObject, ctypes.c_void_p).value)


def _font_style(
    font: bytes, flags: int, tp: pdfium_c.FPDF_TEXTPAGE, index: int
) -> tuple[bool, bool]:
    """(bold, italic) from the font's name ("Arial-BoldMT", "Calibri-Italic"), weight, flags."""
    name = font.decode("latin-1").split("+")[-1]
    bold = bool(_BOLD_NAME.search(name)) or bool(flags & _FLAG_FORCE_BOLD)
    if not bold:
        bold = pdfium_c.FPDFText_GetFontWeight(tp, index) >= 600
    italic = bool(_ITALIC_NAME.search(name)) or bool(flags & _FLAG_ITALIC)
    return bold, italic


def _repair_ligatures(words: list[Word], candidates: list[_Candidate], widths: FontWidths) -> int:
    """Restore the letters of ligature glyphs mapped to their first letter only."""
    by_font: dict[tuple[bytes, str], list[float]] = {}
    for c in candidates:
        by_font.setdefault((c.font, c.letter), []).append(c.ratio)
    plain = {}
    for key, ratios in by_font.items():
        narrow = 1.5 * min(ratios)
        plain[key] = widths.plain(key[0], key[1], [r for r in ratios if r < narrow])
    fixes: dict[int, list[tuple[int, tuple[str, ...]]]] = {}
    for c in candidates:
        normal = plain[(c.font, c.letter)]
        if normal is None:
            continue
        relative = c.ratio / normal
        for low, high, letters in _LIGATURES[c.letter]:
            if low <= relative < high:
                fixes.setdefault(c.word, []).append((c.offset, letters))
    for index, fix in fixes.items():
        words[index].text = _restore(words[index].text, fix)
    return sum(len(f) for f in fixes.values())


def _restore(word: str, fixes: list[tuple[int, tuple[str, ...]]]) -> str:
    """Put each ligature's letters back, preferring a reading that is a Swedish word."""
    lexicon = ocr.swedish_words()
    for offset, letters in sorted(fixes, reverse=True):
        options = [word[:offset] + lig + word[offset + 1 :] for lig in letters]
        word = next((o for o in options if ocr.core(o) in lexicon), options[0])
    return word
