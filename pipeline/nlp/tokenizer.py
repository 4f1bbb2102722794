"""spaCy's Swedish tokenizer with one fix for minutes: an abbreviation that ends a sentence.

spaCy keeps an initial or a month abbreviation together with its period ("S.", "nov."),
which is right inside a sentence ("Jonas J. deltar", "den 3 nov. kl 10") but at the end of
one the period is also the full stop, and the sentence boundary is lost: "Kontakta Viktor
S. Han vet." or "Mötet hålls 17 nov. Alla kommer." read as one sentence. Swedish writes one
period for both, so where a sentence ends the tokenizer splits the period off ("S" + ".",
"nov" + "."), and the sentencizer sees the boundary.

A sentence ends there when the abbreviation closes the text or its line, or when the next
word opens a sentence: for a month, any capitalized word; for an initial, a capitalized word
that is no name: a very frequent Swedish word ("Han", "Det", "Alla") or a body ("Gruppen",
"Kommunstyrelsen"), since a capitalized surname may follow a middle initial ("Lisa A. Berg").

Registered as ``protokoll.Tokenizer.v1`` (a ``spacy_tokenizers`` entry point), so a config
names it in ``[nlp.tokenizer]`` and ``spacy.load`` finds it without importing this package.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex, registry

_INITIAL = re.compile(r"^[A-ZÅÄÖÉ]\.$")
_MONTH_ABBREVIATION = re.compile(r"^(?:jan|febr?|mar|apr|jun|jul|aug|sept?|okt|nov|dec)\.$", re.I)
_CANDIDATE = re.compile(
    r"(?:\b[A-ZÅÄÖÉ]|\b(?:jan|febr?|mar|apr|jun|jul|aug|sept?|okt|nov|dec))\.(?:\s|$)", re.I
)
_BODY_SUFFIXES = (
    "gruppen",
    "nämnden",
    "styrelsen",
    "rådet",
    "kansliet",
    "mötet",
    "förvaltningen",
    "kommunen",
    "fullmäktige",
    "utskottet",
)
# A word at least this frequent (Zipf scale: 5 = once per 100,000 words) opens sentences far
# more often than it is a surname: the most frequent surnames (Andersson) stay below 4.8.
COMMON_ZIPF = 5.0


class ProtokollTokenizer(Tokenizer):
    """The language's tokenizer, then sentence-final abbreviations split (see module doc)."""

    def __call__(self, text: str) -> Doc:
        doc = super().__call__(text)
        if not _CANDIDATE.search(text):
            return doc  # most texts: no initial or month abbreviation before a space or end
        ends = [i for i, token in enumerate(doc) if _sentence_final_abbreviation(doc, i)]
        if ends:
            with doc.retokenize() as retokenizer:
                for i in ends:
                    token = doc[i]
                    retokenizer.split(token, [token.text[:-1], "."], heads=[(token, 0), (token, 0)])
        return doc

    def pipe(self, texts, batch_size: int = 1000):  # noqa: ANN001 - spaCy's signature
        for text in texts:
            yield self(text)


def _sentence_final_abbreviation(doc: Doc, i: int) -> bool:
    text = doc[i].text
    month = bool(_MONTH_ABBREVIATION.match(text))
    if not month and not _INITIAL.match(text):
        return False
    if i + 1 == len(doc) or "\n" in doc[i + 1].text:
        return True
    following = doc[i + 1].text
    if not following[:1].isupper():
        return False
    if month:
        return True
    lower = following.lower()
    return lower.endswith(_BODY_SUFFIXES) or _is_common_word(lower)


@cache
def _common_words() -> frozenset[str]:
    """Very frequent Swedish words that are not first names (wordfreq's small list)."""
    from pipeline.normalize.diacritics import common_words
    from pipeline.reference import first_names, fold

    return frozenset(w for w in common_words(COMMON_ZIPF) if fold(w) not in first_names())


def _is_common_word(word: str) -> bool:
    return word in _common_words()


@registry.tokenizers("protokoll.Tokenizer.v1")
def create_tokenizer() -> Callable[[Language], Tokenizer]:
    """The language defaults (as ``spacy.Tokenizer.v1``) in a :class:`ProtokollTokenizer`."""

    def tokenizer_factory(nlp: Language) -> Tokenizer:
        defaults = nlp.Defaults
        return ProtokollTokenizer(
            nlp.vocab,
            rules=defaults.tokenizer_exceptions,
            prefix_search=compile_prefix_regex(defaults.prefixes).search,
            suffix_search=compile_suffix_regex(defaults.suffixes).search,
            infix_finditer=compile_infix_regex(defaults.infixes).finditer,
            token_match=defaults.token_match,
            url_match=defaults.url_match,
        )

    return tokenizer_factory
