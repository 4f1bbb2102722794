"""Tests of the structure stage: the sample export and small documents built from blocks."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SAMPLE_DECISION_ITEMS

from pipeline.backends import rym
from pipeline.model import Block, BlockKind, Cell, Document, Provenance, Span, Style
from pipeline.structure import (
    MeetingStructure,
    Where,
    agenda_number,
    attachment_names,
    find_structure,
    label_key,
)

SAMPLE = Path(__file__).parents[1] / "data" / "raw" / "kommunchefsmote_2016-03-16.rym.md"


@pytest.fixture(scope="module")
def found() -> MeetingStructure:
    return find_structure(rym.read(SAMPLE))


def _decision(found: MeetingStructure, item: str) -> str:
    texts = [d.text for d in found.decisions if d.item_number == item]
    assert len(texts) == 1, f"item {item}: {len(texts)} decisions"
    return texts[0]


def _actions(found: MeetingStructure, item: str) -> list[tuple[str, str | None, str | None]]:
    return [(a.task, a.due_raw, a.responsible_raw) for a in found.actions if a.item_number == item]


def _files(found: MeetingStructure, item: str) -> list[str]:
    return [a.filename for a in found.attachments if a.item_number == item]


# -- helpers to build documents ----------------------------------------------------------------


def _italic(text: str) -> tuple[Span, ...]:
    return (Span(0, len(text), Style.ITALIC),)


def _bold(text: str) -> tuple[Span, ...]:
    return (Span(0, len(text), Style.BOLD),)


def heading(text: str, level: int = 2) -> Block:
    return Block(BlockKind.HEADING, text, level=level)


def para(text: str, spans: tuple[Span, ...] = ()) -> Block:
    return Block(BlockKind.PARAGRAPH, text, spans)


def table(*rows: tuple[str | Cell, ...]) -> Block:
    cells = tuple(tuple(c if isinstance(c, Cell) else Cell(c) for c in r) for r in rows)
    text = "\n".join("\t".join(c.text for c in r) for r in cells)
    return Block(BlockKind.TABLE, text, rows=cells)


def structure(*blocks: Block) -> MeetingStructure:
    return find_structure(Document("test.rym.md", "rym-md", list(blocks)))


# -- the sample: header ------------------------------------------------------------------------


def test_sample_header(found):
    assert found.title == "Kommunchefsmöte, Umeåregionen"
    assert found.title_where == Where(page=1, position="line 3", block=0)
    assert found.date_raw == "2016-03-16"
    assert found.time_raw == "08:30-12:00"
    assert found.location == "Telefon + Jonas J's kontor"
    assert found.header_notes == ["Protokoll"]
    assert found.warnings == []


def test_sample_attendee_lines(found):
    assert [(a.text, a.attendance, a.label) for a in found.attendee_lines] == [
        ("- Magnus Haglund, Örnsköldsviks kommun, ordförande", "remote", "närvarande på telefon"),
        ("Per-Eric Magnusson, Vindelns kommun, vice ordförande", "present", "närvarande på plats"),
        ("Håkan Wretling, Bjurholms kommun", "present", "närvarande på plats"),
        ("Jonas Jonsson, Umeå kommun", "present", "närvarande på plats"),
        ("Magnus Hansson, Robertsfors kommun (tf kommunchef)", "present", "närvarande på plats"),
        ("Lisa Andersson Lindberg, föredragande och sekreterare", "present", "närvarande på plats"),
        ("Helén Sundström Hetta", "absent", "anmäld frånvaro"),
        ("Hans-Åke Donnersvärd", "absent", "anmäld frånvaro"),
        (
            "Lisa Andersson Lindberg (Organisatör), Magnus Haglund, Jonas Jonsson, "
            "Magnus Hansson, Helen SundstromHetta, Håkan Wretling, Hans-Ake Donnersvard, "
            "Per-Eric Magnusson",
            None,
            "deltagare",
        ),
    ]
    assert found.attendee_lines[0].where == Where(1, "line 9", 3)
    assert found.attendee_lines[-1].where == Where(1, "line 37", 17)


# -- the sample: items, decisions --------------------------------------------------------------


def test_sample_items(found):
    assert [(i.number, i.title) for i in found.items] == [
        ("1", "Föregående minnesanteckningar"),
        ("2", "Mötets öppnande"),
        ("3", "Uppföljning Regionrådsmötet 2016-03-03"),
        ("4", 'Första nämndssammanträde "HR-nämnd"'),
        ("5", "Fortsatta arbetsformer för Regionrådet"),
        ("6", "Studiefremjandet"),
        ("7", "KS-seminariet 2016 - Attraktiv arbetsgivare"),
        ("8", "Inventering av arbetsgrupper och samverkansområden"),
        ("9", "Samverkansavtal Umeåregionen"),
        ("10", "Kommunchefergruppens årsplanering"),
        ("11", "Kartdatabas"),
        ("12", "AF bjuds in för samtal om närvaro i kranskommunerna"),
        ("13", "IT-samverkan"),
        ("14", "Nästa möte"),
        ("15", "Övriga frågor"),
        ("15.1", "ÖFUR lokal"),
        ("15.2", "Kapacitet i skolan"),
        ("16", "Mötets avslutande"),
    ]
    items = {i.number: i for i in found.items}
    assert items["15.1"].where == Where(1, "line 397", 183)
    assert items["16"].text == "Mötet avslutades."


def test_sample_item_text(found):
    items = {i.number: i for i in found.items}
    assert items["2"].paragraphs == [
        "Magnus Haglund närvarade över telefon varför ordförandeskapet för mötet överlämnades "
        "till vice ordf. Per-Eric Magnusson. Mötet förklarades öppnat.",
        "Två övriga frågor var anmälda:",
        "Rapport avseende kapacitetsprognos i Umeåregionens skolor",
        "Lokalfråga ÖFUR",
    ]
    assert (
        "De ärenden som behövde behandlas separat låg som egna punkter i förslag till "
        "dagordning för kommunchefsmötet. Se punkt 4, 5, 6, 7 och 8 i dessa anteckningar."
    ) in items["3"].paragraphs
    # a non-label heading inside an item stays item text
    assert "Frågeställning" in items["8"].paragraphs


def test_sample_decisions(found):
    assert [d.item_number for d in found.decisions] == SAMPLE_DECISION_ITEMS
    assert _decision(found, "10") == (
        "Kommunchefsgruppen beslutar att årsplaneringen går igenom vid strategidagar, 12-12 i maj."
    )
    assert _decision(found, "4") == (
        "Kommunchefsgruppen beslutar föreslå till nämnden att kommunchefer under "
        "införandeperioden kan närvara som åhörare vid nämndssammanträden. Detta för att säkra "
        "att samma information som når nämnden också når kommunchefsgruppen.\n"
        "Kommunchefsgruppen beslutar föreslå till nämnden att framtida nämndssammanträden läggs "
        "efter, och i direkt anslutning till, regionrådsmötena. Detta för att möjliggöra för "
        "ersättare att avvika direkt efter regionrådsmötet. Kallelser och underlag ska också "
        "fortsättningsvis gå ut separat."
    )
    assert _decision(found, "12") == (
        "Kommunchefsgruppen beslutar att bjuda in AF till nästa kommunchefsmöte."
    )
    assert _decision(found, "13") == (
        "Per-Eric Magnusson och Lisa Andersson Lindberg uppdras träffa IT-strategigruppen för att "
        "informera om kommunchefsgruppens ställningstagande."
    )
    assert _decision(found, "5").split("\n") == [
        "Kommunchefsgruppens ordförande tar kontakt med länsstyrelsen i Västerbotten för att "
        "bjuda in till nästa regionrådsmöte den 17 juni.",
        "Kommunchefsgruppen föreslår att frågan om storregion lyfts vid nästa regionrådsmöte.",
    ]
    decisions = {d.item_number: d for d in found.decisions}
    assert decisions["10"].where == Where(1, "line 294", 133)


def test_sample_decision_text_does_not_leak_into_item_text(found):
    items = {i.number: i for i in found.items}
    assert not any(
        p.startswith("Kommunchefsgruppen beslutar att årsplaneringen")
        for p in items["10"].paragraphs
    )


# -- the sample: actions -----------------------------------------------------------------------


def test_sample_actions_table_form(found):
    assert _actions(found, "3") == [
        (
            "Ta fram underlag för beslut om medfinansiering för UR-nära.",
            "2016-06-10",
            "Lisa Andersson Lindberg",
        ),
        ("Resp tar upp frågan i kommunen", None, None),
    ]
    assert _actions(found, "4")[2] == (
        "Ta upp förslaget vid nästa nämndssammanträde/alt ordf. meddelar sitt beslut? "
        "Ansvarig i Umeå?",
        "2016-04-18",
        None,
    )
    six = _actions(found, "6")
    assert len(six) == 7
    assert six[2] == (
        "Vindeln - Utse kontaktperson beräkning studiefremjandet",
        "2016-03-21",
        "Per-Erik Magnusson",
    )
    assert six[6] == (
        "Umeå - Utse kontaktperson beräkning studiefremjandet. Robert Tenevall kulturkonsulent "
        "070-332 67 66 robert.tenevall@umea.se",
        None,
        "Jonas Jonsson",
    )
    assert [a.where.position for a in found.actions if a.item_number == "3"] == [
        "line 82, row 1",
        "line 82, row 2",
    ]


def test_sample_actions_broken_form_item_5(found):
    assert _actions(found, "5") == [
        (
            "Kontakta LG Brandt och L Lustig och bjud in till nästa regionrådsmöte den 17 juni.",
            "2016-03-22",
            "Magnus Haglund",
        ),
        (
            "Föreslå att frågan om storregion lyfts i ett samlat grepp vid kommande "
            "regionrådsmöte. Lisa pratar med Hans?",
            None,
            "Lisa Andersson Lindberg",
        ),
    ]
    first = next(a for a in found.actions if a.item_number == "5")
    assert first.where == Where(1, "line 135", 62)


def test_sample_actions_item_7_table_then_italic_lines(found):
    assert _actions(found, "7") == [
        ("Skicka ut inbjudan!", None, "Lisa Andersson Lindberg"),
        ("Samplanering mellan föredragshållare? Jonas + Sofia + Barbro?", None, None),
        (
            "Lisa kontaktar arbetsgruppen och framför erbjudandet att Jonas J. deltar som talare.",
            "2016-03-17",
            "Lisa Andersson Lindberg",
        ),
        (
            "Följ upp KS-dagen vid nästa kommunchefsgruppen i samråd med personalchefsgruppen som "
            "har uppdraget att stå för innehåll",
            None,
            None,
        ),
        (
            "Kommunicera att beslut om ev fortsättning fattas efter KS-seminariet.",
            None,
            "Lisa Andersson Lindberg",
        ),
    ]


def test_sample_actions_sub_items(found):
    assert _actions(found, "15.1") == [("Kommunicera beslut.", "2016-03-17", None)]
    assert _actions(found, "15") == [
        (
            "Hur ställer sig Umeåregionens övriga intressenter till att delfinansiera denna "
            "utökning av kostnader?",
            None,
            None,
        ),
    ]
    assert _actions(found, "15.2") == []


def test_sample_action_counts_per_item(found):
    counts: dict[str, int] = {}
    for a in found.actions:
        counts[a.item_number] = counts.get(a.item_number, 0) + 1
    assert counts == {
        "3": 2,
        "4": 3,
        "5": 2,
        "6": 7,
        "7": 5,
        "8": 2,
        "9": 2,
        "10": 5,
        "11": 1,
        "12": 1,
        "13": 2,
        "15": 1,
        "15.1": 1,
    }


# -- the sample: attachments, next meeting -----------------------------------------------------


def test_sample_attachments(found):
    assert _files(found, "1") == ["KC 160218 minnesanteckning_ej justerat.pdf"]
    assert _files(found, "3") == [
        "RR_minnesanteckning_2016-03-03_ej justerat.pdf",
        "Umeåregionrådets viljeinriktning integration beslutad 2016-03-03.pdf",
        "Strategi-URNära.pdf",
        "Verksamhetsplan URnära.pdf",
        "Bilaga URnära Förtydligande mefinansiering.pdf",
    ]
    assert _files(found, "6") == [
        "Redovisning per kommun Studiefremjandet Umearegionen 160217.pdf",
        "Mail fr studiefremjandet till Umearegionens kansli.pdf",
        "Slutredovisning_granskning av Studiefremjandets verksamhet i Umeaavdelningen 170217.pdf",
    ]
    assert _files(found, "10") == ["Årsplanering2016_KC.doc"]
    assert _files(found, "15.1") == ["ÖFN Diös (3).docx"]
    assert _files(found, "15.2") == ["UK_Rapport_elevutvecklingochskolkapacitet_rapport-12.pdf"]
    assert len(found.attachments) == 12
    items = {i.number: i for i in found.items}
    assert not any(".pdf" in p for p in items["3"].paragraphs)


def test_sample_next_meeting(found):
    assert found.next_meeting_raw == (
        "Kommunchefsmöte:\n27 april\n"
        "Strategimöte för Umeåregionens kommunchefer, 12-12. Föreslaget datum 18-19 maj."
    )


# -- synthetic documents -----------------------------------------------------------------------


def test_paragraph_heading_section_sign_item():
    found = structure(
        heading("Kommunstyrelsen", 1),
        heading("§ 12 Budget"),
        para("Budgeten diskuterades."),
        heading("Beslut", 3),
        para("Kommunstyrelsen beslutar att anta budgeten."),
    )
    assert [(i.number, i.title) for i in found.items] == [("12", "Budget")]
    assert found.items[0].paragraphs == ["Budgeten diskuterades."]
    assert [(d.item_number, d.text) for d in found.decisions] == [
        ("12", "Kommunstyrelsen beslutar att anta budgeten.")
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("§ 12 Budget", ("12", "Budget")),
        ("§12 Budget", ("12", "Budget")),
        ("12. Budget", ("12", "Budget")),
        ("12) Budget", ("12", "Budget")),
        ("15.1. ÖFUR lokal", ("15.1", "ÖFUR lokal")),
        ("2016-03-16 Möte", None),
        ("2016 Budget", None),
        ("12-12 möte", None),
        ("1.", None),
        ("Protokoll", None),
    ],
)
def test_agenda_number(text, expected):
    assert agenda_number(Block(BlockKind.HEADING, text)) == expected


def test_agenda_number_needs_a_heading_or_a_paragraph_sign_and_reads_generated_numbers():
    assert agenda_number(Block(BlockKind.PARAGRAPH, "§ 12 Budget")) == ("12", "Budget")
    assert agenda_number(Block(BlockKind.PARAGRAPH, "39 § Sammanträdets laglighet")) == (
        "39",
        "Sammanträdets laglighet",
    )
    assert agenda_number(Block(BlockKind.PARAGRAPH, "KS § 3 a Detaljplan")) == ("3a", "Detaljplan")
    assert agenda_number(Block(BlockKind.PARAGRAPH, "1. Budget")) is None
    toc = "39 § Sammanträdets laglighet och beslutförhet ............................ 1"
    assert agenda_number(Block(BlockKind.PARAGRAPH, toc)) is None
    assert agenda_number(Block(BlockKind.HEADING, "2016 års budget")) is None
    assert agenda_number(Block(BlockKind.HEADING, "Budget", number="12.")) == ("12", "Budget")
    assert agenda_number(Block(BlockKind.HEADING, "ÖFUR lokal", number="15.1.")) == (
        "15.1",
        "ÖFUR lokal",
    )


def test_action_table_columns_in_another_order():
    who = Cell("Lisa Andersson Lindberg", _bold("Lisa Andersson Lindberg"))
    found = structure(
        heading("1. Budget"),
        table(
            ("ANSVARIG", "ÅTGÄRD", "KLART"),
            (who, Cell("Skicka ut inbjudan.", _italic("Skicka ut inbjudan.")), "2016-03-17"),
            ("", "Boka lokal", ""),
        ),
    )
    assert [(a.item_number, a.task, a.due_raw, a.responsible_raw) for a in found.actions] == [
        ("1", "Skicka ut inbjudan.", "2016-03-17", "Lisa Andersson Lindberg"),
        ("1", "Boka lokal", None, None),
    ]
    assert found.items[0].paragraphs == []


def test_non_action_table_stays_item_text():
    found = structure(
        heading("1. Ekonomi"),
        table(("Konto", "Belopp"), ("Lokaler", "120 000")),
        para("Ekonomin redovisades."),
    )
    assert found.actions == []
    assert found.items[0].paragraphs == [
        "Konto | Belopp\nLokaler | 120 000",
        "Ekonomin redovisades.",
    ]


def test_italic_lines_after_actions_heading():
    found = structure(
        heading("2. Lokaler"),
        heading("ÅTGÄRDER", 4),
        heading("SLUTDATUM", 4),
        heading("ANSVARIG", 4),
        para("Boka lokal.", _italic("Boka lokal.")),
        para("2016-05-05"),
        para("Magnus Haglund", _bold("Magnus Haglund")),
        para("Ring Lisa.", _italic("Ring Lisa.")),
        para("Vanlig text efteråt."),
    )
    assert [(a.task, a.due_raw, a.responsible_raw) for a in found.actions] == [
        ("Boka lokal.", "2016-05-05", "Magnus Haglund"),
        ("Ring Lisa.", None, None),
    ]
    assert found.items[0].paragraphs == ["Vanlig text efteråt."]


def test_attachment_paragraph_under_an_item():
    found = structure(
        heading("3. Rapporter"),
        para("3) Rapport.pdf, 3) Budget 2016.xlsx"),
        para("Se bilaga i mötet."),
    )
    assert [(a.item_number, a.filename) for a in found.attachments] == [
        ("3", "Rapport.pdf"),
        ("3", "Budget 2016.xlsx"),
    ]
    assert found.items[0].paragraphs == ["Se bilaga i mötet."]


def test_header_plats_label_and_attendance_labels():
    found = structure(
        heading("Kommunstyrelsen", 1),
        para("2016-03-16"),
        para("Plats: Stadshuset, Umeå"),
        para("Närvarande:"),
        para("Anna Andersson, ordförande"),
        para("Frånvarande:"),
        para("Bo Berg"),
        heading("1. Mötets öppnande"),
    )
    assert found.location == "Stadshuset, Umeå"
    assert [(a.text, a.attendance) for a in found.attendee_lines] == [
        ("Anna Andersson, ordförande", "present"),
        ("Bo Berg", "absent"),
    ]


def test_header_place_after_time_that_looks_like_a_name():
    found = structure(
        heading("Kommunchefsmöte", 1),
        para("Närvarande på telefon", _italic("Närvarande på telefon")),
        para("- Magnus Haglund, Örnsköldsviks kommun", _italic("- Magnus Haglund, x")),
        para("2016-03-16"),
        para("08:30-12:00"),
        para("Stadshuset Umeå"),
        para("Närvarande på plats:", _italic("Närvarande på plats:")),
        para("Jonas Jonsson, Umeå kommun", _italic("Jonas Jonsson, Umeå kommun")),
        heading("1. Test"),
    )
    assert found.location == "Stadshuset Umeå"
    assert [a.text for a in found.attendee_lines] == [
        "- Magnus Haglund, Örnsköldsviks kommun",
        "Jonas Jonsson, Umeå kommun",
    ]


def test_where_of_table_row():
    block = Block(BlockKind.TABLE, "", prov=Provenance(page=2, line=82, block=7))
    assert Where.of(block, 3) == Where(2, "line 82, row 3", 7)


# -- attachment_names, label_key ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "KC 160218 minnesanteckning_ej justerat.pdf",
            ["KC 160218 minnesanteckning_ej justerat.pdf"],
        ),
        ("rapport.pdf, budget.xlsx", ["rapport.pdf", "budget.xlsx"]),
        ("3) a.pdf, 3) b.docx", ["a.pdf", "b.docx"]),
        ("Bilder.PNG", ["Bilder.PNG"]),
        ("ÖFN Diös (3).docx", ["ÖFN Diös (3).docx"]),
    ],
)
def test_attachment_names(text, expected):
    assert attachment_names(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Se bilaga i mötet.",
        "",
        "pdf",
        "rapport.pdf, se vidare nedan",
        "rapport.pdf.",
        "Se punkt 4, 5, 6, 7 och 8 i dessa anteckningar.",
        "Mötet hölls 2016-03-03.",
        "Läs mer på www.umea.se",
    ],
)
def test_attachment_names_negatives(text):
    assert attachment_names(text) == []


def test_attachment_names_label_is_not_part_of_the_file_name():
    assert "Bilaga: rapport.pdf" not in attachment_names("Bilaga: rapport.pdf")


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("*Anmäld frånvaro:*", "anmäld frånvaro"),
        ("  ÅTGÄRDER ", "åtgärder"),
        ("Närvarande   på\tplats:", "närvarande på plats"),
        ("__BESLUT__", "beslut"),
    ],
)
def test_label_key(text, key):
    assert label_key(text) == key
