"""Who served on which §: an attendance line that names paragraphs, per agenda item.

A serving substitute often serves on some items only: "Eva Lindahl (S) ersätter Lena
Forsgren (S) §§ 170, 172–174"; an official attends some: "Fredrik Lund, ekonomichef, §§
101–102". The attendees table keeps that as written (``items_raw``);
:func:`item_attendance_rows` turns it into one row per person and agenda item, so that an
analyst can ask who decided § 173 without parsing ranges. Built per meeting from the
attendees and agenda items of the run's tables. A § that the minutes' own agenda does not
have gets no row (it stays readable in ``attendees.items_raw``), so every row points to an
existing agenda item.
"""

from __future__ import annotations

import re
from collections import defaultdict

_RANGE = re.compile(r"^(\d+)\s*[-–—]\s*(\d+)$")
_PARTS = re.compile(r"\s*(?:,|\boch\b|&)\s*")
_MAX_RANGE = 1000  # "§§ 1-99999" is a typo, not a thousand items


def item_numbers(items_raw: str | None) -> list[str]:
    """The paragraph numbers a '§§ 170, 172–174' text names: ['170', '172', '173', '174'].

    Numbers as agenda item numbers are written ('3', '3 a'); a range expands to every number
    in it; anything else is kept as written, without '§'.
    """
    if not items_raw:
        return []
    text = items_raw.replace("§", " ").strip(" .,;")
    numbers: list[str] = []
    for part in _PARTS.split(text):
        part = " ".join(part.split())
        if not part:
            continue
        if (m := _RANGE.match(part)) and 0 <= int(m[2]) - int(m[1]) <= _MAX_RANGE:
            numbers.extend(str(n) for n in range(int(m[1]), int(m[2]) + 1))
        else:
            numbers.append(part)
    return list(dict.fromkeys(numbers))


def _key(number: str) -> str:
    return "".join(number.split()).lower()


def item_attendance_rows(tables: dict[str, list[dict]]) -> list[dict]:
    """One row per attendee and agenda item for every attendee whose line names §§."""
    items_of: dict[str, dict[str, str]] = defaultdict(dict)
    for item in tables.get("agenda_items", []):
        number = item.get("item_number")
        if isinstance(number, str) and number:
            items_of[item["meeting_id"]].setdefault(_key(number), number)
    rows = []
    for attendee in tables.get("attendees", []):
        items_raw = attendee.get("items_raw")
        if not isinstance(items_raw, str) or not items_raw:
            continue
        known = items_of.get(attendee["meeting_id"], {})
        for number in item_numbers(items_raw):
            if (item_number := known.get(_key(number))) is None:
                continue
            rows.append(
                {
                    "meeting_id": attendee["meeting_id"],
                    "item_number": item_number,
                    "person_id": attendee.get("person_id"),
                    "name": attendee.get("name"),
                    "replaces_person_id": attendee.get("replaces_person_id"),
                    "replaces": attendee.get("replaces"),
                    "items_raw": items_raw,
                    "page": attendee.get("page"),
                    "position": attendee.get("position"),
                }
            )
    return rows
