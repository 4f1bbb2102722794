"""The structure stage: finds the parts of a meeting in the document model.

It reads blocks (headings, paragraphs, list items, tables and their emphasis) and never the
source format. It finds the meeting header (title, date, time, location), the attendee
sections, the agenda items whatever their heading level, the BESLUT blocks, the ÅTGÄRDER
rows in both table forms, the attachments listed under an item, and "Nästa möte".

Everything here is *raw*: text as written, with its provenance. Names, roles, dates and
municipalities inside that text are tagged by the NLP stage and normalized afterwards.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from pipeline.model import Block, BlockKind, Document
from pipeline.normalize.dates import find_time_range, parse_date

# --- what the labels of a meeting look like ------------------------------------------------

_ITEM_HEADING = re.compile(r"^(?:§\s*)?(\d{1,3}(?:\.\d{1,3})*)\.?\)?\s+(\S.*)$")
_DECISION_LABELS = {"beslut", "beslutade", "beslutas", "beslutet"}
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
        re.compile(r"^(beslutande|ledamöter|övriga\s+närvarande|övriga\s+deltagare)\b", re.I),
        "present",
    ),
    (re.compile(r"^deltagare\b", re.I), None),
]

_FILE_NAME = re.compile(
    r"(?:^|,\s*)(?:\d{1,3}\)\s*)?([^,]*?\.(?:pdf|docx?|xlsx?|pptx?|odt|rtf|txt|jpe?g|png|msg))"
    r"(?=\s*(?:,|$))",
    re.IGNORECASE,
)
_PERSON_LINE = re.compile(r"^[-–•*]?\s*[A-ZÅÄÖÉÜ][\w'’.-]*(?:\s+[A-ZÅÄÖÉÜ][\w'’.-]*)+\s*(?:$|[,(])")


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


@dataclass
class AttendeeLine:
    """A line under an attendance label: one person (or a list of them) as written."""

    text: str
    attendance: str | None
    label: str
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
    attendee_lines: list[AttendeeLine] = field(default_factory=list)
    header_notes: list[str] = field(default_factory=list)
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
    first_item = next(
        (i for i, b in enumerate(document.blocks) if agenda_number(b) is not None),
        len(document.blocks),
    )
    _read_header(document.blocks[:first_item], found)
    _read_items(document.blocks[first_item:], found)
    return found


def agenda_number(block: Block) -> tuple[str, str] | None:
    """(number, title) when ``block`` is a numbered agenda heading: '15.1. ÖFUR lokal'."""
    if block.kind != BlockKind.HEADING:
        return None
    m = _ITEM_HEADING.match(block.display_text.strip())
    if not m:
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


def _read_header(blocks: list[Block], found: MeetingStructure) -> None:
    """The meeting header: title, date, time, location and the attendance sections."""
    label: str | None = None
    attendance: str | None = None
    after_time = False
    for block in blocks:
        text = block.display_text.strip()
        if block.kind == BlockKind.HEADING:
            if found.title is None:
                found.title, found.title_where = text, Where.of(block)
            else:
                found.header_notes.append(text)
            continue
        if block.kind == BlockKind.TABLE:
            found.header_notes.append(block.text)
            continue
        is_label, label_attendance = _attendance_label(text)
        if is_label:
            # "Deltagare" lines list people after the label on the same or next line.
            label, attendance = label_key(text), label_attendance
            continue
        if found.date_raw is None and parse_date(text) is not None and len(text) <= 40:
            found.date_raw = text
            continue
        start, _ = find_time_range(text)
        if found.time_raw is None and start is not None and len(text) <= 40:
            found.time_raw = text
            after_time = True
            continue
        if m := re.match(r"^(plats|lokal|mötesplats)\s*:\s*(.+)$", text, re.I):
            found.location = m.group(2).strip()
            continue
        if label is not None and _PERSON_LINE.match(text):
            found.attendee_lines.append(AttendeeLine(text, attendance, label, Where.of(block)))
            continue
        if after_time and found.location is None:
            # The Run-your-meeting header reads: date, time, then the place on its own line.
            found.location = text
            continue
        found.header_notes.append(text)


class _ItemReader:
    """Walks the blocks of the agenda items, one mode at a time."""

    def __init__(self, found: MeetingStructure) -> None:
        self.found = found
        self.item: RawItem | None = None
        self.mode = "text"  # text | decision | actions
        self.decision: RawDecision | None = None
        self.action: RawAction | None = None  # the action row that may still take a date/name

    @property
    def number(self) -> str:
        return self.item.number if self.item else ""

    def heading(self, block: Block) -> None:
        self.action = None
        if numbered := agenda_number(block):
            number, title = numbered
            self.item = RawItem(number, title, Where.of(block))
            self.found.items.append(self.item)
            self.mode = "text"
            return
        key = label_key(block.text)
        if key in _DECISION_LABELS:
            self.mode = "decision"
            self.decision = RawDecision(self.number, [], Where.of(block))
            self.found.decisions.append(self.decision)
        elif key in _ACTION_LABELS:
            self.mode = "actions"
        elif key in _ACTION_COLUMN_LABELS and self.mode == "actions":
            pass  # the broken table form: column titles as headings
        elif self.item is not None:
            self.mode = "text"
            self.item.paragraphs.append(block.text)

    def table(self, block: Block) -> None:
        columns = _action_columns(block)
        if columns is None:
            self._text(block, "\n".join(" | ".join(c.text for c in r) for r in block.rows))
            return
        task_col, due_col, who_col = columns
        for r, row in enumerate(block.rows[1:], start=1):
            cells = [c.text.strip() for c in row]
            task = cells[task_col] if task_col < len(cells) else ""
            due = cells[due_col] if due_col is not None and due_col < len(cells) else ""
            who = cells[who_col] if who_col is not None and who_col < len(cells) else ""
            if task or due or who:
                self.found.actions.append(
                    RawAction(self.number, task, due or None, who or None, Where.of(block, r))
                )
        self.mode = "actions"  # italic task lines may continue the table
        self.action = None

    def paragraph(self, block: Block) -> None:
        text = block.display_text.strip()
        if self.mode == "actions" and self._action_line(block, text):
            return
        if self.mode == "actions":
            self.mode = "text"
        if self.mode == "decision" and self.decision is not None:
            self.decision.paragraphs.append(text)
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
            and len(text) <= 40
            and parse_date(text) is not None
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


def _read_items(blocks: list[Block], found: MeetingStructure) -> None:
    reader = _ItemReader(found)
    for block in blocks:
        if block.kind == BlockKind.HEADING:
            reader.heading(block)
        elif block.kind == BlockKind.TABLE:
            reader.table(block)
        else:
            reader.paragraph(block)
    for item in found.items:
        if _NEXT_MEETING.match(item.title) and item.paragraphs:
            found.next_meeting_raw = "\n".join(item.paragraphs)


def _action_columns(block: Block) -> tuple[int, int | None, int | None] | None:
    """Column indexes (task, due, responsible) when the table's first row titles an action list."""
    if not block.rows:
        return None
    header = [label_key(c.text) for c in block.rows[0]]
    task = next((i for i, h in enumerate(header) if h in _ACTION_LABELS), None)
    if task is None:
        return None
    due = next(
        (i for i, h in enumerate(header) if h in {"slutdatum", "datum", "klart", "klart senast"}),
        None,
    )
    who = next((i for i, h in enumerate(header) if h in {"ansvarig", "ansvar"}), None)
    return task, due, who


def attachment_names(text: str) -> list[str]:
    """File names when a paragraph is nothing but a list of attached files, else []."""
    names = [m.group(1).strip() for m in _FILE_NAME.finditer(text)]
    if not names:
        return []
    rest = _FILE_NAME.sub("", text).strip(" ,")
    return names if not rest else []
