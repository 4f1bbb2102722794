"""The PDF backend on generated PDFs (scripts/make_test_pdfs.py) and on the real ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.backends import BACKENDS, pdf
from pipeline.backends.pdf_layout import Line, Word, group_lines
from pipeline.errors import DocumentError
from pipeline.model import BlockKind, Document

FIXTURES = Path(__file__).parent / "fixtures"
GENERATED = FIXTURES / "pdf"
REAL = FIXTURES / "real"


@pytest.fixture(scope="module")
def protokoll() -> Document:
    return pdf.read(GENERATED / "protokoll_3_sidor.pdf")


def texts(doc: Document) -> list[str]:
    return [b.text for b in doc.blocks]


def test_registered() -> None:
    assert BACKENDS["pdf"] is pdf.read


def test_page_count_and_provenance(protokoll: Document) -> None:
    assert protokoll.pages == 3
    assert protokoll.format == "pdf"
    assert {b.prov.page for b in protokoll.blocks} == {1, 2, 3}
    assert all(b.prov.line is not None and b.prov.line >= 1 for b in protokoll.blocks)


def test_running_header_and_footer_removed(protokoll: Document) -> None:
    joined = "\n".join(texts(protokoll))
    for running in ("SAMMANTRÄDESPROTOKOLL", "Sida", "Justerandes sign", "Utdragsbestyrkande"):
        assert running not in joined
    # The body's own title is kept although the header repeats the same words.
    assert protokoll.blocks[0].text == "Socialnämnden"


def test_bold_headings_with_levels(protokoll: Document) -> None:
    headings = [(b.text, b.level) for b in protokoll.blocks if b.kind == BlockKind.HEADING]
    assert headings == [
        ("Socialnämnden", 1),
        ("§ 1 Sammanträdets öppnande", 2),
        ("§ 2 Ekonomisk uppföljning", 2),
        ("§ 3 Åtgärder", 2),
    ]
    assert all(b.is_bold for b in protokoll.blocks if b.kind == BlockKind.HEADING)
    assert protokoll.blocks[0].prov.page == 1
    section3 = next(b for b in protokoll.blocks if b.text == "§ 3 Åtgärder")
    assert section3.prov.page == 2


def test_hyphenated_word_joined(protokoll: Document) -> None:
    intro = next(b for b in protokoll.blocks if b.text.startswith("Ordföranden"))
    assert "öppnar sammanträdet och konstaterar" in intro.text
    assert "sammanträ-" not in intro.text
    assert intro.text.endswith("inom en vecka.")


def test_paragraph_across_page_break_joined(protokoll: Document) -> None:
    long = [b for b in protokoll.blocks if "Ekonomichefen" in b.text]
    assert len(long) == 1
    block = long[0]
    assert block.prov.page == 1
    assert block.text.endswith("med stöd av den nya planen för verksamheten.")
    assert not any(b.text.startswith(("förvaltningens", "bedrivas")) for b in protokoll.blocks)


def test_label_value_layout_is_a_two_column_table(protokoll: Document) -> None:
    table = next(b for b in protokoll.blocks if b.kind == BlockKind.TABLE)
    rows = [[c.text for c in row] for row in table.rows]
    assert rows == [
        ["Plats och tid", "Kommunhusets tingssal, 2024-03-12 kl. 13.00–15.30"],
        ["Beslutande", "Anna Andersson (S), ordförande Bertil Berg (M)"],
        ["Justerare", "Cecilia Carlsson (C)"],
    ]
    assert table.rows[0][0].is_bold and not table.rows[0][1].is_bold


def test_ruled_table(protokoll: Document) -> None:
    tables = [b for b in protokoll.blocks if b.kind == BlockKind.TABLE and b.prov.page == 3]
    assert len(tables) == 1
    rows = [[c.text for c in row] for row in tables[0].rows]
    assert rows == [
        ["Åtgärd", "Ansvarig", "Klart"],
        ["Ny rutin för placeringar", "Eva Ek", "2024-05-01"],
        ["Uppföljning av stöd", "Olof Ohlsson", "2024-06-15"],
    ]
    assert all(c.is_bold for c in tables[0].rows[0])
    assert texts(protokoll)[-1] == "Protokollet justeras den 19 mars 2024."


def test_two_columns_in_reading_order() -> None:
    doc = pdf.read(GENERATED / "tva_spalter.pdf")
    assert [b.kind for b in doc.blocks] == [
        BlockKind.HEADING,
        BlockKind.PARAGRAPH,
        BlockKind.PARAGRAPH,
    ]
    left, right = doc.blocks[1].text, doc.blocks[2].text
    assert left.startswith("Vänster spalt börjar här") and left.endswith("Slut på vänster.")
    assert right.startswith("Höger spalt fortsätter") and right.endswith("Slut på höger.")


def test_hyphen_kept_before_capital() -> None:
    words = [Word("Per-", 0, 20, 0, 10, 10), Word("Eric", 0, 20, 12, 22, 10)]
    lines = group_lines(words)
    assert len(lines) == 2
    from pipeline.backends.pdf_layout import _compose_lines

    assert _compose_lines(lines)[0] == "Per-Eric"
    assert _compose_lines([Line([Word("HR-nämnd", 0, 40, 0, 10, 10)])])[0] == "HR-nämnd"


def test_broken_file_names_the_problem(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="not a valid PDF: the file is damaged"):
        pdf.read(GENERATED / "avbruten.pdf")
    empty = tmp_path / "tom.pdf"
    empty.write_bytes(b"")
    with pytest.raises(DocumentError, match="empty"):
        pdf.read(empty)
    with pytest.raises(DocumentError, match="no such file"):
        pdf.read(tmp_path / "saknas.pdf")


def test_encrypted_pdf(tmp_path: Path) -> None:
    # A PDF whose trailer declares a standard security handler it cannot satisfy.
    data = (GENERATED / "tva_spalter.pdf").read_bytes()
    encrypted = data.replace(
        b"trailer\n<< ",
        b"trailer\n<< /Encrypt << /Filter /Standard /V 1 /R 2 /Length 40 /P -4 "
        b"/O <" + b"00" * 32 + b"> /U <" + b"11" * 32 + b"> >> /ID [<00><00>] ",
    )
    path = tmp_path / "lost.pdf"
    path.write_bytes(encrypted)
    with pytest.raises(DocumentError, match="^encrypted PDF: "):
        pdf.read(path)


# -- the real PDFs ---------------------------------------------------------------------------


def test_nykarleby_text_layer(monkeypatch: pytest.MonkeyPatch) -> None:
    # The garbled pages are left out of OCR here (test_ocr reads one): text layer only.
    monkeypatch.setattr("pipeline.ocr.tesseract_problem", lambda: "disabled in this test")
    doc = pdf.read(REAL / "nykarleby_valfardsnamnden_2022-09-15.pdf")
    assert doc.pages == 25
    assert "need OCR" in doc.metadata["warnings"]
    header = doc.blocks[0]
    assert header.kind == BlockKind.TABLE and header.prov.page == 1
    cells = {r[0].text: r[1].text for r in header.rows}
    # "Sammanträdestd" in the text layer: the dropped "ti" ligature is restored.
    assert cells["Sammanträdestid"] == "15.9.2022 kl. 18.00 – 19.37"
    assert int(doc.metadata["ligatures_repaired"]) > 100
    toc, heading = [b for b in doc.blocks if b.text.startswith("39 § Sammanträdets")]
    assert toc.kind == BlockKind.PARAGRAPH and toc.prov.page == 2  # the table of contents
    assert heading.kind == BlockKind.HEADING and heading.prov.page == 3 and heading.is_bold
    # The running header "Protokoll  40 §  15.09.2022  Sida / Välfärdsnämnden  2" is gone.
    assert not any("Sida" in b.text and "15.09.2022" in b.text for b in doc.blocks)


def test_stenalderns_2025() -> None:
    doc = pdf.read(REAL / "stenalderns_samfallighet_styrelse_2025-03-13.pdf")
    assert doc.pages == 3
    header = next(b for b in doc.blocks if b.kind == BlockKind.TABLE)
    cells = {r[0].text: r[1].text for r in header.rows}
    assert cells["Datum och tid:"] == "2025-03-13 19.00"
    assert cells["Närvarande:"].startswith("Björn Goffeng, Jan Sjögren")
    items = next(b for b in doc.blocks if b.rows and b.rows[0][1].text == "Vad")
    assert items.prov.page == 1
    numbers = [r[0].text for r in items.rows[1:]]
    assert numbers[-2:] == ["20.", "22."]  # the table continues over three pages
    assert items.rows[2][1].text == "Val av justerare\nYlva väljs till justerare."


def test_brf_imatra_ocr_layer_kept_and_section_signs_repaired() -> None:
    doc = pdf.read(REAL / "brf_imatra_stamma_2018-04-26_ocr.pdf")
    assert doc.pages == 6
    assert doc.metadata["ocr_layer_pages"] == "1,2,3,4,5,6"
    assert "ocr_pages" not in doc.metadata
    headings = [b.text for b in doc.blocks if b.kind == BlockKind.HEADING]
    assert "§ 1. Stämmans öppnande" in headings
    six = "§ 6. Val av två personer att jämte stämmoordförande justera protokollet samt av "
    assert six + "rösträknare" in headings
    numbered = [h for h in headings if h.startswith("§ ")]
    assert len(numbered) >= 18
    assert any("den 26 april 2018" in t for t in texts(doc))
