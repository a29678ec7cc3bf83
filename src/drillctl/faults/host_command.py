"""host-command: run a process on the host (a k6 script, a load generator) for the fault's duration.

The process starts in its own session with its output in the run directory; the revert stops the
whole process group (``stop_signal``, then SIGKILL after a grace period). Its pid and start time go
to a 0600 file in the run directory *before* anything else, so a later ``drillctl recover`` stops
it even when the run died between the start and the journal line that records it.
"""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import Field, field_validator

from drillctl.core.durations import Duration
from drillctl.core.errors import TargetError
from drillctl.core.redact import Redactor
from drillctl.faults import _process
from drillctl.faults._aio import blocking
from drillctl.faults._files import private_name, read_private, remove_private, write_private
from drillctl.faults._service import for_duration
from drillctl.faults.base import FaultEnv, FaultParams, FaultPlan
from drillctl.faults.exec import join_argv

STOP_GRACE_S = 10.0


class HostCommandParams(FaultParams):
    type: Literal["host-command"]
    argv: list[str] = Field(min_length=1)
    duration: Duration | None = None
    cwd: Path | None = None
    env: dict[str, str] = {}
    stop_signal: str = "SIGTERM"

    @field_validator("stop_signal")
    @classmethod
    def _known_signal(cls, value: str) -> str:
        if value not in signal.Signals.__members__:
            raise ValueError(f"{value!r} is not a signal name such as SIGTERM or SIGINT")
        return value


class HostCommand:
    type_name: ClassVar[str] = "host-command"
    params_model: ClassVar[type[FaultParams]] = HostCommandParams

    def __init__(self, params: HostCommandParams) -> None:
        self.params = params
        self._private = private_name("host-command")

    def plan(self) -> FaultPlan:
        p = self.params
        shown = join_argv(Redactor().redact_argv(p.argv))
        return FaultPlan(
            action=f"run {shown} on the host{for_duration(p.duration)}",
            targets=[f"host:{p.argv[0]}"],
            duration=p.duration,
            revert=f"send {p.stop_signal} to its process group (SIGKILL after {STOP_GRACE_S:.0f}s)",
        )

    async def check(self, env: FaultEnv) -> None:
        cwd = self.params.cwd
        if cwd is not None and not cwd.is_dir():
            raise TargetError(f"host-command cwd {cwd} is not a directory")

    def undo(self) -> dict[str, Any]:
        return {"private": self._private, "stop_signal": self.params.stop_signal}

    async def inject(self, env: FaultEnv) -> dict[str, Any]:
        p = self.params
        log = env.run_dir / f"{Path(self._private).stem}.log"
        proc = _process.spawn(p.argv, cwd=p.cwd, env={**os.environ, **p.env}, log=log)
        write_private(env.run_dir, self._private, proc)
        shown = {"pid": proc["pid"], "log": str(log.relative_to(env.run_dir))}
        if p.duration is None:  # no duration: the command is the fault, it ends when it exits
            return {**shown, "exit_code": await wait_exit(proc["pid"], proc["ticks"])}
        await asyncio.sleep(0.2)  # a command that cannot start at all fails here, not in the revert
        if not _process.is_alive(proc["pid"], proc["ticks"]):
            raise TargetError(
                f"{join_argv(Redactor().redact_argv(p.argv))} exited at once; see {log}"
            )
        return shown

    @classmethod
    async def revert(
        cls, env: FaultEnv, undo: dict[str, Any], result: dict[str, Any]
    ) -> dict[str, Any]:
        proc = read_private(env.run_dir, undo.get("private")) or result
        if not proc.get("pid"):
            return {"skipped": "the process was never started"}
        stopped = await blocking(
            _process.stop,
            proc["pid"],
            proc.get("ticks"),
            undo.get("stop_signal", "SIGTERM"),
            STOP_GRACE_S,
        )
        remove_private(env.run_dir, undo.get("private"))
        return stopped


async def wait_exit(pid: int, ticks: int | None) -> int | None:
    """Wait (without blocking the loop) for our child to exit; its exit code."""
    while True:
        code = _process.reap(pid)
        if code is not None or not _process.is_alive(pid, ticks):
            return code
        await asyncio.sleep(0.1)
