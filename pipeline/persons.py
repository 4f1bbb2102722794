"""Person resolution across the meetings of a run: one person, one ``person_id``.

Within a meeting, :class:`pipeline.normalize.names.PersonIndex` already groups the spellings
of one person and the extraction gives each person the id of its best spelling. Across
meetings the spellings differ again ("Per-Eric Magnusson" / "Per-Erik Magnusson", "Helén
Sundström Hetta" / "Helen SundstromHetta", "Lisa Andersson Lindberg" / "Lisa A L") and the
same name can belong to two people. :func:`resolve_persons` runs over all tables of a run
after they are merged and rewrites every ``person_id`` so that:

- the same person in two meetings has one id. Spellings match when they are equal once
  folded (case, å/ä/ö/é, spaces and hyphens: "SundstromHetta"), equal as sounds
  (c/k, ph/f, th/t, w/v, z/s, double letters, a silent h: "Per-Eric" / "Per-Erik"), or when
  one is a short form of the other: initials ("Lisa A L", "LG Brandt", "P-E Magnusson") or
  a dropped middle name ("Lisa Lindberg"). A short form joins a person only when it fits
  exactly one in the run; first names alone are never matched across meetings;
- two people are never merged without evidence: sightings whose stated municipalities
  differ stay apart even with the same name, and a sighting that could belong to either
  keeps an id of its own rather than a guess;
- two persons of one meeting are never merged (the meeting already told them apart).

A person's id is the ``stable_id`` of the folded best spelling of all its sightings (most
å/ä/ö, most words, most seen), with the municipality code added when other people of the
same name were seen elsewhere, so it is stable across runs over the same documents.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from pipeline.ids import stable_id
from pipeline.reference import fold

# Tables whose rows name a person by ``person_id`` (and the column holding the name).
PERSON_COLUMNS: dict[str, list[tuple[str, str]]] = {
    "attendees": [("person_id", "name"), ("replaces_person_id", "replaces")],
    "actions": [("responsible_person_id", "responsible")],
    "mentions": [("person_id", "text")],
    "vote_records": [("person_id", "name")],
    "reservations": [("person_id", "name")],
    "recusals": [("person_id", "name")],
}

_SOUNDS = [
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"ch", "k"),
        (r"ph", "f"),
        (r"th", "t"),
        (r"c", "k"),
        (r"q", "k"),
        (r"w", "v"),
        (r"z", "s"),
        (r"(?<=[bdfgjklmnprstv])h", ""),  # Lundh
        (r"(?<=[aeiouy])h(?=[bdfgjklmnprstv])", ""),  # Ohlsson, Fahlgren, Dahl
        (r"(.)\1", r"\1"),  # Pettersson, Matsson
    )
]
_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=1 << 16)
def sound_key(name: str) -> str:
    """A spelling-insensitive key: 'Per-Eric Magnusson' and 'Per-Erik Magnuson' agree."""
    key = fold(name)
    for pattern, replacement in _SOUNDS:
        key = pattern.sub(replacement, key)
    return key


@lru_cache(maxsize=1 << 16)
def _word_tuple(name: str) -> tuple[str, ...]:
    return tuple(w for w in _SPACE.split(name.replace(".", ". ").strip()) if w.strip("."))


def _words(name: str) -> list[str]:
    return list(_word_tuple(name))


@lru_cache(maxsize=1 << 16)
def _is_initials(word: str) -> bool:
    """'A', 'A.', 'LG', 'A.L.', 'P-E': letters standing for words."""
    core = word.replace(".", "").replace("-", "")
    return 0 < len(core) <= 3 and core.isupper() and core.isalpha()


def short_form_of(short: str, full: str) -> bool:
    """True when ``short`` abbreviates ``full``: 'Lisa A L' / 'Lisa Andersson Lindberg',
    'LG Brandt' / 'Lars Göran Brandt', 'P-E Magnusson' / 'Per-Eric Magnusson', 'Jonas J.' /
    'Jonas Jonsson', 'Lisa Lindberg' / 'Lisa Andersson Lindberg'. A first name alone is
    no short form here."""
    s_words = [w.strip(".") for w in _words(short)]
    f_words = _words(full)
    if len(s_words) < 2 or len(f_words) < 2 or fold(short) == fold(full):
        return False
    # the given name(s): "LG" = "Lars Göran", "P-E" = "Per-Eric", or written out
    head = s_words[0]
    rest_full = f_words
    if _is_initials(head):
        letters = [c for c in head if c.isalpha()]
        if "-" in head:  # hyphen initials: parts of one hyphenated name
            parts = f_words[0].split("-")
            if len(parts) != len(letters) or any(
                fold(p)[:1] != fold(c) for p, c in zip(parts, letters, strict=True)
            ):
                return False
            rest_full = f_words[1:]
        else:
            if len(letters) > len(f_words) - 1 or any(
                fold(w)[:1] != fold(c) for w, c in zip(f_words, letters, strict=False)
            ):
                return False
            rest_full = f_words[len(letters) :]
    elif sound_key(head) == sound_key(f_words[0]):
        rest_full = f_words[1:]
    else:
        return False
    # the remaining words: each matches a later word of the full name, written or initial
    remaining = list(rest_full)
    matched_last = False
    for word in s_words[1:]:
        initial = _is_initials(word)
        letters = [c for c in word if c.isalpha()] if initial else []
        for i, candidate in enumerate(remaining):
            if initial and len(letters) > 1 and "-" not in word:
                # "A.L." or "AL": consecutive initials of the remaining words
                if len(remaining) - i >= len(letters) and all(
                    fold(remaining[i + k])[:1] == fold(c) for k, c in enumerate(letters)
                ):
                    matched_last = i + len(letters) == len(remaining)
                    remaining = remaining[i + len(letters) :]
                    break
                continue
            if (initial and fold(candidate)[:1] == fold(word)[:1]) or (
                not initial and sound_key(candidate) == sound_key(word)
            ):
                matched_last = i == len(remaining) - 1
                remaining = remaining[i + 1 :]
                break
        else:
            return False
    # initials may stop early ("Jonas J."); a written-out surname may be the last one
    # ("Lisa Lindberg") or one of a double surname ("Helén Sundström" / "Sundström Hetta")
    last = s_words[-1]
    return matched_last or _is_initials(last) or len(rest_full) >= 2


@dataclass
class _Sighting:
    """One person of one meeting: every name it was seen under there."""

    meeting_id: str
    person_id: str
    names: Counter = field(default_factory=Counter)
    municipalities: set[str] = field(default_factory=set)

    # Both are read only after every name of the sighting is counted (``_sightings``).
    @cached_property
    def name(self) -> str:
        return _best(self.names)

    @cached_property
    def is_short(self) -> bool:
        words = _words(self.name)
        return len(words) < 2 or any(_is_initials(w) for w in words)


def _best(names: Counter) -> str:
    def score(name: str) -> tuple:
        nonascii = sum(1 for ch in name if ch.isalpha() and not ch.isascii())
        initials = sum(_is_initials(w) for w in _words(name))
        return (-initials, nonascii, len(_words(name)), names[name], name)

    return max(names, key=score)


class _Clusters:
    """Union-find over sightings that keeps each cluster's meetings and municipalities, so
    that checking a merge costs the size of two sets, not a scan of every sighting."""

    def __init__(self, sightings: list[_Sighting]) -> None:
        self.parent = list(range(len(sightings)))
        self.sightings = sightings
        self.meetings = [{s.meeting_id} for s in sightings]
        self.towns = [set(s.municipalities) for s in sightings]

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def compatible(self, i: int, j: int) -> bool:
        ri, rj = self.find(i), self.find(j)
        if not self.meetings[ri].isdisjoint(self.meetings[rj]):
            return False  # two persons of one meeting
        towns_a, towns_b = self.towns[ri], self.towns[rj]
        return not (towns_a and towns_b and towns_a.isdisjoint(towns_b))

    def union(self, i: int, j: int) -> bool:
        ri, rj = self.find(i), self.find(j)
        if ri == rj:
            return True
        if not self.compatible(ri, rj):
            return False
        keep, gone = min(ri, rj), max(ri, rj)
        self.parent[gone] = keep
        self.meetings[keep] |= self.meetings[gone]
        self.towns[keep] |= self.towns[gone]
        self.meetings[gone] = self.towns[gone] = set()
        return True


class _FullNames:
    """The distinct written-out names of a run, indexed by how a short form can begin
    (an initial, or the sound of the first given name), so that finding the names a
    spelling abbreviates does not compare it with every name of the archive."""

    def __init__(self, names) -> None:
        self.by_initial: dict[str, list[str]] = defaultdict(list)
        self.by_first_word: dict[str, list[str]] = defaultdict(list)
        for name in dict.fromkeys(names):
            words = _words(name)
            if len(words) < 2:
                continue
            self.by_initial[fold(words[0])[:1]].append(name)
            self.by_first_word[sound_key(words[0])].append(name)
        self._cache: dict[str, list[str]] = {}

    def abbreviated_by(self, short: str) -> list[str]:
        """The names ``short`` is a short form of (:func:`short_form_of`)."""
        if short not in self._cache:
            head = _words(short)[0].strip(".")
            pool = self.by_first_word.get(sound_key(head), [])
            if _is_initials(head):
                pool = pool + self.by_initial.get(fold(head)[:1], [])
            self._cache[short] = [f for f in dict.fromkeys(pool) if short_form_of(short, f)]
        return self._cache[short]


def _sightings(tables: dict[str, list[dict]]) -> dict[tuple[str, str], _Sighting]:
    found: dict[tuple[str, str], _Sighting] = {}
    for table, columns in PERSON_COLUMNS.items():
        for row in tables.get(table, []):
            for id_column, name_column in columns:
                pid = row.get(id_column)
                if not isinstance(pid, str) or not pid:
                    continue  # None, or NaN from a data frame
                key = (row["meeting_id"], pid)
                sighting = found.get(key)
                if sighting is None:
                    sighting = found[key] = _Sighting(row["meeting_id"], pid)
                main = (table, id_column) == ("attendees", "person_id")
                name = row.get(name_column)
                if isinstance(name, str) and name:
                    sighting.names[name] += 3 if main else 1
                code = row.get("municipality_code")
                if main and isinstance(code, str):
                    sighting.municipalities.add(code)
    return {k: s for k, s in found.items() if s.names}


def resolve_persons(tables: dict[str, list[dict]]) -> None:
    """Rewrite every person id of a run's tables in place (see the module doc)."""
    by_key = _sightings(tables)
    sightings = sorted(by_key.values(), key=lambda s: (s.meeting_id, s.person_id))
    if not sightings:
        return
    clusters = _Clusters(sightings)

    # 1. the same name, folded or as sounds: one person unless the municipalities say no
    groups: dict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(sightings):
        if not s.is_short:
            groups[sound_key(s.name)].append(i)
        elif len(_words(s.name)) >= 2:
            groups["short:" + fold(s.name)].append(i)  # "Lisa A L" in two meetings
    for members in groups.values():
        stated = [i for i in members if sightings[i].municipalities]
        unstated = [i for i in members if not sightings[i].municipalities]
        first_in_town: dict[str, int] = {}  # sightings sharing a municipality: one person
        for i in stated:
            for town in sorted(sightings[i].municipalities):
                if town in first_in_town:
                    clusters.union(first_in_town[town], i)
                else:
                    first_in_town[town] = i
        for j in unstated[1:]:
            clusters.union(unstated[0], j)
        if unstated and len({clusters.find(i) for i in stated}) <= 1 and stated:
            clusters.union(stated[0], unstated[0])
        # several people of this name in different municipalities: the sightings without
        # one stay a person of their own (unresolved) rather than a guess

    # 2. short forms and dropped middle names: join the one person they fit, if only one
    full_names = _FullNames(s.name for s in sightings if not s.is_short)
    seen_as: dict[str, list[int]] = defaultdict(list)
    for j, s in enumerate(sightings):
        if not s.is_short:
            seen_as[s.name].append(j)
    for i, s in enumerate(sightings):
        if len(_words(s.name)) < 2:
            continue  # a first name alone: never across meetings
        candidates = {
            clusters.find(j) for f in full_names.abbreviated_by(s.name) for j in seen_as[f]
        }
        roots = {r for r in candidates if r != clusters.find(i) and clusters.compatible(i, r)}
        if len(roots) == 1:
            clusters.union(i, roots.pop())

    # 3. ids: the best spelling of each person; the municipality too when the name is shared
    names_by_root: dict[int, Counter] = defaultdict(Counter)
    towns_by_root: dict[int, set[str]] = defaultdict(set)
    for i, s in enumerate(sightings):
        root = clusters.find(i)
        names_by_root[root].update(s.names)
        towns_by_root[root] |= s.municipalities
    keys = {root: fold(_best(names)) for root, names in names_by_root.items()}
    shared = Counter(keys.values())
    first_root: dict[str, int] = {}
    for root in sorted(keys):
        first_root.setdefault(keys[root], root)
    id_of_root: dict[int, str] = {}
    for root, key in keys.items():
        towns = sorted(towns_by_root[root])
        if shared[key] > 1 and len(towns) == 1:
            id_of_root[root] = stable_id("p", key, towns[0])
        elif shared[key] > 1 and first_root[key] != root:
            # an unresolved namesake
            id_of_root[root] = stable_id("p", key, sightings[root].meeting_id)
        else:
            id_of_root[root] = stable_id("p", key)
    new_id = {
        (s.meeting_id, s.person_id): id_of_root[clusters.find(i)] for i, s in enumerate(sightings)
    }

    for table, columns in PERSON_COLUMNS.items():
        for row in tables.get(table, []):
            for id_column, _ in columns:
                pid = row.get(id_column)
                if isinstance(pid, str) and (row["meeting_id"], pid) in new_id:
                    row[id_column] = new_id[(row["meeting_id"], pid)]


def pair_resolves_to_one(
    a: str, b: str, municipality_a: str | None = None, municipality_b: str | None = None
) -> bool:
    """Whether two spellings seen in two meetings of one body get one ``person_id``."""
    meetings = [{"meeting_id": m, "body": "Kommunchefsgruppen"} for m in ("m1", "m2")]
    attendees = [
        {"meeting_id": m, "person_id": stable_id("p", fold(n)), "name": n, "municipality_code": c}
        for m, n, c in (("m1", a, municipality_a), ("m2", b, municipality_b))
    ]
    tables = {"meetings": meetings, "attendees": attendees}
    resolve_persons(tables)
    return attendees[0]["person_id"] == attendees[1]["person_id"]


def evaluate_pairs(pairs: list[dict]) -> tuple[float, list[dict]]:
    """Accuracy on hand-collected variant pairs (``tests/nlp_eval/name_pairs.jsonl``).

    ``expected`` is ``same`` (one id), ``different`` or ``unresolved`` (two ids: a first
    name or initials alone are not matched across meetings).
    """
    wrong = []
    for pair in pairs:
        one = pair_resolves_to_one(
            pair["a"], pair["b"], pair.get("municipality_a"), pair.get("municipality_b")
        )
        if one != (pair["expected"] == "same"):
            wrong.append(pair)
    return 1 - len(wrong) / len(pairs), wrong


def persons_table(tables: dict[str, list[dict]], roster: list | tuple = ()) -> list[dict]:
    """One row per person of the run (and of the roster): name, spellings, where seen.

    Built after :func:`resolve_persons`, from every row that carries a ``person_id``. A roster
    entry (:mod:`pipeline.roster`) joins the person whose spelling it matches (folded or by
    sound) unless both state different municipalities; it adds e-mail and role, and a roster
    person never seen in the minutes still gets a row.
    """
    dates = {m["meeting_id"]: m.get("date") for m in tables.get("meetings", [])}
    people: dict[str, dict] = {}

    def see(pid: str | None, name: str | None, raw: str | None, meeting: str | None) -> dict:
        row = people.setdefault(
            pid,
            {"names": Counter(), "variants": set(), "municipalities": Counter(), "meetings": set()},
        )
        if name:
            row["names"][name] += 1
        row["variants"] |= {v for v in (name, raw) if v}
        if meeting:
            row["meetings"].add(meeting)
        return row

    for a in tables.get("attendees", []):
        row = see(a["person_id"], a.get("name"), a.get("name_raw"), a["meeting_id"])
        row["names"][a.get("name")] += 2  # the attendance spelling weighs most
        if a.get("municipality"):
            row["municipalities"][a["municipality"]] += 1
    for a in tables.get("actions", []):
        if a.get("responsible_person_id"):
            see(
                a["responsible_person_id"],
                a.get("responsible"),
                a.get("responsible_raw"),
                a["meeting_id"],
            )
    for name in ("vote_records", "reservations", "recusals"):
        for r in tables.get(name, []):
            if r.get("person_id"):
                see(r["person_id"], r.get("name"), r.get("name_raw"), r["meeting_id"])
    for r in tables.get("mentions", []):  # every person_id of the run has its row
        if r.get("person_id"):
            see(r["person_id"], None, r.get("text"), r["meeting_id"])

    rows = []
    for pid, seen in people.items():
        if pid is None:
            continue
        meeting_dates = sorted(d for d in (dates.get(m) for m in seen["meetings"]) if d)
        rows.append(
            {
                "person_id": pid,
                "name": _best(seen["names"]) if seen["names"] else sorted(seen["variants"])[0],
                "variants": sorted(seen["variants"]),
                "municipality": seen["municipalities"].most_common(1)[0][0]
                if seen["municipalities"]
                else None,
                "email": None,
                "roster_role": None,
                "roster": None,
                "meetings": len(seen["meetings"]),
                "first_seen": meeting_dates[0] if meeting_dates else None,
                "last_seen": meeting_dates[-1] if meeting_dates else None,
            }
        )
    for entry in roster:
        match = _roster_match(entry, rows)
        if match is None:
            match = {
                "person_id": stable_id("p", fold(entry.name)),
                "name": entry.name,
                "variants": [entry.name],
                "municipality": entry.municipality,
                "meetings": 0,
                "first_seen": None,
                "last_seen": None,
            }
            rows.append(match)
        match.update(email=entry.email, roster_role=entry.role, roster=entry.source)
        match["municipality"] = match["municipality"] or entry.municipality
    return sorted(rows, key=lambda r: (fold(r["name"]), r["person_id"]))


def _roster_match(entry, rows: list[dict]) -> dict | None:
    keys = {fold(entry.name), sound_key(entry.name)}
    found = [
        r
        for r in rows
        if keys & ({fold(v) for v in r["variants"]} | {sound_key(v) for v in r["variants"]})
        and not (
            entry.municipality and r["municipality"] and entry.municipality != r["municipality"]
        )
    ]
    return found[0] if len(found) == 1 else None
