"""What a decision does, by rule on its verbs.

Swedish decisions say what they do in a handful of verbs. The fixed vocabulary (English, so
it reads the same in every analysis tool) and its Swedish cues:

- approve: godkänna, bifalla, anta, fastställa, godta, bevilja, tillstyrka, ställa sig bakom
  or positiv till, "enligt förslag"
- reject: avslå, avstyrka, ställa sig negativ till, "inte bevilja", "inte gå vidare"
- assign: uppdra, ge/få i uppdrag, "X ansvarar för", "X tar kontakt med"
- propose: föreslå, förorda, rekommendera, hemställa (a proposal to another body)
- note: lägga till handlingarna, notera, ta del av, anteckna (för kännedom), informationen
- defer: bordlägga, återremittera, skjuta upp, avvakta, "tas upp / behandlas vid nästa möte"
- elect: välja, utse, fyllnadsvälja
- other: none of these (the body decides to do something itself)

The type is the one whose cue comes first in the text; stripped å/ä/ö count too. An approving
verb under a negation ("inte bevilja") rejects; "med godkännande lägga till handlingarna"
notes. Measured on the hand-labelled decisions in ``tests/nlp_eval/decision_types.jsonl``.
"""

from __future__ import annotations

import re

_A, _O, _AE = "[åa]", "[öo]", "[äa]"
_NEGATION = re.compile(r"\b(?:inte|ej|icke)\s+(?:att\s+)?$", re.I)

DECISION_TYPES: list[tuple[str, re.Pattern[str]]] = [
    (
        "defer",
        re.compile(
            rf"\b{_A}terremitt|\bbordl{_AE}g|\bskjut(?:a|s|er)\s+upp|\bskj{_O}ts\s+upp"
            rf"|\bavvakta|\b(?:tas\s+upp|behandlas|g{_A}r\s+igenom)(?:\s+igen)?\s+vid\s+"
            rf"(?:n{_AE}sta|kommande|strategidag|mötet\s+i)",
            re.I,
        ),
    ),
    (
        "reject",
        re.compile(
            rf"\bavsl{_A}(?:s|r|g)?\b|\bavslag|\bavstyrk|\bst{_AE}ll(?:er|a|de)\s+sig\s+negativ"
            rf"|\binte\s+g{_A}\s+vidare",
            re.I,
        ),
    ),
    (
        "assign",
        re.compile(
            r"\buppdra(?:s|r|gs)?\b|\bi uppdrag\b|\buppdrog|\bansvarar\s+för\b"
            r"|\btar\s+kontakt\s+med\b",
            re.I,
        ),
    ),
    (
        "propose",
        re.compile(
            rf"\bf{_O}resl{_A}(?:s|r)?\b|\bf{_O}ror?da(?:r|s)?\b|\brekommender(?:ar|a)\b"
            rf"|\bhemst{_AE}ll",
            re.I,
        ),
    ),
    (
        "approve",
        re.compile(
            rf"(?<!med )\bgodk{_AE}n|\bbifall|\bantar\b|\bantas\b|\banta\b|\bantogs\b"
            rf"|\bfastst{_AE}ll|\bgodta|\bbevilja|\btillstyrk"
            rf"|\bst{_AE}ll(?:er|a|de)\s+sig\s+(?:bakom|positiv)|^\s*enligt\s+f{_O}rslag",
            re.I,
        ),
    ),
    (
        "elect",
        re.compile(
            rf"\bv{_AE}lj(?:s|er|a)?\b|\bvaldes?\b|\butse[rs]?\b|\butses\b|\buts{_A}gs\b"
            rf"|\bfyllnadsv{_AE}lj",
            re.I,
        ),
    ),
    (
        "note",
        re.compile(
            r"till handlingarna|\bnoterar\b|\binformationen\b|\btar del av\b"
            r"|\banteckna(?:s|des|r)?\b",
            re.I,
        ),
    ),
]
OTHER = "other"
VOCABULARY = (*(name for name, _ in DECISION_TYPES), OTHER)


def decision_type(text: str) -> str:
    """The type whose cue comes first in ``text``; ``other`` when none is found."""
    first: tuple[int, str] | None = None
    for name, pattern in DECISION_TYPES:
        for m in pattern.finditer(text):
            kind = name
            if name == "approve" and _NEGATION.search(text[: m.start()][-20:]):
                kind = "reject"  # "beslutar att inte bevilja"
            if first is None or m.start() < first[0]:
                first = (m.start(), kind)
            break
    return first[1] if first else OTHER
