"""OCR word repair: a word Tesseract misread by one letter takes the document's own spelling.

OCR misreads a letter here and there ("Välfärdshämnden konstaterades ..."), and the misread
word then no longer matches its other occurrences, a label or a name. The document itself
knows the right spelling: the same word, correctly read, stands on other pages. So a word
on an OCRed page that no Swedish word list knows is replaced by a word of the same length
that the document uses at least three times (and three times as often) when the two differ
in one letter only, that letter being one OCR confuses ("n"/"h", "e"/"c", "a"/"ä", ...), and
no other such word exists. The first letter is never changed, so names that differ there
("Karlsson", "Carlsson") stay apart, and text from a text layer is never touched: what the
author typed stays as typed.

Letters are replaced in place, so the blocks' emphasis spans keep their offsets.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from pipeline import ocr
from pipeline.model import Block, Cell, Document

_WORD = re.compile(r"[^\W\d_]{6,}")
MIN_COUNT = 3  # the document's spelling occurs at least this often ...
MIN_RATIO = 3  # ... and this many times as often as the misread one
# Letters Tesseract takes for one another in Swedish text (both directions).
_CONFUSED = {
    frozenset(pair)
    for pair in (
        "nh", "hb", "ce", "eo", "co", "il", "lt", "ij", "ft", "rn", "un", "uv", "vy", "mn",
        "aä", "aå", "äå", "oö", "äö", "ao", "ae", "gq",
    )
}  # fmt: skip


def ocr_pages(document: Document) -> set[int]:
    """The pages whose text came from OCR: read by Tesseract or an OCR program's layer."""
    pages: set[int] = set()
    for key in ("ocr_pages", "ocr_layer_pages"):
        pages |= {int(p) for p in document.metadata.get(key, "").split(",") if p.isdigit()}
    return pages


def repair_ocr_words(document: Document) -> Document:
    """``document`` with the misread words of its OCRed pages respelled (a new Document when
    anything changed)."""
    pages = ocr_pages(document)
    if not pages:
        return document
    counts: Counter[str] = Counter()
    for block in document.blocks:
        for text in _texts(block):
            counts.update(w.casefold() for w in _WORD.findall(text))
    frequent: dict[int, list[str]] = {}
    for word, n in counts.items():
        if n >= MIN_COUNT:
            frequent.setdefault(len(word), []).append(word)
    if not frequent:
        return document
    lexicon = ocr.swedish_words()
    known = ocr.known_words()  # the OCR check's own large word list
    fixes: dict[str, str | None] = {}

    def respell(m: re.Match[str]) -> str:
        word = m.group()
        key = word.casefold()
        if key not in fixes:
            fixes[key] = (
                None if key in lexicon or key in known else _spelling(key, counts, frequent)
            )
        right = fixes[key]
        if right is None:
            return word
        return "".join(r.upper() if w.isupper() else r for w, r in zip(word, right, strict=True))

    blocks = []
    changed = False
    for block in document.blocks:
        if block.prov.page not in pages:
            blocks.append(block)
            continue
        new = _respelled(block, respell)
        changed |= new is not block
        blocks.append(new)
    if not changed:
        return document
    return replace(document, blocks=blocks)


def _spelling(key: str, counts: Counter[str], frequent: dict[int, list[str]]) -> str | None:
    """The document's spelling of the misread ``key``, when exactly one fits."""
    found = None
    for word in frequent.get(len(key), ()):
        if counts[word] < MIN_RATIO * counts[key] or word == key or word[0] != key[0]:
            continue
        diffs = [(a, b) for a, b in zip(key, word, strict=True) if a != b]
        if len(diffs) == 1 and frozenset(diffs[0]) in _CONFUSED:
            if found is not None:
                return None  # two spellings fit: leave the word as read
            found = word
    return found


def _texts(block: Block) -> list[str]:
    return [c.text for row in block.rows for c in row] if block.rows else [block.text]


def _respelled(block: Block, respell) -> Block:
    if block.rows:
        rows = tuple(
            tuple(Cell(_WORD.sub(respell, c.text), c.spans) for c in row) for row in block.rows
        )
        if rows == block.rows:
            return block
        return replace(block, rows=rows, text=_WORD.sub(respell, block.text))
    text = _WORD.sub(respell, block.text)
    return block if text == block.text else replace(block, text=text)
