"""Tests of PersonIndex: canonical names within one document and short references."""

from __future__ import annotations

import pytest

from pipeline.normalize.names import PersonIndex

# The sample's attendance lines, then its "Deltagare" list, as extract feeds them.
ATTENDANCE = [
    "Magnus Haglund",
    "Per-Eric Magnusson",
    "Håkan Wretling",
    "Jonas Jonsson",
    "Magnus Hansson",
    "Lisa Andersson Lindberg",
    "Helén Sundström Hetta",
    "Hans-Åke Donnersvärd",
]
PARTICIPANTS = [
    "Lisa Andersson Lindberg",
    "Magnus Haglund",
    "Jonas Jonsson",
    "Magnus Hansson",
    "Helen SundstromHetta",
    "Håkan Wretling",
    "Hans-Ake Donnersvard",
    "Per-Eric Magnusson",
]


@pytest.fixture
def sample_index() -> PersonIndex:
    index = PersonIndex()
    for name in ATTENDANCE:
        index.add(name, "attendance")
    for name in PARTICIPANTS:
        index.add(name, "participants")
    return index


def _name(index: PersonIndex, text: str) -> str | None:
    person = index.resolve(text)
    return person.name if person else None


def test_sample_has_eight_persons(sample_index):
    assert [p.name for p in sample_index.persons] == ATTENDANCE
    assert all(p.attendee for p in sample_index.persons)


def test_spelling_variants_are_one_person_with_the_best_spelling():
    index = PersonIndex()
    a = index.add("Helen SundstromHetta", "participants")
    b = index.add("Helén Sundström Hetta", "attendance")
    assert a is b
    assert len(index.persons) == 1
    assert a.name == "Helén Sundström Hetta"
    assert set(a.variants) == {"Helen SundstromHetta", "Helén Sundström Hetta"}
    assert a.attendee


def test_ascii_variant_in_sample(sample_index):
    person = sample_index.resolve("Hans-Ake Donnersvard")
    assert person is not None
    assert person.name == "Hans-Åke Donnersvärd"
    assert person.variants == {"Hans-Åke Donnersvärd": 3, "Hans-Ake Donnersvard": 2}


def test_whitespace_is_normalized_when_adding():
    index = PersonIndex()
    person = index.add("  Lisa   Andersson\tLindberg ", "attendance")
    assert person.name == "Lisa Andersson Lindberg"


def test_responsible_misspelling_resolves_to_attendee(sample_index):
    person = sample_index.add("Per-Erik Magnusson", "responsible")
    assert person.name == "Per-Eric Magnusson"
    assert person.attendee
    assert person.variants["Per-Erik Magnusson"] == 1
    assert len(sample_index.persons) == 8
    assert _name(sample_index, "Per-Erik Magnusson") == "Per-Eric Magnusson"


def test_one_letter_apart_attendees_stay_two_persons():
    index = PersonIndex()
    jonsson = index.add("Jonas Jonsson", "attendance")
    jansson = index.add("Jonas Jansson", "attendance")
    assert jonsson is not jansson
    assert [p.name for p in index.persons] == ["Jonas Jonsson", "Jonas Jansson"]
    assert index.resolve("Jonas Jansson") is jansson
    assert index.resolve("Jonas Jonsson") is jonsson
    assert index.add("Jonas Jansson", "responsible") is jansson
    # "Jonas J." fits both: no guess
    assert index.resolve("Jonas J.") is None
    # a misspelling one letter from both attendees is not merged into either
    assert index.add("Jonas Jinsson", "responsible") not in (jonsson, jansson)


def test_participant_one_letter_from_an_attendee_is_another_person():
    index = PersonIndex()
    jonsson = index.add("Jonas Jonsson", "attendance")
    assert index.add("Jonas Jansson", "participants") is not jonsson


def test_non_attendee_is_not_fuzzy_target():
    index = PersonIndex()
    mentioned = index.add("Hans Lindberg", "mention")
    assert not mentioned.attendee
    other = index.add("Hans Lindborg", "mention")
    assert other is not mentioned
    assert len(index.persons) == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Lisa", "Lisa Andersson Lindberg"),
        ("Lisa A L", "Lisa Andersson Lindberg"),
        ("Lisa A. L.", "Lisa Andersson Lindberg"),
        ("lisa", "Lisa Andersson Lindberg"),
        ("Lisa Lindberg", "Lisa Andersson Lindberg"),
        ("P-E", "Per-Eric Magnusson"),
        ("Per-Eric", "Per-Eric Magnusson"),
        ("Jonas J.", "Jonas Jonsson"),
        ("Jonas J", "Jonas Jonsson"),
        ("Jonas", "Jonas Jonsson"),
        ("Helen", "Helén Sundström Hetta"),
        ("H-Å", "Hans-Åke Donnersvärd"),
        ("Magnus Haglund.", "Magnus Haglund"),
        ("  Håkan   Wretling ", "Håkan Wretling"),
    ],
)
def test_resolve_short_forms(sample_index, text, expected):
    assert _name(sample_index, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Magnus",  # Haglund and Hansson
        "Magnus H",  # both surnames start with H
        "Carina A.",  # not at the meeting
        "Hans Lindberg",  # mentioned, not an attendee
        "Anders H",
        "PE",  # not the hyphenated initials
        "Haglund",  # a surname alone
        "",
        " . ",
        "Lisa Andersson Lindberg och Magnus Haglund med flera",
    ],
)
def test_resolve_gives_none_when_not_one_attendee(sample_index, text):
    assert sample_index.resolve(text) is None


def test_short_form_does_not_match_non_attendees():
    index = PersonIndex()
    index.add("Lisa Andersson Lindberg", "attendance")
    index.add("Lisa Ek", "mention")
    assert _name(index, "Lisa") == "Lisa Andersson Lindberg"
    assert _name(index, "Lisa Ek") == "Lisa Ek"


def test_hyphen_initials_need_a_hyphenated_first_name():
    index = PersonIndex()
    index.add("Per Eriksson", "attendance")
    assert index.resolve("P-E") is None


def test_canonical_name_prefers_diacritics_then_words_then_weight():
    index = PersonIndex()
    person = index.add("Hakan Wretling", "attendance")
    index.add("Håkan Wretling", "responsible")
    assert person.name == "Håkan Wretling"

    index = PersonIndex()
    person = index.add("Per-Eric Magnusson", "attendance")
    index.add("Per-Erik Magnusson", "responsible")
    assert person.name == "Per-Eric Magnusson"
    assert person.keys == {"perericmagnusson", "pererikmagnusson"}
