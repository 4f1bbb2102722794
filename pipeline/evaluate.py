"""Accuracy against hand-written gold files (format: shared GOLD_FORMAT.md).

Each gold file describes one document. Its records are matched to the extracted rows of the
document with the same file name, as multisets of comparable tuples: a record counts as
found only when every compared field is equal. Precision, recall and F1 are reported per
table and per document, and micro-averaged over all documents.
"""

from __future__ import annotations

import json
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

EVALUATED_TABLES = ("meeting", "attendees", "agenda_items", "decisions", "actions")
MEETING_FIELDS = ("body", "organization", "date", "start_time", "end_time", "location")


def _norm(value: object) -> object:
    """Compare text as NFC with folded whitespace; None and '' are the same."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, str):
        text = " ".join(unicodedata.normalize("NFC", value).replace("\r", "").split(" "))
        text = "\n".join(" ".join(line.split()) for line in text.split("\n")).strip()
        return text or None
    return str(value)


def gold_keys(gold: dict) -> dict[str, Counter]:
    """The comparable tuples of a gold file, per table."""
    meeting = gold.get("meeting", {})
    return {
        "meeting": Counter((f, _norm(meeting.get(f))) for f in MEETING_FIELDS),
        "attendees": Counter(
            (
                _norm(a["name"]),
                _norm(a.get("attendance")),
                tuple(sorted(_norm(r) for r in a.get("roles", []))),
                _norm(a.get("municipality")),
                _norm(a.get("party")),
            )
            for a in gold.get("attendees", [])
        ),
        "agenda_items": Counter(
            (_norm(i["number"]), _norm(i["title"])) for i in gold.get("agenda_items", [])
        ),
        "decisions": Counter(
            (_norm(d["item"]), _norm(d["text"])) for d in gold.get("decisions", [])
        ),
        "actions": Counter(
            (_norm(a["item"]), _norm(a["task"]), _norm(a.get("due")), _norm(a.get("responsible")))
            for a in gold.get("actions", [])
        ),
    }


def extracted_keys(tables: dict[str, pd.DataFrame], document_id: str) -> dict[str, Counter]:
    """The same tuples from the extracted tables of one document."""
    meetings = tables["meetings"][tables["meetings"].document_id == document_id]
    ids = set(meetings.meeting_id)

    def of(name: str) -> pd.DataFrame:
        frame = tables[name]
        return frame[frame.meeting_id.isin(ids)]

    keys: dict[str, Counter] = {
        "meeting": Counter(
            (f, _norm(row[f])) for _, row in meetings.iterrows() for f in MEETING_FIELDS
        )
    }
    keys["attendees"] = Counter(
        (
            _norm(r["name"]),
            _norm(r["attendance"]),
            tuple(sorted(_norm(x) for x in (r["roles"] if r["roles"] is not None else []))),
            _norm(r["municipality"]),
            _norm(r["party"]),
        )
        for _, r in of("attendees").iterrows()
    )
    keys["agenda_items"] = Counter(
        (_norm(r["item_number"]), _norm(r["title"])) for _, r in of("agenda_items").iterrows()
    )
    keys["decisions"] = Counter(
        (_norm(r["item_number"]), _norm(r["text"])) for _, r in of("decisions").iterrows()
    )
    keys["actions"] = Counter(
        (_norm(r["item_number"]), _norm(r["task"]), _norm(r["due_date"]), _norm(r["responsible"]))
        for _, r in of("actions").iterrows()
    )
    return keys


@dataclass
class Score:
    true_positives: int = 0
    extracted: int = 0
    gold: int = 0
    missed: list = field(default_factory=list)
    spurious: list = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.true_positives / self.extracted if self.extracted else float(self.gold == 0)

    @property
    def recall(self) -> float:
        return self.true_positives / self.gold if self.gold else float(self.extracted == 0)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, gold: Counter, extracted: Counter) -> None:
        self.true_positives += sum((gold & extracted).values())
        self.gold += sum(gold.values())
        self.extracted += sum(extracted.values())
        self.missed += list((gold - extracted).elements())
        self.spurious += list((extracted - gold).elements())


@dataclass
class Evaluation:
    per_document: dict[str, dict[str, Score]]
    missing_documents: list[str]

    @property
    def overall(self) -> dict[str, Score]:
        total = {t: Score() for t in EVALUATED_TABLES}
        for scores in self.per_document.values():
            for table, s in scores.items():
                total[table].true_positives += s.true_positives
                total[table].extracted += s.extracted
                total[table].gold += s.gold
        return total


def load_tables(out_dir: Path) -> dict[str, pd.DataFrame]:
    names = ("documents", "meetings", "attendees", "agenda_items", "decisions", "actions")
    missing = [n for n in names if not (out_dir / f"{n}.parquet").exists()]
    if missing:
        raise FileNotFoundError(
            f"{out_dir} has no {', '.join(missing)} table: run `protokoll run` first"
        )
    return {n: pd.read_parquet(out_dir / f"{n}.parquet") for n in names}


def evaluate(gold_dir: Path, out_dir: Path) -> Evaluation:
    """Compare every ``*.gold.json`` in ``gold_dir`` with the tables in ``out_dir``."""
    tables = load_tables(out_dir)
    documents = tables["documents"]
    per_document: dict[str, dict[str, Score]] = {}
    missing: list[str] = []
    for gold_path in sorted(gold_dir.glob("*.gold.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        name = gold["document"]
        matches = documents[documents.source_path.map(lambda p, n=name: Path(p).name == n)]
        if matches.empty:
            missing.append(name)
            continue
        document_id = matches.iloc[0].document_id
        gold_k, got_k = gold_keys(gold), extracted_keys(tables, document_id)
        scores = {t: Score() for t in EVALUATED_TABLES}
        for t in EVALUATED_TABLES:
            scores[t].add(gold_k[t], got_k[t])
        per_document[name] = scores
    return Evaluation(per_document, missing)
