"""Where the per-document function runs: in this process, in a local pool of worker
processes, or on a Dask distributed cluster. All three take :class:`~pipeline.process.Task`
objects and yield :class:`~pipeline.process.Outcome` objects as documents finish (in any
order; the run puts them back in file order).

The local pool exists because ``concurrent.futures`` cannot stop one hung task: here every
worker has its own pipe, one document at a time, a deadline and an address-space cap
(``RLIMIT_AS``). A worker past its deadline is killed and replaced, a worker that dies is
replaced, and its document becomes a ``failed`` row saying why; the batch goes on. The spaCy
pipeline loads once per worker, before the worker takes its first document.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing as mp
import os
import resource
import signal
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path

from spacy.language import Language

from pipeline.process import Outcome, Task, failed_result, process_document, warm_up

DEFAULT_TIMEOUT = 120.0
DEFAULT_MEMORY_MB = 2048
STARTUP_TIMEOUT = 300.0


class WorkerStartError(RuntimeError):
    """Worker processes die before they can take a document (e.g. memory limit too low)."""


def default_workers() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def timed_out(task: Task, seconds: float) -> Outcome:
    result = failed_result(Path(task.path), task.relative, f"timed out after {seconds:g} s")
    return Outcome(task.path, result, result.row["sha256"], seconds, retry=True)


def worker_died(task: Task, how: str, memory_limit_mb: int | None, seconds: float) -> Outcome:
    limit = f"; memory limit {_mb_text(memory_limit_mb)}?" if memory_limit_mb else ""
    result = failed_result(Path(task.path), task.relative, f"worker died ({how}{limit})")
    return Outcome(task.path, result, result.row["sha256"], seconds, retry=True)


def _mb_text(mb: int) -> str:
    return f"{mb / 1024:g} GB" if mb >= 1024 else f"{mb} MB"


# -- in this process ---------------------------------------------------------------------------


def run_inline(tasks: Iterable[Task], nlp: Language) -> Iterator[Outcome]:
    """One document after the other in this process: no timeout, no memory cap."""
    for task in tasks:
        outcome = process_document(task, nlp)
        outcome.peak_rss_mb = _peak_rss_mb()
        outcome.worker = f"pid {os.getpid()}"
        yield outcome


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


# -- local worker processes ----------------------------------------------------------------------


def _worker_main(
    conn: Connection, memory_limit_mb: int | None, ocr_threads: int | None = None
) -> None:
    """A worker: cap memory, load spaCy once, then extract one task at a time until told to
    stop or the parent disappears. ``ocr_threads``: its share of the cores for Tesseract."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    if ocr_threads:
        from pipeline import ocr

        ocr.set_threads(ocr_threads)
    if memory_limit_mb:
        limit = memory_limit_mb << 20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    _exit_with_parent()
    from pipeline.nlp import load_nlp

    nlp = load_nlp()
    warm_up(nlp)
    # The model, its 100,000 patterns and the word lists live as long as the worker: out of
    # the collector's sight, a full collection no longer walks them (90 ms each).
    gc.freeze()
    conn.send(("ready", os.getpid()))
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        outcome = process_document(task, nlp)
        outcome.peak_rss_mb = _peak_rss_mb()
        outcome.worker = f"pid {os.getpid()}"
        try:
            conn.send(("done", outcome))
        except (BrokenPipeError, OSError):
            return
        if outcome.restart_worker:  # after a MemoryError the heap is not to be trusted
            return


def _exit_with_parent() -> None:
    """A worker must not outlive its run (kill -9 of the run while it parses a huge file)."""
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()


@dataclass
class _Worker:
    process: mp.process.BaseProcess
    conn: Connection
    started: float
    ready: bool = False
    task: Task | None = None
    deadline: float = 0.0
    task_started: float = 0.0


class LocalPool:
    """``workers`` processes, each with a per-document ``timeout`` and ``memory_limit_mb``."""

    def __init__(
        self,
        workers: int,
        timeout: float = DEFAULT_TIMEOUT,
        memory_limit_mb: int | None = DEFAULT_MEMORY_MB,
    ) -> None:
        self.workers = max(1, workers)
        self.timeout = timeout
        self.memory_limit_mb = memory_limit_mb or None
        self._ctx = _context()
        self._pool: list[_Worker] = []
        self._ever_ready = False

    def map(self, tasks: Iterable[Task]) -> Iterator[Outcome]:
        pending = deque(tasks)
        try:
            for _ in range(min(self.workers, len(pending))):
                self._pool.append(self._start())
            while pending or any(w.task for w in self._pool):
                for w in self._pool:
                    if w.ready and w.task is None and pending:
                        self._dispatch(w, pending.popleft())
                yield from self._wait(bool(pending))
        finally:
            self.close()

    def _start(self) -> _Worker:
        parent_conn, child_conn = self._ctx.Pipe(duplex=True)
        process = self._ctx.Process(
            target=_worker_main,
            # the workers share the cores for OCR: N workers x all cores oversubscribes
            args=(child_conn, self.memory_limit_mb, max(1, (os.cpu_count() or 1) // self.workers)),
            name="protokoll-worker",
            daemon=True,
        )
        process.start()
        child_conn.close()
        return _Worker(process, parent_conn, time.monotonic())

    def _dispatch(self, worker: _Worker, task: Task) -> None:
        worker.task = task
        worker.task_started = time.monotonic()
        worker.deadline = worker.task_started + self.timeout
        with contextlib.suppress(OSError):  # the worker died: its sentinel tells _wait
            worker.conn.send(task)

    def _wait(self, more_pending: bool) -> Iterator[Outcome]:
        now = time.monotonic()
        deadlines = [w.deadline for w in self._pool if w.task]
        deadlines += [w.started + STARTUP_TIMEOUT for w in self._pool if not w.ready]
        wait_for = max(0.0, min(deadlines) - now) if deadlines else None
        handles = [w.conn for w in self._pool] + [w.process.sentinel for w in self._pool]
        ready = set(wait(handles, timeout=wait_for))
        now = time.monotonic()
        for worker in list(self._pool):
            if worker.conn in ready:
                try:
                    kind, payload = worker.conn.recv()
                except (EOFError, OSError):
                    kind, payload = None, None
                if kind == "ready":
                    worker.ready = self._ever_ready = True
                    continue
                if kind == "done":
                    worker.task = None
                    yield payload
                    if payload.restart_worker:
                        self._replace(worker, more_pending)
                    continue
            if worker.process.sentinel in ready or not worker.process.is_alive():
                worker.process.join(timeout=1)
                if worker.task is None and not worker.ready and not self._ever_ready:
                    limit = f"{self.memory_limit_mb} MB" if self.memory_limit_mb else "none"
                    raise WorkerStartError(
                        f"worker processes cannot start ({_exit_text(worker.process.exitcode)};"
                        f" memory limit {limit}): see the error above"
                    )
                if worker.task is not None:
                    how = _exit_text(worker.process.exitcode)
                    spent = now - worker.task_started
                    yield worker_died(worker.task, how, self.memory_limit_mb, spent)
                self._replace(worker, more_pending)
            elif worker.task is not None and now >= worker.deadline:
                yield timed_out(worker.task, self.timeout)
                self._replace(worker, more_pending)
            elif not worker.ready and now >= worker.started + STARTUP_TIMEOUT:
                raise WorkerStartError(f"a worker did not start within {STARTUP_TIMEOUT:g} s")

    def _replace(self, worker: _Worker, more_pending: bool) -> None:
        """Kill ``worker`` (its document is answered for) and start another if work is left."""
        self._stop(worker, kill=True)
        index = self._pool.index(worker)
        if more_pending:
            self._pool[index] = self._start()
        else:
            del self._pool[index]

    def _stop(self, worker: _Worker, kill: bool) -> None:
        worker.task = None
        if kill and worker.process.is_alive():
            _kill_tree(worker.process)
        worker.process.join(timeout=5)
        worker.conn.close()

    def close(self) -> None:
        """Stop every worker: politely when idle, with SIGKILL when busy or stuck."""
        for worker in self._pool:
            if worker.task is None and worker.process.is_alive():
                with contextlib.suppress(OSError):
                    worker.conn.send(None)
        deadline = time.monotonic() + 2
        for worker in self._pool:
            worker.process.join(timeout=max(0.0, deadline - time.monotonic()))
            self._stop(worker, kill=True)
        self._pool = []


def _kill_tree(process: mp.process.BaseProcess) -> None:
    """SIGKILL a worker and whatever it started (Tesseract, LibreOffice): a hung converter
    must not outlive the document it was working on."""
    try:
        import psutil

        children = psutil.Process(process.pid).children(recursive=True)
    except Exception:  # no psutil, or the worker is already gone
        children = []
    process.kill()
    for child in children:
        with contextlib.suppress(Exception):
            child.kill()


def _exit_text(exitcode: int | None) -> str:
    if exitcode is None:
        return "no exit code"
    if exitcode < 0:
        try:
            return f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"killed by signal {-exitcode}"
    return f"exit code {exitcode}"


def _context() -> mp.context.BaseContext:
    """forkserver where there is one: workers fork from a clean process that has already
    imported the pipeline (fast to start and to replace, no inherited locks or threads)."""
    if "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["pipeline.process"])
        return ctx
    return mp.get_context("spawn")


# -- Dask distributed ---------------------------------------------------------------------------

_local = threading.local()


def _dask_task(task: Task, timeout: float) -> Outcome:
    """Runs on a Dask worker: one spaCy pipeline per worker thread, a per-document timeout.

    A Dask worker thread cannot be killed, so a document past its timeout becomes a failed
    row while its thread finishes in the background; memory is the nanny's to enforce
    (``dask worker --memory-limit``), and a worker it kills ends as KilledWorker below.
    """
    nlp = getattr(_local, "nlp", None)
    if nlp is None:
        from pipeline.nlp import load_nlp

        nlp = _local.nlp = load_nlp.__wrapped__()  # not shared between threads
    box: list[Outcome] = []
    thread = threading.Thread(target=lambda: box.append(process_document(task, nlp)), daemon=True)
    thread.start()
    thread.join(timeout)
    if not box:
        return timed_out(task, timeout)
    outcome = box[0]
    outcome.peak_rss_mb = _peak_rss_mb()
    outcome.worker = f"dask pid {os.getpid()}"
    return outcome


def run_dask(
    tasks: Iterable[Task], scheduler: str, timeout: float = DEFAULT_TIMEOUT, window: int = 0
) -> Iterator[Outcome]:
    """The same tasks on the Dask cluster at ``scheduler`` (``tcp://host:8786``).

    Sources (and the cache folder) must be at the same paths on every worker: a shared
    filesystem. At most ``window`` documents (default: 4 per worker thread) are in flight,
    so an archive of millions of files does not become millions of futures at once.
    """
    from distributed import Client, KilledWorker, as_completed

    pending = deque(tasks)
    with Client(scheduler, timeout="30s", set_as_default=False) as client:
        threads = sum(client.nthreads().values()) or 1
        futures: dict = {}

        def submit():
            task = pending.popleft()
            future = client.submit(_dask_task, task, timeout, pure=False)
            futures[future] = task
            return future

        first = [submit() for _ in range(min(window or 4 * threads, len(pending)))]
        completed = as_completed(first, loop=client.loop)
        for future in completed:
            task = futures.pop(future)
            try:
                outcome = future.result()
            except KilledWorker as exc:
                outcome = worker_died(task, f"Dask KilledWorker: {exc}", None, 0.0)
            except Exception as exc:  # the task itself never raises: a cluster problem
                outcome = worker_died(task, f"Dask: {type(exc).__name__}: {exc}", None, 0.0)
            yield outcome
            if pending:
                completed.add(submit())
