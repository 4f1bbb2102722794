"""Stable identifiers: the same input gives the same ids on every run and every machine."""

from __future__ import annotations

import hashlib


def stable_id(prefix: str, *parts: str) -> str:
    """``prefix`` + 16 hex digits of a hash over ``parts``: ``stable_id("m", doc_id, "1")``."""
    # surrogateescape: a file name with non-UTF-8 bytes still gets an id
    data = "\x1f".join(parts).encode("utf-8", "surrogateescape")
    digest = hashlib.blake2b(data, digest_size=8).hexdigest()
    return f"{prefix}_{digest}"
