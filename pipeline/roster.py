"""Rosters: who belongs to a group, as the group publishes it.

A roster names people with their municipality, e-mail and role; it gives the `persons`
table spellings and facts the minutes leave out ("Lisa" never says where she works). Two
forms are read:

- CSV with a header row ``name,municipality,email,role`` (any order; only ``name`` needed);
- a group's web page as text, like Umeåregionen's `kommunchefsgruppen.txt`: a role heading
  ("Ordförande", "Övriga medlemmar") followed by blocks of name / municipality / e-mail lines.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from pipeline import reference
from pipeline.errors import DocumentError

_EMAIL = re.compile(r"^[\w.+-]+@[\w-]+(\.[\w-]+)+$")
_ROLE_HEADINGS = {
    "ordförande": "ordförande",
    "vice ordförande": "vice ordförande",
    "övriga medlemmar": "ledamot",
    "medlemmar": "ledamot",
    "ledamöter": "ledamot",
}


@dataclass(frozen=True)
class RosterEntry:
    name: str
    municipality: str | None = None
    email: str | None = None
    role: str | None = None
    source: str = ""


def read_roster(path: Path) -> list[RosterEntry]:
    """The people of a roster file (CSV or web-page text); a clear error if it has none."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise DocumentError(f"{path}: cannot read roster: {exc}") from exc
    first = text.lstrip().split("\n", 1)[0].casefold()
    entries = _from_csv(text, path) if "name" in first and "," in first else _from_page(text, path)
    if not entries:
        raise DocumentError(f"{path}: no people found in the roster")
    return entries


def _municipality(text: str | None) -> str | None:
    if not text:
        return None
    found = reference.find_municipality(text.strip())
    return found.official_name if found else text.strip()


def _from_csv(text: str, path: Path) -> list[RosterEntry]:
    rows = csv.DictReader(text.splitlines())
    return [
        RosterEntry(
            r["name"].strip(),
            _municipality(r.get("municipality")),
            (r.get("email") or "").strip() or None,
            (r.get("role") or "").strip().casefold() or None,
            path.name,
        )
        for r in rows
        if (r.get("name") or "").strip()
    ]


def _from_page(text: str, path: Path) -> list[RosterEntry]:
    """Blocks 'Name / X kommun / e-mail' under a role heading; other text is skipped."""
    lines = [line.strip() for line in text.splitlines()]
    entries: list[RosterEntry] = []
    role = None
    for i, line in enumerate(lines):
        key = line.casefold()
        if key in _ROLE_HEADINGS:
            role = _ROLE_HEADINGS[key]
        elif _EMAIL.match(line) and i >= 2 and role:
            name, municipality = lines[i - 2], lines[i - 1]
            if reference.find_municipality(municipality) and len(name.split()) >= 2:
                entries.append(
                    RosterEntry(name, _municipality(municipality), line, role, path.name)
                )
    return entries
