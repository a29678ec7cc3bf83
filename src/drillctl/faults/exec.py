"""exec: run an argv list inside a service's container (never a shell string unless shell: true)."""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator

from drillctl.faults.base import FaultParams
from drillctl.scenario.durations import Duration


class ExecParams(FaultParams):
    type: Literal["exec"]
    service: str
    argv: list[str] | None = None
    command: str | None = None  # only with shell: true
    shell: bool = False
    expect_exit: int | None = 0  # None: any exit code is accepted
    revert_argv: list[str] | None = None  # optional undo command, run on revert
    user: str | None = None
    duration: Duration | None = None  # observe window before the revert command runs

    @model_validator(mode="after")
    def _argv_or_shell(self) -> ExecParams:
        if self.shell and not self.command:
            raise ValueError("shell: true needs 'command' (a string run by /bin/sh -c)")
        if not self.shell and self.command:
            raise ValueError("'command' is a shell string: set shell: true, or give 'argv' as a list")
        if not self.shell and not self.argv:
            raise ValueError("give 'argv' as a list of arguments, e.g. [redis-cli, -a, cache, FLUSHDB]")
        return self
