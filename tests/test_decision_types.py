"""Decision types on hand-labelled decisions (tests/nlp_eval/decision_types.jsonl)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.normalize.decision_types import VOCABULARY, decision_type

LABELLED = Path(__file__).resolve().parent / "nlp_eval" / "decision_types.jsonl"


def _rows() -> list[dict]:
    return [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines()]


def _accuracy(rows: list[dict]) -> float:
    return sum(decision_type(r["text"]) == r["type"] for r in rows) / len(rows)


def test_the_labelled_set():
    rows = _rows()
    assert len(rows) >= 60
    assert {r["type"] for r in rows} == set(VOCABULARY)
    sample = [r for r in rows if r["source"].startswith("data/raw/")]
    assert len(sample) == 13  # every decision of the sample


def test_accuracy():
    rows = _rows()
    assert _accuracy(rows) >= 0.95
    assert _accuracy([r for r in rows if r["source"].startswith("data/raw/")]) == 1.0


def test_accuracy_on_the_held_out_decisions():
    """Written after the rules were tuned on the rest."""
    held_out = [r for r in _rows() if r.get("held_out")]
    assert len(held_out) >= 20
    assert _accuracy(held_out) >= 0.9


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tekniska nämnden beslutar att inte bevilja dispens.", "reject"),
        ("Stämman beslutar, att med godkännande lägga redovisningen till handlingarna.", "note"),
        ("Rapporten godkänns och läggs till handlingarna.", "approve"),
        ("Kommunstyrelsen föreslår fullmäktige att anta planen.", "propose"),
        ("Föredragningslistan godkändes.", "approve"),
        ("Antecknades för kännedom.", "note"),
        ("Enligt förslag.", "approve"),
        ("Ärendet bordläggs.", "defer"),
        ("Frågan tas upp igen vid nästa möte.", "defer"),
        ("Gruppen beslutar att Magnus Haglund ansvarar för kontakten.", "assign"),
        ("Till ordförande väljs Anna Berg.", "elect"),
        ("Kommunchefsgruppen beslutar att bjuda in AF till nästa kommunchefsmöte.", "other"),
        ("Kommunchefsgruppen beslutade att avsla ansokan.", "reject"),  # folded å/ä/ö
    ],
)
def test_cues(text, expected):
    assert decision_type(text) == expected
