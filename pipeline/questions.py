"""The analysts' recurring questions, answered from an output folder's tables.

Each function here is the library form of one CLI command of the same name (``protokoll
decisions``, ``actions``, ``person``, ``meetings``) and returns pandas DataFrames, so a
notebook gets exactly what the command prints. Every row carries ``source_path``, ``page``
and ``position`` so an answer can be checked against the minutes.

Text and names are compared in the project's folded form (``pipeline.reference.fold``):
case, diacritics, spaces and punctuation do not matter, because archives spell 'Vännäs',
'Vannas' and 'SundstromHetta' as they please.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from pipeline.query import TablesError, connect, fetch_frame, missing_columns, plain
from pipeline.reference import find_municipality, fold

DEFAULT_OUT = Path("data/processed")  # the default of `protokoll run -o`
DateLike = dt.date | str | None


class NameLookupError(LookupError):
    """Base for name look-ups that cannot be answered as asked."""


class AmbiguousName(NameLookupError):
    """A short name (a first name alone) denotes more than one person."""

    def __init__(self, name: str, candidates: Iterable[str]) -> None:
        self.candidates = sorted(candidates)
        super().__init__(
            f"{name!r} could be any of {', '.join(self.candidates)}: give the full name"
        )


class UnknownPerson(NameLookupError):
    """No attendee or responsible goes by that name."""

    def __init__(self, name: str) -> None:
        super().__init__(f"no attendee or responsible named {name!r} in the tables")


# --- the questions -----------------------------------------------------------------------


def decisions(
    out_dir: Path = DEFAULT_OUT,
    *,
    search: str | None = None,
    since: DateLike = None,
    until: DateLike = None,
    body: str | None = None,
    decision_type: str | None = None,
) -> pd.DataFrame:
    """Decisions (BESLUT) with their meeting and agenda item, oldest first.

    ``search`` looks in the decision text and the agenda item's title; ``since`` and
    ``until`` bound the meeting date (both inclusive).
    """
    where, params = [], {}
    if search is not None:
        params["search"] = _folded_term(search)
        where.append("(contains(fold(d.text), $search) OR contains(fold(i.title), $search))")
    _add_meeting_filters(where, params, since=since, until=until, body=body)
    if decision_type:
        where.append("fold(d.decision_type) = $decision_type")
        params["decision_type"] = fold(decision_type)
    with _connect(out_dir) as con:
        return _decisions(con, where, params)


def actions(
    out_dir: Path = DEFAULT_OUT,
    *,
    overdue: bool = False,
    today: DateLike = None,
    responsible: str | None = None,
    municipality: str | None = None,
    due_before: DateLike = None,
) -> pd.DataFrame:
    """Action rows (ÅTGÄRDER) with the responsible's municipality and their series.

    ``overdue``: due before ``today`` (default: the current date) and the latest appearance
    of its series, i.e. not brought up again at a later meeting. ``responsible`` is a
    canonical or raw name, or a first name that fits exactly one responsible ("Lisa").
    ``municipality`` is the responsible's, by any spelling of its name ("vannas").
    Sorted by responsible, then due date.
    """
    where, params = [], {}
    if overdue:
        where.append("a.due_date < $today AND m.date IS NOT DISTINCT FROM s.last_seen")
        params["today"] = _as_date(today) or dt.date.today()
    if due_before is not None:
        where.append("a.due_date < $due_before")
        params["due_before"] = _as_date(due_before)
    if municipality:
        found = find_municipality(municipality)
        if found:
            where.append("p.municipality_code = $municipality_code")
            params["municipality_code"] = found.code
        else:  # not a Swedish municipality's name: compare with what the table says
            where.append("fold(p.municipality) = $municipality")
            params["municipality"] = fold(municipality)
    with _connect(out_dir) as con:
        if responsible:
            pairs = _name_pairs(con, "SELECT responsible, responsible_raw FROM actions")
            where.append("list_contains($responsibles, a.responsible)")
            params["responsibles"] = _resolve(responsible, pairs)
        return _actions(con, where, params)


def person(name: str, out_dir: Path = DEFAULT_OUT) -> dict[str, pd.DataFrame]:
    """Everything about one person: attendance, actions assigned, decisions naming them.

    ``name`` is a canonical or raw name, or a first name that fits exactly one person.
    Decisions count when their text names the person in full or by surname (everything
    after the first name: 'Andersson Lindberg'), genitive included.
    """
    with _connect(out_dir) as con:
        pairs = _name_pairs(
            con,
            """
            SELECT name, name_raw FROM attendees
            UNION SELECT responsible, responsible_raw FROM actions
            """,
        )
        names = _resolve(name, pairs)
        if not names:
            raise UnknownPerson(name)
        attendance = fetch_frame(
            con,
            """
            SELECT m.date, m.body, m.organization, x.name, x.attendance, x.roles,
                   x.municipality, x.party, doc.source_path, x.page, x.position
            FROM attendees x
            JOIN meetings m ON m.meeting_id = x.meeting_id
            JOIN documents doc ON doc.document_id = m.document_id
            WHERE list_contains($names, x.name)
            ORDER BY m.date, doc.source_path, x.name
            """,
            {"names": names},
        )
        assigned = _actions(con, ["list_contains($names, a.responsible)"], {"names": names})
        mentioned = _decisions(
            con, ["regexp_matches(plain(d.text), $pattern)"], {"pattern": _mention_pattern(names)}
        )
    return {"attendance": attendance, "actions": assigned, "decisions": mentioned}


def meetings(out_dir: Path = DEFAULT_OUT, *, body: str | None = None) -> pd.DataFrame:
    """One row per meeting with how many attended and what it produced, oldest first."""
    where, params = [], {}
    _add_meeting_filters(where, params, body=body)
    with _connect(out_dir) as con:
        return fetch_frame(
            con,
            f"""
            SELECT m.date, m.body, m.organization, m.title, m.start_time, m.end_time,
                   m.location,
                   (SELECT count(*) FROM attendees x
                    WHERE x.meeting_id = m.meeting_id AND x.attendance = 'present') AS present,
                   (SELECT count(*) FROM attendees x
                    WHERE x.meeting_id = m.meeting_id AND x.attendance = 'remote') AS remote,
                   (SELECT count(*) FROM attendees x
                    WHERE x.meeting_id = m.meeting_id AND x.attendance = 'absent') AS absent,
                   (SELECT count(*) FROM agenda_items i
                    WHERE i.meeting_id = m.meeting_id) AS items,
                   (SELECT count(*) FROM decisions d
                    WHERE d.meeting_id = m.meeting_id) AS decisions,
                   (SELECT count(*) FROM actions a
                    WHERE a.meeting_id = m.meeting_id) AS actions,
                   doc.source_path
            FROM meetings m
            JOIN documents doc ON doc.document_id = m.document_id
            {_where(where)}
            ORDER BY m.date, m.body, doc.source_path
            """,
            params,
        )


# --- shared queries ----------------------------------------------------------------------


def _decisions(
    con: duckdb.DuckDBPyConnection, where: list[str], params: dict[str, Any]
) -> pd.DataFrame:
    return fetch_frame(
        con,
        f"""
        SELECT m.date, m.body, m.organization, d.item_number, i.title, d.decision_type,
               d.text, doc.source_path, d.page, d.position
        FROM decisions d
        JOIN meetings m ON m.meeting_id = d.meeting_id
        JOIN documents doc ON doc.document_id = m.document_id
        LEFT JOIN agenda_items i
            ON i.meeting_id = d.meeting_id AND i.item_number = d.item_number
        {_where(where)}
        ORDER BY m.date, doc.source_path, item_key(d.item_number), d.ordinal
        """,
        params,
    )


def _actions(
    con: duckdb.DuckDBPyConnection, where: list[str], params: dict[str, Any]
) -> pd.DataFrame:
    # An action without a series id (tables from before series existed) is its own series.
    return fetch_frame(
        con,
        f"""
        WITH keyed AS (
            SELECT a.*, coalesce(nullif(a.series_id, ''), a.action_id) AS series_key
            FROM actions a
        ),
        s AS (
            SELECT k.series_key, count(*) AS appearances, max(m.date) AS last_seen
            FROM keyed k JOIN meetings m ON m.meeting_id = k.meeting_id
            GROUP BY k.series_key
        )
        SELECT m.date, m.body, a.item_number, a.task, a.due_date, a.responsible,
               p.municipality, a.series_id, a.series_position, s.appearances, s.last_seen,
               doc.source_path, a.page, a.position
        FROM keyed a
        JOIN meetings m ON m.meeting_id = a.meeting_id
        JOIN documents doc ON doc.document_id = m.document_id
        JOIN s ON s.series_key = a.series_key
        LEFT JOIN attendees p
            ON p.meeting_id = a.meeting_id AND p.person_id = a.responsible_person_id
        {_where(where)}
        ORDER BY a.responsible NULLS LAST, a.due_date NULLS LAST, m.date, doc.source_path,
                 item_key(a.item_number), a.ordinal
        """,
        params,
    )


# --- helpers -----------------------------------------------------------------------------


@contextmanager
def _connect(out_dir: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to ``out_dir``'s tables; refuses tables older than the schema, whose
    missing columns would otherwise surface as a puzzling SQL error."""
    con = connect(Path(out_dir))
    try:
        stale = missing_columns(con)
        if stale:
            lacking = "; ".join(f"{t} lacks {', '.join(c)}" for t, c in stale.items())
            raise TablesError(
                f"the tables in {out_dir} were written by an older protokoll ({lacking}): "
                f"run `protokoll run <files> -o {out_dir}` again"
            )
        yield con
    finally:
        con.close()


def _where(conditions: list[str]) -> str:
    return "WHERE " + "\n  AND ".join(conditions) if conditions else ""


def _add_meeting_filters(
    where: list[str],
    params: dict[str, Any],
    since: DateLike = None,
    until: DateLike = None,
    body: str | None = None,
) -> None:
    if since is not None:
        where.append("m.date >= $since")
        params["since"] = _as_date(since)
    if until is not None:
        where.append("m.date <= $until")
        params["until"] = _as_date(until)
    if body:
        where.append("fold(m.body) = $body")
        params["body"] = fold(body)


def _as_date(value: DateLike) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value.date() if isinstance(value, dt.datetime) else value
    return dt.date.fromisoformat(value)


def _folded_term(text: str) -> str:
    term = fold(text)
    if not term:
        raise ValueError(f"nothing to search for in {text!r}: give letters or digits")
    return term


def _name_pairs(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[str, str | None]]:
    """(canonical, as written) name pairs; the canonical one is what the tables join on."""
    return [(c, raw) for c, raw in con.execute(sql).fetchall() if c and c.strip()]


def _resolve(name: str, pairs: list[tuple[str, str | None]]) -> list[str]:
    """The canonical names ``name`` denotes: a full name as written or canonical, else a
    first name alone when exactly one person has it. Raises AmbiguousName otherwise."""
    key = fold(name)
    if not key:
        return []
    full = {c for c, raw in pairs if key in (fold(c), fold(raw or ""))}
    if full:
        return sorted(full)
    first = {c for c, _ in pairs if fold(c.split()[0]) == key}
    if len(first) > 1:
        raise AmbiguousName(name, first)
    return sorted(first)


def _mention_pattern(names: list[str]) -> str:
    """A regex over ``plain`` text for a full name or a surname, as a whole word."""
    forms = set()
    for name in names:
        words = plain(name).split()
        forms.add(" ".join(words))
        if len(words) > 1:
            forms.add(" ".join(words[1:]))
    alternatives = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
    return rf"\b({alternatives})s?\b"
