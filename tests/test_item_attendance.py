"""Who served on which §: attendance lines naming paragraphs become one row per item."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pipeline.item_attendance import item_attendance_rows, item_numbers
from pipeline.run import run

FIXTURES = Path(__file__).parent / "fixtures"
STORUMAN = FIXTURES / "grammar" / "kommunstyrelsen_storuman_2019-10-21.docx"
NORDMALING = FIXTURES / "dev" / "kommunstyrelsen_nordmaling_2016-11-07.odt"


@pytest.mark.parametrize(
    ("written", "numbers"),
    [
        ("§§ 170, 172–174", ["170", "172", "173", "174"]),
        ("§ 173", ["173"]),
        ("§§ 101-102 och 105", ["101", "102", "105"]),
        ("§ 3 a", ["3 a"]),
        ("§§ 5–5", ["5"]),
        ("§§ 12–3", ["12–3"]),  # a backwards range is kept as written, not expanded
        ("§§ 1–99999", ["1–99999"]),  # a typo, not a hundred thousand items
        ("", []),
        (None, []),
    ],
)
def test_item_numbers(written, numbers):
    assert item_numbers(written) == numbers


def test_only_items_of_the_meeting_get_rows():
    tables = {
        "agenda_items": [
            {"meeting_id": "m1", "item_number": n} for n in ("170", "171", "172", "3 a")
        ],
        "attendees": [
            {"meeting_id": "m1", "person_id": "p1", "name": "Eva", "items_raw": "§§ 170–173"},
            {"meeting_id": "m1", "person_id": "p2", "name": "Olle", "items_raw": None},
            {"meeting_id": "m1", "person_id": "p3", "name": "Ali", "items_raw": "§ 3A"},
            {"meeting_id": "m2", "person_id": "p1", "name": "Eva", "items_raw": "§ 170"},
        ],
    }
    rows = [(r["person_id"], r["item_number"]) for r in item_attendance_rows(tables)]
    assert rows == [("p1", "170"), ("p1", "171"), ("p1", "172"), ("p3", "3 a")]


def test_substitutes_of_the_kommunstyrelse_serve_on_their_paragraphs(tmp_path):
    run([STORUMAN], tmp_path)
    served = pd.read_csv(tmp_path / "item_attendance.csv", dtype=str)
    attendees = pd.read_csv(tmp_path / "attendees.csv", dtype=str).set_index("name")
    replaces = [r if isinstance(r, str) else None for r in served["replaces"]]
    rows = sorted(zip(served["name"], served["item_number"], replaces, strict=True))
    assert rows == [
        ("Eva Lindahl", "170", "Lena Forsgren"),
        ("Eva Lindahl", "172", "Lena Forsgren"),
        ("Eva Lindahl", "173", "Lena Forsgren"),
        ("Eva Lindahl", "174", "Lena Forsgren"),
        ("Hans Berg", "173", "Olle Ek"),
        ("Lena Forsgren", "171", None),  # "Lena Forsgren (S), § 171": the member herself
        ("Mats Edlund", "172", None),  # "Mats Edlund, ekonomichef, § 172"
    ]
    eva = served[served["name"] == "Eva Lindahl"].iloc[0]
    assert eva["person_id"] == attendees.loc["Eva Lindahl", "person_id"]
    assert eva["replaces_person_id"] == attendees.loc["Eva Lindahl", "replaces_person_id"]
    items = set(pd.read_csv(tmp_path / "agenda_items.csv", dtype=str)["item_number"])
    assert set(served["item_number"]) <= items


def test_an_official_present_for_some_paragraphs(tmp_path):
    run([NORDMALING], tmp_path)
    served = pd.read_csv(tmp_path / "item_attendance.csv", dtype=str)
    assert sorted(zip(served["name"], served["item_number"], strict=True)) == [
        ("Fredrik Lund", "101"),
        ("Fredrik Lund", "102"),
    ]
    assert served["replaces"].isna().all()
    attendees = pd.read_csv(tmp_path / "attendees.csv", dtype=str).set_index("name")
    assert attendees.loc["Fredrik Lund", "roles"] == "ekonomichef"
    assert attendees["items_raw"].notna().sum() == 1
