"""Checks on the reference data shipped in pipeline/data/."""

import csv
from pathlib import Path

import pytest

DATA_DIR = Path(__file__).parents[1] / "pipeline/data"

COUNTY_CODES = {
    "01",
    "03",
    "04",
    "05",
    "06",
    "07",
    "08",
    "09",
    "10",
    "12",
    "13",
    "14",
    "17",
    "18",
    "19",
    "20",
    "21",
    "22",
    "23",
    "24",
    "25",
}


def _read(name):
    with open(DATA_DIR / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def municipalities():
    return _read("municipalities.csv")


@pytest.fixture(scope="module")
def regions():
    return _read("regions.csv")


@pytest.fixture(scope="module")
def public_bodies():
    return _read("public_bodies.csv")


def test_municipality_columns(municipalities):
    assert list(municipalities[0]) == ["code", "name", "official_name", "county"]
    for row in municipalities:
        assert all(v and v == v.strip() for v in row.values()), row


def test_290_municipalities_with_unique_codes_and_names(municipalities):
    assert len(municipalities) == 290
    codes = [r["code"] for r in municipalities]
    assert len(set(codes)) == 290
    assert len({r["name"] for r in municipalities}) == 290
    assert len({r["official_name"] for r in municipalities}) == 290


def test_codes_are_four_digits_with_valid_county_prefix(municipalities):
    for row in municipalities:
        code = row["code"]
        assert len(code) == 4 and code.isdigit(), code
        assert code[:2] in COUNTY_CODES, code


def test_official_names_end_in_kommun(municipalities):
    for row in municipalities:
        assert row["official_name"].endswith(" kommun"), row


def test_21_counties_consistent_with_code_prefix(municipalities):
    counties = {r["county"] for r in municipalities}
    assert len(counties) == 21
    assert all(c.endswith(" län") for c in counties)
    prefix_to_county = {}
    for row in municipalities:
        county = prefix_to_county.setdefault(row["code"][:2], row["county"])
        assert county == row["county"], row
    assert set(prefix_to_county) == COUNTY_CODES
    assert len(set(prefix_to_county.values())) == 21


@pytest.mark.parametrize(
    "code,name,official_name,county",
    [
        ("2480", "Umeå", "Umeå kommun", "Västerbottens län"),
        ("2284", "Örnsköldsvik", "Örnsköldsviks kommun", "Västernorrlands län"),
        ("2460", "Vännäs", "Vännäs kommun", "Västerbottens län"),
        ("2401", "Nordmaling", "Nordmalings kommun", "Västerbottens län"),
        ("2403", "Bjurholm", "Bjurholms kommun", "Västerbottens län"),
        ("2404", "Vindeln", "Vindelns kommun", "Västerbottens län"),
        ("2409", "Robertsfors", "Robertsfors kommun", "Västerbottens län"),
        ("2080", "Falun", "Falu kommun", "Dalarnas län"),
        ("0180", "Stockholm", "Stockholms kommun", "Stockholms län"),
        ("2180", "Gävle", "Gävle kommun", "Gävleborgs län"),
        ("2062", "Mora", "Mora kommun", "Dalarnas län"),
        ("0360", "Tierp", "Tierps kommun", "Uppsala län"),
        ("2321", "Åre", "Åre kommun", "Jämtlands län"),
        ("1440", "Ale", "Ale kommun", "Västra Götalands län"),
        ("1730", "Eda", "Eda kommun", "Värmlands län"),
        ("2514", "Kalix", "Kalix kommun", "Norrbottens län"),
        ("1266", "Hörby", "Hörby kommun", "Skåne län"),
        ("1484", "Lysekil", "Lysekils kommun", "Västra Götalands län"),
        ("0980", "Gotland", "Gotlands kommun", "Gotlands län"),
    ],
)
def test_spot_checks(municipalities, code, name, official_name, county):
    by_code = {r["code"]: r for r in municipalities}
    assert by_code[code] == {
        "code": code,
        "name": name,
        "official_name": official_name,
        "county": county,
    }


def test_21_regions(regions, municipalities):
    assert list(regions[0]) == ["code", "name", "short_name"]
    assert len(regions) == 21
    assert {r["code"] for r in regions} == COUNTY_CODES
    assert len({r["name"] for r in regions}) == 21
    assert len({r["short_name"] for r in regions}) == 21
    by_code = {r["code"]: r for r in regions}
    assert by_code["24"] == {
        "code": "24",
        "name": "Region Västerbotten",
        "short_name": "Västerbotten",
    }
    assert by_code["09"]["name"] == "Region Gotland"
    assert by_code["14"]["name"] == "Västra Götalandsregionen"


def test_public_bodies(public_bodies):
    assert list(public_bodies[0]) == ["name", "short_name", "kind"]
    assert len(public_bodies) >= 30
    names = [r["name"] for r in public_bodies]
    assert len(set(names)) == len(names)
    shorts = [r["short_name"] for r in public_bodies if r["short_name"]]
    assert len(set(shorts)) == len(shorts)
    assert {r["kind"] for r in public_bodies} <= {"myndighet", "organisation"}
    by_name = {r["name"]: r for r in public_bodies}
    assert by_name["Arbetsförmedlingen"]["short_name"] == "AF"
    assert by_name["Försäkringskassan"]["short_name"] == "FK"
    assert by_name["Sveriges Kommuner och Regioner"]["short_name"] == "SKR"
    assert by_name["Sveriges Kommuner och Regioner"]["kind"] == "organisation"
    assert by_name["Inspektionen för vård och omsorg"]["short_name"] == "IVO"
    assert by_name["Myndigheten för samhällsskydd och beredskap"]["short_name"] == "MSB"
