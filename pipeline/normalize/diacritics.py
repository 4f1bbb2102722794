"""Restoring the å, ä and ö that an archive folded to a, a and o.

Some exports strip the Swedish letters: "Det konstaterades att fragan om berakningar for
aterkrav hade uppfattats som mojlig att hantera ..." (item 6 of the sample). This module

1. detects such text: a paragraph with no å/ä/ö at all that holds at least two words whose
   folded spelling is far rarer than a spelling with å/ä/ö ("fragan", "for", "pa", "ar");
   a whole text with no å/ä/ö counts as one paragraph for that test, so short lines of a
   folded text are restored too. Text that has its Swedish letters is never touched;
2. restores every word of a folded paragraph from a Swedish word-frequency list: the most
   frequent spelling that folds to the word ("berakningar" -> "beräkningar"), compounds
   that the list lacks by their parts ("aterkrav" -> "åter" + "krav"), and the ambiguous
   pairs by their context: "år"/"är" ("2015 ars", "i ar", "ett ar" are years), "våra"/"vara"
   and "vår"/"var" after a preposition, "sa"/"så" after a pronoun. Capitals are kept
   ("Umea" -> "Umeå"); numbers, acronyms, e-mail addresses, web addresses and file names
   are left as they are.

The frequencies are wordfreq's Swedish list (``wordfreq`` package, its data under CC BY-SA
4.0: see README), which ships with the package and is read offline, once, on first use.
The callers keep the text as written next to the restored text.
"""

from __future__ import annotations

import math
import re
from functools import cache
from pathlib import Path

_FOLD = str.maketrans("åäöÅÄÖ", "aaoAAO")
_SWEDISH = re.compile(r"[åäöÅÄÖ]")
_WORD = re.compile(r"[A-Za-zÅÄÖåäöÉé]+")
_TOKEN = re.compile(r"[A-Za-zÅÄÖåäöÉé]+|\d+")
# A token that is no plain word: an address, a file name, a number with letters.
_NOT_PROSE = re.compile(r"\S*(?:@|://|www\.|\.(?:pdf|docx?|xlsx?|se|com|nu|org)\b)\S*", re.I)

LIST = "large"
SUSPICIOUS_RATIO = 20  # the spelling with å/ä/ö at least this many times more frequent
MIN_SUSPICIOUS = 2  # folded words needed before a paragraph counts as folded
MIN_ZIPF = 1.5  # the rarest words read from the list (Zipf scale: 190,000 of its 340,000)

# The most frequent words that fold to another word: folded Swedish running text has some.
_MARKERS = re.compile(
    r"\b(?:ar|for|pa|fran|nar|da|dar|ocksa|tva|aven|annu|nagon|nagot|nagra|mote|sa|satt"
    r"|fore|aret|ars|bor|gor|gar|far|mojlig\w*|fraga\w*|ater\w*)\b",
    re.I,
)
# Correct ASCII words that are also the folded form of a frequent word: no evidence of
# folding on their own ("han sa", "hans far").
_WEAK_EVIDENCE = frozenset({"sa", "far", "har", "var", "vara", "man", "bor", "mot", "hall"})
# Words before which a folded "ar" is "år": numbers, and these.
_YEAR_BEFORE = frozenset(
    """i per varje förra nästa detta samma ett två tre fyra fem sex sju åtta nio tio flera
    några många hela senaste kommande innevarande under inom sedan halvt""".split()  # noqa: SIM905 - a word list reads better as text
)
_PREPOSITIONS = frozenset(
    "i av för till med från på inom mellan hos åt om vid bland genom utan".split()  # noqa: SIM905
)
_PRONOUNS = frozenset("han hon vi de jag ni man du".split())  # noqa: SIM905
_ARTICLES = frozenset("det den de ett en".split())  # noqa: SIM905
ARTICLE_KEEP = 0.01
# Where the list's most frequent spelling is not what minutes mean.
_PREFERRED = {"ater": "åter"}


@cache
def word_buckets(wordlist: str = LIST) -> list[list[str]]:
    """wordfreq's Swedish words by frequency: bucket i holds the words at 10 ** (-i / 100).

    Read straight from the package's data file, without importing wordfreq (faster).
    """
    import gzip
    from importlib.util import find_spec

    import msgpack

    spec = find_spec("wordfreq")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("wordfreq is not installed: pip install wordfreq")
    path = Path(spec.submodule_search_locations[0]) / "data" / f"{wordlist}_sv.msgpack.gz"
    with gzip.open(path, "rb") as f:
        header, *buckets = msgpack.load(f, raw=False)
    if header.get("format") != "cB":
        raise ValueError(f"unknown wordfreq data format {header!r}")
    return buckets


def buckets_down_to(zipf: float, wordlist: str = LIST) -> list[list[str]]:
    """The buckets of :func:`word_buckets` whose words are at least ``zipf`` (Zipf scale:
    bucket i holds the words at 10 ** (-i / 100), i.e. at Zipf 9 - i / 100)."""
    return word_buckets(wordlist)[: round((9 - zipf) * 100) + 1]


@cache
def common_words(zipf: float, wordlist: str = "small") -> frozenset[str]:
    """The words of wordfreq's Swedish list at least ``zipf`` frequent (default: its small
    list, which reaches down to about Zipf 3)."""
    return frozenset(word for bucket in buckets_down_to(zipf, wordlist) for word in bucket)


def _common_buckets() -> list[list[str]]:
    return buckets_down_to(MIN_ZIPF)


@cache
def _frequencies() -> dict[str, float]:
    """Every word of the list with its frequency (for the parts of compounds)."""
    frequencies: dict[str, float] = {}
    buckets = _common_buckets()
    for i in range(len(buckets) - 1, -1, -1):  # rarest first: the most frequent reading wins
        frequencies.update(dict.fromkeys(buckets[i], 10 ** (-i / 100)))
    return frequencies


@cache
def _index() -> tuple[dict[str, tuple[str, float]], dict[str, float]]:
    """Folded spelling -> its most frequent spelling with å/ä/ö and that frequency; and the
    frequency of each such folded spelling as a word of its own ("ar", "for", "satt")."""
    best: dict[str, tuple[str, float]] = {}
    buckets = _common_buckets()
    for i, bucket in enumerate(buckets):  # most frequent first
        frequency = 10 ** (-i / 100)
        for word in bucket:
            if word.isascii() or not ("å" in word or "ä" in word or "ö" in word):
                continue
            key = word.replace("å", "a").replace("ä", "a").replace("ö", "o")
            if key not in best and key.isalpha():
                best[key] = (word, frequency)
    own: dict[str, float] = {}
    for i, bucket in enumerate(buckets):
        frequency = 10 ** (-i / 100)
        for word in bucket:
            if word in best and word not in own:
                own[word] = frequency
    return best, own


def _variants() -> dict[str, tuple[str, float]]:
    return _index()[0]


def _frequency(word: str) -> float:
    """The word's own frequency: from the small index when it has a spelling with å/ä/ö,
    else from the whole list (read only for the parts of compounds)."""
    if word in _index()[0]:
        return _index()[1].get(word, 0.0)
    return _frequencies().get(word, 0.0)


def _suspicious(word: str) -> bool:
    """A word whose spelling with å/ä/ö is far more frequent than the word as written."""
    lower = word.lower()
    if lower in _WEAK_EVIDENCE or _SWEDISH.search(lower):
        return False
    variant = _variants().get(lower)
    return variant is not None and variant[1] >= SUSPICIOUS_RATIO * max(_frequency(lower), 1e-9)


def is_folded(text: str) -> bool:
    """True when ``text`` looks like Swedish with its å/ä/ö stripped (see module doc)."""
    if not text or _SWEDISH.search(text) or not _MARKERS.search(text):
        return False  # the cheap test first: the word list is read only for likely text
    return sum(_suspicious(w) for w in _WORD.findall(text)) >= MIN_SUSPICIOUS


def restore(text: str) -> str:
    """``text`` with folded å/ä/ö restored in its folded paragraphs; the rest unchanged."""
    if not text or not any(ch.isascii() and ch.isalpha() for ch in text):
        return text
    whole = is_folded(text)
    paragraphs = text.split("\n")
    out = []
    for paragraph in paragraphs:
        folded = not _SWEDISH.search(paragraph) and (whole or is_folded(paragraph))
        out.append(_restore_paragraph(paragraph) if folded else paragraph)
    return "\n".join(out)


def _restore_paragraph(paragraph: str) -> str:
    protected = [(m.start(), m.end()) for m in _NOT_PROSE.finditer(paragraph)]
    pieces, cursor, previous = [], 0, ""
    for m in _TOKEN.finditer(paragraph):
        token = m.group()
        if token.isdigit():
            previous = "1"  # a number: "2015 ars" -> "2015 års"
            continue
        if any(start <= m.start() < end for start, end in protected) or "_" in (
            paragraph[m.start() - 1 : m.start()] + paragraph[m.end() : m.end() + 1]
        ):
            previous = token.lower()
            continue  # a file name, an address
        new = _restore_word(token, previous)
        pieces.append(paragraph[cursor : m.start()] + new)
        cursor = m.end()
        previous = new.lower()
    pieces.append(paragraph[cursor:])
    return "".join(pieces)


def _restore_word(word: str, previous: str) -> str:
    if len(word) > 1 and word.isupper() and len(word) <= 5:
        return word  # an acronym: KS, AF, SKR
    lower = word.lower()
    if "a" not in lower and "o" not in lower:
        return word
    restored = _choose(lower, previous)
    return _same_case(word, restored)


def _choose(lower: str, previous: str) -> str:
    if lower in ("ar", "aret", "arets", "ars", "aren"):
        if lower != "ar":
            return "å" + lower[1:]  # "aret", "ars": only years fold to these
        year = previous == "1" or previous in _YEAR_BEFORE
        return "år" if year else "är"
    if lower in ("vara", "var") and previous in _PREPOSITIONS:
        return "våra" if lower == "vara" else "vår"
    if lower == "sa":
        return "sa" if previous in _PRONOUNS else "så"
    if lower in _PREFERRED:
        return _PREFERRED[lower]
    own = _frequency(lower)
    variant = _variants().get(lower)
    if (
        previous in _ARTICLES
        and lower.endswith(("a", "e"))
        and variant is not None
        and own >= ARTICLE_KEEP * variant[1]
    ):
        return lower  # "det fortsatta arbetet": after an article, a weak adjective as written
    if variant is not None and variant[1] > own:
        return variant[0]
    if own > 0 or len(lower) < 6:
        return lower
    return _compound(lower) or lower


def _compound(lower: str) -> str | None:
    """A word the list lacks, restored by its parts: 'regionradsmote' -> 'regionrådsmöte'."""
    n = len(lower)
    # best[i] = (score, restored prefix) for the first i letters
    best: list[tuple[float, str] | None] = [None] * (n + 1)
    best[0] = (0.0, "")
    for end in range(3, n + 1):
        for start in range(0, end - 2):
            if best[start] is None:
                continue
            part = _part(lower[start:end], last=end == n)
            if part is None:
                continue
            score = best[start][0] + part[1] - 4.0  # each extra part costs
            if best[end] is None or score > best[end][0]:
                best[end] = (score, best[start][1] + part[0])
    result = best[n]
    if result is None or result[1] == lower:
        return None
    return result[1]


def _part(piece: str, last: bool) -> tuple[str, float] | None:
    """A compound part, or a part and a linking 's', and its Zipf frequency."""
    candidates = [(piece, "")]
    if piece.endswith("s") and not last:
        candidates.append((piece[:-1], "s"))  # "regionrads" = "regionråd" + "s"
    found = []
    for stem, link in candidates:
        if len(stem) < 3:
            continue
        own = _frequency(stem)
        variant = _variants().get(stem)
        word, frequency = variant if variant and variant[1] > own else (stem, own)
        zipf = math.log10(frequency * 1e9) if frequency > 0 else 0.0
        if zipf >= MIN_ZIPF:
            found.append((word + link, zipf))
    return max(found, key=lambda f: f[1], default=None)


def _same_case(original: str, restored: str) -> str:
    if original.isupper() and len(original) > 1:
        return restored.upper()
    if original[:1].isupper():
        return restored[:1].upper() + restored[1:]
    return restored


# (table, column as written, column restored)
RESTORED_COLUMNS = (
    ("agenda_items", "text", "text_restored"),
    ("decisions", "text", "text_restored"),
    ("actions", "task", "task_restored"),
)


def add_restored_columns(tables: dict[str, list[dict]]) -> None:
    """Fill the ``*_restored`` columns of one meeting's rows; the text as written stays."""
    for table, column, restored in RESTORED_COLUMNS:
        for row in tables.get(table, []):
            text = row.get(column)
            row[restored] = restore(text) if text else text
