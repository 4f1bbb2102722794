"""Property tests (hypothesis): the text-export backend, the structure stage, the date
normalizer and the table extraction never raise on any input and keep their invariants.

Bounded so CI stays fast (max_examples 50-100 per property, the same examples every run, no
deadline: the first example pays for loading spaCy). ``PROTOKOLL_FUZZ_EXAMPLES=5000`` explores
for longer with fresh examples; scripts/fuzz_backends.py fuzzes the PDF and Word backends.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.backends import rym
from pipeline.errors import DocumentError
from pipeline.extract import extract_tables
from pipeline.model import Block, BlockKind, Cell, Document, Provenance, Span, Style
from pipeline.normalize.dates import find_dates, find_time_range, parse_date
from pipeline.redact import redact_text
from pipeline.structure import find_structure

# PROTOKOLL_FUZZ_EXAMPLES=5000 explores for longer, with fresh random examples each run.
EXPLORE = int(os.environ.get("PROTOKOLL_FUZZ_EXAMPLES", "0"))
FAST = settings(
    max_examples=EXPLORE or 100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    derandomize=not EXPLORE,  # CI: the same examples on every run
    database=None,
)
SLOW = settings(FAST, max_examples=EXPLORE or 50)

# Pieces of real minutes, so random text hits the parsers' interesting paths, not only noise.
WORDS = [
    "BESLUT", "ÅTGÄRDER", "SLUTDATUM", "ANSVARIG", "Närvarande:", "Anmäld frånvaro:",
    "Deltagare", "Beslutande:", "Nästa möte", "Bilaga:", "Dnr", "KS 2015/312", "§", "§ 12",
    "1.", "2.", "15.1.", "3)", "Kommunchefsgruppen", "beslutar", "att", "godkänna",
    "Lisa Andersson Lindberg", "Jonas J", "P-E", "Per-Eric Magnusson", "Umeå kommun",
    "Vännäs", "ordförande", "sekreterare", "2016-03-16", "16 mars", "18-19 maj", "v. 45",
    "v.45", "27/4", "15.4.", "160218", "mars 2017", "senast", "08:30-12:00", "kl 13",
    "070-332 67 66", "a@b.se", "*", "**", "_", "\\", "<b>", "</i>", "#", "##", "-", "•",
    "\t", "\n", "\n\n", "  \n", " ", "---", ":", ",", ".", "(", ")", "ö", "é", "\u00a0",
    "\u2028", "\x0c", "\r",
]  # fmt: skip
minutes_text = st.lists(st.sampled_from(WORDS) | st.text(max_size=8), max_size=60).map(" ".join)
any_text = st.text(max_size=300) | minutes_text
dates = st.none() | st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2040, 12, 31))


# -- the text-export backend -----------------------------------------------------------------


def _check_spans(text: str, spans: tuple[Span, ...]) -> None:
    for span in spans:
        assert 0 <= span.start < span.end <= len(text), (text, span)
        assert span.style in (Style.BOLD, Style.ITALIC)


@FAST
@given(any_text)
def test_parse_inline_never_fails_and_spans_fit(source):
    text, spans = rym.parse_inline(source)
    assert text == text.strip()
    _check_spans(text, spans)


@FAST
@given(st.text(alphabet=st.characters(blacklist_characters="*_\\<#"), max_size=200))
def test_parse_inline_keeps_text_without_markup(source):
    assert rym.parse_inline(source) == (source.strip(), ())


@FAST
@given(any_text)
def test_parse_text_never_fails_and_blocks_are_sound(source):
    blocks = rym.parse_text(source)
    lines = len(source.splitlines())
    for block in blocks:
        assert block.text or (block.kind == BlockKind.LIST_ITEM and block.number != "•"), block
        _check_spans(block.text, block.spans)
        assert block.prov.line is not None and 1 <= block.prov.line <= lines
        if block.kind == BlockKind.HEADING:
            assert 1 <= block.level <= 6
        if block.kind == BlockKind.TABLE:
            assert len({len(row) for row in block.rows}) == 1
            for row in block.rows:
                for cell in row:
                    _check_spans(cell.text, cell.spans)


@FAST
@given(st.binary(max_size=400))
def test_decode_gives_text_or_a_clear_error(data):
    try:
        text, encoding = rym.decode(data, Path("x.rym.md"))
    except DocumentError as exc:
        assert "x.rym.md" in str(exc)
    else:
        assert encoding in ("utf-8", "utf-16", "cp1252") and isinstance(text, str)


@FAST
@given(st.integers(0, 5000), st.sampled_from([" ", "\t", " #", "# ", "*", "a "]))
def test_long_lines_parse_in_linear_time(n, filler):
    import time

    started = time.monotonic()
    rym.parse_text("# x" + filler * n + "y\n" + filler * n)
    assert time.monotonic() - started < 1.0


# -- dates -----------------------------------------------------------------------------------


@FAST
@given(any_text, dates)
def test_find_dates_never_fails_and_mentions_fit(text, reference):
    mentions = find_dates(text, reference)
    previous_end = 0
    for m in mentions:
        assert previous_end <= m.start < m.end <= len(text)
        assert text[m.start : m.end] == m.raw
        assert m.first <= m.last
        assert m.iso.startswith(m.first.isoformat())
        if m.year_inferred and reference is not None:
            assert m.last >= reference or m.first.year <= reference.year + 1
        previous_end = m.end


@FAST
@given(any_text, dates)
def test_parse_date_never_fails(text, reference):
    mention = parse_date(text, reference)
    assert mention is None or mention.first <= mention.last
    start, end = find_time_range(text)
    assert start is None or isinstance(start, dt.time)
    assert end is None or isinstance(end, dt.time)


# -- structure -------------------------------------------------------------------------------

cell_text = st.sampled_from(WORDS) | st.text(max_size=12)
cells = st.builds(Cell, cell_text)
table_rows = st.lists(st.lists(cells, min_size=3, max_size=3).map(tuple), min_size=1, max_size=5)
blocks = st.one_of(
    st.builds(
        Block,
        st.just(BlockKind.HEADING),
        minutes_text,
        level=st.integers(1, 6),
        number=st.none() | st.sampled_from(["1.", "2.", "15.1.", "§ 3", "•"]),
    ),
    st.builds(Block, st.just(BlockKind.PARAGRAPH), minutes_text),
    st.builds(
        Block,
        st.just(BlockKind.LIST_ITEM),
        minutes_text,
        number=st.none() | st.sampled_from(["•", "1.", "a)", "-"]),
    ),
    table_rows.map(
        lambda rows: Block(
            BlockKind.TABLE,
            "\n".join("\t".join(c.text for c in r) for r in rows),
            rows=tuple(rows),
        )
    ),
)


def _document(block_list: list[Block]) -> Document:
    numbered = [
        Block(b.kind, b.text, b.spans, b.level, b.number, b.rows, Provenance(page=1, line=i + 1))
        for i, b in enumerate(block_list)
    ]
    return Document("fuzz.rym.md", "rym-md", numbered)


@FAST
@given(st.lists(blocks, max_size=25))
def test_find_structure_never_fails(block_list):
    found = find_structure(_document(block_list))
    numbers = {item.number for item in found.items}
    for decision in found.decisions:
        assert decision.item_number in numbers
    for action in found.actions:
        assert action.item_number in numbers
    for attachment in found.attachments:
        assert attachment.item_number in numbers


# -- extraction: invariants of the tables ----------------------------------------------------

headings = st.builds(
    lambda n, title: f"## {n}. {title}", st.integers(1, 20), st.sampled_from(WORDS[18:40])
)
action_table = st.lists(
    st.tuples(
        st.sampled_from(["Utse kontaktperson", "Ta fram förslag", "Meddela", "*kursiv*"]),
        st.sampled_from(["2016-04-27", "27 april", "v. 45", "senast maj", "", "löpande"]),
        st.sampled_from(["Lisa Andersson Lindberg", "Jonas J", "P-E", "Alla", "", "Umeå"]),
    ),
    max_size=4,
).map(lambda rows: "ÅTGÄRDER\tSLUTDATUM\tANSVARIG\n" + "\n".join("\t".join(r) for r in rows))
chunks = st.one_of(
    headings,
    action_table,
    st.sampled_from(
        [
            "# Kommunchefsmöte, Umeåregionen",
            "*Närvarande på plats:*\n\n*Jonas Jonsson, Umeå kommun*",
            "*Anmäld frånvaro:*\n\n*Helén Sundström Hetta*",
            "2016-03-16",
            "08:30-12:00",
            "**BESLUT**\n\nKommunchefsgruppen beslutar att godkänna förslaget.",
            "Bilaga: rapport.pdf, budget.xlsx",
            "Nästa möte: 27 april",
            "---",
        ]
    ),
    minutes_text,
)


@pytest.fixture(scope="module")
def nlp_model(nlp):
    return nlp


@SLOW
@given(st.lists(chunks, max_size=20).map("\n\n".join))
def test_extracted_tables_hold_together(nlp_model, text):
    blocks = rym.parse_text(text)
    if not blocks:
        return
    tables = extract_tables(Document("fuzz.rym.md", "rym-md", blocks), "doc-fuzz", nlp_model)
    (meeting,) = tables["meetings"]
    items = {(r["meeting_id"], r["item_number"]) for r in tables["agenda_items"]}
    assert len(items) == len(tables["agenda_items"]), "an item number twice (primary key)"
    for name in ("decisions", "actions", "attachments"):
        for row in tables[name]:
            assert row["meeting_id"] == meeting["meeting_id"]
            assert (row["meeting_id"], row["item_number"]) in items, (name, row)
    for name, key in (("decisions", "decision_id"), ("actions", "action_id")):
        ids = [r[key] for r in tables[name]]
        assert len(ids) == len(set(ids)), name
    persons = [r["person_id"] for r in tables["attendees"]]
    assert len(persons) == len(set(persons)), "an attendee listed twice"
    for row in tables["actions"]:
        if row["due_date"] is not None:
            assert isinstance(row["due_date"], dt.date)


# -- redaction -------------------------------------------------------------------------------


@FAST
@given(any_text)
def test_redaction_never_fails_and_is_idempotent(text):
    kinds = {"email", "phone", "personnummer", "names"}
    once = redact_text(text, kinds)
    assert redact_text(once, kinds) == once


def test_an_item_number_written_twice_is_one_key(nlp):
    """Found by test_extracted_tables_hold_together: "1." twice gave two agenda_items rows
    with the same primary key (meeting_id, item_number)."""
    text = "## 1. Kommunchefsgruppen\n\n## 1. Kommunchefsgruppen"
    document = Document("fuzz.rym.md", "rym-md", rym.parse_text(text))
    rows = extract_tables(document, "doc-fuzz", nlp)["agenda_items"]
    assert len({r["item_number"] for r in rows}) == len(rows)


def test_a_heading_mark_after_beslut_does_not_crash_the_nlp_stage(nlp):
    text = "## 1. Kommunchefsgruppen\n\nBESLUT ##"
    document = Document("fuzz.rym.md", "rym-md", rym.parse_text(text))
    assert extract_tables(document, "doc-fuzz", nlp)["agenda_items"]
