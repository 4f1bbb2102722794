"""How an item was handled: votes (with roll calls), reservations and recusals (jäv).

Formal minutes record them in set phrases: "Omröstning ... 7 ja-röster mot 4 nej-röster och
2 som avstår", a roll-call table "Ledamot | Ja | Nej | Avstår", "Anna Berg (S) reserverar sig
mot beslutet", "Olle Ek (C) anmäler jäv och deltar inte i handläggningen". They are read from
the item's lines (with the section they stand under) that the structure stage kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from spacy.tokens import Doc

from pipeline.ids import stable_id
from pipeline.normalize.parties import party_after
from pipeline.structure import RawItem, Where

_NUMBER_WORDS = {
    word: number
    for number, word in enumerate(
        ("noll", "ett", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio", "elva")
        + ("tolv", "tretton", "fjorton", "femton", "sexton", "sjutton", "arton", "nitton", "tjugo")
    )
}
_NUMBER_WORDS.update({"en": 1, "ett": 1, "två": 2})
_N = r"(\d{1,3}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")"
_COUNT_PATTERNS = {
    "yes": [rf"\b{_N}\s+ja(?:-?röst(?:er)?)?\b", r"\bja(?:-?röster)?\s*[:=]\s*(\d{1,3})"],
    "no": [rf"\b{_N}\s+nej(?:-?röst(?:er)?)?\b", r"\bnej(?:-?röster)?\s*[:=]\s*(\d{1,3})"],
    "abstain": [
        rf"\b{_N}\s+(?:som\s+)?(?:avstår|avstod|avstående|nedlagda)",
        r"\b(?:avstår|avstående|avstod)\s*[:=]\s*(\d{1,3})",
    ],
}
_COUNTS = {k: [re.compile(p, re.I) for p in v] for k, v in _COUNT_PATTERNS.items()}
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ])")
_RESERVATION = re.compile(r"\breserver(?:ar|ade|at)\s+sig\b|\breservation\b", re.I)
_RECUSAL = re.compile(r"\bjäv(?:ig|iga|et)?\b|\bjav(?:ig)?\b", re.I)
_ROLL_CALL_VOTES = {"ja": "ja", "nej": "nej", "avstår": "avstår", "avstod": "avstår"}

Tagger = Callable[[str], Doc]
Resolver = Callable[[str], tuple[str, str | None]]  # raw name -> (canonical, person_id)


def _count(text: str, kind: str) -> int | None:
    for pattern in _COUNTS[kind]:
        if m := pattern.search(text):
            word = m.group(1).lower()
            return int(word) if word.isdigit() else _NUMBER_WORDS[word]
    return None


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s.strip()]


def read_votes(items: list[RawItem], meeting_id: str, resolve: Resolver) -> tuple[list, list]:
    """(votes, roll-call records): counts from the text, per-person votes from tables."""
    votes: list[dict] = []
    records: list[dict] = []
    for item in items:
        ordinal = 0
        for _, line, where in item.lines:
            lower = line.lower()
            if "ja" not in lower or "nej" not in lower:
                continue  # no count of yes and no votes (most lines: cheaper than the patterns)
            yes, no = _count(line, "yes"), _count(line, "no")
            if yes is None or no is None:
                continue
            ordinal += 1
            votes.append(
                {
                    "vote_id": stable_id("v", meeting_id, item.number, str(ordinal)),
                    "meeting_id": meeting_id,
                    "item_number": item.number,
                    "ordinal": ordinal,
                    "yes": yes,
                    "no": no,
                    "abstain": _count(line, "abstain"),
                    "text": line,
                    **where.columns(),
                }
            )
        for _, table in item.tables:
            roll = _roll_call(table)
            if not roll:
                continue
            counts = {v: sum(1 for _, vote in roll if vote == v) for v in ("ja", "nej", "avstår")}
            ordinal += 1
            vote_id = stable_id("v", meeting_id, item.number, str(ordinal))
            where = Where.of(table)
            votes.append(
                {
                    "vote_id": vote_id,
                    "meeting_id": meeting_id,
                    "item_number": item.number,
                    "ordinal": ordinal,
                    "yes": counts["ja"],
                    "no": counts["nej"],
                    "abstain": counts["avstår"],
                    "text": None,
                    **where.columns(),
                }
            )
            for name_raw, vote in roll:
                name, person_id = resolve(name_raw)
                records.append(
                    {
                        "vote_id": vote_id,
                        "meeting_id": meeting_id,
                        "item_number": item.number,
                        "person_id": person_id,
                        "name": name,
                        "name_raw": name_raw,
                        "vote": vote,
                    }
                )
    return votes, records


def _roll_call(table) -> list[tuple[str, str]]:
    """[(name, 'ja'|'nej'|'avstår')] when a table's header has Ja and Nej columns."""
    if not table.rows:
        return []
    header = [c.text.strip().casefold() for c in table.rows[0]]
    columns = {i: _ROLL_CALL_VOTES[h] for i, h in enumerate(header) if h in _ROLL_CALL_VOTES}
    if {"ja", "nej"} - set(columns.values()):
        return []
    roll = []
    for row in table.rows[1:]:
        cells = [c.text.strip() for c in row]
        name = next((c for i, c in enumerate(cells) if i not in columns and c), "")
        marked = [v for i, v in columns.items() if i < len(cells) and cells[i]]
        if name and len(marked) == 1:
            roll.append((re.sub(r"\s*\([^)]*\)\s*$", "", name), marked[0]))
    return roll


def read_statements(
    items: list[RawItem], meeting_id: str, tag: Tagger, resolve: Resolver
) -> tuple[list, list]:
    """(reservations, recusals): the persons a reservation or jäv sentence names."""
    reservations: list[dict] = []
    recusals: list[dict] = []
    for item in items:
        for section, line, where in item.lines:
            for sentence in _sentences(line):
                is_reservation = section.startswith("reservation") or _RESERVATION.search(sentence)
                is_recusal = section == "jäv" or _RECUSAL.search(sentence)
                if not (is_reservation or is_recusal):
                    continue
                doc = tag(sentence)
                for ent in doc.ents:
                    if ent.label_ != "PERSON":
                        continue
                    name, person_id = resolve(ent.text)
                    row = {
                        "meeting_id": meeting_id,
                        "item_number": item.number,
                        "person_id": person_id,
                        "name": name,
                        "name_raw": ent.text,
                        "text": sentence,
                        **where.columns(),
                    }
                    if is_reservation:
                        party = party_after(sentence, ent.end_char)
                        reservations.append({**row, "party": party})
                    else:
                        recusals.append(row)
    return reservations, recusals
