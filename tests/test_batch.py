"""Batch runs: parallel equals sequential, incremental runs, the lock, timeouts and dead
workers. Real worker processes and real `protokoll run` subprocesses, no mocks.

The helpers here (a synthetic archive, reading an output folder) are shared with
test_batch_crash.py and test_batch_dask.py.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import psutil
import pytest
from click.testing import CliRunner
from conftest import SAMPLE_DOCX, SAMPLE_RYM

from pipeline.cli import main
from pipeline.run import RunOptions, run

PROTOKOLL = [str(Path(sys.executable).with_name("protokoll"))]
SAMPLE_LINES = SAMPLE_RYM.read_text(encoding="utf-8").splitlines()


def meeting_text(i: int, lines: int = 120) -> str:
    """A short variant of the sample: meeting ``i`` weeks after it, so action series link."""
    date = dt.date(2016, 3, 16) + dt.timedelta(weeks=i)
    return "\n".join(SAMPLE_LINES[:lines]).replace("2016-03-16", date.isoformat()) + "\n"


def make_archive(root: Path, n: int, docx: bool = False, broken: bool = False) -> Path:
    """``n`` short minutes in two folders (plus the sample .docx and a broken file)."""
    for i in range(n):
        folder = root / ("2016" if i % 2 else "2017")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"m{i:03d}.rym.md").write_text(meeting_text(i), encoding="utf-8")
    if docx:
        shutil.copy(SAMPLE_DOCX, root / "sample.docx")
    if broken:
        (root / "broken.docx").write_bytes(SAMPLE_DOCX.read_bytes()[:700])
    return root


def read_tables(out: Path) -> dict[str, pd.DataFrame]:
    return {p.stem: pd.read_parquet(p) for p in sorted(out.glob("*.parquet"))}


def assert_same_tables(a: Path, b: Path) -> None:
    left, right = read_tables(a), read_tables(b)
    assert left.keys() == right.keys()
    for name in left:
        pd.testing.assert_frame_equal(left[name], right[name], obj=name)


def cli_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROTOKOLL_TEST")}
    return {**env, **extra}


@pytest.fixture
def pinned_versions(monkeypatch):
    """Fixed versions, so a colleague saving a file mid-test cannot trigger re-extraction."""
    versions = {"extractor": "test-extractor-1", "backend": "test-backend-1"}
    monkeypatch.setattr("pipeline.run.extractor_version", lambda: versions["extractor"])
    monkeypatch.setattr("pipeline.run.backend_version", lambda: versions["backend"])
    return versions


def test_parallel_run_equals_sequential_run(tmp_path, nlp):
    archive = make_archive(tmp_path / "archive", 10, docx=True, broken=True)
    sequential = run([archive], tmp_path / "seq", nlp=nlp, options=RunOptions(workers=0))
    parallel = run([archive], tmp_path / "par", options=RunOptions(workers=2))
    assert parallel.report["workers"] == 2 and parallel.report["extracted"] == 12
    assert [r.row for r in parallel.results] == [r.row for r in sequential.results]
    assert_same_tables(tmp_path / "seq", tmp_path / "par")
    for csv in (tmp_path / "seq").glob("*.csv"):
        assert csv.read_bytes() == (tmp_path / "par" / csv.name).read_bytes(), csv.name
    actions = read_tables(tmp_path / "par")["actions"]
    assert actions.series_position.max() > 1  # linked across meetings, after merging


def test_incremental_run_reextracts_changed_drops_deleted_skips_unchanged(
    tmp_path, nlp, pinned_versions
):
    archive = make_archive(tmp_path / "archive", 8, broken=True)
    out = tmp_path / "out"
    first = run([archive], out, nlp=nlp)
    assert first.report["extracted"] == 9 and first.report["skipped_unchanged"] == 0

    changed = archive / "2017" / "m000.rym.md"
    changed.write_text(meeting_text(0).replace("Kommunchefsmöte", "Extra kommunchefsmöte"))
    (archive / "2016" / "m001.rym.md").unlink()
    touched = archive / "2016" / "m003.rym.md"
    os.utime(touched, ns=(time.time_ns(), time.time_ns() + 10**9))  # new mtime, same bytes
    second = run([archive], out, nlp=nlp)
    r = second.report
    assert r["files"] == 8
    assert (r["extracted"], r["unchanged_after_hash"], r["removed"]) == (1, 1, 1)
    assert r["skipped_unchanged"] == 6 and r["hashed"] == 2  # six files not even read
    tables = read_tables(out)
    assert not tables["documents"].source_path.str.endswith("m001.rym.md").any()
    assert "Extra kommunchefsmöte" in set(tables["meetings"].title)

    # The incremental tables are exactly those of a full run over the same files.
    run([archive], tmp_path / "fresh", nlp=nlp)
    assert_same_tables(out, tmp_path / "fresh")

    third = run([archive], out, nlp=nlp)
    assert third.report["extracted"] == 0 and third.report["skipped_unchanged"] == 8
    assert third.report["published"] is False  # nothing changed: tables left as they are
    assert third.counts == second.counts == {"ok": 7, "partial": 0, "failed": 1}
    assert json.loads((out / "run_report.json").read_text())["skipped_unchanged"] == 8


def test_new_extractor_version_reextracts_from_the_document_cache(tmp_path, nlp, pinned_versions):
    archive = make_archive(tmp_path / "archive", 3, docx=True)
    out = tmp_path / "out"
    run([archive], out, nlp=nlp)
    before = read_tables(out)

    pinned_versions["extractor"] = "test-extractor-2"  # e.g. only the NLP stage changed
    again = run([archive], out, nlp=nlp)
    assert again.report["extracted"] == 4 and again.report["cache_hits"] == 4
    for name, frame in read_tables(out).items():
        pd.testing.assert_frame_equal(frame, before[name], obj=name)

    pinned_versions["backend"] = "test-backend-2"  # a parser changed: parse again
    full = run([archive], out, nlp=nlp, options=RunOptions(full=True))
    assert full.report["extracted"] == 4 and full.report["cache_hits"] == 0
    cache = out / ".state" / "cache"
    assert sorted(p.name for p in cache.iterdir()) == ["ner", "test-backend-2"]  # old pruned


def test_second_run_on_a_locked_output_folder_exits_3(tmp_path):
    archive = make_archive(tmp_path / "archive", 1)
    (archive / "slow.hang.md").write_text(meeting_text(1), encoding="utf-8")
    out = tmp_path / "out"
    first = subprocess.Popen(
        [*PROTOKOLL, "run", str(archive), "-o", str(out), "--workers", "1"],
        env=cli_env(PROTOKOLL_TEST_HOOKS="1"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        lock = out / ".lock"
        deadline = time.monotonic() + 30
        while not (lock.exists() and lock.read_text()) and time.monotonic() < deadline:
            time.sleep(0.05)
        second = subprocess.run(
            [*PROTOKOLL, "run", str(archive), "-o", str(out)],
            env=cli_env(),
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
    assert second.returncode == 3, second.stderr
    assert "another protokoll run holds the lock on" in second.stderr
    assert f"pid {first.pid}" in second.stderr


def test_hanging_and_crashing_documents_become_failed_rows(tmp_path, nlp):
    archive = make_archive(tmp_path / "archive", 3)
    (archive / "stuck.hang.md").write_text(meeting_text(5), encoding="utf-8")
    (archive / "oom.crash.md").write_text(meeting_text(6), encoding="utf-8")
    out = tmp_path / "out"
    args = [*PROTOKOLL, "run", str(archive), "-o", str(out), "--workers", "2", "--timeout", "2"]
    done = subprocess.run(
        args, env=cli_env(PROTOKOLL_TEST_HOOKS="1"), capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1, done.stdout + done.stderr
    docs = read_tables(out)["documents"].set_index("source_path")
    assert docs.loc[str(archive / "stuck.hang.md"), "error"] == "timed out after 2 s"
    crashed = docs.loc[str(archive / "oom.crash.md"), "error"]
    assert crashed == "worker died (killed by SIGKILL; memory limit 2 GB?)"
    assert (docs.status == "ok").sum() == 3  # the batch went on
    assert docs.loc[str(archive / "stuck.hang.md"), "sha256"]  # a real row, stable id
    report = json.loads((out / "run_report.json").read_text())
    assert {f["error"] for f in report["failures"]} == {crashed, "timed out after 2 s"}
    assert "FAILED  " in done.stdout and "stuck.hang.md" in done.stdout
    hung = str(archive / "stuck.hang.md")  # the hung worker's child went with it
    assert not [p for p in psutil.process_iter(["cmdline"]) if hung in (p.info["cmdline"] or [])]

    # Timeouts and dead workers are retried by the next run (here: without the hooks).
    again = run([archive], out, nlp=nlp)
    assert again.counts == {"ok": 5, "partial": 0, "failed": 0}
    assert again.report["extracted"] == 2


def test_cli_usage_errors_exit_2(tmp_path):
    runner = CliRunner()
    missing = runner.invoke(
        main, ["run", str(SAMPLE_RYM), "-o", str(tmp_path), "--executor", "dask"]
    )
    assert missing.exit_code == 2 and "--scheduler" in missing.output
    stray = runner.invoke(
        main, ["run", str(SAMPLE_RYM), "-o", str(tmp_path), "--scheduler", "tcp://127.0.0.1:1"]
    )
    assert stray.exit_code == 2
    assert runner.invoke(main, ["run", str(SAMPLE_RYM), "--workers", "-1"]).exit_code == 2


def test_redaction_is_applied_at_publish_without_extracting_again(tmp_path, nlp, pinned_versions):
    out = tmp_path / "out"
    run([SAMPLE_RYM], out, nlp=nlp)
    assert "070-332 67 66" in (out / "actions.csv").read_text(encoding="utf-8")
    redacted = run([SAMPLE_RYM], out, nlp=nlp, options=RunOptions(redact=("email", "phone")))
    assert redacted.report["extracted"] == 0 and redacted.report["published"] is True
    text = (out / "actions.csv").read_text(encoding="utf-8")
    assert "070-332 67 66" not in text and "robert.tenevall@umea.se" not in text
    plain = run([SAMPLE_RYM], out, nlp=nlp)  # off again: the manifest kept the rows as read
    assert plain.report["extracted"] == 0
    assert "070-332 67 66" in (out / "actions.csv").read_text(encoding="utf-8")


def test_a_worker_loads_the_lazy_word_lists_before_its_first_document(nlp):
    from pipeline.normalize import diacritics
    from pipeline.process import warm_up

    diacritics._index.cache_clear()
    warm_up(nlp)
    assert diacritics._index.cache_info().currsize == 1  # the å/ä/ö index is built


def test_tesseract_installed_or_upgraded_changes_the_backend_and_extractor_versions(
    monkeypatch,
):
    """OCR text is Tesseract's: where it was missing (pages waiting for OCR) or is another
    version, the nightly run must parse again, so the versions that key the manifest and
    the document cache change with it; LibreOffice likewise. CPU features do not count."""
    import shutil

    from pipeline import fingerprint

    real_which = shutil.which
    if real_which("tesseract") is None or real_which("soffice") is None:
        pytest.skip("needs Tesseract and LibreOffice (scripts/setup.sh installs them)")
    fingerprint.external_tools.cache_clear()
    installed = fingerprint.external_tools()
    versions = fingerprint.backend_version(), fingerprint.extractor_version()
    assert "Found AVX" not in installed

    def without(programs: set[str]):
        return lambda name, *a, **k: None if name in programs else real_which(name, *a, **k)

    for missing in ({"tesseract"}, {"soffice", "libreoffice"}):
        monkeypatch.setattr(fingerprint.shutil, "which", without(missing))
        fingerprint.external_tools.cache_clear()
        assert fingerprint.external_tools() != installed
        assert fingerprint.backend_version() != versions[0]
        assert fingerprint.extractor_version() != versions[1]
    monkeypatch.setattr(fingerprint.shutil, "which", real_which)
    fingerprint.external_tools.cache_clear()
    assert (fingerprint.backend_version(), fingerprint.extractor_version()) == versions


def test_a_slow_spacy_build_is_a_notice_in_the_report_and_on_stderr(tmp_path, monkeypatch):
    """spaCy with Cython's profiling hooks (a wheel not rebuilt by setup.sh) runs the NER 3x
    slower: the operator learns it from the run, not from a benchmark."""
    from pipeline.nlp import spacy_build

    monkeypatch.setattr(spacy_build, "profiling_hooks", lambda: True)
    (tmp_path / "in").mkdir()
    shutil.copy(SAMPLE_RYM, tmp_path / "in")
    result = CliRunner().invoke(main, ["run", str(tmp_path / "in"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "out" / "run_report.json").read_text(encoding="utf-8"))
    assert len(report["notices"]) == 1 and "profiling hooks" in report["notices"][0]
    assert "Note: spaCy" in result.output and "scripts/setup.sh" in result.output

    monkeypatch.setattr(spacy_build, "profiling_hooks", lambda: False)
    again = CliRunner().invoke(main, ["run", str(tmp_path / "in"), "-o", str(tmp_path / "out")])
    report = json.loads((tmp_path / "out" / "run_report.json").read_text(encoding="utf-8"))
    assert report["notices"] == [] and "Note:" not in again.output
