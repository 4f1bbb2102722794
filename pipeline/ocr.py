"""Text-layer check and OCR with Tesseract.

A PDF page is OCRed when it has no text (a scan) or when its text layer is garbage: a broken
character map turns "Föredragningslistan godkändes" into "Förgdrggnnngslnsagn godkändgs",
which still looks like text to a PDF library. The check is the share of the page's words
found in a Swedish word list (spaCy's stop words, month and weekday names, and the common
words of minutes in ``pipeline/data/sv_common_words.txt``): running Swedish text scores well
above half, garbage well below.

Tesseract runs as a subprocess (``tesseract IMAGE stdout -l swe tsv``), one single-threaded
process per page and as many at once as there are cores: OpenMP inside Tesseract makes one
page 4× slower on two cores than one thread does. Its words come back as
:class:`pipeline.backends.pdf_layout.Word` with boxes in PDF points, for the same layout code
as text-layer words.
"""

from __future__ import annotations

import csv
import functools
import importlib.util
import io
import itertools
import math
import os
import re
import shutil
import statistics
import subprocess
from collections import Counter
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from pipeline.backends.pdf_layout import Word

DPI = 300  # reads 10-pt text reliably; 200 loses diacritics on small print
TIMEOUT_S = 60.0  # per page
MIN_LETTERS = 20  # a page with fewer letters than this has no usable text layer
MIN_TOKENS = 12  # fewer lower-case words than this are too few to judge the language
GARBAGE_SHARE = 0.45  # below this share of Swedish words a text layer is garbage
MIN_LETTERS_FOR_DISTANCE = 100
GARBAGE_DISTANCE = 0.20  # letter-frequency distance above which a layer is garbage
# Mean log-probability of the lower-case words' letter trigrams under a model of Swedish
# spelling (from wordfreq's Swedish word list). Measured on the real and dev PDFs and on
# LibreOffice-made PDFs: readable pages -7.3 to -7.7, garbled -7.6 to -10.1. The word share
# and letter distance alone also flagged readable pages (action tables, title pages), so
# each now needs the spelling to look off too.
IMPLAUSIBLE = -7.9  # below this a layer is garbage on its own
DOUBTFUL = -7.6  # below this a low word share confirms garbage
UNLIKELY = -7.8  # below this a skewed letter distribution confirms garbage
MIN_TRIGRAMS = 60
# Share of the lower-case words in wordfreq's 100,000 most frequent Swedish words, and of the
# short ones (2-4 letters) alone, at or above which a page is readable whatever the checks
# above say. Measured on the real, dev and LibreOffice-made PDFs: garbled pages at most 0.79
# (short words up to 1.00); readable LibreOffice pages 0.79-1.00, short words 0.97-1.00. One
# of those scored 43 % in the small word list with a spelling score of -7.65 (compounds, file
# names) and was OCRed for nothing before this check.
KNOWN_SHARE = 0.85
KNOWN_SHORT_SHARE = 0.97

_MONTHS_DAYS = (
    "januari februari mars april maj juni juli augusti september oktober november december "
    "jan feb mar apr jun jul aug sep sept okt nov dec "
    "måndag tisdag onsdag torsdag fredag lördag söndag "
    "måndagen tisdagen onsdagen torsdagen fredagen lördagen söndagen"
)
_TOKEN = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")


@functools.cache
def swedish_words() -> frozenset[str]:
    """The Swedish word list: spaCy stop words, months, weekdays and minutes vocabulary."""
    text = resources.files("pipeline").joinpath("data/sv_common_words.txt").read_text("utf-8")
    own = {
        line.strip().casefold()
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    }
    return frozenset(_spacy_stop_words() | set(_MONTHS_DAYS.split()) | own)


def _spacy_stop_words() -> set[str]:
    """spaCy's Swedish stop words, read from their source file: importing spaCy takes ~1 s,
    and the list is one string in one module."""
    spec = importlib.util.find_spec("spacy")
    if spec and spec.origin:
        source = Path(spec.origin).parent / "lang" / "sv" / "stop_words.py"
        try:
            m = re.search(r'"""(.*?)"""', source.read_text("utf-8"), re.S)
        except OSError:
            m = None
        if m:
            return {w.casefold() for w in m.group(1).split()}
    from spacy.lang.sv.stop_words import STOP_WORDS

    return {w.casefold() for w in STOP_WORDS}


def core(word: str) -> str:
    """A word as looked up in the word list: letters only, case-folded."""
    m = _TOKEN.search(word)
    return m.group().casefold() if m else ""


def swedish_share(text: str) -> tuple[float, int]:
    """(share of the lower-case words of ``text`` in the Swedish word list, their number).

    Only lower-case words of two letters or more count: names and titles are capitalised and
    mostly not in any word list, and a page of attendees would look like garbage otherwise.
    """
    lexicon = swedish_words()
    tokens = [t for t in _TOKEN.findall(text) if len(t) >= 2 and t[0].islower()]
    if not tokens:
        return 0.0, 0
    return sum(t in lexicon for t in tokens) / len(tokens), len(tokens)


# Letter frequencies of Swedish text (per cent): a broken character map that turns "l" into
# "j" leaves many words unknown to no word list, but shifts these.
_LETTERS = dict(
    a=9.383, b=1.535, c=1.486, d=4.702, e=10.149, f=2.027, g=2.862, h=2.090, i=5.817,
    j=0.614, k=3.140, l=5.275, m=3.471, n=8.542, o=4.482, p=1.839, q=0.020, r=8.431,
    s=6.590, t=7.691, u=1.919, v=2.415, w=0.142, x=0.159, y=0.708, z=0.070, å=1.338,
    ä=1.797, ö=1.305,
)  # fmt: skip
_LETTER_TOTAL = sum(_LETTERS.values())


def letter_distance(text: str) -> tuple[float, int]:
    """(total variation distance of the lower-case words' letters from Swedish, letters)."""
    found = Counter("".join(t for t in _TOKEN.findall(text) if t[0].islower()).lower())
    counts = {ch: found[ch] for ch in _LETTERS if ch in found}
    n = sum(counts.values())
    if not n:
        return 0.0, 0
    distance = 0.5 * sum(abs(counts.get(k, 0) / n - v / _LETTER_TOTAL) for k, v in _LETTERS.items())
    return distance, n


@functools.cache
def known_words() -> frozenset[str]:
    """wordfreq's 100,000 most frequent Swedish words (its data file read directly: importing
    wordfreq costs more than reading the list)."""
    from pipeline.normalize.diacritics import word_buckets

    return frozenset(itertools.islice(itertools.chain.from_iterable(word_buckets()), 100_000))


def known_share(text: str) -> tuple[float, float, int]:
    """(share of the lower-case words of ``text`` in wordfreq's Swedish list, share of the
    2-4 letter ones, their number)."""
    known = known_words()
    tokens = [t.casefold() for t in _TOKEN.findall(text) if len(t) >= 2 and t[0].islower()]
    if not tokens:
        return 0.0, 0.0, 0
    short = [t for t in tokens if len(t) <= 4]
    short_share = sum(t in known for t in short) / len(short) if short else 1.0
    return sum(t in known for t in tokens) / len(tokens), short_share, len(tokens)


@functools.cache
def _trigram_model() -> tuple[dict[str, int], int]:
    """Letter-trigram counts over Swedish words (wordfreq, offline data in the package)."""
    import wordfreq

    counts: dict[str, int] = {}
    for word in wordfreq.top_n_list("sv", 30000):
        padded = f"^{word.lower()}$"
        for i in range(len(padded) - 2):
            counts[padded[i : i + 3]] = counts.get(padded[i : i + 3], 0) + 1
    return counts, sum(counts.values())


@functools.cache
def _trigram_logs() -> tuple[dict[str, float], float]:
    """Each known trigram's log-probability (add-0.1 smoothing), and an unknown one's."""
    counts, total = _trigram_model()
    logs = {trigram: math.log((n + 0.1) / total) for trigram, n in counts.items()}
    return logs, math.log((0 + 0.1) / total)


def spelling_score(text: str) -> tuple[float, int]:
    """(mean log-probability of the lower-case words' trigrams, trigrams scored)."""
    known, unknown = _trigram_logs()
    logs = []
    for token in _TOKEN.findall(text):
        if len(token) >= 3 and token[0].islower():
            padded = f"^{token.lower()}$"
            logs += [known.get(padded[i : i + 3], unknown) for i in range(len(padded) - 2)]
    return (sum(logs) / len(logs) if logs else 0.0), len(logs)


def text_layer_problem(text: str) -> str | None:
    """Why a page's text layer cannot be used ("no text", "garbage text layer (...)"), or None.

    Tuned on the real PDFs in tests/fixtures/real: readable pages score 46–100 % Swedish words
    and letter distances of 0.07–0.18; garbled ones 0–43 % or distances of 0.20–0.30. A page
    whose words nearly all are in wordfreq's large Swedish list is readable first of all (and
    cheaply: most pages are decided there).
    """
    known, known_short, words = known_share(text)
    if words >= MIN_TOKENS and known >= KNOWN_SHARE and known_short >= KNOWN_SHORT_SHARE:
        return None  # Swedish words (so more than MIN_LETTERS): the checks below need not run
    letters = sum(map(str.isalpha, text))
    if letters < MIN_LETTERS:
        return "no text"
    spelling, trigrams = spelling_score(text)
    judged = trigrams >= MIN_TRIGRAMS
    if judged and spelling < IMPLAUSIBLE:
        return f"garbage text layer (spelling score {spelling:.2f})"
    share, tokens = swedish_share(text)
    if tokens >= MIN_TOKENS and share < GARBAGE_SHARE and (not judged or spelling < DOUBTFUL):
        return f"garbage text layer ({share:.0%} Swedish words)"
    distance, counted = letter_distance(text)
    if (
        counted >= MIN_LETTERS_FOR_DISTANCE
        and distance > GARBAGE_DISTANCE
        and (not judged or spelling < UNLIKELY)
    ):
        return f"garbage text layer (letter distance {distance:.2f} from Swedish)"
    return None


# -- Tesseract -------------------------------------------------------------------------------


class OcrError(Exception):
    """Tesseract could not read a page: missing, timed out, or failed (message says which)."""


@functools.cache
def tesseract_problem() -> str | None:
    """Why Tesseract with Swedish cannot run here, or None when it can."""
    exe = shutil.which("tesseract")
    if exe is None:
        return "tesseract is not installed (Debian: tesseract-ocr tesseract-ocr-swe)"
    try:
        out = subprocess.run(
            [exe, "--list-langs"], capture_output=True, text=True, timeout=20, check=False
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return f"tesseract does not run: {exc}"
    if "swe" not in out.stdout.split():
        return "tesseract has no Swedish data (Debian: tesseract-ocr-swe)"
    return None


@dataclass(frozen=True)
class OcrPage:
    """One page image to read: its file, its page number, and its size in points."""

    image: Path
    page: int
    width_pt: float
    height_pt: float


_threads: int | None = None  # Tesseract processes at once in this process (None: one per core)


def set_threads(n: int) -> None:
    """How many pages this process may OCR at once: a batch worker gets its share of the
    cores (see :class:`pipeline.executors.LocalPool`), a single process all of them."""
    global _threads
    _threads = max(1, n)


def ocr_pages(
    pages: Sequence[OcrPage], timeout: float = TIMEOUT_S, workers: int | None = None
) -> list[list[Word] | OcrError]:
    """OCR every page image, in parallel; a page that fails gives an :class:`OcrError`."""
    if problem := tesseract_problem():
        return [OcrError(problem) for _ in pages]
    workers = workers or max(1, min(len(pages), _threads or os.cpu_count() or 1))

    def one(page: OcrPage) -> list[Word] | OcrError:
        try:
            return read_tsv(run_tesseract(page.image, timeout), page)
        except OcrError as exc:
            return exc

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(one, pages))


def run_tesseract(image: Path, timeout: float = TIMEOUT_S) -> str:
    """Tesseract's TSV output for ``image`` (Swedish, automatic page segmentation)."""
    exe = shutil.which("tesseract")
    if exe is None:
        raise OcrError("tesseract is not installed")
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    cmd = [exe, str(image), "stdout", "-l", "swe", "--psm", "3", "--dpi", str(DPI), "tsv"]
    try:
        done = subprocess.run(
            cmd, capture_output=True, text=True, timeout=timeout, env=env, check=False
        )
    except subprocess.TimeoutExpired:
        raise OcrError(f"tesseract timed out after {timeout:.0f} s") from None
    except OSError as exc:
        raise OcrError(f"tesseract could not start: {exc}") from None
    if done.returncode != 0:
        raise OcrError(f"tesseract failed: {done.stderr.strip()[-200:]}")
    return done.stdout


def read_tsv(tsv: str, page: OcrPage) -> list[Word]:
    """Tesseract TSV rows to words in points, each with its line's top, bottom and size.

    Tesseract boxes fit each word's glyphs; giving every word its line's top and bottom
    makes them line up like text-layer words. The font size is estimated from the heights
    of the line's words with capitals or ascenders but no descenders (cap height is ~0.7 of
    the size), as a line's own height depends on which letters it has. No emphasis is known.
    """
    scale = 72.0 / DPI
    rows = list(csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE))
    lines: dict[tuple[str, str, str, str], tuple[float, float]] = {}
    heights: dict[tuple[str, str, str, str], list[float]] = {}
    kept: list[tuple[dict[str, str], str]] = []
    for row in rows:
        if row.get("level") == "4":
            top, height = float(row["top"]), float(row["height"])
            lines[_line_key(row)] = (top, top + height)
            continue
        text = (row.get("text") or "").strip()
        if row.get("level") != "5" or not text:
            continue
        try:
            conf = float(row["conf"])
        except (KeyError, ValueError):
            conf = -1.0
        if conf < 0 or (conf < 30 and not any(ch.isalnum() for ch in text)):
            continue  # no reading, or specks read as punctuation
        kept.append((row, text))
        estimate = _size_estimate(text, float(row["height"]))
        if estimate:
            heights.setdefault(_line_key(row), []).append(estimate)
    words: list[Word] = []
    for row, text in kept:
        key = _line_key(row)
        left, top = float(row["left"]), float(row["top"])
        width, height = float(row["width"]), float(row["height"])
        line_top, line_bottom = lines.get(key, (top, top + height))
        estimates = heights.get(key)
        size_px = statistics.median(estimates) if estimates else (line_bottom - line_top) / 1.2
        words.append(
            Word(
                text,
                left * scale,
                (left + width) * scale,
                line_top * scale,
                line_bottom * scale,
                size_px * scale,
                bold=None,
                italic=None,
            )
        )
    return words


_ASCENDING = set("bdfhklt0123456789ÅÄÖ") | {chr(c) for c in range(ord("A"), ord("Z") + 1)}
_DESCENDING = set("gjpqy,;()[]{}|/")


def _size_estimate(text: str, height_px: float) -> float | None:
    """A font size (pixels) from one word's box height, by which letters it holds."""
    letters = set(text)
    if letters & _DESCENDING:
        return height_px / 0.93 if letters & _ASCENDING else None
    if letters & _ASCENDING:
        return height_px / 0.72
    return None


def even_sizes(words: list[Word]) -> None:
    """Snap OCR sizes near the page's common size to it: a line's height depends on its
    letters ("Nyinflyttade" reaches higher and lower than "Avtal"), not only its font."""
    if not words:
        return
    common = sorted(w.size for w in words)[len(words) // 2]
    for w in words:
        if 0.88 * common <= w.size <= 1.12 * common:
            w.size = common


def _line_key(row: dict[str, str]) -> tuple[str, str, str, str]:
    return row["block_num"], row["par_num"], row["line_num"], row.get("page_num", "1")


# -- repairs ---------------------------------------------------------------------------------

_SECTION_MISREAD = {"&", "$", "8", "$&", "&$", "§§", "S$", "$$", "&&"}
_ITEM_NUMBER = re.compile(r"^\d{1,3}[.:]?$")


def repair_section_signs(words: list[Word]) -> int:
    """OCR reads a "§" starting a line as "&", "$" or "8": "8 6. Val av ..." is "§ 6. Val av".

    Only at the start of a line and before an item number, where nothing else is likely.
    Works in place on the words of one page; returns how many were repaired.
    """
    from pipeline.backends.pdf_layout import group_lines

    repaired = 0
    for line in group_lines(words):
        if len(line.words) < 3:
            continue
        first, second = line.words[0], line.words[1]
        if first.text in _SECTION_MISREAD and _ITEM_NUMBER.match(second.text):
            first.text = "§"
            repaired += 1
    return repaired


def borrow_styles(ocr_words: Iterable[Word], layer_words: Sequence[Word]) -> None:
    """Give OCR words the font size and emphasis of the text-layer words they overlap.

    A garbled text layer still has the right fonts in the right places; only its letters are
    wrong. OCR gives the letters, the layer gives bold, italic and size.
    """
    if not layer_words:
        return
    by_row: dict[int, list[Word]] = {}  # layer words by 10-pt band of their centre
    for w in layer_words:
        by_row.setdefault(int((w.top + w.bottom) / 20), []).append(w)
    for word in ocr_words:
        cy = (word.top + word.bottom) / 2
        best, best_overlap, section = None, 0.0, False
        for key in (int(cy / 10) - 1, int(cy / 10), int(cy / 10) + 1):
            for cand in by_row.get(key, ()):
                dx = min(word.x1, cand.x1) - max(word.x0, cand.x0)
                dy = min(word.bottom, cand.bottom) - max(word.top, cand.top)
                if dx > 0 and dy > 0:
                    section = section or "§" in cand.text
                    if dx * dy > best_overlap:
                        best, best_overlap = cand, dx * dy
        if best is not None:
            word.bold, word.italic, word.size = best.bold, best.italic, best.size
        if section and "§" not in word.text:
            word.text = _restore_section(word.text)


def _restore_section(text: str) -> str:
    """Tesseract reads "§" as "8", "&" or "$"; where the layer has "§", put it back."""
    if text in _SECTION_MISREAD:
        return "§"
    if m := re.match(r"^(\d{1,3})[8&$S]$", text):
        return f"{m.group(1)} §"
    return text
