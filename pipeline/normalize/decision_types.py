"""What a decision does, by rule on its verbs.

Swedish decisions say what they do in a handful of verbs. The fixed vocabulary (English, so
it reads the same in every analysis tool) and its Swedish cues:

- approve: godkänna, bifalla, anta, fastställa, godta
- reject: avslå
- assign: uppdra, ge i uppdrag
- propose: föreslå, förorda (a proposal to another body)
- note: lägga till handlingarna, notera, informationen
- defer: bordlägga, återremittera
- elect: välja, utse
- other: none of these

The type is the one whose cue comes first in the text; stripped å/ä/ö count too.
"""

from __future__ import annotations

import re

DECISION_TYPES: list[tuple[str, re.Pattern[str]]] = [
    ("defer", re.compile(r"\b[åa]terremitt|\bbordl[äa]gg", re.I)),
    ("reject", re.compile(r"\bavsl[åa](s|r|g)?\b|\bavslag", re.I)),
    ("assign", re.compile(r"\buppdra(s|r|gs)?\b|\bi uppdrag\b|\buppdrog", re.I)),
    ("propose", re.compile(r"\bf[öo]resl[åa](s|r)?\b|\bf[öo]rordar\b", re.I)),
    (
        "approve",
        re.compile(r"\bgodk[äa]nn|\bbifall|\bantar\b|\bantas\b|\bfastst[äa]ll|\bgodta", re.I),
    ),
    ("elect", re.compile(r"\bv[äa]ljs?\b|\bvalde\b|\butse[rs]?\b|\butses\b|\butsågs\b", re.I)),
    ("note", re.compile(r"till handlingarna|\bnoterar\b|\binformationen\b", re.I)),
]
OTHER = "other"
VOCABULARY = (*(name for name, _ in DECISION_TYPES), OTHER)


def decision_type(text: str) -> str:
    """The type whose cue comes first in ``text``; ``other`` when none is found."""
    first: tuple[int, str] | None = None
    for name, pattern in DECISION_TYPES:
        if (m := pattern.search(text)) and (first is None or m.start() < first[0]):
            first = (m.start(), name)
    return first[1] if first else OTHER
