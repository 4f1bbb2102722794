"""Persons, organisations and places named inside decisions, actions and item text.

"Magnus Haglund tar kontakt med Lars Göran Brandt och Lars Lustig": the ``mentions`` table
holds one row per PERSON, ORG or LOC entity found in the running text of a meeting (the text
of each decision, the task of each action, the discussion text of each agenda item). Only
these spans go through the trained NER; attendance lines and table cells keep the rules.

A PERSON mention gets the ``person_id`` of the meeting's person it denotes: an attendee or
responsible by any spelling or unambiguous short form ("Lisa A L", "P-E"), or a new person
for a full name nobody else in the meeting has ("Lars Göran Brandt"). A first name or
initials that fit no one, or several people, stay without a ``person_id``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable

from spacy.language import Language

from pipeline.ids import stable_id
from pipeline.nlp import tag_many
from pipeline.normalize.names import PersonIndex

KINDS = ("PERSON", "ORG", "LOC")
# (table, source name, id column, text column)
SOURCES = (
    ("decisions", "decision", "decision_id", "text"),
    ("actions", "action", "action_id", "task"),
    ("agenda_items", "item", None, "text"),
)
_INITIALS_ONLY = re.compile(r"^[A-ZÅÄÖ](?:[.\-]?[A-ZÅÄÖ])*\.?$")


def find_mentions(
    nlp: Language,
    tables: dict[str, list[dict]],
    reference_date: dt.date | None,
    known_names: Iterable[str],
    people: PersonIndex,
    person_id: Callable[[str], str],
) -> list[dict]:
    """Mention rows for the decisions, actions and agenda items of one meeting's tables."""
    known = tuple(known_names)
    records = [
        (source, id_column, record, record[text_column])
        for table, source, id_column, text_column in SOURCES
        for record in tables.get(table, [])
        if record.get(text_column)
    ]
    docs = tag_many(nlp, [r[3] for r in records], reference_date, known_names=known, ner=True)
    rows: list[dict] = []
    for (source, id_column, record, _), doc in zip(records, docs, strict=True):
        source_id = record.get(id_column) if id_column else None
        for ent in doc.ents:
            if ent.label_ not in KINDS:
                continue
            pid = _person_id(ent.text, people, person_id) if ent.label_ == "PERSON" else None
            rows.append(
                {
                    "mention_id": stable_id(
                        "n",
                        record["meeting_id"],
                        source,
                        source_id or record["item_number"],
                        str(ent.start_char),
                    ),
                    "meeting_id": record["meeting_id"],
                    "item_number": record["item_number"],
                    "source": source,
                    "source_id": source_id,
                    "kind": ent.label_,
                    "text": ent.text,
                    "reference_id": ent.ent_id_ or None,
                    "person_id": pid,
                    "char_start": ent.start_char,
                    "page": record.get("page"),
                    "position": record.get("position"),
                }
            )
    return rows


def _person_id(text: str, people: PersonIndex, person_id: Callable[[str], str]) -> str | None:
    person = people.resolve(text)
    if person is None and _is_full_name(text):
        person = people.add(text, "mention")
    return person_id(person.name) if person is not None else None


def _is_full_name(text: str) -> bool:
    """At least two words and a written-out surname: 'Lars Lustig', not 'Lisa' or 'P-E'."""
    words = text.replace("-", " - ").split()
    return len(text.split()) >= 2 and not _INITIALS_ONLY.match(words[-1].strip("."))
