"""TEST-ONLY hooks that let the test suite make a real worker hang or die, and pause a
publish half-way, without mocks. Inert unless ``PROTOKOLL_TEST_HOOKS=1`` is set; nothing
in production sets it.

With the variable set:

- a file named ``*.hang.md`` makes the worker wait for a child process that sleeps for an
  hour (a hung converter such as LibreOffice); the child's command line names the file;
- a file named ``*.crash.md`` makes the worker kill itself with SIGKILL (the OOM killer);
- ``PROTOKOLL_TEST_PUBLISH_DELAY=S`` sleeps S seconds after each file moved into place.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ENV = "PROTOKOLL_TEST_HOOKS"


def enabled() -> bool:
    return os.environ.get(ENV) == "1"


def before_document(path: Path) -> None:
    """Called by the per-document function before it reads ``path``."""
    if not enabled():
        return
    if path.name.endswith(".hang.md"):
        subprocess.run([sys.executable, "-c", "import time; time.sleep(3600)", str(path)])
    if path.name.endswith(".crash.md"):
        os.kill(os.getpid(), signal.SIGKILL)


def after_publish_move() -> None:
    """Called after each file a publish moves into the output folder."""
    if enabled():
        time.sleep(float(os.environ.get("PROTOKOLL_TEST_PUBLISH_DELAY", "0")))
