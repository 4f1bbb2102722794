"""Tests of the HTML backend: the sample as a meeting tool e-mails it, and small pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.backends import docx as docx_backend
from pipeline.backends import html as html_backend
from pipeline.errors import DocumentError
from pipeline.model import Block, BlockKind, Span, Style

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_HTML = ROOT / "tests" / "fixtures" / "convert" / "kommunchefsmote_2016-03-16.html"
SAMPLE_DOCX = ROOT / "data" / "raw" / "kommunchefsmote_2016-03-16.docx"


@pytest.fixture(scope="module")
def sample():
    return html_backend.read(SAMPLE_HTML)


def _blocks(markup: str) -> list[Block]:
    blocks, _ = html_backend.parse_html(markup)
    return blocks


def _shape(blocks: list[Block]) -> list[tuple]:
    return [(b.kind.value, b.level, b.number, b.text) for b in blocks]


# -- the e-mailed sample ---------------------------------------------------------------------


def test_sample_metadata(sample):
    assert sample.format == "html"
    assert sample.source_path == str(SAMPLE_HTML)
    assert sample.pages == 1
    assert sample.metadata == {
        "encoding": "utf-8",
        "title": "Minnesanteckningar Kommunchefsmöte 2016-03-16",
    }


def test_sample_has_the_docx_content_block_for_block(sample):
    """Same kinds, levels, visible text and table cells (with emphasis) as the Word file."""
    reference = docx_backend.read(SAMPLE_DOCX)

    def signature(blocks):
        return [
            (b.kind, b.level, b.display_text, tuple(tuple(r) for r in b.rows))
            + ((b.spans,) if b.kind != BlockKind.HEADING else ())
            for b in blocks
        ]

    assert signature(sample.blocks) == signature(reference.blocks)


def test_preheader_footer_script_and_images_are_ignored(sample):
    text = "\n".join(b.text for b in sample.blocks)
    for hidden in (
        "Nu finns minnesanteckningarna",  # the preheader
        "Avregistrera",  # the footer's unsubscribe link
        "Du får detta e-postmeddelande",
        "rymTracking",  # script
        "Aktivera JavaScript",  # noscript
        "Run your meeting",  # the logo's alt text
        "color: #1b3a57",  # style
    ):
        assert hidden not in text
    assert sample.blocks[0].text == "Kommunchefsmöte, Umeåregionen"
    assert sample.blocks[-1].text == "Mötet avslutades."


def test_sample_headings_entities_and_lines(sample):
    first = sample.blocks[0]
    assert (first.kind, first.level) == (BlockKind.HEADING, 1)
    item = next(b for b in sample.blocks if b.text == "1. Föregående minnesanteckningar")
    assert (item.kind, item.level, item.number) == (BlockKind.HEADING, 2, None)
    sub = next(b for b in sample.blocks if b.text.startswith("15.1."))
    assert (sub.kind, sub.level, sub.text) == (BlockKind.HEADING, 3, "15.1. ÖFUR lokal")
    lines = SAMPLE_HTML.read_text("ascii").splitlines()
    assert lines[first.prov.line - 1] == "<h1>Kommunchefsm&ouml;te, Ume&aring;regionen</h1>"
    assert "<h2>1. F&ouml;reg&aring;ende" in lines[item.prov.line - 1]


def test_sample_action_table_keeps_emphasis(sample):
    table = next(b for b in sample.blocks if b.kind == BlockKind.TABLE)
    assert [[c.text for c in row] for row in table.rows] == [
        ["ÅTGÄRDER", "SLUTDATUM", "ANSVARIG"],
        ["Ta fram underlag för beslut om medfinansiering för UR-nära.", "2016-06-10",
         "Lisa Andersson Lindberg"],
        ["Resp tar upp frågan i kommunen", "", ""],
    ]  # fmt: skip
    task, due, name = table.rows[1]
    assert task.is_italic and not task.is_bold
    assert name.is_bold and not name.is_italic
    assert not due.spans
    attendee = next(b for b in sample.blocks if b.text.startswith("Per-Eric Magnusson,"))
    assert attendee.is_italic


# -- structure -------------------------------------------------------------------------------


def test_headings_paragraphs_divs_and_line_breaks():
    blocks = _blocks(
        "<h1>Rubrik</h1><h3>2. Punkt</h3><p>Rad ett<br>  rad två  </p>"
        "<div>Löst <div>inre</div> efter</div><h6>Sex</h6>"
    )
    assert _shape(blocks) == [
        ("heading", 1, None, "Rubrik"),
        ("heading", 3, None, "2. Punkt"),
        ("paragraph", None, None, "Rad ett\nrad två"),
        ("paragraph", None, None, "Löst"),
        ("paragraph", None, None, "inre"),
        ("paragraph", None, None, "efter"),
        ("heading", 6, None, "Sex"),
    ]


def test_lists_number_like_a_browser():
    blocks = _blocks(
        "<ol start='3'><li>tre</li><li><p>fyra</p></li><li value='10'>tio"
        "<ul><li>punkt</li></ul></li><li>elva</li></ol>"
        "<ol type='a'><li>a</li><li>b</li></ol><ol type='I' start='4'><li>IV</li></ol>"
        "<ul><li>ensam</li></ul>"
    )
    assert _shape(blocks) == [
        ("list_item", 1, "3.", "tre"),
        ("list_item", 1, "4.", "fyra"),
        ("list_item", 1, "10.", "tio"),
        ("list_item", 2, "•", "punkt"),
        ("list_item", 1, "11.", "elva"),
        ("list_item", 1, "a.", "a"),
        ("list_item", 1, "b.", "b"),
        ("list_item", 1, "IV.", "IV"),
        ("list_item", 1, "•", "ensam"),
    ]
    assert blocks[0].display_text == "3. tre"


def test_layout_tables_are_descended_into_and_data_tables_kept():
    blocks = _blocks(
        "<table><tr><td><h2>Inne i en ensam cell</h2><p>Text</p></td></tr></table>"
        "<table><tr><td width='20'>&nbsp;</td><td>Mittspalt</td><td></td></tr></table>"
        "<table><tr><td><h3>Vänster</h3></td><td><p>Höger</p></td></tr></table>"
        "<table role='presentation'><tr><td>A</td><td>B</td></tr></table>"
        "<table><caption>Åtgärder</caption><tr><th>ÅTGÄRDER</th><th>ANSVARIG</th></tr>"
        "<tr><td><p>Första</p><p>andra raden</p></td><td>Lisa</td></tr>"
        "<tr><td colspan='2'>Hela raden</td></tr></table>"
    )
    assert _shape(blocks[:7]) == [
        ("heading", 2, None, "Inne i en ensam cell"),
        ("paragraph", None, None, "Text"),
        ("paragraph", None, None, "Mittspalt"),
        ("heading", 3, None, "Vänster"),
        ("paragraph", None, None, "Höger"),
        ("paragraph", None, None, "A"),
        ("paragraph", None, None, "B"),
    ]
    caption, table = blocks[7:]
    assert (caption.kind, caption.text) == (BlockKind.PARAGRAPH, "Åtgärder")
    assert table.kind == BlockKind.TABLE
    assert [[c.text for c in row] for row in table.rows] == [
        ["ÅTGÄRDER", "ANSVARIG"],
        ["Första\nandra raden", "Lisa"],
        ["Hela raden", ""],
    ]
    assert table.text == "ÅTGÄRDER\tANSVARIG\nFörsta\nandra raden\tLisa\nHela raden\t"


def test_emphasis_from_tags_and_styles():
    (block,) = _blocks(
        "<p><b>fet</b> <strong>stark</strong> <i>kursiv</i> <em>betonad</em> "
        "<span style='font-weight: 700'>sjuhundra</span> "
        "<span style='FONT-STYLE:italic'>stil</span> "
        "<strong>fet <span style='font-weight:normal'>normal</span></strong></p>"
    )
    text = block.text
    assert text == "fet stark kursiv betonad sjuhundra stil fet normal"

    def styled(style):
        return [text[s.start : s.end] for s in block.spans if s.style == style]

    assert styled(Style.BOLD) == ["fet", "stark", "sjuhundra", "fet "]
    assert styled(Style.ITALIC) == ["kursiv", "betonad", "stil"]


def test_whole_block_emphasis_survives_whitespace():
    (block,) = _blocks("<p>\n   <em> Lisa Andersson Lindberg </em>\n</p>")
    assert block.text == "Lisa Andersson Lindberg"
    assert block.spans == (Span(0, 23, Style.ITALIC),)
    assert block.is_italic


def test_hidden_and_footer_elements_are_ignored():
    blocks = _blocks(
        "<div style='display: none'>dold1</div><p style='visibility:hidden'>dold2</p>"
        "<p hidden>dold3</p><div id='preheaderText'>dold4</div>"
        "<p>Synlig <span style='display:none !important'>dold5</span>text</p>"
        "<div class='email-footer'>dold6</div><div role='contentinfo'>dold7</div>"
        "<p class='unsubscribe-link'>dold8</p><footer>dold9</footer>"
        "<template><p>dold10</p></template><script>dold11</script><!-- dold12 -->"
        "<p>Slut</p>"
    )
    assert [b.text for b in blocks] == ["Synlig text", "Slut"]


def test_entities_spaces_and_invisible_characters():
    (block,) = _blocks("<p>R&auml;k&shy;smörgås&nbsp;&amp;&#8203; &#8211; &lt;tag&gt;\u200c</p>")
    assert block.text == "Räksmörgås & – <tag>"


def test_fragment_without_html_element():
    blocks = _blocks("<h2>Protokoll</h2>\n<p>Text</p>")
    assert _shape(blocks) == [("heading", 2, None, "Protokoll"), ("paragraph", None, None, "Text")]
    assert [b.prov.line for b in blocks] == [1, 2]


# -- decoding --------------------------------------------------------------------------------


def test_charset_from_meta_tag(tmp_path):
    page = tmp_path / "mote.html"
    page.write_bytes(
        b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
        b"</head><body><p>M\xf6tet \x96 \xe5tg\xe4rder</p></body></html>"
    )
    document = html_backend.read(page)
    assert document.blocks[0].text == "Mötet – åtgärder"
    assert document.metadata["encoding"] == "cp1252"


def test_utf8_with_cp1252_fallback_and_bom(tmp_path):
    assert html_backend.decode("<p>Möte</p>".encode()) == ("<p>Möte</p>", "utf-8")
    assert html_backend.decode(b"<p>M\xf6te</p>") == ("<p>Möte</p>", "cp1252")
    assert html_backend.decode(b"\xef\xbb\xbf<p>M\xc3\xb6te</p>") == ("<p>Möte</p>", "utf-8")
    utf16 = "\ufeff<p>Möte</p>".encode("utf-16-le")
    assert html_backend.decode(utf16) == ("<p>Möte</p>", "utf-16-le")
    # A meta tag that names UTF-8 on bytes that are Latin-1 still decodes (with U+FFFD).
    text, encoding = html_backend.decode(b'<meta charset="utf-8"><p>M\xf6te</p>')
    assert encoding == "utf-8" and "M\ufffdte" in text


def test_xhtml_with_xml_declaration(tmp_path):
    page = tmp_path / "x.html"
    page.write_bytes(
        b'<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml">'
        b"<body><h2>Rubrik</h2></body></html>"
    )
    assert [b.text for b in html_backend.read(page).blocks] == ["Rubrik"]


def test_page_without_visible_text_is_an_error(tmp_path):
    page = tmp_path / "tom.html"
    page.write_text("<html><head><title>T</title></head><body><div style='display:none'>x</div>")
    with pytest.raises(DocumentError, match="^empty document: no visible text in the HTML$"):
        html_backend.read(page)
    with pytest.raises(DocumentError, match="^cannot read file:"):
        html_backend.read(tmp_path / "saknas.html")


def test_deep_nesting_is_read_or_refused_clearly():
    assert [b.text for b in _blocks("<div>" * 260 + "djup" + "</div>" * 260)] == ["djup"]
    with pytest.raises(DocumentError, match="nested too deeply"):
        _blocks("<div>" * 3000 + "djup" + "</div>" * 3000)
