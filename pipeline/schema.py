"""The output tables: every column's name, Arrow type and meaning, in one place.

The exporters build their explicit Parquet schemas and CSV headers from here, and
``docs/data_dictionary.md`` is generated from it (``protokoll schema``), so the data
dictionary can never drift from what is written.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa


@dataclass(frozen=True)
class Column:
    name: str
    type: pa.DataType
    description: str
    nullable: bool = True


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    primary_key: tuple[str, ...]
    columns: tuple[Column, ...]

    @property
    def arrow_schema(self) -> pa.Schema:
        return pa.schema([pa.field(c.name, c.type, nullable=c.nullable) for c in self.columns])

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


S, INT, D = pa.string(), pa.int32(), pa.date32()
ROLES = pa.list_(pa.string())

_PAGE = Column("page", INT, "Page in the source where the record starts (text exports: 1).")
_POSITION = Column(
    "position",
    S,
    "Where on that page: 'line 57' (text), 'paragraph 12' (Word), ', row 2' for table rows.",
)
_MEETING = Column("meeting_id", S, "The meeting (meetings.meeting_id).", nullable=False)
_PERSON = (  # a person a record names: the run-wide id and the canonical spelling
    Column("person_id", S, "Stable id of the canonical name."),
    Column("name", S, "Canonical name."),
)
_ITEM = Column("item_number", S, "Agenda item number as written without trailing dot: '3', '15.1'.")

TABLES: dict[str, Table] = {
    t.name: t
    for t in [
        Table(
            "documents",
            "One row per source file seen by a run, readable or not.",
            ("document_id",),
            (
                Column("document_id", S, "Stable id from the file's content (sha256).", False),
                Column("source_path", S, "Path of the file as given to the run.", False),
                Column("source_format", S, "Format detected from content: rym-md, docx, ..."),
                Column("sha256", S, "SHA-256 of the file's bytes."),
                Column("size_bytes", pa.int64(), "File size in bytes."),
                Column("pages", INT, "Pages in the document (text exports: 1)."),
                Column("status", S, "ok | partial | failed.", False),
                Column("error", S, "Why the file failed or is partial, naming the problem."),
                Column("warnings", S, "Things noticed while reading that did not stop it."),
                Column(
                    "redactions",
                    S,
                    "What --redact replaced in this document's rows, per kind asked: "
                    "'email=1; phone=1; personnummer=0' (empty: no redaction asked).",
                ),
                Column("extractor_version", S, "protokoll version that wrote the row.", False),
            ),
        ),
        Table(
            "meetings",
            "One row per meeting found in a document.",
            ("meeting_id",),
            (
                _MEETING,
                Column("document_id", S, "The source document.", False),
                Column("title", S, "Title line of the minutes as written."),
                Column("organization", S, "Municipality, region or association holding it."),
                Column("body", S, "The meeting body: Kommunchefsgruppen, Kommunstyrelsen, ..."),
                Column("date", D, "Meeting date."),
                Column("date_raw", S, "The date as written."),
                Column("start_time", S, "Start time HH:MM."),
                Column("end_time", S, "End time HH:MM."),
                Column("location", S, "Place as written."),
                Column("next_meeting_date", D, "Date of the next meeting when the minutes say."),
                Column("next_meeting_raw", S, "The 'Nästa möte' text as written."),
                _PAGE,
                _POSITION,
            ),
        ),
        Table(
            "attendees",
            "One row per person listed in the attendance sections (or participant list).",
            ("meeting_id", "person_id"),
            (
                _MEETING,
                Column("person_id", S, "Stable id of the canonical name.", False),
                Column("name", S, "Canonical name: the best spelling found in the document."),
                Column("name_raw", S, "The name as written on the attendance line."),
                Column("roles", ROLES, "Roles: ordförande, sekreterare, ... (CSV: '; '-joined)."),
                Column("attendance", S, "present | remote | absent (empty: listed, not stated)."),
                Column("attendance_raw", S, "The attendance label as written."),
                Column("municipality", S, "Municipality represented, official 'X kommun' form."),
                Column("municipality_code", S, "Four-digit kommunkod of that municipality."),
                Column("municipality_source", S, "stated (on the line) | paired (action table)."),
                Column("party", S, "Party abbreviation when stated: S, M, C, ..."),
                Column("replaces", S, "For a serving substitute: the member replaced."),
                Column("replaces_person_id", S, "person_id of the member replaced."),
                Column(
                    "items_raw",
                    S,
                    "The §§ the line limits the person to, as written: a substitution's "
                    "'§§ 170-184', an official's 'ekonomichef, §§ 101–102'.",
                ),
                _PAGE,
                _POSITION,
            ),
        ),
        Table(
            "item_attendance",
            "One row per attendee and agenda item when the attendance line names §§ (a "
            "substitute serving on some items only, an official present for some): who "
            "served on, or attended, which item.",
            ("meeting_id", "item_number", "person_id"),
            (
                _MEETING,
                _ITEM,
                Column("person_id", S, "The attendee (attendees.person_id).", False),
                Column("name", S, "Canonical name."),
                Column("replaces_person_id", S, "For a substitute: person_id of the member."),
                Column("replaces", S, "For a substitute: the member replaced on this item."),
                Column("items_raw", S, "The §-range as written: '§§ 170, 172–174'."),
                _PAGE,
                _POSITION,
            ),
        ),
        Table(
            "agenda_items",
            "One row per numbered agenda item.",
            ("meeting_id", "item_number"),
            (
                _MEETING,
                _ITEM,
                Column("title", S, "Heading without its number."),
                Column("dnr", S, "Diary number as written: 'KS 2015/312' (from 'Dnr ...')."),
                Column("text", S, "Discussion text (not decisions, actions or attachments)."),
                Column(
                    "text_restored",
                    S,
                    'The text with stripped å/ä/ö restored ("fragan" -> "frågan") where the '
                    "source had lost them; otherwise the same as text.",
                ),
                _PAGE,
                _POSITION,
            ),
        ),
        Table(
            "decisions",
            "One row per formal decision block (BESLUT).",
            ("decision_id",),
            (
                Column("decision_id", S, "Stable id: meeting, item and order.", False),
                _MEETING,
                _ITEM,
                Column("ordinal", INT, "1 for the first decision of the item, 2 for the next."),
                Column("text", S, "Full decision text, paragraphs joined by a newline."),
                Column(
                    "text_restored",
                    S,
                    "The decision text with stripped å/ä/ö restored where the source had "
                    "lost them; otherwise the same as text.",
                ),
                Column(
                    "decision_type",
                    S,
                    "What the decision does, by rule on its verbs: approve, reject, assign, "
                    "propose, note, defer, elect, other.",
                ),
                _PAGE,
                _POSITION,
            ),
        ),
        Table(
            "actions",
            "One row per row of an action table (ÅTGÄRDER / SLUTDATUM / ANSVARIG).",
            ("action_id",),
            (
                Column("action_id", S, "Stable id: meeting, item and order.", False),
                _MEETING,
                _ITEM,
                Column("ordinal", INT, "Order of the action within its item."),
                Column("task", S, "Task text without markup."),
                Column(
                    "task_restored",
                    S,
                    'The task with stripped å/ä/ö restored ("fragan" -> "frågan") where the '
                    "source had lost them; otherwise the same as task.",
                ),
                Column(
                    "due_date",
                    D,
                    "Due date (a yearless date takes the year on or after "
                    "the meeting; a range its last day; a week 'v. 45' its Friday).",
                ),
                Column("due_raw", S, "Due date as written."),
                Column(
                    "responsible",
                    S,
                    "Canonical name of the responsible person, or the "
                    "text as written when it is not a known person.",
                ),
                Column("responsible_person_id", S, "person_id when the responsible is a person."),
                Column("responsible_raw", S, "Responsible as written."),
                Column(
                    "series_id",
                    S,
                    "The action series: the same task for the same responsible coming back in "
                    "later meetings of the same body shares the id of its first appearance.",
                    False,
                ),
                Column("series_position", INT, "1 at the first appearance, 2 at the next, ..."),
                _PAGE,
                _POSITION,
            ),
        ),
        Table(
            "votes",
            "One row per vote (omröstning) on an item: counts from the text or a roll call.",
            ("vote_id",),
            (
                Column("vote_id", S, "Stable id: meeting, item and order.", False),
                _MEETING,
                _ITEM,
                Column("ordinal", INT, "Order of the vote within its item."),
                Column("yes", INT, "Ja-röster."),
                Column("no", INT, "Nej-röster."),
                Column("abstain", INT, "Avstår (when stated)."),
                Column("text", S, "The sentence the counts come from (empty for a roll call)."),
                _PAGE,
                _POSITION,
            ),
        ),
        Table(
            "vote_records",
            "One row per person and vote when a roll call (Ja | Nej | Avstår) is listed.",
            ("vote_id", "name_raw"),
            (
                Column("vote_id", S, "The vote (votes.vote_id).", False),
                _MEETING,
                _ITEM,
                *_PERSON,
                Column("name_raw", S, "Name as written in the roll call.", False),
                Column("vote", S, "ja | nej | avstår."),
            ),
        ),
        Table(
            "reservations",
            "One row per person who reserved themselves against a decision.",
            ("meeting_id", "item_number", "name_raw", "text"),
            (
                _MEETING,
                _ITEM,
                *_PERSON,
                Column("name_raw", S, "Name as written."),
                Column("party", S, "Party abbreviation when stated next to the name."),
                Column("text", S, "The sentence of the reservation."),
                _PAGE,
                _POSITION,
            ),
        ),
        Table(
            "recusals",
            "One row per person who was jävig (did not take part in an item).",
            ("meeting_id", "item_number", "name_raw"),
            (
                _MEETING,
                _ITEM,
                *_PERSON,
                Column("name_raw", S, "Name as written."),
                Column("text", S, "The sentence that records the jäv."),
                _PAGE,
                _POSITION,
            ),
        ),
        Table(
            "mentions",
            "One row per person, organisation or place named in a decision, an action or an "
            "agenda item's text (the trained NER with the rules).",
            ("mention_id",),
            (
                Column("mention_id", S, "Stable id: meeting, source, its id and offset.", False),
                _MEETING,
                _ITEM,
                Column("source", S, "Where the name stands: decision | action | item."),
                Column("source_id", S, "decisions.decision_id or actions.action_id (item: empty)."),
                Column("kind", S, "PERSON | ORG | LOC."),
                Column("text", S, "The name as written."),
                Column(
                    "reference_id",
                    S,
                    "For a municipality its kommunkod, for a region or public body its short "
                    "form (reference data), when it names one.",
                ),
                Column(
                    "person_id",
                    S,
                    "PERSON: the person it denotes (an attendee, a responsible or a person "
                    "named in full); empty when a first name or initials fit no one or several.",
                ),
                Column("char_start", INT, "Offset of the name in the source text."),
                _PAGE,
                _POSITION,
            ),
        ),
        Table(
            "persons",
            "One row per person of the run across all meetings (and per roster entry).",
            ("person_id",),
            (
                Column("person_id", S, "Stable id across meetings and runs.", False),
                Column("name", S, "Canonical name: the best spelling seen."),
                Column("variants", ROLES, "Every spelling seen (CSV: '; '-joined)."),
                Column("municipality", S, "Municipality most often stated, or the roster's."),
                Column("email", S, "E-mail from a roster (--roster); personal data."),
                Column("roster_role", S, "Role the roster gives: ordförande, ledamot, ..."),
                Column("roster", S, "Roster file the e-mail and role come from."),
                Column("meetings", INT, "Meetings the person appears in."),
                Column("first_seen", D, "Date of the first meeting they appear in."),
                Column("last_seen", D, "Date of the last meeting they appear in."),
            ),
        ),
        Table(
            "attachments",
            "One row per attached file listed under an agenda item.",
            ("meeting_id", "item_number", "filename"),
            (_MEETING, _ITEM, Column("filename", S, "File name as written."), _PAGE, _POSITION),
        ),
    ]
}


def data_dictionary_markdown() -> str:
    """The data dictionary as Markdown (written to docs/data_dictionary.md)."""
    lines = [
        "# Data dictionary",
        "",
        "Generated from `pipeline/schema.py` by `protokoll schema > docs/data_dictionary.md`.",
        "Every table is written as `<table>.parquet` and `<table>.csv` (UTF-8) in the output",
        "folder. Dates are ISO `YYYY-MM-DD`; list columns are `; `-joined in CSV.",
        "",
    ]
    for table in TABLES.values():
        lines += [
            f"## {table.name}",
            "",
            table.description + f" Primary key: `{', '.join(table.primary_key)}`.",
            "",
            "| column | type | description |",
            "|---|---|---|",
        ]
        lines += [f"| {c.name} | {c.type} | {c.description} |" for c in table.columns]
        lines.append("")
    return "\n".join(lines)
