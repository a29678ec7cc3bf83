"""Host processes a fault starts (host-command, ws-storm) and a later process must be able to stop.

A process is identified by its pid *and* its start time (``/proc/PID/stat`` field 22), so a pid
reused by an unrelated process after a reboot or a long gap is never signalled. Each process runs
in its own session, so stopping it stops its children too (a shell script and what it started).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from drillctl.core.errors import TargetError


def start_ticks(pid: int) -> int | None:
    """The process's start time in clock ticks since boot, or None when there is no such process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return None if fields[0] == "Z" else int(fields[19])


def is_alive(pid: int, ticks: int | None) -> bool:
    reap(pid)
    now = start_ticks(pid)
    return now is not None and (ticks is None or now == ticks)


def reap(pid: int) -> int | None:
    """Collect the exit status of our own child (so it is not left a zombie); None otherwise."""
    try:
        done, status = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return None
    return os.waitstatus_to_exitcode(status) if done else None


def spawn(
    argv: list[str], *, cwd: Path | None, env: Mapping[str, str], log: Path
) -> dict[str, Any]:
    """Start argv in its own session with output to ``log``; returns what identifies it."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        try:
            proc = subprocess.Popen(  # noqa: S603 - argv list from the scenario, no shell
                argv,
                cwd=cwd,
                env=dict(env),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=out,
                start_new_session=True,
            )
        except OSError as exc:
            raise TargetError(f"cannot start {argv[0]}: {exc.strerror or exc}") from exc
    return {"pid": proc.pid, "ticks": start_ticks(proc.pid)}


def stop(
    pid: int, ticks: int | None, sig: str = "SIGTERM", grace_s: float = 10.0
) -> dict[str, Any]:
    """Signal the process group, wait up to ``grace_s``, then SIGKILL it. Idempotent."""
    if not is_alive(pid, ticks):
        return {"pid": pid, "stopped": "already exited", "exit_code": reap(pid)}
    _signal_group(pid, signal.Signals[sig])
    deadline = time.monotonic() + grace_s
    while time.monotonic() < deadline:
        if not is_alive(pid, ticks):
            return {"pid": pid, "stopped": sig}
        time.sleep(0.05)
    _signal_group(pid, signal.SIGKILL)
    while is_alive(pid, ticks) and time.monotonic() < deadline + 5:
        time.sleep(0.05)
    return {"pid": pid, "stopped": "SIGKILL"}


def _signal_group(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)  # its own session: the group id is its pid, children included
