"""Swedish dates and clock times in meeting minutes, turned into ``datetime`` values.

Why our own normalizer: general-purpose parsers guess too much for minutes. ``dateparser``
reads "18-19 maj" as 2019-05-18 and fills a missing year from today's date, so an archive
parsed next year silently moves every meeting. Here each accepted form is one named regex,
a date without a year takes its year from the meeting date (``reference``), and forms that
are too ambiguous in running text (a bare month name, a six-digit ``yymmdd`` number) are only
accepted by :func:`parse_date`, which is meant for a cell that holds one date.
"""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass

DAY = "day"
RANGE = "range"
MONTH = "month"
WEEK = "week"

# Swedish month names: the full name first, then the abbreviations seen in minutes. Swedish
# month names have no å/ä/ö, so archives that strip diacritics spell them the same way.
MONTH_SPELLINGS: tuple[tuple[int, tuple[str, ...]], ...] = (
    (1, ("januari", "jan")),
    (2, ("februari", "febr", "feb")),
    (3, ("mars", "mar")),
    (4, ("april", "apr")),
    (5, ("maj",)),
    (6, ("juni", "jun")),
    (7, ("juli", "jul")),
    (8, ("augusti", "aug")),
    (9, ("september", "sept", "sep")),
    (10, ("oktober", "okt")),
    (11, ("november", "nov")),
    (12, ("december", "dec")),
)
MONTHS: dict[str, int] = {
    spelling: number for number, spellings in MONTH_SPELLINGS for spelling in spellings
}

# Weekday names, with and without diacritics (archives often strip them), bare and definite.
WEEKDAY_STEMS = ("måndag", "mandag", "tisdag", "onsdag", "torsdag", "fredag")
WEEKDAY_STEMS += ("lördag", "lordag", "söndag", "sondag")
WEEKDAYS = tuple(f"{stem}{suffix}" for stem in WEEKDAY_STEMS for suffix in ("", "en"))

# Words that may stand around the one date of a cell (parse_date): "senast", "t.o.m.",
# "den", a weekday, a "Datum o tid" label.
FILLER_WORDS = frozenset(
    """
    senast den t o m tom fr from till i under innan från fran före fore
    början borjan mitten slutet av ca cirka klart klar deadline datum tid och kl klockan prel
    """.split()  # noqa: SIM905 - a word list reads better as text
) | frozenset(WEEKDAYS)

# parse_date allows one other word beside the date: a label as in "KC 160218" or
# "Kommunchefsmöte: 27 april". A lone month name must stand with filler only.
MAX_STRAY_WORDS = 1

# A number right after one of these is a paragraph/section number or a clock time, not a
# yearless "15.4." or "15/11".
NOT_A_DATE_BEFORE = frozenset(
    """
    § p punkt punkterna nr dnr ärende arende bilaga se avsnitt kap kapitel sid sidan s
    version ver kl klockan ca cirka
    """.split()  # noqa: SIM905
)


def _alternatives(words: list[str]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


_FULL_NAMES = [spellings[0] for _, spellings in MONTH_SPELLINGS]
_ABBREVIATIONS = [abbr for _, spellings in MONTH_SPELLINGS for abbr in spellings[1:]]


def _month(group: str) -> str:
    """A month name; the dot belongs to the name only after an abbreviation ("17 nov.").

    Not followed by a letter ("marknad") nor by a hyphenated word ("Maj-Britt").
    """
    return (
        rf"(?P<{group}>(?:{_alternatives(_FULL_NAMES)})"
        rf"|(?:{_alternatives(_ABBREVIATIONS)})\.?)(?![^\W\d_]|-[^\W\d_])"
    )


_YEAR = r"(?:19|20)\d\d"
_DASH = r"\s*[-–—]\s*"  # hyphen, en dash, em dash
_FLAGS = re.IGNORECASE

ISO_DATE = re.compile(rf"(?<![\d-])(?P<year>{_YEAR})-(?P<month>\d{{1,2}})-(?P<day>\d{{1,2}})(?!\d)")
COMPACT_DATE = re.compile(
    rf"(?<![\d-])(?P<year>{_YEAR})(?P<month>[01]\d)(?P<day>[0-3]\d)(?!\d|-\d)"
)
SLASH_DATE = re.compile(
    rf"(?<![\d/.,-])(?P<day>\d{{1,2}})/(?P<month>\d{{1,2}})"
    rf"(?:(?:\s+|[-/])(?P<year>{_YEAR})|-(?P<yy>\d\d))?(?![\d/])"
)
DOTTED_DATE = re.compile(
    rf"(?<![\d.,])(?P<day>\d{{1,2}})\.(?P<month>\d{{1,2}})\."
    rf"(?:(?P<year>{_YEAR})(?!\d|\.\d)|(?!\d))"
)
DAY_MONTH = re.compile(
    rf"(?<![\d.,])(?P<day>\d{{1,2}})(?::[ae])?\s+{_month('month')}"
    rf"(?:\s+(?P<year>{_YEAR})(?!\d))?",
    _FLAGS,
)
DAY_RANGE = re.compile(
    rf"(?<![\d.,\-–—])(?P<day1>\d{{1,2}}){_DASH}(?P<day2>\d{{1,2}})\s+{_month('month')}"
    rf"(?:\s+(?P<year>{_YEAR})(?!\d))?",
    _FLAGS,
)
MONTH_RANGE = re.compile(
    rf"(?<![\d.,])(?P<day1>\d{{1,2}})\s+{_month('month1')}(?:\s+(?P<year1>{_YEAR}))?"
    rf"{_DASH}(?P<day2>\d{{1,2}})\s+{_month('month2')}(?:\s+(?P<year2>{_YEAR})(?!\d))?",
    _FLAGS,
)
MONTH_YEAR = re.compile(rf"(?<![^\W\d_]){_month('month')}\s+(?P<year>{_YEAR})(?!\d)", _FLAGS)
WEEK_NUMBER = re.compile(
    rf"(?<![^\W\d_])(?:veckan|vecka|v\.?)\s*(?P<week1>\d{{1,2}})(?:{_DASH}(?P<week2>\d{{1,2}}))?"
    rf"(?:\s+(?P<year>{_YEAR}))?(?!\d)",
    _FLAGS,
)
# Only for parse_date: in running text these are too often something else.
YYMMDD = re.compile(r"(?<![\d/-])(?P<yy>\d\d)(?P<month>[01]\d)(?P<day>[0-3]\d)(?!\d|[/-]\d)")
BARE_MONTH = re.compile(rf"(?<![^\W\d_]){_month('month')}", _FLAGS)

AMOUNT_AFTER = re.compile(r"\s*(?:kr\b|kronor|sek\b|:-|%|procent)", _FLAGS)
FRACTION_AFTER = re.compile(r"\s*(?:%|av\b|procent)", _FLAGS)
PERSONNUMMER_AFTER = re.compile(r"-\d{4}(?!\d)")
_PRECEDING_WORD = re.compile(r"(\S+)\s*$")

TIME_TOKEN = re.compile(
    r"(?:(?<![^\W\d_])(?P<kl>kl(?:ockan)?\.?)\s*)?"
    r"(?<!\d)(?<!\d[.:,])(?P<hour>\d{1,2})(?:[.:](?P<minute>\d{2}))?(?!\d|[.:/]\d)",
    _FLAGS,
)
TIME_SEPARATOR = re.compile(r"\s*(?:[-–—]|till)\s*", _FLAGS)


@dataclass(frozen=True)
class DateMention:
    """One date expression in a text, resolved to the days it means.

    Minutes write "18-19 maj", "mars 2017" or "v. 45" as often as "2016-05-18"; keeping the
    first and last day plus the kind stores all of them as one interval, and the offsets and
    raw text let an analyst check the reading against the source.
    """

    start: int  # char offset in the searched text
    end: int
    raw: str  # text[start:end]
    first: datetime.date  # first day meant
    last: datetime.date  # last day meant (== first for a single day)
    kind: str  # "day" | "range" | "month" | "week"
    year_inferred: bool  # True when the text gave no year

    @property
    def iso(self) -> str:
        """ISO 8601: a date for one day, an interval ``first/last`` for anything longer."""
        if self.kind == DAY:
            return self.first.isoformat()
        return f"{self.first.isoformat()}/{self.last.isoformat()}"


@dataclass(frozen=True)
class _Invalid:
    """A match that reads as a date but is not one ("31 april 2016"): nothing inside it is."""

    start: int
    end: int


Reading = DateMention | _Invalid
Span = tuple[datetime.date, datetime.date]
SpanBuilder = Callable[[int], Span | None]


def _date(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:  # 31 april, month 13, ...
        return None


def _span(first: datetime.date | None, last: datetime.date | None) -> Span | None:
    if first is None or last is None or last < first:
        return None
    return first, last


def _day_span(month: int, day: int) -> SpanBuilder:
    def build(year: int) -> Span | None:
        return _span(_date(year, month, day), _date(year, month, day))

    return build


def _month_span(month: int) -> SpanBuilder:
    def build(year: int) -> Span | None:
        days = calendar.monthrange(year, month)[1]
        return _span(_date(year, month, 1), _date(year, month, days))

    return build


def _infer_span(build: SpanBuilder, reference: datetime.date) -> Span | None:
    """The earliest year whose span does not end before the reference (the meeting date).

    For a single day that is "on or after the reference"; a range, month or week shifts as a
    whole, so one that is under way on the reference date keeps the reference's year.
    """
    for year in range(reference.year - 1, reference.year + 9):  # + 9 reaches any 29 februari
        span = build(year)
        if span is not None and span[1] >= reference:
            return span
    return None


def _mention(
    match: re.Match[str],
    kind: str,
    build: SpanBuilder,
    year: int | None,
    reference: datetime.date | None,
) -> Reading | None:
    """Resolve one regex match: with its own year, or inferred from the reference if any."""
    if year is not None:
        span = build(year)
    elif reference is not None:
        span = _infer_span(build, reference)
    else:  # no year and no meeting date: guessing from today would be wrong next year
        return None
    start, end = match.span()
    if span is None:
        return _Invalid(start, end)
    return DateMention(start, end, match.string[start:end], span[0], span[1], kind, year is None)


def _year(match: re.Match[str], group: str = "year") -> int | None:
    value = match.group(group)
    return int(value) if value else None


def _two_digit_year(yy: str, reference: datetime.date | None) -> int:
    """Expand "16" to 2016 (or 1996 when that is closer to the reference)."""
    year = 2000 + int(yy)
    if reference is not None and abs(year - 100 - reference.year) < abs(year - reference.year):
        year -= 100
    return year


def _month_number(name: str) -> int:
    return MONTHS[name.rstrip(".").lower()]


def _preceding_word(text: str, start: int) -> str:
    found = _PRECEDING_WORD.search(text, max(0, start - 30), start)
    return found.group(1).strip("([{\"'").rstrip(".:").lower() if found else ""


def _starts_line(text: str, start: int) -> bool:
    """True for a number that opens a line, as in the heading "15.1. ÖFUR lokal"."""
    line_start = text.rfind("\n", 0, start) + 1
    return not text[line_start:start].strip(" \t#*>")


def _followed_by(pattern: re.Pattern[str], match: re.Match[str]) -> bool:
    return pattern.match(match.string, match.end()) is not None


# One handler per regex: match -> mention, or None when the match is not a (valid) date.


def _numbered_date(match: re.Match[str], reference: datetime.date | None) -> Reading | None:
    """A day and month in digits, with the year as written ("2016-04-27", "15.4.")."""
    build = _day_span(int(match["month"]), int(match["day"]))
    return _mention(match, DAY, build, _year(match), reference)


def _compact_date(match: re.Match[str], reference: datetime.date | None) -> Reading | None:
    if _followed_by(AMOUNT_AFTER, match) or _followed_by(PERSONNUMMER_AFTER, match):
        return None
    return _numbered_date(match, reference)


def _numeric_day_month(
    match: re.Match[str], reference: datetime.date | None, *, line_start_is_numbering: bool
) -> Reading | None:
    year = _year(match)
    if "yy" in match.re.groupindex and match["yy"]:
        year = _two_digit_year(match["yy"], reference)
    if year is None:
        if _preceding_word(match.string, match.start()) in NOT_A_DATE_BEFORE:
            return None
        if line_start_is_numbering and _starts_line(match.string, match.start()):
            return None
    build = _day_span(int(match["month"]), int(match["day"]))
    return _mention(match, DAY, build, year, reference)


def _slash_date(match: re.Match[str], reference: datetime.date | None) -> Reading | None:
    if _followed_by(FRACTION_AFTER, match):  # "2/3 av ledamöterna"
        return None
    return _numeric_day_month(match, reference, line_start_is_numbering=False)


def _dotted_date(match: re.Match[str], reference: datetime.date | None) -> Reading | None:
    return _numeric_day_month(match, reference, line_start_is_numbering=True)


def _day_month(match: re.Match[str], reference: datetime.date | None) -> Reading | None:
    build = _day_span(_month_number(match["month"]), int(match["day"]))
    return _mention(match, DAY, build, _year(match), reference)


def _day_range(match: re.Match[str], reference: datetime.date | None) -> Reading | None:
    month, day1, day2 = _month_number(match["month"]), int(match["day1"]), int(match["day2"])

    def build(year: int) -> Span | None:
        return _span(_date(year, month, day1), _date(year, month, day2))

    return _mention(match, RANGE, build, _year(match), reference)


def _month_range(match: re.Match[str], reference: datetime.date | None) -> Reading | None:
    month1, day1 = _month_number(match["month1"]), int(match["day1"])
    month2, day2 = _month_number(match["month2"]), int(match["day2"])
    # "28 dec - 3 jan" runs into the next year; "2 juni - 18 maj" is a mistake, not 11 months.
    crosses = (month2, day2) < (month1, day1) and (12 - month1) + month2 <= 3
    rollover = 1 if crosses else 0
    year1, year2 = _year(match, "year1"), _year(match, "year2")

    if year1 is not None and year2 is not None:

        def build(_: int) -> Span | None:
            return _span(_date(year1, month1, day1), _date(year2, month2, day2))

    elif year1 is not None:

        def build(year: int) -> Span | None:
            return _span(_date(year, month1, day1), _date(year + rollover, month2, day2))

    else:  # the year, if any, is written after the end: "18 maj - 2 juni 2016"

        def build(year: int) -> Span | None:
            return _span(_date(year - rollover, month1, day1), _date(year, month2, day2))

    return _mention(match, RANGE, build, year2 if year2 is not None else year1, reference)


def _month_year(match: re.Match[str], reference: datetime.date | None) -> Reading | None:
    build = _month_span(_month_number(match["month"]))
    return _mention(match, MONTH, build, _year(match), reference)


def _week(match: re.Match[str], reference: datetime.date | None) -> Reading | None:
    week1 = int(match["week1"])
    week2 = int(match["week2"]) if match["week2"] else week1

    def build(year: int) -> Span | None:
        try:
            first = datetime.date.fromisocalendar(year, week1, 1)
            last = datetime.date.fromisocalendar(year + (week2 < week1), week2, 7)
        except ValueError:  # week 0, week 53 in a 52-week year, ...
            return None
        return _span(first, last)

    return _mention(match, WEEK, build, _year(match), reference)


Handler = Callable[[re.Match[str], datetime.date | None], Reading | None]

FINDERS: tuple[tuple[re.Pattern[str], Handler], ...] = (
    (ISO_DATE, _numbered_date),
    (COMPACT_DATE, _compact_date),
    (SLASH_DATE, _slash_date),
    (DOTTED_DATE, _dotted_date),
    (DAY_MONTH, _day_month),
    (DAY_RANGE, _day_range),
    (MONTH_RANGE, _month_range),
    (MONTH_YEAR, _month_year),
    (WEEK_NUMBER, _week),
)


def _longest_without_overlap(readings: list[Reading]) -> list[DateMention]:
    """Keep the longest reading where readings overlap ("18-19 maj" over "19 maj").

    An invalid reading still claims its text, so "31 april 2016" does not shrink to the
    month "april 2016".
    """
    chosen: list[Reading] = []
    for reading in sorted(readings, key=lambda r: (r.start - r.end, r.start)):
        if all(reading.end <= other.start or reading.start >= other.end for other in chosen):
            chosen.append(reading)
    mentions = [reading for reading in chosen if isinstance(reading, DateMention)]
    return sorted(mentions, key=lambda m: m.start)


_DIGIT = re.compile(r"\d")


def find_dates(text: str, reference: datetime.date | None = None) -> list[DateMention]:
    """All date mentions in running text, in order, without overlaps.

    ``reference`` is the meeting date: a date written without a year gets the year that puts
    it on or after the reference. Without a reference such dates are skipped rather than
    given the current year, which would differ between runs.
    """
    if not _DIGIT.search(text):
        return []  # every form in FINDERS holds a digit
    readings = [
        reading
        for pattern, handler in FINDERS
        for match in pattern.finditer(text)
        if (reading := handler(match, reference)) is not None
    ]
    return _longest_without_overlap(readings)


_CLOCK_TIME = re.compile(r"(?<!\d)\d{1,2}[.:]\d{2}(?!\d)")


def _alone(text: str, start: int, end: int, stray_words: int) -> bool:
    """Whether text[start:end] is the only date in text: around it only filler words,
    clock times, punctuation and at most ``stray_words`` other words."""
    rest = _CLOCK_TIME.sub(" ", text[:start] + " " + text[end:])
    if any(char.isdigit() for char in rest):  # another number: a second date, an amount...
        return False
    words = re.findall(r"[^\W\d_]+", rest)
    return sum(word.lower() not in FILLER_WORDS for word in words) <= stray_words


def _cell_yymmdd(match: re.Match[str], reference: datetime.date | None) -> Reading | None:
    build = _day_span(int(match["month"]), int(match["day"]))
    return _mention(match, DAY, build, _two_digit_year(match["yy"], reference), reference)


def _cell_month(match: re.Match[str], reference: datetime.date | None) -> Reading | None:
    return _mention(match, MONTH, _month_span(_month_number(match["month"])), None, reference)


# Forms parse_date accepts beyond find_dates, with the stray words each may leave.
CELL_FINDERS: tuple[tuple[re.Pattern[str], Handler, int], ...] = (
    (DOTTED_DATE, _numbered_date, MAX_STRAY_WORDS),  # "15.4." opening a cell
    (YYMMDD, _cell_yymmdd, MAX_STRAY_WORDS),
    (BARE_MONTH, _cell_month, 0),
)


def parse_date(text: str, reference: datetime.date | None = None) -> DateMention | None:
    """The date of a text that is essentially one date: a SLUTDATUM cell, a header line.

    Besides the date the text may hold filler ("senast", "den", "t.o.m.", a weekday), a clock
    time, punctuation and one other word ("KC 160218"); a sentence, or a text with two dates,
    gives None. Because the text is known to be a date, this also accepts forms too ambiguous
    for running text: a six-digit ``yymmdd`` ("KC 160218"), a lone month name ("senast maj",
    year from the reference) and a "15.4." that opens the text (elsewhere a section number).
    """
    mentions = find_dates(text, reference)
    if mentions:
        mention = mentions[0]
        alone = len(mentions) == 1 and _alone(text, mention.start, mention.end, MAX_STRAY_WORDS)
        return mention if alone else None
    for pattern, handler, stray_words in CELL_FINDERS:
        for match in pattern.finditer(text):
            if not _alone(text, match.start(), match.end(), stray_words):
                continue
            if isinstance(mention := handler(match, reference), DateMention):
                return mention
    return None


def _clock(token: re.Match[str], bare_hour_ok: bool) -> datetime.time | None:
    """A valid time for a token; a bare hour ("13") only counts after "kl"."""
    if token["minute"] is None and not bare_hour_ok:
        return None
    if _followed_by(AMOUNT_AFTER, token):
        return None
    hour, minute = int(token["hour"]), int(token["minute"] or 0)
    if hour > 23 or minute > 59:
        return None
    return datetime.time(hour, minute)


def find_time_range(text: str) -> tuple[datetime.time | None, datetime.time | None]:
    """The first clock time in the text and, if it opens a range, where the range ends.

    Minutes write "08:30-12:00", "kl 08.30-09.30", "kl. 13.00–16.00" or a lone "09.00"
    (-> (09:00, None)); (None, None) when the text has no time.
    """
    for first in TIME_TOKEN.finditer(text):
        start = _clock(first, bare_hour_ok=bool(first["kl"]))
        if start is None:
            continue
        separator = TIME_SEPARATOR.match(text, first.end())
        second = separator and TIME_TOKEN.match(text, separator.end())
        if not second:
            return start, None
        return start, _clock(second, bare_hour_ok=bool(first["kl"] or second["kl"]))
    return None, None
