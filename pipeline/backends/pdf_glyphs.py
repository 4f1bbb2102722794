"""A text layer's broken character map, told by glyph widths.

Some PDF writers give a subset font a character map that swaps glyphs: "." comes out as
"E", "E" as "-", the "m" glyph as "r" ("Välfärdsnärndens beslut"). The words still look
nearly right, so the word-list checks of :mod:`pipeline.ocr` let such a page through, but
the glyph boxes give it away: one letter of one font drawn by glyphs of different widths.
Such a page is OCRed instead (:mod:`pipeline.backends.pdf`).
"""

from __future__ import annotations

# One letter drawn by glyphs whose advances differ by more than this factor within one font:
# the character map gives two glyphs the same letter ("Välfärdsnärndens": the "m" glyph
# mapped to "r"). Same glyph, same advance: readable fonts stay within a few per cent.
_OTHER_GLYPH = 1.3


def mismatched_glyphs(
    runs: list[tuple[int, str, bytes, float]], lefts: list[float], rights: list[float]
) -> str | None:
    """Why the page's character map is broken, when one letter of one font is drawn by
    glyphs of clearly different widths; None otherwise.

    A broken map that swaps glyphs ("." read as "E", "E" as "-", "m" as "r") leaves words
    that look nearly right, which the word-list checks of :mod:`pipeline.ocr` let through.
    Ligatures are left out: "t" and "f" stand for wider glyphs anyway, and letters sharing
    one glyph's box ("ti" mapped to both letters) are skipped.

    ``runs``: per word its first character's index, text, font and size; ``lefts`` and
    ``rights``: every character's glyph box, as :mod:`pipeline.backends.pdf_text` read them.
    """
    seen: dict[tuple[bytes, str], list[float]] = {}  # (font, letter) -> [low, high]
    for start, word, font, size in runs:
        last = start + len(word) - 1
        for c, ch in enumerate(word, start):
            if ch in "tf" or not ch.isalpha():
                continue
            left, right = lefts[c], rights[c]
            overlap = 0.3 * (right - left)
            if (c > start and rights[c - 1] > left + overlap) or (
                c < last and lefts[c + 1] < right - overlap
            ):
                continue  # a ligature's letters share its box
            ratio = (right - left) / size
            if ratio < 0.05:
                continue
            span = seen.get((font, ch))
            if span is None:
                seen[(font, ch)] = [ratio, ratio]
            elif ratio < span[0]:
                span[0] = ratio
            elif ratio > span[1]:
                span[1] = ratio
    for (font, ch), (low, high) in seen.items():
        if high > _OTHER_GLYPH * low:
            name = font.decode("latin-1").split("+")[-1]
            return f"broken character map ('{ch}' drawn by two glyphs in {name})"
    return None
