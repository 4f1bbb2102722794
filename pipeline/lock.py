"""One run at a time per output folder.

Two runs writing the same manifest and tables would each publish half of the truth, so a
run holds an exclusive ``flock`` on ``OUTDIR/.lock`` from start to end. The kernel drops the
lock when the process dies, however it dies (kill -9 included): there is never a stale lock
to clean up by hand. The file says who holds it, for the message the second run prints.
"""

from __future__ import annotations

import fcntl
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

LOCK_NAME = ".lock"


class RunLocked(Exception):
    """Another run holds the lock on this output folder."""


@contextmanager
def run_lock(out_dir: Path) -> Iterator[None]:
    """Hold the output folder's lock for the duration, or raise :class:`RunLocked` at once."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 300, 0).decode("utf-8", "replace").strip() or "unknown"
            raise RunLocked(
                f"another protokoll run holds the lock on {out_dir} ({holder}); "
                "not starting a second one: wait for it to finish"
            ) from None
        since = datetime.now().astimezone().isoformat(timespec="seconds")
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} on {socket.gethostname()} since {since}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock
