"""What ``protokoll run`` shows while it works.

On a terminal: a progress bar with an ETA (rich), and a line for each document that failed
or is partial. Otherwise (cron, systemd, a pipe): one plain line per document extracted,
in the format scripts and tests parse (``OK      path [format]: 8 attendees, ...``).
"""

from __future__ import annotations

import sys
from types import TracebackType

import click

from pipeline.process import DocumentResult, printable

COLORS = {"ok": "green", "partial": "yellow", "failed": "red"}


def document_line(result: DocumentResult) -> tuple[str, str]:
    """(status label padded to 7, the rest of the line) for one document."""
    row = result.row
    sizes = ", ".join(f"{len(v)} {k}" for k, v in result.tables.items() if k != "meetings")
    detail = row["error"] if row["status"] != "ok" else sizes
    where = f"{printable(row['source_path'])} [{row['source_format'] or '?'}]"
    return row["status"].upper().ljust(7), f"{where}: {detail}"


class PlainLines:
    """One line per document, as it finishes."""

    def __enter__(self) -> PlainLines:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def start(self, files: int, to_extract: int) -> None:
        return None

    def result(self, result: DocumentResult) -> None:
        label, text = document_line(result)
        click.echo(f"{click.style(label, fg=COLORS[result.status])} {text}")


class ProgressBar:
    """A rich progress bar with ETA; documents that are not ok are printed above it."""

    def __init__(self) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("elapsed"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            transient=True,
        )
        self._task = None

    def __enter__(self) -> ProgressBar:
        self._progress.__enter__()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._progress.__exit__(kind, value, tb)

    def start(self, files: int, to_extract: int) -> None:
        unchanged = files - to_extract
        self._progress.console.print(
            f"{files} files: {to_extract} to extract, {unchanged} unchanged since the last run"
        )
        self._task = self._progress.add_task("extracting", total=to_extract)

    def result(self, result: DocumentResult) -> None:
        if result.status != "ok":
            from rich.text import Text

            label, text = document_line(result)  # Text: a path's "[...]" is not markup
            line = Text.assemble((label, COLORS[result.status]), " ", text)
            self._progress.console.print(line, highlight=False)
        if self._task is not None:
            self._progress.advance(self._task)


def display() -> PlainLines | ProgressBar:
    """A progress bar on a terminal, plain lines otherwise."""
    return ProgressBar() if sys.stdout.isatty() else PlainLines()
