"""`protokoll query` and the question commands on the command line, README examples included."""

from __future__ import annotations

import csv
import io
import json
import re
import shlex
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from conftest import RAW, ROOT

from pipeline.cli import main
from pipeline.query import run_query

COMMANDS = ["query", "decisions", "actions", "person", "meetings"]


@pytest.fixture(scope="module")
def raw_out(tmp_path_factory, nlp) -> Path:
    """data/raw extracted once, as the README's main command does into data/processed."""
    from pipeline.run import run

    out = tmp_path_factory.mktemp("raw_out")
    summary = run([RAW], out, nlp=nlp)
    assert summary.counts["failed"] == 0
    return out


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_every_table_is_a_view_under_its_own_name(raw_out):
    counts = run_query(
        """
        SELECT (SELECT count(*) FROM documents) AS documents,
               (SELECT count(*) FROM meetings) AS meetings,
               (SELECT count(*) FROM attendees) AS attendees,
               (SELECT count(*) FROM agenda_items) AS agenda_items,
               (SELECT count(*) FROM decisions) AS decisions,
               (SELECT count(*) FROM actions) AS actions,
               (SELECT count(*) FROM attachments) AS attachments
        """,
        raw_out,
    )
    assert counts.iloc[0].to_dict() == {
        "documents": 2,
        "meetings": 2,
        "attendees": 16,
        "agenda_items": 36,
        "decisions": 26,
        "actions": 68,
        "attachments": 24,
    }


def test_decisions_per_body(raw_out):
    sql = "SELECT body, count(*) AS n FROM decisions JOIN meetings USING (meeting_id) GROUP BY body"
    assert run_query(sql, raw_out).to_dict("records") == [{"body": "Kommunchefsgruppen", "n": 26}]


def test_aterkrav_is_found_in_agenda_item_text(raw_out):
    # The minutes write it without diacritics ("berakningar for aterkrav", item 6); the
    # decisions do not mention it, so `decisions --search` finds nothing but SQL over
    # agenda_items does, with or without the diacritics in the search term.
    nothing = invoke("decisions", "--search", "aterkrav", "--format", "json", "-o", str(raw_out))
    assert json.loads(nothing.output) == []
    for condition in [
        "fold(text) LIKE '%aterkrav%'",
        "contains(fold(text), fold('återkrav'))",
        "strip_accents(lower(text)) LIKE '%aterkrav%'",
    ]:
        found = run_query(
            f"SELECT item_number, title, text FROM agenda_items WHERE {condition}", raw_out
        )
        assert list(found.item_number) == ["6", "6"]
        assert set(found.title) == {"Studiefremjandet"}
        assert all("berakningar for aterkrav" in text for text in found.text)


def test_query_formats(raw_out):
    sql = "SELECT m.date, d.item_number, d.text FROM decisions d JOIN meetings m USING (meeting_id)"
    sql += " WHERE d.item_number = '3' ORDER BY d.position"
    table = invoke("query", sql, "-o", str(raw_out))
    assert table.exit_code == 0
    lines = table.output.splitlines()
    assert lines[0].split() == ["date", "item_number", "text"]
    assert set(lines[1]) == {"-", " "}
    assert lines[2].startswith("2016-03-16  3            Lisa Andersson Lindberg uppdras")
    assert lines[2].endswith("…")  # long text cut to fit
    assert lines[-1] == "(2 rows)"

    rows = list(
        csv.DictReader(
            io.StringIO(invoke("query", sql, "--format", "csv", "-o", str(raw_out)).output)
        )
    )
    assert len(rows) == 2
    assert rows[0]["date"] == "2016-03-16"
    assert rows[0]["text"].endswith("Respektive kommun fattar självständigt beslut i frågan.")

    records = json.loads(invoke("query", sql, "--format", "json", "-o", str(raw_out)).output)
    assert [r["item_number"] for r in records] == ["3", "3"]
    assert records[0]["date"] == "2016-03-16"
    assert records[0]["text"] == rows[0]["text"]


def test_query_lists_and_nulls(raw_out):
    sql = "SELECT name, roles, party FROM attendees WHERE name = 'Lisa Andersson Lindberg' LIMIT 1"
    records = json.loads(invoke("query", sql, "--format", "json", "-o", str(raw_out)).output)
    assert records == [
        {
            "name": "Lisa Andersson Lindberg",
            "roles": ["föredragande", "organisatör", "sekreterare"],
            "party": None,
        }
    ]
    rows = list(
        csv.reader(io.StringIO(invoke("query", sql, "--format", "csv", "-o", str(raw_out)).output))
    )
    assert rows[1] == ["Lisa Andersson Lindberg", "föredragande; organisatör; sekreterare", ""]


def test_person_prints_three_parts(raw_out):
    result = invoke("person", "Lisa Andersson Lindberg", "-o", str(raw_out))
    assert result.exit_code == 0
    headings = [line for line in result.output.splitlines() if line.startswith("## ")]
    assert headings == ["## attendance", "## actions", "## decisions"]
    parts = json.loads(invoke("person", "Lisa", "--format", "json", "-o", str(raw_out)).output)
    assert [len(parts[k]) for k in ("attendance", "actions", "decisions")] == [2, 30, 4]


def test_errors_are_clear(tmp_path, raw_out):
    for command in (
        ["query", "SELECT 1"],
        ["decisions"],
        ["actions"],
        ["person", "X"],
        ["meetings"],
    ):
        result = invoke(*command, "-o", str(tmp_path / "empty"))
        assert result.exit_code == 2
        assert "no tables in" in result.output
        assert "protokoll run" in result.output
    bad_sql = invoke("query", "SELEC 1", "-o", str(raw_out))
    assert bad_sql.exit_code == 1
    assert "syntax error" in bad_sql.output
    ambiguous = invoke("actions", "--responsible", "Magnus", "-o", str(raw_out))
    assert ambiguous.exit_code == 2
    assert "Magnus Haglund, Magnus Hansson" in ambiguous.output
    unknown = invoke("person", "Nobody Atall", "-o", str(raw_out))
    assert unknown.exit_code == 1
    assert "no attendee or responsible named 'Nobody Atall'" in unknown.output
    bad_date = invoke("decisions", "--since", "16 mars", "-o", str(raw_out))
    assert bad_date.exit_code == 2


@pytest.mark.parametrize("command", COMMANDS)
def test_commands_read_the_run_output_folder_and_show_examples(command):
    cmd = main.commands[command]
    out = next(p for p in cmd.params if p.name == "out_dir")
    run_out = next(p for p in main.commands["run"].params if p.name == "out_dir")
    assert (
        (out.opts, out.default)
        == (run_out.opts, run_out.default)
        == (
            ["-o", "--out"],
            Path("data/processed"),
        )
    )
    fmt = next(p for p in cmd.params if p.name == "fmt")
    assert isinstance(fmt.type, click.Choice)
    assert list(fmt.type.choices) == ["table", "csv", "json"]
    help_text = invoke(command, "--help").output
    assert "Examples:" in help_text
    assert f"protokoll {command} " in help_text


def readme_examples() -> list[str]:
    """The `protokoll ...` lines of the README's "Asking questions" code block."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Asking questions\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    return [line for line in block.splitlines() if line.startswith("protokoll ")]


def test_readme_has_an_example_of_every_command():
    used = {shlex.split(line, comments=True)[1] for line in readme_examples()}
    assert used == set(COMMANDS)


@pytest.mark.parametrize("line", readme_examples())
def test_readme_example_runs(line, raw_out):
    args = shlex.split(line, comments=True)
    assert args[0] == "protokoll"
    result = invoke(*args[1:], "-o", str(raw_out))
    assert result.exit_code == 0, result.output
    assert result.output.strip()
    assert "(0 rows)" not in result.output and result.output.strip() not in ("[]", "{}")
