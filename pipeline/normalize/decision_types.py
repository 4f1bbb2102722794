"""What a decision does, by rule on its verbs.

Swedish decisions say what they do in a handful of verbs: "uppdras" (an assignment),
"föreslå" (a proposal to another body), "avslå" (a rejection), "godkänna"/"anta"/"bifalla"
(an approval), "återremittera" (sent back), "bordlägga" (postponed), "lägga till handlingarna"
(noted). The type is the one whose verb comes first in the text; stripped å/ä/ö count too.
"""

from __future__ import annotations

import re

DECISION_TYPES: list[tuple[str, re.Pattern[str]]] = [
    ("återremiss", re.compile(r"\b[åa]terremitt", re.I)),
    ("bordläggning", re.compile(r"\bbordl[äa]gg", re.I)),
    ("avslag", re.compile(r"\bavsl[åa](s|r|g)?\b|\bavslag", re.I)),
    ("uppdrag", re.compile(r"\buppdra(s|r|gs)?\b|\bi uppdrag\b|\buppdrog", re.I)),
    ("förslag", re.compile(r"\bf[öo]resl[åa](s|r)?\b|\bf[öo]rordar\b", re.I)),
    (
        "godkännande",
        re.compile(r"\bgodk[äa]nn|\bbifall|\bantar\b|\bantas\b|\bfastst[äa]ll|\bgodta", re.I),
    ),
    ("information", re.compile(r"till handlingarna|\bnoterar\b|\binformationen\b", re.I)),
]
OTHER = "övrigt"


def decision_type(text: str) -> str:
    """The type whose verb comes first in ``text``; ``övrigt`` when none is found."""
    first: tuple[int, str] | None = None
    for name, pattern in DECISION_TYPES:
        if (m := pattern.search(text)) and (first is None or m.start() < first[0]):
            first = (m.start(), name)
    return first[1] if first else OTHER
