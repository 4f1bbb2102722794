"""Restoring stripped å/ä/ö: the sample's item 6, held-out paragraphs, no damage to good text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import SAMPLE_RYM

from pipeline.normalize.diacritics import add_restored_columns, is_folded, restore

EVAL = Path(__file__).resolve().parent / "nlp_eval"
FOLD = str.maketrans("åäöÅÄÖ", "aaoAAO")
_WORD = re.compile(r"\w+")


def word_accuracy(expected: str, got: str) -> float:
    want, have = _WORD.findall(expected), _WORD.findall(got)
    assert len(want) == len(have)
    return sum(a == b for a, b in zip(want, have, strict=True)) / len(want)


def _item6_paragraphs() -> list[str]:
    text = SAMPLE_RYM.read_text(encoding="utf-8")
    start = text.index("Det konstaterades att fragan")
    end = text.index("ÅTGÄRDER", start)
    return [p for p in text[start:end].split("\n") if p.strip()]


def test_sample_item_6_is_folded_and_restored():
    """The sample's item 6 as written: "fragan", "berakningar", "aterkrav"."""
    paragraphs = _item6_paragraphs()
    expected = (EVAL / "diacritics_dev.txt").read_text(encoding="utf-8").strip().split("\n")
    assert len(paragraphs) == len(expected)
    restored = restore("\n".join(paragraphs))
    assert restored.startswith(
        "Det konstaterades att frågan om beräkningar för återkrav hade uppfattats som möjlig"
    )
    assert word_accuracy("\n".join(expected), restored) >= 0.99


@pytest.mark.parametrize("name", ["diacritics_heldout.txt", "diacritics_heldout2.txt"])
def test_held_out_paragraph_word_accuracy(name):
    """Paragraphs written with å/ä/ö, folded here, never used to tune the rules."""
    text = (EVAL / name).read_text(encoding="utf-8").strip()
    folded = text.translate(FOLD)
    assert is_folded(folded)
    assert word_accuracy(text, restore(folded)) >= 0.95


def test_no_damage_to_correctly_spelt_text():
    """Every line of the sample but item 6 and a held-out paragraph come back unchanged."""
    text = SAMPLE_RYM.read_text(encoding="utf-8")
    text = text[: text.index("## 6. ")] + text[text.index("## 7. ") :]  # item 6 is folded
    paragraphs = [p for p in text.split("\n") if p.strip()]
    paragraphs += (EVAL / "diacritics_heldout.txt").read_text(encoding="utf-8").split("\n")
    for paragraph in paragraphs:
        assert restore(paragraph) == paragraph


@pytest.mark.parametrize(
    "text",
    [
        "Han sa nej.",
        "Bjuda in Anders H till nästa möte för rapportering? Vad sa vi?",
        "Kommunicera beslut.",
        "Umea kommun",
        "Mötet avslutades.",
        "Hans far var med.",
    ],
)
def test_short_or_unfolded_text_is_left_alone(text):
    assert restore(text) == text


@pytest.mark.parametrize(
    ("folded", "restored"),
    [
        ("Det ar ocksa sa att utbetalning av 2015 ars stod har hanterats pa olika satt.",
         "Det är också så att utbetalning av 2015 års stöd har hanterats på olika sätt."),
        ("Budgeten for i ar ar klar och galler fran januari.",
         "Budgeten för i år är klar och gäller från januari."),
        ("Det ar viktigt for vara medarbetare i vara kommuner.",
         "Det är viktigt för våra medarbetare i våra kommuner."),
        ("Vi sa att fragan ska tas upp pa nasta mote.",
         "Vi sa att frågan ska tas upp på nästa möte."),
        ("Umea kommun far besked nar regionradsmotet ar klart.",
         "Umeå kommun får besked när regionrådsmötet är klart."),
    ],
)  # fmt: skip
def test_ambiguous_pairs_by_context(folded, restored):
    assert is_folded(folded)
    assert restore(folded) == restored


def test_addresses_file_names_acronyms_and_case_are_kept():
    text = (
        "Kontakt: robert.tenevall@umea.se, se www.umea.se och Strategi_for_aren.pdf. "
        "KS och AF ar overens. FRAGAN ar oppen."
    )
    out = restore(text)
    assert "robert.tenevall@umea.se" in out
    assert "www.umea.se" in out
    assert "Strategi_for_aren.pdf" in out
    assert "KS och AF är överens." in out
    assert "FRÅGAN är öppen." in out


def test_is_folded():
    assert is_folded("Det ar forslaget att de personer som har kannedom satts i kontakt.")
    assert not is_folded("Det är förslaget att de personer som har kännedom sätts i kontakt.")
    assert not is_folded("Jonas Jonsson, Umeå kommun")
    assert not is_folded("")


def test_add_restored_columns_keeps_the_text_as_written():
    tables = {
        "agenda_items": [{"text": "Fragan om aterkrav ar inte lost for kommunerna."}],
        "decisions": [{"text": "Kommunstyrelsen beslutar att godkänna förslaget."}],
        "actions": [{"task": "Ta fram underlag for beslut pa nasta mote."}, {"task": None}],
    }
    add_restored_columns(tables)
    item = tables["agenda_items"][0]
    assert item["text"] == "Fragan om aterkrav ar inte lost for kommunerna."
    assert item["text_restored"] == "Frågan om återkrav är inte löst för kommunerna."
    decision = tables["decisions"][0]
    assert decision["text_restored"] == decision["text"]
    assert tables["actions"][0]["task_restored"] == "Ta fram underlag för beslut på nästa möte."
    assert tables["actions"][1]["task_restored"] is None


def test_sample_run_restores_item_6_only(sample_run):
    """In the tables: text as written, text_restored beside it; eval compares text."""
    from conftest import rows_of

    _, tables, _ = sample_run
    items = rows_of(tables, "agenda_items", ".rym.md").set_index("item_number")
    assert "fragan om berakningar" in items.loc["6", "text"]
    assert "frågan om beräkningar för återkrav" in items.loc["6", "text_restored"]
    assert items.loc["3", "text_restored"] == items.loc["3", "text"]
    decisions = rows_of(tables, "decisions", ".rym.md").set_index("item_number")
    assert "som ar kontaktperson" in decisions.loc["6", "text"]
    assert "som är kontaktperson för framtagande" in decisions.loc["6", "text_restored"]
