"""The persons table and roster import."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import ROOT, SAMPLE_RYM

from pipeline.errors import DocumentError
from pipeline.persons import persons_table
from pipeline.roster import RosterEntry, read_roster
from pipeline.run import RunOptions, run

PAGE = ROOT / "data" / "rosters" / "kommunchefsgruppen.txt"


def test_the_groups_web_page_is_a_roster():
    entries = read_roster(PAGE)
    assert len(entries) == 7
    chair = entries[0]
    assert (chair.name, chair.municipality, chair.email, chair.role) == (
        "Therese Berg",
        "Vindelns kommun",
        "therese.berg@vindeln.se",
        "ordförande",
    )
    haglund = next(e for e in entries if e.name == "Magnus Haglund")
    assert (haglund.municipality, haglund.role) == ("Örnsköldsviks kommun", "ledamot")


def test_csv_roster_and_errors(tmp_path):
    csv = tmp_path / "r.csv"
    csv.write_text("name,municipality,email,role\nLisa Andersson Lindberg,Umeå,,Sekreterare\n")
    (entry,) = read_roster(csv)
    assert (entry.municipality, entry.role) == ("Umeå kommun", "sekreterare")
    empty = tmp_path / "empty.txt"
    empty.write_text("no people here\n")
    with pytest.raises(DocumentError, match="no people found"):
        read_roster(empty)


def test_persons_table_joins_the_roster(tmp_path, nlp):
    run([SAMPLE_RYM], tmp_path, nlp=nlp, options=RunOptions(roster=(str(PAGE),)))
    persons = pd.read_parquet(tmp_path / "persons.parquet").set_index("name")
    haglund = persons.loc["Magnus Haglund"]
    assert haglund.email == "magnus.haglund@ornskoldsvik.se"
    assert (haglund.meetings, str(haglund.first_seen)) == (1, "2016-03-16")
    assert persons.loc["Therese Berg", "meetings"] == 0  # on the roster, not in the minutes
    assert "Helen SundstromHetta" in list(persons.loc["Helén Sundström Hetta", "variants"])
    assert pd.isna(persons.loc["Lisa Andersson Lindberg", "email"])


def test_a_namesake_elsewhere_is_not_merged():
    tables = {
        "meetings": [{"meeting_id": "m1", "date": None}],
        "attendees": [
            {
                "meeting_id": "m1",
                "person_id": "p1",
                "name": "Anna Berg",
                "name_raw": "Anna Berg",
                "municipality": "Umeå kommun",
            }
        ],
    }
    roster = [RosterEntry("Anna Berg", "Vindelns kommun", "anna@vindeln.se", "ledamot", "r")]
    rows = {r["municipality"]: r for r in persons_table(tables, roster)}
    assert rows["Umeå kommun"]["email"] is None
    assert rows["Vindelns kommun"]["email"] == "anna@vindeln.se"
