"""Tests of the Swedish NLP stage: the shipped model, the entity ruler and the rule components."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest
import spacy

from pipeline.nlp import MODEL_DIR, build_model, load_nlp, tag

REFERENCE = date(2016, 3, 16)


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


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
        doc = nlp("Per-Eric Magnusson, Vindelns kommun, vice ordförande")
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
    assert out["pipe_names"] == ["entity_ruler", "protokoll_dates", "protokoll_persons"]
    assert out["name"] == "sv_protokoll_rules"
    assert out["ents"] == [
        ["Per-Eric Magnusson", "PERSON", ""],
        ["Vindelns kommun", "LOC", "2404"],
        ["vice ordförande", "ROLE", "vice ordförande"],
    ]


def test_load_nlp_is_the_shipped_model(nlp):
    assert nlp.pipe_names == ["entity_ruler", "protokoll_dates", "protokoll_persons"]
    assert nlp.lang == "sv"
    assert load_nlp() is nlp


def test_build_model_writes_a_loadable_folder(tmp_path):
    path = build_model(tmp_path / "m")
    assert path == tmp_path / "m"
    config = spacy.util.load_config(path / "config.cfg")
    assert list(config["nlp"]["pipeline"]) == [
        "entity_ruler",
        "protokoll_dates",
        "protokoll_persons",
    ]
    assert config["components"]["protokoll_persons"]["min_tokens"] == 2
    assert (path / "entity_ruler" / "patterns.jsonl").is_file()
    assert json.loads((path / "meta.json").read_text(encoding="utf-8"))["name"] == (
        "sv_protokoll_rules"
    )
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
