"""The Swedish NLP stage: a spaCy pipeline assembled from ``config.cfg`` in this folder.

``protokoll train`` (:mod:`pipeline.nlp.train`) trains the NER and writes the model folder
``models/sv_protokoll``; ``build_model(path)`` rebuilds that folder from the config, the
entity-ruler patterns made from the project's reference data (municipalities, regions,
public bodies, roles) and the trained NER of the shipped model. ``spacy.load(path)`` reads it
offline. ``load_nlp()`` loads the shipped model (or, when the folder is missing, e.g. in a
non-editable install, assembles the rule components alone in memory). ``tag(nlp, text,
...)`` runs it on one text: the rules always, the trained NER only when asked (``ner=True``),
so attendance lines and table cells keep their exact rule-based reading and only the
running text that needs it (decisions, actions, item text) pays for the network.

Entity labels: PERSON, ROLE (ent_id = canonical role), LOC (municipality: ent_id = its
four-digit code; other places from the NER: no id), ORG (region or public body: ent_id = its
short form; other organisations from the NER: no id), DATE (``span._.iso`` = ISO date or
interval; from the date normalizer only).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import spacy
import srsly
from spacy.language import Language
from spacy.pipeline import EntityRuler
from spacy.tokens import Doc
from thinc.api import use_ops
from threadpoolctl import threadpool_limits

from pipeline import reference
from pipeline.nlp import components, tokenizer  # noqa: F401  (registers the factories)
from pipeline.nlp.ner_memo import run_ner

CONFIG_PATH = Path(__file__).resolve().parent / "config.cfg"
MODEL_DIR = Path(__file__).resolve().parents[2] / "models" / "sv_protokoll"
MODEL_NAME = "sv_protokoll"
NER = "ner"


def entity_patterns(nlp: Language) -> list[dict]:
    """Entity-ruler patterns from the reference data, each with an id analysts can join on.

    These are the certain ones: roles, regions, public bodies and the municipality forms
    of more than one word ("Vindelns kommun", "Umeå stad", "Upplands Väsby"). The bare
    one-word names are :func:`place_patterns`.
    """
    patterns: list[dict] = []

    def phrase(label: str, text: str, ent_id: str) -> None:
        patterns.append({"label": label, "pattern": text, "id": ent_id})

    for code, form in _municipality_forms():
        if " " in form:
            phrase("LOC", form, code)
    for r in reference.regions():
        for form in sorted({r["name"], f"Region {r['short_name']}"}):
            phrase("ORG", form, f"region:{r['code']}")
    for body in reference.public_bodies():
        ent_id = body["short_name"] or body["name"]
        for form in sorted({body["name"], body["name"][0].lower() + body["name"][1:]}):
            phrase("ORG", form, ent_id)  # "Länsstyrelsen", "länsstyrelsen"
        if body["short_name"]:
            phrase("ORG", body["short_name"], body["short_name"])
    for written, role in reference.roles().items():
        tokens = [t.text.lower() for t in nlp.make_doc(written)]
        patterns.append({"label": "ROLE", "pattern": [{"LOWER": t} for t in tokens], "id": role})
    return patterns


def place_patterns() -> list[dict]:
    """One-word municipality names ("Umeå", "Berg"): tagged where the NER left the word free."""
    return [
        {"label": "LOC", "pattern": form, "id": code}
        for code, form in _municipality_forms()
        if " " not in form
    ]


def _municipality_forms() -> list[tuple[str, str]]:
    out = []
    for m in reference.municipalities().values():
        genitive = m.official_name.removesuffix(" kommun")
        forms = {m.official_name, m.name, f"{genitive} stad", m.official_name.lower()}
        forms |= {f"{m.name} kommun".lower(), f"{genitive.lower()} kommun"}
        for form in list(forms):
            forms.add(strip_diacritics(form))
        out += [(m.code, form) for form in sorted(forms)]
    return out


_STRIP = str.maketrans("åäöÅÄÖéÉüÜ", "aaoAAOeEuU")


def strip_diacritics(text: str) -> str:
    """'Umeå' -> 'Umea', 'Hans-Åke Donnersvärd' -> 'Hans-Ake Donnersvard': as archives write."""
    return text.translate(_STRIP)


def assemble(ner_source: Path | None = None) -> Language:
    """The pipeline from ``config.cfg`` with its patterns added, ready to use or save.

    The trained NER is taken from the model folder ``ner_source``; without one the pipeline
    holds the rule components alone.
    """
    config = spacy.util.load_config(CONFIG_PATH)
    if ner_source is None:
        config["nlp"]["pipeline"] = [p for p in config["nlp"]["pipeline"] if p != NER]
        del config["components"][NER]
        nlp = spacy.util.load_model_from_config(config, auto_fill=True, validate=True)
    else:
        nlp = spacy.util.load_model_from_config(
            config.merge({"paths": {"ner": str(ner_source)}}), auto_fill=True, validate=True
        )
        nlp._config["paths"]["ner"] = None  # the saved config names no build machine path
    nlp.get_pipe("entity_ruler").add_patterns(entity_patterns(nlp))
    nlp.get_pipe("place_ruler").add_patterns(place_patterns())
    nlp.meta.update(
        {
            "name": MODEL_NAME,
            "version": "0.2.0",
            "description": (
                "protokoll Swedish pipeline for meeting minutes: a small trained NER "
                "(PERSON, ORG, LOC, DATE) with entity-ruler, date and person rules"
            ),
            "license": "MIT",
            "sources": [
                {"name": "pipeline/data reference lists"},
                {"name": "Faker sv_SE names (generated training sentences)"},
                {"name": "pipeline/data/ner_train.jsonl (hand-annotated sentences)"},
            ],
        }
    )
    if ner_source is not None:
        nlp.meta["performance"] = _performance(ner_source)
    return nlp


def _performance(model: Path) -> dict:
    meta = model / "meta.json"
    if not meta.exists():
        return {}
    return json.loads(meta.read_text(encoding="utf-8")).get("performance", {})


def build_model(path: Path = MODEL_DIR, ner_source: Path | None = None) -> Path:
    """Write the model folder; ``spacy.load(path)`` then works offline.

    The trained NER comes from ``ner_source`` (a folder holding a trained ``ner``, as
    ``protokoll train`` makes), by default from the shipped model; ``metrics.json`` of the
    shipped model is kept when the folder is rebuilt in place.
    """
    source = ner_source or MODEL_DIR
    if not (source / NER).is_dir():
        raise FileNotFoundError(f"no trained NER in {source}: run `protokoll train` first")
    nlp = assemble(source)
    metrics = source / "metrics.json"
    keep = metrics.read_bytes() if metrics.exists() else None
    nlp.to_disk(path)
    _sort_punct_chars(path / "sentencizer.json")
    _drop_salted_hash(path / "meta.json")
    if keep is not None and not (path / "metrics.json").exists():
        (path / "metrics.json").write_bytes(keep)
    return path


def _drop_salted_hash(path: Path) -> None:
    """spaCy records a hash of the sourced NER's word vectors, made with Python's ``hash()``,
    which is salted per process: a new value on every build of an unchanged model. The
    model folder is part of the extractor's version, so the nightly run would re-extract the
    archive after every rebuild. The pipeline has no word vectors: the entry goes."""
    meta = srsly.read_json(path)
    if meta.pop("_sourced_vectors_hashes", None) is not None:
        srsly.write_json(path, meta)


def _sort_punct_chars(path: Path) -> None:
    """spaCy writes the sentencizer's characters in set order, a new order on every build:
    sorted, a rebuilt model folder differs only where the model does."""
    if path.exists():
        config = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(config.get("punct_chars"), list):
            config["punct_chars"] = sorted(config["punct_chars"])
            path.write_text(json.dumps(config, ensure_ascii=False, indent=2) + "\n", "utf-8")


@cache
def load_nlp(path: Path | None = None) -> Language:
    """The shipped model, or the rule components assembled in memory when it is absent.

    The NER's matrix products go to NumPy's BLAS rather than thinc's default, the ``blis``
    package: its wheel runs generic C kernels on this machine's CPU (0.16 ms against NumPy's
    0.03 ms for a 300x96 by 96x96 product), which made them a third of the NER's time. And
    that BLAS gets one thread: its matrices are small, and two batch workers each with a
    BLAS thread per core ran 0.7x as fast as one worker (threads spinning for the core the
    other worker needs).
    """
    path = path or MODEL_DIR
    if (path / "config.cfg").exists():
        threadpool_limits(1, user_api="blas")
        with use_ops("numpy", use_blis=False):
            nlp = spacy.load(path)
            _expect_ruler_labels(nlp)
        return nlp
    return assemble()


def _expect_ruler_labels(nlp: Language) -> None:
    """Give the NER now the labels of the entity ruler before it (ROLE).

    The NER keeps the entities the ruler set, and at the first text holding one whose label
    it lacks, it adds the label to its actions and builds a new output layer, with thinc's
    default (blis) then. Added here, the layer is built once, at load, with NumPy's BLAS.
    Results do not change: an added label's actions score lowest unless a ruler's entity
    leaves no other.
    """
    if NER not in nlp.pipe_names:
        return
    ner = nlp.get_pipe(NER)
    for name in nlp.pipe_names[: nlp.pipe_names.index(NER)]:
        proc = nlp.get_pipe(name)
        if isinstance(proc, EntityRuler):
            for label in sorted(proc.labels):
                ner.add_label(label)


def tag(
    nlp: Language,
    text: str,
    reference_date: dt.date | None = None,
    known_names: Iterable[str] = (),
    names_first: bool = False,
    ner: bool = False,
) -> Doc:
    """Run the pipeline on ``text``; yearless dates take the year on or after the reference.

    ``names_first`` says the text is a list of people (an attendance line), so a capitalized
    word opening it or following a comma starts a name even if it is no known first name.
    ``ner`` runs the trained NER too (running text: decisions, actions, item text); without
    it the rules alone tag the text, as they do for attendance lines and table cells.
    """
    return tag_many(nlp, [text], reference_date, known_names, names_first, ner)[0]


def tag_many(
    nlp: Language,
    texts: Iterable[str],
    reference_date: dt.date | None = None,
    known_names: Iterable[str] = (),
    names_first: bool = False,
    ner: bool = False,
) -> list[Doc]:
    """:func:`tag` for many texts at once: the NER reads them in batches, which is faster."""
    known = tuple(known_names)
    docs = []
    for text in texts:
        doc = nlp.make_doc(text)
        doc.user_data["reference_date"] = reference_date
        doc.user_data["known_names"] = known
        doc.user_data["names_first"] = names_first  # a list of names: capitals start names
        docs.append(doc)
    for name, proc in _components(nlp):
        if name == NER and not ner:
            continue
        # the NER goes through the memo of a re-extraction (ner_memo.py)
        docs = run_ner(proc, docs) if name == NER else [proc(doc) for doc in docs]
    return docs


_PREPARED: dict[int, tuple[Language, list[str], list[tuple[str, object]]]] = {}


def _components(nlp: Language) -> list[tuple[str, object]]:
    """``nlp.pipeline``, prepared once per loaded pipeline for many small calls.

    spaCy's entity ruler counts its patterns (over 100,000 with the place names) on every
    call, only to warn when there are none; a ruler that has patterns skips the count here.
    """
    prepared = _PREPARED.get(id(nlp))
    if prepared is None or prepared[0] is not nlp or prepared[1] != nlp.pipe_names:
        for _, proc in nlp.pipeline:
            if isinstance(proc, EntityRuler) and len(proc) > 0:
                proc._require_patterns = _has_patterns
        prepared = _PREPARED[id(nlp)] = (nlp, nlp.pipe_names, list(nlp.pipeline))
    return prepared[2]


def _has_patterns() -> None:
    """The ruler's pattern check, done once in :func:`_components`."""
