"""The shared document model: what every backend produces and everything downstream reads.

A document is an ordered list of blocks (heading, paragraph, list item, table). Each block
carries its plain text, the inline emphasis over that text (bold/italic spans) and where it
came from in the source. Nothing downstream of a backend knows which file format a block
came from: format quirks (markdown escapes, Word run properties, PDF fonts) stay in the
backend that reads that format.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum


class BlockKind(StrEnum):
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST_ITEM = "list_item"
    TABLE = "table"


class Style(StrEnum):
    BOLD = "bold"
    ITALIC = "italic"


@dataclass(frozen=True)
class Span:
    """Inline emphasis over ``text[start:end]`` of the block or cell that holds it."""

    start: int
    end: int
    style: Style


@dataclass(frozen=True)
class Provenance:
    """Where a block stands in its source, so an analyst can find it in the original.

    ``page`` is 1-based; formats without pages (text exports) count as one page, Word counts
    explicit page breaks. ``line`` is the 1-based source line for text formats; ``paragraph``
    the 0-based index of the body element for Word. ``block`` is the block's index in the
    document model and is filled in by :class:`Document`.
    """

    page: int = 1
    line: int | None = None
    paragraph: int | None = None
    block: int | None = None

    @property
    def position(self) -> str:
        """A human-readable position inside the page: ``line 57`` or ``paragraph 12``."""
        if self.line is not None:
            return f"line {self.line}"
        if self.paragraph is not None:
            return f"paragraph {self.paragraph}"
        return f"block {self.block}" if self.block is not None else ""


def append_span(spans: list[Span], span: Span) -> None:
    """Add ``span``, merged into the last span of its style when they touch.

    Backends build emphasis run by run ("**Lisa** **Andersson**" in Word is two runs);
    merging keeps one span per emphasised stretch of text.
    """
    for i in range(len(spans) - 1, -1, -1):
        last = spans[i]
        if last.style == span.style:
            if last.end == span.start:
                spans[i] = Span(last.start, span.end, span.style)
                return
            break
    spans.append(span)


def _covers(text: str, spans: tuple[Span, ...], style: Style) -> bool:
    """True when every letter or digit of ``text`` lies inside a span of ``style``."""
    covered = [False] * len(text)
    for span in spans:
        if span.style == style:
            for i in range(max(span.start, 0), min(span.end, len(text))):
                covered[i] = True
    significant = [i for i, ch in enumerate(text) if ch.isalnum()]
    return bool(significant) and all(covered[i] for i in significant)


@dataclass(frozen=True)
class Cell:
    """One table cell: its text and emphasis."""

    text: str
    spans: tuple[Span, ...] = ()

    @property
    def is_bold(self) -> bool:
        return _covers(self.text, self.spans, Style.BOLD)

    @property
    def is_italic(self) -> bool:
        return _covers(self.text, self.spans, Style.ITALIC)


def strip_styled(text: str, spans: Iterable[Span]) -> tuple[str, tuple[Span, ...]]:
    """``text`` without surrounding whitespace, ``spans`` shifted and clipped to match (empty
    ones dropped, the rest in order)."""
    stripped = text.strip()
    lead = len(text) - len(text.lstrip())
    kept = []
    for s in spans:
        start, end = max(s.start - lead, 0), min(s.end - lead, len(stripped))
        if end > start:
            kept.append(Span(start, end, s.style))
    return stripped, tuple(sorted(kept, key=lambda s: (s.start, s.end, s.style)))


def join_styled(
    parts: Iterable[tuple[str, Iterable[Span]]], separator: str = "\n"
) -> tuple[str, tuple[Span, ...]]:
    """Texts with their spans joined by ``separator`` (a cell's paragraphs), spans shifted."""
    texts: list[str] = []
    spans: list[Span] = []
    offset = 0
    for text, part_spans in parts:
        if texts:
            offset += len(separator)
        spans.extend(Span(s.start + offset, s.end + offset, s.style) for s in part_spans)
        texts.append(text)
        offset += len(text)
    return separator.join(texts), tuple(spans)


def pad_rows(rows: Iterable[Sequence[Cell]]) -> tuple[tuple[Cell, ...], ...]:
    """A table's rows, the short ones padded with empty cells to the widest row."""
    rows = [tuple(row) for row in rows]
    width = max(len(row) for row in rows)
    return tuple(row + (Cell(""),) * (width - len(row)) for row in rows)


def table_text(rows: Iterable[Iterable[Cell]]) -> str:
    """A table block's ``text``: each row's cells tab-separated, one row per line."""
    return "\n".join("\t".join(cell.text for cell in row) for row in rows)


@dataclass(frozen=True)
class Block:
    """One block of a document.

    ``number`` holds a number the reader sees but the source generates (Word's automatic
    list and heading numbering: ``"1."``, ``"15.1."``, ``"•"``); a number typed into the
    text stays in ``text``. Use :attr:`display_text` for what a reader sees.
    """

    kind: BlockKind
    text: str = ""
    spans: tuple[Span, ...] = ()
    level: int | None = None
    number: str | None = None
    rows: tuple[tuple[Cell, ...], ...] = ()
    prov: Provenance = field(default_factory=Provenance)

    @property
    def display_text(self) -> str:
        if self.number and self.number not in {"•", "-", "–", "*"}:
            return f"{self.number} {self.text}"
        return self.text

    @property
    def is_bold(self) -> bool:
        """The whole block is bold (e.g. a name line in an action list)."""
        return _covers(self.text, self.spans, Style.BOLD)

    @property
    def is_italic(self) -> bool:
        """The whole block is italic (e.g. a task line in an action list)."""
        return _covers(self.text, self.spans, Style.ITALIC)


@dataclass
class Document:
    """A parsed source document: its blocks in reading order and what the backend knew."""

    source_path: str
    format: str
    blocks: list[Block]
    pages: int = 1
    metadata: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.blocks = [
            b if b.prov.block == i else replace(b, prov=replace(b.prov, block=i))
            for i, b in enumerate(self.blocks)
        ]
