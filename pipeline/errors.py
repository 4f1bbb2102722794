"""Errors that name the file and the problem, so one bad file never stops a batch."""

from __future__ import annotations


class DocumentError(Exception):
    """A document could not be read or understood.

    The message says what is wrong in words an archivist can act on ("not a valid .docx:
    the zip archive is truncated"); the batch runner records it in the ``documents`` table
    with the file's path and carries on with the next file.
    """


class UnsupportedFormatError(DocumentError):
    """The file's content is a format protokoll has no backend for (yet)."""
