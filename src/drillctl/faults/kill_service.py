"""kill-service: send a signal to a service's containers (default SIGKILL); revert starts it."""

from __future__ import annotations

from typing import Literal

from drillctl.faults.base import FaultParams
from drillctl.scenario.durations import Duration


class KillServiceParams(FaultParams):
    type: Literal["kill-service"]
    service: str
    signal: str = "SIGKILL"
    duration: Duration | None = None  # how long it stays down before the revert starts it
