"""From a document to table rows: structure stage, NLP stage, normalization.

``extract_tables(document, document_id)`` returns ``{table name: [row dict, ...]}`` for every
table but ``documents``. Raw text stays next to every normalized value.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable

from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline import reference
from pipeline.ids import stable_id
from pipeline.model import Document
from pipeline.nlp import load_nlp, tag
from pipeline.nlp.mentions import find_mentions
from pipeline.normalize.dates import find_dates, find_time_range, parse_date
from pipeline.normalize.decision_types import decision_type
from pipeline.normalize.diacritics import add_restored_columns
from pipeline.normalize.names import (
    Person,
    PersonIndex,
    given_name_first,
    lists_surname_first,
)
from pipeline.normalize.parties import PARTIES, PARTY_MARK, party_after
from pipeline.proceedings import read_statements, read_votes
from pipeline.reference import fold
from pipeline.structure import (
    AttendeeLine,
    MeetingStructure,
    RawAction,
    RoleLine,
    Where,
    find_structure,
    known_roles,
    role_name,
)

Rows = list[dict]

_BODY_SUBJECT = re.compile(
    r"\b([A-ZÅÄÖ][a-zåäö-]+(?:gruppen|gruppens|styrelsen|nämnden|fullmäktige|utskottet|rådet|"
    r"mötet|stämman|beredningen))\s+(?:beslutar|beslutade|beslöt|beslutat|föreslår|ställer)"
)
_PAIRING_SEPARATOR = re.compile("[-–—:]")


def extract_tables(
    document: Document, document_id: str, nlp: Language | None = None
) -> dict[str, Rows]:
    """All meeting tables for one document."""
    nlp = nlp or load_nlp()
    found = find_structure(document)
    meeting_id = stable_id("m", document_id, "1")
    date = _meeting_date(found, document.metadata.get("page_header", ""))
    people = PersonIndex()

    attendees = _attendees(found, nlp, people, meeting_id)
    actions = _actions(found, nlp, people, meeting_id, date)
    _pair_municipalities(found, nlp, people, attendees)
    for row in attendees:
        row["name"] = row.pop("_person").name
        row["person_id"] = person_id(row["name"])
        if replaced := row.pop("_replaces", None):
            row["replaces"] = replaced.name
            row["replaces_person_id"] = person_id(replaced.name)
    first_names = {row["name"].split()[0] for row in attendees if row["name"]}

    def resolve(raw: str) -> tuple[str, str]:
        person = people.resolve(raw) or people.add(raw, "mention")
        return person.name, person_id(person.name)

    def tag_text(text: str) -> Doc:
        return tag(nlp, text, date, known_names=first_names)

    votes, vote_records = read_votes(found.items, meeting_id, resolve)
    reservations, recusals = read_statements(found.items, meeting_id, tag_text, resolve)

    tables = {
        "votes": votes,
        "vote_records": vote_records,
        "reservations": reservations,
        "recusals": recusals,
        "meetings": [_meeting_row(found, meeting_id, document_id, date, document, nlp)],
        "attendees": attendees,
        "agenda_items": [
            {
                "meeting_id": meeting_id,
                "item_number": i.number,
                "title": i.title,
                "dnr": i.dnr,
                "text": i.text or None,
                **i.where.columns(),
            }
            for i in found.items
        ],
        "decisions": _numbered(
            "decision_id",
            "d",
            meeting_id,
            (
                {
                    "item_number": d.item_number,
                    "text": d.text,
                    "decision_type": decision_type(d.text),
                    **d.where.columns(),
                }
                for d in found.decisions
            ),
        ),
        "actions": actions,
        "attachments": [
            {
                "meeting_id": meeting_id,
                "item_number": a.item_number,
                "filename": a.filename,
                **a.where.columns(),
            }
            for a in found.attachments
        ],
    }
    # NLP stage on the running text (issue 5): mentions (trained NER), restored å/ä/ö
    tables["mentions"] = find_mentions(nlp, tables, date, first_names, people, person_id)
    add_restored_columns(tables)
    return tables


def person_id(name: str) -> str:
    """Stable id of a canonical name; the same spelling gives the same id in every meeting."""
    return stable_id("p", fold(name))


def _numbered(id_column: str, prefix: str, meeting_id: str, rows: Iterable[dict]) -> Rows:
    """Give rows an ordinal within their item and a stable id from (meeting, item, ordinal)."""
    seen: Counter[str] = Counter()
    out = []
    for row in rows:
        seen[row["item_number"]] += 1
        ordinal = seen[row["item_number"]]
        out.append(
            {
                id_column: stable_id(prefix, meeting_id, row["item_number"], str(ordinal)),
                "meeting_id": meeting_id,
                "ordinal": ordinal,
                **row,
            }
        )
    return out


# --- meeting header -------------------------------------------------------------------------


def _meeting_date(found: MeetingStructure, page_header: str) -> dt.date | None:
    """The header's date line; else a date in the title, page header or header notes."""
    for text in (found.date_raw, found.title, page_header, *found.header_notes):
        if text and (mention := parse_date(text) or next(iter(find_dates(text)), None)):
            return mention.first
    return None


def _meeting_row(
    found: MeetingStructure,
    meeting_id: str,
    document_id: str,
    date: dt.date | None,
    document: Document,
    nlp: Language,
) -> dict:
    start, end = find_time_range(found.time_raw or "")
    title, organization = _title_and_organization(found.title)
    if organization is None and title and _ORGANISATION_NAME.search(title.strip()):
        organization = title.strip()  # "Stenålderns samfällighet" heads its own minutes
    for note in [found.title or "", *found.header_notes] if organization is None else ():
        if m := _ASSOCIATION.search(note):
            organization = m.group(1)  # "HSB:s Bostadsrättsförening Imatra"
            break
    if organization is None:
        page_header = "\n".join(
            document.metadata.get(key, "") for key in ("page_header", "title", "author")
        )
        organization = _named_organization(
            nlp, [page_header, found.title or "", *found.header_notes[:20]]
        ) or _self_named_organization(document)
    next_date = None
    if found.next_meeting_raw and date:
        mentions = find_dates(found.next_meeting_raw, date)
        next_date = mentions[0].first if mentions else None
    where = found.title_where.columns() if found.title_where else {"page": None, "position": None}
    return {
        "meeting_id": meeting_id,
        "document_id": document_id,
        "title": title,
        "organization": organization,
        "body": found.body
        or _title_body(title)
        or next(filter(None, map(_title_body, found.header_notes[:5])), None)
        or _body(found)
        or _meeting_body(title, *found.header_notes)
        or (_KIND_PREFIX.sub("", title) if title else None),
        "date": date,
        "date_raw": found.date_raw,
        "start_time": start.strftime("%H:%M") if start else None,
        "end_time": end.strftime("%H:%M") if end else None,
        "location": found.location,
        "next_meeting_date": next_date,
        "next_meeting_raw": found.next_meeting_raw,
        **where,
    }


_KIND_PREFIX = re.compile(
    r"^(?:minnesanteckningar|minnesanteckning|protokoll|sammanträdesprotokoll|mötesprotokoll)"
    r"(?:\s+(?:från|för|vid))?\s*[:,–-]?\s+",
    re.I,
)
# "Styrelsemöte i Lillåns byaförening": the body meets, the organisation follows "i"
_MEETING_OF = re.compile(r"^(?P<body>\w+?)s?möte\s+(?:i|för|inom)\s+(?P<org>.+)$", re.I)


def _definite(noun: str) -> str:
    """'Styrelse' -> 'Styrelsen', 'Nämnd' -> 'Nämnden', 'Råd' -> 'Rådet'."""
    if noun.endswith("e"):
        return noun + "n"
    if noun.endswith(("råd", "utskott")):
        return noun + "et"
    return noun + "en"


def _title_and_organization(title: str | None) -> tuple[str | None, str | None]:
    """'Kommunchefsmöte, Umeåregionen' -> ('Kommunchefsmöte', 'Umeåregionen')."""
    if not title:
        return None, None
    if municipality := reference.find_municipality(title.strip()):
        return title, municipality.official_name  # "STORUMANS KOMMUN" heads the minutes
    if m := _MEETING_OF.match(_KIND_PREFIX.sub("", title.strip())):
        return title, m.group("org").strip()
    parts = [p.strip() for p in title.split(",") if p.strip()]
    if len(parts) < 2:
        return title, None
    organization = parts[-1]
    if municipality := reference.find_municipality(organization):
        organization = municipality.official_name
    return ", ".join(parts[:-1]), organization


def _lower_if_shouting(line: str) -> str:
    return line.lower() if sum(c.isupper() for c in line) > sum(c.islower() for c in line) else line


def _named_organization(nlp: Language, texts: list[str]) -> str | None:
    """The first municipality or region named in the header texts, in its official form."""
    for text in texts:
        # "VINDELNS KOMMUN" in a page header: the lower-case forms are in the patterns
        text = "\n".join(_lower_if_shouting(line) for line in text.split("\n"))
        for ent in tag(nlp, text).ents if text else ():
            if ent.label_ == "LOC" and ent.ent_id_ in reference.municipalities():
                return reference.municipalities()[ent.ent_id_].official_name
            if ent.label_ == "ORG" and ent.ent_id_.startswith("region:"):
                code = ent.ent_id_.removeprefix("region:")
                return next((r["name"] for r in reference.regions() if r["code"] == code), ent.text)
    return None


# "Nykarleby stad", "Umeå kommuns": a town or municipality named the way it names itself
_TOWN = re.compile(r"\b([A-ZÅÄÖ][a-zåäöé]+(?:-[A-ZÅÄÖ][a-zåäöé]+)?)\s+(stad|kommun)s?\b")
# "www.nykarleby.fi", "registrator@umea.se": the organisation's own web address or e-mail
_DOMAIN = re.compile(r"(?:\bwww\.|@)([a-zåäö0-9-]+)\.(?:fi|se|ax|nu|org|com)\b", re.I)


def _self_named_organization(document: Document) -> str | None:
    """The town or municipality ("Nykarleby stad") the minutes name most often in the
    "X stad" / "X kommun" form, when their own web address or e-mail names it too
    ("www.nykarleby.fi"): a Finnish town is in no Swedish reference list, and other
    municipalities the text mentions have no address in it."""
    texts = [
        text
        for block in document.blocks
        for text in ([c.text for row in block.rows for c in row] if block.rows else [block.text])
    ]
    domains = {fold(m.group(1)) for text in texts for m in _DOMAIN.finditer(text)}
    if not domains:
        return None
    named = Counter(f"{m.group(1)} {m.group(2)}" for text in texts for m in _TOWN.finditer(text))
    for name, _ in named.most_common():
        town = fold(name.split()[0])
        if town in domains or town.removesuffix("s") in domains:  # "Stockholms stad"
            if municipality := reference.find_municipality(name):
                return municipality.official_name
            return name
    return None


_BODY_WORD = re.compile(
    r"(nämnd|nämnden|styrelse|styrelsen|utskott|utskottet|råd|rådet|grupp|gruppen|fullmäktige|"
    r"beredning|beredningen|presidium|presidiet|kommitté|kommittén|stämma|stämman|direktion)$",
    re.I,
)


def _title_body(title: str | None) -> str | None:
    """A title that names a body ('Socialnämnden', 'Kommunstyrelsens arbetsutskott') is it;
    'Styrelsemöte i X' names it too ('Styrelsen')."""
    if not title:
        return None
    title = _KIND_PREFIX.sub("", title.strip())
    if m := _MEETING_OF.match(title):
        return _definite(m.group("body").capitalize())
    if len(title) <= 60 and _BODY_WORD.search(title):
        return title
    return None


def _meeting_body(*titles: str | None) -> str | None:
    """'Styrelsemöte nr 11' -> 'Styrelsen', '... ordinarie föreningsstämma ...' ->
    'Föreningsstämman': the last resort, after the decisions' own subject."""
    for title in titles:
        text = _KIND_PREFIX.sub("", title or "").strip()
        if m := re.match(r"^(\w+?)s?möte(?:\s+(?:nr|#)\s*\d+.*)?$", text, re.I):
            return _definite(m.group(1).capitalize())
        if m := re.search(r"\b(\w*stämma)\b", text, re.I):
            return m.group(1).capitalize() + "n"
    return None


_ASSOCIATION = re.compile(
    r"\b((?:HSB:s\s+|Riksbyggens\s+)?(?:Bostadsrättsföreningen|Bostadsrättsförening|Brf|"
    r"Samfällighetsföreningen|Föreningen)\s+[A-ZÅÄÖ][\wåäö-]+)"
)
_ORGANISATION_NAME = re.compile(
    r"(samfällighet|samfällighetsförening|förening|föreningen|kommun|regionen|förbund|"
    r"förbundet|bolag|bolaget)$|^(brf|bostadsrättsföreningen|region)\b",
    re.I,
)


def _body(found: MeetingStructure) -> str | None:
    """The body is who decides: the most frequent subject of 'X beslutar' in the decisions."""
    subjects = Counter(
        m.group(1).removesuffix("s") if m.group(1).endswith("gruppens") else m.group(1)
        for d in found.decisions
        for m in _BODY_SUBJECT.finditer(d.text)
    )
    return subjects.most_common(1)[0][0] if subjects else None


# --- attendees ------------------------------------------------------------------------------


def _person_segments(doc: Doc) -> list[tuple[Span, list[Span]]]:
    """Each PERSON entity with the entities that follow it up to the next person."""
    segments: list[tuple[Span, list[Span]]] = []
    for ent in doc.ents:
        if ent.label_ == "PERSON":
            segments.append((ent, []))
        elif segments:
            segments[-1][1].append(ent)
    return segments


def _attendees(
    found: MeetingStructure, nlp: Language, people: PersonIndex, meeting_id: str
) -> Rows:
    rows: dict[int, dict] = {}  # id(Person) -> row
    # Attendance lines first, so their spellings anchor the persons; then participant lists.
    lines = sorted(found.attendee_lines, key=lambda line: line.attendance is None)
    tagged = [(line, tag(nlp, line.text, names_first=True)) for line in lines]
    flip = lists_surname_first([p.text for _, doc in tagged for p, _ in _person_segments(doc)])
    for line, doc in tagged:
        source = "attendance" if line.attendance else "participants"
        substitution = _SUBSTITUTION.search(line.text)
        segments = _person_segments(doc)
        for n, (person_span, ents) in enumerate(segments):
            if substitution and person_span.start_char >= substitution.start():
                continue  # the member replaced, named after "ersätter": not an attendee here
            person = people.add(given_name_first(person_span.text, flip), source)
            roles = {e.ent_id_ for e in ents if e.label_ == "ROLE"}
            organisations: list[str] = []
            if len(segments) == 1:
                roles |= _titles(doc, person_span, substitution, organisations)
            elif (note := _paren_note(line.text, person_span.end_char)) is not None:
                roles.add(role_name(note))  # "Margareta Näslund (kassör), ..."
            else:  # two attendance lines run together: each name's titles up to the next
                end = segments[n + 1][0].start_char if n + 1 < len(segments) else None
                roles |= _titles(doc, person_span, substitution, [], end)
            # A role written next to the name replaces the one the section gives.
            roles = roles or set(line.roles)
            places = [e for e in ents if e.label_ == "LOC"]
            row = rows.get(id(person))
            if row is None:
                row = rows[id(person)] = _attendee_row(meeting_id, person, person_span.text, line)
            row["roles"] = sorted(set(row["roles"]) | roles)
            regions = [e for e in ents if e.label_ == "ORG" and e.ent_id_.startswith("region:")]
            if places and row["municipality"] is None:
                _set_municipality(row, places[0].ent_id_, "stated")
            elif regions and row["municipality"] is None:
                _set_organisation(row, regions[0].text)  # "Region Västerbotten"
            elif (organisation := line.organisation or next(iter(organisations), None)) and (
                row["municipality"] is None
            ):
                _set_organisation(row, organisation)
            row["party"] = row["party"] or party_after(line.text, person_span.end_char)
            if substitution:
                replaced = PARTY_MARK.sub("", substitution.group("replaced")).strip(" ,")
                row["_replaces"] = people.resolve(replaced) or people.add(replaced, "mention")
                row["items_raw"] = substitution.group("items")
            elif len(segments) == 1 and (items := _ITEMS_AT_END.search(line.text)):
                row["items_raw"] = items.group("items")  # "Fredrik Lund, ekonomichef, §§ 101–102"
    elected = _elected_functionaries(found)
    # Minutes without an attendance list (a stämma's "förteckning" is an appendix) still
    # name the people who ran the meeting: they attended.
    listed = bool(rows)
    for role_line in found.role_lines + elected:  # "Utses att justera: X" gives X a role
        in_prose = role_line in elected
        doc = tag(nlp, role_line.text, names_first=not in_prose)
        segments = _person_segments(doc)
        if in_prose:
            segments = _holders(role_line, segments)
        for person_span, _ in segments:
            # prose writes given names first; only lists may put the surname first
            name = person_span.text if in_prose else given_name_first(person_span.text, flip)
            if in_prose and listed and people.resolve(name) is None:
                continue  # prose names an attendee, or nobody we list
            person = people.resolve(name) or people.add(name, "participants")
            row = rows.get(id(person))
            if row is None:
                row = rows[id(person)] = _attendee_row(
                    meeting_id, person, person_span.text, None, role_line.where
                )
                if in_prose:  # elected to run the meeting: present
                    row["attendance"], row["attendance_raw"] = "present", "funktionär"
            row["roles"] = sorted(set(row["roles"]) | {role_line.role})
    _titles_in_prose(found, people, rows)
    if not any(line.label != "deltagare" for line in found.attendee_lines):
        # a "Deltagare" list is the only list: those it names took part
        for row in rows.values():
            row["attendance"] = row["attendance"] or "present"
    return list(rows.values())


_ROLE_WORDS = {
    "ordförande": re.compile(r"ordförande", re.I),
    "sekreterare": re.compile(r"sekreterare|protokollförare|föra protokoll", re.I),
    "justerare": re.compile(r"juster", re.I),
    "rösträknare": re.compile(r"rösträkn", re.I),
}


_ROLE_AFTER_NAME = re.compile(
    r"\s*(?:\([^)]{1,4}\))?\s*(?:valdes|väljs|utsågs|utses)?\s*(?:till|som)\s+"
    r"(ordförande|sekreterare|protokollförare|justerare|rösträknare|\w*justerare)\b",
    re.I,
)


# Role words in an item title; a genitive ("stämmoordförandes val av ...") names no role.
_TITLE_ROLES = {
    "ordförande": re.compile(r"ordförande\b", re.I),
    "sekreterare": re.compile(r"sekreterare\b|protokollförare\b", re.I),
    "justerare": re.compile(r"justerare\b|justera\b", re.I),
    "rösträknare": re.compile(r"rösträknare\b", re.I),
}


def _role_of(word: str) -> str:
    return next((role for role, pattern in _ROLE_WORDS.items() if pattern.search(word)), word)


def _holders(role_line: RoleLine, segments: list) -> list:
    """Who an election sentence gives ``role_line.role``: the names whose nearest preceding
    role word is that role ("till sekreterare valdes A och till justerare B"); without
    such words all names, or only the last for a one-person role ("A anmäler B att föra
    protokoll")."""
    text = role_line.text
    chosen, unassigned = [], []
    for segment in segments:
        start = segment[0].start_char
        after = _ROLE_AFTER_NAME.match(text, segment[0].end_char)
        if after:  # "Ulla Nyström valdes till sekreterare"
            if _role_of(after.group(1)) == role_line.role:
                chosen.append(segment)
            continue
        preceding = [
            (m.end(), role)
            for role, pattern in _ROLE_WORDS.items()
            for m in pattern.finditer(text, 0, start)
        ]
        if preceding:
            if max(preceding)[1] == role_line.role:
                chosen.append(segment)
        else:
            unassigned.append(segment)
    if role_line.role in _SINGLE_HOLDER:
        unassigned = unassigned[-1:]
    return chosen or unassigned


# "Ordförande Maria Eriksson hälsade välkommen", "Kassören Stefan Lindberg redovisade"
_TITLE_BEFORE_NAME = re.compile(
    r"\b(Vice ordförande(?:n)?|Ordförande(?:n)?|Kassör(?:en)?|Sekreterare(?:n)?)\s+"
    r"([A-ZÅÄÖ][\wåäöé-]+(?:\s+[A-ZÅÄÖ][\wåäöé-]+)+)"
)


_DEFINITE_ROLES = {
    "ordföranden": "ordförande",
    "vice ordföranden": "vice ordförande",
    "sekreteraren": "sekreterare",
    "kassören": "kassör",
}


def _titles_in_prose(found: MeetingStructure, people: PersonIndex, rows: dict) -> None:
    """A role written before an attendee's name in the minutes' text is that attendee's."""
    texts = [line for item in found.items for _, line, _ in item.lines]
    for text in texts:
        for m in _TITLE_BEFORE_NAME.finditer(text):
            person = people.resolve(m.group(2))
            if person is not None and id(person) in rows:
                word = m.group(1).casefold()
                role = role_name(_DEFINITE_ROLES.get(word, word))
                rows[id(person)]["roles"] = sorted(set(rows[id(person)]["roles"]) | {role})


# "Karin Lund (M) ersätter Olle Ek (C) §§ 170, 172–184", "tjänstgörande ersättare för Olle Ek"
_SUBSTITUTION = re.compile(
    r"\b(?:ersätter|ersättare\s+för|i\s+stället\s+för)\s+(?P<replaced>[^§]+?)"
    r"\s*(?P<items>§§?\s*[\d\s,–—-]+(?:\s*(?:och|,)\s*\d+)*)?\s*$",
    re.I,
)
# An attendance line ending in the paragraphs its person was present for.
_ITEMS_AT_END = re.compile(r"(?P<items>§§?\s*\d[\d\s,–—-]*(?:\s*och\s*\d+)?)\s*\.?\s*$")


# Items that elect the meeting's functionaries, and the role each gives.
_FUNCTIONARY_ITEMS: list[tuple[re.Pattern[str], tuple[str, ...]]] = [
    (
        re.compile(r"\bjuster\w*\b.*\brösträknare|\brösträknare.*\bjuster", re.I),
        ("justerare", "rösträknare"),
    ),
    (
        re.compile(r"\bval\s+av\s+(?:protokoll)?justerare|\bjustering\b|\bjustera\b", re.I),
        ("justerare",),
    ),
    (re.compile(r"\bval\s+av\s+(?:stämmo|mötes)?ordförande", re.I), ("ordförande",)),
    (
        re.compile(r"\b(?:protokollförare|mötessekreterare|val\s+av\s+sekreterare)", re.I),
        ("sekreterare",),
    ),
]


_SINGLE_HOLDER = {"ordförande", "sekreterare"}  # one person holds it: the last one named


def _elected_functionaries(found: MeetingStructure) -> list[RoleLine]:
    """'Val av justerare' and the like: the item's decision (or text) names who was elected."""
    lines = []
    for item in found.items:
        roles = next((r for pattern, r in _FUNCTIONARY_ITEMS if pattern.search(item.title)), ())
        if not roles:
            continue
        # "Val av sekreterare och justerare": every role the title names
        roles = tuple(r for r, word in _TITLE_ROLES.items() if word.search(item.title)) or roles
        decided = [d for d in found.decisions if d.item_number == item.number]
        texts = [(d.text, d.where) for d in decided] or [(item.text, item.where)]
        lines += [RoleLine(text, role, where) for text, where in texts for role in roles if text]
    return lines


def _attendee_row(
    meeting_id: str,
    person: Person,
    name_raw: str,
    line: AttendeeLine | None,
    where: Where | None = None,
) -> dict:
    return {
        "meeting_id": meeting_id,
        "_person": person,
        "name_raw": name_raw,
        "roles": [],
        "attendance": line.attendance if line else None,
        "attendance_raw": line.label if line else None,
        "municipality": None,
        "municipality_code": None,
        "municipality_source": None,
        "party": None,
        "replaces": None,
        "replaces_person_id": None,
        "items_raw": None,
        **(line.where if line else where).columns(),
    }


_ROLE_IN_PARENS = re.compile(r"\s*\(([^()]{1,40})\)")


def _paren_note(text: str, end: int) -> str | None:
    """The words in parentheses right after a name, unless they are a party mark."""
    m = _ROLE_IN_PARENS.match(text, end)
    return m.group(1) if m and m.group(1).upper() not in PARTIES else None


_TITLE_CHUNK = re.compile(r"[,;]|\((?!\w{1,3}\))|\)")
_CONNECTORS = re.compile(r"^(?:och|samt|&)(?:\s+|$)|\s+(?:och|samt|&)$")


def _titles(
    doc: Doc,
    person: Span,
    substitution: re.Match | None,
    organisations: list[str],
    end: int | None = None,
) -> set[str]:
    """Titles written after a person's name that no rule knows: 'Eva Strand, kulturstrateg'.

    The text after the name is cut at commas and parentheses; what is left of a piece once
    tagged roles, places, organisations and party marks are taken out is a title when it is
    a few words without digits, lower case as Swedish titles are; a capitalized piece names
    the organisation the person represents and goes to ``organisations``.
    """
    text = doc.text
    covered = [False] * len(text)
    for ent in doc.ents:
        for i in range(ent.start_char, ent.end_char):
            covered[i] = True
    end = min(substitution.start() if substitution else len(text), end or len(text))
    rest = "".join(" " if covered[i] else ch for i, ch in enumerate(text) if i < end)
    rest = PARTY_MARK.sub(lambda m: " " * len(m.group(0)), rest)
    titles = set()
    for piece in _TITLE_CHUNK.split(rest[person.end_char :]):
        piece = _CONNECTORS.sub("", " ".join(piece.split()).strip(" .:-–"))
        piece = re.sub(r"^\(?[A-Za-zÅÄÖåäö]{1,3}\)$", "", piece)  # a party mark
        if piece and len(piece.split()) <= 4 and not re.search(r"[\d§]", piece):
            capitalized = all(word[:1].isupper() for word in piece.split())
            role = role_name(piece)
            if capitalized and role not in known_roles():
                organisations.append(piece)  # "Umeåregionen": whom they represent
                continue
            titles.add(role)
    return titles


def _set_organisation(row: dict, organisation: str) -> None:
    """An 'Organisation' column: a municipality in official form, anything else as written."""
    if municipality := reference.find_municipality(organisation):
        _set_municipality(row, municipality.code, "stated")
    else:
        row["municipality"], row["municipality_source"] = organisation, "stated"


def _set_municipality(row: dict, code: str, source: str) -> None:
    municipality = reference.municipalities()[code]
    row["municipality"] = municipality.official_name
    row["municipality_code"] = code
    row["municipality_source"] = source


def _pair_municipalities(
    found: MeetingStructure, nlp: Language, people: PersonIndex, attendees: Rows
) -> None:
    """'Vännäs - Utse kontaktperson' with a responsible attendee says whom Vännäs sent.

    Only attendees whose line states no municipality get one, and only when every pairing
    of that person names the same municipality.
    """
    paired: dict[int, set[str]] = {}
    for action in found.actions:
        if not action.responsible_raw or not _PAIRING_SEPARATOR.search(action.task):
            continue  # no separator token, no pairing
        person = people.resolve(action.responsible_raw)
        if person is None:
            continue
        doc = tag(nlp, action.task)
        if len(doc) < 2 or not doc.ents:
            continue
        first = doc.ents[0]
        if (
            first.label_ == "LOC"
            and first.start == 0
            and _PAIRING_SEPARATOR.fullmatch(doc[first.end].text)
        ):
            paired.setdefault(id(person), set()).add(first.ent_id_)
    for row in attendees:
        codes = paired.get(id(row["_person"]), set())
        if row["municipality"] is None and len(codes) == 1:
            _set_municipality(row, codes.pop(), "paired")


# --- actions --------------------------------------------------------------------------------


def _actions(
    found: MeetingStructure,
    nlp: Language,
    people: PersonIndex,
    meeting_id: str,
    date: dt.date | None,
) -> Rows:
    names: dict[str, bool] = {}  # a responsible is written the same way in many rows
    for action in found.actions:  # every spelling counts before any is resolved
        raw = action.responsible_raw
        if raw and not people.is_short_form(raw):
            if raw not in names:
                names[raw] = _is_person_name(nlp, raw)
            if names[raw]:
                people.add(action.responsible_raw, "responsible")
    return _numbered(
        "action_id", "a", meeting_id, (_action_row(a, people, date) for a in found.actions)
    )


def _is_person_name(nlp: Language, text: str) -> bool:
    doc = tag(nlp, text)
    return any(e.label_ == "PERSON" and e.end - e.start == len(doc) for e in doc.ents)


def _due_day(due) -> dt.date | None:
    """A deadline's day: a range's last day; a week ("v. 45") its Friday, the last workday."""
    if due is None:
        return None
    if due.kind == "week":
        return due.first + dt.timedelta(days=4)
    return due.last


def _action_row(action: RawAction, people: PersonIndex, date: dt.date | None) -> dict:
    due = parse_date(action.due_raw, date) if action.due_raw else None
    person: Person | None = people.resolve(action.responsible_raw or "")
    responsible = person.name if person else action.responsible_raw
    return {
        "item_number": action.item_number,
        "task": action.task,
        "due_date": _due_day(due),
        "due_raw": action.due_raw,
        "responsible": responsible,
        "responsible_person_id": person_id(person.name) if person else None,
        "responsible_raw": action.responsible_raw,
        **action.where.columns(),
    }
