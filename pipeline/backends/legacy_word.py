"""Legacy Word (.doc), RTF and OpenDocument text (.odt): converted to .docx, then read as Word.

LibreOffice (headless ``soffice``) converts them; the Word backend then reads the result, so
headings, automatic numbers, emphasis and tables come out exactly as for a .docx. The
Document keeps its own format ("doc", "rtf", "odt") and the original path.

How soffice is run, and why:

- A private user profile per process (``-env:UserInstallation``): two soffice instances on
  one profile collide (the second hands its work to the first and exits), and a user's
  running LibreOffice must never be used.
- A private temporary folder per call, with each input linked in under a numbered name
  (``0003.odt``): two inputs with the same stem cannot overwrite each other's output, odd
  file names never reach soffice's URL handling, and the link's extension is the detected
  format, so an .odt named .doc is opened as what it is.
- Many files in one call (:func:`convert_many`): soffice's start-up (~1.5 s) dominates a
  small file. The batch runner calls it for every legacy file of a batch; :func:`read`
  then takes the conversion from a per-process cache instead of starting soffice again.
- A timeout per file, counted from the last sign of progress (a new output or log line),
  after which soffice's whole process group is killed: ``soffice`` is a shell script that
  becomes ``oosplash``, which starts ``soffice.bin``; killing only the first would leave
  the converter running. The group is also killed when the Python process that started
  it dies (see ``_SUPERVISOR``), and work folders of dead processes are removed.
"""

from __future__ import annotations

import atexit
import contextlib
import multiprocessing.util
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from pipeline import limits
from pipeline.backends import docx as docx_backend
from pipeline.detect import detect_format
from pipeline.errors import DocumentError
from pipeline.model import Document

FORMATS = ("doc", "rtf", "odt")

DEFAULT_TIMEOUT = 60.0
TIMEOUT_ENV = "PROTOKOLL_CONVERT_TIMEOUT"
SOFFICE_ENV = "PROTOKOLL_SOFFICE"
BATCH_SIZE = 50  # files per soffice call: bounds what one crash or hang costs
POLL_SECONDS = 0.05
WORKDIR_PREFIX = "protokoll-convert-"
TARGET_FILTER = "docx:MS Word 2007 XML"

# soffice runs under this small shell, which leads its process group. A watcher in the group
# kills the whole group when the Python process that started it disappears (a batch worker
# killed at its deadline, kill -9 of the run), which our own timeout cannot do.
_SUPERVISOR = """\
parent=$1; shift
"$@" &
child=$!
(while kill -0 "$parent" 2>/dev/null; do sleep 1; done; kill -9 0) &
wait "$child"
"""


def convert_timeout(timeout: float | None = None) -> float:
    """The timeout to use: the argument, else ``$PROTOKOLL_CONVERT_TIMEOUT``, else 60 s."""
    if timeout is not None:
        return float(timeout)
    try:
        value = float(os.environ.get(TIMEOUT_ENV, ""))
    except ValueError:
        return DEFAULT_TIMEOUT
    return value if value > 0 else DEFAULT_TIMEOUT


def soffice_binary(soffice: str | None = None) -> str:
    """The soffice to run: the argument, else ``$PROTOKOLL_SOFFICE``, else the one on PATH."""
    chosen = soffice or os.environ.get(SOFFICE_ENV)
    if chosen:
        binary = shutil.which(chosen)
        if not binary:
            raise DocumentError(f"cannot start LibreOffice: {chosen} is not an executable file")
        return binary
    binary = shutil.which("soffice") or shutil.which("libreoffice")
    if not binary:
        raise DocumentError(
            "LibreOffice is not installed (no soffice on PATH): cannot convert .doc/.rtf/.odt"
        )
    return binary


# -- per-process state -----------------------------------------------------------------------


_Result = Path | DocumentError
_Key = tuple[str, int, int]


@dataclass
class _Job:
    source: Path
    key: _Key
    ext: str
    output: Path | None = None
    error: DocumentError | None = None


@dataclass
class _Process:
    """What one process owns: its work folder, LibreOffice profile and converted files.

    A forked child gets a new work folder and profile (two processes must not share a
    profile) but keeps the parent's finished conversions, which it can still read.
    """

    pid: int
    workdir: Path
    cache: dict[_Key, _Result] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    calls: int = 0

    @property
    def profile(self) -> Path:
        return self.workdir / "profile"

    def cleanup(self) -> None:
        if os.getpid() == self.pid:
            shutil.rmtree(self.workdir, ignore_errors=True)


_current: _Process | None = None
_current_lock = threading.Lock()


def _process() -> _Process:
    global _current
    with _current_lock:
        if _current is None or _current.pid != os.getpid():
            inherited = dict(_current.cache) if _current else {}
            _remove_stale_workdirs()
            workdir = Path(tempfile.mkdtemp(prefix=f"{WORKDIR_PREFIX}{os.getpid()}-"))
            _current = _Process(os.getpid(), workdir, inherited)
            atexit.register(_current.cleanup)
            # multiprocessing children end with os._exit and skip atexit, not these:
            multiprocessing.util.Finalize(None, _current.cleanup, exitpriority=0)
        return _current


def _remove_stale_workdirs() -> None:
    """Remove the folders of processes that died without cleaning up (a worker killed at its
    deadline runs no exit handlers), so killed workers cannot fill the temporary folder."""
    for folder in Path(tempfile.gettempdir()).glob(f"{WORKDIR_PREFIX}*-*"):
        pid = folder.name.removeprefix(WORKDIR_PREFIX).split("-", 1)[0]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists() and _owned(folder):
            shutil.rmtree(folder, ignore_errors=True)


def _owned(folder: Path) -> bool:
    try:
        return folder.stat().st_uid == os.getuid()
    except OSError:
        return False


def work_dir() -> Path:
    """This process's private folder (profile and conversions); soffice runs carry its path."""
    return _process().workdir


def clear_cache() -> None:
    """Forget (and delete) every conversion not yet read."""
    state = _process()
    with state.lock:
        for result in state.cache.values():
            if isinstance(result, Path):
                result.unlink(missing_ok=True)
        state.cache.clear()


def _key(path: Path) -> _Key:
    stat = path.stat()
    return (str(path.resolve()), stat.st_size, stat.st_mtime_ns)


def _extension(path: Path) -> str:
    """The extension soffice should see: the detected format, else the file's own."""
    try:
        fmt = detect_format(path)
    except OSError:
        fmt = ""
    if fmt in FORMATS:
        return fmt
    return path.suffix.lower().lstrip(".") or "bin"


# -- converting ------------------------------------------------------------------------------


def convert_many(
    paths: Iterable[Path], timeout: float | None = None, soffice: str | None = None
) -> dict[Path, Path | DocumentError]:
    """Convert files to .docx in as few soffice calls as possible.

    Returns, for every path given, the converted .docx or the :class:`DocumentError` that
    says why there is none. Results are also kept for :func:`read` in this process (a
    failure too, so a batch's hung file does not hang again in ``read``); calling this
    again tries earlier failures again.
    ``timeout`` is the seconds one file may take (the first includes soffice's start-up).
    """
    seconds = convert_timeout(timeout)
    state = _process()
    results: dict[Path, _Result] = {}
    jobs: dict[_Key, _Job] = {}
    wanted: dict[Path, _Key] = {}
    for path in paths:
        try:
            key = _key(path)
        except OSError as exc:
            results[path] = DocumentError(f"cannot read file: {exc.strerror or exc}")
            continue
        wanted[path] = key
        with state.lock:
            cached = state.cache.get(key)
        if not (isinstance(cached, Path) and cached.exists()):  # failures are tried again
            jobs.setdefault(key, _Job(path, key, _extension(path)))
    if jobs:
        pending = list(jobs.values())
        try:
            binary = soffice_binary(soffice)
            for start in range(0, len(pending), BATCH_SIZE):
                _convert(pending[start : start + BATCH_SIZE], seconds, binary, state)
        except DocumentError as exc:  # no LibreOffice to run: every file fails alike
            for job in pending:
                if job.output is None:
                    job.error = job.error or exc
        with state.lock:
            for job in jobs.values():
                state.cache[job.key] = (
                    job.output
                    or job.error
                    or DocumentError("LibreOffice could not convert: no output")
                )
    with state.lock:
        for path, key in wanted.items():
            results[path] = state.cache[key]
    return results


def _convert(jobs: list[_Job], timeout: float, binary: str, state: _Process) -> None:
    """Convert ``jobs`` in one soffice call; after a hang or a crash, isolate and go on.

    soffice works through its inputs in order, so after a timeout or a crash the first job
    without output is the likely culprit: it is retried alone (which tells a quick failure
    from a real hang) and the rest get a new call.
    """
    queue = jobs
    while queue and not _call_soffice(queue, timeout, binary, state):
        unfinished = [job for job in queue if job.output is None and job.error is None]
        culprit, queue = unfinished[0], unfinished[1:]
        _call_soffice([culprit], timeout, binary, state)  # one job: always decided


def _call_soffice(jobs: list[_Job], timeout: float, binary: str, state: _Process) -> bool:
    """One soffice run over ``jobs``. True when every job got its output or its error."""
    with state.lock:
        state.calls += 1
        call_dir = state.workdir / f"call-{state.calls:05d}"
        in_dir, out_dir = call_dir / "in", call_dir / "out"
        in_dir.mkdir(parents=True)
        out_dir.mkdir()
        inputs: list[str] = []
        for i, job in enumerate(jobs):
            link = in_dir / f"{i:04d}.{job.ext}"
            try:
                link.symlink_to(job.source.resolve())
            except OSError:
                shutil.copyfile(job.source, link)
            inputs.append(str(link))
        command = [
            "/bin/sh",
            "-c",
            _SUPERVISOR,
            "soffice-supervisor",
            str(os.getpid()),
            binary,
            f"-env:UserInstallation={state.profile.as_uri()}",
            "--headless",
            "--invisible",
            "--norestore",
            "--nolockcheck",
            "--nologo",
            "--nodefault",
            "--convert-to",
            TARGET_FILTER,
            "--outdir",
            str(out_dir),
            *inputs,
        ]
        outputs = [out_dir / f"{i:04d}.docx" for i in range(len(jobs))]
        outcome = _run(command, call_dir, outputs, timeout)
        shutil.rmtree(in_dir, ignore_errors=True)
        for log in call_dir.glob("*.log"):
            log.unlink()
        if outcome.killed:
            # A killed soffice may leave its profile locked or half-written: start afresh.
            shutil.rmtree(state.profile, ignore_errors=True)
    return _decide(jobs, outputs, outcome, timeout)


@dataclass
class _Outcome:
    returncode: int | None
    timed_out: bool
    killed: bool
    errors: list[str]


def _run(command: list[str], call_dir: Path, outputs: list[Path], timeout: float) -> _Outcome:
    """Run soffice in its own process group; kill the group after ``timeout`` without progress.

    Progress is a new output file or a new line in soffice's logs, so a batch may take as
    long as it needs while a single hung file is caught after ``timeout`` seconds.
    """
    stdout_log, stderr_log = call_dir / "stdout.log", call_dir / "stderr.log"
    with stdout_log.open("wb") as out, stderr_log.open("wb") as err:
        try:
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                start_new_session=True,  # its own process group, so a kill reaches every child
            )
        except OSError as exc:
            raise DocumentError(f"cannot start LibreOffice: {exc}") from None
    progress: tuple[int, ...] = ()
    deadline = time.monotonic() + timeout
    returncode: int | None = None
    try:
        while returncode is None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                returncode = process.wait(timeout=min(POLL_SECONDS, timeout))
                break
            now = (sum(p.exists() for p in outputs), _size(stdout_log), _size(stderr_log))
            if now != progress:
                progress, deadline = now, time.monotonic() + timeout
            elif time.monotonic() >= deadline:
                break
    finally:
        killed = _kill_group(process)
    errors = [
        line.removeprefix("Error:").strip()
        for line in stderr_log.read_text("utf-8", "replace").splitlines()
        if line.startswith("Error:")
    ]
    return _Outcome(returncode, returncode is None, killed, errors)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _kill_group(process: subprocess.Popen[bytes]) -> bool:
    """Kill whatever is left of soffice's process group; True when something was running."""
    alive = process.poll() is None
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)  # also children that outlived the wrapper
    if alive:
        process.wait()
    return alive


def _decide(jobs: list[_Job], outputs: list[Path], outcome: _Outcome, timeout: float) -> bool:
    """Give every job its output or error; False when the run ended before deciding all."""
    missing: list[_Job] = []
    for job, output in zip(jobs, outputs, strict=True):
        if output.exists() and zipfile.is_zipfile(output):
            job.output = output
        else:
            output.unlink(missing_ok=True)
            missing.append(job)
    with contextlib.suppress(OSError):  # nothing converted: nothing to keep
        outputs[0].parent.rmdir()
        outputs[0].parent.parent.rmdir()
    normal_end = not outcome.timed_out and outcome.returncode == 0
    if not missing:
        return True
    if not normal_end and len(jobs) > 1:
        return False  # the caller isolates the culprit and retries the rest
    if outcome.timed_out:
        for job in missing:
            job.error = DocumentError(f"LibreOffice conversion timed out after {timeout:g} s")
        return True
    if outcome.returncode != 0:
        cause = f"soffice exited with code {outcome.returncode}"
        if outcome.returncode is not None and outcome.returncode > 128:  # as the shell says
            cause += f" (killed by signal {outcome.returncode - 128}: it crashed on this file)"
        for job in missing:
            job.error = DocumentError(f"LibreOffice could not convert: {cause}")
        return True
    # soffice reports failed files in order, without naming them.
    causes = outcome.errors if len(outcome.errors) == len(missing) else []
    for n, job in enumerate(missing):
        cause = causes[n] if causes else "it produced no .docx"
        job.error = DocumentError(f"LibreOffice could not convert: {cause}")
    return True


# -- reading ---------------------------------------------------------------------------------


def prepare_batch(files: Iterable[tuple[Path, str]], timeout: float | None = None) -> int:
    """Batch-level hook: convert every legacy file of a batch (``(path, format)`` pairs)
    in as few soffice calls as possible, so the per-file :func:`read` finds them done.
    Returns how many files were handed to LibreOffice."""
    legacy = [path for path, fmt in files if fmt in FORMATS]
    if legacy:
        convert_many(legacy, timeout)
    return len(legacy)


def read(path: Path, fmt: str | None = None, timeout: float | None = None) -> Document:
    """Convert (or take the conversion :func:`convert_many` made) and read it as Word."""
    if fmt is None:
        detected = detect_format(path)
        fmt = detected if detected in FORMATS else path.suffix.lower().lstrip(".")
    if fmt == "odt":
        limits.check_zip(path)  # LibreOffice would inflate a zip bomb
    else:
        limits.check_file_size(path)
    state = _process()
    try:
        key = _key(path)
    except OSError as exc:
        raise DocumentError(f"cannot read file: {exc.strerror or exc}") from None
    with state.lock:  # read once: a batch must not keep every converted file on disk
        result = state.cache.pop(key, None)
    if result is None or (isinstance(result, Path) and not result.exists()):
        result = convert_many([path], timeout)[path]
        with state.lock:
            state.cache.pop(key, None)
    if isinstance(result, DocumentError):
        raise DocumentError(str(result))
    try:
        word = docx_backend.read(result)
    except DocumentError as exc:
        raise DocumentError(f"LibreOffice wrote an unreadable .docx: {exc}") from None
    finally:
        result.unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # the call's folders, once all is read
            result.parent.rmdir()
            result.parent.parent.rmdir()
    return Document(
        source_path=str(path),
        format=fmt,
        blocks=word.blocks,
        pages=word.pages,
        metadata={**word.metadata, "converted_by": "LibreOffice"},
    )


READERS = {fmt: partial(read, fmt=fmt) for fmt in FORMATS}
