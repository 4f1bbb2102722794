"""Tests of the Run-your-meeting text backend: inline markup, blocks, decoding and errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.backends import rym
from pipeline.backends.rym import parse_inline, parse_text
from pipeline.errors import DocumentError
from pipeline.model import BlockKind, Span, Style

SAMPLE = Path(__file__).parents[1] / "data" / "raw" / "kommunchefsmote_2016-03-16.rym.md"

ITA, BLD = Style.ITALIC, Style.BOLD


@pytest.fixture(scope="module")
def sample():
    return rym.read(SAMPLE)


def _block_at(blocks, line: int):
    found = [b for b in blocks if b.prov.line == line]
    assert found, f"no block starts on line {line}"
    return found[0]


# -- parse_inline ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "text", "spans"),
    [
        ("*italic*", "italic", (Span(0, 6, ITA),)),
        ("**bold**", "bold", (Span(0, 4, BLD),)),
        ("a *b* c", "a b c", (Span(2, 3, ITA),)),
        ("Ansvarig **Lisa** nu", "Ansvarig Lisa nu", (Span(9, 13, BLD),)),
        ("*a* och *b*", "a och b", (Span(0, 1, ITA), Span(6, 7, ITA))),
        ("***båda***", "båda", (Span(0, 4, BLD), Span(0, 4, ITA))),
        ("**fet *och kursiv* text**", "fet och kursiv text", (Span(0, 19, BLD), Span(4, 14, ITA))),
        ("  *luft*  ", "luft", (Span(0, 4, ITA),)),
        ("", "", ()),
    ],
)
def test_parse_inline_markdown_emphasis(source, text, spans):
    assert parse_inline(source) == (text, spans)


@pytest.mark.parametrize(
    ("source", "text"),
    [
        (
            r"KC 160218 minnesanteckning\_ej justerat.pdf",
            "KC 160218 minnesanteckning_ej justerat.pdf",
        ),
        (r"RR\_minnesanteckning\_2016-03-03", "RR_minnesanteckning_2016-03-03"),
        (r"\*inte kursiv\*", "*inte kursiv*"),
        (r"snedstreck \\ kvar", "snedstreck \\ kvar"),
        ("snake_case_name", "snake_case_name"),
    ],
)
def test_parse_inline_backslash_escapes_are_literal(source, text):
    assert parse_inline(source) == (text, ())


@pytest.mark.parametrize(
    ("source", "text", "spans"),
    [
        ("<i>Ta fram underlag.</i>", "Ta fram underlag.", (Span(0, 17, ITA),)),
        ("<b>Lisa Andersson Lindberg</b>", "Lisa Andersson Lindberg", (Span(0, 23, BLD),)),
        ("<I>Stora</I> <B>taggar</B>", "Stora taggar", (Span(0, 5, ITA), Span(6, 12, BLD))),
        ("<em>e</em><strong>s</strong>", "es", (Span(0, 1, ITA), Span(1, 2, BLD))),
        ("<b></b>tomt", "tomt", ()),
    ],
)
def test_parse_inline_html_tags(source, text, spans):
    assert parse_inline(source) == (text, spans)


def test_parse_inline_closing_tag_without_opening_stays_visible():
    assert parse_inline("klart</i> sedan") == ("klart</i> sedan", ())


@pytest.mark.parametrize(
    ("source", "text", "spans"),
    [
        # An emphasis opened and never closed runs to the end of the text (the export's
        # meaning); the marker itself is not shown.
        ("*Kontakta Lisa", "Kontakta Lisa", (Span(0, 13, ITA),)),
        ("**Magnus Haglund", "Magnus Haglund", (Span(0, 14, BLD),)),
        ("<i>kursiv till slutet", "kursiv till slutet", (Span(0, 18, ITA),)),
        ("före *efter", "före efter", (Span(5, 10, ITA),)),
    ],
)
def test_parse_inline_unclosed_marker_runs_to_end(source, text, spans):
    assert parse_inline(source) == (text, spans)


def test_parse_inline_lone_asterisk_between_spaces_is_literal():
    assert parse_inline("2 * 3 * 4") == ("2 * 3 * 4", ())


# -- parse_text --------------------------------------------------------------------------------


def test_parse_text_heading_levels():
    blocks = parse_text("## Två\n### Tre\n#### Fyra\n##### Fem\n")
    assert [(b.kind, b.text, b.level) for b in blocks] == [
        (BlockKind.HEADING, "Två", 2),
        (BlockKind.HEADING, "Tre", 3),
        (BlockKind.HEADING, "Fyra", 4),
        (BlockKind.HEADING, "Fem", 5),
    ]
    assert [b.prov.line for b in blocks] == [1, 2, 3, 4]


def test_parse_text_heading_closing_hashes_and_emphasis():
    blocks = parse_text("## Rubrik ##\n\n### *Kursiv rubrik*\n\n#Ingen rubrik\n")
    assert blocks[0].text == "Rubrik"
    assert blocks[1].text == "Kursiv rubrik"
    assert blocks[1].is_italic
    assert (blocks[2].kind, blocks[2].text) == (BlockKind.PARAGRAPH, "#Ingen rubrik")


def test_parse_text_heading_keeps_hash_inside_last_word():
    assert parse_text("## Utbildning i C#\n")[0].text == "Utbildning i C#"


def test_parse_text_bullet_and_numbered_list_items():
    blocks = parse_text("- Rapport om skolor\n* Lokalfråga *ÖFUR*\n+ tre\n1. numrerad\n2) andra\n")
    assert [(b.kind, b.number, b.text) for b in blocks] == [
        (BlockKind.LIST_ITEM, "•", "Rapport om skolor"),
        (BlockKind.LIST_ITEM, "•", "Lokalfråga ÖFUR"),
        (BlockKind.LIST_ITEM, "•", "tre"),
        (BlockKind.LIST_ITEM, "1.", "numrerad"),
        (BlockKind.LIST_ITEM, "2)", "andra"),
    ]
    assert blocks[1].spans == (Span(11, 15, ITA),)
    assert blocks[0].display_text == "Rapport om skolor"
    assert blocks[3].display_text == "1. numrerad"
    assert [b.prov.line for b in blocks] == [1, 2, 3, 4, 5]


def test_parse_text_italic_line_starting_with_dash_is_a_paragraph():
    (block,) = parse_text("*- Magnus Haglund, Örnsköldsviks kommun, ordförande*\n")
    assert block.kind == BlockKind.PARAGRAPH
    assert block.text == "- Magnus Haglund, Örnsköldsviks kommun, ordförande"
    assert block.is_italic


def test_parse_text_tab_table_rows_padded_and_cell_emphasis():
    text = (
        "ÅTGÄRDER\tSLUTDATUM\tANSVARIG\n"
        "<i>Ta fram underlag.</i>\t2016-06-10\t<b>Lisa Andersson Lindberg</b>\n"
        "<i>Resp tar upp frågan</i>\n"  # no tab: ends the table
        "\n"
        "A\tB\tC\n"
        "<i>kort rad</i>\t<b>Lisa</b>\n"
    )
    blocks = parse_text(text)
    assert [b.kind for b in blocks] == [BlockKind.TABLE, BlockKind.PARAGRAPH, BlockKind.TABLE]

    first = blocks[0]
    assert [[c.text for c in r] for r in first.rows] == [
        ["ÅTGÄRDER", "SLUTDATUM", "ANSVARIG"],
        ["Ta fram underlag.", "2016-06-10", "Lisa Andersson Lindberg"],
    ]
    task, due, who = first.rows[1]
    assert (task.is_italic, task.is_bold) == (True, False)
    assert (due.is_italic, due.is_bold) == (False, False)
    assert (who.is_italic, who.is_bold) == (False, True)
    assert first.prov.line == 1

    assert blocks[1].text == "Resp tar upp frågan"
    assert blocks[1].is_italic

    padded = blocks[2]
    assert [[c.text for c in r] for r in padded.rows] == [["A", "B", "C"], ["kort rad", "Lisa", ""]]
    assert all(len(r) == 3 for r in padded.rows)
    assert padded.rows[1][0].is_italic and padded.rows[1][1].is_bold
    assert padded.text == "A\tB\tC\nkort rad\tLisa\t"
    assert padded.prov.line == 5


def test_parse_text_hard_break_inside_paragraph():
    (block,) = parse_text("Kommunchefsmöte:  \n27 april\n")
    assert block.kind == BlockKind.PARAGRAPH
    assert block.text == "Kommunchefsmöte:\n27 april"


def test_parse_text_soft_and_backslash_breaks():
    (block,) = parse_text("Rad ett  \nrad två\nrad tre\\\nrad fyra\n")
    assert block.text == "Rad ett\nrad två rad tre\nrad fyra"


def test_parse_text_crlf_line_endings():
    blocks = parse_text("# Möte\r\n\r\nrad ett  \r\nrad två\r\n")
    assert [(b.kind, b.text, b.prov.line) for b in blocks] == [
        (BlockKind.HEADING, "Möte", 1),
        (BlockKind.PARAGRAPH, "rad ett\nrad två", 3),
    ]


def test_parse_text_joins_paragraph_split_mid_sentence():
    blocks = parse_text(
        "De ärenden låg som egna punkter i förslag till dagordning för\n"
        "\n"
        "kommunchefsmötet. Se punkt 4, 5, 6, 7 och 8.\n"
    )
    assert len(blocks) == 1
    assert blocks[0].text == (
        "De ärenden låg som egna punkter i förslag till dagordning för "
        "kommunchefsmötet. Se punkt 4, 5, 6, 7 och 8."
    )
    assert blocks[0].prov.line == 1


@pytest.mark.parametrize(
    "text",
    [
        "Mötet förklarades öppnat.\n\nkommunchefsmötet fortsatte.\n",  # sentence ended
        "Kommunchefsmöte:\n\nkommunchefsmötet fortsatte.\n",  # a label
        "Magnus Haglund står för lokal\n\nLisa skickar ut inbjudan\n",  # capital start
        "*kursiv för*\n\nnästa del\n",  # emphasis: an action line, not a split sentence
        "## Rubrik utan punkt\n\nliten början\n",  # a heading is not a paragraph
    ],
)
def test_parse_text_does_not_join_separate_paragraphs(text):
    assert len(parse_text(text)) == 2


def test_parse_text_does_not_join_across_a_rule():
    blocks = parse_text("utan punkt\n\n---\n\nliten början\n")
    assert [b.text for b in blocks] == ["utan punkt", "liten början"]


# -- the sample --------------------------------------------------------------------------------


def test_sample_metadata(sample):
    assert sample.format == "rym-md"
    assert sample.source_path == str(SAMPLE)
    assert sample.pages == 1
    assert sample.metadata == {"encoding": "utf-8"}
    assert [b.prov.block for b in sample.blocks] == list(range(len(sample.blocks)))


def test_sample_line_provenance(sample):
    title = sample.blocks[0]
    assert (title.kind, title.text, title.level, title.prov.line) == (
        BlockKind.HEADING,
        "Kommunchefsmöte, Umeåregionen",
        1,
        3,
    )
    assert title.prov.position == "line 3"
    item1 = _block_at(sample.blocks, 43)
    assert (item1.kind, item1.text, item1.level) == (
        BlockKind.HEADING,
        "1. Föregående minnesanteckningar",
        3,
    )
    beslut = _block_at(sample.blocks, 51)
    assert (beslut.text, beslut.level) == ("BESLUT", 4)
    item4 = _block_at(sample.blocks, 90)
    assert (item4.text, item4.level) == ('4. Första nämndssammanträde "HR-nämnd"', 2)
    sub = _block_at(sample.blocks, 397)
    assert (sub.text, sub.level) == ("15.1. ÖFUR lokal", 3)


def test_sample_attendance_lines_are_italic_paragraphs(sample):
    label = _block_at(sample.blocks, 7)
    assert (label.kind, label.text, label.is_italic) == (
        BlockKind.PARAGRAPH,
        "Närvarande på telefon",
        True,
    )
    person = _block_at(sample.blocks, 19)
    assert person.text == "Per-Eric Magnusson, Vindelns kommun, vice ordförande"
    assert person.spans == (Span(0, 52, ITA),)
    participants = _block_at(sample.blocks, 37)
    assert participants.text.startswith("Lisa Andersson Lindberg (Organisatör), Magnus Haglund")
    assert participants.spans == ()


def test_sample_escaped_underscore_in_file_name(sample):
    block = _block_at(sample.blocks, 45)
    assert block.text == "KC 160218 minnesanteckning_ej justerat.pdf"


def test_sample_bullets(sample):
    assert [(b.text, b.prov.line) for b in sample.blocks if b.kind == BlockKind.LIST_ITEM][:2] == [
        ("Rapport avseende kapacitetsprognos i Umeåregionens skolor", 61),
        ("Lokalfråga ÖFUR", 62),
    ]


def test_sample_split_paragraph_joined(sample):
    block = _block_at(sample.blocks, 70)
    assert block.text == (
        "De ärenden som behövde behandlas separat låg som egna punkter i förslag till "
        "dagordning för kommunchefsmötet. Se punkt 4, 5, 6, 7 och 8 i dessa anteckningar."
    )
    assert not [b for b in sample.blocks if b.prov.line == 72]


def test_sample_hard_break(sample):
    assert _block_at(sample.blocks, 378).text == "Kommunchefsmöte:\n27 april"


def test_sample_action_table(sample):
    table = _block_at(sample.blocks, 82)
    assert table.kind == BlockKind.TABLE
    assert [[c.text for c in r] for r in table.rows] == [
        ["ÅTGÄRDER", "SLUTDATUM", "ANSVARIG"],
        [
            "Ta fram underlag för beslut om medfinansiering för UR-nära.",
            "2016-06-10",
            "Lisa Andersson Lindberg",
        ],
        ["Resp tar upp frågan i kommunen", "", ""],
    ]
    assert [[(c.is_italic, c.is_bold) for c in r] for r in table.rows[1:]] == [
        [(True, False), (False, False), (False, True)],
        [(True, False), (False, False), (False, False)],
    ]
    tables = [b for b in sample.blocks if b.kind == BlockKind.TABLE]
    assert [t.prov.line for t in tables] == [82, 100, 165, 208, 269, 287]
    assert [len(t.rows) for t in tables] == [3, 4, 8, 4, 3, 6]


def test_sample_broken_action_form(sample):
    """Item 5: column titles as headings, then italic task, date, bold name."""
    lines = {b.prov.line: b for b in sample.blocks}
    assert [(lines[n].kind, lines[n].text) for n in (129, 131, 133)] == [
        (BlockKind.HEADING, "ÅTGÄRDER"),
        (BlockKind.HEADING, "SLUTDATUM"),
        (BlockKind.HEADING, "ANSVARIG"),
    ]
    task, due, who = lines[135], lines[137], lines[139]
    assert task.text.startswith("Kontakta LG Brandt och L Lustig")
    assert task.is_italic and not task.is_bold
    assert (due.text, due.spans) == ("2016-03-22", ())
    assert who.text == "Magnus Haglund" and who.is_bold and not who.is_italic


# -- read() ------------------------------------------------------------------------------------


def test_read_cp1252(tmp_path):
    path = tmp_path / "gammal.rym.md"
    path.write_bytes("# Möte på Umeå\n\nÅtgärder för ÖFUR – klart\n".encode("cp1252"))
    doc = rym.read(path)
    assert doc.metadata == {"encoding": "cp1252"}
    assert [(b.kind, b.text) for b in doc.blocks] == [
        (BlockKind.HEADING, "Möte på Umeå"),
        (BlockKind.PARAGRAPH, "Åtgärder för ÖFUR – klart"),
    ]


def test_read_utf8_with_bom(tmp_path):
    path = tmp_path / "bom.rym.md"
    path.write_bytes("\ufeff# Möte\n\nhej\n".encode())
    doc = rym.read(path)
    assert doc.metadata == {"encoding": "utf-8"}
    assert [b.text for b in doc.blocks] == ["Möte", "hej"]
    assert doc.blocks[0].kind == BlockKind.HEADING


@pytest.mark.parametrize("data", [b"", b"  \n\n\t\n", b"---\n"])
def test_read_empty_file(tmp_path, data):
    path = tmp_path / "tom.rym.md"
    path.write_bytes(data)
    with pytest.raises(DocumentError, match="empty document"):
        rym.read(path)


def test_read_nul_bytes(tmp_path):
    path = tmp_path / "binar.rym.md"
    path.write_bytes(b"# M\x00te\n\ntext\n")
    with pytest.raises(
        DocumentError, match=r"binar\.rym\.md: binary content \(NUL bytes\), not a text export"
    ):
        rym.read(path)


def test_read_nul_bytes_after_the_first_4096_bytes(tmp_path):
    path = tmp_path / "nollor.rym.md"
    path.write_bytes(b"# Mote\n\n" + b"text " * 1000 + b"\n\n" + b"\x00" * 64)
    with pytest.raises(DocumentError):
        rym.read(path)


def test_read_missing_file(tmp_path):
    with pytest.raises(DocumentError, match="cannot read file"):
        rym.read(tmp_path / "finns-inte.rym.md")
