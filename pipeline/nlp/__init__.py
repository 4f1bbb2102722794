"""The Swedish NLP stage: a spaCy pipeline assembled from ``config.cfg`` in this folder.

``build_model(path)`` assembles the pipeline from the config, adds the entity-ruler patterns
made from the project's reference data (municipalities, regions, public bodies, roles) and
writes a model folder that ``spacy.load(path)`` reads offline. ``load_nlp()`` loads the
shipped model from ``models/sv_protokoll_rules`` (building it in memory if the folder is
missing, e.g. in a non-editable install). ``tag(nlp, text, ...)`` runs it on one text.

Entity labels: PERSON, ROLE (ent_id = canonical role), LOC (municipality; ent_id = its
four-digit code), ORG (region or public body), DATE (``span._.iso`` = ISO date or interval).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from pipeline import reference
from pipeline.nlp import components  # noqa: F401  (registers the factories)

CONFIG_PATH = Path(__file__).resolve().parent / "config.cfg"
MODEL_DIR = Path(__file__).resolve().parents[2] / "models" / "sv_protokoll_rules"
MODEL_NAME = "sv_protokoll_rules"


def entity_patterns(nlp: Language) -> list[dict]:
    """Entity-ruler patterns from the reference data, each with an id analysts can join on."""
    patterns: list[dict] = []

    def phrase(label: str, text: str, ent_id: str) -> None:
        patterns.append({"label": label, "pattern": text, "id": ent_id})

    for m in reference.municipalities().values():
        genitive = m.official_name.removesuffix(" kommun")
        forms = {m.official_name, m.name, f"{genitive} stad", m.official_name.lower()}
        forms |= {f"{m.name} kommun".lower(), f"{genitive.lower()} kommun"}
        for form in list(forms):
            forms.add(_strip_diacritics(form))
        for form in sorted(forms):
            phrase("LOC", form, m.code)
    for r in reference.regions():
        for form in sorted({r["name"], f"Region {r['short_name']}"}):
            phrase("ORG", form, f"region:{r['code']}")
    for body in reference.public_bodies():
        phrase("ORG", body["name"], body["short_name"] or body["name"])
        if body["short_name"]:
            phrase("ORG", body["short_name"], body["short_name"])
    for written, role in reference.roles().items():
        tokens = [t.text.lower() for t in nlp.make_doc(written)]
        patterns.append({"label": "ROLE", "pattern": [{"LOWER": t} for t in tokens], "id": role})
    return patterns


def _strip_diacritics(text: str) -> str:
    return text.translate(str.maketrans("åäöÅÄÖéÉüÜ", "aaoAAOeEuU"))


def assemble() -> Language:
    """The pipeline from ``config.cfg`` with its patterns added, ready to use or save."""
    config = spacy.util.load_config(CONFIG_PATH)
    nlp = spacy.util.load_model_from_config(config, auto_fill=True, validate=True)
    nlp.get_pipe("entity_ruler").add_patterns(entity_patterns(nlp))
    nlp.meta.update(
        {
            "name": MODEL_NAME,
            "version": "0.1.0",
            "description": "protokoll rule-based Swedish pipeline for meeting minutes",
            "sources": [{"name": "pipeline/data reference lists"}],
        }
    )
    return nlp


def build_model(path: Path = MODEL_DIR) -> Path:
    """Write the model folder; ``spacy.load(path)`` then works offline."""
    assemble().to_disk(path)
    return path


@cache
def load_nlp(path: Path | None = None) -> Language:
    """The shipped model, or one assembled in memory when the folder is absent."""
    path = path or MODEL_DIR
    if (path / "config.cfg").exists():
        return spacy.load(path)
    return assemble()


def tag(
    nlp: Language,
    text: str,
    reference_date: dt.date | None = None,
    known_names: Iterable[str] = (),
    names_first: bool = False,
) -> Doc:
    """Run the pipeline on ``text``; yearless dates take the year on or after the reference.

    ``names_first`` says the text is a list of people (an attendance line), so a capitalized
    word opening it or following a comma starts a name even if it is no known first name.
    """
    doc = nlp.make_doc(text)
    doc.user_data["reference_date"] = reference_date
    doc.user_data["known_names"] = tuple(known_names)
    doc.user_data["names_first"] = names_first  # a list of names: capitals start names
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    return doc
