"""The run report: what a run did, as JSON for monitoring (``OUTDIR/run_report.json``).

Operations reads it after a nightly run: counts per status, how many files were skipped as
unchanged, extracted, hashed or dropped, pages and pages/s, durations per stage and per
document, every failure with its reason, and the peak memory of each worker.
"""

from __future__ import annotations

import json
import os
import statistics
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pipeline.export import atomic_write
from pipeline.process import DocumentResult, Outcome, printable
from pipeline.publish import file_mode

REPORT_NAME = "run_report.json"


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


@dataclass
class RunReport:
    """Filled in by the run as it goes; :meth:`to_dict` is what lands in the JSON file."""

    out_dir: str
    extractor_version: str
    backend_version: str
    executor: str
    workers: int
    full: bool
    started_at: str = field(default_factory=_now)
    files: int = 0
    skipped_unchanged: int = 0
    unchanged_after_hash: int = 0
    hashed: int = 0
    extracted: int = 0
    removed: int = 0
    cache_hits: int = 0
    pages_extracted: int = 0
    published: bool = False
    recovered_publish: bool = False
    notices: list[str] = field(default_factory=list)  # what an operator should know
    durations: dict[str, float] = field(default_factory=dict)
    document_seconds: list[tuple[float, str]] = field(default_factory=list)
    peak_rss_mb: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    pages_total: int = 0
    failures: list[dict] = field(default_factory=list)

    def add_outcome(self, outcome: Outcome) -> None:
        """Account for one task an executor answered."""
        self.hashed += outcome.sha256 is not None
        if outcome.result is None:
            self.unchanged_after_hash += 1
        else:
            self.extracted += 1
            self.pages_extracted += outcome.result.row.get("pages") or 0
            self.document_seconds.append((outcome.seconds, printable(outcome.source_path)))
        self.cache_hits += outcome.cache_hit
        if outcome.worker and outcome.peak_rss_mb is not None:
            previous = self.peak_rss_mb.get(outcome.worker, 0.0)
            self.peak_rss_mb[outcome.worker] = max(previous, round(outcome.peak_rss_mb, 1))

    def finish(self, results: list[DocumentResult], extracted_now: set[str]) -> None:
        """Counts and failures over every document in the published tables."""
        self.counts = {"ok": 0, "partial": 0, "failed": 0}
        for r in results:
            self.counts[r.status] += 1
            self.pages_total += r.row.get("pages") or 0
            if r.status == "failed":
                self.failures.append(
                    {
                        "source_path": printable(r.row["source_path"]),
                        "error": r.row["error"],
                        "this_run": r.row["source_path"] in extracted_now,
                    }
                )

    @property
    def pages_per_second(self) -> float | None:
        seconds = self.durations.get("extract", 0.0)
        return round(self.pages_extracted / seconds, 2) if seconds > 0 else None

    def to_dict(self) -> dict:
        times = sorted(s for s, _ in self.document_seconds)
        per_document = (
            {
                "mean": round(statistics.fmean(times), 4),
                "p50": round(times[len(times) // 2], 4),
                "p95": round(times[min(len(times) - 1, int(len(times) * 0.95))], 4),
                "max": round(times[-1], 4),
            }
            if times
            else {}
        )
        slowest = sorted(self.document_seconds, reverse=True)[:10]
        return {
            "started_at": self.started_at,
            "finished_at": _now(),
            "out_dir": printable(self.out_dir),
            "extractor_version": self.extractor_version,
            "backend_version": self.backend_version,
            "executor": self.executor,
            "workers": self.workers,
            "full": self.full,
            "files": self.files,
            "counts": self.counts,
            "skipped_unchanged": self.skipped_unchanged,
            "hashed": self.hashed,
            "unchanged_after_hash": self.unchanged_after_hash,
            "extracted": self.extracted,
            "removed": self.removed,
            "cache_hits": self.cache_hits,
            "pages": {"extracted": self.pages_extracted, "total": self.pages_total},
            "pages_per_second": self.pages_per_second,
            "durations_s": {k: round(v, 3) for k, v in self.durations.items()},
            "document_seconds": per_document,
            "slowest": [{"source_path": p, "seconds": round(s, 3)} for s, p in slowest],
            "peak_rss_mb": self.peak_rss_mb,
            "published": self.published,
            "recovered_publish": self.recovered_publish,
            "notices": self.notices,
            "failures": self.failures,
        }


def write_report(report: RunReport, out_dir: Path) -> Path:
    path = out_dir / REPORT_NAME
    text = json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
    atomic_write(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
    os.chmod(path, file_mode())
    return path
