"""The classic sammanträdesprotokoll: label/value header, checkbox attendance, § items.

The blocks here are what a PDF or Word backend gives for such minutes (modelled on
Nykarleby's Välfärdsnämnden protokoll 5/2022); the structure and NLP stages must not care
which format they came from.
"""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline.extract import extract_tables
from pipeline.model import Block, BlockKind, Cell, Document, Span, Style
from pipeline.structure import find_structure


def para(text: str, bold: bool = False) -> Block:
    spans = (Span(0, len(text), Style.BOLD),) if bold else ()
    return Block(BlockKind.PARAGRAPH, text, spans)


def table(*rows: tuple[str, ...]) -> Block:
    return Block(BlockKind.TABLE, rows=tuple(tuple(Cell(c) for c in r) for r in rows))


PROTOKOLL = Document(
    "nykarleby.pdf",
    "pdf",
    [
        para("Protokoll 5/2022"),
        table(
            ("Organ", "Välfärdsnämnden"),
            ("Sammanträdestd", "15.9.2022 kl. 18.00 – 19.37"),
            ("Sammanträdesplats", "Stadshuset, stadsstyrelsens rum"),
            ("Ärenden", "39 – 49 §"),
        ),
        para("Beslutande", bold=True),
        table(
            ("ordinarie", "ersättare"),
            ("[X] Lindvall Mikael, ordförande", "[ ] Eklund Karita"),
            ("[X] Backman Tua", "[ ] Järvinen Camilla"),
            ("[X] Hellsten Jean, viceordförande (distans)", "[ ] Wik Tobias"),
            ("[ ] Karf Johannes", "[X] Rögård Linda"),
        ),
        para("Övriga närvarande", bold=True),
        para("Rif Solveig, kanslist, protokollförare"),
        para("Elektroniska underskrifter"),
        para("Mikael Lindvall"),
        para("Utses att justera: Backman Tua"),
        para("39 § Sammanträdets laglighet och beslutförhet ........................ 1"),
        para("39 § Sammanträdets laglighet och beslutförhet", bold=True),
        para("Ordförande öppnar sammanträdet och konstaterar om nämnden är lagligt sammankallad."),
        para("Välfärdsnämndens beslut:", bold=True),
        para("Välfärdsnämnden konstaterades vara lagligt sammankallad och beslutför."),
        para("______"),
        para("44 § Rekrytering av välfärdschef", bold=True),
        para("Dnr VN 2022/118"),
        para("Förslag till beslut:", bold=True),
        para("Välfärdsnämnden föreslås anställa Anna Berg som välfärdschef."),
        para("Välfärdsnämndens beslut:", bold=True),
        para("Välfärdsnämnden beslutar att återremittera ärendet."),
        para("Expedieras:", bold=True),
        para("Personalavdelningen"),
    ],
)


@pytest.fixture(scope="module")
def tables(nlp):
    return extract_tables(PROTOKOLL, "doc_test", nlp)


def test_label_value_header(tables):
    meeting = tables["meetings"][0]
    assert meeting["body"] == "Välfärdsnämnden"
    assert meeting["date"] == dt.date(2022, 9, 15)
    assert (meeting["start_time"], meeting["end_time"]) == ("18:00", "19:37")
    assert meeting["location"] == "Stadshuset, stadsstyrelsens rum"


def test_checkbox_attendance_with_columns_and_surname_first_names(tables):
    people = {a["name"]: a for a in tables["attendees"]}
    assert people["Mikael Lindvall"]["name_raw"] == "Lindvall Mikael"
    assert people["Mikael Lindvall"]["roles"] == ["ordförande"]
    assert people["Mikael Lindvall"]["attendance"] == "present"
    assert people["Tua Backman"]["roles"] == ["justerare", "ledamot"]
    assert people["Jean Hellsten"]["attendance"] == "remote"
    assert people["Jean Hellsten"]["roles"] == ["vice ordförande"]
    assert people["Johannes Karf"]["attendance"] == "absent"
    assert people["Linda Rögård"]["attendance"] == "present"
    assert people["Linda Rögård"]["roles"] == ["ersättare"]
    assert people["Karita Eklund"]["attendance"] == "absent"
    assert people["Solveig Rif"]["roles"] == ["kanslist", "sekreterare"]
    assert people["Solveig Rif"]["attendance"] == "present"
    assert len(people) == 9  # the signature line adds nobody


def test_paragraph_sign_items_skip_the_table_of_contents(tables):
    items = [(i["item_number"], i["title"], i["dnr"]) for i in tables["agenda_items"]]
    assert items == [
        ("39", "Sammanträdets laglighet och beslutförhet", None),
        ("44", "Rekrytering av välfärdschef", "VN 2022/118"),
    ]


def test_own_decision_label_and_proposals_kept_apart(tables):
    decisions = [(d["item_number"], d["text"], d["decision_type"]) for d in tables["decisions"]]
    assert decisions == [
        ("39", "Välfärdsnämnden konstaterades vara lagligt sammankallad och beslutför.", "other"),
        ("44", "Välfärdsnämnden beslutar att återremittera ärendet.", "defer"),
    ]
    item44 = next(i for i in tables["agenda_items"] if i["item_number"] == "44")
    assert "föreslås anställa Anna Berg" in item44["text"]
    assert "Personalavdelningen" in item44["text"]


def test_association_minutes_inline_labels(nlp):
    doc = Document(
        "styrelse.docx",
        "docx",
        [
            Block(BlockKind.HEADING, "Styrelsemöte Brf Imatra", level=1),
            para("Datum och tid: 2018-04-26 kl. 19.00"),
            para("Plats: Föreningslokalen"),
            para("Närvarande: Anna Lind, Erik Ström, Sara Öberg"),
            para("Frånvarande: Per Holm"),
            Block(BlockKind.HEADING, "1. Mötets öppnande", level=2),
            para("Ordföranden öppnade mötet."),
            Block(BlockKind.HEADING, "2. Budget 2019", level=2),
            para("Beslut: Styrelsen beslutar att anta budgeten."),
            para("Kassören presenterade utfallet."),
        ],
    )
    found = find_structure(doc)
    assert found.date_raw == "2018-04-26 kl. 19.00"
    assert found.location == "Föreningslokalen"
    rows = extract_tables(doc, "doc_brf", nlp)
    att = {a["name"]: a["attendance"] for a in rows["attendees"]}
    assert att == {
        "Anna Lind": "present",
        "Erik Ström": "present",
        "Sara Öberg": "present",
        "Per Holm": "absent",
    }
    assert [(d["item_number"], d["text"]) for d in rows["decisions"]] == [
        ("2", "Styrelsen beslutar att anta budgeten.")
    ]
    assert rows["meetings"][0]["start_time"] == "19:00"


def test_kommunstyrelse_header_with_parties_and_substitutes(nlp):
    doc = Document(
        "ks.docx",
        "docx",
        [
            Block(BlockKind.HEADING, "Kommunstyrelsen", level=1),
            para("Plats och tid: Kommunhuset, Nordmaling 2015-11-10 kl. 13.00-16.30"),
            para("Beslutande", bold=True),
            para("Anna Berg (S), ordförande"),
            para("Olle Ek (c)"),
            para("Tjänstgörande ersättare", bold=True),
            para("Karin Lund (M)"),
            para("Ersättare", bold=True),
            para("Per Holm (KD)"),
            para("Övriga närvarande", bold=True),
            para("Eva Strand, ekonomichef"),
            para("Utses att justera", bold=True),
            para("Olle Ek"),
            para("§ 170 Budget 2016", bold=True),
            para("Kommunstyrelsens beslut", bold=True),
            para("Kommunstyrelsen godkänner budgeten."),
        ],
    )
    rows = extract_tables(doc, "doc_ks", nlp)
    meeting = rows["meetings"][0]
    assert meeting["location"] == "Kommunhuset, Nordmaling"
    assert meeting["date"] == dt.date(2015, 11, 10)
    assert (meeting["start_time"], meeting["end_time"]) == ("13:00", "16:30")
    assert meeting["body"] == "Kommunstyrelsen"
    people = {a["name"]: (a["party"], a["roles"], a["attendance"]) for a in rows["attendees"]}
    assert people == {
        "Anna Berg": ("S", ["ordförande"], "present"),
        "Olle Ek": ("C", ["justerare", "ledamot"], "present"),
        "Karin Lund": ("M", ["tjänstgörande ersättare"], "present"),
        "Per Holm": ("KD", ["ersättare"], "present"),
        "Eva Strand": (None, ["ekonomichef"], "present"),
    }
    assert [(d["item_number"], d["decision_type"]) for d in rows["decisions"]] == [
        ("170", "approve")
    ]


def test_votes_reservations_recusals_and_substitutes(nlp):
    doc = Document(
        "ks2.docx",
        "docx",
        [
            Block(BlockKind.HEADING, "Kommunstyrelsen", level=1),
            para("Tid och plats: 2015-11-10 kl. 13.00, Kommunhuset"),
            para("Beslutande", bold=True),
            para("Anna Berg (S), ordförande"),
            para("Olle Ek (C)"),
            para("Sara Öberg (M)"),
            para("Tjänstgörande ersättare", bold=True),
            para("Karin Lund (M) ersätter Per Holm (M) §§ 170–172"),
            para("§ 170 Detaljplan för Kvarnen", bold=True),
            para("Jäv", bold=True),
            para("Olle Ek (C) anmäler jäv och deltar inte i handläggningen."),
            para("Omröstning", bold=True),
            para(
                "Omröstning begärs. Med 7 ja-röster mot 4 nej-röster och 2 som avstår "
                "bifaller kommunstyrelsen förslaget."
            ),
            para("Kommunstyrelsens beslut", bold=True),
            para("Kommunstyrelsen antar detaljplanen."),
            para("Reservation", bold=True),
            para("Sara Öberg (M) reserverar sig mot beslutet till förmån för eget yrkande."),
            para("§ 171 Val av ombud", bold=True),
            table(
                ("Ledamot", "Ja", "Nej", "Avstår"),
                ("Anna Berg (S)", "X", "", ""),
                ("Sara Öberg (M)", "", "X", ""),
                ("Karin Lund (M)", "", "", "X"),
            ),
            para("Beslut: Kommunstyrelsen väljer Anna Berg till ombud."),
        ],
    )
    rows = extract_tables(doc, "doc_ks2", nlp)
    karin = next(a for a in rows["attendees"] if a["name"] == "Karin Lund")
    assert (karin["replaces"], karin["items_raw"], karin["roles"]) == (
        "Per Holm",
        "§§ 170–172",
        ["tjänstgörande ersättare"],
    )
    assert "Per Holm" not in {a["name"] for a in rows["attendees"]}
    assert [(r["item_number"], r["name"]) for r in rows["recusals"]] == [("170", "Olle Ek")]
    assert [(r["item_number"], r["name"], r["party"]) for r in rows["reservations"]] == [
        ("170", "Sara Öberg", "M")
    ]
    votes = [(v["item_number"], v["yes"], v["no"], v["abstain"]) for v in rows["votes"]]
    assert votes == [("170", 7, 4, 2), ("171", 1, 1, 1)]
    assert [(r["name"], r["vote"]) for r in rows["vote_records"]] == [
        ("Anna Berg", "ja"),
        ("Sara Öberg", "nej"),
        ("Karin Lund", "avstår"),
    ]
    assert [(d["item_number"], d["text"]) for d in rows["decisions"]] == [
        ("170", "Kommunstyrelsen antar detaljplanen."),
        ("171", "Kommunstyrelsen väljer Anna Berg till ombud."),
    ]


def test_week_due_dates_are_the_friday_and_columns_in_any_order(nlp):
    doc = Document(
        "anteckningar.docx",
        "docx",
        [
            Block(BlockKind.HEADING, "Minnesanteckningar Skolchefsgruppen", level=1),
            para("Datum: 2017-10-02"),
            Block(BlockKind.HEADING, "1. Lokaler", level=2),
            table(
                ("Nr", "Ansvarig", "Uppgift", "Deadline"),
                ("1", "Kansliet", "Boka lokal", "v. 45"),
                ("1", "Kansliet", "Skicka kallelse", "15/11"),
            ),
        ],
    )
    rows = extract_tables(doc, "doc_week", nlp)
    assert [
        (a["item_number"], a["task"], a["due_date"], a["responsible"]) for a in rows["actions"]
    ] == [
        ("1", "Boka lokal", dt.date(2017, 11, 10), "Kansliet"),
        ("1", "Skicka kallelse", dt.date(2017, 11, 15), "Kansliet"),
    ]


def test_a_stamma_without_attendance_list_names_its_functionaries(nlp):
    doc = Document(
        "stamma.pdf",
        "pdf",
        [
            Block(BlockKind.HEADING, "PROTOKOLL", level=1),
            para("fört vid ordinarie föreningsstämma med HSB:s Bostadsrättsförening Imatra i"),
            para("Akalla den 26 april 2018"),
            para("§ 2. Val av ordförande vid stämman", bold=True),
            para("Till ordförande för stämman väljs Tomas Merio."),
            para("§ 3. Anmälan av stämmoordförandes val av protokollförare", bold=True),
            para("Tomas Merio anmäler Marcus Holmgren att för dagen föra protokoll."),
            para("§ 6. Val av två personer att justera protokollet samt av rösträknare", bold=True),
            para("Hans Ringdahl och Mahin Moradi anmäler sig för att justera samt rösträkna."),
        ],
    )
    rows = extract_tables(doc, "doc_stamma", nlp)
    people = {a["name"]: (a["attendance"], a["roles"]) for a in rows["attendees"]}
    assert people == {
        "Tomas Merio": ("present", ["ordförande"]),
        "Marcus Holmgren": ("present", ["sekreterare"]),
        "Hans Ringdahl": ("present", ["justerare", "rösträknare"]),
        "Mahin Moradi": ("present", ["justerare", "rösträknare"]),
    }
    meeting = rows["meetings"][0]
    assert (meeting["date"], meeting["body"], meeting["organization"]) == (
        dt.date(2018, 4, 26),
        "Föreningsstämman",
        "HSB:s Bostadsrättsförening Imatra",
    )


def test_anslag_bevis_dates_are_never_the_meeting_date(nlp):
    doc = Document(
        "ks3.docx",
        "docx",
        [
            Block(BlockKind.HEADING, "Kommunstyrelsen", level=1),
            para("ANSLAG/BEVIS", bold=True),
            table(
                ("Organ", "Kommunstyrelsen"),
                ("Datum för anslags uppsättande", "2015-11-20"),
                ("Datum för anslags nedtagande", "2015-12-12"),
            ),
            para("Justeringens plats och tid: Kommunhuset 2015-11-17"),
            para("§ 1 Budget", bold=True),
        ],
    )
    assert extract_tables(doc, "doc_anslag", nlp)["meetings"][0]["date"] is None


def test_a_reservation_takes_a_party_mark_only_when_it_is_a_party(nlp):
    """'(c)' after a name is the Centre Party in a reservation as in the attendance list;
    '(ers)' (a substitute) is no party in either."""
    doc = Document(
        "ks3.docx",
        "docx",
        [
            Block(BlockKind.HEADING, "Kommunstyrelsen", level=1),
            para("Tid och plats: 2015-11-10 kl. 13.00, Kommunhuset"),
            para("Beslutande", bold=True),
            para("Anna Berg (S), ordförande"),
            para("Olle Ek (c)"),
            para("Lisa Stål (ers)"),
            para("§ 170 Detaljplan för Kvarnen", bold=True),
            para("Kommunstyrelsens beslut", bold=True),
            para("Kommunstyrelsen antar detaljplanen."),
            para("Reservation", bold=True),
            para("Olle Ek (c) och Lisa Stål (ers) reserverar sig mot beslutet."),
        ],
    )
    rows = extract_tables(doc, "doc_ks3", nlp)
    assert {a["name"]: a["party"] for a in rows["attendees"]} == {
        "Anna Berg": "S",
        "Olle Ek": "C",
        "Lisa Stål": None,
    }
    assert [(r["name"], r["party"]) for r in rows["reservations"]] == [
        ("Olle Ek", "C"),
        ("Lisa Stål", None),
    ]
