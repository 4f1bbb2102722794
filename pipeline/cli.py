"""The ``protokoll`` command line: a thin click layer over the library API."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from pipeline import __version__

DEFAULT_OUT = Path("data/processed")
OUT_OPTION = click.option(
    "-o",
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_OUT,
    show_default=True,
    help="Output folder for the tables.",
)
REDACT_HELP = (
    "Replace personal data in every text column with a marker: comma-separated email, "
    "phone, personnummer (Luhn-checked), names (non-attendees only), or all."
)
REDACT_OPTION = click.option(
    "--redact",
    default="",
    metavar="KINDS",
    help=REDACT_HELP + " The tables in OUTDIR are not changed.",
)


@click.group()
@click.version_option(__version__, prog_name="protokoll")
def main() -> None:
    """protokoll: Swedish meeting minutes into clean, queryable tables.

    \b
    Examples:
      protokoll run data/raw                   # extract a folder into data/processed
      protokoll run archive/ -o out/           # another output folder
      protokoll eval tests/gold                # precision/recall/F1 against gold files
    """


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@OUT_OPTION
@click.option(
    "--csv-dialect",
    "csv_dialects",
    multiple=True,
    type=click.Choice(["utf8", "excel-sv"]),
    help="Also write the CSV files in this dialect (repeatable). excel-sv: ';'-separated, "
    "UTF-8 with BOM, CRLF, in OUTDIR/excel-sv/: opens in Swedish Excel by double-click.",
)
@click.option("--full", is_flag=True, help="Extract every file again, changed or not.")
@click.option(
    "--workers",
    type=click.IntRange(min=0),
    help="Worker processes  [default: one per core]. 0: in this process (no timeout or cap).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=120,
    show_default=True,
    help="Seconds one document may take; then its worker is killed and the document fails.",
)
@click.option(
    "--memory-limit",
    "memory_limit_mb",
    type=click.IntRange(min=0),
    default=2048,
    show_default=True,
    help="Address space per worker in MB (0: none); a document over it fails.",
)
@click.option(
    "--executor",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="local: worker processes on this machine; dask: a Dask cluster (--scheduler).",
)
@click.option("--scheduler", help="Dask scheduler address for --executor dask: tcp://HOST:PORT.")
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Cache of parsed documents  [default: OUTDIR/.state/cache].",
)
@click.option(
    "--redact",
    default="",
    metavar="KINDS",
    help="Replace personal data in every text column with a marker: comma-separated email, "
    "phone, personnummer (Luhn-checked), names (non-attendees only), or all. Counts per "
    "document go to documents.redactions.",
)
@click.option(
    "--roster",
    "rosters",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A roster (CSV name,municipality,email,role, or a group's web page as text) for the "
    "persons table; repeatable.",
)
def run(
    paths: tuple[Path, ...],
    out_dir: Path,
    csv_dialects: tuple[str, ...],
    full: bool,
    workers: int | None,
    timeout: float,
    memory_limit_mb: int,
    executor: str,
    scheduler: str | None,
    cache_dir: Path | None,
    redact: str,
    rosters: tuple[Path, ...],
) -> None:
    """Extract every new or changed file under PATHS (folders are searched recursively).

    Each file's format is detected from its content. A file that cannot be read becomes a
    `documents` row with status `failed` and the reason; the rest of the batch goes on.
    Writes one Parquet and one CSV file per table and datapackage.json to OUTDIR, and
    OUTDIR/run_report.json. Runs are incremental: OUTDIR/manifest.sqlite remembers every
    file, so a file unchanged since the last run (same size and mtime, same extractor
    version) is not read again; --full reads everything again.

    \b
    Exit codes (for cron and systemd, see docs/operations.md):
      0  every document was read
      1  some documents failed (or the run could not finish: message on stderr)
      2  usage error
      3  another run holds the lock on OUTDIR

    \b
    Examples:
      protokoll run data/raw
      protokoll run minutes/2016 minutes/2017 -o out/
      protokoll run data/raw --csv-dialect excel-sv   # + data/processed/excel-sv/*.csv
      protokoll run data/raw --redact email,phone,personnummer   # tables published redacted
      protokoll run data/raw --roster ../shared/corpus/kommunchefsgruppen.txt
      protokoll run /archive -o /srv/protokoll --workers 8 --timeout 300
      protokoll run /archive -o /srv/protokoll --executor dask --scheduler tcp://10.0.0.5:8786
    """
    from pipeline.executors import WorkerStartError
    from pipeline.lock import RunLocked
    from pipeline.progress import display
    from pipeline.run import RunOptions
    from pipeline.run import run as run_batch

    if executor == "dask" and not scheduler:
        raise click.UsageError("--executor dask needs --scheduler tcp://HOST:PORT")
    if scheduler and executor != "dask":
        raise click.UsageError("--scheduler is for --executor dask")
    options = RunOptions(
        workers=workers,
        full=full,
        executor=executor,
        scheduler=scheduler,
        timeout=timeout,
        memory_limit_mb=memory_limit_mb,
        cache_dir=cache_dir,
        csv_dialects=("utf8", *csv_dialects),
        **_redact_option(redact, RunOptions),
        roster=tuple(str(p) for p in rosters),
    )
    try:
        with display() as shown:
            summary = run_batch(
                list(paths), out_dir, on_result=shown.result, options=options, on_start=shown.start
            )
    except RunLocked as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(3)
    except (WorkerStartError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    except KeyboardInterrupt:
        click.echo("Interrupted: finished documents are kept for the next run.", err=True)
        sys.exit(130)
    counts = summary.counts
    sizes = ", ".join(f"{n} {name}" for name, n in summary.table_sizes.items())
    click.echo(
        f"{len(summary.results)} documents: {counts['ok']} ok, {counts['partial']} partial, "
        f"{counts['failed']} failed. Tables in {out_dir}: {sizes}."
    )
    r = summary.report
    speed = f" ({r['pages_per_second']} pages/s)" if r["pages_per_second"] else ""
    click.echo(
        f"Extracted {r['extracted']} ({r['cache_hits']} from the parse cache), "
        f"{r['skipped_unchanged'] + r['unchanged_after_hash']} unchanged, "
        f"{r['removed']} removed; {r['pages']['extracted']} pages in "
        f"{r['durations_s']['extract']:.1f} s{speed}. Report: {out_dir / 'run_report.json'}"
    )
    for notice in r.get("notices", []):
        click.echo(f"Note: {notice}", err=True)
    sys.exit(1 if counts["failed"] else 0)


def _redact_option(redact: str, options_class: type) -> dict:
    """``--redact`` as RunOptions keyword arguments (none when not asked)."""
    import dataclasses

    kinds = _redact_kinds(redact)
    if not kinds:
        return {}
    if "redact" not in {f.name for f in dataclasses.fields(options_class)}:
        raise click.UsageError("--redact: this batch runner does not apply redaction yet")
    return {"redact": kinds}


def _redact_kinds(redact: str) -> tuple[str, ...]:
    """``--redact email,phone`` as the kinds of pipeline.redact, in their order."""
    from pipeline.redact import KINDS, parse_kinds

    try:
        asked = parse_kinds(redact)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--redact") from exc
    return tuple(k for k in KINDS if k in asked)


@contextlib.contextmanager
def _tables_folder(out_dir: Path, redact: str) -> Iterator[Path]:
    """OUTDIR, or with --redact a redacted copy of its tables (pipeline/redacted_copy.py)."""
    kinds = _redact_kinds(redact)
    if not kinds:
        yield out_dir
        return
    from pipeline.redacted_copy import redacted_tables_folder

    try:
        with redacted_tables_folder(out_dir, kinds) as folder:
            yield folder
    except FileNotFoundError as exc:
        raise click.UsageError(str(exc)) from exc


@main.command(name="eval")
@click.argument("gold_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@OUT_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option("--show-errors", is_flag=True, help="List the missed and spurious records.")
def eval_command(gold_dir: Path, out_dir: Path, as_json: bool, show_errors: bool) -> None:
    """Compare extracted tables in OUTDIR with the gold files in GOLD_DIR.

    Prints precision, recall and F1 per table, per document and overall. A record counts
    as found only when every compared field equals the gold record's.

    \b
    Examples:
      protokoll run data/raw && protokoll eval tests/gold
      protokoll eval tests/gold -o out/ --json
    """
    from pipeline.evaluate import evaluate

    try:
        result = evaluate(gold_dir, out_dir)
    except FileNotFoundError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        payload = {
            doc: {t: _score_dict(s) for t, s in scores.items()}
            for doc, scores in result.per_document.items()
        }
        payload["overall"] = {t: _score_dict(s) for t, s in result.overall.items()}
        payload["missing_documents"] = result.missing_documents
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    for doc, scores in [*result.per_document.items(), ("OVERALL", result.overall)]:
        click.echo(doc)
        click.echo(f"  {'table':<14}{'gold':>6}{'found':>7}{'P':>7}{'R':>7}{'F1':>7}")
        for table, s in scores.items():
            click.echo(
                f"  {table:<14}{s.gold:>6}{s.extracted:>7}"
                f"{s.precision:>7.2f}{s.recall:>7.2f}{s.f1:>7.2f}"
            )
            if show_errors:
                for record in s.missed:
                    click.echo(f"      missed:   {record}")
                for record in s.spurious:
                    click.echo(f"      spurious: {record}")
    for name in result.missing_documents:
        click.echo(f"no extracted document for gold file of {name}", err=True)


def _score_dict(s) -> dict:
    return {
        "gold": s.gold,
        "extracted": s.extracted,
        "precision": round(s.precision, 4),
        "recall": round(s.recall, 4),
        "f1": round(s.f1, 4),
    }


@main.command(name="build-model")
@click.argument("path", required=False, type=click.Path(file_okay=False, path_type=Path))
def build_model_command(path: Path | None) -> None:
    """Rebuild the spaCy model folder from pipeline/nlp/config.cfg and the reference data.

    The trained NER is taken from the shipped model (train it with `protokoll train`).

    \b
    Examples:
      protokoll build-model                    # rewrites models/sv_protokoll
      python -c "import spacy; spacy.load('models/sv_protokoll')"
    """
    from pipeline.nlp import MODEL_DIR, build_model

    written = build_model(path or MODEL_DIR)
    click.echo(f"model written to {written}")


@main.command()
def schema() -> None:
    """Print the data dictionary (every table and column) as Markdown.

    \b
    Example:
      protokoll schema > docs/data_dictionary.md
    """
    from pipeline.schema import data_dictionary_markdown

    click.echo(data_dictionary_markdown())


# --- analysts' questions (query, decisions, actions, person, meetings) ---

FORMAT_OPTION = click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="table: aligned, long text cut to fit; csv and json: complete.",
)
ISO_DATE = click.DateTime(formats=["%Y-%m-%d"])


def _answer(ask: Callable[[], Any], fmt: str, parts: bool = False) -> None:
    """Call a question and print its answer; library errors become clear CLI errors."""
    import duckdb

    from pipeline.query import TablesError, render, render_parts
    from pipeline.questions import AmbiguousName, UnknownPerson

    try:
        answer = ask()
    except (TablesError, AmbiguousName, ValueError) as exc:
        raise click.UsageError(str(exc)) from exc
    except (UnknownPerson, duckdb.Error) as exc:
        raise click.ClickException(str(exc)) from exc
    text = render_parts(answer, fmt) if parts else render(answer, fmt)
    click.echo(text.rstrip("\n"))


@main.command(name="query")
@click.argument("sql")
@OUT_OPTION
@FORMAT_OPTION
@REDACT_OPTION
def query_command(sql: str, out_dir: Path, fmt: str, redact: str) -> None:
    """Run SQL (DuckDB) over the tables in OUTDIR, each a view under its own name.

    Views: documents, meetings, attendees, agenda_items, decisions, actions, attachments
    (columns: `protokoll schema`). fold(text) gives the form names and text are compared
    in: no case, diacritics, spaces or punctuation ('Vännäs kommun' -> 'vannaskommun').

    \b
    Examples:
      protokoll query "SELECT body, count(*) AS meetings FROM meetings GROUP BY body"
      protokoll query "SELECT title FROM agenda_items WHERE fold(text) LIKE '%aterkrav%'"
      protokoll query "SELECT * FROM actions WHERE due_date < DATE '2016-04-01'" --format csv
      protokoll query "SELECT task FROM actions" --redact email,phone --format csv
    """
    from pipeline.query import run_query

    with _tables_folder(out_dir, redact) as folder:
        _answer(lambda: run_query(sql, folder), fmt)


@main.command(name="decisions")
@click.option("--search", help="Text in the decision or its item's title (any case, å/ä/ö).")
@click.option("--since", type=ISO_DATE, help="Meetings on or after this date.")
@click.option("--until", type=ISO_DATE, help="Meetings on or before this date.")
@click.option("--body", help="Meeting body, e.g. Kommunchefsgruppen (any case, å/ä/ö).")
@click.option("--type", "decision_type", help="decision_type: values in `protokoll schema`.")
@OUT_OPTION
@FORMAT_OPTION
@REDACT_OPTION
def decisions_command(
    search: str | None,
    since: datetime | None,
    until: datetime | None,
    body: str | None,
    decision_type: str | None,
    out_dir: Path,
    fmt: str,
    redact: str,
) -> None:
    """Decisions (BESLUT) with date, body, agenda item and where they stand in the source.

    \b
    Examples:
      protokoll decisions --search medfinansiering
      protokoll decisions --since 2016-01-01 --until 2016-06-30 --body kommunchefsgruppen
      protokoll decisions --type reject --format csv > rejected.csv
      protokoll decisions --format csv --redact all > decisions.csv   # for sharing
    """
    from pipeline import questions

    with _tables_folder(out_dir, redact) as folder:
        _answer(
            lambda: questions.decisions(
                folder,
                search=search,
                since=since,
                until=until,
                body=body,
                decision_type=decision_type,
            ),
            fmt,
        )


@main.command(name="actions")
@click.option("--overdue", is_flag=True, help="Due before TODAY and not brought up again since.")
@click.option("--today", type=ISO_DATE, help="The date --overdue counts from [default: today].")
@click.option("--responsible", help="Full name as canonical or written, or a unique first name.")
@click.option("--municipality", help="The responsible's municipality: Vännäs, 'Vännäs kommun'.")
@click.option("--due-before", type=ISO_DATE, help="Due date before this date.")
@OUT_OPTION
@FORMAT_OPTION
@REDACT_OPTION
def actions_command(
    overdue: bool,
    today: datetime | None,
    responsible: str | None,
    municipality: str | None,
    due_before: datetime | None,
    out_dir: Path,
    fmt: str,
    redact: str,
) -> None:
    """Actions (ÅTGÄRDER) by responsible: task, due date, municipality and action series.

    `appearances` counts the meetings an action series came up in and `last_seen` is the
    latest of them; an overdue action is one whose latest appearance is past due.

    \b
    Examples:
      protokoll actions --overdue --today 2016-04-01
      protokoll actions --responsible Lisa
      protokoll actions --municipality vannas --format json
      protokoll actions --overdue --redact email,phone --format csv > overdue.csv
    """
    from pipeline import questions

    with _tables_folder(out_dir, redact) as folder:
        _answer(
            lambda: questions.actions(
                folder,
                overdue=overdue,
                today=today,
                responsible=responsible,
                municipality=municipality,
                due_before=due_before,
            ),
            fmt,
        )


@main.command(name="person")
@click.argument("name")
@OUT_OPTION
@FORMAT_OPTION
@REDACT_OPTION
def person_command(name: str, out_dir: Path, fmt: str, redact: str) -> None:
    """One person: attendance, actions assigned, and decisions that name them.

    NAME is a full name as canonical or as written, or a first name only one person has.
    Decisions count when they name the person in full or by surname.

    \b
    Examples:
      protokoll person "Lisa Andersson Lindberg"
      protokoll person "Helen SundstromHetta"
      protokoll person Jonas --format json
      protokoll person Jonas --redact email,phone,personnummer
    """
    from pipeline import questions

    with _tables_folder(out_dir, redact) as folder:
        _answer(lambda: questions.person(name, folder), fmt, parts=True)


@main.command(name="meetings")
@click.option("--body", help="Meeting body, e.g. Kommunchefsgruppen (any case, å/ä/ö).")
@OUT_OPTION
@FORMAT_OPTION
@REDACT_OPTION
def meetings_command(body: str | None, out_dir: Path, fmt: str, redact: str) -> None:
    """Meetings with time, place, attendance counts and how many items, decisions, actions.

    \b
    Examples:
      protokoll meetings
      protokoll meetings --body kommunchefsgruppen --format csv
      protokoll meetings --format csv --redact all
    """
    from pipeline import questions

    with _tables_folder(out_dir, redact) as folder:
        _answer(lambda: questions.meetings(folder, body=body), fmt)


# --- browser UI ---


@main.command(name="serve")
@OUT_OPTION
@click.option("--port", type=int, default=8001, show_default=True, help="Port to listen on.")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to bind. Anything but loopback makes the personal data in the tables "
    "reachable from other machines: only done when you pass --host explicitly.",
)
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="SQLite file to build and serve.  [default: OUTDIR/protokoll.db; with --redact "
    "OUTDIR/protokoll-redacted.db]",
)
@click.option(
    "--redact",
    default="",
    metavar="KINDS",
    help=REDACT_HELP + " Applied to the database served; the tables in OUTDIR stay as they are.",
)
@click.pass_context
def serve_command(
    ctx: click.Context, out_dir: Path, port: int, host: str, db_path: Path | None, redact: str
) -> None:
    """Browse and search the tables in OUTDIR in a web browser (Datasette).

    Builds a SQLite database from OUTDIR's Parquet files (full-text search over decisions,
    actions and agenda items; the view decisions_with_meeting with facets on body, date and
    decision type; canned queries for the common questions) and serves it until Ctrl-C.

    \b
    Examples:
      protokoll run data/raw && protokoll serve   # then open http://127.0.0.1:8001/
      protokoll serve -o out/ --port 8080
      protokoll serve -o /archive/tables --db data/processed/archive.db   # read-only OUTDIR
      protokoll serve --redact email,phone,personnummer   # serves OUTDIR/protokoll-redacted.db
      protokoll serve -o out/ --redact all --db /tmp/protokoll-share.db
    """
    from click.core import ParameterSource

    from pipeline.serve import PublicHostError, is_loopback, serve

    explicit_host = ctx.get_parameter_source("host") is ParameterSource.COMMANDLINE

    def ready(db: Path, url: str) -> None:
        click.echo(f"Serving {db} at {url} (Ctrl-C to stop)")
        if not is_loopback(host):
            click.secho(f"Warning: {host} is reachable from other machines.", fg="yellow")

    kinds = _redact_kinds(redact)
    try:
        serve(
            out_dir, host, port, db_path, allow_public=explicit_host, on_ready=ready, redact=kinds
        )
    except (PublicHostError, FileNotFoundError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc


@main.command(name="export")
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
@OUT_OPTION
@click.option(
    "--csv-dialect",
    "csv_dialects",
    multiple=True,
    type=click.Choice(["utf8", "excel-sv"]),
    help="Also write the CSV files in this dialect (repeatable), as for `protokoll run`.",
)
@click.option(
    "--redact",
    default="",
    metavar="KINDS",
    help=REDACT_HELP + " Counts per document go to documents.redactions in DEST.",
)
def export_command(dest: Path, out_dir: Path, csv_dialects: tuple[str, ...], redact: str) -> None:
    """Write a copy of the tables in OUTDIR to DEST, with personal data redacted on request.

    DEST gets what a run writes: one Parquet and one UTF-8 CSV file per table,
    datapackage.json (its description says what was redacted) and the CSV dialects asked
    for. OUTDIR is not changed, so the same run can be shared redacted and kept whole;
    DEST may not be OUTDIR or another run's output folder. Redaction is the one of
    `protokoll run --redact` (same markers, personnummer only with a valid Luhn digit,
    names only of people who are not attendees).

    \b
    Examples:
      protokoll export share/ --redact email,phone,personnummer
      protokoll export share/ --redact all --csv-dialect excel-sv
      protokoll export /srv/open-data -o /srv/protokoll --redact names,email,phone
    """
    from pipeline.export import export_tables

    kinds = _redact_kinds(redact)
    try:
        written = export_tables(out_dir, dest, ("utf8", *csv_dialects), redact=kinds)
    except FileNotFoundError as exc:
        raise click.ClickException(str(exc)) from exc
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    redacted = f", redacted: {', '.join(kinds)}" if kinds else ""
    click.echo(f"{len(written)} files written to {dest}{redacted}")


# --- NLP model ---


@main.command(name="train")
@click.argument("path", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--seed", default=None, type=int, help="Random seed (default: the shipped one).")
@click.option(
    "--max-steps", default=None, type=int, help="Training steps (default: pipeline/nlp/train.cfg)."
)
def train_command(path: Path | None, seed: int | None, max_steps: int | None) -> None:
    """Train the NER and write the model folder with it (default models/sv_protokoll).

    Generates training sentences from templates (Faker's sv_SE names, the project's
    municipalities and public bodies) with a fixed seed, adds the hand-annotated sentences of
    pipeline/data/ner_train.jsonl, trains on the CPU (under a minute) and writes the full
    pipeline with metrics.json: the scores on the hand-annotated evaluation set
    tests/nlp_eval/ner_eval.jsonl. Needs Faker (pip install -e '.[train]').

    \b
    Examples:
      protokoll train                          # rewrites models/sv_protokoll
      protokoll train /tmp/model --max-steps 200
    """
    from pipeline.nlp import MODEL_DIR
    from pipeline.nlp.train import SEED, train

    try:
        import faker  # noqa: F401
    except ImportError as exc:
        raise click.ClickException("training needs Faker: pip install -e '.[train]'") from exc
    metrics = train(path or MODEL_DIR, seed=SEED if seed is None else seed, max_steps=max_steps)
    evaluation = metrics.get("eval", {}).get("with_rules")
    click.echo(f"model written to {path or MODEL_DIR} in {metrics['training_seconds']} s")
    if evaluation:
        click.echo(
            f"NER on the hand-annotated set ({evaluation['sentences']} sentences): "
            f"P {evaluation['p']:.3f}  R {evaluation['r']:.3f}  F1 {evaluation['f']:.3f}"
        )
