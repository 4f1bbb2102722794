"""The development corpus against its hand-written gold: accuracy must not slip.

Eight minutes in every format (tests/fixtures/dev) and five in the classic and informal
layouts (tests/fixtures/grammar), each with gold written by hand from the document.
"""

from __future__ import annotations

from conftest import GOLD, ROOT

from pipeline.evaluate import evaluate
from pipeline.run import run


def test_development_corpus_scores(tmp_path, nlp):
    run([ROOT / "tests/fixtures/dev", ROOT / "tests/fixtures/grammar"], tmp_path / "out", nlp=nlp)
    result = evaluate(GOLD, tmp_path / "out")
    assert len(result.per_document) == 13
    overall = result.overall
    for table in ("meeting", "attendees", "decisions"):
        assert overall[table].f1 == 1.0, (table, result.per_document)
    assert overall["agenda_items"].f1 >= 0.98  # the scan's OCR reads "2018–2029" with "-"
    assert overall["actions"].f1 >= 0.95  # one gold due date "augusti" is left null
