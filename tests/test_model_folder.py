"""The committed model folder is what `protokoll build-model` makes from the repo's data."""

from conftest import ROOT

from pipeline.nlp import MODEL_DIR, build_model


def _files(folder):
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_committed_model_matches_a_fresh_build(tmp_path):
    """Byte for byte, every file: the model folder is part of the extractor's version, so a
    rebuild of an unchanged model must not re-extract an archive."""
    fresh = _files(build_model(tmp_path / "model"))
    committed = _files(MODEL_DIR)
    assert sorted(fresh) == sorted(committed)
    stale = [name for name in fresh if fresh[name] != committed[name]]
    assert not stale, f"models/{MODEL_DIR.name}: {stale} stale: run `protokoll build-model`"
    assert MODEL_DIR.parent == ROOT / "models"


def test_two_builds_are_identical(tmp_path):
    """Nothing per process in the folder (spaCy's salted vectors hash is dropped)."""
    assert _files(build_model(tmp_path / "a")) == _files(build_model(tmp_path / "b"))
