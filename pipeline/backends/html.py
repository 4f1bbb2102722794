"""HTML backend: minutes that meeting tools e-mailed or exported as HTML.

Such HTML is built for mail clients, not for reading by machine: the content sits in nested
layout tables, a hidden "preheader" carries preview text, a footer carries unsubscribe links,
and emphasis comes as tags or as inline styles. This module parses the page with lxml.html
and keeps what a reader sees in the body, as the shared document model:

- h1-h6 are headings with their level; p, div, td of a layout table and other block
  elements with text are paragraphs; ``<br>`` is a line break inside a block;
- ul/ol items are list items; an ol's numbers are rendered ("1.", "2.", respecting
  ``start``, ``value`` and ``type``) into ``Block.number``, as Word's automatic numbers are;
- a table of data (the ÅTGÄRDER table) is a TABLE block; a table used for layout (one
  column, one cell with text per row, ``role="presentation"``, or cells holding headings,
  lists or tables) is descended into instead;
- strong/b and em/i, and ``font-weight:bold`` / ``font-style:italic``, are emphasis spans;
- hidden elements (``display:none``, ``visibility:hidden``, the ``hidden`` attribute,
  class/id "preheader"), head, style, script, noscript and template, and footers
  (``<footer>``, ``role="contentinfo"``, class/id "footer" or "unsubscribe") are ignored.

Every block's provenance is the source line of the element it came from.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path

import lxml.html
from lxml import etree

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
    append_span,
    join_styled,
    pad_rows,
    strip_styled,
    table_text,
)

FORMAT = "html"

BULLET = "•"
HEADINGS = {f"h{n}": n for n in range(1, 7)}
BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
    "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
    "header", "hgroup", "hr", "html", "legend", "li", "main", "menu", "nav", "ol", "p", "pre",
    "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", *HEADINGS,
}  # fmt: skip
SKIP_TAGS = {
    "head", "style", "script", "noscript", "template", "title", "meta", "link", "base",
    "iframe", "object", "embed", "svg", "math", "canvas", "audio", "video", "img", "input",
    "select", "textarea", "button", "map",
}  # fmt: skip
BOLD_TAGS = {"b", "strong"}
ITALIC_TAGS = {"i", "em"}
HIDDEN_NAMES = ("preheader",)
FOOTER_NAMES = ("footer", "unsubscribe")
# Elements that make a table a layout table when a cell holds them.
LAYOUT_MARKERS = {"table", "ul", "ol", "blockquote", "section", "article", "nav", *HEADINGS}

_SPACE = re.compile(r"[ \t\r\n\f\v\xa0]+")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u034f\u00ad"))
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_PARSER = lxml.html.HTMLParser(huge_tree=True)
# What browsers use for labels that promise less (WHATWG encoding standard).
_CHARSET_ALIASES = {"iso-8859-1": "cp1252", "latin1": "cp1252", "us-ascii": "cp1252"}


# -- reading ---------------------------------------------------------------------------------


def read(path: Path) -> Document:
    """Read an HTML file into the document model; a page without text is a DocumentError."""
    try:
        limits.check_file_size(path, text=True)
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"cannot read file: {exc.strerror or exc}") from None
    text, encoding = decode(data)
    limits.check_chars(len(text))
    blocks, title = parse_html(text)
    if not blocks:
        raise DocumentError("empty document: no visible text in the HTML")
    metadata = {"encoding": encoding}
    if title:
        metadata["title"] = title
    return Document(source_path=str(path), format=FORMAT, blocks=blocks, metadata=metadata)


def decode(data: bytes) -> tuple[str, str]:
    """Decode by BOM, else the meta tag's charset, else UTF-8, else Windows-1252."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace"), encoding
    if match := _META_CHARSET.search(data[:8192]):
        label = match.group(1).decode("ascii").lower()
        label = _CHARSET_ALIASES.get(label, label)
        try:
            name = codecs.lookup(label).name
        except LookupError:
            name = None
        if name and not name.startswith("utf-16"):  # a utf-16 label on 8-bit bytes is wrong
            return data.decode(name, errors="replace"), name
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def parse_html(text: str) -> tuple[list[Block], str | None]:
    """The blocks of an HTML page (or fragment) and its title."""
    text = _XML_DECLARATION.sub("", text, count=1)  # lxml refuses it on a str
    if not text.strip():
        return [], None
    try:
        # huge_tree: without it libxml2 silently drops everything nested over 256 deep.
        root = lxml.html.document_fromstring(text, parser=_PARSER)
    except (etree.ParserError, ValueError) as exc:
        raise DocumentError(f"not readable as HTML: {exc}") from None
    title = root.findtext(".//title")
    body = root.find("body")
    walker = _Walker()
    try:
        walker.walk(body if body is not None else root)
    except RecursionError:
        raise DocumentError("not readable as HTML: elements nested too deeply") from None
    return walker.blocks, _SPACE.sub(" ", title).strip() if title else None


# -- what to skip ----------------------------------------------------------------------------


def _style(element: etree._Element) -> dict[str, str]:
    """The element's inline CSS as {property: value}, lower-cased, without !important."""
    found = {}
    for declaration in (element.get("style") or "").split(";"):
        name, _, value = declaration.partition(":")
        if value:
            value = value.lower().replace("!important", "").strip()
            found[name.strip().lower()] = re.sub(r"\s+", " ", value)
    return found


def _ignored(element: etree._Element) -> bool:
    """Hidden, non-content or footer elements: nothing in them is part of the minutes."""
    tag = element.tag
    if not isinstance(tag, str) or tag.lower() in SKIP_TAGS:
        return True
    if element.get("hidden") is not None:
        return True
    style = _style(element)
    if (
        style.get("display") == "none"
        or style.get("visibility") == "hidden"
        or style.get("mso-hide") == "all"
        or style.get("opacity") in {"0", "0.0"}
    ):
        return True
    names = f"{element.get('class', '')} {element.get('id', '')}".lower()
    if any(word in names for word in HIDDEN_NAMES + FOOTER_NAMES):
        return True
    return tag.lower() == "footer" or (element.get("role") or "").lower() == "contentinfo"


def _emphasis(element: etree._Element, bold: bool, italic: bool) -> tuple[bool, bool]:
    """Bold and italic inside ``element``: its tag, then its inline style (which can undo)."""
    tag = element.tag.lower()
    bold = bold or tag in BOLD_TAGS
    italic = italic or tag in ITALIC_TAGS
    style = _style(element)
    weight = style.get("font-weight")
    if weight in {"bold", "bolder"} or ((weight or "").isdigit() and int(weight) >= 600):
        bold = True
    elif weight in {"normal", "lighter"} or (weight or "").isdigit():
        bold = False
    font_style = style.get("font-style")
    if font_style in {"italic", "oblique"}:
        italic = True
    elif font_style == "normal":
        italic = False
    return bold, italic


# -- tables ----------------------------------------------------------------------------------


def _rows(table: etree._Element) -> list[list[etree._Element]]:
    """The table's own visible rows and cells (not those of tables nested in its cells)."""
    rows = table.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr")
    cells = [[c for c in row.xpath("./td | ./th") if not _ignored(c)] for row in rows]
    return [row for row, element in zip(cells, rows, strict=True) if row and not _ignored(element)]


def _has_text(cell: etree._Element) -> bool:
    return bool(_SPACE.sub("", cell.text_content().translate(_INVISIBLE)))


def _is_layout(table: etree._Element, rows: list[list[etree._Element]]) -> bool:
    """A table that only places content on the page, not a table of data."""
    if (table.get("role") or "").lower() in {"presentation", "none"}:
        return True
    if not rows or max(len(cells) for cells in rows) < 2:
        return True
    if all(sum(_has_text(cell) for cell in cells) <= 1 for cells in rows):
        return True
    return any(
        isinstance(d.tag, str) and d.tag.lower() in LAYOUT_MARKERS
        for cells in rows
        for cell in cells
        for d in cell.iterdescendants()
    )


# -- text and emphasis -----------------------------------------------------------------------


class _Collector:
    """Inline text of one block with HTML whitespace rules and merged emphasis spans."""

    def __init__(self) -> None:
        self._text: list[str] = []
        self._spans: list[Span] = []
        self._length = 0
        self._last = "\n"  # at a block start, leading space is dropped

    def add(self, text: str, bold: bool, italic: bool, pre: bool = False) -> None:
        text = text.translate(_INVISIBLE)
        if not pre:
            text = _SPACE.sub(" ", text)
            if self._last in " \n":
                text = text.lstrip(" ")
        if text:
            self._append(text, bold, italic)

    def line_break(self) -> None:
        if self._text and self._last == " ":
            self._text[-1] = self._text[-1][:-1]
            self._length -= 1
            self._spans = [s for s in (_clip(s, self._length) for s in self._spans) if s]
        self._append("\n", False, False)

    def _append(self, text: str, bold: bool, italic: bool) -> None:
        start, end = self._length, self._length + len(text)
        for style, on in ((Style.BOLD, bold), (Style.ITALIC, italic)):
            if on:
                append_span(self._spans, Span(start, end, style))
        self._text.append(text)
        self._length = end
        self._last = text[-1]

    def finish(self) -> tuple[str, tuple[Span, ...]]:
        """The text with spaces around line breaks and at both ends removed, spans shifted."""
        raw = "".join(self._text)
        keep = [True] * len(raw)
        for match in re.finditer(r" *\n *", raw):
            for i in range(match.start(), match.end()):
                keep[i] = raw[i] == "\n"
        text_chars, new_index = [], []
        for i, ch in enumerate(raw):
            new_index.append(len(text_chars))
            if keep[i]:
                text_chars.append(ch)
        new_index.append(len(text_chars))
        moved = [Span(new_index[s.start], new_index[s.end], s.style) for s in self._spans]
        return strip_styled("".join(text_chars), moved)


def _clip(span: Span, length: int) -> Span | None:
    end = min(span.end, length)
    return Span(span.start, end, span.style) if end > span.start else None


# -- walking the tree ------------------------------------------------------------------------


@dataclass
class _Context:
    """The block element whose text is being collected, and what its text becomes."""

    kind: BlockKind
    line: int | None
    level: int | None = None
    number: str | None = None
    emitted: bool = False


@dataclass
class _List:
    ordered: bool
    counter: int = 1
    number_type: str = "1"


@dataclass
class _Walker:
    """Walks the body in document order, turning block elements and their text into blocks."""

    blocks: list[Block] = field(default_factory=list)
    _contexts: list[_Context] = field(default_factory=list)
    _lists: list[_List] = field(default_factory=list)
    _collector: _Collector = field(default_factory=_Collector)

    def walk(self, root: etree._Element) -> None:
        self._contexts = [_Context(BlockKind.PARAGRAPH, root.sourceline)]
        self._children(root, bold=False, italic=False, pre=False)
        self._flush()

    def _children(self, element: etree._Element, bold: bool, italic: bool, pre: bool) -> None:
        if element.text:
            self._collector.add(element.text, bold, italic, pre)
        for child in element:
            if not _ignored(child):
                self._element(child, bold, italic, pre)
            if child.tail:
                self._collector.add(child.tail, bold, italic, pre)

    def _element(self, element: etree._Element, bold: bool, italic: bool, pre: bool) -> None:
        tag = element.tag.lower()
        bold, italic = _emphasis(element, bold, italic)
        if tag == "br":
            self._collector.line_break()
        elif tag == "table":
            self._table(element, bold, italic)
        elif tag in ("ul", "ol"):
            self._list(element, bold, italic)
        elif tag in BLOCK_TAGS:
            self._block(element, bold, italic, pre or tag == "pre")
        else:
            self._children(element, bold, italic, pre)

    def _block(self, element: etree._Element, bold: bool, italic: bool, pre: bool) -> None:
        tag = element.tag.lower()
        self._flush()
        top = self._contexts[-1]
        if tag in HEADINGS:
            context = _Context(BlockKind.HEADING, element.sourceline, level=HEADINGS[tag])
        elif tag == "li":
            context = self._list_item(element)
        elif top.kind != BlockKind.PARAGRAPH and not top.emitted and tag in {"p", "div"}:
            context = None  # <li><p>text</p></li>: the paragraph is the item's text
        else:
            context = _Context(BlockKind.PARAGRAPH, element.sourceline)
        if context:
            self._contexts.append(context)
        self._children(element, bold, italic, pre)
        self._flush()
        if context:
            self._contexts.pop()

    def _flush(self) -> None:
        text, spans = self._collector.finish()
        self._collector = _Collector()
        if not text:
            return
        context = self._contexts[-1]
        if context.kind == BlockKind.PARAGRAPH or context.emitted:
            kind, level, number = BlockKind.PARAGRAPH, None, None
        else:
            kind, level, number = context.kind, context.level, context.number
            context.emitted = True
        self.blocks.append(
            Block(kind, text, spans, level=level, number=number, prov=Provenance(line=context.line))
        )

    # -- lists

    def _list(self, element: etree._Element, bold: bool, italic: bool) -> None:
        self._flush()
        ordered = element.tag.lower() == "ol"
        start = _int(element.get("start"), 1) if ordered else 1
        self._lists.append(_List(ordered, start, element.get("type") or "1"))
        self._contexts.append(_Context(BlockKind.PARAGRAPH, element.sourceline))
        self._children(element, bold, italic, pre=False)
        self._flush()
        self._contexts.pop()
        self._lists.pop()

    def _list_item(self, element: etree._Element) -> _Context:
        level = max(len(self._lists), 1)
        if not self._lists or not self._lists[-1].ordered:
            return _Context(BlockKind.LIST_ITEM, element.sourceline, level, BULLET)
        current = self._lists[-1]
        value = _int(element.get("value"), current.counter)
        current.counter = value + 1
        number = f"{_format_number(value, current.number_type)}."
        return _Context(BlockKind.LIST_ITEM, element.sourceline, level, number)

    # -- tables

    def _table(self, table: etree._Element, bold: bool, italic: bool) -> None:
        rows = _rows(table)
        if _is_layout(table, rows):
            self._block(table, bold, italic, pre=False)
            return
        self._flush()
        caption = table.find("caption")
        if caption is not None and not _ignored(caption):
            self._block(caption, bold, italic, pre=False)
        cells = [tuple(self._cell(cell, bold, italic) for cell in row) for row in rows]
        if not any(cell.text for row in cells for cell in row):
            return
        rows = pad_rows(cells)
        self.blocks.append(
            Block(
                BlockKind.TABLE,
                table_text(rows),
                rows=rows,
                prov=Provenance(line=table.sourceline),
            )
        )

    def _cell(self, cell: etree._Element, bold: bool, italic: bool) -> Cell:
        """A data cell: its paragraphs joined by line breaks, as the Word backend does."""
        walker = _Walker()
        walker._contexts = [_Context(BlockKind.PARAGRAPH, cell.sourceline)]
        walker._children(cell, *_emphasis(cell, bold, italic), pre=False)
        walker._flush()
        return Cell(*join_styled((block.text, block.spans) for block in walker.blocks))


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _format_number(value: int, number_type: str) -> str:
    """An ol counter in its ``type``: 1, a, A, i, I."""
    if number_type in ("a", "A") and value >= 1:
        letters = ""
        while value:
            value, rest = divmod(value - 1, 26)
            letters = chr(ord("a") + rest) + letters
        return letters.upper() if number_type == "A" else letters
    if number_type in ("i", "I") and value >= 1:
        roman = _roman(value)
        return roman if number_type == "I" else roman.lower()
    return str(value)


def _roman(value: int) -> str:
    out = []
    for amount, numeral in zip(
        (1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1),
        ("M", "CM", "D", "CD", "C", "XC", "L", "XL", "X", "IX", "V", "IV", "I"),
        strict=True,
    ):
        count, value = divmod(value, amount)
        out.append(numeral * count)
    return "".join(out)
