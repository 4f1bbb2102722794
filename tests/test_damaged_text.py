"""Damaged text: broken character maps, OCR misreadings and letterheads, and the rules of
Swedish minutes that the real Nykarleby protokoll exercises (earlier handlings, run-together
attendance lines, the organisation's own name)."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest

from pipeline.backends.pdf_layout import Line, PageWords, Word, strip_running_lines
from pipeline.backends.pdf_text import FontWidths, read_text_layer
from pipeline.extract import _self_named_organization, extract_tables
from pipeline.model import Block, BlockKind, Document, Provenance, Span, Style
from pipeline.normalize.names import given_name_first
from pipeline.ocr_words import repair_ocr_words
from pipeline.structure import find_structure

FIXTURES = Path(__file__).parent / "fixtures"
NYKARLEBY = FIXTURES / "real" / "nykarleby_valfardsnamnden_2022-09-15.pdf"


def para(text: str, page: int = 1, bold: bool = False) -> Block:
    spans = (Span(0, len(text), Style.BOLD),) if bold else ()
    return Block(BlockKind.PARAGRAPH, text, spans, prov=Provenance(page=page))


def layers(path: Path) -> list:
    pdf = pdfium.PdfDocument(path)
    widths = FontWidths()
    try:
        found = []
        for index in range(len(pdf)):
            page = pdf[index]
            text_page = page.get_textpage()
            found.append(read_text_layer(page, text_page, widths))
            text_page.close()
            page.close()
        return found
    finally:
        pdf.close()


# -- broken character maps -------------------------------------------------------------------


def test_broken_character_map_is_told_by_glyph_widths():
    pages = layers(NYKARLEBY)
    # Page 5 reads "Välfärdsnärndens beslut: Föredragningslistan godkändesE": the bold "m"
    # glyph maps to "r", the "." to "E". Its words pass the word-list checks; not its glyphs.
    assert "Välfärdsnärndens" in pages[4].text
    assert "broken character map" in pages[4].broken_map
    assert "broken character map" in pages[2].broken_map  # "beslutörr": "." read as "r"
    assert pages[0].broken_map is None  # the title page's map is sound
    assert pages[1].broken_map is None  # ... and the table of contents'


@pytest.mark.parametrize(
    "path",
    [
        FIXTURES / "dev" / "socialnamnden_vindeln_2017-05-23.pdf",
        FIXTURES / "real" / "stenalderns_samfallighet_styrelse_2025-03-13.pdf",
        FIXTURES / "pdf" / "protokoll_3_sidor.pdf",
    ],
)
def test_sound_fonts_with_ligatures_are_not_broken(path):
    assert [layer.broken_map for layer in layers(path)] == [None] * len(layers(path))


def test_letterhead_read_differently_by_ocr_on_every_page_is_a_running_line():
    def line(texts: list[str], top: float, index: int) -> Line:
        words = [Word(w, 70 + 90 * i, 150 + 90 * i, top, top + 10, 10) for i, w in enumerate(texts)]
        return Line(words, index)

    def page(number: int, logo: str) -> tuple[PageWords, list[Line]]:
        lines = [
            line(logo.split(), 20, 1),
            line(["UUSIKAARLEPYY"], 32, 2),
            line(["Beslut", "nummer", str(number)], 400, 3),
        ]
        return PageWords(number, 600, 800, [w for ln in lines for w in ln.words]), lines

    pages = [page(1, "SD NYKARLEBY"), page(2, "& j NYKARLEBY"), page(3, "ÖR NYKARLEBY")]
    strip_running_lines(pages)
    assert [[ln.text for ln in lines] for _, lines in pages] == [
        ["Beslut nummer 1"],
        ["Beslut nummer 2"],
        ["Beslut nummer 3"],
    ]


# -- OCR misreadings -------------------------------------------------------------------------


def ocr_document(*blocks: Block, ocr_pages: str = "2") -> Document:
    return Document("x.pdf", "pdf", list(blocks), pages=2, metadata={"ocr_pages": ocr_pages})


def test_a_misread_word_takes_the_documents_own_spelling():
    doc = ocr_document(
        para("Välfärdsnämnden 15.9.2022, 39 §", 1),
        para("Välfärdsnämnden utser justerare. Välfärdsnämnden godkänner listan.", 1),
        para("Välfärdshämnden konstaterades vara beslutför.", 2, bold=True),
    )
    repaired = repair_ocr_words(doc)
    block = repaired.blocks[2]
    assert block.text == "Välfärdsnämnden konstaterades vara beslutför."
    assert block.spans == doc.blocks[2].spans and block.prov.page == 2
    assert repaired.blocks[:2] == doc.blocks[:2]


def test_text_layer_pages_and_names_are_never_respelled():
    words = "Karlsson Karlsson Karlsson Eriksson Eriksson Eriksson"
    doc = ocr_document(
        para(words, 1),
        para("Välfärdsnämnden Välfärdsnämnden Välfärdsnämnden", 1),
        para("Carlsson och Ericsson", 2),  # first letter / a pair OCR does not confuse
        para("Välfärdshämnden", 1),  # as typed on a text-layer page
    )
    assert repair_ocr_words(doc).blocks == doc.blocks
    assert repair_ocr_words(ocr_document(*doc.blocks, ocr_pages="")) is not None


# -- the rules of the minutes ----------------------------------------------------------------


def test_decisions_of_earlier_handlings_are_not_this_meetings():
    doc = Document(
        "x.pdf",
        "pdf",
        [
            para("Organ: Välfärdsnämnden"),
            Block(BlockKind.HEADING, "47 § Mötestider 2022", level=2),
            para("Tidigare behandling:"),
            para("Välfärdsnämnden 25.11.2021, 56 §"),
            para("Välfärdsnämnden 25.11.2021, 56 §"),
            para("Välfärdsnämndens beslut:", bold=True),
            para("Mötesdatumen fastställdes enligt förslag."),
            para("Välfärdsnämnden 15.9.2022, 47 §"),
            para("Välfärdsnämndens beslut:", bold=True),
            para("Enligt förslag."),
            Block(BlockKind.HEADING, "48 § Budget", level=2),
            para("Välfärdsnämndens beslut:", bold=True),
            para("Antecknades för kännedom."),
        ],
    )
    found = find_structure(doc)
    assert [(d.item_number, d.text) for d in found.decisions] == [
        ("47", "Enligt förslag."),
        ("48", "Antecknades för kännedom."),
    ]
    assert "Mötesdatumen fastställdes enligt förslag." in found.items[0].text


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("Phan An Tuan", "An Tuan Phan"),
        ("Svensson Anna Karin", "Anna Karin Svensson"),
        ("Andersson Lindberg Lisa", "Lisa Andersson Lindberg"),
        ("Anna Karin Svensson", "Anna Karin Svensson"),
    ],
)
def test_three_word_names_in_surname_first_lists(written, name):
    assert given_name_first(written, True) == name
    assert given_name_first(written, False) == written


def test_organisation_named_in_the_text_and_its_own_web_address():
    def doc(*texts: str) -> Document:
        return Document("x.pdf", "pdf", [para(t) for t in texts])

    own = doc(
        "Protokollet publiceras på www.nykarleby.fi 22.9.2022.",
        "Nykarleby stad ser helst att föreningarna tränar tidigt.",
        "Begäran lämnas in till Nykarleby stads registratur.",
        "Samarbete med Vörå kommun och Vörå kommun.",
    )
    assert _self_named_organization(own) == "Nykarleby stad"
    # another municipality the text names, without an address of its own, is not it
    assert _self_named_organization(doc("Samarbete med Vörå kommun.", "www.example.fi")) is None
    assert _self_named_organization(doc("Nykarleby stad", "Nykarleby stad")) is None


def test_attendance_lines_run_together_keep_each_persons_titles(nlp):
    doc = Document(
        "x.pdf",
        "pdf",
        [
            para("Organ: Välfärdsnämnden"),
            para("Övriga närvarande", bold=True),
            para(
                "Rif Solveig, kanslist, protokollförare Wingren Emil, media- och "
                "kulturkoordinator, t.o.m. kl. 18.45 § 42 och 43 (del)"
            ),
            Block(BlockKind.HEADING, "39 § Sammanträdets laglighet", level=2),
        ],
    )
    people = {a["name"]: a["roles"] for a in extract_tables(doc, "doc_x", nlp)["attendees"]}
    assert people["Emil Wingren"] == ["media- och kulturkoordinator"]
    assert people["Solveig Rif"] == ["kanslist", "sekreterare"]
