"""Redaction of personal data: e-mail, phone, personnummer (Luhn-checked), non-attendee names."""

from __future__ import annotations

import copy
from collections import Counter

import pandas as pd
import pytest
from conftest import luhn_digit, table_strings

from pipeline.export import write_tables
from pipeline.redact import (
    is_personnummer,
    luhn_ok,
    parse_kinds,
    redact_tables,
    redact_text,
    rule_names,
)
from pipeline.schema import TABLES

EMAIL = "robert.tenevall@umea.se"
PHONE = "070-332 67 66"
PII = {"email", "phone", "personnummer"}


@pytest.fixture
def run_tables(sample_run):
    """The tables of the sample run (both documents, plus the broken files), as run.py
    builds them before writing: a fresh deep copy per test."""
    summary, _, _ = sample_run
    tables = {"documents": [r.row for r in summary.results]}
    for name in TABLES:
        if name != "documents":
            tables[name] = [row for r in summary.results for row in r.tables.get(name, [])]
    return copy.deepcopy(tables)


def _contains(tables: dict[str, list[dict]], needle: str) -> bool:
    return any(needle in s for s in table_strings(tables))


def _occurrences(tables, needle: str) -> Counter:
    """How many text values of each document contain ``needle``."""
    document_of = {m["meeting_id"]: m["document_id"] for m in tables["meetings"]}
    seen = Counter()
    for rows in tables.values():
        for row in rows:
            document = row.get("document_id") or document_of.get(row.get("meeting_id"))
            seen[document] += sum(needle in s for s in table_strings({"x": [row]}))
    return seen


def _ok_documents(tables):
    return [r["document_id"] for r in tables["documents"] if r["status"] == "ok"]


# -- the sample ------------------------------------------------------------------------------


def test_item_6_email_and_phone_are_gone_from_every_table(run_tables, tmp_path):
    assert _contains(run_tables, EMAIL) and _contains(run_tables, PHONE)
    seen = _occurrences(run_tables, EMAIL)
    counts = redact_tables(run_tables, {"email", "phone"})
    for needle in (EMAIL, PHONE, "3326766", "umea.se"):
        assert not _contains(run_tables, needle), needle
    for document in _ok_documents(run_tables):  # the text export and the Word file
        assert seen[document] >= 1  # the task (and any column derived from it)
        assert counts[document] == {"email": seen[document], "phone": seen[document]}
    tasks = [a["task"] for a in run_tables["actions"] if "Tenevall" in a["task"]]
    assert len(tasks) == 2
    assert all(t.endswith("Robert Tenevall kulturkonsulent [telefon] [e-post]") for t in tasks)

    write_tables(run_tables, tmp_path)  # and from every file written
    for path in list(tmp_path.glob("*.csv")) + list(tmp_path.glob("*.parquet")):
        data = path.read_bytes()
        assert EMAIL.encode() not in data and PHONE.encode() not in data, path.name
    documents = pd.read_parquet(tmp_path / "documents.parquet")
    for row in documents[documents.status == "ok"].itertuples():
        n = seen[row.document_id]
        assert row.redactions == f"email={n}; phone={n}"


def test_redaction_keeps_ids_and_joins(run_tables):
    before = copy.deepcopy(run_tables)
    redact_tables(run_tables, {"email", "phone", "personnummer", "names"})
    for name, rows in before.items():
        assert len(rows) == len(run_tables[name]), name
        for old, new in zip(rows, run_tables[name], strict=True):
            for column, value in old.items():
                if column.endswith("_id") or not isinstance(value, str | list):
                    assert new[column] == value, (name, column)
                if column in ("sha256", "source_path", "source_format", "status"):
                    assert new[column] == value, (name, column)


def test_nothing_but_the_asked_kinds_changes(run_tables):
    before = copy.deepcopy(run_tables)
    redact_tables(run_tables, {"email"})
    changed = [
        (name, column, old[column])
        for name, rows in before.items()
        for old, new in zip(rows, run_tables[name], strict=True)
        for column in old
        if old[column] != new[column]
    ]
    assert {c[0] for c in changed} == {"actions"}
    assert {c[1] for c in changed} <= {"task", "task_restored"}
    assert all(EMAIL in c[2] for c in changed)
    assert _contains(run_tables, PHONE)


def test_names_are_never_redacted_unless_asked(run_tables):
    redact_tables(run_tables, PII)
    assert _contains(run_tables, "Robert Tenevall")
    assert _contains(run_tables, "Eric Thorstensson")


def test_names_redacts_non_attendees_only(run_tables):
    attendees_before = copy.deepcopy(run_tables["attendees"])
    responsible_before = [(a["responsible"], a["responsible_raw"]) for a in run_tables["actions"]]
    counts = redact_tables(run_tables, {"names"})
    for name in ("Robert Tenevall", "Eric Thorstensson", "Henrik Åström", "Hans Lindberg"):
        assert not _contains(run_tables, name), name
    assert run_tables["attendees"] == attendees_before  # attendance lists untouched
    names = {a["name"] for a in run_tables["attendees"]}
    assert {"Lisa Andersson Lindberg", "Jonas Jonsson", "Per-Eric Magnusson"} <= names
    for (responsible, raw), action in zip(
        responsible_before, run_tables["actions"], strict=True
    ):  # attendees stay as responsible, however the table spelled them ("Per-Erik")
        if responsible in names:
            assert (action["responsible"], action["responsible_raw"]) == (responsible, raw)
    for document in _ok_documents(run_tables):
        assert counts[document]["names"] >= 4
    assert any("[namn] kulturkonsulent" in a["task"] for a in run_tables["actions"])


def test_attendee_names_given_by_the_caller_are_kept(run_tables):
    redact_tables(run_tables, {"names"}, attendee_names=["Robert Tenevall"])
    assert _contains(run_tables, "Robert Tenevall")
    assert not _contains(run_tables, "Eric Thorstensson")


def test_names_from_a_spacy_pipeline(run_tables, nlp):
    redact_tables(run_tables, {"names"}, nlp=nlp)
    assert not _contains(run_tables, "Robert Tenevall")
    assert _contains(run_tables, "Lisa Andersson Lindberg")


def test_every_document_gets_a_count_even_when_nothing_was_found(run_tables):
    counts = redact_tables(run_tables, {"personnummer"})
    assert set(counts) == {r["document_id"] for r in run_tables["documents"]}
    assert all(c == {"personnummer": 0} for c in counts.values())
    assert {r["redactions"] for r in run_tables["documents"]} == {"personnummer=0"}


def test_redacting_twice_changes_nothing_more(run_tables):
    redact_tables(run_tables, PII | {"names"})
    once = copy.deepcopy(run_tables)
    counts = redact_tables(run_tables, PII | {"names"})
    assert all(sum(c.values()) == 0 for c in counts.values())
    assert {k: v for k, v in run_tables.items() if k != "documents"} == {
        k: v for k, v in once.items() if k != "documents"
    }


# -- the patterns ----------------------------------------------------------------------------


VALID = "811218" + "987" + luhn_digit("811218987")
WRONG_CHECK = VALID[:-1] + str((int(VALID[-1]) + 1) % 10)
SAMORDNING = "850761" + "234" + luhn_digit("850761234")  # day 1 + 60


def test_luhn():
    assert luhn_ok(VALID) and not luhn_ok(WRONG_CHECK)
    assert luhn_ok(SAMORDNING)
    assert not luhn_ok("123") and not luhn_ok("abcdefghij")


@pytest.mark.parametrize(
    "written",
    [
        f"{VALID[:6]}-{VALID[6:]}",
        f"19{VALID}",
        f"19{VALID[:6]}-{VALID[6:]}",
        f"{VALID[:6]}+{VALID[6:]}",  # over 100 years old
        f"{SAMORDNING[:6]}-{SAMORDNING[6:]}",
    ],
)
def test_personnummer_forms(written):
    counts = Counter()
    assert redact_text(f"Pnr: {written}.", {"personnummer"}, counts) == "Pnr: [personnummer]."
    assert counts == {"personnummer": 1}


@pytest.mark.parametrize(
    "number",
    [
        f"{WRONG_CHECK[:6]}-{WRONG_CHECK[6:]}",  # fails the Luhn check
        f"19{WRONG_CHECK}",
        "811318-9876",  # month 13
        "810230-0009",  # 30 February
        f"{VALID[:6]}{VALID[6:]}",  # ten digits without a separator: not a form we take
        f"1{VALID}",  # inside a longer number
    ],
)
def test_not_a_personnummer(number):
    assert not is_personnummer(number)
    counts = Counter()
    text = f"Ärende {number} gäller."
    assert redact_text(text, {"personnummer"}, counts) == text
    assert counts["personnummer"] == 0


def test_a_number_failing_luhn_is_not_taken_for_a_phone_number_either():
    text = f"Ärende {WRONG_CHECK[:6]}-{WRONG_CHECK[6:]}"
    assert redact_text(text, PII) == text


@pytest.mark.parametrize(
    "phone",
    [
        "070-332 67 66",
        "070 332 67 66",
        "0703326766",
        "070-3326766",
        "+46 70 332 67 66",
        "+46 (0)70-332 67 66",
        "+46703326766",
        "0046 70 332 67 66",
        "090-16 10 00",
        "090-161000",
        "08-123 456 78",
        "0930-123 45",
        "070\u00a0332\u00a067\u00a066",
    ],
)
def test_phone_forms(phone):
    counts = Counter()
    assert redact_text(f"Ring {phone}, tack.", {"phone"}, counts) == "Ring [telefon], tack."
    assert counts == {"phone": 1}


@pytest.mark.parametrize(
    "text",
    [
        "Mötet 2016-03-16 kl 08:30-12:00",
        "kl. 08.30-12.00",
        "Dnr KS 2015/312 och 2015/0312",
        "Kostnad 100 000 kr, 0,5 mnkr",
        "Postadress 901 84 Umeå",
        "Organisationsnummer 212000-2627",
        "Den 01-02-2016 och 16/3 2016",
        "Item 15.1. och § 12",
        "år 2016, v. 45, 18-19 maj",
    ],
)
def test_not_a_phone_number(text):
    assert redact_text(text, PII) == text


def test_phone_next_to_a_year_keeps_the_year():
    assert redact_text("070-332 67 66 2016", {"phone"}) == "[telefon] 2016"


@pytest.mark.parametrize(
    "email",
    ["robert.tenevall@umea.se", "a.b-c+d@kommun.vannas.se", "kalle(at)umea.se", "åsa@umeå.se"],
)
def test_email_forms(email):
    assert redact_text(f"Skriv till {email}.", {"email"}) == "Skriv till [e-post]."


def test_rule_names_are_conservative():
    text = "Robert Tenevall, Umeå Kommun, Nästa Möte, Region Västerbotten och Lisa A L."
    assert rule_names(text) == ["Robert Tenevall"]


def test_parse_kinds():
    assert parse_kinds("email, phone") == {"email", "phone"}
    assert parse_kinds("all") == {"email", "phone", "personnummer", "names"}
    assert parse_kinds("") == set()
    with pytest.raises(ValueError, match="unknown redaction kind: mail"):
        parse_kinds("mail")


def test_cli_rejects_an_unknown_kind():
    from click.testing import CliRunner

    from pipeline.cli import main

    result = CliRunner().invoke(main, ["run", "data/raw", "--redact", "email,mail"])
    assert result.exit_code == 2
    assert "unknown redaction kind: mail" in result.output
