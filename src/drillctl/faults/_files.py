"""Private files in the run directory: where a fault keeps what the journal must never hold.

A value that may be secret (a revert command with a password, a storm's auth token, a pid file a
later process needs) goes into a 0600 file under ``<run_dir>/private/``; the journal only names the
file, relative to the run directory, so ``drillctl recover`` finds it from the journal.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any

PRIVATE_DIR = "private"


def private_name(kind: str) -> str:
    """A fresh relative path for one fault's private file, e.g. ``private/exec-3fa2c1d0.json``."""
    return f"{PRIVATE_DIR}/{kind}-{secrets.token_hex(4)}.json"


def write_private(run_dir: Path, name: str, data: Any) -> Path:
    path = run_dir / name
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle)
        handle.flush()
        os.fsync(handle.fileno())
    return path


def read_private(run_dir: Path, name: str | None) -> Any | None:
    """The data of a private file, or None when it was never written (or already consumed)."""
    if not name:
        return None
    try:
        return json.loads((run_dir / name).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


def remove_private(run_dir: Path, name: str | None) -> None:
    if name:
        (run_dir / name).unlink(missing_ok=True)
