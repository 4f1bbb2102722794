"""Publishing tables so that a crash never leaves a mix of two runs behind for long.

The tables are written whole into ``OUTDIR/.state/staging-<run>/`` and flushed to disk;
then a journal (``OUTDIR/.state/publish.json``) records the staged files, each is renamed
into place (atomic per file, same filesystem), and the journal is removed. A run killed
while renaming leaves the journal behind, and the next run first rolls the rename forward
(:func:`recover`), before it even looks at the sources. A run killed before the journal
leaves only a staging folder, which the next run deletes. Analysts' paths
(``OUTDIR/actions.parquet``) are plain files that are always complete.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterable
from pathlib import Path

from pipeline import testhooks
from pipeline.export import write_tables

STATE_DIR = ".state"
JOURNAL = "publish.json"


def state_dir(out_dir: Path) -> Path:
    return out_dir / STATE_DIR


def publish(
    tables: dict[str, list[dict]], out_dir: Path, csv_dialects: Iterable[str] = ("utf8",)
) -> list[str]:
    """Write ``tables`` as a new version and swap it in; returns the published files
    (relative to ``out_dir``)."""
    state = state_dir(out_dir)
    state.mkdir(parents=True, exist_ok=True)
    staging = state / f"staging-{os.getpid()}-{time.time_ns()}"
    staging.mkdir()
    write_tables(tables, staging, csv_dialects=tuple(csv_dialects))
    files = sorted(p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_file())
    mode = file_mode()
    for name in files:
        os.chmod(staging / name, mode)  # temporary files are 0600; tables are for analysts
        _fsync_file(staging / name)
    _write_journal(state, {"staging": staging.name, "files": files})
    _move_into_place(out_dir, staging, files)
    return files


def recover(out_dir: Path) -> bool:
    """Finish a publish a crash interrupted and drop abandoned staging folders.

    Returns True when an interrupted publish was rolled forward.
    """
    state = state_dir(out_dir)
    journal = state / JOURNAL
    rolled = False
    if journal.exists():
        try:
            entry = json.loads(journal.read_text(encoding="utf-8"))
            staging = state / entry["staging"]
            _move_into_place(out_dir, staging, entry["files"])
            rolled = True
        except (ValueError, KeyError):
            journal.unlink(missing_ok=True)  # torn journal: the publish had not begun
    if state.is_dir():
        for stale in state.glob("staging-*"):
            shutil.rmtree(stale, ignore_errors=True)
    return rolled


def _move_into_place(out_dir: Path, staging: Path, files: list[str]) -> None:
    folders = {out_dir}
    for name in files:
        source, target = staging / name, out_dir / name
        if source.exists():  # moved already by the run that was interrupted
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
            folders.add(target.parent)
            testhooks.after_publish_move()
    for folder in folders:
        _fsync_dir(folder)
    (state_dir(out_dir) / JOURNAL).unlink(missing_ok=True)
    _fsync_dir(state_dir(out_dir))
    shutil.rmtree(staging, ignore_errors=True)


def _write_journal(state: Path, entry: dict) -> None:
    tmp = state / f".{JOURNAL}.tmp"
    with tmp.open("w", encoding="utf-8") as f:
        json.dump(entry, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, state / JOURNAL)
    _fsync_dir(state)


def file_mode() -> int:
    """What a plain ``open(..., "w")`` would give under this process's umask."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some filesystems cannot sync a folder
    finally:
        os.close(fd)
