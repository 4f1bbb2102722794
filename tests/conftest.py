"""Shared fixtures: the bundled sample and one extraction of it per test session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
SAMPLE_RYM = RAW / "kommunchefsmote_2016-03-16.rym.md"
SAMPLE_DOCX = RAW / "kommunchefsmote_2016-03-16.docx"
GOLD = ROOT / "tests" / "gold"
# The agenda items of the sample that hold a BESLUT, read from the document by hand.
SAMPLE_DECISION_ITEMS = ["1", "3", "4", "5", "6", "7", "9", "10", "11", "12", "13", "15", "15.1"]


def luhn_digit(nine: str) -> str:
    """The check digit of a personnummer's first nine digits, computed here on its own so
    that the redaction tests do not trust the code they test."""
    total = 0
    for i, ch in enumerate(nine):
        value = int(ch) * (2 if i % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return str((10 - total % 10) % 10)


def table_strings(tables: dict[str, list[dict]]) -> list[str]:
    """Every text value of every row (list cells included): what a leak test searches."""
    out = []
    for rows in tables.values():
        for row in rows:
            for value in row.values():
                if isinstance(value, str):
                    out.append(value)
                elif isinstance(value, list | tuple):
                    out.extend(v for v in value if isinstance(v, str))
    return out


@pytest.fixture(scope="session")
def nlp():
    from pipeline.nlp import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory, nlp):
    """The bundled sample plus a corrupt and an unsupported file, extracted once."""
    from pipeline.run import run

    inbox = tmp_path_factory.mktemp("inbox")
    shutil.copy(SAMPLE_RYM, inbox)
    shutil.copy(SAMPLE_DOCX, inbox)
    (inbox / "broken").mkdir()
    (inbox / "broken" / "truncated.docx").write_bytes(SAMPLE_DOCX.read_bytes()[:700])
    (inbox / "broken" / "photo.dat").write_bytes(bytes(range(256)) * 8)
    (inbox / "empty.md").write_bytes(b"")
    out = tmp_path_factory.mktemp("out")
    summary = run([inbox], out, nlp=nlp)
    tables = {p.stem: pd.read_parquet(p) for p in out.glob("*.parquet")}
    return summary, tables, out


def rows_of(tables: dict[str, pd.DataFrame], name: str, source_suffix: str) -> pd.DataFrame:
    """Rows of table ``name`` that came from the document whose path ends with the suffix."""
    docs = tables["documents"]
    doc_ids = set(docs[docs.source_path.str.endswith(source_suffix)].document_id)
    meetings = tables["meetings"]
    meeting_ids = set(meetings[meetings.document_id.isin(doc_ids)].meeting_id)
    frame = tables[name]
    key = "document_id" if name in ("documents", "meetings") else "meeting_id"
    wanted = doc_ids if key == "document_id" else meeting_ids
    return frame[frame[key].isin(wanted)].reset_index(drop=True)
