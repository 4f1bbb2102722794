"""Page layout for PDF pages: positioned words into lines, lines into blocks.

The words come from the PDF's text layer (:mod:`pipeline.backends.pdf_text`) or from OCR
(:mod:`pipeline.ocr`); this module never knows which, so scanned pages get headings,
paragraphs and tables from the same rules. Coordinates are PDF points with the origin at the
top left of the page, like pdfplumber's.

The steps, in the order the PDF backend (:func:`pipeline.backends.pdf.read`) runs them:

1. words into lines (same baseline), two-column bands split into reading order;
2. running page headers and footers removed where they repeat (digits masked);
3. lines into blocks: unruled label/value layouts as tables, ruled tables (found by
   pdfplumber and filled with our words) in place, headings from size, weight and numbering,
   list items from their markers, paragraphs joined across lines and hyphenation undone;
4. paragraphs running across a page break joined.
"""

from __future__ import annotations

import difflib
import re
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from operator import attrgetter

from pipeline.model import (
    Block,
    BlockKind,
    Cell,
    Provenance,
    Span,
    Style,
    join_styled,
    table_text,
)

# -- the object model ------------------------------------------------------------------------


@dataclass(slots=True)
class Word:
    """A word on a page: its text, box (points, top-left origin), font size and emphasis.

    Emphasis is None when it cannot be known (OCR of a scan).
    """

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool | None = False
    italic: bool | None = False


class Line:
    """Words on one baseline, left to right. ``index`` is the 1-based line number on its page."""

    __slots__ = (
        "words", "x0", "x1", "top", "bottom", "size", "bold", "italic", "index", "margin",
        "_text",
    )  # fmt: skip

    def __init__(self, words: list[Word], index: int = 0) -> None:
        # One pass over the words (a line is made for every text line and table cell):
        # the box, the size carrying most characters (rounded to half points), and bold/italic
        # when every word with letters is and at least one word is.
        first = words[0]
        x0, x1, top, bottom = first.x0, first.x1, first.top, first.bottom
        weights: dict[float, int] = {}
        bold_all = italic_all = True
        bold_any = italic_any = False
        for w in words:
            if w.x0 < x0:
                x0 = w.x0
            if w.x1 > x1:
                x1 = w.x1
            if w.top < top:
                top = w.top
            if w.bottom > bottom:
                bottom = w.bottom
            key = round(w.size * 2) / 2
            weights[key] = weights.get(key, 0) + len(w.text)
            if w.bold:
                bold_any = True
            if w.italic:
                italic_any = True
            if (bold_all or italic_all) and not (w.bold and w.italic) and _has_letters(w.text):
                bold_all = bold_all and bool(w.bold)
                italic_all = italic_all and bool(w.italic)
        size, most = 0.0, -1
        for key, weight in weights.items():  # the first of equals, as Counter.most_common
            if weight > most:
                size, most = key, weight
        self.words = words
        self.x0, self.x1, self.top, self.bottom = x0, x1, top, bottom
        self.size = size
        self.bold = bold_all and bold_any
        self.italic = italic_all and italic_any
        self.index = index
        self.margin = x1  # the right edge text reaches in this line's column
        self._text: str | None = None

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = " ".join(w.text for w in self.words)
        return self._text

    def segments(self) -> list[list[Word]]:
        """The line cut at wide horizontal gaps: label and value, or table columns."""
        out: list[list[Word]] = [[self.words[0]]]
        gap = _column_gap(self.size)
        for prev, word in zip(self.words, self.words[1:], strict=False):
            if word.x0 - prev.x1 > gap:
                out.append([word])
            else:
                out[-1].append(word)
        return out

    def __repr__(self) -> str:
        return f"Line({self.index}, {self.text!r}, x0={self.x0:.0f}, top={self.top:.0f})"


@dataclass
class RuledTable:
    """A table whose cells the PDF draws: pdfplumber finds the grid, our words fill it.

    ``rows`` holds each cell's box (x0, top, x1, bottom), None for a cell merged away.
    """

    bbox: tuple[float, float, float, float]
    rows: list[list[tuple[float, float, float, float] | None]]
    line: int | None = None  # index of the first page line inside the table


@dataclass
class PageWords:
    """What a backend knows of one page before layout."""

    number: int
    width: float
    height: float
    words: list[Word]
    tables: list[RuledTable] = field(default_factory=list)
    ocr: bool = False  # words from OCR (ours or an OCR text layer): repair "§" misreadings


def _has_letters(text: str) -> bool:
    return text.isalpha() or any(ch.isalpha() for ch in text)


def _column_gap(size: float) -> float:
    """A horizontal gap this wide separates columns, not words (justified text stays below)."""
    return max(1.4 * size, 10.0)


# -- words into lines ------------------------------------------------------------------------


def group_lines(words: Iterable[Word]) -> list[Line]:
    """Cluster words sharing a baseline into lines, top to bottom, each left to right."""
    ordered = sorted(words, key=lambda w: ((w.top + w.bottom) / 2, w.x0))
    groups: list[list[Word]] = []
    group: list[Word] = []
    centre = top = bottom = 0.0
    for word in ordered:
        w_top, w_bottom = word.top, word.bottom
        height = w_bottom - w_top
        if height < 1.0:
            height = 1.0
        if group and abs((w_top + w_bottom) / 2 - centre) <= 0.45 * min(
            height, bottom - top or height
        ):
            group.append(word)
            if w_top < top:
                top = w_top
            if w_bottom > bottom:
                bottom = w_bottom
            continue
        group = [word]
        groups.append(group)
        centre, top, bottom = (w_top + w_bottom) / 2, w_top, w_bottom
    return [Line(_merge_overlaps(sorted(g, key=_X0))) for g in groups]


_X0 = attrgetter("x0")


def _merge_overlaps(words: list[Word]) -> list[Word]:
    """Drop words drawn twice at the same place (fake bold, shadow text)."""
    kept: list[Word] = []
    for w in words:
        if kept and w.text == kept[-1].text and abs(w.x0 - kept[-1].x0) < 0.5 * w.size:
            continue
        kept.append(w)
    return kept


def reading_order(lines: list[Line], page_width: float) -> list[Line]:
    """Lines in reading order: a two-column band is read left column first, then right."""
    margin = _text_margin(lines)
    for line in lines:
        line.margin = margin
    gutter = _find_gutter(lines, page_width)
    if gutter is None:
        return lines
    out: list[Line] = []
    band: list[Line] = []

    def flush() -> None:
        if band:
            out.extend(_read_band(band, gutter))
            band.clear()

    for line in lines:
        if _fits_gutter(line, gutter):
            band.append(line)
        else:
            flush()
            out.append(line)
    flush()
    return out


def _text_margin(lines: list[Line]) -> float:
    """The right edge of running text: the longest line that is neither a table row (wide
    gaps) nor a stray word ("1(2)" in a corner)."""
    running = [ln.x1 for ln in lines if len(ln.words) >= 3 and len(ln.segments()) == 1]
    return max(running or [ln.x1 for ln in lines] or [0.0])


def _gaps(line: Line) -> list[tuple[float, float]]:
    return [
        (a.x1, b.x0)
        for a, b in zip(line.words, line.words[1:], strict=False)
        if b.x0 - a.x1 > 1.2 * line.size
    ]


def _fits_gutter(line: Line, x: float) -> bool:
    """The line does not cross the gutter at ``x``: it lies on one side or has a gap there."""
    if line.x1 <= x or line.x0 >= x:
        return True
    return any(g0 <= x <= g1 for g0, g1 in _gaps(line))


def _find_gutter(lines: list[Line], page_width: float) -> float | None:
    """The x of a gutter between two columns of running text, or None.

    A gutter is a gap in many lines at one x near the middle of the page. Label/value
    layouts and attendee grids have such gaps too; they are told apart because their left
    parts are short, while a text column's lines run up to the gutter.
    """
    intervals = [
        gap
        for line in lines
        for gap in _gaps(line)
        if 0.25 * page_width <= (gap[0] + gap[1]) / 2 <= 0.75 * page_width
    ]
    if len(intervals) < 5:
        return None
    candidates = [(g0 + g1) / 2 for g0, g1 in intervals]
    x = max(candidates, key=lambda c: sum(g0 <= c <= g1 for g0, g1 in intervals))
    # Widen to the centre of the gap the most lines share.
    shared = [g for g in intervals if g[0] <= x <= g[1]]
    x = (max(g[0] for g in shared) + min(g[1] for g in shared)) / 2
    band = [line for line in lines if _fits_gutter(line, x)]
    left = [_part(line, x, left=True) for line in band]
    right = [_part(line, x, left=False) for line in band]
    left = [p for p in left if p]
    right = [p for p in right if p]
    if len(left) < 4 or len(right) < 4:
        return None
    if statistics.mean(len(p) for p in left) < 3 or statistics.mean(len(p) for p in right) < 3:
        return None
    left_x0 = min(p[0].x0 for p in left)
    reach = max(p[-1].x1 for p in left)
    full = sum(p[-1].x1 >= reach - 0.25 * (reach - left_x0) for p in left)
    return x if full >= 0.6 * len(left) else None


def _part(line: Line, x: float, *, left: bool) -> list[Word]:
    return [w for w in line.words if (w.x1 <= x) == left]


def _read_band(band: list[Line], x: float) -> list[Line]:
    left = [Line(p, line.index) for line in band if (p := _part(line, x, left=True))]
    right = [Line(p, line.index) for line in band if (p := _part(line, x, left=False))]
    if not left or not right:
        return band
    left_margin = max(ln.x1 for ln in left)
    for line in left:
        line.margin = left_margin
    for line in right:
        line.margin = band[0].margin
    return left + right


# -- running headers and footers -------------------------------------------------------------

_DIGITS = re.compile(r"\d+")
_ZONE_LINES = 4  # how many lines at the top and at the bottom of a page may be running lines
_ZONE_SHARE = 0.2  # ... and within this share of the page height


def _running_key(line: Line) -> str:
    key = re.sub(r"\s+", " ", _DIGITS.sub("#", line.text)).strip().casefold()
    # OCR reads a letterhead's logo as a different one or two junk characters on every page
    # ("SD NYKARLEBY", "& j UUSIKAARLEPYY"): the line's longer words are what recurs.
    return " ".join(w for w in key.split(" ") if len(w) > 2) or key


def _zones(lines: list[Line], height: float) -> tuple[list[Line], list[Line]]:
    by_y = sorted(lines, key=lambda ln: ln.top)
    top = [ln for ln in by_y[:_ZONE_LINES] if ln.bottom <= height * _ZONE_SHARE]
    bottom = [ln for ln in by_y[-_ZONE_LINES:] if ln.top >= height * (1 - _ZONE_SHARE)]
    return top, bottom


def strip_running_lines(
    pages: list[tuple[PageWords, list[Line]]], first_header: list[str] | None = None
) -> int:
    """Remove page headers and footers: lines recurring at the top or bottom of most pages.

    Lines are compared with digits masked, so "Sida 3 (9)" and "Sida 4 (9)" are one line,
    and loosely (90 % alike), so an OCRed page's "Välfärdshämnden" still matches the text
    pages' "Välfärdsnämnden"; a line that is nothing but a page number ("1(14 )", "- 3 -")
    goes too. Returns how many lines were removed; works in place on the line lists. The
    first page's removed header lines are appended to ``first_header``: they often carry the
    organisation and the meeting date, which the caller keeps as metadata.
    """
    if len(pages) < 2:
        return 0
    zones = [_zones(lines, page.height) for page, lines in pages]
    need = max(2, (len(pages) + 1) // 2)
    removed = 0
    for side in (0, 1):
        keys = [[_running_key(ln) for ln in zone[side]] for zone in zones]
        recurring = _Recurring(keys, need)
        for p, (_, lines) in enumerate(pages):
            drop = set()
            for ln, key in zip(zones[p][side], keys[p], strict=True):
                if _is_page_number(ln.text) or (key and recurring(key)):
                    drop.add(id(ln))
            if drop:
                if p == 0 and side == 0 and first_header is not None:
                    first_header += [ln.text for ln in zones[p][side] if id(ln) in drop]
                lines[:] = [ln for ln in lines if id(ln) not in drop]
                removed += len(drop)
    return removed


class _Recurring:
    """Whether a zone line's key is on at least ``need`` pages, itself or a key 90 % alike
    (difflib's quick ratio and ratio; lengths within a fifth).

    Each distinct key is judged once and stops being counted as soon as the answer is
    known; a pair of keys is compared once, by its letters before difflib aligns it.
    Comparing every line with every page's lines made long documents quadratic (100 pages:
    ~6 ms a page, more than the rest of the layout)."""

    def __init__(self, keys: list[list[str]], need: int) -> None:
        self.keys = keys
        self.sets = [set(k) for k in keys]
        self.need = need
        self.exact = Counter(k for page in self.sets for k in page)
        self.known: dict[str, bool] = {}
        self.pairs: dict[tuple[str, str], bool] = {}
        self.letters: dict[str, Counter[str]] = {}

    def __call__(self, key: str) -> bool:
        found = self.known.get(key)
        if found is None:
            found = self.known[key] = self._count(key)
        return found

    def _count(self, key: str) -> bool:
        need = self.need
        if self.exact[key] >= need:
            return True
        found = 0
        left = len(self.keys)
        size, tolerance = len(key), max(4, len(key) // 5)
        for page, keys in zip(self.sets, self.keys, strict=True):
            left -= 1
            if key in page or any(
                abs(len(other) - size) <= tolerance and self._alike(key, other) for other in keys
            ):
                found += 1
                if found >= need:
                    return True
            elif found + left < need:
                return False
        return False

    def _alike(self, key: str, other: str) -> bool:
        pair = (key, other)
        alike = self.pairs.get(pair)
        if alike is None:
            alike = self.pairs[pair] = self._quick(key, other) and _similar(key, other)
        return alike

    def _quick(self, key: str, other: str) -> bool:
        """difflib's quick_ratio() >= 0.9 (shared letters as multisets), without a matcher."""
        a, b = self.letters.get(key), self.letters.get(other)
        if a is None:
            a = self.letters[key] = Counter(key)
        if b is None:
            b = self.letters[other] = Counter(other)
        length = len(key) + len(other)
        matches = sum((a & b).values())
        return (2.0 * matches / length if length else 1.0) >= 0.9


def _similar(key: str, other: str) -> bool:
    return difflib.SequenceMatcher(None, key, other, autojunk=False).ratio() >= 0.9


_PAGE_NUMBER = re.compile(
    r"^(?:(?:sida|sid|s\.|page)\s*)?[-–(]?\s*\d{1,4}\s*(?:[(/]\s*\d{1,4}\s*\)?|av\s+\d{1,4})?"
    r"\s*[-–)]?$",
    re.IGNORECASE,
)


def _is_page_number(text: str) -> bool:
    return bool(_PAGE_NUMBER.match(text.strip()))


# -- lines into blocks -----------------------------------------------------------------------

_SENTENCE_END = re.compile(r"[.!?:;…\"”»)]$")
_RULE_LINE = re.compile(r"^[\s_\-–—=.*·]{3,}$")
_BULLET = re.compile(r"^([•●▪■◦○□‣⁃►✓➢–\-*](?=\s)|[\ue000-\uf8ff])\s*(?=\S)")
_ENUMERATOR = re.compile(r"^(\(?\d{1,3}[.)]|\(?[a-zA-Z][.)]|\(?[ivx]{1,4}\))\s+(?=\S)")
_NUMERIC_ENUMERATOR = re.compile(r"^\d{1,3}[.)]$")
_SECTION = re.compile(r"^(?:§\s*\d{1,3}|\d{1,3}\s*§)(?=\W|$)")
_LEADER = re.compile(r"\.{4,}|…{2,}|(?:\. ){4,}")
_REAL_HYPHEN_END = re.compile(r"[^\W\d_]-$")
_HYPHEN_END = re.compile(r"(?<=[^\W\d_])\s?[-\u00ad\u2010\ufffe\x02]$")


@dataclass
class _Para:
    """Lines being gathered into one block."""

    lines: list[Line]
    kind: BlockKind = BlockKind.PARAGRAPH
    marker: str | None = None  # the list marker or enumerator that starts the first line


@dataclass
class _Table:
    """Rows of unruled table lines: each row a list of cells, each cell a list of words."""

    columns: list[float]
    rows: list[list[list[Word]]]
    last: Line
    first_line: int


@dataclass
class LayoutStats:
    """Document-wide facts the block rules compare against."""

    body_size: float
    heading_sizes: list[float]


def document_stats(pages: Iterable[list[Line]]) -> LayoutStats:
    """The body font size (most characters) and the larger sizes used for short lines."""
    weights: Counter[float] = Counter()
    short: set[float] = set()
    for lines in pages:
        for line in lines:
            weights[line.size] += len(line.text)
            if len(line.text) <= 120:
                short.add(line.size)
    body = weights.most_common(1)[0][0] if weights else 10.0
    return LayoutStats(body, sorted((s for s in short if s >= body + 1.5), reverse=True))


def page_blocks(
    page: PageWords, lines: list[Line], stats: LayoutStats
) -> list[tuple[Block, float]]:
    """Blocks of one page in reading order, each with the x0 of its first line."""
    merged: list[Line | RuledTable] = []
    tables = sorted(page.tables, key=lambda t: t.bbox[1])
    for line in lines:
        while tables and tables[0].bbox[1] <= line.top:
            merged.append(tables.pop(0))
        merged.append(line)
    merged.extend(tables)

    builder = _BlockBuilder(page, stats)
    for item in merged:
        if isinstance(item, RuledTable):
            builder.ruled_table(item)
        else:
            builder.line(item)
    builder.flush()
    return builder.blocks


class _BlockBuilder:
    """Walks a page's lines, gathering paragraphs, list items, headings and gap tables."""

    def __init__(self, page: PageWords, stats: LayoutStats) -> None:
        self.page = page
        self.stats = stats
        self.blocks: list[tuple[Block, float]] = []
        self.para: _Para | None = None
        self.table: _Table | None = None
        self.pending: list[Line] = []  # single-segment lines that may continue a table row

    # lines ----------------------------------------------------------------------------------

    def line(self, line: Line) -> None:
        if _RULE_LINE.match(line.text):
            self.flush()
            return
        segments = line.segments()
        if self.table is not None and self._extends_table(line, segments):
            return
        if self.table is not None:
            self._close_table()
        if len(segments) >= 2 and self._starts_table(line, segments):
            self._flush_para()
            first = segments[0][0].x0
            self.table = _Table(
                [first] + [s[0].x0 for s in segments[1:]],
                [[list(s) for s in segments]],
                line,
                line.index,
            )
            return
        self._text_line(line)

    def _starts_table(self, line: Line, segments: list[list[Word]]) -> bool:
        """A line with wide gaps starts a table unless it is a heading or a sentence."""
        if _SECTION.match(line.text):
            return False
        first = " ".join(w.text for w in segments[0])
        if _NUMERIC_ENUMERATOR.match(first) or _BULLET.match(first + " x"):
            return False  # a list item whose text starts at a tab stop
        return len(segments[0]) <= 6

    def _extends_table(self, line: Line, segments: list[list[Word]]) -> bool:
        table = self.table
        assert table is not None
        tol = 1.5 * line.size
        pitch_ok = line.top - table.last.bottom <= 1.0 * line.size
        near = line.top - table.last.bottom <= 3.0 * line.size
        cols = table.columns
        segments = _split_at_columns(line, segments, cols, tol)
        first_x = segments[0][0].x0
        if len(segments) >= 2 and near and abs(first_x - cols[0]) <= tol:
            starts = [s[0].x0 for s in segments[1:]]
            if any(abs(x - c) <= tol for x in starts for c in cols[1:]):
                self._settle_pending()
                placed = [(self._column(seg[0].x0, tol), seg) for seg in segments]
                row: list[list[Word]] = [[] for _ in cols]
                for col, seg in placed:
                    row[col].extend(seg)
                table.rows.append(row)
                table.last = line
                return True
            return False
        if len(segments) == 1 and pitch_ok:
            col = self._column(first_x, tol)
            if col > 0 and abs(first_x - cols[col]) <= tol:
                self._settle_pending()
                table.rows[-1][col].extend(line.words)
                table.last = line
                return True
            label = " ".join(w.text for w in table.rows[-1][0])
            if (
                col == 0
                and abs(first_x - cols[0]) <= tol
                and not self.pending
                and label
                and not label.endswith(":")
            ):
                # A wrapped label ("Datum och" / "tid:") if a table row follows.
                self.pending.append(line)
                table.last = line
                return True
        return False

    def _column(self, x: float, tol: float) -> int:
        assert self.table is not None
        cols = self.table.columns
        for i, c in enumerate(cols):
            if abs(x - c) <= tol:
                return i
        if x > cols[-1] + tol:
            cols.append(x)
            for row in self.table.rows:
                row.append([])
            return len(cols) - 1
        return max(i for i, c in enumerate(cols) if c <= x + tol) if x >= cols[0] else 0

    def _settle_pending(self) -> None:
        if self.pending and self.table is not None:
            for line in self.pending:
                self.table.rows[-1][0].extend(line.words)
            self.pending.clear()

    def _close_table(self) -> None:
        table = self.table
        self.table = None
        if table is None:
            return
        pending, self.pending = self.pending, []
        if len(table.rows) == 1 and not _label_like(table.rows[0][0]):
            # One line with a wide gap but no label: keep it as text.
            words = [w for cell in table.rows[0] for w in cell]
            self._text_line(Line(sorted(words, key=lambda w: w.x0), table.first_line))
        else:
            self._emit_gap_table(table)
        for line in pending:
            self._text_line(line)

    def _emit_gap_table(self, table: _Table) -> None:
        rows = tuple(
            tuple(Cell(*_compose_cell(cell)) for cell in row)
            for row in table.rows
            if any(cell for cell in row)
        )
        text = table_text(rows)
        x0 = table.columns[0]
        self.blocks.append(
            (
                Block(
                    BlockKind.TABLE,
                    text,
                    rows=rows,
                    prov=Provenance(page=self.page.number, line=table.first_line),
                ),
                x0,
            )
        )

    def _text_line(self, line: Line) -> None:
        para = self.para
        if para is not None and not self._breaks(para, line):
            para.lines.append(line)
            return
        self._flush_para()
        kind, marker = BlockKind.PARAGRAPH, None
        text = line.text
        if not _SECTION.match(text) and (
            (m := _BULLET.match(text)) or (m := _ENUMERATOR.match(text))
        ):
            kind, marker = BlockKind.LIST_ITEM, m.group(1)
        self.para = _Para([line], kind, marker)

    def _breaks(self, para: _Para, line: Line) -> bool:
        """True when ``line`` starts a new block instead of continuing ``para``."""
        prev = para.lines[-1]
        size = max(prev.size, line.size, 1.0)
        text = line.text
        if line.top - prev.bottom > 0.6 * size:
            return True
        if abs(line.size - prev.size) > 1.0 or line.bold != prev.bold:
            return True
        prev_ends = bool(_SENTENCE_END.search(prev.text))
        first_word = line.words[0].x1 - line.words[0].x0
        prev_short = prev.margin - prev.x1 > first_word + 0.5 * size  # the next word fitted
        if _LEADER.search(prev.text) or _LEADER.search(text):
            return True  # table of contents: one entry per line
        if _BULLET.match(text) or (_ENUMERATOR.match(text) and (prev_ends or prev_short)):
            return True
        if _SECTION.match(text) and (prev_ends or prev_short):
            return True
        first = para.lines[0]
        if line.x0 < first.x0 - 0.8 * size and (prev_short or len(para.lines) > 1):
            return True  # outdented: a new paragraph, unless a first-line indent wraps
        if para.kind == BlockKind.PARAGRAPH and len(para.lines) > 1:
            if line.x0 > para.lines[1].x0 + 1.5 * size:
                return True
        elif para.kind == BlockKind.PARAGRAPH and line.x0 > first.x0 + 1.5 * size:
            return True
        return prev_short

    def _flush_para(self) -> None:
        para, self.para = self.para, None
        if para is None:
            return
        text, spans = _compose_lines(para.lines)
        if not text:
            return
        kind, number = para.kind, None
        if kind == BlockKind.LIST_ITEM and para.marker:
            number = para.marker
            text, spans = _strip_prefix(text, spans, para.marker)
        level = self._heading_level(para, text)
        if level is not None and (kind != BlockKind.LIST_ITEM or _is_numeric(number)):
            if number:
                text, spans = _prefix(number, text, spans)
            kind, number = BlockKind.HEADING, None
        else:
            level = None
        prov = Provenance(page=self.page.number, line=para.lines[0].index)
        block = Block(kind, text, spans, level=level, number=number, prov=prov)
        self.blocks.append((block, para.lines[0].x0))

    def _heading_level(self, para: _Para, text: str) -> int | None:
        """A heading's level from its size (largest = 1), else weight or § numbering."""
        if len(para.lines) > 3 or len(text) > 160 or _LEADER.search(text):
            return None
        size = statistics.median(line.size for line in para.lines)
        larger = [s for s in self.stats.heading_sizes if s > size + 0.25]
        if size >= self.stats.body_size + 1.5 and len(text) <= 120:
            return len(larger) + 1
        below = len(self.stats.heading_sizes) + 1
        bold = all(line.bold for line in para.lines)
        if bold and len(text.split()) <= 14 and not text.endswith((".", ",")):
            return below
        if _SECTION.match(text) and len(para.lines) <= 2 and not text.endswith("."):
            return below
        return None

    def flush(self) -> None:
        if self.table is not None:
            self._close_table()
        self._flush_para()

    # ruled tables ---------------------------------------------------------------------------

    def ruled_table(self, table: RuledTable) -> None:
        self.flush()
        words = centred(self.page.words, table.bbox)  # every cell lies in the table's box
        rows = []
        for row in table.rows:
            cells = []
            for box in row:
                cells.append(Cell(*_cell_text(box, words)) if box else Cell(""))
            rows.append(tuple(cells))
        text = table_text(rows)
        block = Block(
            BlockKind.TABLE,
            text,
            rows=tuple(rows),
            prov=Provenance(page=self.page.number, line=table.line),
        )
        self.blocks.append((block, table.bbox[0]))


def _split_at_columns(
    line: Line, segments: list[list[Word]], columns: list[float], tol: float
) -> list[list[Word]]:
    """Cut a line also where a word starts at a known column after more than a space: a long
    label leaves a narrower gap before its value ("Frånvarande:  Erik ...")."""
    out: list[list[Word]] = []
    for seg in segments:
        out.append([seg[0]])
        for prev, word in zip(seg, seg[1:], strict=False):
            gap = word.x0 - prev.x1
            if gap > 0.6 * line.size and any(abs(word.x0 - c) <= tol / 3 for c in columns[1:]):
                out.append([word])
            else:
                out[-1].append(word)
    return out


def _label_like(words: list[Word]) -> bool:
    text = " ".join(w.text for w in words)
    return bool(words) and (len(words) <= 4 or text.endswith(":"))


def _is_numeric(number: str | None) -> bool:
    return bool(number and _NUMERIC_ENUMERATOR.match(number))


def inside(word: Word, box: tuple[float, float, float, float]) -> bool:
    """The word's centre lies in ``box`` (x0, top, x1, bottom)."""
    cx, cy = (word.x0 + word.x1) / 2, (word.top + word.bottom) / 2
    return box[0] <= cx <= box[2] and box[1] <= cy <= box[3]


def centred(
    words: Iterable[Word], box: tuple[float, float, float, float]
) -> list[tuple[Word, float, float]]:
    """The words whose centre lies in ``box`` (as :func:`inside`), each with its centre."""
    x0, top, x1, bottom = box
    out = []
    for w in words:
        cx, cy = (w.x0 + w.x1) / 2, (w.top + w.bottom) / 2
        if x0 <= cx <= x1 and top <= cy <= bottom:
            out.append((w, cx, cy))
    return out


def _cell_text(
    box: tuple[float, float, float, float], words: list[tuple[Word, float, float]]
) -> tuple[str, tuple[Span, ...]]:
    """A ruled cell's text: its lines as paragraphs, one per line break of the source.
    ``words`` come with their centres (:func:`centred`)."""
    x0, top, x1, bottom = box
    lines = group_lines([w for w, cx, cy in words if x0 <= cx <= x1 and top <= cy <= bottom])
    if not lines:
        return "", ()
    width = box[2] - box[0]
    size = lines[0].size
    paragraphs: list[list[Line]] = [[lines[0]]]
    for prev, line in zip(lines, lines[1:], strict=False):
        size = max(line.size, 1.0)
        wrapped = prev.x1 > box[2] - 0.25 * width - size and not _SENTENCE_END.search(prev.text)
        same = line.bold == prev.bold and line.top - prev.bottom <= 0.6 * size
        if wrapped and same and abs(line.x0 - prev.x0) < 1.5 * size:
            paragraphs[-1].append(line)
        else:
            paragraphs.append([line])
    glue = box[2] - max(0.15 * width, 1.5 * size)
    return join_styled(_compose_lines(group, glue_narrow=glue) for group in paragraphs)


# -- text and emphasis -----------------------------------------------------------------------


def _compose_cell(words: list[Word]) -> tuple[str, tuple[Span, ...]]:
    """An unruled cell's text: a line that stops well short of the cell's right edge ends
    its paragraph ("Johanna Forsberg, socialchef" / "Mikael Strand, sekreterare"), a full
    line wraps on ("... Jens Nilsson, Ylva" / "Selander"); a lower-case start always wraps."""
    lines = group_lines(words)
    if len(lines) < 2:
        return _compose_lines(lines)
    right = max(line.x1 for line in lines)
    groups: list[list[Line]] = [[lines[0]]]
    for prev, line in zip(lines, lines[1:], strict=False):
        full = prev.x1 >= right - 3.0 * max(prev.size, 1.0)
        if full or line.text[:1].islower() or prev.text.rstrip().endswith((",", "-", "och")):
            groups[-1].append(line)
        else:
            groups.append([line])
    return join_styled(_compose_lines(group) for group in groups)


def _compose_lines(
    lines: Sequence[Line], glue_narrow: float | None = None
) -> tuple[str, tuple[Span, ...]]:
    """Join lines into one text with emphasis spans, undoing line-end hyphenation.

    "sammanträ-" + "det" becomes "sammanträdet"; "Per-" + "Eric" keeps its hyphen (a capital
    follows). With ``glue_narrow`` (a narrow table cell), a one-word line reaching that x
    and followed by a lower-case line is a word the cell broke without a hyphen: "Punk" +
    "t".
    """
    text = ""
    runs: list[tuple[int, int, bool | None, bool | None]] = []
    for li, line in enumerate(lines):
        for wi, word in enumerate(line.words):
            w = word.text
            if "\x02" in w or "\ufffe" in w:
                w = w.replace("\x02", "-").replace("\ufffe", "-")
            if not text:
                pass
            elif wi:
                text += " "
            # At a line start. The hyphen patterns end the text and span at most three
            # characters: they are searched in its tail (the whole text made this quadratic).
            elif w[:1].isupper() and _REAL_HYPHEN_END.search(text[-4:]):
                pass  # "Per-" + "Eric": a real hyphen, kept
            elif w[:1].islower() and (m := _HYPHEN_END.search(tail := text[-4:])):
                text = text[: len(text) - len(tail) + m.start()]
                if runs and runs[-1][1] > len(text):
                    runs[-1] = (runs[-1][0], len(text), runs[-1][2], runs[-1][3])
            elif text.endswith("/") or (
                glue_narrow is not None
                and w[:1].islower()
                and len(lines[li - 1].words) == 1
                and lines[li - 1].x1 >= glue_narrow
            ):
                pass
            else:
                text += " "
            start = len(text)
            runs.append((start, start + len(w), word.bold, word.italic))
            text += w
    return text, _spans(runs)


def _spans(runs: list[tuple[int, int, bool | None, bool | None]]) -> tuple[Span, ...]:
    spans: list[Span] = []
    for style, index in ((Style.BOLD, 2), (Style.ITALIC, 3)):
        start = end = None
        for run in runs:
            if run[index]:
                if start is None:
                    start = run[0]
                end = run[1]
            elif start is not None:
                spans.append(Span(start, end or start, style))
                start = None
        if start is not None:
            spans.append(Span(start, end or start, style))
    return tuple(sorted(spans, key=lambda s: (s.start, s.end, s.style)))


def _strip_prefix(text: str, spans: tuple[Span, ...], marker: str) -> tuple[str, tuple[Span, ...]]:
    cut = len(marker)
    while cut < len(text) and text[cut] == " ":
        cut += 1
    kept = tuple(
        Span(max(s.start - cut, 0), s.end - cut, s.style) for s in spans if s.end - cut > 0
    )
    return text[cut:], kept


def _prefix(number: str, text: str, spans: tuple[Span, ...]) -> tuple[str, tuple[Span, ...]]:
    shift = len(number) + 1
    return f"{number} {text}", tuple(Span(s.start + shift, s.end + shift, s.style) for s in spans)


# -- the document ----------------------------------------------------------------------------


def join_across_pages(blocks: list[tuple[Block, float]]) -> list[Block]:
    """Join what a page break cut: a paragraph with no sentence end at the bottom of page n
    and a paragraph at the top of page n+1 (a hyphenated word joined without its hyphen),
    and a table continued with the same columns on the next page."""
    out: list[tuple[Block, float, int]] = []  # block, x0 of its first line, its last page
    for block, x0 in blocks:
        if out:
            prev, prev_x0, last_page = out[-1]
            if block.prov.page == last_page + 1 and _continues(prev, block, prev_x0, x0):
                joined = _merge_tables(prev, block) if block.rows else _join(prev, block)
                out[-1] = (joined, prev_x0, block.prov.page)
                continue
        out.append((block, x0, block.prov.page))
    return [b for b, _, _ in out]


def _continues(prev: Block, block: Block, prev_x0: float, x0: float) -> bool:
    if prev.kind == block.kind == BlockKind.TABLE:
        return len(prev.rows[0]) == len(block.rows[0]) and abs(x0 - prev_x0) < 5
    return (
        prev.kind in (BlockKind.PARAGRAPH, BlockKind.LIST_ITEM)
        and block.kind == BlockKind.PARAGRAPH
        and not _SENTENCE_END.search(prev.text)
        and block.text[:1].isalnum()
        and (x0 >= prev_x0 - 5 or block.text[:1].islower())
    )


def _merge_tables(first: Block, second: Block) -> Block:
    """One table continued on the next page; a first row with an empty first cell continues
    the last row (a cell the page break cut)."""
    rows = list(first.rows)
    more = list(second.rows)
    if more and not more[0][0].text.strip() and rows:
        rows[-1] = tuple(_join_cells(a, b) for a, b in zip(rows[-1], more.pop(0), strict=True))
    rows.extend(more)
    return replace(first, text=table_text(rows), rows=tuple(rows))


def _join_cells(a: Cell, b: Cell) -> Cell:
    if not b.text:
        return a
    if not a.text:
        return b
    return Cell(*join_styled([(a.text, a.spans), (b.text, b.spans)]))


def _join(first: Block, second: Block) -> Block:
    text = first.text
    sep = " "
    if second.text[:1].islower() and (m := _HYPHEN_END.search(text)):
        text, sep = text[: m.start()], ""
    shift = len(text) + len(sep)
    spans = [Span(s.start, min(s.end, len(text)), s.style) for s in first.spans]
    spans += [Span(s.start + shift, s.end + shift, s.style) for s in second.spans]
    return replace(
        first, text=text + sep + second.text, spans=tuple(s for s in spans if s.end > s.start)
    )


def promote_numbered_headings(blocks: list[Block], level: int) -> list[Block]:
    """A numbered one-line item followed by body text is an agenda heading ("3. Underhåll"
    then its notes); a run of numbered lines with nothing between is a list (the agenda)."""
    out = list(blocks)
    for i, block in enumerate(blocks):
        if block.kind != BlockKind.LIST_ITEM or not _is_numeric(block.number):
            continue
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        if nxt is None or nxt.kind != BlockKind.PARAGRAPH:
            continue
        if len(block.text) > 90 or block.text.endswith((".", ",", ";")):
            continue
        text, spans = _prefix(block.number or "", block.text, block.spans)
        out[i] = replace(
            block, kind=BlockKind.HEADING, text=text, spans=spans, number=None, level=level
        )
    return out
