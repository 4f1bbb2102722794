"""Training data and `protokoll train` (a smoke run of a few steps; the real one takes ~1 min)."""

from __future__ import annotations

import json

import pytest
import spacy

from pipeline.nlp.train import (
    EVAL_PATH,
    HAND_ANNOTATED_PATH,
    LABELS,
    Generator,
    locate,
    read_annotated,
    train,
)


def test_locate_finds_entities_in_order():
    example = locate("Lisa ringer Lisa A L.", [("Lisa", "PERSON"), ("Lisa A L", "PERSON")])
    assert example.ents == [(0, 4, "PERSON"), (12, 20, "PERSON")]
    with pytest.raises(ValueError, match="not found"):
        locate("Lisa ringer.", [("Per", "PERSON")])
    with pytest.raises(ValueError, match="unknown label"):
        locate("Lisa ringer.", [("Lisa", "NAME")])


def test_hand_annotated_sets_are_valid_and_apart():
    evaluation = read_annotated(EVAL_PATH)
    training = read_annotated(HAND_ANNOTATED_PATH)
    assert len(evaluation) >= 150
    assert len(training) >= 100
    assert not {e.text for e in evaluation} & {e.text for e in training}
    assert {label for e in evaluation for _, _, label in e.ents} == set(LABELS)


def test_evaluation_set_is_not_made_by_the_templates():
    generated = {e.text for e in Generator().examples(5000)}
    assert not generated & {e.text for e in read_annotated(EVAL_PATH)}


def test_entities_fall_on_token_boundaries():
    tokenizer = {"@tokenizers": "protokoll.Tokenizer.v1"}
    nlp = spacy.blank("sv", config={"nlp": {"tokenizer": tokenizer}})
    examples = Generator(7).examples(500) + read_annotated(EVAL_PATH)
    for example in examples:
        doc = nlp.make_doc(example.text)
        for start, end, _ in example.ents:
            assert doc.char_span(start, end) is not None, (example.text, start, end)


def test_generator_is_deterministic():
    first = [(e.text, e.ents) for e in Generator(11).examples(200)]
    again = [(e.text, e.ents) for e in Generator(11).examples(200)]
    other = [(e.text, e.ents) for e in Generator(12).examples(200)]
    assert first == again
    assert first != other
    labels = {label for _, ents in first for _, _, label in ents}
    assert labels == set(LABELS)


def test_smoke_train(tmp_path):
    """A few steps on a few sentences: the folder loads and carries its metrics."""
    metrics = train(tmp_path / "m", n_generated=60, max_steps=4, log=lambda _: None)
    nlp = spacy.load(tmp_path / "m")
    assert "ner" in nlp.pipe_names
    written = json.loads((tmp_path / "m" / "metrics.json").read_text(encoding="utf-8"))
    assert written == metrics
    assert written["eval"]["with_rules"]["sentences"] >= 150
    assert {"ents_f", "ents_per_type"} <= set(written["dev"])
