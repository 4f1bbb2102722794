"""The ``protokoll`` command line: a thin click layer over the library API."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
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
def run(paths: tuple[Path, ...], out_dir: Path, csv_dialects: tuple[str, ...]) -> None:
    """Extract every file under PATHS (folders are searched recursively).

    Each file's format is detected from its content. A file that cannot be read becomes a
    `documents` row with status `failed` and the reason; the rest of the batch goes on.
    Writes one Parquet and one CSV file per table and datapackage.json to OUTDIR.

    Exit code: 0 when every document was read, 1 when any failed.

    \b
    Examples:
      protokoll run data/raw
      protokoll run minutes/2016 minutes/2017 -o out/
      protokoll run data/raw --csv-dialect excel-sv   # + data/processed/excel-sv/*.csv
    """
    from pipeline.export import write_csv_dialects
    from pipeline.run import run as run_batch

    def report(result) -> None:
        row = result.row
        sizes = ", ".join(f"{len(v)} {k}" for k, v in result.tables.items() if k != "meetings")
        detail = row["error"] if row["status"] != "ok" else sizes
        color = {"ok": "green", "partial": "yellow", "failed": "red"}[row["status"]]
        click.echo(
            f"{click.style(row['status'].upper().ljust(7), fg=color)} "
            f"{row['source_path']} [{row['source_format'] or '?'}]: {detail}"
        )

    summary = run_batch(list(paths), out_dir, on_result=report)
    write_csv_dialects(out_dir, csv_dialects)
    counts = summary.counts
    sizes = ", ".join(f"{n} {name}" for name, n in summary.table_sizes.items())
    click.echo(
        f"{len(summary.results)} documents: {counts['ok']} ok, {counts['partial']} partial, "
        f"{counts['failed']} failed. Tables in {out_dir}: {sizes}."
    )
    sys.exit(1 if counts["failed"] else 0)


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
    """Build the spaCy model folder from pipeline/nlp/config.cfg and the reference data.

    \b
    Examples:
      protokoll build-model                    # writes models/sv_protokoll_rules
      python -c "import spacy; spacy.load('models/sv_protokoll_rules')"
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
def query_command(sql: str, out_dir: Path, fmt: str) -> None:
    """Run SQL (DuckDB) over the tables in OUTDIR, each a view under its own name.

    Views: documents, meetings, attendees, agenda_items, decisions, actions, attachments
    (columns: `protokoll schema`). fold(text) gives the form names and text are compared
    in: no case, diacritics, spaces or punctuation ('Vännäs kommun' -> 'vannaskommun').

    \b
    Examples:
      protokoll query "SELECT body, count(*) AS meetings FROM meetings GROUP BY body"
      protokoll query "SELECT title FROM agenda_items WHERE fold(text) LIKE '%aterkrav%'"
      protokoll query "SELECT * FROM actions WHERE due_date < DATE '2016-04-01'" --format csv
    """
    from pipeline.query import run_query

    _answer(lambda: run_query(sql, out_dir), fmt)


@main.command(name="decisions")
@click.option("--search", help="Text in the decision or its item's title (any case, å/ä/ö).")
@click.option("--since", type=ISO_DATE, help="Meetings on or after this date.")
@click.option("--until", type=ISO_DATE, help="Meetings on or before this date.")
@click.option("--body", help="Meeting body, e.g. Kommunchefsgruppen (any case, å/ä/ö).")
@click.option("--type", "decision_type", help="decision_type: values in `protokoll schema`.")
@OUT_OPTION
@FORMAT_OPTION
def decisions_command(
    search: str | None,
    since: datetime | None,
    until: datetime | None,
    body: str | None,
    decision_type: str | None,
    out_dir: Path,
    fmt: str,
) -> None:
    """Decisions (BESLUT) with date, body, agenda item and where they stand in the source.

    \b
    Examples:
      protokoll decisions --search medfinansiering
      protokoll decisions --since 2016-01-01 --until 2016-06-30 --body kommunchefsgruppen
      protokoll decisions --type reject --format csv > rejected.csv
    """
    from pipeline import questions

    _answer(
        lambda: questions.decisions(
            out_dir,
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
def actions_command(
    overdue: bool,
    today: datetime | None,
    responsible: str | None,
    municipality: str | None,
    due_before: datetime | None,
    out_dir: Path,
    fmt: str,
) -> None:
    """Actions (ÅTGÄRDER) by responsible: task, due date, municipality and action series.

    `appearances` counts the meetings an action series came up in and `last_seen` is the
    latest of them; an overdue action is one whose latest appearance is past due.

    \b
    Examples:
      protokoll actions --overdue --today 2016-04-01
      protokoll actions --responsible Lisa
      protokoll actions --municipality vannas --format json
    """
    from pipeline import questions

    _answer(
        lambda: questions.actions(
            out_dir,
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
def person_command(name: str, out_dir: Path, fmt: str) -> None:
    """One person: attendance, actions assigned, and decisions that name them.

    NAME is a full name as canonical or as written, or a first name only one person has.
    Decisions count when they name the person in full or by surname.

    \b
    Examples:
      protokoll person "Lisa Andersson Lindberg"
      protokoll person "Helen SundstromHetta"
      protokoll person Jonas --format json
    """
    from pipeline import questions

    _answer(lambda: questions.person(name, out_dir), fmt, parts=True)


@main.command(name="meetings")
@click.option("--body", help="Meeting body, e.g. Kommunchefsgruppen (any case, å/ä/ö).")
@OUT_OPTION
@FORMAT_OPTION
def meetings_command(body: str | None, out_dir: Path, fmt: str) -> None:
    """Meetings with time, place, attendance counts and how many items, decisions, actions.

    \b
    Examples:
      protokoll meetings
      protokoll meetings --body kommunchefsgruppen --format csv
    """
    from pipeline import questions

    _answer(lambda: questions.meetings(out_dir, body=body), fmt)


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
    help="SQLite file to build and serve.  [default: OUTDIR/protokoll.db]",
)
@click.pass_context
def serve_command(
    ctx: click.Context, out_dir: Path, port: int, host: str, db_path: Path | None
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
    """
    from click.core import ParameterSource

    from pipeline.serve import PublicHostError, is_loopback, serve

    explicit_host = ctx.get_parameter_source("host") is ParameterSource.COMMANDLINE

    def ready(db: Path, url: str) -> None:
        click.echo(f"Serving {db} at {url} (Ctrl-C to stop)")
        if not is_loopback(host):
            click.secho(f"Warning: {host} is reachable from other machines.", fg="yellow")

    try:
        serve(out_dir, host, port, db_path, allow_public=explicit_host, on_ready=ready)
    except (PublicHostError, FileNotFoundError) as exc:
        raise click.ClickException(str(exc)) from exc
