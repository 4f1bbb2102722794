"""Word (.docx) backend: turns the body of a Word document into the shared document model.

Word keeps what a reader sees in several places: heading levels in styles (and their base
styles), automatic numbers in ``numbering.xml``, bold and italic in runs, character styles
and paragraph styles. This module resolves all of that so downstream code sees plain
headings, numbered items, emphasis spans and tables, exactly as for any other format.

Only the body is read. Page headers and footers live in separate parts and are never
turned into blocks: they repeat on every page and are not part of the minutes.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import docx
from docx.exceptions import InvalidXmlError
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table, _Row
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

FORMAT = "docx"

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W_NS}

BULLET = "•"
HEADING_STYLE = re.compile(r"^(?:heading|rubrik)\s*([1-9])$", re.IGNORECASE)
TITLE_STYLES = {"title", "rubrik"}
LIST_STYLE_PREFIXES = ("list", "punktlista", "numrerad lista", "liststycke")
OLE_MAGIC = b"\xd0\xcf\x11\xe0"


def _w(tag: str) -> str:
    """Clark notation for a WordprocessingML tag: ``_w("p")`` -> ``{...main}p``."""
    return f"{{{W_NS}}}{tag}"


def _val(element: etree._Element | None) -> str | None:
    return None if element is None else element.get(_w("val"))


def _is_on(element: etree._Element | None) -> bool | None:
    """Read an on/off property such as ``<w:b/>`` or ``<w:b w:val="0"/>``; None if absent."""
    if element is None:
        return None
    return _val(element) not in {"0", "false", "off", "none"}


def _is_on_attr(value: str | None) -> bool:
    return value in {"1", "true", "on"}


# -- opening ---------------------------------------------------------------------------------


def read(path: Path) -> Document:
    """Read a .docx file into a :class:`Document`; broken files raise :class:`DocumentError`."""
    word = _open(path)
    reader = _BodyReader(word)
    blocks = []
    chars = 0
    for block in reader.blocks():
        chars += len(block.text)
        limits.check_chars(chars)
        blocks.append(block)
    limits.check_pages(reader.pages.page)
    return Document(
        source_path=str(path),
        format=FORMAT,
        blocks=blocks,
        pages=reader.pages.page,
        metadata=_metadata(word),
    )


def _open(path: Path) -> docx.document.Document:
    """Open with python-docx, turning every way a file can be broken into a clear message."""
    _check_zip(path)
    try:
        word = docx.Document(str(path))
    except KeyError as exc:
        with zipfile.ZipFile(path) as archive:
            if "word/document.xml" not in archive.namelist():
                raise DocumentError(
                    "not a valid .docx: the zip archive has no word/document.xml"
                ) from None
        raise DocumentError(f"not a valid .docx: missing part {exc}") from None
    except etree.XMLSyntaxError as exc:
        raise DocumentError(f"not a valid .docx: broken XML ({exc})") from None
    except (PackageNotFoundError, ValueError, zipfile.BadZipFile) as exc:
        raise DocumentError(f"not a valid .docx: {exc}") from None
    except (AttributeError, TypeError, IndexError) as exc:
        # A part holding the wrong XML ([Content_Types].xml with relationships in it):
        # python-docx finds elements without the children it expects (found by fuzzing).
        raise DocumentError(
            f"not a valid .docx: a package part holds the wrong XML ({type(exc).__name__}: {exc})"
        ) from None
    root = word.element
    if root.tag != _w("document") or root.find("w:body", NS) is None:
        raise DocumentError(
            "not a valid .docx: the main part is not a Word document body (root element "
            f"<{etree.QName(root.tag).localname}>)"
        )
    return word


def _check_zip(path: Path) -> None:
    """Say precisely why a file is not a readable zip before python-docx gives a vaguer error."""
    if not path.exists():
        raise DocumentError(f"not a valid .docx: no such file: {path}")
    if not path.is_file():
        raise DocumentError(f"not a valid .docx: not a file: {path}")
    with path.open("rb") as stream:
        magic = stream.read(4)
    if not magic:
        raise DocumentError("not a valid .docx: the file is empty")
    if magic == OLE_MAGIC:
        raise DocumentError(
            "not a valid .docx: file is an OLE compound file (an old .doc or an encrypted .docx)"
        )
    if not zipfile.is_zipfile(path):
        if magic.startswith(b"PK"):
            raise DocumentError("not a valid .docx: the zip archive is truncated or damaged")
        raise DocumentError("not a valid .docx: file is not a zip archive")
    limits.check_zip(path)  # sizes and ratios, before anything is inflated
    try:
        with zipfile.ZipFile(path) as archive:
            _refuse_dtd(archive)
            bad = archive.testzip()
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
        raise DocumentError(f"not a valid .docx: the zip archive is damaged ({exc})") from None
    except (NotImplementedError, RuntimeError) as exc:  # encrypted or unknown compression
        raise DocumentError(f"not a valid .docx: cannot unpack the zip archive ({exc})") from None
    if bad is not None:
        raise DocumentError(f"not a valid .docx: the zip archive is damaged (bad data in {bad})")


_XML_PROLOG_BYTES = 64 * 1024
_ELEMENT_START = re.compile(r"<[^?!\s]")


def _refuse_dtd(archive: zipfile.ZipFile) -> None:
    """Refuse a package whose XML parts declare a DTD, before python-docx parses them.

    Word never writes a ``<!DOCTYPE>`` (the Open Packaging Conventions forbid DTDs); one in
    a .docx can only declare entities: external ones (XXE: ``file:///etc/passwd``, a URL)
    or nested expansions (billion laughs). python-docx's parser already neither resolves
    entities nor loads DTDs nor touches the network (``resolve_entities=False``, lxml's
    ``no_network`` default; tested); this check makes such a file a clear ``failed`` row
    instead of a document with holes in its text.
    """
    for info in archive.infolist():
        if not info.filename.lower().endswith((".xml", ".rels")) or info.file_size == 0:
            continue
        with archive.open(info) as member:
            head = member.read(_XML_PROLOG_BYTES)
        text = head.decode(_xml_encoding(head), "ignore")
        element = _ELEMENT_START.search(text)
        prolog = text[: element.start()] if element else text
        if "<!DOCTYPE" in prolog or "<!ENTITY" in prolog:
            raise DocumentError(
                f"not a valid .docx: {info.filename} declares a DTD (<!DOCTYPE>), which Word "
                "never writes; refused unread (XML entities: an external-entity or "
                "entity-expansion attack)"
            )


def _xml_encoding(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if head[:1] == b"\x00":
        return "utf-16-be"
    return "utf-16-le" if head[1:2] == b"\x00" else "utf-8"


def _metadata(word: docx.document.Document) -> dict[str, str]:
    try:
        props = word.core_properties
        found = {"title": props.title, "author": props.author}
    except (AttributeError, TypeError, ValueError):  # docProps/core.xml holds other XML
        found = {}
    found["page_header"] = _page_header(word)
    return {key: value.strip() for key, value in found.items() if value and value.strip()}


def _page_header(word: docx.document.Document) -> str:
    """The first section's page header text: kept out of the body, but it often names the
    organisation ("Vännäs kommun – Folkhälsorådet"), so downstream may read it as metadata."""
    try:
        header = word.sections[0].header
        return "\n".join(p.text for p in header.paragraphs if p.text.strip())
    except (IndexError, KeyError, AttributeError, ValueError):
        return ""


# -- styles ----------------------------------------------------------------------------------


class _Styles:
    """Style lookups by id, following ``w:basedOn`` chains (Word's style inheritance)."""

    def __init__(self, styles_element: etree._Element) -> None:
        self._by_id: dict[str, etree._Element] = {}
        self._default: dict[str, etree._Element] = {}
        for style in styles_element.iterfind("w:style", NS):
            style_id = style.get(_w("styleId"))
            if style_id:
                self._by_id[style_id] = style
            if _is_on_attr(style.get(_w("default"))):
                self._default.setdefault(style.get(_w("type"), ""), style)

    def get(self, style_id: str) -> etree._Element | None:
        return self._by_id.get(style_id)

    def chain(self, style_id: str | None, kind: str = "paragraph") -> list[etree._Element]:
        """The style and its base styles, nearest first (the default style when unset)."""
        style = self._by_id.get(style_id) if style_id else self._default.get(kind)
        chain: list[etree._Element] = []
        while style is not None and all(style is not seen for seen in chain):
            chain.append(style)
            based_on = _val(style.find("w:basedOn", NS))
            style = self._by_id.get(based_on) if based_on else None
        return chain

    def paragraph_chain(self, p: etree._Element) -> list[etree._Element]:
        return self.chain(_val(p.find("w:pPr/w:pStyle", NS)))

    def run_chain(self, r: etree._Element) -> list[etree._Element]:
        return self.chain(_val(r.find("w:rPr/w:rStyle", NS)), kind="character")


def _style_names(style: etree._Element) -> tuple[str, str]:
    """The style's name and id, lower-cased: Swedish Word may use either ("Rubrik 1")."""
    name = _val(style.find("w:name", NS)) or ""
    return name.strip().lower(), (style.get(_w("styleId")) or "").lower()


def _ppr_child(
    p: etree._Element, chain: Iterable[etree._Element], tag: str
) -> etree._Element | None:
    """A paragraph property as Word applies it: on the paragraph, else on its styles."""
    element = p.find(f"w:pPr/w:{tag}", NS)
    if element is not None:
        return element
    for style in chain:
        element = style.find(f"w:pPr/w:{tag}", NS)
        if element is not None:
            return element
    return None


# -- numbering -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Level:
    """One level of a list definition (``w:lvl``)."""

    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."
    style_id: str | None = None


@dataclass
class _Num:
    """A list instance (``w:num``): its abstract definition and per-level overrides."""

    abstract_id: str
    start_overrides: dict[int, int] = field(default_factory=dict)
    level_overrides: dict[int, _Level] = field(default_factory=dict)


def _int(value: str | None, default: int = 0) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _parse_level(lvl: etree._Element) -> _Level:
    return _Level(
        start=_int(_val(lvl.find("w:start", NS)), 1),
        fmt=_val(lvl.find("w:numFmt", NS)) or "decimal",
        text=_val(lvl.find("w:lvlText", NS)) or "",
        style_id=_val(lvl.find("w:pStyle", NS)),
    )


class _Numbering:
    """Word's automatic numbering: the definitions in numbering.xml and the running counters.

    Counters belong to the abstract list, so every ``w:num`` that points at it continues the
    same sequence, unless the num restarts with ``w:startOverride`` (then it counts alone).
    """

    def __init__(self, numbering: etree._Element | None, styles: _Styles) -> None:
        self._abstracts: dict[str, dict[int, _Level]] = {}
        self._style_links: dict[str, str] = {}
        self._nums: dict[str, _Num] = {}
        self._counters: dict[tuple[str, str], dict[int, int]] = {}
        self._styles = styles
        if numbering is not None:
            self._parse(numbering)

    def _parse(self, numbering: etree._Element) -> None:
        for abstract in numbering.iterfind("w:abstractNum", NS):
            abstract_id = abstract.get(_w("abstractNumId"), "")
            self._abstracts[abstract_id] = {
                _int(lvl.get(_w("ilvl"))): _parse_level(lvl)
                for lvl in abstract.iterfind("w:lvl", NS)
            }
            link = _val(abstract.find("w:numStyleLink", NS))
            if link:
                self._style_links[abstract_id] = link
        for num in numbering.iterfind("w:num", NS):
            entry = _Num(abstract_id=_val(num.find("w:abstractNumId", NS)) or "")
            for override in num.iterfind("w:lvlOverride", NS):
                level = _int(override.get(_w("ilvl")))
                start = _val(override.find("w:startOverride", NS))
                if start is not None:
                    entry.start_overrides[level] = _int(start, 1)
                lvl = override.find("w:lvl", NS)
                if lvl is not None:
                    entry.level_overrides[level] = _parse_level(lvl)
            self._nums[num.get(_w("numId"), "")] = entry

    def levels(self, num_id: str) -> dict[int, _Level]:
        """The effective levels of a list instance (overrides win over the definition)."""
        num = self._nums.get(num_id)
        if num is None:
            return {}
        return {**self._abstract_levels(num.abstract_id), **num.level_overrides}

    def _abstract_levels(self, abstract_id: str) -> dict[int, _Level]:
        """An abstract list's levels, following ``w:numStyleLink`` to a list style's list."""
        link = self._style_links.get(abstract_id)
        style = self._styles.get(link) if link else None
        if style is not None:
            target = self._nums.get(_val(style.find("w:pPr/w:numPr/w:numId", NS)) or "")
            if target is not None and target.abstract_id != abstract_id:
                return self._abstracts.get(target.abstract_id, {})
        return self._abstracts.get(abstract_id, {})

    def level_for_style(self, num_id: str, style_id: str) -> int | None:
        """The level a style is linked to (``w:pStyle`` in a level, as heading lists do)."""
        for ilvl, level in self.levels(num_id).items():
            if level.style_id == style_id:
                return ilvl
        return None

    def next_number(self, num_id: str, ilvl: int) -> str | None:
        """Advance the list's counter at ``ilvl``; return the number the reader sees there."""
        num = self._nums.get(num_id)
        levels = self.levels(num_id)
        if num is None or ilvl not in levels:
            return None

        def start(level: int) -> int:
            return num.start_overrides.get(level, levels.get(level, _Level()).start)

        key = ("num", num_id) if num.start_overrides else ("abstract", num.abstract_id)
        counters = self._counters.setdefault(key, {})
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else start(ilvl)
        for deeper in [level for level in counters if level > ilvl]:
            del counters[deeper]
        values = {level: counters.get(level, start(level)) for level in levels}
        return _render(levels, ilvl, values)


def _render(levels: dict[int, _Level], ilvl: int, values: dict[int, int]) -> str | None:
    """Fill a level's ``lvlText`` ("%1.%2.") with the counters, each in its level's format."""
    level = levels[ilvl]
    if level.fmt == "bullet":
        return BULLET
    if level.fmt == "none":
        return None

    def substitute(match: re.Match[str]) -> str:
        referenced = int(match.group(1)) - 1
        fmt = levels.get(referenced, _Level()).fmt
        return _format_number(values.get(referenced, 1), fmt)

    return re.sub(r"%([1-9])", substitute, level.text).strip() or None


def _format_number(value: int, fmt: str) -> str:
    """One counter in a Word number format; formats not listed fall back to decimal."""
    if fmt == "lowerLetter":
        return _letters(value)
    if fmt == "upperLetter":
        return _letters(value).upper()
    if fmt == "lowerRoman":
        return _roman(value).lower()
    if fmt == "upperRoman":
        return _roman(value)
    if fmt == "decimalZero":
        return f"{value:02d}"
    return str(value)


def _letters(value: int) -> str:
    """Word's letter numbering: a..z, then aa..zz, aaa.. (the letter repeats)."""
    if value < 1:
        return str(value)
    return chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)


_ROMAN = (
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
    (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
)  # fmt: skip


def _roman(value: int) -> str:
    if value < 1:
        return str(value)
    out = []
    for amount, numeral in _ROMAN:
        count, value = divmod(value, amount)
        out.append(numeral * count)
    return "".join(out)


# -- text and emphasis -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Styled:
    """Text with its emphasis spans (offsets into ``text``)."""

    text: str = ""
    spans: tuple[Span, ...] = ()


class _Collector:
    """Collects run text and emphasis; merges adjacent spans of the same style."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._spans: list[Span] = []
        self._length = 0

    def add(self, text: str, bold: bool = False, italic: bool = False) -> None:
        if not text:
            return
        start, end = self._length, self._length + len(text)
        for style, on in ((Style.BOLD, bold), (Style.ITALIC, italic)):
            if on:
                append_span(self._spans, Span(start, end, style))
        self._parts.append(text)
        self._length = end

    def finish(self) -> _Styled:
        """The collected text without surrounding whitespace, spans shifted to match."""
        return _Styled(*strip_styled("".join(self._parts), self._spans))


# -- pages -----------------------------------------------------------------------------------


@dataclass
class _Pages:
    """Counts pages from the breaks in the body.

    A hard break (``w:br w:type="page"``) always starts a page. A page break before a
    paragraph and a break Word recorded while laying out (``w:lastRenderedPageBreak``) only
    count after some content, so a hard break followed by Word's own marker at the top of
    the next page is not counted twice.
    """

    page: int = 1
    _content_on_page: bool = False

    def hard_break(self) -> None:
        self.page += 1
        self._content_on_page = False

    def soft_break(self) -> None:
        if self._content_on_page:
            self.hard_break()

    def content(self) -> None:
        self._content_on_page = True


# -- body ------------------------------------------------------------------------------------


_RUNS = etree.XPath(
    ".//w:r[not(ancestor::w:txbxContent) and not(ancestor::w:del) and not(ancestor::w:moveFrom)]",
    namespaces=NS,
)


def _content_elements(container: etree._Element) -> Iterator[etree._Element]:
    """Paragraphs and tables of a body or cell in order, looking inside content controls."""
    for child in container:
        if child.tag in (_w("p"), _w("tbl")):
            yield child
        elif child.tag == _w("sdt"):
            content = child.find("w:sdtContent", NS)
            if content is not None:
                yield from _content_elements(content)
        elif child.tag == _w("customXml"):
            yield from _content_elements(child)


def _outline_level(element: etree._Element) -> int | None:
    """``w:outlineLvl`` 0..8 is heading level 1..9; 9 means body text."""
    value = _int(_val(element), 9)
    return value + 1 if 0 <= value < 9 else None


def _numbering_element(word: docx.document.Document) -> etree._Element | None:
    try:
        return word.part.part_related_by(RT.NUMBERING).element
    except (KeyError, AttributeError):
        return None


class _BodyReader:
    """Walks the document body in order and turns each paragraph and table into a block."""

    def __init__(self, word: docx.document.Document) -> None:
        self._word = word
        self._styles = _Styles(word.styles.element)
        self._numbering = _Numbering(_numbering_element(word), self._styles)
        self.pages = _Pages()
        self._first_page: int | None = None

    def blocks(self) -> Iterator[Block]:
        for index, element in enumerate(_content_elements(self._word.element.body)):
            self._first_page = None
            to_block = self._table if element.tag == _w("tbl") else self._paragraph
            block = to_block(element)
            if block is not None:
                page = self._first_page or self.pages.page
                yield replace(block, prov=Provenance(page=page, paragraph=index))

    # -- paragraphs

    def _paragraph(self, p: etree._Element) -> Block | None:
        chain = self._styles.paragraph_chain(p)
        if _is_on(_ppr_child(p, chain, "pageBreakBefore")):
            self.pages.soft_break()
        level = self._heading_level(p, chain)
        numbered, ilvl, number = self._number(p, chain)
        styled = self._runs(p, chain)
        if not styled.text:
            return None
        if level is not None:
            kind = BlockKind.HEADING
        elif numbered or self._is_list_style(chain):
            kind, level = BlockKind.LIST_ITEM, ilvl + 1
        else:
            kind = BlockKind.PARAGRAPH
        return Block(kind, styled.text, styled.spans, level=level, number=number)

    def _heading_level(self, p: etree._Element, chain: list[etree._Element]) -> int | None:
        """Heading level from the outline level or the style name, nearest definition first."""
        direct = p.find("w:pPr/w:outlineLvl", NS)
        if direct is not None:
            return _outline_level(direct)
        for style in chain:
            names = _style_names(style)
            if any(name in TITLE_STYLES for name in names):
                return 1
            for name in names:
                if match := HEADING_STYLE.match(name):
                    return int(match.group(1))
            outline = style.find("w:pPr/w:outlineLvl", NS)
            if outline is not None:
                return _outline_level(outline)
        return None

    def _is_list_style(self, chain: list[etree._Element]) -> bool:
        return any(
            name.startswith(LIST_STYLE_PREFIXES) for style in chain for name in _style_names(style)
        )

    def _number(
        self, p: etree._Element, chain: list[etree._Element]
    ) -> tuple[bool, int, str | None]:
        """(is numbered, list level, rendered number) from the paragraph's or style's numPr.

        Every numbered paragraph advances its list's counter, even one that is skipped later
        as empty, because Word numbers it too.
        """
        num_pr = p.find("w:pPr/w:numPr", NS)
        num_id = _val(num_pr.find("w:numId", NS)) if num_pr is not None else None
        ilvl_element = num_pr.find("w:ilvl", NS) if num_pr is not None else None
        owner = None
        if num_id is None:
            for style in chain:
                style_num_pr = style.find("w:pPr/w:numPr", NS)
                style_num_id = (
                    _val(style_num_pr.find("w:numId", NS)) if style_num_pr is not None else None
                )
                if style_num_id is not None:
                    num_id, owner = style_num_id, style
                    if ilvl_element is None:
                        ilvl_element = style_num_pr.find("w:ilvl", NS)
                    break
        if num_id is None or num_id == "0":
            return False, 0, None
        if ilvl_element is not None:
            ilvl = _int(_val(ilvl_element))
        elif owner is not None:
            ilvl = self._numbering.level_for_style(num_id, owner.get(_w("styleId"), "")) or 0
        else:
            ilvl = 0
        return True, ilvl, self._numbering.next_number(num_id, ilvl)

    # -- runs

    def _runs(self, p: etree._Element, chain: list[etree._Element]) -> _Styled:
        collector = _Collector()
        for r in _RUNS(p):
            run_chain = self._styles.run_chain(r)
            if self._run_flag(r, run_chain, chain, "vanish"):
                continue
            bold = self._run_flag(r, run_chain, chain, "b")
            italic = self._run_flag(r, run_chain, chain, "i")
            for text in self._run_text(r):
                collector.add(text, bold, italic)
        return collector.finish()

    def _run_flag(
        self,
        r: etree._Element,
        run_chain: list[etree._Element],
        para_chain: list[etree._Element],
        tag: str,
    ) -> bool:
        """A run property as Word applies it: the run, its character style, the paragraph style."""
        for source in (r, *run_chain, *para_chain):
            value = _is_on(source.find(f"w:rPr/w:{tag}", NS))
            if value is not None:
                return value
        return False

    def _run_text(self, r: etree._Element) -> Iterator[str]:
        """The run's text pieces in order; page breaks update the page count on the way."""
        for child in r:
            tag = child.tag
            if tag == _w("t"):
                text = child.text or ""
                if text.strip():
                    self._saw_content()
                yield text
            elif tag in (_w("tab"), _w("ptab")):
                yield "\t"
            elif tag == _w("br"):
                if child.get(_w("type")) == "page":
                    self.pages.hard_break()
                else:
                    yield "\n"
            elif tag == _w("cr"):
                yield "\n"
            elif tag == _w("noBreakHyphen"):
                yield "-"
            elif tag == _w("lastRenderedPageBreak"):
                self.pages.soft_break()

    def _saw_content(self) -> None:
        if self._first_page is None:
            self._first_page = self.pages.page
        self.pages.content()

    # -- tables

    def _table(self, tbl: etree._Element) -> Block | None:
        rows = [row for row in self._table_rows(tbl) if row]
        if not any(cell.text for row in rows for cell in row):
            return None
        padded = pad_rows(rows)
        return Block(BlockKind.TABLE, table_text(padded), rows=padded)

    def _table_rows(self, tbl: etree._Element) -> list[list[Cell]]:
        """Rows of cells; a merged cell appears once per row (python-docx repeats it)."""
        seen: dict[etree._Element, Cell] = {}
        rows = []
        for row in Table(tbl, self._word.part).rows:
            cells: list[Cell] = []
            previous = None
            for tc in _row_tcs(row):
                if tc is previous:
                    continue
                previous = tc
                if tc not in seen:
                    styled = self._cell_text(tc)
                    seen[tc] = Cell(styled.text, styled.spans)
                cells.append(seen[tc])
            rows.append(cells)
        return rows

    def _cell_text(self, container: etree._Element) -> _Styled:
        """A cell's paragraphs, one per line; nested tables contribute their cells' text."""
        pieces: list[_Styled] = []
        for element in _content_elements(container):
            if element.tag == _w("tbl"):
                rows = self._table_rows(element)
                pieces.extend(_Styled(cell.text, cell.spans) for row in rows for cell in row)
                continue
            chain = self._styles.paragraph_chain(element)
            self._number(element, chain)  # keeps list counters in step with Word
            pieces.append(self._runs(element, chain))
        return _Styled(*join_styled((p.text, p.spans) for p in pieces if p.text))


# Word allows 63 columns; python-docx repeats a merged cell once per grid column it spans,
# so a crafted w:gridSpan of 4294967296 would build billions of cells (found by fuzzing).
MAX_GRID_COLUMNS = 1000
_GRID = etree.XPath("w:trPr/w:gridBefore/@w:val | w:trPr/w:gridAfter/@w:val", namespaces=NS)
_SPANS = etree.XPath("w:tc/w:tcPr/w:gridSpan/@w:val", namespaces=NS)


def _row_tcs(row: _Row) -> list[etree._Element]:
    """The ``w:tc`` of each grid cell; falls back to the row's own cells on a broken merge
    or an absurd grid."""
    tr = row._tr
    spans = _SPANS(tr)
    width = len(tr.tc_lst) - len(spans) + sum(_int(v, 1) for v in [*spans, *_GRID(tr)])
    if width > MAX_GRID_COLUMNS:
        return list(tr.tc_lst)
    try:
        return [cell._tc for cell in row.cells]
    except (ValueError, IndexError, AttributeError, InvalidXmlError):
        return list(tr.tc_lst)
