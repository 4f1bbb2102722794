"""Write tests/fixtures/dev/: a development corpus of eight fictional Swedish meeting minutes.

One document per input format the pipeline is meant to read, in three genres:

| file | format | genre |
|---|---|---|
| socialnamnden_vindeln_2017-05-23.pdf | pdf (text layer) | formal sammanträdesprotokoll, 4 pages |
| ksau_bjurholm_2018-02-13_scan.pdf | pdf-scanned (images only) | formal protokoll, arbetsutskott |
| lillans_byaforening_styrelse_2018-09-04.doc | doc | association board minutes |
| kommunstyrelsen_nordmaling_2016-11-07.odt | odt | formal protokoll, kommunstyrelse |
| skolchefsgruppen_2017-01-25.rtf | rtf | informal minnesanteckningar, ÅTGÄRDER tables |
| naringslivsgruppen_2017-11-29.rym.html | rym-html | meeting tool e-mail export |
| folkhalsoradet_vannas_2018-04-17.docx | docx | minnesanteckningar, Åtgärdslista table |
| personalchefsmote_2016-09-14.rym.md | rym-md | Run-your-meeting text export |

Every person, case and number is invented; the bodies and municipalities are real names used
as a setting. The content of each document is written once, below, as data; the renderers
turn it into the formats. The gold files (tests/gold/<file>.gold.json) are written by hand
from the same content, not generated: do not regenerate them from this script.

The .pdf, .odt, .doc and .rtf files go through LibreOffice (``soffice --headless
--convert-to``) from .docx files built here with python-docx; the scan renders its PDF with
``pdftoppm`` and wraps the page images in an image-only PDF with Pillow. Besides the
documents, the hidden folder ``.sources/`` holds a plain-text rendering of each document's
content (what a reader of the document sees, without layout), for writing and reviewing the
gold; it is hidden so that ``protokoll run tests/fixtures/dev`` reads the eight documents
and nothing else.

Everything is offline and deterministic: fixed document dates, fixed zip times, PDF dates
and IDs replaced, seeded scan noise. (LibreOffice's own output may differ between
LibreOffice versions; the committed files were made with LibreOffice 7.4.)

Usage: python scripts/make_dev_corpus.py
"""

from __future__ import annotations

import hashlib
import io
import os
import random
import re
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from PIL import Image, ImageDraw, ImageFilter

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "fixtures" / "dev"
SOURCES = OUT / ".sources"  # hidden: `protokoll run tests/fixtures/dev` skips it
ZIP_TIME = (2018, 10, 1, 12, 0, 0)

# ==============================================================================================
# Content
# ==============================================================================================

# A block inside an item is (kind, content):
#   ("h", "Ärendebeskrivning")   a bold label line
#   ("p", "text")                a paragraph
#   ("b", "text")                a bullet line
Block = tuple[str, str]


@dataclass
class Item:
    number: int
    title: str
    dnr: str | None
    blocks: list[Block]


@dataclass
class Formal:
    """A formal sammanträdesprotokoll (kommunstyrelse, nämnd, utskott)."""

    file: str
    organization_caps: str  # page header, e.g. "VINDELNS KOMMUN"
    body: str
    date: str
    heading_rows: list[tuple[str, list[str]]]  # label -> value lines ("*x*" = bold line)
    signatures: list[tuple[str, str]]  # (Sekreterare, Mikael Strand)
    paragraphs: str
    announcement: list[tuple[str, str]] | None  # ANSLAG/BEVIS rows, or None
    items: list[Item]
    page_break_after_heading: bool = True


SOCIALNAMNDEN = Formal(
    file="socialnamnden_vindeln_2017-05-23.pdf",
    organization_caps="VINDELNS KOMMUN",
    body="Socialnämnden",
    date="2017-05-23",
    heading_rows=[
        ("Plats och tid", ["Kommunkontoret, rum Hällnäs, kl. 13.00–16.15"]),
        (
            "Beslutande",
            [
                "*Ledamöter*",
                "Birgitta Lindqvist (S), ordförande",
                "Per-Olof Nyström (C), vice ordförande",
                "Maria Sundberg (S)",
                "Erik Holmström (M)",
                "Kerstin Åberg (V)",
                "*Tjänstgörande ersättare*",
                "Anders Öhman (S)",
            ],
        ),
        ("Ej tjänstgörande ersättare", ["Gunilla Marklund (KD)"]),
        (
            "Övriga närvarande",
            [
                "Johanna Forsberg, socialchef",
                "Mikael Strand, sekreterare",
                "Tomas Wikström, ekonom, § 41",
                "Sara Lindgren, enhetschef äldreomsorg, § 45",
            ],
        ),
        ("Utses att justera", ["Erik Holmström"]),
        ("Justeringens plats och tid", ["Kommunkontoret, Vindeln, 2017-05-30"]),
    ],
    signatures=[
        ("Sekreterare", "Mikael Strand"),
        ("Ordförande", "Birgitta Lindqvist"),
        ("Justerande", "Erik Holmström"),
    ],
    paragraphs="38–45",
    announcement=[
        ("Organ", "Socialnämnden"),
        ("Sammanträdesdatum", "2017-05-23"),
        ("Datum för anslags uppsättande", "2017-05-31"),
        ("Datum för anslags nedtagande", "2017-06-22"),
        ("Förvaringsplats för protokollet", "Kommunkontoret, Vindeln"),
    ],
    items=[
        Item(
            38,
            "Val av justerare",
            None,
            [
                ("h", "Socialnämndens beslut"),
                ("p", "Erik Holmström (M) utses att jämte ordföranden justera dagens protokoll."),
            ],
        ),
        Item(
            39,
            "Godkännande av dagordning",
            None,
            [
                ("h", "Socialnämndens beslut"),
                (
                    "p",
                    "Dagordningen godkänns med tillägget att information om sommarbemanning "
                    "inom äldreomsorgen behandlas som § 45.",
                ),
            ],
        ),
        Item(
            40,
            "Riktlinjer för handläggning av ekonomiskt bistånd 2017",
            "Dnr SN 2017/31",
            [
                ("h", "Ärendebeskrivning"),
                (
                    "p",
                    "Nämndens riktlinjer för handläggning av ekonomiskt bistånd antogs 2014 och "
                    "behöver revideras med anledning av ändrad lagstiftning och ny praxis från "
                    "förvaltningsdomstolarna. Förvaltningen har tagit fram ett förslag till "
                    "reviderade riktlinjer.",
                ),
                (
                    "p",
                    "De största förändringarna gäller bedömningen av skäliga boendekostnader, "
                    "kraven på aktivt arbetssökande för den som uppbär försörjningsstöd och "
                    "handläggningen av ansökningar om bistånd till hemutrustning. Riktlinjerna "
                    "har också kompletterats med ett avsnitt om barnets bästa, där det framgår "
                    "hur barns behov ska utredas och dokumenteras när föräldrarna ansöker om "
                    "ekonomiskt bistånd.",
                ),
                (
                    "p",
                    "Riktbeloppet för hemutrustning föreslås följa Konsumentverkets beräkningar. "
                    "För boendekostnader föreslås att en skälig hyra bedöms utifrån "
                    "hyresnivåerna i kommunen för en lägenhet av den storlek som hushållet "
                    "behöver, och att den enskilde får rimlig tid, som regel tre månader, att "
                    "hitta en billigare bostad innan biståndet begränsas.",
                ),
                (
                    "p",
                    "Förslaget har behandlats i förvaltningens samverkansgrupp 2017-04-27. "
                    "Enhetschefen för individ- och familjeomsorgen har informerat nämndens "
                    "arbetsutskott om förslaget vid sammanträdet 2017-05-09.",
                ),
                ("h", "Beslutsunderlag"),
                ("b", "Tjänsteskrivelse 2017-05-08"),
                ("b", "Förslag till Riktlinjer för handläggning av ekonomiskt bistånd 2017"),
                ("b", "Protokoll från samverkansgruppen 2017-04-27"),
                ("h", "Förslag till beslut"),
                (
                    "p",
                    "Socialnämnden antar Riktlinjer för handläggning av ekonomiskt bistånd 2017. "
                    "Riktlinjerna gäller från och med 2017-07-01.",
                ),
                ("h", "Yrkanden"),
                (
                    "p",
                    "Kerstin Åberg (V) yrkar att riktbeloppet för hemutrustning höjs med "
                    "20 procent i förhållande till förvaltningens förslag.",
                ),
                ("p", "Birgitta Lindqvist (S) yrkar bifall till förvaltningens förslag."),
                ("h", "Beslutsgång"),
                (
                    "p",
                    "Ordföranden ställer proposition på förvaltningens förslag mot Kerstin Abergs "
                    "yrkande och finner att socialnämnden beslutar enligt förvaltningens förslag.",
                ),
                ("h", "Socialnämndens beslut"),
                (
                    "p",
                    "Socialnämnden antar Riktlinjer för handläggning av ekonomiskt bistånd 2017.",
                ),
                (
                    "p",
                    "Riktlinjerna gäller från och med 2017-07-01 och ersätter riktlinjerna "
                    "antagna 2014-03-18, § 22.",
                ),
                ("h", "Reservation"),
                (
                    "p",
                    "Kerstin Åberg (V) reserverar sig mot beslutet till förmån för eget yrkande.",
                ),
                ("h", "Beslutet skickas till"),
                ("p", "Enheten för individ- och familjeomsorg"),
            ],
        ),
        Item(
            41,
            "Ekonomisk uppföljning per april 2017",
            "Dnr SN 2017/14",
            [
                ("h", "Ärendebeskrivning"),
                (
                    "p",
                    "Socialförvaltningen har sammanställt den ekonomiska uppföljningen för "
                    "perioden januari–april 2017. Nämnden har en budgetram på 148,6 miljoner "
                    "kronor för året. Prognosen för helåret visar ett underskott på 1,2 miljoner "
                    "kronor, i huvudsak inom hemtjänsten där antalet beviljade timmar har ökat "
                    "med 9 procent jämfört med samma period 2016.",
                ),
                (
                    "p",
                    "Individ- och familjeomsorgen redovisar ett prognostiserat överskott på "
                    "0,4 miljoner kronor till följd av lägre kostnader för externa placeringar. "
                    "Ekonom Tomas Wikström redogör för uppföljningen.",
                ),
                ("h", "Beslutsunderlag"),
                ("b", "Tjänsteskrivelse från socialchef Johanna Forsberg, 2017-05-10"),
                ("b", "Ekonomisk rapport januari–april 2017"),
                ("h", "Förslag till beslut"),
                (
                    "p",
                    "Socialnämnden godkänner den ekonomiska uppföljningen per april 2017 och "
                    "lägger den till handlingarna.",
                ),
                ("h", "Socialnämndens beslut"),
                (
                    "p",
                    "Socialnämnden godkänner den ekonomiska uppföljningen per april 2017 och "
                    "lägger den till handlingarna.",
                ),
                (
                    "p",
                    "Socialchefen får i uppdrag att till nämndens sammanträde i september "
                    "redovisa åtgärder för en budget i balans inom hemtjänsten.",
                ),
                ("h", "Beslutet skickas till"),
                ("p", "Socialchefen"),
                ("p", "Ekonomienheten"),
            ],
        ),
        Item(
            42,
            "Internkontrollplan 2017",
            "Dnr SN 2017/9",
            [
                ("h", "Ärendebeskrivning"),
                (
                    "p",
                    "Enligt kommunens reglemente för intern kontroll ska varje nämnd årligen anta "
                    "en internkontrollplan. Förvaltningen har gjort en risk- och "
                    "väsentlighetsanalys som ligger till grund för planen. För 2017 föreslås "
                    "kontroll av rutinerna för utbetalning av försörjningsstöd, "
                    "avgiftsdebiteringen inom hemtjänsten och dokumentationen av "
                    "genomförandeplaner inom särskilt boende.",
                ),
                ("h", "Beslutsunderlag"),
                ("b", "Tjänsteskrivelse 2017-05-04"),
                ("b", "Förslag till internkontrollplan 2017"),
                ("h", "Förslag till beslut"),
                ("p", "Socialnämnden antar internkontrollplan 2017."),
                ("h", "Socialnämndens beslut"),
                ("p", "Socialnämnden antar internkontrollplan 2017."),
                (
                    "p",
                    "Resultatet av kontrollerna ska redovisas för nämnden senast i februari 2018.",
                ),
            ],
        ),
        Item(
            43,
            "Redovisning av delegationsbeslut",
            "Dnr SN 2017/2",
            [
                ("h", "Ärendebeskrivning"),
                (
                    "p",
                    "Delegationsbeslut fattade under perioden 2017-04-01–2017-04-30 redovisas "
                    "enligt bilaga. Besluten avser bistånd enligt socialtjänstlagen, färdtjänst "
                    "och bostadsanpassningsbidrag.",
                ),
                ("h", "Socialnämndens beslut"),
                ("p", "Redovisningen godkänns."),
            ],
        ),
        Item(
            44,
            "Meddelanden",
            "Dnr SN 2017/3",
            [
                ("h", "Ärendebeskrivning"),
                ("p", "Följande meddelanden har kommit in till socialnämnden:"),
                (
                    "b",
                    "Inspektionen för vård och omsorg, beslut 2017-04-19 om tillsyn av det "
                    "särskilda boendet Älvgården. Ärendet avslutas.",
                ),
                (
                    "b",
                    "Kommunfullmäktige 2017-04-24, § 31, Revidering av socialnämndens reglemente.",
                ),
                (
                    "b",
                    "Sveriges Kommuner och Landsting, cirkulär om budgetförutsättningar för "
                    "åren 2017–2020.",
                ),
                ("h", "Socialnämndens beslut"),
                ("p", "Meddelandena läggs till handlingarna."),
            ],
        ),
        Item(
            45,
            "Information om sommarbemanning inom äldreomsorgen 2017",
            "Dnr SN 2017/38",
            [
                ("h", "Ärendebeskrivning"),
                (
                    "p",
                    "Enhetschef Sara Lindgren informerar om rekryteringen av semestervikarier "
                    "inom äldreomsorgen. Hittills har 34 av 41 planerade vikariat tillsatts. "
                    "Svårast är det att rekrytera sjuksköterskor till veckorna 28–31. "
                    "Förvaltningen undersöker möjligheten att hyra in sjuksköterskor via "
                    "bemanningsföretag under dessa veckor.",
                ),
                ("h", "Socialnämndens beslut"),
                ("p", "Socialnämnden tar del av informationen."),
            ],
        ),
    ],
)


KSAU_BJURHOLM = Formal(
    file="ksau_bjurholm_2018-02-13_scan.pdf",
    organization_caps="BJURHOLMS KOMMUN",
    body="Kommunstyrelsens arbetsutskott",
    date="2018-02-13",
    heading_rows=[
        ("Plats och tid", ["Kommunkontoret, Bjurholm, kl. 08.30–11.45"]),
        (
            "Beslutande",
            [
                "*Ledamöter*",
                "Ingrid Sjölander (C), ordförande",
                "Lars-Göran Wiklund (S), vice ordförande",
                "Hans Edström (M)",
            ],
        ),
        (
            "Övriga närvarande",
            [
                "Eva Kjellberg, kommunchef",
                "Annika Holm, sekreterare",
                "Jonas Dahlberg, ekonomichef, § 12",
            ],
        ),
        ("Utses att justera", ["Hans Edström"]),
        ("Justeringens plats och tid", ["Kommunkontoret, 2018-02-15"]),
    ],
    signatures=[
        ("Sekreterare", "Annika Holm"),
        ("Ordförande", "Ingrid Sjölander"),
        ("Justerande", "Hans Edström"),
    ],
    paragraphs="10–14",
    announcement=None,
    page_break_after_heading=False,
    items=[
        Item(
            10,
            "Godkännande av föredragningslista",
            None,
            [
                ("h", "Beslut"),
                ("p", "Föredragningslistan godkänns."),
            ],
        ),
        Item(
            11,
            "Bredbandsutbyggnad etapp 3",
            "Dnr KS 2017/188",
            [
                ("h", "Ärendebeskrivning"),
                (
                    "p",
                    "Kommunen har beviljats stöd ur landsbygdsprogrammet för utbyggnad av "
                    "fibernät till byarna öster om centralorten. Etapp 3 omfattar 112 hushåll "
                    "och 9 företag. Den totala kostnaden beräknas till 7,8 miljoner kronor, "
                    "varav kommunens andel är 2,4 miljoner kronor.",
                ),
                ("h", "Beslutsunderlag"),
                ("b", "Tjänsteskrivelse 2018-01-30"),
                ("b", "Projektplan bredband etapp 3"),
                ("h", "Förslag till beslut"),
                (
                    "p",
                    "Arbetsutskottet föreslår kommunstyrelsen besluta att godkänna projektplanen "
                    "för bredbandsutbyggnad etapp 3.",
                ),
                ("h", "Beslut"),
                ("p", "Arbetsutskottet föreslår kommunstyrelsen besluta"),
                ("p", "att godkänna projektplanen för bredbandsutbyggnad etapp 3,"),
                (
                    "p",
                    "att avsätta 2,4 miljoner kronor ur investeringsbudgeten 2018 för kommunens "
                    "andel av projektet.",
                ),
            ],
        ),
        Item(
            12,
            "Budgetuppföljning januari 2018",
            "Dnr KS 2018/21",
            [
                ("h", "Ärendebeskrivning"),
                (
                    "p",
                    "Ekonomichef Jonas Dahlberg redovisar utfallet för januari. Verksamheterna "
                    "följer i stort budget. Kostnaderna för snöröjning är 0,3 miljoner kronor "
                    "högre än budgeterat för perioden.",
                ),
                ("h", "Beslut"),
                ("p", "Arbetsutskottet noterar informationen."),
            ],
        ),
        Item(
            13,
            "Yttrande över regional transportplan 2018–2029",
            "Dnr KS 2017/201",
            [
                ("h", "Ärendebeskrivning"),
                (
                    "p",
                    "Region Västerbotten har skickat förslaget till länsplan för regional "
                    "transportinfrastruktur 2018–2029 på remiss. Förvaltningen har tagit fram "
                    "ett förslag till yttrande som betonar behovet av bärighetsåtgärder på det "
                    "mindre vägnätet och förbättrad kollektivtrafik till Umeå.",
                ),
                ("h", "Förslag till beslut"),
                ("p", "Arbetsutskottet föreslår kommunstyrelsen att anta yttrandet som sitt eget."),
                ("h", "Beslut"),
                (
                    "p",
                    "Arbetsutskottet föreslår kommunstyrelsen att anta förvaltningens förslag "
                    "till yttrande som sitt eget, med tillägget att behovet av "
                    "trafiksäkerhetsåtgärder vid skolan i centralorten särskilt ska framhållas.",
                ),
            ],
        ),
        Item(
            14,
            "Informationsärenden",
            None,
            [
                (
                    "p",
                    "Kommunchef Eva Kjellberg informerar om rekryteringen av ny socialchef och "
                    "om arbetet med den nya översiktsplanen.",
                ),
                ("h", "Beslut"),
                ("p", "Informationen noteras."),
            ],
        ),
    ],
)


KS_NORDMALING = Formal(
    file="kommunstyrelsen_nordmaling_2016-11-07.odt",
    organization_caps="NORDMALINGS KOMMUN",
    body="Kommunstyrelsen",
    date="2016-11-07",
    heading_rows=[
        ("Plats och tid", ["Kommunhuset, KS-salen, kl. 09.00–15.30", "Ajournering 12.00–13.00"]),
        (
            "Beslutande",
            [
                "*Ledamöter*",
                "Gunnar Bergström (S), ordförande",
                "Elin Sandström (C), vice ordförande",
                "Roger Lundgren (S)",
                "Anna-Karin Westerlund (S)",
                "Tommy Lindström (M)",
                "Malin Öberg (V), deltar på distans",
                "*Tjänstgörande ersättare*",
                "Stefan Nordin (S)",
                "Ulla Hedman (L)",
            ],
        ),
        (
            "Övriga närvarande",
            [
                "Henrik Eriksson, kommunchef",
                "Fredrik Lund, ekonomichef, §§ 101–102",
                "Camilla Björk, sekreterare",
            ],
        ),
        ("Utses att justera", ["Tommy Lindström och Anna-Karin Westerlund"]),
        ("Justeringens plats och tid", ["Kommunhuset, 2016-11-11"]),
    ],
    signatures=[
        ("Sekreterare", "Camilla Björk"),
        ("Ordförande", "Gunnar Bergström"),
        ("Justerande", "Tommy Lindström          Anna-Karin Westerlund"),
    ],
    paragraphs="100–106",
    announcement=[
        ("Organ", "Kommunstyrelsen"),
        ("Sammanträdesdatum", "2016-11-07"),
        ("Datum för anslags uppsättande", "2016-11-14"),
        ("Datum för anslags nedtagande", "2016-12-06"),
        ("Förvaringsplats för protokollet", "Kommunhuset, Nordmaling"),
    ],
    items=[
        Item(
            100,
            "Fastställande av dagordning",
            None,
            [
                ("h", "Kommunstyrelsens beslut"),
                (
                    "p",
                    "Dagordningen fastställs med tillägget att information om flyktingmottagning "
                    "behandlas som § 106.",
                ),
            ],
        ),
        Item(
            101,
            "Budget 2017 och ekonomisk plan 2018–2019",
            "Dnr KS 2016/312",
            [
                ("h", "Ärendebeskrivning"),
                (
                    "p",
                    "Förslaget till budget 2017 bygger på Sveriges Kommuner och Landstings "
                    "skatteunderlagsprognos från oktober 2016 och en befolkning på 7 100 "
                    "invånare den 1 november 2016. Budgeten ger ett resultat på 4,1 miljoner "
                    "kronor, motsvarande 0,9 procent av skatteintäkter och generella statsbidrag. "
                    "Ekonomichef Fredrik Lund redogör för förslaget.",
                ),
                (
                    "p",
                    "Investeringsbudgeten för 2017 omfattar 18,5 miljoner kronor, varav "
                    "6 miljoner kronor avser om- och tillbyggnad av förskolan i centralorten.",
                ),
                ("h", "Beslutsunderlag"),
                ("b", "Förslag till budget 2017 och ekonomisk plan 2018–2019"),
                ("b", "Kommunstyrelsens arbetsutskott 2016-10-24, § 88"),
                ("h", "Arbetsutskottets förslag"),
                (
                    "p",
                    "Kommunstyrelsen föreslår kommunfullmäktige besluta att fastställa budget 2017 "
                    "och ekonomisk plan 2018–2019 enligt förslaget samt att skattesatsen för 2017 "
                    "ska vara oförändrad, 22,15 kronor per skattekrona.",
                ),
                ("h", "Yrkanden"),
                (
                    "p",
                    "Tommy Lindström (M) yrkar att kommunfullmäktige ska fastställa Moderaternas "
                    "förslag till budget 2017.",
                ),
                (
                    "p",
                    "Gunnar Bergström (S) och Elin Sandström (C) yrkar bifall till "
                    "arbetsutskottets förslag med tillägget att kommunstyrelsen under 2017 får "
                    "nyupplåna upp till 15 miljoner kronor.",
                ),
                ("h", "Beslutsgång"),
                (
                    "p",
                    "Ordföranden ställer proposition på arbetsutskottets förslag med Gunnar "
                    "Bergströms tillägg mot Tommy Lindströms yrkande och finner att "
                    "kommunstyrelsen beslutar enligt arbetsutskottets förslag med tillägget.",
                ),
                ("h", "Kommunstyrelsens beslut"),
                ("p", "Kommunstyrelsen föreslår kommunfullmäktige besluta"),
                ("p", "att fastställa budget 2017 och ekonomisk plan 2018–2019 enligt förslaget,"),
                (
                    "p",
                    "att skattesatsen för 2017 ska vara oförändrad, 22,15 kronor per skattekrona,",
                ),
                ("p", "att kommunstyrelsen under 2017 får nyupplåna upp till 15 miljoner kronor."),
                ("h", "Reservation"),
                (
                    "p",
                    "Tommy Lindström (M) reserverar sig mot beslutet till förmån för eget yrkande.",
                ),
            ],
        ),
        Item(
            102,
            "Delårsrapport januari–augusti 2016",
            "Dnr KS 2016/280",
            [
                ("h", "Ärendebeskrivning"),
                (
                    "p",
                    "Delårsrapporten visar ett resultat på 11,3 miljoner kronor för perioden. "
                    "Prognosen för helåret är ett överskott på 2,6 miljoner kronor. Barn- och "
                    "utbildningsnämnden prognostiserar ett underskott på 1,9 miljoner kronor, "
                    "främst till följd av ett större antal elever i grundskolan än beräknat.",
                ),
                ("h", "Arbetsutskottets förslag"),
                ("p", "Kommunstyrelsen föreslår kommunfullmäktige att godkänna delårsrapporten."),
                ("h", "Kommunstyrelsens beslut"),
                (
                    "p",
                    "Kommunstyrelsen föreslår kommunfullmäktige att godkänna delårsrapporten för "
                    "januari–augusti 2016.",
                ),
            ],
        ),
        Item(
            103,
            "Riktlinjer för representation och gåvor",
            "Dnr KS 2016/251",
            [
                ("h", "Ärendebeskrivning"),
                (
                    "p",
                    "Kommunens riktlinjer för representation är från 2009. Förvaltningen har "
                    "tagit fram nya riktlinjer som även omfattar gåvor till anställda och "
                    "förtroendevalda samt regler för alkohol vid representation.",
                ),
                ("h", "Förslag till beslut"),
                ("p", "Kommunstyrelsen antar riktlinjer för representation och gåvor."),
                ("h", "Kommunstyrelsens beslut"),
                (
                    "p",
                    "Kommunstyrelsen antar riktlinjer för representation och gåvor att gälla från "
                    "och med 2017-01-01.",
                ),
            ],
        ),
        Item(
            104,
            "Motion om solceller på kommunens fastigheter",
            "Dnr KS 2016/145",
            [
                ("h", "Ärendebeskrivning"),
                (
                    "p",
                    "Malin Öberg (V) har i en motion föreslagit att kommunen ska installera "
                    "solceller på taken till samtliga kommunala skolor och förskolor. "
                    "Fastighetsavdelningen genomför under 2016–2017 en utredning om "
                    "energieffektivisering av kommunens fastigheter där solceller ingår som ett "
                    "av flera alternativ.",
                ),
                ("h", "Arbetsutskottets förslag"),
                ("p", "Kommunstyrelsen föreslår kommunfullmäktige att bifalla motionen."),
                ("h", "Yrkanden"),
                (
                    "p",
                    "Elin Sandström (C) yrkar att motionen ska anses besvarad med hänvisning till "
                    "den pågående utredningen.",
                ),
                ("h", "Beslutsgång"),
                (
                    "p",
                    "Ordföranden ställer proposition på arbetsutskottets förslag mot Elin "
                    "Sandströms yrkande och finner att kommunstyrelsen beslutar enligt Elin "
                    "Sandströms yrkande.",
                ),
                ("h", "Kommunstyrelsens beslut"),
                (
                    "p",
                    "Kommunstyrelsen föreslår kommunfullmäktige att anse motionen besvarad med "
                    "hänvisning till den pågående utredningen om energieffektivisering av "
                    "kommunens fastigheter.",
                ),
            ],
        ),
        Item(
            105,
            "Redovisning av delegationsbeslut",
            "Dnr KS 2016/5",
            [
                ("p", "Delegationsbeslut fattade under oktober 2016 redovisas enligt förteckning."),
                ("h", "Kommunstyrelsens beslut"),
                ("p", "Redovisningen läggs till handlingarna."),
            ],
        ),
        Item(
            106,
            "Information om flyktingmottagning",
            None,
            [
                (
                    "p",
                    "Kommunchef Henrik Eriksson informerar om läget i flyktingmottagningen. "
                    "Kommunen har under 2016 tagit emot 64 nyanlända enligt bosättningslagen. "
                    "Anvisningen för 2017 är 48 personer.",
                ),
                ("h", "Kommunstyrelsens beslut"),
                ("p", "Kommunstyrelsen tar del av informationen."),
            ],
        ),
    ],
)


# -- association board minutes (.doc) -----------------------------------------------------------


@dataclass
class Point:
    number: int
    title: str
    lines: list[str]  # "Beslut: ..." lines are written as they stand


BYAFORENING = {
    "file": "lillans_byaforening_styrelse_2018-09-04.doc",
    "title": "PROTOKOLL",
    "subtitle": "Styrelsemöte i Lillåns byaförening",
    "meta": [
        ("Datum", "2018-09-04, kl. 19.00–21.10"),
        ("Plats", "Bygdegården, Lillån"),
        (
            "Närvarande",
            "Karin Hedlund (ordförande), Olof Sjöström (vice ordförande), "
            "Margareta Näslund (kassör), Jan Eriksson, Lena Forslund (sekreterare)",
        ),
        ("Frånvarande", "Björn Vikström, Ingela Nordqvist"),
    ],
    "points": [
        Point(
            1,
            "Mötets öppnande",
            [
                "Ordföranden Karin Hedlund hälsade alla välkomna och förklarade mötet öppnat.",
            ],
        ),
        Point(
            2,
            "Val av justerare",
            [
                "Beslut: Olof Sjöström valdes att jämte ordföranden justera dagens protokoll.",
            ],
        ),
        Point(
            3,
            "Godkännande av dagordning",
            [
                "Beslut: Dagordningen godkändes med tillägg av punkten Julmarknad under övriga "
                "frågor.",
            ],
        ),
        Point(
            4,
            "Föregående protokoll",
            [
                "Protokollet från styrelsemötet 2018-06-12 lästes upp och lades till handlingarna.",
            ],
        ),
        Point(
            5,
            "Ekonomisk rapport",
            [
                "Kassören Margareta redovisade föreningens ekonomi. Saldot på bankkontot var "
                "48 312 kr den 31 augusti. Sommarens loppis gav ett överskott på 6 450 kr.",
                "Beslut: Den ekonomiska rapporten godkändes och lades till handlingarna.",
            ],
        ),
        Point(
            6,
            "Renovering av bygdegårdens kök",
            [
                "Två offerter har kommit in. Lillåns Bygg & Snickeri AB har offererat 86 500 kr "
                "inklusive moms och Norrlandskök AB 97 200 kr inklusive moms. Föreningen har sökt "
                "bygdegårdsbidrag från Vindelns kommun med 40 000 kr och väntar på besked i "
                "oktober.",
                "Beslut:",
                "att anta offerten från Lillåns Bygg & Snickeri AB under förutsättning att "
                "bidraget från kommunen beviljas,",
                "att ge Jan Eriksson i uppdrag att teckna avtal med entreprenören.",
            ],
        ),
        Point(
            7,
            "Medlemsvärvning",
            [
                "Föreningen har 63 betalande hushåll, sju färre än förra året. Lena föreslog ett "
                "medlemsbrev till alla hushåll i byn med information om vad föreningen gör och "
                "hur man blir medlem.",
                "Beslut: Styrelsen beslutar att skicka ett medlemsbrev till alla hushåll i byn "
                "före oktober månads utgång.",
            ],
        ),
        Point(
            8,
            "Övriga frågor",
            [
                "Julmarknad: Julmarknaden hålls lördagen den 1 december. Ingela Nordqvist har "
                "erbjudit sig att samordna caféet.",
            ],
        ),
        Point(
            9,
            "Nästa möte",
            [
                "Nästa styrelsemöte hålls tisdagen den 16 oktober kl. 19.00 i bygdegården.",
            ],
        ),
        Point(
            10,
            "Mötets avslutande",
            [
                "Ordföranden tackade för visat intresse och avslutade mötet.",
            ],
        ),
    ],
    "signatures": [
        ("Vid protokollet", "Lena Forslund, sekreterare"),
        ("Justeras", "Karin Hedlund, ordförande"),
        ("Justeras", "Olof Sjöström"),
    ],
}


# -- informal minnesanteckningar (rtf, html, rym.md) -------------------------------------------


@dataclass
class Action:
    task: str
    due: str  # as written, "" if none
    responsible: str  # as written, "" if none


@dataclass
class Note:
    number: str
    title: str
    paras: list[str] = field(default_factory=list)  # "- x" = bullet line
    attachments: list[str] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    action_form: str = "table"  # rym.md: "table" (tab separated) or "headings" (broken form)
    decision: list[str] = field(default_factory=list)


SKOLCHEFSGRUPPEN = {
    "file": "skolchefsgruppen_2017-01-25.rtf",
    "title": "Minnesanteckningar Skolchefsgruppen, Umeåregionen",
    "meta": [
        ("Datum", "2017-01-25"),
        ("Tid", "09.00–12.00"),
        ("Plats", "Kommunhuset i Vännäs, sammanträdesrum Vännfors"),
    ],
    "present": [
        "Ulrika Persson, Umeå kommun, ordförande",
        "Mats Lindholm, Vännäs kommun",
        "Eva Marklund, Vindelns kommun",
        "Peter Grahn, Robertsfors kommun",
        "Therese Nilsson, Bjurholms kommun (deltar på distans)",
        "Anneli Öst, sekreterare",
    ],
    "absent": ["Jörgen Sundqvist, Nordmalings kommun"],
    "notes": [
        Note(
            "1",
            "Mötets öppnande och dagordning",
            [
                "Ordföranden Ulrika Persson öppnade mötet. Dagordningen godkändes.",
            ],
        ),
        Note(
            "2",
            "Föregående minnesanteckningar",
            [
                "Minnesanteckningarna från mötet 2016-11-30 gicks igenom. Inga synpunkter.",
            ],
        ),
        Note(
            "3",
            "Gemensam studiedag för lärare i augusti",
            [
                "Planeringsgruppen föreslår att kommunerna genomför en gemensam studiedag för "
                "lärare den 15 augusti 2017 på temat digitalisering i undervisningen. Kostnaden "
                "för föreläsare och lokal beräknas till 180 000 kr och fördelas efter antalet "
                "lärartjänster i respektive kommun.",
                "Gruppen diskuterade om studiedagen också ska vara öppen för fritidspedagoger. "
                "Det får avgöras av respektive kommun.",
            ],
            actions=[
                Action(
                    "Boka lokal för studiedagen (Aula Nordica alternativt Folkets hus)",
                    "15 februari",
                    "Ulrika Persson",
                ),
                Action(
                    "Ta fram fördelningsnyckel för kostnaderna utifrån antal lärartjänster",
                    "2017-02-28",
                    "Anneli Öst",
                ),
                Action(
                    "Informera rektorerna i respektive kommun om datumet",
                    "2017-02-10",
                    "Respektive skolchef",
                ),
            ],
            decision=[
                "Skolchefsgruppen beslutar att genomföra en gemensam studiedag för lärare den "
                "15 augusti 2017 med temat digitalisering i undervisningen. Kostnaden fördelas "
                "mellan kommunerna efter antal lärartjänster.",
            ],
        ),
        Note(
            "4",
            "Mottagande av nyanlända elever",
            [
                "Therese Nilsson redovisade Bjurholms erfarenheter av Skolverkets "
                "kartläggningsmaterial för nyanlända elever. Flera kommuner saknar rutiner för "
                "hur kartläggningen dokumenteras och följs upp.",
                "Gruppen är överens om att gemensamma rutiner skulle underlätta när elever flyttar "
                "mellan kommunerna.",
            ],
            actions=[
                Action(
                    "Sammanställ kommunernas rutiner för kartläggning av nyanlända elevers "
                    "kunskaper",
                    "31 mars",
                    "Mats Lindholm",
                ),
                Action(
                    "Undersök möjligheten till gemensam studiehandledning på modersmål via "
                    "fjärrundervisning",
                    "Löpande",
                    "Therese Nilsson",
                ),
            ],
            decision=[
                "Skolchefsgruppen beslutar att ta fram gemensamma rutiner för kartläggning av "
                "nyanlända elever. Mats Lindholm samordnar arbetet.",
            ],
        ),
        Note(
            "5",
            "Gymnasieantagningen 2017",
            [
                "Eva Marklund informerade om tidplanen för gymnasieantagningen. Preliminär "
                "antagning publiceras i april och slutlig antagning i juli.",
            ],
            actions=[
                Action(
                    "Skicka preliminär antagningsstatistik per kommun till gruppen",
                    "12 april",
                    "Eva Marklund",
                ),
            ],
        ),
        Note(
            "6",
            "Övriga frågor",
            [
                "Peter Grahn tog upp frågan om en gemensam upphandling av lärplattform. Frågan "
                "tas upp på nästa möte.",
            ],
            actions=[
                Action(
                    "Sätt upp gemensam upphandling av lärplattform på dagordningen till nästa möte",
                    "",
                    "Anneli Öst",
                ),
            ],
        ),
        Note(
            "7",
            "Nästa möte",
            [
                "22 mars 2017 kl. 09.00–12.00 i Umeå.",
            ],
        ),
    ],
}


NARINGSLIVSGRUPPEN = {
    "file": "naringslivsgruppen_2017-11-29.rym.html",
    "title": "Näringslivsgruppen, Umeåregionen",
    "date": "2017-11-29",
    "time": "13:00-16:00",
    "location": "Kommunhuset, Robertsfors",
    "present": [
        "Karl-Johan Berglund, Robertsfors kommun, ordförande",
        "Susanne Holmqvist, Umeå kommun",
        "Niklas Åström, Nordmalings kommun",
        "Daniel Lundberg, Umeåregionen, sekreterare",
    ],
    "remote": ["Linnéa Grönlund, Vännäs kommun"],
    "absent": ["Jenny Forsgren, Bjurholms kommun"],
    "participants": "Daniel Lundberg (Organisatör), Karl-Johan Berglund, Susanne Holmqvist, "
    "Niklas Åström, Linnéa Grönlund, Jenny Forsgren",
    "notes": [
        Note(
            "1",
            "Mötets öppnande",
            [
                "Ordföranden Karl-Johan Berglund hälsade välkommen och öppnade mötet. Linnéa "
                "Grönlund deltog på distans.",
            ],
        ),
        Note(
            "2",
            "Föregående minnesanteckningar",
            [
                "Minnesanteckningarna från mötet 2017-10-04 gicks igenom.",
            ],
            attachments=["NG 171004 minnesanteckningar.pdf"],
            decision=[
                "Minnesanteckningarna från 2017-10-04 godkändes och lades till handlingarna.",
            ],
        ),
        Note(
            "3",
            "Svenskt Näringslivs företagsklimatranking 2017",
            [
                "Gruppen diskuterade resultaten i årets ranking. Tre av kommunerna har förbättrat "
                "sin placering medan två har tappat. Attityder hos tjänstepersoner och "
                "handläggningstider för bygglov lyfts av företagen som de viktigaste "
                "förbättringsområdena.",
            ],
            actions=[
                Action(
                    "Sammanställ respektive kommuns placering och förändring jämfört med 2016",
                    "8 december",
                    "Daniel Lundberg",
                ),
                Action(
                    "Bjud in Svenskt Näringslivs regionchef till ett kommande möte",
                    "15 januari",
                    "Karl-Johan Berglund",
                ),
            ],
        ),
        Note(
            "4",
            "Gemensam etableringsservice",
            [
                "Susanne Holmqvist presenterade ett förslag om en gemensam ingång för företag som "
                "vill etablera sig i regionen. Företag upplever i dag att de måste kontakta varje "
                "kommun för sig.",
            ],
            actions=[
                Action(
                    "Ta fram utkast till uppdragsbeskrivning för gemensam etableringsservice",
                    "2018-02-09",
                    "Susanne Holmqvist",
                ),
                Action(
                    "Inventera ledig industrimark och lediga lokaler i kommunerna", "2018-02-09", ""
                ),
            ],
            decision=[
                "Näringslivsgruppen beslutar att ta fram ett förslag till gemensam "
                "etableringsservice för Umeåregionen.",
                "Förslaget redovisas för kommunchefsgruppen i mars 2018.",
            ],
        ),
        Note(
            "5",
            "Regional matchningsdag i mars",
            [
                "Arbetsförmedlingen och Umeå kommun planerar en matchningsdag för arbetsgivare och "
                "arbetssökande den 14 mars 2018. Övriga kommuner erbjuds att medverka med egna "
                "montrar.",
            ],
            actions=[
                Action(
                    "Anmäl kommunernas intresse för utställarplatser till Arbetsförmedlingen",
                    "15 januari",
                    "Niklas Åström",
                ),
            ],
            decision=[
                "Näringslivsgruppen ställer sig bakom en gemensam medverkan i matchningsdagen "
                "den 14 mars 2018.",
            ],
        ),
        Note(
            "6",
            "Övriga frågor",
            [
                "Niklas Åström informerade om att Nordmalings kommun anställer en ny "
                "näringslivsutvecklare från februari.",
            ],
        ),
        Note(
            "7",
            "Nästa möte",
            [
                "31 januari 2018 kl. 13.00, Umeå.",
            ],
        ),
    ],
}


PERSONALCHEFSMOTE = {
    "file": "personalchefsmote_2016-09-14.rym.md",
    "title": "Personalchefsmöte, Umeåregionen",
    "date": "2016-09-14",
    "time": "09:00-12:00",
    "location": "Stadshuset Umeå, rum Skeppet",
    "remote": ["Birgitta Holmberg, Örnsköldsviks kommun"],
    "present": [
        "Anna Wallin, Umeå kommun, ordförande",
        "Göran Lidström, Robertsfors kommun, vice ordförande",
        "Thomas Bäckström, Vännäs kommun",
        "Ewa Sjögren, Nordmalings kommun",
        "Lars Engström, Vindelns kommun",
        "Carina Strömberg, sekreterare",
    ],
    "absent": ["Mikael Höglund, Bjurholms kommun"],
    "participants": "Carina Strömberg (Organisatör), Anna Wallin, Goran Lidstrom, "
    "Thomas Backstrom, Ewa Sjogren, Lars Engström, Birgitta Holmberg, "
    "Mikael Hoglund",
    "notes": [
        Note(
            "1",
            "Mötets öppnande",
            [
                "Ordföranden Anna Wallin öppnade mötet. Birgitta Holmberg deltog via Skype.",
            ],
        ),
        Note(
            "2",
            "Föregående minnesanteckningar",
            [
                "Minnesanteckningarna från mötet 2016-06-15 gicks igenom och godkändes.",
            ],
            attachments=["PC 160615 minnesanteckningar.pdf"],
            decision=[
                "Personalchefsgruppen beslutar att godkänna minnesanteckningarna från 2016-06-15.",
            ],
        ),
        Note(
            "3",
            "Gemensamt HR-system – status i upphandlingen",
            [
                "Upphandlingen av ett gemensamt HR- och lönesystem har försenats eftersom "
                "kravspecifikationen behövt kompletteras. Anbudstiden går ut den 31 oktober och "
                "tilldelning planeras till december.",
                "Gruppen diskuterade hur kommunernas referenspersoner ska delta i utvärderingen av "
                "anbuden. Varje kommun ska utse en referensperson.",
            ],
            attachments=["Upphandling HR-system tidplan.pdf"],
            actions=[
                Action(
                    "Utse referenspersoner från respektive kommun till utvärderingsgruppen",
                    "30 september",
                    "",
                ),
                Action(
                    "Sammanställ kommunernas krav på integration mot ekonomisystemen",
                    "2016-10-14",
                    "Thomas Bäckström",
                ),
                Action(
                    "Informera kommunchefsgruppen om den reviderade tidplanen", "2016-09-28", "Anna"
                ),
            ],
            decision=[
                "Personalchefsgruppen ställer sig bakom den reviderade tidplanen för upphandlingen "
                "av gemensamt HR-system.",
                "Respektive kommun utser en referensperson till utvärderingsgruppen senast den "
                "30 september.",
            ],
        ),
        Note(
            "4",
            "Lönekartläggning 2016",
            [
                "Carina Strömberg har tagit fram en gemensam mall för lönekartläggningen så att "
                "resultaten kan jämföras mellan kommunerna. Mallen följer "
                "Diskrimineringsombudsmannens vägledning.",
            ],
            action_form="headings",
            actions=[
                Action(
                    "Skicka ut mall för lönekartläggning till samtliga kommuner",
                    "2016-09-21",
                    "Carina Strömberg",
                ),
                Action(
                    "Sammanställ kommunernas resultat av lönekartläggningen",
                    "15 november",
                    "Ewa Sjögren",
                ),
            ],
        ),
        Note(
            "5",
            "Gemensam chefsutbildning 2017",
            [
                "Flera kommuner har ett stort antal nya chefer. Gruppen diskuterade en gemensam "
                "introduktionsutbildning för nya chefer med fyra utbildningsdagar under våren.",
            ],
            actions=[
                Action(
                    "Ta fram förslag till upplägg och budget för chefsutbildningen",
                    "2016-11-30",
                    "Göran Lidström",
                ),
                Action(
                    "Kontakta Umeå universitet om möjlig samverkan kring utbildningen",
                    "",
                    "Lars Engström",
                ),
            ],
            decision=[
                "Personalchefsgruppen beslutar att ta fram ett förslag till gemensam utbildning "
                "för nya chefer i Umeåregionens kommuner med start våren 2017. Förslaget "
                "presenteras för kommunchefsgruppen i december.",
            ],
        ),
        Note(
            "6",
            "Rehabilitering – gemensamma rutiner",
            [
                "Thomas Bäckström informerade om Vännäs arbete med tidiga insatser vid "
                "korttidsfrånvaro. Gruppen återkommer till frågan under våren.",
            ],
        ),
        Note("7", "Övriga frågor"),
        Note(
            "7.1",
            "Semesterväxling",
            [
                "Lars Engström tog upp frågan om semesterväxling för chefer. Kommunerna tillämpar "
                "olika regler.",
            ],
            actions=[
                Action(
                    "Undersök hur semesterväxling tillämpas i respektive kommun",
                    "19 oktober",
                    "Birgitta Holmberg",
                ),
            ],
        ),
        Note("8", "Nästa möte", ["Personalchefsmöte:  \n19 oktober"]),
        Note("9", "Mötets avslutande", ["Mötet avslutades."]),
    ],
}


FOLKHALSORADET = {
    "file": "folkhalsoradet_vannas_2018-04-17.docx",
    "header": "Vännäs kommun – Folkhälsorådet",
    "title": "Folkhälsorådet",
    "subtitle": "Minnesanteckningar från möte 2018-04-17",
    "meta": [
        ("Tid", "13.15–16.00"),
        ("Plats", "Kommunhuset, Vännäs, rum Älvsalen"),
    ],
    "attendance_columns": ("Namn", "Funktion", "Organisation", "Närvaro"),
    "attendance": [
        ("Sofia Hägglund (S)", "Ordförande", "Vännäs kommun", "Närvarande"),
        ("Jan Olofsson (M)", "Vice ordförande", "Vännäs kommun", "Närvarande"),
        ("Maria Lundqvist", "Folkhälsostrateg, sekreterare", "Vännäs kommun", "Närvarande"),
        ("Anders Westman", "Rektor", "Vännäs kommun", "Närvarande"),
        ("Helena Sjödin", "Verksamhetschef", "Region Västerbotten", "Närvarande"),
        ("Annika Ström", "Folkhälsoplanerare", "Region Västerbotten", "På distans"),
        ("Peter Åkesson", "Kommunpolis", "Polisen", "Frånvarande"),
        ("Kristina Lind", "Fritidschef", "Vännäs kommun", "Anmält förhinder"),
    ],
    # number, title, paragraphs ("- x" bullet), decision paragraphs
    "items": [
        (
            "1",
            "Mötets öppnande",
            [
                "Ordföranden Sofia Hägglund hälsade välkommen och öppnade mötet.",
            ],
            [],
        ),
        (
            "2",
            "Föregående minnesanteckningar",
            [
                "Minnesanteckningarna från mötet 2018-02-13 godkändes.",
            ],
            [],
        ),
        (
            "3",
            "Folkhälsobokslut 2017",
            [
                "Maria Lundqvist presenterade folkhälsobokslutet för 2017. Andelen elever i "
                "årskurs 9 som uppger att de mår bra har ökat, medan andelen vuxna med "
                "stillasittande fritid fortsatt är hög. Bokslutet ska behandlas av "
                "kommunstyrelsen i juni.",
            ],
            [
                "Folkhälsorådet godkänner folkhälsobokslutet för 2017 och överlämnar det till "
                "kommunstyrelsen.",
            ],
        ),
        (
            "4",
            "ANDT-strategi 2018–2020",
            [
                "Förslaget till strategi för alkohol, narkotika, dopning och tobak har varit ute "
                "på remiss hos skolan, socialtjänsten och föreningslivet. Rådet lämnade "
                "synpunkter på målen för tobaksfria skolgårdar och på uppföljningen.",
            ],
            [
                "Folkhälsorådet ställer sig bakom förslaget till ANDT-strategi 2018–2020 med de "
                "ändringar som framkom vid mötet.",
                "Strategin skickas till kommunstyrelsen för antagande.",
            ],
        ),
        (
            "5",
            "Trygghetsvandring i Vännäsby",
            [
                "Kommunpolisen hade anmält förhinder. Maria Lundqvist informerade om att polisen "
                "och bostadsbolaget vill genomföra en trygghetsvandring i Vännäsby i vår, med "
                "fokus på belysning och gångvägar kring skolan och järnvägsstationen.",
            ],
            [
                "En trygghetsvandring genomförs i Vännäsby under maj månad.",
            ],
        ),
        (
            "6",
            "Rapporter från verksamheterna",
            [
                "- Elevhälsan: hälsosamtalen i årskurs 4, 7 och gymnasiets första år pågår.",
                "- Region Västerbotten: hälsocentralen startar en grupp för fysisk aktivitet på "
                "recept i september.",
                "- Fritid: sommarlovsaktiviteterna planeras tillsammans med föreningarna.",
            ],
            [],
        ),
        (
            "7",
            "Övriga frågor och nästa möte",
            [
                "Inga övriga frågor. Nästa möte hålls 2018-09-18 kl. 13.15.",
            ],
            [],
        ),
    ],
    "action_columns": ("Punkt", "Åtgärd", "Ansvarig", "Klart senast"),
    "actions": [
        ("3", "Skicka folkhälsobokslutet till kommunstyrelsen", "Maria", "2018-05-02"),
        ("4", "Arbeta in rådets synpunkter i ANDT-strategin", "Maria Lundqvist", "15 maj"),
        (
            "5",
            "Bjuda in föreningar och bostadsbolaget till trygghetsvandringen",
            "Kristina Lind",
            "2018-05-04",
        ),
        ("5", "Boka datum för trygghetsvandringen med polisen", "Jan Olofsson", "27 april"),
        ("6", "Sammanställa resultat från elevhälsans hälsosamtal", "Anders Westman", "Löpande"),
    ],
}


# ==============================================================================================
# python-docx helpers
# ==============================================================================================


def new_document(author: str, created: datetime, font: str = "Arial", size: int = 11):
    document = docx.Document()
    props = document.core_properties
    props.author = author
    props.last_modified_by = author
    props.created = created
    props.modified = created
    props.last_printed = created
    props.revision = 1
    props.comments = ""
    props.title = ""
    normal = document.styles["Normal"]
    normal.font.name = font
    normal.font.size = Pt(size)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), font)
    normal.paragraph_format.space_after = Pt(4)
    for name, pt in (("Title", 20), ("Heading 1", 13), ("Heading 2", 12), ("Heading 3", 11)):
        style = document.styles[name]
        style.font.name = font
        style.font.size = Pt(pt)
        style.font.bold = True
        style.font.italic = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        rfonts = style.element.rPr.rFonts
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            rfonts.set(qn(attr), font)
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            if rfonts.get(qn(attr)) is not None:
                del rfonts.attrib[qn(attr)]
    title = document.styles["Title"]
    ppr = title.element.pPr
    if ppr is not None:  # no blue rule under the title
        for border in ppr.findall(qn("w:pBdr")):
            ppr.remove(border)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin, section.right_margin = Mm(25), Mm(20)
    section.top_margin, section.bottom_margin = Mm(30), Mm(25)
    section.header_distance, section.footer_distance = Mm(10), Mm(8)
    return document


def add_field(paragraph, instr: str, placeholder: str = "1"):
    """A Word field (PAGE, NUMPAGES) as begin / instrText / separate / result / end runs."""

    def fld(kind):
        run = paragraph.add_run()
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        run._r.append(el)

    fld("begin")
    run = paragraph.add_run()
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instr} "
    run._r.append(text)
    fld("separate")
    paragraph.add_run(placeholder)
    fld("end")


def set_cell_borders(cell, sides=("top", "left", "bottom", "right"), size=6):
    tc_pr = cell._tc.get_or_add_tcPr()
    borders = OxmlElement("w:tcBorders")
    for side in ("top", "left", "bottom", "right"):
        el = OxmlElement(f"w:{side}")
        if side in sides:
            el.set(qn("w:val"), "single")
            el.set(qn("w:sz"), str(size))
            el.set(qn("w:color"), "000000")
        else:
            el.set(qn("w:val"), "nil")
        borders.append(el)
    tc_pr.append(borders)


def no_table_borders(table):
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    # schema order: tblBorders comes before shd, tblLayout, tblCellMar and tblLook
    for tag in ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook"):
        later = tbl_pr.find(qn(tag))
        if later is not None:
            later.addprevious(borders)
            break
    else:
        tbl_pr.append(borders)


def set_widths(table, widths_mm):
    """Column widths that both Word (tcW) and LibreOffice (tblGrid, tblW) honour."""
    table.autofit = False
    tbl = table._tbl
    for col, width in zip(tbl.tblGrid.findall(qn("w:gridCol")), widths_mm, strict=True):
        col.set(qn("w:w"), str(int(Mm(width).twips)))
    tbl_pr = tbl.tblPr
    tbl_w = tbl_pr.find(qn("w:tblW"))
    if tbl_w is None:
        tbl_w = OxmlElement("w:tblW")
        tbl_pr.append(tbl_w)
    tbl_w.set(qn("w:type"), "dxa")
    tbl_w.set(qn("w:w"), str(int(Mm(sum(widths_mm)).twips)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)


def cell_text(cell, text: str, bold=False, italic=False, size=None, align=None):
    p = cell.paragraphs[0]
    run = p.add_run(text)
    run.bold = bold or None
    run.italic = italic or None
    if size:
        run.font.size = Pt(size)
    if align:
        p.alignment = align
    p.paragraph_format.space_after = Pt(0)
    return p


def cell_lines(cell, lines: list[str], size=None):
    """Lines in a cell; "*x*" is a bold line."""
    first = True
    for line in lines:
        bold = line.startswith("*") and line.endswith("*")
        text = line.strip("*") if bold else line
        p = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        run = p.add_run(text)
        run.bold = bold or None
        if size:
            run.font.size = Pt(size)
        p.paragraph_format.space_after = Pt(0)
        if bold and p is not cell.paragraphs[0]:
            p.paragraph_format.space_before = Pt(6)


def para(
    document,
    text="",
    bold=False,
    italic=False,
    style=None,
    size=None,
    space_after=None,
    space_before=None,
    align=None,
    keep_with_next=False,
):
    p = document.add_paragraph(style=style)
    if text:
        run = p.add_run(text)
        run.bold = bold or None
        run.italic = italic or None
        if size:
            run.font.size = Pt(size)
    if space_after is not None:
        p.paragraph_format.space_after = Pt(space_after)
    if space_before is not None:
        p.paragraph_format.space_before = Pt(space_before)
    if align is not None:
        p.alignment = align
    if keep_with_next:
        p.paragraph_format.keep_with_next = True
    return p


def save_docx(document, path: Path) -> None:
    """Save with fixed zip entry times so the bytes are the same on every run."""
    buffer = io.BytesIO()
    document.save(buffer)
    path.write_bytes(rezip(buffer.getvalue()))


def rezip(data: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            fixed.compress_type = info.compress_type
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


# ==============================================================================================
# Renderers
# ==============================================================================================


def formal_docx(doc: Formal, path: Path, created: datetime) -> None:
    """A sammanträdesprotokoll: page header with page numbers, signature footer, § items."""
    document = new_document(doc.organization_caps.capitalize(), created, font="Arial", size=10)
    section = document.sections[0]

    # Page header: organisation / SAMMANTRÄDESPROTOKOLL / Sida N (M); body / date.
    header = section.header
    header.paragraphs[0].text = ""
    table = header.add_table(rows=2, cols=3, width=Mm(165))
    no_table_borders(table)
    set_widths(table, (55, 75, 35))
    cell_text(table.cell(0, 0), doc.organization_caps, bold=True, size=10)
    cell_text(table.cell(0, 1), "SAMMANTRÄDESPROTOKOLL", bold=True, size=10)
    p = cell_text(table.cell(0, 2), "Sida ", size=10, align=WD_ALIGN_PARAGRAPH.RIGHT)
    add_field(p, "PAGE")
    p.add_run(" (")
    add_field(p, "NUMPAGES")
    p.add_run(")")
    cell_text(table.cell(1, 0), doc.body, size=10)
    cell_text(table.cell(1, 1), "Sammanträdesdatum", size=9)
    cell_text(table.cell(1, 2), doc.date, size=10, align=WD_ALIGN_PARAGRAPH.RIGHT)
    for cell in table.rows[1].cells:
        set_cell_borders(cell, sides=("bottom",), size=8)

    # Page footer: Justerandes sign | Utdragsbestyrkande boxes.
    footer = section.footer
    footer.paragraphs[0].text = ""
    table = footer.add_table(rows=1, cols=3, width=Mm(165))
    set_widths(table, (35, 35, 95))
    cell_text(table.cell(0, 0), "Justerandes sign", size=8)
    table.cell(0, 0).add_paragraph().add_run(" ")
    cell_text(table.cell(0, 1), "", size=8)
    cell_text(table.cell(0, 2), "Utdragsbestyrkande", size=8)
    set_cell_borders(table.cell(0, 0))
    set_cell_borders(table.cell(0, 1))
    set_cell_borders(table.cell(0, 2))

    # First page: label/value block.
    para(document, doc.body, bold=True, size=16, space_after=10)
    table = document.add_table(rows=0, cols=2)
    no_table_borders(table)
    for label, lines in doc.heading_rows:
        row = table.add_row()
        cell_text(row.cells[0], label, bold=True)
        cell_lines(row.cells[1], lines)
        row.cells[1].paragraphs[-1].paragraph_format.space_after = Pt(8)
    set_widths(table, (58, 107))

    para(document, "", space_after=6)
    table = document.add_table(rows=0, cols=3)
    no_table_borders(table)
    for i, (label, name) in enumerate(doc.signatures):
        row = table.add_row()
        cell_text(row.cells[0], "Underskrifter" if i == 0 else "", bold=True)
        cell_text(row.cells[1], label)
        p = cell_text(row.cells[2], "." * 30)
        if i == 0:
            p.add_run(f"      Paragrafer  {doc.paragraphs}").bold = True
        q = row.cells[2].add_paragraph(name)
        q.paragraph_format.space_after = Pt(10)
    set_widths(table, (35, 30, 100))

    if doc.announcement:
        para(document, "", space_after=4)
        para(document, "ANSLAG/BEVIS", bold=True, space_after=2)
        para(
            document,
            "Protokollet är justerat. Justeringen har tillkännagivits genom anslag.",
            size=10,
            space_after=4,
        )
        table = document.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for label, value in doc.announcement:
            row = table.add_row()
            cell_text(row.cells[0], label, size=10)
            cell_text(row.cells[1], value, size=10)
        row = table.add_row()
        cell_text(row.cells[0], "Underskrift", size=10)
        p = cell_text(row.cells[1], "." * 50, size=10)
        row.cells[1].add_paragraph(doc.signatures[0][1]).runs[0].font.size = Pt(10)
        set_widths(table, (60, 105))

    if doc.page_break_after_heading:
        document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    else:
        para(document, "", space_after=6)

    # Items.
    for item in doc.items:
        h = document.add_paragraph(f"§ {item.number} {item.title}", style="Heading 1")
        h.paragraph_format.space_before = Pt(12)
        h.paragraph_format.space_after = Pt(2)
        h.paragraph_format.keep_with_next = True
        if item.dnr:
            para(document, item.dnr, size=9, space_after=6, keep_with_next=True)
        for kind, text in item.blocks:
            if kind == "h":
                para(document, text, bold=True, space_before=6, space_after=2, keep_with_next=True)
            elif kind == "p":
                para(document, text, space_after=4)
            elif kind == "b":
                p = document.add_paragraph(text, style="List Bullet")
                p.paragraph_format.space_after = Pt(2)
    save_docx(document, path)


def association_docx(data: dict, path: Path, created: datetime) -> None:
    document = new_document("Lena Forslund", created, font="Times New Roman", size=12)
    para(document, data["title"], bold=True, size=16, space_after=2)
    para(document, data["subtitle"], bold=True, size=13, space_after=10)
    for label, value in data["meta"]:
        p = document.add_paragraph()
        p.add_run(f"{label}: ").bold = True
        p.add_run(value)
        p.paragraph_format.space_after = Pt(2)
    para(document, "", space_after=4)
    for point in data["points"]:
        para(
            document,
            f"{point.number}. {point.title}",
            bold=True,
            space_before=8,
            space_after=2,
            keep_with_next=True,
        )
        for line in point.lines:
            p = document.add_paragraph()
            p.paragraph_format.left_indent = Mm(8)
            p.paragraph_format.space_after = Pt(2)
            if line.startswith("Beslut:"):
                p.add_run("Beslut:").bold = True
                rest = line[len("Beslut:") :]
                if rest:
                    p.add_run(rest)
            else:
                p.add_run(line)
    para(document, "", space_after=18)
    table = document.add_table(rows=2, cols=3)
    no_table_borders(table)
    for i, (label, name) in enumerate(data["signatures"]):
        cell_text(table.cell(0, i), label, italic=True)
        table.cell(0, i).add_paragraph("")
        table.cell(0, i).add_paragraph("_" * 22)
        cell_text(table.cell(1, i), name)
    set_widths(table, (55, 55, 55))
    para(document, "")  # a document must not end in a table (the .doc export drops it)
    save_docx(document, path)


def action_table(document, actions: list[Action]) -> None:
    table = document.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    for cell, heading in zip(
        table.rows[0].cells, ("ÅTGÄRDER", "SLUTDATUM", "ANSVARIG"), strict=True
    ):
        cell_text(cell, heading, bold=True, size=9)
    for action in actions:
        row = table.add_row()
        cell_text(row.cells[0], action.task, italic=True, size=10)
        cell_text(row.cells[1], action.due, size=10)
        cell_text(row.cells[2], action.responsible, bold=True, size=10)
    set_widths(table, (97, 26, 42))
    para(document, "", space_after=2)


def minutes_docx(data: dict, path: Path, created: datetime) -> None:
    """Informal minnesanteckningar: headings, ÅTGÄRDER tables, BESLUT headings."""
    document = new_document("Anneli Öst", created, font="Calibri", size=11)
    document.add_paragraph(data["title"], style="Heading 1")
    for label, value in data["meta"]:
        p = document.add_paragraph()
        p.add_run(f"{label}: ").bold = True
        p.add_run(value)
        p.paragraph_format.space_after = Pt(0)
    para(document, "Närvarande:", bold=True, space_before=8, space_after=0)
    for line in data["present"]:
        para(document, line, space_after=0)
    para(document, "Frånvarande:", bold=True, space_before=8, space_after=0)
    for line in data["absent"]:
        para(document, line, space_after=0)
    for note in data["notes"]:
        h = document.add_paragraph(f"{note.number}. {note.title}", style="Heading 2")
        h.paragraph_format.space_before = Pt(14)
        for text in note.paras:
            para(document, text)
        if note.actions:
            action_table(document, note.actions)
        if note.decision:
            document.add_paragraph("BESLUT", style="Heading 3")
            for text in note.decision:
                para(document, text)
    save_docx(document, path)


def folkhalsoradet_docx(data: dict, path: Path, created: datetime) -> None:
    document = new_document("Maria Lundqvist", created, font="Calibri", size=11)
    section = document.sections[0]
    section.header.paragraphs[0].text = data["header"]
    section.header.paragraphs[0].runs[0].font.size = Pt(9)
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("Sida ").font.size = Pt(9)
    add_field(p, "PAGE")

    document.add_paragraph(data["title"], style="Title")
    para(document, data["subtitle"], size=13, space_after=8)
    for label, value in data["meta"]:
        p = document.add_paragraph()
        p.add_run(f"{label}: ").bold = True
        p.add_run(value)
        p.paragraph_format.space_after = Pt(0)

    document.add_paragraph("Närvaro", style="Heading 1")
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, heading in zip(table.rows[0].cells, data["attendance_columns"], strict=True):
        cell_text(cell, heading, bold=True, size=10)
    for values in data["attendance"]:
        row = table.add_row()
        for cell, value in zip(row.cells, values, strict=True):
            cell_text(cell, value, size=10)
    set_widths(table, (45, 50, 40, 30))

    document.add_paragraph("Anteckningar", style="Heading 1")
    for number, title, paras, decision in data["items"]:
        document.add_paragraph(f"{number}. {title}", style="Heading 2")
        for text in paras:
            if text.startswith("- "):
                document.add_paragraph(text[2:], style="List Bullet")
            else:
                para(document, text)
        if decision:
            document.add_paragraph("Beslut", style="Heading 3")
            for text in decision:
                para(document, text)

    document.add_paragraph("Åtgärdslista", style="Heading 1")
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, heading in zip(table.rows[0].cells, data["action_columns"], strict=True):
        cell_text(cell, heading, bold=True, size=10)
    for values in data["actions"]:
        row = table.add_row()
        for cell, value in zip(row.cells, values, strict=True):
            cell_text(cell, value, size=10)
    set_widths(table, (18, 82, 37, 28))
    para(document, "")
    save_docx(document, path)


# -- Run-your-meeting text export ---------------------------------------------------------------


def md_escape(text: str) -> str:
    return text.replace("_", "\\_")


def rym_md(data: dict) -> str:
    out: list[str] = ["", "", f"# {data['title']}", "", "*Beslutande:*", ""]
    out += ["*Närvarande på distans*", ""]
    out += [f"*- {line}*" for line in data["remote"]] + [""]
    out += [data["date"], "", data["time"], "", data["location"], ""]
    out += ["*Närvarande på plats:*", ""]
    for line in data["present"]:
        out += [f"*{line}*", ""]
    out += ["*Anmäld frånvaro:*", ""]
    for line in data["absent"]:
        out += [f"*{line}*", ""]
    out += ["*Deltagare*", "", data["participants"], "", "---", "", "## Protokoll", ""]
    for note in data["notes"]:
        heading = "###" if note.number != "6" else "##"  # the export mixes heading levels
        out += [f"{heading} {note.number}. {note.title}", ""]
        if note.attachments:
            out += [", ".join(md_escape(a) for a in note.attachments), ""]
        for text in note.paras:
            out += [text, ""]
        if note.actions:
            if note.action_form == "table":
                out.append("ÅTGÄRDER\tSLUTDATUM\tANSVARIG")
                for a in note.actions:
                    who = f"<b>{a.responsible}</b>" if a.responsible else ""
                    out.append(f"<i>{a.task}</i>\t{a.due}\t{who}")
                out.append("")
            else:
                out += ["#### ÅTGÄRDER", "", "#### SLUTDATUM", "", "#### ANSVARIG", ""]
                for a in note.actions:
                    out += [f"*{a.task}*", ""]
                    if a.due:
                        out += [a.due, ""]
                    if a.responsible:
                        out += [f"**{a.responsible}**", ""]
        if note.decision:
            out += ["#### BESLUT", ""]
            for text in note.decision:
                out += [text, ""]
    return "\n".join(out).rstrip("\n")


# -- meeting tool e-mail export (HTML) ----------------------------------------------------------


def h(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def rym_html(data: dict) -> str:
    o: list[str] = []
    o.append("<!DOCTYPE html>")
    o.append('<html lang="sv">')
    o.append("<head>")
    o.append('<meta charset="utf-8">')
    o.append(f"<title>Minnesanteckningar: {h(data['title'])} {data['date']}</title>")
    o.append("</head>")
    o.append('<body style="margin:0;padding:0;background:#eeeeee;">')
    o.append(
        '<table width="100%" cellpadding="0" cellspacing="0" border="0" '
        'style="background:#eeeeee;"><tr><td align="center">'
    )
    o.append(
        '<table width="640" cellpadding="0" cellspacing="0" border="0" '
        'style="background:#ffffff;font-family:Arial,Helvetica,sans-serif;font-size:14px;'
        'color:#333333;">'
    )
    o.append(
        '<tr><td style="background:#2b5d8c;color:#ffffff;padding:16px 24px;">'
        '<span style="font-size:12px;">Run your meeting &ndash; minnesanteckningar</span>'
        f'<h1 style="font-size:22px;margin:4px 0 0 0;">{h(data["title"])}</h1>'
        "</td></tr>"
    )
    # meeting facts in a two-column layout table
    o.append('<tr><td style="padding:16px 24px;">')
    o.append('<table cellpadding="2" cellspacing="0" border="0" width="100%">')
    for label, value in (
        ("Datum", data["date"]),
        ("Tid", data["time"]),
        ("Plats", data["location"]),
    ):
        o.append(f'<tr><td width="90" valign="top"><b>{label}</b></td><td>{h(value)}</td></tr>')
    o.append('<tr><td valign="top"><b>Beslutande</b></td><td>')
    o.append('<p style="margin:0 0 4px 0;"><em>Närvarande:</em></p>')
    o.append(
        '<p style="margin:0 0 8px 0;">' + "<br>\n".join(h(x) for x in data["present"]) + "</p>"
    )
    o.append('<p style="margin:0 0 4px 0;"><em>Deltar på distans:</em></p>')
    o.append('<p style="margin:0 0 8px 0;">' + "<br>\n".join(h(x) for x in data["remote"]) + "</p>")
    o.append('<p style="margin:0 0 4px 0;"><em>Anmäld frånvaro:</em></p>')
    o.append('<p style="margin:0 0 8px 0;">' + "<br>\n".join(h(x) for x in data["absent"]) + "</p>")
    o.append("</td></tr>")
    o.append(f'<tr><td valign="top"><b>Deltagare</b></td><td>{h(data["participants"])}</td></tr>')
    o.append("</table>")
    o.append("</td></tr>")
    o.append('<tr><td style="padding:0 24px 24px 24px;">')
    o.append('<hr style="border:0;border-top:1px solid #cccccc;">')
    for note in data["notes"]:
        o.append(
            f'<h2 style="font-size:17px;color:#2b5d8c;margin:20px 0 6px 0;">'
            f"{note.number}. {h(note.title)}</h2>"
        )
        for a in note.attachments:
            o.append(f'<p style="margin:0 0 6px 0;">Bilaga: <a href="#">{h(a)}</a></p>')
        for text in note.paras:
            o.append(f'<p style="margin:0 0 8px 0;">{h(text)}</p>')
        if note.actions:
            o.append(
                '<table width="100%" cellpadding="4" cellspacing="0" border="1" '
                'style="border-collapse:collapse;border-color:#cccccc;margin:6px 0 10px 0;">'
            )
            o.append(
                '<tr style="background:#f2f2f2;"><th align="left">ÅTGÄRDER</th>'
                '<th align="left" width="90">SLUTDATUM</th>'
                '<th align="left" width="150">ANSVARIG</th></tr>'
            )
            for a in note.actions:
                who = f"<strong>{h(a.responsible)}</strong>" if a.responsible else "&nbsp;"
                due = h(a.due) if a.due else "&nbsp;"
                o.append(f"<tr><td><em>{h(a.task)}</em></td><td>{due}</td><td>{who}</td></tr>")
            o.append("</table>")
        if note.decision:
            o.append('<h3 style="font-size:14px;margin:10px 0 4px 0;">BESLUT</h3>')
            for text in note.decision:
                o.append(f'<p style="margin:0 0 8px 0;">{h(text)}</p>')
    o.append("</td></tr>")
    o.append(
        '<tr><td style="background:#f2f2f2;color:#777777;font-size:11px;padding:10px 24px;">'
        "Detta e-postmeddelande skickades från Run your meeting. Svara inte på detta "
        "meddelande.</td></tr>"
    )
    o.append("</table>")
    o.append("</td></tr></table>")
    o.append("</body>")
    o.append("</html>")
    return "\n".join(o) + "\n"


# -- plain-text sources --------------------------------------------------------------------------


def text_formal(doc: Formal) -> str:
    out = [f"{doc.organization_caps}   SAMMANTRÄDESPROTOKOLL   {doc.date}", doc.body, ""]
    for label, lines in doc.heading_rows:
        out.append(f"{label}:")
        out += [f"    {line.strip('*')}" for line in lines]
    out.append("Underskrifter:")
    out += [f"    {label}: {name}" for label, name in doc.signatures]
    out.append(f"Paragrafer: {doc.paragraphs}")
    if doc.announcement:
        out.append("ANSLAG/BEVIS")
        out += [f"    {label}: {value}" for label, value in doc.announcement]
    for item in doc.items:
        out += ["", f"§ {item.number} {item.title}"]
        if item.dnr:
            out.append(item.dnr)
        for kind, text in item.blocks:
            out.append({"h": "[{}]", "p": "{}", "b": "- {}"}[kind].format(text))
    return "\n".join(out) + "\n"


def text_association(data: dict) -> str:
    out = [data["title"], data["subtitle"], ""]
    out += [f"{label}: {value}" for label, value in data["meta"]]
    for point in data["points"]:
        out += ["", f"{point.number}. {point.title}"] + point.lines
    out.append("")
    out += [f"{label}: {name}" for label, name in data["signatures"]]
    return "\n".join(out) + "\n"


def text_minutes(data: dict) -> str:
    out = [data["title"], ""]
    for key in ("meta",):
        out += [f"{label}: {value}" for label, value in data.get(key, [])]
    for key in ("date", "time", "location"):
        if key in data:
            out.append(f"{key}: {data[key]}")
    for key, label in (
        ("present", "Närvarande"),
        ("remote", "Deltar på distans"),
        ("absent", "Frånvarande"),
    ):
        if key in data:
            out.append(f"{label}:")
            out += [f"    {x}" for x in data[key]]
    if "participants" in data:
        out.append(f"Deltagare: {data['participants']}")
    for note in data["notes"]:
        out += ["", f"{note.number}. {note.title}"]
        out += note.attachments + note.paras
        if note.actions:
            out.append("ÅTGÄRDER | SLUTDATUM | ANSVARIG")
            out += [f"    {a.task} | {a.due} | {a.responsible}" for a in note.actions]
        if note.decision:
            out.append("BESLUT")
            out += note.decision
    return "\n".join(out) + "\n"


def text_folkhalsoradet(data: dict) -> str:
    out = [data["header"], data["title"], data["subtitle"]]
    out += [f"{label}: {value}" for label, value in data["meta"]]
    out += ["", "Närvaro", " | ".join(data["attendance_columns"])]
    out += [" | ".join(row) for row in data["attendance"]]
    for number, title, paras, decision in data["items"]:
        out += ["", f"{number}. {title}"] + paras
        if decision:
            out += ["Beslut"] + decision
    out += ["", "Åtgärdslista", " | ".join(data["action_columns"])]
    out += [" | ".join(row) for row in data["actions"]]
    return "\n".join(out) + "\n"


# ==============================================================================================
# Conversions
# ==============================================================================================


class Office:
    """soffice --headless --convert-to with a private profile (other users may run soffice)."""

    def __init__(self, workdir: Path):
        self.profile = workdir / "lo-profile"

    def convert(self, source: Path, target_ext: str, outdir: Path) -> Path:
        filter_name = {
            "doc": "doc:MS Word 97",
            "rtf": "rtf:Rich Text Format",
            "odt": "odt",
            "pdf": "pdf:writer_pdf_Export",
        }[target_ext]
        cmd = [
            "soffice",
            f"-env:UserInstallation=file://{self.profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            filter_name,
            "--outdir",
            str(outdir),
            str(source),
        ]
        env = dict(os.environ, TZ="UTC", SOURCE_DATE_EPOCH="1538395200")
        subprocess.run(cmd, check=True, capture_output=True, timeout=300, env=env)
        result = outdir / f"{source.stem}.{target_ext}"
        if not result.exists():
            raise SystemExit(f"soffice did not write {result}")
        return result


PDF_DATE = re.compile(rb"/(CreationDate|ModDate)\s*\(D:[0-9]{14}[^)]*\)")
PDF_CHECKSUM = re.compile(rb"/DocChecksum /([0-9A-Fa-f]{32})")
PDF_ID = re.compile(rb"/ID\s*\[\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*\]")


PDF_OBJ = re.compile(rb"(\d+) 0 obj")
PDF_REF = re.compile(rb"(\d+) 0 R\b")


def canonical_pdf(data: bytes) -> bytes:
    """Renumber and reorder the objects of LibreOffice's PDF in a fixed order.

    LibreOffice writes the embedded font objects in an order that changes from run to run
    (the page content is the same). Objects are renumbered in breadth-first order of their
    first reference from the trailer, written in that order, and the xref table rebuilt;
    stream data is copied unchanged.
    """
    xref_at = int(re.search(rb"startxref\s+(\d+)", data).group(1))
    trailer = data[data.index(b"trailer", xref_at) :]
    trailer_dict = trailer[: trailer.index(b"startxref")]
    offsets = sorted(int(m.group(1)) for m in re.finditer(rb"(\d{10}) 00000 n", data[xref_at:]))
    objects: dict[int, bytes] = {}
    for start, end in zip(offsets, offsets[1:] + [xref_at], strict=True):
        chunk = data[start:end]
        number = int(PDF_OBJ.match(chunk).group(1))
        objects[number] = chunk

    def head(chunk: bytes) -> bytes:  # the part outside any stream
        cut = chunk.find(b"stream")
        return chunk if cut < 0 else chunk[:cut]

    order: list[int] = []
    seen: set[int] = set()
    queue = [int(m.group(1)) for m in PDF_REF.finditer(trailer_dict)]
    while queue:
        number = queue.pop(0)
        if number in seen or number not in objects:
            continue
        seen.add(number)
        order.append(number)
        queue += [int(m.group(1)) for m in PDF_REF.finditer(head(objects[number]))]
    order += [n for n in sorted(objects) if n not in seen]
    new = {old: i + 1 for i, old in enumerate(order)}

    def renumber(part: bytes) -> bytes:
        return PDF_REF.sub(lambda m: b"%d 0 R" % new[int(m.group(1))], part)

    header = data[: min(offsets)]
    out = bytearray(header)
    positions = []
    for old in order:
        chunk = objects[old]
        cut = chunk.find(b"stream")
        dict_part, rest = (chunk, b"") if cut < 0 else (chunk[:cut], chunk[cut:])
        dict_part = PDF_OBJ.sub(b"%d 0 obj" % new[old], renumber(dict_part), count=1)
        positions.append(len(out))
        out += dict_part + rest
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(order) + 1)
    for position in positions:
        out += b"%010d 00000 n \n" % position
    trailer_dict = re.sub(rb"/Size \d+", b"/Size %d" % (len(order) + 1), renumber(trailer_dict))
    out += trailer_dict + b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def fix_pdf(data: bytes, date: str) -> bytes:
    """Replace LibreOffice's creation date and file ID with fixed values of the same length."""
    stamp = f"D:{date.replace('-', '')}120000"

    def repl_date(m: re.Match) -> bytes:  # same length, so the xref offsets stay valid
        old = m.group(0)
        new = old[: old.index(b"(D:")] + b"(" + stamp.encode() + b"Z)"
        return new.ljust(len(old), b" ") if len(new) <= len(old) else old

    data = PDF_DATE.sub(repl_date, data)
    digest = hashlib.md5(PDF_CHECKSUM.sub(b"", PDF_ID.sub(b"", data))).hexdigest().upper()
    digest = digest.encode()
    data = PDF_CHECKSUM.sub(lambda m: b"/DocChecksum /" + digest[: len(m.group(1))], data)

    def repl_id(m: re.Match) -> bytes:
        a, b = m.group(1), m.group(2)
        return (
            m.group(0)
            .replace(a, digest[: len(a)].ljust(len(a), b"0"))
            .replace(b, digest[: len(b)].ljust(len(b), b"0"))
        )

    return PDF_ID.sub(repl_id, data)


def scan_pdf(pdf: Path, target: Path, workdir: Path, date: datetime) -> None:
    """Render pages at 200 dpi grayscale, make them look scanned, wrap them as image-only PDF."""
    prefix = workdir / "scanpage"
    subprocess.run(
        ["pdftoppm", "-r", "200", "-gray", "-png", str(pdf), str(prefix)], check=True, timeout=300
    )
    pages = sorted(workdir.glob("scanpage*.png"))
    rng = random.Random(20180213)
    images = []
    for number, page in enumerate(pages):
        im = Image.open(page).convert("L")
        w, h_ = im.size
        draw = ImageDraw.Draw(im)
        # hand-written initials in the "Justerandes sign" boxes of the footer
        box_y = int(h_ * 0.951)
        for x0 in (int(w * 0.16), int(w * 0.33)):
            points = [
                (x0 + i * 9, box_y + int(14 * ((i * 7919 + number * 31) % 5 - 2) / 2))
                for i in range(9)
            ]
            draw.line(points, fill=40, width=3)
        # a slightly skewed, slightly grey sheet with a little noise
        im = im.rotate(0.35 if number % 2 == 0 else -0.25, resample=Image.BICUBIC, fillcolor=255)
        px = im.load()
        for _ in range(500):
            x, y = rng.randrange(w), rng.randrange(h_)
            px[x, y] = max(0, px[x, y] - rng.randrange(60, 160))
        im = im.point(lambda v: 18 + int(v * 0.9))
        im = im.filter(ImageFilter.GaussianBlur(0.4))
        images.append(im)
    images[0].save(
        target,
        "PDF",
        save_all=True,
        append_images=images[1:],
        resolution=200.0,
        quality=30,
        optimize=True,
        title="",
        author="",
        creator="",
        producer="Scanner",
        creationDate=date.timetuple(),
        modDate=date.timetuple(),
    )


ODT_RSID = re.compile(rb'(config:name="Rsid(?:Root)?" config:type="int">)[0-9]+(<)')


def fix_odt(data: bytes) -> bytes:
    """Fixed zip times, and LibreOffice's random revision-session ids set to a constant."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "settings.xml":
                content = ODT_RSID.sub(rb"\g<1>1000000\g<2>", content)
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            fixed.compress_type = info.compress_type
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, content)
    return out.getvalue()


# ==============================================================================================
# Main
# ==============================================================================================


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    SOURCES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="devcorpus-") as tmp:
        work = Path(tmp)
        office = Office(work)

        def via_office(build, data, stem: str, ext: str, created: datetime) -> bytes:
            src = work / f"{stem}.docx"
            build(data, src, created)
            outdir = work / f"out-{stem}"
            outdir.mkdir()
            return office.convert(src, ext, outdir).read_bytes()

        # 1. text PDF
        doc = SOCIALNAMNDEN
        pdf = via_office(formal_docx, doc, "socialnamnden", "pdf", datetime(2017, 5, 30, 10))
        (OUT / doc.file).write_bytes(fix_pdf(canonical_pdf(pdf), "2017-05-30"))
        (SOURCES / f"{doc.file}.txt").write_text(text_formal(doc), encoding="utf-8")

        # 2. scanned PDF
        doc = KSAU_BJURHOLM
        pdf = via_office(formal_docx, doc, "ksau", "pdf", datetime(2018, 2, 15, 10))
        (work / "ksau.pdf").write_bytes(pdf)
        scan_dir = work / "scan"
        scan_dir.mkdir()
        scan_pdf(work / "ksau.pdf", OUT / doc.file, scan_dir, datetime(2018, 2, 16, 9, 12))
        (SOURCES / f"{doc.file}.txt").write_text(text_formal(doc), encoding="utf-8")

        # 3. .doc
        data = BYAFORENING
        blob = via_office(association_docx, data, "byaforening", "doc", datetime(2018, 9, 5))
        (OUT / data["file"]).write_bytes(blob)
        (SOURCES / f"{data['file']}.txt").write_text(text_association(data), encoding="utf-8")

        # 4. .odt
        doc = KS_NORDMALING
        blob = via_office(formal_docx, doc, "ks", "odt", datetime(2016, 11, 11, 10))
        (OUT / doc.file).write_bytes(fix_odt(blob))
        (SOURCES / f"{doc.file}.txt").write_text(text_formal(doc), encoding="utf-8")

        # 5. .rtf
        data = SKOLCHEFSGRUPPEN
        blob = via_office(minutes_docx, data, "skolchef", "rtf", datetime(2017, 1, 26))
        (OUT / data["file"]).write_bytes(blob)
        (SOURCES / f"{data['file']}.txt").write_text(text_minutes(data), encoding="utf-8")

    # 6. HTML e-mail export
    data = NARINGSLIVSGRUPPEN
    (OUT / data["file"]).write_text(rym_html(data), encoding="utf-8")
    (SOURCES / f"{data['file']}.txt").write_text(text_minutes(data), encoding="utf-8")

    # 7. .docx
    data = FOLKHALSORADET
    folkhalsoradet_docx(data, OUT / data["file"], datetime(2018, 4, 18, 8))
    (SOURCES / f"{data['file']}.txt").write_text(text_folkhalsoradet(data), encoding="utf-8")

    # 8. Run-your-meeting text export
    data = PERSONALCHEFSMOTE
    (OUT / data["file"]).write_text(rym_md(data), encoding="utf-8")
    (SOURCES / f"{data['file']}.txt").write_text(text_minutes(data), encoding="utf-8")

    for path in sorted(OUT.iterdir()):
        if path.is_file():
            print(f"{path.stat().st_size:>8}  {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
