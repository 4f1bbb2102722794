"""The project's own spaCy components, registered by name so a config can assemble them.

- ``protokoll_dates`` tags DATE entities with the project's Swedish date normalizer and
  keeps the ISO value in ``span._.iso`` (year inferred from ``doc.user_data["reference_date"]``).
- ``protokoll_entity_links`` gives the trained NER's LOC and ORG entities the ids of the
  reference data (municipality code, public body short form) when they name one.
- ``protokoll_persons`` tags PERSON entities by rule: runs of capitalized name tokens and
  initials ("Hans-Åke Donnersvärd", "Lisa A L", "Jonas J."), and single first names or
  initials ("Lisa", "P-E") that the caller lists in ``doc.user_data["known_names"]``.
  After the trained NER it fills what the NER left (the NER runs on running text only).

All are exposed as ``spacy_factories`` entry points, so ``spacy.load("models/...")`` finds
them without importing this package first.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from pipeline.normalize.dates import find_dates, parse_date
from pipeline.normalize.diacritics import common_words
from pipeline.reference import (
    find_municipality,
    first_names,
    fold,
    public_bodies,
    regions,
)
from pipeline.structure import CELL_SEPARATOR

if not Span.has_extension("iso"):
    Span.set_extension("iso", default=None)

_NAME = re.compile(
    r"^[A-ZÅÄÖÉÜ][a-zåäöéèüæøß]+(?:-[A-ZÅÄÖÉÜ][a-zåäöéèüæøß]+)*"
    r"(?:[A-ZÅÄÖÉ][a-zåäöéü]+)?$"
)
_INITIALS = re.compile(r"^(?:[A-ZÅÄÖ]{1,2}\.?|[A-ZÅÄÖ]\.?-[A-ZÅÄÖ]\.?|(?:[A-ZÅÄÖ]\.){2,3})$")
_HYPHEN_INITIALS = re.compile(r"^[A-ZÅÄÖ]\.?-[A-ZÅÄÖ]\.?$")
_DIGIT = re.compile(r"\d")
_CELL_EDGE = CELL_SEPARATOR.strip()  # "|" between two table cells in one text
# Capitalized words that are organisations or things, not people.
_NOT_NAME_SUFFIXES = (
    "gruppen",
    "regionen",
    "regionens",
    "rådet",
    "nämnden",
    "styrelsen",
    "kommun",
    "kommunen",
    "kansliet",
    "förbundet",
    "verket",
    "seminariet",
    "fremjandet",
    "främjandet",
    "möte",
    "mötet",
    "avtal",
    "avtalet",
    "länet",
    "staden",
    "bolaget",
    "föreningen",
)


@Language.factory("protokoll_dates")
def make_date_recognizer(nlp: Language, name: str) -> DateRecognizer:
    return DateRecognizer()


class DateRecognizer:
    """Tags DATE entities; ``span._.iso`` holds '2016-04-27' or '2016-05-18/2016-05-19'.

    The normalizer is the authority on dates: its dates replace what the trained NER tagged
    over the same words (the rules' entities, which carry an id, stay), and a DATE of the
    NER that the normalizer did not find is kept only if it parses as one date on its own
    ("16.8"), with that value.
    """

    def __call__(self, doc: Doc) -> Doc:
        if not _DIGIT.search(doc.text) and not any(
            e.label_ == "DATE" and not e.ent_id_ for e in doc.ents
        ):
            return doc  # no date to find (each holds a digit) and none of the NER's to check
        reference = doc.user_data.get("reference_date")
        new = []
        for mention in find_dates(doc.text, reference):
            # "contract": a date glued into a longer token ("2016-03-03.pdf") is no date
            span = doc.char_span(
                mention.start, mention.end, label="DATE", alignment_mode="contract"
            )
            if span is not None and len(span) > 1 and span[-1].text == ".":
                # "17 nov." at a sentence end: the period is the full stop
                span = Span(doc, span.start, span.end - 1, label="DATE")
            if span is not None:
                new.append((span, mention.iso))
        ruled = [e for e in doc.ents if e.ent_id_]  # entity ruler: certain
        learned = [e for e in doc.ents if not e.ent_id_]  # trained NER
        taken = {i for ent in ruled for i in range(ent.start, ent.end)}
        kept = [(s, iso) for s, iso in new if not any(i in taken for i in range(s.start, s.end))]
        kept_spans = filter_spans([s for s, _ in kept])
        covered = {i for s in kept_spans for i in range(s.start, s.end)}
        iso_by_bounds = {(s.start_char, s.end_char): iso for s, iso in kept}
        others = []
        for ent in learned:
            if any(i in covered for i in range(ent.start, ent.end)):
                continue
            if ent.label_ == "DATE":
                mention = parse_date(ent.text, reference)
                if mention is None:
                    continue
                iso_by_bounds[(ent.start_char, ent.end_char)] = mention.iso
            others.append(ent)
        doc.ents = sorted(ruled + others + kept_spans, key=lambda e: e.start)
        for ent in doc.ents:
            if ent.label_ == "DATE" and (ent.start_char, ent.end_char) in iso_by_bounds:
                ent._.iso = iso_by_bounds[(ent.start_char, ent.end_char)]
        return doc


@Language.factory("protokoll_entity_links")
def make_entity_linker(nlp: Language, name: str) -> EntityLinker:
    return EntityLinker()


class EntityLinker:
    """Checks the trained NER's entities and gives them the ids of the reference data.

    - A place or organisation that names a municipality ("Umeås", "Vindeln") gets its
      four-digit code, one that names a region or public body ("Trafikverkets",
      "skolverket") its short form, as the entity ruler's entities have them.
    - Punctuation at the edges is trimmed ("– Attraktiv"), a common word before a person's
      name too ("Hos Jens Nilsson"), initials before a surname are added ("LG Brandt").
    - An entity made of frequent Swedish words only is dropped where it opens a sentence
      or is written in lower case ("Detta", "Det lyftes", "respektive kommun"): first
      names and municipalities stay. So is one without letters ("59"), and a person or
      place with digits ("070-332").
    - A bare municipality name tagged ORG is a place (LOC), as the entity ruler has it.
    """

    def __call__(self, doc: Doc) -> Doc:
        if not any(not e.ent_id_ for e in doc.ents):
            return doc
        ents = []
        for ent in (part for whole in doc.ents for part in _cell_parts(doc, whole)):
            if not ent.ent_id_ and ent.label_ != "DATE":  # dates: the normalizer's
                ent = _checked(doc, ent)
                if ent is None:
                    continue
            ent_id = None
            if not ent.ent_id_ and ent.label_ == "LOC":
                ent_id = _municipality_code(ent.text)
            elif not ent.ent_id_ and ent.label_ == "ORG":
                ent_id = _organisation_id(ent.text)
            if ent_id:
                ent = Span(doc, ent.start, ent.end, label=ent.label_, span_id=ent_id)
            ents.append(ent)
        doc.ents = ents
        return doc


COMMON_ZIPF = 3.0  # wordfreq's small Swedish list reaches down to about here


def _cell_parts(doc: Doc, ent: Span) -> list[Span]:
    """A name never crosses a table cell: the NER's entity split at ' | ' (rows of a table
    reach it as one text), 'Tomas Merio | Hans Ringdahl' -> two."""
    if ent.ent_id_ or all(token.text != _CELL_EDGE for token in ent):
        return [ent]
    parts, start = [], ent.start
    for i in range(ent.start, ent.end + 1):
        if i == ent.end or doc[i].text == _CELL_EDGE:
            if i > start:
                parts.append(Span(doc, start, i, label=ent.label_))
            start = i + 1
    return parts


def _checked(doc: Doc, ent: Span) -> Span | None:
    """The NER's entity with its edges cleaned, or None when it is no name (see above)."""
    start, end = ent.start, ent.end
    while start < end and not _has_letter_or_digit(doc[start].text):
        start += 1  # "– Attraktiv"
    while end > start and not _has_letter_or_digit(doc[end - 1].text):
        end -= 1  # "årsstämma –"
    if start >= end:
        return None
    if ent.label_ == "PERSON":
        # a common word before the name: "Hos Jens Nilsson", "Enligt Lisa"
        while (
            end - start > 1
            and _sentence_initial(doc, start)
            and len(doc[start].text) > 2
            and _common_word(doc[start].text)
            and not _is_first_name(doc[start].text, set())
        ):
            start += 1
        if not _is_first_name(doc[start].text, set()):
            # a surname with initials before it that the NER left out: "LG Brandt"
            while (
                start > 0 and _INITIALS.match(doc[start - 1].text) and not doc[start - 1].ent_type_
            ):
                start -= 1
    if start >= end:
        return None
    if (start, end) != (ent.start, ent.end):
        ent = Span(doc, start, end, label=ent.label_)
    text = ent.text
    if not any(ch.isalpha() for ch in text):
        return None  # "59"
    if ent.label_ in ("PERSON", "LOC") and any(ch.isdigit() for ch in text):
        return None  # "070-332"
    if ent.label_ == "PERSON" and text == text.lower():
        return None  # a name has a capital: "t.f"
    words = [t.text for t in ent if any(ch.isalpha() for ch in t.text)]
    common = all(_common_word(w) for w in words) and not any(
        _is_first_name(w, set()) or find_municipality(w) for w in words
    )
    if common and (_sentence_initial(doc, ent.start) or text == text.lower()):
        return None  # "Detta", "Det lyftes", "respektive kommun", "mycket"
    if ent.label_ == "ORG" and (municipality := find_municipality(text)):
        # a municipality's bare name is a place here, as the entity ruler has it
        return Span(doc, ent.start, ent.end, label="LOC", span_id=municipality.code)
    return ent


def _has_letter_or_digit(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def _common_word(word: str) -> bool:
    return word.lower() in common_words(COMMON_ZIPF)


def _without_genitive(text: str) -> list[str]:
    forms = [text]
    if text.endswith(":s"):
        forms.append(text[:-2])
    elif text.endswith("s"):
        forms.append(text[:-1])
    return forms


def _municipality_code(text: str) -> str | None:
    for form in _without_genitive(text):
        if municipality := find_municipality(form):
            return municipality.code
    return None


def _organisation_id(text: str) -> str | None:
    index = _organisation_index()
    for form in _without_genitive(text):
        if (found := index.get(fold(form))) is not None:
            return found
    return None


@cache
def _organisation_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for region in regions():
        for form in (region["name"], f"Region {region['short_name']}"):
            index.setdefault(fold(form), f"region:{region['code']}")
    for body in public_bodies():
        ent_id = body["short_name"] or body["name"]
        index.setdefault(fold(body["name"]), ent_id)
        if body["short_name"]:
            index.setdefault(fold(body["short_name"]), ent_id)
    return index


@Language.factory("protokoll_persons", default_config={"min_tokens": 2})
def make_person_recognizer(nlp: Language, name: str, min_tokens: int) -> PersonRecognizer:
    return PersonRecognizer(min_tokens)


class PersonRecognizer:
    """Tags PERSON entities by rule; see the module docstring."""

    def __init__(self, min_tokens: int = 2) -> None:
        self.min_tokens = min_tokens

    def __call__(self, doc: Doc) -> Doc:
        known = {n.casefold() for n in doc.user_data.get("known_names", ())}
        ents = doc.ents
        words = [token.text for token in doc]
        # A one-word place right after a first name is a surname: "Anna Berg", "Karin Lund".
        surnames = {
            ent.start
            for ent in ents
            if ent.label_ == "LOC"
            and len(ent) == 1
            and ent.start > 0
            and _NAME.match(ent.text)
            and _is_first_name(words[ent.start - 1], known)
        }
        taken = {i for ent in ents for i in range(ent.start, ent.end)} - surnames
        spans: list[Span] = []
        i, n = 0, len(words)
        while i < n:
            j = i
            while j < n and j not in taken and self._name_token(words[j], j == i):
                j += 1
            if j > i:
                span = self._accept(doc, i, j, known)
                if span is not None:
                    spans.append(span)
                i = j
            else:
                i += 1
        if not spans:
            return doc
        persons = filter_spans(spans)
        claimed = {i for span in persons for i in range(span.start, span.end)}
        kept = [e for e in ents if not claimed & set(range(e.start, e.end))]
        doc.ents = kept + persons
        return doc

    @staticmethod
    @lru_cache(maxsize=65536)
    def _name_token(text: str, first: bool) -> bool:
        if text.casefold().endswith(_NOT_NAME_SUFFIXES):
            return False
        if _NAME.match(text):
            return True
        return bool(_INITIALS.match(text)) and (
            not first or bool(_HYPHEN_INITIALS.match(text)) or len(text.rstrip(".")) <= 2
        )

    def _accept(self, doc: Doc, start: int, end: int, known: set[str]) -> Span | None:
        """Trim a run of name-like tokens to a plausible name, or reject it.

        A capitalized word that opens a sentence is a name only if it is a known first name
        ("Kontakta LG Brandt" -> "LG Brandt"); plain initials may open a name only when a
        surname follows ("L Lustig"); a single word is a name only if the document lists it.
        """
        while start < end:
            first = doc[start].text
            if _HYPHEN_INITIALS.match(first):
                break
            if _NAME.match(first):
                if (
                    not _sentence_initial(doc, start)
                    or doc.user_data.get("names_first")
                    or _is_first_name(first, known)
                ):
                    break
            elif (
                start + 1 < end
                and _NAME.match(doc[start + 1].text)
                and not _is_first_name(doc[start + 1].text, known)
            ):
                break  # initials before a surname ("LG Brandt"), not an abbreviation
                # before a first name ("KS Jonas Jonsson")
            start += 1
        tokens = [t.text for t in doc[start:end]]
        if not tokens:
            return None
        if len(tokens) >= self.min_tokens or " ".join(tokens).casefold() in known:
            return Span(doc, start, end, label="PERSON")
        if len(tokens) == 1 and _HYPHEN_INITIALS.match(tokens[0]):
            return Span(doc, start, end, label="PERSON")
        return None


_SENTENCE_OPENERS = {".", "!", "?", ":", ";", "-", "–", "•", "(", '"', "”", "\n"}


def _sentence_initial(doc: Doc, i: int) -> bool:
    return i == 0 or doc[i - 1].text in _SENTENCE_OPENERS or doc[i - 1].is_space


def _is_first_name(token: str, known: set[str]) -> bool:
    return token.casefold() in known or _listed_first_name(token)


@lru_cache(maxsize=65536)
def _listed_first_name(token: str) -> bool:
    return all(fold(part) in first_names() for part in token.split("-"))
