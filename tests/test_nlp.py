"""Tests of the Swedish NLP stage: the shipped model (trained NER, entity rulers, rule
components, tokenizer), mentions in running text."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from datetime import date
from pathlib import Path

import pytest
import spacy

from pipeline.nlp import MODEL_DIR, NER, build_model, load_nlp, tag, tag_many

REFERENCE = date(2016, 3, 16)
PIPE_NAMES = [
    "sentencizer",
    "entity_ruler",
    "ner",
    "place_ruler",
    "protokoll_dates",
    "protokoll_entity_links",
    "protokoll_persons",
]


def _ents(doc, label: str | None = None) -> list[tuple[str, str]]:
    return [(e.text, e.label_) for e in doc.ents if label is None or e.label_ == label]


def _persons(doc) -> list[str]:
    return [e.text for e in doc.ents if e.label_ == "PERSON"]


# -- the model ---------------------------------------------------------------------------------


def test_shipped_model_loads_with_plain_spacy_load(tmp_path):
    """The factories come from entry points: no `import pipeline` before spacy.load."""
    script = textwrap.dedent(
        f"""
        import json, sys
        import spacy
        assert "pipeline" not in sys.modules
        nlp = spacy.load({str(MODEL_DIR)!r})
        doc = nlp("Per-Eric Magnusson, Vindelns kommun, vice ordförande. Kontakta Viktor S.")
        print(json.dumps({{
            "pipe_names": nlp.pipe_names,
            "name": nlp.meta["name"],
            "ents": [[e.text, e.label_, e.ent_id_] for e in doc.ents],
        }}))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["pipe_names"] == PIPE_NAMES
    assert out["name"] == "sv_protokoll"
    assert out["ents"] == [
        ["Per-Eric Magnusson", "PERSON", ""],
        ["Vindelns kommun", "LOC", "2404"],
        ["vice ordförande", "ROLE", "vice ordförande"],
        ["Viktor S", "PERSON", ""],
    ]


def test_load_nlp_is_the_shipped_model(nlp):
    assert nlp.pipe_names == PIPE_NAMES
    assert nlp.lang == "sv"
    assert load_nlp() is nlp


def test_ner_matrix_products_go_to_numpy_not_blis(nlp):
    """load_nlp gives every layer of the NER NumPy's BLAS (blis runs generic kernels here),
    also after a text whose ruler entities (ROLE) the NER had no label for."""
    from thinc.api import NumpyOps

    doc = tag(nlp, "Ordförande Anna Berg och sekreterare Olle Ek deltog.", REFERENCE, ner=True)
    assert ("Ordförande", "ROLE") in _ents(doc) and ("Anna Berg", "PERSON") in _ents(doc)
    assert "ROLE" in nlp.get_pipe(NER).labels
    layers = list(nlp.get_pipe(NER).model.walk())
    assert len(layers) > 10
    assert all(isinstance(m.ops, NumpyOps) and not m.ops.use_blis for m in layers)


def test_spacy_build_check_agrees_with_its_command_and_keeps_a_profiler():
    """`python -m pipeline.nlp.spacy_build` (scripts/setup.sh's test) exits 1 exactly when
    the hooks are found, and the check leaves a profiler that was set in place."""
    from pipeline.nlp.spacy_build import profiling_hooks

    def mine(frame, event, arg):
        return None

    sys.setprofile(mine)
    try:
        hooks = profiling_hooks()
        assert sys.getprofile() is mine
    finally:
        sys.setprofile(None)
    done = subprocess.run(
        [sys.executable, "-m", "pipeline.nlp.spacy_build"], capture_output=True, text=True
    )
    assert done.returncode == int(hooks), done.stdout + done.stderr
    assert ("profiling hooks compiled in" in done.stdout) == hooks


def test_model_folder_size_load_time_and_metrics():
    """Under 20 MB, loads in under a second (CPU time), F1 >= 0.90 written beside it."""
    size = sum(f.stat().st_size for f in MODEL_DIR.rglob("*") if f.is_file())
    assert size < 20 * 2**20
    started = time.process_time()
    spacy.load(MODEL_DIR)
    assert time.process_time() - started < 1.0
    metrics = json.loads((MODEL_DIR / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["eval"]["with_rules"]["f"] >= 0.90
    assert metrics["eval"]["with_rules"]["sentences"] >= 150


def test_build_model_writes_a_loadable_folder(tmp_path):
    path = build_model(tmp_path / "m")
    assert path == tmp_path / "m"
    config = spacy.util.load_config(path / "config.cfg")
    assert list(config["nlp"]["pipeline"]) == PIPE_NAMES
    assert config["nlp"]["tokenizer"]["@tokenizers"] == "protokoll.Tokenizer.v1"
    assert config["paths"]["ner"] is None  # no path of the build machine
    assert config["components"]["protokoll_persons"]["min_tokens"] == 2
    assert (path / "entity_ruler" / "patterns.jsonl").is_file()
    assert (path / "place_ruler" / "patterns.jsonl").is_file()
    assert (path / "ner" / "model").is_file()
    assert (path / "metrics.json").is_file()
    assert json.loads((path / "meta.json").read_text(encoding="utf-8"))["name"] == ("sv_protokoll")
    built = spacy.load(path)
    doc = tag(built, "Jonas Jonsson, Umeå kommun")
    assert [(e.text, e.label_, e.ent_id_) for e in doc.ents] == [
        ("Jonas Jonsson", "PERSON", ""),
        ("Umeå kommun", "LOC", "2480"),
    ]


# -- entity ruler: LOC, ORG, ROLE --------------------------------------------------------------


def test_attendee_line(nlp):
    doc = tag(nlp, "Per-Eric Magnusson, Vindelns kommun, vice ordförande")
    assert [(e.text, e.label_, e.ent_id_) for e in doc.ents] == [
        ("Per-Eric Magnusson", "PERSON", ""),
        ("Vindelns kommun", "LOC", "2404"),
        ("vice ordförande", "ROLE", "vice ordförande"),
    ]
    roles = [e for e in doc.ents if e.label_ == "ROLE"]
    assert [(r.start_char, r.end_char) for r in roles] == [(37, 52)]


@pytest.mark.parametrize(
    ("text", "span", "code"),
    [
        ("vindelns kommun", "vindelns kommun", "2404"),
        ("Umea kommun", "Umea kommun", "2480"),
        ("Umeå kommun", "Umeå kommun", "2480"),
        ("Mötet hölls i Umeå.", "Umeå", "2480"),
        ("Vännäs - Utse kontaktperson", "Vännäs", "2460"),
        ("Magnus Haglund, Örnsköldsviks kommun", "Örnsköldsviks kommun", "2284"),
        ("En förfrågan från Eric Thorstensson, vindelns kommun.", "vindelns kommun", "2404"),
    ],
)
def test_municipalities(nlp, text, span, code):
    doc = tag(nlp, text)
    assert [(e.text, e.ent_id_) for e in doc.ents if e.label_ == "LOC"] == [(span, code)]


def test_org(nlp):
    doc = tag(nlp, "Bjud in AF till nästa kommunchefsmöte")
    assert [(e.text, e.label_, e.ent_id_) for e in doc.ents] == [("AF", "ORG", "AF")]
    doc = tag(nlp, "Region Västerbotten")
    assert [(e.text, e.label_, e.ent_id_) for e in doc.ents] == [
        ("Region Västerbotten", "ORG", "region:24")
    ]


@pytest.mark.parametrize(
    ("text", "roles"),
    [
        (
            "Lisa Andersson Lindberg, föredragande och sekreterare",
            [("föredragande", "föredragande"), ("sekreterare", "sekreterare")],
        ),
        (
            "Magnus Hansson, Robertsfors kommun (tf kommunchef)",
            [("tf kommunchef", "tf kommunchef")],
        ),
        ("till vice ordf. Per-Eric Magnusson", [("vice ordf.", "vice ordförande")]),
        ("Magnus Haglund, ordförande", [("ordförande", "ordförande")]),
    ],
)
def test_roles(nlp, text, roles):
    doc = tag(nlp, text)
    assert [(e.text, e.ent_id_) for e in doc.ents if e.label_ == "ROLE"] == roles


# -- dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "span", "iso"),
    [
        ("Föreslaget datum är 18-19 maj.", "18-19 maj", "2016-05-18/2016-05-19"),
        ("Kommunchefsmöte:\n27 april", "27 april", "2016-04-27"),
        ("nästa regionrådsmöte den 17 juni.", "17 juni", "2016-06-17"),
        ("Datum o tid 15 april 2016, Fika", "15 april 2016", "2016-04-15"),
        ("Slutdatum 2016-03-22", "2016-03-22", "2016-03-22"),
    ],
)
def test_dates(nlp, text, span, iso):
    doc = tag(nlp, text, reference_date=REFERENCE)
    dates = [e for e in doc.ents if e.label_ == "DATE"]
    assert [(e.text, e._.iso) for e in dates] == [(span, iso)]


def test_date_span_does_not_swallow_file_extension(nlp):
    doc = tag(nlp, "Viljeinriktning beslutad 2016-03-03.pdf", reference_date=REFERENCE)
    assert [e.text for e in doc.ents if e.label_ == "DATE"] in ([], ["2016-03-03"])


# -- persons -----------------------------------------------------------------------------------


def test_persons_after_sentence_initial_verb(nlp):
    doc = tag(nlp, "Kontakta LG Brandt och L Lustig och bjud in till nästa regionrådsmöte.")
    assert _persons(doc) == ["LG Brandt", "L Lustig"]
    assert [(e.start_char, e.end_char) for e in doc.ents if e.label_ == "PERSON"] == [
        (9, 18),
        (23, 31),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Kommunchefsgruppen beslutar att tillsvidare fortsätta använda verktyget.",
        "Mötet förklarades öppnat.",
        "Kommunchefsgruppens ordförande tar kontakt med länsstyrelsen.",
        "Umeåregionens kansli ansvarar för seminariet.",
        "Ta fram underlag för beslut om medfinansiering.",
    ],
)
def test_no_person(nlp, text):
    assert _persons(tag(nlp, text)) == []


def test_known_single_names(nlp):
    doc = tag(nlp, "Vem? P-E eller Lisa?", known_names=["Lisa"])
    assert _persons(doc) == ["P-E", "Lisa"]
    # without the document's names a single first name is not enough
    assert _persons(tag(nlp, "Vem? P-E eller Lisa?")) == ["P-E"]
    assert _persons(tag(nlp, "Lisa och Per-Eric träffar gruppen", known_names=["Per-Eric"])) == [
        "Per-Eric"
    ]


@pytest.mark.parametrize(
    ("text", "persons"),
    [
        (
            "Lisa A L informerade om att Hans-Åke Donnersvärd (frånvarande vid mötet) har träffat "
            "personalchefgruppen.",
            ["Lisa A L", "Hans-Åke Donnersvärd"],
        ),
        (
            "Lisa kontaktar arbetsgruppen och framför erbjudandet att Jonas J. deltar som talare.",
            ["Jonas J."],
        ),
        (
            "Meddela kommunchefsgruppens förslag till Hans Lindberg. (framförs av vem? Lisa "
            "kontaktar Carina A.)",
            ["Hans Lindberg", "Carina A."],
        ),
        (
            "Magnus Haglund tar kontakt med Lars Göran Brandt och Lars Lustig för att resonera.",
            ["Magnus Haglund", "Lars Göran Brandt", "Lars Lustig"],
        ),
        (
            "Personalcheferna har föreslagit att Sofia Rasmussen tillsammans med Barbro Lundmark "
            "är huvudtalare.",
            ["Sofia Rasmussen", "Barbro Lundmark"],
        ),
        (
            "Lisa Andersson Lindberg (Organisatör), Magnus Haglund, Helen SundstromHetta, "
            "Hans-Ake Donnersvard",
            [
                "Lisa Andersson Lindberg",
                "Magnus Haglund",
                "Helen SundstromHetta",
                "Hans-Ake Donnersvard",
            ],
        ),
        ("Vännäs - Utse kontaktperson: Henrik Åström, kulturchef", ["Henrik Åström"]),
        ("Ordförande Per-Eric Magnusson öppnade mötet.", ["Per-Eric Magnusson"]),
        ("Enligt Per-Eric Magnusson var det bra.", ["Per-Eric Magnusson"]),
        ("Ansvarig: Lisa Andersson Lindberg", ["Lisa Andersson Lindberg"]),
        ("- Magnus Haglund, Örnsköldsviks kommun, ordförande", ["Magnus Haglund"]),
    ],
)
def test_persons(nlp, text, persons):
    assert _persons(tag(nlp, text)) == persons


def test_person_does_not_overlap_other_entities(nlp):
    doc = tag(nlp, "Kommunchef Jonas Jonsson, Umeå kommun")
    assert _ents(doc) == [
        ("Kommunchef", "ROLE"),
        ("Jonas Jonsson", "PERSON"),
        ("Umeå kommun", "LOC"),
    ]


def test_person_with_joined_initials(nlp):
    assert _persons(tag(nlp, "Lisa A.L. informerade.")) == ["Lisa A.L."]


def test_abbreviation_before_full_name(nlp):
    assert _persons(tag(nlp, "Enligt KS Jonas Jonsson")) == ["Jonas Jonsson"]


def test_tag_keeps_user_data(nlp):
    doc = tag(nlp, "Lisa", reference_date=REFERENCE, known_names=["Lisa"])
    assert doc.user_data["reference_date"] == REFERENCE
    assert doc.user_data["known_names"] == ("Lisa",)
    assert _persons(doc) == ["Lisa"]


def test_model_folder_exists():
    assert (Path(MODEL_DIR) / "config.cfg").is_file()


# -- tokenizer and sentences --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("Kontakta Viktor S.", ["Kontakta", "Viktor", "S", "."]),
        ("Mötet hålls 17 nov.", ["Mötet", "hålls", "17", "nov", "."]),
        ("Kontakta Viktor S. Han vet.", ["Kontakta", "Viktor", "S", ".", "Han", "vet", "."]),
        ("Mötet 17 nov. Alla kommer.", ["Mötet", "17", "nov", ".", "Alla", "kommer", "."]),
        ("Jonas J. deltar", ["Jonas", "J.", "deltar"]),  # inside a sentence: one token
        ("den 3 jan. 2017", ["den", "3", "jan.", "2017"]),
        ("Lisa A. Berg kom", ["Lisa", "A.", "Berg", "kom"]),  # a surname goes on
        ("Lisa kontaktar Carina A.)", ["Lisa", "kontaktar", "Carina", "A.", ")"]),
    ],
)
def test_abbreviation_at_sentence_end(nlp, text, tokens):
    assert [t.text for t in nlp.make_doc(text)] == tokens


def test_sentences(nlp):
    doc = tag(nlp, "Mötet hålls 17 nov. Alla kommer. Kontakta Viktor S. Han vet.", REFERENCE)
    assert [s.text for s in doc.sents] == [
        "Mötet hålls 17 nov.",
        "Alla kommer.",
        "Kontakta Viktor S.",
        "Han vet.",
    ]
    assert [(e.text, e._.iso) for e in doc.ents if e.label_ == "DATE"] == [("17 nov", "2016-11-17")]


# -- the trained NER ---------------------------------------------------------------------------


def test_ner_f1_on_the_hand_annotated_set(nlp):
    """The shipped model with its rules on tests/nlp_eval/ner_eval.jsonl (never trained on)."""
    from pipeline.nlp.evaluate import evaluate_ner
    from pipeline.nlp.train import EVAL_PATH, read_annotated

    examples = read_annotated(EVAL_PATH)
    assert len(examples) >= 150
    scores = evaluate_ner(nlp, examples)
    assert scores.f1 >= 0.90, scores.as_dict()
    assert all(v["f"] >= 0.80 for v in scores.as_dict()["per_label"].values())


def test_tag_runs_the_ner_only_when_asked(nlp):
    text = "Anders Öhman från Länsförsäkringar Västerbotten informerar om försäkringsskyddet."
    with_ner = tag(nlp, text, REFERENCE, ner=True)
    assert ("Länsförsäkringar Västerbotten", "ORG") in _ents(with_ner)
    rules = tag(nlp, text, REFERENCE)
    assert ("Länsförsäkringar Västerbotten", "ORG") not in _ents(rules)
    assert NER in nlp.pipe_names


def test_tag_many_is_tag_for_each(nlp):
    texts = [
        "Magnus Haglund tar kontakt med Lars Göran Brandt och Lars Lustig.",
        "Kommunchefsgruppens ordförande tar kontakt med länsstyrelsen i Västerbotten.",
        "Mötet förklarades öppnat.",
    ]
    many = tag_many(nlp, texts, REFERENCE, ner=True)
    assert [_ents(d) for d in many] == [_ents(tag(nlp, t, REFERENCE, ner=True)) for t in texts]
    assert _ents(many[0]) == [
        ("Magnus Haglund", "PERSON"),
        ("Lars Göran Brandt", "PERSON"),
        ("Lars Lustig", "PERSON"),
    ]
    assert [(e.text, e.label_, e.ent_id_) for e in many[1].ents] == [
        ("ordförande", "ROLE", "ordförande"),
        ("länsstyrelsen", "ORG", "Länsstyrelsen"),
        ("Västerbotten", "LOC", ""),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a municipality inside an organisation's name: the NER keeps the name
        ("Representanter från Skellefteå Kraft deltar.", ("Skellefteå Kraft", "ORG", "")),
        # a genitive place or body gets the reference id
        ("Lisa bistår Umeås kontaktperson.", ("Umeås", "LOC", "2480")),
        ("Yttrande över Trafikverkets förslag.", ("Trafikverkets", "ORG", "TRV")),
    ],
)
def test_ner_entities_and_reference_ids(nlp, text, expected):
    doc = tag(nlp, text, REFERENCE, ner=True)
    assert expected in [(e.text, e.label_, e.ent_id_) for e in doc.ents]


def test_sentence_opening_common_words_are_no_entities(nlp):
    doc = tag(nlp, "Det lyftes att frågan är viktig. Detta för att säkra arbetet.", ner=True)
    assert _ents(doc) == []


def test_dates_of_the_normalizer_win(nlp):
    doc = tag(nlp, "Vid regionrådsmötet 2016-03-03 godkändes årsplanen.", REFERENCE, ner=True)
    assert [(e.text, e.label_, e._.iso) for e in doc.ents] == [("2016-03-03", "DATE", "2016-03-03")]
    doc = tag(nlp, "Kommunen har fått 2,3 miljoner kronor från Boverket.", REFERENCE, ner=True)
    assert [e.label_ for e in doc.ents] == ["ORG"]


# -- mentions ----------------------------------------------------------------------------------


def test_mentions_in_the_sample(sample_run):
    from conftest import rows_of

    _, tables, _ = sample_run
    mentions = rows_of(tables, "mentions", ".rym.md")
    attendees = rows_of(tables, "attendees", ".rym.md").set_index("name").person_id
    item5 = mentions[(mentions.item_number == "5") & (mentions.source == "item")]
    assert list(item5.text) == [
        "Hans Lindberg",
        "Magnus Haglund",
        "Lars Göran Brandt",
        "Lars Lustig",
    ]
    assert item5.set_index("text").person_id["Magnus Haglund"] == attendees["Magnus Haglund"]
    assert item5.person_id.notna().all()  # full names get a person of their own
    short = mentions[mentions.text.isin(["Lisa", "Lisa A L", "P-E"])]
    assert set(short.person_id) >= {attendees["Lisa Andersson Lindberg"]}
    assert set(short[short.text == "P-E"].person_id) == {attendees["Per-Eric Magnusson"]}
    assert mentions[mentions.text.isin(["Sofia", "Barbro"])].person_id.isna().all()
    places = mentions[mentions.kind == "LOC"].set_index("text").reference_id
    assert places["Vännäs"] == "2460" and places["Umeås"] == "2480"
    decisions = mentions[mentions.source == "decision"]
    assert decisions.source_id.notna().all()
    assert set(decisions.kind) == {"PERSON", "ORG", "LOC"}
    assert mentions.mention_id.is_unique


def test_mentions_are_the_same_for_docx_and_text_export(sample_run):
    from conftest import rows_of

    _, tables, _ = sample_run
    columns = ["item_number", "source", "kind", "text", "reference_id", "char_start"]
    rym = rows_of(tables, "mentions", ".rym.md")[columns]
    docx = rows_of(tables, "mentions", ".docx")[columns]
    assert len(rym) > 50
    assert rym.astype(str).values.tolist() == docx.astype(str).values.tolist()


def test_a_name_never_crosses_a_table_cell(nlp):
    """Table rows reach the NER as one text with ' | ' between the cells."""
    doc = tag(nlp, "Tomas Merio | Hans Ringdahl | Mahin Moradi", ner=True)
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("Tomas Merio", "PERSON"),
        ("Hans Ringdahl", "PERSON"),
        ("Mahin Moradi", "PERSON"),
    ]
