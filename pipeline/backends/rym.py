"""Backend for "Run your meeting" text exports (markdown-like text, ``.rym.md``).

What the export looks like, and what this module undoes:

- headings at any level (``##`` .. ``#####``), with no relation between level and meaning;
- ``*italic*`` and ``**bold**`` inline, ``\\_`` escapes, a markdown hard break (two trailing
  spaces) inside a paragraph;
- tables as tab-separated lines whose cells carry ``<i>``/``<b>`` tags;
- paragraphs that the export split in the middle of a sentence (a blank line between
  "... dagordning för" and "kommunchefsmötet. Se ..."), joined again here.

The output is the shared document model; nothing downstream knows it was markdown.
"""

from __future__ import annotations

import re
from pathlib import Path

from pipeline import limits
from pipeline.errors import DocumentError
from pipeline.model import (
    Block,
    BlockKind,
    Cell,
    Document,
    Provenance,
    Span,
    Style,
    pad_rows,
    strip_styled,
    table_text,
)

FORMAT = "rym-md"

# The closing "##" of "## Title ##" is cut by _heading_text: a regex doing it (lazy text, then
# optional hashes, then spaces) backtracks quadratically on a heading with many spaces.
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_BULLET = re.compile(r"^\s*[-+•*]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*(\d{1,3}[.)])\s+(.*)$")
_RULE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,})\s*$")
_SENTENCE_END = re.compile(r"[.!?:;…\"”»)]\s*$")

# Inline markup tokens: escapes, markdown emphasis, and the HTML tags the export puts in cells.
_INLINE = re.compile(r"\\(.)|(\*\*|__)|(\*)|<(/?)(i|b|em|strong)>", re.IGNORECASE)
_TAG_STYLE = {"i": Style.ITALIC, "em": Style.ITALIC, "b": Style.BOLD, "strong": Style.BOLD}


def parse_inline(source: str) -> tuple[str, tuple[Span, ...]]:
    """Strip inline markup from ``source``; return the plain text and its emphasis spans.

    An emphasis marker that is never closed is kept as literal text, as a markdown reader
    would show it.
    """
    text: list[str] = []
    spans: list[Span] = []
    open_at: dict[Style, int] = {}
    pos = 0
    length = 0

    def toggle(style: Style, closing: bool | None, literal: str) -> None:
        nonlocal length
        if closing is None:
            closing = style in open_at
        if closing and style in open_at:
            start = open_at.pop(style)
            if length > start:
                spans.append(Span(start, length, style))
        elif not closing:
            open_at[style] = length
        else:  # a closing tag with nothing open: keep it visible
            text.append(literal)
            length += len(literal)

    for m in _INLINE.finditer(source):
        if (m.group(2) or m.group(3)) and not _touches_text(source, m, open_at):
            continue  # "2 * 3": a lone asterisk between spaces is not emphasis
        chunk = source[pos : m.start()]
        text.append(chunk)
        length += len(chunk)
        pos = m.end()
        if m.group(1) is not None:  # backslash escape
            text.append(m.group(1))
            length += 1
        elif m.group(2):
            toggle(Style.BOLD, None, m.group(2))
        elif m.group(3):
            toggle(Style.ITALIC, None, m.group(3))
        else:
            toggle(_TAG_STYLE[m.group(5).lower()], m.group(4) == "/", m.group(0))
    text.append(source[pos:])
    plain = "".join(text)
    # Unclosed markers: emphasis runs to the end, as the export means it.
    for style, start in open_at.items():
        if len(plain) > start:
            spans.append(Span(start, len(plain), style))
    return strip_styled(plain, spans)


def _heading_text(text: str) -> str:
    """A heading's text without trailing spaces and an optional closing run of '#'."""
    text = text.rstrip()
    unclosed = text.rstrip("#")
    if unclosed != text and unclosed[-1:].isspace():
        return unclosed.rstrip()
    return text


def _touches_text(source: str, m: re.Match[str], open_at: dict[Style, int]) -> bool:
    """Markdown's flanking rule: an opener is followed by text, a closer preceded by it."""
    style = Style.BOLD if m.group(2) else Style.ITALIC
    before = source[m.start() - 1] if m.start() > 0 else " "
    after = source[m.end()] if m.end() < len(source) else " "
    if style in open_at:
        return not before.isspace()
    return not after.isspace()


def decode(data: bytes, path: Path) -> tuple[str, str]:
    """Decode a text export: UTF-8 (with or without BOM), else Windows-1252 as old exports are."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise DocumentError(f"{path.name}: broken UTF-16 text: {exc.reason}") from exc
    if b"\x00" in data:
        raise DocumentError(f"{path.name}: binary content (NUL bytes), not a text export")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def read(path: Path) -> Document:
    """Read a Run-your-meeting text export into the document model."""
    limits.check_file_size(path, text=True)  # before reading: a 50 MB "export" is refused
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"cannot read file: {exc.strerror or exc}") from exc
    text, encoding = decode(data, path)
    limits.check_chars(len(text))
    blocks = parse_text(text)
    if not blocks:
        raise DocumentError("empty document: no text found")
    return Document(
        source_path=str(path),
        format=FORMAT,
        blocks=blocks,
        pages=1,
        metadata={"encoding": encoding},
    )


def parse_text(text: str) -> list[Block]:
    """Split the export into blocks: headings, paragraphs, list items and tables."""
    blocks: list[Block] = []
    para: list[tuple[int, str]] = []  # (line number, raw line) of the paragraph being read
    table: list[tuple[int, str]] = []

    def flush_para() -> None:
        if para:
            _append_paragraph(blocks, para)
            para.clear()

    def flush_table() -> None:
        if table:
            blocks.append(_table_block(table))
            table.clear()

    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\r\n")
        if "\t" in line and line.strip():
            flush_para()
            table.append((lineno, line))
            continue
        flush_table()
        if not line.strip():
            flush_para()
        elif m := _HEADING.match(line):
            flush_para()
            heading, spans = parse_inline(_heading_text(m.group(2)))
            if heading:
                blocks.append(
                    Block(
                        BlockKind.HEADING,
                        heading,
                        spans,
                        level=len(m.group(1)),
                        prov=Provenance(line=lineno),
                    )
                )
        elif _RULE.match(line):
            flush_para()
            blocks.append(_BARRIER)
        elif (m := _BULLET.match(line)) or (m := _NUMBERED.match(line)):
            flush_para()
            number = "•" if m.re is _BULLET else m.group(1)
            item, spans = parse_inline(m.group(m.lastindex or 1))
            if item or number != "•":  # an empty bullet says nothing; "3." alone still numbers
                blocks.append(
                    Block(
                        BlockKind.LIST_ITEM,
                        item,
                        spans,
                        number=number,
                        prov=Provenance(line=lineno),
                    )
                )
        else:
            para.append((lineno, line))
    flush_para()
    flush_table()
    return [b for b in blocks if b is not _BARRIER]


# Stands between two paragraphs that must not be joined (a thematic break); removed at the end.
_BARRIER = Block(BlockKind.PARAGRAPH, "")


def _append_paragraph(blocks: list[Block], lines: list[tuple[int, str]]) -> None:
    """Add a paragraph, joining it to the previous one if the export split a sentence."""
    parts = []
    for i, (_, line) in enumerate(lines):
        hard_break = line.endswith("  ") or line.endswith("\\")
        content = line.rstrip().removesuffix("\\").strip()
        parts.append(content)
        if i < len(lines) - 1:
            parts.append("\n" if hard_break else " ")
    text, spans = parse_inline("".join(parts))
    if not text:
        return
    prev = blocks[-1] if blocks else None
    if (
        prev is not None
        and prev is not _BARRIER
        and prev.kind == BlockKind.PARAGRAPH
        and not prev.spans
        and not spans
        and text[0].islower()
        and not _SENTENCE_END.search(prev.text)
    ):
        blocks[-1] = Block(BlockKind.PARAGRAPH, f"{prev.text} {text}", prov=prev.prov)
        return
    blocks.append(Block(BlockKind.PARAGRAPH, text, spans, prov=Provenance(line=lines[0][0])))


def _table_block(lines: list[tuple[int, str]]) -> Block:
    """Tab-separated lines to a table; short rows are padded so every row has all columns."""
    rows = pad_rows(
        tuple(Cell(*parse_inline(cell)) for cell in line.split("\t")) for _, line in lines
    )
    return Block(BlockKind.TABLE, table_text(rows), rows=rows, prov=Provenance(line=lines[0][0]))
