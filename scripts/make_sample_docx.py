"""Write data/raw/kommunchefsmote_2016-03-16.docx: the sample meeting as a real Word document.

The .docx sample carries the same minutes as the Run-your-meeting export next to it, but in
the shape Word gives them: heading styles whose item numbers are Word's automatic numbering
(not typed text), action lists as real tables, italic and bold runs, a bullet list style, a
line break inside a paragraph, a page header and footer, and one explicit page break
(before item 9), so the document has two pages.

This script deliberately imports nothing from ``pipeline``: it is its own small reading of
the export, so the tests of the docx backend do not check the pipeline against itself.
Run it again after changing it; the output is deterministic (fixed dates, fixed zip times).

Usage: python scripts/make_sample_docx.py
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.table import Table

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "data" / "raw" / "kommunchefsmote_2016-03-16.rym.md"
TARGET = ROOT / "data" / "raw" / "kommunchefsmote_2016-03-16.docx"

TITLE = "Minnesanteckningar Kommunchefsmöte 2016-03-16"
HEADER = "Umeåregionen – Minnesanteckningar Kommunchefsmöte 2016-03-16"
FOOTER = "Sida 1"
PAGE_BREAK_BEFORE_ITEM = (9,)
FIXED_TIME = datetime(2016, 3, 17, 9, 0, 0)
ZIP_TIME = (2016, 3, 17, 9, 0, 0)

ACTION_COLUMNS = ("ÅTGÄRDER", "SLUTDATUM", "ANSVARIG")
HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
ITEM = re.compile(r"^(\d+)\.(?:(\d+)\.)?\s+(.*)$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
BOLD_LINE = re.compile(r"^\*\*(.+)\*\*$")
ITALIC_LINE = re.compile(r"^\*([^*].*)\*$")
TAGS = re.compile(r"</?[ib]>")


# -- a small model of what goes into the document ---------------------------------------------


@dataclass
class Run:
    text: str
    bold: bool = False
    italic: bool = False
    line_break_before: bool = False


@dataclass
class Paragraph:
    runs: list[Run]
    style: str | None = None
    number_level: int | None = None  # 0 = agenda item, 1 = sub-item (automatic numbering)


@dataclass
class ActionTable:
    rows: list[list[str]] = field(default_factory=list)  # task, date, responsible


@dataclass
class PageBreak:
    pass


Element = Paragraph | ActionTable | PageBreak


def unescape(text: str) -> str:
    return text.replace("\\_", "_")


def inline_runs(text: str) -> list[Run]:
    """A whole-line ``**bold**`` or ``*italic*`` line as one run; anything else plain."""
    text = text.strip()
    if match := BOLD_LINE.match(text):
        return [Run(unescape(match.group(1)), bold=True)]
    if match := ITALIC_LINE.match(text):
        return [Run(unescape(match.group(1)), italic=True)]
    return [Run(unescape(text))]


# -- reading the export ----------------------------------------------------------------------


def units(text: str) -> list[list[str]]:
    """Markdown blocks: runs of non-blank lines separated by blank lines."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in text.splitlines():
        if line.strip():
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


class Converter:
    """Turns the export's blocks into document elements, checking the item numbers on the way."""

    def __init__(self) -> None:
        self.elements: list[Element] = []
        self.item = 0
        self.sub_item = 0
        self.actions: ActionTable | None = None
        self.expected_headings: list[str] = []

    def convert(self, text: str) -> list[Element]:
        for block in units(text):
            self.block(block)
        return self.elements

    def block(self, lines: list[str]) -> None:
        first = lines[0]
        if self.actions is not None and self.action_line(first):
            return
        self.actions = None
        heading = HEADING.match(first)
        if heading and len(lines) == 1:
            self.heading(len(heading.group(1)), heading.group(2).strip())
        elif first.split("\t") == list(ACTION_COLUMNS):
            self.tab_table(lines[1:])
        elif first.strip() == "---":
            return
        elif all(line.startswith("- ") for line in lines):
            for line in lines:
                self.elements.append(Paragraph(inline_runs(line[2:]), style="List Bullet"))
        else:
            self.paragraph(lines)

    def heading(self, hashes: int, text: str) -> None:
        if hashes == 1:
            self.elements.append(Paragraph([Run(unescape(text))], style="Title"))
        elif text == "Protokoll":
            self.elements.append(Paragraph([Run(text)], style="Heading 1"))
        elif item := ITEM.match(text):
            self.agenda_item(int(item.group(1)), item.group(2), item.group(3))
        elif text == ACTION_COLUMNS[0]:
            self.actions = ActionTable()
            self.elements.append(self.actions)
        else:
            level = min(max(hashes, 3), 4)
            self.elements.append(Paragraph([Run(unescape(text))], style=f"Heading {level}"))

    def agenda_item(self, number: int, sub: str | None, text: str) -> None:
        """An agenda heading; its number must be what Word's automatic numbering will show."""
        if sub is None:
            self.item, self.sub_item = self.item + 1, 0
            expected, level = (self.item,), 0
        else:
            self.sub_item += 1
            expected, level = (self.item, self.sub_item), 1
        found = (number,) if sub is None else (number, int(sub))
        if found != expected:
            raise SystemExit(f"item {found} would be numbered {expected} by Word; fix the source")
        if sub is None and number in PAGE_BREAK_BEFORE_ITEM:
            self.elements.append(PageBreak())
        style = "Heading 2" if level == 0 else "Heading 3"
        self.elements.append(Paragraph([Run(unescape(text))], style=style, number_level=level))

    def action_line(self, line: str) -> bool:
        """One line of a broken-form action list (task, then date, then name); False if not."""
        assert self.actions is not None
        line = line.strip()
        if (heading := HEADING.match(line)) and heading.group(2).strip() in ACTION_COLUMNS[1:]:
            return True
        if match := BOLD_LINE.match(line):
            if self.actions.rows:
                self.actions.rows[-1][2] = unescape(match.group(1))
                return True
            return False
        if match := ITALIC_LINE.match(line):
            self.actions.rows.append([unescape(match.group(1)), "", ""])
            return True
        if DATE.match(line) and self.actions.rows:
            self.actions.rows[-1][1] = line
            return True
        return False

    def tab_table(self, lines: list[str]) -> None:
        table = ActionTable()
        for line in lines:
            cells = [unescape(TAGS.sub("", cell)).strip() for cell in line.split("\t")]
            table.rows.append((cells + ["", "", ""])[:3])
        self.elements.append(table)

    def paragraph(self, lines: list[str]) -> None:
        """A plain paragraph; a hard break (two trailing spaces) becomes a line break."""
        runs: list[Run] = []
        for i, line in enumerate(lines):
            for run in inline_runs(line):
                run.line_break_before = i > 0 and lines[i - 1].endswith("  ")
                if i > 0 and not run.line_break_before:
                    run.text = " " + run.text
                runs.append(run)
        previous = self.elements[-1] if self.elements else None
        if self.continues(previous, runs):
            previous.runs[-1].text += " " + runs[0].text
            return
        self.elements.append(Paragraph(runs))

    @staticmethod
    def continues(previous: Element | None, runs: list[Run]) -> bool:
        """The export split a sentence over two blocks ("... för" / "kommunchefsmötet.")."""
        return (
            isinstance(previous, Paragraph)
            and previous.style is None
            and len(runs) == 1
            and not (runs[0].bold or runs[0].italic)
            and runs[0].text[:1].islower()
            and not previous.runs[-1].text.rstrip().endswith((".", ":", "!", "?"))
        )


# -- writing Word ----------------------------------------------------------------------------


def add_item_numbering(document: docx.document.Document) -> str:
    """Add a two-level list ("1." / "1.1.") for the agenda headings; return its numId."""
    numbering = document.part.numbering_part.element
    abstract_ids = [
        int(a.get(qn("w:abstractNumId"))) for a in numbering.findall(qn("w:abstractNum"))
    ]
    num_ids = [int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))]
    abstract_id, num_id = str(max(abstract_ids, default=-1) + 1), str(max(num_ids, default=0) + 1)

    abstract = OxmlElement("w:abstractNum", {qn("w:abstractNumId"): abstract_id})
    abstract.append(OxmlElement("w:multiLevelType", {qn("w:val"): "multilevel"}))
    for ilvl, text in enumerate(("%1.", "%1.%2.")):
        lvl = OxmlElement("w:lvl", {qn("w:ilvl"): str(ilvl)})
        for tag, value in (("w:start", "1"), ("w:numFmt", "decimal"), ("w:lvlText", text)):
            lvl.append(OxmlElement(tag, {qn("w:val"): value}))
        lvl.append(OxmlElement("w:lvlJc", {qn("w:val"): "left"}))
        abstract.append(lvl)
    # Schema order: every w:abstractNum comes before the first w:num.
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)

    num = OxmlElement("w:num", {qn("w:numId"): num_id})
    num.append(OxmlElement("w:abstractNumId", {qn("w:val"): abstract_id}))
    numbering.append(num)
    return num_id


def write_paragraph(document: docx.document.Document, para: Paragraph, num_id: str) -> None:
    p = document.add_paragraph(style=para.style)
    for run in para.runs:
        if run.line_break_before:
            p.add_run().add_break()
        r = p.add_run(run.text)
        r.bold = run.bold or None
        r.italic = run.italic or None
    if para.number_level is not None:
        num_pr = p._p.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = para.number_level
        num_pr.get_or_add_numId().val = int(num_id)


def write_table(document: docx.document.Document, actions: ActionTable) -> None:
    table = document.add_table(rows=1, cols=len(ACTION_COLUMNS))
    table.style = "Table Grid"
    for cell, heading in zip(table.rows[0].cells, ACTION_COLUMNS, strict=True):
        cell.text = heading
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for task, date, responsible in actions.rows:
        task_cell, date_cell, responsible_cell = table.add_row().cells
        if task:
            task_cell.paragraphs[0].add_run(task).italic = True
        if date:
            date_cell.paragraphs[0].add_run(date)
        if responsible:
            responsible_cell.paragraphs[0].add_run(responsible).bold = True


def build(elements: list[Element]) -> docx.document.Document:
    document = docx.Document()
    num_id = add_item_numbering(document)
    for element in elements:
        if isinstance(element, PageBreak):
            document.add_page_break()
        elif isinstance(element, ActionTable):
            write_table(document, element)
        else:
            write_paragraph(document, element, num_id)
    section = document.sections[0]
    section.header.paragraphs[0].text = HEADER
    section.footer.paragraphs[0].text = FOOTER
    props = document.core_properties
    props.title = TITLE
    props.author = "scripts/make_sample_docx.py"
    props.last_modified_by = "scripts/make_sample_docx.py"
    props.language = "sv-SE"
    props.comments = f"Built from {SOURCE.name} by scripts/make_sample_docx.py"
    props.created = props.modified = FIXED_TIME
    props.last_printed = FIXED_TIME
    props.revision = 1
    return document


def save_deterministic(document: docx.document.Document, target: Path) -> None:
    """Save with fixed zip timestamps so re-running gives byte-identical output."""
    buffer = io.BytesIO()
    document.save(buffer)
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(target, "w") as out:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(fixed, source.read(info.filename))


# -- checking the result ---------------------------------------------------------------------


def source_texts(text: str) -> list[str]:
    """Every text line of the export, as a reader sees it (markup and item numbers removed)."""
    texts = []
    for line in text.splitlines():
        line = unescape(TAGS.sub("", line)).strip()
        if heading := HEADING.match(line):
            line = heading.group(2)
            if item := ITEM.match(line):
                line = item.group(3)
        line = line.removeprefix("- ") if not line.startswith("*") else line
        line = line.strip("*").strip()
        if line and line != "---":
            texts.extend(part for part in line.split("\t") if part)
    return texts


def docx_text(target: Path) -> str:
    """All body text of the written file, paragraphs and table cells, read with python-docx."""
    document = docx.Document(str(target))
    parts = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            parts.extend(cell.text for row in block.rows for cell in row.cells)
        else:
            parts.append(block.text)
    return "\n".join(parts)


def check(target: Path, source: str) -> None:
    body = docx_text(target)
    missing = [text for text in source_texts(source) if text not in body]
    if missing:
        raise SystemExit(f"{len(missing)} source lines missing from {target.name}: {missing[:5]}")
    if HEADER in body or FOOTER in body:
        raise SystemExit("page header or footer text leaked into the body")


def main() -> None:
    source = SOURCE.read_text(encoding="utf-8")
    elements = Converter().convert(source)
    save_deterministic(build(elements), TARGET)
    check(TARGET, source)
    print(f"{len(elements)} elements -> {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
