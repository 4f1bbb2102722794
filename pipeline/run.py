"""The batch run: every file under the given paths to one set of tables, incrementally.

``run()`` is the library API behind ``protokoll run``. One run:

1. takes the output folder's lock (:mod:`pipeline.lock`) and finishes a publish a crash
   interrupted (:mod:`pipeline.publish`);
2. lists the files and compares them with the manifest (:mod:`pipeline.manifest`): a file
   whose size and mtime are unchanged, read by the same extractor version, is not even
   hashed; new, changed and retried files become tasks; files that disappeared are dropped;
3. runs the tasks where the options say (:mod:`pipeline.executors`: in this process, a pool
   of worker processes, or Dask), committing each result to the manifest as it comes;
4. rebuilds every table from the manifest in file order, links action series over all of
   them (:mod:`pipeline.followup`) and publishes them as one new version, so the tables are
   those of a full run however the run went, or was interrupted.

One bad file never stops a batch: whatever goes wrong while reading a file becomes a
``documents`` row with status ``failed`` and an error that names the problem.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq
from spacy.language import Language

from pipeline.cache import DocumentCache, NerCache
from pipeline.executors import (
    DEFAULT_MEMORY_MB,
    DEFAULT_TIMEOUT,
    LocalPool,
    default_workers,
    run_dask,
    run_inline,
)
from pipeline.fingerprint import backend_version, code_version, extractor_version, ner_version
from pipeline.followup import link_action_series
from pipeline.item_attendance import item_attendance_rows
from pipeline.lock import RunLocked, run_lock
from pipeline.manifest import FILENAME as MANIFEST_NAME
from pipeline.manifest import Manifest
from pipeline.nlp.spacy_build import notice as spacy_notice
from pipeline.persons import persons_table, resolve_persons
from pipeline.process import (
    EXTRACTOR_VERSION,
    DocumentResult,
    Outcome,
    Task,
    process_file,
)
from pipeline.publish import publish, recover, state_dir
from pipeline.report import RunReport, write_report
from pipeline.roster import read_roster
from pipeline.schema import TABLES

__all__ = [
    "EXTRACTOR_VERSION",
    "DocumentResult",
    "RunLocked",
    "RunOptions",
    "RunSummary",
    "find_files",
    "process_file",
    "run",
]

EXECUTORS = ("local", "dask")
COMMIT_EVERY_S = 1.0  # a kill -9 loses at most this much finished work


@dataclass(frozen=True)
class RunOptions:
    """How a run works; the defaults are those of ``protokoll run``.

    ``workers``: worker processes (None: one per core; 0: in this process, no timeout or
    memory cap; when ``run()`` is given an ``nlp`` and no workers, it runs in this process
    with that pipeline). ``full``: extract every file again. ``executor``: ``local`` or
    ``dask`` (then ``scheduler`` is the cluster's address). ``timeout`` and
    ``memory_limit_mb`` bound one document in a local worker (0: no memory cap).
    ``cache_dir``: where parsed documents are cached (None: ``OUTDIR/.state/cache``);
    ``use_cache=False`` turns the cache off. ``csv_dialects``: CSV dialects to write.
    ``redact``: kinds of personal data to replace in the published tables
    (:mod:`pipeline.redact`); the manifest keeps the rows as extracted, so turning it on or
    off republishes without extracting again.
    """

    workers: int | None = None
    full: bool = False
    executor: str = "local"
    scheduler: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    memory_limit_mb: int | None = DEFAULT_MEMORY_MB
    cache_dir: Path | None = None
    use_cache: bool = True
    csv_dialects: tuple[str, ...] = ("utf8",)
    redact: tuple[str, ...] = ()
    roster: tuple[str, ...] = ()  # roster files (pipeline.roster) for the persons table


@dataclass
class RunSummary:
    results: list[DocumentResult]
    out_dir: Path
    report: dict = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        counts = {"ok": 0, "partial": 0, "failed": 0}
        for r in self.results:
            counts[r.status] += 1
        return counts

    @property
    def table_sizes(self) -> dict[str, int]:
        sizes = {name: sum(len(r.tables.get(name, [])) for r in self.results) for name in TABLES}
        sizes["documents"] = len(self.results)
        # built over the whole run when publishing, not per document: count what was written
        for name in ("persons", "item_attendance"):
            published = self.out_dir / f"{name}.parquet"
            if published.exists():
                sizes[name] = pq.read_metadata(published).num_rows
        return sizes


@dataclass(frozen=True)
class SourceFile:
    path: Path
    relative: str
    size: int | None
    mtime_ns: int | None

    @property
    def key(self) -> str:
        return str(self.path)


def find_files(paths: Iterable[Path]) -> list[tuple[Path, str]]:
    """(file, path relative to the argument it was found under), recursing into folders.

    Hidden files and folders (``.git``, ``~$`` Word lock files) are skipped; symlinked
    folders are not followed, so a link loop cannot hang a batch.
    """
    found: list[tuple[Path, str]] = []
    for root in paths:
        if root.is_dir():
            for dirpath, dirnames, filenames in os.walk(root):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in sorted(filenames):
                    if name.startswith((".", "~$")):
                        continue
                    path = Path(dirpath) / name
                    found.append((path, path.relative_to(root).as_posix()))
        else:
            found.append((root, root.name))
    return found


def scan(paths: Iterable[Path], out_dir: Path) -> list[SourceFile]:
    """Every source file once, in the order a sequential run reads them, with its stat."""
    paths = [Path(p) for p in paths]
    inside = any(out_dir == p.resolve() or p.resolve() in out_dir.parents for p in paths)
    files: dict[str, SourceFile] = {}
    for path, relative in find_files(paths):
        if str(path) in files or (inside and out_dir in path.resolve().parents):
            continue  # named twice, or our own output: never read it back in
        try:
            st = path.stat()
            size, mtime = st.st_size, st.st_mtime_ns
        except OSError:
            size = mtime = None
        files[str(path)] = SourceFile(path, relative, size, mtime)
    return list(files.values())


def run(
    paths: Iterable[Path],
    out_dir: Path,
    on_result: Callable[[DocumentResult], None] | None = None,
    nlp: Language | None = None,
    options: RunOptions | None = None,
    on_start: Callable[[int, int], None] | None = None,
) -> RunSummary:
    """Extract every new or changed file under ``paths`` and write the tables to ``out_dir``.

    ``on_start(files, to_extract)`` is called once the work is known, ``on_result`` for
    every document extracted in this run (in completion order). Raises
    :class:`~pipeline.lock.RunLocked` when another run holds ``out_dir``, ``ValueError`` for
    inconsistent options.
    """
    options = options or RunOptions()
    if options.executor not in EXECUTORS:
        raise ValueError(f"unknown executor {options.executor!r}; known: {', '.join(EXECUTORS)}")
    if options.executor == "dask" and not options.scheduler:
        raise ValueError("the dask executor needs the scheduler's address (tcp://HOST:PORT)")
    if options.workers is not None and options.workers < 0:
        raise ValueError("workers must be 0 (in this process) or more")
    out_dir = Path(out_dir).resolve()
    with run_lock(out_dir):
        return _run_locked(list(paths), out_dir, on_result, nlp, options, on_start)


def _run_locked(
    paths: list[Path],
    out_dir: Path,
    on_result: Callable[[DocumentResult], None] | None,
    nlp: Language | None,
    options: RunOptions,
    on_start: Callable[[int, int], None] | None,
) -> RunSummary:
    clock = time.perf_counter()
    recovered = recover(out_dir)
    versions = extractor_version(), backend_version(), code_version(), ner_version()  # once
    workers = options.workers
    if workers is None:
        workers = 0 if nlp is not None else default_workers()
    report = RunReport(
        str(out_dir), versions[0], versions[1], options.executor, workers, options.full
    )
    report.recovered_publish = recovered
    if options.executor == "local" and (slow := spacy_notice()):  # Dask workers are elsewhere
        report.notices.append(slow)
    cache_dir = Path(options.cache_dir or state_dir(out_dir) / "cache").resolve()
    manifest = Manifest(out_dir / MANIFEST_NAME)
    try:
        files = scan(paths, out_dir)
        entries = manifest.entries()
        tasks, reused = _plan(
            files, entries, versions[0], options, cache_dir, versions[1], versions[3]
        )
        report.files, report.skipped_unchanged = len(files), len(reused)
        report.durations["scan"] = time.perf_counter() - clock
        if on_start:
            on_start(len(files), len(tasks))

        started = time.perf_counter()
        fresh = _execute(
            tasks, files, manifest, versions[0], options, workers, nlp, report, on_result
        )
        report.durations["extract"] = time.perf_counter() - started

        started = time.perf_counter()
        keys = [f.key for f in files]
        vanished = set(entries) - set(keys)  # the run recorded only files it found
        manifest.remove(vanished)
        manifest.commit()
        entries = manifest.entries()
        report.removed = len(vanished)
        stored = manifest.results(k for k in keys if k not in fresh)
        results = [fresh.get(k) or stored[k] for k in keys]
        report.published = _publish_if_changed(
            results, keys, entries, manifest, out_dir, versions[2], options
        )
        manifest.commit()
        report.durations["publish"] = time.perf_counter() - started

        if options.use_cache and options.cache_dir is None and (fresh or vanished):
            shas = {e.sha256 for e in entries.values() if e.sha256}
            DocumentCache(cache_dir, versions[1]).prune(shas)
            NerCache(cache_dir, versions[3]).prune(shas)
    finally:
        manifest.close()
    report.durations["total"] = time.perf_counter() - clock
    report.finish(results, set(fresh))
    write_report(report, out_dir)
    return RunSummary(results, out_dir, report.to_dict())


def _plan(
    files: list[SourceFile],
    entries: dict,
    version: str,
    options: RunOptions,
    cache_dir: Path,
    backend: str,
    ner: str,
) -> tuple[list[Task], list[str]]:
    """Tasks for new, changed and retried files; keys of files whose stored rows stand."""
    tasks, reused = [], []
    cache = str(cache_dir) if options.use_cache else None
    for f in files:
        entry = entries.get(f.key)
        current = (
            entry is not None
            and not options.full
            and not entry.retry
            and entry.extractor_version == version
            and entry.relative == f.relative
        )
        if current and f.size is not None and (entry.size, entry.mtime_ns) == (f.size, f.mtime_ns):
            reused.append(f.key)
            continue
        known = entry.sha256 if current else None
        tasks.append(Task(f.key, f.relative, known, cache, backend, ner))
    return tasks, reused


def _execute(
    tasks: list[Task],
    files: list[SourceFile],
    manifest: Manifest,
    version: str,
    options: RunOptions,
    workers: int,
    nlp: Language | None,
    report: RunReport,
    on_result: Callable[[DocumentResult], None] | None,
) -> dict[str, DocumentResult]:
    """Run the tasks, committing each answer to the manifest; returns the new results."""
    by_key = {f.key: f for f in files}
    fresh: dict[str, DocumentResult] = {}
    last_commit = time.monotonic()
    with contextlib.closing(_outcomes(tasks, options, workers, nlp)) as outcomes:
        for outcome in outcomes:
            f = by_key[outcome.source_path]
            if outcome.result is None:  # touched, not changed
                manifest.touch(f.key, f.size, f.mtime_ns)
            else:
                manifest.record(
                    f.key, f.relative, f.size, f.mtime_ns, version, outcome.result, outcome.retry
                )
                fresh[f.key] = outcome.result
            report.add_outcome(outcome)
            if time.monotonic() - last_commit >= COMMIT_EVERY_S:
                manifest.commit()
                last_commit = time.monotonic()
            if on_result and outcome.result is not None:
                on_result(outcome.result)
    manifest.commit()
    return fresh


def _outcomes(
    tasks: list[Task], options: RunOptions, workers: int, nlp: Language | None
) -> Iterator[Outcome]:
    """A generator, so closing it (an error, Ctrl-C) stops the workers."""
    if not tasks:
        return
    if options.executor == "dask":
        yield from run_dask(tasks, options.scheduler, options.timeout)
    elif workers == 0:
        from pipeline.nlp import load_nlp

        yield from run_inline(tasks, nlp or load_nlp())
    else:
        pool = LocalPool(min(workers, len(tasks)), options.timeout, options.memory_limit_mb)
        yield from pool.map(tasks)


def _publish_if_changed(
    results: list[DocumentResult],
    keys: list[str],
    entries: dict,
    manifest: Manifest,
    out_dir: Path,
    code: str,
    options: RunOptions,
) -> bool:
    """Rebuild and publish the tables unless exactly these tables are already in place."""
    roster = [entry for path in options.roster for entry in read_roster(Path(path))]
    settings = f"{code}\0{','.join(options.csv_dialects)}\0{','.join(options.redact)}"
    settings += f"\0{roster!r}"
    digest = hashlib.sha256(settings.encode())
    for key in keys:
        entry = f"\0{key}\0{entries[key].result_digest}"
        digest.update(entry.encode("utf-8", "surrogateescape"))  # file names need not be UTF-8
    published = json.loads(manifest.get_meta("published_files") or "[]")
    if (
        manifest.get_meta("published_digest") == digest.hexdigest()
        and published
        and all((out_dir / name).exists() for name in published)
    ):
        return False
    tables: dict[str, list[dict]] = {"documents": [r.row for r in results]}
    for name in TABLES:
        if name != "documents":
            tables[name] = [row for r in results for row in r.tables.get(name, [])]
    resolve_persons(tables)  # before the series: they group by responsible_person_id
    link_action_series(tables["meetings"], tables["actions"])
    tables["persons"] = persons_table(tables, roster)
    tables["item_attendance"] = item_attendance_rows(tables)  # after the person ids
    if options.redact:
        from pipeline.redact import redact_tables

        redact_tables(tables, options.redact)
    files = publish(tables, out_dir, options.csv_dialects)
    manifest.set_meta("published_digest", digest.hexdigest())
    manifest.set_meta("published_files", json.dumps(files))
    return True
