"""One drill at a time per compose project: a lock file in the state directory.

``<state_dir>/locks/<project>.lock`` is held with ``flock`` for as long as the drill runs, and
says who holds it (pid, process start time, run id, since). The kernel drops the flock when the
holder dies, however it dies, so a lock left by a dead process is simply taken over (and said so);
a lock held by a live process is a ``LockError`` naming that process and its run.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from drillctl.core.errors import LockError
from drillctl.faults._process import start_ticks

LOCKS_DIR = "locks"


@dataclass(frozen=True)
class LockInfo:
    pid: int
    ticks: int | None
    run_id: str | None
    since: str
    host: str

    @classmethod
    def read(cls, path: Path) -> LockInfo | None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(**{k: data.get(k) for k in ("pid", "ticks", "run_id", "since", "host")})
        except (OSError, ValueError, TypeError):
            return None


def lock_path(state_dir: Path, project: str) -> Path:
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", project) or "default"
    return state_dir / LOCKS_DIR / f"{safe}.lock"


class ProjectLock:
    """``with ProjectLock(state_dir, project, run_id) as lock:`` — raises ``LockError`` if held."""

    def __init__(self, state_dir: Path, project: str, run_id: str | None = None) -> None:
        self.path = lock_path(state_dir, project)
        self.project = project
        self.run_id = run_id
        self.took_over: LockInfo | None = None  # the stale holder this lock replaced, if any
        self._handle: IO[str] | None = None

    def acquire(self) -> ProjectLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            handle.close()
            raise LockError(
                self._held_message(LockInfo.read(self.path)), hint=self._hint()
            ) from exc
        self.took_over = LockInfo.read(self.path)
        self._write(handle)
        self._handle = handle
        return self

    def _write(self, handle: IO[str]) -> None:
        info = {
            "pid": os.getpid(),
            "ticks": start_ticks(os.getpid()),
            "run_id": self.run_id,
            "since": datetime.now(UTC).isoformat(),
            "host": socket.gethostname(),
        }
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps(info))
        handle.flush()
        os.fsync(handle.fileno())

    def release(self) -> None:
        if self._handle is None:
            return
        with contextlib.suppress(OSError):
            self._handle.seek(0)
            self._handle.truncate()
        fcntl.flock(self._handle.fileno(), fcntl.LOCK_UN)
        self._handle.close()
        self._handle = None

    def __enter__(self) -> ProjectLock:
        return self.acquire()

    def __exit__(self, *exc: Any) -> None:
        self.release()

    def _held_message(self, holder: LockInfo | None) -> str:
        who = "another drillctl process"
        if holder is not None:
            run = f", run {holder.run_id}" if holder.run_id else ""
            who = f"drillctl pid {holder.pid} on {holder.host} (since {holder.since}{run})"
        return f"another drill holds the lock on compose project {self.project!r}: {who}"

    def _hint(self) -> str:
        return f"wait for it to end, or stop it (Ctrl-C reverts its faults); lock file: {self.path}"


def is_held(path: Path) -> bool:
    """Whether a live process holds the lock file (without taking it)."""
    try:
        with path.open("a+", encoding="utf-8") as handle:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
            return False
    except OSError:
        return False


def live_run_ids(state_dir: Path) -> set[str]:
    """Run ids of drills running now (their lock is held): ``recover`` leaves them alone."""
    found: set[str] = set()
    for path in sorted((state_dir / LOCKS_DIR).glob("*.lock")):
        info = LockInfo.read(path)
        if info and info.run_id and is_held(path):
            found.add(info.run_id)
    return found
