"""Tests of the LibreOffice backend: the sample as .doc/.odt/.rtf, batches, failures, timeouts."""

from __future__ import annotations

import multiprocessing
import shutil
import stat
import sys
import tempfile
import time
from pathlib import Path

import pytest

from pipeline.backends import docx as docx_backend
from pipeline.backends import legacy_word, read_document
from pipeline.errors import DocumentError
from pipeline.model import BlockKind, Document

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DOCX = ROOT / "data" / "raw" / "kommunchefsmote_2016-03-16.docx"
CONVERT = ROOT / "tests" / "fixtures" / "convert"
LEGACY = {fmt: CONVERT / f"kommunchefsmote_2016-03-16.{fmt}" for fmt in legacy_word.FORMATS}

pytestmark = pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed"
)


def _signature(document: Document) -> list[tuple]:
    """Everything a block carries except provenance: what downstream stages read."""
    return [
        (
            b.kind,
            b.level,
            b.number,
            b.text,
            b.spans,
            tuple(tuple((c.text, c.spans) for c in row) for row in b.rows),
        )
        for b in document.blocks
    ]


def _calls() -> int:
    return legacy_word._process().calls


@pytest.fixture(scope="module")
def reference() -> Document:
    return docx_backend.read(SAMPLE_DOCX)


@pytest.fixture(scope="module")
def converted() -> dict[str, Document]:
    """The three legacy files converted in one soffice call, then read from the cache."""
    legacy_word.clear_cache()
    before = _calls()
    results = legacy_word.convert_many(list(LEGACY.values()))
    assert _calls() == before + 1, "one soffice call for the whole batch"
    assert all(isinstance(r, Path) and r.suffix == ".docx" for r in results.values()), results
    documents = {fmt: read_document(path, fmt) for fmt, path in LEGACY.items()}
    assert _calls() == before + 1, "read() reuses the conversions of convert_many()"
    return documents


# -- the sample, converted -------------------------------------------------------------------


@pytest.mark.parametrize("fmt", legacy_word.FORMATS)
def test_converted_sample_reads_like_the_docx(converted, reference, fmt):
    document = converted[fmt]
    assert document.format == fmt
    assert document.source_path == str(LEGACY[fmt])
    assert document.pages == reference.pages == 2
    assert document.metadata["converted_by"] == "LibreOffice"
    assert _signature(document) == _signature(reference)


@pytest.mark.parametrize("fmt", legacy_word.FORMATS)
def test_converted_sample_keeps_word_numbering_and_action_tables(converted, fmt):
    blocks = converted[fmt].blocks
    item = next(b for b in blocks if b.text == "Föregående minnesanteckningar")
    assert (item.kind, item.level, item.number) == (BlockKind.HEADING, 2, "1.")
    numbers = [b.number for b in blocks if b.kind == BlockKind.HEADING and b.level == 2]
    assert numbers == [f"{i}." for i in range(1, 17)]
    table = next(b for b in blocks if b.kind == BlockKind.TABLE)
    assert [[c.text for c in row] for row in table.rows] == [
        ["ÅTGÄRDER", "SLUTDATUM", "ANSVARIG"],
        ["Ta fram underlag för beslut om medfinansiering för UR-nära.", "2016-06-10",
         "Lisa Andersson Lindberg"],
        ["Resp tar upp frågan i kommunen", "", ""],
    ]  # fmt: skip
    assert table.rows[1][0].is_italic and table.rows[1][2].is_bold


def test_read_pops_the_cache_and_converts_again_when_asked_twice():
    legacy_word.clear_cache()
    legacy_word.convert_many([LEGACY["odt"]])
    before = _calls()
    legacy_word.read(LEGACY["odt"], "odt")
    assert _calls() == before
    legacy_word.read(LEGACY["odt"], "odt")
    assert _calls() == before + 1


def test_prepare_batch_converts_only_legacy_files():
    legacy_word.clear_cache()
    before = _calls()
    count = legacy_word.prepare_batch([(LEGACY["rtf"], "rtf"), (SAMPLE_DOCX, "docx")])
    assert count == 1 and _calls() == before + 1
    assert legacy_word.read(LEGACY["rtf"], "rtf").format == "rtf"
    assert _calls() == before + 1


def test_same_name_in_two_folders_and_an_odt_named_doc(tmp_path, reference):
    """Inputs are linked under numbered names: equal stems cannot overwrite each other."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    real_doc = shutil.copy(LEGACY["doc"], tmp_path / "a" / "minutes.doc")
    odt_as_doc = shutil.copy(LEGACY["odt"], tmp_path / "b" / "minutes.doc")
    results = legacy_word.convert_many([Path(real_doc), Path(odt_as_doc)])
    assert results[Path(real_doc)] != results[Path(odt_as_doc)]
    document = legacy_word.read(Path(odt_as_doc))
    assert document.format == "odt"  # detected from the content, not the name
    assert _signature(document) == _signature(reference)


# -- failures --------------------------------------------------------------------------------


def test_damaged_file_fails_alone_in_a_batch(tmp_path):
    broken = tmp_path / "broken.doc"
    broken.write_bytes(LEGACY["doc"].read_bytes()[:3000])
    results = legacy_word.convert_many([broken, LEGACY["rtf"]])
    assert isinstance(results[LEGACY["rtf"]], Path)
    error = results[broken]
    assert isinstance(error, DocumentError)
    assert str(error) == "LibreOffice could not convert: source file could not be loaded"
    with pytest.raises(DocumentError, match="^LibreOffice could not convert: source file"):
        legacy_word.read(broken, "doc")


def test_missing_file_and_missing_soffice(tmp_path):
    legacy_word.clear_cache()
    missing = tmp_path / "gone.doc"
    assert str(legacy_word.convert_many([missing])[missing]).startswith("cannot read file:")
    results = legacy_word.convert_many([LEGACY["doc"]], soffice="/nonexistent/soffice")
    assert str(results[LEGACY["doc"]]) == (
        "cannot start LibreOffice: /nonexistent/soffice is not an executable file"
    )


def test_timeout_and_binary_are_configurable(monkeypatch):
    monkeypatch.delenv(legacy_word.TIMEOUT_ENV, raising=False)
    assert legacy_word.convert_timeout() == legacy_word.DEFAULT_TIMEOUT == 60
    monkeypatch.setenv(legacy_word.TIMEOUT_ENV, "2.5")
    assert legacy_word.convert_timeout() == 2.5
    assert legacy_word.convert_timeout(7) == 7
    monkeypatch.setenv(legacy_word.TIMEOUT_ENV, "soon")
    assert legacy_word.convert_timeout() == 60
    monkeypatch.setenv(legacy_word.SOFFICE_ENV, "/bin/true")
    assert legacy_word.soffice_binary() == "/bin/true"
    assert legacy_word.soffice_binary("/bin/false") == "/bin/false"


# -- timeouts: the process group is killed ---------------------------------------------------


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for its reaper does not count)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError):
        return False


def _soffice_processes() -> list[int]:
    """Live processes whose command line names this process's private work folder."""
    marker = str(legacy_word.work_dir()).encode()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if marker in cmdline and _alive(int(entry.name)):
                found.append(int(entry.name))
    return found


def _wait_until(condition, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def _fake_soffice(tmp_path: Path, body: str) -> Path:
    script = tmp_path / "fake-soffice"
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def test_timeout_kills_a_hanging_soffice_and_its_children(tmp_path, monkeypatch):
    pids = tmp_path / "pids"
    fake = _fake_soffice(tmp_path, f"sleep 60 &\necho $$ $! > {pids}\nwait")
    monkeypatch.setenv(legacy_word.SOFFICE_ENV, str(fake))
    monkeypatch.setenv(legacy_word.TIMEOUT_ENV, "0.5")
    source = tmp_path / "minutes.doc"
    shutil.copy(LEGACY["doc"], source)
    started = time.monotonic()
    with pytest.raises(DocumentError, match=r"^LibreOffice conversion timed out after 0\.5 s$"):
        legacy_word.read(source)
    assert time.monotonic() - started < 5
    shell, sleeper = map(int, pids.read_text().split())
    assert _wait_until(lambda: not _alive(shell) and not _alive(sleeper))


def test_timeout_with_the_real_soffice_leaves_no_process(tmp_path):
    source = tmp_path / "minutes.odt"
    shutil.copy(LEGACY["odt"], source)
    result = legacy_word.convert_many([source], timeout=0.01)[source]
    assert isinstance(result, DocumentError)
    assert str(result) == "LibreOffice conversion timed out after 0.01 s"
    assert _wait_until(lambda: not _soffice_processes()), _soffice_processes()
    # The next conversion starts from a fresh profile and works.
    assert isinstance(legacy_word.convert_many([source])[source], Path)


FAKE_BATCH = """\
import os, sys, time, zipfile
args = sys.argv[1:]
out = args[args.index("--outdir") + 1]
for source in args[args.index("--outdir") + 2:]:
    if "STALL" in os.path.realpath(source):
        time.sleep(60)
    stem = os.path.splitext(os.path.basename(source))[0]
    with zipfile.ZipFile(os.path.join(out, stem + ".docx"), "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
"""


def test_a_hanging_file_in_a_batch_times_out_alone(tmp_path):
    script = tmp_path / "fake_batch.py"
    script.write_text(FAKE_BATCH)
    fake = _fake_soffice(tmp_path, f'exec "{sys.executable}" "{script}" "$@"')
    files = []
    for name in ("first.doc", "STALL.doc", "last.doc"):
        shutil.copy(LEGACY["doc"], tmp_path / name)
        files.append(tmp_path / name)
    results = legacy_word.convert_many(files, timeout=1, soffice=str(fake))
    assert isinstance(results[files[0]], Path)
    assert str(results[files[1]]) == "LibreOffice conversion timed out after 1 s"
    assert isinstance(results[files[2]], Path)


# -- processes -------------------------------------------------------------------------------


def _convert_and_hang(fake: str, source: str) -> None:
    legacy_word.convert_many([Path(source)], timeout=600, soffice=fake)


def test_soffice_dies_with_the_process_that_started_it(tmp_path):
    """A batch worker killed at its deadline must not leave soffice running."""
    pids = tmp_path / "pids"
    fake = _fake_soffice(tmp_path, f"sleep 60 &\necho $$ $! > {pids}\nwait")
    source = shutil.copy(LEGACY["doc"], tmp_path / "minutes.doc")
    worker = multiprocessing.get_context("fork").Process(
        target=_convert_and_hang, args=(str(fake), str(source))
    )
    worker.start()
    assert _wait_until(lambda: pids.exists() and len(pids.read_text().split()) == 2)
    worker.kill()
    worker.join()
    shell, sleeper = map(int, pids.read_text().split())
    assert _wait_until(lambda: not _alive(shell) and not _alive(sleeper))
    # Its work folder outlived it (no exit handlers run on SIGKILL); the next process's
    # start-up removes it.
    left = list(Path(tempfile.gettempdir()).glob(f"protokoll-convert-{worker.pid}-*"))
    assert left
    legacy_word._remove_stale_workdirs()
    assert not any(folder.exists() for folder in left)


def _convert_in_child(path: str) -> tuple[str, str]:
    document = legacy_word.read(Path(path))
    return str(legacy_word.work_dir()), document.blocks[0].text


def test_parallel_processes_use_their_own_profiles():
    legacy_word.work_dir()  # the parent's state exists before the fork
    context = multiprocessing.get_context("fork")
    with context.Pool(2) as pool:
        results = pool.map(_convert_in_child, [str(LEGACY["odt"]), str(LEGACY["rtf"])])
    work_dirs = {work_dir for work_dir, _ in results}
    for work_dir in work_dirs:  # pool workers end without running atexit
        shutil.rmtree(work_dir, ignore_errors=True)
    assert len(work_dirs) == 2 and str(legacy_word.work_dir()) not in work_dirs
    assert [text for _, text in results] == ["Kommunchefsmöte, Umeåregionen"] * 2


def test_a_failed_conversion_is_a_failed_row(tmp_path, monkeypatch):
    from pipeline.run import process_file

    monkeypatch.setenv(legacy_word.TIMEOUT_ENV, "0.01")
    source = tmp_path / "minutes.rtf"
    shutil.copy(LEGACY["rtf"], source)
    result = process_file(source, source.name, nlp=None)
    assert result.status == "failed"
    assert result.row["source_format"] == "rtf"
    assert result.row["error"] == "LibreOffice conversion timed out after 0.01 s"
