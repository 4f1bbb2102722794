"""Words from a PDF page's text layer, read with PDFium (pypdfium2) rather than pdfplumber.

pdfplumber builds a Python object per character (~35–40 µs each); PDFium already knows each
character's box, font and size, and its text page splits words and lines. So the page's text
comes out in one call, and per word we ask PDFium only for the boxes of its first and last
character and its font: a few C calls per word instead of an object per character.

Two text-layer defects are dealt with here because only the glyph boxes reveal them:

- rotated text (e-signature stamps in the margin) is dropped;
- ligature glyphs whose character map gives only their first letter ("ti" read as "t":
  "Sammanträdestd") are found by their width, much wider than the font's plain "t" or "f",
  and the missing letters restored, choosing between "fi"/"fl" or "ft"/"ff" with the Swedish
  word list.
"""

from __future__ import annotations

import ctypes
import math
import re
import statistics
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from pipeline import ocr
from pipeline.backends.pdf_layout import Word

# A word; PDFium marks a hyphen it found at a line end as U+FFFE and runs on into the next
# line's word, so a word ends there.
_TOKEN = re.compile(r"[^\s\ufffe]+\ufffe?|\ufffe")
_BOLD_NAME = re.compile(r"bold|black|heavy|semibold|demi|extrab|ultrab|,b\b|-b\b", re.I)
_ITALIC_NAME = re.compile(r"italic|oblique|kursiv|,i\b|-i\b", re.I)
_FLAG_ITALIC = 1 << 6
_FLAG_FORCE_BOLD = 1 << 18
_OCR_FONTS = ("GlyphLessFont",)  # Tesseract's invisible text-layer font (ocrmypdf, hOCR)

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
    rotated: int = 0  # words dropped because they are not horizontal


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


def read_text_layer(page: pdfium.PdfPage, widths: FontWidths) -> TextLayer:
    """Words of ``page`` with boxes in points from the top-left corner; closes its text page."""
    left, _, _, top = page.get_cropbox()
    textpage = page.get_textpage()
    try:
        return _read(textpage, left, top, widths)
    finally:
        textpage.close()


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
    rect = pdfium_c.FS_RECTF()
    flags = ctypes.c_int()
    name = ctypes.create_string_buffer(128)
    styles: dict[tuple[bytes, int], tuple[bool, bool]] = {}
    words: list[Word] = []
    fonts: list[bytes] = []
    candidates: list[_Candidate] = []
    ocr_chars = rotated = 0
    for m in _TOKEN.finditer(text):
        i, j = m.start(), m.end() - 1
        angle = pdfium_c.FPDFText_GetCharAngle(tp, i)
        if angle > 0 and abs(math.sin(angle)) > 0.2:
            rotated += 1
            continue
        pdfium_c.FPDFText_GetLooseCharBox(tp, i, rect)
        x0, x1, y_top, y_bottom = rect.left, rect.right, rect.top, rect.bottom
        if j != i:
            pdfium_c.FPDFText_GetLooseCharBox(tp, j, rect)
            x0, x1 = min(x0, rect.left), max(x1, rect.right)
            y_top, y_bottom = max(y_top, rect.top), min(y_bottom, rect.bottom)
        size = pdfium_c.FPDFText_GetFontSize(tp, i)
        box_height = y_top - y_bottom
        if not 0.5 * box_height <= size <= 2.5 * box_height:
            size = box_height / 1.15  # a font size PDFium could not scale: trust the box
        pdfium_c.FPDFText_GetFontInfo(tp, i, name, len(name), flags)
        font = name.value
        key = (font, flags.value)
        style = styles.get(key)
        if style is None:
            style = styles[key] = _font_style(font, flags.value, tp, i)
        word = m.group()
        is_ocr = font.endswith(_OCR_FONTS[0].encode())
        if is_ocr:
            ocr_chars += j - i + 1
        for k, ch in enumerate(word):
            if ch in "tf" and size > 0 and not is_ocr:  # OCR layers have no real glyphs
                pdfium_c.FPDFText_GetLooseCharBox(tp, i + k, rect)
                glyph_left, glyph_right = rect.left, rect.right
                overlap = 0.3 * (glyph_right - glyph_left)
                if k + 1 < len(word):
                    pdfium_c.FPDFText_GetLooseCharBox(tp, i + k + 1, rect)
                    if rect.left < glyph_right - overlap:
                        continue  # the ligature maps to all its letters: nothing lost
                if k > 0:
                    pdfium_c.FPDFText_GetLooseCharBox(tp, i + k - 1, rect)
                    if rect.right > glyph_left + overlap:
                        continue  # ... and this is its second letter
                ratio = (glyph_right - glyph_left) / size
                candidates.append(_Candidate(len(words), k, ch, font, ratio))
        fonts.append(font)
        words.append(
            Word(
                word,
                x0 - x_origin,
                x1 - x_origin,
                height - y_top,
                height - y_bottom,
                size,
                style[0],
                style[1],
            )
        )
    repaired = _repair_ligatures(words, candidates, widths)
    return TextLayer(
        words,
        text,
        ocr_layer=ocr_chars > 0.5 * sum(len(w.text) for w in words),
        ligatures=repaired,
        rotated=rotated,
    )


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
    plain = {
        key: widths.plain(key[0], key[1], [r for r in ratios if r < 1.5 * min(ratios)])
        for key, ratios in by_font.items()
    }
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
