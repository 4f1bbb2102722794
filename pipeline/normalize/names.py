"""Canonical person names within one document.

Minutes spell one person several ways: "Helén Sundström Hetta" in the header, "Helen
SundstromHetta" in the participant list, "Per-Erik" for "Per-Eric" in a table, "Lisa A L" or
"P-E" in running text. :class:`PersonIndex` groups the variants and names each group by its
best-spelled variant; short references resolve only when they denote one attendee.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from pipeline.reference import first_names
from pipeline.reference import fold as _fold_text

# Names and their pieces recur across every lookup of a document (and across documents):
# fold each spelling once.
fold = lru_cache(maxsize=65536)(_fold_text)

# How much a sighting of a variant counts when choosing the canonical spelling.
SOURCE_WEIGHT = {"attendance": 3, "participants": 2, "responsible": 1, "mention": 1}


@dataclass
class Person:
    """One person of a document and every spelling seen for them."""

    variants: Counter[str] = field(default_factory=Counter)
    attendee: bool = False
    _keys: tuple[frozenset[str], frozenset[str]] = field(
        default=(frozenset(), frozenset()), init=False, repr=False, compare=False
    )
    _name: tuple[int, str] = field(default=(0, ""), init=False, repr=False, compare=False)

    @property
    def name(self) -> str:
        """The best-spelled variant: most å/ä/ö/é, then most words, then most weight.

        Kept until a sighting is added (each adds weight): short forms are resolved against
        every attendee's name, a thousand times in a long document."""
        weight, name = self._name
        if weight != self.variants.total():
            name = max(
                self.variants, key=lambda v: (_diacritics(v), _words(v), self.variants[v], v)
            )
            self._name = (self.variants.total(), name)
        return name

    @property
    def keys(self) -> frozenset[str]:
        """The folded spellings (kept until a spelling is added)."""
        spellings, keys = self._keys
        if spellings != self.variants.keys():
            spellings = frozenset(self.variants)
            keys = frozenset(fold(v) for v in spellings)
            self._keys = (spellings, keys)
        return keys

    @property
    def parts(self) -> list[str]:
        return self.name.replace("-", " - ").split()


def _diacritics(text: str) -> int:
    return sum(1 for ch in text if ch.isalpha() and not ch.isascii())


def _words(text: str) -> int:
    return len(text.replace("-", " ").split())


def _one_substitution(a: str, b: str) -> bool:
    """Same length and one differing letter: 'pererikmagnusson' ~ 'perericmagnusson'."""
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) == 1


class PersonIndex:
    """The persons of one document, built from attendance lists first, then other sightings."""

    def __init__(self) -> None:
        self.persons: list[Person] = []

    def add(self, name: str, source: str) -> Person:
        """Record a sighting of a full name; return the person it belongs to."""
        name = " ".join(name.split())
        person = self._find_full(name, fuzzy=source in ("responsible", "mention"))
        if person is None:
            person = Person()
            self.persons.append(person)
        person.variants[name] += SOURCE_WEIGHT.get(source, 1)
        person.attendee |= source in ("attendance", "participants")
        return person

    def resolve(self, text: str) -> Person | None:
        """The person ``text`` denotes: a spelling variant or an unambiguous short form."""
        text = " ".join(text.split()).strip(" .,;:")
        if not text:
            return None
        return self._find_full(text, fuzzy=True) or self._find_short(text)

    def is_short_form(self, text: str) -> bool:
        """'Peter H', 'Lisa A L': a short reference to a known attendee, not a new name."""
        text = " ".join(text.split()).strip(" .,;:")
        return self._find_full(text, fuzzy=True) is None and self._find_short(text) is not None

    def _find_full(self, name: str, fuzzy: bool) -> Person | None:
        key = fold(name)
        if not key:
            return None
        for person in self.persons:
            if key in person.keys:
                return person
        if not fuzzy or len(key) < 8 or _words(name) < 2:
            return None
        close = [
            p for p in self.persons if p.attendee and any(_one_substitution(key, k) for k in p.keys)
        ]
        return close[0] if len(close) == 1 else None

    def _find_short(self, text: str) -> Person | None:
        """'Lisa', 'Lisa A L', 'Jonas J.', 'P-E': one attendee, or nobody."""
        tokens = [t.strip(".") for t in text.replace("’", "'").split()]
        tokens = [t for t in tokens if t]
        if not tokens or len(tokens) > 4:
            return None
        matches = [p for p in self.persons if p.attendee and _short_form_of(tokens, p.name)]
        return matches[0] if len(matches) == 1 else None


def _short_form_of(tokens: list[str], name: str) -> bool:
    words = name.split()
    if len(words) < 2:
        return False
    first, rest = words[0], words[1:]
    head = tokens[0]
    if "-" in head and len(head.replace("-", "")) <= 3 and head.isupper():
        # "P-E" = initials of a hyphenated first name "Per-Eric"
        initials = "-".join(part[:1] for part in first.split("-"))
        if fold(head) != fold(initials) or "-" not in first:
            return False
    elif fold(head) != fold(first):
        return False
    remaining = rest
    for token in tokens[1:]:
        for i, word in enumerate(remaining):
            if fold(token) == fold(word) or (
                len(token) <= 2 and token.isupper() and fold(word).startswith(fold(token))
            ):
                remaining = remaining[i + 1 :]
                break
        else:
            return False
    return True


def _is_given_name(word: str) -> bool:
    return all(fold(part) in first_names() for part in word.split("-") if part)


def lists_surname_first(names: list[str]) -> bool:
    """True when a document's name lists put the surname first ("Lindvall Mikael").

    Decided for the whole list, by which position holds known given names more often, so
    that names the gazetteer does not know ("Backman Tua") follow their neighbours.
    """
    first = second = 0
    for name in names:
        words = name.split()
        if len(words) == 2:
            first += _is_given_name(words[0]) and not _is_given_name(words[1])
            second += _is_given_name(words[1]) and not _is_given_name(words[0])
    return second > first


def given_name_first(name: str, surname_first: bool) -> str:
    """'Lindvall Mikael' -> 'Mikael Lindvall' when the document writes surnames first."""
    words = name.split()
    if surname_first and len(words) == 3 and not _is_given_name(words[0]):
        # "Phan An Tuan", "Svensson Anna Karin": the surname first, then the given names;
        # "Andersson Lindberg Lisa": two surnames when only the last word is a given name
        if _is_given_name(words[2]) and not _is_given_name(words[1]):
            return f"{words[2]} {words[0]} {words[1]}"
        return f"{words[1]} {words[2]} {words[0]}"
    if (
        not surname_first
        or len(words) != 2
        or _is_given_name(words[0])
        and not (_is_given_name(words[1]))
    ):
        return name
    return f"{words[1]} {words[0]}"
