"""`protokoll serve`: the SQLite build with its search indexes, view and canned queries,
the loopback guard, and a real Datasette driven by a real (headless) Chromium."""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from conftest import RAW

from pipeline.cli import main
from pipeline.schema import TABLES
from pipeline.serve import (
    CANNED_QUERIES,
    DECISIONS_VIEW,
    PublicHostError,
    build_database,
    check_host,
    datasette_metadata,
    serve,
)

ITEM_3_DECISION = "uppdras skriva fram ett gemensamt underlag"
ITEM_1_DECISION = "tillsvidare fortsätta använda verktyget"


@pytest.fixture(scope="session")
def raw_out(tmp_path_factory, nlp) -> Path:
    """data/raw extracted once into its own output folder."""
    from pipeline.run import run

    out = tmp_path_factory.mktemp("serve_out")
    run([RAW], out, nlp=nlp)
    return out


@pytest.fixture(scope="session")
def db(raw_out) -> Path:
    return build_database(raw_out)


def query(db: Path, sql: str, params: dict | tuple = ()) -> list[sqlite3.Row]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def test_database_is_built_next_to_the_tables(raw_out, db):
    assert db == raw_out / "protokoll.db"
    for name in TABLES:
        (count,) = query(db, f"SELECT count(*) FROM [{name}]")[0]
        assert count == pq.read_metadata(raw_out / f"{name}.parquet").num_rows, name
    assert not list(raw_out.glob(".*.tmp"))


def test_fts_finds_the_item_3_decision(db):
    rows = query(
        db,
        "SELECT d.meeting_id, d.item_number, d.text FROM decisions_fts "
        "JOIN decisions d ON d.rowid = decisions_fts.rowid "
        "WHERE decisions_fts MATCH 'medfinansiering'",
    )
    assert [r["item_number"] for r in rows] == ["3", "3"]  # the .docx and the text export
    assert len({r["meeting_id"] for r in rows}) == 2
    assert all(ITEM_3_DECISION in r["text"] for r in rows)


def test_fts_covers_actions_and_agenda_items_in_any_case(db):
    actions = query(
        db,
        "SELECT a.item_number FROM actions_fts JOIN actions a ON a.rowid = actions_fts.rowid "
        "WHERE actions_fts MATCH 'MEDFINANSIERING'",
    )
    assert {r["item_number"] for r in actions} == {"3"}
    items = query(
        db,
        "SELECT i.item_number, i.title FROM agenda_items_fts "
        "JOIN agenda_items i ON i.rowid = agenda_items_fts.rowid "
        "WHERE agenda_items_fts MATCH 'title:REGIONRÅDSMÖTET'",
    )
    assert {r["item_number"] for r in items} == {"3"}


def test_dates_iso_text_lists_json_keys_declared(db):
    meeting = query(db, "SELECT date, typeof(date) AS t FROM meetings LIMIT 1")[0]
    assert (meeting["date"], meeting["t"]) == ("2016-03-16", "text")
    roles = {
        r["name"]: json.loads(r["roles"])
        for r in query(db, "SELECT name, roles FROM attendees")
        if r["name"] == "Lisa Andersson Lindberg"
    }
    assert roles == {"Lisa Andersson Lindberg": ["föredragande", "organisatör", "sekreterare"]}
    fks = query(db, "SELECT * FROM pragma_foreign_key_list('decisions')")
    assert {(r["table"], r["from"]) for r in fks} == {
        ("meetings", "meeting_id"),
        ("agenda_items", "meeting_id"),
        ("agenda_items", "item_number"),
    }
    assert query(db, "PRAGMA foreign_key_check") == []


def test_view_puts_each_decision_next_to_its_meeting(db):
    rows = query(db, f"SELECT * FROM {DECISIONS_VIEW} WHERE item_number = '3'")
    assert len(rows) == 2
    row = rows[0]
    assert list(row.keys())[:7] == [
        "date",
        "body",
        "organization",
        "item_number",
        "title",
        "decision_type",
        "text",
    ]
    assert (row["date"], row["body"], row["organization"]) == (
        "2016-03-16",
        "Kommunchefsgruppen",
        "Umeåregionen",
    )
    assert row["title"].startswith("Uppföljning Regionrådsmötet")
    assert (len(query(db, f"SELECT 1 FROM {DECISIONS_VIEW}"))) == 26


def canned(db: Path, query_name: str, **params: str) -> list[sqlite3.Row]:
    return query(db, CANNED_QUERIES[query_name]["sql"], params)


def test_canned_query_decisions_mentioning_a_word(db):
    for word in ("BETRÄFFANDE", "finansiering", "Medfinansiering"):
        rows = canned(db, "decisions_mentioning_word", word=word)
        assert [r["item_number"] for r in rows] == ["3", "3"], word
    assert canned(db, "decisions_mentioning_word", word="") == []


def test_canned_query_overdue_actions_by_responsible(db):
    rows = canned(db, "overdue_actions_by_responsible", today="2016-04-01")
    assert rows
    assert all(r["due_date"] < "2016-04-01" for r in rows)
    people = [r["responsible"] or "" for r in rows]
    assert people == sorted(people, key=lambda p: (p == "", p))
    for person in set(people):
        mine = [r for r in rows if (r["responsible"] or "") == person]
        assert {r["overdue_for_responsible"] for r in mine} == {len(mine)}
    assert canned(db, "overdue_actions_by_responsible", today="2016-01-01") == []


def test_canned_queries_about_a_person(db):
    actions = canned(db, "actions_of_person", name="LISA")
    assert actions and all("Lisa" in r["responsible"] for r in actions)
    attendance = canned(db, "attendance_of_person", name="sundSTRÖM")
    assert [(r["name"], r["attendance"]) for r in attendance] == [
        ("Helén Sundström Hetta", "absent")
    ] * 2
    assert canned(db, "attendance_of_person", name="") == []


def test_metadata_describes_every_table_and_column():
    metadata = datasette_metadata()
    json.dumps(metadata)  # Datasette takes it as JSON
    assert "personal data" in metadata["license"]
    tables = metadata["databases"]["protokoll"]["tables"]
    for name, table in TABLES.items():
        assert tables[name]["description"] == table.description
        assert set(tables[name]["columns"]) == set(table.column_names)
    for name in ("decisions", "actions", "agenda_items"):
        assert (tables[name]["fts_table"], tables[name]["fts_pk"]) == (f"{name}_fts", "rowid")
    assert tables[DECISIONS_VIEW]["facets"] == ["body", "date", "decision_type"]
    queries = metadata["databases"]["protokoll"]["queries"]
    assert {q["title"] for q in queries.values()} == {
        "Decisions mentioning a word",
        "Overdue actions by responsible",
        "Actions of a person",
        "Attendance of a person",
    }


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "example.org", ""])
def test_non_loopback_host_is_refused(raw_out, host):
    with pytest.raises(PublicHostError, match="not a loopback address"):
        serve(raw_out, host=host, port=1)


@pytest.mark.parametrize("host", ["127.0.0.1", "127.8.9.10", "::1", "[::1]", "localhost"])
def test_loopback_hosts_are_accepted(host):
    check_host(host)


def test_cli_allows_public_only_for_an_explicit_host(raw_out, monkeypatch):
    calls = []
    monkeypatch.setattr("pipeline.serve.serve", lambda *a, **kw: calls.append(kw))
    runner = CliRunner()
    assert runner.invoke(main, ["serve", "-o", str(raw_out)]).exit_code == 0
    assert runner.invoke(main, ["serve", "-o", str(raw_out), "--host", "10.0.0.5"]).exit_code == 0
    assert [c["allow_public"] for c in calls] == [False, True]
    monkeypatch.undo()
    # A host from anywhere but the command line (here a click default_map) is not consent.
    result = runner.invoke(
        main, ["serve", "-o", str(raw_out)], default_map={"serve": {"host": "0.0.0.0"}}
    )
    assert result.exit_code == 1
    assert "refusing to serve on '0.0.0.0'" in result.output


# --- a real server and a real browser ---------------------------------------------------

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--no-proxy-server",
    # Any name but the loopback address fails to resolve: nothing leaves the machine.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
LOCAL = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # no proxy for loopback


CHROMIUM = ("chromium", "/usr/bin/chromium")


def chromium_or_skip() -> str:
    """Debian's Chromium; missing is a skip on a workstation but a failure in CI."""
    for candidate in CHROMIUM:
        if found := shutil.which(candidate):
            return found
    if os.environ.get("CI"):
        pytest.fail("chromium is missing; CI installs it (scripts/setup.sh)")
    pytest.skip("chromium is not installed (scripts/setup.sh installs it)")


def test_missing_chromium_skips_locally_and_fails_in_ci(monkeypatch):
    monkeypatch.setattr(sys.modules[__name__], "CHROMIUM", ("no-such-chromium",))
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        chromium_or_skip()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception):
        chromium_or_skip()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, server: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"protokoll serve exited with {server.returncode}:\n{log.read_text()}")
        try:
            with LOCAL.open(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"no answer from {url} within {timeout}s:\n{log.read_text()}")


def get_json(url: str) -> dict:
    with LOCAL.open(url, timeout=10) as response:
        return json.load(response)


def dump_dom(chromium: str, url: str, tmp_path: Path) -> str:
    profile = tmp_path / "chromium-profile"
    result = subprocess.run(
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom", url],
        capture_output=True,
        text=True,
        timeout=90,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_datasette_in_a_real_browser(raw_out, tmp_path):
    chromium = chromium_or_skip()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"
    with log.open("w") as log_file:
        server = subprocess.Popen(
            [sys.executable, "-c", "from pipeline.cli import main; main()", "serve"]
            + ["-o", str(raw_out), "--port", str(port), "--db", str(tmp_path / "browse.db")],
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_up(f"{base}/-/versions.json", server, log)

        home = dump_dom(chromium, f"{base}/", tmp_path)
        assert "protokoll: Swedish municipal meeting minutes" in home
        assert "personal data" in home

        found = dump_dom(chromium, f"{base}/browse/decisions?_search=medfinansiering", tmp_path)
        assert ITEM_3_DECISION in found
        assert ITEM_1_DECISION not in found  # the search filtered, not just listed

        view = get_json(f"{base}/browse/{DECISIONS_VIEW}.json")
        assert set(view["facet_results"]) == {"body", "date", "decision_type"}
        body = view["facet_results"]["body"]["results"]
        assert [(f["value"], f["count"]) for f in body] == [("Kommunchefsgruppen", 26)]

        word = urllib.parse.urlencode({"word": "medfinansiering", "_shape": "objects"})
        mentions = get_json(f"{base}/browse/decisions_mentioning_word.json?{word}")
        assert [r["item_number"] for r in mentions["rows"]] == ["3", "3"]
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
