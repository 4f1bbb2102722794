"""The project's own spaCy components, registered by name so a config can assemble them.

- ``protokoll_dates`` tags DATE entities with the project's Swedish date normalizer and
  keeps the ISO value in ``span._.iso`` (year inferred from ``doc.user_data["reference_date"]``).
- ``protokoll_persons`` tags PERSON entities by rule: runs of capitalized name tokens and
  initials ("Hans-Åke Donnersvärd", "Lisa A L", "Jonas J."), and single first names or
  initials ("Lisa", "P-E") that the caller lists in ``doc.user_data["known_names"]``.
  A trained NER replaces it in a later issue; the rest of the pipeline does not change.

Both are exposed as ``spacy_factories`` entry points, so ``spacy.load("models/...")`` finds
them without importing this package first.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from pipeline.normalize.dates import find_dates
from pipeline.reference import first_names, fold

if not Span.has_extension("iso"):
    Span.set_extension("iso", default=None)

_NAME = re.compile(
    r"^[A-ZÅÄÖÉÜ][a-zåäöéèüæøß]+(?:-[A-ZÅÄÖÉÜ][a-zåäöéèüæøß]+)*"
    r"(?:[A-ZÅÄÖÉ][a-zåäöéü]+)?$"
)
_INITIALS = re.compile(r"^(?:[A-ZÅÄÖ]{1,2}\.?|[A-ZÅÄÖ]\.?-[A-ZÅÄÖ]\.?|(?:[A-ZÅÄÖ]\.){2,3})$")
_HYPHEN_INITIALS = re.compile(r"^[A-ZÅÄÖ]\.?-[A-ZÅÄÖ]\.?$")
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
    """Tags DATE entities; ``span._.iso`` holds '2016-04-27' or '2016-05-18/2016-05-19'."""

    def __call__(self, doc: Doc) -> Doc:
        reference = doc.user_data.get("reference_date")
        new = []
        for mention in find_dates(doc.text, reference):
            # "contract": a date glued into a longer token ("2016-03-03.pdf") is no date
            span = doc.char_span(
                mention.start, mention.end, label="DATE", alignment_mode="contract"
            )
            if span is not None:
                new.append((span, mention.iso))
        taken = {i for ent in doc.ents for i in range(ent.start, ent.end)}
        kept = [(s, iso) for s, iso in new if not any(i in taken for i in range(s.start, s.end))]
        kept_spans = filter_spans([s for s, _ in kept])
        doc.ents = list(doc.ents) + kept_spans
        iso_by_bounds = {(s.start_char, s.end_char): iso for s, iso in kept}
        for ent in doc.ents:
            if ent.label_ == "DATE" and (ent.start_char, ent.end_char) in iso_by_bounds:
                ent._.iso = iso_by_bounds[(ent.start_char, ent.end_char)]
        return doc


@Language.factory("protokoll_persons", default_config={"min_tokens": 2})
def make_person_recognizer(nlp: Language, name: str, min_tokens: int) -> PersonRecognizer:
    return PersonRecognizer(min_tokens)


class PersonRecognizer:
    """Tags PERSON entities by rule; see the module docstring."""

    def __init__(self, min_tokens: int = 2) -> None:
        self.min_tokens = min_tokens

    def __call__(self, doc: Doc) -> Doc:
        known = {n.casefold() for n in doc.user_data.get("known_names", ())}
        # A one-word place right after a first name is a surname: "Anna Berg", "Karin Lund".
        surnames = {
            ent.start
            for ent in doc.ents
            if ent.label_ == "LOC"
            and len(ent) == 1
            and ent.start > 0
            and _NAME.match(ent.text)
            and _is_first_name(doc[ent.start - 1].text, known)
        }
        taken = {i for ent in doc.ents for i in range(ent.start, ent.end)} - surnames
        spans: list[Span] = []
        i = 0
        while i < len(doc):
            j = i
            while j < len(doc) and j not in taken and self._name_token(doc[j].text, j == i):
                j += 1
            if j > i:
                span = self._accept(doc, i, j, known)
                if span is not None:
                    spans.append(span)
                i = j
            else:
                i += 1
        persons = filter_spans(spans)
        claimed = {i for span in persons for i in range(span.start, span.end)}
        kept = [e for e in doc.ents if not claimed & set(range(e.start, e.end))]
        doc.ents = kept + persons
        return doc

    @staticmethod
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
    return token.casefold() in known or all(
        fold(part) in first_names() for part in token.split("-")
    )
