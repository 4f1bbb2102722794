"""The committed model folder is what `protokoll build-model` makes from the repo's data."""

from conftest import ROOT

from pipeline.nlp import MODEL_DIR, build_model


def test_committed_model_matches_a_fresh_build(tmp_path):
    fresh = build_model(tmp_path / "model")
    for part in ("config.cfg", "entity_ruler/patterns.jsonl"):
        assert (fresh / part).read_text(encoding="utf-8") == (MODEL_DIR / part).read_text(
            encoding="utf-8"
        ), f"models/{MODEL_DIR.name}/{part} is stale: run `protokoll build-model`"
    assert MODEL_DIR.parent == ROOT / "models"
