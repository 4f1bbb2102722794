"""`protokoll run` on the bundled sample: the tables hold exactly what the minutes say."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import RAW, SAMPLE_DECISION_ITEMS, SAMPLE_DOCX, SAMPLE_RYM, rows_of

from pipeline.cli import main

RYM = ".rym.md"


def test_documents_table_reports_every_file(sample_run):
    summary, tables, _ = sample_run
    docs = tables["documents"].set_index(
        tables["documents"].source_path.str.rsplit("/", n=1).str[-1]
    )
    assert docs.loc["kommunchefsmote_2016-03-16.rym.md", "status"] == "ok"
    assert docs.loc["kommunchefsmote_2016-03-16.rym.md", "source_format"] == "rym-md"
    assert docs.loc["kommunchefsmote_2016-03-16.docx", "status"] == "ok"
    assert docs.loc["kommunchefsmote_2016-03-16.docx", "source_format"] == "docx"
    assert docs.loc["truncated.docx", "status"] == "failed"
    assert "docx" in docs.loc["truncated.docx", "error"]
    assert docs.loc["photo.dat", "status"] == "failed"
    assert docs.loc["photo.dat", "error"] == "unsupported format: binary (no backend yet)"
    assert docs.loc["empty.md", "error"] == "empty file (0 bytes)"
    assert summary.counts == {"ok": 2, "partial": 0, "failed": 3}
    assert set(docs.extractor_version) == {"0.1.0"}
    assert docs.loc["kommunchefsmote_2016-03-16.rym.md", "sha256"] == (
        __import__("hashlib").sha256(SAMPLE_RYM.read_bytes()).hexdigest()
    )


def test_meeting_header(sample_run):
    _, tables, _ = sample_run
    meeting = rows_of(tables, "meetings", RYM).iloc[0]
    assert meeting.date == dt.date(2016, 3, 16)
    assert (meeting.start_time, meeting.end_time) == ("08:30", "12:00")
    assert meeting.body == "Kommunchefsgruppen"
    assert meeting.organization == "Umeåregionen"
    assert meeting.title == "Kommunchefsmöte"
    assert meeting.location == "Telefon + Jonas J's kontor"
    assert meeting.next_meeting_date == dt.date(2016, 4, 27)


def test_attendees_canonical_names_roles_and_municipalities(sample_run):
    _, tables, _ = sample_run
    att = rows_of(tables, "attendees", RYM).set_index("name")
    assert len(att) == 8
    assert att.attendance.value_counts().to_dict() == {"present": 5, "remote": 1, "absent": 2}
    assert att.loc["Magnus Haglund", "attendance"] == "remote"
    assert list(att.loc["Magnus Haglund", "roles"]) == ["ordförande"]
    assert list(att.loc["Per-Eric Magnusson", "roles"]) == ["vice ordförande"]
    assert list(att.loc["Lisa Andersson Lindberg", "roles"]) == [
        "föredragande",
        "organisatör",
        "sekreterare",
    ]
    assert list(att.loc["Magnus Hansson", "roles"]) == ["tf kommunchef"]
    assert att.loc["Jonas Jonsson", "municipality"] == "Umeå kommun"
    assert att.loc["Jonas Jonsson", "municipality_code"] == "2480"
    # Only the item 6 action table pairs the two absent chiefs with their municipalities.
    assert att.loc["Helén Sundström Hetta", "municipality"] == "Nordmalings kommun"
    assert att.loc["Helén Sundström Hetta", "municipality_source"] == "paired"
    assert att.loc["Hans-Åke Donnersvärd", "municipality"] == "Vännäs kommun"
    assert att.loc["Hans-Åke Donnersvärd", "attendance"] == "absent"
    assert pd.isna(att.loc["Lisa Andersson Lindberg", "municipality"])
    assert att.loc["Håkan Wretling", "position"] == "line 21"


def test_agenda_items(sample_run):
    _, tables, _ = sample_run
    items = rows_of(tables, "agenda_items", RYM)
    assert list(items.item_number) == [str(n) for n in range(1, 16)] + ["15.1", "15.2", "16"]
    titles = dict(zip(items.item_number, items.title, strict=True))
    assert titles["4"] == 'Första nämndssammanträde "HR-nämnd"'
    assert titles["15.1"] == "ÖFUR lokal"
    assert titles["16"] == "Mötets avslutande"
    text3 = items.set_index("item_number").loc["3", "text"]
    assert "förslag till dagordning för kommunchefsmötet. Se punkt 4" in text3


def test_decisions(sample_run):
    _, tables, _ = sample_run
    dec = rows_of(tables, "decisions", RYM)
    assert len(dec) == 13
    assert list(dec.item_number) == SAMPLE_DECISION_ITEMS
    by_item = dec.set_index("item_number").text
    assert by_item["10"] == (
        "Kommunchefsgruppen beslutar att årsplaneringen går igenom vid strategidagar, 12-12 i maj."
    )
    assert by_item["4"].count("\n") == 1
    types = dec.set_index("item_number").decision_type
    assert (types["3"], types["4"], types["15"]) == ("assign", "propose", "reject")
    assert by_item["4"].startswith("Kommunchefsgruppen beslutar föreslå till nämnden att kommun")


def test_actions(sample_run):
    _, tables, _ = sample_run
    act = rows_of(tables, "actions", RYM)
    assert len(act) == 34
    first = act.iloc[0]
    assert first.task == "Ta fram underlag för beslut om medfinansiering för UR-nära."
    assert first.due_date == dt.date(2016, 6, 10)
    assert first.responsible == "Lisa Andersson Lindberg"
    vindeln = act[act.task.str.startswith("Vindeln - ")].iloc[0]
    assert vindeln.responsible == "Per-Eric Magnusson"
    assert vindeln.responsible_raw == "Per-Erik Magnusson"
    vannas = act[act.task.str.startswith("Vännäs - ")].iloc[0]
    assert (vannas.responsible, vannas.responsible_raw) == (
        "Hans-Åke Donnersvärd",
        "Hans-Ake Donnersvard",
    )
    nordmaling = act[act.task == "Nordmaling - utan åtgärd"].iloc[0]
    assert nordmaling.responsible == "Helén Sundström Hetta"
    broken = act[act.item_number == "5"]
    assert list(broken.due_date) == [dt.date(2016, 3, 22), None]
    assert list(broken.responsible) == ["Magnus Haglund", "Lisa Andersson Lindberg"]
    after_table = act[act.item_number == "7"].iloc[3:]
    assert list(after_table.responsible.fillna("-")) == ["-", "Lisa Andersson Lindberg"]
    last = act.iloc[-1]
    assert (last.item_number, last.task, last.due_date) == (
        "15.1",
        "Kommunicera beslut.",
        dt.date(2016, 3, 17),
    )
    assert act.due_date.notna().sum() == 15


def test_attachments(sample_run):
    _, tables, _ = sample_run
    att = rows_of(tables, "attachments", RYM)
    assert len(att) == 12
    assert list(att[att.item_number == "3"].filename)[2] == "Strategi-URNära.pdf"
    assert "ÖFN Diös (3).docx" in set(att.filename)


ID_AND_PROVENANCE = {
    "meeting_id",
    "document_id",
    "decision_id",
    "action_id",
    "series_id",
    "page",
    "position",
}


@pytest.mark.parametrize(
    "table", ["meetings", "attendees", "agenda_items", "decisions", "actions", "attachments"]
)
def test_docx_gives_the_same_rows_as_the_text_export(sample_run, table):
    """The same meeting as a Word file with real tables and heading styles."""
    _, tables, _ = sample_run
    rym = rows_of(tables, table, RYM)
    docx = rows_of(tables, table, ".docx")
    columns = [c for c in rym.columns if c not in ID_AND_PROVENANCE]
    assert len(rym) > 0
    pd.testing.assert_frame_equal(
        rym[columns].astype(str), docx[columns].astype(str), check_dtype=False
    )


def test_ids_are_stable_across_runs(tmp_path, nlp):
    from pipeline.run import run

    first = run([SAMPLE_RYM], tmp_path / "a", nlp=nlp)
    second = run([SAMPLE_RYM], tmp_path / "b", nlp=nlp)
    ids = lambda s: [a["action_id"] for r in s.results for a in r.tables["actions"]]  # noqa: E731
    assert ids(first) == ids(second)
    assert (tmp_path / "a" / "actions.csv").read_bytes() == (
        tmp_path / "b" / "actions.csv"
    ).read_bytes()


def test_cli_run_exit_codes_and_summary(tmp_path):
    runner = CliRunner()
    ok = runner.invoke(main, ["run", str(RAW), "-o", str(tmp_path / "ok")])
    assert ok.exit_code == 0, ok.output
    assert "2 documents: 2 ok, 0 partial, 0 failed" in ok.output
    assert (tmp_path / "ok" / "actions.parquet").exists()
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    failed = runner.invoke(main, ["run", str(SAMPLE_RYM), str(bad), "-o", str(tmp_path / "f")])
    assert failed.exit_code == 1
    assert "FAILED" in failed.output and "bad.docx" in failed.output


def test_csv_is_utf8_with_lists_joined(sample_run):
    _, _, out = sample_run
    text = (out / "attendees.csv").read_text(encoding="utf-8")
    assert "Helén Sundström Hetta" in text
    assert "föredragande; organisatör; sekreterare" in text


def test_sample_docx_is_the_committed_one():
    assert SAMPLE_DOCX.stat().st_size > 10_000
