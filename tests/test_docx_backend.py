"""Tests of the Word backend: the committed sample minutes and small documents built here."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from pipeline.backends import docx as docx_backend
from pipeline.errors import DocumentError
from pipeline.model import Block, BlockKind, Span, Style

SAMPLE = Path(__file__).parents[1] / "data" / "raw" / "kommunchefsmote_2016-03-16.docx"
HEADER = "Umeåregionen – Minnesanteckningar Kommunchefsmöte 2016-03-16"
FOOTER = "Sida 1"
ACTION_HEADER = ["ÅTGÄRDER", "SLUTDATUM", "ANSVARIG"]


@pytest.fixture(scope="module")
def sample():
    return docx_backend.read(SAMPLE)


def _find(blocks: list[Block], text: str, kind: BlockKind | None = None) -> Block:
    found = [b for b in blocks if b.text == text and (kind is None or b.kind == kind)]
    assert found, f"no block with text {text!r}"
    return found[0]


def _tables(blocks: list[Block]) -> list[Block]:
    return [b for b in blocks if b.kind == BlockKind.TABLE]


def _texts(rows) -> list[list[str]]:
    return [[cell.text for cell in row] for row in rows]


# -- the sample minutes ------------------------------------------------------------------------


def test_sample_document_metadata(sample):
    assert sample.format == "docx"
    assert sample.source_path == str(SAMPLE)
    assert sample.metadata["title"] == "Minnesanteckningar Kommunchefsmöte 2016-03-16"
    assert sample.pages == 2


def test_title_and_protokoll_headings_are_unnumbered(sample):
    title = sample.blocks[0]
    assert (title.kind, title.level, title.number) == (BlockKind.HEADING, 1, None)
    assert title.text == "Kommunchefsmöte, Umeåregionen"
    protokoll = _find(sample.blocks, "Protokoll")
    assert (protokoll.kind, protokoll.level, protokoll.number) == (BlockKind.HEADING, 1, None)


def test_agenda_item_number_comes_from_word_numbering(sample):
    item = _find(sample.blocks, "Föregående minnesanteckningar", BlockKind.HEADING)
    assert item.number == "1."
    assert item.level == 2
    assert item.display_text == "1. Föregående minnesanteckningar"


def test_agenda_items_are_numbered_consecutively(sample):
    numbered = [b for b in sample.blocks if b.kind == BlockKind.HEADING and b.number]
    assert [b.number for b in numbered if b.level == 2] == [f"{i}." for i in range(1, 17)]
    assert [(b.number, b.text) for b in numbered if b.level == 3] == [
        ("15.1.", "ÖFUR lokal"),
        ("15.2.", "Kapacitet i skolan"),
    ]
    assert all(not b.text[:1].isdigit() for b in numbered)


def test_other_headings_keep_their_mixed_levels(sample):
    beslut = [b for b in sample.blocks if b.text == "BESLUT"]
    assert {b.kind for b in beslut} == {BlockKind.HEADING}
    assert {b.level for b in beslut} == {3, 4}
    assert all(b.number is None for b in beslut)
    assert _find(sample.blocks, "Frågeställning").level == 4


def test_header_and_footer_are_not_body_blocks(sample):
    section = docx.Document(str(SAMPLE)).sections[0]
    assert section.header.paragraphs[0].text == HEADER  # present in the file ...
    assert section.footer.paragraphs[0].text == FOOTER
    texts = [b.text for b in sample.blocks]
    texts += [cell.text for t in _tables(sample.blocks) for row in t.rows for cell in row]
    assert not [t for t in texts if HEADER in t or FOOTER in t]  # ... but not in the body


def test_action_tables_have_three_columns_and_header(sample):
    tables = _tables(sample.blocks)
    assert len(tables) == 13
    for table in tables:
        assert {len(row) for row in table.rows} == {3}
        assert _texts(table.rows[:1]) == [ACTION_HEADER]


def test_tab_separated_action_table_cells_and_emphasis(sample):
    first = _tables(sample.blocks)[0]
    assert _texts(first.rows[1:]) == [
        [
            "Ta fram underlag för beslut om medfinansiering för UR-nära.",
            "2016-06-10",
            "Lisa Andersson Lindberg",
        ],
        ["Resp tar upp frågan i kommunen", "", ""],
    ]
    task, date, responsible = first.rows[1]
    assert task.is_italic and not task.is_bold
    assert not date.is_italic and not date.is_bold and date.spans == ()
    assert responsible.is_bold and not responsible.is_italic
    assert first.rows[2][1].spans == () and first.rows[2][2].spans == ()


def test_broken_form_action_list_became_a_table(sample):
    item5 = _find(sample.blocks, "Fortsatta arbetsformer för Regionrådet")
    table = next(b for b in sample.blocks[item5.prov.block :] if b.kind == BlockKind.TABLE)
    assert _texts(table.rows[1:]) == [
        [
            "Kontakta LG Brandt och L Lustig och bjud in till nästa regionrådsmöte den 17 juni.",
            "2016-03-22",
            "Magnus Haglund",
        ],
        [
            "Föreslå att frågan om storregion lyfts i ett samlat grepp vid kommande "
            "regionrådsmöte. Lisa pratar med Hans?",
            "",
            "Lisa Andersson Lindberg",
        ],
    ]
    assert [row[0].is_italic for row in table.rows[1:]] == [True, True]
    assert [row[2].is_bold for row in table.rows[1:]] == [True, True]


def test_item_7_follow_up_lines_stay_paragraphs_after_the_table(sample):
    item7 = _find(sample.blocks, "KS-seminariet 2016 - Attraktiv arbetsgivare")
    after = sample.blocks[item7.prov.block :]
    table_at = next(i for i, b in enumerate(after) if b.kind == BlockKind.TABLE)
    follow_up = after[table_at + 1 : table_at + 4]
    assert [b.kind for b in follow_up] == [BlockKind.PARAGRAPH] * 3
    assert follow_up[0].text.startswith("Följ upp KS-dagen vid nästa kommunchefsgruppen")
    assert follow_up[1].text == (
        "Kommunicera att beslut om ev fortsättning fattas efter KS-seminariet."
    )
    assert follow_up[2].text == "Lisa Andersson Lindberg"
    assert [b.is_italic for b in follow_up] == [True, True, False]
    assert [b.is_bold for b in follow_up] == [False, False, True]


def test_page_provenance_follows_the_page_break_before_item_9(sample):
    item9 = _find(sample.blocks, "Samverkansavtal Umeåregionen")
    assert item9.number == "9."
    before, after = sample.blocks[: item9.prov.block], sample.blocks[item9.prov.block :]
    assert {b.prov.page for b in before} == {1}
    assert {b.prov.page for b in after} == {2}
    # The page break sits in an empty paragraph of its own: skipped, but it keeps its index.
    assert item9.prov.paragraph == before[-1].prov.paragraph + 2


def test_paragraph_provenance_indexes_body_elements(sample):
    indexes = [b.prov.paragraph for b in sample.blocks]
    assert indexes == sorted(set(indexes))
    assert indexes[0] == 0
    assert [b.prov.block for b in sample.blocks] == list(range(len(sample.blocks)))


def test_sample_paragraph_joins_and_line_break(sample):
    assert _find(sample.blocks, "Kommunchefsmöte:\n27 april").kind == BlockKind.PARAGRAPH
    joined = [b for b in sample.blocks if b.text.startswith("De ärenden som behövde")]
    assert [b.text for b in joined] == [
        "De ärenden som behövde behandlas separat låg som egna punkter i förslag till "
        "dagordning för kommunchefsmötet. Se punkt 4, 5, 6, 7 och 8 i dessa anteckningar."
    ]
    assert _find(sample.blocks, "KC 160218 minnesanteckning_ej justerat.pdf")


def test_sample_bullets_and_italic_attendees(sample):
    bullets = [b for b in sample.blocks if b.kind == BlockKind.LIST_ITEM]
    assert [b.text for b in bullets[:2]] == [
        "Rapport avseende kapacitetsprognos i Umeåregionens skolor",
        "Lokalfråga ÖFUR",
    ]
    assert {b.number for b in bullets} == {"•"}
    attendee = _find(sample.blocks, "Jonas Jonsson, Umeå kommun")
    assert attendee.spans == (Span(0, len(attendee.text), Style.ITALIC),)


# -- small documents built here ---------------------------------------------------------------


def _save(document, tmp_path: Path, name: str = "test.docx") -> Path:
    path = tmp_path / name
    document.save(str(path))
    return path


def _set(parent, tag: str, **attrs: str):
    """Append ``<w:tag w:key="value" ...>`` to an element and return it."""
    element = OxmlElement(tag, {qn(f"w:{key}"): value for key, value in attrs.items()})
    parent.append(element)
    return element


def _add_list(document, levels: list[tuple[str, str]], start_override: int | None = None) -> int:
    """Add an abstract list with ``(numFmt, lvlText)`` levels and a num for it; return numId."""
    numbering = document.part.numbering_part.element
    abstract_id = str(100 + len(numbering.findall(qn("w:abstractNum"))))
    num_id = 100 + len(numbering.findall(qn("w:num")))
    abstract = OxmlElement("w:abstractNum", {qn("w:abstractNumId"): abstract_id})
    for ilvl, (fmt, text) in enumerate(levels):
        lvl = _set(abstract, "w:lvl", ilvl=str(ilvl))
        _set(lvl, "w:start", val="1")
        _set(lvl, "w:numFmt", val=fmt)
        _set(lvl, "w:lvlText", val=text)
    numbering.find(qn("w:num")).addprevious(abstract)
    num = _set(numbering, "w:num", numId=str(num_id))
    _set(num, "w:abstractNumId", val=abstract_id)
    if start_override is not None:
        override = _set(num, "w:lvlOverride", ilvl="0")
        _set(override, "w:startOverride", val=str(start_override))
    return num_id


def _number(element, num_id: int, ilvl: int = 0) -> None:
    """Give a paragraph or a paragraph style (their XML element) a ``w:numPr``."""
    num_pr = element.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = ilvl
    num_pr.get_or_add_numId().val = num_id


def test_outline_levels_and_style_chains_give_heading_levels(tmp_path):
    document = docx.Document()
    styles = document.styles
    item_style = styles.add_style("Minutes Item", WD_STYLE_TYPE.PARAGRAPH)
    item_style.base_style = styles["Heading 2"]
    outline_style = styles.add_style("Section Title", WD_STYLE_TYPE.PARAGRAPH)
    _set(outline_style.element.get_or_add_pPr(), "w:outlineLvl", val="0")
    swedish = styles.add_style("Rubrik 3", WD_STYLE_TYPE.PARAGRAPH)

    direct = document.add_paragraph("Direct outline level")
    _set(direct._p.get_or_add_pPr(), "w:outlineLvl", val="2")
    document.add_paragraph("Inherited from Heading 2", style=item_style)
    document.add_paragraph("Outline level on the style", style=outline_style)
    document.add_paragraph("Swedish style name", style=swedish)
    body_text = document.add_paragraph("Body text level", style="Heading 1")
    _set(body_text._p.get_or_add_pPr(), "w:outlineLvl", val="9")
    document.add_paragraph("Just text")

    blocks = docx_backend.read(_save(document, tmp_path)).blocks
    assert [(b.kind, b.level) for b in blocks] == [
        (BlockKind.HEADING, 3),
        (BlockKind.HEADING, 2),
        (BlockKind.HEADING, 1),
        (BlockKind.HEADING, 3),
        (BlockKind.PARAGRAPH, None),
        (BlockKind.PARAGRAPH, None),
    ]


def test_bullets_render_as_bullet_sign(tmp_path):
    document = docx.Document()
    document.add_paragraph("First point", style="List Bullet")
    document.add_paragraph("Second point", style="List Bullet")
    blocks = docx_backend.read(_save(document, tmp_path)).blocks
    assert [(b.kind, b.number, b.text, b.level) for b in blocks] == [
        (BlockKind.LIST_ITEM, "•", "First point", 1),
        (BlockKind.LIST_ITEM, "•", "Second point", 1),
    ]
    assert blocks[0].display_text == "First point"


def test_lower_letter_numbering_and_level_reset(tmp_path):
    document = docx.Document()
    num_id = _add_list(document, [("decimal", "%1."), ("lowerLetter", "%2)")])
    for text, ilvl in [("One", 0), ("A", 1), ("B", 1), ("Two", 0), ("A again", 1)]:
        _number(document.add_paragraph(text)._p, num_id, ilvl)
    blocks = docx_backend.read(_save(document, tmp_path)).blocks
    assert [(b.number, b.text, b.level) for b in blocks] == [
        ("1.", "One", 1),
        ("a)", "A", 2),
        ("b)", "B", 2),
        ("2.", "Two", 1),
        ("a)", "A again", 2),
    ]
    assert {b.kind for b in blocks} == {BlockKind.LIST_ITEM}


def test_roman_numbers_start_override_and_numbered_heading_style(tmp_path):
    document = docx.Document()
    roman = _add_list(document, [("upperRoman", "%1.")], start_override=3)
    heading_list = _add_list(document, [("decimal", "%1."), ("decimal", "%1.%2.")])
    styles = document.styles
    _number(
        styles["Heading 2"].element, heading_list, 0
    )  # numbering on the style, not the paragraph
    _number(document.add_paragraph("Third")._p, roman)
    _number(document.add_paragraph("Fourth")._p, roman)
    document.add_paragraph("Intro", style="Heading 2")
    sub = document.add_paragraph("Detail", style="Heading 3")
    _number(sub._p, heading_list, 1)
    document.add_paragraph("Next", style="Heading 2")
    blocks = docx_backend.read(_save(document, tmp_path)).blocks
    assert [(b.kind, b.number, b.text) for b in blocks] == [
        (BlockKind.LIST_ITEM, "III.", "Third"),
        (BlockKind.LIST_ITEM, "IV.", "Fourth"),
        (BlockKind.HEADING, "1.", "Intro"),
        (BlockKind.HEADING, "1.1.", "Detail"),
        (BlockKind.HEADING, "2.", "Next"),
    ]


def test_emphasis_spans_are_offsets_into_stripped_text(tmp_path):
    document = docx.Document()
    p = document.add_paragraph()
    p.add_run("  Plain ")
    p.add_run("bold").bold = True
    p.add_run(" and ").bold = True  # adjacent bold runs merge into one span
    both = p.add_run("both")
    both.bold = both.italic = True
    p.add_run("\tafter")
    p.add_run().add_break()
    p.add_run("line two  ").italic = True
    blocks = docx_backend.read(_save(document, tmp_path)).blocks
    (block,) = blocks
    assert block.text == "Plain bold and both\tafter\nline two"
    assert block.spans == (
        Span(6, 19, Style.BOLD),
        Span(15, 19, Style.ITALIC),
        Span(26, 34, Style.ITALIC),
    )
    assert block.text[6:19] == "bold and both"
    assert block.text[26:34] == "line two"


def test_bold_from_styles_and_explicit_off(tmp_path):
    document = docx.Document()
    heading = document.add_paragraph(style="Heading 1")  # the style is bold
    heading.add_run("Bold by style ")
    heading.add_run("not bold").bold = False  # <w:b w:val="0"/>
    p = document.add_paragraph()
    p.add_run("Strong", style="Strong")  # bold character style
    p.add_run(" plain")
    false_word = document.add_paragraph().add_run("off")
    _set(false_word._r.get_or_add_rPr(), "w:b", val="false")
    blocks = docx_backend.read(_save(document, tmp_path)).blocks
    assert blocks[0].text == "Bold by style not bold"
    assert blocks[0].spans == (Span(0, 14, Style.BOLD),)  # "Bold by style "
    assert blocks[1].spans == (Span(0, 6, Style.BOLD),)
    assert blocks[2].spans == ()


def test_empty_paragraphs_are_skipped_and_indexes_kept(tmp_path):
    document = docx.Document()
    document.add_paragraph("First")
    document.add_paragraph("   ")
    document.add_paragraph()
    document.add_paragraph("Second")
    blocks = docx_backend.read(_save(document, tmp_path)).blocks
    assert [(b.text, b.prov.paragraph, b.prov.block) for b in blocks] == [
        ("First", 0, 0),
        ("Second", 3, 1),
    ]


def test_merged_and_nested_table_cells(tmp_path):
    document = docx.Document()
    document.add_paragraph("Before")
    table = document.add_table(rows=2, cols=3)
    merged = table.cell(0, 0).merge(table.cell(0, 1))
    merged.text = "Wide"
    table.cell(0, 2).text = "Right"
    table.cell(1, 0).paragraphs[0].add_run("Task").italic = True
    table.cell(1, 1).text = "2016-03-17"
    inner = table.cell(1, 2).add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "Inner A"
    inner.cell(0, 1).text = "Inner B"
    document.add_paragraph("After")
    blocks = docx_backend.read(_save(document, tmp_path)).blocks
    assert [b.kind for b in blocks] == [BlockKind.PARAGRAPH, BlockKind.TABLE, BlockKind.PARAGRAPH]
    rows = blocks[1].rows
    assert _texts(rows) == [["Wide", "Right", ""], ["Task", "2016-03-17", "Inner A\nInner B"]]
    assert rows[1][0].is_italic
    assert blocks[1].prov.paragraph == 1


def test_vertically_merged_cell_repeats_in_each_row(tmp_path):
    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Task one"
    table.cell(1, 0).text = "Task two"
    shared = table.cell(0, 1).merge(table.cell(1, 1))
    shared.paragraphs[0].add_run("Lisa Andersson Lindberg").bold = True
    (block,) = docx_backend.read(_save(document, tmp_path)).blocks
    assert _texts(block.rows) == [
        ["Task one", "Lisa Andersson Lindberg"],
        ["Task two", "Lisa Andersson Lindberg"],
    ]
    assert block.rows[1][1].is_bold


def test_page_breaks_count_pages(tmp_path):
    document = docx.Document()
    document.add_paragraph("Page one")
    document.add_page_break()
    document.add_paragraph("Page two")
    document.add_paragraph("Page three").paragraph_format.page_break_before = True
    rendered = document.add_paragraph()
    rendered.add_run("Still three ")
    _set(rendered.add_run()._r, "w:lastRenderedPageBreak")
    rendered.add_run("ends on four")
    document.add_paragraph("Four")
    result = docx_backend.read(_save(document, tmp_path))
    assert [(b.text, b.prov.page) for b in result.blocks] == [
        ("Page one", 1),
        ("Page two", 2),
        ("Page three", 3),
        ("Still three ends on four", 3),
        ("Four", 4),
    ]
    assert result.pages == 4


def test_core_properties_become_metadata(tmp_path):
    document = docx.Document()
    document.core_properties.title = "Protokoll KS"
    document.core_properties.author = "Sekreteraren"
    document.add_paragraph("Text")
    result = docx_backend.read(_save(document, tmp_path))
    assert result.metadata == {"title": "Protokoll KS", "author": "Sekreteraren"}


# -- broken files ------------------------------------------------------------------------------


def test_zero_byte_file(tmp_path):
    path = tmp_path / "empty.docx"
    path.write_bytes(b"")
    with pytest.raises(DocumentError, match="not a valid .docx: the file is empty"):
        docx_backend.read(path)


def test_truncated_docx(tmp_path):
    path = tmp_path / "truncated.docx"
    path.write_bytes(SAMPLE.read_bytes()[:500])
    with pytest.raises(DocumentError, match="zip archive is truncated"):
        docx_backend.read(path)


def test_zip_without_word_document(tmp_path):
    path = tmp_path / "nodocument.docx"
    with zipfile.ZipFile(SAMPLE) as source, zipfile.ZipFile(path, "w") as target:
        for name in source.namelist():
            if name != "word/document.xml":
                target.writestr(name, source.read(name))
    with pytest.raises(DocumentError, match="has no word/document.xml"):
        docx_backend.read(path)


def test_plain_zip_is_not_a_word_document(tmp_path):
    path = tmp_path / "archive.docx"
    with zipfile.ZipFile(path, "w") as target:
        target.writestr("readme.txt", "hello")
    with pytest.raises(DocumentError, match="word/document.xml"):
        docx_backend.read(path)


def test_text_file_is_not_a_zip(tmp_path):
    path = tmp_path / "minutes.docx"
    path.write_text("Kommunchefsmöte 2016-03-16\n", encoding="utf-8")
    with pytest.raises(DocumentError, match="file is not a zip archive"):
        docx_backend.read(path)


def test_broken_xml_in_document_part(tmp_path):
    path = tmp_path / "badxml.docx"
    with zipfile.ZipFile(SAMPLE) as source, zipfile.ZipFile(path, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            target.writestr(name, data[:200] if name == "word/document.xml" else data)
    with pytest.raises(DocumentError, match="broken XML"):
        docx_backend.read(path)
