"""``datapackage.json``: the CSV tables as a Frictionless Tabular Data Package.

Generated from ``pipeline/schema.py`` so that any Frictionless tool (``frictionless
validate``, the Data Package libraries for R, Python, JavaScript) can check and load the
tables with their types, keys and the links between them without reading our code.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from pipeline.schema import TABLES, Column

DATAPACKAGE_NAME = "datapackage.json"

PERSONAL_DATA_NOTE = (
    "Contains personal data from the minutes (names, roles, municipalities, and e-mail "
    "addresses or phone numbers where the minutes have them). Process it under GDPR: "
    "keep it inside the project's folders and do not publish or share it."
)

_REDACTED_WHAT = {
    "email": "e-mail addresses ([e-post])",
    "phone": "phone numbers ([telefon])",
    "personnummer": "personnummer ([personnummer])",
    "names": "names of people other than the attendees ([namn])",
}


def redaction_note(kinds) -> str:
    """What a redacted dataset no longer holds, for its description; '' when nothing."""
    what = [text for kind, text in _REDACTED_WHAT.items() if kind in set(kinds)]
    if not what:
        return ""
    return (
        f"Redacted (protokoll --redact): {', '.join(what)} are replaced by the marker in "
        "brackets in every text column; documents.redactions counts them per document. "
        "The rest of the personal data is still there."
    )


@dataclass(frozen=True)
class ForeignKey:
    """``table.columns`` refer to ``ref_table.ref_columns`` (its primary key)."""

    table: str
    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...]


ITEM_KEY = ("meeting_id", "item_number")


def foreign_keys() -> tuple[ForeignKey, ...]:
    """The links between the tables, read off the schema by two naming rules.

    A column named like another table's single-column primary key refers to that table
    (meetings.document_id -> documents, every meeting_id -> meetings); a table with
    meeting_id and item_number belongs to that agenda item. New tables get their keys
    without anyone remembering to add them here.
    """
    ids = {t.primary_key[0]: t.name for t in TABLES.values() if len(t.primary_key) == 1}
    keys = []
    for table in TABLES.values():
        names = set(table.column_names)
        for column in table.column_names:
            target = ids.get(column)
            if target and target != table.name:
                keys.append(ForeignKey(table.name, (column,), target, (column,)))
        if set(ITEM_KEY) <= names and table.name != "agenda_items":
            keys.append(ForeignKey(table.name, ITEM_KEY, "agenda_items", ITEM_KEY))
    return tuple(keys)


FOREIGN_KEYS: tuple[ForeignKey, ...] = foreign_keys()


def field_type(column: Column) -> str:
    """Table Schema type of a column; list columns are '; '-joined strings in the CSV."""
    t = column.type
    if pa.types.is_string(t) or pa.types.is_list(t):
        return "string"
    if pa.types.is_integer(t):
        return "integer"
    if pa.types.is_date(t):
        return "date"
    raise ValueError(f"no Table Schema type for {column.name} ({t})")


def _field(column: Column) -> dict:
    description = column.description
    if pa.types.is_list(column.type) and "'; '-joined" not in description:
        description += " A list: values '; '-joined."
    field = {"name": column.name, "type": field_type(column), "description": description}
    if not column.nullable:
        field["constraints"] = {"required": True}
    return field


def _foreign_key(fk: ForeignKey) -> dict:
    def one_or_list(cols: tuple[str, ...]) -> str | list[str]:
        return cols[0] if len(cols) == 1 else list(cols)

    return {
        "fields": one_or_list(fk.columns),
        "reference": {"resource": fk.ref_table, "fields": one_or_list(fk.ref_columns)},
    }


def datapackage_descriptor(redacted=()) -> dict:
    """The descriptor of the UTF-8 CSV tables written to an output folder; ``redacted``:
    the kinds of personal data replaced in them (noted in the description)."""
    resources = []
    for table in TABLES.values():
        schema: dict = {
            "fields": [_field(c) for c in table.columns],
            "primaryKey": list(table.primary_key),
            "missingValues": [""],
        }
        fks = [_foreign_key(fk) for fk in FOREIGN_KEYS if fk.table == table.name]
        if fks:
            schema["foreignKeys"] = fks
        resources.append(
            {
                "name": table.name,
                "path": f"{table.name}.csv",
                "profile": "tabular-data-resource",
                "description": table.description,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": {
                    "delimiter": ",",
                    "lineTerminator": "\n",
                    "quoteChar": '"',
                    "doubleQuote": True,
                    "header": True,
                },
                "schema": schema,
            }
        )
    return {
        "profile": "tabular-data-package",
        "name": "protokoll",
        "title": "Swedish municipal meeting minutes as tables",
        "description": (
            "Meetings, attendees, agenda items, decisions (BESLUT), actions (ÅTGÄRDER) and "
            "attachments extracted from Swedish municipal meeting minutes by protokoll. "
            "Dates are ISO YYYY-MM-DD; every record has the page and position it came from. "
            + PERSONAL_DATA_NOTE
            + (" " + redaction_note(redacted) if redaction_note(redacted) else "")
        ),
        "resources": resources,
    }
