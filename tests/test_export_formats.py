"""The export formats beside Parquet: CSV for Swedish Excel and datapackage.json."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from pathlib import Path

import frictionless
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from conftest import RAW

from pipeline.cli import main
from pipeline.datapackage import FOREIGN_KEYS
from pipeline.export import write_csv_dialects, write_tables
from pipeline.schema import TABLES

BOM = b"\xef\xbb\xbf"


@pytest.fixture(scope="session")
def excel_out(tmp_path_factory) -> Path:
    """`protokoll run data/raw --csv-dialect excel-sv`, once."""
    out = tmp_path_factory.mktemp("excel_out")
    result = CliRunner().invoke(
        main, ["run", str(RAW), "-o", str(out), "--csv-dialect", "excel-sv"]
    )
    assert result.exit_code == 0, result.output
    return out


def read_plain(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def read_excel(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f, delimiter=";"))


@pytest.mark.parametrize("name", list(TABLES))
def test_excel_csv_has_bom_crlf_and_the_same_cells(excel_out, name):
    path = excel_out / "excel-sv" / f"{name}.csv"
    data = path.read_bytes()
    assert data.startswith(BOM)
    data.decode("utf-8-sig")
    rows = read_excel(path)
    assert rows == read_plain(excel_out / f"{name}.csv")
    assert rows[0] == TABLES[name].column_names
    assert data.count(b"\r\n") == len(rows)  # every record ends CRLF; LF only inside cells


def test_excel_csv_keeps_swedish_letters_and_multiline_cells(excel_out):
    meetings = read_excel(excel_out / "excel-sv" / "meetings.csv")
    header, first = meetings[0], dict(zip(meetings[0], meetings[1], strict=True))
    assert len(meetings[1]) == len(header)
    assert first["organization"] == "Umeåregionen"
    expected = pq.read_table(excel_out / "meetings.parquet").column("next_meeting_raw")[0]
    assert first["next_meeting_raw"] == expected.as_py()
    assert "\n" in first["next_meeting_raw"]
    attendees = read_excel(excel_out / "excel-sv" / "attendees.csv")
    roles = {r[2]: r[4] for r in attendees[1:]}
    assert roles["Lisa Andersson Lindberg"] == "föredragande; organisatör; sekreterare"


def test_default_output_has_no_excel_folder(sample_run):
    _, _, out = sample_run
    assert not (out / "excel-sv").exists()
    names = {p.name for p in out.iterdir()}
    assert {"datapackage.json", *(f"{n}.{x}" for n in TABLES for x in ("parquet", "csv"))} <= names
    assert not [n for n in names if n.endswith(".tmp")]


def test_csv_cells_quoted_guarded_and_typed(tmp_path):
    tables = {
        "documents": [
            {
                "document_id": "d1",
                "source_path": '=HYPERLINK("http://x")',
                "status": "failed",
                "error": 'one;two, "three"\rfour',
                "warnings": "-- note",
                "pages": None,
                "size_bytes": None,
                "extractor_version": "0",
            },
            {
                "document_id": "d2",
                "source_path": "+46 90 16 10 00",
                "status": "ok",
                "pages": 2,
                "size_bytes": 123,
                "extractor_version": "0",
            },
        ],
        "meetings": [{"meeting_id": "m1", "document_id": "d2", "date": dt.date(2016, 3, 16)}],
    }
    write_tables(tables, tmp_path, csv_dialects=("utf8", "excel-sv"))
    plain = read_plain(tmp_path / "documents.csv")
    excel = read_excel(tmp_path / "excel-sv" / "documents.csv")
    col = {name: i for i, name in enumerate(plain[0])}
    # Plain CSV: the values as they are; a lone CR stays inside its quoted cell.
    assert plain[1][col["source_path"]] == '=HYPERLINK("http://x")'
    assert plain[1][col["error"]] == 'one;two, "three"\rfour'
    assert len(plain) == 3
    # Integers with gaps stay integers (not 2.0), nulls are empty.
    assert (plain[1][col["pages"]], plain[2][col["pages"]]) == ("", "2")
    assert plain[2][col["size_bytes"]] == "123"
    # Excel: text that Excel would run as a formula gets its text marker.
    assert excel[1][col["source_path"]] == '\'=HYPERLINK("http://x")'
    assert excel[2][col["source_path"]] == "'+46 90 16 10 00"
    assert excel[1][col["warnings"]] == "'-- note"
    assert excel[1][col["error"]] == plain[1][col["error"]]
    assert read_excel(tmp_path / "excel-sv" / "meetings.csv")[1][5] == "2016-03-16"


def test_dialects_can_be_added_afterwards_and_unknown_ones_refused(sample_run, tmp_path):
    _, _, out = sample_run
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    written = write_csv_dialects(copy, ["excel-sv"])
    assert sorted(p.name for p in written) == sorted(f"{n}.csv" for n in TABLES)
    for name in TABLES:
        assert read_excel(copy / "excel-sv" / f"{name}.csv") == read_plain(copy / f"{name}.csv")
    with pytest.raises(ValueError, match="unknown CSV dialect 'excel-en'"):
        write_csv_dialects(copy, ["excel-en"])


def validate(package: Path) -> frictionless.Report:
    report = frictionless.validate(package)
    if not report.valid:
        for error in report.flatten(["rowNumber", "fieldName", "type", "message"]):
            print(error)
    return report


def test_datapackage_of_the_sample_is_valid(excel_out):
    assert validate(excel_out / "datapackage.json").valid


def test_datapackage_with_failed_documents_is_valid(sample_run):
    """Failed documents leave gaps in integer columns: still integers, still valid."""
    _, _, out = sample_run
    assert validate(out / "datapackage.json").valid


def test_datapackage_describes_the_schema(excel_out):
    package = json.loads((excel_out / "datapackage.json").read_text(encoding="utf-8"))
    assert package["profile"] == "tabular-data-package"
    assert package["name"] == "protokoll"
    assert "personal data" in package["description"]
    resources = {r["name"]: r for r in package["resources"]}
    assert list(resources) == list(TABLES)
    for name, table in TABLES.items():
        resource = resources[name]
        assert resource["path"] == f"{name}.csv"
        schema = resource["schema"]
        assert schema["primaryKey"] == list(table.primary_key)
        fields = {f["name"]: f for f in schema["fields"]}
        assert list(fields) == table.column_names
        assert all(f["description"] for f in fields.values())
    fields = {f["name"]: f for f in resources["attendees"]["schema"]["fields"]}
    assert fields["roles"]["type"] == "string"
    assert "'; '-joined" in fields["roles"]["description"]
    assert {f["name"]: f["type"] for f in resources["meetings"]["schema"]["fields"]}["date"] == (
        "date"
    )
    assert {f["name"]: f["type"] for f in resources["actions"]["schema"]["fields"]}[
        "series_position"
    ] == "integer"
    fks = {
        (name, json.dumps(fk["fields"]), fk["reference"]["resource"])
        for name, r in resources.items()
        for fk in r["schema"].get("foreignKeys", [])
    }
    assert len(fks) == len(FOREIGN_KEYS)
    item = '["meeting_id", "item_number"]'
    core = {"documents", "meetings", "attendees", "agenda_items", "decisions", "actions"}
    assert {fk for fk in fks if fk[0] in core | {"attachments"}} == {
        ("meetings", '"document_id"', "documents"),
        *((t, '"meeting_id"', "meetings") for t in core - {"documents", "meetings"}),
        ("attachments", '"meeting_id"', "meetings"),
        *((t, item, "agenda_items") for t in ("decisions", "actions", "attachments")),
        ("attendees", '"person_id"', "persons"),  # every person of the run has a row
    }


def test_datapackage_catches_a_broken_foreign_key(excel_out, tmp_path):
    """The validation really follows the foreign keys (it is not vacuously valid)."""
    copy = tmp_path / "out"
    shutil.copytree(excel_out, copy, ignore=shutil.ignore_patterns("excel-sv", "*.db"))
    path = copy / "decisions.csv"
    rows = read_plain(path)
    meeting = rows[0].index("meeting_id")
    rows[1][meeting] = "m_no_such_meeting"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
    report = frictionless.validate(copy / "datapackage.json")
    assert not report.valid
    assert {e[0] for e in report.flatten(["type"])} == {"foreign-key"}
