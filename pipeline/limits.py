"""Per-document resource limits, and the checks that turn a hit into a clear error.

A nightly batch meets files nobody looked at: a 2,000-page scan, a zip bomb named .docx, a
50 MB "text export", a PDF page of 100,000 tiny characters. Each limit below bounds what one
document may cost; a document over a limit becomes a ``failed`` row whose error names the
limit and both numbers, e.g. ``limit exceeded: 2000 pages > max_pages 1000``, and the batch
goes on.

Every limit is configurable: the defaults below, overridden by an environment variable
``PROTOKOLL_<NAME>`` (``PROTOKOLL_MAX_PAGES=3000``), overridden by :func:`configure` or the
:func:`using` context manager in code. Environment variables reach worker processes too.

Who enforces what:

- the batch runner: ``max_seconds`` and ``max_memory_mb`` per document (it runs each
  document under a timeout and a memory cap), ``max_file_mb`` and :func:`check_regular_file`
  before a file is read;
- the backends: pages, characters, inflated size of zip containers (:func:`check_zip`),
  text size, pixels of a page rendered for OCR.
"""

from __future__ import annotations

import contextlib
import os
import stat
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, fields, replace
from pathlib import Path

from pipeline.errors import DocumentError

ENV_PREFIX = "PROTOKOLL_"
MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What one document may cost. Sizes in MB (MiB), times in seconds."""

    max_seconds: float = 300.0
    """Wall time to read and extract one document (enforced by the batch runner)."""
    max_memory_mb: int = 1024
    """Memory one document may use (enforced by the batch runner's worker cap)."""
    max_file_mb: float = 512.0
    """Size of any input file on disk."""
    max_text_mb: float = 20.0
    """Size of a text file (text export, HTML, RTF): real minutes are a few hundred KB."""
    max_pages: int = 1000
    """Pages in one document."""
    max_chars: int = 5_000_000
    """Characters of text in one document (about 1,500 dense pages)."""
    max_page_chars: int = 50_000
    """Characters on one page (a dense A4 page in 8 pt holds about 10,000)."""
    max_inflated_mb: float = 512.0
    """Uncompressed size of all members of a zip container (.docx, .odt), as declared."""
    max_zip_ratio: float = 200.0
    """Uncompressed/compressed size of one zip member larger than 1 MB (Word XML: ~10)."""
    max_zip_members: int = 10_000
    """Members in one zip container."""
    max_page_megapixels: float = 150.0
    """Pixels of one page rendered for OCR (A4 at 300 dpi: 8.7; A0 at 300 dpi: 140)."""


# Members smaller than this are never rejected for their compression ratio alone.
RATIO_MIN_BYTES = 1 * MB

_UNITS = {
    "max_seconds": "s",
    "max_memory_mb": "MB",
    "max_file_mb": "MB",
    "max_text_mb": "MB of text",
    "max_pages": "pages",
    "max_chars": "characters",
    "max_page_chars": "characters",
    "max_inflated_mb": "MB inflated",
    "max_zip_ratio": "times inflated",
    "max_zip_members": "zip members",
    "max_page_megapixels": "megapixels",
}


class LimitExceeded(DocumentError):
    """A document went over one of the :class:`Limits`; the message names the limit."""

    def __init__(self, limit: str, value: float | None, maximum: float, detail: str = "") -> None:
        self.limit, self.value, self.maximum = limit, value, maximum
        where = f" ({detail})" if detail else ""
        if value is None:  # the amount is not known, only that it went over
            amount = "more than"
        else:
            amount = f"{_number(value)} {_UNITS.get(limit, '')}".strip() + " >"
        super().__init__(f"limit exceeded: {amount} {limit} {_number(maximum)}{where}")


def _number(value: float) -> str:
    """121 -> '121', 121.04 -> '121', 50.25 -> '50.2': one decimal, none when it is 0."""
    text = f"{value:.1f}"
    return text.removesuffix(".0")


# -- configuration ---------------------------------------------------------------------------


def from_env(environ: dict[str, str] | None = None, base: Limits | None = None) -> Limits:
    """``base`` (the defaults) with every ``PROTOKOLL_<NAME>`` variable that is set applied.

    A value that is not a positive number is an error, not silently ignored: a typo in a
    limit must not switch the limit off.
    """
    environ = os.environ if environ is None else environ
    base = base or Limits()
    changes: dict[str, float] = {}
    for f in fields(Limits):
        raw = environ.get(ENV_PREFIX + f.name.upper())
        if raw is None or not raw.strip():
            continue
        try:
            value = float(raw)
        except ValueError:
            raise ValueError(f"{ENV_PREFIX}{f.name.upper()}={raw!r}: not a number") from None
        if value <= 0:
            raise ValueError(f"{ENV_PREFIX}{f.name.upper()}={raw!r}: must be > 0")
        changes[f.name] = int(value) if f.type in ("int", int) else value
    return replace(base, **changes)


_active: Limits | None = None


def current() -> Limits:
    """The limits in force: set by :func:`configure`, else the defaults with the environment."""
    global _active
    if _active is None:
        _active = from_env()
    return _active


def configure(limits: Limits | None = None, **changes: float) -> Limits:
    """Set the limits in force for this process (and workers forked from it).

    ``configure(max_pages=200)`` changes one limit of the current ones; ``configure(Limits())``
    sets all; ``configure()`` goes back to the defaults with the environment.
    """
    global _active
    base = limits or (current() if changes else from_env())
    _active = replace(base, **changes)
    return _active


@contextlib.contextmanager
def using(limits: Limits | None = None, **changes: float) -> Iterator[Limits]:
    """Limits in force inside a ``with`` block only (tests, one-off runs)."""
    global _active
    saved = _active
    try:
        yield configure(replace(limits or current(), **changes))
    finally:
        _active = saved


# -- checks ----------------------------------------------------------------------------------


def check(limit: str, value: float, detail: str = "", limits: Limits | None = None) -> None:
    """Raise :class:`LimitExceeded` when ``value`` is over the limit named ``limit``."""
    maximum = getattr(limits or current(), limit)
    if value > maximum:
        raise LimitExceeded(limit, value, maximum, detail)


def check_pages(pages: int, limits: Limits | None = None) -> None:
    """Before reading a paged document's pages: ``limit exceeded: 2000 pages > max_pages 1000``."""
    check("max_pages", pages, limits=limits)


def check_chars(chars: int, limits: Limits | None = None) -> None:
    """Characters of text read so far in one document."""
    check("max_chars", chars, limits=limits)


def check_page_chars(chars: int, page: int, limits: Limits | None = None) -> None:
    """Characters on one page (PDF: ``textpage.count_chars()``), before laying them out."""
    check("max_page_chars", chars, f"page {page}", limits=limits)


def check_page_pixels(
    width_px: float, height_px: float, page: int, limits: Limits | None = None
) -> None:
    """Before rendering a page for OCR: width x height in pixels at the chosen resolution."""
    check("max_page_megapixels", width_px * height_px / 1e6, f"page {page}", limits=limits)


def check_regular_file(path: Path) -> os.stat_result:
    """Refuse what is not a regular file before anything opens it.

    Opening a FIFO blocks until a writer comes (forever, in a batch); a link to
    ``/dev/zero`` or ``/dev/urandom`` never ends. Symbolic links are followed, so a link to
    a real file is read as that file; a link loop or a dangling link is an error.
    """
    try:
        st = path.stat()
    except OSError as exc:
        raise DocumentError(f"cannot read file: {exc.strerror or exc}") from None
    if not stat.S_ISREG(st.st_mode):
        raise DocumentError(f"not a regular file: {_file_kind(st.st_mode)}; nothing read")
    return st


def _file_kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    ):
        if test(mode):
            return name
    return "a special file"


def printable_path(path: Path | str) -> str:
    r"""A path as text that any writer accepts (UTF-8, one line), for rows, logs and ids.

    File names are bytes on Linux: one with invalid UTF-8 comes out of ``os.walk`` with lone
    surrogates, which UTF-8 encoders (Parquet, SQLite, hashing) refuse; a newline or a tab
    in a name breaks line-oriented output. Undecodable bytes become ``\xff`` and control
    characters ``\n``, ``\t``, ``\x1b``, ...; a backslash is kept as it is. A path that is
    clean text is returned unchanged.
    """
    text = os.fspath(path)
    if isinstance(text, bytes):
        text = os.fsdecode(text)
    out = []
    for ch in text:
        code = ord(ch)
        if 0xDC80 <= code <= 0xDCFF:  # a byte os.fsdecode could not decode
            out.append(f"\\x{code - 0xDC00:02x}")
        elif 0xD800 <= code <= 0xDFFF:
            out.append(f"\\u{code:04x}")
        elif ch.isprintable() or ch == " ":
            out.append(ch)
        else:
            out.append(ch.encode("unicode_escape").decode("ascii"))
    return "".join(out)


def check_file_size(path: Path, text: bool = False, limits: Limits | None = None) -> int:
    """The file's size in bytes, refused before reading when over ``max_file_mb`` (or, for a
    text format, ``max_text_mb``)."""
    size = check_regular_file(path).st_size
    check("max_text_mb" if text else "max_file_mb", size / MB, limits=limits)
    return size


def check_zip(path: Path, limits: Limits | None = None) -> None:
    """Check a zip container's directory before anything inflates a member.

    Refuses too many members, a total declared uncompressed size over ``max_inflated_mb`` and
    a member that would inflate more than ``max_zip_ratio`` times (a zip bomb). Python's
    zipfile never inflates a member beyond its declared size (it stops there and reports a
    bad CRC), so checking the declared sizes bounds what reading can cost.

    A file that is no zip at all is left to the caller to report.
    """
    limits = limits or current()
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
        return  # not a zip this module can read: the caller says so
    check("max_zip_members", len(members), limits=limits)
    total = 0
    for info in members:
        total += info.file_size
        if info.file_size > RATIO_MIN_BYTES:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > limits.max_zip_ratio:
                raise LimitExceeded(
                    "max_zip_ratio",
                    round(ratio),
                    limits.max_zip_ratio,
                    f"{info.filename} would inflate from {_mb(info.compress_size)} "
                    f"to {_mb(info.file_size)}: a zip bomb",
                )
    check("max_inflated_mb", total / MB, f"{len(members)} members", limits=limits)


def _mb(size: int) -> str:
    return f"{size / MB:.1f} MB" if size >= MB / 10 else f"{size} bytes"


# -- time ------------------------------------------------------------------------------------


class Deadline:
    """A document's time budget, for long loops (pages, OCR) to check as they go.

    The batch runner enforces ``max_seconds`` from outside; a backend that checks its
    deadline between pages fails sooner, with a clearer message and its worker intact.
    """

    def __init__(self, seconds: float | None = None) -> None:
        self.seconds = current().max_seconds if seconds is None else seconds
        self.start = time.monotonic()

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.start

    def check(self, detail: str = "") -> None:
        elapsed = self.elapsed
        if elapsed > self.seconds:
            raise LimitExceeded("max_seconds", round(elapsed, 1), self.seconds, detail)


def time_exceeded(seconds: float, limits: Limits | None = None) -> LimitExceeded:
    """The error for the runner to record when it stopped a document at its timeout."""
    return LimitExceeded("max_seconds", seconds, (limits or current()).max_seconds)


def memory_exceeded(used_mb: float | None = None, limits: Limits | None = None) -> LimitExceeded:
    """The error for the runner to record when a document went over its memory cap."""
    return LimitExceeded("max_memory_mb", used_mb, (limits or current()).max_memory_mb)
