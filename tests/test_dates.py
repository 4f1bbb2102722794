"""Tests for the Swedish date and time normalizer (pipeline.normalize.dates)."""

from __future__ import annotations

import dataclasses
from datetime import date, time
from pathlib import Path

import pytest

from pipeline.normalize.dates import DateMention, find_dates, find_time_range, parse_date

MEETING = date(2016, 3, 16)  # the sample minutes: Kommunchefsmöte 2016-03-16
SAMPLE = Path(__file__).resolve().parents[1] / "data/raw/kommunchefsmote_2016-03-16.rym.md"


def readings(text: str, reference: date | None = MEETING) -> list[tuple[str, str, str]]:
    """(raw, iso, kind) of every mention, the shape most tests compare against."""
    return [(m.raw, m.iso, m.kind) for m in find_dates(text, reference)]


def only(text: str, reference: date | None = MEETING) -> DateMention:
    mentions = find_dates(text, reference)
    assert len(mentions) == 1, mentions
    return mentions[0]


# --- DateMention -------------------------------------------------------------------------


def test_mention_iso_for_each_kind():
    day = DateMention(0, 8, "27 april", date(2016, 4, 27), date(2016, 4, 27), "day", True)
    span = DateMention(0, 9, "18-19 maj", date(2016, 5, 18), date(2016, 5, 19), "range", True)
    month = DateMention(0, 9, "mars 2017", date(2017, 3, 1), date(2017, 3, 31), "month", False)
    assert day.iso == "2016-04-27"
    assert span.iso == "2016-05-18/2016-05-19"
    assert month.iso == "2017-03-01/2017-03-31"


def test_mention_is_frozen():
    mention = only("2016-03-22")
    with pytest.raises(dataclasses.FrozenInstanceError):
        mention.first = date(2000, 1, 1)  # type: ignore[misc]


# --- numeric forms -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "raw", "iso"),
    [
        ("2016-03-22", "2016-03-22", "2016-03-22"),
        ("Möte 2016-3-22 kl 9", "2016-3-22", "2016-03-22"),
        ("protokoll_20160322.pdf", "20160322", "2016-03-22"),
        ("RR\\_minnesanteckning\\_2016-03-03\\_ej justerat.pdf", "2016-03-03", "2016-03-03"),
        ("den 22/3 2016", "22/3 2016", "2016-03-22"),
        ("den 22/3-2016", "22/3-2016", "2016-03-22"),
        ("den 22/3-16", "22/3-16", "2016-03-22"),
        ("15.4.2023", "15.4.2023", "2023-04-15"),
    ],
)
def test_numeric_dates_with_year(text, raw, iso):
    mention = only(text, reference=None)
    assert (mention.raw, mention.iso, mention.kind) == (raw, iso, "day")
    assert mention.year_inferred is False


@pytest.mark.parametrize(
    ("text", "raw", "iso"),
    [
        ("senast 15/11", "15/11", "2016-11-15"),
        ("klart 15.4. enligt plan", "15.4.", "2016-04-15"),
        ("t.o.m. 30/6", "30/6", "2016-06-30"),
        ("från 1/2", "1/2", "2017-02-01"),
    ],
)
def test_numeric_day_month_takes_year_from_reference(text, raw, iso):
    mention = only(text)
    assert (mention.raw, mention.iso) == (raw, iso)
    assert mention.year_inferred is True


# --- month names -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "raw", "iso"),
    [
        ("Kommunchefsmöte: 27 april", "27 april", "2016-04-27"),
        ("bjud in till nästa regionrådsmöte den 17 juni.", "17 juni", "2016-06-17"),
        ("senast 15 april", "15 april", "2016-04-15"),
        ("17 nov. kl 13", "17 nov.", "2016-11-17"),
        ("17 nov", "17 nov", "2016-11-17"),
        ("den 17 juni.", "17 juni", "2016-06-17"),
        ("den 1:a maj", "1:a maj", "2016-05-01"),
        ("den 17:e JUNI", "17:e JUNI", "2016-06-17"),
        ("3 Sept.", "3 Sept.", "2016-09-03"),
        ("3 sep", "3 sep", "2016-09-03"),
        ("3 september", "3 september", "2016-09-03"),
        ("1 mar", "1 mar", "2017-03-01"),
        ("12 jul", "12 jul", "2016-07-12"),
        ("12 jun", "12 jun", "2016-06-12"),
        ("12 aug.", "12 aug.", "2016-08-12"),
        ("12 okt", "12 okt", "2016-10-12"),
        ("24 dec", "24 dec", "2016-12-24"),
        ("2 feb.", "2 feb.", "2017-02-02"),
        ("2 febr.", "2 febr.", "2017-02-02"),
        ("9 jan", "9 jan", "2017-01-09"),
        ("9 apr", "9 apr", "2016-04-09"),
    ],
)
def test_day_and_month_name(text, raw, iso):
    mention = only(text)
    assert (mention.raw, mention.iso, mention.kind) == (raw, iso, "day")
    assert mention.year_inferred is True


@pytest.mark.parametrize(
    ("text", "raw", "iso"),
    [
        ("regionrådsmöte den 17 juni 2016", "17 juni 2016", "2016-06-17"),
        ("15 april 2016", "15 april 2016", "2016-04-15"),
        ("17 Nov. 2015", "17 Nov. 2015", "2015-11-17"),
    ],
)
def test_day_month_and_year(text, raw, iso):
    mention = only(text, reference=None)
    assert (mention.raw, mention.iso, mention.kind, mention.year_inferred) == (
        raw,
        iso,
        "day",
        False,
    )


def test_month_name_needs_a_word_boundary():
    assert readings("17 marknader och 3 majoritet") == []
    assert readings("4 Maj-Britt Olsson och 2 Jan-Erik") == []


# --- ranges ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "raw", "iso"),
    [
        ("Föreslaget datum är 18-19 maj.", "18-19 maj", "2016-05-18/2016-05-19"),
        ("18–19 maj", "18–19 maj", "2016-05-18/2016-05-19"),
        ("18—19 maj", "18—19 maj", "2016-05-18/2016-05-19"),
        ("18 - 19 maj", "18 - 19 maj", "2016-05-18/2016-05-19"),
        ("15–16 augusti", "15–16 augusti", "2016-08-15/2016-08-16"),
        ("18 maj - 2 juni", "18 maj - 2 juni", "2016-05-18/2016-06-02"),
        ("18 maj–2 juni", "18 maj–2 juni", "2016-05-18/2016-06-02"),
        ("17 nov.-2 dec.", "17 nov.-2 dec.", "2016-11-17/2016-12-02"),
    ],
)
def test_yearless_ranges(text, raw, iso):
    mention = only(text)
    assert (mention.raw, mention.iso, mention.kind, mention.year_inferred) == (
        raw,
        iso,
        "range",
        True,
    )


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("18-19 maj 2017", "2017-05-18/2017-05-19"),
        ("18 maj - 2 juni 2015", "2015-05-18/2015-06-02"),
        ("28 dec - 3 jan 2017", "2016-12-28/2017-01-03"),
        ("28 dec 2016 - 3 jan", "2016-12-28/2017-01-03"),
        ("28 dec 2015 - 3 jan 2017", "2015-12-28/2017-01-03"),
    ],
)
def test_ranges_with_year(text, iso):
    mention = only(text, reference=None)
    assert (mention.raw, mention.iso, mention.year_inferred) == (text, iso, False)


def test_backwards_range_is_not_a_date():
    assert readings("19-18 maj 2016") == []
    assert readings("2 juni - 18 maj 2016") == []
    assert readings("2 juni - 18 maj") == []  # not eleven months across new year


def test_range_across_new_year_without_year():
    assert only("15 nov - 10 feb", MEETING).iso == "2016-11-15/2017-02-10"


# --- months and weeks --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "raw", "iso"),
    [
        ("mars 2017", "mars 2017", "2017-03-01/2017-03-31"),
        ("strategimöte under maj 2016.", "maj 2016", "2016-05-01/2016-05-31"),
        ("strategidagar, 12-12 i maj 2016.", "maj 2016", "2016-05-01/2016-05-31"),
        ("Februari 2016", "Februari 2016", "2016-02-01/2016-02-29"),
        ("dec 2016", "dec 2016", "2016-12-01/2016-12-31"),
    ],
)
def test_month_and_year(text, raw, iso):
    mention = only(text, reference=None)
    assert (mention.raw, mention.iso, mention.kind, mention.year_inferred) == (
        raw,
        iso,
        "month",
        False,
    )


@pytest.mark.parametrize("text", ["maj", "i maj", "12-12 i maj.", "under våren, i mars"])
def test_bare_month_is_not_found_in_running_text(text):
    assert readings(text) == []


@pytest.mark.parametrize(
    ("text", "raw", "iso", "inferred"),
    [
        ("v. 45", "v. 45", "2016-11-07/2016-11-13", True),
        ("v 45", "v 45", "2016-11-07/2016-11-13", True),
        ("V45", "V45", "2016-11-07/2016-11-13", True),
        ("under vecka 45", "vecka 45", "2016-11-07/2016-11-13", True),
        ("v.45 2017", "v.45 2017", "2017-11-06/2017-11-12", False),
        ("v. 45-46", "v. 45-46", "2016-11-07/2016-11-20", True),
        ("v 53 2015", "v 53 2015", "2015-12-28/2016-01-03", False),
    ],
)
def test_weeks_are_iso_weeks_monday_to_sunday(text, raw, iso, inferred):
    mention = only(text)
    assert (mention.raw, mention.iso, mention.kind, mention.year_inferred) == (
        raw,
        iso,
        "week",
        inferred,
    )


@pytest.mark.parametrize("text", ["v 53 2016", "v. 54", "vecka 0", "nov 45", "TV 4"])
def test_invalid_or_false_weeks(text):
    assert readings(text) == []


# --- year inference ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("27 april", "2016-04-27"),
        ("15 januari", "2017-01-15"),  # already past in 2016: next year
        ("16 mars", "2016-03-16"),  # the reference day itself counts
        ("15 mars", "2017-03-15"),
        ("15/3", "2017-03-15"),
    ],
)
def test_yearless_date_is_on_or_after_the_reference(text, iso):
    assert only(text).iso == iso


@pytest.mark.parametrize(
    ("text", "reference", "iso"),
    [
        ("15 januari", date(2016, 12, 20), "2017-01-15"),
        ("20 dec", date(2016, 12, 20), "2016-12-20"),
        ("2 januari", date(2016, 12, 30), "2017-01-02"),
        ("28 dec - 3 jan", date(2016, 12, 20), "2016-12-28/2017-01-03"),
        ("28 dec - 3 jan", date(2017, 1, 2), "2016-12-28/2017-01-03"),  # still under way
        ("28 dec - 3 jan", date(2017, 1, 4), "2017-12-28/2018-01-03"),
        ("v. 52", date(2016, 12, 30), "2016-12-26/2017-01-01"),
        ("v. 1", date(2016, 12, 30), "2017-01-02/2017-01-08"),
        ("v. 1", date(2016, 1, 6), "2016-01-04/2016-01-10"),
        ("29 feb", date(2017, 3, 1), "2020-02-29"),
    ],
)
def test_year_inference_across_new_year(text, reference, iso):
    assert only(text, reference).iso == iso


def test_range_shifts_as_a_whole():
    # 18 maj is before the reference, but the range must not split across years
    assert only("18 maj - 2 juni", date(2016, 5, 20)).iso == "2016-05-18/2016-06-02"
    assert only("18-19 maj", date(2016, 5, 20)).iso == "2017-05-18/2017-05-19"


@pytest.mark.parametrize(
    "text", ["27 april", "18-19 maj", "v. 45", "15/11", "15.4.", "18 maj - 2 juni"]
)
def test_yearless_dates_are_skipped_without_reference(text):
    assert find_dates(text) == []


def test_dates_with_year_do_not_need_a_reference():
    assert readings("2016-03-22 och 17 juni 2016", reference=None) == [
        ("2016-03-22", "2016-03-22", "day"),
        ("17 juni 2016", "2016-06-17", "day"),
    ]


# --- invalid dates and things that are not dates -----------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "31 april",
        "31 april 2016",  # and not the month "april 2016" inside it
        "30 feb",
        "2016-13-45",
        "2016-02-30",
        "32/1",
        "15.13.",
        "20161322",
        "31-32 maj",
    ],
)
def test_invalid_dates_are_not_mentions(text):
    assert readings(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Robert Tenevall kulturkonsulent 070-332 67 66 robert.tenevall@umea.se",
        "Fika och registrering från 08.30. Lunch från ca 12.15.",
        "08:30-12:00",
        "kl. 13.00–16.00",
        "Kommunchefergruppen beslutar genomföra 12-12möte under våren 2016.",
        "Strategimöte för Umeåregionens kommunchefer, 12-12.",
        "§ 12 Budget",
        "Kostnaden blir 2 000 kr, 12 000 kr totalt.",
        "utbetalning av 2015 års stöd",
        "version 1.2 och version 1.2.",
        "Se punkt 4, 5, 6, 7 och 8 i dessa anteckningar.",
        "### 15.1. ÖFUR lokal",
        "15.2. Kapacitet i skolan",
        "mötet börjar kl 10.11.",
        "se punkt 3.2.",
        "2/3 av ledamöterna",
        "KC 160218 minnesanteckning\\_ej justerat.pdf",  # yymmdd: only parse_date
        "personnummer 19800101-1234",
        "Beloppet 20160322 kr",
        "Årsplanering2016\\_KC.doc",
        "UK\\_Rapport\\_elevutvecklingochskolkapacitet\\_rapport-12.pdf",
    ],
)
def test_not_dates(text):
    assert readings(text) == []


# --- offsets, overlaps and real sentences ------------------------------------------------


def test_offsets_and_raw_text():
    text = "Datum o tid 15 april 2016, Fika och registrering från 08.30. Lunch från ca 12.15."
    (mention,) = find_dates(text, MEETING)
    assert (mention.start, mention.end, mention.raw) == (12, 25, "15 april 2016")
    assert text[mention.start : mention.end] == mention.raw
    assert mention.first == mention.last == date(2016, 4, 15)
    assert mention.year_inferred is False


def test_sentence_with_several_dates_in_order():
    text = "Skicka ut datum för strategimöte 12-12 den 18-19 maj.\t2016-03-17\tLisa"
    mentions = find_dates(text, MEETING)
    assert [(m.start, m.end, m.raw, m.iso) for m in mentions] == [
        (43, 52, "18-19 maj", "2016-05-18/2016-05-19"),
        (54, 64, "2016-03-17", "2016-03-17"),
    ]


def test_longest_reading_wins_and_mentions_do_not_overlap():
    assert readings("15 april 2016") == [("15 april 2016", "2016-04-15", "day")]
    assert readings("18-19 maj 2016") == [("18-19 maj 2016", "2016-05-18/2016-05-19", "range")]
    assert readings("18 maj - 2 juni 2016") == [
        ("18 maj - 2 juni 2016", "2016-05-18/2016-06-02", "range")
    ]


@pytest.mark.parametrize(
    ("text", "reference", "expected"),
    [
        (
            "Föreslaget datum är 18-19 maj.",
            MEETING,
            [("18-19 maj", "2016-05-18/2016-05-19", "range")],
        ),
        ("Kommunchefsmöte: 27 april", MEETING, [("27 april", "2016-04-27", "day")]),
        (
            "Datum o tid 15 april 2016, Fika och registrering från 08.30. Lunch från ca 12.15.",
            MEETING,
            [("15 april 2016", "2016-04-15", "day")],
        ),
        (
            "resonera om möjlig fördragning vid kommande regionrådsmöte den 17 juni 2016.",
            MEETING,
            [("17 juni 2016", "2016-06-17", "day")],
        ),
        (
            "Umeå - Utse kontaktperson beräkning studiefremjandet. Robert Tenevall "
            "kulturkonsulent 070-332 67 66 robert.tenevall@umea.se",
            MEETING,
            [],
        ),
        (
            "Sammanträdesplan 2024: 19 januari, 09.00–12.00",
            date(2023, 12, 1),
            [("19 januari", "2024-01-19", "day")],
        ),
        (
            "Kommunchefsgruppen fortsätter samtalen vid planerat strategimöte under maj 2016.",
            MEETING,
            [("maj 2016", "2016-05-01/2016-05-31", "month")],
        ),
        (
            "Lokal och logi för strategimöte 12-12 12 den 18-19 maj.",
            MEETING,
            [("18-19 maj", "2016-05-18/2016-05-19", "range")],
        ),
    ],
)
def test_sentences_from_real_minutes(text, reference, expected):
    assert readings(text, reference) == expected


@pytest.mark.skipif(not SAMPLE.exists(), reason="sample minutes not in the tree")
def test_sample_minutes():
    text = SAMPLE.read_text(encoding="utf-8")
    mentions = find_dates(text, MEETING)
    assert all(text[m.start : m.end] == m.raw for m in mentions)
    assert all(a.end <= b.start for a, b in zip(mentions, mentions[1:], strict=False))
    raws = {m.raw for m in mentions}
    assert raws == {
        "2016-03-16",
        "2016-03-03",
        "2016-06-10",
        "2016-04-18",
        "17 juni 2016",
        "17 juni",
        "2016-03-22",
        "2016-03-21",
        "15 april 2016",
        "2016-03-15",
        "2016-03-17",
        "maj 2016",
        "18-19 maj",
        "2016-05-05",
        "27 april",
    }
    assert {m.iso for m in mentions if m.raw == "18-19 maj"} == {"2016-05-18/2016-05-19"}


# --- parse_date --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "iso", "kind"),
    [
        ("2016-06-10", "2016-06-10", "day"),
        (" 2016-04-18 ", "2016-04-18", "day"),
        ("senast 15 april", "2016-04-15", "day"),
        ("t.o.m. 30/6", "2016-06-30", "day"),
        ("Den 17 juni.", "2016-06-17", "day"),
        ("v. 45", "2016-11-07/2016-11-13", "week"),
        ("18-19 maj", "2016-05-18/2016-05-19", "range"),
        ("i maj 2016", "2016-05-01/2016-05-31", "month"),
        ("160317", "2016-03-17", "day"),
        ("KC 160218", "2016-02-18", "day"),
        ("170217.pdf", "2017-02-17", "day"),
        ("Kommunchefsmöte: 27 april", "2016-04-27", "day"),
        ("2016-03-16 08:30-12:00", "2016-03-16", "day"),
        ("Onsdagen den 16 mars 2016, kl. 08.30", "2016-03-16", "day"),
        ("Mandag 2016-03-14", "2016-03-14", "day"),
        ("Datum o tid: 15 april 2016", "2016-04-15", "day"),
        ("maj", "2016-05-01/2016-05-31", "month"),
        ("Senast i maj.", "2016-05-01/2016-05-31", "month"),
        ("i borjan av februari", "2017-02-01/2017-02-28", "month"),
        ("MARS", "2016-03-01/2016-03-31", "month"),
        ("15.4.", "2016-04-15", "day"),  # a cell, not a section number
        ("t.o.m. 15.4.", "2016-04-15", "day"),
    ],
)
def test_parse_date(text, iso, kind):
    mention = parse_date(text, MEETING)
    assert mention is not None
    assert (mention.iso, mention.kind) == (iso, kind)
    assert text[mention.start : mention.end] == mention.raw


def test_parse_date_offsets_and_inference_flag():
    mention = parse_date("KC 160218", MEETING)
    assert mention == DateMention(
        3, 9, "160218", date(2016, 2, 18), date(2016, 2, 18), "day", False
    )
    month = parse_date("senast maj", MEETING)
    assert month is not None
    assert (month.start, month.end, month.raw, month.year_inferred) == (7, 10, "maj", True)


def test_parse_date_wants_the_text_to_be_essentially_one_date():
    # a sentence, a long file name or two dates are for find_dates
    assert parse_date("Föreslaget datum är 18-19 maj för strategimötet.", MEETING) is None
    assert parse_date("KC 160218 minnesanteckning\\_ej justerat.pdf", MEETING) is None
    assert parse_date("2016-03-17, 2016-03-22", MEETING) is None
    assert parse_date("KC 160218 rev 2016-02-20", MEETING) is None
    assert parse_date("2016-04-18 (500 kr)", MEETING) is None
    assert parse_date("Datum o tid 15 april 2016, Fika och registrering från 08.30.") is None


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Löpande",
        "Klart",
        "070-332 67 66",
        "Ta upp frågan i maj",  # a bare month in a sentence is still not a date
        "maj eller juni",
        "161317",  # no month 13
        "31 april",
        "12-12",
        "15.1. ÖFUR lokal",
    ],
)
def test_parse_date_none(text):
    assert parse_date(text, MEETING) is None


def test_parse_date_yearless_needs_reference():
    assert parse_date("27 april") is None
    assert parse_date("maj") is None
    assert parse_date("2016-04-27") is not None
    assert parse_date("160427") is not None


# --- find_time_range ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("08:30-12:00", (time(8, 30), time(12, 0))),
        ("kl 08.30-09.30", (time(8, 30), time(9, 30))),
        ("kl. 13.00–16.00", (time(13, 0), time(16, 0))),
        ("09.00", (time(9, 0), None)),
        ("Sammanträdesplan 2024: 19 januari, 09.00–12.00", (time(9, 0), time(12, 0))),
        ("kl 08.30 - kl 12.00", (time(8, 30), time(12, 0))),
        ("09.00 till 12.00", (time(9, 0), time(12, 0))),
        ("kl 13-16", (time(13, 0), time(16, 0))),
        ("kl. 9.15", (time(9, 15), None)),
        ("Klockan 9", (time(9, 0), None)),
        ("9:05—10:00", (time(9, 5), time(10, 0))),
        (
            "Datum o tid 15 april 2016, Fika och registrering från 08.30. Lunch från ca 12.15.",
            (time(8, 30), None),
        ),
        ("2016-03-16\n\n08:30-12:00", (time(8, 30), time(12, 0))),
    ],
)
def test_find_time_range(text, expected):
    assert find_time_range(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "2016-03-16",
        "15.04.2023",
        "15.4.",
        "070-332 67 66",
        "12-12möte",
        "§ 12",
        "2 000",
        "1.2",
        "24.00",
        "12.75",
        "12.50 kr",
        "15/11",
        "27 april",
    ],
)
def test_find_time_range_none(text):
    assert find_time_range(text) == (None, None)
