"""Redaction of personal data in the output tables: e-mail, phone, personnummer, names.

Minutes carry personal data ("Robert Tenevall kulturkonsulent 070-332 67 66
robert.tenevall@umea.se") that a municipality may have to strip before publishing a dataset.
:func:`redact_tables` replaces it in every text column of every table with a marker and
counts, per document, what it replaced:

- ``email``: ``namn@umea.se``, also written ``namn(at)umea.se`` -> ``[e-post]``;
- ``phone``: Swedish numbers, ``070-332 67 66``, ``090-16 10 00``, ``+46 70 332 67 66``,
  ``+46 (0)70-332 67 66``, ``0703326766`` -> ``[telefon]`` (7 to 9 digits after the trunk
  zero or +46, so a year, a sum or a diary number is not taken for one);
- ``personnummer``: ``YYMMDD-NNNN``, ``YYMMDD+NNNN``, ``YYYYMMDD-NNNN``, ``YYYYMMDDNNNN``,
  with a real date (samordningsnummer: day + 60) and a valid Luhn check digit, so other
  ten-digit numbers are left alone -> ``[personnummer]``;
- ``names``: person names of people who are not attendees of the meeting -> ``[namn]``.
  Attendees (the attendance lists) are never redacted, in any spelling the document uses
  ("Lisa A L", "P-E", "Per-Erik" for "Per-Eric"): they act in an official capacity. Names
  come from the NLP stage (its ``mentions`` table, responsible persons of actions), plus
  the PERSON entities of a spaCy pipeline when one is given, else a conservative rule (a
  known Swedish first name followed by a capitalized surname); a name must look like one
  (a known first name, or initials with a surname), so NER noise ("Fika") stays. Names are
  redacted only when asked for.

ID columns (``*_id``), hashes, paths, formats, statuses and dates are never changed, so the
tables still join. Counts go to the ``redactions`` column of ``documents``
(``email=1; phone=1``) and are returned by :func:`redact_tables`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from pipeline.reference import first_names, fold

KINDS = ("email", "phone", "personnummer", "names")
MARKERS = {
    "email": "[e-post]",
    "phone": "[telefon]",
    "personnummer": "[personnummer]",
    "names": "[namn]",
}
# Columns that identify, join or describe a file: never redacted.
KEEP_COLUMNS = frozenset(
    {"sha256", "source_path", "source_format", "status", "extractor_version", "redactions"}
)


def parse_kinds(text: str | Iterable[str]) -> set[str]:
    """``"email,phone"`` (or a list) to a set of kinds; ``all`` means every kind.

    Raises ValueError naming an unknown kind.
    """
    parts = text.split(",") if isinstance(text, str) else list(text)
    kinds = {p.strip().lower() for p in parts if p and p.strip()}
    if "all" in kinds:
        return set(KINDS)
    unknown = kinds - set(KINDS)
    if unknown:
        raise ValueError(
            f"unknown redaction kind: {', '.join(sorted(unknown))} (known: {', '.join(KINDS)})"
        )
    return kinds


# -- e-mail ----------------------------------------------------------------------------------

_EMAIL = re.compile(
    r"(?<![\w.+-])[\w.+-]+"
    r"(?:@|[ \u00a0]?[(\[](?:at|snabel-a)[)\]][ \u00a0]?)"
    r"[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?![\w-])",
    re.IGNORECASE,
)

# -- personnummer ----------------------------------------------------------------------------

_PERSONNUMMER = re.compile(
    r"(?<![\w+-])(?:(?P<century>18|19|20)(?P<y1>\d{2})(?P<m1>\d{2})(?P<d1>\d{2})-?"
    r"|(?P<y2>\d{2})(?P<m2>\d{2})(?P<d2>\d{2})[-+])"
    r"(?P<serial>\d{4})(?![\w-])"
)


def luhn_ok(digits: str) -> bool:
    """The Luhn check over a personnummer's ten digits YYMMDDNNNC."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = 0
    for i, ch in enumerate(digits):
        value = int(ch) * (2 if i % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _real_date(century: str | None, yy: str, mm: str, dd: str) -> bool:
    day = int(dd)
    if day > 60:  # samordningsnummer: day + 60
        day -= 60
    years = [int(century + yy)] if century else [2000 + int(yy), 1900 + int(yy)]
    for year in years:
        try:
            dt.date(year, int(mm), day)
            return True
        except ValueError:
            continue
    return False


def is_personnummer(text: str) -> bool:
    """``text`` is exactly one valid personnummer or samordningsnummer."""
    m = _PERSONNUMMER.fullmatch(text.strip())
    return bool(m) and _valid_personnummer(m)


def _valid_personnummer(m: re.Match[str]) -> bool:
    century = m.group("century")
    yy, mm, dd = (
        (m.group("y1"), m.group("m1"), m.group("d1")) if century else m.group("y2", "m2", "d2")
    )
    return _real_date(century, yy, mm, dd) and luhn_ok(yy + mm + dd + m.group("serial"))


# -- phone -----------------------------------------------------------------------------------

_SEP = r"[ \u00a0]?[-–/]?[ \u00a0]?"
_PHONE = re.compile(
    r"(?<![\w+/.,-])"
    r"(?:(?P<intl>(?:\+|00)46)[ \u00a0-]?(?:\(0\)[ \u00a0-]?)?|(?P<trunk>0))"
    r"(?P<area>[1-9]\d{0,2})" + _SEP + r"(?P<number>\d{2,4}(?:[ \u00a0-]?\d{2,4}){0,3})"
    r"(?![\w-]|[.,]\d)"
)
_DATE_LIKE = re.compile(r"\d{1,4}[-./]\d{1,2}[-./]\d{1,4}")


_GROUP = re.compile(r"\d+")
# Written like a personnummer (valid or not): never a phone number.
_PERSONNUMMER_SHAPE = re.compile(r"\d{6}[-+]\d{4}|\d{8}-?\d{4}")


def _phone_length(m: re.Match[str]) -> int:
    """Length of the longest prefix of the match that is a phone number, 0 if none.

    The pattern takes up to four digit groups after the area code; a year or an amount
    right after a number ("070-332 67 66 2016") makes the whole too long, so trailing
    groups are dropped until the digits fit (7 to 9 after the trunk zero or +46).
    """
    area = len(m.group("area"))
    groups = list(_GROUP.finditer(m.group("number")))
    offset = m.start("number") - m.start()
    for k in range(len(groups), 0, -1):
        digits = area + sum(len(g.group()) for g in groups[:k])
        if 7 <= digits <= 9:
            length = offset + groups[k - 1].end()
            text = m.group(0)[:length]
            if _DATE_LIKE.fullmatch(text) or _PERSONNUMMER_SHAPE.fullmatch(text):
                return 0
            return length
        if digits < 7:
            return 0
    return 0


# -- names -----------------------------------------------------------------------------------

_WORD = r"[A-ZÅÄÖÉÜ][a-zåäöéèüæø]+(?:-[A-ZÅÄÖÉÜ][a-zåäöéèüæø]+)?"
_NAME_RULE = re.compile(
    rf"(?<![\w-])(?P<first>{_WORD})(?P<rest>(?:[ \u00a0]+{_WORD}){{1,2}})(?![\w-])"
)


def _is_first_name(word: str) -> bool:
    return all(fold(part) in first_names() for part in word.split("-") if part)


def rule_names(text: str) -> list[str]:
    """Person names by the conservative rule: a known first name, then one or two
    capitalized words that are not first names themselves ("Robert Tenevall")."""
    found = []
    for m in _NAME_RULE.finditer(text):
        rest = m.group("rest").split()
        if _is_first_name(m.group("first")) and not _is_first_name(rest[-1]):
            found.append(m.group(0))
    return found


_NAME_TOKEN = re.compile(r"[A-ZÅÄÖÉÜ][\w'’]*(?:-[A-ZÅÄÖÉÜ][\w'’]*)*\.?")
_INITIALS = re.compile(r"^[A-ZÅÄÖÉÜ]{1,3}\.?$|^[A-ZÅÄÖÉÜ]\.?-[A-ZÅÄÖÉÜ]\.?$")


def plausible_name(text: str, resolved: bool = False) -> bool:
    """Whether a name the NLP stage found looks enough like a person's to redact it.

    Trained NER also tags capitalized words that are no names ("Fika", "Eventuell",
    "Lokalfråga ÖFUR"): a candidate needs a known first name among its words, or initials
    with a surname ("L Lustig", "Anders H"). A mention the NLP stage resolved to a person
    (``resolved``) needs only to be written like a name.
    """
    tokens = text.split()
    if not tokens or not all(_NAME_TOKEN.fullmatch(t) or _INITIALS.match(t) for t in tokens):
        return False
    if resolved:
        return True
    if any(_is_first_name(t.rstrip(".")) for t in tokens if len(t.rstrip(".")) > 1):
        return True
    initials = [t for t in tokens if _INITIALS.match(t)]
    return bool(initials) and len(tokens) >= 2 and len(initials) < len(tokens)


def _tokens(name: str) -> list[str]:
    return [fold(t) for t in re.split(r"[\s.]+|(?<=\w)-(?=\w)", name) if t and fold(t)]


@dataclass
class _Attendees:
    """The names that must never be redacted: the meeting's attendees, in every spelling."""

    folded: set[str] = field(default_factory=set)
    token_lists: list[list[str]] = field(default_factory=list)
    # name -> whether it is an attendee's: a meeting's names are asked about in every cell
    _answers: dict[str, bool] = field(default_factory=dict, repr=False, compare=False)

    def add(self, name: str | None) -> None:
        if not name or not name.strip():
            return
        self.folded.add(fold(name))
        tokens = _tokens(name)
        if tokens:
            self.token_lists.append(tokens)
        self._answers.clear()

    def __contains__(self, name: str) -> bool:
        answer = self._answers.get(name)
        if answer is None:
            answer = self._answers[name] = self._is_attendee(name)
        return answer

    def _is_attendee(self, name: str) -> bool:
        folded = fold(name)
        if folded in self.folded or any(_one_letter_apart(folded, k) for k in self.folded):
            return True  # "Per-Erik Magnusson" is the attendee "Per-Eric Magnusson"
        tokens = _tokens(name)
        return bool(tokens) and any(_abbreviates(tokens, known) for known in self.token_lists)


def _abbreviates(tokens: list[str], known: list[str]) -> bool:
    """``tokens`` name the attendee ``known`` with words or initials, in order: "Lisa",
    "Lisa A L", "Jonas J.", "P-E" (Per-Eric), "Andersson Lindberg"."""
    i = 0
    for token in tokens:
        while i < len(known) and not (
            token == known[i] or (len(token) <= 2 and known[i].startswith(token))
        ):
            i += 1
        if i == len(known):
            return False
        i += 1
    return True


def _one_letter_apart(a: str, b: str) -> bool:
    """Same length (8 letters or more) and one letter different: a spelling variant."""
    return len(a) == len(b) >= 8 and sum(x != y for x, y in zip(a, b, strict=True)) == 1


# -- text ------------------------------------------------------------------------------------


def redact_text(
    text: str,
    kinds: set[str],
    counts: Counter[str] | None = None,
    names: Iterable[str] = (),
    attendees: _Attendees | None = None,
    find_names: bool = True,
) -> str:
    """``text`` with every kind in ``kinds`` replaced by its marker; ``counts`` is updated.

    ``names`` are person names to redact wherever they occur (unless an attendee's);
    ``find_names`` also looks for names by the conservative rule.
    """
    counts = Counter() if counts is None else counts
    if "email" in kinds:
        text = _sub(_EMAIL, text, "email", counts)
    if "personnummer" in kinds:
        text = _sub(_PERSONNUMMER, text, "personnummer", counts, _valid_personnummer)
    if "phone" in kinds:
        text = _sub(_PHONE, text, "phone", counts, _phone_length)
    if "names" in kinds:
        attendees = attendees or _Attendees()
        # only the names the text holds: a meeting's names are tried on each of its cells
        wanted = set()
        for name in names:
            name = name.strip() if name else ""
            if name and name in text:
                wanted.add(name)
        if find_names:
            wanted.update(name.strip() for name in rule_names(text))
        wanted = {name for name in wanted if name and name not in attendees}
        for name in sorted(wanted, key=len, reverse=True):  # "Anna Berg Lund" before "Anna Berg"
            pattern = re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])")
            text = _sub(pattern, text, "names", counts)
    return text


def _sub(
    pattern: re.Pattern[str],
    text: str,
    kind: str,
    counts: Counter[str],
    valid: Callable[[re.Match[str]], bool | int] | None = None,
) -> str:
    """Replace the matches that ``valid`` accepts; an int from it is the length to replace
    (the rest of the match stays)."""

    out: list[str] = []
    pos = 0
    while m := pattern.search(text, pos):
        verdict = True if valid is None else valid(m)
        if not verdict:  # look again from the next character: a match may start inside
            out.append(text[pos : m.start() + 1])
            pos = m.start() + 1
            continue
        counts[kind] += 1
        length = len(m.group(0)) if verdict is True else int(verdict)
        out += [text[pos : m.start()], MARKERS[kind]]
        pos = m.start() + max(length, 1)
    out.append(text[pos:])
    return "".join(out)


# -- tables ----------------------------------------------------------------------------------


def redact_tables(
    tables: dict[str, list[dict]],
    kinds: set[str] | Iterable[str],
    attendee_names: Iterable[str] = (),
    nlp=None,
) -> dict[str, dict[str, int]]:
    """Redact ``kinds`` in every text column of every table, in place.

    Returns ``{document_id: {kind: count}}`` with every asked kind (0 when none was found)
    for every document in the tables, and sets each ``documents`` row's ``redactions``
    column. ``attendee_names`` are never redacted, in addition to each meeting's own
    attendees (from the ``attendees`` table). ``nlp``: a spaCy pipeline whose PERSON entities
    find names (default: the NLP stage's person mentions if the tables have them, else the
    conservative rule).
    """
    kinds = parse_kinds(kinds)
    document_of_meeting = {
        m["meeting_id"]: m.get("document_id") for m in tables.get("meetings", []) if m
    }
    documents = [r.get("document_id") for r in tables.get("documents", [])]
    documents += [d for d in document_of_meeting.values() if d not in documents]
    counts: dict[str | None, Counter[str]] = {d: Counter() for d in documents}
    if not kinds:
        return {d: {} for d in documents if d is not None}

    keep, attendee_ids = _attendees_by_meeting(tables, attendee_names)
    attendee_persons = {person for _, person in attendee_ids if person}
    known = _known_names(tables, nlp) if "names" in kinds else {}
    names_of: dict[str | None, set[str]] = {}  # per meeting: its names and the run-wide ones
    for table, rows in tables.items():
        for row in rows:
            document = row.get("document_id") or document_of_meeting.get(row.get("meeting_id"))
            meeting = row.get("meeting_id")
            attendees = keep.get(meeting) or keep[None]
            names = names_of.get(meeting)
            if names is None:
                names = names_of[meeting] = known.get(meeting, set()) | known.get(None, set())
            tally = counts.setdefault(document, Counter())
            # a row about one person: a non-attendee's name goes whole, an attendee's stays
            own = _name_columns(table, row) if "names" in kinds else ()
            if own and not _is_attendee(row, attendees, attendee_ids, attendee_persons):
                _redact_whole_names(row, own, tally)
            for column, value in row.items():
                if column in KEEP_COLUMNS or column.endswith("_id") or value is None:
                    continue
                asked = kinds - {"names"} if column in own else kinds
                if isinstance(value, str):
                    row[column] = redact_text(value, asked, tally, names, attendees, nlp is None)
                elif isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
                    row[column] = type(value)(
                        redact_text(v, asked, tally, names, attendees, nlp is None) for v in value
                    )
    result = {d: {k: counts[d][k] for k in KINDS if k in kinds} for d in counts if d is not None}
    for row in tables.get("documents", []):
        merged = parse_counts(row.get("redactions"))  # a second pass over published tables
        for kind, n in result.get(row.get("document_id"), {}).items():
            merged[kind] = merged.get(kind, 0) + n
        row["redactions"] = format_counts(merged)
    return result


def parse_counts(text: str | None) -> dict[str, int]:
    """A ``documents.redactions`` value (``"email=1; phone=0"``) as ``{kind: count}``."""
    counts = {}
    for part in (text or "").split(";"):
        kind, _, n = part.strip().partition("=")
        if kind in KINDS and n.strip().isdigit():
            counts[kind] = int(n)
    return counts


def format_counts(counts: dict[str, int]) -> str:
    return "; ".join(f"{k}={counts[k]}" for k in KINDS if k in counts)


# Columns that hold a person's name and nothing else, in rows that name one person.
_NAME_COLUMNS = ("name", "name_raw", "variants")


def _name_columns(table: str, row: dict) -> tuple[str, ...]:
    """The name columns of a row about one person (``persons``, ``vote_records``,
    ``reservations``, ``recusals``); never those of ``attendees``, the attendance lists."""
    if table == "attendees" or "person_id" not in row:
        return ()
    return tuple(c for c in _NAME_COLUMNS if c in row)


def _is_attendee(row, attendees, attendee_ids, attendee_persons) -> bool:
    """Whether the person of a row is an attendee: of the row's meeting, or (a ``persons``
    row, which has no meeting) of any meeting; by person id, else by name."""
    person, meeting = row.get("person_id"), row.get("meeting_id")
    if person and (
        person in attendee_persons if meeting is None else (meeting, person) in attendee_ids
    ):
        return True
    return any(
        isinstance(row.get(c), str) and row[c].strip() and row[c] in attendees
        for c in ("name", "name_raw")
    )


def _redact_whole_names(row: dict, columns: tuple, tally: Counter[str]) -> None:
    """A non-attendee's name columns become the marker, whatever the name looks like."""
    for column in columns:
        value = row.get(column)
        if isinstance(value, str) and value.strip():
            row[column] = MARKERS["names"]
            tally["names"] += 1
        elif isinstance(value, list | tuple):
            row[column] = type(value)(MARKERS["names"] if v else v for v in value)
            tally["names"] += sum(1 for v in value if v)


def _attendees_by_meeting(
    tables: dict[str, list[dict]], extra: Iterable[str]
) -> tuple[dict[str | None, _Attendees], set[tuple]]:
    """Per meeting, the names never to redact; ``None``: those of every meeting (for rows
    without a meeting: ``persons``, ``documents``). And the (meeting, person) attendee pairs."""
    extra = list(extra)
    keep: dict[str | None, _Attendees] = {}
    for meeting in [None, *(m.get("meeting_id") for m in tables.get("meetings", []))]:
        keep[meeting] = _Attendees()
        for name in extra:
            keep[meeting].add(name)
    attendee_ids = set()
    for row in tables.get("attendees", []):
        for meeting in {row.get("meeting_id"), None}:
            attendees = keep.setdefault(meeting, _Attendees())
            attendees.add(row.get("name"))
            attendees.add(row.get("name_raw"))
        attendee_ids.add((row.get("meeting_id"), row.get("person_id")))
    for row in tables.get("actions", []):  # how the action tables spell an attendee
        if (row.get("meeting_id"), row.get("responsible_person_id")) in attendee_ids:
            keep[row.get("meeting_id")].add(row.get("responsible_raw"))
    for row in tables.get("mentions", []):  # ... and the text: "P-E", "Lisa A L"
        if (row.get("meeting_id"), row.get("person_id")) in attendee_ids:
            keep[row.get("meeting_id")].add(row.get("text"))
    return keep, attendee_ids


_PERSON_KINDS = {"person", "per"}


def _known_names(tables: dict[str, list[dict]], nlp) -> dict[str | None, set[str]]:
    """Person names per meeting from the NLP stage: its person mentions (``mentions``
    table), the responsible persons of actions, and (with ``nlp``) the PERSON entities of
    every text; only those that look like names (:func:`plausible_name`)."""
    known: dict[str | None, set[str]] = {}

    def found(meeting: str | None, text: str | None, resolved: bool = False) -> None:
        if text and plausible_name(text.strip(), resolved):
            known.setdefault(meeting, set()).add(text.strip())

    for row in tables.get("mentions", []):
        kind = str(row.get("kind") or row.get("label") or "").lower()
        if kind in _PERSON_KINDS:
            found(row.get("meeting_id"), row.get("text"), bool(row.get("person_id")))
    for row in tables.get("actions", []):
        if row.get("responsible_person_id"):
            found(row.get("meeting_id"), row.get("responsible"), True)
            found(row.get("meeting_id"), row.get("responsible_raw"), True)
    if nlp is not None:
        from pipeline.nlp import tag

        for name, rows in tables.items():
            if name in ("documents", "mentions"):
                continue
            for row in rows:
                for column, value in row.items():
                    if isinstance(value, str) and not column.endswith("_id") and len(value) > 3:
                        for ent in tag(nlp, value).ents:
                            if ent.label_ == "PERSON":
                                found(row.get("meeting_id"), ent.text)
    return known
