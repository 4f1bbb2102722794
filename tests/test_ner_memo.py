"""The NER's results kept per document, so re-extraction after a rules change skips it."""

from __future__ import annotations

import pickle
from pathlib import Path

import pandas as pd
from conftest import SAMPLE_RYM

from pipeline.nlp import tag_many
from pipeline.nlp.ner_memo import ner_memo
from pipeline.run import RunOptions, run


def _annotations(docs):
    return [
        [(t.text, t.ent_iob_, t.ent_type_, t.ent_kb_id_, t.ent_id_) for t in doc]
        + [(e.start, e.end, e.label_, e.kb_id_, e.id_) for e in doc.ents]
        for doc in docs
    ]


def test_remembered_entities_are_exactly_the_computed_ones(nlp):
    texts = [p for p in SAMPLE_RYM.read_text(encoding="utf-8").split("\n\n") if len(p) > 20]
    computed = _annotations(tag_many(nlp, texts, ner=True))
    with ner_memo() as first:
        assert _annotations(tag_many(nlp, texts, ner=True)) == computed
    assert first.reused == 0 and len(first.to_store()) == len(set(texts))
    with ner_memo(first.to_store()) as second:
        assert _annotations(tag_many(nlp, texts, ner=True)) == computed
    assert second.added == 0 and not second.changed


def test_a_memo_keeps_only_the_texts_the_document_still_has(nlp):
    with ner_memo({"En text som inte längre finns.": ()}) as memo:
        tag_many(nlp, ["Lars Lustig tar kontakt med Umeå kommun."], ner=True)
    assert memo.changed and list(memo.to_store()) == ["Lars Lustig tar kontakt med Umeå kommun."]


def test_reextraction_reads_the_ner_memo_and_a_new_ner_version_ignores_it(
    tmp_path, nlp, monkeypatch
):
    versions = {"extractor": "e1", "backend": "b1", "ner": "n1"}
    for name in versions:
        monkeypatch.setattr(f"pipeline.run.{name}_version", lambda name=name: versions[name])
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / SAMPLE_RYM.name).write_bytes(SAMPLE_RYM.read_bytes())
    out = tmp_path / "out"
    run([archive], out, nlp=nlp, options=RunOptions(workers=0))
    before = pd.read_parquet(out / "mentions.parquet")
    [memo_file] = (out / ".state" / "cache" / "ner" / "n1").glob("*/*.pickle")
    entries = pickle.loads(memo_file.read_bytes())
    decisions = pd.read_parquet(out / "decisions.parquet")
    text = next(t for t in decisions.text if t in entries and not entries[t])
    # Poison the memo: if re-extraction reads it, the made-up entity becomes a mention.
    entries[text] = ((0, 1, "ORG", "", ""),)
    memo_file.write_bytes(pickle.dumps(entries))

    versions["extractor"] = "e2"  # the rules changed, the NER did not
    again = run([archive], out, nlp=nlp, options=RunOptions(workers=0))
    assert again.report["cache_hits"] == 1
    mentions = pd.read_parquet(out / "mentions.parquet")
    made_up = mentions[(mentions.kind == "ORG") & (mentions.text == text.split()[0])]
    assert len(made_up) == 1 and len(mentions) == len(before) + 1

    versions["extractor"], versions["ner"] = "e3", "n2"  # a retrained model: NER again
    run([archive], out, nlp=nlp, options=RunOptions(workers=0))
    pd.testing.assert_frame_equal(pd.read_parquet(out / "mentions.parquet"), before)
    assert [p.name for p in (out / ".state" / "cache" / "ner").iterdir()] == ["n2"]
    assert Path(out / ".state" / "cache" / "b1").is_dir()  # the parsed documents stay
