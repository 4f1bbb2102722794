"""The structure stage: finds the parts of a meeting in the document model.

It reads blocks (headings, paragraphs, list items, tables and their emphasis) and never the
source format. It finds the meeting header (title, date, time, location), the attendee
sections, the agenda items whatever their heading level, the BESLUT blocks, the ÅTGÄRDER
rows in both table forms, the attachments listed under an item, and "Nästa möte".

Everything here is *raw*: text as written, with its provenance. Names, roles, dates and
municipalities inside that text are tagged by the NLP stage and normalized afterwards.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass, field

from pipeline import reference
from pipeline.model import Block, BlockKind, Document
from pipeline.normalize.dates import find_dates, find_time_range, parse_date

# A table that holds no actions is read as item text, row by row, its cells joined by this;
# the NLP stage ends a name there (pipeline/nlp/components.py).
CELL_SEPARATOR = " | "

# --- what the labels of a meeting look like ------------------------------------------------

_ITEM_HEADING = re.compile(r"^(?:§\s*)?(\d{1,3}(?:\.\d{1,3})*)\.?\)?\s+(\S.*)$")
# "§ 12 Budget", "KS § 3 a Budget", "39 § Sammanträdets laglighet"
_PARAGRAPH_ITEM = re.compile(
    r"^(?:(?:[A-ZÅÄÖ][A-Za-zÅÄÖåäö]{0,5}\s+)?§\s*(\d{1,4}(?:\s?[a-z])?)|(\d{1,4})\s*§)"
    r"[.:]?\s+([A-ZÅÄÖÉ0-9\"«].*)$"
)
_TOC_LINE = re.compile(r"(?:\.{4,}|…{2,}|_{4,})\s*\d*\s*$|\s\d{1,3}\s*$")
_RULE_LINE = re.compile(r"^[\s_\-–—=*.]+$")
_DECISION_LABELS = {"beslut", "beslutade", "beslutas", "beslutet", "beslut i korthet"}
_OWN_DECISION = re.compile(r"^[\wåäöÅÄÖ][\wåäöÅÄÖ -]{0,40}s\s+beslut$")
_TEXT_SECTION_LABELS = {
    "ärendebeskrivning",
    "ärendet",
    "sammanfattning",
    "sammanfattning av ärendet",
    "bakgrund",
    "beslutsunderlag",
    "underlag",
    "yrkande",
    "yrkanden",
    "propositionsordning",
    "omröstning",
    "omröstningsresultat",
    "reservation",
    "reservationer",
    "protokollsanteckning",
    "protokollsanteckningar",
    "jäv",
    "expedieras",
    "expedieras till",
    "beslutet skickas till",
    "beslutet ska skickas till",
    "skickas till",
    "förslag till beslut",
    "tidigare behandling",
    "föredragande",
    "handläggare",
    "ärendets behandling",
    "behandling",
    "yttrande",
    "frågeställning",
    "diskussion",
    "information",
    "noteringar",
    "beredning",
    "förslag",
    "beredare",
}
_PROPOSAL_LABEL = re.compile(r"^[\wåäöÅÄÖ-]+s\s+förslag(\s+till\s+beslut)?$")
# "Välfärdsnämnden 10.1.2022, 8 §": the heading of an earlier (or this) handling of a case
_HANDLING = re.compile(r"^[A-ZÅÄÖ][\wåäö -]{2,40}\s+\d{1,2}\.\d{1,2}\.\d{2,4}\s*,\s*(\d{1,4})\s*§")
_INLINE_LABEL = re.compile(r"^([A-ZÅÄÖa-zåäö][\wåäö ]{2,30}?)\s*:\s+\S")


def _inline_section(text: str) -> bool:
    """'Beredning: Bildningsdirektör ...': a section label opening a paragraph."""
    m = _INLINE_LABEL.match(text)
    return bool(m) and (
        label_key(m.group(1)) in _TEXT_SECTION_LABELS
        or bool(_PROPOSAL_LABEL.match(label_key(m.group(1))))
    )


# "NKBY/497/12.03.01/2022", "KS 2015/312": a case number standing alone
_DIARY_NUMBER = re.compile(r"^(?:[A-ZÅÄÖ]{2,6}[/ ]\d+/[\d./]+|[A-ZÅÄÖ]{2,6}\s+\d{4}/\d+)$")
_DNR = re.compile(r"^(?:dnr|diarienummer|diarienr)\b[\s.:]*(.+)$", re.I)
_ACTION_LABELS = {"åtgärder", "åtgärd", "åtgärdslista", "uppdrag", "att göra"}
_ACTION_COLUMN_LABELS = {"slutdatum", "datum", "klart", "klart senast", "ansvarig", "ansvar"}
_NEXT_MEETING = re.compile(r"^nästa\s+(?:möte|sammanträde)", re.IGNORECASE)

# Attendance section labels, in the order they are tried; the value is the attendance they
# give the person lines that follow (None: the line lists participants, not attendance).
_ATTENDANCE_LABELS: list[tuple[re.Pattern[str], str | None]] = [
    (re.compile(r"^(anmäld|anmälda)?\s*frånvar(o|ande)\b", re.I), "absent"),
    (re.compile(r"^ej\s+närvarande\b", re.I), "absent"),
    (
        re.compile(
            r"^närvarande\s+(på|per|via|över)\s+(telefon|skype|teams|zoom|video|länk|"
            r"distans)",
            re.I,
        ),
        "remote",
    ),
    (re.compile(r"^(deltar|deltog)\s+(på\s+distans|digitalt|via)", re.I), "remote"),
    (re.compile(r"^närvarande(\s+på\s+plats)?\b", re.I), "present"),
    (
        re.compile(
            r"^(beslutande|ledamöter|ordinarie\s+ledamöter|(ej\s+)?tjänstgörande\s+ersättare|"
            r"ersättare|ej\s+beslutande|övriga\s+(närvarande|deltagare|deltagande)|"
            r"(närvarande\s+)?tjänstemän|närvarorätt|adjungerade?)\b",
            re.I,
        ),
        "present",
    ),
    (re.compile(r"^deltagare\b", re.I), None),
]
# The role a section label gives everyone listed under it.
_SECTION_ROLES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^ej\s+tjänstgörande\s+ersättare"), "ersättare"),
    (re.compile(r"^tjänstgörande\s+ersättare"), "tjänstgörande ersättare"),
    (re.compile(r"^ersättare"), "ersättare"),
    (re.compile(r"^(ledamöter|ordinarie\s+ledamöter|beslutande)"), "ledamot"),
]


def section_role(label: str) -> str | None:
    """'Tjänstgörande ersättare' -> 'tjänstgörande ersättare'; 'Närvarande' -> None."""
    return next((role for pattern, role in _SECTION_ROLES if pattern.match(label)), None)


_FILE_NAME = re.compile(
    r"(?:^|,\s*)(?:\d{1,3}\)\s*)?([^,:]*?\.(?:pdf|docx?|xlsx?|pptx?|odt|rtf|txt|jpe?g|png|msg))"
    r"(?=\s*(?:,|$))",
    re.IGNORECASE,
)
_PERSON_LINE = re.compile(r"^[-–•*]?\s*[A-ZÅÄÖÉÜ][\w'’.-]*(?:\s+[A-ZÅÄÖÉÜ][\w'’.-]*)+\s*(?:$|[,(])")


_ANY_YEAR = dt.date(2000, 1, 1)


def is_date_line(text: str) -> bool:
    """A short line that is just a date, with or without a year ('15 november', '2016-03-22')."""
    return len(text) <= 40 and parse_date(text, _ANY_YEAR) is not None


def label_key(text: str) -> str:
    """Case- and punctuation-folded form of a label: '*Anmäld frånvaro:*' -> 'anmäld frånvaro'."""
    text = unicodedata.normalize("NFC", text).strip().strip(":*_ ").strip()
    return re.sub(r"\s+", " ", text).casefold()


# --- what the stage finds --------------------------------------------------------------------


@dataclass(frozen=True)
class Where:
    """Provenance of a found part: page, human-readable position and block index."""

    page: int
    position: str
    block: int

    @classmethod
    def of(cls, block: Block, row: int | None = None) -> Where:
        position = block.prov.position + (f", row {row}" if row is not None else "")
        return cls(block.prov.page, position, block.prov.block or 0)

    def columns(self) -> dict[str, int | str]:
        """The provenance columns of a table row: page and position."""
        return {"page": self.page, "position": self.position}


@dataclass
class AttendeeLine:
    """A line under an attendance label: one person (or a list of them) as written."""

    text: str
    attendance: str | None
    label: str
    where: Where
    roles: tuple[str, ...] = ()  # roles the layout gives: a column "ersättare", a label
    organisation: str | None = None  # an "Organisation" column of an attendance table


@dataclass
class RoleLine:
    """A line that gives people a role without listing attendance ('Utses att justera: X')."""

    text: str
    role: str
    where: Where


@dataclass
class RawDecision:
    item_number: str
    paragraphs: list[str]
    where: Where

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


@dataclass
class RawAction:
    item_number: str
    task: str
    due_raw: str | None
    responsible_raw: str | None
    where: Where


@dataclass
class RawAttachment:
    item_number: str
    filename: str
    where: Where


@dataclass
class RawItem:
    number: str
    title: str
    where: Where
    paragraphs: list[str] = field(default_factory=list)
    dnr: str | None = None
    # Every line of the item with the section it stands under ("omröstning", "beslut", "")
    # and where: votes, reservations and recusals are read from these.
    lines: list[tuple[str, str, Where]] = field(default_factory=list)
    tables: list[tuple[str, Block]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


@dataclass
class MeetingStructure:
    """Everything the structure stage found in one document, as written."""

    title: str | None = None
    title_where: Where | None = None
    date_raw: str | None = None
    time_raw: str | None = None
    location: str | None = None
    body: str | None = None
    attendee_lines: list[AttendeeLine] = field(default_factory=list)
    role_lines: list[RoleLine] = field(default_factory=list)
    header_notes: list[str] = field(default_factory=list)
    other_fields: list[str] = field(default_factory=list)
    items: list[RawItem] = field(default_factory=list)
    decisions: list[RawDecision] = field(default_factory=list)
    actions: list[RawAction] = field(default_factory=list)
    attachments: list[RawAttachment] = field(default_factory=list)
    next_meeting_raw: str | None = None
    warnings: list[str] = field(default_factory=list)


# --- the stage -------------------------------------------------------------------------------


def find_structure(document: Document) -> MeetingStructure:
    """Find the parts of a meeting in ``document``."""
    found = MeetingStructure()
    blocks = list(document.blocks)
    first_item = next(
        (
            i
            for i, b in enumerate(blocks)
            if agenda_number(b) is not None or item_table_rows(b) is not None
        ),
        len(blocks),
    )
    _HeaderReader(found).read([b for b in blocks[:first_item] if not _is_rule(b)])
    signs = any(_paragraph_sign_item(b) for b in blocks)
    _read_items(blocks[first_item:], found, signs)
    return found


def _is_rule(block: Block) -> bool:
    """A line of underscores or dashes ('______'): it closes a section, it holds no text."""
    return block.kind != BlockKind.TABLE and bool(_RULE_LINE.match(block.text or "x"))


def _paragraph_sign_item(block: Block) -> bool:
    text = block.display_text.strip()
    return (
        block.kind != BlockKind.TABLE
        and bool(_PARAGRAPH_ITEM.match(text))
        and not ("." * 4 in text and _TOC_LINE.search(text))
    )


def item_table_rows(block: Block) -> list[tuple[str, str, list[str], str]] | None:
    """Minutes kept as a table 'Punkt | Vad | Ansvar': (number, title, text lines, responsible).

    The first line of the 'Vad' cell is the item's title, the rest its text.
    """
    if block.kind != BlockKind.TABLE or len(block.rows) < 2:
        return None
    header = [label_key(c.text).replace("\n", "") for c in block.rows[0]]
    if not header or header[0] not in _ITEM_COLUMNS or "vad" not in header:
        return None
    what = header.index("vad")
    who = next((i for i, h in enumerate(header) if "ansvar" in h), None)
    rows = []
    for row in block.rows[1:]:
        cells = [c.text.strip() for c in row]
        number = re.sub(r"[.)]$", "", cells[0])
        lines = cells[what].split("\n") if what < len(cells) else []
        if not lines or not lines[0]:
            continue
        responsible = cells[who] if who is not None and who < len(cells) else ""
        rows.append((number, lines[0], lines[1:], responsible))
    return rows or None


def agenda_number(block: Block) -> tuple[str, str] | None:
    """(number, title) when ``block`` opens an agenda item: '15.1. ÖFUR lokal', '§ 12 Budget'.

    A numbered heading is an item; so is a short paragraph that starts with a §-number (the
    § is evidence enough). Table-of-contents lines ('39 § Laglighet ....... 1') are not.
    """
    if block.kind == BlockKind.TABLE:
        return None
    text = block.display_text.strip()
    if len(text) > 160 or _TOC_LINE.search(text) and "." * 4 in text:
        return None
    if m := _PARAGRAPH_ITEM.match(text):
        number = (m.group(1) or m.group(2)).replace(" ", "")
        return number, m.group(3).strip()
    if block.kind != BlockKind.HEADING and not (block.is_bold and len(text) <= 100):
        return None
    m = _ITEM_HEADING.match(text)
    if not m or not m.group(2)[:1].isupper() and not m.group(2)[:1].isdigit():
        return None
    return m.group(1), m.group(2).strip()


def _attendance_label(text: str) -> tuple[bool, str | None]:
    """(is a label, attendance it gives) for a header line such as 'Närvarande på plats:'."""
    key = label_key(text)
    if len(key) > 60 or "," in key:
        return False, None
    for pattern, attendance in _ATTENDANCE_LABELS:
        if pattern.match(key):
            return True, attendance
    return False, None


# Header labels that are not attendance sections, by what their value gives.
_HEADER_LABELS: dict[str, str] = {
    **dict.fromkeys(
        [
            "datum",
            "tid",
            "datum och tid",
            "tid och datum",
            "dag och tid",
            "sammanträdestid",
            "sammanträdesdatum",
            "mötestid",
            "mötesdatum",
            "tidpunkt",
        ],
        "time",
    ),
    **dict.fromkeys(["plats och tid", "tid och plats"], "place_time"),
    **dict.fromkeys(
        ["plats", "lokal", "mötesplats", "sammanträdesplats", "möteslokal", "sammanträdeslokal"],
        "place",
    ),
    **dict.fromkeys(["organ", "nämnd", "instans", "beslutsorgan", "sammanträde"], "body"),
    **dict.fromkeys(
        ["utses att justera", "justerare", "justerande", "justeras", "justeras av"],
        "role:justerare",
    ),
    **dict.fromkeys(["sekreterare", "protokollförare", "vid protokollet"], "role:sekreterare"),
    **dict.fromkeys(["ordförande", "mötesordförande"], "role:ordförande"),
    **dict.fromkeys(
        [
            "paragrafer",
            "ärenden",
            "underskrifter",
            "underskrift",
            "elektroniska underskrifter",
            "elektroniska underskrifer",
            "elektronisk protokolljustering",
            "justeringens plats och tid",
            "justeringens tid och plats",
            "anslag",
            "bevis",
            "anslag/bevis",
            "intygar",
            "protokoll",
            "protokollet justerat",
            "dnr",
            "diarienummer",
        ],
        "other",
    ),
}
_COLUMN_ROLES = {
    "ordinarie": "ledamot",
    "ledamöter": "ledamot",
    "ledamot": "ledamot",
    "ordinarie ledamöter": "ledamot",
    "ersättare": "ersättare",
}
_CHECKBOX = re.compile(r"^\[\s*([xX✓✔☒]?)\s*\]\s*(.+)$|^([☒☑✓✔☐])\s*(.+)$")
_REMOTE_NOTE = re.compile(
    r"\s*\((?:deltar\s+)?(?:på\s+)?(?:distans|telefon|digitalt|via\s+\w+)\)\s*"
    r"|,?\s*\bdeltar\s+(?:på\s+distans|digitalt|via\s+\w+|per\s+telefon)\s*$",
    re.I,
)
_DOCUMENT_KIND = re.compile(
    r"^(protokoll|sammanträdesprotokoll|minnesanteckningar|minnesanteckning|mötesprotokoll|"
    r"protokollsutdrag|justerat protokoll)$"
)
_NOTICE = re.compile(r"^(anslag\s*/\s*bevis|anslagsbevis|bevis om anslag|anslag)$")
_ROSTER_COLUMNS = {
    **dict.fromkeys(["namn", "name", "ledamot", "deltagare", "person"], "name"),
    **dict.fromkeys(["funktion", "roll", "titel", "befattning", "uppdrag", "roll/titel"], "role"),
    **dict.fromkeys(
        ["organisation", "kommun", "representerar", "förvaltning", "företräder", "verksamhet"],
        "org",
    ),
    **dict.fromkeys(["närvaro", "närvarande", "deltog", "status"], "presence"),
    **dict.fromkeys(["anmärkning", "kommentar", "noteringar", "not"], "note"),
    "parti": "party",
}
_PRESENCE_VALUES = [
    (re.compile(r"distans|digitalt|teams|skype|zoom|telefon|länk|video"), "remote"),
    (re.compile(r"frånvar|förhinder|^nej$|ej närvarande|^-$|anmält"), "absent"),
    (re.compile(r"närvar|^ja$|^x$|deltog|på plats"), "present"),
]


_SERVES_FOR = re.compile(r"\b(tjänstgör(?:ande)?\s+för|ersätter)\s+", re.I)


@functools.cache
def known_roles() -> frozenset[str]:
    """Every canonical role of the vocabulary (pipeline/data/roles.csv)."""
    return frozenset(reference.roles().values())


def role_name(text: str) -> str:
    """A role as the vocabulary writes it: 'Vice ordförande' -> 'vice ordförande'."""
    key = " ".join(text.split()).strip(" .()").casefold()
    return reference.roles().get(key, key)


_LABEL_SPLIT = re.compile(r"^(?P<label>[^:\t]{2,40}?)\s*(?::\s*|\t+\s*|\s{2,})(?P<value>.*)$")


@functools.lru_cache(maxsize=4096)
def _header_label(text: str) -> str | None:
    """What a header label gives ('time', 'place', 'role:justerare', ...), fuzzy on long ones.

    Text layers drop ligatures ('Sammanträdestd' for 'Sammanträdestid'), so a label of ten
    letters or more may differ from the known one by one or two letters.
    """
    key = label_key(text)
    if key in _HEADER_LABELS:
        return _HEADER_LABELS[key]
    if len(key) >= 10:  # fuzzy only where a wrong guess costs little: never for roles
        for label, kind in _HEADER_LABELS.items():
            if (
                len(label) >= 10
                and abs(len(label) - len(key)) <= 2
                and kind in ("time", "place", "place_time", "body")
                and _edit_distance(key, label) <= 2
            ):
                return kind
    return None


def _edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


class _HeaderReader:
    """The meeting header: title, date, time, place, body, attendance and role sections.

    Reads label/value pairs wherever they stand: a two-column table ("Plats och tid |
    Kommunhuset ..."), "Label: value" on one line, or a label line followed by value lines.
    """

    def __init__(self, found: MeetingStructure) -> None:
        self.found = found
        self.section: tuple[str, str | None] | None = None  # (label, attendance)
        self.role: str | None = None  # role section: 'justerare', ...
        self.previous_was_time = False
        self.in_notice = False  # after "ANSLAG/BEVIS": its dates are not the meeting's
        self.title_from_text = False  # the title came from a plain line, not a heading

    def read(self, blocks: list[Block]) -> None:
        for block in blocks:
            if _NOTICE.match(label_key(block.text)):
                self.in_notice = True
                self.section = self.role = None
                continue
            if self.in_notice:
                self._notice(block)
                continue
            if block.kind == BlockKind.HEADING and (
                _attendance_label(block.text)[0] or _header_label(block.text) not in (None, "other")
            ):
                self.line(block.display_text.strip(), Where.of(block))
            elif block.kind == BlockKind.HEADING and self.title_from_text:
                # a heading is the title; the line before it was a kicker
                self.found.header_notes.append(self.found.title or "")
                self.found.title, self.found.title_where = block.display_text, Where.of(block)
                self.title_from_text = False
            elif block.kind == BlockKind.HEADING and (
                _DOCUMENT_KIND.match(label_key(block.text)) or _header_label(block.text)
            ):
                self.found.header_notes.append(block.display_text)  # "PROTOKOLL", "Underskrifter"
                self.section = self.role = None
            elif block.kind == BlockKind.HEADING and self.found.title is None:
                self.found.title, self.found.title_where = block.display_text, Where.of(block)
            elif block.kind == BlockKind.HEADING:
                self.found.header_notes.append(block.display_text)
                self.section = self.role = None
            elif block.kind == BlockKind.TABLE:
                self._table(block)
            else:
                for line in block.display_text.split("\n"):
                    if line.strip():
                        self.line(line.strip(), Where.of(block))

    def _notice(self, block: Block) -> None:
        """The ANSLAG/BEVIS box: only its 'Sammanträdesdatum' and 'Organ' are the meeting's."""
        rows = [[c.text for c in r] for r in block.rows] or [[block.text]]
        for row in rows:
            label, value = row[0], " ".join(c for c in row[1:] if c)
            if label_key(label) in ("sammanträdesdatum", "mötesdatum") and value:
                self.found.date_raw = self.found.date_raw or value
            elif label_key(label) == "organ" and value:
                self.found.body = self.found.body or value
            else:
                self.found.other_fields.append(" ".join(c for c in row if c))

    def _table(self, block: Block) -> None:
        if self._roster(block):
            return
        column_roles: list[str | None] = []
        for r, row in enumerate(block.rows):
            cells = [c.text.strip() for c in row]
            keys = [label_key(c) for c in cells if c]
            if keys and all(k in _COLUMN_ROLES for k in keys):
                column_roles = [_COLUMN_ROLES.get(label_key(c)) for c in cells]
                continue
            where = Where.of(block, r)
            first = next((c for c in cells if c), "")
            kind = _header_label(first) if first else None
            if first and (_attendance_label(first)[0] or (kind or "").startswith("role:")):
                # a list under a label: the label opens the section, each value line follows
                self.line(first, where)
                for cell in cells[cells.index(first) + 1 :]:
                    for value in cell.split("\n"):
                        if value.strip():
                            self.line(value.strip(), where)
                continue
            if kind:
                rest = " ".join(" ".join(c.split()) for c in cells[cells.index(first) + 1 :] if c)
                label = first.rstrip(" :")
                self.line(f"{label}: {rest}" if rest else label, where)
                continue
            for i, cell in enumerate(cells):
                role = column_roles[i] if i < len(column_roles) else None
                for line in cell.split("\n"):
                    if line.strip():
                        self.line(line.strip(), where, role)

    def _roster(self, block: Block) -> bool:
        """An attendance table: 'Namn | Funktion | Organisation | Närvaro' (any order)."""
        header = [_ROSTER_COLUMNS.get(label_key(c.text)) for c in block.rows[0]]
        if "name" not in header or not {"presence", "role", "org"} & set(header):
            return False
        for r, row in enumerate(block.rows[1:], start=1):
            cell = {kind: c.text.strip() for kind, c in zip(header, row, strict=False) if kind}
            if not cell.get("name"):
                continue
            note = label_key(cell.get("note", ""))
            presence = label_key(cell.get("presence", "")) or note
            attendance = next(
                (a for pattern, a in _PRESENCE_VALUES if pattern.search(presence)),
                self.section[1] if self.section else "present",
            )
            party = cell.get("party", "").strip("() ")
            name = cell["name"] + (f" ({party})" if party else "")
            roles = [role_name(r) for r in re.split(r",|(?<!-)\s+och\s+", cell.get("role", ""))]
            if m := _SERVES_FOR.search(note):  # "tjänstgör för Nordin Stig"
                roles = ["tjänstgörande ersättare" if r == "ersättare" else r for r in roles]
                name += f" ersätter {cell['note'][m.end() :].strip()}"
            roles += [role for r in note.split(",") if (role := role_name(r)) in known_roles()]
            self.found.attendee_lines.append(
                AttendeeLine(
                    name,
                    attendance,
                    "närvaro",
                    Where.of(block, r),
                    tuple(r for r in roles if r),
                    cell.get("org") or None,
                )
            )
        self.section = None
        return True

    def line(self, text: str, where: Where, column_role: str | None = None) -> None:
        found = self.found
        was_time, self.previous_was_time = self.previous_was_time, False
        if m := _CHECKBOX.match(text):
            ticked = bool(m.group(1) or m.group(3) in ("☒", "☑", "✓", "✔"))
            person = (m.group(2) or m.group(4)).strip()
            attendance = "present" if ticked else "absent"
            if ticked and _REMOTE_NOTE.search(person):
                attendance = "remote"
            label = self.section[0] if self.section else "närvaro"
            roles = (column_role,) if column_role else ()
            person = _REMOTE_NOTE.sub(" ", person).strip()
            found.attendee_lines.append(AttendeeLine(person, attendance, label, where, roles))
            return
        is_attendance, attendance = _attendance_label(text)
        label, value = text, ""
        if not is_attendance and (m := _LABEL_SPLIT.match(text)):
            candidate = m.group("label")
            if _header_label(candidate) or _attendance_label(candidate)[0]:
                label, value = candidate, m.group("value").strip()
                is_attendance, attendance = _attendance_label(label)
        elif is_attendance and (m := _LABEL_SPLIT.match(text)):
            label, value = m.group("label"), m.group("value").strip()
        if is_attendance:
            self.section, self.role = (label_key(label), attendance), None
            if value:
                self._person_line(value, where)
            return
        kind = _header_label(label) if label is not text or not value else None
        if kind is None and label is text:
            kind = _header_label(text)
        if kind is not None:
            self._labelled(kind, value, where)
            return
        self._plain(text, where, was_time, column_role)

    def _labelled(self, kind: str, value: str, where: Where) -> None:
        found = self.found
        if kind.startswith("role:"):
            self.section, self.role = None, kind.removeprefix("role:")
            if value:
                found.role_lines.append(RoleLine(value, self.role, where))
            return
        self.section, self.role = None, None
        if kind in ("time", "place_time") and value:
            mentions = find_dates(value)
            if found.date_raw is None and (mentions or parse_date(value)):
                found.date_raw = value
            if found.time_raw is None and find_time_range(value)[0] is not None:
                found.time_raw = value
            if kind == "place_time" and found.location is None:
                place = _ADJOURNMENT.sub("", value)
                found.location = _without_date_and_time(place) or None
            self.previous_was_time = kind == "time"
        elif kind == "place" and value:
            found.location = found.location or value
        elif kind == "body" and value:
            found.body = found.body or value
        elif value:
            # "Justeringens plats och tid", "ANSLAG/BEVIS", "Paragrafer": kept, but apart, so
            # their dates are never taken for the meeting date
            found.other_fields.append(value)

    def _plain(self, text: str, where: Where, was_time: bool, column_role: str | None) -> None:
        found = self.found
        if found.date_raw is None and len(text) <= 40 and parse_date(text) is not None:
            found.date_raw = text
            return
        if found.time_raw is None and len(text) <= 40 and find_time_range(text)[0] is not None:
            found.time_raw = text
            self.previous_was_time = True
            return
        if was_time and found.location is None:
            # The Run-your-meeting header reads: date, time, then the place on its own line.
            found.location = text
            return
        if (self.section or self.role) and _PERSON_LINE.match(text):
            self._person_line(text, where, column_role)
            return
        only_kinds = all(_DOCUMENT_KIND.match(label_key(n)) for n in found.header_notes)
        if found.title is None and only_kinds and len(text) <= 80:
            if _DOCUMENT_KIND.match(label_key(text)):
                found.header_notes.append(text)  # "PROTOKOLL": what it is, not its title
                return
            found.title, found.title_where = text, where
            self.title_from_text = True
            return
        found.header_notes.append(text)

    def _person_line(self, text: str, where: Where, column_role: str | None = None) -> None:
        if self.role:
            self.found.role_lines.append(RoleLine(text, self.role, where))
            return
        assert self.section is not None
        label, attendance = self.section
        if attendance != "absent" and _REMOTE_NOTE.search(text):
            attendance = "remote"  # a participant "(via Teams)" took part, remotely
            text = _REMOTE_NOTE.sub(" ", text).strip()
        role = column_role or section_role(label)
        roles = (role,) if role else ()
        self.found.attendee_lines.append(AttendeeLine(text, attendance, label, where, roles))


_ADJOURNMENT = re.compile(r"\b(ajournering|ajourneras|paus|lunch(uppehåll)?)\b.*$", re.I | re.S)


def _without_date_and_time(value: str) -> str:
    """'Kommunhuset, 2016-03-16 kl 08.30-12.00' -> 'Kommunhuset'."""
    text = value
    for mention in sorted(find_dates(value), key=lambda m: -m.start):
        text = text[: mention.start] + text[mention.end :]
    text = re.sub(r"\b(kl\.?|klockan)?\s*\d{1,2}[.:]\d{2}(\s*[-–]\s*\d{1,2}[.:]\d{2})?", "", text)
    text = re.sub(
        r"\b(måndag|tisdag|onsdag|torsdag|fredag|lördag|söndag)(en)?\b", "", text, flags=re.I
    )
    return re.sub(r"\s+,", ",", re.sub(r"\s{2,}", " ", text)).strip(" ,;–-")


class _ItemReader:
    """Walks the blocks of the agenda items, one mode at a time."""

    def __init__(self, found: MeetingStructure, signs: bool = False) -> None:
        self.found = found
        self.signs = signs  # the minutes number their items with §: "1." heads a sub-point
        self.item: RawItem | None = None
        self.mode = "text"  # text | decision | actions
        self.decision: RawDecision | None = None
        self.action: RawAction | None = None  # the action row that may still take a date/name
        self.section = ""  # the label of the text section being read
        self.list_item: str | None = None  # "" under a meeting-level "Åtgärdslista"
        # Under "Välfärdsnämnden 25.11.2021, 56 §" in item 47: an earlier handling of the
        # case, whose decisions are quoted history, not this meeting's.
        self.earlier_handling = False

    @property
    def number(self) -> str:
        return self.item.number if self.item else ""

    def item_number(self, block: Block) -> tuple[str, str] | None:
        """agenda_number, but in §-numbered minutes a plain '1. Title' is a sub-point unless
        it continues the § sequence (an OCR that lost the §: '12 Budget' after § 11)."""
        numbered = agenda_number(block)
        if numbered is None or not self.signs or _paragraph_sign_item(block):
            return numbered
        last = self.found.items[-1].number if self.found.items else ""
        return numbered if last.isdigit() and numbered[0] == str(int(last) + 1) else None

    def _unique(self, number: str) -> str:
        """The same number twice: keep both, the second as "2 (2)"."""
        taken = {item.number for item in self.found.items}
        if number not in taken:
            return number
        return next(f"{number} ({k})" for k in range(2, 999) if f"{number} ({k})" not in taken)

    def item_table(self, block: Block, rows: list[tuple[str, str, list[str], str]]) -> None:
        for r, (number, title, lines, responsible) in enumerate(rows, start=1):
            number = self._unique(number)
            where = Where.of(block, r)
            self.item = RawItem(number, title, where, paragraphs=list(lines))
            self.item.lines = [("", line, where) for line in lines]
            if responsible:
                self.item.paragraphs.append(f"Ansvar: {responsible}")
            self.found.items.append(self.item)
        self.mode, self.section = "text", ""

    def heading(self, block: Block, numbered: tuple[str, str] | None) -> None:
        """A heading, or a block that ``item_number`` found opens an item (``numbered``)."""
        if sum(ch.isalpha() for ch in block.text) < 4 and not agenda_number(block):
            return  # OCR noise from initials in a signature box ("VA")
        self.action = None
        if numbered:
            number, title = numbered
            self.item = RawItem(self._unique(number), title, Where.of(block))
            self.found.items.append(self.item)
            self.mode, self.section, self.list_item = "text", "", None
            self.earlier_handling = False
            return
        if not self._section_label(block, label_key(block.text)) and self.item is not None:
            self.mode = "text"
            self.item.paragraphs.append(block.text)

    def _own_body(self, key: str) -> bool:
        """Whether '<X>s beslut' is the meeting's own body deciding (when the header names
        the body: 'Organ: Välfärdsnämnden'); without that every such label counts."""
        body = self.found.body
        if not body:
            return True
        subject = reference.fold(key.removesuffix(" beslut").removesuffix("s"))
        own = reference.fold(body)
        return bool(subject) and (subject == own or own.endswith(subject) or subject.endswith(own))

    def _section_label(self, block: Block, key: str) -> bool:
        """Switch mode on a section label (BESLUT, ÅTGÄRDER, Förslag till beslut, ...)."""
        decision_label = key in _DECISION_LABELS or bool(_OWN_DECISION.match(key))
        if (_OWN_DECISION.match(key) and not self._own_body(key)) or (
            decision_label and self.earlier_handling
        ):
            # "Stadsstyrelsens beslut" quoted in a nämnd's minutes, or the nämnd's own
            # decision under the heading of an earlier handling: history
            self.mode, self.section = "text", "tidigare behandling"
            if self.item is not None:
                self.item.paragraphs.append(block.text)
        elif decision_label:
            self.mode, self.section = "decision", "beslut"
            self.decision = RawDecision(self.number, [], Where.of(block))
            self.found.decisions.append(self.decision)
        elif key in _ACTION_LABELS:
            self.mode = "actions"
            # "Åtgärdslista": the meeting's list, not one item's (rows name their point)
            self.list_item = "" if key == "åtgärdslista" else None
        elif key in _ACTION_COLUMN_LABELS and self.mode == "actions":
            pass  # the broken table form: column titles as headings
        elif key in _TEXT_SECTION_LABELS or _PROPOSAL_LABEL.match(key):
            # a proposal or the case description: never part of a decision
            self.mode, self.section = "text", key
            if self.item is not None:
                self.item.paragraphs.append(block.text)
        else:
            return False
        return True

    def table(self, block: Block) -> None:
        columns = _action_columns(block)
        if columns is None and self.item is not None:
            self.item.tables.append((self.section, block))
        if columns is None:
            self._text(block, "\n".join(CELL_SEPARATOR.join(c.text for c in r) for r in block.rows))
            return
        for r, row in enumerate(block.rows[1:], start=1):
            cells = [c.text.strip() for c in row]

            def cell(i: int | None, cells: list[str] = cells) -> str:
                return cells[i] if i is not None and i < len(cells) else ""

            task, due, who = cell(columns.task), cell(columns.due), cell(columns.who)
            # An action list at the end of the minutes names the point each row belongs to.
            own = self.number if self.list_item is None else self.list_item
            item = re.sub(r"^§\s*|[.)]$", "", cell(columns.item)) or own
            if task or due or who:
                self.found.actions.append(
                    RawAction(item, task, due or None, who or None, Where.of(block, r))
                )
        self.mode = "actions"  # italic task lines may continue the table
        self.action = None

    def paragraph(self, block: Block) -> None:
        text = block.display_text.strip()
        if self.item is not None and (handling := _HANDLING.match(text)):
            # "Välfärdsnämnden 15.9.2022, 47 §" in item 47 is this meeting's handling
            own = re.match(r"\d+", self.item.number)
            self.earlier_handling = own is None or handling.group(1) != own.group()
        if _is_rule(block) or (
            self.mode == "decision"
            and (_DIARY_NUMBER.match(text) or _HANDLING.match(text) or _inline_section(text))
        ):
            self.mode, self.section, self.action = "text", "", None  # the block ends here
            if not _is_rule(block):
                self._text(block, text)
            return
        if self.mode == "actions" and self._action_line(block, text):
            return
        if _looks_like_label(block, text) and self._section_label(block, label_key(text)):
            self.action = None
            return
        if m := _INLINE_DECISION.match(text):
            # "Beslut: Styrelsen beslutar att ..." is a one-paragraph decision block
            self.found.decisions.append(RawDecision(self.number, [m.group(1)], Where.of(block)))
            self.mode = "text"
            return
        if self.item is not None and self.item.dnr is None and (m := _DNR.match(text)):
            self.item.dnr = m.group(1).strip()
            return
        if self.mode == "actions":
            self.mode = "text"
        if self.mode == "decision" and re.fullmatch(r"[A-ZÅÄÖ]{4,}", text):
            return  # a letterhead word left on the page ("UUSIKAARLEPYY")
        if self.mode == "decision" and re.match(r"^bilag(a|or)\b", text, re.I):
            self.mode, self.section = "text", "bilaga"
        if self.mode == "decision" and self.decision is not None:
            self.decision.paragraphs.append(text)
            if self.item is not None:
                self.item.lines.append(("beslut", text, Where.of(block)))
            return
        self._text(block, text)

    def _action_line(self, block: Block, text: str) -> bool:
        """A line of an action list: italic task, then optional date and bold name lines."""
        if block.is_italic and block.kind == BlockKind.PARAGRAPH:
            self.action = RawAction(self.number, text, None, None, Where.of(block))
            self.found.actions.append(self.action)
            return True
        if self.action is None:
            return False
        if (
            self.action.due_raw is None
            and self.action.responsible_raw is None
            and is_date_line(text)
        ):
            self.action.due_raw = text
            return True
        if block.is_bold and self.action.responsible_raw is None:
            self.action.responsible_raw = text
            return True
        return False

    def _text(self, block: Block, text: str) -> None:
        if self.item is None:
            self.found.header_notes.append(text)
            return
        if (
            self.mode == "text"
            and block.kind != BlockKind.HEADING
            and (files := attachment_names(text))
        ):
            for name in files:
                self.found.attachments.append(RawAttachment(self.number, name, Where.of(block)))
            return
        self.item.paragraphs.append(text)
        self.item.lines.append((self.section, text, Where.of(block)))


_INLINE_DECISION = re.compile(r"^(?:[\wåäöÅÄÖ-]+s\s+)?beslut\s*:\s*(\S.{2,})$", re.I | re.S)


def _looks_like_label(block: Block, text: str) -> bool:
    """A short line that stands as a label: 'Kommunstyrelsens beslut', 'Beslut:' (bold), or
    a line that is nothing but a known label ('Beslut' in OCR text, which has no emphasis)."""
    if len(text) > 60:
        return False
    key = label_key(text)
    known = key in _DECISION_LABELS or key in _TEXT_SECTION_LABELS or key in _ACTION_LABELS
    return known or text.endswith(":") or block.is_bold or block.is_italic


def _read_items(blocks: list[Block], found: MeetingStructure, signs: bool = False) -> None:
    reader = _ItemReader(found, signs)
    for block in blocks:
        if (rows := item_table_rows(block)) is not None:
            reader.item_table(block, rows)
        elif (numbered := reader.item_number(block)) is not None or block.kind == BlockKind.HEADING:
            reader.heading(block, numbered)
        elif block.kind == BlockKind.TABLE:
            reader.table(block)
        else:
            reader.paragraph(block)
    for item in found.items:
        if _NEXT_MEETING.match(item.title) and item.paragraphs:
            found.next_meeting_raw = "\n".join(item.paragraphs)


_TASK_COLUMNS = {
    "åtgärder",
    "åtgärd",
    "åtgärdslista",
    "uppdrag",
    "att göra",
    "uppgift",
    "uppgifter",
}
_DUE_COLUMNS = {
    "slutdatum",
    "datum",
    "klart",
    "klart senast",
    "deadline",
    "när",
    "återrapport",
    "klart när",
    "senast",
    "tidplan",
}
_WHO_COLUMNS = {"ansvarig", "ansvar", "föredragande/ansvar", "vem", "ansvariga"}
_ITEM_COLUMNS = {"punkt", "nr", "§", "ärende", "p"}


@dataclass(frozen=True)
class ActionColumns:
    """Where an action table keeps the task, due date, responsible and item reference."""

    task: int
    due: int | None
    who: int | None
    item: int | None


def _action_columns(block: Block) -> ActionColumns | None:
    """The columns, when the table's first row titles an action list (in any order/naming)."""
    if not block.rows:
        return None
    header = [label_key(c.text) for c in block.rows[0]]

    def find(names: set[str]) -> int | None:
        return next((i for i, h in enumerate(header) if h in names), None)

    task, due, who = find(_TASK_COLUMNS), find(_DUE_COLUMNS), find(_WHO_COLUMNS)
    if task is None and "vad" in header and due is not None:
        task = header.index("vad")  # "Vad | Vem | När"
    if task is None:
        return None
    return ActionColumns(task, due, who, find(_ITEM_COLUMNS))


def attachment_names(text: str) -> list[str]:
    """File names when a paragraph is nothing but a list of attached files, else []."""
    names = [m.group(1).strip() for m in _FILE_NAME.finditer(text)]
    if not names:
        return []
    rest = _FILE_NAME.sub("", text).strip(" ,")
    return names if not rest else []
