"""host-command: run a process on the host (a k6 script, a load generator) for the fault's duration."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field

from drillctl.faults.base import FaultParams
from drillctl.scenario.durations import Duration


class HostCommandParams(FaultParams):
    type: Literal["host-command"]
    argv: list[str] = Field(min_length=1)
    duration: Duration | None = None
    cwd: Path | None = None
    env: dict[str, str] = {}
    stop_signal: str = "SIGTERM"
