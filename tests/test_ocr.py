"""Text-layer check and OCR: the checks on strings, Tesseract on a few real pages.

Tesseract tests are skipped on a machine without it, except under CI (env CI set), where a
missing Tesseract is a failure: scripts/setup.sh installs it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline import ocr
from pipeline.backends import pdf
from pipeline.backends.pdf_layout import Word
from pipeline.model import BlockKind

FIXTURES = Path(__file__).parent / "fixtures"
SCAN = FIXTURES / "real" / "stenalderns_samfallighet_styrelse_2014-01-09_scan.pdf"
GARBLED = FIXTURES / "pdf" / "trasig_teckenkarta.pdf"


@pytest.fixture
def tesseract() -> None:
    problem = ocr.tesseract_problem()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"CI must have Tesseract with Swedish: {problem}")
        pytest.skip(problem)


def test_word_list_is_built_offline() -> None:
    words = ocr.swedish_words()
    assert {"och", "att", "beslut", "sammanträde", "justering", "mars", "torsdag"} <= words
    assert len(words) > 700


def test_readable_text_passes() -> None:
    text = (
        "Ordföranden öppnar sammanträdet och konstaterar att kallelsen har skickats ut i tid. "
        "Föredragningslistan godkändes och nämnden beslutar att protokollet ska justeras."
    )
    assert ocr.text_layer_problem(text) is None


def test_compounds_and_file_names_pass() -> None:
    # A LibreOffice page of the benchmark: 41 % in the small word list and a spelling score
    # in the doubtful band, so it was OCRed; its words are in wordfreq's list.
    text = (
        "Vårdgruppen beslutar avslå ansökan om ökat driftbidrag för att täcka höjda \n"
        "hyreskostnader för förhyrning av lokaler i ett mer centralt läge för \n"
        "Umeåregionens gemensamma överförmyndarkontor.\n4.2. Kapacitet i skolan\n"
        "UK_Rapport_elevutvecklingochskolkapacitet_rapport-12.pdf\n"
        'Under projektet "Kapacitetsutveckling" beställde projektledningen efter \n'
        "godkännande av kommuncheferna en kartläggning av kapacitet i skolan.\n"
        "Kartläggningen är färdigställd. Vårdgruppen har tagit del av rapporten. \n"
        "Ingen muntlig presentation av rapporten i kommunchefsgruppen görs.\n"
        "5. Föregående minnesanteckningar\nKC 160218 minnesanteckning_ej justerat.pdf\n"
        "Föregående minnesanteckningar gicks kortfattat igenom.\n"
        'Vårdgruppen reflekterade kring verktyget "run your meeting" och beslutade \n'
        "fortsätta testa verktyget.\nBESLUT\n"
        'Vårdgruppen beslutar att tillsvidare fortsätta använda verktyget "run your \n'
        'meeting". Eventuell återgång till ordning med kallelser och anteckningar i \n'
        "wordformat tas upp om behov uppstår."
    )
    assert ocr.text_layer_problem(text) is None


def test_broken_character_map_is_garbage() -> None:
    text = (
        "Förgdrggnnngslnsagn godkändgs. Nämndgn rgslusar ass godkänne prasakallgs fråm "
        "fögggågndg semmenslädg ach ordförendgn nnfarmgrer om dgs kommendg ergrssgs."
    )
    problem = ocr.text_layer_problem(text)
    assert problem is not None and problem.startswith("garbage text layer (")


def test_no_text() -> None:
    assert ocr.text_layer_problem("  12 \n 3 ") == "no text"


def test_section_sign_misreadings_repaired() -> None:
    words = [
        Word("8", 72, 78, 100, 112, 11),
        Word("6.", 82, 92, 100, 112, 11),
        Word("Val", 96, 116, 100, 112, 11),
        Word("Antal", 72, 100, 120, 132, 11),
        Word("8", 104, 110, 120, 132, 11),
        Word("st", 114, 124, 120, 132, 11),
    ]
    assert ocr.repair_section_signs(words) == 1
    assert [w.text for w in words] == ["§", "6.", "Val", "Antal", "8", "st"]


def test_tsv_words_in_points() -> None:
    tsv = (
        "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight"
        "\tconf\ttext\n"
        "4\t1\t1\t1\t1\t0\t300\t600\t900\t60\t-1\t\n"
        "5\t1\t1\t1\t1\t1\t300\t610\t300\t50\t96.5\tStyrelsemöte\n"
        "5\t1\t1\t1\t1\t2\t640\t620\t100\t40\t12.0\t,\n"
    )
    page = ocr.OcrPage(Path("x.png"), 1, 595, 842)
    (word,) = ocr.read_tsv(tsv, page)
    assert word.text == "Styrelsemöte"
    assert (word.x0, word.x1) == pytest.approx((72.0, 144.0))
    assert (word.top, word.bottom) == pytest.approx((144.0, 158.4))  # the line's box
    assert word.bold is None and word.italic is None  # emphasis unknown


def test_missing_tesseract_is_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr, "tesseract_problem", lambda: "tesseract is not installed")
    doc = pdf.read(SCAN)
    assert doc.pages == 2
    assert doc.blocks == []
    assert doc.metadata["warnings"] == "pages 1,2 need OCR but tesseract is not installed"
    assert "ocr_pages" not in doc.metadata


def test_scan_is_ocred(tesseract: None) -> None:
    doc = pdf.read(SCAN)
    assert doc.pages == 2
    assert doc.metadata["ocr_pages"] == "1,2"
    assert doc.metadata["ocr_reasons"] == "1:no text;2:no text"
    texts = [b.text for b in doc.blocks]
    header = next(
        b for b in doc.blocks if b.kind == BlockKind.TABLE and b.rows[0][0].text == "Tid:"
    )
    assert header.prov.page == 1
    assert "2014-01-09" in header.rows[0][1].text
    assert [r[0].text for r in header.rows[:3]] == ["Tid:", "Plats:", "Närvarande:"]
    headings = [b.text for b in doc.blocks if b.kind == BlockKind.HEADING]
    assert "3. Underhåll" in headings
    assert any(t.startswith("Styrelsen har bett gårdsförmännen") for t in texts)
    page2 = [b for b in doc.blocks if b.prov.page == 2]
    assert any("Nästa styrelsemöte" in b.text for b in page2)


def test_garbage_text_layer_is_ocred_keeping_emphasis(tesseract: None) -> None:
    doc = pdf.read(GARBLED)
    assert doc.metadata["ocr_pages"] == "1"
    assert doc.metadata["ocr_reasons"].startswith("1:garbage text layer (")
    title, body = doc.blocks
    assert title.kind == BlockKind.HEADING and title.text == "Protokoll"
    assert title.is_bold  # from the text layer's font, under the OCR words
    assert body.text.startswith("Föredragningslistan godkändes. Nämnden beslutar")
    assert body.prov.page == 1


def test_a_batch_worker_ocrs_with_its_share_of_the_cores(monkeypatch, tmp_path):
    """N workers each starting one Tesseract per core would run N x cores at once."""
    at_once = []

    class Recorder:
        def __init__(self, max_workers):
            at_once.append(max_workers)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def map(self, fn, items):
            return map(fn, items)

    monkeypatch.setattr(ocr, "ThreadPoolExecutor", Recorder)
    monkeypatch.setattr(ocr, "tesseract_problem", lambda: None)
    monkeypatch.setattr(ocr, "run_tesseract", lambda image, timeout: "level\ttext\n")
    monkeypatch.setattr(ocr, "_threads", None)
    pages = [ocr.OcrPage(tmp_path / f"{i}.png", i, 595.0, 842.0) for i in range(8)]
    ocr.ocr_pages(pages)
    ocr.set_threads(1)
    assert ocr.ocr_pages(pages) == [[] for _ in pages]
    assert at_once == [min(8, os.cpu_count() or 1), 1]
