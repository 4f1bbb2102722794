"""Reference data the project ships: municipalities, regions, public bodies and roles.

Read once from ``pipeline/data/*.csv``; nothing is fetched at run time.
"""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


def fold(text: str) -> str:
    """Lower-case ASCII letters and digits only: 'Umeå kommun' -> 'umeakommun'.

    Archives strip å/ä/ö and spaces inconsistently, so comparisons go through this form.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if ch.isascii() and ch.isalnum())


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@dataclass(frozen=True)
class Municipality:
    code: str
    name: str
    official_name: str
    county: str


@cache
def municipalities() -> dict[str, Municipality]:
    """All 290 Swedish municipalities by their four-digit code."""
    return {r["code"]: Municipality(**r) for r in _rows("municipalities.csv")}


@cache
def municipality_by_folded_name() -> dict[str, Municipality]:
    """Lookup by folded short name, official name and genitive: 'vannas', 'nordmalings'."""
    index: dict[str, Municipality] = {}
    for m in municipalities().values():
        genitive = m.official_name.removesuffix(" kommun")
        for form in (m.name, m.official_name, genitive, f"{m.name} stad", f"{genitive} stad"):
            index.setdefault(fold(form), m)
    return index


def find_municipality(text: str) -> Municipality | None:
    """The municipality ``text`` names ('Vännäs', 'Vindelns kommun', 'Umea'), if any."""
    return municipality_by_folded_name().get(fold(text))


@cache
def regions() -> list[dict[str, str]]:
    return _rows("regions.csv")


@cache
def public_bodies() -> list[dict[str, str]]:
    return _rows("public_bodies.csv")


@cache
def roles() -> dict[str, str]:
    """Role phrase as written (lower case) -> canonical role."""
    return {r["pattern"].casefold(): r["role"] for r in _rows("roles.csv")}


@cache
def first_names() -> frozenset[str]:
    """Folded Swedish first names (from Faker's sv_SE lists, see scripts/make_first_names.py)."""
    text = (DATA_DIR / "first_names.txt").read_text(encoding="utf-8")
    return frozenset(fold(part) for line in text.split() for part in line.split("-"))
