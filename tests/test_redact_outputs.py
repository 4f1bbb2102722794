"""Redaction outside `protokoll run`: `protokoll export`, `protokoll serve` and the question
commands redact the tables they write or serve (pipeline.redact, the same as `run --redact`)
and leave the run's output folder as it is."""

from __future__ import annotations

import asyncio
import hashlib
import json
import sqlite3
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from conftest import RAW, luhn_digit, table_strings

from pipeline.cli import main
from pipeline.export import export_tables, read_tables, write_tables
from pipeline.schema import TABLES
from pipeline.serve import build_database, datasette_metadata

EMAIL = "robert.tenevall@umea.se"
PHONE = "070-332 67 66"
NEEDLES = (EMAIL, PHONE, "3326766", "umea.se")


VALID = "811218-987" + luhn_digit("811218987")
WRONG_CHECK = VALID[:-1] + str((int(VALID[-1]) + 1) % 10)


@pytest.fixture(scope="session")
def plain_out(tmp_path_factory, nlp) -> Path:
    """data/raw extracted without redaction."""
    from pipeline.run import run

    out = tmp_path_factory.mktemp("plain_out")
    run([RAW], out, nlp=nlp)
    return out


def _fingerprint(folder: Path) -> dict[str, str]:
    """Every file of a folder (but the served database) and its hash."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.endswith(".db")
    }


def _item_6_tasks(tables: dict[str, list[dict]]) -> list[str]:
    return [a["task"] for a in tables["actions"] if "Tenevall" in (a["task"] or "")]


def test_the_sample_has_the_email_and_phone_in_item_6(plain_out):
    tables = read_tables(plain_out)
    tasks = _item_6_tasks(tables)
    assert len(tasks) == 2 and all(EMAIL in t and PHONE in t for t in tasks)
    assert {a["item_number"] for a in tables["actions"] if "Tenevall" in a["task"]} == {"6"}


# -- export ----------------------------------------------------------------------------------


def test_export_redacts_every_table_and_file_and_leaves_the_run_alone(plain_out, tmp_path):
    before = _fingerprint(plain_out)
    dest = tmp_path / "share"
    result = CliRunner().invoke(
        main,
        ["export", str(dest), "-o", str(plain_out), "--redact", "email,phone"]
        + ["--csv-dialect", "excel-sv"],
    )
    assert result.exit_code == 0, result.output
    assert "redacted: email, phone" in result.output
    assert _fingerprint(plain_out) == before  # the run's folder is untouched
    files = [p for p in dest.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {f"{n}.parquet" for n in TABLES} | {"datapackage.json"}
    assert len(list((dest / "excel-sv").glob("*.csv"))) == len(TABLES)
    for path in files:
        data = path.read_bytes()
        for needle in NEEDLES:
            assert needle.encode() not in data, (path.name, needle)
    tables = read_tables(dest)
    assert not any(n in s for s in table_strings(tables) for n in NEEDLES)
    tasks = _item_6_tasks(tables)
    assert len(tasks) == 2
    assert all(t.endswith("Robert Tenevall kulturkonsulent [telefon] [e-post]") for t in tasks)
    for row in tables["documents"]:
        assert row["redactions"] == "email=2; phone=2"  # task and task_restored
    description = json.loads((dest / "datapackage.json").read_text())["description"]
    assert "Redacted (protokoll --redact): e-mail addresses ([e-post])" in description


def test_export_without_redact_is_a_copy(plain_out, tmp_path):
    export_tables(plain_out, tmp_path / "copy")
    for name in TABLES:
        assert (tmp_path / "copy" / f"{name}.csv").read_bytes() == (
            plain_out / f"{name}.csv"
        ).read_bytes(), name
    description = json.loads((tmp_path / "copy" / "datapackage.json").read_text())["description"]
    assert "Redacted" not in description


def test_export_redacts_as_run_does(plain_out, tmp_path, nlp):
    """One implementation: exporting an unredacted run with --redact gives the files that
    `run --redact` writes."""
    from pipeline.run import RunOptions, run

    kinds = ("email", "phone", "personnummer", "names")
    redacted_run = tmp_path / "run"
    run([RAW], redacted_run, nlp=nlp, options=RunOptions(redact=kinds))
    export_tables(plain_out, tmp_path / "export", redact=kinds)
    for name in TABLES:
        exported = (tmp_path / "export" / f"{name}.csv").read_text()
        assert exported == (redacted_run / f"{name}.csv").read_text(), name
    assert (tmp_path / "export" / "datapackage.json").read_text() == (
        redacted_run / "datapackage.json"
    ).read_text()


def test_export_of_a_redacted_run_adds_the_counts(plain_out, tmp_path):
    export_tables(plain_out, tmp_path / "a", redact=("phone",))
    export_tables(tmp_path / "a", tmp_path / "b", redact=("email", "phone"))
    documents = read_tables(tmp_path / "b")["documents"]
    assert {d["redactions"] for d in documents} == {"email=2; phone=2"}


def test_export_refuses_the_run_folder_and_another_run(plain_out, tmp_path, nlp):
    runner = CliRunner()
    result = runner.invoke(
        main, ["export", str(plain_out), "-o", str(plain_out), "--redact", "email"]
    )
    assert result.exit_code == 2 and "the run's own folder" in result.output
    other = tmp_path / "other"
    other.mkdir()
    (other / "manifest.sqlite").write_bytes(b"")
    result = runner.invoke(main, ["export", str(other), "-o", str(plain_out)])
    assert result.exit_code == 2 and "a run's output folder" in result.output
    result = runner.invoke(main, ["export", str(tmp_path / "x"), "-o", str(tmp_path / "none")])
    assert result.exit_code == 1 and "protokoll run" in result.output
    result = runner.invoke(main, ["export", str(tmp_path / "x"), "--redact", "mail"])
    assert result.exit_code == 2 and "unknown redaction kind: mail" in result.output


def test_export_takes_only_valid_personnummer(plain_out, tmp_path):
    """A number that fails the Luhn check stays; a valid personnummer goes."""
    tables = read_tables(plain_out)
    item = tables["agenda_items"][0]
    item["text"] = f"{item['text']} Sökande {VALID}, ärende {WRONG_CHECK}."
    run_dir = tmp_path / "run"
    write_tables(tables, run_dir)
    export_tables(run_dir, tmp_path / "share", redact=("personnummer", "phone"))
    texts = table_strings(read_tables(tmp_path / "share"))
    assert not any(VALID in t for t in texts)
    assert any(f"Sökande [personnummer], ärende {WRONG_CHECK}." in t for t in texts)
    counts = {
        d["document_id"]: d["redactions"] for d in read_tables(tmp_path / "share")["documents"]
    }
    assert counts[_document_of(tables, item["meeting_id"])] == "phone=2; personnummer=1"


def _document_of(tables, meeting_id: str) -> str:
    return next(m["document_id"] for m in tables["meetings"] if m["meeting_id"] == meeting_id)


def test_names_keep_attendees_in_the_persons_table(plain_out, tmp_path):
    """The persons table (built over all meetings, no meeting of its own): an attendee stays
    in every spelling, anyone else becomes [namn] whatever their name looks like."""
    export_tables(plain_out, tmp_path / "share", redact=("names",))
    tables = read_tables(tmp_path / "share")
    attendees = {a["person_id"] for a in tables["attendees"]}
    persons = tables["persons"]
    assert persons and attendees
    for person in persons:
        if person["person_id"] in attendees:
            assert person["name"] != "[namn]" and "[namn]" not in person["variants"]
        else:
            assert person["name"] == "[namn]" and set(person["variants"]) == {"[namn]"}
    names = {p["name"] for p in persons}
    assert {"Lisa Andersson Lindberg", "Per-Eric Magnusson"} <= names
    assert not ({"LG Brandt", "L Lustig", "Robert Tenevall"} & names)
    assert tables["attendees"] == read_tables(plain_out)["attendees"]


# -- serve -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def redacted_db(plain_out) -> Path:
    return build_database(plain_out, redact=("email", "phone"))


def test_serve_database_is_redacted_and_the_tables_stay(plain_out, tmp_path):
    before = _fingerprint(plain_out)
    db = build_database(plain_out, tmp_path / "x.db", redact=("email", "phone"))
    assert _fingerprint(plain_out) == before
    assert db == tmp_path / "x.db"


def test_served_tables_hold_no_email_or_phone(plain_out, redacted_db):
    assert redacted_db == plain_out / "protokoll-redacted.db"
    conn = sqlite3.connect(redacted_db)
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        assert set(TABLES) <= set(names)
        for name in names:
            for row in conn.execute(f"SELECT * FROM [{name}]"):
                for value in row:
                    if isinstance(value, str):
                        assert not any(n in value for n in NEEDLES), (name, value)
        tasks = [
            r[0] for r in conn.execute("SELECT task FROM actions WHERE task LIKE '%Tenevall%'")
        ]
        assert len(tasks) == 2 and all(t.endswith("[telefon] [e-post]") for t in tasks)
        (hits,) = conn.execute(
            "SELECT count(*) FROM actions_fts WHERE actions_fts MATCH '\"umea.se\"'"
        ).fetchone()
        assert hits == 0
        (hits,) = conn.execute(
            "SELECT count(*) FROM actions_fts WHERE actions_fts MATCH 'kulturkonsulent'"
        ).fetchone()
        assert hits == 2
    finally:
        conn.close()


def test_served_app_shows_no_email_or_phone(redacted_db):
    """The Datasette app itself, through its test client: the table pages, the search and
    the canned query answer without the e-mail address or the phone number."""
    from datasette.app import Datasette

    metadata = datasette_metadata(redacted_db.stem, ("email", "phone"))
    assert "e-mail addresses ([e-post]), phone numbers ([telefon])" in metadata["description"]
    datasette = Datasette(immutables=[str(redacted_db)], metadata=metadata)
    db = redacted_db.stem

    async def pages() -> list[str]:
        paths = [f"/{db}/{name}.json?_shape=array&_size=max" for name in TABLES]
        paths += [
            f"/{db}/actions.json?_search=kulturkonsulent&_shape=array",
            f"/{db}/overdue_actions_by_responsible.json?today=2099-01-01&_shape=array",
            f"/{db}.json?sql=SELECT+task+FROM+actions+WHERE+task+LIKE+'%25konsulent%25'"
            "&_shape=array",
            f"/{db}",
        ]
        out = []
        for path in paths:
            response = await datasette.client.get(path)
            assert response.status_code == 200, path
            out.append(response.text)
        return out

    texts = asyncio.run(pages())
    for text in texts:
        assert not any(n in text for n in NEEDLES)
    assert "[telefon] [e-post]" in json.loads(texts[-4])[0]["task"]
    assert [row["task"][-18:] for row in json.loads(texts[-2])] == ["[telefon] [e-post]"] * 2


def test_serve_cli_passes_the_kinds(monkeypatch, plain_out):
    calls = []
    monkeypatch.setattr("pipeline.serve.serve", lambda *a, **k: calls.append((a, k)))
    result = CliRunner().invoke(main, ["serve", "-o", str(plain_out), "--redact", "phone,email"])
    assert result.exit_code == 0, result.output
    assert calls[0][1]["redact"] == ("email", "phone")
    result = CliRunner().invoke(main, ["serve", "-o", str(plain_out), "--redact", "mail"])
    assert result.exit_code == 2 and "unknown redaction kind" in result.output


def test_serve_never_builds_over_a_table(plain_out):
    with pytest.raises(ValueError, match="a file of the run"):
        build_database(plain_out, plain_out / "actions.parquet", redact=("email",))
    assert pq.read_metadata(plain_out / "actions.parquet").num_rows > 0


# -- the question commands -------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["actions", "--format", "csv"],
        ["actions", "--format", "json", "--municipality", "umea"],
        ["query", "SELECT * FROM actions", "--format", "csv"],
        ["person", "Lisa Andersson Lindberg", "--format", "json"],
    ],
)
def test_question_commands_redact_their_output(plain_out, args):
    runner = CliRunner()
    plain = runner.invoke(main, [*args, "-o", str(plain_out)])
    redacted = runner.invoke(main, [*args, "-o", str(plain_out), "--redact", "email,phone"])
    assert plain.exit_code == 0 and redacted.exit_code == 0, redacted.output
    if args[0] != "person":  # Lisa has no action with a phone number
        assert EMAIL in plain.output
    assert not any(n in redacted.output for n in NEEDLES)
    assert len(redacted.output.splitlines()) == len(plain.output.splitlines())
    assert not list(plain_out.glob("*.db-journal"))


def test_redacted_questions_share_one_copy_per_published_version(plain_out, monkeypatch):
    """The first question with --redact makes the redacted copy, the next ones read it; new
    tables make a new copy and the old one goes (once nobody can be reading it)."""
    import os
    import shutil

    from pipeline import redacted_copy

    root = plain_out / ".state" / redacted_copy.FOLDER
    shutil.rmtree(root, ignore_errors=True)
    made = []
    real_export = redacted_copy.export_tables
    monkeypatch.setattr(
        redacted_copy, "export_tables", lambda *a, **k: made.append(1) or real_export(*a, **k)
    )
    args = ["actions", "--format", "csv", "-o", str(plain_out), "--redact", "email,phone"]
    runner = CliRunner()
    first, second = runner.invoke(main, args), runner.invoke(main, args)
    assert first.exit_code == 0 and first.output == second.output and len(made) == 1
    assert EMAIL not in first.output and "[e-post]" in first.output
    (copy,) = root.iterdir()
    assert (copy / redacted_copy.COMPLETE).exists()
    assert (copy / "actions.parquet").stat().st_mode & 0o044 == 0o044  # for every analyst

    table = plain_out / "actions.parquet"
    stat = table.stat()
    os.utime(copy, (0, 0))  # last read long ago
    try:
        os.utime(table, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))  # republished
        third = runner.invoke(main, args)
    finally:
        os.utime(table, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert third.output == first.output and len(made) == 2
    assert not copy.exists() and len(list(root.iterdir())) == 1


def test_a_redacted_question_on_a_folder_it_cannot_write(plain_out):
    """An analyst with read access only: a temporary copy answers, nothing is kept."""
    import shutil

    from pipeline import redacted_copy

    root = plain_out / ".state" / redacted_copy.FOLDER
    shutil.rmtree(root, ignore_errors=True)
    root.write_text("")  # its folder cannot be made (root may write anywhere: no chmod)
    try:
        result = CliRunner().invoke(
            main,
            ["query", "SELECT task FROM actions", "--format", "csv"]
            + ["-o", str(plain_out), "--redact", "email"],
        )
        assert result.exit_code == 0, result.output
        assert EMAIL not in result.output and "[e-post]" in result.output
        assert root.is_file() and root.read_text() == ""
    finally:
        root.unlink()


def test_a_redacted_question_on_a_folder_without_a_run_makes_nothing(tmp_path):
    missing = tmp_path / "no-run-here"
    result = CliRunner().invoke(main, ["decisions", "-o", str(missing), "--redact", "all"])
    assert result.exit_code == 2 and "no documents.parquet" in result.output
    assert not missing.exists()
