"""The run's tables redacted, kept for the questions asked with ``--redact``.

``protokoll decisions --redact all`` and the other question commands read a redacted copy of
the tables. Redacting an archive's tables takes seconds per thousand documents, and an
analyst asks many questions of one published version, so the copy is made once and kept
under ``OUTDIR/.state/redacted/``, keyed by the kinds redacted, the published tables (their
Parquet files' size and modification time) and the code. A new publish makes the next
question build a new copy; older copies are removed. Where ``OUTDIR`` cannot be written (an
analyst with read access only), a temporary copy serves the one question.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from pipeline.export import export_tables
from pipeline.fingerprint import code_version
from pipeline.publish import file_mode, state_dir
from pipeline.schema import TABLES

FOLDER = "redacted"
COMPLETE = ".complete"  # written last: a copy without it is unfinished
_STALE_S = 3600.0  # an older copy or unfinished one is no longer being read: removed


@contextlib.contextmanager
def redacted_tables_folder(out_dir: Path, kinds: tuple[str, ...]) -> Iterator[Path]:
    """A folder with the tables of ``out_dir``, ``kinds`` redacted (see the module doc)."""
    root = state_dir(out_dir) / FOLDER
    key = published_key(out_dir, kinds)
    folder = root / f"{'-'.join(kinds)}-{key}"
    if (folder / COMPLETE).exists():
        yield folder
        return
    building = None
    if (out_dir / "documents.parquet").is_file():  # a run's folder (else export_tables says so)
        with contextlib.suppress(OSError):  # OUTDIR not ours to write: a copy for one question
            root.mkdir(parents=True, exist_ok=True)
            building = Path(tempfile.mkdtemp(dir=root, prefix=".building-"))
    if building is None:
        with tempfile.TemporaryDirectory(prefix="protokoll-redacted-") as scratch:
            export_tables(out_dir, Path(scratch), redact=kinds)
            yield Path(scratch)
        return
    try:
        export_tables(out_dir, building, redact=kinds)
        if published_key(out_dir, kinds) != key:
            yield building  # a run published meanwhile: good for this question, not to keep
            return
        _readable(building)
        (building / COMPLETE).touch()
        with contextlib.suppress(OSError):  # another question may have kept its copy first
            os.replace(building, folder)
        _remove_stale(root, keep=folder.name)
        yield folder if (folder / COMPLETE).exists() else building
    finally:
        shutil.rmtree(building, ignore_errors=True)


def published_key(out_dir: Path, kinds: tuple[str, ...]) -> str:
    """What the copy depends on: the kinds, the published tables, the code that redacts."""
    digest = hashlib.sha256(f"{','.join(kinds)}\0{code_version()}".encode())
    for name in TABLES:
        path = out_dir / f"{name}.parquet"
        try:
            stat = path.stat()
        except FileNotFoundError:
            continue  # export_tables names what is missing
        digest.update(f"\0{name} {stat.st_size} {stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def _readable(folder: Path) -> None:
    """As readable as the published tables: temporary files and folders are private."""
    mode = file_mode()  # rw for whom the umask lets read and write
    for path in folder.rglob("*"):
        if path.is_file():
            os.chmod(path, mode)
    os.chmod(folder, mode | (mode & 0o444) >> 2)  # and x wherever r


def _remove_stale(root: Path, keep: str) -> None:
    """Copies of earlier tables and abandoned builds, once nobody can still be reading them."""
    now = time.time()
    for entry in root.iterdir():
        if entry.name == keep:
            continue
        with contextlib.suppress(OSError):
            if now - entry.stat().st_mtime > _STALE_S:
                shutil.rmtree(entry, ignore_errors=True)
