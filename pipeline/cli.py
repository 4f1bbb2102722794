"""The ``protokoll`` command line: a thin click layer over the library API."""

from __future__ import annotations

import json
import sys
from pathlib import Path

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
def run(paths: tuple[Path, ...], out_dir: Path) -> None:
    """Extract every file under PATHS (folders are searched recursively).

    Each file's format is detected from its content. A file that cannot be read becomes a
    `documents` row with status `failed` and the reason; the rest of the batch goes on.
    Writes one Parquet and one CSV file per table to OUTDIR.

    Exit code: 0 when every document was read, 1 when any failed.

    \b
    Examples:
      protokoll run data/raw
      protokoll run minutes/2016 minutes/2017 -o out/
    """
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
