"""kill -9 of a real `protokoll run` (the whole process group: the run and its workers) at
two moments, then a re-run: the tables are exactly those of an uninterrupted run."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

from test_batch import PROTOKOLL, assert_same_tables, cli_env, make_archive

from pipeline.run import RunOptions, run


def start_run(archive: Path, out: Path, **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [*PROTOKOLL, "run", str(archive), "-o", str(out), "--workers", "2"],
        env=cli_env(**env),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,  # its own process group, workers included
    )


def kill_group(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def manifest_rows(out: Path) -> int:
    with sqlite3.connect(out / "manifest.sqlite") as db:
        return db.execute("SELECT count(*) FROM files").fetchone()[0]


def test_kill_9_mid_extraction_then_rerun_gives_identical_tables(tmp_path):
    archive = make_archive(tmp_path / "archive", 40)
    run([archive], tmp_path / "reference", options=RunOptions(workers=2))  # uninterrupted

    out = tmp_path / "out"
    process = start_run(archive, out)
    lines = 0
    for line in process.stdout:  # one line per finished document
        lines += line.startswith("OK")
        if lines == 20:
            break
    kill_group(process)
    assert not (out / "documents.parquet").exists()  # killed before any publish
    done = manifest_rows(out)  # finished documents are committed about every second
    assert done < 40, done

    summary = run([archive], out, options=RunOptions(workers=2))
    assert summary.report["skipped_unchanged"] == done  # kept, not extracted twice
    assert summary.report["extracted"] == 40 - done
    assert_same_tables(out, tmp_path / "reference")
    assert not list((out / ".state").glob("staging-*"))


def test_kill_9_while_tables_are_moved_into_place_then_rerun(tmp_path, nlp):
    archive = make_archive(tmp_path / "archive", 6)
    out = tmp_path / "out"
    run([archive], out, nlp=nlp)  # an older version of the tables is in place
    (archive / "2017" / "m000.rym.md").unlink()
    (archive / "new.rym.md").write_text((archive / "2016" / "m001.rym.md").read_text())
    run([archive], tmp_path / "reference", nlp=nlp)

    process = start_run(archive, out, PROTOKOLL_TEST_HOOKS="1", PROTOKOLL_TEST_PUBLISH_DELAY="0.3")
    journal = out / ".state" / "publish.json"
    deadline = time.monotonic() + 60
    while not journal.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.5)  # a file or two moved, the rest still staged
    kill_group(process)
    assert journal.exists()

    summary = run([archive], out, nlp=nlp)
    assert summary.report["recovered_publish"] is True
    assert summary.report["extracted"] == 0  # the killed run had committed everything
    assert_same_tables(out, tmp_path / "reference")
    assert not journal.exists() and not list((out / ".state").glob("staging-*"))
